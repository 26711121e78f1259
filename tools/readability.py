"""Readability of a bank's texts: Fernández-Huerta for Spanish, Flesch for English.

    python tools/readability.py                  # the default bank, in every language it has
    python tools/readability.py --lang es        # one language
    python tools/readability.py --bank B --json  # another bank; figures as JSON
    python tools/readability.py --results        # the result texts, each on its own

The question figure is worked out over all the question texts of a language together (every
perspective's wording, each text as a passage), then per section, and the hardest questions are
listed. With --results, each text a person reads around a result is measured on its own: each
welcome, each next step (its short sentence and its text), each safety flag's detail and each
caveat, against RESULT_TARGET; a heading (a title, a flag's label) is not a sentence and is left
out.
Standard library and screener only; nothing is written.

Formulas (higher is easier; 70 and up reads as "fairly easy", 60-70 as "standard"):

- Fernández-Huerta (1959), in the corrected form that uses sentence length, as most tools do
  (the printed original multiplies sentences per 100 words, which gives the wrong sign):
  L = 206.84 - 60 * (syllables / words) - 1.02 * (words / sentences)
- Szigriszt-Pazos (INFLESZ), the other common Spanish measure, for comparison:
  P = 206.835 - 62.3 * (syllables / words) - (words / sentences)
- Flesch Reading Ease for English:
  F = 206.835 - 84.6 * (syllables / words) - 1.015 * (words / sentences)

Syllables are counted by rule, not from a dictionary. Spanish: each vowel group is one syllable,
split where two strong vowels (a, e, o) meet or an accented i or u stands by another vowel
(hiatus); the u of que, qui, gue and gui is silent; y is a vowel at the end of a word. English:
vowel groups, less a silent final e. A number is read as a word of two syllables ("12", doce).
A sentence ends at . ! or ? (a text with none is one sentence).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET = 70.0
# Each result text on its own: a single short passage swings more than the questions together,
# so the bar is the top of "standard" (60-70) rather than "fairly easy".
RESULT_TARGET = 65.0
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$|[\"'”»)])")

_STRONG = set("aeoáéó")
_ACCENTED_WEAK = set("íú")
_VOWELS = set("aeiouáéíóúü")


def syllables_es(word: str) -> int:
    """Syllables of a Spanish word, by rule."""
    w = word.lower()
    if w.isdigit():
        return 2
    w = re.sub(r"([qg])u([eiéí])", r"\1\2", w)  # que, qui, gue, gui: the u is silent
    w = re.sub(r"y$", "i", w)  # hoy, muy, y
    count = 0
    previous = ""
    for char in w:
        if char in _VOWELS and (previous not in _VOWELS or _hiatus(previous, char)):
            count += 1
        previous = char
    return max(count, 1)


def _hiatus(a: str, b: str) -> bool:
    return (a in _STRONG and b in _STRONG) or a in _ACCENTED_WEAK or b in _ACCENTED_WEAK


def syllables_en(word: str) -> int:
    """Syllables of an English word, by rule (vowel groups, less a silent final e)."""
    w = word.lower()
    if w.isdigit():
        return 2
    groups = re.findall(r"[aeiouy]+", w)
    count = len(groups)
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(count, 1)


class Counts(NamedTuple):
    words: int
    syllables: int
    sentences: int

    def __add__(self, other: object) -> Counts:
        assert isinstance(other, Counts)
        return Counts(*(a + b for a, b in zip(self, other, strict=True)))


def counts(text: str, language: str) -> Counts:
    words = WORD.findall(text)
    count = syllables_es if language == "es" else syllables_en
    sentences = max(len(SENTENCE_END.findall(text.strip())), 1)
    return Counts(len(words), sum(count(w) for w in words), sentences)


def fernandez_huerta(c: Counts) -> float:
    return 206.84 - 60 * c.syllables / c.words - 1.02 * c.words / c.sentences


def szigriszt(c: Counts) -> float:
    return 206.835 - 62.3 * c.syllables / c.words - c.words / c.sentences


def flesch(c: Counts) -> float:
    return 206.835 - 84.6 * c.syllables / c.words - 1.015 * c.words / c.sentences


def score(c: Counts, language: str) -> float:
    return fernandez_huerta(c) if language == "es" else flesch(c)


def question_texts(bank: Any) -> list[tuple[str, str, str]]:
    """(section title, question id, text) for every question text and perspective wording."""
    out = []
    for section in bank.sections:
        for q in section.questions:
            texts = q.text.values() if isinstance(q.text, dict) else [q.text]
            out += [(section.title, q.id, t) for t in texts]
    return out


def report(bank: Any, language: str) -> dict[str, Any]:
    texts = question_texts(bank)
    per_text = [(sid, qid, counts(text, language)) for sid, qid, text in texts]
    total = sum((c for _s, _q, c in per_text), Counts(0, 0, 0))
    sections: dict[str, Counts] = {}
    for sid, _qid, c in per_text:
        sections[sid] = sections.get(sid, Counts(0, 0, 0)) + c
    hardest = sorted(per_text, key=lambda t: score(t[2], language))[:5]
    measure = "Fernández-Huerta" if language == "es" else "Flesch Reading Ease"
    out: dict[str, Any] = {
        "language": language,
        "measure": measure,
        "texts": len(texts),
        "words": total.words,
        "sentences": total.sentences,
        "syllables_per_word": round(total.syllables / total.words, 2),
        "words_per_sentence": round(total.words / total.sentences, 1),
        "score": round(score(total, language), 1),
        "sections": {s: round(score(c, language), 1) for s, c in sections.items()},
        "hardest": [{"id": q, "score": round(score(c, language), 1)} for _s, q, c in hardest],
    }
    if language == "es":
        out["szigriszt_inflesz"] = round(szigriszt(total), 1)
    return out


def result_texts(bank: Any) -> list[tuple[str, str]]:
    """(what, text) for each welcome, next step, flag and caveat: one passage each."""
    out = []
    for section in bank.sections:
        if section.id.endswith("welcome"):
            intros = section.intro.values() if isinstance(section.intro, dict) else [section.intro]
            out += [(f"sections.{section.id}", str(t)) for t in intros if t]
    for r in bank.referrals:
        out.append((f"referrals.{r.id}", " ".join(t for t in (r.brief, r.text) if t)))
    out += [(f"flags.{f.id}", f.detail) for f in bank.flags]
    out += [(f"caveats.{c.id}", c.text) for c in bank.caveats]
    return out


def results_report(bank: Any, language: str) -> dict[str, Any]:
    """Each result text's figure, the easiest last; the ones under RESULT_TARGET by name."""
    figures = {
        what: round(score(counts(text, language), language), 1) for what, text in result_texts(bank)
    }
    return {
        "language": language,
        "measure": "Fernández-Huerta" if language == "es" else "Flesch Reading Ease",
        "target": RESULT_TARGET,
        "texts": figures,
        "lowest": min(figures.values()),
        "below": sorted(w for w, v in figures.items() if v < RESULT_TARGET),
    }


