"""Scoring: DSM-5 counts and severity, the supervision rule, SOWS, flags, referrals, JSON."""

from __future__ import annotations

import pytest
from conftest import SOWS_IDS, yes_to_values
from hypothesis import given
from hypothesis import strategies as st

from screener.core import wording
from screener.core.model import CRITERIA, Severity, Status
from screener.core.scoring import result_json, score, severity_for

OTHER_NINE = [k for k in CRITERIA if k not in ("tolerance", "withdrawal")]


def sows_total(total: int) -> dict[str, int]:
    """All 16 SOWS items rated so that they add up to `total` (0-64)."""
    ratings = {}
    left = total
    for qid in SOWS_IDS:
        ratings[qid] = min(4, left)
        left -= ratings[qid]
    assert left == 0
    return ratings


class TestSeverity:
    """Severity follows the DSM-5 count: 0-1 none, 2-3 mild, 4-5 moderate, 6+ severe."""

    @pytest.mark.parametrize(
        ("count", "severity"),
        [
            (0, "none"),
            (1, "none"),
            (2, "mild"),
            (3, "mild"),
            (4, "moderate"),
            (5, "moderate"),
            (6, "severe"),
            (7, "severe"),
            (11, "severe"),
        ],
    )
    def test_severity_for_a_count_follows_the_dsm_bands(self, count, severity):
        assert severity_for(count) is Severity(severity)

    @pytest.mark.parametrize(
        ("met", "severity"),
        [
            (0, "none"),
            (1, "none"),
            (2, "mild"),
            (3, "mild"),
            (4, "moderate"),
            (5, "moderate"),
            (6, "severe"),
            (11, "severe"),
        ],
    )
    def test_yes_answers_to_criteria_give_the_count_and_severity(self, bank, yes_to, met, severity):
        result = score(bank, yes_to(*CRITERIA[:met]))
        assert (result.count, result.count_max) == (met, met)
        assert result.severity is Severity(severity)
        assert result.severity_max is Severity(severity)
        assert result.ids(Status.MET) == list(CRITERIA[:met])
        assert result.ids(Status.NOT_MET) == list(CRITERIA[met:])


