"""The command line through typer's CliRunner: exit codes, stdout and stderr checked separately."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SOWS_IDS
from fhir.resources.R4B.questionnaire import Questionnaire
from typer.testing import CliRunner, Result

from screener import __version__
from screener.cli import COMMANDS, app
from screener.core.model import CRITERIA
from screener.files.bank import default_path

BANK_ID = "oud-self-screen"
BANK_VERSION = "3.0.0"

# The default bank's questions, in the order they are asked.
QUESTION_IDS = [
    "consent",
    "use_any",
    "ever_used",
    "opioids_which",
    "other_prescribed",
    "moud_status",
    "opioids_how",
    "controlled_setting",
    "prescribed_only",
    *CRITERIA,
    "withdrawal_offer",
    *SOWS_IDS,
    "extra_offer",
    "extra_irritable",
    "extra_diarrhea",
    "extra_sleep",
    "extra_headache",
    "extra_heart",
    "safety_alone",
    "safety_supply",
    "safety_break",
    "safety_sharing",
    "safety_overdose",
    "safety_naloxone",
    "crisis_thoughts",
    "crisis_now",
    "ctx_attempts",
    "ctx_relapse",
    "ctx_treatment",
    "home_safety",
    "ctx_home",
    "ctx_support",
    "ctx_mood",
    "ctx_mood_serious",
    "ctx_other_substances",
    "sedatives_prescribed",
    "alcohol_daily",
    "ctx_pregnant",
]
# The questions about someone else (perspective `other`), in the order they are asked.
OTHER_IDS = [
    "about_consent",
    "about_use_any",
    "about_which",
    "about_moud_status",
    "about_prescribed_only",
    "about_cut_down",
    "about_time_spent",
    "about_role_failure",
    "about_social_problems",
    "about_activities_given_up",
    "about_hazardous_use",
    "about_despite_harm",
    "about_withdrawal",
    "about_nodding",
    "about_marks",
    "about_gear",
    "about_money",
    "about_overdose",
    "about_alone",
    "about_break",
    "about_mixing",
    "about_naloxone",
    "about_crisis",
    "about_pregnant",
    "about_unsafe",
    "about_open",
]
EXTRA_IDS = [q for q in QUESTION_IDS if q.startswith("extra_") and q != "extra_offer"]
CTX_IDS = [q for q in QUESTION_IDS if q.startswith("ctx_")]

# Heroin, injected, six criteria met (severe), withdrawal rating declined: every question that
# applies is answered (ctx_relapse does not apply after "never tried to stop").
COMPLETE: dict[str, Any] = {
    "use_any": True,
    "opioids_which": ["heroin"],
    "opioids_how": ["inject"],
    "controlled_setting": "no",
    "larger_longer": True,
    "cut_down": True,
    "time_spent": True,
    "craving": True,
    "role_failure": False,
    "social_problems": False,
    "activities_given_up": False,
    "hazardous_use": False,
    "despite_harm": False,
    "tolerance": True,
    "withdrawal": True,
    "withdrawal_offer": False,
    "safety_alone": True,
    "safety_break": False,
    "safety_sharing": False,
    "safety_overdose": False,
    "safety_naloxone": True,
    "crisis_thoughts": False,
    "ctx_attempts": "never",
    "ctx_treatment": False,
    "home_safety": "safe",
    "ctx_home": True,
    "ctx_support": True,
    "ctx_mood": False,
    "ctx_other_substances": ["none"],
    "ctx_pregnant": "not_applicable",
}
COMPLETE_SUMMARY = "6 of 11 criteria: a pattern consistent with severe opioid use disorder"

# One line per prompt for a piped run of the default bank: the same person as COMPLETE, except
# that heroin is smoked (so the sharing question is not asked).
WALK = [
    "1",  # who it is about: myself
    "y",  # consent
    "y",  # use_any
    "1",  # opioids_which: heroin
    "1",  # opioids_how: smoking
    "1",  # controlled_setting: no ("all prescribed?" is not asked after heroin)
    *("y", "y", "y", "y", "n", "n", "n", "n", "n", "y", "y"),  # the 11 criteria: 6 met
    "n",  # withdrawal_offer
    *("y", "n", "n", "y"),  # alone, break, overdose, naloxone (the supply is known: heroin)
    "n",  # crisis_thoughts
    "1",  # ctx_attempts: never (so ctx_relapse is not asked)
    *("n", "1", "y", "y", "n"),  # treatment, home safety, home, support, mood
    "6",  # ctx_other_substances: none of these
    "4",  # ctx_pregnant: does not apply
]

BOX_DRAWING = re.compile("[\u2500-\u257f]")
# Select Graphic Rendition parameters that set a colour (foreground or background).
COLOUR_PARAM = re.compile(r"^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$")


def piped(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def flat(text: str) -> str:
    """`text` with every run of whitespace made one space, so wrapping does not matter."""
    return " ".join(text.split())


def colour_codes(text: str) -> list[str]:
    """The SGR escapes in `text` that set a colour (bold, dim and reset are not colours)."""
    found = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", text):
        if any(COLOUR_PARAM.match(p) for p in params.split(";")):
            found.append(params)
    return found


def answers_doc(values: dict[str, Any], bank_id: str = BANK_ID) -> dict[str, Any]:
    return {
        "format": "screener-answers/1",
        "bank": {"id": bank_id, "version": BANK_VERSION},
        "perspective": "self",
        "answers": values,
    }


def write_answers(path: Path, values: dict[str, Any], bank_id: str = BANK_ID) -> Path:
    """Write an answers file, as JSON for a .json name and as YAML otherwise."""
    doc = answers_doc(values, bank_id)
    if path.suffix == ".json":
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """The 1-based number of the first line of `path` that contains `needle`."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} is not in {path}")


