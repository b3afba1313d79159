"""Read a .docx into the small typed model the layout engine needs.

Takes the path of a .docx (a zip of WordprocessingML parts) and returns a
:class:`DocxDocument`: sections (page size, margins, document grid, page
number format, header/footer blocks) each holding body blocks — paragraphs
made of inline items (text, tabs, breaks, PAGE fields, images) with fully
resolved :class:`~docgen.pdf.styles.ParaProps` / ``RunProps`` — and tables.
Everything met but not supported becomes a :class:`DocgenWarning` naming the
element and the paragraph where it sits.  Unreadable files raise
:class:`~docgen.errors.TemplateError` / ``UnsafeInputError``.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lxml import etree

from docgen.errors import DocgenWarning, Location, TemplateError, UnsafeInputError
from docgen.pdf.linebreak import CJK_RUNS
from docgen.pdf.memo import Hashed, Memo, recurring
from docgen.pdf.styles import (
    Border,
    ParaProps,
    RunProps,
    StyleSheet,
    W,
    local_name,
    parse_borders,
    parse_ppr,
    parse_rpr,
    split_tag,
    w,
    wattr,
)
from docgen.pdf.symbols import is_symbol_font, to_unicode
from docgen.safety import check_docx_archive, check_image, parse_xml

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
EMU_PER_PT = 12700

MAX_PART_BYTES = 50 * 1024 * 1024  # uncompressed, per XML part or image
MAX_TOTAL_BYTES = 200 * 1024 * 1024


# ---------------------------------------------------------------- model

@dataclass
class Text:
    """A run of text with its properties."""

    text: str
    rp: RunProps


@dataclass
class Tab:
    """A tab character (w:tab) in a run."""

    rp: RunProps


@dataclass
class Break:
    """A line, page or column break (w:br) in a run."""

    kind: str  # "line", "page", "column"
    rp: RunProps


@dataclass
class Field:
    """A page number field (PAGE, NUMPAGES, SECTIONPAGES) and its number format."""

    code: str  # PAGE, NUMPAGES, SECTIONPAGES
    rp: RunProps
    fmt: str = "decimal"


@dataclass
class Anchor:
    """Where a floating picture sits (wp:anchor): position, wrapping, behind the text or not."""

    h_rel: str = "column"
    h_align: str | None = None
    h_offset: float = 0.0
    v_rel: str = "paragraph"
    v_align: str | None = None
    v_offset: float = 0.0
    behind: bool = False
    wrap: str = "none"


@dataclass
class Image:
    """A picture, inline or anchored: its bytes, size in points and part name."""

    data: bytes
    width: float
    height: float
    rp: RunProps
    anchor: Anchor | None = None
    name: str = ""


Inline = Text | Tab | Break | Field | Image


@dataclass
class Paragraph:
    """One paragraph: resolved properties, inline items and where it is (for messages)."""

    props: ParaProps
    items: list[Inline]
    where: str
    sect_break: bool = False  # last paragraph of a section (carries w:sectPr)
    # (props, items) as layout keys its composition, hashed once (memo.Hashed); set when
    # the paragraph went through the memo of paragraphs read, else None
    content: Hashed | None = field(default=None, compare=False, repr=False)


@dataclass
class Cell:
    """One table cell: its blocks, span and merge, borders, alignment, shading and margins."""

    blocks: list[Block]
    span: int = 1
    vmerge: str | None = None  # "restart", "continue" or None
    borders: dict[str, Border | None] = field(default_factory=dict)
    valign: str = "top"
    shading: str | None = None
    margins: dict[str, float] = field(default_factory=dict)


@dataclass
class Row:
    """One table row: its cells, height and whether it repeats as a header."""

    cells: list[Cell]
    height: float = 0.0
    height_rule: str = "atLeast"
    header: bool = False


@dataclass
class Table:
    """A table: column grid, rows, borders, alignment and cell margins."""

    grid: list[float]
    rows: list[Row]
    borders: dict[str, Border | None]
    align: str = "left"
    indent: float = 0.0
    margins: dict[str, float] = field(default_factory=dict)
    where: str = ""


Block = Paragraph | Table


@dataclass
class Section:
    """One section: page size, margins, document grid, page numbers, headers, footers, blocks."""

    page_w: float = 595.3
    page_h: float = 841.9
    top: float = 72.0
    right: float = 90.0
    bottom: float = 72.0
    left: float = 90.0
    header: float = 42.55
    footer: float = 49.6
    grid_type: str | None = None
    line_pitch: float | None = None
    title_pg: bool = False
    pg_fmt: str = "decimal"
    pg_start: int | None = None
    start_type: str = "nextPage"
    headers: dict[str, list[Block]] = field(default_factory=dict)
    footers: dict[str, list[Block]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    @property
    def grid_pitch(self) -> float | None:
        """Line pitch of the section's line grid (points), or None without one."""
        if self.grid_type in ("lines", "linesAndChars", "snapToChars") and self.line_pitch:
            return self.line_pitch
        return None

    def text_area(self, top: float | None = None) -> tuple[float, float]:
        """(top, bottom) of the text area below ``top`` (default: the top margin).

        With a line grid the area holds a whole number of grid lines, centred in the
        space between ``top`` and the bottom margin (LibreOffice 7.4: 22 lines of 579
        twips in 12756 twips start 9 twips below the top margin; below a first-page
        header that reaches past the margin, the slack is centred the same way).
        """
        top = self.top if top is None else top
        bottom = self.page_h - self.bottom
        pitch = self.grid_pitch
        if not pitch or bottom - top < pitch:
            return top, bottom
        pitch_tw, height_tw = round(pitch * 20), round((bottom - top) * 20)  # as Word counts
        slack = (height_tw % pitch_tw) / 20
        return top + slack / 2, bottom - slack / 2

    @property
    def body_top(self) -> float:
        """Top of the text area under the top margin (see :meth:`text_area`)."""
        return self.text_area()[0]

    @property
    def body_bottom(self) -> float:
        """Bottom of the text area (see :meth:`text_area`)."""
        return self.text_area()[1]


@dataclass
class DocxDocument:
    """A .docx read for layout: its sections, settings, metadata and the warnings met."""

    sections: list[Section]
    even_odd: bool = False
    default_tab: float = 21.0
    title: str | None = None
    source: str = ""
    warnings: list[DocgenWarning] = field(default_factory=list)
    languages: tuple[str, ...] = ()  # w:lang of the text, most characters first (dc:language)
    recurring: bool = False  # read before in this process: layout and drawing memoise it too


# ---------------------------------------------------------------- XML + zip

