"""HTML for the interactive pages: the coverage heat map, the case explorer and the self-assessment.

Each page works without JavaScript (the heat map and the list of cases are plain HTML); the scripts
in docs/assets/ add filtering, ratings and recommendations in the reader's browser only.
"""

from __future__ import annotations

import math
from html import escape

from atlas.index import Index
from atlas.model import PHASES, Case, Framework

SIZE_BANDS = (("1", 1, 1), ("2-5", 2, 5), ("6-15", 6, 15), ("16-30", 16, 30), ("31+", 31, 10**6))
HEAT_LEVELS = 4
SCALE_CODES = {"red": "r", "amber-red": "ar", "amber-green": "ag", "green": "g"}


def size_band(schools: int | None) -> str:
    """The trust-size band a number of schools falls in, or '' when unknown."""
    if schools is None:
        return ""
    return next(name for name, low, high in SIZE_BANDS if low <= schools <= high)


def heat_level(count: int, most: int) -> int:
    """How dark a cell is: 0 for none, then 1 to 4 in proportion to the largest count."""
    return 0 if count == 0 or most == 0 else max(1, math.ceil(HEAT_LEVELS * count / most))


def heat_map(fw: Framework, index: Index, to_root: str) -> str:
    """The element × spectrum matrix as a shaded table whose cells open the explorer, with a summary."""
    columns: list[tuple[str | None, str]] = [(p.id, p.name) for p in fw.positions] + [(None, "Not placed")]
    counts = {(e.id, p): len(index.element_position(e.id, p)) for e in fw.elements for p, _ in columns}
    most = max(counts.values(), default=0)
    totals = {e.id: len(index.by_element.get(e.id, ())) for e in fw.elements}
    rows = []
    for e in fw.elements:
        cells = []
        for position, name in columns:
            n = counts[(e.id, position)]
            query = f"element={e.slug}&amp;spectrum={position or 'none'}"
            label = f"{n} case{'s' * (n != 1)}: {e.id} at {name.lower()}"
            inner = f'<a href="{to_root}explore/?{query}" aria-label="{escape(label)}">{n}</a>' if n else "0"
            cells.append(f'<td class="atlas-heat atlas-heat-{heat_level(n, most)}">{inner}</td>')
        rows.append(
            f'<tr><th scope="row"><a href="{e.slug}/">{e.id}</a> {escape(e.name)}</th>'
            + "".join(cells)
            + f'<td class="atlas-heat-total">{totals[e.id]}</td></tr>'
        )
    header = "".join(f'<th scope="col">{escape(name)}</th>' for _, name in columns)
    busiest = max(fw.elements, key=lambda e: (totals[e.id], -fw.elements.index(e)))
    empty = [e.id for e in fw.elements if totals[e.id] == 0]
    summary = f"In words: {busiest.id} {escape(busiest.name)} has the most cases ({totals[busiest.id]}). " + (
        f"No case is tagged yet to {', '.join(empty)}." if empty else "Every element has at least one case."
    )
    return (
        '<div class="atlas-heat-map">'
        "<table><caption>Cases by element and spectrum position. Darker cells hold more cases; "
        "each number opens those cases in the explorer.</caption>"
        f'<thead><tr><th scope="col">Element</th>{header}<th scope="col">All</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="atlas-heat-summary">{summary}</p></div>\n\n'
    )


# --- explorer ---------------------------------------------------------------------------------

KIND_LABELS = {"practice": "Practice", "finding": "Finding", "network": "Network"}


def _select(name: str, label: str, options: list[tuple[str, str]], any_label: str) -> str:
    items = "".join(f'<option value="{escape(v)}">{escape(t)}</option>' for v, t in options)
    return (
        f'<div class="atlas-filter"><label for="atlas-{name}">{label}</label>'
        f'<select id="atlas-{name}" name="{name}"><option value="">{any_label}</option>{items}</select></div>'
    )


