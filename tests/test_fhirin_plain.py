"""An ordinary item of a QuestionnaireResponse is read in a few steps (`ItemReader.quick`);
any other is read by the full path. Whatever a response holds, the quick reading gives the
same answers, warnings and problems, in the same order, as the full reading alone."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fhir import answer_sets
from test_fhirin import LHC_FORMS, LHC_FORMS_OTHER, exported, response_of

from screener.core.fhirnames import ABSENT_SYSTEM
from screener.core.model import NONE_OPTION, WHO, Bank
from screener.errors import AnswersError
from screener.files import fhirin
from screener.files.answers import parse_answers, parse_record
from screener.files.fhirin_items import DATA_ABSENT_REASON, ItemReader


def outcome(text: str, bank: Bank) -> tuple[str, ...]:
    """What reading `text` gives: the answers and warnings, or the problems."""
    try:
        answers, warnings = parse_answers(text, bank, "r.json")
    except AnswersError as exc:
        return ("problems", *exc.problems)
    return ("answers", repr(answers), *warnings)


def fully(text: str, bank: Bank) -> tuple[str, ...]:
    """`outcome`, every item read by the full path."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(ItemReader, "quick", lambda *_args: False)
        return outcome(text, bank)


def items_of(items: object) -> Iterator[dict[str, Any]]:
    for it in items if isinstance(items, list) else []:
        if isinstance(it, dict):
            yield it
            yield from items_of(it.get("item"))


def dar(code: object) -> dict[str, Any]:
    return {"url": DATA_ABSENT_REASON, "valueCode": code}


# Each changes one item (and its answers) of a response into something less ordinary.
CHANGES: list[Any] = [
    lambda it: it.update(extension=[dar("asked-unknown")]),
    lambda it: it.update(extension=[dar("asked-declined")]),
    lambda it: it.update(extension=[{"url": "http://example.org/x", "valueString": "x"}]),
    lambda it: it.update(extension="not a list"),
    lambda it: it.update(modifierExtension=[{"url": "http://example.org/x"}]),
    lambda it: it.update(modifierExtension=[]),
    lambda it: it.update(item=[]),
    lambda it: it.update(item=[{"linkId": "use_any"}]),
    lambda it: it.update(answer=[]),
    lambda it: it.pop("answer", None),
    lambda it: it.update(answer=None),
    lambda it: it.update(answer={"valueBoolean": True}),
    lambda it: it.update(answer=list(it.get("answer") or [{"valueBoolean": True}]) * 2),
    lambda it: it.update(answer=[{"valueCoding": {"system": ABSENT_SYSTEM, "code": "unknown"}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": "asked-unknown"}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": ""}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": "Y"}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": "N", "display": "No"}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": 2}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": ["no"]}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": "yes"}}]),
    lambda it: it.update(answer=[{"valueCoding": {"code": NONE_OPTION}}, {"valueCoding": {}}]),
    lambda it: it.update(answer=[{"valueCoding": "no"}]),
    lambda it: it.update(answer=[{"valueBoolean": 1}]),
    lambda it: it.update(answer=[{"valueBoolean": False}]),
    lambda it: it.update(answer=[{"valueString": "yes"}]),
    lambda it: it.update(answer=[{"valueString": "x" * 2001}]),
    lambda it: it.update(answer=[{"valueInteger": 2}]),
    lambda it: it.update(answer=[{"valueBoolean": True, "valueString": "x"}]),
    lambda it: it.update(answer=[{"extension": [dar("asked-declined")]}]),
    lambda it: it.update(answer=[{"extension": [dar("asked-unknown")], "valueBoolean": True}]),
    lambda it: it.update(answer=[{"id": "a", "valueBoolean": True}]),
    lambda it: it.update(answer=[{"item": [], "valueBoolean": True}]),
    lambda it: it.update(answer=["yes"]),
    lambda it: [a.update(id="a") for a in it.get("answer") or [] if isinstance(a, dict)],
    lambda it: [a.update(_valueCoding={}) for a in it.get("answer") or [] if isinstance(a, dict)],
    lambda it: it.update(answer=[*(it.get("answer") or []), {"valueCoding": {"code": "none"}}]),
    lambda it: it.update(linkId=WHO),
    lambda it: it.update(linkId="section-use"),
    lambda it: it.update(linkId="section-use-intro"),
    lambda it: it.update(linkId="use_any"),
    lambda it: it.update(linkId="consent"),
    lambda it: it.update(linkId="about_consent", answer=[{"valueBoolean": True}]),
    lambda it: it.update(linkId="use_anny"),
    lambda it: it.update(linkId=5),
    lambda it: it.update(linkId=["use_any"]),
    lambda it: it.update(_linkId={"id": "x"}),
    lambda it: it.update(itme=[]),
    lambda it: it.update(definition="http://example.org", id="i", text=""),
]


