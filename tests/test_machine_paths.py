"""The machine paths (JSON, CSV, FHIR, validate, exports) never import Rich: it is the
terminal's, and costs start-up time that scripts and caseloads should not pay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import COMPLETE, write_answers

# Runs the real command in this interpreter, then says which Rich modules were imported.
PROBE = """
import contextlib, io, sys
from screener.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(code, sorted(m for m in sys.modules if m == "rich" or m.startswith("rich.")))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["score", "{a}", "--json"],
        ["score", "{a}", "--csv"],
        ["score", "{a}", "{a}"],
        ["score", "{a}", "--json", "--export", "{out}.md"],
        ["score", "{a}", "--json", "--export", "{out}.fhir.json"],
        ["questions", "--json"],
        ["questions", "--fhir"],
        ["validate"],
    ],
)
def test_a_machine_path_imports_no_rich(tmp_path: Path, args: list[str]) -> None:
    answers = write_answers(tmp_path / "a.yaml", COMPLETE)
    argv = [a.format(a=answers, out=tmp_path / "s") for a in args]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=False
    )
    code, _, modules = done.stdout.strip().rpartition("\n")[2].partition(" ")
    assert code in ("0", "None"), done.stderr
    assert json.loads(modules.replace("'", '"')) == [], done.stdout


def test_the_screen_does_import_rich(tmp_path: Path) -> None:
    """The probe can see Rich when it is there: a screen result imports it."""
    answers = write_answers(tmp_path / "a.yaml", COMPLETE)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "score", str(answers)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "'rich'" in done.stdout
