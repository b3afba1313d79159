"""Shared helpers for the format tests: build a sample with build(), measure PDFs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from docgen.build import build

ROOT = Path(__file__).resolve().parents[1]
MM = 72 / 25.4
TEXT_TOP_MM, TEXT_BOTTOM_MM, LEFT_MM, RIGHT_MM = 37.0, 262.0, 28.0, 184.0


def build_sample(name: str, out: Path, engine: str = "reportlab") -> tuple[Path, Path]:
    """data/<name>-示例.yaml -> the .docx and PDF that `docgen build` writes with ``engine``.

    The page planning (版记 on an even last page) measures pages with the same engine.
    """
    data = ROOT / "data" / f"{name}-示例.yaml"
    result = build(data, out_dir=out / engine, pdf=True, pdf_engine=engine)
    assert not [w for w in result.warnings if "版记" in w.message], result.warnings
    assert result.pdf is not None
    return result.docx, result.pdf


@dataclass
class Line:
    text: str
    top: float  # mm from the page top (em box)
    bottom: float
    x0: float
    x1: float
    size: float
    color: tuple


EM_ASCENT, EM_DESCENT = 0.88, 0.12  # the ideographic em box around the baseline


def text_lines(page) -> list[Line]:
    """Lines of text with their em boxes measured from the baseline.

    pdfplumber's own ``top`` depends on the /Descent each PDF writer puts in its
    font descriptors (LibreOffice writes 0, reportlab the font's), so the same
    glyph would read at different heights; the baseline does not.
    """
    rows: dict[float, list] = {}
    for ch in page.chars:
        baseline = page.height - ch["matrix"][5]
        rows.setdefault(round(baseline, 0), []).append(ch)
    out = []
    for _row, chars in sorted(rows.items()):
        chars.sort(key=lambda c: c["x0"])
        size = chars[0]["size"]
        base = page.height - chars[0]["matrix"][5]
        out.append(Line("".join(c["text"] for c in chars), (base - EM_ASCENT * size) / MM,
                        (base + EM_DESCENT * size) / MM, chars[0]["x0"] / MM, chars[-1]["x1"] / MM,
                        size, tuple(chars[0].get("non_stroking_color") or ())))
    return out


def find(lines: list[Line], needle: str) -> Line:
    hits = [ln for ln in lines if needle in ln.text]
    assert hits, f"{needle!r} not in {[ln.text for ln in lines]}"
    return hits[0]


@dataclass
class Rule:
    x0: float
    x1: float
    y: float  # mm
    width: float  # pt
    color: tuple


def rules(page) -> list[Rule]:
    """Horizontal lines (deduplicated), in mm."""
    seen = {}
    for obj in page.lines:
        if abs(obj["top"] - obj["bottom"]) > 0.5:
            continue
        key = (round(obj["x0"] / MM, 1), round(obj["x1"] / MM, 1), round(obj["top"] / MM, 2))
        seen[key] = Rule(obj["x0"] / MM, obj["x1"] / MM, obj["top"] / MM, obj.get("linewidth") or 0,
                         tuple(obj.get("stroking_color") or ()))
    return sorted(seen.values(), key=lambda r: r.y)


def red(color: tuple) -> bool:
    return len(color) == 3 and color[0] > 0.9 and color[1] < 0.1 and color[2] < 0.1


def page_number(page) -> str | None:
    """The “— n —” text in the footer area, or None."""
    foot = [ln for ln in text_lines(page) if ln.top > TEXT_BOTTOM_MM + 1]
    for ln in foot:
        if ln.text.startswith("—"):
            return ln.text
    return None


def open_pdf(path: Path):
    return pdfplumber.open(path)
