"""The neutral report every human summary is written from: headings, lists, tables, answers.

Built once from a Summary and written out by the writers (`markdown`, `html`, `text`), so the
formats hold the same things in the same order. Text here is raw bank and user text and the
program's own words, already in the language in use (`screener.i18n`; the words other outputs
share come from `screener.core.wording`): the writers clean and escape it for their format.
No I/O, no markup, no Rich.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, TypeAlias

from screener.core import seenwords, withdrawalwords, wording
from screener.core.conditions import true_leaves
from screener.core.model import OTHER, WITHDRAWAL_SCALE, Bank, Role, Status, Urgency, Value, word
from screener.core.results import Result, Summary
from screener.i18n import _, pgettext
from screener.summaries import notice as notices
from screener.summaries.notice import Banner, Notice


class Heading(NamedTuple):
    text: str
    level: int  # 1 the title, 2 a part, 3 within a part
    new_page: bool = False  # on paper, start on a new page


class Fields(NamedTuple):
    rows: tuple[tuple[str, str], ...]  # (label, value)


class Para(NamedTuple):
    text: str
    style: str = ""  # "", "strong" or "notice"


class Item(NamedTuple):
    label: str  # a bold lead-in ("Using alone"), or ""
    text: str


class Items(NamedTuple):
    items: tuple[Item, ...]
    numbered: bool = False


class Table(NamedTuple):
    """Rows under `columns`; the first column is a row number, `code` columns are identifiers."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    code: tuple[int, ...] = ()
    row_class: tuple[str, ...] = ()  # one per row, for styling (HTML only)


class QA(NamedTuple):
    number: int
    question: str
    answer: str
    given: bool  # False: "skipped" or "not answered", marked as such


class QAList(NamedTuple):
    items: tuple[QA, ...]


Block: TypeAlias = Heading | Banner | Fields | Para | Items | Table | QAList


class Document(NamedTuple):
    title: str
    language: str
    demo: bool
    blocks: tuple[Block, ...]


def build(summary: Summary, notice: Notice | None = None) -> Document:
    """The neutral document every human format is written from, saying `notice` (the export
    registry's; made here when not given): the demo banner under the title, and "not a
    diagnosis" before the result."""
    said = notices.of(summary, "summary") if notice is None else notice
    bank, answers, res = summary.bank, summary.answers, summary.result
    title = _("{title}: screening summary").format(title=bank.about(answers.perspective).title)
    blocks: list[Block] = [Heading(title, 1)]
    if said.demo is not None:
        blocks.append(said.demo)
    perspective = bank.perspectives.get(answers.perspective, answers.perspective)
    blocks.append(
        Fields(
            (
                *_dates(summary),
                (
                    _("Question bank"),
                    _("{id}, version {version}").format(id=bank.id, version=bank.version),
                ),
                (_("Perspective"), perspective),
                *_whose(answers.perspective),
            )
        )
    )
    if answers.perspective == OTHER:
        blocks.append(Para(seenwords.whose_account("summary"), "notice"))
    blocks.append(Para(said.diagnosis, "notice"))
    if not res.complete:
        blocks.append(Para(wording.not_finished(res), "notice"))
    blocks += _result(bank, res)
    if res.referrals:
        blocks.append(Heading(_("Next steps"), 2))
        blocks.append(
            Items(
                tuple(
                    Item(_next_step(r.title, r.urgency), r.text)
                    for r in (bank.referral(f.id) for f in res.referrals)
                )
            )
        )
    blocks += _emergency(bank, res)
    if res.caveats:
        blocks.append(Heading(_("Keep in mind"), 2))
        blocks.append(Items(tuple(Item("", bank.caveat(c.id).text) for c in res.caveats)))
    blocks += _questions(bank, res, answers.perspective)
    blocks.append(Heading(_("Sources"), 2))
    blocks.append(
        Items(
            tuple(
                Item("", _source(s.title, s.ref)) for s in bank.about(answers.perspective).cited()
            )
        )
    )
    return Document(title, bank.language, said.demo is not None, tuple(blocks))


def _whose(perspective: str) -> tuple[tuple[str, str], ...]:
    """Whose answers these are, and about whom. Nothing names either person, and nothing here
    could link this summary to another screening by the same person."""
    if perspective == OTHER:
        return (
            (_("Answers given by"), _("someone who knows the person (family, partner or friend)")),
            (_("About"), _("someone they care about, not named, who did not answer")),
        )
    return ((_("About"), _("the person who answered, about themselves")),)


