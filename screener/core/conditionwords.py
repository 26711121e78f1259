"""A bank's conditions as a person would say them: "'Heroin' is chosen for 'Opioids used'".

What `explain` shows beside each rule, and what a summary of a bank's rules can reuse. Pure: the
catalog's words (screener.i18n) filled with the bank's own labels; no Rich, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from screener.core import wording
from screener.core.conditions import describe
from screener.core.facts import FACTS
from screener.core.kinds import kind_of
from screener.core.model import (
    WITHDRAWAL_SCALE,
    AllOf,
    AnyOf,
    Bank,
    Condition,
    Leaf,
    Not,
    Question,
    Severity,
)
from screener.core.safetext import clean
from screener.i18n import _, ngettext


def joined(message: str, parts: Sequence[str]) -> str:
    """`parts` joined two at a time by `message` ("{first} and {second}"), left to right."""
    out = parts[0] if parts else ""
    for part in parts[1:]:
        out = message.format(first=out, second=part)
    return out


def any_of(parts: Sequence[str]) -> str:
    """ "a or b or c": values or answers, any of which would do."""
    return joined(_("{first} or {second}"), parts)


def said(bank: Bank, cond: Condition) -> str:
    """A condition as a person would say it: "'Heroin' chosen for 'Opioids used'"."""
    if isinstance(cond, AllOf | AnyOf):
        return _group(cond, [said(bank, c) for c in cond.items])
    if isinstance(cond, Not):
        inner = said(bank, cond.item)
        if isinstance(cond.item, Leaf):
            return _("unless {condition}").format(condition=inner)
        return _("not ({condition})").format(condition=inner)
    if cond.subject == "question":
        return _question_words(bank, cond)
    return result_words(bank, cond)


def _group(cond: AllOf | AnyOf, parts: list[str]) -> str:
    """An `all` or `any` from its parts in words, a group within it in brackets."""
    parts = [
        f"({p})" if isinstance(c, AllOf | AnyOf) else p
        for p, c in zip(parts, cond.items, strict=True)
    ]
    joiner = _("{first} and {second}") if isinstance(cond, AllOf) else _("{first}, or {second}")
    return joined(joiner, parts)


def unless_said(bank: Bank, cond: Condition) -> str | None:
    """`said(cond)` without the "unless" it opens with, or None when it opens otherwise: for
    "Raised unless ..." rather than "Raised when unless ..."."""
    if isinstance(cond, Not) and isinstance(cond.item, Leaf):
        return said(bank, cond.item)
    if isinstance(cond, AllOf | AnyOf) and cond.items:
        first = cond.items[0]
        bare = None if isinstance(first, AllOf | AnyOf) else unless_said(bank, first)
        if bare is None:
            return None
        return _group(cond, [bare, *(said(bank, c) for c in cond.items[1:])])
    return None


def _question_words(bank: Bank, leaf: Leaf) -> str:
    try:
        q = bank.question(leaf.name)
    except KeyError:
        return describe(leaf)
    name = f"'{q.short or q.id}'"
    want = leaf.value
    if leaf.op == "equals":
        return _("{question} is answered {answer}").format(question=name, answer=_answer(q, want))
    if leaf.op == "in" and isinstance(want, list | tuple):
        answers = any_of([_answer(q, w) for w in want])
        return _("{question} is answered {answer}").format(question=name, answer=answers)
    if leaf.op == "contains":
        return _("'{option}' is chosen for {question}").format(
            option=wording.option_label(q, want), question=name
        )
    if leaf.op == "at_least":
        if kind_of(q).repeats:  # a count of the options chosen
            n = want if isinstance(want, int) else 2
            return ngettext(
                "{n} or more are chosen for {question}", "{n} or more are chosen for {question}", n
            ).format(n=want, question=name)
        return _("{question} is rated {n} or more").format(question=name, n=want)
    return describe(leaf)


def _answer(q: Question, value: object) -> str:
    """An answer a rule names: yes or no as words, an option's label in quotes."""
    label = wording.option_label(q, value)
    return label if isinstance(value, bool) else f"'{label}'"


def result_words(bank: Bank, leaf: Leaf) -> str:
    """A condition on a result fact in words, from the fact's own entry (facts.FACTS)."""
    fact = FACTS.get(leaf.name)
    if fact is None:  # a validated bank names only known facts
        return describe(leaf)
    op, want = leaf.op, leaf.value
    if fact.takes == "yes_no":
        return _(str(fact.words["true" if want else "false"]))
    words = fact.words.get(op)
    if words is None:
        return describe(leaf)
    wanted = list(want) if isinstance(want, list | tuple) else [want]
    shown = [_fact_value(bank, fact.takes, w) for w in wanted]
    values = any_of(shown) if isinstance(want, list | tuple) else shown[0]
    item = ""
    if op == "contains":
        if fact.takes == "flags":
            item = clean(next((f.label for f in bank.flags if f.id == want), str(want)))
        else:
            item = clean(bank.criteria.get(str(want), str(want)))
    if isinstance(words, tuple):  # singular and plural: "any flag" for 1, "N or more" else
        count = want if isinstance(want, int) else 2
        return ngettext(words[0], words[1], count).format(values=values)
    return _(words).format(values=values, item=item)


def _fact_value(bank: Bank, takes: str, value: object) -> str:
    """A value a rule compares a result fact with, as a person reads it: a severity or a band
    in the language in use, not its id."""
    if takes == "severity" and str(value) in {s.value for s in Severity}:
        return wording.severity_word(Severity(str(value)))
    if takes == "band":
        return clean(bank.band_text(WITHDRAWAL_SCALE, str(value)))
    return str(value)
