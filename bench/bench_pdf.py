"""Time .docx → PDF for the seed report: our reportlab engine (warm process) vs LibreOffice.

Usage: python bench/bench_pdf.py [--runs N]
Prints the median of N runs for each route and the speed-up.  The PDF/A step
(make_pdfa) is included in both routes, as in ``docgen build``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--lo-runs", type=int, default=3)
    args = ap.parse_args()
    from docgen.build import build
    from docgen.pdf import docx_to_pdf, libreoffice

    with tempfile.TemporaryDirectory() as tmp:
        docx = build(SEED, out_dir=Path(tmp), pdf=False).docx
        first = docx_to_pdf(docx)  # warm-up: fonts resolved, converted, registered
        ours = median_time(lambda: docx_to_pdf(docx), args.runs)
        print(f"reportlab engine: {ours * 1000:.0f} ms median of {args.runs} "
              f"({first.pages} pages, warm process, PDF/A step included)")
        from docgen.pdf.docx_reader import read_docx
        from docgen.pdf.draw import draw_pages
        from docgen.pdf.layout import layout_document
        from docgen.pdf.metrics import get_fontbook

        book = get_fontbook()
        layout_only = median_time(
            lambda: draw_pages(layout_document(read_docx(docx), book).pages), args.runs)
        print(f"  of which read + layout + draw: {layout_only * 1000:.0f} ms; "
              f"PDF/A post-processing: {(ours - layout_only) * 1000:.0f} ms")
        if libreoffice.available():
            lo = median_time(lambda: docx_to_pdf(docx, engine="libreoffice"), args.lo_runs)
            print(f"LibreOffice:      {lo * 1000:.0f} ms median of {args.lo_runs}")
            print(f"speed-up:         {lo / ours:.1f}x")
        else:
            print("LibreOffice not installed: no comparison")


if __name__ == "__main__":
    main()
