"""Page numbers in footer text boxes (WPS puts a 公文's page number there) are drawn."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from corpus_path import corpus_dir
from docx import Document

from docgen.pdf import docx_to_pdf

CORPUS = corpus_dir() or Path("/nonexistent")
WPS_FOOTER = """<w:p {ns}><w:pPr><w:pStyle w:val="Footer"/></w:pPr><w:r><mc:AlternateContent>
<mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0"
 relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>
<wp:positionH relativeFrom="margin"><wp:align>{align}</wp:align></wp:positionH>
<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>
<wp:extent cx="914400" cy="228600"/><wp:wrapNone/><wp:docPr id="9" name="文本框 9"/>
<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
<wps:wsp><wps:txbx><w:txbxContent><w:p><w:pPr><w:jc w:val="center"/></w:pPr>
<w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>
<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>
<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r>
</w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>
</mc:Choice><mc:Fallback/></mc:AlternateContent></w:r></w:p>"""
NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def _numbers(data: bytes, below: float = 0.92) -> list[tuple[str, float, float]]:
    """(footer text, x0, page width) of each page: the words below ``below`` of the height."""
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            words = [wd for wd in page.extract_words() if wd["top"] > below * page.height]
            out.append(("".join(wd["text"] for wd in words),
                        min((wd["x0"] for wd in words), default=-1), page.width))
    return out


@pytest.mark.parametrize("align", ["right", "left"])
def test_wps_footer_text_box_page_number_is_drawn_on_every_page(tmp_path, align):
    from lxml import etree

    doc = Document()
    for i in range(60):
        doc.add_paragraph(f"第{i + 1}段正文，用来占满两页以上的篇幅。" * 3)
    footer = doc.sections[0].footer._element
    for p in list(footer):
        footer.remove(p)
    footer.append(etree.fromstring(WPS_FOOTER.format(ns=NS, align=align)))
    path = tmp_path / "wps.docx"
    doc.save(path)
    result = docx_to_pdf(path)
    pages = _numbers(result.data)
    assert len(pages) >= 2
    for n, (text, x0, width) in enumerate(pages, start=1):
        assert text == f"—{n}—"
        assert (x0 > width / 2) if align == "right" else (x0 < width / 3)
    assert any("文本框" in w.describe() for w in result.warnings)


@pytest.mark.skipif(not (CORPUS / "014_image_vml.docx").is_file(), reason="no corpus")
def test_vml_footer_text_box_page_number_from_the_corpus_sits_right():
    [(text, x0, width)] = _numbers(docx_to_pdf(CORPUS / "014_image_vml.docx").data, 0.85)
    assert text == "1" and x0 > 0.7 * width