class TestSupervision:
    """Tolerance and withdrawal are not counted for use solely under medical supervision."""

    def test_supervised_tolerance_and_withdrawal_are_not_counted(self, bank, yes_to):
        result = score(
            bank,
            yes_to(
                "tolerance",
                "withdrawal",
                opioids_which=("prescribed_pain",),
                prescribed_only=True,
            ),
        )
        assert result.count == 0
        assert result.severity is Severity.NONE
        assert result.status_of("tolerance") is Status.EXCLUDED
        assert result.status_of("withdrawal") is Status.EXCLUDED
        assert result.physical_dependence is False
        assert result.supervised_exclusion is True
        assert result.overridden_by == ()
        # Prescribed pain medicine: never stop it suddenly; tolerance expected, so not counted.
        assert [r.id for r in result.referrals] == [
            "dont_stop_suddenly",
            "naloxone_at_home",
            "supervised_patient",
            "keep_an_eye",
        ]

    def test_the_other_nine_criteria_still_count_under_supervision(self, bank, yes_to):
        result = score(
            bank,
            yes_to(
                "craving",
                "cut_down",
                "time_spent",
                "tolerance",
                "withdrawal",
                opioids_which=("treatment_medication",),
                prescribed_only=True,
            ),
        )
        assert result.count == 3
        assert result.severity is Severity.MILD
        assert result.ids(Status.MET) == ["cut_down", "time_spent", "craving"]
        assert result.ids(Status.EXCLUDED) == ["tolerance", "withdrawal"]

    def test_supervised_tolerance_and_withdrawal_are_excluded_even_when_answered_no(
        self, bank, yes_to
    ):
        result = score(bank, yes_to(opioids_which=("prescribed_pain",), prescribed_only=True))
        assert result.ids(Status.EXCLUDED) == ["tolerance", "withdrawal"]

    def test_all_prescribed_is_not_asked_once_street_use_was_chosen(self, bank, yes_to):
        for opioid in ("heroin", "fentanyl", "pills_not_prescribed"):
            result = score(bank, yes_to("tolerance", opioids_which=(opioid,), prescribed_only=True))
            assert "prescribed_only" not in result.shown
            assert result.supervision_claimed is False
            assert result.status_of("tolerance") is Status.MET

    def test_heroin_use_overrides_a_prescribed_only_yes(self, asks_anyway, yes_to):
        bank = asks_anyway
        result = score(
            bank,
            yes_to(
                "tolerance",
                "withdrawal",
                opioids_which=("heroin", "prescribed_pain"),
                prescribed_only=True,
            ),
        )
        assert result.supervised_exclusion is False
        assert result.supervision_claimed is True
        assert result.overridden_by == (("opioids_which", "heroin"),)
        assert result.count == 2
        assert result.severity is Severity.MILD
        assert result.ids(Status.EXCLUDED) == []
        assert result_json(result)["supervision_overridden_by"] == [
            {"question": "opioids_which", "answer": "heroin"}
        ]

    @pytest.mark.parametrize(
        ("opioid", "label"),
        [
            (
                "fentanyl",
                "Fentanyl from the street (on purpose, or possibly mixed into what you used)",
            ),
            (
                "pills_not_prescribed",
                "Pain pills not prescribed to you, or more than you were prescribed",
            ),
        ],
    )
    def test_street_fentanyl_or_unprescribed_pills_override_a_prescribed_only_yes(
        self, asks_anyway, yes_to, opioid, label
    ):
        result = score(
            asks_anyway, yes_to("tolerance", opioids_which=(opioid,), prescribed_only=True)
        )
        assert result.overridden_by == (("opioids_which", opioid),)
        assert result.status_of("tolerance") is Status.MET
        assert result.physical_dependence is True

    def test_every_overriding_answer_is_named(self, asks_anyway, yes_to):
        result = score(
            asks_anyway, yes_to(opioids_which=("heroin", "fentanyl"), prescribed_only=True)
        )
        assert result.overridden_by == (
            ("opioids_which", "heroin"),
            ("opioids_which", "fentanyl"),
        )

    def test_overriding_answers_are_not_reported_when_supervision_was_not_claimed(
        self, bank, yes_to
    ):
        result = score(bank, yes_to("tolerance", opioids_which=("heroin",), prescribed_only=False))
        assert result.supervision_claimed is False
        assert result.overridden_by == ()
        assert result_json(result)["supervision_overridden_by"] == []

    def test_supervision_override_is_a_result_fact_for_referrals(self, make_bank, answers):
        def change(data):
            data["referrals"].append(
                {
                    "id": "overridden",
                    "urgency": "now",
                    "title": "Overridden",
                    "text": "Your prescribed-only answer did not hold.",
                    "when": {"result": "supervision_overridden", "equals": True},
                    "source": ["dsm5"],
                }
            )

        mini = make_bank(change)
        base = {"use_any": True, "prescribed_only": True}
        with_heroin = score(mini, answers({**base, "opioids_which": ("heroin",)}))
        without = score(mini, answers({**base, "opioids_which": ("prescribed_pain",)}))
        assert [r.id for r in with_heroin.referrals] == ["overridden"]
        assert [r.id for r in without.referrals] == []


class TestPhysicalDependence:
    """Tolerance or withdrawal outside supervision is flagged as physical dependence."""

    @pytest.mark.parametrize("criterion", ["tolerance", "withdrawal"])
    def test_tolerance_or_withdrawal_alone_is_a_sign_of_physical_dependence(
        self, bank, yes_to, criterion
    ):
        result = score(bank, yes_to(criterion))
        assert result.count == 1
        assert result.severity is Severity.NONE
        assert result.physical_dependence is True
        referrals = [r.id for r in result.referrals]
        assert "physical_dependence" in referrals
        assert "talk_to_clinician" in referrals
        assert "keep_an_eye" not in referrals

    def test_other_criteria_alone_are_not_physical_dependence(self, bank, yes_to):
        result = score(bank, yes_to("craving"))
        assert result.physical_dependence is False
        assert "physical_dependence" not in [r.id for r in result.referrals]


