"""The welcome's promise of how long the screening takes, held to the personas' paths.

tools/timing.py walks each demo persona through the interview and estimates, from the
questions, keys and words on its path, how long a person takes; the welcome says the range
for the self personas who go through the whole screening, in each language.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import timing

from screener import i18n
from screener.core.model import word
from screener.files.bank import load_bank

SAID = {
    "en": re.compile(r"about (\d+) to (\d+) minutes"),
    "es": re.compile(r"[Dd]e (\d+) a (\d+) minutos"),
}


@pytest.mark.parametrize("language", list(SAID))
def test_the_welcome_promises_what_the_personas_take(language: str) -> None:
    with i18n.speaking(language):
        bank = load_bank(language=language)
        paths = timing.walk(bank)
    welcome = bank.about("self").sections[0]
    found = SAID[language].search(word(welcome.intro, "self"))
    assert found is not None, "the welcome says how long the screening takes"
    assert (int(found[1]), int(found[2])) == timing.promise(paths)


def test_the_paths_are_counted_as_typed(bank) -> None:
    """Riley answers every question, the withdrawal rating too; Dana reports no use."""
    paths = {p.name: p for p in timing.walk(bank)}
    riley, dana = paths["riley"], paths["dana"]
    assert riley.full and riley.questions > 40 and riley.keys >= 2 * riley.questions
    assert not dana.full and dana.questions < 10  # no use: a few questions, then the result
    assert dana.minutes < 5 < riley.minutes
