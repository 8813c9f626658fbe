"""Check a case body the way the build will see it: line checks first, then the rendered HTML.

The line checks give friendly messages for the usual mistakes. The rendered checks are the guard:
the body is turned into HTML with the site's own Markdown configuration and compared with the
allow-list, so ``make check`` and the build give the same verdict on every body.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from html import escape, unescape
from urllib.parse import unquote, urlsplit

from atlas import pages, safety, sanitise, schema
from atlas.markdown import MarkdownConfig, Renderer
from atlas.messages import say
from atlas.model import BodyHeading

Issue = tuple[int, str, str]
# Ids the generated parts of a case page use; a heading in the body must not take them.
RESERVED_IDS = frozenset({"sources", "related"})
# Inline tags a body may write as HTML; each must be closed, or it runs on into the generated footer.
_PAIRED = ("abbr", "b", "cite", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "strong", "sub", "sup", "u")
_OPEN = {tag: re.compile(rf"<{tag}[\s>]") for tag in _PAIRED}
_SNIPPET = re.compile(r"-+8<-+")
# A level-1 heading at the start of a line: the page's title is its only one.
LEVEL_ONE = re.compile(r"#(?!#)")
ZERO_WIDTH_JOINER = "\u200d"
# Markdown's inline parsing slows down sharply on long paragraphs full of brackets or backticks, so
# bodies stay within sizes that real cases never approach (the longest today is under 6,000 characters).
MAX_BODY_CHARS = 50_000
MAX_BLOCK_CHARS = 10_000
MAX_MARKS = 150
_MARKS = "[`<"


def invisible(value: str, allow: str = "") -> str | None:
    """The first control or invisible character in ``value`` (other than those in ``allow``), if any.

    A zero-width joiner between two symbols is part of an emoji (a family, a flag), so it is allowed there.
    """
    # Nearly all text is printable; str.isprintable is C-fast, so the character loop runs only when it is not.
    if value.translate(str.maketrans("", "", allow)).isprintable():
        return None
    for i, char in enumerate(value):
        if char in allow or unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            continue
        if char == ZERO_WIDTH_JOINER and 0 < i < len(value) - 1 and _emoji(value[i - 1]) and _emoji(value[i + 1]):
            continue
        return char
    return None


# Letters that print as blank space: the Hangul fillers and the blank Braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def visible(value: str) -> bool:
    """Whether ``value`` has a letter or digit that a reader can see."""
    return any(char.isalnum() and char not in BLANK_LETTERS for char in value)


def _emoji(char: str) -> bool:
    return unicodedata.category(char) in {"So", "Sk"} or char == "\ufe0f"


@dataclass
class BodyChecker:
    """Everything a body check needs to know about the site, made once for a whole run."""

    markdown: MarkdownConfig
    images: Collection[str]
    page_exists: Callable[[str], bool]
    anchors: Callable[[str], Collection[str] | None]
    surroundings: str = ""
    """Everything above that a verdict depends on, as text, so a preview can tell when to check again."""

    def __post_init__(self) -> None:
        self._renderer = Renderer(self.markdown)
        # The HTML of each body that passed, so the page can publish exactly what was checked, and its
        # headings as the Markdown that made that HTML read them (the page's contents list).
        self.checked: dict[str, tuple[str, tuple[BodyHeading, ...]]] = {}
        self._allow = sanitise.body_allow_list(self.images)
        self._page_allow = sanitise.body_allow_list(self.images, prefix="../")
        self._snippets = "pymdownx.snippets" in self.markdown.extensions

    def check(self, body: str, first_line: int, kind: str | None = None, page: str = "") -> Iterator[Issue]:
        """Yield ``(line, field, message)`` for each problem in a body that starts on ``first_line``.

        ``kind`` (practice, finding or network) decides the house-style sections; None skips them.
        ``page`` is the address the body is published at (``cases/<id>/``); its links are written for that
        address before the body is cleaned, so what was cleaned is what is published.
        """
        if not body.strip():
            yield first_line, "body", say("body_empty")
            return
        lines = body.split("\n")
        bad = invisible(body, allow="\n\t")
        if bad is not None:
            at = first_line + next(i for i, text in enumerate(lines) if bad in text)
            name = unicodedata.name(bad, "a control character")
            yield at, "body", f"contains the invisible character U+{ord(bad):04X} ({name}); delete it"
            return
        if len(body) > MAX_BODY_CHARS:
            yield first_line, "body", f"is {len(body):,} characters long; the most allowed is {MAX_BODY_CHARS:,}"
            return
        too_big = list(self._block_sizes(lines, first_line))
        yield from too_big
        plain = safety.code_free(body)  # made once: the line checks, the safety checks and house style read it
        friendly = list(self._line_checks(lines, plain, first_line))
        yield from friendly
        if kind in schema.HOUSE_STYLE.second:
            yield from house_style(lines, first_line, kind, plain)
        # The rendered checks find the same things in other words; they speak when the line checks are silent.
        if not too_big and not friendly:
            html = self._renderer.html(body)
            headings = self._renderer.headings()
            linked = page_links(html, page) if page else html
            published, removed = sanitise.clean(linked, self._allow_for(page))
            rendered = list(self._rendered_checks(html, published, removed, lines, first_line, page))
            yield from rendered
            if not rendered:
                self.checked[body] = (published, headings)

    def publish(self, body: str, page: str, renamed: Mapping[str, str]) -> str:
        """A checked body's HTML with its links to cases' earlier ids written to their new ids, then cleaned.

        Used once every case's aliases are known; the links are rewritten before the sanitiser, so what
        it cleans is what the page publishes.
        """
        linked = page_links(self._renderer.html(body), page, renamed)
        return self._allow_for(page).clean(linked)

    def _allow_for(self, page: str) -> sanitise.AllowList:
        # Links are written for the page's own folder, so images are one folder up from cases/<id>/.
        return self._page_allow if page else self._allow

    def _block_sizes(self, lines: list[str], first_line: int) -> Iterator[Issue]:
        """A problem for each paragraph too long, or too full of brackets, to render in good time."""
        start, block = 0, list[str]()
        for offset, text in enumerate([*lines, ""]):
            if text.strip():
                if not block:
                    start = offset
                block.append(text)
                continue
            if block:
                joined = "\n".join(block)
                marks = max(joined.count(m) for m in _MARKS)
                if len(joined) > MAX_BLOCK_CHARS:
                    yield (
                        first_line + start,
                        "body",
                        f"has a paragraph of {len(joined):,} characters; the most allowed is {MAX_BLOCK_CHARS:,}, "
                        "so split it with blank lines",
                    )
                elif marks > MAX_MARKS:
                    yield (
                        first_line + start,
                        "body",
                        f"has a paragraph with {marks} brackets or backticks; the most allowed is {MAX_MARKS}, "
                        "so split it with blank lines",
                    )
                block = []

    def _line_checks(self, lines: list[str], plain: list[str], first_line: int) -> Iterator[Issue]:
        previous = ""
        for offset, (raw, text) in enumerate(zip(lines, plain, strict=True)):
            at = first_line + offset
            if self._snippets and _SNIPPET.search(raw):
                # Snippet includes run before code is read, so they count even inside code.
                yield at, "body", "includes another file with '--8<--', which cases may not do; write the text out"
            if LEVEL_ONE.match(text) or (re.fullmatch(r"=+\s*", text) and previous.strip()):
                heading = text if text.startswith("#") else previous
                yield at, "body", say("level_one", heading=heading[:60])
            previous = text
        for at, message in safety.check_body("\n".join(lines), first_line, plain):
            yield at, "body", message

    def _rendered_checks(
        self, html: str, published: str, found: list[str], lines: list[str], first_line: int, page: str
    ) -> Iterator[Issue]:
        """Problems in a body's HTML as rendered (``html``) and as the sanitiser cleaned it for its page."""

        def locate(*needles: str) -> int:
            for needle in needles:
                if needle:
                    for offset, text in enumerate(lines):
                        if needle.lower() in text.lower():
                            return first_line + offset
            return first_line

        if "<h1" in html:
            yield locate("# "), "body", "has a level-1 heading; the title is shown for you, so use '## ' headings"
        for tag, opening in _OPEN.items():
            opened, closed = len(opening.findall(html)), html.count(f"</{tag}>")
            if opened > closed:
                yield locate(f"<{tag}"), "body", f"opens <{tag}> without closing it; add </{tag}> where it should end"
        written = sanitise.inventory(html)
        for tag in written.stray_end_tags:
            yield (
                locate(f"</{tag}"),
                "body",
                f"closes <{tag}> without having opened it, which would end the page's own <{tag}> early; "
                f"delete '</{tag}>'",
            )
        for change in found:
            needle = re.findall(r'"([^"]{3,})"', change) or [change.lstrip("<").split(" ")[0]]
            yield (
                locate(*needle, change.lstrip("</").split(" ")[0]),
                "body",
                f"has markup that is not allowed in a case ({change}); write it in plain Markdown, "
                "with images from cases/images/ and links to http, https or mailto addresses",
            )
        cleaned = sanitise.cleaned_inventory(published)
        for ident in cleaned.ids:
            if ident in RESERVED_IDS:
                yield (
                    locate(ident),
                    "body",
                    f"gives something the address #{ident}, which the page's own {ident} section uses; "
                    "choose another id or rename the heading",
                )
        # Links are checked as written (as MkDocs checks a page's Markdown links), then where they end up.
        anchors = {*cleaned.ids, *RESERVED_IDS}
        problems = [(href, p) for href in written.addresses if (p := self._link_problem(href, anchors))]
        for href, problem in problems:
            yield locate(href, unquote(href), escape(href)), "body", problem
        # The last guard, for what the checks above did not foresee: where each address ends up.
        if not found and not problems and page:
            for address in cleaned.addresses:
                if not pages.inside_site(page, address):
                    yield (
                        locate(address),
                        "body",
                        f"links to {address!r}, which leads outside the atlas; give a full https:// address instead",
                    )

    def _link_problem(self, href: str, ids: Collection[str]) -> str | None:
        """A link into this site that MkDocs would not resolve: no such page, file or anchor."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return None  # the sanitiser keeps http, https and mailto, and reports any other scheme
        if not parts.path:
            if parts.fragment and parts.fragment not in ids:
                return f"links to {href!r}, but this case has no anchor #{parts.fragment}; check the heading's address"
            return None
        if parts.path.startswith("/"):
            return (
                f"links to {href!r}, an address from the site's root, which breaks when the site moves; "
                "link to other cases as '<id>.md' and to the framework as '../framework/1c.md'"
            )
        target = posixpath.normpath(posixpath.join("cases", unquote(parts.path)))
        if target.startswith("cases/images/") and target.count("/") == 2:
            if target.rpartition("/")[2] in self.images:
                return None
            return f"links to {href!r}, but there is no such image in cases/images/; check the file name"
        if not parts.path.endswith(".md"):
            return (
                f"links to {href!r}, which is not a page of the atlas; link to other cases as '<id>.md', to the "
                "framework as '../framework/1c.md', or give a full https:// address"
            )
        if not self.page_exists(target):
            return f"links to {href!r}, but there is no such page; check the file name (other cases are '<id>.md')"
        known = self.anchors(target)
        if parts.fragment and known is not None and parts.fragment not in known:
            return f"links to {href!r}, but that page has no anchor #{parts.fragment}; check the question number"
        return None


SECTION = re.compile(r"## +(.+?)(?: +\{[^}]*\})? *$")
QUESTION_LINK = re.compile(r"\]\(\.\./framework/[1-6][a-c]\.md#[1-6][a-c]-[ivx]+\)")
QUESTIONS = schema.HOUSE_STYLE.rest[-1]


def house_style(lines: list[str], first_line: int, kind: str, plain: list[str] | None = None) -> Iterator[Issue]:
    """The sections every published case has, in order, enough words, and questions that link to the framework.

    ``plain`` is the body's ``safety.code_free`` lines, if made already.
    """
    style = schema.HOUSE_STYLE
    expected = style.sections(kind)
    text_lines = safety.code_free("\n".join(lines)) if plain is None else plain
    found = [(i, m.group(1)) for i, t in enumerate(text_lines) if (m := SECTION.match(t))]
    names = [name for _, name in found]
    listing = "; ".join(f"'## {s}'" for s in expected)
    if names != list(expected):
        for position, want in enumerate(expected):
            got = found[position] if position < len(found) else None
            if got is None:
                yield first_line, "body", say("section_missing", want=want, kind=kind, listing=listing)
                break
            if got[1] != want:
                yield (
                    first_line + got[0],
                    "body",
                    say("section_misplaced", got=got[1], want=want, kind=kind, listing=listing),
                )
                break
        else:
            extra = found[len(expected)]
            yield first_line + extra[0], "body", say("section_extra", got=extra[1], listing=listing)
    words = len(" ".join(lines).split())
    if words < style.min_words:
        yield first_line, "body", say("few_words", words=words, least=style.min_words)
    if QUESTIONS in names:
        start = found[names.index(QUESTIONS)][0]
        bullets = [i for i, t in enumerate(text_lines[start + 1 :], start=start + 1) if t.startswith("- ")]
        if not bullets:
            yield first_line + start, "body", say("no_questions", section=QUESTIONS)
        for i in bullets:
            if not QUESTION_LINK.search(lines[i]):
                yield first_line + i, "body", say("question_link")


# An address in a link or image as any HTML writes it: double-quoted, single-quoted or bare.
_LINK = re.compile(r"""(<(?:a|img)\s[^>]*?\b(?:href|src)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.I)


def page_links(html: str, page: str, renamed: Mapping[str, str] | None = None) -> str:
    """The body's relative links and images as the published page at ``page`` (such as ``cases/x/``) needs them.

    Markdown written for ``cases/<id>.md`` links to ``other.md`` or ``../framework/1c.md``; the page is
    served from ``cases/<id>/``. A link to a case's earlier id goes to the id ``renamed`` gives it. This
    runs before the sanitiser, which then cleans what it wrote, so a rewritten address is checked where
    it ends up.
    """
    renamed = renamed or {}

    def rewrite(match: re.Match[str]) -> str:
        written = match.group(2)
        url = unescape(written[1:-1] if written[:1] in "\"'" else written)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "#")) or not parts.path:
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(pages.CASE.path("x")), parts.path))
        folder, _, name = target.partition("/")
        if folder == "cases" and name.removesuffix(".md") in renamed:
            target = pages.CASE.path(renamed[name.removesuffix(".md")])
        relative = pages.href(page, pages.url_of(target))
        suffix = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        return match.group(1) + '"' + escape(relative + suffix) + '"'

    return _LINK.sub(rewrite, html)
