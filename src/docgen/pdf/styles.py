"""Paragraph and run property resolution for the .docx → PDF engine.

Takes ``word/styles.xml`` (and the theme's font scheme) and answers, for a
paragraph or run, the *effective* properties: docDefaults → the style's
``basedOn`` chain (paragraph style, then character style) → direct
formatting.  Attributes merge one by one (``w:ind w:left`` from the style and
``w:ind w:firstLineChars`` from the paragraph both apply), ``*Chars`` indents
win over their twip twins, theme fonts (``w:asciiTheme``…) are looked up in
the theme.  Returns frozen :class:`ParaProps` / :class:`RunProps`; properties
the engine cannot draw are reported as :class:`~docgen.errors.DocgenWarning`.

Units: everything returned is in points (twips / 20, half-points / 2,
eighths of a point / 8) except the ``*_chars`` fields (characters) and
``line_multiple`` (a factor).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from docgen.pdf.records import copied

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def wattr(el: etree._Element, name: str) -> str | None:
    return el.get(w(name))


def split_tag(tag: str) -> tuple[str | None, str]:
    """(namespace or None, local name) of an element's tag, as ``etree.QName`` gives them,
    without making a QName object (the reader does this for every element of a run)."""
    if tag[:1] == "{":
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def local_name(el: etree._Element) -> str:
    """``etree.QName(el).localname`` of an element (its tag a string)."""
    return split_tag(el.tag)[1]


def _on(el: etree._Element) -> bool:
    """A toggle such as ``<w:b/>`` or ``<w:b w:val="0"/>``."""
    val = wattr(el, "val")
    return val is None or val.lower() not in ("0", "false", "off", "none")


def _num(val: str | None) -> float | None:
    if val is None:
        return None
    try:
        v = float(val)
    except ValueError:
        return None
    # NaN, infinities and absurd magnitudes (fuzzed files) read as absent
    return v if math.isfinite(v) and abs(v) <= 1e6 else None


# Property elements read silently because they have no visible effect on the
# PDF or are handled elsewhere (sectPr by the reader, rPr in pPr as the mark).
_QUIET_P = {
    "pStyle", "outlineLvl", "autoSpaceDE", "autoSpaceDN", "adjustRightInd", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "textAlignment", "suppressAutoHyphens",
    "rPr", "sectPr", "pPrChange", "contextualSpacing", "suppressLineNumbers", "bidi",
    "mirrorIndents", "textboxTightWrap", "suppressOverlap", "snapToGrid", "widowControl",
    "keepNext", "keepLines", "pageBreakBefore", "jc", "ind", "spacing", "pBdr", "tabs",
    "numPr", "shd", "cnfStyle", "divId",
}
_QUIET_R = {
    "rStyle", "lang", "noProof", "szCs", "bCs", "iCs", "rtl", "cs", "webHidden", "kern",
    "specVanish", "rPrChange", "eastAsianLayout", "snapToGrid", "fitText", "oMath",
    "rFonts", "sz", "b", "i", "color", "spacing", "u", "strike", "vertAlign", "caps",
    "vanish", "highlight", "w", "dstrike", "smallCaps", "shd", "position", "bdr",
    "emboss", "imprint", "outline", "shadow", "effect", "em",
}


@dataclass(frozen=True)
class Border:
    """One border line: ``style`` is the w:val (single, double…), widths in points."""

    style: str
    width: float
    color: str
    space: float = 0.0


@dataclass(frozen=True)
class RunProps:
    """The effective properties of a run (points unless noted)."""

    font_ascii: str = "Times New Roman"
    font_east_asia: str = "宋体"
    size: float = 10.5
    bold: bool = False
    italic: bool = False
    color: str = "000000"
    spacing: float = 0.0  # extra advance after each character
    underline: bool = False
    strike: bool = False
    vert_align: str = "baseline"  # superscript / subscript
    hidden: bool = False
    highlight: str | None = None
    scale: float = 100.0
    underline_style: str = "single"  # the w:u value when underlined
    caps: bool = False  # w:caps: drawn in capitals
    small_caps: bool = False  # w:smallCaps: lower-case letters as smaller capitals
    # w:hAnsi when it differs from w:ascii: the font of private-use characters (ECMA-376
    # 17.3.2.26), where Word keeps Symbol/Wingdings codes (U+F0xx) of a hAnsi-only symbol run
    font_hansi: str = ""
    double_strike: bool = False  # w:dstrike
    shading: str | None = None  # w:shd fill of the run (hex)
    lang: str = ""  # w:lang w:val (Latin text), w:eastAsia, w:bidi
    lang_east_asia: str = ""
    lang_bidi: str = ""


@dataclass(frozen=True)
class ParaProps:
    """The effective properties of a paragraph (points, except ``*_chars`` and ``line_multiple``)."""

    style_id: str | None = None
    style_name: str | None = None
    align: str = "left"  # left, center, right, both, distribute
    left: float = 0.0
    right: float = 0.0
    first: float = 0.0  # + first-line indent, − hanging
    left_chars: float | None = None
    right_chars: float | None = None
    first_chars: float | None = None
    line: float | None = None  # points for exact/atLeast, None = single
    line_rule: str = "auto"  # auto, exact, atLeast
    line_multiple: float = 1.0
    before: float = 0.0
    after: float = 0.0
    before_lines: float | None = None
    after_lines: float | None = None
    keep_next: bool = False
    keep_lines: bool = False
    page_break_before: bool = False
    widow_control: bool = False
    snap_to_grid: bool = True
    contextual_spacing: bool = False
    borders: tuple[tuple[str, Border], ...] = ()
    shading: str | None = None
    tabs: tuple[tuple[str, float, str], ...] = ()  # (alignment, position, leader)
    outline_level: int | None = None
    has_numbering: bool = False
    auto_space: bool = True  # w:autoSpaceDE/DN: extra space between CJK and Latin/digits
    table_style: str | None = None  # the table style of the table holding the paragraph
    mark: RunProps = field(default_factory=RunProps)


def _border(el: etree._Element) -> Border | None:
    val = wattr(el, "val") or "single"
    if val in ("nil", "none"):
        return None
    sz = _num(wattr(el, "sz")) or 4
    color = wattr(el, "color") or "000000"
    if color == "auto":
        color = "000000"
    return Border(val, sz / 8, color, _num(wattr(el, "space")) or 0.0)


def parse_borders(el: etree._Element | None) -> dict[str, Border | None]:
    """``w:tblBorders`` / ``w:tcBorders`` / ``w:pBdr`` children by side (None = no line)."""
    out: dict[str, Border | None] = {}
    if el is None:
        return out
    for side in el:
        if isinstance(side.tag, str):
            name = etree.QName(side).localname
            out[{"start": "left", "end": "right"}.get(name, name)] = _border(side)
    return out


def parse_ppr(ppr: etree._Element | None, unknown: list[str]) -> dict[str, Any]:
    """Direct paragraph properties of one ``w:pPr`` as a flat dict (points)."""
    d: dict[str, Any] = {}
    if ppr is None:
        return d
    for el in ppr:
        if not isinstance(el.tag, str):
            continue
        tag = local_name(el)
        if tag == "jc":
            d["align"] = {"start": "left", "end": "right", "justify": "both",
                          "lowKashida": "both", "mediumKashida": "both",
                          "highKashida": "both", "thaiDistribute": "distribute"}.get(
                wattr(el, "val") or "left", wattr(el, "val") or "left")
        elif tag == "ind":
            for name, key in (("left", "left"), ("start", "left"), ("right", "right"),
                              ("end", "right")):
                v = _num(wattr(el, name))
                if v is not None:
                    d[key] = v / 20
            for name, key in (("leftChars", "left_chars"), ("startChars", "left_chars"),
                              ("rightChars", "right_chars"), ("endChars", "right_chars")):
                v = _num(wattr(el, name))
                if v is not None:
                    d[key] = v / 100
            if (v := _num(wattr(el, "firstLine"))) is not None:
                d["first"] = v / 20
            if (v := _num(wattr(el, "hanging"))) is not None:
                d["first"] = -v / 20
            if (v := _num(wattr(el, "firstLineChars"))) is not None:
                d["first_chars"] = v / 100
            if (v := _num(wattr(el, "hangingChars"))) is not None:
                d["first_chars"] = -v / 100
        elif tag == "spacing":
            for name, key in (("before", "before"), ("after", "after")):
                v = _num(wattr(el, name))
                if v is not None:
                    d[key] = v / 20
            for name, key in (("beforeLines", "before_lines"), ("afterLines", "after_lines")):
                v = _num(wattr(el, name))
                if v is not None:
                    d[key] = v / 100
            line = _num(wattr(el, "line"))
            rule = wattr(el, "lineRule") or ("auto" if line is not None else None)
            if rule is not None:
                d["line_rule"] = rule
            if line is not None:
                if (rule or "auto") == "auto":
                    d["line_multiple"] = line / 240
                    d["line"] = None
                else:
                    d["line"] = line / 20
        elif tag in ("keepNext", "keepLines", "pageBreakBefore", "widowControl",
                     "snapToGrid", "contextualSpacing"):
            key = {"keepNext": "keep_next", "keepLines": "keep_lines",
                   "pageBreakBefore": "page_break_before", "widowControl": "widow_control",
                   "snapToGrid": "snap_to_grid",
                   "contextualSpacing": "contextual_spacing"}[tag]
            d[key] = _on(el)
        elif tag == "pBdr":
            borders = dict(d.get("borders", ()))
            for side in el:
                if not isinstance(side.tag, str):
                    continue
                name = etree.QName(side).localname
                b = _border(side)
                if b is None:
                    borders.pop(name, None)
                else:
                    borders[name] = b
            d["borders"] = tuple(sorted(borders.items()))
        elif tag == "shd":
            fill = wattr(el, "fill")
            d["shading"] = None if fill in (None, "auto") else fill
        elif tag == "tabs":
            tabs = []
            for t in el:
                if isinstance(t.tag, str) and etree.QName(t).localname == "tab":
                    val = wattr(t, "val") or "left"
                    pos = _num(wattr(t, "pos"))
                    if val != "clear" and pos is not None:
                        tabs.append((val, pos / 20, wattr(t, "leader") or "none"))
            d["tabs"] = tuple(sorted(tabs, key=lambda t: t[1]))
        elif tag == "outlineLvl":
            d["outline_level"] = int(_num(wattr(el, "val")) or 0)
        elif tag == "numPr":
            d["has_numbering"] = True
        elif tag in ("autoSpaceDE", "autoSpaceDN"):
            d["auto_space"] = _on(el) and d.get("auto_space", True)
        elif tag in _QUIET_P:
            continue
        else:
            unknown.append(f"w:{tag}")
    return d


def _fonts(el: etree._Element, theme: dict[str, str]) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for attr in ("ascii", "hAnsi", "eastAsia"):
        theme_name = wattr(el, attr + "Theme")
        if theme_name and theme_name in theme:
            d["font_" + attr] = theme[theme_name]
        elif (v := wattr(el, attr)) is not None:
            d["font_" + attr] = v
    return d


def parse_rpr(rpr: etree._Element | None, theme: dict[str, str],
              unknown: list[str]) -> dict[str, Any]:
    """Direct run properties of one ``w:rPr`` as a flat dict (points)."""
    d: dict[str, Any] = {}
    if rpr is None:
        return d
    for el in rpr:
        if not isinstance(el.tag, str):
            continue
        tag = local_name(el)
        if tag == "rFonts":
            d.update(_fonts(el, theme))
        elif tag == "sz":
            if (v := _num(wattr(el, "val"))) is not None:
                d["size"] = v / 2
        elif tag in ("b", "i", "strike", "vanish"):
            d[{"b": "bold", "i": "italic", "strike": "strike", "vanish": "hidden"}[tag]] = _on(el)
        elif tag == "color":
            val = wattr(el, "val") or "000000"
            d["color"] = "000000" if val == "auto" else val
        elif tag == "spacing":
            if (v := _num(wattr(el, "val"))) is not None:
                d["spacing"] = v / 20
        elif tag == "u":
            val = wattr(el, "val") or "single"
            d["underline"] = val != "none"
            d["underline_style"] = val
        elif tag == "dstrike":
            d["strike"] = d["double_strike"] = _on(el)
        elif tag == "shd":
            fill = wattr(el, "fill")
            d["shading"] = None if fill in (None, "auto") else fill
        elif tag == "vertAlign":
            d["vert_align"] = wattr(el, "val") or "baseline"
        elif tag == "lang":
            for attr, key in (("val", "lang"), ("eastAsia", "lang_east_asia"),
                              ("bidi", "lang_bidi")):
                if wattr(el, attr):
                    d[key] = wattr(el, attr)
        elif tag == "highlight":
            val = wattr(el, "val")
            d["highlight"] = None if val in (None, "none") else val
        elif tag == "w":
            if (v := _num(wattr(el, "val"))) is not None:
                d["scale"] = v
            unknown.append("w:w（字符缩放）")
        elif tag in ("caps", "smallCaps"):
            d["caps" if tag == "caps" else "small_caps"] = _on(el)
        elif tag in ("position", "bdr", "emboss",
                     "imprint", "outline", "shadow", "effect", "em"):
            if _on(el):
                unknown.append(f"w:{tag}")
        elif tag in _QUIET_R:
            continue
        else:
            unknown.append(f"w:{tag}")
    return d


def _run_from(d: dict[str, Any]) -> RunProps:
    ascii_font = d.get("font_ascii") or d.get("font_hAnsi") or "Times New Roman"
    east = d.get("font_eastAsia") or ascii_font
    return RunProps(
        font_ascii=ascii_font,
        font_east_asia=east,
        font_hansi=d.get("font_hAnsi") or "",
        size=d.get("size", 10.5),
        bold=d.get("bold", False),
        italic=d.get("italic", False),
        color=d.get("color", "000000"),
        spacing=d.get("spacing", 0.0),
        underline=d.get("underline", False),
        strike=d.get("strike", False),
        vert_align=d.get("vert_align", "baseline"),
        hidden=d.get("hidden", False),
        highlight=d.get("highlight"),
        scale=d.get("scale", 100.0),
        underline_style=d.get("underline_style", "single"),
        caps=d.get("caps", False),
        small_caps=d.get("small_caps", False),
        double_strike=d.get("double_strike", False),
        shading=d.get("shading"),
        lang=d.get("lang", ""),
        lang_east_asia=d.get("lang_east_asia", ""),
        lang_bidi=d.get("lang_bidi", ""),
    )


_PARA_KEYS = {f for f in ParaProps.__dataclass_fields__} - {"mark", "style_id", "style_name",
                                                            "table_style"}


@dataclass
class _Style:
    """One w:style of styles.xml with its own (unmerged) properties."""

    style_id: str
    kind: str
    name: str
    based_on: str | None
    ppr: dict[str, Any]
    rpr: dict[str, Any]
    unknown: list[str]
    tbl_borders: dict[str, Border] = field(default_factory=dict)
    is_default: bool = False  # w:default="1": the default style of its kind


def _read_theme_fonts(theme_xml: bytes | None, parse) -> dict[str, str]:
    """Theme font names keyed by the w:*Theme attribute values."""
    if not theme_xml:
        return {}
    root = parse(theme_xml)
    out: dict[str, str] = {}
    for kind in ("major", "minor"):
        fonts = root.find(f".//{{{A}}}{kind}Font")
        if fonts is None:
            continue
        latin = fonts.find(f"{{{A}}}latin")
        ea = fonts.find(f"{{{A}}}ea")
        hans = fonts.find(f"{{{A}}}font[@script='Hans']")
        latin_name = latin.get("typeface") if latin is not None else ""
        ea_name = ea.get("typeface") if ea is not None else ""
        if not ea_name and hans is not None:
            ea_name = hans.get("typeface") or ""
        out[f"{kind}HAnsi"] = latin_name
        out[f"{kind}Ascii"] = latin_name
        out[f"{kind}EastAsia"] = ea_name or latin_name
        out[f"{kind}Bidi"] = latin_name
    return {k: v for k, v in out.items() if v}


class StyleSheet:
    """Effective properties from styles.xml; build with :meth:`from_xml`."""

    def __init__(self, styles: dict[str, _Style], default_p: dict[str, Any],
                 default_r: dict[str, Any], theme: dict[str, str]):
        self.styles = styles
        self.default_p = default_p
        self.default_r = default_r
        self.theme = theme
        self.default_para = next((s.style_id for s in styles.values()
                                  if s.kind == "paragraph" and getattr(s, "is_default", False)),
                                 None)
        self._p_cache: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._c_cache: dict[str, dict[str, Any]] = {}
        # (paragraph style, character style, table style, direct properties…) -> the run's
        # properties: runs formatted alike resolve once (see run_props)
        self._r_cache: dict[tuple, RunProps] = {}
        self._pp_cache: dict[tuple, ParaProps] = {}  # the same for paragraphs (para_props)

    @classmethod
    def from_xml(cls, styles_xml: bytes | None, theme_xml: bytes | None, parse) -> StyleSheet:
        theme = _read_theme_fonts(theme_xml, parse)
        styles: dict[str, _Style] = {}
        default_p: dict[str, Any] = {}
        default_r: dict[str, Any] = {}
        default_para = None
        if styles_xml:
            root = parse(styles_xml)
            dd = root.find(w("docDefaults"))
            if dd is not None:
                junk: list[str] = []
                default_r = parse_rpr(dd.find(f"{w('rPrDefault')}/{w('rPr')}"), theme, junk)
                default_p = parse_ppr(dd.find(f"{w('pPrDefault')}/{w('pPr')}"), junk)
            for st in root.iter(w("style")):
                sid = wattr(st, "styleId") or ""
                kind = wattr(st, "type") or "paragraph"
                name_el = st.find(w("name"))
                based = st.find(w("basedOn"))
                unknown: list[str] = []
                s = _Style(
                    sid, kind,
                    wattr(name_el, "val") if name_el is not None else sid,
                    wattr(based, "val") if based is not None else None,
                    parse_ppr(st.find(w("pPr")), unknown),
                    parse_rpr(st.find(w("rPr")), theme, unknown),
                    unknown,
                )
                if kind == "table":
                    s.tbl_borders = parse_borders(st.find(f"{w('tblPr')}/{w('tblBorders')}"))
                styles[sid] = s
                s.is_default = _on_attr(st, "default")
                if kind == "paragraph" and _on_attr(st, "default"):
                    default_para = sid
        sheet = cls(styles, default_p, default_r, theme)
        sheet.default_para = default_para
        return sheet

    def _chain(self, sid: str | None, kind: str) -> list[_Style]:
        chain: list[_Style] = []
        seen: set[str] = set()
        while sid and sid in self.styles and sid not in seen:
            st = self.styles[sid]
            if st.kind != kind:
                break
            seen.add(sid)
            chain.append(st)
            sid = st.based_on
        return list(reversed(chain))

    def style_unknown(self, sid: str | None, kind: str) -> list[str]:
        """Unsupported property elements anywhere in a style's basedOn chain."""
        out: list[str] = []
        for st in self._chain(sid, kind):
            out.extend(st.unknown)
        return out

    def para_style_id(self, sid: str | None) -> str | None:
        if sid and sid in self.styles:
            return sid
        return self.default_para

    def _para_dicts(self, sid: str | None,
                    table: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Merged paragraph/run dicts: doc defaults → table style (in a table) → paragraph
        style chain (ECMA-376 §17.7.2's order)."""
        key = f"{sid or ''}\0{table or ''}"
        if key not in self._p_cache:
            p = dict(self.default_p)
            r = dict(self.default_r)
            for st in self._chain(table, "table") if table else ():
                _merge_p(p, st.ppr)
                r.update(st.rpr)
            for st in self._chain(sid, "paragraph"):
                _merge_p(p, st.ppr)
                r.update(st.rpr)
            self._p_cache[key] = (p, r)
        return self._p_cache[key]

    def table_style_id(self, sid: str | None) -> str | None:
        """The table style a table uses: its own, or the document's default table style."""
        if sid and sid in self.styles:
            return sid
        return next((s.style_id for s in self.styles.values()
                     if s.kind == "table" and s.is_default), None)

    def _char_dict(self, sid: str | None) -> dict[str, Any]:
        key = sid or ""
        if key not in self._c_cache:
            r: dict[str, Any] = {}
            for st in self._chain(sid, "character"):
                r.update(st.rpr)
            self._c_cache[key] = r
        return self._c_cache[key]

    def para_props(self, sid: str | None, direct: dict[str, Any],
                   mark_direct: dict[str, Any] | None = None,
                   table: str | None = None) -> ParaProps:
        """The effective properties of a paragraph (and of its mark, ``mark``).

        As :meth:`run_props`: new objects at each call, paragraphs formatted alike
        resolved once per style sheet and copied.
        """
        key = (sid, table, *direct.items(), None, *(mark_direct or {}).items())
        props, made = _once(self._pp_cache, key,
                            lambda: self._para_props(sid, direct, mark_direct, table))
        return props if made else copied(props, mark=copied(props.mark))

    def _para_props(self, sid: str | None, direct: dict[str, Any],
                    mark_direct: dict[str, Any] | None, table: str | None) -> ParaProps:
        sid = self.para_style_id(sid)
        p, r = self._para_dicts(sid, table)
        merged = dict(p)
        _merge_p(merged, direct)
        mark = dict(r)
        mark.update(mark_direct or {})
        kwargs = {k: v for k, v in merged.items() if k in _PARA_KEYS}
        st = self.styles.get(sid or "")
        return ParaProps(style_id=sid, style_name=st.name if st else None,
                         mark=_run_from(mark), table_style=table, **kwargs)

    def run_props(self, para_sid: str | None, char_sid: str | None,
                  direct: dict[str, Any], table: str | None = None) -> RunProps:
        """The effective properties of a run: doc defaults, table, paragraph and character
        styles, then its own (``direct``).

        Each call returns a new object, as layout tells runs apart by identity (a segment
        joins the next only if their runs' properties are the same object); runs formatted
        alike are resolved once per style sheet and copied.
        """
        props, made = _once(self._r_cache, (para_sid, char_sid, table, *direct.items()),
                            lambda: self._run_props(para_sid, char_sid, direct, table))
        return props if made else copied(props)

    def _run_props(self, para_sid: str | None, char_sid: str | None,
                   direct: dict[str, Any], table: str | None) -> RunProps:
        _, r = self._para_dicts(self.para_style_id(para_sid), table)
        merged = dict(r)
        merged.update(self._char_dict(char_sid))
        merged.update(direct)
        return _run_from(merged)

    def table_borders(self, sid: str | None) -> dict[str, Border | None]:
        """Table-level borders defined by a table style's basedOn chain."""
        out: dict[str, Border | None] = {}
        for st in self._chain(sid, "table"):
            out.update(st.tbl_borders)
        return out


def _once(cache: dict[tuple, Any], key: tuple, make: Callable[[], Any]) -> tuple[Any, bool]:
    """(``make()``'s value for ``key``, whether this call made it): made once per key; a key
    holding a value that cannot be hashed (none of the parsers' do) is made every time."""
    try:
        known = cache.get(key)
    except TypeError:
        return make(), True
    if known is None:
        known = cache[key] = make()
        return known, True
    return known, False


def _on_attr(el: etree._Element, name: str) -> bool:
    v = wattr(el, name)
    return v is not None and v.lower() in ("1", "true", "on")


def _merge_p(base: dict[str, Any], over: dict[str, Any]) -> None:
    """Merge paragraph dicts; a twip indent given later cancels an inherited *Chars one."""
    for key, val in over.items():
        if key in ("left", "right", "first"):
            chars = key + "_chars"
            if chars not in over:
                base.pop(chars, None)
        base[key] = val
