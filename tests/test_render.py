"""Rendering: escaping, ordering, repeatability, and golden files for every generated page.

Regenerate the golden files after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_render.py``
and review the diff.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
import yaml

from atlas.index import build_index
from atlas.model import Atlas
from atlas.render import Options, attribute, front_matter, plain, render_pages, render_site
from atlas.validate import load_atlas
from tests.conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"
GOLDEN = ROOT / "tests" / "golden" / "mini"
OPTIONS = Options(edit_url_template="https://example.org/repo/edit/main/{path}")


@pytest.fixture(scope="module")
def mini() -> Atlas:
    loaded = load_atlas(MINI)
    atlas, problems = loaded.atlas, loaded.problems
    assert problems == []
    assert atlas is not None
    return atlas


def test_generated_pages_match_golden_files(mini: Atlas) -> None:
    pages = render_site(mini, OPTIONS)
    if os.environ.get("UPDATE_GOLDEN"):
        for old in (p for p in GOLDEN.rglob("*") if p.is_file()):
            old.unlink()
        for path, text in pages.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8") for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(pages) == sorted(golden)
    for path, text in pages.items():
        assert text == golden[path], f"{path} differs from tests/golden/mini/{path}"


def test_rendering_is_repeatable_and_independent_of_file_order(mini: Atlas) -> None:
    reversed_atlas = Atlas(mini.framework, tuple(reversed(mini.cases)))
    assert render_site(mini, OPTIONS) == render_site(reversed_atlas, OPTIONS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain words", "Plain words"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
        ("*bold* _it_ `code` [link](x)", "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\]\\(x\\)"),
        ("A | B", "A &#124; B"),
        ("{: onclick='x' }", "\\{: onclick='x' \\}"),
        ("# not a heading\nnext line", "\\# not a heading next line"),
        ("Fish & chips", "Fish &amp; chips"),
    ],
)
def test_plain_text_cannot_become_markup(text: str, expected: str) -> None:
    assert plain(text) == expected


def test_attribute_escapes_quotes() -> None:
    assert attribute("a \"b\" <c> & 'd'") == "a &quot;b&quot; &lt;c&gt; &amp; &#x27;d&#x27;"


def test_related_cases_rank_by_shared_elements_then_questions_then_newest(mini: Atlas) -> None:
    index = build_index(mini)
    assert [c.id for c in index.related["beta-finding"]] == ["gamma-network", "alpha-practice", "delta-standard"]
    assert [c.id for c in index.related["gamma-network"]] == ["alpha-practice", "beta-finding", "delta-standard"]


def test_indexes_group_cases(mini: Atlas) -> None:
    index = build_index(mini)
    assert [c.id for c in index.by_element["1A"]] == [
        "alpha-practice",
        "beta-finding",
        "delta-standard",
        "gamma-network",
    ]
    assert [c.id for c in index.by_question["1A.ii"]] == ["alpha-practice", "gamma-network"]
    assert [c.id for c in index.element_position("1A", None)] == ["beta-finding"]
    assert [c.id for c in index.by_approach["organic"]] == ["gamma-network"]


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'quotes " and \\ backslash',
        "\x85 next line",
        "\u2028 line separator",
        "\ud800 lone surrogate",
        "\ufffe non-character",
        "\x07 bell",
        "--- fence",
        "key: value # comment",
        "&amp; <b>",
        "\U0001f600 a character beyond U+FFFF",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467 an emoji family",
    ],
)
def test_front_matter_always_reads_back(text: str) -> None:
    from mkdocs.utils.meta import get_data

    block = front_matter(text, text).split("---\n")[1]
    expected = {"title": attribute(text), "description": attribute(text)}
    assert yaml.safe_load(block) == expected
    if "\ud800" not in text:  # a lone surrogate is refused by the validator before it gets here
        # MkDocs' own reader, which drops front matter it cannot read and shows it as text.
        assert get_data(front_matter(text, text) + "Body")[1] == expected


def test_csv_cells_cannot_become_spreadsheet_formulas(mini: Atlas) -> None:

    from atlas.export import case_records, cases_csv

    risky = mini.cases[0].with_values(title='=HYPERLINK("https://evil.example")', summary="+1 more")
    atlas = Atlas(mini.framework, (risky, *mini.cases[1:]))
    row = cases_csv(case_records(atlas, build_index(atlas))).splitlines()[1]
    assert "'=HYPERLINK" in row and ",'+1 more," in row


def test_body_links_are_made_relative_to_the_published_page() -> None:
    from atlas.body import page_links

    html = (
        '<p><a href="other-case.md#evidence-and-impact">a</a> <a href="../framework/1c.md#1c-ii">b</a> '
        '<img alt="" src="images/chart.png" /> <a href="#fn:1">c</a> <a href="https://example.org/x.md">d</a> '
        '<a href="../spectrum/index.md">e</a></p>'
    )
    assert page_links(html, "cases/my-case/") == (
        '<p><a href="../other-case/#evidence-and-impact">a</a> <a href="../../framework/1c/#1c-ii">b</a> '
        '<img alt="" src="../images/chart.png" /> <a href="#fn:1">c</a> <a href="https://example.org/x.md">d</a> '
        '<a href="../../spectrum/">e</a></p>'
    )


# The level-1 and level-2 headings of a case page as its HTML writes them: the template's title (&para;)
# and the sanitiser's body headings (the character itself).
_HEADING = re.compile(
    r'<h([12]) id="([^"]+)">(.*?)'
    r'(?:<a class="headerlink" href="#\2" title="Permanent link">(?:&para;|\u00b6)</a>)?</h\1>'
)


def contents_in(page_html: str) -> list[dict[str, Any]]:
    """A page's contents list read from its HTML: level-2 headings under the level-1 heading before them."""
    entries: list[dict[str, Any]] = []
    for m in _HEADING.finditer(page_html):
        entry: dict[str, Any] = {"level": int(m[1]), "id": m[2], "name": re.sub(r"<[^>]+>", "", m[3]), "children": []}
        if entry["level"] == 2 and entries:
            entries[-1]["children"].append(entry)
        else:
            entries.append(entry)
    return entries


