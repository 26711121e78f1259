"""The library as a clinic's own Python uses it (screener.api): load the bank, read an answers
file or a FHIR response, score, build a summary, write it; and a caseload."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import COMPLETE, write_answers

from screener import api
from screener.errors import AnswersError, ExportError


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    (tmp_path / "intake").mkdir()
    return write_answers(tmp_path / "intake" / "client-7.json", dict(COMPLETE))


class TestAClinicsScript:
    """What a clinic writes: one file in, a Markdown and a JSON summary out."""

    def test_load_read_score_summarise_and_write_markdown_and_json(
        self, answers_file: Path, tmp_path: Path
    ) -> None:
        bank = api.load_bank()
        given = api.read_answers(answers_file, bank)
        assert given.warnings == [] and not given.fhir
        result = api.score(bank, given.answers)
        assert result.count == 6 and result.severity == "severe"
        summary = api.summary(bank, given.answers, result, subject="Patient/7")
        out = tmp_path / "summaries"
        out.mkdir()
        assert api.write(summary, out / "client-7.md") == "md"
        assert api.write(summary, out / "client-7.json") == "json"
        for name in ("client-7.md", "client-7.json"):
            assert (out / name).stat().st_mode & 0o777 == 0o600
        markdown = (out / "client-7.md").read_text("utf-8")
        assert "6 of 11" in markdown and "not a diagnosis" in markdown
        doc = json.loads((out / "client-7.json").read_text("utf-8"))
        assert doc["answers"]["craving"] is True
        assert doc["result"]["severity"] == "severe"
        # What was written reads back as the same screening.
        again = api.read_answers(out / "client-7.json", bank)
        assert api.score(bank, again.answers) == result

    def test_a_summary_is_never_written_over_a_file_unless_asked(
        self, answers_file: Path, tmp_path: Path
    ) -> None:
        bank = api.load_bank()
        answers = api.read_answers(answers_file, bank).answers
        summary = api.summary(bank, answers, api.score(bank, answers))
        target = tmp_path / "kept.txt"
        target.write_text("the clinic's own notes\n", encoding="utf-8")
        with pytest.raises(ExportError):
            api.write(summary, target)
        assert target.read_text("utf-8") == "the clinic's own notes\n"
        assert api.write(summary, target, replace=True) == "txt"
        assert "screening" in target.read_text("utf-8").lower()

    def test_the_format_can_be_given_whatever_the_name(
        self, answers_file: Path, tmp_path: Path
    ) -> None:
        bank = api.load_bank()
        answers = api.read_answers(answers_file, bank).answers
        summary = api.summary(bank, answers, api.score(bank, answers))
        assert api.write(summary, tmp_path / "for-the-record", "fhir") == "fhir"
        bundle = json.loads((tmp_path / "for-the-record").read_text("utf-8"))
        assert bundle["resourceType"] == "Bundle"

    def test_a_summary_in_spanish_from_an_english_screening(self, answers_file: Path) -> None:
        bank = api.load_bank(language="en")
        answers = api.read_answers(answers_file, bank).answers
        result = api.score(bank, answers)
        spanish = api.text(api.summary(bank, answers, result, language="es"), "md")
        english = api.text(api.summary(bank, answers, result), "md")
        assert "no un diagnóstico" in " ".join(spanish.split())
        assert "not a diagnosis" in english and "not a diagnosis" not in spanish

    def test_a_fhir_response_is_read_like_an_answers_file(
        self, answers_file: Path, tmp_path: Path
    ) -> None:
        bank = api.load_bank()
        answers = api.read_answers(answers_file, bank).answers
        summary = api.summary(bank, answers, api.score(bank, answers))
        response = tmp_path / "response.fhir.json"
        response.write_text(api.text(summary, "fhir"), encoding="utf-8")
        # The bundle holds the QuestionnaireResponse; a clinic's record is the response alone.
        entries = json.loads(response.read_text("utf-8"))["entry"]
        [qr] = [e["resource"] for e in entries if e["resource"]["resourceType"] == "Questionnaire"
                "Response"]  # fmt: skip
        alone = tmp_path / "qr.json"
        alone.write_text(json.dumps(qr), encoding="utf-8")
        given = api.read_answers(alone, bank)
        assert given.fhir
        assert api.score(bank, given.answers) == api.score(bank, answers)

    def test_a_bad_answers_file_raises_with_its_line(self, tmp_path: Path) -> None:
        bad = write_answers(tmp_path / "bad.yaml", {"use_any": "maybe"})
        with pytest.raises(AnswersError) as caught:
            api.read_answers(bad, api.load_bank())
        assert "bad.yaml:" in caught.value.message and "use_any" in caught.value.message


class TestCaseload:
    """Many files: a row each, as they come; a bad one is named and the others still scored."""

    def test_rows_for_the_good_files_and_one_line_for_the_bad(self, tmp_path: Path) -> None:
        good = write_answers(tmp_path / "a.json", dict(COMPLETE))
        none = write_answers(tmp_path / "b.json", {"use_any": False})
        bad = tmp_path / "c.json"
        bad.write_text("{", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        failed, total = api.score_caseload([good, none, bad], api.load_bank(), "csv", out, err)
        assert (failed, total) == (1, 3)
        rows = out.getvalue().splitlines()
        assert rows[0].startswith("file,") and len(rows) == 3
        assert "c.json" in err.getvalue()
        assert api.caseload_failures(failed, total, bulk=False) == (
            "1 of 3 files could not be scored (listed above); the others were."
        )
        assert api.caseload_failures(0, 3, bulk=False) is None


class TestStartUp:
    """Importing the library costs nothing a command does not use."""

    def test_importing_the_library_loads_no_terminal_yaml_or_command_line_code(self) -> None:
        code = (
            "import sys, screener.api\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'yaml', 'typer'}))\n"
            "print(sorted(m for m in sys.modules if m.startswith('screener.')))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        heavy, loaded = done.stdout.splitlines()
        assert heavy == "[]"
        assert "screener.files.bank" not in loaded and "screener.summaries" not in loaded
