"""The built-in bank ready to use: where it is, and its prepared form read without YAML.

`questions.prepared.jsonl` sits beside `questions.yaml` (in the wheel, inside the package):
the `Bank` the YAML reader makes from `questions.yaml`, and from it with each translation file
laid over it (`questions.es.yaml`), one language a line, so a run reads one JSON line (its
first line says where each starts) instead of parsing 90 KB of YAML or two with line
tracking. `tools/prepared_bank.py` writes it;
`tools/prepared_bank.py --check` (run by the tests) holds it to what the reader makes.

The prepared form is used only while it is the bank's own: its first line holds the size and
CRC-32 of each file it was made from, and the shape of the records it holds. A checkout whose
`questions.yaml` or translation was edited, or whose records changed, reads the YAML as ever
(and says where a mistake is); nothing here writes a file, at run time or ever. A CRC is enough:
it tells an edited file from the one prepared (short of a collision made on purpose, by someone
who could as well edit the prepared file), and `zlib` is loaded already where a hash library
would cost a run more than the check saves.

Nothing here imports YAML or the bank reader, and nothing prints.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from screener.core import model
from screener.core.model import Bank
from screener.core.safetext import one_line

BANK_FILE = "questions.yaml"
PREPARED_FILE = "questions.prepared.jsonl"
SCHEMA_FILE = "bank.schema.json"  # the JSON Schema of the bank format
# Bump when the way records are written changes: an older prepared file is then not used.
FORMAT = 1

# The records a bank is made of, by name, and the enums among their fields.
_RECORDS: dict[str, type[tuple[Any, ...]]] = {
    cls.__name__: cls
    for cls in (
        model.Bank,
        model.Source,
        model.Option,
        model.Band,
        model.Scale,
        model.Question,
        model.Section,
        model.Flag,
        model.Referral,
        model.Caveat,
        model.Helpline,
        model.Emergency,
        model.Leaf,
        model.AllOf,
        model.AnyOf,
        model.Not,
    )
}
_ENUMS: dict[str, type[Enum]] = {
    cls.__name__: cls for cls in (model.Kind, model.Role, model.Urgency)
}
_TAG = "_"  # the key naming a record or an enum in the JSON; no bank key is spelled so
_TUPLE, _PROXY = "tuple", "mappingproxy"


def default_path(name: str = BANK_FILE) -> Path:
    """A file shipped beside the bundled bank (the bank itself by default; its prepared form,
    its schema): inside the installed package, else at the top of a source checkout."""
    package = Path(__file__).resolve().parent.parent  # screener/, beside files/
    for candidate in (package / name, package.parent / name):
        if candidate.is_file():
            return candidate
    return package / name


def translation_name(bank_file: str, language: str) -> str:
    """`questions.yaml` -> `questions.es.yaml`: where a bank's words in `language` are."""
    stem, dot, suffix = bank_file.rpartition(".")
    if not dot or "/" in suffix:
        return f"{bank_file}.{language}.yaml"
    return f"{stem}.{language}.{suffix}"


def shape() -> int:
    """A number that changes when a record gains, loses or renames a field."""
    described = repr(sorted((name, cls._fields) for name, cls in _RECORDS.items()))  # type: ignore[attr-defined]
    return zlib.crc32(described.encode())


def fingerprint(sources: Iterable[Path]) -> dict[str, list[int]]:
    """Each source file's name -> [its size, its CRC-32]; a missing file is [-1, 0]."""
    out: dict[str, list[int]] = {}
    for path in sources:
        try:
            data = path.read_bytes()
        except OSError:
            out[path.name] = [-1, 0]
            continue
        out[path.name] = [len(data), zlib.crc32(data)]
    return out


def sources(bank_file: Path, languages: Iterable[str]) -> list[Path]:
    """The bank file and the translation file of each of its other languages."""
    return [bank_file] + [
        bank_file.with_name(translation_name(bank_file.name, code)) for code in languages
    ]


def current(language: str) -> bool:
    """Whether the prepared form holds the built-in bank in `language` and is still its own
    (all `read` checks before it decodes it)."""
    return _located(language) is not None


