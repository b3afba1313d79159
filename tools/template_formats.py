"""The GB/T 9704 formats as templates: 通知, 请示 (文件格式), 信函, 命令, 纪要.

Used by tools/make_templates.py (which owns the page setup, the shared styles
and the report template).  Every element is an ordinary Word construct that
Word, WPS, LibreOffice and docgen's own PDF engine read alike:

- 版头 lines, 标志, 发文字号, titles: named paragraph styles with exact line
  heights; vertical positions come from exact-height spacer paragraphs;
- the red separator line and the 信函 double lines: paragraph borders (w:pBdr);
- joint 发文机关标志 and the 版记: borderless / ruled tables (w:tblBorders);
- 附件: paragraphs with page-break-before; the first page of a 信函: a
  first-page header and footer (w:titlePg).

Numbers follow ../shared/gbt9704.md; the few layout constants that depend on
how applications place text inside an exact line were measured with
LibreOffice 7.4 (see ``*_EM_OFFSET``) and are checked by tests/test_formats_*.
"""

from __future__ import annotations

from pathlib import Path

import make_templates as mt
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Twips

RED = "FF0000"
MARK_PT = 36  # 发文机关标志: 小初 小标宋 (the standard leaves the size to the office)
TEXT_W_TWIPS = 8844  # 156 mm text block
MM_TWIPS = 1440 / 25.4
LINE = mt.LINE_TWIPS
CHAR14 = 280  # one 4号 character in twips
RED_LINE_SZ = 8  # eighths of a point: 1 pt ≈ 0.35 mm (the standard gives no thickness)
RECORD_THICK_SZ = 8  # 0.35 mm ≈ 1 pt
RECORD_THIN_SZ = 6  # 0.25 mm ≈ 0.75 pt
MARK_LINE = 860  # exact line height of the 36-pt 标志 (twips); smaller sizes in proportion
# 标志 sizes by length (docgen picks one so the 标志 fits the 156 mm line; see mark_size)
MARK_SIZES = {"large": 36, "medium": 30, "small": 24, "tiny": 20}
MARK_SIZE_NAMES = {"large": "大", "medium": "中", "small": "小", "tiny": "特小"}
# Where the em box of a glyph sits inside an exact line (twips below the line's top),
# measured from the baseline on both our engine and LibreOffice 7.4, which agree to
# 0.02 mm: the ideographic em box spans 0.88 em above the baseline, 0.12 below.
MARK_EM_OFFSET = 64
# The 信函 标志's em box top lands this many twips below the header distance.
LETTER_MARK_EM_OFFSET = 54
# …and its upper double line 4 mm under the 标志's em box (measured 3.44 mm at 0).
LETTER_RULE_EM_OFFSET = 32
BODY_EM_OFFSET = 41  # puts the red line 4 mm under the 发文字号's em box (measured 3.27 mm at 0)


def _mark_line(size: float) -> int:
    return round(MARK_LINE * size / MARK_PT)


def _mark_style(key: str) -> str:
    return "发文机关标志" if key == "large" else f"发文机关标志（{MARK_SIZE_NAMES[key]}）"


def tw(mm: float) -> int:
    return round(mm * MM_TWIPS)


# ---------------------------------------------------------------- small XML helpers

def _border(ppr_or_tblpr, container: str, side: str, sz: int, color: str = "000000",
            space: int = 0, val: str = "single") -> None:
    box = ppr_or_tblpr.find(qn(container))
    if box is None:
        box = OxmlElement(container)
        ppr_or_tblpr.append(box)
    el = OxmlElement(f"w:{side}")
    for k, v in (("val", val), ("sz", sz), ("space", space), ("color", color)):
        el.set(qn(f"w:{k}"), str(v))
    box.append(el)


def _tabs(ppr, stops: list[tuple[str, int]]) -> None:
    tabs = OxmlElement("w:tabs")
    for align, pos in stops:
        tab = OxmlElement("w:tab")
        tab.set(qn("w:val"), align)
        tab.set(qn("w:pos"), str(pos))
        tabs.append(tab)
    ppr.append(tabs)


def _no_grid(ppr) -> None:
    mt._set(ppr, "w:snapToGrid", val="0")


