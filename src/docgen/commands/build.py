"""``docgen build DATA… [--jobs N] [--template T] [--out DIR] [--no-pdf] …``: data files → .docx (+ PDF).

One data file is built in this process, as before: its error is raised to
cli.py (Chinese message, exit 1).  Several files, or a folder, go to
:func:`docgen.batch.build_many`: parallel processes, a progress bar on a
terminal (plain lines otherwise), a summary table, every failure with its
reason; the exit code is 1 if any file failed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.commands import PDF_ENGINE
from docgen.data_files import data_files, default_jobs

if TYPE_CHECKING:
    from docgen.batch import BatchItem

#: Imported while the process starts (docgen.gc_pause.started): what ``run`` imports.
STARTUP = ("docgen.build", *PDF_ENGINE)


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” 不是整数（--jobs 写进程数，如 4）") from None
    if value < 1:
        raise argparse.ArgumentTypeError("--jobs 至少为 1")
    return value


def add_parser(sub) -> None:
    p = sub.add_parser("build", help="由数据文件生成 .docx 和 PDF",
                       description="由数据文件（.yaml）生成公文 .docx 和归档用 PDF/A。"
                                   "可以一次指定多个文件或目录，并行生成。")
    p.add_argument("data", nargs="+", help="数据文件（.yaml），或包含数据文件的目录")
    p.add_argument("--template", "-t", help="模板名（如 report）或 .docx 模板文件路径；默认用数据文件中的 template")
    p.add_argument("--out", "-o", default="output", help="输出目录（默认 output/）")
    p.add_argument("--no-pdf", action="store_true", help="只生成 .docx，不生成 PDF")
    p.add_argument("--pdf-engine", choices=("reportlab", "libreoffice"), default="reportlab",
                   help="PDF 排版引擎：reportlab（默认，内置）或 libreoffice（需安装）")
    p.add_argument("--force", action="store_true", help="一致性检查未通过时仍然生成（给出警告）")
    p.add_argument("--strict", action="store_true", help="把警告当作错误")
    p.add_argument("--draft", action="store_true",
                   help="草稿：允许 docgen new 草稿中的占位文字（××××、附件名称等），只给出警告")
    p.add_argument("--rows", metavar="表格.xlsx",
                   help="按表格逐行生成：每行一份公文，列名对应 figures 中的数字或 meta 字段（见 docs/import.md）")
    p.add_argument("--name-column", metavar="列名", help="--rows：用这一列的值给每份公文的文件命名（默认第一列）")
    p.add_argument("--sheet", metavar="工作表", help="--rows：读取的工作表（默认第一个）")
    p.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                   help=f"同时生成的进程数（默认为本机可用的处理器核数，本机为 {default_jobs()}）")
    p.set_defaults(run=run)


# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------


def outputs_text(item: BatchItem) -> str:
    return "、".join(str(p) for p in (item.docx, item.pdf) if p)


_PLACE = re.compile(r"^:(\d+)(?::(\d+))?\s*(（[^）]*）)?$")


def short_reason(item: BatchItem) -> str:
    """The first line of the error without the file name (the table shows it already)."""
    reason = item.reason
    place, sep, message = reason.partition("：")
    prefix = str(item.data)
    if not sep or not place.startswith(prefix):
        return reason
    m = _PLACE.match(place[len(prefix):])
    if place == prefix:
        return message
    if not m:
        return reason
    where = f"第 {m[1]} 行" + (f"第 {m[2]} 列" if m[2] else "") + (m[3] or "")
    return f"{where}：{message}"


def progress_line(item: BatchItem, done: int, total: int) -> str:
    """One line per finished file, for logs (no terminal)."""
    width = len(str(total))
    if item.ok:
        return f"[{done:>{width}}/{total}] 完成 {item.data}（{item.seconds:.2f} 秒）"
    return f"[{done:>{width}}/{total}] 失败 {item.data}：{short_reason(item)}"


def summary_rows(items: Sequence[BatchItem]) -> list[tuple[str, str, str, str]]:
    """(文件, 结果, 用时, 输出或原因) for each file, in input order."""
    rows = []
    for item in items:
        if item.ok:
            rows.append((str(item.data), "成功", f"{item.seconds:.2f} 秒", outputs_text(item)))
        else:
            rows.append((str(item.data), "失败", f"{item.seconds:.2f} 秒", short_reason(item)))
    return rows


def totals_line(items: Sequence[BatchItem], seconds: float, jobs: int) -> str:
    from docgen.batch import summary  # noqa: PLC0415

    built, failed = summary(items)
    text = f"共 {len(items)} 个文件：成功 {built} 个，失败 {failed} 个；用时 {seconds:.1f} 秒（{jobs} 个进程）。"
    if failed:
        text += "失败的文件没有生成任何输出，原因见下。"
    return text


def failure_details(items: Sequence[BatchItem]) -> list[str]:
    """Full Chinese descriptions of every failure, and the warnings of the built files."""
    lines: list[str] = []
    for item in items:
        if not item.ok:
            lines.append(f"失败：{item.data}\n{item.error}")
    for item in items:
        if item.ok:
            lines.extend(f"{w.describe()}（{item.data}）" for w in item.warnings)
    return lines


# --------------------------------------------------------------------------
# Reporters
# --------------------------------------------------------------------------


class PlainReporter:
    """One line per file on stdout; the table as aligned text."""

    def start(self, total: int, jobs: int) -> None:
        print(f"开始生成 {total} 个文件（{jobs} 个进程）……", flush=True)

    def done(self, item: BatchItem, done: int, total: int) -> None:
        print(progress_line(item, done, total), flush=True)

    def stop(self) -> None:
        pass

    def table(self, items: Sequence[BatchItem], seconds: float, jobs: int) -> None:
        rows = summary_rows(items)
        print("\n生成结果：")
        for name, status, took, detail in rows:
            print(f"  {status}  {took:>9}  {name}  →  {detail}" if status == "成功"
                  else f"  {status}  {took:>9}  {name}  ：  {detail}")
        print(totals_line(items, seconds, jobs))


class RichReporter:
    """A progress bar on the terminal, then a table.

    The bar is refreshed by hand (``auto_refresh=False``): no thread runs in
    this process while worker processes are forked.
    """

    def __init__(self, console=None) -> None:
        from rich.console import Console  # noqa: PLC0415
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = console or Console()
        self.progress = Progress(TextColumn("生成中"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("已用"), TimeElapsedColumn(),
                                 TextColumn("{task.fields[last]}"),
                                 console=self.console, auto_refresh=False, transient=True)
        self.task = None

    def start(self, total: int, jobs: int) -> None:
        self.console.print(f"开始生成 {total} 个文件（{jobs} 个进程）……", highlight=False)
        self.progress.start()
        self.task = self.progress.add_task("build", total=total, last="")
        self.progress.refresh()

    def done(self, item: BatchItem, done: int, total: int) -> None:
        from rich.markup import escape  # noqa: PLC0415

        if not item.ok:
            self.progress.console.print(f"[red]失败[/] {escape(f'{item.data}：{short_reason(item)}')}",
                                        markup=True, highlight=False)
        self.progress.update(self.task, completed=done, last=escape(item.data.name))
        self.progress.refresh()

    def stop(self) -> None:
        self.progress.stop()

    def table(self, items: Sequence[BatchItem], seconds: float, jobs: int) -> None:
        from rich.markup import escape  # noqa: PLC0415
        from rich.table import Table  # noqa: PLC0415

        table = Table(title="生成结果", show_lines=False)
        for column in ("文件", "结果", "用时", "输出 / 原因"):
            table.add_column(column, overflow="fold")
        for name, status, took, detail in summary_rows(items):
            style = "green" if status == "成功" else "red"
            table.add_row(escape(name), f"[{style}]{status}[/]", took, escape(detail))
        self.console.print(table)
        self.console.print(totals_line(items, seconds, jobs), highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def prefetch(args: argparse.Namespace) -> None:
    """For one document built here: fontconfig lists the fonts in the background while the
    build's modules are imported and the .docx is made (page planning lays the document
    out, so every build needs them).  A batch's workers list them themselves."""
    from docgen.errors import DocgenError  # noqa: PLC0415
    from docgen.rows import rows_spec  # noqa: PLC0415

    try:
        files = data_files(args.data)
        if len(files) != 1 or rows_spec(files, args.rows, args.sheet, args.name_column):
            return
    except DocgenError:
        return  # run() reports it
    from docgen.pdf.fonts import prefetch_system_fonts  # noqa: PLC0415

    prefetch_system_fonts()


