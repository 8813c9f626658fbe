"""The scaffolder: ids proposed from titles, files that pass the checks, and refusals with reasons."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from atlas.model import Framework, Source
from atlas.scaffold import NewCase, case_text, parse_source, propose_id
from atlas.validate import load_cases
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Curriculum: agreed principles, local choices", "curriculum-agreed-principles-local-choices"),
        ("Ça marche! Élèves & staff", "ca-marche-eleves-staff"),
        ("word " * 40, "-".join(["word"] * 16)),
    ],
)
def test_propose_id(title: str, expected: str) -> None:
    assert propose_id(title) == expected


def test_parse_source() -> None:
    assert parse_source("A report | A publisher | 2018") == Source("A report", None, "A publisher", "2018", None)
    assert parse_source("Just a title") == Source("Just a title")


@pytest.mark.parametrize("title", ["yes", "2018", "Colon: and 'quotes' and \"more\"", "# not a heading"])
def test_written_details_pass_the_checks(title: str, tmp_path: Path, framework: Framework) -> None:
    case = NewCase(
        id="a-new-case",
        title=title,
        summary="Schools agree how reading is taught.",
        kind="network",
        elements=("4A.i", "3A"),
        evidence="own-account",
        sources=(Source("Our plan", publisher="Example Trust", date="2026-01-31", url="https://example.org/a"),),
        published=dt.date(2026, 11, 22),
    )
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "a-new-case.md"
    path.write_text(case_text(case), encoding="utf-8")
    problems = load_cases([path], tmp_path, framework).problems
    # The draft's details are all valid; only its unwritten body is left for the contributor.
    assert [p.field for p in problems] == ["body"]
    assert "a case needs at least 250" in problems[0].message
    front = frontmatter.loads(path.read_text(encoding="utf-8"))
    assert front["title"] == title


def run_new(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "new_case.py"), "--root", str(root), "--no-input", *args],
        capture_output=True,
        text=True,
        check=False,
    )


FLAGS = (
    "--title", "Reading across the trust", "--summary", "Schools agree how reading is taught.",
    "--kind", "practice", "--elements", "4A.i,3A", "--spectrum", "alignment", "--evidence", "own-account",
    "--source", "Our plan | Example Trust | 2026-01-31 | https://example.org/a",
)  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "framework", tmp_path / "framework")
    (tmp_path / "cases").mkdir()
    return tmp_path


def test_new_writes_a_checked_case(project: Path) -> None:
    run = run_new(project, *FLAGS)
    assert run.returncode == 0, run.stdout
    assert (project / "cases" / "reading-across-the-trust.md").is_file()
    assert "wrote cases/reading-across-the-trust.md" in run.stdout


def test_new_refuses_a_taken_id(project: Path) -> None:
    (project / "cases" / "reading-across-the-trust.md").write_text("taken")
    run = run_new(project, *FLAGS)
    assert run.returncode == 1
    assert run.stdout.strip() == (
        "id 'reading-across-the-trust': cases/reading-across-the-trust.md already exists: choose another id"
    )
    assert (project / "cases" / "reading-across-the-trust.md").read_text() == "taken"


def test_new_names_missing_flags(project: Path) -> None:
    run = run_new(project, "--title", "Only a title")
    assert run.returncode == 1
    assert run.stdout.strip() == (
        "missing: --summary, --kind, --elements, --evidence, --source (or run without --no-input to be asked)"
    )


def test_new_reports_problems_in_what_it_wrote(project: Path) -> None:
    flags = list(FLAGS)
    flags[flags.index("Schools agree how reading is taught.")] = "x" * 301
    run = run_new(project, *flags)
    assert run.returncode == 1
    assert (
        "cases/reading-across-the-trust.md:4: summary: is 301 characters long; the most allowed is 300: shorten it"
        in run.stdout
    )