def assert_clean_exit(result: Result, code: int) -> None:
    """The command ended through an exit code, not an uncaught exception."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    if code == 0:
        assert result.exception is None
    else:
        assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr


def assert_stopped(stderr: str) -> None:
    """One calm line (a blank line before it, to end the prompt's line, is fine)."""
    assert stderr.lstrip("\n") == "Stopped. Nothing was saved.\n"


@pytest.fixture
def complete_file(tmp_path: Path) -> Path:
    return write_answers(tmp_path / "answers.yaml", COMPLETE)


class TestHelp:
    """Every command explains itself, and the version is one line."""

    @pytest.mark.parametrize(
        ("args", "purpose"),
        [
            ([], "A private, offline self-screening for opioid (heroin) use disorder."),
            (["run"], "Take the screening, one question at a time (the default command)."),
            (["score"], "Score answers files without asking anything."),
            (["questions"], "List the questions in the bank, in the order they are asked."),
            (["validate"], "Check a question bank and list every problem"),
        ],
    )
    @pytest.mark.parametrize("flag", ["--help", "-h"])
    def test_every_command_has_help_that_says_what_it_is_for(
        self, runner: CliRunner, args: list[str], purpose: str, flag: str
    ) -> None:
        result = runner.invoke(app, [*args, flag])
        assert_clean_exit(result, 0)
        assert purpose in flat(result.stdout)
        assert "Usage: screener" in result.stdout
        assert result.stderr == ""

    def test_top_level_help_lists_every_command(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["--help"])
        assert_clean_exit(result, 0)
        for command in ("run", "score", "questions", "validate"):
            assert re.search(rf"^\W*{command}\s", result.stdout, re.MULTILINE), command

    def test_no_file_is_checked_by_the_framework_before_screener_reads_it(self) -> None:
        """Typer refuses a file it cannot read with a usage error (exit 2); screener's own
        reader names it with the file's exit code, and in a caseload as one row."""
        import typer.main

        group = typer.main.get_command(app)
        checked = [
            (name, param.name)
            for name, command in group.commands.items()  # type: ignore[attr-defined]
            for param in command.params
            if getattr(param.type, "readable", False) or getattr(param.type, "exists", False)
        ]
        assert checked == []

    @pytest.mark.parametrize("command", COMMANDS)
    def test_every_command_takes_lang(self, runner: CliRunner, command: str) -> None:
        from screener import i18n

        try:
            result = runner.invoke(app, [command, "--lang", "es", "--help"])
        finally:
            i18n.use("en")  # --lang changes the language of the whole process
        assert_clean_exit(result, 0)
        assert "--lang" in result.stdout

    def test_version_prints_the_package_version_on_one_line(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["--version"])
        assert_clean_exit(result, 0)
        assert result.stdout == f"screener {__version__}\n"
        assert result.stderr == ""


class TestUsageErrors:
    """Command-line mistakes exit 2 with a usage message on stderr."""

    @pytest.mark.parametrize(
        ("args", "named"),
        [
            (["frobnicate"], "frobnicate"),
            (["--frobnicate"], "--frobnicate"),
            (["run", "--frobnicate"], "--frobnicate"),
            (["score", "a.yaml", "--frobnicate"], "--frobnicate"),
            (["questions", "--jsn"], "--jsn"),
            (["score"], "Missing argument"),
        ],
    )
    def test_an_unknown_command_or_option_exits_2(
        self, runner: CliRunner, args: list[str], named: str
    ) -> None:
        result = runner.invoke(app, args)
        assert_clean_exit(result, 2)
        assert result.stdout == ""
        assert "Usage: screener" in result.stderr
        assert named in result.stderr

    def test_a_perspective_the_bank_does_not_offer_is_a_usage_error(
        self, runner: CliRunner
    ) -> None:
        result = runner.invoke(app, ["run", "--perspective", "partner"], input="")
        assert_clean_exit(result, 2)
        assert result.stdout == ""
        assert result.stderr == (
            "Error: --perspective: 'partner' is not offered by this bank (self, other)\n"
        )


class TestValidate:
    """`validate` says OK for a good bank and lists every problem of a broken one."""

    def test_the_default_bank_is_ok(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["validate"])
        assert_clean_exit(result, 0)
        assert result.stdout == (
            f"{default_path()}: OK: bank {BANK_ID} version {BANK_VERSION}, "
            "89 questions in 14 sections, all 11 criteria covered, in en and es.\n"
        )
        assert result.stderr == ""

    def test_a_copy_of_the_default_bank_is_ok_under_its_own_name(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        copy = tmp_path / "mine.yaml"
        copy.write_text(default_path().read_text(encoding="utf-8"), encoding="utf-8")
        result = runner.invoke(app, ["validate", str(copy)])
        assert_clean_exit(result, 3)  # it declares Spanish: its Spanish file must come too
        assert result.stderr == f"Error: {tmp_path}/mine.es.yaml: no such bank translation file\n"
        spanish = default_path().with_name("questions.es.yaml").read_text(encoding="utf-8")
        (tmp_path / "mine.es.yaml").write_text(spanish, encoding="utf-8")
        result = runner.invoke(app, ["validate", str(copy)])
        assert_clean_exit(result, 0)
        assert result.stdout.startswith(f"{copy}: OK: bank {BANK_ID} version {BANK_VERSION}")

    def test_a_broken_bank_lists_each_problem_with_file_line_and_path(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        text = default_path().read_text(encoding="utf-8")
        text = text.replace("criterion: tolerance", "criterion: tolerence", 1)
        text = text.replace('version: "3.0.0"', "version: 1.5", 1)
        broken = tmp_path / "broken.yaml"
        broken.write_text(text, encoding="utf-8")
        typo = line_of(broken, "criterion: tolerence")
        version = line_of(broken, "version: 1.5")

        result = runner.invoke(app, ["validate", str(broken)])

        assert_clean_exit(result, 3)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        pattern = re.compile(rf"^Error: {re.escape(str(broken))}:\d+: \S+: \S.*$")
        assert lines
        assert all(pattern.match(line) for line in lines), lines
        assert (
            f"Error: {broken}:{typo}: sections[3].questions[9].criterion: "
            "'tolerence' is not a criterion (did you mean 'tolerance'?)"
        ) in lines
        assert any(line.startswith(f"Error: {broken}:{version}: version: ") for line in lines)
        assert any("no question covers criteria: tolerance" in line for line in lines)

    def test_a_bank_that_is_not_yaml_is_one_located_line(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        broken = tmp_path / "bank.yaml"
        broken.write_text("id: x\nsections: [\n", encoding="utf-8")
        result = runner.invoke(app, ["validate", str(broken)])
        assert_clean_exit(result, 3)
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
        assert re.match(rf"Error: {re.escape(str(broken))}:\d+: not valid YAML: ", result.stderr)

    def test_a_missing_bank_file_is_one_line(self, runner: CliRunner, tmp_path: Path) -> None:
        missing = tmp_path / "nowhere.yaml"
        result = runner.invoke(app, ["validate", str(missing)])
        assert_clean_exit(result, 3)
        assert result.stdout == ""
        assert result.stderr == f"Error: {missing}: no such bank file\n"

    @pytest.mark.parametrize("command", [["run"], ["questions"], ["score", "answers.yaml"]])
    def test_every_command_reports_a_missing_bank_the_same_way(
        self, runner: CliRunner, tmp_path: Path, command: list[str]
    ) -> None:
        missing = tmp_path / "nowhere.yaml"
        result = runner.invoke(app, [*command, "--bank", str(missing)], input="")
        assert_clean_exit(result, 3)
        assert result.stdout == ""
        assert result.stderr == f"Error: {missing}: no such bank file\n"


class TestQuestions:
    """`questions` lists the bank for people, for scripts (--json) and for FHIR tools (--fhir)."""

    def test_json_has_the_bank_and_every_question_in_order(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["questions", "--json"])
        assert_clean_exit(result, 0)
        assert result.stderr == ""
        data = json.loads(result.stdout)
        assert data["bank"]["id"] == BANK_ID
        assert data["bank"]["version"] == BANK_VERSION
        assert [q["id"] for q in data["questions"]] == QUESTION_IDS + OTHER_IDS
        by_id = {q["id"]: q for q in data["questions"]}
        assert by_id["craving"]["perspective"] == "self"
        assert by_id["about_cut_down"]["perspective"] == "other"
        assert by_id["about_cut_down"]["unknown"] is True
        assert by_id["cut_down"]["unknown"] is False
        assert by_id["about_cut_down"]["text"].startswith("Have they tried to stop")

    def test_fhir_prints_the_bank_as_a_valid_r4_questionnaire(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["questions", "--fhir"])
        assert_clean_exit(result, 0)
        assert result.stderr == ""
        data = json.loads(result.stdout)
        Questionnaire.model_validate(data)
        assert (data["url"], data["version"]) == (f"urn:screener:bank:{BANK_ID}", BANK_VERSION)
        asked = [
            i["linkId"]
            for g in data["item"]
            for i in g.get("item", [g])
            if i["type"] not in ("display", "group")
        ]
        # "Who is this about?" first, then all but the consent questions
        assert asked == ["about-whom", *QUESTION_IDS[1:], *OTHER_IDS[1:]]

    def test_fhir_and_json_together_is_a_usage_error(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["questions", "--fhir", "--json"])
        assert_clean_exit(result, 2)
        assert result.stdout == ""
        assert result.stderr == "Error: --json and --fhir cannot be used together: choose one\n"

    def test_json_gives_each_question_its_shape(self, runner: CliRunner) -> None:
        data = json.loads(runner.invoke(app, ["questions", "--json"]).stdout)
        keys = {"id", "section", "kind", "options", "criterion", "role", "scale", "show_if"}
        for q in data["questions"]:
            assert keys <= set(q), q["id"]
        by_id = {q["id"]: q for q in data["questions"]}
        assert by_id["consent"]["role"] == "consent"
        assert by_id["use_any"]["role"] == "gate"
        assert by_id["use_any"]["show_if"] is None
        assert by_id["prescribed_only"]["role"] == "prescribed_only"
        assert [k for k in CRITERIA if by_id[k]["criterion"] == k] == list(CRITERIA)
        assert all(by_id[q]["scale"] == "sows" for q in SOWS_IDS)
        assert all(by_id[q]["scale"] == "extra" for q in EXTRA_IDS)
        assert [o["value"] for o in by_id["sows_anxious"]["options"]] == [0, 1, 2, 3, 4]
        assert by_id["sows_anxious"]["kind"] == "scale"
        assert by_id["opioids_which"]["kind"] == "multi"
        assert by_id["ctx_attempts"]["kind"] == "choice"
        assert by_id["ctx_attempts"]["section"] == "context"
        assert [o["value"] for o in by_id["ctx_attempts"]["options"]] == [
            "never",
            "once",
            "a_few",
            "many",
        ]
        assert by_id["opioids_which"]["show_if"] is not None
        assert by_id["craving"]["show_if"] is not None  # from its section

    def test_text_lists_every_question_id(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["questions"])
        assert_clean_exit(result, 0)
        assert result.stderr == ""
        listed = re.findall(r"\[([a-z][a-z0-9_]*)\]", result.stdout)
        assert listed == QUESTION_IDS + OTHER_IDS
        assert "(about: Someone I care about)" in result.stdout
        assert result.stdout.startswith(f"Opioid use self-screening ({BANK_ID} version 3.0.0)")


# (answers, count, count_max, severity, severity_max, supervised_exclusion, withdrawal)
SCORE_CASES = {
    "heroin, six criteria, rating declined": (
        COMPLETE,
        6,
        6,
        "severe",
        "severe",
        False,
        None,
    ),
    "no use in 12 months": (
        {"use_any": False},
        0,
        0,
        "none",
        "none",
        False,
        None,
    ),
    "prescribed only: tolerance and withdrawal not counted": (
        {
            "use_any": True,
            "opioids_which": ["prescribed_pain"],
            "opioids_how": ["swallow"],
            "prescribed_only": True,
            **{key: key in ("craving", "tolerance", "withdrawal") for key in CRITERIA},
            "withdrawal_offer": True,
            **dict.fromkeys(SOWS_IDS, 1),
            "extra_offer": True,
            **dict.fromkeys(EXTRA_IDS, 4),  # rated, but never part of the score
        },
        1,
        1,
        "none",
        "none",
        True,
        {"score": 16, "answered": 16, "items": 16, "max": 64, "band": "moderate", "complete": True},
    ),
    "prescribed claimed, but heroin too: tolerance and withdrawal counted": (
        {
            "use_any": True,
            "opioids_which": ["heroin", "prescribed_pain"],
            "prescribed_only": True,
            **{key: key in ("tolerance", "withdrawal") for key in CRITERIA},
        },
        2,
        2,
        "mild",
        "mild",
        False,
        None,
    ),
    "three criteria open, two items rated": (
        {
            "use_any": True,
            "opioids_which": ["fentanyl"],
            "prescribed_only": False,
            "larger_longer": True,
            "cut_down": True,
            "time_spent": False,
            "craving": False,
            "role_failure": False,
            "social_problems": False,
            "activities_given_up": False,
            "hazardous_use": False,
            "despite_harm": None,  # skipped on purpose
            "withdrawal_offer": True,
            "sows_anxious": 4,
            "sows_yawning": 3,
        },
        2,
        5,
        "mild",
        "moderate",
        False,
        {"score": 7, "answered": 2, "items": 16, "max": 64, "band": "mild", "complete": False},
    ),
}


class TestScore:
    """`score FILE` scores YAML or JSON answers files and rejects bad ones with exit 4."""

    @pytest.mark.parametrize("suffix", [".yaml", ".json"])
    @pytest.mark.parametrize("case", list(SCORE_CASES))
    def test_json_result_has_the_expected_count_severity_and_withdrawal(
        self, runner: CliRunner, tmp_path: Path, case: str, suffix: str
    ) -> None:
        values, count, count_max, severity, severity_max, supervised, withdrawal = SCORE_CASES[case]
        path = write_answers(tmp_path / f"answers{suffix}", values)

        result = runner.invoke(app, ["score", str(path), "--json"])

        assert_clean_exit(result, 0)
        assert result.stderr == ""
        data = json.loads(result.stdout)
        assert data["bank"] == {"id": BANK_ID, "version": BANK_VERSION}
        assert data["criteria"]["count"] == count
        assert data["criteria"]["count_max"] == count_max
        assert data["severity"] == severity
        assert data["severity_max"] == severity_max
        assert data["supervised_exclusion"] is supervised
        assert data["withdrawal"] == withdrawal

    def test_json_result_names_what_was_met_excluded_and_open(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        path = write_answers(
            tmp_path / "a.json",
            SCORE_CASES["prescribed only: tolerance and withdrawal not counted"][0],
        )
        data = json.loads(runner.invoke(app, ["score", str(path), "--json"]).stdout)
        assert data["criteria"]["met"] == ["craving"]
        assert data["criteria"]["excluded"] == ["tolerance", "withdrawal"]
        assert data["criteria"]["unanswered"] == []
        assert data["physical_dependence"] is False
        assert data["screened_out"] is False

    def test_the_result_screen_says_it_is_not_a_diagnosis(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        result = runner.invoke(app, ["score", str(complete_file)])
        assert_clean_exit(result, 0)
        assert result.stderr == ""
        out = flat(result.stdout)
        assert "Your screening result" in out
        assert "This is a screening, not a diagnosis." in out
        assert COMPLETE_SUMMARY in out
        assert "Call 911 now." in out
        assert "1-800-662-4357" in out

    def test_a_version_mismatch_is_a_warning_not_an_error(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        doc = answers_doc(COMPLETE)
        doc["bank"]["version"] = "0.9.0"
        path = tmp_path / "old.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        result = runner.invoke(app, ["score", str(path), "--json"])
        assert_clean_exit(result, 0)
        assert json.loads(result.stdout)["severity"] == "severe"
        assert result.stderr == (
            f"Warning: {path}: answers were given to version '0.9.0' of the bank; "
            "checking them against version '3.0.0'\n"
            f"Warning: {path}: 7 answered questions have changed meaning since that version: "
            "cut_down, role_failure, hazardous_use, despite_harm, tolerance, withdrawal, "
            "ctx_home; their answers are counted as given\n"
        )

    def test_run_answers_gives_the_changed_meaning_note_as_score_does(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        doc = answers_doc(COMPLETE)
        doc["bank"]["version"] = "0.9.0"
        path = tmp_path / "old.yaml"
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        scored = runner.invoke(app, ["score", str(path)])
        ran = runner.invoke(app, ["run", "--answers", str(path)], input="y\n")
        assert_clean_exit(scored, 0)
        assert_clean_exit(ran, 0)
        note = "changed meaning"
        assert note in flat(scored.stdout)
        assert note in flat(ran.stdout)
        assert ran.stderr == scored.stderr

    def test_an_unknown_question_id_is_named_with_its_line(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        values = {**COMPLETE, "cravings": True}
        path = write_answers(tmp_path / "a.yaml", values)
        result = runner.invoke(app, ["score", str(path), "--json"])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        line = line_of(path, "cravings:")
        assert result.stderr == (
            f"Error: {path}:{line}: answers.cravings: 'cravings' is not a question in this bank "
            "(did you mean 'craving'?)\n"
        )

    def test_a_scale_answer_out_of_range_is_named_with_its_line(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        values = {**COMPLETE, "withdrawal_offer": True, "sows_anxious": 5}
        path = write_answers(tmp_path / "a.yaml", values)
        result = runner.invoke(app, ["score", str(path), "--json"])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        line = line_of(path, "sows_anxious:")
        assert result.stderr == (
            f"Error: {path}:{line}: answers.sows_anxious: expected a whole number 0-4, got 5\n"
        )

    def test_answers_for_another_bank_are_refused(self, runner: CliRunner, tmp_path: Path) -> None:
        path = write_answers(tmp_path / "a.yaml", COMPLETE, bank_id="other-bank")
        result = runner.invoke(app, ["score", str(path)])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        line = line_of(path, "id: other-bank")
        assert result.stderr == (
            f"Error: {path}:{line}: bank.id: these answers are for bank 'other-bank', "
            f"not '{BANK_ID}'\n"
        )

    def test_every_problem_in_a_file_is_listed(self, runner: CliRunner, tmp_path: Path) -> None:
        values = {**COMPLETE, "cravings": True, "withdrawal_offer": True, "sows_anxious": 5}
        path = write_answers(tmp_path / "a.yaml", values, bank_id="other-bank")
        result = runner.invoke(app, ["score", str(path)])
        assert_clean_exit(result, 4)
        lines = result.stderr.splitlines()
        assert len(lines) == 3, lines
        for named in ("bank.id", "answers.cravings", "answers.sows_anxious"):
            assert any(f": {named}: " in line for line in lines), named

    @pytest.mark.parametrize(
        "text",
        ["answers: [\n  {\n", '{"format": "screener-answers/1",\n', "\tanswers: yes\n"],
    )
    def test_a_file_that_is_not_yaml_is_one_line_without_a_traceback(
        self, runner: CliRunner, tmp_path: Path, text: str
    ) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["score", str(path)])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1
        assert re.match(
            rf"Error: {re.escape(str(path))}:\d+: not valid YAML or JSON: ", result.stderr
        )

    def test_a_file_that_is_not_a_mapping_says_what_is_expected(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        path = tmp_path / "a.yaml"
        path.write_text("just some words\n", encoding="utf-8")
        result = runner.invoke(app, ["score", str(path)])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        assert result.stderr == (
            f"Error: {path}:1: (top): expected a screener-answers/1 mapping "
            "(format, bank, perspective, answers)\n"
        )

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"\xff\xfe\x00a", ":1: cannot read the answers: not UTF-8 text"),
            (
                b"",
                ":1: (top): expected a screener-answers/1 mapping "
                "(format, bank, perspective, answers)",
            ),
        ],
    )
    def test_an_unreadable_or_empty_file_is_one_line(
        self, runner: CliRunner, tmp_path: Path, content: bytes, message: str
    ) -> None:
        path = tmp_path / "a.yaml"
        path.write_bytes(content)
        result = runner.invoke(app, ["score", str(path), "--json"])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        assert result.stderr == f"Error: {path}{message}\n"

    def test_yaml_yes_for_a_choice_gets_a_hint_to_quote_it(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(
            "format: screener-answers/1\n"
            "bank: {id: oud-self-screen, version: '3.0.0'}\n"
            "answers:\n"
            "  use_any: true\n"
            "  ctx_pregnant: yes\n",
            encoding="utf-8",
        )
        result = runner.invoke(app, ["score", str(path), "--json"])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: {path}:5: answers.ctx_pregnant: ")
        assert "quote the value" in result.stderr

    def test_a_missing_answers_file_is_one_line(self, runner: CliRunner, tmp_path: Path) -> None:
        path = tmp_path / "nowhere.yaml"
        result = runner.invoke(app, ["score", str(path)])
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        assert result.stderr == f"Error: {path}: no such answers file\n"


class TestRunWithAnswers:
    """`run --answers FILE` asks only what is missing, and never waits on a pipe."""

    def test_complete_answers_ask_nothing_and_print_the_result(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        result = runner.invoke(app, ["run", "--answers", str(complete_file)], input="")
        assert_clean_exit(result, 0)
        assert result.stderr == ""
        assert "> " not in result.stdout
        assert "Would you like to begin?" not in result.stdout
        out = flat(result.stdout)
        assert "Your screening result" in out
        assert COMPLETE_SUMMARY in out

    def test_missing_answers_without_a_terminal_exit_4_listing_them(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        values = {k: v for k, v in COMPLETE.items() if not k.startswith("ctx_")}
        path = write_answers(tmp_path / "partial.yaml", values)
        result = runner.invoke(app, ["run", "--answers", str(path)], input=piped(["y"] * 20))
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        # ctx_relapse only applies once ctx_attempts says there was a try, and ctx_mood_serious
        # once ctx_mood is yes, so they are not missing.
        missing = [q for q in CTX_IDS if q not in ("ctx_relapse", "ctx_mood_serious")]
        assert result.stderr == (
            f"Error: {path}: no answer for: {', '.join(missing)} (answer them in a terminal)\n"
        )

    def test_a_bad_answers_file_stops_the_run_before_any_question(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        path = write_answers(tmp_path / "a.yaml", {**COMPLETE, "cravings": True})
        result = runner.invoke(app, ["run", "--answers", str(path)], input=piped(WALK))
        assert_clean_exit(result, 4)
        assert result.stdout == ""
        assert "answers.cravings" in result.stderr


class TestPipedRun:
    """`run` reads one answer a line from a pipe and echoes it, like a transcript."""

    def test_piped_answers_walk_to_the_result(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input=piped(WALK))
        assert_clean_exit(result, 0)
        assert result.stderr == ""
        assert result.stdout.count("> ") == len(WALK)
        out = flat(result.stdout)
        assert "Would you like to begin?" in out
        assert "Your screening result" in out
        assert COMPLETE_SUMMARY in out
        assert "Not taken (it was optional)." in out
        assert "Right now: I feel anxious" not in out

    def test_piped_answers_are_echoed_after_each_prompt(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input=piped(WALK))
        echoed = re.findall(r"^> (.*)$", result.stdout, re.MULTILINE)
        assert echoed == WALK

    def test_input_that_ends_early_exits_130_and_saves_nothing(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input=piped(WALK[:5]))
        assert_clean_exit(result, 130)
        assert_stopped(result.stderr)
        assert "Your screening result" not in result.stdout

    def test_empty_input_exits_130_at_the_first_question(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input="")
        assert_clean_exit(result, 130)
        assert "Who is this screening about?" in result.stdout
        assert_stopped(result.stderr)

    def test_declining_consent_exits_0_with_the_helplines(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input="1\nn\n")
        assert_clean_exit(result, 0)
        assert result.stderr == ""
        out = flat(result.stdout)
        assert "Okay. Nothing was saved." in out
        for contact in ("911", "1-800-662-4357", "988", "1-800-484-3731"):
            assert contact in out
        assert "Your screening result" not in out
        assert "have you used any opioids" not in out

    def test_consent_cannot_be_skipped(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input="1\ns\nn\n")
        assert_clean_exit(result, 0)
        assert "This one needs a y or n." in flat(result.stdout)

    def test_quitting_and_confirming_exits_1(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input="1\ny\nq\ny\n")
        assert_clean_exit(result, 1)
        assert result.stderr == "You left the screening. Nothing was saved.\n"
        assert "Leave now?" in result.stdout
        assert "Your screening result" not in result.stdout

    def test_quitting_and_thinking_better_of_it_carries_on(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input=piped(["1", "y", "q", "n", *WALK[2:]]))
        assert_clean_exit(result, 0)
        out = flat(result.stdout)
        assert "Alright, carrying on." in out
        assert COMPLETE_SUMMARY in out

    def test_an_answer_that_does_not_fit_asks_again(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input=piped(["1", "y", "maybe", *WALK[2:]]))
        assert_clean_exit(result, 0)
        out = flat(result.stdout)
        assert "'maybe' is not an answer here." in out
        assert COMPLETE_SUMMARY in out

    def test_no_use_goes_straight_to_the_result(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run"], input="1\ny\nn\nn\nn\n")  # used before? thoughts?
        assert_clean_exit(result, 0)
        out = flat(result.stdout)
        assert "No opioid use in the past 12 months was reported" in out
        assert "have you often ended up" not in out


class TestColourAndPlain:
    """NO_COLOR, TERM=dumb and --plain keep escapes and boxes out of the output."""

    @pytest.mark.parametrize("command", ["score", "run"])
    def test_no_color_gives_no_escapes_on_a_colour_term(
        self, runner: CliRunner, complete_file: Path, command: str
    ) -> None:
        args = ["score", str(complete_file)] if command == "score" else ["run"]
        env = {"NO_COLOR": "1", "TERM": "xterm-256color"}
        result = runner.invoke(app, args, input=piped(WALK), env=env)
        assert_clean_exit(result, 0)
        assert COMPLETE_SUMMARY in flat(result.stdout)
        assert "\x1b[" not in result.stdout
        assert "\x1b[" not in result.stderr

    def test_plain_sends_no_codes_at_all_even_when_colour_is_forced(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        # A screen reader should not meet bold or dim codes either.
        env = {"NO_COLOR": None, "FORCE_COLOR": "1", "TERM": "xterm-256color"}
        result = runner.invoke(app, ["score", str(complete_file), "--plain"], env=env)
        assert_clean_exit(result, 0)
        assert "\x1b" not in result.stdout

    @pytest.mark.parametrize("command", ["score", "run"])
    def test_plain_gives_no_escapes_and_no_boxes(
        self, runner: CliRunner, complete_file: Path, command: str
    ) -> None:
        args = ["score", str(complete_file)] if command == "score" else ["run"]
        env = {"NO_COLOR": None, "TERM": "xterm-256color"}
        result = runner.invoke(app, [*args, "--plain"], input=piped(WALK), env=env)
        assert_clean_exit(result, 0)
        assert COMPLETE_SUMMARY in flat(result.stdout)
        assert "\x1b[" not in result.stdout
        assert BOX_DRAWING.findall(result.stdout) == []

    def test_the_default_screen_does_draw_boxes(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        # The counterpart of the --plain test: without it, boxes are expected.
        result = runner.invoke(app, ["score", str(complete_file)])
        assert BOX_DRAWING.search(result.stdout)

    def test_forced_colour_is_used_when_no_color_is_unset(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": None}
        result = runner.invoke(app, ["score", str(complete_file)], env=env)
        assert_clean_exit(result, 0)
        assert colour_codes(result.stdout)

    def test_an_empty_no_color_still_allows_colour(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        # no-color.org: only a NO_COLOR that is present and not empty turns colour off.
        env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": ""}
        result = runner.invoke(app, ["score", str(complete_file)], env=env)
        assert_clean_exit(result, 0)
        assert colour_codes(result.stdout)

    def test_no_color_wins_over_forced_colour(self, runner: CliRunner, complete_file: Path) -> None:
        # no-color.org forbids colour only; bold and dim may stay.
        env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": "1"}
        result = runner.invoke(app, ["score", str(complete_file)], env=env)
        assert_clean_exit(result, 0)
        assert colour_codes(result.stdout) == []

    def test_plain_has_no_colour_even_when_colour_is_forced(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": None}
        result = runner.invoke(app, ["score", str(complete_file), "--plain"], env=env)
        assert_clean_exit(result, 0)
        assert colour_codes(result.stdout) == []
        assert BOX_DRAWING.findall(result.stdout) == []

    def test_a_dumb_terminal_gets_no_escapes_even_when_colour_is_forced(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        env = {"FORCE_COLOR": "1", "TERM": "dumb", "NO_COLOR": None}
        result = runner.invoke(app, ["score", str(complete_file)], env=env)
        assert_clean_exit(result, 0)
        assert "\x1b[" not in result.stdout

    def test_errors_have_no_escapes_when_colour_is_off(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        path = write_answers(tmp_path / "a.yaml", {**COMPLETE, "cravings": True})
        env = {"NO_COLOR": "1", "TERM": "xterm-256color"}
        result = runner.invoke(app, ["score", str(path)], env=env)
        assert_clean_exit(result, 4)
        assert result.stderr.startswith("Error: ")
        assert "\x1b[" not in result.stderr


def python_m_screener(
    args: list[str], cwd: Path, input: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env.update({"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "80", "PYTHONIOENCODING": "utf-8"})
    return subprocess.run(
        [sys.executable, "-m", "screener", *args],
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


class TestDefaultCommand:
    """`python -m screener` with no command, or with only options, runs the screening."""

    def test_bare_invocation_runs_the_screening_to_the_result(self, tmp_path: Path) -> None:
        done = python_m_screener([], tmp_path, piped(WALK))
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        out = flat(done.stdout)
        assert "Would you like to begin?" in out
        assert COMPLETE_SUMMARY in out

    def test_options_alone_are_options_of_run(self, tmp_path: Path) -> None:
        done = python_m_screener(["--plain"], tmp_path, "1\nn\n")
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        assert "Would you like to begin?" in done.stdout
        assert "1-800-662-4357" in done.stdout
        assert BOX_DRAWING.findall(done.stdout) == []

    def test_answers_option_alone_scores_without_asking(self, tmp_path: Path) -> None:
        path = write_answers(tmp_path / "answers.json", COMPLETE)
        done = python_m_screener(["--plain", "--answers", str(path)], tmp_path)
        assert done.returncode == 0, done.stderr
        assert "> " not in done.stdout
        assert COMPLETE_SUMMARY in flat(done.stdout)

    def test_a_bank_option_alone_is_checked_before_anything_is_asked(self, tmp_path: Path) -> None:
        done = python_m_screener(["--bank", "nowhere.yaml"], tmp_path, "y\n")
        assert done.returncode == 3
        assert done.stdout == ""
        assert done.stderr == "Error: nowhere.yaml: no such bank file\n"

    def test_version_and_help_are_not_taken_for_run(self, tmp_path: Path) -> None:
        version = python_m_screener(["--version"], tmp_path)
        assert (version.returncode, version.stdout) == (0, f"screener {__version__}\n")
        helped = python_m_screener(["--help"], tmp_path)
        assert helped.returncode == 0
        assert "Commands" in helped.stdout
        assert "validate" in helped.stdout

    def test_a_named_command_is_run_as_itself(self, tmp_path: Path) -> None:
        done = python_m_screener(["validate"], tmp_path)
        assert done.returncode == 0, done.stderr
        assert ": OK: bank oud-self-screen version 3.0.0" in done.stdout

    def test_an_unknown_word_exits_2_naming_it(self, tmp_path: Path) -> None:
        done = python_m_screener(["frobnicate"], tmp_path)
        assert done.returncode == 2
        assert done.stdout == ""
        assert "frobnicate" in done.stderr
        assert "Traceback" not in done.stderr

    def test_an_unknown_word_is_reported_as_no_such_command(self, tmp_path: Path) -> None:
        done = python_m_screener(["frobnicate"], tmp_path)
        assert "No such command" in done.stderr
        assert "╭" not in done.stderr  # plain usage errors, no boxes

    def test_version_after_an_option_still_prints_the_version(self, tmp_path: Path) -> None:
        done = python_m_screener(["--plain", "--version"], tmp_path)
        assert (done.returncode, done.stdout) == (0, f"screener {__version__}\n")

    def test_input_that_ends_early_exits_130(self, tmp_path: Path) -> None:
        done = python_m_screener([], tmp_path, "y\ny\n")
        assert done.returncode == 130
        assert_stopped(done.stderr)


class TestCarryOnCommand:
    """The command printed to carry on later starts screener the way this run was started."""

    def test_python_m_screener_gives_this_interpreter(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from screener import launch

        monkeypatch.setattr(sys, "argv", ["/x/screener/__main__.py"])
        assert launch.program().endswith(" -m screener")
        assert sys.executable in launch.program()

    def test_a_script_not_on_the_path_is_named_by_its_full_path(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from screener import launch

        script = tmp_path / "my tools" / "screener"
        monkeypatch.setattr(sys, "argv", [str(script)])
        monkeypatch.setenv("PATH", str(tmp_path / "elsewhere"))
        assert launch.program() == f"'{script}'"

    def test_the_script_the_path_finds_is_just_screener(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from screener import launch

        script = tmp_path / "screener"
        script.write_text("#!/bin/sh\n")
        script.chmod(0o755)
        monkeypatch.setattr(sys, "argv", [str(script)])
        monkeypatch.setenv("PATH", str(tmp_path))
        assert launch.program() == "screener"
