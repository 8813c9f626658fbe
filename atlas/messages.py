"""The words of the checks a contributor meets, declared once: ``make check`` formats them, and the case composer
on the site receives them in its spec and fills them in the same way.

Each is a ``str.format`` template. ``{value!r}`` shows a value as Python would quote it; the composer's
script quotes the same way. Keep a template's placeholders when changing its words.
"""

from __future__ import annotations

MESSAGES = {
    # Text
    "empty": "must not be empty",
    "not_visible": "has no letters or digits a reader can see{shown}; write it in words",
    "line_break": "contains a line break; delete it",
    "too_long": "is {length} characters long; the most allowed is {most}: shorten it",
    "not_text": "must be text, not {described}{hint}",
    "semicolon_tag": "must not contain ';', not {value!r}; give each keyword separately",
    "semicolon_title": "must not contain ';' (the open data joins titles with it), not {value!r}; use ','",
    # Choices and lists
    "choice": "must be one of {choices}, not {value!r}{hint}",
    "list_empty": "must list at least one item, such as {example}",
    "list_short": "must list at least {least} item, such as {example}",
    "repeated": "lists {value!r} more than once",
    "did_you_mean": " (did you mean {value!r}?)",
    # Groups of keys
    "missing": "is missing; add it, for example '{name}: {example}'",
    "author_or_publisher": "needs an author or a publisher (or both)",
    # Dates, years, numbers, addresses
    "date": "must be a date written {form}, not {value!r}{hint}",
    "date_form": "YYYY-MM-DD",
    "source_date_form": "YYYY-MM-DD (or just the year, YYYY, or 'undated')",
    "date_meant": " (did you mean {iso}{words}?)",
    "not_a_date": "{value!r} is not a real date ({error})",
    "years": "must be a year such as 2019 or a range such as 2017-2020, not {described}",
    "years_backwards": "{value!r} ends before it starts; write the earlier year first",
    "whole_number": "must be a whole number of {what} from 1 to {highest}, such as {example}, not {described}",
    "url": "must be a full web address starting with https:// or http://, not {value!r}",
    "future": "is {iso}, more than a year from today; give the date the case was {key}",
    "reviewed_early": "is {iso}, before the published date {published}",
    # Ids and the framework
    "id_form": "must be lowercase letters, digits and single hyphens, not {value!r}{hint}",
    "id_length": "must be {low} to {high} characters long, not {length} ({value!r})",
    "id_reserved": "{value!r} is reserved for the list of all cases; choose another id",
    "id_exists": "{path} already exists: choose another id",
    "ref_not_text": "must be an element such as 1C or a question such as 1C.ii, not {described}",
    "ref_case": "{value!r} is not written as the framework writes it (did you mean {normalised!r}?)",
    "ref_question": "element {element} ({name}) has no question {ref!r}; its questions are {refs}",
    "ref_unknown": "{value!r} is not an element or question of the framework{hint}; the elements are {elements}",
    "spectrum_needed": "is required when kind is practice; add 'spectrum:' with one of {positions}",
    # The body's house style
    "body_empty": "is empty; write the case below the closing '---' line",
    "level_one": ("has a level-1 heading {heading!r}; the title is shown for you, so start sections with '## '"),
    "section_missing": "has no '## {want}' section; a {kind} case has these, in order: {listing}",
    "section_misplaced": (
        "has '## {got}' where '## {want}' belongs; a {kind} case has these sections, in order: {listing}. "
        "Rename it, or move it under one of them as a '### ' heading"
    ),
    "section_extra": "has an extra section '## {got}'; make it a '### ' heading inside one of: {listing}",
    "few_words": (
        "has {words} words; a case needs at least {least}, so say more about the context, what happened and "
        "what the evidence shows"
    ),
    "no_questions": "the '## {section}' section lists no questions; add at least one '- '",
    "question_link": (
        "this question does not link to a framework question; end it with a link such as "
        "'See [1C.ii](../framework/1c.md#1c-ii).'"
    ),
}


def say(name: str, /, **values: object) -> str:
    """The message ``name`` with its placeholders filled in."""
    return MESSAGES[name].format(**values)
