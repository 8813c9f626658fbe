"""A real `mkdocs build --strict` of a copy of the project, with assertions on the HTML it writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from markupsafe import escape

from atlas import schema
from atlas.index import build_index
from atlas.model import LICENCE, LICENCE_NAME, LICENCE_URL, Atlas
from atlas.render import evidence_line
from tests.conftest import EXAMPLE_PUBLISHER, ROOT, VALID_CASE

PROJECT_PARTS = ("mkdocs.yml", "docs", "cases", "framework", "hooks", "atlas", "overrides")

TWIN = "bdat-curriculum-choices-justified-locally"
# The twin's own tags and the newest publication date in the corpus, read from the files, so the
# new case below shares every tag of the twin and is newer than any case, however the corpus changes.
_TWIN_TEXT = (ROOT / "cases" / f"{TWIN}.md").read_text(encoding="utf-8")
TWIN_REFS = [r.strip() for r in re.search(r"^elements: \[(.*)\]$", _TWIN_TEXT, re.M).group(1).split(",")]  # type: ignore[union-attr]
_NEWEST = max(
    dt.date.fromisoformat(m.group(1))
    for p in (ROOT / "cases").glob("*.md")
    if (m := re.search(r"^published: ([0-9-]{10})$", p.read_text(encoding="utf-8"), re.M))
)

# A new case, dropped into cases/ and nothing else touched. It copies the elements and questions
# of an existing case and is newer, so it must rank first among that case's related cases.
NEW_CASE = f"""\
---
id: new-dropped-in-case
title: "A new case <b>dropped</b> in"
summary: >-
  A contributor adds one file; it must appear everywhere it belongs.
kind: practice
elements: [{", ".join(TWIN_REFS)}]
spectrum: autonomy
approach: co-design
evidence: survey
sources:
  - title: "A survey"
    publisher: nfer
    date: 2026
    url: https://www.nfer.ac.uk/a-survey
published: {_NEWEST + dt.timedelta(days=1)}
---
""" + VALID_CASE.split("\n---\n", 1)[1]


class Links(HTMLParser):
    """Collects every id and every href/src on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in ("href", "src") and value is not None:
                self.links.append(value)


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / part)
    # The example case's publisher, so that tests can drop the example case into a copy.
    with (dest / "framework" / "publishers.yaml").open("a", encoding="utf-8") as publishers:
        p = EXAMPLE_PUBLISHER
        publishers.write(
            f"  - id: {p.id}\n    name: {p.name}\n    kind: {p.kind}\n    domains: [{', '.join(p.domains)}]\n"
        )
    return dest


