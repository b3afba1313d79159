"""Compose one paragraph into lines of positioned text (no pagination).

Takes a :class:`~docgen.pdf.docx_reader.Paragraph`, the width of its text
column, the section's document grid and a :class:`FontBook`; returns a
:class:`ParaBox`: the spacing before/after, and :class:`LineBox` lines whose
frames are positioned relative to the column's left edge and the line's
baseline.  Line breaking and justification come from
:mod:`docgen.pdf.linebreak`; each character is set in the run's East Asian
font when it is CJK (:func:`~docgen.pdf.linebreak.is_cjk`) and in its
ascii/hAnsi font otherwise.
"""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from operator import attrgetter

from docgen.errors import DocgenWarning, Location
from docgen.pdf.docx_reader import Break, Field, Image, Paragraph, Tab, Text
from docgen.pdf.frames import Frame, ImageFrame, RectFrame, RuleFrame, TextFrame
from docgen.pdf.grid import grid_line
from docgen.pdf.linebreak import (
    break_lines,
    is_cjk,
    justify_gap,
    run_clusters,
    runs_of,
    trim_trailing,
)
from docgen.pdf.metrics import Face, FontBook
from docgen.pdf.records import instance
from docgen.pdf.styles import Border, ParaProps, RunProps

EPS = 0.01
EXACT_BASELINE = 0.8  # baseline position in an exact-height line, as a fraction from its top
AUTO_SPACE_EM = 0.22  # CJK/Latin auto spacing, measured on LibreOffice 7.4 output


def _ideograph(ch: str) -> bool:
    return is_cjk(ch) and unicodedata.category(ch) == "Lo"


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_TEXT = attrgetter("text")
_KIND = attrgetter("kind")


def apply_auto_space(atoms: list[Atom], edges: list[int] | None = None) -> None:
    """Add the CJK↔Latin gap (w:autoSpaceDE/DN) after atoms on such a boundary.

    ``edges``: the atom indices where a run of text that is not East Asian starts or
    ends (:func:`build_atoms` records them) — an ideograph meets a Latin letter or
    digit only there; without them every pair of atoms is looked at.  The atom is
    replaced, not changed: :func:`build_atoms` shares one atom among the same
    character's occurrences in a run.
    """
    n = len(atoms)
    if edges is not None:
        pairs = sorted({k - 1 for k in edges if 0 < k < n})
    else:
        pairs = [i for i in range(n - 1)
                 if atoms[i].text[-1:].isascii() or atoms[i + 1].text[:1].isascii()]
    for i in pairs:
        a, b = atoms[i], atoms[i + 1]
        x, y = a.text[-1:], b.text[:1]
        if not (x.isascii() or y.isascii()):
            continue
        if a.kind != "text" or b.kind != "text" or not a.segs or not b.segs or not x or not y:
            continue
        if (_latin(y) and _ideograph(x)) or (_latin(x) and _ideograph(y)):
            seg = b.segs[0] if _latin(y) else a.segs[-1]
            extra = AUTO_SPACE_EM * seg.size
            atoms[i] = Atom(a.text, a.width + extra, a.segs, a.kind, a.image, extra, a.fast)


@dataclass(slots=True)
class Seg:
    """Part of an atom set in one face with one run's properties, with its advance."""

    text: str
    face: Face
    rp: RunProps
    size: float
    width: float
    rise: float = 0.0
    missing: str = ""  # the character this segment stands for, that no font has
    # the run's own face: its metrics size the line, so a fallback glyph does not make the
    # line taller (Word keeps the line height of the run's font)
    line_face: Face | None = None
    # its frame_style when it is set as its run's atoms are (their ``fast``): a Latin word's
    style: tuple | None = None


@dataclass(slots=True)
class Atom:
    """An unbreakable unit of a paragraph for line breaking (text, tab, break or image)."""

    text: str
    width: float
    segs: list[Seg] = field(default_factory=list)
    kind: str = "text"  # text, tab, break, page, image
    image: Image | None = None
    extra: float = 0.0  # trailing space (CJK/Latin auto spacing), included in width
    # a one-character atom of its run's own face: the run's :func:`frame_style`, one tuple
    # shared by the run's atoms, so a line's frame joins it by identity (_line_frames)
    fast: tuple | None = None


@dataclass
class LineBox:
    """One composed line: its height, baseline and frames, relative to the line's top."""

    height: float
    baseline: float  # from the line's top
    frames: list[Frame]
    text: str
    x0: float
    x1: float
    page_break_after: bool = False


