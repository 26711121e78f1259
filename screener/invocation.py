"""How screener was started: the command line as the CLI takes it (which command the words
name), and how to start screener again the same way. Asked by `screener.cli`; imports nothing
of screener until called, as `screener.launch` imports it before the language is chosen.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def command_line(args: list[str], commands: tuple[str, ...]) -> list[str]:
    """The arguments as the CLI takes them: with no command (or only options) `run` is meant,
    and a `--lang` before the command is given to it."""
    from screener import i18n

    args = list(args)
    # `--lang` may come before the command (`screener --lang es score FILE`): it is taken out
    # here and given to the command, like any of its options, so that it never hides which
    # command was meant.
    leading: list[str] = []
    while args and (args[0] == i18n.LANG_OPTION or args[0].startswith(i18n.LANG_OPTION + "=")):
        taken = 1 if "=" in args[0] else 2
        leading += args[:taken]
        del args[:taken]
    # Only options (or nothing) imply `run`: a mistyped command must still say so.
    implied = not args or (args[0].startswith("-") and args[0] not in ("-h", "--help"))
    if implied:
        args = ["--version"] if "--version" in args else ["run", *args]
    if leading:
        at = 1 if args[0] in commands else 0
        args[at:at] = leading
    return args


def program() -> str:
    """How to start screener again as this run was started, for a command to copy: `screener`
    when that is what the PATH finds, else the path it was started by, or `python -m screener`
    with this interpreter."""
    import shlex
    import shutil

    started = sys.argv[0] if sys.argv else ""
    if not started or started in ("-c", "-m") or Path(started).name == "__main__.py":
        return f"{shlex.quote(sys.executable)} -m screener"
    found = shutil.which("screener")
    if found is not None and os.path.realpath(found) == os.path.realpath(started):
        return "screener"
    return shlex.quote(str(Path(started).absolute()))
