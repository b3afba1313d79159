"""``docgen build DATA.yaml --rows 名单.xlsx``: one document per spreadsheet row.

The rows build through the batch (parallel, each document written on its own); a cell that
cannot be used fails its own row, and the message names the table, the row and the column.
"""

from __future__ import annotations

import datetime as _dt
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from docgen.rows import RowsSpec, build_rows

DATA = """template: notice
meta:
  title: 如东县应急管理局关于限期整改安全隐患的通知
  issuer: 如东县应急管理局
  doc_number: 东应急〔2023〕1号
  year: 2023
  date: 2023-06-01
  recipients: [某企业]
figures:
  企业名称: 某企业
  隐患数量: 3
  整改期限: 30
body:
  - 经检查，{{ figures.企业名称 }}存在安全隐患{{ figures.隐患数量 }}处，请于{{ figures.整改期限 }}日内整改完毕。
"""


def _table(path: Path, n: int, bad: dict[tuple[int, int], object] | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "主送机关", "隐患数量", "整改期限", "发文字号", "成文日期"])
    for i in range(1, n + 1):
        ws.append([f"如东第{i}化工有限公司", f"如东第{i}化工有限公司", i % 9 + 1, 30,
                   f"东应急〔2023〕{i}号", _dt.date(2023, 6, 1) + _dt.timedelta(days=i % 20)])
    for (row, column), value in (bad or {}).items():
        ws.cell(row=row, column=column, value=value)
    wb.save(path)
    return path


def _body(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


def test_200_rows_build_200_documents(tmp_path):
    data = tmp_path / "通知.yaml"
    data.write_text(DATA, encoding="utf-8")
    table = _table(tmp_path / "名单.xlsx", 200)
    items = build_rows(data, RowsSpec(table), out_dir=tmp_path / "out", pdf=False, jobs=2)
    assert len(items) == 200 and all(item.ok for item in items), [i.error for i in items if not i.ok][:3]
    outputs = sorted((tmp_path / "out").glob("*.docx"))
    assert len(outputs) == 200
    lines = _body(tmp_path / "out" / "如东第17化工有限公司.docx")
    assert "如东第17化工有限公司：" in lines  # 主送机关 from its column
    assert "东应急〔2023〕17号" in lines  # 发文字号 from its column
    assert "经检查，如东第17化工有限公司存在安全隐患9处，请于30日内整改完毕。" in lines
    assert "2023年6月18日" in lines  # 成文日期 from a date cell


def test_a_bad_row_fails_alone_with_row_and_column(tmp_path):
    data = tmp_path / "通知.yaml"
    data.write_text(DATA, encoding="utf-8")
    table = _table(tmp_path / "名单.xlsx", 6, bad={(4, 3): "三处", (6, 6): "2023年13月45日"})
    items = build_rows(data, RowsSpec(table), out_dir=tmp_path / "out", pdf=False, jobs=1)
    ok = [i for i in items if i.ok]
    failed = [i for i in items if not i.ok]
    assert len(ok) == 4 and len(failed) == 2
    assert "名单.xlsx 第 4 行“隐患数量”列" in failed[0].error and "三处" in failed[0].error
    assert "名单.xlsx 第 6 行“成文日期”列" in failed[1].error and "不是有效日期" in failed[1].error
    written = sorted(p.name for p in (tmp_path / "out").glob("*.docx"))
    assert written == sorted(f"如东第{i}化工有限公司.docx" for i in (1, 2, 4, 6))  # rows 4 and 6 failed alone


def test_rows_entry_in_the_data_file_and_pdfs(tmp_path):
    table = _table(tmp_path / "名单.xlsx", 3)
    data = tmp_path / "通知.yaml"
    data.write_text(DATA + "rows: {file: 名单.xlsx, name: 发文字号}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "docgen", "build", str(data), "-o", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    pdfs = sorted(p.name for p in (tmp_path / "out").glob("*.pdf"))
    assert pdfs == ["东应急〔2023〕1号.pdf", "东应急〔2023〕2号.pdf", "东应急〔2023〕3号.pdf"]
    assert table.is_file()


def test_unknown_column_is_refused_before_building(tmp_path):
    data = tmp_path / "通知.yaml"
    data.write_text(DATA, encoding="utf-8")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["企业名称", "隐患数量量"])
    ws.append(["甲公司", 3])
    wb.save(tmp_path / "名单.xlsx")
    run = subprocess.run([sys.executable, "-m", "docgen", "build", str(data), "--rows",
                          str(tmp_path / "名单.xlsx"), "--no-pdf", "-o", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "“隐患数量量”" in run.stderr and "是否想写“隐患数量”" in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("suffix", [".csv"])
def test_csv_rows(tmp_path, suffix):
    data = tmp_path / "通知.yaml"
    data.write_text(DATA, encoding="utf-8")
    table = tmp_path / f"名单{suffix}"
    table.write_text("企业名称,隐患数量\n甲公司,2\n乙公司,5.50\n", encoding="gbk")
    items = build_rows(data, RowsSpec(table), out_dir=tmp_path / "out", pdf=False, jobs=1)
    assert [i.ok for i in items] == [True, True]
    assert "经检查，乙公司存在安全隐患5.50处，请于30日内整改完毕。" in _body(tmp_path / "out" / "乙公司.docx")


def test_rows_file_among_several_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(DATA + "rows: 名单.xlsx\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(DATA, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "docgen", "build", str(tmp_path), "--no-pdf",
                          "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert run.returncode == 1 and "rows:" in run.stderr and "a.yaml" in run.stderr
    assert not (tmp_path / "out").exists()
