"""The atlas's data model: frozen dataclasses that every other module passes around."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar, cast, overload
from urllib.parse import urlsplit

from atlas import pages, schema

if TYPE_CHECKING:
    from atlas.crosswalk import Crosswalk

T = TypeVar("T")

# The allowed values are declared in the contract; these are their ids, for modules that need only those.
KINDS = schema.KINDS.ids
POSITIONS = schema.POSITION_IDS
APPROACHES = schema.APPROACH_IDS
EVIDENCE = schema.EVIDENCE.ids
PHASES = schema.PHASES.ids
REGIONS = schema.REGIONS.ids
STAGES = schema.STAGES.ids
PUBLISHER_NAME = "MAT Practice Atlas"
# The licence of the atlas's own text and data, named wherever people meet them: every page's
# footer, each citation, the feed and the open data. The code's licence is in LICENSE.
LICENCE = "CC BY 4.0"
LICENCE_NAME = "Creative Commons Attribution 4.0 International"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def one_line(text: str) -> str:
    """Text with every run of whitespace, line breaks included, turned into one space."""
    return " ".join(text.split())


class BodyHeading(NamedTuple):
    """A heading of a rendered body: its level, its id and its text (HTML-escaped, without markup)."""

    level: int
    id: str
    name: str


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, located by line (1-based) and named by field."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {field_words(self.field)}: {self.message}"


_ITEM = re.compile(r"\[([0-9]+)\](\.?)")


def field_words(field: str) -> str:
    """A field as a contributor reads it: 'sources, item 2, title' for the programmer's 'sources[2].title'."""
    return _ITEM.sub(lambda m: f", item {m[1]}" + (", " if m[2] else ""), field)


@dataclass(frozen=True)
class Label:
    """A named value with a definition: a spectrum position, an approach, a kind or a rating."""

    id: str
    name: str
    definition: str


@dataclass(frozen=True)
class Question:
    """A guiding question of an element, with what weak (red) and strong (green) look like."""

    element: str
    ref: str
    stage: str
    text: str
    red: str
    green: str

    @property
    def id(self) -> str:
        """The question's reference, such as ``1C.ii``."""
        return f"{self.element}.{self.ref}"

    @property
    def anchor(self) -> str:
        """The permanent anchor on its element page, such as ``1c-ii``."""
        return f"{self.element.lower()}-{self.ref}"

    @property
    def address(self) -> str:
        """The question's permanent address, such as ``/framework/1c/#1c-ii``."""
        return f"{pages.ELEMENT.address(self.element.lower())}#{self.anchor}"


@dataclass(frozen=True)
class Element:
    """One of the framework's 14 elements."""

    id: str
    heading: int
    name: str
    themes: tuple[str, ...]
    summary: str
    questions: tuple[Question, ...]

    @property
    def slug(self) -> str:
        """The element's address segment, such as ``1c``."""
        return self.id.lower()

    @property
    def address(self) -> str:
        """The element's permanent address, such as ``/framework/1c/``."""
        return pages.ELEMENT.address(self.slug)


@dataclass(frozen=True)
class Heading:
    """One of the framework's six headings and the elements under it."""

    number: int
    name: str
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Publisher:
    """Who publishes sources: one name, one kind, and the web domains its own copies live on."""

    id: str
    name: str
    kind: str
    domains: tuple[str, ...] = ()
    formerly: tuple[str, ...] = ()
    """Names it had before its one name, such as a trust's name before a rename."""

    def named(self, name: str) -> bool:
        """Whether ``name`` is this publisher's name, or one it had before (ignoring case and spacing)."""
        wanted = one_line(name).casefold()
        return any(one_line(n).casefold() == wanted for n in (self.name, *self.formerly))

    def owns(self, url: str) -> bool:
        """Whether a web address is on one of this publisher's sites (a subdomain counts)."""
        return any(on_site(url, site) for site in self.domains)


def on_domain(host: str, domain: str) -> bool:
    """Whether ``host`` is ``domain`` or one of its subdomains."""
    host = host.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def on_site(url: str, site: str) -> bool:
    """Whether ``url`` is on ``site``: a domain, or a domain and the start of a path on a shared host."""
    domain, _, path = site.partition("/")
    parts = urlsplit(url)
    if not on_domain(parts.hostname or "", domain):
        return False
    return not path or (parts.path.strip("/") + "/").startswith(path.strip("/") + "/")


@dataclass(frozen=True)
class Source:
    """A document a case draws on."""

    title: str
    publisher: Publisher
    author: str | None = None
    date: str | None = None
    """YYYY, YYYY-MM-DD, or ``undated``."""
    url: str | None = None
    voice: Publisher | None = None
    """Whose own words the text is, when someone else published them."""
    via: str | None = None
    """The site a copy is on, when ``url`` is not on the publisher's own domains."""
    offline: str | None = None
    """Where to find a source that is not on the web."""

    def carriers(self, evidence: str) -> tuple[Publisher, ...]:
        """Whose kind can carry an evidence label for this source: its publisher, and for an own account its voice."""
        voice = (self.voice,) if self.voice is not None and schema.speaks(evidence) else ()
        return (self.publisher, *voice)


