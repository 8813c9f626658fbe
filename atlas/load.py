"""Read case and framework files into YAML node trees that keep their line numbers."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


# The first bytes of each image format, so a file cannot pass as an image by its name alone.
IMAGE_SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
# A case is a few pages of text; anything far bigger is a mistake, and bounds the work of every check.
MAX_CASE_BYTES = 200_000
MAX_IMAGE_BYTES = 5_000_000


def _not_regular(entry: Path, rel: str) -> Problem | None:
    """A problem for a symlink or anything else that is not a plain file or folder, found without following it."""
    try:
        mode = entry.lstat().st_mode
    except OSError as err:
        return Problem(rel, 1, "file", f"cannot be read ({err.strerror or err})")
    if stat.S_ISLNK(mode):
        return Problem(rel, 1, "file", "is a symbolic link; cases/ holds only real files, so copy the file in instead")
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return Problem(rel, 1, "file", "is not a regular file (a device, pipe or socket); remove it from cases/")
    return None


def _image_problem(image: Path, rel: str) -> Problem | None:
    """A problem for anything in cases/images/ that is not a real image of a kind its name says."""
    found = _not_regular(image, rel)
    if found is not None:
        return found
    suffix = image.suffix.lower()
    if image.is_dir() or suffix not in IMAGE_SUFFIXES or image.name.startswith("."):
        return Problem(rel, 1, "file", f"is not an image; cases/images/ holds only {', '.join(IMAGE_SUFFIXES)} files")
    size = image.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return Problem(rel, 1, "file", f"is {size:,} bytes; images must be under {MAX_IMAGE_BYTES:,}, so shrink it")
    with image.open("rb") as f:
        head = f.read(12)
    signature_ok = any(head.startswith(sig) for sig in IMAGE_SIGNATURES[suffix])
    if not signature_ok or (suffix == ".webp" and head[8:12] != b"WEBP"):
        return Problem(rel, 1, "file", f"is not a {suffix[1:].upper()} image, whatever its name says; save it again")
    return None


def list_case_files(folder: Path, root: Path) -> tuple[list[Path], list[Problem]]:
    """The case files in ``folder``, and a problem for anything else there but images/, so nothing is skipped."""
    paths: list[Path] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return [], [Problem(relative(folder, root), 1, "file", "the cases folder is missing")]
    for entry in sorted(folder.iterdir()):
        rel = relative(entry, root)
        odd = _not_regular(entry, rel)
        if odd is not None:
            problems.append(odd)
        elif entry.name.startswith("."):
            problems.append(
                Problem(rel, 1, "file", "starts with a dot, so it would be skipped silently; rename or remove it")
            )
        elif entry.is_dir() and entry.name == IMAGES:
            for image in sorted(entry.iterdir()):
                found = _image_problem(image, relative(image, root))
                if found is not None:
                    problems.append(found)
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
    """The images cases may show: the real image files in ``cases/images/`` that pass every file check."""
    images = folder / IMAGES
    if not images.is_dir() or images.is_symlink():
        return []
    return sorted(p for p in images.iterdir() if _image_problem(p, p.name) is None)


def plain_bytes(path: Path) -> bytes | None:
    """A case file's bytes if it is a regular file within the size limit, else None; never follows a link."""
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CASE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 (with or without a byte-order mark), with Windows line endings normalised."""
    odd = _not_regular(path, rel)
    if odd is not None:
        return None, [odd]
    try:
        size = path.stat().st_size
        if size > MAX_CASE_BYTES:
            return None, [
                Problem(rel, 1, "file", f"is {size:,} bytes; a case must be under {MAX_CASE_BYTES:,}, so shorten it")
            ]
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


# The case template nests three levels (sources, then a source, then its fields). PyYAML's composers
# (the C one too) recurse once a level, so a deep file could exhaust the stack, or crash the process,
# before any check saw it; compose() below builds the same nodes from the parser's events in a loop.
MAX_DEPTH = 20
# PyYAML reads these as line breaks, so a field after one looks like part of the line before it.
_HIDDEN_BREAKS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR", "\x85": "NEXT LINE"}


class TooDeep(Exception):
    """YAML nested deeper than ``MAX_DEPTH``; ``line`` is the 1-based line where the limit is passed."""

    def __init__(self, depth: int, line: int) -> None:
        super().__init__(depth, line)
        self.depth = depth
        self.line = line


class AliasFound(Exception):
    """YAML that refers back to anchors (``*name``), which can make a tree grow without end."""

    def __init__(self, found: list[tuple[str, int]]) -> None:
        super().__init__(found)
        self.found = found
        """Each alias's anchor name and 1-based line."""


_COLLECTIONS: dict[type[yaml.Event], type[yaml.CollectionNode]] = {
    yaml.SequenceStartEvent: yaml.SequenceNode,
    yaml.MappingStartEvent: yaml.MappingNode,
}


