"""Crosswalks: the framework beside another one, such as the DfE's trust quality descriptions.

Each crosswalk is one file, ``framework/crosswalks/<id>.yaml``: the other framework's name,
publisher, date and address; its headings in our own words; and links from our elements (or
single questions) to those headings, each with a reason. Adding a file adds its pages, its
explorer filter, its self-assessment summary and its open data, with no change to the code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from atlas import pages, schema
from atlas.index import listing_order
from atlas.load import Document, line, mapping, read_yaml_file, relative
from atlas.model import Case, Framework, Problem, Publisher, Source, one_line

SUFFIX = ".yaml"


@dataclass(frozen=True)
class Target:
    """One heading of the other framework, such as the DfE's workforce pillar."""

    crosswalk: str
    id: str
    name: str
    description: str
    """What the heading covers, in the atlas's own words."""
    gap: str | None = None
    """Why nothing in the framework is linked to the heading, where the crosswalk says so."""

    @property
    def page_id(self) -> str:
        """The heading's id within the site and the open data, such as ``dfe-tqd-2023/workforce``."""
        return f"{self.crosswalk}/{self.id}"

    @property
    def address(self) -> str:
        """The heading's permanent address, such as ``/crosswalks/dfe-tqd-2023/workforce/``."""
        return pages.CROSSWALK_HEADING.address(self.page_id)


@dataclass(frozen=True)
class Link:
    """One element (``2B``) or question (``3B.i``) of the framework linked to one heading, with why."""

    ref: str
    heading: str
    reason: str

    @property
    def element(self) -> str:
        """The element the link belongs to: the element itself, or the question's element."""
        return self.ref.partition(".")[0]


@dataclass(frozen=True)
class Unmapped:
    """An element the crosswalk links to no heading, and why."""

    element: str
    reason: str


@dataclass(frozen=True)
class Crosswalk:
    """The framework beside one other framework, as the atlas reads it."""

    id: str
    path: str
    """The file, such as ``framework/crosswalks/dfe-tqd-2023.yaml``, for messages and edit links."""
    name: str
    document: str
    publisher: str
    date: str
    url: str
    facet: str
    """What one heading is called in filters and summaries, such as ``DfE pillar``."""
    read: str
    """What the atlas could read of the other framework when it made this mapping."""
    reviewed: dt.date
    """When the atlas made or last checked this mapping."""
    headings: tuple[Target, ...]
    links: tuple[Link, ...]
    unmapped: tuple[Unmapped, ...] = ()
    status: str | None = None
    """What is due to replace or change the other framework, where that is known."""
    sources: tuple[Source, ...] = ()
    """What else the atlas read: reporting on the framework's future."""

    @property
    def address(self) -> str:
        """The crosswalk's permanent address, such as ``/crosswalks/dfe-tqd-2023/``."""
        return pages.CROSSWALK.address(self.id)

    @cached_property
    def _by_heading(self) -> dict[str, tuple[Link, ...]]:
        return {h.id: tuple(k for k in self.links if k.heading == h.id) for h in self.headings}

    @cached_property
    def _refs(self) -> dict[str, frozenset[str]]:
        # Element refs (1C) and question refs (1C.ii) are written differently, so one set holds both.
        return {h: frozenset(k.ref for k in links) for h, links in self._by_heading.items()}

    def links_to(self, heading_id: str) -> tuple[Link, ...]:
        """The links to one heading, in file order."""
        return self._by_heading.get(heading_id, ())

    @property
    def gaps(self) -> tuple[Target, ...]:
        """The headings nothing in the framework is linked to."""
        return tuple(h for h in self.headings if not self.links_to(h.id))

    def headings_of(self, element_id: str) -> tuple[Target, ...]:
        """The headings an element is linked to, itself or through one of its questions, in heading order."""
        linked = {k.heading for k in self.links if k.element == element_id}
        return tuple(h for h in self.headings if h.id in linked)

    def elements_of(self, heading_id: str) -> tuple[str, ...]:
        """The elements behind a heading, themselves or through a question, in framework order of first link."""
        return tuple(dict.fromkeys(k.element for k in self.links_to(heading_id)))

    def cases(self, heading_id: str, cases: Iterable[Case]) -> tuple[Case, ...]:
        """The cases tagged to anything linked to a heading, in listing order."""
        refs = self._refs.get(heading_id, frozenset())
        found = (c for c in cases if not refs.isdisjoint(c.elements) or not refs.isdisjoint(c.questions))
        return tuple(sorted(found, key=listing_order))

    def headings_for(self, case: Case) -> tuple[Target, ...]:
        """The headings a case bears on, in heading order."""
        tags = {*case.elements, *case.questions}
        return tuple(h for h in self.headings if not self._refs[h.id].isdisjoint(tags))


def case_headings(crosswalks: Iterable[Crosswalk], case: Case) -> list[str]:
    """Every heading a case bears on, as ``crosswalk/heading`` ids: the open data's ``crosswalk_headings``."""
    return [h.page_id for cw in crosswalks for h in cw.headings_for(case)]


# --- checking ---------------------------------------------------------------------------------


