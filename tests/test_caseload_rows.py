"""A caseload's CSV row comes from the counts alone (`tally`), and says what the whole result
says, for any answers."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from test_fhir import values_for

from screener.core.model import OTHER, Answers, Bank, Severity, Status
from screener.core.rows import Row
from screener.core.scoring import score, tally
from screener.summaries import caseload
from screener.summaries.caseload import _cell, csv_row


def row_from_result(name: str, answers: Answers, bank: Bank) -> tuple[str | int, ...]:
    """The row as the whole result says it (how every row was made before the counts
    alone were enough)."""
    res = score(bank, answers)
    w = res.withdrawal
    return (
        _cell(name),
        answers.created or "",
        _cell(answers.bank_version),
        "" if res.perspective == OTHER else res.severity.value,
        res.count,
        res.count_max,
        "" if w is None or w.answered == 0 else w.score,
        ";".join(f.id for f in res.flags),
        "true" if res.complete else "false",
        _cell(answers.demo or ""),
        _cell(res.perspective),
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_row_from_the_counts_is_the_row_of_the_whole_result(
    bank: Bank, data: st.DataObject
) -> None:
    perspective = data.draw(st.sampled_from(list(bank.perspectives)))
    values = data.draw(values_for(bank, perspective))
    answers = Answers(bank.id, bank.version, perspective, values, "2026-11-21T10:00:00")
    counted = tally(bank, answers)
    assert csv_row("a.json", answers, counted) == row_from_result("a.json", answers, bank)
    whole = score(bank, answers)
    assert counted.tally.met == tuple(whole.ids(Status.MET))
    assert counted.not_reached == whole.not_reached


_CELL = st.text(alphabet=st.sampled_from(list("ab ,\"\r\n\t=+-@\u00e9\u202e;'\x1b")), max_size=6)


@settings(max_examples=400, deadline=None)
@given(
    name=_CELL,
    created=st.one_of(st.none(), _CELL),
    version=_CELL,
    demo=st.one_of(st.none(), _CELL),
    perspective=st.one_of(st.sampled_from(["self", OTHER]), _CELL),
    severity=st.sampled_from(list(Severity)),
    counts=st.tuples(st.integers(0, 11), st.integers(0, 11)),
    withdrawal=st.one_of(st.none(), st.integers(0, 64)),
    flags=st.lists(st.sampled_from(["no_naloxone", "recent_release", "x,y", 'q"']), max_size=3),
    complete=st.booleans(),
)
def test_a_row_line_is_what_the_csv_module_writes_of_its_cells(
    name: str,
    created: str | None,
    version: str,
    demo: str | None,
    perspective: str,
    severity: Severity,
    counts: tuple[int, int],
    withdrawal: int | None,
    flags: list[str],
    complete: bool,
) -> None:
    answers = Answers("oud-self-screen", version, perspective, {}, created, demo)
    r = Row(severity, *counts, withdrawal, tuple(flags), complete)
    cells = caseload._row_cells(name, answers, r)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    assert caseload._row_line(name, answers, r) == out.getvalue()
