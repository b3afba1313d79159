"""What the engine cannot draw is named with its place (issue 12, Build 4): equations (OMML),
unaccepted revisions (the final text is drawn), right-to-left text, a second w:body; a broken
picture is an error naming the file and the page; a warning's count is of places."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from docx.oxml import parse_xml

from docgen.errors import RenderError
from docgen.pdf import docx_to_pdf

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
M = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
REV = 'w:author="a" w:date="2024-01-01T00:00:00Z"'
# a 1×1 PNG whose zlib stream has a wrong Adler-32 (corpus file 137_04-image-seal.docx)
BROKEN_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108040000 00b51c0c02"
    "0000000b4944415478da63fcff1f00030301fdac46f3190000000049454e44ae426082".replace(" ", ""))


def _text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.fixture(scope="module")
def unsupported(tmp_path_factory):
    d = Document()
    d.add_paragraph("第一段普通文字。")
    p = d.add_paragraph("公式前")
    p._p.append(parse_xml(f"<m:oMath {M}><m:r><m:t>x=1</m:t></m:r></m:oMath>"))
    p = d.add_paragraph("修订：")
    p._p.append(parse_xml(f'<w:ins {W} w:id="1" {REV}><w:r><w:t>新增文字</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del {W} w:id="2" {REV}><w:r><w:delText>删去文字</w:delText>'
                          "</w:r></w:del>"))
    p._p.append(parse_xml(f'<w:ins {W} w:id="3" {REV}><w:r><w:t>再增</w:t></w:r></w:ins>'))
    d.add_paragraph("阿拉伯文：مرحبا")
    path = tmp_path_factory.mktemp("named") / "unsupported.docx"
    d.save(path)
    result = docx_to_pdf(path)
    return path, result, {w.message: w for w in result.warnings}


def _one(warnings: dict, needle: str):
    [w] = [w for m, w in warnings.items() if needle in m]
    return w


def test_equation_is_named_with_its_paragraph(unsupported):
    path, result, warnings = unsupported
    w = _one(warnings, "公式（OMML）")
    assert w.location.path == "正文第2段" and w.location.file == str(path)
    assert "公式前" in _text(result.data)


def test_unaccepted_revisions_draw_the_final_text_and_are_named_once_per_paragraph(unsupported):
    _path, result, warnings = unsupported
    w = _one(warnings, "未接受的修订")
    assert w.location.path == "正文第3段"  # three revisions, one place: no "等 3 处"
    text = _text(result.data)
    assert "修订：新增文字再增" in text and "删去文字" not in text


def test_right_to_left_text_is_named(unsupported):
    _path, result, warnings = unsupported
    assert _one(warnings, "从右向左").location.path == "正文第4段"


def test_several_bodies_are_all_drawn_and_warned(tmp_path):
    d = Document()
    d.add_paragraph("第一个正文。")
    path = tmp_path / "two.docx"
    d.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts["word/document.xml"]
    second = "<w:body><w:p><w:r><w:t>第二个正文。</w:t></w:r></w:p></w:body>".encode()
    parts["word/document.xml"] = xml.replace(b"</w:body>", b"</w:body>" + second, 1)
    with zipfile.ZipFile(path, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    result = docx_to_pdf(path)
    assert any("2 个正文" in w.message for w in result.warnings)
    text = _text(result.data)
    assert "第一个正文。" in text and "第二个正文。" in text


def test_broken_picture_is_an_error_naming_the_file_and_page(tmp_path):
    d = Document()
    d.add_paragraph("第一页。")
    d.add_page_break()
    d.add_picture(io.BytesIO(BROKEN_PNG))
    path = tmp_path / "seal.docx"
    d.save(path)
    with pytest.raises(RenderError) as err:
        docx_to_pdf(path)
    assert err.value.location.file == str(path)
    assert err.value.describe().startswith(f"{path} （第2页）：文档中的图片")


def test_repeated_italic_runs_of_one_paragraph_are_one_place(tmp_path: Path):
    d = Document()
    p = d.add_paragraph()
    for word in ("一", "二", "三"):
        p.add_run(word).italic = True
        p.add_run("正")
    d.add_paragraph().add_run("斜").italic = True
    path = tmp_path / "italic.docx"
    d.save(path)
    [w] = [w for w in docx_to_pdf(path).warnings if "斜体" in w.message]
    assert w.location.path == "正文第1段、正文第2段 等 2 处"
    # the engine never uses an italic face: no hint to add one; both commands' options named
    assert "不使用斜体字形" in w.message and "斜体文件" not in w.fix
    assert "docgen build --pdf-engine libreoffice" in w.fix


def test_equation_hint_names_the_option_of_both_commands(unsupported):
    fix = _one(unsupported[2], "公式（OMML）").fix
    assert "docgen pdf --engine libreoffice" in fix and "docgen build --pdf-engine libreoffice" in fix
