"""MkDocs hook: index the built site with Pagefind, whose chunked index a search downloads only in part."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import logging
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError

from atlas.parallel import fork_is_safe
from atlas.search import (
    BUNDLES_FILE,
    SHARD_PAGES,
    bundle_folder,
    bundles_file,
    finished_copy,
    indexed_copy,
    slice_sizes,
)
from atlas.serving import is_preview

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# A mkdocs.* logger, so its lines show in the build's log; INFO, so they never fail a --strict build.
log = logging.getLogger("mkdocs.hooks.search")

# The opening of Material's content area. Only pages whose article carries data-pagefind-body are
# indexed, and only inside it: the header, nav, footer and the theme's buttons stay out.
ARTICLE = '<article class="md-content__inner md-typeset"'
# Left out of every page's entry: the related cases (they carry data-search-exclude, as for the old
# lunr index), the citation (the title again, and the same words on every case) and the pilcrows.
EXCLUDE = "[data-search-exclude], .atlas-cite, .headerlink"


def pagefind_command(site_dir: str, output: str | None = None) -> list[str]:
    """The Pagefind run over ``site_dir``: the pinned pagefind-bin binary, reading and writing only where told."""
    # pagefind_bin's own entry point runs the binary installed with it (no download, no network);
    # the index goes to <site_dir>/pagefind/ unless ``output`` names another folder.
    command = [sys.executable, "-m", "pagefind_bin", "--site", site_dir, "--exclude-selectors", EXCLUDE, "--quiet"]
    return command + (["--output-path", output] if output else [])


# Inside the site folder, so a build that fails leaves nothing elsewhere (the next build clears
# it); not a dot-folder, which MkDocs' clearing would keep.
COPIES = "atlas-search-copies"


def _write_copy(folder: Path, dest_uri: str, copy: str) -> None:
    path = folder / dest_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(copy, encoding="utf-8")


def _start_run(copies: Path, site: Path, number: int, background: bool = False) -> subprocess.Popen[bytes]:
    """Start Pagefind over slice ``number``'s copies, into bundle ``number``; what it says goes to the slice's log.

    A ``background`` run, started by the case pages' indexing process, works on one core and dies with that process.
    """
    folder = copies / f"slice-{number}"
    folder.mkdir(parents=True, exist_ok=True)
    # Pagefind works on every core unless told otherwise (its thread pool is Rayon's); a run in the
    # background leaves MkDocs its core.
    env = {**os.environ, "RAYON_NUM_THREADS": "1"} if background else None
    with (copies / f"slice-{number}.log").open("wb") as out:
        command = pagefind_command(str(folder), str(site / bundle_folder(number)))
        try:
            return subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                # The indexing process has no threads, so a function may run between fork and exec.
                preexec_fn=functools.partial(_die_with_parent, os.getpid()) if background else None,
            )
        except OSError as error:
            raise PluginError(f"Pagefind could not start: {error}") from None


def _index_finished(
    copies: Path, site: Path, lang: str, pages: list[tuple[str, Callable[[], str]]], sizes: list[int], first: int
) -> None:
    """Write each slice's copies and index it, a slice at a time, each run's exit code beside its log."""
    pages.reverse()  # taken from the end, one at a time
    previous: tuple[int, subprocess.Popen[bytes]] | None = None
    for number, size in enumerate(sizes, start=first):
        for _ in range(size):
            uri, html = pages.pop()
            _write_copy(copies / f"slice-{number}", uri, finished_copy(lang, html()))
        if previous is not None:
            _wait_run(copies, *previous)  # one run at a time: MkDocs has the other core
        previous = (number, _start_run(copies, site, number, background=True))
    if previous is not None:
        _wait_run(copies, *previous)


def _index_in_own_group(parent: int, *args: Any) -> None:
    """``_index_finished(*args)`` in a forked process that leads a process group, with every run it starts."""
    os.setpgid(0, 0)  # the parent sets it too: whichever comes first, the group is there before any run
    # Out of the build's group, a signal that kills the build (Ctrl-C, a timeout) no longer reaches
    # this process, and the build's exit handlers do not run then; so it dies with the build instead.
    _die_with_parent(parent)
    _index_finished(*args)


# Linux's prctl option that asks for a signal when the parent ends.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent ends, and end now if it already has."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:
        os._exit(1)  # the parent ended before the request was made


def _wait_run(copies: Path, number: int, run: subprocess.Popen[bytes]) -> None:
    """Wait for slice ``number``'s run, note its exit code beside its log, and remove its copies."""
    (copies / f"slice-{number}.exit").write_text(str(run.wait()), encoding="utf-8")
    shutil.rmtree(copies / f"slice-{number}")


