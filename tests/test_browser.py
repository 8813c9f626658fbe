"""Browser behaviour in Debian's Chromium, driven by Playwright: explorer, self-assessment, phones, paper, accessibility.

Skipped, with one line saying how to enable them, where /usr/bin/chromium is missing; .ci/run installs it.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from atlas import schema
from atlas.index import build_index
from atlas.model import Atlas
from atlas.render import CASES_PER_SCREENFUL
from atlas.synthetic import write_corpus
from atlas.validate import load_framework
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests skipped: run `apt-get install chromium` to enable them", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright  # noqa: E402

# Running as root needs --no-sandbox; the rest stop Chromium trying to reach outside services.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on a free local port; yields its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def base_url(built: tuple[Path, Atlas]) -> Iterator[str]:
    site, _ = built
    with serve(site) as address:
        yield address


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


# One page of each kind the site has.
PAGE_TYPES = ["", "framework/", "framework/1c/", "spectrum/alignment/", "approach/co-design/", "cases/",
              "cases/bdat-send-adaptive-teaching/", "explore/", "self-assessment/", "contributing/", "data/",
              "crosswalks/", "crosswalks/dfe-tqd-2023/", "crosswalks/dfe-tqd-2023/workforce/",
              "sources/"]  # fmt: skip
PHONE = ViewportSize(width=390, height=844)
DESKTOP = ViewportSize(width=1280, height=800)


@contextmanager
def opened(browser: Browser, base_url: str, **options: object) -> Iterator[Page]:
    """A page in a fresh browser context; fails if anything was requested from outside the local server."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    yield page
    context.close()
    # Nothing may leave the machine: every request goes to the local server (or stays in the page).
    assert [url for url in requests if not url.startswith((base_url, "data:", "blob:"))] == []


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    with opened(browser, base_url, accept_downloads=True) as page:
        yield page


def test_no_announcement_bar_on_a_clean_build(browser: Browser, base_url: str) -> None:
    # Material shows its bar whenever the announce block outputs anything, even a line break.
    with opened(browser, base_url, viewport=DESKTOP) as page:
        for path in PAGE_TYPES:
            page.goto(base_url + path)
            assert page.locator(".md-banner").count() == 0, path or "home"
            height = page.evaluate("document.querySelector('[data-md-component=announce]').offsetHeight")
            assert height == 0, (path or "home", height)


def visible_cases(page: Page) -> list[str]:
    return page.eval_on_selector_all(  # type: ignore[no-any-return]
        ".atlas-card:not([hidden]) > a", "links => links.map(a => a.getAttribute('href').split('/')[2])"
    )


def test_filters_narrow_widen_and_live_in_the_address(page: Page, base_url: str, built: tuple[Path, Atlas]) -> None:
    _, atlas = built
    index = build_index(atlas)
    page.goto(base_url + "explore/")
    everything = sorted(c.id for c in index.cases)
    assert sorted(visible_cases(page)) == everything
    page.select_option("#atlas-element", "1c")
    in_1c = sorted(c.id for c in index.by_element["1C"])
    assert sorted(visible_cases(page)) == in_1c
    page.select_option("#atlas-spectrum", "alignment")
    narrowed = sorted(c.id for c in index.element_position("1C", "alignment"))
    assert sorted(visible_cases(page)) == narrowed and narrowed and len(narrowed) < len(in_1c)
    assert page.url == base_url + "explore/?element=1c&spectrum=alignment"
    assert page.text_content(".atlas-count") == f"Showing {len(narrowed)} of {len(everything)} cases."
    page.goto(base_url + "explore/?element=1c&spectrum=alignment")  # the link reopens the same view
    assert sorted(visible_cases(page)) == narrowed
    assert page.input_value("#atlas-element") == "1c"
    page.select_option("#atlas-spectrum", "")
    assert sorted(visible_cases(page)) == in_1c  # widening again
    page.fill("#atlas-q", "peer review")
    words = [
        c.id for c in index.by_element["1C"] if all(w in f"{c.title} {c.summary}".lower() for w in ("peer", "review"))
    ]
    assert sorted(visible_cases(page)) == sorted(words)
    page.click("button.atlas-reset")
    page.wait_for_function("document.querySelectorAll('.atlas-card[hidden]').length === 0")
    assert page.url == base_url + "explore/"


