"""The bank's JSON Schema: shipped beside the default bank, printed by `screener schema`, and
true to the format: every bank the validator takes passes it, and it refuses what editors
should flag as the clinic types (an unknown key, a value of the wrong type)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import minimal_bank
from jsonschema import Draft202012Validator
from test_fhir import SHAPES, with_condition
from test_perspectives import two_perspectives
from typer.testing import CliRunner

from screener.cli import app
from screener.core.model import CRITERIA
from screener.files import bank as bank_io

SCHEMA = json.loads(bank_io.default_path(bank_io.SCHEMA_FILE).read_text("utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)


def plain(data: Any) -> Any:
    """YAML data as an editor sees it: JSON types only (a date is text)."""
    return json.loads(json.dumps(data, default=str))


def errors(data: Any) -> list[str]:
    """Each schema error as `PATH: message`."""
    return [f"{e.json_path}: {e.message}" for e in VALIDATOR.iter_errors(plain(data))]


def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = minimal_bank()
    change(data)
    return data


class TestTheFile:
    """The schema is a draft 2020-12 schema, shipped and printed as it is."""

    def test_it_is_a_valid_draft_2020_12_schema(self) -> None:
        Draft202012Validator.check_schema(SCHEMA)
        assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def test_screener_schema_prints_it(self, runner: CliRunner) -> None:
        result = runner.invoke(app, ["schema"])
        assert result.exit_code == 0
        assert json.loads(result.stdout) == SCHEMA

    def test_the_default_bank_points_editors_at_it(self) -> None:
        bank_file = bank_io.default_path()
        first = bank_file.read_text("utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema={bank_io.SCHEMA_FILE}"
        assert (bank_file.parent / bank_io.SCHEMA_FILE).is_file()  # beside it, as the path says

    def test_every_mapping_the_reader_allows_is_an_object_of_the_schema(self) -> None:
        """Each set of keys the bank reader allows (`self.mapping(value, path, {keys})` or
        `keys = {...}` in bank.py and bank_results.py) is the properties of a schema object,
        and each schema object but the conditions is one of them: neither can gain a key
        alone."""
        import ast
        import inspect

        from screener.files import bank_results

        def reader_sets(module: object) -> set[frozenset[str]]:
            found = set()
            for node in ast.walk(ast.parse(inspect.getsource(module))):  # type: ignore[arg-type]
                keys: ast.expr | None = None
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "mapping":
                    keys = node.args[2] if len(node.args) > 2 else None
                elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "keys":
                    keys = node.value
                if isinstance(keys, ast.Set):
                    found.add(frozenset(ast.literal_eval(keys)))
            return found

        def schema_objects(node: Any) -> set[frozenset[str]]:
            found = set()
            if isinstance(node, dict):
                if node.get("type") == "object" and "properties" in node:
                    found.add(frozenset(node["properties"]))
                for value in node.values():
                    found |= schema_objects(value)
            elif isinstance(node, list):
                for value in node:
                    found |= schema_objects(value)
            return found

        reader = reader_sets(bank_io) | reader_sets(bank_results)
        reader |= {frozenset(k) for k in (bank_io.TOP_KEYS, bank_io.SECTION_KEYS)}
        reader |= {frozenset(bank_io.QUESTION_KEYS), frozenset(CRITERIA)}
        conditions = {
            frozenset({"all"}),
            frozenset({"any"}),
            frozenset({"not"}),
            frozenset({"question", "result", "equals", "in", "contains", "at_least"}),
        }
        schema = schema_objects(SCHEMA) - conditions
        assert len(reader) >= 12  # the reader's sets were found
        assert {tuple(sorted(k)) for k in reader - schema} == set(), "not in the schema"
        assert {tuple(sorted(k)) for k in schema - reader} == set(), "not in the reader"

    def test_the_keys_are_the_validators(self) -> None:
        """A key added to the format must be added to the schema too, and the other way."""
        defs = SCHEMA["$defs"]
        assert set(SCHEMA["properties"]) == bank_io.TOP_KEYS
        assert set(defs["section"]["properties"]) == bank_io.SECTION_KEYS
        assert set(defs["question"]["properties"]) == bank_io.QUESTION_KEYS
        assert SCHEMA["properties"]["criteria"]["required"] == list(CRITERIA)


class TestBanksPass:
    """Every bank the validator takes passes the schema."""

    def test_the_default_bank(self) -> None:
        text = bank_io.default_path().read_text("utf-8")
        assert errors(yaml.safe_load(text)) == []

    def test_the_minimal_test_bank(self) -> None:
        assert errors(minimal_bank()) == []

    @pytest.mark.parametrize(("name", "condition", "_"), SHAPES, ids=[s[0] for s in SHAPES])
    def test_the_test_banks_with_each_shape_of_condition(
        self, make_bank: Callable[..., Any], name: str, condition: dict[str, Any], _: object
    ) -> None:
        change = with_condition(condition)
        make_bank(change)  # the validator takes it
        assert errors(changed(change)) == []

    def test_a_bank_with_every_optional_part(self, make_bank: Callable[..., Any]) -> None:
        def everything(data: dict[str, Any]) -> None:
            data.update(
                canonical="https://clinic.example/fhir/Questionnaire/oud",
                publisher="A clinic",
                date="2026-12-01",
                language="en",
                perspectives={"self": "Myself"},
            )
            data["sections"][0]["intro"] = {"self": "About you."}
            data["sections"][0]["show_emergency"] = True
            data["referrals"][0]["brief"] = "Bring this."
            data["referrals"].append(
                {
                    "id": "soon_ish",
                    "urgency": "when_ready",
                    "title": "Later",
                    "text": "When ready.",
                    "when": {"result": "severity", "at_least": "moderate"},
                    "source": "dsm5",
                }
            )
            data["scales"]["sows"]["bands"] = {
                "note": "Research bands",
                "source": ["dsm5"],
                "ranges": [
                    {"min": 0, "max": 0, "label": "none"},
                    {"min": 1, "max": 8, "label": "some"},
                ],
            }

        make_bank(everything)
        assert errors(changed(everything)) == []

    def test_a_bank_with_two_perspectives_and_dont_know(
        self, make_bank: Callable[..., Any]
    ) -> None:
        def both(data: dict[str, Any]) -> None:
            two_perspectives(data)  # `perspective` on sections, a flag, referrals; `unknown`
            data["sections"][-1]["questions"][1]["unknown"] = False  # a question's own
            data["caveats"].append(
                {"id": "theirs", "perspective": "other", "text": "Theirs.", "source": ["dsm5"]}
            )

        make_bank(both)
        assert errors(changed(both)) == []


class TestMistakesAreFlagged:
    """What an editor marks while a clinic edits its bank."""

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            (
                lambda d: d.update(titel="Typo"),
                "$: Additional properties are not allowed ('titel' was unexpected)",
            ),
            (
                lambda d: d["sections"][0]["questions"][0].update(shorts="x"),
                "$.sections[0].questions[0]: Additional properties are not allowed "
                "('shorts' was unexpected)",
            ),
            (
                lambda d: d["flags"][0]["when"].update(equal=True),
                "$.flags[0].when: ",
            ),
        ],
    )
    def test_an_unknown_key(self, change: Callable[[dict[str, Any]], None], error: str) -> None:
        found = errors(changed(change))
        assert found and found[0].startswith(error), found

    @pytest.mark.parametrize(
        ("change", "error"),
        [
            (lambda d: d.update(version=1.0), "$.version: 1.0 is not of type 'string'"),
            (
                lambda d: d["sections"][0]["questions"][0].update(kind="yesno"),
                "$.sections[0].questions[0].kind: 'yesno' is not one of "
                "['yes_no', 'scale', 'choice', 'multi', 'text']",
            ),
            (
                lambda d: d["scales"]["sows"]["options"][0].update(value="0"),
                "$.scales.sows.options[0].value: '0' is not of type 'integer'",
            ),
            (
                lambda d: d["sections"][0]["questions"][0].update(required="yes"),
                "$.sections[0].questions[0].required: 'yes' is not of type 'boolean'",
            ),
            (
                lambda d: d["criteria"].pop("craving"),
                "$.criteria: 'craving' is a required property",
            ),
            (
                lambda d: d["sections"][1].update(unknown="yes"),
                "$.sections[1].unknown: 'yes' is not of type 'boolean'",
            ),
            (
                lambda d: d["flags"][0].update(perspective=["other"]),
                "$.flags[0].perspective: ['other'] is not of type 'string'",
            ),
            (
                lambda d: d["sections"][0]["questions"][0].update(role="consent", unknown=True),
                "$.sections[0].questions[0].unknown: False was expected",
            ),
        ],
    )
    def test_a_wrong_type_or_value(
        self, change: Callable[[dict[str, Any]], None], error: str
    ) -> None:
        assert error in errors(changed(change))

    def test_a_choice_question_needs_options_and_a_scale_question_a_scale(self) -> None:
        def add(data: dict[str, Any]) -> None:
            questions = data["sections"][-1]["questions"]
            questions.append({"id": "pick", "kind": "choice", "text": "?", "source": "dsm5"})
            questions.append({"id": "rate", "kind": "scale", "text": "?", "source": "dsm5"})

        found = errors(changed(add))
        assert "$.sections[3].questions[1]: 'options' is a required property" in found
        assert "$.sections[3].questions[2]: 'scale' is a required property" in found

    def test_the_default_bank_with_one_mistake_fails(self) -> None:
        data = yaml.safe_load(bank_io.default_path().read_text("utf-8"))
        broken = copy.deepcopy(data)
        (i, j) = next(
            (i, j)
            for i, section in enumerate(broken["sections"])
            for j, q in enumerate(section["questions"])
            if q["id"] == "craving"
        )
        broken["sections"][i]["questions"][j]["criterion"] = "cravings"
        (error,) = errors(broken)
        assert error.startswith(f"$.sections[{i}].questions[{j}].criterion: 'cravings' is not")
