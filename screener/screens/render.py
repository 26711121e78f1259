"""Rich renderables for questions, help screens and results; returns objects, never prints.

Bank and user text is data, never markup: it only ever reaches Rich inside `Text`. `plain=True`
gives the screen-reader form: no boxes, no tables, no colour, one idea per line. The program's
own words come from the catalog (screener.i18n), translated when a screen is built; the tables
below hold them marked with `N_`, in English, and `meaning`, `status_label`, `urgency_label`
and `band_name` give them in the language in use.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from screener.core import wording
from screener.core.kinds import command_keys, kind_of
from screener.core.model import (
    CRITERIA,
    WITHDRAWAL_SCALE,
    Bank,
    Question,
    Result,
    Section,
    Source,
    Status,
    Urgency,
    Value,
    word,
)
from screener.core.safetext import clean
from screener.i18n import _, pgettext

# Shown on every screen built from fictional answers (`Answers.demo`), so that a demo on a
# shared screen, or a summary made from one, is never taken for a real person's result.
DEMO_STYLE = "bold reverse magenta"  # reverse keeps it visible under NO_COLOR too

# The keys typed at a question, by what they do, in the language in use (the interview reads
# them from here); the words around them are messages with a place for each.
keys = command_keys

STATUS_STYLE = {
    Status.MET: "bold",
    Status.NOT_MET: "",
    Status.EXCLUDED: "dim",
    Status.UNANSWERED: "yellow",
    Status.UNCERTAIN: "yellow",
}


def _t(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)


# The words the screen shares with the summaries, the demo, the caseload and FHIR live in one
# place (core/wording.py), in the screen's voice here, so that they cannot drift apart.
meaning = wording.meaning
status_label = wording.status_label
band_name = wording.band_name
flag_questions_answered = wording.flag_questions_answered


def urgency_label(urgency: str) -> str:
    """A referral's urgency (`now`, `soon`, `when_ready`) as a label ("Now")."""
    return wording.urgency_label(Urgency(urgency))


def keys_help(plain: bool = False) -> str:
    """The line under every question that names the keys."""
    if plain:
        text = _(
            "{back} back, {skip} skip, {why} why we ask, {emergency} emergency help, {quit} quit"
        )
    else:
        text = _(
            "{back} back · {skip} skip · {why} why we ask · {emergency} emergency help · "
            "{quit} quit"
        )
    return text.format(**keys())


answer_label = wording.answer_label


def _override_reason(bank: Bank, qid: str, value: Value) -> str:
    """An answer that undid "all use was prescribed", as the person gave it."""
    q = bank.question(qid)
    if isinstance(value, tuple):  # the whole answer to a multi question
        return _("your answer to '{question}'").format(question=q.short)
    return _("you answered '{answer}' to '{question}'").format(
        answer=wording.option_label(q, value), question=q.short
    )


def demo_banner(persona: str | None) -> str | None:
    """The banner for answers whose `demo` names a persona; None for real answers."""
    if persona is None:
        return None
    return wording.demo_banner(clean(persona))


def banner_line(banner: str, plain: bool) -> Text:
    """The banner as one line: styled on a terminal, plain words for a screen reader."""
    if plain:
        return Text(clean(banner))
    return Text(f" {clean(banner)} ", style=DEMO_STYLE)


def _with_banner(banner: str | None, plain: bool, *parts: RenderableType) -> RenderableType:
    if banner is None:
        return Group(*parts) if len(parts) > 1 else parts[0]
    return Group(banner_line(banner, plain), *parts)


def heading(text: str, plain: bool) -> RenderableType:
    if plain:
        return Text(f"\n{clean(text).upper()}")
    return Text(f"\n{clean(text)}", style="bold cyan")


