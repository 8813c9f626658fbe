"""Text the case template and ``make new`` put in a case for its writer to replace.

A case that still holds any of it passes every other check once it is long enough, so the
validator looks for it: each value and each prompt is read from where it is written, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

import yaml

from atlas import schema
from atlas.model import one_line

# The body prompts `make new` writes under each heading (the template has its own, read from it).
PROMPTS = {
    "Context": "Who is involved, how large the trust or network is, and what problem it faced.",
    "Where it sits on the spectrum and why": (
        "Where the practice sits on the spectrum, and how it came about (roll-out, co-design or organic growth), "
        "as the source describes it. Say why."
    ),
    "Evidence and impact": (
        "What kind of evidence this is (the trust's own account, a consultant's or journalist's report, a survey, "
        "an external review...) "
        "and what it does and does not show."
    ),
    "Questions for your trust": (
        "- A question a reader can ask of their own trust. See [1C.ii](../framework/1c.md#1c-ii)."
    ),
}
SECOND_PROMPT = "What happens in practice, step by step."

# Keys whose template values are made up for the writer to replace; the others (kind, elements,
# spectrum, dates...) are real values the writer may keep.
_FREE_TEXT = frozenset(sub.key for f in schema.CASE_FIELDS for sub in (f, *f.fields) if sub.made_up)
# A prompt's sentences shorter than this ("Say why.") could be anyone's words.
_SHORTEST = 20
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _template_value(f: schema.Field, indent: str) -> str | None:
    """What follows ``key:`` for one field in the template: its template value or example, or a group's own lines."""
    if f.template is None:
        return None
    if f.template or not f.fields:
        return " " + (f.template or f.example)
    lines = [(sub.key, _template_value(sub, indent + "  ")) for sub in f.fields]
    given = [f"{key}:{value}" for key, value in lines if value is not None]
    if isinstance(f.value, schema.ListOf):
        # A list of groups, such as the sources: one item, its keys under the dash.
        return "\n" + f"{indent}  - " + f"\n{indent}    ".join(given)
    return "".join(f"\n{indent}  {line}" for line in given)


def template_text() -> str:
    """The case template contributors copy: the contract's fields with example values, then the body's sections.

    The front matter is made from ``atlas/schema.py``, so a field added there is in the template;
    the body is ``atlas/templates/case_body.md``.
    """
    front = [f"{f.key}:{value}" for f in schema.CASE_FIELDS if (value := _template_value(f, "")) is not None]
    body = resources.files("atlas").joinpath("templates/case_body.md").read_text(encoding="utf-8")
    return "---\n" + "\n".join(front) + "\n---\n\n" + body


def _leaves(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, key)
    elif isinstance(value, str):
        yield key, value


@cache
def values() -> frozenset[str]:
    """The template's made-up front-matter values, on one line and in lower case."""
    front = template_text().split("---\n")[1]
    return frozenset(one_line(v).casefold() for k, v in _leaves(yaml.safe_load(front)) if k in _FREE_TEXT)


def template_id() -> str:
    """The id the template gives, which no case should keep."""
    front = template_text().split("---\n")[1]
    return str(yaml.safe_load(front)["id"])


@cache
def sentences() -> tuple[str, ...]:
    """Each sentence of the template's and ``make new``'s body prompts, on one line, without its links."""
    body = template_text().split("---\n", 2)[2]
    paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith("#")]
    paragraphs += [*PROMPTS.values(), SECOND_PROMPT]
    found: list[str] = []
    for paragraph in paragraphs:
        for sentence in _SENTENCE_END.split(one_line(paragraph).removeprefix("- ")):
            # A link to a question ("See [1C.ii](...)") is what real cases write too.
            if len(sentence) >= _SHORTEST and "](" not in sentence and sentence not in found:
                found.append(sentence)
    return tuple(found)


def in_body(body: str) -> Iterator[tuple[int, str]]:
    """Each prompt sentence left in a body: the body line its paragraph starts on (0-based), and the sentence."""
    # Nearly every body has none, and one search of the whole text says so without splitting it.
    whole = one_line(body)
    if not any(sentence in whole for sentence in sentences()):
        return
    start = 0
    for block in re.split(r"(\n[ \t]*\n)", body):
        if block.strip():
            text = one_line(block)
            offset = start + len(block) - len(block.lstrip("\n"))
            for sentence in sentences():
                if sentence in text:
                    yield body.count("\n", 0, offset), sentence
                    break
        start += len(block)