def results_table(data: dict[str, Any]) -> str:
    ranked = sorted(data["texts"].items(), key=lambda kv: kv[1])
    lines = [
        f"{data['language']}: {data['measure']} of each result text (target {data['target']}); "
        f"lowest {data['lowest']}, {len(data['below'])} below"
    ]
    lines += [f"  {value:6.1f}  {what}" for what, value in ranked]
    return "\n".join(lines)


def table(data: dict[str, Any]) -> str:
    lines = [
        f"{data['language']}: {data['measure']} {data['score']} over {data['texts']} question "
        f"texts ({data['words']} words, {data['sentences']} sentences, "
        f"{data['syllables_per_word']} syllables a word, {data['words_per_sentence']} words a "
        "sentence)"
    ]
    if "szigriszt_inflesz" in data:
        lines.append(f"  Szigriszt-Pazos (INFLESZ): {data['szigriszt_inflesz']}")
    lines.append("  by section: " + ", ".join(f"{s} {v}" for s, v in data["sections"].items()))
    lines.append("  hardest: " + ", ".join(f"{h['id']} {h['score']}" for h in data["hardest"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from screener.files.bank import load_bank

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, help="the bank (default: the built-in one)")
    parser.add_argument("--lang", help="one language (default: every one the bank has)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--results", action="store_true", help="measure each result text, not the questions"
    )
    args = parser.parse_args(argv)
    languages = [args.lang] if args.lang else list(load_bank(args.bank, "en").languages)
    measure, show = (results_report, results_table) if args.results else (report, table)
    data = [measure(load_bank(args.bank, code), code) for code in languages]
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print("\n".join(map(show, data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
