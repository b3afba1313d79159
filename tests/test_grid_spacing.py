"""A template whose body style's line spacing was changed: the PDF spaces the lines as Word
does on a lines-only document grid (docgen.pdf.grid), and the .docx says so for the other
editors (styles spaced off the pitch get w:snapToGrid=0), so LibreOffice agrees."""

from __future__ import annotations

import io
import shutil
import statistics
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from docgen.build import build
from docgen.roles import Role, style_roles

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PITCH = 579 / 20  # the shipped grid


def restyled(tmp: Path, line: int, rule: str) -> Path:
    """report.docx with the body style (公文正文, found by name) given this spacing."""
    src = ROOT / "templates" / "report.docx"
    body_id = style_roles(src.read_bytes()).id_of(Role.BODY)
    out = tmp / f"report-{rule}-{line}.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/styles.xml":
                root = etree.fromstring(data)
                style = root.find(f".//{{{W}}}style[@{{{W}}}styleId='{body_id}']")
                spacing = style.find(f"{{{W}}}pPr/{{{W}}}spacing")
                spacing.set(f"{{{W}}}line", str(line))
                spacing.set(f"{{{W}}}lineRule", rule)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(info, data)
    return out


def body_pitch(pdf_bytes: bytes) -> float:
    """The median distance between consecutive 16-pt body baselines on pages 2-4."""
    gaps = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages[1:4]:
            bases = sorted({round(c["matrix"][5], 2) for c in page.chars
                            if abs(c["size"] - 16) < 0.3 and c["text"].strip()
                            and c["top"] < (37 + 225) * 72 / 25.4}, reverse=True)
            gaps += [a - b for a, b in zip(bases, bases[1:], strict=False)]
    return statistics.median(gaps)


def snap_off(docx: Path) -> bool:
    body_id = style_roles(docx.read_bytes()).id_of(Role.BODY)
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/styles.xml"))
    el = root.find(f".//{{{W}}}style[@{{{W}}}styleId='{body_id}']/{{{W}}}pPr/{{{W}}}snapToGrid")
    return el is not None and el.get(f"{{{W}}}val") == "0"


@pytest.mark.parametrize(("line", "rule", "pitch", "unsnapped"), [
    (579, "exact", PITCH, False),  # as shipped: the grid
    (600, "exact", 30.0, True),  # exact: used as it is, never snapped
    (480, "exact", 24.0, True),  # also below the pitch
    (720, "atLeast", 36.0, True),  # at least more than the pitch: used as it is
    (400, "atLeast", PITCH, False),  # at least less than the pitch: the grid wins
    (360, "auto", 1.5 * PITCH, False),  # 1.5 lines: 1.5 grid pitches
])
def test_body_spacing_on_the_grid(tmp_path: Path, line: int, rule: str, pitch: float,
                                  unsnapped: bool) -> None:
    template = restyled(tmp_path, line, rule)
    result = build(SEED, template=template, out_dir=tmp_path / "out")
    assert body_pitch(result.pdf.read_bytes()) == pytest.approx(pitch, abs=0.05)
    assert snap_off(result.docx) == unsnapped


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize(("line", "rule", "pitch"), [(600, "exact", 30.0), (720, "atLeast", 36.0)])
def test_libreoffice_spaces_the_docx_as_word(tmp_path: Path, line: int, rule: str,
                                             pitch: float) -> None:
    from docgen.pdf import libreoffice

    result = build(SEED, template=restyled(tmp_path, line, rule), out_dir=tmp_path / "out",
                   pdf=False)
    assert body_pitch(libreoffice.convert(result.docx)) == pytest.approx(pitch, abs=0.05)
