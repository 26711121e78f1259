"""After the result at a terminal: save a summary for a clinician, see the emergency steps
again, or leave; and nothing of it with piped input."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from conftest import yes_to_values
from rich.console import Console, RenderableType
from typer.testing import CliRunner

from screener.cli import app
from screener.core.model import Answers, Bank
from screener.core.scoring import score
from screener.errors import ExitCode, Interrupted
from screener.screens.after import AfterResult

TODAY = date(2026, 12, 1)
SUGGESTED = "screening-summary-2026-12-01"


class Person:
    """Replies from a script, and what the screen showed, as one string."""

    def __init__(self, *replies: str | type[BaseException]) -> None:
        self.replies = list(replies)
        self.shown: list[str] = []

    def ask(self, prompt: str) -> str:
        assert prompt == "> "
        self.shown.append(prompt)
        if not self.replies:
            raise EOFError
        reply = self.replies.pop(0)
        if isinstance(reply, type):
            raise reply()
        return reply

    def show(self, renderable: RenderableType) -> None:
        console = Console(record=True, width=80, file=io.StringIO())
        console.print(renderable, soft_wrap=getattr(renderable, "soft_wrap", False))
        self.shown.extend(console.export_text().rstrip("\n").split("\n"))

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.shown).split())


@pytest.fixture
def after(bank: Bank, tmp_path: Path) -> Callable[..., tuple[Person, list[Path]]]:
    """Run the choices for a mild result with `replies`, home in tmp_path."""
    answers = Answers(bank.id, bank.version, "self", yes_to_values("craving", "cut_down"))
    res = score(bank, answers)

    def run(*replies: str | type[BaseException]) -> tuple[Person, list[Path]]:
        person = Person(*replies)
        saved = AfterResult(bank, answers, res, person.ask, person.show, tmp_path, TODAY).run()
        return person, saved

    return run


class TestChoices:
    """The three choices, and Enter to leave."""

    def test_enter_leaves_and_writes_nothing(self, after, tmp_path: Path) -> None:
        person, saved = after("")
        assert saved == []
        assert list(tmp_path.iterdir()) == []
        for choice in (
            "Save a summary to bring to a clinician",
            "See the emergency steps again",
            "Leave",
        ):
            assert choice in person.text

    @pytest.mark.parametrize("key", ["2", "!"])
    def test_the_emergency_steps_again_then_one_line_and_the_prompt(self, after, key: str) -> None:
        person, _saved = after(key, "")
        top = max(
            i for i, line in enumerate(person.shown) if "If someone may be overdosing" in line
        )
        rest = person.shown[top:]
        prompt = rest.index("> ")
        assert prompt + 1 <= 24  # the box, one line and the prompt on an 80x24 screen
        assert "Enter to leave" in rest[prompt - 1]
        assert "Call 911 now." in person.text

    @pytest.mark.parametrize("typed", ["²", "\uff13", "٢"])
    def test_a_digit_from_another_script_is_asked_again_not_a_crash(
        self, after, tmp_path: Path, typed: str
    ) -> None:
        """At the menu and at the choice of file: a ² key is no number, and nothing is lost."""
        person, saved = after(typed, "1", typed, "n", "")
        assert saved == []
        assert person.text.count("Please type 1, 2 or 3.") == 2
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
    def test_ctrl_c_or_end_of_input_leaves_calmly(self, after, stop) -> None:
        with pytest.raises(Interrupted) as caught:
            after(stop)
        assert caught.value.exit_code == ExitCode.INTERRUPTED
        assert caught.value.message == "Stopped. Nothing was saved."


class TestSaving:
    """A summary in the home folder, owner-only, never over a file without asking."""

    @pytest.mark.parametrize(
        ("choice", "suffix", "starts"),
        [("", ".html", "<!doctype html>"), ("2", ".md", "# "), ("3", ".txt", "Opioid use")],
    )
    def test_a_summary_is_saved_in_the_home_folder_readable_only_by_its_owner(
        self, after, tmp_path: Path, choice: str, suffix: str, starts: str
    ) -> None:
        person, saved = after("1", choice, "", "")
        target = tmp_path / f"{SUGGESTED}{suffix}"
        assert saved == [target]
        assert target.stat().st_mode & 0o777 == 0o600
        assert target.read_text("utf-8").startswith(starts)
        assert f"which only you can read, as: {target}" in person.text

    def test_a_taken_name_is_not_suggested(self, after, tmp_path: Path) -> None:
        (tmp_path / f"{SUGGESTED}.html").write_text("mine", encoding="utf-8")
        _person, saved = after("1", "", "", "")
        assert saved == [tmp_path / f"{SUGGESTED}-2.html"]
        assert (tmp_path / f"{SUGGESTED}.html").read_text("utf-8") == "mine"

    def test_an_existing_file_is_replaced_only_when_the_person_says_so(
        self, after, tmp_path: Path
    ) -> None:
        mine = tmp_path / "mine.md"
        mine.write_text("keep me", encoding="utf-8")
        # Typed the name of a file that exists: asked; Enter is no, and the name is asked again;
        # n then saves nothing.
        person, saved = after("1", "2", str(mine), "", "n", "")
        assert "already exists. Replace it?" in person.text
        assert saved == []
        assert mine.read_text("utf-8") == "keep me"
        # Asked again, yes replaces it.
        person, saved = after("1", "2", str(mine), "y", "")
        assert saved == [mine]
        assert mine.read_text("utf-8").startswith("# ")
        assert mine.stat().st_mode & 0o777 == 0o600

    def test_a_typed_name_without_an_ending_gets_the_formats(self, after, tmp_path: Path) -> None:
        _person, saved = after("1", "3", str(tmp_path / "for-dr-lee"), "")
        assert saved == [tmp_path / "for-dr-lee.txt"]

    def test_a_folder_that_does_not_exist_is_one_line_then_the_name_again(
        self, after, tmp_path: Path
    ) -> None:
        person, saved = after("1", "", str(tmp_path / "nowhere" / "x.html"), "", "")
        assert "Not saved:" in person.text and "does not exist" in person.text
        assert saved == [tmp_path / f"{SUGGESTED}.html"]

    def test_a_folder_by_that_name_is_refused_in_one_line(self, after, tmp_path: Path) -> None:
        (tmp_path / "taken.html").mkdir()
        person, saved = after("1", "", str(tmp_path / "taken.html"), "n", "")
        assert "Not saved:" in person.text
        assert "--force" not in person.text  # an option of --export, not of this question
        assert saved == []

    def test_ctrl_c_after_saving_says_what_was_kept(self, after, tmp_path: Path) -> None:
        with pytest.raises(Interrupted) as caught:
            after("1", "", "", KeyboardInterrupt)
        assert caught.value.message == "Stopped."
        assert (tmp_path / f"{SUGGESTED}.html").exists()


class TestPiped:
    """With piped input everything is printed, nothing is asked and nothing is written."""

    def test_a_piped_run_prints_the_result_and_card_and_asks_nothing(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HOME", str(tmp_path))
        monkeypatch.chdir(tmp_path)
        done = runner.invoke(app, ["run"], input="1\ny\nn\nn\nn\n")  # no use, never, no
        assert done.exit_code == 0, done.output
        assert "In short:" in done.stdout
        assert "What would you like to do now?" not in done.stdout
        assert list(tmp_path.iterdir()) == []


class TestSummaryLanguage:
    """With the bank in every language at hand, the summary may be in any of them."""

    def run(self, bank: Bank, tmp_path: Path, *replies: str) -> tuple[Person, list[Path]]:
        from screener.files.bank import load_bank

        answers = Answers(bank.id, bank.version, "self", yes_to_values("craving", "cut_down"))
        person = Person(*replies)
        saved = AfterResult(
            bank,
            answers,
            score(bank, answers),
            person.ask,
            person.show,
            tmp_path,
            TODAY,
            bank_in=lambda code: load_bank(language=code),
        ).run()
        return person, saved

    def test_the_language_is_asked_and_enter_keeps_the_screenings(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        person, saved = self.run(bank, tmp_path, "1", "", "", "", "")
        assert "In which language?" in person.text
        assert "1. English 2. Español" in person.text
        assert '<html lang="en">' in saved[0].read_text(encoding="utf-8")

    def test_a_language_whose_bank_cannot_be_read_is_one_line_then_the_menu_again(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        """Choosing Español with a broken translation file must not end the program."""
        from screener.errors import BankError

        def broken(code: str) -> Bank:
            raise BankError(["questions.es.yaml:3: not valid YAML: oops", "second line"])

        answers = Answers(bank.id, bank.version, "self", yes_to_values("craving", "cut_down"))
        person = Person("1", "", "2", "1", "", "", "", "")
        saved = AfterResult(
            bank, answers, score(bank, answers), person.ask, person.show, tmp_path, TODAY,
            bank_in=broken,
        ).run()  # fmt: skip
        assert "Not saved: questions.es.yaml:3: not valid YAML: oops" in person.text
        assert "second line" not in person.text
        # Back at the menu: saved in English the second time.
        assert len(saved) == 1
        assert '<html lang="en">' in saved[0].read_text(encoding="utf-8")

    def test_a_summary_in_spanish_from_an_english_screening(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        from screener import i18n

        person, saved = self.run(bank, tmp_path, "1", "", "2", "", "")
        page = saved[0].read_text(encoding="utf-8")
        assert '<html lang="es">' in page
        assert "un patrón que se parece a un trastorno por consumo de opioides leve" in page
        assert "Saved an HTML summary, which only you can read, as:" in person.text
        assert i18n.language() == "en"  # the screen speaks English again
