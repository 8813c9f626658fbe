"""A new optional field needs only atlas/schema.py: added to the contract at run time, it reaches every place.

tests/with_new_field.py adds one field of each sort (a choice, text, a date, a list of choices, a
whole number, years, a group of keys) before anything imports the contract; these tests run the
real scripts and a real build with it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import frontmatter
import pytest

from tests.conftest import ROOT, valid_case
from tests.test_build import copy_project
from tests.test_scaffold import run_in_terminal

RUNNER = str(ROOT / "tests" / "with_new_field.py")
CHECK = str(ROOT / "scripts" / "check.py")
NEW = str(ROOT / "scripts" / "new_case.py")


@dataclass(frozen=True)
class Sort:
    """One sort of field: what a case writes, what each place should show, and a value the check refuses."""

    key: str
    written: str
    fact: str
    json_type: dict[str, object]
    data: object
    cells: dict[str, str]
    bad: str
    message: str
    template: str
    flag: tuple[str, str] | None = None
    flag_written: object = None
    filter: str | None = None
    below: int = 0
    """How many lines below the key's line the refused value is named (a group's problems are at its keys)."""


SORTS = {
    "choice": Sort(
        "funding",
        "funding: high",
        "<li><strong>Funding band:</strong> High funding</li>",
        {"enum": ["low", "high", None]},
        "high",
        {"funding": "high"},
        "funding: hgh",
        "funding: must be one of low, high, not 'hgh' (did you mean 'high'?)",
        "funding: low",
        ("--funding", "High funding"),
        "high",
        '<select id="atlas-funding" name="funding"><option value="">Any funding band</option>'
        '<option value="low">Low funding</option><option value="high">High funding</option></select>',
    ),
    "text": Sort(
        "motto",
        'motto: "Learning together"',
        "<li><strong>Motto:</strong> Learning together</li>",
        {"type": ["string", "null"]},
        "Learning together",
        {"motto": "Learning together"},
        "motto: [a]",
        "motto: must be text, not a list",
        'motto: "Every child"',
        ("--motto", "Learning together"),
        "Learning together",
    ),
    "date": Sort(
        "inspected",
        "inspected: 2024-03-01",
        "<li><strong>Last inspected:</strong> 1 March 2024</li>",
        {"type": ["string", "null"], "format": "date"},
        "2024-03-01",
        {"inspected": "2024-03-01"},
        "inspected: 2024-13-01",
        "inspected: '2024-13-01' is not a real date (month must be in 1..12)",
        "inspected: 2024-03-01",
        ("--inspected", "2024-03-01"),
        "2024-03-01",
    ),
    "list": Sort(
        "subjects",
        "subjects: [maths, english]",
        "<li><strong>Subjects:</strong> Maths, English</li>",
        {"type": "array", "items": {"enum": ["maths", "english"]}},
        ["maths", "english"],
        {"subjects": "maths;english"},
        "subjects: [math]",
        "subjects, item 1: must be one of maths, english, not 'math' (did you mean 'maths'?)",
        "subjects: [maths, english]",
        ("--subjects", "maths, English"),
        ["maths", "english"],
        '<select id="atlas-subjects" name="subjects"><option value="">Any subject</option>'
        '<option value="maths">Maths</option><option value="english">English</option></select>',
    ),
    "number": Sort(
        "staff_count",
        "staff_count: 40",
        "<li><strong>Staff:</strong> 40</li>",
        {"type": ["integer", "null"], "minimum": 1},
        40,
        {"staff_count": "40"},
        "staff_count: forty",
        "staff_count: must be a whole number of staff from 1 to 9999, such as 40, not 'forty'",
        "staff_count: 40",
        ("--staff-count", "40"),
        40,
    ),
    "years": Sort(
        "period",
        'period: "2019-2021"',
        "<li><strong>Period:</strong> 2019-2021</li>",
        {"type": ["string", "null"]},
        "2019-2021",
        {"period": "2019-2021"},
        "period: 2021-2019",
        "period: '2021-2019' ends before it starts; write the earlier year first",
        'period: "2019-2021"',
        ("--period", "2023/24"),
        "2023-2024",
    ),
    "group": Sort(
        "ofsted",
        "ofsted:\n  grade: outstanding",
        "<li><strong>Ofsted:</strong> Grade: Outstanding</li>",
        {
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": ["grade", "year"],
            "properties": {"grade": {"enum": ["good", "outstanding"]}, "year": {"type": ["string", "null"]}},
        },
        {"grade": "outstanding", "year": None},
        {"ofsted_grade": "outstanding", "ofsted_year": ""},
        "ofsted:\n  year: 2024",
        "ofsted.grade: is missing; add it, for example 'grade: good'",
        "ofsted:\n  grade: good\n  year: 2024",
        below=1,
    ),
}


def run(sort: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command run with the field of this sort added to the contract."""
    env = {**os.environ, "NEW_FIELD": sort, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, RUNNER, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )


