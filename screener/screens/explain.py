"""How a result is reached, in plain words, for a counselor's shared screen; never scores anyone.

Everything is read from the bank and from the scoring code itself (the thresholds come from
`severity_for`, the excluded criteria from `SUPERVISION_EXCLUDED`), so the explanation cannot
drift from what the screener does. Returns Rich renderables and never prints. Its words are
catalog messages (screener.i18n); ids, values and the bank's own texts fill their placeholders.
"""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from screener.core import typed
from screener.core.conditions import effective_show_if
from screener.core.conditionwords import joined, said
from screener.core.model import (
    CRITERIA,
    OTHER,
    SUPERVISION_EXCLUDED,
    WITHDRAWAL_SCALE,
    Bank,
    Role,
    Severity,
)
from screener.core.safetext import clean, did_you_mean, show_value
from screener.core.scoring import severity_for
from screener.errors import ScreenerError
from screener.i18n import N_, _, ngettext, pgettext
from screener.screens.explainother import someone_else_part
from screener.screens.explaintext import (
    Cites,
    asked_as,
    block,
    compose,
    criterion_asked,
    criterion_questions,
    referral_row,
    rule,
    when,
)
from screener.screens.render import heading, marked, meaning

HOW_IT_COUNTS = N_(
    "A criterion is met when any of its questions is answered yes, and not met when all of "
    "them are answered no. Otherwise it stays open (not answered): a skipped question is "
    "never counted as a no."
)


def thresholds() -> list[tuple[int, int | None, Severity]]:
    """(lowest, highest or None for "or more", severity) for each band, from severity_for."""
    bands: list[tuple[int, int | None, Severity]] = []
    for n in range(len(CRITERIA) + 1):
        s = severity_for(n)
        if bands and bands[-1][2] is s:
            bands[-1] = (bands[-1][0], n, s)
        else:
            bands.append((n, n, s))
    low, _high, top = bands[-1]
    bands[-1] = (low, None, top)
    return bands


def explain(bank: Bank, plain: bool = False) -> RenderableType:
    """Every rule between the answers and the result, with sources. Parts 1 to 7 are the
    screening of oneself (the bank's first perspective); a bank that also asks about someone
    else (perspective `other`) gets a part of its own for how that result is reached."""
    return Group(*(part for _name, block in explain_blocks(bank, plain) for part in block))


# The parts `explain NAME` shows alone, by the name typed for each (a criterion's key, such as
# `withdrawal`, still shows that criterion).
PART_NAMES = (
    "criteria",
    "severity",
    "prescribed",
    "withdrawal-rating",
    "skipped",
    "flags",
    "next-steps",
    "someone-else",
    "sources",
)


def explain_blocks(
    bank: Bank, plain: bool = False, only: str | None = None
) -> list[tuple[str, list[RenderableType]]]:
    """The explanation in its named parts (see PART_NAMES), after its title ("" names it), for
    the reader to keep each together; `only`: the title, that part and the sources it cites."""
    cite = Cites(bank)
    own = bank.about(next(iter(bank.perspectives), "self"))
    makers: list[tuple[str, Callable[[], list[RenderableType]]]] = [
        ("criteria", lambda: _criteria_part(own, cite, plain)),
        ("severity", lambda: _severity_part(own, cite, plain)),
        ("prescribed", lambda: _supervision_part(own, cite, plain)),
        ("withdrawal-rating", lambda: _withdrawal_part(own, cite, plain)),
        ("skipped", lambda: _skips_part(plain)),
        ("flags", lambda: _flags_part(own, cite, plain)),
        ("next-steps", lambda: _referrals_part(own, cite, plain)),
    ]
    sources = _("8. Sources")
    if OTHER in bank.perspectives and next(iter(bank.perspectives)) != OTHER:
        makers.append(("someone-else", lambda: someone_else_part(bank.about(OTHER), cite, plain)))
        sources = _("9. Sources")
    blocks: list[tuple[str, list[RenderableType]]] = [("", [_title(bank, plain)])]
    blocks += [(name, make()) for name, make in makers if only in (None, name)]
    if only is None or only == "sources":
        lead = _("Everything above rests on these (the numbers in brackets point here):")
        listing = cite.listing(plain)
    else:
        lead = _("This part rests on these (the numbers in brackets point here):")
        listing = cite.listing(plain, only_used=True)
    blocks.append(("sources", [heading(sources, plain), Text(lead), listing]))
    return blocks


