"""``docgen import``: a 公文 made by anyone (.docx, .doc/.wps, text) → a docgen data file.

Takes a file path (and optionally the template to use); returns an
:class:`Imported`: the YAML text of a data file that builds the same
document, the values it holds, and the Chinese report of what was
recognised, what is uncertain and what was dropped.

Modules: ``read_docx`` / ``read_text`` / ``convert`` (the source's
paragraphs), ``meta`` (版头, title, 主送, closing, attachments, 版记),
``structure`` (headings, run-in headings, enumerations, tables, numbering
rules), ``figures`` (statistics → named figures), ``writer`` (YAML),
``report``.
"""

from __future__ import annotations

import datetime as _dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import DataError, Location
from docgen.importer import figures as figures_mod
from docgen.importer.meta import Frame, read_head, read_tail
from docgen.importer.read_docx import read_docx
from docgen.importer.read_text import read_text
from docgen.importer.report import DROPPED, RECOGNISED, UNCERTAIN, Report
from docgen.importer.source import Block
from docgen.importer.structure import Item, build_tree, classify, numbering_rules
from docgen.importer.writer import dump

DOCX_SUFFIXES = (".docx", ".docm", ".dotx")
CONVERTED_SUFFIXES = (".doc", ".wps", ".rtf", ".odt", ".wpt", ".dot")
TEXT_SUFFIXES = (".txt", ".text", ".md")
MAX_BYTES = 50 * 1024 * 1024


@dataclass
class Imported:
    yaml: str
    report: Report
    meta: dict[str, Any]
    body: list[Any]
    items: list[Item]
    figures: list[figures_mod.Figure]
    template: str
    pictures: dict[str, bytes]  # file name (next to the data file) → bytes: the seals


def read_blocks(path: Path) -> tuple[list[Block], str, bytes | None]:
    """The source's blocks, the report's unit (段 or 行), and the .docx bytes if any."""
    where = Location(file=str(path))
    if not path.is_file():
        raise DataError("找不到要导入的文件。", location=where, fix="检查文件名和路径。")
    if path.stat().st_size > MAX_BYTES:
        raise DataError("文件超过 50 MB，不像是一份公文。", location=where, fix="导入公文的 .docx 或文本文件。")
    suffix = path.suffix.lower()
    if suffix in CONVERTED_SUFFIXES:
        from docgen.importer.convert import to_docx  # noqa: PLC0415

        data = to_docx(path)
        return read_docx(data, str(path)), "段", data
    data = path.read_bytes()
    if suffix in DOCX_SUFFIXES or (suffix not in TEXT_SUFFIXES and zipfile.is_zipfile(path)):
        if zipfile.is_zipfile(path):
            from docgen.safety import check_docx_archive  # noqa: PLC0415

            check_docx_archive(path)  # sizes and ratios before anything is inflated
        return read_docx(data, str(path)), "段", data
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # an old binary .doc under another name
        from docgen.importer.convert import to_docx  # noqa: PLC0415

        converted = to_docx(path)
        return read_docx(converted, str(path)), "段", converted
    return read_text(data, str(path)), "行", None


def _first_year(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d{2})\s*年", text)
    return int(m[1]) if m else None


def guess_template(meta: dict[str, Any]) -> tuple[str, str]:
    mark = "、".join(meta.get("issuer_mark", []))
    title = meta.get("title", "")
    if meta.get("order_number"):
        return "order", f"有令号“{meta['order_number']}”，按命令（令）格式"
    if mark.endswith("纪要") or title.endswith("纪要"):
        return "minutes", "标志或标题是“纪要”，按纪要格式"
    if meta.get("signer"):
        if title.endswith("请示"):
            return "request", "有签发人、标题是请示，按请示格式"
        return "report-file", "有签发人，按上行文（报告）格式"
    if title.endswith("函") and not mark and meta.get("doc_number"):
        return "letter", "标题是函、没有“文件”版头，按信函格式"
    if mark or meta.get("doc_number"):
        return "notice", "有版头（发文机关标志或发文字号），按文件格式"
    return "report", "没有版头，按报告格式"


