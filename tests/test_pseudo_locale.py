"""A pseudo-locale: every catalog message transformed ("Type one number." becomes
"⟦Týpé óné númbér.⟧"), then every command run through it. Any English sentence of the catalog
that still shows was written into the code instead of the catalog: the Spanish screening would
show it in English. The catalog used is built from the real template (screener.pot) and
loaded through the same .po compiler a real language goes through."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import bank_text
from test_cli import COMPLETE, WALK, piped, write_answers
from typer.testing import CliRunner

from screener import i18n
from screener.cli import app
from screener.files.bank import default_path

ROOT = Path(__file__).resolve().parent.parent
POT = i18n.LOCALE_DIR / "screener.pot"
ACCENTS = str.maketrans("aeiouyAEIOUY", "áéíóúýÁÉÍÓÚÝ")
PERSONAS = ROOT / "screener" / "personas.yaml"


def pseudo(message: str) -> str:
    """`message` with its letters accented and brackets around it; placeholders kept."""
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(message):
        out.append(literal.translate(ACCENTS).replace("{", "{{").replace("}", "}}"))
        if field is not None:
            out.append("{" + field + (f"!{conversion}" if conversion else ""))
            out.append((f":{spec}" if spec else "") + "}")
    return "⟦" + "".join(out) + "⟧"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def pseudo_po(language: str | None = None, fixed: Mapping[str, str] | None = None) -> str:
    """A whole .po catalog translating every message of the template into the pseudo-locale;
    `language` goes in its header, and a message keyed in `fixed` (as `parse_po` keys it:
    context, \\x04, msgid) takes the words given there instead."""
    fixed = fixed or {}
    header = f'"Language: {language}\\n"\n' if language else ""
    out = [
        'msgid ""\nmsgstr ""\n' + header + '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    ]
    for key in i18n.parse_po(POT.read_text(encoding="utf-8")):
        if not key:
            continue
        context, _, msgid = key.rpartition("\x04")
        lines = [f"msgctxt {quote(context)}"] if context else []
        if "\0" in msgid:
            singular, plural = msgid.split("\0")
            lines += [f"msgid {quote(singular)}", f"msgid_plural {quote(plural)}"]
            lines += [f"msgstr[0] {quote(pseudo(singular))}", f"msgstr[1] {quote(pseudo(plural))}"]
        else:
            lines += [f"msgid {quote(msgid)}", f"msgstr {quote(fixed.get(key, pseudo(msgid)))}"]
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def english_segments() -> dict[str, str]:
    """Each catalog message's stretches of plain English (between placeholders) long enough to
    be told apart from bank text, mapped to their message. Stretches that the bank or the
    personas also say are left out: those words are the bank's to translate."""
    bank_words = " ".join(
        " ".join(p.read_text(encoding="utf-8").split()) for p in (default_path(), PERSONAS)
    )
    found: dict[str, str] = {}
    for key in i18n.parse_po(POT.read_text(encoding="utf-8")):
        for message in key.rpartition("\x04")[2].split("\0"):
            for literal, *_ in string.Formatter().parse(message):
                for part in re.split(r"\n", literal):
                    part = part.strip(" .,:;()'\"-")
                    if len(part) >= 14 and len(part.split()) >= 3 and part not in bank_words:
                        found[part] = message
    return found


SEGMENTS = english_segments()


def _words(text: str) -> str:
    """Lowercase words, everything else one space: wrapping and punctuation aside."""
    return " ".join(re.sub(r"[^a-z0-9'_/]+", " ", text.lower()).split())


BANK_WORDS = (
    " " + " ".join(_words(p.read_text(encoding="utf-8")) for p in (default_path(), PERSONAS)) + " "
)


def stray_english(output: str) -> list[str]:
    """Four words in a row, outside the pseudo-locale's brackets, that the bank and personas
    never say: English written straight into the code, never put in the catalog. Ids, numbers
    and paths break a run, so they are never taken for English."""
    outside = output
    while True:  # innermost first: a message may hold another ("Error: {message}")
        outside, n = re.subn(r"⟦[^⟦⟧]*⟧", " | ", outside)
        if not n:
            break
    found = []
    for line in outside.splitlines():
        # Table borders, columns (two spaces or more), and the colons and brackets that join
        # two pieces of bank text ("Name: contact", "Title (reference)") end a run.
        for run in re.split(r"[|│┃╭╮╰╯─━┏┓┗┛:()\[\]]+| {2,}", line):
            words: list[str] = []
            for token in [*_words(run).split(), "0"]:  # the 0 ends the last run
                if re.fullmatch(r"[a-z][a-z']*", token):
                    words.append(token)
                    continue
                windows = (" ".join(words[i : i + 4]) for i in range(len(words) - 3))
                if any(f" {w} " not in BANK_WORDS for w in windows):
                    found.append(run.strip())
                words = []
    return found


@pytest.fixture
def speak_pseudo() -> Iterator[None]:
    i18n.install(i18n.load(pseudo_po()))
    try:
        yield
    finally:
        i18n.use("en")


@pytest.fixture
def invoke(speak_pseudo: None) -> Any:
    runner = CliRunner(env={"COLUMNS": "80", "LINES": "24", "FORCE_COLOR": None, "NO_COLOR": "1"})

    def run(args: list[str], input: str | None = None) -> str:
        result = runner.invoke(app, args, input=input)
        assert "Traceback" not in result.stdout + result.stderr, result.stderr
        return result.stdout + result.stderr

    return run


