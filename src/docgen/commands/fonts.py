"""``docgen fonts``: show which font file serves each font name, or prepare them.

Takes the parsed arguments (optional font names, ``--prepare``); prints a
Chinese table 字体名 / 实际字体 / 文件 / 来源 and returns the exit code.
``--prepare`` converts and caches every CFF substitute up front, so the first
PDF build is not slowed down by it (the setup script runs it).
"""

from __future__ import annotations

import argparse
import unicodedata

from docgen.pdf.fonts import (
    OFFICIAL_NAMES,
    STYLE_NAMES,
    STYLES,
    FontRegistry,
    ResolvedFont,
    cache_dir,
    font_table,
    get_registry,
)

HEADERS = ("字体名", "实际字体", "文件", "来源")
#: Names met in documents made elsewhere, listed after the official ones.
COMMON_NAMES = ("Arial", "Calibri", "Cambria", "Courier New", "微软雅黑", "等线")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "fonts", help="查看公文字体由哪个字体文件提供",
        description="列出公文字体（方正小标宋简体、仿宋_GB2312、黑体、楷体_GB2312 等）"
                    "在本机由哪个字体文件提供，以及来源（用户配置、用户字体目录、系统字体或开源替代字体）。",
        epilog="把真实字体文件放入 ./fonts/ 或环境变量 DOCGEN_FONT_DIR 指定的目录即可使用；"
               "详见 docs/fonts.md。",
    )
    p.add_argument("names", nargs="*", metavar="字体名",
                   help="只查看这些字体（默认：全部公文标准字体）")
    p.add_argument("--prepare", action="store_true",
                   help="预先转换并缓存需要转换的替代字体（首次生成 PDF 因而不必等待）")
    p.set_defaults(run=run)


def display_width(text: str) -> int:
    """Columns *text* takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _file_cell(font: ResolvedFont) -> str:
    text = str(font.path)
    if font.subfont_index:
        text += f"（第 {font.subfont_index} 号字体）"
    if font.needs_conversion:
        text += "（首次使用时转换）"
    if font.fake_bold:
        text += "（加粗由程序模拟）"
    return text


def format_table(fonts: list[ResolvedFont]) -> str:
    """The table as aligned text lines."""
    rows = [HEADERS] + [(f.requested, f.family, _file_cell(f), f.source) for f in fonts]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(HEADERS) - 1)]
    lines = []
    for row in rows:
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def fallback_report(registry: FontRegistry) -> str:
    """The per-glyph fallback chains, installed or not, and the packages that provide the rest."""
    lines = ["", "缺字回退：文字所用的字体缺少某个字符时，依次改用下列字体中第一个有该字的字体"
             "（汉字先试本机的宋体、黑体或楷体）："]
    missing: dict[str, list[str]] = {}
    for style in STYLES:
        for cjk, label in ((True, "汉字"), (False, "其他字符")):
            shown = []
            for cand, face in registry.chain_faces(style, cjk):
                if face is None:
                    shown.append(f"{cand.family}（未安装）")
                    missing.setdefault(cand.package, []).append(cand.family)
                else:
                    shown.append(cand.family)
            lines.append(f"  {STYLE_NAMES[style]}，{label}：" + " → ".join(dict.fromkeys(shown)))
    if missing:
        packages = " ".join(sorted(missing))
        families = "、".join(sorted({f for fams in missing.values() for f in fams}))
        lines.append(f"未安装的回退字体（{families}）可用以下命令安装：sudo apt-get install {packages}")
    else:
        lines.append("回退字体均已安装。")
    lines.append("所有字体都没有的字符在 PDF 中显示为“□”，并给出警告（指出字符、编码、段落和页码）。")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    names = list(args.names) or list(OFFICIAL_NAMES) + list(COMMON_NAMES)
    registry = get_registry()
    if args.prepare:
        done = registry.prepare(names)
        for font, seconds in done:
            print(f"已转换 {font.family}：{font.path.name} → {font.embedded_path}（{seconds:.1f} 秒）")
        if not done:
            print(f"所需字体均已就绪，无需转换（缓存目录：{cache_dir()}）")
    print(format_table(font_table(names, registry)))
    if not args.names:
        print(fallback_report(registry))
    for warning in registry.warnings:
        print(warning.describe())
    return 0
