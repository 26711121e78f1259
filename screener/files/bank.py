"""Find, load and validate a question bank into a `Bank`; every problem is `FILE:LINE: path: msg`.

It never prints: problems are collected (all of them, not just the first) and raised together
as one BankError, so `screener validate` can list them and every other command can refuse a
bad bank before it asks anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, assert_never

from screener.core.facts import FACTS, Fact
from screener.core.kinds import kind_of
from screener.core.model import (
    CRITERIA,
    WITHDRAWAL_SCALE,
    AllOf,
    AnyOf,
    Band,
    Bank,
    Caveat,
    Condition,
    Emergency,
    Flag,
    Helpline,
    Kind,
    Leaf,
    Not,
    Option,
    Question,
    Referral,
    Role,
    Scale,
    Section,
    Severity,
    Source,
    Urgency,
    Wording,
)
from screener.core.safetext import clean, did_you_mean, one_line, show_value
from screener.errors import BankError
from screener.files import yamlsrc

# Re-exported for screener/screens/demo.py, which imports it from here; new code imports it
# from screener.files.readfile.
from screener.files.readfile import read_text as read_text

BANK_FILE = "questions.yaml"
ID = re.compile(r"^[a-z][a-z0-9_]*$")
BANK_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s|]+")

TOP_KEYS = {
    "id", "version", "title", "canonical", "language", "perspectives", "sources", "criteria",
    "scales", "sections", "flags", "referrals", "caveats", "emergency", "helplines",
}  # fmt: skip
SECTION_KEYS = {"id", "title", "intro", "show_if", "show_emergency", "questions"}
QUESTION_KEYS = {
    "id", "kind", "text", "short", "why", "source", "criterion", "role", "scale", "options",
    "show_if", "required", "overridden_if",
}  # fmt: skip
OPS = ("equals", "in", "contains", "at_least")


def default_path() -> Path:
    """The bundled bank: inside the installed package, else at the top of a source checkout."""
    package = Path(__file__).resolve().parent.parent  # screener/, beside files/
    for candidate in (package / BANK_FILE, package.parent / BANK_FILE):
        if candidate.is_file():
            return candidate
    return package / BANK_FILE


def load_bank(path: Path | None = None) -> Bank:
    """Read and validate a bank. Raises BankError listing every problem found."""
    path = path or default_path()
    return parse_bank(read_text(path, "bank", BankError), one_line(str(path)))


def parse_bank(text: str, filename: str = BANK_FILE) -> Bank:
    """Validate bank text; `filename` is only used in messages."""
    try:
        doc = yamlsrc.load(text)
    except yamlsrc.ParseError as exc:
        raise BankError([f"{filename}:{exc.line or 1}: not valid YAML: {exc.message}"]) from None
    reader = _Reader(filename, doc)
    for path, message in doc.problems:
        reader.error(path, message)
    bank = reader.bank(doc.data)
    if reader.problems or bank is None:
        raise BankError(reader.in_file_order() or [f"{filename}:1: the bank is empty"])
    return bank


class _Reader:
    """Builds the Bank while collecting every problem with its place."""

    def __init__(self, filename: str, doc: yamlsrc.Located) -> None:
        self.filename = filename
        self.doc = doc
        self.problems: list[tuple[int, str]] = []  # (line, located message)
        self.source_ids: set[str] = set()
        self.source_uses: list[tuple[yamlsrc.Path, str]] = []
        self.questions: dict[str, Question] = {}
        self.perspectives: dict[str, str] = {}
        self.scales: dict[str, Scale] = {}
        self.flag_ids: list[str] = []
        self.question_paths: dict[str, yamlsrc.Path] = {}
        # Every question id in the file, to tell "comes later" from "unknown".
        self.all_ids: set[str] = set()
        self.read_questions: list[Question] = []  # duplicates too, so one mistake is one problem

    # --- reporting ----------------------------------------------------------------------

    def error(self, path: yamlsrc.Path, message: str) -> None:
        line = self.doc.line(path)
        where = f"{self.filename}:{line}: {yamlsrc.format_path(path)}"
        self.problems.append((line, f"{where}: {message}"))

    def in_file_order(self) -> list[str]:
        """The problems by line: they are found part by part, not line by line."""
        return [message for _, message in sorted(self.problems, key=lambda p: p[0])]

    # --- typed access -------------------------------------------------------------------

    def mapping(
        self, value: object, path: yamlsrc.Path, allowed: set[str], required: Iterable[str] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping, got {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.error(
                    (*path, key), f"unknown key {show_value(key)}{did_you_mean(key, allowed)}"
                )
        for key in required:
            if value.get(key) is None:
                self.error(path, f"missing required key {show_value(key)}")
        return value

    def text(
        self, m: Mapping[str, Any], key: str, path: yamlsrc.Path, required: bool = True
    ) -> str:
        value = m.get(key)
        if value is None:
            if required and key in m:
                self.error((*path, key), "must not be empty")
            return ""
        if not isinstance(value, str):
            self.error((*path, key), f"expected text, got {_kind(value)}")
            return ""
        if required and not value.strip():
            self.error((*path, key), "must not be empty")
        return clean(value).strip()

    def wording(self, m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> Wording:
        """Text, or a mapping with one text per declared perspective."""
        value = m.get(key)
        if isinstance(value, dict):
            out: dict[str, str] = {}
            for p in value:
                if p not in self.perspectives:
                    hint = did_you_mean(p, self.perspectives)
                    self.error(
                        (*path, key, p), f"{show_value(p)} is not a declared perspective{hint}"
                    )
            for p in self.perspectives:
                if p not in value:
                    self.error((*path, key), f"no wording for perspective {show_value(p)}")
                else:
                    out[p] = self.text(value, p, (*path, key))
            return out
        return self.text(m, key, path, required=False) if value is None else self.text(m, key, path)

    def ident(self, m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> str:
        value = m.get(key)
        if not isinstance(value, str) or not ID.match(value):
            self.error(
                (*path, key),
                f"{show_value(value)} is not a valid id (lowercase letters, digits, _)",
            )
            return str(value)
        return value

    def bank_id(self, top: Mapping[str, Any]) -> str:
        value = top.get("id")
        if not isinstance(value, str) or not BANK_ID.match(value):
            self.error(
                ("id",),
                f"{show_value(value)} is not a valid bank id (lowercase letters, digits, . _ -)",
            )
        return str(value)

    def sources(
        self, m: Mapping[str, Any], path: yamlsrc.Path, required: bool = True
    ) -> tuple[str, ...]:
        value = m.get("source")
        if value is None:
            if required:
                self.error(path, "missing required key 'source' (which article or reference?)")
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.error((*path, "source"), "expected a list of source ids")
            return ()
        for i, s in enumerate(items):
            where = (*path, "source") if isinstance(value, str) else (*path, "source", i)
            self.source_uses.append((where, str(s)))
        return tuple(str(s) for s in items)

    def flag(self, m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> bool:
        value = m.get(key, False)
        if not isinstance(value, bool):
            self.error((*path, key), f"expected true or false, got {_kind(value)}")
            return False
        return value

    def items(self, value: object, path: yamlsrc.Path, required: bool = True) -> list[Any]:
        if value is None:  # a missing required list was already reported by mapping()
            return []
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {_kind(value)}")
            return []
        return value

    # --- the bank -----------------------------------------------------------------------

    def bank(self, data: object) -> Bank | None:
        top = self.mapping(
            data, (), TOP_KEYS, ("id", "version", "title", "sources", "criteria", "sections")
        )
        if top is None:
            return None
        self.perspectives = self.read_perspectives(top.get("perspectives"))
        sources = self.read_sources(top.get("sources"))
        self.source_ids = set(sources)
        criteria = self.read_criteria(top.get("criteria"))
        self.scales = self.read_scales(top.get("scales"))
        self.all_ids = _question_ids(top.get("sections"))
        sections = self.read_sections(top.get("sections"))
        self.check_roles_and_coverage()
        flags = self.read_flags(top.get("flags"))
        referrals = self.read_referrals(top.get("referrals"))
        caveats = self.read_caveats(top.get("caveats"))
        emergency = self.read_emergency(top.get("emergency"))
        helplines = self.read_helplines(top.get("helplines"))
        for where, sid in self.source_uses:
            if sid not in self.source_ids:
                self.error(
                    where,
                    f"{show_value(sid)} is not in sources{did_you_mean(sid, self.source_ids)}",
                )
        version = top.get("version")
        if version is not None and not isinstance(version, str):
            self.error(("version",), f'expected quoted text like "1.0.0", got {_kind(version)}')
        elif isinstance(version, str) and clean(version) != version:
            self.error(("version",), "must not contain control characters")
        return Bank(
            id=self.bank_id(top),
            version=str(version),
            title=self.text(top, "title", ()),
            canonical=self.canonical(top),
            language=self.text(top, "language", (), required=False) or "en",
            perspectives=self.perspectives,
            sources=sources,
            scales=self.scales,
            sections=tuple(sections),
            flags=tuple(flags),
            referrals=tuple(referrals),
            caveats=tuple(caveats),
            emergency=emergency,
            helplines=tuple(helplines),
            criteria=criteria,
            path=self.filename,
        )

    def canonical(self, top: Mapping[str, Any]) -> str:
        """The bank's canonical URI (FHIR `Questionnaire.url`); empty means derived from the id."""
        value = top.get("canonical")
        if value is None:
            return ""
        if not isinstance(value, str) or not _URI.fullmatch(value):
            self.error(
                ("canonical",),
                f"expected an absolute URI without spaces or '|', like "
                f"'https://clinic.example/fhir/Questionnaire/oud' or 'urn:clinic:oud', "
                f"got {_show(value)}",
            )
            return ""
        return value

    def read_perspectives(self, value: object) -> dict[str, str]:
        if value is None:
            return {"self": "Myself"}
        m = self.mapping(value, ("perspectives",), set(value) if isinstance(value, dict) else set())
        out: dict[str, str] = {}
        for key in m or {}:
            if not isinstance(key, str) or not ID.match(key):
                self.error(
                    ("perspectives", key), f"{show_value(key)} is not a valid perspective id"
                )
            out[str(key)] = self.text(m or {}, key, ("perspectives",))
        if m is not None and not out:
            self.error(("perspectives",), "declare at least one perspective")
        return out

    def read_sources(self, value: object) -> dict[str, Source]:
        out: dict[str, Source] = {}
        for i, item in enumerate(self.items(value, ("sources",))):
            path: yamlsrc.Path = ("sources", i)
            m = self.mapping(item, path, {"id", "title", "file", "ref"}, ("id", "title"))
            if m is None:
                continue
            sid = self.ident(m, "id", path)
            if sid in out:
                self.error((*path, "id"), f"duplicate source id {show_value(sid)}")
            if not m.get("file") and not m.get("ref"):
                self.error(path, "a source needs a 'file' (an article) or a 'ref' (a reference)")
            out[sid] = Source(
                id=sid,
                title=self.text(m, "title", path),
                file=self.text(m, "file", path, required=False) or None,
                ref=self.text(m, "ref", path, required=False) or None,
            )
        return out

    def read_criteria(self, value: object) -> dict[str, str]:
        m = self.mapping(value, ("criteria",), set(CRITERIA), CRITERIA)
        return {key: self.text(m, key, ("criteria",)) for key in CRITERIA if m and key in m}

    def read_scales(self, value: object) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if value is None:
            return out
        top = self.mapping(value, ("scales",), set(value) if isinstance(value, dict) else set())
        for sid, body in (top or {}).items():
            path: yamlsrc.Path = ("scales", sid)
            if not isinstance(sid, str) or not ID.match(sid):
                self.error(path, f"{show_value(sid)} is not a valid scale id")
                continue
            keys = {"title", "counted", "items", "options", "bands", "source"}
            m = self.mapping(body, path, keys, ("title", "options"))
            if m is None:
                continue
            options = self.scale_options(m.get("options"), (*path, "options"))
            counted = self.flag(m, "counted", path)
            items = m.get("items", 0)
            if isinstance(items, bool) or not isinstance(items, int) or items < 0:
                self.error((*path, "items"), f"expected a whole number, got {_kind(items)}")
                items = 0
            if counted and items == 0:
                self.error(path, "a counted scale needs 'items': how many questions it has")
            top_value = max((int(o.value) for o in options), default=0)
            bands, note, band_source = self.bands(
                m.get("bands"), (*path, "bands"), items * top_value
            )
            out[sid] = Scale(
                id=sid,
                title=self.text(m, "title", path),
                options=options,
                counted=counted,
                items=items,
                bands=bands,
                band_note=note,
                source=self.sources(m, path),
                band_source=band_source,
            )
        if WITHDRAWAL_SCALE in out and not out[WITHDRAWAL_SCALE].counted:
            self.error(
                ("scales", WITHDRAWAL_SCALE, "counted"), "the withdrawal scale must be counted"
            )
        return out

    def scale_options(self, value: object, path: yamlsrc.Path) -> tuple[Option, ...]:
        out: list[Option] = []
        for i, item in enumerate(self.items(value, path)):
            m = self.mapping(item, (*path, i), {"value", "label"}, ("value", "label"))
            if m is None:
                continue
            v = m.get("value")
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 4:
                hint = " (YAML reads yes/no/on/off as true/false)" if isinstance(v, bool) else ""
                self.error(
                    (*path, i, "value"), f"scale values are whole numbers 0-4, got {_show(v)}{hint}"
                )
                continue
            if any(o.value == v for o in out):
                self.error((*path, i, "value"), f"duplicate scale value {v}")
            out.append(Option(v, self.text(m, "label", (*path, i))))
        if value is not None and not out:
            self.error(path, "a scale needs at least two options")
        return tuple(out)

    def bands(
        self, value: object, path: yamlsrc.Path, total: int
    ) -> tuple[tuple[Band, ...], str, tuple[str, ...]]:
        if value is None:
            return (), "", ()
        m = self.mapping(value, path, {"note", "ranges", "source"}, ("ranges",))
        if m is None:
            return (), "", ()
        bands: list[Band] = []
        expect = 0
        for i, item in enumerate(self.items(m.get("ranges"), (*path, "ranges"))):
            where = (*path, "ranges", i)
            r = self.mapping(item, where, {"min", "max", "label"}, ("min", "max", "label"))
            if r is None:
                continue
            lo, hi = r.get("min"), r.get("max")
            if not all(isinstance(x, int) and not isinstance(x, bool) for x in (lo, hi)):
                self.error(where, "min and max must be whole numbers")
                continue
            assert isinstance(lo, int) and isinstance(hi, int)
            if lo != expect or hi < lo:
                self.error(where, f"ranges must run on without gaps: expected min {expect}")
            expect = hi + 1
            bands.append(Band(lo, hi, self.text(r, "label", where)))
        if bands and expect - 1 != total:
            self.error((*path, "ranges"), f"ranges must end at the scale total, {total}")
        return tuple(bands), self.text(m, "note", path, required=False), self.sources(m, path)

    # --- sections and questions ---------------------------------------------------------

    def read_sections(self, value: object) -> list[Section]:
        out: list[Section] = []
        seen: set[str] = set()
        for i, item in enumerate(self.items(value, ("sections",))):
            path: yamlsrc.Path = ("sections", i)
            m = self.mapping(item, path, SECTION_KEYS, ("id", "title", "questions"))
            if m is None:
                continue
            sid = self.ident(m, "id", path)
            if sid in seen:
                self.error((*path, "id"), f"duplicate section id {show_value(sid)}")
            seen.add(sid)
            show_if = self.condition(m.get("show_if"), (*path, "show_if"), self.earlier_only())
            questions = [
                q
                for j, qitem in enumerate(self.items(m.get("questions"), (*path, "questions")))
                if (q := self.question(qitem, (*path, "questions", j), sid)) is not None
            ]
            out.append(
                Section(
                    id=sid,
                    title=self.text(m, "title", path),
                    intro=self.wording(m, "intro", path),
                    show_if=show_if,
                    show_emergency=self.flag(m, "show_emergency", path),
                    questions=tuple(questions),
                )
            )
        if value is not None and not out:
            self.error(("sections",), "the bank has no sections")
        return out

    def question(self, value: object, path: yamlsrc.Path, section: str) -> Question | None:
        m = self.mapping(value, path, QUESTION_KEYS, ("id", "kind", "text"))
        if m is None:
            return None
        qid = self.ident(m, "id", path)
        if qid in self.questions:
            line = self.questions[qid].line
            self.error(
                (*path, "id"),
                f"duplicate question id {show_value(qid)} (first used on line {line})",
            )
        kind = self.enum(Kind, m, "kind", path) or Kind.YES_NO
        role = self.enum(Role, m, "role", path) if "role" in m else None
        criterion = m.get("criterion")
        if criterion is not None and criterion not in CRITERIA:
            hint = did_you_mean(criterion, CRITERIA)
            self.error((*path, "criterion"), f"{show_value(criterion)} is not a criterion{hint}")
            criterion = None
        if criterion is not None and not kind_of(kind).can_count:
            self.error((*path, "kind"), "a criterion question must be yes_no")
        if role is not None and not kind_of(kind).can_count:
            self.error((*path, "kind"), f"a {role.value} question must be yes_no")
        options = self.question_options(m, path, kind)
        scale = m.get("scale")
        if kind_of(kind).options == "scale":
            if scale not in self.scales:
                hint = did_you_mean(scale, self.scales)
                self.error(
                    (*path, "scale"), f"{show_value(scale)} is not a scale in 'scales'{hint}"
                )
            else:
                options = self.scales[scale].options
        elif scale is not None:
            self.error((*path, "scale"), "only scale questions name a scale")
        earlier = self.earlier_only()
        show_if = self.condition(m.get("show_if"), (*path, "show_if"), earlier)
        overridden_if = None
        if "overridden_if" in m:
            if role is not Role.PRESCRIBED_ONLY:
                self.error((*path, "overridden_if"), "only the prescribed_only question has this")
            overridden_if = self.condition(m["overridden_if"], (*path, "overridden_if"), earlier)
        required = self.flag(m, "required", path)
        q = Question(
            id=qid,
            section=section,
            kind=kind,
            text=self.wording(m, "text", path),
            short=self.text(m, "short", path, required=False) or qid.replace("_", " "),
            why=self.text(m, "why", path, required=False),
            source=self.sources(m, path),
            options=options,
            criterion=criterion if isinstance(criterion, str) else None,
            role=role,
            scale=scale if kind_of(kind).options == "scale" and isinstance(scale, str) else None,
            show_if=show_if,
            overridden_if=overridden_if,
            required=required,
            line=self.doc.line(path),
        )
        self.read_questions.append(q)
        if qid not in self.questions:
            self.questions[qid] = q
            self.question_paths[qid] = path
        return q

    def enum(self, enum: type[Any], m: Mapping[str, Any], key: str, path: yamlsrc.Path) -> Any:
        value = m.get(key)
        try:
            return enum(value)
        except ValueError:
            names = [e.value for e in enum]
            hint = did_you_mean(value, names) or f" (one of: {', '.join(names)})"
            self.error((*path, key), f"{show_value(value)} is not a valid {key}{hint}")
            return None

    def question_options(
        self, m: Mapping[str, Any], path: yamlsrc.Path, kind: Kind
    ) -> tuple[Option, ...]:
        value = m.get("options")
        source = kind_of(kind).options
        if source == "fixed":
            if value is not None:
                self.error((*path, "options"), "yes_no questions have fixed options (yes, no)")
            return (Option(True, "yes"), Option(False, "no"))
        if source != "own":
            if value is not None:
                self.error((*path, "options"), f"{kind.value} questions take no options")
            return ()
        out: list[Option] = []
        for i, item in enumerate(self.items(value, (*path, "options"))):
            where = (*path, "options", i)
            o = self.mapping(item, where, {"value", "label"}, ("value", "label"))
            if o is None:
                continue
            v = o.get("value")
            if not isinstance(v, str) or not ID.match(v):
                self.error(
                    (*path, "options", i, "value"), f"{show_value(v)} is not a valid option value"
                )
                continue
            if any(x.value == v for x in out):
                self.error(
                    (*path, "options", i, "value"), f"duplicate option value {show_value(v)}"
                )
            out.append(Option(v, self.text(o, "label", where)))
        if value is not None and len(out) < 2:
            self.error((*path, "options"), "give at least two options")
        return tuple(out)

    def check_roles_and_coverage(self) -> None:
        seen: dict[Role, Question] = {}
        for q in self.questions.values():
            if q.role is None:
                continue
            if q.role in seen:
                first = seen[q.role]
                self.error(
                    self.question_path(q, "role"),
                    f"only one {q.role.value} question is allowed ({first.id!r} already is)",
                )
            seen[q.role] = q
            if q.required and q.role is not Role.CONSENT:
                self.error(
                    self.question_path(q, "required"), "only the consent question is required"
                )
        covered = {q.criterion for q in self.read_questions if q.criterion}
        missing = [c for c in CRITERIA if c not in covered]
        if missing:
            self.error(("sections",), f"no question covers criteria: {', '.join(missing)}")
        for sid, scale in self.scales.items():
            n = sum(1 for q in self.questions.values() if q.scale == sid)
            if scale.counted and n != scale.items:
                self.error(
                    ("scales", sid, "items"), f"says {scale.items} items, but {n} questions use it"
                )

    def question_path(self, q: Question, key: str) -> yamlsrc.Path:
        return (*self.question_paths[q.id], key)

    # --- conditions ---------------------------------------------------------------------

    def earlier_only(self) -> Mapping[str, Question]:
        """The questions a condition read now may name: those already read (questions are read
        in file order, and a question is added only after its own conditions are read)."""
        return self.questions

    def condition(
        self,
        value: object,
        path: yamlsrc.Path,
        questions: Mapping[str, Question],
        results: bool = False,
    ) -> Condition | None:
        """Parse a condition; `questions` are those it may name, `results` allows `result:`."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(path, f"expected a condition mapping, got {_kind(value)}")
            return None
        for combiner in ("all", "any"):
            if combiner in value:
                self.only_keys(value, path, {combiner})
                items = self.items(value[combiner], (*path, combiner))
                if not items:
                    self.error((*path, combiner), "give at least one condition")
                parsed = [
                    self.condition(c, (*path, combiner, i), questions, results)
                    for i, c in enumerate(items)
                ]
                kept = tuple(c for c in parsed if c is not None)
                return AllOf(kept) if combiner == "all" else AnyOf(kept)
        if "not" in value:
            self.only_keys(value, path, {"not"})
            inner = self.condition(value["not"], (*path, "not"), questions, results)
            return Not(inner) if inner is not None else None
        return self.leaf(value, path, questions, results)

    def only_keys(self, value: Mapping[str, Any], path: yamlsrc.Path, keys: set[str]) -> None:
        for key in value:
            if key not in keys:
                self.error(
                    (*path, key),
                    f"unexpected key {show_value(key)} beside {', '.join(sorted(keys))}",
                )

    def leaf(
        self,
        value: Mapping[str, Any],
        path: yamlsrc.Path,
        questions: Mapping[str, Question],
        results: bool,
    ) -> Leaf | None:
        if "result" in value and not results:
            self.error(
                (*path, "result"), "only referrals and caveats can test results; use question:"
            )
            return None
        subjects = ["question", "result"] if results else ["question"]
        allowed = {*subjects, *OPS, "all", "any", "not"}
        for key in value:
            if key not in allowed:
                self.error(
                    (*path, key),
                    f"unknown condition key {show_value(key)}{did_you_mean(key, allowed)}",
                )
                return None
        subject = [k for k in subjects if k in value]
        ops = [k for k in OPS if k in value]
        if len(subject) != 1 or len(ops) != 1:
            need = " or ".join(subjects)
            self.error(path, f"a condition needs one of {need} and one of {', '.join(OPS)}")
            return None
        name, op, want = value[subject[0]], ops[0], value[ops[0]]
        where = (*path, op)
        if subject[0] == "result":
            return self.result_leaf(name, op, want, path)
        if name not in questions:
            if name in self.all_ids:
                self.error(
                    (*path, "question"),
                    f"{show_value(name)} comes later; only earlier questions can be named",
                )
            else:
                hint = did_you_mean(name, self.all_ids)
                self.error((*path, "question"), f"{show_value(name)} is not a question{hint}")
            return None
        q = questions[name]
        kind = kind_of(q)
        if op not in kind.ops:
            ok = ", ".join(kind.ops)
            self.error(
                where,
                f"{show_value(op)} does not apply to {q.kind.value} question "
                f"{show_value(name)} (use {ok})",
            )
            return None
        if op == "at_least" and kind.repeats:  # how many were chosen
            self.check_count(want, where)
        elif op == "in":
            if not isinstance(want, list) or not want:
                self.error(where, "expected a list of values")
                return None
            for i, w in enumerate(want):
                self.check_value(q, w, (*where, i))
            want = tuple(want)
        else:
            self.check_value(q, want, where)
        return Leaf("question", str(name), op, want)

    def check_value(self, q: Question, want: object, where: yamlsrc.Path) -> None:
        """`want` must be a value question `q` can take."""
        if kind_of(q).options == "none":
            if not kind_of(q).takes(q, want):
                self.error(where, f"{q.id!r} takes text, not {_kind(want)}")
            return
        values = [o.value for o in q.options]
        if not kind_of(q).takes(q, want):
            shown = ", ".join(_show(v) for v in values)
            self.error(where, f"{q.id!r} cannot be {_show(want)} (it takes {shown})")

    def check_count(self, want: object, where: yamlsrc.Path) -> None:
        if isinstance(want, bool) or not isinstance(want, int) or want < 0:
            self.error(where, f"expected a whole number, got {_kind(want)}")

    def result_leaf(self, name: object, op: str, want: object, path: yamlsrc.Path) -> Leaf | None:
        where = (*path, op)
        if name not in FACTS:
            self.error(
                (*path, "result"),
                f"{show_value(name)} is not a result name{did_you_mean(name, FACTS)}",
            )
            return None
        assert isinstance(name, str)
        fact = FACTS[name]
        if op not in fact.ops:
            self.error(
                where,
                f"{show_value(op)} does not apply to {show_value(name)} "
                f"(use {', '.join(fact.ops)})",
            )
            return None
        wants = list(want) if op == "in" and isinstance(want, list) else [want]
        if op == "in" and not isinstance(want, list):
            self.error(where, "expected a list of values")
            return None
        check = self.result_check(fact, op)
        for i, w in enumerate(wants):
            problem = check(w)
            if problem:
                self.error((*where, i) if op == "in" else where, problem)
        return Leaf("result", name, op, tuple(want) if isinstance(want, list) else want)

    def result_check(self, fact: Fact, op: str) -> Callable[[object], str | None]:
        """What a condition may compare `fact` with, by the kind of value it holds."""

        def whole(w: object) -> str | None:
            if isinstance(w, bool) or not isinstance(w, int) or w < 0:
                return f"expected a whole number, got {_kind(w)}"
            return None

        def among(choices: list[str], what: str) -> Callable[[object], str | None]:
            def check(w: object) -> str | None:
                if w not in choices:
                    return f"{show_value(w)} is not a {what}{did_you_mean(w, choices)}"
                return None

            return check

        def yes_no(w: object) -> str | None:
            return None if isinstance(w, bool) else f"expected true or false, got {_kind(w)}"

        takes = fact.takes
        if op == "at_least" and takes in ("criteria", "flags"):  # how many
            return whole
        match takes:
            case "severity":
                return among([s.value for s in Severity], "severity")
            case "number":
                return whole
            case "criteria":
                return among(list(CRITERIA), "criterion")
            case "flags":
                return among(self.flag_ids, "flag")
            case "band":
                scale = self.scales.get(WITHDRAWAL_SCALE)
                return among([b.label for b in scale.bands] if scale else [], "withdrawal band")
            case "yes_no":
                return yes_no
            case _:
                assert_never(takes)

    # --- results: flags, referrals, caveats, emergency, helplines -----------------------

    def read_flags(self, value: object) -> list[Flag]:
        out: list[Flag] = []
        for i, item in enumerate(self.items(value, ("flags",), required=False)):
            path: yamlsrc.Path = ("flags", i)
            keys = {"id", "label", "detail", "when", "source"}
            m = self.mapping(item, path, keys, ("id", "label", "when"))
            if m is None:
                continue
            fid = self.ident(m, "id", path)
            if fid in self.flag_ids:
                self.error((*path, "id"), f"duplicate flag id {show_value(fid)}")
            self.flag_ids.append(fid)
            when = self.condition(m.get("when"), (*path, "when"), self.questions)
            if when is None:
                continue
            out.append(
                Flag(
                    id=fid,
                    label=self.text(m, "label", path),
                    detail=self.text(m, "detail", path, required=False),
                    when=when,
                    source=self.sources(m, path),
                )
            )
        return out

    def read_referrals(self, value: object) -> list[Referral]:
        out: list[Referral] = []
        ids: set[str] = set()
        for i, item in enumerate(self.items(value, ("referrals",), required=False)):
            path: yamlsrc.Path = ("referrals", i)
            keys = {"id", "title", "text", "urgency", "when", "source"}
            m = self.mapping(item, path, keys, ("id", "title", "text", "urgency"))
            if m is None:
                continue
            rid = self.unique(m, path, ids, "referral")
            urgency = self.enum(Urgency, m, "urgency", path) or Urgency.WHEN_READY
            when = self.condition(m.get("when"), (*path, "when"), self.questions, results=True)
            out.append(
                Referral(
                    id=rid,
                    title=self.text(m, "title", path),
                    text=self.text(m, "text", path),
                    urgency=urgency,
                    when=when,
                    source=self.sources(m, path),
                )
            )
        return out

    def read_caveats(self, value: object) -> list[Caveat]:
        out: list[Caveat] = []
        ids: set[str] = set()
        for i, item in enumerate(self.items(value, ("caveats",), required=False)):
            path: yamlsrc.Path = ("caveats", i)
            m = self.mapping(item, path, {"id", "text", "when", "source"}, ("id", "text"))
            if m is None:
                continue
            out.append(
                Caveat(
                    id=self.unique(m, path, ids, "caveat"),
                    text=self.text(m, "text", path),
                    when=self.condition(
                        m.get("when"), (*path, "when"), self.questions, results=True
                    ),
                    source=self.sources(m, path),
                )
            )
        return out

    def unique(self, m: Mapping[str, Any], path: yamlsrc.Path, seen: set[str], what: str) -> str:
        ident = self.ident(m, "id", path)
        if ident in seen:
            self.error((*path, "id"), f"duplicate {what} id {show_value(ident)}")
        seen.add(ident)
        return ident

    def read_emergency(self, value: object) -> Emergency:
        path: yamlsrc.Path = ("emergency",)
        if value is None:
            self.error(path, "the bank needs an emergency block (overdose signs and what to do)")
            return Emergency("", (), (), "", ())
        keys = {"title", "signs", "steps", "note", "source"}
        m = self.mapping(value, path, keys, ("title", "signs", "steps")) or {}
        return Emergency(
            title=self.text(m, "title", path),
            signs=self.text_list(m.get("signs"), (*path, "signs")),
            steps=self.text_list(m.get("steps"), (*path, "steps")),
            note=self.text(m, "note", path, required=False),
            source=self.sources(m, path),
        )

    def text_list(self, value: object, path: yamlsrc.Path) -> tuple[str, ...]:
        out = []
        for i, item in enumerate(self.items(value, path)):
            if not isinstance(item, str) or not item.strip():
                self.error((*path, i), f"expected text, got {_kind(item)}")
            else:
                out.append(clean(item).strip())
        return tuple(out)

    def read_helplines(self, value: object) -> list[Helpline]:
        out: list[Helpline] = []
        ids: set[str] = set()
        items = self.items(value, ("helplines",), required=False)
        if not items:
            self.error(("helplines",), "the bank needs at least one helpline")
        for i, item in enumerate(items):
            path: yamlsrc.Path = ("helplines", i)
            keys = {"id", "name", "contact", "detail", "source"}
            m = self.mapping(item, path, keys, ("id", "name", "contact"))
            if m is None:
                continue
            out.append(
                Helpline(
                    id=self.unique(m, path, ids, "helpline"),
                    name=self.text(m, "name", path),
                    contact=self.text(m, "contact", path),
                    detail=self.text(m, "detail", path, required=False),
                    source=self.sources(m, path),
                )
            )
        return out


def _question_ids(sections: object) -> set[str]:
    """Every question id in raw section data, read before validation."""
    if not isinstance(sections, list):
        return set()
    return {
        q["id"]
        for s in sections
        if isinstance(s, dict) and isinstance(s.get("questions"), list)
        for q in s["questions"]
        if isinstance(q, dict) and isinstance(q.get("id"), str)
    }


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {show_value(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _show(value: object) -> str:
    return show_value(value)
