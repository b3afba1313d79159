"""A .docx (Word, WPS, LibreOffice) → the source's paragraphs and tables, in order.

Takes the file's bytes; returns ``list[Block]`` (see ``source``).  Reads the
XML directly (zipfile + lxml): paragraph text with manual line breaks and
tabs, the paragraph's style, alignment and outline level (its own or its
style's), Word automatic numbering (numPr, with the label Word would show,
from numbering.xml), and the run-in part of a paragraph (leading runs in
another font, bold or a character style).  Deleted revisions, field codes
and the fallback copies of drawings are skipped; text boxes become
paragraphs of their own after the paragraph that holds them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from docgen.errors import DataError, Location
from docgen.importer.source import Block, Para, TableBlock
from docgen.numbering import chinese_numeral

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
V_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
_W = f"{{{W}}}"
_SKIP = {f"{_W}del", f"{_W}instrText", f"{_W}delText", f"{{{MC}}}Fallback", f"{_W}txbxContent",
         f"{_W}footnoteReference", f"{_W}endnoteReference", f"{_W}commentReference"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_comments=True)


def _attr(el, name: str = "val") -> str | None:
    return None if el is None else el.get(f"{_W}{name}")


@dataclass
class _Style:
    name: str
    based_on: str | None = None
    align: str | None = None
    outline: int | None = None
    num: tuple[str, int] | None = None
    bold: bool | None = None
    font: str | None = None


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


@dataclass
class _Numbering:
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # numId → ilvl → level
    abstract_of: dict[str, str] = field(default_factory=dict)


def _xml(z: zipfile.ZipFile, name: str):
    try:
        return etree.fromstring(z.read(name), _PARSER)
    except KeyError:
        return None


def _read_styles(root) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for s in root.iter(f"{_W}style"):
        sid = s.get(f"{_W}styleId") or ""
        name = _attr(s.find(f"{_W}name")) or sid
        ppr = s.find(f"{_W}pPr")
        rpr = s.find(f"{_W}rPr")
        style = _Style(name=name, based_on=_attr(s.find(f"{_W}basedOn")))
        if ppr is not None:
            style.align = _attr(ppr.find(f"{_W}jc"))
            lvl = _attr(ppr.find(f"{_W}outlineLvl"))
            style.outline = int(lvl) if lvl and lvl.isdigit() else None
            num = ppr.find(f"{_W}numPr")
            if num is not None:
                nid = _attr(num.find(f"{_W}numId"))
                ilvl = _attr(num.find(f"{_W}ilvl")) or "0"
                if nid and nid != "0":
                    style.num = (nid, int(ilvl) if ilvl.isdigit() else 0)
        if rpr is not None:
            style.bold = _bold(rpr)
            style.font = _font(rpr)
        styles[sid] = style
    return styles


def _bold(rpr) -> bool | None:
    b = rpr.find(f"{_W}b")
    if b is None:
        return None
    return _attr(b) not in ("0", "false", "off")


def _font(rpr) -> str | None:
    fonts = rpr.find(f"{_W}rFonts")
    if fonts is None:
        return None
    return _attr(fonts, "eastAsia") or _attr(fonts, "ascii") or _attr(fonts, "hAnsi")


def _inherited(styles: dict[str, _Style], sid: str | None, attr: str):
    seen = set()
    while sid and sid in styles and sid not in seen:
        seen.add(sid)
        value = getattr(styles[sid], attr)
        if value is not None:
            return value
        sid = styles[sid].based_on
    return None


def _read_numbering(root) -> _Numbering:
    out = _Numbering()
    if root is None:
        return out
    abstract: dict[str, dict[int, _Level]] = {}
    for a in root.iter(f"{_W}abstractNum"):
        levels: dict[int, _Level] = {}
        for lvl in a.iter(f"{_W}lvl"):
            ilvl = int(lvl.get(f"{_W}ilvl") or 0)
            start = _attr(lvl.find(f"{_W}start"))
            levels[ilvl] = _Level(fmt=_attr(lvl.find(f"{_W}numFmt")) or "decimal",
                                  text=_attr(lvl.find(f"{_W}lvlText")) or "",
                                  start=int(start) if start and start.isdigit() else 1)
        abstract[a.get(f"{_W}abstractNumId") or ""] = levels
    for num in root.iter(f"{_W}num"):
        nid = num.get(f"{_W}numId") or ""
        aid = _attr(num.find(f"{_W}abstractNumId")) or ""
        levels = dict(abstract.get(aid, {}))
        for override in num.iter(f"{_W}lvlOverride"):
            ilvl = int(override.get(f"{_W}ilvl") or 0)
            lvl = override.find(f"{_W}lvl")
            if lvl is not None:
                start = _attr(lvl.find(f"{_W}start"))
                levels[ilvl] = _Level(fmt=_attr(lvl.find(f"{_W}numFmt")) or "decimal",
                                      text=_attr(lvl.find(f"{_W}lvlText")) or "",
                                      start=int(start) if start and start.isdigit() else 1)
        out.levels[nid] = levels
        out.abstract_of[nid] = aid
    return out


def _format(fmt: str, n: int) -> str:
    if fmt.startswith(("chineseCounting", "ideograph", "taiwaneseCounting", "japaneseCounting")):
        return chinese_numeral(n) if 0 < n < 100_000 else str(n)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "decimalEnclosedCircle" and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class _Counters:
    """Word's list counters: one set per abstract list."""

    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.counts: dict[str, list[int]] = {}

    def is_bullet(self, nid: str, ilvl: int) -> bool:
        level = self.numbering.levels.get(nid, {}).get(max(0, min(ilvl, 8)))
        return level is not None and level.fmt == "bullet"

    def label(self, nid: str, ilvl: int) -> str:
        levels = self.numbering.levels.get(nid)
        if not levels:
            return ""
        key = self.numbering.abstract_of.get(nid, nid)
        counts = self.counts.setdefault(key, [0] * 9)
        ilvl = max(0, min(ilvl, 8))
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        level = levels.get(ilvl, _Level())
        counts[ilvl] = (counts[ilvl] or level.start - 1) + 1
        text = level.text
        for k in range(9):
            if f"%{k + 1}" in text:
                lv = levels.get(k, _Level())
                text = text.replace(f"%{k + 1}", _format(lv.fmt, counts[k] or lv.start))
        return "" if level.fmt == "bullet" else text


