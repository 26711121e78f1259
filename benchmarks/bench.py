"""What screener costs against the floor of its stack, in one run; reports, never judges.

Every figure is the CPU time (user + system) of the child process and of the processes it
waited for, in pairs with its floor: each pair runs the floor and the measure back to back,
in alternating order, and the ratio of the pair is taken. The median of the pair ratios is
reported, so that drift on a busy machine hits both sides of a pair alike. Wall times are
shown beside them.

Start-up, against `python -c "import typer, rich.console, yaml"` (the chosen stack):
  first screen      screener on a pty, from spawn to the first "> " prompt
  first screen, es  the same with LANG=es_MX.UTF-8 (the Spanish bank and catalog)
  score --json      screener score FILE --json on a complete answers file
  --help            screener --help
A caseload, against the parse floor: one Python process that opens, reads and json.loads the
same files (or, for NDJSON, each line of the same file):
  caseload N        screener score --csv FILE... with N answers files (JSON)
  ndjson N          screener score FILE.ndjson --csv, one FHIR QuestionnaireResponse
                    a line, N lines; its peak memory is shown for N/10 lines too (bulk
                    input is measured, with no target: the issue asks for its figures)

`screener` is the command a person runs: the script pip installed beside this Python (as the
quick start installs it), else `python -m screener`; `--module` measures `python -m screener`
(which also loads runpy and importlib's helpers, about 6 ms more).

Run: python benchmarks/bench.py [--pairs N] [--files N,N] [--records N] [--only PART] [--json]
     [--module]
Always exits 0; a ratio over its target is marked "over target".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pexpect

FLOOR = "import typer, rich.console, yaml"
PARSE_FILES = (
    "import json, sys\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, 'rb') as f:\n"
    "        json.loads(f.read())\n"
)
PARSE_LINES = (
    "import json, sys\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    for line in f:\n"
    "        json.loads(line)\n"
)
TARGETS = {
    "first_screen": 1.0,
    "first_screen_es": 1.0,
    "score_json": 0.8,
    "help": 0.7,
}
CASELOAD_CPU = 3.0  # CPU time at most this many times the parse floor's
CASELOAD_WALL = 1.5  # wall time at most this many times the parse floor's
DEFAULT_PAIRS = 21
MIN_PAIRS = 5
TIMEOUT = 900
MODULE = [sys.executable, "-m", "screener"]
# The command measured: see the module's help. main() sets it.
SCREENER: list[str] = MODULE


def installed_command() -> list[str]:
    """The `screener` script pip installed beside this Python, else `python -m screener`."""
    script = Path(sys.executable).parent / "screener"
    return [str(script)] if script.is_file() and os.access(script, os.X_OK) else MODULE


# A complete answers file for the default bank, about oneself.
ANSWERS: dict[str, Any] = {
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


class Run(NamedTuple):
    cpu: float  # seconds of user + system time, the child's and its reaped children's
    wall: float
    max_rss_mib: float  # the largest resident set of the child or of one of its children


def environment() -> dict[str, str]:
    # An installed screener has its .pyc files: the warm-up run must be able to write them.
    dropped: tuple[str, ...] = ("FORCE_COLOR", "PYTHONSTARTUP", "PYTHONDONTWRITEBYTECODE")
    dropped += ("LANGUAGE", "LC_ALL")
    # A person's shell does not make Python's output unbuffered (this machine's does): with it,
    # every write is a system call of its own.
    dropped += ("PYTHONUNBUFFERED",)
    dropped += ("LC_MESSAGES", "COLUMNS", "LINES")  # LANG decides the language of each probe
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update({"TERM": "dumb", "NO_COLOR": "1", "LANG": "C.UTF-8"})
    return env


def spanish(env: dict[str, str]) -> dict[str, str]:
    return {**env, "LANG": "es_MX.UTF-8"}


def timed(
    argv: list[str], env: dict[str, str], cwd: str, stdin: str | None = None, ok: int = 0
) -> Run:
    """One process run to its end, its output discarded; it must exit `ok`."""
    start = time.perf_counter()
    source = Path(stdin).open("rb") if stdin else subprocess.DEVNULL  # noqa: SIM115
    try:
        child = subprocess.Popen(
            argv, env=env, cwd=cwd, stdin=source, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        assert child.stderr is not None
        errors = child.stderr.read()
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdin:
            source.close()  # type: ignore[union-attr]
    wall = time.perf_counter() - start
    if child.returncode != ok:
        shown = " ".join(argv)[:200]
        raise SystemExit(
            f"bench: {shown} exited {child.returncode}:\n{errors.decode('utf-8', 'replace')}"
        )
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def timed_pty(argv: list[str], until: str, env: dict[str, str], cwd: str) -> Run:
    """`argv` on a pty, from its spawn until `until` is read (then ended)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = pexpect.spawn(
        argv[0], argv[1:], env=env, cwd=cwd, dimensions=(40, 100), encoding="utf-8",
        timeout=60,
    )  # fmt: skip
    try:
        child.expect_exact(until)
        wall = time.perf_counter() - start
    finally:
        child.terminate(force=True)
        child.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(cpu, wall, 0.0)


