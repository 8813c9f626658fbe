"""Start a new case: ask for (or take as flags) its details, write cases/<id>.md, then check it."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from atlas import model
from atlas.scaffold import NewCase, case_text, parse_source, propose_id
from atlas.schema import HOUSE_STYLE, PLACED_KIND
from atlas.validate import ID_LENGTH, ID_RE, did_you_mean, load_atlas, load_framework, summary

ROOT = Path(__file__).resolve().parent.parent


def ask(prompt: str, check: Callable[[str], str | None], default: str | None = None) -> str:
    """Ask until ``check`` accepts the answer (it returns an error message, or None when fine)."""
    while True:
        shown = f"{prompt} [{default}]: " if default else f"{prompt}: "
        answer = input(shown).strip() or (default or "")
        error = check(answer)
        if error is None:
            return answer
        print(f"  {error}")


def choice(options: tuple[str, ...], optional: bool = False) -> Callable[[str], str | None]:
    """A check that accepts one of ``options`` (or nothing, when optional)."""

    def check(answer: str) -> str | None:
        if (optional and not answer) or answer in options:
            return None
        return f"choose one of {', '.join(options)}, not {answer!r}{did_you_mean(answer, options)}"

    return check


def main(argv: list[str] | None = None) -> int:
    """Write a new case file from flags and answers; exit 1 if it has problems or the id is taken."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--title")
    parser.add_argument("--summary")
    parser.add_argument("--kind", choices=model.KINDS)
    parser.add_argument("--elements", help="comma-separated elements or questions, such as 1C,3A.ii")
    parser.add_argument("--spectrum", choices=model.POSITIONS)
    parser.add_argument("--approach", choices=model.APPROACHES)
    parser.add_argument("--evidence", choices=model.EVIDENCE)
    parser.add_argument(
        "--source", action="append", default=[], help="'title | author or publisher | YYYY-MM-DD | url' (repeatable)"
    )
    parser.add_argument("--contributor")
    parser.add_argument("--id", help="the permanent id (default: made from the title)")
    parser.add_argument("--no-input", action="store_true", help="never ask; fail if something required is missing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    interactive = not args.no_input and sys.stdin.isatty()
    framework, problems = load_framework(root / "framework", root)
    if framework is None:
        print("\n".join(map(str, problems)))
        return 1
    refs = {e.id for e in framework.elements} | {q.id for e in framework.elements for q in e.questions}

    def check_elements(answer: str) -> str | None:
        items = [a.strip() for a in answer.split(",") if a.strip()]
        bad = [a for a in items if a not in refs]
        if not items:
            return "give at least one element or question, such as 1C or 1C.ii"
        return (
            f"not in the framework: {', '.join(bad)} (elements are 1A to 6B; questions look like 1C.ii)"
            if bad
            else None
        )

    def check_id(answer: str) -> str | None:
        if not ID_RE.fullmatch(answer) or not ID_LENGTH[0] <= len(answer) <= ID_LENGTH[1]:
            return "use 3 to 80 lowercase letters, digits and single hyphens"
        if (root / "cases" / f"{answer}.md").exists():
            return f"cases/{answer}.md already exists: choose another id"
        return None

    def not_empty(answer: str) -> str | None:
        return None if answer else "this is required"

    missing = [name for name in ("title", "summary", "kind", "elements", "evidence") if getattr(args, name) is None]
    if args.kind == PLACED_KIND and args.spectrum is None:
        missing.append("spectrum")
    if not args.source:
        missing.append("source")
    if not interactive and missing:
        print(f"missing: {', '.join('--' + m for m in missing)} (or run without --no-input to be asked)")
        return 1
    title = args.title or ask("Title", not_empty)
    summary_text = args.summary or ask("Summary (one or two sentences, at most 300 characters)", not_empty)
    kind = args.kind or ask(f"Kind ({', '.join(model.KINDS)})", choice(model.KINDS))
    elements = args.elements or ask("Elements or questions, comma-separated (such as 1C, 3A.ii)", check_elements)
    if args.elements and (error := check_elements(args.elements)):
        print(f"--elements: {error}")
        return 1
    spectrum = args.spectrum
    if spectrum is None and interactive:
        optional = kind != PLACED_KIND
        label = f"Spectrum ({', '.join(model.POSITIONS)}{'; leave blank if it spans them' if optional else ''})"
        spectrum = ask(label, choice(model.POSITIONS, optional=optional)) or None
    approach = args.approach
    if approach is None and interactive:
        approach = (
            ask(f"Approach ({', '.join(model.APPROACHES)}; blank if unknown)", choice(model.APPROACHES, True)) or None
        )
    evidence = args.evidence or ask(f"Evidence ({', '.join(model.EVIDENCE)})", choice(model.EVIDENCE))
    sources = list(args.source)
    if not sources:
        print("Sources, one per line as 'title | author or publisher | YYYY-MM-DD | url'; a blank line ends.")
        while not sources or (line := input("  source: ").strip()):
            if not sources:
                sources.append(ask("  source", not_empty))
            else:
                sources.append(line)
    ident = args.id or propose_id(title) or "case"
    if error := check_id(ident):
        if not interactive:
            print(f"id {ident!r}: {error}")
            return 1
        ident = ask(f"Id ({error})", check_id)
    elif interactive and not args.id:
        ident = ask("Id, the case's permanent address", check_id, default=ident)
    contributor = args.contributor
    if contributor is None and interactive:
        contributor = input("Your name or your network's name (optional): ").strip() or None
    case = NewCase(
        id=ident,
        title=title,
        summary=summary_text,
        kind=kind,
        elements=tuple(a.strip() for a in elements.split(",") if a.strip()),
        evidence=evidence,
        sources=tuple(parse_source(s) for s in sources),
        published=dt.date.today(),
        spectrum=spectrum,
        approach=approach,
        contributor=contributor,
    )
    path = root / "cases" / f"{ident}.md"
    path.write_text(case_text(case), encoding="utf-8")
    print(f"wrote cases/{ident}.md")
    loaded = load_atlas(root, [path])
    # A new draft's body is unwritten, so only problems in the details it was given are failures now.
    details = [p for p in loaded.problems if p.field != "body"]
    for problem in details:
        print(problem)
    if details:
        print(f"{summary(details)}: fix them in cases/{ident}.md, then run make check")
        return 1
    print(f"The details are fine. Now write the body of cases/{ident}.md under its five headings")
    print(f"(at least {HOUSE_STYLE.min_words} words), run make check, then make serve to see it.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
