"""Open data and the feed, from a real build: valid against their schemas, complete, and parseable."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
from pathlib import Path

import feedparser
import jsonschema

from atlas.export import FEED_LIMIT, atom_feed, cases_csv
from atlas.model import LICENCE, LICENCE_URL, Atlas
from tests.test_build import pages


def load(site: Path, name: str) -> object:
    return json.loads((site / "api" / name).read_text(encoding="utf-8"))


def csv_rows(site: Path) -> list[dict[str, str]]:
    """The CSV's rows, read as Excel reads a file that starts with a byte-order mark: as UTF-8, the mark dropped."""
    return list(csv.DictReader(io.StringIO((site / "api" / "cases.csv").read_text(encoding="utf-8-sig"))))


def test_json_files_validate_against_their_published_schemas(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    for data, schema in (("cases.json", "cases.schema.json"), ("framework.json", "framework.schema.json")):
        schema_doc = load(site, schema)
        jsonschema.Draft202012Validator.check_schema(schema_doc)
        jsonschema.validate(load(site, data), schema_doc, format_checker=jsonschema.FormatChecker())


def test_the_schema_rejects_what_it_should(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    data = load(site, "cases.json")
    assert isinstance(data, dict)
    data["cases"][0]["kind"] = "anecdote"
    errors = list(jsonschema.Draft202012Validator(load(site, "cases.schema.json")).iter_errors(data))
    assert [e.message for e in errors] == ["'anecdote' is not one of ['practice', 'finding', 'network']"]


def test_every_case_and_nothing_else_is_exported(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    data = load(site, "cases.json")
    assert isinstance(data, dict)
    # The docs say withdrawn cases stay in cases/ but are left out of the data files.
    withdrawn = {c.id for c in atlas.cases if c.withdrawn is not None}
    files = {p.stem for p in (site.parent / "cases").glob("*.md")} - withdrawn
    assert {c["id"] for c in data["cases"]} == files == {c.id for c in atlas.live}
    rows = csv_rows(site)
    assert [r["id"] for r in rows] == [c["id"] for c in data["cases"]]


def test_csv_round_trips_to_the_json(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    data = load(site, "cases.json")
    assert isinstance(data, dict)
    rows = {r["id"]: r for r in csv_rows(site)}
    for case in data["cases"]:
        row = rows[case["id"]]
        assert row["title"] == case["title"]
        assert row["summary"] == case["summary"]
        assert row["elements"].split(";") == case["elements"]
        assert row["related"].split(";") == case["related"]
        assert row["source_titles"].split(";") == [s["title"] for s in case["sources"]]
        assert (row["spectrum"] or None) == case["spectrum"]


def test_the_csv_opens_in_excel_without_mojibake(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    raw = (site / "api" / "cases.csv").read_bytes()
    # Excel reads a CSV file as UTF-8 only when it starts with the mark; otherwise in the machine's code page.
    assert raw.startswith(codecs.BOM_UTF8) and not raw.startswith(codecs.BOM_UTF8 * 2)
    rows = csv_rows(site)
    assert next(iter(rows[0])) == "id"
    # The corpus has en dashes; read as UTF-8 they come back whole, with none of their bytes' cp1252 forms.
    assert {r["id"]: (r["title"], r["summary"]) for r in rows} == {c.id: (c.title, c.summary) for c in atlas.live}
    text = raw.decode("utf-8-sig")
    assert "\u2013" in text
    assert not any(garbage in text for garbage in ("\u00e2\u20ac", "\u00c3", "\ufffd"))
    # The same bytes without the mark, read as Excel would read them, are garbage: the mark is what matters.
    assert "\u00e2\u20ac\u201c" in raw[len(codecs.BOM_UTF8) :].decode("cp1252", errors="replace")


def test_the_csv_has_one_byte_order_mark_at_its_start_only() -> None:
    text = cases_csv([])
    assert text.startswith("\ufeffid,") and text.count("\ufeff") == 1


def test_framework_json_holds_every_question_with_its_address(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    data = load(site, "framework.json")
    assert isinstance(data, dict)
    questions = [q for h in data["headings"] for e in h["elements"] for q in e["questions"]]
    assert len(questions) == sum(len(e.questions) for e in atlas.framework.elements)
    assert {"id": "1C.ii", "address": "/framework/1c/#1c-ii"}.items() <= next(
        q for q in questions if q["id"] == "1C.ii"
    ).items()


def test_the_feed_is_valid_atom(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == min(FEED_LIMIT, len(atlas.live))
    newest = feed.entries[0]
    assert newest.id.startswith("tag:mat-practice-atlas,2026:/cases/")
    assert newest.link.startswith("cases/")
    assert all(e.summary for e in feed.entries)


def test_feed_text_round_trips_exactly(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    cases = {f"cases/{c.id}/": c for c in atlas.live}
    assert {e.link: (e.title, e.summary) for e in feed.entries} == {
        e.link: (cases[e.link].title, cases[e.link].summary) for e in feed.entries
    }
    # Markup, ampersands (one already an entity) and quotes must come back as the contributor typed them.
    title = 'Rules <b>"quoted"</b> & <script>x</script> A&amp;B'
    summary = 'Less < more & "so" on'
    case = cases[feed.entries[0].link]
    changed = case.with_values(title=title, summary=summary)
    odd = dataclasses.replace(atlas, cases=tuple(changed if c is case else c for c in atlas.cases))
    text = atom_feed(odd, "https://example.org/atlas/")
    parsed = feedparser.parse(text.encode("utf-8"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    entry = next(e for e in parsed.entries if e.link == f"https://example.org/atlas/cases/{case.id}/")
    assert (entry.title, entry.summary) == (title, summary)
    assert atom_feed(odd, "https://example.org/atlas/") == text


def test_every_page_announces_the_feed(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    missing = [
        p.relative_to(site).as_posix()
        for p in pages(site)
        if 'type="application/atom+xml"' not in p.read_text(encoding="utf-8") and "Redirecting" not in p.read_text()
    ]
    assert missing == []


def test_cases_elements_and_questions_carry_a_citation(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    case = atlas.live[0]
    html = (site / "cases" / case.id / "index.html").read_text(encoding="utf-8")
    assert f'<span class="atlas-address" data-href="./">/cases/{case.id}/</span>' in html
    assert "<em>MAT Practice Atlas</em>, published" in html
    element = (site / "framework" / "1c" / "index.html").read_text(encoding="utf-8")
    assert '<span class="atlas-address" data-href="./">/framework/1c/</span>' in element
    assert '<span class="atlas-address" data-href="#1c-ii">/framework/1c/#1c-ii</span>' in element
    # Each citation names the licence a re-user must follow.
    licence = f'Licence: <a href="{LICENCE_URL}" rel="license">{LICENCE}</a>.'
    assert html.count(licence) == 1 and element.count(licence) == 1 + element.count(
        '<span class="atlas-address" data-href="#1c-'
    )


def test_the_feed_says_how_many_cases_it_carries_why_and_under_what_licence(built: tuple[Path, Atlas]) -> None:
    site, atlas = built
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert len(atlas.live) > FEED_LIMIT  # otherwise the feed carries them all, and says so (below)
    subtitle = feed.feed.subtitle
    assert f"The {FEED_LIMIT} newest or most recently reviewed of the atlas's {len(atlas.live)} cases" in subtitle
    assert "fetches the whole feed" in subtitle and "api/cases.json" in subtitle
    assert LICENCE in feed.feed.rights and LICENCE_URL in feed.feed.rights
    few = dataclasses.replace(atlas, cases=atlas.live[:3])
    assert feedparser.parse(atom_feed(few).encode()).feed.subtitle.startswith("All 3 cases,")


def test_the_open_data_page_names_the_licence_beside_the_csv(built: tuple[Path, Atlas]) -> None:
    site, _ = built
    html = (site / "data" / "index.html").read_text(encoding="utf-8")
    row = next(line for line in html.split("<tr>") if 'href="../api/cases.csv"' in line)
    assert f'<a href="{LICENCE_URL}">{LICENCE}</a>' in row
