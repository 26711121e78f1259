"""Parse YAML (or JSON) text into plain data plus the line of every value; the only YAML user.

Banks and answers files share it so that every problem can be reported as `FILE:LINE: path`.
It reads and writes nothing itself and knows nothing about what the data means.

The files come from other people, so the work is bounded (docs/files.md): nesting deeper than
MAX_DEPTH (merges within merges included), or more than MAX_VALUES units of work, is a
ParseError at the line where it happens. Every value built counts, an alias built again
counts again (an "alias bomb" of a few hundred bytes would otherwise build billions), and so
does each merge, each key it merges and each problem noted; a merge source is built once.
Numbers too long to read, and NaN or lone surrogates in JSON, are located errors.

One builder turns the composed node tree into data (an event-stream builder beside it saved
under a tenth of a millisecond per answers file, which no one would notice, for 150 lines).
"""

from __future__ import annotations

from typing import Any, ClassVar

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from screener.core.safetext import show_value
from screener.files.located import (  # what every reader shares; JSON is read there
    _SURROGATE,
    KEY_LIMIT,
    MAX_DEPTH,
    MAX_DIGITS,
    MAX_VALUES,
    Located,
    ParseError,
    Path,
    duplicate_key,
    format_path,
    load_json,
    too_deep,
    too_long,
)
from screener.i18n import N_, _

try:  # The C composer is many times faster and still gives line marks.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"


