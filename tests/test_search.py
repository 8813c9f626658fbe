"""Search: Pagefind's index in a real build, the hook's failures, and the header's search box in Chromium."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from mkdocs.exceptions import PluginError
from playwright.sync_api import Browser, Page, ViewportSize, expect

from atlas.model import Atlas
from tests.conftest import ROOT
from tests.test_build import copy_project, mkdocs_build

# A word that only one case's body has, and that case.
WORD = "Sharnbrook"
CASE = "mutual-mat-visits"
# Pages whose front matter says `search: {exclude: true}`: lists of cases, the explorer, the self-assessment.
LISTS = ["cases/", "explore/", "self-assessment/", "spectrum/alignment/", "approach/co-design/"]


def load_hook(name: str = "search") -> ModuleType:
    """The hook ``hooks/<name>.py``, loaded as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location(f"{name}_hook", ROOT / "hooks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as MkDocs loads a hook
    spec.loader.exec_module(module)
    return module


def address(site: Path, page: Path) -> str:
    return "/" + page.relative_to(site).as_posix().removesuffix("index.html")


def fragments(site: Path, bundles: str = "pagefind*") -> dict[str, dict[str, Any]]:
    """Each page's entry in the bundles, read from Pagefind's fragments (gzip, then a marker, then JSON)."""
    out = {}
    for path in site.glob(f"{bundles}/fragment/*"):
        data = gzip.decompress(path.read_bytes())
        fragment = json.loads(data[data.index(b"{") :])
        out[fragment["url"]] = fragment
    return out


def indexed(site: Path, bundles: str = "pagefind*") -> dict[str, str]:
    """Each page in the bundles and its indexed text."""
    return {url: fragment["content"] for url, fragment in fragments(site, bundles).items()}


def test_the_bundle_indexes_the_pages_that_ask_for_it_and_no_others(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    for name in ("pagefind.js", "pagefind-modular-ui.js", "pagefind-highlight.js", "pagefind-entry.json"):
        assert (site / "pagefind" / name).is_file(), name
    marked = {address(site, p) for p in site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")}
    pages = indexed(site)
    # The slices the build plans for this many pages, one bundle each.
    from atlas.search import build_slices

    bundles = [json.loads(p.read_text(encoding="utf-8")) for p in site.glob("pagefind*/pagefind-entry.json")]
    assert len(bundles) == len(build_slices(len(pages)))
    assert sum(entry["languages"]["en"]["page_count"] for entry in bundles) == len(pages)
    assert set(pages) == marked
    assert {f"/cases/{case.id}/" for case in atlas.live} <= marked
    assert {"/", "/framework/1c/", "/guide/framework/", "/about/"} <= marked
    assert [page for page in LISTS if "/" + page in pages] == []
    # Each case's entry is its article, without the related cases' list, the citation or the pilcrows.
    text = pages[f"/cases/{CASE}/"]
    assert WORD in text and "Trusts visiting each other to learn" in text
    assert "; shares " not in text and "Cite this case" not in text and "¶" not in text
    # An element's entry is the element and its questions; the cases it lists have entries of their own.
    element = pages["/framework/1c/"]
    assert "1C.ii" in element and "Cases on this question" not in element and "; evidence: " not in element


def test_every_page_has_the_search_box_in_its_header(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    missing = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if 'class="md-header' not in html:
            continue  # a redirect from an earlier case id
        header = html[html.index("<header") : html.index("</header>")]
        box = re.search(r'<div class="atlas-search" role="search" data-bundle="([^"]+)"', header)
        if not box or '<label class="atlas-search__label" for="atlas-search-input">' not in header:
            missing.append(address(site, page))
        elif page.name != "404.html":
            # The bundle's address is relative, so the site works below a folder too.
            assert (page.parent / box.group(1) / "pagefind.js").is_file(), address(site, page)
    assert missing == []


def test_a_build_with_nothing_to_index_stops_with_a_message(tmp_path: Path) -> None:
    hook = load_hook()
    config = SimpleNamespace(site_dir=str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(PluginError, match=r"no page of .*empty asks to be found by search; has the theme changed\?"):
        hook.on_post_build(config)
    assert list((tmp_path / "empty").iterdir()) == []


def fake_service(script: str) -> Callable[[Path], list[str]]:
    """A stand-in for Pagefind's service that runs ``script``, given the site, in Python."""
    return lambda site: [sys.executable, "-c", script, str(site)]


# Answers each request as it comes, as Pagefind's service does, but says each page cannot be indexed.
REFUSES = """
import base64, json, sys
held = b""
while chunk := sys.stdin.buffer.read1(65536):
    *requests, held = (held + chunk).split(b",")
    for request in requests:
        message = json.loads(base64.b64decode(request))
        kind = message["payload"]["type"]
        reply = {"type": "Error", "message": "no good"} if kind == "AddFile" else {"type": kind}
        sys.stdout.buffer.write(base64.b64encode(json.dumps({"message_id": message["message_id"], "payload": reply}).encode()) + b",")
        sys.stdout.flush()
"""


def page_copy(name: str) -> str:
    """The copy Pagefind is given of a page whose article is titled ``name``."""
    from atlas.search import mark, search_copy

    html = f'<html><body><article class="md-content__inner md-typeset"><h1>{name}</h1><p>About {name}.</p></article>'
    return search_copy("en", mark(html + "</body></html>"))


def test_a_page_pagefind_cannot_index_fails_the_build_naming_the_page(tmp_path: Path) -> None:
    from atlas.search import Indexer, SearchIndexError

    site = tmp_path / "site"
    indexer = Indexer(site, timeout=60, command=fake_service(REFUSES))
    indexer.plan([1])
    indexer.add("cases/a/index.html", page_copy("Alpha"))
    run = indexer.writing
    assert run is not None
    with pytest.raises(SearchIndexError, match=r"Pagefind could not index cases/a/index.html: no good"):
        indexer.finish()
    assert run.process.returncode is not None and not run.folder.exists() and indexer.writing is None
    assert not run._feeder.is_alive() and list(site.iterdir()) == []


def test_pagefind_stopping_fails_the_build_with_what_it_said(tmp_path: Path) -> None:
    from atlas.search import Indexer, SearchIndexError

    script = "import sys; sys.stderr.write('Error: out of memory\\n'); sys.exit(3)"
    indexer = Indexer(tmp_path / "site", timeout=60, command=fake_service(script))
    indexer.plan([1])
    indexer.add("cases/a/index.html", page_copy("Alpha"))
    with pytest.raises(
        SearchIndexError, match=r"Pagefind stopped \(exit 3\) while indexing .*\n  Error: out of memory"
    ):
        indexer.finish()
    assert indexer.writing is None and indexer.filling is None


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find processes")
def test_a_build_that_fails_leaves_no_indexing_behind(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    # Slices of five pages: indexing the case pages takes some seconds, one slice after another.
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nextra:\n  search_shard_pages: 5\n", encoding="utf-8")
    # A hand-written page with HTML the allow-list refuses stops the build just after indexing has begun.
    (project / "docs" / "about.md").write_text("# About\n\n<script>x()</script>\n", encoding="utf-8")
    run = mkdocs_build(project, project / "site")
    assert run.returncode != 0 and "has HTML that is not allowed on a page" in run.stderr
    # Stopped, not left to finish: the build's end did not wait for every slice.
    slices = -(-len(list((project / "cases").glob("*.md"))) // 5)
    assert len(list((project / "site").glob("pagefind*"))) < slices // 2
    assert running_with(project / "site") == []


def command_lines() -> Iterator[tuple[str, bytes]]:
    """Each running process's id and command line (its words joined by NUL bytes)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            yield cmdline.parent.name, cmdline.read_bytes()
        except OSError:
            continue  # ended while being read


def running_with(path: Path) -> list[str]:
    """The processes whose command line names ``path``."""
    return [pid for pid, line in command_lines() if str(path).encode() in line]


def pagefind_with(site: Path) -> list[str]:
    """The Pagefind services indexing ``site`` (their command lines name it)."""
    return [pid for pid, line in command_lines() if {b"--service", str(site).encode()} <= set(line.split(b"\0"))]


def start_build(project: Path, site: Path) -> subprocess.Popen[bytes]:
    """`mkdocs build` of ``project`` into ``site``, with slices of five pages, so indexing goes on for some seconds."""
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nextra:\n  search_shard_pages: 5\n", encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
    return subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait until ``condition()`` holds; fail, saying ``what`` was awaited, if it has not within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:g} s for {what}")
        time.sleep(0.02)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc to find processes")
def test_ctrl_c_stops_a_build_and_its_indexing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = project / "site"
    build = start_build(project, site)
    try:
        # Interrupted once Pagefind has started, as Ctrl-C in a terminal would (to MkDocs alone).
        wait_for(lambda: pagefind_with(site) != [], 120, "Pagefind to start")
        build.send_signal(signal.SIGINT)
        assert build.wait(timeout=60) != 0
    finally:
        build.kill()
        build.wait(timeout=60)
    # Gone when the build is: MkDocs' on_shutdown stopped the run and waited for it.
    assert running_with(site) == []
    slices = -(-len(list((project / "cases").glob("*.md"))) // 5)
    assert len(list(site.glob("pagefind*"))) < slices // 2


def test_pagefind_gone_while_pages_are_sent_fails_with_what_it_said(tmp_path: Path) -> None:
    from atlas.search import Indexer, SearchIndexError

    script = "import sys; sys.stderr.write('Error: cannot start\\n'); sys.exit(3)"
    site = tmp_path / "site"
    indexer = Indexer(site, timeout=60, command=fake_service(script))
    indexer.plan([5])
    # More than a pipe holds, so the write meets the closed pipe rather than waiting in a buffer.
    with pytest.raises(SearchIndexError, match=r"Pagefind stopped \(exit 3\) while indexing .*\n  Error: cannot start"):
        indexer.add("cases/a/index.html", page_copy("Alpha" * 40_000))
        indexer.finish()
    assert indexer.filling is None and indexer.writing is None and not indexer.waiting
    assert list(site.iterdir()) == []  # its replies and errors cleared


def test_pagefind_that_takes_no_input_is_stopped_once_a_write_has_waited_too_long(tmp_path: Path) -> None:
    from atlas.search import Indexer, SearchIndexError

    site = tmp_path / "site"
    indexer = Indexer(site, timeout=1, command=sleeper)
    indexer.plan([3])
    # Bigger than a pipe holds: the write waits for a reader that never reads.
    indexer.add("a/index.html", page_copy("Alpha" * 40_000))
    run = indexer.filling
    assert run is not None
    wait_for(run.stuck, 30, "the write to wait past its time")
    with pytest.raises(SearchIndexError, match=r"Pagefind took more than 1 s to index slice 1 of"):
        indexer.add("b/index.html", page_copy("Beta"))
    assert run.process.returncode is not None and not run._feeder.is_alive()
    assert indexer.filling is None and list(site.iterdir()) == []


def sleeper(folder: Path) -> list[str]:
    """A stand-in for Pagefind that never finishes and reads nothing; its command line names ``folder``."""
    return [sys.executable, "-c", "import time; time.sleep(600)", str(folder)]


def test_a_bundle_that_takes_too_long_is_stopped_and_fails_the_build(tmp_path: Path) -> None:
    from atlas.search import Indexer, SearchIndexError

    site = tmp_path / "site"
    indexer = Indexer(site, timeout=2, command=sleeper)
    indexer.plan([1])
    indexer.add("a/index.html", "<p>a</p>")
    run = indexer.writing
    assert run is not None
    with pytest.raises(SearchIndexError, match=r"Pagefind took more than 2 s to index slice 1 of .*site"):
        indexer.finish()
    assert run.process.returncode is not None  # killed and waited for: nothing left running
    assert indexer.writing is None and not run.folder.exists()


def test_a_bundle_past_its_time_fails_as_soon_as_the_next_page_comes(tmp_path: Path) -> None:
    from atlas.search import Indexer, SearchIndexError

    site = tmp_path / "site"
    indexer = Indexer(site, timeout=0.5, command=sleeper)
    indexer.plan([1, 1, 1])
    indexer.add("a/index.html", "<p>a</p>")
    run = indexer.writing
    assert run is not None
    wait_for(lambda: time.monotonic() > run.deadline, 30, "the bundle's deadline")
    with pytest.raises(SearchIndexError, match="took more than"):
        indexer.add("b/index.html", "<p>b</p>")
    assert run.process.returncode is not None and indexer.writing is None and indexer.filling is None
    assert not indexer.waiting  # the page that came is let go with the rest


def test_a_preview_indexes_each_rebuild_and_stops_the_last_run_first(tmp_path: Path) -> None:
    from atlas.search import Preview

    first, second = tmp_path / "first", tmp_path / "second"
    preview = Preview(command=sleeper)
    preview.index(first)
    assert preview.running is not None
    earlier = preview.running
    preview.index(second)  # a rebuild: the run over the earlier site has gone before the next starts
    assert earlier.returncode is not None
    assert preview.running is not None and preview.running.poll() is None
    later = preview.running
    assert json.loads((second / "pagefind" / "atlas-bundles.json").read_text(encoding="utf-8")) == []
    preview.stop()
    assert later.returncode is not None and preview.running is None


def test_the_command_tells_a_preview_from_a_build(tmp_path: Path) -> None:
    hook = load_hook()
    config = SimpleNamespace(site_dir=str(tmp_path / "site"))
    hook.on_startup(command="serve", dirty=True)
    hook.on_config(config)
    assert hook._command.serving and hook._command.indexer is None
    hook.on_shutdown()
    hook.on_startup(command="build", dirty=False)
    hook.on_config(config)
    assert not hook._command.serving and hook._command.indexer is not None
    hook.on_build_error(error=RuntimeError("a failed build"))
    assert hook._command.indexer is None
    hook.on_shutdown()
    assert hook._command is None


def test_no_forks_process_groups_or_exit_handlers_in_the_build() -> None:
    found = []
    for folder in ("atlas", "hooks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(ROOT)}: {word}" for word in FORBIDDEN if word in text]
    assert found == []


# What only Linux runs, or what leaves processes behind when a build fails: the build runs one way on every OS.
FORBIDDEN = ("os.fork", "prctl", "killpg", "setpgid", "atexit", '"fork"', "preexec_fn")


# Browser tests, in Debian's Chromium through Playwright with test_browser.py's fixtures and helpers.
CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser tests skipped: run `apt-get install chromium` to enable them"
)
SMALL_PHONE = ViewportSize(width=360, height=740)
if CHROMIUM.exists():
    # test_browser skips itself, at import, where Chromium is missing.
    from tests.test_browser import DESKTOP, base_url, browser, opened, sideways  # noqa: F401
else:
    DESKTOP = ViewportSize(width=1280, height=800)


def search_for(page: Page, word: str) -> None:
    """Focus the header's box with the theme's key and type, as a reader would."""
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "atlas-search-input"
    page.keyboard.type(word)
    expect(page.locator(".atlas-search__status")).to_contain_text(f"for “{word}”")


@needs_chromium
@pytest.mark.parametrize("start", ["", "cases/bdat-send-adaptive-teaching/"], ids=["home", "case"])
@pytest.mark.parametrize(
    ("viewport", "key"), [(DESKTOP, "Tab"), (SMALL_PHONE, "ArrowDown")], ids=["desktop", "phone-360"]
)
def test_search_from_the_header_with_the_keyboard_alone(
    browser: Browser, base_url: str, start: str, viewport: ViewportSize, key: str
) -> None:
    # opened() fails the test if anything was requested from outside the local server.
    with opened(browser, base_url, viewport=viewport) as page:
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.goto(base_url + start)
        assert page.is_visible("#atlas-search-input")
        assert [url for url in asked if "/pagefind/" in url] == []  # nothing loads until search is used
        search_for(page, WORD)
        result = page.locator(".atlas-search__results li").filter(has=page.locator(f'a[href^="/cases/{CASE}/"]'))
        expect(result).to_be_visible()
        assert result.locator(".atlas-search__excerpt mark").first.inner_text() == WORD
        box = page.locator(".atlas-search__panel").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        assert sideways(page) == []
        page.keyboard.press(key)
        assert page.evaluate("document.activeElement.getAttribute('href')").startswith(f"/cases/{CASE}/?")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/cases/{CASE}/?pagefind-highlight={WORD.lower()}")
        marked = page.locator("article mark.pagefind-highlight").first
        expect(marked).to_be_in_viewport()
        assert marked.inner_text() == WORD
        assert any("/pagefind/" in url for url in asked)


@needs_chromium
def test_results_show_titles_as_text_and_escape_closes_the_list(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as page:
        page.goto(base_url + "about/")
        search_for(page, "dropped")
        link = page.locator('.atlas-search__results a[href^="/cases/new-dropped-in-case/"]')
        expect(link).to_have_text("A new case <b>dropped</b> in")
        assert page.locator(".atlas-search__results b").count() == 0
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Escape")
        assert page.is_hidden(".atlas-search__panel")
        assert page.evaluate("document.activeElement.id") == "atlas-search-input"
        page.emulate_media(media="print")
        assert page.is_hidden(".atlas-search")


@needs_chromium
def test_more_results_come_in_order_however_fast_the_button_is_pressed(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as page:
        page.goto(base_url)
        results = page.locator(".atlas-search__results li")
        more = page.locator(".atlas-search__more")
        search_for(page, "trust")
        expect(results).to_have_count(10)
        more.click()
        expect(results).to_have_count(20)
        more.click()
        expect(results).to_have_count(30)
        slowly = page.eval_on_selector_all(".atlas-search__results a", "links => links.map(a => a.href)")
        assert len(set(slowly)) == 30
        assert page.evaluate("document.activeElement.href") == slowly[20]  # the first of the batch just shown
        page.fill("#atlas-search-input", "")
        page.keyboard.type("trust")
        expect(results).to_have_count(10)
        more.click()
        more.click()  # before the first batch has come
        expect(results).to_have_count(30)
        quickly = page.eval_on_selector_all(".atlas-search__results a", "links => links.map(a => a.href)")
        assert quickly == slowly


@needs_chromium
def test_only_the_latest_search_is_shown_when_answers_overlap(browser: Browser, base_url: str) -> None:
    """While search loads, a reader may empty the box or type on: only an answer to what the box holds may show."""
    with opened(browser, base_url, viewport=DESKTOP) as page:
        # Every request takes 300 ms, so loading Pagefind and its second bundle takes a second or more.
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        conditions = {"offline": False, "latency": 300, "downloadThroughput": -1, "uploadThroughput": -1}
        session.send("Network.emulateNetworkConditions", conditions)
        page.goto(base_url + "about/")
        page.keyboard.press("/")
        page.keyboard.type("dropped")
        page.wait_for_timeout(300)  # past the typing pause: the search waits for Pagefind to load
        page.keyboard.press("Escape")
        page.wait_for_timeout(3000)  # loaded by now; the answer to "dropped" must not open the list
        assert page.is_hidden(".atlas-search__panel") and page.input_value("#atlas-search-input") == ""
        # Typing on after a pause asks twice; "d" finds nearly every page and must not win.
        page.keyboard.type("d")
        page.wait_for_timeout(300)
        page.keyboard.type("ropped")
        status = page.locator(".atlas-search__status")
        expect(status).to_contain_text("for “dropped”", timeout=15_000)
        page.wait_for_timeout(1500)  # time for a late answer to "d" to arrive, and be dropped
        # The new case, and the about page, which Pagefind also finds for it.
        assert re.fullmatch(r"[12] results? for “dropped”", status.inner_text()), status.inner_text()
        expect(page.locator('.atlas-search__results a[href^="/cases/new-dropped-in-case/"]')).to_be_visible()


@needs_chromium
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_open_list_has_no_serious_accessibility_problems(browser: Browser, base_url: str, scheme: str) -> None:
    with opened(browser, base_url, viewport=DESKTOP, color_scheme=scheme) as page:
        page.goto(base_url + "framework/")
        search_for(page, "curriculum")
        expect(page.locator(".atlas-search__results li").first).to_be_visible()
        violations = Axe().run(page).response["violations"]
        serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in ("serious", "critical")]
        assert serious == []


def test_pages_are_cut_into_as_few_even_slices_as_the_limit_allows() -> None:
    from atlas.search import slice_sizes

    assert slice_sizes(10025, 2600) == [2506, 2506, 2506, 2507]
    assert slice_sizes(2600, 2600) == [2600] and slice_sizes(2601, 2600) == [1300, 1301]
    assert slice_sizes(0, 2600) == [] and slice_sizes(67, 20) == [16, 17, 17, 17]
    with pytest.raises(ValueError, match="at least one page"):
        slice_sizes(10, 0)


@pytest.fixture(scope="module")
def sliced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built with its index cut into slices of 20 pages, as a large site's is."""
    project = copy_project(tmp_path_factory.mktemp("sliced"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nextra:\n  search_shard_pages: 20\n", encoding="utf-8")
    run = mkdocs_build(project, project / "site")
    assert run.returncode == 0, run.stderr
    return project / "site"


def test_a_large_site_is_indexed_in_slices_each_page_once(sliced: Path) -> None:
    from atlas.search import build_slices

    marked = {
        address(sliced, p) for p in sliced.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")
    }
    bundles = sorted(sliced.glob("pagefind*/pagefind-entry.json"))
    assert len(bundles) == len(build_slices(len(marked), 20)) >= 3
    others = json.loads((sliced / "pagefind" / "atlas-bundles.json").read_text(encoding="utf-8"))
    assert others == [f"../pagefind-{n}/" for n in range(2, len(bundles) + 1)]
    counts = [json.loads(b.read_text(encoding="utf-8"))["languages"]["en"]["page_count"] for b in bundles]
    assert max(counts) <= 20 and sum(counts) == len(marked)
    assert set(indexed(sliced)) == marked
    # The case the browser test looks for is not in the first bundle, so finding it needs the merge.
    first = set(indexed(sliced, "pagefind"))
    assert f"/cases/{CASE}/" not in first


@needs_chromium
def test_results_from_every_bundle_lead_to_their_words(browser: Browser, sliced: Path) -> None:
    """Each bundle takes its own options: results from every bundle must be marked up alike."""
    from tests.test_browser import serve

    bundle_of = {url: bundle.name for bundle in sliced.glob("pagefind*") for url in fragments(sliced, bundle.name)}
    with serve(sliced) as address_, opened(browser, address_, viewport=DESKTOP) as page:
        page.goto(address_)
        search_for(page, "curriculum")
        expect(page.locator(".atlas-search__results li").first).to_be_visible(timeout=15_000)
        hrefs = page.eval_on_selector_all(".atlas-search__results a", "links => links.map(a => a.getAttribute('href'))")
    assert len({bundle_of[href.split("?")[0]] for href in hrefs}) >= 2, hrefs
    assert [href for href in hrefs if "?pagefind-highlight=curriculum" not in href] == []


@needs_chromium
def test_search_finds_pages_in_every_slice(browser: Browser, sliced: Path) -> None:
    from tests.test_browser import serve

    with serve(sliced) as address_, opened(browser, address_) as page:
        page.goto(address_)
        search_for(page, WORD)
        # Each bundle loads its own copy of Pagefind before the search, so this may take longer.
        expect(page.locator(f'.atlas-search__results a[href^="/cases/{CASE}/"]')).to_be_visible(timeout=15_000)


def test_each_slice_is_indexed_as_its_pages_come_one_service_at_a_time(tmp_path: Path) -> None:
    from atlas.search import Indexer

    site = tmp_path / "site"
    indexer = Indexer(site)
    indexer.plan([2, 1])
    indexer.add("a/index.html", page_copy("Alpha"))
    first = indexer.filling
    assert first is not None and indexer.writing is None and not indexer.waiting  # sent at once
    indexer.add("b/index.html", page_copy("Beta"))
    # Full: its bundle is asked for while the build goes on.
    assert indexer.filling is None and (indexer.writing is first or first.done)
    indexer.add("c/index.html", page_copy("Gamma"))
    # The next slice's service starts only once the first has written its bundle and ended.
    if indexer.writing is first:
        assert indexer.filling is None and len(indexer.waiting) == 2  # the page, and its slice's end
    else:
        assert first.process.returncode == 0
    indexer.finish()
    assert indexer.writing is None and first.process.returncode == 0 and not first.folder.exists()
    assert json.loads((site / "pagefind" / "atlas-bundles.json").read_text(encoding="utf-8")) == ["../pagefind-2/"]
    assert set(indexed(site, "pagefind")) == {"/a/", "/b/"} and set(indexed(site, "pagefind-2")) == {"/c/"}
    assert indexer.indexed == 3 and indexer.started == 2


def test_pages_wait_while_a_bundle_is_written_and_go_once_it_is(tmp_path: Path) -> None:
    from atlas.search import Indexer

    # The first slice's service never answers, so the next slice's pages wait their turn.
    indexer = Indexer(tmp_path / "site", timeout=60, command=sleeper)
    indexer.plan([1, 2])
    indexer.add("a/index.html", "<p>a</p>")
    run = indexer.writing
    indexer.add("b/index.html", "<p>b</p>")
    assert run is not None and indexer.filling is None and list(indexer.waiting) == [("b/index.html", "<p>b</p>")]
    indexer.stop()
    assert run.process.returncode is not None and not indexer.waiting


@needs_chromium
def test_an_address_with_thousands_of_highlight_terms_still_marks_the_first(browser: Browser, base_url: str) -> None:
    """Pagefind's highlighter throws on thousands of terms; the page keeps the first few and marks them."""
    with opened(browser, base_url, viewport=DESKTOP) as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        terms = "&".join(f"pagefind-highlight=w{i}" for i in range(2000))
        page.goto(f"{base_url}cases/{CASE}/?pagefind-highlight={WORD.lower()}&{terms}")
        expect(page.locator("article mark.pagefind-highlight").first).to_have_text(WORD)
        kept = page.evaluate("new URLSearchParams(location.search).getAll('pagefind-highlight').length")
        assert kept == 20
        assert errors == []


def test_slices_end_with_a_small_one_indexed_while_the_build_waits() -> None:
    from atlas.search import build_slices

    assert build_slices(10025, 1000, 100, 4) == [992, 993] * 5 + [100]
    assert build_slices(1070, 1000, 100, 4) == [242, 243, 242, 243, 100]  # at least four before the last
    assert build_slices(1070, 1000, 100, 1) == [970, 100]
    assert build_slices(80, 1000, 100, 4) == [80] and build_slices(0, 1000, 100, 4) == []
    assert build_slices(67, 20, 100, 4) == [16, 17, 17, 17]
