"""A screening summary as Markdown, HTML, plain text, JSON or FHIR; pure functions, no I/O.

It picks the format for a target and renders it. The human formats are one neutral document
(`report.build`) written out by `writers`, so they cannot drift apart; JSON is the answers file
plus the result, so it can be scored and reopened; FHIR comes from `screener.summaries.fhir`.
"""

from __future__ import annotations

import importlib
import json
from pathlib import PurePath
from typing import Any

from screener import __version__
from screener.core.model import Summary
from screener.core.scoring import result_json
from screener.errors import ScreenerError
from screener.files.answers import document
from screener.summaries.report import build
from screener.summaries.writers import WRITERS

FORMATS = ("md", "html", "txt", "json", "fhir")
# What each format is called in "Saved ... to PATH".
DESCRIPTION = {
    "md": "a Markdown summary",
    "html": "an HTML summary",
    "txt": "a plain-text summary",
    "json": "a JSON summary (answers and result)",
    "fhir": "a FHIR bundle",
}
_SUFFIXES = {
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".txt": "txt",
    ".text": "txt",
    ".json": "json",
    ".fhir": "fhir",
}


def format_for(target: str, explicit: str | None) -> str:
    """The format to write `target` in: `--format` if given, else from the name; `-` is md."""
    if explicit is not None:
        if explicit not in FORMATS:
            raise ScreenerError(
                f"--format: {explicit!r} is not a format; use md, html, txt, json or fhir"
            )
        return explicit
    if target == "-":
        return "md"
    name = PurePath(target).name.lower()
    if name.endswith(".fhir.json"):
        return "fhir"
    fmt = _SUFFIXES.get(PurePath(name).suffix)
    if fmt is None:
        raise ScreenerError(
            f"cannot tell the format of {target!r} from its name: "
            "use .md, .html, .txt, .json or .fhir.json, or --format"
        )
    return fmt


def render(fmt: str, summary: Summary) -> str:
    """The whole file for `summary` in format `fmt` (one of FORMATS)."""
    if fmt == "json":
        return json.dumps(json_document(summary), indent=2, ensure_ascii=False) + "\n"
    if fmt == "fhir":
        # Imported by name: only a FHIR export needs it.
        fhir = importlib.import_module("screener.summaries.fhir")
        bundle = fhir.response_bundle(summary)
        return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    writer = WRITERS.get(fmt)
    if writer is None:
        raise ScreenerError(f"--format: {fmt!r} is not a format; use md, html, txt, json or fhir")
    return writer(build(summary))


def json_document(summary: Summary) -> dict[str, Any]:
    """The answers file, with the result beside it: `score` and `run --answers` read it back.

    `created` is when the answers were first saved, if they say so (the date a clinician wants
    is the day of the screening), else when this summary was made.
    """
    answers = summary.answers
    created = answers.created or summary.created.isoformat(timespec="seconds")
    doc = document(answers._replace(created=created), summary.bank)
    doc["generator"] = f"screener {__version__}"
    doc["result"] = result_json(summary.result)
    return doc
