"""Exports: whole-string goldens for Markdown and text, parsed HTML, JSON that reads back."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import yes_to_values
from markdown_it import MarkdownIt

from screener import __version__
from screener.core.model import CRITERIA, Answers, Bank, Summary, Value
from screener.core.scoring import result_json, score
from screener.errors import ExitCode, ScreenerError
from screener.files.answers import parse_answers
from screener.summaries.export import FORMATS, format_for, json_document, render
from screener.summaries.markdown import md_escape
from screener.summaries.report import readable
from screener.summaries.text import WIDTH

# 23:40 in a zone one hour ahead of UTC: the date every golden shows.
CREATED = datetime(2026, 11, 21, 23, 40, tzinfo=timezone(timedelta(hours=1)))
HUMAN = ("md", "html", "txt")
HOSTILE = '<script>alert(1)</script> "quoted" & \x1b[31mred\x1b[0m'
HOSTILE_CLEAN = '<script>alert(1)</script> "quoted" & red'

# The minimal bank: heroin reported beside "all prescribed", two criteria met, craving skipped,
# one of the two withdrawal items rated and the other never reached, using alone.
MINI_VALUES: dict[str, Value] = {
    "use_any": True,
    "opioids_which": ("heroin",),
    "prescribed_only": True,
    **{key: key in ("larger_longer", "cut_down") for key in CRITERIA},
    "craving": None,
    "sows_one": 3,
    "safety_alone": True,
}


def summary_of(bank: Bank, values: dict[str, Value], **answers: Any) -> Summary:
    given = Answers(bank.id, bank.version, "self", values, **answers)
    return Summary(bank, given, score(bank, given), CREATED)


@pytest.fixture(scope="module")
def mini(make_bank: Callable[..., Bank]) -> Summary:
    return summary_of(make_bank(), MINI_VALUES)


# Whole expected files, kept beside the tests so that a diff shows what changed.
GOLDEN = Path(__file__).parent / "golden"


class HTMLTree(HTMLParser):
    """Every start tag with its attributes, the text in each element, and the doctype."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.doctype = ""
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.all_text: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.text.setdefault(self.stack[-1], []).append(data)
        self.all_text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def parse_html(page: str) -> HTMLTree:
    tree = HTMLTree()
    tree.feed(page)
    tree.close()
    assert tree.stack == [], f"unclosed: {tree.stack}"
    return tree


def hostile_bank(make_bank: Callable[..., Bank]) -> Bank:
    """The minimal bank with markup, quotes, an ampersand and an ANSI escape in its text."""

    def change(data: dict[str, Any]) -> None:
        data["title"] = HOSTILE
        data["criteria"]["craving"] = HOSTILE
        data["sections"][0]["title"] = HOSTILE
        data["sections"][0]["questions"][0]["text"] = HOSTILE
        data["sections"][3]["questions"].append(
            {"id": "notes", "kind": "text", "text": "Anything else?", "source": ["dsm5"]}
        )
        data["flags"][0]["detail"] = HOSTILE
        data["referrals"][0]["title"] = HOSTILE
        data["referrals"][0]["text"] = HOSTILE
        data["caveats"][0]["text"] = HOSTILE
        data["emergency"]["signs"] = [HOSTILE]
        data["helplines"][0]["name"] = HOSTILE
        data["sources"][0]["title"] = HOSTILE

    return make_bank(change)


class TestFormatFor:
    """The format comes from --format, else from the name."""

    @pytest.mark.parametrize(
        ("target", "fmt"),
        [
            ("summary.md", "md"),
            ("summary.markdown", "md"),
            ("Summary.MD", "md"),
            ("a/b/summary.html", "html"),
            ("summary.htm", "html"),
            ("summary.txt", "txt"),
            ("summary.text", "txt"),
            ("summary.json", "json"),
            ("summary.fhir.json", "fhir"),
            ("summary.FHIR.JSON", "fhir"),
            ("summary.fhir", "fhir"),
            ("summary.collection.fhir.json", "fhir-collection"),
            ("-", "md"),
        ],
    )
    def test_the_suffix_gives_the_format(self, target: str, fmt: str) -> None:
        assert format_for(target, None) == fmt

    @pytest.mark.parametrize("target", ["x.doc", "summary", "-", "x.md"])
    def test_format_wins_over_the_name(self, target: str) -> None:
        assert format_for(target, "html") == "html"

    @pytest.mark.parametrize("target", ["x.doc", "notes", "x.json.bak"])
    def test_an_unknown_suffix_is_a_usage_error_naming_the_file(self, target: str) -> None:
        with pytest.raises(ScreenerError) as caught:
            format_for(target, None)
        assert caught.value.exit_code is ExitCode.USAGE
        assert caught.value.message == (
            f"cannot tell the format of {target!r} from its name: "
            "use .md, .html, .txt, .json, .fhir.json or .collection.fhir.json, or --format"
        )

    def test_an_unknown_format_lists_the_formats(self) -> None:
        with pytest.raises(ScreenerError, match="'pdf' is not a format; use md, html, txt"):
            format_for("x.md", "pdf")

    def test_fhir_is_one_of_the_formats(self) -> None:
        assert FORMATS == ("md", "html", "txt", "json", "fhir", "fhir-collection")


