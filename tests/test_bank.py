"""The bank loader: the default bank, and every problem reported as `FILE:LINE: path: message`."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import bank_problems, bank_text

from screener.core.model import CRITERIA, Kind, Role
from screener.core.safetext import clean
from screener.errors import BankError, ExitCode
from screener.files.bank import default_path, load_bank, parse_bank


def line_of(text: str, needle: str, nth: int | None = None) -> int:
    """The 1-based line of `text` containing `needle`: the only one, or the `nth` one."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    if nth is None:
        assert len(hits) == 1, f"{needle!r} is on lines {hits}: give nth"
        return hits[0]
    assert len(hits) >= nth, f"{needle!r} is on lines {hits}, not {nth} times"
    return hits[nth - 1]


def set_in(path: tuple[Any, ...], value: object):
    """A change that sets the value at `path` in the bank dict."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return change


def delete(path: tuple[Any, ...]):
    """A change that removes the value at `path` from the bank dict."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return change


def question(section: int, index: int, *rest: Any) -> tuple[Any, ...]:
    return ("sections", section, "questions", index, *rest)


WHICH = question(0, 1)  # opioids_which, a multi question
PRESCRIBED = question(0, 2)  # prescribed_only


class TestDefaultBank:
    """The bundled bank loads and covers what the scoring needs."""

    def test_default_path_finds_the_bundled_bank(self):
        path = default_path()
        assert path.name == "questions.yaml"
        assert path.is_file()

    def test_default_bank_covers_all_11_criteria_once(self, bank):
        keys = [q.criterion for q in bank.about("self").questions if q.criterion]
        assert sorted(keys) == sorted(CRITERIA)
        assert list(bank.criteria) == list(CRITERIA)

    def test_about_someone_else_each_criterion_is_asked_at_most_once(self, bank):
        keys = [q.criterion for q in bank.about("other").questions if q.criterion]
        assert len(keys) == len(set(keys)) == 8

    def test_default_bank_has_the_16_sows_items_in_the_published_order(self, bank):
        items = [q for q in bank.questions if q.scale == "sows"]
        assert len(items) == 16
        assert bank.scales["sows"].items == 16
        assert bank.scales["sows"].top == 4
        assert items[0].id == "sows_anxious"
        assert items[-1].id == "sows_craving"
        assert all(q.kind is Kind.SCALE for q in items)

    def test_default_bank_sows_bands_follow_the_research_convention(self, bank):
        bands = [(b.low, b.high, b.label) for b in bank.scales["sows"].bands]
        assert bands == [(0, 0, "none"), (1, 10, "mild"), (11, 20, "moderate"), (21, 64, "severe")]
        assert "not part of the SOWS scale" in bank.scales["sows"].band_note

    def test_default_bank_has_one_question_for_each_role(self, bank):
        assert bank.by_role(Role.CONSENT).id == "consent"
        assert bank.by_role(Role.GATE).id == "use_any"
        assert bank.by_role(Role.PRESCRIBED_ONLY).id == "prescribed_only"

    def test_every_source_the_default_bank_names_is_declared(self, bank):
        named = {s for q in bank.questions for s in q.source}
        named |= {s for r in bank.referrals for s in r.source}
        named |= {s for f in bank.flags for s in f.source}
        assert named <= set(bank.sources)

    def test_load_bank_names_a_missing_file(self, tmp_path):
        missing = tmp_path / "nope.yaml"
        with pytest.raises(BankError) as caught:
            load_bank(missing)
        assert caught.value.problems == (f"{missing}: no such bank file",)
        assert caught.value.exit_code is ExitCode.BANK

    def test_load_bank_reads_a_bank_file_and_remembers_its_path(self, tmp_path):
        path = tmp_path / "mine.yaml"
        path.write_text(bank_text(), encoding="utf-8")
        assert load_bank(path).path == str(path)

    def test_the_minimal_test_bank_is_valid(self, make_bank):
        mini = make_bank()
        assert mini.id == "mini"
        assert [s.id for s in mini.sections] == ["use", "criteria", "withdrawal", "safety"]


