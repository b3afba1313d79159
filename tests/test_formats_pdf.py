"""Each format's sample built with `docgen build`, its PDF measured with pdfplumber.

Every assertion runs twice: on the PDF from docgen's own engine, and on the
PDF from LibreOffice (where installed) — so the .docx itself is right, not
only our PDF: 标志 colour and position, the red line's width and distance from
the 发文字号, 签发人, the seal over the date, the 版记 rules on an even last
page at the text block's lower edge, the 信函 first page, page numbers, and an
unnumbered blank page before the 版记 when one is needed.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from formats_support import (
    LEFT_MM,
    MM,
    RIGHT_MM,
    TEXT_BOTTOM_MM,
    TEXT_TOP_MM,
    build_sample,
    find,
    open_pdf,
    page_number,
    red,
    rules,
    text_lines,
)

from docgen.build import page_measure
from docgen.elements import even_pages

ENGINES = [
    "reportlab",
    pytest.param("libreoffice", marks=pytest.mark.skipif(shutil.which("soffice") is None,
                                                         reason="LibreOffice not installed")),
]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, engine: str):
    out = tmp_path_factory.mktemp("formats")
    cache: dict[str, tuple[Path, Path]] = {}

    def get(name: str) -> tuple[Path, Path]:
        if name not in cache:
            cache[name] = build_sample(name, out, engine)
        return cache[name]

    return get


def assert_record_on_even_last_page(pdf_path: Path) -> None:
    with open_pdf(pdf_path) as pdf:
        assert len(pdf.pages) % 2 == 0
        last = pdf.pages[-1]
        black = [r for r in rules(last) if not red(r.color) and r.x1 - r.x0 > 150]
        record = [r for r in black if r.width >= 0.7]
        assert len(record) >= 2
        first, *middle, final = record
        assert first.width == pytest.approx(1.0, abs=0.05)  # 0.35 mm
        assert final.width == pytest.approx(1.0, abs=0.05)
        assert all(r.width == pytest.approx(0.75, abs=0.05) for r in middle)  # 0.25 mm
        for r in record:
            assert r.x0 == pytest.approx(LEFT_MM, abs=0.3) and r.x1 == pytest.approx(RIGHT_MM, abs=0.3)
        # the last rule on the text block's lower edge
        assert final.y == pytest.approx(TEXT_BOTTOM_MM, abs=1.5)
        assert final.y <= TEXT_BOTTOM_MM + 0.2


def assert_red_header(pdf_path: Path, mark: str, number: str) -> None:
    with open_pdf(pdf_path) as pdf:
        page = pdf.pages[0]
        lines = text_lines(page)
        m = find(lines, mark)
        assert red(m.color)
        assert m.top == pytest.approx(TEXT_TOP_MM + 35, abs=1.0)  # 35 mm below the text block top
        assert (m.x0 + m.x1) / 2 == pytest.approx(106, abs=1.5)  # centred
        n = find(lines, number)
        assert n.top - m.bottom > 20  # two blank lines below the 标志
        red_rules = [r for r in rules(page) if red(r.color)]
        assert len(red_rules) == 1
        line = red_rules[0]
        assert line.x1 - line.x0 == pytest.approx(156, abs=0.5)
        assert line.x0 == pytest.approx(LEFT_MM, abs=0.3)
        assert line.y - n.bottom == pytest.approx(4.0, abs=0.5)  # 4 mm below the 发文字号
        title = next(ln for ln in lines if ln.size == pytest.approx(22) and ln.top > line.y)
        assert 18 < title.top - line.y < 25  # two blank lines below the red line
        # header lines sit on the first lines of the text block, flush left
        for ln in lines:
            if ln.top < m.top:
                assert ln.x0 == pytest.approx(LEFT_MM, abs=0.3)


def assert_seal_over_date(pdf_path: Path, date: str) -> None:
    with open_pdf(pdf_path) as pdf:
        for page in pdf.pages:
            lines = text_lines(page)
            hits = [ln for ln in lines if ln.text == date]
            if not hits or not page.images:
                continue
            d = hits[0]
            seal = page.images[0]
            x0, x1 = seal["x0"] / MM, seal["x1"] / MM
            top, bottom = seal["top"] / MM, seal["bottom"] / MM
            assert x1 - x0 == pytest.approx(42, abs=0.5)
            assert (x0 + x1) / 2 == pytest.approx((d.x0 + d.x1) / 2, abs=2.0)  # centred on the date
            assert top < d.top and d.bottom < bottom  # pressing on the date
            assert d.x1 == pytest.approx(RIGHT_MM - 4 * 5.57, abs=1.0)  # date 4 characters in
            return
    pytest.fail("no seal over the date")


def test_notice(built) -> None:
    _, pdf = built("notice")
    assert_red_header(pdf, "如东县人民政府办公室文件", "东政办发〔2023〕12号")
    with open_pdf(pdf) as doc:
        lines = text_lines(doc.pages[0])
        assert lines[0].text == "000123" and lines[0].top < TEXT_TOP_MM + 5  # 份号 on the first line
        assert find(lines, "加急").top < find(lines, "如东县人民政府办公室文件").top
        assert [ln.text for ln in lines if ln.size == pytest.approx(22)] == [
            "如东县人民政府办公室关于做好2023年度", "防汛防旱、安全生产和森林防火工作的通知"]
        all_lines = [ln for page in doc.pages for ln in text_lines(page)]
        first = find(all_lines, "附件：1.2023年度防汛防旱重点工作任务分解表")
        second = find(all_lines, "2.2023年度安全生产和森林防火工作联系人名单")
        assert second.x0 == pytest.approx(first.x0 + 3 * 5.57, abs=0.5)  # numbers aligned
        # the bound attachment starts a page with 附件1 flush left on its first line
        starts = [text_lines(p)[0] for p in doc.pages]
        label = next(ln for ln in starts if ln.text == "附件1")
        assert label.x0 == pytest.approx(LEFT_MM, abs=0.3)
        for i, page in enumerate(doc.pages, start=1):
            assert page_number(page) == f"— {i} —"
    assert_seal_over_date(pdf, "2023年3月13日")
    assert_record_on_even_last_page(pdf)


def test_request_has_signer_on_the_number_line(built) -> None:
    _, pdf = built("request")
    assert_red_header(pdf, "如东县人民政府文件", "东政发〔2023〕8号")
    with open_pdf(pdf) as doc:
        line = find(text_lines(doc.pages[0]), "东政发〔2023〕8号")
        assert line.text.endswith("签发人：张某某")
        assert line.x0 == pytest.approx(LEFT_MM + 5.6, abs=0.5)  # one character in on the left
        assert line.x1 == pytest.approx(RIGHT_MM - 5.6, abs=0.8)  # one character in on the right
    assert_seal_over_date(pdf, "2023年2月20日")
    assert_record_on_even_last_page(pdf)


def test_report_file(built) -> None:
    _, pdf = built("report-file")
    assert_red_header(pdf, "如东县人民政府文件", "东政发〔2023〕15号")
    assert_record_on_even_last_page(pdf)


def test_letter(built) -> None:
    _, pdf = built("letter")
    with open_pdf(pdf) as doc:
        page = doc.pages[0]
        lines = text_lines(page)
        mark = find(lines, "如东县人民政府办公室")
        assert red(mark.color)
        assert mark.top == pytest.approx(30, abs=1.0)  # 30 mm below the page top
        reds = [r for r in rules(page) if red(r.color)]
        assert len(reds) == 4  # two double lines
        for r in reds:
            assert r.x1 - r.x0 == pytest.approx(170, abs=0.5)
            assert (r.x0 + r.x1) / 2 == pytest.approx(106, abs=0.5)
        upper, lower = reds[:2], reds[2:]
        assert upper[0].width > upper[1].width  # upper pair: thick over thin
        assert lower[0].width < lower[1].width  # lower pair: thin over thick
        assert upper[0].y - mark.bottom == pytest.approx(4, abs=1.0)
        assert lower[1].y == pytest.approx(297 - 20, abs=1.0)  # 20 mm above the page bottom
        number = find(lines, "东政办函〔2023〕5号")
        assert number.x1 == pytest.approx(RIGHT_MM, abs=0.5)  # flush right
        assert number.top > upper[1].y
        assert page_number(page) is None  # no page number on the first page
    assert_seal_over_date(pdf, "2023年4月6日")


def test_order(built) -> None:
    _, pdf = built("order")
    with open_pdf(pdf) as doc:
        lines = text_lines(doc.pages[0])
        mark = find(lines, "如东县人民政府令")
        assert red(mark.color)
        assert mark.top == pytest.approx(TEXT_TOP_MM + 20, abs=1.0)
        number = find(lines, "第3号")
        assert (number.x0 + number.x1) / 2 == pytest.approx(106, abs=1.0)
        assert number.top - mark.bottom > 20
        assert find(lines, "县长").text.replace("　", "").endswith("张某某")
        assert not [r for r in rules(doc.pages[0]) if red(r.color)]  # no red line in a 命令
    assert_seal_over_date(pdf, "2023年5月10日")
    assert_record_on_even_last_page(pdf)


def test_minutes(built) -> None:
    _, pdf = built("minutes")
    with open_pdf(pdf) as doc:
        lines = text_lines(doc.pages[0])
        mark = find(lines, "如东县人民政府常务会议纪要")
        assert red(mark.color)
        assert mark.top == pytest.approx(TEXT_TOP_MM + 35, abs=1.0)
        assert mark.x1 - mark.x0 < 156  # one line: the 标志 size was chosen to fit
        everything = [ln for page in doc.pages for ln in text_lines(page)]
        attend = find(everything, "出席：")
        assert attend.x0 == pytest.approx(LEFT_MM + 2 * 5.57, abs=0.5)
        assert find(everything, "分送：").text.endswith("。")
        assert not doc.pages[0].images  # 纪要 carry no seal
    assert_record_on_even_last_page(pdf)


def test_blank_page_before_record_is_unnumbered(built, engine: str) -> None:
    """Force the blank-page case on a real document: both last pages lose their numbers."""
    docx, _ = built("report-file")
    forced = even_pages.apply_plan(docx.read_bytes(), even_pages.Plan(page_break=True, blank_page=True))
    pdf = page_measure(engine)(forced)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = doc.pages
        blank, record = pages[-2], pages[-1]
        assert not [c for c in blank.chars if c["text"].strip()]  # blank page: nothing, no number
        assert page_number(record) is None
        assert "抄送" in "".join(c["text"] for c in record.chars)
        for i, page in enumerate(pages[:-2], start=1):
            assert page_number(page) == f"— {i} —"
