"""The items of a FHIR QuestionnaireResponse, read as answers: which question each answers,
its values (each kind says which value[x] keys it takes and what they hold), "I don't know"
and skips (HL7's data-absent-reason), and the answer to "Who is this screening about?".
The envelope around the items (bundle, questionnaire, status, subject, perspective) is
`fhirin`'s; every problem is noted at its JSON path. Never prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from screener.core.fhirnames import ABSENT_SYSTEM, group_id, intro_id
from screener.core.kinds import VALUE_BOOLEAN, VALUE_CODING, VALUE_STRING, QuestionKind, kind_of
from screener.core.model import UNKNOWN, WHO, Bank, Kind, Question, Role, Value
from screener.core.safetext import show_value
from screener.files import located
from screener.files.problems import Hint, Problems
from screener.i18n import _

Path = located.Path

ITEM_KEYS = frozenset(
    {"id", "extension", "modifierExtension", "linkId", "definition", "text", "answer", "item"}
)
ANSWER_KEYS = frozenset({"id", "extension", "modifierExtension", "item"})
VALUE_KEYS = frozenset(
    {
        "valueBoolean", "valueDecimal", "valueInteger", "valueDate", "valueDateTime",
        "valueTime", "valueString", "valueUri", "valueAttachment", "valueCoding",
        "valueQuantity", "valueReference",
    }
)  # fmt: skip
ANSWER_OR_VALUE_KEYS = ANSWER_KEYS | VALUE_KEYS
# The keys of an item that needs none of the rarer checks: a question's (no extension, no
# modifierExtension, no items) and a group's (no extension, no modifierExtension, no answer).
PLAIN_QUESTION_KEYS = frozenset({"id", "linkId", "definition", "text", "answer"})
PLAIN_GROUP_KEYS = frozenset({"id", "linkId", "definition", "text", "item"})

# HL7's extension for why a value is absent: "I don't know" is `asked-unknown`, as screener
# writes it; `unknown` is its broader parent; `asked-declined` is a question skipped.
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DONT_KNOW = ("asked-unknown", "unknown")
DECLINED = "asked-declined"


class Plan(NamedTuple):
    """What an ordinary answer to a question gives, worked out once per bank: the value kept
    for each valueBoolean, valueCoding code (for a kind that repeats, the value read) and
    whether a valueString is read, where the question takes them and nothing is wrong."""

    id: str
    question: Question
    kind: QuestionKind
    repeats: bool
    kept: bool  # not the consent question, which is asked afresh at every run
    booleans: dict[object, Value]
    codes: dict[object, Value]
    strings: bool


class LinkIds(NamedTuple):
    """The bank's questions by linkId, its sections' group and intro linkIds, each question's
    plan, and the one perspective of each question asked in only one: made once per bank and
    kept with it (`link_ids`), as a bulk file reads thousands of responses against it. Only
    read."""

    questions: dict[str, Question]
    groups: frozenset[str]
    intros: frozenset[str]
    plans: dict[str, Plan]
    only_in: dict[str, str]


def link_ids(bank: Bank) -> LinkIds:
    return bank.made(_link_ids_of)


def _link_ids_of(bank: Bank) -> LinkIds:
    questions = {q.id: q for q in bank.questions}
    plans = {link: _plan(q) for link, q in questions.items() if link != WHO}
    only_in = {q: only for q in questions if (only := bank.perspective_of(q)) is not None}
    return LinkIds(
        questions,
        frozenset(group_id(s.id) for s in bank.sections),
        frozenset(intro_id(s.id) for s in bank.sections),
        plans,
        only_in,
    )


def _plan(q: Question) -> Plan:
    kind = kind_of(q)
    takes = kind.fhir_keys(q)
    table: dict[object, Value] = {}

    def keep(given: object, raw: Value) -> None:
        """What `store` keeps of `raw`, the value read from `given`, if it keeps it: a kind
        that repeats checks the list of values read, at every response."""
        if kind.repeats:
            table[given] = raw
            return
        stored, problem = kind.check(q, raw)
        if problem is None:
            table[given] = stored

    if VALUE_BOOLEAN in takes:
        for b in (True, False):
            keep(b, b)
    booleans, table = table, {}
    if VALUE_CODING in takes:
        for code in kind.fhir_codes(q):
            raw = kind.fhir_from_code(q, code)
            # "I don't know" in HL7's code system is read apart, as are the problems.
            if code and code not in DONT_KNOW and raw is not None:
                keep(code, raw)
    consent = q.role is Role.CONSENT
    return Plan(q.id, q, kind, kind.repeats, not consent, booleans, table, VALUE_STRING in takes)


class ItemReader:
    """Reads the items of a response, and keeps the problems found in the whole of it."""

    def __init__(self, filename: str, doc: located.Located, bank: Bank) -> None:
        self.filename = filename
        self.doc = doc
        self.bank = bank
        self.problems = Problems(filename, doc)
        self.problems.add_all(doc.problems)
        self.warnings: list[str] = []
        self.questions, self.groups, self.intros, self.plans, self.only_in = link_ids(bank)
        self.values: dict[str, Value] = {}
        self.where: dict[str, Path] = {}  # question id -> the item that answered it
        self.who: tuple[str, Path] | None = None  # the about-whom answer, and where it is
        self.who_at: Path | None = None  # the about-whom item

    def error(self, path: Path, message: str, /, **values: object) -> None:
        self.problems.add(path, message, **values)

    def keys(self, m: Mapping[str, Any], path: Path, known: frozenset[str]) -> None:
        if known.issuperset(m):  # the usual case: no known key starts with "_"
            return
        for key in m:
            name = key[1:] if isinstance(key, str) and key.startswith("_") else key
            if name not in known:
                self.error(
                    (*path, key),
                    _("unknown key {key}{hint}"),
                    key=show_value(key),
                    hint=Hint(key, known),
                )

    def modifiers(self, m: Mapping[str, Any], path: Path) -> None:
        if m.get("modifierExtension"):
            self.error(
                (*path, "modifierExtension"),
                _("screener cannot read a modifierExtension, which may change what this means"),
            )

    def items(self, value: object, path: Path) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.error(path, _("expected a list of items"))
            return
        for i, item in enumerate(value):
            at = (*path, i)
            if not self.quick(item, at):
                self.item(item, at)

    def quick(self, item: object, path: Path) -> bool:
        """Read an ordinary item, as `item` would, in as few steps as can be; else read
        nothing and say so, for `item` to read it with every check. Only `item` notes
        problems: an item that has one is never ordinary."""
        if item.__class__ is not dict:
            return False
        link = item.get("linkId")
        if link.__class__ is not str:
            return False
        plan = self.plans.get(link)
        if plan is None:  # a group or a section's intro, holding no answer
            if (link in self.groups or link in self.intros) and PLAIN_GROUP_KEYS.issuperset(item):
                self.items(item.get("item"), (*path, "item"))
                return True
            return False
        qid, _question, _kind, repeats, kept, booleans, codes, _strings = plan
        if qid in self.where or not PLAIN_QUESTION_KEYS.issuperset(item):
            return False
        answers = item.get("answer")
        if answers.__class__ is list and len(answers) == 1 and not repeats:  # the usual
            answer = answers[0]
            if answer.__class__ is not dict or len(answer) != 1:
                return False
            coding = answer.get(VALUE_CODING)
            if coding.__class__ is dict:
                code = coding.get("code")
                value = codes.get(code, _BAD) if code.__class__ is str else _BAD
            elif (given := answer.get(VALUE_BOOLEAN)).__class__ is bool:
                value = booleans.get(given, _BAD)
            else:
                value = _plain_answer(plan, answer)
        else:
            value = _plain_answers(plan, answers)
        if value is _BAD:
            return False
        self.where[qid] = path
        if kept:
            self.values[qid] = value  # type: ignore[assignment]
        return True

    def item(self, item: object, path: Path) -> None:
        if not isinstance(item, dict):
            self.error(path, _("expected an item (a mapping)"))
            return
        self.keys(item, path, ITEM_KEYS)
        self.modifiers(item, path)
        link = item.get("linkId")
        if not isinstance(link, str):
            self.error((*path, "linkId"), _("expected the linkId of a question, as text"))
            return
        if link == WHO:
            self.about_whom(item, path)
            return
        q = self.questions.get(link)
        if q is not None:
            if item.get("item"):
                self.error((*path, "item"), _("{id} is a question: it holds no items"), id=q.id)
            self.question(q, item, path)
        elif link in self.groups or link in self.intros:
            if item.get("answer") is not None:
                self.error(
                    (*path, "answer"), _("{id} is not a question: it takes no answer"), id=link
                )
            self.items(item.get("item"), (*path, "item"))
        else:
            self.error(
                (*path, "linkId"),
                _("{value} is not a question in this bank{hint}"),
                value=show_value(link),
                hint=Hint(link, self.questions),
            )

    def question(self, q: Question, item: Mapping[str, Any], path: Path) -> None:
        if q.id in self.where:
            first = self.where[q.id]
            self.error(
                (*path, "linkId"),
                _("{id} is answered twice (first at {path}, line {line})"),
                id=q.id,
                path=located.format_path(first),
                line=self.doc.line(first),
            )
            return
        self.where[q.id] = path
        kind = kind_of(q)  # asked once here, passed on: a bulk file reads thousands of items
        raw, ext_path = self.given(q, kind, item, path)
        if raw is _BAD:
            return
        if q.role is Role.CONSENT:  # asked afresh at every run, never stored
            return
        self.store(q, kind, raw, path, ext_path)

    def given(
        self, q: Question, kind: QuestionKind, item: Mapping[str, Any], path: Path
    ) -> tuple[object, Path]:
        """What an item says of `q`: one value, a list (multi), _UNKNOWN, _DECLINED, None (no
        answer) or _BAD; and where a reason for no value would be."""
        ext_path = (*path, "extension")
        absent = self.absent(q, item.get("extension"), ext_path)
        if absent is _BAD:
            return _BAD, ext_path
        answers = item.get("answer")
        if answers is None or answers == []:
            return absent, ext_path  # skipped, or "I don't know"
        if not isinstance(answers, list):
            self.error((*path, "answer"), _("expected a list of answers"))
            return _BAD, ext_path
        if absent is not None:
            self.error(
                ext_path, _("{id} has an answer and a reason it has none: give one"), id=q.id
            )
            return _BAD, ext_path
        read = [self.answer(q, kind, a, (*path, "answer", i)) for i, a in enumerate(answers)]
        if any(r is _BAD for r in read):
            return _BAD, ext_path
        marked = [i for i, r in enumerate(read) if r is _UNKNOWN or r is _DECLINED]
        if marked and len(read) > 1:
            self.error(
                (*path, "answer", marked[0]),
                _("{id} has an answer and a reason it has none: give one"),
                id=q.id,
            )
            return _BAD, ext_path
        if marked:
            return read[0], (*path, "answer", 0, "extension")
        if kind.repeats:
            return read, ext_path
        if len(read) > 1:
            self.error(
                (*path, "answer", 1), _("{id} takes one answer, got {n}"), id=q.id, n=len(read)
            )
            return _BAD, ext_path
        return read[0], ext_path

    def store(
        self, q: Question, kind: QuestionKind, raw: object, path: Path, ext_path: Path
    ) -> None:
        """Keep what an item gave `q`, as an answers file would hold it, if `q` takes it."""
        if raw is _DECLINED:
            raw = None
        if raw is _UNKNOWN:
            if not q.unknown:
                self.error(
                    ext_path,
                    _(
                        '{id} cannot be answered "I don\'t know" (asked-unknown): the bank '
                        "does not offer it on this question"
                    ),
                    id=q.id,
                )
                return
            self.values[q.id] = UNKNOWN
            return
        stored, problem = (None, None) if raw is None else kind.check(q, raw)
        if problem:
            self.error((*path, "answer"), "{id}: {problem}", id=q.id, problem=problem)
            return
        self.values[q.id] = stored

    def absent(self, q: Question, extensions: object, path: Path) -> object:
        """Why a value is absent, from HL7's data-absent-reason in `extensions`: _UNKNOWN
        ("I don't know"), _DECLINED (a skip), None when not said, or _BAD."""
        if not isinstance(extensions, list):
            return None  # not a list: FHIR's shape, not screener's to police
        for i, ext in enumerate(extensions):
            if not isinstance(ext, dict) or ext.get("url") != DATA_ABSENT_REASON:
                continue
            code = ext.get("valueCode")
            if code in DONT_KNOW:
                return _UNKNOWN
            if code == DECLINED:
                return _DECLINED
            self.error(
                (*path, i, "valueCode"),
                _(
                    "{id}: screener reads a data-absent-reason of {codes} (I don't know) or "
                    "{declined} (skipped), got {value}"
                ),
                id=q.id,
                codes="/".join(DONT_KNOW),
                declined=DECLINED,
                value=show_value(code),
            )
            return _BAD
        return None

    def about_whom(self, item: Mapping[str, Any], path: Path) -> None:
        """The answer to "Who is this screening about?": a perspective of the bank."""
        if self.who_at is not None:
            self.error(
                (*path, "linkId"),
                _("{id} is answered twice (first at {path}, line {line})"),
                id=WHO,
                path=located.format_path(self.who_at),
                line=self.doc.line(self.who_at),
            )
            return
        self.who_at = path
        if item.get("item"):
            self.error((*path, "item"), _("{id} is a question: it holds no items"), id=WHO)
        answers = item.get("answer")
        if answers is None or answers == []:
            return  # not said: the source or the questions answered tell
        if not isinstance(answers, list):
            self.error((*path, "answer"), _("expected a list of answers"))
            return
        if len(answers) > 1:
            self.error(
                (*path, "answer", 1), _("{id} takes one answer, got {n}"), id=WHO, n=len(answers)
            )
            return
        at = (*path, "answer", 0)
        answer = answers[0]
        if not isinstance(answer, dict):
            self.error(at, _("expected an answer (a mapping with a value)"))
            return
        self.keys(answer, at, ANSWER_OR_VALUE_KEYS)
        self.modifiers(answer, at)
        given = [k for k in answer if k in VALUE_KEYS]
        if given != [VALUE_CODING]:
            self.error(
                at,
                _("{id} is a {kind} question: expected {keys}, not {key}"),
                id=WHO,
                kind=Kind.CHOICE.value,
                keys=VALUE_CODING,
                key="/".join(given) or "-",
            )
            return
        coding = answer[VALUE_CODING]
        code = coding.get("code") if isinstance(coding, dict) else None
        if not isinstance(code, str) or not code:
            self.error((*at, VALUE_CODING), _("expected a Coding with a code"))
            return
        if code not in self.bank.perspectives:
            self.error(
                (*at, VALUE_CODING, "code"),
                _("{value} is not a perspective of this bank ({perspectives})"),
                value=show_value(code),
                perspectives=", ".join(self.bank.perspectives),
            )
            return
        self.who = code, at

    def answer(self, q: Question, kind: QuestionKind, answer: object, path: Path) -> object:
        """The value one `answer` gives `q` as an answers file would hold it, or _BAD."""
        if not isinstance(answer, dict):
            self.error(path, _("expected an answer (a mapping with a value)"))
            return _BAD
        self.keys(answer, path, ANSWER_OR_VALUE_KEYS)
        self.modifiers(answer, path)
        if answer.get("item"):
            self.error((*path, "item"), _("{id} is a question: its answers hold no items"), id=q.id)
        given = [k for k in answer if k in VALUE_KEYS]
        takes = kind.fhir_keys(q)
        absent = self.absent(q, answer.get("extension"), (*path, "extension"))
        if absent is not None:  # R4 lets an answer say why it has no value, instead of one
            if absent is not _BAD and given:
                self.error(
                    (*path, given[0]),
                    _("{id} has an answer and a reason it has none: give one"),
                    id=q.id,
                )
                return _BAD
            return absent
        if len(given) != 1:
            self.error(
                path,
                _("expected one value ({keys}), got {n}"),
                keys=_slashed(takes),
                n=len(given),
            )
            return _BAD
        (key,) = given
        value = answer[key]
        if key not in takes:
            self.error(
                (*path, key),
                _("{id} is a {kind} question: expected {keys}, not {key}"),
                id=q.id,
                kind=q.kind.value,
                keys=_slashed(takes),
                key=key,
            )
            return _BAD
        if key == VALUE_CODING:  # a Coding, for every kind: its code names the answer
            return self.code(q, kind, value, (*path, key))
        stored, problem = kind.fhir_read(q, key, value)
        if problem is not None:
            self.error((*path, key), problem)
            return _BAD
        return stored

    def code(self, q: Question, kind: QuestionKind, coding: object, path: Path) -> object:
        """The option a Coding names, by its code; "I don't know" as HL7's asked-unknown
        (the answer option the Questionnaire offers); yes or no by HL7's Y and N."""
        code = coding.get("code") if isinstance(coding, dict) else None
        if not isinstance(code, str) or not code:
            self.error(path, _("expected a Coding with a code"))
            return _BAD
        assert isinstance(coding, dict)
        if coding.get("system") == ABSENT_SYSTEM and code in DONT_KNOW:
            return _UNKNOWN
        answer = kind.fhir_from_code(q, code)
        if answer is None:
            codes = kind.fhir_codes(q)
            self.error(
                (*path, "code"),
                _("{value} is not an option of {id} ({codes}){hint}"),
                value=show_value(code),
                id=q.id,
                codes=", ".join(codes),
                hint=Hint(code, codes),
            )
            return _BAD
        return answer


