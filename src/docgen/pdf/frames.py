"""The frame model: a document laid out as pages of absolutely positioned frames.

This is the one laid-out truth of a document.  :mod:`docgen.pdf.layout`
produces it from the .docx; everything that needs to know where things landed
reads it and nothing else:

- page planning (:mod:`docgen.elements.even_pages`: the 版记 on an even last
  page with its last rule on the text block's lower edge; :mod:`docgen.elements.
  page_fit`: 署名/日期/印章/附注 never alone on a page, GB/T 9704 §7.3.5.4);
- the PDF exporter (:mod:`docgen.pdf.draw`, a pure function frames → PDF);
- later exporters (OFD, a PNG preview) and the geometry tests.

Model
-----
A :class:`Page` has its size, the printed page number, its section and text
area (``text_top``/``text_bottom``: the margins, i.e. the 版心 edges), and a
list of frames in drawing order.  A frame is one of

- :class:`TextFrame` — a run of glyphs of one font, size and colour on one
  baseline (``y`` is the baseline), ``width`` its advance;
- :class:`RuleFrame` — a straight line (paragraph and table borders,
  underlines); ``width`` is the stroke width, ``double`` a double rule;
- :class:`RectFrame` — a filled rectangle (cell shading);
- :class:`ImageFrame` — a picture, ``y`` its top edge; ``behind`` draws it
  under the text (anchored "behind text").

Coordinates are PDF points from the page's top-left corner, y growing down.

Every frame carries where it came from:

- ``para``: the paragraph's 1-based index in the main document's reading order
  (paragraphs inside table cells included, in order), the same number as
  "正文第 N 段" in messages; 0 for headers and footers.  Table borders and
  shading carry the index of the first paragraph of their cell.
- ``role``: the paragraph's 公文 role, a :class:`docgen.roles.Role` value
  (``"body"``, ``"heading1"``, ``"title"``, ``"seal_signature"``,
  ``"record_copy"``, ``"page_number"``…) found from the paragraph style's
  visible *name* by :func:`docgen.roles.role_of_style_name`; ``""`` when the
  style plays no known role.  A picture anchored in a 署名 paragraph (the
  seal) carries that paragraph's role.

``Page.lines`` lists the body text lines (:class:`LineInfo`) for tests and
fidelity checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class TextFrame:
    """A run of glyphs of one font, size and colour on one baseline (``y``)."""

    x: float
    y: float
    text: str
    font: str  # reportlab font name
    size: float
    color: str = "000000"
    char_space: float = 0.0  # PDF Tc: extra advance after each glyph
    fake_bold: bool = False
    underline: bool = False
    strike: bool = False
    width: float = 0.0
    para: int = 0
    role: str = ""
    missing: str = ""  # the character this frame's □ stands for: no installed font has it
    skew: float = 0.0  # oblique (simulated italic): horizontal shear per unit of height
    underline_style: str = "single"  # w:u w:val: single, double, thick, dotted, dash, wave…
    strike_style: str = "single"  # single, or double (w:dstrike)


@dataclass(frozen=True)
class RuleFrame:
    """A straight line: a border or underline, ``width`` its stroke width."""

    missing: ClassVar[str] = ""  # no character stands for a missing one (TextFrame)
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: str = "000000"
    double: bool = False
    para: int = 0
    role: str = ""
    dash: tuple[float, ...] = ()  # PDF dash array (dotted/dashed underlines); () = solid


@dataclass(frozen=True)
class RectFrame:
    """A filled rectangle (cell shading)."""

    missing: ClassVar[str] = ""  # no character stands for a missing one (TextFrame)
    x: float
    y: float
    w: float
    h: float
    fill: str
    para: int = 0
    role: str = ""


@dataclass(frozen=True)
class ImageFrame:
    """A picture, ``y`` its top edge; ``behind`` draws it under the text."""

    missing: ClassVar[str] = ""  # no character stands for a missing one (TextFrame)
    x: float
    y: float  # top edge
    w: float
    h: float
    data: bytes
    behind: bool = False
    name: str = ""  # the picture's part name (word/media/…), for error messages
    para: int = 0
    role: str = ""


Frame = TextFrame | RuleFrame | RectFrame | ImageFrame


def frame_top(frame: Frame) -> float:
    """The frame's upper edge (a text frame: its baseline less its size)."""
    if isinstance(frame, TextFrame):
        return frame.y - frame.size
    if isinstance(frame, RuleFrame):
        return min(frame.y1, frame.y2)
    return frame.y


def frame_bottom(frame: Frame) -> float:
    """The frame's lower edge (a text frame: its baseline)."""
    if isinstance(frame, TextFrame):
        return frame.y
    if isinstance(frame, RuleFrame):
        return max(frame.y1, frame.y2)
    return frame.y + frame.h


@dataclass(frozen=True)
class LineInfo:
    """One laid-out body text line, for tests and fidelity checks."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    para: int  # index of the paragraph in document order
    role: str = ""


@dataclass
class Page:
    """One laid-out page: size, page number, section, text area and frames in drawing order."""

    width: float
    height: float
    number: int  # the printed page number
    index: int  # 0-based physical page index
    section: int
    first_of_section: bool = False
    frames: list[Frame] = field(default_factory=list)
    lines: list[LineInfo] = field(default_factory=list)
    text_top: float = 0.0  # the text block's upper edge (top margin), points from the top
    text_bottom: float = 0.0  # its lower edge (page height less the bottom margin)

    def with_role(self, *roles: str) -> Iterator[Frame]:
        """The frames of these roles, in drawing order."""
        wanted = set(roles)
        return (f for f in self.frames if f.role in wanted)

    def body_text(self) -> Iterator[TextFrame]:
        """Text frames of the main document (not headers or footers) that show something."""
        return (f for f in self.frames
                if type(f) is TextFrame and f.para > 0 and f.text.strip())
