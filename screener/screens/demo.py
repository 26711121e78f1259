"""Fictional personas for `screener demo`: load and check them, list them, and type their answers.

It decides nothing about what an answer means: a persona's answers go through the same
interview and scorer as anyone's. It never prints by itself either: the console, the pause and
the wait for Enter are handed in, so a demo runs the same on a terminal, a pipe and in tests.
Its words, the problems it finds in a personas file among them, are catalog messages
(screener.i18n); the keys it types are the ones the interview reads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

from screener.core import seenwords, wording
from screener.core.kinds import kind_of, typed_yes, unknown_key
from screener.core.model import OTHER, WHO, Bank, Question, Role, Severity, Status, Value
from screener.core.results import Answers, Result
from screener.core.safetext import clean, did_you_mean, show_value
from screener.core.scoring import score
from screener.errors import AnswersError, Quit, ScreenerError
from screener.files import personas as personas_file
from screener.files.personas import PERSONAS_FILE, Persona
from screener.i18n import _, ngettext, pgettext
from screener.screens import render
from screener.screens.interview import Interview, Pager, parse_reply

# How long each typed character takes, at most, once the answer starts to appear.
KEY_DELAY = 0.05


def load_personas(path: Path | None, bank: Bank) -> tuple[Persona, ...]:
    """Read and check a personas file against `bank`, every answer typable at the prompt
    (files/personas.py: AnswersError, exit 4, with every problem located)."""
    return personas_file.load_personas(path, bank, _untypable)


def parse_personas(text: str, bank: Bank, filename: str = PERSONAS_FILE) -> tuple[Persona, ...]:
    """Check personas text as `load_personas` checks a file."""
    return personas_file.parse_personas(text, bank, filename, _untypable)


def _untypable(q: Question, value: Value) -> str | None:
    """Why `value` could not be typed at the prompt, or None when it reads back the same."""
    reply = parse_reply(q, keys_for(q, value))
    if value is None:
        return None if reply.command == "skip" else _("cannot be skipped")
    if reply.command is None and reply.hint is None and reply.value == value:
        return None
    return _("cannot be typed at the prompt as it is (it would not read back as the same answer)")


# --- typing -----------------------------------------------------------------------------


def keys_for(q: Question, value: Value) -> str:
    """What a person types at the prompt to give `value` to `q`: the inverse of parse_reply."""
    if value is None:
        return render.keys()["skip"]
    if q.is_unknown(value):
        return unknown_key()
    return kind_of(q).keys(q, value)


def jump_key() -> str:
    """The key that jumps a stepped demo to its result (r in English and Spanish)."""
    return pgettext("key: jump to the result", "r")


def step_prompt(plain: bool = False) -> str:
    """The one line a stepped demo waits at, before each answer: what each key does."""
    keys = render.keys()
    if plain:
        text = _(
            "Enter: next answer, {jump}: result, {why}: why, {emergency}: emergency, "
            "{quit}: stop the demo "
        )
    else:
        text = _(
            "Enter: next answer · {jump}: result · {why}: why · {emergency}: emergency · "
            "{quit}: stop the demo "
        )
    return text.format(
        jump=jump_key(), why=keys["why"], emergency=keys["emergency"], quit=keys["quit"]
    )


class _Player:
    """A persona typing into the interview as a person would, and at each step (`wait`) the
    counselor's own keys: Enter, the jump to the result, why, emergency, help, stop."""

    def __init__(
        self,
        persona: Persona,
        out: Console,
        plain: bool,
        pace: float,
        wait: Callable[[str], str] | None,
        pause: Callable[[float], None],
    ) -> None:
        self.persona = persona
        self.out = out
        self.plain = plain
        self.pace = pace
        self.wait = wait
        self.pause = pause
        self.last: list[str] = []  # the questions answered, to never loop on a refused one
        self.counselor = render.keys()
        self.own = {self.counselor["emergency"], self.counselor["why"], self.counselor["help"]}
        self.jumping = False  # `r`: the rest is typed unseen, and the result comes next
        self.paused = False  # the counselor typed `!`: the interview pauses under the box
        self.interview: Interview | None = None

    def show(self, renderable: RenderableType) -> None:
        if not self.jumping:
            self.out.print(renderable)

    def step(self) -> str | None:
        """Wait for the counselor: None to type the persona's answer, or their own key."""
        assert self.wait is not None
        while True:
            typed = self.wait(step_prompt(self.plain)).strip().lower()
            if typed == "":
                return None
            if typed == jump_key():
                self.jumping = True
                return None
            if typed == self.counselor["quit"]:
                raise Quit(
                    _("The demo stopped. Its answers are made up: nothing to save or clear.")
                )
            if typed in self.own:
                return typed
            self.out.print(
                render.hint(_("Press Enter for the next answer, or one of the keys above."))
            )

    def ask(self, prompt: str) -> str:
        """The line the interview reads: the counselor's key, or the persona's answer."""
        assert self.interview is not None
        q = self.interview.current
        assert q is not None
        if self.paused:  # "Press Enter to see the question again": Enter, or a key of their own
            assert self.wait is not None
            self.paused = False
            return self.wait(prompt)
        if self.wait is not None and not self.jumping:
            typed = self.step()
            if typed is not None:
                self.paused = typed == self.counselor["emergency"]
                return typed
        if self.last and self.last[-1] == q.id:  # the interview refused the answer: never loop
            raise AnswersError(
                [
                    _("persona {name}: the answer to {id} was not accepted").format(
                        name=repr(self.persona.name), id=repr(q.id)
                    )
                ]
            )
        self.last.append(q.id)
        keys = self.keys(q)
        if not self.jumping:
            self.type(prompt, keys)
        return keys

    def keys(self, q: Question) -> str:
        """The demo always begins: a yes to the consent, the persona's answer to the rest, and
        to "Who is this about?" the number of the persona's perspective."""
        if q.role is Role.CONSENT:
            return typed_yes()
        if q.id == WHO:
            return keys_for(q, self.persona.perspective)
        return keys_for(q, self.persona.values.get(q.id))

    def type(self, prompt: str, keys: str) -> None:
        """The prompt, then the keys one at a time at the pace chosen."""
        out = self.out
        out.print(prompt, end="", markup=False)
        out.file.flush()
        if self.pace:
            self.pause(self.pace)
        for key in keys:
            out.print(key, end="", markup=False)
            out.file.flush()
            if self.pace:
                self.pause(min(KEY_DELAY, self.pace / 10))
        out.print()


