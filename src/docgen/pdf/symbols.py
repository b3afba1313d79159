"""Symbol-font characters → Unicode.

Word stores a character of the Symbol or Wingdings font as its byte code,
often moved to the private-use area (U+F000 + code: ``<w:sym w:font="Wingdings"
w:char="F0FC"/>`` is Wingdings' check mark).  No other font draws those codes
as the intended symbol, so :func:`to_unicode` maps them to the Unicode
character they show (Symbol: the Adobe Symbol encoding; Wingdings: the
characters Unicode 7 encoded for it).  Codes with no Unicode equivalent are
returned unchanged: the layout then names them in a warning (no font has them).
"""

from __future__ import annotations

from functools import cache

# Wingdings code -> Unicode code point (codes without an equivalent are left out).
_WINGDINGS_TEXT = (
    "21 270F 22 2702 23 2701 24 1F453 25 1F514 26 1F4D6 28 260E 29 2706 2A 2709 2C 1F4EA "
    "2D 1F4EB 2E 1F4EC 2F 1F4ED 30 1F4C1 31 1F4C2 32 1F4C4 36 231B 37 2328 3A 1F4BB "
    "3C 1F4BE 3E 2707 3F 270D 41 270C 42 1F44C 43 1F44D 44 1F44E 45 261C 46 261E 47 261D "
    "48 261F 49 270B 4A 263A 4B 1F610 4C 2639 4D 1F4A3 4E 2620 4F 2690 50 1F6A9 51 2708 "
    "52 263C 53 1F4A7 54 2744 56 271E 58 2720 59 2721 5A 262A 5B 262F 5C 0950 5D 2638 "
    "6C 25CF 6D 274D 6E 25A0 6F 25A1 71 2751 72 2752 73 2B27 74 29EB 75 25C6 76 2756 "
    "77 2B25 78 2327 79 2353 7A 2318 7B 2740 7C 273F 7D 275D 7E 275E 80 24EA 8B 24FF "
    "9E 00B7 9F 2022 A0 25AA A1 25CB A2 2B55 A4 25C9 A5 25CE A7 25AA A8 25FB AA 2726 "
    "AB 2605 AC 2736 AD 2734 AE 2739 AF 2735 B1 2316 B2 27E1 B3 2311 B5 272A B6 2730 "
    "D5 232B D6 2326 D8 27A2 DC 27B2 E8 2794 EF 21E6 F0 21E8 F1 21E7 F2 21E9 F3 2B04 "
    "F4 21F3 F5 2B00 F6 2B01 F7 2B03 F8 2B02 F9 25AD FA 25AB FB 2717 FC 2713 FD 2612 "
    "FE 2611"
)


@cache
def _wingdings() -> dict[int, int]:
    pairs = _WINGDINGS_TEXT.split()
    table = {int(a, 16): int(b, 16) for a, b in zip(pairs[::2], pairs[1::2], strict=True)}
    table.update({0x5E + i: 0x2648 + i for i in range(12)})  # zodiac ♈…♓
    table.update({0x81 + i: 0x2460 + i for i in range(10)})  # ①…⑩
    table.update({0x8C + i: 0x2776 + i for i in range(10)})  # ❶…❿
    table.update({0xB7 + i: 0x1F550 + i for i in range(12)})  # clock faces
    return table


@cache
def _symbol() -> dict[int, int]:
    from fontTools.agl import toUnicode
    from reportlab.pdfbase._fontdata import encodings

    table: dict[int, int] = {}
    for code, glyph in enumerate(encodings["SymbolEncoding"]):
        if glyph:
            text = toUnicode(glyph)
            if len(text) == 1 and not 0xE000 <= ord(text) <= 0xF8FF:
                table[code] = ord(text)
    return table


def _table(font: str) -> dict[int, int] | None:
    key = font.strip().casefold()
    if key == "symbol":
        return _symbol()
    if key == "wingdings":
        return _wingdings()
    return None


def is_symbol_font(font: str) -> bool:
    """True for the fonts whose byte codes :func:`to_unicode` maps."""
    return _table(font) is not None


def to_unicode(text: str, font: str) -> str:
    """``text`` set in symbol font ``font``, as the Unicode characters it shows."""
    table = _table(font)
    if table is None:
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xF000 <= code <= 0xF0FF:
            code -= 0xF000
        mapped = table.get(code) if code < 0x100 else None
        out.append(chr(mapped) if mapped is not None else ch)
    return "".join(out)