def bands(*ranges: tuple[int, object, str]):
    """A change giving the tiny SOWS (total 0-8) these (min, max, label) bands."""
    return set_in(
        ("scales", "sows", "bands"),
        {
            "note": "A research convention",
            "source": ["dsm5"],
            "ranges": [{"min": lo, "max": hi, "label": label} for lo, hi, label in ranges],
        },
    )


# (change to the minimal bank, text on the reported line, nth such line, path: message)
LOCATED = [
    pytest.param(
        set_in(("titel",), "Mini"),
        "titel: Mini",
        None,
        "titel: unknown key 'titel' (did you mean 'title'?)",
        id="unknown-top-key",
    ),
    pytest.param(
        set_in(question(1, 0, "shwo_if"), {"question": "use_any", "equals": True}),
        "shwo_if:",
        None,
        "sections[1].questions[0].shwo_if: unknown key 'shwo_if' (did you mean 'show_if'?)",
        id="unknown-question-key",
    ),
    pytest.param(
        set_in(question(0, 1, "show_if"), {"question": "prescribed_only", "equals": True}),
        "question: prescribed_only",
        None,
        "sections[0].questions[1].show_if.question: 'prescribed_only' comes later; "
        "only earlier questions can be named",
        id="show-if-later",
    ),
    pytest.param(
        set_in(question(0, 1, "show_if"), {"question": "use_anny", "equals": True}),
        "question: use_anny",
        None,
        "sections[0].questions[1].show_if.question: 'use_anny' is not a question "
        "(did you mean 'use_any'?)",
        id="show-if-unknown",
    ),
    pytest.param(
        set_in(question(0, 1, "show_if"), {"question": "use_any", "equals": "yes"}),
        "equals: 'yes'",
        None,
        "sections[0].questions[1].show_if.equals: 'use_any' cannot be 'yes' (it takes true, false)",
        id="show-if-yes-as-text",
    ),
    pytest.param(
        set_in((*PRESCRIBED, "overridden_if"), {"question": "opioids_which", "contains": "herion"}),
        "contains: herion",
        None,
        "sections[0].questions[2].overridden_if.contains: 'opioids_which' cannot be 'herion' "
        "(it takes 'heroin', 'prescribed_pain')",
        id="contains-unknown-option",
    ),
    pytest.param(
        set_in(question(0, 1, "show_if"), {"question": "use_any", "at_least": 1}),
        "at_least: 1",
        None,
        "sections[0].questions[1].show_if.at_least: 'at_least' does not apply to yes_no "
        "question 'use_any' (use equals, in)",
        id="show-if-wrong-operator",
    ),
    pytest.param(
        delete((*WHICH, "options", 1, "label")),
        "value: prescribed_pain",
        None,
        "sections[0].questions[1].options[1]: missing required key 'label'",
        id="option-without-label",
    ),
    pytest.param(
        set_in((*WHICH, "options", 1, "value"), "heroin"),
        "value: heroin",
        2,
        "sections[0].questions[1].options[1].value: duplicate option value 'heroin'",
        id="duplicate-option-value",
    ),
    pytest.param(
        delete((*WHICH, "options", 1)),
        "options:",
        2,
        "sections[0].questions[1].options: give at least two options",
        id="one-option",
    ),
    pytest.param(
        set_in(("scales", "sows", "options", 4, "value"), 5),
        "value: 5",
        None,
        "scales.sows.options[4].value: scale values are whole numbers 0-4, got 5",
        id="scale-value-5",
    ),
    pytest.param(
        set_in(("scales", "sows", "options", 0, "value"), -1),
        "value: -1",
        None,
        "scales.sows.options[0].value: scale values are whole numbers 0-4, got -1",
        id="scale-value-minus-1",
    ),
    pytest.param(
        set_in(question(1, 0, "source"), ["dsm4"]),
        "- dsm4",
        None,
        "sections[1].questions[0].source[0]: 'dsm4' is not in sources (did you mean 'dsm5'?)",
        id="unknown-source",
    ),
    pytest.param(
        set_in(("referrals", 0, "when"), {"result": "cuont", "at_least": 2}),
        "result: cuont",
        None,
        "referrals[0].when.result: 'cuont' is not a result name (did you mean 'count'?)",
        id="unknown-result-name",
    ),
    pytest.param(
        set_in(("referrals", 0, "when"), {"result": "flags", "contains": "uses_alon"}),
        "contains: uses_alon",
        None,
        "referrals[0].when.contains: 'uses_alon' is not a flag (did you mean 'uses_alone'?)",
        id="unknown-flag",
    ),
    pytest.param(
        set_in(("referrals", 0, "when"), {"result": "severity", "at_least": "moderat"}),
        "at_least: moderat",
        None,
        "referrals[0].when.at_least: 'moderat' is not a severity (did you mean 'moderate'?)",
        id="unknown-severity",
    ),
    pytest.param(
        set_in(("flags", 0, "when"), {"result": "count", "at_least": 2}),
        "result: count",
        1,
        "flags[0].when.result: only referrals and caveats can test results; use question:",
        id="flag-on-a-result",
    ),
    pytest.param(
        set_in(("version",), 1.0),
        "version: 1.0",
        None,
        'version: expected quoted text like "1.0.0", got the number 1.0',
        id="version-unquoted",
    ),
    pytest.param(
        set_in(("title",), 5),
        "title: 5",
        None,
        "title: expected text, got the number 5",
        id="title-a-number",
    ),
    pytest.param(
        set_in(question(1, 0, "kind"), "yesno"),
        "kind: yesno",
        None,
        "sections[1].questions[0].kind: 'yesno' is not a valid kind (did you mean 'yes_no'?)",
        id="kind-typo",
    ),
    pytest.param(
        set_in(question(1, 0, "required"), "yes"),
        "required: 'yes'",
        None,
        "sections[1].questions[0].required: expected true or false, got text 'yes'",
        id="required-as-text",
    ),
    pytest.param(
        set_in(("sections", 3, "show_emergency"), "no"),
        "show_emergency: 'no'",
        None,
        "sections[3].show_emergency: expected true or false, got text 'no'",
        id="show-emergency-as-text",
    ),
    pytest.param(
        set_in(("helplines",), []),
        "helplines: []",
        None,
        "helplines: the bank needs at least one helpline",
        id="no-helplines",
    ),
    pytest.param(
        set_in(("scales", "sows", "items"), 3),
        "items: 3",
        None,
        "scales.sows.items: says 3 items, but 2 questions use it",
        id="scale-item-count",
    ),
    pytest.param(
        bands((0, 0, "none"), (2, 8, "some")),
        "- min: 2",
        None,
        "scales.sows.bands.ranges[1]: ranges must run on without gaps: expected min 1",
        id="band-gap",
    ),
    pytest.param(
        bands((0, 0, "none"), (1, 7, "some")),
        "ranges:",
        None,
        "scales.sows.bands.ranges: ranges must end at the scale total, 8",
        id="bands-short-of-the-total",
    ),
    pytest.param(
        bands((0, "eight", "all")),
        "- min: 0",
        None,
        "scales.sows.bands.ranges[0]: min and max must be whole numbers",
        id="band-bound-as-text",
    ),
    pytest.param(
        set_in(("sections", 3, "questions", 0, "role"), "gate"),
        "role: gate",
        2,
        "sections[3].questions[0].role: only one gate question is allowed ('use_any' already is)",
        id="second-gate",
    ),
]


