"""``docgen diff OLD NEW``: figures side by side and paragraphs added, removed and changed,
printed and written as an .xlsx (read back with openpyxl)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl

from docgen.cli import main
from docgen.next_year import write_next_year

SEED = Path(__file__).resolve().parent.parent / "data" / "2022-如东县法治政府建设情况报告.yaml"


def this_year(tmp_path: Path) -> tuple[Path, Path]:
    old = tmp_path / SEED.name
    shutil.copy(SEED, old)
    new, _ = write_next_year(old)
    text = new.read_text(encoding="utf-8")
    text = text.replace("网上办比例: {unconfirmed: 97.7}", "网上办比例: 98.2")
    text = re.sub(r"县长信箱办件: \{unconfirmed: \d+\}", "县长信箱办件: 450", text)
    text = re.sub(r"诉讼败诉: \{unconfirmed: \d+\}", "诉讼败诉: 5", text)
    text = text.replace("全面推进证明事项告知承诺制", "深入推进证明事项告知承诺制", 1)
    text = text.replace("  - heading: 2024年工作打算", "  - 2023年新增的一段总结。\n  - heading: 2024年工作打算", 1)
    new.write_text(text, encoding="utf-8")
    return old, new


def test_diff_in_the_terminal_and_as_xlsx(tmp_path, capsys):
    old, new = this_year(tmp_path)
    sheet_path = tmp_path / "对比.xlsx"
    assert main(["diff", str(old), str(new), "--xlsx", str(sheet_path)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.strip().startswith("网上办比例"))
    assert row.split() == ["网上办比例", "97.7", "98.2", "+0.5", "+0.5%"]
    row = next(line for line in out.splitlines() if line.strip().startswith("县长信箱办件"))
    assert row.split()[1:] == ["400", "450", "+50", "+12.5%"]
    row = next(line for line in out.splitlines() if line.strip().startswith("马上办比例"))
    assert row.split()[1:] == ["96.5", "96.5（待确认）", "0", "0.0%"]
    assert "其中 81 项仍是上年的数值（待确认）" in out
    assert "段落变化：修改 " in out and "新增 1 段" in out
    assert "[新增] body[" in out and "2023年新增的一段总结。" in out
    assert "深入推进证明事项告知承诺制" in out and "已写出对比表" in out

    book = openpyxl.load_workbook(sheet_path)
    figures = book["数字对比"]
    header = [c.value for c in figures[1]]
    assert header == ["数字", "2022年", "2023年", "增减", "增长率", "说明"]
    rows = {r[0]: r for r in figures.iter_rows(min_row=2, values_only=True)}
    assert rows["网上办比例"][1:4] == (97.7, 98.2, 0.5)
    assert abs(rows["县长信箱办件"][4] - 0.125) < 1e-9
    assert rows["诉讼败诉"][1:4] == (7, 5, -2)
    assert rows["马上办比例"][5] == "仍是上年的数值，待确认"
    assert rows["网上办比例"][5] == ""  or rows["网上办比例"][5] is None
    assert len(rows) == 85
    paragraphs = list(book["段落变化"].iter_rows(min_row=2, values_only=True))
    kinds = [p[0] for p in paragraphs]
    assert kinds.count("新增") == 1 and kinds.count("删除") == 0
    changed = [p for p in paragraphs if p[0] == "修改" and "深入推进" in (p[3] or "")]
    assert len(changed) == 1 and "全面推进证明事项告知承诺制" in changed[0][2]
    assert changed[0][1].startswith("body[")


def test_diff_of_a_file_with_itself_has_no_changes(tmp_path, capsys):
    assert main(["diff", str(SEED), str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "段落变化：修改 0 段，新增 0 段，删除 0 段" in out
    assert "+" not in out.split("段落变化")[0]


def test_diff_of_a_missing_file_is_a_chinese_error(tmp_path, capsys):
    assert main(["diff", str(SEED), str(tmp_path / "没有.yaml")]) == 2
    assert "找不到数据文件" in capsys.readouterr().err
