"""The standard streams, made safe for any locale and any standard output.

`prepare()` runs first thing: a character the output encoding cannot hold (an ASCII or latin-1
locale) becomes an ASCII mark a reader understands (`…` as `...`, curly quotes as straight
ones, box lines as `-`, `|` and `+`), or `?`; a byte on standard input that the locale cannot
read is kept as that byte and never stops a run; and standard error never fails (a message
that cannot be written is dropped: there is nowhere else to say so). `output_failed()` and
`settle()` turn standard output that cannot be written (a full disk, a closed pipe) into exit
code 6 with one line, instead of a traceback or Python's "Exception ignored" at exit. That line
is a catalog message (screener.i18n); the operating system's reason in it is as the system says.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys
from typing import IO, Any, NoReturn, TextIO, cast

from screener.errors import ExitCode
from screener.i18n import _

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

# A write that failed because the output went nowhere: a closed pipe, a full disk, a quota or a
# size limit, a device error.
OUTPUT_ERRNOS = frozenset(
    {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.ECONNRESET}
)


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


class _Messages:
    """Standard error that never raises: where it cannot be written, a message is dropped and
    the exit code stays what it would have been. Everything else is the real stream's."""

    buffer = None  # so that click writes its usage errors through here, not around

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError:
            silence(self._stream)
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError:
            silence(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class StreamClosed(OSError):
    """A standard stream that was closed before screener started (`>&-`, `<&-`)."""

    def __init__(self, name: str) -> None:
        super().__init__(errno.EBADF, os.strerror(errno.EBADF))
        self.name = name  # stdin, stdout or stderr


class _Closed(io.TextIOBase):
    """What stands for a standard stream that was closed before screener started, where
    Python gives None: any read or write raises StreamClosed, which ends the run as output
    that cannot be written does (one line, exit 6), not as a traceback (None has no `write`)
    or silently (Rich writes to nowhere when `sys.stdout` is None)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def _fail(self, *args: object) -> NoReturn:
        raise StreamClosed(self.name)

    write = read = readline = fileno = _fail

    def flush(self) -> None:  # nothing is held, and Python flushes it again at exit
        return None

    def close(self) -> None:  # as for flush: an object that cannot close, at exit either
        return None

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return self.name == "stdin"

    def writable(self) -> bool:
        return self.name != "stdin"


def _fill_closed_descriptors() -> None:
    """Point standard descriptors that are closed (0, 1 or 2) at /dev/null, so that no file
    screener opens later (an export, a worker's pipe) is given the number of one and so
    written by whatever writes there."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:  # pragma: no cover - no descriptor left: nothing better to do
                return
            if null != fd:  # the lowest free number, so `fd` unless one before it was free
                os.dup2(null, fd)
                os.close(null)


# The smallest screen a setting of COLUMNS or LINES may claim; below it (COLUMNS=0 made every
# screen empty), or when it is no number at all, the setting is ignored and the terminal's own
# size is used, or 80 by 25.
MIN_COLUMNS = 20
MIN_LINES = 5


def _sane_screen_size() -> None:
    """Drop COLUMNS and LINES from the environment when they claim a screen too small to show
    anything, or are not whole numbers in ASCII digits (Rich and shutil both read them)."""
    for name, least in (("COLUMNS", MIN_COLUMNS), ("LINES", MIN_LINES)):
        value = os.environ.get(name)
        if value is None:
            continue
        value = value.strip()
        if not (value.isascii() and value.isdigit() and len(value) <= 5 and int(value) >= least):
            del os.environ[name]


def prepare() -> None:
    """Set up the standard streams, before anything is read or written."""
    codecs.register_error(HANDLER, _replace)
    _sane_screen_size()
    if sys.stdin is None or sys.stdout is None or sys.stderr is None:
        _fill_closed_descriptors()
        if sys.stdin is None:
            sys.stdin = cast(TextIO, _Closed("stdin"))
        if sys.stdout is None:
            sys.stdout = cast(TextIO, _Closed("stdout"))
        if sys.stderr is None:
            sys.stderr = cast(TextIO, _Closed("stderr"))
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=HANDLER)
    if isinstance(sys.stdin, io.TextIOWrapper) and sys.stdin.errors == "strict":
        # As Python does in the C locale: a stray byte is kept, to be refused as an answer or
        # used as it was in a file name, instead of stopping the run.
        sys.stdin.reconfigure(errors="surrogateescape")
    if sys.stderr is not None and not isinstance(sys.stderr, _Messages):
        sys.stderr = cast(TextIO, _Messages(sys.stderr))


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


def is_output_error(exc: OSError) -> bool:
    """Whether `exc` is a standard stream failing: output that went nowhere, or a stream
    closed before screener started."""
    return isinstance(exc, StreamClosed) or exc.errno in OUTPUT_ERRNOS


def silence(stream: IO[Any] | None) -> None:
    """Point `stream`'s file descriptor at /dev/null: what it still holds, and the flush at
    exit, then go nowhere instead of failing again."""
    try:
        fd = stream.fileno() if stream is not None else -1
    except (OSError, ValueError):
        return
    if fd < 0:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no file descriptor left: nothing better can be done
        return
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def broken_pipe() -> NoReturn:
    """For Rich's `Console.on_broken_pipe`, which would exit 1 (the code for "you chose to
    quit"): a closed pipe goes the way of every other failed write instead."""
    raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


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


def output_failed(exc: OSError) -> ExitCode:
    """Standard output could not be written: say so in one line and give the exit code.

    A closed pipe says so too (`screener score *.yaml | head -1`): what was left unwritten is
    lost, and the exit code alone would not tell a script's reader why.
    """
    silence(sys.__stdout__)
    if isinstance(exc, StreamClosed) and exc.name == "stdin":
        message = _("Error: standard input is closed: nothing can be typed or piped in")
    elif isinstance(exc, StreamClosed):
        message = _("Error: standard output is closed: nothing could be shown")
    elif isinstance(exc, BrokenPipeError):
        message = _("Error: standard output was closed before everything was written")
    else:
        reason = exc.strerror or str(exc)
        message = _("Error: cannot write to standard output: {reason}").format(reason=reason)
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    return ExitCode.OUTPUT


def settle(code: int | str | None) -> int | str | None:
    """Write out what standard output still holds before the process exits; `code`, or
    ExitCode.OUTPUT when it cannot be written."""
    out = sys.__stdout__
    if out is not None:
        try:
            out.flush()
        except OSError as exc:
            if is_output_error(exc):
                return output_failed(exc)
            raise
        except ValueError:  # closed
            pass
    if sys.stderr is not None:
        sys.stderr.flush()
    return code
