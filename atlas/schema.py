"""The case contract, declared once: every front-matter field, every vocabulary, and the house style of a body.

Validation, the model, the open data, the generated pages, the contributing page, the template,
``make new`` and the explorer all read from here, so a field or a value is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Term:
    """One allowed value of a vocabulary."""

    id: str
    """The value as written in a case file, such as ``co-design``."""
    name: str
    """How pages show it, such as ``Co-design``."""
    definition: str = ""
    """A short plain definition, shown beside the name."""


@dataclass(frozen=True)
class Vocabulary:
    """A closed list of values a field may take."""

    key: str
    """The field it belongs to, such as ``evidence``."""
    terms: tuple[Term, ...]
    """The allowed values, in the order pages list them."""

    @property
    def ids(self) -> tuple[str, ...]:
        """The allowed values as written in a case file."""
        return tuple(t.id for t in self.terms)

    def name(self, term_id: str) -> str:
        """The display name of one value."""
        return next(t.name for t in self.terms if t.id == term_id)

    def term(self, term_id: str) -> Term:
        """One value with its name and definition."""
        return next(t for t in self.terms if t.id == term_id)


KINDS = Vocabulary(
    "kind",
    (
        Term("practice", "Practice", "what a trust does"),
        Term("finding", "Finding", "a research or review result"),
        Term("network", "Network", "a model of trusts working together"),
    ),
)
EVIDENCE = Vocabulary(
    "evidence",
    (
        Term("own-account", "Own account", "the trust or network describes its own work"),
        Term(
            "reported",
            "Reported account",
            "a consultancy, journalist or commentator describes a trust's or network's work",
        ),
        Term("survey", "Survey", "a survey of trusts, leaders or staff"),
        Term("peer-review", "Peer review", "seen or confirmed by reviewers from outside the trust"),
        Term("inspection", "Inspection", "an inspectorate's report"),
        Term("research", "Research", "an independent study: interviews, case studies or analysis of data"),
        Term("evaluation", "Impact evaluation", "an evaluation with a comparison group"),
    ),
)
PHASES = Vocabulary(
    "phases",
    (
        Term("primary", "Primary"),
        Term("secondary", "Secondary"),
        Term("all-through", "All-through"),
        Term("special", "Special"),
        Term("alternative-provision", "Alternative provision"),
        Term("post-16", "Post-16"),
    ),
)
REGIONS = Vocabulary(
    "region",
    (
        Term("north-east", "North East"),
        Term("north-west", "North West"),
        Term("yorkshire-and-the-humber", "Yorkshire and the Humber"),
        Term("east-midlands", "East Midlands"),
        Term("west-midlands", "West Midlands"),
        Term("east-of-england", "East of England"),
        Term("london", "London"),
        Term("south-east", "South East"),
        Term("south-west", "South West"),
    ),
)
# A practice is placed on the spectrum; findings and networks may span it.
PLACED_KIND = KINDS.ids[0]
# Names and definitions of these two live with their source's credit in framework/spectrum.yaml;
# the ids are the contract, and loading checks that file defines exactly these.
POSITION_IDS = ("standardisation", "alignment", "autonomy")
APPROACH_IDS = ("roll-out", "co-design", "organic")
STAGES = Vocabulary("stage", (Term("start", "Questions to start with"), Term("additional", "Further questions")))
PUBLISHER_KINDS = Vocabulary(
    "kind",
    (
        Term("trust", "Trust", "a multi-academy trust, federation or diocesan trust, or one of its schools"),
        Term("network", "Network", "a network or partnership of trusts or schools"),
        Term("government", "Government", "a government department or agency, such as the DfE"),
        Term("inspectorate", "Inspectorate", "an inspectorate, such as Ofsted"),
        Term("parliament", "Parliament", "Parliament or one of its committees"),
        Term("research", "Research", "a university, research body, think tank or academic journal"),
        Term("press", "Press", "a newspaper, magazine or news site"),
        Term(
            "membership-body",
            "Membership body",
            "a body that trusts, schools or governors join, such as the Confederation of School Trusts",
        ),
        Term("consultancy", "Consultancy", "a firm or adviser selling services to schools and trusts"),
        Term("other", "Other", "any other publisher, such as a charity, a jobs board or a training provider"),
    ),
)
VOCABULARIES: tuple[Vocabulary, ...] = (KINDS, EVIDENCE, PHASES, REGIONS, STAGES, PUBLISHER_KINDS)

# The evidence label follows from who published the sources: a case with a label needs at least one
# source from a publisher of one of these kinds. A label names how the case is known, so a trust's
# own page is its own account, and a consultancy's or a paper's account of a trust is reported.
EVIDENCE_PUBLISHERS: dict[str, tuple[str, ...]] = {
    "own-account": ("trust", "network"),
    "reported": ("consultancy", "press", "membership-body", "research", "other"),
    "survey": ("research", "membership-body", "government", "consultancy"),
    "peer-review": ("network", "membership-body", "research"),
    "inspection": ("inspectorate",),
    "research": ("research", "government", "parliament", "inspectorate", "membership-body"),
    "evaluation": ("research", "government"),
}
# A network's own account may come from the membership body that runs it, and a finding's from the
# body that did the work; a practice is a trust's own work, told by the trust or its network.
OWN_ACCOUNT_PUBLISHERS: dict[str, tuple[str, ...]] = {
    "practice": ("trust", "network"),
    "network": ("network", "membership-body"),
    "finding": ("trust", "network", "membership-body"),
}
OWN_ACCOUNT = EVIDENCE.ids[0]
TRUST_PUBLISHER = PUBLISHER_KINDS.ids[0]
OTHER_PUBLISHER = PUBLISHER_KINDS.ids[-1]
assert set(EVIDENCE_PUBLISHERS) == set(EVIDENCE.ids), "every evidence label needs its publisher kinds"
assert set(OWN_ACCOUNT_PUBLISHERS) == set(KINDS.ids), "every kind of case needs its own-account publishers"


def speaks(evidence: str) -> bool:
    """Whether a source's ``voice`` (whose own words it is) can carry this label: only for an own account."""
    return evidence == OWN_ACCOUNT


