"""House style for the published cases: the same five sections, enough substance, questions that link."""

from __future__ import annotations

import re

import pytest

from atlas.model import Case
from atlas.validate import load_atlas
from tests.conftest import ROOT

SECOND = {"practice": "What they do", "finding": "What was found", "network": "How the network works"}
MIN_WORDS = 250


def corpus() -> tuple[Case, ...]:
    atlas, problems = load_atlas(ROOT)
    assert atlas is not None, problems
    return atlas.cases


@pytest.mark.parametrize("case", corpus(), ids=lambda c: c.id)
def test_case_follows_the_house_structure(case: Case) -> None:
    headings = re.findall(r"^## (.+)$", case.body, flags=re.M)
    assert headings == [
        "Context",
        SECOND[case.kind],
        "Where it sits on the spectrum and why",
        "Evidence and impact",
        "Questions for your trust",
    ]
    assert len(case.body.split()) >= MIN_WORDS
    questions = case.body.split("## Questions for your trust")[1]
    bullets = [line for line in questions.splitlines() if line.startswith("- ")]
    assert bullets, "no questions listed"
    for bullet in bullets:
        assert re.search(r"\]\(\.\./framework/[1-6][a-c]\.md#[1-6][a-c]-[ivx]+\)", bullet), bullet
