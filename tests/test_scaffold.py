"""The scaffolder: ids proposed from titles, files that pass the checks, and refusals with reasons."""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import shutil
import subprocess
import sys
import termios
import time
from pathlib import Path

import frontmatter
import pytest

from atlas.model import Framework
from atlas.placeholders import PROMPTS, SECOND_PROMPT
from atlas.scaffold import NewCase, case_text, parse_source, propose_id
from atlas.validate import load_cases
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Curriculum: agreed principles, local choices", "curriculum-agreed-principles-local-choices"),
        ("Ça marche! Élèves & staff", "ca-marche-eleves-staff"),
        ("word " * 40, "-".join(["word"] * 16)),
    ],
)
def test_propose_id(title: str, expected: str) -> None:
    assert propose_id(title) == expected


def test_parse_source() -> None:
    assert parse_source("A report | nfer | 2018") == {"title": "A report", "publisher": "nfer", "date": "2018"}
    assert parse_source("Just a title") == {"title": "Just a title"}


@pytest.mark.parametrize("title", ["yes", "2018", "Colon: and 'quotes' and \"more\"", "# not a heading"])
def test_written_details_pass_the_checks(title: str, tmp_path: Path, framework: Framework) -> None:
    case = NewCase(
        id="a-new-case",
        title=title,
        summary="Schools agree how reading is taught.",
        kind="network",
        elements=("4A.i", "3A"),
        evidence="own-account",
        sources=(
            {
                "title": "Our plan",
                "publisher": "challenge-partners",
                "date": "2026-01-31",
                "url": "https://www.challengepartners.org/a",
            },
        ),
        published=dt.date(2026, 11, 22),
    )
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "a-new-case.md"
    path.write_text(case_text(case), encoding="utf-8")
    problems = load_cases([path], tmp_path, framework).problems
    # The draft's details are all valid; only its unwritten body is left for the contributor: too
    # short, and each of its five prompts still to be replaced.
    assert [p.field for p in problems] == ["body"] * 6
    assert "a case needs at least 250" in problems[0].message
    prompts = [p.message.partition("still has the prompt ")[2].partition(" from the template")[0] for p in problems[1:]]
    assert [prompt[1:-1] for prompt in prompts] == [
        PROMPTS["Context"],
        SECOND_PROMPT,
        "Where the practice sits on the spectrum, and how it came about (roll-out, co-design or organic growth), as the source describes it.",
        PROMPTS["Evidence and impact"],
        "A question a reader can ask of their own trust.",
    ]
    front = frontmatter.loads(path.read_text(encoding="utf-8"))
    assert front["title"] == title


def run_new(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "new_case.py"), "--root", str(root), "--no-input", *args],
        capture_output=True,
        text=True,
        check=False,
    )


FLAGS = (
    "--title", "Reading across the trust", "--summary", "Schools agree how reading is taught.",
    "--kind", "practice", "--elements", "4A.i,3A", "--spectrum", "alignment", "--evidence", "own-account",
    "--source", "Our plan | challenge-partners | 2026-01-31 | https://www.challengepartners.org/a",
)  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "framework", tmp_path / "framework")
    (tmp_path / "cases").mkdir()
    return tmp_path


def test_new_writes_a_checked_case(project: Path) -> None:
    run = run_new(project, *FLAGS)
    assert run.returncode == 0, run.stdout
    assert (project / "cases" / "reading-across-the-trust.md").is_file()
    assert "wrote cases/reading-across-the-trust.md" in run.stdout


def test_new_takes_flags_as_people_type_them(project: Path) -> None:
    flags = list(FLAGS)
    for typed, meant in (("practice", "Practice"), ("own-account", "own account"), ("alignment", "Alignment")):
        flags[flags.index(typed)] = meant
    run = run_new(project, *flags, "--years", "2023/24", "--approach", "Co design")
    assert run.returncode == 0, run.stdout + run.stderr
    front = frontmatter.loads((project / "cases" / "reading-across-the-trust.md").read_text(encoding="utf-8"))
    assert [front[k] for k in ("kind", "evidence", "spectrum", "approach", "years")] == [
        "practice",
        "own-account",
        "alignment",
        "co-design",
        "2023-2024",
    ]
    assert run_new(project, *FLAGS[:4], "--kind", "anecdote").returncode == 2  # argparse still names the choices


def test_new_refuses_a_taken_id(project: Path) -> None:
    (project / "cases" / "reading-across-the-trust.md").write_text("taken")
    run = run_new(project, *FLAGS)
    assert run.returncode == 1
    assert run.stdout.strip() == (
        "id 'reading-across-the-trust': cases/reading-across-the-trust.md already exists: choose another id"
    )
    assert (project / "cases" / "reading-across-the-trust.md").read_text() == "taken"


def test_new_names_missing_flags(project: Path) -> None:
    run = run_new(project, "--title", "Only a title")
    assert run.returncode == 1
    assert run.stdout.strip() == (
        "missing: --summary, --kind, --elements, --evidence, --source (or run without --no-input to be asked)"
    )


def test_new_reports_problems_in_what_it_wrote(project: Path) -> None:
    flags = list(FLAGS)
    flags[flags.index("Schools agree how reading is taught.")] = "x" * 301
    run = run_new(project, *flags)
    assert run.returncode == 1
    assert (
        "cases/reading-across-the-trust.md:4: summary: is 301 characters long; the most allowed is 300: shorten it"
        in run.stdout
    )


TRUST_FLAGS = (
    "--trust-name", "Example Trust", "--schools", "12", "--phases", "primary, secondary",
    "--region", "south-west", "--years", "2017-2020",
)  # fmt: skip


