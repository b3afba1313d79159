"""The ``docgen serve`` application: routes, pages and the work behind each.

Takes the data folder, the output folder and the access token; returns a
Starlette application.  Pages are rendered on the server (Jinja2) and
updated in place with htmx (shipped in ``static/``).  Every POST handler
checks the CSRF token first; every file name from the browser goes through
``paths.inside``; builds run in the worker pool (``worker.Pool``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import os
import time
import urllib.parse
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from docgen.errors import DocgenError, UnsafeInputError
from docgen.web import editor, paths, store, uploads
from docgen.web.security import (
    CSRF_FIELD,
    AccessRefused,
    GuardMiddleware,
    Keys,
    csrf_of,
    require_csrf,
)
from docgen.web.worker import Built, Pool

HERE = Path(__file__).parent
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


@dataclass
class Config:
    data_dir: Path
    out_dir: Path
    token: str | None = None
    workers: int = 2
    allowed_hosts: list[str] | None = None
    warm: bool = True


@dataclass
class PreviewCache:
    """The last preview images of each document, by the hash of the text they show."""

    limit: int = 40
    entries: OrderedDict[str, list[bytes]] = field(default_factory=OrderedDict)

    def put(self, key: str, pages: list[bytes]) -> None:
        self.entries[key] = pages
        self.entries.move_to_end(key)
        while len(self.entries) > self.limit:
            self.entries.popitem(last=False)

    def get(self, key: str) -> list[bytes] | None:
        return self.entries.get(key)


def has_level(field: Any, level: str) -> bool:
    """Whether a form field has a note of ``level`` ("error" or "finding") to show."""
    return any(note.level == level for note in field.notes)


def text_key(name: str, text: str) -> str:
    return hashlib.sha256(f"{name}\0{text}".encode()).hexdigest()[:24]


class Web:
    """State shared by the routes: folders, pool, preview cache, per-document sequencing."""

    def __init__(self, config: Config):
        self.config = config
        self.data_dir = config.data_dir.resolve()
        self.out_dir = config.out_dir
        self.pool = Pool(config.workers)
        self.previews = PreviewCache()
        self.preview_errors: dict[str, str] = {}
        self.build_seconds: dict[str, float] = {}
        self.latest: dict[str, int] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.counter = 0
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals["csrf_field"] = CSRF_FIELD
        self.templates.env.globals["importer"] = importer_available()
        self.templates.env.globals["labels"] = editor.TEMPLATE_LABELS
        self.templates.env.globals["has_level"] = has_level

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("csrf", csrf_of(request))
        context.setdefault("message", request.query_params.get("msg", ""))
        return self.templates.TemplateResponse(request, template, context, status_code=status)

    def path(self, name: str, **kw: Any) -> Path:
        return paths.inside(self.data_dir, name, **kw)

    async def preview(self, name: str, text: str) -> tuple[str, list[bytes] | None, str | None, float]:
        """Build ``text`` (a draft of ``name``) into page images; the newest request per document wins.

        Returns (key, pages, error, seconds): ``seconds`` is the time spent here,
        waiting for a worker included; ``self.build_seconds[key]`` the worker's own time.
        """
        key = text_key(name, text)
        cached = self.previews.get(key)
        if cached is not None:
            return key, cached, None, 0.0
        if key in self.preview_errors:
            return key, None, self.preview_errors[key], 0.0
        self.counter += 1
        ticket = self.counter
        self.latest[name] = ticket
        lock = self.locks.setdefault(name, asyncio.Lock())
        async with lock:
            if self.latest.get(name) != ticket:
                return key, None, "superseded", 0.0
            started = time.perf_counter()
            with editor.draft_file(self.data_dir, name, text) as draft:
                built = await self.pool.run(draft, name, preview=True)
            seconds = time.perf_counter() - started
        for table in (self.build_seconds, self.preview_errors):
            if len(table) > 500:  # bounded, like the image cache
                table.clear()
        self.build_seconds[key] = built.seconds
        if built.error:
            self.preview_errors[key] = built.error
            return key, None, built.error, seconds
        self.previews.put(key, built.pages)
        return key, built.pages, None, seconds

    async def warm_previews(self) -> None:
        """Preview the newest data file once per worker, so the first page opened is warm."""
        with contextlib.suppress(Exception):
            names = paths.data_names(self.data_dir)
            if not names:
                return
            newest = max(names, key=lambda n: (self.data_dir / n).stat().st_mtime_ns)
            text = (self.data_dir / newest).read_text(encoding="utf-8")
            await asyncio.gather(self.preview(newest, text),
                                 *(self.pool.run(self.data_dir / newest, newest, preview=True)
                                   for _ in range(self.pool.workers - 1)))

    async def build_saved(self, name: str, *, pdf: bool = True) -> Built:
        path = self.path(name)
        return await self.pool.run(path, name, preview=False, pdf=pdf)


def importer_available() -> bool:
    try:
        import importlib.util  # noqa: PLC0415

        return importlib.util.find_spec("docgen.importer") is not None
    except (ImportError, ValueError):
        return False


def web_of(request: Request) -> Web:
    return request.app.state.web


# --------------------------------------------------------------------------
# Errors as pages
# --------------------------------------------------------------------------


def error_page(request: Request, exc: DocgenError, status: int = 400,
               reload: str | None = None) -> HTMLResponse:
    if request.headers.get("hx-request"):
        return HTMLResponse(f'<div class="alert error">{_escape(exc.describe())}</div>',
                            status_code=status)
    return web_of(request).page(request, "error.html", status=status, error=exc.describe(),
                                title="无法完成", reload=reload)


def _escape(text: str) -> str:
    from markupsafe import escape  # noqa: PLC0415

    return str(escape(text)).replace("\n", "<br>")


def handled(func: Callable) -> Callable:
    """Turn DocgenErrors into Chinese error pages; refused requests get 403 / 400."""

    async def wrapper(request: Request) -> Response:
        try:
            return await func(request)
        except AccessRefused as exc:
            return error_page(request, exc, 403)
        except store.StaleError as exc:
            name = request.path_params.get("name", "")
            return error_page(request, exc, 409, reload=f"/edit/{urllib.parse.quote(name)}")
        except UnsafeInputError as exc:
            return error_page(request, exc, 400)
        except DocgenError as exc:
            return error_page(request, exc, 422)

    wrapper.__name__ = func.__name__
    return wrapper


def post(func: Callable) -> Callable:
    """A state-changing handler: the form is read and the CSRF token checked before ``func``."""

    async def wrapper(request: Request) -> Response:
        try:
            form = await request.form(max_files=4, max_fields=20000,
                                      max_part_size=uploads.MAX_UPLOAD_BYTES + 1)
        except HTTPException as exc:
            raise UnsafeInputError(
                "上传的内容太大或格式不对，已拒绝。",
                fix=f"上传的文件不能超过 {uploads.MAX_UPLOAD_BYTES // 2**20} MB。") from exc
        await require_csrf(request, form)
        request.state.form = form
        return await func(request)

    wrapper.__name__ = func.__name__
    wrapper.csrf_checked = True  # type: ignore[attr-defined]
    return handled(wrapper)


# --------------------------------------------------------------------------
# 文档: the folder's data files
# --------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    title: str
    year: Any
    kind: str
    status: str
    status_class: str
    detail: str = ""


def document_rows(web: Web) -> list[Row]:
    from docgen.errors import DataErrors  # noqa: PLC0415
    from docgen.load import load_document  # noqa: PLC0415
    from docgen.safety import safe_output_name  # noqa: PLC0415
    from docgen.yaml_source import read_source  # noqa: PLC0415

    rows = []
    for name in paths.data_names(web.data_dir):
        path = web.data_dir / name
        title, year, template = name, "", "report"
        try:
            raw = read_source(path).data
            if isinstance(raw, dict):
                template = str(raw.get("template", "report"))
                meta = raw.get("meta") if isinstance(raw.get("meta"), dict) else {}
                title = str(meta.get("title") or name)
                year = meta.get("year", "")
        except DocgenError as exc:
            rows.append(Row(name, name, "", "", "有错误", "bad", exc.message))
            continue
        kind = editor.TEMPLATE_LABELS.get(template, template)
        try:
            document = load_document(path).document
        except DataErrors as exc:
            rows.append(Row(name, title, year, kind, f"有错误（{len(exc.errors)} 处）", "bad",
                            exc.errors[0].message))
            continue
        except DocgenError as exc:
            rows.append(Row(name, title, year, kind, "有错误", "bad", exc.message))
            continue
        outs = [web.out_dir / safe_output_name(document.meta.title, s) for s in (".docx", ".pdf")]
        if not all(o.exists() for o in outs):
            rows.append(Row(name, document.meta.title, year, kind, "未生成", "todo"))
        elif min(o.stat().st_mtime_ns for o in outs) < path.stat().st_mtime_ns:
            rows.append(Row(name, document.meta.title, year, kind, "需重新生成（数据已修改）", "todo"))
        else:
            rows.append(Row(name, document.meta.title, year, kind, "已生成", "ok"))
    rows.sort(key=lambda r: (-(r.year if isinstance(r.year, int) else 0), r.kind, r.name))
    return rows


@handled
async def index(request: Request) -> Response:
    web = web_of(request)
    rows = await asyncio.to_thread(document_rows, web)
    years: list[tuple[Any, list[Row]]] = []
    for row in rows:
        if not years or years[-1][0] != row.year:
            years.append((row.year, []))
        years[-1][1].append(row)
    return web.page(request, "index.html", years=years, title="文档",
                    data_dir=str(web.data_dir), out_dir=str(web.out_dir))


# --------------------------------------------------------------------------
# 编辑
# --------------------------------------------------------------------------


def form_edits(form) -> dict[tuple, tuple[str, str]]:
    kinds = {}
    for key, value in form.multi_items():
        if key.startswith("k[") and isinstance(value, str):
            path = editor.parse_field_name("v" + key[1:])
            if path is not None:
                kinds[path] = value
    edits = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            path = editor.parse_field_name(key)
            if path is not None:
                edits[path] = (value, kinds.get(path, ""))
    return edits


@handled
async def edit(request: Request) -> Response:
    web = web_of(request)
    name = request.path_params["name"]
    path = web.path(name)
    opened = store.open_file(path)
    # the proofreading findings (a slow ruamel parse) follow with the first live update
    analysis = await asyncio.to_thread(editor.analyze, web.data_dir, name, opened.text)
    key = text_key(name, opened.text)
    return web.page(request, "edit.html", name=name, a=analysis, version=opened.version,
                    preview_key=key, title=f"编辑 {name}",
                    backup=store.backup_path(path).exists())


def _draft_text(web: Web, name: str, form) -> tuple[store.Opened, str]:
    path = web.path(name)
    opened = store.open_file(path)
    return opened, store.apply_edits(opened, form_edits(form))


@post
async def live(request: Request) -> Response:
    """As the clerk types: numbers, figures, checks, errors and the preview of the draft."""
    web = web_of(request)
    name = request.path_params["name"]
    opened, text = await asyncio.to_thread(_draft_text, web, name, request.state.form)
    analysis_task = asyncio.to_thread(editor.analyze, web.data_dir, name, text)
    preview_task = web.preview(name, text)
    analysis, (key, pages, error, seconds) = await asyncio.gather(analysis_task, preview_task)
    if error == "superseded":
        return Response(status_code=204)
    html = web.templates.get_template("_live.html").render(
        a=analysis, name=name, preview_key=key, pages=pages, preview_error=error,
        stale=opened.version != request.state.form.get("version"))
    return HTMLResponse(html, headers={
        "X-Preview-Seconds": f"{seconds:.3f}",
        "X-Build-Seconds": f"{web.build_seconds.get(key, 0.0) if seconds else 0.0:.3f}"})


@post
async def findings(request: Request) -> Response:
    """The proofreading findings of the draft, at their fields (slower: a ruamel parse)."""
    web = web_of(request)
    name = request.path_params["name"]
    _, text = await asyncio.to_thread(_draft_text, web, name, request.state.form)
    found = await asyncio.to_thread(editor.proofread, web.data_dir, name, text)
    analysis = await asyncio.to_thread(editor.analyze, web.data_dir, name, text, findings=found)
    html = web.templates.get_template("_findings.html").render(a=analysis)
    return HTMLResponse(html)


@post
async def save(request: Request) -> Response:
    web = web_of(request)
    name = request.path_params["name"]
    form = request.state.form
    version = form.get("version")
    if not isinstance(version, str) or not version:
        raise AccessRefused("表单中缺少文件版本，未保存。", fix="请刷新页面后重新修改。")
    path = web.path(name)
    opened = store.open_file(path)
    if opened.version != version:
        raise store.StaleError(
            "文件在您打开之后已被修改（可能在另一个窗口或用编辑器改过），本次修改没有保存。",
            fix="点击“重新载入”查看文件现在的内容，再把您的修改重新填上。")
    op = form.get("op")
    op = op if isinstance(op, str) and op else None
    text = store.apply_edits(opened, form_edits(form), op)
    await asyncio.to_thread(store.save, path, text, version)
    done = {"add": "已添加一项并保存", "delete": "已删除并保存"}.get((op or "").partition(":")[0], "已保存")
    target = f"/edit/{urllib.parse.quote(name)}?msg=" + urllib.parse.quote(
        f"{done}。上一版保存为 {store.backup_path(path).name}")
    return RedirectResponse(target, status_code=303)


@handled
async def preview_image(request: Request) -> Response:
    web = web_of(request)
    pages = web.previews.get(request.path_params["key"])
    number = request.path_params["page"]
    if pages is None or not 1 <= number <= len(pages):
        return Response("预览已过期，请刷新页面。", status_code=404, media_type="text/plain; charset=utf-8")
    return Response(pages[number - 1], media_type="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


@handled
async def preview_page(request: Request) -> Response:
    """预览: the saved file's pages, full width."""
    web = web_of(request)
    name = request.path_params["name"]
    opened = store.open_file(web.path(name))
    key, pages, error, seconds = await web.preview(name, opened.text)
    return web.page(request, "preview.html", name=name, preview_key=key, pages=pages,
                    preview_error=None if error == "superseded" else error,
                    title=f"预览 {name}", seconds=seconds)


