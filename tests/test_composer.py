"""The composer spec: made from the contract and the validator's rules, golden for the mini atlas, and open to a
new field with nothing else to change; the script that reads it declares no field or message of its own."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import pytest

from atlas import composer, schema
from atlas.messages import MESSAGES
from atlas.model import Atlas, Framework
from atlas.render import Rendered
from atlas.validate import TEXT, Spec, case_specs, check_choice, load_atlas
from tests.conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "mini"
GOLDEN = ROOT / "tests" / "golden" / "composer"
SCRIPT = (ROOT / "docs" / "assets" / "composer.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def mini() -> Atlas:
    loaded = load_atlas(MINI)
    assert loaded.atlas is not None, loaded.problems
    return loaded.atlas


def test_the_composer_page_and_spec_match_golden_files(mini: Atlas) -> None:
    made = composer.added(Rendered({}, {}, {}), mini, "https://github.com/example/atlas", "edit/main/docs/")
    files = {path: made.pages[path] for path in made.pages}
    files["contributing/new.html"] = made.blocks[composer.PAGE.path()][0]
    if os.environ.get("UPDATE_GOLDEN"):
        for path, text in files.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_text(text, encoding="utf-8")
    for path, text in files.items():
        assert text == (GOLDEN / path).read_text(encoding="utf-8"), f"{path} differs from tests/golden/composer/{path}"
    # Rendering is pure: the same atlas gives the same bytes.
    again = composer.added(Rendered({}, {}, {}), mini, "https://github.com/example/atlas", "edit/main/docs/")
    assert again == made


def test_every_field_of_the_contract_is_in_the_spec_with_its_rule(mini: Atlas) -> None:
    spec = composer.spec(mini)
    keys = [f["key"] for f in spec["fields"]]
    assert keys == [f.key for f in schema.CASE_FIELDS if f.key not in composer.NOT_PROPOSED]
    rules = {f["key"]: f["rule"] for f in spec["fields"]}
    assert rules["title"] == {"kind": "text", "max": 150, "one_line": True}
    assert rules["elements"]["kind"] == "list" and rules["elements"]["item"] == {"kind": "ref"}
    sources = rules["sources"]["item"]
    assert [f["key"] for f in sources["fields"]] == [f.key for f in schema.SOURCE_FIELDS]
    assert sources["one_of"] == []  # every source names its publisher (framework/publishers.yaml)
    assert rules["trust"]["fields"][1]["rule"] == {
        "kind": "whole_number",
        "what": "schools",
        "highest": 999,
        "example": 12,
    }
    assert spec["messages"] == MESSAGES
    assert spec["date_errors"]["day"] == "day is out of range for month"
    assert spec["repository"] is None


def test_the_repository_comes_from_the_sites_settings(mini: Atlas) -> None:
    assert composer.spec(mini, "https://github.com/o/r/", "edit/dev/docs/")["repository"] == {
        "url": "https://github.com/o/r",
        "branch": "dev",
        "form": "case-study.yml",
    }
    assert composer.spec(mini, "https://github.com/o/r", "")["repository"]["branch"] == "main"
    assert composer.spec(mini, "javascript:alert(1)", "")["repository"] is None


def test_a_new_field_in_the_contract_reaches_the_composer_and_the_issue_form(
    mini: Atlas, framework: Framework, monkeypatch: pytest.MonkeyPatch
) -> None:
    motto = schema.Field("motto", "Motto", "no", "The trust's motto, if the source gives one.", '"Together"')
    monkeypatch.setattr(schema, "CASE_FIELDS", (*schema.CASE_FIELDS, motto))

    def with_motto(fw: Framework) -> dict[str, Spec]:
        original = {f.key: f for f in schema.CASE_FIELDS if f.key != "motto"}
        monkeypatch.setattr(schema, "CASE_FIELDS", tuple(original.values()))
        specs = case_specs(fw)
        monkeypatch.setattr(schema, "CASE_FIELDS", (*original.values(), motto))
        return {**specs, "motto": Spec(TEXT)}

    monkeypatch.setattr(composer, "case_specs", with_motto)
    made = composer.added(Rendered({}, {}, {}), mini)
    spec = json.loads(made.pages[composer.SPEC_FILE])
    assert spec["fields"][-1]["key"] == "motto" and spec["fields"][-1]["rule"] == {"kind": "text"}
    assert 'data-path="motto"' in made.blocks[composer.PAGE.path()][0]
    assert "id: motto" in composer.issue_form(framework)


def test_a_check_without_a_rule_is_left_to_make_check() -> None:
    def bare(node: object, field: str) -> Iterator[tuple[int, str, str]]:
        return iter(())

    assert composer._describe_rule(bare) == {"kind": "unchecked"}


def test_a_closed_list_without_names_is_offered_by_its_values(mini: Atlas, monkeypatch: pytest.MonkeyPatch) -> None:
    # Such as a source's publisher chosen from a list of ids: the values are the options.
    real = case_specs

    def with_list(fw: Framework) -> dict[str, Spec]:
        specs = real(fw)
        return {**specs, "contributor": Spec(check_choice(("network-a", "network-b")))}

    monkeypatch.setattr(composer, "case_specs", with_list)
    form = composer.added(Rendered({}, {}, {}), mini).blocks[composer.PAGE.path()][0]
    assert "<option>network-a</option><option>network-b</option>" in form


def test_the_script_declares_no_field_and_no_message() -> None:
    # Field names the script may name: the id is made from the title, and the kind names the second section.
    quoted = set(re.findall(r"""["']([a-z_]+)["']""", SCRIPT))
    fields = {f.key for f in (*schema.CASE_FIELDS, *schema.SOURCE_FIELDS, *schema.TRUST_FIELDS)}
    kinds = {"text", "choice", "list", "group", "date", "url", "id", "ref", "years", "whole_number"}
    assert quoted & fields <= {"id", "title"} | kinds
    assert set(re.findall(r'say\("(\w+)"', SCRIPT)) <= set(MESSAGES)
    for message in MESSAGES.values():
        assert message[:25] not in SCRIPT, message


def test_the_wanted_page_links_each_gap_to_the_composer(mini: Atlas) -> None:
    from atlas.render import wanted_page

    page = wanted_page(mini)
    rows = [line for line in page.split("\n") if line.startswith("| ") and "make new" in line]
    assert rows and all("](contributing/new.md?" in line for line in rows)
    assert all(line.index("contributing/new.md?") < line.index("make new") for line in rows)
