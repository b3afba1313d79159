"""Several issuers, several seals: 署名 side by side, one seal on each, the date under the last.

GB/T 9704 §7.3.5.1: the issuers' names are arranged in order, each seal
centred on its name, the last seal on the last name and the 成文日期; seals
in a row do not touch and stay inside the text block.  The template prints
one paragraph per issuer (style 发文机关署名（联合加盖印章）, id
``GwJointSealSignature``) followed by the date (成文日期（加盖印章）, four
characters from the right).  ``place_joint_seals(docx, seals)`` turns them
into rows: ``arrange`` (pure) decides how many names fit side by side and at
which centres — the last centre is the date's centre — each row becomes one
paragraph with centred tab stops (paragraphs found by role, ``docgen.roles``), later rows four blank lines lower (a seal
is about four lines high), and a floating seal picture is anchored over each
name as for a single issuer (``seal.place_seal``).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm

from docgen.elements.seal import (
    CHAR_PT,
    EMU_PER_PT,
    LINE_PT,
    SEAL_DIAMETER_MM,
    TEXT_WIDTH_PT,
    _anchor_xml,
    _right_indent_pt,
    set_width_pt,
)
from docgen.roles import Role, StyleRoles, paragraph_role, paragraph_style_id, style_roles

ROW_GAP_LINES = 4  # blank lines between rows of seals


def arrange(name_widths: Sequence[float], date_width: float, *, date_right: float = 4 * 16.0,
            text_width: float = TEXT_WIDTH_PT,
            diameter: float = SEAL_DIAMETER_MM / 25.4 * 72) -> list[list[float]]:
    """Centres (pt from the text block's left edge) of the names, row by row.

    Names are spaced one seal diameter plus one character apart (or the widest
    name plus one character); as many as fit between the text block's left
    edge and the date's centre share a row; the last name of the last row sits
    on the date's centre, earlier rows use the same columns.
    """
    n = len(name_widths)
    if n == 0:
        return []
    last = text_width - date_right - date_width / 2
    widest = max(max(name_widths), diameter)
    step = widest + CHAR_PT
    per_row = max(1, 1 + int((last - widest / 2) // step))
    columns = [last - (per_row - 1 - i) * step for i in range(per_row)]
    rows: list[list[float]] = []
    for start in range(0, n, per_row):
        count = min(per_row, n - start)
        rows.append(columns[per_row - count:])
    return rows


def _row_paragraph(names: Sequence[str], centres: Sequence[float], template):
    """A copy of the issuer paragraph ``template`` holding ``names`` on centred tab stops."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    style_id = paragraph_style_id(template)
    if style_id:
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), style_id)
        ppr.append(style)
    tabs = OxmlElement("w:tabs")
    for centre in centres:
        tab = OxmlElement("w:tab")
        tab.set(qn("w:val"), "center")
        tab.set(qn("w:pos"), str(round(centre * 20)))
        tabs.append(tab)
    ppr.append(tabs)
    ind = OxmlElement("w:ind")
    for key in ("left", "right", "firstLine"):
        ind.set(qn(f"w:{key}"), "0")
    ppr.append(ind)
    jc = OxmlElement("w:jc")
    jc.set(qn("w:val"), "left")
    ppr.append(jc)
    p.append(ppr)
    rpr = template.find(f"{qn('w:r')}/{qn('w:rPr')}")
    for name in names:
        for child in ("w:tab", "w:t"):
            r = OxmlElement("w:r")
            if rpr is not None:
                r.append(copy.deepcopy(rpr))
            el = OxmlElement(child)
            if child == "w:t":
                el.text = name
            r.append(el)
            p.append(r)
    return p


def _blank(style_id: str | None):
    """An empty body line kept with what follows (room for the next row of seals)."""
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    if style_id:
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), style_id)
        ppr.append(style)
    ppr.append(OxmlElement("w:keepNext"))
    p.append(ppr)
    return p


def place_joint_seals(docx: bytes, seals: Sequence[str | Path], *,
                      diameter_mm: float = SEAL_DIAMETER_MM) -> bytes:
    """Arrange the joint 署名 in rows and anchor one seal over each (see module doc).

    Returns ``docx`` unchanged when it has no joint-signature paragraphs.
    """
    doc = Document(io.BytesIO(docx))
    roles: StyleRoles = style_roles(doc)
    paragraphs = doc.paragraphs
    kinds = [paragraph_role(p, roles) for p in paragraphs]
    joint = [p for p, k in zip(paragraphs, kinds, strict=True) if k == Role.JOINT_SEAL_SIGNATURE]
    if not joint:
        return docx
    after = paragraphs.index(joint[-1]) + 1
    date = next((p for p, k in zip(paragraphs[after:], kinds[after:], strict=True)
                 if k == Role.SEAL_DATE), None)
    if date is None:
        return docx
    body_id = roles.id_of(Role.BODY)
    names = [p.text for p in joint]
    rows = arrange([set_width_pt(n) for n in names], set_width_pt(date.text),
                   date_right=_right_indent_pt(date), diameter=diameter_mm / 25.4 * 72)
    diameter_pt = diameter_mm / 25.4 * 72
    size = int(Mm(diameter_mm))
    anchor_at = joint[0]._p
    index = 0
    for r, centres in enumerate(rows):
        if r:
            for _ in range(ROW_GAP_LINES):
                anchor_at.addprevious(_blank(body_id))
        row_names = names[index:index + len(centres)]
        row = _row_paragraph(row_names, centres, joint[index]._p)
        anchor_at.addprevious(row)
        for centre in centres:
            seal = seals[min(index, len(seals) - 1)]
            rid, _image = doc.part.get_or_add_image(str(seal))
            anchor = parse_xml(_anchor_xml(rid, size, size,
                                           round((centre - diameter_pt / 2) * EMU_PER_PT),
                                           round(-1.5 * LINE_PT * EMU_PER_PT), 9001 + index))
            run = OxmlElement("w:r")
            drawing = OxmlElement("w:drawing")
            drawing.append(anchor)
            run.append(drawing)
            row.append(run)
            index += 1
    for p in joint:
        p._p.getparent().remove(p._p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
