"""Benchmark: batch throughput — N seed-sized documents through ``docgen build``.

Writes N copies of the seed data (each with its own title, so N different
outputs) into a temporary folder and times the real command a user types,
``python -m docgen build FOLDER --out OUT --jobs J`` (process start-up,
imports, worker pool and the final writes included), as the median of
``--runs`` runs per job count.  Also reports documents per second and the
CPU time of all its processes (on a machine shared with other work the
wall time grows but the CPU time hardly does: CPU time ÷ jobs is what the wall
time would be on idle cores), and the largest resident memory of any process
of the run (the CLI or a worker).

    python bench/bench_batch.py                      # 200 documents, .docx + PDF/A, jobs = cores
    python bench/bench_batch.py --count 50 --jobs 1,2 --runs 1 --no-pdf

This is a benchmark, not a test: it asserts nothing and is not run by pytest.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
SEED_TITLE = "2022年如东县法治政府建设情况报告"


def write_copies(folder: Path, count: int) -> None:
    """``count`` seed copies whose titles (hence output names) all differ."""
    text = SEED.read_text(encoding="utf-8")
    assert f"title: {SEED_TITLE}" in text
    for i in range(count):
        title = f"2022年第{i + 1:03d}区法治政府建设情况报告"
        (folder / f"{i + 1:03d}.yaml").write_text(
            text.replace(f"title: {SEED_TITLE}", f"title: {title}", 1), encoding="utf-8")


def run_once(data: Path, out: Path, jobs: int, pdf: bool) -> tuple[float, float, float]:
    """Wall seconds of one ``docgen build`` run, its CPU seconds (all processes), largest RSS (MB)."""
    command = [sys.executable, "-m", "docgen", "build", str(data), "--out", str(out),
               "--jobs", str(jobs)]
    if not pdf:
        command.append("--no-pdf")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"docgen build failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu, after.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200, help="documents per batch (default 200)")
    parser.add_argument("--jobs", default=str(len(os.sched_getaffinity(0))),
                        help="comma-separated job counts to try (default: the number of cores)")
    parser.add_argument("--runs", type=int, default=3, help="runs per job count (median)")
    parser.add_argument("--no-pdf", action="store_true", help="only .docx")
    args = parser.parse_args(argv)
    pdf = not args.no_pdf
    rows = []
    with tempfile.TemporaryDirectory(prefix="docgen-bench-batch-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        write_copies(data, args.count)
        for jobs in (int(j) for j in args.jobs.split(",") if j):
            times, cpus = [], []
            for run in range(args.runs):
                out = Path(tmp) / f"out-{jobs}-{run}"
                seconds, cpu, peak = run_once(data, out, jobs, pdf)
                made = len(list(out.glob("*.pdf" if pdf else "*.docx")))
                if made != args.count:
                    raise SystemExit(f"expected {args.count} outputs, found {made}")
                print(f"jobs={jobs} run {run + 1}: {seconds:.1f} s", file=sys.stderr)
                times.append(seconds)
                cpus.append(cpu)
            median = statistics.median(times)
            rows.append((jobs, median, args.count / median, statistics.median(cpus), peak))
    what = ".docx + PDF/A" if pdf else ".docx only"
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{args.count} seed-sized documents ({what}), median of {args.runs} runs, "
          f"load average after: {load}\n")
    print("| jobs | wall time | documents / s | CPU time (all processes) | CPU per document | "
          "CPU ÷ jobs (wall time on idle cores) | largest process |\n"
          "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for jobs, median, rate, cpu, peak in rows:
        print(f"| {jobs} | {median:.1f} s | {rate:.1f} | {cpu:.1f} s | {cpu / args.count * 1000:.0f} ms "
              f"| {cpu / jobs:.1f} s | {peak:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
