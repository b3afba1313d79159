"""Attachments are documents, and the body structures real reports use (checked on the
.docx that docgen writes for the documents in tests/documents/ and on small variants)."""

from __future__ import annotations

import functools
import io
import tempfile
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document as open_docx

from docgen.build import build
from docgen.errors import DocgenError

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "tests" / "documents"


def doc(name: str) -> Path:
    (path,) = DOCS.glob(f"{name}-*.yaml")
    return path


def paragraphs(data: Path, tmp_path: Path) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph of the built .docx, tables' cells included."""
    return list(_paragraphs(data))


@functools.cache
def _paragraphs(data: Path) -> tuple[tuple[str, str], ...]:
    with tempfile.TemporaryDirectory() as tmp:
        return tuple(_read(data, Path(tmp)))


def _read(data: Path, tmp_path: Path) -> list[tuple[str, str]]:
    result = build(data, out_dir=tmp_path, pdf=False, draft=True)
    document = open_docx(str(result.docx))
    out = []
    body = document.element.body
    for p in body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        from docx.text.paragraph import Paragraph  # noqa: PLC0415

        para = Paragraph(p, document)
        if para.text.strip():
            out.append((para.style.name if para.style is not None else "", para.text))
    return out


def texts(paras: list[tuple[str, str]]) -> list[str]:
    return [t for _, t in paras]


def after(paras: list[tuple[str, str]], text: str) -> list[str]:
    found = texts(paras)
    return found[found.index(text) + 1:]


def test_attachment_body_has_its_own_numbering_figures_and_table(tmp_path: Path) -> None:
    paras = paragraphs(doc("01"), tmp_path)
    rest = after(paras, "附件")
    # the attachment's title is broken like the main title (between words, a trapezoid)
    assert rest[0] == "2022年度江宁区行政复议\n和行政应诉情况统计表"
    # numbering restarts inside the attachment: 一、 again, then its own （一）（二）
    assert rest[1] == "一、行政复议"
    assert rest[2] == "全年收到行政复议申请412件，受理368件。"
    assert rest[3] == "（一）审结情况。审结351件，其中维持287件。"
    assert "二、行政应诉" in rest
    assert "行政应诉案件分类统计表" in rest
    cells = rest[rest.index("行政应诉案件分类统计表") + 1:]
    assert cells[:3] == ["类别", "件数", "占比"]
    assert cells[3:6] == ["土地征收", "102", "35.7%"]
    assert ("附件标识", "附件") in paras and ("附件说明", "附件：2022年度江宁区行政复议和行政应诉情况统计表") in paras


def test_run_in_heading_with_inline_enumeration_and_enumeration_under_level_one(tmp_path: Path) -> None:
    found = texts(paragraphs(doc("01"), tmp_path))
    assert ("1.压实第一责任人职责。区政府主要负责人专题听取法治政府建设工作汇报4次。"
            "一是将履行推进法治建设第一责任人职责情况列入年终述职内容；"
            "二是组织区政府常务会议集中学法12次；"
            "三是开展领导干部应知应会法律法规考试，参考率100%。") in found
    below = after([("", t) for t in found], "二、2022年度推进法治政府建设存在的不足和原因")
    assert below[0].startswith("一是依法行政意识") and below[1].startswith("二是行政执法")
    # level 3 restarts under each level 2 by default
    third = [t for t in found if t[:2] in ("1.", "2.", "3.")]
    assert [t[:2] for t in third] == ["1.", "2.", "1.", "2.", "1.", "2."]


def test_lead_in_and_inline_enumeration_in_one_paragraph_and_level_three_through_the_document(
        tmp_path: Path) -> None:
    found = texts(paragraphs(doc("06"), tmp_path))
    assert ("全区坚持和发展新时代“枫桥经验”，推动矛盾纠纷源头化解：一是调解矛盾纠纷成功3810件；"
            "二是办理行政复议案件176件；三是建成镇街公共法律服务工作站全覆盖。") in found
    numbers = [t.split(".")[0] for t in found if t[:1].isdigit() and "." in t[:3]]
    assert numbers == ["1", "2", "3", "4", "5"]  # continue: [3]


def test_level_three_runs_on_under_level_two_and_restarts_under_level_one(tmp_path: Path) -> None:
    found = texts(paragraphs(doc("04"), tmp_path))
    labels = [t[:2] for t in found if t[:1].isdigit() and t[1] == "."]
    # 一、 (一) 1. 2. (二) 3. 4. | 三、 (一) 1. (二) 2. 3.
    assert labels == ["1.", "2.", "3.", "4.", "1.", "2.", "3."]


