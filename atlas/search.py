"""Which pages go into which of the site's Pagefind bundles, and what each bundle is given to read.

Pagefind holds everything it indexes in memory at once, about 130 KB a page here, so a large site
is indexed in slices of at most ``SHARD_PAGES`` pages, each into a bundle of its own; the search
box merges them. More slices mean less memory but a larger first search. Each slice is read from
copies of its pages that hold just what is indexed.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from atlas import templating

# At most this many pages a bundle. Pagefind then holds about 130 MB at once, and a build indexes
# each slice on the second core while MkDocs writes the next (hooks/search.py), so smaller slices
# also mean more of the indexing overlaps the build. Pagefind's wasm is fetched once; each further
# bundle adds its metadata and an index chunk to a first search (50 to 75 KB for 2,500 pages).
SHARD_PAGES = 1000
# In the first bundle's folder: the folders of the others, for the search box to merge.
BUNDLES_FILE = "atlas-bundles.json"


def bundle_folder(number: int) -> str:
    """The site folder of bundle ``number`` (from 0): ``pagefind`` for the first, then ``pagefind-2`` and on."""
    return "pagefind" if number == 0 else f"pagefind-{number + 1}"


def slice_sizes(count: int, size: int = SHARD_PAGES) -> list[int]:
    """How many of ``count`` pages go in each slice: as few slices of at most ``size`` as will do, as even as can be."""
    if size < 1:
        raise ValueError(f"a slice must hold at least one page, not {size}")
    slices = -(-count // size)
    return [(i + 1) * count // slices - i * count // slices for i in range(slices)]


def bundles_file(count: int) -> str:
    """The JSON list of the other bundles' folders, relative to the first bundle's."""
    return json.dumps([f"../{bundle_folder(i)}/" for i in range(1, count)])


def indexed_copy(lang: str, article: str) -> str:
    """A page cut down to what Pagefind reads of it: its language and its marked article."""
    return templating.page("search_copy.html", lang=lang, article=Markup(article))


def finished_copy(lang: str, html: str) -> str:
    """The copy Pagefind reads of a page the atlas finished itself: its HTML as the article, marked for indexing.

    Indexed before the theme puts the page together; the theme adds nothing to a case page's
    article that search reads.
    """
    return templating.page("search_copy.html", lang=lang, finished=Markup(html))