def test_new_writes_the_trust_and_years_in_contract_order(project: Path) -> None:
    run = run_new(project, *FLAGS, *TRUST_FLAGS, "--contributor", "A network organiser")
    assert run.returncode == 0, run.stdout
    text = (project / "cases" / "reading-across-the-trust.md").read_text(encoding="utf-8")
    front = frontmatter.loads(text)
    assert front["trust"] == {
        "name": "Example Trust",
        "schools": 12,
        "phases": ["primary", "secondary"],
        "region": "south-west",
    }
    assert front["years"] == "2017-2020"
    keys = [line.split(":")[0] for line in text.split("---")[1].splitlines() if line and line[0].isalpha()]
    assert keys == [
        "id", "title", "summary", "kind", "elements", "spectrum", "evidence", "trust", "sources", "years",
        "published", "contributor",
    ]  # fmt: skip
    assert "  schools: 12\n" in text


def test_new_writes_a_single_year_as_a_number(project: Path) -> None:
    run = run_new(project, *FLAGS, "--years", "2019")
    assert run.returncode == 0, run.stdout
    assert "\nyears: 2019\n" in (project / "cases" / "reading-across-the-trust.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ("--schools", "twelve"),
            "--schools: trust.schools: must be a whole number of schools from 1 to 999, such as 12, not 'twelve'",
        ),
        (
            ("--phases", "primary, nursery"),
            "--phases: trust.phases, item 2: must be one of primary, secondary, all-through, special, "
            "alternative-provision, post-16, not 'nursery'",
        ),
        (
            ("--years", "2020-2017"),
            "--years: years: '2020-2017' ends before it starts; write the earlier year first",
        ),
        (
            ("--elements", "1c"),
            "--elements: elements, item 1: '1c' is not written as the framework writes it (did you mean '1C'?)",
        ),
    ],
)
def test_new_refuses_flags_the_checks_refuse(project: Path, flags: tuple[str, ...], message: str) -> None:
    given = list(FLAGS)
    if flags[0] in given:
        given[given.index(flags[0]) + 1] = flags[1]
    else:
        given += flags
    run = run_new(project, *given)
    assert (run.returncode, run.stdout.strip()) == (1, message)
    assert list((project / "cases").iterdir()) == []


def run_in_terminal(args: list[str], answers: list[str], cwd: Path) -> tuple[int, str]:
    """Run a command on a pseudo-terminal (so it asks), type every answer, and return what it printed."""
    master, slave = pty.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO  # only the program's own output, not the typed answers
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, close_fds=True)
    os.close(slave)
    os.write(master, "".join(f"{a}\n" for a in answers).encode())
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if not ready:
            if proc.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:  # Linux reports the terminal's other end closing as EIO
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(timeout=10), out.decode().replace("\r\n", "\n")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_new_asks_again_until_each_answer_passes(project: Path, tmp_path: Path, framework: Framework) -> None:
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than requirements.txt, so make does not reinstall .venv
    answers = [
        "Reading: a trust's approach",
        "Schools agree how reading is taught.",
        "Practice",  # typed as a person writes it: the id is practice
        "1c, 3A.ii",  # re-asked with the same capitals hint as make check
        "1C, 3A.ii",
        "alignment",
        "",
        "Own account",  # the label's name: the id is own-account
        '"Example Trust"',  # quoted like the contract's examples: the quotes are not part of the name
        "twelve",  # re-asked
        "12",
        "primary",
        "",
        "Our plan | challenge-partners | 23/11/2026 | https://www.challengepartners.org/a",  # re-asked with the date it means
        "Our plan | challenge-partners | 2026-11-23 | https://www.challengepartners.org/a",
        "",
        "2023/24",  # an academic year, as schools write it
        "",
        "",
    ]
    args = ["make", "--no-print-directory", "new", f"ARGS=--root {project}", f"STAMP={stamp}"]
    status, out = run_in_terminal(args, answers, ROOT)
    assert status == 0, out
    assert out.count("Kind (such as practice): ") == 1
    # The framework prompt names every element under its heading, not just the codes.
    assert "The 14 elements of the framework:" in out and "  1. Vision, culture and ethos" in out
    assert [e.id for e in framework.elements if f"     {e.id}  {e.name}" in out] == [e.id for e in framework.elements]
    assert "elements, item 1: '1c' is not written as the framework writes it (did you mean '1C'?)" in out
    assert "trust.schools: must be a whole number of schools from 1 to 999, such as 12, not 'twelve'" in out
    assert (
        "sources, item 1, date: must be a date written YYYY-MM-DD (or just the year, YYYY, or 'undated'), not '23/11/2026' "
        "(did you mean 2026-11-23?)" in out
    )
    # Prompts come from the contract: its label, description and example.
    assert "Framework: One to five framework elements, such as 1C, or questions, such as 1C.ii." in out
    assert "Framework (such as 1C.ii, 3A): " in out
    path = project / "cases" / "reading-a-trust-s-approach.md"
    front = frontmatter.loads(path.read_text(encoding="utf-8"))
    assert front["title"] == "Reading: a trust's approach"
    assert front["elements"] == ["1C", "3A.ii"]
    assert front["trust"] == {"name": "Example Trust", "schools": 12, "phases": ["primary"]}
    assert (front["kind"], front["evidence"], front["years"]) == ("practice", "own-account", "2023-2024")
    assert "approach" not in front.metadata
    assert out.rstrip().endswith("run make check, then make serve to see it.")
