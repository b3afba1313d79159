"""Paginate a read .docx into pages of positioned frames.

Takes a :class:`~docgen.pdf.docx_reader.DocxDocument` and a
:class:`~docgen.pdf.metrics.FontBook`; returns a :class:`Layout`: the
:class:`~docgen.pdf.frames.Page` list (body text, tables, paragraph borders,
inline and anchored images, headers and footers with their PAGE fields
filled in) plus the warnings met on the way.

Pagination follows Word: space before is dropped at the top of a page that
began by overflow, ``keepNext`` chains move together, ``keepLines`` keeps a
paragraph whole, widow/orphan control never leaves a single line of a
paragraph alone on a page, ``pageBreakBefore`` and page breaks start new
pages, table rows never split.  Odd/even and first-page footers follow
``w:evenAndOddHeaders`` and ``w:titlePg``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from docgen.errors import DocgenWarning, Location
from docgen.pdf.compose import (
    ComposeContext,
    ParaBox,
    compose_paragraph,
    format_page_number,
    underline_rules,
)
from docgen.pdf.docx_reader import (
    Block,
    Cell,
    DocxDocument,
    Image,
    Paragraph,
    Section,
    Table,
    content_key,
)
from docgen.pdf.frame_memo import (
    canonical,
    holds_picture,
    keep_whole,
    moved,
    place_line,
    placed_line,
    placed_whole,
)
from docgen.pdf.frames import Frame, ImageFrame, Page, RectFrame, RuleFrame, TextFrame
from docgen.pdf.linebreak import short_last_line
from docgen.pdf.memo import Hashed, Memo, forgotten
from docgen.pdf.metrics import FontBook
from docgen.pdf.records import copied
from docgen.pdf.styles import Border, ParaProps
from docgen.roles import role_of_style_name

EPS = 0.05


@dataclass
class Layout:
    """A paginated document: its pages of frames and the warnings met."""

    pages: list[Page]
    warnings: list[DocgenWarning] = field(default_factory=list)
    # body paragraphs composed, by content (see _compose_key): a later layout of an edited
    # version of the document reuses the ones that did not change
    composed: dict = field(default_factory=dict, repr=False)


def _compose_key(para: Paragraph, width: float, ctx: ComposeContext) -> tuple | None:
    """What a body paragraph's composition depends on (None: not cached — pictures).

    The paragraph's own part is :func:`~docgen.pdf.docx_reader.content_key`, hashed once
    when reading memoised it (``para.content``, equal to the plain tuple).
    """
    content = para.content
    if content is None:
        if any(isinstance(it, Image) for it in para.items):
            return None
        # hashed once: the key is looked up and kept in up to four dictionaries
        content = Hashed(content_key(para.props, para.items))
    return (content, *_setting(width, ctx))


def _setting(width: float, ctx: ComposeContext) -> tuple:
    """What composing depends on besides the paragraphs: the column width, the grid, the
    default tab and the field values (a header's or footer's PAGE … come from ctx.fields)."""
    return (width, ctx.grid_pitch, ctx.default_tab, tuple(ctx.fields.items()))


# Body paragraphs composed in this process, by content (see _compose_key), per font book:
# the next build of the same document (a preview after an edit, the next document of a
# batch, next year's report) composes only the paragraphs that differ.  Bounded: the
# oldest entries go first.  Each entry keeps the font names its composition asked for,
# so a document that reuses it records the same fonts (and gets the same warnings).
SHARED_MAX = 4096
_SHARED: weakref.WeakKeyDictionary = forgotten(weakref.WeakKeyDictionary())  # memo.forget empties it


def _shared_store(book) -> dict | None:
    base = getattr(book, "book", None)  # a DocumentFonts: the process-wide FontBook under it
    if base is None or not hasattr(book, "replay"):
        return None
    store = _SHARED.get(base)
    if store is None:
        store = _SHARED[base] = {}
    return store


def _shared_get(book, key: tuple) -> ParaBox | None:
    store = _shared_store(book)
    hit = store.get(key) if store is not None else None
    if hit is None:
        return None
    box, names, kept = hit
    if kept[0] is not key[0] and type(key[0]) is Hashed:
        # kept under a plain key (the paragraph's first reading was not memoised): keep it
        # under this hashed one, found by identity from now on instead of by comparing values
        del store[key]
        store[key] = (box, names, key)
    book.replay(names)
    return box


def _compose_recorded(para: Paragraph, index: int, width: float, ctx: ComposeContext,
                      book, key: tuple | None) -> ParaBox:
    store = _shared_store(book) if key is not None else None
    if store is None:
        return compose_paragraph(para, index, width, ctx)
    box, names = _recorded(book, compose_paragraph, para, index, width, ctx)
    if len(store) >= SHARED_MAX:
        del store[next(iter(store))]
    store[key] = (box, names, key)
    return box


def _recorded(book, func, *args, **kwargs):
    """``func(*args, **kwargs)`` and the font names it asked ``book`` for (in first-use order), which
    an enclosing recording gets too."""
    outer = book.recording
    book.recording = names = []
    try:
        result = func(*args, **kwargs)
    finally:
        book.recording = outer
    if outer is not None:
        outer.extend(names)
    return result, tuple(dict.fromkeys(names))


def _compose_shared(para: Paragraph, index: int, width: float, ctx: ComposeContext,
                    key: tuple | None) -> ParaBox:
    """A paragraph through the process-wide cache of composed paragraphs (``key``: its
    :func:`_compose_key`); body text, headers, footers and table cells alike — a page's
    footer is composed once per page number, not once per build."""
    box = _shared_get(ctx.book, key) if key is not None else None
    if box is not None:
        return copied(box, para=para, index=index)  # once per paragraph of every rebuild
    return _compose_recorded(para, index, width, ctx, ctx.book, key)


# ---------------------------------------------------------------- tables

@dataclass
class RowBox:
    """One composed table row: its height and frames."""

    height: float
    frames: list[Frame]  # relative to the row's top-left (table origin x)
    header: bool = False


@dataclass
class TableBox:
    """A composed table: its rows and left edge."""

    table: Table
    rows: list[RowBox]
    x: float


_ROLES: dict[str | None, str] = {}


def role_of(props: ParaProps) -> str:
    """The 公文 role of a paragraph, by its style's visible name (``""``: none known)."""
    name = props.style_name
    role = _ROLES.get(name)
    if role is None:
        role = _ROLES[name] = str(role_of_style_name(name) or "")
    return role