class _Package:
    """The zip, with size limits and a hardened XML parser."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        if not path.is_file():
            raise TemplateError(f"找不到文件 {path}", location=Location(file=str(path)),
                                fix="检查文件名和路径是否正确。")
        _refuse_ole(path)
        check_docx_archive(path)
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise UnsafeInputError(
                "文件不是有效的 Word 文档（.docx 应为 zip 压缩包）",
                location=Location(file=str(path)),
                fix="用 Word 或 WPS 打开后另存为 .docx 格式再试。") from exc
        total = sum(i.file_size for i in self.zip.infolist())
        if total > MAX_TOTAL_BYTES:
            raise UnsafeInputError(
                f"文件解压后过大（{total // 1048576} MB）", location=Location(file=str(path)),
                fix="检查文件是否损坏，或删除其中过大的图片后再试。")
        self.names = {i.filename for i in self.zip.infolist()}
        self.strict = False  # ISO/IEC 29500 Strict namespaces met (read as Transitional)

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise UnsafeInputError(f"文档部件 {name} 过大", location=Location(file=str(self.path)),
                                   fix="删除文档中过大的图片或内容后再试。")
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise UnsafeInputError(f"无法读取文档部件 {name}：文件已损坏",
                                   location=Location(file=str(self.path)),
                                   fix="用 Word 或 WPS 打开后重新保存再试。") from exc

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        if data is None:
            return None
        return self.parse(data, name)

    def parse(self, data: bytes, name: str) -> etree._Element:
        if _STRICT_MARK in data:
            self.strict = True
            for strict, transitional in _STRICT_NAMESPACES:
                data = data.replace(strict, transitional)
        return parse_xml(data, where=f"{self.path}:{name}")

    def rels(self, part: str) -> dict[str, str]:
        """Relationship id → target part name for ``part``."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, str] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{REL}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            full = target.lstrip("/") if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id") or ""] = full
        return out


_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_STRICT_MARK = b"http://purl.oclc.org/ooxml/"
_STRICT_NAMESPACES = tuple((a.encode(), b.encode()) for a, b in (
    ("http://purl.oclc.org/ooxml/wordprocessingml/main",
     "http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    ("http://purl.oclc.org/ooxml/officeDocument/relationships",
     "http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    ("http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
     "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
    ("http://purl.oclc.org/ooxml/drawingml/picture",
     "http://schemas.openxmlformats.org/drawingml/2006/picture"),
    ("http://purl.oclc.org/ooxml/drawingml/main",
     "http://schemas.openxmlformats.org/drawingml/2006/main"),
    ("http://purl.oclc.org/ooxml/officeDocument/math",
     "http://schemas.openxmlformats.org/officeDocument/2006/math"),
))


def _refuse_ole(path: Path) -> None:
    """An OLE compound file is an encrypted .docx or an old .doc: say which, in Chinese."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            if head != _OLE_MAGIC:
                return
            data = fh.read(4 * 1024 * 1024)
    except OSError:
        return  # check_docx_archive reports unreadable files
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise TemplateError("文件有密码保护（已加密），无法读取", location=Location(file=str(path)),
                            fix="在 Word 中打开文件，在“文件—信息—保护文档—用密码进行加密”中删除密码"
                                "（WPS：“文件—文档加密”），另存为 .docx 后再试。")
    raise TemplateError("这是旧版 Word 文档（.doc 格式），只是扩展名为 .docx",
                        location=Location(file=str(path)),
                        fix="用 Word 或 WPS 打开后另存为“Word 文档（*.docx）”再试。")


# ---------------------------------------------------------------- warnings

class _Warner:
    """Collects unsupported things, one warning per message with its first places and a count
    of the places (three italic runs in one paragraph are one place, not ``等 3 处``)."""

    def __init__(self, file: str):
        self.file = file
        self.seen: dict[str, tuple[dict[str, None], str | None]] = {}
        self.added = 0  # calls of add (a paragraph that warned is not memoised)

    def add(self, message: str, where: str, fix: str | None = None) -> None:
        self.added += 1
        if message in self.seen:
            self.seen[message][0].setdefault(where)
        else:
            self.seen[message] = ({where: None}, fix)

    def result(self) -> list[DocgenWarning]:
        out = []
        for message, (places, fix) in self.seen.items():
            count = len(places)
            path = "、".join(list(places)[:3]) + (f" 等 {count} 处" if count > 1 else "")
            out.append(DocgenWarning(message, Location(file=self.file, path=path), fix))
        return out


# the option is --engine for ``docgen pdf`` and --pdf-engine for ``docgen build``: name both
_LO = "LibreOffice 引擎（docgen pdf --engine libreoffice，docgen build --pdf-engine libreoffice）"
_UNSUPPORTED_FIX = f"PDF 中此项按近似方式处理；如需完全一致，请用{_LO}生成。"

# Revision marks: the final text is drawn (insertions kept, deletions dropped).
_REVISIONS = {"ins", "del", "moveFrom", "moveTo"}
# Strong right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo and their presentation forms).
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_SYMBOL_CODES = re.compile("[\uf020-\uf0ff]+")  # symbol-font bytes moved to the private-use area

# Elements that carry nothing visible for our purposes.
_QUIET_INLINE = {
    "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd", "commentRangeStart",
    "commentRangeEnd", "commentReference", "lastRenderedPageBreak", "softHyphen",
    "annotationRef", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
    "moveToRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd", "pPr", "rPr",
    "del", "moveFrom", "delText", "delInstrText", "noBreakHyphen", "separator",
    "continuationSeparator",
}


# ---------------------------------------------------------------- style sheets

_SHEETS: dict[tuple[bytes | None, bytes | None], StyleSheet] = {}
_SHEETS_MAX = 8

# Paragraphs read in this process (body, table cells, headers, footers): (a digest of the w:p XML,
# the style sheet, the table style around it) -> (the sheet, its properties, its items, the letters it
# counted per language, the styles it checked).  Reading is a pure function of these; the
# entry keeps the sheet alive, so the key's sheet is that one.  A paragraph that warned or
# that depends on more (pictures, text boxes, notes) is not kept: it is read every time.
# Rebuilding a document after an edit reads only the paragraphs that changed.
# Keys are BLAKE2b digests (128 bits, as content-addressed caches use), so a kept key costs
# 16 bytes whatever the paragraph's size; paragraphs over MEMO_MAX_XML are not kept.
_PARAGRAPHS = Memo(20_000)
MEMO_MAX_XML = 16 * 1024  # a 公文 paragraph serialises to ~2.5 KB (with Word's namespaces)
# a digest of document.xml -> the digests of its main-document paragraphs in reading order
# (the _PARAGRAPHS keys): an unchanged document is not serialised paragraph by paragraph again
_BODY_KEYS = Memo(8)

_W_P, _W_TBL, _W_SDT = w("p"), w("tbl"), w("sdt")
_PPR_SECTPR = f"{w('pPr')}/{w('sectPr')}"


def _digest(data: bytes, limit: int | None = None) -> bytes | None:
    """128-bit BLAKE2b of ``data`` (None when it is longer than ``limit``)."""
    if limit is not None and len(data) > limit:
        return None
    return hashlib.blake2b(data, digest_size=16).digest()


def _style_sheet(styles_xml: bytes | None, theme_xml: bytes | None, parse) -> StyleSheet:
    """The style sheet of these styles.xml and theme bytes, parsed once per process.

    Every document built from one template carries the same styles.xml (378 KB for
    ours, ~14 ms to parse and resolve), so a build reuses the sheet of the previous
    one.  A sheet is read-only once made (its own caches hold derived values only),
    so documents can share it.
    """
    key = (styles_xml, theme_xml)
    sheet = _SHEETS.get(key)
    if sheet is None:
        sheet = StyleSheet.from_xml(styles_xml, theme_xml, parse)
        if len(_SHEETS) >= _SHEETS_MAX:
            del _SHEETS[next(iter(_SHEETS))]
        _SHEETS[key] = sheet
    return sheet


def content_key(props: ParaProps, items: list[Inline]) -> tuple:
    """What a paragraph's composition depends on of the paragraph itself (layout adds the
    width and the context): its properties and every item's type and fields."""
    return (props, tuple((type(it), *it.__dict__.values()) for it in items))


