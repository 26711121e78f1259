"""A caseload's row is made without the rest of the tally (`rows.row`), from what applies
found section by section out of shapes of answers met before (`screener.core.shapes`). It
must come to exactly what the tally comes to, for any answers to any bank: this compares
them, and the tally with the tally as it was made before shapes (kept here as it was), over
random answers of every kind, including answers to questions that do not apply, to
questions of the other perspective, and values no checked file would hold."""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fhir import conditions_bank  # noqa: F401  (a fixture)
from test_perspectives import two_perspectives

from screener.core import shapes
from screener.core.conditions import Together, applicable, check, passes, true_leaves
from screener.core.facts import Tally
from screener.core.model import (
    CRITERIA,
    SUPERVISION_EXCLUDED,
    UNKNOWN,
    WITHDRAWAL_SCALE,
    AllOf,
    Answers,
    AnyOf,
    Bank,
    Leaf,
    Not,
    Question,
    Role,
    Status,
    Value,
)
from screener.core.results import Withdrawal
from screener.core.rows import row, row_of
from screener.core.scoring import Counted, score, severity_for, tally
from screener.summaries.caseload import _row_cells, csv_row

# --- the tally as it was made before shapes (a frozen copy, to compare with) -------------

_NO: Mapping[str, Sequence[str]] = {}


def reference_tally(bank: Bank, answers: Answers) -> Counted:
    bank = bank.about(answers.perspective)
    gate = bank.by_role(Role.GATE)
    prescribed = bank.by_role(Role.PRESCRIBED_ONLY)
    covered = {q.criterion for q in bank.questions if q.criterion}
    unseen_all = frozenset(k for k in CRITERIA if k not in covered)
    values = answers.values
    shown, counted = applicable(bank, values)
    screened_out = gate is not None and counted.get(gate.id) is False
    claimed, overridden_by = _supervision(prescribed, counted)
    supervised = claimed and not overridden_by
    uncertain = not screened_out and _supervision_uncertain(prescribed, shown, counted)
    unseen = frozenset() if screened_out else unseen_all
    feeding: dict[str, list[Question]] = {key: [] for key in CRITERIA}
    for q in shown:
        if q.criterion is not None:
            feeding[q.criterion].append(q)
    statuses = tuple(
        _status(key, feeding[key], counted, supervised, uncertain, key in unseen)
        for key in CRITERIA
    )
    met = tuple(k for k, s in zip(CRITERIA, statuses, strict=True) if s is Status.MET)
    open_ = tuple(k for k, s in zip(CRITERIA, statuses, strict=True) if s is Status.UNANSWERED)
    unknown = tuple(k for k, s in zip(CRITERIA, statuses, strict=True) if s is Status.UNKNOWN)
    doubtful = sum(1 for s in statuses if s is Status.UNCERTAIN)
    count, count_max = len(met), len(met) + len(open_) + doubtful + len(unknown)
    physical = not supervised and any(k in met for k in SUPERVISION_EXCLUDED)
    flags = tuple(f for f in bank.flags if check(f.when)(counted, counted, _NO))
    return Counted(
        shown=shown,
        counted=counted,
        statuses=statuses,
        feeding=feeding,
        tally=Tally(
            count_met=count,
            count_max=count_max,
            severity=severity_for(count),
            severity_max=severity_for(count_max),
            met=met,
            open=open_,
            unknown=unknown,
            flags=tuple(f.id for f in flags),
            overdose_flags=tuple(f.id for f in flags if f.overdose),
            withdrawal=_withdrawal(bank, shown, counted),
            screened_out=screened_out,
            supervised=supervised,
            overridden=claimed and bool(overridden_by),
            physical=physical,
            uncertain=uncertain,
        ),
        flags=flags,
        claimed=claimed,
        overridden_by=overridden_by,
        not_reached=tuple(q.id for q in shown if q.id not in values and q.role is not Role.CONSENT),
    )


def _reason(leaf: Any, counted: Mapping[str, Value]) -> tuple[str, Value]:
    value = leaf.value
    if leaf.op in ("contains", "equals") and isinstance(value, bool | int | str):
        return leaf.name, value
    return leaf.name, counted.get(leaf.name)


