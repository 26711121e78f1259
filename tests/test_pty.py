"""End to end on a real pseudo-terminal: what a person at a keyboard sees and can do."""

from __future__ import annotations

import io
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

TIMEOUT = 60  # generous: a loaded machine is slow, not wrong
PROMPT = "> "


def words(text: str) -> re.Pattern[str]:
    """A pattern for `text` that matches however the terminal wrapped it."""
    return re.compile(r"\s+".join(re.escape(w) for w in text.split()))


def flat(text: str) -> str:
    return " ".join(text.split())


class Session:
    """One `python -m screener` on a pty, with everything it printed kept in `transcript`."""

    def __init__(self, args: list[str], cwd: Path, size: tuple[int, int] = (40, 100)) -> None:
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(cwd),
            "LANG": "C.UTF-8",
            "TERM": "dumb",
            "NO_COLOR": "1",
        }
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "screener", *args],
            cwd=str(cwd),
            env=env,
            dimensions=size,
            encoding="utf-8",
            timeout=TIMEOUT,
        )
        self.child.logfile_read = self.log

    @property
    def transcript(self) -> str:
        return self.log.getvalue()

    def see(self, text: str) -> None:
        self.child.expect(words(text))

    def answer(self, question: str, reply: str) -> None:
        """Wait for `question` and its prompt, then type `reply` and Enter."""
        self.see(question)
        self.child.expect_exact(PROMPT)
        self.child.sendline(reply)

    def leave(self) -> None:
        """Type q at the result's reader: leave."""
        self.see(AFTER)
        self.child.expect_exact(PROMPT)
        self.child.sendline("q")

    def read_through(self) -> list[str]:
        """Enter at each page of the result's reader until the last, then Enter to leave;
        the menu line of each page."""
        menus = []
        while True:
            at = self.child.expect([MENU_NEXT, MENU_LAST])
            menus.append(flat(self.child.before.splitlines()[-1] + self.child.after))
            self.child.expect_exact(PROMPT)
            self.child.sendline("")
            if at == 1:
                return menus

    def finish(self) -> int:
        """Wait for the process to end; its exit status."""
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.signalstatus is None, "killed by a signal, not exited"
        status = self.child.exitstatus
        assert status is not None
        return status

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    s = Session([], tmp_path)
    yield s
    s.close()


WHO = "Who is this screening about?"
CONSENT = "Would you like to begin?"
USE_ANY = "In the past 12 months, have you used any opioids?"
WHICH = "Which opioids have you used in the past 12 months?"
HOW = "How have you taken them in the past 12 months?"
PRESCRIBED = "was all of your opioid use prescribed to you"
CRITERIA = [
    "have you often ended up using more opioids",
    "have you kept wanting to cut down or control your use",
    "has a lot of your time gone to opioids",
    "have you had strong urges or cravings to use?",
    "has using again and again kept you from doing what you are expected to do",
    "have you kept using even though it was causing or worsening problems with people",
    "have you given up or cut back on things that used to matter",
    "have you more than once used in a way that was physically dangerous?",
    "have you kept using even though you knew it was causing or worsening a lasting problem",
    "have you needed much more than before to get the effect you want",
    "when you stopped or cut down after using regularly, have you been sick with opioid",
]
OFFER = "Would you like to rate how you feel right now?"
EVER_USED = "Have you used opioids at any time before that"
RELEASED = "have you left jail or prison, a hospital"
THOUGHTS = "In the past few weeks, have you wished you were dead"
RIGHT_NOW = "Are you having thoughts of ending your life right now?"
HOME_SAFETY = "Does anyone you live with, or a partner, hurt you"
AFTER = "!: emergency"  # the result's reader: its menu, at the bottom of every page
MENU_NEXT = re.compile(r"Enter: next[^\n]*")
MENU_LAST = re.compile(r"Enter: leave[^\n]*")
CRITERION_TEXT = "In the past 12 months, have you often ended up"


