"""``docgen new --template NAME [FILE]``: scaffold a data file with every field of a template.

Writes a YAML file whose ``meta`` lists every field the template prints, each
with a Chinese comment and an example value, plus a short body; refuses to
overwrite an existing file.  Any template docgen finds works (a user's
``templates/通报.docx`` as ``-t 通报``): its fields are read from the values its
tags print, and its ``{{ extra.名称 }}`` tags become an ``extra:`` mapping.
Returns the exit code.
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


# values a template prints -> the meta fields they come from
_VALUE_FIELDS = {
    "date_text": ("date",), "recipients_text": ("recipients",), "copy_to_text": ("copy_to",),
    "print_date_text": ("printer", "print_date"), "has_record": ("copy_to", "printer"),
    "has_seal": ("seal",), "joint_seals": ("seal",), "attachment_notes": ("attachments",),
    "attachment_pages": ("attachments",), "issuer_marks": ("issuer_mark",),
    "issuer_mark_text": ("issuer_mark", "with_wenjian"), "issuers": ("issuer",),
    "title_text": ("title",), "title_lines": ("title",), "attendees_text": ("attendees",),
    "absent_text": ("absent",), "observers_text": ("observers",),
    "header_lines": ("copy_number", "classification", "urgency"),
}
_REQUIRED = ("title", "issuer", "year", "date")


def template_fields(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(meta fields, extra names) that a template of the user's prints, read from its tags."""
    import re  # noqa: PLC0415

    from docgen.template_check import _values_of, check_template  # noqa: PLC0415

    report = check_template(path)
    wanted: set[str] = set(_REQUIRED)
    extra: list[str] = []
    for ph in report.placeholders:
        for value in _values_of(ph.text):
            if value.startswith("meta."):
                wanted.add(value[5:])
            elif value.startswith("extra.") and value[6:] not in extra:
                extra.append(value[6:])
            wanted.update(_VALUE_FIELDS.get(value, ()))
        if ph.text.startswith("{%"):  # {%p if has_seal %}, {%p if meta.note %} …
            for name in re.findall(r"\b(\w+)\b", ph.text):
                wanted.update(_VALUE_FIELDS.get(name, ()))
            wanted.update(re.findall(r"\bmeta\.(\w+)", ph.text))
        for name in re.findall(r"extra\[['\"]([^'\"]+)['\"]\]", ph.text):
            if name not in extra:
                extra.append(name)
    return tuple(k for k in FIELDS if k in wanted), tuple(extra)


def scaffold(template: str, path: Path | None = None) -> str:
    """The scaffold text for ``template``: a shipped one from the catalog, a user's (``path``)
    from the values its tags print."""
    extra: tuple[str, ...] = ()
    if template in TEMPLATE_FIELDS:
        fields, description = TEMPLATE_FIELDS[template], DESCRIPTIONS[template]
    elif path is not None:
        fields, extra = template_fields(path)
        description = f"自定义模板 {template}（{path}）"
    else:
        names = "、".join(TEMPLATE_FIELDS)
        raise DataError(f"没有名为 “{template}” 的模板。", fix=f"可用的模板：{names}。")
    overrides = EXAMPLE_OVERRIDES.get(template, {})
    if template not in TEMPLATE_FIELDS and len(template) <= 4 and not template.isascii():
        overrides = {"title": f"如东县人民政府关于××××的{template}"}  # 通报, 意见 …
    lines = [f"# {description}",
             "# 由 docgen new 生成：按注释填写，不需要的项整行删去。格式说明见 docs/formats.md。",
             f"template: {template}", "", "meta:"]
    for key in fields:
        comment, example = FIELDS[key]
        value = overrides.get(key, example)
        if key == "seal":  # the picture must exist: left commented out until there is one
            lines.append(f"  # {key}: {value}    # {comment}")
        elif value.startswith("\n"):
            lines.append(f"  # {comment}")
            lines.append(f"  {key}:{value}")
        else:
            lines.append(f"  {key}: {value}    # {comment}")
    if extra:
        lines.append("  extra:              # 自定义字段：模板中写作 {{ extra.名称 }}")
        lines += [f"    {name}: ××××" for name in extra]
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
    from docgen.template_paths import available_templates  # noqa: PLC0415

    found = available_templates()
    if args.template not in TEMPLATE_FIELDS and args.template not in found:
        names = "、".join(found) or "（无）"
        raise DataError(f"没有名为 “{args.template}” 的模板。",
                        fix=f"可用的模板：{names}（docgen templates 查看）。")
    text = scaffold(args.template, found.get(args.template))
    target = Path(args.file) if args.file else Path("data") / f"{args.template}-草稿.yaml"
    if target.exists():
        raise DataError("文件已存在，未覆盖。", location=Location(file=str(target)),
                        fix="换一个文件名，或先删除该文件。")
    target.parent.mkdir(parents=True, exist_ok=True)
    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    atomic_write_bytes(target, text.encode("utf-8"))
    print(f"已生成：{target}（按注释填写后运行 docgen build {target}）")
    return 0