def _supervision(
    q: Question | None, counted: Mapping[str, Value]
) -> tuple[bool, tuple[tuple[str, Value], ...]]:
    if q is None or counted.get(q.id) is not True:
        return False, ()
    if q.overridden_if is None or not passes(q.overridden_if, counted):
        return True, ()
    return True, tuple(_reason(leaf, counted) for leaf in true_leaves(q.overridden_if, counted))


def _supervision_uncertain(
    q: Question | None, shown: list[Question], counted: Mapping[str, Value]
) -> bool:
    if q is None or q not in shown:
        return False
    said = counted.get(q.id)
    if said is not None and not q.is_unknown(said):
        return False
    return q.overridden_if is None or not passes(q.overridden_if, counted)


def _status(
    key: str,
    questions: list[Question],
    counted: Mapping[str, Value],
    supervised: bool,
    uncertain: bool,
    unseen: bool,
) -> Status:
    if supervised and key in SUPERVISION_EXCLUDED:
        return Status.EXCLUDED
    values = [counted.get(q.id) for q in questions]
    if any(v is True for v in values):
        return Status.UNCERTAIN if uncertain and key in SUPERVISION_EXCLUDED else Status.MET
    if unseen:
        return Status.UNKNOWN
    if all(v is False for v in values):
        return Status.NOT_MET
    if None in values:
        return Status.UNANSWERED
    if all(v is False or q.is_unknown(v) for q, v in zip(questions, values, strict=True)):
        return Status.UNKNOWN
    return Status.UNANSWERED


def _withdrawal(
    bank: Bank, shown: list[Question], counted: Mapping[str, Value]
) -> Withdrawal | None:
    scale = bank.scales.get(WITHDRAWAL_SCALE)
    items = [q for q in shown if q.scale == WITHDRAWAL_SCALE]
    if scale is None or not items:
        return None
    values = [
        v for q in items if isinstance(v := counted.get(q.id), int) and not isinstance(v, bool)
    ]
    total = sum(values)
    band = (
        next((b.label for b in scale.bands if b.low <= total <= b.high), None) if values else None
    )
    return Withdrawal(
        total, len(values), scale.items, scale.items * scale.top, band, len(values) == scale.items
    )


# --- answers of every kind ------------------------------------------------------------------

_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.just(UNKNOWN),
    st.integers(-2, 6),
    st.text(string.ascii_lowercase + "_", max_size=4),
)


def answer_to(q: Question) -> st.SearchStrategy[object]:
    """Any answer to `q`: one it takes, or one of another kind, as no checked file holds."""
    options = [o.value for o in q.options] or [True, False]
    one = st.sampled_from(options)
    many = st.lists(one | _ODD, max_size=4)
    return st.one_of(_ODD, one, many.map(tuple), many)


def answers_for(bank: Bank) -> st.SearchStrategy[Answers]:
    """Answers in any perspective to any of the bank's questions (every perspective's)."""
    every = {q.id: q for q in bank.questions}
    some_text = st.none() | st.sampled_from(["", "=cmd", "Ana", "2026-11-21T10:00:00"])
    return st.builds(
        lambda perspective, values, created, demo: Answers(
            bank.id, bank.version, perspective, values, created, demo
        ),
        st.sampled_from(list(bank.perspectives)),
        st.fixed_dictionaries({}, optional={qid: answer_to(q) for qid, q in every.items()}),
        some_text,
        some_text,
    )


def same_everywhere(bank: Bank, answers: Answers) -> None:
    """Tally, score and row come to what the plain walk comes to."""
    expected = reference_tally(bank, answers)
    got = tally(bank, answers)
    assert got == expected
    found = shapes.found(bank.about(answers.perspective), answers.values)
    assert [qid for p in found.parts for qid in p.order] == [q.id for q in expected.shown]
    made = row(bank, answers)
    assert made == row_of(expected)
    assert _row_cells("a.json", answers, made) == csv_row("a.json", answers, expected)
    assert score(bank, answers).not_reached == expected.not_reached


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_default_bank_comes_to_what_the_walk_comes_to(bank: Bank, data: st.DataObject) -> None:
    same_everywhere(bank, data.draw(answers_for(bank)))


def test_answers_of_every_shape_of_the_default_bank_come_to_the_same(bank: Bank) -> None:
    """Every shape the benchmark's answers come in (one per gate, one per offer...) is met
    first by the careful walk, then read from what it kept: both give the same."""
    view = bank.about("self")
    yes = {q.id: True for q in view.questions if q.kind.value == "yes_no"}
    for values in ({}, {"use_any": False}, yes, {**yes, "opioids_which": ("heroin",)}):
        answers = Answers(bank.id, bank.version, "self", values)
        same_everywhere(bank, answers)
        same_everywhere(bank, answers)  # now from what was kept