class TestGolden:
    """Markdown and text, whole, for a fixed summary of the minimal bank."""

    def test_markdown(self, mini: Summary) -> None:
        assert render("md", mini) == (GOLDEN / "summary.md").read_text(encoding="utf-8")

    def test_plain_text(self, mini: Summary) -> None:
        assert render("txt", mini) == (GOLDEN / "summary.txt").read_text(encoding="utf-8")

    def test_plain_text_of_the_default_bank_fits_78_columns(
        self, bank: Bank, yes_to: Callable[..., Answers]
    ) -> None:
        given = yes_to("craving", "tolerance", safety_alone=True, withdrawal_offer=True)
        text = render("txt", Summary(bank, given, score(bank, given), CREATED))
        assert WIDTH == 78
        assert max(len(line) for line in text.splitlines()) <= 78

    def test_markdown_renders_the_criteria_as_one_table_of_eleven_rows(self, mini: Summary) -> None:
        page = MarkdownIt("commonmark").enable("table").render(render("md", mini))
        tree = parse_html(page)
        assert len(tree.named("table")) == 1
        assert len(tree.named("tr")) == 12  # the header and the 11 criteria
        assert "".join(tree.text["code"]).startswith("larger_longer")


class TestContent:
    """What a clinician reads, in every human format."""

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_the_parts_come_in_order(self, mini: Summary, fmt: str) -> None:
        text = " ".join(render(fmt, mini).split())  # text and HTML wrap lines
        parts = [
            "Mini screen: screening summary",
            "21 November 2026, 23:40 (UTC+01:00)",
            "mini, version 1.0.0",
            "Myself",
            "This is a screening, not a diagnosis.",
            "2 to 3 of 11 criteria met (1 not answered)",
            "the exclusion for use under medical supervision does not apply",
            "Meaning of larger",
            "At least 3 out of 8 on the Tiny SOWS",
            "Using alone",
            "Talk to a clinician (soon)",
            "Slow breathing",
            "Call 911 now.",
            "SAMHSA",
            "Not a diagnosis.",
            "Questions and answers",
            "Any opioid use in the past 12 months?",
            "Do you use alone?",
            "Sources",
            "DSM-5 criteria (paraphrased) (APA 2013)",
        ]
        at = [text.find(part) for part in parts]
        assert -1 not in at, [p for p, i in zip(parts, at, strict=True) if i == -1]
        assert at == sorted(at)

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_skipped_and_never_reached_are_told_apart(self, mini: Summary, fmt: str) -> None:
        text = render(fmt, mini)
        craving = text.index("In the past 12 months: craving?")
        assert "skipped" in text[craving : text.index("role failure?")]
        symptom_two = text.index("Right now: symptom two")
        assert "not answered" in text[symptom_two : text.index("Do you use alone?")]

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_the_consent_question_never_appears(
        self, bank: Bank, yes_to: Callable[..., Answers], fmt: str
    ) -> None:
        given = yes_to("craving")
        text = render(fmt, Summary(bank, given, score(bank, given), CREATED))
        consent = bank.question("consent")
        assert isinstance(consent.text, str)
        assert consent.text.split("?")[0] not in text
        assert "Would you like to begin" not in text

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_a_screened_out_result_still_has_help_and_the_questions(
        self, make_bank: Callable[..., Bank], fmt: str
    ) -> None:
        text = render(fmt, summary_of(make_bank(), {"use_any": False}))
        assert "No opioid use in the past 12 months was reported" in text
        for part in ("21 November 2026", "Call 911 now.", "Not a diagnosis.", "SAMHSA"):
            assert part in text
        assert "Any opioid use in the past 12 months?" in text
        assert "The 11 DSM-5 criteria" not in text
        assert "larger_longer" not in text

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_prescribed_use_says_tolerance_and_withdrawal_are_not_counted(
        self, make_bank: Callable[..., Bank], fmt: str
    ) -> None:
        values = {**MINI_VALUES, "opioids_which": ("prescribed_pain",), "tolerance": True}
        text = " ".join(render(fmt, summary_of(make_bank(), values)).split())
        assert "tolerance and withdrawal are not counted" in text
        assert "not counted (prescribed use)" in text

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_the_withdrawal_band_names_its_source(
        self, bank: Bank, yes_to: Callable[..., Answers], fmt: str
    ) -> None:
        from conftest import SOWS_IDS

        given = yes_to("craving", withdrawal_offer=True, **dict.fromkeys(SOWS_IDS, 2))
        text = " ".join(render(fmt, Summary(bank, given, score(bank, given), CREATED)).split())
        assert "32 out of 64 on the Subjective Opiate Withdrawal Scale (SOWS)" in text
        assert "Band: severe." in text
        assert "These bands come from the NIDA CTN-0094 data harmonisation" in text
        assert "Band source: Score ranges for the withdrawal rating" in text

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_an_earlier_screening_shows_both_dates(
        self, make_bank: Callable[..., Bank], fmt: str
    ) -> None:
        summary = summary_of(make_bank(), MINI_VALUES, created="2026-11-01T09:05:00-05:00")
        text = render(fmt, summary)
        assert "Screening taken" in text
        assert "1 November 2026, 09:05 (UTC-05:00)" in text
        assert "Summary made" in text
        assert "21 November 2026, 23:40 (UTC+01:00)" in text

    @pytest.mark.parametrize(
        ("when", "shown"),
        [
            (CREATED, "21 November 2026, 23:40 (UTC+01:00)"),
            (datetime(2027, 1, 2, 3, 4, tzinfo=UTC), "2 January 2027, 03:04 (UTC+00:00)"),
            (
                datetime(2026, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
                "1 June 2026, 08:00 (UTC-09:30)",
            ),
        ],
    )
    def test_dates_are_readable_with_their_utc_offset(self, when: datetime, shown: str) -> None:
        assert readable(when) == shown


class TestDemo:
    """Fictional answers say so at the top of every format."""

    @pytest.mark.parametrize("fmt", [*HUMAN, "json"])
    def test_demo_answers_carry_the_banner_before_anything_else(
        self, make_bank: Callable[..., Bank], fmt: str
    ) -> None:
        text = render(fmt, summary_of(make_bank(), MINI_VALUES, demo="Sam"))
        if fmt == "json":
            assert json.loads(text)["demo"] == "Sam"
            return
        banner = text.index("DEMO: fictional answers (persona Sam)")
        assert banner < text.index("21 November 2026") < text.index("Result")

    def test_the_html_title_says_demo(self, make_bank: Callable[..., Bank]) -> None:
        page = render("html", summary_of(make_bank(), MINI_VALUES, demo="Sam"))
        assert "".join(parse_html(page).text["title"]).startswith("DEMO: ")

    @pytest.mark.parametrize("fmt", HUMAN)
    def test_real_answers_have_no_banner(self, mini: Summary, fmt: str) -> None:
        assert "DEMO" not in render(fmt, mini)


class TestHTML:
    """One self-contained page: escaped, loading nothing, fit for a phone and for paper."""

    def test_it_is_a_complete_page_in_the_bank_language(self, mini: Summary) -> None:
        page = render("html", mini)
        assert page.startswith("<!doctype html>\n")
        tree = parse_html(page)
        assert tree.named("html") == [{"lang": "en"}]
        assert {"charset": "utf-8"} in tree.named("meta")
        viewport = [m for m in tree.named("meta") if m.get("name") == "viewport"]
        assert viewport and "width=device-width" in (viewport[0]["content"] or "")
        assert "".join(tree.text["title"]) == "Mini screen: screening summary"
        assert "".join(tree.text["h1"]) == "Mini screen: screening summary"

    def test_the_criteria_table_has_a_header_and_eleven_labelled_rows(self, mini: Summary) -> None:
        tree = parse_html(render("html", mini))
        assert [a.get("scope") for a in tree.named("th")] == ["col"] * 5
        assert len(tree.named("tr")) == 12
        labels = {a.get("data-label") for a in tree.named("td")}
        assert labels == {"#", "Criterion", "Key", "Status", "Answer"}  # for narrow screens
        assert [a.get("class") for a in tree.named("tr")[1:5]] == [
            "met",
            "met",
            "not_met",
            "unanswered",
        ]

    def test_the_questions_start_a_new_printed_page(self, mini: Summary) -> None:
        page = render("html", mini)
        assert '<h2 class="new-page">Questions and answers</h2>' in page
        assert re.search(r"\.new-page\s*\{[^}]*break-before:\s*page", page)

    def test_the_style_is_inline_and_has_print_and_narrow_screen_rules(self, mini: Summary) -> None:
        page = render("html", mini)
        tree = parse_html(page)
        assert len(tree.named("style")) == 1
        style = "".join(tree.text["style"])
        assert "@media print" in style
        assert "thead { display: table-header-group; }" in style
        assert "break-inside: avoid" in style
        assert "max-width: 36rem" in style
        # Long words wrap where they would overflow, but a table's column never narrows
        # below its longest word: "anywhere" broke "skipped" into "skippe / d" at 1000 px.
        assert "overflow-wrap: break-word" in style
        assert "anywhere" not in style

    def test_sources_are_titles_never_file_names(self, bank: Bank, yes_to) -> None:
        given = yes_to("craving", "tolerance")
        summary = Summary(bank, given, score(bank, given), CREATED)
        files = [s.file for s in bank.sources.values() if s.file]
        assert files
        for fmt in ("html", "md", "txt"):
            text = render(fmt, summary)
            assert not [f for f in files if f in text], fmt
            assert "What are the Treatments for Heroin Use?" in text

    def test_it_loads_nothing(self, make_bank: Callable[..., Bank]) -> None:
        summary = summary_of(hostile_bank(make_bank), {**MINI_VALUES, "notes": HOSTILE})
        page = render("html", summary)
        tree = parse_html(page)
        names = {name for name, _ in tree.tags}
        assert names.isdisjoint({"script", "link", "img", "iframe", "object", "embed", "a"})
        attributes = {key for _, attrs in tree.tags for key in attrs}
        assert attributes.isdisjoint({"src", "href", "srcset", "action", "style"})
        assert not any(key.startswith("on") for key in attributes)
        assert "url(" not in page.lower()
        assert "@import" not in page.lower()

    def test_bank_and_user_text_is_escaped_and_cleaned_everywhere(
        self, make_bank: Callable[..., Bank]
    ) -> None:
        summary = summary_of(hostile_bank(make_bank), {**MINI_VALUES, "notes": HOSTILE})
        page = render("html", summary)
        assert "\x1b" not in page
        assert "<script" not in page
        assert (
            page.count("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; red") >= 12
        )
        tree = parse_html(page)
        texts = "".join(tree.all_text)
        # The title and the h1, a criterion, a section, a question, the flag, the referral's
        # title and text, the caveat, a sign, a helpline, a source and the typed answer.
        assert texts.count(HOSTILE_CLEAN) == 13

    def test_an_odd_language_cannot_break_out_of_its_attribute(
        self, make_bank: Callable[..., Bank]
    ) -> None:
        bank = make_bank({"language": 'en" onload="x'})
        tree = parse_html(render("html", summary_of(bank, MINI_VALUES)))
        assert tree.named("html") == [{"lang": 'en" onload="x'}]


class TestMarkdownEscaping:
    """Bank text cannot become Markdown markup."""

    @pytest.mark.parametrize(
        ("text", "escaped"),
        [
            ("plain words, 1-800-662-4357.", "plain words, 1-800-662-4357."),
            ("a|b", "a\\|b"),
            ("*bold* _it_", "\\*bold\\* \\_it\\_"),
            ("`code`", "\\`code\\`"),
            ("<b>x</b>", "\\<b\\>x\\</b\\>"),
            ("[a](x)", "\\[a\\](x)"),
            ("# heading", "\\# heading"),
            ("- item", "\\- item"),
            ("+ item", "\\+ item"),
            ("1. item", "1\\. item"),
            ("12) item", "12\\) item"),
            ("> quote", "\\> quote"),
            ("===", "\\==="),
            ("~~gone~~", "\\~\\~gone\\~\\~"),
            ("AT&amp;T &copy; & more", "AT\\&amp;T \\&copy; & more"),
            ("back\\slash", "back\\\\slash"),
            ("red \x1b[31malert\x1b[0m", "red alert"),
            ("one\n# two", "one\n\\# two"),
        ],
    )
    def test_markup_characters_are_escaped(self, text: str, escaped: str) -> None:
        assert md_escape(text) == escaped

    def test_text_after_a_label_keeps_a_leading_number(self) -> None:
        assert md_escape("911. Call now.", line_start=False) == "911. Call now."

    def test_hostile_bank_text_renders_as_exactly_that_text(
        self, make_bank: Callable[..., Bank]
    ) -> None:
        def rendered(text: str) -> HTMLTree:
            def change(data: dict[str, Any]) -> None:
                data["criteria"]["craving"] = text  # a table cell
                data["referrals"][0]["text"] = text  # after a label in a list item
                data["caveats"][0]["text"] = text  # a list item of its own
                data["sections"][0]["questions"][0]["text"] = text  # a numbered question

            source = render("md", summary_of(make_bank(change), MINI_VALUES))
            return parse_html(
                MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(source)
            )

        hostile = rendered("# not a heading *not bold* <i>x</i> a|b `c` [l](u) ~~d~~ &amp;")
        benign = rendered("plain words")
        assert [name for name, _ in hostile.tags] == [name for name, _ in benign.tags]
        texts = "".join(hostile.all_text)
        assert texts.count("# not a heading *not bold* <i>x</i> a|b `c` [l](u) ~~d~~ &amp;") == 4

    @pytest.mark.parametrize("lead", ["# ", "- ", "1. ", "> ", "=== ", "+ "])
    def test_a_line_that_looks_like_a_block_stays_text(
        self, make_bank: Callable[..., Bank], lead: str
    ) -> None:
        bank = make_bank(lambda data: data["caveats"][0].update(text=f"First line\n{lead}second"))
        source = render("md", summary_of(bank, MINI_VALUES))
        page = parse_html(MarkdownIt("commonmark").render(source))
        assert f"First line\n{lead}second" in "".join(page.all_text)


class TestJSON:
    """The answers file plus the result: it reads back as the same answers."""

    def test_it_is_the_answers_file_with_notice_generator_and_result(self, mini: Summary) -> None:
        doc = json.loads(render("json", mini))
        assert list(doc) == [
            "format",
            "bank",
            "perspective",
            "created",
            "notice",
            "answers",
            "generator",
            "result",
        ]
        assert doc["notice"] == {"not_a_diagnosis": True}  # no "demo": real answers
        assert doc["format"] == "screener-answers/1"
        assert doc["created"] == "2026-11-21T23:40:00+01:00"
        assert doc["generator"] == f"screener {__version__}"
        assert doc["result"] == json.loads(json.dumps(result_json(mini.result)))
        assert doc["answers"]["opioids_which"] == ["heroin"]
        assert doc["answers"]["craving"] is None
        assert "sows_two" not in doc["answers"]

    def test_an_earlier_screening_keeps_its_own_date(self, make_bank: Callable[..., Bank]) -> None:
        summary = summary_of(make_bank(), MINI_VALUES, created="2026-11-01T09:05:00-05:00")
        assert json_document(summary)["created"] == "2026-11-01T09:05:00-05:00"

    def test_it_reads_back_as_the_same_answers_and_scores_the_same(
        self, make_bank: Callable[..., Bank]
    ) -> None:
        bank = make_bank()
        summary = summary_of(bank, MINI_VALUES, demo="Sam")
        again, warnings = parse_answers(render("json", summary), bank, "summary.json")
        assert warnings == []
        assert dict(again.values) == MINI_VALUES
        assert again.demo == "Sam"
        assert again.created == "2026-11-21T23:40:00+01:00"
        assert result_json(score(bank, again)) == result_json(summary.result)

    def test_the_default_bank_round_trips(self, bank: Bank) -> None:
        values = yes_to_values("craving", "tolerance", safety_alone=True)
        summary = summary_of(bank, values)
        again, _ = parse_answers(render("json", summary), bank, "summary.json")
        assert dict(again.values) == values


def test_the_summaries_and_their_wording_never_import_rich() -> None:
    """Every export and `score --json`/`--csv` stay quick: Rich is for the terminal alone."""
    modules = [
        "screener.summaries.report",
        "screener.summaries.export",
        "screener.summaries.fhir",
        "screener.summaries.caseload",
        "screener.core.wording",
    ]
    code = (
        f"import sys; import {', '.join(modules)}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
