"""Property-based fuzzing of the readers: whatever the text, the only outcomes are a result or
located error lines, within a memory and time bound that no real file comes near."""

from __future__ import annotations

import json
import re
import signal
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import bank_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_hostile import UNSAFE, fresh_doc

from screener.errors import ScreenerError
from screener.files.answers import parse_answers
from screener.files.bank import load_bank, parse_bank
from screener.screens.demo import parse_personas

MEMORY = 64 << 20  # bytes a reader may allocate on one example (a real file needs under 1 MiB)
SECONDS = 10  # a bound that only a runaway reader reaches, not a measure of speed

# Pieces of YAML and JSON that have broken parsers before: anchors and aliases, merge keys,
# nesting, tags, odd numbers, escapes, control and bidi characters, document markers.
PIECES = [
    "&a ", "*a", "&b ", "*b", "<<: *a", "[", "]", "{", "}", ", ", ": ", "- ", "? ", "\n", "  ",
    "!!int ", "!!str ", "!!binary ", "!!python/object ", "!custom ", "---\n", "...\n", "'", '"',
    "\\ud800", "\\x1b", "\\e", "\x1b[2J", "\u202e", "\u200b", "\x00", "\t", "#",
    "9" * 120, "-0", ".nan", ".inf", "NaN", "Infinity", "1e999", "0x1F", "0o17", "2026-13-45",
    "yes", "no", "~", "null", "true", "answers", "format", "bank", "perspective", "use_any",
    "screener-answers/1", "oud-self-screen", "mini", "version", "1.0.0", "personas", "name",
    "&a {}", "<<: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]", "{<<: [*a, *b]}", "<<: *b",
    "!!int \u00b2", "\u00b2", "\u0663", "\uff11", "\ud800", "id\n",
]  # fmt: skip

BANK = load_bank()  # not a fixture: hypothesis would print all of it with every failure
PERSONAS = (Path(__file__).parent.parent / "screener" / "personas.yaml").read_text(encoding="utf-8")

LOCATED = {
    "answers": re.compile(r"^a\.yaml:\d+: "),
    "bank": re.compile(r"^bank\.yaml:\d+: "),
    "personas": re.compile(r"^p\.yaml:\d+: "),
}


class Runaway(Exception):
    """A reader ran past SECONDS."""


@contextmanager
def bounded() -> Iterator[None]:
    """Fail the example if the reader runs past SECONDS or allocates more than MEMORY."""

    def stop(signum: int, frame: object) -> None:
        raise Runaway

    old = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, SECONDS)
    tracemalloc.start()
    try:
        yield
        _, peak = tracemalloc.get_traced_memory()
        assert peak < MEMORY, f"the reader allocated {peak:,} bytes"
    finally:
        tracemalloc.stop()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def outcome(kind: str, read: Callable[[], Any]) -> None:
    """`read()` returns, or raises a ScreenerError whose every line is located and safe."""
    try:
        with bounded():
            read()
    except ScreenerError as exc:
        lines = exc.message.splitlines()
        assert lines
        for line in lines:
            assert LOCATED[kind].match(line), line
            assert not UNSAFE.search(line), repr(line)
            assert len(line) < 2000, line[:200]


pieces = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=60).map("".join)


def spliced(base: str) -> st.SearchStrategy[str]:
    """`base` with some pieces put in at chosen places: mostly-valid files, which reach deeper
    into the checks than random text does."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        text = base
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(pieces) + text[at:]
        return text

    return build()


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
        ),
        max_leaves=30,
    )


FUZZ = settings(
    max_examples=150,
    deadline=None,  # the bound is SECONDS, enforced above; hypothesis' deadline is for speed
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(text=pieces)
def test_any_text_as_answers_is_a_result_or_located_errors(text: str) -> None:
    outcome("answers", lambda: parse_answers(text, BANK, "a.yaml"))


@FUZZ
@given(text=spliced(json.dumps(fresh_doc(), indent=1)))
def test_a_damaged_json_answers_file_is_a_result_or_located_errors(text: str) -> None:
    outcome("answers", lambda: parse_answers(text, BANK, "a.yaml"))


@FUZZ
@given(value=json_values())
def test_any_json_value_in_an_answers_file_is_a_result_or_located_errors(value: Any) -> None:
    doc = fresh_doc()
    doc["answers"]["ctx_attempts"] = value
    doc["answers"][json.dumps(value)[:30]] = value
    text = json.dumps(doc, allow_nan=True)  # NaN and Infinity included: JSON readers meet them
    outcome("answers", lambda: parse_answers(text, BANK, "a.yaml"))


@FUZZ
@given(text=spliced(bank_text()))
def test_a_damaged_bank_is_a_bank_or_located_errors(text: str) -> None:
    outcome("bank", lambda: parse_bank(text, "bank.yaml"))


@FUZZ
@given(text=spliced(PERSONAS))
def test_a_damaged_personas_file_is_personas_or_located_errors(text: str) -> None:
    outcome("personas", lambda: parse_personas(text, BANK, "p.yaml"))


def _fhir_export() -> dict[str, Any]:
    """screener's own FHIR export of a full screening, as parsed JSON."""
    from test_fhir import answer_sets, counter, summary_of

    from screener.summaries import fhir

    summary = summary_of(BANK, answer_sets(BANK)["multi_answers"])
    return fhir.response_bundle(summary, counter())


