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
