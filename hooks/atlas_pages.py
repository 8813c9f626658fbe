"""MkDocs hook: load and check the atlas, add its generated pages, and put the checked HTML into them."""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast
from urllib.parse import urljoin

from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from atlas import composer
from atlas.addresses import redirects
from atlas.load import list_images
from atlas.model import field_words
from atlas.pages import owned_by_atlas
from atlas.parallel import available_cores
from atlas.preview import FOLDER, Preview, changed_pages, clear, digest, page_digests
from atlas.preview import render as render_preview
from atlas.render import (
    EVIDENCE_BASE_MARKER,
    Options,
    Rendered,
    anchors,
    contents,
    evidence_base,
    fill_blocks,
    fill_contributing,
    fill_parts,
    licence_html,
    problems_page,
    render_pages,
)
from atlas.sanitise import DOCS, PAGE, changes, clean
from atlas.templating import Once
from atlas.validate import CaseChecks, CheckMemo, load_atlas, start_checks, summary

# A mkdocs.* logger, so a preview shows warnings; INFO, so they never fail a --strict build.
log = logging.getLogger("mkdocs.hooks.atlas")

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.utils.templates import TemplateContext


@dataclass
class _Build:
    """What one build made for its pages: made in on_files (serve makes one for every rebuild), dropped at its end."""

    problems: list[str] = field(default_factory=list)
    """A preview's content problems, shown on every page (overrides/main.html)."""
    evidence_base: str = ""
    """The home page's summary of the evidence."""
    blocks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each generated page's HTML blocks, taken out as the page is rendered."""
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each live case page's checked body, taken out as the page is rendered."""
    texts: dict[str, str] = field(default_factory=dict)
    """Each live case page's text in a build (a preview reads it from its file), taken out as the page is read."""
    shared_nav: Once = field(default_factory=Once)
    """The case pages' nav, rendered once in this build (overrides/main.html)."""
    checks: CaseChecks | None = None
    """The cases being checked in other processes, begun in on_config and joined in on_files."""

    def end(self) -> None:
        """Stop whatever this build began and has not finished."""
        if self.checks is not None:
            self.checks.stop()
            self.checks = None


@dataclass
class _Command:
    """The `mkdocs` command this process runs, from on_startup, and the build it is running.

    MkDocs treats a hook module as a plugin instance and calls on_startup once for a command;
    under ``mkdocs serve`` every rebuild gets a new configuration. So, as Material's plugins keep
    such state on the plugin, this hook keeps this one object on its module.
    """

    serving: bool
    build: _Build = field(default_factory=_Build)


_command = _Command(serving=False)


