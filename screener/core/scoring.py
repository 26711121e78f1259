"""Score answers against the DSM-5 criteria, SOWS and the bank's rules; pure functions only.

Nothing unknown is ever scored as "no": a criterion with an unanswered question stays open, and
the count and severity are reported as a range.
"""

from __future__ import annotations

from collections.abc import Mapping

from screener.core.conditions import applicable, check, passes, question_names, true_leaves
from screener.core.facts import Tally, compute
from screener.core.model import (
    CRITERIA,
    OTHER,
    SEVERITY_ORDER,
    SUPERVISION_EXCLUDED,
    WITHDRAWAL_SCALE,
    Answers,
    Bank,
    Condition,
    CriterionResult,
    Finding,
    Leaf,
    Question,
    Result,
    Role,
    Severity,
    Status,
    Value,
    Withdrawal,
    version_key,
)


def severity_for(count: int) -> Severity:
    """DSM-5 severity by criteria met: 0-1 none, 2-3 mild, 4-5 moderate, 6+ severe."""
    if count >= 6:
        return Severity.SEVERE
    if count >= 4:
        return Severity.MODERATE
    if count >= 2:
        return Severity.MILD
    return Severity.NONE


def score(bank: Bank, answers: Answers) -> Result:
    bank = bank.about(answers.perspective)
    shown, counted = applicable(bank, answers.values)
    gate = bank.by_role(Role.GATE)
    screened_out = gate is not None and counted.get(gate.id) is False

    claimed, overridden_by = _supervision(bank, counted)
    supervised = claimed and not overridden_by
    uncertain = not screened_out and _supervision_uncertain(bank, shown, counted)

    feeding: dict[str, list[Question]] = {key: [] for key in CRITERIA}
    for q in shown:
        if q.criterion is not None:
            feeding[q.criterion].append(q)
    unseen = () if screened_out else _unseen(bank)
    criteria = tuple(
        _criterion(key, feeding[key], counted, supervised, uncertain, key in unseen)
        for key in CRITERIA
    )
    met = [c.key for c in criteria if c.status is Status.MET]
    open_ = [c.key for c in criteria if c.status is Status.UNANSWERED]
    doubtful = [c.key for c in criteria if c.status is Status.UNCERTAIN]
    unknown = [c.key for c in criteria if c.status is Status.UNKNOWN]
    count, count_max = len(met), len(met) + len(open_) + len(doubtful) + len(unknown)
    physical = not supervised and any(k in met for k in SUPERVISION_EXCLUDED)

    withdrawal = _withdrawal(bank, shown, counted)
    flags = tuple(f for f in bank.flags if passes(f.when, counted))

    facts = compute(
        Tally(
            count_met=count,
            count_max=count_max,
            severity=severity_for(count),
            severity_max=severity_for(count_max),
            met=tuple(met),
            open=tuple(open_),
            unknown=tuple(unknown),
            flags=tuple(f.id for f in flags),
            overdose_flags=tuple(f.id for f in flags if f.overdose),
            withdrawal=withdrawal,
            screened_out=screened_out,
            supervised=supervised,
            overridden=claimed and bool(overridden_by),
            physical=physical,
            uncertain=uncertain,
        )
    )
    order = _orders(bank)

    def fires(when: Condition | None) -> bool:
        return when is None or check(when)(counted, facts, order)

    referrals = sorted((r for r in bank.referrals if fires(r.when)), key=lambda r: r.urgency.rank)
    return Result(
        bank_id=bank.id,
        bank_version=bank.version,
        perspective=answers.perspective,
        screened_out=screened_out,
        criteria=criteria,
        count=count,
        count_max=count_max,
        severity=severity_for(count),
        severity_max=severity_for(count_max),
        supervised_exclusion=supervised,
        supervision_claimed=claimed,
        overridden_by=overridden_by if claimed else (),
        physical_dependence=physical,
        withdrawal=withdrawal,
        flags=tuple(_finding(f.id, f.when, counted) for f in flags),
        referrals=tuple(_finding(r.id, r.when, counted) for r in referrals),
        caveats=tuple(_finding(c.id, c.when, counted) for c in bank.caveats if fires(c.when)),
        shown=tuple(q.id for q in shown),
        not_reached=tuple(
            q.id for q in shown if q.id not in answers.values and q.role is not Role.CONSENT
        ),
        answers=counted,
        supervision_uncertain=uncertain,
        changed_since=_changed_since(answers, shown, counted),
        answered_version=answers.bank_version,
    )


