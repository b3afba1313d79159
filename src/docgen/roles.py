"""The one mapping from a template's styles and markers to the 公文 role they play.

Editors rename style IDs (LibreOffice writes ``Style12``, Chinese Word writes
``1``/``a3``, WPS its own), but keep what the user sees: the style's name.
So every role is found here by the style *name* (or one of its ``w:aliases``) — our templates' names
(公文正文, 一级标题, 发文机关署名（加盖印章）…) and the names Word and WPS write
for the built-in styles in English or Chinese ("heading 1", "标题 1") — or by
a marker that survives editors: a bookmark named ``docgen_<role>`` or a
content control whose tag is ``docgen:<role>`` (``<role>`` is a :class:`Role`
value or its Chinese label).  The IDs our generator writes (``GwBody`` …) are
only a last resort for a style whose name says nothing.

API (stable; the PDF frame model imports it):

- :func:`role_of_style_name` — a style name → its :class:`Role` or None;
- :func:`role_of_marker` — a bookmark name or content-control tag → Role or None;
- :func:`style_roles` / :func:`styles_by_role` — for one .docx: which style
  plays which role (:class:`StyleRoles`, with ``id_of(role)`` for code that
  inserts paragraphs of a role and ``role_of_id(style_id)`` for code that reads);
- :func:`paragraph_role` — the role of one ``w:p`` (marker first, then style).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


class Role(StrEnum):
    """What a paragraph, character run or table is in a 公文."""

    # 主体
    BODY = "body"
    TITLE = "title"
    RECIPIENT = "recipient"
    HEADING1 = "heading1"
    HEADING2 = "heading2"
    HEADING3 = "heading3"
    HEADING4 = "heading4"
    HEADING1_CHAR = "heading1_char"
    HEADING2_CHAR = "heading2_char"
    HEADING3_CHAR = "heading3_char"
    HEADING4_CHAR = "heading4_char"
    ATTACH_NOTE = "attach_note"
    ATTACH_NOTE_FIRST = "attach_note_first"
    ATTACH_NOTE_NEXT = "attach_note_next"
    SIGNATURE = "signature"
    SIGNATURE_NEXT = "signature_next"
    DATE = "date"
    SEAL_SIGNATURE = "seal_signature"
    SEAL_DATE = "seal_date"
    JOINT_SEAL_SIGNATURE = "joint_seal_signature"
    SIGNER_TITLE = "signer_title"
    NOTE = "note"
    MINUTES_LIST = "minutes_list"
    LABEL_CHAR = "label_char"
    ATTACH_LABEL = "attach_label"
    ATTACH_TITLE = "attach_title"
    TABLE = "table"
    TABLE_CAPTION = "table_caption"
    BODY_TABLE_HEAD = "body_table_head"
    BODY_TABLE_TEXT = "body_table_text"
    TABLE_HEAD = "table_head"
    TABLE_TEXT = "table_text"
    # 版头
    HEADER_LINE = "header_line"
    SPACER = "spacer"
    ISSUER_MARK = "issuer_mark"
    ISSUER_MARK_MEDIUM = "issuer_mark_medium"
    ISSUER_MARK_SMALL = "issuer_mark_small"
    ISSUER_MARK_TINY = "issuer_mark_tiny"
    ISSUER_MARK_JOINT = "issuer_mark_joint"
    DOC_NUMBER = "doc_number"
    DOC_NUMBER_UP = "doc_number_up"
    DOC_NUMBER_LETTER = "doc_number_letter"
    ORDER_NUMBER = "order_number"
    SIGNER_CHAR = "signer_char"
    RED_LINE = "red_line"
    LETTER_MARK = "letter_mark"
    LETTER_TOP_LINES = "letter_top_lines"
    LETTER_BOTTOM_LINES = "letter_bottom_lines"
    # 版记 and the page
    RECORD_COPY = "record_copy"
    RECORD_PRINT = "record_print"
    TAIL = "tail"
    PAGE_NUMBER = "page_number"


PARAGRAPH, CHARACTER, TABLE = "paragraph", "character", "table"


@dataclass(frozen=True)
class RoleSpec:
    """How a role is recognised and what it is for.

    ``names[0]`` is the name our templates give the style; the rest are the
    aliases Word and WPS write.  ``legacy_id`` is the ID tools/make_templates.py
    writes (a last resort).  ``missing`` says, in Chinese, what the output
    lacks when a template has no style for the role.
    """

    role: Role
    label: str
    names: tuple[str, ...]
    legacy_id: str
    kind: str = PARAGRAPH
    missing: str = ""


def _spec(role: Role, label: str, names: tuple[str, ...] | str, legacy_id: str,
          kind: str = PARAGRAPH, missing: str = "") -> RoleSpec:
    return RoleSpec(role, label, (names,) if isinstance(names, str) else names, legacy_id, kind,
                    missing)


def _heading_names(level: int) -> tuple[str, ...]:
    cn = "一二三四"[level - 1]
    return (f"{cn}级标题", f"heading {level}", f"标题 {level}", f"标题{level}")


SPECS: tuple[RoleSpec, ...] = (
    _spec(Role.BODY, "正文", ("公文正文", "Normal", "正文", "Body Text", "正文文本"), "GwBody",
          missing="正文没有“公文正文”样式，正文段落按文档默认样式排版，字体字号可能不符合 GB/T 9704"),
    _spec(Role.TITLE, "标题", ("公文标题", "Title", "标题"), "GwTitle",
          missing="标题没有“公文标题”样式，标题不会按 2 号小标宋居中排版"),
    _spec(Role.RECIPIENT, "主送机关", "主送机关", "GwRecipient",
          missing="主送机关按正文样式排版（首行缩进两字），不顶格"),
    *(_spec(Role(f"heading{n}"), f"{'一二三四'[n - 1]}级标题", _heading_names(n), f"GwHeading{n}",
            missing=f"{'一二三四'[n - 1]}级标题按正文样式排版，字体不区分层级")
      for n in (1, 2, 3, 4)),
    *(_spec(Role(f"heading{n}_char"), f"{'一二三四'[n - 1]}级标题字符",
            (f"{'一二三四'[n - 1]}级标题字符", f"heading {n} char", f"标题 {n} 字符", f"标题 {n} char"),
            f"GwHeading{n}Char", CHARACTER,
            missing=f"段首的{'一二三四'[n - 1]}级标题与正文字体相同")
      for n in (1, 2, 3, 4)),
    _spec(Role.ATTACH_NOTE, "附件说明", "附件说明", "GwAttachNote",
          missing="附件说明行按正文样式排版，附件名称不会对齐"),
    _spec(Role.ATTACH_NOTE_FIRST, "附件说明（多个）", "附件说明（多个）", "GwAttachNoteFirst",
          missing="多个附件的说明行不会对齐"),
    _spec(Role.ATTACH_NOTE_NEXT, "附件说明（续）", "附件说明（续）", "GwAttachNoteNext",
          missing="多个附件的说明行不会对齐"),
    _spec(Role.SIGNATURE, "发文机关署名", "发文机关署名", "GwSignature",
          missing="不盖章时署名和成文日期不会按 GB/T 9704 §7.3.5.2 对齐"),
    _spec(Role.SIGNATURE_NEXT, "发文机关署名（联合）", "发文机关署名（联合）", "GwSignatureNext",
          missing="联合行文不盖章时，其他机关的署名不会与主办机关对齐"),
    _spec(Role.DATE, "成文日期", "成文日期", "GwDate",
          missing="不盖章时成文日期不会按 GB/T 9704 §7.3.5.2 对齐"),
    _spec(Role.SEAL_SIGNATURE, "发文机关署名（加盖印章）", "发文机关署名（加盖印章）",
          "GwSealSignature", missing="数据中有印章时印章无处放置，生成的公文没有印章"),
    _spec(Role.SEAL_DATE, "成文日期（加盖印章）", "成文日期（加盖印章）", "GwSealDate",
          missing="数据中有印章时印章无处放置，生成的公文没有印章"),
    _spec(Role.JOINT_SEAL_SIGNATURE, "发文机关署名（联合加盖印章）", "发文机关署名（联合加盖印章）",
          "GwJointSealSignature", missing="联合行文加盖多个印章时印章无处放置"),
    _spec(Role.SIGNER_TITLE, "签署人职务", "签署人职务", "GwSignerTitle",
          missing="命令的签署人职务按正文样式排版"),
    _spec(Role.NOTE, "附注", "附注", "GwNote", missing="附注按正文样式排版"),
    _spec(Role.MINUTES_LIST, "出席名单", "出席名单", "GwMinutesList",
          missing="纪要的出席、请假、列席名单不会悬挂对齐"),
    _spec(Role.LABEL_CHAR, "名单标签", "名单标签", "GwLabelChar", CHARACTER,
          missing="“出席：”等标签不用黑体"),
    _spec(Role.ATTACH_LABEL, "附件标识", "附件标识", "GwAttachLabel",
          missing="附件页的“附件”标识不会另起一页、顶格用黑体"),
    _spec(Role.ATTACH_TITLE, "附件标题", "附件标题", "GwAttachTitle",
          missing="附件标题不会居中用小标宋"),
    _spec(Role.TABLE, "公文表格", ("公文表格", "Table Grid", "网格型"), "GwTable", TABLE,
          missing="正文中的表格没有边框和单元格边距"),
    _spec(Role.TABLE_CAPTION, "表格标题", "表格标题", "GwTableCaption",
          missing="表格标题按正文样式排版，不与表格保持在同一页"),
    _spec(Role.BODY_TABLE_HEAD, "正文表格表头", "正文表格表头", "GwBodyTableHead",
          missing="正文表格的表头不用黑体居中"),
    _spec(Role.BODY_TABLE_TEXT, "正文表格文字", "正文表格文字", "GwBodyTableText",
          missing="正文表格的文字按正文样式排版（首行缩进、对齐网格）"),
    _spec(Role.TABLE_HEAD, "表格表头", "表格表头", "GwTableHead", missing="附件表格表头不用黑体"),
    _spec(Role.TABLE_TEXT, "表格文字", "表格文字", "GwTableText", missing="附件表格文字按正文样式排版"),
    _spec(Role.HEADER_LINE, "版头标注", "版头标注", "GwHeaderLine",
          missing="份号、密级、紧急程度不会顶格用黑体"),
    _spec(Role.SPACER, "版头空白", "版头空白", "GwSpacer", missing="版头各要素的间距可能不对"),
    _spec(Role.ISSUER_MARK, "发文机关标志", "发文机关标志", "GwIssuerMark",
          missing="发文机关标志不会用红色小标宋居中"),
    _spec(Role.ISSUER_MARK_MEDIUM, "发文机关标志（中）", "发文机关标志（中）", "GwIssuerMarkMedium"),
    _spec(Role.ISSUER_MARK_SMALL, "发文机关标志（小）", "发文机关标志（小）", "GwIssuerMarkSmall"),
    _spec(Role.ISSUER_MARK_TINY, "发文机关标志（特小）", "发文机关标志（特小）", "GwIssuerMarkTiny"),
    _spec(Role.ISSUER_MARK_JOINT, "发文机关标志（联合）", "发文机关标志（联合）", "GwIssuerMarkJoint",
          missing="联合行文的发文机关标志不会分散对齐"),
    _spec(Role.DOC_NUMBER, "发文字号", "发文字号", "GwDocNumber", missing="发文字号不会居中"),
    _spec(Role.DOC_NUMBER_UP, "发文字号（上行文）", "发文字号（上行文）", "GwDocNumberUp",
          missing="上行文的发文字号和签发人不会左右分列"),
    _spec(Role.DOC_NUMBER_LETTER, "发文字号（信函）", "发文字号（信函）", "GwDocNumberRight",
          missing="信函的发文字号不会居右"),
    _spec(Role.ORDER_NUMBER, "令号", "令号", "GwOrderNumber", missing="令号不会居中"),
    _spec(Role.SIGNER_CHAR, "签发人姓名", "签发人姓名", "GwSignerNameChar", CHARACTER,
          missing="签发人姓名不用楷体"),
    _spec(Role.RED_LINE, "红色分隔线", "红色分隔线", "GwRedLine",
          missing="版头与主体之间没有红色分隔线"),
    _spec(Role.LETTER_MARK, "信函标志", "信函标志", "GwLetterMark", missing="信函标志不会用红色小标宋"),
    _spec(Role.LETTER_TOP_LINES, "信函上双线", "信函上双线", "GwLetterTopLines",
          missing="信函格式没有上方红色双线"),
    _spec(Role.LETTER_BOTTOM_LINES, "信函下双线", "信函下双线", "GwLetterBottomLines",
          missing="信函格式没有下方红色双线"),
    _spec(Role.RECORD_COPY, "抄送机关", "抄送机关", "GwRecordCopy",
          missing="版记不会被识别：不会放在偶数页末页、最后一条线不在版心下边缘"),
    _spec(Role.RECORD_PRINT, "印发机关和印发日期", "印发机关和印发日期", "GwRecordPrint",
          missing="版记不会被识别：不会放在偶数页末页、最后一条线不在版心下边缘"),
    _spec(Role.TAIL, "文末", "文末", "GwTail", missing="版记前后的调整段落按正文样式插入"),
    _spec(Role.PAGE_NUMBER, "页码", ("页码", "page number"), "GwPageNumber",
          missing="页码按页脚默认样式排版（GB/T 9704 要求 4 号半角宋体）"),
)
BY_ROLE: dict[Role, RoleSpec] = {s.role: s for s in SPECS}

_FULL_TO_HALF = str.maketrans({"（": "(", "）": ")", "　": " "})


def normalize_name(name: str) -> str:
    """A style name as compared: NFKC, case-folded, without spaces, half-width brackets."""
    text = unicodedata.normalize("NFKC", name or "").translate(_FULL_TO_HALF).casefold()
    return re.sub(r"\s+", "", text)


_BY_NAME: dict[str, tuple[Role, int]] = {}
for _s in SPECS:
    for _rank, _n in enumerate(_s.names):
        _BY_NAME.setdefault(normalize_name(_n), (_s.role, 0 if _rank == 0 else 1))
_BY_LEGACY_ID = {s.legacy_id: s.role for s in SPECS}
_BY_LABEL = {normalize_name(s.label): s.role for s in SPECS}
# short names a person types into a bookmark or content-control tag
_MARKER_WORDS = {"正文": Role.BODY, "署名": Role.SIGNATURE, "日期": Role.DATE,
                 "印章": Role.SEAL_SIGNATURE, "盖章署名": Role.SEAL_SIGNATURE,
                 "盖章日期": Role.SEAL_DATE, "版记": Role.RECORD_COPY, "抄送": Role.RECORD_COPY,
                 "印发": Role.RECORD_PRINT, "分隔线": Role.RED_LINE, "主送": Role.RECIPIENT}
_MARKER = re.compile(r"^docgen[_:\-.]?(?P<key>.+)$", re.IGNORECASE)


def role_of_style_name(name: str | None) -> Role | None:
    """The role a style of this (visible) name plays, or None."""
    if not name:
        return None
    found = _BY_NAME.get(normalize_name(name))
    return found[0] if found else None


def role_of_marker(marker: str | None) -> Role | None:
    """The role named by a bookmark (``docgen_seal_signature``) or content-control tag
    (``docgen:署名``…): a Role value, or a role's Chinese label or style name."""
    m = _MARKER.match((marker or "").strip())
    if not m:
        return None
    key = m["key"]
    try:
        return Role(key.lower())
    except ValueError:
        return (_MARKER_WORDS.get(key) or _BY_LABEL.get(normalize_name(key))
                or role_of_style_name(key))


