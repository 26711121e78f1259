"""Run one function over many items in worker processes, each item held to a time and a
memory bound, so that an item that hangs, crashes its worker or eats memory costs only itself.

This module owns the workers' whole life: forking them, their limits, the pipes to them, the
deadline of the item each one holds, and killing and reaping them. Nothing here prints; the
reasons a `Stopped` gives are in the language in use (`screener.i18n`).

How it works (Linux, where fork is dependable): each worker is forked from this process, so it
inherits the function and everything it needs, and only items and results cross the pipes.
A worker caps its own address space at what it had when forked plus `memory_mib`, takes a chunk
of items at a time, and writes one pickled result per item, in order. So the parent always
knows which item a worker holds: the first one of its chunk not yet answered. A worker that
dies, or holds an item past `seconds`, is killed; that item gets a `Stopped` with the reason,
the rest of its chunk goes to a fresh worker, and results still come out in the order given.
Elsewhere, or if not even one process can be started, the items run in this process, unbounded.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import suppress
from pathlib import Path
from types import FrameType
from typing import Generic, NamedTuple, TypeVar

from screener.i18n import _

T = TypeVar("T")
R = TypeVar("R")


class Stopped(NamedTuple):
    """An item that has no result, and why, in plain words: "it took longer than 10 s"."""

    reason: str


# Items sent to a worker at a time (fewer near the end, so that the workers finish together).
# A worker waits for its next chunk for up to NAP: at 0.2 ms a file, 256 files keep that wait
# near 2% of its time.
CHUNK = 256
# While items wait for a worker, the parent reads results at most this often (seconds): waking
# for each result, 10,000 times, took the workers' cores from them (a tenth slower in all).
NAP = 0.002

_FRAME = struct.Struct("<I")  # every message is its length, then that many bytes of pickle
_READ_SIZE = 1 << 16
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def forkable() -> bool:
    """Whether items can run in forked, bounded workers here."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def run(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    processes: int,
    seconds: float,
    memory_mib: int,
) -> Generator[R | Stopped, None, None]:
    """`fn(item)` for each item, in the order given, spread over up to `processes` workers.

    An item whose call takes longer than `seconds`, needs more than `memory_mib` MiB beyond
    what the worker started with, raises an exception, or kills its worker gets a `Stopped`
    instead of a result. Close the iterator (or exhaust it) to stop and reap every worker.
    """
    if not items:
        return
    if not forkable():
        out_of_memory = _("it needed more memory than there was")
        for item in items:
            yield call(fn, item, out_of_memory)
        return
    pool = _Pool(fn, items, max(processes, 1), seconds, memory_mib)
    try:
        yield from pool.results()
    finally:
        pool.close()


def call(fn: Callable[[T], R], item: T, out_of_memory: str) -> R | Stopped:
    """`fn(item)`, or a `Stopped` if it ran out of memory or raised."""
    try:
        return fn(item)
    except MemoryError:
        reason = out_of_memory  # the Stopped is made below, once what `fn` held is freed
    except Exception as exc:
        reason = _failed(exc)
    return Stopped(reason)


def _failed(exc: BaseException) -> str:
    """Why an item has no result when `fn` raised: the exception's name, for a bug report."""
    return _("screener failed on it ({name})").format(name=type(exc).__name__)


class _Worker:
    """The parent's view of one worker process."""

    __slots__ = ("buffer", "held", "pid", "results", "since", "tasks")

    def __init__(self, pid: int, tasks: int, results: int, held: deque[int]) -> None:
        self.pid = pid
        self.tasks = tasks  # the pipe items go down; -1 once closed (no more work)
        self.results = results  # the pipe results come up
        self.held = held  # indexes of the items sent and not yet answered, in order
        self.since = time.monotonic()  # when the item it holds first was started, roughly
        self.buffer = bytearray()  # results read but not yet whole


