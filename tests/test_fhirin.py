"""FHIR in: a QuestionnaireResponse (alone or in a Bundle) reads as answers wherever an answers
file does, from screener's own exports and from LHC-Forms, with located errors otherwise."""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import yes_to_values
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fhir import (
    NAMES,
    THEIRS,
    answer_sets,
    complete,
    counter,
    summary_of,
    values_for,
)
from typer.testing import CliRunner

from screener.cli import app
from screener.core.conditions import applicable
from screener.core.model import NONE_OPTION, OTHER, UNKNOWN, WHO, Bank, Role, Value
from screener.core.scoring import result_json, score
from screener.errors import AnswersError, ExportError
from screener.files.answers import parse_answers
from screener.screens.demo import load_personas
from screener.summaries import fhir

HERE = Path(__file__).parent / "fhir"
# A response LHC-Forms 40.1.3 made in headless Chromium from `screener questions --fhir`,
# filled in by clicking (tests/fhir/lhc-forms-clicks.json lists the clicks): it leaves out
# every item without an answer, says `completed`, and adds `ordinalValue` extensions.
LHC_FORMS = HERE / "lhc-forms-response.json"
# The same, with "Alcohol" and "None of these" both ticked: LHC-Forms 40.1.3 does not enforce
# `questionnaire-optionExclusive` (its sdc-support.md lists it as not yet supported).
LHC_FORMS_BOTH = HERE / "lhc-forms-none-with-alcohol.json"
# LHC-Forms 40.1.3 again, from the Questionnaire that asks "Who is this screening about?" first:
# "Someone I care about", then the observer's questions (tests/fhir/lhc-forms-other-clicks.json).
LHC_FORMS_OTHER = HERE / "lhc-forms-other.json"


def exported(bank: Bank, values: Mapping[str, Value], kind: str = fhir.TRANSACTION, **more: Any):
    """screener's own FHIR export of `values`, as parsed JSON."""
    return fhir.response_bundle(summary_of(bank, values, **more), counter(), kind)


def read(data: Any, bank: Bank, name: str = "r.json") -> Any:
    """The answers a FHIR document reads as, from its pretty-printed JSON text."""
    answers, _ = parse_answers(json.dumps(data, indent=2), bank, name)
    return answers


def problems(data: Any, bank: Bank) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(json.dumps(data, indent=2), bank, "r.json")
    return list(caught.value.problems)


def asked(bank: Bank, values: Mapping[str, Value], perspective: str = "self") -> dict[str, Value]:
    """The answers an export keeps: those to questions that apply, consent aside."""
    _, counted = applicable(bank.about(perspective), values)
    consent = bank.by_role(Role.CONSENT)
    return {k: v for k, v in counted.items() if consent is None or k != consent.id}