def run_single(path: Path, args: argparse.Namespace) -> int:
    """Today's behaviour for one file: errors go up to cli.py (message, exit 1)."""
    from docgen.pdf.fonts import prefetch_system_fonts  # noqa: PLC0415

    prefetch_system_fonts()  # (started already when the process began with this command)
    from docgen.build import build  # noqa: PLC0415

    result = build(path, template=args.template, out_dir=Path(args.out), pdf=not args.no_pdf,
                   pdf_engine=args.pdf_engine, force=args.force, strict=args.strict,
                   draft=args.draft)
    for warning in result.warnings:
        print(warning.describe(), file=sys.stderr)
    written = "、".join(str(p) for p in (result.docx, result.pdf) if p)
    print(f"已生成：{written}（{result.seconds:.2f} 秒）")
    return 0


def run(args: argparse.Namespace) -> int:
    from docgen.rows import rows_spec  # noqa: PLC0415

    files = data_files(args.data)
    rows = rows_spec(files, getattr(args, "rows", None), getattr(args, "sheet", None),
                     getattr(args, "name_column", None))
    if len(files) == 1 and rows is None:
        return run_single(files[0], args)
    from docgen.batch import build_many, summary  # noqa: PLC0415 - several files: the batch machinery

    jobs = min(args.jobs or default_jobs(), len(files)) if rows is None else (args.jobs or default_jobs())
    reporter = RichReporter() if sys.stdout.isatty() else PlainReporter()
    started = time.perf_counter()
    options = dict(template=args.template, out_dir=Path(args.out), pdf=not args.no_pdf,
                   pdf_engine=args.pdf_engine, force=args.force, strict=args.strict, draft=args.draft,
                   on_done=reporter.done)
    if rows is None:
        reporter.start(len(files), jobs)
    try:
        if rows is not None:  # one document per row of a table (docgen.rows)
            from docgen.rows import build_rows  # noqa: PLC0415

            items = build_rows(files[0], rows, jobs=jobs, on_start=lambda n: reporter.start(n, jobs),
                               **options)
        else:
            items = build_many(files, jobs=jobs, **options)
    finally:
        reporter.stop()
    reporter.table(items, time.perf_counter() - started, jobs)
    details = failure_details(items)
    if details:
        sys.stdout.flush()
        print("\n" + "\n\n".join(details), file=sys.stderr)
    return 1 if summary(items)[1] else 0
