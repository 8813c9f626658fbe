"""Crosswalks: the DfE's trust quality descriptions beside the framework, a broken crosswalk, and a second one added as a file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from atlas.crosswalk import load_crosswalks
from atlas.export import CSV_COLUMNS
from atlas.model import Atlas, Framework
from atlas.render import render_site
from atlas.validate import load_atlas
from tests.conftest import ROOT
from tests.test_attacks import make_check

BROKEN = ROOT / "tests" / "fixtures" / "broken-crosswalk"
BROKEN_PATH = "framework/crosswalks/broken-standards.yaml"
EXPECTED = [
    (2, "url", "is missing; add it, for example 'url: https://www.gov.uk/...'"),
    (5, "date", "'2026-13-01' is not a real date (month must be in 1..12)"),
    (13, "headings[2].id", "'people' is used twice (line 10); give each its own id"),
    (
        17,
        "links",
        "elements 1A, 1B, 1C, 2A, 3A, 3B, 3C, 4A, 4B, 5A, 5B, 6B are neither linked to a heading nor listed under "
        "'unmapped'; link each with its reason, or list it under 'unmapped' with the reason it fits no heading",
    ),
    (
        17,
        "links[1].from",
        "'9Z' is not an element or question of the framework; the elements are 1A Clarity of purpose; "
        "1B Understanding of needs; 1C Leading a culture of improvement; 2A Building capacity for improvement; "
        "2B Recruiting, developing and retaining talent; 3A Approach to pedagogy; 3B Leadership of teaching; "
        "3C Evidence based professional learning; 4A Curriculum principles, intent and alignment; "
        "4B Intentional use of assessment; 5A Knowing schools quantitatively; 5B Knowing schools qualitatively; "
        "6A Governance structures & skills; 6B Capability to refresh and renew the MAT",
    ),
    (20, "links[2].reason", "is missing; add it, for example 'reason: why, in one line'"),
    (23, "links[3].to", "'money' is not a heading of this file; the headings are people"),
    (26, "unmapped[1].element", "6A is listed as unmapped but linked on line 22; keep one or the other"),
]


def test_the_dfe_crosswalk_validates_and_links_every_element() -> None:
    loaded = load_atlas(ROOT)
    assert loaded.problems == [] and loaded.atlas is not None
    (dfe,) = loaded.atlas.crosswalks
    assert dfe.id == "dfe-tqd-2023" and dfe.publisher == "Department for Education" and dfe.date == "2023-07-06"
    assert [h.name for h in dfe.headings] == [
        "High-quality and inclusive education",
        "School improvement",
        "Workforce",
        "Finance and operations",
        "Governance and leadership",
    ]
    linked = {k.element for k in dfe.links} | {u.element for u in dfe.unmapped}
    assert linked == {e.id for e in loaded.atlas.framework.elements}
    assert all(k.reason for k in dfe.links)
    # The framework says nothing about finance: the file says why, so the gap is shown with its reason
    # and nothing warns (a gap the file does not explain is a warning: see the second crosswalk below).
    assert [(h.id, (h.gap or "")[:30]) for h in dfe.gaps] == [
        ("finance-and-operations", "The MAT Assurance Framework is")
    ]
    assert [w for w in loaded.warnings if "crosswalks" in w.path] == []


def test_a_broken_crosswalk_is_refused_with_every_problem_at_its_line(framework: Framework) -> None:
    crosswalks, problems, warnings = load_crosswalks(BROKEN / "framework" / "crosswalks", BROKEN, framework)
    assert crosswalks == () and warnings == []
    assert {p.path for p in problems} == {BROKEN_PATH}
    assert [(p.line, p.field, p.message) for p in problems] == EXPECTED


def test_make_check_reports_a_broken_crosswalk_as_path_line_field(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", project)
    shutil.copytree(BROKEN / "framework" / "crosswalks", project / "framework" / "crosswalks")
    status, output = make_check(project)
    assert status == 1
    # make check names fields in words, as it does for cases.
    assert f"{BROKEN_PATH}:20: links, item 2, reason: is missing" in output
    assert f"{BROKEN_PATH}:2: url: is missing" in output
    assert f"{BROKEN_PATH}:17: links, item 1, from: '9Z' is not an element" in output
    assert output.rstrip().endswith("problems in 1 file")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("notes.txt", "anything", "is not a crosswalk: framework/crosswalks/ holds only <id>.yaml files"),
        ("Bad_Name.yaml", "name: x", "the name 'Bad_Name' is the crosswalk's address"),
        ("empty.yaml", "", "the file is empty"),
        ("list.yaml", "- a\n- b\n", "the file must be 'key: value' lines, not a list"),
    ],
)
def test_nothing_in_the_crosswalks_folder_is_skipped_silently(
    tmp_path: Path, framework: Framework, name: str, text: str, expected: str
) -> None:
    folder = tmp_path / "framework" / "crosswalks"
    folder.mkdir(parents=True)
    (folder / name).write_text(text, encoding="utf-8")
    _, problems, _ = load_crosswalks(folder, tmp_path, framework)
    assert len(problems) == 1 and problems[0].path == f"framework/crosswalks/{name}"
    assert expected in problems[0].message


@pytest.mark.parametrize("field", ["publisher", "date", "url", "read", "reviewed"])
def test_a_crosswalk_must_say_where_it_comes_from(tmp_path: Path, framework: Framework, field: str) -> None:
    folder = tmp_path / "framework" / "crosswalks"
    folder.mkdir(parents=True)
    text = (ROOT / "framework" / "crosswalks" / "dfe-tqd-2023.yaml").read_text(encoding="utf-8")
    kept, dropping = [], False
    for line in text.split("\n"):
        # The field and its indented continuation lines go together.
        dropping = line.startswith(f"{field}:") or (dropping and line.startswith(" "))
        if not dropping:
            kept.append(line)
    (folder / "dfe-tqd-2023.yaml").write_text("\n".join(kept), encoding="utf-8")
    _, problems, _ = load_crosswalks(folder, tmp_path, framework)
    assert [(p.field, p.message.split(";")[0]) for p in problems] == [(field, "is missing")]


@pytest.fixture(scope="module")
def with_second_crosswalk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The mini fixture with a second crosswalk file dropped in, rendered: nothing else changes."""
    project = tmp_path_factory.mktemp("mini") / "mini"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", project)
    (project / "framework" / "crosswalks").mkdir()
    shutil.copy(
        ROOT / "tests" / "fixtures" / "crosswalk" / "trust-standards-draft.yaml", project / "framework" / "crosswalks"
    )
    loaded = load_atlas(project)
    assert loaded.problems == [] and loaded.atlas is not None
    assert [(w.line, w.field, w.message) for w in loaded.warnings] == [
        (
            18,
            "headings",
            "nothing in the framework is linked to 'estates', so its page shows it as a gap; "
            "add a link to it, or a 'gap' line saying why nothing in the framework fits it",
        )
    ]
    return render_site(loaded.atlas)


