"""The `screener` command's entry point: it chooses the language, then hands over to the CLI.
Which command the words name, and how to start screener again the same way, are
`screener.invocation`'s (the CLI asks it, so the two never import each other).

The option and command help in `screener.cli` is translated as that module is imported, so the
language must be chosen first: from `--lang` anywhere on the command line, else from the locale
variables (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). Nothing is imported but `screener.i18n` (and
`screener.invocation`, which imports only the standard library) before the choice is made.
The whole run is `invocation.starting()`: the garbage collector waits until start-up is over.
A caseload's plain command line (`score` and file names) is run without Typer, by
`screener.scoremany`, which says what it takes.
"""

from __future__ import annotations

import os
import sys

from screener.invocation import command_line, starting
from screener.invocation import program as program  # stdlib only until called; tests ask launch

COMMAND = "score"  # the command a caseload runs, the one looked at before Typer is imported


def main(argv: list[str] | None = None) -> None:
    with starting():
        from screener import i18n

        args = sys.argv[1:] if argv is None else argv
        i18n.use(i18n.choose(args, os.environ))
        # A caseload's plain command line is run without Typer (screener.scoremany); only a
        # command line that names the command is even looked at.
        if COMMAND in args:
            from screener import scoremany

            chosen = scoremany.plan(command_line(list(args), (COMMAND,)))
            if chosen is not None:
                scoremany.main(chosen)
        from screener.cli import main as cli_main

        cli_main(argv)
