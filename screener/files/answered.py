"""What a set of answers leaves open against a bank: questions that apply but have no answer,
and answers given to another version of the bank. Shared by the answers-file reader and the
FHIR reader, so neither imports the other for it; no reading, no printing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from screener.core.conditions import applicable
from screener.core.model import Bank, Role, Value, version_key
from screener.i18n import ngettext

if TYPE_CHECKING:  # loaded when answers are made, not for the first screen
    from screener.core.results import Answers


def missing(bank: Bank, values: Mapping[str, Value], perspective: str | None = None) -> list[str]:
    """Ids of the questions that apply given `values` but have no answer (consent aside), as
    asked in `perspective` (the bank's first when None)."""
    shown, _ = applicable(bank.about(perspective or next(iter(bank.perspectives))), values)
    return [q.id for q in shown if q.id not in values and q.role is not Role.CONSENT]


def older_version_notes(bank: Bank, answers: Answers, filename: str) -> list[str]:
    """Warnings for answers given to another version of the bank, each naming its questions:
    answers the bank no longer asks of these answers (they are ignored), and answers to
    questions whose meaning has changed since (they are counted as given)."""
    if answers.bank_version == bank.version or answers.perspective not in bank.perspectives:
        return []
    values = answers.values
    shown, _counted = applicable(bank.about(answers.perspective), values)
    asked = {q.id for q in shown}
    notes = []
    ignored = [qid for qid, value in values.items() if value is not None and qid not in asked]
    if ignored:
        notes.append(
            ngettext(
                "{n} answer is to a question this version does not ask here: {ids}; it is ignored",
                "{n} answers are to questions this version does not ask here: {ids}; they "
                "are ignored",
                len(ignored),
            ).format(n=len(ignored), ids=", ".join(ignored))
        )
    given = version_key(answers.bank_version)
    changed = [
        qid
        for qid, value in values.items()
        if value is not None
        and qid in asked
        and (q := bank.question(qid)).changed_in
        and given < version_key(q.changed_in)
    ]
    if changed:
        notes.append(
            ngettext(
                "{n} answered question has changed meaning since that version: {ids}; its "
                "answer is counted as given",
                "{n} answered questions have changed meaning since that version: {ids}; their "
                "answers are counted as given",
                len(changed),
            ).format(n=len(changed), ids=", ".join(changed))
        )
    return [f"{filename}: {note}" for note in notes]
