"""``docgen build DATA… [--template T] [--out DIR] [--no-pdf]``: data files → .docx (+ PDF)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docgen.build import build
from docgen.errors import DataError, DocgenError, Location


def add_parser(sub) -> None:
    p = sub.add_parser("build", help="由数据文件生成 .docx 和 PDF",
                       description="由数据文件（.yaml）生成公文 .docx 和归档用 PDF/A。")
    p.add_argument("data", nargs="+", help="数据文件（.yaml），或包含数据文件的目录")
    p.add_argument("--template", "-t", help="模板名（如 report）或 .docx 模板文件路径；默认用数据文件中的 template")
    p.add_argument("--out", "-o", default="output", help="输出目录（默认 output/）")
    p.add_argument("--no-pdf", action="store_true", help="只生成 .docx，不生成 PDF")
    p.add_argument("--pdf-engine", choices=("reportlab", "libreoffice"), default="reportlab",
                   help="PDF 排版引擎：reportlab（默认，内置）或 libreoffice（需安装）")
    p.add_argument("--force", action="store_true", help="一致性检查未通过时仍然生成（给出警告）")
    p.add_argument("--strict", action="store_true", help="把警告当作错误")
    p.set_defaults(run=run)


def data_files(items: list[str]) -> list[Path]:
    """Expand folders into their .yaml/.yml files (sorted)."""
    files: list[Path] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            if not found:
                raise DataError("目录中没有数据文件（.yaml）。", location=Location(file=item),
                                fix="指定含有 .yaml 数据文件的目录，或直接指定数据文件。")
            files.extend(found)
        else:
            files.append(path)
    return files


def run(args: argparse.Namespace) -> int:
    files = data_files(args.data)
    failed = 0
    for path in files:
        try:
            result = build(path, template=args.template, out_dir=Path(args.out),
                           pdf=not args.no_pdf, pdf_engine=args.pdf_engine,
                           force=args.force, strict=args.strict)
        except DocgenError as exc:
            if len(files) == 1:
                raise
            failed += 1
            print(f"失败：{path}\n{exc.describe()}", file=sys.stderr)
            continue
        for warning in result.warnings:
            print(warning.describe(), file=sys.stderr)
        written = "、".join(str(p) for p in (result.docx, result.pdf) if p)
        print(f"已生成：{written}（{result.seconds:.2f} 秒）")
    if failed:
        print(f"共 {len(files)} 个文件，{failed} 个失败。", file=sys.stderr)
        return 1
    return 0
