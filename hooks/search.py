"""MkDocs hook: index the built site with Pagefind, whose chunked index a search downloads only in part."""

from __future__ import annotations

import logging
import subprocess
import sys
from typing import TYPE_CHECKING

from mkdocs.exceptions import PluginError

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


def pagefind_command(site_dir: str) -> list[str]:
    """The Pagefind run over ``site_dir``: the pinned pagefind-bin binary, which reads and writes only that folder."""
    # pagefind_bin's own entry point runs the binary installed with it (no download, no network);
    # the index goes to <site_dir>/pagefind/, which the header's search box loads with `| url`.
    return [sys.executable, "-m", "pagefind_bin", "--site", site_dir, "--exclude-selectors", EXCLUDE, "--quiet"]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Mark the article of every page that search should find; pages whose front matter excludes them stay unmarked."""
    search = page.meta.get("search")
    if isinstance(search, dict) and search.get("exclude"):
        return output
    if ARTICLE not in output:
        raise PluginError(f"{page.file.src_uri}: no {ARTICLE}> to index; has the theme changed its page layout?")
    return output.replace(ARTICLE, ARTICLE + " data-pagefind-body", 1)


def on_post_build(config: MkDocsConfig) -> None:
    """Index the built site: waited for in a build, started in the background under ``mkdocs serve``."""
    command = pagefind_command(config.site_dir)
    if is_preview(config.site_dir, config.site_url, config.dev_addr):
        # The edit shows at once and search catches up a moment later (about 2 s at 1,000 cases). A
        # run still going when the next rebuild starts may log that a page it was reading has gone;
        # the next run indexes the site as it is then. It runs --quiet: only its warnings and errors
        # reach the console.
        subprocess.Popen(command, stdin=subprocess.DEVNULL)
        log.info("Search index: Pagefind started in the background")
        return
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise PluginError(f"Pagefind could not start: {error}") from None
    # Pagefind writes its errors to stdout, some of them more than once.
    said = list(dict.fromkeys(line.strip() for line in (run.stdout + run.stderr).splitlines() if line.strip()))
    if run.returncode != 0:
        raise PluginError(
            f"Pagefind failed to index {config.site_dir} (exit {run.returncode}):\n  "
            + "\n  ".join(said[-20:] or ["(no output)"])
            + "\nIs pagefind-bin installed? `make` installs requirements.txt into .venv."
        )
    for line in said:
        log.info("Pagefind: %s", line)
