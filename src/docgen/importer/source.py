"""What a reader hands to the recogniser: the source's paragraphs and tables, in order.

Takes nothing: plain dataclasses.  A reader (``read_docx``, ``read_text``)
turns a file into a list of :class:`Para` and :class:`TableBlock` values;
everything after works on these, whatever the file was.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Para:
    """One paragraph of the source.

    ``index`` is its 1-based position among the source's paragraphs (for the
    report).  ``style`` is the paragraph style's display name (empty for
    text), ``align`` one of left/center/right/both or ``None``.  ``outline``
    is the outline level (0 = 大纲 1 级) from the paragraph or its style;
    ``auto_level`` the list level of Word automatic numbering (numPr) and
    ``auto_label`` the label Word shows for it (一、 （一） 1. …).
    ``lead`` is the run-in part: the leading runs formatted differently from
    the rest (bold, another font or a character style), when there is a rest.
    """

    text: str
    index: int
    style: str = ""
    align: str | None = None
    outline: int | None = None
    auto_level: int | None = None
    auto_label: str = ""
    lead: str = ""
    lines: tuple[str, ...] = ()  # the text split at manual line breaks (titles)
    tabs: tuple[str, ...] = ()  # the text split at tabs (signature blocks, 版记)
    page_break: bool = False  # starts a new page (attachments)
    images: tuple[str, ...] = ()  # the pictures drawn in it (zip part names: word/media/…)


@dataclass
class TableBlock:
    """A table of the source: its rows of cell texts."""

    rows: list[list[str]]
    index: int  # position of the paragraph it follows (for the report)
    cell_paras: list[list[list[str]]] = field(default_factory=list)  # cell → its paragraphs


Block = Para | TableBlock