class TestWalkThrough:
    """A whole screening typed at a terminal, from the welcome to the result."""

    def test_a_full_walk_through_with_back_and_skip_reaches_the_result(
        self, session: Session
    ) -> None:
        session.see("Opioid use self-screening")
        session.answer(WHO, "1")
        session.see("It is a screening, not a diagnosis.")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "y")
        session.answer(WHICH, "1")
        # Back from the next question: the previous one comes again with its answer.
        session.answer(HOW, "b")
        session.see(WHICH)
        session.see("Your answer so far: Heroin. Press Enter to keep it.")
        session.child.expect_exact(PROMPT)
        session.child.sendline("")
        session.answer(HOW, "1")
        session.answer(RELEASED, "1")
        replies = ["y", "y", "y", "y", "s", "n", "n", "n", "n", "y", "y"]  # one skipped
        for question, reply in zip(CRITERIA, replies, strict=True):
            session.answer(question, reply)
        session.answer(OFFER, "n")
        session.answer("have you used opioids when no one else was around?", "n")
        session.answer("have you started using again after a break?", "n")
        session.answer("Have you ever overdosed", "n")
        session.answer("Do you have naloxone (Narcan)", "y")
        session.answer(THOUGHTS, "n")
        session.answer("How many times have you tried to stop", "2")
        session.answer("After stopping, have you started using again?", "n")
        session.answer("Have you had treatment for opioid use before?", "n")
        session.answer(HOME_SAFETY, "1")
        session.answer("Do you have a stable place to live", "y")
        session.answer("Is there someone in your life who would support you", "y")
        session.answer("have you often felt low, depressed, anxious or hopeless?", "n")
        session.answer("Besides opioids, which of these have you used", "5")
        session.answer("Are you pregnant, or could you be?", "3")
        session.see("Your screening result")
        session.see(
            "6 to 7 of 11 criteria (1 not answered): "
            "a pattern consistent with severe opioid use disorder"
        )
        session.see("This is a screening, not a diagnosis.")
        menus = session.read_through()
        assert len(menus) > 3 and "Page 1 of" in menus[0]
        assert session.finish() == 0
        text = flat(session.transcript)
        assert "This is the end of the result." in text
        assert "skipped" in text  # the criterion answered with s
        assert "not answered" in text
        assert "Not taken (it was optional)." in text
        assert "Right now: I feel anxious" not in text  # the rating was declined
        assert "have you shared needles" not in text  # smoking, not injecting
        assert PRESCRIBED not in text  # heroin was chosen: "all prescribed?" cannot matter
        assert "from a dealer or from the street" not in text  # nor can the street supply
        assert "\x1b[" not in session.transcript
        assert "Traceback" not in session.transcript

    def test_saying_no_to_any_use_goes_straight_to_the_result(self, session: Session) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "n")
        session.answer(EVER_USED, "n")
        session.answer(THOUGHTS, "n")
        session.see("Your screening result")
        session.see("No opioid use in the past 12 months was reported")
        session.leave()
        assert session.finish() == 0
        text = flat(session.transcript)
        assert CRITERION_TEXT not in text
        assert PRESCRIBED not in text
        assert OFFER not in text

    def test_a_yes_to_thoughts_right_now_shows_988_and_911_before_anything_else(
        self, session: Session
    ) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "n")
        session.answer(EVER_USED, "y")
        session.answer(RELEASED, "1")
        session.answer(THOUGHTS, "y")
        session.answer(RIGHT_NOW, "y")
        # At once, before any other question or the result: both lines, and a choice to go on.
        session.see("Thoughts of suicide right now")
        session.see("988 Suicide & Crisis Lifeline: Call or text 988.")
        session.see("Emergency services: 911.")
        session.see("When you are ready, press Enter to go on.")
        session.child.expect_exact(PROMPT)
        shown = flat(session.transcript)
        assert "Your screening result" not in shown
        at_once = shown[shown.index(flat(RIGHT_NOW)) :]
        assert at_once.index("988") < at_once.index("When you are ready")
        session.child.sendline("")
        # The result opens with them too, above its heading.
        session.see("Thoughts of suicide right now")
        session.see("Your screening result")
        session.leave()
        assert session.finish() == 0
        result = flat(session.transcript).split(flat("When you are ready, press Enter to go on."))[
            1
        ]
        assert result.index("988") < result.index("Emergency services: 911")
        assert result.index("Emergency services: 911") < result.index("Your screening result")

    def test_declining_to_begin_shows_the_helplines_and_exits_0(self, session: Session) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "n")
        session.see("Okay. Nothing was saved.")
        session.see("1-800-662-4357")
        assert session.finish() == 0
        assert USE_ANY not in flat(session.transcript)