class TestSupervisionUncertain:
    """A skipped "all use was prescribed?" that nothing rules out leaves tolerance and
    withdrawal open: they widen the range, and nothing claims what the person did not say."""

    def test_prescribed_opioids_with_the_question_skipped_widen_the_range(self, bank, yes_to):
        result = score(
            bank,
            yes_to(
                "craving",
                "tolerance",
                "withdrawal",
                opioids_which=("prescribed_pain",),
                prescribed_only=None,
            ),
        )
        assert result.supervision_uncertain is True
        assert result.status_of("tolerance") is Status.UNCERTAIN
        assert result.status_of("withdrawal") is Status.UNCERTAIN
        assert (result.count, result.count_max) == (1, 3)
        assert (result.severity, result.severity_max) == (Severity.NONE, Severity.MILD)
        assert result.physical_dependence is False
        assert "physical_dependence" not in [r.id for r in result.referrals]
        assert result_json(result)["criteria"]["uncertain"] == ["tolerance", "withdrawal"]
        assert result_json(result)["supervision_uncertain"] is True

    def test_the_sentence_says_why_they_are_open_not_that_they_were_unanswered(self, bank, yes_to):
        result = score(
            bank,
            yes_to("tolerance", opioids_which=("treatment_medication",), prescribed_only=None),
        )
        sentence = wording.result_sentence(result)
        assert "depends on whether all use was prescribed" in sentence
        assert "not answered" not in sentence

    def test_heroin_rules_out_the_doubt(self, bank, yes_to):
        result = score(bank, yes_to("tolerance", "withdrawal", prescribed_only=None))
        assert result.supervision_uncertain is False
        assert result.status_of("tolerance") is Status.MET
        assert result.physical_dependence is True

    def test_a_no_to_tolerance_stays_a_no(self, bank, yes_to):
        result = score(bank, yes_to(opioids_which=("prescribed_pain",), prescribed_only=None))
        assert result.status_of("tolerance") is Status.NOT_MET
        assert result.count_max == 0


class TestUnanswered:
    """A skipped criterion is never scored as no: the count becomes a range."""

    def test_skipped_and_missing_criteria_are_unanswered(self, bank, answers):
        values = yes_to_values("craving", "cut_down", tolerance=None)
        del values["withdrawal"]
        result = score(bank, answers(values))
        assert result.status_of("tolerance") is Status.UNANSWERED
        assert result.status_of("withdrawal") is Status.UNANSWERED
        assert (result.count, result.count_max) == (2, 4)
        assert result.severity is Severity.MILD
        assert result.severity_max is Severity.MODERATE
        assert result_json(result)["criteria"] == {
            "count": 2,
            "count_max": 4,
            "met": ["cut_down", "craving"],
            "not_met": [
                "larger_longer",
                "time_spent",
                "role_failure",
                "social_problems",
                "activities_given_up",
                "hazardous_use",
                "despite_harm",
            ],
            "excluded": [],
            "unanswered": ["tolerance", "withdrawal"],
            "uncertain": [],
            "unknown": [],
        }

    def test_nothing_answered_after_the_gate_leaves_every_criterion_open(self, bank, answers):
        result = score(bank, answers({"use_any": True}))
        assert result.ids(Status.UNANSWERED) == list(CRITERIA)
        assert (result.count, result.count_max) == (0, 11)
        assert result.severity_max is Severity.SEVERE

    def test_a_skipped_gate_still_asks_and_scores_the_criteria(self, bank, answers):
        values = dict.fromkeys(CRITERIA[:4], True) | {"use_any": None}
        result = score(bank, answers(values))
        assert result.screened_out is False
        assert result.count == 4
        assert result.severity is Severity.MODERATE


