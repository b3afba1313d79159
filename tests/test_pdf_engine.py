"""The .docx → PDF engine on hand-made GB/T 9704 documents, checked on the PDF itself."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from pdf_fixtures import FONT, gb_docx, para, style

from docgen.errors import DocgenError, UnsafeInputError
from docgen.pdf import docx_to_pdf
from docgen.pdf.linebreak import NO_LINE_END, NO_LINE_START

MM = 72 / 25.4
BLOCK_LEFT, BLOCK_TOP, BLOCK_W, BLOCK_H = 28 * MM, 37 * MM, 156 * MM, 225 * MM
LONG = ("坚持依法履职，加快政府职能转变。优化营商环境工作要求，推动改革，"
        "全面推行证照分离，持续推进“一网、一门、一次”改革，编制发布了办事指南。") * 30


def pdf_lines(data: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text_lines() for page in pdf.pages]


def body(lines: list[dict]) -> list[dict]:
    return [ln for ln in lines if ln["top"] < BLOCK_TOP + BLOCK_H]


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> bytes:
    path = gb_docx(tmp_path_factory.mktemp("long") / "long.docx", [para(LONG)])
    return docx_to_pdf(path).data


def test_page_is_a4_with_text_block_at_28_37_mm(long_pdf):
    with pdfplumber.open(io.BytesIO(long_pdf)) as pdf:
        page = pdf.pages[1]
        assert (round(page.width / MM), round(page.height / MM)) == (210, 297)
        chars = [c for c in page.chars if c["top"] < BLOCK_TOP + BLOCK_H]
        assert min(c["x0"] for c in chars) == pytest.approx(BLOCK_LEFT, abs=0.5)
        assert max(c["x1"] for c in chars) == pytest.approx(BLOCK_LEFT + BLOCK_W, abs=0.6)
        # the first line box starts at the top of the text block (glyphs sit inside it)
        first_top = min(c["top"] for c in chars)
        assert BLOCK_TOP < first_top < BLOCK_TOP + 29
        last_bottom = max(c["bottom"] for c in chars)
        assert last_bottom < BLOCK_TOP + BLOCK_H


def test_full_page_has_22_lines_of_28_characters(long_pdf):
    pages = pdf_lines(long_pdf)
    assert len(pages) >= 3
    for lines in pages[:-1]:
        text_lines = body(lines)
        assert len(text_lines) == 22
        full = [ln for ln in text_lines if ln["x0"] < BLOCK_LEFT + 1]
        assert full and all(len(ln["text"]) in (27, 28, 29) for ln in full)
        assert sum(len(ln["text"]) == 28 for ln in full) >= len(full) * 0.7
        tops = [ln["top"] for ln in text_lines]
        pitches = {round(b - a, 1) for a, b in zip(tops, tops[1:], strict=False)}
        assert pitches <= {28.9, 29.0}  # 579 twips = 28.95 pt


def test_justified_lines_end_at_the_block_edge(long_pdf):
    lines = body(pdf_lines(long_pdf)[1])
    for ln in lines[:-1]:
        assert ln["x1"] == pytest.approx(BLOCK_LEFT + BLOCK_W, abs=0.6)


def test_no_closing_punctuation_starts_and_no_opening_ends_a_line(long_pdf):
    for lines in pdf_lines(long_pdf):
        for ln in body(lines):
            assert ln["text"][0] not in NO_LINE_START
            assert ln["text"][-1] not in NO_LINE_END
            assert ln["x1"] <= BLOCK_LEFT + BLOCK_W + 0.6  # nothing hangs outside


def test_page_numbers_odd_right_even_left_14pt_7mm_below(long_pdf):
    with pdfplumber.open(io.BytesIO(long_pdf)) as pdf:
        for page in pdf.pages[:2]:
            foot = [c for c in page.chars if c["top"] > BLOCK_TOP + BLOCK_H]
            text = "".join(c["text"] for c in foot).replace(" ", "")
            n = page.page_number
            assert text == f"—{n}—"
            assert {round(c["size"]) for c in foot} == {14}
            # the page number's character box starts about 7 mm under the text block
            assert foot[0]["top"] - (BLOCK_TOP + BLOCK_H) == pytest.approx(7 * MM, abs=1 * MM)
            if n % 2:
                assert foot[-1]["x1"] == pytest.approx(BLOCK_LEFT + BLOCK_W - 14, abs=1.5)
            else:
                assert foot[0]["x0"] == pytest.approx(BLOCK_LEFT + 14, abs=1.5)


def test_fonts_are_embedded_and_helvetica_absent(long_pdf):
    import pikepdf

    with pikepdf.open(io.BytesIO(long_pdf)) as pdf:
        for page in pdf.pages:
            for _name, font in page.Resources.Font.items():
                assert "Helvetica" not in str(font.get("/BaseFont"))
                desc = font.get("/FontDescriptor")
                if desc is None:
                    desc = font.DescendantFonts[0].FontDescriptor
                assert any(k in desc for k in ("/FontFile2", "/FontFile3", "/FontFile"))


def test_output_is_deterministic_and_pdfa(tmp_path, monkeypatch):
    from docgen.pdf.pdfa_finish import validate_pdfa

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = gb_docx(tmp_path / "d.docx", [para("确定性输出。"), para("第二段")])
    a = docx_to_pdf(path).data
    b = docx_to_pdf(path).data
    assert a == b
    assert validate_pdfa(a) == []


def test_customised_heading_style_is_followed(tmp_path):
    """Staff change level-1 headings from 黑体 to 楷体 in the template: the PDF follows."""
    def fonts_of_heading(styles):
        path = gb_docx(tmp_path / "h.docx", [para("一、工作成效", style="H1"), para("正文。")],
                       styles=styles)
        with pdfplumber.open(io.BytesIO(docx_to_pdf(path).data)) as pdf:
            chars = pdf.pages[0].chars
            return ({c["fontname"].split("+")[-1] for c in chars if c["text"] in "工作成效"},
                    {c["fontname"].split("+")[-1] for c in chars if c["text"] in "正文"})
    hei, body_font = fonts_of_heading(None)
    kai, body_font2 = fonts_of_heading([style("H1", "一级标题", '<w:keepNext/>', FONT.format(f="楷体_GB2312"))])
    assert hei != kai and body_font == body_font2
    assert any("Kai" in f for f in kai)


def test_fixed_paragraph_added_in_template_appears_in_order(tmp_path):
    path = gb_docx(tmp_path / "f.docx", [para("第一段正文。"), para("（此件公开发布）", style="Body",
                                                                  ppr='<w:jc w:val="center"/>'),
                                          para("最后一段。")])
    with pdfplumber.open(io.BytesIO(docx_to_pdf(path).data)) as pdf:
        lines = [ln["text"] for ln in pdf.pages[0].extract_text_lines()]
        mid = pdf.pages[0].extract_text_lines()[1]
    assert lines[:3] == ["第一段正文。", "（此件公开发布）", "最后一段。"]
    centre = (mid["x0"] + mid["x1"]) / 2
    # centred in the text block after the first-line indent of 2 characters
    assert centre == pytest.approx(BLOCK_LEFT + (32 + BLOCK_W) / 2, abs=2)


def test_keep_next_moves_heading_to_next_page(tmp_path):
    filler = [para("填" * 28, style=None) for _ in range(21)]  # 21 full lines
    path = gb_docx(tmp_path / "k.docx", filler + [para("一、标题", style="H1"), para("正文" * 30)])
    pages = pdf_lines(docx_to_pdf(path).data)
    assert len(body(pages[0])) == 21
    assert body(pages[1])[0]["text"] == "一、标题"


def test_page_break_and_page_break_before(tmp_path):
    path = gb_docx(tmp_path / "b.docx", [
        para(runs='<w:r><w:t>甲</w:t></w:r><w:r><w:br w:type="page"/></w:r><w:r><w:t>乙</w:t></w:r>'),
        para("丙", ppr="<w:pageBreakBefore/>")])
    pages = pdf_lines(docx_to_pdf(path).data)
    assert [[ln["text"] for ln in body(p)] for p in pages] == [["甲"], ["乙"], ["丙"]]


def test_run_properties_size_bold_colour_and_spacing(tmp_path):
    path = gb_docx(tmp_path / "r.docx", [para(runs=(
        '<w:r><w:rPr><w:sz w:val="44"/><w:color w:val="FF0000"/></w:rPr><w:t>红</w:t></w:r>'
        '<w:r><w:rPr><w:spacing w:val="100"/></w:rPr><w:t>宽宽</w:t></w:r>'
        '<w:r><w:rPr><w:b/></w:rPr><w:t>粗</w:t></w:r>'))])
    with pdfplumber.open(io.BytesIO(docx_to_pdf(path).data)) as pdf:
        chars = {c["text"]: c for c in pdf.pages[0].chars if c["top"] < BLOCK_TOP + BLOCK_H}
        wide = [c for c in pdf.pages[0].chars if c["text"] == "宽"]
    assert round(chars["红"]["size"]) == 22
    assert chars["红"]["non_stroking_color"] in ((1, 0, 0), [1, 0, 0], (1.0, 0.0, 0.0))
    assert wide[1]["x0"] - wide[0]["x0"] == pytest.approx(16 + 5, abs=0.1)


def test_unsupported_elements_are_reported_with_place(tmp_path):
    path = gb_docx(tmp_path / "u.docx", [
        para("甲"), para(runs='<w:r><w:pict/><w:t>乙</w:t></w:r>'),
        para("丙", ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')])
    result = docx_to_pdf(path)
    messages = [w.describe() for w in result.warnings]
    assert any("w:pict" in m and "正文第2段" in m for m in messages), messages
    assert any("w:numPr" in m and "正文第3段" in m for m in messages), messages
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        assert "乙" in pdf.pages[0].extract_text()


def test_not_a_docx_is_a_located_error_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(UnsafeInputError) as exc:
        docx_to_pdf(bad)
    assert "bad.docx" in exc.value.describe()
    missing_doc = tmp_path / "empty.docx"
    with zipfile.ZipFile(missing_doc, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(DocgenError):
        docx_to_pdf(missing_doc)


def test_cli_writes_pdf_next_to_docx_and_reports_errors(tmp_path):
    path = gb_docx(tmp_path / "c.docx", [para("命令行。")])
    env_cmd = [sys.executable, "-m", "docgen", "pdf"]
    out = subprocess.run(env_cmd + [str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"junk")
    out = subprocess.run(env_cmd + [str(bad), "--out", str(tmp_path / "o")], capture_output=True,
                         text=True)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "x.docx" in out.stderr
    assert not (tmp_path / "o" / "x.pdf").exists()
    strict = gb_docx(tmp_path / "s.docx", [para(runs='<w:r><w:pict/></w:r>')])
    out = subprocess.run(env_cmd + [str(strict), "--strict"], capture_output=True, text=True)
    assert out.returncode == 1 and "警告" in out.stderr
    assert not (tmp_path / "s.pdf").exists()


def test_missing_input_file(tmp_path):
    with pytest.raises(DocgenError) as exc:
        docx_to_pdf(Path(tmp_path / "nope.docx"))
    assert "nope.docx" in exc.value.describe()
