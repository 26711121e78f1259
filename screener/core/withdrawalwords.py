"""The words of a withdrawal rating (SOWS): its score as a sentence, its band and what the band
means, and that withdrawal can be treated. Shared by the screen, the summaries and the caseload
line, each in its `voice` (see screener.core.wording). Pure: the catalog's words, no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screener.core.model import Bank, Voice
from screener.i18n import _, ngettext

if TYPE_CHECKING:  # loaded when a result is made, not for the first screen
    from screener.core.results import Withdrawal


def translated_scale_note(bank: Bank) -> str:
    """For a clinician, once: the withdrawal items of a bank in another language than its own
    are a translation, not a validated version of the scale ("" in the bank's own language)."""
    if not bank.languages or bank.language == bank.languages[0]:
        return ""
    return _(
        "The withdrawal items were asked in a translation of the scale made for this screening, "
        "not in a validated version in this language."
    )


def withdrawal_sentence(w: Withdrawal | None, scale: str = "", voice: Voice = "screen") -> str:
    """The withdrawal rating in a sentence; `scale` is the scale's name (bank text), which
    the summary and the record name and the person's screen does not (it says the score
    after "Withdrawal right now:").

    - summary: "3 out of 64 on the Subjective Opiate Withdrawal Scale (SOWS), 16 of 16 items
      answered." ("At least 3 ..." while items are unanswered);
    - screen: "3 out of 64, 16 of 16 items answered." ("at least 3 ...");
    - line: "withdrawal score 3".
    """
    summary = voice in ("summary", "record")
    if w is None:
        if summary:
            return _("Not taken (the withdrawal rating was optional).")
        return _("Not taken (it was optional).")
    if voice == "line":
        return _("withdrawal score {score}").format(score=w.score)
    if w.answered == 0:
        if summary:
            return _(
                "The withdrawal rating was chosen, but every item was skipped, so there is no "
                "score."
            )
        return _("You chose to rate how you feel, but skipped every item, so there is no score.")
    if not summary:
        if w.complete:
            text = ngettext(
                "{score} out of {max}, {answered} of {items} item answered.",
                "{score} out of {max}, {answered} of {items} items answered.",
                w.items,
            )
        else:
            text = ngettext(
                "at least {score} out of {max}, {answered} of {items} item answered.",
                "at least {score} out of {max}, {answered} of {items} items answered.",
                w.items,
            )
    elif w.complete:
        text = ngettext(
            "{score} out of {max} on the {scale}, {answered} of {items} item answered.",
            "{score} out of {max} on the {scale}, {answered} of {items} items answered.",
            w.items,
        )
    else:
        text = ngettext(
            "At least {score} out of {max} on the {scale}, {answered} of {items} item answered.",
            "At least {score} out of {max} on the {scale}, {answered} of {items} items answered.",
            w.items,
        )
    return text.format(score=w.score, max=w.max, scale=scale, answered=w.answered, items=w.items)


def band_sentence(w: Withdrawal, voice: Voice = "summary") -> str:
    """The band of a withdrawal with one; the band label is bank text.

    summary: "Band: moderate." ("moderate so far" while items are unanswered); screen: "That
    is in the moderate range." ("... range so far.").
    """
    if voice == "screen":
        if w.complete:
            return _("That is in the {band} range.").format(band=w.band)
        return _("That is in the {band} range so far.").format(band=w.band)
    if w.complete:
        return _("Band: {band}.").format(band=w.band)
    return _("Band: {band} so far.").format(band=w.band)


def band_meaning(w: Withdrawal, band: str, low: int, high: int) -> str:
    """What a withdrawal band means on the person's screen: its place on the rating, and that
    it is about how they feel now, not about their opioid use."""
    if w.complete:
        text = _(
            "That is in the {band} range ({low} to {high} out of {max}): it says how strongly "
            "you feel withdrawal right now, not how serious your opioid use is."
        )
    else:
        text = _(
            "So far that is in the {band} range ({low} to {high} out of {max}): it says how "
            "strongly you feel withdrawal right now, not how serious your opioid use is."
        )
    return text.format(band=band, low=low, high=high, max=w.max)


def withdrawal_treatable(helpline: str, contact: str) -> str:
    """That withdrawal can be treated, and where to get help with it (a helpline of the
    bank's)."""
    return _(
        "Withdrawal can be treated safely, and it need not wait: a clinician can help, and "
        "so can the {helpline} at {contact}, day or night."
    ).format(helpline=helpline, contact=contact)


# --- safety flags -----------------------------------------------------------------------
