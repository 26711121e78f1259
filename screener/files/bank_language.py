"""A bank's text in another language: the translation file beside it, laid over its words.

A bank that declares `languages: [en, es]` keeps its Spanish words in `questions.es.yaml`
beside `questions.yaml` (the bank's file name with the language before `.yaml`). That file
holds words only, each keyed by the id of what it belongs to (a question, an option value, a
flag, a referral...), never a condition, a source list or a number: a translated text belongs
to the same record as its English one, so it cites the same sources and follows the same rules
by construction. The English bank stays the one file that says what is asked and when.

`Overlay` checks the translation file against the bank (every problem at its line in the
translation file) and gives the bank's raw data with each text replaced by its translation;
the bank reader then reads that as it reads any bank. A text of the bank that the translation
does not have is listed in `missing`, by its place in the bank file: `screener validate` reports
each one, and a run shows the bank's own words for it. Nothing here prints or reads files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from screener.core.safetext import show_value
from screener.files import yamlsrc
from screener.files.prepared import translation_name
from screener.files.problems import Hint, Problems
from screener.i18n import _

FORMAT = "screener-bank-translation/1"
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # used with fullmatch

TOP_KEYS = (
    "format", "bank", "language", "title", "publisher", "perspectives", "sources", "criteria",
    "scales", "sections", "questions", "flags", "referrals", "caveats", "emergency", "helplines",
    "translated_from",
)  # fmt: skip
MARKS = "translated_from"
MARK = re.compile(r"[0-9a-f]{8}")  # used with fullmatch

# The words of each record, by where its records are in the bank: (list in the bank, the
# key that identifies an item, its text fields).
RECORDS = {
    "flags": ("label", "detail"),
    "referrals": ("title", "brief", "text"),
    "caveats": ("text",),
    "helplines": ("name", "contact", "brief", "detail"),
}


file_name = translation_name  # `questions.yaml` -> `questions.es.yaml`


class Overlay:
    """The translation in `doc` (its file called `filename`) laid over the bank's raw data."""

    def __init__(
        self,
        base: Any,
        language: str,
        filename: str,
        doc: yamlsrc.Located,
        bank_id: str,
        checking: bool = True,
        own_codes: frozenset[str] = frozenset(),
    ) -> None:
        """`checking`: compare each text's English with its mark (`validate`, the tool); a
        run skips it, and the hashing with it. `own_codes`: the text codes this language has
        that English has not (AYUDA, for the 988 Lifeline in Spanish)."""
        self.checking = checking
        self.own_codes = own_codes
        self.language = language
        self.problems = Problems(filename, doc)
        self.problems.add_all(doc.problems)
        self.doc = doc
        self.bank_id = bank_id
        # (the text's place in the bank file, its place in the translation file as written)
        self.missing: list[tuple[yamlsrc.Path, str]] = []
        # Texts whose English has changed since they were translated, the same way.
        self.stale: list[tuple[yamlsrc.Path, str]] = []
        # The English each translated text now stands for: its place -> its fingerprint.
        self.translated: dict[str, str] = {}
        self.marks: dict[str, str] | None = None
        self.data: Any = _copied(base)

    # --- reading ------------------------------------------------------------------------

    def apply(self) -> Any:
        """The bank's data with every translated text in place of its own."""
        over = self.mapping(self.doc.data, (), TOP_KEYS)
        if over is None:
            return self.data
        self.header(over)
        self.read_marks(over.get(MARKS))
        base = self.data if isinstance(self.data, dict) else {}
        self.text(base, "title", ("title",), over, ())
        self.text(base, "publisher", ("publisher",), over, ())  # a name, unless it says who
        self.keyed_texts(base, "perspectives", over)
        self.keyed_texts(base, "criteria", over)
        self.sources(base, over)
        self.scales(base, over)
        self.sections(base, over)
        for name, fields in RECORDS.items():
            self.records(base, name, fields, over)
        self.emergency(base, over)
        return self.data

    def header(self, over: Mapping[str, Any]) -> None:
        if over.get("format") != FORMAT:
            self.problems.add(
                ("format",),
                _("expected {expected}, got {value}"),
                expected=FORMAT,
                value=show_value(over.get("format")),
            )
        if over.get("bank") != self.bank_id:
            self.problems.add(
                ("bank",),
                _("this translation is for bank {value}, not {bank}"),
                value=show_value(over.get("bank")),
                bank=show_value(self.bank_id),
            )
        if over.get("language") != self.language:
            self.problems.add(
                ("language",),
                _("expected the language {expected}, as the file name says, got {value}"),
                expected=self.language,
                value=show_value(over.get("language")),
            )

    def read_marks(self, value: object) -> None:
        """`translated_from`: the fingerprint of the English each text was translated from
        (tools/bank_translation.py writes them). Without it, nothing is checked for change."""
        if value is None:
            return
        if not isinstance(value, dict):
            self.problems.add(
                (MARKS,), _("expected a mapping, got {value}"), value=_value_in_words(value)
            )
            return
        self.marks = {}
        for key, mark in value.items():
            if isinstance(key, str) and isinstance(mark, str) and MARK.fullmatch(mark):
                self.marks[key] = mark
            else:
                self.problems.add(
                    (MARKS, key),
                    _("expected a place like questions.craving.text and 8 hex digits"),
                )

    def keyed_texts(self, base: dict[str, Any], name: str, over: Mapping[str, Any]) -> None:
        """A mapping of key -> text in the bank (perspectives, criteria): the same keys here."""
        texts = base.get(name)
        if not isinstance(texts, dict):
            return
        given = self.mapping(over.get(name), (name,), texts, optional=name not in over)
        for key in texts:
            self.text(texts, key, (name, key), given, (name,))

    def sources(self, base: dict[str, Any], over: Mapping[str, Any]) -> None:
        items = _by_id(base.get("sources"), "id")
        given = self.mapping(
            over.get("sources"), ("sources",), items, optional="sources" not in over
        )
        for sid, (i, item) in items.items():
            entry = self.entry(given, sid, ("sources",), ("title", "ref"))
            for key in ("title", "ref"):
                self.text(item, key, ("sources", i, key), entry, ("sources", sid))

    def scales(self, base: dict[str, Any], over: Mapping[str, Any]) -> None:
        scales = base.get("scales")
        if not isinstance(scales, dict):
            return
        given = self.mapping(over.get("scales"), ("scales",), scales, optional="scales" not in over)
        for sid, scale in scales.items():
            if not isinstance(scale, dict):
                continue
            where: yamlsrc.Path = ("scales", sid)
            entry = self.entry(
                given, sid, ("scales",), ("title", "formal_name", "options", "bands")
            )
            self.text(scale, "title", (*where, "title"), entry, where)
            self.text(scale, "formal_name", (*where, "formal_name"), entry, where)
            self.labels(scale.get("options"), "value", (*where, "options"), entry, where)
            bands = scale.get("bands")
            if isinstance(bands, dict):
                over_bands = self.entry(entry, "bands", where, ("note", "labels"))
                self.text(bands, "note", (*where, "bands", "note"), over_bands, (*where, "bands"))
                self.labels(
                    bands.get("ranges"),
                    "label",
                    (*where, "bands", "ranges"),
                    over_bands,
                    (*where, "bands"),
                    into="text",
                )

    def sections(self, base: dict[str, Any], over: Mapping[str, Any]) -> None:
        sections = base.get("sections")
        if not isinstance(sections, list):
            return
        section_ids = _by_id(sections, "id")
        questions: dict[str, tuple[yamlsrc.Path, dict[str, Any]]] = {}
        for i, section in enumerate(sections):
            if isinstance(section, dict) and isinstance(section.get("questions"), list):
                for j, q in enumerate(section["questions"]):
                    if isinstance(q, dict) and isinstance(q.get("id"), str):
                        questions.setdefault(q["id"], (("sections", i, "questions", j), q))
        given = self.mapping(
            over.get("sections"), ("sections",), section_ids, optional="sections" not in over
        )
        for sid, (i, section) in section_ids.items():
            entry = self.entry(given, sid, ("sections",), ("title", "intro"))
            for key in ("title", "intro"):
                self.text(section, key, ("sections", i, key), entry, ("sections", sid))
        given = self.mapping(
            over.get("questions"), ("questions",), questions, optional="questions" not in over
        )
        for qid, (path, q) in questions.items():
            where: yamlsrc.Path = ("questions", qid)
            entry = self.entry(given, qid, ("questions",), ("text", "short", "why", "options"))
            for key in ("text", "short", "why"):
                self.text(q, key, (*path, key), entry, where)
            self.labels(q.get("options"), "value", (*path, "options"), entry, where)

    def records(
        self, base: dict[str, Any], name: str, fields: tuple[str, ...], over: Mapping[str, Any]
    ) -> None:
        items = _by_id(base.get(name), "id")
        given = self.mapping(over.get(name), (name,), items, optional=name not in over)
        for rid, (i, item) in items.items():
            entry = self.entry(given, rid, (name,), fields)
            for key in fields:
                self.text(item, key, (name, i, key), entry, (name, rid))

    def emergency(self, base: dict[str, Any], over: Mapping[str, Any]) -> None:
        block = base.get("emergency")
        if not isinstance(block, dict):
            return
        keys = ("title", "brief", "signs", "steps", "note")
        entry = self.mapping(
            over.get("emergency"), ("emergency",), keys, optional="emergency" not in over
        )
        for key in ("title", "brief", "note"):
            self.text(block, key, ("emergency", key), entry, ("emergency",))
        for key in ("signs", "steps"):
            self.text_list(block, key, entry)

    # --- the pieces ---------------------------------------------------------------------

    def mapping(
        self,
        value: object,
        path: yamlsrc.Path,
        allowed: Mapping[Any, Any] | tuple[str, ...],
        optional: bool = False,
    ) -> dict[Any, Any] | None:
        """A mapping of the translation whose keys must be among `allowed` (ids, or keys)."""
        if value is None:
            if not optional:
                self.problems.add(path, _("must not be empty"))
            return None
        if not isinstance(value, dict):
            self.problems.add(
                path, _("expected a mapping, got {value}"), value=_value_in_words(value)
            )
            return None
        names = [str(k) for k in allowed]
        for key in value:
            if key not in allowed and str(key) not in names:
                self.problems.add(
                    (*path, key),
                    _("{value} is not in the bank{hint}"),
                    value=show_value(key),
                    hint=Hint(key, names),
                )
        return value

    def entry(
        self,
        given: Mapping[Any, Any] | None,
        key: Any,
        path: yamlsrc.Path,
        fields: tuple[str, ...],
    ) -> dict[Any, Any] | None:
        """The translation of one record (a mapping of its fields), if there is one."""
        value = _get(given, key)
        if value is None:
            return None
        return self.mapping(value, (*path, key), fields)

    def text(
        self,
        base: dict[Any, Any],
        key: Any,
        base_path: yamlsrc.Path,
        over: Mapping[Any, Any] | None,
        over_path: yamlsrc.Path,
        into: str | None = None,
    ) -> None:
        """Put the translation of `base[key]`, which `over` holds under the same key, in its
        place (or in `into` beside it), or note it missing."""
        given = _get(over, key)
        self.put(base, key, base_path, given, (*over_path, key), into)

    def put(
        self,
        base: dict[Any, Any],
        key: Any,
        base_path: yamlsrc.Path,
        given: object,
        where: yamlsrc.Path,
        into: str | None = None,
    ) -> None:
        own = base.get(key)
        if isinstance(own, dict):  # one text per perspective
            if given is not None and not isinstance(given, dict):
                self.problems.add(
                    where,
                    _("expected one text per perspective ({names}), as the bank has"),
                    names=", ".join(map(str, own)),
                )
                given = None
            per = self.mapping(given, where, own, optional=True)
            for perspective in own:
                self.text(own, perspective, (*base_path, perspective), per, where)
            return
        if not isinstance(own, str) or not own.strip():
            if given is not None:
                self.problems.add(where, _("the bank has no text here to translate"))
            return
        if given is None:
            self.missing.append((base_path, yamlsrc.format_path(where)))
            return
        if not isinstance(given, str) or not given.strip():
            self.problems.add(where, _("expected text, got {value}"), value=_value_in_words(given))
            return
        self.facts(own, given, where)
        if self.checking:
            place = yamlsrc.format_path(where)
            mark = fingerprint(own)
            self.translated[place] = mark
            if self.marks is not None and self.marks.get(place) != mark:
                self.stale.append((base_path, place))
        base[into or key] = given

    def facts(self, own: str, given: str, where: yamlsrc.Path) -> None:
        """Numbers are facts, not words to translate: a translation gives the phone numbers
        (911, 988, 1-800-...) its English text gives, no other, and its text codes (START)."""
        mine, theirs = phone_numbers(own), phone_numbers(given)
        if mine != theirs:
            self.problems.add(
                where,
                _("the phone numbers differ from the English text's ({english}): {given}"),
                english=", ".join(sorted(mine)) or _("none"),
                given=", ".join(sorted(theirs)) or _("none"),
            )
        for code in SENT_CODE.findall(own):
            if not re.search(rf"\b{code}\b", given):
                self.problems.add(
                    where, _("the English text's text code {code} is missing"), code=code
                )
        for code in sorted(codes_sent(given)):
            if not re.search(rf"\b{code}\b", own) and code not in self.own_codes:
                self.problems.add(
                    where,
                    _("{code} is not a text code of the English text, nor one of {language}'s own"),
                    code=show_value(code),
                    language=self.language,
                )

    def labels(
        self,
        items: object,
        key: str,
        base_path: yamlsrc.Path,
        over: Mapping[Any, Any] | None,
        over_path: yamlsrc.Path,
        into: str | None = None,
    ) -> None:
        """The labels of a list of options keyed by their value (`options`), or of bands
        keyed by their label, which is their id (`labels`, shown in their `text`)."""
        if not isinstance(items, list):
            return
        by_key = {
            item[key]: (i, item)
            for i, item in enumerate(items)
            if isinstance(item, dict)
            and isinstance(item.get(key), str | int)
            and not isinstance(item.get(key), bool)
        }
        name = "labels" if into else "options"
        labels = self.mapping(_get(over, name), (*over_path, name), by_key, optional=True)
        for value, (i, item) in by_key.items():
            self.put(
                item,
                "label",
                (*base_path, i, "label"),
                _get(labels, value),
                (*over_path, name, value),
                into=into,
            )

    def text_list(self, block: dict[str, Any], key: str, over: Mapping[Any, Any] | None) -> None:
        """A list of texts (overdose signs, steps): the same number, in the same order."""
        own = block.get(key)
        if not isinstance(own, list):
            return
        given = over.get(key) if over is not None else None
        where: yamlsrc.Path = ("emergency", key)
        if given is None:
            self.missing += [
                (("emergency", key, i), yamlsrc.format_path((*where, i))) for i in range(len(own))
            ]
            return
        if not isinstance(given, list) or len(given) != len(own):
            self.problems.add(
                where,
                _("expected a list of {n} texts, one for each in the bank, in its order"),
                n=len(own),
            )
            return
        holder = dict(enumerate(own))  # each item as put() takes a text, marks and all
        for i, text in enumerate(given):
            self.put(holder, i, (*where, i), text, (*where, i))
            own[i] = holder[i]


