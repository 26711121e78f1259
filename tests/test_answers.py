"""Answers files: reading and checking them, writing them back, and what is still missing."""

from __future__ import annotations

import functools
import json

import pytest
import yaml
from conftest import yes_to_values
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.core import wording
from screener.core.model import CRITERIA, Bank, Kind, Role
from screener.core.scoring import result_json, score
from screener.errors import AnswersError, ExitCode
from screener.files.answers import (
    FORMAT,
    check_value,
    document,
    missing,
    parse_answers,
    read_answers,
)
from screener.files.bank import load_bank

HEAD = (
    "format: screener-answers/1\n"
    'bank: {id: oud-self-screen, version: "3.0.0"}\n'
    "perspective: self\n"
    "answers:\n"
)
OPIOIDS = "heroin, fentanyl, pills_not_prescribed, prescribed_pain, treatment_medication, other"


def problems(text: str, bank) -> list[str]:
    """The problems parse_answers reports for `text`, named answers.yaml."""
    with pytest.raises(AnswersError) as caught:
        parse_answers(text, bank, "answers.yaml")
    assert caught.value.exit_code is ExitCode.ANSWERS
    return list(caught.value.problems)


class TestValidFiles:
    """Well-formed YAML and JSON answers files are read into Answers."""

    def test_a_yaml_answers_file_is_read(self, bank):
        text = HEAD + (
            "  use_any: true\n"
            "  opioids_which: [prescribed_pain, heroin]\n"
            "  craving: false\n"
            "  tolerance: null\n"
            "  sows_anxious: 3\n"
            "  ctx_attempts: a_few\n"
            "  ctx_pregnant: 'no'\n"
        )
        answers, warnings = parse_answers(text, bank, "answers.yaml")
        assert warnings == []
        assert (answers.bank_id, answers.bank_version, answers.perspective) == (
            "oud-self-screen",
            "3.0.0",
            "self",
        )
        assert dict(answers.values) == {
            "use_any": True,
            "opioids_which": ("heroin", "prescribed_pain"),  # stored in bank order
            "craving": False,
            "tolerance": None,
            "sows_anxious": 3,
            "ctx_attempts": "a_few",
            "ctx_pregnant": "no",
        }

    def test_a_json_answers_file_is_read(self, bank):
        text = json.dumps(
            {
                "format": FORMAT,
                "bank": {"id": "oud-self-screen", "version": "3.0.0"},
                "perspective": "self",
                "answers": {"use_any": True, "opioids_which": ["heroin"], "sows_nose": 0},
            },
            indent=2,
        )
        answers, warnings = parse_answers(text, bank, "answers.json")
        assert warnings == []
        assert dict(answers.values) == {
            "use_any": True,
            "opioids_which": ("heroin",),
            "sows_nose": 0,
        }

    def test_an_empty_answers_block_gives_no_answers(self, bank):
        answers, _ = parse_answers(HEAD, bank, "answers.yaml")
        assert dict(answers.values) == {}

    def test_a_json_export_with_its_result_is_accepted(self, bank):
        text = HEAD.replace("answers:\n", "result: {severity: mild}\nanswers:\n") + (
            "  use_any: false\n"
        )
        answers, _ = parse_answers(text, bank, "answers.yaml")
        assert dict(answers.values) == {"use_any": False}

    def test_consent_answers_are_ignored(self, bank):
        answers, _ = parse_answers(
            HEAD + "  consent: false\n  use_any: true\n", bank, "answers.yaml"
        )
        assert dict(answers.values) == {"use_any": True}

    def test_read_answers_reads_a_file(self, bank, tmp_path):
        path = tmp_path / "mine.yaml"
        path.write_text(HEAD + "  use_any: false\n", encoding="utf-8")
        answers, _ = read_answers(path, bank)
        assert dict(answers.values) == {"use_any": False}

    def test_read_answers_names_a_missing_file(self, bank, tmp_path):
        path = tmp_path / "nope.yaml"
        with pytest.raises(AnswersError) as caught:
            read_answers(path, bank)
        assert caught.value.problems == (f"{path}: no such answers file",)


