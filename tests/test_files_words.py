"""The files layer says everything in the language in use: each problem's message comes from the
catalog, while the file, line and path before it, and PyYAML's own words, stay as they are."""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import bank_problems, bank_text

from screener import i18n
from screener.core.model import Answers
from screener.errors import AnswersError, BankError, ExportError
from screener.files import yamlsrc
from screener.files.answers import parse_answers, save_partial
from screener.files.bank import load_bank
from screener.files.readfile import read_text
from screener.files.safefile import check_target, write_private

# `FILE:LINE: ` and, for most problems, the path in the file; then the message, all of it
# from the catalog (what it names from the file sits inside it).
TRANSLATED = re.compile(r"^[^:]+:\d+: (?:[\w.\[\]]+: |⟦\(top\)⟧: )?⟦.*⟧$")


class Brackets(gettext.NullTranslations):
    """A made-up language: every message in ⟦ ⟧."""

    def gettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"

    def pgettext(self, context: str, message: str) -> str:
        return f"⟦{message}⟧"


@pytest.fixture
def brackets() -> Iterator[None]:
    i18n.install(Brackets())
    try:
        yield
    finally:
        i18n.use("en")


def spoil(data: dict[str, Any]) -> None:
    """A bank with a mistake in nearly every part."""
    data["version"] = 1
    data["canonical"] = "not a uri"
    data["id"] = "Mini Bank"
    data["tittle"] = "typo"
    data["perspectives"] = {"self": "Me", "Other": "Them"}
    data["sources"].append({"id": "dsm5", "title": "Again"})
    data["scales"]["sows"]["items"] = 3
    data["scales"]["sows"]["options"][1]["value"] = True
    data["scales"]["sows"]["bands"] = {"ranges": [{"min": 1, "max": 2, "label": "low"}]}
    data["scales"]["Bad"] = {"title": "x", "options": []}
    use = data["sections"][0]["questions"]
    use[0]["kind"] = "yes_or_no"
    use[0]["options"] = [{"value": "a", "label": "A"}]
    use[1]["options"].append({"value": "heroin", "label": "Again"})
    use[1]["show_if"] = {"question": "later_one", "equals": True, "extra": 1}
    use[2]["show_if"] = {"question": "opioids_which", "equals": "heroin"}
    use[2]["overridden_if"] = {"result": "severity", "equals": "mild"}
    criteria = data["sections"][1]["questions"]
    criteria[0]["criterion"] = "tolerence"
    criteria[1]["text"] = {"self": "x", "someone": "y"}
    criteria[2]["required"] = "yes"
    criteria[3]["source"] = ["nowhere"]
    criteria[4]["scale"] = "sows"
    data["sections"][2]["questions"][0]["scale"] = "nope"
    data["flags"][0]["when"] = {"question": "safety_alone", "in": []}
    data["flags"].append(dict(data["flags"][0]))
    data["referrals"][0]["urgency"] = "later"
    data["referrals"][0]["when"] = {"result": "severty", "equals": 1}
    data["referrals"].append(
        {**data["referrals"][0], "when": {"result": "severity", "in": ["huge", 3]}}
    )
    data["caveats"][0]["when"] = {"any": [{"result": "flags", "contains": "nope"}]}
    data["emergency"]["signs"] = [7, ""]
    data["helplines"] = []


def test_every_bank_problem_is_in_the_language_in_use(brackets: None) -> None:
    problems = bank_problems(bank_text(spoil))
    assert len(problems) > 25
    for line in problems:
        assert TRANSLATED.match(line), line


