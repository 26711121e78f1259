"""The bank as a FHIR R4 Questionnaire and a screening as a FHIR R4 Bundle; JSON-ready dicts only.

No I/O and no printing: callers `json.dumps` what these functions return (`render` does it for
the export registry, `screener.summaries.export`). Nothing heavy is imported here (no FHIR
library: the shapes are checked by the tests with `fhir.resources`), and never Rich.

Words. Codes, systems, linkIds and values are for machines and stay as they are; the displays
and notes of screener's own codes are the program's words, in the language in use (the catalog,
`screener.i18n`, and `screener.core.wording` for the words other outputs share). The displays
of HL7's own codes (`survey`, `HTEST`) are HL7's, in English, as HL7 defines them. Bank text is
the bank's.

Codes. No LOINC or SNOMED code exists for a DSM-5 opioid use disorder checklist or for SOWS, so
every code comes from code systems named after the bank's canonical URI (`Bank.url`, the
Questionnaire's `url`), one system per kind of concept:

- `{url}/codes`: what the Observations measure (`criteria-count`, `criteria-count-max`,
  `severity`, `severity-max`, `sows-total`, `sows-answered`; the scale part is the scale id);
- `{url}/severity`: the DSM-5 severity bands `none`, `mild`, `moderate`, `severe`;
- `{url}/criteria`: the 11 DSM-5 criterion keys (the `code` of the question that asks each);
- `{url}/scale/{scale id}`: a rating scale's options, code = the value (`"0"` to `"4"`);
- `{url}/options/{question id}`: a choice or multi question's options, code = the value.

The Questionnaire and the QuestionnaireResponse use the same codings, so an answer's coding is
always one of its question's `answerOption`s.

Conditions. A `show_if` becomes `enableWhen` wherever FHIR can say the same thing (after pushing
`not` down to the leaves): `equals` and `contains` give `=`, `in` and a scale's `at_least` give
one `=` per value with `enableBehavior: any`, and `not` of those gives `!=` (FHIR: "no answer
equals", which is true for an unanswered question, as `not` is in screener). `all`/`any` of such
parts give `enableBehavior` all/any. Anything else (a mix of all and any, or `at_least` on a
multi question) becomes the SDC `enableWhenExpression` extension, a FHIRPath expression with the
same meaning, and no `enableWhen` beside it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from screener.core import fhirnames, wording
from screener.core.conditions import applicable, describe
from screener.core.fhirnames import (
    ABSENT_SYSTEM,
    ACT_REASON,
    ASKED_UNKNOWN,
    PERSONA_TAG,
    TEST_DATA_CODE,
    intro_id,
)
from screener.core.kinds import kind_of
from screener.core.model import (
    NONE_OPTION,
    OTHER,
    WHO,
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
    Severity,
    Status,
    Summary,
    Value,
    word,
)
from screener.core.safetext import clean
from screener.files.answered import missing
from screener.i18n import N_, _, ngettext
from screener.summaries import fhirtext

DESCRIPTION = N_("a FHIR bundle")  # in "Saved a FHIR bundle to PATH"
SUFFIXES = (".fhir.json", ".fhir")

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)
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

# --- code systems ---------------------------------------------------------------------


def codes_system(bank: Bank) -> str:
    return f"{bank.url}/codes"


def severity_system(bank: Bank) -> str:
    return f"{bank.url}/severity"


def criteria_system(bank: Bank) -> str:
    return f"{bank.url}/criteria"


def option_system(bank: Bank, q: Question) -> str:
    """The code system of `q`'s options: its scale's, or its own."""
    if kind_of(q).on_scale and q.scale is not None:
        return f"{bank.url}/scale/{q.scale}"
    return f"{bank.url}/options/{q.id}"


def group_id(section: Section | str) -> str:
    """A section's linkId (`fhirnames.group_id`)."""
    return fhirnames.group_id(section if isinstance(section, str) else section.id)


def dont_know_coding() -> dict[str, Any]:
    """The answer option "I don't know" (HL7 data-absent-reason asked-unknown)."""
    return {"system": ABSENT_SYSTEM, "code": ASKED_UNKNOWN, "display": wording.dont_know()}


def _stored(value: object) -> Value:
    return value if isinstance(value, bool | int | str | tuple) else None


