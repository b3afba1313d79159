"""Time the seed report: .docx + PDF/A build, our engine's stages, and LibreOffice.

Usage: python bench/bench_pdf.py [--runs N] [--lo-runs N]
Prints a table of medians (and best runs: the machine may be shared) in a warm
process: the whole ``build`` (.docx + PDF/A), ``docx_to_pdf`` and its stages
(read, layout, draw, PDF/A finishing), the optional PDF/A validation, and
LibreOffice converting the same .docx (PDF/A step included, as
``--pdf-engine libreoffice`` does).  Targets: build < 0.3 s, our route at
least 5x faster than LibreOffice.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"


def timed(fn, runs: int) -> tuple[float, float]:
    """(median, best) seconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def row(label: str, median: float, best: float, runs: int) -> None:
    print(f"| {label:<42} | {median * 1000:8.0f} | {best * 1000:8.0f} | {runs:4d} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--lo-runs", type=int, default=3)
    args = ap.parse_args()
    from docgen.build import build
    from docgen.pdf import docx_to_pdf, libreoffice
    from docgen.pdf.docx_reader import read_docx
    from docgen.pdf.draw import draw_pages
    from docgen.pdf.layout import layout_document
    from docgen.pdf.metrics import DocumentFonts, get_fontbook
    from docgen.pdf.pdfa import ArchiveMetadata
    from docgen.pdf.pdfa_finish import make_pdfa, validate_pdfa

    n = args.runs
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        first = build(SEED, out_dir=out, force=True)  # warm-up: fonts resolved and registered
        docx = first.docx
        print(f"seed report: {first.pages} pages; warm process; times in ms\n")
        print(f"| {'step':<42} | {'median':>8} | {'best':>8} | {'runs':>4} |")
        print(f"|{'-' * 44}|{'-' * 10}|{'-' * 10}|{'-' * 6}|")
        row("build: .docx + PDF/A (docgen build)", *timed(
            lambda: build(SEED, out_dir=out, force=True), n), n)
        row("build: .docx only (--no-pdf)", *timed(
            lambda: build(SEED, out_dir=out, force=True, pdf=False), n), n)
        ours = timed(lambda: docx_to_pdf(docx), n)
        row("docx_to_pdf (reportlab engine, PDF/A)", *ours, n)
        doc = read_docx(docx)
        layout = layout_document(doc, DocumentFonts(get_fontbook()))
        raw = draw_pages(layout.pages)
        meta = ArchiveMetadata(title=docx.stem)
        row("  read .docx", *timed(lambda: read_docx(docx), n), n)
        row("  layout", *timed(
            lambda: layout_document(doc, DocumentFonts(get_fontbook())), n), n)
        row("  draw (reportlab)", *timed(lambda: draw_pages(layout.pages), n), n)
        row("  PDF/A finishing (make_pdfa)", *timed(lambda: make_pdfa(raw, meta), n), n)
        pdfa = make_pdfa(raw, meta)
        row("validate_pdfa (only with --validate)", *timed(lambda: validate_pdfa(pdfa), 3), 3)
        if libreoffice.available():
            lo = timed(lambda: docx_to_pdf(docx, engine="libreoffice"), args.lo_runs)
            row("LibreOffice engine (PDF/A step included)", *lo, args.lo_runs)
            print(f"\nspeed-up over LibreOffice: {lo[0] / ours[0]:.1f}x (medians), "
                  f"{lo[1] / ours[1]:.1f}x (best runs)")
        else:
            print("\nLibreOffice not installed: no comparison")


if __name__ == "__main__":
    main()
