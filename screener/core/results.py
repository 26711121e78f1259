"""What a screening gives and gets: the answers as given, and the result scored from them, with
the summary that carries both to a writer. Immutable records, no I/O and no printing.

The records are NamedTuples, as the bank's are (screener.core.model says why). `Result` cannot
be one (its `count` field would shadow `tuple.count`): it is a plain class with slots that
behaves as a frozen dataclass would (equality, repr, no assignment), written out because
building a dataclass costs about 2 ms at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # names in annotations only: screener.core.model imports this module
    from screener.core.model import Bank, Severity, Status, Value


class Answers(NamedTuple):
    """What the person said: question id -> value. A missing key was never asked."""

    bank_id: str
    bank_version: str
    perspective: str
    values: Mapping[str, Value]
    created: str | None = None  # ISO 8601 time the answers were saved, when a file says so
    demo: str | None = None  # the persona's name when the answers are a fictional demo
    # Whom the answers are about, as a FHIR reference (`Patient/123`): from `--subject` or
    # a QuestionnaireResponse read in; only a FHIR export writes it.
    subject: str | None = None


class CriterionResult(NamedTuple):
    key: str
    status: Status
    answers: tuple[tuple[str, Value], ...]  # (question id, answer) for its shown questions


class Withdrawal(NamedTuple):
    score: int
    answered: int
    items: int
    max: int
    band: str | None
    complete: bool


class Finding(NamedTuple):
    """A flag, referral or caveat the answers led to: its id in the bank, and the answers to
    questions that made its `when` hold (question id, answer), in the order it names them."""

    id: str
    because: tuple[tuple[str, Value], ...] = ()


class Result:
    bank_id: str
    bank_version: str
    perspective: str
    screened_out: bool  # the gate was answered "no"
    criteria: tuple[CriterionResult, ...]
    count: int
    count_max: int
    severity: Severity
    severity_max: Severity
    supervised_exclusion: bool
    supervision_claimed: bool  # "all use was prescribed" was answered yes
    # The answers that undid "all use was prescribed": (question id, the answer behind it: an
    # option id, true/false or a number), in the order the condition names them.
    overridden_by: tuple[tuple[str, Value], ...]
    physical_dependence: bool
    withdrawal: Withdrawal | None
    # What the answers led to, as ids (the bank holds their words): referrals most urgent first.
    flags: tuple[Finding, ...]
    referrals: tuple[Finding, ...]
    caveats: tuple[Finding, ...]
    shown: tuple[str, ...]  # ids of the questions that apply, in order
    answers: Mapping[str, Value]  # the answers that count (shown questions only)
    # Questions that apply but were never answered, not even skipped (answers saved part-way):
    # empty when the screening was finished.
    not_reached: tuple[str, ...]
    # "All use was prescribed?" was skipped and nothing reported rules it out, so tolerance and
    # withdrawal answered yes may or may not count (status UNCERTAIN).
    supervision_uncertain: bool
    # Questions answered for an earlier bank version that have changed meaning since (their
    # `changed_in` is later than the answers' version): scored as given, with a note.
    changed_since: tuple[str, ...]
    answered_version: str  # the bank version the answers were given to

    # The fields in order (for equality, repr and `match`); the slots are the same names.
    __match_args__ = (
        "bank_id",
        "bank_version",
        "perspective",
        "screened_out",
        "criteria",
        "count",
        "count_max",
        "severity",
        "severity_max",
        "supervised_exclusion",
        "supervision_claimed",
        "overridden_by",
        "physical_dependence",
        "withdrawal",
        "flags",
        "referrals",
        "caveats",
        "shown",
        "answers",
        "not_reached",
        "supervision_uncertain",
        "changed_since",
        "answered_version",
    )
    __slots__ = __match_args__

    def __init__(
        self,
        bank_id: str,
        bank_version: str,
        perspective: str,
        screened_out: bool,
        criteria: tuple[CriterionResult, ...],
        count: int,
        count_max: int,
        severity: Severity,
        severity_max: Severity,
        supervised_exclusion: bool,
        supervision_claimed: bool,
        overridden_by: tuple[tuple[str, Value], ...],
        physical_dependence: bool,
        withdrawal: Withdrawal | None,
        flags: tuple[Finding, ...],
        referrals: tuple[Finding, ...],
        caveats: tuple[Finding, ...],
        shown: tuple[str, ...],
        answers: Mapping[str, Value],
        not_reached: tuple[str, ...] = (),
        supervision_uncertain: bool = False,
        changed_since: tuple[str, ...] = (),
        answered_version: str = "",
    ) -> None:
        put = object.__setattr__
        put(self, "bank_id", bank_id)
        put(self, "bank_version", bank_version)
        put(self, "perspective", perspective)
        put(self, "screened_out", screened_out)
        put(self, "criteria", criteria)
        put(self, "count", count)
        put(self, "count_max", count_max)
        put(self, "severity", severity)
        put(self, "severity_max", severity_max)
        put(self, "supervised_exclusion", supervised_exclusion)
        put(self, "supervision_claimed", supervision_claimed)
        put(self, "overridden_by", overridden_by)
        put(self, "physical_dependence", physical_dependence)
        put(self, "withdrawal", withdrawal)
        put(self, "flags", flags)
        put(self, "referrals", referrals)
        put(self, "caveats", caveats)
        put(self, "shown", shown)
        put(self, "answers", answers)
        put(self, "not_reached", not_reached)
        put(self, "supervision_uncertain", supervision_uncertain)
        put(self, "changed_since", changed_since)
        put(self, "answered_version", answered_version)

    def _fields(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Result)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"Result({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    @property
    def complete(self) -> bool:
        return not self.not_reached

    def status_of(self, key: str) -> Status:
        return next(c.status for c in self.criteria if c.key == key)

    def ids(self, status: Status) -> list[str]:
        return [c.key for c in self.criteria if c.status is status]


class Summary(NamedTuple):
    """Everything an export holds: the bank, the answers, their result and when it was made."""

    bank: Bank
    answers: Answers
    result: Result
    created: datetime  # timezone-aware, local time
