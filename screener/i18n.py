"""The program's own words: gettext catalogs, one per language, and the calls that read them.

Every sentence screener itself says (prompts, key hints, headings, labels, errors, result
sentences) goes through `_`, `ngettext` or `pgettext`; the bank holds the rest. Messages are
English source text with named `{placeholders}` filled by `str.format` after translation, so a
translation may move them. `N_` marks a message kept in a table, translated where it is used.

The catalogs are the `.po` files translators' tools read and write (Poedit, Weblate), in
`screener/locale/LANG/LC_MESSAGES/screener.po`, with `screener.pot` beside them as the template
(`python tools/catalog.py` rebuilds it from the code). English is the source text itself: it
needs no catalog, so an English run loads nothing. Another language's `.po` is read straight
into a `Catalog` that answers as gettext's reader of a compiled `.mo` file does (a test holds
the two to the same answers for every message): no build step, so a wheel, an editable install
and a source checkout find the same files, and reading 570 messages takes about as long as
gettext takes to load their `.mo`.

A language is files only: its catalog here, its bank overlay beside the bank
(`questions.LANG.yaml`) and its code in the bank's `languages`. `LANGUAGES` is read from this
folder, and what a language says about itself (its name, how to switch to it, its helplines'
own text codes) is four messages of its own catalog (OWN_NAME...), so no table here names one.
A plural form a catalog leaves empty is read in English, never as an empty string.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "screener"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

SOURCE = "en"
# The environment variables that name a language, in the order gettext reads them: the first
# one set decides (LANGUAGE may list several, like `es_MX:es:en`, the first one known wins).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
LANG_OPTION = "--lang"
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # a language's folder in LOCALE_DIR, fullmatched


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now."""
    return message


def Np_(context: str, message: str) -> tuple[str, str]:
    """Mark a message with a context for the catalog; `pgettext(*pair)` translates it."""
    return context, message


# What a language says about itself, as messages of its own catalog (so that a language is its
# files only): its name in itself for a choice of languages ("Español"), its name in English,
# which every catalog translates like any message ("Spanish": "español"), how to switch to it
# said in it ("En español: {command}", followed by `--lang es`), and the text codes a helpline
# answers in it beyond those its English text gives (the 988 Lifeline answers in Spanish to
# AYUDA by text, CLINICAL.md section 9: "AYUDA"; "none" for none). English's are the source
# text itself. A bank's translation may send a reader only these codes and those of its
# English text (files/bank_language.py).
OWN_NAME = Np_("language name, in itself", "English")
ENGLISH_NAME = Np_("language name, in English", "English")
SWITCH_LINE = Np_("how to switch to this language, in itself", "In English: {command}")
OWN_TEXT_CODES = Np_("helpline text codes of this language, or none", "none")
# The source language's name in English, translated by each catalog ("inglés").
SOURCE_NAME = N_("English")


class _Languages(Sequence[str]):
    """The languages screener speaks, English (the source text) first, then each language
    with a catalog in LOCALE_DIR, in order of their codes: read from the folder, so a language
    added there is spoken without a change to the code."""

    def _codes(self) -> tuple[str, ...]:
        return (SOURCE, *_catalog_codes(LOCALE_DIR))

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._codes()[index]

    def __len__(self) -> int:
        return len(self._codes())

    def __contains__(self, code: object) -> bool:
        return code in self._codes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes())

    def __repr__(self) -> str:
        return repr(self._codes())


