"""The names screener's FHIR export and its FHIR reader share, so the two cannot drift apart:
linkIds of sections, the codes that mark a demo's fictional answers, and the references
screener takes for a subject. Constants and pure functions only."""

from __future__ import annotations

import re

# HL7's code for test data, on every resource made from a demo persona's answers.
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
TEST_DATA_CODE = "HTEST"
# screener's own tag naming the persona beside that label, so a demo's export reads back as one.
PERSONA_TAG = "urn:screener:demo-persona"


# "I don't know" as a form offers it: one more answer option on every question that takes it
# (HL7's data-absent-reason code system), and a yes/no that takes it is a choice of three, as
# a boolean item cannot offer a third answer. The codes of yes and no are HL7's (table 0136).
ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
ASKED_UNKNOWN = "asked-unknown"
YES_NO_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0136"
YES_NO_CODES = {True: "Y", False: "N"}


def group_id(section_id: str) -> str:
    """A section's linkId. Question ids never hold a '-', so it cannot clash with one."""
    return f"section-{section_id}"


def intro_id(section_id: str) -> str:
    """The linkId of a section's intro (a display item)."""
    return f"{group_id(section_id)}-intro"


# A FHIR Reference.reference screener takes for a subject: `Type/id` (relative, optionally a
# version), or an absolute URI such as `urn:uuid:...` or `https://ehr.example/fhir/Patient/1`,
# written in printable ASCII as URIs are (anything else percent-encoded): no control character,
# escape sequence, bidi override or undecodable byte, and at most MAX_REFERENCE characters.
# The pattern is compiled the first time a reference is checked (by `re`, which keeps it):
# compiling it costs about 0.3 ms, which the first screen and `score`, checking none, need not pay.
MAX_REFERENCE = 1024
REFERENCE = (
    r"[A-Z][A-Za-z]{1,63}/[A-Za-z0-9\-.]{1,64}(/_history/[A-Za-z0-9\-.]{1,64})?"
    r"|[A-Za-z][A-Za-z0-9+.-]*:[\x21-\x7b\x7d\x7e]+"  # printable ASCII but `|`
)


def valid_reference(text: str) -> bool:
    return len(text) <= MAX_REFERENCE and re.fullmatch(REFERENCE, text) is not None
