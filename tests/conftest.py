"""Shared fixtures: the default bank, small banks built from plain dicts, and answers helpers."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeAlias

import pytest
import yaml
from typer.testing import CliRunner

from screener.core.model import CRITERIA, Answers, Bank, Value
from screener.errors import BankError
from screener.files.bank import default_path, load_bank, parse_bank

# Every screener these tests start, in this process or as a child, speaks English unless a test
# says otherwise: the language comes from the locale variables (LANGUAGE first), and a
# developer's own locale must not turn the English the tests expect into Spanish.
os.environ["LANGUAGE"] = "en"

# A change to the minimal bank: a function that edits the dict in place, or a mapping of
# top-level keys to replace.
Change: TypeAlias = Callable[[dict[str, Any]], None] | Mapping[str, Any] | None

SOURCES = [{"id": "dsm5", "title": "DSM-5 criteria (paraphrased)", "ref": "APA 2013"}]


# The 16 SOWS items of the default bank, in scale order.
SOWS_IDS = [
    "sows_anxious",
    "sows_yawning",
    "sows_perspiring",
    "sows_tearing",
    "sows_nose",
    "sows_gooseflesh",
    "sows_shaking",
    "sows_hot_flushes",
    "sows_cold_flushes",
    "sows_aches",
    "sows_restless",
    "sows_nauseous",
    "sows_vomiting",
    "sows_twitching",
    "sows_cramps",
    "sows_craving",
]


def _criterion_question(key: str) -> dict[str, Any]:
    return {
        "id": key,
        "criterion": key,
        "kind": "yes_no",
        "text": f"In the past 12 months: {key.replace('_', ' ')}?",
        "short": key.replace("_", " ").capitalize(),
        "source": ["dsm5"],
    }


def minimal_bank() -> dict[str, Any]:
    """The smallest bank that uses every part scoring reads: gate, supervision, 11 criteria,
    a two-item withdrawal scale, one safety question with its flag, one referral, one caveat."""
    return {
        "id": "mini",
        "version": "1.0.0",
        "title": "Mini screen",
        "sources": copy.deepcopy(SOURCES),
        "criteria": {key: f"Meaning of {key}" for key in CRITERIA},
        "scales": {
            "sows": {
                "title": "Tiny SOWS",
                "counted": True,
                "items": 2,
                "options": [{"value": v, "label": f"level {v}"} for v in range(5)],
                "source": ["dsm5"],
            }
        },
        "sections": [
            {
                "id": "use",
                "title": "Use",
                "questions": [
                    {
                        "id": "use_any",
                        "kind": "yes_no",
                        "role": "gate",
                        "text": "Any opioid use in the past 12 months?",
                        "source": ["dsm5"],
                    },
                    {
                        "id": "opioids_which",
                        "kind": "multi",
                        "text": "Which opioids?",
                        "show_if": {"question": "use_any", "equals": True},
                        "options": [
                            {"value": "heroin", "label": "Heroin"},
                            {"value": "prescribed_pain", "label": "Prescribed pain medicine"},
                        ],
                        "source": ["dsm5"],
                    },
                    {
                        "id": "prescribed_only",
                        "kind": "yes_no",
                        "role": "prescribed_only",
                        "text": "Was all of it prescribed?",
                        "show_if": {"question": "use_any", "equals": True},
                        "overridden_if": {"question": "opioids_which", "contains": "heroin"},
                        "source": ["dsm5"],
                    },
                ],
            },
            {
                "id": "criteria",
                "title": "Criteria",
                "show_if": {"not": {"question": "use_any", "equals": False}},
                "questions": [_criterion_question(key) for key in CRITERIA],
            },
            {
                "id": "withdrawal",
                "title": "Withdrawal",
                "show_if": {"not": {"question": "use_any", "equals": False}},
                "questions": [
                    {
                        "id": f"sows_{n}",
                        "kind": "scale",
                        "scale": "sows",
                        "text": f"Right now: symptom {n}",
                        "source": ["dsm5"],
                    }
                    for n in ("one", "two")
                ],
            },
            {
                "id": "safety",
                "title": "Safety",
                "show_if": {"not": {"question": "use_any", "equals": False}},
                "questions": [
                    {
                        "id": "safety_alone",
                        "kind": "yes_no",
                        "text": "Do you use alone?",
                        "source": ["dsm5"],
                    }
                ],
            },
        ],
        "flags": [
            {
                "id": "uses_alone",
                "label": "Using alone",
                "when": {"question": "safety_alone", "equals": True},
                "source": ["dsm5"],
            }
        ],
        "referrals": [
            {
                "id": "talk",
                "urgency": "soon",
                "title": "Talk to a clinician",
                "text": "Bring this to a clinician.",
                "when": {"result": "count", "at_least": 2},
                "source": ["dsm5"],
            }
        ],
        "caveats": [{"id": "not_a_diagnosis", "text": "Not a diagnosis.", "source": ["dsm5"]}],
        "emergency": {
            "title": "Overdose",
            "signs": ["Slow breathing"],
            "steps": ["Call 911 now.", "Give naloxone."],
            "source": ["dsm5"],
        },
        "helplines": [
            {"id": "samhsa", "name": "SAMHSA", "contact": "1-800-662-4357", "source": ["dsm5"]}
        ],
    }


def bank_text(change: Change = None) -> str:
    """The minimal bank, changed, as YAML text."""
    data = minimal_bank()
    if callable(change):
        change(data)
    elif change is not None:
        data.update(copy.deepcopy(dict(change)))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def bank_problems(text: str) -> list[str]:
    """Every problem parse_bank reports for `text`, named bank.yaml (none: an empty list)."""
    try:
        parse_bank(text, "bank.yaml")
    except BankError as exc:
        return list(exc.problems)
    return []


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="session")
def asks_anyway() -> Bank:
    """The default bank as a clinic might keep it, asking "all prescribed?" of everyone (as
    version 2.0.0 did): then street use overrides a yes, and the result names why."""
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    for section in data["sections"]:
        for q in section["questions"]:
            if q["id"] == "prescribed_only":
                del q["show_if"]
    return parse_bank(yaml.safe_dump(data, sort_keys=False, width=1000), "asks-anyway.yaml")


@pytest.fixture(scope="session")
def make_bank() -> Callable[[Change], Bank]:
    """`make_bank(change)`: the minimal bank with `change` applied, parsed as bank.yaml."""

    def make(change: Change = None) -> Bank:
        return parse_bank(bank_text(change), "bank.yaml")

    return make


@pytest.fixture(scope="session")
def answers(bank: Bank) -> Callable[..., Answers]:
    """`answers({...})`: Answers for the default bank."""

    def build(values: Mapping[str, Value], perspective: str = "self") -> Answers:
        return Answers(bank.id, bank.version, perspective, dict(values))

    return build


# A finished run on the "no use" path: the gate, "used before?" and thoughts of suicide.
NO_USE: dict[str, Value] = {"use_any": False, "ever_used": False, "crisis_thoughts": False}


def yes_to_values(*criteria: str, **more: Value) -> dict[str, Value]:
    """Default-bank answers: recent heroin use (so "all prescribed?" is not asked), yes to
    exactly `criteria`."""
    unknown = set(criteria) - set(CRITERIA)
    assert not unknown, f"not criteria: {unknown}"
    values: dict[str, Value] = {
        "use_any": True,
        "opioids_which": ("heroin",),
    }
    values.update({key: key in criteria for key in CRITERIA})
    values.update(more)
    return values


@pytest.fixture(scope="session")
def yes_to(answers: Callable[..., Answers]) -> Callable[..., Answers]:
    """`yes_to("craving", "tolerance", safety_alone=True)`: Answers for the default bank."""

    def build(*criteria: str, **more: Value) -> Answers:
        return answers(yes_to_values(*criteria, **more))

    return build


@pytest.fixture
def runner() -> CliRunner:
    """typer's CliRunner at a fixed width, free of colour forcing from the environment."""
    return CliRunner(
        env={
            "COLUMNS": "80",
            "LINES": "25",
            "FORCE_COLOR": None,
            "TTY_COMPATIBLE": None,
            "TTY_INTERACTIVE": None,
        }
    )


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """A umask that would leave a plain new file readable and writable by everyone."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# Every hostile case runs the real command in a child process held to these bounds, so that a
# regression fails one test instead of taking the machine down.
LIMIT_SECONDS = 30.0
LIMIT_MEMORY = 1 << 30  # 1 GiB of address space: several times what a real run needs


def run_limited(
    args: list[str],
    *,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = LIMIT_SECONDS,
    memory: int = LIMIT_MEMORY,
    stdout: IO[bytes] | int | None = None,
    stderr: IO[bytes] | int | None = None,
    program: Sequence[str] = ("-m", "screener"),
    unprivileged: bool = False,
    closed: Sequence[int] = (),
) -> subprocess.CompletedProcess[bytes]:
    """`python -m screener ARGS` in a child with capped memory, CPU time and wall time.

    Output is captured as bytes (the test decides how to read it). `env` changes the
    environment: a None value removes the variable. `stdout` or `stderr`, when given, is where
    that stream goes instead (a file such as /dev/full, or a pipe's end); it is then not
    captured. `program` is what Python runs instead of `-m screener` (a test driver script,
    say). A run past `timeout` fails the test. `unprivileged` runs it as a user who cannot
    read every file: as itself, or as `nobody` when the tests run as root (who reads any file
    whatever its mode). `closed` lists the standard streams (0, 1, 2) the child starts
    with closed, as after `>&-` in a shell.
    """
    data = input.encode() if isinstance(input, str) else input
    # The bound on work is the CPU limit, which load does not move; the wall clock only
    # catches a child blocked for good (on a pipe, say), so it is generous: a busy machine
    # must not fail a run that did no more work than allowed.
    wall = max(4 * timeout, 60.0)
    command = [sys.executable, *program, *args]
    if unprivileged and os.geteuid() == 0:
        import shutil

        setpriv = shutil.which("setpriv")
        if setpriv is None:  # pragma: no cover - util-linux is on every machine the tests run
            pytest.skip("no setpriv to leave root with")
        # The interpreter may live where only root can look (/root/.pyenv): setpriv gives up
        # root's rights as it starts it, not before.
        command = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    try:
        return subprocess.run(
            command,
            input=data,
            stdin=None if data is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE if stderr is None else stderr,
            env=limited_env(env),
            cwd=cwd,
            timeout=wall,
            preexec_fn=partial(_limit, timeout, memory, tuple(closed)),
            check=False,
        )
    except subprocess.TimeoutExpired:
        shown = " ".join(args[:8]) + (f" ... ({len(args)} arguments)" if len(args) > 8 else "")
        pytest.fail(f"screener {shown} ran past {wall} s")


def popen_limited(
    args: list[str],
    *,
    env: Mapping[str, str | None] | None = None,
    timeout: float = LIMIT_SECONDS,
    memory: int = LIMIT_MEMORY,
    **popen: Any,
) -> subprocess.Popen[bytes]:
    """`python -m screener ARGS` started under the same bounds as `run_limited`, for a test
    that talks to it while it runs (Popen keywords pass through); the caller waits for it."""
    return subprocess.Popen(
        [sys.executable, "-m", "screener", *args],
        env=limited_env(env),
        preexec_fn=partial(_limit, timeout, memory),
        **popen,
    )


def start_limited(
    args: list[str],
    *,
    env: Mapping[str, str | None] | None = None,
    timeout: float = LIMIT_SECONDS,
    memory: int = LIMIT_MEMORY,
    program: Sequence[str] = ("-m", "screener"),
) -> subprocess.Popen[bytes]:
    """As run_limited, but started and left running, in a process group of its own (as a
    terminal's foreground job is), for a test that signals it. The test waits for it with a
    timeout and kills it if it must."""

    def foreground() -> None:
        _limit(timeout, memory)
        # A job started with & from a script inherits Ctrl-C ignored; at a terminal it is not.
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen(
        [sys.executable, *program, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=limited_env(env),
        preexec_fn=foreground,
        start_new_session=True,
    )


def limited_env(env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The child's environment: this one, without colour forcing, at 80x24, changed by `env`
    (a None value removes the variable)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    full_env.update({"COLUMNS": "80", "LINES": "24", "PYTHONFAULTHANDLER": ""})
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    return full_env


def _limit(seconds: float, memory: int, closed: tuple[int, ...] = ()) -> None:
    """In the child, before it starts: cap its address space and its CPU time, and close
    the standard streams in `closed`."""
    import resource

    for fd in closed:
        os.close(fd)

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


@pytest.fixture
def unreadable() -> Iterator[Callable[[str, str], Path]]:
    """Make files of mode 000 that an unprivileged run (run_limited(unprivileged=True)) can
    reach but not read: in a folder anyone may enter, since pytest's own are the owner's only."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="screener-unreadable-"))
    folder.chmod(0o755)

    def make(name: str, content: str) -> Path:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        path.chmod(0)
        return path

    yield make
    shutil.rmtree(folder)
