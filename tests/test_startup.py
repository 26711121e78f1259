"""What start-up loads, held as import sets (never timings): the first screen and
`score FILE --json` load none of the modules their path does not use, so a trim made for
start-up time cannot come back unnoticed. And the garbage collector, held off while screener
starts, runs again once a person is asked to type, or a caseload begins, and is left as it was
found when a run ends."""

from __future__ import annotations

import gc
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

# Loaded by neither the first screen nor `score FILE --json`, whatever the language; each for
# the reason given. A name stands for the module and everything under it.
NEVER_AT_START = (
    "yaml",  # the built-in bank is read from its prepared form
    "screener.files.bank",  # the YAML bank reader, likewise
    "screener.exports",  # no --export asked: no plan to check, nothing to write
    "screener.summaries",  # no summary is written
    "rich.table",  # the first screen draws its choices without a table
    "tempfile",  # nothing is written
)
# The first screen reads no file of answers (nothing is carried on from), so it loads none of
# the readers; a file for answers saved part-way is offered by files.safefile alone.
NOT_ON_THE_FIRST_SCREEN = (
    *NEVER_AT_START,
    "screener.files.answers",
    "screener.files.located",
    "screener.files.readfile",
    "screener.files.problems",
    "screener.core.scoring",  # nothing is scored before the first question
    "screener.core.results",  # nor are answers made: the records are loaded when they are
    "rich.panel",  # the first screen draws no box: boxes are loaded where one is drawn
    "rich.box",
)
# The first screen names the command to start again (`python -m screener` here): shlex is
# loaded only to quote a path that needs it, which this interpreter's path does not.
if shlex.quote(sys.executable) == sys.executable:
    NOT_ON_THE_FIRST_SCREEN += ("shlex",)

# Runs screener at a terminal; when it first waits for a line, says on the terminal which of
# the modules named in argv[1] are loaded by then, and whether the collector runs.
AT_THE_PROMPT = """
import builtins, gc, json, sys
names = sys.argv[1].split(",")
line = builtins.input

def watched(prompt=""):
    loaded = sorted(m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in names))
    print("LOADED:", json.dumps(loaded), "COLLECTING:", gc.isenabled(), flush=True)
    return line(prompt)

builtins.input = watched
from screener.launch import main
main(sys.argv[2:])
"""

# Runs screener to its end, then says on stderr which of the modules named in argv[1] it loaded.
AT_EXIT = """
import atexit, json, sys
names = sys.argv[1].split(",")

def said():
    loaded = sorted(m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in names))
    print("LOADED:", json.dumps(loaded), file=sys.stderr)

atexit.register(said)
from screener.launch import main
main(sys.argv[2:])
"""


def terminal_env(lang: str, home: Path) -> dict[str, str]:
    env = {**os.environ, "LANG": lang, "TERM": "dumb", "NO_COLOR": "1", "HOME": str(home)}
    for name in ("LC_ALL", "LANGUAGE", "LC_MESSAGES"):
        env.pop(name, None)
    return env


def at_the_prompt(names: tuple[str, ...], lang: str, home: Path) -> tuple[list[str], bool]:
    """(the modules of `names` loaded, whether the collector runs) as the first screen waits
    for its first answer."""
    child = pexpect.spawn(
        sys.executable, ["-c", AT_THE_PROMPT, ",".join(names)], env=terminal_env(lang, home),
        dimensions=(40, 100), encoding="utf-8", timeout=60,
    )  # fmt: skip
    try:
        child.expect_exact("> ")
        child.expect(r"LOADED: (\[.*?\]) COLLECTING: (True|False)")
        loaded, collecting = child.match.group(1), child.match.group(2)
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return json.loads(loaded), collecting == "True"


def answers_file(folder: Path) -> Path:
    path = folder / "a.json"
    doc = {
        "format": "screener-answers/1",
        "bank": {"id": "oud-self-screen", "version": "3.0.0"},
        "perspective": "self",
        "answers": {"use_any": False},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


class TestTheFirstScreen:
    """`screener` at a terminal, to its first question."""

    @pytest.mark.parametrize("lang", ["C.UTF-8", "es_MX.UTF-8"])
    def test_loads_nothing_it_does_not_use(self, lang: str, tmp_path: Path) -> None:
        loaded, _collecting = at_the_prompt(NOT_ON_THE_FIRST_SCREEN, lang, tmp_path)
        assert loaded == []

    def test_the_collector_runs_once_a_person_is_asked_to_type(self, tmp_path: Path) -> None:
        _loaded, collecting = at_the_prompt(("yaml",), "C.UTF-8", tmp_path)
        assert collecting


class TestScoringOneFile:
    """`screener score FILE --json`: the answers read, scored and printed as JSON."""

    def test_loads_nothing_it_does_not_use(self, tmp_path: Path) -> None:
        answers = answers_file(tmp_path)
        done = subprocess.run(
            [sys.executable, "-c", AT_EXIT, ",".join(NEVER_AT_START), "score", str(answers),
             "--json"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "LOADED: []" in done.stderr


class TestTheCollector:
    """Held off while screener starts; left as it was found."""

    def run(self, argv: list[str], capsys: pytest.CaptureFixture[str]) -> int | str | None:
        from screener.launch import main

        try:
            with pytest.raises(SystemExit) as done:
                main(argv)
        finally:
            gc.unfreeze()  # a run freezes what it leaves, for its exit: not this test process's
        capsys.readouterr()
        return done.value.code

    @pytest.mark.parametrize("before", [True, False])
    def test_a_run_leaves_it_as_it_found_it(
        self, before: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        answers = answers_file(tmp_path)
        was = gc.isenabled()
        try:
            if not before:
                gc.disable()
            assert self.run(["score", str(answers), "--json"], capsys) == 0
            assert gc.isenabled() is before
            assert self.run(["score", str(tmp_path / "missing.json"), "--json"], capsys) != 0
            assert gc.isenabled() is before
        finally:
            if was:
                gc.enable()

    def test_it_runs_while_a_caseload_is_scored(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from screener import api

        scoring = api.score_caseload
        seen: list[bool] = []

        def watched(*args: object, **kwargs: object) -> tuple[int, int]:
            seen.append(gc.isenabled())
            return scoring(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(api, "score_caseload", watched)
        answers = answers_file(tmp_path)
        assert gc.isenabled()
        assert self.run(["score", "--csv", str(answers), str(answers)], capsys) == 0
        assert seen == [True]


class TestACaseload:
    """`screener score --csv FILE...`: a caseload's plain command line runs without Typer."""

    def test_loads_no_typer_and_no_rich(self, tmp_path: Path) -> None:
        answers = answers_file(tmp_path)
        names = ",".join([*NEVER_AT_START[:2], "typer", "click", "rich"])
        done = subprocess.run(
            [sys.executable, "-c", AT_EXIT, names, "score", "--csv", str(answers), str(answers)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("\n") == 3  # the header and two rows
        assert "LOADED: []" in done.stderr
