"""After the result, at a terminal: save a summary to bring to a clinician, see the emergency
steps again, or leave.

Only a person at a terminal is asked (`run` on a tty): piped input is never asked anything and
nothing is written. The prompt (`ask`) and the screen (`show`) are passed in, as for the
interview. It asks and shows; the summary is made and written by the library (screener.api:
mode 0600, whole or absent, never over a file unless the person said so). Ctrl-C or end of
input raise `Interrupted`, which leaves at once with one calm line (exit 130), as at any
question.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console, RenderableType
from rich.text import Text

from screener import api, i18n
from screener.core import typed, wording
from screener.core.kinds import is_no, is_yes, typed_no, typed_yes, yes_or_no_anywhere
from screener.core.model import Bank
from screener.core.results import Answers, Result
from screener.core.safetext import clean, one_line
from screener.errors import ExportError, Interrupted, ScreenerError
from screener.files import safefile
from screener.i18n import N_, _, pgettext
from screener.screens import render
from screener.summaries import export

Ask = Callable[[str], str]
Show = Callable[[RenderableType], None]
# The bank in another language, for a summary in that language.
BankIn = Callable[[str], Bank]

PROMPT = "> "

# The formats offered, in this order (the first is what Enter takes), with what each is.
OFFERED = (
    ("html", N_("HTML: a page that opens in any web browser and prints well")),
    ("md", N_("Markdown: plain text with a little formatting")),
    ("txt", N_("Plain text")),
)


def save_key() -> str:
    """The key that saves a summary at the result's menu (s in English, g in Spanish, where s
    is yes)."""
    return pgettext("key: save a summary", "s")


def summary_stem(today: date) -> str:
    """The suggested file name without its ending, in the language in use:
    `screening-summary-2026-12-01` (`resumen-evaluacion-2026-12-01` in Spanish)."""
    return f"{pgettext('file name', 'screening-summary')}-{today.isoformat()}"


class AfterResult:
    """The choices after the result; `run()` returns the files saved, in order."""

    def __init__(
        self,
        bank: Bank,
        answers: Answers,
        res: Result,
        ask: Ask,
        show: Show,
        home: Path,
        today: date,
        plain: bool = False,
        saved_before: bool = False,
        bank_in: BankIn | None = None,
        banner: str | None = None,
    ) -> None:
        """`home` is the folder the suggested name is in; `saved_before` says a summary of
        this run was already written (`--export`), for the words on Ctrl-C. `bank_in(code)`
        gives the bank in another language: with it, the summary may be in any language
        screener speaks (a Spanish screening, an English summary for the clinician)."""
        self.bank_in = bank_in
        self.banner = banner
        self.bank = bank
        self.answers = answers
        self.res = res
        self.ask = ask
        self.show = show
        self.home = home
        self.today = today
        self.plain = plain
        self.saved: list[Path] = []
        self.saved_before = saved_before

    def run(self, out: Console, whole: bool = False) -> list[Path]:
        """The result in the reader, its menu at the bottom: Enter reads on, back, save a
        summary, the emergency steps, leave. `whole`: the result was printed whole already
        (the output is not a terminal), and only the menu is shown."""
        from screener.screens import result as result_screen
        from screener.screens.reader import Action, Reader

        blocks: list[list[RenderableType]] = [[]]
        if not whole:
            blocks = result_screen.result_blocks(
                self.bank, self.res, self.plain, self.banner, reading=True
            )
        keys = render.keys()
        actions = [
            Action(save_key(), _("save"), self.save_and_pause),
            Action(keys["emergency"], _("emergency"), lambda: self.emergency(out)),
            Action(keys["quit"], _("leave"), lambda: None, leaves=True),
        ]
        read = self.read
        Reader(out, read, blocks, actions, fill=not whole, plain=self.plain).run()
        return self.saved

    def emergency(self, out: Console) -> None:
        """The emergency box, page by page where it does not fit; Enter goes back."""
        from screener.screens.reader import Reader

        box = render.emergency(self.bank, self.plain)
        last = _("Enter: back to the result")
        Reader(out, self.read, [[box]], last=last, plain=self.plain).run()

    def save_and_pause(self) -> None:
        """Save, then wait for Enter: the page comes back over what was said."""
        self.save()
        self.show(render.hint(_("Press Enter to go back to the result.")))
        self.read()

    # --- saving -------------------------------------------------------------------------

    def save(self) -> None:
        """Ask which kind of file and where, and write it; back to the menu either way."""
        fmt = self.choose_format()
        if fmt is None:
            return
        language = self.choose_language()
        if language is None:
            return
        suffix = export.WRITERS[fmt].SUFFIXES[0]
        suggested = safefile.unused_path(self.home, summary_stem(self.today), suffix)
        while True:
            self.show(render.hint(_("Save the summary as:")))
            self.show(render.Unwrapped(f"  {suggested}"))  # whole, to read or copy
            self.show(
                render.hint(
                    _(
                        "Press Enter for yes, type another file name, or {no} not to save it."
                    ).format(no=typed_no())
                )
            )
            reply = self.read().strip()
            choice = yes_or_no_anywhere(reply)
            if choice is False:
                self.show(render.hint(_("Not saved.")))
                return
            if choice or not reply:
                path = suggested
            else:
                try:
                    path = safefile.typed_path(reply, suffix)
                except ExportError as exc:
                    self.show(render.hint(_("Not saved: {reason}").format(reason=exc.message)))
                    continue
            replace = False
            # A file, or a link (the link is replaced, never what it points to); a folder or
            # a device is refused by check_target below, in its own words.
            if safefile.taken(path):
                keys = {"yes": typed_yes(), "default_no": typed_no().upper()}
                replace = self.yes_no(
                    _("{path} already exists. Replace it? ({yes}/{default_no})").format(
                        path=one_line(str(path)), **keys
                    )
                )
                if not replace:
                    continue
            try:
                api.write(self.summary(language), path, fmt, replace=replace)
            except ExportError as exc:
                self.show(render.hint(_("Not saved: {reason}").format(reason=exc.message)))
                continue
            self.saved.append(path)
            self.show(
                render.hint(
                    _("Saved {what}, which only you can read, as:").format(
                        what=export.DESCRIPTION[fmt]
                    )
                )
            )
            self.show(render.Unwrapped(f"  {one_line(str(path))}"))
            return

    def choose_format(self) -> str | None:
        self.show(Text("\n" + wording.save_offer(self.res.perspective), style="bold"))
        labels = [_(words) for _fmt, words in OFFERED]
        chosen = self.choose(_("Which kind of file?"), labels, _("Please type 1, 2 or 3."))
        return None if chosen is None else OFFERED[chosen][0]

    def choose_language(self) -> str | None:
        """The summary's language: the screening's (Enter), or another one screener speaks.
        Each is named in its own language, so the person can pick the clinician's."""
        here = i18n.language()
        codes = [here, *(code for code in i18n.LANGUAGES if code != here)]
        if self.bank_in is None or len(codes) < 2:
            return here
        chosen = self.choose(
            _("In which language? (The person who reads it may need another one.)"),
            [i18n.ENDONYMS[code] for code in codes],
            _("Type a number from 1 to {count}.").format(count=len(codes)),
        )
        if chosen is None:
            return None
        if codes[chosen] != here:
            try:  # loaded before the first question: a broken translation file is said here
                with i18n.speaking(codes[chosen]):
                    self.bank_in(codes[chosen])
            except ScreenerError as exc:
                first = exc.message.splitlines()[0] if exc.message else ""
                self.show(render.hint(_("Not saved: {reason}").format(reason=first)))
                return None
        return codes[chosen]

    def choose(self, title: str, labels: list[str], retry: str) -> int | None:
        """One numbered choice on the way to saving: the index chosen (Enter: the first), or
        None when the person says no or quits ("Not saved."); `!` shows the emergency box."""
        from rich.console import Group
        from rich.text import Text

        rows = [(f"{i}.", Text(label)) for i, label in enumerate(labels, 1)]
        self.show(
            Group(
                Text(title),
                render.marked(rows, self.plain),
                render.hint(
                    _("Type a number, press Enter for 1, or {no} not to save one.").format(
                        no=typed_no()
                    )
                ),
            )
        )
        while True:
            reply = self.read().strip().lower()
            if reply == "":
                return 0
            chosen = typed.number(reply, 1, len(labels))
            if chosen is not None:
                return chosen - 1
            if is_no(reply) or reply == render.keys()["quit"]:
                self.show(render.hint(_("Not saved.")))
                return None
            if reply == render.keys()["emergency"]:
                self.show(render.emergency(self.bank, self.plain))
            self.show(render.hint(retry))

    def summary(self, language: str | None = None) -> api.SummaryIn:
        """The summary, made now, in `language` (its words and the bank's; the screening's
        language when not given)."""
        bank_in = self.bank_in
        if bank_in is None:
            language = None
        return api.summary(self.bank, self.answers, self.res, language=language, bank_in=bank_in)

    # --- reading ------------------------------------------------------------------------

    def yes_no(self, question: str) -> bool:
        """A yes or no; Enter is no."""
        self.show(render.hint(question))
        while True:
            answer = self.read().strip().lower()
            if is_yes(answer):
                return True
            if is_no(answer) or answer == "":
                return False
            self.show(
                render.hint(
                    _("Type {yes} for yes or {no} for no.").format(yes=typed_yes(), no=typed_no())
                )
            )

    def read(self) -> str:
        """The next line, cleaned; Ctrl-C or end of input leave at once."""
        try:
            return clean(self.ask(PROMPT))
        except (EOFError, KeyboardInterrupt):
            if self.saved or self.saved_before:
                raise Interrupted(_("Stopped.")) from None
            raise Interrupted(_("Stopped. Nothing was saved.")) from None
