"""``docgen templates``: list the templates docgen can find, each with what it is for."""

from __future__ import annotations

import argparse

from docgen.build import available_templates, template_dirs
from docgen.commands.catalog import DESCRIPTIONS


def add_parser(sub) -> None:
    p = sub.add_parser("templates", help="列出可用的模板",
                       description="列出可用的模板及其用途（按查找顺序：当前目录 templates/、项目 templates/）。"
                                   "在数据文件中写 template: 模板名 使用；docgen new --template 模板名 生成数据文件草稿。")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    found = available_templates()
    if not found:
        dirs = "、".join(str(d) for d in template_dirs())
        print(f"没有找到模板。查找位置：{dirs}")
        return 1
    width = max(len(name) for name in found)
    for name, path in found.items():
        what = DESCRIPTIONS.get(name, "自定义模板")
        print(f"{name.ljust(width)}  {what}\n{' ' * width}  {path}")
    return 0
