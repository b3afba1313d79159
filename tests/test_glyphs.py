"""Every character drawn or named: per-glyph font fallback, □ and a warning for the rest.

Documents are made here with python-docx in the fonts the templates use and
converted with ``docgen pdf``; the PDFs are read back with pdftotext and their
content streams decoded to glyph ids (no .notdef may be drawn).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

sys.path.insert(0, str(Path(__file__).parent))
from pdf_glyphs import count_notdef  # noqa: E402

NAMES = "喆堃赟玥镕珺昇犇祎䶮𬌗𫖮𬱖𡒄"
SYMBOLS = "①②«»£É"
WINGDINGS_CHECK = "\u2713"  # Wingdings F0FC
SYMBOL_BULLET = "\u2022"  # Symbol F0B7


def make_docx(path: Path, paragraphs: list[tuple[str, str, bool]], syms=()) -> Path:
    """Paragraphs of (text, East Asian font, bold); ``syms``: (font, char code) w:sym runs."""
    doc = Document()
    for text, east, bold in paragraphs:
        run = doc.add_paragraph().add_run(text)
        run.bold = bold
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), east)
        fonts.set(qn("w:ascii"), "Times New Roman")
        fonts.set(qn("w:hAnsi"), "Times New Roman")
    if syms:
        p = doc.add_paragraph()
        for font, code in syms:
            sym = p.add_run()._element.makeelement(qn("w:sym"), {qn("w:font"): font,
                                                                   qn("w:char"): code})
            p.runs[-1]._element.append(sym)
    doc.save(path)
    return path


def docgen_pdf(docx: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docgen", "pdf", str(docx), *args],
                          capture_output=True, text=True, timeout=300)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_rare_name_characters_and_symbols_are_all_drawn(tmp_path):
    text = f"姓名：{NAMES}，符号：{SYMBOLS}。"
    docx = make_docx(tmp_path / "names.docx", [
        (text, "仿宋_GB2312", False), (text, "黑体", False), (text, "楷体_GB2312", False),
        (text, "方正小标宋简体", True), (text, "微软雅黑", False),
    ], syms=[("Wingdings", "F0FC"), ("Symbol", "F0B7")])
    run = docgen_pdf(docx)
    assert run.returncode == 0, run.stderr
    assert "本机没有任何字体" not in run.stderr
    pdf = tmp_path / "names.pdf"
    out = pdf_text(pdf)
    for ch in NAMES + SYMBOLS + WINGDINGS_CHECK + SYMBOL_BULLET:
        assert out.count(ch) >= (1 if ch in WINGDINGS_CHECK + SYMBOL_BULLET else 5), (ch, out)
    notdef, glyphs = count_notdef(pdf.read_bytes())
    assert glyphs > 5 * len(text) and notdef == 0


@pytest.mark.parametrize("ch", ["\ue000", "\U0003ffff"])
def test_a_character_no_font_has_is_named_and_strict_refuses(tmp_path, ch):
    docx = make_docx(tmp_path / "gap.docx", [("第一段。", "仿宋_GB2312", False),
                                             (f"这里有{ch}一个字。", "仿宋_GB2312", False)])
    run = docgen_pdf(docx)
    assert run.returncode == 0, run.stderr
    code = f"U+{ord(ch):04X}"
    line = next(ln for ln in run.stderr.splitlines() if code in ln)
    assert ch in line and "正文第2段" in line and "第1页" in line
    pdf = tmp_path / "gap.pdf"
    assert "这里有□一个字" in pdf_text(pdf)
    assert count_notdef(pdf.read_bytes())[0] == 0
    pdf.unlink()
    strict = docgen_pdf(docx, "--strict")
    assert strict.returncode == 1 and code in strict.stderr
    assert not pdf.exists()


def test_extension_f_character_from_a_1024_unit_font_stays_valid_pdfa(tmp_path):
    """U+2DC67 comes from HanaMinB (1024 units per em, a short hmtx): the embedded widths
    must agree with the W array (PDF/A-2b 6.2.11.5) — reportlab 5 wrote them scaled."""
    from docgen.pdf import docx_to_pdf
    from docgen.pdf.pdfa_finish import validate_pdfa

    docx = make_docx(tmp_path / "extf.docx", [("字\U0002dc67字", "仿宋_GB2312", False)])
    result = docx_to_pdf(docx)
    assert validate_pdfa(result.data) == []
    (tmp_path / "extf.pdf").write_bytes(result.data)
    assert "\U0002dc67" in pdf_text(tmp_path / "extf.pdf")


def test_symbol_codes_of_a_hansi_only_symbol_run_are_mapped(tmp_path):
    """Word keeps a private-use character in the w:hAnsi font: a run with ascii Times New
    Roman and hAnsi Wingdings/Symbol (corpus 126_Symbols) shows ✓ and α, not □."""
    doc = Document()
    p = doc.add_paragraph()
    for font, text in (("Wingdings", "\uf0fc"), ("Symbol", "\uf061"), ("Wingdings", "A")):
        run = p.add_run(text)
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:ascii"), "Times New Roman")
        fonts.set(qn("w:hAnsi"), font)
    docx = tmp_path / "hansi.docx"
    doc.save(docx)
    run = docgen_pdf(docx)
    assert run.returncode == 0, run.stderr
    assert "本机没有任何字体" not in run.stderr
    assert "\u2713\u03b1A" in pdf_text(tmp_path / "hansi.pdf")  # ASCII keeps the ascii font