def test_issued_document_follows_the_notice_without_note_or_label(tmp_path: Path) -> None:
    paras = paragraphs(doc("02"), tmp_path)
    found = texts(paras)
    assert not any(t.startswith("附件") for t in found)
    titles = [t for style, t in paras if style == "印发文件标题"]
    assert titles == ["2023年吴江区法治政府建设工作要点"]
    rest = after(paras, titles[0])
    assert rest[1] == "一、推进政府职能转变"
    assert rest[2] == "（一）深化行政审批制度改革。全面实行政府权责清单制度，动态调整清单事项。"
    assert "各镇人民政府、各街道办事处，区各委办局、区各直属单位：" in found


def test_several_attachments_each_restart_and_are_labelled(tmp_path: Path) -> None:
    paras = paragraphs(doc("08"), tmp_path)
    found = texts(paras)
    assert found.count("一、优化市场准入") == 1 and "一、任务分解" in found
    assert [t for s, t in paras if s == "附件标识"] == ["附件1", "附件2"]
    assert "附件：1.2023年市场监管工作要点" in found and "2.2023年质量强市重点任务分解表" in found
    assert "（一）深化商事制度改革。全年新设市场主体12000户。一是推行经营主体登记“全程网办”；" \
           "二是开展“一照多址”改革试点。" in found
    assert "培育市长质量奖企业3家" in found
    assert "各区镇人民政府、街道办事处，市各委办局，市各直属单位：" in found


def _variant(tmp_path: Path, source: Path, old: str, new: str) -> Path:
    text = source.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / "data" / source.name
    target.parent.mkdir(exist_ok=True)
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    (target.parent / "印章.png").write_bytes((DOCS / "印章.png").read_bytes())
    return target


def test_template_without_attachment_pages_refuses_them(tmp_path: Path) -> None:
    data = _variant(tmp_path, ROOT / "data" / "order-示例.yaml", "meta:\n",
                    "meta:\n  attachments:\n    - name: 实施细则\n      body: [第一条 细则正文。]\n")
    with pytest.raises(DocgenError) as caught:
        build(data, out_dir=tmp_path / "out", pdf=False, draft=True)
    message = caught.value.describe()
    assert "order.docx" in message and "实施细则" in message and "附件" in message
    line = data.read_text(encoding="utf-8").splitlines().index("    - name: 实施细则") + 1
    assert f"{data}:{line}:" in message and "meta.attachments[0]" in message  # where, in the data
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_old_attachment_table_rows_get_a_message(tmp_path: Path) -> None:
    data = _variant(tmp_path, doc("03"), "      table:\n        header: [项目, 内容]\n"
                    "        widths: [1, 3]\n        rows:\n",
                    "      table:\n        - [项目, 内容]\n      old_rows:\n")
    with pytest.raises(DocgenError) as caught:
        build(data, out_dir=tmp_path / "out", pdf=False, draft=True)
    assert "附件表格的写法与正文表格相同" in caught.value.describe()


def test_forced_title_lines_and_one_line_metadata(tmp_path: Path) -> None:
    data = _variant(tmp_path, doc("06"),
                    "  title: 南通市崇川区人民政府关于2022年法治政府建设情况和2023年工作安排的报告\n",
                    "  title:\n    - 南通市崇川区人民政府关于2022年法治政府建设情况\n"
                    "    - 和2023年工作安排的报告\n")
    result = build(data, out_dir=tmp_path / "out", draft=True)
    title = "南通市崇川区人民政府关于2022年法治政府建设情况和2023年工作安排的报告"
    assert result.docx.name == f"{title}.docx" and result.pdf.name == f"{title}.pdf"
    first = open_docx(str(result.docx)).paragraphs[0].text
    assert first == "南通市崇川区人民政府关于2022年法治政府建设情况\n和2023年工作安排的报告"
    with pikepdf.open(result.pdf) as pdf:
        assert str(pdf.open_metadata().get("dc:title")) == title


def test_report_template_breaks_its_title(tmp_path: Path) -> None:
    result = build(doc("01"), out_dir=tmp_path, pdf=False, draft=True)
    with zipfile.ZipFile(io.BytesIO(result.docx.read_bytes())) as archive:
        xml = archive.read("word/document.xml").decode()
    assert "<w:br/>" in xml.split("南京市人民政府：")[0]  # a line break inside the title paragraph
    assert open_docx(str(result.docx)).paragraphs[0].text == \
        "南京市江宁区人民政府\n关于2022年度法治政府建设工作情况的报告"
