"""``docgen template check T.docx|NAME [--strict]``: what a template offers and what is wrong.

Prints the report of ``docgen.template_check.check_template`` in Chinese:
the 公文 roles found (by style name or marker) and missing (with what that
does to the output), the placeholders and their problems (located by
paragraph), page setup, document grid and fonts per role against GB/T 9704.
Returns 0 when there is no error (1 with ``--strict`` when there are
warnings), 1 when the template has errors.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "template", help="检查模板：找到哪些公文要素、占位符是否正确、页面和字体是否符合 GB/T 9704",
        description="检查一个 .docx 模板：按样式名称（或书签）找到的公文要素（正文、各级标题、署名、印章位置、"
                    "版记……）和缺少的要素及其影响；{{ }} 占位符是否被拆开、引用的值是否存在、"
                    "{% %} 是否配对（指出第几段）；页面设置、文档网格和各要素的字体字号是否符合 GB/T 9704。")
    actions = p.add_subparsers(dest="action", metavar="操作", required=True)
    check = actions.add_parser("check", help="检查模板并列出结果",
                               description="检查模板并用中文列出结果。")
    check.add_argument("template", metavar="模板", help="模板文件（.docx）或模板名（docgen templates 查看）")
    check.add_argument("--strict", action="store_true", help="有警告时也返回非零退出码")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from docgen.build import find_template  # noqa: PLC0415
    from docgen.template_check import check_template  # noqa: PLC0415

    path = find_template(args.template) if not Path(args.template).exists() \
        else Path(args.template)
    report = check_template(path)
    print(report.describe())
    if report.errors:
        return 1
    return 1 if args.strict and report.warnings else 0
