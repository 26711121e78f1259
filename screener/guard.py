"""How the command line ends a command that went wrong: one line on stderr and a documented
exit code, whatever the core raised. Shared by the Typer commands (screener.cli) and a
caseload started without Typer (screener.scoremany); imports no Typer and no Rich.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from screener import streams
from screener.core.safetext import LINE_LIMIT, one_line
from screener.errors import ExitCode, Interrupted, Quit, ScreenerError
from screener.i18n import _


def say(text: str, stream: str = "stderr") -> None:
    """One message on its own line, as it is: no Rich, no wrapping (a command or a file name in
    it stays whole to copy)."""
    out = sys.stderr if stream == "stderr" else sys.stdout
    out.write(f"{text}\n")
    out.flush()


def warn(lines: Iterable[str]) -> None:
    """Each warning on its own line (a bank that speaks only part of the language, say)."""
    for line in lines:
        say(_("Warning: {message}").format(message=one_line(line, LINE_LIMIT)))


@contextmanager
def guarded(exit: Callable[[int], BaseException]) -> Iterator[None]:
    """Turn what the core raises into one line on stderr and `exit(code)` raised, with the
    documented exit code."""
    try:
        yield
    except Interrupted as exc:
        say("")  # the cursor is still after the "> " prompt
        say(safe_lines(exc.message))
        raise exit(exc.exit_code) from None
    except Quit as exc:
        say(safe_lines(exc.message))
        raise exit(exc.exit_code) from None
    except ScreenerError as exc:
        for line in exc.message.splitlines():
            say(_("Error: {message}").format(message=one_line(line, LINE_LIMIT)))
        raise exit(exc.exit_code) from None
    except KeyboardInterrupt:
        say(_("Stopped. Nothing was saved."))
        raise exit(ExitCode.INTERRUPTED) from None
    except OSError as exc:  # standard output is a closed pipe or a full disk
        if not streams.is_output_error(exc):
            raise
        raise exit(streams.output_failed(exc)) from None


def safe_lines(message: str) -> str:
    """The last guard before a terminal: whatever a message quotes from a file or a file name,
    nothing unprintable and no endless line gets through (names and values were already
    shortened where the message was made)."""
    return "\n".join(one_line(line, LINE_LIMIT) for line in message.splitlines())