def _supervision(
    bank: Bank, counted: Mapping[str, Value]
) -> tuple[bool, tuple[tuple[str, Value], ...]]:
    """Whether "all use was prescribed" was claimed, and the answers that contradict it."""
    q = bank.by_role(Role.PRESCRIBED_ONLY)
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


def _supervision_uncertain(bank: Bank, shown: list[Question], counted: Mapping[str, Value]) -> bool:
    """Whether "all use was prescribed" was asked and left unanswered while no answer rules it
    out: then tolerance and withdrawal may be expected effects of prescribed medicine."""
    q = bank.by_role(Role.PRESCRIBED_ONLY)
    if q is None or q not in shown:
        return False
    said = counted.get(q.id)
    if said is not None and not q.is_unknown(said):  # "don't know" leaves it open too
        return False
    return q.overridden_if is None or not passes(q.overridden_if, counted)


def _finding(fid: str, when: Condition | None, counted: Mapping[str, Value]) -> Finding:
    """A flag, referral or caveat that holds, with the answers behind it."""
    if when is None or not _asks(when):
        return Finding(fid)
    return Finding(fid, tuple(_reason(leaf, counted) for leaf in true_leaves(when, counted)))


_ASKS: dict[int, tuple[Condition, bool]] = {}


def _asks(when: Condition) -> bool:
    """Whether a condition reads any question (many read only result facts), once per
    condition: a caseload asks for thousands of findings."""
    hit = _ASKS.get(id(when))
    if hit is None or hit[0] is not when:
        hit = _ASKS[id(when)] = (when, bool(question_names(when)))
    return hit[1]


def _reason(leaf: Leaf, counted: Mapping[str, Value]) -> tuple[str, Value]:
    """The question and answer behind a condition that fired: the option a `contains` or
    `equals` names, else the whole answer."""
    value = leaf.value
    if leaf.op in ("contains", "equals") and isinstance(value, bool | int | str):
        return leaf.name, value
    return leaf.name, counted.get(leaf.name)


def _criterion(
    key: str,
    questions: list[Question],
    counted: Mapping[str, Value],
    supervised: bool,
    uncertain: bool,
    unseen: bool = False,
) -> CriterionResult:
    """How one criterion came out. `unseen`: no question of this perspective looks at it (an
    observer cannot see someone's cravings), so it is unknown rather than not met."""
    answers = tuple((q.id, counted.get(q.id)) for q in questions)
    values = [v for _, v in answers]
    if supervised and key in SUPERVISION_EXCLUDED:
        status = Status.EXCLUDED
    elif any(v is True for v in values):
        status = Status.UNCERTAIN if uncertain and key in SUPERVISION_EXCLUDED else Status.MET
    elif unseen:
        status = Status.UNKNOWN
    elif all(v is False for v in values):
        # Also when no question applies (e.g. no use in 12 months): nothing to meet.
        status = Status.NOT_MET
    elif any(v is None for v in values):  # skipped, or never reached
        status = Status.UNANSWERED
    elif all(v is False or q.is_unknown(v) for q, v in zip(questions, values, strict=True)):
        status = Status.UNKNOWN  # "I don't know", and no yes
    else:
        status = Status.UNANSWERED
    return CriterionResult(key, status, answers)


_UNSEEN: dict[int, tuple[Bank, frozenset[str]]] = {}


def _unseen(bank: Bank) -> frozenset[str]:
    """The criteria no question of `bank` (a bank as asked in one perspective) looks at."""
    hit = _UNSEEN.get(id(bank))
    if hit is None or hit[0] is not bank:
        covered = {q.criterion for q in bank.questions if q.criterion}
        hit = _UNSEEN[id(bank)] = (bank, frozenset(k for k in CRITERIA if k not in covered))
    return hit[1]


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
    """The stable JSON shape of `screener score --json` (README: JSON output)."""
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