def _stack_blocks(blocks: list[Block], width: float, ctx: ComposeContext,
                  counter: list[int], warn, *, main: bool = True) -> tuple[list[Frame], float]:
    """Lay blocks out one under another without pagination (cells, headers, footers).

    ``main``: the blocks belong to the main document (table cells), so frames
    carry their paragraph's index; headers and footers carry 0.
    """
    frames: list[Frame] = []
    y = 0.0
    for b in blocks:
        if isinstance(b, Paragraph):
            counter[0] += 1
            box = _compose_shared(b, counter[0], width, ctx, _compose_key(b, width, ctx))
            para, role = (counter[0] if main else 0), role_of(b.props)
            y += box.before
            top = y
            for line in box.lines:
                for f in line.frames:
                    frames.append(moved(f, 0, y + line.baseline, para, role))
                    if isinstance(f, TextFrame):
                        frames.extend(moved(canonical(r), 0, y + line.baseline, para, role)
                                      for r in underline_rules(f))
                y += line.height
            frames.extend(moved(canonical(r), 0, 0, para, role)
                          for r in border_rules(box, box.left, width - box.right, top, y))
            y += box.after
            for img in box.anchors:
                frames.append(canonical(ImageFrame(img.anchor.h_offset if img.anchor else 0, y,
                                                   img.width, img.height, img.data,
                                                   name=img.name, para=para, role=role)))
                warn("此处的浮动图片按所在位置近似放置", b.where)
        else:
            tb = compose_table(b, width, ctx, counter, warn, main=main)
            for row in tb.rows:
                frames.extend(moved(f, tb.x, y) for f in row.frames)
                y += row.height
    return frames, y


