"""A screening's life: start or carry on from a file, ask, leave part-way (and which file to
offer), score, save, and offer to delete the answers a finished run carried on from.

cli.py calls it with the terminal passed in (`Terminal`: the console, the line reader, whether a
person is typing), so a test drives a whole start -> quit -> resume -> finish -> save -> delete
cycle without a tty. It decides what a run does; it never parses options or exits (a person
leaving is `Quit` or `Interrupted`, which cli.py turns into exit codes).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from screener import api
from screener.core.safetext import one_line, show_value
from screener.errors import AnswersError, ScreenerError
from screener.i18n import _, ngettext

if TYPE_CHECKING:
    from rich.console import Console, RenderableType  # noqa: TID251 (types only: passed in)

    from screener.core.model import Bank, Value
    from screener.core.results import Answers, Result
    from screener.exports import Plan
    from screener.files.personas import Persona
    from screener.screens.interview import Pager


def _stderr_line(text: str) -> None:
    import sys

    sys.stderr.write(f"{text}\n")
    sys.stderr.flush()


class Terminal(NamedTuple):
    """What a run talks to. `ask` reads one line after a prompt and raises EOFError or
    KeyboardInterrupt as `input` does; `interactive` says a person types the answers (a
    terminal: saving part-way, the summary menu and the delete offer need one)."""

    out: Console
    ask: Callable[[str], str]
    interactive: bool
    program: str = "screener"  # how to start screener again, for a command to copy
    home: Path | None = None  # where a summary is suggested (None: the home folder)
    today: date | None = None  # (None: today)
    say: Callable[[str], None] = _stderr_line  # one line as it is, on stderr

    def folder(self) -> Path:
        """Where a file is suggested when there is no other place to put it."""
        return Path.home() if self.home is None else self.home

    def day(self) -> date:
        """The date in a suggested file name."""
        return date.today() if self.today is None else self.today

    def show(self, renderable: RenderableType) -> None:
        """A screen's piece, wrapped unless it says otherwise (a path stays whole)."""
        self.out.print(renderable, soft_wrap=getattr(renderable, "soft_wrap", False))

    def note(self, text: str) -> None:
        """What a run saved: on its own console, unwrapped so a path stays whole."""
        self.out.print(text, markup=False, soft_wrap=True)

    def warn(self, lines: list[str]) -> None:
        from screener.core.safetext import LINE_LIMIT

        for line in lines:
            self.say(_("Warning: {message}").format(message=one_line(line, LINE_LIMIT)))


class Options(NamedTuple):
    """What a run was asked for: the bank (and the same bank in other languages), a file to
    carry on from, the perspective, plain output and the `--export` summaries (None: no
    `--export` option was given)."""

    bank: Bank
    banks: api.Banks
    answers: Path | None = None
    perspective: str | None = None
    plain: bool = False
    exports: Plan | None = None

    def export(
        self, bank: Bank, answers: Answers, res: Result, notes: Callable[[str], None]
    ) -> bool:
        """Write the `--export` summaries of a result, if any were asked for; whether any
        were (the plan's module is loaded only then)."""
        if self.exports is None:
            return False
        from screener import exports

        exports.write(self.exports, bank, answers, res, notes, self.banks)
        return bool(self.exports.exports)


class Resumed(NamedTuple):
    """What a file carried on from gave (nothing, for a new screening)."""

    path: Path | None = None
    values: Mapping[str, Value] = MappingProxyType({})
    perspective: str | None = None
    created: str | None = None
    persona: str | None = None  # set when the file holds a demo's fictional answers
    subject: str | None = None
    version: str | None = None  # the bank version the file's answers were given to
    fhir: bool = False  # a QuestionnaireResponse: the clinic's record, never offered to delete
    opening: str | None = None  # "Carrying on from FILE: N answers kept."


def resume(path: Path, bank: Bank, perspective: str | None, term: Terminal) -> Resumed:
    """Read the file to carry on from; `perspective` (the option) must be the file's."""
    given, warnings, from_fhir = api.read_answers(path, bank)
    term.warn(warnings)
    values = dict(given.values)
    opening = None
    if values:
        n = len(values)
        opening = ngettext(
            "Carrying on from {name}: {n} answer kept. "
            "Only the questions still open will be asked.",
            "Carrying on from {name}: {n} answers kept. "
            "Only the questions still open will be asked.",
            n,
        ).format(name=one_line(str(path)), n=n)
    if perspective is not None and perspective != given.perspective:
        raise ScreenerError(
            _(
                "--perspective {wanted}: {name} holds answers in perspective {given}; "
                "leave out --perspective to carry on with them"
            ).format(
                wanted=show_value(perspective),
                name=one_line(str(path)),
                given=show_value(given.perspective),
            )
        )
    return Resumed(
        path=path,
        values=values,
        perspective=given.perspective,
        created=given.created,
        persona=given.demo,
        subject=given.subject,
        version=given.bank_version,
        fhir=from_fhir,
        opening=opening,
    )


