"""Start a new case: ask for (or take as flags) its details, write cases/<id>.md, then check it."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import re
import sys
from collections.abc import Callable
from pathlib import Path

from atlas import model, pages, schema
from atlas.messages import say
from atlas.scaffold import NewCase, case_text, parse_source, problems_in, propose_id, written_value
from atlas.schema import HOUSE_STYLE, PLACED_KIND
from atlas.validate import TRUST_SPECS, Check, case_specs, load_atlas, load_framework, summary

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FORMAT = "'title | publisher id | YYYY-MM-DD or undated | url'"

Problems = Callable[[str], list[str]]
# The fields this script asks for in its own way, in its own order; it asks for every other field the
# contract marks ``ask`` in the contract's order, after these, so a new field needs nothing here.
OWN_WAY = frozenset(
    {
        *("id", "title", "summary", "kind", "elements", "spectrum", "approach", "evidence"),
        *("trust", "sources", "years", "published", "contributor"),
    }
)


def other_fields() -> tuple[schema.Field, ...]:
    """The contract's fields asked for after the ones this script asks in its own way."""
    # A group of keys is asked for only as the trust is, in its own way.
    return tuple(f for f in schema.CASE_FIELDS if f.ask and f.key not in OWN_WAY and not f.fields)


def plain(markdown: str) -> str:
    """Contract text as a terminal shows it: no links to other parts of the page, no backticks."""
    text = re.sub(r"\s*See \[[^\]]*\]\([^)]*\)\.", "", markdown)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("`", "")


def shown_example(field: schema.Field) -> str:
    """The contract's example as it is typed here: no YAML quotes or brackets."""
    return field.example.strip("[]\"'")


def as_tuple(value: object) -> tuple[str, ...]:
    """A written list value as a tuple of its items."""
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def ask(field: schema.Field, problems: Problems, *, optional: bool = False, default: str = "") -> str:
    """Describe a field from the contract, then ask until its answer passes ``problems``."""
    print(f"\n{field.label}: {plain(field.description)}")
    # Terms the description does not already name are listed with what they mean.
    if field.vocabulary is not None and not all(f"`{t}`" in field.description for t in field.vocabulary.ids):
        for term in field.vocabulary.terms:
            print(f"  {term.id}" + (f": {term.definition}" if term.definition else ""))
    hint = f"default {default}" if default else "blank to skip" if optional else f"such as {shown_example(field)}"
    while True:
        answer = input(f"{field.label} ({hint}): ").strip() or default
        if optional and not answer:
            return ""
        found = problems(answer)
        if not found:
            return answer
        for problem in found:
            print(f"  {problem}")


def written_text(key: str, answer: str) -> str:
    """A one-value answer as the scaffolder writes it (without quotes copied from the contract's examples)."""
    return str(written_value(key, answer))


def typed(key: str) -> Callable[[str], str]:
    """A flag's value as the scaffolder reads a typed answer: 'Own account' for own-account."""
    return lambda answer: written_text(key, answer)


def checked_by(check: Check, key: str, where: str | None = None) -> Problems:
    """The validator's check for ``key``, run on an answer as the scaffolder would write it."""
    return lambda answer: problems_in(check, key, written_value(key, answer), where)


def field_flags(parser: argparse.ArgumentParser) -> dict[str, str]:
    """A flag for each other field, added after the script's own: its key, or --case-<key> where that is taken.

    (--region is the trust's.) Each answer is kept apart from the script's own, as ``field_<key>``.
    """
    flags: dict[str, str] = {}
    for f in other_fields():
        name = f.key.replace("_", "-")
        # The script has finitely many flags, so one of these is free.
        for flag in itertools.chain(
            (f"--{name}", f"--case-{name}"), (f"--case-{name}-{i}" for i in itertools.count(2))
        ):
            try:
                parser.add_argument(flag, dest=f"field_{f.key}", help=plain(f.description))
            except argparse.ArgumentError:
                continue
            flags[f.key] = flag
            break
    return flags