class TestWithdrawalScale:
    """The SOWS total, its research-convention band and partial ratings."""

    @pytest.mark.parametrize(
        ("total", "band"),
        [
            (0, "none"),
            (1, "mild"),
            (10, "mild"),
            (11, "moderate"),
            (20, "moderate"),
            (21, "severe"),
            (64, "severe"),
        ],
    )
    def test_sows_total_falls_in_its_band(self, bank, yes_to, total, band):
        result = score(bank, yes_to(withdrawal_offer=True, **sows_total(total)))
        assert result_json(result)["withdrawal"] == {
            "score": total,
            "answered": 16,
            "items": 16,
            "max": 64,
            "band": band,
            "complete": True,
        }

    def test_extra_withdrawal_items_stay_out_of_the_total(self, bank, yes_to):
        result = score(
            bank,
            yes_to(withdrawal_offer=True, extra_headache=4, extra_heart=4, **sows_total(5)),
        )
        assert result.withdrawal is not None
        assert result.withdrawal.score == 5

    def test_partial_ratings_give_an_incomplete_score(self, bank, yes_to):
        ratings = dict.fromkeys(SOWS_IDS[:5], 3) | {SOWS_IDS[5]: None}
        result = score(bank, yes_to(withdrawal_offer=True, **ratings))
        w = result.withdrawal
        assert w is not None
        assert (w.score, w.answered, w.items, w.complete) == (15, 5, 16, False)
        assert w.band == "moderate"

    def test_declining_the_withdrawal_ratings_gives_no_withdrawal_result(self, bank, yes_to):
        result = score(bank, yes_to(withdrawal_offer=False, **sows_total(30)))
        assert result.withdrawal is None
        assert result_json(result)["withdrawal"] is None

    def test_no_recent_use_gives_no_withdrawal_result(self, bank, answers):
        result = score(
            bank, answers({"use_any": False, "withdrawal_offer": True, **sows_total(30)})
        )
        assert result.withdrawal is None

    def test_skipping_every_item_gives_a_score_with_no_band(self, bank, yes_to):
        result = score(bank, yes_to(withdrawal_offer=True, **dict.fromkeys(SOWS_IDS)))
        assert result_json(result)["withdrawal"] == {
            "score": 0,
            "answered": 0,
            "items": 16,
            "max": 64,
            "band": None,
            "complete": False,
        }

    def test_moderate_withdrawal_brings_the_withdrawal_care_referral(self, bank, yes_to):
        mild = score(bank, yes_to(withdrawal_offer=True, **sows_total(10)))
        moderate = score(bank, yes_to(withdrawal_offer=True, **sows_total(11)))
        assert "withdrawal_care" not in [r.id for r in mild.referrals]
        assert "withdrawal_care" in [r.id for r in moderate.referrals]


class TestScreenedOut:
    """No opioid use in 12 months ends the screen with a short result."""

    def test_no_recent_use_screens_out_with_only_the_no_use_referral(self, bank, answers):
        result = score(bank, answers({"use_any": False}))
        assert result.screened_out is True
        assert result.ids(Status.NOT_MET) == list(CRITERIA)
        assert (result.count, result.count_max) == (0, 0)
        assert result.withdrawal is None
        assert [r.id for r in result.referrals] == ["no_recent_use"]
        assert [c.id for c in result.caveats] == [
            "not_a_diagnosis",
            "tolerance_after_break",
            "good_samaritan",
        ]

    def test_answers_to_hidden_criteria_are_ignored(self, bank, answers):
        values = yes_to_values(*CRITERIA, safety_alone=True, safety_naloxone=False)
        values["use_any"] = False
        result = score(bank, answers(values))
        assert result.count == 0
        assert result.screened_out is True
        assert result.flags == ()
        # Asked on the "no use" path too: used before? and thoughts of suicide.
        assert result.shown == ("consent", "use_any", "ever_used", "crisis_thoughts")
        assert dict(result.answers) == {"use_any": False}


class TestFlags:
    """Safety flags fire from the safety answers of questions that were shown."""

    @pytest.mark.parametrize(
        ("more", "flag"),
        [
            ({"safety_alone": True}, "uses_alone"),
            ({"opioids_which": ("pills_not_prescribed",), "safety_supply": True}, "unknown_supply"),
            ({"safety_break": True}, "recent_break"),
            ({"opioids_how": ("inject",)}, "injecting"),
            ({"safety_overdose": True}, "past_overdose"),
            ({"safety_naloxone": False}, "no_naloxone"),
        ],
    )
    def test_a_risky_answer_raises_its_flag_and_the_overdose_referral(
        self, bank, yes_to, more, flag
    ):
        result = score(bank, yes_to(**more))
        assert [f.id for f in result.flags] == [flag]
        assert result.referrals[0].id == "overdose_safety"

    def test_safe_answers_raise_no_flags(self, bank, yes_to):
        result = score(
            bank,
            yes_to(
                safety_alone=False,
                safety_supply=False,
                safety_break=False,
                safety_overdose=False,
                safety_naloxone=True,
                opioids_how=("swallow",),
            ),
        )
        assert result.flags == ()
        # Heroin was reported: the overdose step is there even with no safety flag.
        assert "overdose_safety" in [r.id for r in result.referrals]

    def test_sharing_gear_counts_only_for_people_who_inject(self, bank, yes_to):
        smoking = score(bank, yes_to(opioids_how=("smoke",), safety_sharing=True))
        injecting = score(bank, yes_to(opioids_how=("inject",), safety_sharing=True))
        assert [f.id for f in smoking.flags] == []
        assert [f.id for f in injecting.flags] == ["injecting", "sharing_equipment"]


