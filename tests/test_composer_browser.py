"""The case composer in Chromium: filled by keyboard alone, mistakes shown beside their boxes in make check's words,
a draft that survives a reload, a verdict that agrees with make check, links from the gaps, and accessibility."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

# After tests.test_browser, which skips this module where Chromium is missing.
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from atlas.model import Atlas, Framework
from atlas.validate import load_cases
from tests.test_attacks import make_check
from tests.test_browser import CHROMIUM, DESKTOP, FLAGS, PHONE, opened, serve
from tests.test_build import copy_project, mkdocs_build

COMPOSER = "contributing/new/"


@pytest.fixture(scope="module")
def address(built: tuple[Path, Atlas]) -> Iterator[str]:
    site, _ = built
    with serve(site) as where:
        yield where


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield launched
        launched.close()


WORDS = (
    "The trust has eleven schools across two towns, most of them primary. Its leaders wanted a shared way to "
    "check the quality of teaching that heads would trust, rather than a visit from the centre that felt like "
    "an inspection. Heads met over a term to agree what they would look for and how they would talk about it. "
)


def tab_to(page: Page, selector: str, most: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user would."""
    for _ in range(most):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.insert_text(text) if len(text) > 60 else page.keyboard.type(text)


def choose(page: Page, selector: str, label: str) -> None:
    """Pick an option of a select by typing the start of its label, as the keyboard does."""
    tab_to(page, selector)
    page.keyboard.type(label)
    chosen = page.evaluate("s => document.querySelector(s).selectedOptions[0].textContent", selector)
    assert chosen.startswith(label), (selector, chosen)


def fill_by_keyboard(page: Page, title: str) -> str:
    """Write a whole practice case with the keyboard alone; returns the file the composer shows."""
    page.focus("body")
    type_into(page, '[data-path="title"]', title)
    type_into(
        page,
        '[data-path="summary"]',
        "Heads agree together what good teaching looks like, then visit each other's schools.",
    )
    choose(page, '[data-path="kind"]', "Practice")
    type_into(page, '[data-path="elements"]', "3A, 2B")
    choose(page, "#atlas-composer-pick", "2B.iii")
    tab_to(page, '[data-pick="elements"]')
    page.keyboard.press("Enter")
    choose(page, '[data-path="spectrum"]', "Alignment")
    choose(page, '[data-path="approach"]', "Co-design")
    choose(page, '[data-path="evidence"]', "Own account")
    type_into(page, '[data-path="trust.name"]', "Harbour Academy Trust")
    type_into(page, '[data-path="trust.schools"]', "11")
    tab_to(page, 'input[name="trust.phases"][value="primary"]')
    page.keyboard.press("Space")
    choose(page, '[data-path="trust.region"]', "South West")
    type_into(page, '[data-path="sources[1].title"]', "How our heads review teaching together")
    # The trust's own page: the test project lists it in framework/publishers.yaml (tests/test_build.copy_project).
    type_into(page, '[data-path="sources[1].publisher"]', "harbour-academy-trust")
    type_into(page, '[data-path="sources[1].date"]', "2025-09-01")
    type_into(page, '[data-path="sources[1].url"]', "https://www.example.org/review")
    type_into(page, '[data-path="years"]', "2025")
    type_into(page, '[data-path="contributor"]', "A network organiser")
    for section in ("Context", "second", "Where it sits on the spectrum and why", "Evidence and impact"):
        type_into(page, f'[data-section="{section}"]', WORDS * 2)
    type_into(page, "#atlas-q-1-text", "Do heads in your trust agree what they look for when they visit?")
    choose(page, "#atlas-q-1-link", "3A.ii")
    tab_to(page, '[data-add-item="questions"]')
    page.keyboard.press("Enter")
    page.keyboard.type("Who decides what a review looks at?")
    choose(page, "#atlas-q-2-link", "2B.iii")
    status = page.text_content("#atlas-composer-status") or ""
    assert status.startswith("Nothing to fix"), page.text_content(".atlas-composer")
    return page.text_content("#atlas-composer-file") or ""


