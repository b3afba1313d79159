"""Benchmark: time and memory against document length, ours vs LibreOffice.

Generates synthetic data files of about 1, 10, 100 and 500 pages from the
seed report's structure (its meta, figures, checks and numbering; its
level-3 run-in items cycled under generated level-1/level-2 headings) and,
for each size, in a fresh process (so the peak memory is that size's):

* time to .docx: ``docgen.build(..., pdf=False)`` (load, number, render, write);
* time to PDF: ``docgen.pdf.docx_to_pdf`` on that .docx with our engine
  (layout + reportlab + PDF/A); pikepdf's PDF/A validator, which the engine
  runs only on request (``validate=True``, ``docgen pdf --validate``), is
  timed on its own;
* where LibreOffice is installed: ``soffice --convert-to pdf`` on the same
  .docx (``docgen.pdf.libreoffice.convert``), and the whole libreoffice
  engine (that plus the PDF/A step);
* peak memory (max RSS) of the process.

Plus the seed report itself: .docx + PDF/A in a warm process (the 0.3 s target).
Each time is the median of ``--runs`` runs after one warm-up run.  Prints a
Markdown table (for docs/performance.md) and, with ``--json``, raw numbers.

    python bench/bench_scaling.py                    # all sizes, 5 runs
    python bench/bench_scaling.py --sizes 1,10 --runs 3 --no-libreoffice

This is a benchmark, not a test: it asserts nothing and is not run by pytest.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
ITEMS_PER_SECTION = 3      # level-3 items under each generated level-2 heading
SECTIONS_PER_PART = 10     # level-2 headings under each generated level-1 heading


# --------------------------------------------------------------------------
# Synthetic data
# --------------------------------------------------------------------------


def seed_data() -> dict[str, Any]:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def run_in_items(body: list[Any]) -> list[dict[str, Any]]:
    """Every run-in heading (heading + text) of the seed body, without explicit levels."""
    found: list[dict[str, Any]] = []
    for node in body:
        if isinstance(node, dict):
            if "heading" in node and "text" in node:
                found.append({"heading": node["heading"], "text": node["text"]})
            found.extend(run_in_items(node.get("body") or []))
    return found


def synthetic(items: int, title: str) -> dict[str, Any]:
    """The seed with a body of ``items`` level-3 items (cycled), grouped under generated headings.

    The seed's opening paragraph comes first, except in the shortest documents (< 3 items).
    """
    data = copy.deepcopy(seed_data())
    pool = run_in_items(data["body"])
    intro = [data["body"][0]] if items >= 3 else []
    leaves = [dict(pool[i % len(pool)]) for i in range(items)]
    sections = [{"heading": f"第{n + 1}项重点工作", "body": leaves[i:i + ITEMS_PER_SECTION]}
                for n, i in enumerate(range(0, len(leaves), ITEMS_PER_SECTION))]
    parts = [{"heading": f"第{n + 1}方面工作成效", "body": sections[i:i + SECTIONS_PER_PART]}
             for n, i in enumerate(range(0, len(sections), SECTIONS_PER_PART))]
    data["body"] = [*intro, *parts]
    data["meta"]["title"] = title
    return data


def write_data(folder: Path, name: str, data: dict[str, Any]) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------
# One size, measured in a child process
# --------------------------------------------------------------------------


def timed(func: Callable[[], Any], runs: int) -> tuple[list[float], list[float], Any]:
    """Wall and CPU seconds of each of ``runs`` calls after one warm-up call; the last result.

    CPU time is this process's: right for our engine (one thread), not for
    LibreOffice (another process).
    """
    result = func()
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return walls, cpus, result


def median_time(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall seconds of ``runs`` calls after one warm-up call; also the last result."""
    walls, _, result = timed(func, runs)
    return statistics.median(walls), result


def measure(data_path: Path, runs: int, libreoffice: bool, lo_runs: int) -> dict[str, Any]:
    """All the numbers for one data file (run in a fresh process)."""
    from docgen import build  # noqa: PLC0415
    from docgen.build import archive_metadata  # noqa: PLC0415
    from docgen.load import load_document  # noqa: PLC0415
    from docgen.pdf import docx_to_pdf  # noqa: PLC0415
    from docgen.pdf.pdfa_finish import validate_pdfa  # noqa: PLC0415

    out = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    meta = archive_metadata(load_document(data_path).document)
    docx_s, result = median_time(lambda: build(data_path, out_dir=out, pdf=False), runs)
    pdf_s, pdf = median_time(lambda: docx_to_pdf(result.docx, metadata=meta), runs)
    validate_s, _ = median_time(lambda: validate_pdfa(pdf.data), runs)
    both, both_cpu, _ = timed(lambda: build(data_path, out_dir=out, pdf=True), runs)
    both_s = statistics.median(both)
    row: dict[str, Any] = {"pages": pdf.pages, "docx_s": docx_s, "pdf_s": pdf_s,
                           "validate_s": validate_s, "docx_pdf_s": both_s, "docx_pdf_best_s": min(both),
                           "docx_pdf_cpu_s": statistics.median(both_cpu),
                           "docx_kb": result.docx.stat().st_size / 1024,
                           "pdf_kb": len(pdf.data) / 1024}
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if libreoffice:
        from docgen.pdf import libreoffice as lo  # noqa: PLC0415

        if lo.available():
            row["lo_convert_s"], _ = median_time(lambda: lo.convert(result.docx), lo_runs)
            row["lo_engine_s"], _ = median_time(
                lambda: docx_to_pdf(result.docx, metadata=meta, engine="libreoffice"), lo_runs)
    return row