def compose(text: str) -> yaml.Node | None:
    """The node tree ``yaml.compose`` gives for one document, built from the parser's events without recursion.

    Raises ``TooDeep`` as soon as the nesting passes ``MAX_DEPTH`` (reading no further), ``AliasFound`` if
    there are aliases, and PyYAML's own errors for text it cannot read.
    """
    resolve: Callable[..., str] = yaml.resolver.Resolver().resolve
    root: yaml.Node | None = None
    open_nodes: list[tuple[yaml.CollectionNode, list[yaml.Node]]] = []
    documents = 0
    aliases: list[tuple[str, int]] = []
    for event in yaml.parse(text, Loader=LOADER):
        node: yaml.Node
        # PyYAML's stubs type marks as the pure-Python parser's; the C parser gives its own, alike.
        start: Any = event.start_mark
        end: Any = event.end_mark
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream", None, "but found another document", start
                )
            continue
        if isinstance(event, yaml.AliasEvent):
            aliases.append((str(event.anchor), int(start.line) + 1))
            node = yaml.ScalarNode("tag:yaml.org,2002:null", "", start, end)  # stands in; the tree is refused
        elif isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(yaml.ScalarNode, event.value, event.implicit)
            node = yaml.ScalarNode(tag, event.value, start, end, style=event.style)
        elif isinstance(event, yaml.CollectionStartEvent):
            kind = _COLLECTIONS[type(event)]
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(kind, None, event.implicit)
            node = kind(tag, [], start, None, flow_style=event.flow_style)
            if len(open_nodes) >= MAX_DEPTH:
                raise TooDeep(len(open_nodes) + 1, int(start.line) + 1)
            open_nodes.append((node, []))
            continue
        elif isinstance(event, yaml.CollectionEndEvent):
            node, items = open_nodes.pop()
            node.end_mark = end
            node.value = (
                list(zip(items[::2], items[1::2], strict=True)) if isinstance(node, yaml.MappingNode) else items
            )
        else:
            continue
        if open_nodes:
            open_nodes[-1][1].append(node)
        else:
            root = node
    if aliases:
        raise AliasFound(aliases)
    return root


def parse_yaml(text: str, rel: str, first_line: int = 1) -> tuple[yaml.Node | None, list[Problem], bool]:
    """Compose YAML into nodes that count file lines; ``first_line`` is where the text starts.

    Returns the node, the problems, and whether the node is safe to check further (no aliases).
    """
    padded = "\n" * (first_line - 1) + text
    hidden = [(i, char) for i, row in enumerate(text.split("\n")) for char in _HIDDEN_BREAKS if char in row]
    if hidden:
        at, char = hidden[0]
        return _unreadable(
            rel,
            first_line + at,
            f"contains the character U+{ord(char):04X} ({_HIDDEN_BREAKS[char]}), which YAML reads as a line "
            "break, so the text after it would become a field of its own",
            "delete it, or press Enter to start a new line",
        )
    try:
        node = compose(padded)
    except TooDeep as err:
        return _unreadable(
            rel,
            err.line,
            f"nests values more than {MAX_DEPTH} levels deep",
            "write the fields as the template does",
        )
    except AliasFound as err:
        return (
            None,
            [
                Problem(
                    rel,
                    at,
                    "front matter",
                    f"uses the alias '*{anchor}'; anchors and aliases are not allowed, so write the value out in full",
                )
                for anchor, at in err.found
            ],
            False,
        )
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
        # A value such as 'title: Reading: a trust's approach' reads as a second key; say which value to quote.
        source_line = padded.split("\n")[at - 1]
        if "\t" in source_line:
            # PyYAML names a tab as 'character that cannot start any token', or not at all.
            column = source_line.index("\t") + 1
            return _unreadable(
                rel,
                at,
                f"has a tab (column {column}); YAML allows only spaces here",
                "replace the tab with spaces, indenting as the lines around it do",
            )
        colon = re.fullmatch(r"\s*(?:-\s+)*([^\s:#'\"][^:]*?):\s+(\S.*?:\s.*?)\s*", source_line)
        if "mapping values are not allowed" in what and colon is not None:
            key, value = colon[1], colon[2]
            plain = '"' not in value and "\\" not in value
            quoted = f'"{value}"' if plain else "'" + value.replace("'", "''") + "'"
            return _unreadable(
                rel,
                at,
                f"the value of {key!r} contains ': ', so YAML reads it as another key",
                f"put the whole value in quotes: {key}: {quoted}",
            )
        return _unreadable(
            rel, at, f"the YAML cannot be read ({what})", "check the colons, quotes and indentation on this line"
        )
    if node is None:
        return None, [], False
    return node, list(_structure(node, rel)), True


def _not_a_mapping(node: yaml.Node | None, rel: str, at: int, what: str) -> list[Problem]:
    """The problem for YAML that is empty or not a set of ``key: value`` lines."""
    if node is None:
        return [Problem(rel, at, "front matter", f"{what} is empty; it needs 'key: value' lines")]
    shape = "a list" if isinstance(node, yaml.SequenceNode) else f"the single value {node.value!r}"
    return [Problem(rel, line(node), "front matter", f"{what} must be 'key: value' lines, not {shape}")]


def read_case(path: Path, rel: str) -> tuple[Document | None, list[Problem]]:
    """Split a case file into front matter nodes and body, reporting what stops it being read."""
    text, problems = read_text(path, rel)
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
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    node, problems, usable = parse_yaml(text, rel)
    if not isinstance(node, yaml.MappingNode) or not usable:
        return None, problems or _not_a_mapping(node, rel, 1, "the file")
    return Document(rel, path.stem, node, "", 0), problems