class TestLocatedProblems:
    """Each problem names the file, the line, the path in the bank and what is wrong."""

    @pytest.mark.parametrize(("change", "needle", "nth", "problem"), LOCATED)
    def test_a_bank_problem_is_reported_on_its_line(self, change, needle, nth, problem):
        text = bank_text(change)
        assert bank_problems(text) == [f"bank.yaml:{line_of(text, needle, nth)}: {problem}"]

    def test_duplicate_question_id_names_the_first_use(self):
        def change(data):
            data["sections"][3]["questions"].append(
                {
                    "id": "safety_alone",
                    "kind": "yes_no",
                    "text": "Again: do you use alone?",
                    "source": ["dsm5"],
                }
            )

        text = bank_text(change)
        first = line_of(text, "id: safety_alone", 1)
        second = line_of(text, "id: safety_alone", 2)
        assert bank_problems(text) == [
            f"bank.yaml:{second}: sections[3].questions[1].id: duplicate question id "
            f"'safety_alone' (first used on line {first})"
        ]

    def test_a_missing_source_is_one_problem(self):
        text = bank_text(delete(question(1, 3, "source")))
        assert bank_problems(text) == [
            f"bank.yaml:{line_of(text, 'id: craving')}: sections[1].questions[3]: "
            "missing required key 'source' (which article or reference?)"
        ]

    def test_problems_come_in_file_order(self):
        def two_mistakes(data: dict[str, Any]) -> None:
            data["title"] = 7  # near the top of the file
            data["sections"][1]["questions"][3]["short"] = 5  # further down

        problems = bank_problems(bank_text(two_mistakes))
        lines = [int(p.split(":")[1]) for p in problems]
        assert len(problems) == 2
        assert lines == sorted(lines)
        assert "title" in problems[0]

    def test_a_criterion_typo_also_leaves_that_criterion_uncovered(self):
        text = bank_text(set_in(question(1, 9, "criterion"), "tolerence"))
        # Problems come in file order: `sections:` opens before the typo's line.
        assert bank_problems(text) == [
            f"bank.yaml:{line_of(text, 'sections:')}: sections: "
            "no question covers criteria: tolerance",
            f"bank.yaml:{line_of(text, 'criterion: tolerence')}: "
            "sections[1].questions[9].criterion: 'tolerence' is not a criterion "
            "(did you mean 'tolerance'?)",
        ]

    def test_a_criterion_without_a_question_is_reported(self):
        def change(data):
            questions = data["sections"][1]["questions"]
            data["sections"][1]["questions"] = [
                q for q in questions if q["criterion"] not in ("craving", "withdrawal")
            ]

        text = bank_text(change)
        assert bank_problems(text) == [
            f"bank.yaml:{line_of(text, 'sections:')}: sections: "
            "no question covers criteria: craving, withdrawal"
        ]

    def test_a_criterion_missing_from_the_criteria_block_is_reported(self):
        text = bank_text(delete(("criteria", "craving")))
        assert bank_problems(text) == [
            f"bank.yaml:{line_of(text, 'criteria:')}: criteria: missing required key 'craving'"
        ]

    @pytest.mark.parametrize("word", ["yes", "on", "true"])
    def test_a_yaml_boolean_as_a_scale_value_is_rejected_with_a_hint(self, word):
        text = bank_text().replace("- value: 1\n", f"- value: {word}\n", 1)
        line = line_of(text, f"- value: {word}")
        assert bank_problems(text) == [
            f"bank.yaml:{line}: scales.sows.options[1].value: scale values are whole numbers "
            "0-4, got true (YAML reads yes/no/on/off as true/false)"
        ]

    def test_a_yaml_syntax_error_gives_its_line(self):
        text = bank_text().replace("title: Mini screen\n", "title: Mini screen\n  oops: [\n", 1)
        assert bank_problems(text) == [
            f"bank.yaml:{line_of(text, 'oops: [')}: not valid YAML: "
            "mapping values are not allowed in this context"
        ]

    def test_a_raw_control_character_is_a_yaml_error(self):
        assert bank_problems("id: mini\ntitle: a\x1bb\n") == [
            "bank.yaml:1: not valid YAML: unacceptable character #x001b: "
            "control characters are not allowed"
        ]

    def test_a_duplicate_mapping_key_is_reported_not_silently_dropped(self):
        text = bank_text().replace(
            "    text: Any opioid use in the past 12 months?\n",
            "    text: Any opioid use in the past 12 months?\n    text: Used at all?\n",
            1,
        )
        assert bank_problems(text) == [
            f"bank.yaml:{line_of(text, 'text: Used at all?')}: "
            "sections[0].questions[0].text: duplicate key 'text'"
        ]

    @pytest.mark.parametrize(
        ("text", "problem"),
        [
            ("", "bank.yaml:1: (top): expected a mapping, got nothing"),
            ("- a\n- b\n", "bank.yaml:1: (top): expected a mapping, got a list"),
        ],
    )
    def test_a_bank_that_is_not_a_mapping_is_reported(self, text, problem):
        assert bank_problems(text) == [problem]

    def test_every_problem_is_reported_at_once(self):
        def change(data):
            data["titel"] = "Mini"
            data["sections"][1]["questions"][9]["criterion"] = "tolerence"
            data["sections"][1]["questions"][0]["source"] = ["dsm4"]
            data["scales"]["sows"]["options"][4]["value"] = 5

        text = bank_text(change)
        problems = bank_problems(text)
        assert sorted(problems) == sorted(
            [
                f"bank.yaml:{line_of(text, 'titel:')}: titel: unknown key 'titel' "
                "(did you mean 'title'?)",
                f"bank.yaml:{line_of(text, 'value: 5')}: scales.sows.options[4].value: "
                "scale values are whole numbers 0-4, got 5",
                f"bank.yaml:{line_of(text, 'criterion: tolerence')}: "
                "sections[1].questions[9].criterion: 'tolerence' is not a criterion "
                "(did you mean 'tolerance'?)",
                f"bank.yaml:{line_of(text, 'sections:')}: sections: "
                "no question covers criteria: tolerance",
                f"bank.yaml:{line_of(text, '- dsm4')}: sections[1].questions[0].source[0]: "
                "'dsm4' is not in sources (did you mean 'dsm5'?)",
            ]
        )

    def test_the_bank_error_message_is_one_problem_per_line(self):
        text = bank_text(set_in(("title",), 5))
        with pytest.raises(BankError) as caught:
            parse_bank(text, "mine.yaml")
        assert str(caught.value) == "mine.yaml:3: title: expected text, got the number 5"
        assert caught.value.exit_code is ExitCode.BANK


