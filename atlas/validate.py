"""Check the framework and the cases, one small check per field, and build the model from them.

Every check is a generator of ``(line, field, message)``; nothing here prints or raises for bad
content. The caller collects every problem from every file and decides once whether to fail.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, cast
from urllib.parse import urlsplit

import yaml

from atlas import model, pages, parallel, placeholders, sanitise, schema
from atlas.body import BLANK_LETTERS, BodyChecker, house_style, invisible, visible
from atlas.crosswalk import load_crosswalks
from atlas.load import (
    Document,
    line,
    list_case_files,
    list_images,
    mapping,
    plain_bytes,
    read_case,
    read_text,
    read_yaml_file,
    relative,
)
from atlas.markdown import Renderer, site_markdown
from atlas.messages import MESSAGES, say
from atlas.model import (
    Atlas,
    Case,
    Element,
    Framework,
    Heading,
    Label,
    Problem,
    Publisher,
    Question,
    Source,
    Trust,
    Withdrawal,
    on_domain,
    one_line,
)

Issue = tuple[int, str, str]
Check = Callable[[yaml.Node, str], Iterator[Issue]]

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
_READS_AS = {
    "tag:yaml.org,2002:bool": "a yes/no value",
    INT: "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}
ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
ID_LENGTH = (3, 80)
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YEAR_RE = re.compile(r"[0-9]{4}")
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


# --- small node helpers -------------------------------------------------------------------


def _describe(node: yaml.Node) -> str:
    """Say what a node is, in words a contributor recognises."""
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a group of 'key: value' lines"
    if str(node.tag).startswith("!"):
        return f"{node.value!r} marked with the YAML tag {node.tag!r} (remove the tag)"
    reads_as = _READS_AS.get(node.tag)
    return f"{node.value!r}, which YAML reads as {reads_as}" if reads_as else repr(node.value)


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' suffix when a close match exists, else ''."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if value.lower() in lowered:
        return say("did_you_mean", value=lowered[value.lower()])
    starts = [c for c in lowered if c.startswith(value.lower())]
    if len(starts) == 1:
        return say("did_you_mean", value=lowered[starts[0]])
    close = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return say("did_you_mean", value=lowered[close[0]]) if close else ""


def _is_text(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == STR


def parse_date(value: str) -> dt.date | None:
    """The date written as YYYY-MM-DD, or None when it is not a real date in that form."""
    if not DATE_RE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _scalar_value(node: yaml.Node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else None


# --- field checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A check together with what it asks, as data: the case composer on the site reads it (see atlas/composer.py).

    ``kind`` names the check (``text``, ``choice``, ``list``, ``group``, ``date``...); ``params`` holds
    its settings, where a nested check is itself a Rule.
    """

    check: Check
    kind: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __call__(self, node: yaml.Node, field: str) -> Iterator[Issue]:
        """The check's problems with ``node``."""
        return self.check(node, field)


def check_text(node: yaml.Node, field: str, max_len: int | None = None, one_line: bool = False) -> Iterator[Issue]:
    """Text with something visible in it, no control or invisible characters, within ``max_len``."""
    if not _is_text(node):
        hint = "; put it in quotes" if isinstance(node, yaml.ScalarNode) else ""
        yield line(node), field, say("not_text", described=_describe(node), hint=hint)
        return
    value = str(node.value)
    bad = invisible(value, allow="" if one_line else "\n\t")
    if bad is not None:
        name = unicodedata.name(bad, "a control character")
        if bad == "\n":
            yield line(node), field, say("line_break")
        else:
            yield line(node), field, f"contains the invisible character U+{ord(bad):04X} ({name}); delete it"
    elif not value.strip():
        yield line(node), field, say("empty")
    elif not visible(value):
        blank = next((c for c in value if c in BLANK_LETTERS), None)
        shown = f" (it has U+{ord(blank):04X}, which prints as a blank)" if blank else ""
        yield line(node), field, say("not_visible", shown=shown)
    elif max_len is not None and len(value) > max_len:
        yield line(node), field, say("too_long", length=len(value), most=max_len)


def _text_up_to(max_len: int | None, one_line: bool = False) -> Check:
    def check(node: yaml.Node, field: str) -> Iterator[Issue]:
        yield from check_text(node, field, max_len, one_line)

    return Rule(check, "text", {"max": max_len, "one_line": one_line})


def check_choice(choices: tuple[str, ...]) -> Check:
    """A check that the value is one of ``choices``."""

    def check(node: yaml.Node, field: str) -> Iterator[Issue]:
        value = _scalar_value(node)
        if value is None or not _is_text(node):
            yield line(node), field, f"must be one of {', '.join(choices)}, not {_describe(node)}"
        elif value not in choices:
            yield (
                line(node),
                field,
                say("choice", choices=", ".join(choices), value=value, hint=did_you_mean(value, choices)),
            )

    return Rule(check, "choice", {"choices": choices})


def check_list(item: Check, *, min_items: int = 0, max_items: int | None = None, example: str = "[a, b]") -> Check:
    """A check that the value is a list whose items each pass ``item``, with no repeats."""

    def check(node: yaml.Node, field: str) -> Iterator[Issue]:
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                yield line(node), field, say("list_empty", example=example)
            else:
                yield line(node), field, f"must be a list such as {example}, not {_describe(node)}"
            return
        if len(node.value) < min_items:
            yield line(node), field, say("list_short", least=min_items, example=example)
        if max_items is not None and len(node.value) > max_items:
            yield (
                line(node),
                field,
                f"lists {len(node.value)} items; the most allowed is {max_items}: keep the {max_items} "
                "the source supports most directly",
            )
        seen: set[str] = set()
        for i, child in enumerate(node.value, start=1):
            yield from item(child, f"{field}[{i}]")
            value = _scalar_value(child)
            if value is not None:
                # The same word typed as composed or decomposed characters is still the same word.
                key = unicodedata.normalize("NFC", one_line(value))
                if key in seen:
                    yield line(child), f"{field}[{i}]", say("repeated", value=value)
                seen.add(key)

    return Rule(check, "list", {"item": item, "min": min_items, "example": example})


@dataclass(frozen=True)
class Spec:
    """How one key of a mapping is checked, and how its value is made once the check has passed."""

    check: Check
    required: bool = False
    example: str = ""
    build: Callable[[yaml.Node], object] | None = None
    """Turns the checked node into the model's value; by default the text on one line."""
    reader: Reader | None = None
    """For a value that holds keys of its own: checks and builds it in one walk, instead of check and build."""

    def read(self, node: yaml.Node, field: str) -> tuple[list[Issue], object]:
        """The value's problems, and its built value when it has none."""
        if self.reader is not None:
            return self.reader(node, field)
        issues = list(self.check(node, field))
        if issues:
            return issues, None
        return [], (self.build or _plain_text)(node)


Reader = Callable[[yaml.Node, str], tuple[list[Issue], object]]


def _plain_text(node: yaml.Node) -> str:
    return one_line(str(node.value))


def _texts_of(node: yaml.Node) -> tuple[str, ...]:
    return tuple(str(n.value).strip() for n in node.value)


def _date_of(node: yaml.Node) -> dt.date:
    return dt.date.fromisoformat(str(node.value))