def test_a_case_page_is_html_with_the_headings_and_contents_the_sites_markdown_would_give(mini: Atlas) -> None:
    from mkdocs.utils.meta import get_data

    from atlas.markdown import Renderer, site_markdown
    from atlas.render import PART, anchors, fill_parts

    pages = render_pages(mini, OPTIONS)
    case = mini.cases[0]
    path = f"cases/{case.id}.md"
    text = pages.pages[path]
    assert PART.format(0) in text
    assert pages.parts[path] == (case.body_html,)
    html = fill_parts(text.split("---\n", 2)[2], pages.parts[path])
    # The page object takes its metadata from the model (Rendered.models), not from its front
    # matter; MkDocs reading that front matter would get the same, and the same HTML after it.
    assert sorted(pages.models) == sorted(pages.parts)
    for other, meta in ((p, m.meta) for p, m in pages.models.items()):
        body, read = get_data(pages.pages[other])
        assert read == meta and pages.pages[other].endswith(body)
    markdown = Renderer(site_markdown(ROOT))
    # The template's headings are written exactly as the site's Markdown writes them.
    for heading in ("## Sources {#sources}", "## Related cases {#related}"):
        assert markdown.html(heading) in html, heading
    title = markdown.html("# " + plain(case.title))
    assert title.split('">', 1)[0] in html  # the same id for the title
    # The contents list, from the model: the title, and under it every level-2 heading, the body's and
    # the page's own; what the page's HTML says, read back as a reader's browser would.
    assert pages.models[path].toc() == contents_in(html)
    [top] = pages.models[path].toc()
    assert (top["level"], top["id"]) == (1, title.split('"')[1])
    assert [c["id"] for c in top["children"]] == [
        "context",
        "what-they-do",
        "where-it-sits-on-the-spectrum-and-why",
        "evidence-and-impact",
        "questions-for-your-trust",
        "sources",
        "related",
    ]
    # Names as a reader sees them: the body's permanent-link mark is not part of a heading's name.
    assert top["children"][0]["name"] == "Context"
    assert {"sources", "related", "context", top["id"]} <= anchors(html)


def test_the_titles_id_steps_aside_for_a_body_heading_that_has_it(mini: Atlas) -> None:

    from atlas.render import fill_parts

    case = mini.cases[0]
    clash = case.with_values(title="Context")
    made = render_pages(Atlas(mini.framework, (clash, *mini.cases[1:])), OPTIONS)
    [top] = made.models[f"cases/{case.id}.md"].toc()
    assert made.models[f"cases/{case.id}.md"].toc() == contents_in(
        fill_parts(made.pages[f"cases/{case.id}.md"].split("---\n", 2)[2], (case.body_html,))
    )
    assert top["id"] == "context_1" and top["children"][0]["id"] == "context"


@pytest.mark.parametrize(
    ("title", "expected"), [("__config", "config"), ("__", "case"), ("Sources", "sources_1"), ("_Related", "related_1")]
)
def test_the_titles_id_never_takes_the_themes_or_the_pages_own_names(mini: Atlas, title: str, expected: str) -> None:

    case = mini.cases[0]
    made = render_pages(Atlas(mini.framework, (case.with_values(title=title), *mini.cases[1:])), OPTIONS)
    [top] = made.models[f"cases/{case.id}.md"].toc()
    assert top["id"] == expected


def test_the_case_pages_own_sections_are_the_ids_a_body_may_not_take() -> None:
    from atlas.body import RESERVED_IDS
    from atlas.render import CASE_SECTIONS

    assert set(CASE_SECTIONS) == RESERVED_IDS
