"""Every FHIR export checked by clients nobody here wrote, offline: HL7's official R4 JSON
Schema (tests/fhir/fhir.schema.json.gz, see tests/fhir/README.md) and the `fhir.resources`
models (R4B, whose Questionnaire, QuestionnaireResponse, Observation and Bundle are R4's)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft6Validator, validators
from jsonschema.exceptions import best_match
from pydantic import ValidationError
from test_fhir import (
    NAMES,
    SHAPES,
    THEIRS,
    answer_sets,
    counter,
    summary_of,
    values_for,
    with_condition,
)

from screener import i18n
from screener.core.model import OTHER, Bank
from screener.core.scoring import result_json, score
from screener.files.answers import parse_answers
from screener.files.bank import load_bank
from screener.screens.demo import load_personas
from screener.summaries import fhir

HERE = Path(__file__).parent / "fhir"
with gzip.open(HERE / "fhir.schema.json.gz", "rt", encoding="utf-8") as _f:
    R4_SCHEMA = json.load(_f)
# Where a resource may be any of R4's 146 types (a Bundle entry, a contained resource), the
# schema says `oneOf` them and names `resourceType` as its `discriminator`: each type's schema
# holds its own `resourceType` as a `const`, so only that one can match. Checking that one alone
# means the same and takes a second rather than a minute for a response with `contained`
# resources in a Bundle (every type would otherwise check the contained ones, 146 x 146 times).
_BY_TYPE = R4_SCHEMA["discriminator"]["mapping"]


def _one_resource_of(validator: Any, one_of: Any, instance: Any, schema: Any) -> Any:
    kind = instance.get("resourceType") if isinstance(instance, dict) else None
    ref = _BY_TYPE.get(kind) if isinstance(kind, str) else None
    if ref is not None and {"$ref": ref} in one_of:
        yield from validator.descend(instance, {"$ref": ref})
    else:
        yield from Draft6Validator.VALIDATORS["oneOf"](validator, one_of, instance, schema)


R4 = validators.extend(Draft6Validator, {"oneOf": _one_resource_of})(R4_SCHEMA)


def r4_problem(resource: dict[str, Any]) -> str | None:
    """The R4 JSON Schema's most telling complaint about `resource`, or None."""
    error = best_match(R4.iter_errors(resource))
    return None if error is None else f"{error.json_path}: {error.message[:300]}"


def check(resource: dict[str, Any]) -> None:
    """Both validators take `resource`."""
    assert r4_problem(resource) is None
    model = {
        "Bundle": Bundle,
        "Questionnaire": Questionnaire,
        "QuestionnaireResponse": QuestionnaireResponse,
    }[resource["resourceType"]]
    model.model_validate(resource)


def with_subject(bank: Bank, values: dict[str, Any], **more: Any) -> Any:
    summary = summary_of(bank, values, **more)
    return summary._replace(answers=summary.answers._replace(subject="Patient/123"))


class TestTheValidatorsCatchMistakes:
    """A broken export fails each validator, so a pass means something."""

    def test_a_wrong_code_an_unknown_element_and_a_bad_request(self, bank: Bank) -> None:
        data = fhir.response_bundle(summary_of(bank, {"use_any": False}), counter())
        data["entry"][0]["request"]["method"] = "SEND"
        assert r4_problem(data) == (
            "$.entry[0].request.method: 'SEND' is not one of "
            "['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']"
        )
        data["entry"][0]["request"]["methd"] = "POST"  # fhir.resources checks elements, not codes
        with pytest.raises(ValidationError):
            Bundle.model_validate(data)
        theirs = fhir.response_bundle(summary_of(bank, THEIRS, perspective=OTHER), counter())
        qr = theirs["entry"][0]["resource"]
        qr["contained"][1]["patient"] = {"reference": 3}  # a number where R4 wants a string
        assert r4_problem(theirs) is not None
        qr["contained"][1] = {"resourceType": "RelatedPersons", "id": "informant"}
        assert r4_problem(theirs) is not None
        form = fhir.questionnaire(bank)
        form["item"][0]["typ"] = "group"
        assert r4_problem(form) is not None
        with pytest.raises(ValidationError):
            Questionnaire.model_validate(form)


