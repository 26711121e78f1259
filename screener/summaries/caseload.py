"""Score many answers files in one go (`screener score FILE...`): one row per file.

A file that cannot be read or checked is reported with its name and skipped; the others are
still scored. Nothing here prints: the command line writes the rows and the problems. The
readable lines and the problems are in the language in use (`screener.i18n`, and
`screener.core.wording` for the result); CSV columns and JSON keys are for machines and stay
as they are. Never imports Rich.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Generator
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple

from screener.core import wording
from screener.core.model import OTHER, Answers, Bank, Result
from screener.core.safetext import LINE_LIMIT, one_line
from screener.core.scoring import result_json, score
from screener.errors import AnswersError
from screener.files.answers import read_answers
from screener.i18n import _
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
    "complete",  # false for answers saved part-way (added in 0.2; columns are only added)
    "demo",  # the persona's name for a demo's fictional answers, else empty
    "perspective",  # whose account: `self`, or `other` for someone else's (added in 0.3)
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


# Each file is scored in a worker process held to these bounds (README: A caseload), so that
# a file that hangs, crashes its reader or eats memory costs only itself. A real file takes
# about a millisecond and well under 1 MiB; a worker starts at about 30 MiB and stays near it
# (measured over 5,000 files).
FILE_SECONDS = 10.0  # wall time a worker may spend on one file
FILE_MEMORY_MIB = 512  # memory a worker may take on top of what it started with

# From this many files on, the files are shared among the processor's cores (up to 8 workers);
# below it one worker is quicker, as the others would cost more to start than they save.
PARALLEL_FROM = 500


def outcomes(paths: list[Path], bank: Bank, form: str) -> Generator[Outcome, None, None]:
    """Each file's piece of output (`form`: csv, json or lines), in the order given.

    Each file is scored on its own, in a worker process with bounded time and memory (on
    Linux; elsewhere in this process, unbounded). A file its worker could not finish gets one
    problem saying why: `FILE: could not be scored: it took longer than 10 s`.
    """
    from screener.summaries import workers

    names = [str(path) for path in paths]  # what crosses to a worker: a str pickles quickest
    results = workers.run(
        partial(_score_file, bank=bank, form=form),
        names,
        processes=_workers(len(names)),
        seconds=FILE_SECONDS,
        memory_mib=FILE_MEMORY_MIB,
    )
    with closing(results):
        for name, result in zip(names, results, strict=True):
            if isinstance(result, workers.Stopped):
                shown = one_line(name)  # on one line, nothing unprintable
                problem = _("{file}: could not be scored: {reason}").format(
                    file=shown, reason=result.reason
                )
                yield Outcome(None, [], (problem,))
            else:
                yield result


def _workers(files: int) -> int:
    import os

    if files < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return min(cores, 8)


def _score_file(name: str, bank: Bank, form: str) -> Outcome:
    """One file's outcome: its piece of output, or the problems that kept it from scoring."""
    path = Path(name)
    try:
        answers, warnings = read_answers(path, bank)
    except AnswersError as exc:
        return _outcome(Failed(path, exc.problems), form)
    return _outcome(Scored(path, answers, score(bank, answers), warnings), form)


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
            "demo": item.answers.demo,
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
        "" if res.perspective == OTHER else res.severity.value,  # no label for someone not asked
        res.count,
        res.count_max,
        "" if w is None or w.answered == 0 else w.score,
        ";".join(f.id for f in res.flags),
        "true" if res.complete else "false",
        _cell(one_line(item.answers.demo or "", None)),
        _cell(one_line(res.perspective, None)),
    )


def line(item: Scored) -> str:
    """One readable line, for a quick look in the terminal."""
    res = item.result
    text = wording.result_sentence(res, "line")
    w = res.withdrawal
    if w is not None and w.answered:
        text = _("{result}; {withdrawal}").format(
            result=text, withdrawal=wording.withdrawal_sentence(w, voice="line")
        )
    if res.flags:
        text = _("{result}; flags: {flags}").format(
            result=text, flags=", ".join(f.id for f in res.flags)
        )
    if not res.complete:
        text = _("{result}; not finished").format(result=text)
    if item.answers.demo:
        text = _("{result}; DEMO: fictional answers").format(result=text)
    return _("{file}: {result}").format(file=one_line(str(item.path), None), result=text)


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
    # Closed at once if writing stops early (Ctrl-C, say), which stops the workers.
    with closing(outcomes(paths, bank, form)) as each:
        for outcome in each:
            for problem in outcome.problems:
                shown = one_line(problem, LINE_LIMIT)
                err.write(_("Error: {message}").format(message=shown) + "\n")
            for warning in outcome.warnings:
                shown = one_line(warning, LINE_LIMIT)
                err.write(_("Warning: {message}").format(message=shown) + "\n")
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