class TestReferrals:
    """Referrals are chosen by the result and listed most urgent first."""

    def test_referrals_are_sorted_now_then_soon_then_when_ready(self, bank, yes_to):
        result = score(
            bank,
            yes_to(
                "craving",
                "cut_down",
                safety_alone=True,
                ctx_pregnant="yes",
                ctx_mood=True,
                withdrawal_offer=True,
                **sows_total(32),
            ),
        )
        assert [(bank.referral(r.id).urgency.value, r.id) for r in result.referrals] == [
            ("now", "overdose_safety"),
            ("now", "pregnancy"),
            ("soon", "withdrawal_care"),
            ("soon", "talk_to_clinician"),
            ("soon", "dual_diagnosis"),
            ("when_ready", "therapy"),
            ("when_ready", "aftercare_support"),
        ]

    def test_below_threshold_answers_get_the_keep_an_eye_referral(self, bank, yes_to):
        result = score(bank, yes_to("craving"))
        assert [r.id for r in result.referrals] == ["overdose_safety", "keep_an_eye"]

    def test_many_attempts_suggest_residential_care_only_when_use_is_severe(self, bank, yes_to):
        severe = ("craving", "cut_down", "larger_longer", "time_spent", "role_failure")
        mild = score(bank, yes_to(*severe[:2], ctx_attempts="many"))
        assert "inpatient" not in [r.id for r in mild.referrals]
        result = score(bank, yes_to(*severe, "social_problems", ctx_attempts="many"))
        assert "inpatient" in [r.id for r in result.referrals]


class TestResultJson:
    """`screener score --json` has one stable shape."""

    def test_result_json_has_exactly_the_documented_shape(self, bank, yes_to):
        result = score(
            bank,
            yes_to(
                "craving",
                "cut_down",
                "tolerance",
                "larger_longer",
                "despite_harm",
                withdrawal=None,
                safety_alone=True,
                withdrawal_offer=True,
                **sows_total(12),
            ),
        )
        assert result_json(result) == {
            "bank": {"id": "oud-self-screen", "version": "3.0.0"},
            "perspective": "self",
            "screened_out": False,
            "complete": False,  # only the questions this test is about were answered
            "changed_since": [],
            "not_reached": [
                *("opioids_how", "controlled_setting", "extra_offer"),
                *("safety_break", "safety_overdose", "safety_naloxone", "crisis_thoughts"),
                *("ctx_attempts", "ctx_treatment", "home_safety", "ctx_home", "ctx_support"),
                *("ctx_mood", "ctx_other_substances", "ctx_pregnant"),
            ],
            "criteria": {
                "count": 5,
                "count_max": 6,
                "met": ["larger_longer", "cut_down", "craving", "despite_harm", "tolerance"],
                "not_met": [
                    "time_spent",
                    "role_failure",
                    "social_problems",
                    "activities_given_up",
                    "hazardous_use",
                ],
                "excluded": [],
                "unanswered": ["withdrawal"],
                "uncertain": [],
                "unknown": [],
            },
            "severity": "moderate",
            "severity_max": "severe",
            "supervised_exclusion": False,
            "supervision_uncertain": False,
            "supervision_overridden_by": [],
            "physical_dependence": True,
            "withdrawal": {
                "score": 12,
                "answered": 16,
                "items": 16,
                "max": 64,
                "band": "moderate",
                "complete": True,
            },
            "flags": ["uses_alone"],
            "referrals": [
                "overdose_safety",
                "moud",
                "withdrawal_care",
                "talk_to_clinician",
                "physical_dependence",
                "medical_detox",
                "therapy",
                "aftercare_support",
            ],
            "caveats": [
                "not_a_diagnosis",
                "relapse_common",
                "tolerance_after_break",
                "street_supply",
                "good_samaritan",
                "remission_not_judged",
            ],
            "because": {
                "flags": {"uses_alone": [{"question": "safety_alone", "answer": True}]},
                "referrals": {
                    "overdose_safety": [{"question": "opioids_which", "answer": "heroin"}],
                    **{
                        r: []
                        for r in (
                            "moud",
                            "withdrawal_care",
                            "talk_to_clinician",
                            "physical_dependence",
                            "medical_detox",
                            "therapy",
                            "aftercare_support",
                        )
                    },
                },
                "caveats": {
                    "street_supply": [{"question": "opioids_which", "answer": "heroin"}],
                    **{
                        c: []
                        for c in (
                            "not_a_diagnosis",
                            "relapse_common",
                            "tolerance_after_break",
                            "good_samaritan",
                            "remission_not_judged",
                        )
                    },
                },
            },
        }

    def test_screened_out_json(self, bank, answers):
        values = {"use_any": False, "ever_used": False, "crisis_thoughts": False}
        assert result_json(score(bank, answers(values))) == {
            "bank": {"id": "oud-self-screen", "version": "3.0.0"},
            "perspective": "self",
            "screened_out": True,
            "complete": True,
            "changed_since": [],
            "not_reached": [],
            "criteria": {
                "count": 0,
                "count_max": 0,
                "met": [],
                "not_met": list(CRITERIA),
                "excluded": [],
                "unanswered": [],
                "uncertain": [],
                "unknown": [],
            },
            "severity": "none",
            "severity_max": "none",
            "supervised_exclusion": False,
            "supervision_uncertain": False,
            "supervision_overridden_by": [],
            "physical_dependence": False,
            "withdrawal": None,
            "flags": [],
            "referrals": ["no_recent_use"],
            "caveats": ["not_a_diagnosis", "tolerance_after_break", "good_samaritan"],
            "because": {
                "flags": {},
                "referrals": {"no_recent_use": []},
                "caveats": {
                    "not_a_diagnosis": [],
                    "tolerance_after_break": [],
                    "good_samaritan": [],
                },
            },
        }


