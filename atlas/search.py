"""Search: the Pagefind bundles, the copy of each page Pagefind reads, and the services that index them.

Pagefind holds everything it indexes in memory at once, about 130 KB a page here, so a large site
is indexed in slices of at most ``SHARD_PAGES`` pages, each into a bundle of its own; the search
box merges them. More slices mean less memory but a larger first search. Pagefind is handed a copy
of each page that holds just what is indexed, made from the HTML the site publishes, through its
service's input: nothing is written to disk for it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pagefind_bin
from markupsafe import Markup

from atlas import templating

# At most this many pages a bundle. Pagefind then holds about 60 MB at once, beside MkDocs, which
# holds the most at the end of a build, when the last slices are indexed. Pagefind's wasm is
# fetched once; each further bundle adds its metadata and an index chunk to a first search.
SHARD_PAGES = 500
# The last slice's bundle is made after MkDocs has written every page, while the build waits; the
# others are made on the second core as MkDocs writes the next. So the last is kept this small, and
# a site is cut into at least ``FEWEST_SLICES`` before it, so that bundles are made early in the writing.
LAST_SLICE = 100
FEWEST_SLICES = 4
# In the first bundle's folder: the folders of the others, for the search box to merge.
BUNDLES_FILE = "atlas-bundles.json"
# The opening of Material's content area. Only pages whose article carries data-pagefind-body are
# indexed, and only inside it: the header, nav, footer and the theme's buttons stay out.
ARTICLE = '<article class="md-content__inner md-typeset"'
# Left out of every page's entry: the related cases (they carry data-search-exclude), the citation
# (the title again, and the same words on every case) and the pilcrows.
EXCLUDE = "[data-search-exclude], .atlas-cite, .headerlink"
# A bundle not written this long after its slice's last page was sent fails the build, and its
# service is stopped: a slice of ``SHARD_PAGES`` pages takes a few seconds.
RUN_TIMEOUT = 600.0
# Requests are handed to the thread that writes them when this many bytes have built up, and when
# a bundle is asked for.
HAND_OVER = 64 * 1024
# How often the replies are read while the build waits for the last bundles.
POLL_EVERY = 0.01


class SearchIndexError(Exception):
    """Indexing failed: Pagefind could not start, failed, or took too long; the message says which and why."""


def pagefind_command(site_dir: str | Path) -> list[str]:
    """The Pagefind run over ``site_dir``, writing its bundle into it: the pinned pagefind-bin binary."""
    # The binary itself, not `python -m pagefind_bin`, whose wrapper runs it as a child on Windows:
    # stopping the wrapper there would leave the binary running. It downloads nothing.
    return [str(pagefind_bin.get_executable()), "--site", str(site_dir), "--exclude-selectors", EXCLUDE, "--quiet"]


def service_command(site_dir: str | Path) -> list[str]:
    """Pagefind as a service for the build of ``site_dir``: pages come on its input, replies go to its output."""
    # The service reads no --site (each index is told where to write); it is given one only so that
    # its command line names the site it is indexing, for whoever lists the running processes.
    return [str(pagefind_bin.get_executable()), "--service", "--site", str(site_dir)]


def bundle_folder(number: int) -> str:
    """The site folder of bundle ``number`` (from 0): ``pagefind`` for the first, then ``pagefind-2`` and on."""
    return "pagefind" if number == 0 else f"pagefind-{number + 1}"


def slice_sizes(count: int, size: int = SHARD_PAGES) -> list[int]:
    """How many of ``count`` pages go in each slice: as few slices of at most ``size`` as will do, as even as can be."""
    if size < 1:
        raise ValueError(f"a slice must hold at least one page, not {size}")
    slices = -(-count // size)
    return [(i + 1) * count // slices - i * count // slices for i in range(slices)]


def build_slices(count: int, size: int = SHARD_PAGES, last: int = LAST_SLICE, fewest: int = FEWEST_SLICES) -> list[int]:
    """Slices for ``count`` pages written in turn: at least ``fewest`` even ones of at most ``size``, then ``last``."""
    if count <= last or size <= last:
        return slice_sizes(count, size)
    rest = count - last
    return [*slice_sizes(rest, max(1, min(size, -(-rest // fewest)))), last]


def bundles_file(count: int) -> str:
    """The JSON list of the other bundles' folders, relative to the first bundle's."""
    return json.dumps([f"../{bundle_folder(i)}/" for i in range(1, count)])


def mark(page_html: str) -> str:
    """The published page with its article marked for Pagefind; ValueError if it has no article."""
    if ARTICLE not in page_html:
        raise ValueError(f"no {ARTICLE}> to index; has the theme changed its page layout?")
    return page_html.replace(ARTICLE, ARTICLE + " data-pagefind-body", 1)


def search_copy(lang: str, marked_html: str) -> str:
    """The copy Pagefind reads of a marked page: its language and its article, cut from the page readers get."""
    article = marked_html[marked_html.index(ARTICLE) : marked_html.rindex("</article>") + len("</article>")]
    return templating.page("search_copy.html", lang=lang, article=Markup(article))


def message(number: int, payload: dict[str, object]) -> bytes:
    """One request to Pagefind's service: its JSON in base64, ended by a comma."""
    return base64.b64encode(json.dumps({"message_id": number, "payload": payload}).encode("utf-8")) + b","