@dataclass
class ParaBox:
    """A paragraph composed into lines, with its spacing, indents, borders and anchored images."""

    para: Paragraph
    index: int
    lines: list[LineBox]
    before: float
    after: float
    left: float
    right: float
    anchors: list[Image] = field(default_factory=list)
    borders: dict[str, Border] = field(default_factory=dict)

    @property
    def props(self) -> ParaProps:
        return self.para.props

    @property
    def height(self) -> float:
        return self.before + sum(ln.height for ln in self.lines) + self.after


@dataclass
class ComposeContext:
    """What composing a section's paragraphs shares: font book, grid pitch, default tab, fields, atoms."""

    book: FontBook
    grid_pitch: float | None = None  # document grid line pitch (points), None = no grid
    default_tab: float = 21.0
    fields: dict[str, str] = field(default_factory=dict)
    # (run properties, East Asian?) -> (character -> its one-character atom, the key of the
    # plain ones), shared by the section's paragraphs (build_atoms)
    atoms: dict[tuple[RunProps, bool], tuple[dict[str, Atom], tuple]] = field(default_factory=dict)


def _fmt_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        out, k = "", n
        for v, s in vals:
            while k >= v:
                out += s
                k -= v
        return out if fmt == "upperRoman" else out.lower()
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional"):
        digits = "〇一二三四五六七八九"
        if n < 10:
            return digits[n]
        if n < 20:
            return "十" + (digits[n % 10] if n % 10 else "")
        if n < 100:
            return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def format_page_number(n: int, fmt: str) -> str:
    """A page number in a w:pgNumType / field format."""
    return _fmt_number(n, fmt)


def _face_for(book: FontBook, rp: RunProps, ch: str) -> Face:
    name = rp.font_east_asia if is_cjk(ch) else rp.font_ascii
    return book.face(name, rp.bold)


def _run_metrics(rp: RunProps) -> tuple[float, float, float]:
    """(size, rise, advance factor per 1000 units) of a run (super/subscript shrink and raise)."""
    small = rp.vert_align in ("superscript", "subscript")
    size = rp.size * (2 / 3 if small else 1)
    rise = rp.size / 3 if rp.vert_align == "superscript" else (
        -rp.size / 8 if rp.vert_align == "subscript" else 0.0)
    return size, rise, size / 1000 * rp.scale / 100


PLACEHOLDER = "\u25a1"  # □: drawn (and named in a warning) for a character no font has


def _invisible(ch: str) -> bool:
    """Format and control characters, variation selectors: nothing to draw."""
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
            or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


def _cover(book: FontBook, face: Face, ch: str, rp: RunProps) -> tuple[Face, str, str]:
    """(face, text to draw, character not drawn) for ``ch``, which ``face`` lacks.

    Tried in order: the run's other font (East Asian / Latin), the fallback
    chain of the face's style (:meth:`FontBook.cover`), then □ standing for
    a character no installed font has.  Invisible characters draw nothing;
    a space draws as an ordinary space.  The result never names a glyph its
    face lacks, so no PDF holds a .notdef glyph.
    """
    if _invisible(ch):
        return face, "", ""
    private = 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) >= 0xF0000
    if unicodedata.category(ch) == "Zs" and face.has(" "):
        return face, " ", ""
    cjk = is_cjk(ch)
    other = rp.font_ascii if cjk else rp.font_east_asia
    alt = book.face(other, rp.bold)
    if alt.has(ch):
        return alt, ch, ""
    cover = getattr(book, "cover", None)
    # A private-use code point means something only in the document's own font
    # (造字, a symbol font): another font's glyph there would be a wrong character.
    found = None if private or cover is None else cover(
        face, ch, rp.bold, cjk or unicodedata.category(ch) == "Lo")
    if found is not None:
        return found, ch, ""
    if face.has(PLACEHOLDER):
        return face, PLACEHOLDER, ch
    found = cover(face, PLACEHOLDER, rp.bold, True) if cover else None
    return (found, PLACEHOLDER, ch) if found is not None else (face, "", ch)


