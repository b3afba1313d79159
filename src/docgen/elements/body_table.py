"""Tables in the body: the marker paragraphs the template loop emits become Word tables.

``numbering`` turns each ``model.Table`` into a "table" block whose text is a
marker (``numbering.table_marker``); every template prints it in its body
loop.  ``insert_body_tables(docx, tables)`` (python-docx document, changed in
place) replaces each marker paragraph with a real table 156 mm wide: table
style 公文表格 (borders, cell margins — change them in Word), fixed column
widths in proportion to ``widths``, the header row repeated on every page
(``w:tblHeader``), no row split across pages (``w:cantSplit``), cells in the
paragraph styles 正文表格表头 / 正文表格文字 — each found by its name
(``docgen.roles``), so a template re-saved by another editor keeps them.  The caption paragraph (style
表格标题) comes from the template.  Column counts vary per table, so building
the table here keeps templates free of docxtpl column loops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from docgen.model import Table
from docgen.numbering import table_marker
from docgen.roles import Role, style_roles

TEXT_WIDTH_TWIPS = 8844  # 156 mm


@dataclass(frozen=True)
class TableStyles:
    """The style IDs one document uses for the body-table roles (None: the document has none)."""

    table: str | None = "GwTable"
    head: str | None = "GwBodyTableHead"
    cell: str | None = "GwBodyTableText"
    body: str | None = "GwBody"

    @classmethod
    def of(cls, docx) -> TableStyles:
        """Found by style name (``docgen.roles``), whatever IDs an editor gave them."""
        roles = style_roles(docx)
        return cls(roles.id_of(Role.TABLE), roles.id_of(Role.BODY_TABLE_HEAD),
                   roles.id_of(Role.BODY_TABLE_TEXT), roles.id_of(Role.BODY))


def column_widths(widths: Sequence[float], columns: int, total: int = TEXT_WIDTH_TWIPS) -> list[int]:
    """Twips per column: ``widths`` scaled to ``total`` (equal columns when empty).

    The last column takes the rounding remainder so the sum is exactly ``total``.
    """
    weights = list(widths) if widths else [1.0] * columns
    if len(weights) != columns or columns < 1 or any(w <= 0 for w in weights):
        raise ValueError(f"{columns} columns, widths {widths!r}")
    scale = total / sum(weights)
    out = [round(w * scale) for w in weights[:-1]]
    return [*out, total - sum(out)]


def _el(tag: str, **attrs: str):
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _styled_paragraph(style_id: str | None):
    p = _el("w:p")
    p_pr = _el("w:pPr")
    if style_id:
        p_pr.append(_el("w:pStyle", val=style_id))
    p.append(p_pr)
    return p


def _cell(text: str, width: int, style_id: str | None):
    tc = _el("w:tc")
    tc_pr = _el("w:tcPr")
    tc_pr.append(_el("w:tcW", w=str(width), type="dxa"))
    tc_pr.append(_el("w:vAlign", val="center"))
    tc.append(tc_pr)
    p = _styled_paragraph(style_id)
    if text:
        r = _el("w:r")
        t = _el("w:t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
        p.append(r)
    tc.append(p)
    return tc


def _row(cells: Sequence[str], widths: Sequence[int], style_id: str | None, header: bool):
    tr = _el("w:tr")
    tr_pr = _el("w:trPr")
    tr_pr.append(_el("w:cantSplit"))
    if header:
        tr_pr.append(_el("w:tblHeader"))
    tr.append(tr_pr)
    for text, width in zip(cells, widths, strict=True):
        tr.append(_cell(text, width, style_id))
    return tr


def table_element(table: Table, styles: TableStyles = TableStyles()):  # noqa: B008 - frozen
    """The ``w:tbl`` for a body table (see the module doc)."""
    widths = column_widths(table.widths, len(table.header))
    tbl = _el("w:tbl")
    tbl_pr = _el("w:tblPr")
    if styles.table:
        tbl_pr.append(_el("w:tblStyle", val=styles.table))
    tbl_pr.append(_el("w:tblW", w=str(TEXT_WIDTH_TWIPS), type="dxa"))
    tbl_pr.append(_el("w:jc", val="center"))
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    tbl_pr.append(_el("w:tblLook", val="0020", firstRow="1", lastRow="0", firstColumn="0",
                      lastColumn="0", noHBand="1", noVBand="1"))
    tbl.append(tbl_pr)
    grid = _el("w:tblGrid")
    for w in widths:
        grid.append(_el("w:gridCol", w=str(w)))
    tbl.append(grid)
    tbl.append(_row(table.header, widths, styles.head, header=True))
    for row in table.rows:
        tbl.append(_row(row, widths, styles.cell, header=False))
    return tbl


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def insert_body_tables(docx, tables: Sequence[Table]) -> None:
    """Replace the marker paragraph of each body table with the table (in place).

    Two tables in a row would merge in Word, so a table followed directly by
    another keeps an empty paragraph between them; so does a table that would end
    the document (an attachment's last block).
    """
    if not tables:
        return
    wanted = {table_marker(i): t for i, t in enumerate(tables, start=1)}
    styles = TableStyles.of(docx)
    body = docx.element.body
    inserted = []
    for p in list(body.iter(qn("w:p"))):
        table = wanted.get(_paragraph_text(p).strip())
        if table is None:
            continue
        tbl = table_element(table, styles)
        p.addprevious(tbl)
        p.getparent().remove(p)
        inserted.append(tbl)
    for tbl in inserted:
        following = tbl.getnext()
        # a table may not end the body either (Word needs a paragraph after it)
        if following is None or following.tag in (qn("w:tbl"), qn("w:sectPr")):
            tbl.addnext(_styled_paragraph(styles.body))
