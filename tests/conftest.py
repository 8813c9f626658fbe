"""Shared fixtures: the real framework, and a helper that writes a case file and checks it."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import pytest

from atlas.model import Atlas, Framework, Problem
from atlas.validate import load_atlas, load_cases, load_framework

ROOT = Path(__file__).resolve().parent.parent

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
  name: Example Academy Trust
  schools: 12
  phases: [primary, secondary]
  region: south-west
sources:
  - title: "How we agreed our curriculum"
    publisher: Example Academy Trust
    date: 2025-06-01
    url: https://www.example.org/curriculum
published: 2026-01-31
reviewed: 2026-02-01
contributor: A network organiser
tags: [curriculum]
---

## Context

Some text.
"""


@pytest.fixture(scope="session")
def framework() -> Framework:
    """The real framework in framework/."""
    fw, problems = load_framework(ROOT / "framework", ROOT)
    assert problems == []
    assert fw is not None
    return fw


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
        _, problems = load_cases([path], tmp_path, framework)
        return problems

    return check


def valid_case(case_id: str = "example-case", **replace: str) -> str:
    """The valid example case with whole fields swapped: ``kind="kind: x"``; ``""`` drops the field.

    A field's indented continuation lines go with it.
    """
    out: list[str] = []
    skipping = False
    body = False
    for text in VALID_CASE.format(id=case_id).split("\n"):
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
    atlas, problems = load_atlas(built_project)
    assert problems == [] and atlas is not None
    return built_project / "site", atlas
