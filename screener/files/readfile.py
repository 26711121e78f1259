"""Read the text of a file someone else wrote (a bank, answers or personas file), bounded.

It owns what may be read at all: a regular file of at most MAX_FILE_BYTES of UTF-8. A FIFO, a
device or a socket is refused without being read, so nothing can hang on one; a file is never
read past the limit. Every refusal is one line naming the file, raised as the caller's error.
It knows nothing about what the text says, and never prints.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import BinaryIO, Literal, NamedTuple

from screener.core.safetext import one_line
from screener.errors import AnswersError, ScreenerError
from screener.i18n import N_, _, pgettext

# The largest bank, answers or personas file read (docs/files.md): the default bank is under
# 50 KiB and an answers file a few KiB, so this leaves room while bounding the work.
MAX_FILE_BYTES = 2 * 1024 * 1024

FileKind = Literal["bank", "translation", "answers", "personas"]


class _Refusals(NamedTuple):
    """What is said of one kind of file that cannot be read: whole sentences for each kind,
    as a translation may need another word order or case for each."""

    missing: str
    unreadable: str  # {reason}
    folder: str
    special: str  # {kind}: a pipe, a socket, a device
    too_big: str  # {limit} in MiB


_REFUSALS: dict[str, _Refusals] = {
    "bank": _Refusals(
        missing=N_("no such bank file"),
        unreadable=N_("cannot read the bank: {reason}"),
        folder=N_("is a folder, not a bank file"),
        special=N_("is {kind}, not a bank file"),
        too_big=N_("is larger than {limit} MiB, too large for a bank file"),
    ),
    "translation": _Refusals(
        missing=N_("no such bank translation file"),
        unreadable=N_("cannot read the bank translation: {reason}"),
        folder=N_("is a folder, not a bank translation file"),
        special=N_("is {kind}, not a bank translation file"),
        too_big=N_("is larger than {limit} MiB, too large for a bank translation file"),
    ),
    "answers": _Refusals(
        missing=N_("no such answers file"),
        unreadable=N_("cannot read the answers: {reason}"),
        folder=N_("is a folder, not an answers file"),
        special=N_("is {kind}, not an answers file"),
        too_big=N_("is larger than {limit} MiB, too large for an answers file"),
    ),
    "personas": _Refusals(
        missing=N_("no such personas file"),
        unreadable=N_("cannot read the personas: {reason}"),
        folder=N_("is a folder, not a personas file"),
        special=N_("is {kind}, not a personas file"),
        too_big=N_("is larger than {limit} MiB, too large for a personas file"),
    ),
}

_NO_CTTY = getattr(os, "O_NOCTTY", 0)
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | _NO_CTTY

# A bulk file holds one record a line (FHIR Bulk Data's NDJSON); `-` is standard input, read
# the same way.
BULK_SUFFIXES = (".ndjson", ".jsonl")
STDIN = "-"


def is_bulk(path: Path | str) -> bool:
    """Whether `path` names a file of one record a line (or standard input)."""
    name = str(path)
    if name == STDIN:
        return True
    # The quick test first (a caseload asks it of every file); `suffix` has the last word,
    # as a name such as `.ndjson` has none.
    return (
        name[-7:].lower().endswith(BULK_SUFFIXES) and PurePath(name).suffix.lower() in BULK_SUFFIXES
    )


def any_bulk(paths: Iterable[Path | str]) -> bool:
    """Whether any of `paths` is a bulk file (or standard input): one look over all the names
    at once (a caseload names thousands of files), then `is_bulk` on those that may be."""
    names = [str(path) for path in paths]
    joined = "\n".join(names).lower() + "\n"
    if not (STDIN + "\n" in joined or any(s + "\n" in joined for s in BULK_SUFFIXES)):
        return False
    return any(is_bulk(name) for name in names)


def read_text(path: Path | str, what: FileKind, error: Callable[[list[str]], ScreenerError]) -> str:
    """The UTF-8 text of a `what` file; anything that is not a readable regular file of at
    most MAX_FILE_BYTES of UTF-8 raises `error` with one line naming it."""
    fd, info = _open_regular(path, what, error)
    try:
        # One read takes the whole file as its size says; more comes only from a file that
        # grew since, or one whose size says nothing (those under /proc say 0).
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise _too_big(path, what, error)
        data = os.read(fd, size + 1)
        if len(data) > size:
            chunks = [data]
            size = len(data)
            while size <= MAX_FILE_BYTES:
                chunk = os.read(fd, MAX_FILE_BYTES + 1 - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            if size > MAX_FILE_BYTES:  # it grew while being read
                raise _too_big(path, what, error)
            data = b"".join(chunks)
    except OSError as exc:
        message = _(_REFUSALS[what].unreadable).format(reason=_reason(exc))
        raise _refusal(path, error, message) from None
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        message = _(_REFUSALS[what].unreadable).format(reason=_("not UTF-8 text"))
        raise _refusal(path, error, message, line) from None


def _refusal(
    path: Path | str,
    error: Callable[[list[str]], ScreenerError],
    message: str,
    line: int | None = None,
) -> ScreenerError:
    """`error` with one line: the file as named (on one line), the line if known, `message`.
    Made only for a refusal: a caseload reads thousands of files."""
    name = one_line(str(path))
    where = name if line is None else f"{name}:{line}"
    return error([f"{where}: {message}"])


def _too_big(
    path: Path | str, what: FileKind, error: Callable[[list[str]], ScreenerError]
) -> ScreenerError:
    limit = MAX_FILE_BYTES // (1024 * 1024)
    return _refusal(path, error, _(_REFUSALS[what].too_big).format(limit=limit))


def open_stream(path: Path, what: FileKind) -> BinaryIO:
    """A `what` file opened to be read bit by bit (a bulk file of one record a line, of any
    length): only a regular file, refused as `read_text` refuses it otherwise (an
    AnswersError with one line naming it). The caller closes it."""
    fd, _info = _open_regular(path, what, AnswersError)
    try:
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _open_regular(
    path: Path | str, what: FileKind, error: Callable[[list[str]], ScreenerError]
) -> tuple[int, os.stat_result]:
    """`path` opened for reading, and its status, once it is known to be a regular file: a
    FIFO opens at once instead of waiting for a writer, and a terminal never becomes the
    controlling one. Anything else raises `error` with the sentence for a `what` file."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise _refusal(path, error, _(_REFUSALS[what].missing)) from None
    except OSError as exc:
        message = _(_REFUSALS[what].unreadable).format(reason=_reason(exc))
        raise _refusal(path, error, message) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            says = _REFUSALS[what]
            if stat.S_ISDIR(info.st_mode):
                raise _refusal(path, error, _(says.folder))
            kind = _special_kind(info.st_mode)
            raise _refusal(path, error, _(says.special).format(kind=kind))
    except OSError as exc:
        os.close(fd)
        message = _(_REFUSALS[what].unreadable).format(reason=_reason(exc))
        raise _refusal(path, error, message) from None
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return pgettext("not a file", "a pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return pgettext("not a file", "a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return pgettext("not a file", "a device")
    return pgettext("not a file", "not a regular file")
