"""From issue form to case file: every box read, empty and multi-line answers, hostile answers, and a form that
cannot drift from the contract."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atlas import composer
from atlas.model import Framework
from scripts import issue_to_case
from tests.conftest import ROOT
from tests.test_attacks import REFUSED_BODIES, make_check
from tests.test_build import copy_project

VALID = (ROOT / "tests" / "fixtures" / "issues" / "valid.md").read_text(encoding="utf-8")
TODAY = "2026-12-06"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("issues"))


def answer(text: str, label: str, new: str) -> str:
    """The issue text with one box's answer replaced."""
    pattern = re.compile(rf"(^### {re.escape(label)}\n\n)(.*?)(?=\n\n### |\Z)", re.S | re.M)
    assert pattern.search(text), label
    return pattern.sub(lambda m: m.group(1) + new, text, count=1)


def run(project: Path, tmp_path: Path, text: str, *extra: str) -> tuple[int, str, list[Path]]:
    """Run the script on an issue body; its status, its report, and the case files it added."""
    before = set((project / "cases").iterdir())
    issue = tmp_path / "issue.md"
    issue.write_text(text, encoding="utf-8")
    report = tmp_path / "report.md"
    status = issue_to_case.main([str(issue), "--root", str(project), "--today", TODAY, "--report", str(report), *extra])
    added = sorted(set((project / "cases").iterdir()) - before)
    return status, report.read_text(encoding="utf-8"), added


def reported(report: str) -> list[str]:
    """The lines of the report's list of problems."""
    match = re.search(r"(`{3,})text\n(.*?)\n\1", report, re.S)
    return match.group(2).split("\n") if match else []


def test_the_issue_form_is_made_from_the_contract(framework: Framework) -> None:
    # Fails when the schema and .github/ISSUE_TEMPLATE/case-study.yml drift apart; run --write-form to mend it.
    assert (ROOT / issue_to_case.FORM).read_text(encoding="utf-8") == composer.issue_form(framework)


def test_every_box_of_the_form_is_read(framework: Framework) -> None:
    boxes = issue_to_case.boxes_read(framework)
    found = issue_to_case.answers(VALID, boxes)
    assert set(found) == {box.id for box in boxes}
    assert found["consent"].startswith("- [X]")
    assert found["id"] == "" and found["reviewed"] == ""  # _No response_
    assert found["summary"].count("\n") == 1  # an answer of two lines keeps both
    assert found["trust-phases"] == "primary, secondary"
    assert found["body-5"].startswith("- Do your schools") and "Consent" not in found["body-5"]


def test_a_full_answer_becomes_a_case_that_make_check_accepts(project: Path, tmp_path: Path) -> None:
    status, report, added = run(project, tmp_path, VALID)
    assert status == 0, report
    assert [p.name for p in added] == ["how-a-trust-agrees-its-curriculum-principles-with-its-heads.md"]
    text = added[0].read_text(encoding="utf-8")
    assert "published: '2026-12-06'" in text and "  schools: 12\n" in text and "- title: A second look" in text
    assert "## What they do\n" in text  # the second section is named after the kind
    assert report.startswith(issue_to_case.MARKER) and "is ready" in report
    code, output = make_check(project)
    assert code == 0, output
    added[0].unlink()


def test_empty_optional_boxes_are_left_out(project: Path, tmp_path: Path) -> None:
    text = VALID
    for label in ("Approach", "Trust: Name", "Trust: Schools", "Trust: Phases", "Trust: Region", "Years", "Tags"):
        text = answer(text, label, "_No response_")
    status, report, added = run(project, tmp_path, answer(text, "Id", "a-case-with-less-said"))
    assert status == 0, report
    case = added[0].read_text(encoding="utf-8")
    assert [k for k in ("approach:", "trust:", "years:", "tags:") if k in case] == []
    added[0].unlink()