class _Indexer:
    """This build's Pagefind runs, each over one slice of the site's pages, into a bundle of its own.

    The pages the atlas finished before MkDocs built anything (the case pages) are indexed first,
    a slice at a time, by a process of their own that starts at once. The other pages are sliced
    in the order MkDocs writes them, and each slice starts as soon as its last page is written. So
    Pagefind works on the second core while MkDocs builds. Made anew for each build and kept on its configuration.
    """

    def __init__(self, copies: Path, site: Path) -> None:
        self.copies, self.site = copies, site
        # The slices indexed by the process, and the process; then the runs this process started.
        self.early_numbers: range = range(0)
        self.early: set[str] = set()
        self.process: multiprocessing.process.BaseProcess | None = None
        self.runs: list[tuple[int, subprocess.Popen[bytes]]] = []
        # The next bundle's number, the plan for the pages MkDocs writes (numbered after the process's
        # slices), and how many of the current slice are in.
        self.number, self.written = 0, 0
        self.sizes: list[int] = []

    def index_finished(self, pages: list[tuple[str, Callable[[], str]]], lang: str, size: int) -> None:
        """Index ``pages`` (each page's file in the site and how to make its HTML) in slices, in the background."""
        self.early = {uri for uri, _ in pages}
        sizes = slice_sizes(len(pages), size)
        self.early_numbers = range(self.number, self.number + len(sizes))
        self.number += len(sizes)
        args = (os.getpid(), self.copies, self.site, lang, pages, sizes, self.early_numbers.start)
        # A process, not a thread: a thread writing files waits for the interpreter's lock behind
        # MkDocs at every step. Forked (callers check fork_is_safe), so it starts with the pages in
        # memory, and given a process group of its own, so that stop() can end it and its runs together.
        self.process = multiprocessing.get_context("fork").Process(target=_index_in_own_group, args=args)
        # If the build fails, MkDocs tells no hook that has this build's configuration; so the
        # indexing is stopped as this process ends (and, if it is killed, see _die_with_parent).
        atexit.register(self.stop)
        self.process.start()
        pages.clear()  # the process has its own; here they would only hold each page's parts to the end
        assert self.process.pid is not None
        with contextlib.suppress(ProcessLookupError):  # ended already: a small site's slices are quick
            os.setpgid(self.process.pid, self.process.pid)

    def plan(self, sizes: list[int]) -> None:
        """Slice the pages MkDocs writes (those not indexed already) into runs of these sizes, in that order."""
        self.sizes, self.written = sizes, 0

    def add(self, dest_uri: str, copy: str) -> None:
        """Write one page's cut-down copy into the current slice, and start the slice once it is full."""
        _write_copy(self.copies / f"slice-{self.number}", dest_uri, copy)
        self.written += 1
        planned = self.number - self.early_numbers.stop
        if planned < len(self.sizes) and self.written == self.sizes[planned]:
            self._start()

    def _start(self) -> None:
        self.runs.append((self.number, _start_run(self.copies, self.site, self.number)))
        self.number, self.written = self.number + 1, 0

    def finish(self) -> None:
        """Start what is left, wait for every run, and list the bundles; stop the build if a run failed."""
        if self.process is not None:
            self.process.join()
            if self.process.exitcode != 0:
                code = self.process.exitcode
                self.stop()  # its runs, and this process's, must not go on writing into the site
                raise PluginError(f"Indexing the case pages for search failed (exit {code}); its error is above")
            atexit.unregister(self.stop)
        if self.written or self.number == 0:
            self._start()  # pages the plan did not foresee, or none at all (Pagefind then says so)
        codes = {n: int((self.copies / f"slice-{n}.exit").read_text(encoding="utf-8")) for n in self.early_numbers}
        codes.update((number, run.wait()) for number, run in self.runs)
        failed = []
        for number, code in sorted(codes.items()):
            # Pagefind writes its errors to stdout, some of them more than once.
            lines = (self.copies / f"slice-{number}.log").read_text(encoding="utf-8", errors="replace").splitlines()
            lines = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
            if code != 0:
                failed.append(
                    f"Pagefind failed to index {self.copies / f'slice-{number}'} (exit {code}):\n  "
                    + "\n  ".join(lines[-20:] or ["(no output)"])
                )
            for line in lines:
                log.info("Pagefind: %s", line)
        if failed:
            raise PluginError(
                "\n".join(failed) + "\nIs pagefind-bin installed? `make` installs requirements.txt into .venv."
            )
        (self.site / bundle_folder(0) / BUNDLES_FILE).write_text(bundles_file(self.number), encoding="utf-8")

    def stop(self) -> None:
        """End the indexing process and every run it started, and this process's runs: the build has failed."""
        if self.process is not None and self.process.pid is not None:
            # The group outlives its leader while any run it started is alive, so it is killed
            # even when the process itself has ended.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.join()
        for _, run in self.runs:
            run.kill()
            run.wait()


