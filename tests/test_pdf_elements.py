"""Tables, paragraph borders and images laid out by the PDF engine, checked on the PDF."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from pdf_fixtures import gb_docx, image_run, para

from docgen.pdf import docx_to_pdf

MM = 72 / 25.4
LEFT, TOP = 28 * MM, 37 * MM
EMU_PER_MM = 36000


def png(w: int = 40, h: int = 40, color=(230, 0, 0, 255)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGBA", (w, h), color).save(buf, "PNG")
    return buf.getvalue()


def cell(text: str, extra: str = "") -> str:
    return f"<w:tc><w:tcPr>{extra}</w:tcPr>{para(text, style=None)}</w:tc>"


def table(rows: list[str], grid_twips: list[int]) -> str:
    grid = "".join(f'<w:gridCol w:w="{g}"/>' for g in grid_twips)
    borders = "".join(f'<w:{s} w:val="single" w:sz="8" w:color="000000"/>'
                      for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    return (f"<w:tbl><w:tblPr><w:tblBorders>{borders}</w:tblBorders></w:tblPr>"
            f"<w:tblGrid>{grid}</w:tblGrid>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>")


def test_table_cells_borders_and_merges(tmp_path):
    rows = [cell("项目") + cell("数量") + cell("备注"),
            cell("合并", '<w:vMerge w:val="restart"/>') + cell("12") + cell("甲"),
            cell("", "<w:vMerge/>") + cell("34") + cell("乙"),
            cell("横跨两列", '<w:gridSpan w:val="2"/>') + cell("丙")]
    path = gb_docx(tmp_path / "t.docx", [para("表前。"), table(rows, [2000, 2000, 3000])])
    result = docx_to_pdf(path)
    assert result.warnings == []
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        page = pdf.pages[0]
        words = {w["text"]: w for w in page.extract_words()}
        # columns start at the grid positions (100 pt, 100 pt, 150 pt) plus the cell margin
        assert words["项目"]["x0"] == pytest.approx(LEFT + 5.4, abs=1)
        assert words["数量"]["x0"] == pytest.approx(LEFT + 100 + 5.4, abs=1)
        assert words["备注"]["x0"] == pytest.approx(LEFT + 200 + 5.4, abs=1)
        # vertical lines at the grid edges; the merged cell has no line between its rows
        xs = {round(e["x0"]) for e in page.edges if e["orientation"] == "v"}
        assert {round(LEFT), round(LEFT + 100), round(LEFT + 200), round(LEFT + 350)} <= xs
        merged_top = words["合并"]["top"]
        row3_top = words["34"]["top"]
        h_lines = [e for e in page.edges if e["orientation"] == "h"
                   and merged_top < e["top"] < row3_top + 5 and e["x0"] < LEFT + 50 < e["x1"]]
        assert h_lines == []
        assert "横跨两列" in words and words["丙"]["x0"] == pytest.approx(LEFT + 205.4, abs=1)


def test_paragraph_bottom_border_is_drawn_under_the_text(tmp_path):
    border = ('<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="FF0000"/></w:pBdr>')
    path = gb_docx(tmp_path / "b.docx", [para("发文字号", style=None, ppr=border), para("下一段")])
    with pdfplumber.open(io.BytesIO(docx_to_pdf(path).data)) as pdf:
        page = pdf.pages[0]
        lines = [e for e in page.edges if e["orientation"] == "h"]
        text = page.extract_text_lines()
    assert len(lines) == 1
    line = lines[0]
    assert line["x0"] == pytest.approx(LEFT, abs=0.5) and line["x1"] == pytest.approx(LEFT + 156 * MM, abs=0.5)
    assert text[0]["bottom"] < line["top"] < text[1]["top"]
    assert line["stroking_color"] in ((1, 0, 0), [1, 0, 0], (1.0, 0.0, 0.0))


def test_inline_and_anchored_images(tmp_path):
    seal = image_run("rIdImg0", 40 * EMU_PER_MM, 40 * EMU_PER_MM, anchor=(
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{90 * EMU_PER_MM}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{-10 * EMU_PER_MM}</wp:posOffset></wp:positionV>'))
    inline = image_run("rIdImg1", 10 * EMU_PER_MM, 5 * EMU_PER_MM)
    body = [para("正文。")] * 3 + [
        para(style=None, ppr='<w:jc w:val="right"/>',
             runs="<w:r><w:t>如东县人民政府</w:t></w:r>" + seal),
        para(style=None, runs="<w:r><w:t>图</w:t></w:r>" + inline)]
    path = gb_docx(tmp_path / "i.docx", body, media={"seal.png": png(), "dot.png": png(8, 4)})
    result = docx_to_pdf(path)
    assert result.warnings == []
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        page = pdf.pages[0]
        imgs = sorted(page.images, key=lambda im: im["width"], reverse=True)
        sig = next(ln for ln in page.extract_text_lines() if "人民政府" in ln["text"])
    assert len(imgs) == 2
    big, small = imgs
    assert big["width"] == pytest.approx(40 * MM, abs=0.5)
    assert big["x0"] == pytest.approx(LEFT + 90 * MM, abs=0.5)
    # anchored 10 mm above the top of its paragraph's line: it overlaps the signature
    assert big["top"] < sig["top"] < big["bottom"]
    assert small["width"] == pytest.approx(10 * MM, abs=0.5)


def test_wrapped_anchor_is_reported(tmp_path):
    run = image_run("rIdImg0", 10 * EMU_PER_MM, 10 * EMU_PER_MM, anchor=(
        '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="page"><wp:posOffset>0</wp:posOffset>'
        '</wp:positionH><wp:positionV relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionV>'))
    run = run.replace("<wp:wrapNone/>", '<wp:wrapSquare wrapText="bothSides"/>')
    path = gb_docx(tmp_path / "w.docx", [para(style=None, runs=run)], media={"a.png": png()})
    messages = [w.describe() for w in docx_to_pdf(path).warnings]
    assert any("环绕" in m and "正文第1段" in m for m in messages), messages
