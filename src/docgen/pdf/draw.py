"""Draw laid-out pages as a PDF/A-2b file, in one pass.

Takes the :class:`~docgen.pdf.frames.Page` list from :mod:`docgen.pdf.layout`
and the archive metadata, and returns the finished PDF/A-2b bytes (a pure
function: the same pages and metadata always give the same bytes).  No layout
decisions are made here; coordinates are converted from top-left/y-down to
PDF's bottom-left/y-up.

Page content is PDF operators written directly from the frames: one
``BT … ET`` text object per run of text frames, one ``Tm … Tj`` per frame
(each frame is positioned absolutely: readers such as pdfminer drop the
character spacing after a string's last glyph, so nothing relies on the
advance from one string to the next), text state — font, size, character
spacing, render mode, colours, line width — emitted only when it changes
and always explicitly (PDF carries ``Tc``/``Tr``/``Tf`` over from one text
object to the next).  Simulated bold (a regular face standing in for a bold
one) is drawn with fill-then-stroke (``2 Tr``) and a stroke of
:data:`FAKE_BOLD_STROKE` times the font size in the text colour.

Fonts are embedded as composite fonts subset once per face and pictures as
image XObjects (:mod:`docgen.pdf.embed`); the file structure is written by
:mod:`docgen.pdf.pdffile` with what PDF/A-2b asks for — XMP metadata and the
Info dictionary agreeing with it, the sRGB output intent, a content-hash
``/ID`` (:mod:`docgen.pdf.pdfa` provides the metadata) — so there is no
second parse and save of our own output.  (The LibreOffice engine's PDF still
goes through :func:`docgen.pdf.pdfa_finish.make_pdfa`.)
"""

from __future__ import annotations

import zlib
from dataclasses import replace

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics

from docgen.errors import DocgenError, RenderError
from docgen.pdf.embed import EmbeddedFont, embed_image
from docgen.pdf.frames import ImageFrame, Page, RectFrame, RuleFrame, TextFrame
from docgen.pdf.page_memo import DrawnPage, page_key, recall, remember
from docgen.pdf.pdfa import (
    ArchiveMetadata,
    archive_datetime,
    info_entries,
    srgb_profile,
    xmp_packet,
)
from docgen.pdf.pdffile import COMPRESSION, PdfFile, pdf_text_string

FAKE_BOLD_STROKE = 1 / 35  # stroke width of simulated bold, per point of font size

_RGB: dict[str, str] = {}


def _num(v: float) -> str:
    """A PDF number with 3 decimals, no trailing zeros, never ``-0``."""
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _tc(v: float) -> str:
    """A character spacing: 5 decimals, no trailing zeros, never ``-0``."""
    s = f"{v:.5f}".rstrip("0").rstrip(".")
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


class _Fonts:
    """The document's fonts, by reportlab name, in order of first use."""

    def __init__(self) -> None:
        self.by_name: dict[str, EmbeddedFont] = {}
        self.faces: dict[int, EmbeddedFont] = {}

    def get(self, name: str) -> EmbeddedFont:
        font = self.by_name.get(name)
        if font is None:
            rl_font = pdfmetrics.getFont(name)
            face = getattr(rl_font, "face", None)
            if not getattr(rl_font, "_dynamicFont", False) or face is None:
                raise RenderError(
                    f"PDF 使用了未嵌入的字体“{name}”，不能生成 PDF/A 归档文件",
                    fix="这是 PDF 排版程序的问题：所有文字都应使用 docgen 字体表中的字体"
                        "（运行 docgen fonts 查看），请报告此问题")
            font = self.faces.get(id(face))
            if font is None:  # two names for one face share the font object
                n = len(self.faces)
                font = self.faces[id(face)] = EmbeddedFont(face, f"/F{n + 1}", n)
            self.by_name[name] = font
        return font


