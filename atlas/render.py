"""Turn the model into the generated pages (Markdown, and HTML for case pages): pure, sorted, byte-for-byte repeatable.

Every piece of contributor text goes through ``plain`` (page bodies) or ``attribute`` (page
titles and descriptions), because MkDocs' templates put titles and descriptions into ``<head>``
without escaping them, and Markdown would otherwise read ``*``, ``[`` or ``<`` as markup.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from markdown.extensions.toc import slugify, unique
from markupsafe import Markup, escape

from atlas import explore, export, placeholders, schema, templating
from atlas import pages as site
from atlas.body import RESERVED_IDS
from atlas.coverage import MIN_CASES, coverage
from atlas.crosswalk import Crosswalk, Target
from atlas.index import Index, build_index
from atlas.model import (
    LICENCE,
    LICENCE_NAME,
    LICENCE_URL,
    PUBLISHER_NAME,
    Atlas,
    BodyHeading,
    Case,
    Element,
    Framework,
    Label,
    Publisher,
    Question,
    one_line,
)

UNPLACED = "Not placed on the spectrum"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


@dataclass(frozen=True)
class Options:
    """Settings that come from the site configuration rather than the content."""

    edit_url_template: str | None = None
    site_url: str | None = None

    def address(self, path: str) -> str:
        """A permanent address as readers should cite it: absolute when the site's address is known."""
        return self.site_url.rstrip("/") + path if self.site_url else path


def sentence(text: str) -> str:
    """Text ending in a full stop, unless it already ends in one, a question mark or an exclamation mark."""
    text = one_line(text)
    return text if text.endswith((".", "?", "!")) else text + "."


def cite(what: str, title: str, options: Options, path: str, href: str, date: str | None = None) -> str:
    """A citation line with a copy-link button, as a block of a Markdown page."""
    return templating.BLOCK + cite_html(what, title, options, path, href, date) + "\n\n"


def cite_html(what: str, title: str, options: Options, path: str, href: str, date: str | None = None) -> str:
    """A citation line with a copy-link button; the script makes the address absolute in the browser."""
    # The address is shown as text so it prints; the button stays hidden until the script runs.
    return templating.block(
        "cite.html",
        what=what,
        title=sentence(title),
        publisher=PUBLISHER_NAME,
        date=date,
        href=href,
        address=options.address(path),
        licence=LICENCE,
        licence_url=LICENCE_URL,
    )


def licence_html() -> str:
    """The footer line every page carries: the licence of the text and data, and where the code's licence is."""
    return templating.block("licence.html", licence_name=LICENCE_NAME, short=LICENCE, url=LICENCE_URL)


def plain(text: str) -> str:
    """Escape text so Markdown shows it exactly as written, on one line, with no markup or HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line(text), quote=False))
    # After the backslashes, so the entities' own '#' is not escaped: tables would split on '|', and
    # a run of '~' would open a code fence that swallows the rest of the page.
    return escaped.replace("|", "&#124;").replace("~", "&#126;")


def attribute(text: str) -> str:
    """Escape text for an HTML attribute or ``<title>``, which MkDocs' templates do not escape."""
    return html.escape(one_line(text), quote=True)


def long_date(day: dt.date) -> str:
    """A date as British readers write it: 6 March 2024."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def source_date(value: str) -> str:
    """A source's date (YYYY, YYYY-MM-DD or ``undated``) in reading form."""
    if value == schema.UNDATED:
        return "undated"
    return value if len(value) == 4 else long_date(dt.date.fromisoformat(value))


def kind_name(publisher: Publisher) -> str:
    """A publisher's kind as a reader sees it, such as ``membership body``."""
    return schema.PUBLISHER_KINDS.name(publisher.kind).lower()


def evidence_line(case: Case) -> str:
    """One line that says what the evidence is, label first, and whose sources carry it."""
    term = schema.EVIDENCE.term(case.evidence)
    kinds = schema.publisher_kinds(case.evidence, case.kind)
    fit = dict.fromkeys(p for s in case.sources for p in s.carriers(case.evidence) if p.kind in kinds)
    whose = _join(f"{p.name} ({kind_name(p)})" for p in fit)
    return f"{term.name}: {term.definition}, from {whose}" if whose else f"{term.name}: {term.definition}"


_SURROGATES = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def _yaml_string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar in ASCII, so no character in it can end the line or the string.

    JSON's escapes are YAML's, except that JSON writes a character beyond U+FFFF as two
    surrogate escapes, which YAML reads as two broken characters; YAML's own \\U escape is used instead.
    """

    def whole(m: re.Match[str]) -> str:
        high, low = int(m.group(1), 16), int(m.group(2), 16)
        return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"

    return _SURROGATES.sub(whole, json.dumps(value))


def head(
    title: str,
    description: str,
    searchable: bool = True,
    script: str | None = None,
    shared_nav: bool = False,
    wide: bool = False,
) -> dict[str, object]:
    """A page's metadata, as MkDocs has it once it has read the page's front matter."""
    meta: dict[str, object] = {"title": attribute(title), "description": attribute(description)}
    if not searchable:
        # Lists of cases repeat every summary; search finds the cases themselves instead.
        meta["search"] = {"exclude": True}
    if script:
        # The theme override loads assets/<script> on this page only.
        meta["atlas_script"] = script
    if wide:
        # A page with no sections of its own gives the contents list's column to its table.
        meta["hide"] = ["toc"]
    if shared_nav:
        # Every case page has the same nav, so the theme renders it once per build (templating.Once).
        meta["atlas_shared_nav"] = True
    return meta


def front_matter(
    title: str,
    description: str,
    searchable: bool = True,
    script: str | None = None,
    shared_nav: bool = False,
    wide: bool = False,
) -> str:
    """The page's YAML header; MkDocs must read it back exactly, or it would render it as Markdown."""
    return yaml_header(head(title, description, searchable, script, shared_nav, wide))


def yaml_header(meta: Mapping[str, object]) -> str:
    """The front matter MkDocs reads back as ``meta`` (made by ``head``)."""
    block = ""
    for key, value in meta.items():
        if key == "search":
            block += "search:\n  exclude: true\n"
        elif key == "hide" and isinstance(value, list):
            block += "hide:\n" + "".join(f"  - {item}\n" for item in value)
        elif value is True:
            block += f"{key}: true\n"
        elif key == "atlas_script":
            block += f"{key}: {json.dumps(value)}\n"
        else:
            block += f"{key}: {_yaml_string(str(value))}\n"
    return f"---\n{block}---\n\n"


def case_head(case: Case) -> dict[str, object]:
    """A live case page's metadata, which its page object takes from here rather than from its front matter."""
    return head(case.title, case.summary, shared_nav=True)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _join(parts: Iterable[str]) -> str:
    items = list(parts)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _case_list(cases: Iterable[Case], on_page: str, summaries: bool = True) -> str:
    """Cases as an HTML list (title, kind and evidence, and the summary where asked), for the page ``on_page``."""
    items = [
        {
            "href": site.CASE.href_from(on_page, c.id),
            "title": c.title,
            "summary": c.summary,
            "kind": schema.KINDS.name(c.kind),
            "evidence": schema.EVIDENCE.name(c.evidence).lower(),
        }
        for c in cases
    ]
    return templating.render("case_list.html", cases=items, summaries=summaries) + "\n"


def element_title(element: Element) -> str:
    """An element's display name, such as ``1C Leading a culture of improvement``."""
    return f"{element.id} {element.name}"


# --- framework pages ------------------------------------------------------------------------