def test_the_heat_map_opens_the_explorer_filtered(page: Page, base_url: str, built: tuple[Path, Atlas]) -> None:
    _, atlas = built
    page.goto(base_url + "framework/")
    page.click('a[href="../explore/?element=6b&spectrum=none"]')
    page.wait_for_url("**/explore/?element=6b&spectrum=none")
    expected = sorted(c.id for c in build_index(atlas).element_position("6B", None))
    assert sorted(visible_cases(page)) == expected


def test_the_explorer_lists_every_case_without_javascript(
    browser: Browser, base_url: str, built: tuple[Path, Atlas]
) -> None:
    _, atlas = built
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "explore/")
    assert page.locator(".atlas-card a").count() == len(atlas.live)
    assert page.is_hidden("form.atlas-filters")
    context.close()


def expected_recommendations(atlas: Atlas, weak: set[str]) -> list[str]:
    scored = [(len(weak & set(c.elements)), c) for c in atlas.live if weak & set(c.elements)]
    scored.sort(key=lambda x: (-x[0], -x[1].published.toordinal(), x[1].title))
    return [c.title for _, c in scored[:15]]


def test_self_assessment_stores_shares_and_recommends(page: Page, base_url: str, built: tuple[Path, Atlas]) -> None:
    _, atlas = built
    page.goto(base_url + "self-assessment/")
    page.check('input[name="1a"][value="r"]')
    page.check('input[name="2b"][value="ar"]')
    page.check('input[name="6b"][value="g"]')
    page.fill("#note-1a", "Vision not yet shared with staff")
    assert page.url.endswith("#1a=r&2b=ar&6b=g")
    page.wait_for_selector("ol.atlas-recommended li")
    titles = page.eval_on_selector_all("ol.atlas-recommended li a", "links => links.map(a => a.textContent)")
    assert titles == expected_recommendations(atlas, {"1A", "2B"})
    # Each link, built from the pattern the page carries, opens that case's own page.
    links = page.eval_on_selector_all("ol.atlas-recommended li a", "links => links.map(a => a.href)")
    by_title = {c.title: c.id for c in atlas.live}
    assert links == [base_url + f"cases/{by_title[title]}/" for title in titles]
    shared = page.url
    page.reload()  # restored from this browser's storage
    assert page.is_checked('input[name="2b"][value="ar"]')
    assert page.input_value("#note-1a") == "Vision not yet shared with staff"
    # A colleague opens the link in a fresh browser: same ratings, no notes.
    other = page.context.browser.new_context()  # type: ignore[union-attr]
    colleague = other.new_page()
    colleague.goto(shared)
    assert colleague.is_checked('input[name="1a"][value="r"]') and colleague.is_checked('input[name="6b"][value="g"]')
    assert colleague.input_value("#note-1a") == ""
    colleague.wait_for_selector("ol.atlas-recommended li")
    other.close()
    with page.expect_download() as download:
        page.click('button[data-action="csv"]')
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark, so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["element", "name", "rating", "notes"]
    assert rows[1] == ["1A", "Clarity of purpose", "Red", "Vision not yet shared with staff"]
    assert len(rows) == 15


