"""The neutral report every human summary is written from: headings, lists, tables, answers.

Built once from a Summary and written out by `writers` as Markdown, HTML or plain text, so the
formats hold the same things in the same order. Text here is raw bank and user text: the writers
clean and escape it for their format. No I/O, no markup.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, TypeAlias

from screener.core.conditions import true_leaves
from screener.core.model import (
    WITHDRAWAL_SCALE,
    Bank,
    Result,
    Role,
    Summary,
    Value,
    word,
)
from screener.screens.render import (
    MEANING,
    STATUS_LABEL,
    answer_label,
    band_name,
    flag_questions_answered,
    source_title,
)

NOT_A_DIAGNOSIS = (
    "This is a screening, not a diagnosis. Only a clinician can diagnose opioid use disorder."
)
DEMO_DETAIL = (
    "These answers were made up to show how the screener works. They are not about a real person."
)
QUESTIONS_INTRO = (
    "Every question that applied, in the order asked, with the answer given. "
    '"Skipped" means the question was skipped on purpose; "not answered" means it was '
    "never reached."
)
URGENCY = {"now": "urgent", "soon": "soon", "when_ready": "when ready"}


class Heading(NamedTuple):
    text: str
    level: int  # 1 the title, 2 a part, 3 within a part
    new_page: bool = False  # on paper, start on a new page


class Banner(NamedTuple):
    """The demo notice: it must be the first thing anyone sees."""

    text: str
    detail: str


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


def build(summary: Summary) -> Document:
    """The neutral document every human format is written from."""
    bank, answers, res = summary.bank, summary.answers, summary.result
    title = f"{bank.title}: screening summary"
    blocks: list[Block] = [Heading(title, 1)]
    if answers.demo is not None:
        blocks.append(Banner(f"DEMO: fictional answers (persona {answers.demo})", DEMO_DETAIL))
    perspective = bank.perspectives.get(answers.perspective, answers.perspective)
    blocks.append(
        Fields(
            (
                *_dates(summary),
                ("Question bank", f"{bank.id}, version {bank.version}"),
                ("Perspective", perspective),
            )
        )
    )
    blocks.append(Para(NOT_A_DIAGNOSIS, "notice"))
    blocks += _result(bank, res)
    if res.referrals:
        blocks.append(Heading("Next steps", 2))
        blocks.append(
            Items(
                tuple(
                    Item(f"{r.title} ({URGENCY[r.urgency.value]})", r.text) for r in res.referrals
                )
            )
        )
    blocks += _emergency(bank)
    if res.caveats:
        blocks.append(Heading("Keep in mind", 2))
        blocks.append(Items(tuple(Item("", c.text) for c in res.caveats)))
    blocks += _questions(bank, res, answers.perspective)
    blocks.append(Heading("Sources", 2))
    blocks.append(
        Items(tuple(Item("", _source(s.title, s.file, s.ref)) for s in bank.sources.values()))
    )
    return Document(title, bank.language, answers.demo is not None, tuple(blocks))


def readable(when: datetime) -> str:
    """`21 November 2026, 23:40 (UTC+01:00)`: local time with its offset from UTC."""
    text = f"{when.day} {when:%B %Y, %H:%M}"
    offset = when.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{text} (UTC{sign}{hours:02d}:{mins:02d})"


def _dates(summary: Summary) -> tuple[tuple[str, str], ...]:
    made = readable(summary.created)
    taken = summary.answers.created
    if taken:
        try:
            shown = readable(datetime.fromisoformat(taken))
        except ValueError:
            shown = taken
        if shown != made:
            return (("Screening taken", shown), ("Summary made", made))
    return (("Date", made),)


def result_sentence(res: Result) -> str:
    """`render.summary_line` in neutral words for someone reading about the person."""
    if res.screened_out:
        return "No opioid use in the past 12 months was reported, so the criteria were not asked."
    if res.count == res.count_max:
        return f"{res.count} of 11 criteria met: {MEANING[res.severity]}."
    n = res.count_max - res.count
    head = f"{res.count} to {res.count_max} of 11 criteria met ({n} not answered)"
    if res.severity is res.severity_max:
        return f"{head}: {MEANING[res.severity]}, whatever the unanswered ones turn out to be."
    which = "it is" if n == 1 else "they are"
    low, high = band_name(res.severity), band_name(res.severity_max)
    return f"{head}: {low} on the answers given, up to {high} if {which} met."


def _result(bank: Bank, res: Result) -> list[Block]:
    blocks: list[Block] = [Heading("Result", 2), Para(result_sentence(res), "strong")]
    if res.supervised_exclusion:
        blocks.append(
            Para(
                "All opioid use was reported as prescribed and taken as prescribed, so tolerance "
                "and withdrawal are not counted (the DSM-5 exclusion for use solely under "
                "medical supervision)."
            )
        )
    elif res.supervision_claimed and res.overridden_by:
        blocks.append(
            Para(
                f"All opioid use was reported as prescribed, but {_override_reasons(bank, res)}, "
                "so the exclusion for use under medical supervision does not apply: tolerance "
                "and withdrawal are counted."
            )
        )
    if res.screened_out:
        return blocks
    blocks += [
        Heading("The 11 DSM-5 criteria", 3),
        _criteria(bank, res),
        Heading("Withdrawal right now", 3),
        Para(_withdrawal(bank, res)),
        Heading("Safety flags", 3),
    ]
    if res.flags:
        blocks.append(Items(tuple(Item(f.label, f.detail) for f in res.flags)))
    else:
        if flag_questions_answered(bank, res):
            blocks.append(Para("None of the overdose risks asked about were reported."))
        else:
            blocks.append(Para("The overdose-risk questions were not answered."))
    return blocks


def _override_reasons(bank: Bank, res: Result) -> str:
    """Which answers undo "all use was prescribed", in the third person."""
    q = bank.by_role(Role.PRESCRIBED_ONLY)
    if q is None or q.overridden_if is None:
        return ""
    reasons = []
    for leaf in true_leaves(q.overridden_if, res.answers):
        asked = bank.question(leaf.name)
        name = asked.short or asked.id
        if leaf.op == "contains":
            reasons.append(f"the answer to '{name}' includes '{asked.label_of(leaf.value)}'")
        elif leaf.op == "equals":
            reasons.append(f"the answer to '{name}' is '{asked.label_of(leaf.value)}'")
        else:
            reasons.append(f"the answer to '{name}' says otherwise")
    return "; ".join(reasons)


def _answer(bank: Bank, res: Result, qid: str) -> tuple[str, bool]:
    """How an answer reads, and whether one was given (skipped and never reached are not)."""
    if qid not in res.answers:
        return "not answered", False
    value: Value = res.answers[qid]
    return answer_label(bank.question(qid), value), value is not None


def _criteria(bank: Bank, res: Result) -> Table:
    rows = []
    for i, c in enumerate(res.criteria, 1):
        answers = [(bank.question(qid), _answer(bank, res, qid)[0]) for qid, _ in c.answers]
        if len(answers) == 1:
            shown = answers[0][1]
        else:
            shown = "; ".join(f"{q.short or q.id}: {label}" for q, label in answers)
        meaning = bank.criteria.get(c.key, c.key)
        rows.append((str(i), meaning, c.key, STATUS_LABEL[c.status], shown or "not asked"))
    return Table(
        ("#", "Criterion", "Key", "Status", "Answer"),
        tuple(rows),
        code=(2,),
        row_class=tuple(c.status.value for c in res.criteria),
    )


def _withdrawal(bank: Bank, res: Result) -> str:
    w = res.withdrawal
    if w is None:
        return "Not taken (the withdrawal rating was optional)."
    if w.answered == 0:
        return "The withdrawal rating was chosen, but every item was skipped, so there is no score."
    scale = bank.scales[WITHDRAWAL_SCALE]
    score = f"{w.score} out of {w.max}" if w.complete else f"At least {w.score} out of {w.max}"
    text = f"{score} on the {scale.title}, {w.answered} of {w.items} items answered."
    if w.band:
        band = w.band if w.complete else f"{w.band} so far"
        text += f" Band: {band}."
        if scale.band_note:
            text += f" {_sentence(scale.band_note)}"
        if scale.band_source:
            titles = "; ".join(source_title(bank, s) for s in scale.band_source)
            text += f" Band source: {_sentence(titles)}"
    return text


def _emergency(bank: Bank) -> list[Block]:
    e = bank.emergency
    blocks: list[Block] = [
        Heading("In an emergency", 2),
        Para(e.title, "strong"),
        Heading("Signs of an overdose", 3),
        Items(tuple(Item("", s) for s in e.signs)),
        Heading("What to do", 3),
        Items(tuple(Item("", s) for s in e.steps), numbered=True),
    ]
    if e.note:
        blocks.append(Para(e.note))
    blocks.append(Heading("Helplines", 3))
    blocks.append(
        Items(
            tuple(
                Item(h.name, f"{_sentence(h.contact)} {h.detail}".strip()) for h in bank.helplines
            )
        )
    )
    return blocks


def _questions(bank: Bank, res: Result, perspective: str) -> list[Block]:
    blocks: list[Block] = [
        Heading("Questions and answers", 2, new_page=True),
        Para(QUESTIONS_INTRO),
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


def _source(title: str, file: str | None, ref: str | None) -> str:
    detail = "; ".join(d for d in (file, ref) if d)
    return f"{title} ({detail})" if detail else title


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
