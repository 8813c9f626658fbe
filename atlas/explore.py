"""HTML for the interactive pages: the coverage heat map, the case explorer and the self-assessment.

Each page works without JavaScript (the heat map and the list of cases are plain HTML); the scripts
in docs/assets/ add filtering, ratings and recommendations in the reader's browser only.
"""

from __future__ import annotations

import math

from atlas import pages, schema
from atlas.crosswalk import Crosswalk
from atlas.index import Index
from atlas.model import Case, Framework
from atlas.templating import render

HEAT_LEVELS = 4
SCALE_CODES = {"red": "r", "amber-red": "ar", "amber-green": "ag", "green": "g"}


def size_band(schools: int | None) -> str:
    """The trust-size band a number of schools falls in, or '' when unknown."""
    if schools is None:
        return ""
    return next(name for name, low, high in schema.SIZE_BANDS if low <= schools <= high)


def heat_level(count: int, most: int) -> int:
    """How dark a cell is: 0 for none, then 1 to 4 in proportion to the largest count."""
    return 0 if count == 0 or most == 0 else max(1, math.ceil(HEAT_LEVELS * count / most))


def heat_map(fw: Framework, index: Index, page_path: str) -> str:
    """The element × spectrum matrix as a shaded table whose cells open the explorer, with a summary."""
    columns: list[tuple[str | None, str]] = [(p.id, p.name) for p in fw.positions] + [(None, "Not placed")]
    counts = {(e.id, p): len(index.element_position(e.id, p)) for e in fw.elements for p, _ in columns}
    most = max(counts.values(), default=0)
    totals = {e.id: len(index.by_element.get(e.id, ())) for e in fw.elements}
    rows = [
        {
            "element": e,
            "total": totals[e.id],
            "cells": [
                {
                    "count": counts[(e.id, position)],
                    "level": heat_level(counts[(e.id, position)], most),
                    "position": position or "none",
                    "label": f"{_cases(counts[(e.id, position)])}: {e.id} at {name.lower()}",
                }
                for position, name in columns
            ],
        }
        for e in fw.elements
    ]
    busiest = max(fw.elements, key=lambda e: (totals[e.id], -fw.elements.index(e)))
    empty = [e.id for e in fw.elements if totals[e.id] == 0]
    page = render(
        "heat_map.html",
        columns=columns,
        rows=rows,
        explore_href=pages.EXPLORE.href_from(page_path),
        busiest=busiest,
        most_cases=totals[busiest.id],
        empty=empty,
    )
    return page + "\n\n"


def _cases(n: int) -> str:
    return f"{n} case{'s' * (n != 1)}"


# --- explorer ---------------------------------------------------------------------------------


def _card(case: Case, fw: Framework, crosswalks: tuple[Crosswalk, ...]) -> dict[str, object]:
    trust = case.trust
    data: dict[str, str] = {
        "element": " ".join(e.lower() for e in case.elements),
        "spectrum": case.spectrum or "none",
        "approach": case.approach or "none",
        "kind": case.kind,
        "evidence": case.evidence,
        "phase": " ".join(trust.phases) if trust else "",
        "region": (trust.region or "") if trust else "",
        "size": size_band(trust.schools) if trust else "",
        "text": f"{case.title} {case.summary}".lower(),
        "published": case.published.isoformat(),
    }
    # One filter per crosswalk, named by its id (a crosswalk's id is a slug, so a valid attribute name).
    data.update({cw.id: " ".join(h.id for h in cw.headings_for(case)) for cw in crosswalks})
    # Any other field the contract filters by, by its values as written (see ``explorer``).
    for f in _filters():
        if f.key not in data:
            value = case.value(f.key)
            data[f.key] = " ".join(map(str, value)) if isinstance(value, tuple) else "" if value is None else str(value)
    chips = [schema.KINDS.name(case.kind), schema.EVIDENCE.name(case.evidence)]
    if case.spectrum:
        chips.append(next(p.name for p in fw.positions if p.id == case.spectrum))
    chips += list(case.elements)
    return {
        "href": pages.CASE.href_from(pages.EXPLORE.path(), case.id),
        "title": case.title,
        "summary": case.summary,
        "data": data.items(),
        "chips": chips,
    }


