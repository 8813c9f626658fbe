"""Find runs of words that project text shares with the source documents, to keep the wording our own."""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Lower-case words, with curly apostrophes and punctuation ignored."""
    return WORD.findall(text.lower().replace("\u2019", "'").replace("'", ""))


def ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    """Every run of ``n`` consecutive words in ``text``."""
    w = words(text)
    return {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}


def shared_runs(text: str, sources: set[tuple[str, ...]], n: int, allowed: Iterable[str] = ()) -> list[str]:
    """The runs of ``n`` words in ``text`` that also occur in ``sources``, ignoring allowed phrases.

    Allowed phrases (names and titles) are cut out first, so a run can never span one.
    """
    pieces = [text.lower()]
    for phrase in sorted({a.lower() for a in allowed if a.strip()}, key=len, reverse=True):
        pieces = [part for piece in pieces for part in piece.split(phrase)]
    found = []
    for piece in pieces:
        w = words(piece)
        found += [" ".join(w[i : i + n]) for i in range(len(w) - n + 1) if tuple(w[i : i + n]) in sources]
    return found
