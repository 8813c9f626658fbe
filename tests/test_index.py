"""The fast ranking of related cases gives exactly the pairwise definition's answer."""

from __future__ import annotations

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


def test_related_is_right_when_the_shortlist_runs_out(synthetic: Atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    # A shortlist of 2 per element set forces the slow path for most cases.
    monkeypatch.setattr(index_module, "_PREFIX", 2)
    assert dict(build_index(synthetic).related) == related_brute_force(synthetic.cases)


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


# How many best candidates to keep per distinct element set before looking at shared questions.
_PREFIX = 64
