"""Benchmark: ``docgen import`` of the seed report's .docx, and ``--rows`` over 200 rows.

1. Builds the seed (data/2022-如东县法治政府建设情况报告.yaml) to a .docx once, then times
   :func:`docgen.importer.import_document` on it in this process: the first (cold) call and the
   median and best of ``--runs`` warm calls (target: under 0.5 s warm).  Also the web copy
   (tests/fixtures/seed_webcopy.txt).
2. With ``--rows N`` (default 200; 0 skips it): a notice and an N-row .xlsx, built through
   ``docgen build DATA --rows 名单.xlsx`` (the real command, jobs = cores), .docx + PDF/A, and
   again with ``--no-pdf``: wall time, documents per second.

    python bench/bench_import.py                  # import timing + 200 rows with PDFs
    python bench/bench_import.py --rows 0         # import timing only

A benchmark, not a test: it asserts nothing and is not run by pytest.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
WEBCOPY = ROOT / "tests" / "fixtures" / "seed_webcopy.txt"
NOTICE = """template: notice
meta:
  title: 如东县应急管理局关于限期整改安全隐患的通知
  issuer: 如东县应急管理局
  doc_number: 东应急〔2023〕1号
  year: 2023
  date: 2023-06-01
  recipients: [某企业]
figures:
  企业名称: 某企业
  隐患数量: 3
body:
  - 经检查，{{ figures.企业名称 }}存在安全隐患{{ figures.隐患数量 }}处，请于30日内整改完毕。
"""


def time_import(path: Path, runs: int) -> tuple[float, float, float]:
    from docgen.importer import import_document

    started = time.perf_counter()
    import_document(path)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        import_document(path)
        warm.append(time.perf_counter() - started)
    return cold, statistics.median(warm), min(warm)


def time_rows(folder: Path, count: int, pdf: bool) -> float:
    import openpyxl

    data = folder / "通知.yaml"
    data.write_text(NOTICE, encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["企业名称", "主送机关", "隐患数量", "发文字号", "成文日期"])
    for i in range(1, count + 1):
        sheet.append([f"如东第{i}公司", f"如东第{i}公司", i % 9 + 1, f"东应急〔2023〕{i}号",
                      _dt.date(2023, 6, 1)])
    book.save(folder / "名单.xlsx")
    out = folder / ("out-pdf" if pdf else "out-docx")
    cmd = [sys.executable, "-m", "docgen", "build", str(data), "--rows", str(folder / "名单.xlsx"),
           "--out", str(out)] + ([] if pdf else ["--no-pdf"])
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    made = len(list(out.glob("*.docx")))
    assert made == count, f"{made} documents for {count} rows"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from docgen.build import build

    print(f"load average: {os.getloadavg()}", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx_path = build(SEED, out_dir=folder, pdf=False).docx
        print("| input | cold (s) | warm median (s) | warm best (s) |")
        print("| --- | --- | --- | --- |")
        for name, path in (("seed .docx", docx_path), ("seed web copy .txt", WEBCOPY)):
            cold, median, best = time_import(path, args.runs)
            print(f"| {name} | {cold:.3f} | {median:.3f} | {best:.3f} |")
        if args.rows:
            print()
            print("| --rows | documents | wall (s) | documents/s |")
            print("| --- | --- | --- | --- |")
            for pdf in (False, True):
                seconds = time_rows(folder, args.rows, pdf)
                print(f"| {'.docx + PDF/A' if pdf else '.docx only'} | {args.rows} | {seconds:.1f} | "
                      f"{args.rows / seconds:.1f} |")
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)


if __name__ == "__main__":
    main()
