"""Tell a ``mkdocs serve`` preview from a build, from three plain settings (no MkDocs import)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit


def is_preview(site_dir: str, site_url: str | None, dev_addr: tuple[str, int]) -> bool:
    """Whether these settings are a ``mkdocs serve`` preview's.

    Serve builds into a fresh ``mkdocs_*`` folder in the temporary directory and sets the site's
    address to its own local one; a build has neither, even with SITE_URL set to that address.
    """
    host, port = dev_addr
    address = urlsplit(site_url or "")
    folder = Path(site_dir)
    in_temp = folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("mkdocs_")
    return in_temp and address.hostname == host.strip("[]") and address.port == port
