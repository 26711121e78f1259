"""Parsed data with the line of each value, its errors, and JSON read as such: no YAML here.

Every reader of a file from someone else (banks, answers, FHIR, personas) reports problems as
`FILE:LINE: path: message` through `Located`. JSON is read here with the json module, bounded as
YAML is (docs/files.md): nesting deeper than MAX_DEPTH, more than MAX_VALUES values, numbers
too long to read, NaN and lone surrogates are located errors. `screener.files.yamlsrc` reads
YAML into the same `Located`; a path that only reads JSON (`score FILE.json`, a caseload)
never loads PyYAML. Reads and writes no files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeAlias

from screener.core.safetext import one_line, show_value
from screener.i18n import _, pgettext

Path: TypeAlias = tuple[str | int, ...]

MAX_DEPTH = 64  # nested mappings and lists; the default bank needs 9
MAX_VALUES = 200_000  # values built, aliases expanded; the default bank has about 1,300
KEY_LIMIT = 40  # characters of a key in a path such as `answers.KEY`
MAX_DIGITS = 100  # a longer number is refused rather than converted (which is quadratic)


class ParseError(Exception):
    """The text is not valid YAML or JSON; `line` is 1-based (0 when unknown)."""

    def __init__(self, line: int, message: str, token: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.token = token  # text whose first place in the file gives the line, if not known

    def placed(self, text: str) -> ParseError:
        """This error with its line found from `token` in `text`, when it has no line."""
        if self.line or self.token is None:
            return self
        return ParseError(text.count("\n", 0, max(text.find(self.token), 0)) + 1, self.message)


class Located:
    """Parsed data with the line of each path, and the problems found while building it."""

    def __init__(self, data: Any, lines: dict[Path, int], problems: list[tuple[Path, str]]):
        self.data = data
        self.lines = lines
        self.problems = problems  # e.g. duplicate keys, which PyYAML would silently drop

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def format_path(path: Path) -> str:
    """`("sections", 3, "questions", 2, "criterion")` -> `sections[3].questions[2].criterion`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:  # a key from the file: shown on one line, shortened
            name = one_line(str(part), KEY_LIMIT)
            out += f".{name}" if out else name
    return out or pgettext("path in a file", "(top)")


def load_json(text: str) -> Located:
    """Parse JSON text. Lines are only known for the whole document; duplicate keys, which
    `json` would silently drop, are reported as problems there."""
    problems: list[tuple[Path, str]] = []
    try:
        try:
            data = _decode(text, _DECODER)  # the usual text: no duplicate key
        except _Duplicate:  # read again, noting each one
            data = _decode(text, _noting_duplicates(problems))
    except json.JSONDecodeError as exc:
        raise ParseError(exc.lineno, exc.msg) from None
    except ParseError as exc:
        raise exc.placed(text) from None
    except RecursionError:
        raise ParseError(1, too_deep()) from None
    # The tree is walked only when the text could break a bound: an escaped surrogate, room
    # for more values than allowed, or brackets nested deeper than allowed (a FHIR response
    # has hundreds of brackets, nested a dozen deep: looking at them beats walking its values;
    # a short text's brackets are counted first, as most have too few to nest so deep).
    if (
        ("\\" in text and _SURROGATE_ESCAPE.search(text))
        or len(text) > 2 * MAX_VALUES  # a value and its comma take two characters at least
        or (
            (len(text) > _COUNTED_UP_TO or text.count("[") + text.count("{") >= MAX_DEPTH)
            and _nests(text, MAX_DEPTH)
        )
    ):
        try:
            _check_tree(data)
        except ParseError as exc:
            raise exc.placed(text) from None
    return Located(data, {(): 1}, problems)


def _decode(text: str, decoder: json.JSONDecoder) -> Any:
    """`json.loads(text)` with `decoder`'s hooks (made once, not at every call): what
    `decoder.decode` does, without its two wrappers, and with no whitespace to look past
    where the text starts with its value."""
    if text.startswith("\ufeff"):  # as json.loads says it
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    start = 0 if text.startswith(("{", "[")) else _past_whitespace(text, 0)
    scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once  # type: ignore[attr-defined]
    try:
        data, end = scan(text, start)
    except StopIteration as err:
        raise json.JSONDecodeError("Expecting value", text, err.value) from None
    if end != len(text):
        end = _past_whitespace(text, end)
        if end != len(text):
            raise json.JSONDecodeError("Extra data", text, end)
    return data


_WHITESPACE = re.compile(r"[ \t\n\r]*")  # what json.loads looks past around the value