@pytest.fixture(scope="module")
def responses(bank: Bank) -> list[dict[str, Any]]:
    """Whole responses to change: LHC-Forms' (about oneself and someone else) and screener's
    own exports of each named answer set."""
    made = [json.loads(LHC_FORMS.read_text()), json.loads(LHC_FORMS_OTHER.read_text())]
    return made + [response_of(exported(bank, v)) for v in answer_sets(bank).values()]


@pytest.mark.parametrize("change", range(len(CHANGES)))
def test_one_item_changed_reads_the_same_either_way(
    bank: Bank, responses: list[dict[str, Any]], change: int
) -> None:
    for qr in (responses[1], responses[2]):  # LHC-Forms' about someone else, screener's own
        for at in range(len(list(items_of(qr["item"])))):
            changed = copy.deepcopy(qr)
            CHANGES[change](list(items_of(changed["item"]))[at])
            text = json.dumps(changed)
            assert outcome(text, bank) == fully(text, bank)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_quick_reading_says_what_the_full_reading_says(
    bank: Bank, responses: list[dict[str, Any]], data: st.DataObject
) -> None:
    qr = copy.deepcopy(data.draw(st.sampled_from(responses)))
    items = list(items_of(qr.get("item")))
    for _ in range(data.draw(st.integers(0, 4))):
        it = data.draw(st.sampled_from(items))
        data.draw(st.sampled_from(CHANGES))(it)
        if data.draw(st.booleans()):  # the same item again, beside it: answered twice
            qr["item"].append(copy.deepcopy(it))
    text = json.dumps(qr)
    assert outcome(text, bank) == fully(text, bank)


def test_every_item_of_an_ordinary_response_is_read_the_quick_way(
    bank: Bank, responses: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick way is the one taken (else the tests above would show nothing), for every
    item but the answer to "Who is this screening about?"."""
    read: dict[str, bool] = {}
    quick = ItemReader.quick

    def counted(self: ItemReader, item: Any, path: Any) -> bool:
        read[item["linkId"]] = quick(self, item, path)
        return read[item["linkId"]]

    monkeypatch.setattr(ItemReader, "quick", counted)
    for qr in responses[2:]:
        read.clear()
        parse_record(json.dumps(qr).encode(), bank, "r.ndjson", 1)
        assert read.pop(WHO) is False
        assert read and all(read.values())


@pytest.mark.parametrize("who", ["self", "other", None])
@pytest.mark.parametrize("source", [None, "RelatedPerson/7", "Patient/7"])
def test_whom_the_answers_are_about_reads_the_same_either_way(
    bank: Bank, responses: list[dict[str, Any]], who: str | None, source: str | None
) -> None:
    """The perspective said, beside the source and the questions answered: taken at once when
    nothing says otherwise, else checked as before."""
    for qr in responses[1:]:
        changed = copy.deepcopy(qr)
        about = next(it for it in items_of(changed["item"]) if it["linkId"] == WHO)
        if who is None:
            about.pop("answer", None)
        else:
            about["answer"] = [{"valueCoding": {"code": who}}]
        if source is not None:
            changed["source"] = {"reference": source}
        text = json.dumps(changed)
        with pytest.MonkeyPatch.context() as m:
            m.setattr(fhirin, "_asked_elsewhere", lambda _bank: {})  # never at once
            before = outcome(text, bank)
        assert outcome(text, bank) == before


def test_a_related_person_beside_about_whom_saying_myself_is_a_problem(bank: Bank) -> None:
    """Even when every question answered is asked about oneself."""
    qr = response_of(exported(bank, {"use_any": False}))
    qr["source"] = {"reference": "RelatedPerson/7"}
    (problem,) = outcome(json.dumps(qr), bank)[1:]
    assert "source.reference: the source is a RelatedPerson, someone answering about " in problem
    assert problem.endswith("is 'self'")
