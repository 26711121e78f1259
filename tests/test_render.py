"""The result screen and the bank listing, checked through a recording Rich console."""

from __future__ import annotations

import io
import json
import re

import pytest
from conftest import SOWS_IDS, yes_to_values
from rich.console import Console

from screener.core.model import CRITERIA, Bank, Status
from screener.core.scoring import score
from screener.screens import render
from screener.screens import result as result_screen
from screener.summaries.bankjson import bank_json

BOX = set("─│┃━╭╮╰╯┏┓┗┛")


def shown(renderable, width: int = 80) -> str:
    """What a person sees: the recorded text, without styles."""
    console = Console(record=True, width=width, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def words(text: str) -> str:
    """Text with box borders dropped and whitespace runs made one space."""
    return " ".join("".join(" " if c in BOX else c for c in text).split())


def criteria_rows(text: str) -> dict[int, tuple[str, str, str]]:
    """The criteria table read back by its columns: number -> (criterion, result, answer)."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if re.match(r"\s*#\s+Criterion\s+Result", line))
    result_at = lines[head].index("Result")
    answer_at = lines[head].index("Answer")
    rows: dict[int, list[list[str]]] = {}
    current = None
    for line in lines[head + 2 :]:
        if not line.strip():
            break
        number = line[:3].strip()
        if number:
            current = int(number)
            rows[current] = [[], [], []]
        assert current is not None
        for cells, part in zip(
            rows[current],
            (line[3:result_at], line[result_at:answer_at], line[answer_at:]),
            strict=True,
        ):
            if part.strip():
                cells.append(part.strip())
    return {n: tuple(" ".join(cells) for cells in row) for n, row in rows.items()}


def sows(total: int) -> dict[str, int]:
    """All 16 SOWS items rated to add up to `total`."""
    out, left = {}, total
    for qid in SOWS_IDS:
        out[qid] = min(4, left)
        left -= out[qid]
    return out


@pytest.fixture(scope="module")
def moderate(bank, yes_to):
    """Five criteria met, moderate withdrawal, one safety flag."""
    return score(
        bank,
        yes_to(
            "larger_longer",
            "cut_down",
            "craving",
            "despite_harm",
            "hazardous_use",
            safety_alone=True,
            withdrawal_offer=True,
            **sows(12),
        ),
    )


@pytest.fixture(scope="module")
def mixed(bank, yes_to):
    """Supervised use with one criterion met and one skipped: every status at once."""
    return score(
        bank,
        yes_to(
            "craving",
            "tolerance",
            cut_down=None,
            opioids_which=("prescribed_pain",),
            prescribed_only=True,
        ),
    )


class TestSummary:
    """The one-line summary states the count and the provisional severity."""

    @pytest.mark.parametrize(
        ("values", "line"),
        [
            (
                yes_to_values(*CRITERIA[:5]),
                "5 of 11 criteria: a pattern consistent with moderate opioid use disorder",
            ),
            (
                yes_to_values(),
                "0 of 11 criteria: below the threshold for opioid use disorder "
                "(2 or more criteria)",
            ),
            (
                yes_to_values(*CRITERIA[:2]),
                "2 of 11 criteria: a pattern consistent with mild opioid use disorder",
            ),
            (
                yes_to_values(*CRITERIA),
                "11 of 11 criteria: a pattern consistent with severe opioid use disorder",
            ),
            (
                yes_to_values(*CRITERIA[:5], withdrawal=None),
                "5 to 6 of 11 criteria (1 not answered): moderate opioid use disorder as "
                "answered, up to severe opioid use disorder if it is a yes",
            ),
            (
                yes_to_values("craving", tolerance=None, withdrawal=None),
                "1 to 3 of 11 criteria (2 not answered): below the threshold as answered, "
                "up to mild opioid use disorder if they are a yes",
            ),
            (
                {"use_any": False},
                "No opioid use in the past 12 months was reported, so the criteria were not asked.",
            ),
        ],
    )
    def test_summary_line(self, bank, answers, values, line):
        assert result_screen.summary_line(score(bank, answers(values))) == line

    def test_the_result_opens_with_the_sentence_and_the_not_a_diagnosis_line(self, bank, yes_to):
        text = shown(result_screen.result(bank, score(bank, yes_to(*CRITERIA[:5]))))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[:3] == [
            "Your screening result",
            "5 of 11 criteria: a pattern consistent with moderate opioid use disorder",
            "This is a screening, not a diagnosis. Only a clinician can diagnose.",
        ]

    def test_the_result_ends_on_a_card_with_the_result_first_step_and_a_helpline(
        self, bank, moderate
    ):
        text = words(shown(result_screen.result(bank, moderate)))
        first = bank.referral(moderate.referrals[0].id)
        assert text.endswith(
            "In short: 5 of 11 criteria: a pattern consistent with moderate opioid use "
            "disorder This is a screening, not a diagnosis. Only a clinician can diagnose. "
            f"First step: {first.title}{': ' + first.brief if first.brief else ''} "
            "Emergency services: 911. For an overdose or any emergency. "
            "SAMHSA National Helpline: 1-800-662-4357 (1-800-662-HELP). Free, confidential, "
            "24/7. Scroll up to read the whole result."
        )


class TestCriteria:
    """Every criterion gets a row with its plain meaning, its status and the answer."""

    def test_each_criterion_has_a_row_with_its_status(self, bank, mixed):
        rows = criteria_rows(shown(result_screen.result(bank, mixed)))
        assert sorted(rows) == list(range(1, 12))
        statuses = {key: rows[n][1] for n, key in enumerate(CRITERIA, 1)}
        assert statuses == {
            "larger_longer": "not met",
            "cut_down": "not answered",
            "time_spent": "not met",
            "craving": "met",
            "role_failure": "not met",
            "social_problems": "not met",
            "activities_given_up": "not met",
            "hazardous_use": "not met",
            "despite_harm": "not met",
            "tolerance": "not counted (prescribed use)",
            "withdrawal": "not counted (prescribed use)",
        }
        for n, key in enumerate(CRITERIA, 1):
            assert rows[n][0] == bank.criteria[key]
        assert rows[2][2] == "skipped"
        assert rows[4][2] == "yes"
        assert rows[10][2] == "yes"

    def test_plain_mode_gives_one_sentence_per_criterion(self, bank, mixed):
        text = words(shown(result_screen.result(bank, mixed, plain=True)))
        label = {
            Status.MET: "met",
            Status.NOT_MET: "not met",
            Status.EXCLUDED: "not counted (prescribed use)",
            Status.UNANSWERED: "not answered",
        }
        for n, c in enumerate(mixed.criteria, 1):
            [(_, value)] = c.answers
            answer = {True: "yes", False: "no", None: "skipped"}[value]
            sentence = f"{n}. {bank.criteria[c.key]}: {label[c.status]}. Your answer: {answer}"
            assert sentence in text

    def test_supervised_use_is_explained(self, bank, mixed):
        assert (
            "You said all your opioid use was prescribed and taken as prescribed, so tolerance "
            "and withdrawal are not counted: they are expected with prescribed opioids."
        ) in words(shown(result_screen.result(bank, mixed)))

    def test_an_overridden_supervision_claim_is_explained(self, asks_anyway, yes_to):
        bank = asks_anyway
        res = score(bank, yes_to("tolerance", opioids_which=("heroin",), prescribed_only=True))
        assert (
            "You said all your use was prescribed, but you answered 'Heroin' to 'Opioids "
            "used'. Tolerance and withdrawal are therefore counted."
        ) in words(shown(result_screen.result(bank, res)))

    def test_a_screened_out_result_has_no_criteria_table(self, bank, answers):
        text = words(shown(result_screen.result(bank, score(bank, answers({"use_any": False})))))
        assert "The 11 criteria" not in text
        assert "No opioid use reported" in text
        assert "Call 911 now." in text


# What every withdrawal rating above zero says after its range: treatable, and where to call.
TREATABLE = (
    "Withdrawal can be treated safely, and it need not wait: a clinician can help, and so can "
    "the SAMHSA National Helpline at 1-800-662-4357 (1-800-662-HELP), day or night."
)


class TestWithdrawal:
    """The withdrawal rating in plain words; its scale's name and where its ranges come from
    are for clinicians (explain and the summaries)."""

    def test_a_complete_rating_gives_the_score_and_its_range(self, bank, moderate):
        assert result_screen.withdrawal_text(bank, moderate).plain == (
            "12 out of 64, 16 of 16 items answered. That is in the moderate range (11 to 20 out "
            "of 64): it says how strongly you feel withdrawal right now, not how serious your "
            f"opioid use is. {TREATABLE}"
        )

    def test_a_partial_rating_is_a_lower_bound(self, bank, yes_to):
        res = score(bank, yes_to(withdrawal_offer=True, **dict.fromkeys(SOWS_IDS[:5], 3)))
        assert result_screen.withdrawal_text(bank, res).plain == (
            "at least 15 out of 64, 5 of 16 items answered. So far that is in the moderate range "
            "(11 to 20 out of 64): it says how strongly you feel withdrawal right now, not how "
            f"serious your opioid use is. {TREATABLE}"
        )

    def test_declined_ratings_say_not_taken(self, bank, yes_to):
        res = score(bank, yes_to(withdrawal_offer=False))
        assert result_screen.withdrawal_text(bank, res).plain == "Not taken (it was optional)."

    def test_all_items_skipped_says_there_is_no_score(self, bank, yes_to):
        res = score(bank, yes_to(withdrawal_offer=True, **dict.fromkeys(SOWS_IDS)))
        assert result_screen.withdrawal_text(bank, res).plain == (
            "You chose to rate how you feel, but skipped every item, so there is no score."
        )

    def test_the_research_detail_stays_off_the_persons_screen(self, bank, moderate):
        text = words(shown(result_screen.result(bank, moderate)))
        assert "Withdrawal right now: 12 out of 64" in text
        for research in ("CTN-0094", "harmonisation", "Subjective Opiate", "SOWS", "Band:"):
            assert research not in text


class TestSafetyAndNextSteps:
    """Flags, referrals, the emergency box, caveats and sources all reach the screen."""

    def test_flags_are_listed_with_their_detail(self, bank, moderate):
        text = words(shown(result_screen.result(bank, moderate)))
        assert (
            "Safety - Using alone: If an overdose happens with no one around, nobody can give "
            "naloxone or call 911, and naloxone only works when it is given quickly."
        ) in text

    def test_no_flags_says_no_risks_were_reported(self, bank, yes_to):
        res = score(bank, yes_to(safety_alone=False, safety_naloxone=True))
        assert "Safety None of the overdose risks we asked about were reported." in words(
            shown(result_screen.result(bank, res))
        )

    def test_unanswered_safety_questions_are_not_called_safe(self, bank, yes_to):
        text = words(shown(result_screen.result(bank, score(bank, yes_to()))))
        assert "Safety The overdose-risk questions were not answered." in text

    def test_referrals_are_shown_most_urgent_first_with_their_urgency(self, bank, moderate):
        text = words(shown(result_screen.result(bank, moderate)))
        titles = [
            "Now: Lower your overdose risk",
            "Soon: Medicines for opioid use disorder",
            "Soon: Help with withdrawal",
            "Soon: Talk to a clinician",
            "When you are ready: Talking therapies",
        ]
        places = [text.index(t) for t in titles]
        assert places == sorted(places)
        assert "Withdrawal management (detox)" not in text  # no physical dependence, no detox

    def test_the_result_always_shows_the_emergency_box_and_the_helplines(self, bank, moderate):
        text = words(shown(result_screen.result(bank, moderate)))
        emergency = text[text.index("In an emergency") :]
        for line in (
            "If someone may be overdosing",
            "Slow, shallow or no breathing",
            "Gurgling or snoring sounds",
            "Limp body",
            "1. Call 911 now.",
            "2. Give naloxone (Narcan) if you have it.",
            "Support their breathing",
            "recovery position",
            "Give a second dose",
            "Naloxone wears off",
            "Good Samaritan laws",
            "SAMHSA National Helpline: 1-800-662-4357 (1-800-662-HELP). Free, confidential, "
            "24 hours a day",
            "988 Suicide & Crisis Lifeline: Call or text 988.",
            "Never Use Alone hotline: 1-800-484-3731.",
        ):
            assert line in emergency

    def test_caveats_are_listed(self, bank, moderate):
        text = words(shown(result_screen.result(bank, moderate)))
        keep_in_mind = text[text.index("Keep in mind") : text.index("Sources")]
        for caveat in moderate.caveats:
            assert words(bank.caveat(caveat.id).text) in keep_in_mind

    def test_sources_are_listed_by_title_only(self, bank, moderate):
        text = words(shown(result_screen.result(bank, moderate)))
        sources = text[text.rindex("Sources") :]
        cited = bank.about("self").cited()
        assert {s.id for s in cited} >= {"s000", "s004", "dsm5", "sows", "asam2020", "helplines"}
        for s in bank.sources.values():
            assert (s.file or s.ref) not in text
            # A result about oneself cites its own sources, not the family-support ones.
            assert (words(s.title) in sources) is (s in cited)
        assert "CRAFT" not in sources


class TestPlainAndSafeText:
    """Plain mode draws no boxes, and bank text never turns into markup or escapes."""

    @pytest.mark.parametrize("plain_result", ["moderate", "mixed", "screened_out"])
    def test_plain_result_has_no_box_drawing_characters(self, bank, answers, request, plain_result):
        if plain_result == "screened_out":
            res = score(bank, answers({"use_any": False}))
        else:
            res = request.getfixturevalue(plain_result)
        text = shown(result_screen.result(bank, res, plain=True))
        assert not set(text) & BOX
        assert "Call 911 now." in text

    def test_the_default_result_does_draw_boxes(self, bank, moderate):
        # The check above can fail: the same result outside plain mode has its boxes.
        assert set(shown(result_screen.result(bank, moderate))) & BOX

    def _hostile_bank(self, make_bank) -> Bank:
        def change(data):
            data["title"] = "Mini [bold red]x[/] \x1b[31mscreen"
            data["criteria"]["craving"] = "Cravings [bold red]x[/]"
            data["flags"][0]["label"] = "Alone [link=http://example.com]click[/link]"
            data["flags"][0]["detail"] = "Detail \x1b]0;owned\x07here"
            data["referrals"][0]["title"] = "Talk [bold red]x[/]"
            data["emergency"]["steps"] = ["Call 911 now. [blink]now[/blink]"]
            data["sources"][0]["title"] = "DSM [i]5[/i]"

        return make_bank(change)

    @pytest.mark.parametrize("plain", [False, True])
    def test_bank_text_with_markup_is_shown_literally(self, make_bank, answers, plain):
        mini = self._hostile_bank(make_bank)
        values = {"use_any": True, "craving": True, "cut_down": True, "safety_alone": True}
        res = score(mini, answers(values))
        text = shown(result_screen.result(mini, res, plain=plain), width=200)
        for literal in (
            "Cravings [bold red]x[/]",
            "Alone [link=http://example.com]click[/link]",
            "Talk [bold red]x[/]",
            "Call 911 now. [blink]now[/blink]",
            "DSM [i]5[/i]",
        ):
            assert literal in text

    @pytest.mark.parametrize("plain", [False, True])
    def test_escape_characters_in_bank_text_never_reach_the_screen(self, make_bank, answers, plain):
        mini = self._hostile_bank(make_bank)
        values = {"use_any": True, "craving": True, "safety_alone": True}
        text = shown(result_screen.result(mini, score(mini, answers(values)), plain=plain))
        assert "\x1b" not in text
        assert "\x07" not in text

    def test_welcome_shows_the_bank_title_literally_and_not_its_id_or_version(self, make_bank):
        mini = make_bank({"title": "Mini [bold red]x[/]", "version": "[red]2.0[/red]"})
        text = shown(render.welcome(mini, plain=False))
        assert "Mini [bold red]x[/]" in text
        assert "2.0" not in text
        assert mini.id not in text

    @pytest.mark.parametrize("plain", [False, True])
    def test_escapes_in_the_bank_version_never_reach_the_welcome(self, make_bank, plain):
        # The loader refuses such a version; the renderer must not rely on that.
        mini = make_bank({})._replace(version="1.0\x1b[2J\x1b]0;owned\x07")
        text = shown(render.welcome(mini, plain=plain))
        assert "\x1b" not in text


class TestBankJson:
    """`screener questions --json` lists the bank and each question's shape."""

    def test_bank_json_has_the_bank_and_every_question_in_order(self, bank):
        doc = json.loads(json.dumps(bank_json(bank)))
        assert doc["bank"] == {
            "id": "oud-self-screen",
            "version": "3.0.0",
            "title": "Opioid use self-screening",
            "language": "en",
            "perspectives": {"self": "Myself", "other": "Someone I care about"},
        }
        assert [q["id"] for q in doc["questions"]] == [q.id for q in bank.questions]
        keys = {
            "id",
            "section",
            "kind",
            "text",
            "short",
            "options",
            "criterion",
            "role",
            "scale",
            "show_if",
            "why",
            "source",
            "changed_in",
            "perspective",
            "unknown",
        }
        assert all(set(q) == keys for q in doc["questions"])
        changed = {q["id"]: q["changed_in"] for q in doc["questions"] if q["changed_in"]}
        assert changed == {
            **dict.fromkeys(
                ("cut_down", "role_failure", "despite_harm", "tolerance", "withdrawal"), "2.0.0"
            ),
            **dict.fromkeys(("hazardous_use", "ctx_home"), "3.0.0"),
        }

    def test_a_multi_question_lists_its_options_and_condition(self, bank):
        doc = json.loads(json.dumps(bank_json(bank)))
        which = next(q for q in doc["questions"] if q["id"] == "opioids_which")
        assert which["section"] == "use"
        assert which["kind"] == "multi"
        assert which["options"][0] == {"value": "heroin", "label": "Heroin"}
        assert [o["value"] for o in which["options"]] == [
            "heroin",
            "fentanyl",
            "pills_not_prescribed",
            "prescribed_pain",
            "treatment_medication",
            "other",
        ]
        assert (which["criterion"], which["role"], which["scale"]) == (None, None, None)
        assert which["show_if"] == {"question": "use_any", "equals": True}

    def test_a_criterion_question_carries_its_criterion_and_section_condition(self, bank):
        doc = json.loads(json.dumps(bank_json(bank)))
        craving = next(q for q in doc["questions"] if q["id"] == "craving")
        assert craving["criterion"] == "craving"
        assert craving["kind"] == "yes_no"
        assert craving["options"] == [
            {"value": True, "label": "yes"},
            {"value": False, "label": "no"},
        ]
        assert craving["show_if"] == {"not": {"question": "use_any", "equals": False}}

    def test_a_rating_combines_the_section_and_question_conditions(self, bank):
        doc = json.loads(json.dumps(bank_json(bank)))
        item = next(q for q in doc["questions"] if q["id"] == "sows_anxious")
        assert item["scale"] == "sows"
        assert [o["value"] for o in item["options"]] == [0, 1, 2, 3, 4]
        assert item["show_if"] == {
            "all": [
                {"not": {"question": "use_any", "equals": False}},
                {"question": "withdrawal_offer", "equals": True},
            ]
        }

    def test_roles_are_named(self, bank):
        doc = bank_json(bank)
        roles = {q["id"]: q["role"] for q in doc["questions"] if q["role"]}
        assert roles == {
            "consent": "consent",
            "use_any": "gate",
            "prescribed_only": "prescribed_only",
            "about_consent": "consent",
            "about_use_any": "gate",
            "about_prescribed_only": "prescribed_only",
        }
