"""The site's permanent addresses: redirects from earlier ids, and the ledger of published addresses."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from atlas import pages
from atlas.model import Atlas


def redirects(atlas: Atlas) -> dict[str, str]:
    """Earlier ids to current pages, as MkDocs source paths: ``cases/old.md`` to ``cases/new.md``."""
    return {pages.CASE.path(alias): pages.CASE.path(case.id) for case in atlas.cases for alias in case.aliases}


def page_address(src_path: str) -> str:
    """The address MkDocs gives a Markdown page: ``guide/spectrum.md`` becomes ``/guide/spectrum/``."""
    stem = src_path.removesuffix(".md")
    if stem == "index":
        return "/"
    return "/" + stem.removesuffix("/index") + "/"


def addresses(atlas: Atlas, docs_pages: Iterable[str], files: Iterable[str] = ()) -> list[str]:
    """Every address the site publishes: pages, question anchors, every case ever (aliases too), data files."""
    fw = atlas.framework
    found = {page_address(p) for p in docs_pages}
    found |= {"/framework/", "/spectrum/", "/approach/", "/cases/"}
    for element in fw.elements:
        found.add(element.address)
        found |= {q.address for q in element.questions}
    found |= {pages.POSITION.address(p.id) for p in fw.positions}
    found |= {pages.APPROACH.address(a.id) for a in fw.approaches}
    for case in atlas.cases:
        found.add(case.address)
        found |= {pages.CASE.address(alias) for alias in case.aliases}
    found |= {f"/{f}" for f in files}
    return sorted(found)


def read_ledger(path: Path) -> list[str]:
    """The addresses in a ledger file, one per line, ignoring blank lines and '#' comments."""
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


LEDGER_HEADER = """\
# Published addresses of the MAT Practice Atlas: a promise to everyone who links here.
# Every address below must keep working: as a page, an anchor on a page, or a redirect.
# Add new ones with `make ledger` after a reviewed change; never delete a line.
"""


def write_ledger(path: Path, entries: Iterable[str]) -> None:
    """Write the ledger sorted, one address per line, under its header."""
    path.write_text(LEDGER_HEADER + "".join(f"{e}\n" for e in sorted(set(entries))), encoding="utf-8")
