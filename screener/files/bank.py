"""Find, load and validate a question bank into a `Bank`; every problem is `FILE:LINE: path: msg`.

It never prints: problems are collected (every one, up to problems.MAX_PROBLEMS) and raised
together as one BankError, so `screener validate` can list them and every other command can
refuse a bad bank before it asks anything.

The reader is built in layers, one per part of the bank: bank_fields (typed access to any
value), bank_conditions (`show_if`, `overridden_if`, `when`), bank_results (flags, referrals,
caveats, emergency, helplines), bank_questions (sections and questions), bank_checks (checks
across the parts), and here the bank's structure: its top, perspectives, sources, criteria
and scales, read in order into a Bank.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

from screener import i18n
from screener.core.model import (
    CRITERIA,
    WITHDRAWAL_SCALE,
    Band,
    Bank,
    Option,
    Scale,
    Source,
    version_key,
)
from screener.core.safetext import clean, one_line, show_value
from screener.errors import BankError
from screener.files import bank_language, prepared, yamlsrc
from screener.files.bank_checks import Checks
from screener.files.bank_fields import ID, value_in_words
from screener.files.bank_questions import QUESTION_KEYS as QUESTION_KEYS  # the schema's test
from screener.files.bank_questions import SECTION_KEYS as SECTION_KEYS
from screener.files.prepared import BANK_FILE as BANK_FILE  # where the built-in bank is
from screener.files.prepared import SCHEMA_FILE as SCHEMA_FILE
from screener.files.prepared import default_path as default_path
from screener.files.problems import Hint, Problems, at
from screener.files.readfile import read_text
from screener.i18n import _

BANK_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")  # used with fullmatch
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s|]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

TOP_KEYS = {
    "id", "version", "title", "canonical", "publisher", "date", "language", "languages",
    "perspectives", "sources", "criteria", "scales", "sections", "flags", "referrals", "caveats",
    "emergency", "helplines",
}  # fmt: skip


# The text of a bank's translation file for a language, and its name for messages.
Translations: TypeAlias = Callable[[str], tuple[str, str]]


def load_bank(
    path: Path | None = None, language: str | None = None, every_language: bool = False
) -> Bank:
    """Read and validate a bank, in `language` (the language in use unless given) when it has
    that language. Raises BankError listing every problem found. `every_language` also checks
    every translation the bank declares, and counts a text one of them lacks as a problem
    (`screener validate`). The built-in bank (no `path`) comes from its prepared form while
    that is current (screener.files.prepared), which only `validate` looks past."""
    if path is None and not every_language:
        ready = prepared.read(i18n.language() if language is None else language)
        if ready is not None:
            return ready
    path = path or default_path()
    name = one_line(str(path))

    def translation(code: str) -> tuple[str, str]:
        where = path.with_name(bank_language.file_name(path.name, code))
        return read_text(where, "translation", BankError), one_line(str(where))

    return parse_bank(
        read_text(path, "bank", BankError),
        name,
        i18n.language() if language is None else language,
        translation,
        every_language,
    )


def parse_bank(
    text: str,
    filename: str = BANK_FILE,
    language: str | None = None,
    translations: Translations | None = None,
    every_language: bool = False,
) -> Bank:
    """Validate bank text; `filename` is only used in messages. With `language` (one the bank
    declares) and `translations` to read its file, the bank comes in that language."""
    doc = _parse(text, filename)
    if translations is not None and language is not None and not every_language:
        # The usual case of a run in another language, read once: the translated data. Only
        # if that finds a problem is the bank read as it is, to say where it lies.
        quick = _declared(doc, language)
        if quick:
            translated, found, _ = _translated(quick, doc, filename, language, translations)
            if translated is not None and not found and not doc.problems:
                return translated
    reader = _Reader(filename, doc)
    reader.problems.add_all(doc.problems)
    bank = reader.bank(doc.data)
    if reader.problems or bank is None:
        raise BankError(reader.problems.lines() or [at(filename, 1, _("the bank is empty"))])
    if translations is None:
        return bank
    wanted = [language] if language in bank.languages[1:] else []
    if every_language:
        wanted = list(bank.languages[1:])
    problems: list[str] = []
    warnings: list[str] = []
    shown = bank
    for code in wanted:
        translated, found, missing = _translated(
            bank.id, doc, filename, code, translations, every_language
        )
        problems += found
        warnings += missing
        if code == language and translated is not None:
            shown = translated
    if problems:
        raise BankError(problems)
    return shown._replace(warnings=(*bank.warnings, *warnings)) if warnings else shown


def _declared(doc: yamlsrc.Located, language: str) -> str:
    """The bank's id when its raw data declares `language` as one of its translations."""
    data = doc.data
    if not isinstance(data, dict):
        return ""
    languages, own = data.get("languages"), data.get("language") or "en"
    if not isinstance(languages, list) or language not in languages or language == own:
        return ""
    return str(data.get("id"))


def _parse(text: str, filename: str) -> yamlsrc.Located:
    try:
        return yamlsrc.load(text)
    except yamlsrc.ParseError as exc:
        message = _("not valid YAML: {problem}").format(problem=exc.message)
        raise BankError([at(filename, exc.line or 1, message)]) from None


