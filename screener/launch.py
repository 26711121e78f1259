"""The `screener` command's entry point: it chooses the language, then hands over to the CLI.
Which command the words name, and how to start screener again the same way, are
`screener.invocation`'s (the CLI asks it, so the two never import each other).

The option and command help in `screener.cli` is translated as that module is imported, so the
language must be chosen first: from `--lang` anywhere on the command line, else from the locale
variables (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). Nothing is imported but `screener.i18n` (and
`screener.invocation`, which imports only the standard library) before the choice is made.
The whole run is `invocation.starting()`: the garbage collector waits until start-up is over.
"""

from __future__ import annotations

import os
import sys

from screener.invocation import program as program  # stdlib only until called; tests ask launch
from screener.invocation import starting


def main(argv: list[str] | None = None) -> None:
    with starting():
        from screener import i18n

        i18n.use(i18n.choose(sys.argv[1:] if argv is None else argv, os.environ))
        from screener.cli import main as cli_main

        cli_main(argv)
