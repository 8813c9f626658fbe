"""The case contract is declared once: everything that restates it is generated from it or checked against it."""

from __future__ import annotations

import csv
import io
import posixpath
import re
import subprocess
import sys
import types
import typing
from pathlib import Path

import frontmatter
import pytest

from atlas import schema
from atlas.export import BOM, CASE_DATA, CSV_COLUMNS, case_records, cases_csv
from atlas.index import build_index
from atlas.placeholders import template_text
from atlas.render import fill_contributing, render_site
from atlas.validate import case_specs, load_atlas
from tests.conftest import ROOT, valid_case
from tests.test_build import copy_project

CODE = [*(ROOT / "atlas").rglob("*.py"), *(ROOT / "hooks").glob("*.py"), *(ROOT / "scripts").glob("*.py")]
CODE += [*(ROOT / "docs" / "assets").glob("*.js")]


# The same word meaning something else: the sanitiser allows the HTML attribute <ol start>.
HOMONYMS = {"start": ("atlas/sanitise.py",)}


@pytest.mark.parametrize(
    "value",
    # A value that is also a field's key, such as the publisher kind 'trust', is written as that key too.
    sorted(
        {*(t for v in schema.VOCABULARIES for t in v.ids), *schema.POSITION_IDS, *schema.APPROACH_IDS}
        - set(schema.FIELDS)
    ),
)
def test_each_vocabulary_value_is_written_once_in_the_code(value: str) -> None:
    quoted = re.compile(rf"[\"']{re.escape(value)}[\"']")
    holders = [p.relative_to(ROOT).as_posix() for p in CODE if quoted.search(p.read_text(encoding="utf-8"))]
    assert [h for h in holders if h not in HOMONYMS.get(value, ())] == ["atlas/schema.py"]


def test_the_validator_checks_exactly_the_contract_fields(framework: object) -> None:
    from atlas.validate import load_framework

    fw, _ = load_framework(ROOT / "framework", ROOT)
    assert fw is not None
    assert list(case_specs(fw)) == [f.key for f in schema.CASE_FIELDS]


def test_the_template_follows_the_contract() -> None:
    template = frontmatter.loads(template_text())
    keys = list(template.metadata)
    order = [f.key for f in schema.CASE_FIELDS]
    assert keys == [k for k in order if k in keys], "the template's keys are out of the contract's order"
    assert {f.key for f in schema.CASE_FIELDS if f.needed} <= set(keys)
    assert set(keys) <= set(order)


def test_the_contributing_page_lists_every_field_and_label() -> None:
    page = fill_contributing((ROOT / "docs" / "contributing" / "index.md").read_text(encoding="utf-8"))
    for f in schema.CASE_FIELDS:
        assert f"| `{f.key}` | {f.required} |" in page
    for term in schema.EVIDENCE.terms:
        assert f"| `{term.id}` | {term.name}" in page
    for name in schema.HOUSE_STYLE.sections("practice"):
        assert f"`## {name}`" in page
    assert "<!-- atlas:" not in page


def test_every_open_data_field_has_a_csv_column() -> None:
    for key in CASE_DATA:
        assert any(column == key or column.startswith(key.rstrip("s") + "_") for column in CSV_COLUMNS), key


def test_python_frontmatter_reads_every_case_as_the_loader_does() -> None:
    loaded = load_atlas(ROOT)
    assert loaded.atlas is not None, loaded.problems
    for case in loaded.atlas.cases:
        post = frontmatter.loads((ROOT / case.path).read_text(encoding="utf-8"))
        assert post["id"] == case.id
        assert " ".join(str(post["title"]).split()) == case.title
        assert post["kind"] == case.kind and post["evidence"] == case.evidence
        assert post.get("spectrum") == case.spectrum and post.get("approach") == case.approach
        assert post.content.strip() == case.body.strip()


def test_a_new_plain_field_reaches_the_case_page_and_the_open_data() -> None:
    loaded = load_atlas(ROOT)
    assert loaded.atlas is not None
    case = next(c for c in loaded.atlas.live if c.years)
    pages = render_site(loaded.atlas)
    assert f"<li><strong>Years:</strong> {case.years}</li>" in pages[f"cases/{case.id}.md"]
    text = cases_csv(case_records(loaded.atlas, build_index(loaded.atlas))).removeprefix(BOM)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert next(r for r in rows if r["id"] == case.id)["years"] == case.years


def make_check(project: Path, *files: str) -> tuple[int, str]:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check.py"), "--root", str(project), *files],
        capture_output=True,
        text=True,
        check=False,
    )
    return run.returncode, run.stdout