def publisher_kinds(evidence: str, case_kind: str) -> tuple[str, ...]:
    """The publisher kinds, at least one of which a case with this label and kind must cite."""
    if evidence == OWN_ACCOUNT:
        return OWN_ACCOUNT_PUBLISHERS[case_kind]
    return EVIDENCE_PUBLISHERS[evidence]


# Notes that belong in a source's other fields, not in brackets in its title.
SOURCE_TITLE_NOTES = (
    "undated",
    "no date",
    "n.d.",
    "web page",
    "webpage",
    "pdf",
    "copy",
    "mirror",
    "archive",
    "accessed",
    "retrieved",
    "reprint",
    "cached",
)
UNDATED = "undated"


@dataclass(frozen=True)
class IdWord:
    """Letters an id may not contain, because they would name a tag the case's fields give instead."""

    letters: str
    """Compared with the id's letters and digits, hyphens taken out, such as ``codesign``."""
    names: str
    """What they name, for the message, such as ``the approach 'co-design'``."""
    first_only: bool = False
    """Only as the id's first word: such words may name what a case is about, not how it is labelled."""


# An id says who and what. The forms of each position and approach (British and American spelling,
# with or without the hyphen) come from the vocabularies; tags can change, addresses cannot.
_POSITION_FORMS = {"standardisation": ("standardis", "standardiz"), "alignment": ("align",), "autonomy": ("autonom",)}
_APPROACH_FORMS = {"roll-out": ("rollout",), "co-design": ("codesign",), "organic": ("organic",)}
assert tuple(_POSITION_FORMS) == POSITION_IDS and tuple(_APPROACH_FORMS) == APPROACH_IDS
# Own account and reported say only how a case is known; survey, peer review, inspection, research and
# evaluation may also be what a case is about (a network's peer review), so only a leading word is refused.
_LABEL_ANYWHERE = ("own-account", "reported")
ID_WORDS = (
    *(IdWord(form, f"the spectrum position {p!r}") for p, forms in _POSITION_FORMS.items() for form in forms),
    *(IdWord(form, f"the approach {a!r}") for a, forms in _APPROACH_FORMS.items() for form in forms),
    *(IdWord(e.replace("-", ""), f"the evidence label {e!r}") for e in _LABEL_ANYWHERE),
    IdWord("evidence", "the evidence field"),
    *(
        IdWord(e.replace("-", ""), f"the evidence label {e!r}", first_only=True)
        for e in EVIDENCE.ids
        if e not in _LABEL_ANYWHERE
    ),
)
ELEMENTS_MAX = 5
TITLE_MAX = 150
SUMMARY_MAX = 300
SCHOOLS_MAX = 999
# Ids a case cannot take: cases/index.md is the list of cases.
RESERVED_CASE_IDS = ("index",)
# The explorer's trust sizes: a band's name, and the fewest and most schools in it.
SIZE_BANDS = (("1", 1, 1), ("2-5", 2, 5), ("6-15", 6, 15), ("16-30", 16, 30), ("31+", 31, 10**6))
# A source's publisher as the open data gives it: its id in framework/publishers.yaml, its one name, its kind.
PUBLISHER_JSON: dict[str, object] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "kind"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "kind": {"enum": list(PUBLISHER_KINDS.ids)}},
}


