"""Keep the ledger of published addresses: list what the site publishes that the ledger lacks, or add it."""

from __future__ import annotations

import argparse
from pathlib import Path

from atlas.addresses import addresses, read_ledger, write_ledger
from atlas.render import render_site
from atlas.validate import load_atlas, summary

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    """Compare the site's addresses with the ledger; with --update, add the new ones (never remove any)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="add new addresses to the ledger")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    loaded = load_atlas(root)
    atlas, problems = loaded.atlas, loaded.problems
    if atlas is None:
        print("\n".join(map(str, problems)) + f"\n{summary(problems)}")
        return 1
    generated = render_site(atlas)
    pages = [p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md")]
    pages += [p for p in generated if p.endswith(".md")]
    current = addresses(atlas, pages, [p for p in generated if not p.endswith(".md")])
    ledger_path = root / "addresses.txt"
    ledger = read_ledger(ledger_path)
    new = sorted(set(current) - set(ledger))
    gone = sorted(set(ledger) - set(current))
    for address in gone:
        print(f"addresses.txt: {address} is published but the site no longer has it: restore it or add an alias")
    if args.update:
        write_ledger(ledger_path, [*ledger, *new])
        print(f"added {len(new)} address{'es' * (len(new) != 1)} to addresses.txt")
    else:
        for address in new:
            print(f"new: {address}")
        print(f"{len(new)} new address{'es' * (len(new) != 1)}; run `make ledger` to publish them")
    return 1 if gone else 0


if __name__ == "__main__":
    raise SystemExit(main())
