"""JSON read without YAML: the bounds hold, and the quick look at a text's nesting that spares
walking most files says what walking them would."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.files.located import MAX_DEPTH, ParseError, _nests, _unescaped, load_json

strings = st.text(alphabet=st.sampled_from('ab"\\[]{}:, \n'), max_size=6)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | strings,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(strings, inner, max_size=3),
    max_leaves=12,
)


def depth(value: Any) -> int:
    """How many containers deep `value` nests (a scalar: 0)."""
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(value=values, at=st.integers(1, 6))
def test_the_quick_look_at_nesting_is_what_the_data_holds(value: Any, at: int) -> None:
    assert _nests(json.dumps(value), at) == (depth(value) >= at)


@pytest.mark.parametrize("wrapped", [0, 1])
def test_deep_nesting_is_found_behind_many_brackets_in_strings(wrapped: int) -> None:
    noise = {"note": "[{" * 200, 'quote\\"': '\\"[[' * 50}
    deep: Any = 1
    for _ in range(MAX_DEPTH - 1 + wrapped):  # inside {"deep": ...}: one level more
        deep = [deep]
    text = json.dumps({"noise": noise, "deep": deep})
    if wrapped:
        with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} levels deep"):
            load_json(text)
    else:
        assert load_json(text).data["deep"]


@settings(max_examples=300, deadline=None)
@given(value=values, at=st.integers(1, 6), ascii_only=st.booleans())
def test_the_quick_look_reads_past_escapes_and_characters_beyond_ascii(
    value: Any, at: int, ascii_only: bool
) -> None:
    text = json.dumps({'é\\"[': value, "ü": ['\\"]}', "ß]"]}, ensure_ascii=ascii_only)
    assert _nests(text, at) == (max(depth(value) + 1, 2) >= at)


def nested(levels: int, inner: str) -> str:
    """JSON text nesting lists and objects `levels` deep around `inner`, with brackets, quotes
    and backslashes in the strings between them."""
    text = inner
    for i in range(levels):
        text = (
            f'{{"k{i}]\\\\": "\\"}}]\\\\\\"[", "v": {text}}}'
            if i % 2
            else f'["\\\\", "{{[\\"", {text}, "]]é"]'
        )
    return text


@pytest.mark.parametrize("inner", ["1", '"[[[{{{"', '"\\\\\\"]}]}"', '"\\u005b\\\\"'])
@pytest.mark.parametrize("long", [False, True])  # a long text is not counted first
def test_64_levels_are_read_and_65_refused_whatever_the_strings_hold(
    inner: str, long: bool
) -> None:
    levels = MAX_DEPTH
    if long:  # one level more: fewer around it
        inner = '["' + '\\\\\\"[{]' * 2000 + f'", {inner}]'
        levels -= 1
    assert _nests(nested(levels, inner), MAX_DEPTH)
    assert not _nests(nested(levels - 1, inner), MAX_DEPTH)
    assert depth(load_json(nested(levels, inner)).data) == MAX_DEPTH
    with pytest.raises(ParseError, match=f"nested more than {MAX_DEPTH} levels deep"):
        load_json(nested(levels + 1, inner))
    text = nested(levels + 1, inner)
    assert text.count("[") + text.count("{") > 2 * MAX_DEPTH  # the quick count does not decide
    assert (len(text) > 8192) is long


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from('a"\\[]{}\n/u'), max_size=200))
def test_escapes_are_dropped_one_by_one_as_in_one_pass(text: str) -> None:
    data = json.dumps(text).encode()
    assert _unescaped(data) == re.sub(rb"\\.", b"", data, flags=re.DOTALL)