def paired(floor: Callable[[], Run], probe: Callable[[], Run], index: int) -> tuple[Run, Run]:
    """(floor, probe), run in the order that alternates with `index`."""
    if index % 2:
        measured = probe()
        return floor(), measured
    base = floor()
    return base, probe()


class Pairs:
    """The pairs of one measure and their ratios."""

    def __init__(self) -> None:
        self.floor: list[Run] = []
        self.probe: list[Run] = []

    def add(self, pair: tuple[Run, Run]) -> None:
        self.floor.append(pair[0])
        self.probe.append(pair[1])

    def ratio(self, field: str = "cpu") -> float:
        pairs = zip(self.floor, self.probe, strict=True)
        return statistics.median(getattr(p, field) / getattr(f, field) for f, p in pairs)

    def median(self, side: str, field: str) -> float:
        return statistics.median(getattr(r, field) for r in getattr(self, side))


# --- start-up -----------------------------------------------------------------------------


def startup(pairs: int, env: dict[str, str], tmp: str) -> dict[str, Pairs]:
    answers = Path(tmp) / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    python = sys.executable

    def floor() -> Run:
        return timed([python, "-c", FLOOR], env, tmp)

    probes: dict[str, Callable[[], Run]] = {
        "first_screen": lambda: timed_pty(SCREENER, "> ", env, tmp),
        "first_screen_es": lambda: timed_pty(SCREENER, "> ", spanish(env), tmp),
        "score_json": lambda: timed([*SCREENER, "score", str(answers), "--json"], env, tmp),
        "help": lambda: timed([*SCREENER, "--help"], env, tmp),
    }
    floor()
    for probe in probes.values():  # warm the file cache and the .pyc files; not counted
        probe()
    measured = {name: Pairs() for name in probes}
    for i in range(pairs):  # the probes in turn, so that drift hits them all alike
        for name, probe in probes.items():
            measured[name].add(paired(floor, probe, i))
    return measured


# --- a caseload and bulk input ------------------------------------------------------------


def answer_sets(n: int, seed: int = 1) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    """`n` distinct answers about oneself for the default bank: (answers document, its result
    as JSON, the QuestionnaireResponse as one line of JSON)."""
    from screener.core.conditions import applicable
    from screener.core.model import NONE_OPTION, Answers, Kind, Role, Summary, Value
    from screener.core.scoring import result_json, score
    from screener.files.answers import document
    from screener.files.bank import load_bank
    from screener.summaries.fhir import response_bundle

    bank = load_bank(language="en").about("self")
    rng = random.Random(seed)
    made = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    out = []
    for i in range(n):
        values: dict[str, Value] = {}
        for q in bank.questions:  # each question that applies, in order, answered
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
        answers = Answers(bank.id, bank.version, "self", values, f"2026-11-21T10:{i % 60:02}:00")
        result = score(bank, answers)
        summary = Summary(bank, answers, result, made)
        response = response_bundle(summary, kind="collection")["entry"][0]["resource"]
        line = json.dumps(response, ensure_ascii=False, separators=(",", ":"))
        out.append((document(answers, bank), result_json(result), line))
    return out