def _catalog_codes(folder: Path) -> tuple[str, ...]:
    """The codes of the catalogs in `folder`, as the folder is the first time it is asked
    (once a run: a run speaks the languages it started with)."""
    found = _FOUND.get(folder)
    if found is None:
        try:
            entries = list(folder.iterdir())
        except OSError:
            entries = []
        found = _FOUND[folder] = tuple(
            sorted(
                entry.name
                for entry in entries
                if LANGUAGE_CODE.fullmatch(entry.name)
                and entry.name != SOURCE
                and (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
            )
        )
    return found


_FOUND: dict[Path, tuple[str, ...]] = {}

# The languages screener speaks, English first, then those whose catalog is in LOCALE_DIR.
LANGUAGES: Sequence[str] = _Languages()


class _Said(Mapping[str, str]):
    """What each language says of itself (one of the messages above), from its own catalog."""

    def __init__(self, message: tuple[str, str], after: str = "") -> None:
        self.message = message
        self.after = after  # said after it, with {code} for the language's code

    def __getitem__(self, code: str) -> str:
        if code not in LANGUAGES:
            raise KeyError(code)
        said = _about_itself(code, self.message)
        return said + self.after.format(code=code)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


# Each language's name in itself, for a choice of languages: deliberately not translated.
ENDONYMS: Mapping[str, str] = _Said(OWN_NAME)
# How to switch to each language, said in that language (so a person who cannot read the
# screen's language can still find it): "En español: {command} --lang es".
SWITCH: Mapping[str, str] = _Said(SWITCH_LINE, f" {LANG_OPTION} {{code}}")


class _TextCodes(Mapping[str, frozenset[str]]):
    """Each language's own helpline text codes (OWN_TEXT_CODES), from its catalog."""

    def __getitem__(self, code: str) -> frozenset[str]:
        if code not in LANGUAGES:
            raise KeyError(code)
        said = _about_itself(code, OWN_TEXT_CODES)
        return frozenset(w for w in said.split() if w.isalnum() and w.isupper())

    def __iter__(self) -> Iterator[str]:
        return (code for code in LANGUAGES if self[code])

    def __len__(self) -> int:
        return sum(1 for _code in self)


TEXT_CODES: Mapping[str, frozenset[str]] = _TextCodes()

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE
_loaded: dict[tuple[Path, str], gettext.NullTranslations] = {}
_SOURCE_TEXT = gettext.NullTranslations()


def _(message: str) -> str:
    """`message` in the language in use."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the number `n` ("1 of 10 files", "2 of 10 files")."""
    return _active.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` where the same English means different things (a short word, a key)."""
    return _active.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """`ngettext` where the same English means different things."""
    return _active.npgettext(context, singular, plural, n)


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form for the catalog; `ngettext(*pair, n)` translates it."""
    return singular, plural


def language_name(code: str) -> str:
    """A language's name in the language in use ("Spanish", "español"): its name in English
    (ENGLISH_NAME, from its own catalog) as the catalog in use translates it; its code if
    screener does not speak it, or its catalog does not say."""
    if code == SOURCE:
        return _(SOURCE_NAME)
    if code not in LANGUAGES:
        return code
    english = _about_itself(code, ENGLISH_NAME)
    return _(english) if english != ENGLISH_NAME[1] else code


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def use(language: str | None) -> None:
    """Speak `language` from now on (None or "en": the English source text). A catalog is read
    once, the first time its language is used."""
    global _active, _language
    if language in (None, SOURCE):
        _active, _language = gettext.NullTranslations(), SOURCE
        return
    assert language is not None
    _active, _language = _translations(language), language


def _about_itself(code: str, message: tuple[str, str]) -> str:
    """What a language's catalog says for one of the messages about itself (OWN_NAME...):
    from the catalog when it is in use or was read, else from that one entry of its `.po`, so
    that naming Spanish in an English run (the --lang help) does not read the whole catalog."""
    found = _loaded.get((LOCALE_DIR, code))
    if found is not None or code == SOURCE:
        return _translations(code).pgettext(*message)
    text = _catalog_text(catalog_path(code))
    if text is None:
        return message[1]
    at = text.find(f"\nmsgctxt {_quoted(message[0])}\nmsgid {_quoted(message[1])}\n")
    if at < 0:  # written another way (on several lines, say): the catalog decides
        return _translations(code).pgettext(*message)
    start = max(text.rfind("\n\n", 0, at), 0)  # the entry's comments: #, fuzzy
    end = text.find("\n\n", at)
    entry = parse_po(text[start : end if end >= 0 else len(text)])
    return entry.get("\x04".join(message)) or message[1]


def _catalog_text(path: Path) -> str | None:
    """A `.po` file's text, read once a run (an English first screen names Spanish twice: in
    the `--lang` help and in its line to switch); None when it cannot be read."""
    if path not in _TEXTS:
        try:
            _TEXTS[path] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            _TEXTS[path] = None
    return _TEXTS[path]


_TEXTS: dict[Path, str | None] = {}


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _translations(language: str) -> gettext.NullTranslations:
    """A language's catalog, read the first time it is asked for (English: none)."""
    if language == SOURCE:
        return _SOURCE_TEXT
    key = (LOCALE_DIR, language)
    found = _loaded.get(key)
    if found is None:
        found = _loaded[key] = read_catalog(language)
    return found


def prepared_path(language: str) -> Path:
    """The catalog's entries as JSON, beside its `.po` (written by tools/catalog.py)."""
    return catalog_path(language).with_suffix(".json")


def read_catalog(language: str) -> Catalog:
    """A language's catalog: from its prepared entries while they are its `.po`'s own (the
    `.po`'s size and CRC-32 match theirs), else from the `.po` itself, as it is now."""
    import json
    import zlib

    data = catalog_path(language).read_bytes()
    try:
        prepared = json.loads(prepared_path(language).read_bytes())
        if prepared["source"] == [len(data), zlib.crc32(data)]:
            return Catalog(prepared["entries"])
    except (OSError, ValueError, LookupError, TypeError):
        pass  # no prepared entries, or not these: the .po decides
    return load(data.decode("utf-8"))


def prepared_text(po: bytes) -> str:
    """The prepared entries of a `.po` catalog's bytes, as `read_catalog` reads them."""
    import json
    import zlib

    entries = parse_po(po.decode("utf-8"))
    data = {"source": [len(po), zlib.crc32(po)], "entries": entries}
    return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def install(translations: gettext.NullTranslations, language: str = SOURCE) -> None:
    """Speak through `translations` (tests use a made-up catalog); `language` is the code the
    rest of the program sees (which bank text to show), English unless given."""
    global _active, _language
    _active, _language = translations, language


def language() -> str:
    """The code of the language in use: "en", "es"."""
    return _language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` inside the block, then the language spoken before (a summary written
    in another language than the screening)."""
    before = _active, _language
    use(language)
    try:
        yield
    finally:
        _restore(*before)


def _restore(translations: gettext.NullTranslations, code: str) -> None:
    global _active, _language
    _active, _language = translations, code


def known(locale: str) -> str | None:
    """The language of a locale name, if screener speaks it: `es_US.UTF-8`, `es_MX`, `es`
    and `es-419` are "es"; `C`, `POSIX` and languages without a catalog are None."""
    base = locale.strip().split(".", 1)[0].split("@", 1)[0]
    code = re.split(r"[_-]", base, maxsplit=1)[0].lower()
    return code if code in LANGUAGES else None


def from_environment(environ: Mapping[str, str]) -> str:
    """The language the locale variables ask for, as gettext reads them: the first of
    LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides; English if it names none that
    screener speaks."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            for item in value.split(":"):
                code = known(item)
                if code is not None:
                    return code
            return SOURCE
    return SOURCE


def from_arguments(args: Sequence[str]) -> str | None:
    """The language a `--lang LANG` (or `--lang=LANG`) on the command line asks for, the last
    one given that screener speaks; None without one (a `--lang` naming no language screener
    speaks is said wrong by the command line, in the language of an earlier one if any)."""
    if LANG_OPTION not in "\n".join(args):  # most command lines, however long: one look
        return None
    found: str | None = None
    wanted = False
    for arg in args:
        if arg == "--":
            break
        given: str | None = None
        if wanted:
            given, wanted = arg, False
        elif arg == LANG_OPTION:
            wanted = True
        elif arg.startswith(LANG_OPTION + "="):
            given = arg.partition("=")[2]
        if given is not None and given in LANGUAGES:
            found = given
    return found


def either(choices: Sequence[str]) -> str:
    """ "es or en"; "es, fr or en", in the language in use."""
    *first, last = choices
    if not first:
        return last
    return _("{choices} or {last}").format(choices=", ".join(first), last=last)


def choose(args: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of a run: `--lang` first, then the locale variables."""
    return from_arguments(args) or from_environment(environ)


def switch_lines(program: str) -> list[str]:
    """How to switch to each other language, each line in its own language."""
    return [SWITCH[code].format(command=program) for code in LANGUAGES if code != _language]


class Catalog(gettext.NullTranslations):
    """A parsed `.po` catalog, asked as gettext asks a `.mo` file: the same keys, the same
    plural rule (the catalog's `Plural-Forms`), the English source text where a message has
    no translation. Building it from the parsed entries skips the `.mo` round trip.

    A plural form left empty (a partial catalog, or one a tool wrote with `msgstr[1] ""`) is
    the English form for that number, never an empty string."""

    def __init__(self, entries: dict[str, str]) -> None:
        super().__init__()
        self._catalog: dict[str, str] = {}
        self._plurals: dict[str, list[str]] = {}
        for key, value in entries.items():
            if not value or not key:
                continue
            if "\0" in key:
                self._plurals[key.partition("\0")[0]] = value.split("\0")
            else:
                self._catalog[key] = value
        self._plural = _plural_rule(entries.get("", ""))

    def gettext(self, message: str) -> str:
        return self._catalog.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._form(msgid1, msgid1, msgid2, n)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self._form(f"{context}\x04{msgid1}", msgid1, msgid2, n)

    def _form(self, key: str, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plurals.get(key)
        index = self._plural(n)
        form = "" if forms is None else forms[index] if 0 <= index < len(forms) else forms[-1]
        return form or (msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalog.get(f"{context}\x04{message}", message)


def _plural_rule(header: str) -> Callable[[int], int]:
    """The catalog's plural rule from its header (`Plural-Forms: nplurals=2; plural=(n != 1);`),
    as gettext compiles it; English's rule where there is none."""
    for line in header.split("\n"):
        name, _sep, value = line.partition(":")
        if name.strip().lower() == "plural-forms" and "plural=" in value:
            return gettext.c2py(value.split("plural=", 1)[1].strip().rstrip(";"))
    return lambda n: int(n != 1)


def load(po_text: str) -> Catalog:
    """The translations a `.po` text holds, ready for gettext's calls."""
    return Catalog(parse_po(po_text))


def parse_po(text: str) -> dict[str, str]:
    """The entries of a `.po` catalog as gettext keys them: `msgid` (with `context\\x04` before
    it for msgctxt, and `\\0msgid_plural` after it for plurals) -> `msgstr` (plural forms
    joined by `\\0`). Fuzzy entries are left out, as msgfmt leaves them out. Entries are
    separated by blank lines, as every tool that writes `.po` files writes them."""
    out: dict[str, str] = {}
    for block in _BLANK_LINE.split(text):
        fields: dict[str, str] = {}
        current = ""
        fuzzy = False
        for raw in block.split("\n"):
            line = raw.strip()
            if not line:
                continue
            first = line[0]
            if first == '"':
                if current:
                    fields[current] += _unquote(line)
            elif first == "#":
                if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                    fuzzy = True
            else:
                current, _sep, rest = line.partition(" ")
                fields[current] = _unquote(rest.strip())
        if "msgid" not in fields or fuzzy:
            continue
        key = fields["msgid"]
        if "msgid_plural" in fields:
            key += "\0" + fields["msgid_plural"]
        if "msgctxt" in fields:
            key = fields["msgctxt"] + "\x04" + key
        forms = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr["))]
        out[key] = "\0".join(forms) if forms else fields.get("msgstr", "")
    return out


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}


def _unquote(quoted: str) -> str:
    body = quoted[1:-1] if len(quoted) >= 2 and quoted[0] == quoted[-1] == '"' else quoted
    if "\\" not in body:
        return body
    out = []
    i = 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)