def _specs(framework: Framework) -> dict[str, Any]:
    # The field checks are the validator's own, so a crosswalk is read as the framework and cases are.
    from atlas import validate as v

    def heading_id(node: yaml.Node, field: str) -> Iterator[v.Issue]:
        for at, where, message in v.check_id(node, field):
            # 'index' would be the address of the crosswalk's own page.
            yield at, where, message.replace("the list of all cases", "the crosswalk's own page")

    heading = {
        "id": v.Spec(heading_id, required=True, example="workforce"),
        "name": v.Spec(v.check_text, required=True, example="Workforce"),
        "description": v.Spec(v.check_text, required=True),
        "gap": v.Spec(v.check_text, example="why nothing in the framework fits it"),
    }
    link = {
        "from": v.Spec(v.check_element_ref(framework), required=True, example="2B"),
        "to": v.Spec(lambda n, f: v.check_text(n, f, one_line=True), required=True, example="workforce"),
        "reason": v.Spec(lambda n, f: v.check_text(n, f, one_line=True), required=True, example="why, in one line"),
    }
    unmapped = {
        "element": v.Spec(v.check_element_ref(framework), required=True, example="4B"),
        "reason": v.Spec(lambda n, f: v.check_text(n, f, one_line=True), required=True, example="why, in one line"),
    }

    def source(node: yaml.Node, field: str) -> Iterator[v.Issue]:
        yield from v.read_mapping(v.SOURCE_SPECS, node, field)[0]
        if isinstance(node, yaml.MappingNode) and "publisher" not in mapping(node):
            yield line(node), f"{field}.publisher", "is missing; say who published what you read"

    return {
        "name": v.Spec(v.check_text, required=True, example="Trust quality descriptions"),
        "document": v.Spec(v.check_text, required=True, example="Commissioning high-quality trusts, Annex A"),
        "publisher": v.Spec(v.check_text, required=True, example="Department for Education"),
        "date": v.Spec(v.check_source_date, required=True, example="2023-07-06"),
        "url": v.Spec(v.check_url, required=True, example="https://www.gov.uk/..."),
        "facet": v.Spec(lambda n, f: v.check_text(n, f, 40, one_line=True), required=True, example="DfE pillar"),
        "read": v.Spec(v.check_text, required=True, example="what you could read of the document, and what not"),
        "reviewed": v.Spec(v.check_date, required=True, example="2026-12-06"),
        "status": v.Spec(v.check_text),
        "sources": v.Spec(v.check_list(source)),
        "headings": v.Spec(v.check_list(v.check_mapping(heading), min_items=1), required=True),
        "links": v.Spec(v.check_list(v.check_mapping(link), min_items=1), required=True),
        "unmapped": v.Spec(v.check_list(v.check_mapping(unmapped))),
    }


def _items(node: yaml.Node | None) -> list[tuple[yaml.MappingNode, dict[str, yaml.Node]]]:
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [(item, mapping(item)) for item in node.value if isinstance(item, yaml.MappingNode)]


def _words(m: dict[str, yaml.Node], *keys: str) -> tuple[str, ...] | None:
    """The values of ``keys`` when each is a single value; None when one is missing or a list (reported elsewhere)."""
    nodes = [m.get(key) for key in keys]
    if not all(isinstance(n, yaml.ScalarNode) for n in nodes):
        return None
    return tuple(str(n.value) for n in nodes if n is not None)


def _text(node: yaml.Node) -> str:
    return one_line(str(node.value))