def run(options: Options, term: Terminal) -> None:
    """A whole screening: carry on from the file given, ask what is missing, show the
    result, write the `--export` summaries, and (a person at a terminal) offer to save a
    summary and to delete the answers saved part-way."""
    from screener.files.answered import missing
    from screener.screens import render

    bank = options.bank
    started = Resumed(perspective=options.perspective)
    if options.answers is not None:
        started = resume(options.answers, bank, options.perspective, term)
    banner = render.demo_banner(started.persona)
    who = perspective(bank.perspectives, started.perspective)
    todo = missing(bank, started.values, who)
    if options.answers is not None and who is not None and not todo:
        # Nothing asked: the screening is the one the file recorded, when it did.
        taken: Answers | None = _recorded(bank, started, who)
    else:
        if options.answers is not None and not term.interactive:
            raise AnswersError(
                [
                    _("{name}: no answer for: {ids} (answer them in a terminal)").format(
                        name=one_line(str(options.answers)), ids=", ".join(todo)
                    )
                ]
            )
        taken = interview(options, term, started, who, banner)
    if taken is None:
        term.out.print(render.declined(bank, options.plain))
        return
    res = finish(options, term, taken, banner)
    carried_on = started.path is not None and bool(todo) and not started.fhir
    if term.interactive and carried_on and res.complete:
        assert started.path is not None
        offer_to_delete(started.path, term)


def _recorded(bank: Bank, started: Resumed, who: str) -> Answers:
    from screener.core.results import Answers

    version = bank.version if started.version is None else started.version
    return Answers(
        bank.id,
        version,
        who,
        started.values,
        created=started.created,
        demo=started.persona,
        subject=started.subject,
    )


def interview(
    options: Options, term: Terminal, started: Resumed, who: str | None, banner: str | None
) -> Answers | None:
    """Ask what is missing; None when the person declines at the start. Leaving part-way
    raises `Quit`, after offering to keep the answers so far (a person at a terminal)."""
    from screener.screens.interview import Interview

    out = term.out
    interactive = term.interactive

    def ask(prompt: str) -> str:
        line = term.ask(prompt)
        if not interactive:  # echo piped answers so a transcript reads like a session
            out.print(one_line(line, None), markup=False)
        return line

    save, save_to, update = _save_offer(options.bank, term, started)
    program = term.program if interactive else "screener"
    taken = Interview(
        options.bank,
        ask,
        term.show,
        who,
        started.values,
        options.plain,
        save=save,
        save_to=save_to,
        banner=banner,
        opening=started.opening,
        program=program,
        pause_after_emergency=interactive,
        switch=program,
        pager=_pager(term, options.plain),
        update=update,
        given_version=started.version,
    ).run()
    if taken is not None and started.persona is not None:  # fictional answers stay marked
        taken = taken._replace(demo=started.persona)
    if taken is not None and started.subject is not None:
        taken = taken._replace(subject=started.subject)
    return taken


def _pager(term: Terminal, plain: bool) -> Pager | None:
    """A long screen page by page, at a terminal. The reader is loaded when a screen first
    needs it (the emergency steps), not before the first question."""
    if not term.interactive:
        return None

    def page(renderable: RenderableType, read: Callable[[], str], last: str) -> bool:
        from screener.screens import reader

        return reader.page_if_long(term.out, renderable, read, last, plain=plain)

    return page


def _save_offer(
    bank: Bank, term: Terminal, started: Resumed
) -> tuple[Callable[[Path, Answers, bool], None] | None, Path | None, bool]:
    """(save, the file offered, whether it is the file carried on from) for leaving
    part-way; nothing without a person at a terminal to confirm where."""
    if not term.interactive:
        return None, None, False
    from functools import partial

    from screener.files.safefile import suggest_save_path

    save = partial(save_partial, bank=bank, persona=started.persona, program=term.program)
    # Carrying on from a file: leaving again offers that file (replacing it is asked), not a
    # new one beside it. A FHIR response is the clinic's record, not answers saved part-way:
    # a new answers file beside it is offered instead.
    if started.path is not None and not started.fhir:
        return save, started.path.absolute(), True
    folder = started.path.absolute().parent if started.path is not None else term.folder()
    return save, suggest_save_path(folder, term.day()), False


