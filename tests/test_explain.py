"""`screener explain`: the rules behind a result, in plain words, read from the bank and scorer."""

from __future__ import annotations

import re

import pytest
from rich.console import Console
from typer.testing import CliRunner

from screener.cli import app
from screener.core.conditions import describe
from screener.core.model import CRITERIA, SUPERVISION_EXCLUDED, Bank, Role, Severity
from screener.core.scoring import severity_for
from screener.core.wording import MEANING
from screener.screens.explain import PART_NAMES, thresholds

BOX_DRAWING = re.compile("[\u2500-\u257f]")


def flat(text: str) -> str:
    return " ".join(text.split())


def explained(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, ["explain", *args])
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert result.stderr == ""
    return flat(result.stdout)


@pytest.fixture(scope="module")
def whole() -> str:
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, ["explain", "--plain"])
    assert result.exit_code == 0, result.stderr
    return flat(result.stdout)


class TestThresholds:
    """The bands are computed from severity_for, not typed in again."""

    def test_the_bands_cover_every_count_and_agree_with_severity_for(self) -> None:
        bands = thresholds()
        assert [s for _, _, s in bands] == list(Severity)
        for low, high, severity in bands:
            for n in range(low, (high if high is not None else len(CRITERIA)) + 1):
                assert severity_for(n) is severity

    def test_the_bands_are_shown_with_their_meaning(self, whole: str) -> None:
        for line in (
            "0 to 1 criteria met: below the threshold",
            "2 to 3 criteria met: a pattern consistent with mild",
            "4 to 5 criteria met: a pattern consistent with moderate",
            "6 or more criteria met: a pattern consistent with severe",
        ):
            assert line in whole
        for _, _, severity in thresholds():
            assert MEANING[severity] in whole
        assert "and the result says so. Sources: [6] 3. PRESCRIBED USE" in whole  # DSM-5 only


class TestWhole:
    """`screener explain` covers every rule a result depends on."""

    def test_every_criterion_appears_with_its_questions(self, bank: Bank, whole: str) -> None:
        for n, key in enumerate(CRITERIA, 1):
            assert f"{n}. {bank.criteria[key]} ({key})" in whole
            for q in bank.questions:
                if q.criterion == key:
                    assert f"Asked as {q.short} ({q.id}):" in whole
                    assert flat(str(q.text)) in whole

    def test_criteria_come_in_dsm_order(self, bank: Bank, whole: str) -> None:
        places = [whole.index(f"({key}) Asked as") for key in CRITERIA]
        assert places == sorted(places)

    def test_the_supervision_rule_names_what_is_excluded_and_what_overrides_it(
        self, bank: Bank, whole: str
    ) -> None:
        q = bank.by_role(Role.PRESCRIBED_ONLY)
        assert q is not None and q.overridden_if is not None
        assert "tolerance (needs much more" in whole and "withdrawal (gets opioid" in whole
        assert f"The other {len(CRITERIA) - len(SUPERVISION_EXCLUDED)} criteria still count" in (
            whole
        )
        assert "'Heroin' is chosen for 'Opioids used'" in whole
        assert f"In the bank: {describe(q.overridden_if)}" in whole

    def test_the_withdrawal_scale_has_its_items_range_bands_and_band_source(
        self, bank: Bank, whole: str
    ) -> None:
        scale = bank.scales["sows"]
        assert "It has 16 items, each rated 0 not at all, 1 a little" in whole
        assert "a total from 0 to 64" in whole
        for q in bank.questions:
            if q.scale == "sows":
                assert q.short in whole
        assert "Bands for the total: 0 none; 1 to 10 mild; 11 to 20 moderate; 21 to 64 severe" in (
            whole
        )
        assert flat(scale.band_note) in whole
        assert "Band sources: [8]" in whole
        assert "NIDA CTN-0094" in whole

    def test_skipped_answers_are_never_a_no(self, whole: str) -> None:
        assert "A skipped answer is never counted as a no." in whole
        assert "the count becomes a range" in whole

    def test_every_flag_and_referral_appears_with_its_condition(
        self, bank: Bank, whole: str
    ) -> None:
        for f in bank.flags:
            assert f.label in whole
            assert f"In the bank: {flat(describe(f.when))}" in whole
        for r in bank.referrals:
            assert r.title in whole
            if r.when is not None:
                assert f"In the bank: {flat(describe(r.when))}" in whole
        assert (
            "Now: Lower your overdose risk Shown when the prescribed-use rule does not apply "
            "and ('Heroin' is chosen"
        ) in whole
        assert "Shown when the highest severity still possible is mild or higher, or" in whole

    def test_a_crisis_flag_says_which_lines_it_calls_and_that_it_shows_at_once(
        self, whole: str
    ) -> None:
        now = whole[whole.index("Thoughts of suicide right now") :]
        assert "Shown at once, with 988 Suicide & Crisis Lifeline (Call or text 988)" in now
        assert "Emergency services (911), right after the answer that raises it" in now
        assert "Not an overdose risk: it brings no overdose steps of its own." in now

    def test_a_skipped_prescribed_use_answer_is_explained(self, whole: str) -> None:
        assert "it stays open and widens the range" in whole

    def test_referrals_come_most_urgent_first(self, whole: str) -> None:
        own, theirs = whole.split("8. WHEN THE SCREENING IS ABOUT SOMEONE ELSE")
        for part in (own, theirs):  # the screening of oneself, and about someone else
            now = [m.start() for m in re.finditer(r"- Now: ", part)]
            soon = [m.start() for m in re.finditer(r"- Soon: ", part)]
            later = [m.start() for m in re.finditer(r"- When you are ready: ", part)]
            assert now and soon and later
            assert max(now) < min(soon) and max(soon) < min(later)

    def test_every_source_is_listed_and_numbered(self, bank: Bank, whole: str) -> None:
        for n, source in enumerate(bank.sources.values(), 1):
            assert f"[{n}] {flat(source.title)}" in whole

    def test_plain_has_no_box_drawing_and_the_default_does(self, runner: CliRunner) -> None:
        plain = runner.invoke(app, ["explain", "--plain"]).stdout
        assert not BOX_DRAWING.search(plain)
        assert "\x1b[" not in plain
        assert BOX_DRAWING.search(runner.invoke(app, ["explain"]).stdout)

    def test_help_says_what_it_is_for(self, runner: CliRunner) -> None:
        out = explained(runner, "--help")
        assert "how answers become a result" in out


