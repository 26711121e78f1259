"""Read a FHIR R4 QuestionnaireResponse (alone, or the one in a Bundle) as answers; never prints.

`answers.parse_answers` hands over any file whose top is a FHIR resource, so `score`, `run
--answers` and the caseload read one wherever they read an answers file. It owns what the
response's parts mean to screener, and the problems found, each at its JSON path
(`FILE:LINE: item[2].answer[0].valueCoding.code: ...`); reading the file, its size and its
depth are `readfile`'s and `located`'s (`yamlsrc`'s for YAML), as for every file from someone
else.

What a response says:
- `questionnaire` (`URL|VERSION`, or `URL`) names the bank: the URL must be the bank's
  canonical (`Bank.url`); another version is a warning, as for answers files.
- Each item's `linkId` is a question id; groups (`section-ID`) and section intros
  (`section-ID-intro`) hold no answer. Items are matched wherever they stand in the tree.
- An item without `answer` was skipped; an item left out was never answered. A response whose
  `status` is `completed` (or `amended`) was finished: a question that applies and is left out
  was passed over, so it counts as skipped (LHC-Forms leaves out every item without an answer
  and always says `completed`). `in-progress` (or `stopped`) is a screening left part-way.
- Values: `valueBoolean` for yes/no, `valueCoding` (by `code`) for choice, multi and scale
  questions, `valueInteger` for a scale too, `valueString` for text. Extensions such as
  LHC-Forms' `ordinalValue` are read past; a `modifierExtension` changes what a part means,
  so it is refused.
- "I don't know" is the HL7 `data-absent-reason` extension with code `asked-unknown` on the
  item (screener's export) or on an answer without a value; `asked-declined` is a skip. Only
  a question whose bank entry has `unknown: true` takes it.
- `authored` is when the screening was taken; `subject.reference` is kept for a FHIR export
  (a `#id` reference to a Patient contained in the response is no one the clinic knows, and is
  dropped); `meta.security` HTEST (test data) with screener's persona tag marks a demo's
  answers.
- Perspective (whose use the answers are about), from the first of: the answer to
  `about-whom` (the Questionnaire's first item when the bank has several perspectives), a
  `source` that is a RelatedPerson (someone answering about another person: `other`), the one
  perspective the answered questions are asked in, the bank's first. A question asked only in
  another perspective, or a RelatedPerson source beside `about-whom` saying otherwise, is a
  problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from screener.core.fhirnames import (
    ABSENT_SYSTEM,
    ACT_REASON,
    PERSONA_TAG,
    TEST_DATA_CODE,
    group_id,
    intro_id,
    valid_reference,
)
from screener.core.kinds import VALUE_CODING, kind_of
from screener.core.model import OTHER, UNKNOWN, WHO, Answers, Bank, Kind, Question, Role, Value
from screener.core.safetext import clean, one_line, show_value
from screener.errors import AnswersError
from screener.files import located
from screener.files.answered import missing, older_version_notes
from screener.files.problems import Hint, Problems
from screener.i18n import _

Path = located.Path

RESPONSE = "QuestionnaireResponse"
# The elements R4 gives each part read here; any other key is a mistake (a typo such as
# `itme` would otherwise leave every answer unread). `_x` beside `x` holds a primitive's
# extensions and is allowed wherever `x` is.
RESPONSE_KEYS = frozenset(
    {
        "resourceType", "id", "meta", "implicitRules", "language", "text", "contained",
        "extension", "modifierExtension", "identifier", "basedOn", "partOf", "questionnaire",
        "status", "subject", "encounter", "authored", "author", "source", "item",
    }
)  # fmt: skip
BUNDLE_KEYS = frozenset(
    {
        "resourceType", "id", "meta", "implicitRules", "language", "identifier", "type",
        "timestamp", "total", "link", "entry", "signature",
    }
)  # fmt: skip
ENTRY_KEYS = frozenset(
    {
        "id", "extension", "modifierExtension", "link", "fullUrl", "resource", "search",
        "request", "response",
    }
)  # fmt: skip
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
FINISHED = ("completed", "amended")
PART_WAY = ("in-progress", "stopped")
STATUSES = (*PART_WAY, *FINISHED, "entered-in-error")

# HL7's extension for why a value is absent: "I don't know" is `asked-unknown`, as screener
# writes it; `unknown` is its broader parent; `asked-declined` is a question skipped.
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DONT_KNOW = ("asked-unknown", "unknown")
DECLINED = "asked-declined"

_DATE_TIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?"
)


def is_resource(data: object) -> bool:
    """Whether parsed file data is a FHIR resource (rather than a screener answers file)."""
    return isinstance(data, dict) and "resourceType" in data and "format" not in data


class _Found(NamedTuple):
    """The response in a file, and where it stands."""

    resource: dict[str, Any]
    path: Path


def read_response(doc: located.Located, bank: Bank, filename: str) -> tuple[Answers, list[str]]:
    """The answers a QuestionnaireResponse (or a Bundle holding one) gives for `bank`.

    Raises AnswersError listing every problem, each as `FILE:LINE: PATH: message`.
    """
    reader = _Reader(filename, doc, bank)
    answers = reader.read()
    if reader.problems or answers is None:
        raise AnswersError(reader.problems.lines())
    return answers, reader.warnings


_LINK_IDS: dict[int, tuple[Bank, tuple[dict[str, Question], frozenset[str], frozenset[str]]]] = {}


def _link_ids(
    bank: Bank,
) -> tuple[dict[str, Question], frozenset[str], frozenset[str]]:
    """The bank's questions by linkId, and its sections' group and intro linkIds: made once
    per bank, as a bulk file reads thousands of responses against it. Only read."""
    hit = _LINK_IDS.get(id(bank))
    if hit is None or hit[0] is not bank:
        made = (
            {q.id: q for q in bank.questions},
            frozenset(group_id(s.id) for s in bank.sections),
            frozenset(intro_id(s.id) for s in bank.sections),
        )
        hit = _LINK_IDS[id(bank)] = (bank, made)  # holding `bank` keeps its id from being reused
    return hit[1]


class _Reader:
    def __init__(self, filename: str, doc: located.Located, bank: Bank) -> None:
        self.filename = filename
        self.doc = doc
        self.bank = bank
        self.problems = Problems(filename, doc)
        self.problems.add_all(doc.problems)
        self.warnings: list[str] = []
        self.questions, self.groups, self.intros = _link_ids(bank)
        self.values: dict[str, Value] = {}
        self.where: dict[str, Path] = {}  # question id -> the item that answered it
        self.who: tuple[str, Path] | None = None  # the about-whom answer, and where it is
        self.who_at: Path | None = None  # the about-whom item

    def error(self, path: Path, message: str, /, **values: object) -> None:
        self.problems.add(path, message, **values)

    # --- the resource ---------------------------------------------------------------------

    def read(self) -> Answers | None:
        found = self.find(self.doc.data)
        if found is None:
            return None
        qr, at = found
        self.keys(qr, at, RESPONSE_KEYS)
        self.modifiers(qr, at)
        version = self.questionnaire(qr.get("questionnaire"), (*at, "questionnaire"))
        finished = self.status(qr.get("status"), (*at, "status"))
        created = self.authored(qr.get("authored"), (*at, "authored"))
        subject = self.subject(qr, (*at, "subject"))
        self.items(qr.get("item"), (*at, "item"))
        perspective = self.perspective(qr, at)
        if self.problems:
            return None
        values = dict(self.values)
        given = Answers(self.bank.id, version, perspective, values)
        self.warnings += older_version_notes(self.bank, given, self.filename)
        if finished:
            _passed_over(self.bank, values, perspective)
        return Answers(
            self.bank.id,
            version,
            perspective,
            values,
            created,
            self.demo(qr.get("meta")),
            subject,
        )

    def find(self, data: object) -> _Found | None:
        """The QuestionnaireResponse: the file itself, or the one entry of a Bundle."""
        kind = data.get("resourceType") if isinstance(data, dict) else None
        if isinstance(data, dict) and kind == RESPONSE:
            return _Found(data, ())
        if not isinstance(data, dict) or kind != "Bundle":
            self.error(
                ("resourceType",),
                _("expected a {response}, or a Bundle holding one, got {value}"),
                response=RESPONSE,
                value=show_value(kind),
            )
            return None
        self.keys(data, (), BUNDLE_KEYS)
        entries = data.get("entry")
        if not isinstance(entries, list):
            entries = []
        found: list[_Found] = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                self.error(("entry", i), _("expected a Bundle entry (a mapping)"))
                continue
            self.keys(entry, ("entry", i), ENTRY_KEYS)
            resource = entry.get("resource")
            if isinstance(resource, dict) and resource.get("resourceType") == RESPONSE:
                found.append(_Found(resource, ("entry", i, "resource")))
        if len(found) != 1:
            self.error(
                ("entry",) if not found else (*found[1].path, "resourceType"),
                _("expected a Bundle holding one {response}, found {n}"),
                response=RESPONSE,
                n=len(found),
            )
            return None
        return found[0]

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

    def questionnaire(self, value: object, path: Path) -> str:
        """The bank version the answers were given to; the URL must be the bank's."""
        if not isinstance(value, str) or not value:
            self.error(
                path,
                _("expected the canonical URL of the questionnaire answered, like {example}"),
                example=repr(f"{self.bank.url}|{self.bank.version}"),
            )
            return self.bank.version
        url, _bar, version = value.partition("|")
        if url != self.bank.url:
            self.error(
                path,
                _(
                    "these answers are for the questionnaire {value}, not this bank's {url} "
                    "(use --bank with the bank it was made from)"
                ),
                value=show_value(url),
                url=repr(self.bank.url),
            )
        if not version:
            return self.bank.version
        if version != self.bank.version:
            warning = _(
                "answers were given to version {value} of the bank; "
                "checking them against version {version}"
            ).format(value=show_value(version), version=repr(self.bank.version))
            self.warnings.append(f"{self.filename}: {warning}")
        return one_line(clean(version), 40)  # it reaches CSV cells and summaries

    def status(self, value: object, path: Path) -> bool:
        """Whether the screening was finished."""
        if value == "entered-in-error":
            self.error(path, _("the response was entered in error: it is not scored"))
        elif value not in STATUSES:
            self.error(
                path,
                _("expected a status ({statuses}), got {value}{hint}"),
                statuses=", ".join(STATUSES),
                value=show_value(value),
                hint=Hint(value, STATUSES),
            )
        return value in FINISHED

    def authored(self, value: object, path: Path) -> str | None:
        """When the screening was taken, as answers files keep it (a year alone is dropped)."""
        if value is None:
            return None
        if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
            self.error(
                path,
                _("expected a FHIR dateTime like 2026-11-21T23:40:00+01:00, got {value}"),
                value=show_value(value),
            )
            return None
        if len(value) < len("2026-11-21"):
            return None
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
        except ValueError:
            self.error(path, _("{value} is not a real date and time"), value=show_value(value))
            return None

    def subject(self, qr: Mapping[str, Any], path: Path) -> str | None:
        """The clinic's reference to whom the answers are about, if it gave one."""
        value = qr.get("subject")
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(
                path,
                _("expected a Reference, like {example}"),
                example='{"reference": "Patient/1"}',
            )
            return None
        reference = value.get("reference")
        if reference is None:
            return None  # an identifier or a display only: nothing to point at
        if isinstance(reference, str) and reference.startswith("#"):
            # The response's own contained Patient (screener's export about someone else
            # without --subject): no one a clinic's system knows, so nothing to keep.
            if _contained(qr, reference) is None:
                self.error(
                    (*path, "reference"),
                    _("{value} points to no resource contained in this response"),
                    value=show_value(reference),
                )
            return None
        if not isinstance(reference, str) or not valid_reference(reference):
            self.error(
                (*path, "reference"),
                _("expected a reference like Patient/123 or an absolute URI, got {value}"),
                value=show_value(reference),
            )
            return None
        return reference

    def perspective(self, qr: Mapping[str, Any], at: Path) -> str:
        """Whose use the answers are about (see the module's docstring). A response that says
        one thing and holds another is one problem, where it says it."""
        bank = self.bank
        related = OTHER in bank.perspectives and _related_source(qr)
        source = (*at, "source", "reference")
        asked = self.asked_in()
        if self.who is not None:
            chosen, where = self.who
            if related and chosen != OTHER:
                self.error(
                    source,
                    _(
                        "the source is a RelatedPerson, someone answering about another person, "
                        "but the answer to {who} (line {line}) is {value}"
                    ),
                    who=WHO,
                    line=self.doc.line(where),
                    value=show_value(chosen),
                )
            elif clash := _first_other(asked, chosen):
                qid, (only, path) = clash
                self.error(
                    (*where, "valueCoding", "code"),
                    _(
                        "the answer is {value}, but {id} (line {line}) is asked only in "
                        "perspective {asked}"
                    ),
                    value=show_value(chosen),
                    id=qid,
                    line=self.doc.line(path),
                    asked=show_value(only),
                )
            return chosen
        if related:
            if clash := _first_other(asked, OTHER):
                qid, (only, path) = clash
                self.error(
                    source,
                    _(
                        "the source is a RelatedPerson, someone answering about another person, "
                        "but {id} (line {line}) is asked only in perspective {asked}"
                    ),
                    id=qid,
                    line=self.doc.line(path),
                    asked=show_value(only),
                )
            return OTHER
        if not asked:
            return next(iter(bank.perspectives), "self")
        first_id, (chosen, first_path) = next(iter(asked.items()))
        if clash := _first_other(asked, chosen):
            qid, (only, path) = clash
            self.error(
                (*path, "linkId"),
                _(
                    "{id} is asked only in perspective {asked}, and {first} (line {line}) only "
                    "in perspective {perspective}: one response answers for one perspective "
                    "(say which in {who})"
                ),
                id=qid,
                asked=show_value(only),
                first=first_id,
                line=self.doc.line(first_path),
                perspective=show_value(chosen),
                who=WHO,
            )
        return chosen

    def asked_in(self) -> dict[str, tuple[str, Path]]:
        """The questions in the response asked in one perspective only, in the file's order:
        id -> (that perspective, the item)."""
        out = {}
        for qid, path in self.where.items():
            only = self.bank.perspective_of(qid)
            if only is not None:
                out[qid] = (only, path)
        return out

    def demo(self, meta: object) -> str | None:
        """The persona's name when the response is marked as a demo's test data."""
        if not isinstance(meta, dict):
            return None
        security = meta.get("security")
        labels = security if isinstance(security, list) else []
        if not any(
            isinstance(c, dict)
            and c.get("system") == ACT_REASON
            and c.get("code") == TEST_DATA_CODE
            for c in labels
        ):
            return None
        tags = meta.get("tag")
        for tag in tags if isinstance(tags, list) else []:
            if isinstance(tag, dict) and tag.get("system") == PERSONA_TAG:
                name = tag.get("display") or tag.get("code")
                if isinstance(name, str) and name.strip():
                    return one_line(clean(name), 60)
        return TEST_DATA_CODE  # test data whose persona is not named

    # --- items ----------------------------------------------------------------------------

    def items(self, value: object, path: Path) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.error(path, _("expected a list of items"))
            return
        for i, item in enumerate(value):
            self.item(item, (*path, i))

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
        ext_path = (*path, "extension")
        absent = self.absent(q, item.get("extension"), ext_path)
        if absent is _BAD:
            return
        answers = item.get("answer")
        if answers is None or answers == []:
            raw: object = absent  # skipped, or "I don't know"
        elif not isinstance(answers, list):
            self.error((*path, "answer"), _("expected a list of answers"))
            return
        elif absent is not None:
            self.error(
                ext_path, _("{id} has an answer and a reason it has none: give one"), id=q.id
            )
            return
        else:
            read = [self.answer(q, a, (*path, "answer", i)) for i, a in enumerate(answers)]
            if any(r is _BAD for r in read):
                return
            marked = [i for i, r in enumerate(read) if r is _UNKNOWN or r is _DECLINED]
            if marked and len(read) > 1:
                self.error(
                    (*path, "answer", marked[0]),
                    _("{id} has an answer and a reason it has none: give one"),
                    id=q.id,
                )
                return
            if marked:
                raw, ext_path = read[0], (*path, "answer", 0, "extension")
            elif kind_of(q).repeats:
                raw = read
            elif len(read) > 1:
                self.error(
                    (*path, "answer", 1),
                    _("{id} takes one answer, got {n}"),
                    id=q.id,
                    n=len(read),
                )
                return
            else:
                raw = read[0]
        if q.role is Role.CONSENT:  # asked afresh at every run, never stored
            return
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
        stored, problem = (None, None) if raw is None else kind_of(q).check(q, raw)
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

    def answer(self, q: Question, answer: object, path: Path) -> object:
        """The value one `answer` gives `q` as an answers file would hold it, or _BAD."""
        if not isinstance(answer, dict):
            self.error(path, _("expected an answer (a mapping with a value)"))
            return _BAD
        self.keys(answer, path, ANSWER_OR_VALUE_KEYS)
        self.modifiers(answer, path)
        if answer.get("item"):
            self.error((*path, "item"), _("{id} is a question: its answers hold no items"), id=q.id)
        given = [k for k in answer if k in VALUE_KEYS]
        kind = kind_of(q)
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
            return self.code(q, value, (*path, key))
        stored, problem = kind.fhir_read(q, key, value)
        if problem is not None:
            self.error((*path, key), problem)
            return _BAD
        return stored

    def code(self, q: Question, coding: object, path: Path) -> object:
        """The option a Coding names, by its code; "I don't know" as HL7's asked-unknown
        (the answer option the Questionnaire offers); yes or no by HL7's Y and N."""
        code = coding.get("code") if isinstance(coding, dict) else None
        if not isinstance(code, str) or not code:
            self.error(path, _("expected a Coding with a code"))
            return _BAD
        assert isinstance(coding, dict)
        if coding.get("system") == ABSENT_SYSTEM and code in DONT_KNOW:
            return _UNKNOWN
        kind = kind_of(q)
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


