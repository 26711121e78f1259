"""The question loop, driven by a scripted prompt and a recording screen."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import yes_to_values
from rich.console import Console

from screener.core.model import Answers, Value
from screener.core.scoring import score
from screener.errors import ExitCode, ExportError, Interrupted, Quit
from screener.screens.interview import Interview, Reply, parse_reply

BOX = set("─│┃━╭╮╰╯┏┓┗┛┃┡┩╇╞╡")

# Every question that applies to someone who used heroin, smokes it, and declined the ratings.
FULL: dict[str, Value] = yes_to_values(
    opioids_how=("smoke",),
    controlled_setting="no",
    withdrawal_offer=False,
    safety_alone=False,
    safety_break=False,
    safety_overdose=False,
    safety_naloxone=True,
    crisis_thoughts=False,
    ctx_attempts="never",
    ctx_treatment=False,
    home_safety="safe",
    ctx_home=True,
    ctx_support=True,
    ctx_mood=False,
    ctx_other_substances=("none",),
    ctx_pregnant="not_applicable",
)


def words(text: str) -> str:
    """Screen text with box borders dropped and all whitespace runs made one space."""
    return " ".join("".join(" " if c in BOX else c for c in text).split())


def all_but(*qids: str) -> dict[str, Value]:
    """FULL without the answers to `qids`, so only those are asked."""
    return {k: v for k, v in FULL.items() if k not in qids}


class Screen:
    """Plays the person: replies from a script, and records what the screen showed."""

    def __init__(self, *replies: str | type[BaseException]) -> None:
        self.replies = list(replies)
        self.log: list[tuple[str, str]] = []  # ("ask", reply) or ("show", text)

    def ask(self, prompt: str) -> str:
        assert prompt == "> "
        if not self.replies:
            raise EOFError
        reply = self.replies.pop(0)
        if isinstance(reply, type):
            raise reply()
        self.log.append(("ask", reply))
        return reply

    def show(self, renderable) -> None:
        console = Console(record=True, width=80, file=io.StringIO())
        console.print(renderable)
        self.log.append(("show", console.export_text()))

    @property
    def asked(self) -> list[str]:
        return [text for kind, text in self.log if kind == "ask"]

    def text(self) -> str:
        return words("\n".join(text for kind, text in self.log if kind == "show"))

    def after(self, n: int) -> str:
        """What was shown after the `n`th reply (1-based), up to the next reply."""
        out: list[str] = []
        seen = 0
        for kind, text in self.log:
            if kind == "ask":
                seen += 1
                if seen > n:
                    break
            elif seen == n:
                out.append(text)
        return words("\n".join(out))


def interview(bank, screen: Screen, prefill=None, plain=False) -> Interview:
    return Interview(bank, screen.ask, screen.show, "self", prefill, plain)


class TestParseReply:
    """One typed line means an answer, a command, or a hint to try again."""

    @pytest.mark.parametrize(
        ("qid", "typed", "value"),
        [
            ("use_any", "y", True),
            ("use_any", "yes", True),
            ("use_any", " Yes ", True),
            ("use_any", "N", False),
            ("use_any", "no", False),
            ("sows_anxious", "0", 0),
            ("sows_anxious", "4", 4),
            ("ctx_attempts", "1", "never"),
            ("ctx_attempts", "4", "many"),
            ("opioids_which", "1 3", ("heroin", "pills_not_prescribed")),
            ("opioids_which", "1,3", ("heroin", "pills_not_prescribed")),
            ("opioids_which", "3, 1", ("heroin", "pills_not_prescribed")),
            ("opioids_which", "2 2", ("fentanyl",)),
            ("ctx_other_substances", "6", ("none",)),
        ],
    )
    def test_an_answer_is_read_for_its_kind_of_question(self, bank, qid, typed, value):
        assert parse_reply(bank.question(qid), typed) == Reply(value=value)

    @pytest.mark.parametrize(
        ("qid", "typed", "hint"),
        [
            (
                "use_any",
                "maybe",
                "'maybe' is not an answer here. Type y or n (or ? for why we ask, h for all keys).",
            ),
            ("sows_anxious", "5", "'5' is not on the scale. Type a number from 0 to 4."),
            ("sows_anxious", "-1", "'-1' is not on the scale. Type a number from 0 to 4."),
            ("sows_anxious", "two", "'two' is not on the scale. Type a number from 0 to 4."),
            ("ctx_attempts", "0", "'0' is not one of the choices. Type a number from 1 to 4."),
            ("ctx_attempts", "5", "'5' is not one of the choices. Type a number from 1 to 4."),
            # One key on French and Belgian keyboards; digits that str.isdigit() takes and
            # int() refuses, or int() reads though a person would not type them.
            ("ctx_attempts", "²", "'²' is not one of the choices. Type a number from 1 to 4."),
            ("ctx_attempts", "٣", "'٣' is not one of the choices. Type a number from 1 to 4."),
            (
                "ctx_attempts",
                "\uff11",
                "'\uff11' is not one of the choices. Type a number from 1 to 4.",
            ),
            ("sows_anxious", "³", "'³' is not on the scale. Type a number from 0 to 4."),
            ("sows_anxious", "0001", "'0001' is not on the scale. Type a number from 0 to 4."),
            (
                "opioids_which",
                "1 ²",
                "'1 ²' is not a list of choices. Type one or more numbers from 1 to 6, like 1 3.",
            ),
            (
                "opioids_which",
                "1 7",
                "'1 7' is not a list of choices. Type one or more numbers from 1 to 6, like 1 3.",
            ),
            (
                "use_any",
                "this is a very long reply indeed",
                "'this is a very long…' is not an answer here. "
                "Type y or n (or ? for why we ask, h for all keys).",
            ),
            (
                "use_any",
                "",
                "Please type an answer. Type y or n (or ? for why we ask, h for all keys).",
            ),
            ("sows_anxious", "   ", "Please type an answer. Type a number from 0 to 4."),
            (
                "ctx_other_substances",
                "1 6",
                "'None' cannot go with other choices. Type it alone, or leave it out.",
            ),
        ],
    )
    def test_anything_else_gets_a_hint_saying_what_to_type(self, bank, qid, typed, hint):
        assert parse_reply(bank.question(qid), typed) == Reply(hint=hint)

    @pytest.mark.parametrize(
        ("typed", "command"),
        [
            ("b", "back"),
            ("B", "back"),
            ("s", "skip"),
            ("?", "why"),
            ("!", "emergency"),
            ("q", "quit"),
            ("h", "help"),
            ("help", "help"),
        ],
    )
    def test_command_keys_work_on_every_kind_of_question(self, bank, typed, command):
        for qid in ("use_any", "sows_anxious", "ctx_attempts", "opioids_which"):
            assert parse_reply(bank.question(qid), typed) == Reply(command=command)

    def test_enter_keeps_an_earlier_answer(self, bank):
        assert parse_reply(bank.question("use_any"), "", answered=True) == Reply(command="keep")


class TestFlow:
    """Which questions are asked, in which order, and what comes back."""

    def test_no_recent_use_asks_no_criterion_question(self, bank):
        screen = Screen("y", "n", "n", "n")
        answers = interview(bank, screen).run()
        assert answers is not None
        # Used before? and thoughts of suicide are asked on the "no use" path too.
        assert dict(answers.values) == {
            "use_any": False,
            "ever_used": False,
            "crisis_thoughts": False,
        }
        assert screen.asked == ["y", "n", "n", "n"]
        assert "Criteria" not in screen.text()

    def test_progress_counts_the_questions_a_section_may_still_ask(self, bank):
        # Before the gate is answered its follow-ups may still come (those after a yes, and
        # "used before?" after a no): "1 of 7", not "1 of 1"; after the yes, "2 of 6".
        screen = Screen("y", "y")
        with pytest.raises(Interrupted):
            interview(bank, screen).run()
        assert "Your opioid use · 1 of 7" in screen.after(1)
        assert "Your opioid use · 2 of 6" in screen.after(2)

    def test_declining_to_begin_returns_nothing(self, bank):
        screen = Screen("n")
        assert interview(bank, screen).run() is None
        assert screen.asked == ["n"]

    def test_prefilled_answers_are_not_asked(self, bank):
        screen = Screen("y", "y", "n")
        answers = interview(bank, screen, prefill=all_but("tolerance", "withdrawal")).run()
        assert answers is not None
        assert dict(answers.values) == FULL | {"tolerance": True, "withdrawal": False}
        assert screen.asked == ["y", "y", "n"]
        shown = screen.text()
        assert "have you used any opioids" not in shown
        assert "have you had strong urges or cravings" not in shown
        assert "have you needed much more than before to get the effect" in shown

    def test_back_at_the_first_open_question_goes_into_the_kept_answers(self, bank):
        # Carrying on at tolerance: b goes to craving's kept answer (Enter keeps it, y changes
        # nothing here), then on to tolerance and withdrawal again.
        screen = Screen("y", "b", "", "y", "n")
        answers = interview(bank, screen, prefill=all_but("tolerance", "withdrawal")).run()
        assert answers is not None
        assert dict(answers.values) == FULL | {"tolerance": True, "withdrawal": False}
        assert "This is the first question" not in screen.text()
        assert "Your answer so far:" in screen.after(2)

    def test_answers_carried_from_an_older_version_keep_it_while_a_changed_one_is_kept(self, bank):
        """despite_harm changed meaning in 2.0.0: kept as given in 1.0.0, the answers stay
        1.0.0 (the result notes it); asked again here, they are the bank's."""
        prefill = all_but("tolerance", "withdrawal")
        kept = Interview(
            bank, Screen("y", "y", "n").ask, Screen().show, "self", prefill,
            given_version="1.0.0",
        ).run()  # fmt: skip
        assert kept is not None and kept.bank_version == "1.0.0"
        assert "despite_harm" in score(bank, kept).changed_since
        # Only despite_harm kept among the changed ones: b goes into it, and Enter gives it
        # again, now to this version's question.
        prefill |= {"cut_down": None, "role_failure": None, "hazardous_use": None}
        prefill |= {"ctx_home": None}  # changed in 3.0.0 too
        screen = Screen("y", "b", "", "y", "n")
        again = Interview(
            bank, screen.ask, screen.show, "self", prefill, given_version="1.0.0"
        ).run()
        assert again is not None and again.bank_version == bank.version
        assert "Your answer so far:" in screen.after(2)

    def test_back_with_nothing_kept_before_is_still_the_first_question(self, bank):
        screen = Screen("y", "b", "n", "n", "n")
        interview(bank, screen).run()
        assert "This is the first question; there is nothing before it." in screen.text()

    def test_progress_names_the_section_and_place(self, bank):
        screen = Screen("y", "n")
        interview(bank, screen, prefill=all_but("larger_longer")).run()
        assert "The past 12 months · 1 of 11" in screen.after(1)

    def test_progress_counts_to_the_last_criterion(self, bank):
        screen = Screen("y", "n")
        interview(bank, screen, prefill=all_but("withdrawal")).run()
        assert "The past 12 months · 11 of 11" in screen.after(1)

    def test_rating_items_count_among_themselves(self, bank):
        prefill = all_but("sows_anxious") | {"withdrawal_offer": True, "extra_offer": True}
        prefill |= {q.id: 0 for q in bank.questions if q.scale and q.id != "sows_anxious"}
        screen = Screen("y", "1")
        interview(bank, screen, prefill=prefill).run()
        shown = screen.after(1)
        assert "How you feel right now · 1 of 16" in shown  # plain words, not the scale's name
        assert "0 not at all 1 a little 2 moderately 3 quite a bit 4 extremely" in shown

    def test_the_criteria_section_opens_with_its_intro(self, bank):
        screen = Screen("y", "n")
        interview(bank, screen, prefill=all_but("larger_longer")).run()
        assert "The next 11 questions are about the past 12 months." in screen.after(1)

    def test_a_multi_question_lists_its_numbered_options(self, bank):
        screen = Screen("y", "1 2")
        answers = interview(bank, screen, prefill=all_but("opioids_which")).run()
        assert answers is not None
        assert answers.values["opioids_which"] == ("heroin", "fentanyl")
        assert "1 Heroin 2 Fentanyl from the street" in screen.after(1)

    def test_a_hint_is_shown_and_the_question_asked_again(self, bank):
        screen = Screen("y", "maybe", "y")
        answers = interview(bank, screen, prefill=all_but("craving")).run()
        assert answers is not None
        assert answers.values["craving"] is True
        assert screen.after(2) == (
            "'maybe' is not an answer here. Type y or n (or ? for why we ask, h for all keys)."
        )

    def test_h_lists_the_keys(self, bank):
        screen = Screen("y", "h", "y")
        interview(bank, screen, prefill=all_but("craving")).run()
        assert screen.after(2) == (
            "b back, s skip, ? why we ask, ! emergency help, q quit. Then press Enter."
        )

    def test_plain_mode_draws_no_boxes_or_rules(self, bank):
        screen = Screen("y", "?", "!", "y")
        interview(bank, screen, prefill=all_but("craving"), plain=True).run()
        raw = "\n".join(text for kind, text in screen.log if kind == "show")
        assert not set(raw) & BOX
        assert "Why we ask:" in raw
        assert "Call 911 now." in raw


