"""The fast ranking of related cases gives exactly the pairwise definition's answer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from atlas import index as index_module
from atlas.index import RELATED_LIMIT, _newest_first, build_index
from atlas.model import Atlas, Case, Framework
from atlas.synthetic import write_corpus
from atlas.validate import load_cases


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, framework: Framework) -> Atlas:
    root = tmp_path_factory.mktemp("synthetic")
    write_corpus(root / "cases", 400, framework, seed=7)
    cases, problems, _ = load_cases(sorted((root / "cases").glob("*.md")), root, framework)
    assert problems == []
    return Atlas(framework, cases)


def test_related_matches_the_pairwise_definition(synthetic: Atlas) -> None:
    expected = related_brute_force(synthetic.cases)
    assert dict(build_index(synthetic).related) == expected


@pytest.mark.parametrize("limit", [1, 12, 400])
def test_related_matches_the_pairwise_definition_at_any_length(synthetic: Atlas, limit: int) -> None:
    # At 400, every case sharing an element is listed: the whole order is the definition's.
    found = dict(index_module._related(synthetic.live, limit))
    assert found == related_brute_force(synthetic.live, limit)


@pytest.mark.parametrize("seed", range(20))
def test_bits_are_counted_over_the_sets_exactly(seed: int) -> None:
    rng = random.Random(seed)
    everything = (1 << 300) - 1
    for count in range(0, 9):
        sets = [rng.getrandbits(300) for _ in range(count)]
        got = index_module._exactly(sets, everything)
        assert len(got) == count + 1
        for bit in range(300):
            times = sum(1 for bits in sets if bits >> bit & 1)
            assert [k for k, bits in enumerate(got) if bits >> bit & 1] == [times]
    # Bits outside ``everything`` are in none of the answers, and a count no bit reaches has none.
    assert index_module._exactly([0b1111], 0b0101) == [0, 0b0101]
    assert index_module._exactly([0b001, 0b010], 0b111) == [0b100, 0b011, 0]
    assert index_module._exactly([0b001, 0b010, 0b100], 0b1111) == [0b1000, 0b0111, 0, 0]


def test_synthetic_corpora_are_valid_and_repeatable(tmp_path: Path, framework: Framework) -> None:
    write_corpus(tmp_path / "a", 50, framework, seed=1)
    write_corpus(tmp_path / "b", 50, framework, seed=1)
    first = {p.name: p.read_text() for p in (tmp_path / "a").iterdir()}
    assert first == {p.name: p.read_text() for p in (tmp_path / "b").iterdir()}
    cases, problems, _ = load_cases(sorted((tmp_path / "a").glob("*.md")), tmp_path, framework)
    assert (len(cases), problems) == (50, [])


def related_brute_force(cases: tuple[Case, ...], limit: int = RELATED_LIMIT) -> dict[str, tuple[Case, ...]]:
    """The definition of related cases, compared pair by pair: O(N^2), kept as the tests' reference."""
    out = {}
    for case in cases:
        elements, questions = set(case.elements), set(case.questions)
        ranked = sorted(
            (o for o in cases if o.id != case.id and elements & set(o.elements)),
            key=lambda o: (
                -len(elements & set(o.elements)),
                -len(questions & set(o.questions)),
                *_newest_first(o),
            ),
        )
        out[case.id] = tuple(ranked[:limit])
    return out
