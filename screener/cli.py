"""The command line: options in, core calls, output out, errors to exit codes; the only Typer user.

Nothing here decides what an answer means: it wires the bank, the interview, the scorer and the
renderers together, and turns every ScreenerError into one `Error: ...` line and its exit code.
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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import typer.core
from typer._click.core import Context
from typer._click.exceptions import ClickException, UsageError  # Typer's own copy of Click
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup, TyperOption

from screener import __version__, cliwords, i18n
from screener.core.safetext import LINE_LIMIT, clean, one_line, show_value
from screener.errors import AnswersError, ExitCode, Interrupted, Quit, ScreenerError
from screener.i18n import _, either, ngettext
from screener.screens import streams

if TYPE_CHECKING:  # Rich is imported only where a screen is drawn: never on the machine paths
    from rich.console import Console, RenderableType

    from screener.core.model import Answers, Bank, Result

# Typer asks gettext for its few words ("Options", "required"): the catalog answers instead.
typer.core._ = i18n._  # type: ignore[attr-defined]


class _Said(UsageError):
    """A usage error of Click's or Typer's, shown as Click shows it, in the language in use."""

    def __init__(self, error: ClickException) -> None:
        super().__init__(cliwords.translate(error.format_message()), getattr(error, "ctx", None))
        self.exit_code = error.exit_code

    def format_message(self) -> str:
        return self.message

    def show(self, file: object = None) -> None:
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = _("Try '{command} {option}' for help.").format(
                    command=self.ctx.command_path, option=self.ctx.help_option_names[0]
                )
                hint += "\n"
            typer.echo(f"{self.ctx.get_usage()}\n{hint}", err=True)
        typer.echo(_("Error: {message}").format(message=self.message), err=True)


@contextmanager
def _said() -> Iterator[None]:
    try:
        yield
    except _Said:
        raise
    except ClickException as exc:
        raise _Said(exc) from None


def _write_usage(command: TyperCommand | TyperGroup, ctx: Context, out: HelpFormatter) -> None:
    pieces = [cliwords.piece(p) for p in command.collect_usage_pieces(ctx)]
    out.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))


def _help_option(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.help = _("Show this message and exit.")
    return option


class _Command(TyperCommand):
    """A command whose help and usage line are in the language in use."""

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _help_option(super().get_help_option(ctx))


class _Group(TyperGroup):
    """The app: its help, and every usage error of its commands, in the language in use."""

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _help_option(super().get_help_option(ctx))

    def make_context(self, *args: object, **kwargs: object) -> Context:
        with _said():
            return super().make_context(*args, **kwargs)  # type: ignore[arg-type]

    def invoke(self, ctx: Context) -> object:
        with _said():
            return super().invoke(ctx)


app = typer.Typer(
    name="screener",
    cls=_Group,
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

BankOption = Annotated[
    Path | None,
    typer.Option(
        "--bank",
        metavar=_("<file>"),
        help=_("Use this question bank instead of the built-in one."),
        # Typer would refuse a file it cannot read with a usage error (exit 2) before
        # screener's own reader could say so as a located error with the file's exit code.
        readable=False,
    ),
]
PlainOption = Annotated[
    bool,
    typer.Option("--plain", help=_("No boxes, tables or colour: better for screen readers.")),
]
ExportOption = Annotated[
    list[str] | None,
    typer.Option(
        "--export",
        metavar=_("<path>"),
        help=_(
            "After the result, save a summary there, readable only by you (repeatable; - for "
            "standard output). The name gives the format: .md, .html, .txt, .json or .fhir.json."
        ),
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar=_("<format>"),
        help=_(
            "md, html, txt, json, fhir or fhir-collection: the format of every --export, "
            "whatever its name."
        ),
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help=_("Let --export replace a file that already exists."))
]


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
            raise ScreenerError(f"--subject: {_bad_subject(value)}")
    return value


def _bad_subject(value: str) -> str:
    from screener.core.fhirnames import MAX_REFERENCE

    return _(
        "expected a reference like Patient/123, or an absolute URI, in printable characters "
        "and at most {limit} of them, got {value}"
    ).format(limit=MAX_REFERENCE, value=show_value(value))


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


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="<es|en>",
        help=_(
            "The language to use: es (Spanish) or en (English). Without it, the language "
            "comes from LANGUAGE, LC_ALL, LC_MESSAGES or LANG."
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
        metavar="<es|en>",
        help=_(
            "Write the --export summaries in this language (es or en) instead of the "
            "language of the screening."
        ),
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
    args = list(sys.argv[1:] if argv is None else argv)
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
        at = 1 if args[0] in COMMANDS else 0
        args[at:at] = leading
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


def _version(value: bool) -> None:
    if value:
        print(f"screener {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help=_("Show the version and exit."), callback=_version, is_eager=True
        ),
    ] = False,
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
    return out


def say(text: str, stream: str = "stderr") -> None:
    """One message on its own line, as it is: no Rich, no wrapping (a command or a file name in
    it stays whole to copy)."""
    out = sys.stderr if stream == "stderr" else sys.stdout
    out.write(f"{text}\n")
    out.flush()


@contextmanager
def guarded() -> Iterator[None]:
    """Turn what the core raises into one line on stderr and a documented exit code."""
    try:
        yield
    except Interrupted as exc:
        say("")  # the cursor is still after the "> " prompt
        say(_safe_lines(exc.message))
        raise typer.Exit(exc.exit_code) from None
    except Quit as exc:
        say(_safe_lines(exc.message))
        raise typer.Exit(exc.exit_code) from None
    except ScreenerError as exc:
        for line in exc.message.splitlines():
            say(_("Error: {message}").format(message=one_line(line, LINE_LIMIT)))
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        say(_("Stopped. Nothing was saved."))
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


def _export_plan(
    targets: list[str] | None,
    fmt: str | None,
    force: bool,
    language: str | None = None,
    subject: str | None = None,
) -> list[tuple[str, str]]:
    """(target, format) for each --export, checked before anything is asked.

    Nobody should answer fifty questions to learn then that the folder does not exist.
    """
    if not targets:
        given_options = (
            (fmt is not None, "--format"),
            (force, "--force"),
            (language is not None, "--export-lang"),
        )
        for given, name in given_options:
            if given:
                raise ScreenerError(
                    _("{option} only applies to --export: add --export PATH").format(option=name)
                )
        if subject is not None:
            _check_subject(subject, [])
        return []
    from screener.files import safefile
    from screener.summaries import export

    plan = [(target, export.format_for(target, fmt)) for target in targets]
    if subject is not None:
        _check_subject(subject, plan)
    if targets.count("-") > 1:
        raise ScreenerError(_("--export -: standard output can take only one summary"))
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


def _check_subject(subject: str, plan: list[tuple[str, str]]) -> None:
    """--subject names whom a FHIR export is about; it means nothing to the other formats."""
    from screener.core.fhirnames import valid_reference

    if not any(fmt.startswith("fhir") for _, fmt in plan):
        raise ScreenerError(
            _("--subject only applies to a FHIR export: add --export NAME.fhir.json")
        )
    if not valid_reference(subject):  # checked as it was parsed; this is for a direct call
        raise ScreenerError(f"--subject: {_bad_subject(subject)}")


def _same_file(target: str, first: str) -> str:
    """Two --export names for one file: writing both would leave only the second."""
    if _spelled(target) == _spelled(first):
        return _("--export: {name} is given twice").format(name=one_line(target))
    return _("--export: {name} and {other} are the same file").format(
        name=one_line(target), other=one_line(first)
    )


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
    notes: "Callable[[str], None]",
    language: str | None = None,
    bank_path: Path | None = None,
    subject: str | None = None,
) -> None:
    """Write each planned export, made now; `-` goes to standard output, each file gets one
    line on `notes`. With `language` (`--export-lang`) the summaries are in that language,
    the bank's words too, whatever the language of the screening: the answers and the result
    are ids and numbers, so they read the same in either. `subject` (from --subject) wins over
    the one the answers came with."""
    if not plan:
        return
    if subject is not None:
        answers = answers._replace(subject=subject)
    from datetime import datetime

    from screener.core.model import Summary
    from screener.files import safefile
    from screener.summaries import export

    made = datetime.now().astimezone()
    if language is not None and language != i18n.language():
        other = _bank_in(bank_path, language)  # loaded before the first question
        with i18n.speaking(language):
            summary = Summary(other, answers, res, made)
            texts = [export.render(fmt, summary) for _target, fmt in plan]
    else:
        summary = Summary(bank, answers, res, made)
        texts = [export.render(fmt, summary) for _target, fmt in plan]
    for (target, fmt), text in zip(plan, texts, strict=True):
        if target == "-":
            streams.write_document(text)
        else:
            safefile.write_private(Path(target), text, force)
            notes(
                _("Saved {what} to {name} (only you can read it).").format(
                    what=_(export.DESCRIPTION[fmt]), name=one_line(target)
                )
            )


# The bank in another language than the run's, by (bank path, language): what a summary in that
# language needs, loaded before the first question (see _load_languages).
_IN_LANGUAGE: "dict[tuple[Path | None, str], Bank | ScreenerError]" = {}


def _load_languages(
    bank_path: Path | None, languages: "list[str]", strict: bool, ahead: bool = False
) -> None:
    """Load the bank in each of `languages` other than the run's, its translation file
    included, before anything is asked: nobody should answer fifty questions to learn then
    that the Spanish file is broken. `strict` (an --export-lang given) raises the problem at
    once; otherwise it is kept, for the summary menu to say when that language is chosen.
    `ahead` (the summary menu's languages, before the first question): the built-in bank's
    prepared form, while current, is known good, and is read only when a summary asks."""
    from screener.files import prepared

    for code in languages:
        key = (bank_path, code)
        if code == i18n.language():
            continue
        if ahead and bank_path is None and prepared.current(code):
            continue
        known = _IN_LANGUAGE.get(key)
        if strict and isinstance(known, ScreenerError):
            raise known
        if known is not None:
            continue
        try:  # its problems are told in the run's language, as any other
            _IN_LANGUAGE[key] = found = _load_bank(bank_path, code)
        except ScreenerError as exc:
            _IN_LANGUAGE[key] = exc
            if strict:
                raise
            continue
        if strict and found.language != code:
            _warn(
                [
                    _(
                        "the question bank has no {language} text: its questions are in {own}"
                    ).format(
                        language=i18n.language_name(code), own=i18n.language_name(found.language)
                    )
                ]
            )


def _bank_in(bank_path: Path | None, code: str) -> "Bank":
    """The bank in `code`, as loaded before the first question (loaded now if it was not)."""
    _load_languages(bank_path, [code], strict=False)
    found = _IN_LANGUAGE.get((bank_path, code))
    if found is None:  # the run's own language
        return _bank(bank_path)
    if isinstance(found, ScreenerError):
        raise found
    return found


def _notes(out: "Console") -> "Callable[[str], None]":
    """Where a run says what it saved: its own console, unwrapped so a path stays whole."""
    return lambda text: out.print(text, markup=False, soft_wrap=True)


def _json(data: object) -> str:
    """`data` as indented JSON for standard output: as it is where stdout takes any character,
    with \\uXXXX escapes where it does not (still valid JSON, and nothing lost)."""
    import json

    return json.dumps(data, indent=2, ensure_ascii=not streams.unicode_ok(sys.stdout))


def _bank(path: Path | None) -> "Bank":
    """The bank at `path` (the built-in one by default) in the language in use, with a warning
    when it cannot speak that language, or not every one of its words."""
    wanted = i18n.language()
    the_bank = _load_bank(path, wanted)
    if the_bank.language != wanted:
        _warn(
            [
                _("the question bank has no {language} text: its questions are in {own}").format(
                    language=i18n.language_name(wanted), own=i18n.language_name(the_bank.language)
                )
            ]
        )
    elif the_bank.untranslated:
        n = len(the_bank.untranslated)
        _warn(
            [
                ngettext(
                    "{n} text of the question bank has no {language} translation yet, so it is "
                    "shown in {own} (screener validate lists it)",
                    "{n} texts of the question bank have no {language} translation yet, so they "
                    "are shown in {own} (screener validate lists them)",
                    n,
                ).format(
                    n=n,
                    language=i18n.language_name(wanted),
                    own=i18n.language_name(the_bank.languages[0]),
                )
            ]
        )
    return the_bank


def _load_bank(path: Path | None, language: str) -> "Bank":
    """The bank at `path` (the built-in one by default) in `language`, when it has it. The
    built-in bank comes from its prepared form without loading the YAML reader at all, while
    that form is current; otherwise `load_bank` reads the YAML, and says what is wrong."""
    if path is None:
        from screener.files import prepared

        ready = prepared.read(language)
        if ready is not None:
            return ready
    from screener.files.bank import load_bank

    return load_bank(path, language=language)


def _both(items: list[str]) -> str:
    """ "en and es"; "en, es and fr"."""
    *first, last = items
    if not first:
        return last
    return _("{items} and {last}").format(items=", ".join(first), last=last)


def _warn(lines: list[str]) -> None:
    for line in lines:
        say(_("Warning: {message}").format(message=one_line(line, LINE_LIMIT)))


@app.command(
    cls=_Command, help=_("Take the screening, one question at a time (the default command).")
)
def run(
    bank: BankOption = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            metavar=_("<file>"),
            help=_(
                "Start from the answers in this file (or a FHIR QuestionnaireResponse) and ask "
                "only what is missing."
            ),
            readable=False,
        ),
    ] = None,
    perspective: Annotated[
        str | None,
        typer.Option(
            metavar="<self|other>",
            help=_(
                "Who the screening is about: self, or other for someone you care about (a bank "
                "may offer its own); asked first when left out."
            ),
        ),
    ] = None,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
    subject: SubjectOption = None,
    export_lang: ExportLangOption = None,
    lang: LangOption = None,
) -> None:
    """Take the screening, one question at a time (the default command)."""
    from screener.core.model import Answers, Value
    from screener.files import answers as answers_io
    from screener.screens import render
    from screener.screens.interview import Interview

    interactive = sys.stdin.isatty()
    with guarded():
        plan = _export_plan(export, fmt, force, export_lang, subject)
        # With `--export -` standard output holds the summary alone: the run goes to stderr.
        out = console(plain, stderr=_to_stdout(plan))
        the_bank = _bank(bank)
        _IN_LANGUAGE.clear()  # as the files are now, not as an earlier call found them
        if plan and export_lang is not None:
            _load_languages(bank, [export_lang], strict=True)
        if interactive:  # the summary menu after the result offers every language
            _load_languages(bank, list(i18n.LANGUAGES), strict=False, ahead=True)
        prefill: dict[str, Value] = {}
        created: str | None = None
        persona: str | None = None  # set when the file holds a demo's fictional answers
        opening: str | None = None
        given_subject: str | None = None
        given_version: str | None = None  # the bank version the file's answers were given to
        from_fhir = False
        if answers is not None:
            given, warnings, from_fhir = answers_io.read_file(answers, the_bank)
            _warn(warnings)
            prefill = dict(given.values)
            given_subject = given.subject
            given_version = given.bank_version
            if prefill:
                n = len(prefill)
                opening = ngettext(
                    "Carrying on from {name}: {n} answer kept. "
                    "Only the questions still open will be asked.",
                    "Carrying on from {name}: {n} answers kept. "
                    "Only the questions still open will be asked.",
                    n,
                ).format(name=one_line(str(answers)), n=n)
            if perspective is not None and perspective != given.perspective:
                raise ScreenerError(
                    _(
                        "--perspective {wanted}: {name} holds answers in perspective {given}; "
                        "leave out --perspective to carry on with them"
                    ).format(
                        wanted=show_value(perspective),
                        name=one_line(str(answers)),
                        given=show_value(given.perspective),
                    )
                )
            perspective = given.perspective
            created, persona = given.created, given.demo
        banner = render.demo_banner(persona)
        who = _perspective(the_bank.perspectives, perspective)
        todo = answers_io.missing(the_bank, prefill, who)
        if answers is not None and who is not None and not todo:
            # Nothing asked: the screening is the one the file recorded, when it did.
            taken: Answers | None = Answers(
                the_bank.id, given.bank_version, who, prefill, created, persona, given_subject
            )
        else:
            if answers is not None and not interactive:
                raise AnswersError(
                    [
                        _("{name}: no answer for: {ids} (answer them in a terminal)").format(
                            name=one_line(str(answers)), ids=", ".join(todo)
                        )
                    ]
                )

            def ask(prompt: str) -> str:
                line = out.input(prompt, emoji=False)
                if not interactive:  # echo piped answers so a transcript reads like a session
                    out.print(one_line(line, None), markup=False)
                return line

            from functools import partial

            from screener.screens import reader

            save = save_to = None
            update = False
            if interactive:  # saving part-way needs a person to confirm where
                from datetime import date

                save = partial(_save_partial, bank=the_bank, persona=persona, program=_program())
                # Carrying on from a file: leaving again offers that file (replacing it is
                # asked), not a new one beside it. A FHIR response is the clinic's record, not
                # answers saved part-way: a new answers file beside it is offered instead.
                if answers is not None and not from_fhir:
                    save_to, update = answers.absolute(), True
                else:
                    folder = answers.absolute().parent if answers is not None else Path.home()
                    save_to = answers_io.suggest_save_path(folder, date.today())

            def show(renderable: "RenderableType") -> None:
                out.print(renderable, soft_wrap=getattr(renderable, "soft_wrap", False))

            taken = Interview(
                the_bank,
                ask,
                show,
                who,
                prefill,
                plain,
                save,
                save_to,
                banner,
                opening,
                program=_program() if interactive else "screener",
                pause_after_emergency=interactive,
                switch=_program() if interactive else "screener",
                pager=partial(reader.page_if_long, out, plain=plain) if interactive else None,
                update=update,
                given_version=given_version,
            ).run()
            if taken is not None and persona is not None:  # fictional answers stay marked
                taken = taken._replace(demo=persona)
            if taken is not None and given_subject is not None:
                taken = taken._replace(subject=given_subject)
        if taken is None:
            out.print(render.declined(the_bank, plain))
            return
        from screener.core.scoring import score  # not needed until the questions are done
        from screener.screens import result as result_screen

        res = score(the_bank, taken)
        # A person at a terminal reads the result page by page (the reader, with its menu);
        # output that is not a terminal gets it whole, as it always has.
        paged = interactive and out.is_terminal
        if not paged:
            out.print(result_screen.result(the_bank, res, plain, banner))
        said: list[str] = []
        notes = said.append if paged else _notes(out)
        _write_exports(plan, the_bank, taken, res, force, notes, export_lang, bank, subject)
        if interactive:  # a person is there: offer to keep a summary (never asked of a pipe)
            _after_result(the_bank, taken, res, out, plain, bool(plan), bank, banner)
        for line in said:  # under the reader's last page, where they stay on screen
            _notes(out)(line)
        if interactive and answers is not None and todo and res.complete and not from_fhir:
            _offer_to_delete(answers, out)


def _after_result(
    bank: "Bank",
    taken: "Answers",
    res: "Result",
    out: "Console",
    plain: bool,
    saved_before: bool,
    bank_path: Path | None = None,
    banner: str | None = None,
) -> None:
    """At a terminal, the result in the reader (page by page, when the output is the
    terminal): read on, go back, save a summary for a clinician (in any language screener
    speaks), see the emergency steps again, or leave."""
    from datetime import date

    from screener.screens.after import AfterResult

    def show(renderable: "RenderableType") -> None:
        out.print(renderable, soft_wrap=getattr(renderable, "soft_wrap", False))

    AfterResult(
        bank,
        taken,
        res,
        out.input,
        show,
        Path.home(),
        date.today(),
        plain,
        saved_before=saved_before,
        bank_in=lambda code: _bank_in(bank_path, code),
        banner=banner,
    ).run(out, whole=not out.is_terminal)


def _offer_to_delete(path: Path, out: "Console") -> None:
    """A screening carried on from a file is finished: the answers saved part-way need not
    stay on the disk. Asked, never done silently; Enter, Ctrl-C or end of input keep it."""
    from screener.core.kinds import is_yes, typed_no, typed_yes
    from screener.screens import render

    yes, no = typed_yes(), typed_no()
    out.print(
        render.hint(
            _(
                "You finished the screening. Delete the answers saved part-way in {path}? "
                "({yes}/{default_no})"
            ).format(path=one_line(str(path)), yes=yes, default_no=no.upper())
        )
    )
    try:
        reply = out.input("> ", emoji=False).strip().lower()
    except (EOFError, KeyboardInterrupt):
        out.print()
        reply = ""
    if is_yes(reply):
        try:
            path.unlink()
        except OSError as exc:
            say(_("Not deleted: {reason}").format(reason=exc.strerror or str(exc)))
            return
        out.print(_("Deleted {path}.").format(path=one_line(str(path))), markup=False)
    else:
        out.print(_("Kept {path}.").format(path=one_line(str(path))), markup=False)


def _program() -> str:
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


def _save_partial(
    path: Path,
    answers: "Answers",
    replace: bool,
    *,
    bank: "Bank",
    persona: str | None,
    program: str = "screener",
) -> None:
    from screener.files.answers import save_partial

    save_partial(path, answers._replace(demo=persona), bank, replace, program)


def _perspective(known: Mapping[str, str], wanted: str | None) -> str | None:
    """The perspective asked for; None when none was and the bank offers several (the run
    asks "Who is this about?")."""
    names = list(known)
    if wanted is None:
        if len(names) > 1:
            return None
        return names[0] if names else "self"
    if wanted not in names:
        raise ScreenerError(
            _("--perspective: {name} is not offered by this bank ({names})").format(
                name=show_value(wanted), names=", ".join(names)
            )
        )
    return wanted


@app.command("score", cls=_Command, help=_("Score answers files without asking anything."))
def score_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar=_("FILES..."),
            help=_(
                "Answers files (YAML or JSON, or FHIR QuestionnaireResponses): one for its "
                "full result, several for a caseload. A .ndjson file, or - for standard "
                "input, holds one response a line, each scored as one row of a caseload."
            ),
            show_default=False,
            readable=False,
        ),
    ],
    bank: BankOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print the result as JSON."))] = False,
    as_csv: Annotated[
        bool,
        typer.Option(
            "--csv", help=_("Print one CSV row per file: date, severity, count, withdrawal, flags.")
        ),
    ] = False,
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
    from screener.files.readfile import is_bulk

    if as_csv or len(files) > 1 or any(is_bulk(f) for f in files):
        with guarded():
            if export:
                raise ScreenerError(
                    _(
                        "--export writes the summary of one answers file; give one file, "
                        "or leave out --export for a caseload"
                    )
                )
            # --format, --force, --export-lang or --subject alone: say they need --export
            _export_plan(None, fmt, force, export_lang, subject)
        _score_caseload(files, bank, "csv" if as_csv else "json" if as_json else "lines")
        return
    from screener.core.scoring import result_json, score
    from screener.files.answers import read_answers

    with guarded():
        plan = _export_plan(export, fmt, force, export_lang, subject)
        to_stdout = _to_stdout(plan)
        if to_stdout and as_json:
            raise ScreenerError(_("--json and --export - both write to standard output: pick one"))
        the_bank = _bank(bank)
        _IN_LANGUAGE.clear()  # as the files are now, not as an earlier call found them
        if plan and export_lang is not None:
            _load_languages(bank, [export_lang], strict=True)
        given, warnings = read_answers(files[0], the_bank)
        _warn(warnings)
        res = score(the_bank, given)
        if as_json:
            import json

            print(json.dumps(result_json(res), indent=2))
        elif not to_stdout:  # with `--export -` standard output holds the summary alone
            from screener.screens import render
            from screener.screens import result as result_screen

            banner = render.demo_banner(given.demo)
            console(plain).print(result_screen.result(the_bank, res, plain, banner))
        stream = "stderr" if as_json or to_stdout else "stdout"
        notes = lambda text: say(text, stream)  # noqa: E731
        _write_exports(plan, the_bank, given, res, force, notes, export_lang, bank, subject)


def _score_caseload(files: list[Path], bank: Path | None, form: str) -> None:
    """Many files: a row each; a bad file is reported by name and the rest still scored."""
    from screener.files.readfile import is_bulk
    from screener.summaries import caseload

    with guarded():
        the_bank = _bank(bank)
        failed, total = caseload.write_all(files, the_bank, form, sys.stdout, sys.stderr)
        if failed and any(is_bulk(f) for f in files):
            sys.stdout.flush()  # the records of a bulk file, and any file beside them
            say(
                ngettext(
                    "{failed} of {total} records could not be scored (listed above); "
                    "the others were.",
                    "{failed} of {total} records could not be scored (listed above); "
                    "the others were.",
                    failed,
                ).format(failed=failed, total=total)
            )
            raise typer.Exit(ExitCode.ANSWERS)
        if failed:
            sys.stdout.flush()
            if failed == total:
                say(
                    ngettext(
                        "The file could not be scored.",
                        "None of the {total} files could be scored.",
                        total,
                    ).format(total=total)
                )
            else:
                say(
                    ngettext(
                        "{failed} of {total} files could not be scored (listed above); "
                        "the others were.",
                        "{failed} of {total} files could not be scored (listed above); "
                        "the others were.",
                        failed,
                    ).format(failed=failed, total=total)
                )
            raise typer.Exit(ExitCode.ANSWERS)


@app.command(cls=_Command, help=_("List the questions in the bank, in the order they are asked."))
def questions(
    bank: BankOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print the bank as JSON."))] = False,
    as_fhir: Annotated[
        bool,
        typer.Option("--fhir", help=_("Print the bank as a FHIR R4 Questionnaire (JSON).")),
    ] = False,
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
    cls=_Command,
    help=_("Check a question bank and list every problem as FILE:LINE: path: message."),
)
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar=_("[BANK]"),
            help=_("The bank to check (default: the built-in one)."),
            readable=False,
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Check a question bank and list every problem as FILE:LINE: path: message."""
    from screener.files.bank import load_bank

    with guarded():
        # Every language the bank declares: a text one of them lacks is a warning here (a run
        # shows the bank's own words for it), a mistake in a translation file a problem.
        b = load_bank(path, every_language=True)
        n = len(b.questions)
        for line in b.warnings:
            say(line)
        said = _(
            "{path}: OK: bank {id} version {version}, {n} questions in {sections} "
            "sections, all 11 criteria covered."
        )
        if len(b.languages) > 1:
            said = _(
                "{path}: OK: bank {id} version {version}, {n} questions in {sections} "
                "sections, all 11 criteria covered, in {languages}."
            )
        print(
            said.format(
                path=b.path,
                id=b.id,
                version=b.version,
                n=n,
                sections=len(b.sections),
                languages=_both(list(b.languages)),
            )
        )


@app.command(
    cls=_Command,
    help=_(
        "Print the JSON Schema (draft 2020-12) of the bank format, for editors to complete "
        "and check a bank against."
    ),
)
def schema(lang: LangOption = None) -> None:
    """Print the JSON Schema (draft 2020-12) of the bank format, for editors to complete and
    check a bank against."""
    from screener.files.prepared import SCHEMA_FILE, default_path

    with guarded():
        path = default_path(SCHEMA_FILE)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:  # a broken install: the file ships with the package
            raise ScreenerError(
                _("cannot read {name}: {reason}").format(
                    name=one_line(str(path)), reason=exc.strerror or type(exc).__name__
                )
            ) from None
        sys.stdout.write(text)


# The pause before each typed answer on a terminal: slow enough to follow, quick enough that a
# whole walk-through (about 40 answers) takes under a minute.
DEMO_PACE = 0.8
MAX_PACE = 60.0


@app.command(
    cls=_Command,
    help=_("Play a fictional persona's walk-through, for a counselor to show; no name lists them."),
)
def demo(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar=_("[NAME]"),
            help=_("The persona to play. Leave it out to list them."),
            show_default=False,
        ),
    ] = None,
    bank: BankOption = None,
    personas: Annotated[
        Path | None,
        typer.Option(
            "--personas",
            metavar=_("<file>"),
            help=_("Use this personas file (for your own bank) instead of the built-in one."),
            readable=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help=_("List the personas as JSON (for scripts)."))
    ] = False,
    pace: Annotated[
        float | None,
        typer.Option(
            metavar=_("<seconds>"),
            help=_(
                "Seconds before each answer appears (default {pace} on a terminal, 0 otherwise)."
            ).format(pace=DEMO_PACE),
            show_default=False,
        ),
    ] = None,
    step: Annotated[
        bool, typer.Option("--step", help=_("Wait for Enter before each answer."))
    ] = False,
    plain: PlainOption = False,
    export: ExportOption = None,
    fmt: FormatOption = None,
    force: ForceOption = False,
    export_lang: ExportLangOption = None,
    lang: LangOption = None,
) -> None:
    """Play a fictional persona's walk-through, for a counselor to show; no name lists them."""
    import math

    from screener.screens import demo as personas_io
    from screener.screens import render

    with guarded():
        plan = _export_plan(export, fmt, force, export_lang)
        if plan and name is None:
            raise ScreenerError(_("--export saves a played demo: name the persona to play"))
        # With `--export -` standard output holds the summary alone: the demo goes to stderr.
        out = console(plain, stderr=_to_stdout(plan))
        if pace is not None and not (math.isfinite(pace) and 0 <= pace <= MAX_PACE):
            raise ScreenerError(
                _("--pace: expected a number of seconds from 0 to {most}, got {pace}").format(
                    most=f"{MAX_PACE:g}", pace=f"{pace:g}"
                )
            )
        if as_json and name is not None:
            raise ScreenerError(_("--json lists the personas: leave out the name to use it"))
        the_bank = _bank(bank)
        _IN_LANGUAGE.clear()  # as the files are now, not as an earlier call found them
        if plan and export_lang is not None:
            _load_languages(bank, [export_lang], strict=True)
        cast = personas_io.load_personas(personas, the_bank)
        if name is None:
            if as_json:
                print(_json(personas_io.personas_json(the_bank, cast)))
            else:
                _page(out, the_bank, plain, personas_io.listing_blocks(the_bank, cast, plain))
            return
        persona = personas_io.find(cast, name)
        if pace is None:
            pace = DEMO_PACE if sys.stdout.isatty() and not step else 0.0
        wait = None
        if step:

            def wait(prompt: str) -> str:
                """The line typed at the step prompt; end of input stops the demo (130).
                A terminal has echoed it; piped input is echoed, for a transcript."""
                line = out.input(render.hint(prompt))
                if not sys.stdin.isatty():
                    out.print(one_line(line, None), markup=False)
                return line

        # Who the fictional person is, before their answers: the counselor's opening line.
        out.print(
            _("Playing {name}: {sketch}").format(name=persona.name, sketch=clean(persona.sketch)),
            markup=False,
        )
        pager = None
        if step and sys.stdin.isatty() and out.is_terminal:
            from functools import partial

            from screener.screens import reader

            pager = partial(reader.page_if_long, out, plain=plain)
        taken = personas_io.play(the_bank, persona, out, plain, pace, wait, pager=pager)
        from screener.core.scoring import score

        res = score(the_bank, taken)
        from screener.screens import result as result_screen

        banner = render.demo_banner(taken.demo)
        # At a terminal the result is read as a person reads theirs: page by page.
        paged = sys.stdin.isatty() and out.is_terminal
        if not paged:
            out.print(result_screen.result(the_bank, res, plain, banner))
        said: list[str] = []
        notes = said.append if paged else _notes(out)
        # The summary says DEMO at the top: `taken.demo` names the persona.
        _write_exports(plan, the_bank, taken, res, force, notes, export_lang, bank)
        if paged:
            _after_result(the_bank, taken, res, out, plain, bool(plan), bank, banner)
        for line in said:
            _notes(out)(line)


