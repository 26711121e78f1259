"""The shared wording (screener.core.wording); the summaries speak only through the catalog."""

from __future__ import annotations

import gettext
import html
import json
import random
import re
import string
from collections.abc import Iterator
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import yaml

from screener import i18n, pool
from screener.core import wording
from screener.core.model import (
    OTHER,
    UNKNOWN,
    Answers,
    Bank,
    Kind,
    Result,
    Role,
    Severity,
    Summary,
    Value,
)
from screener.core.scoring import score
from screener.files.answers import document
from screener.files.bank import default_path, parse_bank
from screener.screens import render
from screener.screens import result as result_screen
from screener.screens.demo import answers_of, load_personas
from screener.summaries import caseload, export


def random_answers(bank: Bank, seed: int) -> Answers:
    """Answers to the default bank with some skipped, some never reached and some "don't
    know"; every other seed about someone else."""
    rng = random.Random(seed)
    perspectives = list(bank.perspectives)
    perspective = perspectives[seed % len(perspectives)]
    values: dict[str, Value] = {}
    for q in bank.about(perspective).questions:
        roll = rng.random()
        if q.role in (Role.CONSENT, Role.GATE):
            values[q.id] = True
        elif roll < 0.1:
            continue
        elif roll < 0.2:
            values[q.id] = None
        elif roll < 0.3 and q.unknown:
            values[q.id] = UNKNOWN
        elif q.kind is Kind.YES_NO:
            values[q.id] = rng.random() < 0.6
        elif q.kind in (Kind.SCALE, Kind.CHOICE):
            values[q.id] = rng.choice(q.options).value
        elif q.kind is Kind.MULTI:
            choices = [o.value for o in q.options if o.value != "none"]
            values[q.id] = tuple(rng.sample(choices, rng.randint(1, len(choices))))
        else:
            values[q.id] = "some text"
    return Answers(bank.id, bank.version, perspective, values)


def results(bank: Bank) -> list[Result]:
    """The personas' results and many made-up ones: every form of the result sentence."""
    given = [answers_of(bank, p) for p in load_personas(None, bank)]
    given += [random_answers(bank, seed) for seed in range(150)]
    return [score(bank, a) for a in given]


class TestTheScreenCanSayItAsItDoes:
    """The screen's words, here too, so that the screens can take them from here."""

    def test_the_result_sentence(self, bank: Bank) -> None:
        for res in results(bank):
            if res.perspective == OTHER:  # what was seen and what could not be told, apart
                assert wording.seen_headline(res) == result_screen.summary_line(res)
            else:
                assert wording.result_sentence(res) == result_screen.summary_line(res)

    def test_the_withdrawal_sentence(self, bank: Bank) -> None:
        for res in results(bank):
            shown = result_screen.withdrawal_text(bank, res).plain
            sentence = wording.withdrawal_sentence(res.withdrawal, voice="screen")
            assert shown.startswith(sentence)
            w = res.withdrawal
            if w is not None and w.band:
                band = next(b for b in bank.scales["sows"].bands if b.label == w.band)
                meaning = wording.band_meaning(w, w.band, band.low, band.high)
                assert shown.startswith(f"{sentence} {meaning}")
                assert ("Withdrawal can be treated" in shown) is (w.score > 0)

    def test_the_names_and_labels(self) -> None:
        for severity in Severity:
            assert wording.band_name(severity) == render.band_name(severity)
        assert wording.demo_banner("sam") == render.demo_banner("sam")
        assert wording.demo_banner() == "DEMO: fictional answers"


class TestResultSentence:
    @pytest.mark.parametrize(
        ("count", "top", "low", "high", "line"),
        [
            (6, 6, Severity.SEVERE, Severity.SEVERE, "severe (6 of 11 criteria)"),
            (2, 3, Severity.MILD, Severity.MILD, "mild (2-3 of 11 criteria)"),
            (3, 5, Severity.MILD, Severity.MODERATE, "mild to moderate (3-5 of 11 criteria)"),
            (0, 1, Severity.NONE, Severity.NONE, "none (0-1 of 11 criteria)"),
        ],
    )
    def test_on_a_caseload_line(
        self, bank: Bank, count: int, top: int, low: Severity, high: Severity, line: str
    ) -> None:
        res = score(bank, random_answers(bank, 0))
        res = res.__class__(
            **{
                **{f: getattr(res, f) for f in res.__slots__},
                "screened_out": False,
                "count": count,
                "count_max": top,
                "severity": low,
                "severity_max": high,
            }
        )
        assert wording.result_sentence(res, "line") == line


# --- the summaries speak only through the catalog ------------------------------------------


# A made-up language: every letter of a message in its full-width form (U+FF21 for A), its
# {placeholders} kept. The bank's text is marked ⟪ ⟫ instead, its letters kept: so any plain
# ASCII word outside ⟪ ⟫ is the program's own, said without the catalog, even inside a message
# that a translated one was put into.
FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F) if chr(c).isalpha()}