class _Pool(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[T], R],
        items: Sequence[T],
        processes: int,
        seconds: float,
        memory_mib: int,
    ) -> None:
        self.fn = fn
        self.items = items
        self.processes = processes
        self.seconds = seconds
        self.memory_mib = memory_mib
        self.pending: deque[int] = deque(range(len(items)))
        self.done: dict[int, R | Stopped] = {}  # results that came before their turn
        self.workers: dict[int, _Worker] = {}  # by the results pipe
        self.poller = select.poll()
        self.stragglers: list[int] = []  # killed, but not yet ended (stuck in the kernel)
        self.resumed = False
        self.old_sigcont: Callable[[int, FrameType | None], object] | int | None = None
        with suppress(ValueError):  # not the main thread: pauses are not noticed
            self.old_sigcont = signal.signal(signal.SIGCONT, self._on_continue)

    def results(self) -> Iterator[R | Stopped]:
        total = len(self.items)
        turn = 0
        while turn < total:
            self._start_workers()
            self._hand_out()  # before the results are passed on: no worker waits for that
            while turn in self.done:
                yield self.done.pop(turn)
                turn += 1
            if turn < total and self.workers:
                self._wait()

    def close(self) -> None:
        """Kill and reap every worker still there; nothing is left running or as a zombie."""
        for worker in self.workers.values():
            _kill(worker.pid)
        for worker in list(self.workers.values()):
            self._end(worker, kill=False)
            self._drop(worker)
        for pid in self.stragglers:
            _reap(pid, patience=0.1)
        if self.old_sigcont is not None:
            signal.signal(signal.SIGCONT, self.old_sigcont)
            self.old_sigcont = None

    # Starting workers and handing out items

    def _start_workers(self) -> None:
        taking = sum(1 for worker in self.workers.values() if worker.tasks >= 0)
        while self.pending and taking < self.processes:
            chunk = self._take()
            try:
                self._fork(chunk)
            except OSError:  # no more processes or memory for one: go on with those there are
                self.pending.extendleft(reversed(chunk))
                self.processes = taking
                break
            taking += 1
        if self.pending and not self.processes:  # not even one: do the rest here, unbounded
            out_of_memory = _("it needed more memory than there was")
            for index in self.pending:
                self.done[index] = call(self.fn, self.items[index], out_of_memory)
            self.pending.clear()

    def _take(self) -> list[int]:
        size = CHUNK
        if self.processes > 1:  # smaller chunks near the end, so that no worker is left last
            size = max(1, min(CHUNK, len(self.pending) // (2 * self.processes)))
        return [self.pending.popleft() for _n in range(min(size, len(self.pending)))]

    def _fork(self, chunk: list[int]) -> None:
        tasks_in, tasks_out = os.pipe()
        try:
            results_in, results_out = os.pipe()
        except OSError:
            os.close(tasks_in)
            os.close(tasks_out)
            raise
        parent = os.getpid()
        # Ctrl-C waits until the worker has set itself to ignore it: the parent handles it.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            for fd in (tasks_in, tasks_out, results_in, results_out):
                os.close(fd)
            raise
        finally:
            if os.getpid() == parent:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        if pid == 0:  # the worker: it never returns from here
            code = 1
            try:
                for worker in self.workers.values():  # the parent's ends of its siblings' pipes
                    for fd in (worker.tasks, worker.results):
                        if fd >= 0:
                            os.close(fd)
                os.close(tasks_out)
                os.close(results_in)
                first = [self.items[i] for i in chunk]
                code = _work(self.fn, first, tasks_in, results_out, parent, self.memory_mib)
            finally:
                os._exit(code)  # no cleanup of the parent's state, no flush of its buffers
        os.close(tasks_in)
        os.close(results_out)
        self.workers[results_in] = _Worker(pid, tasks_out, results_in, deque(chunk))
        self.poller.register(results_in, select.POLLIN)

    def _hand_out(self) -> None:
        """More items for each worker that has answered all it held. None left: each worker
        is told so, and ends once it has answered what it holds (while this one goes on)."""
        for worker in list(self.workers.values()):
            if worker.tasks < 0:
                continue
            if not self.pending:
                os.close(worker.tasks)  # it reads the end of its input, and exits
                worker.tasks = -1
                continue
            if worker.held:
                continue
            chunk = self._take()
            worker.held.extend(chunk)
            worker.since = time.monotonic()
            try:
                _send(worker.tasks, [self.items[i] for i in chunk])
            except OSError:  # it died between items: the end of its results will show it
                worker.held.clear()
                self.pending.extendleft(reversed(chunk))
                os.close(worker.tasks)
                worker.tasks = -1

    # Waiting for results

    def _wait(self) -> None:
        if self.pending:  # much to do: let results gather rather than wake for each one
            time.sleep(NAP)
        now = time.monotonic()
        busy = [w.since + self.seconds for w in self.workers.values() if w.held]
        wait = self.seconds if not busy else max(0.0, min(busy) - now)
        events = self.poller.poll(int(wait * 1000) + 1)
        for fd, _mask in events:
            self._read(self.workers[fd])
        now = time.monotonic()  # before the flag: a pause from here on is not in `now`
        if self.resumed:  # back from Ctrl-Z or SIGSTOP: the pause is not the items' fault
            self.resumed = False
            for worker in self.workers.values():
                worker.since = now
            return
        for worker in list(self.workers.values()):
            if worker.held and now - worker.since > self.seconds:
                if _readable(worker.results):  # results came in meanwhile: read them first
                    continue
                self._end(worker, kill=True)
                took = _("it took longer than {seconds} s").format(seconds=f"{self.seconds:g}")
                self._lost(worker, took)

    def _read(self, worker: _Worker) -> None:
        try:
            data = os.read(worker.results, _READ_SIZE)
        except OSError:  # pragma: no cover - a pipe's read end does not fail
            data = b""
        if not data:  # it has exited, or been killed
            self._lost(worker, _why_stopped(self._end(worker, kill=False)))
            return
        buffer = worker.buffer
        buffer += data
        start, now = 0, time.monotonic()
        while len(buffer) - start >= _FRAME.size:
            (size,) = _FRAME.unpack_from(buffer, start)
            end = start + _FRAME.size + size
            if len(buffer) < end or not worker.held:
                break
            try:
                result = pickle.loads(buffer[start + _FRAME.size : end])
            except Exception as exc:  # pragma: no cover - a worker only sends what it pickled
                result = Stopped(_failed(exc))
            self.done[worker.held.popleft()] = result
            worker.since = now  # it has begun the next one
            start = end
        del buffer[:start]

    def _end(self, worker: _Worker, kill: bool) -> int | None:
        """Make sure `worker` has ended and reap it: its exit status, None if it would not."""
        if kill:
            _kill(worker.pid)
        status = _reap(worker.pid)
        if status is None:  # it closed its results but lives on, or is stuck in the kernel
            _kill(worker.pid)
            status = _reap(worker.pid)
        if status is None:  # pragma: no cover - left for close() to try once more
            self.stragglers.append(worker.pid)
        return status

    def _lost(self, worker: _Worker, reason: str) -> None:
        """`worker` is gone (reaped): the item it held gets `reason`, the rest go back."""
        self._drop(worker)
        if worker.held:
            self.done[worker.held.popleft()] = Stopped(reason)
            self.pending.extendleft(reversed(worker.held))
            worker.held.clear()

    def _drop(self, worker: _Worker) -> None:
        self.poller.unregister(worker.results)
        os.close(worker.results)
        if worker.tasks >= 0:
            os.close(worker.tasks)
            worker.tasks = -1
        del self.workers[worker.results]

    def _on_continue(self, signum: int, frame: FrameType | None) -> None:
        self.resumed = True


def _readable(fd: int) -> bool:
    return bool(select.select([fd], [], [], 0)[0])


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):  # a zombie can still be signalled: never raised
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int, patience: float = 1.0) -> int | None:
    """The exit status of worker `pid` once it has ended, or None if it has not within
    `patience` seconds. A worker that closed its results pipe, or was killed, ends within
    moments; one stuck in the kernel (a hung network file system) may not."""
    give_up = time.monotonic() + patience
    pause = 0.00005  # a killed worker is usually gone after the first pause or two
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # pragma: no cover - already reaped
            return 0
        if done:
            return status
        if time.monotonic() > give_up:  # pragma: no cover
            return None
        time.sleep(pause)
        pause = min(pause * 2, 0.01)