def _para_style(doc, style_id: str, name: str, *, base: str = "Normal", font: str = mt.BODY_FONT,
                size: float = mt.BODY_PT, color: str | None = None, spacing: int | None = mt.CHAR_SPACING,
                grid: bool = True, borders: list[tuple] = (), tabs: list[tuple[str, int]] = (),
                page_break: bool = False, **pprops):
    style = mt._style(doc, style_id, name, base=base)
    mt._run_props(style.element, font=font, size_pt=size, spacing=spacing, color=color)
    ppr = mt._para_props(style.element, **pprops)
    if page_break:
        mt._set(ppr, "w:pageBreakBefore")
    if not grid:
        _no_grid(ppr)
    for border in borders:
        _border(ppr, "w:pBdr", *border)
    if tabs:
        _tabs(ppr, list(tabs))
    mt._reorder_ppr(ppr)
    mt._reorder_rpr(style.element.rPr)
    return style


def _ind(style, **values: int) -> None:
    """Set w:ind attributes in twips/hundredths directly (for hanging indents)."""
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    for key in ("firstLine", "firstLineChars"):
        ind.attrib.pop(qn(f"w:{key}"), None)
    for key, value in values.items():
        ind.set(qn(f"w:{key}"), str(value))
    mt._reorder_ppr(ppr)


