"""Benchmark the site build on synthetic corpora of 100, 1,000 and 10,000 cases, and check the budgets."""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from atlas.render import render_site
from atlas.synthetic import write_corpus
from atlas.validate import load_atlas, load_framework

ROOT = Path(__file__).resolve().parent.parent

# Runs one build in a fresh interpreter and prints its wall time and peak memory as JSON.
CHILD = """
import json, logging, resource, sys, time
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
project, site, edit = sys.argv[1], sys.argv[2], sys.argv[3]
config = load_config(str(Path(project) / "mkdocs.yml"), site_dir=site)
start = time.perf_counter()
build(config)
seconds = time.perf_counter() - start
rebuild = None
if edit:
    path = Path(edit)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Context", "## Context\\n\\nEdited.", 1), encoding="utf-8")
    config = load_config(str(Path(project) / "mkdocs.yml"), site_dir=site)
    start = time.perf_counter()
    build(config)
    rebuild = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kib": peak, "rebuild": rebuild}))
"""


@dataclass(frozen=True)
class Result:
    """The measurements of one corpus size."""

    cases: int
    seconds: float
    peak_mib: float
    output_mib: float
    largest_case_kib: float
    search_raw_mib: float
    search_gzip_mib: float
    rebuild: float | None

    @property
    def per_case_ms(self) -> float:
        """Build milliseconds per case."""
        return 1000 * self.seconds / self.cases


def make_project(dest: Path, count: int, hooks: bool) -> Path:
    """A copy of the site with ``count`` synthetic cases; with ``hooks=False`` the pages are pre-rendered."""
    dest.mkdir(parents=True)
    # The real cases come too: the guide pages link to them. Synthetic ones make up the count.
    for part in ("docs", "framework", "hooks", "atlas", "cases", "overrides"):
        shutil.copytree(ROOT / part, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
    framework, problems = load_framework(ROOT / "framework", ROOT)
    assert framework is not None, problems
    write_corpus(dest / "cases", count - len(list((ROOT / "cases").glob("*.md"))), framework)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if not hooks:
        atlas, problems = load_atlas(dest)
        assert atlas is not None, problems
        for path, text in render_site(atlas).items():
            (dest / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
            (dest / "docs" / path).write_text(text, encoding="utf-8")
        config = config.replace("hooks:\n  - hooks/atlas_pages.py\n", "")
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


def run_build(project: Path, site: Path, edit: Path | None = None) -> dict[str, float]:
    """Build once in a fresh interpreter and return its measurements."""
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(project), str(site), str(edit or "")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"build failed for {project}:\n{run.stderr[-3000:]}")
    result: dict[str, float] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def measure(work: Path, count: int, runs: int, rebuild: bool) -> Result:
    """Median build time over ``runs`` builds of ``count`` cases, with output sizes."""
    project = make_project(work / f"on-{count}", count, hooks=True)
    site = work / f"site-{count}"
    timings = [run_build(project, site) for _ in range(runs)]
    rebuilt = None
    if rebuild:
        edited = run_build(project, site, edit=project / "cases" / "synthetic-case-00000.md")
        rebuilt = edited["rebuild"]
    case_pages = list((site / "cases").glob("*/index.html"))
    index = (site / "search" / "search_index.json").read_bytes()
    result = Result(
        cases=count,
        seconds=statistics.median(t["seconds"] for t in timings),
        peak_mib=max(t["peak_kib"] for t in timings) / 1024,
        output_mib=sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20,
        largest_case_kib=max(p.stat().st_size for p in case_pages) / 1024,
        search_raw_mib=len(index) / 2**20,
        search_gzip_mib=len(gzip.compress(index, mtime=0)) / 2**20,
        rebuild=rebuilt,
    )
    shutil.rmtree(project)
    return result


def main(argv: list[str] | None = None) -> int:
    """Build synthetic corpora, print the table and the budget verdicts; exit 1 if a budget fails."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="100 and 400 cases, one run each, no rebuild: a check, not the budgets"
    )
    parser.add_argument("--runs", type=int, default=3, help="builds per size; the median is reported (default 3)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000], help="corpus sizes")
    args = parser.parse_args(argv)
    sizes = [100, 400] if args.quick else sorted(args.sizes)
    runs = 1 if args.quick else args.runs
    # The budgets are set at 1,000 cases; --quick checks the same ratios at 400 to stay near a minute.
    reference = 400 if args.quick else 1000
    if reference not in sizes:
        parser.error(f"the sizes must include {reference}, the size the budgets are set at")

    with tempfile.TemporaryDirectory(prefix="atlas-bench-") as tmp:
        work = Path(tmp)
        results = {n: measure(work, n, runs if n <= 1000 else 1, rebuild=n == 1000) for n in sizes}
        off = make_project(work / "off", reference, hooks=False)
        on = make_project(work / "on", reference, hooks=True)
        # Interleave hooks-on and hooks-off builds so both see the same machine load.
        pairs = [
            (run_build(on, work / "s-on")["seconds"], run_build(off, work / "s-off")["seconds"]) for _ in range(runs)
        ]
    on_median = statistics.median(p[0] for p in pairs)
    off_median = statistics.median(p[1] for p in pairs)
    ratio = on_median / off_median

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; median of {runs} run(s) (10,000: one run)\n")
    print("| cases | build s | ms/case | peak MiB | output MiB | largest case KiB | search MiB | search gzip MiB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results.values():
        print(
            f"| {r.cases:,} | {r.seconds:.2f} | {r.per_case_ms:.2f} | {r.peak_mib:.0f} | {r.output_mib:.1f} | "
            f"{r.largest_case_kib:.1f} | {r.search_raw_mib:.2f} | {r.search_gzip_mib:.2f} |"
        )
    print(f"\nhooks on / hooks off at {reference:,} cases: {on_median:.2f} s / {off_median:.2f} s = {ratio:.3f}")
    base = results[reference]
    if base.rebuild is not None:
        print(f"rebuild after editing one case at {reference:,} cases: {base.rebuild:.2f} s")
    print()
    gzip_ok = base.search_gzip_mib * 2**20 <= 1.5e6
    verdicts = [
        (f"hooks-on / hooks-off at {reference:,} <= 1.15", ratio <= 1.15, f"{ratio:.3f}"),
        (f"search index at {reference:,} <= 1.5 MB gzip", gzip_ok, f"{base.search_gzip_mib:.2f} MiB"),
    ]
    if 10000 in results:
        growth = results[10000].per_case_ms / base.per_case_ms
        verdicts.append(("time per case at 10,000 within 1.3x of 1,000", growth <= 1.3, f"{growth:.2f}x"))
    if 100 in results and max(sizes) > 100:
        biggest = results[max(sizes)]
        growth = biggest.largest_case_kib / results[100].largest_case_kib
        verdicts.append((f"largest case page at {max(sizes):,} within 1.1x of 100", growth <= 1.1, f"{growth:.2f}x"))
    for name, ok, value in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {value}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
