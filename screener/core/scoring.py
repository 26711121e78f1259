"""Score answers against the DSM-5 criteria, SOWS and the bank's rules; pure functions only.

Nothing unknown is ever scored as "no": a criterion with an unanswered question stays open, and
the count and severity are reported as a range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from screener.core.conditions import (
    Check,
    applicable,
    check,
    passes,
    question_names,
    true_leaves,
)
from screener.core.facts import Tally, compute
from screener.core.model import (
    CRITERIA,
    OTHER,
    SEVERITY_ORDER,
    SUPERVISION_EXCLUDED,
    WITHDRAWAL_SCALE,
    Bank,
    Caveat,
    Condition,
    Flag,
    Leaf,
    Question,
    Referral,
    Role,
    Severity,
    Status,
    Value,
    version_key,
)
from screener.core.results import Answers, CriterionResult, Finding, Result, Withdrawal


def severity_for(count: int) -> Severity:
    """DSM-5 severity by criteria met: 0-1 none, 2-3 mild, 4-5 moderate, 6+ severe."""
    if count >= 6:
        return Severity.SEVERE
    if count >= 4:
        return Severity.MODERATE
    if count >= 2:
        return Severity.MILD
    return Severity.NONE


_NO_ORDER: Mapping[str, Sequence[str]] = {}  # flags test answers only: no labels to order

# The statuses as plain names: an enum's member is looked up on its class at every use.
_MET, _NOT_MET, _EXCLUDED = Status.MET, Status.NOT_MET, Status.EXCLUDED
_UNANSWERED, _UNCERTAIN, _UNKNOWN = Status.UNANSWERED, Status.UNCERTAIN, Status.UNKNOWN
_CONSENT = Role.CONSENT


class _Plan(NamedTuple):
    """What scoring needs of one bank view, made once: a caseload scores thousands of
    answers against the same bank."""

    gate: Question | None
    prescribed: Question | None
    unseen: frozenset[str]
    flags: tuple[tuple[Flag, Check], ...]
    flag_ids: tuple[str, ...]
    referrals: tuple[tuple[Referral, Check | None], ...]  # most urgent first
    caveats: tuple[tuple[Caveat, Check | None], ...]
    order: dict[str, list[str]]


def _plan(bank: Bank) -> _Plan:
    return bank.made(_plan_of)  # made once per bank view, kept with it


def _plan_of(bank: Bank) -> _Plan:
    def built(when: Condition | None) -> Check | None:
        return None if when is None else check(when)

    return _Plan(
        gate=bank.by_role(Role.GATE),
        prescribed=bank.by_role(Role.PRESCRIBED_ONLY),
        unseen=_unseen(bank),
        flags=tuple((f, check(f.when)) for f in bank.flags),
        flag_ids=tuple(f.id for f in bank.flags),
        # sorted() is stable: among equally urgent referrals the bank's order stands.
        referrals=tuple(
            (r, built(r.when)) for r in sorted(bank.referrals, key=lambda r: r.urgency.rank)
        ),
        caveats=tuple((c, built(c.when)) for c in bank.caveats),
        order=_orders(bank),
    )


class Counted(NamedTuple):
    """What answers come to before any next step is chosen: the questions that apply, the
    answers that count, each criterion's status and the tally of the result. A caseload's
    CSV row needs no more; `score` builds the whole result on it."""

    shown: list[Question]
    counted: dict[str, Value]
    statuses: tuple[Status, ...]  # one per criterion, in CRITERIA order
    feeding: dict[str, list[Question]]  # criterion -> its questions that apply
    tally: Tally
    flags: tuple[Flag, ...]
    claimed: bool  # "all use was prescribed" answered yes
    overridden_by: tuple[tuple[str, Value], ...]
    not_reached: tuple[str, ...]


def tally(bank: Bank, answers: Answers) -> Counted:
    """The counts, flags and statuses of `answers` (the part of `score` a caseload row
    shows)."""
    bank = bank.about(answers.perspective)
    plan = _plan(bank)
    values = answers.values
    shown, counted = applicable(bank, values)
    gate = plan.gate
    screened_out = gate is not None and counted.get(gate.id) is False

    claimed, overridden_by = _supervision(plan.prescribed, counted)
    supervised = claimed and not overridden_by
    uncertain = not screened_out and _supervision_uncertain(plan.prescribed, shown, counted)

    unseen = frozenset() if screened_out else plan.unseen
    feeding, statuses = _statuses(shown, counted, supervised, uncertain, unseen)
    met, open_, unknown, doubtful = _by_status(statuses)
    count, count_max = len(met), len(met) + len(open_) + doubtful + len(unknown)
    physical = not supervised and any(k in met for k in SUPERVISION_EXCLUDED)
    flags = tuple([f for f, holds in plan.flags if holds(counted, counted, _NO_ORDER)])
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
        not_reached=tuple([q.id for q in shown if q.id not in values and q.role is not _CONSENT]),
    )


def _statuses(
    shown: list[Question],
    counted: Mapping[str, Value],
    supervised: bool,
    uncertain: bool,
    unseen: frozenset[str],
) -> tuple[dict[str, list[Question]], tuple[Status, ...]]:
    """Each criterion's questions that apply, and its status, in CRITERIA order."""
    feeding: dict[str, list[Question]] = {key: [] for key in CRITERIA}
    for q in shown:
        if q.criterion is not None:
            feeding[q.criterion].append(q)
    statuses = tuple(
        [
            _status(key, feeding[key], counted, supervised, uncertain, key in unseen)
            for key in CRITERIA
        ]
    )
    return feeding, statuses


