"""Evaluate bank conditions and decide which questions apply; pure functions, no I/O.

A leaf on a question that was skipped or not shown is false, so `not:` of it is true: a skipped
gate therefore keeps every later section on, which is what a cautious screen wants.

There is one evaluator: `check` builds a condition once into a function (a caseload evaluates
thousands of conditions a second), and everything else asks it; `Together` reads many at once
for a caseload's rows, each leaf with the comparison its check makes (tests/test_shapes.py
holds the two to the same truth).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias

from screener.core.model import AllOf, AnyOf, Bank, Condition, Leaf, Not, Question, Value
from screener.i18n import N_, _


def same(a: object, b: object) -> bool:
    """Equality that keeps booleans apart from numbers (`True == 1` in Python)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    return a == b


def _leaf(leaf: Leaf, value: object, order: Mapping[str, Sequence[str]]) -> bool:
    if value is None:
        return False
    want = leaf.value
    if leaf.op == "equals":
        return same(value, want)
    if leaf.op == "in":
        return isinstance(want, list | tuple) and any(same(value, w) for w in want)
    if leaf.op == "contains":
        return isinstance(value, list | tuple) and any(same(v, want) for v in value)
    if leaf.op == "at_least":
        if isinstance(value, list | tuple):  # a count: true and false are not numbers
            return isinstance(want, int) and not isinstance(want, bool) and len(value) >= want
        labels = order.get(leaf.name)
        if labels is not None and isinstance(value, str) and isinstance(want, str):
            return value in labels and want in labels and labels.index(value) >= labels.index(want)
        if isinstance(value, bool) or isinstance(want, bool):
            return False
        return isinstance(value, int) and isinstance(want, int) and value >= want
    return False


# A condition made into a function of (question answers, result facts, label orders), so the
# tree is not walked again and types are not dispatched on at every call. `order` gives, for a
# result name with ordered labels (severity, bands), their order, so that `at_least: moderate`
# can compare them.
Check = Callable[[Mapping[str, object], Mapping[str, object], Mapping[str, Sequence[str]]], bool]
_NO_ORDER: Mapping[str, Sequence[str]] = {}


def check(cond: Condition) -> Check:
    """`cond` as a function; built once per condition and kept with it."""
    return cond.made(_build)


def passes(cond: Condition, answers: Mapping[str, object]) -> bool:
    """Whether a condition on question answers holds for `answers`."""
    return check(cond)(answers, answers, _NO_ORDER)


def _build(cond: Condition) -> Check:
    if isinstance(cond, AllOf | AnyOf):
        parts = tuple(_build(c) for c in cond.items)
        if isinstance(cond, AllOf):
            return _all(parts)
        return _any(parts)
    if isinstance(cond, Not):
        inner = _build(cond.item)
        return lambda q, r, o: not inner(q, r, o)
    leaf, name, want, op = cond, cond.name, cond.value, cond.op
    on_question = cond.subject == "question"
    # The common leaves as the plain comparisons they come to (each the same as `_leaf`):
    # a caseload evaluates them a hundred thousand times.
    if op == "equals" and isinstance(want, bool):
        # same(value, want) for a boolean `want` is identity: True and False are singletons.
        if on_question:
            return lambda q, r, o: q.get(name) is want
        return lambda q, r, o: r.get(name) is want
    if op == "equals" and type(want) is str:  # only a str equals a str; None never does
        if on_question:
            return lambda q, r, o: q.get(name) == want
        return lambda q, r, o: r.get(name) == want
    if op == "in" and isinstance(want, list | tuple) and all(type(w) is str for w in want):
        among = frozenset(want)
        if on_question:
            return lambda q, r, o: type(v := q.get(name)) is str and v in among
        return lambda q, r, o: type(v := r.get(name)) is str and v in among
    if op == "contains" and type(want) is str:
        if on_question:
            return lambda q, r, o: isinstance(v := q.get(name), list | tuple) and want in v
        return lambda q, r, o: isinstance(v := r.get(name), list | tuple) and want in v
    if on_question:
        return lambda q, r, o: _leaf(leaf, q.get(name), o)
    return lambda q, r, o: _leaf(leaf, r.get(name), o)


