"""The case composer: one JSON spec of the case contract for the site's form, its page, and the matching issue form.

Everything here is read from ``atlas/schema.py`` (fields, vocabularies, house style), from the
validator's rules (each check's ``Rule``) and from the framework, so a field added to the contract
appears in the composer and the issue form with nothing else to change. ``assets/composer.js``
interprets the spec and repeats none of its rules.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import markdown
import yaml
from markupsafe import Markup

from atlas import body, pages, schema, templating
from atlas.messages import MESSAGES
from atlas.model import Atlas, Framework
from atlas.placeholders import PROMPTS, SECOND_PROMPT
from atlas.render import BLOCK_PART, MONTHS, Rendered, front_matter
from atlas.validate import (
    _READS_AS,
    FUTURE_DAYS,
    ID_LENGTH,
    ID_RE,
    INT,
    Rule,
    Spec,
    case_specs,
)

# These change a case that is already published (renaming or withdrawing it); a new case has neither.
NOT_PROPOSED = tuple(f.key for f in schema.CASE_FIELDS if not f.offered)
# Filled in for the contributor: the day the case is proposed.
SET_FOR_YOU = ("published",)
PAGE = pages.COMPOSER
SPEC_FILE = "api/composer.json"
ISSUE_FORM = "case-study.yml"


def _describe_rule(rule: object) -> dict[str, Any]:
    """A validator rule as data: its kind and settings, nested rules described in turn."""
    if not isinstance(rule, Rule):
        # A check with no description: the composer takes the value as text and leaves its check to make check.
        return {"kind": "unchecked"}
    out: dict[str, Any] = {"kind": rule.kind}
    for key, value in rule.params.items():
        if key == "item":
            out[key] = _describe_rule(value)
        elif key == "fields":
            out[key] = _fields(value)  # type: ignore[arg-type]
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


def _fields(specs: Mapping[str, Spec]) -> list[dict[str, Any]]:
    return [
        {"key": key, "required": spec.required, "example": spec.example, "rule": _describe_rule(spec.check)}
        for key, spec in specs.items()
    ]


def _html(text: str) -> Markup:
    """A description from the contract (our own Markdown) as HTML; its links point into the contributing page."""
    html = markdown.markdown(text.replace("](#", "](../#"))
    return Markup(re.sub(r"^<p>|</p>$", "", html))


def _field(field: schema.Field, spec: Spec, labels: Mapping[str, tuple[tuple[str, str, str], ...]]) -> dict[str, Any]:
    """One field of the contract, with its rule and, for a closed list, each value's name and definition."""
    out: dict[str, Any] = {
        "key": field.key,
        "label": field.label,
        "required": field.required,
        "needed": field.needed,
        "description": _html(field.description) if field.description else "",
        "example": field.example,
        "rule": _describe_rule(spec.check),
    }
    if field.vocabulary is not None:
        out["choices"] = [{"id": t.id, "name": t.name, "definition": t.definition} for t in field.vocabulary.terms]
    elif field.key in labels:
        out["choices"] = [{"id": i, "name": n, "definition": d} for i, n, d in labels[field.key]]
    subs = {f.key: f for f in field.fields}
    for sub in out["rule"].get("fields", out["rule"].get("item", {}).get("fields", [])):
        known = subs.get(sub["key"])
        if known is not None:
            sub["label"] = known.label
            sub["description"] = _html(known.description)
            if known.vocabulary is not None:
                sub["choices"] = [
                    {"id": t.id, "name": t.name, "definition": t.definition} for t in known.vocabulary.terms
                ]
    return out


def _repository(repo_url: str | None, edit_uri: str | None) -> dict[str, str] | None:
    """The GitHub repository to propose to, and its branch, from the site's ``repo_url`` and ``edit_uri``."""
    if not repo_url:
        return None
    parts = urlsplit(repo_url)
    if parts.scheme != "https" or not parts.netloc:
        return None
    branch = re.match(r"(?:edit|blob)/([^/]+)/", edit_uri or "")
    return {"url": repo_url.rstrip("/"), "branch": branch.group(1) if branch else "main", "form": ISSUE_FORM}


