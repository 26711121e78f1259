"""The one condition evaluator (`conditions.check`) agrees with the rules written out plainly."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from screener.core.conditions import check, passes
from screener.core.model import AllOf, AnyOf, Condition, Leaf, Not

ORDER = {"severity": ["none", "mild", "moderate", "severe"]}
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(0, 4),
    st.sampled_from(["a", "b", "none", "mild", "severe"]),
    st.lists(st.sampled_from(["a", "b", "c"]), max_size=3).map(tuple),
)
wants = st.one_of(
    st.booleans(),
    st.integers(0, 4),
    st.sampled_from(["a", "b", "mild", "moderate"]),
    st.lists(st.one_of(st.booleans(), st.sampled_from(["a", "b"])), max_size=3).map(tuple),
)
leaves = st.builds(
    Leaf,
    st.sampled_from(["question", "result"]),
    st.sampled_from(["x", "y", "severity"]),
    st.sampled_from(["equals", "in", "contains", "at_least"]),
    wants,
)
conditions: st.SearchStrategy[Condition] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: AllOf(tuple(xs))),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: AnyOf(tuple(xs))),
        inner.map(Not),
    ),
    max_leaves=6,
)
answers = st.dictionaries(st.sampled_from(["x", "y", "severity"]), values)


def same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b


def reference(cond: Condition, look: Any, order: dict[str, list[str]]) -> bool:
    """The rules for conditions in docs/bank.md, as a slow tree walk: the oracle for `check`."""
    if isinstance(cond, AllOf):
        return all(reference(c, look, order) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(reference(c, look, order) for c in cond.items)
    if isinstance(cond, Not):
        return not reference(cond.item, look, order)
    value, want = look(cond), cond.value
    if value is None:  # skipped or not shown: false
        return False
    if cond.op == "equals":
        return same(value, want)
    if cond.op == "in":
        return isinstance(want, tuple) and any(same(value, w) for w in want)
    if cond.op == "contains":
        return isinstance(value, tuple) and any(same(v, want) for v in value)
    # at_least: a count of a list, a place in an ordered label list, or a whole number
    if isinstance(value, tuple):
        return type(want) is int and len(value) >= want
    labels = order.get(cond.name)
    if labels is not None and isinstance(value, str) and isinstance(want, str):
        return value in labels and want in labels and labels.index(value) >= labels.index(want)
    return type(value) is int and type(want) is int and value >= want


@settings(max_examples=400, deadline=None)
@given(conditions, answers, answers)
def test_a_built_condition_agrees_with_the_plain_rules(
    cond: Condition, questions: dict[str, Any], facts: dict[str, Any]
) -> None:
    def look(leaf: Leaf) -> object:
        return (questions if leaf.subject == "question" else facts).get(leaf.name)

    assert check(cond)(questions, facts, ORDER) is reference(cond, look, ORDER)


@settings(max_examples=200, deadline=None)
@given(conditions, answers)
def test_passes_follows_the_plain_rules_over_question_answers(
    cond: Condition, questions: dict[str, Any]
) -> None:
    if all(leaf.subject == "question" for leaf in _leaves(cond)):
        assert passes(cond, questions) is reference(cond, lambda leaf: questions.get(leaf.name), {})


def _leaves(cond: Condition) -> list[Leaf]:
    if isinstance(cond, AllOf | AnyOf):
        return [leaf for c in cond.items for leaf in _leaves(c)]
    if isinstance(cond, Not):
        return _leaves(cond.item)
    return [cond]


def test_a_condition_is_built_once_and_kept() -> None:
    cond = AllOf((Leaf("question", "x", "equals", True), Not(Leaf("question", "y", "in", (1,)))))
    assert check(cond) is check(cond)
    assert passes(cond, {"x": True, "y": 2}) is True
    assert passes(cond, {"x": True, "y": 1}) is False
    assert passes(cond, {"x": 1, "y": 2}) is False  # 1 is not yes