class _Composer(_Loader):
    """The C composer with a memo of implicit tags: it resolves every scalar with a dozen
    regular expressions in Python, and answers files repeat the same few dozen scalars (ids,
    true, false). A tag depends only on the text and its quoting, so the memo is exact.
    Files use no path resolvers, so the descend/ascend bookkeeping is skipped as well."""

    _tags: ClassVar[dict[tuple[str, tuple[bool, bool]], str]] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or len(value) > 64:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        key = (value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
            if len(self._tags) < 4096:
                self._tags[key] = tag
        return tag

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


def load(text: str) -> Located:
    """Parse YAML text, keeping the line of every value. Raises ParseError on invalid YAML."""
    try:
        return _load(text)
    except ParseError as exc:
        raise exc.placed(text) from None


def _load(text: str) -> Located:
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        # Where a construct began (an unclosed quote, say) is where to look, more than where
        # the parser gave up on it, often at the end of the file.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark is not None else 0
        raise ParseError(line, _yaml_message(exc)) from None
    except yaml.YAMLError as exc:  # e.g. a reader error for a control character
        raise ParseError(0, str(exc).splitlines()[0]) from None
    except UnicodeEncodeError:  # a lone surrogate in text given to the library, not a file
        found = _SURROGATE.search(text)
        escape = f"\\u{ord(found.group()):04x}" if found else "?"
        raise ParseError(
            0,
            _("{escape} is a lone surrogate, not a character").format(escape=escape),
            found.group() if found else None,
        ) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise ParseError(0, too_deep()) from None
    if node is None:
        return Located(None, {(): 1}, [])
    return _Builder().build(node)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    """PyYAML's own words on what is wrong (they are its, not screener's: not translated),
    with where it noticed it when that is another line."""
    parts = [p for p in (exc.context, exc.problem) if p]
    message = ", ".join(parts) or _("invalid YAML")
    start, end = exc.context_mark, exc.problem_mark
    if start is not None and end is not None and end.line != start.line:
        message = _("{problem} (noticed on line {line})").format(problem=message, line=end.line + 1)
    return message


class _Builder:
    """Turns a composed node tree into dicts, lists and scalars, remembering each line."""

    def __init__(self) -> None:
        self.lines: dict[Path, int] = {}
        self.problems: list[tuple[Path, str]] = []
        self.scalars = SafeConstructor()
        self.count = 0  # values built: an alias visits its node again, so it counts again
        self.seen: set[int] = set()  # ids of the nodes built so far: a second visit is an alias
        self.alias_at = 0  # while an alias is built again, the line where it was written
        self.merging = 0  # merges within merges being built
        self.merge_at = 0  # the line of the outermost of them
        # Each merge source built so far, by node: its data and the line of each key.
        self.merged: dict[int, tuple[dict[Any, Any], dict[Any, int]]] = {}

    def build(self, node: Node) -> Located:
        data = self.value(node, (), 1)
        return Located(data, self.lines, self.problems)

    def value(self, node: Node, path: Path, parent: int) -> Any:
        """`node` as data; `parent` is the line of the node that holds it, which is where an
        alias stands (the node tree keeps only the anchor's place)."""
        line = self.lines[path] = node.start_mark.line + 1
        outermost = False
        if not self.alias_at and isinstance(node, MappingNode | SequenceNode):
            if id(node) in self.seen:
                self.alias_at, outermost = parent, True
            else:
                self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_VALUES:
            raise ParseError(self.alias_at or line, _too_many())
        if len(path) >= MAX_DEPTH and not isinstance(node, ScalarNode):
            raise ParseError(self.alias_at or line, too_deep())
        if isinstance(node, MappingNode):
            data: Any = self.mapping(node, path)
        elif isinstance(node, SequenceNode):
            data = [self.value(item, (*path, i), line) for i, item in enumerate(node.value)]
        else:
            assert isinstance(node, ScalarNode)
            data = self.scalar(node, path)
        if outermost:
            self.alias_at = 0
        return data

    def scalar(self, node: ScalarNode, path: Path = ()) -> Any:
        return _scalar(self.scalars, node.tag, node, self.problems, path)

    def mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merges: list[tuple[MappingNode, int]] = []  # with the line of their `<<`
        line_of: dict[Any, int] = {}  # the line of each key kept
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:  # `<<: *anchor`: merged after, under the keys given
                merge_line = key_node.start_mark.line + 1
                merges.extend((source, merge_line) for source in _merge_sources(value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                self.problem(path, _("a key must be a plain value"))
                continue
            key = self.scalar(key_node, path)
            if not isinstance(key, str | int | bool) or key is None:
                key = str(key)
            where = (*path, key)
            key_line = key_node.start_mark.line + 1
            if key in out:
                self.lines[where] = key_line
                self.problem(where, duplicate_key(key))
                continue
            if type(value_node) is ScalarNode and self.count < MAX_VALUES:
                # Most values, built here rather than through `value`: a plain scalar is no
                # alias and nests nothing, so only the count is to keep.
                self.count += 1
                out[key] = _scalar(self.scalars, value_node.tag, value_node, self.problems, where)
            else:
                out[key] = self.value(value_node, where, key_line)
            # Point at the key's line: a block value starts on the next line.
            self.lines[where] = line_of[key] = key_line
        for source, merge_line in merges:  # a key written in the mapping wins, wherever
            # Each merge costs its keys, and one at least: empty mappings merged ten times a
            # level once cost ten times more each level and never counted a value. A source
            # is built once and its keys reused wherever it is merged again (anchors are what
            # merges name), so merges of merges cost what they build, not 10**levels. A
            # problem is told at the outermost `<<` being built (or alias).
            if not self.merging:
                self.merge_at = merge_line
            at = self.alias_at or self.merge_at
            self.spend(1, at)
            built = self.merged.get(id(source))
            if built is None:
                self.merging += 1  # a merge of a merge of ... nests as deeply as a value
                if self.merging + len(path) >= MAX_DEPTH:
                    raise ParseError(at, too_deep())
                merged = self.mapping(source, path)
                self.merging -= 1
                key_lines = {k: self.lines.get((*path, k), at) for k in merged}
                self.merged[id(source)] = built = (merged, key_lines)
            merged, key_lines = built
            self.spend(len(merged), at)
            for k, v in merged.items():
                if k not in out:
                    out[k] = v
                # Where the key that is kept was written (the source was built at this path,
                # over the lines of keys this mapping holds already).
                self.lines[(*path, k)] = line_of.setdefault(k, key_lines[k])
        return out

    def spend(self, n: int, line: int) -> None:
        """Count `n` more units of work (values built, merges, keys merged, problems) against
        the one budget, MAX_VALUES, stopping at `line` once it is spent."""
        self.count += n
        if self.count > MAX_VALUES:
            raise ParseError(line, _too_many())

    def problem(self, path: Path, message: str) -> None:
        """Note a problem; each costs work, so each counts against the budget. One found again
        while an alias builds a node again was noted where the node is written."""
        self.spend(1, self.alias_at or self.lines.get(path, 0) or 1)
        if not self.alias_at:
            self.problems.append((path, message))


def _scalar(
    constructor: SafeConstructor,
    tag: str,
    node: ScalarNode,
    problems: list[tuple[Path, str]],
    path: Path,
) -> Any:
    """The value of a scalar node with its resolved `tag`."""
    # The common tags skip the constructor's dispatch: most scalars and keys are text, and
    # answers are mostly true and false.
    text = node.value
    if tag == _STR:
        return text
    if tag == _BOOL and text.lower() in SafeConstructor.bool_values:
        return SafeConstructor.bool_values[text.lower()]
    if tag == _INT and text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    if tag == _INT and sum(c.isdigit() for c in text) > MAX_DIGITS:
        raise ParseError(0, too_long(text), text)
    # `!custom` tags, `!!int abc`, `!!int` with no digits, `!!bool maybe`, a date with month
    # 13: PyYAML's constructors raise all of these for text a tag does not fit.
    try:
        return constructor.construct_object(node)
    except yaml.YAMLError as exc:
        reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else None
        problems.append(
            (path, _("cannot read this value: {problem}").format(problem=reason or exc))
        )
    except (ValueError, ArithmeticError, LookupError, TypeError):
        kind = tag.rsplit(":", 1)[-1]
        cannot = _CANNOT_READ.get(kind)
        if cannot is None:
            message = _("cannot read {value} as a value of the tag {tag}").format(
                value=show_value(text), tag=show_value(kind)
            )
        else:
            message = _(cannot).format(value=show_value(text))
        problems.append((path, message))
    return text


# What a value with a standard tag could not be read as, by the tag (made at import time, so
# only marked here: `_scalar` translates the one it needs).
_CANNOT_READ = {
    "int": N_("cannot read {value} as a whole number"),
    "float": N_("cannot read {value} as a number"),
    "bool": N_("cannot read {value} as true or false"),
    "timestamp": N_("cannot read {value} as a date"),
    "binary": N_("cannot read {value} as base64 data"),
    "null": N_("cannot read {value} as nothing"),
}


def _too_many() -> str:
    return _("more than {limit} values once aliases are expanded (an alias bomb?)").format(
        limit=f"{MAX_VALUES:,}"
    )


def _merge_sources(node: Node) -> list[MappingNode]:
    if isinstance(node, MappingNode):
        return [node]
    if isinstance(node, SequenceNode):
        return [n for n in node.value if isinstance(n, MappingNode)]
    return []


def dump(data: Any) -> str:
    """YAML text for plain data, keys in the given order."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


__all__ = [
    "KEY_LIMIT",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_VALUES",
    "Located",
    "ParseError",
    "Path",
    "dump",
    "format_path",
    "load",
    "load_json",
]
