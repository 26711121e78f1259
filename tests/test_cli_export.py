"""`--export`, `--format` and `--force` on run and score, through typer's CliRunner."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from test_cli import (
    COMPLETE,
    COMPLETE_SUMMARY,
    WALK,
    answers_doc,
    assert_clean_exit,
    flat,
    piped,
    write_answers,
)
from typer.testing import CliRunner

from screener.cli import app

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
TITLE = "Opioid use self-screening: screening summary"


@pytest.fixture
def complete_file(tmp_path: Path) -> Path:
    return write_answers(tmp_path / "answers.yaml", COMPLETE)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


class TestFiles:
    """Each --export is written after the result, owner-only, with one line saying where."""

    def test_one_score_writes_every_format_asked_for(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path, permissive_umask: None
    ) -> None:
        targets = [tmp_path / n for n in ("s.md", "s.html", "s.txt", "s.json")]
        args = [arg for t in targets for arg in ("--export", str(t))]
        result = runner.invoke(app, ["score", str(complete_file), *args])
        assert_clean_exit(result, 0)
        assert COMPLETE_SUMMARY in flat(result.stdout)
        kinds = ("a Markdown summary", "an HTML summary", "a plain-text summary", "a JSON summary")
        for target, kind in zip(targets, kinds, strict=True):
            assert f"Saved {kind}" in result.stdout
            assert f"to {target} (only you can read it)." in flat(result.stdout)
            assert mode(target) == 0o600
        assert targets[0].read_text(encoding="utf-8").startswith(f"# {TITLE}\n")
        assert targets[1].read_text(encoding="utf-8").startswith("<!doctype html>")
        assert targets[2].read_text(encoding="utf-8").startswith(f"{TITLE}\n===")
        assert json.loads(targets[3].read_text(encoding="utf-8"))["format"] == "screener-answers/1"
        assert names(tmp_path) == ["answers.yaml", "s.html", "s.json", "s.md", "s.txt"]

    def test_a_piped_run_writes_its_summary(self, runner: CliRunner, tmp_path: Path) -> None:
        target = tmp_path / "summary.md"
        result = runner.invoke(app, ["run", "--export", str(target)], input=piped(WALK))
        assert_clean_exit(result, 0)
        assert "Your screening result" in result.stdout
        assert result.stdout.rstrip().endswith("(only you can read it).")
        text = flat(target.read_text(encoding="utf-8"))
        assert "6 of 11 criteria met: a pattern consistent with severe opioid use disorder" in text
        assert "Would you like to begin" not in text  # the consent question stays out

    def test_format_applies_to_every_export_whatever_its_name(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path
    ) -> None:
        one, two = tmp_path / "one.out", tmp_path / "two.md"
        exports = ["--export", str(one), "--export", str(two)]
        result = runner.invoke(app, ["score", str(complete_file), "--format", "txt", *exports])
        assert_clean_exit(result, 0)
        for target in (one, two):
            assert target.read_text(encoding="utf-8").startswith(f"{TITLE}\n====")

    def test_demo_answers_stay_marked_in_the_summary(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        source = tmp_path / "demo.json"
        source.write_text(json.dumps({**answers_doc(COMPLETE), "demo": "Sam"}), encoding="utf-8")
        md, again = tmp_path / "s.md", tmp_path / "s.json"
        result = runner.invoke(
            app,
            ["run", "--answers", str(source), "--export", str(md), "--export", str(again)],
            input="",
        )
        assert_clean_exit(result, 0)
        assert md.read_text(encoding="utf-8").splitlines()[2] == (
            "> **DEMO: fictional answers (persona Sam)**"
        )
        assert json.loads(again.read_text(encoding="utf-8"))["demo"] == "Sam"

    def test_declining_to_begin_writes_nothing(self, runner: CliRunner, tmp_path: Path) -> None:
        result = runner.invoke(
            app, ["run", "--export", str(tmp_path / "s.md")], input=piped(["1", "n"])
        )
        assert_clean_exit(result, 0)
        assert names(tmp_path) == []
        assert "Saved" not in result.stdout


class TestRoundTrip:
    """A JSON summary is an answers file: it scores the same and reopens without questions."""

    def test_score_of_the_export_gives_the_same_result(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path
    ) -> None:
        summary = tmp_path / "summary.json"
        first = runner.invoke(app, ["score", str(complete_file), "--json"])
        made = runner.invoke(app, ["score", str(complete_file), "--export", str(summary)])
        assert_clean_exit(made, 0)
        again = runner.invoke(app, ["score", str(summary), "--json"])
        assert_clean_exit(again, 0)
        assert again.stderr == ""
        assert json.loads(again.stdout) == json.loads(first.stdout)
        assert json.loads(summary.read_text(encoding="utf-8"))["result"] == json.loads(first.stdout)

    def test_run_reopens_the_export_of_a_piped_run_asking_nothing(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        summary = tmp_path / "summary.json"
        made = runner.invoke(app, ["run", "--export", str(summary)], input=piped(WALK))
        assert_clean_exit(made, 0)
        again = runner.invoke(app, ["run", "--answers", str(summary)], input="")
        assert_clean_exit(again, 0)
        assert again.stderr == ""
        assert "> " not in again.stdout
        assert "Would you like to begin?" not in again.stdout
        assert COMPLETE_SUMMARY in flat(again.stdout)

    def test_the_screening_date_survives_a_second_export(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        source = tmp_path / "taken.json"
        doc = {**answers_doc(COMPLETE), "created": "2026-11-01T09:05:00-05:00"}
        source.write_text(json.dumps(doc), encoding="utf-8")
        md, again = tmp_path / "s.md", tmp_path / "s.json"
        result = runner.invoke(
            app, ["score", str(source), "--export", str(md), "--export", str(again)]
        )
        assert_clean_exit(result, 0)
        text = md.read_text(encoding="utf-8")
        assert "- **Screening taken:** 1 November 2026, 09:05 (UTC-05:00)" in text
        assert "- **Summary made:** " in text
        assert json.loads(again.read_text(encoding="utf-8"))["created"] == doc["created"]


class TestStandardOutput:
    """`--export -` leaves the summary alone on standard output."""

    def test_score_prints_only_the_summary(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path
    ) -> None:
        copy = tmp_path / "copy.md"
        result = runner.invoke(
            app, ["score", str(complete_file), "--export", "-", "--export", str(copy)]
        )
        assert_clean_exit(result, 0)
        assert result.stdout == copy.read_text(encoding="utf-8")
        assert result.stdout.startswith(f"# {TITLE}\n")
        assert "Your screening result" not in result.stdout
        assert result.stderr.startswith("Saved a Markdown summary to ")

    def test_score_to_stdout_in_another_format(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        result = runner.invoke(
            app, ["score", str(complete_file), "--export", "-", "--format", "json"]
        )
        assert_clean_exit(result, 0)
        assert json.loads(result.stdout)["result"]["severity"] == "severe"
        assert result.stderr == ""

    def test_a_run_talks_on_stderr_and_prints_only_the_summary(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["run", "--export", "-"], input=piped(WALK))
        assert_clean_exit(result, 0)
        assert result.stdout.startswith(f"# {TITLE}\n")
        assert "> " not in result.stdout
        assert "Your screening result" not in result.stdout
        assert result.stderr.count("> ") == len(WALK)
        assert COMPLETE_SUMMARY in flat(result.stderr)

    def test_stdout_takes_one_summary(self, runner: CliRunner, complete_file: Path) -> None:
        result = runner.invoke(app, ["score", str(complete_file), "--export", "-", "--export", "-"])
        assert_clean_exit(result, 2)
        assert result.stdout == ""
        assert result.stderr == ("Error: --export -: standard output can take only one summary\n")

    def test_json_and_a_summary_cannot_share_stdout(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        result = runner.invoke(app, ["score", str(complete_file), "--json", "--export", "-"])
        assert_clean_exit(result, 2)
        assert result.stdout == ""
        assert "--json and --export - both write to standard output" in result.stderr

    def test_json_result_and_a_file_export_go_together(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "s.txt"
        result = runner.invoke(
            app, ["score", str(complete_file), "--json", "--export", str(target)]
        )
        assert_clean_exit(result, 0)
        assert json.loads(result.stdout)["severity"] == "severe"  # stdout stays pure JSON
        assert result.stderr.startswith("Saved a plain-text summary to ")
        assert target.exists()


class TestRefusals:
    """A bad target is one line before anything is asked; nothing is written."""

    def test_an_existing_file_is_kept_and_nothing_is_asked(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        target = tmp_path / "summary.md"
        target.write_text("mine", encoding="utf-8")
        result = runner.invoke(app, ["run", "--export", str(target)], input=piped(WALK))
        assert_clean_exit(result, 5)
        assert result.stdout == ""
        assert result.stderr == (
            f"Error: {target} already exists; choose another name, or add --force to replace it\n"
        )
        assert target.read_text(encoding="utf-8") == "mine"

    def test_force_replaces_it_owner_only(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path, permissive_umask: None
    ) -> None:
        target = tmp_path / "summary.md"
        target.write_text("mine", encoding="utf-8")
        target.chmod(0o644)
        result = runner.invoke(
            app, ["score", str(complete_file), "--export", str(target), "--force"]
        )
        assert_clean_exit(result, 0)
        assert target.read_text(encoding="utf-8").startswith(f"# {TITLE}")
        assert mode(target) == 0o600
        assert names(tmp_path) == ["answers.yaml", "summary.md"]

    def test_a_missing_folder_is_one_line_before_any_question(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        target = tmp_path / "nowhere" / "summary.md"
        result = runner.invoke(app, ["run", "--export", str(target)], input=piped(WALK))
        assert_clean_exit(result, 5)
        assert result.stdout == ""
        assert result.stderr == (
            f"Error: cannot save to {target}: the folder {target.parent} does not exist\n"
        )
        assert names(tmp_path) == []

    def test_one_bad_target_stops_the_others_too(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path
    ) -> None:
        good, bad = tmp_path / "good.md", tmp_path / "nowhere" / "bad.md"
        result = runner.invoke(
            app, ["score", str(complete_file), "--export", str(good), "--export", str(bad)]
        )
        assert_clean_exit(result, 5)
        assert result.stdout == ""
        assert not good.exists()

    @pytest.mark.skipif(IS_ROOT, reason="root writes into read-only folders")
    def test_an_unwritable_folder_is_one_line_before_any_question(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        folder = tmp_path / "locked"
        folder.mkdir(mode=0o500)
        try:
            target = folder / "summary.md"
            result = runner.invoke(app, ["run", "--export", str(target)], input=piped(WALK))
            assert_clean_exit(result, 5)
            assert result.stdout == ""
            assert result.stderr == (
                f"Error: cannot save to {target}: the folder {folder} is not writable\n"
            )
            assert names(folder) == []
        finally:
            folder.chmod(0o700)

    def test_a_failed_write_after_the_run_is_one_line_and_exit_5(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def full(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(os, "fsync", full)
        target = tmp_path / "summary.md"
        result = runner.invoke(app, ["run", "--export", str(target)], input=piped(WALK))
        assert_clean_exit(result, 5)
        assert COMPLETE_SUMMARY in flat(result.stdout)  # the result was shown first
        assert result.stderr == f"Error: {target}: cannot write: No space left on device\n"
        assert names(tmp_path) == []

    @pytest.mark.parametrize(
        ("args", "error"),
        [
            (
                ["--export", "summary.doc"],
                "cannot tell the format of 'summary.doc' from its name: "
                "use .md, .html, .txt, .json, .fhir.json or .collection.fhir.json, or --format",
            ),
            (
                ["--export", "s.md", "--format", "pdf"],
                "--format: 'pdf' is not a format; use md, html, txt, json, fhir or fhir-collection",
            ),
            (["--format", "md"], "--format only applies to --export: add --export PATH"),
            (["--force"], "--force only applies to --export: add --export PATH"),
            (["--export", "s.md", "--export", "./s.md"], "--export: ./s.md is given twice"),
        ],
    )
    @pytest.mark.parametrize("command", ["run", "score"])
    def test_usage_mistakes_exit_2_before_anything_is_asked(
        self,
        runner: CliRunner,
        complete_file: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        args: list[str],
        error: str,
        command: str,
    ) -> None:
        monkeypatch.chdir(tmp_path)
        before = names(tmp_path)
        head = ["run"] if command == "run" else ["score", str(complete_file)]
        result = runner.invoke(app, [*head, *args], input=piped(WALK))
        assert_clean_exit(result, 2)
        assert result.stdout == ""
        assert result.stderr == f"Error: {error}\n"
        assert names(tmp_path) == before


def refusing_folder() -> Path | None:
    """A folder the system refuses files in, even to root (Linux's /sys), or None."""
    import tempfile

    for folder in (Path("/sys"), Path("/proc")):
        if folder.is_dir():
            try:
                fd, name = tempfile.mkstemp(dir=folder)
            except OSError:
                return folder
            os.close(fd)
            Path(name).unlink()
    return None


class TestMore:
    """FHIR through the command line, demos, caseloads, and a folder even root cannot use."""

    def test_a_fhir_export_is_a_valid_r4_bundle(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path
    ) -> None:
        from fhir.resources.R4B.bundle import Bundle

        target = tmp_path / "summary.fhir.json"
        result = runner.invoke(app, ["score", str(complete_file), "--export", str(target)])
        assert_clean_exit(result, 0)
        assert "Saved a FHIR bundle" in result.stdout
        assert mode(target) == 0o600
        data = json.loads(target.read_text("utf-8"))
        Bundle.model_validate(data)
        kinds = [e["resource"]["resourceType"] for e in data["entry"]]
        assert kinds[0] == "QuestionnaireResponse"
        assert set(kinds[1:]) == {"Observation"}

    def test_a_played_demo_can_be_exported_and_says_demo(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        target = tmp_path / "riley.md"
        result = runner.invoke(app, ["demo", "riley", "--pace", "0", "--export", str(target)])
        assert_clean_exit(result, 0)
        text = target.read_text("utf-8")
        assert "DEMO: fictional answers" in text.split("\n\n")[1]  # right under the title
        again = runner.invoke(app, ["demo", "--export", str(tmp_path / "x.md")])
        assert_clean_exit(again, 2)
        assert "name the persona to play" in again.stderr

    def test_a_caseload_cannot_be_exported_as_one_summary(
        self, runner: CliRunner, complete_file: Path, tmp_path: Path
    ) -> None:
        other = write_answers(tmp_path / "other.json", COMPLETE)
        target = tmp_path / "s.md"
        args = ["score", str(complete_file), str(other), "--export", str(target)]
        result = runner.invoke(app, args)
        assert_clean_exit(result, 2)
        assert "--export writes the summary of one answers file" in result.stderr
        assert not target.exists()

    def test_a_folder_the_system_refuses_is_one_line_and_exit_5(
        self, runner: CliRunner, complete_file: Path
    ) -> None:
        folder = refusing_folder()
        if folder is None:
            pytest.skip("no folder here refuses new files to this user")
        target = folder / "summary.md"
        result = runner.invoke(app, ["score", str(complete_file), "--export", str(target)])
        assert_clean_exit(result, 5)
        [line] = result.stderr.splitlines()
        assert line.startswith(f"Error: {target}") or line.startswith(
            f"Error: cannot save to {target}"
        )
        assert not target.exists()


class TestEverythingAnExportNeedsComesFirst:
    """The bank in the --export-lang language, translation file included, is loaded and
    checked before the first question: not after a whole screening."""

    @pytest.fixture
    def broken_spanish(self, tmp_path: Path) -> Path:
        root = Path(__file__).parent.parent
        folder = tmp_path / "bank"
        folder.mkdir()
        (folder / "questions.yaml").write_text(
            (root / "questions.yaml").read_text(encoding="utf-8"), encoding="utf-8"
        )
        spanish = (root / "questions.es.yaml").read_text(encoding="utf-8")
        (folder / "questions.es.yaml").write_text(spanish + "  bogus: [\n", encoding="utf-8")
        return folder / "questions.yaml"

    @pytest.mark.parametrize("command", ["run", "score", "demo"])
    def test_a_broken_translation_stops_before_anything_is_asked_or_written(
        self, runner: CliRunner, broken_spanish: Path, complete_file: Path, command: str
    ) -> None:
        out = complete_file.parent / "s.md"
        args = {"run": ["run"], "score": ["score", str(complete_file)], "demo": ["demo", "sam"]}
        result = runner.invoke(
            app,
            [*args[command], "--bank", str(broken_spanish), "--export", str(out)]
            + ["--export-lang", "es", "--perspective", "self"] * (command == "run")
            + ["--export-lang", "es"] * (command != "run"),
            input=piped(WALK),
        )
        assert result.exit_code == 3, result.output
        assert result.stderr.startswith(f"Error: {broken_spanish.parent}/questions.es.yaml:")
        assert "not valid YAML" in result.stderr  # in the run's language, English
        assert "?" not in result.stdout  # no question was asked
        assert not out.exists()