def foreign(message: str) -> str:
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(message):
        parts.append(literal.translate(FULL_WIDTH).replace("{", "{{").replace("}", "}}"))
        if name is not None:
            conversion = f"!{conversion}" if conversion else ""
            parts.append(f"{{{name}{conversion}{f':{spec}' if spec else ''}}}")
    return "".join(parts)


class Foreign(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return foreign(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return foreign(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return foreign(message)


@pytest.fixture
def in_foreign() -> Iterator[None]:
    i18n.install(Foreign())
    try:
        yield
    finally:
        i18n.use(None)


# Bank keys whose strings are text a person reads (everything under them).
BANK_TEXT = {
    "title", "text", "why", "short", "intro", "detail", "name", "contact", "note", "ref", "file",
    "signs", "steps", "criteria", "perspectives", "formal_name", "brief",
}  # fmt: skip


def mark_bank(data: object, text: bool = False) -> object:
    """The bank with its text in ⟪ ⟫, its ids and values as they are."""
    if isinstance(data, str):
        return f"⟪{data}⟫" if text else data
    if isinstance(data, list):
        return [mark_bank(item, text) for item in data]
    if isinstance(data, dict):
        return {
            key: mark_bank(
                value,
                text or key in BANK_TEXT or (key == "label" and "min" not in data),  # not a band
            )
            for key, value in data.items()
        }
    return data


@pytest.fixture(scope="module")
def marked_bank() -> Bank:
    data = yaml.safe_load(default_path().read_text(encoding="utf-8"))
    text = yaml.safe_dump(mark_bank(data), allow_unicode=True, sort_keys=False, width=1000)
    return parse_bank(text, "marked.yaml")


def english(text: str) -> set[str]:
    """The plain ASCII words in `text` outside the bank's ⟪ ⟫ (markup has none)."""
    return set(re.findall(r"[A-Za-z][A-Za-z_]{2,}", re.sub(r"⟪[^⟪⟫]*⟫", "", text)))


def fhir_texts(data: object, key: str = "") -> Iterator[str]:
    """The texts of a FHIR resource a person reads: displays, texts and the narrative."""
    if isinstance(data, dict):
        for k, value in data.items():
            yield from fhir_texts(value, k)
    elif isinstance(data, list):
        for item in data:
            yield from fhir_texts(item, key)
    elif isinstance(data, str) and key in ("display", "text", "div"):
        yield re.sub(r"<[^>]*>", " ", data)


def test_every_summary_says_the_programs_words_through_the_catalog(
    bank: Bank, marked_bank: Bank, in_foreign: None
) -> None:
    personas = load_personas(None, bank)
    # Ids: the bank's, a persona's name, a criterion's key (shown beside its meaning); and the
    # withdrawal bands, bank text left unmarked as conditions name them.
    bands = {b.label for scale in bank.scales.values() for b in scale.bands}
    ids = {*english(bank.id), *(p.name for p in personas), "sam", *bank.criteria, *bands}
    hl7 = {"Survey", "test", "health", "data"}  # displays of HL7's codes, as HL7 gives them
    given = [answers_of(marked_bank, p) for p in personas]
    given += [random_answers(marked_bank, seed)._replace(demo="sam") for seed in range(20)]
    for n, answers in enumerate(given):
        answers = answers._replace(created="2026-01-02T03:04:05+01:00" if n % 2 else None)
        res = score(marked_bank, answers)
        summary = Summary(marked_bank, answers, res, datetime(2026, 5, 1, tzinfo=UTC))
        for fmt in ("md", "txt", "html"):
            out = export.render(fmt, summary)
            if fmt == "html":  # the page's words, not its tags and style
                out = html.unescape(re.sub(r"<[^>]*>", " ", out[out.index("</style>") :]))
            assert english(out) <= ids, fmt
        bundle = json.loads(export.render("fhir", summary))
        assert set().union(*map(english, fhir_texts(bundle))) <= hl7 | ids
    for fmt in export.FORMATS:
        assert not english(export.DESCRIPTION[fmt])


def test_the_caseload_lines_and_problems_say_the_programs_words_through_the_catalog(
    bank: Bank, in_foreign: None, tmp_path: Path
) -> None:
    files = []
    for n in range(6):
        files.append(tmp_path / f"{n}.json")
        files[-1].write_text(json.dumps(document(random_answers(bank, n), bank)))
    files.append(tmp_path / "missing.yaml")
    out, err = StringIO(), StringIO()
    assert caseload.write(files, bank, "lines", out, err) == 1
    lines = out.getvalue().replace(str(tmp_path), "").replace(".json", "")
    assert len(lines.splitlines()) == 6
    assert english(lines) <= {f.id for f in bank.flags}
    assert err.getvalue().startswith(foreign("Error: {message}").format(message=""))


def fail(item: int) -> int:
    raise ValueError(item)


def test_why_a_worker_gave_no_result_is_said_through_the_catalog(in_foreign: None) -> None:
    stopped = list(pool.run(fail, [1, 2], processes=1, seconds=5, memory_mib=64))
    reason = foreign("screener failed on it ({name})").format(name="ValueError")
    assert stopped == [pool.Stopped(reason)] * 2
