"""The people most at risk (issue 16, CLINICAL.md sections 11 and 12): suicide risk, release
from custody, prescribed sedatives and daily drinking, violence at home, stopped treatment,
pregnancy, "something else", families of patients, below the threshold, injecting.

Each profile is a person from the second clinical review, in either perspective, with the ids
their result must hold and must not hold, and what the first screen or the whole result must
or must not say. Every profile is checked in English and in Spanish: the ids are the same, and
the Spanish result says the same things in its own words.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from conftest import yes_to_values
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from screener import i18n
from screener.core.model import CRITERIA, Answers, Bank, Result, Value
from screener.core.scoring import result_json, score
from screener.files.answers import parse_answers
from screener.files.bank import load_bank
from screener.screens import result as result_screen
from screener.summaries import fhir

WIDTH, HEIGHT = 80, 24
BOX = set("─│┃━╭╮╰╯┏┓┗┛")

PAIN: dict[str, Value] = {
    "use_any": True,
    "opioids_which": ("prescribed_pain",),
    "opioids_how": ("swallow",),
    "prescribed_only": True,
}
OTHER_BASE: dict[str, Value] = {"about_use_any": True, "about_which": ("heroin",)}
SEVERE = CRITERIA[:6]


class Profile(NamedTuple):
    name: str
    perspective: str
    values: dict[str, Value]
    must: set[str]
    must_not: set[str] | frozenset[str] = frozenset()
    first: str | None = None  # the first next step
    # (English, Spanish) words that must be on the first screen (24 lines at 80 columns)
    on_first_screen: tuple[tuple[str, str], ...] = ()
    # (English, Spanish) words the whole result must not say
    never_says: tuple[tuple[str, str], ...] = ()


NALTREXONE = ("naltrexone", "naltrexona")
LOFEXIDINE = ("lofexidine", "lofexidina")
LINE_988 = ("988", "988")
LINE_911 = ("Emergency services: 911", "Servicios de emergencia: 911")
CUT_DOWN = ("take less of each", "tome menos de cada uno")
STREET = ("street", "calle")
USE_ALONE = ("use alone", "consumir a solas")

# Every question a wife who knows nothing for sure answers "don't know".
DONT_KNOW_THROUGHOUT = (
    *("about_cut_down", "about_time_spent", "about_role_failure", "about_social_problems"),
    *("about_activities_given_up", "about_hazardous_use", "about_despite_harm"),
    *("about_withdrawal", "about_nodding", "about_marks", "about_gear", "about_money"),
    *("about_overdose", "about_alone", "about_break", "about_mixing", "about_naloxone"),
    *("about_crisis", "about_pregnant", "about_unsafe", "about_open"),
)

PROFILES: list[Profile] = [
    # --- thoughts of suicide -----------------------------------------------------------------
    Profile(
        "severe heroin use and thoughts of ending their life",
        "self",
        yes_to_values(*SEVERE, crisis_thoughts=True, crisis_now=False),
        {"suicide_risk", "crisis_line"},
        {"suicide_now"},
        first="crisis_line",
        on_first_screen=(LINE_988, ("Call or text 988", "marque 2")),
    ),
    Profile(
        "thoughts of ending their life right now",
        "self",
        yes_to_values("craving", crisis_thoughts=True, crisis_now=True),
        {"suicide_risk", "suicide_now", "crisis_line"},
        first="crisis_line",
        on_first_screen=(LINE_988, LINE_911, ("Thoughts of suicide right now", "ahora mismo")),
    ),
    Profile(
        "no use in 12 months, thoughts of death",
        "self",
        {"use_any": False, "ever_used": False, "crisis_thoughts": True},
        {"suicide_risk", "crisis_line", "no_recent_use"},
        {"overdose_safety", "moud"},
        first="crisis_line",
        on_first_screen=(LINE_988,),
    ),
    Profile(
        "pain patient as prescribed, serious depression, thoughts of death",
        "self",
        {**PAIN, "ctx_mood": True, "ctx_mood_serious": True, "crisis_thoughts": True},
        {"suicide_risk", "crisis_line", "dual_diagnosis"},
        {"overdose_safety", "street_supply"},
        first="crisis_line",
        on_first_screen=(LINE_988,),
    ),
    Profile(
        "a friend who says everyone would be better off without them",
        "other",
        {**OTHER_BASE, "about_crisis": True},
        {"their_suicide_risk", "crisis_line"},
        first="crisis_line",
        on_first_screen=(LINE_988,),
    ),
    Profile(
        "a relative who does not know whether they talked of dying gets no crisis claim",
        "other",
        {**OTHER_BASE, "about_crisis": "unknown"},
        set(),
        {"their_suicide_risk", "crisis_line"},
    ),
    # --- release from a controlled setting ---------------------------------------------------
    Profile(
        "14 months in prison, out last week, no use in the past 12 months",
        "self",
        {"use_any": False, "ever_used": True, "controlled_setting": "past_month"},
        {"recent_release", "overdose_safety", "moud", "tolerance_after_break"},
        {"medical_detox"},
        first="overdose_safety",
        on_first_screen=(LINE_911, ("Lower your overdose risk", "Baje su riesgo de sobredosis")),
    ),
    Profile(
        "left detox yesterday, has not used since, physically dependent before",
        "self",
        yes_to_values("craving", "tolerance", "withdrawal", controlled_setting="past_month"),
        {"recent_release", "overdose_safety", "moud"},
        {"medical_detox"},
        on_first_screen=(LINE_911,),
    ),
    Profile(
        "never used opioids: no release question, no medicines",
        "self",
        {"use_any": False, "ever_used": False, "controlled_setting": "past_month"},
        {"no_recent_use"},
        {"recent_release", "moud", "overdose_safety"},
    ),
    # --- prescribed sedatives, daily alcohol, prescribed opioids -----------------------------
    Profile(
        "prescribed benzodiazepines with prescribed pain medicine",
        "self",
        {**PAIN, "ctx_other_substances": ("benzos",), "sedatives_prescribed": True},
        {"dont_stop_suddenly", "mixing_depressants", "naloxone_at_home"},
        {"avoid_mixing", "overdose_safety", "street_supply"},
        never_says=(CUT_DOWN, STREET, USE_ALONE),
    ),
    Profile(
        "heroin and daily drinking",
        "self",
        yes_to_values("craving", ctx_other_substances=("alcohol",), alcohol_daily=True),
        {"dont_stop_suddenly", "mixing_depressants", "overdose_safety"},
        {"avoid_mixing"},
        never_says=(CUT_DOWN,),
    ),
    Profile(
        "heroin and an occasional drink keeps the plain mixing advice",
        "self",
        yes_to_values("craving", ctx_other_substances=("alcohol",), alcohol_daily=False),
        {"avoid_mixing", "mixing_depressants"},
        {"dont_stop_suddenly"},
    ),
    Profile(
        "tramadol as prescribed with an occasional drink: no street-drug steps",
        "self",
        {**PAIN, "ctx_other_substances": ("alcohol",), "alcohol_daily": False},
        {"naloxone_at_home", "dont_stop_suddenly", "avoid_mixing"},
        {"overdose_safety", "street_supply", "relapse_common"},
        never_says=(STREET, USE_ALONE),
    ),
    # --- violence at home ---------------------------------------------------------------------
    Profile(
        "a partner who supplies her heroin and hits her",
        "self",
        yes_to_values(*SEVERE, home_safety="unsafe", ctx_home=True),
        {"safety_at_home", "inpatient"},
        {"outpatient_home"},
        first="safety_at_home",
        on_first_screen=(("1-800-799-7233", "1-800-799-7233"), LINE_911),
    ),
    Profile(
        "not sure whether home is safe",
        "self",
        yes_to_values("craving", home_safety="unsure"),
        {"safety_at_home"},
        first="safety_at_home",
    ),
    # --- stopped or current treatment --------------------------------------------------------
    Profile(
        "stopped buprenorphine six months ago",
        "self",
        yes_to_values(
            "craving",
            "cut_down",
            opioids_which=("treatment_medication", "heroin"),
            moud_status="stopped",
        ),
        {"return_to_treatment"},
        {"current_treatment"},
        never_says=(("Keep taking your methadone", "Siga tomando su metadona"),),
    ),
    Profile(
        "taking buprenorphine now, using on top",
        "self",
        yes_to_values(
            "craving", opioids_which=("treatment_medication", "heroin"), moud_status="taking_now"
        ),
        {"current_treatment"},
        {"return_to_treatment", "moud", "medical_detox"},
    ),
    Profile(
        "family of a man on methadone who uses on top",
        "other",
        {
            "about_use_any": True,
            "about_which": ("treatment_medication", "heroin"),
            "about_moud_status": "taking_now",
            "about_open": True,
        },
        {"their_treatment", "treatment_to_offer"},
        {"moment_of_openness"},
        never_says=(("find a treatment place", "buscar juntos un lugar"),),
    ),
    # --- pregnancy ----------------------------------------------------------------------------
    Profile(
        "pregnant, physically dependent",
        "self",
        yes_to_values("craving", "tolerance", "withdrawal", "cut_down", ctx_pregnant="yes"),
        {"pregnancy", "moud"},
        {"medical_detox"},
        never_says=(NALTREXONE, LOFEXIDINE),
    ),
    Profile(
        "pregnant, in withdrawal right now",
        "self",
        yes_to_values(
            "craving",
            "tolerance",
            "withdrawal",
            ctx_pregnant="maybe",
            withdrawal_offer=True,
            **{f"sows_{n}": 4 for n in ("anxious", "yawning", "perspiring", "tearing", "nose")},
            sows_gooseflesh=1,
        ),
        {"pregnancy", "withdrawal_care"},
        {"medical_detox"},
        never_says=(NALTREXONE, LOFEXIDINE),
    ),
    Profile(
        "mother of a pregnant daughter who smokes fentanyl",
        "other",
        {"about_use_any": True, "about_which": ("fentanyl",), "about_pregnant": "yes"},
        {"their_pregnancy", "family_overdose_plan"},
        never_says=(NALTREXONE, LOFEXIDINE),
    ),
    Profile(
        "a relative who does not know about pregnancy gets no pregnancy claim",
        "other",
        {**OTHER_BASE, "about_pregnant": "unknown"},
        set(),
        {"their_pregnancy"},
    ),
    # --- "something else" ----------------------------------------------------------------------
    Profile(
        "prescribed hydrocodone plus kratom for withdrawal",
        "self",
        {
            **PAIN,
            "opioids_which": ("prescribed_pain", "other"),
            "other_prescribed": False,
            **{k: k in ("craving", "cut_down", "tolerance", "withdrawal") for k in CRITERIA},
        },
        {"street_supply", "moud", "physical_dependence"},
        {"supervised_patient", "naloxone_at_home"},
    ),
    Profile(
        "something else that was prescribed keeps the exclusion",
        "self",
        {**PAIN, "opioids_which": ("prescribed_pain", "other"), "other_prescribed": True},
        {"supervised_patient"},
        {"street_supply", "overdose_safety"},
    ),
    # --- families of patients -----------------------------------------------------------------
    Profile(
        "wife of a man taking oxycodone as directed",
        "other",
        {
            "about_use_any": True,
            "about_which": ("prescribed_pain",),
            "about_prescribed_only": True,
            "about_open": True,
        },
        {"their_prescriber"},
        {"family_support", "treatment_to_offer", "moment_of_openness", "return_to_use"},
        never_says=(("CRAFT", "CRAFT"), STREET),
    ),
    # --- below the threshold -------------------------------------------------------------------
    Profile(
        "tolerance alone from heroin: below the threshold",
        "self",
        yes_to_values("tolerance"),
        {"physical_dependence", "talk_to_clinician"},
        {"moud", "medical_detox"},
    ),
    # --- injecting -----------------------------------------------------------------------------
    Profile(
        "injects heroin",
        "self",
        yes_to_values("craving", opioids_how=("inject",), safety_sharing=False),
        {"syringe_services", "injecting"},
        on_first_screen=(),
    ),
    # --- texts never claim an answer not given -------------------------------------------------
    Profile(
        "every question skipped",
        "self",
        {"use_any": True, "opioids_which": None, "prescribed_only": None} | dict.fromkeys(CRITERIA),
        set(),
        never_says=(("your yes to them is shown as open", "sus respuestas de sí"),),
    ),
    Profile(
        "a wife who answered don't know throughout",
        "other",
        {"about_use_any": "unknown"} | dict.fromkeys(DONT_KNOW_THROUGHOUT, "unknown"),
        {"your_safety"},
        {"family_overdose_plan", "their_suicide_risk", "their_pregnancy"},
        never_says=(("raises the risk of an overdose", "sube el riesgo de una sobredosis"),),
    ),
]


@pytest.fixture(params=["en", "es"], scope="module")
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.use(request.param)
    yield request.param
    i18n.use("en")


_BANKS: dict[str, Bank] = {}


def bank_in(language: str) -> Bank:
    """The default bank in `language`, read once (hypothesis shows no fixture's repr)."""
    if language not in _BANKS:
        _BANKS[language] = load_bank(language=language)
    return _BANKS[language]


def lines_of(bank: Bank, res: Result) -> list[str]:
    """The result as a person reads it at 80 columns, box borders dropped."""
    console = Console(record=True, width=WIDTH, file=io.StringIO())
    console.print(result_screen.result(bank, res))
    out = []
    for line in console.export_text().rstrip("\n").split("\n"):
        out.append("".join(" " if c in BOX else c for c in line))
    return out


def flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def scored(bank: Bank, perspective: str, values: dict[str, Value]) -> Result:
    return score(bank, Answers(bank.id, bank.version, perspective, values))


@pytest.mark.parametrize("profile", PROFILES, ids=[p.name for p in PROFILES])
def test_each_person_most_at_risk_gets_what_fits_them(lang: str, profile: Profile) -> None:
    bank = bank_in(lang)
    res = scored(bank, profile.perspective, profile.values)
    doc = result_json(res)
    got = {*doc["referrals"], *doc["flags"], *doc["caveats"]}  # type: ignore[misc]
    assert profile.must <= got, f"missing: {profile.must - got}"
    assert not (profile.must_not & got), f"should not be there: {profile.must_not & got}"
    if profile.first is not None:
        assert res.referrals[0].id == profile.first
    lines = lines_of(bank, res)
    # What the result says, up to the list of its sources (titles such as "Heroin Addiction
    # Treatment" or "CRAFT" are citations, not advice).
    sources = i18n._("Sources")
    said = lines[: lines.index(sources)] if sources in lines else lines
    first, whole = flat(lines[:HEIGHT]), flat(said)
    pick = 0 if lang == "en" else 1
    for words in profile.on_first_screen:
        assert words[pick] in first, words[pick]
    for words in profile.never_says:
        assert words[pick].lower() not in whole.lower(), words[pick]
    if profile.first is not None:  # the first step, by its title, on the first screen
        assert flat([bank.referral(profile.first).title]) in first


class TestAskedOnlyWhenItCanMatter:
    """Questions whose answer can no longer change anything are not asked."""

    def test_all_prescribed_and_street_supply_are_not_asked_after_heroin(self, bank: Bank) -> None:
        res = scored(bank, "self", yes_to_values("craving", prescribed_only=True))
        assert "prescribed_only" not in res.shown
        assert "safety_supply" not in res.shown
        # Heroin is a street supply: the street-drug warning and the overdose steps hold.
        assert "street_supply" in {c.id for c in res.caveats}
        assert "overdose_safety" in {r.id for r in res.referrals}

    def test_all_prescribed_is_not_asked_after_something_else_not_prescribed(
        self, bank: Bank
    ) -> None:
        values = {**PAIN, "opioids_which": ("prescribed_pain", "other"), "other_prescribed": False}
        assert "prescribed_only" not in scored(bank, "self", values).shown

    def test_about_someone_else_all_prescribed_is_not_asked_after_heroin(self, bank: Bank) -> None:
        values = {"about_use_any": True, "about_which": ("prescribed_pain", "heroin")}
        assert "about_prescribed_only" not in scored(bank, "other", values).shown

    def test_the_five_extra_signs_wait_for_their_own_yes(self, bank: Bank) -> None:
        values = yes_to_values("craving", withdrawal_offer=True, extra_offer=False)
        shown = scored(bank, "self", values).shown
        assert "extra_offer" in shown
        assert not [q for q in shown if q.startswith("extra_") and q != "extra_offer"]

    def test_crisis_questions_are_asked_on_the_no_use_path(self, bank: Bank) -> None:
        shown = scored(bank, "self", {"use_any": False, "ever_used": True}).shown
        assert {"ever_used", "controlled_setting", "crisis_thoughts"} <= set(shown)
        assert "crisis_now" not in shown  # only after a yes
        shown = scored(bank, "self", {"use_any": False, "crisis_thoughts": True}).shown
        assert "crisis_now" in shown


# --- the two properties ---------------------------------------------------------------------

ANSWER = st.sampled_from([True, False, None])
SELF_ANSWERS = {
    **dict.fromkeys(CRITERIA, ANSWER),
    "use_any": st.sampled_from([True, False, None]),
    "ever_used": ANSWER,
    "controlled_setting": st.sampled_from(["no", "past_month", "earlier", None]),
    "opioids_which": st.sampled_from(
        [("heroin",), ("prescribed_pain",), ("treatment_medication", "fentanyl"), None]
    ),
    "opioids_how": st.sampled_from([("inject",), ("smoke",), None]),
    "safety_alone": ANSWER,
    "safety_overdose": ANSWER,
    "safety_naloxone": ANSWER,
    "home_safety": st.sampled_from(["safe", "unsafe", "unsure", None]),
    "ctx_home": ANSWER,
    "ctx_mood": ANSWER,
    "ctx_pregnant": st.sampled_from(["yes", "no", None]),
    "crisis_now": ANSWER,
}
OTHER_ANSWERS = {
    "about_use_any": st.sampled_from([True, "unknown", False]),
    "about_which": st.sampled_from([("heroin",), ("prescribed_pain",), "unknown"]),
    "about_overdose": st.sampled_from([True, False, "unknown"]),
    "about_unsafe": st.sampled_from([True, False, "unknown"]),
    "about_pregnant": st.sampled_from(["yes", "no", "unknown"]),
    "about_open": st.sampled_from([True, False, "unknown"]),
}


def _given(values: dict[str, Value]) -> dict[str, Value]:
    """Drop the answers a draw left open (never asked)."""
    return {k: v for k, v in values.items() if v is not None}


@settings(max_examples=60, deadline=None)
@given(
    self_values=st.fixed_dictionaries(SELF_ANSWERS),
    other_values=st.fixed_dictionaries(OTHER_ANSWERS),
    perspective=st.sampled_from(["self", "other"]),
    language=st.sampled_from(["en", "es"]),
)
def test_every_result_with_a_crisis_yes_shows_988_in_its_first_24_lines(
    self_values: dict[str, Value],
    other_values: dict[str, Value],
    perspective: str,
    language: str,
) -> None:
    bank = bank_in(language)
    if perspective == "self":
        values = _given(self_values) | {"crisis_thoughts": True}
    else:
        values = _given(other_values) | {"about_crisis": True}
    i18n.use(language)
    try:
        res = scored(bank, perspective, values)
        first = flat(lines_of(bank, res)[:HEIGHT])
    finally:
        i18n.use("en")
    assert "988" in first, values


# Words that belong to street drugs, in both languages: never said to someone whose opioids are
# all prescribed and taken as directed (or about them).
STREET_WORDS = {
    "en": (
        "street",
        "heroin",
        "fentanyl",
        "xylazine",
        "dealer",
        "use alone",
        "using alone",
        "test strip",
    ),
    "es": (
        "calle",
        "heroína",
        "fentanilo",
        "xilacina",
        "vendedor",
        "consumir a solas",
        "consuma a solas",
        "tiras reactivas",
    ),
}


@settings(max_examples=60, deadline=None)
@given(
    criteria=st.fixed_dictionaries(dict.fromkeys(CRITERIA, ANSWER)),
    which=st.sampled_from(
        [
            ("prescribed_pain",),
            ("treatment_medication",),
            ("prescribed_pain", "treatment_medication"),
        ]
    ),
    more=st.fixed_dictionaries(
        {
            "opioids_how": st.sampled_from([("swallow",), None]),  # injecting is not as directed
            "controlled_setting": st.sampled_from(["no", "past_month", None]),
            "safety_break": ANSWER,
            "safety_overdose": ANSWER,
            "safety_naloxone": ANSWER,
            "ctx_other_substances": st.sampled_from([("alcohol",), ("benzos",), ("none",), None]),
            "alcohol_daily": ANSWER,
            "sedatives_prescribed": ANSWER,
            "ctx_mood": ANSWER,
            "crisis_thoughts": ANSWER,
        }
    ),
    other=st.fixed_dictionaries(
        {
            "about_overdose": st.sampled_from([True, False, "unknown"]),
            "about_mixing": st.sampled_from([True, False, "unknown"]),
            "about_naloxone": st.sampled_from([True, False, "unknown"]),
            "about_open": st.sampled_from([True, False, "unknown"]),
            "about_nodding": st.sampled_from([True, False, "unknown"]),
        }
    ),
    perspective=st.sampled_from(["self", "other"]),
    language=st.sampled_from(["en", "es"]),
)
def test_no_result_about_medicine_taken_as_directed_names_street_drugs(
    criteria: dict[str, Value],
    which: tuple[str, ...],
    more: dict[str, Value],
    other: dict[str, Value],
    perspective: str,
    language: str,
) -> None:
    bank = bank_in(language)
    if perspective == "self":
        values: dict[str, Value] = {
            "use_any": True,
            "opioids_which": which,
            "prescribed_only": True,
            **_given(criteria),
            **_given(more),
        }
        if "treatment_medication" in which:
            values["moud_status"] = "taking_now"
    else:
        values = {
            "about_use_any": True,
            "about_which": which,
            "about_prescribed_only": True,
            **other,
        }
        if "treatment_medication" in which:
            values["about_moud_status"] = "taking_now"
    i18n.use(language)
    try:
        res = scored(bank, perspective, values)
        said = [bank.referral(f.id).title + " " + bank.referral(f.id).text for f in res.referrals]
        said += [bank.flag(f.id).label + " " + bank.flag(f.id).detail for f in res.flags]
        said += [bank.caveat(f.id).text for f in res.caveats]
        said.append(flat(lines_of(bank, res)[:HEIGHT]))
    finally:
        i18n.use("en")
    assert res.supervised_exclusion
    text = " ".join(said).lower()
    for word in STREET_WORDS[language]:
        assert word not in text, (word, values)


def test_the_profiles_cover_both_perspectives() -> None:
    assert {p.perspective for p in PROFILES} == {"self", "other"}


class TestFhirDontKnow:
    """The FHIR Questionnaire offers "don't know" wherever the terminal does, and a response
    that picks it scores the same as the terminal's "don't know"."""

    @staticmethod
    def response(bank: Bank, answers: dict[str, object]) -> dict[str, object]:
        """A completed QuestionnaireResponse as a form tool writes it: one item per answer."""
        return {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": f"{bank.url}|{bank.version}",
            "status": "completed",
            "item": [
                {"linkId": "about-whom", "answer": [{"valueCoding": {"code": "other"}}]},
                *({"linkId": qid, "answer": [a]} for qid, a in answers.items()),
            ],
        }

    def test_every_question_that_takes_dont_know_offers_it_in_the_questionnaire(
        self, bank: Bank
    ) -> None:
        form = fhir.questionnaire(bank)

        def items(group: list[dict[str, object]]) -> Iterator[dict[str, object]]:
            for i in group:
                yield i
                yield from items(i.get("item", []))  # type: ignore[arg-type]

        by_id = {i["linkId"]: i for i in items(form["item"])}
        takes = [q for q in bank.questions if q.unknown]
        assert {q.id for q in takes} >= {"about_unsafe", "about_crisis", "about_pregnant"}
        for q in takes:
            options = by_id[q.id].get("answerOption", [])
            codes = [o["valueCoding"]["code"] for o in options]  # type: ignore[index]
            assert "asked-unknown" in codes, q.id
            assert by_id[q.id]["type"] == "choice", q.id

    def test_a_relative_not_sure_whether_they_are_safe_gets_the_safety_step(
        self, bank: Bank
    ) -> None:
        dont_know = {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "asked-unknown",
        }
        yes = {"system": "http://terminology.hl7.org/CodeSystem/v2-0136", "code": "Y"}
        qr = self.response(
            bank,
            {
                "about_use_any": {"valueCoding": yes},
                "about_unsafe": {"valueCoding": dont_know},
                "about_pregnant": {"valueCoding": dont_know},
            },
        )
        read, _ = parse_answers(json.dumps(qr), bank, "form.json")
        assert read.values["about_use_any"] is True
        assert read.values["about_unsafe"] == "unknown"
        assert read.values["about_pregnant"] == "unknown"
        at_terminal = scored(
            bank, "other", {**dict(read.values), "about_unsafe": "unknown"}
        ).referrals
        from_form = score(bank, read).referrals
        assert "your_safety" in [r.id for r in from_form]
        assert [r.id for r in from_form] == [r.id for r in at_terminal]

    def test_a_yes_or_no_written_as_a_boolean_still_reads(self, bank: Bank) -> None:
        qr = self.response(bank, {"about_use_any": {"valueBoolean": True}})
        read, _ = parse_answers(json.dumps(qr), bank, "form.json")
        assert read.values["about_use_any"] is True
