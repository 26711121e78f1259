"""What is made of a bank or a condition once (indexes, compiled conditions, the checking and
scoring plans) is kept with it and goes with it: checking many answers files against many banks
holds no bank that is no longer used."""

from __future__ import annotations

import copy
import gc
import json
import pickle

import pytest
from test_cli import COMPLETE, answers_doc

from screener.core.conditions import check
from screener.core.model import Bank, Leaf
from screener.core.scoring import score
from screener.files.answers import parse_answers
from screener.files.bank import load_bank


def _banks() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o) is Bank)


def test_a_bank_no_longer_used_is_not_kept_alive(tmp_path) -> None:
    base = load_bank(language="en")
    text = json.dumps(answers_doc(COMPLETE))

    def use(version: str) -> str:
        bank = base._replace(version=version)  # a bank of its own, made anew
        answers, _warnings = parse_answers(text, bank)
        bank.question("craving")
        return score(bank, answers).severity.value

    use("0.0.1")
    before = _banks()
    severities = {use(f"9.9.{i}") for i in range(5)}
    assert severities == {"severe"}
    assert _banks() == before  # each bank, its views and what was made of them are gone


def test_what_is_made_of_a_bank_is_made_once_and_stays_out_of_copies() -> None:
    bank = load_bank(language="en")
    view = bank.about("self")
    assert bank.about("self") is view
    made = []
    assert bank.made(lambda b: made.append(b) or len(made)) == 1
    cond = Leaf("question", "x", "equals", True)
    assert check(cond) is check(cond)
    assert not copy.copy(cond).__dict__  # a copy carries only the fields
    assert pickle.loads(pickle.dumps(cond)) == cond
    with pytest.raises(AttributeError):
        bank.id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        cond.extra = 1  # type: ignore[attr-defined]