@pytest.fixture(scope="module")
def unusual(make_bank: Callable[..., Bank], conditions_bank: Bank) -> list[Bank]:  # noqa: F811
    """The test banks whose conditions are unusual: every shape of condition, two
    perspectives with "I don't know", and the two no checked bank can be: a show_if that
    reads a later question, and a question asked twice."""
    pair = make_bank(two_perspectives)
    # The second question shown only after a question of a later section: no bank passes
    # checking with it, and the walk reads that one as never answered.
    reads_later = _with_sections(
        conditions_bank,
        (
            conditions_bank.sections[0]._replace(
                questions=(
                    conditions_bank.sections[0].questions[0],
                    conditions_bank.sections[0]
                    .questions[1]
                    ._replace(show_if=Leaf("question", "sows_one", "at_least", 2)),
                    *conditions_bank.sections[0].questions[2:],
                )
            ),
            *conditions_bank.sections[1:],
        ),
    )
    twice = _with_sections(
        pair,
        (*pair.sections, pair.sections[0]._replace(id="again", show_if=None)),
    )
    # Both are found the careful way, each condition reading the answers that count so far.
    assert not shapes._plan(reads_later.about("self")).quick
    assert not shapes._plan(twice.about("self")).by_section
    return [conditions_bank, pair, reads_later, twice]


def _with_sections(bank: Bank, sections: tuple[Any, ...]) -> Bank:
    return bank._replace(sections=sections)


@pytest.mark.parametrize("which", range(4), ids=["conditions", "pair", "reads_later", "twice"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_banks_with_unusual_conditions_come_to_what_the_walk_comes_to(
    unusual: list[Bank], which: int, data: st.DataObject
) -> None:
    bank = unusual[which]
    same_everywhere(bank, data.draw(answers_for(bank)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_conditions_read_together_read_as_each_alone(
    bank: Bank,
    conditions_bank: Bank,  # noqa: F811
    data: st.DataObject,
) -> None:
    """The batch reader gives each condition the truth `check` gives it: every shape of
    condition, every flag and show_if of the default bank, over answers of any kind (a 1
    is not yes, "heroin" is not a multi answer that holds heroin)."""
    conds = [f.when for b in (bank, conditions_bank) for f in b.flags]
    for b in (bank, conditions_bank):
        for section in b.sections:
            conds += [c for c in (section.show_if, *(q.show_if for q in section.questions)) if c]
    together = Together(conds)
    values = data.draw(answers_for(data.draw(st.sampled_from([bank, conditions_bank])))).values
    truths = together(values)
    for cond in conds:
        assert truths[together.place(cond)] is check(cond)(values, values, _NO), cond


def test_names_and_values_never_become_code() -> None:
    """What a bank names and compares with is handed to the function made of its
    conditions, never written into it: quotes, newlines and code in them are plain text."""
    odd = "x'\"\n) or True or ('"
    conds = [
        Leaf("question", odd, "equals", True),
        Leaf("question", odd, "equals", odd),
        Leaf("question", "q", "contains", odd),
        Not(AnyOf((Leaf("question", odd, "in", [odd, "b"]), Leaf("question", "q", "at_least", 1)))),
        AllOf(()),
        AnyOf(()),
    ]
    together = Together(conds)
    for values in ({}, {odd: odd, "q": (odd,)}, {odd: True, "q": ()}, {odd: "b", "q": ["a"]}):
        truths = together(values)
        for cond in conds:
            assert truths[together.place(cond)] is check(cond)(values, values, _NO), (cond, values)


def test_the_shapes_kept_are_bounded(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past LIMIT shapes of a section, a part is made for the answers at hand and not kept:
    hostile files cannot grow memory, and still score right."""
    fresh = bank._replace(version="9.9.9")  # a bank of its own: nothing kept yet
    monkeypatch.setattr(shapes, "LIMIT", 1)
    for values in ({"use_any": True}, {"use_any": False}, {"use_any": True, "ever_used": True}):
        same_everywhere(fresh, Answers(fresh.id, fresh.version, "self", values))
    kept = [len(sec.kept) for sec in shapes._plan(fresh.about("self")).sections]
    assert max(kept) == 1
