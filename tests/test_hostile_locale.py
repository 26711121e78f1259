"""Any locale, any standard output: no command crashes on what it cannot encode or write."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pexpect
import pytest
import yaml
from conftest import bank_text, limited_env, popen_limited, run_limited
from test_cli import COMPLETE, COMPLETE_SUMMARY, WALK

from screener.files.bank import default_path

# Where a run's output goes to a terminal that cannot show everything. `PYTHONIOENCODING` is
# removed from the C locale so the locale alone decides (ascii); latin-1 keeps the locale and
# sets only the streams' encoding.
C_LOCALE = {
    "LC_ALL": "C",
    "PYTHONUTF8": "0",
    "PYTHONCOERCECLOCALE": "0",
    "PYTHONIOENCODING": None,
}
LATIN_1 = {"PYTHONIOENCODING": "latin-1"}
LOCALES = [
    pytest.param(C_LOCALE, "ascii", id="C locale"),
    pytest.param(LATIN_1, "latin-1", id="latin-1"),
]

# Typographic marks that neither ASCII nor latin-1 can hold, added to the bank's texts, and what a
# reader should see in their place.
MARKS = " \u2014 \u201cprivate\u201d \u2018offline\u2019 \u2026 \u2713 \u2717 \u2500"
MARKS_SHOWN = " - \"private\" 'offline' ... + x -"
CURLY = "\u2019"  # every apostrophe in the bank becomes this one
PROSE = {"text", "short", "why", "label", "title", "detail", "signs", "steps", "intro", "note"}
RESULT = "Your screening result"
NOT_A_DIAGNOSIS = "This is a screening, not a diagnosis."
CRAVING_END = "your thoughts keep going back to using."  # the craving question's last words
CAVEAT_END = "how severe it is."  # the end of that caveat, where MARKS are added
CLOSED_PIPE = "Error: standard output was closed before everything was written"
OUTPUT_FULL = "Error: cannot write to standard output: No space left on device"


def flat(text: str) -> str:
    return " ".join(text.split())


def curl(node: Any, key: str | None = None) -> Any:
    """`node` with every apostrophe in its prose made a curly one."""
    if isinstance(node, dict):
        return {k: curl(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [curl(v, key) for v in node]
    if isinstance(node, str) and key in PROSE:
        return node.replace("'", CURLY)
    return node


@pytest.fixture(scope="module")
def typographic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in bank, its id and version kept, written the way a word processor would:
    curly apostrophes throughout, and MARKS after the title, the emergency box's title, the
    first caveat and the craving question."""
    data = curl(yaml.safe_load(default_path().read_text(encoding="utf-8")))
    del data["languages"]  # its words are changed: English only, no Spanish file beside it
    data["title"] = {p: title + MARKS for p, title in data["title"].items()}  # per perspective
    data["emergency"]["title"] += MARKS
    data["caveats"][0]["text"] += MARKS
    for section in data["sections"]:
        for q in section["questions"]:
            if q["id"] == "craving":
                q["text"] += MARKS
    path = tmp_path_factory.mktemp("bank") / "typographic.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def complete(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("answers") / "answers.yaml"
    doc = {
        "format": "screener-answers/1",
        "bank": {"id": "oud-self-screen", "version": "3.0.0"},
        "perspective": "self",
        "answers": COMPLETE,
    }
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def readable(proc: subprocess.CompletedProcess[bytes], encoding: str, code: int = 0) -> str:
    """The run's standard output as text, after checking it ended as a person would want."""
    err = proc.stderr.decode(encoding, "replace")
    assert b"Traceback" not in proc.stdout + proc.stderr, err
    assert proc.returncode == code, err
    return proc.stdout.decode(encoding)  # strict: a byte the locale cannot read fails here


