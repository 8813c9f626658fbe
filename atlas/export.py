"""Open data: the live cases and the framework as JSON and CSV, their JSON Schemas, and an Atom feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from atlas.index import Index
from atlas.model import PUBLISHER_NAME, Atlas, Case, Framework

LIST_SEPARATOR = ";"
FEED_LIMIT = 50
TAG = "tag:mat-practice-atlas,2026:"

_TEXT = {"type": "string"}
_OPTIONAL_TEXT = {"type": ["string", "null"]}
_LIST = {"type": "array", "items": {"type": "string"}}

CASE_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "id": (_TEXT, "The case's permanent id; its page is /cases/<id>/."),
    "address": (_TEXT, "The case's address within the site, such as /cases/bdat-send-adaptive-teaching/."),
    "title": (_TEXT, "The case's title, as plain text."),
    "summary": (_TEXT, "One or two sentences, at most 300 characters."),
    "kind": ({"enum": ["practice", "finding", "network"]}, "practice, finding or network."),
    "elements": (_LIST, "Framework elements the case is tagged to, such as 1C."),
    "questions": (_LIST, "Framework questions the case is tagged to, such as 1C.ii."),
    "spectrum": (
        {"enum": ["standardisation", "alignment", "autonomy", None]},
        "standardisation, alignment, autonomy, or null when not placed.",
    ),
    "approach": ({"enum": ["roll-out", "co-design", "organic", None]}, "roll-out, co-design, organic, or null."),
    "evidence": (
        {"enum": ["own-account", "survey", "peer-review", "inspection", "research", "evaluation"]},
        "The strongest kind of evidence the case rests on.",
    ),
    "trust": (
        {
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": ["name", "schools", "phases", "region"],
            "properties": {
                "name": _OPTIONAL_TEXT,
                "schools": {"type": ["integer", "null"], "minimum": 1},
                "phases": _LIST,
                "region": _OPTIONAL_TEXT,
            },
        },
        "The trust described: name, number of schools, phases and region; null for other cases.",
    ),
    "sources": (
        {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "author", "publisher", "date", "url"],
                "properties": {
                    "title": _TEXT,
                    "author": _OPTIONAL_TEXT,
                    "publisher": _OPTIONAL_TEXT,
                    "date": _OPTIONAL_TEXT,
                    "url": _OPTIONAL_TEXT,
                },
            },
        },
        "Each source's title, author, publisher, date (YYYY or YYYY-MM-DD) and web address.",
    ),
    "published": ({"type": "string", "format": "date"}, "The date the case was added, YYYY-MM-DD."),
    "reviewed": ({"type": ["string", "null"], "format": "date"}, "The date the case was last checked, or null."),
    "contributor": (_OPTIONAL_TEXT, "Who contributed the case, or null."),
    "tags": (_LIST, "Free keywords."),
    "aliases": (_LIST, "Earlier ids; their addresses redirect to this case."),
    "related": (_LIST, "Ids of up to five related cases, most related first."),
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
            "cases": {"type": "array", "items": _object(CASE_FIELDS)},
        },
    }


LABEL = _object({"id": (_TEXT, "Permanent id."), "name": (_TEXT, "Name."), "definition": (_TEXT, "Our definition.")})
QUESTION_FIELDS: dict[str, tuple[dict[str, Any], str]] = {
    "id": (_TEXT, "Reference such as 1C.ii."),
    "ref": (_TEXT, "Roman numeral as in the framework."),
    "stage": ({"enum": ["start", "additional"]}, "start (questions to start with) or additional."),
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


def case_record(case: Case, index: Index) -> dict[str, Any]:
    """One live case as the open data shows it."""
    trust = case.trust
    return {
        "id": case.id,
        "address": case.address,
        "title": case.title,
        "summary": case.summary,
        "kind": case.kind,
        "elements": list(case.elements),
        "questions": list(case.questions),
        "spectrum": case.spectrum,
        "approach": case.approach,
        "evidence": case.evidence,
        "trust": None
        if trust is None
        else {"name": trust.name, "schools": trust.schools, "phases": list(trust.phases), "region": trust.region},
        "sources": [
            {"title": s.title, "author": s.author, "publisher": s.publisher, "date": s.date, "url": s.url}
            for s in case.sources
        ],
        "published": case.published.isoformat(),
        "reviewed": case.reviewed.isoformat() if case.reviewed else None,
        "contributor": case.contributor,
        "tags": list(case.tags),
        "aliases": list(case.aliases),
        "related": [c.id for c in index.related.get(case.id, ())],
    }


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def case_records(atlas: Atlas, index: Index) -> list[dict[str, Any]]:
    """Every live case as the open data shows it, ordered by id; the JSON and the CSV share them."""
    return [case_record(c, index) for c in sorted(atlas.live, key=lambda c: c.id)]


def cases_json(records: list[dict[str, Any]]) -> str:
    """``/api/cases.json``: every live case, ordered by id."""
    return _json({"publisher": PUBLISHER_NAME, "licence": "CC BY 4.0", "cases": records})


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


CSV_COLUMNS = (
    "id", "address", "title", "summary", "kind", "elements", "questions", "spectrum", "approach", "evidence",
    "trust_name", "trust_schools", "trust_phases", "trust_region", "source_titles", "source_urls",
    "published", "reviewed", "contributor", "tags", "aliases", "related",
)  # fmt: skip


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


def cases_csv(records: list[dict[str, Any]]) -> str:
    """``/api/cases.csv``: one row a live case, lists joined with ';'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records:
        trust = r["trust"] or {}
        joined = {k: LIST_SEPARATOR.join(v) for k, v in r.items() if isinstance(v, list) and k != "sources"}
        row = {
            **{k: "" if v is None else v for k, v in r.items() if not isinstance(v, (list, dict))},
            **joined,
            "trust_name": trust.get("name") or "",
            "trust_schools": trust.get("schools") or "",
            "trust_phases": LIST_SEPARATOR.join(trust.get("phases", [])),
            "trust_region": trust.get("region") or "",
            "source_titles": LIST_SEPARATOR.join(s["title"] for s in r["sources"]),
            "source_urls": LIST_SEPARATOR.join(s["url"] or "" for s in r["sources"]),
        }
        writer.writerow([_spreadsheet_safe(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def atom_feed(atlas: Atlas, site_url: str | None = None) -> str:
    """``/feed.xml``: the newest and most recently reviewed live cases, newest first."""
    base = site_url.rstrip("/") + "/" if site_url else ""

    def updated(case: Case) -> dt.date:
        return max(case.published, case.reviewed or case.published)

    cases = sorted(atlas.live, key=lambda c: (updated(c), c.id), reverse=True)[:FEED_LIMIT]
    newest = _stamp(updated(cases[0])) if cases else "2026-01-01T00:00:00Z"
    entries = []
    for case in cases:
        href = f"{base}cases/{case.id}/"
        # An entry keeps the id of the case's first address, so renaming it does not look like a new case.
        first = case.aliases[0] if case.aliases else case.id
        entries.append(
            "  <entry>\n"
            f"    <id>{TAG}/cases/{first}/</id>\n"
            f'    <title type="text">{escape(case.title)}</title>\n'
            f'    <link rel="alternate" type="text/html" href={quoteattr(href)}/>\n'
            f"    <published>{_stamp(case.published)}</published>\n"
            f"    <updated>{_stamp(updated(case))}</updated>\n"
            f'    <summary type="text">{escape(case.summary)}</summary>\n'
            "  </entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{TAG}/</id>\n"
        f"  <title>{PUBLISHER_NAME}: new and reviewed cases</title>\n"
        f"  <updated>{newest}</updated>\n"
        f"  <author><name>{PUBLISHER_NAME}</name></author>\n"
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(base + "feed.xml")}/>\n'
        f'  <link rel="alternate" type="text/html" href={quoteattr(base or "./")}/>\n' + "".join(entries) + "</feed>\n"
    )


def data_files(atlas: Atlas, index: Index, site_url: str | None = None) -> dict[str, str]:
    """Every open-data file, keyed by its path in the site."""
    records = case_records(atlas, index)
    return {
        "api/cases.json": cases_json(records),
        "api/cases.csv": cases_csv(records),
        "api/cases.schema.json": _json(cases_schema()),
        "api/framework.json": framework_json(atlas.framework),
        "api/framework.schema.json": _json(framework_schema()),
        "feed.xml": atom_feed(atlas, site_url),
    }
