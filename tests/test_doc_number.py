"""发文字号 and 令号 validation: the standard's form accepted, each usual mistake named with its fix."""

from __future__ import annotations

import pytest

from docgen.elements.dates import cn_date, print_date_text
from docgen.elements.doc_number import check_doc_number, check_order_number, parse_doc_number


@pytest.mark.parametrize("text", ["东政发〔2023〕12号", "东政办函〔2022〕1号", "苏政发〔2023〕105号"])
def test_valid_numbers(text: str) -> None:
    assert check_doc_number(text) is None


def test_parse() -> None:
    n = parse_doc_number("东政发〔2023〕12号")
    assert (n.code, n.year, n.serial) == ("东政发", 2023, 12)


@pytest.mark.parametrize(("text", "fault", "suggestion"), [
    ("东政发[2023]12号", "六角括号", "东政发〔2023〕12号"),
    ("东政发（2023）12号", "六角括号", "东政发〔2023〕12号"),
    ("东政发【2023】12号", "六角括号", "东政发〔2023〕12号"),
    ("东政发〔2023〕012号", "不编虚位", "东政发〔2023〕12号"),
    ("东政发〔2023〕第12号", "不加“第”", "东政发〔2023〕12号"),
    ("东政发〔2023〕12", "加“号”", "东政发〔2023〕12号"),
    ("东政发〔23〕12号", "四位", None),
])
def test_mistakes_are_named_with_the_fix(text: str, fault: str, suggestion: str | None) -> None:
    problem = check_doc_number(text)
    assert problem is not None
    assert text in problem.message
    assert fault in problem.fix
    if suggestion:
        assert f"应写作：{suggestion}" in problem.fix
    else:
        assert "应写作" not in problem.fix


def test_garbage() -> None:
    problem = check_doc_number("十二号文")
    assert problem is not None and "机关代字〔年份〕序号号" in problem.fix


@pytest.mark.parametrize(("text", "ok"), [("第12号", True), ("第1号", True), ("12号", False),
                                          ("第012号", False), ("第〔12〕号", False)])
def test_order_numbers(text: str, ok: bool) -> None:
    assert (check_order_number(text) is None) is ok


def test_dates_without_leading_zeros() -> None:
    import datetime as dt

    assert cn_date(dt.date(2023, 3, 13)) == "2023年3月13日"
    assert cn_date(dt.date(2023, 10, 1)) == "2023年10月1日"
    assert print_date_text(dt.date(2023, 1, 5)) == "2023年1月5日印发"