def _card(case: Case, fw: Framework, evidence_names: dict[str, str], to_root: str) -> str:
    trust = case.trust
    data = {
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
    attributes = " ".join(f'data-{k}="{escape(v)}"' for k, v in data.items())
    chips = [KIND_LABELS[case.kind], evidence_names[case.evidence]]
    if case.spectrum:
        chips.append(next(p.name for p in fw.positions if p.id == case.spectrum))
    chips += list(case.elements)
    chip_html = "".join(f"<span>{escape(c)}</span>" for c in chips)
    return (
        f'<li class="atlas-card" {attributes}><a href="{to_root}cases/{case.id}/">{escape(case.title)}</a>'
        f'<p>{escape(case.summary)}</p><p class="atlas-chips">{chip_html}</p></li>'
    )


def explorer(fw: Framework, index: Index, evidence_names: dict[str, str], regions: dict[str, str]) -> str:
    """The filter form (revealed by the script) and every case as a card; one HTML block, no blank lines."""
    to_root = "../"
    element_options = "".join(
        f'<optgroup label="{h.number}. {escape(h.name)}">'
        + "".join(f'<option value="{e.slug}">{e.id} {escape(e.name)}</option>' for e in h.elements)
        + "</optgroup>"
        for h in fw.headings
    )
    positions = [(p.id, p.name) for p in fw.positions] + [("none", "Not placed")]
    approaches = [(a.id, a.name) for a in fw.approaches] + [("none", "Not given")]
    phases = [(p, p.replace("-", " ").capitalize()) for p in PHASES]
    filters = [
        '<div class="atlas-filter"><label for="atlas-element">Element</label><select id="atlas-element" '
        f'name="element"><option value="">Any element</option>{element_options}</select></div>',
        _select("spectrum", "Spectrum", positions, "Any position"),
        _select("approach", "Approach", approaches, "Any approach"),
        _select("kind", "Kind", list(KIND_LABELS.items()), "Any kind"),
        _select("evidence", "Evidence", list(evidence_names.items()), "Any evidence"),
        _select("phase", "Phase", phases, "Any phase"),
        _select("region", "Region", list(regions.items()), "Any region"),
        _select("size", "Trust size", [(n, f"{n} school{'s' * (n != '1')}") for n, _, _ in SIZE_BANDS], "Any size"),
        '<div class="atlas-filter atlas-filter-text"><label for="atlas-q">Words in the title or summary</label>'
        '<input id="atlas-q" name="q" type="search" autocomplete="off"></div>',
    ]
    cards = "".join(_card(c, fw, evidence_names, to_root) for c in index.cases)
    return (
        '<form class="atlas-filters" aria-label="Filter the cases" hidden>'
        + "".join(filters)
        + '<button type="reset" class="atlas-reset">Clear filters</button></form>'
        f'<p class="atlas-count" role="status" aria-live="polite">{len(index.cases)} cases.</p>'
        f'<ul class="atlas-cards">{cards}</ul>\n\n'
    )


# --- self-assessment --------------------------------------------------------------------------


def self_assessment(fw: Framework) -> str:
    """The rating form: each element with its questions folded away, four ratings and a note."""
    # Short codes keep a shared link readable: #1a=r&1b=ag.
    ratings = [(SCALE_CODES.get(s.id, s.id), s.name) for s in fw.scale]
    parts = []
    for heading in fw.headings:
        parts.append(f'<h2 id="heading-{heading.number}">{heading.number}. {escape(heading.name)}</h2>')
        for e in heading.elements:
            radios = "".join(
                f'<label class="atlas-rating atlas-rating-{value}"><input type="radio" name="{e.slug}" value="{value}">'
                f" {escape(name)}</label>"
                for value, name in ratings
            )
            questions = "".join(f"<li><strong>{q.id}</strong> {escape(q.text)}</li>" for q in e.questions)
            parts.append(
                f'<fieldset class="atlas-element" data-element="{e.slug}" data-name="{escape(e.name)}">'
                f'<legend><a href="../framework/{e.slug}/">{e.id} {escape(e.name)}</a></legend>'
                f'<div class="atlas-ratings" role="radiogroup" aria-label="Rating for {e.id}">{radios}</div>'
                f"<details><summary>The questions for {e.id}</summary><ul>{questions}</ul></details>"
                f'<label class="atlas-note-label" for="note-{e.slug}">Notes on {e.id}</label>'
                f'<textarea id="note-{e.slug}" name="note-{e.slug}" rows="2"></textarea></fieldset>'
            )
    return (
        '<form class="atlas-self-assessment" aria-label="Rate your trust">'
        + "".join(parts)
        + '<div class="atlas-actions">'
        '<button type="button" data-action="link">Copy a link to these ratings</button>'
        '<button type="button" data-action="csv">Download as CSV</button>'
        '<button type="button" data-action="print">Print a one-page summary</button>'
        '<button type="button" data-action="clear">Clear all ratings</button></div>'
        '<p class="atlas-sa-status" role="status" aria-live="polite"></p></form>'
        '<section class="atlas-print-summary" aria-hidden="true"></section>\n\n'
    )