class TestResume:
    """`--answers FILE` on a terminal asks only the questions the file leaves open."""

    def test_an_answers_file_with_gaps_asks_only_the_gaps(self, tmp_path: Path) -> None:
        answered = {
            "use_any": True,
            "opioids_which": ["heroin"],
            "opioids_how": ["smoke"],
            "prescribed_only": False,
            "larger_longer": True,
            "cut_down": True,
            "time_spent": False,
            "craving": False,
            "role_failure": False,
            "social_problems": False,
            "activities_given_up": False,
            "hazardous_use": False,
            "despite_harm": False,
            "tolerance": True,
            "withdrawal": True,
            "withdrawal_offer": False,
            **dict.fromkeys(
                ("safety_alone", "safety_supply", "safety_break", "safety_overdose"), False
            ),
            "safety_naloxone": True,
        }
        doc = {
            "format": "screener-answers/1",
            "bank": {"id": "oud-self-screen", "version": "2.0.0"},
            "perspective": "self",
            "answers": answered,
        }
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        s = Session(["--answers", str(path)], tmp_path)
        try:
            s.answer(CONSENT, "y")  # consent is asked afresh every time
            s.answer(RELEASED, "1")  # new since version 2.0.0: asked, as any gap is
            s.answer(THOUGHTS, "n")
            s.answer("How many times have you tried to stop", "1")
            s.answer("Have you had treatment for opioid use before?", "n")
            s.answer(HOME_SAFETY, "1")
            s.answer("Do you have a stable place to live", "y")
            s.answer("Is there someone in your life who would support you", "y")
            s.answer("have you often felt low, depressed, anxious or hopeless?", "n")
            s.answer("Besides opioids, which of these have you used", "5")
            s.answer("Are you pregnant, or could you be?", "4")
            s.see("4 of 11 criteria: a pattern consistent with moderate opioid use disorder")
            s.leave()
            s.see("Delete the answers saved part-way in")  # finished: the file may go
            s.child.expect_exact(PROMPT)
            s.child.sendline("")  # Enter keeps it
            s.see("Kept")
            assert s.finish() == 0
        finally:
            s.close()
        assert path.exists()
        text = flat(s.transcript)
        assert USE_ANY not in text
        assert CRITERION_TEXT not in text
        assert "have you used opioids when no one else was around?" not in text
        # 12 replies (3 questions asked since version 2.0.0; Enter to keep the file), and q to
        # leave the result
        assert s.transcript.count("> ") == 13


class TestAboutSomeoneElse:
    """A worried parent who knows little: "don't know" to everything still reaches a result."""

    def test_dont_know_throughout_reaches_a_range_and_no_label(self, session: Session) -> None:
        session.answer(WHO, "2")
        session.see("someone else's use of opioids")
        session.answer(CONSENT, "y")
        session.answer("do you know, or have good reason to think, that they have used", "d")
        for _ in range(21):  # every sign, risk, their health and about you: "don't know"
            session.see("Type d if you don't know.")
            session.child.expect_exact(PROMPT)
            session.child.sendline("d")
        session.see("You have seen 0 of the 11 signs; 11 you could not tell.")
        session.read_through()
        assert "What you have seen matches 0 to 11 of the 11 signs" in flat(session.transcript)
        assert session.finish() == 0
        text = flat(session.transcript)
        assert "Your account of someone else · What you have noticed · 1 of 12" in text
        assert "This is not a diagnosis. Only they, and a clinician who talks with them" in text
        assert "opioid use disorder:" not in text and "pattern consistent" not in text
        assert "Right now: I" not in text  # no self-rated withdrawal scale


