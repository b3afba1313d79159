"""``docgen diff OLD.yaml NEW.yaml [--xlsx FILE]``: compare two years' data files.

Prints every figure side by side (last year, this year, change, growth) and
the paragraphs added, removed and changed; with ``--xlsx`` also writes them
to a workbook.  Returns 0, or 2 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "diff", help="对比两年的数据文件：数字的上年、本年、增减、增长率，增删改的段落（可导出 .xlsx）",
        description="对比上一年和今年的数据文件：逐项列出数字的上年值、本年值、增减和增长率，"
                    "以及新增、删除、修改的段落（标题、正文、列举）。",
        epilog="示例：docgen diff data/2022-报告.yaml data/2023-报告.yaml --xlsx output/对比.xlsx"
               "（表格可直接交给领导审阅）。标为“待确认”的数字仍是 next-year 沿用的上年数值。",
    )
    p.add_argument("old", type=Path, metavar="上年文件", help="上一年的 YAML 数据文件")
    p.add_argument("new", type=Path, metavar="本年文件", help="今年的 YAML 数据文件")
    p.add_argument("--xlsx", type=Path, metavar="文件", help="同时把对比结果写成 Excel 表格（.xlsx）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from docgen.diff import compare, format_text, write_xlsx  # noqa: PLC0415
    from docgen.errors import DocgenError  # noqa: PLC0415

    try:
        comparison = compare(args.old, args.new)
    except DocgenError as err:
        print(err.describe(), file=sys.stderr)
        return 2
    print(format_text(comparison), end="")
    if args.xlsx:
        target = write_xlsx(comparison, args.xlsx)
        print(f"已写出对比表：{target}")
    return 0
