"""Permanent addresses: the ledger resolves, renamed cases redirect, withdrawn cases explain and point on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atlas.addresses import page_address, read_ledger
from atlas.model import Framework
from tests.conftest import ROOT, CheckText, valid_case
from tests.test_build import copy_project, mkdocs_build, parse

LEDGER = read_ledger(ROOT / "addresses.txt")


def unresolved(site: Path, ledger: list[str]) -> list[str]:
    """The ledger addresses that are not a page, a file, an anchor on a page, or a redirect."""
    missing = []
    for address in ledger:
        path, _, anchor = address.partition("#")
        target = site / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file() or (anchor and anchor not in parse(target).ids):
            missing.append(address)
    return missing


def redirect_target(page: Path) -> str | None:
    match = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def test_page_address() -> None:
    assert [page_address(p) for p in ("index.md", "about.md", "contributing/index.md", "guide/spectrum.md")] == [
        "/",
        "/about/",
        "/contributing/",
        "/guide/spectrum/",
    ]


def test_the_ledger_is_sorted_and_covers_every_element_question_and_case() -> None:
    assert sorted(set(LEDGER)) == LEDGER
    assert "/framework/1c/#1c-ii" in LEDGER
    assert "/cases/bdat-send-adaptive-teaching/" in LEDGER
    assert "/api/cases.json" in LEDGER and "/feed.xml" in LEDGER


def test_every_ledger_address_resolves(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    assert unresolved(tmp_path / "site", LEDGER) == []


def test_the_checker_notices_a_missing_address(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h3 id="x">x</h3>')
    assert unresolved(tmp_path, ["/a/", "/a/#x", "/a/#y", "/b/"]) == ["/a/#y", "/b/"]


def test_renaming_a_case_keeps_every_ledger_address_working(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    old, new = "mutual-mat-visits", "trusts-visiting-each-other"
    text = (project / "cases" / f"{old}.md").read_text(encoding="utf-8")
    text = text.replace(f"id: {old}\n", f"id: {new}\naliases: [{old}]\n")
    (project / "cases" / f"{old}.md").unlink()
    (project / "cases" / f"{new}.md").write_text(text, encoding="utf-8")
    # Other cases link to the old file; a rename updates those links in the same change.
    for path in (project / "cases").glob("*.md"):
        path.write_text(path.read_text(encoding="utf-8").replace(f"]({old}.md", f"]({new}.md"), encoding="utf-8")
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    site = tmp_path / "site"
    assert unresolved(site, LEDGER) == []
    assert redirect_target(site / "cases" / old / "index.html") == f"../{new}/"
    assert (site / "cases" / new / "index.html").is_file()


def test_a_rename_that_leaves_old_links_in_other_cases_still_builds(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    old, new = "mutual-mat-visits", "trusts-visiting-each-other"
    linkers = [p.stem for p in (project / "cases").glob("*.md") if f"]({old}.md" in p.read_text(encoding="utf-8")]
    assert linkers, "some case links to the case renamed here"
    text = (project / "cases" / f"{old}.md").read_text(encoding="utf-8")
    (project / "cases" / f"{old}.md").unlink()
    (project / "cases" / f"{new}.md").write_text(text.replace(f"id: {old}\n", f"id: {new}\naliases: [{old}]\n"))
    run = mkdocs_build(project, tmp_path / "site")
    assert run.returncode == 0, run.stderr
    for linker in linkers:
        assert f"cases/{linker}.md" in run.stderr and f"an earlier id of the case now called '{new}'" in run.stderr
        html = (tmp_path / "site" / "cases" / linker / "index.html").read_text(encoding="utf-8")
        assert f'href="../{new}/' in html and f'href="../{old}/' not in html
    assert unresolved(tmp_path / "site", LEDGER) == []


def test_a_withdrawn_case_explains_and_points_on(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    gone, successor = "mutual-mat-visits", "mat-role-based-networks"
    path = project / "cases" / f"{gone}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "published:",
            f"withdrawn:\n  reason: Merged into the case on role-based networks.\n  superseded_by: {successor}\npublished:",
        ),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    run = mkdocs_build(project, site)
    assert run.returncode == 0, run.stderr
    page = (site / "cases" / gone / "index.html").read_text(encoding="utf-8")
    assert "This case has been withdrawn" in page
    assert "Merged into the case on role-based networks." in page
    assert f'href="../{successor}/"' in page
    assert unresolved(site, LEDGER) == []
    assert f"{gone}/" not in (site / "cases" / "index.html").read_text(encoding="utf-8")
    for element in ("6b", "2a", "5b"):
        assert f"cases/{gone}/" not in (site / "framework" / element / "index.html").read_text(encoding="utf-8")
    assert f'"id": "{gone}"' not in (site / "api" / "cases.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            {"tags": "tags: [a]\naliases: [example-case]"},
            "aliases[1]: 'example-case' is this case's own id; list only earlier ids",
        ),
        (
            {"tags": "tags: [a]\naliases: [Old_Id]"},
            "aliases[1]: must be lowercase letters, digits and single hyphens, not 'Old_Id' (did you mean 'old-id'?)",
        ),
        (
            {"tags": "tags: [a]\nwithdrawn:\n  reason: Out of date.\n  superseded_by: no-such-case"},
            "withdrawn.superseded_by: no case has the id 'no-such-case'",
        ),
        (
            {"tags": "tags: [a]\nwithdrawn:\n  superseded_by: other"},
            "withdrawn.reason: is missing; add it, for example 'reason: \"Merged into a fuller case.\"'",
        ),
    ],
)
def test_alias_and_withdrawal_fields(lines: dict[str, str], expected: str, check_text: CheckText) -> None:
    assert [f"{p.field}: {p.message}" for p in check_text(valid_case(**lines))] == [expected]


def test_an_alias_may_not_take_another_cases_address(tmp_path: Path, framework: Framework) -> None:
    from atlas.validate import load_cases

    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "first-case.md").write_text(valid_case("first-case"), encoding="utf-8")
    (cases / "second-case.md").write_text(
        valid_case("second-case", tags="tags: [a]\naliases: [first-case, old-one]"), encoding="utf-8"
    )
    (cases / "third-case.md").write_text(
        valid_case("third-case", tags="tags: [a]\naliases: [old-one]"), encoding="utf-8"
    )
    _, problems, _ = load_cases(sorted(cases.glob("*.md")), tmp_path, framework)
    assert [str(p) for p in problems] == [
        "cases/second-case.md:25: aliases, item 1: 'first-case' is the id of cases/first-case.md; an address can lead to one case only",
        "cases/third-case.md:25: aliases, item 1: 'old-one' is already an alias of cases/second-case.md; an address can lead to one case only",
    ]


def _write_case(folder: Path, ident: str, text: str) -> Path:
    path = folder / f"{ident}.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_link_to_an_earlier_id_leads_to_the_case_with_a_warning(tmp_path: Path, framework: Framework) -> None:
    from atlas.validate import load_cases

    cases = tmp_path / "cases"
    cases.mkdir()
    renamed = _write_case(cases, "trust-visits", valid_case("trust-visits", tags="tags: [a]\naliases: [mutual-visits]"))
    linking = valid_case("linking-case").replace(
        "Some text.", "Some text, and see [the visits](mutual-visits.md#context) and [again](mutual-visits.md)."
    )
    linker = _write_case(cases, "linking-case", linking)
    found = load_cases([renamed, linker], tmp_path, framework)
    assert found.problems == []
    assert [str(w) for w in found.warnings] == [
        "cases/linking-case.md:29: body: links to 'mutual-visits.md', an earlier id of the case now called "
        "'trust-visits'; the link leads there, but change it to 'trust-visits.md'"
    ]
    case = next(c for c in found.cases if c.id == "linking-case")
    assert 'href="../trust-visits/#context"' in case.body_html and 'href="../trust-visits/"' in case.body_html
    assert "mutual-visits/" not in case.body_html


def test_an_earlier_id_is_found_when_only_the_linking_case_is_checked(tmp_path: Path, framework: Framework) -> None:
    from atlas.validate import load_cases

    cases = tmp_path / "cases"
    cases.mkdir()
    _write_case(cases, "trust-visits", valid_case("trust-visits", tags="tags: [a]\naliases: [mutual-visits]"))
    linker = _write_case(
        cases, "linking-case", valid_case("linking-case").replace("Some text.", "See [x](mutual-visits.md).")
    )
    found = load_cases([linker], tmp_path, framework)
    assert (found.problems, [w.field for w in found.warnings]) == ([], ["body"])


def test_a_link_to_no_case_at_all_still_fails(check_text: CheckText) -> None:
    text = valid_case().replace("Some text.", "See [x](no-such-case.md).")
    assert [str(p) for p in check_text(text)] == [
        "cases/example-case.md:29: body: links to 'no-such-case.md', but there is no such page; check the file "
        "name (other cases are '<id>.md')"
    ]