def response_of(bundle: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(bundle["entry"][0]["resource"])


def item(qr: dict[str, Any], link: str) -> dict[str, Any]:
    def walk(items: list[dict[str, Any]]) -> dict[str, Any] | None:
        for i in items:
            if i["linkId"] == link:
                return i
            found = walk(i.get("item", []))
            if found is not None:
                return found
        return None

    found = walk(qr["item"])
    assert found is not None, link
    return found


def valid(values: Mapping[str, Value]) -> bool:
    """No "none of these" beside another option: screener never makes such an answer."""
    return not any(
        isinstance(v, tuple) and NONE_OPTION in v and len(v) > 1 for v in values.values()
    )


class TestRoundTrip:
    """screener's export -> score gives the same answers and the same result."""

    @pytest.mark.parametrize("kind", [fhir.TRANSACTION, fhir.COLLECTION, "response"])
    @pytest.mark.parametrize("name", NAMES)
    def test_each_answer_set_scores_the_same_from_its_export(
        self, bank: Bank, name: str, kind: str
    ) -> None:
        values = answer_sets(bank)[name]
        bundle = exported(bank, values, fhir.COLLECTION if kind == "response" else kind)
        data = response_of(bundle) if kind == "response" else bundle
        again = read(data, bank)
        assert dict(again.values) == asked(bank, values)
        assert result_json(score(bank, again)) == result_json(summary_of(bank, values).result)

    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def test_any_answers_to_the_default_bank_score_the_same_from_their_export(
        self, bank: Bank, data: st.DataObject
    ) -> None:
        values = data.draw(values_for(bank).filter(valid))
        again = read(exported(bank, values), bank)
        assert result_json(score(bank, again)) == result_json(summary_of(bank, values).result)

    def test_a_demo_reads_back_as_the_same_persona(self, bank: Bank) -> None:
        again = read(exported(bank, {"use_any": False}, demo="Sam  Two"), bank)
        assert again.demo == "Sam  Two"

    def test_when_it_was_taken_and_whom_it_is_about_read_back(self, bank: Bank) -> None:
        summary = summary_of(bank, {"use_any": False}, created="2026-11-21T23:40:00+01:00")
        summary = summary._replace(answers=summary.answers._replace(subject="Patient/123"))
        again = read(fhir.response_bundle(summary, counter()), bank)
        assert again.created == "2026-11-21T23:40:00+01:00"
        assert again.subject == "Patient/123"

    def test_a_part_way_export_stays_part_way(self, bank: Bank) -> None:
        values = answer_sets(bank)["partial_with_skips"]
        again = read(exported(bank, values), bank)
        result = score(bank, again)
        assert not result.complete
        assert result.not_reached == summary_of(bank, values).result.not_reached


class TestLhcForms:
    """A response made by LHC-Forms from screener's Questionnaire scores as it was clicked."""

    def test_it_reads_with_the_questions_left_blank_as_skipped(self, bank: Bank) -> None:
        answers, warnings = parse_answers(LHC_FORMS.read_text("utf-8"), bank, "lhc.json")
        # Made with version 2.0.0: it still scores, and the warnings name what changed.
        assert warnings == [
            "lhc.json: answers were given to version '2.0.0' of the bank; checking them "
            "against version '3.0.0'",
            "lhc.json: 1 answer is to a question this version does not ask here: "
            "prescribed_only; it is ignored",
        ]
        values = dict(answers.values)
        assert values["opioids_which"] == ("heroin", "fentanyl")
        assert values["opioids_how"] == ("smoke", "inject")
        assert values["sows_anxious"] == 2
        assert values["sows_yawning"] == 1
        assert values["safety_alone"] is True
        assert values["ctx_other_substances"] == ("alcohol",)
        # Never clicked, so left out by LHC-Forms; the response is `completed`: skipped.
        assert values["social_problems"] is None
        assert values["sows_nose"] is None
        result = score(bank, answers)
        assert result.complete
        assert (result.count, result.count_max) == (5, 9)
        assert answers.created == "2026-12-01T03:55:27.083000+00:00"

    def test_answers_about_someone_else_read_by_about_whom(self, bank: Bank) -> None:
        answers, warnings = parse_answers(LHC_FORMS_OTHER.read_text("utf-8"), bank, "lhc.json")
        assert warnings == [
            "lhc.json: answers were given to version '2.0.0' of the bank; checking them "
            "against version '3.0.0'"
        ]
        assert answers.perspective == OTHER
        values = dict(answers.values)
        assert values["about_which"] == ("heroin", "fentanyl")
        assert values["about_social_problems"] is False
        assert values["about_activities_given_up"] is None  # never clicked: skipped
        assert "about_prescribed_only" not in values  # not asked: no pain medicine ticked
        result = score(bank, answers)
        assert result.complete
        assert (result.count, result.count_max) == (6, 10)

    def test_none_with_another_option_is_a_located_error(self, bank: Bank) -> None:
        text = LHC_FORMS_BOTH.read_text("utf-8")
        with pytest.raises(AnswersError) as caught:
            parse_answers(text, bank, "lhc.json")
        (line,) = caught.value.problems
        where = text.splitlines().index('          "linkId": "ctx_other_substances",') + 1
        assert line.startswith("lhc.json:")
        assert line.endswith(
            "item[5].item[0].answer: ctx_other_substances: 'none' cannot be listed with "
            "other options"
        )
        assert int(line.split(":")[1]) < where  # the item's `answer`, above its linkId


DAR = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


def theirs(bank: Bank, values: Mapping[str, Value] = THEIRS, **more: Any) -> dict[str, Any]:
    """The QuestionnaireResponse of screener's export of answers about someone else."""
    return response_of(exported(bank, values, fhir.COLLECTION, perspective=OTHER, **more))


def their_personas(bank: Bank) -> dict[str, Mapping[str, Value]]:
    return {p.name: p.values for p in load_personas(None, bank) if p.perspective == OTHER}


class TestAboutSomeoneElse:
    """Answers about someone else read back as that: the perspective, "don't know", the result."""

    @pytest.mark.parametrize("kind", [fhir.TRANSACTION, fhir.COLLECTION, "response"])
    @pytest.mark.parametrize("name", ["terry", "jamie"])
    def test_each_persona_about_someone_else_scores_the_same_from_its_export(
        self, bank: Bank, name: str, kind: str
    ) -> None:
        values = their_personas(bank)[name]
        bundle = exported(
            bank, values, fhir.COLLECTION if kind == "response" else kind, perspective=OTHER
        )
        again = read(response_of(bundle) if kind == "response" else bundle, bank)
        assert again.perspective == OTHER
        assert dict(again.values) == asked(bank, values, OTHER)
        before = summary_of(bank, values, perspective=OTHER).result
        assert result_json(score(bank, again)) == result_json(before)

    @settings(max_examples=60, deadline=None)
    @given(data=st.data())
    def test_any_answers_about_someone_else_score_the_same_from_their_export(
        self, bank: Bank, data: st.DataObject
    ) -> None:
        values = data.draw(values_for(bank, OTHER).filter(valid))
        again = read(exported(bank, values, perspective=OTHER), bank)
        assert again.perspective == OTHER
        before = summary_of(bank, values, perspective=OTHER).result
        assert result_json(score(bank, again)) == result_json(before)

    def test_dont_know_reads_back_as_unknown_and_a_skip_as_a_skip(self, bank: Bank) -> None:
        again = read(theirs(bank), bank)
        assert again.values["about_cut_down"] == UNKNOWN
        assert again.values["about_time_spent"] is None

    def test_the_contained_patient_is_no_subject_and_a_clinic_subject_reads_back(
        self, bank: Bank
    ) -> None:
        assert read(theirs(bank), bank).subject is None  # `#subject`: no one the clinic knows
        summary = summary_of(bank, THEIRS, perspective=OTHER)
        summary = summary._replace(answers=summary.answers._replace(subject="Patient/123"))
        again = read(fhir.response_bundle(summary, counter()), bank)
        assert (again.perspective, again.subject) == (OTHER, "Patient/123")

    def test_a_related_person_as_the_source_says_so_without_about_whom(self, bank: Bank) -> None:
        qr = theirs(bank)
        assert qr["item"][0]["linkId"] == WHO
        del qr["item"][0]
        assert read(qr, bank).perspective == OTHER
        qr.update(contained=[], source={"reference": "RelatedPerson/7"}, subject=None)
        assert read(qr, bank).perspective == OTHER

    def test_the_questions_alone_say_whom_the_answers_are_about(self, bank: Bank) -> None:
        qr = theirs(bank)
        for key in ("contained", "source", "subject"):
            del qr[key]
        del qr["item"][0]
        again = read(qr, bank)
        assert again.perspective == OTHER
        assert result_json(score(bank, again)) == result_json(
            summary_of(bank, THEIRS, perspective=OTHER).result
        )

    def test_dont_know_may_stand_on_the_answer_and_declined_is_a_skip(self, bank: Bank) -> None:
        qr = theirs(bank)
        unsure = item(qr, "about_cut_down")
        unsure["answer"] = [{"extension": unsure.pop("extension")}]
        declined = item(qr, "about_role_failure")
        del declined["answer"]
        declined["extension"] = [{"url": DAR, "valueCode": "asked-declined"}]
        again = read(qr, bank)
        assert again.values["about_cut_down"] == UNKNOWN
        assert again.values["about_role_failure"] is None

    def test_the_caseload_reads_an_export_about_someone_else_as_its_answers_file(
        self, runner: CliRunner, bank: Bank, tmp_path: Path
    ) -> None:
        answers_file = tmp_path / "jamie.yaml"
        values = their_personas(bank)["jamie"]
        answers_file.write_text(
            yaml.safe_dump(
                {
                    "format": "screener-answers/1",
                    "bank": {"id": bank.id, "version": bank.version},
                    "perspective": OTHER,
                    "created": "2026-11-21T23:40:00+01:00",
                    "answers": {
                        k: list(v) if isinstance(v, tuple) else v for k, v in values.items()
                    },
                }
            ),
            "utf-8",
        )
        exported_file = tmp_path / "jamie.fhir.json"
        args = ["score", str(answers_file), "--export", str(exported_file)]
        assert runner.invoke(app, args).exit_code == 0
        result = runner.invoke(app, ["score", "--csv", str(answers_file), str(exported_file)])
        assert result.exit_code == 0, result.stderr
        header, *rows = csv.reader(io.StringIO(result.stdout))
        assert len(rows) == 2
        assert rows[0][1:] == rows[1][1:]
        assert rows[1][header.index("perspective")] == OTHER
        for again in ("--json", "--plain"):
            one = runner.invoke(app, ["score", str(answers_file), again])
            two = runner.invoke(app, ["score", str(exported_file), again])
            assert one.stdout.replace(str(answers_file), "F") == two.stdout.replace(
                str(exported_file), "F"
            )


class TestAboutSomeoneElseProblems:
    """A response that contradicts itself about whom it is about is one located problem."""

    def test_about_whom_myself_beside_questions_about_someone_else(self, bank: Bank) -> None:
        qr = theirs(bank)
        for key in ("contained", "source", "subject"):
            del qr[key]
        qr["item"][0]["answer"][0]["valueCoding"]["code"] = "self"
        (problem,) = problems(qr, bank)
        assert problem.endswith(
            "item[0].answer[0].valueCoding.code: the answer is 'self', but about_use_any "
            f"(line {line_of(qr, 'about_use_any')}) is asked only in perspective 'other'"
        )

    def test_about_whom_myself_beside_a_related_person_as_the_source(self, bank: Bank) -> None:
        qr = theirs(bank)
        qr["item"][0]["answer"][0]["valueCoding"]["code"] = "self"
        (problem,) = problems(qr, bank)
        assert ": source.reference: the source is a RelatedPerson, someone answering about " in (
            problem
        )
        assert problem.endswith(
            f"but the answer to about-whom (line {line_of(qr, WHO) + 4}) is 'self'"
        )

    def test_a_related_person_as_the_source_of_answers_about_oneself(self, bank: Bank) -> None:
        qr = response_of(exported(bank, {"use_any": False}))
        del qr["item"][0]
        qr["source"] = {"reference": "RelatedPerson/7"}
        (problem,) = problems(qr, bank)
        assert problem.endswith(
            "source.reference: the source is a RelatedPerson, someone answering about another "
            f"person, but use_any (line {line_of(qr, 'use_any')}) is asked only in perspective "
            "'self'"
        )

    def test_answers_from_both_perspectives_without_saying_which(self, bank: Bank) -> None:
        qr = theirs(bank)
        for key in ("contained", "source", "subject"):
            del qr[key]
        qr["item"][0] = response_of(exported(bank, {"use_any": False}))["item"][1]
        (problem,) = problems(qr, bank)
        assert problem.endswith(
            "item[1].item[0].linkId: about_use_any is asked only in perspective 'other', and "
            f"use_any (line {line_of(qr, 'use_any')}) only in perspective 'self': one response "
            "answers for one perspective (say which in about-whom)"
        )

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                lambda qr: item(qr, WHO)["answer"][0]["valueCoding"].update(code="others"),
                "item[0].answer[0].valueCoding.code: 'others' is not a perspective of this "
                "bank (self, other)",
            ),
            (
                lambda qr: item(qr, WHO)["answer"].append({"valueCoding": {"code": "self"}}),
                "item[0].answer[1]: about-whom takes one answer, got 2",
            ),
            (
                lambda qr: item(qr, WHO).update(answer=[{"valueString": "other"}]),
                "item[0].answer[0]: about-whom is a choice question: expected valueCoding, "
                "not valueString",
            ),
            (
                lambda qr: item(qr, "about_cut_down").update(answer=[{"valueBoolean": True}]),
                "item[2].item[0].extension: about_cut_down has an answer and a reason it has "
                "none: give one",
            ),
            (
                lambda qr: item(qr, "about_cut_down")["extension"][0].update(valueCode="masked"),
                "item[2].item[0].extension[0].valueCode: about_cut_down: screener reads a "
                "data-absent-reason of asked-unknown/unknown (I don't know) or asked-declined "
                "(skipped), got 'masked'",
            ),
            (
                lambda qr: qr["subject"].update(reference="#nobody"),
                "subject.reference: '#nobody' points to no resource contained in this response",
            ),
        ],
    )
    def test_a_mistake_about_whom_or_dont_know(
        self, bank: Bank, change: Callable[[dict[str, Any]], None], message: str
    ) -> None:
        qr = theirs(bank)
        change(qr)
        (problem,) = problems(qr, bank)
        assert problem.endswith(message), problem

    def test_dont_know_where_the_bank_does_not_offer_it(self, bank: Bank) -> None:
        qr = response_of(exported(bank, complete(bank, yes_to_values("craving"))))
        craving = item(qr, "craving")
        del craving["answer"]
        craving["extension"] = [{"url": DAR, "valueCode": "asked-unknown"}]
        (problem,) = problems(qr, bank)
        assert problem.endswith(
            'item[2].item[3].extension: craving cannot be answered "I don\'t know" '
            "(asked-unknown): the bank does not offer it on this question"
        )


