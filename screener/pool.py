"""Run one function over many items in worker processes, each item held to a time and a
memory bound, so that an item that hangs, crashes its worker or eats memory costs only itself.

This module owns the workers' whole life: forking them, their limits, the pipes to them, the
deadline of the item each one holds, and killing and reaping them. Nothing here prints; the
reasons a `Stopped` gives are in the language in use (`screener.i18n`).

How it works (Linux, where fork is dependable): each worker is forked from this process, so it
inherits the function and everything it needs, and only items and results cross the pipes.
A worker caps its own address space at what it had when forked plus `memory_mib`, takes a chunk
of items at a time, and writes one pickled result per item, in order. So the parent always
knows which item a worker holds: the first one of its chunks not yet answered. A worker that
dies, or holds an item past `seconds`, is killed; that item gets a `Stopped` with the reason,
the rest of its chunks go to a fresh worker, and results still come out in the order given.
Elsewhere, or if not even one process can be started, the items run in this process, unbounded.

Feeding: a worker is sent its next chunk while it still works on the one before (two chunks
in flight), so it never waits for the parent between chunks. The parent never blocks on a
pipe: chunks go out through a non-blocking write, the rest kept until the pipe takes it, so a
worker writing results and the parent writing items can never wait on each other. Items are
taken from their iterable only as chunks go out, and no new chunk goes out while the results
held for their turn (behind a slow item) pass a bound: memory stays bounded however many items
there are (`score FILE.ndjson` reads a file of any length this way).
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
from collections.abc import Callable, Generator, Iterable, Iterator
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


# Items sent to a worker at a time (fewer near the end, so that the workers finish together);
# each worker has up to two chunks, so it goes straight on to its next one.
CHUNK = 256
# Results held back for their turn, at most, before more items are handed out (so behind one
# slow item the others do not pile up): in chunks per worker.
AHEAD = 4
# While items wait for a worker, the parent reads results at most this often (seconds): waking
# for each result, 10,000 times, took the workers' cores from them (a tenth slower in all).
NAP = 0.002

_END = object()  # the end of the items
_FRAME = struct.Struct("<I")  # every message is its length, then that many bytes of pickle
_READ_SIZE = 1 << 16
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def forkable() -> bool:
    """Whether items can run in forked, bounded workers here."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def run(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    processes: int,
    seconds: float,
    memory_mib: int,
) -> Generator[R | Stopped, None, None]:
    """`fn(item)` for each item, in the order given, spread over up to `processes` workers.

    An item whose call takes longer than `seconds`, needs more than `memory_mib` MiB beyond
    what the worker started with, raises an exception, or kills its worker gets a `Stopped`
    instead of a result. Items are taken from `items` as they are handed out. Close the
    iterator (or exhaust it) to stop and reap every worker.
    """
    if not forkable():
        out_of_memory = _("it needed more memory than there was")
        for item in items:
            yield call(fn, item, out_of_memory)
        return
    pool = _Pool(fn, iter(items), max(processes, 1), seconds, memory_mib)
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

    __slots__ = ("buffer", "held", "outbox", "pid", "results", "since", "tasks")

    def __init__(self, pid: int, tasks: int, results: int, held: deque[int]) -> None:
        self.pid = pid
        self.tasks = tasks  # the pipe items go down (non-blocking); -1 once closed
        self.results = results  # the pipe results come up
        self.held = held  # indexes of the items sent and not yet answered, in order
        self.since = time.monotonic()  # when the item it holds first was started, roughly
        self.buffer = bytearray()  # results read but not yet whole
        self.outbox = bytearray()  # chunks the tasks pipe has not taken yet


