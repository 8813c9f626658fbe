"""Work shared among spawned processes: the same results, in the same order, and no process left behind."""

from __future__ import annotations

import os
import time

import pytest

from atlas import parallel


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven is not allowed")
    return n


def sleep_then_pid(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def children() -> set[int]:
    """This process's living children, read from /proc."""
    found = set()
    for status in os.listdir("/proc"):
        if status.isdigit():
            try:
                with open(f"/proc/{status}/stat", encoding="utf-8") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended while being read
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                found.add(int(status))
    return found


def test_results_come_back_in_order_from_this_process_and_others() -> None:
    results = parallel.map_in_processes(square_and_pid, range(40), workers=2, timeout=120)
    assert [square for square, _ in results] == [n * n for n in range(40)]
    # The first item here, while the spawned process starts; the rest there.
    assert results[0][1] == os.getpid() and os.getpid() not in {pid for _, pid in results[1:]}


def test_a_failure_in_a_process_is_raised_here() -> None:
    with pytest.raises(ValueError, match="seven is not allowed"):
        parallel.map_in_processes(fail_on_seven, range(20), workers=2, timeout=120)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find processes")
def test_a_timeout_stops_every_process() -> None:
    before = children()
    # The spawned process's work would take ten minutes; the call ends at the timeout, with every process gone.
    with pytest.raises(TimeoutError, match="not done within 3 s"):
        parallel.map_in_processes(sleep_then_pid, [0.0, 600.0], workers=2, timeout=3)
    assert children() - before == set()


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find processes")
def test_no_process_outlives_a_finished_call() -> None:
    before = children()
    assert parallel.map_in_processes(fail_on_seven, range(3), workers=2, timeout=120) == [0, 1, 2]
    assert children() - before == set()


def test_the_start_method_is_the_one_asked_for() -> None:
    """Guards CI's spawn run (ATLAS_START_METHOD=spawn, see tests/conftest.py): a setting that did not take tests nothing."""
    import multiprocessing

    asked = os.environ.get("ATLAS_START_METHOD")
    assert asked is None or multiprocessing.get_start_method() == asked