def define_format_styles(doc) -> None:
    """Styles of the 版头, 主体 and 版记 elements (on top of make_templates.define_styles)."""
    S = _para_style  # noqa: N806
    S(doc, "GwHeaderLine", "版头标注", font=mt.HEI_FONT, jc="left", first_chars=0, grid=False)
    S(doc, "GwSpacer", "版头空白", size=1, spacing=None, jc="left", first_chars=0, line=None,
      grid=False)
    S(doc, "GwIssuerMark", "发文机关标志", font=mt.TITLE_FONT, size=MARK_PT, color=RED, spacing=0,
      jc="center", first_chars=0, line=MARK_LINE, grid=False)
    for key, size in MARK_SIZES.items():
        if size != MARK_PT:
            S(doc, f"GwIssuerMark{key.title()}", f"发文机关标志（{MARK_SIZE_NAMES[key]}）",
              font=mt.TITLE_FONT, size=size, color=RED, spacing=0, jc="center", first_chars=0,
              line=_mark_line(size), grid=False)
    S(doc, "GwIssuerMarkJoint", "发文机关标志（联合）", font=mt.TITLE_FONT, size=MARK_PT, color=RED,
      spacing=0, jc="distribute", first_chars=0, line=MARK_LINE, grid=False)
    S(doc, "GwDocNumber", "发文字号", jc="center", first_chars=0, grid=False)
    # 上行文: 发文字号 one character in on the left, 签发人 ending one character from the right
    S(doc, "GwDocNumberUp", "发文字号（上行文）", jc="left", first_chars=0, left_chars=1, grid=False,
      tabs=[("right", TEXT_W_TWIPS - mt.CHAR_TWIPS)])
    S(doc, "GwDocNumberRight", "发文字号（信函）", jc="right", first_chars=0, grid=False)
    S(doc, "GwOrderNumber", "令号", jc="center", first_chars=0, grid=False)
    signer = mt._style(doc, "GwSignerNameChar", "签发人姓名", kind=WD_STYLE_TYPE.CHARACTER)
    mt._run_props(signer.element, font=mt.KAI_FONT, size_pt=mt.BODY_PT)
    mt._reorder_rpr(signer.element.rPr)
    label = mt._style(doc, "GwLabelChar", "名单标签", kind=WD_STYLE_TYPE.CHARACTER)
    mt._run_props(label.element, font=mt.HEI_FONT, size_pt=mt.BODY_PT)
    mt._reorder_rpr(label.element.rPr)
    # red separator: an empty two-line paragraph whose top border is the line; the title
    # that follows therefore starts two lines below it
    S(doc, "GwRedLine", "红色分隔线", size=1, spacing=None, jc="left", first_chars=0,
      line=2 * LINE, grid=False, borders=[("top", RED_LINE_SZ, RED, 0)])
    # 信函: double lines 170 mm long, centred on the 156 mm text block
    overhang = tw(7)
    S(doc, "GwLetterTopLines", "信函上双线", size=1, spacing=None, jc="left", first_chars=0,
      line=60, grid=False, borders=[("top", 18, RED, 0), ("bottom", 6, RED, 0)])
    S(doc, "GwLetterBottomLines", "信函下双线", size=1, spacing=None, jc="left", first_chars=0,
      line=60, grid=False, borders=[("top", 6, RED, 0), ("bottom", 18, RED, 0)])
    for sid in ("GwLetterTopLines", "GwLetterBottomLines"):
        _ind(doc.styles.get_by_id(sid, WD_STYLE_TYPE.PARAGRAPH), left=-overhang, right=-overhang)
    S(doc, "GwLetterMark", "信函标志", font=mt.TITLE_FONT, size=MARK_PT, color=RED, spacing=0,
      jc="center", first_chars=0, line=MARK_LINE, grid=False)
    # 附件说明: names aligned after “附件：” (3 ems) and after the numbers
    single = S(doc, "GwAttachNote", "附件说明", first_chars=0, before=LINE)
    _ind(single, left=5 * mt.CHAR_TWIPS, hanging=3 * mt.CHAR_TWIPS, leftChars=500, hangingChars=300)
    first = S(doc, "GwAttachNoteFirst", "附件说明（多个）", first_chars=0, before=LINE)
    _ind(first, left=6 * mt.CHAR_TWIPS, hanging=4 * mt.CHAR_TWIPS, leftChars=600, hangingChars=400)
    nxt = S(doc, "GwAttachNoteNext", "附件说明（续）", first_chars=0)
    _ind(nxt, left=6 * mt.CHAR_TWIPS, hanging=mt.CHAR_TWIPS, leftChars=600, hangingChars=100)
    # with a seal: the date four characters from the right, the signature centred over it
    # the 署名 stays on the page of its date (and the seal with them)
    S(doc, "GwSealSignature", "发文机关署名（加盖印章）", jc="right", first_chars=0, right_chars=4,
      keep_next=True)
    S(doc, "GwSealDate", "成文日期（加盖印章）", jc="right", first_chars=0, right_chars=4)
    S(doc, "GwSignatureNext", "发文机关署名（联合）", jc="right", first_chars=0, right_chars=2)
    # several issuers with seals: docgen.elements.joint_seal puts the names side by side
    S(doc, "GwJointSealSignature", "发文机关署名（联合加盖印章）", jc="left", first_chars=0,
      keep_next=True)
    S(doc, "GwSignerTitle", "签署人职务", jc="right", first_chars=0, right_chars=4, before=2 * LINE)
    S(doc, "GwMinutesList", "出席名单", first_chars=0)
    _ind(doc.styles.get_by_id("GwMinutesList", WD_STYLE_TYPE.PARAGRAPH),
         left=5 * mt.CHAR_TWIPS, hanging=3 * mt.CHAR_TWIPS, leftChars=500, hangingChars=300)
    # 附件 pages
    S(doc, "GwAttachLabel", "附件标识", font=mt.HEI_FONT, jc="left", first_chars=0, page_break=True,
      keep_next=True)
    S(doc, "GwAttachTitle", "附件标题", font=mt.TITLE_FONT, size=22, jc="center", first_chars=0,
      before=LINE, after=LINE, keep_next=True)
    S(doc, "GwIssuedTitle", "印发文件标题", font=mt.TITLE_FONT, size=22, jc="center", first_chars=0,
      after=LINE, keep_next=True, page_break=True)
    S(doc, "GwTableText", "表格文字", size=14, jc="center", first_chars=0, line=None, grid=False)
    S(doc, "GwTableHead", "表格表头", font=mt.HEI_FONT, size=14, jc="center", first_chars=0,
      line=None, grid=False)
    # 版记 (in a ruled table; cell margins give the one-character indents)
    copy = S(doc, "GwRecordCopy", "抄送机关", size=14, jc="both", first_chars=0, grid=False)
    _ind(copy, left=3 * CHAR14, hanging=3 * CHAR14)
    S(doc, "GwRecordPrint", "印发机关和印发日期", size=14, jc="left", first_chars=0, grid=False,
      tabs=[("right", TEXT_W_TWIPS - 2 * CHAR14)])
    S(doc, "GwTail", "文末", size=1, spacing=None, jc="left", first_chars=0, line=20, grid=False)