class TestBackAndSkip:
    """b goes back a question, Enter keeps an answer, s skips."""

    def test_back_returns_to_the_previous_question_and_enter_keeps_its_answer(self, bank):
        screen = Screen("y", "y", "b", "", "n")
        answers = interview(bank, screen, prefill=all_but("tolerance", "withdrawal")).run()
        assert answers is not None
        assert (answers.values["tolerance"], answers.values["withdrawal"]) == (True, False)
        back = screen.after(3)
        assert "have you needed much more than before to get the effect" in back
        assert "Your answer so far: yes. Press Enter to keep it." in back
        assert "when you stopped or cut down after using regularly" in screen.after(4)

    def test_back_at_the_first_question_does_not_return_to_the_welcome(self, bank):
        screen = Screen("y", "b", "n", "n", "n")
        answers = interview(bank, screen).run()
        assert answers is not None
        assert "This is the first question" in screen.after(2)
        assert "Would you like to begin?" not in screen.after(2)

    def test_back_lets_an_answer_be_changed(self, bank):
        screen = Screen("y", "y", "b", "n", "n")
        answers = interview(bank, screen, prefill=all_but("tolerance", "withdrawal")).run()
        assert answers is not None
        assert answers.values["tolerance"] is False

    def test_changing_the_gate_to_no_drops_the_answers_it_had_opened(self, bank):
        screen = Screen("y", "y", "1", "b", "b", "n", "n", "n")
        answers = interview(bank, screen).run()
        assert answers is not None
        assert dict(answers.values) == {
            "use_any": False,
            "ever_used": False,
            "crisis_thoughts": False,
        }

    def test_back_on_the_first_question_says_there_is_nothing_before_it(self, bank):
        screen = Screen("b", "y")
        interview(bank, screen, prefill=all_but()).run()
        assert "This is the first question; there is nothing before it." in screen.after(1)

    def test_skip_stores_no_answer(self, bank):
        screen = Screen("y", "s")
        answers = interview(bank, screen, prefill=all_but("tolerance")).run()
        assert answers is not None
        assert "tolerance" in answers.values
        assert answers.values["tolerance"] is None

    def test_a_skipped_question_offers_to_keep_the_skip_on_the_way_back(self, bank):
        screen = Screen("y", "s", "b", "", "n")
        answers = interview(bank, screen, prefill=all_but("tolerance", "withdrawal")).run()
        assert answers is not None
        assert "Your answer so far: skipped. Press Enter to keep it." in screen.after(3)
        assert answers.values["tolerance"] is None

    def test_the_consent_question_cannot_be_skipped(self, bank):
        screen = Screen("s", "y")
        answers = interview(bank, screen, prefill=all_but()).run()
        assert answers is not None
        assert screen.after(1) == "This one needs a y or n. Type q if you would rather stop."


