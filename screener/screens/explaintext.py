"""The pieces the explanation is built from: catalog messages composed with styled values,
sources cited by number, a question as it is asked, the questions that look at a criterion, a
rule in words and as the bank has it, and a next step with its rule.

Returns Rich text and never prints; the words are catalog messages (screener.i18n).
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from rich.console import RenderableType
from rich.text import Text

from screener.core.conditions import describe
from screener.core.conditionwords import said, unless_said
from screener.core.model import Bank, Condition, Question, Referral, Source, word
from screener.core.safetext import clean
from screener.i18n import _
from screener.screens.render import bank_text, marked, urgency_label


def compose(message: str, style: str = "", **values: Text | str) -> Text:
    """A translated message as Text: its own words in `style`, each placeholder filled with its
    value, which may be a Text with styles of its own."""
    out = Text()
    for literal, field, _spec, _conversion in string.Formatter().parse(message):
        if literal:
            out.append(literal, style=style)
        if field is not None:
            value = values[field]
            if isinstance(value, Text):
                out.append_text(value)
            else:
                out.append(value)
    return out


class Cites:
    """Sources cited by their number in the bank's list, which closes the explanation."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.number = {sid: i for i, sid in enumerate(bank.sources, 1)}
        self.used: set[str] = set()

    def __call__(self, ids: Iterable[str], bands: bool = False) -> Text:
        """The sources' numbers, after "Sources:" (or "Band sources:" for `bands`)."""
        known = sorted({s for s in ids if s in self.number}, key=lambda s: self.number[s])
        self.used.update(known)
        marks = " ".join(f"[{self.number[s]}]" for s in known)
        if bands:
            text = _("Band sources: {sources}") if known else _("Band sources: none given")
        else:
            text = _("Sources: {sources}") if known else _("Sources: none given")
        return Text(text.format(sources=marks), style="dim")

    def titles(self, ids: Iterable[str]) -> Text:
        """The sources by number and title, for a view without the closing list."""
        known = sorted({s for s in ids if s in self.number}, key=lambda s: self.number[s])
        self.used.update(known)
        names = "; ".join(f"[{self.number[s]}] {self.bank.sources[s].title}" for s in known)
        text = _("Sources: {sources}").format(sources=names) if names else _("Sources: none given")
        return Text(clean(text), style="dim")

    def listing(self, plain: bool, only_used: bool = False) -> RenderableType:
        rows = []
        for sid, source in self.bank.sources.items():
            if only_used and sid not in self.used:
                continue
            rows.append((f"[{self.number[sid]}]", source_item(source)))
        return marked(rows, plain)


def block(*lines: Text | str) -> Text:
    out = Text()
    for i, line in enumerate(lines):
        if i:
            out.append("\n")
        out.append_text(line if isinstance(line, Text) else Text(clean(line)))
    return out


def asked_as(bank: Bank, q: Question) -> Text:
    who = bank.section(q.section).perspective or next(iter(bank.perspectives), "self")
    out = Text()
    out.append(clean(q.short or q.id), style="bold")
    out.append(f" ({q.id}): ", style="dim")
    out.append(clean(word(q.text, who)))
    return out


def when(when: str, unless: str, bank: Bank, cond: Condition) -> str:
    """ "Shown when 2 or more criteria are met." or "Asked unless 'Any opioid use' is no.":
    `when` and `unless` are the two messages, each with a place for the {condition}."""
    bare = unless_said(bank, cond)
    if bare is not None:
        return unless.format(condition=bare)
    return when.format(condition=said(bank, cond))


def rule(cond: Condition) -> Text:
    """The condition exactly as the bank has it, for whoever edits the bank."""
    return Text(_("In the bank: {condition}").format(condition=describe(cond)), style="dim")


def source_item(source: Source) -> Text:
    """A source's title, then its file or reference, dimmed: the detail a clinician checks."""
    item = bank_text(source.title)
    detail = source.file or source.ref
    if detail:
        item.append(f" ({clean(detail)})", style="dim")
    return item


def criterion_questions(bank: Bank, key: str) -> list[Question]:
    return [q for q in bank.questions if q.criterion == key]


def criterion_asked(bank: Bank, key: str) -> tuple[Text, list[Question]]:
    """A criterion's name and key, then each question that asks about it ("Asked as ..."),
    with those questions: what every part listing the criteria starts a criterion with."""
    out = Text()
    out.append(clean(bank.criteria.get(key, key)), style="bold")
    out.append(f" ({key})", style="dim")
    questions = criterion_questions(bank, key)
    for q in questions:
        out.append("\n")
        out.append_text(compose(_("Asked as {question}"), question=asked_as(bank, q)))
    return out, questions


# --- the explanation --------------------------------------------------------------------


def referral_row(bank: Bank, r: Referral, cite: Cites) -> tuple[str, Text]:
    """One next step as explain lists it: its urgency and title, when it is shown (in words,
    then as the bank writes it), and its sources."""
    head = Text()
    head.append(f"{urgency_label(r.urgency.value)}: ", style="dim")
    head.append(clean(r.title), style="bold")
    if r.when is None:
        return ("-", block(head, _("Always shown."), cite(r.source)))
    shown = when(_("Shown when {condition}."), _("Shown unless {condition}."), bank, r.when)
    return ("-", block(head, shown, rule(r.when), cite(r.source)))
