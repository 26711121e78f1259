"""A caseload survives its worst file: one that hangs, crashes or eats memory costs only itself."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run_limited, start_limited
from test_cli import COMPLETE, write_answers

DRIVER = Path(__file__).with_name("caseload_driver.py")
SECONDS = 1  # the per-file time bound in these tests
MEMORY_MIB = 64  # the per-file memory bound in these tests

# What each kind of bad file does to its reader (see caseload_driver.py), and the reason given.
REASONS = {
    "HANG": f"it took longer than {SECONDS} s",
    "CRASH": f"the worker stopped unexpectedly (signal {signal.SIGSEGV.value})",
    "OOM": f"it needed more than {MEMORY_MIB} MiB of memory",
    "BUG": "screener failed on it (RecursionError)",
}
FORMS = {"csv": ["--csv"], "json": ["--json"], "lines": []}


def caseload(folder: Path, size: int, bad: dict[int, str]) -> list[Path]:
    """`size` copies of one good answers file, with the file at each index of `bad` named for
    the kind of trouble its reader gets into (its content is just as good)."""
    text = write_answers(folder / "good.yaml", COMPLETE).read_bytes()
    paths = []
    for i in range(size):
        path = folder / (f"{bad[i]}-{i:04}.yaml" if i in bad else f"person-{i:04}.yaml")
        path.write_bytes(text)
        paths.append(path)
    return paths


def screener(*args: str) -> list[str]:
    """The driver's command line for `screener ARGS` with this module's bounds."""
    return [str(SECONDS), str(MEMORY_MIB), *args]


def scored_files(form: str, stdout: str) -> list[str]:
    """The files that made it into the output, in output order."""
    if form == "csv":
        return [row["file"] for row in csv.DictReader(io.StringIO(stdout))]
    if form == "json":
        return [entry["file"] for entry in json.loads(stdout)]
    return [line.split(": ", 1)[0] for line in stdout.splitlines()]


def assert_only_bad_ones_missing(
    done: subprocess.CompletedProcess[bytes], form: str, paths: list[Path], bad: dict[int, str]
) -> None:
    """Exit code 4; every good file scored, in order; each bad one named once with its reason;
    then the summary line, and nothing else (no traceback, no worker left behind)."""
    stdout, stderr = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 4, stderr
    good = [str(p) for i, p in enumerate(paths) if i not in bad]
    assert scored_files(form, stdout) == good
    assert stderr.splitlines() == [
        *(f"Error: {paths[i]}: could not be scored: {REASONS[bad[i]]}" for i in sorted(bad)),
        f"{len(bad)} of {len(paths)} files could not be scored (listed above); the others were.",
    ]


class TestASmallCaseload:
    @pytest.mark.parametrize("form", FORMS)
    @pytest.mark.parametrize("kind", REASONS)
    def test_a_file_that_hangs_crashes_eats_memory_or_trips_a_bug_is_named_and_the_rest_scored(
        self, tmp_path: Path, kind: str, form: str
    ) -> None:
        bad = {1: kind}
        paths = caseload(tmp_path, 3, bad)
        done = run_limited(screener("score", *FORMS[form], *map(str, paths)), program=[str(DRIVER)])
        assert_only_bad_ones_missing(done, form, paths, bad)

    @pytest.mark.parametrize("form", FORMS)
    def test_a_reader_that_prints_cannot_garble_the_output(self, tmp_path: Path, form: str) -> None:
        paths = caseload(tmp_path, 3, {1: "NOISY"})
        done = run_limited(screener("score", *FORMS[form], *map(str, paths)), program=[str(DRIVER)])
        assert (done.returncode, done.stderr.decode()) == (0, "")
        assert scored_files(form, done.stdout.decode()) == list(map(str, paths))


class TestALargeCaseload:
    """Over 500 files (where screener once turned to a pool of processes)."""

    @pytest.mark.parametrize("kind", REASONS)
    def test_one_bad_file_costs_only_itself(self, tmp_path: Path, kind: str) -> None:
        bad = {100: kind}  # in the middle of whatever share a worker is given
        paths = caseload(tmp_path, 600, bad)
        done = run_limited(screener("score", "--csv", *map(str, paths)), program=[str(DRIVER)])
        assert_only_bad_ones_missing(done, "csv", paths, bad)

    @pytest.mark.parametrize("form", FORMS)
    def test_several_bad_files_are_each_named_once_in_the_order_given(
        self, tmp_path: Path, form: str
    ) -> None:
        bad = {0: "CRASH", 70: "HANG", 71: "OOM", 450: "BUG", 599: "CRASH"}
        paths = caseload(tmp_path, 600, bad)
        done = run_limited(screener("score", *FORMS[form], *map(str, paths)), program=[str(DRIVER)])
        assert_only_bad_ones_missing(done, form, paths, bad)


def wait_for(path: Path, proc: subprocess.Popen[bytes]) -> int:
    """The process id a hostile reader wrote to `path`, once it has (the test fails if the
    command ends first or it takes far too long)."""
    for _ in range(1000):
        if path.exists() and path.read_text():
            return int(path.read_text())
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.kill()
    _, err = proc.communicate()
    pytest.fail(f"the reader never started on {path.name}: {err.decode()}")


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("screener did not end")
    return proc.returncode, out.decode(), err.decode()


def gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # a zombie left to whoever adopts it: the driver says so


class TestStoppingAndPausing:
    @pytest.mark.parametrize("whole_job", [True, False], ids=["to the job", "to screener"])
    def test_ctrl_c_while_a_file_hangs_stops_at_once_and_leaves_no_worker_behind(
        self, tmp_path: Path, whole_job: bool
    ) -> None:
        paths = caseload(tmp_path, 3, {1: "HANG"})
        # A long time bound: Ctrl-C, not the bound, must be what ends the run.
        args = ["30", str(MEMORY_MIB), "score", "--csv", *map(str, paths)]
        proc = start_limited(args, program=[str(DRIVER)])
        worker = wait_for(paths[1].with_name(paths[1].name + ".pid"), proc)
        if whole_job:  # what Ctrl-C at a terminal does
            os.killpg(proc.pid, signal.SIGINT)
        else:  # what kill -INT does
            os.kill(proc.pid, signal.SIGINT)
        code, _, err = finish(proc)
        assert (code, err) == (130, "Stopped. Nothing was saved.\n")
        assert gone(worker)

    def test_a_caseload_paused_with_ctrl_z_is_not_held_to_time_it_spent_stopped(
        self, tmp_path: Path
    ) -> None:
        paths = caseload(tmp_path, 3, {1: "WAIT"})
        proc = start_limited(screener("score", "--csv", *map(str, paths)), program=[str(DRIVER)])
        wait_for(paths[1].with_name(paths[1].name + ".pid"), proc)
        # SIGSTOP, not Ctrl-Z's SIGTSTP: a job without a terminal would ignore SIGTSTP.
        os.killpg(proc.pid, signal.SIGSTOP)
        time.sleep(SECONDS * 2.5)
        (tmp_path / "go").touch()  # the file is done as soon as its reader looks again
        os.killpg(proc.pid, signal.SIGCONT)
        code, out, err = finish(proc)
        assert (code, err) == (0, "")
        assert scored_files("csv", out) == list(map(str, paths))


def test_the_docs_give_the_bounds_screener_applies() -> None:
    from screener.summaries import caseload as module

    readme = (Path(__file__).parents[1] / "docs" / "caseload.md").read_text(encoding="utf-8")
    assert f"held to two bounds: {module.FILE_SECONDS:g} seconds," in readme
    assert f"and {module.FILE_MEMORY_MIB} MiB of memory beyond" in readme


def merge_bomb() -> str:
    """Empty mappings merged ten times a level: under 800 bytes, 10**11 merges unbounded."""
    lines = ["a0: &a0 {}"]
    lines += [f"a{i}: &a{i} {{<<: [{', '.join([f'*a{i - 1}'] * 10)}]}}" for i in range(1, 12)]
    return "\n".join(lines) + "\n"


def reverse_problems(size: int) -> str:
    """An answers file whose merges list `size` unknown questions last line first."""
    lines = ["format: screener-answers/1", "bank: {id: oud-self-screen, version: '2.0.0'}"]
    lines += ["defs:", *(f"  - &k{i} {{not_a_question_{i}: 1}}" for i in range(size))]
    lines += ["answers:", "  <<: [" + ", ".join(f"*k{i}" for i in reversed(range(size))) + "]"]
    return "\n".join(lines) + "\n"


class TestOneFileOfEachHostileKind:
    """The real command, no stand-in driver: a file of each hostile kind among good ones."""

    def test_every_good_file_is_scored_and_every_bad_one_named_with_exit_4(
        self, unreadable: Any, tmp_path: Path
    ) -> None:
        good_text = write_answers(tmp_path / "good.yaml", COMPLETE).read_text(encoding="utf-8")
        locked = unreadable("locked.yaml", good_text)  # mode 000, read as a user who is not root
        folder = locked.parent
        bad_texts = {
            "merge-bomb.yaml": merge_bomb(),
            "merge-chain.yaml": "a0: &a0 {x: 1}\n"
            + "".join(f"a{i}: &a{i} {{<<: *a{i - 1}}}\n" for i in range(1, 3000)),
            "reverse-problems.yaml": reverse_problems(41_000),  # 1.9 MB
            "superscript.yaml": good_text.replace("use_any: true", "use_any: !!int ²"),
            "empty-response.json": json.dumps({"resourceType": "QuestionnaireResponse"}),
        }
        paths: list[Path] = []
        for i in range(3):
            path = folder / f"person-{i}.yaml"
            path.write_text(good_text, encoding="utf-8")
            paths.append(path)
        bad: list[Path] = [locked]
        for name, text in bad_texts.items():
            path = folder / name
            path.write_text(text, encoding="utf-8")
            bad.append(path)
        fifo = folder / "fifo.yaml"
        os.mkfifo(fifo)
        bad.append(fifo)
        for path in folder.iterdir():
            if path != locked:
                path.chmod(0o644)
        order = [paths[0], *bad[:3], paths[1], *bad[3:], paths[2]]
        assert (folder / "reverse-problems.yaml").stat().st_size > 1_800_000
        done = run_limited(
            ["score", "--csv", *map(str, order)], unprivileged=True, timeout=60, input=""
        )
        out, err = done.stdout.decode(), done.stderr.decode()
        assert done.returncode == 4, err
        assert scored_files("csv", out) == [str(p) for p in paths]
        for path in bad:
            assert f"Error: {path}" in err, path
        # Each is refused for what it is, at a line, not for running out its time bound.
        assert "took longer than" not in err
        assert f"Error: {folder}/merge-bomb.yaml:" in err
        assert f"Error: {locked}: cannot read the answers: Permission denied" in err
        assert "Traceback" not in err
        assert err.splitlines()[-1] == (
            f"{len(bad)} of {len(order)} files could not be scored (listed above); the others were."
        )
