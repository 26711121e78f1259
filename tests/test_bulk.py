"""Bulk input: `score FILE.ndjson` and `score -` score one FHIR QuestionnaireResponse a line,
each as a row of a caseload, a bad line named by its number, the file read as it is scored."""

from __future__ import annotations

import csv
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from test_cli import COMPLETE, assert_clean_exit, write_answers
from test_fhir import answer_sets, counter, summary_of
from typer.testing import CliRunner

from screener import pool
from screener.cli import app
from screener.core.model import Bank
from screener.files.readfile import MAX_FILE_BYTES
from screener.summaries import fhir


def response(bank: Bank, values: dict[str, Any]) -> dict[str, Any]:
    """screener's own FHIR QuestionnaireResponse for `values`."""
    bundle = fhir.response_bundle(summary_of(bank, values), counter(), fhir.COLLECTION)
    resource: dict[str, Any] = bundle["entry"][0]["resource"]
    return resource


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def responses(bank: Bank) -> list[dict[str, Any]]:
    sets = answer_sets(bank)
    return [response(bank, sets[name]) for name in sorted(sets)[:4]]


@pytest.fixture
def bulk(tmp_path: Path, responses: list[dict[str, Any]]) -> Path:
    path = tmp_path / "export.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in responses), encoding="utf-8")
    return path


class TestRows:
    def test_each_line_is_the_row_its_response_gets_as_a_file(
        self, runner: CliRunner, tmp_path: Path, bulk: Path, responses: list[dict[str, Any]]
    ) -> None:
        singles = []
        for i, r in enumerate(responses):
            single = tmp_path / f"r{i}.json"
            single.write_text(json.dumps(r), encoding="utf-8")
            singles.append(single)
        alone = runner.invoke(app, ["score", "--csv", *map(str, singles)])
        together = runner.invoke(app, ["score", str(bulk), "--csv"])
        assert_clean_exit(together, 0)
        got, expected = rows(together.stdout), rows(alone.stdout)
        assert [row.pop("file") for row in got] == [f"{bulk}:{n}" for n in range(1, 5)]
        for row in expected:
            row.pop("file")
        assert got == expected

    def test_standard_input_is_read_the_same_way(
        self, runner: CliRunner, bulk: Path, responses: list[dict[str, Any]]
    ) -> None:
        piped = runner.invoke(app, ["score", "-", "--csv"], input=bulk.read_text("utf-8"))
        assert_clean_exit(piped, 0)
        named = runner.invoke(app, ["score", str(bulk), "--csv"])
        assert [r.pop("file") for r in rows(piped.stdout)] == [f"<stdin>:{n}" for n in range(1, 5)]
        assert [{**r, "file": ""} for r in rows(piped.stdout)] == [
            {**r, "file": ""} for r in rows(named.stdout)
        ]

    def test_without_csv_each_line_gets_a_line_and_with_json_a_result(
        self, runner: CliRunner, bulk: Path
    ) -> None:
        lines = runner.invoke(app, ["score", str(bulk)])
        assert_clean_exit(lines, 0)
        assert [line.split(": ", 1)[0] for line in lines.stdout.splitlines()] == [
            f"{bulk}:{n}" for n in range(1, 5)
        ]
        listed = runner.invoke(app, ["score", str(bulk), "--json"])
        assert_clean_exit(listed, 0)
        data = json.loads(listed.stdout)
        assert [d["file"] for d in data] == [f"{bulk}:{n}" for n in range(1, 5)]
        assert listed.stdout == json.dumps(data, indent=2) + "\n"  # as one list was ever

    def test_a_bulk_file_and_answers_files_go_together_in_the_order_given(
        self, runner: CliRunner, tmp_path: Path, bulk: Path
    ) -> None:
        single = write_answers(tmp_path / "one.json", COMPLETE)
        result = runner.invoke(app, ["score", "--csv", str(single), str(bulk), str(single)])
        assert_clean_exit(result, 0)
        assert [r["file"] for r in rows(result.stdout)] == [
            str(single),
            *(f"{bulk}:{n}" for n in range(1, 5)),
            str(single),
        ]

    def test_blank_lines_are_passed_over_and_numbers_stay_those_of_the_file(
        self, runner: CliRunner, bulk: Path
    ) -> None:
        lines = bulk.read_text("utf-8").splitlines()
        bulk.write_text("\n" + lines[0] + "\n\n  \n" + lines[1] + "\n", encoding="utf-8")
        result = runner.invoke(app, ["score", str(bulk), "--csv"])
        assert_clean_exit(result, 0)
        assert [r["file"] for r in rows(result.stdout)] == [f"{bulk}:2", f"{bulk}:5"]