def test_the_printed_summary_fits_the_ratings(page: Page, base_url: str) -> None:
    page.add_init_script("window.print = () => {};")
    page.goto(base_url + "self-assessment/#1c=ag")
    page.click('button[data-action="print"]')
    page.emulate_media(media="print")
    rows = page.locator(".atlas-print-summary .atlas-print-ratings tbody tr")
    assert rows.count() == 14
    assert page.text_content(".atlas-print-summary tbody tr:nth-child(3) td") == "Amber-Green"
    assert page.is_hidden("form.atlas-self-assessment")
    assert page.is_visible(".atlas-print-summary")
    height = page.evaluate("document.querySelector('.atlas-print-summary').getBoundingClientRect().height")
    assert height < 900  # one A4 page at 96 dpi is about 1,100 px tall, margins included


def test_a_shared_link_does_not_overwrite_your_own_ratings(page: Page, base_url: str) -> None:
    page.goto(base_url + "self-assessment/")
    page.check('input[name="1a"][value="g"]')
    page.goto(base_url + "self-assessment/#1b=r&2a=constructor&9z=r")
    assert page.is_checked('input[name="1b"][value="r"]')
    assert not page.is_checked('input[name="1a"][value="g"]')
    saved = page.evaluate("JSON.parse(localStorage.getItem('atlas-self-assessment-v1')).ratings")
    assert saved == {"1a": "g"}
    page.goto(base_url + "self-assessment/")
    assert page.is_checked('input[name="1a"][value="g"]')


def sideways(page: Page) -> list[str]:
    """What scrolls sideways on this page: the page itself, any table, or a table's scrolling wrapper."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => {
          const out = [];
          const root = document.documentElement;
          if (root.scrollWidth > window.innerWidth) out.push(`page ${root.scrollWidth}px`);
          document.querySelectorAll("article table").forEach((table, i) => {
            for (const box of [table, table.closest(".md-typeset__scrollwrap"), table.closest(".md-typeset__table")]) {
              if (box && box.scrollWidth > box.clientWidth) out.push(`table ${i + 1}: ${box.className || box.tagName} ${box.scrollWidth}px > ${box.clientWidth}px`);
            }
          });
          document.querySelectorAll("article pre > code").forEach((code, i) => {
            if (code.scrollWidth > code.clientWidth) out.push(`code block ${i + 1} ${code.scrollWidth}px`);
          });
          return out;
        }"""
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["scripts", "no-scripts"])
def test_every_page_fits_a_phone(browser: Browser, base_url: str, javascript: bool) -> None:
    with opened(browser, base_url, viewport=PHONE, java_script_enabled=javascript) as page:
        for path in PAGE_TYPES:
            page.goto(base_url + path)
            assert sideways(page) == [], path or "home"
        # Wide tables become one block per row, each value labelled with its column.
        page.goto(base_url + "cases/")
        if javascript:
            assert page.get_attribute("article table tbody td:nth-child(2)", "data-label") == "Kind"
        assert page.locator("article table tbody tr").count() >= 20