def spec(atlas: Atlas, repo_url: str | None = None, edit_uri: str | None = None) -> dict[str, Any]:
    """The composer spec: every field a new case has with its rule, the body's house style, and the framework."""
    fw = atlas.framework
    specs = case_specs(fw)
    labels = {
        "spectrum": tuple((p.id, p.name, p.definition) for p in fw.positions),
        "approach": tuple((a.id, a.name, a.definition) for a in fw.approaches),
    }
    style = schema.HOUSE_STYLE
    sample = pages.CASE.path("x")
    taken = sorted({c.id for c in atlas.cases} | {a for c in atlas.cases for a in c.aliases})
    return {
        "fields": [_field(f, specs[f.key], labels) for f in schema.CASE_FIELDS if f.key not in NOT_PROPOSED],
        "set_for_you": list(SET_FOR_YOU),
        "id": {
            "pattern": ID_RE.pattern,
            "low": ID_LENGTH[0],
            "high": ID_LENGTH[1],
            "reserved": list(schema.RESERVED_CASE_IDS),
        },
        "taken": taken,
        "case_file": pages.CASE.pattern,
        "cross": {
            "placed_kind": schema.PLACED_KIND,
            "placed_by": "spectrum",
            "positions": list(schema.POSITION_IDS),
            "future_days": FUTURE_DAYS,
            "dated": ["published", "reviewed"],
        },
        "body": {
            "first": style.first,
            "second": style.second,
            "rest": list(style.rest),
            "min_words": style.min_words,
            "questions": body.QUESTIONS,
            "section": body.SECTION.pattern,
            "question_link": body.QUESTION_LINK.pattern,
            "level_one": body.LEVEL_ONE.pattern,
            "guidance": {**PROMPTS, **{name: SECOND_PROMPT for name in style.second.values()}},
        },
        "framework": [
            {
                "id": e.id,
                "name": e.name,
                "heading": e.heading,
                "questions": [
                    {"id": q.id, "text": q.text, "link": pages.ELEMENT.link_from(sample, e.slug, q.anchor)}
                    for q in e.questions
                ],
            }
            for e in fw.elements
        ],
        "headings": {str(h.number): h.name for h in fw.headings},
        "messages": MESSAGES,
        "blank_letters": "".join(sorted(body.BLANK_LETTERS)),
        "date_errors": {
            "year": _date_error("0000-01-01"),
            "month": _date_error("2001-13-01"),
            "day": _date_error("2001-02-30"),
        },
        "months": list(MONTHS),
        "reads_as_number": _READS_AS[INT],
        "repository": _repository(repo_url, edit_uri),
        # The issue form's box for each field, for a proposal too long for the new-file address.
        "form_ids": {".".join(box.path): box.id for box in form_fields(fw) if box.path[0] != "body"},
    }


def _date_error(value: str) -> str:
    """Python's own words for why ``value`` is not a date, as make check quotes them."""
    try:
        dt.date.fromisoformat(value)
    except ValueError as err:
        return str(err)
    raise AssertionError(f"{value} is a real date")


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"


def composer_page(data: Mapping[str, Any]) -> tuple[str, str]:
    """``contributing/new.md`` with a placeholder, and the form's HTML block that goes there.

    The form is rendered from the spec; the script adds the checks and the file.
    """
    described = "Write a case in your browser and propose it, with no git."
    out = [front_matter("Write a case", described, searchable=False, script="composer.js")]
    out.append(
        "# Write a case\n\nFill in the form, section by section. Each box is checked as you type, with the same "
        "words the atlas's own checks use. When nothing is left to fix, the finished case file appears at the end, "
        "ready to propose on GitHub, download or copy.\n\n"
        '!!! note "Your draft stays in this browser"\n\n'
        "    What you type is kept in this browser, on this device, so closing the tab loses nothing. "
        "Nothing is sent anywhere until you choose to propose the case.\n\n"
    )
    out.append(BLOCK_PART.format(0) + "\n")
    return "".join(out), templating.block("composer.html", spec=data)


def added(rendered: Rendered, atlas: Atlas, repo_url: str | None = None, edit_uri: str | None = None) -> Rendered:
    """``rendered`` with the composer's page and its spec added, the form held apart as the page's HTML block."""
    data = spec(atlas, repo_url, edit_uri)
    text, form = composer_page(data)
    pages = {**rendered.pages, PAGE.path(): text, SPEC_FILE: _json(data)}
    return replace(rendered, pages=dict(sorted(pages.items())), blocks={**rendered.blocks, PAGE.path(): (form,)})


# --- the issue form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    """One box of the issue form: where its answer goes in the case file."""

    id: str
    """The form's id for it, also the query parameter that fills it in."""
    label: str
    """The heading GitHub gives its answer in the issue."""
    path: tuple[str, ...]
    """The case field it fills: ``("title",)``, ``("trust", "schools")``, or ``("body", "Context")``."""
    rule: Mapping[str, Any]
    """The field's rule, as the spec describes it."""
    required: bool
    description: str


SECOND_LABEL_JOIN = " / "
# Query parameters GitHub's new-issue address keeps for itself; a box with one of these ids is renamed.
GITHUB_PARAMETERS = ("title", "body", "labels", "assignees", "milestone", "projects", "template", "type")


def _form_id(*path: str) -> str:
    ident = "-".join(path)
    return f"case-{ident}" if ident in GITHUB_PARAMETERS else ident


