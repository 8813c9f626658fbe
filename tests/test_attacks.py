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
}
# Front matter a case may not have: (field to replace, replacement line).
REFUSED_FIELDS = {
    "future-published": ("published", "published: 9999-12-31"),
    "tag-with-line-break": ("tags", 'tags: ["one\\ntwo"]'),
    "same-tag-nfc-and-nfd": ("tags", "tags: [caf\u00e9, cafe\u0301]"),
    "yaml-deep-1000": ("tags", "tags: " + "[" * 1000 + "x" + "]" * 1000),
    "yaml-deep-50000": ("tags", "tags: " + "[" * 50_000 + "x" + "]" * 50_000),
    "yaml-deep-indent": ("contributor", "contributor:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))),
}
# What may be published: it must reach the reader as text, with nothing live.
HARMLESS_FIELDS = {
    "summary-fence": ("summary", 'summary: "~~~"'),
    "summary-backtick-fence": ("summary", 'summary: "```"'),
    "title-script": ("title", 'title: "<script>alert(1)</script><img src=x onerror=alert(2)>"'),
    "summary-snippet": ("summary", "summary: \"--8<-- 'mkdocs.yml'\""),
    "zwj-emoji-title": ("title", 'title: "Family time \U0001f468\u200d\U0001f469\u200d\U0001f467 at the trust"'),
}
HARMLESS_BODIES = {
    "snippet-one-dash": "-8<- '/etc/passwd'",
    "code-with-script": "```html\n<script>alert(1)</script>\n```",
    "abbr": 'A <abbr title="multi-academy trust">MAT</abbr> with <s>struck</s> text.',
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


def test_docs_pages_are_held_to_their_own_list(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    page = project / "docs" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n", encoding="utf-8")
    status, output = make_check(project)
    run = mkdocs_build(project, tmp_path / "site")
    assert status == 1 and "docs/about.md" in output
    assert run.returncode == 1 and "docs/about.md" in run.stderr


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

        page.on("dialog", on_dialog)
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
        browser.close()
    assert dialogs == [] and outside == []


def test_the_spreadsheet_never_sees_a_formula() -> None:
    assert _spreadsheet_safe("tag;=2+5") == "tag;'=2+5"
    assert _spreadsheet_safe("=HYPERLINK(x)") == "'=HYPERLINK(x)"
    assert _spreadsheet_safe("line\n@SUM(1)") == "line\n'@SUM(1)"
    assert _spreadsheet_safe("a, -b") == "a, '-b"
    assert _spreadsheet_safe("well-being, growth") == "well-being, growth"
