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
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

DOMAIN = "screener"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# The languages screener speaks: English, the source text, first. Each other one has its
# catalog in LOCALE_DIR (a test checks that every catalog there is listed here and complete).
LANGUAGES: tuple[str, ...] = ("en", "es")
SOURCE = "en"
# The environment variables that name a language, in the order gettext reads them: the first
# one set decides (LANGUAGE may list several, like `es_MX:es:en`, the first one known wins).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
LANG_OPTION = "--lang"

# Each language's name in itself, for a choice of languages: deliberately not translated.
ENDONYMS = {"en": "English", "es": "Español"}
# How to switch to each language, said in that language (so a person who cannot read the
# screen's language can still find it): deliberately not catalog messages.
SWITCH = {
    "en": "In English: {command} --lang en",
    "es": "En español: {command} --lang es",
}

# Text codes a language has that English has not, for a helpline's own service in it: the 988
# Lifeline answers in Spanish to AYUDA by text (CLINICAL.md section 9). A bank's translation
# may send a reader only these and the codes its English text gives (files/bank_language.py).
TEXT_CODES: dict[str, frozenset[str]] = {"es": frozenset({"AYUDA"})}

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE
_loaded: dict[str, gettext.NullTranslations] = {}


def _(message: str) -> str:
    """`message` in the language in use."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the number `n` ("1 of 10 files", "2 of 10 files")."""
    return _active.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` where the same English means different things (a short word, a key)."""
    return _active.pgettext(context, message)


def N_(message: str) -> str:
    """Mark `message` for the catalog without translating it now."""
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form for the catalog; `ngettext(*pair, n)` translates it."""
    return singular, plural


def either(choices: Sequence[str]) -> str:
    """Choices any one of which will do, in the language in use: "en or es"; "md, html or
    json"."""
    *first, last = choices
    if not first:
        return last
    return _("{choices} or {last}").format(choices=", ".join(first), last=last)


# Each language's name, translated where it is used (language_name).
NAMES = {"en": N_("English"), "es": N_("Spanish")}


def language_name(code: str) -> str:
    """A language's name in the language in use ("Spanish"), or its code if it has none."""
    name = NAMES.get(code)
    return _(name) if name is not None else code


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
    found = _loaded.get(language)
    if found is None:
        found = _loaded[language] = read_catalog(language)
    _active, _language = found, language


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
        if given in LANGUAGES:
            found = given
    return found


def choose(args: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language of a run: `--lang` first, then the locale variables."""
    return from_arguments(args) or from_environment(environ)


def switch_lines(program: str) -> list[str]:
    """How to switch to each other language, each line in its own language."""
    return [SWITCH[code].format(command=program) for code in LANGUAGES if code != _language]


class Catalog(gettext.NullTranslations):
    """A parsed `.po` catalog, asked as gettext asks a `.mo` file: the same keys, the same
    plural rule (the catalog's `Plural-Forms`), the English source text where a message has
    no translation. Building it from the parsed entries skips the `.mo` round trip."""

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
        forms = self._plurals.get(msgid1)
        if forms is None:
            return msgid1 if n == 1 else msgid2
        index = self._plural(n)
        return forms[index] if 0 <= index < len(forms) else forms[-1]

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