# --- what a value is ------------------------------------------------------------------------
# Each field says what its value is. The validator turns that into its check (atlas/validate.py,
# ``rule``), the open data into its JSON type (``json_type``), and the case page, the explorer and
# ``make new`` into how they show and ask for it, so a field is declared here and nowhere else.

JSON = dict[str, object]
_STRING: JSON = {"type": "string"}


@dataclass(frozen=True)
class Text:
    """Text on one line or several, with something visible in it."""

    most: int | None = None
    """The most characters it may have."""
    one_line: bool = False


@dataclass(frozen=True)
class Choice:
    """One value from a closed list."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Date:
    """A calendar date, ``YYYY-MM-DD``."""


@dataclass(frozen=True)
class WholeNumber:
    """A whole number from 1 to ``highest``, counting ``what``."""

    what: str
    highest: int
    example: int


@dataclass(frozen=True)
class Special:
    """A value with a check of its own in the validator, named here, such as ``element`` for ``1C.ii``."""

    check: str
    json: JSON = field(default_factory=lambda: dict(_STRING), hash=False)
    """Its type in the open data."""
    made_up: bool = False
    """Whether the template's value is made up for the writer to replace, as a web address is; a tag is real."""


@dataclass(frozen=True)
class ListOf:
    """A list of values of one sort, each listed once."""

    item: Value
    least: int = 0
    most: int | None = None
    example: str = "[a, b]"


@dataclass(frozen=True)
class Group:
    """A group of ``key: value`` lines with keys of its own; ``model`` names what the validator builds from it."""

    fields: tuple[Field, ...]
    model: str = ""


Value = Text | Choice | Date | WholeNumber | Special | ListOf | Group
# Where a case page shows a field: ``fact`` as a line of its own in the facts box (its name, then its
# value as plain text, a choice by its name); ``own`` where the page's template puts it; ``none`` nowhere.
Display = Literal["fact", "own", "none"]


def json_type(value: Value, needed: bool = True) -> JSON:
    """The JSON Schema of a value as the open data gives it; an optional value may be null (a list is empty)."""
    out: JSON
    if isinstance(value, (Text, Date)):
        out = {"type": "string", "format": "date"} if isinstance(value, Date) else dict(_STRING)
    elif isinstance(value, Choice):
        return {"enum": [*value.ids] if needed else [*value.ids, None]}
    elif isinstance(value, WholeNumber):
        out = {"type": "integer", "minimum": 1}
    elif isinstance(value, Special):
        out = dict(value.json)
    elif isinstance(value, ListOf):
        out = {"type": "array"}
        if needed and value.least:
            out["minItems"] = value.least
        out["items"] = json_type(value.item)
        return out
    else:
        out = {
            "type": "object",
            "additionalProperties": False,
            "required": [f.key for f in value.fields],
            "properties": {f.key: json_type(f.value, f.needed) for f in value.fields},
        }
    if not needed:
        out["type"] = [out["type"], "null"]
    return out


@dataclass(frozen=True)
class Field:
    """One key of a case's front matter (or of a group within it), and everything said of it."""

    key: str
    """The key as written, such as ``evidence``."""
    label: str
    """How pages name it, such as ``Evidence``."""
    required: str
    """``yes``, ``no``, or when it is needed, such as ``for practice``."""
    description: str
    """What to write, for the contributing page (Markdown)."""
    example: str
    """A value as it would appear after ``key:``."""
    value: Value = field(default_factory=Text)
    """What the value is: the validator's check, the open data's type and the case page's display follow from it."""
    vocabulary: Vocabulary | None = None
    """For a closed list of values, the list with each value's name and definition."""
    open_data: str = ""
    """What the value means in the open data, one line."""
    display: Display = "fact"
    """Where a case page shows it."""
    filter: str = ""
    """For a field the explorer filters by, the words for any value, such as ``Any kind``."""
    template: str | None = ""
    """The value the case template gives, as written after ``key:`` ('' for the example; None to leave it out)."""
    ask: bool = True
    """Whether ``make new`` asks for it."""
    offered: bool = True
    """Whether the composer and the issue form offer it: not what changes a published case (renaming, withdrawing)."""
    exported: bool = True
    """Whether the open data gives it."""

    @property
    def needed(self) -> bool:
        """Whether every case must have it."""
        return self.required == "yes"

    @property
    def fields(self) -> tuple[Field, ...]:
        """For a group of ``key: value`` lines (or a list of them), its own keys."""
        value = self.value.item if isinstance(self.value, ListOf) else self.value
        return value.fields if isinstance(value, Group) else ()

    @property
    def made_up(self) -> bool:
        """Whether its value in the template is made up for the writer to replace, not a real value they may keep."""
        return isinstance(self.value, Text) or (isinstance(self.value, Special) and self.value.made_up)

    @property
    def empty(self) -> object:
        """The model's value when a case leaves the field out: an empty list, or None."""
        return () if isinstance(self.value, ListOf) else None


