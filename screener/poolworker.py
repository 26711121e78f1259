"""The worker side of `screener.pool`: what a forked worker runs, and the messages and the
board it shares with the parent (the parent's side is in pool.py). Nothing here prints; the
reasons a `Stopped` gives are in the language in use (`screener.i18n`).
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from mmap import mmap
from pathlib import Path
from typing import NamedTuple, TypeAlias, TypeVar

from screener.i18n import _

T = TypeVar("T")
R = TypeVar("R")

# A worker sends the results it has at the end of each chunk, and at least this often
# (seconds) while a chunk takes longer: results are written as they come.
FLUSH = 0.05

FRAME = struct.Struct("<I")  # every message is its length, then that many bytes of pickle
# A worker's board, two 64-bit words of memory it shares with the parent: when it began the
# item it is on (time.monotonic_ns, the same clock in every process), then which item that is
# (its chunk's serial number, shifted by PLACE_BITS, and its place in the chunk). Each word
# is written whole by one store, the time first: so the parent, reading the item first, never
# sees a later item with an earlier item's time (which could kill a worker for nothing).
BOARD_WORDS = 2
BEGAN, ITEM = 0, 1
PLACE_BITS = 16  # CHUNK < 2**16
PLACE_MASK = (1 << PLACE_BITS) - 1
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


_READ_SIZE = 1 << 16


class Stopped(NamedTuple):
    """An item that has no result, and why, in plain words: "it took longer than 10 s"."""

    reason: str


def call(fn: Callable[[T], R], item: T, out_of_memory: str) -> R | Stopped:
    """`fn(item)`, or a `Stopped` if it ran out of memory or raised."""
    try:
        return fn(item)
    except MemoryError:
        reason = out_of_memory  # the Stopped is made below, once what `fn` held is freed
    except Exception as exc:
        reason = failed(exc)
    return Stopped(reason)


def failed(exc: BaseException) -> str:
    """Why an item has no result when `fn` raised: the exception's name, for a bug report."""
    return _("screener failed on it ({name})").format(name=type(exc).__name__)


Message: TypeAlias = tuple[int, list[T]]  # a chunk as sent: its serial, its items


def work(
    fn: Callable[[T], R],
    first: Message[T],
    tasks: int,
    results: int,
    parent: int,
    memory_mib: int,
    board: mmap,
) -> int:
    """A worker's life: set itself up, then answer chunks of items until there are no more.
    Before each item it notes on `board` which it is on; it sends a chunk's results at its
    end, and any it has whenever FLUSH seconds have passed since it last sent some."""
    if not _settle(parent, memory_mib):
        return 1
    out_of_memory = _("it needed more than {mib} MiB of memory").format(mib=memory_mib)
    words = memoryview(board).cast("q")
    clock = time.monotonic_ns
    flush = int(FLUSH * 1e9)
    message: Message[T] | None = first
    while message is not None:
        serial, chunk = message
        answered: list[R | Stopped] = []
        first_place = 0
        sent = clock()
        for place, item in enumerate(chunk):
            now = clock()
            if answered and now - sent >= flush:
                _send(results, serial, first_place, answered)
                answered, first_place, sent = [], place, now
            words[BEGAN] = now  # the time first (see BEGAN)
            words[ITEM] = serial << PLACE_BITS | place
            answered.append(call(fn, item, out_of_memory))
        _send(results, serial, first_place, answered)
        message = _receive(tasks)
    return 0


def _send(fd: int, serial: int, place: int, answered: Sequence[object]) -> None:
    """Results for the items of chunk `serial` from `place` on."""
    try:
        data = pickle.dumps((serial, place, answered), pickle.HIGHEST_PROTOCOL)
    except Exception:  # pragma: no cover - results are plain data
        data = pickle.dumps((serial, place, [_picklable(r) for r in answered]), _PROTOCOL)
    _write_all(fd, FRAME.pack(len(data)) + data)


def _picklable(result: object) -> object:
    try:
        pickle.dumps(result, _PROTOCOL)
    except Exception as exc:  # pragma: no cover - results are plain data
        return Stopped(failed(exc))
    return result


_PROTOCOL = pickle.HIGHEST_PROTOCOL


_PRCTL: list[Callable[..., int] | None] = []  # the C library's prctl, once looked up


def prctl_function() -> Callable[..., int] | None:
    """The C library's prctl (None without ctypes): looked up by the parent, before it forks,
    so that each worker has it without importing ctypes itself."""
    if not _PRCTL:
        try:
            import ctypes

            _PRCTL.append(ctypes.CDLL(None, use_errno=True).prctl)
        except (ImportError, OSError, AttributeError):  # pragma: no cover - no ctypes
            _PRCTL.append(None)
    return _PRCTL[0]


def _settle(parent: int, memory_mib: int) -> bool:
    """Ignore Ctrl-C, write nowhere, die with the parent, cap memory. False: parent gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers itself
    signal.signal(signal.SIGCONT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing a worker does can reach the terminal or the output
    os.dup2(devnull, 2)
    os.close(devnull)
    die_with = prctl_function()  # killed the moment the parent dies: none outlives a caseload
    if die_with is not None:
        die_with(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before that took hold
        return False
    _cap_memory(memory_mib)
    return True


def _cap_memory(memory_mib: int) -> None:
    """Cap the address space at its size now plus `memory_mib` MiB (never raising a cap)."""
    import resource

    try:
        size = int(Path("/proc/self/statm").read_bytes().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):  # pragma: no cover - /proc is not mounted
        return
    cap = size + (memory_mib << 20)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            cap = min(cap, limit)
    with suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def frame(value: object) -> bytes:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return FRAME.pack(len(data)) + data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> Message[T] | None:
    """The next chunk from the parent, or None when it has no more."""
    header = _read_exactly(fd, FRAME.size)
    if header is None:
        return None
    data = _read_exactly(fd, FRAME.unpack(header)[0])
    if data is None:  # pragma: no cover - the parent writes whole messages
        return None
    message: Message[T] = pickle.loads(data)
    return message


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts: list[bytes] = []
    while size:
        part = os.read(fd, min(size, _READ_SIZE))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)
