"""yamlsrc: the data PyYAML reads, with lines and problems it would not report."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from conftest import bank_text
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.files import yamlsrc
from screener.files.bank import default_path


def data(text: str) -> Any:
    return yamlsrc.load(text).data


DOCUMENTS = [
    "a: &x [1, {b: 2}]\nc: *x\nd: *x\n",
    "- &a x\n- *a\n",
    "a: !!str 3\nb: '4'\nc: 2026-01-01\nd: ~\ne: 1.5\nf: 0x1F\ng: yes\n",
    "a:\n  b:\n    - c: 1\n      d: [e, f]\n",
    "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n",
    "base: &b {x: 1, y: 2}\nm:\n  y: 3\n  <<: *b\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_data_is_what_pyyaml_itself_reads(text: str) -> None:
    assert data(text) == yaml.safe_load(text)


def test_the_default_bank_and_the_test_bank_read_as_pyyaml_reads_them() -> None:
    for text in (default_path().read_text(encoding="utf-8"), bank_text()):
        assert data(text) == yaml.safe_load(text)


def test_a_key_written_beside_a_merge_wins_and_is_no_duplicate() -> None:
    located = yamlsrc.load("base: &b {x: 1, y: 2}\nm:\n  y: 3\n  <<: *b\n")
    assert located.data["m"] == {"y": 3, "x": 1}
    assert located.problems == []


def test_a_duplicate_key_is_a_problem_on_its_own_line() -> None:
    located = yamlsrc.load("a: 1\nb: 2\na: [2, 3]\n")
    assert located.data == {"a": 1, "b": 2}
    assert located.problems == [(("a",), "duplicate key 'a'")]
    assert located.lines[("a",)] == 3


def test_lines_point_at_keys_and_list_items() -> None:
    located = yamlsrc.load("a:\n  b:\n    - c: 1\n      d: [e, f]\n")
    assert located.line(("a", "b")) == 2
    assert located.line(("a", "b", 0, "d")) == 4
    assert located.line(("a", "b", 0, "d", 1)) == 4
    assert located.line(("a", "nowhere")) == 1


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
def test_any_dumped_document_reads_back_as_pyyaml_reads_it(doc: Any, flow: bool) -> None:
    text = yaml.safe_dump({"doc": doc}, default_flow_style=flow)
    assert data(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a: !custom x\n", "cannot read this value: could not determine a constructor"),
        ("a: !!int abc\n", "cannot read 'abc' as a whole number"),
        ("a: !!int ²\n", "cannot read '²' as a whole number"),  # isdigit(), not int()
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
    ("text", "expected"),
    [("<<: {a: 1}\nb: 2\n", {"a": 1, "b": 2}), ("? [1]\n: 2\n", {})],
)
def test_rarer_yaml_reads(text: str, expected: Any) -> None:
    assert data(text) == expected


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("- 1\n---\n- 2\n", 1, "but found another document (noticed on line 2)"),
        ("a: 1\nb: *nowhere\n", 2, "found undefined alias"),
    ],
)
def test_a_second_document_or_an_undefined_alias_is_a_located_error(
    text: str, line: int, message: str
) -> None:
    with pytest.raises(yamlsrc.ParseError) as caught:
        yamlsrc.load(text)
    assert caught.value.line == line
    assert message in caught.value.message


class TestWorkIsBounded:
    """Merges are built again wherever they are merged, as aliases are: each counts."""

    def test_empty_mappings_merged_ten_times_a_level_read_as_the_little_they_hold(self) -> None:
        """Each level once cost ten times the one before (10**11 merges): a source is now
        built once, wherever it is merged again."""
        lines = ["a0: &a0 {}"]
        lines += [f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 10)}]}}" for i in range(1, 12)]
        text = "\n".join(lines) + "\n"
        assert len(text.encode()) < 800
        assert yamlsrc.load(text).data == {f"a{i}": {} for i in range(12)}

    def test_merged_keys_point_at_the_line_they_are_written_on(self) -> None:
        text = "base: &b\n  x: 1\n  y: 2\none:\n  <<: *b\ntwo:\n  <<: *b\n  y: 3\n"
        located = yamlsrc.load(text)
        assert located.data == {
            "base": {"x": 1, "y": 2},
            "one": {"x": 1, "y": 2},
            "two": {"x": 1, "y": 3},
        }
        assert located.line(("two", "x")) == 2
        assert located.line(("two", "y")) == 8
        # The first to merge it, with a key of its own that wins.
        first = yamlsrc.load("base: &b\n  x: 1\n  y: 2\ntwo:\n  y: 3\n  <<: *b\n")
        assert first.line(("two", "y")) == 5
        assert first.line(("two", "x")) == 2

    def test_merges_written_inside_merges_are_nesting_and_have_its_limit(self) -> None:
        text = "a: " + "{<<: " * 500 + "{x: 1}" + "}" * 500 + "\n"
        with pytest.raises(yamlsrc.ParseError) as caught:
            yamlsrc.load(text)
        assert caught.value.message in ("nested more than 64 levels deep",)

    def test_merges_that_build_much_still_count_every_key(self) -> None:
        """Four thousand keys merged into a hundred mappings: 400,000 keys built."""
        keys = "{" + ", ".join(f"k{i}: 1" for i in range(4000)) + "}"
        text = f"d: &d {keys}\n" + "".join(f"m{i}: {{<<: *d}}\n" for i in range(100))
        with pytest.raises(yamlsrc.ParseError) as caught:
            yamlsrc.load(text)
        assert caught.value.message.startswith("more than 200,000 values")
        assert caught.value.line > 40  # at the `<<` that crossed the bound

    def test_a_few_sensible_merges_still_read(self) -> None:
        text = "base: &b {x: 1, y: 2}\none: {<<: *b, y: 3}\ntwo: {<<: [*b, {z: 4}]}\n"
        assert yamlsrc.load(text).data == yaml.safe_load(text)
