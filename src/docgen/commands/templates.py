"""``docgen templates``: list the templates docgen can find."""

from __future__ import annotations

import argparse

from docgen.build import available_templates, template_dirs


def add_parser(sub) -> None:
    p = sub.add_parser("templates", help="列出可用的模板",
                       description="列出可用的模板（按查找顺序：当前目录 templates/、项目 templates/）。")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    found = available_templates()
    if not found:
        dirs = "、".join(str(d) for d in template_dirs())
        print(f"没有找到模板。查找位置：{dirs}")
        return 1
    width = max(len(name) for name in found)
    for name, path in found.items():
        print(f"{name.ljust(width)}  {path}")
    return 0
