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
import tempfile
from pathlib import Path

from docx import Document as open_docx
from docx.oxml.ns import qn

from docgen.elements.even_pages import Measure, _record_table, settle_record
from docgen.elements.joint_seal import place_joint_seals
from docgen.elements.seal import place_seal
from docgen.errors import DocgenWarning
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


def libreoffice_measure() -> Measure | None:
    """docx bytes -> PDF bytes with LibreOffice, or None if it is not installed."""
    from docgen.pdf import libreoffice  # noqa: PLC0415

    if not libreoffice.available():
        return None

    def measure(docx: bytes) -> bytes:
        with tempfile.TemporaryDirectory(prefix="docgen-measure-") as tmp:
            path = Path(tmp) / "measure.docx"
            path.write_bytes(docx)
            return libreoffice.convert(path)

    return measure


def has_record(docx: bytes) -> bool:
    return _record_table(open_docx(io.BytesIO(docx))) is not None


def finish(docx: bytes, document: Document, *,
           measure: Measure | None = None) -> tuple[bytes, list[DocgenWarning]]:
    """Seal, table grids and the 版记 page for a rendered .docx (see module doc)."""
    warnings: list[DocgenWarning] = []
    docx = even_table_grids(docx)
    if len(document.meta.seals) > 1:
        docx = place_joint_seals(docx, document.meta.seals)
    elif document.meta.seal:
        docx = place_seal(docx, document.meta.seal)
    if has_record(docx):
        measure = measure or libreoffice_measure()
        if measure is None:
            warnings.append(DocgenWarning(
                "没有安装 LibreOffice，无法确定页数：版记未能排在偶数页的末尾。",
                fix="安装 LibreOffice（sudo apt-get install libreoffice-writer-nogui）后重新生成"))
        else:
            docx, _facts = settle_record(docx, measure)
    return docx, warnings