class TestEveryCommandInALocaleThatIsNotUtf8:
    """Text the terminal cannot show comes out as ASCII marks; nothing crashes."""

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    def test_a_piped_run_reaches_the_result_with_ascii_marks(
        self, typographic: Path, env: dict[str, str | None], encoding: str
    ) -> None:
        walk = "".join(f"{line}\n" for line in WALK)
        proc = run_limited(["--bank", str(typographic)], input=walk, env=env)
        out = flat(readable(proc, encoding))
        assert RESULT in out
        assert COMPLETE_SUMMARY in out
        assert NOT_A_DIAGNOSIS in out
        assert CAVEAT_END + MARKS_SHOWN in out
        assert "If someone may be overdosing" + MARKS_SHOWN in out
        assert "Call 911 now." in out
        assert "Can't be woken or can't stay awake" in out  # curly apostrophes, straightened
        assert "have you had strong urges or cravings to use?" in out

    def test_the_keys_line_uses_a_dash_where_ascii_has_no_middle_dot(self) -> None:
        proc = run_limited([], input="1\nn\n", env=C_LOCALE)
        out = readable(proc, "ascii")
        assert "b back - s skip - ? why we ask - ! emergency help - q quit" in out
        assert "Okay. Nothing was saved." in out

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    @pytest.mark.parametrize("plain", [[], ["--plain"]], ids=["boxes", "plain"])
    def test_the_on_screen_score_shows_the_result_and_the_emergency_steps(
        self,
        typographic: Path,
        complete: Path,
        env: dict[str, str | None],
        encoding: str,
        plain: list[str],
    ) -> None:
        args = ["score", str(complete), "--bank", str(typographic), *plain]
        out = flat(readable(run_limited(args, env=env), encoding))
        assert COMPLETE_SUMMARY in out
        assert NOT_A_DIAGNOSIS in out
        assert CAVEAT_END + MARKS_SHOWN in out
        assert "Call 911 now." in out
        assert "1-800-662-4357" in out

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    @pytest.mark.parametrize("plain", [[], ["--plain"]], ids=["boxes", "plain"])
    def test_questions_lists_every_question_with_ascii_marks(
        self, typographic: Path, env: dict[str, str | None], encoding: str, plain: list[str]
    ) -> None:
        args = ["questions", "--bank", str(typographic), *plain]
        out = flat(readable(run_limited(args, env=env), encoding))
        assert "Opioid use self-screening" + MARKS_SHOWN in out
        assert "have you had strong urges or cravings to use?" in out
        assert "[ctx_pregnant]" in out

    @pytest.mark.parametrize(
        ("env", "encoding", "shown"),
        [
            pytest.param(C_LOCALE, "ascii", "Depistage - opioides", id="C locale"),
            pytest.param(LATIN_1, "latin-1", "D\u00e9pistage - opio\u00efdes", id="latin-1"),
        ],
    )
    def test_an_accented_letter_the_locale_lacks_keeps_its_letter(
        self, tmp_path: Path, env: dict[str, str | None], encoding: str, shown: str
    ) -> None:
        data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
        data["title"] = "D\u00e9pistage \u2014 opio\u00efdes"
        path = tmp_path / "bank.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out = readable(run_limited(["questions", "--bank", str(path)], env=env), encoding)
        assert shown in out

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    @pytest.mark.parametrize("form", ["--json", "--fhir"])
    def test_json_of_the_bank_escapes_what_the_locale_cannot_hold_and_loses_nothing(
        self, typographic: Path, env: dict[str, str | None], encoding: str, form: str
    ) -> None:
        proc = run_limited(["questions", form, "--bank", str(typographic)], env=env)
        data = json.loads(readable(proc, "ascii"))  # ASCII whatever the locale: always UTF-8
        title = data["bank"]["title"] if form == "--json" else data["title"]
        assert title == "Opioid use self-screening" + MARKS

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    def test_score_json_and_csv_stay_valid(
        self, typographic: Path, complete: Path, env: dict[str, str | None], encoding: str
    ) -> None:
        base = ["score", str(complete), "--bank", str(typographic)]
        result = json.loads(readable(run_limited([*base, "--json"], env=env), encoding))
        assert result["severity"] == "severe"
        rows = readable(run_limited([*base, "--csv"], env=env), encoding).splitlines()
        assert rows[0].startswith("file,date,bank_version,severity")
        assert ",severe,6,6," in rows[1]

    def test_a_csv_file_column_keeps_a_file_name_byte_for_byte_in_the_c_locale(
        self, tmp_path: Path, complete: Path
    ) -> None:
        named = tmp_path / "r\u00e9ponses.yaml"
        named.write_bytes(complete.read_bytes())
        proc = run_limited(["score", "--csv", str(named)], env=C_LOCALE)
        assert proc.returncode == 0, proc.stderr
        assert b"Traceback" not in proc.stderr
        assert os.fsencode(named) + b",," in proc.stdout

    def test_a_csv_cell_the_locale_cannot_hold_gets_a_question_mark(
        self, tmp_path: Path, complete: Path
    ) -> None:
        doc = yaml.safe_load(complete.read_text(encoding="utf-8"))
        doc["bank"]["version"] = "3.0.0\u2011\u03b2"  # a non-breaking hyphen and a beta
        path = tmp_path / "beta.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        proc = run_limited(["score", "--csv", str(path)], env=C_LOCALE)
        rows = readable(proc, "ascii").splitlines()
        assert ",3.0.0-?,severe," in rows[1]
        assert "Warning:" in proc.stderr.decode("ascii")

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    def test_validate_names_a_bank_whose_folder_the_locale_cannot_spell(
        self, tmp_path: Path, typographic: Path, env: dict[str, str | None], encoding: str
    ) -> None:
        folder = tmp_path / "\u0141\u00f3d\u017a"  # Łódź
        folder.mkdir()
        bank = folder / "bank.yaml"
        bank.write_bytes(typographic.read_bytes())
        proc = run_limited(["validate", str(bank)], env=env)
        assert b"Traceback" not in proc.stdout + proc.stderr, proc.stderr
        assert proc.returncode == 0, proc.stderr
        # The path is written back as given in the C locale, with ? in latin-1 for the letters
        # it lacks: the rest of the line is ASCII either way.
        assert "OK: bank oud-self-screen version 3.0.0" in proc.stdout.decode(encoding, "replace")

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    @pytest.mark.parametrize(
        ("args", "stdin"),
        [([], None), (["--step"], "\n" * 80)],
        ids=["paced", "step"],
    )
    def test_a_played_demo_reaches_its_result(
        self,
        typographic: Path,
        env: dict[str, str | None],
        encoding: str,
        args: list[str],
        stdin: str | None,
    ) -> None:
        proc = run_limited(
            ["demo", "riley", "--bank", str(typographic), *args], input=stdin, env=env
        )
        out = flat(readable(proc, encoding))
        assert "DEMO: fictional answers" in out
        assert "9 of 11 criteria: a pattern consistent with severe opioid use disorder" in out
        assert CRAVING_END + MARKS_SHOWN in out

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    def test_the_demo_list_and_its_json_stay_readable(
        self, typographic: Path, env: dict[str, str | None], encoding: str
    ) -> None:
        out = flat(readable(run_limited(["demo", "--bank", str(typographic)], env=env), encoding))
        assert "riley" in out
        listed = readable(run_limited(["demo", "--json"], env=env), "ascii")
        assert {p["name"] for p in json.loads(listed)} >= {"dana", "riley"}

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    @pytest.mark.parametrize("key", [[], ["craving"]], ids=["all rules", "one criterion"])
    def test_explain_shows_the_criterion_with_ascii_marks(
        self, typographic: Path, env: dict[str, str | None], encoding: str, key: list[str]
    ) -> None:
        proc = run_limited(["explain", *key, "--bank", str(typographic)], env=env)
        out = flat(readable(proc, encoding))
        assert CRAVING_END + MARKS_SHOWN in out

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    def test_help_lists_the_commands(self, env: dict[str, str | None], encoding: str) -> None:
        out = readable(run_limited(["--help"], env=env), encoding)
        assert "Usage: screener" in out
        assert "questions" in out

    @pytest.mark.parametrize(("env", "encoding"), LOCALES)
    @pytest.mark.parametrize(
        ("args", "code", "says"),
        [
            (["score", "r\u00e9ponses-\u0141\u00f3d\u017a.yaml"], 4, "no such answers file"),
            (["explain", "cr\u00e4ving"], 2, "Error:"),
            (["demo", "r\u00efley"], 2, "Error:"),
            (["questions", "--bank", "b\u00e4nk.yaml"], 3, "Error:"),
            (["fr\u00f6bnicate"], 2, "No such command"),
        ],
        ids=["missing file", "unknown criterion", "unknown persona", "missing bank", "usage"],
    )
    def test_an_error_is_one_readable_line_and_its_exit_code(
        self,
        env: dict[str, str | None],
        encoding: str,
        args: list[str],
        code: int,
        says: str,
    ) -> None:
        proc = run_limited(args, env=env)
        readable(proc, encoding, code)
        err = proc.stderr.decode(encoding, "replace")
        assert says in err
        assert "Traceback" not in err
        assert "UnicodeEncodeError" not in err


