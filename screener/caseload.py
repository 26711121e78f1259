"""Score many answers files in one go (`screener score FILE...`): one row per file.

A file that cannot be read or checked is reported with its name and skipped; the others are
still scored. Nothing here prints: the command line writes the rows and the problems.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, NamedTuple

from screener.answers import read_answers
from screener.errors import AnswersError
from screener.model import Answers, Bank, Result
from screener.scoring import result_json, score

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


def score_each(paths: Iterable[Path], bank: Bank) -> Iterator[Scored | Failed]:
    """Each file's result, or its problems, in the order given."""
    for path in paths:
        try:
            answers, warnings = read_answers(path, bank)
        except AnswersError as exc:
            yield Failed(path, exc.problems)
            continue
        yield Scored(path, answers, score(bank, answers), warnings)


def row(item: Scored) -> tuple[str | int, ...]:
    """One CSV row; `date` is when the answers were saved, if the file says."""
    res = item.result
    w = res.withdrawal
    return (
        _cell(str(item.path)),
        item.answers.created or "",
        _cell(item.answers.bank_version),
        res.severity.value,
        res.count,
        res.count_max,
        "" if w is None or w.answered == 0 else w.score,
        ";".join(f.id for f in res.flags),
    )


def _cell(text: str) -> str:
    """Keep a spreadsheet from reading a file name such as `=cmd.yaml` as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(items: Iterable[Scored | Failed], out: IO[str], err: IO[str]) -> int:
    """Write the header and a row per scored file; problems go to `err`. Returns failures."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    return _each(items, err, lambda item: writer.writerow(row(item)))


def write_json(items: Iterable[Scored | Failed], out: IO[str], err: IO[str]) -> int:
    """A JSON list with one object per scored file: its name, date and full result."""
    results: list[dict[str, object]] = []
    failed = _each(
        items,
        err,
        lambda item: results.append(
            {
                "file": str(item.path),
                "created": item.answers.created,
                "answers_bank_version": item.answers.bank_version,
                "result": result_json(item.result),
            }
        ),
    )
    out.write(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return failed


def write_lines(items: Iterable[Scored | Failed], out: IO[str], err: IO[str]) -> int:
    """One readable line per file, for a quick look in the terminal."""

    def line(item: Scored) -> None:
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
        out.write(f"{item.path}: {text}\n")

    return _each(items, err, line)


def _each(items: Iterable[Scored | Failed], err: IO[str], emit: Callable[[Scored], object]) -> int:
    failed = 0
    for item in items:
        if isinstance(item, Failed):
            failed += 1
            for problem in item.problems:
                err.write(f"Error: {problem}\n")
            continue
        for warning in item.warnings:
            err.write(f"Warning: {warning}\n")
        emit(item)
    return failed
