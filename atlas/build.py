"""One build of the site, for the MkDocs hook: what it makes, and what each page takes as MkDocs renders it.

The hook (hooks/atlas_pages.py) turns MkDocs' events into calls on one ``SiteBuild``, made for
each build, and hands back what it returns: files to add, problems to stop on, HTML to publish.
Nothing here imports MkDocs; where the core needs something only MkDocs knows (where a page's
output goes), the hook passes it in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from atlas import composer, pages, preview
from atlas.addresses import redirects
from atlas.load import list_images
from atlas.model import Atlas, Problem, field_words
from atlas.parallel import available_cores
from atlas.render import (
    EVIDENCE_BASE_MARKER,
    CasePageData,
    Options,
    Rendered,
    anchors,
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

__all__ = ["CasePageData", "Made", "Settings", "SiteBuild", "licence_html"]

# The hand-written pages the build puts text into.
CONTRIBUTING = "contributing/index.md"
HOME = "index.md"


@dataclass(frozen=True)
class Settings:
    """What a build needs to know from the site's configuration."""

    site_dir: Path
    site_url: str | None = None
    repo_url: str | None = None
    edit_uri: str | None = None
    docs_to_root: str = ".."
    """The project's folder as seen from the docs folder, such as ``..``."""
    site_wide: tuple[Path, ...] = ()
    """Under serve, the files whose change shows on every page (configuration, templates, hand-written pages)."""


@dataclass
class Made:
    """What a build made for MkDocs to add, in the order to add it, or why it stopped."""

    stop: str | None = None
    """The problems that stop a build, as one message; None to go on."""
    notes: list[str] = field(default_factory=list)
    """Lines to log: the warnings, and under serve the problems shown on every page."""
    lenient: bool = False
    """Whether links into what is missing must not stop the build (a preview with problems)."""
    pages: dict[str, str] = field(default_factory=dict)
    """Each generated file's text by its path, the case pages last ('' for a live case page in a build, whose
    text the build holds until the page is read: see ``SiteBuild.case_text``)."""
    sources: dict[str, str] = field(default_factory=dict)
    """Under serve, the file each generated page is read from instead of its text."""
    edit_paths: dict[str, str] = field(default_factory=dict)
    """For each case page, the contributor's file to edit, from the docs folder."""
    case_pages: dict[str, CasePageData] = field(default_factory=dict)
    """The live case pages, which skip Markdown and take their metadata from the model."""
    images: list[tuple[str, str]] = field(default_factory=list)
    """Each case image's path in the site and its file."""
    redirects: dict[str, str] = field(default_factory=dict)
    """Each earlier case address and the page it now leads to."""


