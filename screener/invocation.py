"""How screener was started: the command line as the CLI takes it (which command the words
name), how to start screener again the same way, and the start-up itself (the cyclic garbage
collector held off while it runs). Asked by `screener.cli`; imports nothing of screener until
called, as `screener.launch` imports it before the language is chosen.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_held = False  # the collector is held off by `starting` and start-up is not over yet


@contextmanager
def starting() -> Iterator[None]:
    """A run of the command, its start-up first: the cyclic garbage collector is held off
    until `start_up_over()` says so (or the run ends). Start-up makes tens of thousands of
    objects that live until exit (modules, classes, the bank, the console) and next to no
    garbage cycles, and each collection walks them all again for nothing: about a twentieth
    of the CPU time to the first screen and of `score FILE --json` (benchmarks/bench.py).
    Objects are still freed as their last reference goes. When the run ends, what is left is
    moved out of the way of the collection Python makes at exit, which would walk it all for
    nothing (about a millisecond of `score FILE --json`). The collector is left as it was
    found."""
    global _held
    _held = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if _held:
            _held = False
            gc.enable()


def start_up_over() -> None:
    """Start-up is over: a person is about to type, a caseload's files are about to be read,
    or a demo is about to play. What start-up made lives until exit: it is moved out of the
    collector's way (`gc.freeze`), and the collector runs again as usual. Nothing to do
    unless `starting` holds the collector."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()


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
    import shutil
    from pathlib import Path

    started = sys.argv[0] if sys.argv else ""
    if not started or started in ("-c", "-m") or Path(started).name == "__main__.py":
        return f"{_quoted(sys.executable)} -m screener"
    found = shutil.which("screener")
    if found is not None and os.path.realpath(found) == os.path.realpath(started):
        return "screener"
    return _quoted(str(Path(started).absolute()))


def _quoted(text: str) -> str:
    """`shlex.quote(text)`, with shlex loaded only for a text that needs quotes (one with a
    character that is not an ASCII letter or digit, nor one of `@%+=:,./-_`), as few do: the
    first screen names the command to start again."""
    if text and text.isascii() and all(c.isalnum() or c in "@%+=:,./-_" for c in text):
        return text
    import shlex

    return shlex.quote(text)