def replies(data: bytes) -> tuple[list[dict[str, Any]], bytes]:
    """The whole replies in ``data`` from Pagefind's service, and what is left of one still being written."""
    *whole, rest = data.split(b",")
    return [json.loads(base64.b64decode(reply)) for reply in whole], rest


class _Run:
    """One slice's Pagefind service: a process of its own, fed its pages on its input, replying to a file.

    The service ends the moment its input closes, whatever it is doing, so the input is closed only
    once the reply saying the bundle is written has come. Its input is written by a thread of this
    run's own, as ``subprocess.communicate`` writes a child's input on Windows: a write to a pipe
    waits while the pipe is full, and only a thread can be given up on, by stopping Pagefind, once it
    has waited too long. Its replies and errors go to files in a folder of the site's, which the
    next build clears if this one is killed before it can.
    """

    def __init__(self, number: int, command: list[str], site: Path, timeout: float) -> None:
        self.number, self.site, self.timeout = number, site, timeout
        self.sent = 0
        """Requests sent so far; the next one's id."""
        self.about: dict[int, str] = {}
        """What each request was for, by its id, to name in a problem."""
        self.bundle: int | None = None
        """The id of the request to write the bundle, once sent."""
        self.deadline = float("inf")
        self.done = False
        """Whether the bundle is written."""
        self.indexed = 0
        self.problems: list[str] = []
        self._rest = b""
        self._replies: BinaryIO | None = None
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._held = bytearray()
        """Requests sent and not yet handed to the thread."""
        self._since: float | None = None
        """When the write under way began; None while none is."""
        self._broken = False
        """Whether a write failed: Pagefind has closed its input."""
        site.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix="atlas-search-", dir=site))
        # Pagefind's output is opened apart from the file its replies are read through, so that
        # reading moves no place Pagefind writes at. Pagefind works on every core unless told
        # otherwise (its thread pool is Rayon's); while the build goes on, it leaves MkDocs a core.
        try:
            with (self.folder / "replies").open("wb") as out, (self.folder / "errors").open("wb") as errors:
                self.process = subprocess.Popen(
                    command,
                    stdin=subprocess.PIPE,
                    stdout=out,
                    stderr=errors,
                    env={**os.environ, "RAYON_NUM_THREADS": "1"},
                )
        except OSError as error:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise SearchIndexError(f"Pagefind could not start: {error}") from None
        self._feeder = threading.Thread(target=self._feed, name=f"pagefind-input-{number}", daemon=True)
        try:
            self._replies = (self.folder / "replies").open("rb")
            self._feeder.start()
            self.send({"type": "NewIndex", "config": {"exclude_selectors": [EXCLUDE]}}, about="a new index")
            self._hand_over()
        except BaseException:
            self.close()
            raise

    def _feed(self) -> None:
        """Write each request sent, in order, to Pagefind's input, until told to stop or a write fails."""
        assert self.process.stdin is not None
        while (data := self._outbox.get()) is not None:
            self._since = time.monotonic()
            try:
                self.process.stdin.write(data)
                self.process.stdin.flush()
            except (OSError, ValueError):  # Pagefind has gone, or its input has been closed
                self._broken = True
                return
            finally:
                self._since = None

    def send(self, payload: dict[str, object], about: str) -> None:
        """Send one request, saying what it is for; SearchIndexError if Pagefind has stopped taking them."""
        if self._broken:
            raise self.gone()
        self.about[self.sent] = about
        # Handed to the thread some at a time: a hand-over for each page cost more than the writing.
        self._held += message(self.sent, payload)
        self.sent += 1
        if len(self._held) >= HAND_OVER:
            self._hand_over()

    def _hand_over(self) -> None:
        if self._held:
            self._outbox.put(bytes(self._held))
            self._held.clear()

    def write(self, output: Path) -> None:
        """Ask for the bundle, to be written within the timeout."""
        self.bundle, self.deadline = self.sent, time.monotonic() + self.timeout
        self.send({"type": "WriteFiles", "index_id": 0, "output_path": str(output)}, about="the bundle")
        self._hand_over()

    def stuck(self) -> bool:
        """Whether a write to Pagefind's input has waited longer than the timeout: Pagefind takes nothing."""
        since = self._since
        return since is not None and time.monotonic() - since > self.timeout

    def collect(self) -> None:
        """Read the replies written since the last look: count pages indexed, note problems and the bundle written."""
        assert self._replies is not None
        data = self._replies.read()
        if not data:
            return
        try:
            answers, self._rest = replies(self._rest + data)
        except ValueError as error:
            self.problems.append(f"a reply from Pagefind could not be read: {error}")
            return
        for answer in answers:
            number, payload = answer.get("message_id"), answer.get("payload", {})
            kind = payload.get("type")
            if kind == "IndexedFile":
                self.indexed += 1
            elif kind == "Error":
                about = self.about.get(number, "a request") if isinstance(number, int) else "a request"
                self.problems.append(f"Pagefind could not index {about}: {payload.get('message')}")
            elif kind == "WriteFiles" and number == self.bundle:
                self.done = True

    def ended(self) -> bool:
        """Whether Pagefind has stopped, for whatever reason, or stopped taking requests."""
        return self._broken or self.process.poll() is not None

    def gone(self) -> SearchIndexError:
        """The error for a service that has stopped before its bundle was written: its exit code and what it said."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=STOP_TIMEOUT)  # it has stopped, or is stopping, taking requests
        code = "unknown" if self.process.returncode is None else self.process.returncode
        return SearchIndexError(f"Pagefind stopped (exit {code}) while indexing {self.site}:\n  {self.said()}")

    def said(self) -> str:
        """What Pagefind wrote to its error output, each line once, or that it wrote nothing."""
        errors = self.folder / "errors"
        text = errors.read_text(encoding="utf-8", errors="replace") if errors.is_file() else ""
        lines = list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
        return "\n  ".join(lines[-20:] or ["(no output)"])

    def close(self) -> None:
        """End the service, waited for: its input closed once its bundle is written, else killed; its files cleared."""
        try:
            self._outbox.put(None)  # the thread ends once what was sent before is written
            if self.done and self.process.poll() is None:
                self._feeder.join(timeout=STOP_TIMEOUT)
                if not self._feeder.is_alive():
                    assert self.process.stdin is not None
                    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                        self.process.stdin.close()
                        self.process.wait(timeout=STOP_TIMEOUT)
            # Killed if still running: a write the thread is waiting on then fails at once.
            with contextlib.suppress(subprocess.TimeoutExpired):
                stop_process(self.process)
            if self._feeder.is_alive():
                self._feeder.join(timeout=STOP_TIMEOUT)
            if self.process.stdin is not None and not self._feeder.is_alive():
                with contextlib.suppress(OSError):
                    self.process.stdin.close()
        finally:
            if self._replies is not None:
                self._replies.close()
            shutil.rmtree(self.folder, ignore_errors=True)


class Indexer:
    """One build's search index: each slice of its pages handed to a Pagefind service as MkDocs writes them.

    The pages are cut into slices, each indexed into a bundle of its own (see ``build_slices``).
    Pagefind reads a slice's pages from a pipe as they come and indexes them on the second core while
    MkDocs writes the next, so no copy of a page is written to disk. Each slice has a service of its
    own, which ends once its bundle is written, so the memory it took is let go. One runs at a time:
    pages that come while a bundle is being written wait here, a few small copies, until it is done.
    Replies go to a file, read as pages come and at the end, so no reply is waited for while MkDocs
    writes. A bundle must be written within ``timeout`` of its slice's last page being sent; ``stop``
    ends the service.
    """

    def __init__(
        self,
        site: Path,
        timeout: float = RUN_TIMEOUT,
        command: Callable[[Path], list[str]] = service_command,
    ) -> None:
        self.site, self.timeout, self.command = site, timeout, command
        self.sizes: list[int] = []
        # The slice being filled, and how many of its pages have come.
        self.number, self.written = 0, 0
        self.waiting: deque[tuple[str, str] | None] = deque()
        """Pages not yet sent, in order, each slice's ended by None: its bundle is to be written."""
        self.filling: _Run | None = None
        """The service taking the pages of a slice."""
        self.writing: _Run | None = None
        """The service writing a full slice's bundle."""
        self.started = 0
        """Services started so far: the number of the next one's slice."""
        self.indexed = 0

    def plan(self, sizes: Sequence[int]) -> None:
        """Slice the pages to come into bundles of these sizes, in this order."""
        self.sizes, self.written = list(sizes), 0

    def add(self, dest_uri: str, copy: str) -> None:
        """Hand Pagefind one page's copy, and ask for its slice's bundle once the slice is full."""
        self.waiting.append((dest_uri, copy))
        self.written += 1
        if self.number < len(self.sizes) and self.written == self.sizes[self.number]:
            self._end_slice()
        self._advance()

    def _end_slice(self) -> None:
        self.waiting.append(None)
        self.number, self.written = self.number + 1, 0

    def _advance(self) -> None:
        """End the service whose bundle is written, and send what is waiting while no bundle is being written.

        SearchIndexError, with every service stopped, if Pagefind failed or a bundle is past its time.
        """
        try:
            if self.writing is not None:
                self._check(self.writing)
            while self.waiting and self.writing is None:
                item = self.waiting.popleft()
                if self.filling is None:
                    self.filling = _Run(self.started, self.command(self.site), self.site, self.timeout)
                    self.started += 1
                if item is None:
                    self.filling.write(self.site / bundle_folder(self.filling.number))
                    self.writing, self.filling = self.filling, None
                    self._check(self.writing)
                else:
                    # The file's path in the site: Pagefind makes the page's address from it, as when it reads the site.
                    uri, copy = item
                    self.filling.send(
                        {"type": "AddFile", "index_id": 0, "file_path": uri, "file_contents": copy}, about=uri
                    )
            if self.filling is not None and self.filling.stuck():
                self._took_too_long(self.filling)
        except SearchIndexError:
            self.stop()
            raise

    def _check(self, run: _Run) -> None:
        """Note what ``run`` has replied; once its bundle is written, end it."""
        ended = run.ended()
        # Read after seeing whether it has ended, so that what it replied before it ended is read.
        run.collect()
        if run.problems:
            raise SearchIndexError(f"Pagefind failed to index {self.site}:\n  " + "\n  ".join(run.problems))
        if run.done:
            self.indexed += run.indexed
            run.close()
            self.writing = None
        elif ended:
            raise run.gone()
        elif time.monotonic() > run.deadline or run.stuck():
            self._took_too_long(run)

    def _took_too_long(self, run: _Run) -> None:
        raise SearchIndexError(
            f"Pagefind took more than {self.timeout:g} s to index slice {run.number + 1} of {self.site}"
        )

    def finish(self) -> list[str]:
        """Index what is left, wait for every bundle to be written, and list them; or SearchIndexError."""
        if self.written:
            self._end_slice()  # pages the plan did not foresee
        if self.number == 0:
            raise SearchIndexError(f"no page of {self.site} asks to be found by search; has the theme changed?")
        self._advance()
        while self.waiting or self.writing is not None:
            time.sleep(POLL_EVERY)
            self._advance()
        (self.site / bundle_folder(0) / BUNDLES_FILE).write_text(bundles_file(self.number), encoding="utf-8")
        return [f"{self.indexed} pages indexed into {self.number} bundles"]

    def stop(self) -> None:
        """End the service still running, if any, and wait for it to go: the build has failed or been stopped."""
        for run in (self.writing, self.filling):
            if run is not None:
                run.close()
        self.writing, self.filling = None, None
        self.waiting.clear()


