"""The whole screening in Spanish: every screen, result, explanation, demo and summary, checked
for English left behind; the glossary held to every Spanish text; readability measured."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml
from test_cli import COMPLETE, WALK, piped, write_answers
from test_pseudo_locale import SEGMENTS
from typer.testing import CliRunner

from screener import i18n
from screener.cli import app
from screener.core.model import Bank
from screener.files.bank import load_bank
from screener.files.personas import load_personas

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = i18n.LOCALE_DIR / "es" / "glossary.yaml"
sys.path.insert(0, str(ROOT / "tools"))
import readability  # noqa: E402  (tools/ is not a package)

# The English walk (test_cli.WALK) as a Spanish speaker types it: s for si.
WALK_ES = ["s" if line == "y" else line for line in WALK]


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use("en")


@pytest.fixture(scope="module")
def english() -> Bank:
    return load_bank(language="en")


@pytest.fixture(scope="module")
def spanish() -> Bank:
    return load_bank(language="es")


def pairs(en: Bank, es: Bank) -> list[tuple[str, str, str]]:
    """(where, English, Spanish) for every text of the bank that a person reads."""
    out: list[tuple[str, str, str]] = [("title", en.title, es.title)]

    def add(where: str, a: object, b: object) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for key in a:
                add(f"{where}.{key}", a[key], b[key])
        elif isinstance(a, str) and a:
            assert isinstance(b, str)
            out.append((where, a, b))

    for key in en.perspectives:
        add(f"perspectives.{key}", en.perspectives[key], es.perspectives[key])
    for key in en.criteria:
        add(f"criteria.{key}", en.criteria[key], es.criteria[key])
    for sid, source in en.sources.items():
        add(f"sources.{sid}.title", source.title, es.sources[sid].title)
        add(f"sources.{sid}.ref", source.ref or "", es.sources[sid].ref)
    for sid, scale in en.scales.items():
        other = es.scales[sid]
        add(f"scales.{sid}.title", scale.title, other.title)
        add(f"scales.{sid}.note", scale.band_note, other.band_note)
        for a, b in zip(scale.options, other.options, strict=True):
            add(f"scales.{sid}.options.{a.value}", a.label, b.label)
        for x, y in zip(scale.bands, other.bands, strict=True):
            add(f"scales.{sid}.bands.{x.label}", x.shown, y.shown)
    for s, t in zip(en.sections, es.sections, strict=True):
        add(f"sections.{s.id}.title", s.title, t.title)
        add(f"sections.{s.id}.intro", s.intro, t.intro)
        for q, r in zip(s.questions, t.questions, strict=True):
            for field in ("text", "short", "why"):
                add(f"questions.{q.id}.{field}", getattr(q, field), getattr(r, field))
            if q.kind != "yes_no":
                for a, b in zip(q.options, r.options, strict=True):
                    add(f"questions.{q.id}.options.{a.value}", a.label, b.label)
    for group in ("flags", "referrals", "caveats", "helplines"):
        for a, b in zip(getattr(en, group), getattr(es, group), strict=True):
            for field in ("label", "detail", "title", "brief", "text", "name", "contact"):
                add(f"{group}.{a.id}.{field}", getattr(a, field, ""), getattr(b, field, ""))
    e, f = en.emergency, es.emergency
    for field in ("title", "note"):
        add(f"emergency.{field}", getattr(e, field), getattr(f, field))
    for field in ("signs", "steps"):
        for i, (a, b) in enumerate(zip(getattr(e, field), getattr(f, field), strict=True)):
            add(f"emergency.{field}[{i}]", a, b)
    return out


def catalog_pairs() -> list[tuple[str, str, str]]:
    """(msgid, English, Spanish) for every message of the Spanish catalog (each plural form
    against its English form)."""
    entries = i18n.parse_po(i18n.catalog_path("es").read_text(encoding="utf-8"))
    out = []
    for key, value in entries.items():
        if not key:
            continue
        english = key.rpartition("\x04")[2].split("\0")
        for n, form in enumerate(value.split("\0")):
            # Placeholders ({withdrawal}) are names, not words to translate.
            source = re.sub(r"\{[a-z_]+\}", "", english[min(n, len(english) - 1)])
            out.append((english[0], source, form))
    return out


def glossary() -> dict[str, Any]:
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def english_bank_sentences(bank: Bank) -> set[str]:
    """The English bank's sentences of four words or more, except source titles and references
    (which a Spanish bank keeps in the language they were published in)."""
    found = set()
    for where, text, _es in pairs(bank, bank):
        if where.startswith("sources."):
            continue
        for sentence in re.split(r"(?<=[.!?:])\s+", " ".join(text.split())):
            sentence = sentence.strip(" .:")
            if len(sentence.split()) >= 4:
                found.add(sentence)
    return found


class TestTheBankInSpanish:
    """questions.es.yaml: every text of the default bank, in the glossary's terms."""

    def test_validate_finds_every_text_of_the_bank_in_spanish(self) -> None:
        bank = load_bank(every_language=True)
        assert bank.languages == ("en", "es")

    def test_the_spanish_bank_has_spanish_words_and_the_same_records(
        self, english: Bank, spanish: Bank
    ) -> None:
        assert spanish.language == "es"
        assert spanish.untranslated == ()
        assert [q.id for q in spanish.questions] == [q.id for q in english.questions]
        assert spanish.question("craving").source == english.question("craving").source
        assert spanish.question("consent").text == "¿Quiere empezar?"

    def test_every_spanish_text_differs_from_its_english_one(
        self, english: Bank, spanish: Bank
    ) -> None:
        same_by_nature = re.compile(r"^[\d\s()+-]+$|^[A-Z][\w-]*$| et al\., |1-800-662-4357")
        same = [
            where
            for where, en, es in pairs(english, spanish)
            if en == es and not same_by_nature.search(en)
        ]
        assert same == []

    def test_the_helplines_are_given_as_they_serve_spanish_speakers(self, spanish: Bank) -> None:
        lines = {h.id: h for h in spanish.helplines}
        assert lines["lifeline_988"].contact == (
            "Llame al 988 y marque 2, o envíe AYUDA por mensaje de texto al 988"
        )
        assert "en español" in lines["samhsa"].detail
        assert lines["samhsa"].contact.startswith("1-800-662-4357")
        assert spanish.emergency.steps[0] == "Llame al 911 ahora."

    def test_the_welcome_names_no_english_key(self, spanish: Bank) -> None:
        """The keys are the catalog's (v, o, ?, !, x in Spanish), named under each question:
        the welcome must not list the English ones."""
        intro = str(spanish.section("welcome").intro)
        assert not re.search(r"^\s+[bsqh]\s{2,}", intro, flags=re.M)
        assert "volver, omitir" in intro

    def test_the_question_texts_read_fairly_easily(self, spanish: Bank) -> None:
        figures = readability.report(spanish, "es")
        assert figures["score"] >= readability.TARGET, figures

    def test_each_result_text_reads_at_65_or_more(self, spanish: Bank) -> None:
        """The welcome, every next step, flag and caveat, each on its own (Fernández-Huerta,
        tools/readability.py --results): what a clinic hands a patient."""
        figures = readability.results_report(spanish, "es")
        assert figures["below"] == [], figures["texts"]
        assert len(figures["texts"]) >= 50


