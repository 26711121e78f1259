"""A bank in another language: its translation file laid over its words, checked line by line."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import bank_text, minimal_bank

from screener.core.model import Bank
from screener.core.scoring import result_json, score
from screener.errors import BankError
from screener.files.bank import load_bank, parse_bank
from screener.files.bank_language import FORMAT, file_name


def overlay_for(bank: dict[str, Any]) -> dict[str, Any]:
    """A complete translation of a bank given as data: every text marked "ES "."""

    def es(text: Any) -> Any:
        if isinstance(text, dict):
            return {k: es(v) for k, v in text.items()}
        return f"ES {text}"

    questions: dict[str, Any] = {}
    for section in bank["sections"]:
        for q in section["questions"]:
            entry = {k: es(q[k]) for k in ("text", "short", "why") if k in q}
            if "options" in q:
                entry["options"] = {o["value"]: es(o["label"]) for o in q["options"]}
            questions[q["id"]] = entry
    scales = {}
    for sid, scale in bank.get("scales", {}).items():
        scales[sid] = {
            "title": es(scale["title"]),
            "options": {o["value"]: es(o["label"]) for o in scale["options"]},
        }
        if "bands" in scale:
            bands = scale["bands"]
            scales[sid]["bands"] = {
                "labels": {r["label"]: es(r["label"]) for r in bands["ranges"]},
                **({"note": es(bands["note"])} if "note" in bands else {}),
            }

    def record(item: dict[str, Any], *fields: str) -> dict[str, Any]:
        return {k: es(item[k]) for k in fields if k in item}

    return {
        "format": FORMAT,
        "bank": bank["id"],
        "language": "es",
        "title": es(bank["title"]),
        "sources": {s["id"]: record(s, "title", "ref") for s in bank["sources"]},
        "criteria": {k: es(v) for k, v in bank["criteria"].items()},
        "scales": scales,
        "sections": {s["id"]: record(s, "title", "intro") for s in bank["sections"]},
        "questions": questions,
        "flags": {f["id"]: record(f, "label", "detail") for f in bank["flags"]},
        "referrals": {r["id"]: record(r, "title", "brief", "text") for r in bank["referrals"]},
        "caveats": {c["id"]: record(c, "text") for c in bank["caveats"]},
        "emergency": {
            **record(bank["emergency"], "title", "note"),
            "signs": [es(s) for s in bank["emergency"]["signs"]],
            "steps": [es(s) for s in bank["emergency"]["steps"]],
        },
        "helplines": {h["id"]: record(h, "name", "contact", "detail") for h in bank["helplines"]},
    }


def spanish_bank() -> dict[str, Any]:
    data = minimal_bank()
    data["languages"] = ["en", "es"]
    data["scales"]["sows"]["items"] = 2
    data["scales"]["sows"]["bands"] = {
        "note": "A research convention.",
        "source": ["dsm5"],
        "ranges": [
            {"min": 0, "max": 0, "label": "none"},
            {"min": 1, "max": 8, "label": "some"},
        ],
    }
    return data


def dump(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def parse(
    bank: dict[str, Any],
    overlay: dict[str, Any] | None,
    language: str = "es",
    strict: bool = False,
) -> Bank:
    def read(code: str) -> tuple[str, str]:
        assert code == "es"
        return dump(overlay), "bank.es.yaml"

    return parse_bank(dump(bank), "bank.yaml", language, read, strict)


def problems(bank: dict[str, Any], overlay: dict[str, Any], strict: bool = True) -> list[str]:
    with pytest.raises(BankError) as raised:
        parse(bank, overlay, strict=strict)
    return list(raised.value.problems)


def line_in(text: str, needle: str) -> int:
    return text.splitlines().index(next(x for x in text.splitlines() if needle in x)) + 1


class TestTranslatedBank:
    """A bank that declares a language comes in it, with nothing but its words changed."""

    def test_every_text_comes_from_the_translation(self) -> None:
        data = spanish_bank()
        b = parse(data, overlay_for(data))
        assert b.language == "es"
        assert b.title == "ES Mini screen"
        assert b.question("use_any").text == "ES Any opioid use in the past 12 months?"
        assert b.question("opioids_which").label_of("heroin") == "ES Heroin"
        assert b.scales["sows"].options[0].label == "ES level 0"
        assert b.flag("uses_alone").label == "ES Using alone"
        assert b.referral("talk").text == "ES Bring this to a clinician."
        assert b.emergency.steps == ("ES Call 911 now.", "ES Give naloxone.")
        assert b.helplines[0].contact == "ES 1-800-662-4357"
        assert b.criteria["craving"] == "ES Meaning of craving"
        assert b.sources["dsm5"].title == "ES DSM-5 criteria (paraphrased)"
        assert b.untranslated == ()

    def test_a_translated_text_keeps_its_english_records_sources_and_rules(self) -> None:
        data = spanish_bank()
        english = parse(data, overlay_for(data), language="en")
        spanish = parse(data, overlay_for(data))
        assert english.language == "en" and english.title == "Mini screen"
        for en, es in zip(english.questions, spanish.questions, strict=True):
            assert (en.id, en.source, en.show_if, en.kind, en.criterion) == (
                es.id,
                es.source,
                es.show_if,
                es.kind,
                es.criterion,
            )
            assert [o.value for o in en.options] == [o.value for o in es.options]
        assert [r.source for r in english.referrals] == [r.source for r in spanish.referrals]
        assert english.emergency.source == spanish.emergency.source

    def test_a_band_keeps_its_label_as_its_id_and_shows_its_translation(self) -> None:
        data = spanish_bank()
        b = parse(data, overlay_for(data))
        band = b.scales["sows"].bands[1]
        assert (band.label, band.shown) == ("some", "ES some")
        assert b.band_text("sows", "some") == "ES some"

    def test_answers_score_the_same_in_either_language(self) -> None:
        from screener.core.model import Answers

        data = spanish_bank()
        values = {"use_any": True, "opioids_which": ("heroin",), "prescribed_only": False}
        values |= {"craving": True, "tolerance": True, "sows_one": 3, "safety_alone": True}
        results = []
        for language in ("en", "es"):
            b = parse(data, overlay_for(data), language=language)
            results.append(result_json(score(b, Answers(b.id, b.version, "self", values))))
        assert results[0] == results[1]
        assert results[0]["withdrawal"]["band"] == "some"

    def test_a_language_the_bank_does_not_declare_gives_the_bank_as_it_is(self) -> None:
        data = minimal_bank()
        b = parse_bank(bank_text(), "bank.yaml", "es", lambda code: pytest.fail(code))
        assert b.language == "en" and b.languages == ("en",)
        assert b.title == data["title"]

    def test_a_text_the_translation_lacks_is_shown_in_english_and_listed(self) -> None:
        data = spanish_bank()
        overlay = overlay_for(data)
        del overlay["questions"]["craving"]["text"]
        del overlay["emergency"]["signs"]
        b = parse(data, overlay)
        assert b.question("craving").text == "In the past 12 months: craving?"
        assert b.question("craving").short == "ES Craving"
        assert b.untranslated == ("questions.craving.text", "emergency.signs[0]")


class TestCheckedTranslation:
    """`validate` (strict) warns of every text without a translation at its line in the bank,
    and reports every mistake in the translation file at its own line there."""

    def test_a_missing_translation_is_a_warning_at_the_english_text(self) -> None:
        data = spanish_bank()
        overlay = overlay_for(data)
        del overlay["questions"]["craving"]["text"]
        del overlay["referrals"]["talk"]
        line = line_in(dump(data), "text: 'In the past 12 months: craving?'")
        found = [w for w in parse(data, overlay, strict=True).warnings if "no es text" in w]
        assert found[0] == (
            f"bank.yaml:{line}: sections[1].questions[3].text: warning: no es text: add "
            "questions.craving.text to bank.es.yaml"
        )
        assert any("referrals.talk.title to bank.es.yaml" in w for w in found)
        assert any("referrals.talk.text to bank.es.yaml" in w for w in found)
        assert len(found) == 3

    def test_a_complete_translation_passes_the_strict_check(self) -> None:
        data = spanish_bank()
        assert parse(data, overlay_for(data), strict=True).language == "es"

    def test_an_id_the_bank_does_not_have_is_located_with_a_hint(self) -> None:
        data = spanish_bank()
        overlay = overlay_for(data)
        overlay["questions"]["cravings"] = overlay["questions"].pop("craving")
        text = dump(overlay)
        found = problems(data, overlay, strict=False)
        assert found == [
            f"bank.es.yaml:{line_in(text, 'cravings:')}: questions.cravings: 'cravings' is not "
            "in the bank (did you mean 'craving'?)"
        ]

    @pytest.mark.parametrize(
        ("change", "needle", "problem"),
        [
            (
                lambda o: o["flags"]["uses_alone"].update(detail="ES more"),
                "detail: ES more",
                "flags.uses_alone.detail: the bank has no text here to translate",
            ),
            (
                lambda o: o["emergency"].update(steps=["ES one"]),
                "steps:",
                "emergency.steps: expected a list of 2 texts, one for each in the bank, "
                "in its order",
            ),
            (
                lambda o: o["questions"]["use_any"].update(text=""),
                "text: ''",
                "questions.use_any.text: expected text, got text ''",
            ),
            (
                lambda o: o.update(language="fr"),
                "language: fr",
                "language: expected the language es, as the file name says, got 'fr'",
            ),
            (
                lambda o: o.update(bank="other"),
                "bank: other",
                "bank: this translation is for bank 'other', not 'mini'",
            ),
            (
                lambda o: o["questions"]["opioids_which"]["options"].update(fentanyl="ES F"),
                "fentanyl:",
                "questions.opioids_which.options.fentanyl: 'fentanyl' is not in the bank",
            ),
        ],
    )
    def test_a_mistake_in_the_translation_is_located_there(
        self, change: Callable[[dict[str, Any]], None], needle: str, problem: str
    ) -> None:
        data = spanish_bank()
        overlay = overlay_for(data)
        change(overlay)
        line = line_in(dump(overlay), needle)
        found = problems(data, overlay, strict=False)
        assert any(p.startswith(f"bank.es.yaml:{line}: ") and p.endswith(problem) for p in found), (
            found
        )

    def test_wording_per_perspective_needs_a_translation_per_perspective(self) -> None:
        data = spanish_bank()
        data["perspectives"] = {"self": "Myself", "other": "Someone else"}
        data["sections"][0]["questions"][0]["text"] = {"self": "Do you use?", "other": "Do they?"}
        overlay = overlay_for(data)
        overlay["perspectives"] = {"self": "Yo", "other": "Otra persona"}
        b = parse(data, overlay)
        assert b.question("use_any").text == {"self": "ES Do you use?", "other": "ES Do they?"}
        del overlay["questions"]["use_any"]["text"]["other"]
        found = parse(data, overlay, strict=True).warnings
        assert any(
            w.endswith(
                "sections[0].questions[0].text.other: warning: no es text: add "
                "questions.use_any.text.other to bank.es.yaml"
            )
            for w in found
        ), found


class TestDeclaredLanguages:
    def test_languages_must_include_the_banks_own(self) -> None:
        data = spanish_bank()
        data["languages"] = ["es"]
        with pytest.raises(BankError) as raised:
            parse_bank(dump(data), "bank.yaml")
        assert raised.value.problems[0].endswith(
            "languages: list the bank's own language, en, among its languages"
        )

    def test_a_language_code_is_two_or_three_letters(self) -> None:
        data = spanish_bank()
        data["languages"] = ["en", "Spanish"]
        with pytest.raises(BankError) as raised:
            parse_bank(dump(data), "bank.yaml")
        assert "languages[1]: 'Spanish' is not a language code" in raised.value.problems[0]

    def test_the_translation_file_sits_beside_the_bank(self, tmp_path: Path) -> None:
        data = spanish_bank()
        (tmp_path / "clinic.yaml").write_text(dump(data), encoding="utf-8")
        with pytest.raises(BankError) as raised:
            load_bank(tmp_path / "clinic.yaml", "es")
        assert list(raised.value.problems) == [
            f"{tmp_path}/clinic.es.yaml: no such bank translation file"
        ]
        (tmp_path / "clinic.es.yaml").write_text(dump(overlay_for(data)), encoding="utf-8")
        assert load_bank(tmp_path / "clinic.yaml", "es").title == "ES Mini screen"
        assert load_bank(tmp_path / "clinic.yaml", "en").title == "Mini screen"

    def test_an_english_run_never_reads_the_translation(self, tmp_path: Path) -> None:
        data = spanish_bank()
        (tmp_path / "clinic.yaml").write_text(dump(data), encoding="utf-8")
        (tmp_path / "clinic.es.yaml").write_text("format: [broken", encoding="utf-8")
        assert load_bank(tmp_path / "clinic.yaml", "en").language == "en"
        with pytest.raises(BankError):
            load_bank(tmp_path / "clinic.yaml", "en", every_language=True)

    @pytest.mark.parametrize(
        ("bank_file", "expected"),
        [
            ("questions.yaml", "questions.es.yaml"),
            ("bank", "bank.es.yaml"),
            ("a.b.yml", "a.b.es.yml"),
        ],
    )
    def test_the_translation_file_name(self, bank_file: str, expected: str) -> None:
        assert file_name(bank_file, "es") == expected


def test_the_helper_translation_is_complete() -> None:
    """The fixture above translates every text, so the strict check has nothing to add."""
    data = spanish_bank()
    overlay = copy.deepcopy(overlay_for(data))
    assert parse(data, overlay, strict=True).untranslated == ()


class TestMarks:
    """`translated_from` remembers the English each text was translated from: a text whose
    English changed since is a validate warning, however good its old translation was."""

    def marked(self, data: dict[str, Any]) -> dict[str, Any]:
        from screener.files.bank_language import fingerprint

        overlay = overlay_for(data)
        overlay["translated_from"] = {
            "questions.craving.text": fingerprint("In the past 12 months: craving?"),
            "title": fingerprint("Mini screen"),
        }
        return overlay

    def test_a_text_whose_english_is_unchanged_is_current(self) -> None:
        data = spanish_bank()
        bank = parse(data, self.marked(data), strict=True)
        stale = [w for w in bank.warnings if "changed since" in w]
        # Only the texts without a mark are listed: the two marked ones are current.
        assert not any("questions.craving.text" in w or " title " in w for w in stale)

    def test_a_text_whose_english_changed_is_a_warning_at_its_line(self) -> None:
        data = spanish_bank()
        overlay = self.marked(data)
        data["sections"][1]["questions"][3]["text"] = "In the past 12 months: strong urges?"
        line = line_in(dump(data), "strong urges?")
        warnings = parse(data, overlay, strict=True).warnings
        assert (
            f"bank.yaml:{line}: sections[1].questions[3].text: warning: changed since its es "
            "text was written: check questions.craving.text in bank.es.yaml, then update its "
            "mark under translated_from"
        ) in warnings

    def test_a_run_shows_the_old_translation_without_a_word(self) -> None:
        data = spanish_bank()
        overlay = self.marked(data)
        data["sections"][1]["questions"][3]["text"] = "In the past 12 months: strong urges?"
        bank = parse(data, overlay)
        assert bank.question("craving").text == "ES In the past 12 months: craving?"
        assert bank.warnings == ()

    def test_a_mark_that_is_not_a_fingerprint_is_a_problem(self) -> None:
        data = spanish_bank()
        overlay = self.marked(data)
        overlay["translated_from"]["title"] = 12345678
        found = problems(data, overlay, strict=False)
        assert found[0].endswith(
            "translated_from.title: expected a place like questions.craving.text and 8 hex digits"
        )

    def test_the_tool_marks_every_text_and_then_nothing_has_changed(self, tmp_path: Path) -> None:
        import subprocess
        import sys

        data = spanish_bank()
        (tmp_path / "clinic.yaml").write_text(dump(data), encoding="utf-8")
        (tmp_path / "clinic.es.yaml").write_text(dump(overlay_for(data)), encoding="utf-8")
        tool = [sys.executable, "tools/bank_translation.py", "es", "--bank", "clinic.yaml"]
        root = Path(__file__).resolve().parent.parent
        tool[1] = str(root / tool[1])
        run = lambda *more: subprocess.run(  # noqa: E731
            [*tool, *more], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert run("--mark").returncode == 0
        assert load_bank(tmp_path / "clinic.yaml", every_language=True).warnings == ()
        data["title"] = "Mini screen, revised"
        (tmp_path / "clinic.yaml").write_text(dump(data), encoding="utf-8")
        done = run()
        assert done.returncode == 1
        assert "Changed since (1):\n  title\n      Mini screen, revised" in done.stdout

    def test_the_tool_reads_the_shipped_translation_as_the_loader_does(self) -> None:
        """Its own text codes (AYUDA) included: the tool once refused what validate accepts."""
        import subprocess
        import sys

        root = Path(__file__).resolve().parent.parent
        done = subprocess.run(
            [sys.executable, str(root / "tools" / "bank_translation.py"), "es"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stdout) == (
            0,
            "Not translated (0):\nChanged since (0):\n",
        )


class TestNumbersAreFacts:
    """A phone number, 911 or a text code is a fact: a translation cannot change it."""

    def dv_bank(self) -> dict[str, Any]:
        data = spanish_bank()
        data["helplines"].append(
            {
                "id": "dv",
                "name": "National Domestic Violence Hotline",
                "contact": "1-800-799-7233 (1-800-799-SAFE), or text START to 88788",
                "detail": "Free and confidential.",
                "source": ["dsm5"],
            }
        )
        return data

    def located(self, overlay: dict[str, Any], needle: str) -> str:
        return f"bank.es.yaml:{line_in(dump(overlay), needle)}: "

    @pytest.mark.parametrize(
        ("contact", "problem"),
        [
            (
                "1-800-799-7232, o envíe START al 88788",
                "helplines.dv.contact: the phone numbers differ from the English text's "
                "(1-800-799-7233, 88788): 1-800-799-7232, 88788",
            ),
            (
                "1-800-799-7233, o envíe INICIO al 88788",
                "helplines.dv.contact: the English text's text code START is missing",
            ),
            (
                "1-800-799-7233, o envíe START o AYUDE al 88788",
                "helplines.dv.contact: 'AYUDE' is not a text code of the English text, nor one "
                "of es's own",
            ),
        ],
    )
    def test_a_changed_number_or_code_is_refused_at_its_line(
        self, contact: str, problem: str
    ) -> None:
        data = self.dv_bank()
        overlay = overlay_for(data)
        overlay["helplines"]["dv"] = {"name": "Línea", "contact": contact, "detail": "Gratuita."}
        found = problems(data, overlay, strict=False)
        assert self.located(overlay, "contact: 1-800-799") + problem in found, found

    def test_911_in_an_emergency_step_is_a_fact_too(self) -> None:
        data = spanish_bank()
        overlay = overlay_for(data)
        overlay["emergency"]["steps"][0] = "Llame al 119 ahora."
        found = problems(data, overlay, strict=False)
        assert found == [
            self.located(overlay, "Llame al 119")
            + "emergency.steps[0]: the phone numbers differ from the English text's (911): 119"
        ]

    def test_the_same_numbers_a_spelled_one_in_digits_and_the_languages_own_code_pass(
        self,
    ) -> None:
        data = self.dv_bank()
        overlay = overlay_for(data)
        overlay["helplines"]["dv"] = {
            "name": "Línea",
            "contact": "1-800-799-7233; envíe START o AYUDA por mensaje de texto al 88788",
            "detail": "Gratuita.",
        }
        b = parse(data, overlay, strict=True)
        assert b.helplines[-1].contact.startswith("1-800-799-7233")

    def test_every_number_of_the_default_bank_is_the_same_in_spanish(self) -> None:
        assert load_bank(every_language=True).languages == ("en", "es")
