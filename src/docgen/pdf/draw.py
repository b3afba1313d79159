"""Draw laid-out pages onto a reportlab canvas.

Takes the :class:`~docgen.pdf.frames.Page` list from
:mod:`docgen.pdf.layout` and returns the PDF bytes (``invariant=1``: the
same pages always give the same bytes).  No layout decisions are made
here; coordinates are converted from top-left/y-down to PDF's
bottom-left/y-up.  Helvetica is never referenced: the canvas starts with
the first text font used.

Text, rules and rectangles are written as PDF operators directly (one
``BT … ET`` text object per run of text frames, text state — font, size,
character spacing, render mode, colours, line width — emitted only when it
changes); reportlab still does the font subsetting, the images and the
file.  Every text state parameter a frame depends on is set explicitly,
because PDF carries ``Tc``/``Tr``/``Tf`` over from one text object to the
next.  Simulated bold (a regular face standing in for a bold one) is drawn
with fill-then-stroke (``2 Tr``) and a stroke of :data:`FAKE_BOLD_STROKE`
times the font size in the text colour.
"""

from __future__ import annotations

import io
import struct
import zlib

from reportlab import rl_config
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from docgen.errors import RenderError
from docgen.pdf.frames import ImageFrame, Page, RectFrame, RuleFrame, TextFrame

FAKE_BOLD_STROKE = 1 / 35  # stroke width of simulated bold, per point of font size

# PDF literal-string escapes for the byte codes of a font subset.
_ESCAPE = [chr(b) if 32 <= b < 127 and chr(b) not in "()\\" else f"\\{b:03o}" for b in range(256)]
_RGB: dict[str, str] = {}


