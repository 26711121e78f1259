"""The counselor demo: the shipped personas, their checking, their typed answers and the command."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import NO_USE, bank_text
from rich.console import Console
from typer.testing import CliRunner
from typer.testing import Result as RunResult

from screener.cli import app
from screener.core import wording
from screener.core.model import Bank, Severity, Status
from screener.core.scoring import score
from screener.errors import AnswersError
from screener.files import yamlsrc
from screener.files.answers import document, missing, parse_answers
from screener.screens import render
from screener.screens import result as result_screen
from screener.screens.demo import (
    Persona,
    answers_of,
    keys_for,
    load_personas,
    outcome,
    parse_personas,
    play,
)
from screener.screens.interview import parse_reply

BANNER = "DEMO: fictional answers"
PROGRESS = re.compile(r" · \d+ of \d+$")

# name -> (severity, count, count_max, the last line of the result's summary)
EXPECTED = {
    "dana": (Severity.NONE, 0, 0, "No opioid use in the past 12 months was reported"),
    "sam": (Severity.MILD, 3, 3, "3 of 11 criteria: a pattern consistent with mild"),
    "jordan": (
        Severity.MODERATE,
        4,
        5,
        "4 to 5 of 11 criteria (1 not answered): a pattern consistent with moderate",
    ),
    "alex": (Severity.MODERATE, 5, 5, "5 of 11 criteria: a pattern consistent with moderate"),
    "riley": (Severity.SEVERE, 9, 9, "9 of 11 criteria: a pattern consistent with severe"),
    "morgan": (Severity.NONE, 1, 1, "1 of 11 criteria: below the threshold"),
    "casey": (Severity.MILD, 3, 3, "3 of 11 criteria: a pattern consistent with mild"),
    "pat": (Severity.NONE, 1, 1, "1 of 11 criteria: below the threshold"),
    "lee": (Severity.MILD, 3, 3, "3 of 11 criteria: a pattern consistent with mild"),
    "quinn": (Severity.NONE, 0, 0, "No opioid use in the past 12 months was reported"),
    "robin": (Severity.NONE, 1, 1, "1 of 11 criteria: below the threshold"),
}
# About someone else: name -> (count, count_max, the result's sentence); never a severity.
THEIRS = {
    "terry": (6, 10, "What you have seen matches 6 to 10 of the 11 signs clinicians look for"),
    "jamie": (7, 11, "What you have seen matches 7 to 11 of the 11 signs clinicians look for"),
    "kim": (2, 10, "What you have seen matches 2 to 10 of the 11 signs clinicians look for"),
    "avery": (0, 2, "What you have seen matches 0 to 2 of the 11 signs clinicians look for"),
}
ALL = [*EXPECTED, *THEIRS]
SENTENCE = {**{n: e[3] for n, e in EXPECTED.items()}, **{n: t[2] for n, t in THEIRS.items()}}


@pytest.fixture(scope="module")
def personas(bank: Bank) -> dict[str, Persona]:
    return {p.name: p for p in load_personas(None, bank)}


def flat(text: str) -> str:
    return " ".join(text.split())


def ok(result: RunResult) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return result.stdout


def personas_text(change: Any = None, version: str = "3.0.0") -> str:
    """A small valid personas file for the default bank, changed by `change(doc)`."""
    doc: dict[str, Any] = {
        "format": "screener-personas/1",
        "bank": {"id": "oud-self-screen", "version": version},
        "personas": [
            {"name": "ana", "sketch": "Ana, no use this year.", "answers": NO_USE},
        ],
    }
    if change is not None:
        change(doc)
    return yaml.safe_dump(doc, sort_keys=False, width=1000)


def problems(text: str, bank: Bank) -> list[str]:
    try:
        parse_personas(text, bank, "p.yaml")
    except AnswersError as exc:
        return list(exc.problems)
    return []


def line_of(text: str, needle: str, after: int = 0) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if n > after and needle in line:
            return n
    raise AssertionError(needle)


class TestShippedPersonas:
    """The personas file in the package is valid for the bank and covers what the issue asks."""

    def test_the_shipped_personas_validate_against_the_shipped_bank(
        self, personas: dict[str, Persona]
    ) -> None:
        assert list(personas) == ALL

    @pytest.mark.parametrize("name", list(THEIRS))
    def test_each_persona_about_someone_else_reaches_its_range_of_signs(
        self, bank: Bank, personas: dict[str, Persona], name: str
    ) -> None:
        count, count_max, sentence = THEIRS[name]
        res = outcome(bank, personas[name])
        assert personas[name].perspective == "other"
        assert (res.count, res.count_max) == (count, count_max)
        assert wording.seen_sentence(res) == sentence  # the range, in the detail
        assert result_screen.summary_line(res).startswith(f"You have seen {count} of the 11 signs")

    @pytest.mark.parametrize("name", list(EXPECTED))
    def test_each_persona_reaches_its_intended_severity(
        self, bank: Bank, personas: dict[str, Persona], name: str
    ) -> None:
        severity, count, count_max, _ = EXPECTED[name]
        res = outcome(bank, personas[name])
        assert (res.severity, res.count, res.count_max) == (severity, count, count_max)

    @pytest.mark.parametrize("name", ALL)
    def test_scored_as_an_answers_file_a_persona_gives_the_same_result(
        self, bank: Bank, personas: dict[str, Persona], name: str
    ) -> None:
        answers = answers_of(bank, personas[name])
        text = yamlsrc.dump(document(answers, bank))
        read, warnings = parse_answers(text, bank, "demo.yaml")
        assert warnings == []
        assert read.demo == name
        assert score(bank, read) == outcome(bank, personas[name])

    def test_every_persona_answers_all_that_applies_and_only_jordan_skips(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        for p in personas.values():
            assert missing(bank, p.values, p.perspective) == [], p.name
        skipped = {p.name: [q for q, v in p.values.items() if v is None] for p in personas.values()}
        assert skipped.pop("jordan") == ["role_failure", "ctx_pregnant"]
        assert all(s == [] for s in skipped.values())

    def test_no_recent_use_answers_only_the_gate(self, personas: dict[str, Persona]) -> None:
        # Dana used prescribed pills years ago: "used before?" and a recent release are asked.
        assert dict(personas["dana"].values) == {
            "use_any": False,
            "ever_used": True,
            "controlled_setting": "no",
            "crisis_thoughts": False,
        }

    def test_the_severe_persona_is_in_withdrawal_with_overdose_risks(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        res = outcome(bank, personas["riley"])
        assert res.withdrawal is not None
        assert (res.withdrawal.score, res.withdrawal.complete, res.withdrawal.band) == (
            38,
            True,
            "severe",
        )
        flags = {f.id for f in res.flags}
        assert {"uses_alone", "recent_break", "no_naloxone"} <= flags
        assert res.referrals[0].id == "overdose_safety"

    def test_the_persona_just_home_from_prison_is_told_about_overdose_first(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        res = outcome(bank, personas["quinn"])
        assert "recent_release" in {f.id for f in res.flags}
        ids = [r.id for r in res.referrals]
        assert ids[:2] == ["overdose_safety", "moud"]
        assert "medical_detox" not in ids

    def test_the_persona_with_thoughts_of_suicide_is_given_988_first_and_no_street_warnings(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        res = outcome(bank, personas["robin"])
        assert {"suicide_risk"} <= {f.id for f in res.flags}
        ids = [r.id for r in res.referrals]
        assert ids[:2] == ["crisis_line", "dont_stop_suddenly"]
        assert not {"overdose_safety", "street_supply", "moud", "medical_detox"} & set(ids)

    def test_the_sister_of_a_man_home_from_jail_who_talks_of_dying_is_given_988_then_naloxone(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        res = outcome(bank, personas["kim"])
        assert "their_suicide_risk" in {f.id for f in res.flags}
        ids = [r.id for r in res.referrals]
        assert ids[:2] == ["crisis_line", "family_overdose_plan"]

    def test_the_partner_of_a_pregnant_patient_on_buprenorphine_is_told_to_help_them_stay_on_it(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        res = outcome(bank, personas["avery"])
        ids = [r.id for r in res.referrals]
        assert ids[0] == "their_pregnancy"
        assert {"their_treatment", "their_prescriber"} <= set(ids)
        assert not {"family_support", "treatment_to_offer"} & set(ids)
        assert res.supervised_exclusion

    def test_the_methadone_persona_has_tolerance_and_withdrawal_not_counted(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        p = personas["morgan"]
        assert p.values["opioids_which"] == ("treatment_medication",)
        assert p.values["tolerance"] is True and p.values["withdrawal"] is True
        res = outcome(bank, p)
        assert res.supervised_exclusion
        assert res.ids(Status.EXCLUDED) == ["tolerance", "withdrawal"]

    def test_heroin_means_casey_is_not_asked_whether_all_was_prescribed(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        res = outcome(bank, personas["casey"])
        assert "prescribed_only" not in res.shown
        assert not res.supervised_exclusion
        assert "tolerance" in res.ids(Status.MET)


class TestKeys:
    """What the demo types reads back, through the interview's own parser, as the answer."""

    def test_every_persona_answer_round_trips_through_parse_reply(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        checked = 0
        for p in personas.values():
            for qid, value in p.values.items():
                q = bank.question(qid)
                reply = parse_reply(q, keys_for(q, value))
                if value is None:
                    assert reply.command == "skip", (p.name, qid)
                else:
                    assert (reply.command, reply.hint, reply.value) == (None, None, value)
                checked += 1
        assert checked > 150

    @pytest.mark.parametrize(
        ("qid", "value", "keys"),
        [
            ("use_any", True, "y"),
            ("use_any", False, "n"),
            ("craving", None, "s"),
            ("sows_aches", 3, "3"),
            ("sows_aches", 0, "0"),
            ("ctx_attempts", "a_few", "3"),
            ("opioids_which", ("heroin", "fentanyl"), "1 2"),
            ("ctx_other_substances", ("none",), "6"),
        ],
    )
    def test_keys_are_what_a_person_would_type(
        self, bank: Bank, qid: str, value: Any, keys: str
    ) -> None:
        assert keys_for(bank.question(qid), value) == keys


class TestChecking:
    """A personas file is checked like a bank: every problem at once, each with its line."""

    def test_a_small_valid_file_loads(self, bank: Bank) -> None:
        (ana,) = parse_personas(personas_text(), bank)
        assert (ana.name, ana.perspective, dict(ana.values)) == ("ana", "self", NO_USE)

    def test_several_problems_are_listed_together_each_with_its_line(self, bank: Bank) -> None:
        def change(doc: dict[str, Any]) -> None:
            doc["fromat"] = "x"
            doc["personas"] = [
                {
                    "name": "bo",
                    "sketch": "Bo.",
                    "perspective": "partner",
                    "answers": {
                        "use_any": True,
                        "opioids_which": ["herion"],
                        "cravng": True,
                        "consent": True,
                    },
                },
                {"name": "bo", "skecth": "Again.", "answers": {"use_any": False, "craving": True}},
            ]

        text = personas_text(change)
        found = problems(text, bank)
        second = line_of(text, "- name: bo", line_of(text, "- name: bo"))
        joined = "\n".join(found)
        for needle, message in [
            ("fromat", "fromat: unknown key 'fromat' (did you mean 'format'?)"),
            ("partner", "personas[0].perspective: 'partner' is not a perspective of this bank"),
            ("opioids_which:", "personas[0].answers.opioids_which: 'herion' is not one of"),
            ("cravng", "personas[0].answers.cravng: 'cravng' is not a question in this bank "
             "(did you mean 'craving'?)"),
            ("consent", "personas[0].answers.consent: leave the consent question out"),
            ("skecth", "personas[1].skecth: unknown key 'skecth' (did you mean 'sketch'?)"),
            ("craving: true", "personas[1].answers.craving: does not apply to this persona's "
             "answers, so it would never be asked"),
        ]:  # fmt: skip
            n = line_of(text, needle, second if needle == "craving: true" else 0)
            assert f"p.yaml:{n}: {message}" in joined, (needle, joined)
        assert f"p.yaml:{second}: personas[1].name: the name 'bo' is already used on line" in joined
        # Problems come in file order.
        lines = [int(p.split(":")[1]) for p in found]
        assert lines == sorted(lines)

    def test_a_missing_answer_that_applies_is_named(self, bank: Bank) -> None:
        def change(doc: dict[str, Any]) -> None:
            doc["personas"][0]["answers"] = {"use_any": True, "opioids_which": ["heroin"]}

        text = personas_text(change)
        found = problems(text, bank)
        assert (
            f"p.yaml:{line_of(text, 'answers:')}: personas[0].answers: no answer to 'craving', "
            "which applies: give one (null to skip it)"
        ) in found
        assert len(found) > 20  # every question that applies, one line each

    def test_an_outdated_bank_version_is_an_error_not_a_warning(self, bank: Bank) -> None:
        text = personas_text(version="0.9.0")
        assert problems(text, bank) == [
            f"p.yaml:{line_of(text, 'version')}: bank.version: these personas answer version "
            "'0.9.0' of the bank, which is now version '3.0.0': check their answers against it, "
            "then update the version here"
        ]

    def test_personas_for_another_bank_say_a_bank_needs_its_own(self, make_bank: Any) -> None:
        found = problems(personas_text(), make_bank())
        found = [p for p in found if "is not a question in this bank" not in p]
        assert len(found) == 1
        assert "these personas are for bank 'oud-self-screen', not 'mini'" in found[0]
        assert "--personas PATH" in found[0]

    def test_an_answer_that_cannot_be_typed_is_refused(self, bank: Bank) -> None:
        def change(doc: dict[str, Any]) -> None:
            doc["personas"][0]["answers"] = {"use_any": True, "opioids_which": []}

        found = problems(personas_text(change), bank)
        assert any("opioids_which: cannot be typed at the prompt" in p for p in found), found

    def test_text_that_is_not_yaml_is_one_located_line(self, bank: Bank) -> None:
        found = problems("personas: [\n  {name: x\n", bank)
        assert len(found) == 1 and found[0].startswith("p.yaml:")
        assert "not valid YAML" in found[0]

    def test_a_missing_file_is_one_line(self, bank: Bank, tmp_path: Path) -> None:
        with pytest.raises(AnswersError) as caught:
            load_personas(tmp_path / "nope.yaml", bank)
        assert caught.value.problems == (f"{tmp_path / 'nope.yaml'}: no such personas file",)


class TestPlay:
    """play() types each answer into the real interview and returns fictional answers."""

    def test_the_answers_carry_the_persona_name_and_its_values(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        out = Console(file=io.StringIO(), width=80)
        taken = play(bank, personas["jordan"], out)
        assert taken.demo == "jordan"
        assert dict(taken.values) == dict(personas["jordan"].values)

    def test_the_pace_is_a_pause_before_each_answer(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        pauses: list[float] = []
        out = Console(file=io.StringIO(), width=80)
        play(bank, personas["dana"], out, pace=0.5, sleep=pauses.append)
        # who "1", consent "y", the gate "n", used before "y", released "1", thoughts "n": one
        # pause before each, then one per key typed
        assert pauses == [0.5, 0.05] * 6


class TestRenderBanner:
    """The banner sits inside the screens themselves, styled, or as words in plain mode."""

    def test_every_screen_function_takes_the_banner(
        self, bank: Bank, personas: dict[str, Persona]
    ) -> None:
        res = outcome(bank, personas["sam"])
        q = bank.question("craving")
        screens = [
            render.welcome(bank, False, BANNER),
            render.section_start(bank, bank.section("criteria"), "self", False, BANNER),
            render.question(q, "self", ("Criteria", 4, 11), banner=BANNER),
            result_screen.end_card(bank, res, False, BANNER),
        ]
        for screen in screens:
            out = Console(record=True, width=80, file=io.StringIO())
            out.print(screen)
            assert out.export_text().count(BANNER) == 1
        out = Console(record=True, width=80, file=io.StringIO())
        out.print(result_screen.result(bank, res, banner=BANNER))
        assert out.export_text().count(BANNER) == 2  # the top and the closing card

    def test_the_banner_is_reverse_video_on_a_terminal_and_plain_words_otherwise(self) -> None:
        styled = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
        styled.print(render.banner_line(BANNER, plain=False))
        assert "\x1b[" in styled.file.getvalue()  # type: ignore[attr-defined]
        assert "7" in re.findall(r"\x1b\[([0-9;]*)m", styled.file.getvalue())[0].split(";")  # type: ignore[attr-defined]
        assert render.banner_line(BANNER, plain=True).plain == BANNER
        assert render.demo_banner(None) is None
        assert render.demo_banner("sam") == "DEMO: fictional answers (persona: sam)"


class TestDemoCommand:
    """`screener demo` lists, plays and explains its mistakes."""

    def test_help_says_what_the_command_is_for(self, runner: CliRunner) -> None:
        out = flat(ok(runner.invoke(app, ["demo", "--help"])))
        assert "Play a fictional persona's walk-through" in out
        for option in ("--pace", "--step", "--plain", "--bank", "--personas", "--json"):
            assert option in out

    def test_the_list_shows_every_persona_with_where_it_leads(self, runner: CliRunner) -> None:
        out = flat(ok(runner.invoke(app, ["demo", "--plain"])))
        assert BANNER in out
        for name in EXPECTED:
            assert f"{name}: " in out
        assert "sam: Sam, 29," in out
        assert "Leads to: mild (3 of 11 criteria)" in out
        assert "Leads to: moderate (4 to 5 of 11 criteria, 1 not answered)" in out
        assert "Leads to: no opioid use in the past 12 months" in out
        assert "tolerance and withdrawal are not counted" in out

    def test_json_lists_each_persona_for_scripts(self, runner: CliRunner) -> None:
        data = json.loads(ok(runner.invoke(app, ["demo", "--json"])))
        assert [d["name"] for d in data] == ALL
        for d in data:
            assert set(d) == {
                "name", "sketch", "perspective", "severity", "severity_max", "count",
                "count_max", "screened_out",
            }  # fmt: skip
            if d["name"] in THEIRS:  # no severity for someone who was not asked
                count, count_max, _ = THEIRS[d["name"]]
                assert (d["severity"], d["severity_max"]) == (None, None)
                assert (d["count"], d["count_max"], d["perspective"]) == (count, count_max, "other")
                continue
            severity, count, count_max, _ = EXPECTED[d["name"]]
            assert (d["severity"], d["count"], d["count_max"]) == (severity, count, count_max)
            assert d["perspective"] == "self" and d["sketch"]

    @pytest.mark.parametrize("name", ALL)
    def test_each_demo_runs_to_its_result(
        self, runner: CliRunner, personas: dict[str, Persona], name: str
    ) -> None:
        out = ok(runner.invoke(app, ["demo", name, "--pace", "0", "--plain"]))
        assert SENTENCE[name] in flat(out)
        assert "In short:" in out
        typed = re.findall(r"^> (.*)$", out, re.MULTILINE)
        # who it is about (1 myself, 2 someone else), then the consent
        assert typed[:2] == ["2" if name in THEIRS else "1", "y"]
        assert len(typed) == 2 + len(personas[name].values)

    @pytest.mark.parametrize("plain", [True, False])
    def test_every_question_screen_says_demo(
        self, runner: CliRunner, bank: Bank, personas: dict[str, Persona], plain: bool
    ) -> None:
        args = ["demo", "riley", "--pace", "0", *(["--plain"] if plain else [])]
        out = ok(runner.invoke(app, args))
        lines = out.splitlines()
        screens = re.split(r"^> .*$", out, flags=re.MULTILINE)
        prompts = len(screens) - 1
        # who it is about, the consent and every answer
        assert prompts == 2 + len(personas["riley"].values)
        for screen in screens[:-1]:  # once on every screen: a section's start or a question
            assert screen.count(BANNER) == 1, screen
        progress = [i for i, line in enumerate(lines) if PROGRESS.search(line)]
        assert len(progress) == prompts - 2  # all but who it is about and the consent
        result = screens[-1]
        assert result.count(BANNER) == 2  # the top of the result and the closing recap
        assert out.count(BANNER) == prompts + 2

    @pytest.mark.parametrize(("args", "pauses"), [([], 0), (["--pace", "0.3"], 12)])
    def test_piped_output_plays_without_pauses_unless_a_pace_is_given(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, args: list[str], pauses: int
    ) -> None:
        slept: list[float] = []
        monkeypatch.setattr("screener.screens.demo.time.sleep", slept.append)
        ok(runner.invoke(app, ["demo", "dana", *args]))
        assert len(slept) == pauses  # dana: six answers of one key each

    def test_an_unknown_name_exits_2_with_a_suggestion_and_the_names(
        self, runner: CliRunner
    ) -> None:
        result = runner.invoke(app, ["demo", "rilley"])
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            "Error: no persona called 'rilley' (did you mean 'riley'?); the personas are: "
            "dana, sam, jordan, alex, riley, morgan, casey, pat, lee, quinn, robin, terry, jamie, "
            "kim, avery\n"
        )

    @pytest.mark.parametrize("pace", ["-1", "nan", "inf", "61"])
    def test_a_pace_that_is_not_a_sensible_number_of_seconds_exits_2(
        self, runner: CliRunner, pace: str
    ) -> None:
        result = runner.invoke(app, ["demo", "sam", "--pace", pace])
        assert result.exit_code == 2
        assert "--pace" in result.stderr
        assert result.stdout == ""

    def test_step_advances_one_answer_per_enter_and_stops_130_at_end_of_input(
        self, runner: CliRunner
    ) -> None:
        result = runner.invoke(app, ["demo", "sam", "--step", "--plain"], input="\n" * 3)
        assert result.exit_code == 130
        assert re.findall(r"^> (.*)$", result.stdout, re.MULTILINE) == ["1", "y", "y"]
        assert result.stderr.strip() == "Stopped. Nothing was saved."
        prompt = "Enter: next answer, r: result, ?: why, !: emergency, q: stop the demo"
        assert prompt in result.stdout
        assert "In short" not in result.stdout

    def test_step_with_enough_enters_reaches_the_result(
        self, runner: CliRunner, personas: dict[str, Persona]
    ) -> None:
        enters = "\n" * (2 + len(personas["sam"].values))
        out = ok(runner.invoke(app, ["demo", "sam", "--step"], input=enters))
        assert EXPECTED["sam"][3] in flat(out)

    def test_a_broken_personas_file_exits_4_with_located_lines(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        path = tmp_path / "p.yaml"
        text = personas_text(version="0.1.0").replace("ana", "Ana!")
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["demo", "--personas", str(path)])
        assert result.exit_code == 4
        assert result.stdout == ""
        errors = result.stderr.splitlines()
        assert len(errors) == 2
        first = f"Error: {path}:{line_of(text, 'version')}: bank.version: these personas answer"
        assert errors[0].startswith(first)
        second = f"Error: {path}:{line_of(text, 'Ana!')}: personas[0].name: expected a short"
        assert errors[1].startswith(second)

    def test_another_bank_brings_its_own_personas(self, runner: CliRunner, tmp_path: Path) -> None:
        bank_path = tmp_path / "mini.yaml"
        bank_path.write_text(bank_text(), encoding="utf-8")
        result = runner.invoke(app, ["demo", "--bank", str(bank_path)])
        assert result.exit_code == 4
        assert "--personas PATH" in result.stderr
        own = tmp_path / "own.yaml"
        doc = {
            "format": "screener-personas/1",
            "bank": {"id": "mini", "version": "1.0.0"},
            "personas": [{"name": "lou", "sketch": "Lou.", "answers": {"use_any": False}}],
        }
        own.write_text(yaml.safe_dump(doc), encoding="utf-8")
        args = ["demo", "lou", "--bank", str(bank_path), "--personas", str(own), "--pace", "0"]
        out = ok(runner.invoke(app, args))
        assert "No opioid use in the past 12 months was reported" in flat(out)
        assert BANNER in out

    def test_scoring_a_demo_answers_file_shows_the_banner(
        self, runner: CliRunner, bank: Bank, personas: dict[str, Persona], tmp_path: Path
    ) -> None:
        path = tmp_path / "demo.yaml"
        path.write_text(yamlsrc.dump(document(answers_of(bank, personas["sam"]), bank)))
        out = ok(runner.invoke(app, ["score", str(path), "--plain"]))
        assert out.count(f"{BANNER} (persona: sam)") == 2
        out = ok(runner.invoke(app, ["run", "--answers", str(path), "--plain"]))
        assert out.count(f"{BANNER} (persona: sam)") == 2


class TestStepKeys:
    """At a `--step` pause the counselor's own keys work as at a real prompt."""

    def test_the_emergency_box_and_the_reason_show_and_the_walk_goes_on(self) -> None:
        result = CliRunner().invoke(
            app, ["demo", "sam", "--step", "--plain"], input="\n\n!\n\n?\n\n\n"
        )
        assert result.exit_code == 130  # end of input, as before
        assert "Signs:" in result.stdout
        assert "Why we ask:" in result.stdout
        typed = re.findall(r"^> (.*)$", result.stdout, re.MULTILINE)
        # The persona's answers; the keys are not typed again, and Enter under the box ("")
        # shows the question again.
        assert typed[:4] == ["1", "y", "", "y"]
        # Each key shows once, where it was typed at the step prompt: never echoed again.
        assert result.stdout.count("q: stop the demo !\n") == 1
        assert result.stdout.count("q: stop the demo ?\n") == 1
        assert "> !" not in result.stdout and "> ?" not in result.stdout

    def test_q_stops_the_demo_at_once_with_nothing_to_clear(self) -> None:
        result = CliRunner().invoke(app, ["demo", "sam", "--step", "--plain"], input="\nq\n")
        assert result.exit_code == 1
        assert "Leave now?" not in result.stdout
        assert "cleared" not in result.stdout + result.stderr
        assert result.stderr.strip() == (
            "The demo stopped. Its answers are made up: nothing to save or clear."
        )

    def test_r_jumps_to_the_result(self, personas: dict[str, Persona]) -> None:
        result = CliRunner().invoke(app, ["demo", "riley", "--step", "--plain"], input="\nr\n")
        assert result.exit_code == 0, result.stderr
        typed = re.findall(r"^> (.*)$", result.stdout, re.MULTILINE)
        assert typed == ["1"]  # one answer shown, then the rest unseen
        assert EXPECTED["riley"][3] in flat(result.stdout)
        assert "In short:" in result.stdout

    def test_anything_else_says_which_keys_work(self) -> None:
        result = CliRunner().invoke(app, ["demo", "sam", "--step", "--plain"], input="zz\n")
        assert "Press Enter for the next answer, or one of the keys above." in result.stdout


def test_a_played_demo_begins_with_who_the_persona_is() -> None:
    result = CliRunner().invoke(app, ["demo", "sam", "--pace", "0", "--plain"])
    assert result.exit_code == 0
    first = " ".join(result.stdout.split("DEMO: fictional answers")[0].split())
    assert first.startswith("Playing sam: Sam, 29, has been taking pain pills")