# --------------------------------------------------------------------------
# 生成 and download
# --------------------------------------------------------------------------


def _attachment(data: bytes, filename: str, media: str) -> Response:
    quoted = urllib.parse.quote(filename)
    ascii_name = "docgen" + Path(filename).suffix
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quoted}"})


MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf"}


@handled
async def download(request: Request) -> Response:
    web = web_of(request)
    name = request.path_params["name"]
    kind = request.path_params["kind"]
    if kind not in MEDIA:
        raise UnsafeInputError(f"不能下载 “{kind[:20]}” 格式。", fix="可以下载 docx 或 pdf。")
    built = await web.build_saved(name, pdf=kind == "pdf")
    if built.error:
        return web.page(request, "error.html", status=422, error=built.error, title="生成失败",
                        back=f"/edit/{urllib.parse.quote(name)}")
    data = built.pdf if kind == "pdf" else built.docx
    return _attachment(data, f"{built.name}.{kind}", MEDIA[kind])


@post
async def build_one(request: Request) -> Response:
    """生成: build the saved file into the output folder (as ``docgen build`` does)."""
    from docgen.safety import write_all_or_nothing  # noqa: PLC0415

    web = web_of(request)
    name = request.path_params["name"]
    built = await web.build_saved(name)
    if built.error:
        return web.page(request, "error.html", status=422, error=built.error, title="生成失败",
                        back=f"/edit/{urllib.parse.quote(name)}")
    web.out_dir.mkdir(parents=True, exist_ok=True)
    docx = web.out_dir / f"{built.name}.docx"
    pdf = web.out_dir / f"{built.name}.pdf"
    await asyncio.to_thread(write_all_or_nothing, {docx: built.docx, pdf: built.pdf})
    msg = f"已生成 {docx.name} 和 {pdf.name}（在 {web.out_dir}）。"
    if built.warnings:
        msg += " 警告：" + "；".join(built.warnings)
    return RedirectResponse("/?msg=" + urllib.parse.quote(msg), status_code=303)


