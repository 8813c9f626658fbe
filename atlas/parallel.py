"""Work shared among processes, one a core: the standard library's process pool, started by spawning on every OS."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """How many processors this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def map_in_processes(fn: Callable[[T], R], items: Sequence[T], workers: int, timeout: float) -> list[R]:
    """``[fn(item) for item in items]`` on ``workers`` cores, here and in spawned processes, within ``timeout`` s.

    The first item is done here, while up to ``workers - 1`` spawned processes do the rest, so
    this process works rather than waits while they start; TimeoutError if they have not finished
    in time. ``fn`` must be a module-level function, and it and the other items are pickled: a
    spawned process starts afresh and imports what it needs, as on macOS and Windows. No process
    outlives the call, however it ends (leaving the pool's block kills its processes).
    """
    if workers < 2 or len(items) < 2:
        return [fn(item) for item in items]
    with multiprocessing.get_context("spawn").Pool(min(workers - 1, len(items) - 1)) as pool:
        rest = pool.map_async(fn, items[1:], chunksize=1)
        first = fn(items[0])
        try:
            return [first, *rest.get(timeout)]
        except multiprocessing.TimeoutError:
            raise TimeoutError(f"the work was not done within {timeout:g} s") from None
