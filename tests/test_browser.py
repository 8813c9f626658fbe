"""Browser behaviour in Debian's Chromium, driven by Playwright: explorer, self-assessment, accessibility.

Skipped, with one line saying how to enable them, where /usr/bin/chromium is missing; .ci/run installs it.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from atlas.index import build_index
from atlas.model import Atlas

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests skipped: run `apt-get install chromium` to enable them", allow_module_level=True)

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

# Running as root needs --no-sandbox; the rest stop Chromium trying to reach outside services.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built: tuple[Path, Atlas]) -> Iterator[str]:
    site, _ = built
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    yield page
    context.close()
    # Nothing may leave the machine: every request goes to the local server (or stays in the page).
    assert [url for url in requests if not url.startswith((base_url, "data:", "blob:"))] == []


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
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["element", "name", "rating", "notes"]
    assert rows[1] == ["1A", "Clarity of purpose", "Red", "Vision not yet shared with staff"]
    assert len(rows) == 15


def test_the_printed_summary_fits_the_ratings(page: Page, base_url: str) -> None:
    page.add_init_script("window.print = () => {};")
    page.goto(base_url + "self-assessment/#1c=ag")
    page.click('button[data-action="print"]')
    page.emulate_media(media="print")
    rows = page.locator(".atlas-print-summary tbody tr")
    assert rows.count() == 14
    assert page.text_content(".atlas-print-summary tbody tr:nth-child(3) td") == "Amber-Green"
    assert page.is_hidden("form.atlas-self-assessment")
    assert page.is_visible(".atlas-print-summary")
    height = page.evaluate("document.querySelector('.atlas-print-summary').getBoundingClientRect().height")
    assert height < 900  # one A4 page at 96 dpi is about 1,100 px tall, margins included


@pytest.mark.parametrize(
    "path", ["", "framework/1c/", "cases/bdat-send-adaptive-teaching/", "explore/", "self-assessment/"]
)
def test_no_serious_accessibility_problems(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    results = Axe().run(page)
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


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
