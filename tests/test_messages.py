"""Messages a school leader can act on: which value to quote, which date was meant, and what make prints last."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from atlas.load import parse_yaml
from atlas.validate import check_date, check_source_date
from tests.conftest import ROOT, CheckText, valid_case


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "id: x\ntitle: Reading: a trust's approach",
            "the value of 'title' contains ': ', so YAML reads it as another key; "
            'put the whole value in quotes: title: "Reading: a trust\'s approach"',
        ),
        (
            'sources:\n  - title: Reading: "the plan"',
            "the value of 'title' contains ': ', so YAML reads it as another key; "
            "put the whole value in quotes: title: 'Reading: \"the plan\"'",
        ),
    ],
)
def test_an_unquoted_colon_says_which_value_to_quote(text: str, message: str) -> None:
    node, problems, usable = parse_yaml(text, "cases/x.md", first_line=2)
    assert (node, usable) == (None, False)
    assert [(p.line, p.field, p.message) for p in problems] == [(3, "front matter", message)]


def test_an_unquoted_colon_in_a_case_file(check_text: CheckText) -> None:
    text = valid_case(title="title: Reading: a trust's approach")
    assert [str(p) for p in check_text(text)] == [
        "cases/example-case.md:3: front matter: the value of 'title' contains ': ', so YAML reads it as another key; "
        'put the whole value in quotes: title: "Reading: a trust\'s approach"'
    ]


@pytest.mark.parametrize(
    "text",
    [
        "id: x\ntrust:\n\tname: A trust",  # PyYAML: 'found character that cannot start any token'
        "id: x\n\ttitle: A title",  # PyYAML: 'found a tab character that violates indentation'
        "id: x\nsources:\n  -\ttitle: A report",
    ],
)
def test_a_tab_in_the_front_matter_is_named_as_a_tab(text: str) -> None:
    _, problems, _ = parse_yaml(text, "cases/x.md", first_line=2)
    [problem] = problems
    assert (
        problem.field == "front matter" and "tab" in problem.message and "cannot start any token" not in problem.message
    )
    assert problem.message.endswith("; replace the tab with spaces, indenting as the lines around it do")
    assert problem.line == 2 + next(i for i, row in enumerate(text.split("\n")) if "\t" in row)


def test_other_unreadable_yaml_keeps_its_message() -> None:
    _, problems, _ = parse_yaml("title: [unclosed", "cases/x.md")
    assert [p.message for p in problems] == [
        "the YAML cannot be read (did not find expected ',' or ']'); check the colons, quotes and indentation on this line"
    ]


def _date_messages(value: str) -> tuple[list[str], list[str]]:
    document = yaml.compose(f"date: {value}", Loader=yaml.SafeLoader)
    assert isinstance(document, yaml.MappingNode)
    node = document.value[0][1]
    return [m for _, _, m in check_date(node, "published")], [m for _, _, m in check_source_date(node, "date")]


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("23/11/2026", " (did you mean 2026-11-23?)"),
        ("23-11-2026", " (did you mean 2026-11-23?)"),
        ("23.11.2026", " (did you mean 2026-11-23?)"),
        ("11/23/2026", " (did you mean 2026-11-23?)"),  # only one reading has a month
        ("2026/11/23", " (did you mean 2026-11-23?)"),
        ("05/05/2026", " (did you mean 2026-05-05?)"),
        ("03/04/2026", " (did you mean 2026-04-03, 3 April 2026?)"),  # British order, said in words
        ("31/02/2026", ""),  # no real date to suggest
        ("13/13/2026", ""),
        ("1/2/26", ""),  # the century is a guess
        ("next Tuesday", ""),
    ],
)
def test_a_date_in_another_order_gets_the_date_it_means(value: str, hint: str) -> None:
    full, source = _date_messages(value)
    assert full == [f"must be a date written YYYY-MM-DD, not {value!r}{hint}"]
    assert source == [f"must be a date written YYYY-MM-DD (or just the year, YYYY, or 'undated'), not {value!r}{hint}"]


def _make(*args: str, stamp: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(
        # A fresh stamp stands in for .venv/.installed, so make never reinstalls the environment here.
        ["make", *args, f"STAMP={stamp}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_check_ends_with_the_summary(tmp_path: Path) -> None:
    stamp = tmp_path / "installed"
    stamp.touch()
    run = _make("check", "FILES=tests/fixtures/broken/cases/broken-case.md", stamp=stamp)
    # The README gives the code make exits with (the script's is 1) and the line make adds.
    assert run.returncode == 2
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "and exits 2." in readme and f"`{run.stderr.strip()}`" in readme
    lines = run.stdout.splitlines()
    # Nothing before the problems: make does not echo the command.
    assert lines[0].startswith("tests/fixtures/broken/cases/broken-case.md:")
    assert re.fullmatch(r"[0-9]+ problems in 1 file", lines[-1])
    # GNU make always reports a failed recipe on stderr, after the recipe's own output, and has no
    # switch to stop it short of ignoring the failure; so that one line is all it adds.
    assert re.fullmatch(r"make: \*\*\* \[Makefile:[0-9]+: check\] Error 1", run.stderr.strip())


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_check_of_a_good_file_prints_only_the_verdict(tmp_path: Path) -> None:
    stamp = tmp_path / "installed"
    stamp.touch()
    good = sorted((ROOT / "cases").glob("*.md"))[0].relative_to(ROOT)
    run = _make("check", f"FILES={good}", stamp=stamp)
    assert (run.returncode, run.stderr) == (0, "")
    assert re.fullmatch(r"1 case file checked: no problems( \([0-9]+ warnings?\))?", run.stdout.splitlines()[-1])
