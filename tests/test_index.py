"""The fast ranking of related cases gives exactly the pairwise definition's answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas import index as index_module
from atlas.index import build_index, related_brute_force
from atlas.model import Atlas, Framework
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
