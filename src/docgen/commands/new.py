"""``docgen new --template NAME [FILE]``: scaffold a data file with every field of a template.

Writes a YAML file whose ``meta`` lists every field the template prints, each
with a Chinese comment and an example value, plus a short body; refuses to
overwrite an existing file.  Returns the exit code.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from docgen.commands.catalog import DESCRIPTIONS, EXAMPLE_OVERRIDES, FIELDS, TEMPLATE_FIELDS
from docgen.errors import DataError, Location

BODY = """body:               # 正文：一个字符串一段；heading 为标题（编号自动生成，不要手写）
  - 开头段落。
  - heading: 第一部分标题
    body:
      - 第一部分正文。
      - heading: 段首标题。
        text: 段首标题后的正文。
"""


def scaffold(template: str) -> str:
    """The scaffold text for ``template`` (pure)."""
    if template not in TEMPLATE_FIELDS:
        names = "、".join(TEMPLATE_FIELDS)
        raise DataError(f"没有名为 “{template}” 的模板。", fix=f"可用的模板：{names}。")
    overrides = EXAMPLE_OVERRIDES.get(template, {})
    lines = [f"# {DESCRIPTIONS[template]}",
             "# 由 docgen new 生成：按注释填写，不需要的项整行删去。格式说明见 docs/formats.md。",
             f"template: {template}", "", "meta:"]
    for key in TEMPLATE_FIELDS[template]:
        comment, example = FIELDS[key]
        value = overrides.get(key, example)
        if key == "seal":  # the picture must exist: left commented out until there is one
            lines.append(f"  # {key}: {value}    # {comment}")
        elif value.startswith("\n"):
            lines.append(f"  # {comment}")
            lines.append(f"  {key}:{value}")
        else:
            lines.append(f"  {key}: {value}    # {comment}")
    lines.append("")
    lines.append(BODY)
    return "\n".join(lines)


def add_parser(sub) -> None:
    p = sub.add_parser("new", help="按模板生成数据文件草稿",
                       description="按模板生成一个数据文件草稿，列出该模板用到的全部字段，每项带中文注释。")
    p.add_argument("--template", "-t", required=True, help="模板名，如 notice、request（docgen templates 查看）")
    p.add_argument("file", nargs="?", help="要生成的数据文件（默认 data/<模板名>-草稿.yaml）")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    text = scaffold(args.template)
    target = Path(args.file) if args.file else Path("data") / f"{args.template}-草稿.yaml"
    if target.exists():
        raise DataError("文件已存在，未覆盖。", location=Location(file=str(target)),
                        fix="换一个文件名，或先删除该文件。")
    target.parent.mkdir(parents=True, exist_ok=True)
    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    atomic_write_bytes(target, text.encode("utf-8"))
    print(f"已生成：{target}（按注释填写后运行 docgen build {target}）")
    return 0