def _run_signature(r, styles: dict[str, _Style]) -> tuple:
    rpr = r.find(f"{_W}rPr")
    if rpr is None:
        return (None, None, None)
    rstyle = _attr(rpr.find(f"{_W}rStyle"))
    bold = _bold(rpr)
    if bold is None and rstyle:
        bold = _inherited(styles, rstyle, "bold")
    font = _font(rpr) or (_inherited(styles, rstyle, "font") if rstyle else None)
    return (rstyle, bool(bold), font)


def _walk_runs(el, out: list, boxes: list):
    """Runs of a paragraph in order, skipping deleted text and fallbacks; text boxes aside."""
    for child in el:
        tag = child.tag
        if tag == f"{_W}txbxContent":
            boxes.append(child)
            continue
        if tag in _SKIP:
            continue
        if tag == f"{_W}r":
            out.append(child)
            _walk_runs(child, out, boxes)  # drawings in runs may hold text boxes
        elif tag != f"{_W}p":
            _walk_runs(child, out, boxes)


def _run_text(r) -> tuple[str, bool]:
    parts: list[str] = []
    page = False
    for child in r:
        tag = child.tag
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            if _attr(child, "type") == "page":
                page = True
            else:
                parts.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
    return "".join(parts), page


class _Reader:
    def __init__(self, styles: dict[str, _Style], numbering: _Numbering,
                 images: dict[str, str] | None = None):
        self.images = images or {}
        self.styles = styles
        self.counters = _Counters(numbering)
        self.blocks: list[Block] = []
        self.count = 0

    def body(self, el) -> None:
        for child in el:
            if child.tag == f"{_W}p":
                self.paragraph(child)
            elif child.tag == f"{_W}tbl":
                self.table(child)
            elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
                self.body(child)

    def paragraph(self, p) -> None:
        self.count += 1
        ppr = p.find(f"{_W}pPr")
        sid = _attr(ppr.find(f"{_W}pStyle")) if ppr is not None else None
        sid = sid or ("Normal" if "Normal" in self.styles else None)
        style = self.styles.get(sid or "", _Style(name=sid or ""))
        align = _attr(ppr.find(f"{_W}jc")) if ppr is not None else None
        align = align or _inherited(self.styles, sid, "align")
        outline = None
        num = None
        page = False
        if ppr is not None:
            lvl = _attr(ppr.find(f"{_W}outlineLvl"))
            outline = int(lvl) if lvl and lvl.isdigit() else None
            numpr = ppr.find(f"{_W}numPr")
            if numpr is not None:
                nid = _attr(numpr.find(f"{_W}numId"))
                ilvl = _attr(numpr.find(f"{_W}ilvl"))
                if nid == "0":
                    num = ("0", 0)
                elif nid:
                    num = (nid, int(ilvl) if ilvl and ilvl.isdigit() else 0)
                elif ilvl is not None:
                    base = _inherited(self.styles, sid, "num")
                    num = (base[0], int(ilvl)) if base else None
            page = ppr.find(f"{_W}pageBreakBefore") is not None
        if outline is None:
            outline = _inherited(self.styles, sid, "outline")
            name = style.name.lower()
            if outline is None and name.startswith(("heading ", "标题 ")) and name[-1].isdigit():
                outline = int(name[-1]) - 1
        if num is None:
            num = _inherited(self.styles, sid, "num")
        runs: list = []
        boxes: list = []
        _walk_runs(p, runs, boxes)
        pieces: list[tuple[str, tuple]] = []
        for r in runs:
            text, broke = _run_text(r)
            page = page or (broke and not pieces)
            if text:
                pieces.append((text, _run_signature(r, self.styles)))
        text = "".join(t for t, _ in pieces)
        pictures = [self.images[rid] for el in p.iter(A_BLIP, V_IMAGE)
                    if (rid := el.get(f"{{{R}}}embed") or el.get(f"{{{R}}}id")) in self.images]
        notes: list[str] = []
        instr = " ".join((t.text or "").strip() for t in p.iter(f"{_W}instrText")).strip()
        simple = [el.get(f"{_W}instr") or "" for el in p.iter(f"{_W}fldSimple")]
        fields = [f.split()[0] for f in [instr, *simple] if f.strip()]
        toc = any(f.upper() == "TOC" for f in fields)
        if fields and not toc:
            notes.append(f"域（{'、'.join(sorted(set(fields)))}）按显示的结果作为文字导入")
        deleted = "".join((t.text or "") for t in p.iter(f"{_W}delText"))
        if deleted.strip():
            notes.append(f"修订中删除的文字 “{deleted[:20]}” 未导入（插入的文字已导入）")
        if p.find(f".//{_W}commentReference") is not None or \
                p.find(f".//{_W}commentRangeStart") is not None:
            notes.append("批注未导入")
        if p.find(f".//{_W}footnoteReference") is not None:
            notes.append("脚注未导入")
        auto_level = auto_label = None
        if num and num[0] != "0" and text.strip():
            auto_label = self.counters.label(num[0], num[1])
            auto_level = num[1] if auto_label else None
            if not auto_label and self.counters.is_bullet(num[0], num[1]):
                notes.append("项目符号未导入（作为普通段落）")
        self.blocks.append(Para(
            text=text.replace("\n", "").strip(),
            index=self.count, style=style.name, align=align, outline=outline,
            auto_level=auto_level, auto_label=auto_label or "", lead=_lead(pieces),
            lines=tuple(x.strip() for x in text.split("\n") if x.strip()),
            tabs=tuple(x.strip() for x in text.replace("\n", "").split("\t") if x.strip()),
            page_break=page, images=tuple(pictures), notes=tuple(notes), toc=toc))
        for box in boxes:
            self.body(box)

    def table(self, tbl) -> None:
        rows: list[list[str]] = []
        cell_paras: list[list[list[str]]] = []
        for tr in tbl.iter(f"{_W}tr"):
            if tr.getparent() is not tbl and tr.getparent().tag != f"{_W}tbl":
                continue
            row: list[str] = []
            row_paras: list[list[str]] = []
            for tc in tr.findall(f"{_W}tc"):
                inner = _Reader(self.styles, _Numbering())
                inner.body(tc)
                paras = [b.text for b in inner.blocks if isinstance(b, Para)]
                row_paras.append(paras)
                row.append("\n".join(x for x in paras if x))
            rows.append(row)
            cell_paras.append(row_paras)
        self.blocks.append(TableBlock(rows=rows, index=self.count, cell_paras=cell_paras))


