"""A caseload scored in one call against single-file calls; reports, never judges.

Writes --files answers files (default 10,000) with random but valid answers for the default
bank, half as JSON exports (answers plus result, as `--export x.json` writes them) and half as
YAML answers files. Then measures, as medians over --runs rounds (default 5):
  caseload   python -m screener score --csv FILE... with every file, in one call
  20 single  20 calls of python -m screener score FILE --json, one after another
The target is that the one call costs less than the 20 single calls.

Run: python benchmarks/caseload.py [--files N] [--runs N] [--json]. Always exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from screener.core.conditions import applicable
from screener.core.model import NONE_OPTION, Answers, Bank, Kind, Role, Value
from screener.core.scoring import result_json, score
from screener.files.answers import document
from screener.files.bank import load_bank

SINGLE_CALLS = 20
TIMEOUT = 600


def random_values(bank: Bank, rng: random.Random) -> dict[str, Value]:
    """A complete, valid set of answers: each question that applies, in order, answered."""
    values: dict[str, Value] = {}
    for q in bank.questions:
        shown, _ = applicable(bank, values)
        if q not in shown or q.role is Role.CONSENT:
            continue
        if q.role is Role.GATE:
            values[q.id] = rng.random() < 0.9
        elif q.kind is Kind.YES_NO:
            values[q.id] = rng.choice([True, False, False, None] if not q.required else [True])
        elif q.kind in (Kind.SCALE, Kind.CHOICE):
            values[q.id] = rng.choice(q.options).value
        elif q.kind is Kind.MULTI:
            options = [str(o.value) for o in q.options if o.value != NONE_OPTION]
            values[q.id] = tuple(rng.sample(options, rng.randint(1, 2)))
        else:
            values[q.id] = None
    return values


def write_caseload(folder: Path, n: int, seed: int = 1) -> list[Path]:
    # The questions of one perspective: a person's own screening, as a clinic's caseload is.
    bank = load_bank().about("self")
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        answers = Answers(
            bank.id, bank.version, "self", random_values(bank, rng), created="2026-11-21T10:00:00"
        )
        doc: dict[str, Any] = document(answers, bank)
        if i % 2:
            path = folder / f"person-{i:05}.yaml"
            path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        else:
            doc["generator"] = "screener benchmark"
            doc["result"] = result_json(score(bank, answers))
            path = folder / f"person-{i:05}.json"
            path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
        paths.append(path)
    return paths


def environment() -> dict[str, str]:
    # An installed screener has its .pyc files: let the warm-up run write them.
    dropped = ("FORCE_COLOR", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE")
    return {k: v for k, v in os.environ.items() if k not in dropped} | {"LANG": "C.UTF-8"}


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"caseload bench: exit {done.returncode}:\n{done.stderr.decode()[:2000]}")
    return elapsed


def measure(files: int, runs: int) -> dict[str, Any]:
    env = environment()
    with tempfile.TemporaryDirectory(prefix="screener-caseload-") as tmp:
        folder = Path(tmp)
        paths = write_caseload(folder, files)
        names = [p.name for p in paths]  # relative: the command line stays short
        one_call = [sys.executable, "-m", "screener", "score", "--csv", *names]
        singles = [
            [sys.executable, "-m", "screener", "score", name, "--json"]
            for name in names[:SINGLE_CALLS]
        ]
        timed(one_call, env, folder)  # warm-up: file cache and .pyc files
        caseload, single = [], []
        for _ in range(runs):
            caseload.append(timed(one_call, env, folder))
            single.append(sum(timed(argv, env, folder) for argv in singles))
    median_caseload = statistics.median(caseload)
    median_single = statistics.median(single)
    return {
        "files": files,
        "runs": runs,
        "python_version": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "caseload_s": round(median_caseload, 3),
        "caseload_min_s": round(min(caseload), 3),
        "per_file_ms": round(median_caseload / files * 1000, 3),
        "single_calls": SINGLE_CALLS,
        "single_calls_s": round(median_single, 3),
        "per_single_call_ms": round(median_single / SINGLE_CALLS * 1000, 1),
        "ratio": round(median_caseload / median_single, 2),
        "under_target": median_caseload < median_single,
    }


def table(d: dict[str, Any]) -> str:
    verdict = "under target" if d["under_target"] else "OVER TARGET"
    return "\n".join(
        [
            f"screener caseload: median of {d['runs']} rounds, Python {d['python_version']}, "
            f"{d['machine']}",
            f"one call, {d['files']} files (score --csv): {d['caseload_s']:.2f} s "
            f"(min {d['caseload_min_s']:.2f} s), {d['per_file_ms']:.3f} ms per file",
            f"{d['single_calls']} single-file calls (score FILE --json): "
            f"{d['single_calls_s']:.2f} s, {d['per_single_call_ms']:.0f} ms each",
            f"ratio one call / {d['single_calls']} calls: {d['ratio']:.2f} (target < 1): {verdict}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="files in the caseload")
    parser.add_argument("--runs", type=int, default=5, help="rounds to take the median of")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    data = measure(args.files, max(args.runs, 1))
    print(json.dumps(data, indent=2) if args.json else table(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
