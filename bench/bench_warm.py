"""Warm ``docgen.build`` of the seed and of the 通知 sample (which plans its 版记 page).

Usage: python bench/bench_warm.py [--runs N]
Prints, per document, the median wall and CPU (process) time of N builds in one
warm process, the builds of the documents interleaved so that machine load hits
them alike.  The CPU time is the number to compare on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = {
    "seed (report, 11 pages)": ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml",
    "notice (版记 planning)": ROOT / "data" / "notice-示例.yaml",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    from docgen.build import build

    wall: dict[str, list[float]] = {k: [] for k in DOCS}
    cpu: dict[str, list[float]] = {k: [] for k in DOCS}
    with tempfile.TemporaryDirectory() as tmp:
        for path in DOCS.values():
            build(path, out_dir=Path(tmp), force=True)  # warm-up
        for _ in range(args.runs):
            for name, path in DOCS.items():
                t, c = time.perf_counter(), time.process_time()
                build(path, out_dir=Path(tmp), force=True)
                wall[name].append(time.perf_counter() - t)
                cpu[name].append(time.process_time() - c)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.runs} runs each\n")
    print("| document | wall median | CPU median | CPU best |")
    print("| --- | ---: | ---: | ---: |")
    for name in DOCS:
        print(f"| {name} | {statistics.median(wall[name]) * 1000:.0f} ms | "
              f"{statistics.median(cpu[name]) * 1000:.0f} ms | {min(cpu[name]) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