class TestGlossary:
    """One term, said one way; no stigmatising word; usted, never tu."""

    @pytest.mark.parametrize("source", ["bank", "catalog"])
    def test_every_term_is_translated_as_the_glossary_says(
        self, source: str, english: Bank, spanish: Bank
    ) -> None:
        texts = pairs(english, spanish) if source == "bank" else catalog_pairs()
        wrong = []
        for term in glossary()["terms"]:
            check = term.get("check")
            if not check:
                continue
            for where, en, es in texts:
                if re.search(check["en"], en, re.I) and not re.search(check["es"], es, re.I):
                    wrong.append(f"{term['en']!r} -> {term['es']!r} in {where}: {es!r}")
        assert wrong == []

    @pytest.mark.parametrize("source", ["bank", "catalog"])
    def test_no_spanish_text_uses_a_word_to_avoid(
        self, source: str, english: Bank, spanish: Bank
    ) -> None:
        texts = pairs(english, spanish) if source == "bank" else catalog_pairs()
        avoid = re.compile(r"\b(" + "|".join(glossary()["avoid"]) + r")\b", re.I)
        found = [(where, m.group(0)) for where, _en, es in texts if (m := avoid.search(es))]
        assert found == []

    @pytest.mark.parametrize("source", ["bank", "catalog"])
    def test_no_spanish_text_uses_a_masculine_only_form(
        self, source: str, english: Bank, spanish: Bank
    ) -> None:
        """Gender-neutral Spanish: "cuando quiera", not "cuando esté listo"."""
        texts = pairs(english, spanish) if source == "bank" else catalog_pairs()
        masculine = re.compile(r"\b(" + "|".join(glossary()["masculine"]) + r")\b", re.I)
        found = [(where, m.group(0)) for where, _en, es in texts if (m := masculine.search(es))]
        assert found == []

    @pytest.mark.parametrize("source", ["bank", "catalog"])
    def test_abstinencia_never_stands_alone(
        self, source: str, english: Bank, spanish: Bank
    ) -> None:
        """Alone, "abstinencia" reads as *not using*: "Ayuda con la abstinencia" as its
        opposite. It stands only in its phrases: "síntomas de abstinencia"."""
        texts = pairs(english, spanish) if source == "bank" else catalog_pairs()
        found = []
        for word, phrases in glossary()["never_alone"].items():
            alone = re.compile(
                "".join(f"(?<!{re.escape(p)} )" for p in phrases) + rf"\b{word}\b", re.I
            )
            found += [(where, es) for where, _en, es in texts if alone.search(es)]
        assert found == []

    def test_the_personas_sketches_never_say_abstinencia_alone(self) -> None:
        i18n.use("es")
        phrases = glossary()["never_alone"]["abstinencia"]
        alone = re.compile(
            "".join(f"(?<!{re.escape(p)} )" for p in phrases) + r"\babstinencia\b", re.I
        )
        sketches = [p.sketches["es"] for p in load_personas(None, load_bank())]
        assert [s for s in sketches if alone.search(s)] == []

    def test_the_masculine_check_finds_a_masculine_form(self) -> None:
        masculine = re.compile(r"\b(" + "|".join(glossary()["masculine"]) + r")\b", re.I)
        assert masculine.search("Cuando esté listo, llame.")
        assert masculine.search("¿Se ha sentido deprimido?")
        assert not masculine.search("un lugar seguro; el sistema nervioso central")

    def test_the_personas_sketches_use_the_glossary_too(self) -> None:
        avoid = re.compile(r"\b(" + "|".join(glossary()["avoid"]) + r")\b", re.I)
        i18n.use("es")
        sketches = [p.sketches["es"] for p in load_personas(None, load_bank())]
        assert [s for s in sketches if avoid.search(s)] == []


