"""An archive copy that is what it claims: pathological inputs clamped with a warning, the
result a valid PDF/A-2b; dc:language from the document's w:lang."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from docgen.pdf import docx_to_pdf
from docgen.pdf.pdfa_finish import validate_pdfa


def _patch(path: Path, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    assert old in parts["word/document.xml"]
    parts["word/document.xml"] = parts["word/document.xml"].replace(old, new, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _doc(tmp_path: Path, picture: bool = False) -> Path:
    doc = Document()
    doc.add_paragraph("第一段文字。")
    p = doc.add_paragraph("第二段文字，缩进异常。")
    p.paragraph_format.left_indent = 12700 * 20
    if picture:
        buf = io.BytesIO()
        Image.new("RGB", (20, 10), "red").save(buf, "PNG")
        buf.seek(0)
        doc.add_picture(buf)
    path = tmp_path / "odd.docx"
    doc.save(path)
    return path


@pytest.mark.parametrize(("old", "new", "needle"), [
    (b'w:w="12240" w:h="15840"', b'w:w="0" w:h="0"', "页面尺寸异常"),
    (b'w:w="12240" w:h="15840"', b'w:w="NaN" w:h="1e15"', "页面尺寸异常"),
    (b'w:top="1440"', b'w:top="999999"', "页边距"),
    (b'w:left="400"', b'w:left="NaN"', None),
    (b'w:left="400"', b'w:left="1e15"', None),
])
def test_pathological_sizes_are_clamped_and_stay_valid_pdfa(tmp_path, old, new, needle):
    path = _doc(tmp_path)
    _patch(path, old, new)
    result = docx_to_pdf(path)
    text = "\n".join(w.describe() for w in result.warnings)
    if needle:
        assert needle in text and "节属性" in text
    assert validate_pdfa(result.data) == []
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert 36 <= box[2] - box[0] <= 1584 and 36 <= box[3] - box[1] <= 1584


def test_huge_picture_extent_is_scaled_down_with_a_warning(tmp_path):
    path = _doc(tmp_path, picture=True)
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml")
    start = xml.index(b'<wp:extent cx="')
    old = xml[start:xml.index(b"/>", start)]
    _patch(path, old, b'<wp:extent cx="1000000000000000" cy="500000000000000"')
    result = docx_to_pdf(path)
    assert any("图片尺寸异常" in w.describe() and "正文第3段" in w.describe()
               for w in result.warnings)
    assert validate_pdfa(result.data) == []


def _language_of(data: bytes) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_metadata() as meta:
        return list(meta["dc:language"])


@pytest.mark.parametrize(("east", "latin", "text", "expected"), [
    ("zh-CN", "en-US", "这是一份中文文件，只有中文。", ["zh-CN"]),
    ("zh-CN", "en-GB", "An English letter with no Chinese in it at all.", ["en-GB"]),
    ("zh-TW", "en-US", "繁體中文的文件內容。", ["zh-TW"]),
])
def test_dc_language_comes_from_the_documents_w_lang(tmp_path, east, latin, text, expected):
    doc = Document()
    run = doc.add_paragraph().add_run(text)
    lang = run._element.get_or_add_rPr().makeelement(qn("w:lang"), {
        qn("w:val"): latin, qn("w:eastAsia"): east, qn("w:bidi"): "ar-SA"})
    run._element.get_or_add_rPr().append(lang)
    path = tmp_path / "lang.docx"
    doc.save(path)
    assert _language_of(docx_to_pdf(path).data) == expected
