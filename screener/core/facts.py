"""The result facts a referral, caveat or flag `when` may test: one table for all who use them.

Each fact has its name (part of the bank format: never rename one), the kind of value it holds
(which says what a bank may compare it with), the condition operators that apply, how the
scorer computes it from a tally of the result, and the words `explain` uses for a condition on
it. The bank validator, the scorer and explain all read this table, so a fact added here is
known to all three, and one missing from any of them cannot exist. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, NamedTuple

from screener.core.model import Severity
from screener.core.results import Withdrawal
from screener.i18n import N_, N_plural

# What a fact's values are: a severity label, a whole number, criterion keys, flag ids, a
# withdrawal band label, or true/false.
Takes = Literal["severity", "number", "criteria", "flags", "band", "yes_no"]


class Tally(NamedTuple):
    """What the scorer knows when it computes the facts."""

    count_met: int  # not `count`: a tuple has a method of that name
    count_max: int
    severity: Severity
    severity_max: Severity
    met: tuple[str, ...]
    open: tuple[str, ...]
    unknown: tuple[str, ...]  # "I don't know", or not something this perspective can see
    flags: tuple[str, ...]
    overdose_flags: tuple[str, ...]  # the raised flags that are overdose risks
    withdrawal: Withdrawal | None
    screened_out: bool
    supervised: bool
    overridden: bool
    physical: bool
    uncertain: bool


class Fact(NamedTuple):
    name: str
    takes: Takes
    ops: tuple[str, ...]
    value: Callable[[Tally], object]
    # explain's words for a condition, by operator ("true"/"false" for a yes/no fact): catalog
    # messages with {values} (and {item} for `contains`); a pair is a singular and plural form.
    words: Mapping[str, str | tuple[str, str]]


_ORDERED = ("equals", "in", "at_least")

FACTS: dict[str, Fact] = {
    f.name: f
    for f in (
        Fact(
            "severity",
            "severity",
            _ORDERED,
            lambda t: t.severity.value,
            {
                "equals": N_("the severity is {values}"),
                "in": N_("the severity is {values}"),
                "at_least": N_("the severity is {values} or higher"),
            },
        ),
        Fact(
            "severity_max",
            "severity",
            _ORDERED,
            lambda t: t.severity_max.value,
            {
                "equals": N_("the highest severity still possible is {values}"),
                "in": N_("the highest severity still possible is {values}"),
                "at_least": N_("the highest severity still possible is {values} or higher"),
            },
        ),
        Fact(
            "count",
            "number",
            _ORDERED,
            lambda t: t.count_met,
            {
                "equals": N_("{values} criteria are met"),
                "in": N_("{values} criteria are met"),
                "at_least": N_("{values} or more criteria are met"),
            },
        ),
        Fact(
            "count_max",
            "number",
            _ORDERED,
            lambda t: t.count_max,
            {
                "equals": N_("{values} criteria are met or still open"),
                "in": N_("{values} criteria are met or still open"),
                "at_least": N_("{values} or more criteria are met or still open"),
            },
        ),
        Fact(
            "criteria_met",
            "criteria",
            ("contains", "at_least"),
            lambda t: list(t.met),
            {
                "contains": N_("the criterion '{item}' is met"),
                "at_least": N_("{values} or more criteria are met"),
            },
        ),
        Fact(
            "criteria_unanswered",
            "criteria",
            ("contains", "at_least"),
            lambda t: list(t.open),
            {
                "contains": N_("the criterion '{item}' is open (not answered)"),
                "at_least": N_("{values} or more criteria are open (not answered)"),
            },
        ),
        Fact(
            "criteria_unknown",
            "criteria",
            ("contains", "at_least"),
            lambda t: list(t.unknown),
            {
                "contains": N_("the criterion '{item}' is not known"),
                "at_least": N_("{values} or more criteria are not known"),
            },
        ),
        Fact(
            "flags",
            "flags",
            ("contains", "at_least"),
            lambda t: list(t.flags),
            {
                "contains": N_("the safety flag '{item}' is raised"),
                "at_least": N_plural(
                    "any safety flag is raised", "{values} or more safety flags are raised"
                ),
            },
        ),
        Fact(
            "overdose_flags",
            "flags",
            ("contains", "at_least"),
            lambda t: list(t.overdose_flags),
            {
                "contains": N_("the overdose risk '{item}' is raised"),
                "at_least": N_plural(
                    "any overdose risk is raised", "{values} or more overdose risks are raised"
                ),
            },
        ),
        Fact(
            "withdrawal_score",
            "number",
            ("equals", "at_least"),
            lambda t: t.withdrawal.score if t.withdrawal else None,
            {
                "equals": N_("the withdrawal score is {values}"),
                "at_least": N_("the withdrawal score is {values} or more"),
            },
        ),
        Fact(
            "withdrawal_band",
            "band",
            _ORDERED,
            lambda t: t.withdrawal.band if t.withdrawal else None,
            {
                "equals": N_("the withdrawal score is in the {values} band"),
                "in": N_("the withdrawal score is in the {values} band"),
                "at_least": N_("the withdrawal score is in the {values} band or higher"),
            },
        ),
        Fact(
            "screened_out",
            "yes_no",
            ("equals",),
            lambda t: t.screened_out,
            {
                "true": N_("no opioid use in the past 12 months was reported"),
                "false": N_("opioid use in the past 12 months was not ruled out"),
            },
        ),
        Fact(
            "supervised_exclusion",
            "yes_no",
            ("equals",),
            lambda t: t.supervised,
            {
                "true": N_("all use was prescribed and taken as prescribed"),
                "false": N_("the prescribed-use rule does not apply"),
            },
        ),
        Fact(
            "supervision_overridden",
            "yes_no",
            ("equals",),
            lambda t: t.overridden,
            {
                "true": N_(
                    "'all prescribed' was answered yes, but heroin or other non-prescribed "
                    "use was reported"
                ),
                "false": N_("no prescribed-use answer was overridden"),
            },
        ),
        Fact(
            "supervision_uncertain",
            "yes_no",
            ("equals",),
            lambda t: t.uncertain,
            {
                "true": N_(
                    "'all use prescribed?' was skipped and no answer rules it out, so a yes to "
                    "tolerance or withdrawal stays open"
                ),
                "false": N_("whether use was prescribed does not leave anything uncertain"),
            },
        ),
        Fact(
            "physical_dependence",
            "yes_no",
            ("equals",),
            lambda t: t.physical,
            {
                "true": N_(
                    "tolerance or withdrawal is met outside prescribed use (signs of physical "
                    "dependence)"
                ),
                "false": N_("there are no signs of physical dependence"),
            },
        ),
        Fact(
            "withdrawal_taken",
            "yes_no",
            ("equals",),
            lambda t: t.withdrawal is not None,
            {
                "true": N_("the withdrawal ratings were taken"),
                "false": N_("the withdrawal ratings were not taken"),
            },
        ),
    )
}


def compute(tally: Tally) -> dict[str, object]:
    """Every fact's value for a result."""
    return {name: fact.value(tally) for name, fact in FACTS.items()}