def framework_page(fw: Framework, index: Index) -> str:
    """``framework/index.md``: headings, elements with counts, the element × spectrum matrix."""
    described = f"The {len(fw.elements)} elements of the {fw.name} and the cases tagged to each."
    out = [front_matter(fw.name, described)]
    out.append(f"# {plain(fw.name)}\n\n{plain(fw.about)}\n\n")
    out.append(
        f"The atlas holds {_count(len(index.cases), 'case')}. Pick an element to see its questions, "
        "what weak and strong capacity look like, and the cases that bear on it. The atlas also sets the "
        f"framework beside [other frameworks]({site.CROSSWALKS.link_from(site.FRAMEWORK.path())}) that trusts "
        "are judged by.\n\n"
    )
    for heading in fw.headings:
        out.append(f"## {heading.number}. {plain(heading.name)} {{#heading-{heading.number}}}\n\n")
        out.append("| Element | Themes | Cases |\n| --- | --- | ---: |\n")
        for e in heading.elements:
            themes = "; ".join(plain(t) for t in e.themes)
            out.append(
                f"| [{plain(element_title(e))}]({e.slug}.md) | {themes} | {len(index.by_element.get(e.id, ()))} |\n"
            )
        out.append("\n")
    out.append("## Cases by element and spectrum position {#matrix}\n\n")
    out.append(
        "Findings and network models often span the spectrum, so they are counted under "
        "\u201cNot placed\u201d. See also the [explorer](../explore.md) and the "
        "[spectrum](../spectrum/index.md).\n\n"
    )
    out.append(explore.heat_map(fw, index, site.FRAMEWORK.path()))
    out.append("## The rating scale {#scale}\n\n")
    out.append(f"Rate your trust on each element using {len(fw.scale)} points:\n\n")
    out.extend(f"- **{plain(s.name)}**: {plain(s.definition)}\n" for s in fw.scale)
    out.append(f"\n## Source {{#source}}\n\n{plain(fw.credit)}\n")
    return "".join(out)


def _question(q: Question, index: Index, options: Options) -> str:
    cases = index.by_question.get(q.id, ())
    page = site.ELEMENT.path(q.element.lower())
    # HTML from a template: with thousands of cases, Markdown spent longer on these links than on
    # the rest of the page.
    cited = (
        templating.render(
            "cited_cases.html", cases=[{"href": site.CASE.href_from(page, c.id), "title": c.title} for c in cases]
        )
        if cases
        else "No case cites this question yet."
    )
    return (
        # The full question is the heading; the table of contents shows just its reference.
        f'### {q.id} {plain(q.text)} {{#{q.anchor} data-toc-label="{q.id}"}}\n\n'
        f"- **Red (weak):** {plain(q.red)}\n"
        f"- **Green (strong):** {plain(q.green)}\n\n"
        f"{cited}\n\n" + cite("question", f"{q.id}: {q.text}", options, q.address, f"#{q.anchor}")
    )


def element_page(
    fw: Framework, element: Element, index: Index, options: Options, crosswalks: tuple[Crosswalk, ...] = ()
) -> str:
    """``framework/<id>.md``: the element, its cases by position first, then its questions with anchors."""
    heading = next(h for h in fw.headings if h.number == element.heading)
    out = [front_matter(element_title(element), element.summary)]
    out.append(f"# {plain(element_title(element))}\n\n")
    out.append(
        f"Part of heading {heading.number}, [{plain(heading.name)}](index.md#heading-{heading.number}). "
        f"Themes: {'; '.join(plain(t) for t in element.themes)}.\n\n{plain(element.summary)}\n\n"
    )
    out.extend(_crosswalk_line(cw, element) for cw in crosswalks)
    out.append(cite("element", element_title(element), options, element.address, "./"))
    # The cases come before the questions, so a reader on a phone reaches them in the first screens.
    cases = index.by_element.get(element.id, ())
    out.append("## Cases {#cases}\n\n")
    if not cases:
        out.append("No case is tagged to this element yet. See [cases wanted](../wanted.md).\n\n")
    else:
        out.append(
            f"{_count(len(cases), 'case is', 'cases are')} tagged to {element.id}, grouped by where each sits "
            f"on the spectrum. The questions come after them, each with the cases that cite it.\n\n"
        )
        groups: list[tuple[str | None, str]] = [(p.id, p.name) for p in fw.positions] + [(None, UNPLACED)]
        for position, name in groups:
            members = index.element_position(element.id, position)
            if members:
                out.append(f"### {plain(name)} {{#cases-{position or 'unplaced'}}}\n\n")
                out.append(_case_list(members, site.ELEMENT.path(element.slug)) + "\n")
    for stage, name in ((t.id, t.name) for t in schema.STAGES.terms):
        questions = [q for q in element.questions if q.stage == stage]
        if questions:
            out.append(f"## {name} {{#{element.slug}-{stage}}}\n\n")
            out.extend(_question(q, index, options) for q in questions)
    out.append(f"## Source {{#source}}\n\n{plain(fw.credit)}\n")
    return "".join(out)


# --- spectrum and approach pages -------------------------------------------------------------


def _by_element_page(fw: Framework, page: str, label: Label, cases: tuple[Case, ...], what: str, credit: str) -> str:
    out = [front_matter(label.name, label.definition, searchable=False)]
    out.append(f"# {plain(label.name)}\n\n{plain(label.definition)}\n\n")
    out.append(
        f"{_count(len(cases), 'case is', 'cases are')} {what}. "
        "A case tagged to several elements appears under each.\n\n"
    )
    for e in fw.elements:
        members = [c for c in cases if e.id in c.elements]
        if members:
            out.append(f"## [{plain(element_title(e))}]({site.ELEMENT.link_from(page, e.slug)}) {{#{e.slug}}}\n\n")
            # Titles and labels only: a case appears under each of its elements, so summaries would repeat.
            out.append(_case_list(members, page, summaries=False) + "\n")
    out.append(f"## Source {{#source}}\n\n{plain(credit)}\n")
    return "".join(out)


def spectrum_index_page(fw: Framework, index: Index) -> str:
    """``spectrum/index.md``: the three positions and three approaches with their counts."""
    out = [
        front_matter(
            "The spectrum", "Standardisation, alignment and autonomy, and three ways trusts develop shared practice."
        )
    ]
    out.append("# The spectrum\n\nTrusts choose, area by area, how much practice their schools share.\n\n")
    out.append("## Positions {#positions}\n\n| Position | What it means | Cases |\n| --- | --- | ---: |\n")
    for p in fw.positions:
        out.append(
            f"| [{plain(p.name)}]({p.id}.md) | {plain(p.definition)} | {len(index.by_position.get(p.id, ()))} |\n"
        )
    out.append(
        f"\n{_count(len(index.by_position.get(None, ())), 'case is', 'cases are')} not placed on the spectrum.\n\n"
    )
    out.append(approach_table(fw, index, "../approach/"))
    out.append(f"\n## Source {{#source}}\n\n{plain(fw.spectrum_credit)}\n")
    return "".join(out)


def approach_table(fw: Framework, index: Index, to_approach: str) -> str:
    """The approaches as a table with definitions and counts."""
    out = [
        "## Approaches to shared practice {#approaches}\n\n| Approach | What it means | Cases |\n| --- | --- | ---: |\n"
    ]
    for a in fw.approaches:
        out.append(
            f"| [{plain(a.name)}]({to_approach}{a.id}.md) | {plain(a.definition)} "
            f"| {len(index.by_approach.get(a.id, ()))} |\n"
        )
    return "".join(out)


