"""Markup from templates: Jinja2 with autoescaping, so no value reaches HTML or XML unescaped."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def _environment() -> Environment:
    # Cached per process because it holds only the templates shipped with the package, never content.
    return Environment(
        loader=PackageLoader("atlas", "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        # The package's templates do not change while it runs; checking each one's file on every page costs time.
        auto_reload=False,
    )


# Marks the start of each rendered block, so the site's renderer can keep the block out of Markdown.
# A NUL cannot come from content: the validator refuses control characters in every field and body.
BLOCK = "\x00"


def render(name: str, **context: Any) -> str:
    """A template rendered with ``context``, as one line that starts with ``BLOCK``.

    One line, because Markdown reads an HTML block up to a blank line.
    """
    text = _environment().get_template(name).render(**context)
    return BLOCK + "".join(line.strip() for line in text.splitlines())


def block(name: str, **context: Any) -> str:
    """A template rendered as one line of HTML, for a page template to take as Markup."""
    return render(name, **context)[len(BLOCK) :]


def page(name: str, **context: Any) -> str:
    """A page template rendered as it is written, lines and all."""
    return _environment().get_template(name).render(**context)


class Once:
    """A fragment the site's theme renders once per build and repeats: call it from a ``{% call %}`` block.

    Made anew for each build, so a preview's rebuild never shows a fragment from an earlier one.
    """

    def __init__(self) -> None:
        self._html: str | None = None

    def __call__(self, caller: Callable[[], str]) -> str:
        """The block's output from its first rendering."""
        if self._html is None:
            self._html = caller()
        return self._html