def test_a_second_crosswalk_gets_its_pages_from_one_file(with_second_crosswalk: dict[str, str]) -> None:
    pages = with_second_crosswalk
    assert sorted(p for p in pages if p.startswith("crosswalks/")) == [
        "crosswalks/index.md",
        "crosswalks/trust-standards-draft/collaboration.md",
        "crosswalks/trust-standards-draft/estates.md",
        "crosswalks/trust-standards-draft/index.md",
        "crosswalks/trust-standards-draft/people-and-pupils.md",
    ]
    index = pages["crosswalks/index.md"]
    assert "[Trust standards \\(test\\)](trust-standards-draft/index.md)" in index
    page = pages["crosswalks/trust-standards-draft/index.md"]
    assert "This mapping is the atlas's own reading" in page and "made on 6 December 2026" in page
    assert "framework/crosswalks/trust-standards-draft.yaml" in page and "## Gaps {#gaps}" in page
    assert "is linked to [Estates](estates.md). The framework says little about it" in page
    assert "## Standards {#headings}" in page
    assert "- [2A](../../framework/2a.md): Nothing in the test framework fits it\\." in page
    collaboration = pages["crosswalks/trust-standards-draft/collaboration.md"]
    # Cases tagged to question 1A.ii, grouped by spectrum position; beta-finding is tagged to 1A alone.
    assert "### Alignment {#cases-alignment}" in collaboration and "### Autonomy {#cases-autonomy}" in collaboration
    assert "cases/alpha-practice/" in collaboration and "cases/gamma-network/" in collaboration
    assert "cases/beta-finding/" not in collaboration
    assert "People &amp; pupils" in pages["crosswalks/trust-standards-draft/people-and-pupils.md"]
    assert "Staff &lt;and&gt; pupils" in pages["crosswalks/trust-standards-draft/people-and-pupils.md"]
    assert "**A gap.**" in pages["crosswalks/trust-standards-draft/estates.md"]
    assert (
        "In our reading of the [Trust standards \\(test\\)](../crosswalks/trust-standards-draft/index.md)"
        in (pages["framework/1b.md"])
    )
    assert (
        "bears on the standard [People &amp; pupils](../crosswalks/trust-standards-draft/people-and-pupils.md)"
        in (pages["framework/1b.md"])
    )
    assert "links 2A to no standard: Nothing in the test framework fits it\\." in pages["framework/2a.md"]