def _translated(
    bank_id: str,
    doc: yamlsrc.Located,
    filename: str,
    language: str,
    translations: Translations,
    strict: bool = False,
) -> tuple[Bank | None, list[str], list[str]]:
    """The bank in `language` from its translation file, the problems found, and (`strict`)
    one warning for each text the translation lacks, at its line in the bank file."""
    text, name = translations(language)
    overlay = bank_language.Overlay(
        doc.data,
        language,
        name,
        _parse(text, name),
        bank_id,
        checking=strict,
        own_codes=i18n.TEXT_CODES.get(language, frozenset()),
    )
    data = overlay.apply()
    warnings: list[str] = []
    if strict and (overlay.missing or overlay.stale):
        noted = Problems(filename, doc)
        for path, there in overlay.missing:
            said = _("no {language} text: add {place} to {file}").format(
                language=language, place=there, file=name
            )
            noted.add(path, _("warning: {message}"), message=said)
        for path, there in overlay.stale:
            said = _(
                "changed since its {language} text was written: check {place} in {file}, "
                "then update its mark under translated_from"
            ).format(language=language, place=there, file=name)
            noted.add(path, _("warning: {message}"), message=said)
        warnings = noted.lines()
    problems = overlay.problems.lines()
    if problems:
        return None, problems, warnings
    reader = _Reader(filename, yamlsrc.Located(data, doc.lines, []))
    translated = reader.bank(data)
    if reader.problems or translated is None:  # the bank, or what the translation says in it
        return None, reader.problems.lines(), warnings
    untranslated = tuple(there for _path, there in overlay.missing)
    return translated._replace(language=language, untranslated=untranslated), [], warnings


