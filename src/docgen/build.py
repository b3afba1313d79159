"""The whole pipeline for one data file: load → number → render → PDF → write.

Takes a data file path and options; returns ``BuildResult`` naming the files
written and the warnings.  Nothing is written unless every stage succeeded,
and then the .docx and the .pdf are replaced together (all or nothing).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docgen.elements.finish import finish
from docgen.errors import DocgenError, DocgenWarning, Location, TemplateError
from docgen.load import load_document
from docgen.model import Document
from docgen.numbering import number_blocks
from docgen.render_docx import date_text, render_docx, stable_zip
from docgen.sandbox import shares_build_budget
from docgen.template_paths import available_templates, template_dirs

__all__ = ["BuildResult", "available_templates", "build", "find_template", "render", "template_dirs"]


@dataclass
class BuildResult:
    """What one build wrote: the .docx and .pdf paths, the warnings, the time taken and the page count."""

    data: Path
    docx: Path
    pdf: Path | None
    warnings: list[DocgenWarning] = field(default_factory=list)
    seconds: float = 0.0
    pages: int | None = None


def find_template(name_or_path: str | Path, data_path: Path | None = None, *,
                  from_data: bool = False) -> Path:
    """A template given by name (``report``) or by path (``my/报告.docx``).

    A path written in the data file (``from_data``) must lie inside the data
    file's folder tree or a template folder (:func:`docgen.inputs.confine`);
    a ``--template`` path is the user's own choice.  Either must be a regular
    file within the template size limit.
    """
    from docgen.inputs import check_regular, confine  # noqa: PLC0415

    text = str(name_or_path)
    if text.endswith(".docx") or "/" in text or "\\" in text:
        if from_data and data_path is not None:
            where = Location(file=str(data_path), path="template")
            path = confine(text, Path(data_path).parent, field="template", location=where,
                           roots=template_dirs(data_path))
        else:
            path = Path(text)
        if not path.exists():
            raise TemplateError("找不到模板文件。", location=Location(file=text),
                                fix="检查 --template 的路径是否正确。")
        check_regular(path, "template")
        return path
    templates = available_templates(data_path)
    if text in templates:
        return templates[text]
    names = "、".join(templates) or "（无）"
    raise TemplateError(f"没有名为 “{text}” 的模板。", location=Location(file=str(data_path or "")),
                        fix=f"可用的模板：{names}。在数据文件中写 template: 模板名，或用 --template 指定 .docx 文件。")


def render(document: Document, template: Path) -> bytes:
    """Number and render a loaded document; returns the .docx bytes."""
    return render_docx(document, number_blocks(document.body, document.numbering), template)


def page_measure(engine: str) -> Callable[[bytes], bytes]:
    """docx bytes → PDF bytes with ``engine`` (to look at a .docx's pages; page planning reads
    the frame model instead, see elements.finish)."""
    def measure(docx: bytes) -> bytes:
        from docgen.pdf import docx_to_pdf  # noqa: PLC0415

        with tempfile.TemporaryDirectory(prefix="docgen-measure-") as tmp:
            staged = Path(tmp) / "measure.docx"
            staged.write_bytes(docx)
            return docx_to_pdf(staged, engine=engine).data

    return measure


def archive_metadata(document: Document):
    from docgen.pdf.pdfa import ArchiveMetadata  # noqa: PLC0415

    meta = document.meta
    return ArchiveMetadata(title=meta.title, issuer=meta.issuer, date=date_text(meta.date),
                           doc_number=meta.doc_number, keywords=tuple(meta.keywords),
                           year=meta.year)


def prepare_out_dir(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and finish or undo what a killed build left there."""
    from docgen.commit import recover  # noqa: PLC0415
    from docgen.errors import RenderError  # noqa: PLC0415

    if out_dir.exists() and not out_dir.is_dir():
        raise RenderError(f"输出位置“{out_dir}”是一个文件，不是文件夹，没有写入任何文件",
                          location=Location(file=str(out_dir)),
                          fix="用 --out 指定一个文件夹（不存在时会自动创建），或删除/改名这个同名文件")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from docgen.commit import os_reason  # noqa: PLC0415

        raise RenderError(f"无法创建输出文件夹（{os_reason(exc)}），没有写入任何文件",
                          location=Location(file=str(out_dir)),
                          fix="检查 --out 指定的路径是否正确、是否有写入权限、磁盘是否已满。") from exc
    recover(out_dir)