class TestKeys:
    """The keys that work at every question: ! for help, q to leave, Ctrl-C to stop."""

    def test_ctrl_c_at_a_question_exits_130_without_a_traceback(self, session: Session) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.see(USE_ANY)
        session.child.expect_exact(PROMPT)
        session.child.sendintr()
        session.see("Stopped. Nothing was saved.")
        assert session.finish() == 130
        assert "Traceback" not in session.transcript
        assert "KeyboardInterrupt" not in session.transcript

    def test_ctrl_c_at_the_welcome_exits_130_too(self, session: Session) -> None:
        session.answer(WHO, "1")
        session.see(CONSENT)
        session.child.expect_exact(PROMPT)
        session.child.sendintr()
        session.see("Nothing was saved")
        assert session.finish() == 130
        assert "Traceback" not in session.transcript

    def test_ctrl_d_at_a_question_exits_130(self, session: Session) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.see(USE_ANY)
        session.child.expect_exact(PROMPT)
        session.child.sendeof()
        session.see("Nothing was saved")
        assert session.finish() == 130
        assert "Traceback" not in session.transcript

    @pytest.mark.parametrize("key", ["ctrl-c", "ctrl-d"])
    def test_the_stop_message_starts_on_a_line_of_its_own(self, session: Session, key: str) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.see(USE_ANY)
        session.child.expect_exact(PROMPT)
        if key == "ctrl-c":
            session.child.sendintr()
        else:
            session.child.sendeof()
        assert session.finish() == 130
        # Not glued to the prompt, as in "> ^CStopped. Nothing was saved."
        assert re.search(r"(?m)^Stopped\. Nothing was saved\.\r?$", session.transcript), (
            session.transcript[-200:]
        )

    def test_bang_shows_emergency_help_then_the_same_question(self, session: Session) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "!")
        session.see("911")
        session.see("naloxone")
        # The box stays on screen above one line and the prompt; Enter brings the question.
        session.see("Press Enter to see the question again.")
        session.child.expect_exact(PROMPT)
        session.child.sendline("")
        session.see(USE_ANY)  # asked again, not skipped
        session.child.expect_exact(PROMPT)
        session.child.sendline("y")
        session.answer(WHICH, "q")
        session.see("Leave now?")
        session.child.expect_exact(PROMPT)
        session.child.sendline("y")
        session.see("Save your answers so far")
        session.child.expect_exact(PROMPT)
        session.child.sendline("n")
        session.see("You left the screening. Nothing was saved.")
        assert session.finish() == 1

    def test_question_mark_explains_the_question_then_asks_it_again(self, session: Session) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "?")
        session.see("Why we ask:")
        session.see(USE_ANY)
        session.child.expect_exact(PROMPT)
        session.child.sendintr()
        assert session.finish() == 130


class TestExport:
    """`--export` at a terminal: saved after the result, owner-only; Ctrl-C writes nothing."""

    def test_a_summary_is_saved_after_the_result(self, tmp_path: Path) -> None:
        s = Session(["--export", "summary.html"], tmp_path)
        try:
            s.answer(WHO, "1")
            s.answer(CONSENT, "y")
            s.answer(USE_ANY, "n")
            s.answer(EVER_USED, "n")
            s.answer(THOUGHTS, "n")
            s.see("Your screening result")
            s.leave()
            s.see("Saved an HTML summary to summary.html (only you can read it).")
            assert s.finish() == 0
        finally:
            s.close()
        target = tmp_path / "summary.html"
        assert target.stat().st_mode & 0o777 == 0o600
        assert "No opioid use in the past 12 months was reported" in target.read_text("utf-8")

    def test_ctrl_c_during_the_questions_writes_nothing(self, tmp_path: Path) -> None:
        s = Session(["--export", "summary.md"], tmp_path)
        try:
            s.answer(WHO, "1")
            s.answer(CONSENT, "y")
            s.see(USE_ANY)
            s.child.expect_exact(PROMPT)
            s.child.sendintr()
            s.see("Stopped. Nothing was saved.")
            assert s.finish() == 130
        finally:
            s.close()
        assert list(tmp_path.iterdir()) == []


