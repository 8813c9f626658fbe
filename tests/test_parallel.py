"""Work shared among spawned processes: the same results, in the same order, and no process left behind."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

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
    """This process's living children, read from /proc, but for multiprocessing's resource tracker.

    The tracker is the standard library's own: started with the first spawned process, it serves
    every later one and ends with this process.
    """
    found = set()
    for status in os.listdir("/proc"):
        if status.isdigit():
            try:
                with open(f"/proc/{status}/stat", encoding="utf-8") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                with open(f"/proc/{status}/cmdline", "rb") as command:
                    tracker = b"resource_tracker" in command.read()
            except OSError:
                continue  # ended while being read
            if int(fields[1]) == os.getpid() and fields[0] != "Z" and not tracker:
                found.add(int(status))
    return found


def make_square_and_pid(offset: int) -> Callable[[int], tuple[int, int]]:
    def square(n: int) -> tuple[int, int]:
        time.sleep(0.01)  # long enough that the work is not all done before this process joins
        return n * n + offset, os.getpid()

    return square


def make_sleep(arg: None) -> Callable[[float], int]:
    return sleep_then_pid


def make_fail_on_seven(arg: None) -> Callable[[int], int]:
    return fail_on_seven


def make_nothing(arg: None) -> Callable[[int], int]:
    raise ValueError("could not make the worker")


def test_results_come_back_in_order_from_this_process_and_others() -> None:
    shared = parallel.Shared(make_square_and_pid, 1, range(200), workers=2, chunk=5)
    # Joined late, as a build joins after MkDocs has read its files: the spawned process has started by then.
    time.sleep(1)
    results = shared.join(make_square_and_pid(1), timeout=120)
    assert [square for square, _ in results] == [n * n + 1 for n in range(200)]
    pids = {pid for _, pid in results}
    # Both processes took chunks: this one and one spawned.
    assert os.getpid() in pids and len(pids) == 2


def test_this_process_does_all_the_work_when_no_other_helps() -> None:
    shared = parallel.Shared(make_square_and_pid, 0, range(30), workers=1, chunk=4)
    assert shared.join(make_square_and_pid(0), timeout=10) == [(n * n, os.getpid()) for n in range(30)]


def test_a_failure_in_a_process_is_raised_here() -> None:
    shared = parallel.Shared(make_fail_on_seven, None, range(40), workers=2, chunk=1)
    time.sleep(2)  # the spawned process reaches seven before this process joins
    with pytest.raises(ValueError, match="seven is not allowed"):
        shared.join(lambda n: n, timeout=120)


def test_a_failure_to_start_the_work_is_raised_here() -> None:
    shared = parallel.Shared(make_nothing, None, range(40), workers=2, chunk=1)
    time.sleep(2)  # the spawned process fails before this one takes anything
    with pytest.raises(ValueError, match="could not make the worker"):
        shared.join(lambda n: n, timeout=120)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find processes")
def test_a_timeout_stops_every_process() -> None:
    before = children()
    shared = parallel.Shared(make_sleep, None, [600.0, 0.0], workers=2, chunk=1)
    time.sleep(2)  # the spawned process takes the first item, which would take ten minutes
    # The call ends at the timeout, with every process gone.
    with pytest.raises(TimeoutError, match="not done within 3 s"):
        shared.join(sleep_then_pid, timeout=3)
    assert children() - before == set()


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find processes")
def test_no_process_outlives_a_finished_or_stopped_call() -> None:
    before = children()
    shared = parallel.Shared(make_fail_on_seven, None, range(3), workers=2, chunk=1)
    assert shared.join(fail_on_seven, timeout=120) == [0, 1, 2]
    assert children() - before == set()
    parallel.Shared(make_sleep, None, [600.0], workers=2, chunk=1).stop()
    assert children() - before == set()


def test_the_start_method_is_the_one_asked_for() -> None:
    """Guards CI's spawn run (ATLAS_START_METHOD=spawn, see tests/conftest.py): a setting that did not take tests nothing."""
    import multiprocessing

    asked = os.environ.get("ATLAS_START_METHOD")
    assert asked is None or multiprocessing.get_start_method() == asked


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc to find processes")
@pytest.mark.skipif(parallel.available_cores() < 2, reason="checks are shared only with a second core")
def test_the_checks_a_build_begins_are_stopped_when_it_fails(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from atlas.synthetic import write_corpus
    from atlas.validate import PARALLEL_FROM, load_framework
    from tests.test_build import copy_project
    from tests.test_search import load_hook

    project = copy_project(tmp_path / "project")
    framework, _ = load_framework(project / "framework", project)
    assert framework is not None
    write_corpus(project / "cases", PARALLEL_FROM, framework)
    before = children()
    hook = load_hook("atlas_pages")
    hook.on_startup(command="build", dirty=False)
    hook.on_config(SimpleNamespace(config_file_path=str(project / "mkdocs.yml"), copyright=None))
    build = hook._command.build
    assert build is not None and build.checks is not None and build.checks.shared is not None
    assert children() - before  # the spawned process has started
    hook.on_build_error(error=RuntimeError("a failed build"))
    assert build.checks is None and hook._command.build is None and children() - before == set()
    hook.on_shutdown()
