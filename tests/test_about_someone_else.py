"""The default bank about someone else (perspective `other`): what it asks and how each answer
counts, the range "don't know" leaves, and that nothing labels a person who was not asked."""

from __future__ import annotations

import html
import io
import json
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console, Group
from typer.testing import CliRunner

from screener.cli import app
from screener.core import wording
from screener.core.conditions import question_names
from screener.core.model import (
    CRITERIA,
    OTHER,
    UNKNOWN,
    Answers,
    Bank,
    Kind,
    Result,
    Status,
    Summary,
    Value,
)
from screener.core.scoring import result_json, score
from screener.files.answers import document
from screener.screens import result as result_screen
from screener.screens.demo import answers_of, load_personas
from screener.summaries import caseload, export

# Each question about someone else that is evidence for a criterion, and the criterion.
CRITERION_OF = {
    "about_cut_down": "cut_down",
    "about_time_spent": "time_spent",
    "about_role_failure": "role_failure",
    "about_social_problems": "social_problems",
    "about_activities_given_up": "activities_given_up",
    "about_hazardous_use": "hazardous_use",
    "about_despite_harm": "despite_harm",
    "about_withdrawal": "withdrawal",
}
# What no one can see from outside: never asked about someone else, always open.
UNSEEN = ("larger_longer", "craving", "tolerance")
# Signs of use or of risk that are no criterion, and the flag or next step each one feeds.
FEEDS = {
    "about_which": "their_street_supply",
    "about_nodding": "their_heavy_sedation",
    "about_marks": "their_injecting",
    "about_gear": "drugs_at_home",
    "about_money": "money_and_valuables",
    "about_overdose": "their_past_overdose",
    "about_alone": "their_uses_alone",
    "about_break": "their_recent_break",
    "about_mixing": "their_mixing",
    "about_naloxone": "no_naloxone_home",
    "about_unsafe": "your_safety",
    "about_open": "moment_of_openness",
    "about_crisis": "their_suicide_risk",
    "about_pregnant": "their_pregnancy",
    "about_moud_status": "their_treatment",
}
# Words that would put a diagnosis-like label or a severity on the person.
LABELS = re.compile(
    r"(?i)\b(mild|moderate|severe)\b|pattern consistent|below the threshold|severity"
    r"|(?<!for )(?<!DSM-5 )(?<!Medications for )(?<!treating )opioid use disorder"
)
SELF_RATED = re.compile(r"SOWS|Subjective Opiate|Withdrawal right now|Right now: I")

SIGNS_SEEN = dict.fromkeys(CRITERION_OF, True)


def theirs(bank: Bank, **values: Value) -> Answers:
    """Answers about someone else: known opioid use, heroin, and `values`."""
    given: dict[str, Value] = {"about_use_any": True, "about_which": ("heroin",)}
    given.update(values)
    return Answers(bank.id, bank.version, OTHER, given)


def random_theirs(bank: Bank, seed: int) -> Answers:
    """Every question about someone else answered at random: yes, no, "don't know", skipped."""
    rng = random.Random(seed)
    values: dict[str, Value] = {}
    for q in bank.about(OTHER).questions:
        if q.role is not None and q.role.value == "consent":
            continue
        roll = rng.random()
        if roll < 0.1:
            values[q.id] = None
        elif roll < 0.35 and q.unknown:
            values[q.id] = UNKNOWN
        elif q.kind is Kind.YES_NO:
            values[q.id] = rng.random() < 0.6
        elif q.kind is Kind.CHOICE:
            values[q.id] = str(rng.choice(q.options).value)
        else:
            values[q.id] = tuple(
                str(o.value) for o in rng.sample(list(q.options), rng.randint(1, 2))
            )
    return Answers(bank.id, bank.version, OTHER, values)


def results(bank: Bank) -> Iterator[tuple[str, Answers, Result]]:
    for p in load_personas(None, bank):
        if p.perspective == OTHER:
            answers = answers_of(bank, p)
            yield p.name, answers, score(bank, answers)
    for seed in range(40):
        answers = random_theirs(bank, seed)
        yield f"seed {seed}", answers, score(bank, answers)