def approach_index_page(fw: Framework, index: Index) -> str:
    """``approach/index.md``: the three approaches with their counts."""
    names = _join(a.name.lower() for a in fw.approaches)
    out = [front_matter("Approaches", f"How trusts develop shared practice: {names}.")]
    out.append(
        "# Approaches\n\nHow a shared practice comes about matters as much as where it sits "
        "on the [spectrum](../spectrum/index.md).\n\n"
    )
    out.append(approach_table(fw, index, ""))
    out.append(f"\n## Source {{#source}}\n\n{plain(fw.spectrum_credit)}\n")
    return "".join(out)


# --- case pages ---------------------------------------------------------------------------


# With scripts, the All cases table shows this many rows at first and this many more at each press
# of its button: hundreds of cases in one table would be a hundred screens on a phone.
CASES_PER_SCREENFUL = 50


def cases_page(fw: Framework, index: Index) -> str:
    """``cases/index.md``: every case in one table, which stacks into cards on a phone."""
    described = "Every case study in the MAT Practice Atlas in one table."
    out = [front_matter("All cases", described, searchable=False, wide=True)]
    out.append(
        f"# All cases\n\n{_count(len(index.cases), 'case')}, in order of title. To narrow them by element, "
        "spectrum, evidence, phase or region, use the [explorer](../explore.md); or browse by "
        "[element](../framework/index.md) or [spectrum position](../spectrum/index.md).\n\n"
    )
    here = site.CASES.path()
    rows = [
        {
            "href": site.CASE.href_from(here, c.id),
            "title": c.title,
            "kind": schema.KINDS.name(c.kind),
            "elements": [{"id": e, "href": site.ELEMENT.href_from(here, e.lower())} for e in c.elements],
            "spectrum": {"name": fw_label(fw.positions, c.spectrum), "href": site.POSITION.href_from(here, c.spectrum)}
            if c.spectrum
            else None,
            "evidence": schema.EVIDENCE.name(c.evidence),
            "trust": c.trust.name if c.trust else None,
            "published": c.published.isoformat(),
        }
        for c in index.cases
    ]
    columns = ("Case", "Kind", "Elements", "Spectrum", "Evidence", "Trust", "Published")
    table = templating.render(
        "case_table.html", columns=columns, rows=rows, page=CASES_PER_SCREENFUL, explore=site.EXPLORE.href_from(here)
    )
    out.append(table + "\n")
    return "".join(out)


def fw_label(labels: tuple[Label, ...], label_id: str) -> str:
    """The display name of a position or approach, as plain text."""
    return next(label.name for label in labels if label.id == label_id)


def _framework_parts(case: Case, fw: Framework) -> list[dict[str, str | None]]:
    parts: list[dict[str, str | None]] = []
    for i, element_id in enumerate(case.elements):
        e = fw.element(element_id)
        page = site.ELEMENT.href_from(site.CASE.path(case.id), e.slug)
        parts += [{"text": "; ", "href": None}] if i else []
        parts.append({"text": element_title(e), "href": page})
        refs = [q for q in e.questions if q.id in case.questions]
        if refs:
            parts.append({"text": f" (question{'s' if len(refs) > 1 else ''} ", "href": None})
            for j, q in enumerate(refs):
                parts += [{"text": ", ", "href": None}] if j else []
                parts.append({"text": q.id, "href": f"{page}#{q.anchor}"})
            parts.append({"text": ")", "href": None})
    return parts


def _trust_line(case: Case) -> str | None:
    t = case.trust
    if t is None:
        return None
    parts = [t.name] if t.name else []
    if t.schools:
        parts.append(_count(t.schools, "school"))
    if t.phases:
        parts.append(_join(schema.PHASES.name(p).lower() for p in t.phases))
    if t.region:
        parts.append(schema.REGIONS.name(t.region))
    return "; ".join(parts) or None


def _case_dates(case: Case) -> str:
    dates = f"published {long_date(case.published)}"
    return dates + (f", last reviewed {long_date(case.reviewed)}" if case.reviewed else "")


PART = "<!-- atlas-part-{} -->"
_ID = re.compile(r'\sid="([^"]*)"')


def anchors(page_html: str) -> set[str]:
    """Every id on a page, for MkDocs to check links into it."""
    return set(_ID.findall(page_html))


def fill_parts(page_html: str, parts: tuple[str, ...]) -> str:
    """A rendered case page with each placeholder replaced by its part of the checked body."""
    for i, part in enumerate(parts):
        page_html = page_html.replace(PART.format(i), part, 1)
    return page_html


def withdrawn_page(case: Case, atlas: Atlas, options: Options) -> str:
    """The page left at a withdrawn case's address: what it was, why it went, where to go instead."""
    assert case.withdrawn is not None
    out = [front_matter(f"Withdrawn: {case.title}", case.summary, searchable=False)]
    out.append(f"# {plain(case.title)}\n\n")
    out.append(f'!!! warning "This case has been withdrawn"\n\n    {plain(case.withdrawn.reason)}\n\n')
    successor = case.withdrawn.superseded_by
    if successor:
        title = next(c.title for c in atlas.cases if c.id == successor)
        out.append(f"    Read [{plain(title)}]({successor}.md) instead.\n\n")
    else:
        out.append("    Browse [all cases](index.md) for related practice.\n\n")
    out.append(f"It was published on {long_date(case.published)}. What it said, in brief: {plain(case.summary)}\n")
    return "".join(out)


def title_id(title: str) -> str:
    """The id of a case page's title, as Markdown would slug it, but never starting ``_`` (the theme's names)."""
    return slugify(one_line(title), "-").lstrip("_-") or "case"


def fact(f: schema.Field, case: Case) -> str:
    """A field's value as a line of plain text: a choice by its name, a list joined, a date in words; '' for none."""
    return _said(f, case.value(f.key))


