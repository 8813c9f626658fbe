"""MkDocs hook: load and check the atlas, then add its generated pages. All logic lives in ``atlas``."""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from atlas.render import Options, render_site
from atlas.validate import load_atlas

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files


def _edit_url_template(config: MkDocsConfig, root: Path) -> str | None:
    """``repo_url`` + ``edit_uri`` pointed at the repository root, with a ``{path}`` slot."""
    if not config.repo_url or not config.edit_uri:
        return None
    docs_to_root = posixpath.relpath(root.as_posix(), Path(config.docs_dir).as_posix())
    return urljoin(config.repo_url.rstrip("/") + "/", config.edit_uri + docs_to_root + "/") + "{path}"


# Run before other plugins' on_files (redirects, search) so they see the generated pages.
@event_priority(50)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Replace nothing in docs/; add the framework, spectrum, approach and case pages."""
    root = Path(config.config_file_path).parent
    atlas, problems = load_atlas(root)
    if atlas is None:
        count = len(problems)
        raise PluginError(
            "\n".join(str(p) for p in problems)
            + f"\n{count} problem{'s' if count != 1 else ''} in the atlas content: fix them and build again"
        )
    options = Options(edit_url_template=_edit_url_template(config, root))
    docs_to_root = posixpath.relpath(root.as_posix(), Path(config.docs_dir).as_posix())
    for path, text in render_site(atlas, options).items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        generated = File.generated(config, path, content=text)
        if path.startswith("cases/") and path != "cases/index.md":
            # Point the theme's edit button at the contributor's file, not the generated page.
            generated.edit_uri = f"{docs_to_root}/{path}"
        files.append(generated)
    return files
