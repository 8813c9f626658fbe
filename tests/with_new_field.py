"""Run a script or module with one optional field added to the contract first, as if written into atlas/schema.py.

``NEW_FIELD=choice python tests/with_new_field.py scripts/check.py --root DIR`` or ``... -m mkdocs build``:
the field is added before anything else imports the contract, so every module sees it as it would see
a field declared there. Nothing else in the code is told about it. Only this process sees it: cases
checked in spawned processes (from ``PARALLEL_FROM`` files) would read the contract without it, so
the tests keep their projects below that.
"""

from __future__ import annotations

import os
import runpy
import sys

from atlas import schema

FUNDING = schema.Vocabulary(
    "funding",
    (schema.Term("low", "Low funding", "below the national median"), schema.Term("high", "High funding")),
)
SUBJECTS = schema.Vocabulary("subjects", (schema.Term("maths", "Maths"), schema.Term("english", "English")))
GRADES = schema.Vocabulary("grade", (schema.Term("good", "Good"), schema.Term("outstanding", "Outstanding")))
# One optional field of each sort of value, chosen by the NEW_FIELD environment variable.
NEW_FIELDS = {
    "choice": schema.Field(
        "funding",
        "Funding band",
        "no",
        "The trust's funding band, `low` or `high`.",
        "low",
        schema.Choice(FUNDING.ids),
        FUNDING,
        filter="Any funding band",
    ),
    "text": schema.Field(
        "motto", "Motto", "no", "The trust's motto, in its words.", '"Every child"', schema.Text(80, one_line=True)
    ),
    "date": schema.Field(
        "inspected", "Last inspected", "no", "When it was last inspected.", "2024-03-01", schema.Date()
    ),
    "list": schema.Field(
        "subjects",
        "Subjects",
        "no",
        "The subjects it covers.",
        "[maths, english]",
        schema.ListOf(schema.Choice(SUBJECTS.ids), example="[maths, english]"),
        SUBJECTS,
        filter="Any subject",
    ),
    "number": schema.Field(
        "staff_count", "Staff", "no", "How many staff.", "40", schema.WholeNumber("staff", 9999, 40)
    ),
    "years": schema.Field("period", "Period", "no", "The years it ran.", '"2019-2021"', schema.Special("years")),
    # A key the case's own fields do not have, but one of make new's flags does (the trust's --region).
    "clash": schema.Field("region", "Regional note", "no", "A note on the region.", '"North"', schema.Text()),
    "group": schema.Field(
        "ofsted",
        "Ofsted",
        "no",
        "Its latest Ofsted grade and year.",
        "",
        schema.Group(
            (
                schema.Field("grade", "Grade", "yes", "The grade.", "good", schema.Choice(GRADES.ids), GRADES),
                schema.Field("year", "Year", "no", "The year.", "2024", schema.Special("years")),
            )
        ),
    ),
}


def add_field(sort: str) -> None:
    """Add the field of this sort to the contract, at the end of the case's fields."""
    field = NEW_FIELDS[sort]
    schema.CASE_FIELDS = (*schema.CASE_FIELDS, field)
    schema.FIELDS = {f.key: f for f in schema.CASE_FIELDS}
    schema.VOCABULARIES = (*schema.VOCABULARIES, *(f.vocabulary for f in (field, *field.fields) if f.vocabulary))


def main() -> None:
    """Add the field, then run the script or module named on the command line as its own __main__."""
    add_field(os.environ.get("NEW_FIELD", "choice"))
    if sys.argv[1] == "-m":
        sys.argv = [sys.argv[2], *sys.argv[3:]]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
