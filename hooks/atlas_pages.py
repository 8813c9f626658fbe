"""MkDocs hook: load and check the atlas, add its generated pages, and put the checked HTML into them."""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from jinja2 import FileSystemBytecodeCache
from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from atlas.build import CasePageData, Settings, SiteBuild, licence_html

# A mkdocs.* logger, so a preview shows warnings; INFO, so they never fail a --strict build.
log = logging.getLogger("mkdocs.hooks.atlas")

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.utils.templates import TemplateContext


@dataclass
class _Command:
    """The `mkdocs` command this process runs, from on_startup, and the build it is running.

    MkDocs treats a hook module as a plugin instance and calls on_startup once for a command;
    under ``mkdocs serve`` every rebuild gets a new configuration. So, as Material's plugins keep
    such state on the plugin, this hook keeps this one object on its module.
    """

    serving: bool
    build: SiteBuild | None = None


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
    """The command has ended: stop what its last build began; a later one in this process starts as a build."""
    global _command
    _end()
    _command = _Command(serving=False)


def _serving(config: MkDocsConfig) -> bool:
    """Whether this build is a ``mkdocs serve`` preview."""
    return _command.serving


def _build() -> SiteBuild:
    """This build's state, made in on_files."""
    if _command.build is None:
        raise PluginError("the atlas hook has no build in progress: a page was made outside a build")
    return _command.build


def _end() -> None:
    """Stop what the build began and let go of its state: nothing is left for the next build to see."""
    if _command.build is not None:
        _command.build.end()
    _command.build = None


def on_post_build(config: MkDocsConfig) -> None:
    """Let go of this build's state."""
    _end()


def on_build_error(error: Exception) -> None:
    """Stop what a failed build began, and let go of its state."""
    _end()


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
    """Begin this build (its cases are checked on the other cores from now); name the licence in every footer."""
    _end()  # an earlier build's, where one process builds more than once
    _command.build = SiteBuild(Path(config.config_file_path).parent, _serving(config))
    _command.build.begin()
    # From the core, where the feed, the open data and each citation take it too.
    config.copyright = Markup(licence_html())
    return config


# Run before other plugins' on_files (redirects, search) so they see the generated pages.
@event_priority(50)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages, data files and alias redirects; stop the build on any content problem."""
    root = Path(config.config_file_path).parent
    serving = _serving(config)
    build = _command.build or SiteBuild(root, serving)
    _command.build = build
    settings = Settings(
        site_dir=Path(config.site_dir),
        site_url=config.site_url,
        repo_url=config.repo_url,
        edit_uri=config.edit_uri,
        docs_to_root=posixpath.relpath(root.as_posix(), Path(config.docs_dir).as_posix()),
        site_wide=tuple(_site_wide_files(config)) if serving else (),
    )

    def output_of(path: str) -> Path:
        existing = files.get_file_from_path(path)
        return Path((existing or File.generated(config, path, content="")).abs_dest_path)

    made = build.make(settings, {f.src_uri for f in files}, [f.src_uri for f in files.documentation_pages()], output_of)
    for note in made.notes:
        log.info("%s", note)
    if made.stop is not None:
        raise PluginError(made.stop)
    if made.lenient:
        config.strict = False
    for path, text in made.pages.items():
        if path in made.sources:
            generated = File.generated(config, path, abs_src_path=made.sources[path])
        else:
            generated = File.generated(config, path, content=text)
            if not serving and not generated.is_documentation_page():
                generated = _written(config, generated, text)
        if path in made.edit_paths:
            generated.edit_uri = made.edit_paths[path]
        if path in made.case_pages:
            # MkDocs keeps a page a plugin has made (File.page) rather than making its own; safe for
            # case pages only because they are never in the nav, whose entry would give a page its title.
            CasePage(generated, config, made.case_pages[path])
        files.append(generated)
    for dest, source in made.images:
        files.append(File.generated(config, dest, abs_src_path=source))
    plugin = config.plugins.get("redirects")
    if plugin is None:
        raise PluginError("mkdocs.yml must enable the redirects plugin: earlier case ids redirect through it")
    plugin.config["redirect_maps"].update(made.redirects)
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
        folder = SiteBuild.template_cache(Path(config.site_dir))
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Put the case template into the contributing page; mark generated titles and descriptions as escaped.

    The renderer escapes them because most of the theme prints them raw; Markup stops the few
    places that escape (`|e`) from escaping them a second time.
    """
    _mark_escaped(page)
    return _build().markdown(page.file.src_uri, markdown)


class CasePage(Page):
    """A live case's page: its metadata from the model, and HTML from the renderer's templates, which skips Markdown."""

    def __init__(self, file: File, config: MkDocsConfig, model: CasePageData) -> None:
        super().__init__(None, file, config)
        self.model = model

    def read_source(self, config: MkDocsConfig) -> None:
        """Take the title and description from the model; the page's text after its front matter is its HTML."""
        text = _build().case_text(self.file.src_uri)
        if text is None:
            text = self.file.content_string
        # The front matter is written from the same metadata (render.yaml_header), every value on
        # one line, so the first line of three dashes after the opening one ends it; it is not parsed.
        self.markdown = text[text.index("\n---\n", 3) + len("\n---\n") :].lstrip("\n")
        self.meta = dict(self.model.meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """Put the checked body into the page's HTML; its contents list comes from the model, its ids from the HTML."""
        # MkDocs would make a Markdown converter with every extension for each page, which costs
        # more than the page's own HTML does, even with nothing to convert.
        # HTML from autoescaping templates around the body the validator rendered and checked.
        assert self.markdown is not None
        html, self.present_anchor_ids = _build().case_html(self.file.src_uri, self.markdown)
        # MkDocs keeps a page's Markdown to the end of the build; this page's is its HTML, made again here.
        self.markdown = ""
        self.content = html
        self.toc = get_toc(self.model.toc())  # type: ignore[arg-type]
        # The page keeps its own contents list from here; the model's copy is let go, as its text was.
        self.model = CasePageData(self.model.meta, ())


def _mark_escaped(page: Page) -> None:
    """Mark a generated page's title and description as escaped already (see on_page_markdown)."""
    if page.file.generated_by is not None:
        for key in ("title", "description"):
            if isinstance(page.meta.get(key), str):
                page.meta[key] = Markup(page.meta[key])


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Publish what was checked: a page's HTML as the sanitiser passed it, or stop the build."""
    if isinstance(page, CasePage):
        return html  # finished in CasePage.render
    published, stop = _build().page_html(page.file.src_uri, html, generated=page.file.generated_by is not None)
    if stop is not None:
        raise PluginError(stop)
    return published


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
