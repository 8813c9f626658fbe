"""Read case and framework files into YAML node trees that keep their line numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from atlas.model import Problem

FRONT_MATTER_FENCE = "---"
# libyaml (shipped in PyYAML's wheels) reads front matter about fifteen times faster; same marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CASE_SUFFIX = ".md"
IMAGES = "images"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@dataclass(frozen=True)
class Document:
    """A file's YAML, as a node tree whose marks count lines of the file itself, and its body."""

    path: str
    stem: str
    data: yaml.MappingNode
    body: str
    body_line: int


def line(node: yaml.Node) -> int:
    """The 1-based file line where a node starts."""
    return int(node.start_mark.line) + 1


def relative(path: Path, root: Path) -> str:
    """The path as messages show it: relative to the atlas folder where possible."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    """A checked mapping node's values by key (the last one wins, as in YAML; repeats are reported)."""
    assert isinstance(node, yaml.MappingNode)
    return {str(k.value): v for k, v in node.value}


def list_case_files(folder: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """The case files in ``folder``, and a problem for anything else there but images/, so nothing is skipped."""
    paths: list[Path] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return [], [Problem(relative(folder, root), 1, "file", "the cases folder is missing")]
    for entry in sorted(folder.iterdir()):
        rel = relative(entry, root)
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name == IMAGES:
            problems += [
                Problem(
                    relative(image, root),
                    1,
                    "file",
                    f"is not an image; cases/images/ holds only {', '.join(IMAGE_SUFFIXES)} files",
                )
                for image in sorted(entry.iterdir())
                if not image.is_file() or image.suffix.lower() not in IMAGE_SUFFIXES
            ]
        elif entry.is_dir():
            problems.append(
                Problem(rel, 1, "file", "is a folder; cases/ holds only case files named <id>.md and images/")
            )
        elif entry.suffix != CASE_SUFFIX:
            hint = f"rename it to {entry.stem}.md" if entry.suffix.lower() in (".md", ".markdown") else "move it out"
            problems.append(
                Problem(rel, 1, "file", f"is not a case file: case files end in '.md', not {entry.suffix!r}; {hint}")
            )
        else:
            paths.append(entry)
    return paths, problems


def list_images(folder: Path) -> list[Path]:
    """The images cases may show, from ``cases/images/``."""
    images = folder / IMAGES
    if not images.is_dir():
        return []
    return sorted(p for p in images.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def _read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 (with or without a byte-order mark), with Windows line endings normalised."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(rel, 1, "file", f"cannot be read ({err.strerror or err})")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        at = raw[: err.start].count(b"\n") + 1
        bad = raw[err.start : err.start + 1]
        return None, [
            Problem(
                rel,
                at,
                "encoding",
                f"the file is not UTF-8 text (byte {bad!r} cannot be read); save it again choosing the UTF-8 encoding",
            )
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


# A cheap first look: only text that might hold an alias is parsed a second time for one.
_ALIAS = re.compile(r"(^|[\s\[{,:-])\*[^\s,\]}]")


def _aliases(text: str, rel: str) -> Iterator[Problem]:
    """A problem at each alias: aliases can make a tree refer to itself or grow exponentially."""
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.AliasEvent) and event.start_mark is not None:
            yield Problem(
                rel,
                int(event.start_mark.line) + 1,
                "front matter",
                f"uses the alias '*{event.anchor}'; anchors and aliases are not allowed, "
                "so write the value out in full",
            )


def _structure(node: yaml.Node, rel: str, where: str = "") -> Iterator[Problem]:
    """Problems in the shape of the YAML itself: repeated keys and keys that are not plain words."""
    if isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                yield Problem(rel, line(key), where or "front matter", "a key must be a plain word such as 'title'")
                continue
            name = str(key.value)
            field = f"{where}.{name}" if where else name
            if name in first_line:
                yield Problem(
                    rel,
                    line(key),
                    field,
                    f"the key {name!r} appears twice (lines {first_line[name]} and {line(key)}); "
                    "YAML would silently keep only the last one, so remove one of them",
                )
            else:
                first_line[name] = line(key)
            yield from _structure(value, rel, field)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, start=1):
            yield from _structure(item, rel, f"{where}[{i}]")


def _unreadable(rel: str, at: int, what: str, fix: str = "delete it") -> tuple[None, list[Problem], bool]:
    """The answer for YAML that cannot be composed at all."""
    return None, [Problem(rel, at, "front matter", f"{what}; {fix}")], False


def parse_yaml(text: str, rel: str, first_line: int = 1) -> tuple[yaml.Node | None, list[Problem], bool]:
    """Compose YAML into nodes that count file lines; ``first_line`` is where the text starts.

    Returns the node, the problems, and whether the node is safe to check further (no aliases).
    """
    padded = "\n" * (first_line - 1) + text
    try:
        node = yaml.compose(padded, Loader=LOADER)
    except yaml.reader.ReaderError as err:
        at = padded[: err.position].count("\n") + 1
        if isinstance(err.character, int):
            return _unreadable(
                rel, at, f"contains the control character U+{err.character:04X}, which YAML does not allow"
            )
        return _unreadable(rel, at, "contains a character YAML does not allow")
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        last_line = first_line + text.count("\n")
        # An error found at the end of the text belongs to its last line, not the fence after it.
        at = min(int(mark.line) + 1, last_line) if mark is not None else first_line
        what = err.problem or err.context or "unreadable YAML"
        return _unreadable(
            rel, at, f"the YAML cannot be read ({what})", "check the colons, quotes and indentation on this line"
        )
    if node is None:
        return None, [], False
    aliases = list(_aliases(padded, rel)) if _ALIAS.search(padded) else []
    if aliases:
        return node, aliases, False
    return node, list(_structure(node, rel)), True


def _not_a_mapping(node: yaml.Node | None, rel: str, at: int, what: str) -> list[Problem]:
    """The problem for YAML that is empty or not a set of ``key: value`` lines."""
    if node is None:
        return [Problem(rel, at, "front matter", f"{what} is empty; it needs 'key: value' lines")]
    shape = "a list" if isinstance(node, yaml.SequenceNode) else f"the single value {node.value!r}"
    return [Problem(rel, line(node), "front matter", f"{what} must be 'key: value' lines, not {shape}")]


def read_case(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    """Split a case file into front matter nodes and body, reporting what stops it being read."""
    text, problems = _read_text(path, rel)
    if text is None:
        return None, problems
    if not text.strip():
        return None, [Problem(rel, 1, "file", "the file is empty; copy the case template and fill it in")]
    lines = text.split("\n")
    if lines[0].strip() != FRONT_MATTER_FENCE:
        return None, [
            Problem(
                rel,
                1,
                "front matter",
                f"the file must start with a line of three dashes '---', not {lines[0][:40]!r}; "
                "put the case's details between two '---' lines at the top (see the template)",
            )
        ]
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FRONT_MATTER_FENCE, "...")), None)
    if end is None:
        return None, [
            Problem(
                rel,
                1,
                "front matter",
                "the front matter is never closed; add a line of three dashes '---' after the last field",
            )
        ]
    node, problems, usable = parse_yaml("\n".join(lines[1:end]), rel, first_line=2)
    if not isinstance(node, yaml.MappingNode) or not usable:
        return None, problems or _not_a_mapping(node, rel, 2, "the front matter")
    # Repeated keys are reported with the rest of the file's problems, not instead of them.
    body = "\n".join(lines[end + 1 :])
    return Document(rel, path.stem, node, body, end + 2), problems


def read_yaml_file(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    """Read a framework YAML file as a mapping with line numbers."""
    text, problems = _read_text(path, rel)
    if text is None:
        return None, problems
    node, problems, usable = parse_yaml(text, rel)
    if not isinstance(node, yaml.MappingNode) or not usable:
        return None, problems or _not_a_mapping(node, rel, 1, "the file")
    return Document(rel, path.stem, node, "", 0), problems
