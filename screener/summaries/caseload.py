"""Score many answers files in one go (`screener score FILE...`): one row per file.

A file that cannot be read or checked is reported with its name and skipped; the others are
still scored. Nothing here prints: the command line writes the rows and the problems. The
readable lines and the problems are in the language in use (`screener.i18n`, and
`screener.core.wording` for the result); CSV columns and JSON keys are for machines and stay
as they are. Never imports Rich.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import IO, NamedTuple, TypeAlias

from screener.core import withdrawalwords, wording
from screener.core.model import OTHER, Bank
from screener.core.results import Answers, Result
from screener.core.rows import Row, row, row_of
from screener.core.safetext import LINE_LIMIT, one_line
from screener.core.scoring import Counted, result_json, score
from screener.errors import AnswersError
from screener.files.answers import parse_record, prepare, read_answers
from screener.files.readfile import MAX_FILE_BYTES, STDIN, any_bulk, is_bulk, open_stream
from screener.i18n import _
from screener.streams import unicode_ok

# The CSV columns, in order (docs/caseload.md). A column added here is added to `_row_cells`
# (the cells, from a row: `csv_row` makes one from a tally) and `_row_line` (the same cells as
# one line: a row it has not caught up with goes through the csv module).
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
    name: str = ""  # as the output names it: the file, or NAME:LINE for a record

    @property
    def shown(self) -> str:
        return self.name or str(self.path)


class Failed(NamedTuple):
    path: Path
    problems: tuple[str, ...]


# What one file adds to the output, as it crosses back from a worker: a plain tuple, which
# pickles several times quicker than the named one below.
Piece: TypeAlias = tuple[object, list[str], tuple[str, ...]]


class Outcome(NamedTuple):
    """What one file adds to the output: its piece (None if it failed) and its messages."""

    piece: object
    warnings: list[str]
    problems: tuple[str, ...]


# Each file is scored in a worker process held to these bounds (docs/caseload.md), so that
# a file that hangs, crashes its reader or eats memory costs only itself. A real file takes
# about a millisecond and well under 1 MiB; a worker starts at about 30 MiB and stays near it
# (measured over 5,000 files).
FILE_SECONDS = 10.0  # wall time a worker may spend on one file
FILE_MEMORY_MIB = 512  # memory a worker may take on top of what it started with

# From this many files on, the files are shared among the processor's cores (up to 8 workers);
# below it one worker is quicker, as the others would cost more to start than they save.
PARALLEL_FROM = 500


# Bulk input: a file of one FHIR QuestionnaireResponse (or answers document) a line, as FHIR
# Bulk Data exports them, or the same on standard input (`-`). Each line is scored as a file
# would be, and named in the output as NAME:LINE.
STDIN_NAME = "<stdin>"


class Record(NamedTuple):
    """One line of a bulk file, as read: its bytes are decoded and checked in a worker."""

    name: str  # the file as named, or <stdin>
    line: int
    text: bytes


class Refused(NamedTuple):
    """What could not even be handed to a worker (a bulk file that cannot be read, a line
    past the size limit): its problem, in the output's order."""

    name: str
    problem: str


Item: TypeAlias = str | Record | Refused  # a file name, one record, or a refusal


def outcomes(
    paths: Iterable[Path | str], bank: Bank, form: str, files: int = 0
) -> Generator[list[Piece], None, None]:
    """Each file's (or record's) piece of output (`form`: csv, json or lines) with its
    warnings and problems, in the order given, in runs as they are ready; `files` says how
    many paths there are when none of them is a bulk file (0 otherwise).

    Each one is scored on its own, in a worker process with bounded time and memory (on
    Linux; elsewhere in this process, unbounded). One its worker could not finish gets one
    problem saying why: `FILE: could not be scored: it took longer than 10 s`. The lines of a
    bulk file are read as the workers take them: memory does not grow with the file.
    """
    from screener import pool

    names, source = _source(paths, files)
    prepare(bank)  # once, here: every worker inherits it
    bulk = files == 0 or files >= PARALLEL_FROM
    results = pool.run_batches(
        partial(_plain_outcome, bank=bank, form=form),
        source,
        processes=_workers(PARALLEL_FROM if bulk else files),
        seconds=FILE_SECONDS,
        memory_mib=FILE_MEMORY_MIB,
    )
    stopped = pool.Stopped
    with closing(results):
        for batch in results:
            given = names.take(len(batch))
            if stopped not in map(type, batch):
                yield batch  # type: ignore[misc] # no Stopped in it: every one a Piece
                continue
            run: list[Piece] = []
            for result, name in zip(batch, given, strict=True):
                if isinstance(result, stopped):
                    shown = one_line(name)  # on one line, nothing unprintable
                    problem = _("{file}: could not be scored: {reason}").format(
                        file=shown, reason=result.reason
                    )
                    run.append(Outcome(None, [], (problem,)))
                else:
                    run.append(result)
            yield run


