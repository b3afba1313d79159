"""Build many data files at once, in parallel processes, past failures.

Takes data files and folders plus the options of :func:`docgen.build.build`;
returns one :class:`BatchItem` per data file, in input order.  Nothing here
prints: callers watch progress through ``on_done``.

How a batch runs:

1. :func:`data_files` expands folders into their ``.yaml``/``.yml`` files and
   drops duplicates.
2. Each file is built by :func:`docgen.build.build` into its own folder in a
   private staging directory (outside ``out_dir``), by a pool of worker
   processes (``jobs``, default: the number of usable cores).  Each worker
   warms its caches once (:func:`warm_up`).  An error in one file is
   recorded for that file (its Chinese ``describe()``, or an "内部错误" text
   for an unexpected exception) and the batch goes on.  If a worker process
   dies (out of memory, a crash in a C library), the files it may have been
   working on are retried one at a time, each in a fresh process, so only
   the culprit is reported.
3. As soon as a file is built, the parent commits its staged outputs into
   ``out_dir`` (:class:`Committer`, with :func:`docgen.safety.write_all_or_nothing`:
   the .docx and .pdf together, surviving a kill); the first commit into a
   folder first recovers what a killed build left there.  A file whose output
   name another file of this batch already wrote is refused (a clear message,
   not a silent overwrite).  Each file has a time budget
   (:data:`docgen.limits.DOCUMENT_SECONDS`, ``timeout``): a file that takes
   longer is stopped and reported, the others go on.
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.data_files import DATA_SUFFIXES, data_files, default_jobs  # noqa: F401 - part of this module's API
from docgen.errors import DataError, DocgenError, DocgenWarning, Location, RenderError

INTERNAL_ERROR = "内部错误"


@dataclass(frozen=True)
class BuildOptions:
    """The options of one batch, the same as :func:`docgen.build.build`'s (picklable)."""

    template: str | None = None
    pdf: bool = True
    pdf_engine: str = "reportlab"
    force: bool = False
    strict: bool = False
    draft: bool = False
    timeout: float | None = None  # seconds per document (default limits.DOCUMENT_SECONDS)


@dataclass
class BatchItem:
    """What happened to one data file of a batch.

    ``ok`` is True when its outputs were written; then ``docx`` (and ``pdf``
    unless PDFs were not asked for) name the files in ``out_dir``.  When
    ``ok`` is False, ``error`` is the full Chinese description (place,
    problem, fix) and ``kind`` the error's kind (``数据错误``, ``模板错误``,
    ``内部错误`` …).  ``seconds`` is the time spent building this file.
    """

    data: Path
    ok: bool
    docx: Path | None = None
    pdf: Path | None = None
    warnings: list[DocgenWarning] = field(default_factory=list)
    seconds: float = 0.0
    pages: int | None = None
    error: str | None = None
    kind: str | None = None

    @property
    def reason(self) -> str:
        """The first line of ``error`` (place and problem), for tables."""
        return (self.error or "").strip().splitlines()[0] if self.error else ""


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------


# --------------------------------------------------------------------------
# One file, in a worker
# --------------------------------------------------------------------------


@dataclass
class Staged:
    """The outcome of building one file into the staging area."""

    index: int
    data: Path
    outputs: list[Path] = field(default_factory=list)  # staged .docx (and .pdf)
    warnings: list[DocgenWarning] = field(default_factory=list)
    seconds: float = 0.0
    pages: int | None = None
    error: str | None = None
    kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def internal_error_text(exc: BaseException) -> str:
    """The Chinese text for an unexpected exception (with the traceback if DOCGEN_DEBUG is set)."""
    text = (f"{INTERNAL_ERROR}（这是程序的问题，不是您的数据的问题）：{type(exc).__name__}: {exc}\n"
            "  修改方法：设置环境变量 DOCGEN_DEBUG=1 重新生成该文件，并把输出发给维护人员。")
    if os.environ.get("DOCGEN_DEBUG"):
        text += "\n" + "".join(traceback.format_exception(exc))
    return text


class DocumentTimeout(BaseException):
    """Raised in a worker when one document takes longer than its budget.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the
    way (the API's internal-error wrapper, the template budget) turns it into something else.
    """


def _on_timeout(_signum, _frame) -> None:
    raise DocumentTimeout


def _timeout_error(data: Path, seconds: float) -> DocgenError:
    return RenderError(f"生成这个文件超过 {seconds:g} 秒仍未完成，已停止；其他文件不受影响",
                       location=Location(file=str(data)),
                       fix="检查该文件引用的表格、图片和模板是否异常庞大，或单独生成它查看详情；"
                           "确实需要更长时间时，调大 build_many(timeout=…)")


