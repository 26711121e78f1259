"""A caseload's CSV row of numbers (`row`): the counts, the withdrawal score, the flags and
whether the answers are complete, made from what applies section by section
(`screener.core.shapes`) without the rest of a tally. `row_of` reads the same from a tally;
the two agree for any answers (tests/test_shapes.py). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress, repeat
from operator import is_
from typing import NamedTuple

from screener.core import shapes
from screener.core.model import (
    CRITERIA,
    SUPERVISION_EXCLUDED,
    WITHDRAWAL_SCALE,
    Bank,
    Question,
    Severity,
    Value,
)
from screener.core.results import Answers
from screener.core.scoring import Counted, _plan, _supervision, _unsure, severity_for


class Row(NamedTuple):
    """What a caseload's CSV row says of answers: `row` makes it without the rest of the
    tally, and `row_of` reads it from a tally; the two agree for any answers."""

    severity: Severity
    count_met: int
    count_max: int
    withdrawal: int | None  # the withdrawal score, when at least one of its items was answered
    flags: tuple[str, ...]
    complete: bool  # nothing that applies (consent aside) was left unreached


def row_of(counted: Counted) -> Row:
    """The row a tally makes."""
    t = counted.tally
    w = t.withdrawal
    return Row(
        severity=t.severity,
        count_met=t.count_met,
        count_max=t.count_max,
        withdrawal=None if w is None or w.answered == 0 else w.score,
        flags=t.flags,
        complete=not counted.not_reached,
    )


def row(bank: Bank, answers: Answers) -> Row:
    """`row_of(tally(bank, answers))`, at about half the cost: a caseload's CSV makes
    thousands of rows, and a row needs neither the statuses nor the answers that count."""
    bank = bank.about(answers.perspective)
    plan = _plan(bank)
    values = answers.values
    parts, read, fired, complete = shapes.found(bank, values)
    # The conditions read `read`, as they count; a question that applies reads the same in
    # the answers as given (where it has no answer, in neither).
    gate = plan.gate
    screened_out = gate is not None and read.get(gate.id) is False
    feeds = _NO_FEEDS
    items: tuple[str, ...] = ()
    fed = None  # the one part with criteria, if one
    merged = asked = False
    for p in parts:
        if p.scored:
            if p.feeds is not None:
                merged = fed is not None
                fed = p
                feeds = p.feeds if feeds is _NO_FEEDS else _joined(feeds, p.feeds)
            if p.withdrawal:
                items += p.withdrawal
            asked = asked or p.prescribed
    prescribed = plan.prescribed
    claimed, overridden_by = _supervision(prescribed, read)
    supervised = claimed and not overridden_by
    uncertain = not screened_out and asked and prescribed is not None and _unsure(prescribed, read)
    unseen = _NO_CRITERIA if screened_out else plan.unseen
    if supervised or uncertain or merged:
        met, open_ = _counts(feeds, values, supervised, uncertain, unseen)
    else:
        met, open_ = _counts_plainly(fed, values, unseen)
    return Row(
        severity_for(met),
        met,
        met + open_,
        _withdrawal_score(bank, items, values),
        tuple(compress(plan.flag_ids, fired)),
        complete,
    )


_NO_CRITERIA: frozenset[str] = frozenset()


def _counts(
    feeds: tuple[tuple[Question, ...], ...],
    values: Mapping[str, Value],
    supervised: bool,
    uncertain: bool,
    unseen: frozenset[str],
) -> tuple[int, int]:
    """How many criteria are met, and how many are open (unanswered, uncertain or unknown):
    what `_status` finds of each, counted, given each criterion's questions that apply."""
    met = open_ = 0
    for key, questions in zip(CRITERIA, feeds, strict=True):
        excludable = key in SUPERVISION_EXCLUDED
        if supervised and excludable:
            continue  # excluded
        if len(questions) == 1:
            v = values.get(questions[0].id)
            if v is True:
                if uncertain and excludable:
                    open_ += 1  # uncertain
                else:
                    met += 1
            elif v is not False or key in unseen:
                open_ += 1  # unanswered or unknown
            continue
        answered = [values.get(q.id) for q in questions]
        if any(v is True for v in answered):
            if uncertain and excludable:
                open_ += 1
            else:
                met += 1
        elif key in unseen or not all(v is False for v in answered):
            open_ += 1
    return met, open_


def _counts_plainly(
    fed: shapes.Part | None, values: Mapping[str, Value], unseen: frozenset[str]
) -> tuple[int, int]:
    """`_counts` when nothing is excluded or uncertain, the criteria all in one part (or in
    none): those with one question each are counted at once."""
    if fed is None:
        return 0, len(unseen)  # nothing applies: met by none, not met by what can be seen
    answered = tuple(map(values.get, fed.single))
    met = tuple(map(is_, answered, _YES)).count(True)
    open_ = len(answered) - met - tuple(map(is_, answered, _NO)).count(True)
    open_ += len(unseen.intersection(fed.none))
    for key, questions in fed.several:
        given = [values.get(q.id) for q in questions]
        if any(v is True for v in given):
            met += 1
        elif key in unseen or not all(v is False for v in given):
            open_ += 1
    return met, open_


_YES, _NO = repeat(True), repeat(False)


def _withdrawal_score(
    bank: Bank, items: tuple[str, ...], values: Mapping[str, Value]
) -> int | None:
    """The withdrawal score of the scale's `items` that apply, if any was answered."""
    if not items or WITHDRAWAL_SCALE not in bank.scales:
        return None
    scores = [
        v for qid in items if isinstance(v := values.get(qid), int) and not isinstance(v, bool)
    ]
    return sum(scores) if scores else None


_NO_FEEDS: tuple[tuple[Question, ...], ...] = tuple(() for _key in CRITERIA)


def _joined(
    a: tuple[tuple[Question, ...], ...], b: tuple[tuple[Question, ...], ...]
) -> tuple[tuple[Question, ...], ...]:
    """Each criterion's questions of two sections, in order."""
    return tuple([x + y for x, y in zip(a, b, strict=True)])
