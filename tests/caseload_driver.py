"""Test driver: `screener` whose answers reader misbehaves on chosen files, run in a child.

    python caseload_driver.py SECONDS MEMORY_MIB ARGS...

runs `screener ARGS` with the caseload's per-file bounds set to SECONDS and MEMORY_MIB, and a
reader that, for a file whose name contains
  HANG   writes its process id to FILE.pid and sleeps for good,
  CRASH  kills its own process with SIGSEGV,
  OOM    takes memory 1 MiB at a time, up to 4 GiB,
  BUG    raises an exception screener does not expect (RecursionError),
  WAIT   writes its process id to FILE.pid and waits until a file `go` is next to FILE,
  NOISY  writes a line to standard output and one to standard error, then reads FILE,
and reads every other file as usual. The reader is patched in this process, so forked workers
inherit it. Afterwards, a child process left behind (running or a zombie) is one more line on
stderr. The exit code is screener's.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from screener import cli
from screener.core.model import Answers, Bank
from screener.summaries import caseload

real_read_answers = caseload.read_answers


def hostile_read_answers(given: Path | str, bank: Bank) -> tuple[Answers, list[str]]:
    path = Path(given)  # a caseload hands the reader each name as it was given
    name = path.name
    if "HANG" in name or "WAIT" in name:
        path.with_name(name + ".pid").write_text(str(os.getpid()))
    if "HANG" in name:
        time.sleep(1000)
    if "WAIT" in name:
        go = path.with_name("go")
        for _ in range(1500):
            if go.exists():
                break
            time.sleep(0.02)
    if "CRASH" in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "OOM" in name:
        hog = [bytearray(1 << 20) for _ in range(4096)]
        del hog
    if "NOISY" in name:
        print("noise from a reader", flush=True)
        print("noise from a reader", file=sys.stderr, flush=True)
        os.write(1, b"noise from a reader, written to the file descriptor\n")
    if "BUG" in name:
        raise RecursionError("maximum recursion depth exceeded")
    return real_read_answers(path, bank)


def main() -> int:
    caseload.read_answers = hostile_read_answers
    seconds, memory_mib, *args = sys.argv[1:]
    # Set whatever the names, so that a run against code without the bounds still works.
    caseload.FILE_SECONDS = float(seconds)
    caseload.FILE_MEMORY_MIB = int(memory_mib)
    try:
        cli.main(args)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    sys.stdout.flush()
    try:
        os.waitpid(-1, os.WNOHANG)
        sys.stderr.write("driver: a child process was left behind\n")
    except ChildProcessError:
        pass  # no child at all: every worker was reaped
    return code


if __name__ == "__main__":
    sys.exit(main())
