"""`screener score FILE...`: a caseload scored in one call, a bad file named and skipped."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from conftest import NO_USE
from test_cli import COMPLETE, SCORE_CASES, assert_clean_exit, write_answers
from typer.testing import CliRunner

from screener.cli import app
from screener.summaries.caseload import COLUMNS

PRESCRIBED = SCORE_CASES["prescribed only: tolerance and withdrawal not counted"][0]


@pytest.fixture
def caseload(tmp_path: Path) -> list[Path]:
    """Three good files (YAML and JSON), one with a date, one given to an older bank version."""
    severe = write_answers(tmp_path / "severe.json", COMPLETE)
    doc = json.loads(severe.read_text())
    doc["created"] = "2026-11-20T21:15:00+01:00"
    severe.write_text(json.dumps(doc))
    none = write_answers(tmp_path / "none.yaml", NO_USE)
    old = write_answers(tmp_path / "prescribed.yaml", PRESCRIBED)
    old.write_text(old.read_text().replace("version: 3.0.0", "version: 0.9.0"))
    return [severe, none, old]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class TestCsv:
    def test_one_row_per_file_in_the_order_given(
        self, runner: CliRunner, caseload: list[Path]
    ) -> None:
        result = runner.invoke(app, ["score", "--csv", *map(str, caseload)])
        assert_clean_exit(result, 0)
        assert result.stdout.splitlines()[0] == ",".join(COLUMNS)
        assert rows(result.stdout) == [
            {
                "file": str(caseload[0]),
                "date": "2026-11-20T21:15:00+01:00",
                "bank_version": "3.0.0",
                "severity": "severe",
                "count": "6",
                "count_max": "6",
                "withdrawal_score": "",
                "flags": "uses_alone;injecting",
                "complete": "true",
                "demo": "",
                "perspective": "self",
            },
            {
                "file": str(caseload[1]),
                "date": "",
                "bank_version": "3.0.0",
                "severity": "none",
                "count": "0",
                "count_max": "0",
                "withdrawal_score": "",
                "flags": "",
                "complete": "true",
                "demo": "",
                "perspective": "self",
            },
            {
                "file": str(caseload[2]),
                "date": "",
                "bank_version": "0.9.0",  # what the answers were given to
                "severity": "none",
                "count": "1",
                "count_max": "1",
                "withdrawal_score": "16",
                "flags": "",
                "complete": "false",  # the answers stop before the end
                "demo": "",
                "perspective": "self",
            },
        ]
        assert result.stderr == (
            f"Warning: {caseload[2]}: answers were given to version '0.9.0' of the bank; "
            "checking them against version '3.0.0'\n"
            f"Warning: {caseload[2]}: 6 answered questions have changed meaning since that "
            "version: cut_down, role_failure, hazardous_use, despite_harm, tolerance, "
            "withdrawal; their answers are counted as given\n"
        )

    def test_a_bad_file_is_named_on_stderr_and_the_rest_still_scored(
        self, runner: CliRunner, caseload: list[Path], tmp_path: Path
    ) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("format: screener-answers/1\nbank: {id: other, version: '1'}\n")
        missing = tmp_path / "gone.json"
        args = ["score", "--csv", str(caseload[0]), str(bad), str(missing), str(caseload[1])]

        result = runner.invoke(app, args)

        assert_clean_exit(result, 4)
        assert [r["file"] for r in rows(result.stdout)] == [str(caseload[0]), str(caseload[1])]
        assert result.stderr.splitlines() == [
            f"Error: {bad}:2: bank.id: these answers are for bank 'other', not 'oud-self-screen'",
            f"Error: {missing}: no such answers file",
            "2 of 4 files could not be scored (listed above); the others were.",
        ]

    def test_one_file_with_csv_is_a_caseload_of_one(
        self, runner: CliRunner, caseload: list[Path]
    ) -> None:
        result = runner.invoke(app, ["score", str(caseload[1]), "--csv"])
        assert_clean_exit(result, 0)
        assert [r["severity"] for r in rows(result.stdout)] == ["none"]

    def test_a_file_name_cannot_become_a_spreadsheet_formula(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write_answers(tmp_path / "=1+1.yaml", {"use_any": False})
        monkeypatch.chdir(tmp_path)
        result = runner.invoke(app, ["score", "--csv", "=1+1.yaml"])
        assert_clean_exit(result, 0)
        assert rows(result.stdout)[0]["file"] == "'=1+1.yaml"

    @pytest.mark.parametrize(
        ("names", "last_line"),
        [
            (["gone.yaml"], "The file could not be scored."),
            (["gone.yaml", "lost.json"], "None of the 2 files could be scored."),
        ],
    )
    def test_when_nothing_could_be_scored_it_says_so(
        self, runner: CliRunner, tmp_path: Path, names: list[str], last_line: str
    ) -> None:
        result = runner.invoke(app, ["score", "--csv", *(str(tmp_path / n) for n in names)])
        assert_clean_exit(result, 4)
        assert result.stdout == ",".join(COLUMNS) + "\n"
        assert result.stderr.splitlines()[-1] == last_line


class TestOtherForms:
    def test_several_files_without_csv_give_a_line_each(
        self, runner: CliRunner, caseload: list[Path]
    ) -> None:
        result = runner.invoke(app, ["score", *map(str, caseload)])
        assert_clean_exit(result, 0)
        assert result.stdout.splitlines() == [
            f"{caseload[0]}: severe (6 of 11 criteria); flags: uses_alone, injecting",
            f"{caseload[1]}: no opioid use in the past 12 months reported",
            f"{caseload[2]}: none (1 of 11 criteria); withdrawal score 16; not finished",
        ]

    def test_several_files_with_json_give_a_list_with_each_full_result(
        self, runner: CliRunner, caseload: list[Path]
    ) -> None:
        result = runner.invoke(app, ["score", "--json", *map(str, caseload)])
        assert_clean_exit(result, 0)
        data = json.loads(result.stdout)
        assert [d["file"] for d in data] == list(map(str, caseload))
        assert [d["created"] for d in data] == ["2026-11-20T21:15:00+01:00", None, None]
        assert [d["answers_bank_version"] for d in data] == ["3.0.0", "3.0.0", "0.9.0"]
        assert [d["result"]["severity"] for d in data] == ["severe", "none", "none"]
        single = runner.invoke(app, ["score", "--json", str(caseload[0])])
        assert data[0]["result"] == json.loads(single.stdout)

    def test_json_and_csv_together_is_a_usage_error(
        self, runner: CliRunner, caseload: list[Path]
    ) -> None:
        result = runner.invoke(app, ["score", "--json", "--csv", str(caseload[0])])
        assert_clean_exit(result, 2)
        assert "choose one of --json and --csv" in result.stderr
        assert result.stdout == ""


class TestSharedAmongCores:
    """A large caseload is shared among processes; what comes out is exactly the same."""

    @pytest.mark.parametrize("form", [["--csv"], ["--json"], []])
    def test_the_output_and_the_problems_do_not_change(
        self,
        runner: CliRunner,
        caseload: list[Path],
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        form: list[str],
    ) -> None:
        from screener.summaries import caseload as module

        bad = tmp_path / "bad.yaml"
        bad.write_text("format: nope\n")
        files = [*map(str, caseload), str(bad), *map(str, caseload)] * 3
        one = runner.invoke(app, ["score", *form, *files])
        monkeypatch.setattr(module, "PARALLEL_FROM", 2)
        monkeypatch.setattr(module, "_workers", lambda n: 2)  # even on a one-core machine
        shared = runner.invoke(app, ["score", *form, *files])
        assert_clean_exit(shared, 4)
        assert (shared.stdout, shared.stderr) == (one.stdout, one.stderr)
        assert shared.stdout.count(str(caseload[2])) == 6


class TestPartAndDemo:
    """Answers saved part-way and a demo's fictional answers stay marked wherever they go."""

    def test_the_csv_and_json_say_which_files_are_unfinished_or_fictional(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        demo = write_answers(tmp_path / "demo.yaml", COMPLETE)
        doc = yaml.safe_load(demo.read_text())
        doc["demo"] = "sam"
        demo.write_text(yaml.safe_dump(doc))
        part = write_answers(tmp_path / "part.yaml", {"use_any": True, "opioids_which": ["heroin"]})
        result = runner.invoke(app, ["score", "--csv", str(demo), str(part)])
        assert_clean_exit(result, 0)
        got = [(r["complete"], r["demo"]) for r in rows(result.stdout)]
        assert got == [("true", "sam"), ("false", "")]
        listed = json.loads(runner.invoke(app, ["score", "--json", str(demo), str(part)]).stdout)
        assert [(f["demo"], f["result"]["complete"]) for f in listed] == [
            ("sam", True),
            (None, False),
        ]

    def test_a_partial_file_scored_alone_says_the_screening_was_not_finished(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        part = write_answers(tmp_path / "part.yaml", {"use_any": True, "opioids_which": ["heroin"]})
        shown = " ".join(runner.invoke(app, ["score", str(part)]).stdout.split())
        assert "This screening was not finished:" in shown
        full = write_answers(tmp_path / "full.yaml", COMPLETE)
        assert "not finished" not in runner.invoke(app, ["score", str(full)]).stdout
