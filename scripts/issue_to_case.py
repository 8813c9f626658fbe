"""Turn a case proposal made with the issue form into cases/<id>.md, check it, and report in the form's own words.

GitHub writes an issue form's answers as Markdown: a '### <label>' heading for each box, then the
answer, or '_No response_' for a box left empty. This reads those answers, writes the case file
(never anywhere but cases/), runs the same checks as `make check` on it, and prints a report naming
each problem by the box it came from. Exit 0 when the file is clean, 1 when it has problems.

With --write-form it writes .github/ISSUE_TEMPLATE/case-study.yml from the contract instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from atlas import composer, pages, schema
from atlas.composer import FormField, form_fields, issue_form
from atlas.messages import say
from atlas.model import Framework
from atlas.scaffold import propose_id
from atlas.validate import ID, load_atlas, load_framework, summary

ROOT = Path(__file__).resolve().parent.parent
FORM = Path(".github") / "ISSUE_TEMPLATE" / composer.ISSUE_FORM
NO_RESPONSE = "_No response_"
# Marks the one comment the workflow keeps up to date on an issue or a pull request.
MARKER = "<!-- atlas:case-check -->"


def answers(markdown: str, boxes: list[FormField]) -> dict[str, str]:
    """Each box's answer by its id: the text under its '### <label>' heading, '' for no response.

    Headings are looked for in the form's order, each after the one before, so an answer that
    contains a heading of its own stays inside that answer unless it repeats a later box's label.
    """
    text = markdown.replace("\r\n", "\n").replace("\r", "\n")
    found: list[tuple[FormField, int, int]] = []
    position = 0
    for box in boxes:
        match = re.compile(rf"^### {re.escape(box.label)}[ \t]*$", re.M).search(text, position)
        if match is None:
            continue
        found.append((box, match.start(), match.end()))
        position = match.end()
    out: dict[str, str] = {}
    for i, (box, _, end) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else len(text)
        answer = text[end:stop].strip("\n").strip()
        out[box.id] = "" if answer == NO_RESPONSE else answer
    return out


def boxes_read(framework: Framework) -> list[FormField]:
    """The form's boxes as the issue shows them: the consent box comes last; its ticks are no part of the case,
    but its heading ends the answer before it."""
    return [*form_fields(framework), FormField("consent", composer.CONSENT_LABEL, ("consent",), {}, True, "")]


@dataclass
class Draft:
    """A case file made from the answers, with where each part came from."""

    meta: dict[str, Any] = field(default_factory=dict)
    body: list[tuple[str, str]] = field(default_factory=list)
    """Each section's heading and text, in order."""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """Problems found before any file was written: (box label, message)."""


def _item(rule: dict[str, Any], text: str) -> object:
    if rule.get("kind") in ("whole_number", "years") and re.fullmatch(r"[1-9][0-9]*", text):
        return int(text)
    return text


def _list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def _sources(text: str, rule: dict[str, Any], label: str, draft: Draft) -> list[dict[str, str]]:
    """Sources written as blocks of 'key: value' lines, a blank line between sources."""
    keys = {f["key"]: f["key"] for f in rule["item"]["fields"]}
    keys |= {str(f.get("label", f["key"])).lower(): f["key"] for f in rule["item"]["fields"]}
    keys |= {k.lower(): v for k, v in list(keys.items())}
    out: list[dict[str, str]] = []
    for number, block in enumerate(re.split(r"\n\s*\n", text.strip()), start=1):
        source: dict[str, str] = {}
        for line in block.split("\n"):
            if not line.strip():
                continue
            key, colon, value = line.partition(":")
            name = keys.get(key.strip().lower()) if colon else None
            if name is None:
                draft.problems.append(
                    (
                        label,
                        f"source {number}: the line {line.strip()!r} is not 'key: value' with a key from "
                        f"{', '.join(f['key'] for f in rule['item']['fields'])}",
                    ),
                )
                continue
            source[name] = value.strip()
        if source:
            out.append(source)
    return out


def draft_from(values: dict[str, str], framework: Framework, today: dt.date) -> Draft:
    """The case file's front matter and body from the form's answers."""
    draft = Draft()
    boxes = form_fields(framework)
    for box in boxes:
        answer = values.get(box.id, "")
        key = box.path[0]
        if key == "body":
            continue
        rule = dict(box.rule)
        if len(box.path) == 2:
            if answer:
                draft.meta.setdefault(key, {})[box.path[1]] = (
                    _list(answer) if rule["kind"] == "list" else _item(rule, answer)
                )
            continue
        if rule["kind"] == "list" and rule["item"]["kind"] == "group":
            draft.meta[key] = _sources(answer, rule, box.label, draft)
        elif rule["kind"] == "list":
            if answer or box.required:
                draft.meta[key] = _list(answer)
        elif answer or box.required:
            draft.meta[key] = _item(rule, answer)
    if not draft.meta.get("id"):
        draft.meta["id"] = propose_id(str(draft.meta.get("title", ""))) or "new-case"
    for key in composer.SET_FOR_YOU:
        draft.meta[key] = today.isoformat()
    # The contract's order, which the checks and readers expect.
    order = [f.key for f in schema.CASE_FIELDS]
    draft.meta = {k: draft.meta[k] for k in order if k in draft.meta}
    style = schema.HOUSE_STYLE
    kind = str(draft.meta.get("kind", ""))
    names = style.sections(kind if kind in style.second else schema.PLACED_KIND)
    sections = [box for box in boxes if box.path[0] == "body"]
    for name, box in zip(names, sections, strict=True):
        draft.body.append((name, values.get(box.id, "")))
    return draft


