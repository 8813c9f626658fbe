"""A new optional field needs only atlas/schema.py: added to the contract at run time, it reaches every place."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from tests.conftest import ROOT, valid_case
from tests.test_build import copy_project
from tests.test_scaffold import run_in_terminal

RUNNER = str(ROOT / "tests" / "with_new_field.py")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command run with the field added to the contract."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, RUNNER, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def with_funding(case_id: str, value: str) -> str:
    """The example case with the new field written last in its front matter."""
    text = valid_case(case_id)
    front, body = text.split("\n---\n", 1)
    return f"{front}\nfunding: {value}\n---\n{body}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with a case that gives the new field."""
    project = copy_project(tmp_path_factory.mktemp("new-field") / "project")
    (project / "cases" / "a-funded-case.md").write_text(with_funding("a-funded-case", "high"), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    """The project built with the field added."""
    built = run("-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site"), cwd=project)
    assert built.returncode == 0, built.stderr[-3000:]
    return project / "site"


def test_it_is_checked_with_the_validators_messages(project: Path, tmp_path: Path) -> None:
    bad = project / "cases" / "a-badly-funded-case.md"
    bad.write_text(with_funding("a-badly-funded-case", "hgh"), encoding="utf-8")
    try:
        checked = run(str(ROOT / "scripts" / "check.py"), "--root", str(project), str(bad), cwd=project)
    finally:
        bad.unlink()
    good = run(str(ROOT / "scripts" / "check.py"), "--root", str(project), cwd=project)
    line = with_funding("a-badly-funded-case", "hgh").split("\n").index("funding: hgh") + 1
    assert checked.returncode == 1
    assert (
        f"cases/a-badly-funded-case.md:{line}: funding: must be one of low, high, not 'hgh' (did you mean 'high'?)"
        in checked.stdout
    ), checked.stdout
    assert good.returncode == 0, good.stdout
    # Without the field in the contract, the same case is refused for a field nobody declared.
    plain = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--root", str(project)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert "funding: is not a known field" in plain.stdout


def test_it_is_shown_on_the_case_page(site: Path) -> None:
    html = (site / "cases" / "a-funded-case" / "index.html").read_text(encoding="utf-8")
    assert "<li><strong>Funding band:</strong> High funding</li>" in html


def test_it_is_an_enum_in_the_json_schema_and_a_value_in_the_json(site: Path) -> None:
    schema = json.loads((site / "api" / "cases.schema.json").read_text(encoding="utf-8"))
    item = schema["properties"]["cases"]["items"]
    assert item["properties"]["funding"]["enum"] == ["low", "high", None]
    assert "funding" in item["required"]
    records = json.loads((site / "api" / "cases.json").read_text(encoding="utf-8"))["cases"]
    assert {r["id"]: r["funding"] for r in records}["a-funded-case"] == "high"
    assert {r["funding"] for r in records} == {"high", None}


def test_it_is_a_csv_column(site: Path) -> None:
    text = (site / "api" / "cases.csv").read_text(encoding="utf-8-sig")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["a-funded-case"]["funding"] == "high"


def test_it_is_an_explorer_filter(site: Path) -> None:
    html = (site / "explore" / "index.html").read_text(encoding="utf-8")
    assert (
        '<select id="atlas-funding" name="funding"><option value="">Any funding band</option>'
        '<option value="low">Low funding</option><option value="high">High funding</option></select>'
    ) in html
    assert 'data-funding="high"><a href="../cases/a-funded-case/">' in html


def test_it_is_in_the_template_and_the_field_table(site: Path) -> None:
    html = (site / "contributing" / "index.html").read_text(encoding="utf-8")
    assert "funding: low" in html
    assert "<code>funding</code>" in html


def test_make_new_asks_for_it_and_takes_it_as_a_flag(project: Path) -> None:
    flags = [
        *("--title", "Funding bands in a trust", "--summary", "How one trust is funded."),
        *("--kind", "practice", "--elements", "1C", "--spectrum", "alignment", "--approach", "co-design"),
        *("--evidence", "own-account", "--trust-name", "Harbour Academy Trust", "--years", "2025"),
        *("--contributor", "A network organiser"),
        "--source",
        "How we agreed | harbour-academy-trust | 2025-06-01 | https://www.example.org/funding",
    ]
    status, out = run_in_terminal(
        [
            sys.executable,
            RUNNER,
            str(ROOT / "scripts" / "new_case.py"),
            "--root",
            str(project),
            *flags,
            "--id",
            "asked",
        ],
        ["hgh", "High funding"],
        ROOT,
    )
    assert status == 0, out
    assert "Funding band: The trust's funding band, low or high." in out
    assert "funding: must be one of low, high, not 'hgh' (did you mean 'high'?)" in out
    assert frontmatter.loads((project / "cases" / "asked.md").read_text(encoding="utf-8"))["funding"] == "high"
    flagged = run(
        str(ROOT / "scripts" / "new_case.py"),
        *("--root", str(project), *flags, "--id", "flagged", "--funding", "low", "--no-input"),
        cwd=project,
    )
    assert flagged.returncode == 0, flagged.stdout
    text = (project / "cases" / "flagged.md").read_text(encoding="utf-8")
    assert frontmatter.loads(text)["funding"] == "low"
    # Written where the contract puts it: last, after every field the contract lists before it.
    assert list(frontmatter.loads(text).metadata)[-1] == "funding"
    for written in ("asked", "flagged"):
        (project / "cases" / f"{written}.md").unlink()


def test_only_the_contract_changed() -> None:
    # The runner adds the field to atlas.schema and nothing else; no module names it.
    code = [*(ROOT / "atlas").rglob("*.py"), *(ROOT / "hooks").glob("*.py"), *(ROOT / "scripts").glob("*.py")]
    assert [p.name for p in code if "funding" in p.read_text(encoding="utf-8")] == []


def test_the_composer_offers_it_with_its_check(site: Path) -> None:
    spec = json.loads((site / "api" / "composer.json").read_text(encoding="utf-8"))
    field = next(f for f in spec["fields"] if f["key"] == "funding")
    assert field["rule"] == {"kind": "choice", "choices": ["low", "high"]}
    assert [c["name"] for c in field["choices"]] == ["Low funding", "High funding"]
