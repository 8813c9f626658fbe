"""Nothing a contributor writes may run code in a reader's browser: known payloads, through the whole build."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest

from atlas.safety import check_body, clean_url
from atlas.sanitise import body_allow_list, changes
from tests.test_build import build_with_edit, copy_project, mkdocs_build

# OWASP filter-evasion categories: scripts, event handlers, entity-encoded and mixed-case schemes,
# control characters inside javascript:, data: URLs, SVG, meta refresh, and attr_list attributes.
BODY_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<b onmouseover=alert(1)>hover</b>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](java&#0000009;script:alert(1))",
    "[x](javascript\\:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](https://tracker.example/pixel.gif)",
    "![x](//tracker.example/pixel.gif)",
    "![x](../../../etc/passwd.png)",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<base href="javascript:alert(1)//">',
    'A paragraph\n{: onclick="alert(1)" }',
    'Text [link](https://example.org){: onmouseover="alert(1)" }',
    '## Heading {: style="background:url(javascript:alert(1))" }',
]


@pytest.mark.parametrize("payload", BODY_PAYLOADS)
def test_each_body_payload_is_a_problem(payload: str) -> None:
    assert list(check_body(payload, 1)) != []


@pytest.mark.parametrize(
    "safe",
    [
        'Plain text with <abbr title="multi-academy trust">MAT</abbr> and <b>bold</b>.',
        "[A report](https://example.org/report) and [an element](../framework/1c.md#1c-ii).",
        "![A diagram](images/diagram.png)",
        "Write to [the network](mailto:network@example.org).",
        "`<script>` in code is only text",
        "```html\n<script>alert(1)</script>\n```",
        "A set like {1, 2} is not an attribute list.",
        "<https://example.org/autolink>",
    ],
)
def test_safe_markdown_passes(safe: str) -> None:
    assert list(check_body(safe, 1)) == []


def test_clean_url_decodes_what_a_browser_decodes() -> None:
    assert clean_url("jav&#x61;script&#58;alert(1)") == "javascript:alert(1)"
    assert clean_url(" java\tscr\nipt:x ") == "javascript:x"
    assert clean_url("<javascript\\:x>") == "javascript:x"


def test_the_sanitiser_reports_what_slipped_through() -> None:
    body = body_allow_list(())
    assert changes('<p>ok <a href="https://example.org/">fine</a></p>', body) == []
    assert changes('<p><a href="javascript:alert(1)" class="x">x</a><b onclick="y">b</b></p>', body) == [
        '<a class="x" href="javascript:alert(1)"',
        '<b onclick="y"',
    ]
    assert changes("<p>a</p><script>alert(1)</script>", body) == ["<script", "alert(1)", "</script>"]


def test_the_sanitisers_output_is_read_without_a_parser_as_a_parser_reads_it() -> None:
    from atlas.markdown import Renderer, site_markdown
    from atlas.sanitise import cleaned_inventory, inventory
    from tests.conftest import ROOT

    renderer = Renderer(site_markdown(ROOT))
    body = body_allow_list({"diagram.png"})
    tricky = [
        '<a title="x src=" href="y">t</a> <a href="a>b" title=\'c "d" id=e\'>f</a>',
        '<p id="a&amp;b">x id="no" &lt;a href="z"&gt;</p><img src="images/diagram.png" alt="&quot; href=&quot;q">',
        "<!-- <a href='hidden'> --> <details open><summary id=s>s</summary></details>",
    ]
    bodies = [*BODY_PAYLOADS, *tricky]
    bodies += [
        path.read_text(encoding="utf-8").split("\n---\n", 1)[1] for path in sorted((ROOT / "cases").glob("*.md"))
    ]
    read = 0
    for text in bodies:
        cleaned = body.clean(renderer.html(text))
        parsed, matched = inventory(cleaned), cleaned_inventory(cleaned)
        assert (matched.ids, matched.addresses) == (parsed.ids, parsed.addresses), text
        read += len(parsed.ids) + len(parsed.addresses)
    assert read > 50


FRONT_MATTER_PAYLOADS = {
    "title": '"<script>alert(1)</script><img src=x onerror=alert(2)>"',
    "summary": '"\\" onmouseover=alert(3) x=\\" <svg onload=alert(4)> [x](javascript:alert(5))"',
}


class Elements(HTMLParser):
    """Every element with its attributes, and the text inside script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [(tag, k, v or "") for k, v in attrs]
        self._in_script = tag == "script"
        if tag in ("iframe", "object", "embed", "base"):
            self.attributes.append((tag, "<tag>", ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def test_payloads_never_reach_the_html(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / "cases" / "mutual-mat-visits.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace('title: "Trusts visiting each other to learn"', f"title: {FRONT_MATTER_PAYLOADS['title']}")
    text = re.sub(r"summary: >-\n(  .*\n)+", f"summary: {FRONT_MATTER_PAYLOADS['summary']}\n", text)
    text = text.replace("tags: [", 'contributor: "<script>alert(6)</script>"\ntags: [')
    # Reviewed tomorrow, so the case is the newest and the feed, which holds only the newest, carries it.
    text = re.sub(r"^reviewed: .*\n", "", text, flags=re.M)
    text = text.replace("\npublished: ", f"\nreviewed: {dt.date.today() + dt.timedelta(days=1)}\npublished: ", 1)
    path.write_text(text, encoding="utf-8")
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    site = tmp_path / "site"
    for page in site.rglob("*.html"):
        found = Elements()
        found.feed(page.read_text(encoding="utf-8"))
        assert [a for a in found.attributes if a[1].startswith("on") or a[1] == "<tag>"] == [], page
        assert [a for a in found.attributes if a[2].strip().lower().startswith(("javascript:", "data:"))] == [], page
        assert [s for s in found.scripts if "alert(" in s] == [], page
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith("/mutual-mat-visits/"))
    assert entry.title == "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert entry.title_detail.type == "text/plain"


@pytest.mark.parametrize(
    "payload", ["<script>alert(1)</script>", "[x](jav&#x61;script:alert(1))", "![x](https://t.example/p.gif)"]
)
def test_a_body_payload_stops_the_build(payload: str, tmp_path: Path) -> None:
    run, _ = build_with_edit(tmp_path, lambda text: text + f"\n{payload}\n")
    assert run.returncode != 0
    assert "cases/mutual-mat-visits.md:" in run.stderr and ": body: " in run.stderr


def test_a_case_can_show_an_image_from_cases_images(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "cases" / "images").mkdir(exist_ok=True)
    # The smallest valid PNG: one transparent pixel.
    (project / "cases" / "images" / "pixel.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000000000200015e0b1de40000000049454e44ae426082"
        )
    )
    path = project / "cases" / "mutual-mat-visits.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n![One pixel](images/pixel.png)\n", encoding="utf-8")
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "site" / "cases" / "images" / "pixel.png").is_file()
    assert 'src="../images/pixel.png"' in (tmp_path / "site" / "cases" / "mutual-mat-visits" / "index.html").read_text()


# Forms the line-by-line checks cannot see; the stricter allow-list on the rendered body stops them.
RENDERED_PAYLOADS = [
    'Cite as <span\nclass="atlas-address" data-href="https://evil.example/fake">x</span>',
    '<button\ntype="button" class="atlas-copy">Copy link</button>',
    '<input\ntype="password" name="pw">',
    '<img\nsrc="https://evil.example/p.png">',
    "[![a](https://evil.example/t.png)](https://example.org)",
    "![x][]\n\n[x]: https://evil.example/t.png",
    "![x]\n\n[x]: https://evil.example/t.png",
    "## What they do {: #__config }",
]


@pytest.mark.parametrize("payload", RENDERED_PAYLOADS)
def test_a_payload_the_line_checks_miss_still_stops_the_build(payload: str, tmp_path: Path) -> None:
    run, _ = build_with_edit(tmp_path, lambda text: text + f"\n{payload}\n")
    assert run.returncode != 0
    assert "cases/mutual-mat-visits.md" in run.stderr and "body:" in run.stderr, run.stderr[-800:]
