"""FHIR: the Bundle and the Questionnaire validate as R4B resources and say what the answers say."""

from __future__ import annotations

import copy
import itertools
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import NO_USE, SOWS_IDS, yes_to_values
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhirpathpy import evaluate
from fhirpathpy.models import models
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.core.conditions import applicable
from screener.core.model import (
    CRITERIA,
    OTHER,
    UNKNOWN,
    WHO,
    Answers,
    Bank,
    Kind,
    Question,
    Role,
    Summary,
    Value,
)
from screener.core.scoring import score
from screener.files.answers import missing
from screener.summaries import fhir

CREATED = datetime(2026, 11, 22, 8, 30, tzinfo=timezone(timedelta(hours=-5)))
HTEST = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason",
    "code": "HTEST",
    "display": "test health data",
}

SEVERE = ("larger_longer", "cut_down", "time_spent", "craving", "role_failure", "tolerance")


def complete(bank: Bank, values: dict[str, Value]) -> dict[str, Value]:
    """`values` with every question that applies and has no answer given a plain one."""
    values = dict(values)
    while todo := missing(bank, values):
        for qid in todo:
            q = bank.question(qid)
            first = q.options[0].value if q.options else None
            values[qid] = {
                Kind.YES_NO: False,
                Kind.SCALE: first,
                Kind.CHOICE: first,
                Kind.MULTI: (first,),
                Kind.TEXT: "",
            }[q.kind]
    return values


def answer_sets(bank: Bank) -> dict[str, dict[str, Value]]:
    """Named answer sets for the default bank, covering each shape the export takes."""
    ratings = {sid: i % 5 for i, sid in enumerate(SOWS_IDS)}
    return {
        "severe_with_withdrawal": complete(
            bank,
            yes_to_values(*SEVERE, withdrawal_offer=True, **ratings),
        ),
        "screened_out": NO_USE,
        "partial_with_skips": {
            **{k: v for k, v in yes_to_values("craving").items() if k not in ("withdrawal",)},
            "tolerance": None,
            "despite_harm": None,
            "opioids_how": None,
            "withdrawal_offer": True,
            "sows_anxious": 2,
            "sows_yawning": None,
        },
        "multi_answers": complete(
            bank,
            yes_to_values(
                "craving",
                opioids_which=("heroin", "fentanyl", "prescribed_pain"),
                opioids_how=("smoke", "inject"),
                safety_sharing=True,
                ctx_attempts="many",
                ctx_relapse=True,
                ctx_other_substances=("alcohol", "benzos"),
                ctx_pregnant="maybe",
            ),
        ),
        "prescribed_only": complete(
            bank,
            {
                **yes_to_values("craving", "tolerance", "withdrawal"),
                "opioids_which": ("treatment_medication",),
                "prescribed_only": True,
            },
        ),
        "offered_withdrawal_but_skipped_it": {
            **yes_to_values("craving"),
            "withdrawal_offer": True,
            **dict.fromkeys(SOWS_IDS),
        },
    }


def counter() -> Callable[[], str]:
    """Deterministic UUIDs: ...0000, ...0001, ..."""
    n = itertools.count()
    return lambda: str(uuid.UUID(int=next(n)))


def summary_of(
    bank: Bank,
    values: Mapping[str, Value],
    created: str | None = None,
    demo: str | None = None,
    perspective: str = "self",
) -> Summary:
    answers = Answers(bank.id, bank.version, perspective, dict(values), created, demo)
    return Summary(bank, answers, score(bank, answers), CREATED)


def bundle_of(bank: Bank, values: Mapping[str, Value], **more: Any) -> dict[str, Any]:
    """The Bundle for `values`, after checking that it validates as an R4B Bundle."""
    data = fhir.response_bundle(summary_of(bank, values, **more), counter())
    Bundle.model_validate(data)
    return data


