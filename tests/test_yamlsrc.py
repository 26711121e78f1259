"""yamlsrc: the fast event builder gives exactly what the node-tree builder gives."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import bank_text
from hypothesis import given, settings
from hypothesis import strategies as st

from screener import yamlsrc
from screener.bank import default_path


def from_nodes(text: str) -> tuple[Any, dict[Any, int], list[Any]]:
    node = yaml.compose(text, Loader=yamlsrc._Composer)
    located = yamlsrc._Builder().build(node)
    return located.data, located.lines, located.problems


def from_events(text: str) -> tuple[Any, dict[Any, int], list[Any]]:
    located = yamlsrc._EventBuilder(yamlsrc._Composer(text)).build()
    return located.data, located.lines, located.problems


DOCUMENTS = [
    "a: &x [1, {b: 2}]\nc: *x\nd: *x\n",
    "a: 1\na: [2, 3]\nb: 4\n",
    "- &a x\n- *a\n",
    "a: !!str 3\nb: '4'\nc: 2026-01-01\nd: ~\ne: 1.5\nf: 0x1F\ng: yes\n",
    "a:\n  b:\n    - c: 1\n      d: [e, f]\n",
    "a: !custom x\n",
    "a: !!int abc\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_two_builders_agree_on_data_lines_and_problems(text: str) -> None:
    assert from_events(text) == from_nodes(text)


def test_they_agree_on_the_default_bank_and_the_test_bank() -> None:
    for text in (default_path().read_text(encoding="utf-8"), bank_text()):
        assert from_events(text) == from_nodes(text)


scalars = st.one_of(
    st.booleans(), st.integers(-5, 5), st.none(), st.sampled_from(["yes", "no", "1.0", "~", "x"])
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "c", "on"]), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(documents, st.booleans())
def test_they_agree_on_any_dumped_document(data: Any, flow: bool) -> None:
    text = yaml.safe_dump({"doc": data}, default_flow_style=flow)
    assert from_events(text) == from_nodes(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: !custom x\n", "cannot read this value: could not determine a constructor"),
        ("a: !!int abc\n", "cannot read 'abc' as a whole number"),
        ("a: !!int\n", "cannot read '' as a whole number"),
        ("a: !!bool maybe\n", "cannot read 'maybe' as true or false"),
        ("a: 2026-13-45\n", "cannot read '2026-13-45' as a date"),
    ],
)
def test_a_value_yaml_cannot_build_is_a_located_problem_not_a_crash(
    text: str, problem: str
) -> None:
    located = yamlsrc.load(text)
    assert len(located.problems) == 1
    path, message = located.problems[0]
    assert path == ("a",)
    assert message.startswith(problem)


@pytest.mark.parametrize(
    "text", ["<<: {a: 1}\nb: 2\n", "? [1]\n: 2\n", "- 1\n---\n- 2\n", "a: *nowhere\n"]
)
def test_rarer_yaml_still_reads_or_fails_as_before(text: str) -> None:
    try:
        expected: Any = from_nodes(text)
    except yaml.YAMLError:
        with pytest.raises(yamlsrc.ParseError):
            yamlsrc.load(text)
        return
    located = yamlsrc.load(text)
    assert (located.data, located.lines, located.problems) == expected
