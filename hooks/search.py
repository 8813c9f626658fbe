"""MkDocs hook: index the built site with Pagefind, whose chunked index a search downloads only in part."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

from atlas.search import BUNDLES_FILE, SHARD_PAGES, bundle_folder, bundles_file, indexed_copy, shards
from atlas.serving import is_preview

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
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


def on_pre_build(config: MkDocsConfig) -> None:
    """Give this build a place for the cut-down copies that Pagefind reads (see atlas/search.py)."""
    if not is_preview(config.site_dir, config.site_url, config.dev_addr):
        config.extra["atlas_search_copies"] = str(Path(config.site_dir, COPIES))


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Mark the article of every page that search should find; pages whose front matter excludes them stay unmarked."""
    search = page.meta.get("search")
    if isinstance(search, dict) and search.get("exclude"):
        return output
    if ARTICLE not in output:
        raise PluginError(f"{page.file.src_uri}: no {ARTICLE}> to index; has the theme changed its page layout?")
    marked = output.replace(ARTICLE, ARTICLE + " data-pagefind-body", 1)
    copies = config.extra.get("atlas_search_copies")
    if copies:
        article = marked[marked.index(ARTICLE) : marked.rindex("</article>") + len("</article>")]
        copy = Path(copies, page.file.dest_uri)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(indexed_copy(config.theme["language"], article), encoding="utf-8")
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
    copies = Path(config.extra.get("atlas_search_copies") or Path(config.site_dir, COPIES))
    try:
        pages = [p.relative_to(copies).as_posix() for p in copies.rglob("*.html")]
        size = int(config.extra.get("search_shard_pages", SHARD_PAGES))
        groups = shards(pages, size) or [[]]
        for number, group in enumerate(groups):
            # Each slice is moved into a folder of its own, so that one Pagefind run reads just it.
            folder = copies / f".slice-{number}"
            for page in group:
                (folder / page).parent.mkdir(parents=True, exist_ok=True)
                (copies / page).rename(folder / page)
            folder.mkdir(parents=True, exist_ok=True)
            _index(str(folder), str(site / bundle_folder(number)))
        (site / bundle_folder(0) / BUNDLES_FILE).write_text(bundles_file(len(groups)), encoding="utf-8")
    finally:
        shutil.rmtree(copies, ignore_errors=True)


def _index(pages: str, bundle: str) -> None:
    """Run Pagefind over the folder ``pages`` into the folder ``bundle``, stopping the build if it fails."""
    try:
        run = subprocess.run(pagefind_command(pages, bundle), capture_output=True, text=True, check=False)
    except OSError as error:
        raise PluginError(f"Pagefind could not start: {error}") from None
    # Pagefind writes its errors to stdout, some of them more than once.
    said = list(dict.fromkeys(line.strip() for line in (run.stdout + run.stderr).splitlines() if line.strip()))
    if run.returncode != 0:
        raise PluginError(
            f"Pagefind failed to index {pages} (exit {run.returncode}):\n  "
            + "\n  ".join(said[-20:] or ["(no output)"])
            + "\nIs pagefind-bin installed? `make` installs requirements.txt into .venv."
        )
    for line in said:
        log.info("Pagefind: %s", line)