class _PageWriter:
    """PDF operators of one page, with the graphics/text state tracked."""

    def __init__(self, fonts: _Fonts, height: float):
        self.fonts = fonts
        self.h = height
        self.ops: list[str] = []
        self.in_text = False
        self.fill: str | None = None
        self.stroke: str | None = None
        self.width: float | None = None
        self.tf: tuple[str, float] | None = None
        self.tc: float | None = None
        self.tr: int | None = None
        self.used: dict[str, EmbeddedFont] = {}  # resource name -> font, on this page
        self.images: dict[str, int] = {}  # resource name -> object number
        # the last text frame's baseline and its PDF y (a line's frames share it)
        self.baseline: float | None = None
        self.pdf_y = ""

    # -- state ---------------------------------------------------------------
    def _fill(self, rgb: str) -> None:
        if self.fill != rgb:
            self.ops.append(rgb + " rg")
            self.fill = rgb

    def _stroke(self, rgb: str) -> None:
        if self.stroke != rgb:
            self.ops.append(rgb + " RG")
            self.stroke = rgb

    def _line_width(self, w: float) -> None:
        if self.width != w:
            self.ops.append(_num(w) + " w")
            self.width = w

    def _end_text(self) -> None:
        if self.in_text:
            self.ops.append("ET")
            self.in_text = False

    # -- frames --------------------------------------------------------------
    def text(self, f: TextFrame) -> None:
        font = self.fonts.by_name.get(f.font) or self.fonts.get(f.font)
        ops = self.ops
        rgb = _RGB.get(f.color) or _rgb(f.color)
        if self.fill != rgb:
            ops.append(rgb + " rg")
            self.fill = rgb
        if f.fake_bold:
            self._stroke(rgb)
            self._line_width(round(f.size * FAKE_BOLD_STROKE, 3))
            mode = 2
        else:
            mode = 0
        if not self.in_text:
            ops.append("BT")
            self.in_text = True
        if self.tr != mode:
            ops.append(f"{mode} Tr")
            self.tr = mode
        tc = f.char_space
        if self.tc != tc:
            # 5 decimals: a reader adds Tc after every glyph, so its rounding accumulates
            # along the line (3 decimals drift 0.014 pt over 28 characters)
            ops.append(_tc(tc) + " Tc")
            self.tc = tc
        key = (font.resource, f.size)
        if self.tf != key:
            ops.append(f"{font.resource} {_num(f.size)} Tf")
            self.tf = key
            self.used[font.resource] = font
        if f.y != self.baseline:
            self.baseline = f.y
            self.pdf_y = _num(self.h - f.y)
        head = "1 0 0 1 " if not f.skew else f"1 0 {_num(f.skew)} 1 "
        ops.append(f"{head}{_num(f.x)} {self.pdf_y} Tm <{font.encode(f.text)}> Tj")

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

    def image(self, f: ImageFrame, num: int) -> None:
        self._end_text()
        name = f"/Im{num}"
        self.images[name] = num
        self.ops.append(f"q {_num(f.w)} 0 0 {_num(f.h)} {_num(f.x)} {_num(self.h - f.y - f.h)} cm"
                        f" {name} Do Q")

    def content(self) -> bytes:
        self._end_text()
        return "\n".join(self.ops).encode("latin-1")


def _draw_page(page: Page, page_no: int, fonts: _Fonts, images: dict[bytes, int],
               pdf: PdfFile, key: tuple) -> DrawnPage:
    """Draw one page's frames (and remember the drawing, :mod:`docgen.pdf.page_memo`)."""
    names_before = len(fonts.by_name)
    chars_before = [len(font.chars) for font in fonts.faces.values()]
    new_images: list[tuple[bytes, str]] = []
    out = _PageWriter(fonts, page.height)
    behind = [f for f in page.frames if type(f) is ImageFrame and f.behind]
    rest = [f for f in page.frames if not (type(f) is ImageFrame and f.behind)]
    text = out.text
    for f in behind + rest if behind else rest:
        kind = type(f)
        if kind is TextFrame:
            text(f)
        elif kind is RuleFrame:
            out.rule(f)
        elif kind is RectFrame:
            out.rect(f)
        elif kind is ImageFrame:
            num = images.get(f.data)
            if num is None:
                try:
                    num = images[f.data] = embed_image(pdf, f.data, f.name or "")
                except DocgenError as exc:  # name the page; export_pdf adds the file
                    if not exc.location.path:
                        exc.location = replace(exc.location, path=f"第{page_no}页")
                    raise
                new_images.append((f.data, f.name or ""))
            out.image(f, num)
    new_fonts = [(name, font.face) for name, font in list(fonts.by_name.items())[names_before:]]
    new_chars = []
    for i, font in enumerate(fonts.faces.values()):
        added = font.chars[chars_before[i]:] if i < len(chars_before) else font.chars
        if added:
            new_chars.append((font.index, "".join(map(chr, added))))
    return remember(key, page, zlib.compress(out.content(), COMPRESSION), new_fonts,
                    new_chars, new_images, sorted(out.used), sorted(out.images.items()))