class TestCleanText:
    """Control characters and ANSI escapes never reach the terminal from bank text."""

    @pytest.mark.parametrize(
        ("raw", "cleaned"),
        [
            ("plain text", "plain text"),
            ("bell\x07 and null\x00", "bell and null"),
            ("tab\tand\nnewline", "tab\tand\nnewline"),
            ("delete\x7f", "delete"),
            ("Ünïcödé \u2013 fine", "Ünïcödé \u2013 fine"),
        ],
    )
    def test_clean_removes_control_characters_but_keeps_tabs_and_newlines(self, raw, cleaned):
        assert clean(raw) == cleaned

    @pytest.mark.parametrize(
        "raw",
        ["\x1b[31mred\x1b[0m", "\x1b]0;title\x07red", "\x9b31mred\x9b0m"],
    )
    def test_clean_leaves_no_escape_character(self, raw):
        cleaned = clean(raw)
        assert "\x1b" not in cleaned
        assert "\x9b" not in cleaned
        assert "\x07" not in cleaned

    @pytest.mark.parametrize(
        ("raw", "cleaned"),
        [
            ("\x1b[31mred\x1b[0m", "red"),
            ("\x1b[1;38;5;196mbold red\x1b[m", "bold red"),
            ("\x1b]0;window title\x07text", "text"),
            ("\x1b]8;;http://example.com\x1b\\link\x1b]8;;\x1b\\", "link"),
        ],
    )
    def test_clean_removes_whole_escape_sequences_not_just_the_escape(self, raw, cleaned):
        # A pasted coloured word should read as the word, not as "[31mred[0m".
        assert clean(raw) == cleaned

    def test_escapes_written_in_bank_text_are_cleaned_when_loaded(self, make_bank):
        def change(data):
            data["title"] = "Mini\x07 screen"
            data["sections"][1]["questions"][0]["text"] = "More\x1b or longer?"
            data["emergency"]["steps"] = ["Call\x00 911 now."]

        mini = make_bank(change)
        assert mini.title == "Mini screen"
        assert mini.question("larger_longer").text == "More or longer?"
        assert mini.emergency.steps == ("Call 911 now.",)

    def test_a_version_with_escapes_is_cleaned_or_rejected(self):
        text = bank_text(set_in(("version",), "1.0\x1b[2J"))
        try:
            version = parse_bank(text, "bank.yaml").version
        except BankError as exc:
            assert exc.problems[0].startswith(f"bank.yaml:{line_of(text, 'version:')}: version: ")
        else:
            assert version == "1.0"


