"""The bank as a FHIR R4 Questionnaire and a screening as a FHIR R4 Bundle; JSON-ready dicts only.

No I/O and no printing: callers `json.dumps` what these functions return (`render` does it for
the export registry, `screener.summaries.export`). Nothing heavy is imported here (no FHIR
library: the shapes are checked by the tests with `fhir.resources`), and never Rich.

Words. Codes, systems, linkIds and values are for machines and stay as they are; the displays
and notes of screener's own codes are the program's words, in the language in use (the catalog,
`screener.i18n`, and `screener.core.wording` for the words other outputs share). The displays
of HL7's own codes (`survey`, `HTEST`) are HL7's, in English, as HL7 defines them. Bank text is
the bank's.

The bank as a Questionnaire is `fhir_questionnaire`'s; the codes both use are `fhir_codes`'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from screener.core import seenwords, withdrawalwords, wording
from screener.core.conditions import applicable
from screener.core.fhirnames import ACT_REASON, PERSONA_TAG, TEST_DATA_CODE
from screener.core.kinds import kind_of
from screener.core.model import (
    OTHER,
    WHO,
    WITHDRAWAL_SCALE,
    Bank,
    Question,
    Role,
    Severity,
    Status,
    Value,
    Voice,
    word,
)
from screener.core.results import Summary
from screener.core.safetext import clean
from screener.files.answered import missing
from screener.i18n import N_, _, ngettext
from screener.summaries import fhirtext
from screener.summaries import notice as notices
from screener.summaries.fhir_codes import (
    codes_system,
    coding,
    group_id,
    perspective_coding,
    severity_system,
)
from screener.summaries.fhir_questionnaire import ENABLE_WHEN_EXPRESSION as ENABLE_WHEN_EXPRESSION
from screener.summaries.fhir_questionnaire import questionnaire as questionnaire
from screener.summaries.notice import Notice

DESCRIPTION = N_("a FHIR bundle")  # in "Saved a FHIR bundle to PATH"
SUFFIXES = (".fhir.json", ".fhir")

OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# Marks every resource made from a fictional persona's answers, so no system takes it for a
# patient's data. The display is HL7's, as its code system gives it.
TEST_DATA = {"system": ACT_REASON, "code": TEST_DATA_CODE, "display": "test health data"}

COUNT_TEXT = N_("DSM-5 opioid use disorder criteria endorsed (self-screen)")
OBSERVED_TEXT = N_(
    "DSM-5 opioid use disorder criteria matched by what someone else has seen (their account, "
    "not a diagnosis)"
)
SEVERITY_TEXT = N_("Provisional DSM-5 opioid use disorder severity (self-screen, not a diagnosis)")


# --- the file -------------------------------------------------------------------------

TRANSACTION = "transaction"
COLLECTION = "collection"
IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"  # an identifier whose value is a URI (urn:uuid:...)


VOICE: Voice = "record"  # the notice as a machine record words it


def render(summary: Summary, notice: Notice) -> str:
    """The transaction Bundle as the text of a file (the export registry's writer interface)."""
    return _dump(response_bundle(summary, notice=notice))


class _CollectionWriter:
    """The same resources as a `collection` Bundle, for a tool that only stores documents."""

    DESCRIPTION = N_("a FHIR collection bundle")
    SUFFIXES = (".collection.fhir.json",)
    VOICE: Voice = "record"

    @staticmethod
    def render(summary: Summary, notice: Notice) -> str:
        return _dump(response_bundle(summary, kind=COLLECTION, notice=notice))


COLLECTION_WRITER = _CollectionWriter()


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- the Bundle -----------------------------------------------------------------------


class _Made(NamedTuple):
    """What every resource of one Bundle shares."""

    summary: Summary
    qr_url: str  # the QuestionnaireResponse's fullUrl, which the Observations derive from
    authored: str  # when the screening was taken
    notice: Notice  # the demo banner and "not a diagnosis", as the registry words them


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def response_bundle(
    summary: Summary,
    new_id: Callable[[], str] | None = None,
    kind: str = TRANSACTION,
    notice: Notice | None = None,
) -> dict[str, Any]:
    """A Bundle of the QuestionnaireResponse and the Observations derived from it.

    `kind` is `transaction` (the default: a FHIR server takes the file as it is, in one POST
    to its base URL, all or nothing, and turns the `urn:uuid:` references into its own ids) or
    `collection` (the same resources, to be stored as they are). In a transaction every entry
    is a conditional create on its identifier (`ifNoneExist`), so posting the same file twice
    adds nothing the second time. Each fullUrl and each identifier is a UUID of its own.
    `new_id` makes the UUIDs (fullUrls, identifiers and the Bundle identifier); tests pass a
    counter. `notice` is the export registry's (made here when not given): its demo banner
    opens every narrative, and "not a diagnosis" closes the notes of the count and severity.

    Observations: the criteria count and the severity are always there, a screened-out result
    included: "no opioid use in 12 months" gives a count of 0 and severity none, which is a
    fact about this screening, not a missing value (a note says why). When criteria are
    unanswered, a component carries the highest possible count or severity and a note says so.
    The SOWS total is there only when the withdrawal items were offered and at least one was
    answered; a component says how many of the items were.
    """
    make_id = new_id or _uuid
    if summary.created.tzinfo is None:  # FHIR instants need an offset: take it as local time
        summary = summary._replace(created=summary.created.astimezone())
    bundle_id = make_id()
    made = _Made(
        summary,
        qr_url=f"urn:uuid:{make_id()}",
        authored=_when(summary.answers.created, summary.created),
        notice=notices.of(summary, VOICE) if notice is None else notice,
    )
    qr = _response(made)
    entries = _entries(made, qr, _observations(made), make_id, kind)
    bundle: dict[str, Any] = {"resourceType": "Bundle"}
    meta = _meta(summary.answers.demo)
    if meta:  # a Bundle has `meta` but no narrative (`text`)
        bundle["meta"] = meta
    bundle["identifier"] = _identifier(f"urn:uuid:{bundle_id}")
    bundle["type"] = kind
    bundle["timestamp"] = summary.created.isoformat(timespec="seconds")
    bundle["entry"] = entries
    return bundle


def _observations(made: _Made) -> list[dict[str, Any]]:
    """The Observations derived from the response, each with its narrative."""
    summary = made.summary
    if summary.answers.perspective == OTHER:  # no severity for someone who was not asked
        observations = [_count(made)]
    else:
        observations = [_count(made), _severity(made)]
    w = summary.result.withdrawal
    if w is not None and w.answered:
        observations.append(_withdrawal(made))
    for obs in observations:
        obs["text"] = _observation_text(obs, made.notice)
    return observations


def _entries(
    made: _Made,
    qr: dict[str, Any],
    observations: list[dict[str, Any]],
    make_id: Callable[[], str],
    kind: str,
) -> list[dict[str, Any]]:
    """The Bundle's entries: each resource with its fullUrl and identifier (and, in a
    transaction, the request that creates it unless it is there already)."""
    made_urls = [made.qr_url] + [f"urn:uuid:{make_id()}" for _ in observations]
    entries = []
    for url, resource in zip(made_urls, [qr, *observations], strict=True):
        # An identifier of its own, never the fullUrl: a server rewrites every string that
        # holds a fullUrl into the id it gives the resource (`QuestionnaireResponse/1`), so an
        # identifier equal to it would be stored changed, `ifNoneExist` would never match it
        # again, and posting the file twice would keep two of everything.
        identifier = _identifier(f"urn:uuid:{make_id()}")
        resource["identifier"] = identifier if resource is qr else [identifier]
        entry: dict[str, Any] = {"fullUrl": url, "resource": _ordered(resource)}
        if kind == TRANSACTION:
            entry["request"] = {
                "method": "POST",
                "url": resource["resourceType"],
                "ifNoneExist": f"identifier={IDENTIFIER_SYSTEM}|{identifier['value']}",
            }
        entries.append(entry)
    return entries


def _identifier(url: str) -> dict[str, str]:
    return {"system": IDENTIFIER_SYSTEM, "value": url}


# The order R4 lists the elements in, for a reader of the file (JSON itself has no order).
_ORDER = (
    "resourceType", "meta", "language", "text", "contained", "identifier", "questionnaire",
    "status", "category", "code", "subject", "effectiveDateTime", "issued", "authored", "source",
    "valueInteger", "valueCodeableConcept", "note", "derivedFrom", "component", "item",
)  # fmt: skip


def _ordered(resource: dict[str, Any]) -> dict[str, Any]:
    rank = {key: i for i, key in enumerate(_ORDER)}
    return dict(sorted(resource.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def _when(created: str | None, fallback: datetime) -> str:
    """When the screening was taken: the answers' own time if it reads as one, else `fallback`.

    A time without an offset is taken to be in `fallback`'s zone (FHIR needs one); a date alone
    stays a date rather than gaining a made-up midnight.
    """
    if created:
        text = created.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return text
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=fallback.tzinfo)
            return when.isoformat(timespec="seconds")
    return fallback.isoformat(timespec="seconds")


def _meta(demo: str | None) -> dict[str, Any]:
    """`meta` for a resource: on fictional answers, HL7's test-data label and the persona's
    name as a tag (screener reads both back). Made afresh for each resource, so that no two
    share a mutable part."""
    if demo is None:
        return {}
    name = clean(demo)
    code = " ".join(name.split()) or TEST_DATA_CODE  # a FHIR code: single spaces only
    return {
        "security": [dict(TEST_DATA)],
        "tag": [{"system": PERSONA_TAG, "code": code, "display": name}],
    }


def _demo_line(notice: Notice) -> list[str]:
    """The visible "DEMO" paragraph that opens every narrative of fictional answers."""
    if notice.demo is None:
        return []
    return [fhirtext.para(notice.demo.text)]


def _subject(summary: Summary) -> dict[str, Any]:
    subject = summary.answers.subject
    return {"subject": {"reference": subject}} if subject else {}


def _response(made: _Made) -> dict[str, Any]:
    bank, answers = made.summary.bank, made.summary.answers
    shown, counted = applicable(bank.about(answers.perspective), answers.values)
    asked = {q.id for q in shown if q.id in counted and q.role is not Role.CONSENT}
    groups = []
    blocks = [*_demo_line(made.notice), fhirtext.heading(bank.about(answers.perspective).title)]
    if len(bank.perspectives) > 1:  # "Who is this screening about?", as the Questionnaire
        label = bank.perspectives.get(answers.perspective, answers.perspective)
        blocks.append(fhirtext.listing([fhirtext.pair(wording.who_text(), label)]))
    if answers.perspective == OTHER:
        blocks.append(fhirtext.para(seenwords.whose_account("record")))
    for section in bank.sections:
        questions = [q for q in section.questions if q.id in asked]
        if not questions:
            continue
        items = [_answer_item(bank, q, counted[q.id], answers.perspective) for q in questions]
        groups.append({"linkId": group_id(section), "text": clean(section.title), "item": items})
        blocks.append(fhirtext.para(section.title))
        # The bank's short label for each question, as the summaries' tables have it.
        lines = [fhirtext.pair(q.short, wording.answer_label(q, counted[q.id])) for q in questions]
        blocks.append(fhirtext.listing(lines))
    if len(bank.perspectives) > 1:  # "Who is this screening about?", as the Questionnaire
        who = {"valueCoding": perspective_coding(bank, answers.perspective)}
        groups.insert(0, {"linkId": WHO, "text": clean(wording.who_text()), "answer": [who]})
    unfinished = missing(bank, answers.values, answers.perspective)
    if unfinished:
        blocks.append(fhirtext.para(wording.not_finished(made.summary.result)))
    qr: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    meta = _meta(answers.demo)
    if meta:
        qr["meta"] = meta
    qr.update(
        {
            "language": bank.language,
            "text": fhirtext.narrative(*blocks),
            "questionnaire": f"{bank.url}|{bank.version}",
            "status": "in-progress" if unfinished else "completed",
            **_subject(made.summary),
            "authored": made.authored,
        }
    )
    if answers.perspective == OTHER:
        _about_someone_else(qr, answers.subject)
    qr["item"] = groups
    return qr


# Answers about someone else: the QuestionnaireResponse's `subject` is the person they are
# about and its `source` (who gave the answers) a RelatedPerson of theirs, contained in the
# response, with no name, identifier or anything else that could tell who they are or link this
# response to any other. Without `--subject` the person it is about is a contained Patient as
# bare as that; with it, the clinic's reference (the clinic knows whom it screens about), which
# the RelatedPerson is then related to. The source stays contained either way: screener knows
# nothing of the person answering that a server could look up.
SUBJECT_ID = "subject"
INFORMANT_ID = "informant"


def _about_someone_else(qr: dict[str, Any], subject: str | None) -> None:
    contained: list[dict[str, Any]] = []
    if subject:
        about: dict[str, Any] = {"reference": subject}
    else:
        about = {"reference": f"#{SUBJECT_ID}", "display": _("the person it is about")}
        contained.append({"resourceType": "Patient", "id": SUBJECT_ID})
    contained.append(
        {
            "resourceType": "RelatedPerson",
            "id": INFORMANT_ID,
            "patient": {"reference": about["reference"]},
        }
    )
    qr["contained"] = contained
    qr["subject"] = about
    qr["source"] = {"reference": f"#{INFORMANT_ID}", "display": seenwords.whose_account("record")}


# Marks an answer "I don't know" (kept apart from a skipped question, which has no answer and
# no mark): the HL7 data-absent-reason extension on the item, with no answer beside it.
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"


def _answer_item(bank: Bank, q: Question, value: Value, perspective: str) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": q.id, "text": clean(word(q.text, perspective))}
    if q.is_unknown(value):
        item["extension"] = [{"url": DATA_ABSENT_REASON, "valueCode": "asked-unknown"}]
        return item
    answers = _typed(bank, q, value)
    if answers:
        item["answer"] = answers
    return item


def _typed(bank: Bank, q: Question, value: Value) -> list[dict[str, Any]]:
    """The `answer` list for a stored value: empty when skipped."""
    return kind_of(q).fhir_answers(q, value, lambda v: coding(bank, q, v))


def _observation(made: _Made, code: str, display: str) -> dict[str, Any]:
    system = codes_system(made.summary.bank)
    obs: dict[str, Any] = {"resourceType": "Observation"}
    meta = _meta(made.summary.answers.demo)
    if meta:
        obs["meta"] = meta
    obs.update(
        {
            "status": "final",
            "category": [
                {
                    "coding": [
                        {"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}
                    ]
                }
            ],
            "code": {
                "coding": [{"system": system, "code": code, "display": display}],
                "text": display,
            },
            **_subject(made.summary),
            "effectiveDateTime": made.authored,
            "issued": made.summary.created.isoformat(timespec="seconds"),
            "derivedFrom": [{"reference": made.qr_url}],
        }
    )
    return obs


def _observation_text(obs: dict[str, Any], notice: Notice) -> dict[str, Any]:
    """An Observation's narrative, read from its own parts: what it measures and the value,
    each component, then the notes."""

    def shown(part: dict[str, Any]) -> str:
        if "valueCodeableConcept" in part:
            return str(part["valueCodeableConcept"]["text"])
        return str(part["valueInteger"])

    blocks = [*_demo_line(notice), fhirtext.para(shown(obs), strong=obs["code"]["text"])]
    lines = [
        fhirtext.pair(c["code"]["coding"][0]["display"], shown(c)) for c in obs.get("component", [])
    ]
    blocks.append(fhirtext.listing(lines))
    blocks += [fhirtext.para(note["text"]) for note in obs.get("note", [])]
    return fhirtext.narrative(*blocks)


def _notes(made: _Made) -> list[str]:
    """What a reader of the count or severity needs to know to read it right."""
    r = made.summary.result
    notes = []
    if r.perspective == OTHER:
        notes.append(seenwords.whose_account("record"))
    if r.screened_out:
        notes.append(
            _("No opioid use in the past 12 months was reported, so no criterion applies.")
        )
    if r.ids(Status.UNCERTAIN):
        notes.append(wording.uncertain_supervision("record"))
    n = len(r.ids(Status.UNANSWERED))
    if n:
        notes.append(
            ngettext(
                "{n} of the 11 criteria was not answered: the count is {count} as answered and "
                "could be as high as {top}.",
                "{n} of the 11 criteria were not answered: the count is {count} as answered and "
                "could be as high as {top}.",
                n,
            ).format(n=n, count=r.count, top=r.count_max)
        )
    unknown = len(r.ids(Status.UNKNOWN))
    if unknown:
        notes.append(
            ngettext(
                '{n} of the 11 criteria is not known (answered "don\'t know", or not something '
                "anyone else can see): the count is {count} and could be as high as {top}.",
                '{n} of the 11 criteria are not known (answered "don\'t know", or not something '
                "anyone else can see): the count is {count} and could be as high as {top}.",
                unknown,
            ).format(n=unknown, count=r.count, top=r.count_max)
        )
    if r.supervised_exclusion:
        notes.append(
            _(
                "Tolerance and withdrawal are not counted: all opioid use was reported as "
                "prescribed and taken under medical care."
            )
        )
    notes.append(made.notice.diagnosis)
    return notes


def _count(made: _Made) -> dict[str, Any]:
    summary = made.summary
    r = summary.result
    if r.perspective == OTHER:
        obs = _observation(made, "criteria-count-observed", _(OBSERVED_TEXT))
    else:
        obs = _observation(made, "criteria-count", _(COUNT_TEXT))
    obs["valueInteger"] = r.count
    if r.count_max != r.count:
        obs["component"] = [
            {
                "code": _code(summary.bank, "criteria-count-max", _("Highest possible count")),
                "valueInteger": r.count_max,
            }
        ]
    obs["note"] = [{"text": t} for t in _notes(made)]
    return obs


def _severity_concept(bank: Bank, severity: Severity) -> dict[str, Any]:
    display = wording.severity_display(severity)
    return {
        "coding": [{"system": severity_system(bank), "code": severity.value, "display": display}],
        "text": display,
    }


def _severity(made: _Made) -> dict[str, Any]:
    summary = made.summary
    r, bank = summary.result, summary.bank
    obs = _observation(made, "severity", _(SEVERITY_TEXT))
    obs["valueCodeableConcept"] = _severity_concept(bank, r.severity)
    if r.severity_max is not r.severity:
        obs["component"] = [
            {
                "code": _code(bank, "severity-max", _("Highest possible severity")),
                "valueCodeableConcept": _severity_concept(bank, r.severity_max),
            }
        ]
    obs["note"] = [{"text": t} for t in _notes(made)]
    return obs


def _withdrawal(made: _Made) -> dict[str, Any]:
    bank, w = made.summary.bank, made.summary.result.withdrawal
    assert w is not None
    title = clean(bank.scales[WITHDRAWAL_SCALE].formal)
    obs = _observation(made, f"{WITHDRAWAL_SCALE}-total", _("{scale}: total").format(scale=title))
    obs["valueInteger"] = w.score
    obs["component"] = [
        {
            "code": _code(bank, f"{WITHDRAWAL_SCALE}-answered", _("Items answered")),
            "valueInteger": w.answered,
        }
    ]
    if w.complete:
        note = ngettext(
            "How the person felt at the time of the screening. {answered} of {items} item "
            "answered; the total is 0 to {max}.",
            "How the person felt at the time of the screening. {answered} of {items} items "
            "answered; the total is 0 to {max}.",
            w.items,
        )
    else:
        note = ngettext(
            "How the person felt at the time of the screening. {answered} of {items} item "
            "answered; the total is 0 to {max}. Unanswered items add nothing, so the total is a "
            "lower bound.",
            "How the person felt at the time of the screening. {answered} of {items} items "
            "answered; the total is 0 to {max}. Unanswered items add nothing, so the total is a "
            "lower bound.",
            w.items,
        )
    said = note.format(answered=w.answered, items=w.items, max=w.max)
    translated = withdrawalwords.translated_scale_note(bank)
    obs["note"] = [{"text": f"{said} {translated}" if translated else said}]
    return obs


def _code(bank: Bank, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": codes_system(bank), "code": code, "display": display}]}
