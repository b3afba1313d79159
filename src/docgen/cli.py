"""The ``docgen`` command line: parse arguments, dispatch, print errors in Chinese.

Takes argv; returns an exit code.  Every DocgenError is printed as its
Chinese description (place, problem, fix) with exit code 1; usage errors exit
2; an interruption exits 130.  No traceback reaches the user unless
DOCGEN_DEBUG=1 is set.

Start-up is cheap: only the module of the subcommand being run is imported
(``docgen --help`` and ``docgen --version`` import none), the others are
listed from ``commands.SUMMARIES``.  argparse's own English (``usage:``,
``positional arguments``, ``invalid choice`` …) is translated while the
parser runs.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys

from docgen.commands import COMMANDS, SUMMARIES, cli_name

TYPE_CHECKING = False  # typing is not imported: start-up stays cheap
if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator, Sequence

#: argparse's messages (Python 3.11–3.13) in Chinese.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "the following arguments are required: %s": "缺少以下参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "后面要写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected %s argument": "后面要写 %s 个值",
    "expected %s arguments": "后面要写 %s 个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的值",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中必须写一个",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "%(prog)s: error: %(message)s\n": "%(prog)s：参数错误：%(message)s\n",
}


def _translate(message: str) -> str:
    return _ARGPARSE_ZH.get(message, message)


@contextlib.contextmanager
def chinese_argparse() -> Iterator[None]:
    """argparse speaks Chinese inside this block (its messages go through ``argparse._``)."""
    saved = argparse._  # type: ignore[attr-defined]
    argparse._ = _translate  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = saved  # type: ignore[attr-defined]


#: Chinese placeholders for options that name no metavar of their own (``--out OUT`` → ``--out 目录``).
_METAVARS = {"template": "模板", "out": "目录", "output": "文件", "file": "文件", "data": "数据文件",
             "source": "文件", "rows": "表格", "jobs": "N", "xlsx": "文件", "engine": "引擎"}


class _ChineseFormatter(argparse.HelpFormatter):
    def _get_default_metavar_for_optional(self, action: argparse.Action) -> str:
        return _METAVARS.get(action.dest, "值")

    def _get_default_metavar_for_positional(self, action: argparse.Action) -> str:
        return _METAVARS.get(action.dest, action.dest)


class _ChineseParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _ChineseFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # noqa: D401 - argparse hook
        import re  # noqa: PLC0415 - only on an error

        names = {**_METAVARS, "old": "上年文件", "new": "本年文件"}   # positional names in Chinese
        message = re.sub(r"(?<![\w-])(data|source|file|old|new)(?![\w-])",
                         lambda m: names[m.group(1)], message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：参数错误：{message}\n  运行 {self.prog} --help 查看用法。\n")


def version() -> str:
    """The installed version (package metadata), without importing anything heavy."""
    for entry in sys.path:  # the installed dist-info names the version: no importlib.metadata
        with contextlib.suppress(OSError):
            for name in os.listdir(entry or "."):
                if name.startswith("docgen-") and name.endswith((".dist-info", ".egg-info")):
                    return name.removeprefix("docgen-").rsplit(".", 1)[0]
    try:
        from importlib.metadata import version as _version  # noqa: PLC0415

        return _version("docgen")
    except Exception:  # noqa: BLE001 - running from a source tree that is not installed
        return "未安装（源代码）"


class _Version(argparse.Action):
    """``--version``: the version is looked up only when asked for."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"docgen {version()}")
        parser.exit()


def _selected(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (its module name), if any."""
    names = {cli_name(name): name for name in COMMANDS}
    for arg in argv:
        if arg.startswith("-"):
            continue
        return names.get(arg)
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the subcommand named there is imported."""
    selected = _selected(argv) if argv is not None else None
    parser = _ChineseParser(
        prog="docgen",
        description="把每年的数据（data/*.yaml）生成符合 GB/T 9704-2012 的公文 .docx 和 PDF/A。",
        epilog="示例：docgen build data/2022-如东县法治政府建设情况报告.yaml；"
               "docgen 命令 --help 查看某个命令的用法。",
    )
    parser.add_argument("--version", "-V", action=_Version, help="显示 docgen 的版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_ChineseParser,
                                title="命令")
    for name in COMMANDS:
        lazy = argv is not None and name != selected and name in SUMMARIES
        if lazy:
            sub.add_parser(cli_name(name), help=SUMMARIES[name], add_help=False)
            continue
        try:
            module = importlib.import_module(f"docgen.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"docgen.commands.{name}":
                continue  # command not available in this installation
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None, *, process_entry: bool = False) -> int:
    """Run the command in ``argv``; its exit code.

    ``process_entry``: called by :func:`entry` with the collector off since the process
    began; start-up ends (:func:`docgen.gc_pause.started`) once the command's modules
    (its module's ``STARTUP``) are imported.  A command module's ``prefetch(args)`` runs
    first: work started in the background meanwhile (fontconfig's font list).  The code
    of the dataclasses defined meanwhile comes from :mod:`docgen.compile_cache`.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    with chinese_argparse():
        parser = build_parser(argv)
        args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        with chinese_argparse():
            parser.print_help()
        return 2
    from docgen.errors import DocgenError  # noqa: PLC0415 - not needed for --help

    try:
        if process_entry:
            _start_up(args)
        return int(args.run(args) or 0)
    except DocgenError as exc:
        print(exc.describe(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断，未写出任何不完整的文件。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`docgen templates | head`): not an
        # error of ours or the user's.  Point stdout at /dev/null so the
        # interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        print("docgen 内部错误（这是程序的问题，不是您的数据的问题）。"
              "请设置环境变量 DOCGEN_DEBUG=1 重新运行，并把输出发给维护人员。", file=sys.stderr)
        if os.environ.get("DOCGEN_TRACEBACK"):
            import traceback  # noqa: PLC0415

            traceback.print_exc()
        return 3
    finally:
        cache = sys.modules.get("docgen.compile_cache") if process_entry else None
        if cache is not None:  # the dataclasses of modules the command imported as it went
            cache.save()


def _start_up(args: argparse.Namespace) -> None:
    """The process's start-up for the command in ``args`` (see :func:`main`)."""
    from docgen import compile_cache  # noqa: PLC0415 - not needed for --help
    from docgen.gc_pause import started  # noqa: PLC0415

    compile_cache.install()
    command = sys.modules[args.run.__module__]
    if hasattr(command, "prefetch"):  # background work that overlaps the imports
        command.prefetch(args)
    started(getattr(command, "STARTUP", ()))
    compile_cache.save()


# One-shot commands whose process ends without Python's interpreter teardown (see entry).
QUICK_EXIT = frozenset(COMMANDS) - {"serve"}


def entry() -> None:
    """The ``docgen`` command (console script and ``python -m docgen``).

    After a one-shot command everything is written and closed (outputs are committed
    with fsync, caches written atomically, worker pools shut down), so the process
    flushes its output and leaves with ``os._exit``: tearing the interpreter down —
    freeing every module, font table and cached layout — took 50-60 ms of a cold
    ``docgen build`` of 0.35 s (measured on 2 cores).  ``serve`` exits normally.

    The collector is off while the process starts (see :func:`docgen.gc_pause.started`).
    """
    gc.disable()
    argv = sys.argv[1:]
    code = main(argv, process_entry=True)
    if _selected(argv) in QUICK_EXIT and not os.environ.get("DOCGEN_DEBUG"):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, OSError):
            pass  # the reader went away: nothing more to tell it
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
