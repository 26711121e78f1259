"""Question kinds: each one object that reads, checks, types, labels and writes FHIR answers."""

from __future__ import annotations

from typing import Any

import pytest

from screener.core.kinds import VALUE_CODING, fhir_answer, kind_of
from screener.core.model import Bank, Kind, Question, Value

TEXT_QUESTION = Question(
    id="notes", section="s", kind=Kind.TEXT, text="Anything else?", short="Notes", why="", source=()
)


def every_value(q: Question) -> list[Value]:
    """A value of each shape `q` can store."""
    kind = kind_of(q)
    if q.kind is Kind.TEXT:
        return ["in my own words"]
    if kind.repeats:
        values = [str(o.value) for o in q.options]
        return [(values[0],), tuple(v for v in values[:2] if v != "none")]
    return [o.value for o in q.options]


def test_every_kind_has_one_object() -> None:
    assert {kind_of(k).kind for k in Kind} == set(Kind)


def test_every_kind_names_itself_where_questions_are_listed() -> None:
    """`screener questions` tags each question with its kind's word, asked of the kind: a new
    kind without one fails here rather than with a KeyError in the listing."""
    words = [kind_of(k).word() for k in Kind]
    assert words == ["yes/no", "scale", "choice", "multi", "text"]


def test_the_default_bank_uses_every_kind_but_text(bank: Bank) -> None:
    assert {q.kind for q in bank.questions} == set(Kind) - {Kind.TEXT}


def test_what_the_demo_types_reads_back_as_the_same_answer(bank: Bank) -> None:
    for q in (*bank.questions, TEXT_QUESTION):
        kind = kind_of(q)
        for value in every_value(q):
            typed = kind.keys(q, value)
            assert kind.read(q, typed) == (value, None), (q.id, value, typed)


def test_a_stored_answer_passes_its_own_check(bank: Bank) -> None:
    for q in (*bank.questions, TEXT_QUESTION):
        for value in every_value(q):
            plain: Any = list(value) if isinstance(value, tuple) else value
            assert kind_of(q).check(q, plain) == (value, None)


@pytest.mark.parametrize(
    ("qid", "typed", "hint"),
    [
        ("use_any", "maybe", "'maybe' is not an answer here. Type y or n"),
        ("sows_yawning", "9", "'9' is not on the scale. Type a number from 0 to 4."),
        ("ctx_attempts", "0", "'0' is not one of the choices. Type a number from 1 to 4."),
        ("opioids_which", "1 x", "'1 x' is not a list of choices. Type one or more numbers"),
        ("sows_yawning", "0" * 500, "is not on the scale"),
    ],
)
def test_a_reply_that_does_not_fit_says_what_to_type(
    bank: Bank, qid: str, typed: str, hint: str
) -> None:
    q = bank.question(qid)
    reply = kind_of(q).read(q, typed)
    assert reply.value is None
    assert reply.hint is not None and hint in reply.hint


def test_none_of_these_cannot_go_with_another_choice(bank: Bank) -> None:
    q = bank.question("ctx_other_substances")
    none = next(i for i, o in enumerate(q.options, 1) if o.value == "none")
    reply = kind_of(q).read(q, f"1 {none}")
    assert reply.hint == "'None' cannot go with other choices. Type it alone, or leave it out."
    assert (
        kind_of(q).check(q, ["none", "alcohol"])[1] == "'none' cannot be listed with other options"
    )


@pytest.mark.parametrize(
    ("qid", "value", "expected"),
    [
        ("use_any", True, "yes"),
        ("use_any", False, "no"),
        ("sows_yawning", 2, "2 (moderately)"),
        ("opioids_which", (), "none of these"),
        ("opioids_which", ("heroin", "fentanyl"), "Heroin, Fentanyl from the street"),
    ],
)
def test_an_answer_reads_as_a_person_would_say_it(
    bank: Bank, qid: str, value: Value, expected: str
) -> None:
    q = bank.question(qid)
    assert kind_of(q).label(q, value).startswith(expected)


def test_each_kind_writes_its_own_fhir_answer(bank: Bank) -> None:
    def coding(v: object) -> dict[str, str]:
        return {"code": str(v)}

    assert fhir_answer(bank.question("use_any"), True, coding) == [{"valueBoolean": True}]
    assert fhir_answer(TEXT_QUESTION, "x", coding) == [{"valueString": "x"}]
    multi = fhir_answer(bank.question("opioids_which"), ("heroin", "fentanyl"), coding)
    assert multi == [{"valueCoding": {"code": "heroin"}}, {"valueCoding": {"code": "fentanyl"}}]
    assert fhir_answer(bank.question("sows_yawning"), None, coding) == []


def _read_back(q: Question, answers: list[dict[str, Any]]) -> Value:
    """What FHIR answers read as, asking only the kind (as the FHIR reader does)."""
    kind = kind_of(q)
    read: list[Value] = []
    for answer in answers:
        ((key, given),) = answer.items()
        assert key in kind.fhir_keys(q)
        if key == VALUE_CODING:
            read.append(kind.fhir_from_code(q, given["code"]))
        else:
            value, problem = kind.fhir_read(q, key, given)
            assert problem is None
            read.append(value)
    if kind.repeats:
        return tuple(str(v) for v in read)
    (one,) = read
    return one


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("unknown", [False, True])
def test_every_kind_round_trips_through_fhir_out_and_in(
    bank: Bank, kind: Kind, unknown: bool
) -> None:
    """A kind's FHIR is all in its object: what it writes, it reads back as the same answer."""
    questions = [q for q in (*bank.questions, TEXT_QUESTION) if q.kind is kind]
    assert questions
    for plain in questions:
        q = plain._replace(unknown=unknown and not kind_of(plain).written)
        k = kind_of(q)
        for value in every_value(q):
            answers = k.fhir_answers(q, value, lambda v, q=q, k=k: {"code": k.fhir_code(q, v)[0]})
            assert answers
            assert _read_back(q, answers) == value
            if k.fhir_coded(q):  # every answer written is one the item offers
                offered = {k.fhir_code(q, v)[0] for v in k.fhir_option_values(q)}
                assert {a[VALUE_CODING]["code"] for a in answers} <= offered
                assert k.fhir_item_type(q) == "choice"


def test_a_code_that_is_not_an_option_reads_as_nothing(bank: Bank) -> None:
    for q in bank.questions:
        k = kind_of(q)
        assert k.fhir_from_code(q, "not-a-code") is None
        assert "not-a-code" not in k.fhir_codes(q)