# ---------------------------------------------------------------- reader

class _Reader:
    def __init__(self, pkg: _Package):
        self.pkg = pkg
        self.warn = _Warner(pkg.name)
        body_xml = pkg.read("word/document.xml")
        root = pkg.parse(body_xml, "word/document.xml") if body_xml is not None else None
        if root is None:
            raise TemplateError("文件中没有 word/document.xml，不是 Word 文档",
                                location=Location(file=str(pkg.path)),
                                fix="用 Word 或 WPS 打开后另存为 .docx 格式再试。")
        self.root = root
        self.doc_rels = pkg.rels("word/document.xml")
        theme_name = next((t for t in self.doc_rels.values() if "theme" in t), "word/theme/theme1.xml")
        self.styles = _style_sheet(pkg.read("word/styles.xml"), pkg.read(theme_name),
                                   lambda b: pkg.parse(b, "styles.xml"))
        self.n_para = 0
        self.n_table = 0
        self._boxed: list[Paragraph] | None = None  # set while reading a header or footer paragraph
        self._notes: dict[str, list[tuple[str, str]]] = {}  # footnote/endnote -> (id, mark)
        self._table_style: str | None = None  # of the table whose cells are being read
        self.lang_chars: dict[str, int] = {}
        self._style_warned: set[str] = set()
        self._styles_checked: list[tuple[str | None, str]] | None = None  # while memoising
        self._touched = 0  # reads that depend on more than the paragraph (pictures, notes)
        self.recurring = recurring(pkg.path.name)  # memoise paragraphs (memo.recurring)
        # the memo keys of the paragraphs, in order, when this very document.xml was read
        # before (its paragraphs serialise to the same keys); else they are collected
        self._body_digest: bytes | None = None
        self._keys: tuple[bytes | None, ...] | None = None
        self._new_keys: list[bytes | None] | None = None
        if self.recurring:
            self._body_digest = _digest(body_xml)
            self._keys = _BODY_KEYS.get(self._body_digest)
            if self._keys is None:
                self._new_keys = []
        self._nth = 0  # main-document paragraphs read so far (the index into _keys)

    # -- document ---------------------------------------------------------
    def read(self) -> DocxDocument:
        settings = self.pkg.xml("word/settings.xml")
        even_odd = False
        default_tab = 21.0
        if settings is not None:
            eo = settings.find(w("evenAndOddHeaders"))
            even_odd = eo is not None and (wattr(eo, "val") or "1") not in ("0", "false")
            dt = settings.find(w("defaultTabStop"))
            if dt is not None and wattr(dt, "val"):
                default_tab = _points(wattr(dt, "val"), 21.0) if _points(wattr(dt, "val"), 0.0) > 0 else 21.0
        bodies = self.root.findall(w("body"))
        body = bodies[0] if bodies else None
        if body is None:
            raise TemplateError("文档没有正文（w:body）", location=Location(file=str(self.pkg.path)),
                                fix="用 Word 或 WPS 打开后重新保存再试。")
        if len(bodies) > 1:
            self.warn.add(f"文档中有 {len(bodies)} 个正文（w:body，不合规范），依次全部排版",
                          "word/document.xml", "用 Word 或 WPS 打开后重新保存，确认内容无误。")
        background = self.root.find(w("background"))
        if background is not None and (wattr(background, "color") or "auto").upper() not in (
                "AUTO", "FFFFFF"):
            self.warn.add(f"页面背景色（#{wattr(background, 'color')}）未支持，PDF 为白色页面",
                          "word/document.xml", f"归档用 PDF 一般不需要背景色；如需要，请用{_LO}。")
        if self.pkg.strict:
            self.warn.add("文档为 ISO/IEC 29500 Strict 格式，按通常的（Transitional）格式读取，"
                          "个别格式可能有出入", "word/document.xml",
                          "在 Word 中另存为“Word 文档（*.docx）”（不选“Strict Open XML 文档”）。")
        sections: list[Section] = []
        blocks: list[Block] = []
        for el in self._bodies_children(bodies):
            if el is None:  # the end of one of several bodies: it ends a section (LibreOffice)
                if blocks:
                    sections.append(self._section(None, blocks))
                    blocks = []
                continue
            tag = "p" if el.tag == _W_P else etree.QName(el).localname
            if tag == "p":
                # body text boxes float: drawing them in the flow would move every page
                # after them (LibreOffice and Word do not), so they stay a warning
                para = self._paragraph(el, self.doc_rels, "正文")
                blocks.append(para)
                sect = el.find(_PPR_SECTPR)
                if sect is not None:
                    para.sect_break = True
                    sections.append(self._section(sect, blocks))
                    blocks = []
            elif tag == "tbl":
                blocks.append(self._table(el, self.doc_rels, "正文"))
            elif tag == "sectPr":
                sections.append(self._section(el, blocks))
                blocks = []
            else:
                self.warn.add(f"不支持的正文元素 w:{tag}，已跳过", f"正文第{self.n_para + 1}段附近",
                              _UNSUPPORTED_FIX)
        if blocks or not sections:
            sections.append(self._section(None, blocks))
        footnotes, endnotes = self._notes_blocks("footnote"), self._notes_blocks("endnote")
        sections[-1].blocks.extend(footnotes)  # after the text (not at each page's foot)
        if endnotes:  # on pages of their own, as LibreOffice sets endnotes
            sections.append(replace(sections[-1], blocks=endnotes, headers={}, footers={},
                                    start_type="nextPage", pg_start=None))
        if self._new_keys is not None:
            _BODY_KEYS.put(self._body_digest, tuple(self._new_keys))
        return DocxDocument(sections, even_odd, default_tab, self._title(),
                            str(self.pkg.path), self.warn.result(), self.languages(),
                            self.recurring)

    def _note_mark(self, kind: str, note_id: str) -> str:
        """The mark of a note reference: footnotes 1, 2, 3…; endnotes i, ii, iii… (Word's)."""
        self._touched += 1  # the paragraph depends on the notes read before it: not memoised
        refs = self._notes.setdefault(kind, [])
        for nid, known in refs:
            if nid == note_id:
                return known
        n = len(refs) + 1
        mark = str(n) if kind == "footnote" else _roman(n).lower()
        refs.append((note_id, mark))
        return mark

    def _notes_blocks(self, kind: str) -> list[Block]:
        """The paragraphs of every referenced footnote (or endnote), each led by its mark."""
        out: list[Block] = []
        refs = self._notes.get(kind)
        root = self.pkg.xml(f"word/{kind}s.xml") if refs else None
        if root is None:
            return out
        rels = self.pkg.rels(f"word/{kind}s.xml")
        by_id = {wattr(n, "id"): n for n in root.iter(w(kind))}
        label = "脚注" if kind == "footnote" else "尾注"
        for note_id, mark in refs:
            note = by_id.get(note_id)
            if note is None:
                continue
            self._current_note = mark
            for el in self._block_children(note):
                if etree.QName(el).localname == "p":
                    out.append(self._paragraph(el, rels, f"{label} {mark}", count=False))
            self._current_note = None
        return out

    def _bodies_children(self, bodies: list) -> Iterator[etree._Element | None]:
        """Block children of each body in turn, None between two bodies."""
        for i, body in enumerate(bodies):
            if i:
                yield None
            yield from self._block_children(body)

    def _title(self) -> str | None:
        core = self.pkg.xml("docProps/core.xml")
        if core is None:
            return None
        t = core.find(f"{{{DC}}}title")
        return t.text.strip() if t is not None and t.text and t.text.strip() else None

    def _block_children(self, parent: etree._Element) -> Iterator[etree._Element]:
        """Block-level children, looking through content controls and custom XML."""
        for el in parent:
            if el.tag == _W_P or el.tag == _W_TBL:  # most children
                yield el
                continue
            if not isinstance(el.tag, str):
                continue
            tag = etree.QName(el).localname
            if el.tag == _W_SDT:
                content = el.find(w("sdtContent"))
                if content is not None:
                    yield from self._block_children(content)
            elif tag == "customXml":
                yield from self._block_children(el)
            elif tag in ("bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd",
                         "commentRangeStart", "commentRangeEnd", "tblPr", "tcPr"):
                continue
            else:
                yield el

    # -- sections ---------------------------------------------------------
    def _section(self, sect: etree._Element | None, blocks: list[Block]) -> Section:
        s = Section(blocks=blocks)
        if sect is None:
            return s
        where = "节属性（w:sectPr）"
        pg = sect.find(w("pgSz"))
        if pg is not None:
            width = _measure(wattr(pg, "w")) if wattr(pg, "w") is not None else s.page_w
            height = _measure(wattr(pg, "h")) if wattr(pg, "h") is not None else s.page_h
            if (width is None or height is None
                    or not (MIN_PAGE <= width <= MAX_PAGE and MIN_PAGE <= height <= MAX_PAGE)):
                self.warn.add(f"页面尺寸异常（{wattr(pg, 'w')} × {wattr(pg, 'h')} 缇），按 A4 排版",
                              where, "在 Word“布局—纸张大小”中选择 A4 后保存。")
            else:
                s.page_w, s.page_h = width, height
        mar = sect.find(w("pgMar"))
        if mar is not None:
            for name in ("top", "right", "bottom", "left", "header", "footer"):
                val = wattr(mar, name)
                if val is not None:
                    setattr(s, name, abs(_points(val, getattr(s, name))))
            s.left += max(_points(wattr(mar, "gutter"), 0.0), 0.0)
            if s.left + s.right > s.page_w - MIN_TEXT or s.top + s.bottom > s.page_h - MIN_TEXT:
                self.warn.add("页边距大于页面，按默认页边距排版", where,
                              "在 Word“布局—页边距”中改正页边距后保存。")
                s.top, s.bottom, s.left, s.right = 72.0, 72.0, 90.0, 90.0
        grid = sect.find(w("docGrid"))
        if grid is not None:
            s.grid_type = wattr(grid, "type") or "default"
            if wattr(grid, "linePitch"):
                pitch = _points(wattr(grid, "linePitch"), 0.0)
                s.line_pitch = pitch if 1.0 <= pitch <= s.page_h / 2 else None
            if s.grid_type in ("linesAndChars", "snapToChars"):
                self.warn.add(f"文档网格类型 {s.grid_type} 的字符网格未支持，按“只指定行网格”处理",
                              "节属性（w:docGrid）",
                              "在 Word“页面设置—文档网格”中选择“只指定行网格”。")
        pn = sect.find(w("pgNumType"))
        if pn is not None:
            s.pg_fmt = wattr(pn, "fmt") or "decimal"
            if wattr(pn, "start"):
                s.pg_start = _int(wattr(pn, "start"), 1, 0, 100000)
        tp = sect.find(w("titlePg"))
        s.title_pg = tp is not None and (wattr(tp, "val") or "1") not in ("0", "false")
        st = sect.find(w("type"))
        if st is not None:
            s.start_type = wattr(st, "val") or "nextPage"
        cols = sect.find(w("cols"))
        if cols is not None and _int(wattr(cols, "num"), 1, 1, 64) > 1:
            self.warn.add("分栏未支持，按单栏排版", "节属性（w:cols）", _UNSUPPORTED_FIX)
        for ref in sect:
            if not isinstance(ref.tag, str):
                continue
            tag = etree.QName(ref).localname
            if tag not in ("headerReference", "footerReference"):
                continue
            kind = wattr(ref, "type") or "default"
            target = self.doc_rels.get(ref.get(f"{{{R}}}id") or "")
            if not target:
                continue
            root = self.pkg.xml(target)
            if root is None:
                continue
            label = "页眉" if tag == "headerReference" else "页脚"
            rels = self.pkg.rels(target)
            part_blocks: list[Block] = []
            for el in self._block_children(root):
                t = etree.QName(el).localname
                where = f"{label} {posixpath.basename(target)}"
                if t == "p":
                    self._boxed = []  # text boxes met in this paragraph (WPS page numbers)
                    part_blocks.append(self._paragraph(el, rels, where, count=False, memo=True))
                    part_blocks.extend(self._boxed)
                    self._boxed = None
                elif t == "tbl":
                    part_blocks.append(self._table(el, rels, where))
            (s.headers if tag == "headerReference" else s.footers)[kind] = part_blocks
        return s

    # -- paragraphs -------------------------------------------------------
    def _paragraph(self, p: etree._Element, rels: dict[str, str], area: str,
                   count: bool = True, memo: bool | None = None) -> Paragraph:
        """A paragraph through the memo of paragraphs read (see :data:`_PARAGRAPHS`): one of
        the main document (``count``: numbered 正文第 N 段, body and table cells) or, with
        ``memo``, a header's or footer's; a note's or text box's paragraph is read afresh,
        and so is every paragraph of a document read for the first time
        (:func:`docgen.pdf.memo.recurring`)."""
        if not (count if memo is None else memo) or not self.recurring:
            return self._read_paragraph(p, rels, area, count)
        if count:  # in document.xml: its digest may be known (_BODY_KEYS)
            nth, keys = self._nth, self._keys
            self._nth += 1
            digest = keys[nth] if keys is not None and nth < len(keys) else _digest(
                etree.tostring(p, with_tail=False), MEMO_MAX_XML)
            if self._new_keys is not None:
                self._new_keys.append(digest)
        else:
            digest = _digest(etree.tostring(p, with_tail=False), MEMO_MAX_XML)
        if digest is None:  # a paragraph too large to keep
            return self._read_paragraph(p, rels, area, count)
        key = (digest, self.styles, self._table_style)
        hit = _PARAGRAPHS.get(key)
        if hit is not None and hit[0] is self.styles:
            _sheet, props, items, langs, checked, content = hit
            where = self._place(area, count)
            for sid, kind in checked:
                self._style_warnings(sid, kind, where)
            counts = self.lang_chars
            for lang, n in langs:
                counts[lang] = counts.get(lang, 0) + n
            return Paragraph(props, list(items), where, content=content)
        warned, touched, outer = self.warn.added, self._touched, self._styles_checked
        langs_before = dict(self.lang_chars)
        self._styles_checked = checked = []
        try:
            para = self._read_paragraph(p, rels, area, count)
        finally:
            self._styles_checked = outer
        if outer is not None:
            outer.extend(checked)
        if self.warn.added == warned and self._touched == touched:
            langs = tuple((lang, n - langs_before.get(lang, 0))
                          for lang, n in self.lang_chars.items() if n != langs_before.get(lang, 0))
            para.content = Hashed(content_key(para.props, para.items))
            _PARAGRAPHS.put(key, (self.styles, para.props, tuple(para.items), langs,
                                  tuple(dict.fromkeys(checked)), para.content))
        return para

    def _place(self, area: str, count: bool) -> str:
        """The next paragraph's place in messages: 正文第 N 段 (``count``), else the area."""
        if count:
            self.n_para += 1
            return f"{area}第{self.n_para}段"
        self.n_para_local = getattr(self, "n_para_local", 0) + 1
        return area

    def _read_paragraph(self, p: etree._Element, rels: dict[str, str], area: str,
                        count: bool) -> Paragraph:
        where = self._place(area, count)
        ppr = p.find(w("pPr"))
        unknown: list[str] = []
        direct = parse_ppr(ppr, unknown)
        sid = None
        mark_direct: dict[str, Any] = {}
        if ppr is not None:
            ps = ppr.find(w("pStyle"))
            sid = wattr(ps, "val") if ps is not None else None
            mark_direct = parse_rpr(ppr.find(w("rPr")), self.styles.theme, [])
        props = self.styles.para_props(sid, direct, mark_direct, self._table_style)
        self._style_warnings(props.style_id, "paragraph", where)
        for tag in unknown:
            self.warn.add(f"段落属性 {tag} 未支持，已忽略", where, _UNSUPPORTED_FIX)
        if props.has_numbering:
            self.warn.add("自动编号（w:numPr）未支持，PDF 中不显示编号", where,
                          "把编号直接写进段落文字（docgen 会自动生成编号）。")
        if props.shading:
            self.warn.add("段落底纹（w:shd）未支持，已忽略", where, _UNSUPPORTED_FIX)
        items: list[Inline] = []
        outer = getattr(self, "_fields", [])  # a text box's paragraph is read inside another
        self._fields: list[dict[str, Any]] = []
        self._inline(p, props, rels, where, items)
        self._fields = outer
        return Paragraph(props, items, where)

    def _style_warnings(self, sid: str | None, kind: str, where: str) -> None:
        if self._styles_checked is not None:
            self._styles_checked.append((sid, kind))
        key = f"{kind}:{sid}"
        if key in self._style_warned:
            return
        self._style_warned.add(key)
        for tag in self.styles.style_unknown(sid, kind):
            self.warn.add(f"样式“{sid}”中的属性 {tag} 未支持，已忽略", where, _UNSUPPORTED_FIX)

    def _inline(self, parent: etree._Element, props: ParaProps, rels: dict[str, str],
                where: str, items: list[Inline]) -> None:
        for el in parent:
            if not isinstance(el.tag, str):
                continue
            ns, tag = split_tag(el.tag)
            if ns == MC and tag == "AlternateContent":
                choice = el.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self._inline(choice, props, rels, where, items)
                continue
            if tag in ("oMath", "oMathPara"):
                self.warn.add("公式（OMML）未支持，PDF 中没有该公式", where,
                              f"把公式转为图片后重新插入，或用{_LO}生成。")
                continue
            if ns != W:
                continue
            if tag in _REVISIONS:
                self.warn.add("文档中有未接受的修订（修订未接受），PDF 按接受全部修订后的文字排版",
                              where, "在 Word/WPS 中“审阅—接受所有修订”后保存，确认最终文字。")
            if tag == "r":
                self._run(el, props, rels, where, items)
            elif tag in ("hyperlink", "smartTag", "ins", "moveTo", "customXml", "dir", "bdo"):
                self._inline(el, props, rels, where, items)
            elif tag == "sdt":
                content = el.find(w("sdtContent"))
                if content is not None:
                    self._inline(content, props, rels, where, items)
            elif tag == "fldSimple":
                code = (wattr(el, "instr") or "").strip().split()
                name = code[0].upper() if code else ""
                if name in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
                    r = el.find(w("r"))
                    rp = self._rp(r, props, where) if r is not None else props.mark
                    items.append(Field(name, rp, _field_format(code)))
                else:
                    if name:
                        self.warn.add(f"域 {name} 未支持，按文档中保存的结果输出", where,
                                      "在 Word 中按 F9 更新域后保存，或删除该域。")
                    self._inline(el, props, rels, where, items)
            elif tag in _QUIET_INLINE:
                continue
            else:
                self.warn.add(f"不支持的段落内容 w:{tag}，已跳过", where, _UNSUPPORTED_FIX)

    def _rp(self, r: etree._Element, props: ParaProps, where: str) -> RunProps:
        rpr = r.find(w("rPr"))
        unknown: list[str] = []
        direct = parse_rpr(rpr, self.styles.theme, unknown)
        cs = None
        if rpr is not None:
            rs = rpr.find(w("rStyle"))
            cs = wattr(rs, "val") if rs is not None else None
        if cs:
            self._style_warnings(cs, "character", where)
        for tag in unknown:
            self.warn.add(f"文字格式 {tag} 未支持，已忽略", where, _UNSUPPORTED_FIX)
        return self.styles.run_props(props.style_id, cs, direct, props.table_style)

    def _run(self, r: etree._Element, props: ParaProps, rels: dict[str, str], where: str,
             items: list[Inline]) -> None:
        rp = self._rp(r, props, where)
        fields = self._fields
        for el in r:
            if not isinstance(el.tag, str):
                continue
            tag = local_name(el)
            if tag == "fldChar":
                kind = wattr(el, "fldCharType")
                if kind == "begin":
                    fields.append({"instr": "", "state": "instr", "rp": rp})
                elif kind == "separate" and fields:
                    f = fields[-1]
                    f["state"] = "result"
                    self._field_start(f, items, where)
                elif kind == "end" and fields:
                    f = fields.pop()
                    if f["state"] == "instr":
                        self._field_start(f, items, where)
                continue
            if fields and fields[-1]["state"] == "instr":
                if tag == "instrText":
                    fields[-1]["instr"] += el.text or ""
                continue
            if fields and fields[-1].get("skip"):
                continue  # the stale cached result of a field we compute
            if tag == "t":
                if el.text:
                    text = el.text
                    if is_symbol_font(rp.font_ascii):
                        text = to_unicode(text, rp.font_ascii)
                    elif is_symbol_font(rp.font_hansi):  # ascii Times, hAnsi Wingdings
                        text = _SYMBOL_CODES.sub(lambda m: to_unicode(m.group(0), rp.font_hansi),
                                                 text)
                    elif _RTL.search(text):
                        self.warn.add("从右向左书写的文字（阿拉伯文、希伯来文等）未支持，"
                                      "PDF 中按从左向右逐字排列、字母不连写", where, _UNSUPPORTED_FIX)
                    self._count_language(text, rp)
                    if rp.italic:
                        # the engine never picks an italic face (fonts.resolve has no italic):
                        # say so, rather than blame the font or suggest adding its italic file
                        self.warn.add("斜体以倾斜的正体字形模拟（内置排版不使用斜体字形）", where,
                                      f"公文正文一般不用斜体；如需真正的斜体字形，用{_LO}生成。")
                    items.extend(_cased(text, rp))
            elif tag in ("tab", "ptab"):
                items.append(Tab(rp))
            elif tag == "br":
                kind = wattr(el, "type") or "textWrapping"
                items.append(Break({"page": "page", "column": "column"}.get(kind, "line"), rp))
            elif tag == "cr":
                items.append(Break("line", rp))
            elif tag == "sym":
                code = wattr(el, "char") or ""
                font = wattr(el, "font") or rp.font_ascii
                try:
                    ch = chr(int(code, 16))
                    if is_symbol_font(font):
                        ch = to_unicode(ch, font)
                    elif 0xF000 <= ord(ch) <= 0xF0FF:
                        ch = chr(ord(ch) - 0xF000)
                    items.append(Text(ch, rp))
                except (ValueError, OverflowError):
                    self.warn.add("无法识别的符号（w:sym），已跳过", where, _UNSUPPORTED_FIX)
            elif tag == "noBreakHyphen":
                items.append(Text("\u2011", rp))
            elif tag == "drawing":
                self._drawing(el, rp, rels, where, items)
            elif tag == "pict":
                if not self._text_box(el, _vml_left(el), None, rels, where):
                    self.warn.add("旧式图形（VML，w:pict）未支持，已跳过", where,
                                  "在 Word 中把图形另存为图片后重新插入。")
            elif tag == "object":
                self.warn.add("嵌入对象（w:object）未支持，已跳过", where,
                              "把对象转为图片后重新插入。")
            elif tag in ("footnoteReference", "endnoteReference"):
                kind = tag[:-9]  # footnote / endnote
                mark = self._note_mark(kind, wattr(el, "id") or "")
                items.append(Text(mark, replace(rp, vert_align="superscript")))
                self.warn.add("脚注排在正文之后、尾注排在文末另起一页（脚注不在页面底部）", where,
                              f"公文一般不用脚注；如需脚注在页面底部，请用{_LO}生成。")
            elif tag in ("footnoteRef", "endnoteRef"):
                self._touched += 1
                note = getattr(self, "_current_note", None)
                if note:
                    items.append(Text(note, replace(rp, vert_align="superscript")))
            elif tag == "AlternateContent":
                choice = el.find(f"{{{MC}}}Choice")
                if choice is not None:
                    for sub in choice:
                        if etree.QName(sub).localname == "drawing":
                            self._drawing(sub, rp, rels, where, items)
            elif tag in _QUIET_INLINE or tag in ("rPr", "instrText"):
                continue
            else:
                self.warn.add(f"不支持的文字内容 w:{tag}，已跳过", where, _UNSUPPORTED_FIX)

    def _count_language(self, text: str, rp: RunProps) -> None:
        """Count the text's letters under the language w:lang gives their script."""
        counts = self.lang_chars
        rest = CJK_RUNS.sub("", text)
        cjk = len(text) - len(rest)
        lang = rp.lang_east_asia
        if cjk and lang and lang.lower() != "x-none":
            counts[lang] = counts.get(lang, 0) + cjk
        for ch in rest:
            if not ch.isalpha():
                continue
            elif _RTL.match(ch):
                lang = rp.lang_bidi
            else:
                lang = rp.lang
            if lang and lang.lower() != "x-none":
                counts[lang] = counts.get(lang, 0) + 1

    def languages(self) -> tuple[str, ...]:
        """Languages of at least 5 % of the letters (or the most used one), most first."""
        total = sum(self.lang_chars.values())
        ranked = sorted(self.lang_chars.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(lang for i, (lang, n) in enumerate(ranked) if i == 0 or n >= 0.05 * total)

    def _field_start(self, f: dict[str, Any], items: list[Inline], where: str) -> None:
        code = f["instr"].strip().split()
        name = code[0].upper() if code else ""
        if name in ("PAGE", "NUMPAGES", "SECTIONPAGES"):
            items.append(Field(name, f["rp"], _field_format(code)))
            f["skip"] = True
        elif name:
            self.warn.add(f"域 {name} 未支持，按文档中保存的结果输出", where,
                          "在 Word 中按 F9 更新域后保存，或删除该域。")

    def _drawing(self, el: etree._Element, rp: RunProps, rels: dict[str, str], where: str,
                 items: list[Inline]) -> None:
        self._touched += 1
        holder = el.find(f"{{{WP}}}inline")
        anchor_el = el.find(f"{{{WP}}}anchor")
        if holder is None:
            holder = anchor_el
        if holder is None:
            return
        extent = holder.find(f"{{{WP}}}extent")
        cx = _emu(extent.get("cx")) if extent is not None else 0.0
        cy = _emu(extent.get("cy")) if extent is not None else 0.0
        if cx < 0 or cy < 0 or max(cx, cy) > MAX_PAGE:
            scale = MAX_PAGE / max(abs(cx), abs(cy), 1e-9)
            cx, cy = abs(cx) * scale, abs(cy) * scale
            self.warn.add("图片尺寸异常（大于 22 英寸或为负数），已按比例缩小", where,
                          "在 Word 中重新设置图片大小后保存。")
        blip = holder.find(f".//{{{A}}}blip")
        if blip is None:
            anchor = _anchor(anchor_el) if holder is anchor_el else None
            left = anchor.h_offset if anchor is not None and anchor.h_align is None else None
            align = anchor.h_align if anchor is not None else None
            if not self._text_box(holder, left, align, rels, where):
                self.warn.add("图形或文本框（非图片的 w:drawing）未支持，已跳过", where,
                              "把图形或文本框转为图片后重新插入。")
            return
        target = rels.get(blip.get(f"{{{R}}}embed") or "")
        data = self.pkg.read(target) if target else None
        if not data:
            self.warn.add("图片数据缺失（链接的外部图片），已跳过", where, "把图片嵌入文档后保存。")
            return
        if target.lower().endswith((".emf", ".wmf", ".svg")):
            self.warn.add(f"图片格式 {posixpath.splitext(target)[1]} 未支持，已跳过", where,
                          "把图片转为 PNG 或 JPEG 后重新插入。")
            return
        # Pixel bombs are refused from the header alone (UnsafeInputError), before
        # reportlab/Pillow decode anything; unreadable images are skipped.
        if check_image(data, f"{self.pkg.path}:{target}（{where}）") is None:
            self.warn.add(f"图片 {posixpath.basename(target)} 无法识别（不是 PNG/JPEG/GIF/BMP 图片或已损坏），已跳过",
                          where, "把图片另存为 PNG 或 JPEG 后重新插入。")
            return
        anchor = None
        if holder is anchor_el:
            anchor = _anchor(anchor_el)
            if anchor.wrap not in ("none",):
                self.warn.add(f"浮动图片的文字环绕方式 {anchor.wrap} 未支持，按“浮于文字上方”处理",
                              where, "在 Word 中把图片的环绕方式设为“浮于文字上方”或“衬于文字下方”。")
        items.append(Image(data, cx, cy, rp, anchor, posixpath.basename(target)))

    def _text_box(self, shape: etree._Element, left: float | None, align: str | None,
                  rels: dict[str, str], where: str) -> bool:
        """A text box in a header or footer: its paragraphs join the part after this one.

        WPS puts the page number of a 公文 in a footer text box.  The box's
        horizontal offset becomes the paragraphs' left indent (or its alignment
        their alignment); vertical position and size are approximated.
        Returns False when this is not such a box (the caller warns).
        """
        self._touched += 1
        boxed = getattr(self, "_boxed", None)
        content = shape.find(f".//{w('txbxContent')}")
        if boxed is None or content is None:
            return False
        for el in self._block_children(content):
            if etree.QName(el).localname != "p":
                continue
            para = self._paragraph(el, rels, where, count=False)
            if align in ("center", "right", "left"):
                para.props = replace(para.props, align=align)
                para.content = None  # its layout key was of the old properties
            elif left is not None and left > 0:
                para.props = replace(para.props, left=left, left_chars=None, first=0.0,
                                     first_chars=None)
                para.content = None
            boxed.append(para)
        self.warn.add("页眉/页脚中的文本框按普通段落排版（位置近似）", where,
                      "如位置不对，把文本框中的内容（如页码）直接写在页眉/页脚段落中。")
        return True

    # -- tables -----------------------------------------------------------
    def _table(self, tbl: etree._Element, rels: dict[str, str], area: str) -> Table:
        self.n_table += 1
        where = f"{area}第{self.n_table}个表格"
        tblpr = tbl.find(w("tblPr"))
        grid = [max(_points(wattr(g, "w"), 0.0), 0.0) for g in tbl.iterfind(f"{w('tblGrid')}/{w('gridCol')}")]
        borders: dict[str, Border | None] = {}
        align = "left"
        indent = 0.0
        margins: dict[str, float] = {"left": 5.4, "right": 5.4, "top": 0.0, "bottom": 0.0}
        ts = tblpr.find(w("tblStyle")) if tblpr is not None else None
        style = self.styles.table_style_id(wattr(ts, "val") if ts is not None else None)
        if tblpr is not None:
            borders.update(self.styles.table_borders(wattr(ts, "val") if ts is not None else None))
            borders.update(parse_borders(tblpr.find(w("tblBorders"))))
            jc = tblpr.find(w("jc"))
            if jc is not None:
                align = {"start": "left", "end": "right"}.get(wattr(jc, "val") or "left",
                                                              wattr(jc, "val") or "left")
            ind = tblpr.find(w("tblInd"))
            if ind is not None and (wattr(ind, "type") or "dxa") == "dxa":
                indent = _points(wattr(ind, "w"), 0.0)
            margins.update(_cell_margins(tblpr.find(w("tblCellMar"))))
            if tblpr.find(w("tblpPr")) is not None:
                self.warn.add("浮动表格（w:tblpPr）未支持，按普通表格排版", where, _UNSUPPORTED_FIX)
        rows: list[Row] = []
        for tr in tbl.iterfind(w("tr")):
            trpr = tr.find(w("trPr"))
            height, rule, header = 0.0, "atLeast", False
            if trpr is not None:
                h = trpr.find(w("trHeight"))
                if h is not None:
                    height = max(_points(wattr(h, "val"), 0.0), 0.0)
                    rule = wattr(h, "hRule") or "atLeast"
                header = trpr.find(w("tblHeader")) is not None
            cells: list[Cell] = []
            for tc in self._block_children(tr):
                if etree.QName(tc).localname != "tc":
                    continue
                tcpr = tc.find(w("tcPr"))
                cell = Cell(blocks=[])
                if tcpr is not None:
                    span = tcpr.find(w("gridSpan"))
                    if span is not None:
                        cell.span = _int(wattr(span, "val"), 1, 1, 64)
                    vm = tcpr.find(w("vMerge"))
                    if vm is not None:
                        cell.vmerge = wattr(vm, "val") or "continue"
                    cell.borders = parse_borders(tcpr.find(w("tcBorders")))
                    va = tcpr.find(w("vAlign"))
                    if va is not None:
                        cell.valign = wattr(va, "val") or "top"
                    shd = tcpr.find(w("shd"))
                    if shd is not None and wattr(shd, "fill") not in (None, "auto"):
                        cell.shading = wattr(shd, "fill")
                    cell.margins = _cell_margins(tcpr.find(w("tcMar")))
                    if tcpr.find(w("textDirection")) is not None:
                        self.warn.add("单元格文字方向未支持，按横排处理", where, _UNSUPPORTED_FIX)
                outer, self._table_style = self._table_style, style
                for el in self._block_children(tc):
                    t = etree.QName(el).localname
                    if t == "p":
                        cell.blocks.append(self._paragraph(el, rels, area))
                    elif t == "tbl":
                        cell.blocks.append(self._table(el, rels, area))
                self._table_style = outer
                cells.append(cell)
            rows.append(Row(cells, height, rule, header))
        if not grid:
            n = max((sum(c.span for c in r.cells) for r in rows), default=1)
            grid = [100.0] * n
        return Table(grid, rows, borders, align, indent, margins, where)


MIN_PAGE = 36.0  # points: half an inch
MAX_PAGE = 1584.0  # points: 22 inches, Word's largest page
MIN_TEXT = 18.0  # points of text area a page must keep between its margins
_UNITS = {"": 1 / 20, "pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pc": 12.0,
          "pi": 12.0}


def _measure(value: str | None) -> float | None:
    """A twips measure (or an ISO Strict one with a unit: 2.5cm, 1in, 12pt) in points.

    None when absent, unreadable, infinite, NaN or beyond a million points.
    """
    if value is None:
        return None
    m = re.fullmatch(r"\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(pt|in|cm|mm|pc|pi)?\s*", value)
    if not m:
        return None
    try:
        v = float(m.group(1)) * _UNITS[m.group(2) or ""]
    except ValueError:
        return None
    return v if math.isfinite(v) and abs(v) < 1e6 else None


def _emu(value: str | None) -> float:
    """An EMU length in points (0 when unreadable; any finite size, clamped by the caller)."""
    try:
        v = float(value or 0) / EMU_PER_PT
    except ValueError:
        return 0.0
    return v if math.isfinite(v) else 0.0


def _points(value: str | None, default: float) -> float:
    """:func:`_measure`, or ``default`` when it gives None."""
    v = _measure(value)
    return default if v is None else v


def _int(value: str | None, default: int, low: int, high: int) -> int:
    """An integer attribute clamped to [low, high]; ``default`` if unreadable."""
    try:
        return min(max(int(value or default), low), high)
    except ValueError:
        return default


def _cell_margins(el: etree._Element | None) -> dict[str, float]:
    out: dict[str, float] = {}
    if el is None:
        return out
    for side in el:
        if isinstance(side.tag, str):
            name = {"start": "left", "end": "right"}.get(etree.QName(side).localname,
                                                           etree.QName(side).localname)
            if (wattr(side, "type") or "dxa") == "dxa":
                out[name] = max(_points(wattr(side, "w"), 0.0), 0.0)
    return out


def _field_format(code: list[str]) -> str:
    text = " ".join(code).upper()
    if "ROMAN" in text:
        return "upperRoman" if "\\* ROMAN" in " ".join(code) else "lowerRoman"
    if "CHINESENUM" in text:
        return "chineseCounting"
    return "decimal"


SMALL_CAPS = 0.8  # size of small capitals, relative to the run (Word and LibreOffice: 80 %)


def _cased(text: str, rp: RunProps) -> list[Text]:
    """``text`` as drawn: w:caps in capitals; w:smallCaps with lower-case letters as
    capitals at :data:`SMALL_CAPS` of the size."""
    if rp.caps:
        return [Text(text.upper(), rp)]
    if not rp.small_caps:
        return [Text(text, rp)]
    small = replace(rp, size=rp.size * SMALL_CAPS, small_caps=False)
    out: list[Text] = []
    for lower, group in itertools.groupby(text, key=str.islower):
        chunk = "".join(group)
        out.append(Text(chunk.upper(), small) if lower else Text(chunk, rp))
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _vml_left(pict: etree._Element) -> float | None:
    """The ``margin-left`` of a VML shape's style, in points (None if absent)."""
    for el in pict.iter():
        m = re.search(r"margin-left:\s*([-0-9.]+)pt", el.get("style") or "")
        if m:
            try:
                return float(m.group(1))
            except ValueError:
                return None
    return None


def _anchor(el: etree._Element) -> Anchor:
    a = Anchor()
    a.behind = (el.get("behindDoc") or "0") in ("1", "true")
    for name in ("wrapNone", "wrapSquare", "wrapTight", "wrapThrough", "wrapTopAndBottom"):
        if el.find(f"{{{WP}}}{name}") is not None:
            a.wrap = name[4:].lower()
            break
    a.h_rel, a.h_align, a.h_offset = _position(el.find(f"{{{WP}}}positionH"), "column", "left")
    a.v_rel, a.v_align, a.v_offset = _position(el.find(f"{{{WP}}}positionV"), "paragraph", "top")
    return a


def _position(pos: etree._Element | None, rel: str,
              align: str) -> tuple[str, str | None, float]:
    """(relativeFrom, align or None, offset in points) of a wp:positionH/V; defaults if absent."""
    if pos is None:
        return rel, None, 0.0
    rel = pos.get("relativeFrom") or rel
    off = pos.find(f"{{{WP}}}posOffset")
    al = pos.find(f"{{{WP}}}align")
    if off is not None and off.text:
        return rel, None, max(min(_emu(off.text), MAX_PAGE), -MAX_PAGE)
    if al is not None:
        return rel, (al.text or align).strip(), 0.0
    return rel, None, 0.0


def read_docx(path: Path) -> DocxDocument:
    """Read ``path`` into a :class:`DocxDocument` (warnings inside it)."""
    pkg = _Package(Path(path))
    try:
        return _Reader(pkg).read()
    finally:
        pkg.zip.close()