class TestPerspectives:
    """Text may differ by perspective; every declared perspective needs its wording."""

    def test_wording_per_perspective_is_read(self, make_bank):
        def change(data):
            data["perspectives"] = {"self": "Myself", "other": "Someone else"}
            data["sections"][0]["questions"][0]["text"] = {
                "self": "Have you used?",
                "other": "Have they used?",
            }

        mini = make_bank(change)
        assert dict(mini.question("use_any").text) == {
            "self": "Have you used?",
            "other": "Have they used?",
        }

    def test_a_missing_perspective_wording_is_reported(self):
        def change(data):
            data["perspectives"] = {"self": "Myself", "other": "Someone else"}
            data["sections"][0]["questions"][0]["text"] = {"self": "Have you used?"}

        text = bank_text(change)
        line = line_of(text, "text:", nth=1)
        assert bank_problems(text) == [
            f"bank.yaml:{line}: sections[0].questions[0].text: no wording for perspective 'other'"
        ]


def test_load_bank_reports_a_folder_plainly(tmp_path: Path):
    with pytest.raises(BankError) as caught:
        load_bank(tmp_path)
    assert caught.value.problems == (f"{tmp_path}: is a folder, not a bank file",)


class TestCanonical:
    """`canonical` names the bank for FHIR; without it the URI comes from the bank id."""

    def test_the_default_bank_has_a_urn_from_its_id(self, bank):
        assert bank.url == "urn:screener:bank:oud-self-screen"

    def test_a_clinic_bank_may_name_its_own_uri(self, make_bank):
        url = "https://clinic.example/fhir/Questionnaire/oud"
        assert make_bank(lambda data: data.update(canonical=url)).url == url

    @pytest.mark.parametrize("value", ["not a uri", "urn:x|1.0", 42])
    def test_a_canonical_that_is_not_a_uri_is_located(self, value):
        text = bank_text(lambda data: data.update(canonical=value))
        problems = bank_problems(text)
        assert len(problems) == 1
        assert problems[0].startswith(f"bank.yaml:{line_of(text, 'canonical:', 1)}: canonical: ")
        assert "expected an absolute URI" in problems[0]