_BAD = object()  # an answer with a problem, already noted (or, read plainly, not ordinary)
_UNKNOWN = object()  # "I don't know" (data-absent-reason asked-unknown)
_DECLINED = object()  # asked and not answered (data-absent-reason asked-declined): a skip


def _plain_answers(plan: Plan, answers: object) -> object:
    """What ordinary `answers` give, but for one answer to a question that does not repeat:
    as `store` keeps it, or _BAD."""
    if answers is None or answers == []:
        return None  # skipped
    if answers.__class__ is not list or not plan.repeats:
        return _BAD
    read = [_plain_answer(plan, answer) for answer in answers]
    if any(r is _BAD for r in read):
        return _BAD
    value, problem = plan.kind.check(plan.question, read)
    return _BAD if problem is not None else value


def _plain_answer(plan: Plan, answer: object) -> object:
    """What an ordinary answer (one value and nothing else) gives, as `store` keeps it (for a
    kind that repeats, as it is read), or _BAD."""
    if answer.__class__ is not dict or len(answer) != 1:
        return _BAD
    ((key, value),) = answer.items()
    if key == VALUE_CODING:
        code = value.get("code") if value.__class__ is dict else None
        return plan.codes.get(code, _BAD) if code.__class__ is str else _BAD
    if key == VALUE_BOOLEAN:
        return plan.booleans.get(value, _BAD) if value.__class__ is bool else _BAD
    if key == VALUE_STRING and plan.strings and value.__class__ is str:
        if plan.kind.repeats:
            return value
        stored, problem = plan.kind.check(plan.question, value)
        return _BAD if problem is not None else stored
    return _BAD


def _slashed(keys: tuple[str, ...]) -> str:
    return "/".join(keys)  # FHIR's names, not words: no translation
