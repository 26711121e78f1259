"""Read a FHIR R4 QuestionnaireResponse (alone, or the one in a Bundle) as answers; never prints.

`answers.parse_answers` hands over any file whose top is a FHIR resource, so `score`, `run
--answers` and the caseload read one wherever they read an answers file. It owns what the
response's envelope means to screener (its items, and what each answer holds, are
`fhirin_items`'s, and each kind's FHIR is its own), and the problems found, each at its JSON path
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
    ACT_REASON,
    PERSONA_TAG,
    TEST_DATA_CODE,
    valid_reference,
)
from screener.core.kinds import VALUE_CODING
from screener.core.model import OTHER, WHO, Bank, Value
from screener.core.results import Answers
from screener.core.safetext import clean, one_line, show_value
from screener.errors import AnswersError
from screener.files import located
from screener.files.answered import missing, older_version_notes
from screener.files.fhirin_items import ItemReader, link_ids
from screener.files.problems import Hint
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
FINISHED = ("completed", "amended")
PART_WAY = ("in-progress", "stopped")
STATUSES = (*PART_WAY, *FINISHED, "entered-in-error")

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


class _Reader(ItemReader):
    """Reads the response around its items: where it is, which bank and version, status,
    when, about whom, and whose use; then the answers its items gave."""

    def __init__(self, filename: str, doc: located.Located, bank: Bank) -> None:
        super().__init__(filename, doc, bank)

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
        related = OTHER in self.bank.perspectives and _related_source(qr)
        if self.who is not None and (not related or self.who[0] == OTHER):
            elsewhere = self.bank.made(_asked_elsewhere).get(self.who[0])
            if elsewhere is not None and elsewhere.isdisjoint(self.where):
                return self.who[0]  # the usual: said, and no question answered says otherwise
        source = (*at, "source", "reference")
        asked = self.asked_in()
        if self.who is not None:
            return self.said_perspective(self.who, related, source, asked)
        if related:
            return self.related_perspective(source, asked)
        if not asked:
            return next(iter(self.bank.perspectives), "self")
        return self.answered_perspective(asked)

    def said_perspective(
        self,
        who: tuple[str, Path],
        related: bool,
        source: Path,
        asked: dict[str, tuple[str, Path]],
    ) -> str:
        """The perspective the about-whom answer gives, if nothing else in the response
        contradicts it."""
        chosen, where = who
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
                (*where, VALUE_CODING, "code"),
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

    def related_perspective(self, source: Path, asked: dict[str, tuple[str, Path]]) -> str:
        """Someone answering about another person, if no question says otherwise."""
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

    def answered_perspective(self, asked: dict[str, tuple[str, Path]]) -> str:
        """The one perspective the questions answered are asked in."""
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
        only = self.only_in
        return {qid: (only[qid], path) for qid, path in self.where.items() if qid in only}

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


def _asked_elsewhere(bank: Bank) -> dict[str, frozenset[str]]:
    """For each perspective of `bank`, the questions asked only in another: made once per
    bank and kept with it. Only read."""
    only_in = link_ids(bank).only_in
    return {p: frozenset(q for q, only in only_in.items() if only != p) for p in bank.perspectives}


def _passed_over(bank: Bank, values: dict[str, Value], perspective: str) -> None:
    """A finished response: each question that applies and was left out was passed over, so it
    counts as skipped. Skipping one can hide others (their `show_if` is then false), so this
    runs until nothing that applies is left without an answer."""
    while todo := missing(bank, values, perspective):
        values.update(dict.fromkeys(todo))