class TestProblems:
    """Each bad answer is reported with its line and question id."""

    def test_an_unknown_question_id_is_named_with_a_suggestion(self, bank):
        text = HEAD + "  use_any: true\n  use_anyy: true\n"
        assert problems(text, bank) == [
            "answers.yaml:6: answers.use_anyy: 'use_anyy' is not a question in this bank "
            "(did you mean 'use_any'?)"
        ]

    def test_scale_values_outside_0_to_4_and_booleans_are_rejected(self, bank):
        text = HEAD + "  sows_anxious: 5\n  sows_yawning: -1\n  sows_nose: true\n  sows_aches: 4\n"
        assert problems(text, bank) == [
            "answers.yaml:5: answers.sows_anxious: expected a whole number 0-4, got 5",
            "answers.yaml:6: answers.sows_yawning: expected a whole number 0-4, got -1",
            "answers.yaml:7: answers.sows_nose: expected a whole number 0-4, got true",
        ]

    def test_yes_as_quoted_text_is_not_a_yes_no_answer(self, bank):
        assert problems(HEAD + "  use_any: 'yes'\n", bank) == [
            "answers.yaml:5: answers.use_any: expected true or false, got 'yes'"
        ]

    def test_a_choice_typo_gets_a_suggestion(self, bank):
        assert problems(HEAD + "  ctx_attempts: mnay\n", bank) == [
            "answers.yaml:5: answers.ctx_attempts: expected one of never, once, a_few, many, "
            "got 'mnay' (did you mean 'many'?)"
        ]

    def test_an_unquoted_yes_for_a_choice_explains_yaml_booleans(self, bank):
        # `ctx_pregnant: yes` reads as the boolean true; the option value is the text "yes".
        assert problems(HEAD + "  ctx_pregnant: yes\n", bank) == [
            "answers.yaml:5: answers.ctx_pregnant: expected one of yes, maybe, no, "
            "not_applicable, got true "
            '(YAML reads yes/no/on/off as true/false: quote the value, like "yes")'
        ]

    def test_a_multi_answer_with_an_unknown_option_gets_a_suggestion(self, bank):
        assert problems(HEAD + "  opioids_which: [heroin, herion]\n", bank) == [
            f"answers.yaml:5: answers.opioids_which: 'herion' is not one of {OPIOIDS} "
            "(did you mean 'heroin'?)"
        ]

    def test_a_multi_answer_listing_an_option_twice_is_rejected(self, bank):
        assert problems(HEAD + "  opioids_which: [heroin, heroin]\n", bank) == [
            "answers.yaml:5: answers.opioids_which: lists the same option twice"
        ]

    def test_a_multi_answer_must_be_a_list(self, bank):
        assert problems(HEAD + "  opioids_which: heroin\n", bank) == [
            f"answers.yaml:5: answers.opioids_which: expected a list of {OPIOIDS}, got 'heroin'"
        ]

    def test_a_wrong_format_string_is_rejected(self, bank):
        text = HEAD.replace("screener-answers/1", "screener-answers/2") + "  use_any: true\n"
        assert problems(text, bank) == [
            "answers.yaml:1: format: expected 'screener-answers/1', got 'screener-answers/2'"
        ]

    def test_answers_for_another_bank_are_rejected(self, bank):
        text = HEAD.replace("id: oud-self-screen", "id: other-bank") + "  use_any: true\n"
        assert problems(text, bank) == [
            "answers.yaml:2: bank.id: these answers are for bank 'other-bank', "
            "not 'oud-self-screen'"
        ]

    def test_an_unknown_perspective_is_rejected(self, bank):
        text = HEAD.replace("perspective: self", "perspective: friend")
        assert problems(text, bank) == [
            "answers.yaml:3: perspective: 'friend' is not a perspective of this bank (self, other)"
        ]

    def test_an_unknown_top_level_key_gets_a_suggestion(self, bank):
        text = HEAD.replace("answers:\n", "answer:\n  use_any: true\n")
        assert problems(text, bank) == [
            "answers.yaml:4: answer: unknown key 'answer' (did you mean 'answers'?)"
        ]

    def test_every_problem_is_reported_at_once(self, bank):
        text = HEAD + "  use_any: maybe\n  craving: 1\n  sows_nose: 9\n"
        assert problems(text, bank) == [
            "answers.yaml:5: answers.use_any: expected true or false, got 'maybe'",
            "answers.yaml:6: answers.craving: expected true or false, got 1",
            "answers.yaml:7: answers.sows_nose: expected a whole number 0-4, got 9",
        ]

    def test_text_that_is_neither_yaml_nor_json_is_reported(self, bank):
        assert problems("answers: [\n", bank) == [
            "answers.yaml:2: not valid YAML or JSON: while parsing a flow node, "
            "did not find expected node content"
        ]

    def test_a_file_that_is_not_a_mapping_is_reported(self, bank):
        assert problems("- use_any\n", bank) == [
            "answers.yaml:1: (top): expected a screener-answers/1 mapping "
            "(format, bank, perspective, answers)"
        ]

    def test_a_duplicate_answer_is_reported(self, bank):
        assert problems(HEAD + "  use_any: true\n  use_any: false\n", bank) == [
            "answers.yaml:6: answers.use_any: duplicate key 'use_any'"
        ]


