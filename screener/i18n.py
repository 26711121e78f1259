"""The program's own words: gettext catalogs, one per language, and the calls that read them.

Every sentence screener itself says (prompts, key hints, headings, labels, errors, result
sentences) goes through `_`, `ngettext` or `pgettext`; the bank holds the rest. Messages are
English source text with named `{placeholders}` filled by `str.format` after translation, so a
translation may move them. `N_` marks a message kept in a table, translated where it is used.

The catalogs are the `.po` files translators' tools read and write (Poedit, Weblate), in
`screener/locale/LANG/LC_MESSAGES/screener.po`, with `screener.pot` beside them as the template
(`python tools/catalog.py` rebuilds it from the code). English is the source text itself: it
needs no catalog, so an English run loads nothing. Another language's `.po` is compiled in
memory into the form gettext reads (what `msgfmt` would write to a `.mo` file): no build step,
so a wheel, an editable install and a source checkout find the same files.
"""

from __future__ import annotations

import gettext
import io
import struct
from pathlib import Path

DOMAIN = "screener"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_active: gettext.NullTranslations = gettext.NullTranslations()


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


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def use(language: str | None) -> None:
    """Speak `language` from now on (None or "en": the English source text)."""
    global _active
    if language in (None, "en"):
        _active = gettext.NullTranslations()
        return
    assert language is not None
    _active = load(catalog_path(language).read_text(encoding="utf-8"))


def install(translations: gettext.NullTranslations) -> None:
    """Speak through `translations` (tests use a made-up catalog)."""
    global _active
    _active = translations


def load(po_text: str) -> gettext.GNUTranslations:
    """The translations a `.po` text holds, ready for gettext."""
    return gettext.GNUTranslations(io.BytesIO(compile_po(po_text)))


def compile_po(po_text: str) -> bytes:
    """A `.po` catalog as the bytes of a `.mo` file (GNU gettext's binary form)."""
    entries = {key: value for key, value in parse_po(po_text).items() if value}
    keys = sorted(entries)
    ids = b""
    strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        k, v = key.encode("utf-8"), entries[key].encode("utf-8")
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    n = len(keys)
    start = 7 * 4 + 16 * n  # the header, then the two tables of (length, offset)
    id_table = b"".join(struct.pack("<II", length, start + o) for o, length, _, _ in offsets)
    str_base = start + len(ids)
    str_table = b"".join(struct.pack("<II", length, str_base + o) for _, _, o, length in offsets)
    header = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + 8 * n, 0, 0)
    return header + id_table + str_table + ids + strs


def parse_po(text: str) -> dict[str, str]:
    """The entries of a `.po` catalog as gettext keys them: `msgid` (with `context\\x04` before
    it for msgctxt, and `\\0msgid_plural` after it for plurals) -> `msgstr` (plural forms
    joined by `\\0`). Fuzzy entries are left out, as msgfmt leaves them out."""
    out: dict[str, str] = {}
    fields: dict[str, str] = {}
    current: str | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal fuzzy
        if "msgid" in fields and not fuzzy:
            key = fields["msgid"]
            if "msgid_plural" in fields:
                key += "\0" + fields["msgid_plural"]
            if "msgctxt" in fields:
                key = fields["msgctxt"] + "\x04" + key
            forms = sorted(k for k in fields if k.startswith("msgstr["))
            value = "\0".join(fields[k] for k in forms) if forms else fields.get("msgstr", "")
            out[key] = value
        fields.clear()
        fuzzy = False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        done = any(k.startswith("msgstr") for k in fields)  # a new entry starts after this
        if line.startswith("#"):
            if done:
                flush()
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                fuzzy = True
            continue
        if line.startswith('"'):
            if current is not None:
                fields[current] += _unquote(line)
            continue
        keyword, _sep, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and done:
            flush()
        current = keyword
        fields[keyword] = _unquote(rest.strip())
    flush()
    return out


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