class TestBadLines:
    def test_a_bad_line_is_named_by_its_number_and_the_rest_still_scored(
        self, runner: CliRunner, bulk: Path
    ) -> None:
        lines = bulk.read_text("utf-8").splitlines()
        broken = json.loads(lines[1])
        broken["status"] = "finished"
        lines[1] = json.dumps(broken)
        lines.insert(2, '{"resourceType": "QuestionnaireResponse", oops}')
        bulk.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = runner.invoke(app, ["score", str(bulk), "--csv"])
        assert_clean_exit(result, 4)
        assert [r["file"] for r in rows(result.stdout)] == [f"{bulk}:1", f"{bulk}:4", f"{bulk}:5"]
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert errors[0].startswith(f"Error: {bulk}:2: status: ")
        assert errors[1].startswith(f"Error: {bulk}:3: not valid JSON: ")
        assert result.stderr.splitlines()[-1] == (
            "2 of 5 records could not be scored (listed above); the others were."
        )

    def test_a_line_past_the_size_limit_is_refused_unread_and_the_next_one_read(
        self, runner: CliRunner, bulk: Path
    ) -> None:
        lines = bulk.read_text("utf-8").splitlines()
        huge = '{"resourceType": "QuestionnaireResponse", "x": "' + "a" * MAX_FILE_BYTES + '"}'
        bulk.write_text("\n".join([lines[0], huge, lines[1]]) + "\n", encoding="utf-8")
        result = runner.invoke(app, ["score", str(bulk), "--csv"])
        assert_clean_exit(result, 4)
        assert [r["file"] for r in rows(result.stdout)] == [f"{bulk}:1", f"{bulk}:3"]
        assert f"Error: {bulk}:2: the line is longer than 2 MiB" in result.stderr

    def test_a_line_that_is_not_utf8_is_named(self, runner: CliRunner, bulk: Path) -> None:
        with bulk.open("ab") as out:
            out.write(b'{"resourceType": "\xff"}\n')
        result = runner.invoke(app, ["score", str(bulk), "--csv"])
        assert_clean_exit(result, 4)
        assert f"Error: {bulk}:5: cannot read the answers: not UTF-8 text" in result.stderr

    def test_a_bulk_file_that_cannot_be_read_is_one_problem(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        folder = tmp_path / "dir.ndjson"
        folder.mkdir()
        result = runner.invoke(app, ["score", str(folder), "--csv"])
        assert_clean_exit(result, 4)
        assert f"Error: {folder}: is a folder, not an answers file" in result.stderr
        missing = runner.invoke(app, ["score", str(tmp_path / "none.ndjson")])
        assert_clean_exit(missing, 4)
        assert "no such answers file" in missing.stderr


@pytest.mark.skipif(not pool.forkable(), reason="bounded workers need fork on Linux")
class TestBounded:
    def test_items_are_taken_as_they_are_handed_out_not_all_at_once(self) -> None:
        taken = itertools.count()

        def endless() -> Any:
            for i in itertools.count():
                next(taken)
                yield i

        results = pool.run(abs, endless(), processes=2, seconds=10, memory_mib=64)
        got = list(itertools.islice(results, 3000))
        results.close()
        assert got == list(range(3000))
        # What was taken beyond the results given: what the workers hold and what waits for
        # its turn, never the whole (endless) input.
        ahead = next(taken) - 3000
        assert ahead <= 2 * (2 * pool.CHUNK) + pool.AHEAD * pool.CHUNK * 2 + 1

    def test_results_waiting_behind_a_slow_item_stop_the_handing_out(self) -> None:
        taken = itertools.count()

        def items() -> Any:
            for i in range(20_000):
                next(taken)
                yield i

        results = pool.run(_slow_first, items(), processes=2, seconds=10, memory_mib=64)
        first = next(results)  # the slow one: the other worker went on meanwhile
        results.close()
        assert first == 0
        assert next(taken) < 20_000  # it did not read everything while the first one took


def _slow_first(item: int) -> int:
    if item == 0:
        import time

        time.sleep(1.0)
    return item
