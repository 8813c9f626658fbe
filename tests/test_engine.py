"""The engine to move to: ProperDocs, a maintained continuation of MkDocs 1.x, builds the same site byte for byte."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from atlas.model import Atlas

# The one line the engines may write differently: the page's generator tag names the engine.
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def files(site: Path) -> dict[str, bytes]:
    """Every file of a built site by its path, with the generator tag blanked."""
    return {
        p.relative_to(site).as_posix(): GENERATOR.sub(b'<meta name="generator">', p.read_bytes())
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_properdocs_builds_the_site_mkdocs_builds(built: tuple[Path, Atlas], tmp_path: Path) -> None:
    site, _ = built
    project = site.parent
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml", "--site-dir", str(tmp_path)]
    run = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=900)
    assert run.returncode == 0, run.stderr
    tag = GENERATOR.search((tmp_path / "index.html").read_bytes())
    assert tag is not None and b"ProperDocs" in tag.group(0)  # the build really was ProperDocs'
    ours, theirs = files(site), files(tmp_path)
    assert sorted(ours) == sorted(theirs)
    assert [path for path in ours if ours[path] != theirs[path]] == []
