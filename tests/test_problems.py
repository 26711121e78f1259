"""The one problem collector: file order, the cap, and nothing worked out for a problem left off."""

from __future__ import annotations

import time

import pytest
from conftest import bank_problems, bank_text

from screener.errors import AnswersError
from screener.files import problems as problems_module
from screener.files import yamlsrc
from screener.files.answers import parse_answers
from screener.files.problems import MAX_PROBLEMS, Hint, Problems

TEXT = "a: 1\nb: 2\nc: 3\nd: 4\n"


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The words a did-you-mean search was made for, from now on."""
    made: list[object] = []
    search = problems_module.did_you_mean

    def counted(word: object, choices: object) -> str:
        made.append(word)
        return search(word, choices)  # type: ignore[arg-type]

    monkeypatch.setattr(problems_module, "did_you_mean", counted)
    return made


def collector(limit: int = MAX_PROBLEMS) -> Problems:
    return Problems("f.yaml", yamlsrc.load(TEXT), limit)


def test_problems_come_by_line_whatever_order_they_are_found_in() -> None:
    found = collector()
    found.add(("c",), "third")
    found.add(("a",), "first")
    found.add(("b",), "second")
    assert found.lines() == ["f.yaml:1: a: first", "f.yaml:2: b: second", "f.yaml:3: c: third"]


def test_problems_at_one_line_keep_the_order_they_were_found_in() -> None:
    found = collector()
    found.add(("b",), "one")
    found.add(("a",), "before")
    found.add(("b",), "two")
    assert found.lines() == ["f.yaml:1: a: before", "f.yaml:2: b: one", "f.yaml:2: b: two"]


def test_values_fill_the_message_and_without_them_it_is_used_as_it_is() -> None:
    found = collector()
    found.add(("a",), "duplicate key '{x}'")  # a message written already, braces from the file
    found.add(("b",), "expected {what}, got {value}", what="text", value="the number 2")
    assert found.lines() == [
        "f.yaml:1: a: duplicate key '{x}'",
        "f.yaml:2: b: expected text, got the number 2",
    ]


def test_past_the_limit_one_line_says_how_many_more_and_where_they_begin() -> None:
    found = collector(limit=2)
    for key in "abcd":
        found.add((key,), "wrong")
    assert len(found) == 4
    assert found.lines() == [
        "f.yaml:1: a: wrong",
        "f.yaml:2: b: wrong",
        "f.yaml:3: ... and 2 more problems",
    ]


def test_one_problem_past_the_limit_is_one_more_problem() -> None:
    found = collector(limit=3)
    for key in "abcd":
        found.add((key,), "wrong")
    assert found.lines()[-1] == "f.yaml:4: ... and 1 more problem"


def test_the_problems_kept_are_the_first_in_the_file_even_when_found_last() -> None:
    found = collector(limit=2)
    for key in "dcba":
        found.add((key,), "wrong")
    assert found.lines() == [
        "f.yaml:1: a: wrong",
        "f.yaml:2: b: wrong",
        "f.yaml:3: ... and 2 more problems",
    ]


def test_a_hint_is_worked_out_only_for_a_problem_that_is_kept(searches: list[object]) -> None:
    found = collector(limit=1)
    for key in "abcd":
        found.add((key,), "unknown key {key}{hint}", key=key, hint=Hint(key, ["aa", "bb"]))
    assert searches == []
    assert found.lines()[0] == "f.yaml:1: a: unknown key a (did you mean 'aa'?)"
    assert searches == ["a"]


def test_problems_found_last_line_first_are_worded_only_once_written(
    searches: list[object],
) -> None:
    """Merges can list problems in reverse file order: each pushes the last kept one out,
    and none of them is worded (a did-you-mean search each) until the list is written."""
    text = "".join(f"k{i}: 1\n" for i in range(5_000))
    found = Problems("f.yaml", yamlsrc.load(text))
    for i in reversed(range(5_000)):
        found.add((f"k{i}",), "unknown key {key}{hint}", key=f"k{i}", hint=Hint(f"k{i}", ["x"]))
    assert searches == []
    lines = found.lines()
    assert len(searches) == MAX_PROBLEMS
    assert lines[0] == "f.yaml:1: k0: unknown key k0"
    assert lines[-1] == "f.yaml:101: ... and 4900 more problems"


def test_a_hint_with_no_close_match_says_what_it_was_told_to() -> None:
    assert f"{Hint('zzz', ['apple'], ' (one of: apple)')}" == " (one of: apple)"
    assert str(Hint("appel", ["apple"])) == " (did you mean 'apple'?)"


def test_a_bank_with_thousands_of_unknown_keys_makes_a_hundred_lines_and_one_more(
    searches: list[object],
) -> None:
    text = bank_text() + "".join(f"unknown_{i}: 1\n" for i in range(20_000))
    started = time.perf_counter()
    problems = bank_problems(text)
    assert time.perf_counter() - started < 10
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].endswith(f": ... and {20_000 - MAX_PROBLEMS} more problems")
    assert all("unknown key 'unknown_" in p for p in problems[:-1])
    assert len(searches) <= MAX_PROBLEMS


def test_an_answers_file_with_thousands_of_unknown_questions_is_cut_short_too(
    bank, searches: list[object]
) -> None:
    text = (
        "format: screener-answers/1\n"
        'bank: {id: oud-self-screen, version: "3.0.0"}\n'
        "answers:\n" + "".join(f"  not_a_question_{i}: true\n" for i in range(20_000))
    )
    with pytest.raises(AnswersError) as caught:
        parse_answers(text, bank, "answers.yaml")
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[0] == (
        "answers.yaml:4: answers.not_a_question_0: "
        "'not_a_question_0' is not a question in this bank"
    )
    assert problems[-1] == f"answers.yaml:104: ... and {20_000 - MAX_PROBLEMS} more problems"
    assert len(searches) <= MAX_PROBLEMS
