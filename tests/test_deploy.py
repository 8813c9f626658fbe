"""Real builds as the deploy job makes them (SITE_URL, REPO_URL, EDIT_URI set) and as contributors do (unset)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from atlas.model import Atlas
from atlas.validate import load_atlas
from tests.test_build import copy_project, mkdocs_build, pages

SITE = "https://example.org/atlas/"
REPO = "https://github.com/example/atlas"
BRANCH = "trunk"  # not main, so a branch name written into the config would show
ADDRESSES = ("SITE_URL", "REPO_URL", "EDIT_URI")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, Atlas, str]:
    """Build a copy of the project with exactly these of the address variables set."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    with pytest.MonkeyPatch.context() as patch:
        for name in ADDRESSES:
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        run = mkdocs_build(project, project / "site")
    assert run.returncode == 0, run.stderr
    loaded = load_atlas(project)
    atlas, problems = loaded.atlas, loaded.problems
    assert problems == [] and atlas is not None
    return project / "site", atlas, run.stderr


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Atlas]:
    site, atlas, _ = build(tmp_path_factory, {"SITE_URL": SITE, "REPO_URL": REPO, "EDIT_URI": f"edit/{BRANCH}/docs/"})
    return site, atlas


def sitemap(site: Path) -> list[str]:
    return [loc.text or "" for loc in ET.parse(site / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_every_page_at_its_published_address(deployed: tuple[Path, Atlas]) -> None:
    site, atlas = deployed
    addresses = sitemap(site)
    assert addresses and all(a.startswith(SITE) for a in addresses)
    assert SITE in addresses
    for case in atlas.cases:
        assert f"{SITE}cases/{case.id}/" in addresses, case.id


def test_every_page_names_its_canonical_address(deployed: tuple[Path, Atlas]) -> None:
    site, _ = deployed
    for address in sitemap(site):
        html = (site / address.removeprefix(SITE) / "index.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{address}">' in html, address


def test_every_case_links_to_its_own_file_on_the_branch(deployed: tuple[Path, Atlas]) -> None:
    site, atlas = deployed
    for case in atlas.cases:
        html = (site / "cases" / case.id / "index.html").read_text(encoding="utf-8")
        assert f'href="{REPO}/edit/{BRANCH}/cases/{case.id}.md"' in html, case.id


def test_the_feed_uses_the_published_addresses(deployed: tuple[Path, Atlas]) -> None:
    site, _ = deployed
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert f"{SITE}cases/" in feed and "127.0.0.1" not in feed


def test_a_local_build_claims_no_addresses(tmp_path_factory: pytest.TempPathFactory) -> None:
    site, _, stderr = build(tmp_path_factory, {})
    assert "WARNING" not in stderr
    assert sitemap(site) == []
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        assert "127.0.0.1" not in html and "localhost" not in html, page
        # A redirect page names the page it leads to, relative to itself; no page claims an address.
        assert not re.search(r'rel="canonical" href="(?!\.\./)', html), page
        assert not re.search(r'href="[^"]*/edit/', html), page