_BAD = object()  # an answer with a problem, already noted
_UNKNOWN = object()  # "I don't know" (data-absent-reason asked-unknown)
_DECLINED = object()  # asked and not answered (data-absent-reason asked-declined): a skip


def _first_other(
    asked: Mapping[str, tuple[str, Path]], perspective: str
) -> tuple[str, tuple[str, Path]] | None:
    """The first question in the response asked only in another perspective than `perspective`."""
    return next(((q, at) for q, at in asked.items() if at[0] != perspective), None)


def _contained(qr: Mapping[str, Any], reference: str) -> Mapping[str, Any] | None:
    """The resource contained in `qr` that a `#id` reference points to."""
    contained = qr.get("contained")
    for resource in contained if isinstance(contained, list) else []:
        if isinstance(resource, dict) and resource.get("id") == reference[1:]:
            return resource
    return None


def _related_source(qr: Mapping[str, Any]) -> bool:
    """Whether a RelatedPerson gave the answers: someone answering about another person."""
    source = qr.get("source")
    reference = source.get("reference") if isinstance(source, dict) else None
    if not isinstance(reference, str):
        return False
    if reference.startswith("#"):
        found = _contained(qr, reference)
        return found is not None and found.get("resourceType") == "RelatedPerson"
    # Type/id, or an absolute URL ending in one.
    return re.search(r"(^|/)RelatedPerson/[^/]+(/_history/[^/]+)?$", reference) is not None


def _slashed(keys: tuple[str, ...]) -> str:
    return "/".join(keys)  # FHIR's names, not words: no translation


def _passed_over(bank: Bank, values: dict[str, Value], perspective: str) -> None:
    """A finished response: each question that applies and was left out was passed over, so it
    counts as skipped. Skipping one can hide others (their `show_if` is then false), so this
    runs until nothing that applies is left without an answer."""
    while todo := missing(bank, values, perspective):
        values.update(dict.fromkeys(todo))