@contextlib.contextmanager
def hard_deadline(seconds: float):
    """End this worker process if the block still runs after ``seconds``.

    SIGALRM only interrupts Python code; a worker stuck inside C code (a
    regular expression, a decoder) would never see it and would hold its slot
    of the batch for ever.  faulthandler's watchdog is a C thread that needs
    no GIL: it ends the process, the pool sees the worker die, and the batch
    reports that file alone (:func:`crashed_text`) while the others go on.
    Only in worker processes: a single build in the user's own process is
    left to the SIGALRM budget and Ctrl-C.
    """
    armed = multiprocessing.parent_process() is not None
    if armed:
        devnull = open(os.devnull, "w")  # noqa: SIM115 - must outlive the watchdog
        faulthandler.dump_traceback_later(seconds, exit=True, file=devnull)
    try:
        yield
    finally:
        if armed:
            faulthandler.cancel_dump_traceback_later()
            devnull.close()


def build_staged(index: int, data: Path, staging: Path, options: BuildOptions,
                 name: str | None = None) -> Staged:
    """Build one data file into ``staging/<index>/``; never raises for a bad file.

    In the main thread of its process the build runs under a wall-clock
    budget (``options.timeout``, SIGALRM): a hanging file becomes an error
    for that file only.
    """
    from docgen import limits  # noqa: PLC0415
    from docgen.build import build  # noqa: PLC0415 - workers import it once, in warm_up

    started = time.perf_counter()
    seconds = options.timeout or limits.DOCUMENT_SECONDS
    timed = (threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
             and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    previous = signal.signal(signal.SIGALRM, _on_timeout) if timed else None
    if timed:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with hard_deadline(seconds + limits.HARD_KILL_GRACE):
            result = build(data, template=options.template, out_dir=staging / str(index),
                           pdf=options.pdf, pdf_engine=options.pdf_engine, force=options.force,
                           strict=options.strict, draft=options.draft)
    except DocgenError as exc:
        return Staged(index, data, seconds=time.perf_counter() - started, error=exc.describe(),
                      kind=exc.kind)
    except DocumentTimeout:
        exc = _timeout_error(data, seconds)
        return Staged(index, data, seconds=time.perf_counter() - started, error=exc.describe(),
                      kind=exc.kind)
    except Exception as exc:  # noqa: BLE001 - reported for this file; the batch goes on
        return Staged(index, data, seconds=time.perf_counter() - started,
                      error=internal_error_text(exc), kind=INTERNAL_ERROR)
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    outputs = [p for p in (result.docx, result.pdf) if p is not None]
    if name is not None:  # an output name chosen by the caller (docgen.rows: a column's value)
        from docgen.safety import output_path  # noqa: PLC0415

        outputs = [p.rename(output_path(p.parent, name, p.suffix)) for p in outputs]
    return Staged(index, data, outputs=outputs, warnings=list(result.warnings),
                  seconds=time.perf_counter() - started, pages=result.pages)


def _build_task(args: tuple) -> Staged:
    return build_staged(*args)


def warm_up(pdf: bool = True) -> None:
    """Do once per process what every document needs: imports, fonts, the PDF engine.

    Loads the pipeline's modules and, for PDFs, the engine's modules and the
    official fonts (resolved, converted if needed, registered with reportlab
    and measured).  Only the official names are touched: they never produce
    a warning, so no document's warnings are consumed here.  Failures are
    ignored: the first document reports them properly.
    """
    try:
        import docgen.build  # noqa: F401, PLC0415
        import docgen.render_docx  # noqa: F401, PLC0415
        if not pdf:
            return
        import docgen.pdf.docx_reader  # noqa: F401, PLC0415
        import docgen.pdf.draw  # noqa: F401, PLC0415
        import docgen.pdf.layout  # noqa: F401, PLC0415
        import docgen.pdf.pdfa  # noqa: F401, PLC0415
        from docgen.pdf.fonts import OFFICIAL_NAMES  # noqa: PLC0415
        from docgen.pdf.metrics import get_fontbook  # noqa: PLC0415

        book = get_fontbook()
        for name in OFFICIAL_NAMES:
            book.face(name)
    except Exception:  # noqa: BLE001, S110 - see docstring
        pass


# --------------------------------------------------------------------------
# Running tasks in processes
# --------------------------------------------------------------------------


def default_start_method() -> str | None:
    """``fork`` on Linux with Python 3.11: workers start warm (imports done) in milliseconds.

    The parent starts no threads of its own while a pool is alive (the CLI's
    progress bar refreshes by hand), so forking is safe there.  From Python
    3.12 on, forking next to the pool's own manager thread is deprecated, so
    ``forkserver`` is used (its server preloads docgen once); elsewhere the
    platform's default.
    """
    import multiprocessing  # noqa: PLC0415

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.version_info < (3, 12):
        return "fork"
    return "forkserver" if "forkserver" in methods else None


def _mp_context(method: str | None):
    import multiprocessing  # noqa: PLC0415

    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["docgen.build", "docgen.batch"])
    return context


