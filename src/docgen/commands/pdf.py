"""``docgen pdf FILE.docx``: lay out any .docx as an archival PDF/A.

Takes the parsed arguments (the .docx, ``--out`` folder, ``--engine``,
``--strict``, ``--validate``); writes ``<name>.pdf`` next to the .docx (or into ``--out``)
atomically, prints warnings and errors in Chinese, returns the exit code
(0 = written, 1 = error, or warnings under ``--strict``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docgen.commands import PDF_ENGINE
from docgen.errors import DocgenError, Location, RenderError

#: Imported while the process starts (docgen.gc_pause.started): what ``run`` imports.
STARTUP = ("docgen.pdf", *PDF_ENGINE)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "pdf", help="把 .docx 公文排版为归档用 PDF/A",
        description="读取一个 .docx 文件（页面设置、样式、页码等），排版为 PDF/A-2b 归档文件。",
        epilog="例：docgen pdf output/2022年如东县法治政府建设情况报告.docx",
    )
    p.add_argument("docx", metavar="文件.docx", help="要转换的 Word 文档")
    p.add_argument("--out", metavar="目录", help="PDF 的输出目录（默认：与 .docx 相同）")
    p.add_argument("--engine", choices=("reportlab", "libreoffice"), default="reportlab",
                   help="排版引擎（默认 reportlab；libreoffice 需本机安装 LibreOffice）")
    p.add_argument("--strict", action="store_true", help="有警告时视为失败，不写出 PDF")
    p.add_argument("--validate", action="store_true",
                   help="另外用 PDF/A-2b 校验程序检查生成的 PDF（较慢；未通过时不写出 PDF）")
    p.set_defaults(run=run)


def prefetch(args) -> None:
    """fontconfig lists the fonts in the background while the engine's modules are imported."""
    if args.engine == "reportlab":
        from docgen.pdf.fonts import prefetch_system_fonts  # noqa: PLC0415

        prefetch_system_fonts()


def run(args) -> int:
    from docgen.pdf import docx_to_pdf
    from docgen.safety import atomic_write_bytes

    src = Path(args.docx)
    try:
        if src.suffix.lower() != ".docx":
            raise RenderError("只能转换 .docx 文件", location=Location(file=str(src)),
                              fix="旧版 .doc 或 .wps 文件请先用 Word/WPS 另存为 .docx。")
        out_dir = Path(args.out) if args.out else src.parent
        target = out_dir / (src.stem + ".pdf")
        result = docx_to_pdf(src, engine=args.engine, validate=args.validate)
        for w in result.warnings:
            print(w.describe(), file=sys.stderr)
        if args.strict and result.warnings:
            print(f"错误：有 {len(result.warnings)} 条警告，--strict 模式下不写出 PDF。",
                  file=sys.stderr)
            return 1
        out_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, result.data)
    except DocgenError as err:
        print(err.describe(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(RenderError(f"无法写出 PDF：{exc.strerror or exc}",
                          location=Location(file=str(src)),
                          fix="检查输出目录是否存在、是否有写入权限、磁盘是否已满。").describe(),
              file=sys.stderr)
        return 1
    print(f"已生成 {target}（{result.pages} 页）")
    return 0
