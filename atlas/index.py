"""Cross-reference cases by element, question, spectrum position and approach, in one pass."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from atlas.model import Atlas, Case

RELATED_LIMIT = 5


def listing_order(case: Case) -> tuple[str, str]:
    """The order cases appear in every listing: by title, then id."""
    return (case.title.casefold(), case.id)


@dataclass(frozen=True)
class Index:
    """Which cases belong where; every tuple is already in listing order."""

    cases: tuple[Case, ...]
    by_element: Mapping[str, tuple[Case, ...]]
    by_question: Mapping[str, tuple[Case, ...]]
    by_position: Mapping[str | None, tuple[Case, ...]]
    by_approach: Mapping[str, tuple[Case, ...]]
    related: Mapping[str, tuple[Case, ...]]

    def element_position(self, element_id: str, position: str | None) -> tuple[Case, ...]:
        """The cases tagged to an element at one spectrum position (None for unplaced)."""
        return tuple(c for c in self.by_element.get(element_id, ()) if c.spectrum == position)


def _freeze(groups: Mapping[str, list[Case]] | Mapping[str | None, list[Case]]) -> Mapping:  # type: ignore[type-arg]
    return MappingProxyType({k: tuple(sorted(v, key=listing_order)) for k, v in groups.items()})


def _related(cases: tuple[Case, ...], by_element: Mapping[str, tuple[Case, ...]]) -> Mapping[str, tuple[Case, ...]]:
    """For each case, the cases that share most elements, then most questions, newest first.

    Works through the element index, so each case only meets the cases it shares an element with.
    """
    out: dict[str, tuple[Case, ...]] = {}
    for case in cases:
        shared: Counter[str] = Counter()
        others: dict[str, Case] = {}
        for element_id in case.elements:
            for other in by_element[element_id]:
                if other.id != case.id:
                    shared[other.id] += 1
                    others[other.id] = other
        questions = set(case.questions)
        ranked = sorted(
            others.values(),
            key=lambda o: (
                -shared[o.id],
                -len(questions & set(o.questions)),
                -o.published.toordinal(),
                o.title.casefold(),
                o.id,
            ),
        )
        out[case.id] = tuple(ranked[:RELATED_LIMIT])
    return MappingProxyType(out)


def build_index(atlas: Atlas) -> Index:
    """Group every case by element, question, position and approach, and rank related cases."""
    by_element: defaultdict[str, list[Case]] = defaultdict(list)
    by_question: defaultdict[str, list[Case]] = defaultdict(list)
    by_position: defaultdict[str | None, list[Case]] = defaultdict(list)
    by_approach: defaultdict[str, list[Case]] = defaultdict(list)
    for case in atlas.cases:
        for element_id in case.elements:
            by_element[element_id].append(case)
        for question_id in case.questions:
            by_question[question_id].append(case)
        by_position[case.spectrum].append(case)
        if case.approach:
            by_approach[case.approach].append(case)
    frozen_elements = _freeze(by_element)
    return Index(
        cases=tuple(sorted(atlas.cases, key=listing_order)),
        by_element=frozen_elements,
        by_question=_freeze(by_question),
        by_position=_freeze(by_position),
        by_approach=_freeze(by_approach),
        related=_related(atlas.cases, frozen_elements),
    )
