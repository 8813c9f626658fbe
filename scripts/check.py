"""Check the atlas content and print every problem as ``path:line: field: message``."""

from __future__ import annotations

import argparse
from pathlib import Path

from atlas.validate import load_cases, load_framework

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Check the framework and the named case files (all of cases/ when none are named)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, help="case files to check (default: every file in cases/)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the atlas folder (default: this repository)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    framework, problems = load_framework(root / "framework", root)
    checked = 0
    if framework is not None:
        paths = [p.resolve() for p in args.files] or sorted((root / "cases").glob("*.md"))
        checked = len(paths)
        _, problems = load_cases(paths, root, framework)
    for problem in problems:
        print(problem)
    files = len({p.path for p in problems})
    if problems:
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {files} file{'s' if files != 1 else ''}")
        return 1
    print(f"{checked} case file{'s' if checked != 1 else ''} checked: no problems")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