def form_fields(framework: Framework) -> list[FormField]:
    """Every box of the issue form, in order: the fields of the contract, then the body's sections."""
    specs = case_specs(framework)
    out: list[FormField] = []
    for field in schema.CASE_FIELDS:
        if field.key in NOT_PROPOSED or field.key in SET_FOR_YOU:
            continue
        rule = _describe_rule(specs[field.key].check)
        plain = _plain(field.description)
        if rule["kind"] == "group":
            subs = {f.key: f for f in field.fields}
            for sub in rule["fields"]:
                known = subs[sub["key"]]
                out.append(
                    FormField(
                        _form_id(field.key, sub["key"]),
                        f"{field.label}: {known.label}",
                        (field.key, sub["key"]),
                        sub["rule"],
                        False,
                        _plain(known.description),
                    )
                )
            continue
        required = field.needed
        if field.key == "id":
            required, plain = False, f"{plain} Leave it empty to have one made from the title."
        out.append(FormField(_form_id(field.key), field.label, (field.key,), rule, required, plain))
    style = schema.HOUSE_STYLE
    names = [style.first, SECOND_LABEL_JOIN.join(style.second.values()), *style.rest]
    for i, name in enumerate(names, start=1):
        out.append(FormField(f"body-{i}", name, ("body", str(i)), {"kind": "body"}, True, ""))
    return out


def _plain(text: str) -> str:
    """Contract text without Markdown links to other parts of the page, or backticks."""
    text = re.sub(r"\s*See \[[^\]]*\]\([^)]*\)\.", "", text)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("`", "")


def _source_lines(rule: Mapping[str, Any]) -> str:
    return "\n".join(f"{f['key']}: ..." for f in rule["item"]["fields"])


def _form_entry(box: FormField) -> dict[str, Any]:
    rule = box.rule
    attributes: dict[str, Any] = {"label": box.label}
    if box.description:
        attributes["description"] = box.description
    kind = rule["kind"]
    item = rule.get("item", {})
    if kind == "choice" or (kind == "list" and item.get("kind") == "choice"):
        attributes["options"] = list(rule.get("choices", item.get("choices", [])))
        if kind == "list":
            attributes["multiple"] = True
        entry: dict[str, Any] = {"type": "dropdown", "id": box.id, "attributes": attributes}
    elif kind == "list" and item.get("kind") == "group":
        attributes["description"] = (
            f"{box.description} Give each source as lines of 'key: value' "
            f"({', '.join(f['key'] for f in item['fields'])}), with a blank line between sources."
        )
        attributes["placeholder"] = _source_lines(rule)
        entry = {"type": "textarea", "id": box.id, "attributes": attributes}
    elif kind == "body":
        guidance = schema.HOUSE_STYLE.second
        prompt = SECOND_PROMPT if SECOND_LABEL_JOIN.join(guidance.values()) == box.label else PROMPTS.get(box.label, "")
        attributes["description"] = prompt
        if box.label == SECOND_LABEL_JOIN.join(guidance.values()):
            attributes["description"] = (
                f"{prompt} The heading follows the kind: " + ", ".join(f"{k}: '{v}'" for k, v in guidance.items()) + "."
            )
        entry = {"type": "textarea", "id": box.id, "attributes": attributes}
    elif kind == "text" and not rule.get("one_line") and "max" in rule and rule["max"] > 150:
        entry = {"type": "textarea", "id": box.id, "attributes": attributes}
    else:
        if kind == "list":
            attributes["description"] = f"{box.description} Separate them with commas.".strip()
        entry = {"type": "input", "id": box.id, "attributes": attributes}
    if box.required:
        entry["validations"] = {"required": True}
    return entry


CONSENT_LABEL = "Consent"
CONSENT = (
    "The trust or network this case describes has agreed to it being published.",
    "The case contains no personal data about pupils, and names no member of staff without their consent.",
)


def issue_form(framework: Framework) -> str:
    """``.github/ISSUE_TEMPLATE/case-study.yml``: a box for each field of the contract, made from the schema."""
    body: list[dict[str, Any]] = [
        {
            "type": "markdown",
            "attributes": {
                "value": "Thank you for proposing a case. Each box below is a field of a case file; a workflow turns "
                "your answers into the file, checks it, and replies here with anything to fix. Edit the issue to "
                "fix it, and the checks run again. When the file is clean, a pull request is opened for review.\n\n"
                "The composer on the site's Contributing page checks each box as you type and can fill in this "
                "form for you. Write in your own words, in plain British English, and credit every fact in Sources."
            },
        }
    ]
    body += [_form_entry(box) for box in form_fields(framework)]
    body.append(
        {
            "type": "checkboxes",
            "id": "consent",
            "attributes": {
                "label": CONSENT_LABEL,
                "description": "Please confirm both before you submit.",
                "options": [{"label": text, "required": True} for text in CONSENT],
            },
        }
    )
    form = {
        "name": "Propose a case study",
        "description": "Share a trust's practice, a research finding or a network. No git needed.",
        "title": "Case: ",
        "labels": ["case-proposal"],
        "body": body,
    }
    header = "# Made from atlas/schema.py by `python scripts/issue_to_case.py --write-form`; edit the schema instead.\n"
    return header + yaml.safe_dump(form, sort_keys=False, allow_unicode=True, width=100)
