"""Which questions apply, section by section, made once per shape of the answers and kept with
the bank view; with what scoring needs of them. Pure: no I/O.

`screener.core.conditions.applicable` walks every question's conditions for every set of
answers. Here a section's walk is made once per shape: the truth of the leaves its questions'
`show_if` test ("is `use_any` yes?", "does `opioids_which` hold heroin?"), each leaf read over
the answers that count so far for a question of an earlier section, or over the answers as
given for a question of the section itself. That is enough to tell what the walk through the
section finds: a leaf on a question of the section reads, in the walk, its answer when the
question applies and has been reached (and a leaf is false on a question not answered), which
is the truth over the answers as given when the walk has shown that question before, and
false otherwise; and what the walk has shown before is itself found from the same leaves.

Answers come in many shapes as a whole (the benchmark's thousand answer sets in several
hundred), but each section in a few: the walk of a section is made from its shape once, and
what the whole needs is put together from the sections' parts. The answers the conditions
read (`show_if`, flags, the gate, "all use was prescribed" and what overrides it) are kept as
they count, so every condition reads them as the walk would. A section's answers of unusual
shapes (hostile files) cannot grow memory: past `LIMIT` shapes of one section, a part is made
and not kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from operator import itemgetter
from typing import Any, NamedTuple, TypeAlias

from screener.core.conditions import Together, applicable, check, function_of
from screener.core.model import (
    CRITERIA,
    WITHDRAWAL_SCALE,
    AllOf,
    AnyOf,
    Bank,
    Condition,
    Leaf,
    Not,
    Question,
    Role,
    Section,
    Value,
)

# How many shapes of one section a bank view keeps (a section of the default bank comes in a
# few dozen at most); past it, a section's part is made for the answers at hand and dropped.
LIMIT = 1024

_NO_ORDER: Mapping[str, Sequence[str]] = {}  # show_if and flags test answers only


class Part(NamedTuple):
    """What applies of one section to answers of one shape, and what scoring needs of it."""

    order: tuple[str, ...]  # the ids of the questions that apply, in the bank's order
    ids: frozenset[str]  # the same
    asked: frozenset[str]  # the same, consent aside: answered all, nothing is left unreached
    consents: tuple[str, ...]  # the same, of the consent questions
    reads: tuple[str, ...]  # the ids of those that apply that a condition reads
    # Each criterion's questions that apply, in CRITERIA order; None when there are none.
    feeds: tuple[tuple[Question, ...], ...] | None
    # The same, by how many: the questions of the criteria with one each (in CRITERIA
    # order), the criteria with none, and the others with theirs.
    single: tuple[str, ...]
    none: frozenset[str]
    several: tuple[tuple[str, tuple[Question, ...]], ...]
    withdrawal: tuple[str, ...]  # the withdrawal scale's items that apply, in order
    prescribed: bool  # "all use was prescribed" applies
    scored: bool  # any of the three above: what a row's counts look at


class Found(NamedTuple):
    """What applies to a set of answers."""

    parts: list[Part]  # the parts of the sections that apply, in order
    # What the conditions read: the answers that count, or at least those a condition reads
    # (the answers as given, when every one counts).
    read: Mapping[str, Value]
    flags: tuple[bool, ...]  # whether each of the bank's flags holds, in the bank's order
    complete: bool  # every question that applies (consent aside) is answered


# What `_quick`'s walk finds: the parts of the sections that apply, how many questions they
# ask (consent aside), and their consent questions.
Walked: TypeAlias = tuple[list[Part], int, tuple[str, ...]]


class _Section:
    """A section as its shapes are told apart, and its parts made so far."""

    __slots__ = ("at", "check", "ids", "inner", "kept", "outer", "places", "section")

    def __init__(self, section: Section) -> None:
        self.section = section
        self.ids = frozenset(q.id for q in section.questions)
        self.check = None if section.show_if is None else check(section.show_if)
        # The leaves of its questions' show_if: those on a question of another section (read
        # over the answers that count so far) and those on one of its own (read as given).
        # Told apart by their repr, not by equality: `equals: 1` is not `equals: true`.
        outer: dict[str, Leaf] = {}
        inner: dict[str, Leaf] = {}
        for q in section.questions:
            for leaf in _leaves(q.show_if):
                (inner if leaf.name in self.ids else outer).setdefault(repr(leaf), leaf)
        self.outer = tuple(outer.values())
        self.inner = tuple(inner.values())
        self.kept: dict[tuple[bool, ...], Part] = {}
        # Where the truths read at once over the answers as given hold its show_if's, and
        # its leaves' (outer, then inner: its shape): set by the plan.
        self.at: int | None = None
        self.places: tuple[int, ...] = ()

    def read_from(self, together: Together) -> None:
        show_if = self.section.show_if
        self.at = None if show_if is None else together.place(show_if)
        self.places = tuple(together.place(leaf) for leaf in (*self.outer, *self.inner))


def picker(at: tuple[int, ...]) -> Callable[[Sequence[bool]], tuple[bool, ...]]:
    """The truths at `at`, as a tuple."""
    if len(at) >= 2:
        return itemgetter(*at)  # a tuple, for two or more
    if at:
        (one,) = at
        return lambda truths: (truths[one],)
    return lambda truths: ()


class _Plan(NamedTuple):
    sections: tuple[_Section, ...]
    # `_quick`'s walk through the sections, given the truths.
    walk: Callable[[Sequence[bool]], Walked | None]
    # The sections' show_if, their questions' leaves and the flags' `when`, read at once;
    # the flags' truths picked out in the bank's order.
    truths: Together
    flags: Callable[[Sequence[bool]], tuple[bool, ...]]
    ids: frozenset[str]  # every question of the view
    reads: frozenset[str]  # every name a condition reads
    by_section: bool  # False for a bank that asks a question twice: walked whole instead
    # Every show_if reads only questions of earlier sections (as bank checking requires) or
    # of its own: then answers that all count can be read as given.
    quick: bool


def _plan(bank: Bank) -> _Plan:
    return bank.made(_plan_of)  # once per bank view, kept with it


def _plan_of(bank: Bank) -> _Plan:
    reads: set[str] = set()
    for section in bank.sections:
        reads |= _names(section.show_if)
        for q in section.questions:
            reads |= _names(q.show_if)
    for flag in bank.flags:
        reads |= _names(flag.when)
    for role in (Role.GATE, Role.PRESCRIBED_ONLY):
        asks = bank.by_role(role)
        if asks is not None:
            reads.add(asks.id)
            reads |= _names(asks.overridden_if)
    where: dict[str, int] = {}  # question id -> the section that asks it
    for i, section in enumerate(bank.sections):
        for q in section.questions:
            where[q.id] = i
    sections = []
    conds: list[Condition] = []
    quick = True
    for i, section in enumerate(bank.sections):
        sec = _Section(section)
        sections.append(sec)
        conds += [c for c in (section.show_if, *sec.outer, *sec.inner) if c is not None]
        names = _names(section.show_if) | {leaf.name for leaf in sec.outer}
        quick = quick and all(where.get(name, -1) < i for name in names)
    truths = Together([*conds, *(f.when for f in bank.flags)])
    for sec in sections:
        sec.read_from(truths)
    # A question asked twice (no bank passes checking with one) would be read by a section's
    # leaves as its own and another's at once: such a bank is walked whole.
    asked = [q.id for q in bank.questions]
    by_section = len(set(asked)) == len(asked)
    return _Plan(
        sections=tuple(sections),
        walk=_walk(sections),
        truths=truths,
        flags=picker(tuple(truths.place(f.when) for f in bank.flags)),
        ids=frozenset(asked),
        reads=frozenset(reads),
        by_section=by_section,
        quick=quick and by_section,
    )


_EMPTY: frozenset[str] = frozenset()


def found(bank: Bank, values: Mapping[str, Value]) -> Found:
    """What applies of `bank` (a bank view, as `Bank.about` gives it) to `values`: the same
    questions, in the same order, as `applicable` finds."""
    plan = _plan(bank)
    if plan.quick:
        truths = plan.truths(values)
        quick = _quick(plan, values, truths)
        if quick is not None:
            return Found(quick[0], values, plan.flags(truths), quick[1])
    if not plan.by_section:
        shown, counted = applicable(bank, values)
        whole = _part_of(shown, plan.ids, plan.reads)
        read = {qid: counted[qid] for qid in whole.reads if qid in counted}
        flags = plan.flags(plan.truths(read))
        return Found([whole], read, flags, values.keys() >= whole.asked)
    return _careful(plan, values)


def _quick(
    plan: _Plan, values: Mapping[str, Value], truths: tuple[bool, ...]
) -> tuple[list[Part], bool] | None:
    """The parts of the sections that apply, every condition read over the answers as given,
    and whether the answers are complete, when every answer counts; else None (or when a
    section's shape is new).

    The answers all count when every question answered applies. The walk's conditions read
    only questions of earlier sections (or of their own, which its shapes tell apart): where
    these parts hold every question answered, each condition read the same answers as the
    walk, section by section, so these are the walk's parts."""
    keys = values.keys()
    walked = plan.walk(truths)
    if walked is None:
        return None
    parts, asked, consents = walked
    if not keys <= _EMPTY.union(*[p.ids for p in parts]):
        return None  # an answer to a question that does not apply
    # Every answer is to a question that applies: those (consent aside) are all answered
    # when there are as many answers, the consent's aside, as questions to answer.
    return parts, len(keys) - sum(map(keys.__contains__, consents)) == asked


def _walk(sections: Sequence[_Section]) -> Callable[[Sequence[bool]], Walked | None]:
    """`_quick`'s walk through `sections` as one function, each section's step in line: if
    its show_if holds, its part kept for its shape (None if there is none yet)."""
    given: dict[str, Any] = {}

    def handed(value: object) -> str:
        name = f"K{len(given)}"
        given[name] = value
        return name

    lines = ["def walk(t):", "    parts = []", "    asked = 0", "    consents = ()"]
    for sec in sections:
        indent = "    "
        if sec.at is not None:
            lines.append(f"    if t[{sec.at}]:")
            indent = "        "
        places = "".join(f"t[{i}], " for i in sec.places)
        lines += [
            f"{indent}p = {handed(sec.kept)}.get(({places}))",
            f"{indent}if p is None:",
            f"{indent}    return None",
            f"{indent}parts.append(p)",
            f"{indent}asked += len(p.asked)",
            f"{indent}consents += p.consents",
        ]
    lines.append("    return parts, asked, consents")
    return function_of(lines, given)  # type: ignore[no-any-return]


def _complete(parts: list[Part], keys: Set[str]) -> bool:
    return all(keys >= p.asked for p in parts)


def _careful(plan: _Plan, values: Mapping[str, Value]) -> Found:
    """The parts of the sections that apply, each condition reading the answers that count
    so far, as the walk does."""
    read: dict[str, Value] = {}
    parts: list[Part] = []
    for sec in plan.sections:
        holds = sec.check
        if holds is not None and not holds(read, read, _NO_ORDER):
            continue
        key = (
            *[check(leaf)(read, read, _NO_ORDER) for leaf in sec.outer],
            *[check(leaf)(values, values, _NO_ORDER) for leaf in sec.inner],
        )
        kept = sec.kept
        part = kept.get(key)
        if part is None:
            part = _part(sec, read, values, plan.reads)
            if len(kept) < LIMIT:
                kept[key] = part
        for qid in part.reads:
            if qid in values:
                read[qid] = values[qid]
        parts.append(part)
    return Found(parts, read, plan.flags(plan.truths(read)), _complete(parts, values.keys()))


def _part(
    sec: _Section, read: Mapping[str, Value], values: Mapping[str, Value], reads: frozenset[str]
) -> Part:
    """The walk through one section, as `applicable` makes it, given the answers that count
    so far (those conditions read)."""
    counted = dict(read)
    shown: list[Question] = []
    for q in sec.section.questions:
        if q.show_if is not None and not check(q.show_if)(counted, counted, _NO_ORDER):
            continue
        shown.append(q)
        if q.id in values:
            counted[q.id] = values[q.id]
    return _part_of(shown, sec.ids, reads)


def _part_of(shown: list[Question], ids: frozenset[str], reads: frozenset[str]) -> Part:
    """What scoring needs of `shown`, the questions that apply of `ids`."""
    feeding: dict[str, list[Question]] = {key: [] for key in CRITERIA}
    for q in shown:
        if q.criterion is not None:
            feeding[q.criterion].append(q)
    withdrawal = tuple(q.id for q in shown if q.scale == WITHDRAWAL_SCALE)
    prescribed = any(q.role is Role.PRESCRIBED_ONLY for q in shown)
    return Part(
        order=tuple(q.id for q in shown),
        ids=frozenset(q.id for q in shown),
        asked=frozenset(q.id for q in shown if q.role is not Role.CONSENT),
        consents=tuple(q.id for q in shown if q.role is Role.CONSENT),
        reads=tuple(dict.fromkeys(q.id for q in shown if q.id in reads)),
        feeds=tuple(tuple(feeding[key]) for key in CRITERIA) if any(feeding.values()) else None,
        single=tuple(qs[0].id for qs in feeding.values() if len(qs) == 1),
        none=frozenset(key for key, qs in feeding.items() if not qs),
        several=tuple((key, tuple(qs)) for key, qs in feeding.items() if len(qs) > 1),
        withdrawal=withdrawal,
        prescribed=prescribed,
        scored=any(feeding.values()) or bool(withdrawal) or prescribed,
    )


def _leaves(cond: Condition | None) -> list[Leaf]:
    """Every leaf of `cond`, under `not:` too."""
    if cond is None:
        return []
    if isinstance(cond, AllOf | AnyOf):
        return [leaf for item in cond.items for leaf in _leaves(item)]
    if isinstance(cond, Not):
        return _leaves(cond.item)
    return [cond]


def _names(cond: Condition | None) -> set[str]:
    """Every name a condition's leaves read (of a question or a result fact: a `show_if` and
    a flag read both from the answers)."""
    return {leaf.name for leaf in _leaves(cond)}
