"""Where each kind of page lives, declared once: its source path, its URL, its permanent address, and links to it.

MkDocs serves ``framework/1c.md`` at ``framework/1c/`` (directory URLs). Generated Markdown links
to source paths, which MkDocs resolves and checks; generated HTML links to URLs, relative to the
page they sit on. Both come from here.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class PageKind:
    """One kind of page: a source path pattern with ``{id}`` where the page's own id goes."""

    pattern: str
    """The path of the Markdown source inside the site, such as ``framework/{id}.md``."""

    def path(self, ident: str = "") -> str:
        """The page's source path, such as ``framework/1c.md``."""
        return self.pattern.format(id=ident)

    def url(self, ident: str = "") -> str:
        """The page's URL inside the site, such as ``framework/1c/`` (``index.md`` serves its folder)."""
        return url_of(self.path(ident))

    def address(self, ident: str = "") -> str:
        """The page's permanent address, such as ``/framework/1c/``."""
        return "/" + self.url(ident)

    def link_from(self, page_path: str, ident: str = "", anchor: str = "") -> str:
        """A Markdown link target from the page whose source is ``page_path``, such as ``../framework/1c.md``."""
        target = posixpath.relpath(self.path(ident), posixpath.dirname(page_path) or ".")
        return target + (f"#{anchor}" if anchor else "")

    def href_from(self, page_path: str, ident: str = "", anchor: str = "") -> str:
        """An HTML link from the page whose source is ``page_path``, such as ``../../framework/1c/``."""
        return href(url_of(page_path), self.url(ident)) + (f"#{anchor}" if anchor else "")


def url_of(path: str) -> str:
    """The URL MkDocs serves a source path at: ``a/b.md`` at ``a/b/``, ``a/index.md`` at ``a/``."""
    if not path.endswith(".md"):
        return path
    stem = path[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(from_url: str, to_url: str) -> str:
    """A relative link from the page at ``from_url`` to ``to_url`` (both inside the site, no ``..`` in either)."""
    # posixpath.relpath would give the same, but it asks the system for the working folder on every
    # call, and a build makes tens of thousands of these links.
    folder = from_url if from_url.endswith("/") else posixpath.dirname(from_url)
    here = [part for part in folder.split("/") if part]
    there = [part for part in to_url.split("/") if part]
    shared = 0
    while shared < min(len(here), len(there)) and here[shared] == there[shared]:
        shared += 1
    relative = "/".join([".."] * (len(here) - shared) + there[shared:])
    if not relative:
        return "./"
    return relative + "/" if to_url.endswith("/") else relative


ELEMENT = PageKind("framework/{id}.md")
POSITION = PageKind("spectrum/{id}.md")
APPROACH = PageKind("approach/{id}.md")
CASE = PageKind("cases/{id}.md")
FRAMEWORK = PageKind("framework/index.md")
SPECTRUM = PageKind("spectrum/index.md")
APPROACHES = PageKind("approach/index.md")
CASES = PageKind("cases/index.md")
EXPLORE = PageKind("explore.md")
SELF_ASSESSMENT = PageKind("self-assessment.md")
DATA = PageKind("data.md")
WANTED = PageKind("wanted.md")
CROSSWALKS = PageKind("crosswalks/index.md")
CROSSWALK = PageKind("crosswalks/{id}/index.md")
# A heading of a crosswalk, its id the crosswalk's and the heading's: ``dfe-tqd-2023/workforce``.
CROSSWALK_HEADING = PageKind("crosswalks/{id}.md")
COMPOSER = PageKind("contributing/new.md")
# The open data's list of cases, which the self-assessment's script reads.
CASES_DATA = PageKind("api/cases.json")
SOURCES = PageKind("sources.md")
# The generated pages with no id of their own, in the order the site lists them.
SINGLE_PAGES = (FRAMEWORK, SPECTRUM, APPROACHES, CASES, EXPLORE, SELF_ASSESSMENT, DATA, WANTED, CROSSWALKS, SOURCES)
ID_PAGES = (ELEMENT, POSITION, APPROACH, CASE, CROSSWALK, CROSSWALK_HEADING)
# Folders the build fills: the pages with ids, the open data, and the search index (pagefind/, pagefind-2/, ...).
OWNED_FOLDERS = (*sorted({kind.pattern.split("/")[0] for kind in ID_PAGES}), "api")
OWNED_PREFIXES = ("pagefind",)


def owned_by_atlas(path: str) -> bool:
    """Whether a source path such as ``cases/x.md`` is an address the build makes, where no hand-written page may be."""
    top = path.split("/")[0]
    return (
        (top in OWNED_FOLDERS and "/" in path)
        or top.startswith(OWNED_PREFIXES)
        or path in {kind.path() for kind in SINGLE_PAGES}
    )


def inside_site(page_url: str, address: str) -> bool:
    """Whether a link on the page at ``page_url`` leads to http, https or mailto, or stays inside the site."""
    cleaned = re.sub(r"[\x00-\x20]", "", address)
    parts = urlsplit(cleaned)
    if parts.scheme:
        scheme = parts.scheme.lower()
        return scheme == "mailto" or (scheme in {"http", "https"} and bool(parts.netloc))
    if parts.netloc or cleaned.startswith(("/", "\\")) or "\\" in cleaned:
        return False
    folder = page_url if page_url.endswith("/") else posixpath.dirname(page_url)
    depth = 0
    for part in [*folder.split("/"), *unquote(parts.path).split("/")]:
        if part == "..":
            depth -= 1
            if depth < 0:
                return False
        elif part not in ("", "."):
            depth += 1
    return True