class TestStrayBytesOnInput:
    """A byte the locale cannot read is an answer that does not fit, never a crash."""

    @pytest.mark.parametrize("encoding", ["ascii", "utf-8"])
    def test_a_stray_byte_is_asked_again_and_the_run_carries_on(self, encoding: str) -> None:
        lines = [*WALK[:2], "\udcff\udcfe", *WALK[2:]]
        data = "".join(f"{line}\n" for line in lines).encode("utf-8", "surrogateescape")
        proc = run_limited([], input=data, env={"PYTHONIOENCODING": encoding})
        assert b"Traceback" not in proc.stdout + proc.stderr, proc.stderr
        assert proc.returncode == 0, proc.stderr
        out = flat(proc.stdout.decode("utf-8", "replace"))
        assert "is not an answer here" in out
        assert COMPLETE_SUMMARY in out

    def test_a_written_answer_in_the_c_locale_is_saved_as_typed(self, tmp_path: Path) -> None:
        def with_notes(bank: dict[str, Any]) -> None:
            bank["sections"][-1]["questions"].append(
                {"id": "notes", "kind": "text", "text": "Anything else?", "source": ["dsm5"]}
            )

        path = tmp_path / "bank.yaml"
        path.write_text(bank_text(with_notes), encoding="utf-8")
        # Yes to use, heroin, not prescribed, no to the 11 criteria, 0 and 0, not alone; then
        # a note typed on a UTF-8 terminal, with one stray byte that is not UTF-8 at all.
        typed = b"y\n1\nn\n" + b"n\n" * 11 + b"0\n0\nn\n" + "café ".encode() + b"\xff\n"
        summary = tmp_path / "summary.md"
        args = ["--bank", str(path), "--export", str(summary)]
        proc = run_limited(args, input=typed, env=C_LOCALE, cwd=tmp_path)
        assert b"Traceback" not in proc.stdout + proc.stderr, proc.stderr
        assert proc.returncode == 0, proc.stderr
        assert "café \ufffd" in summary.read_text(encoding="utf-8")