def _lead(pieces: list[tuple[str, tuple]]) -> str:
    """The leading text formatted unlike the paragraph's last run, if a heading-like difference."""
    filled = [(t, s) for t, s in pieces if t.strip()]
    if len(filled) < 2:
        return ""
    base = filled[-1][1]
    lead: list[str] = []
    for text, sig in pieces:
        if sig == base and text.strip():
            break
        lead.append(text)
    else:
        return ""
    head = "".join(lead)
    if not head.strip():
        return ""
    first = next(s for t, s in pieces if t.strip())
    if first[0] is None and first[1] == base[1] and first[2] == base[2]:
        return ""
    return head.strip()


def read_docx(data: bytes, name: str = "") -> list[Block]:
    """The paragraphs and tables of a .docx, in order."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        doc = _xml(z, "word/document.xml")
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, RuntimeError) as exc:
        raise DataError(f"无法读取这个 .docx 文件（{type(exc).__name__}）。",
                        location=Location(file=name),
                        fix="用 Word 或 WPS 打开它另存为 .docx 后再导入；加密的文件请先取消密码。") from None
    if doc is None:
        raise DataError("这个文件不是 Word 文档（缺少 word/document.xml）。", location=Location(file=name),
                        fix="导入 .docx、.doc、.wps 或纯文本（.txt）文件。")
    try:
        styles = _read_styles(_xml(z, "word/styles.xml"))
        numbering = _read_numbering(_xml(z, "word/numbering.xml"))
    except etree.XMLSyntaxError:
        styles, numbering = {}, _Numbering()
    reader = _Reader(styles, numbering, _image_targets(_xml(z, "word/_rels/document.xml.rels")))
    body = doc.find(f"{_W}body")
    if body is not None:
        reader.body(body)
    return reader.blocks


def _image_targets(rels) -> dict[str, str]:
    """Relationship id → zip part name, for the pictures of the main document."""
    out: dict[str, str] = {}
    if rels is None:
        return out
    for rel in rels:
        target = rel.get("Target") or ""
        if rel.get("Type", "").endswith("/image") and rel.get("TargetMode") != "External":
            name = target.lstrip("/") if target.startswith("/") else f"word/{target}"
            out[rel.get("Id") or ""] = name
    return out


def picture(data: bytes, name: str) -> bytes | None:
    """The bytes of a picture part of the .docx, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read(name)
    except (KeyError, zipfile.BadZipFile):
        return None
