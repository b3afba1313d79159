"""``docgen import``: documents nobody here made, and docgen's own output, back to data files.

* the web page's copy of the seed report (tests/fixtures/seed_webcopy.txt) imports to the same
  structure as the hand-made data/2022-如东县法治政府建设情况报告.yaml: every heading's level and
  kind, every enumeration, every figure's value;
* every sample in data/ round-trips: build → import the .docx → build again prints the same
  document (every paragraph and table row, so the same body text, numbering and meta);
* Word automatic numbering (numPr lists, made here with python-docx) gives the right levels.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from import_support import docx_lines, figure_values, shape

from docgen.build import build
from docgen.importer import import_document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
WEBCOPY = ROOT / "tests" / "fixtures" / "seed_webcopy.txt"
SAMPLES = sorted((ROOT / "data").glob("*.yaml")) + sorted((ROOT / "tests" / "documents").glob("*.yaml"))


def _write(imported, path: Path) -> Path:
    path.write_text(imported.yaml, encoding="utf-8")
    for name, data in imported.pictures.items():
        (path.parent / name).write_bytes(data)
    return path


@pytest.fixture(scope="module")
def webcopy(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("web") / "web.yaml"
    return _write(import_document(WEBCOPY), out)


def test_webcopy_has_the_seed_structure(webcopy):
    expected, got = shape(SEED), shape(webcopy)
    assert len(got) == len(expected) == 43
    assert got == expected  # kinds, levels and computed numbers (一、 （一） 1.–22. 一是)


def test_webcopy_enumeration_and_level_skip(webcopy):
    import yaml

    data = yaml.safe_load(webcopy.read_text(encoding="utf-8"))
    assert data["numbering"] == {"continue": [3]}  # 1–22 run on across parts one and two
    part_two = data["body"][2]
    assert [item.get("level") for item in part_two["body"]] == [3, 3, 3]  # 二、 → 20. directly
    part_three = data["body"][3]
    assert len(part_three["body"][0]["enumerate"]) == 3 and "inline" not in part_three["body"][0]


def test_webcopy_figures_have_the_seed_values(webcopy):
    expected, got = figure_values(SEED), figure_values(webcopy)
    assert len(expected) == 85
    assert got == expected


def test_webcopy_meta_and_report():
    imported = import_document(WEBCOPY)
    meta = imported.meta
    assert meta["title"] == "2022年如东县法治政府建设情况报告"
    assert meta["issuer"] == "如东县人民政府" and meta["year"] == 2022
    assert meta["date"].isoformat() == "2023-03-13"
    assert imported.template == "report"
    text = imported.report.render()
    assert "第 1 行：网页的栏目、来源等信息 “当前位置: 首页 > 要闻动态 > 公示公告”" in text  # dropped, said so
    assert "编号 “(一)”“(二)”" in text and "不是标准写法" in text and "第 9、17、21" in text
    assert "发布时间" in text


def test_figure_comments_carry_the_sentence():
    imported = import_document(WEBCOPY)
    text = imported.yaml
    line = next(x for x in text.splitlines() if ": 21278" in x)
    assert "# 2022年全县实行证明告知承诺制的行政事项共办理21278件。" in line
    assert "{{ figures." in text and "21278件" not in text.split("body:")[1]
    # equal values stay separate figures (next year they may differ)
    sixes = [f for f in imported.figures if f.value == "6"]
    assert len(sixes) >= 2 and len({f.name for f in sixes}) == len(sixes)
    years = [f for f in imported.figures if f.value in ("2022", "2021", "2025", "12345")]
    assert years == []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_round_trip(sample, tmp_path):
    first = build(sample, out_dir=tmp_path / "1", pdf=False)
    imported = import_document(first.docx, seal_prefix="导入-印章")
    data = _write(imported, tmp_path / "导入.yaml")
    second = build(data, out_dir=tmp_path / "2", pdf=False)
    assert docx_lines(second.docx) == docx_lines(first.docx)
    assert second.docx.name == first.docx.name  # same title
    assert shape(data) == shape(sample)  # same numbering, same kinds
    from docgen.load import load_document

    a = load_document(sample).document.meta
    b = load_document(data).document.meta
    for field in ("title", "issuers", "date", "recipients", "recipient_groups", "doc_number", "signer", "copy_number",
                  "classification", "urgency", "note", "copy_to", "printer", "print_date",
                  "order_number", "attendees", "absent", "observers", "issuer_mark"):
        if field == "date" and a.date not in (b.date,) and sample.stem.startswith("minutes"):
            continue  # a 纪要 prints no 成文日期: it cannot come back
        assert getattr(b, field) == getattr(a, field), field
    assert [x.name for x in b.attachments] == [x.name for x in a.attachments]
    assert len(b.seals) == len(a.seals)


def _numbered_docx(path: Path) -> Path:
    """A document whose headings use one Word list (numPr) over four levels, made with python-docx."""
    d = docx.Document()
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."),
              ("decimal", "（%4）")]
    xml = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                  f'<w:lvlText w:val="{text}"/></w:lvl>' for i, (fmt, text) in enumerate(levels))
    numbering = d.part.numbering_part.element
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="77">{xml}</w:abstractNum>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="77"><w:abstractNumId w:val="77"/></w:num>'))

    def numbered(text: str, ilvl: int, bold_lead: str = "") -> None:
        p = d.add_paragraph()
        if bold_lead:
            p.add_run(bold_lead).bold = True
        p.add_run(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="77"/></w:numPr>'))

    title = d.add_paragraph("如东县某局2023年工作总结")
    title.alignment = 1
    d.add_paragraph("2023年，我局认真贯彻落实各项工作部署，现将有关情况总结如下。")
    numbered("主要工作", 0)
    numbered("深化改革", 1)
    numbered("坚持依法履职，办理审批事项120件。", 2, bold_lead="推进“放管服”改革。")
    numbered("加强审核", 3)
    d.add_paragraph("全年审核文件35件。")
    numbered("下一步打算", 0)
    numbered("持续优化服务", 1)
    d.add_paragraph("如东县某局")
    d.add_paragraph("2024年1月10日")
    d.save(str(path))
    return path


def test_word_automatic_numbering_levels(tmp_path):
    source = _numbered_docx(tmp_path / "自动编号.docx")
    imported = import_document(source)
    headings = [(i.kind, i.level, i.title) for i in imported.items if i.kind in ("heading", "run_in")]
    assert headings == [("heading", 1, "主要工作"), ("heading", 2, "深化改革"),
                        ("run_in", 3, "推进“放管服”改革。"), ("heading", 4, "加强审核"),
                        ("heading", 1, "下一步打算"), ("heading", 2, "持续优化服务")]
    assert imported.meta["issuer"] == "如东县某局" and imported.meta["date"].isoformat() == "2024-01-10"
    data = _write(imported, tmp_path / "自动编号.yaml")
    built = build(data, out_dir=tmp_path / "out", pdf=False)
    lines = docx_lines(built.docx)
    for expected in ("一、主要工作", "（一）深化改革", "1.推进“放管服”改革。坚持依法履职，办理审批事项120件。",
                     "（1）加强审核", "二、下一步打算", "（一）持续优化服务"):
        assert expected in lines


def test_hand_numbers_wrong_forms(tmp_path):
    source = tmp_path / "手写.txt"
    source.write_text("关于做好防汛工作的通知\n各镇人民政府：\n现将有关事项通知如下。\n"
                      "一.总体要求\n(一)压实责任。各镇要落实责任。\n1、明确分工。要明确分工。\n"
                      "（1）细化措施\n二、保障措施\n一是加强值守；二是及时报告。\n"
                      "如东县人民政府\n2023年5月6日\n", encoding="utf-8")
    imported = import_document(source)
    assert [(i.kind, i.level) for i in imported.items] == [
        ("paragraph", 0), ("heading", 1), ("run_in", 2), ("run_in", 3), ("heading", 4),
        ("heading", 1), ("inline_enumeration", 0)]
    assert imported.meta["recipients"] == ["各镇人民政府"]
    lines = docx_lines(build(_write(imported, tmp_path / "手写.yaml"), out_dir=tmp_path / "o",
                             pdf=False).docx)
    assert "（一）压实责任。各镇要落实责任。" in lines and "一是加强值守；二是及时报告。" in lines


def test_cli_import_writes_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "网页.yaml"
    cmd = [sys.executable, "-m", "docgen", "import", str(WEBCOPY), "-o", str(target)]
    first = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert target.is_file() and "已写出" in first.stdout and "未导入" in first.stdout
    target.write_text(target.read_text(encoding="utf-8") + "# 已修改\n", encoding="utf-8")
    again = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 1 and "已经存在" in again.stderr and "--force" in again.stderr
    assert target.read_text(encoding="utf-8").endswith("# 已修改\n")  # left as it was
    forced = subprocess.run([*cmd, "--force"], capture_output=True, text=True, cwd=tmp_path)
    assert forced.returncode == 0 and not target.read_text(encoding="utf-8").endswith("# 已修改\n")


@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_doc_without_libreoffice_says_so(tmp_path, suffix):
    source = tmp_path / f"旧文件{suffix}"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    empty = tmp_path / "bin"
    empty.mkdir()
    run = subprocess.run([sys.executable, "-m", "docgen", "import", str(source), "-o",
                          str(tmp_path / "x.yaml")], capture_output=True, text=True,
                         env={"PATH": str(empty), "HOME": str(tmp_path)})
    assert run.returncode == 1
    assert "LibreOffice" in run.stderr and "另存为 .docx" in run.stderr and f"旧文件{suffix}" in run.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_cli_template_override(tmp_path):
    target = tmp_path / "通知.yaml"
    cmd = [sys.executable, "-m", "docgen", "import", str(WEBCOPY), "-o", str(target)]
    run = subprocess.run([*cmd, "--template", "notice"], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    line = next(x for x in target.read_text(encoding="utf-8").splitlines() if x.startswith("template:"))
    assert line.startswith("template: notice") and "自动判断为 report" in line
    bad = subprocess.run([*cmd, "--force", "--template", "没有"], capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1 and "没有名为 “没有” 的模板" in bad.stderr and "report-file" in bad.stderr


def test_heading_styles_without_numbers(tmp_path):
    """Word's own 标题 1/2 styles (outline levels), no numbers typed: levels from the styles."""
    d = docx.Document()
    d.add_paragraph("关于加强安全生产工作的意见").alignment = 1
    d.add_paragraph("为进一步加强安全生产工作，提出如下意见。")
    d.add_paragraph("总体要求", style="Heading 1")
    d.add_paragraph("坚持安全发展理念。")
    d.add_paragraph("压实责任", style="Heading 2")
    d.add_paragraph("各地要落实属地责任。")
    d.add_paragraph("保障措施", style="Heading 1")
    d.add_paragraph("加强督查考核。")
    source = tmp_path / "样式标题.docx"
    d.save(str(source))
    imported = import_document(source)
    assert [(i.kind, i.level) for i in imported.items] == [
        ("paragraph", 0), ("heading", 1), ("paragraph", 0), ("heading", 2), ("paragraph", 0),
        ("heading", 1), ("paragraph", 0)]
    assert "按大纲级别/标题样式定为第 1 层" in imported.report.render()  # said to be a guess
    lines = docx_lines(build(_write(imported, tmp_path / "样式.yaml"), out_dir=tmp_path / "o",
                             pdf=False).docx)
    assert "一、总体要求" in lines and "（一）压实责任" in lines and "二、保障措施" in lines


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_doc_through_libreoffice(tmp_path):
    first = build(ROOT / "data" / "request-示例.yaml", out_dir=tmp_path / "1", pdf=False)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(first.docx)],
                   check=True, capture_output=True, timeout=180)
    source = next(tmp_path.glob("*.doc"))
    imported = import_document(source)
    assert imported.template == "request"
    assert imported.meta["doc_number"] == "东政发〔2023〕8号" and imported.meta["signer"] == "张某某"
    second = build(_write(imported, tmp_path / "旧版.yaml"), out_dir=tmp_path / "2", pdf=False)
    assert docx_lines(second.docx) == docx_lines(first.docx)