class Items:
    """A list whose wrapped lines stay indented under their item.

    A small renderable instead of a `Table.grid`: it is on the welcome screen, and importing
    rich.table costs more than the rest of that screen.
    """

    def __init__(self, rows: list[tuple[str, Text]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        mark_width = max((len(mark) for mark, _text in self.rows), default=1)
        indent = 2 + mark_width + 1
        for mark, text in self.rows:
            lines = text.wrap(console, max(options.max_width - indent, 10))
            for i, line in enumerate(lines):
                prefix = f"  {mark:>{mark_width}} " if i == 0 else " " * indent
                yield Text(prefix) + line


def _bullets(
    items: Iterable[str | Text], numbered: bool = False, plain: bool = False
) -> RenderableType:
    """A dashed or numbered list; plain text in plain mode."""
    rows = [
        (f"{i}." if numbered else "-", item if isinstance(item, Text) else _t(item))
        for i, item in enumerate(items, 1)
    ]
    return marked(rows, plain)


def marked(rows: list[tuple[str, Text]], plain: bool = False) -> RenderableType:
    """Items each after its own mark ("-", "1.", "[3]"); plain text in plain mode."""
    if plain:
        out = Text()
        for mark, item in rows:
            out.append(f"  {mark} ")
            out.append_text(item)
            out.append("\n")
        out.rstrip()
        return out
    return Items(rows)


def _labelled(label: str, text: str, sep: str = ": ") -> Text:
    out = Text()
    out.append(clean(label), style="bold")
    if text:
        out.append(sep)
        out.append(clean(text))
    return out


# --- during the run ---------------------------------------------------------------------


def welcome(bank: Bank, plain: bool, banner: str | None = None) -> RenderableType:
    title = _t(bank.title, "" if plain else "bold")
    if plain:
        version = _t(
            _("Question bank {id}, version {version}").format(id=bank.id, version=bank.version)
        )
        return _with_banner(banner, plain, title, version)
    line = _("{id} version {version}").format(id=bank.id, version=bank.version)
    title.append_text(_t("\n" + line, "dim"))
    return _with_banner(banner, plain, Panel(title, box=box.ROUNDED, expand=False))


def section_start(
    bank: Bank, section: Section, perspective: str, plain: bool, banner: str | None = None
) -> RenderableType:
    parts: list[RenderableType] = [heading(section.title, plain)]
    if banner is not None:
        parts.append(banner_line(banner, plain))
    intro = word(section.intro, perspective)
    if intro:
        parts.append(_t(intro))
    if section.show_emergency:
        parts.append(emergency(bank, plain, compact=True))
    return Group(*parts)


def question(
    q: Question,
    perspective: str,
    where: tuple[str, int, int] | None,
    current: Value = None,
    answered: bool = False,
    plain: bool = False,
    banner: str | None = None,
    switch: Iterable[str] = (),
) -> RenderableType:
    """One question: progress, wording, how to answer, the keys; `switch` are lines, each in
    its own language, that say how to start again in another language."""
    parts: list[RenderableType] = []
    if not plain:
        parts.append(Rule(style="dim"))
    if banner is not None:
        parts.append(banner_line(banner, plain))
    if where is not None:
        section, n, total = where
        parts.append(
            _t(_("{section} · {n} of {total}").format(section=section, n=n, total=total), "dim")
        )
    parts.append(_t(word(q.text, perspective), "" if plain else "bold"))
    parts.append(_how_to_answer(q, plain))
    if answered:
        so_far = _("Your answer so far: {answer}. Press Enter to keep it.")
        parts.append(_t(so_far.format(answer=answer_label(q, current))))
    parts.append(_t(keys_help(plain), "dim"))
    parts += [_t(line, "" if plain else "bold") for line in switch]
    return Group(*parts)


def _how_to_answer(q: Question, plain: bool) -> Text:
    kind = kind_of(q)
    return Text("\n".join([*kind.choices(q), kind.instruction(q)]))


def why(bank: Bank, q: Question, plain: bool) -> RenderableType:
    body = Text()
    body.append(_("Why we ask:") + " ", style="bold")
    body.append(clean(q.why or _("This helps build a fuller picture for a clinician.")))
    if q.criterion:
        criterion = bank.criteria.get(q.criterion, q.criterion)
        body.append("\n" + _("It looks at the DSM-5 criterion:") + " ", style="bold")
        body.append(f"{clean(criterion)} ({q.criterion})")
    if q.scale:
        body.append("\n" + _("Part of:") + " ", style="bold")
        body.append(clean(bank.scales[q.scale].title))
    body.append("\n" + _("From:"), style="bold")
    parts = Group(body, _bullets((source_title(bank, s) for s in q.source), plain=plain))
    if plain:
        return parts
    return Panel(parts, title=_("Why this question"), box=box.ROUNDED, border_style="cyan")


def source_title(bank: Bank, sid: str) -> str:
    s = bank.sources.get(sid)
    return s.title if s else sid


def emergency(bank: Bank, plain: bool, compact: bool = False) -> RenderableType:
    """Overdose signs, what to do, and the helplines: reachable with `!` from every prompt.

    `compact` is the welcome's form: the signs on one flowing line and the steps, pointing to
    `!` for the rest, so that the welcome text and its question fit on one screen with it.
    """
    e = bank.emergency
    parts: list[RenderableType] = [Text(_("Signs of an overdose:"), style="bold")]
    if compact:
        parts.append(Padding(_t(" · ".join(e.signs)), (0, 0, 0, 2)))
    else:
        parts.append(_bullets(e.signs, plain=plain))
    steps = _bullets(e.steps, numbered=True, plain=plain)
    parts += [Text("\n" + _("What to do:"), style="bold"), steps]
    if compact:
        again = _("Type {key} at any question for helplines and this box again.")
        parts.append(Text("\n" + again.format(key=keys()["emergency"]), style="bold"))
    else:
        if e.note:
            parts.append(_t("\n" + e.note))
        parts += [Text("\n" + _("Helplines (US):"), style="bold"), helplines(bank, plain)]
    if plain:
        title = _("EMERGENCY: {title}").format(title=clean(e.title))
        return Group(Text("\n" + title), *parts)
    return Panel(Group(*parts), title=_t(e.title, "bold red"), box=box.HEAVY, border_style="red")


def helplines(bank: Bank, plain: bool = False) -> RenderableType:
    lines = []
    for h in bank.helplines:
        detail = f" {h.detail}" if h.detail else ""
        lines.append(_labelled(h.name, f"{h.contact}.{detail}"))
    return _bullets(lines, plain=plain)


def declined(bank: Bank, plain: bool) -> RenderableType:
    """What someone sees who chose not to begin."""
    return Group(
        _t(_("Okay. Nothing was saved. If you would like to talk to someone, any time:")),
        helplines(bank, plain),
    )


def hint(text: str) -> Text:
    return _t(text, "yellow")


class Unwrapped:
    """A line for the terminal to wrap rather than Rich, so that a file name or command in it
    stays whole for copying: whoever prints it passes `soft_wrap=Unwrapped.soft_wrap`."""

    soft_wrap = True

    def __init__(self, text: str, style: str = "yellow") -> None:
        self.text = _t(text, style)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text


# --- the result -------------------------------------------------------------------------


def summary_line(result: Result) -> str:
    """ "5 of 11 criteria: a pattern consistent with moderate opioid use disorder"."""
    return wording.result_sentence(result)


def result(
    bank: Bank, res: Result, plain: bool = False, banner: str | None = None
) -> RenderableType:
    """The whole result; `banner` (see `demo_banner`) marks it at the top and in the recap."""
    parts: list[RenderableType] = [heading(_("Your screening result"), plain)]
    if banner is not None:
        parts.append(banner_line(banner, plain))
    parts.append(
        _t(_("This is a screening, not a diagnosis. Only a clinician can diagnose."), "bold")
    )
    parts.append(_t(summary_line(res), "" if plain else "bold cyan"))
    if not res.complete:
        parts.append(_t(wording.not_finished(res), "" if plain else "yellow"))
    if res.changed_since:
        parts.append(_t(wording.changed_since(bank, res), "" if plain else "yellow"))
    if res.supervised_exclusion:
        parts.append(
            _t(
                _(
                    "You said all your opioid use was prescribed and taken as prescribed, so "
                    "tolerance and withdrawal are not counted: they are expected with prescribed "
                    "opioids."
                )
            )
        )
    elif res.supervision_uncertain:
        parts.append(_t(wording.uncertain_supervision()))
    elif res.supervision_claimed and res.overridden_by:
        reasons = "; ".join(_override_reason(bank, qid, v) for qid, v in res.overridden_by)
        parts.append(
            _t(
                _(
                    "You said all your use was prescribed, but {reasons}. Tolerance and "
                    "withdrawal are therefore counted."
                ).format(reasons=reasons)
            )
        )
    if not res.screened_out:
        parts.append(heading(_("The 11 criteria"), plain))
        parts.append(criteria_table(bank, res, plain))
        parts.append(heading(_("Withdrawal right now"), plain))
        parts.append(withdrawal_text(bank, res))
        parts.append(heading(_("Safety"), plain))
        parts.append(flags_text(bank, res, plain))
    if res.referrals:
        parts.append(heading(_("What you can do next"), plain))
        parts.append(referrals_text(bank, res, plain))
    parts.append(heading(_("In an emergency"), plain))
    parts.append(emergency(bank, plain))
    if res.caveats:
        parts.append(heading(_("Keep in mind"), plain))
        parts.append(_bullets((bank.caveat(c.id).text for c in res.caveats), plain=plain))
    parts.append(heading(_("Sources"), plain))
    parts.append(sources_text(bank, plain))
    parts.append(recap(res, plain, banner))
    return Group(*parts)


def recap(res: Result, plain: bool, banner: str | None = None) -> RenderableType:
    """The last lines on screen: the result is long and its top has scrolled away."""
    text = Text()
    if banner is not None:
        text.append_text(banner_line(banner, plain))
        text.append("\n")
    text.append(_("In short:") + " ", style="bold")
    text.append(summary_line(res))
    text.append(
        "\n" + _("This is a screening, not a diagnosis. Scroll up to read the whole result.")
    )
    if plain:
        return Group(Text(""), text)
    return Panel(text, box=box.ROUNDED, border_style="cyan")


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
            str(i), _t(criterion), _t(status_label(status), STATUS_STYLE[status]), _t(answers)
        )
    assert len(rows) == len(CRITERIA)
    return table


def withdrawal_text(bank: Bank, res: Result) -> Text:
    w = res.withdrawal
    scale = bank.scales.get(WITHDRAWAL_SCALE)
    out = Text(wording.withdrawal_sentence(w, clean(scale.title) if scale else ""))
    if w is not None and w.answered and w.band and scale is not None:
        band = clean(bank.band_text(WITHDRAWAL_SCALE, w.band))
        out.append("\n" + wording.band_sentence(w._replace(band=band)))
        if scale.band_note:
            out.append(f" {clean(scale.band_note)}")
    return out


def flags_text(bank: Bank, res: Result, plain: bool) -> RenderableType:
    if not res.flags:
        return Text(wording.no_flags_sentence(bank, res))
    flags = (bank.flag(f.id) for f in res.flags)
    return _bullets((_labelled(f.label, f.detail) for f in flags), plain=plain)


def referrals_text(bank: Bank, res: Result, plain: bool) -> RenderableType:
    items = []
    for r in (bank.referral(f.id) for f in res.referrals):
        item = Text()
        item.append(f"{urgency_label(r.urgency.value)}: ", style="dim")
        item.append_text(_labelled(r.title, r.text, sep="\n"))
        items.append(item)
    return _bullets(items, plain=plain)


def sources_text(bank: Bank, plain: bool) -> RenderableType:
    return _bullets((source_item(s) for s in bank.sources.values()), plain=plain)


def source_item(source: Source) -> Text:
    """A source's title, then its file or reference, dimmed."""
    item = _t(source.title)
    detail = source.file or source.ref
    if detail:
        item.append(f" ({clean(detail)})", style="dim")
    return item
