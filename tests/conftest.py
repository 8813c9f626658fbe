"""Shared fixtures: the real framework, and a helper that writes a case file and checks it."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from pathlib import Path
from typing import Protocol

import pytest

from atlas.model import Atlas, Framework, Problem, Publisher
from atlas.schema import HOUSE_STYLE
from atlas.validate import load_atlas, load_cases, load_framework

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """With ATLAS_START_METHOD=spawn, start every process the suite makes as macOS and Windows do (.ci/run does)."""
    method = os.environ.get("ATLAS_START_METHOD")
    if method:
        multiprocessing.set_start_method(method, force=True)


VALID_CASE = """\
---
id: {id}
title: "A trust that agrees its curriculum principles together"
summary: >-
  Schools agree shared principles, then each plans its own sequence.
kind: practice
elements: [4A.i, 1C]
spectrum: alignment
approach: co-design
evidence: own-account
trust:
  name: Harbour Academy Trust
  schools: 12
  phases: [primary, secondary]
  region: south-west
sources:
  - title: "How we agreed our curriculum"
    publisher: harbour-academy-trust
    date: 2025-06-01
    url: https://www.example.org/curriculum
published: 2026-01-31
reviewed: 2026-02-01
contributor: A network organiser
tags: [curriculum]
---

## Context

Some text. The example trust has twelve schools in one county, primary and secondary. Its leaders
wanted every school to plan a curriculum that made sense for its own pupils, while keeping a shared
sense of what a good curriculum looks like across the group. Heads had asked for time to talk about
this together rather than being handed a plan from the centre.

## What they do

- Heads and subject leaders meet each term to agree a short set of principles for the curriculum.
- Each school then plans its own order of topics and explains its choices against those principles.
- Leaders from other schools visit once a year to look at the plans and talk to pupils and staff.
- The trust keeps a shared library of plans so that any school can borrow what works elsewhere.

## Where it sits on the spectrum and why

The principles are agreed together and most schools use them, but a school may plan in its own way.
That is alignment, reached by co-design: staff from several schools wrote the principles together.

## Evidence and impact

This is the trust's own account. It reports no data on pupils' results and no view from outside the
trust, so it shows what was done rather than what difference it made. A reader should treat it as
a description of a way of working, not as proof that it works better than another way.

## Questions for your trust

- Do your schools share a clear view of what a good curriculum looks like? See [4A.i](../framework/4a.md#4a-i).
- Who decides which choices are made by schools and which by the trust? See [1C.ii](../framework/1c.md#1c-ii).
"""


# The example case's publisher: the trust it is about, which the real list of publishers does not hold.
EXAMPLE_PUBLISHER = Publisher("harbour-academy-trust", "Harbour Academy Trust", "trust", ("example.org",))


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The real framework in framework/, with the example case's publisher added to its publishers."""
    fw, problems = load_framework(ROOT / "framework", ROOT)
    assert problems == []
    assert fw is not None
    return dataclasses.replace(fw, publishers=(*fw.publishers, EXAMPLE_PUBLISHER))


class CheckText(Protocol):
    """Writes a case file and returns its problems."""

    def __call__(self, text: str, name: str = ...) -> list[Problem]: ...


@pytest.fixture
def check_text(tmp_path: Path, framework: Framework) -> CheckText:
    """Write text to cases/<id>.md in a temporary folder and return its problems."""

    def check(text: str, name: str = "example-case") -> list[Problem]:
        cases = tmp_path / "cases"
        cases.mkdir(exist_ok=True)
        path = cases / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        _, problems, _ = load_cases([path], tmp_path, framework)
        return problems

    return check


def valid_case(case_id: str = "example-case", **replace: str) -> str:
    """The valid example case with whole fields swapped: ``kind="kind: x"``; ``""`` drops the field.

    A field's indented continuation lines go with it.
    """
    out: list[str] = []
    kind = replace.get("kind", "").partition(":")[2].strip()
    whole = VALID_CASE.format(id=case_id)
    if kind in HOUSE_STYLE.second:
        # The second section is named after the kind, as the house style asks.
        whole = whole.replace("## What they do", f"## {HOUSE_STYLE.second[kind]}")
    skipping = False
    body = False
    for text in whole.split("\n"):
        key = text.split(":", 1)[0]
        if not body and key in replace and not text.startswith(" "):
            skipping = True
            if replace[key]:
                out.append(replace[key])
            continue
        if skipping and text.startswith(" "):
            continue
        skipping = False
        body = body or (text == "---" and bool(out))
        out.append(text)
    return "\n".join(out)


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with one extra case dropped in, built once for every test that reads HTML."""
    from tests.test_build import NEW_CASE, copy_project, mkdocs_build

    project = copy_project(tmp_path_factory.mktemp("project"))
    (project / "cases" / "new-dropped-in-case.md").write_text(NEW_CASE, encoding="utf-8")
    run = mkdocs_build(project, project / "site")
    assert run.returncode == 0, run.stderr
    return project


@pytest.fixture(scope="session")
def built(built_project: Path) -> tuple[Path, Atlas]:
    """The built site and the atlas it was built from."""
    loaded = load_atlas(built_project)
    atlas, problems = loaded.atlas, loaded.problems
    assert problems == [] and atlas is not None
    return built_project / "site", atlas
