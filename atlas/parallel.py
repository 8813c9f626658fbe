"""Work shared among forked processes, for a build on several cores; everywhere else it runs here, in order."""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.sharedctypes import Synchronized
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """How many processors this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def fork_is_safe() -> bool:
    """Whether this platform survives forking: Linux does; macOS's system libraries may not.

    Callers fork only in a build or ``make check``, never in a preview, whose server threads make
    forking unsafe anywhere.
    """
    return sys.platform == "linux"


def can_fork(workers: int) -> bool:
    """Whether to fork ``workers`` processes: more than one asked for, where forking is safe."""
    return workers > 1 and fork_is_safe()


def start(fn: Callable[[T], R], items: Sequence[T], workers: int) -> Callable[[], list[R]]:
    """Start ``fn`` on each of ``items`` in ``workers`` forked processes; what it returns waits for the results.

    The processes are forked, so ``fn`` and what it reads are not copied to them, and each takes
    the next item as it finishes one, so a few large items do not leave a process idle; only the
    results come back, in the order of ``items``. With one worker, or where forking is unsafe,
    ``fn`` runs when the results are asked for.
    """
    if not can_fork(workers) or len(items) < 2:
        return lambda: [fn(item) for item in items]
    context = multiprocessing.get_context("fork")
    # The next item to take, shared: a queue filled here in advance would block once its pipe was
    # full, while the workers blocked sending results that nobody was reading yet.
    following = context.Value("l", 0)
    running = []
    for _ in range(min(workers, len(items))):
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(fn, items, following, send), daemon=True)
        process.start()
        send.close()  # the child's end; this process keeps only its own
        running.append((process, receive))

    def results() -> list[R]:
        out: dict[int, R] = {}
        failures = []
        waiting = {receive: process for process, receive in running}
        # Each result comes as soon as it is made, from whichever process made it, so that no more
        # than one a process is ever held in transit, however large the whole.
        while waiting:
            for receive in wait(list(waiting)):
                assert isinstance(receive, Connection)
                try:
                    message = receive.recv()
                except EOFError:
                    message = (_FAILED, "the process ended without saying it had finished")
                if message[0] == _RESULT:
                    out[message[1]] = message[2]
                    continue
                if message[0] == _FAILED:
                    failures.append(message[1])
                process = waiting.pop(receive)
                process.join()
                if process.exitcode:
                    failures.append(f"a worker process ended with exit code {process.exitcode}")
        if failures:
            raise RuntimeError("a forked worker failed:\n" + "\n".join(failures))
        return [out[i] for i in range(len(items))]

    return results


# What a worker process sends: a result, with its item's place; that it has finished; or why it failed.
_RESULT, _FINISHED, _FAILED = "result", "finished", "failed"


def _work(fn: Callable[[Any], Any], items: Sequence[Any], following: Synchronized[int], send: Connection) -> None:
    try:
        while True:
            with following.get_lock():
                i = following.value
                following.value = i + 1
            if i >= len(items):
                break
            send.send((_RESULT, i, fn(items[i])))
        send.send((_FINISHED,))
    except BaseException:  # reported by the parent, which raises it in the build
        send.send((_FAILED, traceback.format_exc()))
    send.close()
