"""Write a new case file from a contributor's answers: an id proposed from the title, headings filled in."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from atlas.model import Trust, field_words
from atlas.placeholders import PROMPTS, SECOND_PROMPT
from atlas.schema import (
    APPROACH_IDS,
    CASE_FIELDS,
    HOUSE_STYLE,
    POSITION_IDS,
    TRUST_FIELDS,
    ListOf,
    Special,
    WholeNumber,
)
from atlas.validate import ID_LENGTH, Check


@dataclass(frozen=True)
class NewCase:
    """Everything the scaffolder asks for."""

    id: str
    title: str
    summary: str
    kind: str
    elements: tuple[str, ...]
    evidence: str
    sources: tuple[dict[str, str], ...]
    """Each source's parts as ``parse_source`` reads them."""
    published: dt.date
    spectrum: str | None = None
    approach: str | None = None
    contributor: str | None = None
    tags: tuple[str, ...] = field(default=())
    trust: Trust | None = None
    years: int | str | None = None
    others: tuple[tuple[str, object], ...] = ()
    """Any other field's key and value as written, in the contract's order."""


def propose_id(title: str) -> str:
    """A permanent id from a title: lowercase ASCII words joined by hyphens, cut at a word."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    ident = ""
    for word in words:
        candidate = f"{ident}-{word}" if ident else word
        if len(candidate) > ID_LENGTH[1]:
            break
        ident = candidate
    return ident


# The parts of a source a contributor types on one line, in order; the rest are added by hand.
SOURCE_PARTS = ("title", "publisher", "date", "url")


def parse_source(text: str) -> dict[str, str]:
    """Read 'title | publisher id | date | url' into the source's fields, leaving out parts not given."""
    parts = [p.strip() for p in text.split("|", len(SOURCE_PARTS) - 1)]
    return {key: value for key, value in zip(SOURCE_PARTS, parts, strict=False) if value}


def _dump(meta: dict[str, object]) -> str:
    return yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


# The fields a contributor types an answer for (the sources are typed a line each, see parse_source).
_TYPED = {f.key: f for f in (*CASE_FIELDS, *TRUST_FIELDS) if not f.fields}
# A list is typed with commas between its items.
LIST_KEYS = frozenset(key for key, f in _TYPED.items() if isinstance(f.value, ListOf))
# Years the facts held, typed as schools write them: 2023/24 is written 2023-2024.
YEARS_KEYS = frozenset(key for key, f in _TYPED.items() if f.value == Special("years"))
# A number of schools, or a single year, is written as a number, as the template shows it.
NUMBER_KEYS = frozenset(key for key, f in _TYPED.items() if isinstance(f.value, WholeNumber)) | YEARS_KEYS


def _typed(text: str) -> str:
    return re.sub(r"[\s_-]+", "-", text.strip().casefold())


# Each choice's ids, and its terms' names where the contract gives them, as a person might type them:
# "Own account" or "own account" for own-account, "Practice" for practice, "co design" for co-design.
_TERMS: dict[str, list[tuple[str, str]]] = {
    **{f.key: [(t.id, t.name) for t in f.vocabulary.terms] for f in (*CASE_FIELDS, *TRUST_FIELDS) if f.vocabulary},
    "spectrum": [(i, i) for i in POSITION_IDS],
    "approach": [(i, i) for i in APPROACH_IDS],
}
_CHOICES = {key: {_typed(text): i for i, name in terms for text in (i, name)} for key, terms in _TERMS.items()}
# An academic year as schools write it, 2023/24, 2023-24 or 2023/2024, is the two calendar years it spans.
_ACADEMIC_YEAR = re.compile(r"([0-9]{4})\s*[/-]\s*([0-9]{2})|([0-9]{4})\s*/\s*([0-9]{4})")


def _chosen(key: str, answer: str) -> str:
    """A choice typed as a person would, as its id; anything else unchanged, for the check to name."""
    return _CHOICES.get(key, {}).get(_typed(answer), answer)


def _years(answer: str) -> str:
    """An academic year written as the calendar years it spans: 2023/24 as 2023-2024."""
    found = _ACADEMIC_YEAR.fullmatch(answer)
    if found is None:
        return answer
    if found[3]:
        return f"{found[3]}-{found[4]}"
    start = int(found[1])
    end = start - start % 100 + int(found[2])
    return f"{start}-{end + 100 if end < start else end}"


def written_value(key: str, answer: str) -> str | int | list[str]:
    """The value the scaffolder writes for a typed answer: a list from commas, a number where one is meant."""
    answer = answer.strip()
    # Contract examples are shown as YAML, in quotes; someone copying that style means the words inside.
    if len(answer) >= 2 and answer[0] == answer[-1] and answer[0] in "'\"":
        answer = answer[1:-1]
    if key in LIST_KEYS:
        return [_chosen(key, item.strip()) for item in answer.split(",") if item.strip()]
    if key in NUMBER_KEYS and answer.isascii() and answer.isdigit():
        return int(answer)
    if key in YEARS_KEYS:
        return _years(answer)
    return _chosen(key, answer)


def written_node(key: str, value: object) -> yaml.Node:
    """The YAML node ``key: value`` becomes in a case file the scaffolder writes."""
    document = yaml.compose(_dump({key: value}), Loader=yaml.SafeLoader)
    assert isinstance(document, yaml.MappingNode)
    node: yaml.Node = document.value[0][1]
    return node


def problems_in(check: Check, key: str, value: object, where: str | None = None) -> list[str]:
    """What the validator's ``check`` says of ``value`` as the scaffolder would write it, as 'field: message'."""
    return [f"{field_words(field)}: {message}" for _, field, message in check(written_node(key, value), where or key)]


def _trust_entry(trust: Trust) -> dict[str, object]:
    values: dict[str, object] = {
        "name": trust.name,
        "schools": trust.schools,
        "phases": list(trust.phases),
        "region": trust.region,
    }
    return {f.key: values[f.key] for f in TRUST_FIELDS if values[f.key] not in (None, [])}


def case_text(case: NewCase) -> str:
    """The case file: front matter in the contract's key order, then the five section headings."""
    values: dict[str, object] = {
        "id": case.id,
        "title": case.title,
        "summary": case.summary,
        "kind": case.kind,
        "elements": list(case.elements),
        "spectrum": case.spectrum or None,
        "approach": case.approach or None,
        "evidence": case.evidence,
        "trust": _trust_entry(case.trust) if case.trust else None,
        "sources": [dict(s) for s in case.sources],
        "years": case.years if case.years != "" else None,
        "published": case.published,
        "contributor": case.contributor or None,
        "tags": list(case.tags),
        **dict(case.others),
    }
    meta = {f.key: values[f.key] for f in CASE_FIELDS if values.get(f.key) not in (None, [], {})}
    front = _dump(meta)
    sections = [
        ("Context", PROMPTS["Context"]),
        (HOUSE_STYLE.second[case.kind], SECOND_PROMPT),
        ("Where it sits on the spectrum and why", PROMPTS["Where it sits on the spectrum and why"]),
        ("Evidence and impact", PROMPTS["Evidence and impact"]),
        ("Questions for your trust", PROMPTS["Questions for your trust"]),
    ]
    body = "\n".join(f"## {name}\n\n{prompt}\n" for name, prompt in sections)
    return f"---\n{front}---\n\n{body}"