class TestEveryExport:
    """The Questionnaire and every shape of Bundle pass both validators."""

    def test_the_questionnaire_of_the_default_bank(self, bank: Bank) -> None:
        check(fhir.questionnaire(bank))

    @pytest.mark.parametrize(("name", "condition", "_"), SHAPES, ids=[s[0] for s in SHAPES])
    def test_the_questionnaire_of_a_bank_with_each_shape_of_condition(
        self, make_bank: Callable[..., Bank], name: str, condition: dict[str, Any], _: object
    ) -> None:
        check(fhir.questionnaire(make_bank(with_condition(condition))))

    @pytest.mark.parametrize("kind", [fhir.TRANSACTION, fhir.COLLECTION])
    @pytest.mark.parametrize("name", NAMES)
    def test_each_answer_set_as_each_bundle(self, bank: Bank, name: str, kind: str) -> None:
        values = answer_sets(bank)[name]
        for summary in (
            summary_of(bank, values),
            summary_of(bank, values, demo="Riley", created="2026-11-21"),
            with_subject(bank, values),
        ):
            bundle = fhir.response_bundle(summary, counter(), kind)
            check(bundle)
            check(bundle["entry"][0]["resource"])

    @settings(max_examples=30, deadline=None)
    @given(data=st.data())
    def test_any_answers_to_the_default_bank(self, bank: Bank, data: st.DataObject) -> None:
        values = data.draw(values_for(bank))
        check(fhir.response_bundle(summary_of(bank, values), counter()))

    @pytest.mark.parametrize("kind", [fhir.TRANSACTION, fhir.COLLECTION])
    def test_answers_about_someone_else(self, bank: Bank, kind: str) -> None:
        """Each `other` persona's answers and a set with "don't know" and a skip: without a
        subject (a contained Patient), as a demo, and with a clinic's subject."""
        sets = [p.values for p in load_personas(None, bank) if p.perspective == OTHER]
        assert len(sets) >= 2
        for values in [*sets, THEIRS]:
            for summary in (
                summary_of(bank, values, perspective=OTHER),
                summary_of(bank, values, demo="Terry", perspective=OTHER),
                with_subject(bank, values, perspective=OTHER),
            ):
                bundle = fhir.response_bundle(summary, counter(), kind)
                check(bundle)
                check(bundle["entry"][0]["resource"])

    @settings(max_examples=30, deadline=None)
    @given(data=st.data())
    def test_any_answers_about_someone_else(self, bank: Bank, data: st.DataObject) -> None:
        values = data.draw(values_for(bank, OTHER))
        check(fhir.response_bundle(summary_of(bank, values, perspective=OTHER), counter()))


def test_in_spanish_they_pass_too_and_read_back_in_english(bank: Bank) -> None:
    """A Spanish run's Questionnaire and Bundle (about someone else, with a subject) pass both
    validators, say `es`, and score the same read by screener in English: codes carry the
    answers, not words."""
    with i18n.speaking("es"):
        spanish = load_bank(language="es")
        form = fhir.questionnaire(spanish)
        bundle = fhir.response_bundle(with_subject(spanish, THEIRS, perspective=OTHER), counter())
    check(form)
    check(bundle)
    assert form["language"] == bundle["entry"][0]["resource"]["language"] == "es"
    assert form["item"][0]["text"] == "¿Sobre quién es esta evaluación?"
    again, _ = parse_answers(json.dumps(bundle), bank, "es.json")
    assert (again.perspective, again.subject) == (OTHER, "Patient/123")
    before = summary_of(bank, THEIRS, perspective=OTHER).result
    assert result_json(score(bank, again)) == result_json(before)


@pytest.mark.parametrize("name", ["lhc-forms-response.json", "lhc-forms-other.json"])
def test_the_lhc_forms_responses_are_r4_too(name: str) -> None:
    """The third party's own output, for comparison: LHC-Forms 40.1.3's responses are valid R4."""
    check(json.loads((HERE / name).read_text("utf-8")))