def _coding(bank: Bank, q: Question, value: object) -> dict[str, Any]:
    kind = kind_of(q)
    code, system = kind.fhir_code(q, value)
    if system is not None:  # the kind's own codes (yes and no): its own words for them
        return {"system": system, "code": code, "display": kind.label(q, _stored(value))}
    display = next((o.label for o in q.options if str(o.value) == code), code)
    return {"system": option_system(bank, q), "code": code, "display": clean(display)}


# --- the Questionnaire ----------------------------------------------------------------


def questionnaire(bank: Bank) -> dict[str, Any]:
    """The bank as an R4 Questionnaire: one group per section, the consent question left out.

    A bank with more than one perspective starts with "Who is this screening about?" (linkId
    `about-whom`, one option per perspective), and each section asked in one perspective is
    enabled when that option is chosen. Text is in the section's perspective, else the bank's
    first. Each section's intro is a `display` item.
    """
    first = next(iter(bank.perspectives), "self")
    items = []
    if len(bank.perspectives) > 1:
        items.append(
            {
                "linkId": WHO,
                "text": clean(wording.who_text()),
                "type": "choice",
                "required": True,
                "extension": [_item_control("radio-button")],
                "answerOption": [
                    {"valueCoding": perspective_coding(bank, p)} for p in bank.perspectives
                ],
            }
        )
    for section in bank.sections:
        who = section.perspective or first
        questions = [_q_item(bank, q, who) for q in section.questions if q.role is not Role.CONSENT]
        if not questions:
            continue
        group: dict[str, Any] = {
            "linkId": group_id(section),
            "text": clean(section.title),
            "type": "group",
        }
        group.update(_section_enable(bank, section))
        intro = clean(word(section.intro, who)) if section.intro else ""
        if intro:
            questions.insert(0, {"linkId": intro_id(section.id), "text": intro, "type": "display"})
        group["item"] = questions
        items.append(group)
    form: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "language": bank.language,
        "text": _form_text(bank, first),
        # How versions compare, which SDC asks beside a `version` (sdc-2): R5's
        # `versionAlgorithm`, carried into R4 by its cross-version extension.
        "extension": [{"url": VERSION_ALGORITHM, "valueCoding": _version_algorithm(bank.version)}],
        "url": bank.url,
        "version": bank.version,
        "name": computable_name(bank.id),
        "title": clean(bank.title),
        "status": "active",
        # Whom the answers are about: a patient, whoever gives them.
        "subjectType": ["Patient"],
    }
    if bank.date:
        form["date"] = bank.date
    if bank.publisher:
        form["publisher"] = clean(bank.publisher)
    form["item"] = items
    return form


VERSION_ALGORITHM = (
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-Questionnaire.versionAlgorithm[x]"
)
VERSION_ALGORITHMS = "http://hl7.org/fhir/version-algorithm"
_SEMVER = re.compile(
    r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)


def _version_algorithm(version: str) -> dict[str, str]:
    """`semver` for a version such as 2.0.0 (the bank format's own); a bank whose version has
    another shape (`3`, `2026-12`) says that its versions compare as `natural` text."""
    if _SEMVER.fullmatch(version):
        return {"system": VERSION_ALGORITHMS, "code": "semver", "display": "SemVer"}
    return {"system": VERSION_ALGORITHMS, "code": "natural", "display": "Natural"}


def _form_text(bank: Bank, first: str) -> dict[str, Any]:
    """The Questionnaire's narrative: its title, "Who is this screening about?" when asked,
    then each section's questions in order, each in its section's perspective."""
    blocks = [fhirtext.heading(bank.title)]
    if len(bank.perspectives) > 1:
        blocks.append(fhirtext.para(wording.who_text()))
        blocks.append(fhirtext.listing(fhirtext.text(p) for p in bank.perspectives.values()))
    for section in bank.sections:
        asked = [q for q in section.questions if q.role is not Role.CONSENT]
        if asked:
            blocks.append(fhirtext.para(section.title))
            who = section.perspective or first
            lines = [fhirtext.text(word(q.text, who)) for q in asked]
            blocks.append(fhirtext.listing(lines, ordered=True))
    return fhirtext.narrative(*blocks)


def computable_name(bank_id: str) -> str:
    """`oud-self-screen` -> `OudSelfScreen` (FHIR wants a name usable as an identifier)."""
    name = "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", bank_id))
    return name if name[:1].isalpha() else f"Bank{name}"