class TestSaveForLater:
    """q part-way: the answers so far can be saved, and `run --answers` carries on from them."""

    def test_save_on_quit_then_carry_on_from_the_first_open_question(self, tmp_path: Path) -> None:
        s = Session([], tmp_path)  # HOME is tmp_path: the suggested file goes there
        try:
            s.answer(WHO, "1")
            s.answer(CONSENT, "y")
            s.answer(USE_ANY, "y")
            s.answer(WHICH, "1")
            s.answer(HOW, "s")
            s.answer(RELEASED, "q")
            s.see("Leave now? (y/n)")
            s.child.sendline("y")
            s.see("Save your answers so far, so you can finish later?")
            s.child.sendline("y")
            s.see("Press Enter for yes")
            s.child.sendline("")
            s.see("Your answers so far are saved in")
            assert s.finish() == 1
        finally:
            s.close()
        [saved] = list(tmp_path.glob("screener-answers-*.yaml"))
        assert saved.stat().st_mode & 0o777 == 0o600
        # Started as `python -m screener`, so that is the command to carry on with, whatever
        # the PATH holds.
        assert f"{sys.executable} -m screener --lang en run --answers {saved}" in flat(s.transcript)
        assert "use_any: true" in saved.read_text("utf-8")

        again = Session(["run", "--answers", str(saved)], tmp_path)
        try:
            again.answer(CONSENT, "y")  # consent is asked afresh every time
            again.see(f"Carrying on from {saved}: 3 answers kept.")
            again.see(RELEASED)  # the first question without an answer
            again.child.expect_exact(PROMPT)
            again.child.sendintr()
            assert again.finish() == 130
        finally:
            again.close()
        assert USE_ANY not in flat(again.transcript)

    def test_carrying_on_b_goes_back_into_the_file_and_leaving_offers_the_same_file(
        self, tmp_path: Path
    ) -> None:
        saved = tmp_path / "kept.yaml"
        saved.write_text(
            "format: screener-answers/1\nbank: {id: oud-self-screen, version: 2.0.0}\n"
            "perspective: self\nanswers:\n  use_any: true\n  opioids_which: [heroin]\n"
            "  opioids_how: [smoke]\n",
            encoding="utf-8",
        )
        saved.chmod(0o600)
        s = Session(["run", "--answers", str(saved)], tmp_path)
        try:
            s.answer(CONSENT, "y")
            s.answer(RELEASED, "b")  # back from the first open question: into the file
            s.see(HOW)
            s.see("Your answer so far: Smoking")
            s.child.expect_exact(PROMPT)
            s.child.sendline("q")
            s.see("Leave now? (y/n)")
            s.child.sendline("y")
            s.see("Save your answers so far, so you can finish later?")
            s.child.sendline("y")
            s.see(f"Update {saved}, the file you carried on from")  # not a new one beside it
            s.child.sendline("")  # Enter: yes, once (it used to ask again, and loop)
            s.see("Your answers so far are saved in")
            assert s.finish() == 1
        finally:
            s.close()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.yaml"]
        assert "opioids_how:\n  - smoke" in saved.read_text("utf-8")

    @pytest.mark.parametrize(("reply", "kept"), [("y", False), ("", True)])
    def test_finishing_offers_to_delete_the_file_carried_on_from(
        self, tmp_path: Path, reply: str, kept: bool
    ) -> None:
        from test_cli import COMPLETE, write_answers

        saved = write_answers(tmp_path / "kept.yaml", dict(COMPLETE))
        saved.write_text(
            "\n".join(
                line for line in saved.read_text("utf-8").splitlines() if "ctx_pregnant" not in line
            )
            + "\n",
            encoding="utf-8",
        )
        s = Session(["run", "--answers", str(saved)], tmp_path)
        try:
            s.answer(CONSENT, "y")
            s.see("Carrying on from")
            s.child.expect_exact(PROMPT)
            s.child.sendline("4")  # the one question left: does not apply
            s.leave()
            s.see("Delete the answers saved part-way in")
            s.child.expect_exact(PROMPT)
            s.child.sendline(reply)
            s.see("Kept" if kept else "Deleted")
            assert s.finish() == 0
        finally:
            s.close()
        assert saved.exists() is kept

    def test_saying_no_to_saving_writes_nothing(self, session: Session, tmp_path: Path) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "y")
        session.answer(WHICH, "q")
        session.see("Leave now? (y/n)")
        session.child.sendline("y")
        session.see("Save your answers so far, so you can finish later?")
        session.child.sendline("")
        session.see("You left the screening. Nothing was saved.")
        assert session.finish() == 1
        assert list(tmp_path.iterdir()) == []

    def test_ctrl_c_at_the_save_question_writes_nothing(
        self, session: Session, tmp_path: Path
    ) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "y")
        session.answer(WHICH, "q")
        session.see("Leave now? (y/n)")
        session.child.sendline("y")
        session.see("Save your answers so far")
        session.child.expect_exact(PROMPT)
        session.child.sendintr()
        session.see("Stopped. Nothing was saved.")
        assert session.finish() == 130
        assert list(tmp_path.iterdir()) == []


