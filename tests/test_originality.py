"""Our wording stays our own: no run of words is shared with the source documents, names and titles aside."""

from __future__ import annotations

import pytest

from atlas.model import Atlas
from atlas.validate import load_atlas
from tests.conftest import ROOT
from tests.originality import ngrams, shared_runs

SEEDS = ROOT.parent / "shared" / "seeds"
RUN = 6


@pytest.fixture(scope="module")
def seed_runs() -> set[tuple[str, ...]]:
    if not SEEDS.is_dir():
        pytest.skip(f"the source documents are not at {SEEDS}; clone the repository beside shared/ to run this")
    runs: set[tuple[str, ...]] = set()
    for seed in sorted(SEEDS.glob("0*.txt")):
        runs |= ngrams(seed.read_text(encoding="utf-8"), RUN)
    return runs


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    loaded = load_atlas(ROOT)
    assert loaded.atlas is not None, loaded.problems
    return loaded.atlas


def allowed_names(atlas: Atlas) -> set[str]:
    """Names and titles that may match the sources word for word."""
    fw = atlas.framework
    names = {h.name for h in fw.headings}
    for e in fw.elements:
        names |= {e.name, *e.themes}
    for case in atlas.cases:
        names |= {s.title for s in case.sources}
    return names


def texts(atlas: Atlas) -> dict[str, str]:
    fw = atlas.framework
    out = {"framework/framework.yaml": f"{fw.about}\n{fw.credit}\n" + "\n".join(s.definition for s in fw.scale)}
    out["framework/spectrum.yaml"] = "\n".join(x.definition for x in (*fw.positions, *fw.approaches))
    for e in fw.elements:
        out[f"framework/elements/{e.slug}.yaml"] = "\n".join(
            [e.summary] + [f"{q.text}\n{q.red}\n{q.green}" for q in e.questions]
        )
    for case in atlas.cases:
        out[case.path] = f"{case.title}\n{case.summary}\n{case.body}"
    for page in sorted((ROOT / "docs").rglob("*.md")):
        out[page.relative_to(ROOT).as_posix()] = page.read_text(encoding="utf-8")
    return out


def test_no_sentence_is_copied_from_the_sources(seed_runs: set[tuple[str, ...]], atlas: Atlas) -> None:
    allowed = allowed_names(atlas)
    copied = {path: shared_runs(text, seed_runs, RUN, allowed) for path, text in texts(atlas).items()}
    assert {path: runs for path, runs in copied.items() if runs} == {}


def test_the_check_finds_a_copied_sentence(seed_runs: set[tuple[str, ...]]) -> None:
    copied = "Our leaders are thriving with a mindset for continual school improvement, they say."
    assert shared_runs(copied, seed_runs, RUN) != []
    assert shared_runs("A sentence of our own about leaders and school improvement.", seed_runs, RUN) == []
