"""Rich renderables for the questions and their help screens; returns objects, never prints.

The result is screens/result.py, built from the pieces here (headings, lists, the emergency
box, the helplines).

Bank and user text is data, never markup: it only ever reaches Rich inside `Text`. `plain=True`
gives the screen-reader form: no boxes, no tables, no colour, one idea per line. The program's
own words come from the catalog (screener.i18n), translated when a screen is built; the tables
below hold them marked with `N_`, in English, and `meaning`, `status_label`, `urgency_label`
and `band_name` give them in the language in use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.text import Text

from screener.core import seenwords, wording
from screener.core.kinds import command_keys, kind_of, unknown_key
from screener.core.model import (
    OTHER,
    Bank,
    Flag,
    Helpline,
    Question,
    Section,
    Urgency,
    Value,
    word,
)
from screener.core.safetext import clean
from screener.i18n import _

# Shown on every screen built from fictional answers (`Answers.demo`), so that a demo on a
# shared screen, or a summary made from one, is never taken for a real person's result.
DEMO_STYLE = "bold reverse magenta"  # reverse keeps it visible under NO_COLOR too

# The keys typed at a question, by what they do, in the language in use (the interview reads
# them from here); the words around them are messages with a place for each.
keys = command_keys
# "I don't know" (kinds.unknown_key) is typed at a question that takes it
# (`unknown: true` in the bank); elsewhere it is whatever the question makes of it.


def bank_text(text: str, style: str = "") -> Text:
    """Bank or user text as it is: never markup, and no control character gets through."""
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


def keys_help(plain: bool = False, unknown: bool = False) -> str:
    """The line under every question that names the keys; `unknown` leads with the key for
    "I don't know", at a question that takes it."""
    if plain:
        text = _(
            "{back} back, {skip} skip, {why} why we ask, {emergency} emergency help, {quit} quit"
        )
    else:
        text = _(
            "{back} back · {skip} skip · {why} why we ask · {emergency} emergency help · "
            "{quit} quit"
        )
    text = text.format(**keys())
    if not unknown:
        return text
    if plain:
        return _("{unknown} don't know, {keys}").format(unknown=unknown_key(), keys=text)
    return _("{unknown} don't know · {keys}").format(unknown=unknown_key(), keys=text)


answer_label = wording.answer_label


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


class IndentedList:
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


def bullets(
    items: Iterable[str | Text], numbered: bool = False, plain: bool = False
) -> RenderableType:
    """A dashed or numbered list; plain text in plain mode."""
    rows = [
        (f"{i}." if numbered else "-", item if isinstance(item, Text) else bank_text(item))
        for i, item in enumerate(items, 1)
    ]
    return marked(rows, plain)


def marked(rows: list[tuple[str, Text]], plain: bool = False) -> RenderableType:
    """IndentedList each after its own mark ("-", "1.", "[3]"); plain text in plain mode."""
    if plain:
        out = Text()
        for mark, item in rows:
            out.append(f"  {mark} ")
            out.append_text(item)
            out.append("\n")
        out.rstrip()
        return out
    return IndentedList(rows)


def labelled(label: str, text: str, sep: str = ": ") -> Text:
    out = Text()
    out.append(clean(label), style="bold")
    if text:
        out.append(sep)
        out.append(clean(text))
    return out


# --- during the run ---------------------------------------------------------------------


def welcome(bank: Bank, plain: bool, banner: str | None = None) -> RenderableType:
    """The bank's title, alone: its id and version are for clinicians (explain, summaries),
    and the welcome must fit one 80x24 screen with its question."""
    return _with_banner(banner, plain, bank_text(bank.title, "" if plain else "bold"))


def section_start(
    bank: Bank, section: Section, perspective: str, plain: bool, banner: str | None = None
) -> RenderableType:
    parts: list[RenderableType] = [heading(section.title, plain)]
    if banner is not None:
        parts.append(banner_line(banner, plain))
    intro = word(section.intro, perspective)
    if intro:
        parts.append(bank_text(intro))
    if section.show_emergency:
        parts.append(emergency(bank, plain, "welcome"))
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
    """One question: progress, wording, how to answer, the keys. `switch` are lines, each in
    its own language, that say how to start again in another language: the title of the rule
    above the question (no line of its own on a full screen), or lines under the keys."""
    parts: list[RenderableType] = []
    if not plain:
        title = bank_text("  ·  ".join(switch), "bold") if switch else ""
        parts.append(Rule(title, style="dim"))
    if banner is not None:
        parts.append(banner_line(banner, plain))
    if where is not None:
        section, n, total = where
        place = _("{section} · {n} of {total}").format(section=section, n=n, total=total)
        if perspective == OTHER:  # every screen says whose account this is
            place = _("{account} · {place}").format(
                account=seenwords.whose_account("screen"), place=place
            )
        parts.append(bank_text(place, "dim"))
    parts.append(bank_text(word(q.text, perspective), "" if plain else "bold"))
    parts.append(_how_to_answer(q, plain))
    if answered:
        so_far = _("Your answer so far: {answer}. Press Enter to keep it.")
        parts.append(bank_text(so_far.format(answer=answer_label(q, current))))
    parts.append(bank_text(keys_help(plain, q.unknown), "dim"))
    if plain:
        parts += [bank_text(line) for line in switch]
    return Group(*parts)


def _how_to_answer(q: Question, plain: bool) -> RenderableType:
    """The choices, each label wrapping under itself rather than under its number, then how
    to answer."""
    kind = kind_of(q)
    rows = []
    for line in kind.choices(q):
        marker = _CHOICE.match(line)
        if marker is None:
            rows.append(("", Text(line)))
        else:
            rows.append((marker.group(0), Text(line[marker.end() :])))
    grid = Choices(rows)
    instruction = kind.instruction(q)
    if q.unknown:
        instruction = _("{instruction} Type {key} if you don't know.").format(
            instruction=instruction, key=unknown_key()
        )
    return Group(grid, Text(instruction))


_CHOICE = re.compile(r"\s*\S+\s+")  # "  1  " before a choice's label


class Choices:
    """A question's choices: each label after its number, wrapping under itself, every line
    padded to the widest, as a two-column `Table.grid` lays them out. A small renderable
    instead of that grid: it is on the first screen, and importing rich.table (with the
    fractions and decimal modules it brings) costs more than drawing the screen."""

    def __init__(self, rows: list[tuple[str, Text]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        marks = max((cell_len(mark) for mark, _label in self.rows), default=0)
        longest = max(
            (cell_len(line) for _mark, label in self.rows for line in label.plain.split("\n")),
            default=0,
        )
        width = max(min(longest, options.max_width - marks), 1)
        for mark, label in self.rows:
            for i, line in enumerate(label.wrap(console, width)):
                head = mark + " " * (marks - cell_len(mark)) if i == 0 else " " * marks
                yield Text(head) + line + Text(" " * (width - line.cell_len))


def why(bank: Bank, q: Question, plain: bool) -> RenderableType:
    """Why a question is asked, in plain words; the one place a person meets a scale's
    published name ("Subjective Opiate Withdrawal Scale"), beside its plain title."""
    body = Text()
    body.append(_("Why we ask:") + " ", style="bold")
    body.append(clean(q.why or _("This helps build a fuller picture for a clinician.")))
    if q.criterion:
        criterion = bank.criteria.get(q.criterion, "")
        if criterion:
            looks = _("It looks at this item of the DSM-5 checklist:")
            body.append(f"\n{looks} ", style="bold")
            body.append(clean(criterion))
    if q.scale:
        scale = bank.scales[q.scale]
        body.append("\n" + _("Part of:") + " ", style="bold")
        if scale.formal_name and scale.formal_name != scale.title:
            body.append(
                _("{title}, known to clinicians as the {formal}").format(
                    title=clean(scale.title), formal=clean(scale.formal_name)
                )
            )
        else:
            body.append(clean(scale.title))
    if q.source:  # "Who is this about?" is the program's own question: it has none
        body.append("\n" + _("From:"), style="bold")
        parts = Group(body, bullets((source_title(bank, s) for s in q.source), plain=plain))
    else:
        parts = Group(body)
    if plain:
        return parts
    from rich import box  # boxes are loaded where one is drawn, not for the first screen
    from rich.panel import Panel

    return Panel(parts, title=_("Why this question"), box=box.ROUNDED, border_style="cyan")


def source_title(bank: Bank, sid: str) -> str:
    s = bank.sources.get(sid)
    return s.title if s else sid


# The forms of the emergency box (see `emergency`).
EmergencyForm = Literal["welcome", "help", "result"]


def emergency(bank: Bank, plain: bool, form: EmergencyForm = "help") -> RenderableType:
    """What to do if someone may be overdosing, first; then the signs; then where to call.

    - "help", on `!` from every prompt: the steps whole, the note, the signs on one flowing
      line and the helplines' names and numbers, one line each. It fits one 80x24 screen
      with the line and the prompt under it (22 lines at 80 columns with the bundled bank;
      tests/test_result_screen.py measures it).
    - "welcome": the bank's `brief` (else the steps) and a pointer to `!`, so that the welcome
      and its question fit on one screen with it.
    - "result": the steps, the note and the signs; the result lists the helplines in full
      after it.
    """
    e = bank.emergency
    parts: list[RenderableType] = []
    if form == "welcome" and e.brief:
        parts.append(bank_text(e.brief))
    else:
        parts.append(bullets(e.steps, numbered=True, plain=plain))
    if form == "welcome":
        again = _("Type {key} at any question for every step, the signs and helplines.")
        parts.append(Text(again.format(key=keys()["emergency"]), style="bold"))
    else:
        if e.note:
            parts.append(bank_text(e.note))
        signs = Text()
        signs.append(_("Signs:") + " ", style="bold")
        signs.append(clean(" · ".join(e.signs)))
        parts += [Text(""), signs]
        if form == "help":
            parts += [
                Text("\n" + _("Helplines (US):"), style="bold"),
                helplines(bank, plain, brief=True, words=False),
            ]
    if plain:
        title = _("EMERGENCY: {title}").format(title=clean(e.title))
        return Group(Text("\n" + title), *parts)
    from rich import box
    from rich.panel import Panel

    return Panel(
        Group(*parts), title=bank_text(e.title, "bold red"), box=box.HEAVY, border_style="red"
    )


def helpline_line(h: Helpline, brief: bool = False, words: bool = True) -> Text:
    """ "SAMHSA National Helpline: 1-800-662-4357. Free, confidential, 24/7." with the
    helpline's `brief` (when it has one) if `brief` is set, else its full `detail`; only the
    name and the number without `words`."""
    said = (h.brief if brief else h.detail) if words else ""
    return labelled(h.name, f"{h.contact}. {said}" if said else h.contact)


def helplines(
    bank: Bank,
    plain: bool = False,
    brief: bool = False,
    only: Iterable[Helpline] | None = None,
    words: bool = True,
) -> RenderableType:
    """The helplines as a list (`only`: these, in this order); see `helpline_line`."""
    chosen = bank.helplines if only is None else tuple(only)
    return bullets((helpline_line(h, brief, words) for h in chosen), plain=plain)


def called(bank: Bank, flag: Flag) -> tuple[Helpline, ...]:
    """The helplines a flag names in `call`, in its order."""
    lines = {h.id: h for h in bank.helplines}
    return tuple(lines[hid] for hid in flag.call if hid in lines)


def alert(bank: Bank, flag: Flag, plain: bool = False) -> RenderableType:
    """A flag shown at once (`immediate`): its detail and the lines to call, before anything
    else, on the screen after the answer that raised it and at the top of the result."""
    parts: list[RenderableType] = [
        bank_text(flag.detail),
        Text(""),
        helplines(bank, plain, brief=True, only=called(bank, flag)),
    ]
    if plain:
        return Group(Text("\n" + clean(flag.label), style="bold"), *parts)
    from rich import box
    from rich.panel import Panel

    return Panel(
        Group(*parts), title=bank_text(flag.label, "bold red"), box=box.HEAVY, border_style="red"
    )


def declined(bank: Bank, plain: bool) -> RenderableType:
    """What someone sees who chose not to begin."""
    return Group(
        bank_text(_("Okay. Nothing was saved. If you would like to talk to someone, any time:")),
        helplines(bank, plain),
    )


def hint(text: str) -> Text:
    return bank_text(text, "yellow")


class Unwrapped:
    """A line for the terminal to wrap rather than Rich, so that a file name or command in it
    stays whole for copying: whoever prints it passes `soft_wrap=Unwrapped.soft_wrap`."""

    soft_wrap = True

    def __init__(self, text: str, style: str = "yellow") -> None:
        self.text = bank_text(text, style)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text
