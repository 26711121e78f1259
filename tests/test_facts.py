"""One table of result facts: the validator, the scorer and explain all read it."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import bank_problems, bank_text

from screener.core.conditions import describe
from screener.core.conditionwords import result_words
from screener.core.facts import FACTS
from screener.core.model import Bank, Leaf
from screener.core.scoring import score

SAMPLE: dict[str, Any] = {
    "severity": "mild",
    "number": 2,
    "criteria": "craving",
    "flags": "uses_alone",
    "band": "mild",
    "yes_no": True,
}


@pytest.mark.parametrize(("name", "op"), [(f.name, op) for f in FACTS.values() for op in f.ops])
def test_every_fact_and_operator_is_accepted_by_the_validator(name: str, op: str) -> None:
    fact = FACTS[name]
    want = SAMPLE[
        "number" if op == "at_least" and fact.takes in ("criteria", "flags") else fact.takes
    ]
    if op == "in":
        want = [want]

    def change(bank: dict[str, Any]) -> None:
        bank["referrals"][0]["when"] = {"result": name, op: want}
        bank["scales"]["sows"]["bands"] = {
            "source": ["dsm5"],
            "ranges": [
                {"min": 0, "max": 4, "label": "mild"},
                {"min": 5, "max": 8, "label": "severe"},
            ],
        }

    assert bank_problems(bank_text(change)) == []


def test_a_name_that_is_not_a_fact_is_refused_with_a_suggestion() -> None:
    def change(bank: dict[str, Any]) -> None:
        bank["referrals"][0]["when"] = {"result": "severty", "equals": "mild"}

    problems = bank_problems(bank_text(change))
    assert any("'severty' is not a result name (did you mean 'severity'?)" in p for p in problems)


def test_the_scorer_computes_every_fact(yes_to: Any, bank: Bank) -> None:
    from screener.core import facts

    seen: dict[str, object] = {}
    real = facts.compute

    def spy(tally: facts.Tally) -> dict[str, object]:
        out = real(tally)
        seen.update(out)
        return out

    facts_compute = facts.compute
    try:
        import screener.core.scoring as scoring

        scoring.compute = spy  # type: ignore[assignment]
        score(bank, yes_to("craving", "tolerance"))
    finally:
        scoring.compute = facts_compute  # type: ignore[assignment]
    assert set(seen) == set(FACTS)
    assert seen["count"] == 2 and seen["criteria_met"] == ["craving", "tolerance"]


@pytest.mark.parametrize(("name", "op"), [(f.name, op) for f in FACTS.values() for op in f.ops])
def test_explain_has_words_for_every_fact_and_operator(bank: Bank, name: str, op: str) -> None:
    fact = FACTS[name]
    want: Any = SAMPLE[
        "number" if op == "at_least" and fact.takes in ("criteria", "flags") else fact.takes
    ]
    if op == "in":
        want = (want,)
    leaf = Leaf("result", name, op, want)
    words = result_words(bank, leaf)
    assert words != describe(leaf)  # the table's words, not the fallback spelling of the rule
    assert "{" not in words
