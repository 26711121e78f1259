"""Start-up cost of screener against the bare imports it cannot avoid; reports, never judges.

Measures, as medians over --runs runs (default 21, at least 10) with this interpreter:
  baseline      python -c "import typer, rich.console, yaml", run to the end
  baseline pty  the same, spawned on a pty like the first screen and read to its end
  first screen  python -m screener on a pty, from spawn to the first "> " prompt
  first screen, Spanish  the same with LANG=es_MX.UTF-8 (catalog and bank translation read)
  score --json  python -m screener score FILE --json on a complete answers file

The first screen is compared with the pty baseline, so the pty's own cost is on both sides;
score is compared with the plain baseline. Ratios of the fastest runs are shown too: on a busy
machine they move less than medians.

Run: python benchmarks/bench.py [--runs N] [--json]. Always exits 0; ratios over the target
are marked "over target".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pexpect

TARGET = 1.3
DEFAULT_RUNS = 21
MIN_RUNS = 10
TIMEOUT = 30

# A complete answers file for the default bank: every question that applies has an answer.
ANSWERS = {
    "format": "screener-answers/1",
    "bank": {"id": "oud-self-screen", "version": "1.0.0"},
    "perspective": "self",
    "answers": {
        "use_any": True,
        "opioids_which": ["heroin"],
        "opioids_how": ["inject"],
        "prescribed_only": False,
        "larger_longer": True,
        "cut_down": True,
        "time_spent": True,
        "craving": True,
        "role_failure": False,
        "social_problems": False,
        "activities_given_up": False,
        "hazardous_use": False,
        "despite_harm": False,
        "tolerance": True,
        "withdrawal": True,
        "withdrawal_offer": False,
        "safety_alone": True,
        "safety_supply": True,
        "safety_break": False,
        "safety_sharing": False,
        "safety_overdose": False,
        "safety_naloxone": True,
        "ctx_attempts": "never",
        "ctx_treatment": False,
        "ctx_home": True,
        "ctx_support": True,
        "ctx_mood": False,
        "ctx_other_substances": ["none"],
        "ctx_pregnant": "not_applicable",
    },
}


def environment() -> dict[str, str]:
    # PYTHONDONTWRITEBYTECODE would make every run recompile the package: an installed
    # screener has its .pyc files, so the warm-up run must be able to write them.
    dropped = ("FORCE_COLOR", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE", "LANGUAGE", "LC_ALL")
    dropped += ("LC_MESSAGES",)  # LANG decides the language of each probe
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"TERM": "dumb", "NO_COLOR": "1", "LANG": "C.UTF-8"})
    return env


def timed_run(argv: list[str], env: dict[str, str], cwd: str) -> float:
    """Seconds for one process to run to completion; it must succeed."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(argv)} exited {done.returncode}:\n"
            + done.stderr.decode("utf-8", "replace")
        )
    return elapsed


def timed_first_screen(env: dict[str, str], cwd: str) -> float:
    """Seconds from spawning `python -m screener` on a pty to its first prompt."""
    return timed_pty(["-m", "screener"], "> ", env, cwd)


def spanish(env: dict[str, str]) -> dict[str, str]:
    return {**env, "LANG": "es_MX.UTF-8"}


def timed_pty(
    args: list[str], until: str | type[pexpect.EOF], env: dict[str, str], cwd: str
) -> float:
    """Seconds from spawning python with `args` on a pty until `until` is read."""
    start = time.perf_counter()
    child = pexpect.spawn(
        sys.executable,
        args,
        env=env,
        cwd=cwd,
        dimensions=(40, 100),
        encoding="utf-8",
        timeout=TIMEOUT,
    )
    try:
        if until is pexpect.EOF:
            child.expect(pexpect.EOF)
        else:
            child.expect_exact(until)
        elapsed = time.perf_counter() - start
    finally:
        child.terminate(force=True)
        child.close()
    return elapsed