answer = st.sampled_from([True, False, None, "missing"])


class TestScoringProperties:
    """Whatever subset of criteria is answered, the count and its range stay consistent."""

    @given(
        choices=st.fixed_dictionaries(dict.fromkeys(CRITERIA, answer)),
        supervised=st.booleans(),
    )
    def test_count_range_and_severity_agree_with_the_answers(
        self, bank, answers, choices, supervised
    ):
        values = yes_to_values(
            opioids_which=("prescribed_pain",) if supervised else ("heroin",),
            prescribed_only=supervised,
        )
        for key, choice in choices.items():
            if choice == "missing":
                del values[key]
            else:
                values[key] = choice
        result = score(bank, answers(values))
        counted = [k for k in CRITERIA if not (supervised and k in ("tolerance", "withdrawal"))]
        yes = {k for k in counted if choices[k] is True}
        open_ = {k for k in counted if choices[k] in (None, "missing")}

        assert result.count <= result.count_max
        assert result.severity is severity_for(result.count)
        assert result.severity_max is severity_for(result.count_max)
        assert set(result.ids(Status.MET)) == yes
        assert set(result.ids(Status.UNANSWERED)) == open_
        assert result.count_max - result.count == len(open_)
        assert result.supervised_exclusion is supervised
        if supervised:
            assert result.ids(Status.EXCLUDED) == ["tolerance", "withdrawal"]
            assert result.physical_dependence is False
        else:
            tol_wd = {choices["tolerance"], choices["withdrawal"]}
            assert result.physical_dependence is (True in tol_wd)

    @given(ratings=st.lists(st.sampled_from([0, 1, 2, 3, 4, None]), min_size=16, max_size=16))
    def test_sows_score_is_the_sum_of_the_answered_items(self, bank, yes_to, ratings):
        result = score(
            bank, yes_to(withdrawal_offer=True, **dict(zip(SOWS_IDS, ratings, strict=True)))
        )
        w = result.withdrawal
        assert w is not None
        rated = [r for r in ratings if r is not None]
        assert w.score == sum(rated)
        assert w.answered == len(rated)
        assert w.complete is (len(rated) == 16)
        assert (w.band is None) is (not rated)
