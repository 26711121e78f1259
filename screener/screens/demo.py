"""Fictional personas for `screener demo`: load and check them, list them, and type their answers.

It decides nothing about what an answer means: a persona's answers go through the same
interview and scorer as anyone's. It never prints by itself either: the console, the pause and
the wait for Enter are handed in, so a demo runs the same on a terminal, a pipe and in tests.
Its words, the problems it finds in a personas file among them, are catalog messages
(screener.i18n); the keys it types are the ones the interview reads.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

from screener.core import wording
from screener.core.kinds import kind_of, typed_yes, unknown_key
from screener.core.model import (
    OTHER,
    WHO,
    Answers,
    Bank,
    Question,
    Result,
    Role,
    Severity,
    Status,
    Value,
)
from screener.core.safetext import clean, did_you_mean, show_value
from screener.core.scoring import score
from screener.errors import AnswersError, ScreenerError
from screener.files import personas as personas_file
from screener.files.personas import PERSONAS_FILE, Persona
from screener.i18n import _, ngettext, pgettext
from screener.screens import render
from screener.screens.interview import Interview, parse_reply

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


def wait_for_enter() -> str:
    """Block until Enter; what was typed before it (a key such as `!`), stripped. End of
    input raises EOFError, which stops the demo (exit 130)."""
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.strip()


def play(
    bank: Bank,
    persona: Persona,
    out: Console,
    plain: bool = False,
    pace: float = 0.0,
    wait: Callable[[], str] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Answers:
    """Walk the interview with `persona`'s answers typed in; the answers carry `demo=name`.

    `pace` is the pause in seconds before each answer appears; `wait`, when given, is called
    before each answer instead (`--step`: Enter). At that step the counselor's own `!`, `?`,
    `h` and `q` work as at a real prompt: the box, the reason, the keys, or leaving (whose
    question is theirs to answer too). Ctrl-C or end of input stops the walk with
    Interrupted, as in a real run.
    """
    banner = render.demo_banner(persona.name)
    pause = sleep or time.sleep
    last: list[str] = []
    counselor = render.keys()
    own = {counselor["emergency"], counselor["why"], counselor["quit"], counselor["help"]}
    confirming = False  # the counselor typed q: the "leave now?" question is theirs

    def ask(prompt: str) -> str:
        nonlocal confirming
        q = interview.current
        assert q is not None
        if wait is not None and confirming:
            confirming = False
            out.print(prompt, end="", markup=False)
            out.file.flush()
            return wait()
        if wait is not None:
            typed = wait()
            if typed.lower() in own:  # the counselor's key, as at a real prompt
                out.print(prompt + typed, markup=False)
                confirming = typed.lower() == counselor["quit"]
                return typed
        if last and last[-1] == q.id:  # the interview refused the answer: never loop on it
            raise AnswersError(
                [
                    _("persona {name}: the answer to {id} was not accepted").format(
                        name=repr(persona.name), id=repr(q.id)
                    )
                ]
            )
        last.append(q.id)
        # The demo always begins: a yes to the consent, the persona's answer to the rest, and
        # to "Who is this about?" the number of the persona's perspective.
        if q.role is Role.CONSENT:
            keys = typed_yes()
        elif q.id == WHO:
            keys = keys_for(q, persona.perspective)
        else:
            keys = keys_for(q, persona.values.get(q.id))
        out.print(prompt, end="", markup=False)
        out.file.flush()
        if pace:
            pause(pace)
        for key in keys:
            out.print(key, end="", markup=False)
            out.file.flush()
            if pace:
                pause(min(KEY_DELAY, pace / 10))
        out.print()
        return keys

    # With several perspectives the persona answers "Who is this about?" as a person would.
    who = None if len(bank.perspectives) > 1 else persona.perspective
    interview = Interview(
        bank,
        ask,
        out.print,
        who,
        plain=plain,
        banner=banner,
        switch=f"screener demo {persona.name}",
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
        return wording.seen_sentence(res, "line")
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
    rows = [(p, leads_to(outcome(bank, p))) for p in personas]
    parts: list[RenderableType] = [
        render.banner_line(wording.demo_banner(), plain),
        Text(
            _("Fictional personas for {title} (version {version})").format(
                title=clean(bank.title), version=clean(bank.version)
            )
        ),
    ]
    if plain:
        for p, where in rows:
            leads = _("Leads to: {result}").format(result=where)
            parts.append(Text(f"\n{p.name}: {clean(p.sketch)}\n  {leads}"))
    else:
        from rich import box
        from rich.table import Table

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
        table.add_column(pgettext("column", "Name"), style="bold", no_wrap=True)
        table.add_column(pgettext("column", "Who"), ratio=3)
        table.add_column(pgettext("column", "Leads to"), ratio=2)
        for p, where in rows:
            table.add_row(p.name, Text(clean(p.sketch)), Text(where))
        parts.append(table)
    parts.append(
        Text(
            "\n"
            + _(
                "Play one with: screener demo NAME. Add --step to show one answer per Enter, "
                "or --pace SECONDS to set the speed."
            )
        )
    )
    from rich.console import Group

    return Group(*parts)
