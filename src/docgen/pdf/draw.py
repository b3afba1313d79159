"""Draw laid-out pages onto a reportlab canvas.

Takes the :class:`~docgen.pdf.frames.Page` list from
:mod:`docgen.pdf.layout` and returns the PDF bytes (``invariant=1``: the
same pages always give the same bytes).  No layout decisions are made
here; coordinates are converted from top-left/y-down to PDF's
bottom-left/y-up.  Helvetica is never referenced: the canvas starts with
the first text font used.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from docgen.pdf.frames import ImageFrame, Page, RectFrame, RuleFrame, TextFrame


def _color(hexstr: str) -> HexColor:
    try:
        return HexColor("#" + hexstr[-6:].rjust(6, "0"))
    except ValueError:
        return HexColor("#000000")


def _first_font(pages: list[Page]) -> str | None:
    for page in pages:
        for f in page.frames:
            if isinstance(f, TextFrame):
                return f.font
    return None


def draw_pages(pages: list[Page], *, title: str = "", author: str = "",
               initial_font: str | None = None) -> bytes:
    """Render ``pages`` to PDF bytes."""
    buf = io.BytesIO()
    font = initial_font or _first_font(pages)
    size = (pages[0].width, pages[0].height) if pages else (595.3, 841.9)
    kwargs = {"initialFontName": font, "initialFontSize": 12} if font else {}
    c = Canvas(buf, pagesize=size, invariant=1, pageCompression=1, **kwargs)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("docgen")
    c.setProducer("docgen")
    images: dict[int, ImageReader] = {}
    for page in pages:
        c.setPageSize((page.width, page.height))
        h = page.height
        behind = [f for f in page.frames if isinstance(f, ImageFrame) and f.behind]
        rest = [f for f in page.frames if not (isinstance(f, ImageFrame) and f.behind)]
        state: dict[str, object] = {}
        for f in behind + rest:
            if isinstance(f, TextFrame):
                _text(c, f, h, state)
            elif isinstance(f, RuleFrame):
                c.setStrokeColor(_color(f.color))
                c.setLineWidth(f.width)
                if f.double:
                    off = f.width
                    horizontal = abs(f.y1 - f.y2) < 0.01
                    dx, dy = (0, off) if horizontal else (off, 0)
                    c.line(f.x1 - dx, h - f.y1 + dy, f.x2 - dx, h - f.y2 + dy)
                    c.line(f.x1 + dx, h - f.y1 - dy, f.x2 + dx, h - f.y2 - dy)
                else:
                    c.line(f.x1, h - f.y1, f.x2, h - f.y2)
                state.clear()
            elif isinstance(f, RectFrame):
                c.setFillColor(_color(f.fill))
                c.rect(f.x, h - f.y - f.h, f.w, f.h, stroke=0, fill=1)
                state.clear()
            elif isinstance(f, ImageFrame):
                key = id(f.data)
                reader = images.get(key)
                if reader is None:
                    reader = ImageReader(io.BytesIO(f.data))
                    images[key] = reader
                c.drawImage(reader, f.x, h - f.y - f.h, f.w, f.h, mask="auto")
                state.clear()
        c.showPage()
    c.save()
    return buf.getvalue()


def _chunks(c: Canvas, f: TextFrame) -> list[tuple[float, str]]:
    """(x offset, text) pieces of a frame, one per reportlab font subset.

    reportlab switches TrueType subsets inside one string; some PDF readers
    (pdfminer, hence pdfplumber) then drop the character spacing after the
    last glyph of each subset run, so every piece gets its own origin.
    """
    font = pdfmetrics.getFont(f.font)
    if not f.char_space or not getattr(font, "_dynamicFont", False) or len(f.text) < 2:
        return [(0.0, f.text)]
    out: list[tuple[float, str]] = []
    x = 0.0
    pos = 0
    for _subset, raw in font.splitString(f.text, c._doc):
        piece = f.text[pos:pos + len(raw)]
        pos += len(raw)
        out.append((x, piece))
        x += font.stringWidth(piece, f.size) + f.char_space * len(piece)
    return out


def _text(c: Canvas, f: TextFrame, page_h: float, state: dict[str, object]) -> None:
    if state.get("color") != f.color:
        c.setFillColor(_color(f.color))
        c.setStrokeColor(_color(f.color))
        state["color"] = f.color
    for dx, piece in _chunks(c, f):
        t = c.beginText(f.x + dx, page_h - f.y)
        t.setFont(f.font, f.size)
        if f.char_space:
            t.setCharSpace(f.char_space)
        if f.fake_bold:
            t.setTextRenderMode(2)
            c.setLineWidth(f.size / 35)
        t.textOut(piece)
        c.drawText(t)