def without_sources(text: str) -> str:
    """A result without its list of sources, whose titles name what the articles are about
    ("... for opioid use disorder"); the closing card after it stays."""
    heading = " SOURCES " if " SOURCES " in text else " Sources "
    top, _, rest = text.rpartition(heading)
    return top + rest[rest.index("In short:") :]


def shown(renderable: Any, plain: bool = False) -> str:
    console = Console(record=True, width=80, file=io.StringIO(), no_color=plain)
    console.print(renderable)
    return " ".join(console.export_text().split())


class TestTheMapping:
    """What the observer is asked, and what each answer is evidence for."""

    def test_each_sign_an_observer_can_see_is_asked_once_for_its_criterion(
        self, bank: Bank
    ) -> None:
        asked = {q.id: q.criterion for q in bank.about(OTHER).questions if q.criterion}
        assert asked == CRITERION_OF

    def test_what_cannot_be_seen_is_not_asked_and_stays_open(self, bank: Bank) -> None:
        res = score(bank, theirs(bank, **dict.fromkeys(CRITERION_OF, False)))
        assert sorted(res.ids(Status.UNKNOWN)) == sorted(UNSEEN)
        for key in UNSEEN:
            c = next(c for c in res.criteria if c.key == key)
            assert c.answers == ()  # no question of this perspective looks at it

    def test_every_other_question_feeds_a_flag_or_a_next_step_of_its_own(self, bank: Bank) -> None:
        theirs_only = bank.about(OTHER)
        findings = {f.id: f.when for f in theirs_only.flags if f.perspective == OTHER}
        findings.update({r.id: r.when for r in theirs_only.referrals if r.when is not None})
        for qid, fid in FEEDS.items():
            assert qid in question_names(findings[fid]), (qid, fid)
        questions = {q.id for q in theirs_only.questions if q.role is None}
        assert questions == set(CRITERION_OF) | set(FEEDS)

    def test_every_question_about_someone_else_takes_dont_know(self, bank: Bank) -> None:
        for q in bank.about(OTHER).questions:
            is_consent = q.role is not None and q.role.value == "consent"
            assert q.unknown is not is_consent, q.id

    def test_no_self_rated_scale_is_asked_about_someone_else(self, bank: Bank) -> None:
        assert [q.id for q in bank.about(OTHER).questions if q.scale] == []
        every_yes = {q.id: True for q in bank.about(OTHER).questions if q.kind is Kind.YES_NO}
        res = score(bank, theirs(bank, **every_yes))
        assert res.withdrawal is None

    def test_questions_speak_to_the_observer_about_them(self, bank: Bank) -> None:
        for q in bank.about(OTHER).questions:
            text = str(q.text)
            if q.role is None and q.id != "about_naloxone":  # naloxone: in the asker's home
                assert re.search(r"\b(they|them|their)\b", text), q.id
            assert not re.search(r"\b(have you used|your use|you use)\b", text), q.id


