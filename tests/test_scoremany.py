"""A caseload started without Typer (screener.scoremany): the command lines it takes, and the
same rows, messages and exit codes as the Typer command gives for each of them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.scoremany import Plan, plan

ROOT = Path(__file__).resolve().parent.parent

# Screener as Typer runs it: the language chosen as launch chooses it, then the CLI.
THROUGH_TYPER = """
import os, sys
from screener import i18n
i18n.use(i18n.choose(sys.argv[1:], os.environ))
from screener.cli import main
main(sys.argv[1:])
"""


def answers(folder: Path, name: str, **values: object) -> str:
    doc = {
        "format": "screener-answers/1",
        "bank": {"id": "oud-self-screen", "version": "3.0.0"},
        "perspective": "self",
        "answers": values,
    }
    (folder / name).write_text(json.dumps(doc), encoding="utf-8")
    return name


class TestWhatItTakes:
    def test_file_names_with_csv_json_lang_and_bank(self) -> None:
        assert plan(["score", "--csv", "a.json", "b.json"]) == Plan(
            ["a.json", "b.json"], "csv", None
        )
        assert plan(["score", "a.json", "b.json", "--json"]) == Plan(
            ["a.json", "b.json"], "json", None
        )
        assert plan(["score", "a.json", "b.json"]) == Plan(["a.json", "b.json"], "lines", None)
        assert plan(["score", "--lang", "es", "--csv", "a"]) == Plan(["a"], "csv", None)
        assert plan(["score", "--lang=es", "--csv", "a"]) == Plan(["a"], "csv", None)
        assert plan(["score", "--bank", "b.yaml", "--csv", "a"]) == Plan(
            ["a"], "csv", Path("b.yaml")
        )
        assert plan(["score", "--bank=b.yaml", "--csv", "a"]) == Plan(["a"], "csv", Path("b.yaml"))
        assert plan(["score", "r.ndjson"]) == Plan(["r.ndjson"], "lines", None)

    @pytest.mark.parametrize(
        "args",
        [
            ["run"],
            ["score"],  # no file: Typer says one is missing
            ["score", "a.json"],  # one file: its whole result
            ["score", "a.json", "--json"],
            ["score", "--csv", "--json", "a", "b"],  # Typer says to choose
            ["score", "--csv", "-"],  # standard input
            ["score", "--csv", "--", "a"],
            ["score", "--csv", "-x.json"],
            ["score", "--help", "a", "b"],
            ["score", "--export", "s.md", "a"],
            ["score", "--plain", "a", "b"],
            ["score", "--lang", "xx", "a", "b"],  # not a language screener speaks
            ["score", "--lang=", "a", "b"],
            ["score", "a", "b", "--lang"],
            ["score", "a", "b", "--bank"],
            ["score", "--bank=", "a", "b"],
            ["score", "--bank", "--csv", "a"],
        ],
    )
    def test_anything_else_is_left_to_typer(self, args: list[str]) -> None:
        assert plan(args) is None


def screener(
    args: list[str], cwd: Path, typer: bool, lang: str = "C.UTF-8"
) -> tuple[int, str, str]:
    env = {**os.environ, "LANG": lang, "NO_COLOR": "1"}
    for name in ("LC_ALL", "LANGUAGE", "LC_MESSAGES"):
        env.pop(name, None)
    command = [sys.executable, "-c", THROUGH_TYPER] if typer else [sys.executable, "-m", "screener"]
    done = subprocess.run(
        [*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("caseload")
    answers(folder, "a.json", use_any=True, craving=True, tolerance=True, withdrawal=True)
    answers(folder, "b.json", use_any=False)
    answers(folder, "=c,d.json", use_any=True, craving="sometimes")  # a problem; a formula mark
    (folder / "broken.json").write_text("{", encoding="utf-8")
    lines = [
        json.dumps({**json.loads((folder / "a.json").read_text()), "answers": {"use_any": x}})
        for x in (True, False)
    ]
    (folder / "r.ndjson").write_text("\n".join([*lines, "{"]) + "\n", encoding="utf-8")
    bank = folder / "bank.yaml"
    shutil.copy(ROOT / "questions.yaml", bank)
    with bank.open("a", encoding="utf-8") as out:
        out.write("\n")  # the same bank, read from YAML
    return folder


CASES = [
    ["score", "--csv", "a.json", "b.json"],
    ["score", "--csv", "a.json", "missing.json", "broken.json", "=c,d.json", "b.json"],
    ["score", "--json", "a.json", "b.json", "broken.json"],
    ["score", "a.json", "b.json", "=c,d.json"],
    ["score", "--lang", "es", "--csv", "a.json", "missing.json"],
    ["--lang", "es", "score", "a.json", "broken.json"],
    ["score", "--csv", "r.ndjson"],
    ["score", "r.ndjson", "a.json"],
    ["score", "--bank", "bank.yaml", "--csv", "a.json", "b.json"],
    ["score", "--bank=missing.yaml", "--csv", "a.json", "b.json"],
    ["score", "--bank", ".", "a.json", "b.json"],
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_the_same_rows_messages_and_exit_code_as_typer_gives(
    args: list[str], caseload: Path
) -> None:
    assert plan(args[2:] + args[:2] if args[0] == "--lang" else args) is not None
    assert screener(args, caseload, typer=False) == screener(args, caseload, typer=True)


def test_in_spanish_by_the_locale_too(caseload: Path) -> None:
    args = ["score", "a.json", "missing.json", "=c,d.json"]
    quick = screener(args, caseload, typer=False, lang="es_MX.UTF-8")
    assert quick == screener(args, caseload, typer=True, lang="es_MX.UTF-8")
    assert "Error: missing.json: no existe ese archivo de respuestas" in quick[2]
    assert quick[0] == 4


def one_by_one(args: list[str]) -> Plan | None:
    """`plan` as it reads: each argument in turn (the options need not come first)."""
    if not args or args[0] != "score":
        return None
    files: list[str] = []
    forms: set[str] = set()
    bank: Path | None = None
    rest = iter(args[1:])
    for arg in rest:
        if arg in ("--csv", "--json"):
            forms.add(arg[2:])
        elif arg in ("--lang", "--bank"):
            value = next(rest, "")
            if not value or value.startswith("-"):
                return None
            if arg == "--bank":
                bank = Path(value)
            elif value not in ("en", "es"):
                return None
        elif arg.startswith(("--lang=", "--bank=")):
            option, _eq, value = arg.partition("=")
            if option == "--bank" and value:
                bank = Path(value)
            elif option == "--bank" or value not in ("en", "es"):
                return None
        elif arg.startswith("-"):
            return None
        else:
            files.append(arg)
    if not files or len(forms) > 1:
        return None
    form = forms.pop() if forms else "lines"
    if form != "csv" and len(files) == 1 and not files[0].endswith(".ndjson"):
        return None
    return Plan(files, form, bank)


WORDS = [
    "--csv", "--json", "--lang", "--lang=es", "--lang=xx", "es", "xx", "--bank", "--bank=b.yaml",
    "--bank=", "b.yaml", "-", "--", "-x", "a.json", "b.json", "r.ndjson", "a\n-b", "a\nb", "",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8))
def test_the_names_after_the_options_are_taken_as_one_by_one(words: list[str]) -> None:
    args = ["score", *words]
    assert plan(args) == one_by_one(args)
