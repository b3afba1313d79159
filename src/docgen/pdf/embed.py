"""Fonts and pictures as PDF objects, for the one-pass writer of :mod:`docgen.pdf.draw`.

Fonts: each TrueType face reportlab registered (``pdfmetrics.getFont(name).face``)
is embedded once per document as a composite font — Type0, ``/Identity-H``,
a CIDFontType2 descendant — subset to the characters the document draws
(reportlab's ``makeSubset``, one call per face).  A character's code (CID) is
its order of first use, 1, 2, 3…; ``/CIDToGIDMap`` maps CIDs to the subset's
glyphs, ``/W`` gives reportlab's advance widths (the ones layout measured
with), and the ToUnicode CMap maps every CID to its character (UTF-16, so
characters beyond U+FFFF extract as themselves).  Unlike reportlab's simple
256-character subsets, one font object per face means one ``Tj`` per text
frame and one subsetting pass per face instead of one per 256 characters.

Pictures: JPEG (RGB or grey) is embedded as it is (``/DCTDecode``); anything
else is decoded by Pillow into 8-bit RGB or grey, Flate-compressed, with its
alpha channel as a soft mask (``/SMask``).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections import OrderedDict
from typing import TYPE_CHECKING, NamedTuple

from docgen.errors import RenderError
from docgen.pdf.pdffile import COMPRESSION, FAST, pdf_name

if TYPE_CHECKING:
    from docgen.pdf.pdffile import PdfFile

__all__ = ["EmbeddedFont", "embed_image"]

# The last fonts embedded (SUBSETS_KEPT): (id of the face, its characters in CID order) -> the face and its
# subset's parts (program length, Flate-compressed program, /W widths, compressed ToUnicode).
# All are pure functions of the two, and a document rebuilt after an edit (the web preview,
# `docgen build` of a batch's next copy) almost always draws the same characters: about
# 15 ms of makeSubset and zlib for the seed, and the widths and CMap of its 820 characters.
_SUBSETS: OrderedDict[tuple[int, tuple[int, ...]], tuple[object, FontParts]] = OrderedDict()
SUBSETS_KEPT = 32  # a batch or web worker alternates several documents; ~6 MB at most


class FontParts(NamedTuple):
    length: int  # of the font program, uncompressed (/Length1)
    program: bytes  # Flate-compressed
    widths: str  # the /W array's inner list, CID 1 first
    to_unicode: bytes  # Flate-compressed ToUnicode CMap


def font_parts(face, chars: list[int]) -> FontParts:
    """``face`` subset to ``chars`` (CID i + 1 = chars[i]) and its width and Unicode maps."""
    key = (id(face), tuple(chars))
    hit = _SUBSETS.get(key)
    if hit is not None and hit[0] is face:
        _SUBSETS.move_to_end(key)
        return hit[1]
    program = face.makeSubset(chars)
    width = face.getCharWidth
    parts = FontParts(len(program), zlib.compress(program, FAST),
                      " ".join([_num(width(cp)) for cp in chars]),
                      zlib.compress(_to_unicode(chars).encode("ascii"), COMPRESSION))
    _SUBSETS[key] = (face, parts)
    while len(_SUBSETS) > SUBSETS_KEPT:
        _SUBSETS.popitem(last=False)
    return parts


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _subset_tag(n: int) -> str:
    """AAAAAA, AAAAAB, … (the six capital letters of a subset font name)."""
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(chr(65 + r))
    return "".join(reversed(letters))


def _utf16(cp: int) -> str:
    return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()


class EmbeddedFont:
    """One reportlab TrueType face used by a document: CIDs handed out as text is drawn."""

    __slots__ = ("face", "resource", "index", "codes", "chars", "_glyphs")

    def __init__(self, face, resource: str, index: int):
        self.face = face
        self.resource = resource  # the name in the page resources, e.g. "/F1"
        self.index = index  # the n-th font of the document (its subset tag)
        self.codes: dict[int, str] = {}  # code point -> its CID as 4 hex digits (str.translate)
        self.chars: list[int] = []  # code point of CID i + 1
        self._glyphs = face.charToGlyph

    def encode(self, text: str) -> str:
        """``text`` as the hex digits of its CIDs (new characters get the next CIDs)."""
        out = text.translate(self.codes)
        if len(out) == 4 * len(text):  # every character mapped (one left alone stays 1 long)
            return out
        for ch in text:
            if ord(ch) not in self.codes:
                self._assign(ch)
        return text.translate(self.codes)

    def _assign(self, ch: str) -> None:
        cp = ord(ch)
        if cp == 0xA0:  # no-break space: the space glyph (as reportlab draws it)
            self.codes[cp] = self.encode(" ")
        elif cp not in self._glyphs:  # layout never lets this happen (compose._cover)
            self.codes[cp] = "0000"
        else:
            self.chars.append(cp)
            self.codes[cp] = f"{len(self.chars):04X}"

    def write(self, pdf: PdfFile, num: int) -> None:
        """The Type0 font as object ``num`` (its descendant, descriptor, program, maps too)."""
        face = self.face
        chars = self.chars
        # the subset's glyph numbers, assigned as makeSubset assigns them
        glyph_set = {0: 0}
        gids = [0]
        for cp in chars:
            orig = self._glyphs.get(cp, 0)
            if orig not in glyph_set:
                glyph_set[orig] = len(glyph_set)
            gids.append(glyph_set[orig])
        parts = font_parts(face, chars)
        name = f"{_subset_tag(self.index)}+{(face.name + face.subfontNameX).decode('latin-1')}"
        base = pdf_name(name)
        file_num = pdf.stream(f" /Length1 {parts.length}", b"", compressed=parts.program)
        desc = pdf.add(
            f"<</Type /FontDescriptor /FontName {base} /Flags 4"
            f" /FontBBox [{' '.join(_num(v) for v in face.bbox)}]"
            f" /ItalicAngle {_num(face.italicAngle)} /Ascent {_num(face.ascent)}"
            f" /Descent {_num(face.descent)} /CapHeight {_num(face.capHeight)}"
            f" /StemV {_num(face.stemV)} /FontFile2 {file_num} 0 R>>")
        cid_map = pdf.stream("", struct.pack(f">{len(gids)}H", *gids))
        widths = parts.widths
        default = face.defaultWidth if face.defaultWidth is not None else 1000
        cid_font = pdf.add(
            f"<</Type /Font /Subtype /CIDFontType2 /BaseFont {base}"
            " /CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>>"
            f" /FontDescriptor {desc} 0 R /DW {_num(default)} /W [1 [{widths}]]"
            f" /CIDToGIDMap {cid_map} 0 R>>")
        to_unicode = pdf.stream("", b"", compressed=parts.to_unicode)
        pdf.put(num, f"<</Type /Font /Subtype /Type0 /BaseFont {base} /Encoding /Identity-H"
                     f" /DescendantFonts [{cid_font} 0 R] /ToUnicode {to_unicode} 0 R>>")


def _to_unicode(chars: list[int]) -> str:
    """ToUnicode CMap: CID i + 1 -> chars[i] (blocks of at most 100 entries, as the spec wants)."""
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for start in range(0, len(chars), 100):
        block = chars[start:start + 100]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(f"<{start + i + 1:04X}> <{_utf16(cp)}>" for i, cp in enumerate(block))
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def embed_image(pdf: PdfFile, data: bytes, name: str = "") -> int:
    """An image XObject for the picture ``data``; a picture Pillow cannot decode is a
    RenderError naming it."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            w, h = im.size
            if im.format == "JPEG" and im.mode in ("RGB", "L"):
                space = "/DeviceRGB" if im.mode == "RGB" else "/DeviceGray"
                return pdf.stream(f" /Type /XObject /Subtype /Image /Width {w} /Height {h}"
                                  f" /ColorSpace {space} /BitsPerComponent 8"
                                  " /Filter /DCTDecode", data, compress=False)
            alpha = None
            if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info:
                rgba = im.convert("RGBA")
                a = rgba.getchannel("A")
                if a.getextrema() != (255, 255):
                    alpha = a
                pixels = rgba.convert("RGB")
            elif im.mode == "L":
                pixels = im.copy()
            else:
                pixels = im.convert("RGB")
    except (OSError, ValueError, SyntaxError, EOFError, zlib.error, struct.error) as exc:
        raise RenderError(
            f"文档中的图片 {name} 已损坏，无法解码：{exc}",
            fix="在 Word/WPS 中删除该图片，重新插入 PNG 或 JPEG 格式的图片后保存。",
        ) from exc
    space = "/DeviceGray" if pixels.mode == "L" else "/DeviceRGB"
    smask = ""
    if alpha is not None:
        mask = pdf.stream(f" /Type /XObject /Subtype /Image /Width {w} /Height {h}"
                          " /ColorSpace /DeviceGray /BitsPerComponent 8", alpha.tobytes(),
                          level=FAST)
        smask = f" /SMask {mask} 0 R"
    return pdf.stream(f" /Type /XObject /Subtype /Image /Width {w} /Height {h}"
                      f" /ColorSpace {space} /BitsPerComponent 8{smask}", pixels.tobytes(),
                      level=FAST)