# How long a stopped process is given to go before a second attempt is abandoned.
STOP_TIMEOUT = 10.0


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process``, if it is still running, and wait, with a timeout, for it to go."""
    process.kill()  # nothing, if it has ended and been waited for
    process.wait(timeout=STOP_TIMEOUT)


class Preview:
    """Under ``mkdocs serve``: one Pagefind run over the whole site after each rebuild, the last one stopped first."""

    def __init__(self, command: Callable[[Path], list[str]] = pagefind_command) -> None:
        self.command = command
        self.running: subprocess.Popen[bytes] | None = None

    def index(self, site: Path) -> None:
        """Start indexing ``site`` in the background, after stopping a run over an earlier rebuild."""
        self.stop()
        # A preview's site is small enough for one bundle.
        (site / bundle_folder(0)).mkdir(parents=True, exist_ok=True)
        (site / bundle_folder(0) / BUNDLES_FILE).write_text(bundles_file(1), encoding="utf-8")
        try:
            self.running = subprocess.Popen(self.command(site), stdin=subprocess.DEVNULL)
        except OSError as error:
            raise SearchIndexError(f"Pagefind could not start: {error}") from None

    def stop(self) -> None:
        """End the run still going, if any, and wait for it to go."""
        if self.running is not None:
            if self.running.poll() is None:
                stop_process(self.running)
            self.running = None
