"""The `screener` command's entry point: it chooses the language, then hands over to the CLI.

The option and command help in `screener.cli` is translated as that module is imported, so the
language must be chosen first: from `--lang` anywhere on the command line, else from the locale
variables (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). Nothing else happens here, and nothing is
imported but `screener.i18n` before the choice is made.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    from screener import i18n

    i18n.use(i18n.choose(sys.argv[1:] if argv is None else argv, os.environ))
    from screener.cli import main as cli_main

    cli_main(argv)