def _resources(drawn: DrawnPage, font_nums: dict[str, int]) -> str:
    parts = []
    if drawn.fonts_used:
        parts.append("/Font <<" + " ".join(f"{res} {font_nums[res]} 0 R"
                                          for res in drawn.fonts_used) + ">>")
    if drawn.images_used:
        parts.append("/XObject <<" + " ".join(f"{res} {num} 0 R"
                                             for res, num in drawn.images_used) + ">>")
    return "<<" + " ".join(parts) + ">>"


def draw_pages(pages: list[Page], *, metadata: ArchiveMetadata | None = None,
               title: str = "", author: str = "", memoise: bool = True) -> bytes:
    """Render ``pages`` as PDF/A-2b bytes (a pure function of the frames and the metadata).

    ``metadata`` gives the XMP and Info entries; without it, ``title`` and
    ``author`` do (``ArchiveMetadata(title, issuer=author)``).  A page made of the
    same frames as one drawn before, after the same pages, reuses that drawing
    (:mod:`docgen.pdf.page_memo`); ``memoise=False`` neither looks up nor keeps drawings.
    """
    meta = metadata if metadata is not None else ArchiveMetadata(title=title, issuer=author)
    moment = archive_datetime(meta)
    pdf = PdfFile()
    catalog = pdf.reserve()
    info = pdf.reserve()
    pages_num = pdf.reserve()
    fonts = _Fonts()
    images: dict[bytes, int] = {}
    page_objs: list[tuple[int, DrawnPage, Page]] = []
    before = 0  # the serial of the page drawn before (0: none)
    for page_no, page in enumerate(pages, start=1):
        key = page_key(before, page) if memoise else None
        drawn = recall(key) if key is not None else None
        if drawn is None or not drawn.replay(fonts, images, pdf):
            drawn = _draw_page(page, page_no, fonts, images, pdf, key)
        page_objs.append((pdf.stream("", b"", compressed=drawn.content), drawn, page))
        before = drawn.serial
    font_nums = {}
    for font in fonts.faces.values():
        font_nums[font.resource] = num = pdf.reserve()
        font.write(pdf, num)
    kids = []
    for contents, drawn, page in page_objs:
        kids.append(pdf.add(
            f"<</Type /Page /Parent {pages_num} 0 R"
            f" /MediaBox [0 0 {_num(page.width)} {_num(page.height)}]"
            f" /Resources {_resources(drawn, font_nums)} /Contents {contents} 0 R>>"))
    pdf.put(pages_num, f"<</Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}]"
                       f" /Count {len(kids)}>>")
    _, icc = srgb_profile()
    profile = pdf.stream(" /N 3", b"", compressed=icc)
    metadata_num = pdf.stream(" /Type /Metadata /Subtype /XML", xmp_packet(meta, moment),
                              compress=False)
    pdf.put(info, "<<" + " ".join(f"/{k} {pdf_text_string(v)}"
                                  for k, v in info_entries(meta, moment)) + ">>")
    pdf.put(catalog, f"<</Type /Catalog /Pages {pages_num} 0 R /Metadata {metadata_num} 0 R"
                     " /OutputIntents [<</Type /OutputIntent /S /GTS_PDFA1"
                     " /OutputConditionIdentifier (sRGB) /Info (sRGB)"
                     f" /DestOutputProfile {profile} 0 R>>]>>")
    return pdf.write(catalog, info)
