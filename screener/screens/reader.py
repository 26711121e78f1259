"""A reader for what is longer than a screen, at a terminal: one screenful at a time, with a
short menu that stays at the bottom.

The result, `explain`, the persona list and the emergency box (where it does not fit) go
through it when a person is at a terminal; piped or redirected output gets the whole text at
once, and the caller decides which. Every page is exactly the terminal's height (the page,
blank lines, the menu, the prompt line), so whatever the terminal keeps of earlier output,
the screen shows one page and nothing else: a console with no scrollback reads everything.

It never decides what is said: the pieces come from the screens that make them, in blocks to
keep together where they fit (a heading and what follows it). It writes only to the console it
is given and reads only with `read`, which raises `Interrupted` on Ctrl-C or end of input as
every prompt does (exit 130, nothing written).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.segment import Segment, SegmentLines
from rich.text import Text

from screener.core.model import Bank
from screener.core.safetext import clean
from screener.errors import Interrupted
from screener.i18n import _
from screener.screens import render

PROMPT = "> "

Line = list[Segment]
Read = Callable[[], str]

# The smallest terminal a page is laid out for: below it, lines wrap and scroll as they may.
MIN_WIDTH = 20
MIN_HEIGHT = 8
# A block split across pages leaves at least this many of its lines on the page it starts on;
# fewer, and it starts on a page of its own (a heading never ends a page).
MIN_START = 4


@dataclass(frozen=True)
class Action:
    """A key at the menu besides Enter and back: what it is called there and what it does.
    `leaves` ends the reading once it is done."""

    key: str
    words: str
    do: Callable[[], None] = field(compare=False)
    leaves: bool = False


def size(out: Console) -> tuple[int, int]:
    """The width to lay text out in (the console's, never over its cap) and the height, both
    the terminal's own where it says: Rich takes a dumb terminal (TERM=dumb) for 80x25."""
    width, height = out.width, out.size.height
    try:
        real = os.get_terminal_size(out.file.fileno())
    except (AttributeError, ValueError, OSError):  # not a terminal: the console's own size
        pass
    else:
        width, height = min(width, real.columns or width), real.lines or height
    return max(width, MIN_WIDTH), max(height, MIN_HEIGHT)


def lines_of(out: Console, renderable: RenderableType, width: int) -> list[Line]:
    options = out.options.update(width=width, height=None)
    return out.render_lines(renderable, options, pad=False)


def _blank(line: Line) -> bool:
    return not "".join(s.text for s in line).strip()


def paginate(blocks: Sequence[list[Line]], rows: int) -> list[list[Line]]:
    """Blocks of lines into pages of at most `rows` lines. The first block is the first page
    alone when it fits (the first screen of a result stays as it is); each later block goes on the
    page so far if it fits there, else on a new page if it fits on one, else it is split,
    starting where it is when enough of it fits there. Blank lines never start a page."""
    pages: list[list[Line]] = []
    page: list[Line] = []

    def close() -> None:
        nonlocal page
        if page:
            pages.append(page)
        page = []

    for n, block in enumerate(blocks):
        lines = list(block)
        if n == 1 and not pages:  # the first screen is a page of its own, where it fits
            close()
        room = rows - len(page)
        if len(lines) > room and page and (len(lines) <= rows or room < MIN_START):
            close()
        for line in lines:
            if not page and _blank(line):
                continue
            if len(page) >= rows:
                close()
                if _blank(line):
                    continue
            page.append(line)
    close()
    return pages or [[]]


class Reader:
    """Pages of `blocks` at the console's size; `run()` returns once the person leaves.

    Enter reads on (and on the last page does what `last` says: leave, by default), the
    back key goes back a screenful, `actions` are the other keys (`!` among them where the
    caller offers it). An action redraws the page it was called from when it is done, unless
    it leaves."""

    def __init__(
        self,
        out: Console,
        read: Read,
        blocks: Sequence[Sequence[RenderableType]],
        actions: Sequence[Action] = (),
        last: str | None = None,
        more: str | None = None,
        fill: bool = True,
        plain: bool = False,
    ) -> None:
        """`fill`: each page fills the terminal's height, the menu on its last lines; without
        it (output that is not a terminal) the menu follows what is shown as it is."""
        self.out = out
        self.read = read
        self.blocks = blocks
        self.actions = list(actions)
        self.last = last if last is not None else _("Enter: leave")
        self.more = more if more is not None else _("Enter: next")
        self.page = 0
        self.fill = fill
        self.plain = plain  # a screen reader: the menu's parts apart by commas, not dots

    # --- layout -------------------------------------------------------------------------

    def menu(self, at: int, total: int, hint: str | None = None, width: int = 0) -> Text:
        """The menu for page `at` of `total`, its items wrapped whole at `width` (a key never
        on one line and what it does on the next)."""
        keys = render.keys()
        parts = []
        if hint is not None:
            parts.append(hint)
        elif total > 1:
            parts.append(_("Page {n} of {total}").format(n=at + 1, total=total))
        parts.append(self.last if at + 1 >= total else self.more)
        if at > 0:
            parts.append(_("{key}: back").format(key=keys["back"]))
        end = at + 1 >= total
        # On the last page Enter leaves: a key that leaves too would say it twice.
        parts += [f"{a.key}: {a.words}" for a in self.actions if not (end and a.leaves)]
        sep = ", " if self.plain else " · "
        lines = [parts[0]]
        for part in parts[1:]:
            joined = lines[-1] + sep + part
            if width and cell_len(joined) > width:
                lines.append(part)
            else:
                lines[-1] = joined
        return Text("\n".join(lines), style="yellow")

    def layout(self) -> tuple[list[list[Line]], int]:
        """The pages, and the number of lines the menu takes under each."""
        width, height = size(self.out)
        # The longest menu this reading can show, for every page to leave room for it.
        hint = _("Please type one of the keys below.")
        widest = [self.menu(1, 2, hint, width), self.menu(0, 99, width=width)]
        menu_rows = max(len(lines_of(self.out, m, width)) for m in widest)
        rows = max(height - menu_rows - 1, 1)  # the last line is the prompt's
        blocks = [
            [line for part in block for line in lines_of(self.out, part, width)]
            for block in self.blocks
        ]
        return paginate(blocks, rows), menu_rows

    # --- reading ------------------------------------------------------------------------

    def run(self) -> None:
        keys = render.keys()
        by_key = {a.key.lower(): a for a in self.actions}
        hint: str | None = None
        while True:
            pages, menu_rows = self.layout()  # again each time: the terminal may be resized
            self.page = min(self.page, len(pages) - 1)
            self.draw(pages, menu_rows, hint)
            hint = None
            typed = self.read().strip().lower()
            if typed == "":
                if self.page + 1 >= len(pages):
                    return
                self.page += 1
            elif typed == keys["back"]:
                self.page = max(self.page - 1, 0)
            elif typed in by_key:
                action = by_key[typed]
                action.do()
                if action.leaves:
                    return
            else:
                hint = _("Please type one of the keys below.")

    def draw(self, pages: list[list[Line]], menu_rows: int, hint: str | None) -> None:
        width, height = size(self.out)
        page = pages[self.page]
        menu = lines_of(self.out, self.menu(self.page, len(pages), hint, width), width)
        rows = height - menu_rows - 1
        shown = list(page)
        if self.fill:
            shown += [[] for _n in range(max(rows - len(page), 0) + menu_rows - len(menu))]
        shown += menu
        self.out.print(SegmentLines(shown, new_lines=True), end="")
        self.out.file.flush()


def fits(out: Console, renderable: RenderableType, spare: int) -> bool:
    """Whether `renderable` fits the terminal with `spare` lines left under it."""
    width, height = size(out)
    return len(lines_of(out, renderable, width)) + spare <= height


def page_if_long(
    out: Console, renderable: RenderableType, read: Read, last: str, plain: bool = False
) -> bool:
    """Show `renderable` page by page when it does not fit the terminal with two lines under
    it (a line and the prompt), Enter for the rest, the last page's menu saying `last` (what
    Enter does then); True when it was paged. False, and nothing shown, when it fits: the
    caller shows it as it is, with its own line and prompt under it."""
    if not out.is_terminal or fits(out, renderable, 2):
        return False
    Reader(out, read, [[renderable]], last=last, plain=plain).run()
    return True


def read_line(out: Console, stopped: str | None = None) -> Read:
    """A prompt at `out` for a reader: the line typed, cleaned; Ctrl-C or end of input stop
    at once (`Interrupted`, exit 130) with `stopped` (by default "Stopped.")."""

    def read() -> str:
        try:
            return clean(out.input(PROMPT))
        except (EOFError, KeyboardInterrupt):
            raise Interrupted(stopped or _("Stopped.")) from None

    return read


def page_or_print(
    out: Console,
    bank: Bank,
    plain: bool,
    blocks: Sequence[Sequence[RenderableType]],
    interactive: bool,
) -> None:
    """Blocks page by page in the reader when a person is at a terminal (`interactive`: input
    from a terminal, and `out` one too); whole, as always, to a pipe or a file."""
    if not (interactive and out.is_terminal):
        from rich.console import Group

        out.print(Group(*(part for block in blocks for part in block)))
        return
    page_blocks(out, bank, plain, blocks)


def page_blocks(
    out: Console, bank: Bank, plain: bool, blocks: Sequence[Sequence[RenderableType]]
) -> None:
    """Blocks in the reader with the keys every long screen has: Enter, back, the emergency
    steps (`!`, page by page where they do not fit) and leave."""
    read = read_line(out)
    keys = render.keys()

    def emergency() -> None:
        box = render.emergency(bank, plain)
        Reader(out, read, [[box]], last=_("Enter: back to where you were"), plain=plain).run()

    actions = [
        Action(keys["emergency"], _("emergency"), emergency),
        Action(keys["quit"], _("leave"), lambda: None, leaves=True),
    ]
    Reader(out, read, blocks, actions, plain=plain).run()