def _said(f: schema.Field, value: object) -> str:
    """A value of the field ``f`` in words; a group's keys each with its name ('Grade: good; When: 2024')."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ", ".join(_said(f, item) for item in value)
    if isinstance(value, dict):
        given = ((sub, _said(sub, value.get(sub.key))) for sub in f.fields)
        return "; ".join(f"{sub.label}: {words}" for sub, words in given if words)
    if isinstance(value, dt.date):
        return long_date(value)
    if f.vocabulary is not None and value in f.vocabulary.ids:
        return f.vocabulary.name(str(value))
    return one_line(str(value))


# The sections the case page's template adds after the body, by id (the ids a body may not take) and name.
CASE_SECTIONS = {"sources": "Sources", "related": "Related cases"}


def _title_anchor(case: Case) -> str:
    """The id of a case page's title: the body's own ids keep theirs, so the title's differs, as Markdown's would."""
    return str(unique(title_id(case.title), set(_ID.findall(case.body_html)) | RESERVED_IDS))


def case_contents(case: Case, related: bool) -> tuple[BodyHeading, ...]:
    """A case page's contents, in page order: the title, the body's headings and the page's own sections.

    From the model: the title as the page's template writes it, the level-1 and level-2 headings the
    body's Markdown read, then the template's own sections (the related cases only where there are
    some). Kept flat and small until the page is made, when ``contents_tree`` nests it.
    """
    title = BodyHeading(1, _title_anchor(case), str(escape(one_line(case.title))))
    added = [BodyHeading(2, ident, name) for ident, name in CASE_SECTIONS.items() if related or ident != "related"]
    return (title, *(h for h in case.headings if h.level <= 2), *added)


def contents_tree(contents: Iterable[BodyHeading]) -> list[dict[str, Any]]:
    """A page's contents list as Python-Markdown's toc extension gives it: each level-2 heading under the one before."""
    entries: list[dict[str, Any]] = []
    for level, ident, name in contents:
        entry: dict[str, Any] = {"level": level, "id": ident, "name": name, "children": []}
        if level == 2 and entries:
            entries[-1]["children"].append(entry)
        else:
            entries.append(entry)
    return entries


def case_page(case: Case, fw: Framework, related: tuple[Case, ...], options: Options) -> str:
    """``cases/<id>.md``: front matter over the page's HTML from templates, with ``PART`` where the checked body goes.

    The page skips Markdown (the hook gives it to MkDocs as HTML; ``Rendered.parts`` lists such pages): only the body
    needs Markdown, and the validator has already rendered and checked it.
    """
    here = site.CASE.path(case.id)
    kind, kind_def = schema.KINDS.name(case.kind), schema.KINDS.term(case.kind).definition

    def text(value: str) -> list[dict[str, str | None]]:
        return [{"text": value, "href": None}]

    facts: list[tuple[str, list[dict[str, str | None]]]] = [
        ("Kind", text(f"{kind}: {kind_def}")),
        ("Evidence", text(evidence_line(case))),
        ("Framework", _framework_parts(case, fw)),
    ]
    if case.spectrum:
        name = fw_label(fw.positions, case.spectrum)
        facts.append(("Spectrum", [{"text": name, "href": site.POSITION.href_from(here, case.spectrum)}]))
    if case.approach:
        name = fw_label(fw.approaches, case.approach)
        facts.append(("Approach", [{"text": name, "href": site.APPROACH.href_from(here, case.approach)}]))
    trust = _trust_line(case)
    if trust:
        facts.append(("Trust", text(trust)))
    # Every other field the contract shows as a fact, so a field added to the contract is shown with no code here.
    facts += [(f.label, text(shown)) for f in schema.CASE_FIELDS if f.display == "fact" and (shown := fact(f, case))]
    if case.tags:
        facts.append(("Tags", text(", ".join(case.tags))))
    sources = [
        {
            "title": src.title,
            "url": src.url,
            "author": src.author,
            "publisher": src.publisher.name,
            "publisher_href": site.SOURCES.href_from(here, anchor=src.publisher.id),
            "kind": kind_name(src.publisher),
            "when": source_date(src.date) if src.date else None,
            "via": src.via,
            "offline": src.offline,
            "voice": f"{src.voice.name} ({kind_name(src.voice)})" if src.voice else None,
        }
        for src in case.sources
    ]
    # Titles and labels only, and kept out of the search index: the cases themselves are indexed.
    items = [
        {
            "href": site.CASE.href_from(here, other.id),
            "title": other.title,
            "kind": schema.KINDS.name(other.kind),
            "evidence": schema.EVIDENCE.name(other.evidence).lower(),
            "shared": _join([e for e in case.elements if e in other.elements]),
        }
        for other in related
    ]

    def line(words: str, href: str | None = None) -> dict[str, str | None]:
        return {"text": words, "href": href}

    footer = [line(f"Published {long_date(case.published)}")]
    if case.reviewed:
        footer.append(line(f"Last reviewed {long_date(case.reviewed)}"))
    if case.contributor:
        footer.append(line(f"Contributed by {one_line(case.contributor)}"))
    if options.edit_url_template:
        footer.append(line("Edit this case", href=options.edit_url_template.replace("{path}", case.path)))
    # The body's own headings keep their ids, so the title's id must differ from them, as Markdown's would.
    page = templating.page(
        "case_page.html",
        title=one_line(case.title),
        title_id=_title_anchor(case),
        summary=one_line(case.summary),
        facts=Markup(templating.block("facts.html", facts=facts)),
        cite=Markup(cite_html("case", case.title, options, case.address, "./", _case_dates(case))),
        body=Markup(PART.format(0)),
        sources=Markup(templating.block("sources.html", sources=sources)),
        related=Markup(templating.block("related.html", items=items)) if items else None,
        sections=CASE_SECTIONS,
        footer=footer,
    )
    return yaml_header(case_head(case)) + page + "\n"


TEMPLATE_MARKER = "<!-- atlas:case-template -->"
FIELDS_MARKER = "<!-- atlas:field-table -->"
EVIDENCE_MARKER = "<!-- atlas:evidence-table -->"
SECTIONS_MARKER = "<!-- atlas:body-sections -->"
EVIDENCE_BASE_MARKER = "<!-- atlas:evidence-base -->"
SOURCE_FIELDS_MARKER = "<!-- atlas:source-table -->"
PUBLISHER_MARKER = "<!-- atlas:publisher-table -->"
ID_WORDS_MARKER = "<!-- atlas:id-words -->"


def case_template() -> str:
    """The case template contributors copy, made from the contract (see ``placeholders.template_text``)."""
    return placeholders.template_text()


def field_table() -> str:
    """The contributing page's table of front-matter keys, from the contract."""
    rows = [f"| `{f.key}` | {f.required} | {f.description} |" for f in schema.CASE_FIELDS]
    return "\n".join(["| Key | Needed? | What to write |", "| --- | --- | --- |", *rows])


def _either(parts: Sequence[str]) -> str:
    """Parts joined as alternatives: 'a, b or c'."""
    return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else "".join(parts)


def _kind_words(kinds: Iterable[str]) -> str:
    return _either([schema.PUBLISHER_KINDS.name(k).lower() for k in kinds])


def evidence_table() -> str:
    """The contributing page's table of evidence labels and the publishers each needs, from the contract."""
    rows = []
    for t in schema.EVIDENCE.terms:
        if t.id == schema.OWN_ACCOUNT:
            needs = "; ".join(
                f"for a {kind}, {_kind_words(kinds)}" for kind, kinds in schema.OWN_ACCOUNT_PUBLISHERS.items()
            )
            needs += ". For a practice case that names its trust, a trust's source must be that trust's own"
        else:
            needs = _kind_words(schema.EVIDENCE_PUBLISHERS[t.id])
        rows.append(f"| `{t.id}` | {t.name}: {t.definition}. | {needs}. |")
    header = ["| Label | Meaning | Needs a source published by |", "| --- | --- | --- |"]
    return "\n".join([*header, *rows])


def source_table() -> str:
    """The contributing page's table of a source's keys, from the contract."""
    rows = [f"| `{f.key}` | {f.required} | {f.description} |" for f in schema.SOURCE_FIELDS]
    return "\n".join(["| Key | Needed? | What to write |", "| --- | --- | --- |", *rows])


def publisher_table() -> str:
    """The contributing page's table of a publisher's keys in ``framework/publishers.yaml``, from the contract."""
    rows = [f"| `{f.key}` | {f.description} |" for f in schema.PUBLISHER_FIELDS]
    return "\n".join(["| Key | What to write |", "| --- | --- |", *rows])


def id_words() -> str:
    """The contributing page's list of what an id may not contain, from the contract."""
    anywhere = [f"`{w.letters}` ({w.names})" for w in schema.ID_WORDS if not w.first_only]
    first = [f"`{w.letters}`" for w in schema.ID_WORDS if w.first_only]
    return (
        f"An id may not contain {_either(anywhere)}, with or without hyphens, and may not start with "
        f"{_either(first)}: those words may name what a case is about (a network's peer review), but not "
        "first, where they read as a label."
    )


def body_sections() -> str:
    """The contributing page's list of the sections a body has, from the house style."""
    style = schema.HOUSE_STYLE
    second = " or ".join(f"`## {name}` ({kind})" for kind, name in style.second.items())
    items = [f"`## {style.first}`", second, *(f"`## {name}`" for name in style.rest)]
    lines = [f"{i}. {item}" for i, item in enumerate(items, start=1)]
    return f"Write at least {style.min_words} words under these headings, in this order:\n\n" + "\n".join(lines)


