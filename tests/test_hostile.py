"""Files written by someone else, tried as an attacker would: every case runs the real command
under capped memory and time (conftest.run_limited), and must end in a located error line and
its documented exit code, or a result, with nothing unprintable reaching the terminal."""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import bank_problems, bank_text, run_limited
from test_cli import COMPLETE, WALK, answers_doc, piped, write_answers

from screener.files.bank import parse_bank
from screener.files.readfile import MAX_FILE_BYTES
from screener.files.yamlsrc import MAX_DEPTH, MAX_VALUES

# Anything a terminal would act on rather than show: C0/C1 controls but newline, ESC sequences,
# bidirectional overrides and isolates, zero-width characters.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
# A title-setting OSC, a colour, a bidi override and a zero-width space, as one bad string.
NASTY = "\x1b]0;owned\x07\x1b[31mred\u202eevil\u200b\x9b2J"

BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
            for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def nested(depth: int, flow: bool) -> str:
    """A document `depth` mappings deep, in flow (`{a: {a: ...}}`) or block style."""
    if flow:
        return "a: " + "{a: " * depth + "1" + "}" * depth + "\n"
    return "".join(f"{'  ' * i}a:\n" for i in range(depth)) + "  " * depth + "a: 1\n"


def fresh_doc() -> dict[str, Any]:
    """A complete answers document of its own, to change freely."""
    return answers_doc(copy.deepcopy(COMPLETE))


def text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def assert_one_error(result: Any, code: int, *, name: str | None = None) -> str:
    """Exit `code`, no traceback, nothing unprintable, and the first line an `Error:` naming
    the file with a line number. Returns stderr."""
    out, err = text(result.stdout), text(result.stderr)
    assert result.returncode == code, (out, err)
    assert "Traceback" not in out + err
    assert not UNSAFE.search(out + err), repr(out + err)
    first = err.splitlines()[0]
    assert first.startswith("Error: "), err
    if name is not None:
        assert re.match(rf"Error: {re.escape(name)}(:\d+)?: ", first), first
    assert "Usage:" not in err  # the file's problem, not the command line's
    return err


@pytest.fixture
def answers_file(tmp_path: Path) -> Path:
    return write_answers(tmp_path / "complete.yaml", COMPLETE)


def bank_with(change: Callable[[dict[str, Any]], None]) -> str:
    return bank_text(change)