# --- everything a person reads, in Spanish ------------------------------------------------


@pytest.fixture
def invoke() -> Any:
    runner = CliRunner(env={"COLUMNS": "80", "LINES": "24", "FORCE_COLOR": None, "NO_COLOR": "1"})

    def run(args: list[str], input: str | None = None, code: int = 0) -> str:
        result = runner.invoke(app, [*args, "--lang", "es"], input=input)
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        assert result.exit_code == code, result.stdout + result.stderr
        return result.stdout + result.stderr

    return run


ENGLISH_SENTENCES = english_bank_sentences(load_bank(language="en"))
SWITCH = re.compile(re.escape(i18n.SWITCH["en"]).replace(re.escape("{command}"), r"[^\n]*"))


def english_in(output: str) -> list[str]:
    """The English catalog's sentences, and the English bank's, that `output` holds."""
    flat = " ".join(SWITCH.sub("", output).split())
    found = [f"catalog: {seg!r}" for seg in SEGMENTS if seg in flat]
    found += [f"bank: {s!r}" for s in ENGLISH_SENTENCES if s in flat]
    return found


def words_of(written: str, fmt: str) -> str:
    if fmt == "html":  # the words, not the markup and the style sheet
        written = re.sub(r"<style.*?</style>|<[^>]+>", "\n", written, flags=re.S)
        return html.unescape(written)
    if fmt in ("fhir", "json"):  # the text values
        return "\n".join(_strings(json.loads(written)))
    return written


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


class TestEverythingInSpanish:
    """No English catalog sentence and no English bank sentence anywhere a person looks."""

    def test_a_whole_run_with_every_key(self, invoke: Any) -> None:
        walk = [WALK_ES[0], "?", "a", "!", "quizás", WALK_ES[1], "v", *WALK_ES[1:]]
        shown = invoke(["run"], input=piped(walk))
        assert english_in(shown) == []
        assert "¿Quiere empezar?" in shown
        assert "Escriba s para sí o n para no." in shown
        assert "In English: screener --lang en" in shown  # the way back, in English
        assert "6 de 11 criterios: un patrón que se parece a un trastorno por consumo de" in shown

    def test_declining_and_leaving(self, invoke: Any) -> None:
        assert english_in(invoke(["run"], input=piped(["1", "n"]))) == []
        left = invoke(["run"], input=piped(["1", "s", "x", "s"]), code=1)
        assert english_in(left) == []
        assert "Salió de la evaluación. No se guardó nada." in left

    def test_the_result_and_every_summary(self, invoke: Any, tmp_path: Path) -> None:
        answers = write_answers(tmp_path / "a.yaml", COMPLETE)
        assert english_in(invoke(["score", str(answers)])) == []
        for fmt in ("md", "html", "txt", "fhir", "json"):
            out = tmp_path / f"s.{fmt}"
            shown = invoke(["score", str(answers), "--export", str(out), "--format", fmt])
            written = out.read_text(encoding="utf-8")
            assert english_in(shown + words_of(written, fmt)) == [], fmt
        page = (tmp_path / "s.html").read_text(encoding="utf-8")
        assert '<html lang="es">' in page
        bundle = json.loads((tmp_path / "s.fhir").read_text(encoding="utf-8"))
        assert {e["resource"].get("language") for e in bundle["entry"]} >= {"es"}

    def test_explain_and_the_question_list(self, invoke: Any) -> None:
        for args in (["explain"], ["explain", "craving"], ["questions"]):
            assert english_in(invoke(args)) == [], args

    def test_the_demo_types_spanish_answers(self, invoke: Any, tmp_path: Path) -> None:
        listing = invoke(["demo"])
        assert english_in(listing) == []
        out = tmp_path / "d.md"
        shown = invoke(["demo", "riley", "--pace", "0", "--export", str(out)])
        assert english_in(shown + out.read_text(encoding="utf-8")) == []
        assert "\n> s\n" in shown and "\n> n\n" in shown
        assert "\n> y\n" not in shown
        assert "Riley, 34 años" in shown  # the sketch, in Spanish

    def test_errors(self, invoke: Any, tmp_path: Path) -> None:
        shown = invoke(["score", str(tmp_path / "none.yaml")], code=4)
        assert "no existe ese archivo de respuestas" in shown
        assert english_in(shown) == []