class _Reader(Checks):
    """Builds the Bank while collecting every problem with its place."""

    def __init__(self, filename: str, doc: yamlsrc.Located) -> None:
        super().__init__(filename, doc)
        self.source_ids: set[str] = set()

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
        self.check_perspectives_asked(sections)
        flags = self.read_flags(top.get("flags"))
        referrals = self.read_referrals(top.get("referrals"))
        caveats = self.read_caveats(top.get("caveats"))
        self.check_every_question_is_read(sections, [*flags, *referrals, *caveats])
        emergency = self.read_emergency(top.get("emergency"))
        helplines = self.read_helplines(top.get("helplines"))
        self.check_sources_used()
        version = self.version(top.get("version"))
        language = self.text(top, "language", (), required=False) or "en"
        titles = self.wording(top, "title", ())
        title = titles if isinstance(titles, str) else next(iter(titles.values()), "")
        return Bank(
            id=self.bank_id(top),
            version=str(version),
            title=title,
            titles=MappingProxyType({} if isinstance(titles, str) else dict(titles)),
            canonical=self.canonical(top),
            publisher=self.text(top, "publisher", (), required=False),
            date=self.bank_date(top.get("date")),
            language=language,
            languages=self.languages(top.get("languages"), language),
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
            warnings=tuple(self.warnings.lines()),
        )

    def check_sources_used(self) -> None:
        """Every source a part cites is one the bank lists."""
        for where, sid in self.source_uses:
            if sid not in self.source_ids:
                self.error(
                    where,
                    _("{value} is not in sources{hint}"),
                    value=show_value(sid),
                    hint=Hint(sid, self.source_ids),
                )

    def version(self, version: object) -> object:
        """The bank's version as given, checked: quoted text, and no question changed later."""
        if version is not None and not isinstance(version, str):
            self.error(
                ("version",),
                _('expected quoted text like "1.0.0", got {value}'),
                value=value_in_words(version),
            )
        elif isinstance(version, str) and clean(version) != version:
            self.error(("version",), _("must not contain control characters"))
        elif isinstance(version, str):
            for q in self.questions.values():
                if q.changed_in and version_key(q.changed_in) > version_key(version):
                    self.error(
                        self.question_path(q, "changed_in"),
                        _("{value} is later than the bank's version {version}"),
                        value=show_value(q.changed_in),
                        version=show_value(version),
                    )
        return version

    def bank_id(self, top: Mapping[str, Any]) -> str:
        value = top.get("id")
        if not isinstance(value, str) or not BANK_ID.fullmatch(value):
            self.error(
                ("id",),
                _("{value} is not a valid bank id (lowercase letters, digits, . _ -)"),
                value=show_value(value),
            )
        return str(value)

    def languages(self, value: object, own: str) -> tuple[str, ...]:
        """The languages the bank has words in, its own first; each other one's words are in
        a translation file beside the bank (docs/bank.md, "The bank in other languages")."""
        if value is None:
            return (own,)
        out = [own]
        for i, code in enumerate(self.items(value, ("languages",))):
            if not isinstance(code, str) or not bank_language.LANGUAGE_CODE.fullmatch(code):
                self.error(
                    ("languages", i),
                    _("{value} is not a language code (two or three lowercase letters, like es)"),
                    value=show_value(code),
                )
            elif code not in out:
                out.append(code)
        if isinstance(value, list) and own not in value:
            self.error(
                ("languages",),
                _("list the bank's own language, {language}, among its languages"),
                language=own,
            )
        return tuple(out)

    def canonical(self, top: Mapping[str, Any]) -> str:
        """The bank's canonical URI (FHIR `Questionnaire.url`); empty means derived from the id."""
        value = top.get("canonical")
        if value is None:
            return ""
        if not isinstance(value, str) or not _URI.fullmatch(value):
            self.error(
                ("canonical",),
                _(
                    "expected an absolute URI without spaces or '|', like "
                    "'https://clinic.example/fhir/Questionnaire/oud' or 'urn:clinic:oud', "
                    "got {value}"
                ),
                value=show_value(value),
            )
            return ""
        return value

    def bank_date(self, value: object) -> str:
        """When the bank last changed, as YYYY-MM-DD (YAML reads an unquoted one as a date)."""
        if value is None:
            return ""
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                if _DATE.fullmatch(value):
                    return date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.error(
            ("date",),
            _("expected a date like 2026-12-01, got {value}"),
            value=value_in_words(value),
        )
        return ""

    def read_perspectives(self, value: object) -> dict[str, str]:
        if value is None:
            return {"self": "Myself"}  # bank content, in the bank's language: not a message
        m = self.mapping(value, ("perspectives",), set(value) if isinstance(value, dict) else set())
        out: dict[str, str] = {}
        for key in m or {}:
            if not isinstance(key, str) or not ID.fullmatch(key):
                self.error(
                    ("perspectives", key),
                    _("{value} is not a valid perspective id"),
                    value=show_value(key),
                )
            out[str(key)] = self.text(m or {}, key, ("perspectives",))
        if m is not None and not out:
            self.error(("perspectives",), _("declare at least one perspective"))
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
                self.error((*path, "id"), _("duplicate source id {id}"), id=show_value(sid))
            if not m.get("file") and not m.get("ref"):
                self.error(path, _("a source needs a 'file' (an article) or a 'ref' (a reference)"))
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

    # --- scales -------------------------------------------------------------------------

    def read_scales(self, value: object) -> dict[str, Scale]:
        out: dict[str, Scale] = {}
        if value is None:
            return out
        top = self.mapping(value, ("scales",), set(value) if isinstance(value, dict) else set())
        for sid, body in (top or {}).items():
            path: yamlsrc.Path = ("scales", sid)
            if not isinstance(sid, str) or not ID.fullmatch(sid):
                self.error(path, _("{value} is not a valid scale id"), value=show_value(sid))
                continue
            keys = {"title", "formal_name", "counted", "items", "options", "bands", "source"}
            m = self.mapping(body, path, keys, ("title", "options"))
            if m is None:
                continue
            options = self.scale_options(m.get("options"), (*path, "options"))
            counted = self.flag(m, "counted", path)
            items = m.get("items", 0)
            if isinstance(items, bool) or not isinstance(items, int) or items < 0:
                self.error(
                    (*path, "items"),
                    _("expected a whole number, got {value}"),
                    value=value_in_words(items),
                )
                items = 0
            if counted and items == 0:
                self.error(path, _("a counted scale needs 'items': how many questions it has"))
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
                formal_name=self.text(m, "formal_name", path, required=False),
            )
        if WITHDRAWAL_SCALE in out and not out[WITHDRAWAL_SCALE].counted:
            self.error(
                ("scales", WITHDRAWAL_SCALE, "counted"), _("the withdrawal scale must be counted")
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
                if isinstance(v, bool):
                    message = _(
                        "scale values are whole numbers 0-4, got {value} "
                        "(YAML reads yes/no/on/off as true/false)"
                    )
                else:
                    message = _("scale values are whole numbers 0-4, got {value}")
                self.error((*path, i, "value"), message, value=show_value(v))
                continue
            if any(o.value == v for o in out):
                self.error((*path, i, "value"), _("duplicate scale value {value}"), value=v)
            out.append(Option(v, self.text(m, "label", (*path, i))))
        if value is not None and not out:
            self.error(path, _("a scale needs at least two options"))
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
            r = self.mapping(item, where, {"min", "max", "label", "text"}, ("min", "max", "label"))
            if r is None:
                continue
            lo, hi = r.get("min"), r.get("max")
            if not all(isinstance(x, int) and not isinstance(x, bool) for x in (lo, hi)):
                self.error(where, _("min and max must be whole numbers"))
                continue
            assert isinstance(lo, int) and isinstance(hi, int)
            if lo != expect or hi < lo:
                self.error(
                    where, _("ranges must run on without gaps: expected min {min}"), min=expect
                )
            expect = hi + 1
            label = self.text(r, "label", where)
            bands.append(Band(lo, hi, label, self.text(r, "text", where, required=False)))
        if bands and expect - 1 != total:
            self.error(
                (*path, "ranges"), _("ranges must end at the scale total, {total}"), total=total
            )
        return tuple(bands), self.text(m, "note", path, required=False), self.sources(m, path)


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