@dataclass(frozen=True)
class Framework:
    """The MAT Assurance Framework plus the spectrum and approaches that cases are placed on."""

    name: str
    about: str
    credit: str
    headings: tuple[Heading, ...]
    scale: tuple[Label, ...]
    positions: tuple[Label, ...]
    approaches: tuple[Label, ...]
    spectrum_credit: str
    publishers: tuple[Publisher, ...] = ()
    """Every publisher sources may name, from ``framework/publishers.yaml``, in id order."""

    @cached_property
    def elements(self) -> tuple[Element, ...]:
        """Every element in framework order."""
        return tuple(e for h in self.headings for e in h.elements)

    @cached_property
    def _by_id(self) -> dict[str, Element]:
        return {e.id: e for e in self.elements}

    def element(self, element_id: str) -> Element:
        """The element with this id, such as ``1C``."""
        return self._by_id[element_id]

    @cached_property
    def publisher_ids(self) -> dict[str, Publisher]:
        """Each publisher by its id."""
        return {p.id: p for p in self.publishers}


@dataclass(frozen=True)
class Trust:
    """Facts about the trust a practice case describes."""

    name: str | None = None
    schools: int | None = None
    phases: tuple[str, ...] = ()
    region: str | None = None


@dataclass(frozen=True)
class Withdrawal:
    """Why a case was withdrawn, and which case replaces it, if any."""

    reason: str
    superseded_by: str | None = None


class _Value(Generic[T]):
    """A case's front-matter field, read from the values the contract built: a typed name for code that uses it."""

    key: str

    def __set_name__(self, owner: type, name: str) -> None:
        self.key = name

    @overload
    def __get__(self, case: None, owner: type) -> _Value[T]: ...

    @overload
    def __get__(self, case: Case, owner: type) -> T: ...

    def __get__(self, case: Case | None, owner: type) -> _Value[T] | T:
        if case is None:
            return self
        return cast(T, case.value(self.key))


# Where each field's value sits in a case's ``fields``: the contract's order, read when this module loads.
_KEYS = tuple(f.key for f in schema.CASE_FIELDS)
_AT = {key: i for i, key in enumerate(_KEYS)}


@dataclass(frozen=True, slots=True)
class Case:
    """One validated case study: every front-matter field's value as the contract built it, and what follows from them.

    ``fields`` holds the value of each field of ``schema.CASE_FIELDS``, in its order, a field the file
    leaves out as the contract's empty value; a field added to the contract is here with no change to
    this class. A tuple and slots, not a dict each: ten thousand cases are held at once in a build.
    The names below are typed views of the fields the code uses by name.
    """

    path: str
    fields: tuple[object, ...] = field(hash=False)
    elements: tuple[str, ...]
    """The framework elements tagged, directly or through a question, in framework order."""
    questions: tuple[str, ...]
    """The questions tagged, such as ``1C.ii``."""
    body: str
    body_html: str = ""
    """The body as checked, rendered with the site's Markdown and its links made relative to the page."""
    headings: tuple[BodyHeading, ...] = ()
    """The body's headings as the Markdown that made ``body_html`` read them, in order."""

    id = _Value[str]()
    title = _Value[str]()
    summary = _Value[str]()
    kind = _Value[str]()
    evidence = _Value[str]()
    sources = _Value[tuple[Source, ...]]()
    published = _Value[dt.date]()
    spectrum = _Value[str | None]()
    approach = _Value[str | None]()
    trust = _Value[Trust | None]()
    reviewed = _Value[dt.date | None]()
    contributor = _Value[str | None]()
    years = _Value[str | None]()
    """The year or years the facts held, such as "2017-2020"."""
    tags = _Value[tuple[str, ...]]()
    aliases = _Value[tuple[str, ...]]()
    """Earlier ids, the first one the case's original id."""
    withdrawn = _Value[Withdrawal | None]()

    @property
    def address(self) -> str:
        """The case's permanent address within the site."""
        return pages.CASE.address(self.id)

    @property
    def values(self) -> dict[str, object]:
        """Each front-matter field's value by its key, in the contract's order."""
        return dict(zip(_KEYS, self.fields, strict=True))

    def value(self, key: str) -> object:
        """The value of the front-matter field ``key``, as the contract built it."""
        return self.fields[_AT[key]]

    @staticmethod
    def of(values: Mapping[str, object]) -> tuple[object, ...]:
        """The ``fields`` of a case whose field values are ``values`` (a missing one as the contract's empty value)."""
        return tuple(values.get(f.key, f.empty) for f in schema.CASE_FIELDS)

    def with_values(self, **changes: object) -> Case:
        """This case with some fields' values changed (not ``elements``, from which two attributes are worked out)."""
        if "elements" in changes:
            raise ValueError("elements and questions are worked out from the elements field: check the case again")
        return replace(self, fields=Case.of({**self.values, **changes}))


@dataclass(frozen=True)
class Atlas:
    """The framework and every valid case, as loaded for one build (withdrawn cases included)."""

    framework: Framework
    cases: tuple[Case, ...] = field(default=())
    crosswalks: tuple[Crosswalk, ...] = field(default=())
    """The framework beside other frameworks (framework/crosswalks/), in id order."""

    @cached_property
    def live(self) -> tuple[Case, ...]:
        """The cases that have not been withdrawn: the only ones listed, counted and exported."""
        return tuple(c for c in self.cases if c.withdrawn is None)