# About someone else, as a Spanish speaker answers: 2 for "Sobre alguien que me importa",
# s to begin, s (use known), heroin, then "no sé" (typed ns) to every sign and risk.
OTHER_WALK_ES = ["2", "s", "s", "1", *(["ns"] * 21)]


class TestAboutSomeoneElseInSpanish:
    """The observer's screening (perspective `other`) in Spanish: ns for "no sé", and no
    English from the first question to the summaries."""

    def test_a_whole_run_about_someone_else(self, invoke: Any, tmp_path: Path) -> None:
        out = tmp_path / "s.json"
        shown = invoke(["run", "--export", str(out)], input=piped(OTHER_WALK_ES))
        assert english_in(shown) == []
        flat = " ".join(shown.split())
        assert "¿Sobre quién es esta evaluación?" in flat
        assert "ns no sé · v volver · o omitir" in flat
        assert "Escriba s para sí o n para no. Escriba ns si no sabe." in flat
        assert "Sus respuestas sobre otra persona · Lo que ha notado · 1 de 12" in flat
        assert (
            "Lo que usted ha visto coincide con 0 a 11 de las 11 señales que buscan los "
            "profesionales de la salud" in flat
        )
        assert "no se ve desde afuera" in flat
        # "no sé" is stored as every language stores it: `unknown`, apart from a skip.
        answers = json.loads(out.read_text(encoding="utf-8"))["answers"]
        assert answers["about_withdrawal"] == "unknown"
        assert answers["about_which"] == ["heroin"]

    @pytest.mark.parametrize("typed", ["ns", "NS", "no sé", "no se", "unknown"])
    def test_no_se_is_typed_as_a_spanish_speaker_would(self, typed: str) -> None:
        from screener.screens.interview import parse_reply

        q = load_bank(language="es").question("about_cut_down")
        i18n.use("es")
        assert parse_reply(q, typed).value == "unknown"

    @pytest.mark.parametrize("typed", ["d", "don't know"])
    def test_the_english_key_for_dont_know_is_no_answer_in_spanish(self, typed: str) -> None:
        """In Spanish d means nothing: it is not taken for "no sé", and the hint names ns."""
        from screener.screens.interview import parse_reply

        q = load_bank(language="es").question("about_cut_down")
        i18n.use("es")
        reply = parse_reply(q, typed)
        assert reply.value is None
        assert reply.hint is not None
        assert f"'{typed}' no es una respuesta válida aquí." in reply.hint
        assert reply.hint.endswith("Escriba ns si no sabe.")  # what it may have meant

    def test_the_key_for_no_se_clashes_with_no_other_spanish_key(self) -> None:
        from screener.core.kinds import command_keys, typed_no, typed_yes, unknown_key

        i18n.use("es")
        others = {*command_keys().values(), typed_yes(), typed_no()}
        assert unknown_key() == "ns"
        assert unknown_key() not in others
        assert len(others) == len(command_keys()) + 2  # and none of them clash either

    @pytest.mark.parametrize("name", ["terry", "jamie"])
    def test_the_demo_about_someone_else(self, invoke: Any, tmp_path: Path, name: str) -> None:
        out = tmp_path / "d.md"
        shown = invoke(["demo", name, "--pace", "0", "--export", str(out)])
        assert english_in(shown + out.read_text(encoding="utf-8")) == []
        assert "\n> 2\n" in shown  # "Sobre alguien que me importa"
        assert "\n> d\n" not in shown and "\n> y\n" not in shown
        sketch = {"terry": "Terry, 48 años", "jamie": "Jamie, 34 años"}[name]
        assert sketch in shown
        if name == "terry":  # terry does not know some things: the demo types ns
            assert "\n> ns\n" in shown

    def test_the_result_and_every_summary_about_someone_else(
        self, invoke: Any, tmp_path: Path
    ) -> None:
        answers = tmp_path / "a.yaml"
        doc = {
            "format": "screener-answers/1",
            "bank": {"id": "oud-self-screen", "version": "3.0.0"},
            "perspective": "other",
            "answers": {
                "about_use_any": True,
                "about_which": ["heroin", "fentanyl"],
                "about_cut_down": True,
                "about_withdrawal": "unknown",
                "about_overdose": True,
                "about_unsafe": True,
                "about_open": True,
            },
        }
        answers.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        assert english_in(invoke(["score", str(answers)])) == []
        for fmt in ("md", "html", "txt", "fhir", "json"):
            out = tmp_path / f"s.{fmt}"
            shown = invoke(["score", str(answers), "--export", str(out), "--format", fmt])
            written = words_of(out.read_text(encoding="utf-8"), fmt)
            assert english_in(shown + written) == [], fmt
            if fmt != "json":  # the JSON holds ids and numbers
                assert "otra persona" in written, fmt
        bundle = json.loads((tmp_path / "s.fhir").read_text(encoding="utf-8"))
        contained = [c for e in bundle["entry"] for c in e["resource"].get("contained", [])]
        assert "RelatedPerson" in {c["resourceType"] for c in contained}
        steps = " ".join((tmp_path / "s.txt").read_text(encoding="utf-8").split())
        assert "Línea Nacional contra la Violencia Doméstica (1-800-799-7233" in steps
        assert "Grupos de Familia Nar-Anon" in steps

    def test_the_files_suggested_are_named_in_spanish(self) -> None:
        from datetime import date

        from screener.files.answers import suggest_save_path
        from screener.screens.after import summary_stem

        i18n.use("es")
        day = date(2026, 12, 1)
        assert summary_stem(day) == "resumen-evaluacion-2026-12-01"
        assert (
            suggest_save_path(Path("/nowhere"), day).name == "screener-respuestas-2026-12-01.yaml"
        )
        i18n.use("en")
        assert summary_stem(day) == "screening-summary-2026-12-01"

    def test_explain_names_the_spanish_key(self, invoke: Any) -> None:
        shown = " ".join(invoke(["explain"]).split())
        assert "8. Cuando la evaluación es sobre otra persona" in shown
        assert 'responder "no sé" (se escribe ns,' in shown