def resources(bundle: Mapping[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def response(bundle: Mapping[str, Any]) -> dict[str, Any]:
    (qr,) = resources(bundle, "QuestionnaireResponse")
    return qr


def observation(bundle: Mapping[str, Any], code: str) -> dict[str, Any] | None:
    found = [o for o in resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == code]
    assert len(found) <= 1
    return found[0] if found else None


def leaves(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every item, groups included, in document order."""
    for item in items:
        yield item
        yield from leaves(item.get("item", []))


def questions_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bank's questions among `items`: not groups, displays or "Who is this about?"."""
    return [
        i
        for i in leaves(items)
        if i.get("type") not in ("group", "display") and "item" not in i and i["linkId"] != WHO
    ]


def decode(q: Question, item: Mapping[str, Any]) -> Value:
    """The stored value a response item's answers stand for."""
    answers = item.get("answer")
    if answers is None:
        return None
    if q.kind is Kind.YES_NO:
        (a,) = answers
        return bool(a["valueBoolean"])
    if q.kind is Kind.TEXT:
        (a,) = answers
        return str(a["valueString"])
    codes = [a["valueCoding"]["code"] for a in answers]
    if q.kind is Kind.MULTI:
        return tuple(codes)
    (code,) = codes
    return int(code) if q.kind is Kind.SCALE else code


@pytest.fixture(scope="module")
def sets(bank: Bank) -> dict[str, dict[str, Value]]:
    return answer_sets(bank)


@pytest.fixture(scope="module")
def form(bank: Bank) -> dict[str, Any]:
    data = fhir.questionnaire(bank)
    Questionnaire.model_validate(data)
    return data


NAMES = [
    "severe_with_withdrawal",
    "screened_out",
    "partial_with_skips",
    "multi_answers",
    "prescribed_only",
    "offered_withdrawal_but_skipped_it",
]


class TestResponse:
    """The QuestionnaireResponse holds each answer once, typed, and nothing that was not asked."""

    @pytest.mark.parametrize("name", NAMES)
    def test_the_bundle_validates_and_holds_one_response_and_its_observations(
        self, bank: Bank, sets: dict[str, dict[str, Value]], name: str
    ) -> None:
        data = bundle_of(bank, sets[name])
        assert data["type"] == "transaction"
        assert data["timestamp"] == "2026-11-22T08:30:00-05:00"
        kinds = [e["resource"]["resourceType"] for e in data["entry"]]
        assert kinds[0] == "QuestionnaireResponse"
        assert set(kinds[1:]) == {"Observation"}
        urls = [e["fullUrl"] for e in data["entry"]]
        assert all(u.startswith("urn:uuid:") for u in urls)
        assert len(set(urls)) == len(urls)

    @pytest.mark.parametrize("name", NAMES)
    def test_every_answered_question_appears_once_with_its_typed_value(
        self, bank: Bank, sets: dict[str, dict[str, Value]], name: str
    ) -> None:
        values = sets[name]
        qr = response(bundle_of(bank, values))
        items = questions_of(qr["item"])
        ids = [i["linkId"] for i in items]
        _, counted = applicable(bank.about("self"), values)
        assert sorted(ids) == sorted(counted), "exactly the questions asked, each once"
        for item in items:
            q = bank.question(item["linkId"])
            assert decode(q, item) == counted[q.id], q.id

    def test_skipped_questions_have_no_answer_and_never_asked_ones_are_absent(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        qr = response(bundle_of(bank, sets["partial_with_skips"]))
        by_id = {i["linkId"]: i for i in questions_of(qr["item"])}
        for skipped in ("tolerance", "despite_harm", "opioids_how", "sows_yawning"):
            assert "answer" not in by_id[skipped]
            assert by_id[skipped]["text"]
        assert "withdrawal" not in by_id  # never asked
        assert "sows_nose" not in by_id
        assert "section-safety" not in [g["linkId"] for g in qr["item"]]  # nothing asked there

    def test_a_multi_answer_gives_one_coding_per_chosen_option(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        qr = response(bundle_of(bank, sets["multi_answers"]))
        item = next(i for i in questions_of(qr["item"]) if i["linkId"] == "opioids_which")
        system = "urn:screener:bank:oud-self-screen/options/opioids_which"
        assert item["answer"] == [
            {"valueCoding": {"system": system, "code": "heroin", "display": "Heroin"}},
            {
                "valueCoding": {
                    "system": system,
                    "code": "fentanyl",
                    "display": "Fentanyl from the street (on purpose, or possibly mixed into "
                    "what you used)",
                }
            },
            {
                "valueCoding": {
                    "system": system,
                    "code": "prescribed_pain",
                    "display": "Prescribed pain medicine taken as prescribed",
                }
            },
        ]

    def test_a_scale_answer_is_the_coding_of_its_option(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        qr = response(bundle_of(bank, sets["partial_with_skips"]))
        item = next(i for i in questions_of(qr["item"]) if i["linkId"] == "sows_anxious")
        assert item["answer"] == [
            {
                "valueCoding": {
                    "system": "urn:screener:bank:oud-self-screen/scale/sows",
                    "code": "2",
                    "display": "moderately",
                }
            }
        ]

    def test_the_consent_question_is_never_exported(self, bank: Bank) -> None:
        data = bundle_of(bank, {"consent": True, **yes_to_values("craving")})
        assert "consent" not in [i["linkId"] for i in leaves(response(data)["item"])]
        assert "section-welcome" not in json.dumps(data)

    def test_a_text_answer_is_a_value_string(self, make_bank: Callable[..., Bank]) -> None:
        def add_text(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"].append(
                {"id": "notes", "kind": "text", "text": "Anything else?", "source": ["dsm5"]}
            )

        small = make_bank(add_text)
        data = bundle_of(small, {"use_any": False, "notes": 'It\'s "fine".'})
        # `notes` is in a section hidden by use_any = no: not exported.
        assert "notes" not in json.dumps(data)
        data = bundle_of(small, {"use_any": True, "notes": 'It\'s "fine".'})
        item = next(i for i in leaves(response(data)["item"]) if i["linkId"] == "notes")
        assert item["answer"] == [{"valueString": 'It\'s "fine".'}]

    @pytest.mark.parametrize(
        ("name", "status"),
        [
            ("severe_with_withdrawal", "completed"),
            ("screened_out", "completed"),
            ("multi_answers", "completed"),
            ("prescribed_only", "completed"),
            ("partial_with_skips", "in-progress"),
        ],
    )
    def test_status_is_completed_only_when_no_question_that_applies_is_unanswered(
        self, bank: Bank, sets: dict[str, dict[str, Value]], name: str, status: str
    ) -> None:
        assert response(bundle_of(bank, sets[name]))["status"] == status

    def test_it_points_at_the_questionnaire_by_canonical_url_and_version(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        qr = response(bundle_of(bank, {"use_any": False}))
        assert qr["questionnaire"] == f"{form['url']}|{form['version']}"
        assert qr["questionnaire"] == "urn:screener:bank:oud-self-screen|3.0.0"

    @pytest.mark.parametrize(
        ("created", "authored"),
        [
            (None, "2026-11-22T08:30:00-05:00"),
            ("2026-11-21T23:40:00", "2026-11-21T23:40:00-05:00"),
            ("2026-11-21T23:40:00+01:00", "2026-11-21T23:40:00+01:00"),
            ("2026-11-21", "2026-11-21"),
            ("last tuesday", "2026-11-22T08:30:00-05:00"),
        ],
    )
    def test_authored_is_when_the_answers_were_taken_with_an_offset(
        self, bank: Bank, created: str | None, authored: str
    ) -> None:
        data = bundle_of(bank, {"use_any": False}, created=created)
        assert response(data)["authored"] == authored
        for obs in resources(data, "Observation"):
            assert obs["effectiveDateTime"] == authored

    @pytest.mark.parametrize("name", NAMES)
    def test_groups_and_codings_match_the_questionnaire(
        self,
        bank: Bank,
        sets: dict[str, dict[str, Value]],
        form: dict[str, Any],
        name: str,
    ) -> None:
        qr = response(bundle_of(bank, sets[name]))
        form_groups = {g["linkId"]: g for g in form["item"]}
        who, *groups = qr["item"]
        assert who["linkId"] == WHO
        (chosen,) = who["answer"]
        assert chosen == form_groups[WHO]["answerOption"][0]  # Myself
        for group in groups:
            assert "answer" not in group
            children = {i["linkId"]: i for i in form_groups[group["linkId"]]["item"]}
            for item in group["item"]:
                assert "item" not in item
                asked = children[item["linkId"]]
                for answer in item.get("answer", []):
                    if "valueCoding" in answer:
                        options = {
                            (o["valueCoding"]["system"], o["valueCoding"]["code"])
                            for o in asked["answerOption"]
                        }
                        coding = answer["valueCoding"]
                        assert (coding["system"], coding["code"]) in options
                    else:
                        assert asked["type"] == (
                            "boolean" if "valueBoolean" in answer else "string"
                        )

    def test_a_time_without_offset_is_taken_as_local_time(self, bank: Bank) -> None:
        naive = summary_of(bank, {"use_any": False})._replace(created=datetime(2026, 1, 2, 3, 4))
        data = fhir.response_bundle(naive, counter())
        Bundle.model_validate(data)
        assert datetime.fromisoformat(data["timestamp"]) == datetime(2026, 1, 2, 3, 4).astimezone()

    def test_the_same_ids_give_the_same_bundle_and_default_ids_are_fresh_uuids(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        summary = summary_of(bank, sets["severe_with_withdrawal"])
        assert fhir.response_bundle(summary, counter()) == fhir.response_bundle(summary, counter())
        one, two = fhir.response_bundle(summary), fhir.response_bundle(summary)
        urls = [e["fullUrl"] for b in (one, two) for e in b["entry"]]
        assert len(set(urls)) == len(urls)
        for url in urls:
            assert uuid.UUID(url.removeprefix("urn:uuid:")).version == 4


class TestObservations:
    """The count, severity and SOWS total are Observations with the scorer's own numbers."""

    @pytest.mark.parametrize("name", NAMES)
    def test_values_equal_the_score_and_derive_from_the_response(
        self, bank: Bank, sets: dict[str, dict[str, Value]], name: str
    ) -> None:
        values = sets[name]
        result = score(bank, Answers(bank.id, bank.version, "self", values))
        data = bundle_of(bank, values)
        qr_url = data["entry"][0]["fullUrl"]
        count, severity = observation(data, "criteria-count"), observation(data, "severity")
        assert count is not None and severity is not None
        assert count["valueInteger"] == result.count
        assert severity["valueCodeableConcept"]["coding"][0]["code"] == result.severity.value
        for obs in resources(data, "Observation"):
            assert obs["derivedFrom"] == [{"reference": qr_url}]
            assert obs["status"] == "final"
            assert obs["category"][0]["coding"][0]["code"] == "survey"
            assert obs["code"]["coding"][0]["system"] == "urn:screener:bank:oud-self-screen/codes"
        sows = observation(data, "sows-total")
        w = result.withdrawal
        if w is None or not w.answered:
            assert sows is None
        else:
            assert sows is not None
            assert sows["valueInteger"] == w.score
            assert sows["component"][0]["valueInteger"] == w.answered

    def test_a_severe_result_with_withdrawal_taken(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["severe_with_withdrawal"])
        count, sows = observation(data, "criteria-count"), observation(data, "sows-total")
        assert count is not None and sows is not None
        assert count["valueInteger"] == 6
        assert "component" not in count  # nothing open: no range
        assert observation(data, "severity") is not None
        assert sows["valueInteger"] == sum(i % 5 for i in range(16))
        assert sows["note"][0]["text"].endswith("16 of 16 items answered; the total is 0 to 64.")

    def test_unanswered_criteria_give_the_highest_possible_count_and_severity(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["partial_with_skips"])
        count, severity = observation(data, "criteria-count"), observation(data, "severity")
        assert count is not None and severity is not None
        assert count["valueInteger"] == 1
        assert count["component"][0]["code"]["coding"][0]["code"] == "criteria-count-max"
        assert count["component"][0]["valueInteger"] == 4
        assert "3 of the 11 criteria were not answered" in count["note"][0]["text"]
        assert severity["valueCodeableConcept"]["coding"][0]["code"] == "none"
        high = severity["component"][0]["valueCodeableConcept"]["coding"][0]
        assert high["code"] == "moderate"
        sows = observation(data, "sows-total")
        assert sows is not None
        assert sows["valueInteger"] == 2
        assert "1 of 16 items answered" in sows["note"][0]["text"]
        assert "lower bound" in sows["note"][0]["text"]

    def test_a_screened_out_result_still_reports_a_count_of_zero_and_says_why(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["screened_out"])
        count, severity = observation(data, "criteria-count"), observation(data, "severity")
        assert count is not None and severity is not None
        assert count["valueInteger"] == 0
        assert severity["valueCodeableConcept"]["coding"][0]["code"] == "none"
        assert "No opioid use in the past 12 months" in count["note"][0]["text"]
        assert observation(data, "sows-total") is None

    def test_prescribed_only_use_does_not_count_tolerance_and_withdrawal_and_says_so(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["prescribed_only"])
        count = observation(data, "criteria-count")
        assert count is not None
        assert count["valueInteger"] == 1  # craving only
        notes = " ".join(n["text"] for n in count["note"])
        assert "Tolerance and withdrawal are not counted" in notes

    def test_every_observation_says_it_is_not_a_diagnosis(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["severe_with_withdrawal"])
        severity = observation(data, "severity")
        assert severity is not None
        assert "not a diagnosis" in severity["code"]["text"]
        assert "not a diagnosis" in severity["note"][-1]["text"]


class TestDemo:
    """Fictional answers are labelled as test data on every resource."""

    def test_every_resource_carries_the_htest_label_and_says_demo(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["severe_with_withdrawal"], demo="Jordan")
        assert data["meta"]["security"] == [HTEST]
        for entry in data["entry"]:
            resource = entry["resource"]
            assert resource["meta"]["security"] == [HTEST]
            assert "DEMO: fictional answers (persona: Jordan)" in resource["text"]["div"]

    def test_the_persona_name_is_escaped_in_the_narrative(self, bank: Bank) -> None:
        data = bundle_of(bank, {"use_any": False}, demo="<b>Sam & Co</b>")
        div = response(data)["text"]["div"]
        assert "&lt;b&gt;Sam &amp; Co&lt;/b&gt;" in div

    def test_real_answers_carry_no_label(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["severe_with_withdrawal"])
        assert "meta" not in data
        assert all("meta" not in e["resource"] for e in data["entry"])
        assert "HTEST" not in json.dumps(data)


class TestQuestionnaire:
    """The bank as a Questionnaire: every question, its options, scores and conditions."""

    def test_it_names_the_bank(self, form: dict[str, Any]) -> None:
        assert {k: form[k] for k in ("url", "version", "name", "title", "status", "language")} == {
            "url": "urn:screener:bank:oud-self-screen",
            "version": "3.0.0",
            "name": "OudSelfScreen",
            "title": "Opioid use self-screening",
            "status": "active",
            "language": "en",
        }

    def test_every_question_but_consent_is_there_once_in_bank_order(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        ids = [i["linkId"] for i in leaves(form["item"])]
        assert len(set(ids)) == len(ids)
        asked = [i["linkId"] for i in questions_of(form["item"])]
        assert asked == [q.id for q in bank.questions if q.role is not Role.CONSENT]
        who, *groups = form["item"]
        assert who["linkId"] == WHO
        assert all(g["type"] == "group" for g in groups)
        assert [g["linkId"] for g in groups] == [
            f"section-{s.id}" for s in bank.sections if s.id not in ("welcome", "about_welcome")
        ]

    def test_each_kind_has_its_item_type(self, bank: Bank, form: dict[str, Any]) -> None:
        by_id = {i["linkId"]: i for i in questions_of(form["item"])}
        expected = {
            Kind.YES_NO: "boolean",
            Kind.SCALE: "choice",
            Kind.CHOICE: "choice",
            Kind.MULTI: "choice",
        }
        for q in bank.questions:
            if q.role is Role.CONSENT:
                continue
            item = by_id[q.id]
            # "I don't know" where the terminal offers it: a yes/no that takes it is a choice
            # of three (HL7's Y, N and asked-unknown), and every other kind gets one more option.
            dont_know = ["asked-unknown"] if q.unknown else []
            if q.kind is Kind.YES_NO and q.unknown:
                assert item["type"] == "choice", q.id
                codes = [o["valueCoding"]["code"] for o in item["answerOption"]]
                assert codes == ["Y", "N", "asked-unknown"], q.id
                continue
            assert item["type"] == expected[q.kind], q.id
            assert item.get("repeats", False) is (q.kind is Kind.MULTI), q.id
            if q.kind is Kind.YES_NO:
                assert "answerOption" not in item
            else:
                codes = [o["valueCoding"]["code"] for o in item["answerOption"]]
                assert codes == [str(o.value) for o in q.options] + dont_know, q.id

    def test_scale_options_carry_their_score_as_item_weight(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        scale_items = [i for i in questions_of(form["item"]) if bank.question(i["linkId"]).scale]
        assert len(scale_items) == 21  # 16 SOWS items and 5 extra signs
        for item in scale_items:
            for option in item["answerOption"]:
                (weight,) = option["extension"]
                assert weight["url"] == "http://hl7.org/fhir/StructureDefinition/itemWeight"
                assert weight["valueDecimal"] == int(option["valueCoding"]["code"])

    def test_criterion_questions_are_coded_with_their_criterion(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        coded = {
            i["linkId"]: i["code"][0]["code"] for i in questions_of(form["item"]) if "code" in i
        }
        theirs = {f"about_{key}": key for key in CRITERIA if f"about_{key}" in coded}
        assert coded == {**{key: key for key in CRITERIA}, **theirs}
        # what an observer cannot see is not asked about someone else
        assert sorted(set(CRITERIA) - set(theirs.values())) == [
            "craving",
            "larger_longer",
            "tolerance",
        ]

    def test_every_enable_when_names_an_earlier_question_and_one_of_its_answers(
        self, form: dict[str, Any]
    ) -> None:
        seen: dict[str, dict[str, Any]] = {}
        for item in leaves(form["item"]):
            whens = item.get("enableWhen", [])
            assert ("enableBehavior" in item) == (len(whens) > 1), item["linkId"]
            for when in whens:
                target = seen[when["question"]]  # earlier, and a question
                assert when["operator"] in ("=", "!=")
                if "answerCoding" in when:
                    options = [o["valueCoding"] for o in target["answerOption"]]
                    assert when["answerCoding"] in options
                else:
                    assert "answerBoolean" in when and target["type"] == "boolean"
            if item["type"] not in ("group", "display"):
                seen[item["linkId"]] = item

    def test_the_banks_conditions_come_out_as_enable_when(self, form: dict[str, Any]) -> None:
        by_id = {i["linkId"]: i for i in leaves(form["item"])}
        myself = {
            "question": WHO,
            "operator": "=",
            "answerCoding": {
                "system": "urn:screener:bank:oud-self-screen/perspectives",
                "code": "self",
                "display": "Myself",
            },
        }
        not_no = [myself, {"question": "use_any", "operator": "!=", "answerBoolean": False}]
        for section in ("supervision", "criteria", "withdrawal", "safety", "context"):
            assert by_id[f"section-{section}"]["enableWhen"] == not_no
            assert by_id[f"section-{section}"]["enableBehavior"] == "all"
        assert by_id["section-use"]["enableWhen"] == [myself]
        assert by_id["opioids_which"]["enableWhen"] == [
            {"question": "use_any", "operator": "=", "answerBoolean": True}
        ]
        assert by_id["sows_craving"]["enableWhen"] == [
            {"question": "withdrawal_offer", "operator": "=", "answerBoolean": True}
        ]
        (inject,) = by_id["safety_sharing"]["enableWhen"]
        assert (inject["question"], inject["operator"]) == ("opioids_how", "=")
        assert inject["answerCoding"]["code"] == "inject"
        relapse = by_id["ctx_relapse"]
        assert by_id["ctx_relapse"]["enableBehavior"] == "any"
        assert [(w["operator"], w["answerCoding"]["code"]) for w in relapse["enableWhen"]] == [
            ("=", "once"),
            ("=", "a_few"),
            ("=", "many"),
        ]

    def test_required_questions_are_required(self, make_bank: Callable[..., Bank]) -> None:
        def require(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"][0]["required"] = True

        form = fhir.questionnaire(make_bank(require))
        by_id = {i["linkId"]: i for i in questions_of(form["item"])}
        assert by_id["safety_alone"]["required"] is True
        assert [k for k, i in by_id.items() if "required" in i] == ["safety_alone"]

    def test_section_intros_are_display_items(self, form: dict[str, Any]) -> None:
        by_id = {i["linkId"]: i for i in leaves(form["item"])}
        intro = by_id["section-withdrawal-intro"]
        assert intro["type"] == "display"
        assert intro["text"].startswith("This part is optional.")


# --- conditions: the Questionnaire enables what screener asks ---------------------------


def enabled_questions(
    form: Mapping[str, Any], given: Mapping[str, list[dict[str, Any]]]
) -> list[str]:
    """The question linkIds a FHIR form filler enables, given every question's answers.

    enableWhen follows the R4 operator definitions (`=`: some answer equals; `!=`: no answer
    equals); an enableWhenExpression is run by fhirpathpy over the answers of enabled items.
    Answers to disabled items count as absent.
    """
    kept: dict[str, list[dict[str, Any]]] = {}
    out: list[str] = []

    def on(item: Mapping[str, Any]) -> bool:
        whens = item.get("enableWhen")
        if whens is not None:
            hits = [_holds(w, kept.get(w["question"], [])) for w in whens]
            return all(hits) if item.get("enableBehavior", "all") == "all" else any(hits)
        for ext in item.get("extension", []):
            if ext["url"] == fhir.ENABLE_WHEN_EXPRESSION:
                qr = {
                    "resourceType": "QuestionnaireResponse",
                    "status": "in-progress",
                    "item": [{"linkId": k, "answer": v} for k, v in kept.items() if v],
                }
                expression = ext["valueExpression"]["expression"]
                result = evaluate(qr, expression, {"resource": qr}, models["r4"])
                assert result in ([True], [False]), (expression, result)
                return bool(result[0])
        return True

    def walk(items: list[dict[str, Any]]) -> None:
        for item in items:
            if not on(item):
                continue
            if item["type"] == "group":
                walk(item["item"])
            elif item["type"] != "display":
                out.append(item["linkId"])
                kept[item["linkId"]] = given.get(item["linkId"], [])

    walk(form["item"])
    return out


def _holds(when: Mapping[str, Any], answers: list[dict[str, Any]]) -> bool:
    key = next(k for k in when if k.startswith("answer"))
    want = when[key]
    value_key = "value" + key.removeprefix("answer")

    def same(answer: Mapping[str, Any]) -> bool:
        got = answer.get(value_key)
        if got is None:
            return False
        if key == "answerCoding":
            return bool((got["system"], got["code"]) == (want["system"], want["code"]))
        return bool(got == want)

    matched = any(same(a) for a in answers)
    if when["operator"] == "=":
        return matched
    assert when["operator"] == "!="
    return not matched


def fhir_answers(
    form: Mapping[str, Any], bank: Bank, values: Mapping[str, Value], perspective: str = "self"
) -> dict[str, Any]:
    """Each value as FHIR answers, codings taken from the Questionnaire's own answerOptions;
    with several perspectives, "Who is this about?" answered `perspective` first."""
    items = {i["linkId"]: i for i in leaves(form["item"])}
    out: dict[str, list[dict[str, Any]]] = {}
    if len(bank.perspectives) > 1:
        options = {o["valueCoding"]["code"]: o["valueCoding"] for o in items[WHO]["answerOption"]}
        out[WHO] = [{"valueCoding": options[perspective]}]
    for qid, value in values.items():
        q = bank.question(qid)
        if q.role is Role.CONSENT:
            continue
        if value is None:
            out[qid] = []
        elif q.kind is Kind.YES_NO:
            out[qid] = [{"valueBoolean": value}]
        elif q.kind is Kind.TEXT:
            out[qid] = [{"valueString": value}]
        else:
            codes = [str(v) for v in (value if isinstance(value, tuple) else (value,))]
            options = {
                o["valueCoding"]["code"]: o["valueCoding"] for o in items[qid]["answerOption"]
            }
            out[qid] = [{"valueCoding": options[c]} for c in codes]
    return out


def value_of(q: Question) -> st.SearchStrategy[Value]:
    values = [o.value for o in q.options]
    if q.kind is Kind.YES_NO:
        some: st.SearchStrategy[Value] = st.booleans()
    elif q.kind is Kind.MULTI:
        some = st.lists(st.sampled_from(values), unique=True).map(lambda v: tuple(map(str, v)))
    elif q.kind is Kind.TEXT:
        some = st.sampled_from(["", "yes", "it's"])
    else:
        some = st.sampled_from(values)
    if q.unknown:
        some |= st.just(UNKNOWN)
    return st.none() | some


def values_for(bank: Bank, perspective: str = "self") -> st.SearchStrategy[dict[str, Value]]:
    """Answers to any of the questions asked in `perspective`, each possibly skipped."""
    asked = [q for q in bank.about(perspective).questions if q.role is not Role.CONSENT]
    return st.fixed_dictionaries({}, optional={q.id: value_of(q) for q in asked})


def screener_asks(bank: Bank, values: Mapping[str, Value], perspective: str = "self") -> list[str]:
    shown, _ = applicable(bank.about(perspective), values)
    first = [WHO] if len(bank.perspectives) > 1 else []
    return first + [q.id for q in shown if q.role is not Role.CONSENT]


class TestConditions:
    """A FHIR form enables exactly the questions screener would ask, whatever the answers."""

    @pytest.mark.parametrize("name", NAMES)
    def test_for_each_answer_set(
        self, bank: Bank, sets: dict[str, dict[str, Value]], form: dict[str, Any], name: str
    ) -> None:
        values = sets[name]
        assert enabled_questions(form, fhir_answers(form, bank, values)) == screener_asks(
            bank, values
        )

    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def test_for_any_answers_to_the_default_bank(
        self, bank: Bank, form: dict[str, Any], data: st.DataObject
    ) -> None:
        perspective = data.draw(st.sampled_from(list(bank.perspectives)))
        values = data.draw(values_for(bank.about(perspective)))
        given = fhir_answers(form, bank, values, perspective)
        assert enabled_questions(form, given) == screener_asks(bank, values, perspective)

    @settings(max_examples=40, deadline=None)
    @given(data=st.data())
    def test_for_any_answers_to_a_bank_with_every_shape_of_condition(
        self, conditions_bank: Bank, data: st.DataObject
    ) -> None:
        form = fhir.questionnaire(conditions_bank)
        Questionnaire.model_validate(form)
        values = data.draw(values_for(conditions_bank))
        assert enabled_questions(
            form, fhir_answers(form, conditions_bank, values)
        ) == screener_asks(conditions_bank, values)


# Conditions on the safety question of the minimal bank, each with how it must come out:
# an enableWhen list and behavior, or (None) the FHIRPath extension.
SHAPES: list[
    tuple[str, dict[str, Any], tuple[list[tuple[str, str, object]], str | None] | None]
] = [
    ("equals", {"question": "use_any", "equals": True}, ([("use_any", "=", True)], None)),
    (
        "in",
        {"question": "use_any", "in": [True, False]},
        ([("use_any", "=", True), ("use_any", "=", False)], "any"),
    ),
    (
        "not_contains",
        {"not": {"question": "opioids_which", "contains": "heroin"}},
        ([("opioids_which", "!=", "heroin")], None),
    ),
    (
        "not_in",
        {"not": {"question": "sows_one", "in": [3, 4]}},
        ([("sows_one", "!=", "3"), ("sows_one", "!=", "4")], "all"),
    ),
    (
        "at_least_on_a_scale",
        {"question": "sows_one", "at_least": 3},
        ([("sows_one", "=", "3"), ("sows_one", "=", "4")], "any"),
    ),
    (
        "all_of_leaves",
        {
            "all": [
                {"question": "use_any", "equals": True},
                {"not": {"question": "opioids_which", "contains": "heroin"}},
            ]
        },
        ([("use_any", "=", True), ("opioids_which", "!=", "heroin")], "all"),
    ),
    (
        "not_any_becomes_all_of_nots",
        {
            "not": {
                "any": [
                    {"question": "craving", "equals": True},
                    {"question": "tolerance", "equals": True},
                ]
            }
        },
        ([("craving", "!=", True), ("tolerance", "!=", True)], "all"),
    ),
    (
        "all_with_an_in_inside",
        {
            "all": [
                {"question": "use_any", "equals": True},
                {"question": "sows_one", "in": [3, 4]},
            ]
        },
        None,
    ),
    ("at_least_on_a_multi", {"question": "opioids_which", "at_least": 2}, None),
    (
        "not_all_becomes_any_of_nots",
        {
            "not": {
                "all": [
                    {"question": "craving", "equals": True},
                    {"question": "tolerance", "equals": True},
                ]
            }
        },
        ([("craving", "!=", True), ("tolerance", "!=", True)], "any"),
    ),
    (
        "not_all_with_a_range_inside",
        {
            "not": {
                "all": [
                    {"question": "craving", "equals": True},
                    {"question": "sows_two", "at_least": 1},
                ]
            }
        },
        None,
    ),
]


def with_condition(condition: Mapping[str, Any]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["sections"][-1]["questions"][0]["show_if"] = dict(condition)

    return change


@pytest.fixture(scope="module")
def conditions_bank(make_bank: Callable[..., Bank]) -> Bank:
    """The minimal bank with one extra question per shape of condition in SHAPES."""

    def change(data: dict[str, Any]) -> None:
        data["sections"][-1]["questions"].extend(
            {
                "id": f"when_{name}",
                "kind": "yes_no",
                "text": f"Shown when {name}?",
                "show_if": condition,
                "source": ["dsm5"],
            }
            for name, condition, _ in SHAPES
        )

    return make_bank(change)


class TestConditionShapes:
    """Each shape of `show_if` becomes enableWhen where FHIR can say it, else FHIRPath."""

    @pytest.mark.parametrize(("name", "condition", "expected"), SHAPES, ids=[s[0] for s in SHAPES])
    def test_shape(
        self,
        make_bank: Callable[..., Bank],
        name: str,
        condition: dict[str, Any],
        expected: tuple[list[tuple[str, str, object]], str | None] | None,
    ) -> None:
        form = fhir.questionnaire(make_bank(with_condition(condition)))
        Questionnaire.model_validate(form)
        item = next(i for i in leaves(form["item"]) if i["linkId"] == "safety_alone")
        if expected is None:
            assert "enableWhen" not in item
            (ext,) = item["extension"]
            assert ext["url"] == fhir.ENABLE_WHEN_EXPRESSION
            assert ext["valueExpression"]["language"] == "text/fhirpath"
            return
        whens, behavior = expected
        got = [
            (
                w["question"],
                w["operator"],
                w.get("answerBoolean", w.get("answerCoding", {}).get("code")),
            )
            for w in item["enableWhen"]
        ]
        assert got == whens
        assert item.get("enableBehavior") == behavior

    def test_the_fhirpath_for_a_mixed_condition(self, make_bank: Callable[..., Bank]) -> None:
        condition = {
            "all": [
                {"question": "use_any", "equals": True},
                {"question": "sows_one", "in": [3, 4]},
            ]
        }
        form = fhir.questionnaire(make_bank(with_condition(condition)))
        item = next(i for i in leaves(form["item"]) if i["linkId"] == "safety_alone")
        answers = "%resource.repeat(item).where(linkId = '{}').answer"
        assert item["extension"][0]["valueExpression"] == {
            "description": "(use_any is yes and sows_one is one of 3/4)",
            "language": "text/fhirpath",
            "expression": f"({answers.format('use_any')}.where(value = true).exists()) and "
            f"({answers.format('sows_one')}.where(value.code = '3' or value.code = '4')"
            ".exists())",
        }


# --- a Bundle a server takes, whom it is about, and what a person reads ------------------


def ident(resource: Mapping[str, Any]) -> str:
    """The value of a resource's one identifier."""
    identifier = resource["identifier"]
    if isinstance(identifier, list):
        (identifier,) = identifier
    return str(identifier["value"])


class StandInServer:
    """The part of a FHIR server a transaction meets, in memory: each entry a conditional
    create (`ifNoneExist` searched by identifier), then every string in the stored resources
    that holds a fullUrl of the Bundle rewritten to `Type/id`, as servers do (the references,
    and any other element that happens to hold one)."""

    def __init__(self) -> None:
        self.stored: dict[str, dict[str, Any]] = {}

    def search(self, value: str) -> list[dict[str, Any]]:
        return [r for r in self.stored.values() if ident(r) == value]

    def transaction(self, bundle: dict[str, Any]) -> list[dict[str, str]]:
        assert bundle["type"] == "transaction"
        ids: dict[str, str] = {}  # fullUrl -> Type/id
        replies: list[dict[str, str]] = []
        created: list[str] = []
        for entry in bundle["entry"]:
            request = entry["request"]
            system_value = request["ifNoneExist"].removeprefix("identifier=")
            value = system_value.split("|", 1)[1]
            found = self.search(value)
            if found:
                where = f"{found[0]['resourceType']}/{found[0]['id']}"
                replies.append({"status": "200 OK", "location": where})
            else:
                resource = entry["resource"]
                resource["id"] = str(len(self.stored) + 1)
                where = f"{resource['resourceType']}/{resource['id']}"
                self.stored[where] = resource
                created.append(where)
                replies.append({"status": "201 Created", "location": where})
            ids[entry["fullUrl"]] = where

        def rewrite(value: Any) -> Any:
            if isinstance(value, str):
                return ids.get(value, value)
            if isinstance(value, list):
                return [rewrite(v) for v in value]
            if isinstance(value, dict):
                return {k: rewrite(v) for k, v in value.items()}
            return value

        for where in created:
            self.stored[where] = rewrite(self.stored[where])
        return replies


class TestVersionAlgorithm:
    """SDC's sdc-2: a Questionnaire with a `version` says how versions compare."""

    @pytest.mark.parametrize(
        ("version", "code"),
        [
            ("2.0.0", "semver"),
            ("1.2.3-rc.1+build.5", "semver"),
            ("3", "natural"),
            ("2.0", "natural"),
        ],
    )
    def test_the_questionnaire_carries_the_r5_version_algorithm(
        self, make_bank: Callable[..., Bank], version: str, code: str
    ) -> None:
        form = fhir.questionnaire(make_bank({"version": version}))
        assert form["version"] == version
        assert form["extension"] == [
            {
                "url": "http://hl7.org/fhir/5.0/StructureDefinition/"
                "extension-Questionnaire.versionAlgorithm[x]",
                "valueCoding": {
                    "system": "http://hl7.org/fhir/version-algorithm",
                    "code": code,
                    "display": {"semver": "SemVer", "natural": "Natural"}[code],
                },
            }
        ]
        Questionnaire.model_validate(form)


class TestTransaction:
    """The default Bundle is a transaction a FHIR server takes as it is; a collection too."""

    def test_every_entry_is_a_conditional_create_on_its_own_identifier(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["severe_with_withdrawal"])
        assert data["type"] == "transaction"
        qr_url = data["entry"][0]["fullUrl"]
        full_urls = {entry["fullUrl"] for entry in data["entry"]}
        values = set()
        for entry in data["entry"]:
            resource = entry["resource"]
            identifier = resource["identifier"]
            if isinstance(identifier, list):  # Observation.identifier repeats; the QR's does not
                (identifier,) = identifier
            assert identifier["system"] == "urn:ietf:rfc:3986"
            assert identifier["value"].startswith("urn:uuid:")
            # Never a fullUrl: a server rewrites every string that holds one.
            assert identifier["value"] not in full_urls
            values.add(identifier["value"])
            assert entry["request"] == {
                "method": "POST",
                "url": resource["resourceType"],
                "ifNoneExist": f"identifier=urn:ietf:rfc:3986|{identifier['value']}",
            }
        assert len(values) == len(full_urls) == len(data["entry"])
        # References between entries are the fullUrls, which the server rewrites to its ids.
        for obs in resources(data, "Observation"):
            assert obs["derivedFrom"] == [{"reference": qr_url}]

    def test_each_export_has_fresh_full_urls_and_identifiers(self, bank: Bank) -> None:
        summary = summary_of(bank, {"use_any": False})
        first, second = (fhir.response_bundle(summary) for _ in range(2))
        ids = [
            {e["fullUrl"] for e in b["entry"]} | {ident(e["resource"]) for e in b["entry"]}
            for b in (first, second)
        ]
        assert not ids[0] & ids[1]

    def test_posting_the_same_transaction_twice_keeps_one_copy(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        """Against a stand-in for what FHIR servers (Medplum, HAPI) do with a transaction:
        conditional creates by `ifNoneExist`, and every string that holds a fullUrl rewritten
        to the id the server gives its resource."""
        server = StandInServer()
        data = bundle_of(bank, sets["severe_with_withdrawal"])
        first = server.transaction(copy.deepcopy(data))
        second = server.transaction(copy.deepcopy(data))
        assert [r["status"] for r in first] == ["201 Created"] * len(data["entry"])
        assert [r["status"] for r in second] == ["200 OK"] * len(data["entry"])
        assert len(server.stored) == len(data["entry"])
        # A search by identifier finds each resource, its identifier kept as written.
        for entry in data["entry"]:
            found = server.search(ident(entry["resource"]))
            assert len(found) == 1
            assert found[0]["resourceType"] == entry["resource"]["resourceType"]
        qr_id = first[0]["location"]
        for obs in (r for r in server.stored.values() if r["resourceType"] == "Observation"):
            assert obs["derivedFrom"] == [{"reference": qr_id}]

    def test_the_stand_in_server_duplicates_a_bundle_whose_identifiers_are_its_full_urls(
        self, bank: Bank
    ) -> None:
        """What the stand-in does to the old export, where each identifier was its fullUrl:
        the test above could fail."""
        server = StandInServer()
        data = bundle_of(bank, {"use_any": False})
        for entry in data["entry"]:
            resource = entry["resource"]
            same = {"system": "urn:ietf:rfc:3986", "value": entry["fullUrl"]}
            resource["identifier"] = same if resource["resourceType"] != "Observation" else [same]
            entry["request"]["ifNoneExist"] = f"identifier=urn:ietf:rfc:3986|{entry['fullUrl']}"
        server.transaction(copy.deepcopy(data))
        server.transaction(copy.deepcopy(data))
        assert len(server.stored) == 2 * len(data["entry"])
        assert server.search(data["entry"][0]["fullUrl"]) == []

    def test_a_collection_holds_the_same_resources_without_requests(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        summary = summary_of(bank, sets["severe_with_withdrawal"])
        transaction = fhir.response_bundle(summary, counter())
        collection = fhir.response_bundle(summary, counter(), fhir.COLLECTION)
        Bundle.model_validate(collection)
        assert collection["type"] == "collection"
        assert all("request" not in e for e in collection["entry"])
        assert [e["resource"] for e in collection["entry"]] == [
            e["resource"] for e in transaction["entry"]
        ]


class TestSubject:
    """`--subject` puts whom the screening is about on the response and every Observation."""

    def test_the_subject_is_on_every_resource(self, bank: Bank) -> None:
        summary = summary_of(bank, {"use_any": False})
        summary = summary._replace(answers=summary.answers._replace(subject="Patient/123"))
        data = fhir.response_bundle(summary, counter())
        Bundle.model_validate(data)
        for entry in data["entry"]:
            assert entry["resource"]["subject"] == {"reference": "Patient/123"}

    def test_without_one_no_resource_has_a_subject(self, bank: Bank) -> None:
        data = bundle_of(bank, {"use_any": False})
        assert all("subject" not in e["resource"] for e in data["entry"])


def xhtml(resource: Mapping[str, Any]) -> str:
    """The narrative's text, after checking it is well-formed XHTML in a plain `div`."""
    from xml.etree import ElementTree

    text = resource["text"]
    assert text["status"] == "generated"
    div = ElementTree.fromstring(text["div"])
    assert div.tag == "{http://www.w3.org/1999/xhtml}div"
    tags = {e.tag.split("}")[1] for e in div.iter()}
    assert tags <= {"div", "p", "b", "ul", "ol", "li"}, tags
    return " ".join(" ".join(div.itertext()).split())


class TestNarrative:
    """Every resource carries a narrative a person can read, made from its own data."""

    def test_the_response_narrative_lists_each_answer_by_section(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        text = xhtml(response(bundle_of(bank, sets["multi_answers"])))
        who = f"Who is this screening about?: {bank.perspectives['self']}"
        assert text.startswith(f"{bank.title} {who} {bank.section('use').title} ")
        assert f"{bank.question('craving').short}: yes" in text
        assert f"{bank.question('opioids_which').short}: Heroin, Fentanyl from the street" in text

    def test_a_part_way_response_says_it_was_not_finished(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        text = xhtml(response(bundle_of(bank, sets["partial_with_skips"])))
        assert f"{bank.question('tolerance').short}: skipped" in text
        assert text.endswith("This screening was not finished: 30 questions were not reached.")

    def test_each_observation_narrative_says_its_value_and_notes(
        self, bank: Bank, sets: dict[str, dict[str, Value]]
    ) -> None:
        data = bundle_of(bank, sets["partial_with_skips"])
        count = observation(data, "criteria-count")
        assert count is not None
        text = xhtml(count)
        assert text.startswith("DSM-5 opioid use disorder criteria endorsed (self-screen) : 1 ")
        assert "Highest possible count: 4" in text
        assert "3 of the 11 criteria were not answered" in text
        severity = observation(data, "severity")
        assert severity is not None
        shown = severity["valueCodeableConcept"]["text"]
        high = severity["component"][0]["valueCodeableConcept"]["text"]
        assert f"(self-screen, not a diagnosis) : {shown} Highest possible severity: {high}" in (
            xhtml(severity)
        )

    def test_a_demo_narrative_starts_with_the_demo_line(self, bank: Bank) -> None:
        data = bundle_of(bank, {"use_any": False}, demo="Jordan")
        for entry in data["entry"]:
            assert xhtml(entry["resource"]).startswith("DEMO: fictional answers (persona: Jordan)")
            assert entry["resource"]["meta"]["tag"] == [
                {"system": "urn:screener:demo-persona", "code": "Jordan", "display": "Jordan"}
            ]

    def test_bank_text_is_escaped_never_markup(self, make_bank: Callable[..., Bank]) -> None:
        def angle(data: dict[str, Any]) -> None:
            data["title"] = "<script>x</script> & Co"
            data["sections"][-1]["questions"][0]["short"] = "<b>alone</b>"

        small = make_bank(angle)
        form = fhir.questionnaire(small)
        assert xhtml(form).startswith("<script>x</script> & Co")
        data = bundle_of(small, {"use_any": True, "safety_alone": True})
        assert "<b>alone</b>: yes" in xhtml(response(data))

    def test_the_questionnaire_narrative_lists_every_question(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        text = xhtml(form)
        for q in bank.questions:
            if q.role is not Role.CONSENT:
                assert " ".join(str(q.text).split()) in text, q.id


ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"


class TestFormHints:
    """What a forms tool needs to show the Questionnaire as screener does."""

    def test_it_says_who_published_it_when_and_about_whom(self, form: dict[str, Any]) -> None:
        assert form["subjectType"] == ["Patient"]
        assert form["publisher"] == "screener developers"
        assert form["date"] == "2026-12-07"
        assert form["language"] == "en"

    def test_a_bank_without_publisher_or_date_leaves_them_out(
        self, make_bank: Callable[..., Bank]
    ) -> None:
        form = fhir.questionnaire(make_bank())
        assert "publisher" not in form and "date" not in form

    def test_choices_are_radio_buttons_and_multi_answers_check_boxes(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        for item in questions_of(form["item"]):
            q = bank.question(item["linkId"])
            controls = [e for e in item.get("extension", []) if e["url"] == ITEM_CONTROL]
            if q.kind is Kind.YES_NO and not q.unknown:
                assert controls == [], q.id
                continue
            (control,) = controls  # a yes/no with "don't know" is a choice of three
            code = control["valueCodeableConcept"]["coding"][0]["code"]
            assert code == ("check-box" if q.kind is Kind.MULTI else "radio-button"), q.id

    def test_only_none_of_these_and_dont_know_are_exclusive(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        exclusive = [
            (item["linkId"], option["valueCoding"]["code"])
            for item in questions_of(form["item"])
            for option in item.get("answerOption", [])
            if any(e["url"] == EXCLUSIVE for e in option.get("extension", []))
        ]
        nones = [
            (q.id, "none")
            for q in bank.questions
            if q.kind is Kind.MULTI and any(o.value == "none" for o in q.options)
        ]
        dont_know = [
            (q.id, "asked-unknown") for q in bank.questions if q.kind is Kind.MULTI and q.unknown
        ]
        assert sorted(exclusive) == sorted(nones + dont_know)
        assert dont_know  # about_which takes "don't know"
        assert nones  # the default bank has at least one


# Someone worried about another person: every question of the `other` perspective answered
# yes, "don't know" to one, skipped another.
THEIRS: dict[str, Value] = {
    "about_use_any": True,
    "about_which": ("heroin",),
    "about_cut_down": "unknown",
    "about_time_spent": None,
    "about_role_failure": True,
    "about_social_problems": True,
    "about_activities_given_up": False,
    "about_hazardous_use": False,
    "about_despite_harm": False,
    "about_withdrawal": True,
    "about_nodding": False,
    "about_marks": False,
    "about_gear": False,
    "about_money": False,
    "about_overdose": True,
    "about_alone": False,
    "about_break": False,
    "about_mixing": False,
    "about_naloxone": True,
    "about_unsafe": False,
    "about_open": False,
}


THEIR_CUT_DOWN = "Could not cut down"  # the bank's short label of about_cut_down


@pytest.fixture(scope="module")
def theirs(bank: Bank) -> dict[str, Any]:
    answers = Answers(bank.id, bank.version, OTHER, dict(THEIRS))
    summary = Summary(bank, answers, score(bank, answers), CREATED)
    data = fhir.response_bundle(summary, counter())
    Bundle.model_validate(data)
    return data


class TestAboutSomeoneElse:
    """Answers given about another person say so: `source` is a contained RelatedPerson."""

    def test_the_answers_come_from_a_related_person_not_the_subject(
        self, theirs: dict[str, Any]
    ) -> None:
        qr = response(theirs)
        contained = {r["id"]: r for r in qr["contained"]}
        assert qr["subject"]["reference"] == "#subject"
        assert qr["source"]["reference"] == "#informant"
        assert contained["informant"]["resourceType"] == "RelatedPerson"
        assert contained["informant"]["patient"] == {"reference": "#subject"}
        assert contained["subject"] == {"resourceType": "Patient", "id": "subject"}

    def test_nothing_could_tell_who_either_person_is(self, theirs: dict[str, Any]) -> None:
        for resource in response(theirs)["contained"]:
            assert set(resource) <= {"resourceType", "id", "patient"}

    def test_who_it_is_about_is_the_first_answer(self, theirs: dict[str, Any]) -> None:
        who = response(theirs)["item"][0]
        assert who["linkId"] == WHO
        assert [a["valueCoding"]["code"] for a in who["answer"]] == ["other"]

    def test_dont_know_is_marked_asked_unknown_and_a_skip_is_not(
        self, theirs: dict[str, Any]
    ) -> None:
        by_id = {i["linkId"]: i for i in questions_of(response(theirs)["item"])}
        unsure = by_id["about_cut_down"]
        assert "answer" not in unsure
        assert unsure["extension"] == [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "asked-unknown",
            }
        ]
        assert set(by_id["about_time_spent"]) == {"linkId", "text"}  # skipped: no answer, no mark

    def test_there_is_no_severity_only_the_count_seen_with_its_range(
        self, theirs: dict[str, Any]
    ) -> None:
        assert observation(theirs, "severity") is None
        assert observation(theirs, "criteria-count") is None
        seen = observation(theirs, "criteria-count-observed")
        assert seen is not None
        assert seen["valueInteger"] == 3  # role_failure, social_problems, withdrawal
        (top,) = seen["component"]
        assert top["valueInteger"] == 8  # and cut_down, time_spent, and the three unseen
        notes = " ".join(n["text"] for n in seen["note"])
        assert "not by the person themselves" in notes
        assert "mild" not in notes and "severe" not in notes

    def test_the_questionnaire_offers_both_perspectives(self, form: dict[str, Any]) -> None:
        who = form["item"][0]
        assert who["linkId"] == WHO
        assert [o["valueCoding"]["code"] for o in who["answerOption"]] == ["self", "other"]
        by_id = {i["linkId"]: i for i in leaves(form["item"])}
        (chosen, use) = by_id["section-about_signs"]["enableWhen"]
        assert chosen["answerCoding"]["code"] == "other"
        assert use["question"] == "about_use_any"
        assert by_id["about_cut_down"]["text"].startswith("Have they tried to stop")

    def test_about_whom_is_a_radio_button_and_in_the_narrative(
        self, bank: Bank, form: dict[str, Any]
    ) -> None:
        who = form["item"][0]
        (control,) = who["extension"]
        assert control["valueCodeableConcept"]["coding"][0]["code"] == "radio-button"
        text = xhtml(form)
        assert text.startswith(f"{bank.title} Who is this screening about? Myself Someone I care")
        assert " ".join(str(bank.question("about_cut_down").text).split()) in text

    def test_the_narrative_says_whose_account_it_is(self, theirs: dict[str, Any]) -> None:
        text = xhtml(response(theirs))
        assert "Who is this screening about?: Someone I care about" in text
        assert "not by the person themselves" in text
        assert f"{THEIR_CUT_DOWN}: don't know" in text

    def test_a_subject_names_the_person_it_is_about_and_the_source_stays_contained(
        self, bank: Bank
    ) -> None:
        answers = Answers(bank.id, bank.version, OTHER, dict(THEIRS), subject="Patient/123")
        data = fhir.response_bundle(
            Summary(bank, answers, score(bank, answers), CREATED), counter()
        )
        Bundle.model_validate(data)
        qr = response(data)
        assert qr["subject"] == {"reference": "Patient/123"}
        assert qr["contained"] == [
            {"resourceType": "RelatedPerson", "id": "informant", "patient": qr["subject"]}
        ]
        assert qr["source"]["reference"] == "#informant"
        (count,) = resources(data, "Observation")
        assert count["subject"] == {"reference": "Patient/123"}
