"""What a preview (``mkdocs serve``) keeps from one rebuild to the next, so an edit shows in seconds.

MkDocs makes a new configuration for every rebuild but keeps hook modules loaded, so nothing may
live in module globals. This state lives in one file inside the preview's own site folder, which
MkDocs made for this process alone and removes when the preview stops.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from atlas.index import build_index
from atlas.model import Atlas
from atlas.render import Options, Rendered, render_pages, rerender_cases
from atlas.validate import Checked, CheckMemo

# Inside the preview's site folder; the hook keeps it when it clears the rest.
FOLDER = ".atlas-preview"
_STATE = "state.pickle"


def digest(*parts: object) -> str:
    """A SHA-256 of the parts' text forms: equal for equal content, whatever the run."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass
class Preview:
    """The last rebuild's verdicts, pages and fingerprints."""

    checks: Mapping[str, Checked] = field(default_factory=dict)
    """Each case file's verdict, by a digest of everything its check reads."""
    listing: str = ""
    """A digest of the atlas with every body left out, and of the options, when ``rendered`` was made."""
    bodies: Mapping[str, str] = field(default_factory=dict)
    """A digest of each case's body (and its checked HTML) when ``rendered`` was made."""
    rendered: Rendered | None = None
    """The generated files of the last rebuild."""
    related: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Each case's related case ids when ``rendered`` was made."""
    pages: Mapping[str, str] = field(default_factory=dict)
    """A digest of each generated page as the last rebuild gave it to MkDocs."""
    site: str = ""
    """A digest of what every page shows (templates, nav, problems) at the last rebuild."""

    @classmethod
    def load(cls, site_dir: Path) -> Preview:
        """The state the last rebuild left in ``site_dir``, or an empty one (the first build, or a cleaned folder)."""
        try:
            # Written only by this preview's own process, into the folder MkDocs made for it (mode 0700).
            state = pickle.loads((site_dir / FOLDER / _STATE).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return cls()
        return state if isinstance(state, cls) else cls()

    def save(self, site_dir: Path) -> None:
        """Keep this state in ``site_dir`` for the next rebuild, replacing the file in one step."""
        folder = site_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / (_STATE + ".new")
        partial.write_bytes(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(folder / _STATE)

    def memo(self) -> CheckMemo:
        """A memo that reuses this state's verdicts and collects the new ones."""
        return CheckMemo(earlier=self.checks)


def _without_bodies(atlas: Atlas) -> tuple[object, ...]:
    cases = tuple(dataclasses.replace(c, body="", body_html="", headings=()) for c in atlas.cases)
    return (atlas.framework, cases, atlas.crosswalks)


def render(preview: Preview, atlas: Atlas, options: Options) -> Rendered:
    """The generated files, kept in ``preview``; only cases whose bodies alone changed since its last render are redone.

    A body shows on its own case's page and nowhere else, so when nothing but bodies changed since
    the last rebuild, every other file is the same as then.
    """
    listing = digest(_without_bodies(atlas), options)
    bodies = {c.id: digest(c.body, c.body_html) for c in atlas.cases}
    if preview.rendered is None or listing != preview.listing:
        index = build_index(atlas)
        rendered = render_pages(atlas, options, index)
        preview.related = {ident: tuple(c.id for c in cases) for ident, cases in index.related.items()}
    else:
        changed = [ident for ident, body in bodies.items() if preview.bodies.get(ident) != body]
        rendered = rerender_cases(preview.rendered, atlas, changed, preview.related, options)
    preview.rendered, preview.listing, preview.bodies = rendered, listing, bodies
    return rendered


def changed_pages(previous: Mapping[str, str], now: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """The pages whose digest differs from the last rebuild's (new ones included), and the pages that have gone."""
    changed = sorted(path for path, value in now.items() if previous.get(path) != value)
    gone = sorted(path for path in previous if path not in now)
    return changed, gone


def page_digests(rendered: Rendered, paths: Iterable[str]) -> dict[str, str]:
    """A digest of each page's text, HTML blocks and body parts: everything the page's HTML is made from."""
    return {
        path: digest(rendered.pages[path], rendered.blocks.get(path, ()), rendered.parts.get(path, ()))
        for path in paths
    }


def clear(site_dir: Path) -> None:
    """Remove everything from a preview's site folder but its state, so the next build rebuilds every page."""
    if not site_dir.is_dir():
        return
    for entry in site_dir.iterdir():
        if entry.name == FOLDER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
