"""Make text from files, file names and terminals safe to show: nothing reaches a screen raw.

Two forms. `clean` is for text meant to be read (bank wording, answers typed in): terminal
escape sequences, control characters (tab and newline aside), bidirectional overrides, zero-width
characters and lone surrogates are removed. `one_line` is for what a message names (a file name,
a key, a bad value): every character that cannot be shown is written as an escape such as `\\n`
or `\\x1b`, so a newline in a file name cannot start a fake line, and long text is shortened.
Pure functions; nothing here reads, prints or raises.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from screener.i18n import _

# Whole terminal escape sequences (CSI like colours, OSC like titles and links, DCS/APC/PM/SOS
# strings, two-byte ESC), so that no part of one is left to show as text. Compiled on first
# need: only text that holds an ESC or a C1 control is searched with it.
_ESCAPES = (
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI, 7- or 8-bit
    r"|(?:\x1b[\]P_^X]|[\x9d\x90\x9f\x9e\x98])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC..ST
    r"|\x1b[!-/]*[0-~]"  # other escapes (ESC c, ESC 7, ESC ( B); a stray ESC eats no text
)
_escapes: re.Pattern[str] | None = None
# What `clean` removes once the sequences are gone: C0 and C1 controls but tab and newline,
# bidirectional embeddings, overrides, isolates and marks (which can make text read backwards),
# zero-width characters and the byte-order mark, and lone surrogates (not text at all) but for
# U+DCA0-U+DCFF: those are bytes 0xA0-0xFF that the locale could not read (a file name, a typed
# letter, kept by `surrogateescape`), and the output writes them back as the same bytes
# (streams.py). Bytes 0x80-0x9F are C1 controls to a latin-1 terminal, so they go. A table for
# str.translate, not a regular expression: a character class reaching past U+00FF costs the
# regex compiler a 64K-entry map, about 0.7 ms at every start.
_HIDDEN = dict.fromkeys(
    [
        *range(0x00, 0x09),
        *range(0x0B, 0x20),
        *range(0x7F, 0xA0),
        0x061C,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x2070),
        0xFEFF,
        *range(0xD800, 0xDCA0),
        *range(0xDD00, 0xE000),
    ]
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}

ELLIPSIS = "..."  # ASCII, so that it shows in any locale
NAME_LIMIT = 4096  # characters of a file name in a message: PATH_MAX, so only garbage is cut
VALUE_LIMIT = 60  # characters of a bad value in a message
LINE_LIMIT = 1000  # characters of one error or warning line, at most


def clean(text: str) -> str:
    """`text` with escape sequences and hidden or control characters removed (tab and newline
    stay)."""
    global _escapes
    if text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable():
        return text  # nearly all text: no copy
    if "\x1b" in text or any("\x90" <= c <= "\x9f" for c in text):
        if _escapes is None:
            _escapes = re.compile(_ESCAPES)
        text = _escapes.sub("", text)
    return text.translate(_HIDDEN)


def one_line(text: str, limit: int | None = NAME_LIMIT) -> str:
    """`text` on one line: what cannot be shown as itself is escaped (`\\n`, `\\x1b`,
    `\\u202e`), and past `limit` characters it is cut with `...`. Plain text is unchanged."""
    if not text.isprintable() or (limit is not None and len(text) > limit):
        if limit is not None and len(text) > limit:
            text = text[:limit]
            cut = True
        else:
            cut = False
        if not text.isprintable():
            text = "".join(c if _shows(c) else _escape(c) for c in text)
            if limit is not None and len(text) > limit:
                text, cut = text[:limit], True
        if cut:
            text += ELLIPSIS
    return text


def show_value(value: object, limit: int = VALUE_LIMIT) -> str:
    """A value from a file as a message quotes it: `'text'`, `12`, `true`, `nothing`; long
    values are shortened and nothing unprintable is left raw."""
    from screener.i18n import _, ngettext  # its words are the catalog's

    if value is None:
        return _("nothing")
    if isinstance(value, bool):
        return "true" if value else "false"  # as YAML and JSON write them
    if isinstance(value, int) and value.bit_length() > 200:
        digits = int(value.bit_length() * 0.30103)
        return _("a number of about {n} digits").format(n=digits)
    if isinstance(value, list | tuple | dict | set) and len(value) > limit:
        if isinstance(value, dict):
            return ngettext("a mapping of {n} item", "a mapping of {n} items", len(value)).format(
                n=len(value)
            )
        return ngettext("a list of {n} item", "a list of {n} items", len(value)).format(
            n=len(value)
        )
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # a deeply nested value: say what it is
        return _("a value nested too deeply to show")
    return one_line(text, limit)


def _shows(char: str) -> bool:
    """Whether `char` may stand as itself in a message (a backslash is escaped so that an
    escape can always be told from the text)."""
    if char.isprintable():
        return char != "\\"
    return "\udca0" <= char <= "\udcff"


def _escape(char: str) -> str:
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for a close match, else an empty string."""
    close = close_match(word, choices)
    if not close:
        return ""
    return _(" (did you mean {choice}?)").format(choice=show_value(close))


def close_match(word: object, choices: Iterable[str]) -> str | None:
    """The choice `word` was most likely meant to be, if one is close enough."""
    import difflib  # only needed when something is already wrong

    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return close[0] if close else None