def line_of(qr: dict[str, Any], link: str) -> int:
    """The line where `link`'s item opens in the pretty-printed response `problems` reads."""
    text = json.dumps(qr, indent=2).splitlines()
    return text.index(next(t for t in text if t.strip() == f'"linkId": "{link}",'))  # 1-based: {


class TestStatus:
    """`completed` is a finished screening, `in-progress` one left part-way."""

    def test_a_completed_response_counts_a_left_out_question_as_skipped(self, bank: Bank) -> None:
        qr = response_of(exported(bank, complete(bank, yes_to_values("craving"))))
        criteria = item(qr, "section-criteria")
        criteria["item"] = [i for i in criteria["item"] if i["linkId"] != "tolerance"]
        answers = read(qr, bank)
        assert answers.values["tolerance"] is None
        result = score(bank, answers)
        assert result.complete
        assert (result.count, result.count_max) == (1, 2)

    @pytest.mark.parametrize("status", ["in-progress", "stopped"])
    def test_a_part_way_response_leaves_a_left_out_question_not_reached(
        self, bank: Bank, status: str
    ) -> None:
        qr = response_of(exported(bank, complete(bank, yes_to_values("craving"))))
        qr["status"] = status
        criteria = item(qr, "section-criteria")
        criteria["item"] = [i for i in criteria["item"] if i["linkId"] != "tolerance"]
        result = score(bank, read(qr, bank))
        assert result.not_reached == ("tolerance",)


