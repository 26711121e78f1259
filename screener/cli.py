"""The command line: options in, library calls, output out, errors to exit codes.

Nothing here decides what an answer means or how a screening goes: each command turns its
options into calls of the library (screener.api), the run flow (screener.flow) and the
renderers, and every ScreenerError into one `Error: ...` line and its exit code. With
cliwords.py (the options, and the words Typer and Click show), the only Typer user.
"""

# No `from __future__ import annotations` here: Typer would eval every annotation string at
# each start (about 5 ms), where real annotation objects cost nothing.
#
# The option and command help below is translated as this module is imported: the language is
# chosen before that (English, the catalog's source text, until a language is chosen).

import errno
import gc
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core

from screener import guard, i18n, streams
from screener.cliwords import (
    DEMO_PACE,
    MAX_PACE,
    AnswersOption,
    BankArgument,
    BankJsonOption,
    BankOption,
    Command,
    CsvOption,
    ExportOption,
    FhirOption,
    FilesArgument,
    ForceOption,
    FormatOption,
    Group,
    KeyArgument,
    PaceOption,
    PersonaArgument,
    PersonasJsonOption,
    PersonasOption,
    PerspectiveOption,
    PlainOption,
    ResultJsonOption,
    StepOption,
    VersionOption,
)
from screener.core.safetext import one_line, show_value
from screener.errors import ScreenerError
from screener.i18n import _, either
from screener.invocation import start_up_over

if TYPE_CHECKING:  # Rich is imported only where a screen is drawn: never on the machine paths
    from rich.console import Console

    from screener import api, exports, flow
    from screener.core.model import Bank

app = typer.Typer(
    name="screener",
    cls=Group,
    help=_(
        "A private, offline self-screening for opioid (heroin) use disorder. "
        "Run with no command to start the screening. Nothing is sent, and nothing is saved "
        "unless you ask."
    ),
    add_completion=False,
    rich_markup_mode=None,  # plain help and usage errors: no boxes for screen readers or pipes
    no_args_is_help=False,
    pretty_exceptions_show_locals=False,  # locals hold the person's answers
    context_settings={"help_option_names": ["-h", "--help"]},
)

COMMANDS = ("run", "score", "questions", "validate", "schema", "demo", "explain")
MAX_WIDTH = 100


def _subject(value: str | None) -> str | None:
    """`--subject`, checked as a FHIR reference when it is parsed: a control character or a
    byte the locale cannot read would otherwise reach the export, or fail there as if the
    file name were wrong."""
    if value is None:  # Click asks even when it was not given
        return value
    from screener.core.fhirnames import valid_reference

    if not valid_reference(value):
        # One line, as the other --subject mistakes are said (not Click's usage block).
        with guarded():
            from screener.exports import bad_subject

            raise ScreenerError(f"--subject: {bad_subject(value)}")
    return value


SubjectOption = Annotated[
    str | None,
    typer.Option(
        "--subject",
        metavar=_("<reference>"),
        help=_("Whom the screening is about, for a FHIR export: a reference such as Patient/123."),
        callback=_subject,
    ),
]


def _language(value: str | None) -> str | None:
    """`--lang`: speak that language from here on (the entry point has already chosen it from
    the command line, before this module's help was translated; this covers a direct call)."""
    if value is not None:
        i18n.use(_check_language(value, "--lang"))
    return value


def _check_language(value: str, option: str) -> str:
    if value not in i18n.LANGUAGES:
        raise typer.BadParameter(
            _("{value} is not a language screener speaks; use {languages}").format(
                value=show_value(value), languages=either(list(i18n.LANGUAGES))
            ),
            param_hint=f"'{option}'",
        )
    return value


def _export_language(value: str | None) -> str | None:
    return None if value is None else _check_language(value, "--export-lang")


# The languages as the options' help lists them, English (the source text) last: read from the
# catalogs, so a language added as files is offered here too.
_OFFERED = [*(code for code in i18n.LANGUAGES if code != i18n.SOURCE), i18n.SOURCE]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar=f"<{'|'.join(_OFFERED)}>",
        help=_(
            "The language to use: {languages}. Without it, the language comes from LANGUAGE, "
            "LC_ALL, LC_MESSAGES or LANG."
        ).format(
            languages=i18n.either(
                [
                    _("{code} ({language})").format(code=code, language=i18n.language_name(code))
                    for code in _OFFERED
                ]
            )
        ),
        callback=_language,
        is_eager=True,
        show_default=False,
    ),
]
ExportLangOption = Annotated[
    str | None,
    typer.Option(
        "--export-lang",
        metavar=f"<{'|'.join(_OFFERED)}>",
        help=_(
            "Write the --export summaries in this language ({languages}) instead of the "
            "language of the screening."
        ).format(languages=i18n.either(_OFFERED)),
        callback=_export_language,
        show_default=False,
    ),
]