def _segments(text: str, rps: list[RunProps], book: FontBook,
              runs: dict[int, tuple[float, float, float]] | None = None) -> list[Seg]:
    """Split ``text`` (one cluster) into same-face same-props segments.

    Each character goes to the first font that has it (:func:`_cover`).
    ``runs`` caches :func:`_run_metrics` by ``id(rp)`` for one paragraph.
    """
    segs: list[Seg] = []
    last: Seg | None = None
    for ch, rp in zip(text, rps, strict=True):
        face = primary = book.face(rp.font_east_asia if is_cjk(ch) else rp.font_ascii, rp.bold)
        draw, missing = ch, ""
        if not face.has(ch):
            face, draw, missing = _cover(book, face, ch, rp)
            if not draw and not missing:
                continue
        if runs is None:
            size, rise, k = _run_metrics(rp)
        else:
            m = runs.get(id(rp))
            if m is None:
                m = runs[id(rp)] = _run_metrics(rp)
            size, rise, k = m
        adv = (face.advance(draw) * k + rp.spacing) if draw else 0.0
        if not missing and last is not None and last.face is face and last.rp is rp \
                and not last.missing and last.line_face is primary:
            last.text += draw
            last.width += adv
        else:
            last = Seg(draw, face, rp, size, adv, rise, missing, primary)
            segs.append(last)
    return segs


def _atom_of(cluster: str, segs: list[Seg]) -> Atom:
    """The atom of a cluster drawn in these segments (several faces, or a fallback's)."""
    return Atom(cluster, segs[0].width if len(segs) == 1 else sum(s.width for s in segs), segs)


def _styled(atom: Atom, style: tuple) -> Atom:
    """``atom`` with ``style`` (its run's frame_style) given to the segments set like it."""
    for s in atom.segs:
        if s.face is style[0] and s.size == style[2] and s.rise == style[3] and not s.missing:
            s.style = style
    return atom


