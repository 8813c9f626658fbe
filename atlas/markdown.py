"""Render Markdown exactly as the site does, without MkDocs: the extensions come from ``mkdocs.yml``.

``make check`` and the build both check a case by rendering its body with this, so they cannot
disagree about what a body turns into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import yaml

# MkDocs always adds these three before the ones mkdocs.yml lists (config_options.MarkdownExtensions).
BUILTIN_EXTENSIONS = ("toc", "tables", "fenced_code")


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, turning tags this core does not evaluate (``!ENV``, ``!!python/name``) into None."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


@dataclass(frozen=True)
class MarkdownConfig:
    """The site's Markdown extensions and their settings, in the order MkDocs loads them."""

    extensions: tuple[str, ...]
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)


def site_markdown(root: Path) -> MarkdownConfig:
    """The Markdown configuration of the site whose ``mkdocs.yml`` is in ``root``."""
    path = root / "mkdocs.yml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader) if path.is_file() else None
    listed = data.get("markdown_extensions", []) if isinstance(data, dict) else []
    names: list[str] = list(BUILTIN_EXTENSIONS)
    configs: dict[str, dict[str, Any]] = {}
    for item in listed or []:
        if isinstance(item, str):
            name, options = item, None
        elif isinstance(item, dict) and len(item) == 1:
            name, options = next(iter(item.items()))
        else:
            continue
        if name not in names:
            names.append(name)
        if isinstance(options, dict):
            configs[name] = options
    return MarkdownConfig(tuple(names), configs)


class Renderer:
    """One Markdown converter for many bodies; reset between them, as MkDocs resets per page."""

    def __init__(self, config: MarkdownConfig) -> None:
        self._md = markdown.Markdown(extensions=list(config.extensions), extension_configs=config.configs)

    def html(self, text: str) -> str:
        """The HTML for one piece of Markdown."""
        self._md.reset()
        return str(self._md.convert(text))