@handled
async def download_all(request: Request) -> Response:
    """The whole folder as one zip: every document's .docx and PDF/A, and the errors in 错误.txt."""
    web = web_of(request)
    names = paths.data_names(web.data_dir)
    results = await asyncio.gather(*(web.build_saved(n) for n in names))
    buffer = io.BytesIO()
    errors = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, built in zip(names, results, strict=True):
            if built.error:
                errors.append(f"{name}：\n{built.error}\n")
                continue
            archive.writestr(f"{built.name}.docx", built.docx)
            archive.writestr(f"{built.name}.pdf", built.pdf)
        if errors:
            archive.writestr("错误.txt", "\n".join(errors))
    return _attachment(buffer.getvalue(), f"{web.data_dir.name}-公文.zip", "application/zip")


# --------------------------------------------------------------------------
# 下一年
# --------------------------------------------------------------------------


@post
async def next_year(request: Request) -> Response:
    from docgen.next_year import write_next_year  # noqa: PLC0415

    web = web_of(request)
    name = request.path_params["name"]
    target, result = await asyncio.to_thread(write_next_year, web.path(name))
    todo = getattr(result, "carried", None) or getattr(result, "cleared", None) or ()
    msg = (f"已生成 {result.year} 年的数据文件 {target.name}：{len(todo)} 项数字待填写或确认"
           "（文件中标有 TODO），正文请逐段修改。")
    return RedirectResponse(f"/edit/{urllib.parse.quote(target.name)}?msg=" + urllib.parse.quote(msg),
                            status_code=303)