def build_atoms(para: Paragraph, ctx: ComposeContext,
                edges: list[int] | None = None) -> tuple[list[Atom], list[Image]]:
    """The paragraph's atoms (see :mod:`linebreak`) and its anchored images.

    Most atoms are one character its run's own font has: those take a fast path
    (the run's faces and metrics looked up once per run); clusters and characters
    that need a fallback font go through :func:`_segments`.
    """
    atoms: list[Atom] = []
    anchors: list[Image] = []
    buf: list[str] = []
    rps: list[RunProps] = []
    runs: dict[int, tuple[float, float, float]] = {}
    book = ctx.book
    # (run, East Asian?) -> (face, size, rise, advance factor, spacing); a face is looked up
    # only for the script that uses it, so the document records only fonts it drew with
    run_faces: dict[tuple[int, bool], tuple[Face, float, float, float, float]] = {}
    # (run, East Asian?) -> character -> its one-character atom, shared by the character's
    # occurrences in runs of equal properties across the section (ctx.atoms; atoms are
    # never changed, only replaced); looked up once per run and script in this paragraph
    made_atoms: dict[tuple[int, bool], tuple[dict[str, Atom], tuple]] = {}
    shared = ctx.atoms
    ends: list[int] = []  # the end offset in the buffer of each run of text put in it

    def face_of(rp: RunProps, cjk: bool) -> tuple[Face, float, float, float, float]:
        got = run_faces.get((id(rp), cjk))
        if got is None:
            m = runs.get(id(rp))
            if m is None:
                m = runs[id(rp)] = _run_metrics(rp)
            size, rise, k = m
            face = book.face(rp.font_east_asia if cjk else rp.font_ascii, rp.bold)
            got = run_faces[(id(rp), cjk)] = (face, size, rise, k, rp.spacing)
        return got

    def group(rp: RunProps, cjk: bool) -> tuple[dict[str, Atom], tuple]:
        """The atoms of ``rp``'s characters in one script, and the key of its plain ones."""
        found = made_atoms.get((id(rp), cjk))
        if found is None:
            face, size, rise, _, _ = face_of(rp, cjk)  # looked up (and recorded) per paragraph
            found = shared.get((rp, cjk))
            if found is None:
                found = shared[(rp, cjk)] = ({}, frame_style(face, rp, size, rise))
            made_atoms[(id(rp), cjk)] = found
        return found

    def single(ch: str, rp: RunProps, cjk: bool, fast: tuple, pos: int) -> Atom:
        """A new one-character atom (the face's glyph, or a fallback font's via _segments)."""
        face, size, rise, k, spacing = face_of(rp, cjk)
        cmap = face.cmap()
        if cmap is None or ord(ch) in cmap:
            w = face.widths.get(ch)
            adv = (face.advance(ch) if w is None else w) * k + spacing
            seg = Seg(ch, face, rp, size, adv, rise, "", face)
            return Atom(ch, adv, [seg], "text", None, 0.0,
                        None if rp.highlight or rp.shading else fast)
        return _atom_of(ch, _segments(ch, rps[pos:pos + 1], book, runs))

    def word(cl: str, rp: RunProps, cjk: bool, fast: tuple, pos: int) -> Atom:
        """A new atom of a cluster of one run (a Latin word, a doubled dash): one segment
        when the run's face has every character, as _segments would make it (advances
        added left to right), else _segments' fallback fonts."""
        face, size, rise, k, spacing = face_of(rp, cjk)
        cmap = face.cmap()
        if cmap is not None and not all(map(cmap.__contains__, map(ord, cl))):
            return _styled(_atom_of(cl, _segments(cl, rps[pos:pos + len(cl)], book, runs)), fast)
        widths = face.widths
        width = 0.0
        for j, ch in enumerate(cl):
            w = widths.get(ch)
            adv = (face.advance(ch) if w is None else w) * k + spacing
            width = adv if j == 0 else width + adv
        return _styled(Atom(cl, width, [Seg(cl, face, rp, size, width, rise, "", face)]), fast)

    def flush() -> None:
        if not buf:
            return
        text = "".join(buf)
        pos = 0
        append = atoms.append
        for cjk, piece in runs_of(text):
            found = run_clusters(piece, cjk)
            if found is None:
                # East Asian characters, a cluster each: taken run by run, not one by one
                end = pos + len(piece)
                while pos < end:
                    rp = rps[pos]
                    stop = min(end, ends[bisect_right(ends, pos)])
                    made, fast = group(rp, True)
                    chars = text[pos:stop]
                    known = len(atoms)
                    try:
                        atoms.extend(map(made.__getitem__, chars))
                    except KeyError:  # a character new to the run's properties
                        del atoms[known:]
                        for j, ch in enumerate(chars):
                            if ch not in made:
                                made[ch] = single(ch, rp, True, fast, pos + j)
                        atoms.extend(map(made.__getitem__, chars))
                    pos = stop
                continue
            if not cjk and edges is not None:
                edges.append(len(atoms))  # where text that is not East Asian starts …
            last_rp = None
            for cl in found:
                n = len(cl)
                rp = rps[pos]
                if n == 1 or ends[bisect_right(ends, pos)] >= pos + n:  # within one text run
                    if rp is not last_rp:
                        made, fast = group(rp, cjk)
                        last_rp = rp
                    atom = made.get(cl)
                    if atom is None:
                        atom = made[cl] = (single(cl, rp, cjk, fast, pos) if n == 1 else
                                           word(cl, rp, cjk, fast, pos))
                else:
                    atom = _atom_of(cl, _segments(cl, rps[pos:pos + n], book, runs))
                append(atom)
                pos += n
            if not cjk and edges is not None:
                edges.append(len(atoms))  # … and ends
        buf.clear()
        rps.clear()
        ends.clear()

    for item in para.items:
        if isinstance(item, Text):
            if item.rp.hidden:
                continue
            buf.append(item.text)
            rps.extend([item.rp] * len(item.text))
            ends.append(len(rps))
        elif isinstance(item, Field):
            value = ctx.fields.get(item.code, "1")
            if item.code == "PAGE" and value.isdigit():
                value = _fmt_number(int(value), item.fmt)
            buf.append(value)
            rps.extend([item.rp] * len(value))
            ends.append(len(rps))
        else:
            flush()
            if isinstance(item, Tab):
                face = _face_for(book, item.rp, " ")
                atoms.append(Atom("\t", 0.0, [Seg("", face, item.rp, item.rp.size, 0.0)], "tab"))
            elif isinstance(item, Break):
                atoms.append(Atom("\n", 0.0, [], "break" if item.kind == "line" else "page"))
            elif isinstance(item, Image):
                if item.anchor is not None:
                    anchors.append(item)
                else:
                    atoms.append(Atom("\ufffc", item.width, [], "image", item))
    flush()
    return atoms, anchors


# w:tab w:val -> how the text after the tab sits at the stop ("decimal" approximated as right).
_TAB_KINDS = {"left": "left", "start": "left", "num": "left", "right": "right", "end": "right",
              "decimal": "right", "center": "center"}


def _segment_after(atoms: list[Atom], i: int) -> float:
    """Width of the atoms after tab ``i`` up to the next tab, break or the paragraph end."""
    w = 0.0
    for a in atoms[i + 1:]:
        if a.kind in ("tab", "break", "page"):
            break
        w += a.width
    return w