@dataclass(frozen=True)
class StyleInfo:
    """One style of a .docx: its ID, visible name, kind and how its role was recognised."""

    style_id: str
    name: str
    kind: str  # paragraph / character / table / numbering
    based_on: str | None = None
    how: str = "name"  # name / alias / id: how its role was recognised


@dataclass
class StyleRoles:
    """Which style of one .docx plays which role.

    ``by_role`` holds the best style for each role found (the template's own
    name beats an alias, an alias beats a legacy ID); ``by_id`` the role of
    every style that has one; ``styles`` every style by ID.
    """

    by_role: dict[Role, StyleInfo] = field(default_factory=dict)
    by_id: dict[str, Role] = field(default_factory=dict)
    styles: dict[str, StyleInfo] = field(default_factory=dict)

    def id_of(self, role: Role, default: str | None = None) -> str | None:
        """The style ID to write for ``role`` in this document (None if it has none)."""
        info = self.by_role.get(role)
        return info.style_id if info else default

    def role_of_id(self, style_id: str | None) -> Role | None:
        return self.by_id.get(style_id or "")

    def has(self, role: Role) -> bool:
        return role in self.by_role


_RANK = {"name": 0, "alias": 1, "id": 2}


def _styles_root(source: Any):
    """The ``w:styles`` element of a python-docx Document, .docx bytes/path, or itself."""
    if hasattr(source, "styles") and hasattr(source.styles, "element"):
        return source.styles.element
    if hasattr(source, "tag"):
        return source
    if isinstance(source, (bytes, bytearray)):
        zf = zipfile.ZipFile(io.BytesIO(source))
    else:
        zf = zipfile.ZipFile(Path(source))
    with zf:
        try:
            data = zf.read("word/styles.xml")
        except KeyError:
            return etree.Element(_w("styles"))
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                                  huge_tree=False))


