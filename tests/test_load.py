"""How the loader treats files that cannot be read as a case: every one is a problem, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.model import Framework, Problem
from atlas.validate import load_cases
from tests.conftest import valid_case

REL = "cases/example-case.md"


def problems_for(raw: bytes, tmp_path: Path, framework: Framework) -> list[str]:
    (tmp_path / "cases").mkdir(exist_ok=True)
    path = tmp_path / "cases" / "example-case.md"
    path.write_bytes(raw)
    cases, problems = load_cases([path], tmp_path, framework)
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
                f"{REL}:3: front matter: the YAML cannot be read (expected ',' or ']', but got '<stream end>'); "
                "check the colons, quotes and indentation on this line"
            ],
        ),
        (
            b"---\nid: x\n\ttitle: tab\n---\n",
            [
                f"{REL}:3: front matter: the YAML cannot be read (found character '\\t' that cannot start any token); "
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


def test_duplicate_ids_across_files(tmp_path: Path, framework: Framework) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "example-case.md").write_text(valid_case(), encoding="utf-8")
    # Same id in a second file: the file-name check fires for it, and the duplicate is caught too.
    (cases / "example-copy.md").write_text(valid_case(), encoding="utf-8")
    found, problems = load_cases(sorted(cases.glob("*.md")), tmp_path, framework)
    assert [c.id for c in found] == ["example-case"]
    assert problems == [
        Problem(
            "cases/example-copy.md",
            2,
            "id",
            "is 'example-case' but the file is called 'example-copy.md'; rename the file to example-case.md "
            "(ids are permanent addresses, so do not change the id lightly)",
        )
    ]