def _assemble_meta(raw: dict[str, Any], attachments: list[Any], template: str, report: Report,
                   path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    signatures: list[str] = raw.get("_signatures", [])
    mark: list[str] = raw.get("issuer_mark", [])
    title = raw.get("title")
    if template == "order" and mark and raw.get("order_number"):
        title = title or f"{mark[0]}{raw['order_number']}"
        if len(signatures) == 1 and re.search(r"[\s\u3000]", signatures[0]):
            role, name = re.split(r"[\s\u3000]+", signatures[0], maxsplit=1)
            raw["signer_title"], raw["signer"] = role, name
            signatures = []
    if not title:
        title = path.stem
        report.add(UNCERTAIN, None, f"没有找到标题，暂用文件名 “{title}”")
    meta["title"] = title
    issuers = signatures or ([re.sub(r"(令|命令)$", "", mark[0])] if mark and template == "order" else [])
    if not issuers and raw.get("printer") and (not mark or mark[0].endswith("纪要")):
        issuers = [raw["printer"]]
    if not issuers and mark and not mark[0].endswith("纪要"):
        issuers = list(mark)
    if not issuers and raw.get("_web_issuer"):
        issuers = [raw["_web_issuer"]]
    if not issuers:
        issuers = ["（请填写发文机关）"]
        report.add(UNCERTAIN, None, "没有找到发文机关署名，meta.issuer 需要填写")
    meta["issuer"] = issuers if len(issuers) > 1 else issuers[0]
    if mark and mark != issuers:
        meta["issuer_mark"] = mark if len(mark) > 1 else mark[0]
    if raw.get("with_wenjian") is False:
        meta["with_wenjian"] = False
    date = raw.get("date") or raw.get("_title_date") or raw.get("_web_date") or raw.get("print_date")
    if date is None:
        date = _dt.date.today()
        report.add(UNCERTAIN, None, f"没有找到成文日期，暂填今天 {date.isoformat()}，请改正")
    elif not raw.get("date"):
        report.add(UNCERTAIN, None, f"成文日期 {date.isoformat()} 取自"
                   + ("标题下的日期" if raw.get("_title_date") else
                      "网页的发布时间" if raw.get("_web_date") else "印发日期") + "，请核对")
    year = _first_year(title) or (int(m[1]) if (m := re.search(r"〔(\d{4})〕", raw.get("doc_number", "")))
                                  else None) or date.year
    meta["year"] = year
    meta["date"] = date
    for key in ("recipients", "doc_number", "signer", "signer_title", "order_number", "copy_number",
                "classification", "urgency"):
        if raw.get(key):
            meta[key] = raw[key]
    names = raw.get("_attachment_names", [])
    bound = {a["name"]: a for a in attachments}
    listed: list[Any] = []
    for name in names:
        att = bound.pop(name, None)
        listed.append(_attachment(att) if att else name)
    listed.extend(_attachment(a) for a in bound.values())
    if listed:
        meta["attachments"] = listed
    for key in ("note", "attendees", "absent", "observers", "copy_to", "printer", "print_date"):
        if raw.get(key):
            meta[key] = raw[key]
    return meta


def _attachment(att: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": att["name"]}
    if att.get("issued"):
        out["issued"] = True
    if "_rules" in att:
        out["_rules"] = att["_rules"]
    if att.get("body"):
        out["body"] = att["body"]
    return out


def _attachment_bodies(attachments: list[dict[str, Any]], report: Report) -> None:
    """Each bound attachment's blocks → its own ``body:`` (headings, enumerations, tables)."""
    for att in attachments:
        items = classify(att.pop("_blocks", []), report)
        if items:
            att["body"] = build_tree(items)
            if any(i.kind in ("heading", "run_in") for i in items):
                att["_rules"] = numbering_rules(items, report)


def _seals(raw: dict[str, Any], meta: dict[str, Any], docx: bytes | None, prefix: str,
           report: Report) -> dict[str, bytes]:
    """The pictures on the signature block → seal files next to the data file (``meta.seal``)."""
    from docgen.importer.read_docx import picture  # noqa: PLC0415

    parts = raw.get("_seal_images", [])
    if not parts or docx is None:
        return {}
    files: dict[str, bytes] = {}
    for n, part in enumerate(parts, start=1):
        data = picture(docx, part)
        if data is None or not data.startswith((b"\x89PNG", b"\xff\xd8")):
            report.add(DROPPED, None, f"落款处的图片 {part}（不是 PNG 或 JPEG）")
            continue
        suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg"
        files[f"{prefix}{n if len(parts) > 1 else ''}{suffix}"] = data
    names = list(files)
    if names:
        issuers = meta["issuer"] if isinstance(meta["issuer"], list) else [meta["issuer"]]
        meta["seal"] = names if len(names) > 1 and len(names) == len(issuers) else names[0]
        report.add(RECOGNISED, None, "印章图片：" + "、".join(names) + "（写在数据文件旁）")
    return files


def _headers_and_footers(docx: bytes | None, report: Report, known: tuple[str, ...]) -> None:
    """Text in page headers and footers (not page numbers) is not imported: say so."""
    if not docx:
        return
    from lxml import etree  # noqa: PLC0415

    seen: list[str] = []
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as z:
        for name in sorted(n for n in z.namelist() if re.match(r"word/(header|footer)\d*\.xml$", n)):
            try:
                root = etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False,
                                                                      no_network=True))
            except etree.XMLSyntaxError:
                continue
            text = "".join(t.text or "" for t in root.iter(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")).strip()
            if re.sub(r"[\d\s—–\-－第页共/PAGE]", "", text) and text not in seen and text not in known:
                seen.append(text)
    for text in seen:
        report.add(DROPPED, None, f"页眉或页脚中的文字 “{text[:30]}”（docgen 的页眉页脚由模板决定）")


def _empty_paragraphs(blocks: list[Block], report: Report) -> None:
    from docgen.importer.source import Para  # noqa: PLC0415

    empty = sum(1 for b in blocks if isinstance(b, Para) and not b.text.strip())
    if empty:
        report.add(DROPPED, None, f"空段落 {empty} 个（只用于排版，docgen 按标准排版）")


def _dropped_pictures(docx: bytes | None, report: Report, used: int) -> None:
    if not docx:
        return
    with zipfile.ZipFile(__import__("io").BytesIO(docx)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
    if len(media) > used:
        report.add(DROPPED, None, f"正文中的图片 {len(media) - used} 张（docgen 的正文不放图片）")


_HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][,;:?!()]|[,;:?!()][\u4e00-\u9fff]")


def _half_width_hint(body: list[Any], report: Report) -> None:
    """Half-width punctuation in Chinese text (typical of web copies): say how to fix it."""
    found = 0

    def walk(value: Any) -> None:
        nonlocal found
        if isinstance(value, str):
            found += len(_HALF_WIDTH.findall(value))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(body)
    if found:
        report.add(UNCERTAIN, None, f"正文中有约 {found} 处半角标点（, ; : ( ) 等），按原文导入；"
                                    "运行 docgen check 数据文件 --fix 改为全角")


def _count(items: list[Item], figures: list[figures_mod.Figure], report: Report) -> None:
    names = {1: "一级标题", 2: "二级标题", 3: "三级标题", 4: "四级标题"}
    for item in items:
        if item.kind in ("heading", "run_in"):
            report.count(names[item.level])
            if item.kind == "run_in":
                report.count("其中段首标题")
        elif item.kind in ("enumeration", "inline_enumeration"):
            report.count("列举")
        else:
            report.count({"paragraph": "段落", "table": "表格"}[item.kind])
    if figures:
        report.count("数字", len(figures))


def import_document(path: str | Path, template: str | None = None,
                    seal_prefix: str = "印章") -> Imported:
    path = Path(path)
    blocks, unit, docx = read_blocks(path)
    report = Report(source=str(path), unit=unit)
    head, start = read_head(blocks, report)
    end, attachments = read_tail(blocks, start, report, head)
    end = max(end, start)
    frame = Frame(meta=head, body_start=start, body_end=end, attachments=attachments)
    guessed, reason = guess_template(head)
    if template:
        reason = f"按 --template 指定（自动判断为 {guessed}：{reason}）"
    chosen = template or guessed
    _attachment_bodies(attachments, report)
    meta = _assemble_meta(frame.meta, attachments, chosen, report, path)
    pictures = _seals(frame.meta, meta, docx, seal_prefix, report)
    items = classify(blocks[start:end], report)
    rules = numbering_rules(items, report)
    for att in meta.get("attachments", []):
        if isinstance(att, dict) and "_rules" in att:
            own = att.pop("_rules")
            if own != rules:  # an attachment follows the body's rules unless it says otherwise
                body_of = att.pop("body", None)
                att["numbering"] = own or {"continue": []}
                if body_of is not None:
                    att["body"] = body_of
    body = build_tree(items)
    if not body:
        body = ["（原文没有正文，请填写）"]
        report.add(UNCERTAIN, None, "没有找到正文")
    namer = figures_mod.Namer()
    figures = figures_mod.extract(body, namer)
    for att in meta.get("attachments", []):
        if isinstance(att, dict) and att.get("body"):
            figures.extend(figures_mod.extract(att["body"], namer))
    _dropped_pictures(docx, report, len(pictures))
    _half_width_hint(body, report)
    issuers = meta["issuer"] if isinstance(meta["issuer"], list) else [meta["issuer"]]
    marks = meta.get("issuer_mark", issuers)
    known = tuple(issuers) + tuple(marks if isinstance(marks, list) else [marks])
    _headers_and_footers(docx, report, known + ("".join(known),))
    _empty_paragraphs(blocks, report)
    _count(items, figures, report)
    text = dump(source=path.name, template=chosen, reason=reason, meta=meta, numbering=rules,
                figures=figures, body=body)
    return Imported(yaml=text, report=report, meta=meta, body=body, items=items, figures=figures,
                    template=chosen, pictures=pictures)


__all__ = ["Imported", "import_document"]
