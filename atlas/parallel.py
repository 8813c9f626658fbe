"""Work shared among processes, one a core: spawned processes from the standard library, on every OS."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import Synchronized

A = TypeVar("A")
T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """How many processors this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Shared(Generic[A, T, R]):
    """``[make(arg)(item) for item in items]``, begun now in spawned processes; this process joins in later.

    The items are taken a chunk at a time, in order, by whichever process is free, so a process that
    starts late or meets slow items leaves none of the others idle. A spawned process starts afresh
    and imports what it needs, as on macOS and Windows: ``make`` must be a module-level function, and
    it, ``arg`` and the items are pickled. ``make`` runs once in each spawned process, so what the work
    shares (a checker, say) is made once there. Every process is stopped by ``join`` or ``stop``,
    however the work ends.
    """

    def __init__(self, make: Callable[[A], Callable[[T], R]], arg: A, items: Sequence[T], workers: int, chunk: int):
        self.items = list(items)
        self._chunk = max(1, chunk)
        self._chunks = -(-len(self.items) // self._chunk)
        context = multiprocessing.get_context("spawn")
        self._next: Synchronized[int] = context.Value("q", 0)
        self._done: dict[int, list[R]] = {}
        self._processes: list[BaseProcess] = []
        self._connections: list[Connection] = []
        for _ in range(min(workers - 1, self._chunks)):
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(
                target=_work, args=(make, arg, self.items, self._chunk, self._next, sending), daemon=True
            )
            process.start()
            sending.close()  # the spawned process has its own copy; this end only receives
            self._processes.append(process)
            self._connections.append(receiving)

    def join(self, fn: Callable[[T], R], timeout: float) -> list[R]:
        """Every item's result, in order: this process takes chunks with ``fn`` too, then waits for the rest.

        TimeoutError if the other processes have not finished within ``timeout`` s; a failure in one
        of them is raised here.
        """
        deadline = time.monotonic() + timeout
        try:
            while (number := self._take()) < self._chunks:
                start = number * self._chunk
                self._done[number] = [fn(item) for item in self.items[start : start + self._chunk]]
            # Every process reports, even one that had nothing left to take, so none fails unseen.
            while self._connections:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the work was not done within {timeout:g} s")
                self._receive(left)
            return [result for number in range(self._chunks) for result in self._done[number]]
        finally:
            self.stop()
            self._done = {}  # the caller has the results; whoever keeps this object need not keep them

    def stop(self) -> None:
        """Stop the spawned processes, whether or not their work is done."""
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        for process in self._processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=10)
        for connection in self._connections:
            connection.close()
        self._processes, self._connections = [], []

    def _take(self) -> int:
        with self._next.get_lock():
            number = self._next.value
            self._next.value = number + 1
        return number

    def _receive(self, timeout: float) -> None:
        """Read what the spawned processes have sent, waiting up to ``timeout`` s for the first of it."""
        for connection in wait(self._connections, timeout):
            assert isinstance(connection, Connection)
            try:
                message = connection.recv()
            except EOFError:
                raise RuntimeError("a process sharing the work ended before it was done") from None
            if message[0] == "error":
                raise message[1]
            self._done.update(message[1])
            self._connections.remove(connection)
            connection.close()


def _work(
    make: Callable[[A], Callable[[T], R]],
    arg: A,
    items: Sequence[T],
    chunk: int,
    next_chunk: Synchronized[int],
    sending: Connection,
) -> None:
    """A spawned process's part: take chunks until none is left, then send their results."""
    try:
        fn = make(arg)
        done: dict[int, list[R]] = {}
        while True:
            with next_chunk.get_lock():
                number = next_chunk.value
                next_chunk.value = number + 1
            part = items[number * chunk : (number + 1) * chunk]
            if not part:
                break
            done[number] = [fn(item) for item in part]
        # Sent once, at the end: a pipe holds little, and the process that joins reads it only when it
        # has time, so sending each chunk as it was done would hold this process up until then.
        sending.send(("done", done))
    except Exception as error:  # sent to the process that joins, which raises it
        try:
            sending.send(("error", error))
        except Exception:  # an error that cannot be pickled is sent as its words
            sending.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        sending.close()