def play(
    bank: Bank,
    persona: Persona,
    out: Console,
    plain: bool = False,
    pace: float = 0.0,
    wait: Callable[[str], str] | None = None,
    sleep: Callable[[float], None] | None = None,
    pager: Pager | None = None,
) -> Answers:
    """Walk the interview with `persona`'s answers typed in; the answers carry `demo=name`.

    `pace` is the pause in seconds before each answer appears; `wait`, when given, is called
    with a one-line prompt (`step_prompt`) before each answer instead (`--step`): Enter types
    the answer; `r` types the rest unseen and goes to the result; `?`, `!` and `h` work as at
    a real prompt (the terminal has echoed them: they are not printed again); `q` stops the
    demo at once (`Quit`: its answers are made up, so there is nothing to save or clear).
    Ctrl-C or end of input stops the walk with Interrupted, as in a real run. With `wait`,
    the emergency box stays on screen until Enter, as at a real terminal (`pager` shows it
    page by page where it does not fit).
    """
    player = _Player(persona, out, plain, pace, wait, sleep or time.sleep)
    # With several perspectives the persona answers "Who is this about?" as a person would.
    who = None if len(bank.perspectives) > 1 else persona.perspective
    player.interview = interview = Interview(
        bank,
        player.ask,
        player.show,
        who,
        plain=plain,
        banner=render.demo_banner(persona.name),
        switch=f"screener demo {persona.name}",
        pause_after_emergency=wait is not None,
        pager=pager,
    )
    taken = interview.run()
    if taken is None:  # cannot happen: the demo answers yes to begin
        raise ScreenerError(_("persona {name} did not begin").format(name=repr(persona.name)))
    return taken._replace(demo=persona.name)


# --- listing ----------------------------------------------------------------------------


def answers_of(bank: Bank, persona: Persona) -> Answers:
    return Answers(bank.id, bank.version, persona.perspective, persona.values, demo=persona.name)


def outcome(bank: Bank, persona: Persona) -> Result:
    """The result the persona's demo ends with."""
    return score(bank, answers_of(bank, persona))


def severity_word(s: Severity) -> str:
    """A result's severity in a persona listing's few words ("mild", "below the threshold")."""
    return wording.band_name(s) if s is Severity.NONE else wording.severity_word(s)