class TestVersion:
    """Answers given to another version of the bank are checked with a warning."""

    def test_a_version_mismatch_is_a_warning_not_an_error(self, bank):
        text = HEAD.replace('"3.0.0"', '"0.9.0"') + "  use_any: true\n"
        answers, warnings = parse_answers(text, bank, "answers.yaml")
        assert dict(answers.values) == {"use_any": True}
        assert answers.bank_version == "0.9.0"  # what they were given to, kept for the record
        assert score(bank, answers).bank_version == "3.0.0"  # what scored them
        assert warnings == [
            "answers.yaml: answers were given to version '0.9.0' of the bank; "
            "checking them against version '3.0.0'"
        ]


class TestCheckValue:
    """check_value turns a raw answer into its stored form or says what the question takes."""

    @pytest.mark.parametrize(
        ("qid", "raw", "stored"),
        [
            ("use_any", True, True),
            ("use_any", False, False),
            ("use_any", None, None),
            ("sows_anxious", 0, 0),
            ("sows_anxious", 4, 4),
            ("ctx_attempts", "never", "never"),
            ("opioids_which", ["other", "heroin"], ("heroin", "other")),
            ("opioids_which", [], ()),
        ],
    )
    def test_a_valid_value_is_stored(self, bank, qid, raw, stored):
        assert check_value(bank.question(qid), raw) == (stored, None)

    @pytest.mark.parametrize(
        ("qid", "raw", "problem"),
        [
            ("use_any", 1, "expected true or false, got 1"),
            ("sows_anxious", 4.0, "expected a whole number 0-4, got 4.0"),
            ("sows_anxious", False, "expected a whole number 0-4, got false"),
            ("ctx_attempts", 1, "expected one of never, once, a_few, many, got 1"),
            ("opioids_which", [1], f"1 is not one of {OPIOIDS}"),
            (
                "ctx_other_substances",
                ["alcohol", "none"],
                "'none' cannot be listed with other options",
            ),
        ],
    )
    def test_an_invalid_value_says_what_the_question_takes(self, bank, qid, raw, problem):
        assert check_value(bank.question(qid), raw) == (None, problem)


ANSWERS_HEAD = (
    "format: screener-answers/1\nbank: {id: oud-self-screen, version: '3.0.0'}\n"
    "perspective: self\n\n"
)


