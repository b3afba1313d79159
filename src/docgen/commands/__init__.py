"""One module per ``docgen`` subcommand.

Each module exposes ``add_parser(subparsers) -> None`` (registering its
sub-parser with ``set_defaults(run=run)``-style dispatch done by cli.py) and
``run(args) -> int`` (the exit code).  ``COMMANDS`` is the order shown in
``docgen --help``; a module ``next_year`` is the command ``next-year``.

``SUMMARIES`` holds each command's one-line help, so that ``docgen --help``
lists every command without importing any of them (cli.py imports only the
module of the command being run).  A command missing here still works: its
module is then imported to list it.
"""

COMMANDS = ("build", "pdf", "check", "diff", "fonts", "templates", "template", "new", "next_year", "import_", "serve")

SUMMARIES = {
    "build": "由数据文件生成 .docx 和 PDF",
    "pdf": "把 .docx 公文排版为归档用 PDF/A",
    "check": "校对数据文件中的文字（标点、重复字词、编号、日期等）",
    "diff": "对比两年的数据文件：数字的上年、本年、增减、增长率，增删改的段落（可导出 .xlsx）",
    "fonts": "查看公文字体由哪个字体文件提供",
    "templates": "列出可用的模板",
    "template": "检查模板（docgen template check 模板）：公文要素、占位符、页面和字体",
    "new": "按模板生成数据文件草稿",
    "next_year": "根据今年的数据文件生成下一年的数据文件",
    "import_": "把已有的公文（.docx/.doc/.wps/文本）转换成数据文件",
    "serve": "打开网页：填写数据、校对、预览和下载公文（不用改 YAML）",
}


#: The PDF engine's modules that every conversion imports as it goes: commands that
#: convert import them while the process starts (their ``STARTUP``, docgen.gc_pause.started).
PDF_ENGINE = ("docgen.pdf.docx_reader", "docgen.pdf.layout", "docgen.pdf.draw")


def cli_name(module: str) -> str:
    """The command typed for a module: ``next_year`` → ``next-year``, ``import_`` → ``import``."""
    return module.rstrip("_").replace("_", "-")