# Headers and footers laid out (frames relative to their top-left, height, the fonts their
# composition asked for), by their paragraphs' hashed content, width and field values: a
# rebuild lays out a page's footer without going through its lines and frames again.
_PARTS = Memo(4096)


def _stack_part(blocks: list[Block], width: float, ctx: ComposeContext, warn
                ) -> tuple[list[Frame] | tuple[Frame, ...], float]:
    """:func:`_stack_blocks` of a header or footer, memoised when every block is a paragraph
    reading memoised (``content``) and laying it out warned of nothing."""
    book = ctx.book
    contents = [getattr(b, "content", None) for b in blocks]
    if not blocks or None in contents or not hasattr(book, "replay"):
        return _stack_blocks(blocks, width, ctx, [0], warn, main=False)
    key = (tuple(contents), *_setting(width, ctx))
    hit = _PARTS.get(key)
    if hit is not None:
        frames, h, names = hit
        book.replay(names)
        return frames, h
    warned: list[tuple] = []
    (frames, h), names = _recorded(book, _stack_blocks, blocks, width, ctx, [0],
                                   lambda *a: warned.append(a), main=False)
    for args in warned:
        warn(*args)
    if not warned and not holds_picture(frames):
        _PARTS.put(key, (tuple(frames), h, names))
    return frames, h


def _width(border: Border | None) -> float:
    return border.width if border is not None else 0.0


def border_rules(box: ParaBox, x0: float, x1: float, top: float, bottom: float, *,
                 first: bool = True, closing: bool = True) -> list[RuleFrame]:
    """Rules of a paragraph's borders around its lines from ``top`` to ``bottom``
    (``first``: the chunk holds the first line; ``closing``: the last)."""
    out: list[RuleFrame] = []
    bd = box.borders
    if "top" in bd and first:
        t = bd["top"]
        y = top - t.space - t.width / 2
        out.append(RuleFrame(x0, y, x1, y, t.width, t.color, t.style == "double"))
    if "bottom" in bd and closing:
        t = bd["bottom"]
        y = bottom + t.space + t.width / 2
        out.append(RuleFrame(x0, y, x1, y, t.width, t.color, t.style == "double"))
    for side, x in (("left", x0), ("right", x1)):
        if side in bd:
            t = bd[side]
            xx = x - t.space - t.width / 2 if side == "left" else x + t.space + t.width / 2
            out.append(RuleFrame(xx, top, xx, bottom, t.width, t.color))
    return out


def _edge(cell: Cell, side: str, table: Table, first: bool, last: bool) -> Border | None:
    if side in cell.borders:
        return cell.borders[side]
    key = side if (first if side in ("top", "left") else last) else (
        "insideH" if side in ("top", "bottom") else "insideV")
    return table.borders.get(key)