def finish(options: Options, term: Terminal, taken: Answers, banner: str | None) -> Result:
    """Score, show the result, write the `--export` summaries, and at a terminal offer to
    save a summary. Returns the result."""
    from screener.screens import result as result_screen

    bank, out = options.bank, term.out
    res = api.score(bank, taken)
    # A person at a terminal reads the result page by page (the reader, with its menu);
    # output that is not a terminal gets it whole, as it always has.
    paged = term.interactive and out.is_terminal
    if not paged:
        out.print(result_screen.result(bank, res, options.plain, banner))
    said: list[str] = []
    notes = said.append if paged else term.note
    saved_before = options.export(bank, taken, res, notes)
    if term.interactive:  # a person is there: offer to keep a summary (never asked of a pipe)
        after_result(options, term, taken, res, saved_before, banner)
    for line in said:  # under the reader's last page, where they stay on screen
        term.note(line)
    return res


def after_result(
    options: Options,
    term: Terminal,
    taken: Answers,
    res: Result,
    saved_before: bool,
    banner: str | None = None,
) -> None:
    """At a terminal, the result in the reader (page by page, when the output is the
    terminal): read on, go back, save a summary for a clinician (in any language screener
    speaks), see the emergency steps again, or leave."""
    from screener.screens.after import AfterResult

    AfterResult(
        options.bank,
        taken,
        res,
        term.ask,
        term.show,
        term.folder(),
        term.day(),
        options.plain,
        saved_before=saved_before,
        bank_in=options.banks.get,
        banner=banner,
    ).run(term.out, whole=not term.out.is_terminal)


def offer_to_delete(path: Path, term: Terminal) -> None:
    """A screening carried on from a file is finished: the answers saved part-way need not
    stay on the disk. Asked, never done silently; Enter, Ctrl-C or end of input keep it."""
    from screener.core.kinds import is_yes, typed_no, typed_yes
    from screener.screens import render

    out = term.out
    yes, no = typed_yes(), typed_no()
    out.print(
        render.hint(
            _(
                "You finished the screening. Delete the answers saved part-way in {path}? "
                "({yes}/{default_no})"
            ).format(path=one_line(str(path)), yes=yes, default_no=no.upper())
        )
    )
    try:
        reply = term.ask("> ").strip().lower()
    except (EOFError, KeyboardInterrupt):
        out.print()
        reply = ""
    if is_yes(reply):
        try:
            path.unlink()
        except OSError as exc:
            term.say(_("Not deleted: {reason}").format(reason=exc.strerror or str(exc)))
            return
        out.print(_("Deleted {path}.").format(path=one_line(str(path))), markup=False)
    else:
        out.print(_("Kept {path}.").format(path=one_line(str(path))), markup=False)


def save_partial(
    path: Path,
    answers: Answers,
    replace: bool,
    *,
    bank: Bank,
    persona: str | None,
    program: str = "screener",
) -> None:
    """Keep the answers so far in `path` to finish later, still marked as a demo's."""
    from screener.files.answers import save_partial as write_partial

    write_partial(path, answers._replace(demo=persona), bank, replace, program)


def perspective(known: Mapping[str, str], wanted: str | None) -> str | None:
    """The perspective asked for; None when none was and the bank offers several (the run
    asks "Who is this about?")."""
    names = list(known)
    if wanted is None:
        if len(names) > 1:
            return None
        return names[0] if names else "self"
    if wanted not in names:
        raise ScreenerError(
            _("--perspective: {name} is not offered by this bank ({names})").format(
                name=show_value(wanted), names=", ".join(names)
            )
        )
    return wanted


def play(
    options: Options,
    term: Terminal,
    persona: Persona,
    pace: float,
    wait: Callable[[str], str] | None,
) -> None:
    """A fictional persona's walk-through, taking the same path as a person: the answers
    typed at `pace`, the result, the `--export` summaries, and at a terminal the reader."""
    from screener.core.safetext import clean
    from screener.screens import demo, render

    out, plain = term.out, options.plain
    # Who the fictional person is, before their answers: the counselor's opening line.
    out.print(
        _("Playing {name}: {sketch}").format(name=persona.name, sketch=clean(persona.sketch)),
        markup=False,
    )
    # At a terminal the result is read as a person reads theirs: page by page.
    paged = term.interactive and out.is_terminal
    pager = _pager(term, plain) if wait is not None and paged else None
    taken = demo.play(options.bank, persona, out, plain, pace, wait, pager=pager)
    res = api.score(options.bank, taken)
    from screener.screens import result as result_screen

    banner = render.demo_banner(taken.demo)
    if not paged:
        out.print(result_screen.result(options.bank, res, plain, banner))
    said: list[str] = []
    notes = said.append if paged else term.note
    # The summary says DEMO at the top: `taken.demo` names the persona.
    saved_before = options.export(options.bank, taken, res, notes)
    if paged:
        after_result(options, term, taken, res, saved_before, banner)
    for line in said:
        term.note(line)