def case_text(draft: Draft) -> tuple[str, list[tuple[int, str]]]:
    """The file's text, and the first line of each body section with the box it came from."""
    front = yaml.safe_dump(draft.meta, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    text = f"---\n{front}---\n\n"
    starts: list[tuple[int, str]] = []
    for name, answer in draft.body:
        starts.append((text.count("\n") + 1, name))
        text += f"## {name}\n\n{answer.strip()}\n\n" if answer.strip() else f"## {name}\n\n"
    return text.rstrip("\n") + "\n", starts


def box_for(problem_field: str, line: int, boxes: list[FormField], starts: list[tuple[int, str]]) -> str:
    """The label of the form's box a problem belongs to."""
    if problem_field == "body":
        section = starts[0][1] if starts else "The case"
        for start, name in starts:
            if line >= start:
                section = name
        second = [b for b in boxes if b.path == ("body", "2")]
        if second and section in schema.HOUSE_STYLE.second.values():
            return second[0].label
        return section
    root = re.match(r"[a-z_]+", problem_field)
    key = root.group(0) if root else problem_field
    rest = problem_field[len(key) :]
    sub = re.match(r"\.([a-z_]+)", rest)
    for box in boxes:
        if box.path == (key, sub.group(1)) if sub else False:
            return box.label
    for box in boxes:
        if box.path == (key,):
            number = re.match(r"\[([0-9]+)\](?:\.([a-z_]+))?", rest)
            if number:
                detail = f"item {number.group(1)}" + (f", {number.group(2)}" if number.group(2) else "")
                return f"{box.label} ({detail})"
            return box.label
    return "The form as a whole"


def _fence(lines: list[str]) -> str:
    """The lines in a code block whose fence is longer than any run of backticks in them."""
    longest = max((len(m) for text in lines for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n" + "\n".join(lines) + f"\n{fence}"


def report(problems: list[tuple[str, str]], path: str | None) -> str:
    """The comment for the issue: what to fix, box by box, or that a pull request follows."""
    if not problems:
        return (
            f"{MARKER}\n**The case file is ready.** Its checks pass, and `{path}` is being proposed as a pull "
            "request for a maintainer to review.\n"
        )
    count = len(problems)
    return (
        f"{MARKER}\n**The case needs {count} change{'s' * (count != 1)} before it can be proposed.** "
        "Each line below names the box in the form, then what to change. Edit the issue to fix them, and the "
        "checks run again.\n\n" + _fence([f"{label}: {message}" for label, message in problems]) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Write cases/<id>.md from an issue's body, check it, and print the report; or write the issue form."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("issue", nargs="?", type=Path, help="a file holding the issue's body ('-' for standard input)")
    parser.add_argument("--write-form", action="store_true", help=f"write {FORM} from the contract, and stop")
    parser.add_argument("--report", type=Path, help="also write the report to this file")
    parser.add_argument("--output", type=Path, help="append 'id=', 'path=' and 'clean=' lines here ($GITHUB_OUTPUT)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="the date the case is proposed")
    parser.add_argument("--root", type=Path, default=ROOT, help="the atlas folder (default: this repository)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    framework, found = load_framework(root / "framework", root)
    if framework is None:
        print("\n".join(map(str, found)))
        return 1
    if args.write_form:
        (root / FORM).write_text(issue_form(framework), encoding="utf-8")
        print(f"wrote {FORM.as_posix()}")
        return 0
    if args.issue is None:
        parser.error("give the file that holds the issue's body, or --write-form")
    raw = sys.stdin.buffer.read() if str(args.issue) == "-" else args.issue.read_bytes()
    body = raw.decode("utf-8", errors="replace")
    today = args.today or dt.date.today()
    boxes = form_fields(framework)
    draft = draft_from(answers(body, boxes_read(framework)), framework, today)
    ident = str(draft.meta["id"])
    id_label = box_for("id", 0, boxes, [])
    problems = list(draft.problems)
    node = yaml.compose(yaml.safe_dump({"id": ident}), Loader=yaml.SafeLoader)
    refused = [message for _, _, message in ID(node.value[0][1], "id")]  # type: ignore[union-attr]
    cases = (root / "cases").resolve()
    path = (cases / f"{ident}.md") if not refused else None
    if path is not None and (path.resolve().parent != cases or path.exists() or path.is_symlink()):
        refused.append(say("id_exists", path=pages.CASE.path(ident)))
        path = None
    problems += [(id_label, message) for message in refused]
    written: str | None = None
    if path is not None:
        text, starts = case_text(draft)
        path.write_text(text, encoding="utf-8")
        written = pages.CASE.path(ident)
        loaded = load_atlas(root, [path], today)
        # The box already names the field in the form's own words.
        problems += [(box_for(p.field, p.line, boxes, starts), p.message) for p in loaded.problems]
        for problem in loaded.problems:
            print(problem)
        if loaded.problems:
            print(summary(loaded.problems))
    if draft.problems or refused:
        for label, message in draft.problems + [(id_label, m) for m in refused]:
            print(f"{label}: {message}")
    text = report(problems, written)
    if args.report:
        args.report.write_text(text, encoding="utf-8")
    if args.output:
        with args.output.open("a", encoding="utf-8") as out:
            out.write(f"id={ident if written else ''}\npath={written or ''}\nclean={'false' if problems else 'true'}\n")
    if not problems:
        print(f"{written}: no problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
