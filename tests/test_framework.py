"""The framework data: its shape matches the source, and broken framework files are reported."""

from __future__ import annotations

import shutil
from pathlib import Path

from atlas.model import APPROACHES, POSITIONS, Framework
from atlas.validate import load_framework
from tests.conftest import ROOT

# Question numbering as in the source: (questions to start with, further questions).
SOURCE_SHAPE = {
    "1A": (3, 3), "1B": (3, 2), "1C": (3, 2),
    "2A": (3, 2), "2B": (4, 2),
    "3A": (4, 2), "3B": (3, 3), "3C": (3, 2),
    "4A": (3, 3), "4B": (3, 2),
    "5A": (3, 3), "5B": (3, 2),
    "6A": (2, 2), "6B": (2, 4),
}  # fmt: skip


def test_fourteen_elements_under_six_headings(framework: Framework) -> None:
    assert [h.number for h in framework.headings] == [1, 2, 3, 4, 5, 6]
    assert [e.id for e in framework.elements] == list(SOURCE_SHAPE)
    assert framework.element("1C").name == "Leading a culture of improvement"
    assert framework.headings[5].name == "Governance capability"


def test_questions_are_numbered_as_in_the_source(framework: Framework) -> None:
    numerals = ["i", "ii", "iii", "iv", "v", "vi"]
    for element in framework.elements:
        start, further = SOURCE_SHAPE[element.id]
        assert [q.ref for q in element.questions] == numerals[: start + further], element.id
        assert [q.stage for q in element.questions] == ["start"] * start + ["additional"] * further, element.id
        for q in element.questions:
            assert q.text and q.red and q.green, q.id


def test_scale_spectrum_and_approaches(framework: Framework) -> None:
    assert [s.name for s in framework.scale] == ["Red", "Amber-Red", "Amber-Green", "Green"]
    assert tuple(p.id for p in framework.positions) == POSITIONS
    assert tuple(a.id for a in framework.approaches) == APPROACHES
    assert "Greany" in framework.spectrum_credit


def copy_framework(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "framework", tmp_path / "framework")
    return tmp_path / "framework"


def test_broken_framework_files_are_reported(tmp_path: Path) -> None:
    folder = copy_framework(tmp_path)
    element = folder / "elements" / "1c.yaml"
    element.write_text(element.read_text().replace("  - ref: ii\n", "  - ref: iii\n", 1))
    spectrum = folder / "spectrum.yaml"
    spectrum.write_text(spectrum.read_text().replace("  - id: organic", "  - id: organics"))
    framework, problems = load_framework(folder, tmp_path)
    assert framework is None
    assert [(p.path, p.field, p.message) for p in problems] == [
        (
            "framework/spectrum.yaml",
            "approaches",
            "must define exactly roll-out, co-design, organic in that order, not roll-out, co-design, organics",
        ),
        (
            "framework/elements/1c.yaml",
            "questions[2].ref",
            "must be 'ii' (questions are numbered in order), not 'iii'",
        ),
    ]


def test_an_element_missing_from_the_headings_is_reported(tmp_path: Path) -> None:
    folder = copy_framework(tmp_path)
    (folder / "elements" / "1c.yaml").rename(folder / "elements" / "7a.yaml")
    text = (folder / "elements" / "7a.yaml").read_text().replace("id: 1C", "id: 7A")
    (folder / "elements" / "7a.yaml").write_text(text)
    framework, problems = load_framework(folder, tmp_path)
    assert framework is None
    assert [str(p) for p in problems] == [
        "framework/framework.yaml:37: headings.elements: '1C' has no file framework/elements/1c.yaml "
        "or does not start with its heading number 1",
        "framework/elements/7a.yaml:1: id: this element is not listed under any heading in framework.yaml",
    ]