def pdf_pages(pdf: bytes) -> int:
    """The number of pages in a PDF that Chromium wrote (each is an uncompressed /Type /Page object)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_the_rated_self_assessment_prints_on_one_a4_page_with_its_suggested_cases(
    page: Page, base_url: str, built: tuple[Path, Atlas]
) -> None:
    _, atlas = built
    page.add_init_script("window.print = () => {};")
    page.goto(base_url + "self-assessment/")
    ratings = {"1a": "r", "1b": "ar", "2a": "r", "3a": "ar", "4a": "g", "5a": "ag", "6b": "r"}
    for element, rating in ratings.items():
        page.check(f'input[name="{element}"][value="{rating}"]')
    for element in ("1a", "1b", "2a", "3a", "4a", "5a", "6b"):
        page.fill(
            f"#note-{element}", "Agreed at the June board: strong in two schools, patchy elsewhere; revisit in spring."
        )
    page.wait_for_selector("ol.atlas-recommended li")
    page.click('button[data-action="print"]')
    assert pdf_pages(page.pdf(format="A4")) == 1
    page.emulate_media(media="print")
    assert page.is_visible(".atlas-print-summary") and page.is_hidden("form.atlas-self-assessment")
    assert page.is_hidden("#atlas-recommendations")  # the screen's list: the summary has its own
    assert page.text_content(".atlas-print-summary tbody tr:nth-child(2) td") == "Amber-Red"
    suggested = page.eval_on_selector_all(".atlas-print-summary ol li", "items => items.map(li => li.textContent)")
    weak = {e.upper() for e, r in ratings.items() if r in ("r", "ar")}
    titles = expected_recommendations(atlas, weak)
    assert titles and len(suggested) == len(titles)
    for title, text in zip(titles, suggested, strict=True):
        assert text.startswith(title + " (for ")
        assert re.search(r"http://127\.0\.0\.1:\d+/cases/[a-z0-9-]+/$", text), text  # the full address, for paper


def test_an_element_page_prints_as_an_element_pack(page: Page, base_url: str) -> None:
    page.goto(base_url + "framework/1c/")
    chrome = (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer", ".atlas-search")
    # Each is on the page, so hiding it in print is something the stylesheet has to do.
    assert [page.locator(part).count() for part in chrome] == [1] * len(chrome)
    page.emulate_media(media="print")
    for part in chrome:
        assert page.is_hidden(part), part
    assert page.is_visible('[id="1c-i"]') and page.is_visible("text=Red (weak):") and page.is_visible("#cases")
    assert page.locator('article a[href^="../../cases/"]:visible').count() >= 1
    assert 1 <= pdf_pages(page.pdf(format="A4")) <= 12


def test_a_case_prints_with_the_full_address_of_each_source(page: Page, base_url: str) -> None:
    page.goto(base_url + "cases/bdat-send-adaptive-teaching/")
    page.emulate_media(media="print")
    assert page.is_hidden(".md-header") and page.is_hidden(".md-sidebar--primary")
    printed = page.eval_on_selector_all(
        "#sources + ol a[href^='http']",
        "links => links.map(a => [a.href, getComputedStyle(a, '::after').content])",
    )
    assert printed and all(content == f'" ({href})"' for href, content in printed)


def test_a_case_says_what_its_evidence_is_and_leads_to_each_publisher(
    browser: Browser, base_url: str, built: tuple[Path, Atlas]
) -> None:
    _, atlas = built
    case = next(c for c in atlas.live if any(s.via for s in c.sources))
    copy = next(s for s in case.sources if s.via)
    with opened(browser, base_url, viewport=PHONE) as page:
        page.goto(base_url + f"cases/{case.id}/")
        evidence = page.locator(".atlas-facts li", has_text="Evidence:")
        # One line, label first, and within the first phone screen.
        assert evidence.inner_text().startswith(f"Evidence: {schema.EVIDENCE.name(case.evidence)}: ")
        box = evidence.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        listed = page.locator("#sources + ol li", has_text=copy.title).first
        assert f"({schema.PUBLISHER_KINDS.name(copy.publisher.kind).lower()})" in listed.inner_text()
        assert f"Copy on {copy.via}." in listed.inner_text()
        listed.get_by_role("link", name=copy.publisher.name, exact=True).click()
        page.wait_for_url(f"**/sources/#{copy.publisher.id}")
        heading = page.locator(f'[id="{copy.publisher.id}"]')
        assert heading.is_visible() and heading.inner_text().startswith(copy.publisher.name)
        cited = page.locator(f'[id="{copy.publisher.id}"] + p a[href$="/cases/{case.id}/"]')
        assert cited.count() == 1


def use_the_page(page: Page, path: str) -> None:
    """Use the explorer and self-assessment before checking them, so their changed states are checked too."""
    if path == "explore/":
        if not page.is_visible("#atlas-element"):  # folded on a phone
            page.click(".atlas-filter-box > summary")
        page.select_option("#atlas-element", "1c")
        page.fill("#atlas-q", "trust")
    elif path == "self-assessment/":
        page.check('input[name="1a"][value="r"]')
        page.fill("#note-1a", "A note")
        page.wait_for_selector("ol.atlas-recommended li")
        page.click("fieldset.atlas-element details summary")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_serious_accessibility_problems(
    browser: Browser, base_url: str, scheme: str, viewport: ViewportSize
) -> None:
    axe = Axe()
    serious = []
    with opened(browser, base_url, viewport=viewport, color_scheme=scheme) as page:
        for path in PAGE_TYPES:
            page.goto(base_url + path)
            expected = "slate" if scheme == "dark" else "default"
            assert page.get_attribute("body", "data-md-color-scheme") == expected
            use_the_page(page, path)
            # Judge the page as it settles: the theme fades the header's title in and out as the page
            # scrolls, and axe can otherwise read its colour halfway through the fade.
            page.add_style_tag(
                content="*, *::before, *::after { transition: none !important; animation: none !important; }"
            )
            for v in axe.run(page).response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in v["nodes"][:3]]
                    serious.append(f"/{path}: {v['id']}: {v['help']} ({len(v['nodes'])} nodes, {targets})")
    assert serious == []


def test_every_element_page_shows_a_case_within_two_phone_screens(
    browser: Browser, base_url: str, built: tuple[Path, Atlas]
) -> None:
    # Two screens of a 390 x 844 phone, less the header: the bound is 1,700 px from the top.
    _, atlas = built
    with opened(browser, base_url, viewport=PHONE) as page:
        for element in atlas.framework.elements:
            page.goto(f"{base_url}framework/{element.slug}/")
            # The first link to a case page, /cases/<id>/, inside the article (not the "All cases" link).
            top = page.evaluate(
                """() => {
                    const a = [...document.querySelectorAll("article a")]
                        .find((link) => /\\/cases\\/[a-z0-9-]+\\/$/.test(link.getAttribute("href")));
                    return a ? a.getBoundingClientRect().top + window.scrollY : null;
                }"""
            )
            assert top is not None and top <= 1700, (element.id, top)


def header_cells(page: Page) -> list[dict[str, object]]:
    """Each column header of the page's first table: its text, whether it is cut, and where it ends."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => [...document.querySelectorAll("article table thead th")].map((th) => {
            const box = th.getBoundingClientRect();
            const wrap = th.closest(".md-typeset__scrollwrap") || th.closest("table").parentElement;
            return {text: th.textContent.trim(), cut: th.scrollWidth > th.clientWidth,
                    inside: box.right <= wrap.getBoundingClientRect().right + 0.5 && box.right <= window.innerWidth,
                    width: box.width};
        })"""
    )


@pytest.mark.parametrize("width", [1280, 1920])
def test_the_all_cases_table_fits_the_desktop_with_every_header_in_full(
    browser: Browser, base_url: str, width: int
) -> None:
    with opened(browser, base_url, viewport=ViewportSize(width=width, height=800)) as page:
        page.goto(base_url + "cases/")
        cells = header_cells(page)
        assert [c["text"] for c in cells] == ["Case", "Kind", "Elements", "Spectrum", "Evidence", "Trust", "Published"]
        assert [c["text"] for c in cells if c["cut"] or not c["inside"]] == []
        assert sideways(page) == []
        # Titles get room to read: the issue saw them squeezed into 122 px.
        assert cells[0]["width"] >= 250  # type: ignore[operator]


def test_the_explorer_shows_its_first_result_on_a_phone_first_screen(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, viewport=PHONE) as page:
        page.goto(base_url + "explore/")
        page.wait_for_selector("form.atlas-filters:not([hidden])")
        first = page.locator(".atlas-card:not([hidden]) > a").first
        box = first.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
        assert page.is_hidden("#atlas-element")  # folded into its summary
        page.click(".atlas-filter-box > summary")
        page.select_option("#atlas-element", "1c")
        assert page.text_content(".atlas-filter-box > summary") == "Filters (1 chosen)"
    # On a desktop the filters are open from the start.
    with opened(browser, base_url, viewport=DESKTOP) as page:
        page.goto(base_url + "explore/")
        assert page.is_visible("#atlas-element")


@pytest.fixture(scope="module")
def many_cases_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built from the project with 300 synthetic cases added to the real ones."""
    from tests.test_build import copy_project, mkdocs_build

    project = copy_project(tmp_path_factory.mktemp("many"))
    framework, problems = load_framework(ROOT / "framework", ROOT)
    assert framework is not None and problems == []
    write_corpus(project / "cases", 300, framework)
    run = mkdocs_build(project, project / "site")
    assert run.returncode == 0, run.stderr
    with serve(project / "site") as address:
        yield address