class TestInteractiveInTheCLocale:
    """A person at a terminal whose locale is C answers every question and sees the result."""

    def test_a_whole_run_on_a_terminal_in_the_c_locale_reaches_the_result(
        self, tmp_path: Path
    ) -> None:
        env = limited_env({**C_LOCALE, "HOME": str(tmp_path), "TERM": "dumb", "NO_COLOR": "1"})
        child = pexpect.spawn(
            sys.executable,
            ["-m", "screener"],
            cwd=str(tmp_path),
            env=env,
            dimensions=(40, 100),
            encoding="ascii",  # a byte outside ASCII fails the test
            timeout=60,
        )
        log = io.StringIO()
        child.logfile_read = log
        try:
            for reply in WALK:
                child.expect_exact("> ")
                child.sendline(reply)
            child.expect(r"6\s+of\s+11\s+criteria:")
            child.expect_exact("Enter: next - s: save - !: emergency - q: leave")  # the reader
            child.expect_exact("> ")
            child.sendline("q")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        transcript = log.getvalue()
        assert child.exitstatus == 0
        assert "b back - s skip - ? why we ask" in transcript
        assert "not a diagnosis" in flat(transcript)
        assert "Traceback" not in transcript


FULL = Path("/dev/full")  # every write to it fails with "No space left on device"


@pytest.fixture
def full() -> Iterator[IO[bytes]]:
    """/dev/full, open for writing."""
    with FULL.open("wb") as device:
        yield device


@pytest.fixture
def closed_pipe() -> Iterator[int]:
    """The writing end of a pipe whose reader has already gone, as after `| head -1`."""
    read, write = os.pipe()
    os.close(read)
    yield write
    with contextlib.suppress(OSError):
        os.close(write)


def answers_walk() -> str:
    return "".join(f"{line}\n" for line in WALK)


# Each command and its piped input: together they write every way screener writes to stdout
# (Rich consoles, print, sys.stdout.write, the caseload writer, the help).
WRITERS = [
    pytest.param(["questions", "--json"], None, id="questions --json"),
    pytest.param(["questions"], None, id="questions"),
    pytest.param(["questions", "--fhir"], None, id="questions --fhir"),
    pytest.param(["run"], answers_walk(), id="run"),
    pytest.param(["score", "{complete}", "--json"], None, id="score --json"),
    pytest.param(["score", "{complete}"], None, id="score"),
    pytest.param(["score", "{complete}", "--export", "-"], None, id="score --export -"),
    pytest.param(["score", "--csv", "{complete}"], None, id="score --csv"),
    pytest.param(["validate"], None, id="validate"),
    pytest.param(["demo", "riley"], None, id="demo"),
    pytest.param(["explain"], None, id="explain"),
    pytest.param(["--help"], None, id="help"),
    pytest.param(["--version"], None, id="version"),
]