def _clerk_docx(path: Path) -> Path:
    """A 公文 as a clerk types it in Word: no docgen styles, hand numbers, bold run-in headings."""
    d = docx.Document()

    def para(text: str = "", *, center: bool = False, bold_lead: str = "") -> None:
        p = d.add_paragraph()
        if bold_lead:
            p.add_run(bold_lead).bold = True
        p.add_run(text)
        if center:
            p.alignment = 1

    para("如东县交通运输局文件", center=True)
    para()
    para("东交发[2023]07号", center=True)
    para("如东县交通运输局关于", center=True)
    para("开展道路安全隐患排查的通知", center=True)
    para("各镇（区、街道）交通管理所、局属各单位：")
    para("　　为切实消除道路安全隐患，现将有关事项通知如下。")
    para("　　一、排查范围")
    para("　　全县农村公路1280公里、桥梁356座。")
    para("　　二、工作要求")
    para("各单位要加强领导。", bold_lead="　　（一）加强组织领导。")
    para("　　1．明确责任。主要负责人是第一责任人。")
    para("　　2．细化方案。各单位于6月10日前报送方案。")
    para("认真开展排查。", bold_lead="　　（二）认真开展排查。")
    para("　　一是排查临水临崖路段；")
    para("　　二是排查危旧桥梁；")
    para("　　三是排查平交路口。")
    para("2022年排查情况见下表。")
    para("2022年排查情况表", center=True)
    table = d.add_table(rows=3, cols=2)
    for r, row in enumerate([("项目", "数量"), ("临水路段", "46"), ("危旧桥梁", "12")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    para("　　附件：1．排查工作安排表")
    para("　　　　　2．隐患台账")
    para()
    para("如东县交通运输局")
    para("二〇二三年六月一日")
    para("（此件公开发布）")
    d.add_page_break()
    para("附件1")
    para("排查工作安排表", center=True)
    para("6月上旬完成自查，6月下旬完成复查。")
    para("抄送：县安委办，县公安局交警大队。")
    para("如东县交通运输局办公室　　　　2023年6月2日印发")
    d.save(str(path))
    return path


def test_clerk_typed_notice(tmp_path):
    imported = import_document(_clerk_docx(tmp_path / "通知.docx"))
    meta = imported.meta
    assert imported.template == "notice"
    assert meta["title"] == "如东县交通运输局关于开展道路安全隐患排查的通知"
    assert meta["doc_number"] == "东交发〔2023〕7号"  # brackets and the leading zero corrected
    assert meta["issuer"] == "如东县交通运输局" and meta["date"].isoformat() == "2023-06-01"
    assert meta["recipients"] == ["各镇（区、街道）交通管理所", "局属各单位"]
    assert meta["note"] == "此件公开发布"
    assert meta["copy_to"] == ["县安委办", "县公安局交警大队"]
    assert meta["printer"] == "如东县交通运输局办公室" and meta["print_date"].isoformat() == "2023-06-02"
    assert meta["attachments"][0]["name"] == "排查工作安排表" and meta["attachments"][1] == "隐患台账"
    assert [(i.kind, i.level) for i in imported.items] == [
        ("paragraph", 0), ("heading", 1), ("paragraph", 0), ("heading", 1), ("run_in", 2),
        ("run_in", 3), ("run_in", 3), ("run_in", 2), ("enumeration", 0), ("paragraph", 0),
        ("table", 0)]
    assert imported.items[-1].table["caption"] == "2022年排查情况表"
    # 6月10日 is a date, not a figure; the table's numbers are named by row and column
    assert [(f.name, f.value) for f in imported.figures][2:] == [("临水路段数量", "46"), ("危旧桥梁数量", "12")]
    assert [f.value for f in imported.figures][:2] == ["1280", "356"]
    report = imported.report.render()
    assert "东交发[2023]07号" in report and "“1．” 不是标准写法" in report
    built = build(_write(imported, tmp_path / "通知.yaml"), out_dir=tmp_path / "o", pdf=False)
    lines = docx_lines(built.docx)
    for expected in ("一、排查范围", "（一）加强组织领导。各单位要加强领导。", "1.明确责任。主要负责人是第一责任人。",
                     "一是排查临水临崖路段；", "三是排查平交路口。", "附件：1.排查工作安排表", "（此件公开发布）"):
        assert expected in lines, expected


def test_round_trip_classification_and_urgency(tmp_path):
    """密级 (no sample has one) and 特急 come back from docgen's own .docx."""
    text = (ROOT / "data" / "notice-示例.yaml").read_text(encoding="utf-8")
    text = text.replace("  urgency: 加急", "  classification: 秘密★1年\n  urgency: 特急", 1)
    sample = tmp_path / "密件.yaml"
    sample.write_text(text, encoding="utf-8")
    (tmp_path / "印章.png").write_bytes((ROOT / "data" / "印章.png").read_bytes())
    first = build(sample, out_dir=tmp_path / "1", pdf=False)
    assert docx_lines(first.docx)[:3] == ["000123", "秘密★1年", "特急"]
    imported = import_document(first.docx, seal_prefix="导入-印章")
    assert (imported.meta["copy_number"], imported.meta["classification"], imported.meta["urgency"]) == (
        "000123", "秘密★1年", "特急")
    second = build(_write(imported, tmp_path / "导入.yaml"), out_dir=tmp_path / "2", pdf=False)
    assert docx_lines(second.docx) == docx_lines(first.docx)


def test_clerk_typed_joint_request(tmp_path):
    """A hand-typed joint 请示: a 标志 without 文件 (one organ a line), 发文字号 with 签发人 on one
    line, 份号/密级/紧急程度, and the two 署名 side by side on one line, apart by spaces."""
    d = docx.Document()
    for text, center in [("000087", False), ("机密★5年", False), ("特急", False), ("如东县人民政府", True),
                         ("如东县应急管理局", True), ("东政发〔2023〕9号　　　　签发人：张三　李四", False),
                         ("如东县人民政府　如东县应急管理局", True), ("关于请求支持防汛能力建设的请示", True),
                         ("南通市人民政府：", False), ("　　为提升防汛能力，现请示如下。", False),
                         ("　　妥否，请批示。", False), ("", False),
                         ("如东县人民政府　　　　如东县应急管理局", False), ("2023年5月6日", False)]:
        d.add_paragraph(text).alignment = 1 if center else None
    source = tmp_path / "请示.docx"
    d.save(str(source))
    imported = import_document(source)
    meta = imported.meta
    assert imported.template == "request"
    assert meta["title"] == "如东县人民政府　如东县应急管理局关于请求支持防汛能力建设的请示"
    assert meta["doc_number"] == "东政发〔2023〕9号" and meta["signer"] == "张三　李四"
    assert meta["issuer"] == ["如东县人民政府", "如东县应急管理局"] and meta["with_wenjian"] is False
    assert (meta["copy_number"], meta["classification"], meta["urgency"]) == ("000087", "机密★5年", "特急")
    assert meta["recipients"] == ["南通市人民政府"]
    report = imported.report.render()
    assert "发文机关标志 “如东县应急管理局”" in report and "发文机关署名：如东县人民政府、如东县应急管理局" in report
    lines = docx_lines(build(_write(imported, tmp_path / "请示.yaml"), out_dir=tmp_path / "o", pdf=False).docx)
    assert lines[:3] == ["000087", "机密★5年", "特急"]
    assert "南通市人民政府：" in lines and "妥否，请批示。" in lines
    assert lines.index("如东县人民政府") < lines.index("如东县应急管理局") < lines.index("2023年5月6日")
