"""What every summary says, whatever its format: that it is a screening, not a diagnosis, and, on
made-up answers, the demo banner. Pure: words only, no I/O, no markup.

The export registry (`screener.summaries.export.render`) makes the notice once for a summary and
hands it to the format's writer with the summary, so a writer never words either itself and a
new format cannot leave them out by forgetting: tests/test_notice.py reads both back from every
registered format's output, for a demo and a real screening, in every language.
"""

from __future__ import annotations

from typing import NamedTuple

from screener.core import wording
from screener.core.model import Voice
from screener.core.results import Summary
from screener.core.safetext import clean
from screener.i18n import _


class Banner(NamedTuple):
    """The demo notice: it must be the first thing anyone sees."""

    text: str  # "DEMO: fictional answers (persona Sam)"
    detail: str  # that the answers are made up and about no real person


class Notice(NamedTuple):
    """The words every format of a summary carries, in the language in use."""

    diagnosis: str  # "This is a screening, not a diagnosis. ..."
    demo: Banner | None  # on a demo persona's fictional answers only


def of(summary: Summary, voice: Voice = "summary") -> Notice:
    """The notice for `summary`, in a writer's `voice` ("summary" for a document a person
    reads, "record" for a machine record's narrative and notes)."""
    answers = summary.answers
    demo = None
    if answers.demo is not None:
        # A record's banner names the persona cleaned first: its name is also a FHIR code.
        name = clean(answers.demo) if voice == "record" else answers.demo
        detail = _(
            "These answers were made up to show how the screener works. They are not about a "
            "real person."
        )
        demo = Banner(wording.demo_banner(name, voice), detail)
    return Notice(wording.not_a_diagnosis(voice, answers.perspective), demo)
