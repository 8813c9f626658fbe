"""Hostile contributions, each fed to `make check` and to a real build: both refuse it naming the file, or
both publish it with nothing live in Chromium. The attacks are our own, one per class the review found.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from atlas.export import _spreadsheet_safe
from tests.conftest import ROOT, valid_case
from tests.test_build import copy_project, mkdocs_build

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
BODY = "\n### More\n\nA line of ordinary text first.\n\n{}\n"

# Body text a case may not contain. Each becomes its own case file, named after its key.
REFUSED_BODIES = {
    "cdata-split-tag": "Text <![CDATA[ x ]]><img src=x\nonerror=alert(1)>",
    "tag-split-across-lines": "<b\nonclick=alert(1)>bold</b>",
    "link-split-across-lines": '<a\nhref="javascript:alert(1)">x</a>',
    "escaped-backtick": "\\`<img src=x onerror=alert(1)>\\`",
    "one-line-triple-backtick": "``` <img src=x onerror=alert(1)>",
    "brace-inside-quoted-attr-list": 'A paragraph.\n{: title="}" onclick="alert(1)" }',
    "target-blank": "[x](https://example.org/){target=_blank}",
    "hidden-attribute": "A paragraph.\n{: hidden }",
    "theme-overlay-class": "[Win a prize](https://evil.example/){: .md-consent__overlay }",
    "theme-dialog-class": "[Read more](https://evil.example/){: .md-dialog--active }",
    "remote-image-by-reference": "![logo]\n\n[logo]: https://tracker.example/pixel.gif",
    "missing-image": "![A chart](images/missing.png)",
    "encoded-image-path": "![A chart](images/%2e%2e/%2e%2e/mkdocs.yml)",
    "nul-byte": "Text with a \x00 in it.",
    "entity-encoded-scheme": "[x](jav&#x61;script&#58;alert(1))",
    "svg-onload": "<svg onload=alert(1)>",
    "html-comment-marker": "<!-- /atlas-body --><script>alert(1)</script>",
    "unclosed-strike": "<s>struck through to the end of the page",
    "level-one-in-blockquote": "> # A second title",
    "sources-heading": "## Sources",
    "long-line": "[" * 96_000,
    "paragraph-of-brackets": "![x](" * 200,
    "link-to-no-page": "[elsewhere](no-such-case.md)",
    "link-to-no-question": "[1C.xx](../framework/1c.md#1c-xx)",
    # Links that turn into script addresses once written for the page's own folder (cases/<id>/).
    "script-link-inline": "[Open](script-link-inline/javascript:alert(1))",
    "script-link-reference": "[Open][go]\n\n[go]: script-link-reference/javascript:alert(1)",
    "script-link-footnote": "A claim.[^n]\n\n[^n]: See [this](script-link-footnote/javascript:alert(1)).",
    "script-link-dot-dot": "[Open](../cases/script-link-dot-dot/javascript:alert(1))",
    "script-link-entity-colon": "[Open](script-link-entity-colon/javascript&#58;alert(1))",
    "script-link-raw-single-quotes": "<a href='script-link-raw-single-quotes/javascript:alert(1)'>Open</a>",
    # Style on table cells, with the property names hidden from a reading of the CSS.
    "cell-style-comment": '<table><tr><td style="back/**/ground: url(https://tracker.example/p.gif)">x</td></tr></table>',
    "cell-style-escape": '<table><tr><td style="posit\\69on: fixed; inset: 0">x</td></tr></table>',
    "cell-style-cursor": "<table><tr><th style='cursor: url(https://tracker.example/c.cur), auto'>x</th></tr></table>",
    # Markup that reaches outside the body, or ids the page's own parts use.
    "closes-the-article": "Text.\n\n</article></div>\n\nMore text, now outside the article.",
    "sources-id-on-a-paragraph": "A paragraph.\n{: #sources }",
    "related-id-on-a-link": "[A link](https://example.org/){: #related }",
    # Links MkDocs would find dead.
    "dead-file-link": "[the settings](../../../mkdocs.yml)",
    "dead-anchor": "[see below](#no-such-section)",
    "root-address-link": "[all cases](/cases/)",
}
# Front matter a case may not have: (field to replace, replacement line).
REFUSED_FIELDS = {
    "future-published": ("published", "published: 9999-12-31"),
    "tag-with-line-break": ("tags", 'tags: ["one\\ntwo"]'),
    "same-tag-nfc-and-nfd": ("tags", "tags: [caf\u00e9, cafe\u0301]"),
    "yaml-deep-1000": ("tags", "tags: " + "[" * 1000 + "x" + "]" * 1000),
    "yaml-deep-50000": ("tags", "tags: " + "[" * 50_000 + "x" + "]" * 50_000),
    "yaml-deep-indent": ("contributor", "contributor:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))),
    # Nesting built so that quotes, escapes and comments hide levels from a reading of the text.
    "yaml-deep-apostrophes": ("tags", "tags: " + "['it''s', " * 1500 + "x" + "]" * 1500),
    "yaml-deep-escaped-quotes": ("tags", "tags: " + '["a\\"b", ' * 3000 + "x" + "]" * 3000),
    "yaml-deep-hash": ("tags", "tags: " + "['#', " * 3000 + "x" + "]" * 3000),
    "yaml-deep-95000": ("tags", "tags: " + "[" * 95_000 + "x" + "]" * 95_000),
    # Line breaks that YAML sees and a reader does not: a field hides on what looks like the same line.
    "line-separator-hides-a-field": ("kind", "kind: practice\u2028contributor: A hidden field"),
    "paragraph-separator-hides-a-field": ("kind", "kind: practice\u2029contributor: A hidden field"),
    # Text that looks blank.
    "title-of-hangul-fillers": ("title", 'title: "\u3164\u3164\u3164"'),
    "summary-of-blank-braille": ("summary", 'summary: "\u2800\u2800\u2800\u2800"'),
}
# What may be published: it must reach the reader as text, with nothing live.
HARMLESS_FIELDS = {
    "summary-fence": ("summary", 'summary: "~~~ opens a fence"'),
    "summary-backtick-fence": ("summary", 'summary: "``` opens a fence"'),
    "title-script": ("title", 'title: "<script>alert(1)</script><img src=x onerror=alert(2)>"'),
    "summary-snippet": ("summary", "summary: \"--8<-- 'mkdocs.yml'\""),
    "zwj-emoji-title": ("title", 'title: "Family time \U0001f468\u200d\U0001f469\u200d\U0001f467 at the trust"'),
    "title-with-the-themes-id": ("title", 'title: "__config"'),
}
HARMLESS_BODIES = {
    "snippet-one-dash": "-8<- '/etc/passwd'",
    "code-with-script": "```html\n<script>alert(1)</script>\n```",
    "abbr": 'A <abbr title="multi-academy trust">MAT</abbr> with <s>struck</s> text.',
    "table-columns-by-class": "| Left | Centre | Right |\n|:--|:-:|--:|\n| a | b | c |",
}
# Files in cases/ that are refused whatever they hold.
REFUSED_FILES: dict[str, Callable[[Path], object]] = {
    "cases/linked-case.md": lambda cases: (cases / "linked-case.md").symlink_to(ROOT / "mkdocs.yml"),
    "cases/images/passwd.png": lambda cases: (cases / "images" / "passwd.png").symlink_to("/etc/passwd"),
    "cases/images/environ.png": lambda cases: (cases / "images" / "environ.png").symlink_to("/proc/self/environ"),
    "cases/images/not-really.png": lambda cases: (cases / "images" / "not-really.png").write_text("<svg/>"),
    "cases/.hidden.md": lambda cases: (cases / ".hidden.md").write_text(valid_case("hidden")),
    "cases/pipe.md": lambda cases: os.mkfifo(cases / "pipe.md"),
}


def _swap(case_id: str, field: str, line: str) -> str:
    return valid_case(case_id, **{field: line})


def write_attacks(project: Path, bodies: dict[str, str], fields: dict[str, tuple[str, str]]) -> None:
    """Write each attack as its own case file in the project."""
    cases = project / "cases"
    for name, text in bodies.items():
        (cases / f"{name}.md").write_text(valid_case(name) + BODY.format(text), encoding="utf-8")
    for name, (field, line) in fields.items():
        (cases / f"{name}.md").write_text(_swap(name, field, line), encoding="utf-8")


def make_check(project: Path) -> tuple[int, str]:
    """Run scripts/check.py on the project, as `make check` does; return its status and output."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--root", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return run.returncode, run.stdout + run.stderr


