"""What a caseload CSV row costs in this process, per file: the tally behind it and the whole
worker's piece (`caseload._plain_outcome`), best of 5 over files made like bench.py's.

Run: python benchmarks/rowtime.py [--files N]   (reports, never judges)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench import answer_sets, write_files

from screener.core.scoring import tally
from screener.files.answers import prepare, read_answers
from screener.files.bank import load_bank
from screener.summaries import caseload


def best(run, n: int, repeat: int = 5) -> float:
    """The best of `repeat` runs of `run()`, in microseconds per item (`n` items a run)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    bank = load_bank(language="en")
    prepare(bank)
    with tempfile.TemporaryDirectory() as tmp:
        names = write_files(Path(tmp), args.files, answer_sets(min(args.files, 1000)))
        os.chdir(tmp)
        read = [read_answers(Path(n), bank)[0] for n in names]

        def tallies() -> None:
            for answers in read:
                tally(bank, answers)

        def rows() -> None:
            for answers in read:
                caseload.csv_row("x.json", answers, tally(bank, answers))

        try:  # the row made on its own, where there is one
            from screener.core.rows import row as quick
        except ImportError:
            quick = None

        def quick_rows() -> None:
            for answers in read:
                quick(bank, answers)

        def outcomes() -> None:
            for name in names:
                caseload._plain_outcome(name, bank, "csv")

        n = len(names)
        if quick is not None:  # once, with nothing kept yet: each section's shapes made
            cold = load_bank(language="en")
            print(f"row, first pass  {best(lambda: [quick(cold, a) for a in read], n, 1):7.1f}")
        print(f"files: {n}  (best of 5, µs per file)")
        print(f"tally            {best(tallies, n):7.1f}")
        print(f"tally + csv_row  {best(rows, n):7.1f}")
        if quick is not None:
            print(f"row              {best(quick_rows, n):7.1f}")
        print(f"_plain_outcome   {best(outcomes, n):7.1f}")


if __name__ == "__main__":
    main()
