"""The words of a screening about someone else: whose account it is, what the person answering
has seen as the 11 signs, and what that means for them. Never a severity: the person it is about
was not asked. Pure: the catalog's words, no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from screener.core.model import Voice
from screener.i18n import _, ngettext

if TYPE_CHECKING:  # loaded when a result is made, not for the first screen
    from screener.core.results import Result


def whose_account(voice: Voice = "screen") -> str:
    """Whose answers these are, and about whom: on every screen and summary of an `other` run."""
    if voice == "summary":
        return _(
            "These answers are one person's account of someone else's opioid use. The person "
            "they are about did not answer them."
        )
    if voice == "record":
        return _(
            "Answered by someone who knows the person (a family member, partner or friend), "
            "not by the person themselves."
        )
    if voice == "line":
        return _("someone else's account")
    return _("Your account of someone else")


def seen_sentence(res: Result, voice: Voice = "screen") -> str:
    """What the person answering has seen, as the 11 signs: "What you have seen matches 3 to
    7 of the 11 signs clinicians look for". Never a severity: the person it is about was not
    asked."""
    count, top = res.count, res.count_max
    if voice == "line":
        if res.screened_out:
            return _("no reason to think they use opioids (someone else's account)")
        if count == top:
            return _("seen: {count} of 11 signs (someone else's account)").format(count=count)
        return _("seen: {count}-{top} of 11 signs (someone else's account)").format(
            count=count, top=top
        )
    if voice == "summary":
        if res.screened_out:
            return _(
                "The person answering said they have no reason to think the other person has "
                "used opioids in the past 12 months, so the signs were not asked about."
            )
        if count == top:
            return _(
                "What the person answering has seen matches {count} of the 11 signs clinicians "
                "look for (the DSM-5 criteria)."
            ).format(count=count)
        return _(
            "What the person answering has seen matches {count} to {top} of the 11 signs "
            "clinicians look for (the DSM-5 criteria)."
        ).format(count=count, top=top)
    if res.screened_out:
        return _(
            "You said you have no reason to think they have used opioids in the past 12 months, "
            "so the signs were not asked about."
        )
    if count == top:
        return _("What you have seen matches {count} of the 11 signs clinicians look for").format(
            count=count
        )
    return _(
        "What you have seen matches {count} to {top} of the 11 signs clinicians look for"
    ).format(count=count, top=top)


def seen_headline(res: Result) -> str:
    """The first line of a result about someone else, on screen: what was seen and what could
    not be told, kept apart ("You have seen 2 of the 11 signs; 9 you could not tell"); the
    range is in the detail (`seen_sentence`) and the JSON."""
    if res.screened_out:
        return seen_sentence(res)
    seen, open_ = res.count, res.count_max - res.count
    said = _("You have seen {seen} of the 11 signs.").format(seen=seen)
    if open_:
        said = ngettext(
            "You have seen {seen} of the 11 signs; {n} you could not tell.",
            "You have seen {seen} of the 11 signs; {n} you could not tell.",
            open_,
        ).format(seen=seen, n=open_)
    return said


# How many signs make a pattern worth acting on: the DSM-5 threshold for the mild range.
PATTERN = 2


def seen_meaning(res: Result) -> str:
    """What the signs seen mean for the person asking, in one sentence, pointing to the first
    step (the first screen lists it under the sentence)."""
    if res.screened_out:
        return ""
    if res.count >= PATTERN:
        return _(
            "That is enough to take seriously, and you do not have to wait for more: start "
            "with the first step below."
        )
    if res.count_max >= PATTERN:
        return _(
            "Few signs seen is not the same as none: what you could not tell can go either "
            "way, so start with the first step below and keep noticing."
        )
    return _(
        "What you have seen is not a pattern so far; the steps below still help, and you "
        "can come back to this if things change."
    )
