"""MkDocs hook: index the built site with Pagefind, whose chunked index a search downloads only in part."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from atlas.search import BUNDLES_FILE, SHARD_PAGES, bundle_folder, bundles_file, indexed_copy, slice_sizes
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


class _Indexer:
    """This build's Pagefind runs: each slice starts in the background as soon as its last page is written.

    Slices follow the order MkDocs writes pages in, so Pagefind works on the second core while
    MkDocs writes the next slice. Made anew for each build and kept on its configuration.
    """

    def __init__(self, copies: Path, site: Path, sizes: list[int]) -> None:
        self.copies, self.site, self.sizes = copies, site, sizes
        self.number, self.written = 0, 0
        self.runs: list[tuple[Path, subprocess.Popen[bytes], Path]] = []

    def add(self, dest_uri: str, copy: str) -> None:
        """Write one page's cut-down copy into the current slice, and start the slice once it is full."""
        path = self.copies / f"slice-{self.number}" / dest_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(copy, encoding="utf-8")
        self.written += 1
        if self.number < len(self.sizes) and self.written == self.sizes[self.number]:
            self._start()

    def _start(self) -> None:
        folder = self.copies / f"slice-{self.number}"
        folder.mkdir(parents=True, exist_ok=True)
        said = self.copies / f"slice-{self.number}.log"
        with said.open("wb") as out:
            command = pagefind_command(str(folder), str(self.site / bundle_folder(self.number)))
            try:
                run = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
            except OSError as error:
                raise PluginError(f"Pagefind could not start: {error}") from None
        self.runs.append((folder, run, said))
        self.number, self.written = self.number + 1, 0

    def finish(self) -> None:
        """Start what is left, wait for every run, and list the bundles; stop the build if a run failed."""
        if self.written or not self.runs:
            self._start()  # pages the plan did not foresee, or none at all (Pagefind then says so)
        failed = []
        for folder, run, said in self.runs:
            code = run.wait()
            # Pagefind writes its errors to stdout, some of them more than once.
            lines = said.read_text(encoding="utf-8", errors="replace").splitlines()
            lines = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
            if code != 0:
                failed.append(
                    f"Pagefind failed to index {folder} (exit {code}):\n  "
                    + "\n  ".join(lines[-20:] or ["(no output)"])
                )
            for line in lines:
                log.info("Pagefind: %s", line)
        if failed:
            raise PluginError(
                "\n".join(failed) + "\nIs pagefind-bin installed? `make` installs requirements.txt into .venv."
            )
        (self.site / bundle_folder(0) / BUNDLES_FILE).write_text(bundles_file(len(self.runs)), encoding="utf-8")


def _searchable(page: Page) -> bool:
    search = page.meta.get("search")
    return not (isinstance(search, dict) and search.get("exclude"))


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Plan this build's slices, now that every page's front matter has been read (see atlas/search.py)."""
    if not is_preview(config.site_dir, config.site_url, config.dev_addr):
        pages = [f for f in files.documentation_pages() if f.page is not None and _searchable(f.page)]
        size = int(config.extra.get("search_shard_pages", SHARD_PAGES))
        site = Path(config.site_dir)
        config.extra["atlas_search"] = _Indexer(site / COPIES, site, slice_sizes(len(pages), size))
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Mark the article of every page that search should find; pages whose front matter excludes them stay unmarked."""
    if not _searchable(page):
        return output
    if ARTICLE not in output:
        raise PluginError(f"{page.file.src_uri}: no {ARTICLE}> to index; has the theme changed its page layout?")
    marked = output.replace(ARTICLE, ARTICLE + " data-pagefind-body", 1)
    indexer = config.extra.get("atlas_search")
    if isinstance(indexer, _Indexer):
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
        indexer = _Indexer(site / COPIES, site, [])
    try:
        indexer.finish()
    finally:
        shutil.rmtree(indexer.copies, ignore_errors=True)
