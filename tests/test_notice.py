"""Every registered summary format says it is a screening, not a diagnosis, and, on a demo
persona's made-up answers, carries the demo banner: read back from each format's output as its
reader would read it (JSON keys, FHIR narratives and notes, HTML and Markdown text), from the
registry and from the files `score --export` and `demo --export` save, in every language."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from test_cli import COMPLETE, write_answers
from typer.testing import CliRunner

from screener import i18n
from screener.cli import app
from screener.core.model import Answers, Bank, Summary
from screener.core.scoring import score
from screener.files.bank import load_bank
from screener.files.personas import Persona, load_personas
from screener.summaries import export, notice
from screener.summaries.notice import Notice

CREATED = datetime(2026, 11, 21, 23, 40, tzinfo=UTC)


class _Text(HTMLParser):
    """The text of an HTML page or fragment, as a person reads it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return " ".join(parser.parts)


def fhir_texts(bundle: str) -> Iterator[str]:
    """Each resource's narrative, then its notes, in the order a FHIR viewer shows them."""
    for entry in json.loads(bundle)["entry"]:
        resource = entry["resource"]
        yield html_text(resource["text"]["div"])
        yield from (note["text"] for note in resource.get("note", []))


def flat(text: str) -> str:
    return " ".join(text.split())


def in_words(texts: Callable[[str], Iterator[str]]) -> Callable[[str, Notice], list[str]]:
    """A reader of a format that shows words: which of the notice's statements it finds
    ("demo", "diagnosis"), in the order a person reads them (wrapping and markup aside)."""

    def found(output: str, said: Notice) -> list[str]:
        shown = flat(" ".join(texts(output)))
        wanted = {"diagnosis": flat(said.diagnosis)}
        if said.demo is not None:
            wanted["demo"] = flat(said.demo.text)
        where = {name: shown.find(words) for name, words in wanted.items()}
        return sorted((name for name, at in where.items() if at >= 0), key=where.__getitem__)

    return found


def json_keys(output: str, said: Notice) -> list[str]:
    """The JSON summary says the notice in keys (the file is the same in every language)."""
    names = {"demo": "demo", "not_a_diagnosis": "diagnosis"}
    return [names[key] for key, value in json.loads(output)["notice"].items() if value is True]


# How a reader of each format finds the notice in it. A new format needs a line here (the walk
# below fails until it has one).
READERS: dict[str, Callable[[str, Notice], list[str]]] = {
    "md": in_words(lambda text: iter([html_text(MarkdownIt("commonmark").render(text))])),
    "html": in_words(lambda text: iter([html_text(text)])),
    "txt": in_words(lambda text: iter([text])),
    "json": json_keys,
    "fhir": in_words(fhir_texts),
    "fhir-collection": in_words(fhir_texts),
}


def found(fmt: str, output: str, said: Notice) -> list[str]:
    assert fmt in READERS, f"tell tests/test_notice.py how to read the {fmt} format (READERS)"
    return READERS[fmt](output, said)


# What the notice must mean, in the languages whose words a test can know.
NOT_A_DIAGNOSIS = {"en": ("not a diagnosis",), "es": ("no un diagnóstico", "no es un diagnóstico")}
DEMO = {"en": "DEMO", "es": "DEMOSTRACIÓN"}


@pytest.fixture(scope="module")
def banks() -> dict[str, Bank]:
    """The default bank in every language screener speaks."""
    return {code: load_bank(language=code) for code in i18n.LANGUAGES}


@pytest.fixture(scope="module")
def personas(banks: dict[str, Bank]) -> dict[str, Persona]:
    """One shipped persona for each perspective: a screening about oneself, and about
    someone else."""
    found: dict[str, Persona] = {}
    for persona in load_personas(None, banks[i18n.SOURCE]):
        found.setdefault(persona.perspective, persona)
    return found


def summary(bank: Bank, persona: Persona, demo: bool) -> Summary:
    """The persona's answers, as a demo of them (the banner), or as a person's own run."""
    answers = Answers(
        bank.id,
        bank.version,
        persona.perspective,
        persona.values,
        demo=persona.name if demo else None,
    )
    return Summary(bank, answers, score(bank, answers), CREATED)


def assert_it_says_the_notice(fmt: str, made: Summary, language: str) -> None:
    """`made` written in `fmt` says "not a diagnosis", and on a demo the banner before it, as
    the registry words them for the format."""
    with i18n.speaking(language):
        output = export.render(fmt, made)
        said = notice.of(made, export.WRITERS[fmt].VOICE)
    assert any(words in said.diagnosis for words in NOT_A_DIAGNOSIS.get(language, ("",)))
    if made.answers.demo is None:
        assert said.demo is None
        assert found(fmt, output, said) == ["diagnosis"], f"{fmt} does not say the notice"
        return
    assert said.demo is not None
    assert made.answers.demo in said.demo.text
    assert DEMO.get(language, "") in said.demo.text
    # The banner is read first.
    assert found(fmt, output, said) == ["demo", "diagnosis"], f"{fmt} does not say the notice"


