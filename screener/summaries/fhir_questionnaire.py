"""The bank as a FHIR R4 Questionnaire; a JSON-ready dict only, no I/O, never Rich.

Its words follow `screener.summaries.fhir`; its codes are `fhir_codes`'s.

Conditions. A `show_if` becomes `enableWhen` wherever FHIR can say the same thing (after pushing
`not` down to the leaves): `equals` and `contains` give `=`, `in` and a scale's `at_least` give
one `=` per value with `enableBehavior: any`, and `not` of those gives `!=` (FHIR: "no answer
equals", which is true for an unanswered question, as `not` is in screener). `all`/`any` of such
parts give `enableBehavior` all/any. Anything else (a mix of all and any, or `at_least` on a
multi question) becomes the SDC `enableWhenExpression` extension, a FHIRPath expression with the
same meaning, and no `enableWhen` beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, assert_never

from screener.core import wording
from screener.core.conditions import describe
from screener.core.fhirnames import intro_id
from screener.core.kinds import kind_of
from screener.core.model import (
    NONE_OPTION,
    WHO,
    AllOf,
    AnyOf,
    Bank,
    Condition,
    Leaf,
    Not,
    Question,
    Role,
    Section,
    word,
)
from screener.core.safetext import clean
from screener.summaries import fhirtext
from screener.summaries.fhir_codes import (
    coding,
    criteria_system,
    dont_know_coding,
    group_id,
    perspective_coding,
)

ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
ENABLE_WHEN_EXPRESSION = (
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"
)

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
        item["answerOption"] = _answer_options(bank, q)
    return item


def _answer_options(bank: Bank, q: Question) -> list[dict[str, Any]]:
    """A coded item's answer options: its kind's values, then "I don't know" if it takes it."""
    kind = kind_of(q)
    options = []
    for value in kind.fhir_option_values(q):
        option: dict[str, Any] = {"valueCoding": coding(bank, q, value)}
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
    return options


def _item_control(code: str) -> dict[str, Any]:
    """The SDC item-control hint; the display is HL7's, as its code system gives it."""
    display = {"radio-button": "Radio Button", "check-box": "Check-box"}[code]
    coding = {"system": ITEM_CONTROL_SYSTEM, "code": code, "display": display}
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [coding]}}


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
    match cond:
        case Not():
            return _push_not(cond.item, not negate)
        case AllOf() | AnyOf():
            items = tuple(_push_not(c, negate) for c in cond.items)
            every = isinstance(cond, AllOf) != negate  # not all -> any of the nots, and back
            return AllOf(items) if every else AnyOf(items)
        case Leaf():
            return Not(cond) if negate else cond
        case _:
            assert_never(cond)


def _parts(bank: Bank, cond: Condition) -> _Parts | None:
    """The enableWhen entries for `cond` (`not` on leaves only), or None if FHIR cannot say it."""
    match cond:
        case AllOf() | AnyOf():
            behavior = "all" if isinstance(cond, AllOf) else "any"
            whens: list[dict[str, Any]] = []
            for c in cond.items:
                part = _parts(bank, c)
                if part is None or (len(part[1]) > 1 and part[0] != behavior):
                    return None
                whens.extend(part[1])
            return behavior, whens
        case Not(item=Leaf() as leaf):
            negated = True
        case Leaf():
            leaf, negated = cond, False
        case Not():  # not of a group: FHIR cannot say it
            return None
        case _:
            assert_never(cond)
    if leaf.subject != "question":
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
    return kind_of(q).fhir_enable(q, lambda v: coding(bank, q, v))


def fhirpath(bank: Bank, cond: Condition) -> str:
    """`cond` as a FHIRPath boolean over the QuestionnaireResponse (`%resource`).

    An unanswered question makes a leaf false, as in screener; `exists()` keeps every leaf a
    boolean, so `not()` of one is true for an unanswered question.
    """
    match cond:
        case AllOf() | AnyOf():
            joiner = " and " if isinstance(cond, AllOf) else " or "
            return joiner.join(f"({fhirpath(bank, c)})" for c in cond.items)
        case Not():
            return f"({fhirpath(bank, cond.item)}).not()"
        case Leaf():
            return _leaf_path(bank, cond)
        case _:
            assert_never(cond)


def _leaf_path(bank: Bank, cond: Leaf) -> str:
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