def style_roles(source: Any) -> StyleRoles:
    """Roles of the styles of a .docx (python-docx Document, bytes, path or ``w:styles``)."""
    root = _styles_root(source)
    result = StyleRoles()
    best: dict[Role, tuple[int, StyleInfo]] = {}
    for st in root.iter(_w("style")):
        sid = st.get(_w("styleId")) or ""
        kind = st.get(_w("type")) or PARAGRAPH
        name_el = st.find(_w("name"))
        name = name_el.get(_w("val")) if name_el is not None else ""
        based = st.find(_w("basedOn"))
        info = StyleInfo(sid, name or sid, kind, based.get(_w("val")) if based is not None else None)
        result.styles[sid] = info
        hit = _BY_NAME.get(normalize_name(name)) if name else None
        aliases = st.find(_w("aliases"))
        if hit is None and aliases is not None:  # Word keeps a renamed style's other names here
            hit = next((_BY_NAME[normalize_name(a)] for a in re.split(r"[,，]", aliases.get(_w("val")) or "")
                        if normalize_name(a) in _BY_NAME), None)
        if hit is not None:
            role, rank = hit
            how = "name" if rank == 0 else "alias"
        elif sid in _BY_LEGACY_ID:
            role, how = _BY_LEGACY_ID[sid], "id"
        else:
            continue
        if BY_ROLE[role].kind != kind:
            continue
        info = StyleInfo(sid, info.name, kind, info.based_on, how)
        result.styles[sid] = info
        result.by_id[sid] = role
        if role not in best or _RANK[how] < best[role][0]:
            best[role] = (_RANK[how], info)
    result.by_role = {role: info for role, (_rank, info) in best.items()}
    return result


