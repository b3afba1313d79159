"""The format templates and the post-render step, checked on the .docx XML (no layout needed).

Also the pure page planning of the 版记 and the data validation of the new meta fields.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.build import find_template, render
from docgen.elements.even_pages import PageFacts, Plan, plan, push_down
from docgen.elements.finish import even_table_grids
from docgen.elements.seal import place_seal, set_width_pt
from docgen.errors import DataErrors
from docgen.load import load_document

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}


def rendered(name: str) -> tuple[bytes, object]:
    data = ROOT / "data" / f"{name}-示例.yaml"
    document = load_document(data).document
    docx = render(document, find_template(document.template, data))
    return docx, document


def part(docx: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        return etree.fromstring(zf.read(name))


def styles_of(docx: bytes) -> list[str]:
    body = part(docx, "word/document.xml")
    return [p.get(f"{{{W}}}val") for p in body.iterfind(".//w:pPr/w:pStyle", NS)]


def test_notice_elements_in_order() -> None:
    docx, _ = rendered("notice")
    order = [s for s in styles_of(docx) if s in (
        "GwHeaderLine", "GwIssuerMark", "GwDocNumber", "GwRedLine", "GwTitle", "GwRecipient",
        "GwAttachNoteFirst", "GwSealSignature", "GwSealDate", "GwNote", "GwAttachLabel",
        "GwRecordCopy", "GwRecordPrint")]
    dedup = [s for i, s in enumerate(order) if i == 0 or s != order[i - 1]]
    assert dedup == ["GwHeaderLine", "GwIssuerMark", "GwDocNumber", "GwRedLine", "GwTitle",
                     "GwRecipient", "GwAttachNoteFirst", "GwSealSignature", "GwSealDate", "GwNote",
                     "GwAttachLabel", "GwRecordCopy", "GwRecordPrint"]
    styles = part(docx, "word/styles.xml")
    mark = styles.find("w:style[@w:styleId='GwIssuerMark']", NS)
    assert mark.find("w:rPr/w:color", NS).get(f"{{{W}}}val") == "FF0000"
    assert mark.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}eastAsia") == "方正小标宋简体"
    line = styles.find("w:style[@w:styleId='GwRedLine']/w:pPr/w:pBdr/w:top", NS)
    assert (line.get(f"{{{W}}}color"), line.get(f"{{{W}}}val")) == ("FF0000", "single")
    label = styles.find("w:style[@w:styleId='GwAttachLabel']/w:pPr", NS)
    assert label.find("w:pageBreakBefore", NS) is not None
    text = "".join(t.text or "" for t in part(docx, "word/document.xml").iter(f"{{{W}}}t"))
    assert "{{" not in text and "{%" not in text
    assert "抄送：县委各部门、县人大常委会办公室、县政协办公室、县法院、县检察院。" in text
    assert "2023年3月13日印发" in text


def test_record_table_rules() -> None:
    docx, _ = rendered("notice")
    body = part(docx, "word/document.xml")
    table = next(t for t in body.iterfind(".//w:tbl", NS)
                 if t.find(".//w:pStyle[@w:val='GwRecordCopy']", NS) is not None)
    borders = table.find("w:tblPr/w:tblBorders", NS)
    sz = {side: borders.find(f"w:{side}", NS).get(f"{{{W}}}sz") for side in ("top", "bottom", "insideH")}
    assert sz == {"top": "8", "bottom": "8", "insideH": "6"}  # 0.35 / 0.35 / 0.25 mm
    assert borders.find("w:left", NS).get(f"{{{W}}}val") == "nil"
    assert table.find("w:tblPr/w:tblW", NS).get(f"{{{W}}}w") == "8844"  # 156 mm


def test_seal_is_an_anchor_over_the_signature() -> None:
    docx, document = rendered("notice")
    sealed = place_seal(docx, document.meta.seal)
    body = part(sealed, "word/document.xml")
    sig = next(p for p in body.iterfind(".//w:p", NS)
               if p.find("w:pPr/w:pStyle[@w:val='GwSealSignature']", NS) is not None)
    anchor = sig.find(".//wp:anchor", NS)
    assert anchor is not None and anchor.get("behindDoc") == "0"
    assert anchor.find("wp:wrapNone", NS) is not None
    assert int(anchor.find("wp:positionV/wp:posOffset", NS).text) < 0  # rises above the 署名
    # the 署名 is centred over the date (whose right indent is 4 characters = 64 pt)
    sig_right = int(sig.find("w:pPr/w:ind", NS).get(f"{{{W}}}right")) / 20
    sig_w, date_w = set_width_pt("如东县人民政府办公室"), set_width_pt("2023年3月13日")
    assert sig_right + sig_w / 2 == pytest.approx(64 + date_w / 2, abs=0.1)
    assert sig_right != 64
    minutes = rendered("minutes")[0]  # one rendering: two differ in their zip entry times
    assert place_seal(minutes, document.meta.seal) == minutes


def test_attachment_table_is_a_body_table() -> None:
    """An attachment's table takes the body-table syntax: style 公文表格, the data's widths."""
    docx, _ = rendered("notice")
    body = part(even_table_grids(docx), "word/document.xml")
    table = next(t for t in body.iterfind(".//w:tbl", NS)
                 if "修订防汛防旱应急预案" in "".join(x.text or "" for x in t.iter(f"{{{W}}}t")))
    assert table.find("w:tblPr/w:tblStyle", NS).get(f"{{{W}}}val") == "GwTable"
    cols = [int(c.get(f"{{{W}}}w")) for c in table.iterfind("w:tblGrid/w:gridCol", NS)]
    assert sum(cols) == 8844 and cols[1] > cols[3] > cols[2] > cols[0]
    assert [len(r.findall("w:tc", NS)) for r in table.iterfind("w:tr", NS)] == [4, 4, 4, 4]


@pytest.mark.parametrize(("facts", "expected"), [
    (PageFacts(2, 2, content_above=True), Plan()),
    (PageFacts(4, 4, content_above=False), Plan()),
    (PageFacts(1, 1, content_above=True), Plan(page_break=True)),
    (PageFacts(3, 3, content_above=True), Plan(page_break=True)),
    (PageFacts(3, 3, content_above=False), Plan(page_break=True, blank_page=True)),
    (PageFacts(3, None), Plan()),
])
def test_page_plan(facts: PageFacts, expected: Plan) -> None:
    assert plan(facts) == expected


def test_push_grows_one_spacer() -> None:
    docx, _ = rendered("notice")
    once = push_down(docx, 100)
    twice = push_down(once, 50)
    body = part(twice, "word/document.xml")
    spacers = [p for p in body.iterfind("w:body/w:p", NS)
               if p.find("w:pPr/w:pStyle[@w:val='GwTail']", NS) is not None
               and p.find("w:r", NS) is None and p.find("w:pPr/w:sectPr", NS) is None
               and p.getnext() is not None and p.getnext().tag == f"{{{W}}}tbl"]
    assert [p.find("w:pPr/w:spacing", NS).get(f"{{{W}}}line") for p in spacers] == ["3000"]


@pytest.mark.parametrize(("line", "message"), [
    ("  doc_number: 东政发[2023]12号", "应写作：东政发〔2023〕12号"),
    ("  urgency: 很急", "紧急程度 “很急” 无法识别"),
    ("  copy_number: 12a", "份号（meta.copy_number）应当是不超过 6 位的阿拉伯数字"),
    ("  seal: 没有.png", "找不到印章图片 “没有.png”"),
    ("  order_number: 3号", "应写作：第3号"),
    ("  with_wenjian: 是", "只能写 true（是）或 false（否）"),
])
def test_meta_validation_names_line_and_fix(tmp_path: Path, line: str, message: str) -> None:
    data = tmp_path / "d.yaml"
    data.write_text("meta:\n  title: 甲\n  issuer: 乙\n  year: 2023\n  date: 2023-01-02\n"
                    f"{line}\nbody: [正文。]\n", encoding="utf-8")
    with pytest.raises(DataErrors) as info:
        load_document(data)
    text = info.value.describe()
    assert message in text
    assert f"{data}:6:" in text