def on_startup(command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
    """Note whether this command is a preview (``mkdocs serve``) or a build; under serve, say why rebuilds are dirty."""
    global _command
    _command = _Command(serving=command == "serve")
    if command == "serve" and dirty:
        builder = logging.getLogger("mkdocs.commands.build")
        # Once per process: MkDocs starts up once and rebuilds many times; this says it once, instead
        # of MkDocs' warning on every rebuild.
        if not any(isinstance(f, _DirtyOnPurpose) for f in builder.filters):
            builder.addFilter(_DirtyOnPurpose())
            log.info(DIRTY_NOTICE)


def on_shutdown() -> None:
    """The command has ended; a later one in this process starts as a build unless told otherwise."""
    global _command
    _command.build.end()
    _command = _Command(serving=False)


def _serving(config: MkDocsConfig) -> bool:
    """Whether this build is a ``mkdocs serve`` preview."""
    return _command.serving


def _build() -> _Build:
    """This build's state."""
    return _command.build


def on_post_build(config: MkDocsConfig) -> None:
    """Let go of this build's state: nothing is left for the next build to see."""
    _command.build.end()
    _command.build = _Build()


def on_build_error(error: Exception) -> None:
    """Stop what a failed build began, and let go of its state."""
    _command.build.end()
    _command.build = _Build()


DIRTY_NOTICE = (
    "Rebuilds here are dirty on purpose: the atlas works out which pages each edit touches and has "
    "only those made again (see atlas/preview.py), so MkDocs' warning about dirty builds is left out."
)


class _DirtyOnPurpose(logging.Filter):
    """Leaves out MkDocs' warning about dirty builds, which a preview makes on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether to keep the record: every one but that warning."""
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Begin this build: start checking the cases on the other cores; name the licence in every page's footer."""
    _command.build.end()  # an earlier build's, where one process builds more than once
    _command.build = _Build()
    if not _serving(config):
        # The spawned processes start now, while MkDocs reads the theme and the docs; a preview
        # checks only what changed, in this process (see on_files).
        _command.build.checks = start_checks(Path(config.config_file_path).parent, available_cores())
    # From the core, where the feed, the open data and each citation take it too.
    config.copyright = Markup(licence_html())
    return config


# Run before other plugins' on_files (redirects, search) so they see the generated pages.
@event_priority(50)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages, data files and alias redirects; stop the build on any content problem."""
    root = Path(config.config_file_path).parent
    serving = _serving(config)
    build = _command.build
    # A preview reuses what its last rebuild found and made (see atlas/preview.py).
    preview = Preview.load(Path(config.site_dir)) if serving else None
    memo = preview.memo() if preview is not None else None
    # A build checks the cases on every core; a preview checks only what changed, in this process.
    # The checks begun in on_config are joined here; on_post_build or on_build_error stops them if not.
    loaded = load_atlas(root, memo=memo, workers=1 if serving else available_cores(), started=build.checks)
    for warning in loaded.warnings:
        log.info("%s:%s: warning: %s: %s", warning.path, warning.line, field_words(warning.field), warning.message)
    problems = loaded.problems
    if problems and not serving:
        raise PluginError("\n".join(map(str, problems)) + f"\n{summary(problems)}: fix them and build again")
    pages = {}
    if problems:
        # A preview shows the problems on every page and keeps answering; a build has stopped above.
        # Links into what is missing must not stop it either.
        config.strict = False
        build.problems = [str(p) for p in problems]
        for problem in problems:
            log.info("%s", problem)
    atlas = loaded.atlas or loaded.passing
    if atlas is not None and loaded.drafts:
        # A draft whose only problems are of substance (length, sections, question links, template
        # text) is shown as it stands, under the problems banner, so its writer can see it as they write.
        atlas = replace(atlas, cases=tuple(sorted((*atlas.cases, *loaded.drafts), key=lambda c: c.id)))
    rendered = Rendered({}, {}, {})
    docs_to_root = posixpath.relpath(root.as_posix(), Path(config.docs_dir).as_posix())
    if atlas is not None:
        for path in sorted({p.path for p in loaded.problems}):
            if path.startswith("cases/") and path.endswith(".md") and "/" not in path[6:]:
                listed = [str(p) for p in loaded.problems if p.path == path]
                pages[path] = problems_page(path, listed)
        edit_template = None
        if config.repo_url and config.edit_uri:
            edit_template = urljoin(config.repo_url.rstrip("/") + "/", f"{config.edit_uri}{docs_to_root}/") + "{path}"
        # A preview's own address is not the site's, so citations there stay relative.
        options = Options(edit_url_template=edit_template, site_url=None if serving else config.site_url)
        rendered = render_pages(atlas, options) if preview is None else render_preview(preview, atlas, options)
        # The case composer and its spec, with the repository a proposal goes to.
        rendered = composer.added(rendered, atlas, config.repo_url, config.edit_uri)
        pages.update(rendered.pages)
        build.evidence_base = evidence_base(atlas)
    # Copied, because each page takes its own out once it has them.
    build.blocks, build.parts = dict(rendered.blocks), dict(rendered.parts)
    sources = _preview_sources(preview, memo, pages, rendered, files, config) if preview is not None else {}
    for page_file in files.documentation_pages():
        if owned_by_atlas(page_file.src_uri):
            raise PluginError(
                f"docs/{page_file.src_uri} sits at an address the atlas makes itself; move it out of "
                "cases/, framework/, spectrum/, approach/, api/ and pagefind*/, or rename it"
            )
    # Case pages last: MkDocs builds the pages, and the sitemap lists them, in the order they are added.
    for path, text in sorted(pages.items(), key=lambda item: item[0] in rendered.parts):
        if files.get_file_from_path(path) is not None:
            raise PluginError(f"docs/{path} has the address of a generated page; move or rename it")
        if path in sources:
            generated = File.generated(config, path, abs_src_path=sources[path])
        elif path in rendered.parts:
            # Held by the build, not the file, so each page's text is let go once its page is read:
            # MkDocs would keep every file's content to the end of the build.
            build.texts[path] = text
            generated = File.generated(config, path, content="")
        else:
            generated = File.generated(config, path, content=text)
            if not serving and not generated.is_documentation_page():
                generated = _written(config, generated, text)
        if path.startswith("cases/") and path != "cases/index.md":
            # Point the theme's edit button at the contributor's file, not the generated page.
            generated.edit_uri = f"{docs_to_root}/{path}"
        if path in rendered.parts:
            # MkDocs keeps a page a plugin has made (File.page) rather than making its own; safe for
            # case pages only because they are never in the nav, whose entry would give a page its title.
            CasePage(generated, config, rendered.heads[path])
        files.append(generated)
    for image in list_images(root / "cases"):
        files.append(File.generated(config, f"cases/images/{image.name}", abs_src_path=str(image)))
    plugin = config.plugins.get("redirects")
    if plugin is None:
        raise PluginError("mkdocs.yml must enable the redirects plugin: earlier case ids redirect through it")
    if atlas is not None:
        plugin.config["redirect_maps"].update(redirects(atlas))
    return files


def _written(config: MkDocsConfig, file: File, text: str) -> File:
    """A generated data file (the open data, the feed) written into the site now, as MkDocs would write it.

    MkDocs would keep its text to the end of the build, and these grow with the cases (the open
    data is megabytes). The site folder was cleaned before on_files, and MkDocs copies nothing onto itself.
    """
    destination = Path(file.abs_dest_path)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with destination.open("w", encoding="utf-8") as out:  # as MkDocs writes a file's text
        out.write(text)
    return File.generated(config, file.src_uri, abs_src_path=str(destination))


def _preview_sources(
    preview: Preview,
    memo: CheckMemo | None,
    pages: dict[str, str],
    rendered: Rendered,
    files: Files,
    config: MkDocsConfig,
) -> dict[str, str]:
    """Under ``mkdocs serve --dirty``: the file each generated page is read from, with only changed pages rebuilt.

    MkDocs rebuilds a page in a dirty build when its output is missing or older than its source.
    So the output of each page whose inputs changed is removed, and its source rewritten; the rest
    are left alone. Anything that shows on every page (templates, nav, the problems banner) clears
    the whole folder, so everything is rebuilt.
    """
    site_dir = Path(config.site_dir)
    site = digest(_build().problems or None, [(str(p), p.read_bytes()) for p in _site_wide_files(config)])
    if site != preview.site:
        clear(site_dir)
        preview.pages = {}
    now = page_digests(rendered, rendered.pages)
    now.update({path: digest(text) for path, text in pages.items() if path not in rendered.pages})
    # The home page shows a summary of the evidence, so it is redone when that changes.
    now["index.md"] = digest(_build().evidence_base or None)
    changed, gone = changed_pages(preview.pages, now)
    sources = {path: site_dir / FOLDER / "pages" / path for path in pages}
    for path in changed + gone:
        existing = files.get_file_from_path(path)
        output = existing or File.generated(config, path, content="")
        Path(output.abs_dest_path).unlink(missing_ok=True)
    for path in changed:
        if path in pages:
            sources[path].parent.mkdir(parents=True, exist_ok=True)
            sources[path].write_text(pages[path], encoding="utf-8")
    for path in gone:
        sources.get(path, site_dir / FOLDER / "pages" / path).unlink(missing_ok=True)
    preview.pages = now
    preview.site = site
    preview.checks = memo.now if memo is not None else {}
    preview.save(site_dir)
    return {path: str(source) for path, source in sources.items()}


def _site_wide_files(config: MkDocsConfig) -> list[Path]:
    """The files whose change shows on every page: the configuration, the templates and the hand-written pages."""
    folders = [Path(config.docs_dir)]
    if config.theme.custom_dir:
        folders.append(Path(config.theme.custom_dir))
    return [Path(config.config_file_path), *sorted(p for f in folders for p in f.rglob("*") if p.is_file())]


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """In a preview, read the titles of nav pages this rebuild leaves alone, so the rebuilt pages' nav has them."""
    if _serving(config):
        for page in nav.pages:
            if page.markdown is None and not page.file.is_modified():
                page.read_source(config)
                _mark_escaped(page)
    return nav


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """In a preview, keep the theme's compiled templates between rebuilds; compiling them again is most of a rebuild."""
    if _serving(config):
        # Jinja keys each entry by the template's name and a checksum of its source, so an edited
        # template is compiled anew.
        folder = Path(config.site_dir) / FOLDER / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the case template into the contributing page; mark generated titles and descriptions as escaped.

    The renderer escapes them because most of the theme prints them raw; Markup stops the few
    places that escape (`|e`) from escaping them a second time.
    """
    if page.file.src_uri == "contributing/index.md":
        return fill_contributing(markdown)
    if page.file.src_uri == "index.md":
        return markdown.replace(EVIDENCE_BASE_MARKER, _build().evidence_base)
    _mark_escaped(page)
    return markdown


class CasePage(Page):
    """A live case's page: its metadata from the model, and HTML from the renderer's templates, which skips Markdown."""

    def __init__(self, file: File, config: MkDocsConfig, meta: dict[str, object]) -> None:
        super().__init__(None, file, config)
        self.model_meta = meta

    def read_source(self, config: MkDocsConfig) -> None:
        """Take the title and description from the model; the page's text after its front matter is its HTML."""
        text = _build().texts.pop(self.file.src_uri, None)
        if text is None:
            text = self.file.content_string
        # The front matter is written from the same metadata (render.yaml_header), every value on
        # one line, so the first line of three dashes after the opening one ends it; it is not parsed.
        self.markdown = text[text.index("\n---\n", 3) + len("\n---\n") :].lstrip("\n")
        self.meta = dict(self.model_meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """Put the checked body into the page's HTML, and read its contents list and ids from it."""
        # MkDocs would make a Markdown converter with every extension for each page, which costs
        # more than the page's own HTML does, even with nothing to convert.
        # Taken out, not just read: a page is rendered once per build, and the memory goes back at once.
        parts = _build().parts.pop(self.file.src_uri, ())
        # HTML from autoescaping templates around the body the validator rendered and checked. Its
        # contents list and ids are read from that HTML, as Markdown would have given them.
        assert self.markdown is not None
        html = fill_parts(self.markdown, parts)
        # MkDocs keeps a page's Markdown to the end of the build; this page's is its HTML, made again here.
        self.markdown = ""
        self.content = html
        self.toc = get_toc(contents(html))  # type: ignore[arg-type]
        self.present_anchor_ids = anchors(html)


def _mark_escaped(page: Page) -> None:
    """Mark a generated page's title and description as escaped already (see on_page_markdown)."""
    if page.file.generated_by is not None:
        for key in ("title", "description"):
            if isinstance(page.meta.get(key), str):
                page.meta[key] = Markup(page.meta[key])


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Stop the build if the allow-list sanitiser would change a case page or a hand-written page."""
    if page.file.generated_by is None:
        cleaned, found = clean(html, DOCS)
        if found:
            raise PluginError(
                f"docs/{page.file.src_uri}: has HTML that is not allowed on a page; remove it:\n  "
                + "\n  ".join(found[:10])
            )
        return cleaned  # what was checked is what is published
    if isinstance(page, CasePage):
        return html  # finished in CasePage.render
    # Taken out, not just read: a page is rendered once per build, and the memory goes back at once.
    html = fill_blocks(html, _build().blocks.pop(page.file.src_uri, ()))
    if page.file.src_uri.startswith("cases/") and page.file.name != "index":
        # A withdrawn case's notice or a preview's problem page: generated text only, so anything
        # the sanitiser would remove is a fault in the generator.
        found = changes(html, PAGE)
        if found:
            raise PluginError(
                f"{page.file.edit_uri or page.file.src_uri}: the generated page has HTML the sanitiser would "
                "remove; report it as a bug:\n  " + "\n  ".join(found[:10])
            )
    return html


def _template_context(context: TemplateContext) -> TemplateContext:
    """The build's problems and shared nav, for overrides/main.html."""
    # MkDocs' TypedDict lists its own keys; a template context takes any.
    extra = cast("dict[str, object]", context)
    extra["atlas_problems"], extra["atlas_shared_nav"] = _build().problems, _build().shared_nav
    return context


def on_page_context(context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
    """Give every page's template the build's problems and shared nav."""
    return _template_context(context)


def on_template_context(context: TemplateContext, template_name: str, config: MkDocsConfig) -> TemplateContext:
    """Give the theme's own pages (404.html) the build's problems too."""
    return _template_context(context)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Let go of a page's HTML once the theme has made the page: MkDocs would hold every page's to the end."""
    # Nothing reads a page's content after its own page is made (no theme template reads another
    # page's), and the atlas's pages are many and large.
    page.content = None
    return output