def _next_step(title: str, urgency: Urgency) -> str:
    """A referral's title with how soon: "Talk to a clinician (soon)"."""
    return _("{title} ({urgency})").format(
        title=title, urgency=wording.urgency_label(urgency, "summary")
    )


def readable(when: datetime) -> str:
    """`21 November 2026, 23:40 (UTC+01:00)`: local time with its offset from UTC."""
    text = _("{day} {month} {year}, {time}").format(
        day=when.day, month=wording.month_name(when.month), year=when.year, time=f"{when:%H:%M}"
    )
    offset = when.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return _("{when} (UTC{offset})").format(when=text, offset=f"{sign}{hours:02d}:{mins:02d}")


def _dates(summary: Summary) -> tuple[tuple[str, str], ...]:
    made = readable(summary.created)
    taken = summary.answers.created
    if taken:
        try:
            shown = readable(datetime.fromisoformat(taken))
        except ValueError:
            shown = taken
        if shown != made:
            return ((_("Screening taken"), shown), (_("Summary made"), made))
    return ((_("Date"), made),)


def result_sentence(res: Result) -> str:
    """The result in neutral words for someone reading about the person."""
    return wording.result_sentence(res, "summary")


def _result(bank: Bank, res: Result) -> list[Block]:
    blocks: list[Block] = [Heading(_("Result"), 2), Para(result_sentence(res), "strong")]
    if res.changed_since:
        blocks.append(Para(wording.changed_since(bank, res, "summary")))
    if res.perspective == OTHER:
        return blocks + _seen(bank, res)
    if res.supervised_exclusion:
        blocks.append(
            Para(
                _(
                    "All opioid use was reported as prescribed and taken as prescribed, so "
                    "tolerance and withdrawal are not counted (the DSM-5 exclusion for use solely "
                    "under medical supervision)."
                )
            )
        )
    elif res.ids(Status.UNCERTAIN):
        blocks.append(Para(wording.uncertain_supervision("summary")))
    elif res.supervision_claimed and res.overridden_by:
        blocks.append(
            Para(
                _(
                    "All opioid use was reported as prescribed, but {reasons}, so the exclusion "
                    "for use under medical supervision does not apply: tolerance and withdrawal "
                    "are counted."
                ).format(reasons=_override_reasons(bank, res))
            )
        )
    if res.screened_out:
        return blocks
    blocks += [
        Heading(_("The 11 DSM-5 criteria"), 3),
        _criteria(bank, res),
        Heading(_("Withdrawal right now"), 3),
        Para(_withdrawal(bank, res)),
        Heading(_("Safety flags"), 3),
    ]
    blocks.append(_flags(bank, res))
    return blocks


def _seen(bank: Bank, res: Result) -> list[Block]:
    """The result about someone else: the signs seen, what is open, the risks seen. No
    severity and no withdrawal rating: the person was not asked."""
    blocks: list[Block] = []
    if res.supervised_exclusion:
        blocks.append(Para(wording.prescribed_note(res, "summary")))
    elif res.ids(Status.UNCERTAIN):
        blocks.append(Para(wording.prescribed_open_note("summary")))
    if res.screened_out:
        return blocks
    blocks += [Heading(_("The 11 signs (DSM-5 criteria), as seen by the person answering"), 3)]
    blocks.append(_criteria(bank, res))
    still_open = wording.open_sentence(res, "summary")
    if still_open:
        blocks.append(Para(still_open))
    blocks.append(Heading(_("Overdose risks seen"), 3))
    blocks.append(_flags(bank, res))
    return blocks


def _flags(bank: Bank, res: Result) -> Block:
    """The safety flags raised, each with why it matters; or a sentence saying there are none
    (or that the questions were not answered)."""
    if not res.flags:
        return Para(wording.no_flags_sentence(bank, res, "summary"))
    flags = (bank.flag(f.id) for f in res.flags)
    return Items(tuple(Item(f.label, f.detail) for f in flags))


def _override_reasons(bank: Bank, res: Result) -> str:
    """Which answers undo "all use was prescribed", in the third person."""
    q = bank.about(res.perspective).by_role(Role.PRESCRIBED_ONLY)
    if q is None or q.overridden_if is None:
        return ""
    reasons = []
    for leaf in true_leaves(q.overridden_if, res.answers):
        asked = bank.question(leaf.name)
        name = asked.short or asked.id
        if leaf.op == "contains":
            reason = _("the answer to '{question}' includes '{option}'")
        elif leaf.op == "equals":
            reason = _("the answer to '{question}' is '{option}'")
        else:
            reason = _("the answer to '{question}' says otherwise")
        option = (
            wording.option_label(asked, leaf.value) if leaf.op in ("contains", "equals") else ""
        )
        reasons.append(reason.format(question=name, option=option))
    return "; ".join(reasons)


