"""Seeded, schema-valid synthetic cases for benchmarks: same seed, same files."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from atlas import pages
from atlas.model import APPROACHES, EVIDENCE, KINDS, PHASES, POSITIONS, REGIONS, Framework, Publisher
from atlas.schema import HOUSE_STYLE, OWN_ACCOUNT, PLACED_KIND, TRUST_PUBLISHER, publisher_kinds

VOCABULARY = """
trust school leaders curriculum assessment pupils staff governance board review network peer
improvement practice evidence principles expectations support training subject phase primary
secondary reading writing mathematics science behaviour attendance inclusion data report term
year plan policy shared common local agreed central team cluster region visit coaching
""".split()  # noqa: SIM905 - a word list reads better as prose
# The benchmark's edit goes after this heading, which every synthetic case has.
EDIT_AFTER = "## Context\n\n"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(VOCABULARY) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def synthetic_case(index: int, framework: Framework, rng: random.Random) -> tuple[str, str]:
    """One case file as ``(id, text)``; about 300 words of body, tags drawn from the real framework."""
    case_id = f"synthetic-case-{index:05d}"
    elements = rng.sample(framework.elements, rng.randint(1, 4))
    refs = []
    for element in elements:
        if rng.random() < 0.6:
            refs.append(rng.choice(element.questions).id)
        else:
            refs.append(element.id)
    kind = rng.choice(KINDS)
    lines = [
        "---",
        f"id: {case_id}",
        f'title: "{_sentence(rng, rng.randint(4, 9))[:-1]}"',
        f'summary: "{_sentence(rng, 18)} {_sentence(rng, 10)}"',
        f"kind: {kind}",
        f"elements: [{', '.join(refs)}]",
    ]
    if kind == PLACED_KIND or rng.random() < 0.3:
        lines.append(f"spectrum: {rng.choice(POSITIONS)}")
    if rng.random() < 0.7:
        lines.append(f"approach: {rng.choice(APPROACHES)}")
    evidence = rng.choice(EVIDENCE)

    def fits(publisher: Publisher, label: str) -> bool:
        # A practice's own account would have to come from the synthetic trust itself, which publishes nothing.
        own_trust = label == OWN_ACCOUNT and kind == PLACED_KIND and publisher.kind == TRUST_PUBLISHER
        return publisher.kind in publisher_kinds(label, kind) and not own_trust

    if not any(fits(p, evidence) for p in framework.publishers):
        evidence = next(e for e in EVIDENCE if any(fits(p, e) for p in framework.publishers))
    publisher = rng.choice([p for p in framework.publishers if fits(p, evidence)])
    lines.append(f"evidence: {evidence}")
    if kind == PLACED_KIND:
        lines += [
            "trust:",
            f"  name: Synthetic Trust {index}",
            f"  schools: {rng.randint(1, 60)}",
            f"  phases: [{rng.choice(PHASES)}]",
            f"  region: {rng.choice(REGIONS)}",
        ]
    published = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
    lines += [
        "sources:",
        f'  - title: "{_sentence(rng, 6)[:-1]}"',
        f"    publisher: {publisher.id}",
        f"    date: {published.year}",
        f"    url: https://{publisher.domains[0]}/synthetic/{index}"
        if publisher.domains
        else '    offline: "Synthetic source"',
        f"published: {published.isoformat()}",
        "---",
        "",
    ]
    for section in HOUSE_STYLE.sections(kind):
        lines += [f"## {section}", ""]
        lines += [" ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(5)), ""]
    first = elements[0]
    question = first.questions[0]
    link = pages.ELEMENT.link_from(pages.CASE.path(case_id), first.slug, question.anchor)
    lines += [f"- {_sentence(rng, 10)[:-1]}? See [{question.id}]({link}).", ""]
    return case_id, "\n".join(lines) + "\n"


def write_corpus(folder: Path, count: int, framework: Framework, seed: int = 2026) -> list[Path]:
    """Write ``count`` synthetic cases into ``folder`` (created if needed) and return their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        case_id, text = synthetic_case(i, framework, rng)
        path = folder / f"{case_id}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def edited(text: str, words: str) -> str:
    """The case ``text`` with ``words`` added at the start of its Context section, as a contributor might."""
    if EDIT_AFTER not in text:
        raise ValueError("the case has no Context section to edit")
    return text.replace(EDIT_AFTER, f"{EDIT_AFTER}{words} ", 1)
