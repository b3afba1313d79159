"""Body tables and joint issuers: data validation, the .docx XML, and both engines' PDFs.

A body ``table:`` becomes a real Word table 156 mm wide with a repeated header
row and unsplittable rows; a long table repeats its header on the next page.
Several issuers: the 标志 names stacked with “文件” centred on them, the
署名 side by side with one seal on each and the date under the last.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from formats_support import (
    LEFT_MM,
    MM,
    RIGHT_MM,
    TEXT_TOP_MM,
    build_sample,
    find,
    open_pdf,
    red,
    text_lines,
)
from lxml import etree

from docgen.build import build, find_template, render
from docgen.elements.body_table import column_widths
from docgen.elements.joint_seal import arrange
from docgen.errors import DataErrors
from docgen.load import load_document
from docgen.numbering import number_blocks

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ENGINES = [
    "reportlab",
    pytest.param("libreoffice", marks=pytest.mark.skipif(shutil.which("soffice") is None,
                                                         reason="LibreOffice not installed")),
]
HEAD = "meta:\n  title: 甲\n  issuer: 乙\n  year: 2023\n  date: 2023-01-02\n"


def body_table_xml(docx: bytes):
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    return [t for t in root.iterfind(".//w:tbl", NS)
            if t.find("w:tblPr/w:tblStyle[@w:val='GwTable']", NS) is not None]


# ---------------------------------------------------------------- data and pure parts

@pytest.mark.parametrize(("table", "message", "line"), [
    ("    header: [项目, 件数]\n    rows:\n      - [驳回, 3]\n      - [撤销]\n",
     "表格第 2 行有 1 格，表头有 2 格", 11),
    ("    header: [项目, 件数]\n    rows: []\n", "数据行（rows）应当是非空的行列表", 9),
    ("    header: 项目\n    rows: [[a]]\n", "表头（header）应当是非空的单元格列表", 8),
    ("    rows: [[a]]\n", "正文表格缺少 header", 8),
    ("    header: [a, b]\n    rows: [[1, 2]]\n    widths: [1, 0]\n", "相对列宽（widths）应当是正数的列表", 10),
    ("    header: [a, b]\n    rows: [[1, 2]]\n    widths: [1]\n", "相对列宽（widths）有 1 个，表头有 2 列", 10),
    ("    header: [a, b]\n    rows: [[1, \"{{ figures.无 }}\"]]\n", "引用的 “无” 没有定义", 9),
    ("    header: [a]\n    rows: [[1]]\n    colour: red\n", "正文表格中有未知的键 “colour”", 10),
])
def test_body_table_errors_are_located(tmp_path: Path, table: str, message: str, line: int) -> None:
    data = tmp_path / "d.yaml"
    data.write_text(HEAD + "body:\n- table:\n" + table, encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        load_document(data)
    text = info.value.describe()
    assert message in text
    assert f"{data}:{line}:" in text


def test_body_table_cells_filled_and_numbered(tmp_path: Path) -> None:
    data = tmp_path / "d.yaml"
    data.write_text(HEAD + "figures:\n  驳回: 7\nbody:\n- heading: 情况\n  body:\n  - 见下表。\n"
                    "  - table:\n      caption: 情况表\n      header: [项目, 件数]\n"
                    "      rows: [[驳回, \"{{ figures.驳回 }}\"], [撤销, 2], [其他, ~]]\n"
                    "      widths: [3, 1]\n- 其后一段。\n", encoding="utf-8")
    doc = load_document(data).document
    blocks = number_blocks(doc.body, doc.numbering)
    assert [b.kind for b in blocks] == ["heading", "paragraph", "table", "paragraph"]
    table = blocks[2].table
    assert blocks[2].heading == "情况表"
    assert table.rows == (("驳回", "7"), ("撤销", "2"), ("其他", ""))
    assert table.widths == (3.0, 1.0)


def test_column_widths_fill_the_text_block() -> None:
    assert column_widths((3, 1, 1), 3) == [5306, 1769, 1769]
    assert sum(column_widths((1, 1, 1), 3)) == 8844
    assert column_widths((), 4) == [2211, 2211, 2211, 2211]
    with pytest.raises(ValueError):
        column_widths((1, 2), 3)


def test_joint_signatures_side_by_side_last_on_the_date() -> None:
    names = [160.0, 130.0]
    rows = arrange(names, 100.0)
    assert len(rows) == 1 and len(rows[0]) == 2
    last = 442.2 - 64 - 50
    assert rows[0][1] == pytest.approx(last, abs=0.1)
    assert rows[0][1] - rows[0][0] >= 119  # seals 42 mm across do not touch
    assert rows[0][0] - 119 / 2 >= 0  # nor leave the text block
    stacked = arrange([130.0] * 5, 100.0)
    assert [len(r) for r in stacked] == [2, 2, 1]
    assert stacked[-1][-1] == pytest.approx(last, abs=0.1)


# ---------------------------------------------------------------- the .docx

def test_notice_body_table_xml() -> None:
    data = ROOT / "data" / "notice-示例.yaml"
    document = load_document(data).document
    docx = render(document, find_template(document.template, data))
    tbl, attachment_table = body_table_xml(docx)  # the body's, then the attachment's
    assert len(attachment_table.findall("w:tblGrid/w:gridCol", NS)) == 4
    assert tbl.find("w:tblPr/w:tblW", NS).get(f"{{{W}}}w") == "8844"
    assert tbl.find("w:tblPr/w:jc", NS).get(f"{{{W}}}val") == "center"
    cols = [int(c.get(f"{{{W}}}w")) for c in tbl.iterfind("w:tblGrid/w:gridCol", NS)]
    assert cols == [4422, 2211, 2211]
    rows = tbl.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    cells = [["".join(t.text for t in tc.iter(f"{{{W}}}t")) for tc in r.findall("w:tc", NS)]
             for r in rows]
    assert cells[0] == ["项目", "次数", "参与人次"]
    assert cells[1] == ["防汛应急演练", "12", "860"]
    caption = tbl.getprevious()
    assert caption.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val") == "GwTableCaption"
    text = "".join(t.text or "" for t in tbl.getroottree().iter(f"{{{W}}}t"))
    assert "〔docgen表格" not in text
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
    style = styles.find("w:style[@w:styleId='GwTable']", NS)
    assert style.get(f"{{{W}}}type") == "table"
    assert style.find("w:name", NS).get(f"{{{W}}}val") == "公文表格"
    assert style.find("w:tblPr/w:tblBorders/w:insideV", NS).get(f"{{{W}}}val") == "single"


# ---------------------------------------------------------------- both engines' PDFs

@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return request.param


def table_rules(page) -> tuple[list[dict], list[dict]]:
    """Black horizontal rules (cell segments joined per height) and vertical rules, in mm."""
    segments: dict[float, list[tuple[float, float]]] = {}
    vert = []
    for obj in page.lines + page.rects:
        colour = tuple(obj.get("stroking_color") or ())
        if colour and max(colour) > 0.1:
            continue
        x0, x1, top, bottom = (obj[k] / MM for k in ("x0", "x1", "top", "bottom"))
        if bottom - top < 0.5 and x1 - x0 > 3:
            segments.setdefault(round(top, 1), []).append((x0, x1))
        elif x1 - x0 < 0.5 and bottom - top > 3:
            vert.append({"x": x0, "top": top, "bottom": bottom})
    horiz = [{"x0": min(a for a, _ in seg), "x1": max(b for _, b in seg), "y": y}
             for y, seg in sorted(segments.items())]
    return horiz, vert


def test_notice_body_table_pdf(tmp_path_factory: pytest.TempPathFactory, engine: str) -> None:
    _, pdf = build_sample("notice", tmp_path_factory.mktemp("table"), engine)
    with open_pdf(pdf) as doc:
        page = next(p for p in doc.pages if "2022年全县应急处置情况表" in "".join(c["text"] for c in p.chars))
        lines = text_lines(page)
        caption = find(lines, "2022年全县应急处置情况表")
        assert (caption.x0 + caption.x1) / 2 == pytest.approx(106, abs=1.5)  # centred
        horiz, vert = table_rules(page)
        below = [h for h in horiz if h["y"] > caption.bottom]
        assert len(below) >= 5  # top, three row separators... and bottom
        for h in below:
            assert h["x1"] - h["x0"] == pytest.approx(156, abs=0.8)  # 156 mm wide
            assert h["x0"] == pytest.approx(LEFT_MM, abs=0.8)
        xs = sorted({round(v["x"]) for v in vert if v["top"] > caption.bottom})
        assert xs[0] == pytest.approx(LEFT_MM, abs=1) and xs[-1] == pytest.approx(RIGHT_MM, abs=1)
        order = [ln.text.replace(" ", "") for ln in lines if ln.top > caption.bottom]
        at = [next(i for i, t in enumerate(order) if w in t)
              for w in ("项目", "防汛应急演练", "安全生产检查", "森林防火巡查")]
        assert at == sorted(at)
        row = find(lines, "防汛应急演练")
        assert "12" in row.text and "860" in row.text
        assert row.size == pytest.approx(16)  # the body's size


def test_long_table_repeats_its_header(tmp_path: Path, engine: str) -> None:
    rows = "\n".join(f"    - [第{i}项工作, \"{i * 3}\", 已完成]" for i in range(1, 41))
    data = tmp_path / "长表格.yaml"
    data.write_text(HEAD + "body:\n- 全年各项工作完成情况如下。\n- table:\n    caption: 工作完成情况表\n"
                    f"    header: [工作事项, 件数, 完成情况]\n    rows:\n{rows}\n- 以上为全年情况。\n",
                    encoding="utf-8")
    result = build(data, out_dir=tmp_path / "out", pdf=True, pdf_engine=engine)
    with open_pdf(result.pdf) as doc:
        pages = [[ln.text.replace(" ", "") for ln in text_lines(p)] for p in doc.pages]
    spanned = [i for i, texts in enumerate(pages) if any(t.startswith("第") for t in texts)]
    assert len(spanned) >= 2
    for i in spanned:
        body = [t for t in pages[i] if not t.startswith("—")]
        header = next(j for j, t in enumerate(body) if "工作事项" in t)
        first_row = next(j for j, t in enumerate(body) if t.startswith("第"))
        assert header < first_row  # the header row leads every page of the table
        assert "件数" in body[header] and "完成情况" in body[header]
    everything = [t for texts in pages for t in texts if t.startswith("第")]
    numbers = [int(t.split("第")[1].split("项")[0]) for t in everything]
    assert numbers == list(range(1, 41))  # every row once, in order, none split


def test_joint_issuers_pdf(tmp_path_factory: pytest.TempPathFactory, engine: str) -> None:
    _, pdf = build_sample("notice-联合", tmp_path_factory.mktemp("joint"), engine)
    with open_pdf(pdf) as doc:
        first = text_lines(doc.pages[0])
        host = find(first, "如东县人民政府办公室")
        other = next(ln for ln in first if ln.text.replace(" ", "") == "如东县应急管理局")
        wenjian = next(ln for ln in first if ln.text == "文件")
        assert red(host.color) and red(other.color) and red(wenjian.color)
        assert host.top == pytest.approx(TEXT_TOP_MM + 35, abs=1.5)  # 35 mm below the text top
        assert other.top > host.bottom - 0.5  # stacked, host first
        assert other.x0 == pytest.approx(host.x0, abs=1) and other.x1 == pytest.approx(host.x1, abs=1)
        middle = (host.top + other.bottom) / 2
        assert (wenjian.top + wenjian.bottom) / 2 == pytest.approx(middle, abs=1.5)  # 文件 centred
        assert wenjian.x0 > host.x1 - 0.5 and wenjian.x1 <= RIGHT_MM + 0.5
        last = doc.pages[[i for i, p in enumerate(doc.pages) if "2023年5月26日" in
                          "".join(c["text"] for c in p.chars)][0]]
        lines = text_lines(last)
        date = next(ln for ln in lines if ln.text.replace(" ", "") == "2023年5月26日")
        row = next(ln for ln in lines if "如东县应急管理局" in ln.text.replace(" ", "")
                   and ln.bottom < date.top)
        seals = sorted(last.images, key=lambda im: im["x0"])
        assert len(seals) == 2
        centres = [(s["x0"] + s["x1"]) / 2 / MM for s in seals]
        assert seals[0]["x1"] < seals[1]["x0"]  # seals do not touch
        assert seals[0]["x0"] / MM >= LEFT_MM - 0.5 and seals[1]["x1"] / MM <= RIGHT_MM + 0.5
        for s in seals:
            assert s["x1"] / MM - s["x0"] / MM == pytest.approx(42, abs=0.5)
            assert s["top"] / MM < row.top and row.bottom < s["bottom"] / MM  # pressing on 署名
        # the names side by side on one line, each under its seal
        chars = [c for c in last.chars if abs((last.height - c["matrix"][5]) / MM - (row.bottom - 0.12 * 16 / MM)) < 2]
        host_chars = [c for c in chars if c["x0"] / MM < (centres[0] + centres[1]) / 2]
        other_chars = [c for c in chars if c["x0"] / MM >= (centres[0] + centres[1]) / 2]
        assert "".join(c["text"] for c in host_chars) == "如东县人民政府办公室"
        assert "".join(c["text"] for c in other_chars) == "如东县应急管理局"
        for part, centre in ((host_chars, centres[0]), (other_chars, centres[1])):
            mid = (part[0]["x0"] + part[-1]["x1"]) / 2 / MM
            assert mid == pytest.approx(centre, abs=2.0)
        # the date under the last 署名, four characters from the right, under the last seal
        assert (date.x0 + date.x1) / 2 == pytest.approx(centres[1], abs=2.0)
        assert date.x1 == pytest.approx(RIGHT_MM - 4 * 5.57, abs=1.0)
        assert seals[1]["bottom"] / MM > date.bottom


def test_joint_issuers_without_seals(tmp_path: Path, engine: str) -> None:
    """Several issuers, no seals: names stacked host first, right-aligned two characters in,
    the date's first character two characters right of the last name's first
    (GB/T 9704 §7.3.5.2 and ../shared/gbt9704.md)."""
    sample = (ROOT / "data" / "notice-联合-示例.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in sample.splitlines(keepends=True) if not ln.lstrip().startswith("seal:")]
    data = tmp_path / "joint-unsealed.yaml"
    data.write_text("".join(lines), encoding="utf-8")
    result = build(data, out_dir=tmp_path / "out", pdf_engine=engine)
    with open_pdf(result.pdf) as doc:
        page = next(p for p in doc.pages if "2023年5月26日" in "".join(c["text"] for c in p.chars))
        assert not page.images
        found = text_lines(page)
        date = next(ln for ln in found if ln.text.replace(" ", "") == "2023年5月26日")
        host = next(ln for ln in found if ln.text.replace(" ", "") == "如东县人民政府办公室"
                    and ln.bottom < date.top)
        other = next(ln for ln in found if ln.text.replace(" ", "") == "如东县应急管理局"
                     and ln.bottom < date.top)
        assert host.bottom <= other.top + 0.5 and other.bottom <= date.top + 0.5  # stacked in order
        assert host.x1 == pytest.approx(RIGHT_MM - 2 * 5.57, abs=1.0)  # two characters in
        assert other.x1 == pytest.approx(host.x1, abs=0.5)  # right-aligned stack
        assert date.x0 == pytest.approx(other.x0 + 2 * 5.57, abs=1.0)