def _listing(vocabulary: Vocabulary) -> str:
    return ", ".join(f"`{t}`" for t in vocabulary.ids)


def _kind_field(vocabulary: Vocabulary, example: str, display: Display = "fact", filter: str = "") -> Field:
    """A required ``kind`` chosen from ``vocabulary``, each value described by its definition."""
    described = " ".join(f"`{t.id}` ({t.definition})." for t in vocabulary.terms)
    return Field(
        "kind", "Kind", "yes", described, example, Choice(vocabulary.ids), vocabulary, display=display, filter=filter
    )


TRUST_FIELDS = (
    Field("name", "Name", "no", "The trust's name.", "Example Academy Trust", open_data="The trust's name."),
    Field(
        "schools",
        "Schools",
        "no",
        "How many schools it had when the source was written, as a whole number.",
        "12",
        WholeNumber("schools", SCHOOLS_MAX, 12),
        open_data="Number of schools, as the source gives it.",
    ),
    Field(
        "phases",
        "Phases",
        "no",
        f"A list of one or more of {_listing(PHASES)}.",
        "[primary, secondary]",
        ListOf(Choice(PHASES.ids), least=1, example="[primary, secondary]"),
        PHASES,
        open_data="Phases of education.",
    ),
    Field("region", "Region", "no", f"One of {_listing(REGIONS)}.", "south-west", Choice(REGIONS.ids), REGIONS),
)
SOURCE_FIELDS = (
    Field(
        "title",
        "Title",
        "yes",
        "The document's own title, with no notes of yours in brackets: a date goes in `date`, a copy's site in `via`.",
        '"Title of the report"',
        Special("source-title", made_up=True),
        template='"Title of the article, report or talk"',
    ),
    Field("author", "Author", "no", "Who wrote it, where the source names a person.", "Name of the author"),
    Field(
        "publisher",
        "Publisher",
        "yes",
        "Who published it: the publisher's id from [the list of publishers](#publishers) "
        "(`framework/publishers.yaml`), such as `nfer`. Add a publisher there if it is not listed.",
        "nfer",
        Special("publisher", PUBLISHER_JSON, made_up=True),
        template="example-academy-trust",
    ),
    Field(
        "voice",
        "In the words of",
        "no",
        "When the text is a trust's or network's own words published by someone else, such as its chief "
        "executive's article in a newspaper or its written evidence to Parliament: that trust's or network's "
        "publisher id. The source then counts as the trust's or network's own account.",
        "harris-federation",
        Special("publisher", PUBLISHER_JSON),
        template=None,
    ),
    Field(
        "date",
        "Date",
        "yes",
        "`YYYY-MM-DD`, or `YYYY` when only the year is known, or `undated` when the source gives no date.",
        "2026-01-31",
        Special("source-date"),
    ),
    Field(
        "url",
        "Address",
        "for online sources",
        "The web address, starting with `https://` or `http://`, on one of the publisher's domains; "
        "cite the original, not a copy, wherever the original is public.",
        "https://www.example.org/",
        Special("url", made_up=True),
        template="https://www.example.org/the-source",
    ),
    Field(
        "via",
        "Copy on",
        "for copies",
        "When the address is a copy on another site because the original is not public: that site's domain, "
        "such as `docslib.org`. The page shows 'copy on docslib.org'.",
        "docslib.org",
        Special("domain"),
        template=None,
    ),
    Field(
        "offline",
        "Offline",
        "for offline sources",
        "For a source with no web address: where a reader can find it, such as "
        '"Slides shown at a Challenge Partners conference; not published online".',
        '"Print book"',
        Text(TITLE_MAX, one_line=True),
        template=None,
    ),
)
PUBLISHER_FIELDS = (
    Field(
        "id",
        "Id",
        "yes",
        "A short permanent id, lowercase letters, digits and hyphens, such as `nfer`.",
        "nfer",
        Special("id"),
    ),
    Field(
        "name",
        "Name",
        "yes",
        "The publisher's one name, as it calls itself.",
        "National Foundation for Educational Research",
        Special("publisher-name"),
    ),
    _kind_field(PUBLISHER_KINDS, "research"),
    Field(
        "formerly",
        "Former names",
        "no",
        "Names it was known by before, such as a trust's name before it was renamed, so that a case written "
        "when the source was can give the name the source gives.",
        "[An Earlier Name Trust]",
        ListOf(Special("publisher-name"), example="[An Earlier Name Trust]"),
    ),
    Field(
        "domains",
        "Web domains",
        "yes",
        "The domains it publishes on, such as `[nfer.ac.uk]`; an address on a subdomain (`www.nfer.ac.uk`) counts. "
        "For a site on a shared host, the domain and the start of the path, such as "
        "`sites.google.com/sussexlearningtrust.co.uk`. `[]` for a publisher with no website.",
        "[nfer.ac.uk]",
        ListOf(Special("site"), example="[nfer.ac.uk]"),
    ),
)
WITHDRAWN_FIELDS = (
    Field("reason", "Reason", "yes", "Why the case was taken down.", '"Merged into a fuller case."'),
    Field("superseded_by", "Replaced by", "no", "The id of the case that replaces it.", "a-fuller-case", Special("id")),
)