class TestUnknownRanges:
    """ "Don't know" leaves a sign open: the count is a range, as with a skip."""

    @pytest.mark.parametrize(
        ("answer", "low", "high"),
        [(True, 8, 11), (False, 0, 3), (UNKNOWN, 0, 11), (None, 0, 11)],
        ids=["all seen", "none seen", "all dont know", "all skipped"],
    )
    def test_the_range_from_all_the_same_answer(
        self, bank: Bank, answer: Value, low: int, high: int
    ) -> None:
        res = score(bank, theirs(bank, **dict.fromkeys(CRITERION_OF, answer)))
        assert (res.count, res.count_max) == (low, high)

    @pytest.mark.parametrize("seed", range(30))
    def test_dont_know_and_skipped_widen_the_range_alike(self, bank: Bank, seed: int) -> None:
        given = random_theirs(bank, seed)
        as_skips = given._replace(
            values={k: (None if v == UNKNOWN else v) for k, v in given.values.items()}
        )
        a, b = score(bank, given), score(bank, as_skips)
        assert (a.count, a.count_max) == (b.count, b.count_max)
        opened = [k for k in CRITERIA if a.status_of(k) in (Status.UNKNOWN, Status.UNANSWERED)]
        uncertain = a.ids(Status.UNCERTAIN)
        assert a.count_max - a.count == len(opened) + len(uncertain)

    def test_dont_know_is_kept_apart_from_a_skip_in_the_json(self, bank: Bank) -> None:
        answered: dict[str, Value] = dict.fromkeys(CRITERION_OF, False)
        answered.update(about_cut_down=UNKNOWN, about_withdrawal=None)
        res = score(bank, theirs(bank, **answered))
        data = result_json(res)
        assert isinstance(data["criteria"], dict)
        assert data["criteria"]["unanswered"] == ["withdrawal"]
        assert data["criteria"]["unknown"] == ["larger_longer", "cut_down", "craving", "tolerance"]
        assert (data["severity"], data["severity_max"]) == (None, None)
        assert data["perspective"] == OTHER

    def test_an_answers_file_keeps_dont_know_and_reads_back_the_same(self, bank: Bank) -> None:
        from screener.files.answers import parse_answers

        for seed in range(10):
            given = random_theirs(bank, seed)
            text = yaml.safe_dump(document(given, bank))
            assert (UNKNOWN in given.values.values()) == ("unknown" in text)
            read, warnings = parse_answers(text, bank, "a.yaml")
            assert warnings == []
            assert read.perspective == OTHER
            kept = {k for k, v in read.values.items() if v == UNKNOWN}
            assert kept == {k for k, v in given.values.items() if v == UNKNOWN and k in kept}
            assert score(bank, read) == score(bank, given)


class TestNoLabelForSomeoneWhoWasNotAsked:
    """Every result about someone else says what was seen, never a severity or a diagnosis."""

    def test_the_screens_never_label_the_person_nor_show_a_self_rating(self, bank: Bank) -> None:
        for name, _answers, res in results(bank):
            for plain in (False, True):
                text = without_sources(shown(result_screen.result(bank, res, plain), plain))
                assert not LABELS.search(text), (name, LABELS.search(text))
                assert not SELF_RATED.search(text), name
                assert wording.whose_account("screen") in text, name
                assert "This is not a diagnosis." in text, name
                if not res.screened_out:
                    assert re.search(r"What you have seen matches \d+( to \d+)? of the 11", text)

    def test_the_summaries_say_whose_account_and_never_label_the_person(self, bank: Bank) -> None:
        when = datetime(2026, 11, 21, 23, 40, tzinfo=UTC)
        for name, answers, res in results(bank):
            summary = Summary(bank, answers, res, when)
            for fmt in ("md", "txt", "html"):
                text = export.render(fmt, summary)
                if fmt == "html":
                    text = html.unescape(
                        re.sub(r"<style.*?</style>|<[^>]+>", " ", text, flags=re.S)
                    )
                body = " ".join(text.rsplit("Sources", 1)[0].split())
                assert not LABELS.search(body), (name, fmt, LABELS.search(body))
                assert "Answers given by" in body and "someone they care about, not named" in body
                assert "one person's account of someone else" in body, (name, fmt)

    def test_the_machine_outputs_carry_no_severity(self, bank: Bank, tmp_path: Path) -> None:
        for name, answers, res in results(bank):
            bundle = json.loads(
                export.render("fhir", Summary(bank, answers, res, datetime.now(UTC)))
            )
            codes = [e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"][1:]]
            assert codes == ["criteria-count-observed"], name
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(document(random_theirs(bank, 1), bank)), "utf-8")
        out, err = io.StringIO(), io.StringIO()
        assert caseload.write([path], bank, "csv", out, err) == 0
        row = dict(zip(*[line.split(",") for line in out.getvalue().splitlines()], strict=True))
        assert row["severity"] == "" and row["perspective"] == OTHER
        out = io.StringIO()
        caseload.write([path], bank, "lines", out, err)
        assert "(someone else's account)" in out.getvalue()
        assert not LABELS.search(out.getvalue())

    def test_with_any_sign_of_risk_the_emergency_steps_come_first(self, bank: Bank) -> None:
        res = score(bank, theirs(bank, about_overdose=True))
        text = shown(result_screen.result(bank, res))
        assert text.index("If they overdose") < text.index("What you can do next")
        assert text.index("Call 911 now.") < text.index("The 11 signs, as you have seen them")
        calm = score(
            bank,
            theirs(
                bank,
                about_which=("prescribed_pain",),
                about_prescribed_only=True,
                about_naloxone=True,
            ),
        )
        assert not calm.flags
        assert "If they overdose" not in shown(result_screen.result(bank, calm))

    def test_feeling_unsafe_or_unsure_brings_the_domestic_violence_hotline_first(
        self, bank: Bank
    ) -> None:
        for answer in (True, UNKNOWN):
            res = score(bank, theirs(bank, about_unsafe=answer))
            assert res.referrals[0].id == "your_safety"
            assert "1-800-799-7233" in shown(result_screen.result(bank, res))
        calm = score(bank, theirs(bank, about_unsafe=False))
        assert "your_safety" not in [r.id for r in calm.referrals]

    def test_next_steps_are_for_the_person_asking(self, bank: Bank) -> None:
        res = score(bank, theirs(bank, **SIGNS_SEEN))
        ids = [r.id for r in res.referrals]
        assert {"family_support", "treatment_to_offer", "support_for_you"} <= set(ids)
        assert all(bank.referral(r).perspective == OTHER for r in ids)
        assert all(bank.caveat(c.id).perspective in (OTHER, None) for c in res.caveats)


