"""The library under the command line: load a bank, read answers, score them, build a summary
and write it, one file or a caseload. The CLI, the run flow, the demo and a clinic's own Python
all go through it; it never prints, asks or exits, and imports no Rich and no Typer.

Each function imports what it needs when it is called, so `import screener.api` costs next to
nothing and a command pays only for its own path (`screener --help` loads no bank reader).

    from pathlib import Path
    from screener import api

    bank = api.load_bank()                              # the built-in bank, in English
    given = api.read_answers(Path("answers.json"), bank)  # or a FHIR QuestionnaireResponse
    result = api.score(bank, given.answers)
    summary = api.summary(bank, given.answers, result)
    api.write(summary, Path("out/summary.md"))          # mode 0600, never over a file

Every problem is raised as a `screener.errors.ScreenerError` subclass with a complete message
(`FILE:LINE: path: message`) and the exit code the command line would use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from screener import i18n
from screener.errors import ScreenerError
from screener.i18n import _, ngettext

if TYPE_CHECKING:
    from datetime import datetime

    from screener.core.model import Bank
    from screener.core.results import Answers, Result
    from screener.core.results import Summary as Contents
    from screener.files.answers import Read

__all__ = [
    "Banks",
    "SummaryIn",
    "bank_ok",
    "bank_schema",
    "bank_warnings",
    "caseload_failures",
    "load_bank",
    "read_answers",
    "score",
    "score_caseload",
    "summary",
    "text",
    "validate_bank",
    "write",
]


def load_bank(path: Path | None = None, language: str | None = None) -> Bank:
    """The bank at `path` (the built-in one by default) in `language` (the language in use
    unless given), when the bank has it; `bank.language` says which it got.

    The built-in bank comes from its prepared form, without the YAML reader, while that form
    is current. Raises `BankError` listing every problem of a bank that cannot be used."""
    wanted = i18n.language() if language is None else language
    if path is None:
        from screener.files import prepared

        ready = prepared.read(wanted)
        if ready is not None:
            return ready
    from screener.files.bank import load_bank as read_bank

    return read_bank(path, language=wanted)


def bank_warnings(bank: Bank, language: str | None = None) -> list[str]:
    """What to tell a person about `bank` in `language` (the language in use unless given):
    that it has no text in that language, or how many of its texts are not translated yet."""
    wanted = i18n.language() if language is None else language
    if bank.language != wanted:
        return [_no_text(wanted, bank.language)]
    if not bank.untranslated:
        return []
    n = len(bank.untranslated)
    return [
        ngettext(
            "{n} text of the question bank has no {language} translation yet, so it is "
            "shown in {own} (screener validate lists it)",
            "{n} texts of the question bank have no {language} translation yet, so they "
            "are shown in {own} (screener validate lists them)",
            n,
        ).format(
            n=n,
            language=i18n.language_name(wanted),
            own=i18n.language_name(bank.languages[0]),
        )
    ]


def validate_bank(path: Path | None = None) -> Bank:
    """Check the bank at `path` (the built-in one by default) in every language it declares,
    from its YAML: a mistake anywhere raises `BankError` listing every problem as
    `FILE:LINE: path: message`; a text one of its languages lacks is in `bank.warnings`
    (a run shows the bank's own words for it)."""
    from screener.files.bank import load_bank as read_bank

    return read_bank(path, every_language=True)


def bank_ok(bank: Bank) -> str:
    """The line that says a checked bank is fit to use: what it holds, in which languages."""
    said = _(
        "{path}: OK: bank {id} version {version}, {n} questions in {sections} "
        "sections, all 11 criteria covered."
    )
    if len(bank.languages) > 1:
        said = _(
            "{path}: OK: bank {id} version {version}, {n} questions in {sections} "
            "sections, all 11 criteria covered, in {languages}."
        )
    return said.format(
        path=bank.path,
        id=bank.id,
        version=bank.version,
        n=len(bank.questions),
        sections=len(bank.sections),
        languages=_both(list(bank.languages)),
    )


def _both(items: list[str]) -> str:
    """ "en and es"; "en, es and fr"."""
    *first, last = items
    if not first:
        return last
    return _("{items} and {last}").format(items=", ".join(first), last=last)


def bank_schema() -> str:
    """The JSON Schema (draft 2020-12) of the bank format, as text, for an editor to complete
    and check a bank against."""
    from screener.core.safetext import one_line
    from screener.files.prepared import SCHEMA_FILE, default_path

    path = default_path(SCHEMA_FILE)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:  # a broken install: the file ships with the package
        raise ScreenerError(
            _("cannot read {name}: {reason}").format(
                name=one_line(str(path)), reason=exc.strerror or type(exc).__name__
            )
        ) from None


def _no_text(language: str, own: str) -> str:
    return _("the question bank has no {language} text: its questions are in {own}").format(
        language=i18n.language_name(language), own=i18n.language_name(own)
    )


class Banks:
    """One bank in every language a summary may be written in, each loaded once.

    `path` is the bank file (None: the built-in bank). A summary in another language than the
    screening's takes the bank's words in that language from here."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._known: dict[str, Bank | ScreenerError] = {}

    def load(self, languages: list[str], *, strict: bool, ahead: bool = False) -> list[str]:
        """Load the bank in each of `languages` other than the one in use, before anything is
        asked: nobody should answer fifty questions to learn then that the Spanish file is
        broken. Returns warnings to show. `strict` raises a problem at once; otherwise it is
        kept, for `get` to raise when that language is asked for. `ahead`: the built-in bank's
        prepared form, while current, is known good, and is read only when it is needed."""
        from screener.files import prepared

        warnings: list[str] = []
        for code in languages:
            if code == i18n.language():
                continue
            if ahead and self.path is None and prepared.current(code):
                continue
            known = self._known.get(code)
            if strict and isinstance(known, ScreenerError):
                raise known
            if known is not None:
                continue
            try:  # its problems are told in the run's language, as any other
                self._known[code] = found = load_bank(self.path, code)
            except ScreenerError as exc:
                self._known[code] = exc
                if strict:
                    raise
                continue
            if strict and found.language != code:
                warnings.append(_no_text(code, found.language))
        return warnings

    def get(self, language: str) -> Bank:
        """The bank in `language`, as loaded ahead (loaded now if it was not); raises the
        problem found when it was loaded."""
        self.load([language], strict=False)
        found = self._known.get(language)
        if found is None:  # the language in use
            return load_bank(self.path, language)
        if isinstance(found, ScreenerError):
            raise found
        return found


def read_answers(path: Path, bank: Bank) -> Read:
    """Read and check an answers file, or a FHIR QuestionnaireResponse, against `bank`.

    Returns `(answers, warnings, fhir)`: the answers, lines to show the person, and whether
    the file was FHIR. Raises `AnswersError` listing every problem as
    `FILE:LINE: answers.ID: message`."""
    from screener.files.answers import read_file

    return read_file(path, bank)


def score(bank: Bank, answers: Answers) -> Result:
    """The result of `answers` (ids and numbers: count, severity, flags, next steps)."""
    from screener.core.scoring import score as scored

    return scored(bank, answers)


class SummaryIn(NamedTuple):
    """A summary ready to write: what it holds (`contents`: the bank, the answers, the result,
    when it was made), and the language its words are in (the screening's, or another one:
    the answers and the result are ids and numbers, and read the same in any language)."""

    contents: Contents
    language: str


def summary(
    bank: Bank,
    answers: Answers,
    result: Result,
    *,
    language: str | None = None,
    bank_in: Callable[[str], Bank] | None = None,
    subject: str | None = None,
    made: datetime | None = None,
) -> SummaryIn:
    """The summary of one screening, made now (or at `made`, timezone-aware).

    `language` writes it in another language than the one in use, the bank's words too:
    `bank_in(language)` gives the bank in that language (`Banks(path).get`; the built-in
    bank's when not given). `subject` (a FHIR reference such as `Patient/123`) wins over the
    one the answers came with."""
    from datetime import datetime

    from screener.core.results import Summary as Contents

    if subject is not None:
        answers = answers._replace(subject=subject)
    made = made or datetime.now().astimezone()
    here = i18n.language()
    if language is None or language == here:
        return SummaryIn(Contents(bank, answers, result, made), here)
    with i18n.speaking(language):  # the bank's words in that language, as the summary's
        other = (bank_in or Banks().get)(language)
    return SummaryIn(Contents(other, answers, result, made), language)


def text(summary: SummaryIn, fmt: str) -> str:
    """The whole file for `summary` in `fmt` (md, html, txt, json, fhir or fhir-collection),
    in the summary's language. Raises `ScreenerError` for a format screener does not write."""
    from screener.summaries import export

    if summary.language == i18n.language():
        return export.render(fmt, summary.contents)
    with i18n.speaking(summary.language):
        return export.render(fmt, summary.contents)


def write(summary: SummaryIn, path: Path, fmt: str | None = None, *, replace: bool = False) -> str:
    """Write `summary` to `path`, readable only by its owner (mode 0600), whole or not at all,
    never over an existing file unless `replace`. The format is `fmt`, or else the one the
    name gives (.md, .html, .txt, .json, .fhir.json). Returns the format written; raises
    `ExportError` with one line when the file cannot be written."""
    from screener.files import safefile
    from screener.summaries import export

    chosen = export.format_for(str(path), fmt)
    safefile.check_target(path, replace)
    safefile.write_private(path, text(summary, chosen), replace)
    return chosen


def score_caseload(
    paths: Sequence[Path | str], bank: Bank, form: str, out: IO[str], err: IO[str]
) -> tuple[int, int]:
    """Score many answers files (or the records of a .ndjson file) and write a row each to
    `out` as `form` (csv, json or lines), as each comes; a file that cannot be scored is
    named on `err` and the rest are still scored. Returns (failed, total)."""
    from screener.summaries import caseload

    return caseload.write_all(paths, bank, form, out, err)


def caseload_failures(failed: int, total: int, bulk: bool) -> str | None:
    """The last line of a caseload with files (or a bulk file's records) that could not be
    scored; None when every one was."""
    if not failed:
        return None
    if bulk:
        return ngettext(
            "{failed} of {total} records could not be scored (listed above); the others were.",
            "{failed} of {total} records could not be scored (listed above); the others were.",
            failed,
        ).format(failed=failed, total=total)
    if failed == total:
        return ngettext(
            "The file could not be scored.", "None of the {total} files could be scored.", total
        ).format(total=total)
    return ngettext(
        "{failed} of {total} files could not be scored (listed above); the others were.",
        "{failed} of {total} files could not be scored (listed above); the others were.",
        failed,
    ).format(failed=failed, total=total)