def _cross_checks(doc: Document, framework: Framework) -> tuple[list[Problem], list[Problem]]:
    """Problems between fields (ids that must exist, elements left out) and warnings (headings with nothing linked)."""
    from atlas.validate import did_you_mean

    fields = mapping(doc.data)
    problems: list[Problem] = []
    warnings: list[Problem] = []

    def problem(node: yaml.Node, field: str, message: str) -> None:
        problems.append(Problem(doc.path, line(node), field, message))

    headings: dict[str, yaml.Node] = {}
    declared: dict[str, yaml.Node] = {}
    for i, (_, m) in enumerate(_items(fields.get("headings")), start=1):
        if "gap" in m and _words(m, "id") is not None:
            declared[str(m["id"].value)] = m["gap"]
        if _words(m, "id") is None:
            continue
        ident = str(m["id"].value)
        if ident in headings:
            first = line(headings[ident])
            problem(m["id"], f"headings[{i}].id", f"{ident!r} is used twice (line {first}); give each its own id")
        else:
            headings[ident] = m["id"]
    linked: dict[str, yaml.Node] = {}
    pairs: set[tuple[str, str]] = set()
    for i, (item, m) in enumerate(_items(fields.get("links")), start=1):
        if _words(m, "to") is not None and headings and str(m["to"].value) not in headings:
            wrong = str(m["to"].value)
            problem(
                m["to"],
                f"links[{i}].to",
                f"{wrong!r} is not a heading of this file{did_you_mean(wrong, headings)}; "
                f"the headings are {', '.join(headings)}",
            )
        if _words(m, "from") is not None:
            # An element with a link counts as linked even where the link has another problem.
            linked.setdefault(str(m["from"].value).partition(".")[0], m["from"])
        words = _words(m, "from", "to")
        if words is not None:
            pair = (words[0], words[1])
            if pair in pairs:
                problem(item, f"links[{i}]", f"links {pair[0]} to {pair[1]!r} twice; keep one, with one reason")
            pairs.add(pair)
    left_out: set[str] = set()
    for i, (_, m) in enumerate(_items(fields.get("unmapped")), start=1):
        if _words(m, "element") is None:
            continue
        ident = str(m["element"].value)
        if "." in ident:
            problem(
                m["element"], f"unmapped[{i}].element", f"must be an element such as 4B, not the question {ident!r}"
            )
        elif ident in linked:
            problem(
                m["element"],
                f"unmapped[{i}].element",
                f"{ident} is listed as unmapped but linked on line {line(linked[ident])}; keep one or the other",
            )
        left_out.add(ident)
    missing = [e.id for e in framework.elements if e.id not in linked and e.id not in left_out]
    if missing:
        problem(
            fields.get("links", doc.data),
            "links",
            f"{'elements' if len(missing) > 1 else 'element'} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} neither linked to a heading nor listed under 'unmapped'; "
            "link each with its reason, or list it under 'unmapped' with the reason it fits no heading",
        )
    targets = {to for _, to in pairs}
    for ident, node in headings.items():
        if ident in targets and ident in declared:
            problem(
                declared[ident],
                "headings.gap",
                f"{ident!r} has links, so it is not a gap; remove its 'gap' line or its links",
            )
        elif ident not in targets and ident not in declared:
            warnings.append(
                Problem(
                    doc.path,
                    line(node),
                    "headings",
                    f"nothing in the framework is linked to {ident!r}, so its page shows it as a gap; "
                    "add a link to it, or a 'gap' line saying why nothing in the framework fits it",
                )
            )
    return problems, warnings


def _build(doc: Document) -> Crosswalk:
    f = mapping(doc.data)

    def sources() -> tuple[Source, ...]:
        out = []
        for _, m in _items(f.get("sources")):
            values: dict[str, Any] = {k: _text(v) for k, v in m.items()}
            # A crosswalk names its sources' publishers in words; they are not in framework/publishers.yaml.
            name = values.pop("publisher", None) or values.get("author") or ""
            out.append(Source(publisher=Publisher("", name, schema.OTHER_PUBLISHER), **values))
        return tuple(out)

    return Crosswalk(
        id=doc.stem,
        path=doc.path,
        name=_text(f["name"]),
        document=_text(f["document"]),
        publisher=_text(f["publisher"]),
        date=str(f["date"].value),
        url=str(f["url"].value).strip(),
        facet=_text(f["facet"]),
        read=_text(f["read"]),
        reviewed=dt.date.fromisoformat(str(f["reviewed"].value)),
        headings=tuple(
            Target(
                doc.stem,
                str(m["id"].value),
                _text(m["name"]),
                _text(m["description"]),
                _text(m["gap"]) if "gap" in m else None,
            )
            for _, m in _items(f["headings"])
        ),
        links=tuple(Link(str(m["from"].value), str(m["to"].value), _text(m["reason"])) for _, m in _items(f["links"])),
        unmapped=tuple(Unmapped(str(m["element"].value), _text(m["reason"])) for _, m in _items(f.get("unmapped"))),
        status=_text(f["status"]) if "status" in f else None,
        sources=sources(),
    )


def load_crosswalks(
    folder: Path, root: Path, framework: Framework
) -> tuple[tuple[Crosswalk, ...], list[Problem], list[Problem]]:
    """Read and check every crosswalk in ``folder``: the crosswalks, the problems and the warnings.

    No folder means no crosswalks. Anything in it that is not a crosswalk file is a problem, so
    nothing is skipped silently.
    """
    from atlas.validate import ID_RE, check_mapping

    if not folder.is_dir():
        return (), [], []
    specs = _specs(framework)
    found: list[Crosswalk] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for path in sorted(folder.iterdir()):
        rel = relative(path, root)
        if path.suffix != SUFFIX or not path.is_file() or path.is_symlink():
            problems.append(
                Problem(rel, 1, "file", f"is not a crosswalk: framework/crosswalks/ holds only <id>{SUFFIX} files")
            )
            continue
        if not ID_RE.fullmatch(path.stem):
            problems.append(
                Problem(
                    rel,
                    1,
                    "file",
                    f"the name {path.stem!r} is the crosswalk's address: use lowercase letters, "
                    "digits and single hyphens, such as dfe-tqd-2023",
                )
            )
            continue
        doc, read_problems = read_yaml_file(path, rel)
        if doc is None:
            problems += read_problems
            continue
        issues = list(check_mapping(specs)(doc.data, ""))
        # The checks between fields run however the fields fared, so one run reports everything.
        between, advice = _cross_checks(doc, framework)
        own = sorted(set(read_problems + between + [Problem(rel, at, field, message) for at, field, message in issues]))
        problems += own
        if own:
            continue
        warnings += advice
        found.append(_build(doc))
    return tuple(found), problems, warnings
