"""How long the screening takes, estimated from the demo personas' paths through the bank.

    python tools/timing.py              # every persona: questions, keystrokes, words, minutes
    python tools/timing.py --json       # the same as JSON
    python tools/timing.py --lang es    # the Spanish bank

Each persona's answers are typed through the same interview a person meets (screens/demo.py
types them the same way), and the path is counted: the questions asked, the keys typed (each
answer and its Enter), and the words a person reads on the way (the welcome, each section's
introduction, each question and its choices). Nothing is timed on this machine: the estimate
is a model of a person reading and typing, so that it does not change with the computer.

The model (its constants below, with where they come from):

    seconds = words / READING_WPM * 60 + questions * DECIDE + keys * KEY

READING_WPM is a careful reading pace for health questions on a screen (adults read prose at
about 200-250 words a minute; questions about oneself are read more slowly), DECIDE the time to
think of an answer once the question is read, KEY a deliberate typing pace. Together they are
set so that the longest path measured by hand (issue 17: a person checking themselves with the
withdrawal rating, 53 questions, timed at 12 to 15 minutes) comes out within that range. The
welcome screen promises the range of the self personas who go through the whole screening
(those who report no use are done in a few minutes, and the welcome says so):
tests/test_timing.py holds the welcome's words to this estimate in both languages.
Standard library and screener only; nothing is written.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from screener import i18n  # noqa: E402
from screener.core.model import WHO, Bank, Role, word  # noqa: E402
from screener.core.scoring import score  # noqa: E402
from screener.files.personas import Persona  # noqa: E402

READING_WPM = 160  # words a minute, read with care
DECIDE = 3.5  # seconds to decide on an answer, once read
KEY = 0.4  # seconds a key, Enter included


class Path_(NamedTuple):
    """One persona's way through the screening."""

    name: str
    perspective: str
    questions: int
    keys: int
    words: int
    full: bool  # reached the criteria (not "no use in the past 12 months")

    @property
    def seconds(self) -> float:
        return self.words / READING_WPM * 60 + self.questions * DECIDE + self.keys * KEY

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def walk(bank: Bank) -> list[Path_]:
    """Every persona's path, as typed at the prompt."""
    from screener.screens.demo import load_personas

    return [path_of(bank, persona) for persona in load_personas(None, bank)]


def path_of(bank: Bank, persona: Persona) -> Path_:
    """One persona's path: its answers typed as the demo types them, counted on the way."""
    from screener.screens.demo import keys_for
    from screener.screens.interview import Interview

    counts = {"questions": 0, "keys": 0, "words": 0}
    sections: set[str] = set()
    view = bank.about(persona.perspective)

    def read(text: str) -> None:
        counts["words"] += len(text.split())

    def ask(_prompt: str) -> str:
        q = interview.current
        assert q is not None
        if q.section and q.section not in sections:
            sections.add(q.section)
            intro = view.section(q.section).intro
            if intro:
                read(word(intro, persona.perspective))
        read(word(q.text, persona.perspective))
        for option in q.options:
            read(option.label)
        if q.role is Role.CONSENT:
            keys = "y"
        elif q.id == WHO:
            keys = keys_for(q, persona.perspective)
        else:
            keys = keys_for(q, persona.values.get(q.id))
        counts["questions"] += 1
        counts["keys"] += len(keys) + 1  # and Enter
        return keys

    who = None if len(bank.perspectives) > 1 else persona.perspective
    interview = Interview(bank, ask, lambda _shown: None, who)
    taken = interview.run()
    assert taken is not None  # a persona always begins
    full = not score(bank, taken).screened_out
    return Path_(persona.name, persona.perspective, **counts, full=full)


def promise(paths: list[Path_]) -> tuple[int, int]:
    """The range the welcome can promise: the self personas who go through the whole
    screening (not those who report no use, done in a few minutes), rounded out to whole
    minutes."""
    full = [p for p in paths if p.perspective == "self" and p.full]
    return math.floor(min(p.minutes for p in full)), math.ceil(max(p.minutes for p in full))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en", choices=i18n.LANGUAGES)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    from screener.files.bank import load_bank

    with i18n.speaking(args.lang):
        bank = load_bank(language=args.lang)
        paths = walk(bank)
    low, high = promise(paths)
    if args.json:
        rows = [{**p._asdict(), "minutes": round(p.minutes, 1)} for p in paths]
        print(json.dumps({"paths": rows, "promise": [low, high]}, indent=2))
        return 0
    print(f"{'persona':8} {'about':6} {'questions':>9} {'keys':>5} {'words':>6} {'minutes':>8}")
    for p in paths:
        print(
            f"{p.name:8} {p.perspective:6} {p.questions:9} {p.keys:5} {p.words:6} {p.minutes:8.1f}"
        )
    print(f"The welcome can promise: about {low} to {high} minutes.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