def _by_status(
    statuses: tuple[Status, ...],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], int]:
    """The criteria met, unanswered and unknown, and how many are uncertain: one look at each
    status (a caseload tallies thousands of files)."""
    met: list[str] = []
    open_: list[str] = []
    unknown: list[str] = []
    doubtful = 0
    for key, st in zip(CRITERIA, statuses, strict=True):
        if st is _MET:
            met.append(key)
        elif st is _UNANSWERED:
            open_.append(key)
        elif st is _UNKNOWN:
            unknown.append(key)
        elif st is _UNCERTAIN:
            doubtful += 1
    return tuple(met), tuple(open_), tuple(unknown), doubtful


def score(bank: Bank, answers: Answers) -> Result:
    bank = bank.about(answers.perspective)
    plan = _plan(bank)
    core = tally(bank, answers)
    counted, t = core.counted, core.tally
    criteria = tuple(
        CriterionResult(key, status, tuple((q.id, counted.get(q.id)) for q in core.feeding[key]))
        for key, status in zip(CRITERIA, core.statuses, strict=True)
    )
    facts = compute(t)
    order = plan.order
    referrals = [r for r, holds in plan.referrals if holds is None or holds(counted, facts, order)]
    caveats = [c for c, holds in plan.caveats if holds is None or holds(counted, facts, order)]
    return Result(
        bank_id=bank.id,
        bank_version=bank.version,
        perspective=answers.perspective,
        screened_out=t.screened_out,
        criteria=criteria,
        count=t.count_met,
        count_max=t.count_max,
        severity=t.severity,
        severity_max=t.severity_max,
        supervised_exclusion=t.supervised,
        supervision_claimed=core.claimed,
        overridden_by=core.overridden_by if core.claimed else (),
        physical_dependence=t.physical,
        withdrawal=t.withdrawal,
        flags=tuple(_finding(f.id, f.when, counted) for f in core.flags),
        referrals=tuple(_finding(r.id, r.when, counted) for r in referrals),
        caveats=tuple(_finding(c.id, c.when, counted) for c in caveats),
        shown=tuple(q.id for q in core.shown),
        not_reached=core.not_reached,
        answers=counted,
        supervision_uncertain=t.uncertain,
        changed_since=_changed_since(answers, core.shown, counted),
        answered_version=answers.bank_version,
    )


def _supervision(
    q: Question | None, counted: Mapping[str, Value]
) -> tuple[bool, tuple[tuple[str, Value], ...]]:
    """Whether "all use was prescribed" (`q`) was claimed, and the answers that contradict
    it."""
    if q is None or counted.get(q.id) is not True:
        return False, ()
    if q.overridden_if is None:
        return True, ()
    if not passes(q.overridden_if, counted):
        return True, ()
    return True, tuple(_reason(leaf, counted) for leaf in true_leaves(q.overridden_if, counted))


def _changed_since(
    answers: Answers, shown: list[Question], counted: Mapping[str, Value]
) -> tuple[str, ...]:
    """The answered questions whose meaning changed after the version the answers were given
    to."""
    given = version_key(answers.bank_version)
    return tuple(
        q.id
        for q in shown
        if q.changed_in and counted.get(q.id) is not None and given < version_key(q.changed_in)
    )


def _supervision_uncertain(
    q: Question | None, shown: list[Question], counted: Mapping[str, Value]
) -> bool:
    """Whether "all use was prescribed" (`q`) was asked and left unanswered while no answer
    rules it out: then tolerance and withdrawal may be expected effects of prescribed
    medicine."""
    return q is not None and q in shown and _unsure(q, counted)


def _unsure(q: Question, counted: Mapping[str, Value]) -> bool:
    """`_supervision_uncertain` of a question asked."""
    said = counted.get(q.id)
    if said is not None and not q.is_unknown(said):  # "don't know" leaves it open too
        return False
    return q.overridden_if is None or not passes(q.overridden_if, counted)


def _finding(fid: str, when: Condition | None, counted: Mapping[str, Value]) -> Finding:
    """A flag, referral or caveat that holds, with the answers behind it."""
    if when is None or not _asks(when):
        return Finding(fid)
    return Finding(fid, tuple(_reason(leaf, counted) for leaf in true_leaves(when, counted)))