class TestSummaryLanguage:
    """A summary may be in another language than the screening; answers stay the same."""

    def test_a_spanish_screening_with_an_english_summary(self, invoke: Any, tmp_path: Path) -> None:
        out = tmp_path / "s.html"
        shown = invoke(["run", "--export", str(out), "--export-lang", "en"], input=piped(WALK_ES))
        assert "Se guardó un resumen HTML en" in shown  # the screening's own language
        page = out.read_text(encoding="utf-8")
        assert '<html lang="en">' in page
        assert "a pattern consistent with severe opioid use disorder" in page
        assert "trastorno" not in page

    def test_an_english_screening_with_a_spanish_summary(self, tmp_path: Path) -> None:
        out = tmp_path / "s.md"
        result = CliRunner().invoke(
            app, ["run", "--export", str(out), "--export-lang", "es"], input=piped(WALK)
        )
        assert result.exit_code == 0, result.stderr
        assert "Saved a Markdown summary to" in result.stdout
        written = out.read_text(encoding="utf-8")
        assert "un patrón que se parece a un trastorno por consumo de opioides grave" in written
        assert english_in(written) == []

    def test_answers_files_are_the_same_in_either_language(self, tmp_path: Path) -> None:
        answers = write_answers(tmp_path / "a.yaml", COMPLETE)
        docs = []
        for lang in ("en", "es"):
            out = tmp_path / f"{lang}.json"
            result = CliRunner().invoke(
                app, ["score", str(answers), "--export", str(out), "--lang", lang]
            )
            assert result.exit_code == 0, result.stderr
            doc = json.loads(out.read_text(encoding="utf-8"))
            doc.pop("created")
            docs.append(doc)
        assert docs[0] == docs[1]

    def test_export_lang_needs_an_export(self, invoke: Any, tmp_path: Path) -> None:
        shown = invoke(["score", str(tmp_path / "a.yaml"), "--export-lang", "en"], code=2)
        assert "--export-lang solo sirve con --export" in shown


class TestPersonas:
    def test_every_persona_has_a_spanish_sketch(self) -> None:
        personas = load_personas(None, load_bank(language="en"))
        assert [p.name for p in personas if "es" not in p.sketches] == []


