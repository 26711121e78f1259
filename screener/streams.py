"""The standard streams, made safe for any locale.

`prepare()` runs first thing: a character the output encoding cannot hold (an ASCII or latin-1
locale) becomes an ASCII mark a reader understands (`…` as `...`, curly quotes as straight
ones, box lines as `-`, `|` and `+`), or `?`; and a byte on standard input that the locale
cannot read is kept as that byte and never stops a run.
"""

from __future__ import annotations

import codecs
import io
import sys
from typing import IO

HANDLER = "screener-ascii"

# The marks screener and its banks use, as what a reader expects where they cannot be shown.
ASCII_MARKS = {
    "\u00b7": "-",  # middle dot, the separator in the keys line
    "\u2022": "-",  # bullet
    "\u2026": "...",  # horizontal ellipsis
    "\u2018": "'",
    "\u2019": "'",  # right single quotation mark, the curly apostrophe
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",
    "\u2212": "-",  # minus sign
    "\u00a0": " ",  # no-break space
    "\u2009": " ",
    "\u202f": " ",
    "\u2713": "+",  # check mark
    "\u2714": "+",
    "\u2717": "x",  # ballot x
    "\u2718": "x",
    "\u00d7": "x",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2264": "<=",
    "\u2265": ">=",
}
# Lines and corners of box drawing (U+2500-U+257F) and the rest of the ASCII box.
_BOX = range(0x2500, 0x2580)


def ascii_mark(char: str) -> str:
    """What to show for `char` where the output cannot hold it: an ASCII look-alike, the letter
    without its accent, or `?`."""
    mark = ASCII_MARKS.get(char)
    if mark is not None:
        return mark
    import unicodedata  # only once something cannot be shown

    if ord(char) in _BOX:
        name = unicodedata.name(char, "")
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name:
            return "|"
        return "+"
    bare = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return bare if bare and bare.isascii() and bare.isprintable() else "?"


def _replace(exc: UnicodeError) -> tuple[str | bytes, int]:
    """The codec error handler: one character at a time, so a byte kept from the input (a lone
    surrogate, as `surrogateescape` makes it) goes out as that byte."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    char = exc.object[exc.start]
    if 0xDC80 <= ord(char) <= 0xDCFF:
        return bytes([ord(char) - 0xDC00]), exc.start + 1
    return ascii_mark(char), exc.start + 1


def prepare() -> None:
    """Set up the standard streams, before anything is read or written."""
    codecs.register_error(HANDLER, _replace)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=HANDLER)
    if isinstance(sys.stdin, io.TextIOWrapper) and sys.stdin.errors == "strict":
        # As Python does in the C locale: a stray byte is kept, to be refused as an answer or
        # used as it was in a file name, instead of stopping the run.
        sys.stdin.reconfigure(errors="surrogateescape")


def unicode_ok(stream: IO[str] | None) -> bool:
    """Whether `stream` can hold any character: its encoding is a UTF, or it has none (text
    kept in memory, such as a StringIO)."""
    encoding = getattr(stream, "encoding", None)
    if encoding is None:
        return True
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def write_document(text: str) -> None:
    """Write a whole document (a summary for `--export -`) to standard output as its file
    would hold it: UTF-8, whatever the locale, so that nothing in it is lost or changed."""
    out = sys.stdout
    if unicode_ok(out) or not hasattr(out, "buffer"):
        out.write(text)
        out.flush()
        return
    out.flush()
    out.buffer.write(text.encode("utf-8", HANDLER))
    out.buffer.flush()
