"""Cross-reference cases by element, question, spectrum position and approach, in one pass."""

from __future__ import annotations

import heapq
import itertools
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


def _newest_first(case: Case) -> tuple[int, str, str]:
    return (-case.published.toordinal(), case.title.casefold(), case.id)


# How many best candidates to keep per distinct element set before looking at shared questions.
_PREFIX = 64


def _related(
    cases: tuple[Case, ...], by_question: Mapping[str, tuple[Case, ...]], limit: int = RELATED_LIMIT
) -> Mapping[str, tuple[Case, ...]]:
    """Related cases: most shared elements, then most shared questions, then newest, then title.

    Comparing every pair is O(N^2). Cases with the same set of elements rank every other case
    the same way until shared questions break ties, so the ranking by elements is worked out
    once per distinct element set (a few hundred sets, however many cases), and only the cases
    that share a question, found through the question index, are ranked case by case.
    """
    bits = {e: 1 << i for i, e in enumerate(sorted({e for c in cases for e in c.elements}))}
    mask = {c.id: sum(bits[e] for e in c.elements) for c in cases}
    newest = sorted(cases, key=_newest_first)
    rank = {c.id: i for i, c in enumerate(newest)}
    groups: defaultdict[int, list[int]] = defaultdict(list)
    for i, case in enumerate(newest):
        groups[mask[case.id]].append(i)  # each group's ranks come out already in order

    def by_elements(element_set: int, cap: int | None) -> tuple[list[int], bool]:
        """Ranks of cases sharing an element with the set, best first ignoring questions; and whether cut short."""
        levels: defaultdict[int, list[list[int]]] = defaultdict(list)
        for other_set, members in groups.items():
            shared = (element_set & other_set).bit_count()
            if shared:
                levels[shared].append(members)
        ranked: list[int] = []
        for shared in sorted(levels, reverse=True):
            for other in heapq.merge(*levels[shared]):
                if cap is not None and len(ranked) == cap:
                    return ranked, True
                ranked.append(other)
        return ranked, False

    prefixes = {element_set: by_elements(element_set, _PREFIX) for element_set in groups}
    out: dict[str, tuple[Case, ...]] = {}
    for case in cases:
        element_set, own = mask[case.id], rank[case.id]
        shared_questions = Counter(rank[o.id] for q in case.questions for o in by_question[q])
        shared_questions.pop(own, None)
        question_matches = heapq.nsmallest(
            limit,
            ((-(element_set & mask[newest[r].id]).bit_count(), -n, r) for r, n in shared_questions.items()),
        )
        ranked, cut_short = prefixes[element_set]
        rest = [r for r in ranked if r != own and r not in shared_questions]
        if cut_short and len(rest) < limit:
            ranked, _ = by_elements(element_set, None)
            rest = [r for r in ranked if r != own and r not in shared_questions]
        element_matches = ((-(element_set & mask[newest[r].id]).bit_count(), 0, r) for r in rest)
        best = heapq.merge(question_matches, element_matches)
        out[case.id] = tuple(newest[r] for _, _, r in itertools.islice(best, limit))
    return MappingProxyType(out)


def build_index(atlas: Atlas) -> Index:
    """Group every live case by element, question, position and approach, and rank related cases."""
    by_element: defaultdict[str, list[Case]] = defaultdict(list)
    by_question: defaultdict[str, list[Case]] = defaultdict(list)
    by_position: defaultdict[str | None, list[Case]] = defaultdict(list)
    by_approach: defaultdict[str, list[Case]] = defaultdict(list)
    for case in atlas.live:
        for element_id in case.elements:
            by_element[element_id].append(case)
        for question_id in case.questions:
            by_question[question_id].append(case)
        by_position[case.spectrum].append(case)
        if case.approach:
            by_approach[case.approach].append(case)
    frozen_questions = _freeze(by_question)
    return Index(
        cases=tuple(sorted(atlas.live, key=listing_order)),
        by_element=_freeze(by_element),
        by_question=frozen_questions,
        by_position=_freeze(by_position),
        by_approach=_freeze(by_approach),
        related=_related(atlas.live, frozen_questions),
    )
