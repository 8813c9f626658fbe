"""Open data: the live cases and the framework as JSON and CSV, their JSON Schemas, and an Atom feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from atlas import pages, schema
from atlas.crosswalk import Crosswalk, case_headings
from atlas.index import Index
from atlas.model import (
    LICENCE,
    LICENCE_NAME,
    LICENCE_URL,
    PUBLISHER_NAME,
    Atlas,
    Case,
    Framework,
    Publisher,
    Source,
    Trust,
)

LIST_SEPARATOR = ";"
# A feed reader fetches the whole feed every time it looks, so the feed carries only the newest; the
# rest are in the site and the open data, as the feed's subtitle says.
FEED_LIMIT = 50
# A byte-order mark: Excel reads a CSV file as UTF-8 only when it starts with one, and shows the
# bytes of every other character beyond ASCII (en dashes, accented names) as other characters.
BOM = "\ufeff"
TAG = "tag:mat-practice-atlas,2026:"

_TEXT = {"type": "string"}
_OPTIONAL_TEXT = {"type": ["string", "null"]}


def _said(f: schema.Field) -> str:
    """A field's meaning in the open data, from the contract."""
    if f.open_data:
        return f.open_data
    if f.vocabulary is not None:
        return f"{_words(f.vocabulary.ids)}."
    return f"{f.label}."


def _words(ids: tuple[str, ...]) -> str:
    return ", ".join(ids[:-1]) + " or " + ids[-1]


_LIST = {"type": "array", "items": {"type": "string"}}
# Fields the open data adds to what a case file holds, each after the contract field it follows from.
_DERIVED: dict[str, dict[str, tuple[dict[str, Any], str]]] = {
    "id": {"address": (_TEXT, "The case's address within the site, such as /cases/bdat-send-adaptive-teaching/.")},
    "elements": {"questions": (_LIST, "Framework questions the case is tagged to, such as 1C.ii.")},
}
_ADDED: dict[str, tuple[dict[str, Any], str]] = {
    "related": (_LIST, "Ids of up to five related cases, most related first."),
    "crosswalk_headings": (
        {"type": "array", "items": {"type": "string", "pattern": "^[a-z0-9-]+/[a-z0-9-]+$"}},
        "Headings of other frameworks the case bears on, in the atlas's own reading, as crosswalk/heading "
        "ids such as dfe-tqd-2023/workforce (see /api/crosswalks.json).",
    ),
}
# Every field the contract exports, in its order, each with its JSON type and meaning, and the derived ones.
CASE_DATA: dict[str, tuple[dict[str, Any], str]] = {
    **{
        key: column
        for f in schema.CASE_FIELDS
        if f.exported
        for key, column in {f.key: (schema.json_type(f.value, f.needed), _said(f)), **_DERIVED.get(f.key, {})}.items()
    },
    **_ADDED,
}


def _object(fields: dict[str, tuple[dict[str, Any], str]]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(fields),
        "properties": {name: {**schema, "description": text} for name, (schema, text) in fields.items()},
    }


