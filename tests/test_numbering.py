"""Numbering rules, table-driven: numerals, formats, restart and continue modes."""

from __future__ import annotations

import pytest

from docgen.model import Attachment, Enumeration, Heading, NumberingRules, Paragraph, Table
from docgen.numbering import (
    chinese_numeral,
    format_number,
    number_attachments,
    number_blocks,
    table_marker,
)


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"),
        (22, "二十二"), (30, "三十"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
        (110, "一百一十"), (111, "一百一十一"), (120, "一百二十"), (209, "二百零九"),
        (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (1100, "一千一百"),
        (2024, "二千零二十四"), (10000, "一万"), (10001, "一万零一"), (12345, "一万二千三百四十五"),
    ],
)
def test_chinese_numerals(n: int, expected: str) -> None:
    assert chinese_numeral(n) == expected


@pytest.mark.parametrize("n", [0, -1, 100_000])
def test_chinese_numeral_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(n)


@pytest.mark.parametrize(
    ("pattern", "n", "expected"),
    [("{cn}、", 1, "一、"), ("（{cn}）", 11, "（十一）"), ("{n}.", 22, "22."), ("（{n}）", 3, "（3）"),
     ("{cn}是", 2, "二是"), ("第{cn}条", 101, "第一百零一条")],
)
def test_format_number(pattern: str, n: int, expected: str) -> None:
    assert format_number(pattern, n) == expected


def h(title: str, level: int, *children, text: str | None = None) -> Heading:
    return Heading(title, level, text, tuple(children))


def labels(body, rules: NumberingRules | None = None) -> list[str]:
    rules = rules or NumberingRules()
    return [b.number for b in number_blocks(body, rules) if b.number]


SEED_LIKE = (
    Paragraph("前言"),
    h("工作成效", 1,
      h("甲", 2, h("a", 3, text="x"), h("b", 3, text="x")),
      h("乙", 2, h("c", 3, text="x"), h("d", 3, h("d1", 4), h("d2", 4)))),
    h("主要负责人", 1, h("e", 3, text="x"), h("f", 3, text="x")),
    h("存在不足", 1, Enumeration(("一", "二", "三"))),
    h("打算", 1, h("g", 2, text="y"), h("i", 2, text="y")),
)


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (NumberingRules(),  # GB/T 9704 default: every level restarts under its parent
         ["一、", "（一）", "1.", "2.", "（二）", "1.", "2.", "（1）", "（2）", "二、", "1.", "2.",
          "三、", "一是", "二是", "三是", "四、", "（一）", "（二）"]),
        (NumberingRules(continue_levels=frozenset({3})),  # the seed: items 1–… run on
         ["一、", "（一）", "1.", "2.", "（二）", "3.", "4.", "（1）", "（2）", "二、", "5.", "6.",
          "三、", "一是", "二是", "三是", "四、", "（一）", "（二）"]),
        (NumberingRules(continue_levels=frozenset({2, 3, 4})),
         ["一、", "（一）", "1.", "2.", "（二）", "3.", "4.", "（1）", "（2）", "二、", "5.", "6.",
          "三、", "一是", "二是", "三是", "四、", "（三）", "（四）"]),
        (NumberingRules(run_on=((3, 1),)),  # items run on across （一）（二）, restart under 一、
         ["一、", "（一）", "1.", "2.", "（二）", "3.", "4.", "（1）", "（2）", "二、", "1.", "2.",
          "三、", "一是", "二是", "三是", "四、", "（一）", "（二）"]),
        (NumberingRules(formats=("第{cn}部分 ", "{cn}、", "（{cn}）", "{n}."),
                        enumeration="第{cn}，"),
         ["第一部分 ", "一、", "（一）", "（二）", "二、", "（一）", "（二）", "1.", "2.", "第二部分 ",
          "（一）", "（二）", "第三部分 ", "第一，", "第二，", "第三，", "第四部分 ", "一、", "二、"]),
    ],
    ids=["restart", "continue-3", "continue-2-3-4", "run-on-3-under-1", "custom-formats"],
)
def test_restart_and_continue(rules: NumberingRules, expected: list[str]) -> None:
    assert labels(SEED_LIKE, rules) == expected


def test_past_ten_headings() -> None:
    body = tuple(h(f"s{i}", 1) for i in range(1, 102))
    got = labels(body)
    assert got[9:12] == ["十、", "十一、", "十二、"]
    assert got[21] == "二十二、"
    assert got[98] == "九十九、"
    assert got[100] == "一百零一、"


def test_block_kinds_and_text() -> None:
    blocks = number_blocks(
        (h("工作成效", 1, h("深入推进改革。", 3, text="坚持依法履职。")),
         Enumeration(("甲；", "乙。"), inline=True), Paragraph("结语")),
        NumberingRules())
    assert [(b.kind, b.level, b.label, b.text) for b in blocks] == [
        ("heading", 1, "一、工作成效", ""),
        ("run_in", 3, "1.深入推进改革。", "坚持依法履职。"),
        ("paragraph", 0, "", "一是甲；二是乙。"),
        ("paragraph", 0, "", "结语"),
    ]


def test_run_in_heading_with_enumeration_and_lead_in() -> None:
    blocks = number_blocks(
        (Heading("强化组织领导。", 2, "成立领导小组。", (), enumeration=("定方案；", "建机制。")),
         Heading("完善制度", 2, None, (), enumeration=("甲；", "乙。")),
         Enumeration(("调解；", "复议。"), inline=True, lead="主要做法："),
         Enumeration(("一条", "二条"), lead="问题如下。")),
        NumberingRules())
    assert [(b.kind, b.label, b.text) for b in blocks] == [
        ("run_in", "（一）强化组织领导。", "成立领导小组。一是定方案；二是建机制。"),
        ("run_in", "（二）完善制度", "一是甲；二是乙。"),
        ("paragraph", "", "主要做法：一是调解；二是复议。"),
        ("paragraph", "", "问题如下。"),
        ("enumeration", "一是", "一条"),
        ("enumeration", "二是", "二条"),
    ]


def test_attachments_restart_numbering_and_continue_table_markers() -> None:
    table = Table(("项目",), (("甲",),))
    body = (h("总体要求", 1, h("目标", 2)), table)
    main = number_blocks(body, NumberingRules(continue_levels=frozenset({1})))
    assert [b.text for b in main if b.kind == "table"] == [table_marker(1)]
    numbered = number_attachments(
        (Attachment("甲", body), Attachment("只列名称"), Attachment("乙", body,
                                                               numbering=NumberingRules(formats=("{n}、", "（{n}）", "{n}.", "（{n}）")))),
        NumberingRules(), tables_before=1)
    assert [[b.number for b in blocks if b.number] for blocks in numbered] == [
        ["一、", "（一）"], [], ["1、", "（1）"]]
    assert [b.text for blocks in numbered for b in blocks if b.kind == "table"] == [
        table_marker(2), table_marker(3)]