def lines_of(problems: list[str]) -> list[str]:
    """The problems without the line numbers: `FILE: PATH: message`."""
    out = []
    for p in problems:
        name, _line, rest = p.split(":", 2)
        out.append(f"{name}:{rest}")
    return out


class TestProblems:
    """Anything screener cannot read is a problem at its JSON path and line."""

    @pytest.fixture
    def qr(self, bank: Bank) -> dict[str, Any]:
        return response_of(exported(bank, answer_sets(bank)["multi_answers"]))

    def test_an_unknown_link_id_says_which_and_suggests_one(
        self, bank: Bank, qr: dict[str, Any]
    ) -> None:
        item(qr, "craving")["linkId"] = "cravings"
        (problem,) = problems(qr, bank)
        assert problem.endswith(
            "item[2].item[3].linkId: 'cravings' is not a question in this bank "
            "(did you mean 'craving'?)"
        )

    def test_the_line_is_where_the_path_is_in_the_file(
        self, bank: Bank, qr: dict[str, Any]
    ) -> None:
        item(qr, "opioids_which")["answer"][0]["valueCoding"]["code"] = "herion"
        text = json.dumps(qr, indent=2)
        with pytest.raises(AnswersError) as caught:
            parse_answers(text, bank, "r.json")
        (problem,) = caught.value.problems
        line = text.splitlines().index('                "code": "herion",') + 1
        assert problem == (
            f"r.json:{line}: item[1].item[1].answer[0].valueCoding.code: 'herion' is not an "
            "option of opioids_which (heroin, fentanyl, pills_not_prescribed, prescribed_pain, "
            "treatment_medication, other) (did you mean 'heroin'?)"
        )

    @pytest.mark.parametrize(
        ("link", "answer", "message"),
        [
            (
                "craving",
                {"valueString": "yes"},
                "item[2].item[3].answer[0].valueString: craving is a yes_no question: expected "
                "valueBoolean, not valueString",
            ),
            (
                "craving",
                {"valueBoolean": "true"},
                "item[2].item[3].answer[0].valueBoolean: expected true or false, got 'true'",
            ),
            (
                "ctx_attempts",
                {"valueBoolean": True},
                "answer[0].valueBoolean: ctx_attempts is a choice question: expected "
                "valueCoding, not valueBoolean",
            ),
            (
                "ctx_attempts",
                {"valueCoding": {"display": "Many"}},
                "answer[0].valueCoding: expected a Coding with a code",
            ),
            (
                "craving",
                {"valueBoolean": True, "valueString": "yes"},
                "item[2].item[3].answer[0]: expected one value (valueBoolean), got 2",
            ),
            (
                "craving",
                {},
                "item[2].item[3].answer[0]: expected one value (valueBoolean), got 0",
            ),
        ],
    )
    def test_a_value_of_the_wrong_type_names_what_the_question_takes(
        self, bank: Bank, qr: dict[str, Any], link: str, answer: dict[str, Any], message: str
    ) -> None:
        item(qr, link)["answer"] = [answer]
        (problem,) = problems(qr, bank)
        assert problem.endswith(message), problem

    def test_a_scale_takes_a_coding_or_an_integer_on_the_scale(self, bank: Bank) -> None:
        values = {**yes_to_values("craving"), "withdrawal_offer": True, "sows_anxious": 2}
        qr = response_of(exported(bank, values))
        item(qr, "sows_anxious")["answer"] = [{"valueInteger": 3}]
        assert read(qr, bank).values["sows_anxious"] == 3
        item(qr, "sows_anxious")["answer"] = [{"valueInteger": 7}]
        (problem,) = problems(qr, bank)
        assert problem.endswith(
            "answer[0].valueInteger: 7 is not an option of sows_anxious (0, 1, 2, 3, 4)"
        )

    def test_two_answers_to_a_one_answer_question(self, bank: Bank, qr: dict[str, Any]) -> None:
        item(qr, "craving")["answer"] = [{"valueBoolean": True}, {"valueBoolean": False}]
        (problem,) = problems(qr, bank)
        assert problem.endswith("item[2].item[3].answer[1]: craving takes one answer, got 2")

    def test_a_question_answered_twice(self, bank: Bank, qr: dict[str, Any]) -> None:
        criteria = item(qr, "section-criteria")
        criteria["item"].append(copy.deepcopy(criteria["item"][0]))
        (problem,) = problems(qr, bank)
        assert "larger_longer is answered twice (first at item[2].item[0], line " in problem

    def test_another_questionnaire_is_refused_and_another_version_warned_of(
        self, bank: Bank, qr: dict[str, Any]
    ) -> None:
        qr["questionnaire"] = "https://clinic.example/Questionnaire/phq9|2.0"
        (problem,) = problems(qr, bank)
        assert problem.endswith(
            "questionnaire: these answers are for the questionnaire "
            "'https://clinic.example/Questionnaire/phq9', not this bank's "
            "'urn:screener:bank:oud-self-screen' (use --bank with the bank it was made from)"
        )
        qr["questionnaire"] = "urn:screener:bank:oud-self-screen|0.9"
        answers, warnings = parse_answers(json.dumps(qr), bank, "r.json")
        assert warnings == [
            "r.json: answers were given to version '0.9' of the bank; "
            f"checking them against version {bank.version!r}",
            "r.json: 7 answered questions have changed meaning since that version: cut_down, "
            "role_failure, hazardous_use, despite_harm, tolerance, withdrawal, ctx_home; their "
            "answers are counted as given",
        ]
        assert answers.bank_version == "0.9"
        qr["questionnaire"] = "urn:screener:bank:oud-self-screen"  # no version: the bank's
        assert parse_answers(json.dumps(qr), bank, "r.json")[1] == []
        del qr["questionnaire"]
        (problem,) = problems(qr, bank)
        assert "questionnaire: expected the canonical URL of the questionnaire answered" in problem

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                {"status": "entered-in-error"},
                "status: the response was entered in error: it is not scored",
            ),
            (
                {"status": "complete"},
                "status: expected a status (in-progress, stopped, completed, amended, "
                "entered-in-error), got 'complete' (did you mean 'completed'?)",
            ),
            ({"itme": []}, "itme: unknown key 'itme' (did you mean 'item'?)"),
            (
                {"modifierExtension": [{"url": "urn:x", "valueBoolean": True}]},
                "modifierExtension: screener cannot read a modifierExtension, which may change "
                "what this means",
            ),
            (
                {"authored": "yesterday"},
                "authored: expected a FHIR dateTime like 2026-11-21T23:40:00+01:00, got "
                "'yesterday'",
            ),
            (
                {"subject": {"reference": "Patient 1"}},
                "subject.reference: expected a reference like Patient/123 or an absolute URI, "
                "got 'Patient 1'",
            ),
            ({"item": {"linkId": "craving"}}, "item: expected a list of items"),
        ],
    )
    def test_the_response_itself(
        self, bank: Bank, qr: dict[str, Any], change: dict[str, Any], message: str
    ) -> None:
        qr.update(change)
        assert [p.split(": ", 1)[1] for p in problems(qr, bank)] == [message]

    def test_a_group_with_an_answer_and_a_question_with_items(
        self, bank: Bank, qr: dict[str, Any]
    ) -> None:
        item(qr, "section-criteria")["answer"] = [{"valueBoolean": True}]
        item(qr, "craving")["item"] = [{"linkId": "tolerance"}]
        assert sorted(lines_of(problems(qr, bank))) == [
            "r.json: item[2].answer: section-criteria is not a question: it takes no answer",
            "r.json: item[2].item[3].item: craving is a question: it holds no items",
        ]

    def test_a_bundle_must_hold_exactly_one_response(self, bank: Bank) -> None:
        bundle = exported(bank, {"use_any": False})
        two = copy.deepcopy(bundle)
        two["entry"].append(copy.deepcopy(two["entry"][0]))
        (problem,) = problems(two, bank)
        assert problem.endswith(
            "entry[3].resource.resourceType: expected a Bundle holding one "
            "QuestionnaireResponse, found 2"
        )
        none = copy.deepcopy(bundle)
        none["entry"] = none["entry"][1:]
        (problem,) = problems(none, bank)
        assert problem.endswith(
            "entry: expected a Bundle holding one QuestionnaireResponse, found 0"
        )

    def test_a_problem_in_a_bundle_is_placed_under_its_entry(self, bank: Bank) -> None:
        bundle = exported(bank, yes_to_values("craving"))
        item(bundle["entry"][0]["resource"], "craving")["answer"] = [{"valueInteger": 1}]
        (problem,) = problems(bundle, bank)
        assert ": entry[0].resource.item[2].item[3].answer[0].valueInteger: " in problem

    def test_another_resource_is_not_answers(self, bank: Bank) -> None:
        (problem,) = problems(fhir.questionnaire(bank), bank)
        assert problem.endswith(
            "resourceType: expected a QuestionnaireResponse, or a Bundle holding one, "
            "got 'Questionnaire'"
        )

    def test_ignored_parts_are_read_past(self, bank: Bank, qr: dict[str, Any]) -> None:
        """Extensions, ids, texts and the primitive-extension keys are FHIR's, not screener's."""
        qr["_status"] = {"extension": [{"url": "urn:x", "valueString": "x"}]}
        qr["extension"] = [{"url": "urn:x", "valueString": "x"}]
        qr["contained"] = [{"resourceType": "Patient", "id": "p"}]
        craving = item(qr, "craving")
        craving["answer"][0]["extension"] = [{"url": "urn:x", "valueInteger": 1}]
        craving["id"] = "c1"
        craving["definition"] = "urn:x"
        assert read(qr, bank).values["craving"] is True

    def test_a_text_answer_is_cleaned_of_control_characters(
        self, make_bank: Callable[..., Bank]
    ) -> None:
        def add_text(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"].append(
                {"id": "notes", "kind": "text", "text": "Anything else?", "source": ["dsm5"]}
            )

        small = make_bank(add_text)
        qr = response_of(exported(small, {"use_any": True, "notes": "fine"}))
        item(qr, "notes")["answer"] = [{"valueString": "ok\x1b[2Jthen"}]
        assert read(qr, small).values["notes"] == "okthen"