def fill_contributing(markdown: str) -> str:
    """The contributing page with the template, the field and evidence tables and the sections put in place."""
    for marker, text in (
        (TEMPLATE_MARKER, case_template().rstrip("\n")),
        (FIELDS_MARKER, field_table()),
        (EVIDENCE_MARKER, evidence_table()),
        (SOURCE_FIELDS_MARKER, source_table()),
        (PUBLISHER_MARKER, publisher_table()),
        (ID_WORDS_MARKER, id_words()),
        (SECTIONS_MARKER, body_sections()),
    ):
        markdown = markdown.replace(marker, text)
    return markdown


def problems_page(path: str, problems: list[str]) -> str:
    """The page a preview shows at the address of a case that has problems, listing them."""
    out = [front_matter(f"Problems in {path}", "This case has problems to fix before it can be shown.", False)]
    out.append(f"# Problems in {plain(path)}\n\nFix these in `{path}`, save, and this page will show the case:\n\n")
    out.extend(f"- {plain(p)}\n" for p in problems)
    return "".join(out)


def _make_new(flags: str) -> str:
    return f'`make new ARGS="{flags}"`'


def _start(answers: dict[str, str], flags: str) -> str:
    """Two ways to start a case on a gap: the composer with the gap filled in, then the command for developers."""
    composer = f"{site.COMPOSER.link_from(site.WANTED.path())}?{urlencode(answers)}"
    return f"[Write it in the composer]({composer}), or {_make_new(flags)}"


def wanted_page(atlas: Atlas) -> str:
    """``wanted.md``: where the atlas most needs cases, from the corpus itself, with a way to start each."""
    fw = atlas.framework
    report = coverage(atlas)
    out = [front_matter("Cases wanted", "Where the atlas most needs cases from trusts and networks.", False)]
    out.append(
        "# Cases wanted\n\nThe atlas is only as useful as its cases. These lists come from the cases themselves "
        f"and shrink as cases are added. Each element, spectrum position and approach should have at least "
        f"{MIN_CASES} cases, and every question at least one. If your trust or network has a story that fits, "
        "see [how to contribute](contributing/index.md). Beside each gap, a link opens the composer with "
        "that gap filled in; the command after it does the same for developers.\n\n"
    )
    questions = {q.id: q for e in fw.elements for q in e.questions}
    fewest = min(report.questions.values(), default=0)
    out.append("## Questions {#questions}\n\n")
    wanted = [q for q, n in report.questions.items() if n == fewest]
    what = "no case cites them yet" if fewest == 0 else f"each has only {_count(fewest, 'case')}"
    out.append(f"{_count(len(wanted), 'question')}: {what}.\n\n| Question | Start a case |\n| --- | --- |\n")
    for q_id in wanted:
        q = questions[q_id]
        out.append(
            f"| [{q.id}]({site.ELEMENT.link_from(site.WANTED.path(), q.element.lower(), q.anchor)}) {plain(q.text)} | "
            f"{_start({'elements': q.id}, f'--elements {q.id}')} |\n"
        )
    rows = sorted(report.elements.items(), key=lambda item: (item[1], fw.elements.index(fw.element(item[0]))))
    short = [(e, n) for e, n in rows if n < MIN_CASES] or rows[:5]
    out.append(f"\n## Elements {{#elements}}\n\nThe {_count(len(short), 'element')} with the fewest cases.\n\n")
    out.append("| Element | Cases | Start a case |\n| --- | ---: | --- |\n")
    for e_id, n in short:
        e = fw.element(e_id)
        out.append(
            f"| [{plain(element_title(e))}]({site.ELEMENT.link_from(site.WANTED.path(), e.slug)}) | {n} | "
            f"{_start({'elements': e.id}, f'--elements {e.id}')} |\n"
        )
    out.append("\n## Spectrum positions and approaches {#spectrum}\n\n| Tag | Cases | Start a case |\n")
    out.append("| --- | ---: | --- |\n")
    for label, n, answers, flag in sorted(
        [
            (
                p,
                report.positions[p.id],
                {"kind": schema.PLACED_KIND, "spectrum": p.id},
                f"--kind {schema.PLACED_KIND} --spectrum {p.id}",
            )
            for p in fw.positions
        ]
        + [(a, report.approaches[a.id], {"approach": a.id}, f"--approach {a.id}") for a in fw.approaches],
        key=lambda row: row[1],
    ):
        folder = "spectrum" if label in fw.positions else "approach"
        out.append(f"| [{plain(label.name)}]({folder}/{label.id}.md) | {n} | {_start(answers, flag)} |\n")
    out.append("\n## Evidence {#evidence}\n\nStronger evidence is always welcome: an inspection report, a survey, an ")
    out.append("independent study or an evaluation with a comparison group.\n\n| Evidence | Cases |\n| --- | ---: |\n")
    for term_id, n in sorted(report.evidence.items(), key=lambda item: item[1]):
        term = schema.EVIDENCE.term(term_id)
        out.append(f"| {plain(term.name)}: {plain(term.definition)} | {n} |\n")
    return "".join(out)


def sources_page(atlas: Atlas) -> str:
    """``sources.md``: every publisher the cases cite, grouped by kind, with the cases that cite each."""
    citing: dict[str, list[Case]] = {}
    for case in sorted(atlas.live, key=lambda c: c.title.casefold()):
        for publisher_id in dict.fromkeys(p.id for s in case.sources for p in (s.publisher, s.voice) if p):
            citing.setdefault(publisher_id, []).append(case)
    cited = [p for p in atlas.framework.publishers if p.id in citing]
    out = [front_matter("Sources", "Who published the sources the cases rest on, and which cases cite each.", False)]
    out.append(
        f"# Sources\n\nThe cases cite {_count(len(cited), 'publisher')}. A publisher's kind decides which "
        "evidence labels its documents can carry: a trust's own page is its own account, and a consultancy's or "
        "a newspaper's account of a trust is a reported account. See the "
        "[evidence labels](contributing/index.md#evidence).\n\n"
    )
    here = site.SOURCES.path()
    for term in schema.PUBLISHER_KINDS.terms:
        group = sorted((p for p in cited if p.kind == term.id), key=lambda p: p.name.casefold())
        if not group:
            continue
        about = sentence(term.definition[:1].upper() + term.definition[1:])
        out.append(f"## {plain(term.name)} {{#kind-{term.id}}}\n\n{plain(about)}\n\n")
        for p in group:
            cases = [{"href": site.CASE.href_from(here, c.id), "title": c.title} for c in citing[p.id]]
            entry = templating.render(
                "publisher_cases.html",
                kind=term.name,
                domains=p.domains,
                formerly=_either(list(p.formerly)) if p.formerly else None,
                count=_count(len(cases), "case"),
                cases=cases,
            )
            out.append(f"### {plain(p.name)} {{#{p.id}}}\n\n{entry}\n\n")
    return "".join(out).rstrip("\n") + "\n"


def evidence_base(atlas: Atlas) -> str:
    """A paragraph for the home page: how many cases, from how many sources, over which years, and how to weigh them."""
    report = coverage(atlas)
    n = len(atlas.live)
    span = f", dated {report.years[0]} to {report.years[1]}" if report.years else ""
    counts = [(schema.EVIDENCE.term(k), v) for k, v in report.evidence.items() if v]
    by_label = _join(f"{v} {t.name.lower()}" for t, v in sorted(counts, key=lambda tv: -tv[1]))
    return (
        f"The atlas holds **{_count(n, 'case')}**, drawn from the work of "
        f"**[{_count(len(report.publishers), 'publisher')}]({site.SOURCES.path()})**{span}. By the evidence they "
        f"rest on: {by_label}. A trust's own account tells you what it does and why, not whether it works better "
        "than something else; a reported account is a consultant's, journalist's or commentator's telling of "
        "it; research and inspection look from "
        "outside, and only an evaluation with a comparison group tests impact. Each case says which it is. "
        "See [cases wanted](wanted.md) for the gaps."
    )