def _indents(props: ParaProps) -> tuple[float, float, float]:
    unit = props.mark.size
    left = props.left_chars * unit if props.left_chars is not None else props.left
    right = props.right_chars * unit if props.right_chars is not None else props.right
    first = props.first_chars * unit if props.first_chars is not None else props.first
    return left, right, first


def _line_metrics(atoms: list[Atom], start: int, end: int,
                  mark: tuple[float, float]) -> tuple[float, float]:
    asc, desc = 0.0, 0.0
    seen = None  # the last segment's (face, size, rise): the same again changes nothing
    last_fast = None  # the previous atom's run key: the same key, the same metrics
    for a in atoms[start:end]:
        fast = a.fast
        if fast is not None and fast is last_fast:
            continue
        last_fast = fast
        if a.kind == "image" and a.image is not None:
            asc = max(asc, a.image.height)
        for s in a.segs:
            f = s.line_face or s.face
            if seen is not None and seen[0] is f and seen[1] == s.size and seen[2] == s.rise:
                continue
            seen = (f, s.size, s.rise)
            asc = max(asc, (f.line_ascent or f.ascent) * s.size / 1000 + max(s.rise, 0))
            desc = max(desc, (f.line_descent or f.descent) * s.size / 1000 - min(s.rise, 0))
    if asc == 0 and desc == 0:
        return mark
    return asc, desc


def line_height(props: ParaProps, asc: float, desc: float, grid: float | None) -> tuple[float, float]:
    """(height, baseline from top) of a line whose glyphs reach ``asc`` up and ``desc`` down."""
    natural = asc + desc
    if grid and props.snap_to_grid:
        # Word's rule where the paragraph's spacing is not the grid's (pdf/grid.py)
        word = grid_line(props.line_rule, props.line, props.line_multiple, asc, desc, grid)
        if word is not None:
            return word
        # Otherwise a line takes as many grid lines as its glyphs need and is centred in
        # them (measured on LibreOffice 7.4 with 12-36 pt Fandol and WenQuanYi lines,
        # exact 28.95/43 pt).
        h = max(1, math.ceil(natural / grid - 1e-6)) * grid
        return h, (h - natural) / 2 + asc
    if props.line_rule == "exact" and props.line:
        # Word and LibreOffice set the baseline of an exact-height line 80 % of the
        # way down, whatever the font (measured on LibreOffice 7.4: 16 pt in 28.95 pt,
        # 20 in 40, 36 in 60): the extra space is not shared equally above and below.
        return props.line, EXACT_BASELINE * props.line
    if props.line_rule == "atLeast" and props.line:
        h = max(natural, props.line)
    else:
        h = natural * props.line_multiple
    return h, (h - natural) / 2 + asc


