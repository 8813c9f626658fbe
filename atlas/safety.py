"""Checks that keep contributor Markdown from running code in a reader's browser or leaking their visits.

Python-Markdown passes raw HTML and any link scheme straight through, and ``attr_list`` passes any
attribute, so these checks run on every case body before it is rendered. A second layer, ``sanitise``,
checks the rendered HTML.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator

from atlas.load import IMAGE_SUFFIXES

ALLOWED_TAGS = frozenset(
    "abbr b br cite del em i ins kbd mark q s small strong sub sup u".split()  # noqa: SIM905 - a word list
)
# Named so the message can say why; anything else not allowed gets the general message.
DANGEROUS_TAGS = frozenset("script iframe object embed form style svg math base meta link frame frameset".split())  # noqa: SIM905
ALLOWED_ATTRIBUTES = frozenset({"title", "lang"})
# Attributes that attr_list would pass through ("{: style=... }") and that can load or run something.
RISKY_ATTRIBUTES = frozenset({"style", "href", "src", "srcset", "srcdoc", "action", "formaction", "xlink:href"})
SAFE_SCHEMES = ("http", "https", "mailto")

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
# A name followed by ':' or '@' is an autolink (<https://...>, <a@b.org>), not a tag.
# No part of a tag may contain '<', so a failed match stops at the next '<' and every check stays linear.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?![A-Za-z0-9-]*[:@])((?:[^<>\"']|\"[^<\"]*\"|'[^<']*')*)>")
_ATTRIBUTE = re.compile(r"([^\s=/>]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_INLINE_LINK = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^<>]*>|[^\s()<]*(?:\([^\s()]*\)[^\s()<]*)*)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
_REFERENCE_USE = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\[\]]*\])*\]\[([^\[\]]*)\]")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
_ATTR_LIST = re.compile(r"\{:?\s*([^{}\n]*)\}")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def code_free(body: str) -> list[str]:
    """The body's lines with fenced code and code spans blanked out, so examples in code are not checked."""
    lines, fence = [], ""
    for text in body.split("\n"):
        opening = _FENCE.match(text)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            lines.append("")
        elif opening:
            fence = opening.group(1)
            lines.append("")
        else:
            lines.append(_CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text))
    return lines


def clean_url(url: str) -> str:
    """A URL as a browser reads it: entities decoded, Markdown escapes removed, whitespace and controls gone."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    url = html.unescape(html.unescape(url))
    url = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", url)
    return _CONTROL.sub("", url)


def scheme(url: str) -> str | None:
    """The URL's scheme, lower case, or None for a relative address."""
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return match.group(1).lower() if match else None


def _link_problem(raw: str, image: bool) -> str | None:
    url = clean_url(raw)
    found = scheme(url)
    shown = raw.strip()[:80]
    if found is not None and found not in SAFE_SCHEMES:
        what = "image" if image else "link"
        return f"the {what} address {shown!r} uses '{found}:'; only http, https and mailto are allowed"
    if not image:
        return None
    if found is not None or url.startswith("//"):
        return (
            f"the image {shown!r} is on another site, which would learn who reads the case; "
            "put the image in cases/images/"
        )
    target = posixpath.normpath(posixpath.join("cases", url.split("#")[0].split("?")[0]))
    if url.startswith("/") or not target.startswith("cases/images/"):
        return f"the image {shown!r} must be a file in cases/images/, written like images/diagram.png"
    if not target.lower().endswith(IMAGE_SUFFIXES):
        return f"the image {shown!r} must be a {', '.join(IMAGE_SUFFIXES)} file"
    return None


def check_body(body: str, first_line: int, lines: list[str] | None = None) -> Iterator[tuple[int, str]]:
    """Yield ``(line, message)`` for each unsafe piece of a case body (``lines``: its ``code_free``, if made)."""
    lines = code_free(body) if lines is None else lines
    references: dict[str, str] = {}
    for text in lines:
        ref = _REFERENCE.match(text)
        if ref:
            label = text.strip()[1:].split("]", 1)[0].lower()
            references[label] = ref.group(1)
    for offset, text in enumerate(lines):
        at = first_line + offset
        for closing, name, attributes in _TAG.findall(text):
            tag = name.lower()
            if closing:
                continue  # the opening tag has been reported; a closing tag alone does nothing
            if tag in DANGEROUS_TAGS:
                yield at, f"the HTML tag <{tag}> is not allowed in a case; use Markdown instead"
            elif tag not in ALLOWED_TAGS:
                yield at, f"the HTML tag <{tag}> is not allowed; allowed tags are {', '.join(sorted(ALLOWED_TAGS))}"
            for attribute, _value in _ATTRIBUTE.findall(attributes):
                key = attribute.lower()
                if key.startswith("on"):
                    yield at, f"the attribute {key!r} on <{tag}> runs code; remove it"
                elif key not in ALLOWED_ATTRIBUTES:
                    yield (
                        at,
                        f"the attribute {key!r} on <{tag}> is not allowed; "
                        f"allowed are {', '.join(sorted(ALLOWED_ATTRIBUTES))}",
                    )
        for bang, url in _INLINE_LINK.findall(text):
            problem = _link_problem(url, image=bool(bang))
            if problem:
                yield at, problem
        for bang, label in _REFERENCE_USE.findall(text):
            target = references.get(label.lower())
            if target is not None and (problem := _link_problem(target, image=bool(bang))):
                yield at, problem
        ref = _REFERENCE.match(text)
        if ref and (problem := _link_problem(ref.group(1), image=False)):
            yield at, problem
        for url in _AUTOLINK.findall(text):
            if (problem := _link_problem(url, image=False)) is not None:
                yield at, problem
        if "<!--" in text:
            yield at, "HTML comments are not allowed in a case; delete the '<!--' comment"
        for attr_list in _ATTR_LIST.finditer(text):
            for attribute, value in _ATTRIBUTE.findall(attr_list.group(1)):
                key = attribute.lower()
                if value and (key.startswith("on") or key in RISKY_ATTRIBUTES):
                    yield (
                        at,
                        f"the attribute {key!r} in {attr_list.group(0)!r} is not allowed; use only ids and classes",
                    )
                elif key.startswith("#__"):
                    yield at, f"the id {key[1:]!r} in {attr_list.group(0)!r} belongs to the theme; choose another"
