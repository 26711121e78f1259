"""A language is files only: a pseudo language, `xx`, added to a copy of screener as its catalog
(`screener/locale/xx/LC_MESSAGES/screener.po`), its bank overlay (`questions.xx.yaml`) and one
entry in the bank's `languages`, with no change to any code, is offered by `--lang` and speaks a
whole screening and its summary. Every one of its words is bracketed (⟦...⟧), so any English the
catalog covers that still shows is a word the code says itself, outside the files."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import limited_env, run_limited
from test_cli import WALK, piped
from test_pseudo_locale import assert_no_english, pseudo, pseudo_po

from screener import i18n

ROOT = Path(__file__).resolve().parent.parent
CODE = "xx"
NAME = "Pseudo"

# What the language says about itself (i18n): its names, how to switch to it, and its own
# helpline text codes (its bank overlay is the Spanish one bracketed, which texts AYUDA).
ABOUT_ITSELF = {
    i18n.OWN_NAME: NAME,
    i18n.ENGLISH_NAME: NAME,
    i18n.SWITCH_LINE: pseudo(f"In {NAME}: {{command}}"),
    i18n.OWN_TEXT_CODES: "AYUDA",
}


def catalog() -> str:
    """The pseudo language's catalog: every message of the template, bracketed and accented."""
    about = {"\x04".join(key): value for key, value in ABOUT_ITSELF.items()}
    return pseudo_po(CODE, about)