# ---------------------------------------------------------------- building blocks

_p = mt._paragraph  # a paragraph of ``text`` in the named style


def _spacer(doc, twips: int):
    """An empty paragraph exactly ``twips`` high (a precise vertical offset)."""
    p = doc.add_paragraph(style=doc.styles["版头空白"])
    ppr = p._p.get_or_add_pPr()
    mt._set(ppr, "w:spacing", line=str(twips), lineRule="exact", before="0", after="0")
    mt._reorder_ppr(ppr)
    return p


def _cell_margins(tbl_pr, **sides: int) -> None:
    mar = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(sides.get(side, 0)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)


def _table(doc, rows: int, widths: list[int], borders: dict[str, int] | None = None,
           margins: dict[str, int] | None = None):
    """A fixed-width table of the text block's width with the given borders (side -> sz)."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for el in list(tbl_pr):
        if el.tag in (qn("w:tblStyle"), qn("w:tblW"), qn("w:tblLook")):
            tbl_pr.remove(el)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    tbl_pr.insert(0, width)
    box = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        sz = (borders or {}).get(side)
        if sz:
            for k, v in (("val", "single"), ("sz", sz), ("space", 0), ("color", "000000")):
                el.set(qn(f"w:{k}"), str(v))
        else:
            el.set(qn("w:val"), "nil")
        box.append(el)
    tbl_pr.append(box)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    _cell_margins(tbl_pr, **(margins or {}))
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w * 635  # twips -> EMU
        for cell in col.cells:
            cell.width = w * 635
    grid = tbl.find(qn("w:tblGrid"))
    for gc, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        gc.set(qn("w:w"), str(w))
    return table


def _cell_text(cell, text: str, style: str, doc, extra: list[tuple[str, str]] = ()):
    """Fill a cell with one paragraph per (text, style) pair."""
    first = cell.paragraphs[0]
    first.style = doc.styles[style]
    if text:
        first.add_run(text)
    for t, s in extra:
        cell.add_paragraph(t, style=doc.styles[s])
    return first


def _valign(cell, value: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    v = OxmlElement("w:vAlign")
    v.set(qn("w:val"), value)
    tc_pr.append(v)


def header_lines(doc) -> None:
    """份号, 密级和保密期限, 紧急程度: stacked from the first line; three lines always."""
    for i in range(3):
        _p(doc, f"{{{{ header_lines[{i}] }}}}", "版头标注")


def mark_block(doc, offset_twips: int, text: str) -> None:
    """A centred red 标志 whose em box's top edge is ``offset_twips`` below where the
    block starts; its size is chosen by length (``mark_size`` in the context)."""
    first = True
    for key, size in MARK_SIZES.items():
        _p(doc, f'{{%p {"if" if first else "elif"} mark_size == "{key}" %}}', "版头标注")
        first = False
        _spacer(doc, offset_twips - round(MARK_EM_OFFSET * size / MARK_PT))
        _p(doc, text, _mark_style(key))
    _p(doc, "{%p endif %}", "版头标注")


def issuer_mark(doc, offset_twips: int) -> None:
    """发文机关标志 with its top edge ``offset_twips`` below the text block top.

    One issuer: a centred paragraph (“如东县人民政府文件”).  Several: a table
    whose left cell stacks the names (host first, justified to one width) and
    whose right cell holds “文件” vertically centred on them.
    """
    _p(doc, "{%p if joint_issuers %}", "版头标注")
    _spacer(doc, offset_twips - 3 * LINE - MARK_EM_OFFSET)
    mark_w = round(MARK_PT * 20 * 2.2)
    table = _table(doc, 1, [TEXT_W_TWIPS - mark_w, mark_w])
    left, right = table.rows[0].cells
    _cell_text(left, "{%p for m in issuer_marks %}", "发文机关标志（联合）", doc,
               [("{{ m }}", "发文机关标志（联合）"), ("{%p endfor %}", "发文机关标志（联合）")])
    _cell_text(right, "{{ '文件' if meta.with_wenjian else '' }}", "发文机关标志", doc)
    _valign(right, "center")
    _p(doc, "{%p else %}", "版头标注")
    mark_block(doc, offset_twips - 3 * LINE, "{{ issuer_mark_text }}")
    _p(doc, "{%p endif %}", "版头标注")


def doc_number_line(doc, upward: bool) -> None:
    """发文字号 two blank lines below the 标志; upward documents add 签发人 on the right."""
    _spacer(doc, 2 * LINE)
    if not upward:
        _p(doc, "{{ meta.doc_number or '' }}", "发文字号")
        return
    p = _p(doc, "{{ meta.doc_number or '' }}", "发文字号（上行文）")
    p.add_run("\t签发人：")
    name = p.add_run("{{ meta.signer or '' }}")
    name.style = doc.styles["签发人姓名"]


def red_line(doc) -> None:
    """The red separator 4 mm below the 发文字号; the title starts two lines below it."""
    # the 发文字号 line's em box ends (LINE + 320) / 2 twips below its top; 4 mm more
    gap = tw(4) - (LINE - mt.CHAR_TWIPS) // 2 + BODY_EM_OFFSET
    _spacer(doc, gap)
    _p(doc, "", "红色分隔线")


def title_block(doc) -> None:
    _p(doc, "{{ title_text }}", "公文标题")
    _p(doc, "{%p if recipients_text %}", "主送机关")
    _p(doc, "{{ recipients_text }}：", "主送机关")
    _p(doc, "{%p endif %}", "主送机关")


def attachment_notes(doc) -> None:
    """附件说明: one blank line below the body; numbered and aligned when several."""
    _p(doc, "{%p for a in attachment_notes %}", "公文正文")
    _p(doc, '{%p if a.kind == "single" %}', "公文正文")
    _p(doc, "{{ a.text }}", "附件说明")
    _p(doc, '{%p elif a.kind == "first" %}', "公文正文")
    _p(doc, "{{ a.text }}", "附件说明（多个）")
    _p(doc, "{%p else %}", "公文正文")
    _p(doc, "{{ a.text }}", "附件说明（续）")
    _p(doc, "{%p endif %}", "公文正文")
    _p(doc, "{%p endfor %}", "公文正文")


def _seal_room(doc) -> None:
    """Two blank lines above a sealed 署名 for the seal, kept on the 署名's page."""
    for _ in range(2):
        p = _p(doc, "", "公文正文")
        mt._set(p._p.get_or_add_pPr(), "w:keepNext")
        mt._reorder_ppr(p._p.pPr)


