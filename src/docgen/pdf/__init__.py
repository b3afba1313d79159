"""The .docx → PDF/A engine.

``docx_to_pdf(docx, metadata=None, engine="reportlab") -> PdfResult`` reads a
rendered .docx and returns PDF/A-2b bytes, the warnings met (unsupported
elements, substituted fonts) and the page count.  It writes no file: the
caller writes ``result.data`` atomically.  It is ``export_pdf(typeset(docx))``:
:func:`typeset` reads and lays out (the frame model, :class:`Typeset`, which
page planning reads), :func:`export_pdf` draws the frames — so a build lays a
document out once for planning and for its PDF.

Pipeline (one module per stage): :mod:`docx_reader` (zip + XML → model, with
:mod:`styles` resolving properties) → :mod:`compose` (paragraph → lines, with
:mod:`linebreak` for Chinese line breaking) → :mod:`layout` (pagination,
tables, headers/footers → :mod:`frames`) → :mod:`draw` (the PDF/A-2b file in
one pass: :mod:`embed` fonts and pictures, :mod:`pdffile` the file structure,
:mod:`pdfa` the metadata).  Engine ``"libreoffice"`` converts with LibreOffice
instead (:mod:`libreoffice`) and then applies the same PDF/A step.
The PDF/A validator runs only with ``validate=True``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.errors import DocgenError, DocgenWarning, Location, RenderError
from docgen.gc_pause import collector_paused

if TYPE_CHECKING:
    from docgen.pdf.docx_reader import DocxDocument
    from docgen.pdf.frames import Page
    from docgen.pdf.layout import Layout
    from docgen.pdf.metrics import DocumentFonts

ENGINES = ("reportlab", "libreoffice")


@dataclass
class PdfResult:
    """The PDF/A bytes of a .docx, the warnings met and the page count."""

    data: bytes
    warnings: list[DocgenWarning] = field(default_factory=list)
    pages: int = 0


def _metadata(meta, title: str | None, docx: Path):
    from docgen.pdf.pdfa import ArchiveMetadata

    if meta is not None:
        return meta
    return ArchiveMetadata(title=title or docx.stem)


def _count_pages(data: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


@dataclass
class Typeset:
    """A .docx laid out by our engine: the frame model (:mod:`docgen.pdf.frames`) of its
    pages, and what reading and layout warned about.  Page planning reads ``pages``;
    :func:`export_pdf` draws them."""

    doc: DocxDocument
    layout: Layout
    fonts: DocumentFonts

    @property
    def pages(self) -> list[Page]:
        return self.layout.pages

    @property
    def warnings(self) -> list[DocgenWarning]:
        from docgen.pdf.compose import missing_glyph_warnings
        from docgen.pdf.grouping import group_warnings

        return group_warnings(self.doc.warnings + self.layout.warnings + self.fonts.warnings
                              + missing_glyph_warnings(self.pages, self.doc.source),
                              self.doc.source)


@collector_paused
def typeset(docx: Path | bytes, *, name: str = "document.docx", earlier: Typeset | None = None
            ) -> Typeset:
    """Read and lay out a .docx (a path, or bytes called ``name`` in messages).

    ``earlier``: a layout of an earlier version of the same document (page planning
    edits it between rounds); paragraphs that did not change reuse its composed lines
    and its font record, so only what changed is composed again.
    """
    from docgen.pdf.docx_reader import read_docx
    from docgen.pdf.layout import layout_document
    from docgen.pdf.metrics import DocumentFonts, get_fontbook

    if isinstance(docx, (bytes, bytearray)):
        with tempfile.TemporaryDirectory(prefix="docgen-") as tmp:
            staged = Path(tmp) / Path(name).name
            staged.write_bytes(docx)
            doc = read_docx(staged)
    else:
        doc = read_docx(Path(docx))
    fonts = earlier.fonts if earlier is not None else DocumentFonts(get_fontbook())
    cache = earlier.layout.composed if earlier is not None else None
    return Typeset(doc, layout_document(doc, fonts, cache=cache), fonts)


@collector_paused
def export_pdf(laid_out: Typeset, *, metadata=None, validate: bool = False) -> PdfResult:
    """Draw a laid-out document as PDF/A-2b (a pure export of its frames), in one pass:
    the file is written with its XMP metadata and output intent (no second parse/save)."""
    from docgen.pdf.draw import draw_pages

    meta = _metadata(metadata, laid_out.doc.title, Path(laid_out.doc.source))
    if laid_out.doc.languages and not getattr(meta, "languages", True):
        meta = replace(meta, languages=laid_out.doc.languages)  # dc:language from w:lang
    try:
        data = draw_pages(laid_out.pages, metadata=meta, memoise=laid_out.doc.recurring)
    except DocgenError as exc:  # a broken picture: name the document as warnings do
        if not exc.location.file:
            exc.location = replace(exc.location, file=str(laid_out.doc.source))
        raise
    if validate:
        from docgen.pdf.pdfa_finish import ensure_valid  # pikepdf: only when validating

        ensure_valid(data)
    return PdfResult(data, laid_out.warnings, len(laid_out.pages))


@collector_paused  # one pause over reading, layout and drawing (not one each)
def docx_to_pdf(docx: Path, *, metadata=None, engine: str = "reportlab",
                validate: bool = False) -> PdfResult:
    """Lay ``docx`` out as a PDF/A-2b document (``metadata``: an ArchiveMetadata).

    ``validate`` also runs pikepdf's PDF/A-2b validator on the result (and
    raises RenderError if it finds anything).  It is off by default: it
    costs more than typesetting (it expands every embedded glyph), and the
    tests validate every kind of content the engine produces.  ``docgen pdf
    --validate`` turns it on.
    """
    docx = Path(docx)
    if engine not in ENGINES:
        raise RenderError(f"未知的 PDF 引擎“{engine}”", location=Location(file=str(docx)),
                          fix="可选：reportlab（默认）或 libreoffice。")
    if engine == "libreoffice":
        from docgen.pdf import libreoffice
        from docgen.pdf.docx_reader import read_docx
        from docgen.pdf.pdfa_finish import make_pdfa

        if not libreoffice.available():
            raise RenderError("本机没有安装 LibreOffice，无法使用 libreoffice 引擎",
                              location=Location(file=str(docx)),
                              fix="安装 LibreOffice，或改用默认的 reportlab 引擎。")
        raw = libreoffice.convert(docx)
        meta = _metadata(metadata, read_docx(docx).title, docx)
        data = make_pdfa(raw, meta, validate=validate)
        return PdfResult(data, [], _count_pages(data))
    return export_pdf(typeset(docx), metadata=metadata, validate=validate)


__all__ = ["ENGINES", "PdfResult", "Typeset", "docx_to_pdf", "export_pdf", "typeset"]