def _q_item(bank: Bank, q: Question, perspective: str) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": q.id}
    if q.criterion is not None:
        meaning = bank.criteria.get(q.criterion, q.criterion)
        item["code"] = [
            {"system": criteria_system(bank), "code": q.criterion, "display": clean(meaning)}
        ]
    item["text"] = clean(word(q.text, perspective))
    kind = kind_of(q)
    item["type"] = kind.fhir_item_type(q)
    if q.show_if is not None:
        item.update(_enable(bank, q.show_if))
    if q.required:
        item["required"] = True
    if kind.repeats:
        item["repeats"] = True
    if kind.fhir_coded(q):
        # Radio buttons or check boxes rather than a drop-down: every option in view, as on
        # screener's own screen.
        control = "check-box" if kind.repeats else "radio-button"
        item["extension"] = [*item.get("extension", []), _item_control(control)]
        options = []
        for value in kind.fhir_option_values(q):
            option: dict[str, Any] = {"valueCoding": _coding(bank, q, value)}
            extensions = []
            if kind.on_scale:
                extensions.append({"url": ITEM_WEIGHT, "valueDecimal": value})
            if kind.repeats and value == NONE_OPTION:  # "none of these" goes alone
                extensions.append({"url": OPTION_EXCLUSIVE, "valueBoolean": True})
            if extensions:
                option = {"extension": extensions, **option}
            options.append(option)
        if q.unknown:  # "I don't know", as the terminal offers it: alone, like "none of these"
            unknown: dict[str, Any] = {"valueCoding": dont_know_coding()}
            if kind.repeats:
                alone = {"url": OPTION_EXCLUSIVE, "valueBoolean": True}
                unknown = {"extension": [alone], **unknown}
            options.append(unknown)
        item["answerOption"] = options
    return item


