"""How the loader treats files that cannot be read as a case: every one is a problem, never a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from atlas.load import list_case_files
from atlas.model import Framework
from atlas.placeholders import template_text
from atlas.validate import load_cases
from tests.conftest import ROOT, CheckText, valid_case

REL = "cases/example-case.md"


def problems_for(raw: bytes, tmp_path: Path, framework: Framework) -> list[str]:
    (tmp_path / "cases").mkdir(exist_ok=True)
    path = tmp_path / "cases" / "example-case.md"
    path.write_bytes(raw)
    cases, problems, _ = load_cases([path], tmp_path, framework)
    assert not (cases and problems)
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", [f"{REL}:1: file: the file is empty; copy the case template and fill it in"]),
        (b"  \n\n", [f"{REL}:1: file: the file is empty; copy the case template and fill it in"]),
        (
            b"id: x\n",
            [
                f"{REL}:1: front matter: the file must start with a line of three dashes '---', not 'id: x'; "
                "put the case's details between two '---' lines at the top (see the template)"
            ],
        ),
        (
            b"---\nid: x\n",
            [
                f"{REL}:1: front matter: the front matter is never closed; "
                "add a line of three dashes '---' after the last field"
            ],
        ),
        (
            b"---\n---\nBody\n",
            [f"{REL}:2: front matter: the front matter is empty; it needs 'key: value' lines"],
        ),
        (
            b"---\n- a\n- b\n---\nBody\n",
            [f"{REL}:2: front matter: the front matter must be 'key: value' lines, not a list"],
        ),
        (
            b"---\njust words\n---\nBody\n",
            [f"{REL}:2: front matter: the front matter must be 'key: value' lines, not the single value 'just words'"],
        ),
        (
            b"---\nid: x\ntitle: [unclosed\n---\nBody\n",
            [
                f"{REL}:3: front matter: the YAML cannot be read (did not find expected ',' or ']'); "
                "check the colons, quotes and indentation on this line"
            ],
        ),
        (
            b"---\nid: x\n\ttitle: tab\n---\n",
            [
                f"{REL}:3: front matter: has a tab (column 1); YAML allows only spaces here; "
                "replace the tab with spaces, indenting as the lines around it do"
            ],
        ),
        (
            b"---\nid: caf\xe9\n---\n",
            [
                f"{REL}:2: encoding: the file is not UTF-8 text (byte b'\\xe9' cannot be read); "
                "save it again choosing the UTF-8 encoding"
            ],
        ),
    ],
    ids=[
        "empty",
        "blank",
        "no-front-matter",
        "unclosed",
        "empty-front-matter",
        "list",
        "scalar",
        "syntax",
        "tab",
        "latin1",
    ],
)
def test_unreadable_files_are_problems(raw: bytes, expected: list[str], tmp_path: Path, framework: Framework) -> None:
    assert problems_for(raw, tmp_path, framework) == expected


def test_bom_and_windows_line_endings_are_accepted(tmp_path: Path, framework: Framework) -> None:
    raw = b"\xef\xbb\xbf" + valid_case().replace("\n", "\r\n").encode("utf-8")
    assert problems_for(raw, tmp_path, framework) == []


def test_line_numbers_survive_windows_line_endings(tmp_path: Path, framework: Framework) -> None:
    raw = valid_case(kind="kind: practise").replace("\n", "\r\n").encode("utf-8")
    assert problems_for(raw, tmp_path, framework) == [
        f"{REL}:6: kind: must be one of practice, finding, network, not 'practise' (did you mean 'practice'?)"
    ]


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            "id: x\ntags: &a [*a]\n",
            [
                "3: front matter: uses the alias '*a'; anchors and aliases are not allowed, so write the value out in full"
            ],
        ),
        (
            "a: &a [x, x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
            [
                f"{n}: front matter: uses the alias '*{name}'; anchors and aliases are not allowed, so write the value out in full"
                for n, name in ((3, "a"), (3, "a"), (4, "b"), (4, "b"))
            ],
        ),
        (
            "id: x\ntitle: a\x07b\n",
            ["3: front matter: contains the control character U+0007, which YAML does not allow; delete it"],
        ),
    ],
    ids=["self-alias", "alias-bomb", "control-character"],
)
def test_yaml_shapes_that_are_problems(front: str, expected: list[str], tmp_path: Path, framework: Framework) -> None:
    raw = f"---\n{front}---\nBody\n".encode()
    assert problems_for(raw, tmp_path, framework) == [f"{REL}:{e}" for e in expected]


def test_keys_must_be_plain_words(check_text: CheckText) -> None:
    text = valid_case(tags="tags: [a]\n? [a]\n: x")
    assert [str(p) for p in check_text(text)] == [
        "cases/example-case.md:25: front matter: a key must be a plain word such as 'title'"
    ]


def test_merge_keys_are_reported(check_text: CheckText) -> None:
    text = valid_case(tags="tags: [a]\n<<: {contributor: x}")
    assert [str(p) for p in check_text(text)] == [
        "cases/example-case.md:25: front matter: merge keys ('<<') are not allowed; write the fields out"
    ]


def test_anything_in_cases_that_is_not_a_case_file_is_reported(tmp_path: Path, framework: Framework) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a-case.md").write_text("x")
    (cases / "folder.md").mkdir()
    (cases / "notes.txt").write_text("x")
    (cases / "SHOUTING.MD").write_text("x")
    (cases / ".gitkeep").write_text("")
    paths, problems = list_case_files(cases, tmp_path)
    assert [p.name for p in paths] == ["a-case.md"]
    assert [str(p) for p in problems] == [
        "cases/.gitkeep:1: file: starts with a dot, so it would be skipped silently; rename or remove it",
        "cases/SHOUTING.MD:1: file: is not a case file: case files end in '.md', not '.MD'; rename it to SHOUTING.md",
        "cases/folder.md:1: file: is a folder; cases/ holds only case files named <id>.md and images/",
        "cases/notes.txt:1: file: is not a case file: case files end in '.md', not '.txt'; move it out",
    ]


def test_an_unreadable_file_is_a_problem(tmp_path: Path, framework: Framework) -> None:
    (tmp_path / "cases").mkdir()
    gone = tmp_path / "cases" / "gone.md"
    _, problems, _ = load_cases([gone], tmp_path, framework)
    assert [str(p) for p in problems] == ["cases/gone.md:1: file: cannot be read (No such file or directory)"]


def test_the_same_file_twice_is_checked_once(tmp_path: Path, framework: Framework) -> None:
    (tmp_path / "cases").mkdir()
    path = tmp_path / "cases" / "example-case.md"
    path.write_text(valid_case(), encoding="utf-8")
    cases, problems, _ = load_cases([path, path], tmp_path, framework)
    assert (len(cases), problems) == (1, [])


def test_the_same_id_in_two_folders_is_a_problem(tmp_path: Path, framework: Framework) -> None:
    for folder in ("cases", "more"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "example-case.md").write_text(valid_case(), encoding="utf-8")
    paths = [tmp_path / "cases" / "example-case.md", tmp_path / "more" / "example-case.md"]
    cases, problems, _ = load_cases(paths, tmp_path, framework)
    assert [c.path for c in cases] == ["cases/example-case.md"]
    assert [str(p) for p in problems] == [
        "more/example-case.md:2: id: 'example-case' is already the id of cases/example-case.md; ids must be unique"
    ]


def test_the_template_as_it_stands_is_refused_for_every_placeholder(check_text: CheckText) -> None:
    # The template's fields have the right form, so only their being the template's own examples
    # tells them apart from a real case; each is named with what to do.
    template = template_text()
    example = "is still the template's example"
    prompt = "from the template or make new; replace it with what the source says, in your own words"
    assert [str(p) for p in check_text(template, name="your-case-id")] == [
        f"cases/your-case-id.md:2: id: {example} 'your-case-id'; choose an id from your case's title (lowercase words joined by hyphens) and name the file <id>.md",
        f"cases/your-case-id.md:3: title: {example} 'A short title that says what the trust does or what was found'; replace it with your own",
        f"cases/your-case-id.md:4: summary: {example} 'One or two plain sentences, at most 300 characters, that tell a busy leader what this case is about. Do not repeat the title.'; replace it with your own",
        f"cases/your-case-id.md:13: trust.name: {example} 'Example Academy Trust'; replace it with your own",
        f"cases/your-case-id.md:18: sources, item 1, title: {example} 'Title of the article, report or talk'; replace it with your own",
        f"cases/your-case-id.md:19: sources, item 1, author: {example} 'Name of the author'; replace it with your own",
        "cases/your-case-id.md:20: sources, item 1, publisher: 'example-academy-trust' is not a publisher in "
        "framework/publishers.yaml (did you mean 'step-academy-trust'?); name a publisher by its id, and if it is not "
        "listed, add it to framework/publishers.yaml with its name, kind and web domains",
        f"cases/your-case-id.md:20: sources, item 1, publisher: {example} 'example-academy-trust'; replace it with your own",
        f"cases/your-case-id.md:22: sources, item 1, url: {example} 'https://www.example.org/the-source'; replace it with your own",
        f'cases/your-case-id.md:25: contributor: {example} "Your name or your network\'s name"; replace it with your own',
        "cases/your-case-id.md:28: body: has 120 words; a case needs at least 250, so say more about the context, what happened and what the evidence shows",
        f"cases/your-case-id.md:31: body: still has the prompt 'Who is involved, how large the trust or network is, and what problem it faced.' {prompt}",
        f"cases/your-case-id.md:35: body: still has the prompt 'What happens in practice, step by step.' {prompt}",
        f"cases/your-case-id.md:40: body: still has the prompt 'Standardisation, alignment or autonomy, and whether it came about by roll-out, co-design or organic growth.' {prompt}",
        f"cases/your-case-id.md:45: body: still has the prompt \"What kind of evidence this is (the trust's own account, a consultant's or journalist's report, a survey, an external review...) and what it does and does not show.\" {prompt}",
        f"cases/your-case-id.md:50: body: still has the prompt 'A question a reader can ask of their own trust.' {prompt}",
    ]


def test_a_template_copied_to_a_file_of_its_own_is_told_to_change_the_id_not_the_file_name(
    check_text: CheckText,
) -> None:
    template = template_text()
    ids = [str(p) for p in check_text(template, name="reading-hubs") if p.field == "id"]
    assert ids == [
        "cases/reading-hubs.md:2: id: is still the template's 'your-case-id'; change it to 'reading-hubs' to match this file's name"
    ]


def test_one_placeholder_left_in_a_written_case_is_refused(check_text: CheckText) -> None:
    # Someone who writes their case but keeps one prompt line, or the example trust's name.
    text = valid_case().replace("  name: Harbour Academy Trust", "  name: example academy trust")
    text = text.replace(
        "- Do your schools share",
        "- A question a reader can ask of their own trust. See [1C.ii](../framework/1c.md#1c-ii).\n- Do your schools share",
    )
    found = [(p.field, p.message.split(";")[0]) for p in check_text(text)]
    # The own-account rule also sees that no source comes from the trust named; it is named with the rest.
    assert [f for f in found if f[0] != "evidence"] == [
        ("trust.name", "is still the template's example 'example academy trust'"),
        (
            "body",
            "still has the prompt 'A question a reader can ask of their own trust.' from the template or make new",
        ),
    ]


def test_a_copied_case_with_its_id_unchanged_gets_a_one_line_fix(tmp_path: Path, framework: Framework) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "example-case.md").write_text(valid_case(), encoding="utf-8")
    (cases / "my-new-case.md").write_text(valid_case(), encoding="utf-8")
    _, problems, _ = load_cases(sorted(cases.glob("*.md")), tmp_path, framework)
    assert [str(p) for p in problems] == [
        "cases/my-new-case.md:2: id: 'example-case' is already the id of cases/example-case.md; "
        "change it to 'my-new-case' to match this file's name"
    ]


def _site_with_many_cases(root: Path, framework: Framework) -> None:
    """A site with enough cases to be checked in several processes, one of them broken."""
    import shutil

    from atlas.synthetic import write_corpus
    from atlas.validate import PARALLEL_FROM

    for part in ("framework", "docs"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    paths = write_corpus(root / "cases", PARALLEL_FROM + 10, framework)
    paths[3].write_text(paths[3].read_text(encoding="utf-8").replace("\nkind: ", "\nkind: nonsense\nx: "), "utf-8")


def test_checking_in_several_processes_finds_what_one_process_finds(tmp_path: Path, framework: Framework) -> None:
    from atlas.validate import PARALLEL_FROM

    _site_with_many_cases(tmp_path, framework)
    # Two broken files among them, so the problems are compared too.
    (tmp_path / "cases" / "zz-broken.md").write_text(valid_case("zz-broken", evidence="evidence: rumour"), "utf-8")
    listed, _ = list_case_files(tmp_path / "cases", tmp_path)
    one = load_cases(listed, tmp_path, framework)
    two = load_cases(listed, tmp_path, framework, workers=2)
    assert len(one.problems) >= 3 and len(one.cases) == PARALLEL_FROM + 9
    assert one == two


def test_checks_begun_early_find_what_a_check_begun_late_finds(tmp_path: Path, framework: Framework) -> None:
    import datetime as dt
    import time

    from atlas.validate import PARALLEL_FROM, load_atlas, start_checks

    _site_with_many_cases(tmp_path, framework)
    today = dt.date(2026, 12, 6)
    started = start_checks(tmp_path, workers=2, today=today)
    assert started.shared is not None
    time.sleep(1)  # as a build joins: after the spawned process has begun
    early = load_atlas(tmp_path, started=started)
    late = load_atlas(tmp_path, today=today)
    assert len(early.problems) >= 1 and early.passing is not None and len(early.passing.cases) == PARALLEL_FROM + 9
    assert (early.problems, early.warnings, early.passing) == (late.problems, late.warnings, late.passing)
    # Begun for another day, the work is stopped and done again for the day asked for.
    other = start_checks(tmp_path, workers=2, today=dt.date(2020, 1, 1))
    assert load_atlas(tmp_path, today=today, started=other).passing == late.passing


def _same(a: yaml.Node, b: yaml.Node) -> bool:
    """Two node trees alike in kind, tag, value, style and every mark."""
    marks = ("start_mark", "end_mark")
    if type(a) is not type(b) or a.tag != b.tag:
        return False
    for mark in marks:
        x, y = getattr(a, mark), getattr(b, mark)
        if (x.line, x.column, x.index) != (y.line, y.column, y.index):
            return False
    if isinstance(a, yaml.ScalarNode):
        return bool(a.value == b.value and getattr(a, "style", None) == getattr(b, "style", None))
    if isinstance(a, yaml.MappingNode):
        pairs = list(zip(a.value, b.value, strict=False))
        return len(a.value) == len(b.value) and all(_same(k, m) and _same(v, w) for (k, v), (m, w) in pairs)
    return len(a.value) == len(b.value) and all(_same(x, y) for x, y in zip(a.value, b.value, strict=False))


YAML_SAMPLES = [
    "title: plain\nyears: 2019\nschools: 012\nok: no\nnothing:\n",
    "tags: ['it''s', \"a\\\"b\", '#', [x, {k: v}]]  # a comment [ [ [\n",
    "a: |\n  block\n  text\nb: >-\n  folded\n",
    "list:\n  - one\n  -\n    - two\n    - {three: [4, 5.0, true, null, ~, 2026-01-31]}\n",
    "quoted: 'single # not a comment'\nkey with spaces: \"x: y\"\n? complex\n: value\n",
    "",
    "# only a comment\n",
    "!!str 12\n",
]


@pytest.mark.parametrize("text", YAML_SAMPLES)
def test_the_loop_composer_gives_pyyamls_own_nodes(text: str) -> None:
    from atlas.load import LOADER, compose

    mine, theirs = compose(text), yaml.compose(text, Loader=LOADER)
    assert (mine is None and theirs is None) or (mine is not None and theirs is not None and _same(mine, theirs))


def test_the_loop_composer_gives_pyyamls_nodes_for_every_real_file() -> None:
    from atlas.load import LOADER, compose

    texts = [p.read_text(encoding="utf-8").split("\n---\n")[0][4:] for p in sorted((ROOT / "cases").glob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "framework").rglob("*.yaml"))]
    assert len(texts) > 50
    for text in texts:
        mine, theirs = compose(text), yaml.compose(text, Loader=LOADER)
        assert mine is not None and theirs is not None and _same(mine, theirs)


def _depth(node: yaml.Node) -> int:
    if isinstance(node, yaml.MappingNode):
        return 1 + max((_depth(v) for _, v in node.value), default=0)
    if isinstance(node, yaml.SequenceNode):
        return 1 + max((_depth(v) for v in node.value), default=0)
    return 0


@pytest.mark.parametrize(
    "make",
    [
        lambda n: "tags: " + "[" * n + "x" + "]" * n,
        lambda n: "tags: " + "['it''s', " * n + "x" + "]" * n,
        lambda n: "tags: " + '["a\\"b", ' * n + "x" + "]" * n,
        lambda n: "tags: " + "['#', " * n + "x" + "]" * n,
        lambda n: "tags:\n" + "".join(f"{'  ' * i}- # [ ' \"\n" for i in range(n)) + "  " * n + "x\n",
        lambda n: "k:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, n + 1)),
    ],
    ids=["brackets", "apostrophes", "escaped-quotes", "hash", "dashes-and-comments", "indents"],
)
def test_the_depth_guard_counts_levels_as_pyyaml_reads_them(make: Callable[[int], str]) -> None:
    from atlas.load import LOADER, MAX_DEPTH, TooDeep, compose

    for n in (MAX_DEPTH - 3, MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 5):
        text = make(n)
        theirs = yaml.compose(text, Loader=LOADER)  # shallow enough for PyYAML's own recursion
        assert theirs is not None
        real = _depth(theirs)
        if real <= MAX_DEPTH:
            assert compose(text) is not None
        else:
            with pytest.raises(TooDeep):
                compose(text)


def test_a_document_deeper_than_any_stack_is_refused_at_once(tmp_path: Path, framework: Framework) -> None:
    import time

    started = time.monotonic()
    raw = valid_case("example-case", tags="tags: " + "['a', " * 25_000 + "x" + "]" * 25_000).encode()
    problems = problems_for(raw, tmp_path, framework)
    assert problems == [
        f"{REL}:24: front matter: nests values more than 20 levels deep; write the fields as the template does"
    ]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("char", "name"), [("\u2028", "LINE SEPARATOR"), ("\u2029", "PARAGRAPH SEPARATOR"), ("\x85", "NEXT LINE")]
)
def test_a_line_break_only_yaml_sees_is_a_problem(char: str, name: str, tmp_path: Path, framework: Framework) -> None:
    raw = valid_case("example-case", kind=f"kind: practice{char}contributor: Hidden").encode()
    [problem] = problems_for(raw, tmp_path, framework)
    assert problem.startswith(f"{REL}:6: front matter: contains the character U+{ord(char):04X} ({name}), which YAML")