# --------------------------------------------------------------------------
# 模板
# --------------------------------------------------------------------------


def user_templates_dir(web: Web) -> Path:
    """Where uploaded templates go: the templates/ folder beside the data folder, which
    ``docgen build`` searches for the data files in it."""
    return web.data_dir.parent / "templates"


def _sample_document(web: Web, template_name: str):
    from docgen.load import load_document  # noqa: PLC0415

    best = None
    for name in paths.data_names(web.data_dir):
        with contextlib.suppress(DocgenError):
            document = load_document(web.data_dir / name).document
            if document.template == template_name:
                return document, name
            best = best or (document, name)
    return best or (None, None)


def _role_lines(path: Path) -> list[tuple[str, str]] | None:
    """``docgen.template_check``'s findings as report lines; None when that module is absent."""
    try:
        from docgen.template_check import check_template as role_check  # noqa: PLC0415
    except ImportError:
        return None
    try:
        result = role_check(path)
    except DocgenError as exc:
        return [("error", exc.describe())]
    lines = []
    for finding in result.findings:
        where = f"{finding.where}：" if finding.where else ""
        text = f"[{finding.topic}] {where}{finding.message}"
        if finding.fix:
            text += f"\n  修改方法：{finding.fix}"
        lines.append((finding.level if finding.level in ("ok", "warning", "error") else "warning", text))
    return lines