@dataclass
class SiteBuild:
    """One build: made when MkDocs starts it (serve makes one for every rebuild), dropped at its end."""

    root: Path
    serving: bool
    problems: list[str] = field(default_factory=list)
    """A preview's content problems, shown on every page (overrides/main.html)."""
    evidence_base: str = ""
    """The home page's summary of the evidence."""
    blocks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each generated page's HTML blocks, taken out as the page is rendered."""
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each live case page's checked body, taken out as the page is rendered."""
    shared_nav: Once = field(default_factory=Once)
    """The case pages' nav, rendered once in this build (overrides/main.html)."""
    edit_paths: dict[str, str] = field(default_factory=dict)
    """Each case page's contributor file, from the docs folder, to name in messages."""
    texts: dict[str, str] = field(default_factory=dict)
    """Each live case page's text in a build (a preview reads it from its file), taken out as the page is read."""
    checks: CaseChecks | None = None
    """The cases being checked in other processes, begun by ``begin`` and joined in ``make``."""

    def begin(self) -> None:
        """Start checking the cases on the other cores, while MkDocs reads the theme and the docs.

        A preview checks only what changed, in this process (see ``make``).
        """
        if not self.serving:
            self.checks = start_checks(self.root, available_cores())

    def end(self) -> None:
        """Stop whatever this build began and has not finished."""
        if self.checks is not None:
            self.checks.stop()
            self.checks = None

    def make(
        self,
        settings: Settings,
        existing: Collection[str],
        docs_pages: Iterable[str],
        output_of: Callable[[str], Path] | None = None,
    ) -> Made:
        """Load and check the atlas and make its pages; ``existing`` are the docs' own files, ``docs_pages`` its pages.

        Under serve, ``output_of`` gives where a page's output is written, so that only the pages an
        edit touched are made again (see ``_preview_sources``).
        """
        # A preview reuses what its last rebuild found and made (see atlas/preview.py).
        state = preview.Preview.load(settings.site_dir) if self.serving else None
        memo = state.memo() if state is not None else None
        # A build checks the cases on every core; a preview checks only what changed, in this process.
        # The checks begun in ``begin`` are joined here; ``end`` stops them if not.
        workers = 1 if self.serving else available_cores()
        loaded = load_atlas(self.root, memo=memo, workers=workers, started=self.checks)
        made = Made(notes=[f"{w.path}:{w.line}: warning: {field_words(w.field)}: {w.message}" for w in loaded.warnings])
        found = loaded.problems
        if found and not self.serving:
            made.stop = "\n".join(map(str, found)) + f"\n{summary(found)}: fix them and build again"
            return made
        if found:
            # A preview shows the problems on every page and keeps answering; links into what is
            # missing must not stop it either.
            made.lenient = True
            self.problems = [str(p) for p in found]
            made.notes += self.problems
        wrong = [path for path in docs_pages if pages.owned_by_atlas(path)]
        if wrong:
            made.stop = (
                f"docs/{wrong[0]} sits at an address the atlas makes itself; move it out of "
                "cases/, framework/, spectrum/, approach/, api/ and pagefind*/, or rename it"
            )
            return made
        atlas = loaded.atlas or loaded.passing
        if atlas is not None and loaded.drafts:
            # A draft whose only problems are of substance (length, sections, question links, template
            # text) is shown as it stands, under the problems banner, so its writer can see it as they write.
            atlas = dataclasses.replace(atlas, cases=tuple(sorted((*atlas.cases, *loaded.drafts), key=lambda c: c.id)))
        made_pages, rendered = self._pages(atlas, loaded.problems, settings, state)
        clash = next((path for path in made_pages if path in existing), None)
        if clash is not None:
            made.stop = f"docs/{clash} has the address of a generated page; move or rename it"
            return made
        # Copied, because each page takes its own out once it has them.
        self.blocks, self.parts = dict(rendered.blocks), dict(rendered.parts)
        if state is not None and output_of is not None:
            made.sources = self._preview_sources(state, memo, made_pages, rendered, settings, output_of)
        # Case pages last: MkDocs builds the pages, and the sitemap lists them, in the order they are added.
        made.pages = dict(sorted(made_pages.items(), key=lambda item: item[0] in rendered.parts))
        for path in made.pages:
            if path.startswith("cases/") and path != pages.CASES.path():
                # Point the theme's edit button at the contributor's file, not the generated page.
                made.edit_paths[path] = f"{settings.docs_to_root}/{path}"
        self.edit_paths = made.edit_paths
        made.case_pages = {path: rendered.models[path] for path in rendered.parts}
        for path in made.case_pages:
            if path not in made.sources:
                # Held by the build, not by MkDocs' file, so each page's text is let go once its page is
                # read: MkDocs would keep every file's content to the end of the build.
                self.texts[path], made.pages[path] = made.pages[path], ""
        made.images = [(f"cases/images/{image.name}", str(image)) for image in list_images(self.root / "cases")]
        if atlas is not None:
            made.redirects = redirects(atlas)
        return made

    def _pages(
        self, atlas: Atlas | None, problems: Iterable[Problem], settings: Settings, state: preview.Preview | None
    ) -> tuple[dict[str, str], Rendered]:
        """The generated pages: every page of the atlas, and under serve a page for each case file with problems."""
        made: dict[str, str] = {}
        rendered = Rendered({}, {}, {})
        if atlas is None:
            return made, rendered
        listed: dict[str, list[str]] = {}
        for problem in problems:
            path = problem.path
            if path.startswith("cases/") and path.endswith(".md") and "/" not in path[6:]:
                listed.setdefault(path, []).append(str(problem))
        made.update({path: problems_page(path, listed[path]) for path in sorted(listed)})
        edit_template = None
        if settings.repo_url and settings.edit_uri:
            base = settings.repo_url.rstrip("/") + "/"
            edit_template = urljoin(base, f"{settings.edit_uri}{settings.docs_to_root}/") + "{path}"
        # A preview's own address is not the site's, so citations there stay relative.
        options = Options(edit_url_template=edit_template, site_url=None if self.serving else settings.site_url)
        rendered = render_pages(atlas, options) if state is None else preview.render(state, atlas, options)
        # The case composer and its spec, with the repository a proposal goes to.
        rendered = composer.added(rendered, atlas, settings.repo_url, settings.edit_uri)
        made.update(rendered.pages)
        self.evidence_base = evidence_base(atlas)
        return made, rendered

    def _preview_sources(
        self,
        state: preview.Preview,
        memo: CheckMemo | None,
        made: dict[str, str],
        rendered: Rendered,
        settings: Settings,
        output_of: Callable[[str], Path],
    ) -> dict[str, str]:
        """Under ``mkdocs serve --dirty``: the file each generated page is read from, with only changed pages rebuilt.

        MkDocs rebuilds a page in a dirty build when its output is missing or older than its source.
        So the output of each page whose inputs changed is removed, and its source rewritten; the rest
        are left alone. Anything that shows on every page (templates, nav, the problems banner) clears
        the whole folder, so everything is rebuilt.
        """
        site_dir = settings.site_dir
        site = preview.digest(self.problems or None, [(str(p), p.read_bytes()) for p in settings.site_wide])
        if site != state.site:
            preview.clear(site_dir)
            state.pages = {}
        now = preview.page_digests(rendered, rendered.pages)
        now.update({path: preview.digest(text) for path, text in made.items() if path not in rendered.pages})
        # The home page shows a summary of the evidence, so it is redone when that changes.
        now[HOME] = preview.digest(self.evidence_base or None)
        changed, gone = preview.changed_pages(state.pages, now)
        sources = {path: site_dir / preview.FOLDER / "pages" / path for path in made}
        for path in changed + gone:
            output_of(path).unlink(missing_ok=True)
        for path in changed:
            if path in made:
                sources[path].parent.mkdir(parents=True, exist_ok=True)
                sources[path].write_text(made[path], encoding="utf-8")
        for path in gone:
            sources.get(path, site_dir / preview.FOLDER / "pages" / path).unlink(missing_ok=True)
        state.pages = now
        state.site = site
        state.checks = memo.now if memo is not None else {}
        state.save(site_dir)
        return {path: str(source) for path, source in sources.items()}

    def markdown(self, path: str, text: str) -> str:
        """A hand-written page's Markdown with what the build puts into it: the case template, the evidence summary."""
        if path == CONTRIBUTING:
            return fill_contributing(text)
        if path == HOME:
            return text.replace(EVIDENCE_BASE_MARKER, self.evidence_base)
        return text

    def case_text(self, path: str) -> str | None:
        """A live case page's text, taken out of the build (None when MkDocs reads it from its file)."""
        return self.texts.pop(path, None)

    def case_html(self, path: str, text: str) -> tuple[str, set[str]]:
        """A live case page's HTML, its checked body put in, and every id on it (for MkDocs to check links into it)."""
        # Taken out, not just read: a page is rendered once per build, and the memory goes back at once.
        html = fill_parts(text, self.parts.pop(path, ()))
        return html, anchors(html)

    def page_html(self, path: str, html: str, generated: bool) -> tuple[str, str | None]:
        """The HTML a page publishes, and why the build must stop if it must.

        A hand-written page publishes the allow-list sanitiser's output, and stops the build if the
        sanitiser would change it; a generated page gets its HTML blocks back, and a withdrawn case's
        notice or a preview's problem page must be left alone by the sanitiser.
        """
        if not generated:
            cleaned, found = clean(html, DOCS)
            if found:
                return cleaned, (
                    f"docs/{path}: has HTML that is not allowed on a page; remove it:\n  " + "\n  ".join(found[:10])
                )
            return cleaned, None  # what was checked is what is published
        # Taken out, not just read: a page is rendered once per build, and the memory goes back at once.
        html = fill_blocks(html, self.blocks.pop(path, ()))
        if path.startswith("cases/") and path != pages.CASES.path():
            # Generated text only, so anything the sanitiser would remove is a fault in the generator.
            found = changes(html, PAGE)
            if found:
                return html, (
                    f"{self.edit_paths.get(path, path)}: the generated page has HTML the sanitiser would remove; "
                    "report it as a bug:\n  " + "\n  ".join(found[:10])
                )
        return html, None

    @staticmethod
    def template_cache(site_dir: Path) -> Path:
        """Under serve, where the theme's compiled templates are kept between rebuilds."""
        return site_dir / preview.FOLDER / "templates"
