"""Finishing PDFs written by someone else as PDF/A-2b, and pikepdf's PDF/A validator.

:func:`make_pdfa` finishes the LibreOffice engine's output (and any other
PDF): it takes the bytes (TrueType fonts embedded) and an
:class:`~docgen.pdf.pdfa.ArchiveMetadata`; returns PDF/A-2b bytes: the
unused Helvetica default font and empty page ``/Trans`` entries removed, an
sRGB output intent, XMP metadata (title, issuer, keywords, 发文字号, 成文日期,
PDF/A identification) with a matching Info dictionary.  pikepdf's PDF/A
validator runs on request (``validate=True``, ``docgen pdf --validate``): it
expands every embedded glyph with fontTools and costs more than typesetting
the document.  Our own engine does not need this module (it writes PDF/A in
one pass), so a build imports pikepdf only when it validates.

The result is deterministic: the same input and metadata give the same
bytes, and the trailer ``/ID`` is a hash of the content.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pikepdf
import pikepdf.pdfa
from pikepdf import Dictionary, Name, Pdf

from ..errors import RenderError
from .pdfa import (
    CREATOR_TOOL,
    FLAVOUR,
    PRODUCER,
    ArchiveMetadata,
    archive_datetime,
    info_entries,
    parse_chinese_date,
    subject_text,
    xmp_date,
)

__all__ = ["clean_for_pdfa", "ensure_valid", "make_pdfa", "validate_pdfa"]

_TRAILER_KEYS = frozenset({"/Root", "/Info", "/Size", "/Prev"})


# --------------------------------------------------------------------------
# Cleaning reportlab output


def _font_dicts(resources: Dictionary) -> Dictionary | None:
    fonts = resources.get(Name.Font)
    return fonts if isinstance(fonts, Dictionary) else None


def _content_holders(pdf: Pdf) -> Iterator[pikepdf.Object]:
    """Pages and form XObjects (each has its own content and resources)."""
    seen: set[tuple[int, int]] = set()
    stack: list[pikepdf.Object] = [page.obj for page in pdf.pages]
    while stack:
        holder = stack.pop()
        if holder.is_indirect:
            if holder.objgen in seen:
                continue
            seen.add(holder.objgen)
        yield holder
        res = holder.get(Name.Resources)
        xobjects = res.get(Name.XObject) if isinstance(res, Dictionary) else None
        if isinstance(xobjects, Dictionary):
            for _k, xo in xobjects.items():
                if isinstance(xo, pikepdf.Stream) and xo.get(Name.Subtype) == Name.Form:
                    stack.append(xo)


def _font_usage(holder: pikepdf.Object) -> tuple[set[str], set[str]] | None:
    """(fonts selected with Tf, fonts that draw text) in one content stream.

    A font draws text when Tj, TJ, ' or " runs while it is current (q/Q-aware).
    reportlab selects /F1 (Helvetica) at the start of every page without
    drawing with it.  None if the content cannot be read (keep everything).
    """
    try:
        target = holder if isinstance(holder, pikepdf.Stream) else pikepdf.Page(holder)
        ops = pikepdf.parse_content_stream(target, "q Q Tf Tj TJ ' \"")
    except pikepdf.PdfError:
        return None
    selected: set[str] = set()
    drawing: set[str] = set()
    current: str | None = None
    saved: list[str | None] = []
    for operands, op in ops:
        name = str(op)
        if name == "q":
            saved.append(current)
        elif name == "Q":
            current = saved.pop() if saved else current
        elif name == "Tf":
            if operands and isinstance(operands[0], Name):
                current = str(operands[0])
                selected.add(current)
        elif current is not None:
            drawing.add(current)
    return selected, drawing


def _is_embedded(font: Dictionary) -> bool:
    subtype = font.get(Name.Subtype)
    if subtype == Name.Type3:
        return True
    if subtype == Name.Type0:
        descendants = font.get(Name.DescendantFonts)
        return all(_is_embedded(d) for d in descendants) if descendants else False
    desc = font.get(Name.FontDescriptor)
    if not isinstance(desc, Dictionary):
        return False
    return any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _drop_tf_operators(pdf: Pdf, holder: pikepdf.Object, fonts: set[str]) -> None:
    """Remove ``/Fx size Tf`` operators selecting *fonts* (fonts that never draw text)."""
    target = holder if isinstance(holder, pikepdf.Stream) else pikepdf.Page(holder)
    ops = pikepdf.parse_content_stream(target)
    kept = [
        (operands, op) for operands, op in ops
        if not (str(op) == "Tf" and operands and str(operands[0]) in fonts)
    ]
    if len(kept) == len(ops):
        return
    data = pikepdf.unparse_content_stream(kept)
    if isinstance(holder, pikepdf.Stream):
        holder.write(data)
    else:
        holder.Contents = pdf.make_stream(data)


def _identity(*objs: pikepdf.Object) -> tuple[int, int]:
    """objgen of the first indirect object (resource dictionaries may be shared by pages)."""
    for obj in objs:
        if obj.is_indirect:
            return obj.objgen
    return (-1, id(objs[-1]))


def clean_for_pdfa(pdf: Pdf) -> None:
    """Remove what reportlab leaves that PDF/A rejects; raise if a used font is not embedded.

    Fonts that draw no text anywhere their resource dictionary is used
    (reportlab's /F1 Helvetica) are removed, together with the ``Tf``
    operators that select them; empty ``/Trans`` dictionaries are removed.
    Content streams are only read where a resource dictionary holds a font
    that is not embedded (an embedded font may stay even if unused).
    """
    holders = list(_content_holders(pdf))
    drawing_by_dict: dict[tuple[int, int], set[str]] = {}
    font_dicts: dict[tuple[int, int], Dictionary] = {}
    dead_selections: list[tuple[pikepdf.Object, set[str]]] = []
    for holder in holders:
        trans = holder.get(Name.Trans)
        if isinstance(trans, Dictionary) and len(trans.keys()) == 0:
            del holder.Trans
        res = holder.get(Name.Resources)
        fonts = _font_dicts(res) if isinstance(res, Dictionary) else None
        if fonts is None:
            continue
        ident = _identity(fonts, res, holder)
        font_dicts[ident] = fonts
        if all(_is_embedded(f) for _k, f in fonts.items() if isinstance(f, Dictionary)):
            # nothing to remove or refuse here: skip reading the content stream
            drawing_by_dict.setdefault(ident, set()).update(str(k) for k in fonts)
            continue
        usage = _font_usage(holder)
        drawing = drawing_by_dict.setdefault(ident, set())
        if usage is None:
            drawing.update(str(k) for k in fonts)
            continue
        selected, draws = usage
        drawing.update(draws)
        if selected - draws:
            dead_selections.append((holder, selected - draws))
    for ident, fonts in font_dicts.items():
        drawing = drawing_by_dict[ident]
        for key in list(fonts.keys()):
            font = fonts[key]
            if key not in drawing:
                del fonts[key]
            elif isinstance(font, Dictionary) and not _is_embedded(font):
                base = str(font.get(Name.BaseFont, key)).lstrip("/")
                raise RenderError(
                    f"PDF 使用了未嵌入的字体“{base}”，不能生成 PDF/A 归档文件",
                    fix="这是 PDF 排版程序的问题：所有文字都应使用 docgen 字体表中的字体"
                        "（运行 docgen fonts 查看），请报告此问题",
                )
    for holder, dead in dead_selections:
        _drop_tf_operators(pdf, holder, dead)
    # Where the viewer opens the file is not content; LibreOffice writes one
    # and the validator does not accept it.
    if Name.OpenAction in pdf.Root:
        del pdf.Root.OpenAction


def _write_metadata(pdf: Pdf, meta: ArchiveMetadata, moment: dt.datetime) -> None:
    """Info dictionary and XMP packet, consistent with each other."""
    if Name.Metadata in pdf.Root:
        del pdf.Root.Metadata
    info = pdf.make_indirect(Dictionary())
    pdf.trailer.Info = info
    for key, text in info_entries(meta, moment):  # the entries the one-pass writer writes too
        info[Name("/" + key)] = pikepdf.String(text)
    title = meta.title.strip() or "公文"
    description = subject_text(meta)

    # prepare(): output intent, canonical XMP from Info, PDF/A identification
    pikepdf.pdfa.prepare(pdf, FLAVOUR, output_intent="sRGB")

    day = parse_chinese_date(meta.date)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=True) as xmp:
        xmp["dc:title"] = title
        if meta.issuer:
            xmp["dc:creator"] = [meta.issuer]
            xmp["dc:publisher"] = [meta.issuer]
        if description:
            xmp["dc:description"] = description
        if meta.keywords:
            xmp["dc:subject"] = list(meta.keywords)
            xmp["pdf:Keywords"] = "；".join(meta.keywords)
        if meta.doc_number:
            xmp["dc:identifier"] = meta.doc_number
        if day is not None:
            xmp["dc:date"] = [day.isoformat()]
        if meta.year:
            xmp["dc:coverage"] = f"{meta.year}年度"
        xmp["dc:language"] = list(meta.languages) or ["zh-CN"]
        xmp["dc:format"] = "application/pdf"
        xmp["xmp:CreatorTool"] = CREATOR_TOOL
        xmp["pdf:Producer"] = PRODUCER
        xmp["xmp:CreateDate"] = xmp_date(moment)
        xmp["xmp:ModifyDate"] = xmp_date(moment)
        xmp["xmp:MetadataDate"] = xmp_date(moment)
    # pikepdf's editor syncs a subset of fields; keep Info exactly as written above
    pdf.trailer.Info = info


# --------------------------------------------------------------------------
# Public API


def _findings(report: pikepdf.pdfa.Report) -> list[str]:
    return [str(f) for f in report.findings]


def validate_pdfa(pdf: bytes) -> list[str]:
    """Problems pikepdf's PDF/A-2b validator finds in *pdf*; [] means valid."""
    report = pikepdf.pdfa.validate_written(io.BytesIO(pdf), FLAVOUR)
    return _findings(report)


def make_pdfa(pdf: bytes, meta: ArchiveMetadata, *, validate: bool = False) -> bytes:
    """Turn reportlab (or LibreOffice) output into deterministic PDF/A-2b bytes.

    With ``validate`` the result is also run through pikepdf's PDF/A-2b
    validator (about 0.1-0.2 s per page of CJK text).  Raises RenderError
    (Chinese) if the input is not a readable PDF, uses a font that is not
    embedded, or (``validate``) the result does not validate.
    """
    moment = archive_datetime(meta)
    try:
        doc = pikepdf.open(io.BytesIO(pdf))
    except pikepdf.PdfError as exc:
        raise RenderError(f"PDF 排版结果无法读取，不能生成归档文件：{exc}",
                          fix="这是 docgen 的问题，请报告此问题并附上数据文件和模板") from exc
    with doc:
        clean_for_pdfa(doc)
        _write_metadata(doc, meta, moment)
        # reportlab's /ID is time-based: let qpdf hash the content.  Other
        # producers' private trailer keys (LibreOffice's /DocChecksum) go too.
        for key in list(doc.trailer.keys()):
            if key not in _TRAILER_KEYS:
                del doc.trailer[key]
        out = io.BytesIO()
        doc.save(out, **pikepdf.pdfa.resolve_save_kwargs(FLAVOUR, deterministic_id=True))
    data = out.getvalue()
    if validate:
        ensure_valid(data)
    return data


def ensure_valid(data: bytes) -> None:
    """Raise RenderError (Chinese) listing what the PDF/A-2b validator finds in ``data``."""
    problems = validate_pdfa(data)
    if problems:
        listed = "\n    ".join(problems[:10])
        raise RenderError(
            f"生成的 PDF 未通过 PDF/A-2b 校验：\n    {listed}",
            fix="这是 docgen 的问题，请报告此问题；可先使用 .docx 文件或 --pdf-engine libreoffice",
        )