class TestTheCommandLine:
    def test_perspective_other_asks_the_observer_questions(self, runner: CliRunner) -> None:
        walk = ["y", "y", "1", *(["d"] * 21)]
        done = runner.invoke(app, ["run", "--perspective", "other"], input="\n".join(walk) + "\n")
        assert done.exit_code == 0, done.stdout
        out = " ".join(done.stdout.split())
        assert "Who is this screening about?" not in out
        assert "Have they tried to stop or cut down" in out
        assert "What you have seen matches 0 to 11 of the 11 signs clinicians look for" in out

    def test_a_perspective_unlike_the_files_is_a_usage_error(
        self, runner: CliRunner, bank: Bank, tmp_path: Path
    ) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(document(random_theirs(bank, 2), bank)), "utf-8")
        done = runner.invoke(app, ["run", "--perspective", "self", "--answers", str(path)])
        assert done.exit_code == 2
        assert done.stderr == (
            f"Error: --perspective 'self': {path} holds answers in perspective 'other'; "
            "leave out --perspective to carry on with them\n"
        )

    @pytest.mark.parametrize(
        ("answers", "problem"),
        [
            (
                {"about_which": ["unknown"]},
                "answers.about_which: 'unknown' is not one of heroin, fentanyl",
            ),
            (
                {"about_use_any": "Unknown"},
                "answers.about_use_any: expected true or false, got 'Unknown'",
            ),
            (
                {"craving": True},
                "answers.craving: 'craving' is asked only in perspective 'self'",
            ),
            (
                {"about_consent": "unknown"},
                None,  # consent is never stored: ignored, as in every answers file
            ),
        ],
    )
    def test_hostile_answers_files_about_someone_else(
        self, runner: CliRunner, tmp_path: Path, answers: dict[str, Any], problem: str | None
    ) -> None:
        doc = {
            "format": "screener-answers/1",
            "bank": {"id": "oud-self-screen", "version": "3.0.0"},
            "perspective": "other",
            "answers": {"about_use_any": False, **answers},
        }
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
        done = runner.invoke(app, ["score", str(path)])
        if problem is None:
            assert done.exit_code == 0, done.stderr
            return
        assert done.exit_code == 4
        assert done.stderr.startswith(f"Error: {path}:"), done.stderr
        assert problem in done.stderr
        assert "Traceback" not in done.stderr

    @pytest.mark.parametrize("value", [["other"], None, 3, "Other"])
    def test_a_perspective_that_is_not_one_is_a_located_problem(
        self, runner: CliRunner, tmp_path: Path, value: object
    ) -> None:
        doc = {
            "format": "screener-answers/1",
            "bank": {"id": "oud-self-screen", "version": "3.0.0"},
            "perspective": value,
            "answers": {},
        }
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), "utf-8")
        done = runner.invoke(app, ["score", str(path)])
        assert done.exit_code == 4, done.stdout
        assert "is not a perspective of this bank (self, other)" in done.stderr
        assert "Traceback" not in done.stderr