class TestCarryingOnFromFhir:
    """A part-way FHIR response is carried on like answers saved part-way, but it is the
    clinic's record: leaving offers a new answers file beside it, finishing never offers to
    delete it."""

    @pytest.fixture
    def response(self, tmp_path: Path) -> Path:
        from conftest import yes_to_values
        from test_fhir import complete, counter, summary_of

        from screener.files.bank import load_bank
        from screener.summaries import fhir

        bank = load_bank()
        summary = summary_of(bank, complete(bank, yes_to_values("craving")))
        qr = fhir.response_bundle(summary, counter())["entry"][0]["resource"]
        qr["status"] = "in-progress"
        for group in qr["item"][1:]:  # the sections' groups, after "Who is this about?"
            group["item"] = [i for i in group["item"] if i["linkId"] != "tolerance"]
        path = tmp_path / "response.json"
        path.write_text(json.dumps(qr, indent=1), encoding="utf-8")
        return path

    def test_leaving_offers_a_new_answers_file_beside_the_response(
        self, tmp_path: Path, response: Path
    ) -> None:
        before = response.read_bytes()
        s = Session(["run", "--answers", str(response)], tmp_path)
        try:
            s.answer(CONSENT, "y")
            s.see("Carrying on from")
            s.answer(CRITERIA[9], "q")
            s.see("Leave now? (y/n)")
            s.child.sendline("y")
            s.see("Save your answers so far, so you can finish later?")
            s.child.sendline("y")
            s.see(f"Save to {tmp_path}/screener-answers-")
            s.child.sendline("")
            s.see("Your answers so far are saved in")
            assert s.finish() == 1
        finally:
            s.close()
        assert response.read_bytes() == before
        (saved,) = [p for p in tmp_path.iterdir() if p.name.startswith("screener-answers-")]
        assert "craving: true" in saved.read_text("utf-8")

    def test_finishing_does_not_offer_to_delete_the_response(
        self, tmp_path: Path, response: Path
    ) -> None:
        s = Session(["run", "--answers", str(response)], tmp_path)
        try:
            s.answer(CONSENT, "y")
            s.answer(CRITERIA[9], "n")
            s.leave()
            assert s.finish() == 0
        finally:
            s.close()
        assert "Delete the answers" not in s.transcript
        assert response.exists()


class TestAfterResult:
    """At a terminal, after the result: a summary to bring to a clinician, or the steps again."""

    def test_a_summary_is_saved_owner_only_and_never_over_a_file_without_asking(
        self, tmp_path: Path
    ) -> None:
        from datetime import date

        home = tmp_path
        taken = home / f"screening-summary-{date.today().isoformat()}.html"
        taken.write_text("my own notes", encoding="utf-8")
        s = Session([], home)
        try:
            s.answer(WHO, "1")
            s.answer(CONSENT, "y")
            s.answer(USE_ANY, "n")
            s.answer(EVER_USED, "n")
            s.answer(THOUGHTS, "n")
            s.answer(AFTER, "s")
            s.answer("Which kind of file?", "")  # Enter: HTML
            s.answer("In which language?", "")  # Enter: the screening's, English
            # The name already taken is not suggested; typing it asks before replacing.
            s.see("Save the summary as:")
            s.see(str(taken.with_name(taken.stem + "-2.html")))
            s.child.expect_exact(PROMPT)
            s.child.sendline(str(taken))
            s.answer("already exists. Replace it?", "")  # Enter is no
            s.answer("Save the summary as:", "")  # the suggestion again: Enter takes it
            s.see("which only you can read, as:")
            s.answer("Press Enter to go back to the result.", "")
            s.answer(AFTER, "!")
            s.see("If someone may be overdosing")
            s.answer("Enter: back to the result", "")
            s.answer(AFTER, "q")
            assert s.finish() == 0
        finally:
            s.close()
        assert taken.read_text("utf-8") == "my own notes"
        saved = taken.with_name(taken.stem + "-2.html")
        assert saved.stat().st_mode & 0o777 == 0o600
        assert "No opioid use in the past 12 months was reported" in saved.read_text("utf-8")

    def test_ctrl_c_at_the_choices_stops_calmly(self, session: Session, tmp_path: Path) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "n")
        session.answer(EVER_USED, "n")
        session.answer(THOUGHTS, "n")
        session.see(AFTER)
        session.child.expect_exact(PROMPT)
        session.child.sendintr()
        session.see("Stopped. Nothing was saved.")
        assert session.finish() == 130
        assert "Traceback" not in session.transcript
        assert list(tmp_path.iterdir()) == []