def _answer(bank: Bank, res: Result, qid: str) -> tuple[str, bool]:
    """How an answer reads, and whether one was given (skipped and never reached are not)."""
    if qid not in res.answers:
        return wording.not_answered(), False
    value: Value = res.answers[qid]
    return wording.answer_label(bank.question(qid), value), value is not None


def _criteria(bank: Bank, res: Result) -> Table:
    rows = []
    for i, c in enumerate(res.criteria, 1):
        answers = [(bank.question(qid), _answer(bank, res, qid)[0]) for qid, _ in c.answers]
        if len(answers) == 1:
            shown = answers[0][1]
        else:
            shown = "; ".join(
                _("{question}: {answer}").format(question=q.short or q.id, answer=label)
                for q, label in answers
            )
        meaning = bank.criteria.get(c.key, c.key)
        if res.perspective == OTHER:
            status = wording.sign_status(c, res)
        else:
            status = wording.status_label(c.status)
        rows.append((str(i), meaning, c.key, status, shown or wording.not_asked()))
    columns = (
        pgettext("column", "#"),
        pgettext("column", "Criterion"),
        pgettext("column", "Key"),
        pgettext("column", "Status"),
        pgettext("column", "Answer"),
    )
    return Table(
        columns,
        tuple(rows),
        code=(2,),
        row_class=tuple(c.status.value for c in res.criteria),
    )


def _withdrawal(bank: Bank, res: Result) -> str:
    w = res.withdrawal
    scale = bank.scales[WITHDRAWAL_SCALE] if w is not None and w.answered else None
    text = withdrawalwords.withdrawal_sentence(w, scale.formal if scale else "", "summary")
    if w is None or scale is None:
        return text
    if not w.band:
        translated = withdrawalwords.translated_scale_note(bank)
        return f"{text} {translated}" if translated else text
    text += " " + withdrawalwords.band_sentence(
        w._replace(band=bank.band_text(WITHDRAWAL_SCALE, w.band))
    )
    if scale.band_note:
        text += f" {_sentence(scale.band_note)}"
    if scale.band_source:
        titles = "; ".join(_source_title(bank, s) for s in scale.band_source)
        text += " " + _("Band source: {titles}").format(titles=_sentence(titles))
    translated = withdrawalwords.translated_scale_note(bank)
    return f"{text} {translated}" if translated else text


def _emergency(bank: Bank, res: Result) -> list[Block]:
    e = bank.emergency
    blocks: list[Block] = [
        Heading(_("In an emergency"), 2),
        Para(e.title, "strong"),
        Heading(_("Signs of an overdose"), 3),
        Items(tuple(Item("", s) for s in e.signs)),
        Heading(_("What to do"), 3),
        Items(tuple(Item("", s) for s in e.steps), numbered=True),
    ]
    if e.note:
        blocks.append(Para(e.note))
    blocks.append(Heading(_("Helplines"), 3))
    blocks.append(
        Items(
            tuple(
                Item(h.name, f"{_sentence(h.contact)} {h.detail}".strip()) for h in bank.listed(res)
            )
        )
    )
    return blocks


def _questions(bank: Bank, res: Result, perspective: str) -> list[Block]:
    blocks: list[Block] = [
        Heading(_("Questions and answers"), 2, new_page=True),
        Para(
            _(
                "Every question that applied, in the order asked, with the answer given. "
                '"Skipped" means the question was skipped on purpose; "not answered" means it '
                "was never reached."
            )
        ),
    ]
    shown = set(res.shown)
    n = 0
    for section in bank.sections:
        items = []
        for q in section.questions:
            if q.id not in shown or q.role is Role.CONSENT:  # consent is never stored or shown
                continue
            n += 1
            answer, given = _answer(bank, res, q.id)
            items.append(QA(n, word(q.text, perspective), answer, given))
        if items:
            blocks += [Heading(section.title, 3), QAList(tuple(items))]
    return blocks


def _source(title: str, ref: str | None) -> str:
    """A source as a reader of the summary needs it: its title, and its reference when it has
    one; never the file it was saved as, which only `explain` shows."""
    return _("{title} ({detail})").format(title=title, detail=ref) if ref else title


def _source_title(bank: Bank, sid: str) -> str:
    s = bank.sources.get(sid)
    return s.title if s else sid


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