def measure_in_child(data_path: Path, runs: int, libreoffice: bool, lo_runs: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(data_path), "--runs", str(runs),
               "--lo-runs", str(lo_runs)]
    if not libreoffice:
        command.append("--no-libreoffice")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"measuring {data_path} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# Calibration: how many items make N pages
# --------------------------------------------------------------------------


def pages_of(items: int, folder: Path) -> int:
    from docgen import build  # noqa: PLC0415

    path = write_data(folder, f"calibrate-{items}.yaml", synthetic(items, f"校准{items}"))
    return build(path, out_dir=folder / "out", pdf=True).pages or 0


def items_for(pages: list[int], folder: Path) -> dict[int, int]:
    """Items giving about each page count (linear fit on two builds, then checked near 1 page)."""
    small, large = 3, 60
    p_small, p_large = pages_of(small, folder), pages_of(large, folder)
    per_page = (large - small) / max(p_large - p_small, 1)
    chosen = {}
    for target in pages:
        items = max(1, round(small + (target - p_small) * per_page))
        if target == 1:
            while items > 1 and pages_of(items, folder) > 1:
                items -= 1
        chosen[target] = items
    return chosen


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ("unknown CPU" where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def machine() -> str:
    cpu = cpu_model()
    import os  # noqa: PLC0415

    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{platform.platform()}, Python {platform.python_version()}, {cpu}, "
            f"{len(os.sched_getaffinity(0))} cores, {mem_gb:.0f} GB RAM, load average {load}")


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def markdown(rows: list[tuple[str, dict[str, Any]]]) -> str:
    head = ("| document | pages | .docx | PDF (ours) | PDF/A validation (optional) | .docx + PDF/A "
            "(best; CPU) | LibreOffice convert | LibreOffice engine | LO ÷ ours | peak memory |\n"
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    lines = []
    for name, r in rows:
        lo = r.get("lo_convert_s")
        ratio = f"{lo / r['pdf_s']:.1f}×" if lo else "—"
        lines.append(f"| {name} | {r['pages']} | {ms(r['docx_s'])} | {ms(r['pdf_s'])} | "
                     f"{ms(r['validate_s'])} | {ms(r['docx_pdf_s'])} ({ms(r['docx_pdf_best_s'])}; {ms(r['docx_pdf_cpu_s'])}) | {ms(lo)} | "
                     f"{ms(r.get('lo_engine_s'))} | {ratio} | {r['peak_mb']:.0f} MB |")
    return head + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,100,500", help="target page counts")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement (median)")
    parser.add_argument("--lo-runs", type=int, default=3, help="timed LibreOffice runs (median)")
    parser.add_argument("--no-libreoffice", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    libreoffice = not args.no_libreoffice
    if args.child:
        print(json.dumps(measure(args.child, args.runs, libreoffice, args.lo_runs)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"machine: {machine()}", file=sys.stderr)
    rows: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        folder = Path(tmp)
        print("seed report …", file=sys.stderr)
        rows.append(("seed report", measure_in_child(SEED, args.runs, libreoffice, args.lo_runs)))
        chosen = items_for(sizes, folder)
        for target in sizes:
            path = write_data(folder, f"synthetic-{target}.yaml",
                              synthetic(chosen[target], f"合成文档{target}页"))
            print(f"~{target} pages ({chosen[target]} items) …", file=sys.stderr)
            rows.append((f"synthetic ~{target} p", measure_in_child(path, args.runs, libreoffice,
                                                                     args.lo_runs)))
    print(f"\nMachine: {machine()}\n")
    print(markdown(rows))
    by_pages = {r["pages"]: r for _, r in rows[1:]}
    ten = next((r for _, r in rows[1:] if 8 <= r["pages"] <= 12), None)
    big = max((r for _, r in rows[1:]), key=lambda r: r["pages"], default=None)
    if ten and big and big is not ten:
        ratio = big["docx_pdf_s"] / ten["docx_pdf_s"]
        print(f"\nlinearity: {big['pages']} pages took {ratio:.1f}× the {ten['pages']}-page time "
              f"(pages ratio {big['pages'] / ten['pages']:.1f}×)")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "rows": rows,
                                         "pages": sorted(by_pages)}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