class TestAfterTheResult:
    def test_the_offer_to_save_a_summary_suits_the_person_asking(self, bank: Bank) -> None:
        from datetime import date

        from screener.screens.after import AfterResult

        for perspective, offer in (
            (OTHER, "Save a summary to keep, or to show a counselor"),
            ("self", "Save a summary to bring to a clinician"),
        ):
            answers = (
                theirs(bank)
                if perspective == OTHER
                else Answers(bank.id, bank.version, "self", {"use_any": False})
            )
            said: list[Any] = []
            after = AfterResult(
                bank, answers, score(bank, answers), lambda _p: "n", said.append,
                Path("/nowhere"), date(2026, 12, 1),
            )  # fmt: skip
            assert after.choose_format() is None  # n: not saved
            assert offer in shown(said[0])


class TestTheHeadline:
    """The first lines of a result about someone else keep what was seen and what could not
    be told apart, say what that means for the person asking, and point to the first step;
    the range stays in the detail and the JSON."""

    def mother(self, bank: Bank) -> Answers:
        """Terry, who saw some signs and answered "don't know" to many."""
        persona = next(p for p in load_personas(None, bank) if p.name == "terry")
        return answers_of(bank, persona)

    def test_seen_and_could_not_tell_apart_then_what_it_means(self, bank: Bank) -> None:
        res = score(bank, self.mother(bank))
        seen, open_ = res.count, res.count_max - res.count
        assert seen >= 2 and open_ > 0
        first = shown(Group(*result_screen.first_screen(bank, res)[2:5]))
        assert first.startswith(
            f"You have seen {seen} of the 11 signs; {open_} you could not tell. "
            "That is enough to take seriously, and you do not have to wait for more: start "
            "with the first step below."
        )
        assert "matches" not in shown(Group(*result_screen.first_screen(bank, res)))
        whole = shown(result_screen.result(bank, res))
        assert f"What you have seen matches {seen} to {res.count_max} of the 11 signs" in whole
        counted = result_json(res)["criteria"]
        assert (counted["count"], counted["count_max"]) == (seen, res.count_max)

    @pytest.mark.parametrize(
        ("values", "meaning"),
        [
            ({}, "Few signs seen is not the same as none"),
            (
                {"about_friends": False, "about_money": False},
                "Few signs seen is not the same as none",
            ),
        ],
    )
    def test_few_signs_seen_is_not_said_to_be_none(
        self, bank: Bank, values: dict[str, Value], meaning: str
    ) -> None:
        res = score(bank, theirs(bank, **values))
        assert res.count < 2 <= res.count_max
        assert meaning in shown(Group(*result_screen.first_screen(bank, res)))


class TestTitles:
    """Each perspective's screens and summaries carry its own title."""

    def test_the_bank_titles_each_perspective(self, bank: Bank) -> None:
        assert bank.about("self").title == "Opioid use self-screening"
        assert bank.about(OTHER).title == "Opioid use screening about someone you care about"

    def test_a_summary_about_someone_else_is_not_a_self_screening(self, bank: Bank) -> None:
        answers = theirs(bank)
        summary = Summary(bank, answers, score(bank, answers), datetime(2026, 12, 1, tzinfo=UTC))
        text = export.render("md", summary)
        assert text.startswith(
            "# Opioid use screening about someone you care about: screening summary"
        )
        assert "self-screening" not in text

    def test_choosing_someone_else_shows_its_title_before_the_consent(
        self, runner: CliRunner
    ) -> None:
        done = runner.invoke(app, ["run"], input="2\nn\n")
        assert done.exit_code == 0
        after_choice = done.stdout.split("> 2", 1)[1]
        assert after_choice.lstrip().startswith("Opioid use screening about someone you care about")