def with_line(case_id: str, line: str) -> str:
    """The example case with a line added last in its front matter."""
    front, body = valid_case(case_id).split("\n---\n", 1)
    return f"{front}\n{line}\n---\n{body}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project, built with each sort of field in turn."""
    return copy_project(tmp_path_factory.mktemp("new-field") / "project")


@pytest.fixture(scope="module", params=list(SORTS))
def built(request: pytest.FixtureRequest, project: Path) -> tuple[str, Path]:
    """The project with a case that gives the field, built with the field added; the sort and the site."""
    sort: str = request.param
    case = project / "cases" / "a-new-field.md"
    case.write_text(with_line("a-new-field", SORTS[sort].written), encoding="utf-8")
    site = project / f"site-{sort}"
    done = run(sort, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site), cwd=project)
    case.unlink()
    assert done.returncode == 0, done.stderr[-3000:]
    return sort, site


@pytest.mark.parametrize("sort", list(SORTS))
def test_it_is_checked_with_the_validators_messages(sort: str, project: Path) -> None:
    s = SORTS[sort]
    bad = project / "cases" / "a-bad-field.md"
    good = project / "cases" / "a-good-field.md"
    bad.write_text(with_line("a-bad-field", s.bad), encoding="utf-8")
    good.write_text(with_line("a-good-field", s.written), encoding="utf-8")
    try:
        refused = run(sort, CHECK, "--root", str(project), str(bad), cwd=project)
        passed = run(sort, CHECK, "--root", str(project), str(good), cwd=project)
        # Without the field in the contract, the same case is refused for a field nobody declared.
        unknown = subprocess.run(
            [sys.executable, CHECK, "--root", str(project), str(good)],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    finally:
        bad.unlink()
        good.unlink()
    at = with_line("a-bad-field", s.bad).split("\n").index(s.bad.split("\n")[0]) + 1
    assert refused.returncode == 1
    assert f"cases/a-bad-field.md:{at + s.below}: {s.message}\n" in refused.stdout, refused.stdout
    assert passed.returncode == 0, passed.stdout
    assert f"{s.key}: is not a known field" in unknown.stdout


def test_it_is_shown_on_the_case_page(built: tuple[str, Path]) -> None:
    sort, site = built
    html = (site / "cases" / "a-new-field" / "index.html").read_text(encoding="utf-8")
    assert SORTS[sort].fact in html


def test_it_is_in_the_json_schema_and_the_json(built: tuple[str, Path]) -> None:
    sort, site = built
    s = SORTS[sort]
    item = json.loads((site / "api" / "cases.schema.json").read_text(encoding="utf-8"))["properties"]["cases"]["items"]
    assert {k: v for k, v in item["properties"][s.key].items() if k != "description"} == s.json_type
    assert item["properties"][s.key]["description"]
    assert s.key in item["required"]
    records = {r["id"]: r for r in json.loads((site / "api" / "cases.json").read_text(encoding="utf-8"))["cases"]}
    assert records["a-new-field"][s.key] == s.data
    # The cases that leave it out give it as the contract's empty value.
    assert {json.dumps(r[s.key]) for i, r in records.items() if i != "a-new-field"} == {
        "[]" if s.key == "subjects" else "null"
    }


def test_it_has_its_csv_columns(built: tuple[str, Path]) -> None:
    sort, site = built
    text = (site / "api" / "cases.csv").read_text(encoding="utf-8-sig")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert {k: v for k, v in rows["a-new-field"].items() if k in SORTS[sort].cells} == SORTS[sort].cells


def test_it_is_an_explorer_filter_when_marked_so(built: tuple[str, Path]) -> None:
    sort, site = built
    s = SORTS[sort]
    html = (site / "explore" / "index.html").read_text(encoding="utf-8")
    if s.filter is None:
        assert f'id="atlas-{s.key}"' not in html
        return
    assert s.filter in html
    value = " ".join(s.data) if isinstance(s.data, list) else str(s.data)
    assert re.search(rf'<li class="atlas-card"[^>]* data-{s.key}="{value}"><a href="\.\./cases/a-new-field/">', html)


def test_it_is_in_the_template_the_field_table_and_the_composer(built: tuple[str, Path]) -> None:
    sort, site = built
    s = SORTS[sort]
    html = (site / "contributing" / "index.html").read_text(encoding="utf-8")
    shown = re.sub(r"<[^>]+>", "", html)
    assert s.template in shown
    assert f"<code>{s.key}</code>" in html
    spec = json.loads((site / "api" / "composer.json").read_text(encoding="utf-8"))
    label = re.findall(r"<strong>(.*?):</strong>", s.fact)[0]
    assert [f["label"] for f in spec["fields"] if f["key"] == s.key] == [label]


FLAGS = [
    *("--title", "A new field in a trust", "--summary", "How one trust works."),
    *("--kind", "practice", "--elements", "1C", "--spectrum", "alignment", "--approach", "co-design"),
    *("--evidence", "own-account", "--trust-name", "Harbour Academy Trust", "--years", "2025"),
    *("--contributor", "A network organiser"),
    "--source",
    "How we agreed | harbour-academy-trust | 2025-06-01 | https://www.example.org/field",
]


@pytest.mark.parametrize("sort", [s for s in SORTS if SORTS[s].flag])
def test_make_new_takes_it_as_a_flag(sort: str, project: Path) -> None:
    s = SORTS[sort]
    assert s.flag is not None
    done = run(sort, NEW, "--root", str(project), *FLAGS, "--id", "flagged", *s.flag, "--no-input", cwd=project)
    path = project / "cases" / "flagged.md"
    try:
        assert done.returncode == 0, done.stdout
        meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
    finally:
        path.unlink(missing_ok=True)
    value = meta[s.key]
    assert (value.isoformat() if hasattr(value, "isoformat") else value) == s.flag_written
    # Written where the contract puts it: last, after every field the contract lists before it.
    assert list(meta)[-1] == s.key


def test_make_new_asks_for_it(project: Path) -> None:
    status, out = run_in_terminal(
        [sys.executable, RUNNER, NEW, "--root", str(project), *FLAGS, "--id", "asked"],
        ["hgh", "High funding"],
        ROOT,
    )
    path = project / "cases" / "asked.md"
    try:
        assert status == 0, out
        assert "Funding band: The trust's funding band, low or high." in out
        assert "funding: must be one of low, high, not 'hgh' (did you mean 'high'?)" in out
        assert frontmatter.loads(path.read_text(encoding="utf-8"))["funding"] == "high"
    finally:
        path.unlink(missing_ok=True)


def test_make_new_leaves_a_group_to_be_written_by_hand(project: Path) -> None:
    done = run("group", NEW, "--root", str(project), *FLAGS, "--id", "grouped", "--no-input", cwd=project)
    path = project / "cases" / "grouped.md"
    try:
        assert done.returncode == 0, done.stdout
        assert "ofsted" not in path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)