class TestHelpKeys:
    """? explains a question, ! shows emergency help, and both return to the question."""

    def test_why_shows_the_reason_and_sources_then_the_question_again(self, bank):
        screen = Screen("y", "?")
        with pytest.raises(Interrupted):
            interview(bank, screen).run()
        shown = screen.after(2)
        assert (
            "Why we ask: The rest of the questions are about opioid use in the past year. "
            "If you have not used any, there is nothing to score and you will go straight "
            "to the results."
        ) in shown
        sources = shown[shown.index("From:") :]
        for title in (
            "The DSM-5 checklist for opioid use disorder, in our own words",
            "All About Heroin Addiction, Treatment & Recovery",
            "Heroin Addiction Treatment: Signs, Symptoms and Rehab Programs",
        ):
            assert title in sources
        assert shown.index("Why we ask") < shown.index("In the past 12 months, have you used")

    def test_why_on_a_criterion_names_the_dsm_criterion(self, bank):
        screen = Screen("y", "?", "n")
        interview(bank, screen, prefill=all_but("craving")).run()
        shown = screen.after(2)
        assert (
            "It looks at this item of the DSM-5 checklist: Has strong urges or a strong desire "
            "to use"
        ) in shown
        assert "(craving)" not in shown  # the key is for the JSON, not for the person

    def test_why_on_a_rating_names_the_scale(self, bank):
        prefill = all_but("sows_anxious") | {"withdrawal_offer": True, "extra_offer": True}
        prefill |= {q.id: 0 for q in bank.questions if q.scale and q.id != "sows_anxious"}
        screen = Screen("y", "?", "2")
        answers = interview(bank, screen, prefill=prefill).run()
        assert answers is not None
        assert answers.values["sows_anxious"] == 2
        shown = screen.after(2)
        # Plain words first; the published name once, here in the "why" help.
        assert (
            "Part of: How you feel right now, known to clinicians as the Subjective Opiate "
            "Withdrawal Scale (SOWS)"
        ) in shown
        assert shown.count("Subjective Opiate Withdrawal Scale") == 1

    def test_emergency_key_shows_911_naloxone_and_helplines(self, bank):
        screen = Screen("y", "!", "n")
        interview(bank, screen, prefill=all_but("craving")).run()
        shown = screen.after(2)
        assert "Call 911 now." in shown
        assert "Give naloxone (Narcan) if you have it." in shown
        assert "Support their breathing" in shown
        assert "Give a second dose of naloxone" in shown
        assert "SAMHSA National Helpline: 1-800-662-4357 (1-800-662-HELP)" in shown
        assert "988 Suicide & Crisis Lifeline: Call or text 988" in shown
        assert "have you had strong urges or cravings" in shown

    def test_the_welcome_shows_the_emergency_box_before_the_first_question(self, bank):
        screen = Screen("n")
        interview(bank, screen).run()
        before = screen.after(0)
        assert "If someone may be overdosing" in before
        assert "Call 911, give naloxone (Narcan) if you have it" in before
        assert before.index("Call 911") < before.index("Would you like to begin?")