def crashed_text() -> str:
    return (f"{INTERNAL_ERROR}：处理这个文件时工作进程意外退出（可能是内存不足、长时间没有完成，或程序缺陷）。\n"
            "  修改方法：单独生成这个文件（docgen build 该文件 --jobs 1）查看详情；"
            "若仍然出错，请把该文件发给维护人员。")


def run_tasks(func: Callable[[Any], Any], tasks: Sequence[Any], *, jobs: int,
              on_result: Callable[[int, Any], None], on_crash: Callable[[int], Any],
              initializer: Callable[..., None] | None = None, initargs: tuple = (),
              start_method: str | None = None) -> list[Any]:
    """Run ``func(task)`` for every task in up to ``jobs`` processes; results in task order.

    ``func`` must be a module-level function that does not raise.  Each
    result is passed to ``on_result(index, result)`` as soon as it arrives.
    If a worker process dies, every task not finished is run again alone, in
    a fresh process; a task that kills its process then gets
    ``on_crash(index)`` as its result (also passed to ``on_result``).
    ``start_method`` defaults to :func:`default_start_method`.
    """
    context = _mp_context(start_method or default_start_method())
    results: dict[int, Any] = {}

    def finish(index: int, value: Any) -> None:
        results[index] = value
        on_result(index, value)

    suspects = _run_pool(func, tasks, range(len(tasks)), jobs, finish, context, initializer,
                         initargs)
    for index in suspects:  # after a crash: one task per fresh process
        again = _run_pool(func, tasks, [index], 1, finish, context, initializer, initargs)
        if again:
            finish(index, on_crash(index))
    return [results[i] for i in range(len(tasks))]