def _all(parts: tuple[Check, ...]) -> Check:
    """Every one of `parts` holds (the usual two or three tested in line)."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda q, r, o: a(q, r, o) and b(q, r, o)
    if len(parts) == 3:
        a, b, c = parts
        return lambda q, r, o: a(q, r, o) and b(q, r, o) and c(q, r, o)
    return lambda q, r, o: all(p(q, r, o) for p in parts)


def _any(parts: tuple[Check, ...]) -> Check:
    """At least one of `parts` holds (the usual few tested in line)."""
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        a, b = parts
        return lambda q, r, o: a(q, r, o) or b(q, r, o)
    if len(parts) == 3:
        a, b, c = parts
        return lambda q, r, o: a(q, r, o) or b(q, r, o) or c(q, r, o)
    if len(parts) == 4:
        a, b, c, d = parts
        return lambda q, r, o: a(q, r, o) or b(q, r, o) or c(q, r, o) or d(q, r, o)
    return lambda q, r, o: any(p(q, r, o) for p in parts)


class Together:
    """Many conditions read at once over one mapping of answers, as `passes` reads each:
    `together(answers)` gives their truths, `place(cond)` where in them `cond`'s is.

    A caseload reads a bank's show_if and flags for every file. Here they are made into one
    function that reads each answer once and each leaf in line, with the very comparison the
    built check makes of it (`is` a boolean, `==` a str, `in` a list or tuple for a str
    option; any other leaf through its check), and `all`, `any` and `not` with Python's own
    `and`, `or` and `not`. Its text is made from fixed forms and numbers only: the names,
    values and checks it reads are handed to it in a tuple, none is written into it."""

    __slots__ = ("_read", "places")

    def __init__(self, conds: Sequence[Condition]) -> None:
        leaves: dict[str, Leaf] = {}  # each once, told apart by repr (True == 1: not alike)
        for cond in conds:
            for leaf in _all_leaves(cond):
                leaves.setdefault(repr(leaf), leaf)
        given: list[object] = []  # what the function reads, as K[i]

        def handed(value: object) -> str:
            given.append(value)
            return f"K[{len(given) - 1}]"

        lines = ["def read(answers):", "    get = answers.get"]
        answer: dict[str, str] = {}  # question id -> the local holding its answer
        places: dict[str, int] = {}
        for key, leaf in leaves.items():
            if leaf.name not in answer:
                answer[leaf.name] = f"v{len(answer)}"
                lines.append(f"    {answer[leaf.name]} = get({handed(leaf.name)})")
            v, want = answer[leaf.name], leaf.value
            if leaf.op == "equals" and isinstance(want, bool):
                test = f"{v} is {handed(want)}"
            elif leaf.op == "equals" and type(want) is str:
                test = f"{v} == {handed(want)}"
            elif leaf.op == "contains" and type(want) is str:
                test = f"isinstance({v}, LISTS) and {handed(want)} in {v}"
            else:
                test = f"{handed(check(leaf))}(answers, answers, NO)"
            places[key] = len(places)
            lines.append(f"    t{places[key]} = {test}")
        for cond in conds:
            key = repr(cond)
            if key not in places:
                places[key] = len(places)
                lines.append(f"    t{places[key]} = {_in_line(cond, places)}")
        lines.append("    return (" + "".join(f"t{i}, " for i in range(len(places))) + ")")
        self._read: Callable[[Mapping[str, object]], tuple[bool, ...]] = function_of(
            lines, {"K": tuple(given), "LISTS": (list, tuple), "NO": _NO_ORDER}
        )
        self.places = places

    def place(self, cond: Condition) -> int:
        """Where the truth of `cond` (one of those given) is."""
        return self.places[repr(cond)]

    def __call__(self, answers: Mapping[str, object]) -> tuple[bool, ...]:
        return self._read(answers)


def function_of(lines: list[str], given: dict[str, Any]) -> Any:
    """The one function defined by `lines` (made from fixed forms and numbers only), reading
    `given` as its globals: the values it reads are handed to it there, never written into
    its text."""
    made = dict(given)
    exec(compile("\n".join(lines), "<screener conditions>", "exec"), made)
    (name,) = [n for n in made if n not in given and n != "__builtins__"]
    return made[name]


def _all_leaves(cond: Condition) -> list[Leaf]:
    if isinstance(cond, AllOf | AnyOf):
        return [leaf for item in cond.items for leaf in _all_leaves(item)]
    if isinstance(cond, Not):
        return _all_leaves(cond.item)
    return [cond]


def _in_line(cond: Condition, places: Mapping[str, int]) -> str:
    """`cond` as an expression on its leaves' truths (the locals t0, t1...)."""
    if isinstance(cond, Leaf):
        return f"t{places[repr(cond)]}"
    if isinstance(cond, Not):
        return f"(not {_in_line(cond.item, places)})"
    if not cond.items:  # as `all()` and `any()` of nothing
        return "True" if isinstance(cond, AllOf) else "False"
    joined = " and " if isinstance(cond, AllOf) else " or "
    return "(" + joined.join(_in_line(item, places) for item in cond.items) + ")"


def true_leaves(cond: Condition, answers: Mapping[str, object]) -> list[Leaf]:
    """The question leaves that hold over `answers`, for explaining why a condition fired
    (not under `not:`)."""
    return [leaf for leaf, holds in _question_leaves(cond) if holds(answers, answers, _NO_ORDER)]


def _question_leaves(cond: Condition) -> list[tuple[Leaf, Check]]:
    """The question leaves of `cond` not under `not:`, in order, each with its check; once
    per condition."""
    return cond.made(_leaves_of)


def _leaves_of(cond: Condition) -> list[tuple[Leaf, Check]]:
    def walk(c: Condition) -> list[Leaf]:
        if isinstance(c, AllOf | AnyOf):
            return [leaf for item in c.items for leaf in walk(item)]
        if isinstance(c, Leaf) and c.subject == "question":
            return [c]
        return []

    return [(leaf, check(leaf)) for leaf in walk(cond)]