def signature(doc) -> None:
    """署名 and 成文日期: with a seal (date 4 characters in, two blank lines above the
    署名 for the seal) or without (each issuer on its own line, date centred under it).
    Several issuers with a seal each: one paragraph per issuer, arranged side by side
    with the seals by docgen.elements.joint_seal, the date under the last."""
    _p(doc, "{%p if joint_seals %}", "公文正文")
    _seal_room(doc)
    _p(doc, "{%p for name in issuers %}", "公文正文")
    _p(doc, "{{ name }}", "发文机关署名（联合加盖印章）")
    _p(doc, "{%p endfor %}", "公文正文")
    _p(doc, "{{ date_text }}", "成文日期（加盖印章）")
    _p(doc, "{%p elif has_seal %}", "公文正文")
    _seal_room(doc)
    _p(doc, "{{ meta.issuer }}", "发文机关署名（加盖印章）")
    _p(doc, "{{ date_text }}", "成文日期（加盖印章）")
    _p(doc, "{%p else %}", "公文正文")
    _p(doc, "{{ issuers[0] }}", "发文机关署名")
    _p(doc, "{%p for name in issuers[1:] %}", "公文正文")
    _p(doc, "{{ name }}", "发文机关署名（联合）")
    _p(doc, "{%p endfor %}", "公文正文")
    _p(doc, "{{ date_text }}", "成文日期")
    _p(doc, "{%p endif %}", "公文正文")


note = mt.note_block