class TestDocument:
    """document() writes answers that parse_answers reads back unchanged."""

    @pytest.mark.parametrize("dump", ["yaml", "json"])
    def test_document_round_trips_through_parse_answers(self, bank, answers, dump):
        values = yes_to_values(
            "craving",
            "tolerance",
            withdrawal=None,
            opioids_how=("smoke", "inject"),
            withdrawal_offer=True,
            sows_anxious=2,
            ctx_attempts="many",
            ctx_pregnant="yes",
        )
        original = answers(values)
        doc = document(original, bank)
        text = yaml.safe_dump(doc, sort_keys=False) if dump == "yaml" else json.dumps(doc, indent=2)
        again, warnings = parse_answers(text, bank, f"answers.{dump}")
        assert warnings == []
        assert again == original

    def test_created_and_demo_travel_with_the_answers(self, bank, answers):
        original = answers({"use_any": False})._replace(
            created="2026-11-21T23:40:00+00:00", demo="sam"
        )
        doc = document(original, bank)
        assert (doc["created"], doc["demo"]) == ("2026-11-21T23:40:00+00:00", "sam")
        again, _ = parse_answers(yaml.safe_dump(doc, sort_keys=False), bank)
        assert again == original

    def test_an_unquoted_yaml_timestamp_is_read_as_the_time_it_names(self, bank):
        text = ANSWERS_HEAD + "created: 2026-11-21 23:40:00\nanswers: {use_any: false}\n"
        given, _ = parse_answers(text, bank)
        assert given.created == "2026-11-21T23:40:00"

    @pytest.mark.parametrize(("line", "problem"), [
        ("demo: 3", "demo: expected the name of the fictional persona, got 3"),
        ("created: ''", "created: expected a date and time like 2026-11-21T23:40:00, got ''"),
        ("created: '=HYPERLINK(1)'", "created: expected a date and time like "
         "2026-11-21T23:40:00, got '=HYPERLINK(1)'"),
    ])  # fmt: skip
    def test_a_bad_created_or_demo_is_located(self, bank, line, problem):
        with pytest.raises(AnswersError) as exc:
            parse_answers(ANSWERS_HEAD + line + "\nanswers: {use_any: false}\n", bank, "a.yaml")
        assert exc.value.problems == (f"a.yaml:5: {problem}",)

    def test_document_lists_answers_in_bank_order_with_multi_as_lists(self, bank, answers):
        doc = document(
            answers({"craving": True, "opioids_which": ("heroin",), "use_any": True}), bank
        )
        assert doc == {
            "format": "screener-answers/1",
            "bank": {"id": "oud-self-screen", "version": "3.0.0"},
            "perspective": "self",
            "answers": {"use_any": True, "opioids_which": ["heroin"], "craving": True},
        }


SAFETY_ALWAYS = ["safety_alone", "safety_supply", "safety_break", "safety_overdose"]
CONTEXT = [
    "ctx_attempts",
    "ctx_treatment",
    "home_safety",
    "ctx_home",
    "ctx_support",
    "ctx_mood",
    "ctx_other_substances",
    "ctx_pregnant",
]


