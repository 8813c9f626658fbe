"""One field at a time: values that pass and values that fail, with the exact message."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from atlas.model import Framework
from atlas.validate import load_cases
from tests.conftest import CheckText, valid_case


def test_the_example_case_is_valid(check_text: CheckText) -> None:
    assert check_text(valid_case()) == []


GOOD = [
    ("id", "id: abc"),
    ("title", 'title: "2018: a year of change"'),
    ("summary", "summary: One sentence."),
    ("kind", "kind: finding"),
    ("elements", "elements: [1C]"),
    ("elements", "elements:\n  - 6B.vi\n  - 2B"),
    ("spectrum", "spectrum: autonomy"),
    ("approach", ""),
    ("evidence", "evidence: own-account"),
    ("trust", ""),
    ("published", "published: '2026-01-31'"),
    ("reviewed", ""),
    ("contributor", ""),
    ("tags", "tags: []"),
]


@pytest.mark.parametrize(("key", "line"), GOOD, ids=[f"{k}-{i}" for i, (k, _) in enumerate(GOOD)])
def test_good_values(key: str, line: str, check_text: CheckText) -> None:
    case_id = "abc" if key == "id" else "example-case"
    assert check_text(valid_case(case_id, **{key: line}), name=case_id) == []


BAD = [
    ("id", "id: ab", "id: must be 3 to 80 characters long, not 2 ('ab')"),
    ("id", "id: -bad-", "id: must be lowercase letters, digits and single hyphens, not '-bad-' (did you mean 'bad'?)"),
    ("id", "id: a--b", "id: must be lowercase letters, digits and single hyphens, not 'a--b' (did you mean 'a-b'?)"),
    ("id", "id: 12345", "id: must be text, not '12345', which YAML reads as a number; put it in quotes"),
    ("title", "title: no", "title: must be text, not 'no', which YAML reads as a yes/no value; put it in quotes"),
    ("title", "title: 2018", "title: must be text, not '2018', which YAML reads as a number; put it in quotes"),
    ("title", "title: ''", "title: must not be empty"),
    ("title", "title: [a, b]", "title: must be text, not a list"),
    ("title", "title:", "title: must be text, not '', which YAML reads as an empty value; put it in quotes"),
    ("summary", "summary: " + "x" * 301, "summary: is 301 characters long; the most allowed is 300: shorten it"),
    (
        "kind",
        "kind: Practice",
        "kind: must be one of practice, finding, network, not 'Practice' (did you mean 'practice'?)",
    ),
    ("elements", "elements: []", "elements: must list at least 1 item, such as [1C, 3A.ii]"),
    ("elements", "elements: 1C", "elements: must be a list such as [1C, 3A.ii], not '1C'"),
    ("elements", "elements:", "elements: must list at least one item, such as [1C, 3A.ii]"),
    (
        "elements",
        "elements: [1C.II]",
        "elements[1]: '1C.II' is not written as the framework writes it (did you mean '1C.ii'?)",
    ),
    (
        "elements",
        "elements: [6A.v]",
        "elements[1]: element 6A (Governance structures & skills) has no question 'v'; its questions are i, ii, iii, iv",
    ),
    (
        "spectrum",
        "spectrum: autonmy",
        "spectrum: must be one of standardisation, alignment, autonomy, not 'autonmy' (did you mean 'autonomy'?)",
    ),
    (
        "spectrum",
        "spectrum: standardization",
        "spectrum: must be one of standardisation, alignment, autonomy, not 'standardization' (did you mean 'standardisation'?)",
    ),
    (
        "approach",
        "approach: rollout",
        "approach: must be one of roll-out, co-design, organic, not 'rollout' (did you mean 'roll-out'?)",
    ),
    (
        "evidence",
        "evidence: yes",
        "evidence: must be one of own-account, reported, survey, peer-review, inspection, research, evaluation, not 'yes', which YAML reads as a yes/no value",
    ),
    ("trust", "trust: Example Trust", "trust: must be a group of 'key: value' lines, not 'Example Trust'"),
    (
        "published",
        "published: 2026-02-30",
        "published: '2026-02-30' is not a real date (day is out of range for month)",
    ),
    (
        "published",
        "published: 31/01/2026",
        "published: must be a date written YYYY-MM-DD, not '31/01/2026' (did you mean 2026-01-31?)",
    ),
    (
        "published",
        "published: 2026",
        "published: must be a date written YYYY-MM-DD, not '2026', which YAML reads as a number",
    ),
    (
        "published",
        "published: 2026-01-31 10:00:00",
        "published: must be a date written YYYY-MM-DD, not '2026-01-31 10:00:00'",
    ),
    ("reviewed", "reviewed: 2025-01-01", "reviewed: is 2025-01-01, before the published date 2026-01-31"),
    (
        "contributor",
        "contributor: null",
        "contributor: must be text, not 'null', which YAML reads as an empty value; put it in quotes",
    ),
    ("tags", "tags: send", "tags: must be a list such as [curriculum, send], not 'send'"),
    ("tags", "tags: [on]", "tags[1]: must be text, not 'on', which YAML reads as a yes/no value; put it in quotes"),
    ("tags", 'tags: ["a", "a "]', "tags[2]: lists 'a ' more than once"),
    (
        "tags",
        'tags: ["send; inclusion"]',
        "tags[1]: must not contain ';', not 'send; inclusion'; give each keyword separately",
    ),
    ("id", "id: index", "id: 'index' is reserved for the list of all cases; choose another id"),
    (
        "id",
        "id: ünï-case",
        "id: must be lowercase letters, digits and single hyphens, not 'ünï-case' (did you mean 'uni-case'?)",
    ),
    ("title", 'title: "\u200b"', "title: contains the invisible character U+200B (ZERO WIDTH SPACE); delete it"),
    (
        "title",
        'title: "Safe \u202e txt.exe"',
        "title: contains the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE); delete it",
    ),
    ("title", 'title: "Bell \\a"', "title: contains the invisible character U+0007 (a control character); delete it"),
    ("title", "title: |\n  Two\n  lines", "title: contains a line break; delete it"),
    (
        "summary",
        'summary: "Tab\\there is fine, but not \\0"',
        "summary: contains the invisible character U+0000 (a control character); delete it",
    ),
    (
        "kind",
        "kind: !foo practice",
        "kind: must be one of practice, finding, network, not 'practice' marked with the YAML tag '!foo' (remove the tag)",
    ),
    (
        "trust",
        "trust:\n  schools: 0",
        "trust.schools: must be a whole number of schools from 1 to 999, such as 12, not '0', which YAML reads as a number",
    ),
    (
        "trust",
        "trust:\n  schools: 1000",
        "trust.schools: must be a whole number of schools from 1 to 999, such as 12, not '1000', which YAML reads as a number",
    ),
    ("published", 'published: "٢٠٢٦-01-31"', "published: must be a date written YYYY-MM-DD, not '٢٠٢٦-01-31'"),
]


@pytest.mark.parametrize(("key", "line", "message"), BAD, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD)])
def test_bad_values(key: str, line: str, message: str, check_text: CheckText) -> None:
    case_id = "ünï-case" if "ünï" in line else "index" if line == "id: index" else "example-case"
    messages = [f"{p.field}: {p.message}" for p in check_text(valid_case(case_id, **{key: line}), name=case_id)]
    assert messages == [message]


@pytest.mark.parametrize("key", ["id", "title", "summary", "kind", "elements", "evidence", "sources", "published"])
def test_required_fields(key: str, check_text: CheckText) -> None:
    problems = check_text(valid_case(**{key: ""}))
    assert [(p.line, p.field) for p in problems if "is missing" in p.message] == [(2, key)]


def test_spectrum_is_required_for_practice_only(check_text: CheckText) -> None:
    assert [str(p) for p in check_text(valid_case(spectrum=""))] == [
        "cases/example-case.md:6: spectrum: is required when kind is practice; "
        "add 'spectrum:' with one of standardisation, alignment, autonomy"
    ]
    assert check_text(valid_case(spectrum="", kind="kind: finding")) == []


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "  - title: A\n    author: B\n    publisher: harbour-academy-trust\n    date: 2025\n    url: ftp://example.org/a",
            "sources[1].url: must be a full web address starting with https:// or http://, not 'ftp://example.org/a'",
        ),
        (
            "  - title: A\n    author: B\n    publisher: harbour-academy-trust\n    date: 2025\n    url: https://exa mple.org",
            "sources[1].url: must be a full web address starting with https:// or http://, not 'https://exa mple.org'",
        ),
        (
            "  - title: A\n    author: B\n    publisher: harbour-academy-trust\n    date: 2025\n    url: www.example.org",
            "sources[1].url: must be a full web address starting with https:// or http://, not 'www.example.org'",
        ),
        (
            "  - title: A\n    author: B\n    publisher: harbour-academy-trust\n    date: 18\n    url: https://example.org/",
            "sources[1].date: must be a date written YYYY-MM-DD (or just the year, YYYY, or 'undated'), not '18', which YAML reads as a number",
        ),
        (
            "  - title: A\n    publisher: harbour-academy-trust\n    date: 2025\n    url: https://example.org/\n    edition: 2",
            "sources[1].edition: is not a known field; the fields are title, author, publisher, voice, date, url, via, offline",
        ),
        (
            "  - title: A\n    date: 2025\n    url: https://example.org/",
            "sources[1].publisher: is missing; add it, for example 'publisher: nfer'",
        ),
    ],
)
def test_source_fields(source: str, message: str, check_text: CheckText) -> None:
    text = valid_case(sources="sources:\n" + source)
    messages = [f"{p.field}: {p.message}" for p in check_text(text)]
    assert messages == [message]


def test_a_source_may_give_just_a_year(check_text: CheckText) -> None:
    text = valid_case().replace("date: 2025-06-01", "date: 2018")
    assert check_text(text) == []


def test_body_must_not_be_empty(check_text: CheckText) -> None:
    text = valid_case().split("## Context")[0]
    assert [str(p) for p in check_text(text)] == [
        "cases/example-case.md:26: body: is empty; write the case below the closing '---' line"
    ]


def test_level_one_heading_inside_code_is_allowed(check_text: CheckText) -> None:
    text = valid_case() + "\n```sh\n# a shell comment\n```\n"
    assert check_text(text) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "#Heading without a space",
            "has a level-1 heading '#Heading without a space'; the title is shown for you, so start sections with '## '",
        ),
        (
            "A setext title\n===",
            "has a level-1 heading 'A setext title'; the title is shown for you, so start sections with '## '",
        ),
    ],
)
def test_body_checks(extra: str, message: str, check_text: CheckText) -> None:
    assert [f"{p.field}: {p.message}" for p in check_text(valid_case() + "\n" + extra + "\n")] == [f"body: {message}"]


def test_a_snippet_line_is_only_text(check_text: CheckText) -> None:
    # The site has no snippets extension, so no spelling of it can read a file into a case.
    for spelling in ('--8<-- "secret.md"', '-8<- "/etc/passwd"', ";--8<-- 'x.md'"):
        assert check_text(valid_case() + "\n" + spelling + "\n") == []


def test_warnings_do_not_stop_the_check(tmp_path: Path, framework: Framework) -> None:
    text = valid_case(
        summary='summary: "A trust that agrees its curriculum principles together, and then more."',
        sources="sources:\n  - title: A\n    publisher: harbour-academy-trust\n    date: undated\n    url: https://bad_name.example.org/page",
    )
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "example-case.md"
    path.write_text(text, encoding="utf-8")
    cases, problems, advice = load_cases([path], tmp_path, framework, today=dt.date(2028, 3, 1))
    assert (len(cases), problems) == (1, [])
    assert [str(a) for a in advice] == [
        "cases/example-case.md:21: reviewed: last checked on 2026-02-01, over two years ago; "
        "check the case is still accurate and add 'reviewed: 2028-03-01'",
        "cases/example-case.md:19: sources, item 1, url: 'https://bad_name.example.org/page' does not look like a real web "
        "address (the site name 'bad_name.example.org' has no dot or odd characters)",
        "cases/example-case.md:4: summary: repeats the title; say something the title does not",
    ]
    assert [a.field for a in load_cases([path], tmp_path, framework, today=dt.date(2027, 1, 1)).warnings] == [
        "sources[1].url",
        "summary",
    ]