def read(language: str) -> Bank | None:
    """The built-in bank in `language` from its prepared form; None when there is none for
    that language, or it is not the bank's own (then the YAML is read, as for any bank)."""
    found = _located(language)
    if found is None:
        return None
    bank_file, start, size = found
    try:
        with default_path(PREPARED_FILE).open("rb") as stream:
            stream.seek(start)
            bank = json.loads(stream.read(size), object_hook=_decode)
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None  # a broken prepared form: the YAML it was made from decides
    if not isinstance(bank, Bank) or bank.language != language:
        return None
    return bank._replace(path=one_line(str(bank_file)))


def _located(language: str) -> tuple[Path, int, int] | None:
    """The bank file, and where the line of `language` is in the prepared file, when that
    file is current and holds it."""
    try:
        with default_path(PREPARED_FILE).open("rb") as stream:
            head = json.loads(stream.readline())
        if head.get("format") != FORMAT or head.get("shape") != shape():
            return None
        languages = head["languages"]
        if language not in languages:
            return None
        start, size = head["at"][languages.index(language)]
        bank_file = default_path(BANK_FILE)
        if fingerprint(sources(bank_file, languages[1:])) != head["sources"]:
            return None
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None  # no prepared form, or a broken one
    if not (isinstance(start, int) and isinstance(size, int)):
        return None
    return bank_file, start, size


def write_text(banks: Mapping[str, Bank], files: list[Path]) -> str:
    """The prepared file for `banks` (language -> the bank in it, the bank's own language
    first), made from `files`: the same text for the same banks, every time."""
    lines = [
        json.dumps(encode(bank._replace(path="", warnings=())), separators=(",", ":")) + "\n"
        for bank in banks.values()
    ]  # ASCII: a line's length in characters is its length in bytes
    head = {
        "format": FORMAT,
        "shape": shape(),
        "languages": list(banks),
        "sources": fingerprint(files),
        "at": [],  # where each language's line starts in the file, and its length
    }
    width = 0
    while True:  # the head's own length decides where the lines start
        start, at = width, []
        for line in lines:
            at.append([start, len(line)])
            start += len(line)
        head["at"] = at
        text = json.dumps(head, separators=(",", ":")) + "\n"
        if len(text) == width:
            return text + "".join(lines)
        width = len(text)


def encode(value: object) -> Any:
    """A bank's records as JSON data that `_decode` makes back into the same records: a record
    as an object naming it (its fields left out where they hold their default), an enum as an
    object naming it, a tuple that is not a record's field as an object too."""
    return _encode(value, field=False)


def _encode(value: object, field: bool) -> Any:
    if isinstance(value, Enum):
        return {_TAG: type(value).__name__, "v": value.value}
    name = type(value).__name__
    if isinstance(value, tuple) and name in _RECORDS:
        cls = _RECORDS[name]
        defaults = cls._field_defaults  # type: ignore[attr-defined]
        out: dict[str, Any] = {_TAG: name}
        for key, item in zip(cls._fields, value, strict=True):  # type: ignore[attr-defined]
            if key in defaults and _same(item, defaults[key]):
                continue
            out[key] = _encode(item, field=True)
        return out
    if isinstance(value, tuple):
        items = [_encode(item, field=False) for item in value]
        # A record's field that is a tuple comes back as one from a list; elsewhere a tuple
        # names itself.
        return items if field else {_TAG: _TUPLE, "v": items}
    if isinstance(value, Mapping):
        items_ = {}
        for key, item in value.items():
            if not isinstance(key, str) or key == _TAG:
                raise ValueError(f"cannot prepare a mapping with the key {key!r}")
            items_[key] = _encode(item, field=False)
        return items_ if type(value) is dict else {_TAG: _PROXY, "v": items_}
    if value is None or isinstance(value, bool | int | str):
        return value
    raise ValueError(f"cannot prepare a {name}")


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def _decode(data: dict[str, Any]) -> Any:
    name = data.pop(_TAG, None)
    if name is None:
        return data
    cls = _RECORDS.get(name)
    if cls is not None:
        for key, value in data.items():
            if type(value) is list:  # a record's field written as a list was a tuple
                data[key] = tuple(value)
        return cls(**data)
    if name == _TUPLE:
        return tuple(data["v"])
    if name == _PROXY:
        return MappingProxyType(data["v"])
    return _ENUMS[name](data["v"])