class TestMissing:
    """missing() lists the questions that apply but have no answer, following the branching."""

    def test_nothing_is_missing_after_no_recent_use(self, bank):
        # Used before? and thoughts of suicide are asked on that path too.
        assert missing(bank, {"use_any": False}) == ["ever_used", "crisis_thoughts"]
        answered = {"use_any": False, "ever_used": False, "crisis_thoughts": False}
        assert missing(bank, answered) == []

    def test_with_no_answers_the_gate_and_every_unconditional_question_are_missing(self, bank):
        assert missing(bank, {}) == [
            "use_any",
            "controlled_setting",
            "prescribed_only",
            *CRITERIA,
            "withdrawal_offer",
            *SAFETY_ALWAYS,
            "safety_naloxone",
            "crisis_thoughts",
            *CONTEXT,
        ]

    def test_a_yes_to_the_gate_brings_in_the_questions_it_opens(self, bank):
        assert missing(bank, {"use_any": True})[:5] == [
            "opioids_which",
            "opioids_how",
            "controlled_setting",
            "prescribed_only",
            "larger_longer",
        ]

    def test_skipped_answers_are_not_missing(self, bank):
        values = yes_to_values(tolerance=None)
        assert "tolerance" not in missing(bank, values)
        assert "craving" not in missing(bank, values)

    def test_withdrawal_ratings_are_missing_only_when_offered(self, bank):
        base = yes_to_values(opioids_how=("smoke",))
        declined = missing(bank, {**base, "withdrawal_offer": False})
        offered = missing(bank, {**base, "withdrawal_offer": True})
        assert [q for q in declined if q.startswith(("sows_", "extra_"))] == []
        assert len([q for q in offered if q.startswith("sows_")]) == 16
        assert [q for q in offered if q.startswith("extra_")] == ["extra_offer"]
        extra = missing(bank, {**base, "withdrawal_offer": True, "extra_offer": True})
        assert len([q for q in extra if q.startswith("extra_")]) == 5  # their own yes

    def test_the_sharing_question_is_missing_only_for_people_who_inject(self, bank):
        smoking = missing(bank, yes_to_values(opioids_how=("smoke",)))
        injecting = missing(bank, yes_to_values(opioids_how=("inject",)))
        assert "safety_sharing" not in smoking
        assert "safety_sharing" in injecting

    def test_the_consent_question_is_never_missing(self, bank):
        assert "consent" not in missing(bank, {})


class TestSavePartial:
    """Answers saved part-way: owner-only, say how to carry on, and read back as they were."""

    def test_saved_answers_read_back_with_a_header_and_a_time(self, bank, answers, tmp_path):
        from screener.files.answers import save_partial

        path = tmp_path / "later.yaml"
        given = answers({"use_any": True, "opioids_which": ("heroin",), "opioids_how": None})
        save_partial(path, given, bank)
        assert path.stat().st_mode & 0o777 == 0o600
        text = path.read_text("utf-8")
        carry_on = f"screener --lang en run --answers {path}"
        assert f"# To carry on where you left off: {carry_on}\n" in text
        assert "private health information" in text.splitlines()[2]
        again, warnings = read_answers(path, bank)
        assert (again.values, warnings) == (given.values, [])
        assert again.created is not None

    def test_an_existing_file_is_not_replaced_unless_asked(self, bank, answers, tmp_path):
        from screener.errors import ExportError
        from screener.files.answers import save_partial

        path = tmp_path / "later.yaml"
        path.write_text("keep me")
        with pytest.raises(ExportError):
            save_partial(path, answers({"use_any": False}), bank)
        assert path.read_text() == "keep me"
        save_partial(path, answers({"use_any": False}), bank, replace=True)
        assert "use_any: false" in path.read_text()

    def test_the_suggested_file_is_one_not_taken(self, tmp_path):
        from datetime import date

        from screener.files.answers import suggest_save_path

        day = date(2026, 11, 21)
        first = suggest_save_path(tmp_path, day)
        assert first == tmp_path / "screener-answers-2026-11-21.yaml"
        first.write_text("")
        assert suggest_save_path(tmp_path, day) == tmp_path / "screener-answers-2026-11-21-2.yaml"


