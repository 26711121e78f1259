"""Fictional personas for `screener demo`: load and check them, list them, and type their answers.

It decides nothing about what an answer means: a persona's answers go through the same
interview and scorer as anyone's. It never prints by itself either: the console, the pause and
the wait for Enter are handed in, so a demo runs the same on a terminal, a pipe and in tests.
Its words, the problems it finds in a personas file among them, are catalog messages
(screener.i18n); the keys it types are the ones the interview reads.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from rich.console import Console, RenderableType
from rich.text import Text

from screener.core.conditions import applicable, describe, effective_show_if, question_names
from screener.core.kinds import kind_of
from screener.core.model import Answers, Bank, Question, Result, Role, Severity, Value
from screener.core.safetext import clean, close_match, did_you_mean, one_line, show_value
from screener.core.scoring import score
from screener.errors import AnswersError, ScreenerError
from screener.files import yamlsrc
from screener.files.answers import check_value, missing
from screener.files.bank import read_text
from screener.i18n import _, ngettext, pgettext
from screener.screens import render
from screener.screens.interview import Interview, parse_reply

FORMAT = "screener-personas/1"
PERSONAS_FILE = "personas.yaml"
TOP_KEYS = {"format", "bank", "personas"}
PERSONA_KEYS = {"name", "sketch", "perspective", "answers"}
NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
# How long each typed character takes, at most, once the answer starts to appear.
KEY_DELAY = 0.05


class Persona(NamedTuple):
    """A made-up person: a short name, a one-line sketch and an answer to every question."""

    name: str
    sketch: str
    perspective: str
    values: Mapping[str, Value]  # None: skipped on purpose (typed as `s`)
    line: int = 0


def default_path() -> Path:
    """The shipped personas, beside the package code (so the wheel carries them)."""
    return Path(__file__).resolve().parent.parent / PERSONAS_FILE  # screener/personas.yaml


def load_personas(path: Path | None, bank: Bank) -> tuple[Persona, ...]:
    """Read and check a personas file against `bank`.

    Raises AnswersError (exit 4) listing every problem as `FILE:LINE: path: message`: a persona
    is a set of answers, checked by the rules answers files follow, and a broken personas file
    leaves the bank itself usable.
    """
    path = path or default_path()
    text = read_text(path, "personas", AnswersError)
    return parse_personas(text, bank, one_line(str(path)))


def parse_personas(text: str, bank: Bank, filename: str = PERSONAS_FILE) -> tuple[Persona, ...]:
    try:
        doc = yamlsrc.load(text)
    except yamlsrc.ParseError as exc:
        problem = _("not valid YAML: {reason}").format(reason=exc.message)
        raise AnswersError([f"{filename}:{exc.line or 1}: {problem}"]) from None
    return _Checker(filename, doc, bank).check()


class _Checker:
    """Builds the personas while collecting every problem with its line."""

    def __init__(self, filename: str, doc: yamlsrc.Located, bank: Bank) -> None:
        self.filename = filename
        self.doc = doc
        self.bank = bank
        self.problems: list[tuple[int, str]] = []
        self.names: dict[str, int] = {}  # name -> line, to point a duplicate at the first

    def error(self, path: yamlsrc.Path, message: str) -> None:
        line = self.doc.line(path)
        self.problems.append(
            (line, f"{self.filename}:{line}: {yamlsrc.format_path(path)}: {message}")
        )

    def fail(self) -> AnswersError:
        return AnswersError([m for _line, m in sorted(self.problems, key=lambda p: p[0])])

    def check(self) -> tuple[Persona, ...]:
        for path, message in self.doc.problems:
            self.error(path, message)
        data = self.doc.data
        if not isinstance(data, dict):
            self.error(
                (), _("expected a {format} mapping (format, bank, personas)").format(format=FORMAT)
            )
            raise self.fail()
        for key in data:
            if key not in TOP_KEYS:
                self.error((key,), _unknown_key(key, TOP_KEYS))
        if data.get("format") != FORMAT:
            self.error(
                ("format",),
                _("expected {expected}, got {value}").format(
                    expected=repr(FORMAT), value=_show(data.get("format"))
                ),
            )
        self.check_bank(data.get("bank"))
        items = data.get("personas")
        out: list[Persona] = []
        if not isinstance(items, list) or not items:
            self.error(("personas",), _("expected a list of personas (name, sketch, answers)"))
        else:
            for i, item in enumerate(items):
                persona = self.persona(item, ("personas", i))
                if persona is not None:
                    out.append(persona)
        if self.problems:
            raise self.fail()
        return tuple(out)

    def check_bank(self, value: object) -> None:
        if not isinstance(value, dict):
            self.error(
                ("bank",), _("expected {{id, version}} of the bank the personas answer").format()
            )
            return
        if value.get("id") != self.bank.id:
            self.error(
                ("bank", "id"),
                _(
                    "these personas are for bank {given}, not {bank} "
                    "(a bank of your own needs personas of its own: --personas PATH)"
                ).format(given=_show(value.get("id")), bank=repr(self.bank.id)),
            )
        elif value.get("version") != self.bank.version:
            # Personas show what the current questions do: stale answers are a mistake to fix,
            # not something to work around with a warning.
            self.error(
                ("bank", "version"),
                _(
                    "these personas answer version {given} of the bank, which is now version "
                    "{version}: check their answers against it, then update the version here"
                ).format(given=_show(value.get("version")), version=repr(self.bank.version)),
            )

    def persona(self, item: object, path: yamlsrc.Path) -> Persona | None:
        if not isinstance(item, dict):
            self.error(path, _("expected a persona: a mapping with name, sketch and answers"))
            return None
        for key in item:
            if key not in PERSONA_KEYS:
                self.error((*path, key), _unknown_key(key, PERSONA_KEYS))
        name = self.name(item.get("name"), (*path, "name"), path)
        sketch = item.get("sketch")
        if not isinstance(sketch, str) or not sketch.strip():
            self.error((*path, "sketch"), _("expected one line saying who the persona is"))
        elif "\n" in sketch.strip():
            self.error((*path, "sketch"), _("expected one line (use a folded >- block)"))
        perspectives = list(self.bank.perspectives)
        perspective = item.get("perspective", perspectives[0] if perspectives else "self")
        if perspective not in perspectives:
            self.error(
                (*path, "perspective"),
                _("{value} is not a perspective of this bank ({perspectives}){suggestion}").format(
                    value=_show(perspective),
                    perspectives=", ".join(perspectives),
                    suggestion=did_you_mean(perspective, perspectives),
                ),
            )
        values = self.answers(item.get("answers"), (*path, "answers"))
        if name is None or not isinstance(sketch, str):
            return None
        return Persona(name, sketch.strip(), str(perspective), values, self.doc.line(path))

    def name(self, value: object, path: yamlsrc.Path, parent: yamlsrc.Path) -> str | None:
        if value is None:
            self.error(parent, _("missing required key 'name'"))
            return None
        if not isinstance(value, str) or not NAME.match(value):
            self.error(
                path,
                _("expected a short lowercase name like 'sam', got {value}").format(
                    value=_show(value)
                ),
            )
            return None
        if value in self.names:
            self.error(
                path,
                _("the name {name} is already used on line {line}").format(
                    name=show_value(value), line=self.names[value]
                ),
            )
            return None
        self.names[value] = self.doc.line(path)
        return value

    def answers(self, value: object, path: yamlsrc.Path) -> dict[str, Value]:
        if not isinstance(value, dict):
            self.error(
                path,
                _("expected a mapping of question id to answer, got {value}").format(
                    value=_show(value)
                ),
            )
            return {}
        known = {q.id: q for q in self.bank.questions}
        out: dict[str, Value] = {}
        bad: set[str] = set()  # ids with a problem already reported: no second one for them
        for qid, raw in value.items():
            where: yamlsrc.Path = (*path, qid)
            q = known.get(str(qid))
            if q is None:
                self.error(
                    where,
                    _("{id} is not a question in this bank{suggestion}").format(
                        id=show_value(qid), suggestion=did_you_mean(qid, known)
                    ),
                )
                meant = close_match(qid, known)
                if meant is not None:
                    bad.add(meant)
                continue
            if q.role is Role.CONSENT:
                self.error(where, _("leave the consent question out: the demo always answers yes"))
                continue
            stored, problem = check_value(q, raw)
            if problem is None and stored is None and q.required:
                problem = _("cannot be skipped")
            if problem is None:
                problem = _untypable(q, stored)
            if problem is not None:
                self.error(where, problem)
                bad.add(q.id)
                continue
            out[q.id] = stored
        shown, _counted = applicable(self.bank, out)
        shown_ids = {q.id for q in shown}

        def hangs_on_a_problem(q: Question) -> bool:
            cond = effective_show_if(self.bank, q)
            return cond is not None and bool(question_names(cond) & bad)

        for qid in out:
            q = known[qid]
            if qid not in shown_ids and not hangs_on_a_problem(q):
                cond = effective_show_if(self.bank, q)
                if cond is None:
                    problem = _(
                        "does not apply to this persona's answers, so it would never be asked: "
                        "leave it out"
                    )
                else:
                    problem = _(
                        "does not apply to this persona's answers, so it would never be asked "
                        "(it is asked only when {condition}): leave it out"
                    ).format(condition=describe(cond))
                self.error((*path, qid), problem)
        for qid in missing(self.bank, out):
            if qid not in bad and not hangs_on_a_problem(known[qid]):
                self.error(
                    path,
                    _("no answer to {id}, which applies: give one (null to skip it)").format(
                        id=show_value(qid)
                    ),
                )
        return {qid: v for qid, v in out.items() if qid in shown_ids}


def _unknown_key(key: object, known: set[str]) -> str:
    return _("unknown key {key}{suggestion}").format(
        key=show_value(key), suggestion=did_you_mean(key, known)
    )


def _untypable(q: Question, value: Value) -> str | None:
    """Why `value` could not be typed at the prompt, or None when it reads back the same."""
    reply = parse_reply(q, keys_for(q, value))
    if value is None:
        return None if reply.command == "skip" else _("cannot be skipped")
    if reply.command is None and reply.hint is None and reply.value == value:
        return None
    return _("cannot be typed at the prompt as it is (it would not read back as the same answer)")


def _show(value: object) -> str:
    return show_value(value)


# --- typing -----------------------------------------------------------------------------


def keys_for(q: Question, value: Value) -> str:
    """What a person types at the prompt to give `value` to `q`: the inverse of parse_reply."""
    if value is None:
        return render.KEYS["skip"]
    return kind_of(q).keys(q, value)


def wait_for_enter() -> None:
    """Block until Enter; end of input raises EOFError, which stops the demo (exit 130)."""
    if not sys.stdin.readline():
        raise EOFError


def play(
    bank: Bank,
    persona: Persona,
    out: Console,
    plain: bool = False,
    pace: float = 0.0,
    wait: Callable[[], None] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Answers:
    """Walk the interview with `persona`'s answers typed in; the answers carry `demo=name`.

    `pace` is the pause in seconds before each answer appears; `wait`, when given, is called
    before each answer instead (`--step`: Enter). Ctrl-C or end of input stops the walk with
    Interrupted, as in a real run.
    """
    banner = render.demo_banner(persona.name)
    pause = sleep or time.sleep
    last: list[str] = []

    def ask(prompt: str) -> str:
        q = interview.current
        assert q is not None
        if last and last[-1] == q.id:  # the interview refused the answer: never loop on it
            raise AnswersError(
                [
                    _("persona {name}: the answer to {id} was not accepted").format(
                        name=repr(persona.name), id=repr(q.id)
                    )
                ]
            )
        last.append(q.id)
        if q.role is Role.CONSENT:  # the demo always begins
            keys = pgettext("typed answer", "y")
        else:
            keys = keys_for(q, persona.values.get(q.id))
        if wait is not None:
            wait()
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

    interview = Interview(bank, ask, out.print, persona.perspective, plain=plain, banner=banner)
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
    if s is Severity.MILD:
        return pgettext("severity", "mild")
    if s is Severity.MODERATE:
        return pgettext("severity", "moderate")
    if s is Severity.SEVERE:
        return pgettext("severity", "severe")
    return _("below the threshold")


def leads_to(res: Result) -> str:
    """A few words for a listing: "moderate (4 to 5 of 11, 1 skipped)"."""
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
    open_ = res.count_max - res.count
    if open_:
        criteria = ngettext(
            "{criteria}, {n} not answered", "{criteria}, {n} not answered", open_
        ).format(criteria=criteria, n=open_)
    if res.supervised_exclusion:
        criteria = _(
            "{criteria}; prescribed use, so tolerance and withdrawal are not counted"
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
                "sketch": p.sketch,
                "perspective": p.perspective,
                "severity": res.severity.value,
                "severity_max": res.severity_max.value,
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
        render.banner_line(_(render.DEMO_BANNER), plain),
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
