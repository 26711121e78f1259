"""The bank as JSON for scripts (`screener questions --json`): ids, kinds, options, conditions.

A machine path: no Rich, no wording of the program's own (the texts are the bank's).
"""

from __future__ import annotations

from screener.core.conditions import effective_show_if, to_dict
from screener.core.model import Bank, Question, word


def bank_json(bank: Bank, perspective: str | None = None) -> dict[str, object]:
    """Every question of every perspective; each says the one it is asked in (null: every
    one), and its text is in that perspective's words (else `perspective`'s, or the first's)."""
    who = perspective or next(iter(bank.perspectives))
    return {
        "bank": {
            "id": bank.id,
            "version": bank.version,
            "title": bank.title,
            "language": bank.language,
            "perspectives": dict(bank.perspectives),
        },
        "questions": [_question_json(bank, q, who) for q in bank.questions],
    }


def _question_json(bank: Bank, q: Question, perspective: str) -> dict[str, object]:
    show_if = effective_show_if(bank, q)
    asked_in = bank.section(q.section).perspective
    return {
        "id": q.id,
        "section": q.section,
        "kind": q.kind.value,
        "text": word(q.text, asked_in or perspective),
        "short": q.short,
        "options": [{"value": o.value, "label": o.label} for o in q.options],
        "criterion": q.criterion,
        "role": q.role.value if q.role else None,
        "scale": q.scale,
        "show_if": to_dict(show_if) if show_if else None,
        "why": q.why,
        "source": list(q.source),
        "changed_in": q.changed_in or None,
        "perspective": asked_in,
        "unknown": q.unknown,
    }