def _why_stopped(status: int | None) -> str:
    if status is None:  # pragma: no cover
        return _("the worker stopped unexpectedly")
    if os.WIFSIGNALED(status):
        return _("the worker stopped unexpectedly (signal {n})").format(n=os.WTERMSIG(status))
    return _("the worker stopped unexpectedly (exit code {code})").format(
        code=os.waitstatus_to_exitcode(status)
    )


# In the worker


def _work(
    fn: Callable[[T], R], first: list[T], tasks: int, results: int, parent: int, memory_mib: int
) -> int:
    """A worker's life: set itself up, then answer chunks of items until there are no more."""
    if not _settle(parent, memory_mib):
        return 1
    out_of_memory = _("it needed more than {mib} MiB of memory").format(mib=memory_mib)
    chunk: list[T] | None = first
    while chunk is not None:
        for item in chunk:
            result = call(fn, item, out_of_memory)
            try:
                data = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # pragma: no cover - results are plain data
                failed = Stopped(_failed(exc))
                data = pickle.dumps(failed, pickle.HIGHEST_PROTOCOL)
            _write_all(results, _FRAME.pack(len(data)) + data)
        chunk = _receive(tasks)
    return 0


def _settle(parent: int, memory_mib: int) -> bool:
    """Ignore Ctrl-C, write nowhere, die with the parent, cap memory. False: parent gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the workers itself
    signal.signal(signal.SIGCONT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # nothing a worker does can reach the terminal or the output
    os.dup2(devnull, 2)
    os.close(devnull)
    try:  # killed the moment the parent dies, however it dies: no worker outlives a caseload
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (ImportError, OSError, AttributeError):  # pragma: no cover - Python without ctypes
        pass
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


def _send(fd: int, value: object) -> None:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    _write_all(fd, _FRAME.pack(len(data)) + data)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> list[T] | None:
    """The next chunk from the parent, or None when it has no more."""
    header = _read_exactly(fd, _FRAME.size)
    if header is None:
        return None
    data = _read_exactly(fd, _FRAME.unpack(header)[0])
    if data is None:  # pragma: no cover - the parent writes whole messages
        return None
    chunk: list[T] = pickle.loads(data)
    return chunk


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts: list[bytes] = []
    while size:
        part = os.read(fd, min(size, _READ_SIZE))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)