class _Pool(Generic[T, R]):
    def __init__(
        self,
        fn: Callable[[T], R],
        source: Iterator[T],
        processes: int,
        seconds: float,
        memory_mib: int,
    ) -> None:
        self.fn = fn
        self.source = source  # the items not taken yet
        self.taken = 0  # how many items have been taken from `source`
        self.exhausted = False
        self.items: dict[int, T] = {}  # the items taken and not yet answered, by index
        self.processes = processes
        self.seconds = seconds
        self.memory_mib = memory_mib
        self.pending: deque[int] = deque()  # items taken back from a worker that was lost
        self.done: dict[int, R | Stopped] = {}  # results that came before their turn
        self.workers: dict[int, _Worker] = {}  # by the results pipe
        self.feeding: dict[int, _Worker] = {}  # by the tasks pipe, while it has an outbox
        self.poller = select.poll()
        self.stragglers: list[int] = []  # killed, but not yet ended (stuck in the kernel)
        self.resumed = False
        self.old_sigcont: Callable[[int, FrameType | None], object] | int | None = None
        with suppress(ValueError):  # not the main thread: pauses are not noticed
            self.old_sigcont = signal.signal(signal.SIGCONT, self._on_continue)

    def results(self) -> Iterator[R | Stopped]:
        turn = 0
        while True:
            self._start_workers()
            self._hand_out()  # before the results are passed on: no worker waits for that
            while turn in self.done:
                yield self.done.pop(turn)
                turn += 1
            if not self._more() and turn >= self.taken:
                return
            if self.workers:
                self._wait()

    def _more(self) -> bool:
        """Whether items are still to be handed out (taking one to find out)."""
        return bool(self.pending) or self._pull()

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
        while taking < self.processes and self._more():
            chunk = self._take()
            try:
                self._fork(chunk)
            except OSError:  # no more processes or memory for one: go on with those there are
                self.pending.extendleft(reversed(chunk))
                self.processes = taking
                break
            taking += 1
        if not self.processes and self._more():  # not even one: do the rest here, unbounded
            out_of_memory = _("it needed more memory than there was")
            while self._more():
                index = self.pending.popleft()
                self.done[index] = call(self.fn, self.items.pop(index), out_of_memory)

    def _take(self) -> list[int]:
        """The next chunk: items taken back first, then new ones from the source. Near the
        end of a known number of items, smaller chunks, so that no worker is left last."""
        while len(self.pending) < CHUNK and self._pull():
            pass
        size = CHUNK
        if self.processes > 1 and self.exhausted:
            size = max(1, min(CHUNK, len(self.pending) // (2 * self.processes)))
        return [self.pending.popleft() for _n in range(min(size, len(self.pending)))]

    def _pull(self) -> bool:
        if self.exhausted:
            return False
        item = next(self.source, _END)
        if item is _END:
            self.exhausted = True
            return False
        self.items[self.taken] = item  # type: ignore[assignment]
        self.pending.append(self.taken)
        self.taken += 1
        return True

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
        os.set_blocking(tasks_out, False)
        self.workers[results_in] = _Worker(pid, tasks_out, results_in, deque(chunk))
        self.poller.register(results_in, select.POLLIN)

    def _hand_out(self) -> None:
        """The next chunk for each worker down to its last one, so that it goes straight on
        from one to the next; none while too many results wait for their turn. No items left:
        each worker is told so once it has taken all it was sent, and ends once it has
        answered them (while this one goes on)."""
        waiting = len(self.done) >= AHEAD * CHUNK * max(self.processes, 1)
        for worker in list(self.workers.values()):
            if worker.tasks < 0:
                continue
            if not self._more():
                if not worker.outbox:
                    self._close_tasks(worker)  # it reads the end of its input, and exits
                continue
            if waiting or len(worker.held) > CHUNK:
                continue
            idle = not worker.held
            chunk = self._take()
            worker.held.extend(chunk)
            if idle:
                worker.since = time.monotonic()
            worker.outbox += _frame([self.items[i] for i in chunk])
            self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        """Write what the worker's tasks pipe takes now, and watch it for the rest."""
        try:
            written = os.write(worker.tasks, worker.outbox)
        except BlockingIOError:
            written = 0
        except OSError:  # it died between items: the end of its results will show it
            self._take_back(worker)
            return
        del worker.outbox[:written]
        if worker.outbox and worker.tasks not in self.feeding:
            self.feeding[worker.tasks] = worker
            self.poller.register(worker.tasks, select.POLLOUT)
        elif not worker.outbox and worker.tasks in self.feeding:
            del self.feeding[worker.tasks]
            self.poller.unregister(worker.tasks)

    def _close_tasks(self, worker: _Worker) -> None:
        if worker.tasks in self.feeding:
            del self.feeding[worker.tasks]
            self.poller.unregister(worker.tasks)
        os.close(worker.tasks)
        worker.tasks = -1
        worker.outbox.clear()

    def _take_back(self, worker: _Worker) -> None:
        """A worker that can take no more: what it held goes back to be handed out again."""
        self.pending.extendleft(reversed(worker.held))
        worker.held.clear()
        self._close_tasks(worker)

    # Waiting for results

    def _wait(self) -> None:
        if self.pending or not self.exhausted:  # much to do: let results gather rather than
            time.sleep(NAP)  # wake for each one
        now = time.monotonic()
        busy = [w.since + self.seconds for w in self.workers.values() if w.held]
        wait = self.seconds if not busy else max(0.0, min(busy) - now)
        events = self.poller.poll(int(wait * 1000) + 1)
        for fd, _mask in events:
            if fd in self.feeding:
                self._flush(self.feeding[fd])
            elif fd in self.workers:
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
            index = worker.held.popleft()
            self.items.pop(index, None)
            self.done[index] = result
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
            index = worker.held.popleft()
            self.items.pop(index, None)
            self.done[index] = Stopped(reason)
            self.pending.extendleft(reversed(worker.held))
            worker.held.clear()

    def _drop(self, worker: _Worker) -> None:
        self.poller.unregister(worker.results)
        os.close(worker.results)
        if worker.tasks >= 0:
            self._close_tasks(worker)
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


def _frame(value: object) -> bytes:
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return _FRAME.pack(len(data)) + data


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
