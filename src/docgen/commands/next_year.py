"""``docgen next-year DATA [--out FILE] [--force]``: start next year's data file.

Takes the parsed arguments; writes next year's data file (same structure,
this year's mentions advanced, last year's figures kept as marked defaults
``{unconfirmed: …}``, ``previous:`` pointing at DATA) and prints what the
user has to confirm or fill in, in Chinese.
Returns 0 on success, 2 when DATA cannot be read or the output exists.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen.errors import DocgenError
from docgen.next_year import write_next_year


def add_parser(sub) -> None:
    p = sub.add_parser(
        "next-year", help="根据今年的数据文件生成下一年的数据文件",
        description="复制今年数据文件的结构生成下一年的文件：年度加一，标题、正文、附件中"
                    "本年和下一年的年份（如“2023年工作安排”）各加一年；各项数字沿用上年的数值并标为"
                    "“待确认”（写成 {unconfirmed: 97.7}，生成公文时会列出还没确认的数字），"
                    "成文日期和发文字号清空并标注“TODO 请填写”，计算式和一致性检查保留，"
                    "previous: 指向今年的文件以便写同比，正文保留并标注“请逐段修改”。"
                    "对生成的文件再运行一次也不会重复添加注释。",
        epilog="默认输出到同一文件夹，文件名中的年份加一；已有同名文件时不会覆盖（除非加 --force）。",
    )
    p.add_argument("data", type=Path, metavar="数据文件", help="今年的 YAML 数据文件")
    p.add_argument("--out", type=Path, metavar="文件", help="下一年数据文件的文件名（默认：年份加一）")
    p.add_argument("--force", action="store_true", help="输出文件已存在时覆盖它")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        target, result = write_next_year(args.data, args.out, force=args.force)
    except DocgenError as err:
        print(err.describe(), file=sys.stderr)
        return 2
    print(f"已生成 {result.year} 年的数据文件：{target}")
    print(f"  沿用上年数值、待确认的数字：{len(result.carried)} 项"
          "（写成 {unconfirmed: 上年数值}，改成今年的数字即确认；docgen build 会列出还没确认的）")
    print(f"  已更新的年份：{result.advanced} 处（本年和下一年的年份各加一年）；"
          "其他年份请运行 docgen check 逐个核对")
    if result.kept:
        print(f"  保留的计算式：{'、'.join(result.kept)}")
    print("  请逐段修改正文，填好后运行 docgen check 校对，再生成公文。")
    return 0
