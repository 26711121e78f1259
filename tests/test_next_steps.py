"""Next steps matched to the person (issue 9, CLINICAL.md sections 6 and 7).

Each profile is a person a clinician would recognise, with the referral, flag and caveat ids
their result must hold and must not hold. The ids are the JSON contract clinics read.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import yes_to_values
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.core.model import CRITERIA, Answers, Bank, Severity, Value
from screener.core.scoring import result_json, score

SOWS_IDS = [f"sows_{n}" for n in (
    "anxious", "yawning", "perspiring", "tearing", "nose", "gooseflesh", "shaking",
    "hot_flushes", "cold_flushes", "aches", "restless", "nauseous", "vomiting", "twitching",
    "cramps", "craving",
)]  # fmt: skip


def sows(total: int) -> dict[str, Value]:
    """The 16 withdrawal items rated to add up to `total`."""
    out: dict[str, Value] = {"withdrawal_offer": True}
    for qid in SOWS_IDS:
        out[qid] = min(4, total)
        total -= min(4, total)
    return out


SEVERE = ("larger_longer", "cut_down", "time_spent", "craving", "role_failure", "social_problems")
PILLS: dict[str, Any] = {"opioids_which": ("pills_not_prescribed",), "opioids_how": ("swallow",)}
METHADONE: dict[str, Any] = {
    "opioids_which": ("treatment_medication",),
    "moud_status": "taking_now",
    "opioids_how": ("swallow",),
    "prescribed_only": True,
}
PAIN_AS_PRESCRIBED: dict[str, Any] = {
    "opioids_which": ("prescribed_pain",),
    "opioids_how": ("swallow",),
    "prescribed_only": True,
}

# (name, criteria said yes to, other answers, ids that must be there, ids that must not)
PROFILES: list[tuple[str, tuple[str, ...], dict[str, Any], set[str], set[str]]] = [
    (
        "weekend pill use, no tolerance or withdrawal, one try to stop",
        ("larger_longer", "cut_down", "craving"),
        {**PILLS, "prescribed_only": False, "ctx_attempts": "once", "ctx_relapse": True},
        {"talk_to_clinician", "therapy", "overdose_safety", "street_supply"},
        {"inpatient", "medical_detox", "moud", "physical_dependence"},
    ),
    (
        "pregnant, with tolerance and withdrawal",
        ("craving", "tolerance", "withdrawal"),
        {**PILLS, "prescribed_only": False, "ctx_pregnant": "yes"},
        {"pregnancy", "moud", "talk_to_clinician", "physical_dependence"},
        {"medical_detox"},
    ),
    (
        "maybe pregnant, heroin, severe",
        (*SEVERE, "tolerance"),
        {"ctx_pregnant": "maybe"},
        {"pregnancy", "moud", "overdose_safety"},
        {"medical_detox"},
    ),
    (
        "on methadone as prescribed, in withdrawal now",
        ("craving", "tolerance", "withdrawal"),
        {**METHADONE, **sows(20)},
        {"current_treatment", "withdrawal_care", "supervised_patient"},
        {"medical_detox", "moud", "inpatient", "overdose_safety", "street_supply"},
    ),
    (
        "on methadone and using heroin on top",
        ("larger_longer", "craving", "tolerance", "withdrawal"),
        {"opioids_which": ("treatment_medication", "heroin"), "moud_status": "taking_now"},
        # Stay on it and tell the clinic (CLINICAL.md section 12): no "start a medicine".
        {"current_treatment", "overdose_safety", "street_supply"},
        {"medical_detox", "moud", "return_to_treatment"},
    ),
    (
        "heroin, physical dependence, moderate, not pregnant",
        ("larger_longer", "cut_down", "craving", "tolerance", "withdrawal"),
        {"ctx_pregnant": "no"},
        {"moud", "medical_detox", "talk_to_clinician"},
        {"inpatient", "current_treatment"},
    ),
    (
        "heroin, every safety question skipped",
        ("larger_longer", "cut_down"),
        {
            "safety_alone": None,
            "safety_supply": None,
            "safety_break": None,
            "safety_overdose": None,
            "safety_naloxone": None,
        },
        {"overdose_safety", "street_supply"},
        set(),
    ),
    (
        "prescribed pain medicine exactly as directed, no criteria",
        (),
        {**PAIN_AS_PRESCRIBED, "safety_naloxone": True},
        {"supervised_patient", "keep_an_eye"},
        {"overdose_safety", "street_supply", "talk_to_clinician", "moud", "medical_detox"},
    ),
    (
        "prescribed pain medicine as directed, no naloxone at home",
        (),
        {**PAIN_AS_PRESCRIBED, "safety_naloxone": False},
        {"naloxone_at_home", "no_naloxone"},
        {"overdose_safety", "street_supply"},
    ),
    (
        "prescribed pain medicine with benzodiazepines",
        (),
        {**PAIN_AS_PRESCRIBED, "ctx_other_substances": ("benzos",), "sedatives_prescribed": True},
        # Neither is to be stopped suddenly; naloxone at home, not the street-drug steps.
        {"mixing_depressants", "dont_stop_suddenly", "naloxone_at_home"},
        {"street_supply", "overdose_safety", "avoid_mixing"},
    ),
    (
        "heroin and alcohol",
        ("craving",),
        {"ctx_other_substances": ("alcohol",)},
        {"mixing_depressants", "overdose_safety"},
        set(),
    ),
    (
        "pills and sleeping pills",
        ("craving",),
        {**PILLS, "prescribed_only": False, "ctx_other_substances": ("sedatives",)},
        {"mixing_depressants"},
        set(),
    ),
    (
        "heroin and stimulants only",
        ("craving",),
        {"ctx_other_substances": ("stimulants",)},
        {"street_supply"},
        {"mixing_depressants"},
    ),
    (
        "one criterion met and one skipped",
        ("craving", "cut_down"),
        {"cut_down": None},
        {"talk_to_clinician"},
        {"keep_an_eye"},
    ),
    (
        "severe, and home is not safe",
        SEVERE,
        {"ctx_home": False},
        {"inpatient", "outpatient_home"},
        set(),
    ),
    (
        "severe, treatment before, started again",
        SEVERE,
        {"ctx_attempts": "a_few", "ctx_relapse": True, "ctx_treatment": True},
        {"inpatient", "return_to_treatment"},
        set(),
    ),
    (
        "severe, serious mood problems",
        SEVERE,
        {"ctx_mood": True, "ctx_mood_serious": True},
        {"inpatient", "dual_diagnosis"},
        set(),
    ),
    (
        "severe, safe home, first try",
        SEVERE,
        {"ctx_home": True, "ctx_attempts": "never", "ctx_mood": False},
        {"moud", "talk_to_clinician"},
        {"inpatient"},
    ),
    (
        "mild, many tries",
        ("craving", "cut_down"),
        {"ctx_attempts": "many", "ctx_relapse": True, "ctx_home": False},
        {"talk_to_clinician", "outpatient_home"},
        {"inpatient"},
    ),
    (
        "all prescribed, 'all as prescribed?' skipped, tolerance and withdrawal yes",
        ("craving", "tolerance", "withdrawal"),
        {**PAIN_AS_PRESCRIBED, "prescribed_only": None},
        {"talk_to_clinician"},  # the range reaches mild
        {"physical_dependence", "street_supply", "moud", "medical_detox"},
    ),
    (
        "no one to back them up",
        ("craving",),
        {"ctx_support": False},
        {"peer_support"},
        set(),
    ),
]


def ids(result_doc: dict[str, Any]) -> set[str]:
    return {*result_doc["referrals"], *result_doc["flags"], *result_doc["caveats"]}


@pytest.mark.parametrize(
    ("criteria", "more", "must", "must_not"),
    [p[1:] for p in PROFILES],
    ids=[p[0] for p in PROFILES],
)
def test_each_profile_gets_the_steps_that_fit_it(
    bank: Bank,
    criteria: tuple[str, ...],
    more: dict[str, Any],
    must: set[str],
    must_not: set[str],
) -> None:
    values = yes_to_values(*criteria, **more)
    got = ids(result_json(score(bank, Answers(bank.id, bank.version, "self", values))))
    assert must <= got, f"missing: {must - got}"
    assert not (must_not & got), f"should not be there: {must_not & got}"


class TestOrderAndWords:
    """What the steps say, and in which order, follows current guidance."""

    def test_medicines_come_before_any_detox_text(self, bank: Bank, yes_to: Any) -> None:
        result = score(bank, yes_to(*SEVERE, "tolerance", "withdrawal", ctx_pregnant="no"))
        order = [r.id for r in result.referrals]
        assert order.index("moud") < order.index("medical_detox")

    def test_detox_is_a_bridge_with_the_tolerance_warning_never_the_first_step(
        self, bank: Bank
    ) -> None:
        detox = bank.referral("medical_detox").text
        assert "first step" not in detox
        assert "bridge into ongoing care" in detox
        assert "tolerance is low" in detox

    def test_the_medicines_step_says_they_cut_overdose_deaths_and_need_no_detox(
        self, bank: Bank
    ) -> None:
        moud = bank.referral("moud").text
        assert "much less likely to die from an overdose" in moud
        assert "without going through detox first" in moud
        assert "(MAT)" not in bank.referral("moud").title  # the older name, once, in the text

    def test_pregnancy_recommends_medicines_over_withdrawal_and_no_sudden_stop(
        self, bank: Bank
    ) -> None:
        text = bank.referral("pregnancy").text
        assert "methadone or buprenorphine is recommended rather than going through" in text
        assert "Do not stop opioids suddenly" in text

    def test_current_treatment_says_keep_taking_it_and_never_stop_suddenly(
        self, bank: Bank
    ) -> None:
        text = bank.referral("current_treatment").text
        assert "Keep taking it" in text and "do not stop suddenly" in text

    def test_no_use_this_year_still_hears_about_tolerance_after_a_break(
        self, bank: Bank, answers: Any
    ) -> None:
        result = score(bank, answers({"use_any": False}))
        assert "tolerance_after_break" in [c.id for c in result.caveats]
        assert [r.id for r in result.referrals] == ["no_recent_use"]


# Any answers at all to the questions that change next steps: the two rules that hold for
# every result.
ANSWER = st.sampled_from([True, False, None])
CHOICES = {
    "opioids_which": st.sampled_from(
        [(), ("heroin",), ("prescribed_pain",), ("treatment_medication",), ("other",), None]
    ),
    "prescribed_only": ANSWER,
    "ctx_pregnant": st.sampled_from(["yes", "maybe", "no", None]),
}


@settings(max_examples=300, deadline=None)
@given(
    criteria=st.fixed_dictionaries(dict.fromkeys(CRITERIA, ANSWER)),
    more=st.fixed_dictionaries(CHOICES),
    gate=st.sampled_from([True, None]),
)
def test_every_result_that_is_not_screened_out_has_a_next_step(
    bank: Bank, criteria: dict[str, Value], more: dict[str, Value], gate: Value
) -> None:
    values: dict[str, Value] = {"use_any": gate, **criteria}
    values.update({k: v for k, v in more.items() if v is not None and v != ()})
    result = score(bank, Answers(bank.id, bank.version, "self", values))
    refs = [r.id for r in result.referrals]
    assert refs, values
    if result.severity_max is not Severity.NONE:
        assert "talk_to_clinician" in refs
    if result.severity is Severity.MILD and not result.physical_dependence:
        assert "inpatient" not in refs and "medical_detox" not in refs