def open_data_page() -> str:
    """``data.md``: what each file holds, field by field, from the same definitions as the schemas."""
    out = [front_matter("Open data", "The atlas's cases and framework as JSON, CSV and an Atom feed.")]
    out.append(
        "# Open data\n\nEverything in the atlas is also published as data, for trust dashboards, review "
        "templates and other tools. The data is rebuilt with the site, uses the same permanent addresses, "
        "and is published under the same licence as the text "
        f"([{LICENCE_NAME}, {LICENCE}]({LICENCE_URL})). Withdrawn cases are left out.\n\n"
        "| File | What it holds |\n| --- | --- |\n"
        "| [`api/cases.json`](api/cases.json) | Every case, with the fields below. Schema: "
        "[`api/cases.schema.json`](api/cases.schema.json) |\n"
        "| [`api/cases.csv`](api/cases.csv) | The same, one row a case; lists are joined with `;`, "
        "trust and sources are split into columns. UTF-8, with a byte-order mark so that Excel reads it "
        f"as UTF-8. Licence: [{LICENCE}]({LICENCE_URL}) |\n"
        "| [`api/framework.json`](api/framework.json) | Headings, elements, questions, the rating scale, "
        "spectrum positions and approaches. Schema: [`api/framework.schema.json`](api/framework.schema.json) |\n"
        "| [`api/crosswalks.json`](api/crosswalks.json) | Other frameworks beside this one, such as the DfE's trust "
        "quality descriptions: their headings, the elements linked to each and why, and the gaps. Each is the "
        "atlas's own reading. Schema: [`api/crosswalks.schema.json`](api/crosswalks.schema.json) |\n"
        f"| [`feed.xml`](feed.xml) | An Atom feed of the {export.FEED_LIMIT} newest and most recently reviewed "
        "cases (a feed reader fetches the whole feed each time it looks, so it is kept short) |\n\n"
        "## Fields of a case {#case-fields}\n\n| Field | Meaning |\n| --- | --- |\n"
    )
    out.extend(f"| `{name}` | {plain(text)} |\n" for name, (_, text) in export.CASE_DATA.items())
    out.append(
        "\n## Columns of the CSV file {#csv-columns}\n\n"
        + ", ".join(f"`{c}`" for c in export.CSV_COLUMNS)
        + ".\n\n## Fields of a framework question {#question-fields}\n\n| Field | Meaning |\n| --- | --- |\n"
    )
    out.extend(f"| `{name}` | {plain(text)} |\n" for name, (_, text) in export.QUESTION_FIELDS.items())
    return "".join(out)


def explore_page(fw: Framework, index: Index, crosswalks: tuple[Crosswalk, ...] = ()) -> str:
    """``explore.md``: every case as a card, with filters that live in the page's address."""
    described = "Filter every case by element, spectrum, kind, evidence and more."
    out = [front_matter("Explore the cases", described, searchable=False, script="explore.js")]
    out.append(
        "# Explore the cases\n\nNarrow the cases by element, spectrum position, approach, kind, evidence, "
        "phase, region and trust size, or by words in the title and summary. The filters you choose become "
        "part of the page's address, so you can send a filtered view to a colleague or link to it from a "
        "review report.\n\n"
    )
    if crosswalks:
        by = _join(f"[{plain(cw.facet)}]({site.CROSSWALK.link_from(site.EXPLORE.path(), cw.id)})" for cw in crosswalks)
        out.append(f"You can also narrow them by {by}, in the atlas's own reading of the other framework.\n\n")
    out.append(explore.explorer(fw, index, crosswalks))
    return "".join(out)


def self_assessment_page(fw: Framework, crosswalks: tuple[Crosswalk, ...] = ()) -> str:
    """``self-assessment.md``: rate each element, keep and share the ratings, and see cases for the weakest."""
    described = "Rate your trust on each element of the framework and find cases for the weakest."
    out = [front_matter("Self-assessment", described, searchable=False, script="self-assessment.js")]
    out.append(
        f"# Self-assessment\n\nRate your trust on each element of the {plain(fw.name)}, using the "
        "[rating scale](framework/index.md#scale). Open an element's questions if you need a prompt, "
        "and add a note to explain your rating. Then see the cases that bear on the elements you rate "
        "Red or Amber-Red.\n\n"
        '!!! note "Nothing leaves your browser"\n\n'
        "    Your ratings and notes are kept only in this browser, on this device. Nothing is sent to the "
        "atlas or anyone else. To share your ratings, copy a link: the ratings travel in the link itself "
        "(notes stay behind). You can also download them as a spreadsheet or print a one-page summary.\n\n"
    )
    out.append(templating.render("self_assessment_notes.html", part="noscript") + "\n\n")
    out.append(explore.self_assessment(fw))
    out.extend(explore.pillar_summary(fw, cw) for cw in crosswalks)
    out.append("## Cases for your weakest elements {#recommendations}\n\n")
    out.append(templating.render("self_assessment_notes.html", part="recommendations") + "\n")
    return "".join(out)


# --- crosswalk pages ------------------------------------------------------------------------


def _crosswalk_line(cw: Crosswalk, element: Element) -> str:
    """The line on an element page naming the headings of another framework it is linked to."""
    page = site.ELEMENT.path(element.slug)
    headings = cw.headings_of(element.id)
    where = f"[{plain(cw.name)}]({site.CROSSWALK.link_from(page, cw.id)})"
    if not headings:
        reason = next((u.reason for u in cw.unmapped if u.element == element.id), "")
        return f"In the {where}, our reading links {element.id} to no {plain(cw.facet)}: {plain(reason)}\n\n"
    named = _join(f"[{plain(h.name)}]({site.CROSSWALK_HEADING.link_from(page, h.page_id)})" for h in headings)
    facet = plain(cw.facet) + ("s" if len(headings) > 1 else "")
    return f"In our reading of the {where} ({plain(cw.publisher)}), {element.id} bears on the {facet} {named}.\n\n"


def _crosswalk_note(cw: Crosswalk, page: str) -> str:
    """What the mapping is, what it rests on and how to change it: said at the top of every crosswalk page.

    What the atlas could read is said in full in the crosswalk's Source section, which this points
    to, so that on a phone a page's own content is not pushed far down.
    """
    contributing = posixpath.relpath("contributing/index.md", posixpath.dirname(page))
    crosswalk = site.CROSSWALK.link_from(page, cw.id) if page != site.CROSSWALK.path(cw.id) else ""
    read = f"[What we could read, and our sources]({crosswalk}#source)."
    return (
        f'!!! note "Our reading, not the {plain(cw.publisher)}\'s"\n\n'
        f"    This mapping is the atlas's own reading of the {plain(cw.name)} beside the framework, made on "
        f"{long_date(cw.reviewed)}. It is not published or endorsed by the {plain(cw.publisher)}. "
        f"{read}\n\n"
        f"    To propose a change, open an issue or a pull request that edits `{cw.path}`, giving your "
        f"reason; see [how to contribute]({contributing}).\n\n"
    )


def _crosswalk_sources(cw: Crosswalk) -> str:
    """The other framework's document, what comes next, and what else was read: the end of every crosswalk page."""
    out = [
        f"## Source {{#source}}\n\n{plain(cw.publisher)}, *{plain(cw.document)}*, published "
        f"{source_date(cw.date)}: <{cw.url}>\n\n**What we could read.** {plain(cw.read)}\n\n"
    ]
    if cw.status:
        out.append(f"**What comes next.** {plain(cw.status)}\n\n")
    if cw.sources:
        out.append("Also read for this page:\n\n")
        for s in cw.sources:
            when = f", {source_date(s.date)}" if s.date else ""
            link = f": <{s.url}>" if s.url else ""
            out.append(f"- {plain(s.publisher.name or s.author or '')}, *{plain(s.title)}*{when}{link}\n")
    return "".join(out)


