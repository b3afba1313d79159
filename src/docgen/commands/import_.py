"""``docgen import FILE [-o data/NAME.yaml] [--template T] [--force]``: a 公文 → a data file.

Reads a .docx (Word, WPS), a .doc/.wps (through LibreOffice) or plain text,
writes the data file (atomically; an existing file only with --force) and
prints the Chinese report of what was recognised, uncertain, corrected and
not imported.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from docgen.errors import DataError, Location


def add_parser(sub) -> None:
    p = sub.add_parser("import", help="把已有的公文（.docx/.doc/.wps/文本）转换成数据文件",
                       description="读取 Word/WPS 公文（.docx；.doc 和 .wps 需要 LibreOffice）或网页复制的纯文本，"
                                   "识别标题、版头、层级标题、列举、表格、落款、版记和正文中的数字，"
                                   "写出能生成同样公文的数据文件（.yaml），并列出识别结果和需要核对的地方。")
    p.add_argument("source", help="要导入的公文：.docx、.doc、.wps 或 .txt")
    p.add_argument("--output", "-o", help="写出的数据文件（默认 data/标题.yaml）")
    p.add_argument("--template", "-t", help="使用的模板名（默认根据版头等自动判断）")
    p.add_argument("--force", action="store_true", help="数据文件已存在时覆盖")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from docgen.importer import import_document  # noqa: PLC0415
    from docgen.safety import output_stem, write_all_or_nothing  # noqa: PLC0415

    source = Path(args.source)
    if source.suffix.lower() in (".docx", ".docm") and source.is_file():
        from docgen.safety import check_docx  # noqa: PLC0415

        check_docx(source)
    if args.template:
        from docgen.build import available_templates  # noqa: PLC0415

        names = available_templates()
        if args.template not in names:
            raise DataError(f"没有名为 “{args.template}” 的模板。", location=Location(file=str(source)),
                            fix=f"可用的模板：{'、'.join(names)}。")
    target = Path(args.output) if args.output else None
    result = import_document(source, template=args.template,
                             seal_prefix=f"{target.stem if target else source.stem}-印章")
    if target is None:
        target = Path("data") / f"{output_stem(result.meta['title'])}.yaml"
    files = {target: result.yaml.encode("utf-8")}
    files.update({target.parent / name: data for name, data in result.pictures.items()})
    for path, data in files.items():
        if path.exists() and not args.force and path.read_bytes() != data:
            raise DataError("文件已经存在，没有覆盖。", location=Location(file=str(path)),
                            fix="用 -o 指定另一个文件名，或加 --force 覆盖。")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_all_or_nothing(files)
    print(result.report.render(str(target)))
    print(f"\n已写出：{target}。核对后生成：docgen build {target}")
    return 0