# How Python buffers stdout: as for anyone running screener, and with PYTHONUNBUFFERED set (as it
# may be where these tests run), where every write goes straight to the file.
BUFFERING = [
    pytest.param({"PYTHONUNBUFFERED": None}, id="buffered"),
    pytest.param({"PYTHONUNBUFFERED": "1"}, id="unbuffered"),
]
AS_USUAL = {"PYTHONUNBUFFERED": None}


def filled(args: list[str], complete: Path) -> list[str]:
    return [a.replace("{complete}", str(complete)) for a in args]


class TestOutputThatCannotBeWritten:
    """A full disk or a closed pipe on stdout is exit code 6, never a traceback."""

    @pytest.mark.parametrize("env", BUFFERING)
    @pytest.mark.parametrize(("args", "stdin"), WRITERS)
    def test_a_full_disk_is_one_line_and_exit_6(
        self,
        full: IO[bytes],
        complete: Path,
        args: list[str],
        stdin: str | None,
        env: dict[str, str | None],
    ) -> None:
        proc = run_limited(filled(args, complete), input=stdin, stdout=full, env=env)
        err = proc.stderr.decode("utf-8", "replace")
        assert err.splitlines() == [OUTPUT_FULL]
        assert proc.returncode == 6

    @pytest.mark.parametrize("env", BUFFERING)
    @pytest.mark.parametrize(("args", "stdin"), WRITERS)
    def test_a_closed_pipe_is_exit_6_and_one_line(
        self,
        closed_pipe: int,
        complete: Path,
        args: list[str],
        stdin: str | None,
        env: dict[str, str | None],
    ) -> None:
        proc = run_limited(filled(args, complete), input=stdin, stdout=closed_pipe, env=env)
        # One line: no traceback, no "Exception ignored", no BrokenPipeError, no "you left".
        assert proc.stderr.decode().splitlines() == [CLOSED_PIPE]
        assert proc.returncode == 6

    @pytest.mark.parametrize("args", [["questions", "--json"], ["questions"], ["explain"]])
    def test_a_reader_that_stops_after_one_line_ends_the_run_with_6(self, args: list[str]) -> None:
        proc = popen_limited(args, env=AS_USUAL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        # A pipe smaller than the output: the writer is still writing when the reader leaves.
        fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, 4096)
        first = proc.stdout.readline()
        proc.stdout.close()
        try:
            code = proc.wait(timeout=30)
        finally:
            proc.kill()
        err = proc.stderr.read()
        proc.stderr.close()
        assert first.strip()
        assert err.decode().splitlines() == [CLOSED_PIPE]
        assert code == 6

    def test_a_full_disk_on_stderr_keeps_the_exit_code_of_the_error_it_could_not_show(
        self, full: IO[bytes]
    ) -> None:
        proc = run_limited(["score", "missing.yaml"], stderr=full)
        assert proc.returncode == 4
        assert proc.stdout == b""

    def test_a_full_disk_on_stderr_does_not_stop_a_run_that_writes_to_stdout(
        self, full: IO[bytes], tmp_path: Path, complete: Path
    ) -> None:
        doc = yaml.safe_load(complete.read_text(encoding="utf-8"))
        doc["bank"]["version"] = "0.9.0"  # a warning on stderr, then the result on stdout
        older = tmp_path / "older.yaml"
        older.write_text(yaml.safe_dump(doc), encoding="utf-8")
        proc = run_limited(["score", str(older)], stderr=full)
        assert proc.returncode == 0
        assert COMPLETE_SUMMARY in flat(proc.stdout.decode("utf-8"))

    def test_both_streams_full_is_exit_6_in_silence(self, complete: Path) -> None:
        with FULL.open("wb") as out, FULL.open("wb") as err:
            proc = run_limited(["questions"], stdout=out, stderr=err)
        assert proc.returncode == 6


CLOSED_OUTPUT = "Error: standard output is closed: nothing could be shown"
CLOSED_INPUT = "Error: standard input is closed: nothing can be typed or piped in"


