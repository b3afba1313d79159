"""PDF/A-2b metadata, and the finishing of PDFs written by someone else.

Our own engine writes PDF/A-2b in one pass (:mod:`docgen.pdf.draw`), taking
the XMP packet and Info entries from :func:`xmp_packet` / :func:`info_entries`
and the output intent's profile from :func:`srgb_profile`.  :func:`make_pdfa`
finishes the LibreOffice engine's output (and any other PDF): it takes the
bytes (TrueType fonts embedded) and an
:class:`ArchiveMetadata`; returns PDF/A-2b bytes: the unused Helvetica
default font and empty page ``/Trans`` entries removed, an sRGB output
intent, XMP metadata (title, issuer, keywords, 发文字号, 成文日期, PDF/A
identification) with a matching Info dictionary.  pikepdf's PDF/A validator
runs on request (``validate=True``, ``docgen pdf --validate``): it expands
every embedded glyph with fontTools and costs more than typesetting the
document, while the output of this module is the same for every document
(the tests validate it on each kind of content the engine draws).

The result is deterministic: the same input and metadata give the same
bytes.  Dates come from ``SOURCE_DATE_EPOCH`` when it is set, otherwise
from the 成文日期 (never from the clock), and the trailer ``/ID`` is a hash
of the content.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf
from pikepdf import Dictionary, Name, Pdf

from ..errors import RenderError

__all__ = ["PRODUCER", "ArchiveMetadata", "archive_datetime", "ensure_valid", "info_entries", "make_pdfa",
           "srgb_profile", "validate_pdfa", "xmp_packet"]

FLAVOUR = "2b"
_TRAILER_KEYS = frozenset({"/Root", "/Info", "/Size", "/Prev"})
PRODUCER = "docgen（GB/T 9704 公文生成）"
CREATOR_TOOL = "docgen"

_CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class ArchiveMetadata:
    """What the archive copy says about itself.

    ``date`` is the 成文日期 as printed (``2023年3月13日``; ISO ``2023-03-13``
    and Chinese numerals are accepted too); ``year`` is the data's year.
    """

    title: str
    issuer: str = ""
    date: str = ""
    doc_number: str | None = None
    keywords: tuple[str, ...] = ()
    year: int | None = None
    languages: tuple[str, ...] = ()  # the text's languages (w:lang); none known: zh-CN


# --------------------------------------------------------------------------
# Dates


def _cn_number(text: str) -> int | None:
    """'2023' or '二〇二三' or '十三' -> int; None if not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text:
        return None
    if "十" in text:  # 十, 十三, 二十, 二十一, 三十
        head, _, tail = text.partition("十")
        tens = _CN_DIGITS.get(head) if head else 1
        ones = _CN_DIGITS.get(tail) if tail else 0
        if tens is None or ones is None:
            return None
        return tens * 10 + ones
    digits = [_CN_DIGITS.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def parse_chinese_date(text: str) -> dt.date | None:
    """``2023年3月13日`` / ``二〇二三年三月十三日`` / ``2023-03-13`` -> date; None if unreadable."""
    text = (text or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if m:
        parts: list[int | None] = [int(g) for g in m.groups()]
    else:
        m = re.fullmatch(r"(.+?)年(.+?)月(.+?)日", text)
        if not m:
            return None
        parts = [_cn_number(g) for g in m.groups()]
    if any(p is None for p in parts):
        return None
    year, month, day = parts
    try:
        return dt.date(year, month, day)  # type: ignore[arg-type]
    except ValueError:
        return None


def archive_datetime(meta: ArchiveMetadata, environ: dict[str, str] | None = None) -> dt.datetime:
    """The date written as creation/modification date.

    ``SOURCE_DATE_EPOCH`` (seconds, UTC) wins; otherwise midnight Beijing time
    of the 成文日期; otherwise 31 December of ``year``; otherwise the epoch.
    """
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise RenderError(
                f"环境变量 SOURCE_DATE_EPOCH 的值“{epoch}”不是有效的时间戳",
                fix="SOURCE_DATE_EPOCH 应为整数秒数（如 1678665600），或删除该变量",
            ) from None
    day = parse_chinese_date(meta.date)
    if day is not None:
        return dt.datetime(day.year, day.month, day.day, tzinfo=_CHINA_TZ)
    if meta.year:
        return dt.datetime(meta.year, 12, 31, tzinfo=_CHINA_TZ)
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


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


# --------------------------------------------------------------------------
# Metadata


def _xmp_date(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _pdf_date(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{hh:02d}'{mm:02d}'"


def _description(meta: ArchiveMetadata) -> str:
    parts = []
    if meta.doc_number:
        parts.append(f"发文字号：{meta.doc_number}")
    if meta.date:
        parts.append(f"成文日期：{meta.date}")
    if meta.issuer:
        parts.append(f"发文机关：{meta.issuer}")
    return "；".join(parts)


def _write_metadata(pdf: Pdf, meta: ArchiveMetadata, moment: dt.datetime) -> None:
    """Info dictionary and XMP packet, consistent with each other."""
    if Name.Metadata in pdf.Root:
        del pdf.Root.Metadata
    info = pdf.make_indirect(Dictionary())
    pdf.trailer.Info = info
    title = meta.title.strip() or "公文"
    info.Title = pikepdf.String(title)
    if meta.issuer:
        info.Author = pikepdf.String(meta.issuer)
    description = _description(meta)
    if description:
        info.Subject = pikepdf.String(description)
    if meta.keywords:
        info.Keywords = pikepdf.String("；".join(meta.keywords))
    info.Creator = pikepdf.String(CREATOR_TOOL)
    info.Producer = pikepdf.String(PRODUCER)
    info.CreationDate = pikepdf.String(_pdf_date(moment))
    info.ModDate = pikepdf.String(_pdf_date(moment))

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
        xmp["xmp:CreateDate"] = _xmp_date(moment)
        xmp["xmp:ModifyDate"] = _xmp_date(moment)
        xmp["xmp:MetadataDate"] = _xmp_date(moment)
    # pikepdf's editor syncs a subset of fields; keep Info exactly as written above
    pdf.trailer.Info = info


# --------------------------------------------------------------------------
# The same metadata written directly (the one-pass route of docgen.pdf.draw)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _li(values: list[str] | tuple[str, ...]) -> str:
    return "".join(f"<rdf:li>{_xml(v)}</rdf:li>" for v in values)


def _alt(text: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{_xml(text)}</rdf:li></rdf:Alt>'


def info_entries(meta: ArchiveMetadata, moment: dt.datetime) -> list[tuple[str, str]]:
    """The Info dictionary's entries (key, text), as :func:`_write_metadata` writes them."""
    title = meta.title.strip() or "公文"
    out = [("Title", title)]
    if meta.issuer:
        out.append(("Author", meta.issuer))
    description = _description(meta)
    if description:
        out.append(("Subject", description))
    if meta.keywords:
        out.append(("Keywords", "；".join(meta.keywords)))
    out += [("Creator", CREATOR_TOOL), ("Producer", PRODUCER),
            ("CreationDate", _pdf_date(moment)), ("ModDate", _pdf_date(moment))]
    return out


def xmp_packet(meta: ArchiveMetadata, moment: dt.datetime) -> bytes:
    """The XMP packet of :func:`_write_metadata`: the same properties, agreeing with the Info
    dictionary of :func:`info_entries` (the validator checks that they agree)."""
    title = meta.title.strip() or "公文"
    description = _description(meta)
    day = parse_chinese_date(meta.date)
    props = [f"<dc:title>{_alt(title)}</dc:title>"]
    if meta.issuer:
        props.append(f"<dc:creator><rdf:Seq>{_li([meta.issuer])}</rdf:Seq></dc:creator>")
        props.append(f"<dc:publisher><rdf:Bag>{_li([meta.issuer])}</rdf:Bag></dc:publisher>")
    if description:
        props.append(f"<dc:description>{_alt(description)}</dc:description>")
    if meta.keywords:
        props.append(f"<dc:subject><rdf:Bag>{_li(meta.keywords)}</rdf:Bag></dc:subject>")
        props.append(f"<pdf:Keywords>{_xml('；'.join(meta.keywords))}</pdf:Keywords>")
    if meta.doc_number:
        props.append(f"<dc:identifier>{_xml(meta.doc_number)}</dc:identifier>")
    if day is not None:
        props.append(f"<dc:date><rdf:Seq>{_li([day.isoformat()])}</rdf:Seq></dc:date>")
    if meta.year:
        props.append(f"<dc:coverage>{meta.year}年度</dc:coverage>")
    languages = list(meta.languages) or ["zh-CN"]
    props.append(f"<dc:language><rdf:Bag>{_li(languages)}</rdf:Bag></dc:language>")
    props.append("<dc:format>application/pdf</dc:format>")
    when = _xmp_date(moment)
    props += [f"<xmp:CreatorTool>{CREATOR_TOOL}</xmp:CreatorTool>",
              f"<pdf:Producer>{_xml(PRODUCER)}</pdf:Producer>",
              f"<xmp:CreateDate>{when}</xmp:CreateDate>",
              f"<xmp:ModifyDate>{when}</xmp:ModifyDate>",
              f"<xmp:MetadataDate>{when}</xmp:MetadataDate>",
              f"<pdfaid:part>{FLAVOUR[0]}</pdfaid:part>",
              f"<pdfaid:conformance>{FLAVOUR[1].upper()}</pdfaid:conformance>"]
    body = "\n      ".join(props)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '    <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        f"      {body}\n"
        "    </rdf:Description>\n"
        "  </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


_SRGB: tuple[bytes, bytes] | None = None


def srgb_profile() -> tuple[bytes, bytes]:
    """(raw, Flate-compressed) bytes of the sRGB ICC profile ``pikepdf.pdfa.prepare`` installs."""
    global _SRGB
    if _SRGB is None:
        import zlib
        from importlib.resources import files

        raw = (files("pikepdf.pdfa") / "data" / "sRGB.icc").read_bytes()
        _SRGB = (raw, zlib.compress(raw, 9))
    return _SRGB


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
