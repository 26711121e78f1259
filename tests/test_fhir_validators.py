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
from jsonschema import Draft6Validator
from jsonschema.exceptions import best_match
from pydantic import ValidationError
from test_fhir import NAMES, SHAPES, answer_sets, counter, summary_of, values_for, with_condition

from screener.core.model import Bank
from screener.summaries import fhir

HERE = Path(__file__).parent / "fhir"
with gzip.open(HERE / "fhir.schema.json.gz", "rt", encoding="utf-8") as _f:
    R4_SCHEMA = json.load(_f)
R4 = Draft6Validator(R4_SCHEMA)


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


def test_the_lhc_forms_response_is_r4_too() -> None:
    """The third party's own output, for comparison: LHC-Forms 40.1.3's response is valid R4."""
    data = json.loads((HERE / "lhc-forms-response.json").read_text("utf-8"))
    check(data)
