"""The case contract, declared once: every front-matter field, every vocabulary, and the house style of a body.

Validation, the model, the open data, the generated pages, the contributing page, the template,
``make new`` and the explorer all read from here, so a field or a value is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
VOCABULARIES = (KINDS, EVIDENCE, PHASES, REGIONS, STAGES)


@dataclass(frozen=True)
class Field:
    """One key of a case's front matter."""

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
    fields: tuple[Field, ...] = ()
    """For a group of ``key: value`` lines (or a list of them), its own keys."""
    vocabulary: Vocabulary | None = None
    """For a closed list of values, the list."""
    open_data: str = ""
    """What the value means in the open data, one line."""
    fact: bool = False
    """Shown as a line of its own in the facts box of a case page, as plain text."""

    @property
    def needed(self) -> bool:
        """Whether every case must have it."""
        return self.required == "yes"


def _listing(vocabulary: Vocabulary) -> str:
    return ", ".join(f"`{t}`" for t in vocabulary.ids)


TRUST_FIELDS = (
    Field("name", "Name", "no", "The trust's name.", "Example Academy Trust", open_data="The trust's name."),
    Field(
        "schools",
        "Schools",
        "no",
        "How many schools it had when the source was written, as a whole number.",
        "12",
        open_data="Number of schools, as the source gives it.",
    ),
    Field(
        "phases",
        "Phases",
        "no",
        f"A list of one or more of {_listing(PHASES)}.",
        "[primary, secondary]",
        vocabulary=PHASES,
        open_data="Phases of education.",
    ),
    Field("region", "Region", "no", f"One of {_listing(REGIONS)}.", "south-west", vocabulary=REGIONS),
)
SOURCE_FIELDS = (
    Field("title", "Title", "yes", "The title of the article, report or talk.", '"Title of the report"'),
    Field("author", "Author", "no", "Who wrote it.", "Name of the author"),
    Field("publisher", "Publisher", "no", "Who published it.", "Name of the publisher"),
    Field("date", "Date", "no", "`YYYY-MM-DD`, or `YYYY` when only the year is known.", "2026-01-31"),
    Field(
        "url", "Address", "no", "The web address, starting with `https://` or `http://`.", "https://www.example.org/"
    ),
)
WITHDRAWN_FIELDS = (
    Field("reason", "Reason", "yes", "Why the case was taken down.", '"Merged into a fuller case."'),
    Field("superseded_by", "Replaced by", "no", "The id of the case that replaces it.", "a-fuller-case"),
)

CASE_FIELDS = (
    Field(
        "id",
        "Id",
        "yes",
        "The case's permanent address: lowercase letters, digits and single hyphens, 3 to 80 characters, such as "
        "`bdat-send-adaptive-teaching`. The file must be called `cases/<id>.md`, and the page will be "
        "`/cases/<id>/`. Reviewers cite these addresses in reports, so never change an id once published.",
        "my-trust-curriculum-model",
        open_data="The case's permanent id; its page is /cases/<id>/.",
    ),
    Field(
        "title",
        "Title",
        "yes",
        "A short, plain title, at most 150 characters.",
        '"What the trust does"',
        open_data="The case's title, as plain text.",
    ),
    Field(
        "summary",
        "Summary",
        "yes",
        "One or two sentences, at most 300 characters. It appears in every listing and in search results.",
        '"One or two sentences."',
        open_data="One or two sentences, at most 300 characters.",
    ),
    Field(
        "kind",
        "Kind",
        "yes",
        " ".join(f"`{t.id}` ({t.definition})." for t in KINDS.terms),
        "practice",
        vocabulary=KINDS,
    ),
    Field(
        "elements",
        "Framework",
        "yes",
        "At least one framework element, such as `1C`, or question, such as `1C.ii`. A question also tags its "
        "element. Tag to the question where the fit is clear, and do not over-tag: two to five is usual.",
        "[1C.ii, 3A]",
        open_data="Framework elements the case is tagged to, such as 1C.",
    ),
    Field(
        "spectrum",
        "Spectrum",
        "for practice",
        f"{', '.join(f'`{p}`' for p in POSITION_IDS)}. Required when `kind` is `practice`; leave it out for a "
        "finding or network that spans the spectrum, or where the source does not say.",
        "alignment",
        open_data=f"{', '.join(POSITION_IDS)}, or null when not placed.",
    ),
    Field(
        "approach",
        "Approach",
        "no",
        f"{', '.join(f'`{a}`' for a in APPROACH_IDS)}: how the shared practice came about. Leave it out where "
        "the source does not say.",
        "co-design",
        open_data=f"{', '.join(APPROACH_IDS)}, or null.",
    ),
    Field(
        "evidence",
        "Evidence",
        "yes",
        "The strongest kind of evidence the case rests on. See [evidence labels](#evidence).",
        "own-account",
        vocabulary=EVIDENCE,
        open_data="The strongest kind of evidence the case rests on.",
    ),
    Field(
        "trust",
        "Trust",
        "no",
        "For a case about one trust, what the source states of: "
        + "; ".join(f"`{f.key}`: {f.description}" for f in TRUST_FIELDS),
        "",
        fields=TRUST_FIELDS,
        open_data="The trust described: name, number of schools, phases and region; null for other cases.",
    ),
    Field(
        "sources",
        "Sources",
        "yes",
        "At least one. Each has a `title`, an `author` or a `publisher` (or both), and if known a `date` "
        "(`YYYY-MM-DD`, or `YYYY`) and a `url` starting with `https://` or `http://`.",
        "",
        fields=SOURCE_FIELDS,
        open_data="Each source's title, author, publisher, date (YYYY or YYYY-MM-DD) and web address.",
    ),
    Field(
        "years",
        "Years",
        "no",
        "The year or years the facts held, as the source dates them: `2019`, or a range, `2017-2020`.",
        '"2017-2020"',
        open_data="The year or years the case's facts held, such as 2019 or 2017-2020, or null.",
        fact=True,
    ),
    Field(
        "published",
        "Published",
        "yes",
        "The date the case is added to the atlas, `YYYY-MM-DD`.",
        "2026-01-31",
        open_data="The date the case was added, YYYY-MM-DD.",
    ),
    Field(
        "reviewed",
        "Last reviewed",
        "no",
        "The date someone last checked the case is still accurate, `YYYY-MM-DD`.",
        "2026-06-30",
        open_data="The date the case was last checked, or null.",
    ),
    Field(
        "contributor",
        "Contributed by",
        "no",
        "Your name or your network's name.",
        "A network organiser",
        open_data="Who contributed the case, or null.",
    ),
    Field(
        "tags",
        "Tags",
        "no",
        "A list of extra keywords, such as `[send, curriculum]`.",
        "[curriculum]",
        open_data="Free keywords.",
    ),
    Field(
        "aliases",
        "Earlier ids",
        "no",
        "Earlier ids of this case, such as `[an-old-id]`. Their addresses keep working and redirect here. See "
        "[renaming and withdrawing](#renaming).",
        "[an-earlier-id]",
        open_data="Earlier ids; their addresses redirect to this case.",
    ),
    Field(
        "withdrawn",
        "Withdrawn",
        "no",
        "Only to take a case down: `reason` (required) and `superseded_by` (the id of the case that replaces it). "
        "See [renaming and withdrawing](#renaming).",
        "",
        fields=WITHDRAWN_FIELDS,
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