def styles_by_role(source: Any) -> dict[Role, StyleInfo]:
    """The best style for each role a .docx has (see :class:`StyleRoles`)."""
    return style_roles(source).by_role


def markers_in(p) -> list[Role]:
    """Roles named by markers in or around one ``w:p``: its bookmarks, and the tags of the
    content controls that contain it."""
    found: list[Role] = []
    for bm in p.iter(_w("bookmarkStart")):
        role = role_of_marker(bm.get(_w("name")))
        if role:
            found.append(role)
    parent = p.getparent()
    while parent is not None:
        if parent.tag == _w("sdtContent"):
            sdt_pr = parent.getparent().find(_w("sdtPr")) if parent.getparent() is not None else None
            tag = sdt_pr.find(_w("tag")) if sdt_pr is not None else None
            role = role_of_marker(tag.get(_w("val"))) if tag is not None else None
            if role:
                found.append(role)
        parent = parent.getparent()
    return found


def paragraph_style_id(p) -> str | None:
    style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
    return style.get(_w("val")) if style is not None else None


def paragraph_role(p, roles: StyleRoles) -> Role | None:
    """The role of a ``w:p`` element (or python-docx Paragraph): a marker first, then its style."""
    p = getattr(p, "_p", p)
    marked = markers_in(p)
    if marked:
        return marked[0]
    return roles.role_of_id(paragraph_style_id(p))


def table_role(tbl, roles: StyleRoles) -> Role | None:
    """The role of a ``w:tbl`` by its table style (e.g. :attr:`Role.TABLE`)."""
    style = tbl.find(f"{_w('tblPr')}/{_w('tblStyle')}")
    return roles.role_of_id(style.get(_w("val")) if style is not None else None)
