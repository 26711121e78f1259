"""Banks with more than one perspective, and "I don't know" as an answer: the bank format, the
scoring, answers files and the interview, on a small two-perspective bank built from dicts."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import bank_problems, bank_text
from rich.console import Console

from screener.core.model import CRITERIA, UNKNOWN, WHO, Answers, Bank, Status, Value
from screener.core.scoring import result_json, score
from screener.errors import AnswersError, Interrupted
from screener.files.answers import document, parse_answers
from screener.screens.interview import Interview, parse_reply

SEEN = [
    {
        "id": "seen_use",
        "kind": "yes_no",
        "role": "gate",
        "text": "Do they use opioids?",
        "source": ["dsm5"],
    },
    {
        "id": "seen_cut_down",
        "criterion": "cut_down",
        "kind": "yes_no",
        "text": "Have they tried to stop and not managed it?",
        "show_if": {"not": {"question": "seen_use", "equals": False}},
        "source": ["dsm5"],
    },
    {
        "id": "seen_withdrawal",
        "criterion": "withdrawal",
        "kind": "yes_no",
        "text": "Have you seen them in withdrawal?",
        "show_if": {"not": {"question": "seen_use", "equals": False}},
        "source": ["dsm5"],
    },
    {
        "id": "seen_alone",
        "kind": "yes_no",
        "text": "Do they use alone?",
        "source": ["dsm5"],
    },
]


def two_perspectives(data: dict[str, Any]) -> None:
    """The minimal bank with an `other` perspective: its own consent, gate, two criteria (the
    other nine cannot be seen), a flag, and a referral of its own."""
    data["perspectives"] = {"self": "Myself", "other": "Someone I care about"}
    for section in data["sections"]:
        section["perspective"] = "self"
    data["sections"].append(
        {
            "id": "seen",
            "title": "What you have seen",
            "perspective": "other",
            "unknown": True,
            "questions": copy.deepcopy(SEEN),
        }
    )
    data["flags"].append(
        {
            "id": "they_use_alone",
            "perspective": "other",
            "label": "Uses alone",
            "when": {"question": "seen_alone", "in": [True, "unknown"]},
            "source": ["dsm5"],
        }
    )
    data["referrals"][0]["perspective"] = "self"
    data["referrals"].append(
        {
            "id": "family",
            "perspective": "other",
            "urgency": "soon",
            "title": "Help for you",
            "text": "Talk at a calm moment.",
            "source": ["dsm5"],
        }
    )


def changed(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for c in changes:
            c(data)

    return change


@pytest.fixture(scope="module")
def pair(make_bank: Callable[..., Bank]) -> Bank:
    return make_bank(two_perspectives)


def seen(bank: Bank, **values: Value) -> Answers:
    return Answers(bank.id, bank.version, "other", dict(values))


def problems_with(change: Callable[[dict[str, Any]], None]) -> list[str]:
    return bank_problems(bank_text(changed(two_perspectives, change)))


class TestTheBankFormat:
    """`perspective` on sections and findings, `unknown` on sections and questions."""

    def test_the_two_perspective_bank_is_valid(self, pair: Bank) -> None:
        assert list(pair.perspectives) == ["self", "other"]
        assert pair.section("seen").perspective == "other"
        assert all(q.unknown for q in pair.section("seen").questions)
        assert not any(q.unknown for q in pair.section("use").questions)

    def test_each_perspective_may_have_its_own_gate(self, pair: Bank) -> None:
        assert pair.about("other").by_role(pair.question("seen_use").role).id == "seen_use"
        assert pair.about("self").by_role(pair.question("use_any").role).id == "use_any"

    def test_two_gates_in_one_perspective_are_a_problem(self) -> None:
        def second_gate(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"][3]["role"] = "gate"

        found = problems_with(second_gate)
        assert len(found) == 1
        assert "only one gate question is allowed in perspective 'other'" in found[0]
        assert "('seen_use' already is)" in found[0]

    def test_a_section_for_an_undeclared_perspective_is_a_problem(self) -> None:
        def friend(data: dict[str, Any]) -> None:
            data["sections"][-1]["perspective"] = "friend"

        found = problems_with(friend)
        assert any("perspective: 'friend' is not a declared perspective" in p for p in found)

    def test_a_perspective_without_questions_is_a_problem(self) -> None:
        def lonely(data: dict[str, Any]) -> None:
            data["perspectives"]["friend"] = "A friend"

        found = problems_with(lonely)
        assert len(found) == 1
        assert "perspectives.friend: no section is asked in perspective friend" in found[0]

    def test_a_condition_cannot_name_a_question_of_another_perspective(self) -> None:
        def crossing(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"][1]["show_if"] = {
                "question": "use_any",
                "equals": True,
            }

        found = problems_with(crossing)
        assert len(found) == 1
        assert "'use_any' is asked only in perspective 'self'" in found[0]

    def test_a_flag_for_one_perspective_cannot_read_the_others_questions(self) -> None:
        def crossing(data: dict[str, Any]) -> None:
            data["flags"][-1]["when"] = {"question": "safety_alone", "equals": True}

        found = problems_with(crossing)
        assert len(found) == 1
        assert "flags[1].when.question: 'safety_alone' is asked only in perspective" in found[0]

    def test_the_consent_question_cannot_take_dont_know(self) -> None:
        def consent(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"].insert(
                0,
                {
                    "id": "seen_consent",
                    "kind": "yes_no",
                    "role": "consent",
                    "required": True,
                    "unknown": True,
                    "text": "Begin?",
                    "source": ["dsm5"],
                },
            )

        found = problems_with(consent)
        assert len(found) == 1
        assert "unknown: the consent question and text questions cannot take" in found[0]

    def test_a_section_that_takes_dont_know_leaves_its_consent_question_out(
        self, make_bank: Callable[..., Bank]
    ) -> None:
        def consent(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"].insert(
                0,
                {
                    "id": "seen_consent",
                    "kind": "yes_no",
                    "role": "consent",
                    "required": True,
                    "text": "Begin?",
                    "source": ["dsm5"],
                },
            )

        bank = make_bank(changed(two_perspectives, consent))
        assert not bank.question("seen_consent").unknown
        assert bank.question("seen_cut_down").unknown

    def test_an_option_cannot_be_called_unknown_where_dont_know_is_an_answer(self) -> None:
        def option(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"].append(
                {
                    "id": "seen_which",
                    "kind": "choice",
                    "text": "Which?",
                    "options": [
                        {"value": "heroin", "label": "Heroin"},
                        {"value": "unknown", "label": "Not sure"},
                    ],
                    "source": ["dsm5"],
                }
            )

        found = problems_with(option)
        assert len(found) == 1
        assert "options: 'unknown' is the stored 'I don't know' answer" in found[0]

    def test_show_if_cannot_test_for_dont_know(self) -> None:
        def show_if(data: dict[str, Any]) -> None:
            data["sections"][-1]["questions"][2]["show_if"] = {
                "question": "seen_use",
                "equals": "unknown",
            }

        found = problems_with(show_if)
        assert len(found) == 1
        assert "only the 'when' of a flag, referral or caveat can test for 'unknown'" in found[0]

    def test_a_question_without_dont_know_cannot_be_tested_for_it(self) -> None:
        def when(data: dict[str, Any]) -> None:
            data["flags"][0]["when"] = {"question": "safety_alone", "equals": "unknown"}

        found = problems_with(when)
        assert len(found) == 1
        assert "'safety_alone' cannot be 'unknown' (it takes true, false)" in found[0]

    def test_a_bank_with_one_perspective_is_unchanged(self, make_bank: Callable[..., Bank]):
        bank = make_bank()
        assert bank.about("self") is bank
        assert not any(q.unknown for q in bank.questions)


class TestTheBankAsAskedInOnePerspective:
    def test_each_perspective_sees_only_its_own_sections_and_findings(self, pair: Bank):
        other = pair.about("other")
        assert [s.id for s in other.sections] == ["seen"]
        assert [f.id for f in other.flags] == ["uses_alone", "they_use_alone"]
        assert [r.id for r in other.referrals] == ["family"]
        mine = pair.about("self")
        assert "seen" not in [s.id for s in mine.sections]
        assert [r.id for r in mine.referrals] == ["talk"]

    def test_the_view_is_made_once(self, pair: Bank) -> None:
        assert pair.about("other") is pair.about("other")


class TestDontKnow:
    """ "I don't know" is an answer: kept apart from a skip, and open like one."""

    def test_criteria_no_question_can_see_are_not_known(self, pair: Bank) -> None:
        res = score(pair, seen(pair, seen_use=True, seen_cut_down=True, seen_withdrawal=False))
        assert res.status_of("cut_down") is Status.MET
        assert res.status_of("withdrawal") is Status.NOT_MET
        unseen = [k for k in CRITERIA if k not in ("cut_down", "withdrawal")]
        assert res.ids(Status.UNKNOWN) == unseen
        assert (res.count, res.count_max) == (1, 10)

    def test_dont_know_is_not_known_and_skipped_is_not_answered(self, pair: Bank) -> None:
        res = score(pair, seen(pair, seen_use=True, seen_cut_down=UNKNOWN, seen_withdrawal=None))
        assert res.status_of("cut_down") is Status.UNKNOWN
        assert res.status_of("withdrawal") is Status.UNANSWERED
        data = result_json(res)["criteria"]
        assert isinstance(data, dict)
        assert data["unanswered"] == ["withdrawal"]
        assert "cut_down" in data["unknown"] and "withdrawal" not in data["unknown"]

    @pytest.mark.parametrize("open_answer", [UNKNOWN, None], ids=["dont-know", "skipped"])
    def test_dont_know_widens_the_range_exactly_as_a_skip_does(
        self, pair: Bank, open_answer: Value
    ) -> None:
        res = score(
            pair, seen(pair, seen_use=True, seen_cut_down=True, seen_withdrawal=open_answer)
        )
        assert (res.count, res.count_max) == (1, 11)

    def test_a_yes_beside_a_dont_know_is_met(self, make_bank: Callable[..., Bank]) -> None:
        def second(data: dict[str, Any]) -> None:
            extra = copy.deepcopy(SEEN[2])
            extra["id"] = "seen_sick"
            data["sections"][-1]["questions"].append(extra)

        bank = make_bank(changed(two_perspectives, second))
        both = score(bank, seen(bank, seen_use=True, seen_withdrawal=UNKNOWN, seen_sick=True))
        assert both.status_of("withdrawal") is Status.MET
        unsure = score(bank, seen(bank, seen_use=True, seen_withdrawal=UNKNOWN, seen_sick=False))
        assert unsure.status_of("withdrawal") is Status.UNKNOWN

    def test_a_gate_answered_dont_know_does_not_end_the_screening(self, pair: Bank) -> None:
        res = score(pair, seen(pair, seen_use=UNKNOWN, seen_cut_down=True))
        assert not res.screened_out
        assert res.count == 1

    def test_no_use_known_leaves_nothing_open(self, pair: Bank) -> None:
        res = score(pair, seen(pair, seen_use=False))
        assert res.screened_out
        assert (res.count, res.count_max) == (0, 0)
        assert res.ids(Status.UNKNOWN) == []

    @pytest.mark.parametrize(
        ("answer", "raised"), [(True, True), (UNKNOWN, True), (False, False), (None, False)]
    )
    def test_a_flag_may_be_raised_by_dont_know_when_its_rule_says_so(
        self, pair: Bank, answer: Value, raised: bool
    ) -> None:
        res = score(pair, seen(pair, seen_use=True, seen_alone=answer))
        assert ("they_use_alone" in [f.id for f in res.flags]) is raised

    def test_each_perspective_gets_only_its_own_next_steps(self, pair: Bank) -> None:
        theirs = score(pair, seen(pair, seen_use=True, seen_cut_down=True, seen_withdrawal=True))
        assert [r.id for r in theirs.referrals] == ["family"]
        mine = score(pair, Answers(pair.id, pair.version, "self", {"use_any": False}))
        assert "family" not in [r.id for r in mine.referrals]


class TestAnswersFiles:
    HEAD = "format: screener-answers/1\nbank: {id: mini, version: 1.0.0}\n"

    def parse(self, bank: Bank, text: str) -> Answers:
        return parse_answers(text, bank, "answers.yaml")[0]

    def problems(self, bank: Bank, text: str) -> list[str]:
        with pytest.raises(AnswersError) as caught:
            parse_answers(text, bank, "answers.yaml")
        return list(caught.value.problems)

    def test_dont_know_is_written_as_unknown_and_read_back(self, pair: Bank) -> None:
        given = seen(pair, seen_use=True, seen_cut_down=UNKNOWN, seen_withdrawal=None)
        doc = document(given, pair)
        assert doc["perspective"] == "other"
        assert doc["answers"] == {
            "seen_use": True,
            "seen_cut_down": "unknown",
            "seen_withdrawal": None,
        }
        again = self.parse(pair, yaml.safe_dump(doc))
        assert again.values == given.values
        assert again.perspective == "other"

    def test_unknown_where_dont_know_is_not_an_answer_is_a_problem(self, pair: Bank) -> None:
        text = self.HEAD + "perspective: self\nanswers:\n  use_any: unknown\n"
        assert self.problems(pair, text) == [
            "answers.yaml:5: answers.use_any: expected true or false, got 'unknown' "
            "('unknown', I don't know, is not an answer here)"
        ]

    @pytest.mark.parametrize("value", ["Unknown", "UNKNOWN", '"unknown "', "[unknown]", "~unknown"])
    def test_only_unknown_itself_means_dont_know(self, pair: Bank, value: str) -> None:
        text = self.HEAD + f"perspective: other\nanswers:\n  seen_cut_down: {value}\n"
        found = self.problems(pair, text)
        assert len(found) == 1
        assert found[0].startswith("answers.yaml:5: answers.seen_cut_down: expected true or false")

    def test_an_answer_to_another_perspectives_question_is_a_problem(self, pair: Bank) -> None:
        text = self.HEAD + "perspective: other\nanswers:\n  seen_use: true\n  craving: true\n"
        assert self.problems(pair, text) == [
            "answers.yaml:6: answers.craving: 'craving' is asked only in perspective 'self', "
            "and these answers are in perspective 'other'"
        ]

    def test_answers_without_a_perspective_are_the_banks_first(self, pair: Bank) -> None:
        text = self.HEAD + "answers:\n  use_any: false\n"
        assert self.parse(pair, text).perspective == "self"


class Screen:
    """A scripted person and a recording screen."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.shown: list[str] = []

    def ask(self, prompt: str) -> str:
        if not self.replies:
            raise EOFError
        return self.replies.pop(0)

    def show(self, renderable: object) -> None:
        console = Console(record=True, width=80, file=io.StringIO())
        console.print(renderable)
        self.shown.append(console.export_text())

    def text(self) -> str:
        return " ".join("\n".join(self.shown).split())