class TestOneCriterion:
    """`screener explain KEY` shows one criterion in full, and nothing else."""

    def test_craving_shows_only_craving(self, bank: Bank, runner: CliRunner) -> None:
        out = explained(runner, "craving", "--plain")
        q = bank.question("craving")
        assert f"Criterion 4 of 11: {bank.criteria['craving']}".upper() in out  # a heading
        assert flat(str(q.text)) in out
        assert f"Why it is asked: {flat(q.why)}" in out
        assert "[6] The DSM-5 checklist for opioid use disorder, in our own words" in out
        assert "Counted whether or not the opioids were prescribed." in out
        for key in CRITERIA:
            if key != "craving":
                assert bank.criteria[key] not in out
        assert "Safety flags" not in out and "SAFETY FLAGS" not in out

    @pytest.mark.parametrize("key", SUPERVISION_EXCLUDED)
    def test_tolerance_and_withdrawal_say_they_are_excluded_under_supervision(
        self, runner: CliRunner, key: str
    ) -> None:
        out = explained(runner, key)
        assert "Not counted when all opioid use in the past 12 months was prescribed" in out
        assert "counted after all if 'Heroin' is chosen for 'Opioids used'" in out

    def test_an_unknown_key_exits_2_with_a_suggestion_and_the_keys(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["explain", "tolerence"])
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            "Error: no criterion or part called 'tolerence' (did you mean 'tolerance'?); give a "
            f"criterion's number from 1 to 11 or its key: {', '.join(CRITERIA)}; or a part: "
            f"{', '.join(PART_NAMES)}\n"
        )

    @pytest.mark.parametrize("given", ["³", "²", "٣", "\uff11", "0", "12", "1000"])
    def test_a_number_not_in_ascii_digits_or_out_of_range_says_what_it_expected(
        self, runner: CliRunner, given: str
    ) -> None:
        result = runner.invoke(app, ["explain", given])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"Error: no criterion or part called {given!r}")
        assert "give a criterion's number from 1 to 11" in result.stderr
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "given", ["7", "Activities_Given_Up", " ACTIVITIES-GIVEN-UP ", "activities given up"]
)
def test_a_criterion_can_be_named_by_its_number_or_in_any_letter_case(
    bank: Bank, given: str
) -> None:
    from screener.screens.explain import explain_criterion

    expected = Console(width=80, record=True, color_system=None)
    expected.print(explain_criterion(bank, "activities_given_up"))
    shown = Console(width=80, record=True, color_system=None)
    shown.print(explain_criterion(bank, given))
    text = shown.export_text()
    assert text == expected.export_text()
    assert "Criterion 7 of 11" in text


@pytest.mark.parametrize("given", ["0", "12", "cravin"])
def test_a_number_outside_1_to_11_or_an_unknown_key_is_still_an_error(
    bank: Bank, given: str
) -> None:
    from screener.errors import ScreenerError
    from screener.screens.explain import explain_criterion

    with pytest.raises(ScreenerError, match="no criterion or part called"):
        explain_criterion(bank, given)


class TestParts:
    """`explain NAME` shows one part of the explanation, with the sources it cites."""

    def test_next_steps_alone(self, runner: CliRunner) -> None:
        whole = explained(runner)
        part = explained(runner, "next-steps")
        assert "7. What to do next" in part
        assert "1. The 11 criteria" not in part and "6. Safety flags" not in part
        assert "This part rests on these" in part
        assert len(part) < len(whole) / 3
        assert part.split("7. What to do next", 1)[1].split("Sources")[0] in whole

    @pytest.mark.parametrize("name", PART_NAMES)
    def test_every_part_can_be_asked_for_in_any_letter_case(
        self, runner: CliRunner, name: str
    ) -> None:
        result = runner.invoke(app, ["explain", name.upper().replace("-", "_")])
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip()

    def test_withdrawal_is_still_the_criterion(self, runner: CliRunner) -> None:
        assert "Criterion 11 of 11" in explained(runner, "withdrawal")
