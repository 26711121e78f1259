"""What a person sees on an 80x24 terminal: the result's first screen and its closing card, the
`!` box, the welcome, and no ids, versions or research terms on any of their screens."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from conftest import NO_USE, yes_to_values
from rich.console import Console, RenderableType

from screener.core.model import CRITERIA, Answers, Bank, Result, Value
from screener.core.scoring import score
from screener.files.bank import default_path, parse_bank
from screener.files.personas import load_personas
from screener.screens import render
from screener.screens import result as result_screen
from screener.screens.demo import answers_of
from screener.screens.interview import Interview

WIDTH, HEIGHT = 80, 24
BOX = set("─│┃━╭╮╰╯┏┓┗┛")
NOT_A_DIAGNOSIS = "This is a screening, not a diagnosis."
THEIRS_NOT_A_DIAGNOSIS = "This is not a diagnosis."  # about someone else
SAMHSA = "SAMHSA National Helpline: 1-800-662-4357"
EMERGENCY_LINE = "Emergency services: 911"
# Words a person should never meet on their screens: they are for clinicians (explain, the
# summaries). The scale's published name is allowed once, in the "why" help of its items.
RESEARCH = ("CTN-0094", "harmonisation", "Subjective Opiate Withdrawal Scale", "SOWS")
KEYS_WITH_UNDERSCORES = [key for key in CRITERIA if "_" in key]  # never English words


def lines_of(renderable: RenderableType, plain: bool = False) -> list[str]:
    """The lines a person sees at 80 columns, without trailing blanks."""
    console = Console(record=True, width=WIDTH, file=io.StringIO(), no_color=plain)
    console.print(renderable)
    return console.export_text().rstrip("\n").split("\n")


def flat(lines: list[str]) -> str:
    """The lines as one run of words, box borders dropped: as a person reads them."""
    text = "".join(" " if c in BOX else c for c in "\n".join(lines))
    return " ".join(text.split())


@pytest.fixture(scope="module")
def briefed(bank: Bank) -> Bank:
    """The built-in bank with a one-line `brief` on every referral, as the first screen and
    the card show them when the bank has them."""
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    for r in data["referrals"]:
        r.setdefault("brief", f"Brief for {r['id']}: one line to act on.")
    return parse_bank(yaml.safe_dump(data, sort_keys=False, width=1000), "briefed.yaml")


def personas_answers(bank: Bank) -> dict[str, Answers]:
    return {p.name: answers_of(bank, p) for p in load_personas(None, bank)}


# Profiles with and without an overdose risk; the persona names are the built-in demo's.
PROFILES: dict[str, dict[str, Value]] = {
    "severe, injecting, several risks": yes_to_values(
        *CRITERIA[:8],
        opioids_how=("inject",),
        safety_alone=True,
        safety_supply=True,
        safety_naloxone=False,
    ),
    "mild, no risk reported": yes_to_values(
        "craving",
        "cut_down",
        safety_alone=False,
        safety_supply=False,
        safety_break=False,
        safety_overdose=False,
        safety_naloxone=True,
    ),
    "moderate with a range": yes_to_values(*CRITERIA[:4], withdrawal=None, safety_alone=True),
    "pregnant, no flag": yes_to_values("craving", "cut_down", ctx_pregnant="yes"),
    "below the threshold": yes_to_values("craving", safety_naloxone=True),
    "no use in the past year": {"use_any": False},
    "all skipped": {"use_any": True, **dict.fromkeys(CRITERIA)},
}


def profiles(bank: Bank) -> list[tuple[str, Answers]]:
    made = [(name, Answers(bank.id, bank.version, "self", v)) for name, v in PROFILES.items()]
    return made + [(f"persona {n}", a) for n, a in personas_answers(bank).items()]


def scored(bank: Bank, profile: str) -> Result:
    return score(bank, Answers(bank.id, bank.version, "self", PROFILES[profile]))


def first_helpline(bank: Bank, res: Result) -> str:
    return EMERGENCY_LINE if result_screen.overdose_risk(bank, res) else SAMHSA


class TestFirstScreen:
    """The first 24 lines of the result at 80 columns are enough on their own."""

    @pytest.mark.parametrize("plain", [False, True])
    @pytest.mark.parametrize("which", ["built-in", "briefed"])
    def test_the_first_screen_holds_the_result_the_first_step_and_a_helpline(
        self, bank: Bank, briefed: Bank, which: str, plain: bool
    ) -> None:
        the_bank = bank if which == "built-in" else briefed
        for name, given in profiles(the_bank):
            res = score(the_bank, given)
            banner = render.demo_banner(given.demo)
            first = flat(
                lines_of(result_screen.result(the_bank, res, plain, banner), plain)[:HEIGHT]
            )
            assert flat([result_screen.summary_line(res)]) in first, name
            notice = NOT_A_DIAGNOSIS if res.perspective == "self" else THEIRS_NOT_A_DIAGNOSIS
            assert notice in first, name
            assert first_helpline(the_bank, res) in first, name
            if res.referrals:  # whether there is always one is the bank's rules' business
                step = the_bank.referral(res.referrals[0].id)
                assert step.title in first, name
                if step.brief:
                    assert step.brief in first, name
                assert first.index(first_helpline(the_bank, res)) > first.index(step.title), name

    def test_911_comes_first_when_there_is_an_overdose_risk(self, bank: Bank) -> None:
        res = scored(bank, "severe, injecting, several risks")
        first = flat(lines_of(result_screen.result(bank, res))[:HEIGHT])
        assert result_screen.overdose_risk(bank, res)
        assert first.index(EMERGENCY_LINE) < first.index(SAMHSA)

    def test_without_an_overdose_risk_the_helpline_is_samhsa_alone(self, bank: Bank) -> None:
        res = scored(bank, "no use in the past year")
        first = flat(lines_of(result_screen.result(bank, res))[:HEIGHT])
        assert not result_screen.overdose_risk(bank, res)
        assert SAMHSA in first
        assert EMERGENCY_LINE not in first  # the emergency box further down still says 911

    @pytest.mark.parametrize(
        ("profile", "risk"),
        [
            ("severe, injecting, several risks", True),  # safety flags
            ("pregnant, no flag", True),  # a next step for now
            ("mild, no risk reported", None),  # whatever the bank's steps say for now
            ("no use in the past year", False),
        ],
    )
    def test_an_overdose_risk_is_a_flag_or_a_step_for_now(
        self, bank: Bank, profile: str, risk: bool | None
    ) -> None:
        res = scored(bank, profile)
        now = any(bank.referral(f.id).urgency.value == "now" for f in res.referrals)
        assert result_screen.overdose_risk(bank, res) == (bool(res.flags) or now)
        if risk is not None:
            assert result_screen.overdose_risk(bank, res) is risk

    def test_the_detail_comes_most_urgent_first_and_the_sources_last(self, bank: Bank) -> None:
        res = scored(bank, "severe, injecting, several risks")
        text = flat(lines_of(result_screen.result(bank, res)))
        order = [
            "What to do first",
            "What you can do next",
            "Safety",
            "In an emergency",
            "Helplines (US)",
            "How your answers were counted",
            "Withdrawal right now:",
            "Keep in mind",
            "Sources",
            "In short:",
        ]
        places = [text.index(f" {heading}") for heading in order]
        assert places == sorted(places)


class TestEndCard:
    """The run ends on a short card: the result, the first next step and a helpline."""

    @pytest.mark.parametrize("plain", [False, True])
    def test_the_last_lines_repeat_the_result_the_first_step_and_a_helpline(
        self, briefed: Bank, plain: bool
    ) -> None:
        for name, given in profiles(briefed):
            res = score(briefed, given)
            lines = lines_of(result_screen.result(briefed, res, plain), plain)
            card = lines_of(result_screen.end_card(briefed, res, plain), plain)
            assert lines[-len(card) :] == card, name
            assert len(card) <= 12, name  # a short card: the rest is above it
            text = flat(card)
            assert f"In short: {flat([result_screen.summary_line(res)])}" in text, name
            if res.referrals:
                step = briefed.referral(res.referrals[0].id)
                assert f"First step: {step.title}: {step.brief}" in text, name
            assert first_helpline(briefed, res) in text, name
            assert "Sources" not in text and "Heroin Addiction Treatment" not in text, name


class TestEmergencyBox:
    """`!` at 80x24: the whole box, then a line and the prompt, on one screen."""

    @pytest.mark.parametrize("plain", [False, True])
    def test_the_box_is_at_most_22_lines_at_80_columns(self, bank: Bank, plain: bool) -> None:
        box = lines_of(render.emergency(bank, plain), plain)
        assert len(box) <= HEIGHT - 2  # the line under it and the prompt
        text = flat(box)
        # What to do first, then the signs, then where to call.
        assert text.index("1. Call 911 now.") < text.index("Signs:") < text.index("Helplines")
        for step in bank.emergency.steps:
            assert flat([step]) in text
        for helpline in bank.helplines:
            assert f"{helpline.name}: {helpline.contact}" in text

    def test_bang_at_a_terminal_leaves_the_box_and_the_prompt_on_one_screen(
        self, bank: Bank
    ) -> None:
        shown: list[str] = []
        replies = iter(["y", "!", "", "n", "n", "n"])  # begin; ! at the first question; Enter; no

        def ask(prompt: str) -> str:
            shown.append(prompt)
            return next(replies)

        def show(renderable: RenderableType) -> None:
            shown.extend(lines_of(renderable))

        answers = Interview(bank, ask, show, pause_after_emergency=True).run()
        assert answers is not None and answers.values == NO_USE
        # The last box titled so: the welcome's small one comes first.
        top = max(i for i, line in enumerate(shown) if "If someone may be overdosing" in line)
        prompt = next(i for i in range(top, len(shown)) if shown[i] == "> ")
        assert prompt - top + 1 <= HEIGHT  # the box, the line under it and the prompt
        assert shown[prompt - 1] == "Press Enter to see the question again."
        # Enter brings the question back, whole, before the next prompt.
        again = flat(shown[prompt + 1 :])
        assert "In the past 12 months, have you used any opioids?" in again

    def test_piped_answers_never_pause_after_bang(self, bank: Bank) -> None:
        replies = iter(["y", "!", "n", "n", "n"])
        shown: list[str] = []
        interview = Interview(bank, lambda _p: next(replies), lambda r: shown.extend(lines_of(r)))
        answers = interview.run()
        assert answers is not None and answers.values == NO_USE
        assert not any("Press Enter to see the question again." in line for line in shown)


class TestWelcome:
    """The welcome, its small box and "Would you like to begin?" fit one 80x24 screen."""

    @pytest.mark.parametrize("plain", [False, True])
    @pytest.mark.parametrize("banner", [None, "DEMO: fictional answers (persona: sam)"])
    def test_the_welcome_fits_24_lines_with_the_question_and_the_privacy_on_screen(
        self, bank: Bank, plain: bool, banner: str | None
    ) -> None:
        shown: list[str] = []

        def show(renderable: RenderableType) -> None:
            shown.extend(lines_of(renderable, plain))

        def ask(prompt: str) -> str:
            shown.append(prompt)
            return "n"

        Interview(bank, ask, show, plain=plain, banner=banner).run()
        screen = shown[: shown.index("> ") + 1]
        assert len(screen) <= HEIGHT
        text = flat(screen)
        for needed in (
            "Would you like to begin?",
            "It is a screening, not a diagnosis.",
            "Nothing you type is sent anywhere",
            "If someone may be overdosing",
            "Call 911",
        ):
            assert needed in text

    @pytest.mark.parametrize("plain", [False, True])
    def test_the_welcome_about_someone_else_fits_24_lines_too(
        self, bank: Bank, plain: bool
    ) -> None:
        shown: list[str] = []

        def show(renderable: RenderableType) -> None:
            shown.extend(lines_of(renderable, plain))

        def ask(prompt: str) -> str:
            shown.append(prompt)
            return "n"

        Interview(bank, ask, show, "other", plain=plain).run()
        screen = shown[: shown.index("> ") + 1]
        assert len(screen) <= HEIGHT
        text = flat(screen)
        for needed in (
            "Would you like to begin?",
            "someone else's use of opioids",
            '"don\'t know" is always an answer',
            "It is not a diagnosis",
            "Nothing is sent anywhere or saved unless you ask.",
            "Call 911",
        ):
            assert needed in text


class TestNoJargon:
    """No bank id or version, criterion keys or research terms on the person's screens."""

    def test_no_ids_versions_or_research_terms_at_any_question_or_its_help(
        self, bank: Bank
    ) -> None:
        welcome = flat(lines_of(render.welcome(bank, False)))
        assert bank.id not in welcome and bank.version not in welcome
        for section in bank.sections:
            text = flat(lines_of(render.section_start(bank, section, "self", False)))
            self.assert_plain(bank, text, section.id)
        for q in bank.questions:
            text = flat(lines_of(render.question(q, "self", None)))
            self.assert_plain(bank, text, q.id)
            why = flat(lines_of(render.why(bank, q, False)))
            for key in KEYS_WITH_UNDERSCORES:
                assert key not in why, q.id
            if q.scale and bank.scales[q.scale].formal_name:
                formal = bank.scales[q.scale].formal_name
                # Plain words first, the published name once, in the "why" help.
                assert why.count(formal) == 1, q.id
                assert why.index(bank.scales[q.scale].title) < why.index(formal)

    def test_no_ids_versions_or_research_terms_in_any_result(self, bank: Bank) -> None:
        for name, given in profiles(bank):
            for plain in (False, True):
                res = score(bank, given)
                text = flat(lines_of(result_screen.result(bank, res, plain), plain))
                self.assert_plain(bank, text, name)
                for source in bank.sources.values():  # titles only
                    assert (source.file or source.ref) not in text, name

    def test_the_emergency_box_has_no_jargon(self, bank: Bank) -> None:
        for plain in (False, True):
            self.assert_plain(bank, flat(lines_of(render.emergency(bank, plain))), "!")

    @staticmethod
    def assert_plain(bank: Bank, text: str, where: str) -> None:
        assert bank.id not in text, where
        assert not re.search(rf"\bversion\b|\b{re.escape(bank.version)}\b", text), where
        for key in KEYS_WITH_UNDERSCORES:
            assert key not in text, where
        for term in RESEARCH:
            assert term not in text, f"{where}: {term}"