class TestPublisherAndDate:
    """`publisher` and `date` say who published the bank and when it last changed (for FHIR)."""

    def test_the_default_bank_says_both(self, bank):
        assert (bank.publisher, bank.date) == ("screener developers", "2026-12-07")

    def test_both_are_optional(self, make_bank):
        assert (make_bank().publisher, make_bank().date) == ("", "")

    @pytest.mark.parametrize("value", ["2026-12-01", datetime.date(2026, 12, 1)])
    def test_a_date_quoted_or_not_reads_the_same(self, make_bank, value):
        assert make_bank(lambda data: data.update(date=value)).date == "2026-12-01"

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            ("1 December", "text '1 December'"),
            ("2026-13-01", "text '2026-13-01'"),
            (20261201, "the number 20261201"),
        ],
    )
    def test_a_date_that_is_not_one_is_located(self, value, shown):
        text = bank_text(lambda data: data.update(date=value))
        assert bank_problems(text) == [
            f"bank.yaml:{line_of(text, 'date:', 1)}: date: expected a date like 2026-12-01, "
            f"got {shown}"
        ]


@pytest.mark.parametrize("kind", ["choice", "multi"])
def test_a_choice_question_without_options_is_located(kind):
    def add(data):
        data["sections"][-1]["questions"].append(
            {"id": "pick", "kind": kind, "text": "Pick one?", "source": ["dsm5"]}
        )

    text = bank_text(add)
    assert bank_problems(text) == [
        f"bank.yaml:{line_of(text, '- id: pick')}: sections[3].questions[1]: "
        "missing required key 'options'"
    ]


