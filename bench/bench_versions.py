"""Warm ``build()`` of one data file by two checkouts of docgen, interleaved.

Usage: python bench/bench_versions.py OLD_CHECKOUT [--runs N] [--data FILE]

Each checkout gets one warm worker process (its own ``src/`` first on
``sys.path``, the same virtualenv for the libraries).  The workers build in
turn, one build each per round, so machine load hits both alike; the medians
of wall and CPU time are printed with their ratio.  This is how the "no slower
than before" promises of the issues are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = Path("data") / "2022-如东县法治政府建设情况报告.yaml"

WORKER = r"""
import json, sys, time, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1] + "/src")
import importlib
b = importlib.import_module("docgen.build")
assert b.__file__.startswith(sys.argv[1]), b.__file__
data = Path(sys.argv[1]) / sys.argv[2]
out = Path(tempfile.mkdtemp())
b.build(data, out_dir=out, force=True)
for line in sys.stdin:
    t, c = time.perf_counter(), time.process_time()
    b.build(data, out_dir=out, force=True)
    print(json.dumps([time.perf_counter() - t, time.process_time() - c]), flush=True)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("old", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--data", type=Path, default=SEED)
    args = ap.parse_args()
    checkouts = {"old": args.old.resolve(), "new": ROOT}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with tempfile.TemporaryDirectory() as tmp:
        workers = {
            name: subprocess.Popen([sys.executable, "-c", WORKER, str(path), str(args.data)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   cwd=tmp, env=env)
            for name, path in checkouts.items()
        }
        times: dict[str, list[list[float]]] = {name: [] for name in workers}
        for _ in range(args.runs):
            for name, proc in workers.items():
                assert proc.stdin and proc.stdout
                proc.stdin.write("go\n")
                proc.stdin.flush()
                times[name].append(json.loads(proc.stdout.readline()))
        for proc in workers.values():
            assert proc.stdin
            proc.stdin.close()
            proc.wait()
    med = {n: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v))
           for n, v in times.items()}
    print(f"load average {os.getloadavg()[0]:.2f}, {args.runs} interleaved builds of {args.data}")
    for name, (wall, cpu) in med.items():
        print(f"  {name}: wall {wall * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms  ({checkouts[name]})")
    print(f"  new/old: wall {med['new'][0] / med['old'][0]:.2f}, CPU {med['new'][1] / med['old'][1]:.2f}")


if __name__ == "__main__":
    main()
