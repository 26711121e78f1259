"""The bank reader's first layer: typed access to the values of a bank file, each problem noted
at its place (`FILE:LINE: path: message`) in one `Problems`.

A mapping with its allowed and required keys, text, a wording per perspective, an id, a list
of sources, true or false, a list, one of an enum's values: each is read here the same way
wherever the bank has one. What the values mean is for the layers above (bank_conditions,
bank_results, bank). It never prints and never raises for a problem in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from screener.core.model import Wording
from screener.core.safetext import clean, show_value
from screener.files import yamlsrc
from screener.files.problems import Hint, Problems
from screener.i18n import _, pgettext

ID = re.compile(r"[a-z][a-z0-9_]*")  # used with fullmatch


class FieldReader:
    """Reads the values of one bank file, collecting every problem with its place."""

    def __init__(self, filename: str, doc: yamlsrc.Located) -> None:
        self.filename = filename
        self.doc = doc
        self.problems = Problems(filename, doc)
        self.warnings = Problems(filename, doc)
        self.perspectives: dict[str, str] = {}
        self.source_uses: list[tuple[yamlsrc.Path, str]] = []  # checked once all are read

    def error(self, path: yamlsrc.Path, message: str, /, **values: object) -> None:
        """Note a problem at `path` (see `Problems.add`)."""
        self.problems.add(path, message, **values)

    def warn(self, path: yamlsrc.Path, message: str, /, **values: object) -> None:
        """Note something worth fixing that does not stop the bank from working: `validate`
        lists it as `FILE:LINE: path: warning: message`."""
        text = message.format(**values) if values else message
        self.warnings.add(path, _("warning: {message}"), message=text)

    def mapping(
        self, value: object, path: yamlsrc.Path, allowed: set[str], required: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, _("expected a mapping, got {value}"), value=value_in_words(value))
            return None
        for key in value:
            if key not in allowed:
                self.error(
                    (*path, key),
                    _("unknown key {key}{hint}"),
                    key=show_value(key),
                    hint=Hint(key, allowed),
                )
        for key in required:
            if value.get(key) is None:
                self.error(path, _("missing required key {key}"), key=show_value(key))
        return value

    def only_keys(self, value: Mapping[str, Any], path: yamlsrc.Path, keys: set[str]) -> None:
        for key in value:
            if key not in keys:
                self.error(
                    (*path, key),
                    _("unexpected key {key} beside {keys}"),
                    key=show_value(key),
                    keys=", ".join(sorted(keys)),
                )

    def text(
        self, m: Mapping[str, Any], key: str, path: yamlsrc.Path, required: bool = True
    ) -> str:
        value = m.get(key)
        if value is None:
            if required and key in m:
                self.error((*path, key), _("must not be empty"))
            return ""
        if not isinstance(value, str):
            self.error((*path, key), _("expected text, got {value}"), value=value_in_words(value))
            return ""
        if required and not value.strip():
            self.error((*path, key), _("must not be empty"))
        return clean(value).strip()

    def wording(self, m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> Wording:
        """Text, or a mapping with one text per declared perspective."""
        value = m.get(key)
        if isinstance(value, dict):
            out: dict[str, str] = {}
            for p in value:
                if p not in self.perspectives:
                    self.error(
                        (*path, key, p),
                        _("{value} is not a declared perspective{hint}"),
                        value=show_value(p),
                        hint=Hint(p, self.perspectives),
                    )
            for p in self.perspectives:
                if p not in value:
                    self.error(
                        (*path, key), _("no wording for perspective {value}"), value=show_value(p)
                    )
                else:
                    out[p] = self.text(value, p, (*path, key))
            return out
        return self.text(m, key, path, required=False) if value is None else self.text(m, key, path)

    def ident(self, m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> str:
        value = m.get(key)
        if not isinstance(value, str) or not ID.fullmatch(value):
            self.error(
                (*path, key),
                _("{value} is not a valid id (lowercase letters, digits, _)"),
                value=show_value(value),
            )
            return str(value)
        return value

    def unique(
        self, m: Mapping[str, Any], path: yamlsrc.Path, seen: set[str], duplicate: str
    ) -> str:
        """The `id` of `m`, which must not be in `seen`; `duplicate` is the message (marked
        with N_) that says it is, with the id as `{id}`."""
        ident = self.ident(m, "id", path)
        if ident in seen:
            self.error((*path, "id"), _(duplicate), id=show_value(ident))
        seen.add(ident)
        return ident

    def sources(
        self, m: Mapping[str, Any], path: yamlsrc.Path, required: bool = True
    ) -> tuple[str, ...]:
        value = m.get("source")
        if value is None:
            if required:
                self.error(path, _("missing required key 'source' (which article or reference?)"))
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.error((*path, "source"), _("expected a list of source ids"))
            return ()
        for i, s in enumerate(items):
            where = (*path, "source") if isinstance(value, str) else (*path, "source", i)
            self.source_uses.append((where, str(s)))
        return tuple(str(s) for s in items)

    def flag(self, m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> bool:
        value = m.get(key, False)
        if not isinstance(value, bool):
            self.error(
                (*path, key), _("expected true or false, got {value}"), value=value_in_words(value)
            )
            return False
        return value

    def items(self, value: object, path: yamlsrc.Path, required: bool = True) -> list[Any]:
        if value is None:  # a missing required list was already reported by mapping()
            return []
        if not isinstance(value, list):
            self.error(path, _("expected a list, got {value}"), value=value_in_words(value))
            return []
        return value

    def enum(self, enum: type[Any], m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> Any:
        value = m.get(key)
        try:
            return enum(value)
        except ValueError:
            names = [e.value for e in enum]
            self.error(
                (*path, key),
                _("{value} is not a valid {key}{hint}"),
                value=show_value(value),
                key=key,
                hint=Hint(value, names, _(" (one of: {values})").format(values=", ".join(names))),
            )
            return None

    def text_list(self, value: object, path: yamlsrc.Path) -> tuple[str, ...]:
        out = []
        for i, item in enumerate(self.items(value, path)):
            if not isinstance(item, str) or not item.strip():
                self.error((*path, i), _("expected text, got {value}"), value=value_in_words(item))
            else:
                out.append(clean(item).strip())
        return tuple(out)


def value_in_words(value: object) -> str:
    """What a value in the file is, as a message says it got it: `the number 3`, `a list`."""
    if value is None:
        return pgettext("a value in a file", "nothing")
    if isinstance(value, bool):
        return _("{value} (a yes/no value)").format(value=str(value).lower())
    if isinstance(value, int | float):
        return _("the number {value}").format(value=value)
    if isinstance(value, str):
        return _("text {value}").format(value=show_value(value))
    if isinstance(value, list):
        return pgettext("a value in a file", "a list")
    if isinstance(value, dict):
        return pgettext("a value in a file", "a mapping")
    return type(value).__name__