def measure(runs: int) -> dict[str, list[float]]:
    env = environment()
    with tempfile.TemporaryDirectory(prefix="screener-bench-") as tmp:
        answers = Path(tmp) / "answers.json"
        answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
        probes: dict[str, Callable[[], float]] = {
            "baseline": lambda: timed_run(
                [sys.executable, "-c", "import typer, rich.console, yaml"], env, tmp
            ),
            "baseline_pty": lambda: timed_pty(
                ["-c", "import typer, rich.console, yaml"], pexpect.EOF, env, tmp
            ),
            "first_screen": lambda: timed_first_screen(env, tmp),
            "first_screen_es": lambda: timed_first_screen(spanish(env), tmp),
            "score_json": lambda: timed_run(
                [sys.executable, "-m", "screener", "score", str(answers), "--json"], env, tmp
            ),
        }
        for probe in probes.values():  # warm the file cache and .pyc files; not counted
            probe()
        times: dict[str, list[float]] = {name: [] for name in probes}
        for _ in range(runs):  # interleaved, so drift on the machine hits all three alike
            for name, probe in probes.items():
                times[name].append(probe())
    return times


LABELS = {
    "baseline": "baseline: import typer, rich.console, yaml",
    "baseline_pty": "baseline on a pty",
    "first_screen": 'first screen: python -m screener to "> "',
    "first_screen_es": "first screen in Spanish (LANG=es_MX.UTF-8)",
    "score_json": "python -m screener score FILE --json",
}


BASE = {
    "first_screen": "baseline_pty",
    "first_screen_es": "baseline_pty",
    "score_json": "baseline",
}


def report(times: dict[str, list[float]], runs: int) -> dict[str, object]:
    rows = []
    for name, samples in times.items():
        base = times[BASE.get(name, name)]
        median = statistics.median(samples) * 1000
        ratio = median / (statistics.median(base) * 1000)
        rows.append(
            {
                "name": name,
                "label": LABELS[name],
                "median_ms": round(median, 1),
                "min_ms": round(min(samples) * 1000, 1),
                "max_ms": round(max(samples) * 1000, 1),
                "ratio": round(ratio, 2),
                "min_ratio": round(min(samples) / min(base), 2),
                "compared_with": BASE.get(name),
                "target": TARGET if name in BASE else None,
                "over_target": name in BASE and ratio > TARGET,
            }
        )
    return {
        "runs": runs,
        "python": sys.executable,
        "python_version": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "target_ratio": TARGET,
        "measures": rows,
    }


def table(data: dict[str, object]) -> str:
    rows = data["measures"]
    assert isinstance(rows, list)
    lines = [
        f"screener start-up: median of {data['runs']} runs, Python {data['python_version']} "
        f"({data['python']}), {data['machine']}",
        "",
        f"{'measure':<46} {'median ms':>9} {'min-max ms':>15} {'ratio':>6} {'min':>6}  target",
    ]
    for row in rows:
        spread = f"{row['min_ms']:.0f}-{row['max_ms']:.0f}"
        if row["target"] is None:
            target, ratios = "", f"{'':>6} {'':>6}"
        else:
            target = f"<= {row['target']:.1f}x" + ("  over target" if row["over_target"] else "")
            ratios = f"{row['ratio']:>5.2f}x {row['min_ratio']:>5.2f}x"
        lines.append(
            f"{row['label']:<46} {row['median_ms']:>9.1f} {spread:>15} {ratios}  {target}".rstrip()
        )
    return "\n".join(lines)


def runs_arg(text: str) -> int:
    n = int(text)
    if n < MIN_RUNS:
        raise argparse.ArgumentTypeError(f"at least {MIN_RUNS} runs make a median worth reading")
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=runs_arg,
        default=DEFAULT_RUNS,
        help=f"runs per measure (default {DEFAULT_RUNS})",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    data = report(measure(args.runs), args.runs)
    print(json.dumps(data, indent=2) if args.json else table(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
