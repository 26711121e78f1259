"""The codes screener's FHIR uses, shared by the Questionnaire (`fhir_questionnaire`) and the
response Bundle (`fhir`); pure functions only.

No LOINC or SNOMED code exists for a DSM-5 opioid use disorder checklist or for SOWS, so
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
"""

from __future__ import annotations

from typing import Any

from screener.core import fhirnames, wording
from screener.core.fhirnames import ABSENT_SYSTEM, ASKED_UNKNOWN
from screener.core.kinds import kind_of
from screener.core.model import Bank, Question, Section, Value
from screener.core.safetext import clean


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


def coding(bank: Bank, q: Question, value: object) -> dict[str, Any]:
    kind = kind_of(q)
    code, system = kind.fhir_code(q, value)
    if system is not None:  # the kind's own codes (yes and no): its own words for them
        return {"system": system, "code": code, "display": kind.label(q, _stored(value))}
    display = next((o.label for o in q.options if str(o.value) == code), code)
    return {"system": option_system(bank, q), "code": code, "display": clean(display)}


def perspectives_system(bank: Bank) -> str:
    return f"{bank.url}/perspectives"


def perspective_coding(bank: Bank, perspective: str) -> dict[str, Any]:
    label = bank.perspectives.get(perspective, perspective)
    return {"system": perspectives_system(bank), "code": perspective, "display": clean(label)}