def compose_paragraph(para: Paragraph, index: int, width: float,
                      ctx: ComposeContext) -> ParaBox:
    """Break ``para`` into lines for a column ``width`` points wide."""
    props = para.props
    left, right, first = _indents(props)
    edges: list[int] = []
    atoms, anchors = build_atoms(para, ctx, edges)
    if props.auto_space:
        apply_auto_space(atoms, edges)
    first_w = width - left - right - first
    other_w = width - left - right

    def tab_stop(i: int, x: float, is_first: bool) -> tuple[float, str]:
        """(advance of tab ``i`` at ``x``, the leader of its stop)."""
        origin = left + (first if is_first else 0.0)
        pos = origin + x
        for align, stop, leader in props.tabs:
            if align == "bar" or stop <= pos + EPS:
                continue
            kind = _TAB_KINDS.get(align, "left")
            if kind == "left":
                return stop - pos, leader
            after = _segment_after(atoms, i)  # the text the tab aligns, up to the next tab
            return max(stop - pos - (after if kind == "right" else after / 2), 0.0), leader
        step = ctx.default_tab or 21.0
        return (math.floor(pos / step + EPS) + 1) * step - pos, "none"

    def tab_width(i: int, x: float, is_first: bool) -> float:
        return tab_stop(i, x, is_first)[0]

    texts = list(map(_TEXT, atoms))
    breaks: list[int] = []
    if "\n" in texts:  # a break's text (a text atom may be a newline too: the kinds decide)
        breaks = [i for i, kind in enumerate(map(_KIND, atoms)) if kind == "break" or kind == "page"]
    lines = break_lines(atoms, first_w, other_w, breaks=breaks, tab_width=tab_width, texts=texts)
    mark_face = ctx.book.face(props.mark.font_east_asia, props.mark.bold)
    mark = ((mark_face.line_ascent or mark_face.ascent) * props.mark.size / 1000,
            (mark_face.line_descent or mark_face.descent) * props.mark.size / 1000)
    boxes: list[LineBox] = []
    heights: dict[tuple[float, float], tuple[float, float]] = {}  # line_height by metrics
    for n, line in enumerate(lines):
        is_first = n == 0
        is_last = n == len(lines) - 1
        avail = first_w if is_first else other_w
        origin = left + (first if is_first else 0.0)
        metrics = _line_metrics(atoms, line.start, line.end, mark)
        got = heights.get(metrics)
        if got is None:
            got = heights[metrics] = line_height(props, *metrics, ctx.grid_pitch)
        h, base = got
        gap = 0.0
        justify = props.align == "distribute" or (
            props.align == "both" and not is_last and not line.forced)
        stop = trim_trailing(atoms, line.start, line.end)
        if justify:
            gap = justify_gap(atoms, line, avail, stop)
            used = line.width + gap * max(stop - line.start - 1, 0)
        else:
            used = line.width
        if props.align == "center":
            origin += (avail - used) / 2
        elif props.align == "right":
            origin += avail - used
        frames, text, x_end = _line_frames(atoms, line.start, stop, origin, gap, tab_stop,
                                           is_first, texts)
        page_break = line.forced and line.end < len(atoms) and atoms[line.end].kind == "page"
        boxes.append(LineBox(h, base, frames, text, origin, x_end, page_break))
    before = props.before_lines * (ctx.grid_pitch or 12.0) if props.before_lines else props.before
    after = props.after_lines * (ctx.grid_pitch or 12.0) if props.after_lines else props.after
    borders = dict(props.borders)
    if "top" in borders:
        before += borders["top"].space + borders["top"].width
    if "bottom" in borders:
        after += borders["bottom"].space + borders["bottom"].width
    return ParaBox(para, index, boxes, before, after, left, right, anchors, borders)


# w:tab w:leader -> the character repeated up to the stop ("underscore" is a rule)
_LEADERS = {"dot": ".", "hyphen": "-", "middleDot": "\u00b7", "heavy": "."}
OBLIQUE = 0.21  # shear of simulated italic: about 12 degrees, as Word and LibreOffice slant
# w:highlight names -> fill colours
_HIGHLIGHT = {
    "yellow": "FFFF00", "green": "00FF00", "cyan": "00FFFF", "magenta": "FF00FF", "blue": "0000FF",
    "red": "FF0000", "darkBlue": "000080", "darkCyan": "008080", "darkGreen": "008000",
    "darkMagenta": "800080", "darkRed": "800000", "darkYellow": "808000", "darkGray": "808080",
    "lightGray": "C0C0C0", "black": "000000", "white": "FFFFFF",
}


