"""Read and check a personas file (`screener-personas/1`): fictional people and their answers.

A persona is a set of answers, checked by the rules answers files follow, with every problem
one `FILE:LINE: path: message` line from the shared collector (problems.py). Playing a persona
is the demo's (screens/demo.py); nothing here prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from screener.core.conditions import applicable, describe, effective_show_if, question_names
from screener.core.kinds import kind_of
from screener.core.model import Bank, Question, Role, Value
from screener.core.safetext import close_match, did_you_mean, one_line, show_value
from screener.errors import AnswersError
from screener.files import yamlsrc
from screener.files.answered import missing
from screener.files.answers import check_value
from screener.files.bank_language import LANGUAGE_CODE
from screener.files.problems import Problems
from screener.files.readfile import read_text
from screener.i18n import _

# Why an answer could not be typed at the prompt, or None when it can.
Untypable = Callable[[Question, Value], str | None]

FORMAT = "screener-personas/1"
PERSONAS_FILE = "personas.yaml"
TOP_KEYS = {"format", "bank", "personas"}
PERSONA_KEYS = {"name", "sketch", "perspective", "answers"}
NAME = re.compile(r"[a-z][a-z0-9_-]*")  # used with fullmatch


class Persona(NamedTuple):
    """A made-up person: a short name, a one-line sketch and an answer to every question."""

    name: str
    sketch: str
    perspective: str
    values: Mapping[str, Value]  # None: skipped on purpose (typed as the skip key)
    line: int = 0
    sketches: Mapping[str, str] = MappingProxyType({})  # language -> the sketch in it


def default_path() -> Path:
    """The shipped personas, beside the package code (so the wheel carries them)."""
    return Path(__file__).resolve().parent.parent / PERSONAS_FILE  # screener/personas.yaml


def load_personas(
    path: Path | None, bank: Bank, untypable: Untypable | None = None
) -> tuple[Persona, ...]:
    """Read and check a personas file against `bank`.

    Raises AnswersError (exit 4) listing every problem as `FILE:LINE: path: message`: a persona
    is a set of answers, checked by the rules answers files follow, and a broken personas file
    leaves the bank itself usable.
    """
    path = path or default_path()
    text = read_text(path, "personas", AnswersError)
    return parse_personas(text, bank, one_line(str(path)), untypable)


def parse_personas(
    text: str, bank: Bank, filename: str = PERSONAS_FILE, untypable: Untypable | None = None
) -> tuple[Persona, ...]:
    """Check personas text; `untypable(q, value)` says why an answer could not be typed at the
    prompt (the demo types every answer), or None when it can: by default, when it does not
    read back through its question kind as the same answer."""
    try:
        doc = yamlsrc.load(text)
    except yamlsrc.ParseError as exc:
        problem = _("not valid YAML: {reason}").format(reason=exc.message)
        raise AnswersError([f"{filename}:{exc.line or 1}: {problem}"]) from None
    return _Checker(filename, doc, bank, untypable or _untypable_by_kind).check()


class _Checker:
    """Builds the personas while collecting every problem with its line."""

    def __init__(
        self, filename: str, doc: yamlsrc.Located, bank: Bank, untypable: Untypable
    ) -> None:
        self.filename = filename
        self.doc = doc
        self.bank = bank
        self.untypable = untypable
        self.problems = Problems(filename, doc)
        self.names: dict[str, int] = {}  # name -> line, to point a duplicate at the first

    def error(self, path: yamlsrc.Path, message: str) -> None:
        self.problems.add(path, message)

    def fail(self) -> AnswersError:
        return AnswersError(self.problems.lines())

    def check(self) -> tuple[Persona, ...]:
        self.problems.add_all(self.doc.problems)
        data = self.doc.data
        if not isinstance(data, dict):
            self.error(
                (), _("expected a {format} mapping (format, bank, personas)").format(format=FORMAT)
            )
            raise self.fail()
        for key in data:
            if key not in TOP_KEYS:
                self.error((key,), _unknown_key(key, TOP_KEYS))
        if data.get("format") != FORMAT:
            self.error(
                ("format",),
                _("expected {expected}, got {value}").format(
                    expected=repr(FORMAT), value=_show(data.get("format"))
                ),
            )
        self.check_bank(data.get("bank"))
        items = data.get("personas")
        out: list[Persona] = []
        if not isinstance(items, list) or not items:
            self.error(("personas",), _("expected a list of personas (name, sketch, answers)"))
        else:
            for i, item in enumerate(items):
                persona = self.persona(item, ("personas", i))
                if persona is not None:
                    out.append(persona)
        if self.problems:
            raise self.fail()
        return tuple(out)

    def check_bank(self, value: object) -> None:
        if not isinstance(value, dict):
            self.error(
                ("bank",), _("expected {{id, version}} of the bank the personas answer").format()
            )
            return
        if value.get("id") != self.bank.id:
            self.error(
                ("bank", "id"),
                _(
                    "these personas are for bank {given}, not {bank} "
                    "(a bank of your own needs personas of its own: --personas PATH)"
                ).format(given=_show(value.get("id")), bank=repr(self.bank.id)),
            )
        elif value.get("version") != self.bank.version:
            # Personas show what the current questions do: stale answers are a mistake to fix,
            # not something to work around with a warning.
            self.error(
                ("bank", "version"),
                _(
                    "these personas answer version {given} of the bank, which is now version "
                    "{version}: check their answers against it, then update the version here"
                ).format(given=_show(value.get("version")), version=repr(self.bank.version)),
            )

    def persona(self, item: object, path: yamlsrc.Path) -> Persona | None:
        if not isinstance(item, dict):
            self.error(path, _("expected a persona: a mapping with name, sketch and answers"))
            return None
        for key in item:
            if key not in PERSONA_KEYS:
                self.error((*path, key), _unknown_key(key, PERSONA_KEYS))
        name = self.name(item.get("name"), (*path, "name"), path)
        sketches = self.sketches(item.get("sketch"), (*path, "sketch"))
        perspectives = list(self.bank.perspectives)
        perspective = item.get("perspective", perspectives[0] if perspectives else "self")
        if perspective not in perspectives:
            self.error(
                (*path, "perspective"),
                _("{value} is not a perspective of this bank ({perspectives}){suggestion}").format(
                    value=_show(perspective),
                    perspectives=", ".join(perspectives),
                    suggestion=did_you_mean(perspective, perspectives),
                ),
            )
        asked = str(perspective) if perspective in perspectives else perspectives[0]
        values = self.answers(item.get("answers"), (*path, "answers"), asked)
        if name is None or not sketches:
            return None
        own = self.bank.languages[0] if self.bank.languages else self.bank.language
        sketch = (
            sketches.get(self.bank.language) or sketches.get(own) or next(iter(sketches.values()))
        )
        return Persona(name, sketch, str(perspective), values, self.doc.line(path), sketches)

    def sketches(self, value: object, path: yamlsrc.Path) -> dict[str, str]:
        """The sketch, one line: text in the bank's own language, or one per language
        (`{en: ..., es: ...}`): the demo shows the one in the bank's language, else the one in
        the bank's own."""
        given = value if isinstance(value, dict) else {None: value}
        languages = self.bank.languages or (self.bank.language,)
        out: dict[str, str] = {}
        for code, sketch in given.items():
            where = path if code is None else (*path, code)
            if code is not None and not (isinstance(code, str) and LANGUAGE_CODE.fullmatch(code)):
                self.error(
                    where,
                    _(
                        "{value} is not a language code (two or three lowercase letters, like es)"
                    ).format(value=_show(code)),
                )
            elif not isinstance(sketch, str) or not sketch.strip():
                self.error(where, _("expected one line saying who the persona is"))
            elif "\n" in sketch.strip():
                self.error(where, _("expected one line (use a folded >- block)"))
            else:
                out[languages[0] if code is None else str(code)] = sketch.strip()
        return out

    def name(self, value: object, path: yamlsrc.Path, parent: yamlsrc.Path) -> str | None:
        if value is None:
            self.error(parent, _("missing required key 'name'"))
            return None
        if not isinstance(value, str) or not NAME.fullmatch(value):
            self.error(
                path,
                _("expected a short lowercase name like 'sam', got {value}").format(
                    value=_show(value)
                ),
            )
            return None
        if value in self.names:
            self.error(
                path,
                _("the name {name} is already used on line {line}").format(
                    name=show_value(value), line=self.names[value]
                ),
            )
            return None
        self.names[value] = self.doc.line(path)
        return value

    def answers(self, value: object, path: yamlsrc.Path, perspective: str) -> dict[str, Value]:
        """The persona's answers, checked as asked in `perspective`."""
        if not isinstance(value, dict):
            self.error(
                path,
                _("expected a mapping of question id to answer, got {value}").format(
                    value=_show(value)
                ),
            )
            return {}
        bank = self.bank.about(perspective)
        known = {q.id: q for q in bank.questions}
        out: dict[str, Value] = {}
        bad: set[str] = set()  # ids with a problem already reported: no second one for them
        for qid, raw in value.items():
            q = self.asked(qid, (*path, qid), known, perspective, bad)
            if q is None:
                continue
            ok, stored = self.answer(q, raw, (*path, qid), bad)
            if ok:
                out[q.id] = stored
        shown_ids = {q.id for q in applicable(bank, out)[0]}
        self.check_applies(bank, out, shown_ids, bad, path, perspective)
        return {qid: v for qid, v in out.items() if qid in shown_ids}

    def asked(
        self,
        qid: object,
        where: yamlsrc.Path,
        known: Mapping[str, Question],
        perspective: str,
        bad: set[str],
    ) -> Question | None:
        """The question `qid` names, asked in `perspective`; None, reported, when it is not."""
        q = known.get(str(qid))
        if q is not None:
            return q
        if any(other.id == str(qid) for other in self.bank.questions):
            self.error(
                where,
                _("{id} is not asked in perspective {perspective}").format(
                    id=show_value(qid), perspective=show_value(perspective)
                ),
            )
            bad.add(str(qid))
            return None
        self.error(
            where,
            _("{id} is not a question in this bank{suggestion}").format(
                id=show_value(qid), suggestion=did_you_mean(qid, known)
            ),
        )
        meant = close_match(qid, known)
        if meant is not None:
            bad.add(meant)
        return None

    def answer(
        self, q: Question, raw: object, where: yamlsrc.Path, bad: set[str]
    ) -> tuple[bool, Value]:
        """(whether `raw` is an answer the persona could have typed to `q`, the answer as kept);
        a problem is reported here and its question added to `bad`."""
        if q.role is Role.CONSENT:
            self.error(where, _("leave the consent question out: the demo always answers yes"))
            return False, None
        stored, problem = check_value(q, raw)
        if problem is None and stored is None and q.required:
            problem = _("cannot be skipped")
        if problem is None:
            problem = self.untypable(q, stored)
        if problem is not None:
            self.error(where, problem)
            bad.add(q.id)
            return False, None
        return True, stored

    def check_applies(
        self,
        bank: Bank,
        out: Mapping[str, Value],
        shown_ids: set[str],
        bad: set[str],
        path: yamlsrc.Path,
        perspective: str,
    ) -> None:
        """Report answers that would never be asked, and questions that apply but have none;
        not those hanging on an answer already reported."""
        known = {q.id: q for q in bank.questions}

        def hangs_on_a_problem(q: Question) -> bool:
            cond = effective_show_if(bank, q)
            return cond is not None and bool(question_names(cond) & bad)

        for qid in out:
            q = known[qid]
            if qid not in shown_ids and not hangs_on_a_problem(q):
                cond = effective_show_if(bank, q)
                if cond is None:
                    problem = _(
                        "does not apply to this persona's answers, so it would never be asked: "
                        "leave it out"
                    )
                else:
                    problem = _(
                        "does not apply to this persona's answers, so it would never be asked "
                        "(it is asked only when {condition}): leave it out"
                    ).format(condition=describe(cond))
                self.error((*path, qid), problem)
        for qid in missing(bank, out, perspective):
            if qid not in bad and not hangs_on_a_problem(known[qid]):
                self.error(
                    path,
                    _("no answer to {id}, which applies: give one (null to skip it)").format(
                        id=show_value(qid)
                    ),
                )


def _unknown_key(key: object, known: set[str]) -> str:
    return _("unknown key {key}{suggestion}").format(
        key=show_value(key), suggestion=did_you_mean(key, known)
    )


def _show(value: object) -> str:
    return show_value(value)


def _untypable_by_kind(q: Question, value: Value) -> str | None:
    """An answer that its question kind would not read back as itself from its keys."""
    if value is None or q.is_unknown(value):  # "don't know" is typed d at any such question
        return None
    kind = kind_of(q)
    if kind.read(q, kind.keys(q, value)) == (value, None):
        return None
    return _("cannot be typed at the prompt as it is (it would not read back as the same answer)")
