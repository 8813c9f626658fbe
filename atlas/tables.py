"""A Markdown extension: a table's column alignment as a class the sanitiser allows, never as ``style``.

Python-Markdown's tables extension writes ``style="text-align: left;"`` on each cell. Letting ``style``
through the sanitiser for that would let a contributor's own ``style`` through too, and CSS can load
addresses and cover the page. So the cells get a class instead, set here on the parsed tree (where a
contributor's raw HTML never is: it waits in Markdown's stash), and ``style`` is off every allow-list.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

ALIGNMENTS = ("left", "center", "right")
CLASS_PREFIX = "atlas-align-"
CLASSES = frozenset(CLASS_PREFIX + a for a in ALIGNMENTS)
_ALIGN = re.compile(r"text-align: (left|center|right);")


class _AlignClasses(Treeprocessor):  # type: ignore[misc]  # Python-Markdown has no type hints
    def run(self, root: etree.Element) -> None:
        for cell in root.iter():
            if cell.tag in ("td", "th"):
                style = cell.attrib.pop("style", None)
                match = _ALIGN.fullmatch(style or "")
                if match:
                    cell.set("class", CLASS_PREFIX + match.group(1))


class AlignClasses(Extension):  # type: ignore[misc]
    """Turn the tables extension's alignment styles into ``atlas-align-*`` classes."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the tree processor, after the block parser has made the tables."""
        md.treeprocessors.register(_AlignClasses(md), "atlas_align", 25)


def makeExtension(**kwargs: object) -> AlignClasses:
    """The extension, as Python-Markdown loads it from ``mkdocs.yml``."""
    return AlignClasses(**kwargs)
