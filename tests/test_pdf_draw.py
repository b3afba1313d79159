"""Drawing: text state per frame, simulated bold, pictures (hostile or broken), validation option."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib

import pdfplumber
import pytest
from pdf_fixtures import FONT, gb_docx, image_run, para

from docgen.errors import RenderError, UnsafeInputError
from docgen.pdf import docx_to_pdf
from docgen.pdf.pdfa_finish import validate_pdfa

MM = 72 / 25.4
EMU_PER_MM = 36000
HEI = FONT.format(f="黑体")


def png(w: int = 40, h: int = 40) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels (a pixel bomb) with almost no data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + chunk(b"IEND", b""))


def chars_of(data: bytes, text: str) -> list[dict]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [c for c in pdf.pages[0].chars if c["text"] in text]


# ------------------------------------------------------------------ text state

def test_zero_character_spacing_is_not_inherited_from_the_previous_text(tmp_path):
    """PDF keeps Tc from one text object to the next: a run without spacing must reset it."""
    path = gb_docx(tmp_path / "tc.docx", [
        para(style=None, runs='<w:r><w:rPr><w:spacing w:val="100"/></w:rPr><w:t>宽宽宽</w:t></w:r>'),
        para(style=None, runs='<w:r><w:rPr><w:spacing w:val="0"/></w:rPr><w:t>窄窄窄</w:t></w:r>')])
    data = docx_to_pdf(path).data
    wide = chars_of(data, "宽")
    narrow = chars_of(data, "窄")
    assert wide[1]["x0"] - wide[0]["x0"] == pytest.approx(16 + 5, abs=0.05)
    assert narrow[1]["x0"] - narrow[0]["x0"] == pytest.approx(16, abs=0.05)
    assert narrow[2]["x0"] - narrow[1]["x0"] == pytest.approx(16, abs=0.05)


# ------------------------------------------------------------------ simulated bold

def _ink_per_line(pdf_path, tmp_path, data: bytes) -> list[int]:
    """Dark pixels in the band of each body text line of page 1 (rendered at 100 dpi)."""
    from PIL import Image

    pdf_path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-f", "1", "-l", "1", "-png", str(pdf_path),
                    str(tmp_path / "ink")], check=True)
    page_png = sorted(tmp_path.glob("ink*.png"))[0]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        lines = [ln for ln in pdf.pages[0].extract_text_lines() if ln["top"] < 262 * MM]
    scale = 100 / 72
    with Image.open(page_png) as im:
        gray = im.convert("L")
        out = []
        for ln in lines:
            box = (int(ln["x0"] * scale) - 3, int(ln["top"] * scale) - 3,
                   int(ln["x1"] * scale) + 3, int(ln["bottom"] * scale) + 3)
            out.append(gray.crop(box).point(lambda v: 255 if v < 128 else 0).histogram()[255])
    return out


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils 未安装")
def test_bold_without_a_bold_face_is_drawn_bolder_and_does_not_leak(tmp_path):
    from docgen.pdf.fonts import get_registry

    if not get_registry().resolve("黑体", bold=True).fake_bold:
        pytest.skip("本机的黑体有真正的粗体字体文件")
    text = "工作成效显著提升"
    path = gb_docx(tmp_path / "fb.docx", [
        para(text, style=None, rpr=HEI),
        para(text, style=None, rpr=HEI + "<w:b/>"),
        para(text, style=None, rpr=HEI)])
    result = docx_to_pdf(path, validate=True)
    plain, bold, plain_again = _ink_per_line(tmp_path / "fb.pdf", tmp_path, result.data)
    assert bold > plain * 1.15, (plain, bold)
    assert plain_again == pytest.approx(plain, rel=0.02), "render mode leaked into later text"
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:  # still the same, searchable text
        assert pdf.pages[0].extract_text().count(text) == 3


# ------------------------------------------------------------------ pictures

def _picture_docx(tmp_path, image: bytes, name: str = "p.png"):
    run = image_run("rIdImg0", 20 * EMU_PER_MM, 20 * EMU_PER_MM)
    return gb_docx(tmp_path / "pic.docx", [para("图片：", style=None), para(style=None, runs=run)],
                   media={name: image})


def test_pixel_bomb_picture_is_refused_before_decoding(tmp_path):
    path = _picture_docx(tmp_path, png_header_only(100_000, 100_000))
    with pytest.raises(UnsafeInputError) as exc:
        docx_to_pdf(path)
    text = exc.value.describe()
    assert "图片" in text and "media/p.png" in text and "正文第2段" in text
    assert exc.value.fix


def test_unrecognised_picture_is_skipped_with_a_warning(tmp_path):
    path = _picture_docx(tmp_path, b"this is not an image at all")
    result = docx_to_pdf(path)
    messages = [w.describe() for w in result.warnings]
    assert any("无法识别" in m and "正文第2段" in m for m in messages), messages
    with pdfplumber.open(io.BytesIO(result.data)) as pdf:
        assert pdf.pages[0].images == []
        assert "图片：" in pdf.pages[0].extract_text()


def test_picture_with_a_good_header_and_broken_data_is_a_render_error(tmp_path):
    path = _picture_docx(tmp_path, png_header_only(40, 40))  # 40×40 header, 64 bytes of pixels
    with pytest.raises(RenderError) as exc:
        docx_to_pdf(path)
    assert "p.png" in exc.value.describe() and "图片" in exc.value.describe()


def test_pdf_command_refuses_pixel_bomb_without_traceback(tmp_path):
    import sys

    path = _picture_docx(tmp_path, png_header_only(100_000, 100_000))
    out = subprocess.run([sys.executable, "-m", "docgen", "pdf", str(path)], capture_output=True,
                         text=True)
    assert out.returncode == 1, out.stderr
    assert "Traceback" not in out.stderr and "内部错误" not in out.stderr
    assert "图片" in out.stderr
    assert not (tmp_path / "pic.pdf").exists()


# ------------------------------------------------------------------ validation option

def test_every_kind_of_content_validates_as_pdfa(tmp_path):
    """Text (justified, coloured, spaced, fake bold), rules, shading, pictures: PDF/A-2b."""
    rows = ('<w:tr><w:tc><w:tcPr><w:shd w:val="clear" w:fill="DDDDDD"/></w:tcPr>'
            + para("单元格", style=None) + "</w:tc><w:tc>" + para("12.5%", style=None)
            + "</w:tc></w:tr>")
    table = ('<w:tbl><w:tblPr><w:tblBorders><w:top w:val="double" w:sz="8"/>'
             '<w:bottom w:val="single" w:sz="8"/></w:tblBorders></w:tblPr>'
             '<w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/></w:tblGrid>'
             f"{rows}</w:tbl>")
    border = '<w:pBdr><w:bottom w:val="single" w:sz="12" w:space="4" w:color="FF0000"/></w:pBdr>'
    body = [para("标题", style="Title"), para("红线", style=None, ppr=border),
            para("一、加粗黑体", style=None, rpr=HEI + "<w:b/>"),
            para("正文，2022年完成96.5%。" * 8, rpr='<w:color w:val="C00000"/><w:u w:val="single"/>'),
            table, para(style=None, runs=image_run("rIdImg0", 20 * EMU_PER_MM, 20 * EMU_PER_MM))]
    path = gb_docx(tmp_path / "all.docx", body, media={"seal.png": png()})
    result = docx_to_pdf(path, validate=True)
    assert validate_pdfa(result.data) == []
    assert result.data == docx_to_pdf(path).data  # validating does not change the bytes