def crosswalks_page(crosswalks: tuple[Crosswalk, ...]) -> str:
    """``crosswalks/index.md``: the other frameworks the atlas reads beside its own."""
    described = "The framework beside other frameworks that trusts are judged by."
    out = [front_matter("Other frameworks", described)]
    out.append(
        "# Other frameworks\n\nTrust leaders are also judged against other frameworks. Each page here "
        "sets one of them beside the MAT Assurance Framework: which elements bear on each of its headings, "
        "why, and where the framework says little. Each mapping is the atlas's own reading.\n\n"
    )
    if not crosswalks:
        out.append("No other framework has been mapped yet.\n")
    for cw in crosswalks:
        gaps = f" {_count(len(cw.gaps), 'heading has', 'headings have')} nothing mapped to it." if cw.gaps else ""
        out.append(
            f"- [{plain(cw.name)}]({site.CROSSWALK.link_from(site.CROSSWALKS.path(), cw.id)}): "
            f"{plain(cw.publisher)}, {source_date(cw.date)}. {_count(len(cw.headings), plain(cw.facet))}.{gaps}\n"
        )
    return "".join(out)


def crosswalk_page(cw: Crosswalk, fw: Framework, index: Index, options: Options) -> str:
    """``crosswalks/<id>/index.md``: each heading with its elements and case count, the gaps, the sources."""
    page = site.CROSSWALK.path(cw.id)
    described = f"The {cw.name} ({cw.publisher}) beside the {fw.name}: elements and cases for each {cw.facet}."
    out = [front_matter(f"{cw.name} beside the framework", described)]
    out.append(
        f"# {plain(cw.name)} beside the framework\n\nThe {plain(cw.publisher)}'s *{plain(cw.document)}* "
        f"({source_date(cw.date)}) has {_count(len(cw.headings), plain(cw.facet))}. For each, this page names "
        f"the elements of the {plain(fw.name)} that bear on it and counts their cases.\n\n"
    )
    out.append(cite("crosswalk", f"{cw.name} beside the framework", options, cw.address, "./"))
    out.append(_crosswalk_note(cw, page))
    facet = plain(cw.facet[:1].upper() + cw.facet[1:])
    out.append(f"## {facet}s {{#headings}}\n\n| {facet} | Elements | Cases |\n| --- | --- | ---: |\n")
    for h in cw.headings:
        elements = cw.elements_of(h.id)
        named = ", ".join(f"[{e}]({site.ELEMENT.link_from(page, e.lower())})" for e in elements) or "**Gap**: none"
        out.append(
            f"| [{plain(h.name)}]({site.CROSSWALK_HEADING.link_from(page, h.page_id)}) | {named} "
            f"| {len(cw.cases(h.id, index.cases))} |\n"
        )
    out.append("\n## Gaps {#gaps}\n\n")
    if cw.gaps:
        out.append(
            f"Nothing in the {plain(fw.name)} is linked to "
            + _join(f"[{plain(h.name)}]({site.CROSSWALK_HEADING.link_from(page, h.page_id)})" for h in cw.gaps)
            + ". The framework says little about it, so a trust that uses the framework alone should look "
            "at it another way.\n\n"
        )
        out.extend(f"- **{plain(h.name)}.** {plain(h.gap)}\n" for h in cw.gaps if h.gap)
        out.append("\n")
    else:
        out.append(f"Every {plain(cw.facet)} has at least one element linked to it.\n\n")
    if cw.unmapped:
        out.append("Elements linked to no heading:\n\n")
        out.extend(
            f"- [{u.element}]({site.ELEMENT.link_from(page, u.element.lower())}): {plain(u.reason)}\n"
            for u in cw.unmapped
        )
        out.append("\n")
    out.append(f"## Each link and why {{#links}}\n\n| Element or question | {facet} | Why |\n| --- | --- | --- |\n")
    names = {h.id: h for h in cw.headings}
    for k in cw.links:
        e = fw.element(k.element)
        anchor = f"{k.element.lower()}-{k.ref.partition('.')[2]}" if "." in k.ref else ""
        out.append(
            f"| [{k.ref}]({site.ELEMENT.link_from(page, e.slug, anchor)}) "
            f"| [{plain(names[k.heading].name)}]({site.CROSSWALK_HEADING.link_from(page, names[k.heading].page_id)}) "
            f"| {plain(k.reason)} |\n"
        )
    out.append("\n" + _crosswalk_sources(cw))
    return "".join(out)


def crosswalk_heading_page(cw: Crosswalk, heading: Target, fw: Framework, index: Index, options: Options) -> str:
    """``crosswalks/<id>/<heading>.md``: the elements behind a heading and their cases, grouped by spectrum position."""
    page = site.CROSSWALK_HEADING.path(heading.page_id)
    title = f"{heading.name} ({cw.facet})"
    out = [front_matter(title, heading.description)]
    out.append(
        f"# {plain(title)}\n\nOne of the {_count(len(cw.headings), plain(cw.facet))} of the "
        f"[{plain(cw.name)}]({site.CROSSWALK.link_from(page, cw.id)}), in our words: {plain(heading.description)}\n\n"
    )
    out.append(cite(cw.facet, title, options, heading.address, "./"))
    out.append(_crosswalk_note(cw, page))
    links = cw.links_to(heading.id)
    out.append("## Elements behind it {#elements}\n\n")
    if not links:
        out.append(
            f"**A gap.** Nothing in the {plain(fw.name)} is linked to this {plain(cw.facet)}, so the atlas has no "
            "cases for it yet. The framework says little about it: look at it another way."
            + (f" {plain(heading.gap)}" if heading.gap else "")
            + "\n\n"
        )
    for k in links:
        e = fw.element(k.element)
        anchor = f"{e.slug}-{k.ref.partition('.')[2]}" if "." in k.ref else ""
        what = f"{k.ref}" if anchor else element_title(e)
        out.append(f"- [{plain(what)}]({site.ELEMENT.link_from(page, e.slug, anchor)}): {plain(k.reason)}\n")
    if links:
        out.append("\n")
    cases = cw.cases(heading.id, index.cases)
    out.append("## Cases {#cases}\n\n")
    if not links:
        out.append(f"None: no case can bear on this {plain(cw.facet)} until something in the framework does.\n\n")
    elif not cases:
        out.append("No case is tagged to these elements yet. See [cases wanted](../../wanted.md).\n\n")
    elif cases:
        out.append(
            f"{_count(len(cases), 'case is', 'cases are')} tagged to the elements or questions above, grouped by "
            "where each sits on the spectrum.\n\n"
        )
        groups: list[tuple[str | None, str]] = [(p.id, p.name) for p in fw.positions] + [(None, UNPLACED)]
        for position, name in groups:
            members = [c for c in cases if c.spectrum == position]
            if members:
                out.append(f"### {plain(name)} {{#cases-{position or 'unplaced'}}}\n\n")
                out.append(_case_list(members, page) + "\n")
    out.append(_crosswalk_sources(cw))
    return "".join(out)


BLOCK_PART = "<!-- atlas-block-{} -->"


@dataclass(frozen=True)
class CasePageData:
    """What a live case page takes from the model: its metadata (``case_head``) and contents (``case_contents``)."""

    meta: dict[str, object]
    contents: tuple[BodyHeading, ...]

    def toc(self) -> list[dict[str, Any]]:
        """The page's contents list as MkDocs takes it from Markdown's toc extension."""
        return contents_tree(self.contents)


