"""The built-in bank's prepared form: current, the very bank the YAML makes, used only while
its sources are unchanged, and shipped wherever the bank is."""

from __future__ import annotations

import shutil
import sys
import tomllib
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from types import MappingProxyType

import pytest

from screener import i18n
from screener.core.model import Kind
from screener.errors import BankError
from screener.files import bank as bank_io
from screener.files import prepared

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import prepared_bank  # noqa: E402  (tools/ is not a package)


def same(a: object, b: object, where: str = "bank") -> None:
    """`a` and `b` are equal down to the type of every value (an enum stays an enum, a tuple
    a tuple, True is not 1): namedtuple equality alone would not say so."""
    assert type(a) is type(b), (where, type(a), type(b))
    if isinstance(a, tuple):
        assert isinstance(b, tuple)
        assert len(a) == len(b), where
        names = getattr(a, "_fields", range(len(a)))
        for name, x, y in zip(names, a, b, strict=True):
            same(x, y, f"{where}.{name}")
    elif isinstance(a, dict | MappingProxyType):
        assert isinstance(b, dict | MappingProxyType)
        assert list(a) == list(b), where
        for key in a:
            same(a[key], b[key], f"{where}[{key}]")
    else:
        assert a == b, (where, a, b)


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bank's files, where the built-in bank is looked for."""
    for name in ("questions.yaml", "questions.es.yaml", prepared.PREPARED_FILE):
        shutil.copy(ROOT / name, tmp_path / name)

    def beside(name: str = prepared.BANK_FILE) -> Path:
        return tmp_path / name

    monkeypatch.setattr(prepared, "default_path", beside)
    monkeypatch.setattr(bank_io, "default_path", beside)
    return tmp_path