NOTES = 140  # written answers in a bank: enough for a FHIR export of the longest past 2 MiB


class TestTextAnswersAreBounded:
    """A written answer is at most MAX_TEXT_ANSWER characters, so every export reads back."""

    @pytest.fixture
    def many_notes(self, make_bank: Callable[..., Bank]) -> Bank:
        def add_text(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"].extend(
                {"id": f"notes_{i}", "kind": "text", "text": "Anything else?", "source": ["dsm5"]}
                for i in range(NOTES)
            )

        return make_bank(add_text)

    def test_the_longest_answers_export_and_read_back_in_every_format(
        self, many_notes: Bank
    ) -> None:
        """Many written answers of the longest, in 4-byte characters: what would be over the
        limit is refused (the FHIR formats here), what is written reads back (JSON)."""
        from screener.core.kinds import MAX_TEXT_ANSWER
        from screener.files.readfile import MAX_FILE_BYTES
        from screener.summaries import export

        long = "\U0001d54f" * MAX_TEXT_ANSWER
        values: dict[str, Value] = {"use_any": True}
        values |= {f"notes_{i}": long for i in range(NOTES)}
        summary = summary_of(many_notes, values)
        refused = []
        for fmt in sorted(export.READ_BACK):
            try:
                text = export.render(fmt, summary)
            except ExportError as exc:  # refused, never written too large to read
                assert "more than the 2 MiB screener can read back" in exc.message
                refused.append(fmt)
                continue
            assert len(text.encode("utf-8")) <= MAX_FILE_BYTES
            assert parse_answers(text, many_notes)[0].values["notes_0"] == long
        assert refused == ["fhir", "fhir-collection"]

    def test_a_longer_answer_in_a_file_is_a_located_problem(self, many_notes: Bank) -> None:
        qr = response_of(exported(many_notes, {"use_any": True, "notes_3": "fine"}))
        item(qr, "notes_3")["answer"] = [{"valueString": "x" * 1_900_000}]
        found = problems(qr, many_notes)
        assert any("expected text of at most 2,000 characters, got 1,900,000" in p for p in found)

    def test_a_longer_typed_answer_is_asked_again(self, many_notes: Bank) -> None:
        from screener.screens.interview import parse_reply

        reply = parse_reply(many_notes.question("notes_0"), "y" * 2001)
        assert reply.value is None
        assert reply.hint == "expected text of at most 2,000 characters, got 2,001"