class TestLeaving:
    """q asks before leaving; Ctrl-C and end of input leave at once."""

    def test_emergency_help_works_at_the_leave_prompt_too(self, bank):
        screen = Screen("y", "q", "!", "n", "n", "n", "n")
        interview(bank, screen, prefill=all_but("use_any")).run()
        assert "911" in screen.after(3)
        assert "naloxone" in screen.after(3).lower()

    def test_quit_then_no_carries_on_with_the_same_question(self, bank):
        screen = Screen("y", "q", "n", "y")
        answers = interview(bank, screen, prefill=all_but("craving")).run()
        assert answers is not None
        assert answers.values["craving"] is True
        assert screen.after(2) == (
            "Leave now? Nothing has been saved, and your answers will be cleared. (y/n)"
        )
        carry_on = screen.after(3)
        assert carry_on.startswith("Alright, carrying on.")
        assert "have you had strong urges or cravings" in carry_on

    def test_quit_then_yes_leaves(self, bank):
        screen = Screen("y", "q", "y")
        with pytest.raises(Quit) as caught:
            interview(bank, screen, prefill=all_but("craving")).run()
        assert caught.value.message == "You left the screening. Nothing was saved."
        assert caught.value.exit_code is ExitCode.QUIT

    def test_an_unclear_reply_to_quit_asks_again(self, bank):
        screen = Screen("y", "q", "perhaps", "y")
        with pytest.raises(Quit):
            interview(bank, screen, prefill=all_but("craving")).run()
        assert screen.after(3) == "Type y to leave, or n to go back to the question."

    def test_end_of_input_is_an_interruption(self, bank):
        screen = Screen("y")
        with pytest.raises(Interrupted) as caught:
            interview(bank, screen).run()
        assert caught.value.message == "Stopped. Nothing was saved."
        assert caught.value.exit_code is ExitCode.INTERRUPTED

    def test_ctrl_c_is_an_interruption(self, bank):
        screen = Screen("y", KeyboardInterrupt)
        with pytest.raises(Interrupted) as caught:
            interview(bank, screen).run()
        assert caught.value.message == "Stopped. Nothing was saved."

    def test_end_of_input_while_confirming_quit_is_an_interruption(self, bank):
        screen = Screen("y", "q")
        with pytest.raises(Interrupted):
            interview(bank, screen, prefill=all_but("craving")).run()


