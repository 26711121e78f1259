"""`screener score` over many files, started without Typer: what a clinic's caseload runs.

A caseload's command line is nothing but file names and a few options, and Typer costs a
caseload more than its help is worth there: importing it and building the command takes about
30 ms, and Click takes a few microseconds over each of 10,000 file names. So `launch` hands a
command line of only `score`, file names, `--csv` or `--json`, `--lang LANG` and `--bank FILE`
straight to `main` here; any other command line (help, any other option, a name that begins
with `-`, a mistake) goes to Typer as before, which says what is wrong with it. Both run the
same `caseload`, and end the same way (`screener.guard`): the same output and exit codes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple, NoReturn

from screener import guard, i18n, streams
from screener.errors import ExitCode
from screener.invocation import start_up_over

COMMAND = "score"


class Plan(NamedTuple):
    files: list[str]
    form: str  # csv, json or lines
    bank: Path | None


def plan(args: list[str]) -> Plan | None:
    """The caseload `args` (as the CLI takes them, the command first) ask for, when they are
    that simple; None for anything Typer should read."""
    if not args or args[0] != COMMAND:
        return None
    head, tail = _options_first(args[1:])
    files: list[str] = []
    forms: set[str] = set()
    bank: Path | None = None
    rest = iter(head)
    for arg in rest:
        if arg in ("--csv", "--json"):
            forms.add(arg[2:])
        elif arg == i18n.LANG_OPTION or arg == "--bank":
            value = next(rest, "")
            if not value or value.startswith("-"):
                return None  # Typer says what is missing
            if arg == "--bank":
                bank = Path(value)
            elif value not in i18n.LANGUAGES:
                return None
        elif arg.startswith((i18n.LANG_OPTION + "=", "--bank=")):
            option, _eq, value = arg.partition("=")
            if option == "--bank" and value:
                bank = Path(value)
            elif option == "--bank" or value not in i18n.LANGUAGES:
                return None
        elif arg.startswith("-"):  # any other option, `-` (standard input), `--`: Typer's
            return None
        else:
            files.append(arg)
    files += tail
    if not files or len(forms) > 1:
        return None
    form = forms.pop() if forms else "lines"
    if form != "csv" and len(files) == 1:
        from screener.files.readfile import is_bulk

        if not is_bulk(files[0]):  # one file's whole result, or its summary: Typer's
            return None
    return Plan(files, form, bank)


def _options_first(given: list[str]) -> tuple[list[str], list[str]]:
    """`given` cut after its last argument that begins with `-` (and that option's value):
    options come first on most command lines, and the names after the last one are taken at
    once, with one look over all of them, not one by one."""
    joined = "\n" + "\n".join(given)
    last = joined.rfind("\n-")  # where the last argument that begins with - starts
    # Up to it; a line break inside a name only moves the cut later, which is safe.
    cut = 0 if last < 0 else min(joined.count("\n", 0, last + 1), len(given))
    if cut and given[cut - 1] in (i18n.LANG_OPTION, "--bank"):
        cut += 1  # and its value
    return given[:cut], given[cut:]


def caseload(files: list[str], bank: Path | None, form: str) -> int:
    """Many files: a row each (`form`: csv, json or lines) on standard output; a file that
    cannot be scored is named on stderr and the rest are still scored. The exit code: 0, or
    ExitCode.ANSWERS when a file could not be scored. Raises what the guard turns into one
    line and its exit code (a bank that cannot be read, say)."""
    from screener import api
    from screener.files.readfile import any_bulk

    the_bank = api.load_bank(bank)
    guard.warn(api.bank_warnings(the_bank))
    bulk = any_bulk(files)
    start_up_over()  # the files are read from here on
    failed, total = api.score_caseload(files, the_bank, form, sys.stdout, sys.stderr)
    last = api.caseload_failures(failed, total, bulk)
    if last is None:
        return 0
    sys.stdout.flush()  # the rows scored, before the line that counts the others
    guard.say(last)
    return ExitCode.ANSWERS


def main(chosen: Plan) -> NoReturn:
    """Run the caseload `plan` gave, as the Typer command would, and exit."""
    streams.prepare()  # any locale can print anything; stderr never fails
    code: int | str | None
    try:
        with guard.guarded(SystemExit):
            code = caseload(chosen.files, chosen.bank, chosen.form)
    except SystemExit as exc:
        code = exc.code
    sys.exit(streams.settle(code))
