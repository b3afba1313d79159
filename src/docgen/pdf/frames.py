"""The laid-out result: pages of absolutely positioned frames.

Produced by :mod:`docgen.pdf.layout`, consumed by :mod:`docgen.pdf.draw`.
Coordinates are points from the page's top-left corner, y growing down;
a text frame's ``y`` is its baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextFrame:
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


@dataclass(frozen=True)
class RuleFrame:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: str = "000000"
    double: bool = False


@dataclass(frozen=True)
class RectFrame:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass(frozen=True)
class ImageFrame:
    x: float
    y: float  # top edge
    w: float
    h: float
    data: bytes
    behind: bool = False
    name: str = ""  # the picture's part name (word/media/…), for error messages


Frame = TextFrame | RuleFrame | RectFrame | ImageFrame


@dataclass(frozen=True)
class LineInfo:
    """One laid-out body text line, for tests and fidelity checks."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    para: int  # index of the paragraph in document order


@dataclass
class Page:
    width: float
    height: float
    number: int  # the printed page number
    index: int  # 0-based physical page index
    section: int
    first_of_section: bool = False
    frames: list[Frame] = field(default_factory=list)
    lines: list[LineInfo] = field(default_factory=list)
