"""The `--export` summaries of one screening: checked before anything is asked, written after
the result; never asks, prints to a screen or exits (notes go to the function passed in).

Nobody should answer fifty questions to learn then that the folder does not exist: `plan`
checks every target, its format and the options that go with it first; `write` writes them
once the result is known, each through the library (`screener.api`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from screener.core.safetext import one_line, show_value
from screener.errors import ScreenerError
from screener.i18n import _

if TYPE_CHECKING:
    from screener.api import Banks
    from screener.core.model import Bank
    from screener.core.results import Answers, Result


# One `--export`: where (`-` for standard output), and in which format.
Export = tuple[str, str]


class Plan(NamedTuple):
    """Every `--export` of a command, and the options that go with them."""

    exports: list[Export]
    force: bool = False
    language: str | None = None  # --export-lang
    subject: str | None = None  # --subject

    @property
    def to_stdout(self) -> bool:
        """Whether one export is `-`: standard output then holds that summary alone."""
        return any(target == "-" for target, _fmt in self.exports)


def plan(
    targets: list[str] | None,
    fmt: str | None,
    force: bool,
    language: str | None = None,
    subject: str | None = None,
) -> Plan:
    """Each --export with its format, checked before anything is asked."""
    if not targets:
        given_options = (
            (fmt is not None, "--format"),
            (force, "--force"),
            (language is not None, "--export-lang"),
        )
        for given, name in given_options:
            if given:
                raise ScreenerError(
                    _("{option} only applies to --export: add --export PATH").format(option=name)
                )
        if subject is not None:
            _check_subject(subject, [])
        return Plan([], force, language, subject)
    from screener.files import safefile
    from screener.summaries import export

    exports = [(target, export.format_for(target, fmt)) for target in targets]
    if subject is not None:
        _check_subject(subject, exports)
    if targets.count("-") > 1:
        raise ScreenerError(_("--export -: standard output can take only one summary"))
    seen: dict[tuple[object, ...], str] = {}  # what makes a file this one -> the name given
    for target in targets:
        if target == "-":
            continue
        safefile.check_target(Path(target), force)  # first: a link loop is its one line
        keys = safefile.same_file_keys(Path(target))
        first = next((seen[key] for key in keys if key in seen), None)
        if first is not None:
            raise ScreenerError(_same_file(target, first))
        seen.update(dict.fromkeys(keys, target))
    return Plan(exports, force, language, subject)


def bad_subject(value: str) -> str:
    """Why `value` is not a --subject."""
    from screener.core.fhirnames import MAX_REFERENCE

    return _(
        "expected a reference like Patient/123, or an absolute URI, in printable characters "
        "and at most {limit} of them, got {value}"
    ).format(limit=MAX_REFERENCE, value=show_value(value))


def _check_subject(subject: str, exports: list[Export]) -> None:
    """--subject names whom a FHIR export is about; it means nothing to the other formats."""
    from screener.core.fhirnames import valid_reference

    if not any(fmt.startswith("fhir") for _, fmt in exports):
        raise ScreenerError(
            _("--subject only applies to a FHIR export: add --export NAME.fhir.json")
        )
    if not valid_reference(subject):  # checked as it was parsed; this is for a direct call
        raise ScreenerError(f"--subject: {bad_subject(subject)}")


def _same_file(target: str, first: str) -> str:
    """Two --export names for one file: writing both would leave only the second."""
    if _spelled(target) == _spelled(first):
        return _("--export: {name} is given twice").format(name=one_line(target))
    return _("--export: {name} and {other} are the same file").format(
        name=one_line(target), other=one_line(first)
    )


def _spelled(target: str) -> str:
    return os.path.normcase(os.path.normpath(Path(target).absolute()))


def write(
    planned: Plan,
    bank: Bank,
    answers: Answers,
    res: Result,
    notes: Callable[[str], None],
    banks: Banks | None = None,
) -> None:
    """Write each planned export, made now; `-` goes to standard output, each file gets one
    line on `notes`. With the plan's language (`--export-lang`) the summaries are in that
    language, the bank's words too (from `banks`), whatever the language of the screening.
    The plan's subject (from --subject) wins over the one the answers came with. Every text is
    made before the first file is written."""
    if not planned.exports:
        return
    from screener import api, streams
    from screener.files import safefile
    from screener.summaries import export

    made = api.summary(
        bank,
        answers,
        res,
        language=planned.language,
        bank_in=None if banks is None else banks.get,
        subject=planned.subject,
    )
    texts = [api.text(made, fmt) for _target, fmt in planned.exports]
    for (target, fmt), text in zip(planned.exports, texts, strict=True):
        if target == "-":
            streams.write_document(text)
        else:
            safefile.write_private(Path(target), text, planned.force)
            notes(
                _("Saved {what} to {name} (only you can read it).").format(
                    what=_(export.DESCRIPTION[fmt]), name=one_line(target)
                )
            )