def _searchable(page: Page) -> bool:
    search = page.meta.get("search")
    return not (isinstance(search, dict) and search.get("exclude"))


def _shard_pages(config: MkDocsConfig) -> int:
    return int(config.extra.get("search_shard_pages", SHARD_PAGES))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Start indexing the pages the atlas has finished (its hook runs first), while MkDocs builds the site."""
    if not is_preview(config.site_dir, config.site_url, config.dev_addr):
        site = Path(config.site_dir)
        indexer = _Indexer(site / COPIES, site)
        config.extra["atlas_search"] = indexer
        finished = config.extra.get("atlas_finished_pages", [])
        # Where forking is unsafe, the case pages are indexed as MkDocs writes them, like the rest.
        if fork_is_safe() and finished:
            indexer.index_finished(finished, config.theme["language"], _shard_pages(config))
    return files


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Plan the other pages' slices, now that every page's front matter has been read (see atlas/search.py)."""
    indexer = config.extra.get("atlas_search")
    if isinstance(indexer, _Indexer):
        pages = [f.page for f in files.documentation_pages() if f.page is not None]
        early = [p.file.src_uri for p in pages if p.file.dest_uri in indexer.early and not _searchable(p)]
        if early:
            raise PluginError(f"pages indexed before they were built ask not to be: {early[:5]}; report it as a bug")
        rest = [p for p in pages if _searchable(p) and p.file.dest_uri not in indexer.early]
        indexer.plan(slice_sizes(len(rest), _shard_pages(config)))
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Mark the article of every page that search should find; pages whose front matter excludes them stay unmarked."""
    if not _searchable(page):
        return output
    if ARTICLE not in output:
        raise PluginError(f"{page.file.src_uri}: no {ARTICLE}> to index; has the theme changed its page layout?")
    marked = output.replace(ARTICLE, ARTICLE + " data-pagefind-body", 1)
    indexer = config.extra.get("atlas_search")
    if isinstance(indexer, _Indexer) and page.file.dest_uri not in indexer.early:
        article = marked[marked.index(ARTICLE) : marked.rindex("</article>") + len("</article>")]
        indexer.add(page.file.dest_uri, indexed_copy(config.theme["language"], article))
    return marked


def on_post_build(config: MkDocsConfig) -> None:
    """Index the built site: in slices, waited for, in a build; at once, in the background, under ``mkdocs serve``."""
    site = Path(config.site_dir)
    if is_preview(config.site_dir, config.site_url, config.dev_addr):
        # The edit shows at once and search catches up a moment later (about 2 s at 1,000 cases). A
        # run still going when the next rebuild starts may log that a page it was reading has gone;
        # the next run indexes the site as it is then. It runs --quiet: only its warnings and errors
        # reach the console. A preview's site is small enough for one bundle.
        (site / bundle_folder(0)).mkdir(parents=True, exist_ok=True)
        (site / bundle_folder(0) / BUNDLES_FILE).write_text(bundles_file(1), encoding="utf-8")
        subprocess.Popen(pagefind_command(config.site_dir), stdin=subprocess.DEVNULL)
        log.info("Search index: Pagefind started in the background")
        return
    indexer = config.extra.get("atlas_search")
    if not isinstance(indexer, _Indexer):
        indexer = _Indexer(site / COPIES, site)
    try:
        indexer.finish()
    finally:
        shutil.rmtree(indexer.copies, ignore_errors=True)
