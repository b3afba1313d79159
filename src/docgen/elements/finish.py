"""The post-render step for the GB/T 9704 formats: .docx bytes in, .docx bytes out.

``finish(docx, document)`` evens the column widths of tables whose columns
docxtpl repeated, places the seal (``seal.place_seal``) when the data names
one — or the seals of several issuers (``joint_seal.place_joint_seals``) —,
keeps the 署名 block on a page with body text (``page_fit.fit_tail``,
GB/T 9704 §7.3.5.4) and settles the 版记 on an even last page
(``even_pages.settle_record``).  The pages are measured with docgen's own
layout (the frame model, :func:`docgen.pdf.typeset`), and the layout of the
final .docx is returned with it (:class:`Finished`) so that the PDF is drawn
from it without laying the document out again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docx import Document as open_docx
from docx.oxml.ns import qn

from docgen.elements.even_pages import Measure, _record_table, settle_record
from docgen.elements.joint_seal import place_joint_seals
from docgen.elements.page_fit import fit_tail, normalise_styles, rewrite_part
from docgen.elements.seal import place_seal
from docgen.errors import DocgenWarning
from docgen.model import Document

if TYPE_CHECKING:
    from docgen.pdf import Typeset


def even_table_grids(docx: bytes) -> bytes:
    """Tables with fewer cells per row than grid columns get an even grid of that many.

    Edits word/document.xml alone (most documents need no change and are returned as
    they are, without opening the whole package)."""
    return rewrite_part(docx, "word/document.xml", _even_grids)


def _even_grids(root) -> bool:
    changed = False
    for tbl in root.iter(qn("w:tbl")):
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
    return changed


def has_record(docx: bytes) -> bool:
    return _record_table(open_docx(io.BytesIO(docx))) is not None


@dataclass
class Finished:
    """A finished .docx with its layout (drawn into the PDF as it is) and the warnings."""

    docx: bytes
    typeset: Typeset  # the layout of ``docx``
    warnings: list[DocgenWarning] = field(default_factory=list)


def _default_measure(name: str) -> Measure:
    """docgen's layout; each round reuses what the previous one composed."""
    last: list[Typeset] = []

    def measure(docx: bytes) -> Typeset:
        from docgen.pdf import typeset  # noqa: PLC0415

        laid = typeset(docx, name=name, earlier=last[-1] if last else None)
        last[:] = [laid]
        return laid

    return measure


def finish(docx: bytes, document: Document, *, measure: Measure | None = None,
           name: str = "document.docx") -> Finished:
    """Seal, table grids, the 署名 page and the 版记 page for a rendered .docx (see module doc).

    ``measure``: .docx bytes → layout (default: docgen's engine, warnings naming ``name``).
    """
    measure = measure or _default_measure(name)
    docx = even_table_grids(docx)
    if len(document.meta.seals) > 1:
        docx = place_joint_seals(docx, document.meta.seals)
    elif document.meta.seal:
        docx = place_seal(docx, document.meta.seal)
    # every editor breaks pages and spaces lines on the grid as our layout (and Word) do
    docx = normalise_styles(docx)
    # one layout, then a new one only after an edit; the last is the layout of the result
    docx, laid_out, warnings = fit_tail(docx, measure)
    docx, _facts, laid_out = settle_record(docx, measure, laid_out=laid_out)
    return Finished(docx, laid_out, warnings)