def test_a_bank_that_is_not_yaml_says_so_around_pyyamls_words(brackets: None) -> None:
    (line,) = bank_problems("a: [1,\nb: 2\n")
    assert re.match(r"bank\.yaml:\d+: ⟦not valid YAML: .*[a-z].*⟧$", line), line


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key
        "a: !!int twelve\n",  # a value its tag does not fit
        "a: " + "1" * 200 + "\n",  # a number too long to read
        "a: " + "[" * 80 + "]" * 80 + "\n",  # too deep
        "a: 1\n? [x]\n: 2\n",  # a key that is not a plain value
    ],
)
def test_yamlsrc_speaks_the_language_in_use(brackets: None, text: str) -> None:
    try:
        doc = yamlsrc.load(text)
    except yamlsrc.ParseError as exc:
        messages = [exc.message]
    else:
        messages = [message for _, message in doc.problems]
    assert messages
    for message in messages:
        assert message.startswith("⟦") and message.endswith("⟧"), message


def test_an_alias_bomb_is_refused_in_the_language_in_use(brackets: None) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    with pytest.raises(yamlsrc.ParseError) as caught:
        yamlsrc.load("\n".join(lines) + "\n")
    assert caught.value.message.startswith("⟦more than 200,000 values"), caught.value.message


def test_answers_problems_and_warnings_are_in_the_language_in_use(brackets: None, bank) -> None:
    text = (
        "format: screener-answers/2\n"
        'bank: {id: other, version: "0.1"}\n'
        "perspective: nobody\n"
        "created: yesterday\n"
        "demo: 7\n"
        "answerz: {}\n"
        "answers:\n"
        "  use_anyy: true\n"
        "  use_any: 3\n"
    )
    with pytest.raises(AnswersError) as caught:
        parse_answers(text, bank, "a.yaml")
    assert len(caught.value.problems) >= 7
    for line in caught.value.problems:
        assert TRANSLATED.match(line), line
    ok = 'format: screener-answers/1\nbank: {id: oud-self-screen, version: "0.1"}\n'
    _, warnings = parse_answers(ok, bank, "a.yaml")
    (warning,) = warnings
    assert re.fullmatch(r"a\.yaml: ⟦.*⟧", warning), warning


def test_answers_saved_part_way_say_so_in_the_language_in_use(
    brackets: None, bank, tmp_path: Path
) -> None:
    path = tmp_path / "part.yaml"
    save_partial(path, Answers(bank.id, bank.version, "self", {"use_any": True}), bank)
    comments = [line for line in path.read_text("utf-8").splitlines() if line.startswith("#")]
    assert len(comments) == 3
    for line in comments:
        assert line.startswith("# ⟦") and line.endswith("⟧"), line


def test_a_file_that_cannot_be_read_is_named_in_the_language_in_use(
    brackets: None, tmp_path: Path
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    not_utf8 = tmp_path / "latin1.yaml"
    not_utf8.write_bytes(b"a: 1\nb: caf\xe9\n")
    for path in (tmp_path / "missing.yaml", tmp_path, fifo, not_utf8):
        with pytest.raises(BankError) as caught:
            load_bank(path)
        (line,) = caught.value.problems
        assert re.fullmatch(r"[^⟦]+: ⟦.*⟧", line), line
    with pytest.raises(AnswersError) as caught:
        read_text(tmp_path, "answers", AnswersError)
    assert caught.value.problems[0].endswith(": ⟦is a folder, not an answers file⟧")


def test_a_summary_that_cannot_be_saved_says_why_in_the_language_in_use(
    brackets: None, tmp_path: Path
) -> None:
    taken = tmp_path / "taken.md"
    taken.write_text("mine", encoding="utf-8")
    refusals = [
        lambda: check_target(tmp_path / "nowhere" / "x.md", False),
        lambda: check_target(taken, False),
        lambda: check_target(tmp_path, True),
        lambda: check_target(tmp_path / ("x" * 300), False),
        lambda: write_private(tmp_path / "a\0b", "text"),
    ]
    for refuse in refusals:
        with pytest.raises(ExportError) as caught:
            refuse()
        assert caught.value.message.startswith("⟦"), caught.value.message
        assert caught.value.message.endswith("⟧"), caught.value.message
