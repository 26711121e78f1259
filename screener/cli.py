"""The command line: options in, core calls, output out, errors to exit codes; the only Typer user.

Nothing here decides what an answer means: it wires the bank, the interview, the scorer and the
renderers together, and turns every ScreenerError into one `Error: ...` line and its exit code.
"""

# No `from __future__ import annotations` here: Typer would eval every annotation string at
# each start (about 5 ms), where real annotation objects cost nothing.

import errno
import gc
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from screener import __version__
from screener.core.safetext import LINE_LIMIT, one_line
from screener.errors import AnswersError, ExitCode, Interrupted, Quit, ScreenerError
from screener.screens import streams

if TYPE_CHECKING:
    from rich.console import RenderableType

    from screener.core.model import Answers, Bank, Result

app = typer.Typer(
    name="screener",
    help=(
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

COMMANDS = ("run", "score", "questions", "validate", "demo", "explain")
MAX_WIDTH = 100

BankOption = Annotated[
    Path | None,
    typer.Option("--bank", help="Use this question bank instead of the built-in one."),
]
PlainOption = Annotated[
    bool,
    typer.Option("--plain", help="No boxes, tables or colour: better for screen readers."),
]
ExportOption = Annotated[
    list[str] | None,
    typer.Option(
        "--export",
        metavar="<path>",
        help=(
            "After the result, save a summary there, readable only by you (repeatable; - for "
            "standard output). The name gives the format: .md, .html, .txt, .json or .fhir.json."
        ),
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="<format>",
        help="md, html, txt, json or fhir: the format of every --export, whatever its name.",
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Let --export replace a file that already exists.")
]


def main(argv: list[str] | None = None) -> None:
    """Entry point: `screener` with no command (or only options) means `screener run`."""
    # Everything imported so far lives until exit: moving it out of the cyclic collector's way
    # spares each later collection, and the one at exit, from walking it again (about 10 ms
    # of a short run here). Objects are still freed and files flushed as usual.
    gc.freeze()
    streams.prepare()  # any locale can print anything; stderr never fails
    args = list(sys.argv[1:] if argv is None else argv)
    # Only options (or nothing) imply `run`: a mistyped command must still say so.
    implied = not args or (args[0].startswith("-") and args[0] not in ("-h", "--help"))
    if implied:
        args = ["--version"] if "--version" in args else ["run", *args]
    code: int | str | None = None
    stdout = sys.stdout
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
    # Output still buffered is written now, where a failure can still be one line and exit 6,
    # not at interpreter exit, where it would be "Exception ignored" and exit 120.
    sys.exit(streams.settle(code))


def _version(value: bool) -> None:
    if value:
        print(f"screener {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Show the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """A private, offline self-screening for opioid (heroin) use disorder.

    Run `screener` with no command to start. Nothing is sent anywhere, and nothing is saved
    unless you ask.
    """


def console(plain: bool = False, stderr: bool = False) -> Console:
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
    return out


@contextmanager
def guarded() -> Iterator[None]:
    """Turn what the core raises into one line on stderr and a documented exit code."""
    err = console(stderr=True)
    try:
        yield
    except Interrupted as exc:
        err.print()  # the cursor is still after the "> " prompt
        err.print(_safe_lines(exc.message), markup=False)
        raise typer.Exit(exc.exit_code) from None
    except Quit as exc:  # soft wrap: a command in it must stay whole to copy
        err.print(_safe_lines(exc.message), markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except ScreenerError as exc:
        for line in exc.message.splitlines():
            err.print(f"Error: {one_line(line, LINE_LIMIT)}", markup=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("Stopped. Nothing was saved.", markup=False)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except OSError as exc:  # standard output is a closed pipe or a full disk
        if not streams.is_output_error(exc):
            raise
        raise typer.Exit(streams.output_failed(exc)) from None


def _safe_lines(message: str) -> str:
    """The last guard before a terminal: whatever a message quotes from a file or a file name,
    nothing unprintable and no endless line gets through (names and values were already
    shortened where the message was made)."""
    return "\n".join(one_line(line, LINE_LIMIT) for line in message.splitlines())


def _export_plan(targets: list[str] | None, fmt: str | None, force: bool) -> list[tuple[str, str]]:
    """(target, format) for each --export, checked before anything is asked.

    Nobody should answer fifty questions to learn then that the folder does not exist.
    """
    if not targets:
        for given, name in ((fmt is not None, "--format"), (force, "--force")):
            if given:
                raise ScreenerError(f"{name} only applies to --export: add --export PATH")
        return []
    from screener.files import safefile
    from screener.summaries import export

    plan = [(target, export.format_for(target, fmt)) for target in targets]
    if targets.count("-") > 1:
        raise ScreenerError("--export -: standard output can take only one summary")
    seen: dict[tuple[object, ...], str] = {}  # what makes a file this one -> the name given
    for target in targets:
        if target == "-":
            continue
        safefile.check_target(Path(target), force)  # first: a link loop is its one line
        keys = safefile.same_file_keys(Path(target))
        first = next((seen[key] for key in keys if key in seen), None)
        if first is not None:
            raise ScreenerError(_same_file(target, first))
        seen.update(dict.fromkeys(keys, target))
    return plan


def _same_file(target: str, first: str) -> str:
    """Two --export names for one file: writing both would leave only the second."""
    if _spelled(target) == _spelled(first):
        return f"--export: {one_line(target)} is given twice"
    return f"--export: {one_line(target)} and {one_line(first)} are the same file"


def _spelled(target: str) -> str:
    return os.path.normcase(os.path.normpath(Path(target).absolute()))


def _to_stdout(plan: list[tuple[str, str]]) -> bool:
    """Whether one export is `-`: standard output then holds that summary alone."""
    return any(target == "-" for target, _ in plan)


def _write_exports(
    plan: list[tuple[str, str]],
    bank: "Bank",
    answers: "Answers",
    res: "Result",
    force: bool,
    notes: Console,
) -> None:
    """Write each planned export, made now; `-` goes to standard output, each file gets one
    line on `notes`."""
    if not plan:
        return
    from datetime import datetime

    from screener.core.model import Summary
    from screener.files import safefile
    from screener.summaries import export

    summary = Summary(bank, answers, res, datetime.now().astimezone())
    for target, fmt in plan:
        text = export.render(fmt, summary)
        if target == "-":
            streams.write_document(text)
        else:
            safefile.write_private(Path(target), text, force)
            notes.print(
                f"Saved {export.DESCRIPTION[fmt]} to {one_line(target)} (only you can read it).",
                markup=False,
                soft_wrap=True,
            )


def _json(data: object) -> str:
    """`data` as indented JSON for standard output: as it is where stdout takes any character,
    with \\uXXXX escapes where it does not (still valid JSON, and nothing lost)."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=not streams.unicode_ok(sys.stdout))


def _warn(lines: list[str]) -> None:
    err = console(stderr=True)
    for line in lines:
        err.print(f"Warning: {one_line(line, LINE_LIMIT)}", markup=False, soft_wrap=True)


@app.command()
def run(
    bank: BankOption = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="Start from the answers in this file and ask only what is missing.",
        ),
    ] = None,
    perspective: Annotated[
        str | None, typer.Option(help="Whose use the questions are about (the bank lists them).")
    ] = None,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
) -> None:
    """Take the screening, one question at a time (the default command)."""
    from screener.core.model import Answers, Value
    from screener.files import answers as answers_io
    from screener.files.bank import load_bank
    from screener.screens import render
    from screener.screens.interview import Interview

    interactive = sys.stdin.isatty()
    with guarded():
        plan = _export_plan(export, fmt, force)
        # With `--export -` standard output holds the summary alone: the run goes to stderr.
        out = console(plain, stderr=_to_stdout(plan))
        the_bank = load_bank(bank)
        prefill: dict[str, Value] = {}
        created: str | None = None
        persona: str | None = None  # set when the file holds a demo's fictional answers
        opening: str | None = None
        if answers is not None:
            given, warnings = answers_io.read_answers(answers, the_bank)
            _warn(warnings)
            prefill = dict(given.values)
            if prefill:
                n = len(prefill)
                opening = (
                    f"Carrying on from {one_line(str(answers))}: "
                    f"{n} answer{'s' if n != 1 else ''} kept. "
                    "Only the questions still open will be asked."
                )
            perspective = perspective or given.perspective
            created, persona = given.created, given.demo
        banner = render.demo_banner(persona)
        who = _perspective(the_bank.perspectives, perspective)
        todo = answers_io.missing(the_bank, prefill)
        if answers is not None and not todo:
            # Nothing asked: the screening is the one the file recorded, when it did.
            taken: Answers | None = Answers(
                the_bank.id, the_bank.version, who, prefill, created, persona
            )
        else:
            if answers is not None and not interactive:
                raise AnswersError(
                    [f"{answers}: no answer for: {', '.join(todo)} (answer them in a terminal)"]
                )

            def ask(prompt: str) -> str:
                line = out.input(prompt)
                if not interactive:  # echo piped answers so a transcript reads like a session
                    out.print(one_line(line, None), markup=False)
                return line

            save = save_to = None
            if interactive:  # saving part-way needs a person to confirm where
                from datetime import date
                from functools import partial

                save = partial(_save_partial, bank=the_bank, persona=persona)
                save_to = answers_io.suggest_save_path(Path.home(), date.today())

            def show(renderable: "RenderableType") -> None:
                out.print(renderable, soft_wrap=getattr(renderable, "soft_wrap", False))

            taken = Interview(
                the_bank, ask, show, who, prefill, plain, save, save_to, banner, opening
            ).run()
            if taken is not None and persona is not None:  # fictional answers stay marked
                taken = taken._replace(demo=persona)
        if taken is None:
            out.print(render.declined(the_bank, plain))
            return
        from screener.core.scoring import score  # not needed until the questions are done

        res = score(the_bank, taken)
        out.print(render.result(the_bank, res, plain, banner))
        _write_exports(plan, the_bank, taken, res, force, out)


def _save_partial(
    path: Path, answers: "Answers", replace: bool, *, bank: "Bank", persona: str | None
) -> None:
    from screener.files.answers import save_partial

    save_partial(path, answers._replace(demo=persona), bank, replace)


def _perspective(known: Mapping[str, str], wanted: str | None) -> str:
    names = list(known)
    if wanted is None:
        return names[0] if names else "self"
    if wanted not in names:
        raise ScreenerError(
            f"--perspective: {wanted!r} is not offered by this bank ({', '.join(names)})"
        )
    return wanted


@app.command("score")
def score_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Answers files (YAML or JSON): one for its full result, several for a caseload.",
            show_default=False,
        ),
    ],
    bank: BankOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    as_csv: Annotated[
        bool,
        typer.Option(
            "--csv", help="Print one CSV row per file: date, severity, count, withdrawal, flags."
        ),
    ] = False,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
) -> None:
    """Score answers files without asking anything."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="'--csv'")
    if as_csv or len(files) > 1:
        with guarded():
            if export:
                raise ScreenerError(
                    "--export writes the summary of one answers file; give one file, "
                    "or leave out --export for a caseload"
                )
            _export_plan(None, fmt, force)  # --format or --force alone: say they need --export
        _score_caseload(files, bank, "csv" if as_csv else "json" if as_json else "lines")
        return
    from screener.core.scoring import result_json, score
    from screener.files.answers import read_answers
    from screener.files.bank import load_bank

    with guarded():
        plan = _export_plan(export, fmt, force)
        to_stdout = _to_stdout(plan)
        if to_stdout and as_json:
            raise ScreenerError("--json and --export - both write to standard output: pick one")
        the_bank = load_bank(bank)
        given, warnings = read_answers(files[0], the_bank)
        _warn(warnings)
        res = score(the_bank, given)
        if as_json:
            import json

            print(json.dumps(result_json(res), indent=2))
        elif not to_stdout:  # with `--export -` standard output holds the summary alone
            from screener.screens import render

            banner = render.demo_banner(given.demo)
            console(plain).print(render.result(the_bank, res, plain, banner))
        notes = console(plain, stderr=as_json or to_stdout)
        _write_exports(plan, the_bank, given, res, force, notes)


def _score_caseload(files: list[Path], bank: Path | None, form: str) -> None:
    """Many files: a row each; a bad file is reported by name and the rest still scored."""
    from screener.files.bank import load_bank
    from screener.summaries import caseload

    with guarded():
        the_bank = load_bank(bank)
        failed = caseload.write(files, the_bank, form, sys.stdout, sys.stderr)
        if failed:
            sys.stdout.flush()
            total = len(files)
            if failed == total:
                sys.stderr.write(
                    "The file could not be scored.\n"
                    if total == 1
                    else f"None of the {total} files could be scored.\n"
                )
            else:
                which = "file" if failed == 1 else "files"
                sys.stderr.write(
                    f"{failed} of {total} {which} could not be scored (listed above); "
                    "the others were.\n"
                )
            raise typer.Exit(ExitCode.ANSWERS)


@app.command()
def questions(
    bank: BankOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the bank as JSON.")] = False,
    as_fhir: Annotated[
        bool,
        typer.Option("--fhir", help="Print the bank as a FHIR R4 Questionnaire (JSON)."),
    ] = False,
    plain: PlainOption = False,
) -> None:
    """List the questions in the bank, in the order they are asked."""
    from screener.files.bank import load_bank
    from screener.screens import listing

    with guarded():
        if as_json and as_fhir:
            raise ScreenerError("--json and --fhir cannot be used together: choose one")
        the_bank = load_bank(bank)
        if as_fhir:
            from screener.summaries import fhir

            print(_json(fhir.questionnaire(the_bank)))
        elif as_json:
            print(_json(listing.bank_json(the_bank)))
        else:
            console(plain).print(listing.bank_text(the_bank, plain))


@app.command()
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(help="The bank to check (default: the built-in one)."),
    ] = None,
) -> None:
    """Check a question bank and list every problem as FILE:LINE: path: message."""
    from screener.files.bank import load_bank

    with guarded():
        b = load_bank(path)
        n = len(b.questions)
        print(
            f"{b.path}: OK: bank {b.id} version {b.version}, {n} questions in "
            f"{len(b.sections)} sections, all 11 criteria covered."
        )


# The pause before each typed answer on a terminal: slow enough to follow, quick enough that a
# whole walk-through (about 40 answers) takes under a minute.
DEMO_PACE = 0.8
MAX_PACE = 60.0


@app.command()
def demo(
    name: Annotated[
        str | None,
        typer.Argument(help="The persona to play. Leave it out to list them.", show_default=False),
    ] = None,
    bank: BankOption = None,
    personas: Annotated[
        Path | None,
        typer.Option(
            "--personas",
            help="Use this personas file (for your own bank) instead of the built-in one.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="List the personas as JSON (for scripts).")
    ] = False,
    pace: Annotated[
        float | None,
        typer.Option(
            help=f"Seconds before each answer appears (default {DEMO_PACE} on a terminal, "
            "0 otherwise).",
            show_default=False,
        ),
    ] = None,
    step: Annotated[
        bool, typer.Option("--step", help="Wait for Enter before each answer.")
    ] = False,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
) -> None:
    """Play a fictional persona's walk-through, for a counselor to show; no name lists them."""
    import math

    from screener.files.bank import load_bank
    from screener.screens import demo as personas_io
    from screener.screens import render

    with guarded():
        plan = _export_plan(export, fmt, force)
        if plan and name is None:
            raise ScreenerError("--export saves a played demo: name the persona to play")
        # With `--export -` standard output holds the summary alone: the demo goes to stderr.
        out = console(plain, stderr=_to_stdout(plan))
        if pace is not None and not (math.isfinite(pace) and 0 <= pace <= MAX_PACE):
            raise ScreenerError(
                f"--pace: expected a number of seconds from 0 to {MAX_PACE:g}, got {pace:g}"
            )
        if as_json and name is not None:
            raise ScreenerError("--json lists the personas: leave out the name to use it")
        the_bank = load_bank(bank)
        cast = personas_io.load_personas(personas, the_bank)
        if name is None:
            if as_json:
                print(_json(personas_io.personas_json(the_bank, cast)))
            else:
                out.print(personas_io.listing(the_bank, cast, plain))
            return
        persona = personas_io.find(cast, name)
        if pace is None:
            pace = DEMO_PACE if sys.stdout.isatty() and not step else 0.0
        wait = personas_io.wait_for_enter if step else None
        if step:
            out.print(render.hint("Press Enter to show each answer. Ctrl-C stops the demo."))
        taken = personas_io.play(the_bank, persona, out, plain, pace, wait)
        from screener.core.scoring import score

        res = score(the_bank, taken)
        out.print(render.result(the_bank, res, plain, render.demo_banner(taken.demo)))
        # The summary says DEMO at the top: `taken.demo` names the persona.
        _write_exports(plan, the_bank, taken, res, force, out)


@app.command()
def explain(
    key: Annotated[
        str | None,
        typer.Argument(
            help="One criterion to show in full (like craving). Leave it out for all the rules.",
            show_default=False,
        ),
    ] = None,
    bank: BankOption = None,
    plain: PlainOption = False,
) -> None:
    """Show, in plain words, how answers become a result: criteria, thresholds, rules, sources."""
    from screener.files.bank import load_bank
    from screener.screens import explain as explaining

    with guarded():
        the_bank = load_bank(bank)
        if key is None:
            shown = explaining.explain(the_bank, plain)
        else:
            shown = explaining.explain_criterion(the_bank, key, plain)
        console(plain).print(shown)
