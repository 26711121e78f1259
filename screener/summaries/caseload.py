"""Score many answers files in one go (`screener score FILE...`): one row per file.

A file that cannot be read or checked is reported with its name and skipped; the others are
still scored. Nothing here prints: the command line writes the rows and the problems.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple

from screener.core.model import Answers, Bank, Result
from screener.core.safetext import one_line
from screener.core.scoring import result_json, score
from screener.errors import AnswersError
from screener.files.answers import read_answers
from screener.screens.streams import unicode_ok

# The CSV columns, in order (README: A caseload).
COLUMNS = (
    "file",
    "date",
    "bank_version",
    "severity",
    "count",
    "count_max",
    "withdrawal_score",
    "flags",
)


class Scored(NamedTuple):
    path: Path
    answers: Answers
    result: Result
    warnings: list[str]


class Failed(NamedTuple):
    path: Path
    problems: tuple[str, ...]


class Outcome(NamedTuple):
    """What one file adds to the output: its piece (None if it failed) and its messages."""

    piece: object
    warnings: list[str]
    problems: tuple[str, ...]


# Below this many files a second process costs more than it saves.
PARALLEL_FROM = 500


def score_each(paths: Iterable[Path], bank: Bank) -> Iterator[Scored | Failed]:
    """Each file's result, or its problems, in the order given."""
    for path in paths:
        try:
            answers, warnings = read_answers(path, bank)
        except AnswersError as exc:
            yield Failed(path, exc.problems)
            continue
        yield Scored(path, answers, score(bank, answers), warnings)


def outcomes(paths: list[Path], bank: Bank, form: str) -> Iterator[Outcome]:
    """Each file's piece of output (`form`: csv, json or lines), in the order given.

    A large caseload is shared among the processor's cores: each file is scored on its own,
    so the work splits cleanly, and the pieces come back in order.
    """
    workers = _workers(len(paths))
    if workers < 2:
        yield from (_outcome(item, form) for item in score_each(paths, bank))
        return
    import multiprocessing

    global _BANK
    _BANK = bank  # a forked worker inherits it: nothing is pickled but paths and pieces
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_quiet) as pool:
        yield from pool.imap(partial(_one, form=form), paths, chunksize=64)


def _workers(files: int) -> int:
    import multiprocessing
    import os
    import sys

    if files < PARALLEL_FROM or not sys.platform.startswith("linux"):
        return 1  # fork is only dependable on Linux; elsewhere one process does it all
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # pragma: no cover
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return min(cores, 8)


_BANK: Bank | None = None


def _quiet() -> None:
    """In a worker: Ctrl-C is the parent's to handle, so workers print no traceback."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _one(path: Path, form: str) -> Outcome:
    assert _BANK is not None
    return next(_outcome(item, form) for item in score_each([path], _BANK))


def _outcome(item: Scored | Failed, form: str) -> Outcome:
    if isinstance(item, Failed):
        return Outcome(None, [], item.problems)
    piece: object
    if form == "csv":
        piece = row(item)
    elif form == "json":
        piece = {
            "file": one_line(str(item.path), None),
            "created": item.answers.created,
            "answers_bank_version": item.answers.bank_version,
            "result": result_json(item.result),
        }
    else:
        piece = line(item)
    return Outcome(piece, item.warnings, ())


def row(item: Scored) -> tuple[str | int, ...]:
    """One CSV row; `date` is when the answers were saved, if the file says."""
    res = item.result
    w = res.withdrawal
    return (
        _cell(one_line(str(item.path), None)),
        item.answers.created or "",
        _cell(item.answers.bank_version),
        res.severity.value,
        res.count,
        res.count_max,
        "" if w is None or w.answered == 0 else w.score,
        ";".join(f.id for f in res.flags),
    )


def line(item: Scored) -> str:
    """One readable line, for a quick look in the terminal."""
    res = item.result
    if res.screened_out:
        text = "no opioid use in the past 12 months reported"
    else:
        span = str(res.count) if res.count == res.count_max else f"{res.count}-{res.count_max}"
        severity = res.severity.value
        if res.severity_max is not res.severity:
            severity += f" to {res.severity_max.value}"
        text = f"{severity} ({span} of 11 criteria)"
    w = res.withdrawal
    if w is not None and w.answered:
        text += f"; withdrawal score {w.score}"
    if res.flags:
        text += f"; flags: {', '.join(f.id for f in res.flags)}"
    return f"{one_line(str(item.path), None)}: {text}"


def _cell(text: str) -> str:
    """Keep a spreadsheet from reading a file name such as `=cmd.yaml` as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write(paths: list[Path], bank: Bank, form: str, out: IO[str], err: IO[str]) -> int:
    """Score `paths` and write them as `form` (csv, json or lines) to `out`, problems and
    warnings to `err`. Returns how many files failed."""
    failed = 0
    pieces: list[object] = []
    writer = csv.writer(out, lineterminator="\n")
    if form == "csv":
        writer.writerow(COLUMNS)
    for outcome in outcomes(paths, bank, form):
        for problem in outcome.problems:
            err.write(f"Error: {problem}\n")
        for warning in outcome.warnings:
            err.write(f"Warning: {warning}\n")
        if outcome.piece is None:
            failed += 1
        elif form == "csv":
            writer.writerow(outcome.piece)  # type: ignore[arg-type]
        elif form == "json":
            pieces.append(outcome.piece)
        else:
            out.write(f"{outcome.piece}\n")
    if form == "json":  # \uXXXX escapes where `out` cannot take every character
        out.write(json.dumps(pieces, indent=2, ensure_ascii=not unicode_ok(out)) + "\n")
    return failed