def _item_control(code: str) -> dict[str, Any]:
    """The SDC item-control hint; the display is HL7's, as its code system gives it."""
    display = {"radio-button": "Radio Button", "check-box": "Check-box"}[code]
    coding = {"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [coding]}}


def perspectives_system(bank: Bank) -> str:
    return f"{bank.url}/perspectives"


def perspective_coding(bank: Bank, perspective: str) -> dict[str, Any]:
    label = bank.perspectives.get(perspective, perspective)
    return {"system": perspectives_system(bank), "code": perspective, "display": clean(label)}


# --- show_if as enableWhen ------------------------------------------------------------


def _section_enable(bank: Bank, section: Section) -> dict[str, Any]:
    """A group's enableWhen: its `show_if`, and in a bank with several perspectives the
    answer to "Who is this screening about?" that it is asked for."""
    base = _enable(bank, section.show_if) if section.show_if is not None else {}
    if section.perspective is None or len(bank.perspectives) <= 1:
        return base
    who = {
        "question": WHO,
        "operator": "=",
        "answerCoding": perspective_coding(bank, section.perspective),
    }
    whens = base.get("enableWhen")
    if not base:
        return {"enableWhen": [who]}
    if whens is not None and (len(whens) == 1 or base.get("enableBehavior") == "all"):
        return {"enableWhen": [who, *whens], "enableBehavior": "all"}
    # show_if needs an expression (or is an `any`): say the perspective in it too.
    assert section.show_if is not None
    chosen = (
        f"%resource.repeat(item).where(linkId = {_quote(WHO)}).answer"
        f".where(value.code = {_quote(section.perspective)}).exists()"
    )
    expression = {
        "description": describe(section.show_if),
        "language": "text/fhirpath",
        "expression": f"({chosen}) and ({fhirpath(bank, section.show_if)})",
    }
    return {"extension": [{"url": ENABLE_WHEN_EXPRESSION, "valueExpression": expression}]}


# (enableBehavior, enableWhen list); the behavior only matters with more than one entry.
_Parts = tuple[str, list[dict[str, Any]]]


def _enable(bank: Bank, cond: Condition) -> dict[str, Any]:
    """`enableWhen` (and `enableBehavior`) for `cond`, or the SDC expression extension."""
    parts = _parts(bank, _push_not(cond))
    if parts is not None:
        behavior, whens = parts
        out: dict[str, Any] = {"enableWhen": whens}
        if len(whens) > 1:
            out["enableBehavior"] = behavior
        return out
    expression = {
        "description": describe(cond),
        "language": "text/fhirpath",
        "expression": fhirpath(bank, cond),
    }
    return {"extension": [{"url": ENABLE_WHEN_EXPRESSION, "valueExpression": expression}]}


def _push_not(cond: Condition, negate: bool = False) -> Condition:
    """`cond` with every `not` moved down onto a leaf (De Morgan)."""
    if isinstance(cond, Not):
        return _push_not(cond.item, not negate)
    if isinstance(cond, AllOf | AnyOf):
        items = tuple(_push_not(c, negate) for c in cond.items)
        every = isinstance(cond, AllOf) != negate  # not all -> any of the nots, and back
        return AllOf(items) if every else AnyOf(items)
    return Not(cond) if negate else cond


def _parts(bank: Bank, cond: Condition) -> _Parts | None:
    """The enableWhen entries for `cond` (`not` on leaves only), or None if FHIR cannot say it."""
    if isinstance(cond, AllOf | AnyOf):
        behavior = "all" if isinstance(cond, AllOf) else "any"
        whens: list[dict[str, Any]] = []
        for c in cond.items:
            part = _parts(bank, c)
            if part is None or (len(part[1]) > 1 and part[0] != behavior):
                return None
            whens.extend(part[1])
        return behavior, whens
    negated = isinstance(cond, Not)
    leaf = cond.item if isinstance(cond, Not) else cond
    if not isinstance(leaf, Leaf) or leaf.subject != "question":
        return None
    q = bank.question(leaf.name)
    values = _leaf_values(q, leaf)
    if values is None:
        return None
    answer_key, make = _answer_of(bank, q)
    operator = "!=" if negated else "="
    entries = [{"question": q.id, "operator": operator, answer_key: make(v)} for v in values]
    # Not one of several values: none of them (all); one of several values: any.
    return ("all" if negated else "any"), entries


def _leaf_values(q: Question, leaf: Leaf) -> list[object] | None:
    """The values a leaf's answer is tested against (any of them), or None if not a list."""
    if leaf.op in ("equals", "contains"):
        return [leaf.value]
    if leaf.op == "in" and isinstance(leaf.value, list | tuple):
        return list(leaf.value)
    if leaf.op == "at_least" and kind_of(q).on_scale and isinstance(leaf.value, int):
        return [o.value for o in q.options if int(o.value) >= leaf.value]
    return None  # at_least on a multi question counts its answers


def _answer_of(bank: Bank, q: Question) -> tuple[str, Callable[[object], object]]:
    return kind_of(q).fhir_enable(q, lambda v: _coding(bank, q, v))


def fhirpath(bank: Bank, cond: Condition) -> str:
    """`cond` as a FHIRPath boolean over the QuestionnaireResponse (`%resource`).

    An unanswered question makes a leaf false, as in screener; `exists()` keeps every leaf a
    boolean, so `not()` of one is true for an unanswered question.
    """
    if isinstance(cond, AllOf | AnyOf):
        joiner = " and " if isinstance(cond, AllOf) else " or "
        return joiner.join(f"({fhirpath(bank, c)})" for c in cond.items)
    if isinstance(cond, Not):
        return f"({fhirpath(bank, cond.item)}).not()"
    q = bank.question(cond.name)
    answers = f"%resource.repeat(item).where(linkId = {_quote(q.id)}).answer"
    values = _leaf_values(q, cond)
    if values is None:  # at_least on a multi question: how many were chosen
        # exists(): a skipped question is false even for `at_least: 0`, as in screener.
        return f"{answers}.exists() and {answers}.count() >= {cond.value}"
    kind = kind_of(q)
    tests = " or ".join(kind.fhirpath_test(q, v, _quote) for v in values)
    return f"{answers}.where({tests}).exists()"


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# --- the file -------------------------------------------------------------------------

TRANSACTION = "transaction"
COLLECTION = "collection"
IDENTIFIER_SYSTEM = "urn:ietf:rfc:3986"  # an identifier whose value is a URI (urn:uuid:...)


def render(summary: Summary) -> str:
    """The transaction Bundle as the text of a file (the export registry's writer interface)."""
    return _dump(response_bundle(summary))


class _CollectionWriter:
    """The same resources as a `collection` Bundle, for a tool that only stores documents."""

    DESCRIPTION = N_("a FHIR collection bundle")
    SUFFIXES = (".collection.fhir.json",)

    @staticmethod
    def render(summary: Summary) -> str:
        return _dump(response_bundle(summary, kind=COLLECTION))


COLLECTION_WRITER = _CollectionWriter()


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- the Bundle -----------------------------------------------------------------------


class _Made(NamedTuple):
    """What every resource of one Bundle shares."""

    summary: Summary
    qr_url: str  # the QuestionnaireResponse's fullUrl, which the Observations derive from
    authored: str  # when the screening was taken


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def response_bundle(
    summary: Summary, new_id: Callable[[], str] | None = None, kind: str = TRANSACTION
) -> dict[str, Any]:
    """A Bundle of the QuestionnaireResponse and the Observations derived from it.

    `kind` is `transaction` (the default: a FHIR server takes the file as it is, in one POST
    to its base URL, all or nothing, and turns the `urn:uuid:` references into its own ids) or
    `collection` (the same resources, to be stored as they are). In a transaction every entry
    is a conditional create on its identifier (`ifNoneExist`), so posting the same file twice
    adds nothing the second time. Each fullUrl and each identifier is a UUID of its own.
    `new_id` makes the UUIDs (fullUrls, identifiers and the Bundle identifier); tests pass a
    counter.

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
    )
    qr = _response(made)
    if summary.answers.perspective == OTHER:  # no severity for someone who was not asked
        observations = [_count(made)]
    else:
        observations = [_count(made), _severity(made)]
    w = summary.result.withdrawal
    if w is not None and w.answered:
        observations.append(_withdrawal(made))
    for obs in observations:
        obs["text"] = _observation_text(obs, summary.answers.demo)

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
    bundle: dict[str, Any] = {"resourceType": "Bundle"}
    meta = _meta(summary.answers.demo)
    if meta:  # a Bundle has `meta` but no narrative (`text`)
        bundle["meta"] = meta
    bundle["identifier"] = _identifier(f"urn:uuid:{bundle_id}")
    bundle["type"] = kind
    bundle["timestamp"] = summary.created.isoformat(timespec="seconds")
    bundle["entry"] = entries
    return bundle


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


def _demo_line(demo: str | None) -> list[str]:
    """The visible "DEMO" paragraph that opens every narrative of fictional answers."""
    if demo is None:
        return []
    return [fhirtext.para(wording.demo_banner(clean(demo), "record"))]


def _subject(summary: Summary) -> dict[str, Any]:
    subject = summary.answers.subject
    return {"subject": {"reference": subject}} if subject else {}


def _response(made: _Made) -> dict[str, Any]:
    bank, answers = made.summary.bank, made.summary.answers
    shown, counted = applicable(bank.about(answers.perspective), answers.values)
    asked = {q.id for q in shown if q.id in counted and q.role is not Role.CONSENT}
    groups = []
    blocks = [*_demo_line(answers.demo), fhirtext.heading(bank.about(answers.perspective).title)]
    if len(bank.perspectives) > 1:  # "Who is this screening about?", as the Questionnaire
        label = bank.perspectives.get(answers.perspective, answers.perspective)
        blocks.append(fhirtext.listing([fhirtext.pair(wording.who_text(), label)]))
    if answers.perspective == OTHER:
        blocks.append(fhirtext.para(wording.whose_account("record")))
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
    qr["source"] = {"reference": f"#{INFORMANT_ID}", "display": wording.whose_account("record")}


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
    return kind_of(q).fhir_answers(q, value, lambda v: _coding(bank, q, v))


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


def _observation_text(obs: dict[str, Any], demo: str | None) -> dict[str, Any]:
    """An Observation's narrative, read from its own parts: what it measures and the value,
    each component, then the notes."""

    def shown(part: dict[str, Any]) -> str:
        if "valueCodeableConcept" in part:
            return str(part["valueCodeableConcept"]["text"])
        return str(part["valueInteger"])

    blocks = [*_demo_line(demo), fhirtext.para(shown(obs), strong=obs["code"]["text"])]
    lines = [
        fhirtext.pair(c["code"]["coding"][0]["display"], shown(c)) for c in obs.get("component", [])
    ]
    blocks.append(fhirtext.listing(lines))
    blocks += [fhirtext.para(note["text"]) for note in obs.get("note", [])]
    return fhirtext.narrative(*blocks)


def _notes(summary: Summary) -> list[str]:
    """What a reader of the count or severity needs to know to read it right."""
    r = summary.result
    notes = []
    if r.perspective == OTHER:
        notes.append(wording.whose_account("record"))
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
    notes.append(wording.not_a_diagnosis("record", r.perspective))
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
    obs["note"] = [{"text": t} for t in _notes(summary)]
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
    obs["note"] = [{"text": t} for t in _notes(summary)]
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
    translated = wording.translated_scale_note(bank)
    obs["note"] = [{"text": f"{said} {translated}" if translated else said}]
    return obs


def _code(bank: Bank, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": codes_system(bank), "code": code, "display": display}]}