BODY = valid_case("a-contract-case").split("---\n", 2)[2]
HEAD = valid_case("a-contract-case")[: -len(BODY)]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "template",
            template_text().replace("your-case-id", "a-contract-case"),
            "a case needs at least 250",
        ),
        ("renamed-heading", HEAD + BODY.replace("## What they do", "## What we did"), "has '## What we did' where '## What they do' belongs"),
        ("ninety-nine-words", HEAD + "## Context\n\n" + "word " * 68 + "\n\n## What they do\n\nx\n\n## Where it sits on the spectrum and why\n\nx\n\n## Evidence and impact\n\nx\n\n## Questions for your trust\n\n- Why? See [1C.ii](../framework/1c.md#1c-ii).\n", "has 99 words"),
        ("unlinked-question", HEAD + BODY.replace(" See [4A.i](../framework/4a.md#4a-i).", ""), "does not link to a framework question"),
    ],
)  # fmt: skip
def test_what_the_corpus_tests_refuse_make_check_refuses_first(
    name: str, text: str, message: str, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    path = project / "cases" / "a-contract-case.md"
    path.write_text(text, encoding="utf-8")
    status, output = make_check(project, str(path))
    assert status == 1
    assert message in output, output


def _nav_paths(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [p for value in node.values() for p in _nav_paths(value)]
    if isinstance(node, list):
        return [p for item in node for p in _nav_paths(item)]
    return []


def test_the_nav_lists_exactly_the_generated_pages_and_the_hand_written_ones() -> None:
    # mkdocs.yml lists the generated pages by hand; this fails when it drifts from what the build generates.
    import yaml

    from atlas import composer
    from atlas.markdown import _ConfigLoader

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    nav = _nav_paths(config["nav"])
    loaded = load_atlas(ROOT)
    assert loaded.atlas is not None
    # Each crosswalk's pages are reached from crosswalks/index.md, so a new crosswalk file needs no nav entry.
    per_crosswalk = {p for p in render_site(loaded.atlas) if p.startswith("crosswalks/") and p.count("/") > 1}
    assert per_crosswalk, "the DfE crosswalk makes pages of its own"
    generated = {
        p for p in render_site(loaded.atlas) if p.endswith(".md") and not p.startswith("cases/")
    } - per_crosswalk
    generated.add("cases/index.md")
    generated.add(composer.PAGE.path())
    hand_written = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert {p for p in nav if p not in hand_written} == generated
    assert len(nav) == len(set(nav))
    assert not any(p.startswith("cases/") and p != "cases/index.md" for p in nav), "cases never go in the nav"
    assert not per_crosswalk & set(nav)


def test_each_address_pattern_is_written_once_in_the_code() -> None:
    # A page kind's path written out anywhere but atlas/pages.py would be a second definition of it.
    pattern = re.compile(r"(?:framework|spectrum|approach|cases)/\{")
    holders = sorted(
        p.relative_to(ROOT).as_posix()
        for p in [*(ROOT / "atlas").rglob("*.py"), *(ROOT / "hooks").glob("*.py")]
        if pattern.search(p.read_text(encoding="utf-8"))
    )
    assert holders == ["atlas/pages.py"]


def test_pages_give_paths_urls_addresses_and_links() -> None:
    from atlas import pages

    assert pages.ELEMENT.path("1c") == "framework/1c.md"
    assert pages.ELEMENT.url("1c") == "framework/1c/"
    assert pages.ELEMENT.address("1c") == "/framework/1c/"
    assert pages.FRAMEWORK.url() == "framework/" and pages.WANTED.url() == "wanted/"
    assert pages.CASE.link_from(pages.ELEMENT.path("1c"), "x") == "../cases/x.md"
    assert pages.ELEMENT.link_from(pages.WANTED.path(), "1c", "1c-ii") == "framework/1c.md#1c-ii"
    assert pages.ELEMENT.href_from(pages.CASE.path("x"), "1c", "1c-ii") == "../../framework/1c/#1c-ii"
    assert pages.CASE.href_from(pages.CASES.path(), "x") == "x/"
    assert pages.CASE.href_from(pages.CASE.path("x"), "y") == "../y/"
    assert pages.FRAMEWORK.href_from(pages.CASE.path("x")) == "../../framework/"


def test_links_between_pages_agree_with_posixpath() -> None:
    from atlas import pages

    urls = ["", "a/", "a/b/", "a/b/c/", "a/x/", "b/", "a/b/f.json", "f.csv", "a/f.csv", "cases/x/", "cases/"]
    for here in urls:
        for there in urls:
            base = here if here.endswith("/") else posixpath.dirname(here) + "/"
            expected = posixpath.relpath(there or ".", base.rstrip("/") or ".")
            if there.endswith("/") and expected != ".":
                expected += "/"
            assert pages.href(here, there) == ("./" if expected == "." else expected), (here, there)


def test_a_case_holds_every_contract_field_and_its_typed_names_are_contract_fields() -> None:
    from atlas.model import Case

    loaded = load_atlas(ROOT)
    assert loaded.atlas is not None
    for case in loaded.atlas.cases:
        assert list(case.values) == [f.key for f in schema.CASE_FIELDS], case.id
    views = {name: value for name, value in vars(Case).items() if type(value).__name__ == "_Value"}
    assert views and set(views) <= set(schema.FIELDS)
    # Each typed name's type is what the contract builds for it, in every case.
    for name, view in views.items():
        (wanted,) = typing.get_args(view.__orig_class__)
        union = isinstance(wanted, types.UnionType)
        kinds = tuple(typing.get_origin(t) or t for t in (typing.get_args(wanted) if union else (wanted,)))
        assert kinds and all(isinstance(getattr(c, name), kinds) for c in loaded.atlas.cases), name
    assert any(c.trust for c in loaded.atlas.cases) and any(c.years for c in loaded.atlas.cases)
