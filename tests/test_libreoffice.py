"""LibreOffice engine: a real .docx naming official fonts -> PDF/A-2 with the aliased fonts."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from docgen.errors import RenderError, UnsafeInputError
from docgen.pdf import libreoffice
from docgen.pdf.fonts import FontRegistry, cache_dir, read_faces
from docgen.pdf.pdfa import ArchiveMetadata
from docgen.pdf.pdfa_finish import make_pdfa, validate_pdfa

needs_soffice = pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice 未安装")

LINES = {
    "黑体": "一、工作成效",
    "仿宋_GB2312": "我县坚持以习近平法治思想为指导",
    "楷体_GB2312": "（一）依法履行政府职能",
}


@pytest.fixture(scope="module")
def registry() -> FontRegistry:
    return FontRegistry(use_system_fonts=False, cache=cache_dir())


def make_docx(path: Path, lines: dict[str, str]) -> Path:
    doc = Document()
    for font, text in lines.items():
        run = doc.add_paragraph().add_run(text)
        run.font.name = font
        run.font.size = Pt(16)
        run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    doc.save(str(path))
    return path


def fonts_by_text(data: bytes) -> dict[str, set[str]]:
    """For each line of LINES, the embedded font names its characters use."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = pdf.pages[0].chars
    rows: dict[int, list[dict]] = {}
    for c in chars:
        rows.setdefault(round(c["top"]), []).append(c)
    found: dict[str, set[str]] = {}
    for row in rows.values():
        text = "".join(c["text"] for c in row).replace(" ", "")
        for font_name, line in LINES.items():
            if text == line:
                found[font_name] = {c["fontname"].split("+", 1)[-1] for c in row}
    assert set(found) == set(LINES), found
    return found


def test_fontconfig_xml_aliases_and_dirs(tmp_path):
    xml = libreoffice.fontconfig_xml({"仿宋_GB2312": "FandolFang", "A&B": "X<Y", "Same": "same"},
                                     [tmp_path / "fonts"], tmp_path / "fc")
    assert "<include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>" in xml
    assert f"<dir>{tmp_path / 'fonts'}</dir>" in xml
    assert "<string>仿宋_GB2312</string>" in xml and "<string>FandolFang</string>" in xml
    assert "A&amp;B" in xml and "X&lt;Y" in xml
    assert "<string>Same</string>" not in xml
    from lxml import etree

    etree.fromstring(xml.split("\n", 2)[2].encode())  # well-formed after the prolog


def test_export_filter_selects_pdfa2():
    assert libreoffice.PDF_EXPORT_FILTER.startswith("pdf:writer_pdf_Export:")
    assert '"SelectPdfVersion":{"type":"long","value":"2"}' in libreoffice.PDF_EXPORT_FILTER


def test_missing_soffice_is_a_chinese_error(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    assert libreoffice.available() is False
    with pytest.raises(RenderError) as info:
        libreoffice.convert(tmp_path / "x.docx")
    assert "apt-get install libreoffice-writer-nogui" in info.value.describe()


@needs_soffice
def test_convert_uses_aliased_fonts_and_declares_pdfa(tmp_path, registry):
    docx = make_docx(tmp_path / "报告 2022.docx", LINES)
    data = libreoffice.convert(docx, registry=registry)
    assert data.startswith(b"%PDF")
    used = fonts_by_text(data)
    for font_name, names in used.items():
        expected = read_faces(registry.get(font_name).embedded_path)[0].postscript_name
        assert names, font_name
        assert all(n.startswith(expected) for n in names), (font_name, names, expected)
        assert not any("DejaVu" in n for n in names)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = pdf.open_metadata()
        assert xmp["pdfaid:part"] == "2"
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                assert "/FontFile2" in obj
    # the same bytes can be finished by make_pdfa like reportlab output
    finished = make_pdfa(data, ArchiveMetadata(title="测试", date="2023年3月13日"))
    assert validate_pdfa(finished) == []
    assert list(tmp_path.iterdir()) == [docx]  # nothing written next to the input


@needs_soffice
def test_two_conversions_in_parallel(tmp_path, registry):
    from concurrent.futures import ThreadPoolExecutor

    docs = [make_docx(tmp_path / f"d{i}.docx", {"黑体": f"第{i}号文件"}) for i in range(2)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda d: libreoffice.convert(d, registry=registry), docs))
    for i, data in enumerate(results):
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            assert f"第{i}号文件" in pdf.pages[0].extract_text().replace(" ", "")


@needs_soffice
def test_not_a_docx_is_refused_not_converted_as_text(tmp_path, registry):
    bad = tmp_path / "坏文件.docx"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(UnsafeInputError) as info:
        libreoffice.convert(bad, registry=registry)
    assert "坏文件.docx" in info.value.describe()


@needs_soffice
def test_timeout_is_a_render_error(tmp_path, registry):
    docx = make_docx(tmp_path / "t.docx", LINES)
    with pytest.raises(RenderError, match="超过"):
        libreoffice.convert(docx, timeout=0.01, registry=registry)


def test_missing_input_is_a_render_error(tmp_path, registry):
    if not libreoffice.available():
        pytest.skip("LibreOffice 未安装")
    with pytest.raises(RenderError, match="找不到"):
        libreoffice.convert(tmp_path / "nope.docx", registry=registry)


def test_lo_copy_inverts_explicit_overflow_punct(tmp_path):
    import zipfile

    src = tmp_path / "src.docx"
    doc = Document()
    for val in ("0", "1", None):
        p = doc.add_paragraph("甲")
        if val is not None:
            el = p._element.get_or_add_pPr().makeelement(qn("w:overflowPunct"), {qn("w:val"): val})
            p._element.get_or_add_pPr().append(el)
    doc.save(str(src))
    libreoffice.write_lo_copy(src, tmp_path / "lo.docx")
    with zipfile.ZipFile(tmp_path / "lo.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert xml.count('w:overflowPunct w:val="1"') == 1
    assert xml.count('w:overflowPunct w:val="0"') == 1
    assert xml.count("overflowPunct") == 2  # the paragraph without one is left alone


@needs_soffice
@pytest.mark.parametrize("hanging", [True, False])
def test_overflow_punct_off_stops_libreoffice_hanging_punctuation(tmp_path, registry, hanging):
    """LibreOffice reads w:overflowPunct inverted; docgen's copy corrects it, so a template
    that forbids hanging (for Word) gets no hanging from LibreOffice either."""
    from pdf_fixtures import gb_docx, para

    ppr = "" if hanging else '<w:overflowPunct w:val="0"/>'
    # 26 characters fill the first line (2-character indent); the 27th is a comma
    text = "坚持依法履职加快政府职能转变优化营商环境推动改革全面" + "，" + "持续推进证照分离改革。"
    path = gb_docx(tmp_path / "h.docx", [para(text, ppr=ppr)])
    right = (28 + 156) * 72 / 25.4
    with pdfplumber.open(io.BytesIO(libreoffice.convert(path, registry=registry))) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["top"] < 262 * 72 / 25.4]
        first_line = [c for c in chars if abs(c["top"] - chars[0]["top"]) < 1]
    assert ("，" in "".join(c["text"] for c in first_line)) == hanging
    if not hanging:  # the previous character was pulled down instead
        assert max(c["x1"] for c in first_line) <= right + 1