@pytest.fixture(scope="module")
def composed(chromium: Browser, address: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A project with one case written by keyboard at each width, each file exactly as the composer gave it."""
    project = copy_project(tmp_path_factory.mktemp("composed"))
    files = {}
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        with opened(chromium, address, viewport=viewport) as page:
            page.goto(address + COMPOSER)
            text = fill_by_keyboard(page, f"Heads review teaching together, written on a {name}")
            ident = re.search(r"^id: (\S+)$", text, re.M)
            assert ident is not None
            path = project / "cases" / f"{ident.group(1)}.md"
            path.write_text(text, encoding="utf-8")
            files[name] = path
    return files


def test_a_case_written_by_keyboard_passes_make_check_unchanged(composed: dict[str, Path]) -> None:
    project = composed["phone"].parent.parent
    code, output = make_check(project)
    assert code == 0, output
    assert sorted(composed) == ["desktop", "phone"]


def test_a_case_written_by_keyboard_builds_into_a_page(composed: dict[str, Path], tmp_path: Path) -> None:
    project = composed["phone"].parent.parent
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    for path in composed.values():
        html = (tmp_path / "site" / "cases" / path.stem / "index.html").read_text(encoding="utf-8")
        assert "Heads review teaching together, written on a" in html


@pytest.fixture
def page(chromium: Browser, address: str) -> Iterator[Page]:
    with opened(chromium, address, accept_downloads=True) as page:
        yield page


def beside(page: Page, path: str) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        f'[data-problems-for="{path}"] li', "items => items.map(li => li.textContent)"
    )


def test_mistakes_show_beside_their_boxes_in_make_checks_words(
    page: Page, address: str, tmp_path: Path, framework: Framework
) -> None:
    page.goto(address + COMPOSER)
    page.fill('[data-path="title"]', "A case with mistakes in it")
    page.select_option('[data-path="kind"]', "finding")
    page.fill('[data-path="elements"]', "1CC")
    page.fill('[data-path="sources[1].title"]', "A source")
    page.fill('[data-path="sources[1].publisher"]', "nfer")
    page.fill('[data-path="sources[1].date"]', "23/11/2026")
    page.fill('[data-section="Context"]', " ".join(["word"] * 71))
    page.fill("#atlas-q-1-text", "Do we agree?")
    page.locator("#atlas-q-1-text").blur()
    made = page.text_content("#atlas-composer-file") or ""
    # make check's own words for the same file
    (tmp_path / "cases").mkdir()
    case = tmp_path / "cases" / "a-case-with-mistakes-in-it.md"
    case.write_text(made, encoding="utf-8")
    said = {f"{p.field}: {p.message}" for p in load_cases([case], tmp_path, framework).problems}
    expected = {
        "elements": "elements[1]: '1CC' is not an element or question of the framework (did you mean '1C'?); "
        "the elements are 1A Clarity of purpose; 1B Understanding of needs; 1C Leading a culture of improvement; "
        "2A Building capacity for improvement; 2B Recruiting, developing and retaining talent; "
        "3A Approach to pedagogy; 3B Leadership of teaching; 3C Evidence based professional learning; "
        "4A Curriculum principles, intent and alignment; 4B Intentional use of assessment; "
        "5A Knowing schools quantitatively; 5B Knowing schools qualitatively; 6A Governance structures & skills; "
        "6B Capability to refresh and renew the MAT",
        "sources[1].date": "sources[1].date: must be a date written YYYY-MM-DD (or just the year, YYYY, or 'undated'), not '23/11/2026' (did you mean 2026-11-23?)",
        "body": "body: has 99 words; a case needs at least 250, so say more about the context, what happened and what the evidence shows",
    }
    for path, message in expected.items():
        assert message in said, message
        assert message in beside(page, path), (path, beside(page, path))
    question = page.eval_on_selector_all("#atlas-q-1-problems li", "items => items.map(li => li.textContent)")
    link = "body: this question does not link to a framework question; end it with a link such as 'See [1C.ii](../framework/1c.md#1c-ii).'"
    assert question == [link] and link in said
    assert page.get_attribute('[data-path="elements"]', "aria-invalid") == "true"
    # No source at all
    page.click("[data-remove-item]")
    missing = "sources: must list at least 1 item, such as [{title: ..., publisher: ...}]"
    assert beside(page, "sources") == [missing]
    case.write_text(page.text_content("#atlas-composer-file") or "", encoding="utf-8")
    assert missing in {f"{p.field}: {p.message}" for p in load_cases([case], tmp_path, framework).problems}


def test_a_reload_restores_the_draft(page: Page, address: str) -> None:
    page.goto(address + COMPOSER)
    page.fill('[data-path="title"]', "A draft to keep")
    page.select_option('[data-path="kind"]', "network")
    page.fill('[data-section="Context"]', "Written before the tab was closed.")
    page.click('[data-add-item="sources"]')
    page.fill('[data-path="sources[2].title"]', "A second source")
    page.reload()
    assert page.input_value('[data-path="title"]') == "A draft to keep"
    assert page.input_value('[data-path="id"]') == "a-draft-to-keep"
    assert page.input_value('[data-path="kind"]') == "network"
    assert page.input_value('[data-section="Context"]') == "Written before the tab was closed."
    assert page.input_value('[data-path="sources[2].title"]') == "A second source"
    assert page.text_content('[data-section-label="second"]') == "How the network works"


def test_it_works_offline_and_explains_when_it_does_not_know_the_repository(page: Page, address: str) -> None:
    page.goto(address + COMPOSER)
    page.context.set_offline(True)
    page.fill('[data-path="title"]', "Written offline")
    assert "id: written-offline" in (page.text_content("#atlas-composer-file") or "")
    with page.expect_download() as download:
        page.click("#atlas-composer-download")
    assert download.value.suggested_filename == "written-offline.md"
    assert Path(download.value.path()).read_text(encoding="utf-8") == page.text_content("#atlas-composer-file")
    page.context.set_offline(False)
    assert "repo_url" in (page.text_content("#atlas-composer-propose-note") or "")


def test_propose_opens_githubs_new_file_page_or_the_issue_form(page: Page, address: str) -> None:
    # This site was built without a repository; give the page's spec one, as a deployed site's has.
    page.add_init_script(
        """document.addEventListener("DOMContentLoaded", () => {
             const holder = document.getElementById("atlas-composer-spec");
             const spec = JSON.parse(holder.textContent);
             spec.repository = {url: "https://github.com/example/atlas", branch: "main", form: "case-study.yml"};
             holder.textContent = JSON.stringify(spec);
           }, {capture: true});"""
    )
    page.goto(address + COMPOSER)
    page.fill('[data-path="title"]', "Proposed on GitHub")
    href = page.get_attribute("#atlas-composer-propose", "href") or ""
    assert href.startswith("https://github.com/example/atlas/new/main?filename=cases%2Fproposed-on-github.md&value=")
    assert parse_qs(urlsplit(href).query)["value"] == [page.text_content("#atlas-composer-file")]
    page.fill('[data-section="Context"]', WORDS * 40)
    href = page.get_attribute("#atlas-composer-propose", "href") or ""
    query = parse_qs(urlsplit(href).query)
    assert href.startswith("https://github.com/example/atlas/issues/new?template=case-study.yml")
    assert query["title"] == ["Case: Proposed on GitHub"] and query["case-title"] == ["Proposed on GitHub"]
    assert query["id"] == ["proposed-on-github"]


AGREEMENT = {
    "valid": {},
    "long-title": {"title": "x" * 151},
    "empty-summary": {"summary": ""},
    "title-semicolon-source": {"sources[1].title": "One; two"},
    "bad-id": {"id": "Bad Id!"},
    "short-id": {"id": "ab"},
    "reserved-id": {"id": "index"},
    "element-case": {"elements": "1c.II, 2b"},
    "element-question": {"elements": "1C.xx"},
    "element-typo": {"elements": "6C, 1CC, 4A, 4A"},
    "no-spectrum": {"spectrum": ""},
    "schools-words": {"trust.schools": "twelve"},
    "schools-zero": {"trust.schools": "0"},
    "schools-many": {"trust.schools": "1000"},
    "years-backwards": {"years": "2020-2017"},
    "years-odd": {"years": "20199"},
    "date-us": {"sources[1].date": "11/23/2026"},
    "date-ambiguous": {"sources[1].date": "03/04/2025"},
    "date-unreal": {"sources[1].date": "2025-02-30"},
    "date-month": {"sources[1].date": "2025-13-01"},
    "url": {"sources[1].url": "www.example.org"},
    "no-author": {"sources[1].publisher": ""},
    "published-future": {"published": "2099-01-01"},
    "reviewed-early": {"reviewed": "2020-01-01"},
    "tags": {"tags": "one;two, three, three"},
    "quotes": {"title": 'It\'s "quoted" \\ here', "tags": "0x1F, yes, null, 0b1, 2019, 1e5"},
    "body-level-one": {"section:Context": "# A second title\n\nSome text."},
    "body-extra-section": {"section:Context": "Some text.\n\n## An extra section"},
    "body-misplaced": {"section:Context": "## Evidence and impact"},
    "body-question-no-link": {"question:text": "Is this a question?"},
    "body-enough": {"section:Context": WORDS * 6, "question:text": "Do we agree?", "question:link": "1C.ii"},
}
BASE = {
    "title": "An agreement fixture",
    "summary": "A summary.",
    "kind": "practice",
    "elements": "1C.ii",
    "spectrum": "alignment",
    "evidence": "survey",
    "trust.schools": "12",
    "sources[1].title": "A source",
    "sources[1].publisher": "nfer",
    "sources[1].date": "2025",
    "sources[1].url": "https://www.nfer.ac.uk/a-survey/",
    "years": "2019",
    "tags": "curriculum",
}


@pytest.mark.parametrize("name", sorted(AGREEMENT))
def test_the_composers_verdict_on_each_field_equals_make_checks(
    page: Page, address: str, tmp_path: Path, framework: Framework, name: str
) -> None:
    page.goto(address + COMPOSER)
    values = {**BASE, **AGREEMENT[name]}
    for path, value in values.items():
        if path.startswith("section:"):
            page.fill(f'[data-section="{path[8:]}"]', value)
            continue
        if path.startswith("question:"):
            which = f"#atlas-q-1-{path[9:]}"
            page.fill(which, value) if path.endswith("text") else page.select_option(which, value)
            continue
        box = f'[data-path="{path}"]'
        if page.evaluate("s => document.querySelector(s).tagName", box) == "SELECT":
            page.select_option(box, value)
        else:
            page.fill(box, value)
    made = page.evaluate("window.atlasComposer.touchAll()")
    text = made["text"]
    ident = re.search(r"^id: (.+)$", text, re.M).group(1).strip('"')  # type: ignore[union-attr]
    (tmp_path / "cases").mkdir()
    # The file is named by its id, as the composer proposes it; an id no file can have is checked as written.
    case = tmp_path / "cases" / (f"{ident}.md" if re.fullmatch(r"[a-z0-9-]+", ident) else "x.md")
    case.write_text(text, encoding="utf-8")
    python = sorted(
        (p.field, p.message)
        for p in load_cases([case], tmp_path, framework).problems
        if not (p.field == "id" and "but the file is called" in p.message)
    )
    composer = sorted((field, message) for field, message in made["problems"])
    assert composer == python
    # Every fixture's body is the composer's empty sections, so make check finds the same few words in each.
    fields = [field for field, _ in composer if field != "body"]
    # quotes test the writer (the title is fine); body fixtures have problems only in the body, or none.
    assert (name in ("valid", "quotes") or name.startswith("body-")) == (fields == [])
    if name == "body-enough":
        assert composer == []
    shutil.rmtree(tmp_path / "cases")


def test_every_gap_links_to_the_composer_and_the_link_fills_the_field(page: Page, address: str) -> None:
    page.goto(address + "wanted/")
    rows = page.locator("article table tbody tr")
    links = page.locator('article table tbody tr a[href*="contributing/new/?"]')
    assert (
        rows.count() > 0
        and links.count()
        == page.locator("article table").nth(0).locator("tbody tr").count()
        + page.locator("article table").nth(1).locator("tbody tr").count()
        + page.locator("article table").nth(2).locator("tbody tr").count()
    )
    first = page.locator("article table").nth(0).locator("tbody tr").nth(0)
    question = (first.locator("td").nth(0).locator("a").text_content() or "").strip()
    first.locator('a[href*="contributing/new/?"]').click()
    page.wait_for_url(re.compile(r".*/contributing/new/\?elements="))
    assert page.input_value('[data-path="elements"]') == question
    page.goto(address + "wanted/")
    page.locator('a[href*="contributing/new/?kind=practice&spectrum="]').first.click()
    page.wait_for_url(re.compile(r".*/contributing/new/\?kind=practice&spectrum="))
    assert page.input_value('[data-path="kind"]') == "practice" and page.input_value('[data-path="spectrum"]')
    # A reload of the same address keeps what was changed since the link filled it in.
    page.select_option('[data-path="kind"]', "network")
    page.reload()
    assert page.input_value('[data-path="kind"]') == "network"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_serious_accessibility_problems_in_the_composer(
    chromium: Browser, address: str, scheme: str, viewport: ViewportSize
) -> None:
    with opened(chromium, address, viewport=viewport, color_scheme=scheme) as page:
        page.goto(address + COMPOSER)
        page.fill('[data-path="title"]', "A case")
        page.fill('[data-path="elements"]', "9Z")
        page.fill("#atlas-q-1-text", "A question?")
        page.evaluate("window.atlasComposer.touchAll()")
        assert page.locator(".atlas-composer-problems li").count() > 3
        serious = [
            f"{v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
