"""The result as a person sees it, on `run`, `score` and `demo`: renderables, never printed here.

Its first 24 lines at 80 columns hold what a person needs if they read nothing else: the
result in one sentence, that it is a screening and not a diagnosis, the one or two most urgent
next steps, and a helpline (911 first when there is an overdose risk, see `overdose_risk`).
The detail follows, most urgent first: every next step in full, the safety flags, the
emergency box and the helplines, how the answers were counted (the criteria table and the
withdrawal rating), things to keep in mind, and the sources by title. It ends on a short card
(`end_card`) with the result, the first next step and a helpline, since a terminal shows the
end of what was printed.

About someone else (perspective `other`) the result is that person's account: what they have
seen as a range of the 11 signs, never a severity; the emergency box comes straight after the
first screen when anything seen raises the risk of an overdose, and the signs table says, for
each sign, whether it was seen, not seen, not known, or cannot be seen from outside.

Research detail (bank ids and versions, criterion keys, the withdrawal scale's published name
and where its score ranges come from, source files and references) is for clinicians: explain
and the summaries show it, these screens do not.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from screener.core import seenwords, withdrawalwords, wording
from screener.core.model import (
    CRITERIA,
    OTHER,
    WITHDRAWAL_SCALE,
    Bank,
    Helpline,
    Referral,
    Status,
    Urgency,
    Value,
)
from screener.core.results import Result
from screener.core.safetext import clean
from screener.i18n import _, pgettext
from screener.screens.render import (
    alert,
    answer_label,
    bank_text,
    banner_line,
    bullets,
    called,
    emergency,
    heading,
    helpline_line,
    helplines,
    labelled,
    status_label,
    urgency_label,
)

STATUS_STYLE = {
    Status.MET: "bold",
    Status.NOT_MET: "",
    Status.EXCLUDED: "dim",
    Status.UNANSWERED: "yellow",
    Status.UNCERTAIN: "yellow",
    Status.UNKNOWN: "yellow",
}

# How many next steps the first screen names (title and brief); all of them follow in full.
FIRST_STEPS = 2


def summary_line(res: Result) -> str:
    """ "5 of 11 criteria: a pattern consistent with moderate opioid use disorder"; about
    someone else, what was seen and what could not be told, apart."""
    if res.perspective == OTHER:
        return seenwords.seen_headline(res)
    return wording.result_sentence(res)


def overdose_risk(bank: Bank, res: Result) -> bool:
    """Whether the result calls the emergency line first: a flag that is an overdose risk was
    raised (using alone, an unknown supply, a break, injecting, mixing...; not a crisis flag,
    which names its own lines), or a next step is urgent (`now`: lowering the overdose risk,
    which street use brings even when the safety questions were skipped, pregnancy, safety
    at home, a crisis line)."""
    if any(bank.flag(f.id).overdose for f in res.flags):
        return True
    return any(bank.referral(f.id).urgency is Urgency.NOW for f in res.referrals)


def first_helplines(bank: Bank, res: Result) -> tuple[Helpline, ...]:
    """The helplines the first screen and the closing card name: first those the raised flags
    name in `call` (988 after thoughts of suicide), then the emergency line (marked
    `emergency: true` in the bank) when there is an overdose risk, then the first other one."""
    chosen: list[Helpline] = []
    for f in res.flags:
        chosen += [h for h in called(bank, bank.flag(f.id)) if h not in chosen]
    urgent = next((h for h in bank.helplines if h.emergency), None)
    other = next((h for h in bank.helplines if not h.emergency and h not in chosen), None)
    if overdose_risk(bank, res) and urgent is not None and urgent not in chosen:
        chosen.append(urgent)
    if other is not None:
        chosen.append(other)
    return tuple(chosen or bank.helplines[:1])


def alerts(bank: Bank, res: Result, plain: bool = False) -> list[RenderableType]:
    """The raised flags marked `immediate` (thoughts of suicide right now), each with its lines
    to call: what the result opens with, as the interview showed them after the answer."""
    found = (bank.flag(f.id) for f in res.flags)
    return [alert(bank, f, plain) for f in found if f.immediate]


def step_line(r: Referral) -> Text:
    """A next step in a line or two: its title, and its brief when the bank gives one."""
    return labelled(r.title, r.brief)


# --- the whole result -------------------------------------------------------------------


def result(
    bank: Bank, res: Result, plain: bool = False, banner: str | None = None
) -> RenderableType:
    """The whole result; `banner` (see `render.demo_banner`) marks it at the top and at the end."""
    return Group(*(part for block in result_blocks(bank, res, plain, banner) for part in block))


def result_blocks(
    bank: Bank,
    res: Result,
    plain: bool = False,
    banner: str | None = None,
    reading: bool = False,
) -> list[list[RenderableType]]:
    """The result in blocks to keep together on a page: the first screen, then each part of
    the detail with its heading. `reading` is for the reader at a terminal, which starts at
    the top: the closing card does not say to scroll up."""
    steps = [bank.referral(f.id) for f in res.referrals]
    blocks: list[list[RenderableType]] = [first_screen(bank, res, plain, banner)]

    def part(title: str, *body: RenderableType) -> None:
        blocks.append([heading(title, plain), *body])

    # About someone else at risk of an overdose, what to do in one comes before anything else.
    risk_first = res.perspective == OTHER and overdose_risk(bank, res)
    if risk_first:
        part(_("If they overdose"), emergency(bank, plain, "result"))
    # The detail, most urgent first.
    if steps:
        part(_("What you can do next"), referrals_text(steps, plain))
    if not res.screened_out or res.flags:  # a release or a crisis, on the "no use" path too
        part(wording.safety_heading(res.perspective), flags_text(bank, res, plain))
    if not risk_first:
        part(_("In an emergency"), emergency(bank, plain, "result"))
    part(_("Helplines (US)"), helplines(bank, plain, only=bank.listed(res)))
    if not res.screened_out and res.perspective == OTHER:
        body: list[RenderableType] = [
            bank_text(seenwords.seen_sentence(res) + "."),  # the range, for the record
            *counting_notes(bank, res),
            signs_table(bank, res, plain),
        ]
        still_open = wording.open_sentence(res)
        if still_open:
            body += [Text(""), bank_text(still_open)]
        part(_("The 11 signs, as you have seen them"), *body)
    elif not res.screened_out:
        withdrawal = Text()
        withdrawal.append(_("Withdrawal right now:") + " ", style="bold")
        withdrawal.append_text(withdrawal_text(bank, res))
        part(
            _("How your answers were counted"),
            *counting_notes(bank, res),
            criteria_table(bank, res, plain),
            Text(""),
            withdrawal,
        )
    if res.caveats:
        part(
            _("Keep in mind"),
            bullets((bank.caveat(c.id).text for c in res.caveats), plain=plain),
        )
    part(_("Sources"), sources_text(bank.about(res.perspective), plain))
    blocks.append([end_card(bank, res, plain, banner, reading)])
    return blocks


def first_screen(
    bank: Bank, res: Result, plain: bool = False, banner: str | None = None
) -> list[RenderableType]:
    """The top of the result: what someone who reads nothing else needs."""
    parts: list[RenderableType] = [
        *alerts(bank, res, plain),
        heading(wording.result_heading(res.perspective), plain),
    ]
    if banner is not None:
        parts.append(banner_line(banner, plain))
    if res.perspective == OTHER:
        parts.append(bank_text(seenwords.whose_account("screen"), "dim"))
    parts.append(bank_text(summary_line(res), "" if plain else "bold"))
    if res.perspective == OTHER and not res.screened_out:
        parts.append(bank_text(seenwords.seen_meaning(res)))
    parts.append(bank_text(wording.not_a_diagnosis("screen", res.perspective)))
    if not res.complete:
        parts.append(bank_text(wording.not_finished(res), "" if plain else "yellow"))
    steps = [bank.referral(f.id) for f in res.referrals[:FIRST_STEPS]]
    if steps:
        parts.append(heading(_("What to do first"), plain))
        parts.append(bullets((step_line(r) for r in steps), numbered=True, plain=plain))
    parts.append(heading(_("Where to call"), plain))
    parts.append(helplines(bank, plain, brief=True, only=first_helplines(bank, res)))
    return parts


def end_card(
    bank: Bank,
    res: Result,
    plain: bool = False,
    banner: str | None = None,
    reading: bool = False,
) -> RenderableType:
    """The last lines on screen, as the top of a long result has scrolled away: the result,
    the first next step, a helpline, and where the rest is."""
    text = Text()
    if banner is not None:
        text.append_text(banner_line(banner, plain))
        text.append("\n")
    text.append(_("In short:") + " ", style="bold")
    text.append(clean(summary_line(res)))
    text.append("\n" + wording.not_a_diagnosis("screen", res.perspective))
    if res.referrals:
        first = bank.referral(res.referrals[0].id)
        text.append("\n" + _("First step:") + " ", style="bold")
        text.append_text(step_line(first))
    for h in first_helplines(bank, res):
        text.append("\n")
        text.append_text(helpline_line(h, brief=True))
    if reading:
        text.append("\n" + _("This is the end of the result."))
    else:
        text.append("\n" + _("Scroll up to read the whole result."))
    if plain:
        return Group(Text(""), text)
    return Panel(text, box=box.ROUNDED, border_style="cyan")


# --- the detail -------------------------------------------------------------------------


def referrals_text(steps: list[Referral], plain: bool) -> RenderableType:
    items = []
    for r in steps:
        item = Text()
        item.append(f"{urgency_label(r.urgency.value)}: ", style="dim")
        item.append_text(labelled(r.title, r.text, sep="\n"))
        items.append(item)
    return bullets(items, plain=plain)


def flags_text(bank: Bank, res: Result, plain: bool) -> RenderableType:
    if not res.flags:
        return Text(wording.no_flags_sentence(bank, res))
    flags = (bank.flag(f.id) for f in res.flags)
    return bullets((labelled(f.label, f.detail) for f in flags), plain=plain)


def counting_notes(bank: Bank, res: Result) -> list[RenderableType]:
    """What to know to read the count: answers given to an earlier wording, and why tolerance
    and withdrawal were, were not, or may not be counted."""
    notes: list[RenderableType] = []
    if res.changed_since:
        notes.append(bank_text(wording.changed_since(bank, res), "yellow"))
    return notes + _supervision_notes(bank, res)


def _supervision_notes(bank: Bank, res: Result) -> list[RenderableType]:
    if res.perspective == OTHER:
        if res.supervised_exclusion:
            return [bank_text(wording.prescribed_note(res))]
        if res.ids(Status.UNCERTAIN):
            return [bank_text(wording.prescribed_open_note())]
        return []
    if res.supervised_exclusion:
        return [
            bank_text(
                _(
                    "You said all your opioid use was prescribed and taken as prescribed, so "
                    "tolerance and withdrawal are not counted: they are expected with prescribed "
                    "opioids."
                )
            )
        ]
    if res.ids(Status.UNCERTAIN):  # only when a yes hangs on it: never a claim of one
        return [bank_text(wording.uncertain_supervision())]
    if res.supervision_claimed and res.overridden_by:
        reasons = "; ".join(_override_reason(bank, qid, v) for qid, v in res.overridden_by)
        return [
            bank_text(
                _(
                    "You said all your use was prescribed, but {reasons}. Tolerance and "
                    "withdrawal are therefore counted."
                ).format(reasons=reasons)
            )
        ]
    return []


def _override_reason(bank: Bank, qid: str, value: Value) -> str:
    """An answer that undid "all use was prescribed", as the person gave it."""
    q = bank.question(qid)
    if isinstance(value, tuple):  # the whole answer to a multi question
        return _("your answer to '{question}'").format(question=q.short)
    return _("you answered '{answer}' to '{question}'").format(
        answer=wording.option_label(q, value), question=q.short
    )


def signs_table(bank: Bank, res: Result, plain: bool) -> RenderableType:
    """The 11 criteria as signs someone else has seen or not: each sign, and what they saw."""
    rows = [
        (i, bank.criteria.get(c.key, c.key), wording.sign_status(c, res), STATUS_STYLE[c.status])
        for i, c in enumerate(res.criteria, 1)
    ]
    if plain:
        out = Text()
        line = _("{number}. {sign}: {seen}")
        for i, sign, seen, _style in rows:
            out.append(line.format(number=i, sign=clean(sign), seen=seen) + "\n")
        out.rstrip()
        return out
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("#", justify="right", style="dim", width=2)
    table.add_column(pgettext("column", "Sign"), ratio=3)
    table.add_column(pgettext("column", "What you saw"), ratio=1)
    for i, sign, seen, style in rows:
        table.add_row(str(i), bank_text(sign), bank_text(seen, style))
    return table


def criteria_table(bank: Bank, res: Result, plain: bool) -> RenderableType:
    from rich.table import Table  # only the result needs a table

    rows = []
    for i, c in enumerate(res.criteria, 1):
        asked = [(bank.question(qid), v) for qid, v in c.answers]
        if len(asked) == 1:  # one question: its answer says it all
            answers = answer_label(*asked[0])
        else:
            each = _("{question}: {answer}")
            answers = "; ".join(
                each.format(question=q.short, answer=answer_label(q, v)) for q, v in asked
            )
        rows.append((i, bank.criteria.get(c.key, c.key), c.status, answers or _("not asked")))
    if plain:
        out = Text()
        line = _("{number}. {criterion}: {status}. Your answer: {answer}")
        for i, criterion, status, answers in rows:
            shown = line.format(
                number=i,
                criterion=clean(criterion),
                status=status_label(status),
                answer=clean(answers),
            )
            out.append(shown + "\n")
        out.rstrip()
        return out
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("#", justify="right", style="dim", width=2)
    table.add_column(pgettext("column", "Criterion"), ratio=4)
    table.add_column(pgettext("column", "Result"), ratio=2)
    table.add_column(pgettext("column", "Answer"), ratio=1)
    for i, criterion, status, answers in rows:
        table.add_row(
            str(i),
            bank_text(criterion),
            bank_text(status_label(status), STATUS_STYLE[status]),
            bank_text(answers),
        )
    assert len(rows) == len(CRITERIA)
    return table


def withdrawal_text(bank: Bank, res: Result) -> Text:
    """The withdrawal rating in plain words: the score, and its range when the bank gives
    ranges; where the ranges come from is for clinicians (explain, the summaries)."""
    w = res.withdrawal
    scale = bank.scales.get(WITHDRAWAL_SCALE)
    out = Text(withdrawalwords.withdrawal_sentence(w, voice="screen"))
    if w is not None and w.answered and w.band and scale is not None:
        shown = clean(bank.band_text(WITHDRAWAL_SCALE, w.band))
        band = next((b for b in scale.bands if b.label == w.band), None)
        if band is None:
            out.append(" " + withdrawalwords.band_sentence(w._replace(band=shown), voice="screen"))
        else:
            out.append(" " + withdrawalwords.band_meaning(w, shown, band.low, band.high))
        helpline = next((h for h in bank.helplines if not h.emergency), None)
        if w.score > 0 and helpline is not None:
            out.append(
                " " + withdrawalwords.withdrawal_treatable(clean(helpline.name), helpline.contact)
            )
    return out


def sources_text(bank: Bank, plain: bool) -> RenderableType:
    """The sources `bank` cites (give it the view of one perspective), by title only, as one
    paragraph: they come last and take little room (their files and references are in explain
    and the summaries)."""
    titles = pgettext("list separator", "; ").join(clean(s.title) for s in bank.cited())
    return Text(titles)