class TestEveryQuestionIsRead:
    """A question nothing reads costs the person time for nothing: `validate` warns, with its
    line, and the bank still loads."""

    def test_the_default_bank_has_no_unread_question(self) -> None:
        assert load_bank().warnings == ()

    def test_an_unread_question_is_a_located_warning_not_an_error(self) -> None:
        def add(data: dict[str, Any]) -> None:
            data["sections"][0]["questions"].append(
                {"id": "hobby", "kind": "text", "text": "Any hobbies?", "source": ["dsm5"]}
            )

        text = bank_text(add)
        b = parse_bank(text, "bank.yaml")
        assert b.warnings == (
            f"bank.yaml:{line_of(text, 'id: hobby')}: sections[0].questions[3]: warning: "
            "question 'hobby' feeds no criterion, scale, flag, referral or caveat, and no "
            "other question depends on it: use its answer or remove it",
        )

    def test_a_question_read_only_by_another_questions_show_if_counts_as_read(self) -> None:
        def add(data: dict[str, Any]) -> None:
            qs = data["sections"][0]["questions"]
            qs.append({"id": "gate2", "kind": "yes_no", "text": "More?", "source": ["dsm5"]})
            qs.append(
                {
                    "id": "then",
                    "kind": "yes_no",
                    "text": "Then?",
                    "show_if": {"question": "gate2", "equals": True},
                    "source": ["dsm5"],
                }
            )

        warnings = parse_bank(bank_text(add), "bank.yaml").warnings
        assert [w.split("question ")[1].split(" ")[0] for w in warnings] == ["'then'"]

    def test_the_items_of_a_scale_that_is_not_counted_must_be_read_too(self) -> None:
        data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
        data["caveats"] = [c for c in data["caveats"] if c["id"] != "extra_signs"]
        warnings = parse_bank(yaml.safe_dump(data, sort_keys=False, width=1000)).warnings
        unread = [w.split("question ")[1].split(" ")[0] for w in warnings]
        assert unread == [
            f"'extra_{n}'" for n in ("irritable", "diarrhea", "sleep", "headache", "heart")
        ]

    def test_validate_prints_the_warning_and_still_exits_0(self, tmp_path: Path) -> None:
        from typer.testing import CliRunner

        from screener.cli import app

        def add(data: dict[str, Any]) -> None:
            data["sections"][0]["questions"].append(
                {"id": "hobby", "kind": "text", "text": "Any hobbies?", "source": ["dsm5"]}
            )

        path = tmp_path / "bank.yaml"
        path.write_text(bank_text(add))
        result = CliRunner().invoke(app, ["validate", str(path)])
        assert result.exit_code == 0
        assert "warning: question 'hobby' feeds no criterion" in result.stderr
        assert ": OK: bank mini" in result.stdout


class TestChangedIn:
    """`changed_in` marks the version in which a question last changed meaning."""

    def test_a_version_later_than_the_bank_is_an_error(self) -> None:
        problems = bank_problems(bank_text(set_in((*question(0, 0), "changed_in"), "9.0.0")))
        assert len(problems) == 1
        assert (
            "sections[0].questions[0].changed_in: '9.0.0' is later than the bank's" in (problems[0])
        )

    def test_it_must_be_a_quoted_version(self) -> None:
        problems = bank_problems(bank_text(set_in((*question(0, 0), "changed_in"), 2)))
        assert problems[0].endswith(
            'sections[0].questions[0].changed_in: expected a quoted bank version like "2.0.0", '
            "got the number 2"
        )