def main(argv: list[str] | None = None) -> None:
    """Entry point: `screener` with no command (or only options) means `screener run`."""
    # Everything imported so far lives until exit: moving it out of the cyclic collector's way
    # spares each later collection, and the one at exit, from walking it again (about 10 ms
    # of a short run here). Objects are still freed and files flushed as usual.
    gc.freeze()
    streams.prepare()  # any locale can print anything; stderr never fails
    from screener.invocation import command_line

    args = command_line(list(sys.argv[1:] if argv is None else argv), COMMANDS)
    code: int | str | None = None
    stdout = sys.stdout
    every = app.registered_commands
    if args[0] in COMMANDS:
        # Typer builds a command from each function's signature as it starts: only the one
        # asked for is built (a few milliseconds of every start), the others as usual for
        # the overall help or a mistyped name.
        app.registered_commands = [c for c in every if _command_name(c) == args[0]]
    try:
        app(args=args, prog_name="screener")
    except SystemExit as exc:
        code = exc.code
        if sys.stdout is not stdout:
            # Typer's own answer to a closed pipe while it printed the help or the version:
            # stdout swapped for a quiet wrapper, and exit 1, the code for "you chose to quit".
            sys.stdout = stdout
            code = streams.output_failed(BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE)))
    except OSError as exc:  # writing the help, the version or a usage message
        if not streams.is_output_error(exc):
            raise
        code = streams.output_failed(exc)
    finally:
        app.registered_commands = every
    # Output still buffered is written now, where a failure can still be one line and exit 6,
    # not at interpreter exit, where it would be "Exception ignored" and exit 120.
    sys.exit(streams.settle(code))


def _command_name(command: "typer.models.CommandInfo") -> str:
    callback = command.callback
    return command.name or (callback.__name__ if callback is not None else "")


@app.callback()
def _root(
    version: VersionOption = False,
    lang: LangOption = None,
) -> None:
    """A private, offline self-screening for opioid (heroin) use disorder.

    Run `screener` with no command to start. Nothing is sent anywhere, and nothing is saved
    unless you ask.
    """


def console(plain: bool = False, stderr: bool = False) -> "Console":
    from rich.console import Console

    out = Console(
        stderr=stderr,
        highlight=False,
        emoji=False,
        no_color=True if plain else None,  # None: Rich honours NO_COLOR and TERM=dumb itself
        color_system=None if plain else "auto",  # plain: no escape codes at all, bold included
    )
    if out.width > MAX_WIDTH:  # long lines are hard to read
        out.width = MAX_WIDTH
    # Rich would exit 1 on a closed pipe, the code for "you chose to quit": raise it instead,
    # for `guarded()` to turn into exit code 6 like any output that cannot be written.
    out.on_broken_pipe = streams.broken_pipe  # type: ignore[method-assign]
    read = out.input

    def first_read(*args: Any, **kwargs: Any) -> str:
        """Start-up is over once a person is asked to type (screener.invocation)."""
        start_up_over()
        return read(*args, **kwargs)

    out.input = first_read  # type: ignore[method-assign]
    return out


say = guard.say


def guarded() -> AbstractContextManager[None]:
    """Turn what the core raises into one line on stderr and a documented exit code."""
    return guard.guarded(typer.Exit)


def _terminal(out: "Console", interactive: bool) -> "flow.Terminal":
    """The terminal a run talks to, for the run flow: this console, its line reader, and how
    to start screener again (for the command that carries on)."""
    from screener import flow, invocation

    return flow.Terminal(
        out,
        lambda prompt: out.input(prompt, emoji=False),
        interactive,
        program=invocation.program() if interactive else "screener",
        say=say,
    )


def _plan(
    export: list[str] | None,
    fmt: str | None,
    force: bool,
    export_lang: str | None,
    subject: str | None = None,
) -> "exports.Plan | None":
    """The `--export` plan, checked before anything is asked; None when no option of it was
    given (then the plan's module is not even loaded)."""
    if not export and fmt is None and not force and export_lang is None and subject is None:
        return None
    from screener import exports

    return exports.plan(export, fmt, force, export_lang, subject)


def _banks(path: Path | None, plan: "exports.Plan | None") -> "api.Banks":
    """The bank in other languages than the run's: with --export-lang, loaded now (nobody
    should answer fifty questions to learn then that the Spanish file is broken)."""
    from screener import api

    banks = api.Banks(path)
    if plan is not None and plan.exports and plan.language is not None:
        _warn(banks.load([plan.language], strict=True))
    return banks


