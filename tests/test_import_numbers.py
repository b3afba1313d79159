"""The importer's pure recognisers: heading numbers, 一是 labels, run-in splits, statistics in prose."""

from __future__ import annotations

import pytest

from docgen.importer.figures import Namer, extract_text
from docgen.importer.meta import parse_date, split_groups
from docgen.importer.numbers import cn_value, heading_number, split_inline_enumeration
from docgen.importer.structure import split_run_in


@pytest.mark.parametrize("text, level, value, standard", [
    ("一、工作成效", 1, 1, True), ("十二、其他", 1, 12, True), ("一.总体要求", 1, 1, False),
    ("二 总体要求", 1, 2, False), ("（一）加强领导", 2, 1, True), ("(二)加强领导", 2, 2, False),
    ("（三）、加强领导", 2, 3, False), ("1.明确责任", 3, 1, True), ("12、明确责任", 3, 12, False),
    ("3．明确责任", 3, 3, False), ("（1）细化", 4, 1, True), ("(2)细化", 4, 2, False),
    ("四、2023年工作打算", 1, 4, True), ("2.2023年度重点", 3, 2, True),
])
def test_heading_numbers(text, level, value, standard):
    number = heading_number(text)
    assert (number.level, number.value, number.standard) == (level, value, standard)


@pytest.mark.parametrize("text", ["2022年以来，我县……", "1.2亿元的资金", "一是加强领导", "一、二季度经济平稳",
                                  "1、2月份完成", "12345热线", "（一）", "一个目标"])
def test_not_headings(text):
    assert heading_number(text) is None


def test_chinese_numerals_and_dates():
    assert [cn_value(x) for x in ("一", "十", "十二", "二十", "一百零一", "两")] == [1, 10, 12, 20, 101, 2]
    assert parse_date("二〇二三年六月一日").isoformat() == "2023-06-01"
    assert parse_date("2023年3月13日").isoformat() == "2023-03-13"
    assert parse_date("2023年13月45日") is None


def test_inline_enumeration():
    assert split_inline_enumeration("一是甲；二是乙；三是丙。") == ["甲；", "乙；", "丙。"]
    assert split_inline_enumeration("一是统一思想，二是说了算") == ["统一思想，", "说了算"]
    assert split_inline_enumeration("一是只有一条。") is None


def test_recipient_groups():
    assert split_groups("各镇（区、街道）人民政府、县各委办局") == ["各镇（区、街道）人民政府", "县各委办局"]
    assert split_groups("各镇人民政府、各园区管委会，市各有关部门") == [["各镇人民政府", "各园区管委会"], "市各有关部门"]


def test_run_in_split():
    assert split_run_in("深入推进改革。坚持依法履职。") == ("深入推进改革。", "坚持依法履职。", True)
    assert split_run_in("工作成效") == ("工作成效", None, True)
    long_sentence = "全面推进政务公开，成立了以常务副县长为组长的政务公开领导小组，将政务公开工作列入整体目标考核。后文。"
    assert split_run_in(long_sentence)[0] == "全面推进政务公开，"


def test_statistics_years_dates_and_codes():
    figures = []
    text = extract_text("2022年全县办理136件，其中5月10日前办结97.7%；12345热线接通率98%以上，"
                        "第3号文件、东政发〔2023〕12号，电话0513-1234567，参演2000余名、25万余人。",
                        Namer(), figures)
    assert [f.value for f in figures] == ["136", "97.7", "98", "2000", "25"]
    assert "2022年" in text and "5月10日" in text and "12345热线" in text and "第3号" in text
    assert "〔2023〕12号" in text and "0513-1234567" in text
    assert text.count("{{ figures.") == 5
    names = [f.name for f in figures]
    assert names[1].endswith("比例") and names[4].endswith("万") and len(set(names)) == 5


def test_jinja_markup_in_source_text_is_kept_literal():
    figures = []
    assert extract_text("模板写法{{ x }}不变", Namer(), figures) == "模板写法{{ '{' }}{{ '{' }} x }}不变"