def test_a_second_crosswalk_gets_its_filter_and_self_assessment_summary(with_second_crosswalk: dict[str, str]) -> None:
    explorer = with_second_crosswalk["explore.md"]
    assert '<select id="atlas-trust-standards-draft" name="trust-standards-draft">' in explorer
    assert '<option value="people-and-pupils">People &amp; pupils</option>' in explorer
    assert 'data-trust-standards-draft="collaboration"' in explorer
    sa = with_second_crosswalk["self-assessment.md"]
    assert 'data-crosswalk="trust-standards-draft" data-facet="standard"' in sa
    assert '<tr data-pillar="people-and-pupils" data-name="People &amp; pupils" data-elements="1b">' in sa


def test_a_second_crosswalk_reaches_the_open_data_and_its_schemas(with_second_crosswalk: dict[str, str]) -> None:
    files = with_second_crosswalk
    for data, schema in (
        ("api/cases.json", "api/cases.schema.json"),
        ("api/crosswalks.json", "api/crosswalks.schema.json"),
    ):
        schema_doc = json.loads(files[schema])
        jsonschema.Draft202012Validator.check_schema(schema_doc)
        jsonschema.validate(json.loads(files[data]), schema_doc, format_checker=jsonschema.FormatChecker())
    cases = {c["id"]: c["crosswalk_headings"] for c in json.loads(files["api/cases.json"])["cases"]}
    assert cases == {
        "alpha-practice": ["trust-standards-draft/collaboration"],
        "beta-finding": ["trust-standards-draft/people-and-pupils"],
        "delta-standard": [],
        "gamma-network": ["trust-standards-draft/collaboration"],
    }
    (crosswalk,) = json.loads(files["api/crosswalks.json"])["crosswalks"]
    assert crosswalk["address"] == "/crosswalks/trust-standards-draft/" and crosswalk["date"] == "2027"
    assert [(h["id"], h["elements"], h["cases"], h["gap"]) for h in crosswalk["headings"]] == [
        ("collaboration", ["1A"], 2, False),
        ("people-and-pupils", ["1B"], 1, False),
        ("estates", [], 0, True),
    ]
    assert crosswalk["unmapped"] == [{"element": "2A", "reason": "Nothing in the test framework fits it."}]
    assert "crosswalk_headings" in CSV_COLUMNS
    assert "trust-standards-draft/collaboration" in files["api/cases.csv"]


def test_the_crosswalk_pages_reach_search_without_their_lists_of_cases(built: tuple[Path, Atlas]) -> None:
    from tests.test_search import indexed

    site, atlas = built
    pages = indexed(site)
    (dfe,) = atlas.crosswalks
    assert {"/crosswalks/", dfe.address, *(h.address for h in dfe.headings)} <= set(pages)
    workforce = pages["/crosswalks/dfe-tqd-2023/workforce/"]
    assert "How the trust trains, recruits, develops, deploys and keeps its teachers" in workforce
    assert "This mapping is the atlas's own reading" in workforce
    # The cases are found as themselves, not through the pillar's list of them.
    assert "; evidence: " not in workforce


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  - from: 1A\n", "  - from: [1A, 2B]\n", ["links[1].from: must be an element such as 1C or a question"]),
        ("    to: workforce\n", "    to: {a: 1}\n", ["links[8].to: must be text, not a group of 'key: value' lines"]),
        (
            "  - id: workforce\n",
            "  - id: index\n",
            ["headings[3].id: 'index' is reserved for the crosswalk's own page"]
            + [f"links[{n}].to: 'workforce' is not a heading of this file;" for n in (8, 11, 12)],
        ),
        (
            "unmapped: []",
            "unmapped:\n  - element: 2B.i\n    reason: x",
            ["unmapped[1].element: must be an element such"],
        ),
        ("headings:\n", "headings: 3\nold:\n", ["headings: must be a list", "old: is not a known field"]),
        (
            "    name: Workforce\n",
            "    name: Workforce\n    gap: Nothing fits.\n",
            ["headings.gap: 'workforce' has links"],
        ),
    ],
)
def test_odd_values_are_reported_once_and_never_crash_the_check(
    tmp_path: Path, framework: Framework, old: str, new: str, expected: list[str]
) -> None:
    folder = tmp_path / "framework" / "crosswalks"
    folder.mkdir(parents=True)
    text = (ROOT / "framework" / "crosswalks" / "dfe-tqd-2023.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / "dfe-tqd-2023.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    _, problems, _ = load_crosswalks(folder, tmp_path, framework)
    found = [f"{p.field}: {p.message}" for p in problems]
    assert len(found) == len(expected) and all(f.startswith(e) for f, e in zip(found, expected, strict=True)), found