def compose_table(table: Table, width: float, ctx: ComposeContext, counter: list[int],
                  warn, *, main: bool = True) -> TableBox:
    """Rows of a table with cell contents, shading and borders, ready to paginate."""
    grid = table.grid
    total = sum(grid)
    if total > width + 1:
        warn(f"表格宽度（{total / 72 * 25.4:.0f} 毫米）超过版心，按原宽度输出", table.where)
    x0 = table.indent
    if table.align == "center":
        x0 = (width - total) / 2
    elif table.align == "right":
        x0 = width - total
    edges = [sum(grid[:i]) for i in range(len(grid) + 1)]
    nrows = len(table.rows)
    # first pass: cell contents and row heights
    placed: list[list[tuple[int, int, Cell, list[Frame], float]]] = []
    tags: dict[int, tuple[int, str]] = {}  # id(cell) -> (para, role) of its first paragraph
    heights: list[float] = []
    tops: list[float] = []  # width of each row's top border: it takes room inside the row
    for r, row in enumerate(table.rows):
        col = 0
        cells = []
        content_h = 0.0
        top_w = max((_width(_edge(c, "top", table, r == 0, False)) for c in row.cells), default=0.0)
        tops.append(top_w)
        for cell in row.cells:
            c0, c1 = col, min(col + cell.span, len(grid))
            col += cell.span
            mar = {**table.margins, **cell.margins}
            cw = edges[c1] - edges[c0] - mar.get("left", 5.4) - mar.get("right", 5.4)
            frames, h = ([], 0.0)
            first = next((b for b in cell.blocks if isinstance(b, Paragraph)), None)
            tags[id(cell)] = ((counter[0] + 1) if main and first is not None else 0,
                              role_of(first.props) if first is not None else "")
            if cell.vmerge != "continue":
                frames, h = _stack_blocks(cell.blocks, max(cw, 1.0), ctx, counter, warn,
                                          main=main)
            else:  # not drawn, but its paragraphs keep their numbers
                counter[0] += len(_paragraphs(cell.blocks))
            h += mar.get("top", 0.0) + mar.get("bottom", 0.0) + top_w
            cells.append((c0, c1, cell, frames, h))
            if cell.vmerge is None:
                content_h = max(content_h, h)
        if row.height_rule == "exact" and row.height:
            rh = row.height
        else:
            rh = max(content_h, row.height, 1.0)
        placed.append(cells)
        heights.append(rh)
    # LibreOffice 7.4 (measured on the 版记 table): borders take room inside the rows — a
    # row's content starts below its top border, the table's bottom border ends the table.
    if heights and table.rows[-1].height_rule != "exact":
        heights[-1] += max((_width(_edge(c, "bottom", table, False, True))
                            for c in table.rows[-1].cells), default=0.0)
    # vertically merged cells: grow the last row of the merge if needed
    spans: dict[tuple[int, int], int] = {}  # (row, col) of a restart -> rows spanned
    for r, cells in enumerate(placed):
        for c0, _c1, cell, _f, h in cells:
            if cell.vmerge == "restart":
                n = 1
                while r + n < nrows and any(
                        cc0 == c0 and ccell.vmerge == "continue"
                        for cc0, _x, ccell, _y, _z in placed[r + n]):
                    n += 1
                spans[(r, c0)] = n
                need = h - sum(heights[r:r + n])
                if need > 0:
                    heights[r + n - 1] += need
    rows: list[RowBox] = []
    for r, cells in enumerate(placed):
        frames: list[Frame] = []
        for c0, c1, cell, content, _h in cells:
            if cell.vmerge == "continue":
                continue
            n = spans.get((r, c0), 1)
            h = sum(heights[r:r + n])
            xa, xb = x0 + edges[c0], x0 + edges[c1]
            mar = {**table.margins, **cell.margins}
            para, role = tags[id(cell)]
            if cell.shading:
                frames.append(canonical(RectFrame(xa, 0, xb - xa, h, cell.shading, para, role)))
            dy = mar.get("top", 0.0) + tops[r]
            if cell.valign == "center":
                dy += max(0.0, (h - _h) / 2)
            elif cell.valign == "bottom":
                dy += max(0.0, h - _h)
            frames.extend(moved(f, xa + mar.get("left", 5.4), dy) for f in content)
            last_row = r + n - 1 == nrows - 1
            for side, (ax, ay, bx, by) in (("top", (xa, 0, xb, 0)), ("bottom", (xa, h, xb, h)),
                                          ("left", (xa, 0, xa, h)), ("right", (xb, 0, xb, h))):
                b = _edge(cell, side, table, r == 0 if side != "left" else c0 == 0,
                          last_row if side != "right" else c1 >= len(grid))
                if side == "left":
                    b = _edge(cell, side, table, c0 == 0, False)
                elif side == "right":
                    b = _edge(cell, side, table, False, c1 >= len(grid))
                elif side == "top":
                    b = _edge(cell, side, table, r == 0, False)
                else:
                    b = _edge(cell, side, table, False, last_row)
                if b is not None and b.width > 0:
                    if side == "top":  # inside the row, under its top edge
                        ay = by = b.width / 2
                    elif side == "bottom" and last_row:
                        ay = by = h - b.width / 2
                    elif side == "bottom":
                        continue  # drawn as the next row's top border
                    frames.append(canonical(RuleFrame(ax, ay, bx, by, b.width, b.color,
                                                      b.style == "double", para, role)))
        rows.append(RowBox(heights[r], frames, table.rows[r].header))
    return TableBox(table, rows, 0.0)


