"""How well the corpus covers the framework: counts per element, question, position, approach and evidence level."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from atlas import schema
from atlas.model import Atlas

MIN_CASES = 3
"""Each element, spectrum position and approach should have at least this many cases."""


@dataclass(frozen=True)
class Gap:
    """One thing with fewer cases than the atlas wants."""

    what: str
    """``element``, ``question``, ``position``, ``approach`` or ``evidence``."""
    id: str
    """Its id, such as ``3B`` or ``co-design``."""
    count: int
    """How many live cases it has."""


@dataclass(frozen=True)
class Coverage:
    """Counts of live cases by each way of tagging them, in the framework's own order."""

    elements: dict[str, int]
    questions: dict[str, int]
    positions: dict[str, int]
    approaches: dict[str, int]
    evidence: dict[str, int]
    publishers: frozenset[str]
    """The ids of the distinct publishers of the sources cited."""
    years: tuple[int, int] | None
    """The earliest and latest year of a dated source, if any source is dated."""

    @property
    def short(self) -> list[Gap]:
        """Elements, positions and approaches under ``MIN_CASES``, and questions no case cites."""
        gaps = [Gap("element", k, n) for k, n in self.elements.items() if n < MIN_CASES]
        gaps += [Gap("position", k, n) for k, n in self.positions.items() if n < MIN_CASES]
        gaps += [Gap("approach", k, n) for k, n in self.approaches.items() if n < MIN_CASES]
        gaps += [Gap("question", k, n) for k, n in self.questions.items() if n == 0]
        return gaps


def coverage(atlas: Atlas) -> Coverage:
    """Count the live cases by element, question, spectrum position, approach and evidence level."""
    live = atlas.live
    fw = atlas.framework
    elements = Counter(e for c in live for e in c.elements)
    questions = Counter(q for c in live for q in c.questions)
    dated = [int(s.date[:4]) for c in live for s in c.sources if s.date and s.date != schema.UNDATED]
    return Coverage(
        elements={e.id: elements[e.id] for e in fw.elements},
        questions={q.id: questions[q.id] for e in fw.elements for q in e.questions},
        positions={p.id: sum(c.spectrum == p.id for c in live) for p in fw.positions},
        approaches={a.id: sum(c.approach == a.id for c in live) for a in fw.approaches},
        evidence={t.id: sum(c.evidence == t.id for c in live) for t in schema.EVIDENCE.terms},
        publishers=frozenset(s.publisher.id for c in live for s in c.sources),
        years=(min(dated), max(dated)) if dated else None,
    )