def test_all_cases_stays_usable_on_a_phone_at_300_cases(browser: Browser, many_cases_url: str) -> None:
    with opened(browser, many_cases_url, viewport=PHONE) as page:
        page.goto(many_cases_url + "cases/")
        rows = page.locator("article table tbody tr")
        total = rows.count()
        assert total >= 300
        assert page.locator("article table tbody tr:visible").count() == CASES_PER_SCREENFUL
        # The issue measured 77,000 px, about 92 screens; a page of rows is a few screens.
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 10 * PHONE["height"], height
        # The explorer is pointed to before the table and beside its button.
        assert page.locator('article a[href="../explore/"]').count() == 2
        button = page.locator(".atlas-more__button")
        assert (
            button.text_content()
            == f"Show {CASES_PER_SCREENFUL} more cases ({total - CASES_PER_SCREENFUL} not shown yet)"
        )
        button.click()
        assert page.locator("article table tbody tr:visible").count() == 2 * CASES_PER_SCREENFUL
        while page.is_visible(".atlas-more__button"):
            page.click(".atlas-more__button")
        assert page.locator("article table tbody tr:visible").count() == total
    # Without scripts every case is listed.
    with opened(browser, many_cases_url, viewport=PHONE, java_script_enabled=False) as page:
        page.goto(many_cases_url + "cases/")
        assert page.locator("article table tbody tr:visible").count() == total