def no_internal_errors(func: Callable[..., BuildResult]) -> Callable[..., BuildResult]:
    """Whatever goes wrong inside, the caller gets a DocgenError (docs/api.md promises it).

    An exception that is not a DocgenError is a docgen defect: it becomes an
    :class:`~docgen.errors.InternalError` naming the data file (with
    ``DOCGEN_DEBUG=1`` the original exception propagates, for the traceback).
    """
    import functools  # noqa: PLC0415

    @functools.wraps(func)
    def checked(data_path: str | Path, *args, **kwargs) -> BuildResult:
        import os  # noqa: PLC0415

        from docgen.errors import InternalError  # noqa: PLC0415

        try:
            return func(data_path, *args, **kwargs)
        except DocgenError:
            raise
        except Exception as exc:
            if os.environ.get("DOCGEN_DEBUG"):
                raise
            raise InternalError.wrap(exc, data_path) from exc

    return checked


@no_internal_errors
@shares_build_budget
def build(data_path: str | Path, *, template: str | Path | None = None,
          out_dir: str | Path = Path("output"), pdf: bool = True, pdf_engine: str = "reportlab",
          force: bool = False, strict: bool = False, draft: bool = False) -> BuildResult:
    """Build one data file into ``out_dir``/<title>.docx (and .pdf).

    Raises a DocgenError subclass on any problem; then nothing was written.
    With ``strict`` any warning is raised as an error; ``draft`` lets the
    placeholders of a ``docgen new`` scaffold through.
    """
    from docgen.safety import output_path, write_all_or_nothing  # noqa: PLC0415

    started = time.perf_counter()
    data_path = Path(data_path)
    out_dir = Path(out_dir)
    loaded = load_document(data_path, force=force, draft=draft)
    document = loaded.document
    warnings = list(loaded.warnings)
    template_path = (find_template(template, data_path) if template
                     else find_template(document.template, data_path, from_data=True))
    from docgen.template_check import missing_role_warnings  # noqa: PLC0415

    warnings.extend(missing_role_warnings(document, template_path))  # a seal and no 署名 block …
    docx_bytes = render(document, template_path)
    docx_target = output_path(out_dir, document.meta.title, ".docx")
    from docgen.gc_pause import paused  # noqa: PLC0415

    # From here on only docgen's own code runs (no Jinja): one collector pause over
    # page planning, the final .docx and the PDF (see docgen.gc_pause)
    with paused():
        # seal, table grids, the 署名 page and the 版记 page, planned on docgen's layout;
        # finished.typeset is the layout of the final .docx, drawn below
        finished = finish(docx_bytes, document, name=docx_target.name)
        warnings.extend(finished.warnings)
        from docgen.elements import kinsoku  # noqa: PLC0415

        # Word's own 禁则 switch (what it can express), then same data and template, same bytes
        docx_bytes = stable_zip(kinsoku.apply(finished.docx))
        from docgen.misprints import scan_docx  # noqa: PLC0415

        scan_docx(docx_bytes, str(data_path))  # no {{ or {% reaches the output

        outputs: dict[Path, bytes] = {docx_target: docx_bytes}
        pdf_target: Path | None = None
        pages: int | None = None
        if pdf:
            from docgen.pdf import docx_to_pdf, export_pdf  # noqa: PLC0415

            pdf_target = output_path(out_dir, document.meta.title, ".pdf")
            if pdf_engine == "reportlab":  # the frames the page planning laid out, drawn
                result = export_pdf(finished.typeset, metadata=archive_metadata(document))
            else:
                with tempfile.TemporaryDirectory(prefix="docgen-") as tmp:
                    staged = Path(tmp) / docx_target.name
                    staged.write_bytes(docx_bytes)
                    result = docx_to_pdf(staged, metadata=archive_metadata(document),
                                         engine=pdf_engine)
            outputs[pdf_target] = result.data
            warnings.extend(result.warnings)
            pages = result.pages
    if strict and warnings:
        first = warnings[0]
        raise DocgenError(f"{first.message}（--strict：警告视为错误）", location=first.location,
                          fix=first.fix)
    prepare_out_dir(out_dir)
    write_all_or_nothing(outputs)
    return BuildResult(data=data_path, docx=docx_target, pdf=pdf_target, warnings=warnings,
                       seconds=time.perf_counter() - started, pages=pages)