def _num(v: float) -> str:
    """A PDF number with 3 decimals, no trailing zeros, never ``-0``."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _rgb(hexstr: str) -> str:
    """``"r g b"`` operands for a docx colour (``FF0000``, ``auto`` → black)."""
    out = _RGB.get(hexstr)
    if out is None:
        try:
            col = HexColor("#" + hexstr[-6:].rjust(6, "0"))
        except ValueError:
            col = HexColor("#000000")
        out = " ".join(_num(v) for v in (col.red, col.green, col.blue))
        _RGB[hexstr] = out
    return out


def _first_font(pages: list[Page]) -> str | None:
    for page in pages:
        for f in page.frames:
            if isinstance(f, TextFrame):
                return f.font
    return None


class _PageWriter:
    """PDF operators of one page, with the graphics/text state tracked."""

    def __init__(self, canvas: Canvas, height: float):
        self.c = canvas
        self.doc = canvas._doc
        self.h = height
        self.ops: list[str] = []
        self.in_text = False
        self.fill: str | None = None
        self.stroke: str | None = None
        self.width: float | None = None
        self.tf: tuple[str, float] | None = None
        self.tc: float | None = None
        self.tr: int | None = None

    # -- state ---------------------------------------------------------------
    def _fill(self, rgb: str) -> None:
        if self.fill != rgb:
            self.ops.append(f"{rgb} rg")
            self.fill = rgb

    def _stroke(self, rgb: str) -> None:
        if self.stroke != rgb:
            self.ops.append(f"{rgb} RG")
            self.stroke = rgb

    def _line_width(self, w: float) -> None:
        if self.width != w:
            self.ops.append(f"{_num(w)} w")
            self.width = w

    def _end_text(self) -> None:
        if self.in_text:
            self.ops.append("ET")
            self.in_text = False

    def flush(self) -> None:
        """Hand the operators written so far to the canvas (before reportlab draws)."""
        self._end_text()
        if self.ops:
            self.c._code.append(" ".join(self.ops))
            self.ops = []

    # -- frames --------------------------------------------------------------
    def text(self, f: TextFrame) -> None:
        font = pdfmetrics.getFont(f.font)
        rgb = _rgb(f.color)
        self._fill(rgb)
        mode = 2 if f.fake_bold else 0
        if f.fake_bold:
            self._stroke(rgb)
            self._line_width(round(f.size * FAKE_BOLD_STROKE, 3))
        if not self.in_text:
            self.ops.append("BT")
            self.in_text = True
        if self.tr != mode:
            self.ops.append(f"{mode} Tr")
            self.tr = mode
        tc = round(f.char_space, 4)
        if self.tc != tc:
            self.ops.append(f"{_num(tc)} Tc")
            self.tc = tc
        x = f.x
        y = _num(self.h - f.y)
        if not getattr(font, "_dynamicFont", False):  # a standard font (not used by layout)
            raw = f.text.encode("latin-1", "replace")
            self._show(self.doc.getInternalFontName(f.font), f.size, x, y,
                       "".join([_ESCAPE[b] for b in raw]), f.skew)
            return
        pos = 0
        text = f.text
        for subset, raw in font.splitString(text, self.doc):
            piece = text[pos:pos + len(raw)]
            pos += len(raw)
            self._show(font.getSubsetInternalName(subset, self.doc), f.size, x, y,
                       "".join([_ESCAPE[b] for b in raw]), f.skew)
            # every subset piece gets its own origin: some readers (pdfminer)
            # drop the character spacing after the last glyph of a subset run
            x += font.stringWidth(piece, f.size) + f.char_space * len(piece)

    def _show(self, name: str, size: float, x: float, y: str, escaped: str,
              skew: float = 0.0) -> None:
        if self.tf != (name, size):
            self.ops.append(f"{name} {_num(size)} Tf")
            self.tf = (name, size)
        self.ops.append(f"1 0 {_num(skew)} 1 {_num(x)} {y} Tm ({escaped}) Tj")

    def rule(self, f: RuleFrame) -> None:
        self._end_text()
        self._stroke(_rgb(f.color))
        self._line_width(f.width)
        h = self.h
        if f.double:
            off = f.width
            dx, dy = (0.0, off) if abs(f.y1 - f.y2) < 0.01 else (off, 0.0)
            segs = [(f.x1 - dx, h - f.y1 + dy, f.x2 - dx, h - f.y2 + dy),
                    (f.x1 + dx, h - f.y1 - dy, f.x2 + dx, h - f.y2 - dy)]
        else:
            segs = [(f.x1, h - f.y1, f.x2, h - f.y2)]
        if f.dash:
            self.ops.append(f"[{' '.join(_num(d) for d in f.dash)}] 0 d")
        for x1, y1, x2, y2 in segs:
            self.ops.append(f"{_num(x1)} {_num(y1)} m {_num(x2)} {_num(y2)} l S")
        if f.dash:
            self.ops.append("[] 0 d")

    def rect(self, f: RectFrame) -> None:
        self._end_text()
        self._fill(_rgb(f.fill))
        self.ops.append(f"{_num(f.x)} {_num(self.h - f.y - f.h)} {_num(f.w)} {_num(f.h)} re f")


def _image(c: Canvas, f: ImageFrame, page_h: float, images: dict[int, ImageReader]) -> None:
    """Draw one picture; a picture Pillow cannot decode is a RenderError naming it."""
    try:
        key = id(f.data)
        reader = images.get(key)
        if reader is None:
            reader = ImageReader(io.BytesIO(f.data))
            images[key] = reader
        c.drawImage(reader, f.x, page_h - f.y - f.h, f.w, f.h, mask="auto")
    except (OSError, ValueError, SyntaxError, EOFError, zlib.error, struct.error) as exc:
        raise RenderError(
            f"文档中的图片 {f.name or ''} 已损坏，无法解码：{exc}",
            fix="在 Word/WPS 中删除该图片，重新插入 PNG 或 JPEG 格式的图片后保存。",
        ) from exc


def draw_pages(pages: list[Page], *, title: str = "", author: str = "",
               initial_font: str | None = None) -> bytes:
    """Render ``pages`` to PDF bytes (a pure function of the frames).

    Streams are written without reportlab's ASCII85 filter: without its C
    accelerator the encoding is pure Python (about 30 ms per seal picture), and
    the PDF/A step re-encodes every stream anyway.
    """
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        return _draw(pages, title, author, initial_font)
    finally:
        rl_config.useA85 = saved


def _draw(pages: list[Page], title: str, author: str, initial_font: str | None) -> bytes:
    buf = io.BytesIO()
    font = initial_font or _first_font(pages)
    size = (pages[0].width, pages[0].height) if pages else (595.3, 841.9)
    kwargs = {"initialFontName": font, "initialFontSize": 12} if font else {}
    c = Canvas(buf, pagesize=size, invariant=1, pageCompression=0, **kwargs)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("docgen")
    c.setProducer("docgen")
    images: dict[int, ImageReader] = {}
    for page in pages:
        c.setPageSize((page.width, page.height))
        h = page.height
        out = _PageWriter(c, h)
        behind = [f for f in page.frames if isinstance(f, ImageFrame) and f.behind]
        rest = [f for f in page.frames if not (isinstance(f, ImageFrame) and f.behind)]
        for f in behind + rest:
            if isinstance(f, TextFrame):
                out.text(f)
            elif isinstance(f, RuleFrame):
                out.rule(f)
            elif isinstance(f, RectFrame):
                out.rect(f)
            elif isinstance(f, ImageFrame):
                out.flush()
                _image(c, f, h, images)
        out.flush()
        c.showPage()
    c.save()
    return buf.getvalue()