def check_template(web: Web, path: Path, template_name: str) -> list[tuple[str, str]]:
    """The template check report: (level, message) lines, in Chinese.

    The file is first checked as every untrusted .docx is (``safety.check_docx``);
    then ``docgen.template_check`` reports roles, placeholders, page and fonts
    (where that module is installed; else the tag check every build makes);
    last, a trial render with a data file of the folder.
    """
    from docgen.build import render  # noqa: PLC0415
    from docgen.render_docx import check_tags_balanced  # noqa: PLC0415
    from docgen.safety import check_docx  # noqa: PLC0415

    try:
        check_docx(path)
    except DocgenError as exc:
        return [("error", exc.describe())]
    report = _role_lines(path)
    if report is None:
        report = []
        try:
            check_tags_balanced(path)
        except DocgenError as exc:
            return [("error", exc.describe())]
    if not any(level == "error" for level, _ in report):
        document, sample = _sample_document(web, template_name)
        if document is not None:
            try:
                render(document, path)
                report.append(("ok", f"用数据文件 {sample} 试生成成功。"))
            except DocgenError as exc:
                report.append(("error", f"用数据文件 {sample} 试生成失败：{exc.describe()}"))
    if not any(level == "error" for level, _ in report):
        report.insert(0, ("ok", "模板可以使用。"))
    return [(level, text.replace(str(path), path.name)) for level, text in report]


