"""Run one function over many items in worker processes, each item held to a time and a
memory bound, so that an item that hangs, crashes its worker or eats memory costs only itself.

This module owns the workers' whole life from the parent's side: forking them, the pipes to
them, the deadline of the item each one holds, and killing and reaping them; what a worker
runs once forked (its limits, its loop, its board) is `screener.poolworker`. Nothing here
prints; the reasons a `Stopped` gives are in the language in use (`screener.i18n`).

How it works (Linux, where fork is dependable): each worker is forked from this process, so it
inherits the function and everything it needs, and only items and results cross the pipes.
A worker caps its own address space at what it had when forked plus `memory_mib`, and takes a
chunk of items at a time. Before each item it writes on its board (a few bytes of memory it
shares with this process) which chunk and item it is on and when it began; it sends the
chunk's results back together, at the chunk's end or sooner when a chunk takes a while. So
the parent always knows which item a worker holds, and since when, without a message per
item. A worker that dies, or holds an item past `seconds`, is killed; the item its board
names gets a `Stopped` with the reason, the rest of its chunks (those it had finished but not
yet sent included) go to a fresh worker, and results still come out in the order given.
Elsewhere, or if not even one process can be started, the items run in this process,
unbounded.

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
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import suppress
from itertools import islice
from mmap import mmap
from types import FrameType
from typing import Generic, TypeVar

from screener.i18n import _
from screener.poolworker import (
    BEGAN,
    BOARD_WORDS,
    FLUSH,
    FRAME,
    ITEM,
    PLACE_BITS,
    PLACE_MASK,
    Stopped,
    call,
    failed,
    frame,
    prctl_function,
    work,
)

__all__ = ["AHEAD", "CHUNK", "FLUSH", "Stopped", "call", "forkable", "run", "run_batches"]

T = TypeVar("T")
R = TypeVar("R")


# Items sent to a worker at a time (fewer near the end, so that the workers finish together);
# each worker has up to two chunks, so it goes straight on to its next one.
CHUNK = 256
# Results held back for their turn, at most, before more items are handed out (so behind one
# slow item the others do not pile up): in chunks per worker.
AHEAD = 4

_END = object()  # the end of the items
_READ_SIZE = 1 << 16


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
    batches = run_batches(fn, items, processes=processes, seconds=seconds, memory_mib=memory_mib)
    try:
        for batch in batches:
            yield from batch
    finally:
        batches.close()


def run_batches(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    processes: int,
    seconds: float,
    memory_mib: int,
) -> Generator[list[R | Stopped], None, None]:
    """`run`, giving the results in runs, each as soon as it is ready (in a list): a caller
    that writes thousands of results writes them a run at a time."""
    if not forkable():
        out_of_memory = _("it needed more memory than there was")
        for item in items:
            yield [call(fn, item, out_of_memory)]
        return
    pool = _Pool(fn, iter(items), max(processes, 1), seconds, memory_mib)
    try:
        yield from pool.results()
    finally:
        pool.close()


class _Chunk(Generic[T]):
    """Items handed to a worker together: their places in the order given, and how many of
    them it has answered."""

    __slots__ = ("answered", "indexes", "items", "serial")

    def __init__(self, serial: int, indexes: list[int], items: list[T]) -> None:
        self.serial = serial
        self.indexes = indexes
        self.items = items
        self.answered = 0


class _Worker(Generic[T]):
    """The parent's view of one worker process."""

    __slots__ = (
        "board",
        "buffer",
        "chunks",
        "outbox",
        "pid",
        "results",
        "since",
        "tasks",
        "words",
    )

    def __init__(self, pid: int, tasks: int, results: int, first: _Chunk[T], board: mmap):
        self.pid = pid
        self.tasks = tasks  # the pipe items go down (non-blocking); -1 once closed
        self.results = results  # the pipe results come up
        self.chunks: deque[_Chunk[T]] = deque([first])  # sent, not yet all answered
        self.board = board  # where it writes the item it is on (shared memory)
        self.words = memoryview(board).cast("q")  # the board's two words
        self.since = time.monotonic()  # when it was last seen at work: handed or answering
        self.buffer = bytearray()  # results read but not yet whole
        self.outbox = bytearray()  # chunks the tasks pipe has not taken yet

    def started(self) -> float:
        """When it began the item it holds (roughly, if its board does not say yet)."""
        item = self.words[ITEM]  # the item first, then its time: never a later item's time
        began = self.words[BEGAN] / 1e9
        return began if item >> PLACE_BITS == self.chunks[0].serial else self.since

    def place(self) -> int:
        """The place, in its first chunk, of the item it holds."""
        chunk = self.chunks[0]
        item = self.words[ITEM]
        place = item & PLACE_MASK
        if item >> PLACE_BITS == chunk.serial and chunk.answered <= place < len(chunk.indexes):
            return place
        return chunk.answered  # it had not begun the chunk: the first one it has not answered


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
        self.ahead: list[T] = []  # taken from `source`, not yet in a chunk
        self.ahead_at = 0  # the index of ahead[0] in the order given
        self.exhausted = False
        self.processes = processes
        self.seconds = seconds
        self.memory_mib = memory_mib
        self.serial = 0  # of the last chunk made
        self.pending: deque[tuple[int, T]] = deque()  # taken back from a worker that was lost
        self.done: dict[int, R | Stopped] = {}  # results that came before their turn
        self.workers: dict[int, _Worker[T]] = {}  # by the results pipe
        self.feeding: dict[int, _Worker[T]] = {}  # by the tasks pipe, while it has an outbox
        self.poller = select.poll()
        self.stragglers: list[int] = []  # killed, but not yet ended (stuck in the kernel)
        self.resumed = False
        self.resumed_at = 0.0  # back from a pause then: no item's time counts before it
        self.old_sigcont: Callable[[int, FrameType | None], object] | int | None = None
        with suppress(ValueError):  # not the main thread: pauses are not noticed
            self.old_sigcont = signal.signal(signal.SIGCONT, self._on_continue)
        prctl_function()  # here, once: every worker inherits it

    @property
    def taken(self) -> int:
        """How many items have been taken from `source`."""
        return self.ahead_at + len(self.ahead)

    def results(self) -> Iterator[list[R | Stopped]]:
        """The results in the order given, as runs of those that are ready."""
        turn = 0
        done = self.done
        while True:
            self._start_workers()
            self._hand_out()  # before the results are passed on: no worker waits for that
            if turn in done:
                ready = []
                while turn in done:
                    ready.append(done.pop(turn))
                    turn += 1
                yield ready
                continue  # hand out again first: the results passed on may have made room
            if not self._more() and turn >= self.taken:
                return
            if self.workers:
                self._wait()

    def _more(self) -> bool:
        """Whether items are still to be handed out (taking the next few to find out)."""
        if self.pending or self.ahead:
            return True
        self._fill()
        return bool(self.ahead)

    def _fill(self) -> None:
        if self.exhausted or self.ahead:
            return
        self.ahead = list(islice(self.source, CHUNK))
        if len(self.ahead) < CHUNK:
            self.exhausted = True

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
                self._give_back(chunk, 0)
                self.processes = taking
                break
            taking += 1
        if not self.processes and self._more():  # not even one: do the rest here, unbounded
            out_of_memory = _("it needed more memory than there was")
            while self._more():
                chunk = self._take()
                for index, item in zip(chunk.indexes, chunk.items, strict=True):
                    self.done[index] = call(self.fn, item, out_of_memory)

    def _take(self) -> _Chunk[T]:
        """The next chunk: items taken back first, then new ones from the source. Near the
        end of the items, smaller chunks, so that no worker is left last."""
        self._fill()
        size = CHUNK
        if self.processes > 1 and self.exhausted:
            left = len(self.pending) + len(self.ahead)
            size = max(1, min(CHUNK, left // (2 * self.processes)))
        indexes: list[int] = []
        items: list[T] = []
        while self.pending and len(indexes) < size:
            index, item = self.pending.popleft()
            indexes.append(index)
            items.append(item)
        if len(indexes) < size and self.ahead and not self.pending:
            n = min(size - len(indexes), len(self.ahead))
            indexes += range(self.ahead_at, self.ahead_at + n)
            items += self.ahead[:n]
            del self.ahead[:n]
            self.ahead_at += n
        self.serial += 1
        return _Chunk(self.serial, indexes, items)

    def _give_back(self, chunk: _Chunk[T], start: int, skip: int = -1) -> None:
        """The items of `chunk` from place `start` on (but `skip`), to be handed out again
        before any other."""
        back = [
            (index, item)
            for place, (index, item) in enumerate(zip(chunk.indexes, chunk.items, strict=True))
            if place >= start and place != skip
        ]
        self.pending.extendleft(reversed(back))

    def _fork(self, chunk: _Chunk[T]) -> None:
        tasks_in, tasks_out = os.pipe()
        try:
            results_in, results_out = os.pipe()
        except OSError:
            os.close(tasks_in)
            os.close(tasks_out)
            raise
        board = mmap(-1, 8 * BOARD_WORDS)  # shared with the worker (anonymous, not private)
        parent = os.getpid()
        # Ctrl-C waits until the worker has set itself to ignore it: the parent handles it.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            pid = os.fork()
        except OSError:
            for fd in (tasks_in, tasks_out, results_in, results_out):
                os.close(fd)
            board.close()
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
                first = (chunk.serial, chunk.items)
                code = work(self.fn, first, tasks_in, results_out, parent, self.memory_mib, board)
            finally:
                os._exit(code)  # no cleanup of the parent's state, no flush of its buffers
        os.close(tasks_in)
        os.close(results_out)
        os.set_blocking(tasks_out, False)
        self.workers[results_in] = _Worker(pid, tasks_out, results_in, chunk, board)
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
            if waiting or len(worker.chunks) > 1:
                continue
            chunk = self._take()
            if not worker.chunks:
                worker.since = time.monotonic()
            worker.chunks.append(chunk)
            worker.outbox += frame((chunk.serial, chunk.items))
            self._flush(worker)

    def _flush(self, worker: _Worker[T]) -> None:
        """Write what the worker's tasks pipe takes now, and watch it for the rest."""
        try:
            written = os.write(worker.tasks, worker.outbox)
        except BlockingIOError:
            written = 0
        except OSError:  # it died between items: the end of its results will show it
            self._close_tasks(worker)
            return
        del worker.outbox[:written]
        if worker.outbox and worker.tasks not in self.feeding:
            self.feeding[worker.tasks] = worker
            self.poller.register(worker.tasks, select.POLLOUT)
        elif not worker.outbox and worker.tasks in self.feeding:
            del self.feeding[worker.tasks]
            self.poller.unregister(worker.tasks)

    def _close_tasks(self, worker: _Worker[T]) -> None:
        if worker.tasks in self.feeding:
            del self.feeding[worker.tasks]
            self.poller.unregister(worker.tasks)
        os.close(worker.tasks)
        worker.tasks = -1
        worker.outbox.clear()

    # Waiting for results

    def _deadline(self, worker: _Worker[T]) -> float:
        return max(worker.started(), self.resumed_at) + self.seconds

    def _wait(self) -> None:
        now = time.monotonic()
        busy = [self._deadline(w) for w in self.workers.values() if w.chunks]
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
            self.resumed_at = now
            return
        for worker in list(self.workers.values()):
            if worker.chunks and now > self._deadline(worker):
                if _readable(worker.results) or now <= self._deadline(worker):
                    continue  # results came in meanwhile, or it began another: not stuck
                self._end(worker, kill=True)
                took = _("it took longer than {seconds} s").format(seconds=f"{self.seconds:g}")
                self._lost(worker, took)

    def _read(self, worker: _Worker[T]) -> None:
        try:
            data = os.read(worker.results, _READ_SIZE)
        except OSError:  # pragma: no cover - a pipe's read end does not fail
            data = b""
        if not data:  # it has exited, or been killed
            self._lost(worker, _why_stopped(self._end(worker, kill=False)))
            return
        buffer = worker.buffer
        buffer += data
        start = 0
        while len(buffer) - start >= FRAME.size:
            (size,) = FRAME.unpack_from(buffer, start)
            end = start + FRAME.size + size
            if len(buffer) < end:
                break
            self._answered(worker, buffer[start + FRAME.size : end])
            start = end
        del buffer[:start]

    def _answered(self, worker: _Worker[T], message: bytes | bytearray) -> None:
        """Results from `worker`: (the chunk's serial, the place of the first, the results)."""
        worker.since = time.monotonic()
        if not worker.chunks:  # pragma: no cover - a worker answers only what it was sent
            return
        chunk = worker.chunks[0]
        try:
            serial, place, results = pickle.loads(message)
        except Exception as exc:  # pragma: no cover - a worker only sends what it pickled
            serial, place, results = chunk.serial, chunk.answered, [Stopped(failed(exc))]
        if serial != chunk.serial or place != chunk.answered:  # pragma: no cover
            return
        end = min(place + len(results), len(chunk.indexes))
        self.done.update(zip(chunk.indexes[place:end], results, strict=False))
        chunk.answered = end
        if end == len(chunk.indexes):
            worker.chunks.popleft()

    def _end(self, worker: _Worker[T], kill: bool) -> int | None:
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

    def _lost(self, worker: _Worker[T], reason: str) -> None:
        """`worker` is gone (reaped): the item it held gets `reason`; the rest of what it was
        sent, and what it had done but not sent, go back to be handed out again."""
        if worker.chunks:
            place = worker.place()  # read before the board is let go
            chunk = worker.chunks.popleft()
            self.done[chunk.indexes[place]] = Stopped(reason)
            for later in reversed(worker.chunks):
                self._give_back(later, 0)
            worker.chunks.clear()
            self._give_back(chunk, chunk.answered, skip=place)
        self._drop(worker)

    def _drop(self, worker: _Worker[T]) -> None:
        self.poller.unregister(worker.results)
        os.close(worker.results)
        if worker.tasks >= 0:
            self._close_tasks(worker)
        worker.words.release()
        worker.board.close()
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