def _asks(when: Condition) -> bool:
    """Whether a condition reads any question (many read only result facts), once per
    condition: a caseload asks for thousands of findings."""
    return when.made(_reads_questions)


def _reads_questions(when: Condition) -> bool:
    return bool(question_names(when))


def _reason(leaf: Leaf, counted: Mapping[str, Value]) -> tuple[str, Value]:
    """The question and answer behind a condition that fired: the option a `contains` or
    `equals` names, else the whole answer."""
    value = leaf.value
    if leaf.op in ("contains", "equals") and isinstance(value, bool | int | str):
        return leaf.name, value
    return leaf.name, counted.get(leaf.name)


def _status(
    key: str,
    questions: list[Question],
    counted: Mapping[str, Value],
    supervised: bool,
    uncertain: bool,
    unseen: bool = False,
) -> Status:
    """How one criterion came out. `unseen`: no question of this perspective looks at it (an
    observer cannot see someone's cravings), so it is unknown rather than not met."""
    if supervised and key in SUPERVISION_EXCLUDED:
        return _EXCLUDED
    if len(questions) == 1:  # the usual case: what the general one below finds for it
        q = questions[0]
        v = counted.get(q.id)
        if v is True:
            return _UNCERTAIN if uncertain and key in SUPERVISION_EXCLUDED else _MET
        if unseen:
            return _UNKNOWN
        if v is False:
            return _NOT_MET
        if v is None:
            return _UNANSWERED
        return _UNKNOWN if q.is_unknown(v) else _UNANSWERED
    values = [counted.get(q.id) for q in questions]
    if any(v is True for v in values):
        return _UNCERTAIN if uncertain and key in SUPERVISION_EXCLUDED else _MET
    if unseen:
        return _UNKNOWN
    if all(v is False for v in values):
        # Also when no question applies (e.g. no use in 12 months): nothing to meet.
        return _NOT_MET
    if None in values:  # skipped, or never reached
        return _UNANSWERED
    if all(v is False or q.is_unknown(v) for q, v in zip(questions, values, strict=True)):
        return _UNKNOWN  # "I don't know", and no yes
    return _UNANSWERED


def _unseen(bank: Bank) -> frozenset[str]:
    """The criteria no question of `bank` (a bank as asked in one perspective) looks at."""
    covered = {q.criterion for q in bank.questions if q.criterion}
    return frozenset(k for k in CRITERIA if k not in covered)


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
        score=total,
        answered=len(values),
        items=scale.items,
        max=scale.items * scale.top,
        band=band,
        complete=len(values) == scale.items,
    )


def _orders(bank: Bank) -> dict[str, list[str]]:
    severities = SEVERITY_ORDER
    scale = bank.scales.get(WITHDRAWAL_SCALE)
    bands = [b.label for b in scale.bands] if scale else []
    return {"severity": severities, "severity_max": severities, "withdrawal_band": bands}


def result_json(result: Result) -> dict[str, object]:
    """The stable JSON shape of `screener score --json` (docs/json.md)."""
    w = result.withdrawal
    about_someone_else = result.perspective == OTHER
    return {
        "bank": {"id": result.bank_id, "version": result.bank_version},
        "perspective": result.perspective,
        "screened_out": result.screened_out,
        "complete": result.complete,
        "not_reached": list(result.not_reached),
        "changed_since": list(result.changed_since),
        "criteria": {
            "count": result.count,
            "count_max": result.count_max,
            "met": result.ids(Status.MET),
            "not_met": result.ids(Status.NOT_MET),
            "excluded": result.ids(Status.EXCLUDED),
            "unanswered": result.ids(Status.UNANSWERED),
            "uncertain": result.ids(Status.UNCERTAIN),
            "unknown": result.ids(Status.UNKNOWN),
        },
        # No severity for someone who was not asked: answers about someone else give the count.
        "severity": None if about_someone_else else result.severity.value,
        "severity_max": None if about_someone_else else result.severity_max.value,
        "supervised_exclusion": result.supervised_exclusion,
        "supervision_uncertain": result.supervision_uncertain,
        "supervision_overridden_by": [
            {"question": qid, "answer": list(v) if isinstance(v, tuple) else v}
            for qid, v in result.overridden_by
        ],
        "physical_dependence": result.physical_dependence,
        "withdrawal": None
        if w is None
        else {
            "score": w.score,
            "answered": w.answered,
            "items": w.items,
            "max": w.max,
            "band": w.band,
            "complete": w.complete,
        },
        "flags": [f.id for f in result.flags],
        "referrals": [r.id for r in result.referrals],
        "caveats": [c.id for c in result.caveats],
        # The answers behind each, by id: {"flags": {"uses_alone": [{"question": ...}]}}.
        "because": {
            kind: {
                f.id: [
                    {"question": qid, "answer": list(v) if isinstance(v, tuple) else v}
                    for qid, v in f.because
                ]
                for f in findings
            }
            for kind, findings in (
                ("flags", result.flags),
                ("referrals", result.referrals),
                ("caveats", result.caveats),
            )
        },
    }