def _leader_frames(seg: Seg, x: float, width: float, leader: str) -> list[Frame]:
    """Dots (or a rule) filling a tab's advance up to its stop."""
    if leader == "underscore":
        y = seg.size * 0.12
        return [RuleFrame(x, y, x + width, y, seg.size / 18, seg.rp.color)]
    ch = _LEADERS.get(leader)
    if ch is None or not seg.face.has(ch):
        return []
    adv = seg.face.advance(ch) * seg.size / 1000
    n = int((width - 0.5 * adv) // adv) if adv > 0 else 0
    if n <= 0:
        return []
    return [TextFrame(x + width - n * adv, 0.0, ch * n, seg.face.name, seg.size, seg.rp.color,
                      width=n * adv)]


def _back(s: Seg, x: float, width: float) -> RectFrame | None:
    """The highlight (w:highlight) or run shading (w:shd) behind a segment."""
    fill = _HIGHLIGHT.get(s.rp.highlight or "") or s.rp.shading
    if not fill or width <= 0:
        return None
    asc = (s.face.line_ascent or s.face.ascent) * s.size / 1000
    desc = (s.face.line_descent or s.face.descent) * s.size / 1000
    return RectFrame(x, -asc - s.rise, width, asc + desc, fill)


# TextFrame's fields in order, with their defaults (the required ones: frame_style sets them)
_TEXT_FRAME_FIELDS = {f.name: f.default for f in dataclass_fields(TextFrame)}


def frame_style(face: Face, rp: RunProps, size: float, rise: float) -> tuple:
    """(face, run props, size, rise, key, fields) of the text frames of a segment so set.

    ``key``: what decides whether two segments may share a frame; ``fields``: the frame's
    fields but its position, text, width and character spacing (every field, in the
    class's order), copied for each frame.  Built once per run (:func:`build_atoms` keeps
    it as its atoms' ``fast``), or per segment of another face.
    """
    fields = dict(_TEXT_FRAME_FIELDS)  # every field in the class's order, its defaults
    fields.update(x=0.0, y=-rise, text="", font=face.name, size=size, color=rp.color,
                  fake_bold=face.fake_bold, underline=rp.underline, strike=rp.strike,
                  skew=OBLIQUE if rp.italic else 0.0,
                  underline_style=rp.underline_style if rp.underline else "single",
                  strike_style="double" if rp.double_strike else "single")
    key = (face.name, size, rp.color, face.fake_bold or False, rp.underline, rp.strike, rise,
           rp.italic, rp.underline_style, rp.double_strike)
    return face, rp, size, rise, key, fields


def _line_frames(atoms: list[Atom], start: int, stop: int, x: float, gap: float,
                 tab_stop, is_first: bool, texts: list[str] | None = None
                 ) -> tuple[list[Frame], str, float]:
    """The frames of a line's atoms ``start:stop`` (its trailing spaces left out) set from
    ``x`` with ``gap`` after each, the line's text and where it ends (``texts``: the atoms'
    texts, if the caller has them)."""
    frames: list[Frame] = []
    backs: list[Frame] = []  # highlights and shading, drawn under the text
    cur: dict | None = None  # an open frame's fields (but its text and width, below)
    cur_key: tuple | None = None  # and its frame_style key
    cur_parts: list[str] = []
    cur_w = 0.0
    # the open run's (face, run props, size, rise) when its run props draw nothing behind the
    # text: a single-character atom with the same four joins it without building its key
    fast: tuple | None = None
    # the frame_style of the last segment, and of the last one with no run style of its own
    key_of: tuple = (None, None, None, None, None, None)
    other = key_of

    def close() -> None:
        nonlocal cur, fast
        if cur is not None:
            cur["text"] = "".join(cur_parts)
            cur["width"] = cur_w
            frames.append(instance(TextFrame, cur))  # one per run of every line: no __init__
            cur = fast = None

    x0 = x
    after_plain = gap + 0.0  # what follows a plain atom (its extra is 0.0)
    for i in range(start, stop):
        a = atoms[i]
        if fast is not None:
            if a.fast is fast and not a.extra:  # a shared key: this run, this face, plain
                w = a.width  # its one segment's width and text are the atom's
                cur_parts.append(a.text)
                cur_w += w + gap
                x += w
                x += after_plain
                continue
            if len(a.segs) == 1 and a.kind == "text":
                s = a.segs[0]
                if (s.face is fast[0] and s.rp is fast[1] and s.size == fast[2]
                        and s.rise == fast[3] and len(a.text) == 1 and not a.extra
                        and not s.missing):
                    cur_parts.append(s.text)
                    cur_w += s.width + gap
                    x += s.width
                    x += gap + a.extra
                    continue
        if a.kind == "tab":
            close()
            advance, leader = tab_stop(i, x - x0, is_first)
            if leader not in ("none", "") and a.segs:
                frames.extend(_leader_frames(a.segs[0], x, advance, leader))
            x += advance
            x += gap
            continue
        if a.kind == "image" and a.image is not None:
            close()
            frames.append(ImageFrame(x, -a.image.height, a.image.width, a.image.height,
                                     a.image.data, name=a.image.name))
            x += a.width + gap
            continue
        single = len(a.segs) == 1 and len(a.text) == 1 and not a.extra and not a.segs[0].missing
        for s in a.segs:
            rp = s.rp
            tc = rp.spacing + (gap if single else 0.0)
            if rp.highlight or rp.shading:
                back = _back(s, x, s.width + (gap + a.extra if s is a.segs[-1] else 0.0))
                if back is not None:
                    backs.append(back)
            if not (key_of[0] is s.face and key_of[1] is rp and key_of[2] == s.size
                    and key_of[3] == s.rise):
                style = a.fast if single else s.style  # the run's style, if set like it
                if style is not None:
                    key_of = style
                elif (other[0] is s.face and other[1] is rp and other[2] == s.size
                      and other[3] == s.rise):
                    key_of = other
                else:
                    key_of = other = frame_style(s.face, rp, s.size, s.rise)
            key = key_of[4]
            if (single and cur is not None and cur_key == key
                    and abs(cur["char_space"] - tc) < 1e-6):
                cur_parts.append(s.text)
                cur_w += s.width + gap
            else:
                close()
                cur = dict(key_of[5])
                cur["x"] = x
                cur["char_space"] = tc
                cur_key = key
                cur_parts = [s.text]
                cur_w = s.width + (gap if single else 0.0)
                if s.missing:
                    cur["missing"] = s.missing
                    close()
                elif single and not (rp.highlight or rp.shading):
                    fast = a.fast if a.fast is not None else key_of
            x += s.width
            if not single:
                close()
        x += gap + a.extra
        if not single:
            close()
    close()
    x_end = x - gap if stop > start else x
    # the line's text, a tab as a space
    text = "".join(texts[start:stop] if texts is not None else map(_TEXT, atoms[start:stop]))
    if "\t" in text:
        text = "".join([" " if a.kind == "tab" else a.text for a in atoms[start:stop]])
    return backs + frames, text, x_end


def underline_rules(frame: TextFrame) -> list[RuleFrame]:
    """Underline / strike-through rules for a text frame (baseline-relative), in its styles.

    w:u double → a double rule; thick/heavy kinds → twice the weight; dotted and
    dashed kinds → a dash array; wave and the rest → a single rule.
    """
    out = []
    weight = frame.size / 18
    if frame.underline:
        style = frame.underline_style
        y = frame.y + frame.size * 0.12
        width = weight * (2 if "thick" in style.lower() or "heavy" in style.lower() else 1)
        dash: tuple[float, ...] = ()
        if "dot" in style.lower() and "dash" not in style.lower():
            dash = (width, 2 * width)
        elif "dash" in style.lower():
            dash = (4 * width, 2 * width)
        double = style == "double"
        out.append(RuleFrame(frame.x, y + (weight if double else 0.0), frame.x + frame.width,
                             y + (weight if double else 0.0), width * (0.7 if double else 1),
                             frame.color, double=double, dash=dash))
    if frame.strike:
        y = frame.y - frame.size * 0.3
        double = frame.strike_style == "double"
        out.append(RuleFrame(frame.x, y, frame.x + frame.width, y,
                             weight * (0.7 if double else 1), frame.color, double=double))
    return out


_MISSING = attrgetter("missing")  # every frame class has it ("" but on a □ text frame)


def missing_glyph_warnings(pages, source: str) -> list[DocgenWarning]:
    """Warnings for the characters no installed font has, naming them and their places.

    Reads the :class:`TextFrame` ``missing`` marks that :func:`_cover` left
    (each drawn as □): the character, its code point, the paragraph
    (正文第 N 段, or 页眉/页脚) and the page, the first three places and a count.
    Up to three characters get a warning each; more (a symbol font's codes,
    say) are listed in one warning, so the list stays readable.
    """
    places: dict[str, list[str]] = {}
    for page in pages:
        if not any(map(_MISSING, page.frames)):  # at C speed: almost every page
            continue
        for f in page.frames:
            if type(f) is TextFrame and f.missing:
                where = f"正文第{f.para}段" if f.para else "页眉或页脚"
                places.setdefault(f.missing, []).append(f"{where}，第{page.index + 1}页")
    fix = ("安装含有该字符的字体（如 sudo apt-get install fonts-babelstone-han fonts-hanazono），"
           "或把含有它的字体文件放入字体目录（DOCGEN_FONT_DIR 或 ./fonts/）；"
           "私用区字符（造字、符号字体的编码）需要文档原来使用的字体文件")

    def where(found: list[str]) -> str:
        unique = list(dict.fromkeys(found))
        return "、".join(unique[:3]) + (f" 等 {len(found)} 处" if len(found) > 1 else "")

    def name(ch: str) -> str:
        return f"“{ch}”（U+{ord(ch):04X}）"

    if len(places) <= 3:
        return [DocgenWarning(f"字符{name(ch)}本机没有任何字体能显示，PDF 中以“{PLACEHOLDER}”代替",
                              Location(file=source, path=where(found)), fix)
                for ch, found in places.items()]
    chars = list(places)
    listed = "、".join(name(ch) for ch in chars[:8]) + (" 等" if len(chars) > 8 else "")
    every = [p for ch in chars for p in places[ch]]
    return [DocgenWarning(f"{len(chars)} 个字符本机没有任何字体能显示，PDF 中以“{PLACEHOLDER}”代替：{listed}",
                          Location(file=source, path=where(every)), fix)]