def write_files(folder: Path, n: int, sets: list[Any]) -> list[str]:
    """`n` JSON answers files, as a clinic keeps them: half plain answers, half exports with
    their result (as `--export x.json` writes them). Short names keep the command line short."""
    names = []
    for i in range(n):
        doc, result, _line = sets[i % len(sets)]
        if i % 2:
            doc = {**doc, "generator": "screener benchmark", "result": result}
        name = f"{i:06}.json"
        (folder / name).write_text(json.dumps(doc, indent=2), encoding="utf-8")
        names.append(name)
    return names


def write_ndjson(path: Path, n: int, sets: list[Any]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(sets[i % len(sets)][2] + "\n")


def caseload(sizes: list[int], pairs: int, env: dict[str, str], tmp: str) -> dict[str, Pairs]:
    sets = answer_sets(min(max(sizes), 1000))
    python = sys.executable
    measured: dict[str, Pairs] = {}
    for n in sizes:
        folder = Path(tmp) / f"caseload-{n}"
        folder.mkdir()
        names = write_files(folder, n, sets)
        where = str(folder)

        def floor(names: list[str] = names, where: str = where) -> Run:
            return timed([python, "-c", PARSE_FILES, *names], env, where)

        def probe(names: list[str] = names, where: str = where) -> Run:
            return timed([*SCREENER, "score", "--csv", *names], env, where)

        floor()
        probe()  # warm-up: the file cache and the .pyc files
        measured[f"caseload_{n}"] = one = Pairs()
        for i in range(pairs):
            one.add(paired(floor, probe, i))
    return measured


def bulk(records: int, pairs: int, env: dict[str, str], tmp: str) -> dict[str, Pairs]:
    sets = answer_sets(min(records, 1000), seed=2)
    python = sys.executable
    measured: dict[str, Pairs] = {}
    small = max(records // 10, 1)
    for n, rounds in ((records, pairs), (small, 1)):  # the small one: memory only
        path = Path(tmp) / f"responses-{n}.ndjson"
        write_ndjson(path, n, sets)

        def floor(path: Path = path) -> Run:
            return timed([python, "-c", PARSE_LINES, str(path)], env, tmp)

        def probe(path: Path = path) -> Run:
            return timed([*SCREENER, "score", str(path), "--csv"], env, tmp)

        floor()
        probe()
        measured[f"ndjson_{n}"] = one = Pairs()
        for i in range(rounds):
            one.add(paired(floor, probe, i))
    # The same from standard input, once: `score - --csv`.
    path = Path(tmp) / f"responses-{records}.ndjson"

    def piped() -> Run:
        return timed([*SCREENER, "score", "-", "--csv"], env, tmp, stdin=str(path))

    def piped_floor() -> Run:
        return timed([python, "-c", PARSE_LINES, str(path)], env, tmp)

    measured[f"stdin_{records}"] = one = Pairs()
    one.add(paired(piped_floor, piped, 0))
    return measured


# --- the report ---------------------------------------------------------------------------

LABELS = {
    "first_screen": 'first screen, English (to "> ")',
    "first_screen_es": "first screen, Spanish (LANG=es_MX.UTF-8)",
    "score_json": "score FILE --json",
    "help": "--help",
}


def label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    kind, n = name.rsplit("_", 1)
    what = {"caseload": "files, score --csv", "ndjson": "lines, score F.ndjson --csv"}
    return f"{int(n):,} " + what.get(kind, "lines, score - --csv (stdin)")


def report(measured: dict[str, Pairs], pairs: int) -> dict[str, Any]:
    rows = []
    for name, one in measured.items():
        startup_probe = name in TARGETS
        bulk_probe = name.startswith(("ndjson_", "stdin_"))  # the issue asks only to measure
        cpu_target = None if bulk_probe else TARGETS.get(name, CASELOAD_CPU)
        wall_target = None if startup_probe or bulk_probe else CASELOAD_WALL
        cpu, wall = one.ratio("cpu"), one.ratio("wall")
        over = (cpu_target is not None and cpu > cpu_target) or (
            wall_target is not None and wall > wall_target
        )
        rows.append(
            {
                "name": name,
                "label": label(name),
                "pairs": len(one.probe),
                "cpu_ms": round(one.median("probe", "cpu") * 1000, 1),
                "floor_cpu_ms": round(one.median("floor", "cpu") * 1000, 1),
                "wall_ms": round(one.median("probe", "wall") * 1000, 1),
                "floor_wall_ms": round(one.median("floor", "wall") * 1000, 1),
                "cpu_ratio": round(cpu, 2),
                "wall_ratio": round(wall, 2),
                "cpu_target": cpu_target,
                "wall_target": wall_target,
                "max_rss_mib": round(max(r.max_rss_mib for r in one.probe), 1),
                "over_target": over,
            }
        )
    return {
        "pairs": pairs,
        "python": sys.executable,
        "python_version": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "floor": FLOOR,
        "screener": " ".join(SCREENER),
        "measures": rows,
    }


def table(data: dict[str, Any]) -> str:
    lines = [
        f"screener against its floor: CPU time, median of paired ratios; Python "
        f"{data['python_version']}, {data['machine']}, load {data['load_average']}",
        "",
        f"{'measure':<44} {'pairs':>5} {'CPU ms':>9} {'floor':>8} {'CPU':>6} {'wall':>6}  target",
    ]
    for row in data["measures"]:
        target = "measured" if row["cpu_target"] is None else f"CPU <= {row['cpu_target']:.1f}x"
        if row["wall_target"] is not None:
            target += f", wall <= {row['wall_target']:.1f}x"
        if row["max_rss_mib"]:
            target += f"; peak {row['max_rss_mib']:.0f} MiB"
        if row["over_target"]:
            target += "  over target"
        lines.append(
            f"{row['label']:<44} {row['pairs']:>5} {row['cpu_ms']:>9.1f} "
            f"{row['floor_cpu_ms']:>8.1f} {row['cpu_ratio']:>5.2f}x {row['wall_ratio']:>5.2f}x  "
            f"{target}"
        )
    lines += [
        "",
        f"screener run as: {data['screener']}",
        f"floor of the start-up measures: python -c {data['floor']!r}",
        "floor of a caseload: one python process opening, reading and json.loads-ing each file "
        "(each line of the .ndjson file)",
    ]
    return "\n".join(lines)


def at_least(n: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < n:
            raise argparse.ArgumentTypeError(f"at least {n}")
        return value

    return parse


def sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs", type=at_least(MIN_PAIRS), default=DEFAULT_PAIRS,
        help=f"pairs per start-up measure (default {DEFAULT_PAIRS})",
    )  # fmt: skip
    parser.add_argument(
        "--caseload-pairs", type=at_least(1), default=3, help="pairs per caseload (default 3)"
    )
    parser.add_argument(
        "--files", type=sizes, default=[10_000, 100_000], help="caseload sizes (10000,100000)"
    )
    parser.add_argument("--records", type=at_least(10), default=100_000, help="NDJSON lines")
    parser.add_argument(
        "--only", choices=("startup", "caseload", "bulk"), action="append",
        help="measure only this part (repeatable)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--module", action="store_true", help="measure python -m screener, not the script"
    )
    args = parser.parse_args(argv)
    global SCREENER
    SCREENER = MODULE if args.module else installed_command()
    parts = args.only or ["startup", "caseload", "bulk"]
    # 100,000 names on one command line need more room than the usual 2 MiB (a quarter of
    # the stack limit, up to 6 MiB): as a shell's `score *.json` would.
    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    want = 64 << 20
    if soft != resource.RLIM_INFINITY and soft < want:
        room = want if hard == resource.RLIM_INFINITY else min(want, hard)
        resource.setrlimit(resource.RLIMIT_STACK, (room, hard))
    env = environment()
    measured: dict[str, Pairs] = {}
    with tempfile.TemporaryDirectory(prefix="screener-bench-") as tmp:
        if "startup" in parts:
            measured |= startup(args.pairs, env, tmp)
        if "caseload" in parts:
            measured |= caseload(args.files, args.caseload_pairs, env, tmp)
        if "bulk" in parts:
            measured |= bulk(args.records, args.caseload_pairs, env, tmp)
    data = report(measured, args.pairs)
    print(json.dumps(data, indent=2) if args.json else table(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
