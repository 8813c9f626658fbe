"""MkDocs hook: index the built site for search with Pagefind (see atlas/search.py), through MkDocs' own events."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mkdocs.exceptions import PluginError

from atlas.search import SHARD_PAGES, Indexer, Preview, SearchIndexError, build_slices, mark, search_copy

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

# A mkdocs.* logger, so its lines show in the build's log; INFO, so they never fail a --strict build.
log = logging.getLogger("mkdocs.hooks.search")


@dataclass
class _Command:
    """One `mkdocs` command's search: made in on_startup, ended in on_shutdown.

    MkDocs treats a hook module as a plugin instance and calls on_startup once for a command,
    before the first build; under ``mkdocs serve`` every rebuild gets a new configuration. So, as
    Material's plugins keep their state on the plugin, this hook keeps this one object on its module.
    """

    serving: bool
    preview: Preview = field(default_factory=Preview)
    """Under ``mkdocs serve``: the run indexing the last rebuild."""
    indexer: Indexer | None = None
    """In a build: its Pagefind services, made in on_config."""


_command: _Command | None = None


def on_startup(command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Note whether this command is a preview (``mkdocs serve``) or a build."""
    global _command
    _command = _Command(serving=command == "serve")


def _current() -> _Command:
    global _command
    if _command is None:  # built without on_startup, as mkdocs.commands.build.build(config) alone does
        _command = _Command(serving=False)
    return _command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Make this build's indexer; a preview indexes its site after each rebuild instead."""
    command = _current()
    _stop_build(command)  # an earlier build's, where one process builds more than once
    if not command.serving:
        site = Path(config.site_dir)
        command.indexer = Indexer(site)
    return config


def _searchable(page: Page) -> bool:
    search = page.meta.get("search")
    return not (isinstance(search, dict) and search.get("exclude"))


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Plan the slices, now that every page's front matter has been read: even ones, then a small last one."""
    indexer = _current().indexer
    if indexer is not None:
        count = sum(1 for f in files.documentation_pages() if f.page is not None and _searchable(f.page))
        indexer.plan(build_slices(count, int(config.extra.get("search_shard_pages", SHARD_PAGES))))
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Mark the article of every page search should find, and in a build hand Pagefind a copy of it."""
    if not _searchable(page):
        return output
    try:
        marked = mark(output)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    indexer = _current().indexer
    if indexer is not None:
        try:
            indexer.add(page.file.dest_uri, search_copy(config.theme["language"], marked))
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
    return marked


def on_post_build(config: MkDocsConfig) -> None:
    """Index the built site: waited for, in a build; in the background, under ``mkdocs serve``."""
    command = _current()
    site = Path(config.site_dir)
    try:
        if command.serving:
            # The edit shows at once and search catches up a moment later (about 2 s at 1,000
            # cases); the next rebuild stops a run still going. A preview's run is --quiet: only
            # its warnings and errors reach the console.
            command.preview.index(site)
            log.info("Search index: Pagefind started in the background")
            return
        indexer = command.indexer = command.indexer or Indexer(site)
        for line in indexer.finish():
            log.info("Pagefind: %s", line)
    except SearchIndexError as error:
        raise PluginError(str(error)) from None
    finally:
        _stop_build(command)


def _stop_build(command: _Command) -> None:
    """Stop this build's Pagefind service, if it is running."""
    if command.indexer is not None:
        command.indexer.stop()
        command.indexer = None


def on_build_error(error: Exception) -> None:
    """A build failed: stop its Pagefind service."""
    _stop_build(_current())


def on_shutdown() -> None:
    """The command ends (finished, failed, or stopped with Ctrl-C): stop Pagefind wherever it is still running."""
    global _command
    if _command is not None:
        _stop_build(_command)
        _command.preview.stop()
        _command = None