class TestTheInterview:
    def test_who_it_is_about_is_asked_first_and_chooses_the_questions(self, pair: Bank):
        screen = Screen("2", "y", "d", "s", "y")
        answers = Interview(pair, screen.ask, screen.show, None).run()
        assert answers is not None
        assert answers.perspective == "other"
        assert answers.values == {
            "seen_use": True,
            "seen_cut_down": UNKNOWN,
            "seen_withdrawal": None,
            "seen_alone": True,
        }
        first = " ".join(screen.shown[1].split())
        assert "Who is this screening about? 1 Myself 2 Someone I care about" in first

    def test_myself_leads_to_the_self_questions(self, pair: Bank) -> None:
        screen = Screen("1", "n")
        answers = Interview(pair, screen.ask, screen.show, None).run()
        assert answers is not None
        assert (answers.perspective, answers.values) == ("self", {"use_any": False})

    def test_who_it_is_about_cannot_be_skipped_or_gone_back_from(self, pair: Bank) -> None:
        screen = Screen("s", "b", "3", "1", "n")
        answers = Interview(pair, screen.ask, screen.show, None).run()
        assert answers is not None and answers.perspective == "self"
        text = screen.text()
        assert "This one needs an answer. Type q if you would rather stop." in text
        assert "This is the first question; there is nothing before it." in text
        assert "'3' is not one of the choices." in text

    def test_a_chosen_perspective_is_not_asked_about(self, pair: Bank) -> None:
        screen = Screen("n", "n")
        answers = Interview(pair, screen.ask, screen.show, "other").run()
        assert answers is not None
        assert answers.values == {"seen_use": False, "seen_alone": False}
        assert "Who is this screening about?" not in screen.text()

    def test_a_bank_with_one_perspective_never_asks(self, make_bank: Callable[..., Bank]):
        screen = Screen("n")
        answers = Interview(make_bank(), screen.ask, screen.show, None).run()
        assert answers is not None and answers.perspective == "self"

    def test_every_question_about_someone_else_says_whose_account_it_is(self, pair: Bank):
        screen = Screen("2", "y")
        with pytest.raises(Interrupted):
            Interview(pair, screen.ask, screen.show, None).run()
        question = " ".join(screen.shown[-1].split())
        assert "Your account of someone else · What you have seen · 2 of 4" in question
        assert "Type y for yes or n for no. Type d if you don't know." in question
        assert "d don't know · b back · s skip" in question

    def test_d_means_dont_know_only_where_it_is_an_answer(self, pair: Bank) -> None:
        mine = pair.question("use_any")
        theirs = pair.question("seen_use")
        assert parse_reply(theirs, "d").value == UNKNOWN
        assert parse_reply(theirs, "Don't know").value == UNKNOWN
        assert parse_reply(mine, "d").hint == (
            "'d' is not an answer here. Type y or n (or ? for why we ask, h for all keys)."
        )

    def test_the_who_question_is_not_a_bank_question(self, pair: Bank) -> None:
        assert WHO not in [q.id for q in pair.questions]
