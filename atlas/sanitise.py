"""The guard that cannot be talked round: an allow-list sanitiser (nh3, the Ammonia bindings).

It never rewrites a page. Each piece of HTML is cleaned twice by the same HTML5 parser: once with
the allow-list and once with everything allowed. If the two results differ in any way, something
off the list is there and the caller reports it. Comparing two outputs of one parser means no
markup can be read one way by the check and another way by the browser.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

import nh3
from pygments.token import STANDARD_TYPES

from atlas import tables

HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
SCHEMES = frozenset({"http", "https", "mailto"})

# What Python-Markdown and the enabled extensions produce from a contributor's Markdown.
BODY_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", *HEADINGS,
})  # fmt: skip
BODY_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "*": frozenset({"id", "title"}),
    "a": frozenset({"href"}),
    "img": frozenset({"alt", "src"}),
    "ol": frozenset({"start"}),
    "details": frozenset({"open"}),
    "abbr": frozenset({"title"}),
    "code": frozenset({"class"}),  # only "language-<name>", see _language
}
# Admonition and details types Material styles (with their aliases), and Pygments' token classes.
_NOTES = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check", "done",
    "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing", "danger", "error",
    "bug", "example", "quote", "cite", "seealso",
})  # fmt: skip
BODY_CLASSES: Mapping[str, frozenset[str]] = {
    "a": frozenset({"headerlink", "footnote-ref", "footnote-backref"}),
    "div": frozenset({"admonition", "highlight", "footnote", *_NOTES}),
    "p": frozenset({"admonition-title"}),
    "details": _NOTES,
    "span": frozenset(c for c in STANDARD_TYPES.values() if c),
    # Column alignment (atlas/tables.py): no contributor's style attribute is ever published.
    "td": tables.CLASSES,
    "th": tables.CLASSES,
}

# The generated parts of a page add the atlas's own components; never the theme's (``md-*``).
PAGE_TAGS = BODY_TAGS | {"button", "section"}
PAGE_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    **BODY_ATTRIBUTES,
    "span": frozenset({"data-href"}),
    "button": frozenset({"type", "data-href", "hidden"}),
    "section": frozenset({"data-search-exclude"}),
}
PAGE_CLASSES: Mapping[str, frozenset[str]] = {
    **BODY_CLASSES,
    "p": BODY_CLASSES["p"] | {"atlas-cite"},
    "span": BODY_CLASSES["span"] | {"atlas-address", "atlas-labels"},
    "button": frozenset({"atlas-copy"}),
    "ol": frozenset({"atlas-sources"}),
    "ul": frozenset({"atlas-facts"}),
    "section": frozenset({"atlas-related"}),
}

# Hand-written pages in docs/ are reviewed by maintainers, so they may use the theme's classes and a
# few more tags, but they may no more run script than a case can.
DOCS_TAGS = PAGE_TAGS | {"input", "label", "nav", "section", "figure", "figcaption", "aside"}
DOCS_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "*": frozenset({"id", "title", "class", "lang", "hidden"}),
    "a": frozenset({"href"}),
    "img": frozenset({"alt", "src", "width", "height", "loading"}),
    "ol": frozenset({"start"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
    "details": frozenset({"open"}),
    "input": frozenset({"type", "checked", "disabled", "name"}),
    "label": frozenset({"for"}),
    "span": frozenset({"data-href"}),
    "button": frozenset({"type", "data-href"}),
}


@dataclass(frozen=True)
class AllowList:
    """What one kind of HTML may contain, and a filter for attribute values (such as image addresses)."""

    tags: frozenset[str]
    attributes: Mapping[str, frozenset[str]]
    classes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    attribute_filter: Callable[[str, str, str], str | None] | None = None
    strip_comments: bool = True

    def clean(self, html: str) -> str:
        """The HTML with everything off this list removed."""
        # nh3 filters classes itself when told which are allowed, and refuses 'class' in both places.
        attributes = {t: set(v) - ({"class"} if t in self.classes else set()) for t, v in self.attributes.items()}
        for tag in self.classes:
            attributes.setdefault(tag, set())
        return nh3.clean(
            html,
            tags=set(self.tags),
            attributes=attributes,
            allowed_classes={tag: set(names) for tag, names in self.classes.items()},
            attribute_filter=self.attribute_filter,
            url_schemes=set(SCHEMES),
            link_rel=None,
            strip_comments=self.strip_comments,
        )


_TAG_NAME = re.compile(r"</?([A-Za-z][^\s/>]*)")
_ATTRIBUTE_NAME = re.compile(r"[\s\"'/]([^\s\"'<>/=]+)")
# The look-behinds start each match at the beginning of a word, so a long word is read once, not once a letter.
_PROPERTY = re.compile(r"(?<![A-Za-z-])([A-Za-z-]+)\s*:")
_SCHEME = re.compile(r"(?<![A-Za-z0-9+.\-])([A-Za-z][A-Za-z0-9+.\-]*):")


def everything(html: str) -> str:
    """The HTML as the same parser reads it, with every tag, attribute and address scheme in it allowed."""
    # Over-collecting names is harmless: a name that is not really there allows nothing.
    decoded = unescape(unescape(html))
    squeezed = re.sub(r"[\x00-\x20]+", "", decoded)
    # The parser adds table sections that the source may leave out; allow them so they are not a difference.
    tags = {t.lower() for t in _TAG_NAME.findall(html)} | {"tbody", "colgroup"}
    names = {a.lower() for a in _ATTRIBUTE_NAME.findall(html)}
    schemes = {s.lower() for text in (decoded, squeezed) for s in _SCHEME.findall(text)}
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags=set(),
        attributes={"*": names},
        url_schemes=schemes,
        link_rel=None,
        strip_comments=False,
        # Style properties are listed so both passes rewrite them the same way ("a: b;" becomes "a:b").
        filter_style_properties={p.lower() for p in _PROPERTY.findall(decoded)},
    )


class _Tokens(HTMLParser):
    """Tags with their attributes (sorted) and text, to explain a difference between two clean outputs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("<" + tag, *sorted(f'{k}="{v or ""}"' for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append((f"</{tag}>",))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.tokens.append((" ".join(data.split()),))

    def handle_comment(self, data: str) -> None:
        self.tokens.append((f"<!--{data}-->",))


def tokens(html: str) -> list[tuple[str, ...]]:
    """HTML that nh3 has written, as a list of tokens (its output is well formed, so this reads it faithfully)."""
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def _canonical(html: str) -> str:
    """HTML as the sanitiser writes it where Python-Markdown writes it differently but means the same."""
    return html.replace(" />", ">").replace("&para;", "\u00b6")


def changes(html: str, allow: AllowList) -> list[str]:
    """What the allow-list would remove or alter, one line each; empty when the HTML is within it."""
    return clean(html, allow)[1]


def clean(html: str, allow: AllowList) -> tuple[str, list[str]]:
    """The HTML as the allow-list cleans it (what a page publishes), and what the cleaning removed or altered."""
    strict = allow.clean(html)
    # The usual case: the cleaned HTML is the input itself. Then the parser read nothing the input does
    # not show and the list removed nothing, so the second pass is not needed.
    if strict == _canonical(html):
        return strict, []
    loose = everything(html)
    if strict == loose:
        return strict, []
    # What one pass has that the other lacks, counted, in the order it first appears. A diff of the two
    # token lists would read better, but it is quadratic in the worst case (wide tables of identical cells).
    before, after = tokens(loose), tokens(strict)
    removed, added = Counter(before) - Counter(after), Counter(after) - Counter(before)
    found = [" ".join(t)[:120] for t in dict.fromkeys(before) if t in removed]
    # What the list adds is a tag stripped of something already named (an <a> without its href).
    found = found or ["added: " + " ".join(t)[:120] for t in dict.fromkeys(after) if t in added]
    return strict, found or ["the HTML is not well formed (a tag is left open or closed twice)"]


# Elements that never have an end tag.
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)


class _Inventory(HTMLParser):
    """Every id, every address in an ``href`` or ``src`` (as a browser reads them), and end tags that close
    nothing the same HTML opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.addresses: list[str] = []
        self.stray: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(attrs)
        if tag not in _VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(attrs)

    def _attributes(self, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.append(value)
            elif name in ("href", "src") and value is not None:
                self.addresses.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if tag not in self._open:
            self.stray.append(tag)
            return
        while self._open.pop() != tag:
            pass


@dataclass(frozen=True)
class Inventory:
    """What a check needs to know of a piece of HTML, read in one pass."""

    ids: tuple[str, ...]
    """Every id, in order."""
    addresses: tuple[str, ...]
    """Every ``href`` and ``src``, entities decoded."""
    stray_end_tags: tuple[str, ...]
    """End tags that close an element the HTML never opened (``</article>`` in a body)."""


def inventory(html: str) -> Inventory:
    """The ids, addresses and stray end tags of some HTML."""
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return Inventory(tuple(parser.ids), tuple(parser.addresses), tuple(parser.stray))


# In HTML the sanitiser wrote, a "<" starts a tag or a comment (text has "&lt;"), and every attribute
# value is in double quotes (a quote inside is "&quot;"), so these read it as a parser would.
_WRITTEN_TAG = re.compile(r'<!--.*?-->|<[a-zA-Z][^\s/>]*((?:[^>"]|"[^"]*")*)>', re.DOTALL)
# Each attribute whole, so text inside one value is never read as another attribute.
_WRITTEN_ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)(?:="([^"]*)")?')


def cleaned_inventory(html: str) -> Inventory:
    """``inventory`` of HTML the sanitiser wrote (its output only), read without a parser: its ids and addresses."""
    ids: list[str] = []
    addresses: list[str] = []
    for tag in _WRITTEN_TAG.finditer(html):
        for name, value in _WRITTEN_ATTRIBUTE.findall(tag.group(1) or ""):
            if name == "id":
                ids.append(unescape(value))
            elif name in ("href", "src"):
                addresses.append(unescape(value))
    return Inventory(tuple(ids), tuple(addresses), ())


# A contributor's own text sits between these markers on a case page, held to the body list.
_IMAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*")


_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,40}")


def _language(element: str, attribute: str, value: str) -> str | None:
    """Code blocks may name their language as a class; no other class reaches them."""
    if element == "code" and attribute == "class":
        return value if _LANGUAGE.fullmatch(value) else None
    return value


def body_allow_list(images: Collection[str], prefix: str = "") -> AllowList:
    """The body list, with images only from ``cases/images/`` files that exist, written ``<prefix>images/<name>``.

    ``prefix`` is ``../`` once MkDocs has made links relative to the case's own folder.
    """

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            folder, _, name = value.partition("images/")
            ok = folder == prefix and name in images and _IMAGE_NAME.fullmatch(name) is not None
            return value if ok else None
        if attribute == "id" and value.startswith("__"):
            return None  # the theme's own scripts look up ids that start with "__"
        return _language(element, attribute, value)

    return AllowList(BODY_TAGS, BODY_ATTRIBUTES, BODY_CLASSES, keep)


def _site_images(element: str, attribute: str, value: str) -> str | None:
    """A hand-written page's images come from the site itself: a relative address, never another host's."""
    if attribute == "src":
        squeezed = re.sub(r"[\x00-\x20]", "", value)
        if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:|[/\\]", squeezed):
            return None
    return value


PAGE = AllowList(PAGE_TAGS, PAGE_ATTRIBUTES, PAGE_CLASSES, _language)
DOCS = AllowList(DOCS_TAGS, DOCS_ATTRIBUTES, attribute_filter=_site_images, strip_comments=False)
