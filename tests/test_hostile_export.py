"""Attacks on where summaries and saved answers go: devices, pipes, sockets, links, long names."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import stat
from collections.abc import Callable, Iterator
from datetime import date
from functools import partial
from pathlib import Path

import pytest
from conftest import run_limited
from test_cli import COMPLETE, write_answers
from test_interview import Screen

from screener.core.model import Answers, Bank
from screener.errors import ExitCode, ExportError, Quit
from screener.files.safefile import check_target, write_private

TEXT = "Résumé: 6 of 11 criteria\n"
TITLE = "# Opioid use self-screening: screening summary"
WRITE_TIME = 5.0  # seconds; writing a summary takes milliseconds, a FIFO would wait forever


def names(folder: Path) -> list[str]:
    """What is in `folder`, sorted: a stray temporary file would show here."""
    return sorted(p.name for p in folder.iterdir())


def kind_of(path: Path) -> tuple[int, int]:
    """The file type of `path` itself (not of what a link points to), and its device number."""
    st = os.lstat(path)
    return stat.S_IFMT(st.st_mode), st.st_rdev


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail instead of hanging: opening a FIFO for writing waits for a reader forever."""

    def late(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s: something opened the target")

    old = signal.signal(signal.SIGALRM, late)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def char_device(path: Path) -> None:
    """A twin of /dev/null, made here: the real one is never touched."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("this user cannot make device files")


def block_device(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFBLK | 0o600, os.makedev(7, 0))
    except PermissionError:
        pytest.skip("this user cannot make device files")


def fifo(path: Path) -> None:
    os.mkfifo(path)


def unix_socket(path: Path) -> None:
    # Bound by its short relative name: a socket's whole path must fit in about 100 bytes.
    with contextlib.chdir(path.parent), socket.socket(socket.AF_UNIX) as sock:
        sock.bind(path.name)


def folder(path: Path) -> None:
    path.mkdir()


# (maker, what the refusal calls it)
NOT_FILES = {
    "char-device": (char_device, "a device"),
    "block-device": (block_device, "a device"),
    "fifo": (fifo, "a FIFO"),
    "socket": (unix_socket, "a socket"),
}


def refusal(target: Path | str, what: str) -> str:
    """The one line a name that is no regular file gets, `what` saying what it is instead."""
    if what.endswith("a folder"):
        return f"cannot save to {target}: it is {what}; give a file name"
    return f"cannot save to {target}: it is not a regular file ({what}); give a file name"


def make_odd(tmp_path: Path, kind: str, linked: bool) -> tuple[Path, str]:
    """`kind` (a key of NOT_FILES, or "folder") at tmp_path/null, or a link to it; its name
    for the export and what the refusal calls it."""
    maker, what = NOT_FILES[kind] if kind != "folder" else (folder, "a folder")
    thing = tmp_path / "null"
    maker(thing)
    if not linked:
        return thing, what
    link = tmp_path / "summary.md"
    link.symlink_to(thing)
    return link, f"a link to {what}"


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    """A complete answers file in its own folder, so tmp_path holds only what a test made."""
    home = tmp_path / "in"
    home.mkdir()
    return write_answers(home / "answers.yaml", COMPLETE)


def score(answers_file: Path, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """`screener score ANSWERS ARGS` as a separate, limited process: (exit code, out, err)."""
    done = run_limited(["score", str(answers_file), *args], cwd=cwd)
    out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    assert "Traceback" not in err
    return done.returncode, out, err


KINDS = [*NOT_FILES, "folder"]


class TestForceReplacesOnlyARegularFile:
    """--force replaces a file: never a device, FIFO, socket or folder, nor a link to one."""

    @pytest.mark.parametrize("linked", [False, True], ids=["itself", "link-to-it"])
    @pytest.mark.parametrize("kind", KINDS)
    def test_force_is_refused_in_one_line_and_the_thing_is_left_as_it_was(
        self, tmp_path: Path, answers_file: Path, kind: str, linked: bool
    ) -> None:
        target, what = make_odd(tmp_path, kind, linked)
        before = {name: kind_of(tmp_path / name) for name in names(tmp_path)}
        code, out, err = score(answers_file, "--export", str(target), "--format", "md", "--force")
        assert code == ExitCode.EXPORT
        assert out == ""  # refused before the result, like any other bad target
        assert err == f"Error: {refusal(target, what)}\n"
        assert {name: kind_of(tmp_path / name) for name in names(tmp_path)} == before

    @pytest.mark.parametrize("kind", list(NOT_FILES))
    def test_without_force_it_says_what_the_name_is_rather_than_suggesting_force(
        self, tmp_path: Path, answers_file: Path, kind: str
    ) -> None:
        target, what = make_odd(tmp_path, kind, linked=False)
        code, _, err = score(answers_file, "--export", str(target), "--format", "md")
        assert code == ExitCode.EXPORT
        assert err == f"Error: {refusal(target, what)}\n"
        assert "--force" not in err
        assert kind_of(target)[0] != stat.S_IFREG

    def test_a_run_is_refused_before_the_first_question(self, tmp_path: Path) -> None:
        target = tmp_path / "pipe.md"
        os.mkfifo(target)
        done = run_limited(["run", "--export", str(target), "--force"], input="y\n")
        assert done.returncode == ExitCode.EXPORT
        assert done.stdout == b""
        assert done.stderr.decode() == f"Error: {refusal(target, 'a FIFO')}\n"
        assert stat.S_ISFIFO(os.lstat(target).st_mode)

    def test_force_on_a_link_to_a_file_replaces_the_link_and_leaves_the_file_alone(
        self, tmp_path: Path, answers_file: Path
    ) -> None:
        mine = tmp_path / "mine.txt"
        mine.write_text("keep", encoding="utf-8")
        link = tmp_path / "summary.md"
        link.symlink_to(mine)
        code, _, err = score(answers_file, "--export", str(link), "--force")
        assert (code, err) == (0, "")
        assert not link.is_symlink()
        assert link.read_text(encoding="utf-8").startswith(TITLE)
        assert stat.S_IMODE(link.stat().st_mode) == 0o600
        assert mine.read_text(encoding="utf-8") == "keep"
        assert names(tmp_path) == ["in", "mine.txt", "summary.md"]

    def test_force_on_a_broken_link_replaces_the_link_and_creates_nothing_where_it_pointed(
        self, tmp_path: Path, answers_file: Path
    ) -> None:
        link = tmp_path / "summary.md"
        link.symlink_to(tmp_path / "gone.md")
        code, _, err = score(answers_file, "--export", str(link), "--force")
        assert (code, err) == (0, "")
        assert not link.is_symlink()
        assert names(tmp_path) == ["in", "summary.md"]


class TestSomethingAppearsWhileAnswering:
    """write_private looks again at write time: the name may have changed since check_target."""

    @pytest.mark.parametrize("force", [True, False], ids=["force", "no-force"])
    @pytest.mark.parametrize("kind", KINDS)
    def test_what_replaced_the_file_after_the_check_is_left_alone(
        self, tmp_path: Path, kind: str, force: bool
    ) -> None:
        target = tmp_path / "summary.md"
        target.write_text("mine", encoding="utf-8")
        check_target(target, force=True)
        target.unlink()
        thing, what = make_odd(tmp_path, kind, linked=False)
        thing.rename(target)
        before = kind_of(target)
        with within(WRITE_TIME), pytest.raises(ExportError) as caught:
            write_private(target, TEXT, force=force)
        assert caught.value.message == refusal(target, what)
        assert kind_of(target) == before
        assert names(tmp_path) == ["summary.md"]

    def test_a_link_to_a_device_that_appeared_after_the_check_is_left_alone(
        self, tmp_path: Path
    ) -> None:
        target = tmp_path / "summary.md"
        check_target(target, force=True)
        char_device(tmp_path / "null")
        target.symlink_to(tmp_path / "null")
        with within(WRITE_TIME), pytest.raises(ExportError) as caught:
            write_private(target, TEXT, force=True)
        assert caught.value.message == refusal(target, "a link to a device")
        assert target.is_symlink()
        assert stat.S_ISCHR(os.lstat(tmp_path / "null").st_mode)
        assert names(tmp_path) == ["null", "summary.md"]


class TestLongNames:
    """Any file name the system allows can be written; a longer one is one line."""

    @pytest.mark.parametrize(
        "name",
        ["a" * 247 + ".md", "é" * 123 + "x.md", "\N{GRINNING FACE}" * 63 + ".md"],
        ids=["250-ascii", "250-bytes-of-accents", "255-bytes-of-emoji"],
    )
    def test_a_name_up_to_the_limit_is_written_and_no_temporary_file_is_left(
        self, tmp_path: Path, answers_file: Path, name: str
    ) -> None:
        assert len(os.fsencode(name)) <= 255
        target = tmp_path / name
        code, _, err = score(answers_file, "--export", str(target))
        assert (code, err) == (0, "")
        assert target.read_text(encoding="utf-8").startswith(TITLE)
        assert names(tmp_path) == sorted(["in", name])

    def test_answers_saved_part_way_can_have_a_name_up_to_the_limit(
        self, tmp_path: Path, bank: Bank, answers: Callable[..., Answers]
    ) -> None:
        from screener.files.answers import save_partial

        target = tmp_path / ("ü" * 125 + ".yaml")
        save_partial(target, answers({"use_any": False}), bank)
        assert "use_any: false" in target.read_text(encoding="utf-8")
        assert names(tmp_path) == [target.name]

    def test_a_name_over_the_limit_is_one_line_before_anything_is_written(
        self, tmp_path: Path, answers_file: Path
    ) -> None:
        target = tmp_path / ("b" * 253 + ".md")
        code, out, err = score(answers_file, "--export", str(target))
        assert code == ExitCode.EXPORT
        assert out == ""
        assert err == (
            f"Error: cannot save to {target}: the file name is too long (256 bytes; at most 255)\n"
        )
        assert names(tmp_path) == ["in"]


class TestOneFileByTwoNames:
    """Two --export names for one file are refused before anything is written."""

    def test_a_folder_and_a_link_to_it(self, tmp_path: Path, answers_file: Path) -> None:
        real, link = tmp_path / "a", tmp_path / "b"
        real.mkdir()
        link.symlink_to(real)
        first, second = real / "x.md", link / "x.md"
        code, out, err = score(answers_file, "--export", str(first), "--export", str(second))
        assert code == ExitCode.USAGE
        assert out == ""
        assert err == f"Error: --export: {second} and {first} are the same file\n"
        assert names(real) == []

    def test_a_relative_name_and_an_absolute_one_through_a_linked_folder(
        self, tmp_path: Path, answers_file: Path
    ) -> None:
        real, link = tmp_path / "a", tmp_path / "b"
        real.mkdir()
        link.symlink_to(real)
        code, _, err = score(
            answers_file, "--export", "x.md", "--export", str(link / "x.md"), cwd=real
        )
        assert code == ExitCode.USAGE
        assert err == f"Error: --export: {link / 'x.md'} and x.md are the same file\n"
        assert names(real) == []

    def test_dot_dot_after_a_linked_folder_is_followed_as_the_system_does(
        self, tmp_path: Path, answers_file: Path
    ) -> None:
        """`deep/../x.md`, where deep links to other/deep, is other/x.md: the same file as
        other/x.md, and another file than x.md (however the spelling looks)."""
        other = tmp_path / "other"
        (other / "deep").mkdir(parents=True)
        (tmp_path / "deep").symlink_to(other / "deep")
        code, _, err = score(
            answers_file, "--export", "other/x.md", "--export", "deep/../x.md", cwd=tmp_path
        )
        assert code == ExitCode.USAGE
        assert err == "Error: --export: deep/../x.md and other/x.md are the same file\n"
        assert names(other) == ["deep"]
        code, _, err = score(
            answers_file, "--export", "x.md", "--export", "deep/../x.md", cwd=tmp_path
        )
        assert (code, err) == (0, "")
        assert (tmp_path / "x.md").read_text(encoding="utf-8").startswith(TITLE)
        assert (other / "x.md").read_text(encoding="utf-8").startswith(TITLE)

    def test_the_same_name_spelled_with_dot_dot_is_given_twice(
        self, tmp_path: Path, answers_file: Path
    ) -> None:
        (tmp_path / "sub").mkdir()
        code, _, err = score(
            answers_file, "--export", "x.md", "--export", "sub/../x.md", cwd=tmp_path
        )
        assert code == ExitCode.USAGE
        assert err == "Error: --export: sub/../x.md is given twice\n"
        assert names(tmp_path) == ["in", "sub"]

    def test_two_hard_links_to_one_file_even_with_force(
        self, tmp_path: Path, answers_file: Path
    ) -> None:
        one, two = tmp_path / "one.md", tmp_path / "two.md"
        one.write_text("mine", encoding="utf-8")
        os.link(one, two)
        code, _, err = score(answers_file, "--export", str(one), "--export", str(two), "--force")
        assert code == ExitCode.USAGE
        assert err == f"Error: --export: {two} and {one} are the same file\n"
        assert one.read_text(encoding="utf-8") == "mine"
        assert one.samefile(two)

    @pytest.mark.parametrize(
        ("first", "second", "bad"),
        [("loop/x.md", "y.md", "loop/x.md"), ("x.md", "loop/../x.md", "loop/../x.md")],
        ids=["in-a-loop", "back-out-of-a-loop"],
    )
    def test_a_link_loop_on_the_way_is_one_line(
        self, tmp_path: Path, answers_file: Path, first: str, second: str, bad: str
    ) -> None:
        (tmp_path / "loop").symlink_to(tmp_path / "loop")
        code, out, err = score(answers_file, "--export", first, "--export", second, cwd=tmp_path)
        assert code == ExitCode.EXPORT
        assert out == ""
        assert err == f"Error: cannot save to {bad}: {os.strerror(errno.ELOOP)}\n"
        assert names(tmp_path) == ["in", "loop"]


class TestSavedPartWay:
    """Answers saved part-way follow the same rules: never over anything but a regular file."""

    @pytest.mark.parametrize("kind", list(NOT_FILES))
    def test_replacing_is_refused_even_when_the_person_said_yes(
        self, tmp_path: Path, bank: Bank, answers: Callable[..., Answers], kind: str
    ) -> None:
        from screener.files.answers import save_partial

        target, what = make_odd(tmp_path, kind, linked=True)
        with within(WRITE_TIME), pytest.raises(ExportError) as caught:
            save_partial(target, answers({"use_any": False}), bank, replace=True)
        assert caught.value.message == refusal(target, what)
        assert target.is_symlink()
        assert names(tmp_path) == ["null", "summary.md"]

    def test_a_typed_name_that_is_a_fifo_is_refused_and_asked_again(
        self, tmp_path: Path, bank: Bank
    ) -> None:
        from screener.flow import save_partial as _save_partial
        from screener.screens.interview import Interview

        pipe = tmp_path / "pipe.yaml"
        os.mkfifo(pipe)
        suggested = tmp_path / "screener-answers.yaml"
        screen = Screen("y", "y", "q", "y", "y", str(pipe), "")
        save = partial(_save_partial, bank=bank, persona=None)
        job = Interview(bank, screen.ask, screen.show, save=save, save_to=suggested)
        with within(WRITE_TIME), pytest.raises(Quit) as caught:
            job.run()
        shown = screen.after(6)
        assert shown.startswith(f"Not saved: {refusal(pipe, 'a FIFO')}")
        assert "--force" not in shown
        assert "saved in" in caught.value.message
        assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
        assert names(tmp_path) == ["pipe.yaml", "screener-answers.yaml"]

    def test_the_suggested_name_passes_over_a_fifo_or_a_broken_link(self, tmp_path: Path) -> None:
        from screener.files.answers import suggest_save_path

        day = date(2026, 11, 21)
        os.mkfifo(tmp_path / "screener-answers-2026-11-21.yaml")
        (tmp_path / "screener-answers-2026-11-21-2.yaml").symlink_to(tmp_path / "gone")
        assert suggest_save_path(tmp_path, day) == tmp_path / "screener-answers-2026-11-21-3.yaml"


class TestOddNames:
    """A name no file can have is one line, never a traceback."""

    def test_a_name_with_a_nul_is_one_line_before_and_at_write_time(self, tmp_path: Path) -> None:
        target = tmp_path / "a\0b.md"
        shown = str(target).replace("\0", "\\x00")  # escaped, as every name in a message
        expected = f"cannot save to {shown}: a file name cannot hold a NUL character"
        with pytest.raises(ExportError) as caught:
            check_target(target, force=False)
        assert caught.value.message == expected
        with pytest.raises(ExportError) as caught:
            write_private(target, TEXT)
        assert "\n" not in caught.value.message
        assert names(tmp_path) == []


# Names a person may type at a file-name prompt that no file can have, and the sentence each
# gets before the prompt comes again (issue 19): never a traceback, never the answers lost.
BAD_NAMES = {
    "300 characters": ("x" * 300, "the file name is too long"),
    "no such user": ("~nosuchuser/x", "there is no user ~nosuchuser on this computer"),
    "the root": ("/", "it is a folder; give a file name"),
    "the current folder": (".", "it is a folder; give a file name"),
    "a folder": ("folder", "it is a folder; give a file name"),
    "a folder and a slash": ("folder/", "it is a folder; give a file name"),
    "only a yes": ("yes.yaml", "is an answer, not a file name"),
    "only a Spanish yes": ("Sí", None),  # a yes: takes the name offered
    "only a no, with an ending": ("NO.html", "is an answer, not a file name"),
}


class TestTypedNames:
    """Every name typed at a file-name prompt is checked before anything is written: a bad one
    gets a sentence and the prompt again, with the answers kept."""

    @pytest.mark.parametrize(("typed", "said"), list(BAD_NAMES.values()), ids=list(BAD_NAMES))
    def test_at_the_part_way_save(
        self,
        tmp_path: Path,
        bank: Bank,
        monkeypatch: pytest.MonkeyPatch,
        typed: str,
        said: str | None,
    ) -> None:
        from screener.files.answers import read_answers
        from screener.flow import save_partial as _save_partial
        from screener.screens.interview import Interview

        monkeypatch.chdir(tmp_path)
        (tmp_path / "folder").mkdir()
        suggested = tmp_path / "screener-answers.yaml"
        screen = Screen("y", "y", "q", "y", "y", typed, "")
        save = partial(_save_partial, bank=bank, persona=None)
        job = Interview(bank, screen.ask, screen.show, save=save, save_to=suggested)
        with pytest.raises(Quit) as caught:
            job.run()
        if said is not None:
            shown = screen.after(6)
            assert shown.startswith("Not saved: ") and said in shown
            assert "Save to" in shown  # the question again
        assert "saved in" in caught.value.message
        kept, _warnings = read_answers(suggested, bank)
        assert dict(kept.values) == {"use_any": True}
        assert sorted(names(tmp_path)) == ["folder", "screener-answers.yaml"]

    @pytest.mark.parametrize(("typed", "said"), list(BAD_NAMES.values()), ids=list(BAD_NAMES))
    def test_at_the_summary_save(
        self,
        tmp_path: Path,
        bank: Bank,
        monkeypatch: pytest.MonkeyPatch,
        typed: str,
        said: str | None,
    ) -> None:
        from test_after import TODAY, Person

        from screener.core.scoring import score
        from screener.screens.after import AfterResult

        monkeypatch.chdir(tmp_path)
        (tmp_path / "folder").mkdir()
        answers = Answers(bank.id, bank.version, "self", {"use_any": False})
        person = Person("s", "", typed, "", "", "q")
        after = AfterResult(
            bank, answers, score(bank, answers), person.ask, person.show, tmp_path, TODAY
        )
        saved = after.run(person.console)
        if said is not None:
            assert said in person.text and "Not saved: " in person.text
        assert saved == [tmp_path / "screening-summary-2026-12-01.html"]
        assert sorted(names(tmp_path)) == ["folder", "screening-summary-2026-12-01.html"]