def leads_to(res: Result) -> str:
    """A few words for a listing: "moderate (4 to 5 of 11, 1 skipped)"; about someone else,
    the signs seen, never a severity: "seen: 4-10 of 11 signs (someone else's account)"."""
    if res.perspective == OTHER:
        return seenwords.seen_sentence(res, "line")
    if res.screened_out:
        return _("no opioid use in the past 12 months")
    words = severity_word(res.severity)
    if res.severity_max is not res.severity:
        words = _("{low} to {high}").format(low=words, high=severity_word(res.severity_max))
    if res.count_max == res.count:
        criteria = _("{count} of 11 criteria").format(count=res.count)
    else:
        criteria = _("{count} to {count_max} of 11 criteria").format(
            count=res.count, count_max=res.count_max
        )
    open_ = len(res.ids(Status.UNANSWERED))
    if open_:
        criteria = ngettext(
            "{criteria}, {n} not answered", "{criteria}, {n} not answered", open_
        ).format(criteria=criteria, n=open_)
    if res.supervised_exclusion:
        criteria = _(
            "{criteria}; prescribed use, so tolerance and withdrawal are not counted"
        ).format(criteria=criteria)
    elif res.ids(Status.UNCERTAIN):
        criteria = _(
            "{criteria}; tolerance and withdrawal open: 'all prescribed' was skipped"
        ).format(criteria=criteria)
    elif res.supervision_claimed and res.overridden_by:
        criteria = _(
            "{criteria}; tolerance and withdrawal count: 'all prescribed' was answered, "
            "but other use was reported"
        ).format(criteria=criteria)
    return _("{severity} ({criteria})").format(severity=words, criteria=criteria)


def find(personas: tuple[Persona, ...], name: str) -> Persona:
    """The persona called `name`; a usage error (exit 2) naming the choices otherwise."""
    for persona in personas:
        if persona.name == name:
            return persona
    names = [p.name for p in personas]
    raise ScreenerError(
        _("no persona called {name}{suggestion}; the personas are: {names}").format(
            name=show_value(name), suggestion=did_you_mean(name, names), names=", ".join(names)
        )
    )


def personas_json(bank: Bank, personas: tuple[Persona, ...]) -> list[dict[str, Any]]:
    """`screener demo --json`: one entry per persona, with the result its demo reaches."""
    out = []
    for p in personas:
        res = outcome(bank, p)
        out.append(
            {
                "name": p.name,
                "sketch": clean(p.sketch),  # as `questions --json` gives bank text
                "perspective": p.perspective,
                # none for someone who was not asked (perspective other), as in `score --json`
                "severity": None if res.perspective == OTHER else res.severity.value,
                "severity_max": None if res.perspective == OTHER else res.severity_max.value,
                "count": res.count,
                "count_max": res.count_max,
                "screened_out": res.screened_out,
            }
        )
    return out


def listing(bank: Bank, personas: tuple[Persona, ...], plain: bool = False) -> RenderableType:
    """The personas for people: name, sketch and where the demo leads."""
    from rich.console import Group

    return Group(*(part for block in listing_blocks(bank, personas, plain) for part in block))


def listing_blocks(
    bank: Bank, personas: tuple[Persona, ...], plain: bool = False
) -> list[list[RenderableType]]:
    """The listing in blocks for the reader to keep together: the title and how to play one,
    then each persona (its row of the table, the table's header on the first)."""
    rows = [(p, leads_to(outcome(bank, p))) for p in personas]
    blocks: list[list[RenderableType]] = [
        [
            render.banner_line(wording.demo_banner(), plain),
            Text(
                _("Fictional personas for {title} (version {version})").format(
                    title=clean(bank.title), version=clean(bank.version)
                )
            ),
        ]
    ]
    if plain:
        for p, where in rows:
            leads = _("Leads to: {result}").format(result=where)
            blocks.append([Text(f"\n{p.name}: {clean(p.sketch)}\n  {leads}")])
    else:
        from rich import box
        from rich.table import Table

        name = pgettext("column", "Name")
        widest = max([len(name), *(len(p.name) for p in personas)])
        for i, (p, where) in enumerate(rows):
            # One table per row, its columns the same width: the reader keeps a row whole.
            table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
            table.show_header = i == 0
            table.add_column(name, style="bold", width=widest, no_wrap=True)
            table.add_column(pgettext("column", "Who"), ratio=3)
            table.add_column(pgettext("column", "Leads to"), ratio=2)
            table.add_row(p.name, Text(clean(p.sketch)), Text(where))
            blocks.append([table])
    blocks.append(
        [
            Text(
                "\n"
                + _(
                    "Play one with: screener demo NAME. Add --step to show one answer per "
                    "Enter, or --pace SECONDS to set the speed."
                )
            )
        ]
    )
    return blocks