def read_mapping(specs: Mapping[str, Spec], node: yaml.Node, field: str) -> tuple[list[Issue], dict[str, object]]:
    """A group of ``key: value`` lines, in one walk: every problem, and the built value of each key that passed."""
    if not isinstance(node, yaml.MappingNode):
        return [(line(node), field, f"must be a group of 'key: value' lines, not {_describe(node)}")], {}
    issues: list[Issue] = []
    values: dict[str, object] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue  # reported when the file is read
        name = str(key.value)
        where = f"{field}.{name}" if field else name
        if name == "<<":
            issues.append(
                (line(key), field or "front matter", "merge keys ('<<') are not allowed; write the fields out")
            )
            continue
        if name not in specs:
            known = ", ".join(specs)
            issues.append(
                (line(key), where, f"is not a known field{did_you_mean(name, specs)}; the fields are {known}")
            )
            continue
        found, built = specs[name].read(value, where)
        issues += found
        values[name] = built
    present = {str(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    for name, spec in specs.items():
        if spec.required and name not in present:
            where = f"{field}.{name}" if field else name
            issues.append((line(node), where, say("missing", name=name, example=spec.example)))
    return issues, values


def check_mapping(specs: Mapping[str, Spec]) -> Check:
    """A check for a group of ``key: value`` lines: known keys, required keys, each value's check."""

    def check(node: yaml.Node, field: str) -> Iterator[Issue]:
        yield from read_mapping(specs, node, field)[0]

    return Rule(check, "group", {"fields": specs})


def mapping_reader(specs: Mapping[str, Spec], make: Callable[..., object]) -> Reader:
    """A reader for a group of keys that becomes one model object, such as a ``Trust``."""

    def read(node: yaml.Node, field: str) -> tuple[list[Issue], object]:
        issues, values = read_mapping(specs, node, field)
        return issues, (None if issues else make(**values))

    return read


def list_reader(item: Reader, check: Check) -> Reader:
    """A reader for a list whose items each become a model object, such as ``sources``."""

    def read(node: yaml.Node, field: str) -> tuple[list[Issue], object]:
        issues = list(check(node, field))
        if not isinstance(node, yaml.SequenceNode):
            return issues, None
        built = []
        for i, child in enumerate(node.value, start=1):
            found, value = item(child, f"{field}[{i}]")
            issues += found
            built.append(value)
        return issues, (None if issues else tuple(built))

    return read


def check_tag(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A keyword: text without ';', which the CSV export uses to join lists."""
    yield from check_text(node, field, one_line=True)
    value = _scalar_value(node)
    if _is_text(node) and value and ";" in value:
        yield line(node), field, say("semicolon_tag", value=value)


def check_date(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A real calendar date written YYYY-MM-DD."""

    def meant(written: str) -> str:
        """' (did you mean 2026-11-23?)' for a date written in another order, or '' when none is meant."""
        year_first = re.fullmatch(r"([0-9]{4})([/.-])([0-9]{1,2})\2([0-9]{1,2})", written)
        day_first = re.fullmatch(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})", written)
        if year_first:
            year, month, day = int(year_first[1]), int(year_first[3]), int(year_first[4])
        elif day_first:
            first, second, year = int(day_first[1]), int(day_first[3]), int(day_first[4])
            # Only a second number over 12 makes it month first (US order). Otherwise it is read day
            # first, the British order, and when both readings are real dates the date is spelled out.
            day, month = (second, first) if second > 12 >= first else (first, second)
        else:
            return ""
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return ""
        guessed = day_first is not None and day <= 12 and month <= 12 and day != month
        words = f", {date.day} {date:%B %Y}" if guessed else ""
        return say("date_meant", iso=date.isoformat(), words=words)

    value = _scalar_value(node)
    if value is None or node.tag not in (STR, "tag:yaml.org,2002:timestamp"):
        yield line(node), field, f"must be a date written {MESSAGES['date_form']}, not {_describe(node)}"
    elif not DATE_RE.fullmatch(value):
        yield line(node), field, say("date", form=MESSAGES["date_form"], value=value, hint=meant(value))
    else:
        try:
            dt.date.fromisoformat(value)
        except ValueError as err:
            yield line(node), field, say("not_a_date", value=value, error=err)


def check_source_date(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A source's date: a full date YYYY-MM-DD, a year YYYY when that is all that is known, or ``undated``."""
    value = _scalar_value(node)
    if value is not None and (YEAR_RE.fullmatch(value) or (value == schema.UNDATED and _is_text(node))):
        return
    for at, where, message in check_date(node, field):
        form, source_form = MESSAGES["date_form"], MESSAGES["source_date_form"]
        yield at, where, message.replace(f"written {form}", f"written {source_form}")


DOMAIN_RE = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def check_site(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A publisher's site: a domain, or a domain and the start of a path on a shared host."""
    value = _scalar_value(node)
    domain, slash, path = (value or "").partition("/")
    if _is_text(node) and slash and DOMAIN_RE.fullmatch(domain) and re.fullmatch(r"[A-Za-z0-9._~/-]+", path):
        return
    for at, where, message in check_domain(node, field):
        yield at, where, message.replace("such as docslib.org", "such as nfer.ac.uk (or a domain and a path)")


def check_domain(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A web domain such as ``docslib.org``: no scheme, no path."""
    yield from check_text(node, field, one_line=True)
    value = _scalar_value(node)
    if not _is_text(node) or not value or not value.strip() or DOMAIN_RE.fullmatch(value):
        return
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    hint = f" (did you mean {host!r}?)" if DOMAIN_RE.fullmatch(host) else ""
    yield line(node), field, f"must be a web domain such as docslib.org, not {value!r}{hint}"


def check_url(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A full web address starting with https:// or http://."""
    yield from check_text(node, field)
    value = _scalar_value(node)
    if not _is_text(node) or value is None or not value.strip():
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        yield line(node), field, say("url", value=value)


def check_whole_number(what: str, highest: int, example: int) -> Check:
    """A check that the value is a whole number of ``what`` from 1 to ``highest``."""

    def check(node: yaml.Node, field: str) -> Iterator[Issue]:
        value = _scalar_value(node)
        if node.tag != INT or value is None or not re.fullmatch(r"[1-9][0-9]*", value) or int(value) > highest:
            yield (
                line(node),
                field,
                say("whole_number", what=what, highest=highest, example=example, described=_describe(node)),
            )

    return Rule(check, "whole_number", {"what": what, "highest": highest, "example": example})


YEARS_RE = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?")


def check_years(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A year (2019) or a range of years ("2017-2020") in which the facts held."""
    value = _scalar_value(node)
    match = YEARS_RE.fullmatch(value or "") if node.tag in (STR, INT) else None
    if match is None:
        yield line(node), field, say("years", described=_describe(node))
    elif match[2] and int(match[2]) < int(match[1]):
        yield line(node), field, say("years_backwards", value=value)


def check_id(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A permanent lowercase slug of 3 to 80 characters."""
    yield from check_text(node, field)
    value = _scalar_value(node)
    if not _is_text(node) or value is None or not value.strip():
        return
    low, high = ID_LENGTH
    if not ID_RE.fullmatch(value):
        folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
        suggestion = "-".join(re.findall(r"[a-z0-9]+", folded))
        hint = say("did_you_mean", value=suggestion) if suggestion else ""
        yield line(node), field, say("id_form", value=value, hint=hint)
    elif not low <= len(value) <= high:
        yield line(node), field, say("id_length", low=low, high=high, length=len(value), value=value)
    elif value in schema.RESERVED_CASE_IDS:
        yield line(node), field, say("id_reserved", value=value)


def check_element_ref(framework: Framework) -> Check:
    """A check that a value names an element (``1C``) or one of its questions (``1C.ii``)."""
    elements = {e.id: e for e in framework.elements}
    valid = set(elements) | {q.id for e in framework.elements for q in e.questions}

    def check(node: yaml.Node, field: str) -> Iterator[Issue]:
        value = _scalar_value(node)
        if value is None or not _is_text(node):
            yield line(node), field, say("ref_not_text", described=_describe(node))
            return
        if value in valid:
            return
        element_id, _, ref = value.partition(".")
        element = elements.get(element_id.upper())
        normalised = f"{element_id.upper()}.{ref.lower()}" if ref else element_id.upper()
        if normalised in valid:
            yield line(node), field, say("ref_case", value=value, normalised=normalised)
        elif element is not None and ref:
            refs = ", ".join(q.ref for q in element.questions)
            yield line(node), field, say("ref_question", element=element.id, name=element.name, ref=ref, refs=refs)
        else:
            hint = did_you_mean(value, elements)
            # With their names, so a writer who knows the element but not its code can find it.
            named = "; ".join(f"{e.id} {e.name}" for e in elements.values())
            yield line(node), field, say("ref_unknown", value=value, elements=named, hint=hint)

    return Rule(check, "ref")


# --- cases ----------------------------------------------------------------------------------


_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")
_NOTE_WORDS = re.compile(
    "|".join(rf"(?<![a-z]){re.escape(word)}(?![a-z])" for word in schema.SOURCE_TITLE_NOTES), re.IGNORECASE
)


def check_source_title(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A source's own title: one line without ';' (the CSV export joins titles with it) and no notes in brackets."""
    yield from check_text(node, field, one_line=True)
    value = _scalar_value(node)
    if _is_text(node) and value and ";" in value:
        yield line(node), field, say("semicolon_title", value=value)
    for match in _BRACKETED.finditer(value or "") if _is_text(node) else ():
        if _NOTE_WORDS.search(match.group(1)):
            yield (
                line(node),
                field,
                f"has a note in brackets, {match.group(0)!r}; give the document's own title, and put a missing date "
                f"as 'date: {schema.UNDATED}' and a copy's site as 'via:'",
            )


TEXT = Rule(check_text, "text")
DATE = Rule(check_date, "date", {"form": "date_form"})
SOURCE_TITLE = Rule(check_source_title, "text", {"one_line": True, "semicolon": "semicolon_title"})
SOURCE_DATE = Rule(check_source_date, "date", {"form": "source_date_form", "year": True})


def check_publisher(publishers: Mapping[str, Publisher]) -> Check:
    """A check that the value is the id of a publisher in ``framework/publishers.yaml``."""
    by_name = {one_line(n).casefold(): p for p in publishers.values() for n in (p.name, *p.formerly)}

    def check(node: yaml.Node, field: str) -> Iterator[Issue]:
        value = _scalar_value(node)
        if value is None or not _is_text(node):
            yield line(node), field, f"must be a publisher's id from {PUBLISHERS_FILE}, not {_describe(node)}"
            return
        if value in publishers:
            return
        named = by_name.get(one_line(value).casefold())
        if named is not None:
            hint = f"; {value!r} is the name of the publisher with the id {named.id!r}: write 'publisher: {named.id}'"
        else:
            hint = (
                f"{did_you_mean(value, publishers)}; name a publisher by its id, and if it is not listed, "
                f"add it to {PUBLISHERS_FILE} with its name, kind and web domains"
            )
        yield line(node), field, f"{value!r} is not a publisher in {PUBLISHERS_FILE}{hint}"

    return check


PUBLISHERS_FILE = "framework/publishers.yaml"
# The kinds of publisher whose own words a source can be: those that can give an own account.
OWN_KINDS = tuple(dict.fromkeys(k for kinds in schema.OWN_ACCOUNT_PUBLISHERS.values() for k in kinds))


def _copy_site(host: str) -> str:
    """The domain to name in ``via`` for an address on ``host``: the host without a leading ``www.``."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _source_rules(values: Mapping[str, object], nodes: Mapping[str, yaml.Node], at: int, field: str) -> Iterator[Issue]:
    """Rules across a source's fields: an address or an offline note, and an address on the publisher's own site."""
    url, via, offline = values.get("url"), values.get("via"), values.get("offline")
    publisher, voice = values.get("publisher"), values.get("voice")
    if isinstance(voice, Publisher):
        if voice == publisher:
            yield line(nodes["voice"]), f"{field}.voice", f"is the publisher, {voice.id!r}, itself; remove 'voice'"
        elif voice.kind not in OWN_KINDS:
            yield (
                line(nodes["voice"]),
                f"{field}.voice",
                f"is {voice.name}, of kind {voice.kind}; 'voice' names the trust or network whose own words the "
                f"text is (kind {_names(OWN_KINDS)}), and only then",
            )
    if url is None and "url" not in nodes:
        if offline is None and "offline" not in nodes:
            yield (
                at,
                field,
                "has no 'url'; give the web address of the original, or for a source that is not on the web, "
                "'offline:' saying where a reader can find it",
            )
        if "via" in nodes:
            yield line(nodes["via"]), f"{field}.via", "names the site a copy is on, but the source has no 'url'"
        return
    if "offline" in nodes:
        yield line(nodes["offline"]), f"{field}.offline", "is for a source with no 'url'; remove one of them"
    if not isinstance(url, str) or not isinstance(publisher, Publisher):
        return
    host = urlsplit(url).hostname or ""
    if publisher.owns(url):
        if "via" in nodes:
            yield (
                line(nodes["via"]),
                f"{field}.via",
                f"is {via!r}, but {host!r} is {publisher.name}'s own site, not a copy; remove 'via'",
            )
    elif isinstance(via, str):
        if not on_domain(host, via):
            yield (
                line(nodes["via"]),
                f"{field}.via",
                f"is {via!r}, but the address is on {host!r}; write 'via: {_copy_site(host)}'",
            )
    elif "via" not in nodes:
        domains = ", ".join(publisher.domains) or "none listed"
        yield (
            line(nodes["url"]),
            f"{field}.url",
            f"{url!r} is not on {publisher.name}'s web domains ({domains}); cite the original on the publisher's "
            f"site, or if only a copy is public, add 'via: {_copy_site(host)}' to say where the copy is "
            f"(or, if the publisher is someone else, name them in 'publisher')",
        )


def source_reader(publishers: Mapping[str, Publisher]) -> Reader:
    """A reader for one source: its fields, its address against its publisher, and the ``Source`` built."""
    specs = specs_for(schema.SOURCE_FIELDS, Needs(publishers=publishers))

    def read(node: yaml.Node, field: str) -> tuple[list[Issue], object]:
        issues, values = read_mapping(specs, node, field)
        if not isinstance(node, yaml.MappingNode):
            return issues, None
        undated = f"; or 'date: {schema.UNDATED}' when the source gives no date"
        issues = [
            (at, f, m + undated if f == f"{field}.date" and m.startswith("is missing") else m) for at, f, m in issues
        ]
        nodes = {str(k.value): v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        issues += _source_rules(values, nodes, line(node), field)
        return issues, (None if issues else Source(**values))  # type: ignore[arg-type]

    return read


ID = Rule(check_id, "id")
TAG = Rule(check_tag, "text", {"one_line": True, "semicolon": "semicolon_tag"})
# Either key will do; a source with neither is refused (see _read_source).
AUTHOR_OR_PUBLISHER = ("author", "publisher")


def check_publisher_name(node: yaml.Node, field: str) -> Iterator[Issue]:
    """A publisher's one name: a line of text without ';', which the CSV export uses to join names."""
    yield from check_text(node, field, schema.TITLE_MAX, one_line=True)
    value = _scalar_value(node)
    if _is_text(node) and value and ";" in value:
        yield line(node), field, f"must not contain ';' (the open data joins names with it), not {value!r}; use ','"


# The checks the contract names (schema.Special), each with how its value is built when it has passed.
SPECIAL: dict[str, tuple[Check, Callable[[yaml.Node], object]]] = {
    "id": (ID, lambda node: str(node.value)),
    "years": (Rule(check_years, "years"), _plain_text),
    "tag": (TAG, lambda node: unicodedata.normalize("NFC", str(node.value).strip())),
    "source-title": (SOURCE_TITLE, _plain_text),
    "source-date": (SOURCE_DATE, lambda node: str(node.value)),
    "url": (Rule(check_url, "url"), _plain_text),
    "domain": (check_domain, _plain_text),
    "site": (check_site, _plain_text),
    "publisher-name": (check_publisher_name, _plain_text),
}


@dataclass(frozen=True)
class Needs:
    """What some checks need beyond the value: the framework (for element references) and the publishers."""

    framework: Framework | None = None
    publishers: Mapping[str, Publisher] | None = None
    """Publishers by id; without them a source names its publisher in words, as a crosswalk's sources do."""


def _no_item_check(node: yaml.Node, field: str) -> Iterator[Issue]:
    return iter(())


def _group_reader(value: schema.Group, needs: Needs) -> Reader:
    """A reader for a group of keys: a source, a trust, a withdrawal, or a dict for a group the model does not name."""
    if value.model == "source" and needs.publishers is not None:
        return source_reader(needs.publishers)
    made: dict[str, Callable[..., object]] = {"trust": Trust, "withdrawal": Withdrawal}
    fields = value.fields

    def every_key(**given: object) -> dict[str, object]:
        # Each of the group's keys in contract order, one the file leaves out as its empty value.
        return {f.key: given.get(f.key, f.empty) for f in fields}

    return mapping_reader(specs_for(fields, needs), made.get(value.model, every_key))


def rule(value: schema.Value, needs: Needs) -> Check:
    """The check for a value as the contract describes it."""
    if isinstance(value, schema.Text):
        return TEXT if value.most is None and not value.one_line else _text_up_to(value.most, value.one_line)
    if isinstance(value, schema.Choice):
        return check_choice(value.ids)
    if isinstance(value, schema.Date):
        return DATE
    if isinstance(value, schema.WholeNumber):
        return check_whole_number(value.what, value.highest, value.example)
    if isinstance(value, schema.ListOf):
        item = rule(value.item, needs)
        return check_list(item, min_items=value.least, max_items=value.most, example=value.example)
    if isinstance(value, schema.Group):
        if value.model == "source" and needs.publishers is not None:
            read_source = source_reader(needs.publishers)

            def check_source(node: yaml.Node, field: str) -> Iterator[Issue]:
                yield from read_source(node, field)[0]

            # The composer reads the source's fields from here; the rules across them stay with make check.
            return Rule(check_source, "group", {"fields": specs_for(value.fields, needs), "one_of": ()})
        return check_mapping(specs_for(value.fields, needs))
    if value.check == "element":
        assert needs.framework is not None, "an element reference is checked against the framework"
        return check_element_ref(needs.framework)
    if value.check == "publisher":
        return TEXT if needs.publishers is None else check_publisher(needs.publishers)
    return SPECIAL[value.check][0]


def _build(value: schema.Value, needs: Needs) -> Callable[[yaml.Node], object] | None:
    """How a checked value becomes the model's; None for the text on one line."""
    if isinstance(value, schema.Date):
        return _date_of
    if isinstance(value, schema.WholeNumber):
        return lambda node: int(node.value)
    if isinstance(value, schema.ListOf):
        make = _build_item(value.item, needs)
        return lambda node: tuple(make(n) for n in node.value)
    if isinstance(value, schema.Special):
        if value.check == "publisher" and needs.publishers is not None:
            publishers = needs.publishers
            return lambda node: publishers[str(node.value)]
        return SPECIAL[value.check][1] if value.check in SPECIAL else None
    return None


def _build_item(item: schema.Value, needs: Needs) -> Callable[[yaml.Node], object]:
    """How an item of a list is built: a number, a date or a publisher as one; a tag composed; other text trimmed."""
    if isinstance(item, (schema.WholeNumber, schema.Date)) or (
        isinstance(item, schema.Special) and item.check in ("tag", "publisher")
    ):
        return _build(item, needs) or _plain_text
    # Taken as written, trimmed: an id, an element or a phase has no inner spaces to fold.
    return lambda node: str(node.value).strip()


def _reader(value: schema.Value, needs: Needs) -> Reader | None:
    """For a value that holds keys of its own, the reader that checks and builds it in one walk."""
    if isinstance(value, schema.Group):
        return _group_reader(value, needs)
    if isinstance(value, schema.ListOf) and isinstance(value.item, schema.Group):
        # The list's own checks here; each item is checked and built once, by its reader.
        whole = check_list(_no_item_check, min_items=value.least, max_items=value.most, example=value.example)
        return list_reader(_group_reader(value.item, needs), whole)
    return None


def specs_for(fields: tuple[schema.Field, ...], needs: Needs) -> dict[str, Spec]:
    """Each field's spec, in contract order: its check, build and reader from what the contract says its value is."""
    return {
        f.key: Spec(rule(f.value, needs), f.needed, f.example, _build(f.value, needs), _reader(f.value, needs))
        for f in fields
    }


# Sources as a crosswalk file gives them: a publisher's name rather than an id from publishers.yaml.
SOURCE_SPECS = specs_for(schema.SOURCE_FIELDS, Needs())
TRUST_SPECS = specs_for(schema.TRUST_FIELDS, Needs())


def case_specs(framework: Framework) -> dict[str, Spec]:
    """The case front-matter contract: every allowed key, in the order a template shows them."""
    return specs_for(schema.CASE_FIELDS, Needs(framework, framework.publisher_ids))


def _fields(doc: Document) -> dict[str, yaml.Node]:
    return mapping(doc.data)


FUTURE_DAYS = 365


def _check_cross_fields(
    doc: Document, taken: Callable[[str], str | None] | None = None, today: dt.date | None = None
) -> Iterator[Issue]:
    """Rules that tie fields together: file name, spectrum for practice, review after publication."""
    fields = _fields(doc)
    ident = _scalar_value(fields["id"]) if "id" in fields else None
    if ident is not None and ident != doc.stem and not any(check_id(fields["id"], "id")):
        other = taken(ident) if taken else None
        if other is not None:
            # The usual way in: an existing case copied to a new file with its id left unchanged.
            yield (
                line(fields["id"]),
                "id",
                f"{ident!r} is already the id of {other}; change it to {doc.stem!r} to match this file's name",
            )
            return
        if ident == placeholders.template_id():
            # A template copied to a file of its own: the file's name is the writer's choice.
            yield (
                line(fields["id"]),
                "id",
                f"is still the template's {ident!r}; change it to {doc.stem!r} to match this file's name",
            )
            return
        yield (
            line(fields["id"]),
            "id",
            f"is {ident!r} but the file is called {doc.stem + '.md'!r}; "
            f"rename the file to {ident}.md (ids are permanent addresses, so do not change the id lightly)",
        )
    if ident is not None and not any(check_id(fields["id"], "id")):
        yield from _check_id_words(fields["id"], ident)
    kind = fields.get("kind")
    if kind is not None and _scalar_value(kind) == schema.PLACED_KIND and "spectrum" not in fields:
        yield line(kind), "spectrum", say("spectrum_needed", positions=", ".join(schema.POSITION_IDS))
    published = parse_date(_scalar_value(fields["published"]) or "") if "published" in fields else None
    reviewed = parse_date(_scalar_value(fields["reviewed"]) or "") if "reviewed" in fields else None
    today = today or dt.date.today()
    for key, day in (("published", published), ("reviewed", reviewed)):
        if day and (day - today).days > FUTURE_DAYS:
            yield line(fields[key]), key, say("future", iso=day.isoformat(), key=key)
    if published and reviewed and reviewed < published:
        yield (
            line(fields["reviewed"]),
            "reviewed",
            say("reviewed_early", iso=reviewed.isoformat(), published=published.isoformat()),
        )


def _check_placeholders(doc: Document) -> Iterator[Issue]:
    """Text left from the template or ``make new`` for the writer to replace: each passes every other check."""

    def walk(node: yaml.Node, field: str) -> Iterator[Issue]:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                yield from walk(value, f"{field}.{key.value}" if field else str(key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value, start=1):
                yield from walk(item, f"{field}[{i}]")
        elif _is_text(node) and one_line(str(node.value)).casefold() in placeholders.values():
            fix = (
                "choose an id from your case's title (lowercase words joined by hyphens) and name the file <id>.md"
                if field == "id"
                else "replace it with your own"
            )
            yield line(node), field, f"is still the template's example {str(node.value)!r}; {fix}"

    for issue in walk(doc.data, ""):
        # Where the file has a name of its own, the id check names the template's id and what to write.
        if issue[1] != "id" or doc.stem == placeholders.template_id():
            yield issue
    for offset, sentence in placeholders.in_body(doc.body):
        yield (
            doc.body_line + offset,
            "body",
            f"still has the prompt {sentence!r} from the template or make new; "
            "replace it with what the source says, in your own words",
        )


def _check_id_words(node: yaml.Node, ident: str) -> Iterator[Issue]:
    """An id that names a tag: the tag could change, and the id, an address, cannot."""
    letters = ident.replace("-", "")
    for word in schema.ID_WORDS:
        if letters.startswith(word.letters) if word.first_only else word.letters in letters:
            where = "starts with" if word.first_only else "contains"
            yield (
                line(node),
                "id",
                f"{ident!r} {where} {word.letters!r}, which names {word.names}; an id says who and what, such as "
                "'ogat-80-20-core', because tags can change but addresses cannot: choose an id without it "
                "(for a published case, rename the file and id, and list the old id under 'aliases:')",
            )
            return


def _names(kinds: Sequence[str]) -> str:
    """Publisher kinds as written in the publishers file, such as 'trust or network'."""
    return ", ".join(kinds[:-1]) + " or " + kinds[-1] if len(kinds) > 1 else "".join(kinds)


def _check_evidence(values: Mapping[str, object], fields: Mapping[str, yaml.Node]) -> Iterator[Issue]:
    """The evidence label follows from who published the sources, and an own account from the case's own trust."""
    evidence, kind, sources, trust = (values.get(k) for k in ("evidence", "kind", "sources", "trust"))
    if not isinstance(evidence, str) or not isinstance(kind, str) or not isinstance(sources, tuple):
        return
    publishers = [s.publisher for s in sources if isinstance(s, Source)]
    kinds = schema.publisher_kinds(evidence, kind)
    fit = [p for s in sources if isinstance(s, Source) for p in s.carriers(evidence) if p.kind in kinds]
    cited = "; ".join(dict.fromkeys(f"{p.name} ({schema.PUBLISHER_KINDS.name(p.kind).lower()})" for p in publishers))
    if not fit:
        others = [
            f"'{e}'"
            for e in schema.EVIDENCE.ids
            if e != evidence and any(p.kind in schema.publisher_kinds(e, kind) for s in sources for p in s.carriers(e))
        ]
        listed = _names(others)
        instead = f", or choose a label they support: {listed}" if others else ""
        yield (
            line(fields["evidence"]),
            "evidence",
            f"is {evidence!r}, which needs a source whose publisher's kind is {_names(kinds)}; this case's sources are "
            f"published by {cited}: cite such a source{instead} (see the evidence labels on the contributing page)",
        )
        return
    name = trust.name if isinstance(trust, Trust) else None
    if evidence == schema.OWN_ACCOUNT and kind == schema.PLACED_KIND and name:
        own = [p for p in fit if p.kind != schema.TRUST_PUBLISHER or p.named(name)]
        if not own:
            yield (
                line(fields["evidence"]),
                "evidence",
                f"is {evidence!r}, but no source is published by {one_line(name)}, the trust this case is about "
                f"(its sources are published by {cited}): cite the trust's own page, or choose the label that "
                "says who told the story; if a publisher listed is this trust, give 'trust.name' as its name, or list "
                f"this name under its 'formerly' in {PUBLISHERS_FILE} if it was renamed",
            )


def check_case(
    doc: Document,
    framework: Framework,
    body: BodyChecker,
    specs: Mapping[str, Spec] | None = None,
    taken: Callable[[str], str | None] | None = None,
    today: dt.date | None = None,
) -> tuple[list[Problem], Case | None]:
    """Every problem in one case document, in line order, and the case built in the same walk if there are none.

    Pass ``specs`` to reuse them across cases, and ``taken`` to name the file that already has an id.
    """
    issues, values = read_mapping(specs or case_specs(framework), doc.data, "")
    issues += _check_cross_fields(doc, taken, today)
    issues += _check_placeholders(doc)
    issues += _check_evidence(values, _fields(doc))
    kind = values.get("kind")
    issues += body.check(doc.body, doc.body_line, kind if isinstance(kind, str) else None, pages.CASE.url(doc.stem))
    problems = sorted(Problem(doc.path, at, field, message) for at, field, message in issues)
    if problems:
        return problems, None
    return [], _case(doc, framework, values, body)


def draft_case(
    doc: Document, framework: Framework, body: BodyChecker, specs: Mapping[str, Spec], problems: list[Problem]
) -> Case | None:
    """The case a preview shows while it is being written, when every problem is one of substance.

    Substance is the house style (enough words, the sections, questions that link to the framework)
    and text left from the template. The fields must be valid and the body must have rendered and
    passed its safety checks, so what is shown is the HTML that was checked; anything else is None.
    """
    if doc.body not in body.checked or not problems:
        return None
    issues, values = read_mapping(specs, doc.data, "")
    kind = values.get("kind")
    if issues or not isinstance(kind, str):
        return None
    substance = {*house_style(doc.body.split("\n"), doc.body_line, kind), *_check_placeholders(doc)}
    if any((p.line, p.field, p.message) not in substance for p in problems):
        return None
    return _case(doc, framework, values, body)


def _case(doc: Document, framework: Framework, values: Mapping[str, object], body: BodyChecker) -> Case:
    """The case from the values its checked fields built, and its body's checked HTML and headings."""
    order = {e.id: i for i, e in enumerate(framework.elements)}
    refs = cast(tuple[str, ...], values["elements"])
    html, headings = body.checked.pop(doc.body, ("", ()))
    return Case(
        path=doc.path,
        fields=Case.of(values),
        elements=tuple(sorted({r.partition(".")[0] for r in refs}, key=order.__getitem__)),
        questions=tuple(r for r in refs if "." in r),
        body=doc.body.strip("\n") + "\n",
        body_html=html,
        headings=headings,
    )


def _text(node: yaml.Node | None) -> str | None:
    return one_line(str(node.value)) if node is not None else None


def _texts(node: yaml.Node | None) -> tuple[str, ...]:
    return _texts_of(node) if node is not None else ()


REVIEW_AFTER_DAYS = 730


def advise(doc: Document, case: Case, today: dt.date) -> Iterator[Problem]:
    """Warnings that do not stop a build: a stale review, a doubtful web address, a summary that repeats the title."""
    fields = mapping(doc.data)
    last = case.reviewed or case.published
    if (today - last).days > REVIEW_AFTER_DAYS:
        key = "reviewed" if case.reviewed else "published"
        yield Problem(
            doc.path,
            line(fields[key]),
            "reviewed",
            f"last checked on {last.isoformat()}, over two years ago; check the case is still accurate "
            f"and add 'reviewed: {today.isoformat()}'",
        )
    for i, (source, node) in enumerate(zip(case.sources, fields["sources"].value, strict=True), start=1):
        host = urlsplit(source.url).hostname if source.url else None
        if source.url and (not host or "." not in host or not re.fullmatch(r"[a-z0-9.-]+", host)):
            yield Problem(
                doc.path,
                line(mapping(node)["url"]),
                f"sources[{i}].url",
                f"{source.url!r} does not look like a real web address "
                f"(the site name {host!r} has no dot or odd characters)",
            )
    if case.summary.casefold().startswith(case.title.casefold().rstrip(".")):
        yield Problem(
            doc.path, line(fields["summary"]), "summary", "repeats the title; say something the title does not"
        )


# A link in a case's checked HTML to another case: ``other.md`` becomes ``../other/`` on ``cases/<id>/``.
_CASE_HREF = re.compile(r'href="\.\./([a-z0-9]+(?:-[a-z0-9]+)*)/(?:#[^"]*)?"')


class AddressLines(NamedTuple):
    """Where a case file gives its id, each alias, its successor and its links to other cases.

    These are the lines the checks across cases point to.
    """

    id: int
    aliases: tuple[int, ...]
    superseded_by: int | None
    case_links: tuple[tuple[str, int], ...] = ()
    """Each other case the body links to, by the id in the link, with the line of the first such link."""

    @classmethod
    def of(cls, doc: Document, case: Case) -> AddressLines:
        """The lines in ``doc``, a case that has passed its own checks."""
        fields = mapping(doc.data)
        aliases = tuple(line(node) for node in fields["aliases"].value) if "aliases" in fields else ()
        withdrawn = mapping(fields["withdrawn"]) if "withdrawn" in fields else {}
        successor = line(withdrawn["superseded_by"]) if "superseded_by" in withdrawn else None
        body = doc.body.split("\n")
        links = []
        for ident in dict.fromkeys(_CASE_HREF.findall(case.body_html)):
            at = next((i for i, text in enumerate(body) if f"{ident}.md" in text), 0)
            links.append((ident, doc.body_line + at))
        return cls(line(fields["id"]), aliases, successor, tuple(links))


@dataclass(frozen=True)
class Checked:
    """What checking one case file found: its problems, or the case with its warnings and the lines of its addresses."""

    problems: list[Problem]
    case: Case | None = None
    lines: AddressLines | None = None
    warnings: tuple[Problem, ...] = ()
    draft: Case | None = None
    """For a file whose problems are all of substance (see ``draft_case``), the case as a preview shows it."""


@dataclass
class CheckMemo:
    """Verdicts from an earlier run, by a digest of everything a case's check reads, for a preview's rebuilds.

    ``earlier`` is read; ``now`` collects this run's verdicts, so verdicts for files that have
    changed or gone are not carried forward.
    """

    earlier: Mapping[str, Checked] = field(default_factory=dict)
    now: dict[str, Checked] = field(default_factory=dict)


class CasesFound(NamedTuple):
    """The cases that passed, every problem, and the warnings for the cases that passed."""

    cases: tuple[Case, ...]
    problems: list[Problem]
    warnings: list[Problem]


def body_checker(root: Path, framework: Framework) -> BodyChecker:
    """The body checks for the site in ``root``: its Markdown settings, its images and its pages."""
    generated = {kind.path() for kind in pages.SINGLE_PAGES}
    generated |= {pages.POSITION.path(p) for p in model.POSITIONS} | {pages.APPROACH.path(a) for a in model.APPROACHES}
    anchors: dict[str, frozenset[str]] = {}
    for e in framework.elements:
        sections = {"cases", "source", "cases-unplaced", *(f"{e.slug}-{s}" for s in model.STAGES)}
        sections |= {f"cases-{p}" for p in model.POSITIONS}
        anchors[pages.ELEMENT.path(e.slug)] = frozenset(sections | {q.anchor for q in e.questions})

    def page_exists(path: str) -> bool:
        if path in generated or path in anchors:
            return True
        folder, _, name = path.partition("/")
        if folder == "cases" and "/" not in name:
            # A link to another case's earlier id is resolved once every case's aliases are known
            # (``_check_case_links``); here it only has to look like a case file.
            return (root / "cases" / name).is_file() or bool(ID_RE.fullmatch(name.removesuffix(".md")))
        return (root / "docs" / path).is_file()

    images = frozenset(p.name for p in list_images(root / "cases"))
    markdown = site_markdown(root)
    docs = sorted(p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*"))
    return BodyChecker(markdown, images, page_exists, anchors.get, repr((markdown, sorted(images), docs)))


def check_docs(root: Path) -> list[Problem]:
    """Problems in the hand-written pages of ``docs/``: HTML off their allow-list, as the build finds it."""
    renderer = Renderer(site_markdown(root))
    problems: list[Problem] = []
    for path in sorted((root / "docs").rglob("*.md")):
        rel = relative(path, root)
        inside = path.relative_to(root / "docs").as_posix()
        if pages.owned_by_atlas(inside):
            problems.append(
                Problem(
                    rel,
                    1,
                    "page",
                    f"sits at {pages.url_of(inside)!r}, an address the atlas makes itself; move it out of "
                    f"{', '.join(f'{f}/' for f in pages.OWNED_FOLDERS)} (and pagefind*/), or rename it",
                )
            )
        text, found = read_text(path, rel)
        problems += found
        if text is None:
            continue
        # Front matter is metadata, not content; MkDocs takes it off before rendering.
        match = re.match(r"---\n.*?\n---\n", text, flags=re.S)
        start = text[: match.end()].count("\n") if match else 0
        html = renderer.html(text[match.end() :] if match else text)
        problems += [
            Problem(rel, start + 1, "page", f"has HTML that is not allowed on a page ({change}); remove it")
            for change in sanitise.changes(html, sanitise.DOCS)
        ]
    return problems


class _CaseChecker:
    """Checks case files one at a time, with what every check shares made once."""

    def __init__(self, root: Path, framework: Framework, today: dt.date) -> None:
        self.root, self.framework, self.today = root, framework, today
        self.specs = case_specs(framework)
        self.body = body_checker(root, framework)

    def taken(self, ident: str) -> str | None:
        """The file that has the id ``ident``, if there is one."""
        path = self.root / "cases" / f"{ident}.md"
        return relative(path, self.root) if path.is_file() else None

    def check(self, path: Path) -> Checked:
        """What checking the case file at ``path`` finds."""
        rel = relative(path, self.root)
        doc, found = read_case(path, rel)
        case = None
        if doc is not None:
            checked, case = check_case(doc, self.framework, self.body, self.specs, self.taken, self.today)
            found = sorted(found + checked)
        if doc is None or case is None or found:
            draft = draft_case(doc, self.framework, self.body, self.specs, found) if doc is not None else None
            return Checked(found, draft=draft)
        return Checked([], case, AddressLines.of(doc, case), tuple(advise(doc, case, self.today)))


# Below this many files, starting a process to check some of them costs about what it saves, so
# they are checked here, in order. Measured on two cores with a spawned process beside this one:
# 300 files in 0.61 s against 0.84 s here alone, 1,000 in 1.55 s against 2.43 s (medians of three).
PARALLEL_FROM = 200
# Checking 10,000 files takes well under a minute; a run that takes this long has hung.
CHECK_TIMEOUT = 1800.0


def _chunk(count: int) -> int:
    """How many files a process takes at a time: small enough that none waits long for another at the end."""
    return max(5, min(50, count // 200))


def _case_checker(given: tuple[Path, Framework, dt.date]) -> Callable[[Path], Checked]:
    """The checker a spawned process uses for its share of the files (see ``_check_all``)."""
    return _CaseChecker(*given).check


@dataclass
class CaseChecks:
    """The case files under ``root`` being checked in spawned processes, begun before the build needs them.

    ``load_atlas`` joins in with this process and takes the verdicts; ``stop`` ends the processes if it never does.
    """

    root: Path
    today: dt.date
    framework: tuple[Framework | None, list[Problem]]
    listing: tuple[list[Path], list[Problem]]
    shared: parallel.Shared[tuple[Path, Framework, dt.date], Path, Checked] | None

    def stop(self) -> None:
        """Stop the processes, if still going."""
        if self.shared is not None:
            self.shared.stop()


def start_checks(root: Path, workers: int, today: dt.date | None = None) -> CaseChecks:
    """Load the framework and list the case files under ``root``, and begin checking them in spawned processes.

    The processes start only when there are ``workers`` cores and enough files to be worth it.
    """
    when = today or dt.date.today()
    framework = load_framework(root / "framework", root)
    listing = list_case_files(root / "cases", root)
    paths = sorted(set(listing[0]))
    shared = None
    if framework[0] is not None and workers >= 2 and len(paths) >= PARALLEL_FROM:
        shared = parallel.Shared(_case_checker, (root, framework[0], when), paths, workers, _chunk(len(paths)))
    return CaseChecks(root, when, framework, listing, shared)


def _check_all(
    checker: _CaseChecker, paths: list[Path], workers: int, started: CaseChecks | None = None
) -> list[Checked]:
    """Every file's verdict, in order; in ``workers`` processes when there are enough files to be worth it.

    Each process takes a few files at a time until none is left, so a process that starts late (a
    spawned one spends its first half second or so starting) still does its share. ``started``
    is the same work begun earlier, joined when it is for these files.
    """
    if started is not None:
        same = (started.root, started.today, started.framework[0]) == (checker.root, checker.today, checker.framework)
        if started.shared is not None and same and started.shared.items == paths:
            return started.shared.join(checker.check, CHECK_TIMEOUT)
        started.stop()
    if workers < 2 or len(paths) < PARALLEL_FROM:
        return [checker.check(path) for path in paths]
    given = (checker.root, checker.framework, checker.today)
    shared = parallel.Shared(_case_checker, given, paths, workers, _chunk(len(paths)))
    return shared.join(checker.check, CHECK_TIMEOUT)


def load_cases(
    paths: Iterable[Path],
    root: Path,
    framework: Framework,
    today: dt.date | None = None,
    memo: CheckMemo | None = None,
    workers: int = 1,
    drafts: list[Case] | None = None,
    started: CaseChecks | None = None,
) -> CasesFound:
    """Read, check and build every case; a case with any problem is left out and reported.

    A case whose problems are all of substance is added to ``drafts``, when given (see ``draft_case``).

    Warnings (see ``advise``) are worked out as of ``today``. With ``memo``, a file whose bytes and
    surroundings are unchanged since an earlier run keeps that run's verdict. With ``workers``
    above 1 and many files, the files are checked in that many processes.
    """
    checker = _CaseChecker(root, framework, today or dt.date.today())
    paths = sorted(set(paths))
    keys: list[str | None] = [None] * len(paths)
    if memo is not None:
        # A verdict depends on the file, the framework, the date, the site's Markdown settings, its
        # images and pages, and which case files exist (links and ids point at them).
        rels = [relative(p, root) for p in paths]
        surroundings = repr((framework, checker.today, checker.body.surroundings, rels)).encode()
        for i, (path, rel) in enumerate(zip(paths, rels, strict=True)):
            raw = plain_bytes(path)
            if raw is not None:
                keys[i] = hashlib.sha256(surroundings + rel.encode() + b"\0" + raw).hexdigest()
    earlier = memo.earlier if memo is not None else {}
    known = {i: earlier[key] for i, key in enumerate(keys) if key is not None and key in earlier}
    fresh = iter(_check_all(checker, [p for i, p in enumerate(paths) if i not in known], workers, started))
    results = [known[i] if i in known else next(fresh) for i in range(len(paths))]
    if memo is not None:
        memo.now.update({key: result for key, result in zip(keys, results, strict=True) if key is not None})

    cases: list[Case] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    first_seen: dict[str, Case] = {}
    lines: dict[str, AddressLines] = {}
    for path, result in zip(paths, results, strict=True):
        rel = relative(path, root)
        problems += result.problems
        if drafts is not None and result.draft is not None:
            drafts.append(result.draft)
        case, at = result.case, result.lines
        if case is None or at is None:
            continue
        lines[case.id] = at
        warnings += result.warnings
        # Ids equal file names, so they can only clash when files come from different folders.
        if case.id in first_seen:
            other = first_seen[case.id]
            problems.append(
                Problem(rel, at.id, "id", f"{case.id!r} is already the id of {other.path}; ids must be unique")
            )
            continue
        first_seen[case.id] = case
        cases.append(case)
    problems += _check_addresses(cases, lines)
    cases, found, advice = _check_case_links(cases, lines, root, checker.body)
    return CasesFound(tuple(sorted(cases, key=lambda c: c.id)), problems + found, warnings + advice)


def _check_case_links(
    cases: list[Case], lines: Mapping[str, AddressLines], root: Path, body: BodyChecker
) -> tuple[list[Case], list[Problem], list[Problem]]:
    """Links from case to case: to a case file, or to an earlier id, which leads to its case with a warning."""
    folder = root / "cases"
    earlier: dict[str, str] | None = None
    out: list[Case] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for case in cases:
        renamed: dict[str, str] = {}
        for ident, at in lines[case.id].case_links:
            if (folder / f"{ident}.md").is_file():
                continue
            if earlier is None:
                earlier = _earlier_ids(cases, folder, root)
            now = earlier.get(ident)
            if now is None:
                problems.append(
                    Problem(
                        case.path,
                        at,
                        "body",
                        f"links to '{ident}.md', but there is no such page; check the file name "
                        "(other cases are '<id>.md')",
                    )
                )
                continue
            warnings.append(
                Problem(
                    case.path,
                    at,
                    "body",
                    f"links to '{ident}.md', an earlier id of the case now called {now!r}; the link leads there, "
                    f"but change it to '{now}.md'",
                )
            )
            renamed[ident] = now
        if renamed:
            # Rendered and cleaned again with the new ids, so the page publishes what the sanitiser wrote.
            doc, _ = read_case(root / case.path, case.path)
            if doc is not None:
                html = body.publish(doc.body, pages.CASE.url(case.id), renamed)
                case = dataclasses.replace(case, body_html=html)
        out.append(case)
    return out, problems, warnings


def _earlier_ids(cases: list[Case], folder: Path, root: Path) -> dict[str, str]:
    """Every earlier id and the id of its case: from the cases loaded, and from the other case files on disk."""
    found = {alias: c.id for c in cases for alias in c.aliases}
    loaded = {c.path for c in cases}
    for path in list_case_files(folder, root)[0]:
        if relative(path, root) in loaded:
            continue
        doc, _ = read_case(path, relative(path, root))
        node = mapping(doc.data).get("aliases") if doc is not None else None
        if isinstance(node, yaml.SequenceNode):
            found.update({str(n.value): path.stem for n in node.value if isinstance(n, yaml.ScalarNode)})
    return found


def _check_addresses(cases: list[Case], lines: Mapping[str, AddressLines]) -> Iterator[Problem]:
    """Aliases and successors across cases: every old address leads to exactly one live case."""
    owners = {c.id: c for c in cases}
    by_id = dict(owners)
    for case in cases:
        for i, alias in enumerate(case.aliases, start=1):
            at, where = lines[case.id].aliases[i - 1], f"aliases[{i}]"
            if alias == case.id:
                yield Problem(case.path, at, where, f"{alias!r} is this case's own id; list only earlier ids")
            elif alias in owners:
                other = owners[alias]
                what = "the id" if other.id == alias else "already an alias"
                yield Problem(
                    case.path, at, where, f"{alias!r} is {what} of {other.path}; an address can lead to one case only"
                )
            else:
                owners[alias] = case
        successor_id = case.withdrawn.superseded_by if case.withdrawn else None
        if successor_id:
            at = lines[case.id].superseded_by or lines[case.id].id
            successor = by_id.get(successor_id)
            if successor is None:
                yield Problem(
                    case.path,
                    at,
                    "withdrawn.superseded_by",
                    f"no case has the id {successor_id!r}{did_you_mean(successor_id, by_id)}",
                )
            elif successor.withdrawn is not None:
                yield Problem(
                    case.path,
                    at,
                    "withdrawn.superseded_by",
                    f"{successor_id!r} has been withdrawn too; point to a case that is still live",
                )


def summary(problems: list[Problem]) -> str:
    """A closing line such as '3 problems in 2 files'."""
    files = len({p.path for p in problems})
    return f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} file{'s' * (files != 1)}"


# --- framework ------------------------------------------------------------------------------

LABEL_SPECS = {
    "id": Spec(check_text, required=True),
    "name": Spec(check_text, required=True),
    "definition": Spec(check_text, required=True),
}
QUESTION_SPECS = {
    "ref": Spec(check_choice(ROMAN), required=True, example="i"),
    "stage": Spec(check_choice(model.STAGES), required=True, example=schema.STAGES.ids[0]),
    "text": Spec(check_text, required=True),
    "red": Spec(check_text, required=True),
    "green": Spec(check_text, required=True),
}
ELEMENT_SPECS = {
    "id": Spec(check_text, required=True, example="1A"),
    "name": Spec(check_text, required=True),
    "themes": Spec(check_list(check_text, min_items=1), required=True),
    "summary": Spec(check_text, required=True),
    "questions": Spec(check_list(check_mapping(QUESTION_SPECS), min_items=1), required=True),
}
HEADING_SPECS = {
    "number": Spec(check_whole_number("the heading", 6, 1), required=True, example="1"),
    "name": Spec(check_text, required=True),
    "elements": Spec(check_list(check_text, min_items=1), required=True, example="[1A, 1B]"),
}
FRAMEWORK_SPECS = {
    "name": Spec(check_text, required=True),
    "about": Spec(check_text, required=True),
    "credit": Spec(check_text, required=True),
    "scale": Spec(check_list(check_mapping(LABEL_SPECS), min_items=1), required=True),
    "headings": Spec(check_list(check_mapping(HEADING_SPECS), min_items=1), required=True),
}
SPECTRUM_SPECS = {
    "credit": Spec(check_text, required=True),
    "positions": Spec(check_list(check_mapping(LABEL_SPECS), min_items=1), required=True),
    "approaches": Spec(check_list(check_mapping(LABEL_SPECS), min_items=1), required=True),
}


PUBLISHER_SPECS = specs_for(schema.PUBLISHER_FIELDS, Needs())
PUBLISHERS_SPECS = {"publishers": Spec(check_list(check_mapping(PUBLISHER_SPECS), min_items=1), required=True)}


def load_publishers(path: Path, root: Path) -> tuple[tuple[Publisher, ...], list[Problem]]:
    """Read and check the publishers file: each publisher listed once, with one name."""
    rel = relative(path, root)
    if not path.exists():
        return (), [Problem(rel, 1, "file", "is missing; it lists the publishers that sources name by id")]
    doc, problems = read_yaml_file(path, rel)
    if doc is None:
        return (), problems
    issues, _ = read_mapping(PUBLISHERS_SPECS, doc.data, "")
    if issues:
        return (), sorted(problems + _problems(doc, issues))
    publishers: list[Publisher] = []
    seen: dict[str, tuple[str, int]] = {}
    for i, node in enumerate(_fields(doc)["publishers"].value, start=1):
        _, values = read_mapping(PUBLISHER_SPECS, node, f"publishers[{i}]")
        publisher = Publisher(**values)  # type: ignore[arg-type]
        fields = mapping(node)
        # Domains may be shared: Ofsted and the DfE both publish on gov.uk.
        # (what is claimed, the claim, where it is claimed): an id once, a name (present or former) once.
        claims = [("id", publisher.id, "id", fields["id"]), ("name", publisher.name, "name", fields["name"])]
        formerly = fields["formerly"].value if "formerly" in fields else []
        claims += [("name", str(n.value), f"formerly[{j}]", n) for j, n in enumerate(formerly, start=1)]
        for what, value, key, at in claims:
            claim = f"{what}:{one_line(value).casefold()}"
            earlier = seen.get(claim)
            if earlier is not None:
                issues.append(
                    (
                        line(at),
                        f"publishers[{i}].{key}",
                        f"{value!r} is already given to {earlier[0]!r} (line {earlier[1]}); each publisher is "
                        "listed once, with one name: merge them",
                    )
                )
            seen[claim] = (publisher.id, line(at))
        publishers.append(publisher)
    return tuple(sorted(publishers, key=lambda p: p.id)), sorted(problems + _problems(doc, issues))


def _problems(doc: Document, issues: Iterable[Issue]) -> list[Problem]:
    return sorted(Problem(doc.path, at, field, message) for at, field, message in issues)


def _labels(node: yaml.Node) -> tuple[Label, ...]:
    out = []
    for item in node.value:
        m = mapping(item)
        out.append(Label(_text(m["id"]) or "", _text(m["name"]) or "", _text(m["definition"]) or ""))
    return tuple(out)


def _check_label_ids(doc: Document, key: str, expected: tuple[str, ...]) -> Iterator[Issue]:
    node = _fields(doc)[key]
    ids = tuple(_scalar_value(m.value[0][1]) for m in node.value if m.value)
    if ids != expected:
        yield (
            line(node),
            key,
            f"must define exactly {', '.join(expected)} in that order, not {', '.join(map(str, ids))}",
        )


def _check_element_doc(doc: Document) -> Iterator[Issue]:
    yield from check_mapping(ELEMENT_SPECS)(doc.data, "")
    f = _fields(doc)
    if "id" in f and str(f["id"].value).lower() != doc.stem:
        yield line(f["id"]), "id", f"is {f['id'].value!r} but the file is {doc.stem}.yaml; they must match"
    if isinstance(f.get("questions"), yaml.SequenceNode):
        for i, q in enumerate(f["questions"].value):
            ref = mapping(q).get("ref") if isinstance(q, yaml.MappingNode) else None
            if ref is not None and i < len(ROMAN) and ref.value != ROMAN[i]:
                yield (
                    line(ref),
                    f"questions[{i + 1}].ref",
                    f"must be {ROMAN[i]!r} (questions are numbered in order), not {ref.value!r}",
                )


def _element_from(doc: Document, heading: int) -> Element:
    f = _fields(doc)
    element_id = str(f["id"].value)
    questions = []
    for q in f["questions"].value:
        m = mapping(q)
        questions.append(
            Question(
                element=element_id,
                ref=str(m["ref"].value),
                stage=str(m["stage"].value),
                text=_text(m["text"]) or "",
                red=_text(m["red"]) or "",
                green=_text(m["green"]) or "",
            )
        )
    return Element(
        id=element_id,
        heading=heading,
        name=_text(f["name"]) or "",
        themes=_texts(f["themes"]),
        summary=_text(f["summary"]) or "",
        questions=tuple(questions),
    )


def load_framework(folder: Path, root: Path) -> tuple[Framework | None, list[Problem]]:
    """Read and check ``framework.yaml``, ``spectrum.yaml`` and ``elements/*.yaml``."""

    def rel(p: Path) -> str:
        return relative(p, root)

    problems: list[Problem] = []
    docs: dict[str, Document] = {}
    for name, specs in (("framework", FRAMEWORK_SPECS), ("spectrum", SPECTRUM_SPECS)):
        path = folder / f"{name}.yaml"
        if not path.exists():
            problems.append(Problem(rel(path), 1, "file", "is missing"))
            continue
        doc, found = read_yaml_file(path, rel(path))
        if doc is not None:
            found = sorted(found + _problems(doc, check_mapping(specs)(doc.data, "")))
            docs[name] = doc
        problems += found
    if "spectrum" in docs and not problems:
        problems += _problems(docs["spectrum"], _check_label_ids(docs["spectrum"], "positions", model.POSITIONS))
        problems += _problems(docs["spectrum"], _check_label_ids(docs["spectrum"], "approaches", model.APPROACHES))
    elements: dict[str, Document] = {}
    for path in sorted((folder / "elements").glob("*.yaml")):
        doc, found = read_yaml_file(path, rel(path))
        if doc is not None:
            found = sorted(found + _problems(doc, _check_element_doc(doc)))
            elements[doc.stem] = doc
        problems += found
    if problems:
        return None, problems

    fw, sp = _fields(docs["framework"]), _fields(docs["spectrum"])
    headings = []
    listed: set[str] = set()
    for h in fw["headings"].value:
        m = mapping(h)
        number = int(m["number"].value)
        members = []
        for ref in m["elements"].value:
            element_id = str(ref.value)
            listed.add(element_id.lower())
            doc = elements.get(element_id.lower())
            if doc is None or not element_id.startswith(str(number)):
                problems.append(
                    Problem(
                        docs["framework"].path,
                        line(ref),
                        "headings.elements",
                        f"{element_id!r} has no file framework/elements/{element_id.lower()}.yaml "
                        f"or does not start with its heading number {number}",
                    )
                )
                continue
            members.append(_element_from(doc, number))
        headings.append(Heading(number, _text(m["name"]) or "", tuple(members)))
    for stem, doc in sorted(elements.items()):
        if stem not in listed:
            problems.append(
                Problem(doc.path, 1, "id", "this element is not listed under any heading in framework.yaml")
            )
    publishers, found = load_publishers(folder / "publishers.yaml", root)
    problems += found
    if problems:
        return None, problems
    return (
        Framework(
            name=_text(fw["name"]) or "",
            about=_text(fw["about"]) or "",
            credit=_text(fw["credit"]) or "",
            headings=tuple(headings),
            scale=_labels(fw["scale"]),
            positions=_labels(sp["positions"]),
            approaches=_labels(sp["approaches"]),
            spectrum_credit=_text(sp["credit"]) or "",
            publishers=publishers,
        ),
        [],
    )


@dataclass(frozen=True)
class Loaded:
    """What loading found: the atlas (None if anything is wrong), the problems, and warnings that do not stop it."""

    atlas: Atlas | None
    """The framework and every case, when there are no problems."""
    problems: list[Problem]
    """Everything that stops a build, in file and line order."""
    warnings: list[Problem]
    """Advice for contributors, such as a review over two years old; never stops a build."""
    passing: Atlas | None = None
    """The framework and just the cases without problems, for a preview that shows the problems."""
    drafts: tuple[Case, ...] = ()
    """Cases whose problems are all of substance, which a preview shows with their problems."""


def load_atlas(
    root: Path,
    case_paths: Iterable[Path] | None = None,
    today: dt.date | None = None,
    memo: CheckMemo | None = None,
    workers: int = 1,
    started: CaseChecks | None = None,
) -> Loaded:
    """Load and check the framework and cases under ``root`` (or just ``case_paths``), as of ``today``.

    ``memo`` carries verdicts between a preview's rebuilds, and ``workers`` checks many files in
    that many processes (see ``load_cases``); ``started`` is that work begun already (``start_checks``).
    """
    if started is not None and (started.root, case_paths, today) != (root, None, None):
        started.stop()  # begun for other files or another day
        started = None
    framework, problems = started.framework if started is not None else load_framework(root / "framework", root)
    if framework is None:
        if started is not None:
            started.stop()
        return Loaded(None, problems, [])
    if case_paths is not None:
        paths, problems = list(case_paths), []
    else:
        paths, listed = started.listing if started is not None else list_case_files(root / "cases", root)
        problems = list(listed)
    drafts: list[Case] = []
    when = started.today if started is not None else today
    found = load_cases(paths, root, framework, when, memo, workers, drafts, started)
    problems += found.problems
    crosswalks, wrong, advice = load_crosswalks(root / "framework" / "crosswalks", root, framework)
    problems += wrong
    passing = Atlas(framework, found.cases, crosswalks)
    # A draft whose id another case already has is left to its problems.
    taken = {c.id for c in found.cases}
    kept = tuple(d for d in drafts if d.id not in taken)
    return Loaded(None if problems else passing, problems, found.warnings + advice, passing, kept)