@app.command(
    cls=_Command,
    help=_(
        "Show, in plain words, how answers become a result: criteria, thresholds, rules, sources."
    ),
)
def explain(
    key: Annotated[
        str | None,
        typer.Argument(
            metavar=_("[KEY]"),
            help=_(
                "One criterion to show in full: its key (like craving) or its number (1-11). "
                "Leave it out for all the rules."
            ),
            show_default=False,
        ),
    ] = None,
    bank: BankOption = None,
    plain: PlainOption = False,
    lang: LangOption = None,
) -> None:
    """Show, in plain words, how answers become a result: criteria, thresholds, rules, sources."""
    from screener.screens import explain as explaining

    with guarded():
        the_bank = _bank(bank)
        part = None if key is None else explaining.part_name(key)
        out = console(plain)
        if key is None or part is not None:
            blocks = [block for _name, block in explaining.explain_blocks(the_bank, plain, part)]
            _page(out, the_bank, plain, blocks)
        else:
            out.print(explaining.explain_criterion(the_bank, key, plain))


def _page(out: "Console", bank: "Bank", plain: bool, blocks: "list[list[RenderableType]]") -> None:
    """Blocks page by page in the reader when a person is at a terminal (Enter reads on, `!`
    the emergency steps, `q` leaves); whole, as always, to a pipe or a file."""
    if not (sys.stdin.isatty() and out.is_terminal):
        from rich.console import Group

        out.print(Group(*(part for block in blocks for part in block)))
        return
    from screener.screens import reader

    reader.page_blocks(out, bank, plain, blocks)