def test_heat_map_element_names_read_on_a_line_or_two_on_a_desktop(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as page:
        page.goto(base_url + "framework/")
        lines = page.evaluate(
            """() => [...document.querySelectorAll(".atlas-heat-map tbody th")].map((th) => {
                const range = document.createRange();
                range.selectNodeContents(th);
                return [th.textContent.trim(), new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size];
            })"""
        )
        assert len(lines) == 14
        assert [name for name, count in lines if count > 2] == []


@pytest.mark.parametrize("width", [360, 390])
def test_the_site_name_shows_in_full_on_a_phone(browser: Browser, base_url: str, width: int) -> None:
    with opened(browser, base_url, viewport=ViewportSize(width=width, height=800)) as page:
        page.goto(base_url + "cases/bdat-send-adaptive-teaching/")
        page.wait_for_selector(".atlas-search:not([hidden])")
        name = page.locator(".md-header__topic:first-child .md-ellipsis")
        assert name.text_content().strip() == "MAT Practice Atlas"  # type: ignore[union-attr]
        assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth", name.element_handle())


# --- the DfE's trust quality descriptions beside the framework ---------------------------------

DFE = "dfe-tqd-2023"


def test_pillar_pages_and_the_element_page_line_naming_the_pillars(
    page: Page, base_url: str, built: tuple[Path, Atlas]
) -> None:
    _, atlas = built
    (dfe,) = atlas.crosswalks
    page.goto(base_url + "crosswalks/")
    page.click(f"article a[href='{DFE}/']")
    assert page.url == f"{base_url}crosswalks/{DFE}/"
    assert page.is_visible("text=This mapping is the atlas's own reading")
    assert page.is_visible("text=made on 6 December 2026")
    page.click("text=What we could read, and our sources")
    assert page.url.endswith(f"/crosswalks/{DFE}/#source")
    assert page.is_visible("text=We could not read the text of Annex A")
    rows = page.locator("article table").first.locator("tbody tr")  # the pillars, before the links and reasons
    assert rows.count() == 5
    assert page.is_visible("#gaps ~ p >> text=Finance and operations")
    # Each pillar: the elements behind it with their reasons, then its cases by spectrum position.
    page.goto(f"{base_url}crosswalks/{DFE}/workforce/")
    assert (page.text_content("h1") or "").startswith("Workforce (DfE pillar)")
    behind = page.eval_on_selector_all("#elements + ul > li > a", "links => links.map(a => a.textContent)")
    assert behind == [
        "2B Recruiting, developing and retaining talent",
        "3B.i",
        "3C Evidence based professional learning",
    ]
    expected = {c.id for c in dfe.cases("workforce", atlas.live)}
    shown = page.eval_on_selector_all(
        "article ul.atlas-case-list a", "links => links.map(a => a.getAttribute('href').split('/').slice(-2)[0])"
    )
    assert expected and set(shown) == expected and len(shown) == len(expected)
    assert page.locator("#cases-standardisation, #cases-alignment, #cases-autonomy, #cases-unplaced").count() >= 2
    # On paper: the pillar, its elements and its cases, without the site's chrome.
    page.emulate_media(media="print")
    assert page.is_hidden(".md-header") and page.is_hidden(".md-sidebar--primary")
    assert page.locator("article ul.atlas-case-list a:visible").count() == len(expected)
    assert 1 <= pdf_pages(page.pdf(format="A4")) <= 12
    page.emulate_media(media="screen")
    page.goto(f"{base_url}crosswalks/{DFE}/finance-and-operations/")
    assert page.is_visible("text=A gap.") and page.is_visible(
        "text=None of its elements or questions asks about budgets"
    )
    # The element page names the pillars it bears on, and the link opens the pillar.
    page.goto(base_url + "framework/2b/")
    line = page.locator("article p", has_text="bears on the DfE pillar")
    assert line.count() == 1 and "Workforce" in (line.text_content() or "")
    line.locator("a", has_text="Workforce").click()
    assert page.url == f"{base_url}crosswalks/{DFE}/workforce/"


def test_the_explorer_filters_by_pillar_and_keeps_it_in_the_address(
    page: Page, base_url: str, built: tuple[Path, Atlas]
) -> None:
    _, atlas = built
    (dfe,) = atlas.crosswalks
    page.goto(base_url + "explore/")
    page.select_option(f"#atlas-{DFE}", "workforce")
    assert page.url.endswith(f"?{DFE}=workforce")
    expected = sorted(c.id for c in dfe.cases("workforce", atlas.live))
    assert sorted(visible_cases(page)) == expected
    page.select_option("#atlas-kind", "finding")
    assert sorted(visible_cases(page)) == sorted(
        c.id for c in dfe.cases("workforce", atlas.live) if c.kind == "finding"
    )
    # The address alone reopens the same view.
    page.goto(f"{base_url}explore/?{DFE}=governance-and-leadership")
    assert page.input_value(f"#atlas-{DFE}") == "governance-and-leadership"
    assert sorted(visible_cases(page)) == sorted(c.id for c in dfe.cases("governance-and-leadership", atlas.live))
    # A pillar with nothing behind it leaves no cases, and says so in its option.
    assert page.text_content(f"#atlas-{DFE} option[value='finance-and-operations']") == "Finance and operations (0)"


# Workforce is weakest: 2B Red (1) and 3C Amber-Red (2) average 1.5; the rest average 3.5 or more.
PILLAR_RATINGS = "#1a=g&2b=r&3c=ar&4a=g&5a=ag&6a=ag"


def expected_pillar_cases(atlas: Atlas, heading: str) -> list[str]:
    (dfe,) = atlas.crosswalks
    members = set(dfe.elements_of(heading))
    cases = dfe.cases(heading, atlas.live)
    ranked = sorted(cases, key=lambda c: (-len(members & set(c.elements)), -c.published.toordinal(), c.title))
    return [c.title for c in ranked[:10]]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_self_assessment_sums_ratings_by_pillar_from_the_address_alone(
    browser: Browser, base_url: str, built: tuple[Path, Atlas], viewport: ViewportSize
) -> None:
    _, atlas = built
    with opened(browser, base_url, viewport=viewport) as page:
        page.goto(base_url + "self-assessment/" + PILLAR_RATINGS)
        table = page.locator(f".atlas-pillars[data-crosswalk='{DFE}'] tbody tr")
        rows = [
            [cell.strip() for cell in row]
            for row in table.evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.textContent))")
        ]
        assert rows == [
            ["High-quality and inclusive education", "1B, 1C, 3A, 3B, 4A, 4B", "1 of 6", "4", "4.0"],
            ["School improvement", "1A, 1B, 1C, 2A, 5A, 5B", "2 of 6", "7", "3.5"],
            ["Workforce", "2B, 3B, 3C", "2 of 3", "3", "1.5"],
            ["Finance and operations", "None: a gap in the framework", "Gap", "-", "-"],
            ["Governance and leadership", "1A, 6A, 6B", "2 of 3", "7", "3.5"],
        ]
        assert page.locator("tr.atlas-pillar-weakest-row").text_content().startswith("Workforce")  # type: ignore[union-attr]
        assert page.text_content(".atlas-pillar-weakest") == (
            "Your weakest DfE pillar: Workforce (average 1.5 from 2 rated elements)."
        )
        page.wait_for_selector("ol.atlas-pillar-recommended li")
        titles = page.eval_on_selector_all("ol.atlas-pillar-recommended li a", "links => links.map(a => a.textContent)")
        assert titles == expected_pillar_cases(atlas, "workforce")
        assert sideways(page) == []
        # The address held everything: nothing was saved in this fresh browser.
        assert page.evaluate("localStorage.getItem('atlas-self-assessment-v1')") is None


