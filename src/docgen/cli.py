"""The ``docgen`` command line: parse arguments, dispatch, print errors in Chinese.

Takes argv; returns an exit code.  Every DocgenError is printed as its
Chinese description (place, problem, fix) with exit code 1; usage errors exit
2; an interruption exits 130.  No traceback reaches the user unless
DOCGEN_DEBUG=1 is set.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from docgen.commands import COMMANDS
from docgen.errors import DocgenError


class _ChineseParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # noqa: D401 - argparse hook
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：参数错误：{message}\n  运行 {self.prog} --help 查看用法。\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _ChineseParser(
        prog="docgen",
        description="把每年的数据（data/*.yaml）生成符合 GB/T 9704-2012 的公文 .docx 和 PDF/A。",
        epilog="示例：docgen build data/2022-如东县法治政府建设情况报告.yaml",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_ChineseParser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"docgen.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"docgen.commands.{name}":
                continue  # command not available in this installation
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except DocgenError as exc:
        print(exc.describe(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，未写出任何不完整的文件。", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        print("docgen 内部错误（这是程序的问题，不是您的数据的问题）。"
              "请设置环境变量 DOCGEN_DEBUG=1 重新运行，并把输出发给维护人员。", file=sys.stderr)
        if os.environ.get("DOCGEN_TRACEBACK"):
            traceback.print_exc()
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