def _json(data: object) -> str:
    """`data` as indented JSON for standard output: as it is where stdout takes any character,
    with \\uXXXX escapes where it does not (still valid JSON, and nothing lost)."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=not streams.unicode_ok(sys.stdout))


def _bank(path: Path | None) -> "Bank":
    """The bank at `path` (the built-in one by default) in the language in use, with a warning
    when it cannot speak that language, or not every one of its words."""
    from screener import api

    the_bank = api.load_bank(path)
    _warn(api.bank_warnings(the_bank))
    return the_bank


_warn = guard.warn


@app.command(
    cls=Command,
    help=_("Take the screening, one question at a time (the default command)."),
)
def run(
    bank: BankOption = None,
    answers: AnswersOption = None,
    perspective: PerspectiveOption = None,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
    subject: SubjectOption = None,
    export_lang: ExportLangOption = None,
    lang: LangOption = None,
) -> None:
    """Take the screening, one question at a time (the default command)."""
    from screener import flow

    interactive = sys.stdin.isatty()
    with guarded():
        plan = _plan(export, fmt, force, export_lang, subject)
        # With `--export -` standard output holds the summary alone: the run goes to stderr.
        out = console(plain, stderr=plan is not None and plan.to_stdout)
        the_bank = _bank(bank)
        banks = _banks(bank, plan)
        if interactive:  # the summary menu after the result offers every language
            banks.load(list(i18n.LANGUAGES), strict=False, ahead=True)
        options = flow.Options(the_bank, banks, answers, perspective, plain, plan)
        flow.run(options, _terminal(out, interactive))


@app.command("score", cls=Command, help=_("Score answers files without asking anything."))
def score_cmd(
    files: FilesArgument,
    bank: BankOption = None,
    as_json: ResultJsonOption = False,
    as_csv: CsvOption = False,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
    subject: SubjectOption = None,
    export_lang: ExportLangOption = None,
    lang: LangOption = None,
) -> None:
    """Score answers files without asking anything."""
    if as_json and as_csv:
        raise typer.BadParameter(_("choose one of --json and --csv"), param_hint="'--csv'")
    from screener.files.readfile import any_bulk

    if as_csv or len(files) > 1 or any_bulk(files):
        _no_export(export, fmt, force, export_lang, subject)
        _score_caseload(files, bank, "csv" if as_csv else "json" if as_json else "lines")
        return
    from screener import api

    with guarded():
        plan = _plan(export, fmt, force, export_lang, subject)
        to_stdout = plan is not None and plan.to_stdout
        if to_stdout and as_json:
            raise ScreenerError(_("--json and --export - both write to standard output: pick one"))
        the_bank = _bank(bank)
        banks = _banks(bank, plan)
        given, warnings, _fhir = api.read_answers(Path(files[0]), the_bank)
        _warn(warnings)
        res = api.score(the_bank, given)
        if as_json:
            import json

            from screener.core.scoring import result_json

            print(json.dumps(result_json(res), indent=2))
        elif not to_stdout:  # with `--export -` standard output holds the summary alone
            from screener.screens import render
            from screener.screens import result as result_screen

            banner = render.demo_banner(given.demo)
            console(plain).print(result_screen.result(the_bank, res, plain, banner))
        if plan is not None:
            from screener import exports

            stream = "stderr" if as_json or to_stdout else "stdout"
            notes = lambda text: say(text, stream)  # noqa: E731
            exports.write(plan, the_bank, given, res, notes, banks)


def _no_export(
    export: list[str] | None, fmt: str | None, force: bool, lang: str | None, subject: str | None
) -> None:
    """A caseload writes rows: --export is refused; --format and the like alone need it."""
    with guarded():
        if export:
            raise ScreenerError(
                _(
                    "--export writes the summary of one answers file; give one file, "
                    "or leave out --export for a caseload"
                )
            )
        _plan(None, fmt, force, lang, subject)


def _score_caseload(files: list[str], bank: Path | None, form: str) -> None:
    """Many files: a row each; a bad file is reported by name and the rest still scored."""
    from screener import scoremany

    with guarded():
        code = scoremany.caseload(files, bank, form)
    if code:
        raise typer.Exit(code)


@app.command(cls=Command, help=_("List the questions in the bank, in the order they are asked."))
def questions(
    bank: BankOption = None,
    as_json: BankJsonOption = False,
    as_fhir: FhirOption = False,
    plain: PlainOption = False,
    lang: LangOption = None,
) -> None:
    """List the questions in the bank, in the order they are asked."""

    with guarded():
        if as_json and as_fhir:
            raise ScreenerError(_("--json and --fhir cannot be used together: choose one"))
        the_bank = _bank(bank)
        if as_fhir:
            from screener.summaries import fhir

            print(_json(fhir.questionnaire(the_bank)))
        elif as_json:
            from screener.summaries.bankjson import bank_json

            print(_json(bank_json(the_bank)))
        else:
            from screener.screens import listing

            console(plain).print(listing.bank_text(the_bank, plain))


@app.command(
    cls=Command,
    help=_("Check a question bank and list every problem as FILE:LINE: path: message."),
)
def validate(
    path: BankArgument = None,
    lang: LangOption = None,
) -> None:
    """Check a question bank and list every problem as FILE:LINE: path: message."""
    from screener import api

    with guarded():
        checked = api.validate_bank(path)
        for line in checked.warnings:
            say(line)
        print(api.bank_ok(checked))


@app.command(
    cls=Command,
    help=_(
        "Print the JSON Schema (draft 2020-12) of the bank format, for editors to complete "
        "and check a bank against."
    ),
)
def schema(lang: LangOption = None) -> None:
    """Print the JSON Schema (draft 2020-12) of the bank format, for editors to complete and
    check a bank against."""
    from screener import api

    with guarded():
        sys.stdout.write(api.bank_schema())


@app.command(
    cls=Command,
    help=_("Play a fictional persona's walk-through, for a counselor to show; no name lists them."),
)
def demo(
    name: PersonaArgument = None,
    bank: BankOption = None,
    personas: PersonasOption = None,
    as_json: PersonasJsonOption = False,
    pace: PaceOption = None,
    step: StepOption = False,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
    export_lang: ExportLangOption = None,
    lang: LangOption = None,
) -> None:
    """Play a fictional persona's walk-through, for a counselor to show; no name lists them."""
    import math

    from screener import flow
    from screener.screens import demo as personas_io
    from screener.screens import reader

    with guarded():
        plan = _plan(export, fmt, force, export_lang)
        if plan is not None and plan.exports and name is None:
            raise ScreenerError(_("--export saves a played demo: name the persona to play"))
        # With `--export -` standard output holds the summary alone: the demo goes to stderr.
        out = console(plain, stderr=plan is not None and plan.to_stdout)
        if pace is not None and not (math.isfinite(pace) and 0 <= pace <= MAX_PACE):
            raise ScreenerError(
                _("--pace: expected a number of seconds from 0 to {most}, got {pace}").format(
                    most=f"{MAX_PACE:g}", pace=f"{pace:g}"
                )
            )
        if as_json and name is not None:
            raise ScreenerError(_("--json lists the personas: leave out the name to use it"))
        the_bank = _bank(bank)
        banks = _banks(bank, plan)
        cast = personas_io.load_personas(personas, the_bank)
        if name is None:
            if as_json:
                print(_json(personas_io.personas_json(the_bank, cast)))
            else:
                blocks = personas_io.listing_blocks(the_bank, cast, plain)
                reader.page_or_print(out, the_bank, plain, blocks, sys.stdin.isatty())
            return
        persona = personas_io.find(cast, name)
        if pace is None:
            pace = DEMO_PACE if sys.stdout.isatty() and not step else 0.0
        wait = _step_reader(out) if step else None
        options = flow.Options(the_bank, banks, plain=plain, exports=plan)
        terminal = flow.Terminal(out, out.input, sys.stdin.isatty(), say=say)
        start_up_over()  # the walk-through plays from here, for as long as it takes
        flow.play(options, terminal, persona, pace, wait)