class TestCommandLine:
    """score, run --answers and the caseload read FHIR files as they read answers files."""

    @pytest.fixture
    def exported_file(self, bank: Bank, tmp_path: Path) -> Path:
        path = tmp_path / "screening.fhir.json"
        path.write_text(json.dumps(exported(bank, answer_sets(bank)["multi_answers"])), "utf-8")
        return path

    def test_score_json_of_an_export_is_the_result_it_was_made_from(
        self, runner: CliRunner, bank: Bank, exported_file: Path
    ) -> None:
        result = runner.invoke(app, ["score", str(exported_file), "--json"])
        assert result.exit_code == 0, result.stderr
        expected = result_json(summary_of(bank, answer_sets(bank)["multi_answers"]).result)
        assert json.loads(result.stdout) == expected

    def test_export_score_export_keeps_the_answers_and_the_subject(
        self, runner: CliRunner, exported_file: Path, tmp_path: Path
    ) -> None:
        first = tmp_path / "first.fhir.json"
        again = tmp_path / "again.fhir.json"
        args = ["score", str(exported_file), "--subject", "Patient/123", "--export", str(first)]
        assert runner.invoke(app, args).exit_code == 0
        assert runner.invoke(app, ["score", str(first), "--export", str(again)]).exit_code == 0
        one, two = (json.loads(p.read_text("utf-8")) for p in (first, again))
        for data in (one, two):
            for entry in data["entry"]:
                assert entry["resource"]["subject"] == {"reference": "Patient/123"}
        assert one["entry"][0]["resource"]["item"] == two["entry"][0]["resource"]["item"]
        values = [[e["resource"].get("valueInteger") for e in d["entry"]] for d in (one, two)]
        assert values[0] == values[1]

    def test_the_caseload_takes_fhir_files_beside_answers_files(
        self, runner: CliRunner, exported_file: Path, tmp_path: Path
    ) -> None:
        yaml_file = tmp_path / "a.yaml"
        yaml_file.write_text(
            "format: screener-answers/1\nbank: {id: oud-self-screen, version: '1.0.0'}\n"
            "answers: {use_any: false}\n",
            "utf-8",
        )
        result = runner.invoke(
            app, ["score", "--csv", str(yaml_file), str(exported_file), str(LHC_FORMS)]
        )
        assert result.exit_code == 0, result.stderr
        rows = [r.split(",") for r in result.stdout.splitlines()[1:]]
        assert [(r[3], r[4], r[5]) for r in rows] == [
            ("none", "0", "0"),
            ("none", "1", "1"),
            ("moderate", "5", "9"),
        ]

    def test_run_answers_from_a_finished_response_asks_nothing(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run", "--answers", str(LHC_FORMS), "--plain"], input="y\n")
        assert result.exit_code == 0, result.stderr
        assert "5 to 9 of 11 criteria (4 not answered)" in " ".join(result.stdout.split())

    def test_run_answers_from_a_part_way_response_names_what_is_missing_without_a_terminal(
        self, runner: CliRunner, bank: Bank, tmp_path: Path
    ) -> None:
        qr = response_of(exported(bank, complete(bank, yes_to_values("craving"))))
        qr["status"] = "in-progress"
        criteria = item(qr, "section-criteria")
        criteria["item"] = [i for i in criteria["item"] if i["linkId"] != "tolerance"]
        path = tmp_path / "qr.json"
        path.write_text(json.dumps(qr), "utf-8")
        result = runner.invoke(app, ["run", "--answers", str(path)], input="y\n")
        assert result.exit_code == 4
        assert result.stderr == (
            f"Error: {path}: no answer for: tolerance (answer them in a terminal)\n"
        )

    def test_a_bad_response_is_exit_4_with_located_lines(
        self, runner: CliRunner, exported_file: Path
    ) -> None:
        data = json.loads(exported_file.read_text("utf-8"))
        item(data["entry"][0]["resource"], "craving")["linkId"] = "carving"
        exported_file.write_text(json.dumps(data, indent=1), "utf-8")
        result = runner.invoke(app, ["score", str(exported_file)])
        assert result.exit_code == 4
        assert result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"Error: {exported_file}:")
        assert line.endswith(
            "entry[0].resource.item[2].item[3].linkId: 'carving' is not a question in this "
            "bank (did you mean 'craving'?)"
        )

    @pytest.mark.parametrize(
        ("args", "error"),
        [
            (
                ["--subject", "Patient/1"],
                "--subject only applies to a FHIR export: add --export NAME.fhir.json",
            ),
            (
                ["--subject", "Patient/1", "--export", "s.md"],
                "--subject only applies to a FHIR export: add --export NAME.fhir.json",
            ),
            (
                ["--subject", "patient 1", "--export", "s.fhir.json"],
                "--subject: expected a reference like Patient/123, or an absolute URI, in "
                "printable characters and at most 1024 of them, got 'patient 1'",
            ),
            # Checked as it is parsed: not blamed on the file name when the export is written,
            # and no escape sequence, bidi override or undecodable byte reaches the export.
            (
                ["--subject", "urn:x\x1b[31m", "--export", "s.fhir.json"],
                "--subject: expected a reference like Patient/123, or an absolute URI, in "
                "printable characters and at most 1024 of them, got 'urn:x\\x1b[31m'",
            ),
            (
                ["--subject", "urn:x\u202e", "--export", "s.fhir.json"],
                "--subject: expected a reference like Patient/123, or an absolute URI, in "
                "printable characters and at most 1024 of them, got 'urn:x\\u202e'",
            ),
            (
                ["--subject", "urn:\udcff", "--export", "s.fhir.json"],
                "--subject: expected a reference like Patient/123, or an absolute URI, in "
                "printable characters and at most 1024 of them, got 'urn:\\udcff'",
            ),
            (
                ["--subject", "urn:" + "x" * 1100, "--export", "s.fhir.json"],
                "--subject: expected a reference like Patient/123, or an absolute URI, in "
                "printable characters and at most 1024 of them, got 'urn:xxxxxxxxxxxx",
            ),
        ],
    )
    @pytest.mark.parametrize("command", ["run", "score"])
    def test_subject_mistakes_exit_2_before_anything_is_asked(
        self,
        runner: CliRunner,
        exported_file: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        args: list[str],
        error: str,
        command: str,
    ) -> None:
        monkeypatch.chdir(tmp_path)
        head = ["run"] if command == "run" else ["score", str(exported_file)]
        result = runner.invoke(app, [*head, *args], input="y\n")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: {error}")
        assert len(result.stderr.splitlines()) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == ["screening.fhir.json"]

    def test_a_collection_can_be_asked_for_by_name_or_format(
        self, runner: CliRunner, exported_file: Path, tmp_path: Path
    ) -> None:
        named = tmp_path / "s.collection.fhir.json"
        given = tmp_path / "s.json"
        result = runner.invoke(
            app,
            ["score", str(exported_file), "--export", str(named)],
        )
        assert result.exit_code == 0, result.stderr
        assert "Saved a FHIR collection bundle" in result.stdout
        result = runner.invoke(
            app,
            ["score", str(exported_file), "--export", str(given), "--format", "fhir-collection"],
        )
        assert result.exit_code == 0, result.stderr
        for path in (named, given):
            assert json.loads(path.read_text("utf-8"))["type"] == "collection"


def test_a_response_with_thousands_of_unknown_items_is_one_screen_of_problems(bank: Bank) -> None:
    """Bounded like every file from someone else: the first 100 problems, then a count."""
    qr = response_of(exported(bank, {"use_any": False}))
    qr["item"] = [{"linkId": f"q{n}", "answer": [{"valueBoolean": True}]} for n in range(5000)]
    found = problems(qr, bank)
    assert len(found) == 101
    assert found[0].endswith("item[0].linkId: 'q0' is not a question in this bank")
    assert found[-1].endswith("... and 4900 more problems")
