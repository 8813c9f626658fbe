"""The deliberately broken case: its whole, ordered list of problems, and how the check script reports it."""

from __future__ import annotations

import subprocess
import sys

from atlas.model import Framework, Problem, field_words
from atlas.validate import load_cases
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "broken" / "cases" / "broken-case.md"
PATH = "tests/fixtures/broken/cases/broken-case.md"

ELEMENT_NAMES = "1A Clarity of purpose; 1B Understanding of needs; 1C Leading a culture of improvement; 2A Building capacity for improvement; 2B Recruiting, developing and retaining talent; 3A Approach to pedagogy; 3B Leadership of teaching; 3C Evidence based professional learning; 4A Curriculum principles, intent and alignment; 4B Intentional use of assessment; 5A Knowing schools quantitatively; 5B Knowing schools qualitatively; 6A Governance structures & skills; 6B Capability to refresh and renew the MAT"
EXPECTED = [
    (2, "id", "must be lowercase letters, digits and single hyphens, not 'Broken_Case' (did you mean 'broken-case'?)"),
    (3, "title", "must be text, not 'yes', which YAML reads as a yes/no value; put it in quotes"),
    (4, "summary", "must be text, not '2018', which YAML reads as a number; put it in quotes"),
    (
        5,
        "spectrum",
        "is required when kind is practice; add 'spectrum:' with one of standardisation, alignment, autonomy",
    ),
    (6, "elements[1]", "'1c' is not written as the framework writes it (did you mean '1C'?)"),
    (
        6,
        "elements[2]",
        "'7Z' is not an element or question of the framework; the elements are " + ELEMENT_NAMES,
    ),
    (
        6,
        "elements[3]",
        "element 1C (Leading a culture of improvement) has no question 'ix'; its questions are i, ii, iii, iv, v",
    ),
    (6, "elements[5]", "lists '3A' more than once"),
    (7, "approach", "must be one of roll-out, co-design, organic, not 'top-down'"),
    (
        8,
        "evidence",
        "must be one of own-account, reported, survey, peer-review, inspection, research, evaluation, not 'anecdote'",
    ),
    (11, "trust.schools", "must be a whole number of schools from 1 to 999, such as 12, not 'twelve'"),
    (
        12,
        "trust.phases[2]",
        "must be one of primary, secondary, all-through, special, alternative-provision, post-16, not 'nursery'",
    ),
    (
        13,
        "trust.region",
        "must be one of north-east, north-west, yorkshire-and-the-humber, east-midlands, west-midlands, east-of-england, london, south-east, south-west, not 'yorkshire' (did you mean 'yorkshire-and-the-humber'?)",
    ),
    (14, "trust.size", "is not a known field; the fields are name, schools, phases, region"),
    (
        16,
        "sources[1].date",
        "is missing; add it, for example 'date: 2026-01-31'; or 'date: undated' when the source gives no date",
    ),
    (16, "sources[1].publisher", "is missing; add it, for example 'publisher: nfer'"),
    (17, "sources[1].url", "must be a full web address starting with https:// or http://, not 'javascript:alert(1)'"),
    (
        18,
        "sources[2]",
        "has no 'url'; give the web address of the original, or for a source that is not on the web, "
        "'offline:' saying where a reader can find it",
    ),
    (
        18,
        "sources[2].publisher",
        "'Someone' is not a publisher in framework/publishers.yaml; name a publisher by its id, and if it is not "
        "listed, add it to framework/publishers.yaml with its name, kind and web domains",
    ),
    (18, "sources[2].title", "is missing; add it, for example 'title: \"Title of the report\"'"),
    (19, "sources[2].date", "'2018-02-30' is not a real date (day is out of range for month)"),
    (20, "published", "'2025-13-45' is not a real date (month must be in 1..12)"),
    (
        22,
        "tittle",
        "is not a known field (did you mean 'title'?); the fields are id, title, summary, kind, elements, spectrum, approach, evidence, trust, sources, years, published, reviewed, contributor, tags, aliases, withdrawn",
    ),
    (
        23,
        "evidence",
        "the key 'evidence' appears twice (lines 8 and 23); YAML would silently keep only the last one, so remove one of them",
    ),
    (
        25,
        "body",
        "has 9 words; a case needs at least 250, so say more about the context, what happened and what the evidence shows",
    ),
    (
        25,
        "body",
        "has no '## Context' section; a practice case has these, in order: '## Context'; '## What they do'; '## Where it sits on the spectrum and why'; '## Evidence and impact'; '## Questions for your trust'",
    ),
    (
        26,
        "body",
        "has a level-1 heading '# A heading the build adds itself'; the title is shown for you, so start sections with '## '",
    ),
]


def test_every_problem_is_reported_in_line_order(framework: Framework) -> None:
    cases, problems, _ = load_cases([FIXTURE], ROOT, framework)
    assert cases == ()
    assert problems == [Problem(PATH, line, field, message) for line, field, message in EXPECTED]


def test_check_script_prints_each_problem_and_a_summary() -> None:
    run = subprocess.run(
        [sys.executable, "scripts/check.py", PATH], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    # Fields in words: 'sources, item 2, title', where the problem's field is 'sources[2].title'.
    assert lines[:-1] == [f"{PATH}:{line}: {field_words(field)}: {message}" for line, field, message in EXPECTED]
    assert f"{PATH}:18: sources, item 2, title: is missing" in run.stdout
    assert lines[-1] == f"{len(EXPECTED)} problems in 1 file"


def test_check_script_passes_the_real_cases() -> None:
    run = subprocess.run([sys.executable, "scripts/check.py"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout
    assert run.stdout.strip().endswith("checked: no problems")