def cases_schema() -> dict[str, Any]:
    """The JSON Schema of ``/api/cases.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "MAT Practice Atlas cases",
        "type": "object",
        "additionalProperties": False,
        "required": ["publisher", "licence", "cases"],
        "properties": {
            "publisher": {"const": PUBLISHER_NAME},
            "licence": _TEXT,
            "cases": {"type": "array", "items": _object(CASE_DATA)},
        },
    }


LABEL = _object({"id": (_TEXT, "Permanent id."), "name": (_TEXT, "Name."), "definition": (_TEXT, "Our definition.")})
QUESTION_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "id": (_TEXT, "Reference such as 1C.ii."),
    "ref": (_TEXT, "Roman numeral as in the framework."),
    "stage": ({"enum": list(schema.STAGES.ids)}, "start (questions to start with) or additional."),
    "text": (_TEXT, "The question, in our words."),
    "red": (_TEXT, "What weak capacity looks like."),
    "green": (_TEXT, "What strong capacity looks like."),
    "address": (_TEXT, "Its permanent address, such as /framework/1c/#1c-ii."),
}
ELEMENT_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "id": (_TEXT, "Element id such as 1C."),
    "name": (_TEXT, "The element's name."),
    "themes": (_LIST, "Theme labels."),
    "summary": (_TEXT, "What the element covers, in our words."),
    "address": (_TEXT, "Its permanent address, such as /framework/1c/."),
    "questions": ({"type": "array", "items": _object(QUESTION_FIELDS)}, "Its guiding questions."),
}


def framework_schema() -> dict[str, Any]:
    """The JSON Schema of ``/api/framework.json``."""
    heading = _object(
        {
            "number": ({"type": "integer"}, "1 to 6."),
            "name": (_TEXT, "The heading's name."),
            "elements": ({"type": "array", "items": _object(ELEMENT_FIELDS)}, "Its elements."),
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "MAT Practice Atlas framework",
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "credit", "scale", "headings", "positions", "approaches"],
        "properties": {
            "name": _TEXT,
            "credit": _TEXT,
            "scale": {"type": "array", "items": LABEL},
            "headings": {"type": "array", "items": heading},
            "positions": {"type": "array", "items": LABEL},
            "approaches": {"type": "array", "items": LABEL},
        },
    }


def _plain(value: object) -> object:
    """A model value as JSON gives it: a date as YYYY-MM-DD, a list as a list, a publisher by id, name and kind."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Publisher):
        return {"id": value.id, "name": value.name, "kind": value.kind}
    if isinstance(value, (Trust, Source)):
        group = schema.TRUST_FIELDS if isinstance(value, Trust) else schema.SOURCE_FIELDS
        return {f.key: _plain(getattr(value, f.key)) for f in group}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def case_record(case: Case, index: Index, crosswalks: tuple[Crosswalk, ...] = ()) -> dict[str, Any]:
    """One live case as the open data shows it, its fields in the order of ``CASE_DATA``."""
    derived: dict[str, Any] = {
        "address": case.address,
        "elements": list(case.elements),
        "questions": list(case.questions),
        "related": [c.id for c in index.related.get(case.id, ())],
        "crosswalk_headings": case_headings(crosswalks, case),
    }
    # The contract's fields come straight from the case's values, so a new one needs no code here.
    return {key: derived[key] if key in derived else _plain(case.value(key)) for key in CASE_DATA}


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def case_records(atlas: Atlas, index: Index) -> list[dict[str, Any]]:
    """Every live case as the open data shows it, ordered by id; the JSON and the CSV share them."""
    return [case_record(c, index, atlas.crosswalks) for c in sorted(atlas.live, key=lambda c: c.id)]


def cases_json(records: list[dict[str, Any]]) -> str:
    """``/api/cases.json``: every live case, ordered by id."""
    return _json({"publisher": PUBLISHER_NAME, "licence": LICENCE, "cases": records})


def framework_json(fw: Framework) -> str:
    """``/api/framework.json``: headings, elements, questions, the scale, positions and approaches."""

    def labels(items: tuple[Any, ...]) -> list[dict[str, str]]:
        return [{"id": x.id, "name": x.name, "definition": x.definition} for x in items]

    headings = [
        {
            "number": h.number,
            "name": h.name,
            "elements": [
                {
                    "id": e.id,
                    "name": e.name,
                    "themes": list(e.themes),
                    "summary": e.summary,
                    "address": e.address,
                    "questions": [
                        {
                            "id": q.id,
                            "ref": q.ref,
                            "stage": q.stage,
                            "text": q.text,
                            "red": q.red,
                            "green": q.green,
                            "address": q.address,
                        }
                        for q in e.questions
                    ],
                }
                for e in h.elements
            ],
        }
        for h in fw.headings
    ]
    return _json(
        {
            "name": fw.name,
            "credit": fw.credit,
            "scale": labels(fw.scale),
            "headings": headings,
            "positions": labels(fw.positions),
            "approaches": labels(fw.approaches),
        }
    )


