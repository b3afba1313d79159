"""The page number's dash sits 7 mm below the text block (GB/T 9704-2012 §7.5).

Measured on the pixels: the footer is rendered at 600 dpi with pdftoppm and
the em dash's stroke is found in the columns where pdfplumber says the dash
is.  Both engines, so the .docx is right and not only our PDF.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from docgen.build import build

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
MM = 72 / 25.4
DPI = 600
TEXT_BOTTOM_MM = 297 - 35

ENGINES = ["reportlab", pytest.param("libreoffice", marks=pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice not installed"))]


def dash_stroke_mm(pdf: Path, page_no: int) -> tuple[float, float]:
    """(top, bottom) of the left dash's stroke on page ``page_no`` (1-based), mm from the top."""
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[page_no - 1]
        dash = next(c for c in page.chars if c["text"] == "—" and c["top"] > TEXT_BOTTOM_MM * MM)
    px = DPI / 72
    x, y = int(dash["x0"] * px) + 2, int(dash["top"] * px) - 20
    w, h = int((dash["x1"] - dash["x0"]) * px) - 4, int((dash["bottom"] - dash["top"]) * px) + 40
    ppm = subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", str(page_no), "-l", str(page_no), "-gray",
         "-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf)],
        capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(ppm))
    pixels = image.load()
    rows = [r for r in range(image.height) if any(pixels[c, r] < 128 for c in range(image.width))]
    assert rows, "no dash drawn"
    to_mm = 25.4 / DPI
    return (y + rows[0]) * to_mm, (y + rows[-1] + 1) * to_mm


@pytest.mark.parametrize("engine", ENGINES)
def test_dash_is_seven_mm_below_the_text_block(engine: str, tmp_path: Path) -> None:
    result = build(SEED, out_dir=tmp_path, pdf_engine=engine)
    for page_no in (1, 2):  # an odd and an even page
        top, bottom = dash_stroke_mm(result.pdf, page_no)
        assert top - TEXT_BOTTOM_MM == pytest.approx(7.0, abs=0.3), (engine, page_no, top)
        assert bottom - top < 0.5  # a thin stroke: we measured the dash, not a digit
