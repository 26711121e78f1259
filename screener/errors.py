"""Exit codes and the one exception family the core raises; nothing here prints or exits."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The documented process exit codes (README.md and docs/exit-codes.md)."""

    OK = 0
    QUIT = 1  # the person chose to leave before the result
    USAGE = 2  # a command-line mistake (Typer uses 2 too)
    BANK = 3  # the question bank is missing or invalid
    ANSWERS = 4  # an answers file is missing, invalid or incomplete
    EXPORT = 5  # a summary could not be written
    OUTPUT = 6  # standard output could not be written: closed pipe, full disk
    INTERRUPTED = 130  # Ctrl-C or end of input


class ScreenerError(Exception):
    """A problem the user can fix; the message is complete and user-facing."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BankError(ScreenerError):
    """The bank cannot be used; `problems` holds one located line each."""

    exit_code = ExitCode.BANK

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


class AnswersError(ScreenerError):
    """An answers file cannot be used; `problems` holds one located line each."""

    exit_code = ExitCode.ANSWERS

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


class ExportError(ScreenerError):
    """A summary could not be written where the user asked."""

    exit_code = ExitCode.EXPORT


class Interrupted(ScreenerError):
    """Ctrl-C or end of input during a run: leave at once, write nothing."""

    exit_code = ExitCode.INTERRUPTED


class Quit(ScreenerError):
    """The person chose to leave before the result."""

    exit_code = ExitCode.QUIT
