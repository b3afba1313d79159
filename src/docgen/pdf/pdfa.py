"""PDF/A-2b metadata: what the archive copy says about itself (no pikepdf here).

Our own engine writes PDF/A-2b in one pass (:mod:`docgen.pdf.draw`), taking
the XMP packet and Info entries from :func:`xmp_packet` / :func:`info_entries`
and the output intent's profile from :func:`srgb_profile`;
:func:`docgen.pdf.pdfa_finish.make_pdfa` (pikepdf) writes the same metadata
into PDFs written by someone else (the LibreOffice engine).

The metadata is deterministic: dates come from ``SOURCE_DATE_EPOCH`` when it
is set, otherwise from the 成文日期 (never from the clock).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import RenderError

__all__ = ["PRODUCER", "ArchiveMetadata", "archive_datetime", "info_entries", "srgb_profile", "xmp_packet"]

FLAVOUR = "2b"
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
# Metadata


def xmp_date(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def pdf_date(moment: dt.datetime) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hh, mm = divmod(abs(minutes), 60)
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{hh:02d}'{mm:02d}'"


def subject_text(meta: ArchiveMetadata) -> str:
    parts = []
    if meta.doc_number:
        parts.append(f"发文字号：{meta.doc_number}")
    if meta.date:
        parts.append(f"成文日期：{meta.date}")
    if meta.issuer:
        parts.append(f"发文机关：{meta.issuer}")
    return "；".join(parts)


# --------------------------------------------------------------------------
# The same metadata written directly (the one-pass route of docgen.pdf.draw)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _li(values: list[str] | tuple[str, ...]) -> str:
    return "".join(f"<rdf:li>{_xml(v)}</rdf:li>" for v in values)


def _alt(text: str) -> str:
    return f'<rdf:Alt><rdf:li xml:lang="x-default">{_xml(text)}</rdf:li></rdf:Alt>'


def info_entries(meta: ArchiveMetadata, moment: dt.datetime) -> list[tuple[str, str]]:
    """The Info dictionary's entries (key, text), for the one-pass writer and ``pdfa_finish``."""
    title = meta.title.strip() or "公文"
    out = [("Title", title)]
    if meta.issuer:
        out.append(("Author", meta.issuer))
    description = subject_text(meta)
    if description:
        out.append(("Subject", description))
    if meta.keywords:
        out.append(("Keywords", "；".join(meta.keywords)))
    out += [("Creator", CREATOR_TOOL), ("Producer", PRODUCER),
            ("CreationDate", pdf_date(moment)), ("ModDate", pdf_date(moment))]
    return out


def xmp_packet(meta: ArchiveMetadata, moment: dt.datetime) -> bytes:
    """The XMP packet of :func:`_write_metadata`: the same properties, agreeing with the Info
    dictionary of :func:`info_entries` (the validator checks that they agree)."""
    title = meta.title.strip() or "公文"
    description = subject_text(meta)
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
    when = xmp_date(moment)
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
        from importlib.util import find_spec

        # located without importing pikepdf.pdfa (~0.15 s of a cold build)
        spec = find_spec("pikepdf")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("pikepdf is not installed")
        raw = (Path(next(iter(spec.submodule_search_locations))) / "pdfa" / "data" / "sRGB.icc").read_bytes()
        _SRGB = (raw, zlib.compress(raw, 9))
    return _SRGB