# ---------------------------------------------------------------- paginator

class _Paginator:
    def __init__(self, doc: DocxDocument, book: FontBook, cache: dict | None = None):
        self.doc = doc
        self.book = book
        self.cache = cache or {}
        self.composed: dict = {}
        self.pages: list[Page] = []
        self.warnings: list[DocgenWarning] = []
        self._warned: set[tuple[str, str]] = set()
        self.counter = [0]
        self.page: Page | None = None
        self.y = 0.0
        self.top = 0.0
        self.bottom = 0.0
        self.natural_top = False
        self.prev_style: str | None = None
        self.prev_after = 0.0

    def warn(self, message: str, where: str) -> None:
        if (message, where) not in self._warned:
            self._warned.add((message, where))
            self.warnings.append(DocgenWarning(message, Location(file=self.doc.source, path=where)))

    # -- pages -------------------------------------------------------------
    def new_page(self, sect: Section, index: int, *, natural: bool, first: bool = False) -> None:
        if self.page is not None and first and sect.pg_start is not None:
            number = sect.pg_start
        elif self.page is not None:
            number = self.page.number + 1
        else:
            number = sect.pg_start or 1
        self.page = Page(sect.page_w, sect.page_h, number, len(self.pages), index, first,
                         text_top=sect.top, text_bottom=sect.page_h - sect.bottom)
        self.pages.append(self.page)
        self.top, self.bottom = sect.text_area(
            max(sect.top, self._header_bottom(sect, index, number, first)))
        self.y = self.top
        self.natural_top = natural
        self.prev_after = 0.0

    def at_top(self, sect: Section) -> bool:
        return self.y <= self.top + EPS

    def _header_bottom(self, sect: Section, index: int, number: int, first: bool) -> float:
        """Where the page's header ends: a header taller than the top margin pushes the
        body down (Word's rule)."""
        inherited: dict[str, list[Block]] = {}
        for s in self.doc.sections[:index + 1]:
            inherited = {**inherited, **s.headers}
        kind = self._kind(sect, number, first)
        blocks = inherited.get(kind)
        if not blocks:
            return 0.0
        ctx = ComposeContext(self.book, None, self.doc.default_tab)
        _frames, h = _stack_blocks(blocks, sect.page_w - sect.left - sect.right, ctx, [0],
                                   lambda *_a: None, main=False)
        return sect.header + h

    def _kind(self, sect: Section, number: int, first: bool) -> str:
        if sect.title_pg and first:
            return "first"
        if self.doc.even_odd and number % 2 == 0:
            return "even"
        return "default"

    # -- sections ----------------------------------------------------------
    def run(self) -> list[Page]:
        for si, sect in enumerate(self.doc.sections):
            start = sect.start_type
            if self.page is None or start != "continuous":
                self.new_page(sect, si, natural=False, first=True)
                if start in ("oddPage", "evenPage") and len(self.pages) > 1:
                    want_odd = start == "oddPage"
                    if (self.page.number % 2 == 1) != want_odd:
                        self.new_page(sect, si, natural=False)
            ctx = ComposeContext(self.book, sect.grid_pitch, self.doc.default_tab)
            width = sect.page_w - sect.left - sect.right
            boxes: list[ParaBox | TableBox] = []
            for b in sect.blocks:
                if isinstance(b, Paragraph):
                    self.counter[0] += 1
                    boxes.append(self._compose(b, width, ctx))
                else:
                    boxes.append(compose_table(b, width, ctx, self.counter, self.warn))
            for i, box in enumerate(boxes):
                if isinstance(box, ParaBox):
                    self.place_para(box, boxes, i, sect, si)
                else:
                    self.place_table(box, sect, si)
        return self.pages

    def _compose(self, para: Paragraph, width: float, ctx: ComposeContext) -> ParaBox:
        key = _compose_key(para, width, ctx)
        earlier = self.cache.get(key) if key is not None else None  # the last round's layout
        if earlier is not None:
            box = copied(earlier, para=para, index=self.counter[0])
        else:
            box = _compose_shared(para, self.counter[0], width, ctx, key)
        if key is not None:
            self.composed[key] = box
        return box

    def _chain_height(self, boxes: list, i: int) -> float:
        """Height that must fit for a keepNext chain starting at ``i``."""
        h = 0.0
        j = i
        while j < len(boxes) and isinstance(boxes[j], ParaBox) and boxes[j].props.keep_next:
            h += boxes[j].height
            j += 1
        if j < len(boxes) and j > i:
            nxt = boxes[j]
            if isinstance(nxt, ParaBox):
                k = 2 if (nxt.props.widow_control and len(nxt.lines) > 2) else 1
                if nxt.props.keep_lines:
                    k = len(nxt.lines)
                h += nxt.before + sum(ln.height for ln in nxt.lines[:k])
            else:
                h += nxt.rows[0].height if nxt.rows else 0.0
        return h

    def place_para(self, box: ParaBox, boxes: list, i: int, sect: Section, si: int) -> None:
        props = box.props
        bottom = self.bottom
        body_h = bottom - self.top
        if props.page_break_before and not (self.at_top(sect) and not self.page.lines):
            self.new_page(sect, si, natural=False)
        if props.keep_next and not self.at_top(sect):
            need = self._chain_height(boxes, i)
            if need <= body_h and self.y + need > bottom + EPS:
                self.new_page(sect, si, natural=True)
        same = props.contextual_spacing and self.prev_style == props.style_id
        before = 0.0 if same else box.before
        if self.at_top(sect) and self.natural_top:
            before = 0.0
        if props.keep_lines and not self.at_top(sect):
            need = before + sum(ln.height for ln in box.lines)
            if need <= body_h and self.y + need > bottom + EPS:
                self.new_page(sect, si, natural=True)
                before = 0.0
        self.y += before
        lines = box.lines
        n = len(lines)
        k = 0
        para_top = self.y
        first_page = self.page
        chunk_start = 0
        start = None  # (frames, lines, y) of the page before this paragraph: to keep it whole
        if self.doc.recurring and n:  # the whole paragraph placed here before, and fits again
            whole = placed_whole(lines, sect.left, self.y, box.index, role_of(props))
            if whole is not None and whole[2] <= (bottom - self.y) + EPS:
                self.page.frames.extend(whole[0])
                self.page.lines.extend(whole[1])
                self.y = whole[3]
                k = n
            else:
                start = (len(self.page.frames), len(self.page.lines), self.y)
        while k < n:
            room = bottom - self.y
            fit = 0
            acc = 0.0
            while k + fit < n and acc + lines[k + fit].height <= room + EPS:
                acc += lines[k + fit].height
                fit += 1
                if lines[k + fit - 1].page_break_after:
                    break
            brk = k + fit < n and not lines[k + fit - 1].page_break_after if fit else k < n
            if brk and props.widow_control and fit > 0:
                if n - k - fit == 1 and fit >= 1 and n >= 2:
                    fit -= 1
                if k == 0 and fit == 1 and n > 1:
                    fit = 0
            if brk and fit > 0 and n - k - fit == 1 and short_last_line(lines[n - 1].text):
                fit -= 1  # 禁则: a last line of one or two characters (平。) never opens a page alone
            if fit == 0 and self.at_top(sect) and not self.page.lines:
                fit = 1  # a line taller than the page: place it anyway
            if fit == 0:
                self.draw_para_borders(box, chunk_start, k, para_top, sect, closing=False)
                self.new_page(sect, si, natural=True)
                para_top = self.y
                chunk_start = k
                continue
            for line in lines[k:k + fit]:
                self.place_line(line, box, sect)
            k += fit
            if k < n:
                pb = lines[k - 1].page_break_after
                self.draw_para_borders(box, chunk_start, k, para_top, sect, closing=False)
                self.new_page(sect, si, natural=not pb)
                para_top = self.y
                chunk_start = k
        if start is not None and self.page is first_page:  # placed in one chunk
            frames_at, lines_at, top = start
            keep_whole(lines, sect.left, top, box.index, role_of(props),
                       self.page.frames[frames_at:], self.page.lines[lines_at:], self.y)
        self.draw_para_borders(box, chunk_start, n, para_top, sect, closing=True)
        self.place_anchors(box, first_page, para_top if first_page is self.page else sect.body_top,
                           sect)
        self.y += box.after
        self.prev_style = props.style_id
        if lines and lines[-1].page_break_after:
            self.new_page(sect, si, natural=False)

    def place_line(self, line, box: ParaBox, sect: Section) -> None:
        place = placed_line if self.doc.recurring else place_line
        frames, info = place(line, sect.left, self.y, box.index, role_of(box.props))
        self.page.frames.extend(frames)
        self.page.lines.append(info)
        self.y += line.height

    def draw_para_borders(self, box: ParaBox, a: int, b: int, top: float, sect: Section,
                          *, closing: bool) -> None:
        if not box.borders or a >= b:
            return
        x0 = sect.left + box.left
        x1 = sect.page_w - sect.right - box.right
        para, role = box.index, role_of(box.props)
        self.page.frames.extend(moved(canonical(r), 0, 0, para, role)
                                for r in border_rules(box, x0, x1, top, self.y, first=a == 0,
                                                      closing=closing))

    def place_anchors(self, box: ParaBox, page: Page, para_top: float, sect: Section) -> None:
        for img in box.anchors:
            a = img.anchor
            assert a is not None
            areas = {
                "page": (0.0, sect.page_w), "margin": (sect.left, sect.page_w - sect.right),
                "column": (sect.left, sect.page_w - sect.right),
                "character": (sect.left + box.left, sect.page_w - sect.right),
                "leftMargin": (0.0, sect.left), "rightMargin": (sect.page_w - sect.right, sect.page_w),
                "insideMargin": (0.0, sect.left), "outsideMargin": (sect.page_w - sect.right, sect.page_w),
            }
            ha, hb = areas.get(a.h_rel, areas["column"])
            if a.h_rel not in areas:
                self.warn(f"浮动图片水平定位基准 {a.h_rel} 未支持，按栏处理", box.para.where)
            if a.h_align == "center":
                x = (ha + hb - img.width) / 2
            elif a.h_align in ("right", "outside"):
                x = hb - img.width
            elif a.h_align:
                x = ha
            else:
                x = ha + a.h_offset
            vareas = {
                "page": (0.0, sect.page_h), "margin": (sect.top, sect.page_h - sect.bottom),
                "topMargin": (0.0, sect.top),
                "bottomMargin": (sect.page_h - sect.bottom, sect.page_h),
                "paragraph": (para_top, para_top), "line": (para_top, para_top),
            }
            va, vb = vareas.get(a.v_rel, vareas["paragraph"])
            if a.v_rel not in vareas:
                self.warn(f"浮动图片垂直定位基准 {a.v_rel} 未支持，按段落处理", box.para.where)
            if a.v_align == "center":
                y = (va + vb - img.height) / 2
            elif a.v_align == "bottom":
                y = vb - img.height
            elif a.v_align:
                y = va
            else:
                y = va + a.v_offset
            page.frames.append(canonical(ImageFrame(x, y, img.width, img.height, img.data,
                                                    a.behind, img.name, box.index,
                                                    role_of(box.props))))

    def place_table(self, tb: TableBox, sect: Section, si: int) -> None:
        bottom = self.bottom
        header = [r for r in tb.rows if r.header]
        x = sect.left + tb.x
        for row in tb.rows:
            if self.y + row.height > bottom + EPS and not self.at_top(sect):
                self.new_page(sect, si, natural=True)
                if not row.header:
                    for hr in header:
                        self._place_row(hr, x)
            elif self.y + row.height > bottom + EPS:
                self.warn("表格行高于一页，超出部分被截断", tb.table.where)
            self._place_row(row, x)
        self.prev_style = None

    def _place_row(self, row: RowBox, x: float) -> None:
        for f in row.frames:
            self.page.frames.append(moved(f, x, self.y))
        self.y += row.height

    # -- headers and footers ------------------------------------------------
    def decorate(self) -> None:
        total = len(self.pages)
        inherited: dict[str, dict[str, list[Block]]] = {"headers": {}, "footers": {}}
        per_section: list[dict[str, dict[str, list[Block]]]] = []
        for sect in self.doc.sections:
            for kind in ("headers", "footers"):
                inherited[kind] = {**inherited[kind], **getattr(sect, kind)}
            per_section.append({k: dict(v) for k, v in inherited.items()})
        sect_pages: dict[int, int] = {}
        for page in self.pages:
            sect_pages[page.section] = sect_pages.get(page.section, 0) + 1
        for page in self.pages:
            sect = self.doc.sections[page.section]
            parts = per_section[page.section]
            kind = self._kind(sect, page.number, page.first_of_section)
            fields = {"PAGE": format_page_number(page.number, sect.pg_fmt), "NUMPAGES": str(total),
                      "SECTIONPAGES": str(sect_pages[page.section])}
            ctx = ComposeContext(self.book, None, self.doc.default_tab, fields)
            width = sect.page_w - sect.left - sect.right
            for area in ("headers", "footers"):
                blocks = parts[area].get(kind)
                if kind == "first" and blocks is None:
                    continue
                if blocks is None:
                    continue
                frames, h = _stack_part(blocks, width, ctx, self.warn)
                top = sect.header if area == "headers" else sect.page_h - sect.footer - h
                page.frames.extend(moved(f, sect.left, top) for f in frames)


def _paragraphs(blocks: list[Block]) -> list[Paragraph]:
    out: list[Paragraph] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b)
        else:
            for row in b.rows:
                for cell in row.cells:
                    out.extend(_paragraphs(cell.blocks))
    return out


def paragraphs_in_order(doc: DocxDocument) -> list[Paragraph]:
    """The main document's paragraphs in reading order (cells included): frame ``para``
    N is ``paragraphs_in_order(doc)[N - 1]``."""
    return [p for sect in doc.sections for p in _paragraphs(sect.blocks)]


def layout_document(doc: DocxDocument, book: FontBook, *, cache: dict | None = None) -> Layout:
    """Paginate ``doc``; returns the pages and the layout warnings.

    ``cache``: ``Layout.composed`` of an earlier layout of the same document with the
    same font book (see :func:`docgen.pdf.typeset`).
    """
    p = _Paginator(doc, book, cache)
    p.run()
    p.decorate()
    return Layout(p.pages, p.warnings, p.composed)