def _step_reader(out: "Console") -> "Callable[[str], str]":
    """With --step: the line typed at the step prompt; end of input stops the demo (130)."""
    from screener.screens import render

    def wait(prompt: str) -> str:
        """A terminal has echoed the line; piped input is echoed, for a transcript."""
        line = out.input(render.hint(prompt))
        if not sys.stdin.isatty():
            out.print(one_line(line, None), markup=False)
        return line

    return wait


@app.command(
    cls=Command,
    help=_(
        "Show, in plain words, how answers become a result: criteria, thresholds, rules, sources."
    ),
)
def explain(
    key: KeyArgument = None,
    bank: BankOption = None,
    plain: PlainOption = False,
    lang: LangOption = None,
) -> None:
    """Show, in plain words, how answers become a result: criteria, thresholds, rules, sources."""
    from screener.screens import explain as explaining
    from screener.screens import reader

    with guarded():
        the_bank = _bank(bank)
        part = None if key is None else explaining.part_name(key)
        out = console(plain)
        if key is None or part is not None:
            blocks = [block for _name, block in explaining.explain_blocks(the_bank, plain, part)]
            reader.page_or_print(out, the_bank, plain, blocks, sys.stdin.isatty())
        else:
            out.print(explaining.explain_criterion(the_bank, key, plain))