@handled
async def templates_page(request: Request) -> Response:
    from docgen.build import available_templates  # noqa: PLC0415

    web = web_of(request)
    found = available_templates(web.data_dir / "x.yaml")
    rows = [(n, editor.TEMPLATE_LABELS.get(n, ""), str(p)) for n, p in found.items()]
    return web.page(request, "templates.html", rows=rows, title="模板",
                    upload_dir=str(user_templates_dir(web)))


@post
async def template_upload(request: Request) -> Response:
    from docgen.build import available_templates  # noqa: PLC0415
    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    web = web_of(request)
    upload = request.state.form.get("file")
    if not isinstance(upload, UploadFile):
        raise UnsafeInputError("没有选择文件。", fix="点击“选择文件”选一个 .docx 模板后再上传。")
    data = await upload.read()
    name = uploads.check_upload(upload.filename or "", data, allowed=(".docx",))
    stem = Path(name).stem
    if stem in available_templates(web.data_dir / "x.yaml"):
        raise UnsafeInputError(f"已有名为 “{stem}” 的模板，未覆盖。",
                               fix="把文件改名（如 报告-新.docx）后再上传；数据文件中写 template: 新名称 使用它。")
    staged_dir = user_templates_dir(web) / ".上传检查"
    staged_dir.mkdir(parents=True, exist_ok=True)
    staged = staged_dir / name
    staged.write_bytes(data)
    try:
        report = await asyncio.to_thread(check_template, web, staged, stem)
        ok = not any(level == "error" for level, _ in report)
        if ok:
            atomic_write_bytes(user_templates_dir(web) / name, data)
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()
            staged_dir.rmdir()
    return web.page(request, "template_report.html", status=200 if ok else 422, name=name,
                    report=report, ok=ok, title="模板检查")


@handled
async def template_download(request: Request) -> Response:
    from docgen.build import available_templates  # noqa: PLC0415

    web = web_of(request)
    stem = request.path_params["name"]
    found = available_templates(web.data_dir / "x.yaml")
    if stem not in found:
        raise UnsafeInputError(f"没有名为 “{stem[:80]}” 的模板。", fix="回到“模板”页面重新选择。")
    return _attachment(found[stem].read_bytes(), f"{stem}.docx", MEDIA["docx"])


# --------------------------------------------------------------------------
# Files beside the data (tables, seals)
# --------------------------------------------------------------------------


@post
async def file_upload(request: Request) -> Response:
    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    web = web_of(request)
    upload = request.state.form.get("file")
    if not isinstance(upload, UploadFile):
        raise UnsafeInputError("没有选择文件。", fix="选择一个 .xlsx、.csv、.png 或 .jpg 文件后再上传。")
    data = await upload.read()
    name = uploads.check_upload(upload.filename or "", data,
                                allowed=(".xlsx", ".csv", ".png", ".jpg", ".jpeg"))
    target = paths.inside(web.data_dir, name, suffixes=paths.UPLOAD_SUFFIXES, must_exist=False)
    if target.exists():
        raise UnsafeInputError(f"数据文件夹中已有 {name}，未覆盖。", fix="改名后再上传，并在数据文件中使用新名称。")
    atomic_write_bytes(target, data)
    return RedirectResponse("/?msg=" + urllib.parse.quote(f"已上传 {name}。"), status_code=303)


# --------------------------------------------------------------------------
# 导入 (when docgen.importer exists)
# --------------------------------------------------------------------------


@handled
async def import_page(request: Request) -> Response:
    web = web_of(request)
    return web.page(request, "import.html", title="导入", available=importer_available())


