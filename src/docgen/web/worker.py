"""Builds for the web page, in a pool of warm worker processes.

Takes a data file (a saved file or a draft beside it); returns, without
touching the output folder, the .docx and PDF/A bytes and the pages as PNG
images drawn from that PDF (docgen's own engine).  Each worker imports the
pipeline and loads the fonts once (``docgen.batch.warm_up``), so a preview of
the seed takes a fraction of a second; a slow or crashing document occupies
one worker and never the page's server.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import subprocess
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

PREVIEW_SCALE = 1.0        # 72 dpi: an A4 page is 595 × 842 px
BUILD_TIMEOUT = 300.0
_PNG_CACHE: OrderedDict[bytes, bytes] = OrderedDict()   # pixels' hash → PNG, per worker
_PNG_CACHE_SIZE = 400


@dataclass
class Built:
    """One build's outcome; ``error`` is the Chinese description when it failed."""

    docx: bytes = b""
    pdf: bytes = b""
    pages: list[bytes] = field(default_factory=list)   # PNG per page (previews only)
    name: str = ""                                      # output file stem (from the title)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def _png(image) -> bytes:
    """PNG of a PIL image; a page whose pixels did not change since the last edit is not encoded again."""
    key = hashlib.blake2b(image.tobytes(), digest_size=16).digest() + repr(image.size).encode()
    cached = _PNG_CACHE.get(key)
    if cached is not None:
        _PNG_CACHE.move_to_end(key)
        return cached
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    _PNG_CACHE[key] = data = buffer.getvalue()
    while len(_PNG_CACHE) > _PNG_CACHE_SIZE:
        _PNG_CACHE.popitem(last=False)
    return data


def pdf_to_pngs(pdf: bytes, scale: float = PREVIEW_SCALE) -> list[bytes]:
    """Each page of ``pdf`` as a PNG: pypdfium2 in-process when installed, else pdftoppm."""
    try:
        import pypdfium2  # noqa: PLC0415
    except ImportError:
        pypdfium2 = None
    if pypdfium2 is not None:
        document = pypdfium2.PdfDocument(pdf)
        try:
            out = []
            for index in range(len(document)):
                page = document[index]
                out.append(_png(page.render(scale=scale).to_pil()))
                page.close()
            return out
        finally:
            document.close()
    with tempfile.TemporaryDirectory(prefix="docgen-png-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(round(72 * scale)), "-png", str(source),
                        str(Path(tmp) / "p")], check=True, capture_output=True, timeout=120)
        return [p.read_bytes() for p in sorted(Path(tmp).glob("p-*.png"),
                                              key=lambda p: int(p.stem.split("-")[-1]))]


def build_task(data: str, display_name: str, preview: bool, pdf: bool = True) -> Built:
    """In a worker: build ``data`` into a temporary folder; never raises for a bad document."""
    import time  # noqa: PLC0415

    from docgen.batch import internal_error_text  # noqa: PLC0415
    from docgen.build import build  # noqa: PLC0415
    from docgen.errors import DocgenError  # noqa: PLC0415

    started = time.perf_counter()
    data_path = Path(data)

    def shown(text: str) -> str:
        return text.replace(str(data_path), display_name).replace(data_path.name, display_name)

    with tempfile.TemporaryDirectory(prefix="docgen-web-") as tmp:
        try:
            result = build(data_path, out_dir=Path(tmp), pdf=pdf or preview)
        except DocgenError as exc:
            return Built(error=shown(exc.describe()), seconds=time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - reported on the page; the server goes on
            return Built(error=shown(internal_error_text(exc)), seconds=time.perf_counter() - started)
        pdf_bytes = result.pdf.read_bytes() if result.pdf else b""
        built = Built(docx=b"" if preview else result.docx.read_bytes(),
                      pdf=pdf_bytes, name=result.docx.stem,
                      warnings=[shown(w.describe()) for w in result.warnings])
    if preview:
        built.pages = pdf_to_pngs(pdf_bytes)
        built.pdf = b""
    built.seconds = time.perf_counter() - started
    return built


def _init_worker() -> None:
    import signal  # noqa: PLC0415

    from docgen.batch import warm_up  # noqa: PLC0415

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up(pdf=True)
    with contextlib.suppress(ImportError):
        import pypdfium2  # noqa: F401, PLC0415


def _context():
    import multiprocessing  # noqa: PLC0415

    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:  # the server has threads: never fork it directly
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["docgen.build", "docgen.web.worker"])
        return context
    return multiprocessing.get_context("spawn")


class Pool:
    """A process pool that replaces itself when a worker dies."""

    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._guard = threading.Lock()

    def _get(self) -> ProcessPoolExecutor:
        with self._guard:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context(),
                                                 initializer=_init_worker)
            return self._pool

    def submit(self, *args) -> Future:
        try:
            return self._get().submit(build_task, *args)
        except (BrokenProcessPool, RuntimeError):
            self._reset()
            return self._get().submit(build_task, *args)

    def _reset(self) -> None:
        with self._guard:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def run(self, data: Path, display_name: str, *, preview: bool, pdf: bool = True,
                  timeout: float = BUILD_TIMEOUT) -> Built:
        future = self.submit(str(data), display_name, preview, pdf)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout)
        except TimeoutError:
            return Built(error=f"{display_name}：生成超过 {int(timeout)} 秒仍未完成，已放弃。\n"
                               "  修改方法：文档可能过长；用命令 docgen build 单独生成查看详情。")
        except BrokenProcessPool:
            self._reset()
            from docgen.batch import crashed_text  # noqa: PLC0415

            return Built(error=f"{display_name}：{crashed_text()}")

    def warm(self) -> None:
        """Start the workers now (they warm up in the background)."""
        pool = self._get()
        for _ in range(self.workers):
            pool.submit(int, 0)

    def close(self) -> None:
        with self._guard:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