def test_the_pillar_summary_prints_on_the_one_a4_page(page: Page, base_url: str, built: tuple[Path, Atlas]) -> None:
    _, atlas = built
    page.add_init_script("window.print = () => {};")
    page.goto(base_url + "self-assessment/" + PILLAR_RATINGS + "&1b=r&2a=r&3a=ar&6b=r")
    for element in ("1a", "2b", "3c", "4a", "5a", "6a", "1b", "2a"):
        page.fill(
            f"#note-{element}", "Agreed at the June board: strong in two schools, patchy elsewhere; revisit in spring."
        )
    page.wait_for_selector("ol.atlas-recommended li")
    page.wait_for_selector("ol.atlas-pillar-recommended li")
    page.click('button[data-action="print"]')
    assert pdf_pages(page.pdf(format="A4")) == 1
    page.emulate_media(media="print")
    assert page.is_hidden(".atlas-pillars")  # the screen's summary: the printed page has its own
    printed = page.locator(".atlas-print-summary")
    assert printed.locator("h3", has_text="By DfE pillar").count() == 1
    assert printed.locator("p.atlas-print-pillars").text_content() == (
        "Average rating of the rated elements behind each DfE pillar (Red 1 to Green 4): "
        "High-quality and inclusive education 2.3; School improvement 2.3; Workforce 1.5 (weakest); "
        "Finance and operations a gap in the framework; Governance and leadership 2.7."
    )
    listed = printed.locator("ul.atlas-print-pillar-cases li").all_text_contents()
    assert [text.split(": http")[0] for text in listed] == expected_pillar_cases(atlas, "workforce")[:3]
