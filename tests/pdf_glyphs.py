"""Count .notdef glyphs (GID 0) a PDF draws, from its content streams.

Test helper: every text-showing operator (Tj, TJ, ', ") of every page and
form XObject is decoded with the font selected by Tf — simple TrueType fonts
byte by byte through the embedded font's cmap, Type0 fonts (Identity-H) two
bytes per CID through CIDToGIDMap — and each code that lands on glyph 0 (or
on no glyph) is counted.
"""

from __future__ import annotations

import io
from collections import Counter

import pikepdf
from fontTools.ttLib import TTFont

_SHOW = {"Tj", "TJ", "'", '"'}


class _FontCodes:
    """code bytes -> list of GIDs for one PDF font."""

    def __init__(self, font: pikepdf.Dictionary):
        self.type0 = font.get("/Subtype") == "/Type0"
        self.cid_to_gid: bytes | None = None
        self.code_to_gid: dict[int, int] | None = None
        if self.type0:
            desc = font["/DescendantFonts"][0]
            m = desc.get("/CIDToGIDMap")
            if isinstance(m, pikepdf.Stream):
                self.cid_to_gid = m.read_bytes()
            return
        fd = font.get("/FontDescriptor")
        ff = fd.get("/FontFile2") if fd is not None else None
        if ff is None:
            return  # not an embedded TrueType font: cannot tell, counted as fine
        tt = TTFont(io.BytesIO(ff.read_bytes()))
        order = {name: i for i, name in enumerate(tt.getGlyphOrder())}
        codes: dict[int, int] = {}
        for table in tt["cmap"].tables:
            if (table.platformID, table.platEncID) in ((1, 0), (3, 0), (3, 1)):
                for code, name in table.cmap.items():
                    codes.setdefault(code & 0xFF if code >= 0xF000 else code, order.get(name, 0))
        self.code_to_gid = codes

    def gids(self, data: bytes) -> list[int]:
        if self.type0:
            cids = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]
            if self.cid_to_gid is None:
                return cids
            m = self.cid_to_gid
            return [int.from_bytes(m[2 * c:2 * c + 2], "big") if 2 * c + 1 < len(m) else 0
                    for c in cids]
        if self.code_to_gid is None:
            return [1] * len(data)
        return [self.code_to_gid.get(b, 0) for b in data]


def _strings(op: str, operands) -> list[bytes]:
    if op == "TJ":
        return [bytes(x) for x in operands[0] if isinstance(x, pikepdf.String)]
    if op == '"':
        return [bytes(operands[2])]
    return [bytes(operands[0])]


def _scan(container, resources, cache: dict, counts: Counter) -> None:
    fonts = resources.get("/Font", {}) if resources is not None else {}
    xobjects = resources.get("/XObject", {}) if resources is not None else {}
    current = None
    for operands, operator in pikepdf.parse_content_stream(container):
        op = str(operator)
        if op == "Tf":
            name = str(operands[0])
            font = fonts.get(name)
            if font is None:
                current = None
                continue
            key = font.objgen if font.is_indirect else id(font)
            current = cache.get(key)
            if current is None:
                current = cache[key] = _FontCodes(font)
        elif op in _SHOW and current is not None:
            for data in _strings(op, operands):
                for gid in current.gids(data):
                    counts["glyphs"] += 1
                    if gid == 0:
                        counts["notdef"] += 1
        elif op == "Do":
            xo = xobjects.get(str(operands[0]))
            if xo is not None and xo.get("/Subtype") == "/Form":
                _scan(xo, xo.get("/Resources", resources), cache, counts)


def count_notdef(pdf_bytes: bytes) -> tuple[int, int]:
    """(.notdef glyphs, all glyphs) drawn by the PDF's text operators."""
    counts: Counter = Counter()
    cache: dict = {}
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            _scan(page.obj, page.obj.get("/Resources"), cache, counts)
    return counts["notdef"], counts["glyphs"]