def _case_model(case: Case, related: bool) -> CasePageData:
    return CasePageData(case_head(case), case_contents(case, related))


@dataclass(frozen=True)
class Rendered:
    """The generated files, with each page's HTML blocks held apart from its Markdown."""

    pages: dict[str, str]
    """Every generated file by its path in the site; a page's HTML blocks are placeholders."""
    blocks: dict[str, tuple[str, ...]]
    """For each page that has them, its HTML blocks in placeholder order."""
    parts: dict[str, tuple[str, ...]]
    """For each case page whose body is published from its checked HTML, that HTML in placeholder order."""
    models: dict[str, CasePageData] = field(default_factory=dict)
    """For each of those case pages, what its page object takes from the model: metadata and contents."""

    def filled(self) -> dict[str, str]:
        """Every file with its blocks back in place: the page as one Markdown text."""
        return {path: fill_blocks(text, self.blocks.get(path, ())) for path, text in self.pages.items()}


def fill_blocks(text: str, blocks: tuple[str, ...]) -> str:
    """Text with each block placeholder replaced by its HTML block."""
    for i, block in enumerate(blocks):
        text = text.replace(BLOCK_PART.format(i), block, 1)
    return text


def _hold_blocks(text: str) -> tuple[str, tuple[str, ...]]:
    """A page with each rendered HTML block (a line starting with BLOCK) swapped for a placeholder.

    Python-Markdown would parse every block with its HTML parser only to pass it through unchanged;
    the hook puts the blocks back after conversion.
    """
    blocks: list[str] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(templating.BLOCK):
            lines[i] = BLOCK_PART.format(len(blocks))
            blocks.append(line[len(templating.BLOCK) :])
    return "\n".join(lines), tuple(blocks)


def render_site(atlas: Atlas, options: Options | None = None) -> dict[str, str]:
    """Every generated file (pages, open data, feed), keyed by its path inside the site, in sorted order."""
    return render_pages(atlas, options).filled()


# The case pages are rendered this many to a job.
CASES_PER_JOB = 50


def render_pages(atlas: Atlas, options: Options | None = None, index: Index | None = None) -> Rendered:
    """Every generated file, keyed by its path inside the site in sorted order, with pages' HTML blocks apart.

    ``index`` must be ``build_index(atlas)``; pass it if you have it already. The pages are rendered
    here, in order: in other processes, sending the pages back cost more than it saved.
    """
    options = options or Options()
    fw = atlas.framework
    index = index or build_index(atlas)
    # Each job makes some of the files, and none needs another's: the listings, then the case pages in chunks.
    jobs: list[Callable[[], Mapping[str, str]]] = [
        _file(site.CASES.path(), cases_page, fw, index),
        _file(site.EXPLORE.path(), explore_page, fw, index, atlas.crosswalks),
        functools.partial(export.data_files, atlas, index, options.site_url),
        _file(site.FRAMEWORK.path(), framework_page, fw, index),
        _file(site.SPECTRUM.path(), spectrum_index_page, fw, index),
        _file(site.APPROACHES.path(), approach_index_page, fw, index),
        _file(site.DATA.path(), open_data_page),
        _file(site.SELF_ASSESSMENT.path(), self_assessment_page, fw, atlas.crosswalks),
        _file(site.WANTED.path(), wanted_page, atlas),
        _file(site.SOURCES.path(), sources_page, atlas),
    ]
    jobs += [
        _file(site.ELEMENT.path(e.slug), element_page, fw, e, index, options, atlas.crosswalks) for e in fw.elements
    ]
    jobs.append(_file(site.CROSSWALKS.path(), crosswalks_page, atlas.crosswalks))
    for cw in atlas.crosswalks:
        jobs.append(_file(site.CROSSWALK.path(cw.id), crosswalk_page, cw, fw, index, options))
        jobs += [
            _file(site.CROSSWALK_HEADING.path(h.page_id), crosswalk_heading_page, cw, h, fw, index, options)
            for h in cw.headings
        ]
    for p in fw.positions:
        path, cases = site.POSITION.path(p.id), index.by_position.get(p.id, ())
        jobs.append(
            _file(path, _by_element_page, fw, path, p, cases, "at this point on the spectrum", fw.spectrum_credit)
        )
    for a in fw.approaches:
        path, cases = site.APPROACH.path(a.id), index.by_approach.get(a.id, ())
        jobs.append(_file(path, _by_element_page, fw, path, a, cases, "developed this way", fw.spectrum_credit))
    for i in range(0, len(atlas.cases), CASES_PER_JOB):
        jobs.append(functools.partial(_case_files, atlas.cases[i : i + CASES_PER_JOB], atlas, index, options))
    held: dict[str, tuple[str, tuple[str, ...]]] = {}
    for job in jobs:
        for path, text in job().items():
            if path in held:
                raise ValueError(f"{path} is made twice: a case's id is the address of a generated page")
            held[path] = _hold_blocks(text)
    held = dict(sorted(held.items()))
    live = [c for c in atlas.cases if not c.withdrawn]
    parts = {site.CASE.path(c.id): _case_parts(c) for c in live}
    models = {site.CASE.path(c.id): _case_model(c, bool(index.related.get(c.id))) for c in live}
    return Rendered(
        {path: text for path, (text, _) in held.items()},
        {p: b for p, (_, b) in held.items() if b},
        parts,
        models,
    )


def _file(path: str, make: Callable[..., str], *args: Any) -> Callable[[], Mapping[str, str]]:
    """A job that makes the one file at ``path``, from ``make(*args)``."""
    return functools.partial(_one_file, path, make, *args)


def _one_file(path: str, make: Callable[..., str], *args: Any) -> Mapping[str, str]:
    return {path: make(*args)}


def _case_files(cases: Sequence[Case], atlas: Atlas, index: Index, options: Options) -> Mapping[str, str]:
    return {site.CASE.path(c.id): _case_file(c, atlas, index.related.get(c.id, ()), options) for c in cases}


def _case_file(case: Case, atlas: Atlas, related: tuple[Case, ...], options: Options) -> str:
    """A case's page, or a withdrawn case's notice."""
    if case.withdrawn:
        return withdrawn_page(case, atlas, options)
    return case_page(case, atlas.framework, related, options)


def _case_parts(case: Case) -> tuple[str, ...]:
    """What goes into a live case's page where ``case_page`` left its placeholders: its checked body."""
    return (case.body_html,)


def rerender_cases(
    previous: Rendered,
    atlas: Atlas,
    ids: Iterable[str],
    related: Mapping[str, tuple[str, ...]],
    options: Options | None = None,
) -> Rendered:
    """``previous`` with the pages of the cases ``ids`` rendered again from ``atlas``.

    Right only when those cases changed nothing but their bodies since ``previous`` was rendered:
    a body appears on its own case's page and nowhere else. ``related`` gives each case's related
    case ids, as ``build_index`` ranked them for ``previous``.
    """
    options = options or Options()
    by_id = {c.id: c for c in atlas.cases}
    pages, blocks, parts = dict(previous.pages), dict(previous.blocks), dict(previous.parts)
    models = dict(previous.models)
    for ident in sorted(set(ids)):
        path = site.CASE.path(ident)
        others = tuple(by_id[other] for other in related.get(ident, ()))
        case = by_id[ident]
        pages[path], held = _hold_blocks(_case_file(case, atlas, others, options))
        blocks.pop(path, None)
        parts.pop(path, None)
        models.pop(path, None)
        if held:
            blocks[path] = held
        if not case.withdrawn:
            parts[path], models[path] = _case_parts(case), _case_model(case, bool(others))
    return Rendered(pages, blocks, parts, models)