def part_name(given: str) -> str | None:
    """The part of the explanation a person meant (`next-steps`, `Next_Steps`), or None."""
    name = given.strip().lower().replace("_", "-").replace(" ", "-")
    return name if name in PART_NAMES else None


def _title(bank: Bank, plain: bool) -> RenderableType:
    text = Text()
    text.append(_("How the screening reaches a result"), style="" if plain else "bold")
    text.append(
        "\n"
        + clean(
            _(
                "{title}, version {version}. This shows, step by step, what the screener does "
                "with the answers. It is a screening, not a diagnosis: only a clinician who "
                "talks with the person can diagnose."
            ).format(title=bank.title, version=bank.version)
        )
    )
    if plain:
        return text
    return Panel(text, box=box.ROUNDED, border_style="cyan")


def _criteria_part(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    parts: list[RenderableType] = [
        heading(_("1. The 11 criteria"), plain),
        Text(
            _(
                "The DSM-5 is the manual clinicians use to diagnose. Its checklist for opioid use "
                "disorder has 11 items, called criteria, all about the past 12 months. Each one "
                "below is shown with the question that looks at it. {how_it_counts}"
            ).format(how_it_counts=_(HOW_IT_COUNTS))
        ),
    ]
    rows = []
    for n, key in enumerate(CRITERIA, 1):
        rows.append((f"{n}.", _criterion_summary(bank, key, cite)))
    parts.append(marked(rows, plain))
    return parts


def _criterion_summary(bank: Bank, key: str, cite: Cites) -> Text:
    out, questions = criterion_asked(bank, key)
    if not questions:
        out.append("\n" + _("No question in this bank looks at it, so it is never met."))
    elif len(questions) > 1:
        out.append("\n" + _("Met if any of these is answered yes."))
    if key in SUPERVISION_EXCLUDED and bank.by_role(Role.PRESCRIBED_ONLY):
        out.append(
            "\n" + _("Not counted when all use was prescribed and taken as prescribed (see 3).")
        )
    out.append("\n")
    out.append_text(cite(s for q in questions for s in q.source))
    return out


def _severity_part(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    rows = []
    for low, high, severity in thresholds():
        if high is None:
            text = ngettext(
                "{low} or more criteria met: {meaning}",
                "{low} or more criteria met: {meaning}",
                low,
            )
        elif low == high:
            text = ngettext("{low} criterion met: {meaning}", "{low} criteria met: {meaning}", low)
        else:
            text = ngettext(
                "{low} to {high} criteria met: {meaning}",
                "{low} to {high} criteria met: {meaning}",
                high,
            )
        rows.append(("-", Text(text.format(low=low, high=high, meaning=meaning(severity)))))
    # The bank gives the thresholds no source of their own. They belong to the DSM checklist
    # that the criteria and the prescribed-use rule come from, so cite only what all of those
    # questions cite: an article cited beside every criterion does not state the thresholds.
    rule_questions = [q for q in bank.questions if q.criterion or q.role is Role.PRESCRIBED_ONLY]
    shared: set[str] | None = None
    for q in rule_questions:
        shared = set(q.source) if shared is None else shared & set(q.source)
    return [
        heading(_("2. From the count to a result"), plain),
        Text(_("The criteria that are met are counted, and the count gives the result:")),
        marked(rows, plain),
        Text(
            _(
                "Tolerance or withdrawal alone does not reach the threshold. Outside prescribed "
                "use, though, either one is a sign that the body has come to depend on opioids, "
                "and the result says so."
            )
        ),
        cite(shared or ()),
    ]


def _criterion_word(key: str) -> str:
    """A criterion the supervision rule leaves out, named in words ("tolerance")."""
    words = {
        "tolerance": pgettext("criterion", "tolerance"),
        "withdrawal": pgettext("criterion", "withdrawal"),
    }
    return words.get(key, key.replace("_", " "))


def _supervision_part(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    parts: list[RenderableType] = [heading(_("3. Prescribed use"), plain)]
    q = bank.by_role(Role.PRESCRIBED_ONLY)
    if q is None:
        parts.append(
            Text(_("This bank does not ask about prescribed use: every criterion counts."))
        )
        return parts
    excluded = joined(
        _("{first} and {second}"),
        [
            f"{_criterion_word(key)} ({clean(bank.criteria.get(key, key)).lower()})"
            for key in SUPERVISION_EXCLUDED
        ],
    )
    others = len(CRITERIA) - len(SUPERVISION_EXCLUDED)
    parts.append(
        Text(
            ngettext(
                "Some tolerance and withdrawal are expected when opioids are taken as prescribed, "
                "with a clinician looking after them: for example pain medicine, methadone or "
                "buprenorphine. So when all opioid use in the past 12 months was prescribed and "
                "taken as prescribed, {excluded} are not counted. The other {n} criterion still "
                "counts.",
                "Some tolerance and withdrawal are expected when opioids are taken as prescribed, "
                "with a clinician looking after them: for example pain medicine, methadone or "
                "buprenorphine. So when all opioid use in the past 12 months was prescribed and "
                "taken as prescribed, {excluded} are not counted. The other {n} criteria still "
                "count.",
                others,
            ).format(excluded=excluded, n=others)
        )
    )
    lines: list[Text | str] = [compose(_("The question: {question}"), question=asked_as(bank, q))]
    if q.overridden_if is not None:
        lines += [
            _(
                "The rule does not apply, and both are counted after all, if {condition}. Anyone "
                "who reports heroin or other non-prescribed use is not using only as prescribed, "
                "whatever the answer to this question."
            ).format(condition=said(bank, q.overridden_if)),
            rule(q.overridden_if),
        ]
    lines.append(
        _(
            "If this question is skipped and no answer rules the rule out, a yes to tolerance or "
            "withdrawal is neither counted nor dropped: it stays open and widens the range, as "
            "an unanswered criterion does, and the result says why."
        )
    )
    lines.append(cite(q.source))
    parts.append(block(*lines))
    return parts


def _withdrawal_part(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    parts: list[RenderableType] = [heading(_("4. Withdrawal right now"), plain)]
    scale = bank.scales.get(WITHDRAWAL_SCALE)
    if scale is None:
        parts.append(Text(_("This bank has no withdrawal scale.")))
        return parts
    items = [q for q in bank.questions if q.scale == WITHDRAWAL_SCALE]
    ratings = ", ".join(f"{o.value} {o.label}" for o in scale.options)
    top = scale.items * scale.top
    lines: list[Text | str] = [
        _(
            "The {scale} is optional. It asks how the person feels right now, at this moment, "
            "not over the past year, and it does not change the count of criteria."
        ).format(scale=scale.formal),
        ngettext(
            "It has {n} item, rated {ratings}. The ratings add up to a total from 0 to {top}; "
            "if some are skipped, the total is a lower bound ('at least').",
            "It has {n} items, each rated {ratings}. The ratings add up to a total from 0 to "
            "{top}; if some are skipped, the total is a lower bound ('at least').",
            scale.items,
        ).format(n=scale.items, ratings=ratings, top=top),
        _("The items: {items}.").format(items=", ".join(q.short or q.id for q in items)),
        cite(scale.source),
    ]
    if scale.bands:
        bands = "; ".join(
            f"{b.low} {b.shown}"
            if b.low == b.high
            else _("{low} to {high} {label}").format(low=b.low, high=b.high, label=b.shown)
            for b in scale.bands
        )
        lines += ["", _("Bands for the total: {bands}.").format(bands=bands)]
        if scale.band_note:
            lines.append(scale.band_note)
        else:
            lines.append(_("The bands are a convention, not a diagnosis."))
        lines.append(cite(scale.band_source, bands=True))
    for other in bank.scales.values():
        if other.id == WITHDRAWAL_SCALE or other.counted:
            continue
        extra = [q.short or q.id for q in bank.questions if q.scale == other.id]
        if extra:
            lines += [
                "",
                _("{scale}: rated the same way but not added to the total: {items}.").format(
                    scale=other.title, items=", ".join(extra)
                ),
                cite(other.source),
            ]
    parts.append(block(*lines))
    return parts


def _skips_part(plain: bool) -> list[RenderableType]:
    return [
        heading(_("5. Skipped questions"), plain),
        Text(
            _(
                "Any question can be skipped. A skipped answer is never counted as a no. A "
                "criterion whose question was skipped stays open, so the count becomes a range, "
                "for example '4 to 5 of 11 criteria (1 not answered)'. The result then gives the "
                "severity as answered, and the severity it would reach if every open criterion "
                "were a yes. A skipped question also never raises a safety flag on its own."
            )
        ),
    ]


def _flags_part(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    parts: list[RenderableType] = [
        heading(_("6. Safety flags"), plain),
        Text(
            _(
                "A safety flag marks an answer linked to a higher risk of overdose or harm. "
                "Flags do not change the count of criteria; the result lists them with why they "
                "matter."
            )
        ),
    ]
    rows = []
    lines = {h.id: h for h in bank.helplines}
    for f in bank.flags:
        raised = when(_("Raised when {condition}."), _("Raised unless {condition}."), bank, f.when)
        called = ", ".join(clean(f"{lines[h].name} ({lines[h].contact})") for h in f.call)
        shown: list[Text | str] = []
        if f.immediate:
            shown.append(
                _(
                    "Shown at once, with {lines}, right after the answer that raises it and "
                    "before the next question; the result opens with it."
                ).format(lines=called)
            )
        elif called:
            shown.append(_("The result's first screen calls {lines} first.").format(lines=called))
        if not f.overdose:
            shown.append(_("Not an overdose risk: it brings no overdose steps of its own."))
        rows.append(
            (
                "-",
                block(
                    Text(clean(f.label), style="bold"),
                    f.detail,
                    raised,
                    *shown,
                    rule(f.when),
                    cite(f.source),
                ),
            )
        )
    parts.append(marked(rows, plain))
    return parts


def _referrals_part(bank: Bank, cite: Cites, plain: bool) -> list[RenderableType]:
    parts: list[RenderableType] = [
        heading(_("7. What to do next"), plain),
        Text(
            _(
                "The result suggests next steps. Each one below is shown when its condition "
                "holds, the most urgent first (now, then soon, then when ready)."
            )
        ),
    ]
    steps = sorted(bank.referrals, key=lambda r: r.urgency.rank)
    parts.append(marked([referral_row(bank, r, cite) for r in steps], plain))
    return parts


# --- one criterion ----------------------------------------------------------------------


def criterion_key(given: str) -> str:
    """The criterion key a person meant: `7` and ` Activities_Given_Up ` both mean
    `activities_given_up`; anything else is returned as typed, for the error to name."""
    text = given.strip()
    number = typed.number(text, 1, len(CRITERIA))
    if number is not None:
        return CRITERIA[number - 1]
    lowered = text.lower().replace("-", "_").replace(" ", "_")
    return lowered if lowered in CRITERIA else given


def explain_criterion(bank: Bank, key: str, plain: bool = False) -> RenderableType:
    """One criterion in full: its questions with why they are asked and their sources. `key`
    is a criterion's key in any letter case (`Craving`), or its number in DSM order (1-11)."""
    key = criterion_key(key)
    if key not in CRITERIA:
        raise ScreenerError(
            _(
                "no criterion or part called {key}{suggestion}; give a criterion's number from "
                "1 to {count} or its key: {criteria}; or a part: {parts}"
            ).format(
                key=show_value(key),
                suggestion=did_you_mean(key, [*CRITERIA, *PART_NAMES]),
                count=len(CRITERIA),
                criteria=", ".join(CRITERIA),
                parts=", ".join(PART_NAMES),
            )
        )
    cite = Cites(bank)
    n = CRITERIA.index(key) + 1
    title = _("Criterion {n} of {total}: {criterion}").format(
        n=n, total=len(CRITERIA), criterion=bank.criteria.get(key, key)
    )
    parts: list[RenderableType] = [
        heading(title, plain),
        Text(_("Its key, as in the JSON output: {key}").format(key=key), style="dim"),
        Text(_(HOW_IT_COUNTS)),
    ]
    questions = criterion_questions(bank, key)
    if not questions:
        parts.append(Text(_("No question in this bank looks at it, so it is never met.")))
    for q in questions:
        lines: list[Text | str] = [asked_as(bank, q)]
        if q.why:
            lines.append(_("Why it is asked: {why}").format(why=q.why))
        show_if = effective_show_if(bank, q)
        if show_if is not None:
            lines.append(
                when(_("Asked when {condition}."), _("Asked unless {condition}."), bank, show_if)
            )
        lines.append(cite.titles(q.source))
        parts += [Text(""), block(*lines)]
    parts.append(Text(""))
    prescribed = bank.by_role(Role.PRESCRIBED_ONLY)
    if key in SUPERVISION_EXCLUDED and prescribed is not None:
        text = _(
            "Not counted when all opioid use in the past 12 months was prescribed and taken "
            "as prescribed: it is expected with prescribed opioids."
        )
        if prescribed.overridden_if is not None:
            after_all = _("It is counted after all if {condition}.")
            text += " " + after_all.format(condition=said(bank, prescribed.overridden_if))
        parts.append(Text(text))
    else:
        parts.append(Text(_("Counted whether or not the opioids were prescribed.")))
    return Group(*parts)