def main(argv: list[str] | None = None) -> int:
    """Write a new case file from flags and answers; exit 1 if it has problems or the id is taken."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--title")
    parser.add_argument("--summary")
    parser.add_argument("--kind", type=typed("kind"), choices=model.KINDS)
    parser.add_argument("--elements", help="comma-separated elements or questions, such as 1C,3A.ii")
    parser.add_argument("--spectrum", type=typed("spectrum"), choices=model.POSITIONS)
    parser.add_argument("--approach", type=typed("approach"), choices=model.APPROACHES)
    parser.add_argument("--evidence", type=typed("evidence"), choices=model.EVIDENCE)
    parser.add_argument("--trust-name", help="the trust's name, for a case about one trust")
    parser.add_argument("--schools", help="how many schools the trust had, as a whole number")
    parser.add_argument("--phases", help=f"comma-separated, from {', '.join(schema.PHASES.ids)}")
    parser.add_argument("--region", type=typed("region"), choices=schema.REGIONS.ids)
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        help=f"{SOURCE_FORMAT} (repeatable; leave out the url only for a source not on the web)",
    )
    parser.add_argument("--years", help="the year or years the facts held: 2019 or 2017-2020")
    parser.add_argument("--contributor")
    parser.add_argument("--id", help="the permanent id (default: made from the title)")
    parser.add_argument("--no-input", action="store_true", help="never ask; fail if something required is missing")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    flags = field_flags(parser)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    interactive = not args.no_input and sys.stdin.isatty()
    framework, problems = load_framework(root / "framework", root)
    if framework is None:
        print("\n".join(map(str, problems)))
        return 1
    specs = case_specs(framework)
    fields = schema.FIELDS
    trust_fields = {f.key: f for f in schema.TRUST_FIELDS}

    def case_check(key: str) -> Problems:
        return checked_by(specs[key].check, key)

    def trust_check(key: str) -> Problems:
        return checked_by(TRUST_SPECS[key].check, key, f"trust.{key}")

    def source_check(number: int) -> Problems:
        def check(answer: str) -> list[str]:
            entry = [parse_source(answer)]
            found = problems_in(specs["sources"].check, "sources", entry)
            return [p.replace("sources, item 1", f"sources, item {number}", 1) for p in found]

        return check

    def id_check(answer: str) -> list[str]:
        found = case_check("id")(answer)
        ident = written_text("id", answer)
        if not found and (root / "cases" / f"{ident}.md").exists():
            found = [f"id {ident!r}: {say('id_exists', path=pages.CASE.path(ident))}"]
        return found

    missing = [name for name in ("title", "summary", "kind", "elements", "evidence") if getattr(args, name) is None]
    if args.kind == PLACED_KIND and args.spectrum is None:
        missing.append("spectrum")
    if not args.source:
        missing.append("source")
    missing += [flags[f.key][2:] for f in other_fields() if f.needed and getattr(args, f"field_{f.key}") is None]
    if not interactive and missing:
        print(
            f"missing: {', '.join('--' + m.replace('_', '-') for m in missing)} (or run without --no-input to be asked)"
        )
        return 1
    # Flags the validator would refuse are refused here, before anything is written.
    flagged = {
        "elements": (args.elements, case_check("elements")),
        "trust-name": (args.trust_name, trust_check("name")),
        "schools": (args.schools, trust_check("schools")),
        "phases": (args.phases, trust_check("phases")),
        "years": (args.years, case_check("years")),
        **{flags[f.key][2:]: (getattr(args, f"field_{f.key}"), case_check(f.key)) for f in other_fields()},
    }
    refused = [f"--{flag}: {p}" for flag, (value, check) in flagged.items() if value is not None for p in check(value)]
    if refused:
        print("\n".join(refused))
        return 1
    try:
        title = args.title or ask(fields["title"], case_check("title"))
        summary_text = args.summary or ask(fields["summary"], case_check("summary"))
        kind = args.kind or ask(fields["kind"], case_check("kind"))
        if args.elements is None:
            # The codes mean nothing without their names; the framework's own order, under its headings.
            print(f"\nThe {len(framework.elements)} elements of the framework:")
            for heading in framework.headings:
                print(f"  {heading.number}. {heading.name}")
                for element in heading.elements:
                    print(f"     {element.id}  {element.name}")
        elements = args.elements or ask(fields["elements"], case_check("elements"))
        spectrum = args.spectrum
        if spectrum is None and interactive:
            spectrum = ask(fields["spectrum"], case_check("spectrum"), optional=kind != PLACED_KIND) or None
        approach = args.approach
        if approach is None and interactive:
            approach = ask(fields["approach"], case_check("approach"), optional=True) or None
        evidence = args.evidence or ask(fields["evidence"], case_check("evidence"))
        trust = {"name": args.trust_name, "schools": args.schools, "phases": args.phases, "region": args.region}
        if interactive and all(v is None for v in trust.values()):
            print(f"\n{fields['trust'].label}: for a case about one trust, what the source says of it.")
            for key, field in trust_fields.items():
                trust[key] = ask(field, trust_check(key), optional=True) or None
        sources = list(args.source)
        if not sources:
            print(f"\n{fields['sources'].label}: {plain(fields['sources'].description)}")
            print(f"Give each on one line as {SOURCE_FORMAT}; a blank line ends the list.")
            while True:
                answer = input(f"  source {len(sources) + 1}: ").strip()
                if not answer and sources:
                    break
                found = source_check(len(sources) + 1)(answer) if answer else ["give at least one source"]
                for problem in found:
                    print(f"  {problem}")
                if not found:
                    sources.append(answer)
        years = args.years
        if years is None and interactive:
            years = ask(fields["years"], case_check("years"), optional=True) or None
        ident = args.id or propose_id(title) or "case"
        if found_id := id_check(ident):
            print("\n".join(found_id))
            if not interactive:
                return 1
            ident = ask(fields["id"], id_check)
        elif interactive and not args.id:
            ident = ask(fields["id"], id_check, default=ident)
        contributor = args.contributor
        if contributor is None and interactive:
            contributor = ask(fields["contributor"], case_check("contributor"), optional=True) or None
        others = {f.key: getattr(args, f"field_{f.key}") for f in other_fields()}
        for f in other_fields():
            if others[f.key] is None and interactive:
                others[f.key] = ask(f, case_check(f.key), optional=not f.needed) or None
    except (EOFError, KeyboardInterrupt):
        print("\nstopped: nothing was written")
        return 1
    schools = written_value("schools", trust["schools"] or "")
    written_years = written_value("years", years or "")
    ident = written_text("id", ident)
    case = NewCase(
        id=ident,
        title=written_text("title", title),
        summary=written_text("summary", summary_text),
        kind=written_text("kind", kind),
        elements=as_tuple(written_value("elements", elements)),
        evidence=written_text("evidence", evidence),
        sources=tuple(parse_source(s) for s in sources),
        published=dt.date.today(),
        spectrum=spectrum and written_text("spectrum", spectrum),
        approach=approach and written_text("approach", approach),
        contributor=contributor and written_text("contributor", contributor),
        trust=model.Trust(
            name=trust["name"] and written_text("name", trust["name"]),
            schools=schools if isinstance(schools, int) else None,
            phases=as_tuple(written_value("phases", trust["phases"] or "")),
            region=trust["region"] and written_text("region", trust["region"]),
        ),
        years=None if isinstance(written_years, list) or not written_years else written_years,
        others=tuple((key, written_value(key, answer)) for key, answer in others.items() if answer),
    )
    path = root / "cases" / f"{ident}.md"
    path.write_text(case_text(case), encoding="utf-8")
    print(f"wrote cases/{ident}.md")
    loaded = load_atlas(root, [path])
    # A new draft's body is unwritten, so only problems in the details it was given are failures now.
    details = [p for p in loaded.problems if p.field != "body"]
    for detail in details:
        print(detail)
    if details:
        print(f"{summary(details)}: fix them in cases/{ident}.md, then run make check")
        return 1
    print(f"The details are fine. Now write the body of cases/{ident}.md under its five headings")
    print(f"(at least {HOUSE_STYLE.min_words} words), run make check, then make serve to see it.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
