"""A screening summary as Markdown, HTML, plain text, JSON or FHIR; pure functions, no I/O.

It picks the format for a target and renders it. Every format is a writer in one registry,
`WRITERS` (format name -> writer): a module (or object) with `DESCRIPTION` (what "Saved ... to
PATH" calls it, marked for the catalog), `SUFFIXES` (the file names that mean it, the usual one
first), `VOICE` (how it words the notice: "summary" for a person, "record" for a machine record)
and `render(summary, notice) -> str` (the whole file). Adding a format is one module and one
line in `WRITERS`.

The registry, not the writer, words what every summary must say: `render` makes the notice
(`screener.summaries.notice`: "not a diagnosis", and the demo banner on made-up answers) and
hands it to the writer, whose only job is to show it in its format; tests/test_notice.py reads
both back from every format in `WRITERS`, so a new format that drops them fails there.

The human formats (`markdown`, `html`, `text`) write out one neutral document
(`report.build`), so they cannot drift apart; JSON is the answers file plus the result, so it
can be scored and reopened; FHIR comes from `screener.summaries.fhir`. Never imports Rich.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import PurePath
from typing import Any, Protocol

from screener import __version__
from screener.core.model import Voice
from screener.core.results import Summary
from screener.core.scoring import result_json
from screener.errors import ExportError, ScreenerError
from screener.files.answers import document
from screener.files.readfile import MAX_FILE_BYTES
from screener.i18n import N_, _, either
from screener.summaries import fhir, html, markdown, text
from screener.summaries import notice as notices
from screener.summaries.notice import Notice


class Writer(Protocol):
    """What every format offers the registry."""

    @property
    def DESCRIPTION(self) -> str:
        """What the format is called in "Saved ... to PATH": "a Markdown summary"; marked
        with `N_`, translated where it is shown."""
        ...

    @property
    def SUFFIXES(self) -> tuple[str, ...]:
        """The lower-case file name endings that mean this format, the usual one first."""
        ...

    @property
    def VOICE(self) -> Voice:
        """How the notice is worded for this format: "summary" or "record"."""
        ...

    def render(self, summary: Summary, notice: Notice) -> str:
        """The whole file for `summary`, saying `notice` where a reader sees it first."""
        ...


class _Json:
    """The answers file, with the result and the notice beside it (`json_document`)."""

    DESCRIPTION = N_("a JSON summary (answers and result)")
    SUFFIXES = (".json",)
    VOICE: Voice = "summary"

    @staticmethod
    def render(summary: Summary, notice: Notice) -> str:
        doc = json_document(summary, notice)
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


WRITERS: dict[str, Writer] = {
    "md": markdown,
    "html": html,
    "txt": text,
    "json": _Json(),
    "fhir": fhir,
    "fhir-collection": fhir.COLLECTION_WRITER,
}
FORMATS = tuple(WRITERS)


class _Descriptions(Mapping[str, str]):
    """What each format is called in "Saved ... to PATH", in the language in use."""

    def __getitem__(self, fmt: str) -> str:
        return _(WRITERS[fmt].DESCRIPTION)

    def __iter__(self) -> Iterator[str]:
        return iter(WRITERS)

    def __len__(self) -> int:
        return len(WRITERS)


DESCRIPTION: Mapping[str, str] = _Descriptions()


def format_for(target: str, explicit: str | None) -> str:
    """The format to write `target` in: `--format` if given, else from the name; `-` is md."""
    if explicit is not None:
        if explicit not in WRITERS:
            raise _not_a_format(explicit)
        return explicit
    if target == "-":
        return "md"
    name = PurePath(target).name.lower()
    # A suffix of two parts (".fhir.json") before the one after the last dot (".json").
    suffix = next(
        (s for s in _suffixes() if s.count(".") > 1 and name.endswith(s)),
        PurePath(name).suffix,
    )
    fmt = next((f for f, w in WRITERS.items() if suffix in w.SUFFIXES), None)
    if fmt is None:
        usual = [w.SUFFIXES[0] for w in WRITERS.values()]
        raise ScreenerError(
            _(
                "cannot tell the format of {target} from its name: use {suffixes}, or --format"
            ).format(target=repr(target), suffixes=either(usual))
        )
    return fmt


def _suffixes() -> list[str]:
    """Every suffix a format claims, longest first."""
    return sorted((s for w in WRITERS.values() for s in w.SUFFIXES), key=len, reverse=True)


def _not_a_format(given: str) -> ScreenerError:
    return ScreenerError(
        _("--format: {given} is not a format; use {formats}").format(
            given=repr(given), formats=either(list(WRITERS))
        )
    )


def render(fmt: str, summary: Summary) -> str:
    """The whole file for `summary` in format `fmt` (one of FORMATS)."""
    writer = WRITERS.get(fmt)
    if writer is None:
        raise _not_a_format(fmt)
    text = writer.render(summary, notices.of(summary, writer.VOICE))
    if fmt in READ_BACK and len(text) * 4 > MAX_FILE_BYTES:  # UTF-8 is at most 4 bytes each
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            raise ExportError(
                _(
                    "this summary would be {size} bytes, more than the {limit} MiB screener "
                    "can read back: the written answers are too long"
                ).format(size=f"{size:,}", limit=MAX_FILE_BYTES // (1024 * 1024))
            )
    return text


# The JSON summary's key for the notice (files/answers.py passes over it when reading back).
NOTICE = "notice"
# The formats screener reads back (score, run --answers): never written larger than it reads.
READ_BACK = frozenset({"json", "fhir", "fhir-collection"})


def json_document(summary: Summary, notice: Notice | None = None) -> dict[str, Any]:
    """The answers file, with the notice and the result beside it: `score` and `run --answers`
    read it back (and pass over both).

    `created` is when the answers were first saved, if they say so (the date a clinician wants
    is the day of the screening), else when this summary was made. The notice (the registry's,
    made here when not given) is said as the rest of the file is, in ids rather than words, so
    that the file is the same whichever language wrote it: `{"demo": true, "not_a_diagnosis":
    true}` before the answers, `demo` only on made-up answers (the persona's name is `demo`
    beside it).
    """
    said = notices.of(summary, "summary") if notice is None else notice
    answers = summary.answers
    created = answers.created or summary.created.isoformat(timespec="seconds")
    doc = document(answers._replace(created=created), summary.bank)
    shown: dict[str, bool] = {}
    if said.demo is not None:
        shown["demo"] = True
    shown["not_a_diagnosis"] = bool(said.diagnosis)
    given = doc.pop("answers")
    doc[NOTICE] = shown  # before the answers: what to read first
    doc["answers"] = given
    doc["generator"] = f"screener {__version__}"
    doc["result"] = result_json(summary.result)
    return doc