class TestInSync:
    def test_the_prepared_bank_is_what_the_yaml_makes(self) -> None:
        text, languages = prepared_bank.make()
        assert (ROOT / prepared.PREPARED_FILE).read_text(encoding="utf-8") == text, (
            "questions.prepared.jsonl is out of date: run python tools/prepared_bank.py"
        )
        assert languages == ["en", "es"]

    def test_the_tool_makes_the_same_bytes_every_time(self) -> None:
        assert prepared_bank.make() == prepared_bank.make()

    def test_the_tools_check_fails_on_a_stale_copy(
        self, checkout: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        stale = checkout / prepared.PREPARED_FILE
        stale.write_text(stale.read_text(encoding="utf-8").replace("Myself", "Me"), "utf-8")
        monkeypatch.setattr(prepared_bank, "PREPARED", stale)
        assert prepared_bank.main(["--check"]) == 1
        assert "out of date: run python tools/prepared_bank.py" in capsys.readouterr().out


class TestTheSameBank:
    @pytest.mark.parametrize("speaking", ["en", "es"])
    @pytest.mark.parametrize("language", ["en", "es"])
    def test_it_is_the_bank_the_yaml_reader_makes(self, language: str, speaking: str) -> None:
        with i18n.speaking(speaking):
            ready = prepared.read(language)
            read = bank_io.load_bank(prepared.default_path(), language=language)
        assert ready is not None
        same(ready, read)
        assert ready.language == language

    def test_enums_tuples_and_numbers_keep_their_types(self) -> None:
        ready = prepared.read("en")
        assert ready is not None
        q = ready.questions[0]
        assert isinstance(q.kind, Kind) and isinstance(q.kind, Enum)
        assert type(q.source) is tuple
        scale = next(iter(ready.scales.values()))
        assert {type(o.value) for o in scale.options} == {int}

    def test_the_built_in_bank_comes_from_it(self) -> None:
        with i18n.speaking("es"):
            loaded = bank_io.load_bank()
        assert loaded.language == "es"
        assert loaded.path == str(prepared.default_path())

    def test_a_language_it_does_not_hold_falls_back_to_the_yaml(self) -> None:
        assert prepared.read("fr") is None
        assert bank_io.load_bank(language="fr").language == "en"  # the bank's own, as ever

    def test_every_kind_of_value_comes_back(self) -> None:
        value = (1, True, "x", None, (2, False), {"a": (1,)}, MappingProxyType({"b": "c"}))
        data = prepared.encode(value)
        import json

        back = json.loads(json.dumps(data), object_hook=prepared._decode)
        same(back, value)

    def test_what_cannot_be_written_is_refused(self) -> None:
        with pytest.raises(ValueError, match="cannot prepare a list"):
            prepared.encode([1])
        with pytest.raises(ValueError, match="the key '_'"):
            prepared.encode({"_": 1})


class TestOnlyWhileCurrent:
    def test_an_edited_bank_is_read_from_its_yaml(self, checkout: Path) -> None:
        bank_file = checkout / "questions.yaml"
        text = bank_file.read_text(encoding="utf-8")
        bank_file.write_text(text.replace("Myself", "Me myself"), encoding="utf-8")
        assert prepared.read("en") is None
        with i18n.speaking("en"):
            assert bank_io.load_bank().perspectives["self"] == "Me myself"

    def test_an_edited_translation_is_read_from_its_yaml(self, checkout: Path) -> None:
        es = checkout / "questions.es.yaml"
        es.write_text(es.read_text(encoding="utf-8") + "\n# a note\n", encoding="utf-8")
        assert prepared.read("es") is None
        assert prepared.read("en") is None  # one fingerprint for the whole bank
        with i18n.speaking("es"):
            assert bank_io.load_bank().language == "es"

    def test_a_mistake_in_an_edited_bank_is_located_as_ever(self, checkout: Path) -> None:
        bank_file = checkout / "questions.yaml"
        text = bank_file.read_text(encoding="utf-8")
        bank_file.write_text(text.replace("kind: yes_no", "kind: yes_or_no", 1), "utf-8")
        with pytest.raises(BankError) as caught:
            bank_io.load_bank(language="en")
        assert "questions.yaml:" in caught.value.problems[0]
        assert "yes_or_no" in caught.value.problems[0]

    def test_a_missing_translation_is_not_hidden(self, checkout: Path) -> None:
        (checkout / "questions.es.yaml").unlink()
        assert prepared.read("es") is None
        with pytest.raises(BankError, match="no such bank translation file"):
            bank_io.load_bank(language="es")

    @pytest.mark.parametrize(
        ("damage", "language"),
        [
            (lambda text: "", "en"),
            (lambda text: text[: len(text) - 100], "es"),  # the last line, Spanish, cut short
            (lambda text: "not json\n" + text, "en"),
            (lambda text: text.replace('"format":1', '"format":0', 1), "en"),
            (lambda text: text.replace('"shape":', '"shape":1', 1), "en"),
            (lambda text: text.replace('"_":"Question"', '"_":"Nothing"', 1), "en"),
            (lambda text: text.replace('"_":"Kind","v":"yes_no"', '"_":"Kind","v":"x"', 1), "en"),
            (lambda text: text.split("\n", 1)[0] + "\n", "es"),
        ],
        ids=["empty", "cut", "garbage", "format", "shape", "record", "enum", "head only"],
    )
    def test_a_damaged_prepared_file_is_passed_over(
        self, checkout: Path, damage: Callable[[str], str], language: str
    ) -> None:
        ready = checkout / prepared.PREPARED_FILE
        ready.write_text(damage(ready.read_text(encoding="utf-8")), "utf-8")
        assert prepared.read(language) is None
        with i18n.speaking(language):
            assert bank_io.load_bank().language == language

    def test_no_prepared_file_is_no_problem(self, checkout: Path) -> None:
        (checkout / prepared.PREPARED_FILE).unlink()
        assert prepared.read("en") is None
        assert bank_io.load_bank(language="en").id

    def test_reading_it_writes_nothing(self, checkout: Path) -> None:
        before = {p.name: p.stat().st_mtime_ns for p in checkout.iterdir()}
        assert prepared.read("es") is not None
        bank_io.load_bank(language="en")
        assert {p.name: p.stat().st_mtime_ns for p in checkout.iterdir()} == before

    def test_validate_always_reads_the_yaml(self, checkout: Path) -> None:
        ready = checkout / prepared.PREPARED_FILE
        text = ready.read_text(encoding="utf-8")  # the same length: each line stays in place
        ready.write_text(text.replace('"self":"Myself"', '"self":"Mxself"', 1), "utf-8")
        assert prepared.read("en").perspectives["self"] == "Mxself"  # type: ignore[union-attr]
        checked = bank_io.load_bank(every_language=True)
        assert checked.perspectives["self"] == "Myself"


class TestShipped:
    def test_the_wheel_carries_it_beside_the_bank(self) -> None:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        included = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
        assert included[prepared.PREPARED_FILE] == f"screener/{prepared.PREPARED_FILE}"
        assert included["questions.yaml"] == "screener/questions.yaml"
        assert (
            prepared.PREPARED_FILE
            in project["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
        )

    def test_a_source_checkout_finds_it(self) -> None:
        assert prepared.default_path(prepared.PREPARED_FILE) == ROOT / prepared.PREPARED_FILE


# Run screener, then say on stderr, as the process ends, whether PyYAML was ever imported.
WATCH = (
    "import atexit, sys; "
    "atexit.register(lambda: print('YAML:', 'yaml' in sys.modules, file=sys.stderr)); "
    "from screener.launch import main; main(sys.argv[1:])"
)


class TestNoYamlWhereNoneIsRead:
    """The paths that read only the built-in bank and JSON never load PyYAML."""

    @pytest.mark.parametrize("lang", ["C.UTF-8", "es_MX.UTF-8"])
    def test_the_first_screen_at_a_terminal(self, lang: str, tmp_path: Path) -> None:
        import os

        import pexpect

        env = {**os.environ, "LANG": lang, "TERM": "dumb", "NO_COLOR": "1", "HOME": str(tmp_path)}
        env.pop("LC_ALL", None)
        env.pop("LANGUAGE", None)
        child = pexpect.spawn(
            sys.executable, ["-c", WATCH], env=env, dimensions=(40, 100), encoding="utf-8",
            timeout=60,
        )  # fmt: skip
        try:
            child.expect_exact("> ")
            child.sendintr()
            child.expect_exact("YAML: ")
            child.expect(r"(True|False)")
            assert child.match.group(1) == "False"
        finally:
            child.close(force=True)

    def test_scoring_a_json_file(self, tmp_path: Path) -> None:
        import json
        import subprocess

        answers = tmp_path / "a.json"
        doc = {
            "format": "screener-answers/1",
            "bank": {"id": "oud-self-screen", "version": "3.0.0"},
            "perspective": "self",
            "answers": {"use_any": False},
        }
        answers.write_text(json.dumps(doc), encoding="utf-8")
        for args in (["score", str(answers), "--json"], ["score", "--csv", str(answers)]):
            done = subprocess.run(
                [sys.executable, "-c", WATCH, *args], capture_output=True, text=True, timeout=60
            )
            assert done.returncode == 0, done.stderr
            assert "YAML: False" in done.stderr
