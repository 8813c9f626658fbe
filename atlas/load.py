"""Read case and framework files into YAML node trees that keep their line numbers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from atlas.model import Problem

FRONT_MATTER_FENCE = "---"


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


def _decode(raw: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (with or without a byte-order mark) and normalise Windows line endings."""
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


def _duplicate_keys(node: yaml.Node, rel: str, where: str = "") -> Iterator[Problem]:
    """Yield a problem for every key that a mapping repeats, at any depth."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            name = str(key.value)
            field = f"{where}.{name}" if where else name
            if name in seen:
                yield Problem(
                    rel,
                    line(key),
                    field,
                    f"the key {name!r} appears twice (lines {seen[name]} and {line(key)}); "
                    "YAML would silently keep only the last one, so remove one of them",
                )
            else:
                seen[name] = line(key)
            yield from _duplicate_keys(value, rel, field)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value, start=1):
            yield from _duplicate_keys(item, rel, f"{where}[{i}]")


def parse_yaml(text: str, rel: str, first_line: int = 1) -> tuple[yaml.Node | None, list[Problem]]:
    """Compose YAML into nodes, with a problem for each repeated key; ``first_line`` is where the text starts."""
    padded = "\n" * (first_line - 1) + text
    try:
        node = yaml.compose(padded, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        at = int(mark.line) + 1 if mark is not None else first_line
        what = err.problem or err.context or "unreadable YAML"
        return None, [
            Problem(
                rel,
                at,
                "front matter",
                f"the YAML cannot be read ({what}); check the colons, quotes and indentation on this line",
            )
        ]
    except yaml.YAMLError as err:  # pragma: no cover - PyYAML raises marked errors for text input
        return None, [Problem(rel, first_line, "front matter", f"the YAML cannot be read ({err})")]
    if node is None:
        return None, []
    return node, list(_duplicate_keys(node, rel))


def _not_a_mapping(node: yaml.Node | None, rel: str, at: int, what: str) -> list[Problem]:
    """The problem for YAML that is empty or not a set of ``key: value`` lines."""
    if node is None:
        return [Problem(rel, at, "front matter", f"{what} is empty; it needs 'key: value' lines")]
    shape = "a list" if isinstance(node, yaml.SequenceNode) else f"the single value {node.value!r}"
    return [Problem(rel, line(node), "front matter", f"{what} must be 'key: value' lines, not {shape}")]


def read_case(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    """Split a case file into front matter nodes and body, reporting what stops it being read."""
    text, problems = _decode(path.read_bytes(), rel)
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
    node, problems = parse_yaml("\n".join(lines[1:end]), rel, first_line=2)
    if not isinstance(node, yaml.MappingNode):
        return None, problems or _not_a_mapping(node, rel, 2, "the front matter")
    # Repeated keys are reported with the rest of the file's problems, not instead of them.
    body = "\n".join(lines[end + 1 :])
    return Document(rel, path.stem, node, body, end + 2), problems


def read_yaml_file(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    """Read a framework YAML file as a mapping with line numbers."""
    text, problems = _decode(path.read_bytes(), rel)
    if text is None:
        return None, problems
    node, problems = parse_yaml(text, rel)
    if not isinstance(node, yaml.MappingNode):
        return None, problems or _not_a_mapping(node, rel, 1, "the file")
    return Document(rel, path.stem, node, "", 0), problems