def test_problems_are_named_by_the_boxes_of_the_form(project: Path, tmp_path: Path) -> None:
    text = answer(VALID, "Id", "a-case-with-mistakes")
    text = answer(text, "Trust: Schools", "twelve")
    text = answer(text, "Sources", "title: Only a title\ndate: 23/11/2026")
    text = answer(text, "Framework", "1C, 9Z")
    text = answer(text, "Questions for your trust", "- A question with no link?")
    status, report, added = run(project, tmp_path, text)
    assert status == 1
    assert reported(report) == [
        "Framework (item 2): '9Z' is not an element or question of the framework; the elements are "
        "1A Clarity of purpose; 1B Understanding of needs; 1C Leading a culture of improvement; 2A Building capacity for improvement; 2B Recruiting, developing and retaining talent; 3A Approach to pedagogy; 3B Leadership of teaching; 3C Evidence based professional learning; 4A Curriculum principles, intent and alignment; 4B Intentional use of assessment; 5A Knowing schools quantitatively; 5B Knowing schools qualitatively; 6A Governance structures & skills; 6B Capability to refresh and renew the MAT",
        "Trust: Schools: must be a whole number of schools from 1 to 999, such as 12, not 'twelve'",
        "Sources (item 1): has no 'url'; give the web address of the original, or for a source that is not on the web, "
        "'offline:' saying where a reader can find it",
        "Sources (item 1, publisher): is missing; add it, for example 'publisher: nfer'",
        "Sources (item 1, date): must be a date written YYYY-MM-DD (or just the year, YYYY, or 'undated'), not '23/11/2026' (did you mean 2026-11-23?)",
        "Questions for your trust: this question does not link to a framework question; end it with a link such as 'See [1C.ii](../framework/1c.md#1c-ii).'",
    ]
    added[0].unlink()


@pytest.mark.parametrize("ident", ["../../escaped", "/tmp/escaped", "..", "cases/../../escaped", "a/b", "index"])
def test_nothing_is_written_outside_cases(project: Path, tmp_path: Path, ident: str) -> None:
    outside = {p for p in project.rglob("*") if p.is_file() and p.parent.name != "cases"}
    status, report, added = run(project, tmp_path, answer(VALID, "Id", ident))
    assert status == 1 and added == []
    assert {p for p in project.rglob("*") if p.is_file() and p.parent.name != "cases"} == outside
    assert not Path("/tmp/escaped.md").exists()
    assert reported(report)[0].startswith("Id: ")


def test_an_id_already_taken_is_refused(project: Path, tmp_path: Path) -> None:
    status, report, added = run(project, tmp_path, answer(VALID, "Id", "bdat-send-adaptive-teaching"))
    assert (status, added) == (1, [])
    assert reported(report) == ["Id: cases/bdat-send-adaptive-teaching.md already exists: choose another id"]


@pytest.mark.parametrize("name", sorted(REFUSED_BODIES))
def test_hostile_answers_are_refused_naming_their_box(project: Path, tmp_path: Path, name: str) -> None:
    hostile = REFUSED_BODIES[name]
    text = answer(
        answer(VALID, "Id", f"hostile-{name}"),
        "Evidence and impact",
        VALID.split("### Evidence and impact\n\n")[1].split("\n\n###")[0] + "\n\n" + hostile,
    )
    status, report, added = run(project, tmp_path, text)
    assert status == 1, name
    lines = reported(report)
    assert lines and all(not line.startswith("The form as a whole") for line in lines), lines
    assert all(p.parent == project / "cases" for p in added)
    for path in added:
        path.unlink()


def test_hostile_answers_in_other_boxes(project: Path, tmp_path: Path) -> None:
    text = answer(VALID, "Id", "hostile-title")
    text = answer(text, "Title", "<script>alert(1)</script> with a NUL \x00 in it")
    text = answer(text, "Tags", "one; two")
    text = answer(text, "Sources", "title: A; B\npublisher: x\nurl: javascript:alert(1)\nnonsense line")
    status, report, added = run(project, tmp_path, text)
    assert status == 1
    lines = reported(report)
    assert (
        "Sources: source 1: the line 'nonsense line' is not 'key: value' with a key from title, author, publisher, "
        "voice, date, url, via, offline" in lines
    )
    assert any(line.startswith("Title: contains the invisible character U+0000") for line in lines)
    assert any(line.startswith("Tags (item 1): must not contain ';'") for line in lines)
    assert any(line.startswith("Sources (item 1, url): must be a full web address") for line in lines)
    for path in added:
        path.unlink()


def test_a_report_cannot_be_broken_out_of() -> None:
    report = issue_to_case.report([("Title", "not '```'` @someone <img src=x>")], None)
    assert "````text\n" in report and report.rstrip().endswith("````")