def named(output: str) -> set[str]:
    """The files a problem report names."""
    return set(re.findall(r"(?:^|\s)(?:\.\./)?(cases/[^\s:]+):\d+:", output, flags=re.M))


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    project = copy_project(tmp_path_factory.mktemp("refused"))
    (project / "cases" / "images").mkdir(exist_ok=True)
    write_attacks(project, REFUSED_BODIES, REFUSED_FIELDS)
    for make in REFUSED_FILES.values():
        make(project / "cases")
    return project, time.monotonic()


EXPECTED = {f"cases/{n}.md" for n in [*REFUSED_BODIES, *REFUSED_FIELDS]} | set(REFUSED_FILES)


def test_make_check_refuses_every_attack_naming_its_file(refused: tuple[Path, float]) -> None:
    project, _ = refused
    # Bounded work: make_check waits with a timeout, so a check that hangs on an input fails here.
    status, output = make_check(project)
    assert status == 1
    assert "Traceback" not in output
    assert named(output) == EXPECTED, output
    # The refusal of a symlink never reads or quotes what it points to.
    assert "site_name" not in output and "root:" not in output


def test_the_build_refuses_the_same_files(refused: tuple[Path, float], tmp_path: Path) -> None:
    project, _ = refused
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert named(run.stderr) == EXPECTED, run.stderr[-3000:]


