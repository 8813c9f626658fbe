"""The layers hold: a core that never imports MkDocs, and thin hooks that take what they need from one core module each."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

CORE = sorted((ROOT / "atlas").glob("*.py"))


def imported(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Each module a file imports, with the names it takes from it."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, tuple(alias.name for alias in node.names)))
    return found


@pytest.mark.parametrize("path", CORE, ids=[p.name for p in CORE])
def test_the_core_never_imports_mkdocs_or_its_theme(path: Path) -> None:
    modules = [module for module, _ in imported(path)]
    assert not [m for m in modules if m.split(".")[0] in ("mkdocs", "material", "properdocs")]


def test_loading_the_whole_core_loads_no_mkdocs() -> None:
    names = ", ".join(f"atlas.{p.stem}" for p in CORE if p.stem != "__init__")
    code = f"import sys, {names}; print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(("hook", "core"), [("atlas_pages.py", "atlas.build"), ("search.py", "atlas.search")])
def test_each_hook_takes_a_handful_of_names_from_one_core_module(hook: str, core: str) -> None:
    taken = [(module, names) for module, names in imported(ROOT / "hooks" / hook) if module.split(".")[0] == "atlas"]
    assert [module for module, _ in taken] == [core]
    assert 1 <= len(taken[0][1]) <= 8