class TestBoundedWork:
    """Alias bombs, deep nesting, huge and odd numbers: refused at their line, quickly."""

    @pytest.mark.parametrize(
        ("kind", "args", "code"),
        [
            ("answers", ["score", "{file}"], 4),
            ("answers", ["score", "{file}", "--csv"], 4),
            ("answers", ["run", "--answers", "{file}"], 4),
            ("bank", ["validate", "{file}"], 3),
            ("bank", ["run", "--bank", "{file}"], 3),
            ("personas", ["demo", "--personas", "{file}"], 4),
        ],
    )
    def test_an_alias_bomb_is_refused_at_its_line(
        self, tmp_path: Path, kind: str, args: list[str], code: int
    ) -> None:
        path = tmp_path / f"{kind}.yaml"
        path.write_text(BOMB, encoding="utf-8")
        assert path.stat().st_size < 700
        result = run_limited([a.format(file=path) for a in args], input="")
        err = assert_one_error(result, code, name=str(path))
        assert "more than 200,000 values once aliases are expanded" in err
        assert re.search(r":[5-9]: ", err)  # the alias line that crossed the bound

    def test_a_bank_that_uses_anchors_sensibly_still_works(self, tmp_path: Path) -> None:
        source = bank_text().replace("source:\n  - dsm5", "source: &src\n  - dsm5", 1)
        source = source.replace("source:\n  - dsm5", "source: *src")
        assert "*src" in source and "&src" in source
        path = tmp_path / "bank.yaml"
        path.write_text(source, encoding="utf-8")
        result = run_limited(["validate", str(path)])
        assert result.returncode == 0, text(result.stderr)
        assert b": OK: bank mini" in result.stdout

    def test_a_merge_key_bomb_is_refused_too(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(BOMB + "\nm:\n  <<: *a\n", encoding="utf-8")
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "alias bomb" in err

    @pytest.mark.parametrize("flow", [True, False], ids=["flow", "block"])
    @pytest.mark.parametrize(
        ("kind", "command", "code"), [("answers", "score", 4), ("bank", "validate", 3)]
    )
    def test_deep_nesting_is_refused_at_its_line(
        self, tmp_path: Path, flow: bool, kind: str, command: str, code: int
    ) -> None:
        path = tmp_path / f"{kind}.yaml"
        path.write_text(nested(500, flow), encoding="utf-8")
        err = assert_one_error(run_limited([command, str(path)]), code, name=str(path))
        assert "nested more than 64 levels deep" in err or "maximum nesting depth" in err

    def test_json_nested_past_the_recursion_limit_is_an_error_not_a_crash(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "a.json"
        path.write_text('{"answers": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "nest" in err

    def test_nesting_just_inside_the_bound_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        doc = fresh_doc()
        doc["result"] = json.loads("[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2))
        path.write_text(yaml.safe_dump(doc), encoding="utf-8")
        result = run_limited(["score", str(path), "--json"])
        assert result.returncode == 0, text(result.stderr)

    @pytest.mark.parametrize("suffix", [".yaml", ".json"])
    def test_an_integer_of_any_length_is_a_located_error(self, tmp_path: Path, suffix: str) -> None:
        path = tmp_path / f"a{suffix}"
        doc = fresh_doc()
        body = json.dumps(doc, indent=1).replace('"not_applicable"', "9" * 50_000)
        path.write_text(body, encoding="utf-8")
        line = next(n for n, s in enumerate(body.splitlines(), 1) if "99999" in s)
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert f"{path}:{line}: " in err
        assert "a number of 50000 characters is too long to read" in err
        assert len(err) < 400

    def test_a_long_integer_where_text_is_wanted_prints_short(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(
            yaml.safe_dump(fresh_doc()) + "demo: " + "7" * 99 + "\n",
            encoding="utf-8",
        )
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "demo: expected the name of the fictional persona, got a number of about 99" in err
        assert "7" * 70 not in err

    def test_nan_in_json_is_a_located_error(self, tmp_path: Path) -> None:
        path = tmp_path / "a.json"
        body = json.dumps(fresh_doc(), indent=1).replace('"never"', "NaN")
        path.write_text(body, encoding="utf-8")
        line = next(n for n, s in enumerate(body.splitlines(), 1) if "NaN" in s)
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        # JSON refuses NaN; YAML, which reads every JSON file again for its lines, reads it as
        # text: either way the answer is refused at its line.
        assert f"{path}:{line}: " in err
        assert "NaN" in err

    def test_nan_in_yaml_is_a_wrong_answer_that_prints_safely(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(fresh_doc()).replace("ctx_mood: false", "ctx_mood: .nan"))
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "answers.ctx_mood: expected true or false, got nan" in err

    @pytest.mark.parametrize("where", ["value", "key"])
    def test_a_lone_surrogate_in_json_is_a_located_error(self, tmp_path: Path, where: str) -> None:
        path = tmp_path / "a.json"
        doc = fresh_doc()
        if where == "value":
            doc["demo"] = "x\ud800y"
        else:
            doc["answers"]["x\udc00"] = True
        body = json.dumps(doc, indent=1)  # ensure_ascii writes the surrogate as \\udXXX
        path.write_text(body, encoding="utf-8")
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "is a lone surrogate, not a character" in err
        assert re.search(rf"{re.escape(str(path))}:\d+: ", err)

    def test_a_file_over_the_size_limit_is_refused_before_it_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "huge.yaml"
        with path.open("wb") as f:  # sparse: 8 GiB that take no disk and no time to make
            f.truncate(8 << 30)
        result = run_limited(["score", str(path)], memory=512 << 20)
        err = assert_one_error(result, 4, name=str(path))
        assert "is larger than 2 MiB, too large for an answers file" in err

    def test_a_file_just_under_the_size_limit_is_still_read(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        body = yaml.safe_dump(fresh_doc())
        padding = MAX_FILE_BYTES - len(body.encode()) - 1
        path.write_text(body + "#" * (padding - 1) + "\n", encoding="utf-8")
        assert path.stat().st_size < MAX_FILE_BYTES
        result = run_limited(["score", str(path), "--json"])
        assert result.returncode == 0, text(result.stderr)

    def test_a_flat_list_of_too_many_values_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "a.yaml"
        path.write_text("answers: [" + "1," * (MAX_VALUES + 10) + "1]\n", encoding="utf-8")
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "more than 200,000 values" in err

    def test_a_key_ten_thousand_characters_long_is_shortened_in_the_error(
        self, tmp_path: Path
    ) -> None:
        doc = fresh_doc()
        doc["answers"]["k" * 10_000] = True
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(doc, width=20_000), encoding="utf-8")
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "is not a question in this bank" in err
        assert max(len(line) for line in err.splitlines()) < 400


class TestSpecialFiles:
    """Not a regular file: one clear line and the file kind's exit code, never a hang."""

    @pytest.fixture
    def fifo(self, tmp_path: Path) -> Path:
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
        return path

    @pytest.mark.parametrize(
        ("args", "code", "what"),
        [
            (["score", "{file}"], 4, "an answers"),
            (["score", "{file}", "{good}"], 4, "an answers"),
            (["run", "--answers", "{file}"], 4, "an answers"),
            (["validate", "{file}"], 3, "a bank"),
            (["questions", "--bank", "{file}"], 3, "a bank"),
            (["demo", "--personas", "{file}"], 4, "a personas"),
        ],
    )
    @pytest.mark.parametrize("special", ["fifo", "zero", "folder"])
    def test_a_special_file_is_named_and_refused(
        self,
        tmp_path: Path,
        fifo: Path,
        answers_file: Path,
        args: list[str],
        code: int,
        what: str,
        special: str,
    ) -> None:
        target = {"fifo": fifo, "zero": Path("/dev/zero"), "folder": tmp_path}[special]
        kind = {"fifo": "a pipe (FIFO)", "zero": "a device", "folder": "a folder"}[special]
        result = run_limited(
            [a.format(file=target, good=answers_file) for a in args], input="", timeout=20
        )
        err = assert_one_error(result, code, name=str(target))
        assert f"{target}: is {kind}, not {what} file" in err

    @pytest.mark.parametrize(
        ("args", "code", "what"),
        [
            (["score", "{file}"], 4, "answers"),
            (["score", "--json", "{file}"], 4, "answers"),
            (["score", "{good}", "{file}"], 4, "answers"),
            (["score", "--csv", "{file}", "{good}"], 4, "answers"),
            (["run", "--answers", "{file}"], 4, "answers"),
            (["validate", "{file}"], 3, "bank"),
            (["questions", "--bank", "{file}"], 3, "bank"),
            (["explain", "--bank", "{file}"], 3, "bank"),
            (["run", "--bank", "{file}"], 3, "bank"),
            (["demo", "--personas", "{file}"], 4, "personas"),
        ],
    )
    def test_an_unreadable_file_is_named_and_refused_by_screener_not_the_framework(
        self, answers_file: Path, unreadable: Any, args: list[str], code: int, what: str
    ) -> None:
        """Mode 000, read by a user who is not root: the file's own exit code and a located
        line, never Typer's usage error (exit 2)."""
        answers_file.chmod(0o644)
        answers_file.parent.chmod(0o755)
        locked = unreadable("locked.yaml", answers_file.read_text(encoding="utf-8"))
        good = unreadable("good.yaml", "")
        good.chmod(0o644)
        good.write_text(answers_file.read_text(encoding="utf-8"), encoding="utf-8")
        argv = [a.format(file=locked, good=good) for a in args]
        result = run_limited(argv, input="", unprivileged=True)
        out, err = text(result.stdout), text(result.stderr)
        assert result.returncode == code, (out, err)
        assert f"Error: {locked}: cannot read the {what}: Permission denied\n" in err
        assert "Usage:" not in err and "Traceback" not in err
        if str(good) in argv:  # a caseload: the good file is still scored
            assert "good.yaml" in out

    @pytest.mark.parametrize(
        ("command", "code", "what"), [("score", 4, "answers"), ("validate", 3, "bank")]
    )
    def test_a_file_that_cannot_be_opened_is_named_with_the_system_s_reason(
        self, answers_file: Path, command: str, code: int, what: str
    ) -> None:
        """A path through a file, as root too (who reads a file of any mode)."""
        through = answers_file / "inside.yaml"
        err = assert_one_error(run_limited([command, str(through)]), code, name=str(through))
        assert f"cannot read the {what}: Not a directory" in err


class TestNothingRawReachesTheTerminal:
    """Escape sequences, bidi overrides and zero-width characters, wherever a file puts them."""

    def test_an_escape_in_a_file_name_is_shown_escaped_on_one_line(self, tmp_path: Path) -> None:
        path = tmp_path / "x\nError: all good\x1b[2J.yaml"
        path.write_text("format: 1\n", encoding="utf-8")
        err = assert_one_error(run_limited(["score", str(path)]), 4)
        assert "x\\nError: all good\\x1b[2J.yaml:1: format" in err
        assert not any(line.startswith("Error: all good") for line in err.splitlines())

    def test_a_caseload_of_hostile_names_keeps_one_row_and_one_line_per_file(
        self, tmp_path: Path
    ) -> None:
        good = write_answers(tmp_path / f"a{NASTY}\n=cmd.yaml", COMPLETE)
        bad = tmp_path / "b\r\nfake,row.yaml"
        bad.write_text(f"format: 1\nanswers: {{{json.dumps(NASTY)}: true}}\n", encoding="utf-8")
        result = run_limited(["score", "--csv", str(good), str(bad)])
        out, err = text(result.stdout), text(result.stderr)
        assert result.returncode == 4
        assert not UNSAFE.search(out + err), repr(out + err)
        rows = out.splitlines()
        assert len(rows) == 2  # the header and the good file's row
        assert "\\x1b]0;owned\\x07" in rows[1]
        assert [line for line in err.splitlines() if line.startswith("Error:")]
        assert all("\n" not in line for line in err.splitlines())
        lines = run_limited(["score", str(good), str(bad)])
        assert not UNSAFE.search(text(lines.stdout + lines.stderr))
        assert len(text(lines.stdout).splitlines()) == 1

    def test_a_key_and_a_value_full_of_escapes_are_escaped_in_errors(self, tmp_path: Path) -> None:
        doc = fresh_doc()
        doc["answers"][NASTY] = True
        doc["answers"]["ctx_attempts"] = NASTY
        doc[NASTY] = 1
        path = tmp_path / "a.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        err = assert_one_error(run_limited(["score", str(path)]), 4, name=str(path))
        assert "\\x1b]0;owned\\x07" in err
        assert "\\u202e" in err

    def test_a_bank_full_of_escapes_shows_none_of_them(self, tmp_path: Path) -> None:
        def poison(bank: dict[str, Any]) -> None:
            bank["title"] = f"Title {NASTY}"
            question = bank["sections"][0]["questions"][0]
            question["text"] = f"Any use {NASTY}?"
            bank["emergency"]["steps"][0] = f"Call 911 {NASTY}"
            bank["caveats"][0]["text"] = f"Not a diagnosis {NASTY}"

        path = tmp_path / "bank.yaml"
        path.write_text(bank_with(poison), encoding="utf-8")
        parse_bank(path.read_text(encoding="utf-8"))  # valid: the text is only cleaned
        walk = piped(["!", "n"])  # the emergency box, then no use: the result
        result = run_limited(["run", "--bank", str(path)], input=walk)
        out = text(result.stdout + result.stderr)
        assert result.returncode == 0, out
        assert "Any use" in out and "Call 911" in out and "Not a diagnosis" in out
        assert not UNSAFE.search(out), repr(out)
        listed = run_limited(["questions", "--bank", str(path)])
        assert not UNSAFE.search(text(listed.stdout)), repr(listed.stdout)

    @pytest.mark.parametrize("args", [["demo", "--json"], ["demo"], ["questions", "--json"]])
    def test_a_persona_sketch_full_of_escapes_shows_none_of_them(
        self, tmp_path: Path, args: list[str]
    ) -> None:
        root = Path(__file__).parent.parent
        personas = yaml.safe_load((root / "screener" / "personas.yaml").read_text(encoding="utf-8"))
        personas["personas"][0]["sketch"]["en"] = f"Evil {NASTY}"
        path = tmp_path / "p.yaml"
        path.write_text(yaml.safe_dump(personas, allow_unicode=True), encoding="utf-8")
        result = run_limited([*args, "--personas", str(path)] if args[0] == "demo" else args)
        out = text(result.stdout)
        assert result.returncode == 0, text(result.stderr)
        if args[0] == "demo":
            assert "Evil" in out
        assert not UNSAFE.search(out), repr(out)
        assert "\\u202e" not in out and "\\u001b" not in out  # nor escaped in the JSON

    def test_typed_escapes_reach_neither_the_screen_nor_the_summary(self, tmp_path: Path) -> None:
        export = tmp_path / "s.md"
        typed = [f"{WALK[0]}\x1b[A", *WALK[1:3], f"x{NASTY}", *WALK[3:]]
        result = run_limited(["run", "--export", str(export)], input=piped(typed))
        out = text(result.stdout + result.stderr)
        assert result.returncode == 0, out
        assert "'xredevil' is not a list of choices" in out  # cleaned, then refused
        assert not UNSAFE.search(out), repr(out)
        assert not UNSAFE.search(export.read_text(encoding="utf-8"))

    @pytest.mark.parametrize("fmt", ["md", "html", "txt", "json", "fhir"])
    def test_an_answers_file_with_escapes_exports_none_of_them(
        self, tmp_path: Path, fmt: str
    ) -> None:
        doc = fresh_doc()
        doc["bank"]["version"] = f"3.0.0{NASTY}"
        path = tmp_path / "a.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        out = tmp_path / f"s.{fmt}"
        result = run_limited(["score", str(path), "--export", str(out), "--format", fmt])
        assert result.returncode == 0, text(result.stderr)
        written = out.read_text(encoding="utf-8")
        assert not UNSAFE.search(written), repr(written)
        if fmt in ("json", "fhir"):
            assert "\\u001b" not in written and "\\u202e" not in written.lower()
        assert not UNSAFE.search(text(result.stderr))


def test_the_limits_the_docs_state_are_the_ones_enforced() -> None:
    readme = (Path(__file__).parent.parent / "docs" / "files.md").read_text(encoding="utf-8")
    assert f"{MAX_FILE_BYTES // (1 << 20)} MiB" in readme
    assert f"{MAX_DEPTH} levels" in readme
    assert f"{MAX_VALUES:,} values" in readme


class TestIdsAreWholeMatches:
    """An id pattern matches the whole id: `re.match` with `$` let one ending in a newline
    through, which then reached ids in exports, CSV cells and FHIR linkIds."""

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (lambda d: d.update(id="mini\n"), "id"),
            (lambda d: d["sections"][0].update(id="use\n"), "sections[0].id"),
            (lambda d: d["sections"][0]["questions"][0].update(id="use_any\n"), "questions[0].id"),
            (lambda d: d["sources"][0].update(id="dsm5\n"), "sources[0].id"),
            (lambda d: d.update(languages=["en", "es\n"]), "languages[1]"),
        ],
        ids=["bank", "section", "question", "source", "language"],
    )
    def test_an_id_ending_in_a_newline_is_refused(
        self, change: Callable[[dict[str, Any]], None], path: str
    ) -> None:
        problems = bank_problems(bank_text(change))
        assert any(path in p for p in problems), problems

    def test_a_persona_name_ending_in_a_newline_is_refused(self, tmp_path: Path) -> None:
        from screener.errors import ScreenerError
        from screener.files.bank import load_bank
        from screener.screens.demo import parse_personas

        root = Path(__file__).parent.parent
        text = (root / "screener" / "personas.yaml").read_text(encoding="utf-8")
        first = re.search(r"name: (\S+)", text)
        assert first is not None
        bad = text.replace(first.group(0), f'name: "{first.group(1)}\\n"', 1)
        with pytest.raises(ScreenerError) as caught:
            parse_personas(bad, load_bank(), "p.yaml")
        assert "name" in str(caught.value)
