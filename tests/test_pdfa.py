"""PDF/A-2b finishing: validation before/after, XMP read back, determinism, embedded fonts."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pikepdf
import pytest
from reportlab.pdfgen import canvas

from docgen.errors import RenderError
from docgen.pdf.fonts import FontRegistry, cache_dir
from docgen.pdf.pdfa import (
    ArchiveMetadata,
    archive_datetime,
    parse_chinese_date,
)
from docgen.pdf.pdfa_finish import make_pdfa, validate_pdfa

META = ArchiveMetadata(
    title="2022年如东县法治政府建设情况报告",
    issuer="如东县人民政府",
    date="2023年3月13日",
    doc_number="东政发〔2023〕12号",
    keywords=("法治政府", "年度报告"),
    year=2022,
)


@pytest.fixture(scope="module")
def registry() -> FontRegistry:
    return FontRegistry(use_system_fonts=False, cache=cache_dir())


def reportlab_pdf(registry: FontRegistry, *, invariant: int = 1, pages: int = 2) -> bytes:
    """A small two-page document in the body and heading fonts, as the layout engine makes."""
    body = registry.get("仿宋_GB2312")
    head = registry.get("黑体")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(595.28, 841.89), invariant=invariant)
    for n in range(1, pages + 1):
        c.setFont(head.reportlab_name, 16)
        c.drawString(79.4, 700, "一、工作成效")
        c.setFont(body.reportlab_name, 16)
        c.drawString(79.4, 671, f"2022年以来，我县坚持以习近平法治思想为指导。第{n}页")
        c.setFillColorRGB(0.9, 0, 0)
        c.rect(79.4, 650, 442, 1, stroke=0, fill=1)
        c.showPage()
    c.save()
    return buf.getvalue()


def font_descriptors(data: bytes) -> list[pikepdf.Dictionary]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found = []
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                found.append(dict(obj.items()))
        return found


def test_raw_reportlab_output_fails_and_make_pdfa_passes(registry):
    raw = reportlab_pdf(registry)
    assert validate_pdfa(raw), "raw reportlab output should not be PDF/A"
    out = make_pdfa(raw, META)
    assert validate_pdfa(out) == []
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert len(pdf.pages) == 2
        for page in pdf.pages:
            assert "/Trans" not in page.obj
            bases = {str(f.BaseFont) for _k, f in page.Resources.Font.items()}
            assert not any("Helvetica" in b for b in bases)
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        assert intent.DestOutputProfile.read_bytes()[16:20] == b"RGB "


def test_text_survives_and_all_fonts_are_embedded(registry):
    import pdfplumber

    out = make_pdfa(reportlab_pdf(registry), META)
    descriptors = font_descriptors(out)
    assert descriptors
    assert all("/FontFile2" in d for d in descriptors)
    with pdfplumber.open(io.BytesIO(out)) as pdf:
        text = pdf.pages[0].extract_text()
        names = {ch["fontname"].split("+", 1)[-1] for ch in pdf.pages[0].chars}
    assert "一、工作成效" in text and "我县坚持以习近平法治思想为指导" in text
    assert any(n.startswith("FandolFang") for n in names)
    assert any(n.startswith("FandolHei") for n in names)


def test_xmp_and_info_carry_the_metadata(registry, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = make_pdfa(reportlab_pdf(registry), META)
    with pikepdf.open(io.BytesIO(out)) as pdf:
        xmp = pdf.open_metadata()
        assert xmp["pdfaid:part"] == "2"
        assert xmp["pdfaid:conformance"] == "B"
        assert xmp["dc:title"] == META.title
        assert xmp["dc:creator"] == [META.issuer]
        assert xmp["dc:identifier"] == "东政发〔2023〕12号"
        assert set(xmp["dc:subject"]) == {"法治政府", "年度报告"}
        assert "法治政府" in xmp["pdf:Keywords"]
        assert "成文日期：2023年3月13日" in xmp["dc:description"]
        assert xmp["dc:date"] == ["2023-03-13"]
        assert xmp["xmp:CreateDate"] == "2023-03-13T00:00:00+08:00"
        assert xmp["xmp:ModifyDate"] == "2023-03-13T00:00:00+08:00"
        info = pdf.docinfo
        assert str(info.Title) == META.title
        assert str(info.Author) == META.issuer
        assert str(info.CreationDate).startswith("D:20230313000000+08")
        assert "东政发〔2023〕12号" in str(info.Subject)


def test_same_input_same_bytes_even_when_reportlab_input_differs_in_time(registry, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = make_pdfa(reportlab_pdf(registry, invariant=0), META)
    second = make_pdfa(reportlab_pdf(registry, invariant=0), META)
    assert first == second
    other = make_pdfa(reportlab_pdf(registry, pages=1), META)
    with pikepdf.open(io.BytesIO(first)) as a, pikepdf.open(io.BytesIO(other)) as b:
        id_a, id_b = bytes(a.trailer.ID[0]), bytes(b.trailer.ID[0])
    assert id_a != id_b  # /ID follows the content


def test_source_date_epoch_sets_the_dates(registry, monkeypatch):
    raw = reportlab_pdf(registry)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = make_pdfa(raw, META)
    with pikepdf.open(io.BytesIO(out)) as pdf:
        xmp = pdf.open_metadata()
        assert xmp["xmp:CreateDate"] == "2023-11-14T22:13:20+00:00"
        assert str(pdf.docinfo.ModDate).startswith("D:20231114221320+00")
    assert validate_pdfa(out) == []
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(RenderError, match="SOURCE_DATE_EPOCH"):
        make_pdfa(raw, META)


def test_minimal_metadata_is_still_valid(registry, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out = make_pdfa(reportlab_pdf(registry, pages=1), ArchiveMetadata(title="通知"))
    assert validate_pdfa(out) == []
    with pikepdf.open(io.BytesIO(out)) as pdf:
        assert pdf.open_metadata()["xmp:CreateDate"] == "1970-01-01T00:00:00+00:00"


def test_unembedded_font_in_use_is_refused():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "not embedded")
    c.save()
    with pytest.raises(RenderError, match="未嵌入的字体“Helvetica”"):
        make_pdfa(buf.getvalue(), META)


def test_garbage_input_is_a_render_error():
    with pytest.raises(RenderError, match="无法读取"):
        make_pdfa(b"%PDF-1.4 not really", META)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年3月13日", dt.date(2023, 3, 13)),
        ("2023-03-13", dt.date(2023, 3, 13)),
        ("二〇二三年三月十三日", dt.date(2023, 3, 13)),
        ("二〇二二年十二月三十一日", dt.date(2022, 12, 31)),
        ("2023年2月30日", None),
        ("三月", None),
        ("", None),
    ],
)
def test_parse_chinese_date(text, expected):
    assert parse_chinese_date(text) == expected


def test_archive_datetime_order():
    meta = ArchiveMetadata(title="t", date="2023年3月13日", year=2022)
    assert archive_datetime(meta, {"SOURCE_DATE_EPOCH": "0"}).year == 1970
    assert archive_datetime(meta, {}).isoformat() == "2023-03-13T00:00:00+08:00"
    assert archive_datetime(ArchiveMetadata(title="t", year=2022), {}).date() == dt.date(2022, 12, 31)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils 未安装")
def test_make_pdfa_does_not_change_what_is_drawn(registry, tmp_path):
    from PIL import Image, ImageChops

    raw = reportlab_pdf(registry)
    pages = {}
    for label, data in (("raw", raw), ("pdfa", make_pdfa(raw, META))):
        (tmp_path / f"{label}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / f"{label}.pdf"),
                        str(tmp_path / label)], check=True)
        pages[label] = sorted(tmp_path.glob(f"{label}-*.png"))
    assert len(pages["raw"]) == len(pages["pdfa"]) == 2
    for a, b in zip(pages["raw"], pages["pdfa"], strict=True):
        with Image.open(a) as ia, Image.open(b) as ib:
            assert ImageChops.difference(ia.convert("RGB"), ib.convert("RGB")).getbbox() is None
