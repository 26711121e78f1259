"""Collect the problems found in one file as `FILE:LINE: path: message` lines, in file order.

The bank, answers and personas checkers all report this way. Every problem is counted, but
only the first MAX_PROBLEMS by line are written out, then one `... and N more problems` line:
a hostile file with 100,000 unknown keys makes 101 lines, not 100,000. A problem that would
not be kept is not written at all, so the `{placeholders}` of its message are never filled
and a `Hint` in them (a did-you-mean search) is never worked out. Nothing here prints.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from screener.core.safetext import did_you_mean
from screener.files.located import Located, Path, format_path
from screener.i18n import ngettext

MAX_PROBLEMS = 100  # lines a person can read through; more only repeat one mistake


def at(filename: str, line: int, message: str) -> str:
    """A message located in a file: `FILE:LINE: message` (no path inside the file)."""
    return f"{filename}:{line}: {message}"


class Hint:
    """` (did you mean 'x'?)` for `word` among `choices` (else `otherwise`), worked out only
    when a problem is written: as a value of `Problems.add`, it costs nothing past the cap."""

    __slots__ = ("choices", "otherwise", "word")

    def __init__(self, word: object, choices: Iterable[str], otherwise: str = "") -> None:
        self.word = word
        self.choices = choices
        self.otherwise = otherwise

    def __format__(self, spec: str) -> str:
        return did_you_mean(self.word, self.choices) or self.otherwise

    def __str__(self) -> str:
        return format(self)


class _Pending:
    """A problem kept, to be worded when the problems are written out."""

    __slots__ = ("message", "path", "values")

    def __init__(self, path: Path, message: str, values: dict[str, object]) -> None:
        self.path = path
        self.message = message
        self.values = values

    def text(self) -> str:
        return self.message.format(**self.values) if self.values else self.message


class Problems:
    """The problems of one file, `filename` as messages name it, `located` its parsed text
    (which gives each path its line)."""

    def __init__(self, filename: str, located: Located, limit: int = MAX_PROBLEMS) -> None:
        self.filename = filename
        self.located = located
        self.limit = limit
        self.count = 0  # every problem found, kept or not
        # The kept problems as (-line, -order, text): the first to give way (the last in the
        # file, of those found at one line the last found) is at the top of the heap.
        self._kept: list[tuple[int, int, _Pending]] = []
        self._first_left_off = 0  # the line of the first problem not kept

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, path: Path, message: str, /, **values: object) -> None:
        """Note a problem at `path`. With `values`, `message` is a format text whose
        placeholders they fill (a value may be a `Hint`); without, it is used as it is."""
        self.count += 1
        line = self.located.line(path)
        order = self.count
        if len(self._kept) >= self.limit:
            last_line = -self._kept[0][0]
            if line >= last_line:  # later in the file than every problem kept: left off
                self._left_off(line)
                return
            self._left_off(last_line)
        # Written out only in `lines()`: problems found last-in-file first would otherwise
        # each be worded (a did-you-mean search) only to give way to the next.
        entry = (-line, -order, _Pending(path, message, values))
        if len(self._kept) >= self.limit:
            heapq.heapreplace(self._kept, entry)
        else:
            heapq.heappush(self._kept, entry)

    def add_all(self, problems: Iterable[tuple[Path, str]]) -> None:
        """Note problems whose messages are written already (`Located.problems`)."""
        for path, message in problems:
            self.add(path, message)

    def _left_off(self, line: int) -> None:
        if not self._first_left_off or line < self._first_left_off:
            self._first_left_off = line

    def lines(self) -> list[str]:
        """The problems kept, by line (those at one line in the order found), then how many
        more there are, at the line where they begin."""
        out = [
            f"{at(self.filename, -line, format_path(p.path))}: {p.text()}"
            for line, _, p in sorted(self._kept, key=lambda e: (-e[0], -e[1]))
        ]
        more = self.count - len(self._kept)
        if more:
            words = ngettext("... and {n} more problem", "... and {n} more problems", more)
            out.append(at(self.filename, self._first_left_off, words.format(n=more)))
        return out
