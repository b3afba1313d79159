"""``docgen templates``: list the templates docgen can find, each with what it is for."""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    p = sub.add_parser("templates", help="列出可用的模板",
                       description="列出可用的模板及其用途。按以下顺序查找，同名时前面的优先："
                                   "当前目录的 templates/、数据文件上一级目录的 templates/、"
                                   "环境变量 DOCGEN_TEMPLATES 中的文件夹、配置文件 docgen.toml"
                                   "（或 ~/.config/docgen/config.toml）中 templates 写的文件夹、"
                                   "docgen 自带的模板。模板名可以是中文（templates/通报.docx 即 通报）。"
                                   "在数据文件中写 template: 模板名 使用；docgen new --template 模板名 "
                                   "生成数据文件草稿；docgen template check 模板名 检查模板。")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from docgen.commands.catalog import DESCRIPTIONS  # noqa: PLC0415
    from docgen.template_paths import available_templates, is_shipped, template_dirs  # noqa: PLC0415

    found = available_templates()
    if not found:
        dirs = "、".join(str(d) for d in template_dirs())
        print(f"没有找到模板。查找位置：{dirs}")
        return 1
    width = max(len(name) for name in found)
    for name, path in found.items():
        if is_shipped(path):
            what = DESCRIPTIONS.get(name, "docgen 自带的模板")
        else:
            base = DESCRIPTIONS.get(name)
            what = (f"自定义模板（替代自带的同名模板：{base}）" if base
                    else f"自定义模板（docgen template check {name} 查看它能排出哪些公文要素）")
        print(f"{name.ljust(width)}  {what}\n{' ' * width}  {path}")
    return 0
