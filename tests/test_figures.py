"""Tests for docgen.figures: every kind of figure, every check, every error.

Table-driven: each case gives a ``figures:`` mapping (and checks), and the
expected printed text or the expected error (class, words of the message,
YAML path of the location).  Spreadsheet cases write real .xlsx/.csv files
into ``tmp_path`` with openpyxl.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from docgen.errors import DataError, Location
from docgen.figures import CheckFailed, Figure, NoPrevious, evaluate


def locate(path: tuple[str | int, ...]) -> Location:
    return Location(file="x.yaml", path=".".join(str(p) for p in path))


def run(spec: Any, checks: Any = (), previous: dict[str, Figure] | None = None,
        base_dir: Path | None = None):
    return evaluate(spec, list(checks) if checks is not None else None, locate=locate,
                    previous=previous, base_dir=base_dir)


def prev(**values: Any) -> dict[str, Figure]:
    figures, errors = run(values)
    assert errors == []
    return figures


# --------------------------------------------------------------------------
# Values that evaluate: (spec, name, expected text, expected value)
# --------------------------------------------------------------------------

GOOD = [
    ("integer", {"办件": 21278}, "办件", "21278", 21278),
    ("decimal as written", {"比例": 97.7}, "比例", "97.7", Decimal("97.7")),
    ("small decimal", {"比例": 0.19}, "比例", "0.19", Decimal("0.19")),
    ("float written with .0", {"比例": 100.0}, "比例", "100.0", Decimal("100.0")),
    ("quoted number keeps zeros", {"率": "5.10"}, "率", "5.10", Decimal("5.10")),
    ("text", {"名次": "全省第一"}, "名次", "全省第一", "全省第一"),
    ("date", {"日期": datetime.date(2023, 3, 3)}, "日期", "2023年3月3日", "2023-03-03"),
    ("sum of integers", {"a": 28, "b": 25, "c": 40, "t": {"sum": ["a", "b", "c"]}}, "t", "93", 93),
    ("sum without float noise", {"a": 0.1, "b": 0.2, "t": {"sum": ["a", "b"]}}, "t", "0.3",
     Decimal("0.3")),
    ("sum with a literal number", {"a": 5, "t": {"sum": ["a", 2]}}, "t", "7", 7),
    ("sum defined before its parts", {"t": {"sum": ["a", "b"]}, "a": 1, "b": 2}, "t", "3", 3),
    ("nested computation", {"a": 3, "b": 4, "s": {"sum": ["a", "b"]}, "d": {"diff": ["s", "a"]}},
     "d", "4", 4),
    ("diff", {"收": 142, "结": 136, "未结": {"diff": ["收", "结"]}}, "未结", "6", 6),
    ("diff of decimals", {"a": 97.7, "b": 96.5, "d": {"diff": ["a", "b"]}}, "d", "1.2",
     Decimal("1.2")),
    ("rate default 1 decimal", {"败": 7, "结": 136, "率": {"rate": ["败", "结"]}}, "率", "5.1",
     Decimal("5.1")),
    ("rate 2 decimals", {"败": 7, "结": 136, "率": {"rate": ["败", "结"], "decimals": 2}}, "率",
     "5.15", Decimal("5.15")),
    ("rate rounds half up", {"a": 1, "b": 8, "r": {"rate": ["a", "b"], "decimals": 0}}, "r", "13",
     13),
    ("rate keeps trailing zero", {"a": 1, "b": 4, "r": {"rate": ["a", "b"], "decimals": 1}}, "r",
     "25.0", Decimal("25.0")),
    ("sum rounded", {"a": 1.25, "b": 1, "t": {"sum": ["a", "b"], "decimals": 1}}, "t", "2.3",
     Decimal("2.3")),
]


@pytest.mark.parametrize(("spec", "name", "text", "value"),
                         [c[1:] for c in GOOD], ids=[c[0] for c in GOOD])
def test_figure_values(spec, name, text, value):
    figures, errors = run(spec)
    assert errors == []
    figure = figures[name]
    assert figure.text == text
    assert str(figure) == text
    assert figure.value == value
    assert type(figure.value) is type(value)


def test_result_keeps_spec_order():
    figures, _ = run({"t": {"sum": ["a", "b"]}, "a": 1, "b": 2})
    assert list(figures) == ["t", "a", "b"]


# --------------------------------------------------------------------------
# Year over year: (spec, previous, name, expected text)
# --------------------------------------------------------------------------

YOY = [
    ("change up", {"办件": 450, "变化": {"change": "办件"}}, {"办件": 400}, "变化", "50"),
    ("change down", {"办件": 380, "变化": {"change": "办件"}}, {"办件": 400}, "变化", "-20"),
    ("change_text up with unit", {"办件": 450, "变化": {"change_text": "办件", "unit": "件"}},
     {"办件": 400}, "变化", "增加50件"),
    ("change_text down", {"办件": 380, "变化": {"change_text": "办件", "unit": "件"}},
     {"办件": 400}, "变化", "减少20件"),
    ("change_text flat", {"办件": 400, "变化": {"change_text": "办件", "unit": "件"}},
     {"办件": 400}, "变化", "持平"),
    ("growth", {"办件": 450, "增长": {"growth": "办件"}}, {"办件": 400}, "增长", "12.5"),
    ("growth negative, 2 decimals", {"办件": 388, "增长": {"growth": "办件", "decimals": 2}},
     {"办件": 400}, "增长", "-3.00"),
    ("growth_text up", {"办件": 450, "g": {"growth_text": "办件"}}, {"办件": 400}, "g", "增长12.5%"),
    ("growth_text down", {"办件": 388, "g": {"growth_text": "办件"}}, {"办件": 400}, "g", "下降3.0%"),
    ("growth_text flat", {"办件": 400, "g": {"growth_text": "办件"}}, {"办件": 400}, "g", "持平"),
    ("growth of a computed figure", {"a": 50, "b": 60, "t": {"sum": ["a", "b"]},
                                     "g": {"growth_text": "t"}}, {"t": 100}, "g", "增长10.0%"),
    ("previous value", {"上年": {"previous": "比例"}}, {"比例": 1.37}, "上年", "1.37"),
    ("decimal growth", {"率": 0.19, "变化": {"change": "率"}}, {"率": 1.37}, "变化", "-1.18"),
]


@pytest.mark.parametrize(("spec", "previous", "name", "text"),
                         [c[1:] for c in YOY], ids=[c[0] for c in YOY])
def test_year_over_year(spec, previous, name, text):
    figures, errors = run(spec, previous=prev(**previous))
    assert errors == []
    assert figures[name].text == text


# --------------------------------------------------------------------------
# Errors: (spec, checks, previous, error class, words in message, location path)
# --------------------------------------------------------------------------

ERRORS = [
    ("unfilled", {"办件": None}, [], None, DataError, ["办件", "还没有填写"], "figures.办件"),
    ("empty string", {"办件": "  "}, [], None, DataError, ["还没有填写"], "figures.办件"),
    ("yes/no read as bool", {"办件": True}, [], None, DataError, ["是/否"], "figures.办件"),
    ("list value", {"办件": [1, 2]}, [], None, DataError, ["列表"], "figures.办件"),
    ("nan", {"办件": float("nan")}, [], None, DataError, ["不是有效数字"], "figures.办件"),
    ("name not text", {2022: 5}, [], None, DataError, ["不是文字"], "figures.2022"),
    ("unknown name, suggestion", {"复议驳回": 28, "t": {"sum": ["复议驳", "复议驳回"]}}, [], None,
     DataError, ["未定义的名称“复议驳”", "是不是“复议驳回”"], "figures.t.sum.0"),
    ("self cycle", {"t": {"sum": ["t", 1]}}, [], None, DataError, ["循环引用", "t → t"],
     "figures.t"),
    ("longer cycle", {"a": {"sum": ["b"]}, "b": {"sum": ["c"]}, "c": {"diff": ["a", 1]}}, [], None,
     DataError, ["循环引用", "a → b → c → a"], "figures.a"),
    ("division by zero", {"a": 7, "b": 0, "r": {"rate": ["a", "b"]}}, [], None, DataError,
     ["分母“b”为 0"], "figures.r.rate.1"),
    ("text in arithmetic", {"a": "全省第一", "t": {"sum": ["a", 1]}}, [], None, DataError,
     ["“a”是文字“全省第一”"], "figures.t.sum.0"),
    ("sum not a list", {"t": {"sum": "a"}}, [], None, DataError, ["名称列表"], "figures.t.sum"),
    ("diff needs two", {"a": 1, "t": {"diff": ["a", "a", "a"]}}, [], None, DataError,
     ["正好两项", "3 项"], "figures.t.diff"),
    ("bad decimals", {"a": 1, "b": 2, "r": {"rate": ["a", "b"], "decimals": "一"}}, [], None,
     DataError, ["decimals"], "figures.r.decimals"),
    ("unknown kind, suggestion", {"a": 1, "t": {"summ": ["a"]}}, [], None, DataError,
     ["无法识别", "是不是“sum”"], "figures.t"),
    ("two kinds", {"a": 1, "t": {"sum": ["a"], "diff": ["a", "a"]}}, [], None, DataError,
     ["只能写一种"], "figures.t"),
    ("unknown option", {"a": 1, "t": {"sum": ["a"], "decimal": 1}}, [], None, DataError,
     ["不认识选项“decimal”", "是不是“decimals”"], "figures.t.decimal"),
    ("operand is null", {"t": {"sum": [None]}}, [], None, DataError, ["不是名称或数字"],
     "figures.t.sum.0"),
    ("no previous file", {"a": 1, "g": {"growth": "a"}}, [], None, NoPrevious,
     ["previous", "上一年的数据文件"], "figures.g.growth"),
    ("name missing last year", {"办件数": 1, "g": {"change": "办件数"}}, [], {"办件": 400},
     DataError, ["上一年的数据中没有数字“办件数”", "是不是“办件”"], "figures.g.change"),
    ("growth from zero", {"a": 5, "g": {"growth": "a"}}, [], {"a": 0}, DataError,
     ["上一年的“a”为 0"], "figures.g.growth"),
    ("last year text", {"a": 5, "g": {"change": "a"}}, [], {"a": "很多"}, DataError,
     ["上一年的“a”是文字"], "figures.g.change"),
    ("change of unknown", {"g": {"change": "a"}}, [], {"a": 1}, DataError,
     ["未定义的名称“a”"], "figures.g.change"),
    ("yoy needs a name", {"g": {"growth": ["a"]}}, [], {"a": 1}, DataError,
     ["应写一个数字的名称"], "figures.g.growth"),
    ("figures not a mapping", ["a", "b"], [], None, DataError, ["映射"], "figures"),
    # checks
    ("sum check fails",
     {"驳回": 28, "维持": 25, "撤回": 21, "确认": 15, "撤销": 3, "责令": 1, "审结": 94},
     [{"sum": ["驳回", "维持", "撤回", "确认", "撤销", "责令"], "equals": "审结"}], None, CheckFailed,
     ["28+25+21+15+3+1=93", "但 审结 写的是 94", "驳回+维持"], "checks.0.equals"),
    ("rate check fails", {"败诉": 7, "结案": 136, "败诉率": 5.2},
     [{"rate": ["败诉", "结案"], "equals": "败诉率"}], None, CheckFailed,
     ["7÷136×100=5.1（保留1位小数）", "但 败诉率 写的是 5.2"], "checks.0.equals"),
    ("rate check with more decimals", {"败诉": 7, "结案": 136, "败诉率": 5.1},
     [{"rate": ["败诉", "结案"], "equals": "败诉率", "decimals": 2}], None, CheckFailed,
     ["=5.15（保留2位小数）"], "checks.0.equals"),
    ("diff check fails", {"收": 142, "结": 136, "未结": 5},
     [{"diff": ["收", "结"], "equals": "未结"}], None, CheckFailed,
     ["142−136=6", "但 未结 写的是 5"], "checks.0.equals"),
    ("check equals a literal", {"a": 1, "b": 2}, [{"sum": ["a", "b"], "equals": 4}], None,
     CheckFailed, ["1+2=3", "写的是 4"], "checks.0.equals"),
    ("check unknown name", {"清理文件": 191}, [{"sum": ["清理失效"], "equals": "清理文件"}], None,
     DataError, ["未定义的名称“清理失效”"], "checks.0.sum.0"),
    ("check unknown target", {"a": 1}, [{"sum": ["a"], "equals": "合计"}], None,
     DataError, ["未定义的名称“合计”"], "checks.0.equals"),
    ("check without equals", {"a": 1}, [{"sum": ["a"]}], None, DataError, ["缺少 equals"],
     "checks.0"),
    ("check not a mapping", {"a": 1}, ["a = 1"], None, DataError, ["无法识别"], "checks.0"),
    ("check unknown key", {"a": 1}, [{"summ": ["a"], "equals": "a"}], None, DataError,
     ["是不是“sum”"], "checks.0"),
    ("check rate over zero", {"a": 1, "b": 0, "r": 1}, [{"rate": ["a", "b"], "equals": "r"}], None,
     DataError, ["分母为 0"], "checks.0.rate.1"),
    ("checks not a list", {"a": 1}, None, None, DataError, ["列表"], "checks"),
]


@pytest.mark.parametrize(("spec", "checks", "previous", "cls", "words", "path"),
                         [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors(spec, checks, previous, cls, words, path):
    if checks is None:
        figures, errors = evaluate(spec, {"not": "a list"}, locate=locate)  # type: ignore[arg-type]
    else:
        figures, errors = run(spec, checks, previous=prev(**previous) if previous else None)
    assert len(errors) == 1, [e.describe() for e in errors]
    error = errors[0]
    assert type(error) is cls
    for word in words:
        assert word in error.message, error.message
    assert error.location == Location(file="x.yaml", path=path)
    assert error.fix


def test_check_passes_on_seed_numbers():
    spec = {"驳回": 28, "维持": 25, "撤回": 21, "确认": 15, "撤销": 3, "责令": 1, "审结": 93,
            "败诉": 7, "结案": 136, "败诉率": 5.1}
    checks = [{"sum": ["驳回", "维持", "撤回", "确认", "撤销", "责令"], "equals": "审结"},
              {"rate": ["败诉", "结案"], "equals": "败诉率"}]
    assert run(spec, checks)[1] == []


def test_all_problems_reported_at_once_and_dependents_stay_quiet():
    spec = {"a": None, "b": {"sum": ["a", 1]}, "c": {"sum": ["b"]}, "d": {"rate": [1, 0]},
            "e": {"sum": ["zz"]}, "ok": 3}
    figures, errors = run(spec, [{"sum": ["c"], "equals": "ok"}])
    assert [e.location.path for e in errors] == ["figures.a", "figures.d.rate.1", "figures.e.sum.0"]
    assert list(figures) == ["ok"]


def test_cycle_reported_once_and_bystanders_quiet():
    spec = {"x": {"sum": ["a"]}, "a": {"sum": ["b"]}, "b": {"sum": ["a"]}}
    figures, errors = run(spec)
    assert len(errors) == 1 and "a → b → a" in errors[0].message
    assert figures == {}


def test_seed_data_file_evaluates_cleanly():
    import yaml

    data_file = Path(__file__).resolve().parent.parent / "data" / "2022-如东县法治政府建设情况报告.yaml"
    data = yaml.safe_load(data_file.read_text(encoding="utf-8"))
    figures, errors = evaluate(data["figures"], data["checks"], locate=locate)
    assert errors == []
    assert figures["复议审结"].text == "93"
    assert figures["败诉率"].text == "5.1"
    assert figures["清理文件"].text == "191"
    data["figures"]["清理文件"] = 190
    _, errors = evaluate(data["figures"], data["checks"], locate=locate)
    assert len(errors) == 1 and isinstance(errors[0], CheckFailed)
    assert "129+12+18+32=191" in errors[0].message


# --------------------------------------------------------------------------
# Spreadsheets
# --------------------------------------------------------------------------


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws.append(["项目", "数值", "备注"])
    ws.append(["网上办比例", 97.7, "x"])
    ws.append(["办件", 21278, None])
    ws.append(["比例", 0.977, None])
    ws["B4"].number_format = "0.0%"
    ws.append(["公式", "=1+1", None])
    ws.append(["名次", "全省第一", None])
    wb.create_sheet("表2")["A1"] = 5
    wb.save(tmp_path / "数据.xlsx")
    (tmp_path / "数据.csv").write_text("名称,数值\n败诉率,5.10\n结案,136\n空,\n", encoding="utf-8")
    (tmp_path / "gbk.csv").write_bytes("名称,数值\n结案,136\n".encode("gbk"))
    (tmp_path / "坏.xlsx").write_bytes(b"not a zip file")
    (tmp_path / "旧.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    return tmp_path


TABLE_GOOD = [
    ("xlsx cell", {"from": "数据.xlsx", "sheet": "表1", "cell": "B2"}, "97.7"),
    ("xlsx lowercase cell, default sheet", {"from": "数据.xlsx", "cell": "b3"}, "21278"),
    ("xlsx percent cell", {"from": "数据.xlsx", "sheet": "表1", "cell": "B4"}, "97.7"),
    ("xlsx row and column", {"from": "数据.xlsx", "sheet": "表1", "row": "办件", "column": "数值"},
     "21278"),
    ("xlsx text cell", {"from": "数据.xlsx", "cell": "B6"}, "全省第一"),
    ("xlsx second sheet", {"from": "数据.xlsx", "sheet": "表2", "cell": "A1"}, "5"),
    ("xlsx decimals", {"from": "数据.xlsx", "cell": "B2", "decimals": 0}, "98"),
    ("csv row and column keeps zeros", {"from": "数据.csv", "row": "败诉率", "column": "数值"}, "5.10"),
    ("csv cell", {"from": "数据.csv", "cell": "B3"}, "136"),
    ("gbk csv", {"from": "gbk.csv", "row": "结案", "column": "数值"}, "136"),
]


@pytest.mark.parametrize(("spec", "text"), [c[1:] for c in TABLE_GOOD], ids=[c[0] for c in TABLE_GOOD])
def test_from_table(tables, spec, text):
    figures, errors = run({"x": spec}, base_dir=tables)
    assert errors == []
    assert figures["x"].text == text


def test_table_figures_feed_computations(tables):
    spec = {"败诉": 7, "结案": {"from": "数据.csv", "row": "结案", "column": "数值"},
            "率": {"rate": ["败诉", "结案"]}}
    figures, errors = run(spec, [{"rate": ["败诉", "结案"], "equals": "率"}], base_dir=tables)
    assert errors == [] and figures["率"].text == "5.1" and figures["结案"].value == 136


TABLE_ERRORS = [
    ("missing file", {"from": "无.xlsx", "cell": "B2"}, ["找不到表格文件 无.xlsx"], "figures.x.from"),
    ("missing sheet", {"from": "数据.xlsx", "sheet": "表9", "cell": "B2"},
     ["数据.xlsx", "没有工作表“表9”", "表1、表2"], "figures.x.from"),
    ("empty cell", {"from": "数据.xlsx", "sheet": "表1", "cell": "C3"},
     ["数据.xlsx", "工作表“表1”", "单元格 C3", "是空的"], "figures.x.from"),
    ("uncalculated formula", {"from": "数据.xlsx", "sheet": "表1", "cell": "B5"},
     ["单元格 B5", "是空的"], "figures.x.from"),
    ("bad cell address", {"from": "数据.xlsx", "cell": "3B"}, ["单元格地址“3B”"], "figures.x.from"),
    ("unknown row", {"from": "数据.xlsx", "row": "不存在", "column": "数值"},
     ["没有行“不存在”", "网上办比例"], "figures.x.from"),
    ("unknown column", {"from": "数据.csv", "row": "结案", "column": "值"},
     ["数据.csv", "没有列“值”", "名称、数值"], "figures.x.from"),
    ("empty csv cell", {"from": "数据.csv", "row": "空", "column": "数值"},
     ["数据.csv", "行“空”、列“数值”", "是空的"], "figures.x.from"),
    ("not a workbook", {"from": "坏.xlsx", "cell": "A1"}, ["无法打开表格文件 坏.xlsx"], "figures.x.from"),
    ("xls unsupported", {"from": "旧.xls", "cell": "A1"}, ["不支持的表格格式“.xls”"], "figures.x.from"),
    ("no address", {"from": "数据.xlsx"}, ["指明读取哪个单元格"], "figures.x.from"),
    ("row without column", {"from": "数据.xlsx", "row": "办件"}, ["指明读取哪个单元格"],
     "figures.x.from"),
    ("sheet on csv", {"from": "数据.csv", "sheet": "表1", "cell": "B2"}, ["没有工作表"],
     "figures.x.sheet"),
    ("unknown table option", {"from": "数据.xlsx", "cel": "B2"}, ["不认识选项“cel”", "是不是“cell”"],
     "figures.x.cel"),
]


@pytest.mark.parametrize(("spec", "words", "path"), [c[1:] for c in TABLE_ERRORS],
                         ids=[c[0] for c in TABLE_ERRORS])
def test_table_errors(tables, spec, words, path):
    figures, errors = run({"x": spec}, base_dir=tables)
    assert "x" not in figures
    assert len(errors) == 1
    for word in words:
        assert word in errors[0].message, errors[0].message
    assert errors[0].location.path == path
    assert errors[0].fix


# --------------------------------------------------------------------------
# Round two (issue 13): signs of zero, precision, digits, control characters, confinement
# --------------------------------------------------------------------------


def test_negative_zero_prints_without_a_sign() -> None:
    figures, errors = run({"a": -0.0, "b": "-0.0", "c": -0.04, "d": {"sum": ["c"], "decimals": 1},
                           "e": 5, "f": 5, "g": {"change_text": "e", "decimals": 1}})
    assert figures["a"].text == "0.0" and figures["d"].text == "0.0"
    assert not [e for e in errors if "previous" not in e.message]


def test_sums_of_long_figures_are_exact() -> None:
    big = "1234567890123456789012345678901234567.1"  # 38 digits: beyond Decimal's default 28
    figures, errors = run({"a": big, "b": big, "t": {"sum": ["a", "b"]}})
    assert errors == []
    assert figures["t"].text == "2469135780246913578024691357802469134.2"


def test_figures_beyond_the_digit_limit_are_a_located_error() -> None:
    figures, errors = run({"a": int("1" * 50), "b": {"sum": ["a"], "decimals": 2}})
    assert "a" not in figures
    assert errors and "50 位" in errors[0].message and errors[0].location.path == "figures.a"


def test_control_characters_never_reach_a_figure_text(tmp_path: Path) -> None:
    (tmp_path / "表.csv").write_text("名称,数值\n结案,\x07136\x1b件\n", encoding="utf-8")
    figures, errors = run({"a": "甲\x07乙\x00", "b": {"from": "表.csv", "row": "结案", "column": "数值"}},
                          base_dir=tmp_path)
    assert errors == []
    assert figures["a"].text == "甲乙" and figures["b"].text == "136件"


@pytest.mark.parametrize("name", ["/etc/passwd", "../外面.csv", "链接.csv"])
def test_from_outside_the_data_folder_is_refused(tmp_path: Path, name: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "外面.csv").write_text("root,x\nroot,0\n", encoding="utf-8")
    (data / "链接.csv").symlink_to(tmp_path / "外面.csv")
    figures, errors = run({"a": {"from": name, "row": "root", "column": "x"}}, base_dir=data)
    assert "a" not in figures and errors
    assert "之外" in errors[0].message or "绝对路径" in errors[0].message
    assert "root" not in errors[0].message.replace("row: root", "")


def test_big5_and_gbk_tables(tmp_path: Path) -> None:
    (tmp_path / "gbk.csv").write_bytes("名称,数值\n镕基工程,12\n".encode("gbk"))  # a name outside GB2312
    (tmp_path / "big5.csv").write_bytes("名稱,數值\n結案件數,136\n".encode("big5"))
    (tmp_path / "u16.csv").write_bytes("名称,数值\n结案,9\n".encode("utf-16"))
    figures, errors = run({"a": {"from": "gbk.csv", "row": "镕基工程", "column": "数值"},
                           "b": {"from": "big5.csv", "row": "結案件數", "column": "數值"},
                           "c": {"from": "u16.csv", "row": "结案", "column": "数值"}}, base_dir=tmp_path)
    assert figures["a"].text == "12" and figures["c"].text == "9"
    assert "b" not in figures and "Big5" in errors[0].message and "UTF-8" in (errors[0].fix or "")


def test_a_label_beyond_the_scanned_rows_says_so(tmp_path: Path) -> None:
    from docgen import limits

    rows = "名称,数值\n" + "".join(f"行{i},{i}\n" for i in range(limits.MAX_SHEET_ROWS + 5))
    (tmp_path / "长表.csv").write_text(rows, encoding="utf-8")
    figures, errors = run({"a": {"from": "长表.csv", "row": f"行{limits.MAX_SHEET_ROWS + 3}", "column": "数值"},
                           "b": {"from": "长表.csv", "row": "行5", "column": "数值"}}, base_dir=tmp_path)
    assert figures["b"].text == "5"
    assert "a" not in figures and f"最多查找 {limits.MAX_SHEET_ROWS} 行" in errors[0].message