def _filters() -> tuple[schema.Field, ...]:
    """The contract's fields the explorer filters by."""
    return tuple(f for f in schema.CASE_FIELDS if f.filter)


def _options(f: schema.Field) -> list[tuple[str, str]]:
    """A filter's values: the vocabulary's names, or the values as written."""
    if f.vocabulary is not None:
        return _terms(f.vocabulary)
    value = f.value.item if isinstance(f.value, schema.ListOf) else f.value
    return [(i, i) for i in value.ids] if isinstance(value, schema.Choice) else []


def _facet(name: str, label: str, options: list[tuple[str, str]], any_label: str) -> dict[str, object]:
    return {"name": name, "label": label, "options": options, "any": any_label}


def _terms(vocabulary: schema.Vocabulary) -> list[tuple[str, str]]:
    return [(t.id, t.name) for t in vocabulary.terms]


def explorer(fw: Framework, index: Index, crosswalks: tuple[Crosswalk, ...] = ()) -> str:
    """The filter form (revealed by the script) and every case as a card; one HTML block, no blank lines."""
    positions = [(p.id, p.name) for p in fw.positions] + [("none", "Not placed")]
    approaches = [(a.id, a.name) for a in fw.approaches] + [("none", "Not given")]
    # The spectrum and the approaches are named in framework/spectrum.yaml, with "none" for a case not placed.
    spectrum, approach = schema.FIELDS["spectrum"], schema.FIELDS["approach"]
    facets = [
        _facet(spectrum.key, spectrum.label, positions, spectrum.filter),
        _facet(approach.key, approach.label, approaches, approach.filter),
    ]
    # Every other field the contract filters by, by its values' names: a new one needs no code here.
    facets += [_facet(f.key, f.label, _options(f), f.filter) for f in _filters() if f not in (spectrum, approach)]
    facets += [
        _facet("phase", "Phase", _terms(schema.PHASES), "Any phase"),
        _facet("region", "Region", _terms(schema.REGIONS), "Any region"),
        _facet(
            "size", "Trust size", [(n, f"{n} school{'s' * (n != '1')}") for n, _, _ in schema.SIZE_BANDS], "Any size"
        ),
    ]
    facets += [_facet(cw.id, cw.facet, [(h.id, h.name) for h in cw.headings], f"Any {cw.facet}") for cw in crosswalks]
    cards = [_card(c, fw, crosswalks) for c in index.cases]
    return render("explorer.html", fw=fw, facets=facets, cards=cards) + "\n\n"


# --- self-assessment --------------------------------------------------------------------------


def self_assessment(fw: Framework) -> str:
    """The rating form: each element with its questions folded away, four ratings and a note."""
    # Short codes keep a shared link readable: #1a=r&1b=ag.
    ratings = [(SCALE_CODES.get(s.id, s.id), s.name) for s in fw.scale]
    here = pages.SELF_ASSESSMENT.path()
    links = {e.slug: pages.ELEMENT.href_from(here, e.slug) for e in fw.elements}
    # The script builds each suggested case's link from this pattern, and reads the cases from the open data.
    case_href = pages.CASE.href_from(here, "{id}")
    data_href = pages.CASES_DATA.href_from(here)
    return (
        render("self_assessment.html", fw=fw, ratings=ratings, links=links, case_href=case_href, data_href=data_href)
        + "\n\n"
    )


def pillar_summary(fw: Framework, cw: Crosswalk) -> str:
    """The ratings summed by a crosswalk's headings (filled in by the script), with the weakest heading's cases."""
    ids = {e.id for e in fw.elements}
    rows = [
        {
            "heading": h,
            "href": pages.CROSSWALK_HEADING.href_from(pages.SELF_ASSESSMENT.path(), h.page_id),
            "elements": [e for e in cw.elements_of(h.id) if e in ids],
            "questions": [k.ref for k in cw.links_to(h.id) if "." in k.ref],
        }
        for h in cw.headings
    ]
    href = pages.CROSSWALK.href_from(pages.SELF_ASSESSMENT.path(), cw.id)
    return render("self_assessment_pillars.html", cw=cw, rows=rows, href=href) + "\n\n"