class TestLocale:
    """The language from the locale, chosen before the help is built."""

    def run(self, args: list[str], env: dict[str, str], stdin: str = "") -> str:
        from conftest import limited_env

        done = subprocess.run(
            [sys.executable, "-m", "screener", *args],
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=limited_env({"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, **env}),
            timeout=60,
            check=False,
        )
        return done.stdout + done.stderr

    @pytest.mark.parametrize("lang", ["es_US.UTF-8", "es_MX", "es"])
    def test_a_spanish_locale_gives_spanish_help_and_questions(self, lang: str) -> None:
        assert "Hacer la evaluación, una pregunta a la vez" in self.run(["--help"], {"LANG": lang})
        shown = self.run([], {"LANG": lang, "NO_COLOR": "1"}, "1\nn\n")
        assert "¿Sobre quién es esta evaluación?" in shown
        assert "¿Quiere empezar?" in shown

    def test_lang_wins_over_the_locale(self) -> None:
        shown = self.run(["run", "--lang", "en"], {"LANG": "es_MX.UTF-8"}, "1\nn\n")
        assert "Would you like to begin?" in shown
        assert "En español: screener --lang es" in shown
        help_text = self.run(["--lang", "es", "score", "--help"], {"LANG": "en_US.UTF-8"})
        assert "Calcular el resultado de archivos de respuestas" in help_text


class TestOnATerminal:
    """A Spanish speaker at a real terminal, the locale set to Spanish: welcome to result."""

    def spawn(self, tmp_path: Path) -> pexpect.spawn:
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(tmp_path),
            "LANG": "es_MX.UTF-8",
            "TERM": "dumb",
            "NO_COLOR": "1",
        }
        return pexpect.spawn(
            sys.executable,
            ["-m", "screener"],
            cwd=str(tmp_path),
            env=env,
            dimensions=(24, 80),
            encoding="utf-8",
            timeout=60,
        )

    def test_a_walk_through_from_welcome_to_result_and_an_english_summary(
        self, tmp_path: Path
    ) -> None:
        child = self.spawn(tmp_path)
        child.expect_exact("In English:")  # above the first question, in the line over it
        child.expect_exact("¿Sobre quién es esta evaluación?")
        for line in WALK_ES:
            child.expect_exact("> ")
            child.sendline(line)
        child.expect(r"6 de 11 criterios:\s+un\s+patrón\s+que\s+se\s+parece\s+a\s+un\s+trastorno")
        child.expect_exact("g: guardar · !: emergencia · x: salir")  # the reader's menu
        child.expect_exact("> ")
        child.sendline("g")  # save a summary (s is yes in Spanish)
        child.expect_exact("¿Qué tipo de archivo?")
        child.expect_exact("> ")
        child.sendline("")  # HTML
        child.expect_exact("¿En qué idioma?")
        child.expect_exact("2. English")
        child.expect_exact("> ")
        child.sendline("2")  # for an English-speaking clinician
        child.expect_exact("Guardar el resumen como:")
        child.expect_exact("> ")
        child.sendline("")
        child.expect_exact("Se guardó un resumen HTML, que solo usted puede leer, como:")
        child.expect_exact("Presione Entrar para volver al resultado.")
        child.expect_exact("> ")
        child.sendline("")
        child.expect_exact("Página 1 de")
        child.expect_exact("> ")
        child.sendline("x")  # leave
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        (saved,) = tmp_path.glob("resumen-evaluacion-*.html")  # named in Spanish
        page = saved.read_text(encoding="utf-8")
        assert '<html lang="en">' in page
        assert "a pattern consistent with severe opioid use disorder" in page

    def test_leaving_asks_in_spanish_and_takes_s_for_yes(self, tmp_path: Path) -> None:
        child = self.spawn(tmp_path)
        child.expect_exact("> ")
        child.sendline("1")  # about myself
        child.expect_exact("> ")
        child.sendline("s")
        child.expect_exact("> ")
        child.sendline("s")  # use_any: yes
        child.expect_exact("> ")
        child.sendline("x")
        child.expect_exact("¿Desea salir ahora? (s/n)")
        child.sendline("s")
        child.expect_exact("¿Desea guardar sus respuestas hasta ahora")
        child.expect_exact("(s/N)")
        child.sendline("")
        child.expect_exact("Salió de la evaluación. No se guardó nada.")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 1
        assert list(tmp_path.iterdir()) == []


def test_every_spanish_text_of_the_default_bank_is_current() -> None:
    """No text lacks Spanish, and none has English newer than its Spanish: after a change to
    questions.yaml, translate, check, then `python tools/bank_translation.py es --mark`."""
    assert load_bank(every_language=True).warnings == ()


# Fields of the bank's records that hold ids, numbers or rules, not words a person reads.
NOT_WORDS = {
    "id", "path", "version", "canonical", "language", "languages", "untranslated", "warnings",
    "source", "band_source", "value", "criterion", "role", "scale", "section", "kind", "urgency",
    "when", "show_if", "overridden_if", "file", "changed_in", "line", "required", "counted",
    "items", "low", "high", "show_emergency", "emergency", "perspective", "unknown",
}  # fmt: skip


def leaves(record: object, where: str = "") -> Iterator[tuple[str, str]]:
    """Every text in a bank record, wherever it is, by its place: a field added to the bank
    later is walked too."""
    if isinstance(record, str):
        yield where, record
    elif hasattr(record, "_fields"):
        for name in record._fields:
            if name not in NOT_WORDS:
                yield from leaves(getattr(record, name), f"{where}.{name}")
    elif isinstance(record, dict) or hasattr(record, "items"):
        for key, value in record.items():
            yield from leaves(value, f"{where}[{key}]")
    elif isinstance(record, tuple | list):
        for i, value in enumerate(record):
            yield from leaves(value, f"{where}[{i}]")


def test_no_text_of_the_spanish_bank_is_left_in_english(english: Bank, spanish: Bank) -> None:
    """Whatever fields the bank has, each of its texts differs in Spanish (but for names,
    numbers and citations, which read the same in either language)."""
    same_by_nature = re.compile(r"^[\d\s()+-]+$|^[A-Z][\w-]*$| et al\., |^1-800-")
    spanish_texts = dict(leaves(spanish))
    # A band's label is its id (its words are in `text`); yes and no are the catalog's.
    ids = re.compile(r"\.bands\[\d+\]\.label$|\.options\[[01]\]\.label$")
    same = [
        where
        for where, text in leaves(english)
        if text
        and spanish_texts.get(where) == text
        and not same_by_nature.search(text)
        and not (ids.search(where) and text in ("yes", "no", "none", "mild", "moderate", "severe"))
        and not re.search(r"\.(call|only_with)\[\d+\]$", where)  # helpline and step ids
    ]
    assert len(spanish_texts) > 300
    assert same == []


class TestOneScreen:
    """What the English screens promise at 80x24, the Spanish keeps (tests/test_result_screen.py
    holds the English): the welcome with the way to switch language, and the `!` box."""

    @pytest.mark.parametrize("language", ["en", "es"])
    @pytest.mark.parametrize("plain", [False, True])
    def test_the_welcome_fits_24_lines_with_the_way_to_switch_language(
        self, language: str, plain: bool
    ) -> None:
        from test_result_screen import HEIGHT, flat, lines_of

        from screener.screens.interview import Interview

        i18n.use(language)
        bank = load_bank(language=language)
        shown: list[str] = []

        def ask(prompt: str) -> str:
            shown.append(prompt)
            return "n"

        def show(renderable: Any) -> None:
            shown.extend(lines_of(renderable, plain))

        Interview(bank, ask, show, plain=plain, switch="screener").run()
        screen = shown[: shown.index("> ") + 1]
        assert len(screen) <= HEIGHT, "\n".join(screen)
        text = flat(screen)
        other = "es" if language == "en" else "en"
        assert i18n.SWITCH[other].format(command="screener") in text
        assert str(bank.section("welcome").intro).split(".")[0] in text
        assert bank.emergency.title in text

    def test_the_emergency_box_fits_24_lines_with_its_prompt(self) -> None:
        from test_result_screen import HEIGHT, lines_of

        from screener.screens import render

        i18n.use("es")
        box = lines_of(render.emergency(load_bank(language="es"), False))
        assert len(box) + 2 <= HEIGHT, "\n".join(box)


# Words a Spanish speaker must not meet in the framework's help and usage errors: Click's and
# Typer's own ("Usage", "Show this message and exit.") and common English. Option names
# (--help), values to type (self, other, md) and names (JSON, FHIR, Patient/123) are left out.
ENGLISH_WORDS = frozenset(
    [
        "usage",
        "options",
        "arguments",
        "commands",
        "show",
        "this",
        "message",
        "exit",
        "try",
        "help",
        "missing",
        "argument",
        "option",
        "invalid",
        "value",
        "such",
        "did",
        "you",
        "mean",
        "possible",
        "got",
        "unexpected",
        "required",
        "default",
        "aborted",
        "enter",
        "the",
        "and",
        "with",
        "not",
        "is",
        "are",
        "of",
        "to",
        "for",
        "file",
        "files",
        "path",
        "text",
        "float",
        "integer",
        "command",
        "args",
        "draft",
        "number",
        "recognized",
        "values",
        "given",
    ]
)
_NOT_WORDS = re.compile(r"(?<!\S)-{1,2}[\w-]+|'[^']*'|\S+\.(?:gov|org|json|yaml|md)\b")


def english_words(text: str) -> list[str]:
    """The words of `text` that are in ENGLISH_WORDS (option names and quoted values aside)."""
    words = re.findall(r"[^\W\d_]+", _NOT_WORDS.sub(" ", text))
    return sorted({w for w in words if w.lower() in ENGLISH_WORDS})


class TestTheFrameworkInSpanish:
    """`--help` of every command and the usage errors of Typer and Click, in Spanish, with the
    locale saying nothing (LANG=C): no English word."""

    def run(self, args: list[str]) -> tuple[int, str]:
        from conftest import limited_env

        done = subprocess.run(
            [sys.executable, "-m", "screener", "--lang", "es", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=limited_env(
                {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C"}
                | {"COLUMNS": "80"}
            ),
            timeout=60,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    @pytest.mark.parametrize("command", [None, *__import__("screener.cli").cli.COMMANDS])
    def test_every_commands_help_is_spanish(self, command: str | None) -> None:
        code, shown = self.run([command, "--help"] if command else ["--help"])
        assert code == 0, shown
        assert shown.startswith("Uso: screener"), shown
        assert "Opciones:" in shown and "Mostrar esta ayuda y salir." in shown
        assert english_words(shown) == [], shown

    @pytest.mark.parametrize(
        ("args", "said"),
        [
            (["score", "--bogus"], "Error: No existe la opción --bogus"),
            (["frobnicate"], "Error: No existe el comando 'frobnicate'."),
            (["scor"], "¿Quiso decir 'score'?"),
            (["score"], "Error: Falta el argumento 'ARCHIVOS...'."),
            (["demo", "--pace", "abc"], "'abc' no es un número válido."),
            (["demo", "a", "b"], "Error: Sobran argumentos (b)"),
            (["run", "--bank"], "Error: La opción '--bank' necesita un valor."),
            (["score", "a.yaml", "--json", "--csv"], "Valor no válido para '--csv'"),
            (["run", "--lang", "fr"], "no es un idioma de screener; use en o es"),
        ],
    )
    def test_usage_errors_are_spanish(self, args: list[str], said: str) -> None:
        code, shown = self.run(args)
        assert code == 2, shown
        assert said in shown, shown
        assert english_words(shown) == [], shown
        assert "Traceback" not in shown

    def test_the_word_list_finds_the_frameworks_english(self) -> None:
        """The check can fail: Click's own words, as an English run prints them, are found."""
        from conftest import limited_env

        done = subprocess.run(
            [sys.executable, "-m", "screener", "score", "--bogus"],
            capture_output=True,
            text=True,
            env=limited_env({"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C"}),
            timeout=60,
            check=False,
        )
        assert {"Usage", "Try", "for", "help", "such", "option"} <= set(english_words(done.stderr))


class TestCarryingOnInSpanish:
    """Answers saved part-way in a run chosen with --lang es: the file's comment and the line
    on screen say --lang es, and carrying on with that command is in Spanish, whatever the
    locale."""

    def spawn(self, tmp_path: Path, args: list[str], lang: str) -> pexpect.spawn:
        env = {
            "PATH": os.environ.get("PATH", os.defpath),
            "HOME": str(tmp_path),
            "LANG": lang,
            "TERM": "dumb",
            "NO_COLOR": "1",
        }
        return pexpect.spawn(
            sys.executable,
            ["-m", "screener", *args],
            cwd=str(tmp_path),
            env=env,
            dimensions=(24, 80),
            encoding="utf-8",
            timeout=60,
        )

    def test_the_saved_file_and_the_screen_carry_lang_es(self, tmp_path: Path) -> None:
        child = self.spawn(tmp_path, ["--lang", "es"], "en_US.UTF-8")
        for reply in ("1", "s", "s"):  # about myself; begin; used opioids: yes
            child.expect_exact("> ")
            child.sendline(reply)
        child.expect_exact("> ")
        child.sendline("x")
        child.expect_exact("¿Desea salir ahora? (s/n)")
        child.sendline("s")
        child.expect_exact("¿Desea guardar sus respuestas hasta ahora")
        child.sendline("s")
        child.expect_exact("¿Guardar en")
        child.sendline("")
        child.expect_exact("Para continuar donde lo dejó:")
        child.expect(pexpect.EOF)
        child.close()
        [saved] = tmp_path.glob("screener-respuestas-*.yaml")
        command = f"{sys.executable} -m screener --lang es run --answers {saved}"
        assert command in " ".join(str(child.before).split())
        assert f"# Para continuar donde lo dejó: {command}\n" in saved.read_text("utf-8")

        # The command as saved, on a machine whose locale is English: Spanish still.
        again = self.spawn(tmp_path, ["--lang", "es", "run", "--answers", str(saved)], "C")
        again.expect_exact("¿Quiere empezar?")
        again.expect_exact("> ")
        again.sendline("s")
        again.expect_exact("Se continúa desde")
        again.expect_exact("> ")
        again.sendintr()
        again.expect(pexpect.EOF)
        again.close()


class TestTheScaleIsATranslation:
    """A clinician reading a Spanish summary learns once that the withdrawal items are a
    translation of the scale, not a validated Spanish version; an English one says nothing."""

    NOTE = "no una versión validada en español"

    def rated(self) -> dict[str, Any]:
        """COMPLETE with the withdrawal items rated."""
        items = [q.id for q in load_bank(language="en").questions if q.scale == "sows"]
        return {**COMPLETE, "withdrawal_offer": True, **dict.fromkeys(items, 2)}

    @pytest.mark.parametrize("fmt", ["md", "html", "txt", "fhir"])
    def test_every_clinician_summary_says_so_once(
        self, invoke: Any, tmp_path: Path, fmt: str
    ) -> None:
        answers = write_answers(tmp_path / "a.yaml", self.rated())
        out = tmp_path / f"s.{fmt}"
        invoke(["score", str(answers), "--export", str(out), "--format", fmt])
        written = words_of(out.read_text(encoding="utf-8"), fmt)
        if fmt == "fhir":  # a resource's narrative shows its note again: the note counts
            written = re.sub(r"<div.*?</div>", "", written, flags=re.S)
        assert " ".join(written.split()).count(self.NOTE) == 1, written

    def test_an_english_summary_and_the_persons_screen_do_not(
        self, invoke: Any, tmp_path: Path
    ) -> None:
        answers = write_answers(tmp_path / "a.yaml", self.rated())
        out = tmp_path / "s.md"
        shown = invoke(["score", str(answers), "--export", str(out), "--export-lang", "en"])
        assert self.NOTE not in shown
        assert "validated" not in out.read_text(encoding="utf-8")


class TestNoEnglishWords:
    """No word of ENGLISH_WORDS in any Spanish text of the catalog or the bank: placeholders,
    places in a file (questions.craving.text), a source's original title given after the
    Spanish ("en inglés: ...") and the one gloss of the Enter key aside."""

    def test_the_catalog(self) -> None:
        found = [
            (msgid, english_words(re.sub(r"\{\w+(?:!r)?\}|\b\w+(?:\.\w+)+\b", " ", es)))
            for msgid, _en, es in catalog_pairs()
        ]
        assert [f for f in found if f[1]] == []

    def test_the_bank(self, english: Bank, spanish: Bank) -> None:
        found = [
            (where, english_words(re.sub(r"\(en inglés: [^)]*\)|\(Enter\)", " ", es)))
            for where, _en, es in pairs(english, spanish)
        ]
        assert [f for f in found if f[1]] == []
