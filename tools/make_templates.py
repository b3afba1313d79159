"""(Re)create the shipped docxtpl templates under templates/ from code.

Usage:  python tools/make_templates.py [OUT_DIR]     (default: templates/)

Each template is a real Word document: GB/T 9704-2012 page setup and real,
named Word styles (公文正文, 一级标题 …) that staff can change in Word or WPS;
the body is a docxtpl loop over the numbered ``blocks`` that docgen computes,
with one sample paragraph per kind so every style is visible and editable.
Numbers follow ../shared/gbt9704.md (copied facts, not read at run time).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from docgen.render_docx import stable_zip
from docgen.safety import atomic_write_bytes

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"

LINE_TWIPS = 579  # exact line pitch: 22 lines in the 225 mm text block
CHAR_SPACING = -5  # twentieths of a point: 16 pt − 0.25 pt → 28 characters in 156 mm
BODY_PT = 16
CHAR_TWIPS = BODY_PT * 20  # one 3号 character, for indents given in twips


def _set(parent, tag: str, **attrs: str):
    """Get or create child ``tag`` of ``parent`` and set its w: attributes."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _fonts(rpr, name: str) -> None:
    """Name a font for every script; eastAsia included, no theme fonts."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is not None:
        rpr.remove(rfonts)
    rfonts = OxmlElement("w:rFonts")
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), name)
    rfonts.set(qn("w:hint"), "eastAsia")
    rpr.insert(0, rfonts)


def _run_props(style_el, *, font: str, size_pt: float, spacing: int | None = CHAR_SPACING,
               color: str | None = None, bold: bool = False):
    rpr = style_el.get_or_add_rPr()
    _fonts(rpr, font)
    if bold:
        _set(rpr, "w:b")
    if color:
        _set(rpr, "w:color", val=color)
    if spacing is not None:
        _set(rpr, "w:spacing", val=str(spacing))
    _set(rpr, "w:sz", val=str(int(size_pt * 2)))
    _set(rpr, "w:szCs", val=str(int(size_pt * 2)))
    _set(rpr, "w:lang", val="en-US", eastAsia="zh-CN")
    return rpr


def _para_props(style_el, *, jc: str | None = None, first_chars: int | None = None,
                left_chars: int | None = None, right_chars: int | None = None,
                line: int | None = LINE_TWIPS, before: int | None = None, after: int | None = None,
                outline: int | None = None, keep_next: bool = False):
    ppr = style_el.get_or_add_pPr()
    if keep_next:
        _set(ppr, "w:keepNext")
    spacing = {}
    if before is not None:
        spacing["before"] = str(before)
    if after is not None:
        spacing["after"] = str(after)
    if line is not None:
        spacing.update(line=str(line), lineRule="exact")
    if spacing:
        _set(ppr, "w:spacing", **spacing)
    ind = {}
    if first_chars is not None:
        ind.update(firstLineChars=str(first_chars * 100), firstLine=str(first_chars * CHAR_TWIPS))
    if left_chars is not None:
        ind.update(leftChars=str(left_chars * 100), left=str(left_chars * CHAR_TWIPS))
    if right_chars is not None:
        ind.update(rightChars=str(right_chars * 100), right=str(right_chars * CHAR_TWIPS))
    if ind:
        _set(ppr, "w:ind", **ind)
    if jc:
        _set(ppr, "w:jc", val=jc)
    if outline is not None:
        _set(ppr, "w:outlineLvl", val=str(outline))
    return ppr


def _reorder_ppr(ppr) -> None:
    """Put pPr children in schema order (Word is strict about it)."""
    order = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN",
             "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
             "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
             "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
    children = sorted(ppr, key=lambda el: order.index(el.tag.split("}")[1])
                      if el.tag.split("}")[1] in order else len(order))
    for el in children:
        ppr.remove(el)
        ppr.append(el)


def _reorder_rpr(rpr) -> None:
    order = ["rStyle", "rFonts", "b", "bCs", "i", "color", "spacing", "w", "kern", "position",
             "sz", "szCs", "u", "lang"]
    children = sorted(rpr, key=lambda el: order.index(el.tag.split("}")[1])
                      if el.tag.split("}")[1] in order else len(order))
    for el in children:
        rpr.remove(el)
        rpr.append(el)


def _style(doc, style_id: str, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = None):
    style = doc.styles.add_style(name, kind)
    style.element.set(qn("w:styleId"), style_id)
    if base:
        style.base_style = doc.styles[base]
    style.quick_style = True
    return style


def _docdefaults(doc) -> None:
    """Explicit fonts in docDefaults: no theme fonts that would outrank the names."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default, BODY_FONT)
    _set(rpr_default, "w:sz", val=str(BODY_PT * 2))
    _set(rpr_default, "w:szCs", val=str(BODY_PT * 2))
    _set(rpr_default, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    _reorder_rpr(rpr_default)
    # No space after paragraphs by default (python-docx's base template has 10 pt): the body
    # must stay on the 22-line grid of GB/T 9704.
    ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    # Punctuation never hangs past the margin (GB/T 9704 text block; Word's default
    # would hang it): the previous character is pulled down instead, as our PDF does.
    _set(ppr_default, "w:overflowPunct", val="0")
    _set(ppr_default, "w:spacing", before="0", after="0", line="240", lineRule="auto")
    _reorder_ppr(ppr_default)


def define_styles(doc) -> None:
    """The GB/T 9704 styles every docgen template uses."""
    _docdefaults(doc)
    normal = doc.styles["Normal"]
    _run_props(normal.element, font=BODY_FONT, size_pt=BODY_PT)
    _para_props(normal.element, jc="both")

    specs = [
        # id, name, base, font, size, paragraph props
        ("GwBody", "公文正文", "Normal", BODY_FONT, BODY_PT, {"jc": "both", "first_chars": 2}),
        ("GwTitle", "公文标题", "Normal", TITLE_FONT, 22,
         {"jc": "center", "first_chars": 0, "after": LINE_TWIPS}),
        ("GwRecipient", "主送机关", "公文正文", BODY_FONT, BODY_PT, {"first_chars": 0}),
        ("GwHeading1", "一级标题", "公文正文", HEI_FONT, BODY_PT, {"outline": 0, "keep_next": True}),
        ("GwHeading2", "二级标题", "公文正文", KAI_FONT, BODY_PT, {"outline": 1, "keep_next": True}),
        ("GwHeading3", "三级标题", "公文正文", BODY_FONT, BODY_PT, {"outline": 2, "keep_next": True}),
        ("GwHeading4", "四级标题", "公文正文", BODY_FONT, BODY_PT, {"outline": 3, "keep_next": True}),
        ("GwSignature", "发文机关署名", "公文正文", BODY_FONT, BODY_PT,
         {"jc": "right", "first_chars": 0, "right_chars": 2, "before": LINE_TWIPS}),
        ("GwDate", "成文日期", "公文正文", BODY_FONT, BODY_PT,
         {"jc": "right", "first_chars": 0, "right_chars": 2}),
        ("GwNote", "附注", "公文正文", BODY_FONT, BODY_PT, {}),
    ]
    for style_id, name, base, font, size, pprops in specs:
        style = _style(doc, style_id, name, base=base)
        _run_props(style.element, font=font, size_pt=size, spacing=CHAR_SPACING)
        ppr = _para_props(style.element, **pprops)
        _reorder_ppr(ppr)
        _reorder_rpr(style.element.rPr)

    for level, font in ((1, HEI_FONT), (2, KAI_FONT), (3, BODY_FONT), (4, BODY_FONT)):
        style = _style(doc, f"GwHeading{level}Char", f"{'一二三四'[level - 1]}级标题字符",
                       kind=WD_STYLE_TYPE.CHARACTER)
        _run_props(style.element, font=font, size_pt=BODY_PT)
        _reorder_rpr(style.element.rPr)

    define_table_styles(doc)

    page = _style(doc, "GwPageNumber", "页码", base=None)
    _run_props(page.element, font=SONG_FONT, size_pt=14, spacing=None)
    _para_props(page.element, line=None, first_chars=0)
    _reorder_rpr(page.element.rPr)


TABLE_RULE_SZ = 4  # eighths of a point: 0.5 pt rules in body tables
TABLE_CELL_MARGIN = 108  # twips left and right of the cell text (Word's default)


def define_table_styles(doc) -> None:
    """Body tables: table style 公文表格 (rules and cell margins) and its paragraph styles.

    Cells use the body's font at the body's size (3号仿宋, header 3号黑体),
    centred, single line spacing off the grid; the caption (表格标题) is 3号黑体,
    centred, kept with the table.  docgen.elements.body_table builds the tables.
    """
    table = _style(doc, "GwTable", "公文表格", kind=WD_STYLE_TYPE.TABLE)
    tbl_pr = OxmlElement("w:tblPr")
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "center")
    tbl_pr.append(jc)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", TABLE_RULE_SZ), ("space", 0), ("color", "000000")):
            el.set(qn(f"w:{key}"), str(value))
        borders.append(el)
    tbl_pr.append(borders)
    mar = OxmlElement("w:tblCellMar")
    for side, width in (("top", 40), ("left", TABLE_CELL_MARGIN), ("bottom", 40),
                        ("right", TABLE_CELL_MARGIN)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tbl_pr.append(mar)
    table.element.append(tbl_pr)
    for style_id, name, font, jc_val, extra in (
            ("GwTableCaption", "表格标题", HEI_FONT, "center", {"keep_next": True}),
            ("GwBodyTableHead", "正文表格表头", HEI_FONT, "center", {"line": None}),
            ("GwBodyTableText", "正文表格文字", BODY_FONT, "center", {"line": None})):
        style = _style(doc, style_id, name, base="公文正文")
        _run_props(style.element, font=font, size_pt=BODY_PT)
        ppr = _para_props(style.element, jc=jc_val, first_chars=0, **extra)
        if style_id != "GwTableCaption":
            _set(ppr, "w:snapToGrid", val="0")
        _reorder_ppr(ppr)
        _reorder_rpr(style.element.rPr)


def setup_page(doc) -> None:
    """A4, 天头 37 mm, 订口 28 mm, text block 156 × 225 mm, line grid of 579 twips."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    grid = section._sectPr.find(qn("w:docGrid"))
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    doc.settings.odd_and_even_pages_header_footer = True


# The page number's dash sits about 7 mm below the text block (GB/T 9704 §7.5),
# i.e. 269 mm from the page top.  Measured on 600 dpi renders of both our engine and
# LibreOffice 7.4: a 24.5 mm footer distance put the 4号宋体 dash at 269.9 mm; each
# millimetre of footer distance raises it by one.
FOOTER_DISTANCE_MM = 25.4


def _page_field(paragraph) -> None:
    """Append a complex PAGE field (begin / instrText / separate / result / end)."""
    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def add_page_numbers(doc) -> None:
    """“— N —” in 4号宋体: odd pages right, even pages left, one character in."""
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["页码"]
        ppr = paragraph._p.get_or_add_pPr()
        ind = OxmlElement("w:ind")
        # One 4号 character (14 pt = 280 twips) in from the text block edge.
        ind.set(qn(f"w:{side}Chars"), "100")
        ind.set(qn(f"w:{side}"), "280")
        ppr.append(ind)
        jc = OxmlElement("w:jc")
        jc.set(qn("w:val"), side)
        ppr.append(jc)
        paragraph.add_run("— ")
        _page_field(paragraph)
        paragraph.add_run(" —")


def _paragraph(doc, text: str, style: str):
    return doc.add_paragraph(text, style=doc.styles[style])


def _run_in(doc, level: int):
    """A run-in heading: the heading sentence in its level's font, then body text."""
    p = doc.add_paragraph(style=doc.styles["公文正文"])
    head = p.add_run("{{ b.number }}{{ b.heading }}")
    head.style = doc.styles[f"{'一二三四'[level - 1]}级标题字符"]
    p.add_run("{{ b.text }}")
    return p


def body_loop(doc, source: str = "blocks") -> None:
    """The numbered body: one sample paragraph per block kind and level.

    ``source`` is what the loop iterates: the main body's ``blocks`` or an
    attachment's ``a.blocks`` (the same kinds, numbered afresh)."""
    _paragraph(doc, f"{{%p for b in {source} %}}", "公文正文")
    first = True
    for level in (1, 2, 3, 4):
        keyword = "if" if first else "elif"
        first = False
        _paragraph(doc, f'{{%p {keyword} b.kind == "heading" and b.level == {level} %}}', "公文正文")
        _paragraph(doc, "{{ b.number }}{{ b.heading }}", f"{'一二三四'[level - 1]}级标题")
    for level in (1, 2, 3, 4):
        _paragraph(doc, f'{{%p elif b.kind == "run_in" and b.level == {level} %}}', "公文正文")
        _run_in(doc, level)
    _paragraph(doc, '{%p elif b.kind == "table" %}', "公文正文")
    _paragraph(doc, "{%p if b.heading %}", "表格标题")
    _paragraph(doc, "{{ b.heading }}", "表格标题")
    _paragraph(doc, "{%p endif %}", "表格标题")
    _paragraph(doc, "{{ b.text }}", "公文正文")  # replaced by the table (elements.body_table)
    _paragraph(doc, '{%p elif b.kind == "enumeration" %}', "公文正文")
    _paragraph(doc, "{{ b.number }}{{ b.text }}", "公文正文")
    _paragraph(doc, "{%p else %}", "公文正文")
    _paragraph(doc, "{{ b.text }}", "公文正文")
    _paragraph(doc, "{%p endif %}", "公文正文")
    _paragraph(doc, "{%p endfor %}", "公文正文")


def signature_block(doc) -> None:
    """Issuer and date without a seal (报告): right-aligned, two characters in."""
    _paragraph(doc, "{{ meta.issuer }}", "发文机关署名")
    _paragraph(doc, "{{ date_text }}", "成文日期")
    note_block(doc)


def note_block(doc) -> None:
    """附注, in round brackets, when the data has one."""
    _paragraph(doc, "{%p if meta.note %}", "附注")
    _paragraph(doc, "（{{ meta.note }}）", "附注")
    _paragraph(doc, "{%p endif %}", "附注")


def new_document():
    doc = Document()
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    define_styles(doc)
    setup_page(doc)
    add_page_numbers(doc)
    return doc


def make_report(out: Path) -> None:
    """报告: title (broken into lines), optional 主送机关, numbered body, 附件说明,
    signature and date, 附注, 附件 pages."""
    import template_formats as tf  # noqa: PLC0415 - the 附件 blocks live with the formats

    doc = tf._new()
    _paragraph(doc, "{{ title_text }}", "公文标题")
    _paragraph(doc, "{%p if recipients_text %}", "主送机关")
    _paragraph(doc, "{{ recipients_text }}：", "主送机关")
    _paragraph(doc, "{%p endif %}", "主送机关")
    body_loop(doc)
    tf.attachment_notes(doc)
    signature_block(doc)
    tf.attachment_pages(doc)
    core = doc.core_properties
    core.title = "报告（docgen 模板）"
    core.author = "docgen"
    core.comments = "GB/T 9704-2012 报告模板；样式可在 Word/WPS 中修改。"
    save(doc, out)


def save(doc, out: Path) -> None:
    """Write the template reproducibly (fixed dates, fixed zip entry times) and atomically,
    so a build running meanwhile never reads half a template."""
    _slim(doc)
    _normalise(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, stable_zip(buffer.getvalue()))


# python-docx's default document defines 101 table styles (341 of styles.xml's 378 KB) and
# carries Word 2010's stylesWithEffects.xml (438 KB, which Word 2013 and later neither need
# nor write): every build parsed, rewrote and re-compressed them.  Word and WPS offer their
# built-in table styles from their own lists (latentStyles), so a template keeps only the
# table styles docgen or its users' aliases name.
KEPT_TABLE_STYLES = {"TableNormal", "TableGrid"}
STYLES_WITH_EFFECTS = ("http://schemas.microsoft.com/office/2007/relationships/"
                       "stylesWithEffects")


def _slim(doc) -> None:
    """Drop the unused table styles and the stylesWithEffects part (see KEPT_TABLE_STYLES)."""
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) != "table":
            continue
        sid = style.get(qn("w:styleId")) or ""
        if sid in KEPT_TABLE_STYLES or sid.startswith("Gw") or style.get(qn("w:default")) == "1":
            continue
        styles.remove(style)
    part = doc.part
    for rid, rel in list(part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            part.drop_rel(rid)


def _normalise(doc) -> None:
    """Fixed core-property dates so the committed template is reproducible."""
    import datetime as dt

    fixed = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    core = doc.core_properties
    core.created = fixed
    core.modified = fixed
    core.last_modified_by = "docgen"
    core.revision = 1
    # Keep sample text runs free of rsid noise.
    for el in doc.element.body.iter():
        for attr in list(el.attrib):
            if "rsid" in attr:
                del el.attrib[attr]


def templates() -> dict:
    """Every shipped template: name -> maker(out_path)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import template_formats  # noqa: PLC0415 - tools/template_formats.py builds on this module

    return {"report": make_report, **template_formats.FORMATS}


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[1] / "templates"
    for name, make in templates().items():
        make(out_dir / f"{name}.docx")
        print(f"{out_dir / (name + '.docx')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