def _source(paths: Iterable[Path | str], files: int) -> tuple[_Names, Iterable[Item]]:
    """What the workers are handed, and the names the output gives them: with no bulk file
    (`files` > 0), the names themselves; else each bulk file's lines as they are read."""
    if files:  # no bulk file: each item is a file's name, as the output names it
        listed = [str(path) for path in paths]  # a str pickles quickest
        return _Names(listed), listed
    names = _Names()

    def items() -> Iterator[Item]:
        for path in paths:
            name = str(path)
            if not is_bulk(name):  # a file's name, read in a worker
                names.add(name)
                yield name
                continue
            for item in _items(name):
                names.add(_name_of(item))
                yield item

    return names, items()


class _Names:
    """The names of the items handed out, in order, as the output names them: a list of them
    all when they are known at the start (file names), else a queue of those not yet given
    back (a bulk file's records, read as the workers take them: memory stays bounded)."""

    def __init__(self, listed: list[str] | None = None) -> None:
        self.listed = listed
        self.given = 0
        self.queue: deque[str] = deque()

    def add(self, name: str) -> None:
        self.queue.append(name)

    def take(self, n: int) -> list[str]:
        """The names of the next `n` results."""
        if self.listed is not None:
            self.given += n
            return self.listed[self.given - n : self.given]
        return [self.queue.popleft() for _n in range(n)]


def _name_of(item: Item) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, Record):
        return f"{item.name}:{item.line}"
    return item.name


def _items(path: str) -> Iterator[Item]:
    """Each line of a bulk file (`-`: standard input), or a refusal to read it."""
    name = STDIN_NAME if path == STDIN else path
    try:
        stream = sys.stdin.buffer if path == STDIN else open_stream(Path(path), "answers")
    except AnswersError as exc:
        yield Refused(name, exc.problems[0])
        return
    shown = one_line(name)
    number = 0
    try:
        while True:
            line = stream.readline(MAX_FILE_BYTES + 1)
            if not line:
                return
            number += 1
            if len(line) > MAX_FILE_BYTES:
                while line and not line.endswith(b"\n"):  # the rest of it, unread
                    line = stream.readline(1 << 20)
                limit = MAX_FILE_BYTES // (1024 * 1024)
                yield Refused(
                    f"{name}:{number}",
                    _("{file}:{line}: the line is longer than {limit} MiB").format(
                        file=shown, line=number, limit=limit
                    ),
                )
            elif line.strip():  # blank lines separate nothing: passed over
                yield Record(name, number, line)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        yield Refused(
            f"{name}:{number + 1}",
            _("{file}:{line}: cannot read the answers: {reason}").format(
                file=shown, line=number + 1, reason=reason
            ),
        )
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _plain_outcome(item: Item, bank: Bank, form: str) -> tuple[object, list[str], tuple[str, ...]]:
    """`_score_item` as a plain tuple: what crosses back from a worker, a tuple pickles and
    unpickles several times quicker than the named one."""
    if form == "csv" and item.__class__ is str:  # most: a file's row, in as few steps as can be
        try:
            answers, warnings = read_answers(item, bank)
        except AnswersError as exc:
            return None, [], exc.problems
        piece, warnings, problems = _scored(item, answers, warnings, bank, form)
    else:
        piece, warnings, problems = _score_item(item, bank, form)
    return piece, warnings, problems


def _score_item(item: Item, bank: Bank, form: str) -> Outcome:
    if isinstance(item, str):
        return _score_file(item, bank, form)
    if isinstance(item, Refused):
        return Outcome(None, [], (item.problem,))
    name = f"{item.name}:{item.line}"
    try:
        answers, warnings, _fhir = parse_record(item.text, bank, item.name, item.line)
    except AnswersError as exc:
        return Outcome(None, [], exc.problems)
    return _scored(name, answers, warnings, bank, form)


def _workers(files: int) -> int:
    import os

    if files < PARALLEL_FROM:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    return min(cores, 8)


def _score_file(name: str, bank: Bank, form: str) -> Outcome:
    """One file's outcome: its piece of output, or the problems that kept it from scoring."""
    try:
        answers, warnings = read_answers(name, bank)
    except AnswersError as exc:
        return Outcome(None, [], exc.problems)
    return _scored(name, answers, warnings, bank, form)


def _scored(name: str, answers: Answers, warnings: list[str], bank: Bank, form: str) -> Outcome:
    if form == "csv":  # a row needs the counts and flags, not the statuses or next steps
        return Outcome(_row_line(name, answers, row(bank, answers)), warnings, ())
    return _outcome(Scored(Path(name), answers, score(bank, answers), warnings, name), form)


def _row_cells(name: str, answers: Answers, r: Row) -> tuple[str | int, ...]:
    """One CSV row (COLUMNS), from what a row says: `rows.row` (about half a tally's cost) or
    `rows.row_of` a tally, which agree for any answers (tests/test_shapes.py). `date` is when
    the answers were saved, if the file says."""
    perspective = answers.perspective
    return (
        _cell(one_line(name, None)),
        answers.created or "",
        _cell(answers.bank_version),
        "" if perspective == OTHER else r.severity.value,  # no label for someone not asked
        r.count_met,
        r.count_max,
        "" if r.withdrawal is None else r.withdrawal,
        ";".join(r.flags),
        "true" if r.complete else "false",
        _cell(one_line(answers.demo or "", None)),
        _cell(one_line(perspective, None)),
    )