def question_names(cond: Condition) -> set[str]:
    """The question ids a condition reads."""
    if isinstance(cond, AllOf | AnyOf):
        return set().union(*(question_names(c) for c in cond.items))
    if isinstance(cond, Not):
        return question_names(cond.item)
    return {cond.name} if cond.subject == "question" else set()


def applicable(bank: Bank, values: Mapping[str, Value]) -> tuple[list[Question], dict[str, Value]]:
    """The questions that apply given `values`, in order, and the answers that count.

    Walks the bank once: a question applies when its section's and its own `show_if` hold over
    the answers to earlier questions that apply. Answers to questions that do not apply are
    dropped, so they can neither count nor switch other questions on.
    """
    shown: list[Question] = []
    counted: dict[str, Value] = {}
    for section_if, questions in _plan(bank):
        if section_if is not None and not section_if(counted, counted, _NO_ORDER):
            continue
        for q, qid, name, want, show_if in questions:
            if name is not None:  # the usual `show_if`: one yes/no answer, tested in line
                if counted.get(name) is not want:
                    continue
            elif show_if is not None and not show_if(counted, counted, _NO_ORDER):
                continue
            shown.append(q)
            if qid in values:
                counted[qid] = values[qid]
    return shown, counted


# Each section's `show_if` as a built function, and each of its questions with its own: a
# `show_if` that is one yes/no answer as the question id and the answer it needs (tested in
# line: most are), any other as a built function.
Step: TypeAlias = tuple[Question, str, str | None, object, Check | None]
Plan: TypeAlias = list[tuple[Check | None, list[Step]]]


def _plan(bank: Bank) -> Plan:
    """The bank's sections and questions as `applicable` walks them, made once per bank."""
    return bank.made(_plan_of)


def _plan_of(bank: Bank) -> Plan:
    def step(q: Question) -> Step:
        cond = q.show_if
        if cond is None:
            return (q, q.id, None, None, None)
        if (
            isinstance(cond, Leaf)
            and cond.subject == "question"
            and cond.op == "equals"
            and isinstance(cond.value, bool)
        ):
            return (q, q.id, cond.name, cond.value, None)
        return (q, q.id, None, None, check(cond))

    return [
        (None if s.show_if is None else check(s.show_if), [step(q) for q in s.questions])
        for s in bank.sections
    ]


def to_dict(cond: Condition) -> dict[str, object]:
    """The bank-file form of a condition (for JSON output)."""
    if isinstance(cond, AllOf):
        return {"all": [to_dict(c) for c in cond.items]}
    if isinstance(cond, AnyOf):
        return {"any": [to_dict(c) for c in cond.items]}
    if isinstance(cond, Not):
        return {"not": to_dict(cond.item)}
    value = list(cond.value) if isinstance(cond.value, tuple) else cond.value
    return {cond.subject: cond.name, cond.op: value}


def describe(cond: Condition) -> str:
    """A condition in words, e.g. `use_any is yes and not (ctx_home is no)`: the ids and values
    as the bank has them, the words between them from the catalog."""
    if isinstance(cond, AllOf | AnyOf):
        joined = _("{first} and {second}") if isinstance(cond, AllOf) else _("{first} or {second}")
        inner = ""
        for i, c in enumerate(cond.items):
            inner = describe(c) if i == 0 else joined.format(first=inner, second=describe(c))
        return f"({inner})" if len(cond.items) > 1 else inner
    if isinstance(cond, Not):
        return _("not {condition}").format(condition=describe(cond.item))
    return _(_OP_WORDS[cond.op]).format(name=cond.name, value=_words(cond.value))


# A leaf in words, by operator: {name} is the question or fact, {value} what it is compared with.
_OP_WORDS = {
    "equals": N_("{name} is {value}"),
    "in": N_("{name} is one of {value}"),
    "contains": N_("{name} includes {value}"),
    "at_least": N_("{name} is at least {value}"),
}


def _words(value: object) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return "/".join(_words(v) for v in value)
    return str(value)


def possible(bank: Bank, values: Mapping[str, Value]) -> list[Question]:
    """The questions that apply, or may yet apply once earlier questions are answered.

    For progress ("2 of 3"): a question whose `show_if` waits on an unanswered question counts,
    so the total does not jump from "1 of 1" to "2 of 3" as answers come in.
    """
    shown, counted = applicable(bank, values)
    ids = {q.id for q in shown}

    def maybe(cond: Condition | None) -> bool:
        if cond is None or passes(cond, counted):
            return True
        return any(name not in values for name in question_names(cond))

    out = []
    for section in bank.sections:
        for q in section.questions:
            if q.id in ids or (maybe(section.show_if) and maybe(q.show_if)):
                out.append(q)
    return out


def effective_show_if(bank: Bank, q: Question) -> Condition | None:
    """The section's and the question's own `show_if` together."""
    parts = [c for c in (bank.section(q.section).show_if, q.show_if) if c is not None]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))
