"""A screening's life driven without a terminal: start, leave part-way and save, carry on from
the file, finish, save a summary, delete the file carried on from (screener.flow)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from test_cli import COMPLETE, WALK, write_answers

from screener import api, exports, flow
from screener.core.model import Bank
from screener.errors import AnswersError, ExitCode, Quit

TODAY = date(2026, 12, 1)
PARTWAY = "screener-answers-2026-12-01.yaml"
SUMMARY = "screening-summary-2026-12-01.md"


class Person:
    """A terminal (80x24) with a person typing `replies`; what it showed, as one string."""

    def __init__(self, *replies: str, terminal: bool = True) -> None:
        self.replies = list(replies)
        self.out = Console(
            record=True, width=80, height=24, file=io.StringIO(), force_terminal=terminal
        )
        self.prompts = 0

    def ask(self, prompt: str) -> str:
        self.out.print(prompt, end="")
        self.prompts += 1
        if not self.replies:
            raise EOFError  # a script that ran out leaves as end of input does: exit 130
        reply = self.replies.pop(0)
        self.out.print(reply)
        return reply

    def terminal(self, home: Path, interactive: bool = True) -> flow.Terminal:
        said: list[str] = []
        self.said = said
        return flow.Terminal(
            self.out, self.ask, interactive, home=home, today=TODAY, say=said.append
        )

    @property
    def text(self) -> str:
        return " ".join(self.out.export_text(clear=False).split())

    def showed(self, words: str) -> bool:
        """Whether `words` were on the screen, wherever a long path was wrapped."""
        return "".join(words.split()) in "".join(self.text.split())


def options(bank: Bank, **given: object) -> flow.Options:
    return flow.Options(bank, api.Banks(), **given)  # type: ignore[arg-type]


class TestWholeCycle:
    """Start, quit, carry on, finish, save a summary, delete: one person, no tty."""

    def test_start_quit_resume_finish_save_and_delete(self, bank: Bank, tmp_path: Path) -> None:
        # Start, and leave at the first criterion, keeping the answers so far.
        first = Person(*WALK[:6], "q", "y", "y", "")
        with pytest.raises(Quit) as left:
            flow.run(options(bank), first.terminal(tmp_path))
        assert left.value.exit_code == ExitCode.QUIT
        saved = tmp_path / PARTWAY
        assert sorted(p.name for p in tmp_path.iterdir()) == [PARTWAY]
        assert saved.stat().st_mode & 0o777 == 0o600
        assert "controlled_setting: 'no'" in saved.read_text("utf-8")
        assert "Save your answers so far, so you can finish later?" in first.text

        # Carry on: consent afresh, then only what is still open; save a summary in Markdown
        # at the result, leave, and say yes to deleting the answers saved part-way.
        again = Person("y", *WALK[6:], "s", "2", "", "", "", "q", "y")
        flow.run(options(bank, answers=saved), again.terminal(tmp_path))
        assert again.replies == []
        assert again.showed(f"Carrying on from {saved}: 4 answers kept.")
        assert "Delete the answers saved part-way in" in again.text
        assert again.showed(f"Deleted {saved}.")
        summary = tmp_path / SUMMARY
        assert sorted(p.name for p in tmp_path.iterdir()) == [SUMMARY]
        assert summary.stat().st_mode & 0o777 == 0o600
        text = summary.read_text("utf-8")
        assert "severe" in text and "not a diagnosis" in text

    def test_enter_at_the_delete_offer_keeps_the_file(self, bank: Bank, tmp_path: Path) -> None:
        values = {k: v for k, v in COMPLETE.items() if k != "ctx_pregnant"}
        saved = write_answers(tmp_path / "kept.yaml", values)
        person = Person("y", "4", "q", "")
        flow.run(options(bank, answers=saved), person.terminal(tmp_path))
        assert person.showed(f"Kept {saved}.")
        assert saved.exists()

    def test_leaving_a_file_carried_on_from_offers_that_same_file(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        saved = write_answers(tmp_path / "kept.yaml", {"use_any": True})
        person = Person("y", "q", "y", "y", "")
        with pytest.raises(Quit):
            flow.run(options(bank, answers=saved), person.terminal(tmp_path))
        assert person.showed(f"Update {saved}, the file you carried on from")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.yaml"]


class TestWithoutAPerson:
    """Piped input: every line is an answer; nothing is offered, asked after, or written."""

    def test_a_piped_walk_prints_the_result_and_writes_nothing(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        person = Person(*WALK, terminal=False)
        flow.run(options(bank), person.terminal(tmp_path, interactive=False))
        assert person.replies == []
        assert "a pattern consistent with severe opioid use disorder" in person.text
        assert "Delete" not in person.text
        assert list(tmp_path.iterdir()) == []

    def test_a_file_with_gaps_cannot_be_finished_without_a_terminal(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        saved = write_answers(tmp_path / "gaps.yaml", {"use_any": True})
        person = Person(terminal=False)
        with pytest.raises(AnswersError) as caught:
            flow.run(options(bank, answers=saved), person.terminal(tmp_path, False))
        assert "(answer them in a terminal)" in caught.value.message
        assert person.prompts == 0

    def test_a_complete_file_asks_nothing_and_writes_the_planned_export(
        self, bank: Bank, tmp_path: Path
    ) -> None:
        saved = write_answers(tmp_path / "done.yaml", dict(COMPLETE))
        target = tmp_path / "out.md"
        plan = exports.plan([str(target)], None, False)
        person = Person(terminal=False)
        flow.run(options(bank, answers=saved, exports=plan), person.terminal(tmp_path, False))
        assert person.prompts == 0
        assert person.showed(f"Saved a Markdown summary to {target} (only you can read it).")
        assert target.stat().st_mode & 0o777 == 0o600
        assert saved.exists()  # never offered to delete without a person there

    def test_declining_to_begin_shows_where_to_get_help(self, bank: Bank, tmp_path: Path) -> None:
        person = Person("1", "n", terminal=False)
        flow.run(options(bank), person.terminal(tmp_path, False))
        assert "988" in person.text
        assert list(tmp_path.iterdir()) == []
