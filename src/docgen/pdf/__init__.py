"""The .docx → PDF/A engine.

``docx_to_pdf(docx, metadata=None, engine="reportlab") -> PdfResult`` reads a
rendered .docx and returns PDF/A-2b bytes, the warnings met (unsupported
elements, substituted fonts) and the page count.  It writes no file: the
caller writes ``result.data`` atomically.

Pipeline (one module per stage): :mod:`docx_reader` (zip + XML → model, with
:mod:`styles` resolving properties) → :mod:`compose` (paragraph → lines, with
:mod:`linebreak` for Chinese line breaking) → :mod:`layout` (pagination,
tables, headers/footers → :mod:`frames`) → :mod:`draw` (reportlab) →
:mod:`pdfa` (PDF/A-2b).  Engine ``"libreoffice"`` converts with LibreOffice
instead (:mod:`libreoffice`) and then applies the same PDF/A step.
The PDF/A validator runs only with ``validate=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from docgen.errors import DocgenWarning, Location, RenderError

ENGINES = ("reportlab", "libreoffice")


@dataclass
class PdfResult:
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


def docx_to_pdf(docx: Path, *, metadata=None, engine: str = "reportlab",
                validate: bool = False) -> PdfResult:
    """Lay ``docx`` out as a PDF/A-2b document (``metadata``: an ArchiveMetadata).

    ``validate`` also runs pikepdf's PDF/A-2b validator on the result (and
    raises RenderError if it finds anything).  It is off by default: it
    costs more than typesetting (it expands every embedded glyph), and the
    tests validate every kind of content the engine produces.  ``docgen pdf
    --validate`` turns it on.
    """
    from docgen.pdf.pdfa import make_pdfa

    docx = Path(docx)
    if engine not in ENGINES:
        raise RenderError(f"未知的 PDF 引擎“{engine}”", location=Location(file=str(docx)),
                          fix="可选：reportlab（默认）或 libreoffice。")
    if engine == "libreoffice":
        from docgen.pdf import libreoffice
        from docgen.pdf.docx_reader import read_docx

        if not libreoffice.available():
            raise RenderError("本机没有安装 LibreOffice，无法使用 libreoffice 引擎",
                              location=Location(file=str(docx)),
                              fix="安装 LibreOffice，或改用默认的 reportlab 引擎。")
        raw = libreoffice.convert(docx)
        meta = _metadata(metadata, read_docx(docx).title, docx)
        data = make_pdfa(raw, meta, validate=validate)
        return PdfResult(data, [], _count_pages(data))

    from docgen.pdf.docx_reader import read_docx
    from docgen.pdf.draw import draw_pages
    from docgen.pdf.layout import layout_document
    from docgen.pdf.metrics import DocumentFonts, get_fontbook

    doc = read_docx(docx)
    fonts = DocumentFonts(get_fontbook())
    layout = layout_document(doc, fonts)
    meta = _metadata(metadata, doc.title, docx)
    raw = draw_pages(layout.pages, title=meta.title, author=getattr(meta, "issuer", ""))
    data = make_pdfa(raw, meta, validate=validate)
    return PdfResult(data, doc.warnings + layout.warnings + fonts.warnings, len(layout.pages))


__all__ = ["ENGINES", "PdfResult", "docx_to_pdf"]
