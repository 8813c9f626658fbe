"""Run a script or module with one optional enum field added to the contract first, as if written into atlas/schema.py.

``python tests/with_new_field.py scripts/check.py --root DIR`` or ``... -m mkdocs build``: the field is
added before anything else imports the contract, so every module sees it as it would see a field
declared there. Nothing else in the code is told about it.
"""

from __future__ import annotations

import runpy
import sys

from atlas import schema

FUNDING = schema.Vocabulary(
    "funding",
    (schema.Term("low", "Low funding", "below the national median"), schema.Term("high", "High funding")),
)
FIELD = schema.Field(
    "funding",
    "Funding band",
    "no",
    "The trust's funding band, `low` or `high`.",
    "low",
    schema.Choice(FUNDING.ids),
    FUNDING,
    filter="Any funding band",
)


def add_field() -> None:
    """Add the field to the contract, at the end of the case's fields."""
    schema.CASE_FIELDS = (*schema.CASE_FIELDS, FIELD)
    schema.FIELDS = {f.key: f for f in schema.CASE_FIELDS}
    schema.VOCABULARIES = (*schema.VOCABULARIES, FUNDING)


def main() -> None:
    """Add the field, then run the script or module named on the command line as its own __main__."""
    add_field()
    if sys.argv[1] == "-m":
        sys.argv = [sys.argv[2], *sys.argv[3:]]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
