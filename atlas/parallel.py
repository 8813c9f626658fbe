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
    """``[fn(item) for item in items]``, in up to ``workers`` spawned processes; TimeoutError after ``timeout`` s.

    ``fn`` must be a module-level function, and it and the items are pickled: a spawned process
    starts afresh and imports what it needs, as on macOS and Windows. No process outlives the call,
    however it ends (leaving the pool's block kills its processes).
    """
    with multiprocessing.get_context("spawn").Pool(max(1, min(workers, len(items)))) as pool:
        try:
            return pool.map_async(fn, items, chunksize=1).get(timeout)
        except multiprocessing.TimeoutError:
            raise TimeoutError(f"the work was not done within {timeout:g} s") from None
