"""The second layer: an allow-list sanitiser (nh3, the Ammonia bindings) run over each rendered case.

It never rewrites a page. If sanitising would change anything, the differences are reported and the
build stops: a payload that slipped past the Markdown checks is a bug to fix, not HTML to quietly mend.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from html import unescape
from html.parser import HTMLParser

import nh3

HEADINGS = {f"h{n}" for n in range(1, 7)}
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "button", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "hr", "i", "img", "input", "ins", "kbd", "label", "li", "mark", "ol",
    "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", *HEADINGS,
}  # fmt: skip
GENERIC = {"class", "id", "title", "lang"}
# What Material and the enabled Markdown extensions emit: heading permalinks, admonitions, details,
# tabs and task lists (inputs and labels), footnotes, highlighted code, aligned table cells, and the
# atlas's own citation button.
ATTRIBUTES: dict[str, set[str]] = {
    "*": GENERIC,
    "a": GENERIC | {"href"},
    "img": GENERIC | {"src", "alt", "width", "height", "loading"},
    "input": GENERIC | {"type", "checked", "disabled", "name"},
    "label": GENERIC | {"for"},
    "details": GENERIC | {"open"},
    "ol": GENERIC | {"start"},
    "td": GENERIC | {"style", "colspan", "rowspan"},
    "th": GENERIC | {"style", "colspan", "rowspan"},
    "span": GENERIC | {"data-href"},
    "button": GENERIC | {"type", "data-href", "hidden"},
}
SCHEMES = {"http", "https", "mailto"}


class _Tokens(HTMLParser):
    """Tags with their attributes (sorted, decoded) and text, so two serialisations compare by meaning."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        def value(key: str, text: str | None) -> str:
            # The sanitiser rewrites "text-align: right;" as "text-align:right"; same meaning.
            return "".join((text or "").split()).rstrip(";") if key == "style" else text or ""

        self.tokens.append(("start", tag, *sorted(f"{k}={value(k, v)}" for k, v in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"br", "hr", "img", "input", "col"}:
            self.tokens.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.tokens.append(("text", " ".join(data.split())))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(("comment", data))


def tokens(html: str) -> list[tuple[str, ...]]:
    """The page as a list of tokens."""
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def sanitise(
    html: str,
    tags: set[str] = TAGS,
    attributes: dict[str, set[str]] = ATTRIBUTES,
    attribute_filter: Callable[[str, str, str], str | None] | None = None,
) -> str:
    """The HTML with everything off the allow-list removed (the whole-page list unless told otherwise)."""
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        attribute_filter=attribute_filter,
        url_schemes=SCHEMES,
        link_rel=None,
        strip_comments=False,
        filter_style_properties={"text-align"},
    )


# A contributor's own text (between the body markers) gets a stricter list: what Markdown itself
# produces, with no buttons, form fields or data attributes, images only from cases/images/, and no
# ids that the theme's own scripts look up (Material's start with "__").
BODY_START, BODY_END = "<!-- atlas-body -->", "<!-- /atlas-body -->"
BODY_TAGS = TAGS - {"button", "input", "label"}
BODY_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title"},
    "a": {"class", "id", "title", "href"},
    "img": {"alt", "title", "src"},
    "ol": {"start"},
    "td": {"style"},
    "th": {"style"},
    "details": {"class", "open"},
    "abbr": {"title"},
}
_LOCAL_IMAGE = re.compile(r"(\.\./)+images/[A-Za-z0-9._-]+")


def _body_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not _LOCAL_IMAGE.fullmatch(value):
        return None
    if attribute == "id" and value.startswith("__"):
        return None
    return value


def sanitise_body(html: str) -> str:
    """A contributor's rendered text with everything off the stricter body allow-list removed."""
    return sanitise(html, BODY_TAGS, BODY_ATTRIBUTES, _body_filter)


def _same_text(a: str, b: str) -> bool:
    """Equal once entity spellings and self-closing slashes, which the sanitiser rewrites, are set aside."""
    return unescape(a.replace(" />", ">")) == unescape(b.replace(" />", ">"))


def changes(html: str, clean: Callable[[str], str] = sanitise) -> list[str]:
    """What the sanitiser would remove or alter, one line each; empty when the page is safe."""
    cleaned = clean(html)
    if _same_text(html, cleaned):
        return []  # the usual case, found in well under a millisecond
    before, after = tokens(html), tokens(cleaned)
    if before == after:
        return []  # the usual case; the diff below is only for explaining a failure
    found = []
    for op, i1, i2, _, _ in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            found += [" ".join(t)[:120] for t in before[i1:i2]]
    return found


def page_changes(html: str) -> tuple[list[str], list[str]]:
    """What would be removed from a case page: from the contributor's body, and from the rest."""
    start, end = html.find(BODY_START), html.rfind(BODY_END)
    if start < 0 or end < start:
        return [], changes(html)  # a withdrawn case's page: no contributor text of its own
    body = html[start + len(BODY_START) : end]
    rest = html[:start] + html[end + len(BODY_END) :]
    return changes(body, sanitise_body), changes(rest)