def _row_line(name: str, answers: Answers, r: Row) -> str:
    """`_row_cells` as the line the csv module writes, made in one go when no cell needs its
    quotes (a comma, a quote or a line break in one): most rows."""
    perspective = answers.perspective
    w = r.withdrawal
    line = (
        f"{_cell(one_line(name, None))},{answers.created or ''},{_cell(answers.bank_version)},"
        f"{'' if perspective == OTHER else r.severity.value},{r.count_met},{r.count_max},"
        f"{'' if w is None else w},{';'.join(r.flags)},{'true' if r.complete else 'false'},"
        f"{_cell(one_line(answers.demo or '', None))},{_cell(one_line(perspective, None))}"
    )
    if line.count(",") == len(COLUMNS) - 1 and not _QUOTED.search(line):
        return line + "\n"
    return _csv_line(_row_cells(name, answers, r))


_QUOTED = re.compile('["\r\n]')  # what makes the csv module quote a cell, with a comma


def csv_row(name: str, answers: Answers, counted: Counted) -> tuple[str | int, ...]:
    """One CSV row (COLUMNS) from a tally; `date` is when the answers were saved, if the file
    says."""
    return _row_cells(name, answers, row_of(counted))


class _Line:
    """A CSV row as its line of text, made where the row is (a worker), so that the output
    only writes text."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")

    def __call__(self, row: tuple[str | int, ...]) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(row)
        return self.buffer.getvalue()


_csv_line = _Line()


def _outcome(item: Scored | Failed, form: str) -> Outcome:
    if isinstance(item, Failed):
        return Outcome(None, [], item.problems)
    piece: object
    if form == "json":
        piece = {
            "file": one_line(item.shown, None),
            "created": item.answers.created,
            "answers_bank_version": item.answers.bank_version,
            "demo": item.answers.demo,
            "result": result_json(item.result),
        }
    else:
        piece = line(item)
    return Outcome(piece, item.warnings, ())


def line(item: Scored) -> str:
    """One readable line, for a quick look in the terminal."""
    res = item.result
    text = wording.result_sentence(res, "line")
    w = res.withdrawal
    if w is not None and w.answered:
        text = _("{result}; {withdrawal}").format(
            result=text, withdrawal=withdrawalwords.withdrawal_sentence(w, voice="line")
        )
    if res.flags:
        text = _("{result}; flags: {flags}").format(
            result=text, flags=", ".join(f.id for f in res.flags)
        )
    if not res.complete:
        text = _("{result}; not finished").format(result=text)
    if item.answers.demo:
        text = _("{result}; DEMO: fictional answers").format(result=text)
    return _("{file}: {result}").format(file=one_line(item.shown, None), result=text)


def _cell(text: str) -> str:
    """Keep a spreadsheet from reading a file name such as `=cmd.yaml` as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write(paths: list[Path], bank: Bank, form: str, out: IO[str], err: IO[str]) -> int:
    """Score `paths` and write them as `form` (csv, json or lines) to `out`, problems and
    warnings to `err`. Returns how many files (or records) failed."""
    return write_all(paths, bank, form, out, err)[0]


def write_all(
    paths: Sequence[Path | str], bank: Bank, form: str, out: IO[str], err: IO[str]
) -> tuple[int, int]:
    """`write`, returning how many failed and how many there were (a bulk file's records
    are counted one by one). Each row is written as it comes."""
    failed = total = 0
    if form == "csv":
        csv.writer(out, lineterminator="\n").writerow(COLUMNS)
    ascii_only = not unicode_ok(out)  # JSON: \uXXXX escapes where `out` cannot take them
    first = True
    if form == "json":
        out.write("[")
    files = 0 if any_bulk(paths) else len(paths)
    # Closed at once if writing stops early (Ctrl-C, say), which stops the workers.
    with closing(outcomes(paths, bank, form, files)) as runs:
        for run in runs:
            total += len(run)
            if form == "csv" and not any(warnings or problems for _p, warnings, problems in run):
                out.write("".join([piece for piece, _w, _p in run]))  # type: ignore[misc]
                continue
            for piece, warnings, problems in run:
                for problem in problems:
                    shown = one_line(problem, LINE_LIMIT)
                    err.write(_("Error: {message}").format(message=shown) + "\n")
                for warning in warnings:
                    shown = one_line(warning, LINE_LIMIT)
                    err.write(_("Warning: {message}").format(message=shown) + "\n")
                if piece is None:
                    failed += 1
                elif form == "csv":
                    out.write(piece)  # type: ignore[arg-type]
                elif form == "json":  # as json.dumps(list, indent=2) writes it, one at a time
                    text = json.dumps(piece, indent=2, ensure_ascii=ascii_only)
                    out.write(("\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
                    first = False
                else:
                    out.write(f"{piece}\n")
    if form == "json":
        out.write("]\n" if first else "\n]\n")
    return failed, total