CASE_FIELDS: tuple[Field, ...] = (
    Field(
        "id",
        "Id",
        "yes",
        "The case's permanent address: lowercase letters, digits and single hyphens, 3 to 80 characters, such as "
        "`bdat-send-adaptive-teaching`: who and what, never a spectrum position, approach or evidence label, "
        "since tags can change and addresses cannot. The file must be called `cases/<id>.md`, and the page will "
        "be `/cases/<id>/`. Reviewers cite these addresses in reports, so never change an id once published.",
        "my-trust-curriculum-model",
        Special("id", made_up=True),
        open_data="The case's permanent id; its page is /cases/<id>/.",
        display="own",
        template="your-case-id",
    ),
    Field(
        "title",
        "Title",
        "yes",
        "A short, plain title, at most 150 characters.",
        '"What the trust does"',
        Text(TITLE_MAX, one_line=True),
        open_data="The case's title, as plain text.",
        display="own",
        template='"A short title that says what the trust does or what was found"',
    ),
    Field(
        "summary",
        "Summary",
        "yes",
        "One or two sentences, at most 300 characters. It appears in every listing and in search results.",
        '"One or two sentences."',
        Text(SUMMARY_MAX),
        open_data="One or two sentences, at most 300 characters.",
        display="own",
        template=">-\n  One or two plain sentences, at most 300 characters, that tell a busy leader what this case\n"
        "  is about. Do not repeat the title.",
    ),
    _kind_field(KINDS, "practice", display="own", filter="Any kind"),
    Field(
        "elements",
        "Framework",
        "yes",
        "One to five framework elements, such as `1C`, or questions, such as `1C.ii`. A question also tags its "
        "element. Tag to the question where the source supports it, and tag only what the source supports.",
        "[1C.ii, 3A]",
        ListOf(Special("element"), least=1, most=ELEMENTS_MAX, example="[1C, 3A.ii]"),
        open_data="Framework elements the case is tagged to, such as 1C.",
        display="own",
        template="[1C.ii, 4A]",
    ),
    Field(
        "spectrum",
        "Spectrum",
        "for practice",
        f"{', '.join(f'`{p}`' for p in POSITION_IDS)}. Required when `kind` is `practice`; leave it out for a "
        "finding or network that spans the spectrum, or where the source does not say.",
        "alignment",
        Choice(POSITION_IDS),
        open_data=f"{', '.join(POSITION_IDS)}, or null when not placed.",
        display="own",
        filter="Any position",
    ),
    Field(
        "approach",
        "Approach",
        "no",
        f"{', '.join(f'`{a}`' for a in APPROACH_IDS)}: how the shared practice came about. Leave it out where "
        "the source does not say.",
        "co-design",
        Choice(APPROACH_IDS),
        open_data=f"{', '.join(APPROACH_IDS)}, or null.",
        display="own",
        filter="Any approach",
    ),
    Field(
        "evidence",
        "Evidence",
        "yes",
        "The strongest kind of evidence the case rests on; it follows from who published the sources. See "
        "[evidence labels](#evidence).",
        "own-account",
        Choice(EVIDENCE.ids),
        EVIDENCE,
        open_data="The strongest kind of evidence the case rests on.",
        display="own",
        filter="Any evidence",
    ),
    Field(
        "trust",
        "Trust",
        "no",
        "For a case about one trust, what the source states of: "
        + "; ".join(f"`{f.key}`: {f.description}" for f in TRUST_FIELDS),
        "",
        Group(TRUST_FIELDS, "trust"),
        open_data="The trust described: name, number of schools, phases and region; null for other cases.",
        display="own",
    ),
    Field(
        "sources",
        "Sources",
        "yes",
        "At least one. Each has a `title`, a `publisher` id, a `date` (or `undated`), and a `url` on the "
        "publisher's domains (or `via`, where the address is a copy), or `offline` for a source not on the web. "
        "See [sources and publishers](#publishers).",
        "",
        ListOf(Group(SOURCE_FIELDS, "source"), least=1, example="[{title: ..., publisher: ...}]"),
        display="own",
        open_data="Each source's title, author, publisher (id, name and kind), the trust or network whose own words "
        "it is (voice, or null), date (YYYY, YYYY-MM-DD or undated), web address, the site a copy is on, and where "
        "to find a source that is not online. The CSV gives each in a column of its own, one entry a source.",
    ),
    Field(
        "years",
        "Years",
        "no",
        "The year or years the facts held, as the source dates them: `2019`, or a range, `2017-2020`.",
        '"2017-2020"',
        Special("years"),
        open_data="The year or years the case's facts held, such as 2019 or 2017-2020, or null.",
        template='"2025-2026"',
    ),
    Field(
        "published",
        "Published",
        "yes",
        "The date the case is added to the atlas, `YYYY-MM-DD`.",
        "2026-01-31",
        Date(),
        open_data="The date the case was added, YYYY-MM-DD.",
        display="own",
    ),
    Field(
        "reviewed",
        "Last reviewed",
        "no",
        "The date someone last checked the case is still accurate, `YYYY-MM-DD`.",
        "2026-06-30",
        Date(),
        open_data="The date the case was last checked, or null.",
        display="own",
        template=None,
        ask=False,
    ),
    Field(
        "contributor",
        "Contributed by",
        "no",
        "Your name or your network's name.",
        "A network organiser",
        open_data="Who contributed the case, or null.",
        display="own",
        template="Your name or your network's name",
    ),
    Field(
        "tags",
        "Tags",
        "no",
        "A list of extra keywords, such as `[send, curriculum]`.",
        "[curriculum]",
        ListOf(Special("tag"), example="[curriculum, send]"),
        open_data="Free keywords.",
        display="own",
        ask=False,
    ),
    Field(
        "aliases",
        "Earlier ids",
        "no",
        "Earlier ids of this case, such as `[an-old-id]`. Their addresses keep working and redirect here. See "
        "[renaming and withdrawing](#renaming).",
        "[an-earlier-id]",
        ListOf(Special("id"), example="[an-earlier-id]"),
        open_data="Earlier ids; their addresses redirect to this case.",
        display="none",
        template=None,
        ask=False,
        offered=False,
    ),
    Field(
        "withdrawn",
        "Withdrawn",
        "no",
        "Only to take a case down: `reason` (required) and `superseded_by` (the id of the case that replaces it). "
        "See [renaming and withdrawing](#renaming).",
        "",
        Group(WITHDRAWN_FIELDS, "withdrawal"),
        display="none",
        template=None,
        ask=False,
        offered=False,
        exported=False,
    ),
)
FIELDS = {f.key: f for f in CASE_FIELDS}


@dataclass(frozen=True)
class HouseStyle:
    """What every published case body has: its sections in order and enough substance."""

    first: str = "Context"
    second: dict[str, str] = field(
        default_factory=lambda: {
            "practice": "What they do",
            "finding": "What was found",
            "network": "How the network works",
        }
    )
    rest: tuple[str, ...] = ("Where it sits on the spectrum and why", "Evidence and impact", "Questions for your trust")
    min_words: int = 250

    def sections(self, kind: str) -> tuple[str, ...]:
        """The level-2 headings a body of this kind has, in order."""
        return (self.first, self.second[kind], *self.rest)


HOUSE_STYLE = HouseStyle()
