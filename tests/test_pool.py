"""Worker processes: results in the order given, and an item that goes wrong costs only itself."""

from __future__ import annotations

import errno
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from screener import pool
from screener.pool import Stopped

BOUNDS = {"seconds": 20.0, "memory_mib": 64}


def run(fn: Callable[[int], object], items: Iterable[int], processes: int = 2) -> list[object]:
    return list(pool.run(fn, items, processes=processes, **BOUNDS))


def troublesome(item: int) -> int:
    """Squares its item, except 3 (raises), 5 (its process exits), 7 (its process is killed)
    and 9 (runs out of memory)."""
    if item == 3:
        raise ValueError("three")
    if item == 5:
        os._exit(3)
    if item == 7:
        os.kill(os.getpid(), signal.SIGKILL)
    if item == 9:
        raise MemoryError
    return item * item


EXPECTED = [
    0,
    1,
    4,
    Stopped("screener failed on it (ValueError)"),
    16,
    Stopped("the worker stopped unexpectedly (exit code 3)"),
    36,
    Stopped(f"the worker stopped unexpectedly (signal {signal.SIGKILL.value})"),
    64,
    Stopped("it needed more than 64 MiB of memory"),
    *(i * i for i in range(10, 300)),
]


@pytest.mark.skipif(not pool.forkable(), reason="bounded workers need fork on Linux")
class TestInWorkers:
    @pytest.mark.parametrize("processes", [1, 2, 5])
    def test_each_item_gets_its_result_or_why_not_in_the_order_given(self, processes: int) -> None:
        assert run(troublesome, list(range(300)), processes) == EXPECTED

    def test_an_item_cannot_take_more_memory_than_the_bound(self) -> None:
        def take(mib: int) -> int:
            return len(bytearray(mib << 20)) >> 20

        # 200 MiB is nothing to this process, which has no such bound.
        assert run(take, [4, 200, 4]) == [4, Stopped("it needed more than 64 MiB of memory"), 4]

    def test_a_worker_that_ran_out_of_memory_on_one_item_goes_on_with_the_next(self) -> None:
        def pid_after(mib: int) -> int:
            bytearray(mib << 20)
            return os.getpid()

        first, stopped, last = run(pid_after, [1, 200, 1], processes=1)
        assert stopped == Stopped("it needed more than 64 MiB of memory")
        assert first == last != os.getpid()

    def test_an_item_that_takes_too_long_is_stopped_and_the_rest_go_on(self) -> None:
        def slow(seconds: int) -> int:
            time.sleep(seconds)
            return seconds

        results = pool.run(slow, [0, 5, 0], processes=1, seconds=0.5, memory_mib=64)
        assert list(results) == [0, Stopped("it took longer than 0.5 s"), 0]

    def test_results_come_while_a_chunk_is_still_at_work(self, tmp_path: Path) -> None:
        # Items 0 to 9 take a while each; item 10 goes on only once results have reached this
        # process. A worker that kept its results until its chunk was done (all 12 items are
        # one chunk) would leave item 10 to give up.
        marker = tmp_path / "first results seen"

        def waits_for_the_first(item: int) -> object:
            if item < 10:
                time.sleep(pool.FLUSH / 2)  # the work: a slow file
            elif item == 10:
                give_up = time.monotonic() + 20
                while not marker.exists():
                    if time.monotonic() > give_up:
                        return "gave up"
                    time.sleep(0.01)
            return item

        results = pool.run(waits_for_the_first, range(12), processes=1, seconds=60, memory_mib=64)
        assert next(results) == 0
        marker.touch()
        assert list(results) == list(range(1, 12))

    def test_a_lost_worker_costs_only_its_item_the_rest_of_its_chunk_is_scored_again(
        self,
    ) -> None:
        # Item 200 kills its worker halfway through a chunk: the 199 before it were done but
        # not yet sent, and are worked out again by the next worker.
        def dies_on_200(item: int) -> tuple[int, int]:
            if item == 200:
                os._exit(9)
            return item, os.getpid()

        results = run(dies_on_200, list(range(400)), processes=1)
        assert results[200] == Stopped("the worker stopped unexpectedly (exit code 9)")
        done = results[:200] + results[201:]
        assert [item for item, _pid in done] == [*range(200), *range(201, 400)]  # type: ignore[misc]
        assert len({pid for _item, pid in done}) == 1  # type: ignore[misc]

    def test_results_passed_on_make_room_for_more_at_once(self) -> None:
        # Quick items come back faster than they are passed on, so the results waiting for
        # their turn reach their bound; once they are passed on, the handing out must go on
        # at once, not after the workers' time bound (an hour here) with every worker idle.
        done = threading.Event()
        got: list[object] = []

        def take_all() -> None:
            got.extend(pool.run(abs, range(20_000), processes=2, seconds=3600, memory_mib=64))
            done.set()

        threading.Thread(target=take_all, daemon=True).start()
        assert done.wait(timeout=120), "the items stopped being handed out"
        assert got == list(range(20_000))

    def test_no_worker_is_left_behind_not_even_as_a_zombie(self) -> None:
        run(troublesome, list(range(20)))
        with pytest.raises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)

    def test_stopping_early_stops_every_worker(self) -> None:
        results = pool.run(troublesome, list(range(300)), processes=2, **BOUNDS)
        assert next(results) == 0
        results.close()
        with pytest.raises(ChildProcessError):
            os.waitpid(-1, os.WNOHANG)

    def test_when_no_process_can_be_started_the_items_run_here(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def no_fork() -> int:
            raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

        monkeypatch.setattr(os, "fork", no_fork)
        assert run(lambda i: i + 1, list(range(100))) == list(range(1, 101))

    def test_when_only_one_process_can_be_started_it_does_all_the_work(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        forks: list[int] = []
        real_fork = os.fork

        def fork_once() -> int:
            if forks:
                raise OSError(errno.EAGAIN, "Resource temporarily unavailable")
            forks.append(1)
            return real_fork()

        monkeypatch.setattr(os, "fork", fork_once)
        assert run(lambda i: i + 1, list(range(600)), processes=4) == list(range(1, 601))


def test_without_fork_the_items_run_here_unbounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "forkable", lambda: False)
    pid = os.getpid()
    assert run(lambda i: (i, os.getpid() == pid), [1, 2]) == [(1, True), (2, True)]
    assert run(lambda i: 1 // i, [0]) == [Stopped("screener failed on it (ZeroDivisionError)")]
