"""Check the atlas content and print every problem as ``path:line: field: message``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from atlas.model import field_words
from atlas.parallel import available_cores
from atlas.validate import check_docs, load_atlas, summary

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Check the framework and the named case files (all of cases/ when none are named)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, help="case files to check (default: everything in cases/)")
    parser.add_argument("--root", type=Path, default=ROOT, help="the atlas folder (default: this repository)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    paths = [p.resolve() for p in args.files] or None
    loaded = load_atlas(root, paths, args.today, workers=available_cores())
    atlas, problems, advice = loaded.atlas, loaded.problems, loaded.warnings
    # The hand-written pages are checked on a full run, as the build checks them.
    problems += check_docs(root) if paths is None else []
    for problem in problems:
        print(problem)
    for warning in advice:
        print(f"{warning.path}:{warning.line}: warning: {field_words(warning.field)}: {warning.message}")
    if problems:
        print(summary(problems))
        return 1
    count = len(atlas.cases) if atlas else 0
    warned = f" ({len(advice)} warning{'s' * (len(advice) != 1)})" if advice else ""
    print(f"{count} case file{'s' * (count != 1)} checked: no problems{warned}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