class TestChangedMeaning:
    """Answers given to an earlier version still score, with a note on the questions whose
    meaning has changed since."""

    OLD = HEAD.replace('"3.0.0"', '"1.0.0"')

    def test_old_answers_score_and_name_the_changed_questions(self, bank):
        text = self.OLD + "  use_any: true\n  cut_down: true\n  craving: true\n  tolerance: false\n"
        answers, warnings = parse_answers(text, bank, "answers.yaml")
        assert warnings[-1] == (
            "answers.yaml: 2 answered questions have changed meaning since that version: "
            "cut_down, tolerance; their answers are counted as given"
        )
        result = score(bank, answers)
        assert result.changed_since == ("cut_down", "tolerance")
        assert result.count == 2  # counted as given
        assert result_json(result)["changed_since"] == ["cut_down", "tolerance"]
        note = wording.changed_since(bank, result)
        assert "Trouble cutting down, Needing more" in note
        assert "3.0.0" not in note and "1.0.0" not in note  # no versions on a person's screen
        assert "version 1.0.0 of the questions" in wording.changed_since(bank, result, "summary")

    def test_answers_to_the_current_version_carry_no_note(self, bank):
        answers, warnings = parse_answers(HEAD + "  use_any: true\n  cut_down: true\n", bank)
        assert warnings == []
        assert score(bank, answers).changed_since == ()

    def test_a_skipped_changed_question_needs_no_note(self, bank):
        answers, _ = parse_answers(self.OLD + "  use_any: true\n  cut_down: null\n", bank)
        assert score(bank, answers).changed_since == ()


@functools.cache
def _default_bank() -> Bank:
    return load_bank()


# Any JSON value an answer could be: what a clinic's script or a hand edit might write.
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 6),
    st.sampled_from([0.0, 1.0, 2.5]),
    st.sampled_from(["unknown", "none", "yes", "", "heroin", "inject", "daily", "Heroin"]),
)
_RAW = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=4),
    st.lists(
        st.sampled_from(["heroin", "fentanyl", "other", "none", "inject", "smoke"]), max_size=4
    ),
    st.lists(st.one_of(_SCALARS, st.lists(_SCALARS, max_size=1)), max_size=2),
    st.dictionaries(st.sampled_from(["a", "b"]), _SCALARS, max_size=1),
)


class TestTheQuickLookAgreesWithEachKind:
    """Most answers are taken in a quick look (a table of what each question takes as
    written, lists of options ordered by rank): whatever it takes, it stores as the
    question's kind would, and whatever the kind refuses, it leaves for the kind to refuse."""

    @settings(max_examples=400, deadline=None)
    @given(data=st.data())
    def test_any_answer_to_any_question(self, data) -> None:
        bank = _default_bank()
        q = data.draw(st.sampled_from([q for q in bank.questions if q.role is not Role.CONSENT]))
        raw = data.draw(_RAW)
        perspective = next(
            (s.perspective for s in bank.sections if s.perspective and q in s.questions), "self"
        )
        text = json.dumps(
            {
                "format": FORMAT,
                "bank": {"id": bank.id, "version": bank.version},
                "perspective": perspective,
                "answers": {q.id: raw},
            }
        )
        stored, problem = check_value(q, raw)
        if problem is None:
            answers, _warnings = parse_answers(text, bank, "a.json")
            got = answers.values[q.id]
            assert got == stored and type(got) is type(stored)
        else:
            with pytest.raises(AnswersError):
                parse_answers(text, bank, "a.json")

    @settings(max_examples=300, deadline=None)
    @given(data=st.data())
    def test_any_list_to_a_question_of_options(self, data) -> None:
        bank = _default_bank()
        multi = [q for q in bank.questions if q.kind is Kind.MULTI]
        q = data.draw(st.sampled_from(multi))
        options = [str(o.value) for o in q.options]
        raw = data.draw(st.lists(st.sampled_from([*options, "none", "x", 1]), max_size=5))
        perspective = next(
            (s.perspective for s in bank.sections if s.perspective and q in s.questions), "self"
        )
        doc = {"format": FORMAT, "bank": {"id": bank.id, "version": bank.version}}
        text = json.dumps({**doc, "perspective": perspective, "answers": {q.id: raw}})
        stored, problem = check_value(q, raw)
        if problem is None:
            assert parse_answers(text, bank, "a.json")[0].values[q.id] == stored
        else:
            with pytest.raises(AnswersError):
                parse_answers(text, bank, "a.json")
