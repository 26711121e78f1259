"""The bank reader's conditions: `show_if`, `overridden_if` and `when`, checked as they are read.

A condition names a question asked earlier in the file (a later one is named as such), or for
referrals and caveats a result (facts.FACTS); the operator must apply to that question's kind
or that result, and the value must be one it can take. Problems are noted through `FieldReader`;
nothing here prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, assert_never

from screener.core.facts import FACTS, Fact
from screener.core.kinds import kind_of
from screener.core.model import (
    CRITERIA,
    UNKNOWN,
    WITHDRAWAL_SCALE,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    Not,
    Question,
    Scale,
    Severity,
)
from screener.core.safetext import show_value
from screener.files import yamlsrc
from screener.files.bank_fields import FieldReader, value_in_words
from screener.files.problems import Hint
from screener.i18n import N_, _

OPS = ("equals", "in", "contains", "at_least")

# Checks a value a condition compares a result with, noting a problem at the path given.
Check = Callable[[object, yamlsrc.Path], None]


class Conditions(FieldReader):
    """Reads conditions against what the bank has declared so far."""

    def __init__(self, filename: str, doc: yamlsrc.Located) -> None:
        super().__init__(filename, doc)
        self.questions: dict[str, Question] = {}  # read so far, in file order, first of an id
        self.scales: dict[str, Scale] = {}
        self.flag_ids: list[str] = []
        # Helpline ids named by flags' `call`, checked once the helplines are read.
        self.call_uses: list[tuple[yamlsrc.Path, str]] = []
        self.referral_ids: list[str] = []  # read so far, for helplines' `only_with`
        # Every question id in the file, to tell "comes later" from "unknown".
        self.all_ids: set[str] = set()
        # The one perspective each question read so far is asked in (None: every one), and
        # that of the section being read.
        self.asked_in: dict[str, str | None] = {}
        self.reading: str | None = None
        # Reading the `when` of flags, referrals and caveats, which may test for "I don't
        # know" (`unknown`); `show_if` and `overridden_if` may not (FHIR forms could not say it).
        self.in_findings = False
        self._asked_where: dict[tuple[str | None, int, int], Mapping[str, Question]] = {}

    def earlier_only(self) -> Mapping[str, Question]:
        """The questions a condition read now may name: those already read (questions are read
        in file order, and a question is added only after its own conditions are read) that are
        asked wherever the section being read is."""
        return self.asked_where(self.reading)

    def asked_where(self, perspective: str | None) -> Mapping[str, Question]:
        """The questions read so far that are asked in `perspective` (None: in every
        perspective, so only those of sections for every one)."""
        # Asked for every condition of every question: kept while no question is added, so
        # that reading a bank does not grow with the square of its questions.
        key = (perspective, len(self.questions), len(self.asked_in))
        hit = self._asked_where.get(key)
        if hit is not None:
            return hit
        if all(p is None for p in self.asked_in.values()):
            found: Mapping[str, Question] = self.questions
        else:
            found = {
                qid: q
                for qid, q in self.questions.items()
                if self.asked_in.get(qid) in (None, perspective)
            }
        self._asked_where[key] = found
        return found

    def perspective_key(self, m: Mapping[str, Any], path: yamlsrc.Path) -> str | None:
        """A `perspective:` key: one of the declared perspectives, or None when absent."""
        value = m.get("perspective")
        if value is None:
            return None
        if not isinstance(value, str) or value not in self.perspectives:
            self.error(
                (*path, "perspective"),
                _("{value} is not a declared perspective{hint}"),
                value=show_value(value),
                hint=Hint(value, self.perspectives),
            )
            return None
        return value

    def condition(
        self,
        value: object,
        path: yamlsrc.Path,
        questions: Mapping[str, Question],
        results: bool = False,
    ) -> Condition | None:
        """Parse a condition; `questions` are those it may name, `results` allows `result:`."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(
                path, _("expected a condition mapping, got {value}"), value=value_in_words(value)
            )
            return None
        for combiner in ("all", "any"):
            if combiner in value:
                self.only_keys(value, path, {combiner})
                items = self.items(value[combiner], (*path, combiner))
                if not items:
                    self.error((*path, combiner), _("give at least one condition"))
                parsed = [
                    self.condition(c, (*path, combiner, i), questions, results)
                    for i, c in enumerate(items)
                ]
                kept = tuple(c for c in parsed if c is not None)
                return AllOf(kept) if combiner == "all" else AnyOf(kept)
        if "not" in value:
            self.only_keys(value, path, {"not"})
            inner = self.condition(value["not"], (*path, "not"), questions, results)
            return Not(inner) if inner is not None else None
        return self.leaf(value, path, questions, results)

    def leaf(
        self,
        value: Mapping[str, Any],
        path: yamlsrc.Path,
        questions: Mapping[str, Question],
        results: bool,
    ) -> Leaf | None:
        if "result" in value and not results:
            self.error(
                (*path, "result"), _("only referrals and caveats can test results; use question:")
            )
            return None
        subjects = ["question", "result"] if results else ["question"]
        allowed = {*subjects, *OPS, "all", "any", "not"}
        for key in value:
            if key not in allowed:
                self.error(
                    (*path, key),
                    _("unknown condition key {key}{hint}"),
                    key=show_value(key),
                    hint=Hint(key, allowed),
                )
                return None
        subject = [k for k in subjects if k in value]
        ops = [k for k in OPS if k in value]
        if len(subject) != 1 or len(ops) != 1:
            if results:
                need = _("a condition needs one of question or result and one of {ops}")
            else:
                need = _("a condition needs one of question and one of {ops}")
            self.error(path, need, ops=", ".join(OPS))
            return None
        name, op, want = value[subject[0]], ops[0], value[ops[0]]
        if subject[0] == "result":
            return self.result_leaf(name, op, want, path)
        q = self.named(name, path, questions)
        if q is None:
            return None
        return self.question_leaf(q, op, want, (*path, op))

    def named(
        self, name: object, path: yamlsrc.Path, questions: Mapping[str, Question]
    ) -> Question | None:
        """The question a condition names, if it is one the condition may name."""
        if name in questions:
            assert isinstance(name, str)
            return questions[name]
        if name in self.questions:
            self.error(
                (*path, "question"),
                _(
                    "{name} is asked only in perspective {perspective}; a condition here "
                    "can name only questions asked wherever this is"
                ),
                name=show_value(name),
                perspective=show_value(self.asked_in.get(str(name))),
            )
        elif name in self.all_ids:
            self.error(
                (*path, "question"),
                _("{name} comes later; only earlier questions can be named"),
                name=show_value(name),
            )
        else:
            self.error(
                (*path, "question"),
                _("{name} is not a question{hint}"),
                name=show_value(name),
                hint=Hint(name, self.all_ids),
            )
        return None

    def question_leaf(self, q: Question, op: str, want: object, where: yamlsrc.Path) -> Leaf | None:
        """A test of `q`'s answer, if its kind takes `op` and `want`."""
        kind = kind_of(q)
        if op not in kind.ops:
            self.error(
                where,
                _("{op} does not apply to {kind} question {name} (use {ops})"),
                op=show_value(op),
                kind=q.kind.value,
                name=show_value(q.id),
                ops=", ".join(kind.ops),
            )
            return None
        if op == "at_least" and kind.repeats:  # how many were chosen
            self.check_count(want, where)
        elif op == "in":
            if not isinstance(want, list) or not want:
                self.error(where, _("expected a list of values"))
                return None
            for i, w in enumerate(want):
                self.check_value(q, w, (*where, i))
            want = tuple(want)
        else:
            self.check_value(q, want, where)
        return Leaf("question", q.id, op, want)

    def check_value(self, q: Question, want: object, where: yamlsrc.Path) -> None:
        """`want` must be a value question `q` can take."""
        if q.unknown and isinstance(want, str) and want == UNKNOWN:
            if not self.in_findings:
                self.error(
                    where,
                    _(
                        "only the 'when' of a flag, referral or caveat can test for {value} "
                        "(I don't know)"
                    ),
                    value=show_value(UNKNOWN),
                )
            return
        if kind_of(q).written:
            if not kind_of(q).takes(q, want):
                self.error(
                    where,
                    _("{id} takes text, not {value}"),
                    id=repr(q.id),
                    value=value_in_words(want),
                )
            return
        if not kind_of(q).takes(q, want):
            self.error(
                where,
                _("{id} cannot be {value} (it takes {values})"),
                id=repr(q.id),
                value=show_value(want),
                values=", ".join(show_value(o.value) for o in q.options),
            )

    def check_count(self, want: object, where: yamlsrc.Path) -> None:
        if isinstance(want, bool) or not isinstance(want, int) or want < 0:
            self.error(where, _("expected a whole number, got {value}"), value=value_in_words(want))

    def result_leaf(self, name: object, op: str, want: object, path: yamlsrc.Path) -> Leaf | None:
        where = (*path, op)
        if name not in FACTS:
            self.error(
                (*path, "result"),
                _("{name} is not a result name{hint}"),
                name=show_value(name),
                hint=Hint(name, FACTS),
            )
            return None
        assert isinstance(name, str)
        fact = FACTS[name]
        if op not in fact.ops:
            self.error(
                where,
                _("{op} does not apply to {name} (use {ops})"),
                op=show_value(op),
                name=show_value(name),
                ops=", ".join(fact.ops),
            )
            return None
        wants = list(want) if op == "in" and isinstance(want, list) else [want]
        if op == "in" and not isinstance(want, list):
            self.error(where, _("expected a list of values"))
            return None
        check = self.result_check(fact, op)
        for i, w in enumerate(wants):
            check(w, (*where, i) if op == "in" else where)
        return Leaf("result", name, op, tuple(want) if isinstance(want, list) else want)

    def result_check(self, fact: Fact, op: str) -> Check:
        """What a condition may compare `fact` with, by the kind of value it holds."""
        takes = fact.takes
        if op == "at_least" and takes in ("criteria", "flags"):  # how many
            return self.whole
        match takes:
            case "severity":
                return self.among(
                    [s.value for s in Severity], N_("{value} is not a severity{hint}")
                )
            case "number":
                return self.whole
            case "criteria":
                return self.among(list(CRITERIA), N_("{value} is not a criterion{hint}"))
            case "flags":
                return self.among(self.flag_ids, N_("{value} is not a flag{hint}"))
            case "band":
                scale = self.scales.get(WITHDRAWAL_SCALE)
                bands = [b.label for b in scale.bands] if scale else []
                return self.among(bands, N_("{value} is not a withdrawal band{hint}"))
            case "yes_no":
                return self.yes_no
            case _:
                assert_never(takes)

    def whole(self, w: object, where: yamlsrc.Path) -> None:
        if isinstance(w, bool) or not isinstance(w, int) or w < 0:
            self.error(where, _("expected a whole number, got {value}"), value=value_in_words(w))

    def yes_no(self, w: object, where: yamlsrc.Path) -> None:
        if not isinstance(w, bool):
            self.error(where, _("expected true or false, got {value}"), value=value_in_words(w))

    def among(self, choices: list[str], problem: str) -> Check:
        """A check that a value is one of `choices`; `problem` (marked with N_) says it is
        not."""

        def check(w: object, where: yamlsrc.Path) -> None:
            if w not in choices:
                self.error(where, _(problem), value=show_value(w), hint=Hint(w, choices))

        return check
