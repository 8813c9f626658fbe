"""Search: the Pagefind bundles, the copy of each page Pagefind reads, and the runs that index them.

Pagefind holds everything it indexes in memory at once, about 130 KB a page here, so a large site
is indexed in slices of at most ``SHARD_PAGES`` pages, each into a bundle of its own; the search
box merges them. More slices mean less memory but a larger first search. Each slice is read from
copies of its pages that hold just what is indexed, made from the HTML the site publishes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pagefind_bin
from markupsafe import Markup

from atlas import templating

# At most this many pages a bundle. Pagefind then holds about 60 MB at once, beside MkDocs, which
# holds the most at the end of a build, when the last slices are indexed. Pagefind's wasm is
# fetched once; each further bundle adds its metadata and an index chunk to a first search.
SHARD_PAGES = 500
# The last slice is indexed after MkDocs has written every page, while the build waits; the others
# are indexed on the second core as MkDocs writes the next. So the last is kept this small, and a
# site is cut into at least ``FEWEST_SLICES`` before it, so that indexing starts early in the writing.
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
# A run that has not finished in this long is stopped and the build fails: a slice of
# ``SHARD_PAGES`` pages takes a few seconds.
RUN_TIMEOUT = 600.0


class SearchIndexError(Exception):
    """Indexing failed: a run could not start, failed, or took too long; the message says which and why."""


def pagefind_command(site_dir: str | Path, output: str | Path | None = None) -> list[str]:
    """The Pagefind run over ``site_dir``: the pinned pagefind-bin binary, reading and writing only where told."""
    # The binary itself, not `python -m pagefind_bin`, whose wrapper runs it as a child on Windows:
    # stopping the wrapper there would leave the binary running. It downloads nothing.
    command = [str(pagefind_bin.get_executable()), "--site", str(site_dir), "--exclude-selectors", EXCLUDE, "--quiet"]
    return command + (["--output-path", str(output)] if output is not None else [])


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


@dataclass
class _Run:
    number: int
    process: subprocess.Popen[bytes]
    deadline: float


class Indexer:
    """One build's Pagefind runs, each over one slice of the site's pages, into a bundle of its own.

    Pages come in the order MkDocs writes them, and each slice is started as soon as its last page
    is in, so Pagefind works on the second core while MkDocs writes the next; one run at a time.
    Each run is a subprocess waited on with a timeout; ``stop`` ends any still going.
    """

    def __init__(
        self,
        copies: Path,
        site: Path,
        timeout: float = RUN_TIMEOUT,
        command: Callable[[Path, Path], list[str]] = pagefind_command,
    ) -> None:
        self.copies, self.site, self.timeout, self.command = copies, site, timeout, command
        self.sizes: list[int] = []
        # The slice being filled, and how many of its pages are in.
        self.number, self.written = 0, 0
        self.waiting: list[int] = []
        """Slices full and not yet started, in order."""
        self.running: _Run | None = None
        self.codes: dict[int, int] = {}
        """Each finished run's exit code."""

    def plan(self, sizes: Sequence[int]) -> None:
        """Slice the pages to come into runs of these sizes, in this order."""
        self.sizes, self.written = list(sizes), 0

    def add(self, dest_uri: str, copy: str) -> None:
        """Write one page's copy into the current slice, and start the slice once it is full and Pagefind is free."""
        path = self.copies / f"slice-{self.number}" / dest_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(copy, encoding="utf-8")
        self.written += 1
        if self.number < len(self.sizes) and self.written == self.sizes[self.number]:
            self.waiting.append(self.number)
            self.number, self.written = self.number + 1, 0
        self._advance(background=True)

    def _advance(self, background: bool) -> None:
        """Note the run that has ended, if it has, and start the next waiting slice."""
        if self.running is not None:
            code = self.running.process.poll()
            if code is None:
                if time.monotonic() > self.running.deadline:
                    self._fail_timeout()
                return
            self._ended(code)
        if self.waiting:
            self._start(self.waiting.pop(0), background)

    def _start(self, number: int, background: bool) -> None:
        folder = self.copies / f"slice-{number}"
        folder.mkdir(parents=True, exist_ok=True)
        # Pagefind works on every core unless told otherwise (its thread pool is Rayon's); while the
        # build goes on, it leaves MkDocs a core.
        env = {**os.environ, "RAYON_NUM_THREADS": "1"} if background else None
        with (self.copies / f"slice-{number}.log").open("wb") as out:
            try:
                process = subprocess.Popen(
                    self.command(folder, self.site / bundle_folder(number)),
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            except OSError as error:
                raise SearchIndexError(f"Pagefind could not start: {error}") from None
        self.running = _Run(number, process, time.monotonic() + self.timeout)

    def _ended(self, code: int) -> None:
        assert self.running is not None
        number = self.running.number
        self.codes[number], self.running = code, None
        shutil.rmtree(self.copies / f"slice-{number}", ignore_errors=True)

    def _fail_timeout(self) -> None:
        assert self.running is not None
        number = self.running.number
        self.stop()
        raise SearchIndexError(f"Pagefind took more than {self.timeout:g} s to index {self.copies / f'slice-{number}'}")

    def finish(self) -> list[str]:
        """Index what is left, wait for every run, and list the bundles; Pagefind's lines, or SearchIndexError."""
        if self.written or self.number == 0:
            # Pages the plan did not foresee, or none at all (Pagefind then says so).
            self.waiting.append(self.number)
            self.number += 1
        while self.running is not None or self.waiting:
            if self.running is not None:
                try:
                    code = self.running.process.wait(timeout=max(0.0, self.running.deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    self._fail_timeout()
                self._ended(code)
            self._advance(background=False)
        failed, said = [], []
        for number, code in sorted(self.codes.items()):
            # Pagefind writes its errors to stdout, some of them more than once.
            log = (self.copies / f"slice-{number}.log").read_text(encoding="utf-8", errors="replace").splitlines()
            lines = list(dict.fromkeys(line.strip() for line in log if line.strip()))
            if code != 0:
                failed.append(
                    f"Pagefind failed to index {self.copies / f'slice-{number}'} (exit {code}):\n  "
                    + "\n  ".join(lines[-20:] or ["(no output)"])
                )
            said += lines
        if failed:
            raise SearchIndexError(
                "\n".join(failed) + "\nIs pagefind-bin installed? `make` installs requirements.txt into .venv."
            )
        (self.site / bundle_folder(0) / BUNDLES_FILE).write_text(bundles_file(self.number), encoding="utf-8")
        return said

    def stop(self) -> None:
        """End the run still going, if any, and wait for it to go: the build has failed or been stopped."""
        if self.running is not None:
            stop_process(self.running.process)
            self.running = None
        self.waiting.clear()


# How long a stopped process is given to go before a second attempt is abandoned.
STOP_TIMEOUT = 10.0


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and wait, with a timeout, for it to go."""
    process.kill()
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