# A phone number: 1-800-662-4357 (or a keypad spelling, 1-800-662-HELP), 800-662-4357, a
# three-digit number (911, 988) and a five-digit number for text messages (88788). Years,
# pages (293-308) and ids (PMC5690811) are not.
PHONE = re.compile(
    r"(?<![\w-])(?:1-\d{3}-[0-9A-Z]{3}-[0-9A-Z]{4}|\d{3}-\d{3}-\d{4}|\d{3}|\d{5})(?![\w-])"
)
_KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")
# A text code in the bank's English: "text START to 88788".
SENT_CODE = re.compile(r"\btext ([A-Z]{3,})\b")
# In any language, a word in capitals in the same clause before a number ("envíe AYUDA por
# mensaje de texto al 988"): what a reader would send.
_CAPITALS = re.compile(r"\b[A-ZÁÉÍÓÚÑÜ]{3,}\b")
_CLAUSE_END = re.compile(r"[.;:,()\n]")


def phone_numbers(text: str) -> set[str]:
    """The phone numbers a text gives, spelled ones in digits (1-800-662-HELP: 1-800-662-4357)."""
    return {m.group(0).translate(_KEYPAD) for m in PHONE.finditer(text)}


def codes_sent(text: str) -> set[str]:
    """The words in capitals in the clause before each phone number of a text."""
    found: set[str] = set()
    for number in PHONE.finditer(text):
        before = text[: number.start()]
        ends = [end.end() for end in _CLAUSE_END.finditer(before)]
        found.update(_CAPITALS.findall(before[ends[-1] if ends else 0 :]))
    return found


def fingerprint(text: str) -> str:
    """Eight hex digits that change when the words of `text` change (not its line breaks)."""
    import hashlib  # only where marks are checked: not on the way to a first screen

    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:8]


def _get(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """`mapping[key]`; a number key also as text (YAML reads `0:` as a number, `"0":` not)."""
    if mapping is None:
        return None
    value = mapping.get(key)
    if value is None and not isinstance(key, str):
        value = mapping.get(str(key))
    return value


def _by_id(items: object, key: str) -> dict[Any, tuple[int, dict[str, Any]]]:
    """The items of a list in the bank by their id (the first of each), with their index."""
    out: dict[Any, tuple[int, dict[str, Any]]] = {}
    if isinstance(items, list):
        for i, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get(key), str):
                out.setdefault(item[key], (i, item))
    return out


def _value_in_words(value: object) -> str:
    from screener.files.bank_fields import value_in_words

    return value_in_words(value)


def _copied(value: Any) -> Any:
    """A copy of parsed data to write translations into: its mappings and lists are new, its
    scalars (immutable) shared. Four times quicker than `copy.deepcopy`, which a run in
    another language pays before its first screen; the data holds no cycles (yamlsrc expands
    aliases into copies, bounded)."""
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value
