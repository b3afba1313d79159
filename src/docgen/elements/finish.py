"""The post-render step for the GB/T 9704 formats: .docx bytes in, .docx bytes out.

``finish(docx, document)`` evens the column widths of tables whose columns
docxtpl repeated, places the seal (``seal.place_seal``) when the data names
one — or the seals of several issuers (``joint_seal.place_joint_seals``) — and settles the 版记 on an even last page (``even_pages.settle_record``)
using a layout engine: LibreOffice when installed, else docgen's own engine
when it can lay out, else nothing (with a warning).  Returns the new bytes and
the warnings.
"""

from __future__ import annotations

import io

from docx import Document as open_docx
from docx.oxml.ns import qn

from docgen.elements.even_pages import Measure, _record_table, settle_record
from docgen.elements.joint_seal import place_joint_seals
from docgen.elements.seal import place_seal
from docgen.model import Document


def even_table_grids(docx: bytes) -> bytes:
    """Tables with fewer cells per row than grid columns get an even grid of that many."""
    doc = open_docx(io.BytesIO(docx))
    changed = False
    for tbl in doc.element.body.iter(qn("w:tbl")):
        grid = tbl.find(qn("w:tblGrid"))
        cols = grid.findall(qn("w:gridCol")) if grid is not None else []
        rows = tbl.findall(qn("w:tr"))
        if not cols or not rows:
            continue
        counts = {len(r.findall(qn("w:tc"))) for r in rows}
        if len(counts) != 1 or (n := counts.pop()) >= len(cols):
            continue
        if any(tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") is not None for tc in tbl.iter(qn("w:tc"))):
            continue
        total = sum(int(c.get(qn("w:w")) or 0) for c in cols)
        for c in cols[n:]:
            grid.remove(c)
        for c in cols[:n]:
            c.set(qn("w:w"), str(total // n))
        for tc in tbl.iter(qn("w:tc")):
            width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if width is not None:
                width.set(qn("w:w"), str(total // n))
                width.set(qn("w:type"), "dxa")
        changed = True
    if not changed:
        return docx
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def has_record(docx: bytes) -> bool:
    return _record_table(open_docx(io.BytesIO(docx))) is not None


def finish(docx: bytes, document: Document, *, measure: Measure) -> bytes:
    """Seal, table grids and the 版记 page for a rendered .docx (see module doc)."""
    docx = even_table_grids(docx)
    if len(document.meta.seals) > 1:
        docx = place_joint_seals(docx, document.meta.seals)
    elif document.meta.seal:
        docx = place_seal(docx, document.meta.seal)
    if has_record(docx):
        docx, _facts = settle_record(docx, measure)
    return docx
