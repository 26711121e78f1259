"""Does LHC-Forms enable the questions screener asks? Random answer sets in each perspective.

    python tools/lhc-forms/enabled.py make N OUT      # OUT/qrs.json, OUT/expect.json
    node enabled.js questionnaire.json OUT/qrs.json OUT/shown.json     (in the lforms folder)
    python tools/lhc-forms/enabled.py check OUT       # one line per set that differs, a total

`make` draws N answer sets per perspective of the default bank (every question that could be
asked gets a random answer, a skip or, where the bank allows it, "don't know"), keeps the
answers to the questions screener asks, and writes screener's QuestionnaireResponse of each
and the question ids screener asks. `enabled.js` merges each response into LHC-Forms with the
Questionnaire and lists the question items LHC-Forms shows. A manual check, not part of CI.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screener.core.conditions import applicable
from screener.core.model import (
    NONE_OPTION,
    UNKNOWN,
    WHO,
    Answers,
    Kind,
    Question,
    Role,
    Summary,
    Value,
)
from screener.core.scoring import score
from screener.files.bank import load_bank
from screener.summaries import fhir


def draw(q: Question, rng: random.Random) -> Value:
    if rng.random() < 0.1:
        return None
    if q.unknown and rng.random() < 0.15:
        return UNKNOWN
    values = [o.value for o in q.options]
    if q.kind is Kind.YES_NO:
        return rng.random() < 0.6
    if q.kind is Kind.TEXT:
        return "x"
    if q.kind is Kind.MULTI:
        some = [v for v in values if v != NONE_OPTION and rng.random() < 0.4]
        if some:
            return tuple(str(v) for v in some)
        return (NONE_OPTION,) if NONE_OPTION in values else None
    return rng.choice(values)


def make(n: int, out: Path) -> None:
    bank = load_bank()
    rng = random.Random(12)
    qrs: dict[str, Any] = {}
    expect: dict[str, list[str]] = {}
    for perspective in bank.perspectives:
        view = bank.about(perspective)
        for i in range(n):
            values = {q.id: draw(q, rng) for q in view.questions if q.role is not Role.CONSENT}
            shown, counted = applicable(view, values)
            kept = {k: v for k, v in counted.items() if k in values}
            answers = Answers(bank.id, bank.version, perspective, kept)
            summary = Summary(bank, answers, score(bank, answers), datetime.now(UTC))
            name = f"{perspective}{i:02d}"
            qrs[name] = fhir.response_bundle(summary)["entry"][0]["resource"]
            first = [WHO] if len(bank.perspectives) > 1 else []
            expect[name] = first + [q.id for q in shown if q.role is not Role.CONSENT]
    out.mkdir(parents=True, exist_ok=True)
    (out / "qrs.json").write_text(json.dumps(qrs), "utf-8")
    (out / "expect.json").write_text(json.dumps(expect), "utf-8")


def check(out: Path) -> int:
    bank = load_bank()
    questions = {q.id for q in bank.questions} | {WHO}
    expect = json.loads((out / "expect.json").read_text("utf-8"))
    shown = json.loads((out / "shown.json").read_text("utf-8"))
    same = 0
    for name, ids in expect.items():
        got = [i for i in shown.get(name, []) if i in questions]
        if got == ids:
            same += 1
        else:
            print(f"{name}: screener asks {ids}, LHC-Forms shows {got}")
    print(f"{same} of {len(expect)} answer sets: LHC-Forms shows the questions screener asks")
    return 0 if same == len(expect) else 1


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "make":
        make(int(rest[0]), Path(rest[1]))
    else:
        sys.exit(check(Path(rest[0])))
