"""The README is the front door: what it says of files, commands and figures holds for the code."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BENCHMARKS = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")


def test_every_path_in_the_layout_table_exists() -> None:
    table = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    paths = [m[1] for m in re.finditer(r"^\| `([^`]+)` \|", table, flags=re.M)]
    assert len(paths) >= 8
    assert [p for p in paths if not (ROOT / p.rstrip("/")).exists()] == []


def test_a_folder_the_readme_says_is_unused_is_not_there() -> None:
    # The README says images would go in cases/images/ and that no case uses it yet.
    assert "`cases/images/`, which no case uses yet" in README
    assert not (ROOT / "cases" / "images").exists()


def test_every_local_link_leads_to_a_file() -> None:
    links = [target for target in re.findall(r"\]\(([^)#]+)\)", README) if "://" not in target]
    assert {"BENCHMARKS.md", "LICENSE", "CONTRIBUTING.md"} <= set(links)
    assert [target for target in links if not (ROOT / target).exists()] == []


def test_the_benchmark_figures_live_in_their_own_file() -> None:
    assert "| cases | site | builds |" not in README and "| cases | site | builds |" in BENCHMARKS
    assert "[BENCHMARKS.md](BENCHMARKS.md)" in README


def test_the_first_search_figure_is_said_once() -> None:
    # The figure lives in BENCHMARKS.md, from the latest run; requirements.txt points there instead of
    # quoting a number of its own that would drift.
    row = next(line for line in BENCHMARKS.splitlines() if line.startswith("| first-search download"))
    assert re.search(r"[0-9.]+ MB", row.split("|")[-3])
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "BENCHMARKS.md has the" in requirements
    assert re.search(r"[0-9.]+ MB gzip", requirements) is None