class TestStreamsClosedBeforeTheStart:
    """`>&-` and `<&-`: Python gives None for the stream; one line and exit 6, never a
    traceback, and never exit 0 with the output lost."""

    @pytest.mark.parametrize(("args", "stdin"), WRITERS)
    def test_a_closed_stdout_is_one_line_and_exit_6(
        self, complete: Path, args: list[str], stdin: str | None
    ) -> None:
        proc = run_limited(filled(args, complete), input=stdin, closed=[1])
        assert proc.stderr.decode().splitlines() == [CLOSED_OUTPUT]
        assert proc.returncode == 6

    @pytest.mark.parametrize(
        "args",
        [
            ["score", "{complete}", "--export", "{out}"],
            ["score", "--csv", "{complete}", "{complete}"],
            ["schema"],
            ["run"],
        ],
    )
    def test_nothing_is_written_when_the_result_cannot_be_shown(
        self, complete: Path, tmp_path: Path, args: list[str]
    ) -> None:
        out = tmp_path / "o.md"
        argv = [a.replace("{out}", str(out)) for a in filled(args, complete)]
        proc = run_limited(argv, input=answers_walk(), closed=[1])
        assert proc.stderr.decode().splitlines() == [CLOSED_OUTPUT]
        assert proc.returncode == 6
        assert not out.exists()

    @pytest.mark.parametrize("args", [["run"], ["demo", "riley", "--step"]])
    def test_a_closed_stdin_where_answers_are_read_is_one_line_and_exit_6(
        self, args: list[str]
    ) -> None:
        proc = run_limited(args, closed=[0])
        assert proc.stderr.decode().splitlines() == [CLOSED_INPUT]
        assert proc.returncode == 6

    def test_a_closed_stdin_does_not_matter_where_nothing_is_read(self, complete: Path) -> None:
        proc = run_limited(["score", str(complete)], closed=[0])
        assert proc.returncode == 0, proc.stderr
        assert COMPLETE_SUMMARY in flat(proc.stdout.decode("utf-8"))

    @pytest.mark.parametrize(("args", "code"), [(["score", "{complete}"], 6), (["schema"], 6)])
    def test_both_closed_is_the_exit_code_in_silence(
        self, complete: Path, args: list[str], code: int
    ) -> None:
        proc = run_limited(filled(args, complete), closed=[1, 2])
        assert proc.returncode == code

    def test_a_closed_stderr_keeps_the_exit_code_of_the_error_it_could_not_show(self) -> None:
        proc = run_limited(["score", "missing.yaml"], closed=[2])
        assert proc.returncode == 4
        assert proc.stdout == b""


class TestScreenSizeSettings:
    """COLUMNS and LINES too small to show anything, or no number at all, are ignored."""

    @pytest.mark.parametrize("columns", ["0", "1", "19", "-5", "\u00b2", "abc", "99999999"])
    def test_a_screen_too_small_or_no_number_is_ignored(self, columns: str) -> None:
        proc = run_limited(["explain"], env={"COLUMNS": columns, "LINES": "0"})
        assert proc.returncode == 0
        out = proc.stdout.decode("utf-8")
        assert "How the screening reaches a result" in out
        assert max(len(line) for line in out.splitlines()) == 80

    def test_a_run_with_columns_0_still_shows_the_first_question(self) -> None:
        proc = run_limited(["run"], input="", env={"COLUMNS": "0", "LINES": "0"})
        assert "Who is this screening about?" in proc.stdout.decode("utf-8")

    def test_a_narrow_screen_that_is_sane_is_kept(self) -> None:
        proc = run_limited(["explain"], env={"COLUMNS": "40"})
        lines = proc.stdout.decode("utf-8").splitlines()
        assert max(len(line) for line in lines) == 40


class TestExportToStdoutInAnyLocale:
    """`--export -` writes the summary as the file would hold it: UTF-8, whatever the locale."""

    def test_a_summary_on_stdout_keeps_its_typographic_marks_in_the_c_locale(
        self, typographic: Path, complete: Path
    ) -> None:
        args = ["score", str(complete), "--bank", str(typographic), "--export", "-"]
        proc = run_limited(args, env=C_LOCALE)
        out = readable(proc, "utf-8")
        assert CAVEAT_END + MARKS in flat(out)
        assert re.search(r"^# ", out, re.MULTILINE)