# One file at a time too, so a verdict cannot lean on another file's problems (a build each, so only a few).
@pytest.mark.parametrize("name", ["cdata-split-tag", "theme-overlay-class", "unclosed-strike", "sources-heading"])
def test_an_attack_alone_gets_the_same_verdict_from_check_and_build(name: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    write_attacks(project, {name: REFUSED_BODIES[name]}, {})
    status, output = make_check(project)
    run = mkdocs_build(project, tmp_path / "site")
    assert (status, run.returncode) == (1, 1)
    assert named(output) == named(run.stderr) == {f"cases/{name}.md"}


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ("about.md", "\n<script>alert(1)</script>\n"),
        ("about.md", "\n![A pixel](https://tracker.example/pixel.gif)\n"),
        ("about.md", '\n<img src="//tracker.example/pixel.gif" alt="A pixel">\n'),
        ("cases/looks-like-a-case.md", "# A page in the cases' folder\n"),
        ("api/notes.md", "# Notes among the open data\n"),
    ],
    ids=["script", "remote-image", "protocol-relative-image", "in-cases", "in-api"],
)
def test_docs_pages_are_held_to_their_own_list(page: str, text: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / "docs" / page
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + text, encoding="utf-8")
    status, output = make_check(project)
    run = mkdocs_build(project, tmp_path / "site")
    assert status == 1 and f"docs/{page}" in output
    assert run.returncode == 1 and f"docs/{page}" in run.stderr


