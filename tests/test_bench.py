"""The benchmark's pure parts: medians, ratios, budget verdicts, tables and the floor project. Nothing is timed."""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from atlas.synthetic import edited

ROOT = Path(__file__).resolve().parent.parent


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def build(seconds: float, peak: float = 100, first_search: float = 1.0) -> Any:
    return bench.Build(
        seconds=seconds,
        peak_mib=peak,
        output_mib=10,
        index_mib=2,
        index_gzip_mib=0.5,
        first_search_gzip_mb=first_search,
    )


def test_median_is_taken_field_by_field() -> None:
    median = bench.median_build([build(3, peak=50), build(1, peak=70), build(2, peak=60)])
    assert (median.seconds, median.peak_mib) == (2, 60)
    with pytest.raises(ValueError):
        bench.median_build([])


def test_ratios_are_atlas_over_floor_medians() -> None:
    pair = bench.Pair(1000, atlas=[build(13), build(12), build(14)], floor=[build(10), build(9), build(11)])
    assert pair.time_ratio == pytest.approx(1.3)
    assert pair.memory_ratio == 1
    assert bench.ratio(1, 0) == float("inf")


def test_budgets_pass_fail_or_not_measured_at_their_size() -> None:
    pairs = [
        bench.Pair(1000, atlas=[build(12)], floor=[build(10)]),
        bench.Pair(10000, atlas=[build(200, peak=900, first_search=11)], floor=[build(100, peak=500)]),
    ]
    table = bench.budget_table(pairs, {1000: None})
    assert "| atlas / floor build time at 1,000 cases <= 1.3 | 1.20x | pass |" in table
    assert "| atlas / floor build time at 10,000 cases <= 1.3 | 2.00x | FAIL |" in table
    assert "| atlas / floor peak memory at 10,000 cases <= 1.5 | 1.80x | FAIL |" in table
    assert "| 11.00 MB | FAIL |" in table
    assert "at 1,000 cases <= 2 s | never visible | FAIL |" in table

    quick = bench.budget_table([bench.Pair(400, atlas=[build(3)], floor=[build(2)])], {100: 1.5})
    assert "| atlas / floor build time at 1,000 cases <= 1.3 | 1.50x at 400 | not measured at 1,000 |" in quick
    assert "<= 2 s | 1.50 s at 100 | not measured at 1,000 |" in quick


def test_tables_are_markdown_with_ratios_first() -> None:
    pairs = [bench.Pair(1000, atlas=[build(12.345, peak=150)], floor=[build(10, peak=100)])]
    text = bench.report(pairs, {}, "Medians from a test machine.")
    assert text.index("atlas / floor build time |") < text.index("Medians from a test machine.")
    assert "| 1,000 | 1.23x | 1.50x |" in text
    assert "| 1,000 | atlas | 1 | 12.35 | 150 | 10.0 | 2.00 | 0.50 | 1.00 |" in text
    for line in text.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")


def test_floor_project_is_a_bare_material_site_with_the_same_case_files(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "a.md").write_text("---\ntitle: A\n---\n\n## Context\n\nText.\n", encoding="utf-8")
    (cases / "b.md").write_text("Plain.\n", encoding="utf-8")
    (cases / "notes.txt").write_text("not a case\n", encoding="utf-8")
    floor = bench.write_floor_project(tmp_path / "floor", cases)
    config = yaml.safe_load((floor / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"] == {"name": "material", "font": False}
    assert config["nav"] == ["index.md"]
    assert config["not_in_nav"].strip() == "/cases/*.md"
    assert "plugins" not in config and "hooks" not in config and "markdown_extensions" not in config
    docs = floor / config["docs_dir"]
    assert sorted(p.name for p in (docs / "cases").iterdir()) == ["a.md", "b.md"]
    assert (docs / "cases" / "a.md").read_bytes() == (cases / "a.md").read_bytes()
    assert (docs / "index.md").is_file()


def test_an_edit_adds_words_to_the_context_section() -> None:
    text = "---\nid: x\n---\n\n## Context\n\nFirst.\n\n## Context\n\nAgain.\n"
    assert edited(text, "New words.") == "---\nid: x\n---\n\n## Context\n\nNew words. First.\n\n## Context\n\nAgain.\n"
    with pytest.raises(ValueError):
        edited("## What they do\n\nText.\n", "New words.")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_memory_is_summed_over_every_process_a_build_starts() -> None:
    import subprocess
    import time

    # A child that starts a grandchild, each holding 100 MiB; the grandchild says when it holds it.
    hold = "import sys, time; x = b'x' * (100 * 2**20); print(flush=True); time.sleep(600)"
    parent = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {hold!r}]); {hold}"
    child = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None
        child.stdout.readline(), child.stdout.readline()  # both hold their memory now
        deadline = time.monotonic() + 60
        while bench.tree_rss(child.pid) < 200 * 2**20 and time.monotonic() < deadline:
            time.sleep(0.05)  # the pages are counted once the kernel has them resident
        assert bench.tree_rss(child.pid) >= 200 * 2**20
        assert bench.tree_rss(os.getpid()) >= bench.tree_rss(child.pid)
    finally:
        for pid in bench_children(child.pid):
            os.kill(pid, signal.SIGKILL)
        child.kill()
        child.wait(timeout=60)


def bench_children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/stat", encoding="utf-8") as stat:
                if name.isdigit() and int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(name))
        except OSError:
            continue
    return found
