"""``docgen check DATA [--fix]``: proofread a data file's text.

Takes the parsed arguments; prints each finding (place, quoted text,
suggestion) and a summary in Chinese, and returns the exit code: 0 when
nothing is found, 1 when findings remain, 2 when the file cannot be read.
With ``--fix`` the safe fixes are applied first (the file is rewritten in
place, comments kept) and what remains is reported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen.check import check_file, fix_file, format_findings
from docgen.errors import DocgenError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "check", help="校对数据文件中的文字（标点、重复字词、编号、日期等）",
        description="按 GB/T 15834、GB/T 15835、GB/T 9704 校对数据文件正文：半角标点、重复字词、"
                    "括号引号配对、数字范围、日期写法、发文字号、手工输入的编号等，逐条给出位置和修改建议。",
        epilog="--fix 只自动改正安全的问题（中文旁的半角标点改全角、年份范围的连字符改连接号），"
               "保留注释和格式；其余问题请按提示手工修改。详见 docs/proofreading.md。",
    )
    p.add_argument("data", type=Path, metavar="数据文件", help="要校对的 YAML 数据文件")
    p.add_argument("--fix", action="store_true", help="自动改正可安全改正的问题后再报告其余问题")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.fix:
            fixed = fix_file(args.data)
            if fixed:
                print(f"已自动改正 {len(fixed)} 处问题：{args.data}")
        findings = check_file(args.data)
    except DocgenError as err:
        print(err.describe(), file=sys.stderr)
        return 2
    if not findings:
        print(f"未发现问题：{args.data}")
        return 0
    print(format_findings(findings), end="")
    return 1
