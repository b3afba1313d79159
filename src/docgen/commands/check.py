"""``docgen check DATA [--fix] [--draft] [--strict]``: what build would say, then proofreading.

Takes the parsed arguments; runs the build's own loader and template on the
file (same messages as ``docgen build``), then proofreads its text, and
prints each problem (place, quoted text, suggestion) and a summary in
Chinese.  Returns 0 when nothing is found, 1 when findings remain, 2 when
the file cannot be read at all.  With ``--fix`` the safe fixes are applied
first (the file is rewritten in place, comments kept) and what remains is
reported.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: Imported while the process starts (docgen.gc_pause.started): what ``run`` imports.
STARTUP = ("docgen.check",)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "check", help="校对数据文件中的文字（标点、重复字词、编号、日期等）",
        description="先按 docgen build 的方式读取数据文件，列出生成时会出错或警告的地方（与 build 的提示相同），"
                    "再按 GB/T 15834、GB/T 15835、GB/T 9704 校对正文：半角标点、重复字词、"
                    "括号引号配对、数字范围、日期写法、发文字号、手工输入的编号等，逐条给出位置和修改建议。",
        epilog="--fix 只自动改正安全的问题（中文旁的半角标点改全角、年份范围的连字符改连接号），"
               "保留注释和格式；其余问题请按提示手工修改。详见 docs/proofreading.md。",
    )
    p.add_argument("data", type=Path, metavar="数据文件", help="要校对的 YAML 数据文件")
    p.add_argument("--fix", action="store_true", help="自动改正可安全改正的问题后再报告其余问题")
    p.add_argument("--draft", action="store_true", help="按草稿检查：docgen new 的占位文字只算警告（同 build --draft）")
    p.add_argument("--strict", action="store_true", help="有警告时也返回 1（同 build --strict）")
    p.add_argument("--template", "-t", metavar="模板", help="按这个模板检查（同 build --template）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from docgen.check import check_all, fix_file, format_report  # noqa: PLC0415
    from docgen.errors import DocgenError  # noqa: PLC0415

    try:
        if args.fix:
            fixed = fix_file(args.data)
            if fixed:
                print(f"已自动改正 {len(fixed)} 处问题：{args.data}")
        report = check_all(args.data, draft=args.draft, template=args.template)
    except DocgenError as err:
        print(err.describe(), file=sys.stderr)
        return 2
    if report.errors and not report.findings and not report.warnings and len(report.errors) == 1 \
            and report.errors[0].message.startswith(("YAML 语法错误", "找不到数据文件", "文件不是 UTF-8",
                                                      "这是一个目录")):
        print(report.errors[0].describe(), file=sys.stderr)
        return 2
    if not report.errors and not report.findings and not (args.strict and report.warnings):
        for warning in report.warnings:
            print(warning.describe(), file=sys.stderr)
        print(f"未发现问题：{args.data}")
        return 0
    print(format_report(report), end="")
    return 1