def attachment_pages(doc) -> None:
    """Each bound 附件 on a new page: 附件N (黑体, first line), its title (2号小标宋, centred,
    broken like the main title) on the third line, then its own numbered body — the same
    block kinds as the main body, tables included.  The document a 印发 notice issues has
    no label: its title opens the new page."""
    _p(doc, "{%p for a in attachment_pages %}", "公文正文")
    _p(doc, "{%p if a.label %}", "公文正文")
    _p(doc, "{{ a.label }}", "附件标识")
    _p(doc, "{{ a.title_text }}", "附件标题")
    _p(doc, "{%p else %}", "公文正文")
    _p(doc, "{{ a.title_text }}", "印发文件标题")
    _p(doc, "{%p endif %}", "公文正文")
    mt.body_loop(doc, "a.blocks")
    _p(doc, "{%p endfor %}", "公文正文")


def record(doc, *, label: str = "抄送", print_line: bool = True, lines: bool = True) -> None:
    """版记: 抄送 and 印发 in a table as wide as the text block; first and last lines
    thick (0.35 mm), the line between thin (0.25 mm); indents from the cell margins."""
    _p(doc, "{%p if has_record %}", "公文正文")
    borders = {"top": RECORD_THICK_SZ, "bottom": RECORD_THICK_SZ, "insideH": RECORD_THIN_SZ} \
        if lines else {}
    rows = 5 if print_line else 3
    table = _table(doc, rows, [TEXT_W_TWIPS], borders=borders,
                   margins={"left": CHAR14, "right": CHAR14, "top": 60, "bottom": 60})
    cells = [r.cells[0] for r in table.rows]
    _cell_text(cells[0], "{%tr if copy_to_text %}", "抄送机关", doc)
    _cell_text(cells[1], f"{label}：{{{{ copy_to_text }}}}。", "抄送机关", doc)
    _cell_text(cells[2], "{%tr endif %}", "抄送机关", doc)
    if print_line:
        _cell_text(cells[3], "{%tr if meta.printer %}", "印发机关和印发日期", doc)
        p = _cell_text(cells[4], "{{ meta.printer }}", "印发机关和印发日期", doc)
        p.add_run("\t{{ print_date_text }}")
        end = table.add_row().cells[0]
        _cell_text(end, "{%tr endif %}", "印发机关和印发日期", doc)
    for row in table.rows:
        tr_pr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        tr_pr.append(cant)
    # keep the 版记 rows together on one page
    for row in table.rows:
        for para in row.cells[0].paragraphs:
            mt._set(para._p.get_or_add_pPr(), "w:keepNext")
            mt._reorder_ppr(para._p.pPr)
    tail(doc)
    _p(doc, "{%p endif %}", "公文正文")


def tail(doc) -> None:
    """A 1-pt paragraph after the 版记 table (Word needs one).  Only with a 版记: without
    one, a 成文日期 on a page's last line would push it onto a page of its own."""
    _p(doc, "", "文末")


def body(doc) -> None:
    mt.body_loop(doc)


def _finish(doc, out: Path, title: str, comment: str) -> None:
    core = doc.core_properties
    core.title = f"{title}（docgen 模板）"
    core.author = "docgen"
    core.comments = comment
    mt.save(doc, out)


def _new():
    doc = mt.new_document()
    define_format_styles(doc)
    return doc


# ---------------------------------------------------------------- the formats

def make_file_format(out: Path, *, upward: bool, title: str) -> None:
    """文件格式: red 版头 (标志 35 mm below the text block top), 主体, 版记."""
    doc = _new()
    header_lines(doc)
    issuer_mark(doc, tw(35))
    doc_number_line(doc, upward)
    red_line(doc)
    title_block(doc)
    body(doc)
    attachment_notes(doc)
    signature(doc)
    note(doc)
    attachment_pages(doc)
    record(doc)
    _finish(doc, out, title, f"GB/T 9704-2012 文件格式（{title}）；样式可在 Word/WPS 中修改。")


def make_notice(out: Path) -> None:
    make_file_format(out, upward=False, title="通知")


def make_request(out: Path) -> None:
    make_file_format(out, upward=True, title="请示")


def make_report_file(out: Path) -> None:
    make_file_format(out, upward=True, title="报告（文件格式）")