def mkdocs_build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def build_with_edit(
    tmp_path: Path, change: Callable[[str], str], case: str = "mutual-mat-visits"
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Build a copy of the project after changing one case's text; returns the run and the site folder."""
    project = copy_project(tmp_path / "project")
    path = project / "cases" / f"{case}.md"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    site = tmp_path / "site"
    return mkdocs_build(project, site), site


def pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def case_links(page: Path, site: Path) -> set[str]:
    """The ids of the cases a page links to."""
    base = "/" + page.relative_to(site).as_posix()
    found = set()
    for href in parse(page).links:
        path = urlsplit(urljoin(base, href)).path
        match = re.fullmatch(r"/cases/([a-z0-9-]+)/(index\.html)?", path)
        if match:
            found.add(match.group(1))
    return found


def test_every_case_has_a_page(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    assert len(atlas.cases) >= 20
    for case in atlas.cases:
        assert (site / "cases" / case.id / "index.html").is_file(), case.id


def test_each_element_page_links_to_exactly_its_cases(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    index = build_index(atlas)
    for element in atlas.framework.elements:
        expected = {c.id for c in index.by_element.get(element.id, ())}
        assert case_links(site / "framework" / element.slug / "index.html", site) == expected, element.id


def broken_links(site: Path) -> list[str]:
    """Every internal href or src in the site whose file or anchor does not exist."""
    parsed = {p: parse(p) for p in pages(site)}
    broken = []
    for page, links in parsed.items():
        base = "/" + page.relative_to(site).as_posix()
        for href in links.links:
            parts = urlsplit(urljoin(base, href))
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = site / unquote(parts.path).lstrip("/")
            if target.is_dir() or parts.path.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{base}: {href}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parsed[target].ids:
                broken.append(f"{base}: {href} (no such anchor)")
    return broken


def test_the_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="x">X</h2><a href="#x">ok</a><a href="#y">bad anchor</a>')
    (tmp_path / "index.html").write_text('<a href="a/">ok</a><a href="a/#x">ok</a><a href="b/">missing</a>')
    assert broken_links(tmp_path) == ["/a/index.html: #y (no such anchor)", "/index.html: b/"]


def test_every_internal_link_and_anchor_resolves(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    assert broken_links(site) == []


def test_a_new_case_appears_everywhere_it_belongs(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    new = "new-dropped-in-case"
    for slug in {r.partition(".")[0].lower() for r in TWIN_REFS}:
        assert new in case_links(site / "framework" / slug / "index.html", site)
    assert new in case_links(site / "spectrum" / "autonomy" / "index.html", site)
    assert new in case_links(site / "approach" / "co-design" / "index.html", site)
    assert new in case_links(site / "cases" / "index.html", site)
    twin = (site / "cases" / TWIN / "index.html").read_text(encoding="utf-8")
    related = twin.split('id="related"')[1]
    assert new in re.findall(r'href="\.\./([a-z0-9-]+)/"', related)
    # The heat map on /framework/ counts it, and its cell opens the explorer with both filters set.
    matrix = (site / "framework" / "index.html").read_text(encoding="utf-8")
    index = build_index(atlas)
    element = TWIN_REFS[0].partition(".")[0]
    n = len(index.element_position(element, "autonomy"))
    assert n >= 1
    cell = (
        f'<a href="../explore/?element={element.lower()}&amp;spectrum=autonomy" '
        f'aria-label="{n} case{"s" * (n != 1)}: {element} at autonomy">{n}</a>'
    )
    assert cell in matrix
    assert new in case_links(site / "explore" / "index.html", site)


def test_front_matter_text_is_escaped_in_head_and_body(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    html = (site / "cases" / "new-dropped-in-case" / "index.html").read_text(encoding="utf-8")
    assert "<b>dropped</b>" not in html
    assert "<title>A new case &lt;b&gt;dropped&lt;/b&gt; in - MAT Practice Atlas</title>" in html
    assert (
        '<meta name="description" content="A contributor adds one file; it must appear everywhere it belongs.">' in html
    )


def test_nothing_is_escaped_twice(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    twice = re.compile(r"&amp;(?:amp|lt|gt|quot|#x27|#124);")
    assert [p.relative_to(site).as_posix() for p in pages(site) if twice.search(p.read_text(encoding="utf-8"))] == []
    element = (site / "framework" / "5b" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="Next: 6A Governance structures &amp; skills"' in element


def test_case_pages_have_evidence_label_and_sources(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    for case in atlas.live:
        html = (site / "cases" / case.id / "index.html").read_text(encoding="utf-8")
        # One line saying what the evidence is, label first, naming the publishers that carry it.
        line = escape(evidence_line(case))
        assert f"<strong>Evidence:</strong> {line}</li>" in html, case.id
        assert line.startswith(schema.EVIDENCE.name(case.evidence) + ": ")
        assert 'id="sources"' in html, case.id
        for source in case.sources:
            kind = schema.PUBLISHER_KINDS.name(source.publisher.kind).lower()
            shown = f'<a href="../../sources/#{source.publisher.id}">{escape(source.publisher.name)}</a> ({kind})'
            assert shown in html, (case.id, source.title)
            if source.via:
                assert f"Copy on {source.via}." in html, (case.id, source.title)


def test_the_sources_page_lists_every_cited_publisher_and_its_cases(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    page = parse(site / "sources" / "index.html")
    html = (site / "sources" / "index.html").read_text(encoding="utf-8")
    cited = {s.publisher for c in atlas.live for s in c.sources}
    assert {p.id for p in cited} <= page.ids
    assert {f"kind-{p.kind}" for p in cited} <= page.ids
    for case in atlas.live:
        publishers = {p.id for s in case.sources for p in (s.publisher, s.voice) if p}
        assert html.count(f'href="../cases/{case.id}/"') == len(publishers), case.id


def test_every_page_names_the_content_licence_in_its_footer_and_no_source_path(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    licence = f'<a href="{LICENCE_URL}" rel="license">{LICENCE_NAME} ({LICENCE})</a>'
    footer = re.compile(r'<div class="md-copyright__highlight">(.*?)</div>', re.S)
    unlicensed, seen = [], 0
    for p in pages(site):
        html = p.read_text(encoding="utf-8")
        if "Redirecting" in html:
            continue  # an alias's redirect page, which has no footer
        seen += 1
        found = footer.search(html)
        if found is None or licence not in found.group(1):
            unlicensed.append(p.relative_to(site).as_posix())
    assert unlicensed == [] and seen > len(atlas.live)
    # An internal file path means nothing to a reader; the edit link stands in for it where there is one.
    assert [c.id for c in atlas.cases if "Source file" in (site / "cases" / c.id / "index.html").read_text()] == []


def test_the_code_has_a_licence_file_that_the_package_names() -> None:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in licence
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_no_outside_requests_in_pages(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    outside = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
    offenders = [p.relative_to(site).as_posix() for p in pages(site) if outside.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_cases_are_not_in_the_nav(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    home = (site / "index.html").read_text(encoding="utf-8")
    nav_links = re.findall(r'<a href="([^"]*)" class="md-nav__link', home)
    assert "cases/" in nav_links  # the list of all cases is in the nav...
    assert [link for link in nav_links if re.fullmatch(r"cases/[a-z0-9-]+/", link)] == []  # ...no single case is


def test_case_pages_show_the_nav_material_renders_for_them(built: tuple[Path, Atlas], tmp_path: Path) -> None:
    # Case pages reuse one rendering of the nav per build; with the reuse switched off, every case
    # page must come out the same apart from the layout's whitespace.
    site, atlas = built
    project = copy_project(tmp_path / "project")
    shutil.copy2(site.parent / "cases" / "new-dropped-in-case.md", project / "cases")
    main = project / "overrides" / "main.html"
    text = main.read_text(encoding="utf-8")
    assert text.count("page.meta.atlas_shared_nav and") == 1
    main.write_text(text.replace("page.meta.atlas_shared_nav and", "false and"), encoding="utf-8")
    run = mkdocs_build(project, tmp_path / "unshared")
    assert run.returncode == 0, run.stderr

    def squeezed(path: Path) -> str:
        return re.sub(r"\s+", " ", re.sub(r"\s+>", ">", path.read_text(encoding="utf-8")))

    for case in atlas.cases:
        page = f"cases/{case.id}/index.html"
        assert squeezed(site / page) == squeezed(tmp_path / "unshared" / page), page
    # The nav is really there: every top-level section of the site, linked from the case's folder.
    first = (site / f"cases/{atlas.cases[0].id}/index.html").read_text(encoding="utf-8")
    assert '<a href="../../framework/" class="md-nav__link' in first or 'href="../../framework/"' in first


def tree_digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(built: tuple[Path, Atlas], tmp_path: Path) -> None:
    site, _ = built
    again = tmp_path / "site"
    run = mkdocs_build(site.parent, again)
    assert run.returncode == 0, run.stderr
    assert tree_digest(again) == tree_digest(site)


def test_a_broken_case_fails_the_build_naming_file_line_and_field(tmp_path: Path) -> None:
    run, _ = build_with_edit(tmp_path, lambda text: text.replace("kind: network", "kind: netwrok"))
    assert run.returncode != 0
    assert (
        "cases/mutual-mat-visits.md:6: kind: must be one of practice, finding, network, "
        "not 'netwrok' (did you mean 'network'?)"
    ) in run.stderr
    assert "1 problem in 1 file: fix them and build again" in run.stderr


def test_the_hook_keeps_no_state_between_builds(tmp_path: Path) -> None:
    """Two builds from one loaded config, as `mkdocs serve` does, with a case edited in between."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = copy_project(tmp_path / "project")
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)
    path = project / "cases" / "mutual-mat-visits.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            'title: "Trusts visiting each other to learn"', 'title: "Edited title"'
        ),
        encoding="utf-8",
    )
    build(config)
    html = (tmp_path / "site" / "cases" / "mutual-mat-visits" / "index.html").read_text(encoding="utf-8")
    assert "<title>Edited title - MAT Practice Atlas</title>" in html


def test_edit_links_open_the_contributors_file_once_the_repository_is_known(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "docs_dir: docs\n",
            "docs_dir: docs\nrepo_url: https://github.com/example/atlas\nedit_uri: edit/main/docs/\n",
        ),
        encoding="utf-8",
    )
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    case = (tmp_path / "site" / "cases" / "mutual-mat-visits" / "index.html").read_text(encoding="utf-8")
    edit = "https://github.com/example/atlas/edit/main/cases/mutual-mat-visits.md"
    assert f'href="{edit}" title="Edit this page"' in case  # the theme's button
    assert f'<a href="{edit}">Edit this case</a>' in case  # the footer link
    about = (tmp_path / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/atlas/edit/main/docs/about.md" title="Edit this page"' in about


def test_a_stale_case_builds_with_a_warning_naming_its_file(tmp_path: Path) -> None:
    # Warnings reach a contributor previewing too: logged on a mkdocs.* logger at INFO, so --strict passes.
    def three_years_old(text: str) -> str:
        text = re.sub(r"^reviewed: .*\n", "", text, flags=re.M)
        return re.sub(r"^published: .*$", "published: 2023-01-02", text, flags=re.M)

    run, _ = build_with_edit(tmp_path, three_years_old)
    assert run.returncode == 0, run.stderr
    assert re.search(
        r"INFO\s+-\s+cases/mutual-mat-visits\.md:\d+: warning: reviewed: last checked on 2023-01-02", run.stderr
    )


def test_each_case_page_serves_the_html_its_check_passed(built: tuple[Path, Atlas]) -> None:
    """Publish what was cleaned: the body on each page is, byte for byte, the sanitiser's output that was checked."""
    from atlas.sanitise import body_allow_list

    site, atlas = built
    allow = body_allow_list({p.name for p in (site.parent / "cases" / "images").glob("*")}, prefix="../")
    for case in atlas.cases:
        if case.withdrawn:
            continue
        html = (site / "cases" / case.id / "index.html").read_text(encoding="utf-8")
        assert case.body_html and case.body_html in html, case.id
        # Cleaning it again changes nothing: it is the allow-list's own output, and nothing rewrote it after.
        assert allow.clean(case.body_html) == case.body_html, case.id


def test_every_address_on_every_page_leads_to_the_web_or_into_the_site(built: tuple[Path, Atlas]) -> None:
    from tests.test_attacks import walk_addresses

    site, _ = built
    assert walk_addresses(site) == []