CROSSWALK_NOTE = (
    "Each mapping is the MAT Practice Atlas's own reading of another framework beside the MAT Assurance "
    "Framework, not the other framework's publisher's; 'read' says what the atlas could read of it."
)
_CROSSWALK_SOURCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "author", "publisher", "date", "url"],
    "properties": {k: _OPTIONAL_TEXT for k in ("title", "author", "publisher", "date", "url")},
}
CROSSWALK_HEADING_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "id": (_TEXT, "The heading's id, such as workforce."),
    "name": (_TEXT, "The heading's name in the other framework."),
    "description": (_TEXT, "What it covers, in the atlas's own words."),
    "address": (_TEXT, "Its page, such as /crosswalks/dfe-tqd-2023/workforce/."),
    "elements": (_LIST, "Elements linked to it, themselves or through a question, such as 2B."),
    "cases": ({"type": "integer", "minimum": 0}, "How many live cases bear on it."),
    "gap": ({"type": "boolean"}, "True when nothing in the framework is linked to it."),
    "gap_reason": (_OPTIONAL_TEXT, "Why nothing in the framework fits it, where the crosswalk says so."),
}
CROSSWALK_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "id": (_TEXT, "The crosswalk's id, such as dfe-tqd-2023."),
    "address": (_TEXT, "Its page, such as /crosswalks/dfe-tqd-2023/."),
    "name": (_TEXT, "The other framework's name."),
    "document": (_TEXT, "The document that sets it out."),
    "publisher": (_TEXT, "Who published it."),
    "date": (_TEXT, "When it was published: YYYY-MM-DD or YYYY."),
    "url": (_TEXT, "Where the atlas read it."),
    "facet": (_TEXT, "What one of its headings is called, such as DfE pillar."),
    "reviewed": ({"type": "string", "format": "date"}, "When the atlas made or last checked the mapping."),
    "read": (_TEXT, "What the atlas could read of the other framework."),
    "status": (_OPTIONAL_TEXT, "What is due to replace or change it, where known."),
    "sources": ({"type": "array", "items": _CROSSWALK_SOURCE}, "What else the atlas read for the mapping."),
    "headings": ({"type": "array", "items": _object(CROSSWALK_HEADING_FIELDS)}, "Its headings."),
    "links": (
        {
            "type": "array",
            "items": _object(
                {
                    "from": (_TEXT, "An element such as 2B or a question such as 3B.i."),
                    "to": (_TEXT, "A heading id."),
                    "reason": (_TEXT, "Why, in one line."),
                }
            ),
        },
        "Each link from the framework to a heading.",
    ),
    "unmapped": (
        {"type": "array", "items": _object({"element": (_TEXT, "An element."), "reason": (_TEXT, "Why.")})},
        "Elements linked to no heading, and why.",
    ),
}


