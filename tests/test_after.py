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
    """Replies from a script, and what the screen (an 80x24 terminal) showed, as one string."""

    def __init__(self, *replies: str | type[BaseException]) -> None:
        self.replies = list(replies)
        self.console = Console(
            record=True, width=80, height=24, file=io.StringIO(), force_terminal=True
        )

    def ask(self, prompt: str) -> str:
        assert prompt == "> "
        self.console.print(prompt)
        if not self.replies:
            raise EOFError
        reply = self.replies.pop(0)
        if isinstance(reply, type):
            raise reply()
        return reply

    def show(self, renderable: RenderableType) -> None:
        self.console.print(renderable, soft_wrap=getattr(renderable, "soft_wrap", False))

    @property
    def shown(self) -> list[str]:
        return self.console.export_text(clear=False).rstrip("\n").split("\n")

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
        after = AfterResult(bank, answers, res, person.ask, person.show, tmp_path, TODAY)
        saved = after.run(person.console)
        return person, saved

    return run


def screens(person: Person) -> list[list[str]]:
    """What was on the terminal at each prompt: the lines since the previous prompt."""
    out: list[list[str]] = [[]]
    for line in person.shown:
        if line.startswith("> "):
            out.append([])
        else:
            out[-1].append(line)
    return out[1:] if out[0] == [] else out