def bracketed(data: Any, key: object = None) -> Any:
    """An overlay's words bracketed; its ids, its header and its marks as they are."""
    if isinstance(data, dict):
        return {
            k: v if k in ("format", "bank", "language", "translated_from") else bracketed(v, k)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [bracketed(v, key) for v in data]
    if isinstance(data, str):
        return f"⟦{data}⟧"
    return data


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """screener as shipped, copied, with the pseudo language added as files alone."""
    top = tmp_path_factory.mktemp("with_xx")
    shutil.copytree(
        ROOT / "screener", top / "screener", ignore=shutil.ignore_patterns("__pycache__")
    )
    # 1. The catalog.
    folder = top / "screener" / "locale" / CODE / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "screener.po").write_text(catalog(), encoding="utf-8")
    # 2. The bank overlay, beside the bank.
    overlay = yaml.safe_load((ROOT / "questions.es.yaml").read_text(encoding="utf-8"))
    overlay = bracketed(overlay) | {"language": CODE}
    (top / f"questions.{CODE}.yaml").write_text(
        yaml.safe_dump(overlay, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    shutil.copy(ROOT / "questions.es.yaml", top / "questions.es.yaml")
    # 3. One entry in the bank's languages.
    bank = (ROOT / "questions.yaml").read_text(encoding="utf-8")
    assert "\nlanguages: [en, es]\n" in bank
    bank = bank.replace("\nlanguages: [en, es]\n", f"\nlanguages: [en, es, {CODE}]\n")
    (top / "questions.yaml").write_text(bank, encoding="utf-8")
    return top


def screener(
    copy: Path, args: list[str], input: str | None = None, code: int = 0, **more: Any
) -> str:
    """`python -m screener ARGS` run from the copy (its own code and files, nothing else)."""
    env = limited_env({"PYTHONPATH": str(copy), "NO_COLOR": "1", "TERM": "dumb", "LANG": "C"})
    done = run_limited(args, input=input, env=env, cwd=copy, timeout=60, **more)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    assert done.returncode == code, err
    assert "Traceback" not in out + err, err
    return out + err


class TestAPseudoLanguage:
    """Added as three files, it is spoken everywhere the program speaks."""

    def test_the_copy_runs_its_own_code(self, copy: Path) -> None:
        shown = screener(copy, [], program=("-c", "import screener; print(screener.__file__)"))
        assert shown.strip() == str(copy / "screener" / "__init__.py")

    def test_lang_offers_it_and_its_help_names_it(self, copy: Path) -> None:
        shown = screener(copy, ["--help"])
        assert f"--lang <es|{CODE}|en>" in shown
        assert f"{CODE} ({NAME})" in " ".join(shown.split())

    def test_a_whole_screening_and_its_summary_in_it(self, copy: Path) -> None:
        out = copy / "summary.md"
        shown = screener(copy, ["--lang", CODE, "run", "--export", str(out)], piped(WALK))
        written = out.read_text(encoding="utf-8")
        # The overlay's words (the bank's), and the catalog's (the program's).
        assert "⟦¿Quiere empezar?⟧" in shown
        assert pseudo("Type one number.") in shown
        assert "⟦Autoevaluación sobre el consumo de opioides⟧" in written
        diagnosis = "This is a screening, not a diagnosis. Only a clinician can diagnose opioid"
        assert pseudo(diagnosis)[:-1] in " ".join(written.split())
        assert_no_english(shown)
        assert_no_english(written)

    def test_the_way_back_to_english_is_said_in_english(self, copy: Path) -> None:
        shown = screener(copy, ["--lang", CODE, "run"], piped(["1", "n"]))
        assert "In English: screener --lang en" in shown
        assert "En español: screener --lang es" in shown

    def test_validate_finds_its_overlay_complete(self, copy: Path) -> None:
        shown = screener(copy, ["--lang", CODE, "validate", str(copy / "questions.yaml")])
        assert "⟦" in shown


class TestWhatALanguageSaysOfItself:
    """Its name, how to switch to it and its helplines' text codes are its catalog's words."""

    def test_spanish_says_them_in_its_catalog(self) -> None:
        assert i18n.ENDONYMS["es"] == "Español"
        assert i18n.SWITCH["es"] == "En español: {command} --lang es"
        assert i18n.TEXT_CODES["es"] == {"AYUDA"}
        assert i18n.language_name("es") == "Spanish"
        with i18n.speaking("es"):
            assert (i18n.language_name("es"), i18n.language_name("en")) == ("español", "inglés")

    def test_english_says_them_in_the_source_text(self) -> None:
        assert i18n.ENDONYMS["en"] == "English"
        assert i18n.SWITCH["en"] == "In English: {command} --lang en"
        assert i18n.TEXT_CODES.get("en", frozenset()) == frozenset()

    def test_read_before_the_catalog_they_are_what_the_catalog_says(
        self, copy: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A folder of catalogs none of which has been read yet: the one entry is read alone.
        monkeypatch.setattr(i18n, "LOCALE_DIR", copy / "screener" / "locale")
        assert list(i18n.LANGUAGES) == ["en", "es", CODE]
        said = {
            code: (i18n.ENDONYMS[code], i18n.SWITCH[code], i18n.TEXT_CODES[code])
            for code in ("es", CODE)
        }
        for code, (own, switch, codes) in said.items():
            full = i18n.read_catalog(code)
            assert own == full.pgettext(*i18n.OWN_NAME)
            assert switch == full.pgettext(*i18n.SWITCH_LINE) + f" --lang {code}"
            assert codes == set(full.pgettext(*i18n.OWN_TEXT_CODES).split())
        assert said[CODE][0] == NAME
        assert i18n.language_name(CODE) == NAME  # no catalog names it yet: its English name

    def test_a_language_is_offered_once_its_catalog_is_there(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        for name in ("none", "with"):
            (tmp_path / name / CODE / "LC_MESSAGES").mkdir(parents=True)
            (tmp_path / name / "README").write_text("not a language", encoding="utf-8")
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "none")
        assert list(i18n.LANGUAGES) == ["en"]  # a folder without a catalog is not a language
        catalog_file = tmp_path / "with" / CODE / "LC_MESSAGES" / "screener.po"
        catalog_file.write_text(catalog(), encoding="utf-8")
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "with")
        assert list(i18n.LANGUAGES) == ["en", CODE]
        assert i18n.known("xx_XX.UTF-8") == CODE
        assert i18n.choose(["--lang", CODE], {}) == CODE
