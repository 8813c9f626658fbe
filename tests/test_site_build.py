"""atlas.build.SiteBuild, without MkDocs: what one build makes, and when it stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.build import Made, Settings, SiteBuild
from atlas.render import EVIDENCE_BASE_MARKER
from tests.conftest import ROOT, valid_case
from tests.test_build import copy_project, mkdocs_build


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project."""
    return copy_project(tmp_path_factory.mktemp("site-build") / "project")


def make(
    project: Path, serving: bool = False, existing: set[str] | None = None, docs: list[str] | None = None
) -> tuple[SiteBuild, Made]:
    """A build of the project, and what it made."""
    build = SiteBuild(project, serving)
    settings = Settings(
        site_dir=project / "site", repo_url="https://github.com/example/atlas", edit_uri="edit/main/docs/"
    )
    return build, build.make(settings, existing or set(), docs or [])


def test_a_clean_build_makes_every_page_with_the_case_pages_last(project: Path) -> None:
    build, made = make(project)
    assert made.stop is None and not made.lenient
    paths = list(made.pages)
    cases = [p for p in paths if p in made.case_pages]
    assert cases and paths[-len(cases) :] == cases
    assert "feed.xml" in made.pages and "api/cases.json" in made.pages
    some = cases[0]
    assert made.edit_paths[some] == f"../{some}"
    assert made.case_pages[some].contents[0].level == 1 and made.case_pages[some].toc()[0]["level"] == 1
    assert made.case_pages[some].meta["title"]
    # The build holds a case page's text until the page is read, and then lets it go.
    assert made.pages[some] == ""
    text = build.case_text(some)
    assert text is not None and build.case_text(some) is None
    # The page takes its checked body once, with every id on it.
    html, ids = build.case_html(some, text.split("\n---\n", 1)[1])
    assert "atlas-part" not in html and "context" in ids and "sources" in ids
    assert build.case_html(some, "<!-- atlas-part-0 -->")[0] == "<!-- atlas-part-0 -->"


@pytest.mark.parametrize("clash", ["feed.xml", "api/cases.json", "explore.md"])
def test_a_docs_file_at_a_generated_address_stops_the_build(project: Path, clash: str) -> None:
    _, made = make(project, existing={clash})
    assert made.stop == f"docs/{clash} has the address of a generated page; move or rename it"


def test_a_hand_written_page_where_the_atlas_makes_pages_stops_the_build(project: Path) -> None:
    _, made = make(project, docs=["about.md", "cases/mine.md"])
    assert made.stop is not None and made.stop.startswith("docs/cases/mine.md sits at an address the atlas makes")


def test_content_problems_stop_a_build_and_show_on_every_page_of_a_preview(project: Path) -> None:
    bad = project / "cases" / "a-broken-case.md"
    bad.write_text(valid_case("a-broken-case", kind="kind: practise"), encoding="utf-8")
    try:
        _, stopped = make(project)
        build, shown = make(project, serving=True)
    finally:
        bad.unlink()
    assert stopped.stop is not None and "cases/a-broken-case.md:" in stopped.stop
    assert stopped.stop.endswith("fix them and build again")
    assert shown.stop is None and shown.lenient
    assert any("a-broken-case.md" in note for note in shown.notes) and build.problems
    assert "cases/a-broken-case.md" in shown.pages


def test_pages_take_what_the_build_puts_in_them(project: Path) -> None:
    build, _ = make(project)
    contributing = (ROOT / "docs" / "contributing" / "index.md").read_text(encoding="utf-8")
    assert "<!-- atlas:" not in build.markdown("contributing/index.md", contributing)
    assert build.markdown("index.md", EVIDENCE_BASE_MARKER) == build.evidence_base != ""
    assert build.markdown("about.md", EVIDENCE_BASE_MARKER) == EVIDENCE_BASE_MARKER


def test_a_hand_written_page_publishes_the_sanitisers_output_or_stops(project: Path) -> None:
    build, _ = make(project)
    assert build.page_html("about.md", "<p>Fine</p>", generated=False) == ("<p>Fine</p>", None)
    html, stop = build.page_html("about.md", "<p>Hi</p><script>x()</script>", generated=False)
    assert "<script" not in html
    assert stop is not None and stop.startswith("docs/about.md: has HTML that is not allowed on a page")


def test_the_hook_stops_on_a_static_file_at_a_generated_address(project: Path, tmp_path: Path) -> None:
    # The hook passes every file it has, not just the pages: a feed of one's own is not quietly replaced.
    (project / "docs" / "feed.xml").write_text("<feed/>", encoding="utf-8")
    try:
        built = mkdocs_build(project, tmp_path / "site")
    finally:
        (project / "docs" / "feed.xml").unlink()
    assert built.returncode != 0
    assert "docs/feed.xml has the address of a generated page; move or rename it" in built.stderr