class TestReader:
    """The result page by page, with the menu at the bottom: Enter, back, save, !, leave."""

    def test_enter_reads_every_line_one_screenful_at_a_time_then_leaves(
        self, after, bank: Bank, tmp_path: Path
    ) -> None:
        person, saved = after(*[""] * 30)
        assert saved == []
        assert list(tmp_path.iterdir()) == []
        pages = screens(person)[:-1]  # the prompt after the last page: the reader has left
        assert person.replies, "Enter on the last page leaves"
        for page in pages:
            assert len(page) == 23  # a screen: the page, its menu, and the prompt line
        assert "Your screening result" in pages[0][0]
        assert any("Where to call" in line for line in pages[0])
        assert "Page 1 of" in " ".join(pages[0][-2:])
        last = " ".join(pages[-1])
        assert "This is the end of the result." in last and "Enter: leave" in last
        assert "Scroll up" not in person.text
        # Every line of the whole result was on a screen, in order.
        from screener.screens.result import result

        whole = Console(record=True, width=80, file=io.StringIO())
        answers = Answers(bank.id, bank.version, "self", yes_to_values("craving", "cut_down"))
        whole.print(result(bank, score(bank, answers)))
        expected = [line for line in whole.export_text().splitlines() if line.strip()]
        read = [line for page in pages for line in page[:-1] if line.strip()]  # not the menu
        assert [line for line in read if "This is the end of the result." not in line] == [
            line for line in expected if "Scroll up to read the whole result." not in line
        ]

    def test_b_goes_back_a_screenful_and_q_leaves(self, after) -> None:
        person, _saved = after("", "b", "q")
        first, second, again = screens(person)[:3]
        assert again == first
        assert second != first and "b: back" in " ".join(second[-2:])
        assert person.replies == []

    def test_a_key_it_does_not_know_says_so_on_the_same_page(self, after) -> None:
        person, _saved = after("zz", "q")
        first, again = screens(person)[:2]
        assert "Please type one of the keys below." in " ".join(again[-2:])
        assert again[:5] == first[:5]

    def test_the_emergency_steps_then_back_to_the_same_page(self, after) -> None:
        person, _saved = after("", "!", "", "q")
        page, box, back = screens(person)[1:4]
        assert "If someone may be overdosing" in box[0]
        assert "Call 911 now." in box[1]
        assert "Enter: back to the result" in " ".join(box[-2:])
        assert back == page

    @pytest.mark.parametrize(("width", "height"), [(60, 20), (40, 16)])
    def test_every_screen_fits_a_small_terminal(
        self, bank: Bank, tmp_path: Path, width: int, height: int
    ) -> None:
        answers = Answers(bank.id, bank.version, "self", yes_to_values("craving", "cut_down"))
        person = Person(*[""] * 60)
        person.console = Console(
            record=True, width=width, height=height, file=io.StringIO(), force_terminal=True
        )
        after = AfterResult(
            bank, answers, score(bank, answers), person.ask, person.show, tmp_path, TODAY
        )
        after.run(person.console)
        assert person.replies, "Enter on the last page leaves"
        pages = screens(person)[:-1]
        assert all(len(page) == height - 1 for page in pages)
        assert all(len(line) <= width for page in pages for line in page)
        assert "This is the end of the result." in " ".join(pages[-1])

    @pytest.mark.parametrize("typed", ["²", "\uff13", "٢"])
    def test_a_digit_from_another_script_is_asked_again_not_a_crash(
        self, after, tmp_path: Path, typed: str
    ) -> None:
        """At the menu and at the choice of file: a ² key is no number, and nothing is lost."""
        person, saved = after(typed, "s", typed, "n", "", "q")
        assert saved == []
        assert person.text.count("Please type one of the keys below.") == 1
        assert person.text.count("Please type 1, 2 or 3.") == 1
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("stop", [KeyboardInterrupt, EOFError])
    def test_ctrl_c_or_end_of_input_leaves_calmly(self, after, stop) -> None:
        with pytest.raises(Interrupted) as caught:
            after("", stop)
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
        person, saved = after("s", choice, "", "", "q")
        target = tmp_path / f"{SUGGESTED}{suffix}"
        assert saved == [target]
        assert target.stat().st_mode & 0o777 == 0o600
        assert target.read_text("utf-8").startswith(starts)
        assert f"which only you can read, as: {target}" in person.text

    def test_a_taken_name_is_not_suggested(self, after, tmp_path: Path) -> None:
        (tmp_path / f"{SUGGESTED}.html").write_text("mine", encoding="utf-8")
        _person, saved = after("s", "", "", "", "q")
        assert saved == [tmp_path / f"{SUGGESTED}-2.html"]
        assert (tmp_path / f"{SUGGESTED}.html").read_text("utf-8") == "mine"

    def test_an_existing_file_is_replaced_only_when_the_person_says_so(
        self, after, tmp_path: Path
    ) -> None:
        mine = tmp_path / "mine.md"
        mine.write_text("keep me", encoding="utf-8")
        # Typed the name of a file that exists: asked; Enter is no, and the name is asked again;
        # n then saves nothing.
        person, saved = after("s", "2", str(mine), "", "n", "", "q")
        assert "already exists. Replace it?" in person.text
        assert saved == []
        assert mine.read_text("utf-8") == "keep me"
        # Asked again, yes replaces it.
        person, saved = after("s", "2", str(mine), "y", "", "q")
        assert saved == [mine]
        assert mine.read_text("utf-8").startswith("# ")
        assert mine.stat().st_mode & 0o777 == 0o600

    def test_a_typed_name_without_an_ending_gets_the_formats(self, after, tmp_path: Path) -> None:
        _person, saved = after("s", "3", str(tmp_path / "for-dr-lee"), "", "q")
        assert saved == [tmp_path / "for-dr-lee.txt"]

    def test_a_folder_that_does_not_exist_is_one_line_then_the_name_again(
        self, after, tmp_path: Path
    ) -> None:
        person, saved = after("s", "", str(tmp_path / "nowhere" / "x.html"), "", "", "q")
        assert "Not saved:" in person.text and "does not exist" in person.text
        assert saved == [tmp_path / f"{SUGGESTED}.html"]

    def test_a_folder_by_that_name_is_refused_in_one_line(self, after, tmp_path: Path) -> None:
        (tmp_path / "taken.html").mkdir()
        person, saved = after("s", "", str(tmp_path / "taken.html"), "n", "", "q")
        assert "Not saved:" in person.text
        assert "--force" not in person.text  # an option of --export, not of this question
        assert saved == []

    def test_ctrl_c_after_saving_says_what_was_kept(self, after, tmp_path: Path) -> None:
        with pytest.raises(Interrupted) as caught:
            after("s", "", "", KeyboardInterrupt)
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
        ).run(person.console)
        return person, saved

    def test_the_language_is_asked_and_enter_keeps_the_screenings(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        person, saved = self.run(bank, tmp_path, "s", "", "", "", "", "q")
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
        person = Person("s", "", "2", "", "s", "", "1", "", "", "q")
        saved = AfterResult(
            bank, answers, score(bank, answers), person.ask, person.show, tmp_path, TODAY,
            bank_in=broken,
        ).run(person.console)  # fmt: skip
        assert "Not saved: questions.es.yaml:3: not valid YAML: oops" in person.text
        assert "second line" not in person.text
        # Back at the result's menu: saved in English the second time.
        assert len(saved) == 1
        assert '<html lang="en">' in saved[0].read_text(encoding="utf-8")

    def test_a_summary_in_spanish_from_an_english_screening(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        from screener import i18n

        person, saved = self.run(bank, tmp_path, "s", "", "2", "", "", "q")
        page = saved[0].read_text(encoding="utf-8")
        assert '<html lang="es">' in page
        assert "un patrón que se parece a un trastorno por consumo de opioides leve" in page
        assert "Saved an HTML summary, which only you can read, as:" in person.text
        assert i18n.language() == "en"  # the screen speaks English again