FHIR_EXPORT = _fhir_export()


@FUZZ
@given(text=spliced(json.dumps(FHIR_EXPORT, indent=1)))
def test_a_damaged_fhir_response_is_a_result_or_located_errors(text: str) -> None:
    outcome("answers", lambda: parse_answers(text, BANK, "a.yaml"))


@FUZZ
@given(
    value=json_values(),
    where=st.integers(0, 200),
    key=st.sampled_from(
        ["answer", "item", "linkId", "valueCoding", "valueBoolean", "code", "status", "resource"]
    ),
)
def test_any_json_value_in_a_fhir_response_is_a_result_or_located_errors(
    value: Any, where: int, key: str
) -> None:
    """`value` put in place of the `where`-th mapping's `key` (or added there)."""
    import copy

    doc = copy.deepcopy(FHIR_EXPORT)
    mappings: list[dict[str, Any]] = []
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            mappings.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    mappings[where % len(mappings)][key] = value
    text = json.dumps(doc, allow_nan=True)
    outcome("answers", lambda: parse_answers(text, BANK, "a.yaml"))


def _merge_bomb(levels: int) -> str:
    lines = ["a0: &a0 {}"]
    lines += [f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 10)}]}}" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _reverse_problems(size: int) -> str:
    lines = ["format: screener-answers/1", "bank: {id: oud-self-screen, version: '2.0.0'}"]
    lines += ["defs:", *(f"  - &k{i} {{not_a_question_{i}: 1}}" for i in range(size))]
    lines += ["answers:", "  <<: [" + ", ".join(f"*k{i}" for i in reversed(range(size))) + "]"]
    return "\n".join(lines) + "\n"


# The cases of the second round, by name: each must end within the bounds, as a result or
# located errors, in every reader.
ROUND_TWO = {
    "empty mappings merged ten times a level": _merge_bomb(12),
    "a merge of a merge, 3000 deep": "a0: &a0 {x: 1}\n"
    + "".join(f"a{i}: &a{i} {{<<: *a{i - 1}}}\n" for i in range(1, 3000)),
    "problems listed last line first": _reverse_problems(10_000),
    "a superscript digit as a whole number": "a: !!int \u00b2\nb: !!int 1\u00b3\n",
    "duplicate keys merged again and again": "d: &d {"
    + ", ".join(["k: 1"] * 1000)
    + "}\n"
    + "".join(f"m{i}: {{<<: *d}}\n" for i in range(300)),
}


@pytest.mark.parametrize("reader", ["answers", "bank", "personas"])
@pytest.mark.parametrize("case", ROUND_TWO)
def test_the_second_round_of_hostile_files_ends_within_the_bounds(case: str, reader: str) -> None:
    text = ROUND_TWO[case]
    read = {
        "answers": lambda: parse_answers(text, BANK, "a.yaml"),
        "bank": lambda: parse_bank(text, "bank.yaml"),
        "personas": lambda: parse_personas(text, BANK, "p.yaml"),
    }[reader]
    outcome(reader, read)


@FUZZ
@given(
    text=st.text(max_size=8) | st.sampled_from(["\u00b2", "\u00b3", "\u0663", "\uff13", "1 \u00b2"])
)
def test_a_typed_number_is_ascii_digits_in_range_or_nothing(text: str) -> None:
    """Every typed reply at every kind of question is an answer, a command or a hint, and
    a number is read only from ASCII digits (isdigit() also takes ², which int() refuses)."""
    from screener.core import typed
    from screener.screens.interview import parse_reply

    value = typed.number(text, 1, 11)
    if value is not None:
        assert text.strip().isascii() and text.strip().isdigit() and 1 <= value <= 11
    for q in BANK.questions:
        parse_reply(q, text)
