"""A preview's rebuilds (`mkdocs serve --dirty`, as `make serve` runs it) rebuild only what an edit touched.

After each kind of edit, the preview's site folder must equal a fresh preview build of the same
files, byte for byte, apart from the state the preview keeps between rebuilds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from atlas import preview as preview_module
from atlas.index import Index
from atlas.model import Atlas, BodyHeading
from atlas.preview import FOLDER, Preview, render
from atlas.render import Options, Rendered, render_pages
from atlas.validate import load_atlas
from tests.conftest import valid_case
from tests.test_build import copy_project
from tests.test_render import MINI, OPTIONS

CASE = "mutual-mat-visits"


def preview_build(project: Path, site: Path, dirty: bool) -> None:
    """One build as `mkdocs serve` makes it: started as serve, into a mkdocs_* folder, at the dev address, not strict."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=False)
    host, port = config.dev_addr
    config.site_url = f"http://{host}:{port}/"
    config.plugins.on_startup(command="serve", dirty=dirty)
    try:
        build(config, serve_url=config.site_url, dirty=dirty)
    finally:
        config.plugins.on_shutdown()


# The preview's own state, and the search index, which a preview writes in the background after
# each rebuild (tests/test_search.py checks it). Until Pagefind replaces it, Material's lunr index
# ("search") is wrong after a dirty rebuild: it holds only the pages that rebuild wrote.
LEFT_OUT = (FOLDER, "pagefind", "search")


def digests(site: Path) -> dict[str, str]:
    """Every file in a built site by its path, leaving out the preview's state and the search index."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not set(LEFT_OUT) & set(p.relative_to(site).parts)
    }


def mkdocs_tempdir() -> Path:
    """A folder like the one `mkdocs serve` puts its site in."""
    return Path(tempfile.mkdtemp(prefix="mkdocs_"))


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A copy of the project and a preview site folder holding its first build."""
    project = copy_project(tmp_path / "project")
    site = mkdocs_tempdir()
    # MkDocs warns on every dirty build; that is expected here.
    logging.getLogger("mkdocs.commands.build").setLevel(logging.ERROR)
    preview_build(project, site, dirty=False)
    yield project, site
    shutil.rmtree(site, ignore_errors=True)


def changed_and_same(project: Path, site: Path) -> tuple[set[str], dict[str, str]]:
    """Rebuild the preview dirty; return the files the rebuild wrote, and the site's digests."""
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    preview_build(project, site, dirty=True)
    written = {
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and before.get(p) != p.stat().st_mtime_ns and not set(LEFT_OUT) & set(p.relative_to(site).parts)
    }
    return written, digests(site)


def fresh(project: Path) -> dict[str, str]:
    """The digests of a first preview build of ``project`` in a new folder."""
    site = mkdocs_tempdir()
    try:
        preview_build(project, site, dirty=False)
        return digests(site)
    finally:
        shutil.rmtree(site, ignore_errors=True)


def test_each_kind_of_edit_rebuilds_to_what_a_fresh_build_gives(preview: tuple[Path, Path]) -> None:
    project, site = preview
    case = project / "cases" / f"{CASE}.md"
    text = case.read_text(encoding="utf-8")
    page = f"cases/{CASE}/index.html"
    crosswalk = project / "framework" / "crosswalks" / "dfe-tqd-2023.yaml"
    dfe = crosswalk.read_text(encoding="utf-8")
    steps: list[tuple[str, Callable[[], object]]] = [
        ("a body edit", lambda: case.write_text(text.replace("## Context\n", "## Context\n\nPreviewedit. ", 1))),
        ("a title edit", lambda: case.write_text(text.replace("\ntitle: ", '\ntitle: "Retitled" #', 1))),
        ("a new case", lambda: (project / "cases" / "zz-new-case.md").write_text(valid_case("zz-new-case"))),
        ("a broken case", lambda: case.write_text(text.replace("\nkind: ", "\nkind: nonsense\nold_kind: ", 1))),
        ("the fix", lambda: case.write_text(text)),
        ("a deleted case", lambda: (project / "cases" / "zz-new-case.md").unlink()),
        ("a hand-written page", lambda: (project / "docs" / "about.md").write_text("# About the atlas\n\nNew.\n")),
        ("a crosswalk edit", lambda: crosswalk.write_text(dfe.replace("name: Workforce", "name: The workforce", 1))),
    ]
    written_by: dict[str, set[str]] = {}
    for what, edit in steps:
        edit()
        written, now = changed_and_same(project, site)
        expected = fresh(project)
        assert sorted(set(now) - set(expected)) == [], f"after {what}: files a fresh build does not have"
        assert sorted(set(expected) - set(now)) == [], f"after {what}: files missing"
        different = sorted(path for path in now if now[path] != expected[path])
        assert different == [], f"after {what}: these differ from a fresh build"
        written_by[what] = written
    # The point of it: a body edit rewrites the case's own page, not the site. The redirects plugin
    # rewrites its redirect pages (a few bytes each, one per earlier id) on every build; they are left out.
    redirects = {
        p.relative_to(site).as_posix()
        for p in site.rglob("index.html")
        if 'http-equiv="refresh"' in p.read_text(encoding="utf-8")
    }
    pages = {p for p in written_by["a body edit"] if p.endswith(".html")} - redirects
    assert page in pages
    assert len(pages) < 10, sorted(pages)
    # A title shows in lists, so those pages are redone too, but still not every case page.
    title_pages = {p for p in written_by["a title edit"] if p.endswith(".html")} - redirects
    assert page in title_pages and "cases/index.html" in title_pages
    case_pages = [p for p in title_pages if p.startswith("cases/") and p.count("/") == 2]
    assert len(case_pages) < 20, sorted(case_pages)
    # A crosswalk shows on its own pages, the element pages and the explorer, so those are redone.
    crosswalk_pages = {p for p in written_by["a crosswalk edit"] if p.endswith(".html")}
    assert {"crosswalks/dfe-tqd-2023/workforce/index.html", "framework/2b/index.html"} <= crosswalk_pages


def test_a_body_edit_is_rendered_alone_and_gives_what_a_full_render_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_atlas(MINI)
    assert loaded.atlas is not None
    atlas = loaded.atlas
    state = Preview()
    assert render(state, atlas, OPTIONS) == render_pages(atlas, OPTIONS)
    case = atlas.cases[0]
    # A new heading too: it shows in the case's own contents list and nowhere else.
    more = BodyHeading(3, "more", "More")
    edited_case = dataclasses.replace(
        case,
        body=case.body + "\n### More\n\nMore.\n",
        body_html=case.body_html + '<h3 id="more">More</h3>\n<p>More.</p>',
        headings=(*case.headings, more),
    )
    edited = Atlas(atlas.framework, (edited_case, *atlas.cases[1:]))
    retitled = Atlas(atlas.framework, (edited_case.with_values(title="Retitled"), *atlas.cases[1:]))
    expected = {name: render_pages(version, OPTIONS) for name, version in (("edited", edited), ("retitled", retitled))}
    full: list[Atlas] = []

    def counting(version: Atlas, options: Options | None = None, index: Index | None = None) -> Rendered:
        full.append(version)
        return render_pages(version, options, index)

    monkeypatch.setattr(preview_module, "render_pages", counting)
    assert render(state, edited, OPTIONS) == expected["edited"]
    assert full == []  # only the edited case was rendered again
    assert render(state, retitled, OPTIONS) == expected["retitled"]
    assert full == [retitled]  # a title shows in lists, so everything was rendered again