def screens_of(transcript: str) -> list[list[str]]:
    """The output up to the first prompt, then between one prompt and the next (after the
    line typed there), as lines: what a screen showed at each prompt."""
    first, *chunks = transcript.replace("\r\n", "\n").split("\n> ")
    return [first.split("\n"), *(chunk.split("\n")[1:] for chunk in chunks)]


class TestReader:
    """The result page by page on a real terminal: every line readable without scrollback."""

    @pytest.mark.parametrize(("rows", "cols"), [(24, 80), (20, 60), (16, 40)])
    def test_each_page_fills_the_screen_and_the_last_is_the_end(
        self, tmp_path: Path, rows: int, cols: int
    ) -> None:
        from test_cli import COMPLETE, write_answers

        saved = write_answers(tmp_path / "kept.yaml", dict(COMPLETE))
        before = sorted(p.name for p in tmp_path.iterdir())
        s = Session(["run", "--answers", str(saved)], tmp_path, (rows, cols))
        try:
            s.see("Your screening result")
            menus = s.read_through()
            assert s.finish() == 0
        finally:
            s.close()
        assert sorted(p.name for p in tmp_path.iterdir()) == before
        pages = screens_of(s.transcript)[:-1]  # after the last Enter: the reader has left
        assert len(pages) == len(menus) > 1
        first = flat(" ".join(pages[0]))
        assert first.startswith("Your screening result")
        assert "This is a screening, not a diagnosis." in first
        for page in pages:
            assert len(page) == rows - 1  # the page, its menu; the prompt is the last line
            assert all(len(line) <= cols for line in page)
        assert "This is the end of the result." in flat(" ".join(pages[-1]))
        assert "Sources" not in flat(" ".join(pages[0]))

    @pytest.mark.parametrize("stop", ["ctrl-c", "end of input"])
    def test_ctrl_c_or_end_of_input_at_the_menu_exits_130_and_writes_nothing(
        self, session: Session, tmp_path: Path, stop: str
    ) -> None:
        session.answer(WHO, "1")
        session.answer(CONSENT, "y")
        session.answer(USE_ANY, "n")
        session.answer(EVER_USED, "n")
        session.answer(THOUGHTS, "n")
        session.see(AFTER)
        session.child.expect_exact(PROMPT)
        if stop == "ctrl-c":
            session.child.sendintr()
        else:
            session.child.sendeof()
        session.see("Stopped. Nothing was saved.")
        assert session.finish() == 130
        assert "Traceback" not in session.transcript
        assert list(tmp_path.iterdir()) == []

    def test_bang_at_a_40x16_question_shows_the_title_and_911_first(self, tmp_path: Path) -> None:
        s = Session([], tmp_path, (16, 40))
        try:
            s.answer(WHO, "!")
            s.see("Enter: next")
            s.child.expect_exact(PROMPT)
            first = screens_of(s.transcript)[-2]  # the last is after this prompt: empty
            assert len(first) == 15
            assert "If someone may be overdosing" in first[0]
            assert "Call 911 now." in " ".join(first)
            s.child.sendline("")
            s.see("Enter: next")
            s.child.expect_exact(PROMPT)
            s.child.sendline("b")  # back a page
            s.see("If someone may be overdosing")
            while s.child.expect([words("Enter: next"), words("Enter: back to the question")]) == 0:
                s.child.expect_exact(PROMPT)
                s.child.sendline("")
            s.child.expect_exact(PROMPT)
            s.child.sendline("")
            s.answer(WHO, "1")  # the question again, answered as usual
            s.see(CONSENT)
            s.child.sendintr()
            assert s.finish() == 130
        finally:
            s.close()