def _worker_init(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """In each worker: leave Ctrl-C to the parent (which stops the workers), then warm up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the worker processes now (on an interruption)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() drops it
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)


def _run_pool(func, tasks, indices, jobs, finish, context, initializer, initargs) -> list[int]:
    """Run the given tasks in one pool; return the indices left unfinished by a crash."""
    indices = list(indices)
    pool = ProcessPoolExecutor(max_workers=max(1, min(jobs, len(indices))), mp_context=context,
                               initializer=_worker_init, initargs=(initializer, initargs))
    unfinished: list[int] = []
    try:
        futures: dict[Future, int] = {pool.submit(func, tasks[i]): i for i in indices}
        for future in as_completed(futures):
            index = futures[future]
            try:
                value = future.result()
            except BrokenProcessPool:
                unfinished.append(index)
                continue
            finish(index, value)
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return sorted(unfinished)


# --------------------------------------------------------------------------
# Writing the outputs
# --------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """Names that one of Windows/macOS/Linux would treat as the same file."""
    return unicodedata.normalize("NFC", name).casefold()


def _title_location(data: Path) -> Location:
    """Where the file's title is written, for the same-name message."""
    try:
        from docgen.yaml_source import read_source  # noqa: PLC0415

        return read_source(Path(data)).locate(("meta", "title"))
    except Exception:  # noqa: BLE001 - only improves a message
        return Location(file=str(data))


def same_name_error(data: Path, name: str, others: Sequence[Path]) -> str:
    """The Chinese message for a file whose output name another file of the batch already wrote."""
    listed = "、".join(str(p) for p in others)
    error = DataError(
        f"生成的文件名 “{name}” 与 {listed} 的相同；该名称的文件已由 {listed} 生成，"
        "为避免互相覆盖，这个文件没有生成。",
        location=_title_location(data),
        fix="修改其中一个文件的 meta.title（标题），或把它们分开生成（用 --out 指定不同的输出目录）。")
    return error.describe()


def _out_dir_error(out_dir: Path, exc: OSError) -> DocgenError:
    return RenderError(f"无法创建输出文件夹（{exc.strerror or type(exc).__name__}），没有写入任何文件",
                       location=Location(file=str(out_dir)),
                       fix="检查 --out 指定的路径是否正确、是否有写入权限、磁盘是否已满。")


class Committer:
    """Writes each built document into ``out_dir`` as soon as it arrives (all or nothing per document).

    The first call prepares the folder (creates it, recovers what a killed
    build left: :func:`docgen.build.prepare_out_dir`).  Names already written
    by an earlier document of the batch are refused for the later one.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.owners: dict[str, Path] = {}
        self.ready: DocgenError | bool = False

    def _prepare(self) -> DocgenError | None:
        from docgen.build import prepare_out_dir  # noqa: PLC0415

        if self.ready is False:
            try:
                prepare_out_dir(self.out_dir)
                self.ready = True
            except DocgenError as exc:
                self.ready = exc
        return self.ready if isinstance(self.ready, DocgenError) else None

    def __call__(self, s: Staged) -> BatchItem:
        from docgen.safety import output_path, write_all_or_nothing  # noqa: PLC0415

        item = BatchItem(data=s.data, ok=False, warnings=list(s.warnings), seconds=s.seconds,
                         pages=s.pages, error=s.error, kind=s.kind)
        if not s.ok:
            return item
        clash = next((out for out in s.outputs if _name_key(out.name) in self.owners), None)
        if clash is not None:
            item.error = same_name_error(s.data, clash.name, [self.owners[_name_key(clash.name)]])
            item.kind = DataError.kind
            return item
        problem = self._prepare()
        if problem is not None:
            item.error, item.kind = problem.describe(), problem.kind
            return item
        try:
            targets = {output_path(self.out_dir, out.stem, out.suffix): out for out in s.outputs}
            write_all_or_nothing({target: src.read_bytes() for target, src in targets.items()})
        except DocgenError as exc:
            item.error, item.kind = exc.describe(), exc.kind
            return item
        except OSError as exc:
            item.error, item.kind = internal_error_text(exc), INTERNAL_ERROR
            return item
        for out in s.outputs:
            self.owners[_name_key(out.name)] = s.data
        finals = list(targets)
        item.ok, item.docx = True, finals[0]
        item.pdf = finals[1] if len(finals) > 1 else None
        return item


# --------------------------------------------------------------------------
# The API
# --------------------------------------------------------------------------


def build_many(paths: Iterable[str | Path], *, jobs: int | None = None,
               template: str | Path | None = None, out_dir: str | Path = Path("output"),
               pdf: bool = True, pdf_engine: str = "reportlab", force: bool = False,
               strict: bool = False, draft: bool = False, timeout: float | None = None,
               on_done: Callable[[BatchItem, int, int], None] | None = None,
               names: Sequence[str] | None = None) -> list[BatchItem]:
    """Build every data file in ``paths`` (files or folders); one :class:`BatchItem` each, in order.

    Options are those of :func:`docgen.build.build`.  ``jobs`` is the number
    of worker processes (default: the usable cores; 1 builds in this
    process).  Each document is written into ``out_dir`` as soon as it is
    built (its .docx and .pdf together); ``on_done(item, done, total)`` is
    then called in this process with its final item.  A file whose output
    name an earlier-finished file of the batch already wrote is refused.
    ``timeout`` is each document's budget in seconds (default
    :data:`docgen.limits.DOCUMENT_SECONDS`).  ``names``, one per file, replace the
    title as each document's output name (:mod:`docgen.rows`).  Raises :class:`DataError` only
    when ``paths`` names no data file at all, or is a bare string.
    """
    if isinstance(paths, str | bytes | Path):
        raise DataError(f"build_many 的第一个参数应当是文件或目录的列表，这里是单个{'路径' if isinstance(paths, Path) else '字符串'}"
                        f" “{paths!s}”。", fix=f"写成 build_many([{str(paths)!r}])，或生成单个文件时用 build({str(paths)!r})。")
    files = data_files(paths)
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    options = BuildOptions(template=None if template is None else str(template), pdf=pdf,
                           pdf_engine=pdf_engine, force=force, strict=strict,
                           draft=draft, timeout=timeout)
    committer = Committer(Path(out_dir))
    items: dict[int, BatchItem] = {}

    def on_result(index: int, s: Staged) -> None:
        items[index] = committer(s)  # each document is written as soon as it is built
        if on_done is not None:
            on_done(items[index], len(items), len(files))

    with tempfile.TemporaryDirectory(prefix="docgen-batch-", ignore_cleanup_errors=True) as tmp:
        staging = Path(tmp)
        tasks = [(i, f, staging, options, names[i] if names else None) for i, f in enumerate(files)]
        if jobs == 1 or len(files) == 1:
            warm_up(pdf)
            for i, task in enumerate(tasks):
                on_result(i, _build_task(task))
        else:
            run_tasks(_build_task, tasks, jobs=jobs, on_result=on_result,
                      on_crash=lambda i: Staged(i, files[i], error=crashed_text(), kind=INTERNAL_ERROR),
                      initializer=warm_up, initargs=(pdf,))
        return [items[i] for i in range(len(files))]


def summary(items: Sequence[BatchItem]) -> tuple[int, int]:
    """(built, failed)."""
    built = sum(1 for item in items if item.ok)
    return built, len(items) - built


__all__ = ["BatchItem", "BuildOptions", "build_many", "data_files", "default_jobs", "summary"]
