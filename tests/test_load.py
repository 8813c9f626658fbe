"""How the loader treats files that cannot be read as a case: every one is a problem, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.load import list_case_files
from atlas.model import Framework
from atlas.validate import load_cases
from tests.conftest import ROOT, CheckText, valid_case

REL = "cases/example-case.md"


def problems_for(raw: bytes, tmp_path: Path, framework: Framework) -> list[str]:
    (tmp_path / "cases").mkdir(exist_ok=True)
    path = tmp_path / "cases" / "example-case.md"
    path.write_bytes(raw)
    cases, problems, _ = load_cases([path], tmp_path, framework)
    assert not (cases and problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", [f"{REL}:1: file: the file is empty; copy the case template and fill it in"]),
        (b"  \n\n", [f"{REL}:1: file: the file is empty; copy the case template and fill it in"]),
        (
            b"id: x\n",
            [
                f"{REL}:1: front matter: the file must start with a line of three dashes '---', not 'id: x'; "
                "put the case's details between two '---' lines at the top (see the template)"
            ],
        ),
        (
            b"---\nid: x\n",
            [
                f"{REL}:1: front matter: the front matter is never closed; "
                "add a line of three dashes '---' after the last field"
            ],
        ),
        (
            b"---\n---\nBody\n",
            [f"{REL}:2: front matter: the front matter is empty; it needs 'key: value' lines"],
        ),
        (
            b"---\n- a\n- b\n---\nBody\n",
            [f"{REL}:2: front matter: the front matter must be 'key: value' lines, not a list"],
        ),
        (
            b"---\njust words\n---\nBody\n",
            [f"{REL}:2: front matter: the front matter must be 'key: value' lines, not the single value 'just words'"],
        ),
        (
            b"---\nid: x\ntitle: [unclosed\n---\nBody\n",
            [
                f"{REL}:3: front matter: the YAML cannot be read (did not find expected ',' or ']'); "
                "check the colons, quotes and indentation on this line"
            ],
        ),
        (
            b"---\nid: x\n\ttitle: tab\n---\n",
            [
                f"{REL}:3: front matter: the YAML cannot be read (found a tab character that violates indentation); "
                "check the colons, quotes and indentation on this line"
            ],
        ),
        (
            b"---\nid: caf\xe9\n---\n",
            [
                f"{REL}:2: encoding: the file is not UTF-8 text (byte b'\\xe9' cannot be read); "
                "save it again choosing the UTF-8 encoding"
            ],
        ),
    ],
    ids=[
        "empty",
        "blank",
        "no-front-matter",
        "unclosed",
        "empty-front-matter",
        "list",
        "scalar",
        "syntax",
        "tab",
        "latin1",
    ],
)
def test_unreadable_files_are_problems(raw: bytes, expected: list[str], tmp_path: Path, framework: Framework) -> None:
    assert problems_for(raw, tmp_path, framework) == expected


def test_bom_and_windows_line_endings_are_accepted(tmp_path: Path, framework: Framework) -> None:
    raw = b"\xef\xbb\xbf" + valid_case().replace("\n", "\r\n").encode("utf-8")
    assert problems_for(raw, tmp_path, framework) == []


def test_line_numbers_survive_windows_line_endings(tmp_path: Path, framework: Framework) -> None:
    raw = valid_case(kind="kind: practise").replace("\n", "\r\n").encode("utf-8")
    assert problems_for(raw, tmp_path, framework) == [
        f"{REL}:6: kind: must be one of practice, finding, network, not 'practise' (did you mean 'practice'?)"
    ]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "id: x\ntags: &a [*a]\n",
            [
                "3: front matter: uses the alias '*a'; anchors and aliases are not allowed, so write the value out in full"
            ],
        ),
        (
            "a: &a [x, x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
            [
                f"{n}: front matter: uses the alias '*{name}'; anchors and aliases are not allowed, so write the value out in full"
                for n, name in ((3, "a"), (3, "a"), (4, "b"), (4, "b"))
            ],
        ),
        (
            "id: x\ntitle: a\x07b\n",
            ["3: front matter: contains the control character U+0007, which YAML does not allow; delete it"],
        ),
    ],
    ids=["self-alias", "alias-bomb", "control-character"],
)
def test_yaml_shapes_that_are_problems(front: str, expected: list[str], tmp_path: Path, framework: Framework) -> None:
    raw = f"---\n{front}---\nBody\n".encode()
    assert problems_for(raw, tmp_path, framework) == [f"{REL}:{e}" for e in expected]


def test_keys_must_be_plain_words(check_text: CheckText) -> None:
    text = valid_case(tags="tags: [a]\n? [a]\n: x")
    assert [str(p) for p in check_text(text)] == [
        "cases/example-case.md:25: front matter: a key must be a plain word such as 'title'"
    ]


def test_merge_keys_are_reported(check_text: CheckText) -> None:
    text = valid_case(tags="tags: [a]\n<<: {contributor: x}")
    assert [str(p) for p in check_text(text)] == [
        "cases/example-case.md:25: front matter: merge keys ('<<') are not allowed; write the fields out"
    ]


def test_anything_in_cases_that_is_not_a_case_file_is_reported(tmp_path: Path, framework: Framework) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a-case.md").write_text("x")
    (cases / "folder.md").mkdir()
    (cases / "notes.txt").write_text("x")
    (cases / "SHOUTING.MD").write_text("x")
    (cases / ".gitkeep").write_text("")
    paths, problems = list_case_files(cases, tmp_path)
    assert [p.name for p in paths] == ["a-case.md"]
    assert [str(p) for p in problems] == [
        "cases/.gitkeep:1: file: starts with a dot, so it would be skipped silently; rename or remove it",
        "cases/SHOUTING.MD:1: file: is not a case file: case files end in '.md', not '.MD'; rename it to SHOUTING.md",
        "cases/folder.md:1: file: is a folder; cases/ holds only case files named <id>.md and images/",
        "cases/notes.txt:1: file: is not a case file: case files end in '.md', not '.txt'; move it out",
    ]


def test_an_unreadable_file_is_a_problem(tmp_path: Path, framework: Framework) -> None:
    (tmp_path / "cases").mkdir()
    gone = tmp_path / "cases" / "gone.md"
    _, problems, _ = load_cases([gone], tmp_path, framework)
    assert [str(p) for p in problems] == ["cases/gone.md:1: file: cannot be read (No such file or directory)"]


def test_the_same_file_twice_is_checked_once(tmp_path: Path, framework: Framework) -> None:
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "example-case.md"
    path.write_text(valid_case(), encoding="utf-8")
    cases, problems, _ = load_cases([path, path], tmp_path, framework)
    assert (len(cases), problems) == (1, [])


def test_the_same_id_in_two_folders_is_a_problem(tmp_path: Path, framework: Framework) -> None:
    for folder in ("cases", "more"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "example-case.md").write_text(valid_case(), encoding="utf-8")
    paths = [tmp_path / "cases" / "example-case.md", tmp_path / "more" / "example-case.md"]
    cases, problems, _ = load_cases(paths, tmp_path, framework)
    assert [c.path for c in cases] == ["cases/example-case.md"]
    assert [str(p) for p in problems] == [
        "more/example-case.md:2: id: 'example-case' is already the id of cases/example-case.md; ids must be unique"
    ]


def test_the_template_is_valid_but_its_unfilled_body_is_not_a_case(check_text: CheckText) -> None:
    # Every field of the template passes; make check still refuses it until the body is written,
    # as the pull-request check would.
    template = (ROOT / "atlas" / "templates" / "case.md").read_text(encoding="utf-8")
    assert [str(p) for p in check_text(template, name="your-case-id")] == [
        "cases/your-case-id.md:28: body: has 120 words; a case needs at least 250, so say more about the context, "
        "what happened and what the evidence shows"
    ]


def test_a_copied_case_with_its_id_unchanged_gets_a_one_line_fix(tmp_path: Path, framework: Framework) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "example-case.md").write_text(valid_case(), encoding="utf-8")
    (cases / "my-new-case.md").write_text(valid_case(), encoding="utf-8")
    _, problems, _ = load_cases(sorted(cases.glob("*.md")), tmp_path, framework)
    assert [str(p) for p in problems] == [
        "cases/my-new-case.md:2: id: 'example-case' is already the id of cases/example-case.md; "
        "change it to 'my-new-case' to match this file's name"
    ]


def test_checking_in_several_processes_finds_what_one_process_finds(tmp_path: Path, framework: Framework) -> None:
    import shutil

    from atlas.synthetic import write_corpus
    from atlas.validate import PARALLEL_FROM

    for part in ("framework", "docs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy2(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    paths = write_corpus(tmp_path / "cases", PARALLEL_FROM + 10, framework)
    # Two broken files among them, so the problems are compared too.
    paths[3].write_text(paths[3].read_text(encoding="utf-8").replace("\nkind: ", "\nkind: nonsense\nx: "), "utf-8")
    (tmp_path / "cases" / "zz-broken.md").write_text(valid_case("zz-broken", evidence="evidence: rumour"), "utf-8")
    listed, _ = list_case_files(tmp_path / "cases", tmp_path)
    one = load_cases(listed, tmp_path, framework)
    two = load_cases(listed, tmp_path, framework, workers=2)
    assert len(one.problems) >= 3 and len(one.cases) == PARALLEL_FROM + 9
    assert one == two
