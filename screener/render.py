"""Rich renderables for questions, help screens and results; returns objects, never prints.

Bank and user text is data, never markup: it only ever reaches Rich inside `Text`. `plain=True`
gives the screen-reader form: no boxes, no tables, no colour, one idea per line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from screener.bank import clean
from screener.model import (
    CRITERIA,
    Bank,
    Kind,
    Question,
    Result,
    Section,
    Severity,
    Status,
    Value,
    word,
)

KEYS_HELP = "b back · s skip · ? why we ask · ! emergency help · q quit"
KEYS_HELP_PLAIN = "b back, s skip, ? why we ask, ! emergency help, q quit"

MEANING = {
    Severity.NONE: "below the threshold for opioid use disorder (2 or more criteria)",
    Severity.MILD: "a pattern consistent with mild opioid use disorder",
    Severity.MODERATE: "a pattern consistent with moderate opioid use disorder",
    Severity.SEVERE: "a pattern consistent with severe opioid use disorder",
}
STATUS_LABEL = {
    Status.MET: "met",
    Status.NOT_MET: "not met",
    Status.EXCLUDED: "not counted (prescribed use)",
    Status.UNANSWERED: "not answered",
}
STATUS_STYLE = {
    Status.MET: "bold",
    Status.NOT_MET: "",
    Status.EXCLUDED: "dim",
    Status.UNANSWERED: "yellow",
}


def _t(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


def answer_label(q: Question, value: Value) -> str:
    """How an answer reads to a person."""
    if value is None:
        return "skipped"
    if isinstance(value, tuple):
        return ", ".join(q.label_of(v) for v in value) if value else "none of these"
    if q.kind is Kind.SCALE:
        return f"{value} ({q.label_of(value)})"
    if q.kind is Kind.TEXT:
        return clean(str(value))
    return q.label_of(value)


def heading(text: str, plain: bool) -> RenderableType:
    if plain:
        return Text(f"\n{text.upper()}")
    return Padding(Text(text, style="bold cyan"), (1, 0, 0, 0))


def _bullets(items: Iterable[str], numbered: bool = False, plain: bool = False) -> RenderableType:
    """A list whose wrapped lines stay indented under their item."""
    rows = [(f"{i}." if numbered else "-", clean(item)) for i, item in enumerate(items, 1)]
    if plain:
        return Text("\n".join(f"  {mark} {item}" for mark, item in rows))
    grid = Table.grid(padding=(0, 1), pad_edge=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for mark, item in rows:
        grid.add_row(mark, Text(item))
    return Padding(grid, (0, 0, 0, 1))


# --- during the run ---------------------------------------------------------------------


def welcome(bank: Bank, plain: bool) -> RenderableType:
    title = _t(bank.title, "" if plain else "bold")
    if plain:
        return Group(title, Text(f"Question bank {bank.id}, version {bank.version}"))
    return Panel(title, subtitle=f"{bank.id} v{bank.version}", box=box.ROUNDED, expand=False)


def section_start(bank: Bank, section: Section, perspective: str, plain: bool) -> RenderableType:
    parts: list[RenderableType] = [heading(section.title, plain)]
    intro = word(section.intro, perspective)
    if intro:
        parts.append(_t(intro))
    if section.show_emergency:
        parts.append(emergency(bank, plain))
    return Group(*parts)


def question(
    q: Question,
    perspective: str,
    where: tuple[str, int, int] | None,
    current: Value = None,
    answered: bool = False,
    plain: bool = False,
) -> RenderableType:
    """One question: progress, wording, how to answer, the keys."""
    parts: list[RenderableType] = []
    if not plain:
        parts.append(Rule(style="dim"))
    if where is not None:
        section, n, total = where
        parts.append(_t(f"{section} · {n} of {total}", "dim"))
    parts.append(_t(word(q.text, perspective), "" if plain else "bold"))
    parts.append(_how_to_answer(q, plain))
    if answered:
        parts.append(_t(f"Your answer so far: {answer_label(q, current)}. Press Enter to keep it."))
    parts.append(_t(KEYS_HELP_PLAIN if plain else KEYS_HELP, "dim"))
    return Group(*parts)


def _how_to_answer(q: Question, plain: bool) -> Text:
    if q.kind is Kind.YES_NO:
        return Text("Type y for yes or n for no.")
    if q.kind is Kind.SCALE:
        scale = "  ".join(f"{o.value} = {o.label}" for o in q.options)
        lo, hi = q.options[0].value, q.options[-1].value
        return Text(f"Type a number from {lo} to {hi}:  {clean(scale)}")
    if q.kind is Kind.TEXT:
        return Text("Type your answer, or s to skip.")
    lines = Text()
    for i, o in enumerate(q.options, 1):
        lines.append(f"  {i}  ")
        lines.append(clean(o.label))
        lines.append("\n")
    if q.kind is Kind.MULTI:
        lines.append("Type the numbers of all that apply, separated by spaces (like 1 3).")
    else:
        lines.append("Type one number.")
    return lines


def why(bank: Bank, q: Question, plain: bool) -> RenderableType:
    body = Text()
    body.append("Why we ask: ", style="bold")
    body.append(clean(q.why or "This helps build a fuller picture for a clinician."))
    if q.criterion:
        meaning = bank.criteria.get(q.criterion, q.criterion)
        body.append("\nIt looks at the DSM-5 criterion: ", style="bold")
        body.append(f"{clean(meaning)} ({q.criterion})")
    if q.scale:
        body.append("\nPart of: ", style="bold")
        body.append(clean(bank.scales[q.scale].title))
    body.append("\nFrom: ", style="bold")
    body.append(clean("; ".join(source_title(bank, s) for s in q.source)))
    if plain:
        return body
    return Panel(body, title="Why this question", box=box.ROUNDED, border_style="cyan")


def source_title(bank: Bank, sid: str) -> str:
    s = bank.sources.get(sid)
    return s.title if s else sid


def emergency(bank: Bank, plain: bool) -> RenderableType:
    """Overdose signs, what to do, and the helplines: reachable with `!` from every prompt."""
    e = bank.emergency
    parts: list[RenderableType] = [
        Text("Signs of an overdose:", style="bold"),
        _bullets(e.signs, plain=plain),
        Text("\nWhat to do:", style="bold"),
        _bullets(e.steps, numbered=True, plain=plain),
    ]
    if e.note:
        parts.append(_t("\n" + e.note))
    parts += [Text("\nHelplines (US):", style="bold"), helplines(bank, plain)]
    if plain:
        return Group(Text(f"\nEMERGENCY: {clean(e.title)}"), *parts)
    return Panel(Group(*parts), title=_t(e.title, "bold red"), box=box.HEAVY, border_style="red")


def helplines(bank: Bank, plain: bool = False) -> RenderableType:
    lines = []
    for h in bank.helplines:
        detail = f" {h.detail}" if h.detail else ""
        lines.append(f"{h.name}: {h.contact}.{detail}")
    return _bullets(lines, plain=plain)


def declined(bank: Bank, plain: bool) -> RenderableType:
    """What someone sees who chose not to begin."""
    return Group(
        _t("Okay. Nothing was saved. If you would like to talk to someone, any time:"),
        helplines(bank, plain),
    )


def hint(text: str) -> Text:
    return _t(text, "yellow")


# --- the result -------------------------------------------------------------------------


def summary_line(result: Result) -> str:
    """ "5 of 11 criteria: a pattern consistent with moderate opioid use disorder"."""
    if result.screened_out:
        return "No opioid use in the past 12 months was reported, so the criteria were not asked."
    if result.count == result.count_max:
        return f"{result.count} of 11 criteria: {MEANING[result.severity]}"
    open_ = result.count_max - result.count
    low, high = result.severity, result.severity_max
    span = (
        MEANING[low]
        if low is high
        else f"somewhere from {_band_name(low)} to {_band_name(high)}, depending on them"
    )
    return f"{result.count} to {result.count_max} of 11 criteria ({open_} not answered): {span}"


def _band_name(s: Severity) -> str:
    return "below the threshold" if s is Severity.NONE else f"{s.value} opioid use disorder"


def result(bank: Bank, res: Result, plain: bool = False) -> RenderableType:
    parts: list[RenderableType] = [heading("Your screening result", plain)]
    parts.append(_t("This is a screening, not a diagnosis. Only a clinician can diagnose.", "bold"))
    parts.append(_t(summary_line(res), "" if plain else "bold cyan"))
    if res.supervised_exclusion:
        parts.append(
            _t(
                "You said all your opioid use was prescribed and taken as prescribed, so "
                "tolerance and withdrawal are not counted: they are expected with prescribed "
                "opioids."
            )
        )
    elif res.supervision_claimed and res.overridden_by:
        reasons = "; ".join(res.overridden_by)
        parts.append(
            _t(
                "You said all your use was prescribed, but "
                f"{reasons}. Tolerance and withdrawal are therefore counted."
            )
        )
    if res.physical_dependence and res.count < 2:
        parts.append(
            _t(
                "You reported tolerance or withdrawal. On its own that is below the threshold, "
                "but it is a sign of physical dependence worth talking over with a clinician."
            )
        )
    if not res.screened_out:
        parts.append(heading("The 11 criteria", plain))
        parts.append(criteria_table(bank, res, plain))
        parts.append(heading("Withdrawal right now", plain))
        parts.append(withdrawal_text(bank, res))
        parts.append(heading("Safety", plain))
        parts.append(flags_text(res))
    if res.referrals:
        parts.append(heading("What you can do next", plain))
        parts.append(referrals_text(res))
    parts.append(heading("In an emergency", plain))
    parts.append(emergency(bank, plain))
    if res.caveats:
        parts.append(heading("Keep in mind", plain))
        parts.append(_bullets((c.text for c in res.caveats), plain=plain))
    parts.append(heading("Sources", plain))
    parts.append(sources_text(bank))
    return Group(*parts)


def criteria_table(bank: Bank, res: Result, plain: bool) -> RenderableType:
    rows = []
    for i, c in enumerate(res.criteria, 1):
        answers = "; ".join(
            f"{bank.question(qid).short}: {answer_label(bank.question(qid), v)}"
            for qid, v in c.answers
        )
        rows.append((i, bank.criteria.get(c.key, c.key), c.status, answers or "not asked"))
    if plain:
        out = Text()
        for i, meaning, status, answers in rows:
            out.append(
                f"{i}. {clean(meaning)}: {STATUS_LABEL[status]}. Your answer: {clean(answers)}\n"
            )
        out.rstrip()
        return out
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    table.add_column("#", justify="right", style="dim", width=2)
    table.add_column("Criterion", ratio=3)
    table.add_column("Result", ratio=2)
    table.add_column("Your answer", ratio=2)
    for i, meaning, status, answers in rows:
        table.add_row(
            str(i), _t(meaning), _t(STATUS_LABEL[status], STATUS_STYLE[status]), _t(answers)
        )
    assert len(rows) == len(CRITERIA)
    return table


def withdrawal_text(bank: Bank, res: Result) -> Text:
    w = res.withdrawal
    if w is None:
        return Text("Not taken (it was optional).")
    scale = bank.scales["sows"]
    if w.answered == 0:
        return Text("You chose to rate how you feel, but skipped every item, so there is no score.")
    score = f"{w.score} of {w.max}" if w.complete else f"at least {w.score} of {w.max}"
    out = Text(f"{score} on the {clean(scale.title)} ({w.answered} of {w.items} items answered).")
    if w.band:
        lead = "In" if w.complete else "So far in"
        out.append(f"\n{lead} the banding used by one research network that is ")
        out.append(f"'{clean(w.band)}'")
        if scale.band_note:
            out.append(f". {clean(scale.band_note)}")
        out.append(".")
    return out


def flags_text(res: Result) -> Text:
    if not res.flags:
        return Text("None of the overdose risks we asked about were reported.")
    out = Text()
    for f in res.flags:
        out.append("  - ")
        out.append(clean(f.label), style="bold")
        if f.detail:
            out.append(f": {clean(f.detail)}")
        out.append("\n")
    out.rstrip()
    return out


URGENCY_LABEL = {"now": "Now", "soon": "Soon", "when_ready": "When you are ready"}


def referrals_text(res: Result) -> Text:
    out = Text()
    for r in res.referrals:
        out.append(f"  [{URGENCY_LABEL[r.urgency.value]}] ", style="dim")
        out.append(clean(r.title), style="bold")
        out.append("\n    ")
        out.append(clean(r.text))
        out.append("\n")
    out.rstrip()
    return out


def sources_text(bank: Bank) -> Text:
    out = Text()
    for s in bank.sources.values():
        detail = s.file or s.ref or ""
        out.append(f"  - {clean(s.title)}")
        if detail:
            out.append(f" ({clean(detail)})", style="dim")
        out.append("\n")
    out.rstrip()
    return out


def missing_line(ids: Sequence[str]) -> str:
    return ", ".join(ids)
