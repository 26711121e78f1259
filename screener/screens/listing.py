"""The bank as a listing for `screener questions`: JSON for scripts, text for people.

The JSON holds the bank's own ids and texts and is never translated; the text's labels are
catalog messages (screener.i18n), a question's kind and role among them (in English, as the bank
file spells them). Ids (a question's, an option's value) are shown as they are: they are what an
answers file holds.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from screener.core.conditions import describe
from screener.core.kinds import kind_of
from screener.core.model import Bank, Question, Role, word
from screener.core.safetext import clean
from screener.i18n import _, pgettext
from screener.screens.render import IndentedList


def bank_text(bank: Bank, plain: bool = False) -> RenderableType:
    who = next(iter(bank.perspectives))
    title = _("{title} ({id} version {version})").format(
        title=bank.title, id=bank.id, version=bank.version
    )
    parts: list[RenderableType] = [Text(clean(title), style="" if plain else "bold")]
    n = 0
    for section in bank.sections:
        parts.append(Text(f"\n{clean(section.title)}", style="" if plain else "bold cyan"))
        if section.perspective is not None and len(bank.perspectives) > 1:
            about = bank.perspectives.get(section.perspective, section.perspective)
            parts.append(Text("  " + _("(about: {who})").format(who=clean(about)), style="dim"))
        if section.show_if:
            when = _("(asked when {condition})").format(condition=describe(section.show_if))
            parts.append(Text(f"  {when}", style="dim"))
        rows = []
        for q in section.questions:
            n += 1
            rows.append((f"{n}.", _question_text(q, section.perspective or who)))
        parts.append(IndentedList(rows))
    return Group(*parts)


def _question_text(q: Question, perspective: str) -> Text:
    out = Text(clean(word(q.text, perspective)))
    tags = [kind_of(q).word()]
    if q.criterion:
        tags.append(_("criterion: {key}").format(key=q.criterion))
    if q.role:
        tags.append(_("role: {role}").format(role=_role_word(q.role)))
    if q.scale:
        tags.append(_("scale: {scale}").format(scale=q.scale))
    if q.unknown:
        tags.append(_("takes don't know"))
    out.append(f"\n[{q.id}] " + ", ".join(tags), style="dim")
    if q.options and kind_of(q).own_options:
        labels = "; ".join(f"{o.value} = {clean(o.label)}" for o in q.options)
        out.append("\n" + _("options: {options}").format(options=labels), style="dim")
    if q.show_if:
        when = _("asked when {condition}").format(condition=describe(q.show_if))
        out.append("\n" + when, style="dim")
    return out


def _role_word(role: Role) -> str:
    words = {
        Role.CONSENT: pgettext("question role", "consent"),
        Role.GATE: pgettext("question role", "gate"),
        Role.PRESCRIBED_ONLY: pgettext("question role", "prescribed_only"),
    }
    return words[role]