class TestPresenter:
    """A counselor's demo and explanation on a real terminal."""

    def test_step_prompt_keys_are_echoed_once_r_jumps_to_the_result(self, tmp_path: Path) -> None:
        s = Session(["demo", "riley", "--step"], tmp_path, (24, 80))
        try:
            s.see("Enter: next answer · r: result · ?: why · !: emergency · q: stop the demo")
            s.child.sendline("")  # the persona answers "Who is this about?"
            s.see("Would you like to begin?")
            s.see("q: stop the demo")
            s.child.sendline("?")
            s.see("Why we ask:")
            s.see("q: stop the demo")
            s.child.sendline("r")
            s.see("Your screening result")
            s.see("9 of 11 criteria")
            s.see(AFTER)
            s.child.expect_exact(PROMPT)
            s.child.sendline("q")
            assert s.finish() == 0
        finally:
            s.close()
        # The ? shows once, as the terminal echoed it after the prompt: never printed again.
        assert s.transcript.count("q: stop the demo ?\r\n") == 1
        assert "> ?" not in s.transcript
        assert "have you often ended up using more opioids" not in s.transcript  # jumped

    def test_q_at_the_step_prompt_stops_the_demo(self, tmp_path: Path) -> None:
        s = Session(["demo", "sam", "--step"], tmp_path, (24, 80))
        try:
            s.see("q: stop the demo")
            s.child.sendline("q")
            s.see("The demo stopped. Its answers are made up: nothing to save or clear.")
            assert s.finish() == 1
        finally:
            s.close()
        assert "cleared" not in s.transcript

    @pytest.mark.parametrize("args", [["explain"], ["demo"], ["explain", "next-steps"]])
    def test_explain_and_the_persona_list_are_read_page_by_page(
        self, tmp_path: Path, args: list[str]
    ) -> None:
        s = Session(args, tmp_path, (24, 80))
        try:
            menus = s.read_through()
            assert s.finish() == 0
        finally:
            s.close()
        pages = screens_of(s.transcript)[:-1]
        assert len(pages) == len(menus)
        assert all(len(page) == 23 for page in pages)


class TestFileNamePrompts:
    """At a file-name prompt a yes or a no in either language is the choice offered, and a
    name no file can have is a sentence and the prompt again, with the answers kept."""

    def test_yes_at_the_summary_name_saves_the_name_offered(self, tmp_path: Path) -> None:
        s = Session([], tmp_path)
        try:
            s.answer(WHO, "1")
            s.answer(CONSENT, "y")
            s.answer(USE_ANY, "n")
            s.answer(EVER_USED, "n")
            s.answer(THOUGHTS, "n")
            s.answer(AFTER, "s")
            s.answer("Which kind of file?", "")
            s.answer("In which language?", "")
            s.answer("Press Enter for yes", "YES")
            s.see("which only you can read, as:")
            s.answer("Press Enter to go back to the result.", "")
            s.answer(AFTER, "q")
            assert s.finish() == 0
        finally:
            s.close()
        [saved] = tmp_path.glob("screening-summary-*.html")
        assert saved.stat().st_mode & 0o777 == 0o600
        assert not (tmp_path / "YES.html").exists() and not (tmp_path / "yes.html").exists()

    def test_a_folder_then_si_at_the_part_way_save(self, tmp_path: Path) -> None:
        s = Session([], tmp_path)
        try:
            s.answer(WHO, "1")
            s.answer(CONSENT, "y")
            s.answer(USE_ANY, "y")
            s.answer(WHICH, "q")
            s.see("Leave now? (y/n)")
            s.child.sendline("y")
            s.see("Save your answers so far, so you can finish later?")
            s.child.sendline("y")
            s.answer("Press Enter for yes", "/")
            s.see("Not saved: cannot save to /: it is a folder; give a file name")
            s.answer("Press Enter for yes", "sí")
            s.see("Your answers so far are saved in")
            assert s.finish() == 1
        finally:
            s.close()
        [saved] = tmp_path.glob("screener-answers-*.yaml")
        assert "use_any: true" in saved.read_text("utf-8")
        assert "Traceback" not in s.transcript
