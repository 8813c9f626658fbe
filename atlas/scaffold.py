"""Write a new case file from a contributor's answers: an id proposed from the title, headings filled in."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

import yaml

from atlas.model import Source
from atlas.schema import HOUSE_STYLE
from atlas.validate import ID_LENGTH

PROMPTS = {
    "Context": "Who is involved, how large the trust or network is, and what problem it faced.",
    "Where it sits on the spectrum and why": (
        "Where the practice sits on the spectrum, and how it came about (roll-out, co-design or organic growth), "
        "as the source describes it. Say why."
    ),
    "Evidence and impact": (
        "What kind of evidence this is (the trust's own account, a survey, an external review...) "
        "and what it does and does not show."
    ),
    "Questions for your trust": (
        "- A question a reader can ask of their own trust. See [1C.ii](../framework/1c.md#1c-ii)."
    ),
}
SECOND_PROMPT = "What happens in practice, step by step."


@dataclass(frozen=True)
class NewCase:
    """Everything the scaffolder asks for."""

    id: str
    title: str
    summary: str
    kind: str
    elements: tuple[str, ...]
    evidence: str
    sources: tuple[Source, ...]
    published: dt.date
    spectrum: str | None = None
    approach: str | None = None
    contributor: str | None = None
    tags: tuple[str, ...] = field(default=())


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


def parse_source(text: str) -> Source:
    """Read 'title | author or publisher | date | url' (the last three optional)."""
    parts = [p.strip() or None for p in text.split("|", 3)]
    parts += [None] * (4 - len(parts))
    title, who, date, url = parts[:4]
    return Source(title=title or "", publisher=who, date=date, url=url)


def case_text(case: NewCase) -> str:
    """The case file: front matter in the contract's key order, then the five section headings."""
    meta: dict[str, object] = {
        "id": case.id,
        "title": case.title,
        "summary": case.summary,
        "kind": case.kind,
        "elements": list(case.elements),
    }
    if case.spectrum:
        meta["spectrum"] = case.spectrum
    if case.approach:
        meta["approach"] = case.approach
    meta["evidence"] = case.evidence
    meta["sources"] = [
        {k: v for k, v in vars(s).items() if v is not None and not (k == "date" and v == "")} for s in case.sources
    ]
    meta["published"] = case.published
    if case.contributor:
        meta["contributor"] = case.contributor
    if case.tags:
        meta["tags"] = list(case.tags)
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
    sections = [
        ("Context", PROMPTS["Context"]),
        (HOUSE_STYLE.second[case.kind], SECOND_PROMPT),
        ("Where it sits on the spectrum and why", PROMPTS["Where it sits on the spectrum and why"]),
        ("Evidence and impact", PROMPTS["Evidence and impact"]),
        ("Questions for your trust", PROMPTS["Questions for your trust"]),
    ]
    body = "\n".join(f"## {name}\n\n{prompt}\n" for name, prompt in sections)
    return f"---\n{front}---\n\n{body}"