def make_letter(out: Path) -> None:
    """信函格式: 标志 30 mm below the page top and red double lines on the first page
    (first-page header and footer), 发文字号 flush right, no page number on page 1,
    版记 without 印发 line and without lines."""
    doc = _new()
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    # header: 标志 top edge 30 mm below the page top, double line 4 mm under the 标志
    section.header_distance = Twips(tw(30) - LETTER_MARK_EM_OFFSET)
    header = section.first_page_header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]
    hp.style = doc.styles["信函标志"]
    hp.add_run("{{ issuer_marks[0] }}")
    gap = header.add_paragraph(style=doc.styles["版头空白"])
    mt._set(gap._p.get_or_add_pPr(), "w:spacing", line=str(tw(4) - (MARK_LINE - MARK_PT * 20) + LETTER_RULE_EM_OFFSET),
            lineRule="exact", before="0", after="0")
    mt._reorder_ppr(gap._p.pPr)
    header.add_paragraph(style=doc.styles["信函上双线"])
    # footer: double line 20 mm above the page bottom (its lower, thick line's bottom)
    section.footer_distance = Mm(20)
    footer = section.first_page_footer
    footer.is_linked_to_previous = False
    footer.paragraphs[0].style = doc.styles["信函下双线"]
    # page numbers on later pages keep their place (dash top ≈ 7 mm under the text block)
    for f in (section.footer, section.even_page_footer):
        ppr = f.paragraphs[0]._p.get_or_add_pPr()
        mt._set(ppr, "w:spacing", after=str(tw(mt.FOOTER_DISTANCE_MM - 20)))
        mt._reorder_ppr(ppr)
    _p(doc, "{{ meta.doc_number or '' }}", "发文字号（信函）")
    _spacer(doc, LINE)
    title_block(doc)
    body(doc)
    attachment_notes(doc)
    signature(doc)
    note(doc)
    attachment_pages(doc)
    record(doc, print_line=False, lines=False)
    _finish(doc, out, "信函", "GB/T 9704-2012 信函格式；样式可在 Word/WPS 中修改。")


def make_order(out: Path) -> None:
    """命令（令）格式: 标志 20 mm below the text block top, 令号 and body each two blank
    lines below, 签署人职务 and name, 签名章 (seal) and date."""
    doc = _new()
    # the 标志 is 20 mm below the text block top: no room for 份号/密级 lines above it
    mark_block(doc, tw(20), "{{ issuer_mark_text }}")
    _spacer(doc, 2 * LINE)
    _p(doc, "{{ meta.order_number or '' }}", "令号")
    _spacer(doc, 2 * LINE)
    body(doc)
    _p(doc, "{%p if has_seal %}", "公文正文")
    _p(doc, "", "公文正文")
    _p(doc, "{%p endif %}", "公文正文")
    sig = _p(doc, "{{ meta.signer_title or '' }}", "发文机关署名（加盖印章）")
    sig.add_run("　{{ meta.signer or '' }}")
    _p(doc, "{{ date_text }}", "成文日期（加盖印章）")
    note(doc)
    record(doc)
    _finish(doc, out, "命令", "GB/T 9704-2012 命令（令）格式；样式可在 Word/WPS 中修改。")


def make_minutes(out: Path) -> None:
    """纪要格式: “XXXXX纪要” 35 mm below the text block top, red line, title, body,
    出席/请假/列席 lists (label in 黑体), 版记 with 分送."""
    doc = _new()
    header_lines(doc)
    mark_block(doc, tw(35) - 3 * LINE, "{{ issuer_marks[0] }}")
    doc_number_line(doc, upward=False)
    red_line(doc)
    title_block(doc)
    body(doc)
    _p(doc, "", "公文正文")
    for key, label in (("attendees", "出席"), ("absent", "请假"), ("observers", "列席")):
        _p(doc, f"{{%p if {key}_text %}}", "出席名单")
        p = doc.add_paragraph(style=doc.styles["出席名单"])
        run = p.add_run(f"{label}：")
        run.style = doc.styles["名单标签"]
        p.add_run(f"{{{{ {key}_text }}}}")
        _p(doc, "{%p endif %}", "出席名单")
    note(doc)
    record(doc, label="分送")
    _finish(doc, out, "纪要", "GB/T 9704-2012 纪要格式；样式可在 Word/WPS 中修改。")


FORMATS = {
    "notice": make_notice,
    "request": make_request,
    "report-file": make_report_file,
    "letter": make_letter,
    "order": make_order,
    "minutes": make_minutes,
}