def test_the_worst_body_within_the_limits_is_checked_in_seconds() -> None:
    """Wide tables of identical cells, each table with something off the list: the comparison stays linear."""
    from atlas.body import MAX_BLOCK_CHARS, MAX_BODY_CHARS, MAX_MARKS
    from atlas.validate import body_checker, load_framework

    framework, _ = load_framework(ROOT / "framework", ROOT)
    assert framework is not None
    checker = body_checker(ROOT, framework)
    cells = ["<kbd lang=x>a</kbd>" if c % 40 == 0 else " " for c in range(MAX_BLOCK_CHARS * 18 // 100)]
    row = "|" + "|".join(cells) + "|"
    table = "\n".join(["|" + "|".join("a" * len(cells)) + "|", "|" + "|".join("-" * len(cells)) + "|", row])
    table = table[: MAX_BLOCK_CHARS - 10]
    assert "<kbd" in table and table.count("<") <= MAX_MARKS
    body = "\n\n".join([table] * (MAX_BODY_CHARS // len(table)))[: MAX_BODY_CHARS - 10]
    started = time.monotonic()
    problems = list(checker.check(body, 1, None, "cases/worst/"))
    assert time.monotonic() - started < 10
    assert problems and all(field == "body" for _, field, _ in problems)


@pytest.fixture(scope="module")
def harmless(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("harmless"))
    write_attacks(project, HARMLESS_BODIES, HARMLESS_FIELDS)
    (project / "cases" / "images").mkdir(exist_ok=True)
    (project / "cases" / "images" / "pixel.png").write_bytes(PNG)
    return project


def test_harmless_text_passes_check_and_build(harmless: Path) -> None:
    status, output = make_check(harmless)
    assert status == 0, output
    run = mkdocs_build(harmless, harmless / "site")
    assert run.returncode == 0, run.stderr
    for name in [*HARMLESS_BODIES, *HARMLESS_FIELDS]:
        html = (harmless / "site" / "cases" / name / "index.html").read_text(encoding="utf-8")
        article = Elements()
        article.feed(html[html.index("<article") : html.index("</article>")])
        assert "script" not in article.tags and "img" not in article.tags, name
        assert [a for a in article.attributes if a.startswith("on")] == [], name
        # The generated facts and footer survive whatever the front matter says.
        assert "sources" in article.ids and "Published" in html, name
    title = (harmless / "site" / "cases" / "title-script" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in title
    # A title cannot take an id the theme's own scripts look up.
    themed = (harmless / "site" / "cases" / "title-with-the-themes-id" / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="config">__config' in themed and themed.count('id="__config"') == 1  # the theme's own script
    # Column alignment arrives as a class; no style attribute is published from a case.
    aligned = (harmless / "site" / "cases" / "table-columns-by-class" / "index.html").read_text(encoding="utf-8")
    inside = aligned[aligned.index("<article") : aligned.index("</article>")]
    assert '<th class="atlas-align-center">Centre</th>' in inside and "style=" not in inside
    assert walk_addresses(harmless / "site") == []


def walk_addresses(site: Path) -> list[str]:
    """Every href and src on every built page that leads neither to http, https or mailto nor into the site."""
    from atlas.pages import inside_site
    from atlas.sanitise import inventory

    outside = []
    for page in sorted(site.rglob("*.html")):
        url = page.relative_to(site).as_posix()
        for address in inventory(page.read_text(encoding="utf-8")).addresses:
            # MkDocs writes the 404 page's addresses from the site's root: it is served at any address.
            if url == "404.html" and address.startswith("/") and not address.startswith("//"):
                address = address[1:]
            if not inside_site(url, address):
                outside.append(f"{url}: {address}")
    return outside


def test_the_address_walk_finds_what_leads_outside(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<a href="../b/">in</a><a href="https://example.org/">out</a><a href="mailto:x@example.org">mail</a>'
        '<a href="javascript:alert(1)">x</a><img src="../../up.png"><a href="//host.example/">y</a>',
        encoding="utf-8",
    )
    assert walk_addresses(tmp_path) == [
        "a/index.html: javascript:alert(1)",
        "a/index.html: ../../up.png",
        "a/index.html: //host.example/",
    ]


class Elements(HTMLParser):
    """The tags, attribute names and ids in some HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}
        self.ids |= {value for name, value in attrs if name == "id" and value}


def test_nothing_published_is_live_in_a_browser(harmless: Path) -> None:
    """Chromium opens every harmless case: no dialog, no request to another host, nothing over the page."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("browser check skipped: run `apt-get install chromium` to enable it")
    from tests.test_browser import FLAGS, serve

    if not (harmless / "site").is_dir():
        assert mkdocs_build(harmless, harmless / "site").returncode == 0
    from playwright.sync_api import Dialog, sync_playwright

    with serve(harmless / "site") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS, headless=True)
        page = browser.new_page()
        dialogs: list[str] = []
        outside: list[str] = []

        def on_dialog(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        errors: list[str] = []
        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url))
        for name in [*HARMLESS_BODIES, *HARMLESS_FIELDS]:
            page.goto(f"{base}cases/{name}/")
            page.wait_for_load_state("load")
            for link in page.query_selector_all("article a"):
                link.hover()
            # Whatever sits at the middle of the screen belongs to the page's content, not an overlay.
            inside = page.evaluate(
                "() => { const e = document.elementFromPoint(innerWidth / 2, innerHeight / 2);"
                " return !!(e && (e.closest('.md-content') || e.closest('.md-sidebar') || e.closest('.md-header')"
                " || e.closest('.md-container'))); }"
            )
            assert inside, name
            # No script address anywhere in the page as the browser holds it.
            scripted = page.evaluate(
                "() => [...document.querySelectorAll('[href], [src]')].map(e => e.getAttribute('href') ||"
                " e.getAttribute('src')).filter(a => /^\\s*(javascript|data|vbscript):/i.test(a))"
            )
            assert scripted == [], name
        browser.close()
    assert dialogs == [] and outside == [] and errors == []


def test_the_spreadsheet_never_sees_a_formula() -> None:
    assert _spreadsheet_safe("tag;=2+5") == "tag;'=2+5"
    assert _spreadsheet_safe("=HYPERLINK(x)") == "'=HYPERLINK(x)"
    assert _spreadsheet_safe("line\n@SUM(1)") == "line\n'@SUM(1)"
    assert _spreadsheet_safe("a, -b") == "a, '-b"
    assert _spreadsheet_safe("well-being, growth") == "well-being, growth"