def test_the_issue_form_made_again_offers_it(project: Path, tmp_path: Path) -> None:
    # The issue form is a file GitHub reads, so it is made again from the contract (issue_to_case.py
    # --write-form), as tests/test_issue_to_case.py insists; made so, it has the field.
    (project / ".github" / "ISSUE_TEMPLATE").mkdir(parents=True, exist_ok=True)
    made = run(
        "choice", str(ROOT / "scripts" / "issue_to_case.py"), "--write-form", "--root", str(project), cwd=project
    )
    assert made.returncode == 0, made.stdout + made.stderr
    form = (project / ".github" / "ISSUE_TEMPLATE" / "case-study.yml").read_text(encoding="utf-8")
    assert "  id: funding\n  attributes:\n    label: Funding band\n" in form
    assert "    options:\n    - low\n    - high\n" in form


def test_make_new_gives_a_field_whose_flag_it_already_has_a_flag_of_its_own(project: Path) -> None:
    done = run("clash", NEW, "--root", str(project), *FLAGS, "--id", "clashed", "--region", "north-west",
               "--case-region", "Mostly coastal", "--no-input", cwd=project)  # fmt: skip
    path = project / "cases" / "clashed.md"
    try:
        assert done.returncode == 0, done.stdout + done.stderr
        meta = frontmatter.loads(path.read_text(encoding="utf-8")).metadata
    finally:
        path.unlink(missing_ok=True)
    trust = meta["trust"]
    assert isinstance(trust, dict)
    assert (meta["region"], trust["region"]) == ("Mostly coastal", "north-west")


@pytest.mark.parametrize("key", ["root", "no_input", "id", "case_region"])
def test_make_new_gives_any_new_key_a_flag_and_never_crashes(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    from atlas import schema
    from scripts import new_case

    added: tuple[schema.Field, ...] = (schema.Field(key, "A note", "no", "A note.", "x"),)
    if key == "case_region":
        added = (schema.Field("region", "A note", "no", "A note.", "x"), *added)
    monkeypatch.setattr(new_case, "other_fields", lambda: added)
    parser = argparse.ArgumentParser()
    for own in ("--root", "--no-input", "--id", "--region"):
        parser.add_argument(own)
    flags = new_case.field_flags(parser)
    assert set(flags) == {f.key for f in added}
    assert len(set(flags.values())) == len(added)
    given = [part for f in added for part in (flags[f.key], f"value of {f.key}")]
    args = parser.parse_args(given)
    assert all(getattr(args, f"field_{f.key}") == f"value of {f.key}" for f in added)
