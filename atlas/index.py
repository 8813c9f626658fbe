"""Cross-reference cases by element, question, spectrum position and approach, in one pass."""

from __future__ import annotations

from collections import defaultdict
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


def _exactly(sets: list[int], everything: int) -> list[int]:
    """Of the bits in ``everything``, those set in exactly k of ``sets``, for each k from 0 to ``len(sets)``.

    The count of each bit is kept in binary, one integer a digit, adding one set at a time.
    """
    # As many digits as the largest count needs, even where no bit reaches it.
    digits = [0] * len(sets).bit_length()
    for bits in sets:
        carry = bits
        for j, digit in enumerate(digits):
            digits[j], carry = digit ^ carry, digit & carry
            if not carry:
                break
    out = []
    for k in range(len(sets) + 1):
        bits = everything
        for j, digit in enumerate(digits):
            bits &= digit if k >> j & 1 else ~digit
        out.append(bits)
    return out


def _related(cases: tuple[Case, ...], limit: int = RELATED_LIMIT) -> Mapping[str, tuple[Case, ...]]:
    """Related cases: most shared elements, then most shared questions, then newest, then title.

    Comparing every pair is O(N^2). Instead each case is a bit, numbered newest first, and each
    element and each question is the integer whose bits are its cases. For one case, counting in
    binary over the integers of its own elements gives every case's number of shared elements at
    once, as one integer for each number; its questions likewise. The best are then the lowest bits
    of those integers taken in order: most elements, then most questions. Each case costs a few
    dozen operations on integers of N bits, not N comparisons.
    """
    newest = sorted(cases, key=_newest_first)
    everything = (1 << len(newest)) - 1
    of_element: defaultdict[str, int] = defaultdict(int)
    of_question: defaultdict[str, int] = defaultdict(int)
    for i, case in enumerate(newest):
        for element_id in set(case.elements):
            of_element[element_id] |= 1 << i
        for question_id in set(case.questions):
            of_question[question_id] |= 1 << i
    out: dict[str, tuple[Case, ...]] = {}
    for i, case in enumerate(newest):
        by_elements = _exactly([of_element[e] for e in set(case.elements)], everything & ~(1 << i))
        by_questions = _exactly([of_question[q] for q in set(case.questions)], everything)
        found: list[int] = []
        # A case that shares no element is never related, whatever questions it shares.
        pairs = ((shared, alike) for shared in reversed(by_elements[1:]) for alike in reversed(by_questions))
        for shared, alike in pairs:
            bits = shared & alike
            while bits and len(found) < limit:
                lowest = bits & -bits
                found.append(lowest.bit_length() - 1)
                bits ^= lowest
            if len(found) == limit:
                break
        out[case.id] = tuple(newest[r] for r in found)
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
        related=_related(atlas.live),
    )
