"""Positioned frames, memoised: the same frame moved to the same place is the same object.

Layout places frames composed once (the lines of a paragraph, the rows of a
table, a footer) at page positions.  Rebuilding an unchanged document, or the
unchanged pages of an edited one, places the same composed frames at the same
positions again; these memos hand back the frames placed last time instead of
copying them afresh, so an unchanged page is made of the very frames it had
before — which lets :mod:`docgen.pdf.draw` recognise it by the identity of its
frames and reuse its drawing (:mod:`docgen.pdf.page_memo`).

Frames are frozen dataclasses, so sharing them is safe.  Keys hold the ``id``
of the source frame or line, and every entry keeps that source alive, so an
``id`` in a key can never stand for another object.  Frames that layout makes
from scratch (borders, shading, anchored pictures, underlines) are first made
canonical (:func:`canonical`: one object per distinct value).

A picture's frame holds the picture's bytes, so memory is bounded by bytes, not
entries: only pictures up to :data:`CANON_IMAGE_MAX` are made canonical (at
most 2 × 16), and a moved picture or a line holding one is not kept (their
pages are drawn afresh).
"""

from __future__ import annotations

from docgen.pdf.compose import LineBox, underline_rules
from docgen.pdf.frames import Frame, ImageFrame, LineInfo, RuleFrame, TextFrame
from docgen.pdf.memo import Memo
from docgen.pdf.records import instance

__all__ = ["canonical", "holds_picture", "keep_whole", "moved", "place_line", "placed_line",
           "placed_whole", "shift"]

# ~2 × 500 pages of body lines; entries hold frames the pages hold anyway
_PLACED = Memo(40_000)
_MOVED = Memo(40_000)  # table rows, cells, headers, footers, borders
_CANON = Memo(10_000)
_WHOLE = Memo(10_000)  # paragraphs placed whole on one page
_CANON_IMAGES = Memo(16)  # a picture's frame holds its bytes: keep few, and small ones
CANON_IMAGE_MAX = 2 * 1024 * 1024  # bytes of a picture made canonical (a seal: ~0.1-1 MB)


def shift(frame: Frame, dx: float, dy: float, para: int | None = None,
          role: str | None = None) -> Frame:
    """A copy of ``frame`` moved by (dx, dy), tagged with ``para``/``role`` when given.

    Copies the instance dict instead of calling the constructor, and gives the copy to
    the new frame as its own dict: it is the hot path of layout, and it keeps any
    optional field a frame class has.
    """
    d = frame.__dict__.copy()
    if type(frame) is RuleFrame:
        d["x1"] += dx
        d["x2"] += dx
        d["y1"] += dy
        d["y2"] += dy
    else:
        d["x"] += dx
        d["y"] += dy
    if para is not None:
        d["para"] = para
        d["role"] = role or ""
    return instance(type(frame), d)


def moved(frame: Frame, dx: float, dy: float, para: int | None = None,
          role: str | None = None) -> Frame:
    """:func:`shift`, memoised: the same frame moved the same way is the same object
    (not a picture's: it would keep the picture's bytes)."""
    if type(frame) is ImageFrame:
        return shift(frame, dx, dy, para, role)
    key = (id(frame), dx, dy, para, role)
    hit = _MOVED.get(key)
    if hit is not None and hit[0] is frame:
        return hit[1]
    out = shift(frame, dx, dy, para, role)
    _MOVED.put(key, (frame, out))
    return out


def canonical(frame: Frame) -> Frame:
    """The one object of this value that layout has made (frames compare by value)."""
    if type(frame) is ImageFrame:
        if len(frame.data) > CANON_IMAGE_MAX:
            return frame
        memo = _CANON_IMAGES
    else:
        memo = _CANON
    hit = memo.get(frame)
    if hit is None:
        memo.put(frame, frame)
        return frame
    return hit


def placed_line(line: LineBox, x: float, top: float, para: int, role: str
                ) -> tuple[tuple[Frame, ...], LineInfo]:
    """:func:`place_line`, memoised by the line's identity and position."""
    key = (id(line), x, top, para, role)
    hit = _PLACED.get(key)
    if hit is not None and hit[0] is line:
        return hit[1], hit[2]
    out = place_line(line, x, top, para, role)
    if not holds_picture(out[0]):
        _PLACED.put(key, (line, *out))
    return out


def holds_picture(frames) -> bool:
    """Whether any of ``frames`` is a picture (memos do not keep those: see the module doc)."""
    return any(type(f) is ImageFrame for f in frames)


def place_line(line: LineBox, x: float, top: float, para: int, role: str
               ) -> tuple[tuple[Frame, ...], LineInfo]:
    """A composed line's frames at (x, top) of a page, its underlines and strike-throughs
    drawn, and its :class:`LineInfo`."""
    base = top + line.baseline
    frames: list[Frame] = []
    for f in line.frames:
        frames.append(shift(f, x, base, para, role))
        if type(f) is TextFrame and (f.underline or f.strike):
            frames.extend(shift(r, x, base, para, role) for r in underline_rules(f))
    return tuple(frames), LineInfo(line.text, x + line.x0, x + line.x1, top,
                                   top + line.height, para, role)


def placed_whole(lines: list[LineBox], x: float, top: float, para: int, role: str
                 ) -> tuple[tuple[Frame, ...], tuple[LineInfo, ...], float, float] | None:
    """All of a paragraph's lines placed at (x, top) on one page, as :func:`keep_whole` kept
    them: (frames, line infos, the lines' height as layout sums it, the y after them)."""
    hit = _WHOLE.get((id(lines), x, top, para, role))
    if hit is None or hit[0] is not lines:
        return None
    return hit[1]


def keep_whole(lines: list[LineBox], x: float, top: float, para: int, role: str,
               frames: list[Frame], infos: list[LineInfo], y_after: float) -> None:
    """Remember a paragraph whose lines were all placed at (x, top) on one page, with no
    page break among them (layout's fit test then needs only their total height)."""
    if holds_picture(frames):
        return
    total = 0.0
    for ln in lines:  # summed in the order layout's fit test sums them
        if ln.page_break_after or ln.height < 0:
            return
        total += ln.height
    _WHOLE.put((id(lines), x, top, para, role),
               (lines, (tuple(frames), tuple(infos), total, y_after)))
