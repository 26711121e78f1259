"""The command-line framework's own words (help headings, usage lines, usage errors) in the
language in use: the English Typer and its copy of Click write, and the command and group
classes that show them. Typer is used here and in cli.py only; the commands are cli.py's.

Typer looks a few words up through gettext (`Options`, `required`, `No such command ...`): cli.py
hands it the catalog's `_` for them. Click, as Typer ships it, writes its words in English
inside f-strings: `translate` takes such a message whole and gives it in the language in use,
by the English templates below, each a catalog message of its own. A message no template knows
is given as it is (a message of screener's own, already in the catalog's words).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Annotated

import typer
import typer.core
from typer import echo
from typer._click.core import Context
from typer._click.exceptions import ClickException, UsageError  # Typer's own copy of Click
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup, TyperOption

from screener import i18n
from screener.i18n import N_, _

# What Typer asks gettext for: listed here so that the catalog has them.
TYPER_WORDS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("required"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("Aborted!"),
    N_("Missing command."),
    N_("No such command {name!r}."),
)

# The usage line's pieces Click writes in English ("Usage: screener [OPTIONS] COMMAND [ARGS]...").
PIECES = {"[OPTIONS]": N_("[OPTIONS]"), "COMMAND [ARGS]...": N_("COMMAND [ARGS]...")}

# Click's and Typer's messages, as templates of their English: a {name} stands for what varies.
# A {message} is itself a message to translate; a {kind} is a type's name (KINDS). The first
# template that matches the whole message wins, so one that holds another comes first.
TEMPLATES = (
    N_("{message}. Did you mean {suggestions}?"),
    N_("{message} (Possible options: {options})"),
    N_("Invalid value for {hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("No such option: {name}"),
    N_("Option {name} requires an argument."),
    N_("Option {name} requires {n} arguments."),
    N_("Option {name} does not take a value."),
    N_("Argument {name} takes {n} values."),
    N_("Got unexpected extra argument(s) ({arguments})"),
    N_("Missing argument {hint}."),
    N_("Missing option {hint}."),
    N_("Missing parameter {hint}."),
    N_("Missing parameter: {name}"),
    N_("{value} is not a valid boolean. Recognized values: {values}"),
    N_("{value} is not a valid {kind}."),
    N_("{value} is not in the range {range}."),
    N_("Takes {n} values but {given} given."),
    N_("{n} values are required, but {given} given."),
)
KINDS = {
    "float": N_("number"),
    "integer": N_("whole number"),
    "text": N_("text"),
    "UUID": N_("UUID"),
}
_FIELD = re.compile(r"\\\{(\w+)(?:!r)?\\\}")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    return re.compile(_FIELD.sub(r"(?P<\1>.+?)", re.escape(template)) + r"\Z", re.S)


def translate(message: str) -> str:
    """A message Click or Typer wrote in English, in the language in use."""
    for template in TEMPLATES:
        found = _pattern(template).match(message)
        if found is None:
            continue
        values = found.groupdict()
        if "message" in values:
            values["message"] = translate(values["message"])
        if "kind" in values and values["kind"] in KINDS:
            values["kind"] = _(KINDS[values["kind"]])
        return _(template).format(**values)
    return message


def piece(text: str) -> str:
    """A piece of a usage line in the language in use ("[OPTIONS]"); a name as it is."""
    known = PIECES.get(text)
    return _(known) if known is not None else text


# Typer asks gettext for its few words ("Options", "required"): the catalog answers instead.
typer.core._ = i18n._  # type: ignore[attr-defined]


class _Said(UsageError):
    """A usage error of Click's or Typer's, shown as Click shows it, in the language in use."""

    def __init__(self, error: ClickException) -> None:
        super().__init__(translate(error.format_message()), getattr(error, "ctx", None))
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
            echo(f"{self.ctx.get_usage()}\n{hint}", err=True)
        echo(_("Error: {message}").format(message=self.message), err=True)


@contextmanager
def _said() -> Iterator[None]:
    try:
        yield
    except _Said:
        raise
    except ClickException as exc:
        raise _Said(exc) from None


def _write_usage(command: TyperCommand | TyperGroup, ctx: Context, out: HelpFormatter) -> None:
    pieces = [piece(p) for p in command.collect_usage_pieces(ctx)]
    out.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage: "))


def _help_option(option: TyperOption | None) -> TyperOption | None:
    if option is not None:
        option.help = _("Show this message and exit.")
    return option


class Command(TyperCommand):
    """A command whose help and usage line are in the language in use."""

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        return _help_option(super().get_help_option(ctx))


class Group(TyperGroup):
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


# --- options --------------------------------------------------------------------------------
# What each command accepts and says about it, translated as this module is imported: the
# language is chosen before that (screener.launch). The commands that take them are cli.py's.


def _version(value: bool) -> None:
    if value:
        from screener import __version__

        print(f"screener {__version__}")
        raise typer.Exit()


VersionOption = Annotated[
    bool,
    typer.Option(
        "--version", help=_("Show the version and exit."), callback=_version, is_eager=True
    ),
]

# The pause before each typed answer on a terminal: slow enough to follow, quick enough that a
# whole walk-through (about 40 answers) takes under a minute.
DEMO_PACE = 0.8
MAX_PACE = 60.0

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
AnswersOption = Annotated[
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
]
PerspectiveOption = Annotated[
    str | None,
    typer.Option(
        metavar="<self|other>",
        help=_(
            "Who the screening is about: self, or other for someone you care about (a bank "
            "may offer its own); asked first when left out."
        ),
    ),
]
FilesArgument = Annotated[
    list[str],
    typer.Argument(
        metavar=_("FILES..."),
        help=_(
            "Answers files (YAML or JSON, or FHIR QuestionnaireResponses): one for its "
            "full result, several for a caseload. A .ndjson file, or - for standard "
            "input, holds one response a line, each scored as one row of a caseload."
        ),
        show_default=False,
        # Each name as it is, a plain string: the reader says what is wrong with a file, so
        # Click need not stat ten thousand of them first, nor make a Path of each.
    ),
]
ResultJsonOption = Annotated[bool, typer.Option("--json", help=_("Print the result as JSON."))]
CsvOption = Annotated[
    bool,
    typer.Option(
        "--csv", help=_("Print one CSV row per file: date, severity, count, withdrawal, flags.")
    ),
]
BankJsonOption = Annotated[bool, typer.Option("--json", help=_("Print the bank as JSON."))]
FhirOption = Annotated[
    bool,
    typer.Option("--fhir", help=_("Print the bank as a FHIR R4 Questionnaire (JSON).")),
]
BankArgument = Annotated[
    Path | None,
    typer.Argument(
        metavar=_("[BANK]"),
        help=_("The bank to check (default: the built-in one)."),
        readable=False,
    ),
]
PersonaArgument = Annotated[
    str | None,
    typer.Argument(
        metavar=_("[NAME]"),
        help=_("The persona to play. Leave it out to list them."),
        show_default=False,
    ),
]
PersonasOption = Annotated[
    Path | None,
    typer.Option(
        "--personas",
        metavar=_("<file>"),
        help=_("Use this personas file (for your own bank) instead of the built-in one."),
        readable=False,
    ),
]
PersonasJsonOption = Annotated[
    bool, typer.Option("--json", help=_("List the personas as JSON (for scripts)."))
]
PaceOption = Annotated[
    float | None,
    typer.Option(
        metavar=_("<seconds>"),
        help=_(
            "Seconds before each answer appears (default {pace} on a terminal, 0 otherwise)."
        ).format(pace=DEMO_PACE),
        show_default=False,
    ),
]
StepOption = Annotated[bool, typer.Option("--step", help=_("Wait for Enter before each answer."))]
KeyArgument = Annotated[
    str | None,
    typer.Argument(
        metavar=_("[KEY]"),
        help=_(
            "One criterion to show in full: its key (like craving) or its number (1-11). "
            "Leave it out for all the rules."
        ),
        show_default=False,
    ),
]