class SaveSpy:
    """Stands in for the file writer: records each save, or refuses with an ExportError."""

    def __init__(self, refuse: str | None = None) -> None:
        self.saved: list[tuple[Path, Answers, bool]] = []
        self.refuse = refuse

    def __call__(self, path: Path, answers: Answers, replace: bool) -> None:
        if self.refuse:
            message, self.refuse = self.refuse, None  # refuse once, then accept
            raise ExportError(message)
        self.saved.append((path, answers, replace))


class TestSaveForLater:
    """On q, with a terminal, the answers so far can be kept to finish later."""

    def run(self, bank, tmp_path, *replies, save=None):
        screen = Screen(*replies)
        save = save or SaveSpy()
        suggested = tmp_path / "screener-answers.yaml"
        job = Interview(bank, screen.ask, screen.show, save=save, save_to=suggested)
        with pytest.raises(Quit) as caught:
            job.run()
        return screen, save, caught.value, suggested

    def test_saying_no_writes_nothing(self, bank, tmp_path):
        screen, save, quit, _ = self.run(bank, tmp_path, "y", "y", "q", "y", "n")
        assert save.saved == []
        assert quit.message == "You left the screening. Nothing was saved."
        assert screen.after(3) == "Leave now? (y/n)"
        assert screen.after(4).startswith("Save your answers so far, so you can finish later?")

    def test_enter_at_the_save_question_means_no(self, bank, tmp_path):
        _, save, quit, _ = self.run(bank, tmp_path, "y", "y", "q", "y", "")
        assert save.saved == []
        assert quit.exit_code is ExitCode.QUIT

    def test_yes_then_enter_saves_the_answers_so_far_to_the_suggested_file(self, bank, tmp_path):
        screen, save, quit, suggested = self.run(
            bank, tmp_path, "y", "y", "1", "s", "q", "y", "y", ""
        )
        [(path, answers, replace)] = save.saved
        assert (path, replace) == (suggested, False)
        # consent is never kept; a skip is kept as a skip; nothing after the quit
        assert dict(answers.values) == {
            "use_any": True,
            "opioids_which": ("heroin",),
            "opioids_how": None,
        }
        unwrapped = screen.after(7).replace(" ", "")  # a long path wraps on an 80-column screen
        assert f"Saveto{suggested}?PressEnterforyes" in unwrapped
        assert quit.message == (
            f"Your answers so far are saved in {suggested} (only you can read it).\n"
            f"To carry on where you left off: screener --lang en run --answers {suggested}"
        )

    def test_another_name_can_be_typed(self, bank, tmp_path):
        other = tmp_path / "my answers.yaml"
        _, save, quit, _ = self.run(bank, tmp_path, "y", "y", "q", "y", "y", str(other))
        assert save.saved[0][0] == other
        assert f"screener --lang en run --answers '{other}'" in quit.message  # quoted for the shell

    def test_an_existing_file_is_replaced_only_when_confirmed(self, bank, tmp_path):
        taken = tmp_path / "taken.yaml"
        taken.write_text("mine")
        replies = ("y", "y", "q", "y", "y", str(taken), "n", str(taken), "y")
        screen, save, _, _ = self.run(bank, tmp_path, *replies)
        assert [(p, r) for p, _, r in save.saved] == [(taken, True)]
        assert screen.after(6) == f"{taken} already exists. Replace it? (y/N)"

    def test_a_failed_save_says_why_and_asks_again(self, bank, tmp_path):
        spy = SaveSpy(refuse="/nope/a.yaml: the folder /nope does not exist")
        replies = ("y", "y", "q", "y", "y", "/nope/a.yaml", "")
        screen, save, quit, suggested = self.run(bank, tmp_path, *replies, save=spy)
        assert screen.after(6).startswith(
            "Not saved: /nope/a.yaml: the folder /nope does not exist Save to"
        )
        assert save.saved[0][0] == suggested
        assert "saved in" in quit.message

    @pytest.mark.parametrize("yes", ["", "y", "YES", "s", "Sí", "si"])
    def test_carrying_on_offers_to_update_the_file_and_a_yes_replaces_it(self, bank, tmp_path, yes):
        started = tmp_path / "screener-answers.yaml"
        started.write_text("the answers before")
        screen = Screen("y", "y", "q", "y", "y", yes)
        save = SaveSpy()
        job = Interview(bank, screen.ask, screen.show, save=save, save_to=started, update=True)
        with pytest.raises(Quit) as caught:
            job.run()
        unwrapped = screen.after(5).replace(" ", "")  # a long path wraps at 80 columns
        assert unwrapped.startswith(f"Update{started},thefileyoucarriedonfrom,")
        assert [(p, r) for p, _, r in save.saved] == [(started, True)]  # asked once, not twice
        assert "saved in" in caught.value.message

    @pytest.mark.parametrize("no", ["n", "No", "NO"])
    def test_a_no_at_the_file_prompt_in_any_letter_case_leaves_without_saving(
        self, bank, tmp_path, no
    ):
        _, save, quit, _ = self.run(bank, tmp_path, "y", "y", "q", "y", "y", no)
        assert save.saved == []
        assert quit.message == "You left the screening. Nothing was saved."

    def test_n_at_the_file_prompt_leaves_without_saving(self, bank, tmp_path):
        _, save, quit, _ = self.run(bank, tmp_path, "y", "y", "q", "y", "y", "n")
        assert save.saved == []
        assert quit.message == "You left the screening. Nothing was saved."

    def test_ctrl_c_while_saving_stops_at_once_and_saves_nothing(self, bank, tmp_path):
        screen = Screen("y", "y", "q", "y", "y", KeyboardInterrupt)
        save = SaveSpy()
        job = Interview(bank, screen.ask, screen.show, save=save, save_to=tmp_path / "a.yaml")
        with pytest.raises(Interrupted):
            job.run()
        assert save.saved == []

    def test_with_nothing_answered_yet_there_is_nothing_to_offer(self, bank, tmp_path):
        screen, save, left, _ = self.run(bank, tmp_path, "y", "q", "y")
        assert save.saved == []
        assert left.message == "You left the screening. Nothing was saved."
        assert screen.after(2) == (
            "Leave now? Nothing has been saved, and your answers will be cleared. (y/n)"
        )
