"""Work shared among forked processes: the same results, in the same order, as doing it here."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from atlas import parallel

needs_fork = pytest.mark.skipif(sys.platform != "linux", reason="work is forked on Linux only")


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@needs_fork
def test_forked_results_come_back_in_order_from_other_processes() -> None:
    results = parallel.start(square_and_pid, range(200), workers=2)()
    assert [square for square, _ in results] == [n * n for n in range(200)]
    assert os.getpid() not in {pid for _, pid in results}


def test_one_worker_does_the_work_here_when_asked() -> None:
    pending = parallel.start(square_and_pid, range(5), workers=1)
    assert pending() == [(n * n, os.getpid()) for n in range(5)]


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven is not allowed")
    return n


@needs_fork
def test_a_failure_in_a_worker_is_raised_here_with_its_traceback() -> None:
    pending = parallel.start(fail_on_seven, range(20), workers=2)
    with pytest.raises(RuntimeError, match=r"(?s)a forked worker failed:.*ValueError: seven is not allowed"):
        pending()


@needs_fork
def test_a_worker_that_dies_is_reported_not_waited_for() -> None:
    pending = parallel.start(lambda n: os._exit(3) if n == 4 else n, range(10), workers=2)
    with pytest.raises(RuntimeError, match=r"exit code 3|without saying it had finished"):
        pending()


@needs_fork
def test_many_large_results_do_not_block_the_workers() -> None:
    # Thousands of items with large results: handing out the items through a pipe filled in advance
    # blocked once the pipe was full, while the workers blocked sending results. Run apart, so a
    # hang fails the test instead of stopping the run.
    code = (
        "from atlas import parallel\n"
        "results = parallel.start(lambda n: str(n) * 20_000, range(6000), workers=2)()\n"
        "assert [r[:4] for r in results[:3]] == ['0000', '1111', '2222'] and len(results) == 6000\n"
        "print('done')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert (run.returncode, run.stdout.strip()) == (0, "done"), run.stderr