@post
async def import_upload(request: Request) -> Response:
    """导入: a .docx 公文 → a data file in the folder (docgen.importer), with its report."""
    from docgen.safety import write_all_or_nothing  # noqa: PLC0415

    web = web_of(request)
    if not importer_available():
        raise UnsafeInputError("这个版本的 docgen 没有导入功能。", fix="用 docgen new 生成数据文件草稿。")
    from docgen.importer import import_document  # noqa: PLC0415

    upload = request.state.form.get("file")
    if not isinstance(upload, UploadFile):
        raise UnsafeInputError("没有选择文件。", fix="选择一个 .docx 文件后再上传。")
    data = await upload.read()
    name = uploads.check_upload(upload.filename or "", data, allowed=(".docx",))
    target = paths.inside(web.data_dir, Path(name).stem + ".yaml", must_exist=False)
    staged = web.data_dir / f".docgen-import-{os.getpid()}-{name}"
    staged.write_bytes(data)
    try:
        result = await asyncio.to_thread(import_document, staged,
                                         seal_prefix=f"{Path(name).stem}-印章")
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()
    files = {target: result.yaml.encode("utf-8")}
    for picture, content in result.pictures.items():
        files[paths.inside(web.data_dir, picture, suffixes=paths.UPLOAD_SUFFIXES,
                           must_exist=False)] = content
    existing = [p.name for p in files if p.exists()]
    if existing:
        raise UnsafeInputError(f"数据文件夹中已有 {'、'.join(existing)}，未覆盖。",
                               fix="把要导入的文件改名后再上传。")
    await asyncio.to_thread(write_all_or_nothing, files)
    report = result.report.render(target.name).replace(staged.name, name)
    return web.page(request, "import_report.html", title="导入", name=target.name, report=report)


# --------------------------------------------------------------------------
# Login (only when a token is required)
# --------------------------------------------------------------------------


@handled
async def login_page(request: Request) -> Response:
    return web_of(request).page(request, "login.html", title="登录", failed=False)


@post
async def login(request: Request) -> Response:
    from docgen.web.security import AUTH_COOKIE  # noqa: PLC0415

    web = web_of(request)
    keys: Keys = request.app.state.keys
    given = request.state.form.get("token")
    if not keys.token_ok(given if isinstance(given, str) else None):
        await asyncio.sleep(0.5)  # slow down guessing
        return web.page(request, "login.html", status=403, title="登录", failed=True)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(AUTH_COOKIE, keys.auth_cookie(), httponly=True, samesite="strict", path="/")
    return response


# --------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------


async def refuse_path(request: Request) -> Response:
    """A document URL whose name has a folder part (``..%2F``, ``a/b``): refused in Chinese."""
    if request.path_params["section"] not in ("edit", "preview", "download", "templates"):
        return error_page(request, UnsafeInputError("没有这个页面。", fix="从“文档”页面进入。"), 404)
    return error_page(request, UnsafeInputError(
        "不能访问数据文件夹以外的文件。", fix="只能打开数据文件夹中的文件：在“文档”页面点击文件名。"), 400)


ROUTES = [
    Route("/", index),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/edit/{name}", edit, methods=["GET"]),
    Route("/edit/{name}/live", live, methods=["POST"]),
    Route("/edit/{name}/findings", findings, methods=["POST"]),
    Route("/edit/{name}/save", save, methods=["POST"]),
    Route("/edit/{name}/build", build_one, methods=["POST"]),
    Route("/edit/{name}/next-year", next_year, methods=["POST"]),
    Route("/preview/{name}", preview_page, methods=["GET"]),
    Route("/preview-image/{key}/{page:int}.png", preview_image, methods=["GET"]),
    Route("/download/{name}/{kind:str}", download, methods=["GET"]),
    Route("/download-all.zip", download_all, methods=["GET"]),
    Route("/templates", templates_page, methods=["GET"]),
    Route("/templates/upload", template_upload, methods=["POST"]),
    Route("/templates/{name}.docx", template_download, methods=["GET"]),
    Route("/files/upload", file_upload, methods=["POST"]),
    Route("/import", import_page, methods=["GET"]),
    Route("/import", import_upload, methods=["POST"]),
    Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    Route("/{section:str}/{rest:path}", refuse_path),
]


def create_app(config: Config) -> Starlette:
    """The application for ``config``; the worker pool starts with the app's lifespan."""
    web = Web(config)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        warming = None
        if config.warm:
            web.pool.warm()
            warming = asyncio.ensure_future(web.warm_previews())
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            web.pool.close()

    middleware = [Middleware(GuardMiddleware)]
    if config.allowed_hosts:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=config.allowed_hosts))
    app = Starlette(routes=ROUTES, middleware=middleware, lifespan=lifespan)
    app.state.web = web
    app.state.keys = Keys(config.token)
    return app
