"""The question loop: one question at a time, with back, skip, why, emergency and quit.

The prompt (`ask`) and the screen (`show`) are passed in, so the loop runs the same on a
terminal, on piped input and in tests. `ask` raises EOFError or KeyboardInterrupt as `input`
does; both become `Interrupted` at once, with nothing written. Every word it shows or raises
comes from the catalog (screener.i18n); the keys a person types are the same in every language,
except the answers to its own yes/no prompts, which also take the language's `y` and `n`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from rich.console import RenderableType

from screener import i18n
from screener.core import wording
from screener.core.conditions import applicable, passes, possible, question_names
from screener.core.kinds import (
    help_words,
    is_no,
    is_yes,
    kind_of,
    typed_no,
    typed_yes,
    unknown_key,
    unknown_words,
    yes_or_no_anywhere,
)
from screener.core.model import UNKNOWN, WHO, Bank, Kind, Option, Question, Role, Value, version_key
from screener.core.safetext import clean
from screener.errors import ExportError, Interrupted, Quit
from screener.i18n import _
from screener.screens import render

if TYPE_CHECKING:  # made when the interview ends: not loaded for the first screen
    from screener.core.results import Answers

Ask = Callable[[str], str]
Show = Callable[[RenderableType], None]
# Writes the answers so far to a path, replacing a file there only when told to; raises
# ExportError with a one-line reason when it cannot.
Save = Callable[[Path, "Answers", bool], None]
# Shows a screen page by page when it does not fit the terminal, reading Enter with the reader
# given, the last page's menu saying what Enter does then; False when it fits (nothing shown).
Pager = Callable[[RenderableType, Callable[[], str], str], bool]

PROMPT = "> "


def who_question(bank: Bank) -> Question:
    """ "Who is this about?" as a question: one option per perspective the bank offers."""
    return Question(
        id=WHO,
        section="",
        kind=Kind.CHOICE,
        text=wording.who_text(),
        short=_("About"),
        why=_(
            "The questions and the result are worded for the person the screening is about. "
            "About someone else, you are asked only what you can see or hear, and you can "
            'answer "don\'t know".'
        ),
        source=(),
        options=tuple(Option(p, label) for p, label in bank.perspectives.items()),
        required=True,
    )


def _yes_no_keys() -> dict[str, str]:
    """The letters the yes/no prompts name, as placeholders of their messages."""
    return {"yes": typed_yes(), "no": typed_no()}


class Reply(NamedTuple):
    """What a typed line means for a question: a command, an answer, or a hint to retry."""

    command: str | None = None  # back, skip, why, emergency, quit, keep, help
    value: Value = None
    hint: str | None = None


def parse_reply(q: Question, raw: str, answered: bool = False) -> Reply:
    """Read one typed line for question `q`. Pure: no I/O."""
    text = raw.strip()
    low = text.lower()
    commands = {key: command for command, key in render.keys().items()}
    if low in commands:
        return Reply(command=commands[low])
    if low in help_words():
        return Reply(command="help")
    if not text:
        if answered:
            return Reply(command="keep")
        return Reply(hint=f"{_('Please type an answer.')} {kind_of(q).expected(q)}")
    if q.unknown and low in unknown_words():
        return Reply(value=UNKNOWN)
    answer = kind_of(q).read(q, text)
    hint = answer.hint
    if hint and q.unknown:  # a reply that did not fit may have meant "I don't know"
        hint = _("{instruction} Type {key} if you don't know.").format(
            instruction=hint, key=unknown_key()
        )
    return Reply(value=answer.value, hint=hint)


class Interview:
    """Walks the bank. `run()` returns the answers, or None if the person declined at the start.

    The settings after `plain` are keyword-only. `save` and `save_to` (the suggested file)
    offer, on `q`, to keep the answers so far; without them (no terminal to confirm a path on)
    leaving writes nothing. `opening` is shown once the person has agreed to begin (e.g.
    "Carrying on from FILE"). `program` is how to start screener again, as this run was
    started, for the command to carry on. `perspective` None asks "Who is this about?" first
    when the bank offers more than one (and takes the only one otherwise).
    `pause_after_emergency` (a person at a terminal): after `!` the box stays on screen above
    one line and the prompt, and Enter shows the question again; the question under it would
    push the top of the box off a 24-line screen. Piped answers never pause: every line is an
    answer. `switch`, when given, is the command that the first question names, in each other
    language, to start again in that language ("En español: screener --lang es"). `pager` (a
    terminal) shows the emergency box page by page where it does not fit the screen, its title
    and first step on the first page. `update`: `save_to` is the file this run carried on from,
    and leaving offers to update it. `given_version` is the bank version `prefill` was given
    to, in the file carried on from (see `version`).
    """

    def __init__(
        self,
        bank: Bank,
        ask: Ask,
        show: Show,
        perspective: str | None = "self",
        prefill: Mapping[str, Value] | None = None,
        plain: bool = False,
        *,
        save: Save | None = None,
        save_to: Path | None = None,
        banner: str | None = None,
        opening: str | None = None,
        program: str = "screener",
        pause_after_emergency: bool = False,
        switch: str | None = None,
        pager: Pager | None = None,
        update: bool = False,
        given_version: str | None = None,
    ) -> None:
        self.pager = pager
        self.update = update
        self.pause_after_emergency = pause_after_emergency
        self.opening = opening
        self.program = program
        self.switch = switch
        self.asked_who = False  # "Who is this about?" was asked: the switch is shown there
        # A demo's banner is on the screen already (shown with the welcome or a section's
        # start): the next piece leaves it out, so a screen shows it once.
        self.banner_up = False
        self.everything = bank  # every perspective's questions; `bank` holds this run's
        if perspective is None and len(bank.perspectives) == 1:
            perspective = next(iter(bank.perspectives))
        self.bank = bank if perspective is None else bank.about(perspective)
        self.save = save
        self.save_to = save_to
        self.ask = ask
        self.show = show
        self.perspective = perspective
        self.plain = plain
        self.values: dict[str, Value] = dict(prefill or {})
        self.prefilled = set(self.values)
        self.given_version = given_version
        self.order = list(bank.questions)
        self.history: list[int] = []  # indexes of the questions asked in this run
        self.sections_seen: set[str] = set()
        self.last_section: str | None = None
        self.banner = banner  # e.g. "DEMO: fictional answers", on every screen when set
        self.current: Question | None = None  # the question being asked, for a scripted `ask`

    def run(self) -> Answers | None:
        self.show(render.welcome(self.bank, self.plain, self.banner))
        self.banner_up = self.banner is not None
        if self.perspective is None:
            self.choose_perspective()
        i = 0
        while True:
            nxt = self.next_index(i)
            if nxt is None:
                break
            q = self.order[nxt]
            step = self.ask_question(q)
            if step == "back":
                if not self.history:
                    earlier = self.last_kept_before(nxt)
                    if earlier is None:
                        self.show(
                            render.hint(
                                _("This is the first question; there is nothing before it.")
                            )
                        )
                        i = nxt
                        continue
                    # Carrying on from a file: back goes into the answers it kept, asked again
                    # with the kept answer offered (Enter keeps it).
                    self.prefilled.discard(self.order[earlier].id)
                    i = earlier
                    continue
                i = self.history.pop()
                continue
            if q.role is Role.CONSENT:
                if self.values.pop(q.id, None) is False:
                    return None
                if self.opening:
                    self.show(render.Unwrapped(self.opening))  # a file name stays whole
                    self.opening = None
            else:  # `b` goes back through questions, never back to "would you like to begin?"
                self.history.append(nxt)
                if step == "answer":
                    self.alert_after(q)
            i = nxt + 1
        _shown, counted = applicable(self.bank, self.values)
        from screener.core.results import Answers

        return Answers(self.bank.id, self.version(), self.about, counted)

    def version(self) -> str:
        """The bank version the answers are for: the file's own while it keeps an answer, not
        asked again here, to a question whose meaning has changed since that version (so the
        result says so, and a file saved again keeps saying so); the bank's otherwise."""
        given = self.given_version
        if given is None or given == self.bank.version:
            return self.bank.version
        before = version_key(given)
        index = {q.id: q for q in self.everything.questions}
        for qid in self.prefilled:
            q = index.get(qid)
            changed = q is not None and q.changed_in and before < version_key(q.changed_in)
            if changed and self.values.get(qid) is not None:
                return given
        return self.bank.version

    def alert_after(self, q: Question) -> None:
        """Show at once every flag marked `immediate` that the answer to `q` raised (thoughts of
        suicide right now), with the lines to call, before the next question. A person at a
        terminal chooses to go on with Enter; `!` and `q` work there as at a question. Piped
        answers never pause: every line is an answer."""
        _shown, counted = applicable(self.bank, self.values)
        for flag in self.bank.flags:
            if not flag.immediate or q.id not in question_names(flag.when):
                continue
            if not passes(flag.when, counted):
                continue
            self.show(render.alert(self.bank, flag, self.plain))
            if not self.pause_after_emergency:
                continue
            while True:
                self.show(render.hint(_("When you are ready, press Enter to go on.")))
                typed = self.read().strip().lower()
                if typed == render.keys()["emergency"]:
                    self.show(render.emergency(self.bank, self.plain))
                elif typed == render.keys()["quit"]:
                    self.confirm_quit()
                else:
                    break

    @property
    def about(self) -> str:
        """The run's perspective ("" until "Who is this about?" is answered)."""
        return self.perspective or ""

    def choose_perspective(self) -> None:
        """Ask who the screening is about, and narrow the bank to that perspective."""
        q = who_question(self.everything)
        self.asked_who = True
        while self.ask_question(q) == "back":
            self.show(render.hint(_("This is the first question; there is nothing before it.")))
        chosen = self.values.pop(q.id)
        assert isinstance(chosen, str)
        self.perspective = chosen
        self.bank = self.everything.about(chosen)
        self.order = list(self.bank.questions)
        if self.bank.title != self.everything.title:  # the perspective's own title, from here
            self.show(render.welcome(self.bank, self.plain))

    def next_index(self, start: int) -> int | None:
        """The first question from `start` on that applies and still needs asking."""
        shown, _counted = applicable(self.bank, self.values)
        ids = {q.id for q in shown}
        for i in range(start, len(self.order)):
            q = self.order[i]
            if q.id in ids and q.id not in self.prefilled:
                return i
        return None

    def last_kept_before(self, index: int) -> int | None:
        """The last question before `index` that applies and was answered in the file this run
        carries on from; None when there is none."""
        shown, _counted = applicable(self.bank, self.values)
        ids = {q.id for q in shown}
        for i in range(index - 1, -1, -1):
            q = self.order[i]
            if q.id in ids and q.id in self.prefilled and q.role is not Role.CONSENT:
                return i
        return None

    def where(self, q: Question) -> tuple[str, int, int] | None:
        """Section title and place in it ("Criteria · 7 of 11"); None for the consent and for
        "Who is this about?".

        Items of a scale count among themselves ("1 of 16"), apart from the questions around
        them, so a rating scale reads as one set.
        """
        if q.role is Role.CONSENT or not q.section:
            return None
        group = [
            s
            for s in possible(self.bank, self.values)
            if s.section == q.section and s.scale == q.scale
        ]
        title = self.bank.scales[q.scale].title if q.scale else self.bank.section(q.section).title
        return (title, group.index(q) + 1, len(group))

    def ask_question(self, q: Question) -> str:
        """Ask until there is an answer or a move; returns "answer", "skip" or "back"."""
        self.enter_section(q)
        answered = q.id in self.values and q.role is not Role.CONSENT
        self.current = q

        def present() -> None:
            current = self.values.get(q.id)
            where = self.where(q)
            banner = None if self.banner_up else self.banner
            self.banner_up = False  # the next question is a screen of its own
            # How to switch language, said in that language, under the first question ("Who
            # is this about?" when it is asked, else the consent): the one place sure to be on
            # screen before anything is answered.
            first = q.id == WHO or (q.role is Role.CONSENT and not self.asked_who)
            switch = i18n.switch_lines(self.switch) if first and self.switch is not None else []
            self.show(
                render.question(q, self.about, where, current, answered, self.plain, banner, switch)
            )

        present()
        typed: str | None = None  # a line typed at the pause after `!`, read as a reply here
        while True:
            line, typed = (self.read(), None) if typed is None else (typed, None)
            reply = parse_reply(q, line, answered)
            if reply.hint:
                self.show(render.hint(reply.hint))
                continue
            if reply.command == "keep":
                return "answer"
            if reply.command == "back":
                return "back"
            if reply.command == "skip":
                if q.required:
                    self.refuse_skip(q)
                    continue
                self.values[q.id] = None
                return "skip"
            if reply.command == "why":
                self.show(render.why(self.bank, q, self.plain))
            elif reply.command == "emergency":
                if self.emergency(_("Enter: back to the question")):
                    pass  # read page by page: Enter at its end came back here
                elif self.pause_after_emergency:
                    self.show(render.hint(_("Press Enter to see the question again.")))
                    line = self.read()
                    if line.strip():  # typed as at the question: a reply, a key, an answer
                        typed = line
                        continue
            elif reply.command == "help":
                keys = render.keys_help(plain=True, unknown=q.unknown)
                self.show(render.hint(_("{keys}. Then press Enter.").format(keys=keys)))
                continue
            elif reply.command == "quit":
                self.confirm_quit()
                self.show(render.hint(_("Alright, carrying on.")))
            else:
                self.values[q.id] = reply.value
                return "answer"
            present()

    def enter_section(self, q: Question) -> None:
        """A section's start the first time it is reached; its heading when coming back."""
        if not q.section or q.section == self.last_section:
            return
        section = self.bank.section(q.section)
        if q.section in self.sections_seen:
            self.show(render.heading(section.title, self.plain))
        else:
            banner = None if self.banner_up else self.banner
            self.show(render.section_start(self.bank, section, self.about, self.plain, banner))
            self.banner_up = self.banner is not None
        self.sections_seen.add(q.section)
        self.last_section = q.section

    def refuse_skip(self, q: Question) -> None:
        """Say that a required question cannot be skipped, and how to stop instead."""
        quit_key = render.keys()["quit"]
        if q.kind is not Kind.YES_NO:
            needs = _("This one needs an answer. Type {quit} if you would rather stop.")
            self.show(render.hint(needs.format(quit=quit_key)))
            return
        needs = _("This one needs a {yes} or {no}. Type {quit} if you would rather stop.")
        self.show(render.hint(needs.format(quit=quit_key, **_yes_no_keys())))

    def confirm_quit(self) -> None:
        saving = self.save is not None and self.save_to is not None and bool(self.so_far())
        if saving:
            ask = _("Leave now? ({yes}/{no})")
        else:
            ask = _(
                "Leave now? Nothing has been saved, and your answers will be cleared. ({yes}/{no})"
            )
        self.show(render.hint(ask.format(**_yes_no_keys())))
        while True:
            answer = self.read().strip().lower()
            if is_yes(answer):
                if saving:
                    self.offer_to_save()
                raise Quit(_("You left the screening. Nothing was saved."))
            if is_no(answer) or answer == "":
                return
            if answer == render.keys()["emergency"]:  # one key away on every screen, this one too
                self.emergency()
            again = _("Type {yes} to leave, or {no} to go back to the question.")
            self.show(render.hint(again.format(**_yes_no_keys())))

    def so_far(self) -> dict[str, Value]:
        """The answers given so far that count. Consent is never among them: `run` drops it
        as soon as it is given, and prefilled answers never hold it."""
        _shown, counted = applicable(self.bank, self.values)
        return counted

    def offer_to_save(self) -> None:
        """Ask whether to keep the answers so far; leaves with Quit either way."""
        keys = _yes_no_keys()
        keep = self.yes_no(
            _(
                "Save your answers so far, so you can finish later? Only your user account on "
                "this computer will be able to read the file. ({yes}/{default_no})"
            ).format(yes=keys["yes"], default_no=keys["no"].upper()),
            default=False,
        )
        if not keep:
            raise Quit(_("You left the screening. Nothing was saved."))
        path = self.save_where()
        if path is None:
            raise Quit(_("You left the screening. Nothing was saved."))
        from screener.files.answers import carry_on_command  # only on the way out

        command = carry_on_command(self.program, path)
        raise Quit(
            _(
                "Your answers so far are saved in {path} (only you can read it).\n"
                "To carry on where you left off: {command}"
            ).format(path=path, command=command)
        )

    def save_where(self) -> Path | None:
        """Ask for a file (Enter or a yes takes the one offered) and save there; None: not
        saved. Carrying on from a file (`update`), the offer is to update that file: a yes
        replaces it without asking again. A typed name that cannot be a file is refused with
        a sentence, and the question comes again with the answers still kept."""
        assert self.save is not None and self.save_to is not None
        from screener.core.results import Answers
        from screener.files.safefile import taken, typed_path

        answers = Answers(self.bank.id, self.version(), self.about, self.so_far())
        no = _yes_no_keys()["no"]
        while True:
            if self.update:
                where = _(
                    "Update {path}, the file you carried on from, with your answers so far? "
                    "Press Enter for yes, type another file name, or {no} to leave without "
                    "saving."
                )
            else:
                where = _(
                    "Save to {path}? Press Enter for yes, type another file name, "
                    "or {no} to leave without saving."
                )
            self.show(render.hint(where.format(path=self.save_to, no=no)))
            reply = self.read().strip()
            if reply == render.keys()["emergency"]:
                self.emergency()
                continue
            choice = yes_or_no_anywhere(reply)
            if choice is False:
                return None
            replace = False
            if choice or not reply:
                path, replace = self.save_to, self.update
            else:
                try:
                    path = typed_path(reply)
                except ExportError as exc:
                    self.show(render.hint(_("Not saved: {reason}").format(reason=exc.message)))
                    continue
            if not replace and taken(path):
                keys = _yes_no_keys()
                replace = self.yes_no(
                    _("{path} already exists. Replace it? ({yes}/{default_no})").format(
                        path=path, yes=keys["yes"], default_no=keys["no"].upper()
                    ),
                    default=False,
                )
                if not replace:
                    continue
            try:
                self.save(path, answers, replace)
            except ExportError as exc:
                self.show(render.hint(_("Not saved: {reason}").format(reason=exc.message)))
                continue
            return path

    def yes_no(self, question: str, default: bool) -> bool:
        self.show(render.hint(question))
        while True:
            answer = self.read().strip().lower()
            if is_yes(answer):
                return True
            if is_no(answer):
                return False
            if answer == "":
                return default
            if answer == render.keys()["emergency"]:
                self.emergency()
            self.show(render.hint(_("Type {yes} for yes or {no} for no.").format(**_yes_no_keys())))

    def emergency(self, last: str | None = None) -> bool:
        """The emergency box: page by page where it does not fit the terminal (True), else
        whole (False), for the caller to pause under it or not."""
        box = render.emergency(self.bank, self.plain)
        if self.pager is not None and self.pager(box, self.read, last or _("Enter: go on")):
            return True
        self.show(box)
        return False

    def read(self) -> str:
        """The next reply, cleaned: arrow keys at a plain prompt type escape sequences, and no
        escape or control character may reach an answer, a summary or the screen."""
        try:
            return clean(self.ask(PROMPT))
        except (EOFError, KeyboardInterrupt):
            raise Interrupted(_("Stopped. Nothing was saved.")) from None