def crosswalks_schema() -> dict[str, Any]:
    """The JSON Schema of ``/api/crosswalks.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "MAT Practice Atlas crosswalks",
        "type": "object",
        "additionalProperties": False,
        "required": ["publisher", "licence", "note", "crosswalks"],
        "properties": {
            "publisher": {"const": PUBLISHER_NAME},
            "licence": _TEXT,
            "note": _TEXT,
            "crosswalks": {"type": "array", "items": _object(CROSSWALK_FIELDS)},
        },
    }


def crosswalks_json(atlas: Atlas) -> str:
    """``/api/crosswalks.json``: each other framework's headings, the links to them and why, and the gaps."""
    records = []
    for cw in atlas.crosswalks:
        sources = [
            {"title": s.title, "author": s.author, "publisher": s.publisher.name or None, "date": s.date, "url": s.url}
            for s in cw.sources
        ]
        headings = [
            {
                "id": h.id,
                "name": h.name,
                "description": h.description,
                "address": h.address,
                "elements": list(cw.elements_of(h.id)),
                "cases": len(cw.cases(h.id, atlas.live)),
                "gap": not cw.links_to(h.id),
                "gap_reason": h.gap,
            }
            for h in cw.headings
        ]
        record = {
            "id": cw.id,
            "address": cw.address,
            "name": cw.name,
            "document": cw.document,
            "publisher": cw.publisher,
            "date": cw.date,
            "url": cw.url,
            "facet": cw.facet,
            "reviewed": cw.reviewed.isoformat(),
            "read": cw.read,
            "status": cw.status,
            "sources": sources,
            "headings": headings,
            "links": [{"from": k.ref, "to": k.heading, "reason": k.reason} for k in cw.links],
            "unmapped": [{"element": u.element, "reason": u.reason} for u in cw.unmapped],
        }
        records.append({key: record[key] for key in CROSSWALK_FIELDS})
    return _json({"publisher": PUBLISHER_NAME, "licence": "CC BY 4.0", "note": CROSSWALK_NOTE, "crosswalks": records})


# One column per open-data field. A group (the trust) is spread over a column for each of its keys,
# a list of groups likewise with one entry an item; the sources have columns named of their own.
_GROUPS = {f.key: f.fields for f in schema.CASE_FIELDS if f.fields and f.exported and f.key != "sources"}
_SPREAD = {
    **{key: tuple(f"{key}_{sub.key}" for sub in subs) for key, subs in _GROUPS.items()},
    "sources": (
        "source_titles",
        "source_urls",
        "source_publishers",
        "source_publisher_names",
        "source_publisher_kinds",
        "source_vias",
        "source_voices",
    ),
}
CSV_COLUMNS = tuple(column for key in CASE_DATA for column in _SPREAD.get(key, (key,)))


# Characters that start a formula (with the full-width forms some spreadsheets also accept), and the
# characters a spreadsheet may split a cell on when it is opened with other settings.
_FORMULA = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
_AFTER_SEPARATOR = re.compile(rf"([,;|\t\n\r]\s*)(?=[{re.escape(_FORMULA)}])")


def _spreadsheet_safe(value: object) -> object:
    """Text with an apostrophe before a formula character that starts it or a piece a spreadsheet splits off."""
    if not isinstance(value, str):
        return value
    value = _AFTER_SEPARATOR.sub(r"\1'", value)
    return "'" + value if value[:1] and value[0] in _FORMULA else value


