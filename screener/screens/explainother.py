"""The explanation's part about a screening of someone else: what an observer is asked for each
criterion, why the result is a range and never a severity, and the flags and next steps for the
person asking. Returns Rich renderables and never prints (see screener.screens.explain).
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from screener.core.kinds import unknown_key
from screener.core.model import CRITERIA, OTHER, Bank, Role
from screener.core.safetext import clean
from screener.i18n import _
from screener.screens.explaintext import (
    Cites,
    asked_as,
    block,
    compose,
    criterion_asked,
    referral_row,
    rule,
    when,
)
from screener.screens.render import heading, marked


def someone_else_part(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    """How a result about someone else is reached: `bank` as asked in perspective `other`."""
    label = clean(bank.perspectives.get(OTHER, OTHER))
    parts: list[RenderableType] = [
        heading(_("8. When the screening is about someone else"), plain),
        Text(
            _(
                "Choosing '{label}' at the start gives a screening for someone worried about "
                "another person. It asks only what can be seen or heard from outside, in words "
                'for the person asking, and any question can be answered "don\'t know" (typed '
                "{key}, kept in answers files as 'unknown'). A \"don't know\" is never counted "
                "as a yes or a no, and it is kept apart from a skipped question."
            ).format(label=label, key=unknown_key())
        ),
        Text(""),
        Text(
            _(
                "Each sign an observer can see is tied to the criterion it is evidence for. A "
                "sign is seen when its question is answered yes, and not seen when it is "
                "answered no. Cravings and other inner states cannot be seen, so those "
                "criteria are never asked about and always stay open."
            )
        ),
    ]
    parts.append(_seen_signs(bank, cite, plain))
    parts += [
        Text(""),
        Text(
            _(
                "The result is a range: 'What you have seen matches N to M of the 11 signs "
                "clinicians look for'. N counts the signs seen; M adds every sign still open, "
                'whether answered "don\'t know", skipped, or not something anyone can see. '
                "No severity is given and no label is put on the person: they were not asked, "
                "and only they, with a clinician who talks with them, can say more. There is "
                "no withdrawal rating: that scale is for a person to rate how they feel."
            )
        ),
    ]
    parts += _their_prescribed(bank)
    parts += _their_flags(bank, cite, plain)
    parts += _their_steps(bank, cite, plain)
    return parts


def _seen_signs(bank: Bank, cite: Cites, plain: bool) -> RenderableType:
    """Each criterion with the questions an observer is asked for it, or why none is."""
    rows = []
    for n, key in enumerate(CRITERIA, 1):
        out, questions = criterion_asked(bank, key)
        if questions:
            out.append("\n")
            out.append_text(cite(s for q in questions for s in q.source))
        else:
            out.append("\n" + _("Not asked: no one can see it from outside, so it is always open."))
        rows.append((f"{n}.", out))
    return marked(rows, plain)


def _their_prescribed(bank: Bank) -> list[RenderableType]:
    """How "all prescribed" works about someone else, when the bank asks it."""
    prescribed = bank.by_role(Role.PRESCRIBED_ONLY)
    if prescribed is not None:
        text = _(
            "If all their opioids are prescribed and taken as prescribed, withdrawal seen is not "
            'counted (as in 3); a "don\'t know" there leaves it open.'
        )
        return [Text(""), block(compose(text), asked_as(bank, prescribed))]
    return []


def _their_flags(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    """The overdose-risk flags an observer's answers can raise, with their rules."""
    own_flags = [f for f in bank.flags if f.perspective == OTHER]
    if not own_flags:
        return []
    parts: list[RenderableType] = [
        Text(""),
        Text(
            _(
                "Signs of overdose risk raise these flags. When any is raised, the result "
                "shows what to do in an overdose straight after its first screen."
            )
        ),
    ]
    frows = []
    for f in own_flags:
        raised = when(_("Raised when {condition}."), _("Raised unless {condition}."), bank, f.when)
        title = Text(clean(f.label), style="bold")
        frows.append(("-", block(title, raised, rule(f.when), cite(f.source))))
    parts.append(marked(frows, plain))
    return parts


def _their_steps(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    """The next steps for the person asking, most urgent first."""
    steps = sorted(
        (r for r in bank.referrals if r.perspective == OTHER), key=lambda r: r.urgency.rank
    )
    if not steps:
        return []
    parts: list[RenderableType] = [
        Text(""),
        Text(
            _(
                "The next steps are for the person asking, never a plan for the person "
                "they are worried about, most urgent first:"
            )
        ),
    ]
    parts.append(marked([referral_row(bank, r, cite) for r in steps], plain))
    return parts