def leaks(output: str) -> list[str]:
    flat = " ".join(output.split())
    return [f"{seg!r} (from {msg!r})" for seg, msg in SEGMENTS.items() if seg in flat]


# The welcome's lines on how to switch language are each in their own language on purpose
# (i18n.SWITCH): the command they name is not prose.
SWITCH_LINES = re.compile(
    "|".join(
        re.escape(line).replace(re.escape("{command}"), r"[^\n]*") for line in i18n.SWITCH.values()
    )
)


def assert_no_english(output: str) -> None:
    output = SWITCH_LINES.sub("", output)
    found = leaks(output)
    assert not found, f"{len(found)} English catalog sentences shown untranslated:\n" + "\n".join(
        found[:15]
    )
    assert "⟦" in output  # the pseudo-locale was in use
    stray = stray_english(output)
    assert not stray, f"{len(stray)} runs of English outside the catalog:\n" + "\n".join(stray[:15])


def test_the_pseudo_catalog_covers_every_message() -> None:
    assert len(SEGMENTS) > 50
    t = i18n.load(pseudo_po())
    assert t.gettext("Type one number.") == "⟦Týpé óné númbér.⟧"


def test_a_whole_run_with_every_key(invoke: Any, tmp_path: Path) -> None:
    walk = [WALK[0], WALK[1], "?", "h", "!", "maybe", WALK[2], "b", *WALK[2:]]
    assert_no_english(invoke(["run"], input=piped(walk)))


def test_a_whole_run_about_someone_else(invoke: Any) -> None:
    # who: someone else; begin; yes to use; heroin; then "don't know", yes and no in turn
    walk = ["s", "2", "y", "d", "1", "?", *(["d", "y", "n"] * 7)]
    assert_no_english(invoke(["run"], input=piped(walk)))


def test_declining_and_leaving(invoke: Any) -> None:
    assert_no_english(invoke(["run"], input=piped(["1", "n"])))
    assert_no_english(invoke(["run"], input=piped(["2", "y", "q"])))
    assert_no_english(invoke(["run"], input=""))


def test_a_scored_file_and_every_summary(invoke: Any, tmp_path: Path) -> None:
    answers = write_answers(tmp_path / "a.yaml", COMPLETE)
    assert_no_english(invoke(["score", str(answers)]))
    for fmt in ("md", "html", "txt", "fhir"):
        out = tmp_path / f"s.{fmt}"
        shown = invoke(["score", str(answers), "--export", str(out), "--format", fmt])
        written = out.read_text(encoding="utf-8")
        if fmt in ("html", "fhir"):  # the words, not the markup (FHIR's narratives) and style
            written = re.sub(r"<style.*?</style>|<[^>]+>", "\n", written, flags=re.S)
            written = html.unescape(written)
        assert_no_english(shown + written)


def test_explain_and_the_question_list(invoke: Any) -> None:
    assert_no_english(invoke(["explain"]))
    assert_no_english(invoke(["explain", "craving"]))
    assert_no_english(invoke(["questions"]))


def test_the_demo(invoke: Any, tmp_path: Path) -> None:
    assert_no_english(invoke(["demo"]))
    out = tmp_path / "d.md"
    shown = invoke(["demo", "riley", "--pace", "0", "--export", str(out)])
    assert_no_english(shown + out.read_text(encoding="utf-8"))


def test_a_caseload(invoke: Any, tmp_path: Path) -> None:
    good = write_answers(tmp_path / "a.yaml", COMPLETE)
    bad = tmp_path / "b.yaml"
    bad.write_text("format: 1\nanswers: {nope: true}\n", encoding="utf-8")
    assert_no_english(invoke(["score", str(good), str(bad)]))


@pytest.mark.parametrize(
    "args",
    [
        ["score", "{missing}"],
        ["score", "{bad}"],
        ["score", "{folder}"],
        ["validate", "{bad_bank}"],
        ["run", "--bank", "{bad}"],
        ["explain", "cravin"],
        ["demo", "nobody"],
        ["score", "{good}", "--format", "md"],
        ["score", "{good}", "--export", "{good}"],
        ["score", "{good}", "--export", "{folder}/x.unknown"],
        ["run", "--perspective", "nobody"],
        ["questions", "--json", "--fhir"],
    ],
)
def test_every_error(invoke: Any, tmp_path: Path, args: list[str]) -> None:
    good = write_answers(tmp_path / "a.yaml", COMPLETE)
    bad = tmp_path / "b.yaml"
    bad.write_text("format: 2\nbank: 3\nanswers:\n  use_any: maybe\n  nope: true\n", "utf-8")
    bad_bank = tmp_path / "bank.yaml"

    def damage(bank: dict[str, Any]) -> None:
        bank["sections"][0]["questions"][0]["kind"] = "yes_or_no"
        bank["referrals"][0]["when"] = {"result": "severty", "equals": "mild"}
        bank["flags"][0]["when"] = {"question": "nowhere", "equals": True}

    bad_bank.write_text(bank_text(damage), encoding="utf-8")
    names = {
        "missing": tmp_path / "none.yaml",
        "bad": bad,
        "good": good,
        "folder": tmp_path,
        "bad_bank": bad_bank,
    }
    assert_no_english(invoke([a.format(**names) for a in args], input=""))