def _cell(value: object) -> object:
    """A value as one cell: a list joined with ';', nothing as an empty cell."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    return "" if value is None else value


def _spread(key: str, value: object) -> dict[str, object]:
    """A group's cells, one a key of the group; for a list of groups, each key's values joined, one entry an item."""
    if isinstance(value, list):
        return {f"{key}_{sub.key}": _cell([item.get(sub.key) for item in value]) for sub in _GROUPS[key]}
    group = value if isinstance(value, dict) else {}
    return {f"{key}_{sub.key}": _cell(group.get(sub.key)) for sub in _GROUPS[key]}


def cases_csv(records: list[dict[str, Any]]) -> str:
    """``/api/cases.csv``: one row a live case, lists joined with ';', after a byte-order mark for Excel."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        row = {k: _cell(v) for k, v in r.items() if k not in _GROUPS and k != "sources"}
        for key in _GROUPS:
            row.update(_spread(key, r[key]))
        row |= {
            "source_titles": LIST_SEPARATOR.join(s["title"] for s in r["sources"]),
            "source_urls": LIST_SEPARATOR.join(s["url"] or "" for s in r["sources"]),
            # One entry a source, in the order of the titles, so the columns line up.
            "source_publishers": LIST_SEPARATOR.join(s["publisher"]["id"] for s in r["sources"]),
            "source_publisher_names": LIST_SEPARATOR.join(s["publisher"]["name"] for s in r["sources"]),
            "source_publisher_kinds": LIST_SEPARATOR.join(s["publisher"]["kind"] for s in r["sources"]),
            "source_vias": LIST_SEPARATOR.join(s["via"] or "" for s in r["sources"]),
            "source_voices": LIST_SEPARATOR.join(s["voice"]["id"] if s["voice"] else "" for s in r["sources"]),
        }
        writer.writerow([_spreadsheet_safe(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def feed_subtitle(carried: int, live: int) -> str:
    """What the feed carries, and why not every case when it does not."""
    if carried == live:
        return f"All {live} cases, newest or most recently reviewed first."
    return (
        f"The {carried} newest or most recently reviewed of the atlas's {live} cases: a feed reader fetches "
        "the whole feed each time it looks, so it is kept short. Every case is listed at cases/ and in api/cases.json."
    )


def atom_feed(atlas: Atlas, site_url: str | None = None) -> str:
    """``/feed.xml``: the newest and most recently reviewed live cases, newest first."""
    base = site_url.rstrip("/") + "/" if site_url else ""

    def updated(case: Case) -> dt.date:
        return max(case.published, case.reviewed or case.published)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, tag, attributes)
        element.text = text
        return element

    cases = sorted(atlas.live, key=lambda c: (updated(c), c.id), reverse=True)[:FEED_LIMIT]
    # Atom is the default namespace, declared as a plain attribute: ElementTree's default_namespace refuses
    # unqualified attribute names, and register_namespace would change the module for every other caller.
    feed = ET.Element("feed", xmlns="http://www.w3.org/2005/Atom")
    add(feed, "id", f"{TAG}/")
    add(feed, "title", f"{PUBLISHER_NAME}: new and reviewed cases")
    add(feed, "subtitle", feed_subtitle(len(cases), len(atlas.live)), type="text")
    add(feed, "rights", f"Text and data: {LICENCE_NAME} ({LICENCE}), {LICENCE_URL}", type="text")
    add(feed, "updated", _stamp(updated(cases[0])) if cases else "2026-01-01T00:00:00Z")
    add(add(feed, "author"), "name", PUBLISHER_NAME)
    add(feed, "link", rel="self", type="application/atom+xml", href=base + "feed.xml")
    add(feed, "link", rel="alternate", type="text/html", href=base or "./")
    for case in cases:
        entry = add(feed, "entry")
        # An entry keeps the id of the case's first address, so renaming it does not look like a new case.
        first = case.aliases[0] if case.aliases else case.id
        add(entry, "id", f"{TAG}{pages.CASE.address(first)}")
        add(entry, "title", case.title, type="text")
        add(entry, "link", rel="alternate", type="text/html", href=base + pages.CASE.url(case.id))
        add(entry, "published", _stamp(case.published))
        add(entry, "updated", _stamp(updated(case)))
        add(entry, "summary", case.summary, type="text")
    ET.indent(feed, space="  ")
    # Written by hand: ElementTree's own declaration names the locale's encoding when serialising to text.
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def data_files(atlas: Atlas, index: Index, site_url: str | None = None) -> dict[str, str]:
    """Every open-data file, keyed by its path in the site."""
    records = case_records(atlas, index)
    return {
        pages.CASES_DATA.path(): cases_json(records),
        "api/cases.csv": cases_csv(records),
        "api/cases.schema.json": _json(cases_schema()),
        "api/framework.json": framework_json(atlas.framework),
        "api/framework.schema.json": _json(framework_schema()),
        "api/crosswalks.json": crosswalks_json(atlas),
        "api/crosswalks.schema.json": _json(crosswalks_schema()),
        "feed.xml": atom_feed(atlas, site_url),
    }