def _past_whitespace(text: str, at: int) -> int:
    found = _WHITESPACE.match(text, at)
    return found.end() if found else at


class _Duplicate(Exception):
    """A key written twice in one object: the text is read again to note each one."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) < len(pairs):  # rare
        raise _Duplicate
    return out


def _noting_duplicates(problems: list[tuple[Path, str]]) -> json.JSONDecoder:
    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) < len(pairs):  # only then are the keys looked at one by one
            seen: set[str] = set()
            for key, _value in pairs:
                if key in seen:
                    problems.append(((), duplicate_key(key)))
                seen.add(key)
        return out

    return json.JSONDecoder(object_pairs_hook=unique, parse_int=_number, parse_constant=_constant)


# json names no place for what its hooks see: the first place the token is written gives the
# line, which is what a person needs to find it.
def _number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ParseError(0, too_long(digits), digits)
    return int(digits)


def _constant(name: str) -> float:
    raise ParseError(0, _("{name} is not a number JSON allows").format(name=name), name)


_DECODER = json.JSONDecoder(object_pairs_hook=_unique, parse_int=_number, parse_constant=_constant)


# For `_nests`: every byte but a bracket or a quote (deleted); an escape (a backslash and the
# one ASCII character it escapes: a \u escape leaves its hex digits, which are neither); and
# each bracket as the same one of a pair, whichever kind it is.
_NOT_BRACKET_OR_QUOTE = bytes(c for c in range(256) if c not in b'[]{}"')
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_AS_PAIR = bytes.maketrans(b"[{]}", b"(())")
# A longer text is looked at without counting its brackets first: nearly every one holds
# enough to nest so deep, and counting costs half as much as the look.
_COUNTED_UP_TO = 8192
_FOUND_ESCAPES = 32  # escapes dropped one by one; past them, the rest in one pass


def _nests(text: str, depth: int) -> bool:
    """Whether brackets nest `depth` deep in JSON text (already parsed, so valid), outside
    its strings. Done on the UTF-8 bytes, where the work is in C: no byte of a character
    beyond ASCII is a quote, a backslash or a bracket."""
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:  # without its escapes, every quote left opens or closes a string
        data = _unescaped(data)
    # Brackets and quotes only: a few hundred bytes for a FHIR response. Two quotes side by
    # side are a string holding no bracket, or the gap between two strings that holds none:
    # either way, dropping them leaves every bracket in or out of a string as it was, and
    # most texts with no quote at all. Otherwise what is outside the strings is every other
    # piece between quotes.
    quoted = data.translate(None, _NOT_BRACKET_OR_QUOTE).replace(b'""', b"")
    brackets = b"".join(quoted.split(b'"')[::2]) if b'"' in quoted else quoted
    # Each pass drops every pair that holds nothing: one level of the deepest nesting.
    pairs = brackets.translate(_AS_PAIR)
    for _level in range(depth - 1):
        if not pairs:
            return False
        pairs = pairs.replace(b"()", b"")
    return bool(pairs)


def _unescaped(data: bytes) -> bytes:
    """`data` without its escapes, each a backslash and the character after it. A few are
    found one by one (a search for one byte is the quickest there is), then the rest of a
    text full of them in one pass."""
    pieces: list[bytes] = []
    start = 0
    at = data.find(b"\\")
    while at >= 0 and len(pieces) < _FOUND_ESCAPES:
        pieces.append(data[start:at])
        start = at + 2
        at = data.find(b"\\", start)
    pieces.append(data[start:] if at < 0 else _ESCAPE.sub(b"", data[start:]))
    return b"".join(pieces)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogate(text: str) -> None:
    found = _SURROGATE.search(text)
    if found:
        escape = f"\\u{ord(found.group()):04x}"
        message = _("{escape} is a lone surrogate, not a character").format(escape=escape)
        raise ParseError(0, message, escape)


def _check_tree(data: Any) -> None:
    """Depth, size and lone surrogates of parsed JSON, walked without recursion."""
    stack: list[tuple[Any, Path]] = [(data, ())]
    count = 0
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise ParseError(1, _("more than {limit} values").format(limit=f"{MAX_VALUES:,}"))
        if len(path) > MAX_DEPTH:
            raise ParseError(1, too_deep())
        if isinstance(value, str):
            _no_surrogate(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _no_surrogate(key)
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))


def duplicate_key(key: object) -> str:
    return _("duplicate key {key}").format(key=show_value(key))


def too_long(number: str) -> str:
    return _("a number of {n} characters is too long to read").format(n=len(number))


def too_deep() -> str:
    return _("nested more than {limit} levels deep").format(limit=MAX_DEPTH)
