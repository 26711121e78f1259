"""The command-line framework's own words (help headings, usage lines, usage errors) in the
language in use; knows the English Typer and its copy of Click write, and nothing of Typer itself.

Typer looks a few words up through gettext (`Options`, `required`, `No such command ...`): cli.py
hands it the catalog's `_` for them. Click, as Typer ships it, writes its words in English
inside f-strings: `translate` takes such a message whole and gives it in the language in use,
by the English templates below, each a catalog message of its own. A message no template knows
is given as it is (a message of screener's own, already in the catalog's words).
"""

from __future__ import annotations

import re
from functools import cache

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