@pytest.mark.parametrize("perspective", ["self", "other"])
@pytest.mark.parametrize("demo", [True, False], ids=["demo", "real"])
@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("fmt", export.FORMATS)
def test_every_format_says_not_a_diagnosis_and_the_demo_banner_first(
    banks: dict[str, Bank],
    personas: dict[str, Persona],
    fmt: str,
    language: str,
    demo: bool,
    perspective: str,
) -> None:
    assert_it_says_the_notice(fmt, summary(banks[language], personas[perspective], demo), language)


class TestTheRegistry:
    """The registry, not the writer, words the notice, and a writer that drops it is caught."""

    def test_every_writer_is_handed_the_registrys_notice(
        self, banks: dict[str, Bank], personas: dict[str, Persona], monkeypatch: Any
    ) -> None:
        made = summary(banks[i18n.SOURCE], personas["self"], demo=True)
        handed: dict[str, Notice] = {}
        for fmt, writer in list(export.WRITERS.items()):

            class Spy:
                DESCRIPTION = writer.DESCRIPTION
                SUFFIXES = writer.SUFFIXES
                VOICE = writer.VOICE

                @staticmethod
                def render(summary: Summary, said: Notice, fmt: str = fmt) -> str:
                    handed[fmt] = said
                    return ""

            monkeypatch.setitem(export.WRITERS, fmt, Spy())
            export.render(fmt, made)
        assert set(handed) == set(export.FORMATS)
        for fmt, said in handed.items():
            assert said == notice.of(made, export.WRITERS[fmt].VOICE)
            assert said.demo is not None and "DEMO" in said.demo.text

    @pytest.mark.parametrize("demo", [True, False], ids=["demo", "real"])
    def test_a_new_format_that_leaves_the_notice_out_fails_the_walk(
        self, banks: dict[str, Bank], personas: dict[str, Persona], monkeypatch: Any, demo: bool
    ) -> None:
        class Bare:
            """A format whose author forgot the notice: the result sentence alone."""

            DESCRIPTION = "a bare summary"
            SUFFIXES = (".bare",)
            VOICE = "summary"

            @staticmethod
            def render(summary: Summary, said: Notice) -> str:
                return f"{summary.result.count} of 11\n"

        monkeypatch.setitem(export.WRITERS, "bare", Bare())
        made = summary(banks[i18n.SOURCE], personas["self"], demo)
        with pytest.raises(AssertionError, match="how to read the bare format"):
            assert_it_says_the_notice("bare", made, i18n.SOURCE)
        monkeypatch.setitem(READERS, "bare", READERS["txt"])
        with pytest.raises(AssertionError, match="bare does not say the notice"):
            assert_it_says_the_notice("bare", made, i18n.SOURCE)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("fmt", export.FORMATS)
class TestFromTheCommandLine:
    """The files a person saves: a scored answers file, and a persona's demo."""

    @pytest.fixture(autouse=True)
    def english_after(self) -> Iterator[None]:
        """`--lang` switches the language for the rest of the process: switch it back."""
        yield
        i18n.use(i18n.SOURCE)

    def check(self, out: Path, fmt: str, language: str, made: Summary) -> None:
        with i18n.speaking(language):
            said = notice.of(made, export.WRITERS[fmt].VOICE)
        wanted = ["diagnosis"] if said.demo is None else ["demo", "diagnosis"]
        assert found(fmt, out.read_text(encoding="utf-8"), said) == wanted

    def test_a_scored_answers_file(
        self, banks: dict[str, Bank], tmp_path: Path, fmt: str, language: str
    ) -> None:
        given = write_answers(tmp_path / "a.yaml", COMPLETE)
        out = tmp_path / "summary"
        args = ["score", str(given), "--export", str(out), "--format", fmt, "--lang", language]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.stderr
        bank = banks[language]
        answers = Answers(bank.id, bank.version, "self", COMPLETE)
        self.check(out, fmt, language, Summary(bank, answers, score(bank, answers), CREATED))

    def test_a_demo(
        self,
        banks: dict[str, Bank],
        personas: dict[str, Persona],
        tmp_path: Path,
        fmt: str,
        language: str,
    ) -> None:
        persona = personas["other"]
        out = tmp_path / "summary"
        args = ["demo", persona.name, "--pace", "0", "--export", str(out), "--format", fmt]
        result = CliRunner().invoke(app, [*args, "--lang", language])
        assert result.exit_code == 0, result.stderr
        self.check(out, fmt, language, summary(banks[language], persona, demo=True))
