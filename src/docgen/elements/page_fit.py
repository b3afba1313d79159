"""署名, 成文日期, 印章 and 附注 never alone on a page (GB/T 9704-2012 §7.3.5.4).

GB/T 9704 §7.3.5.4: when the space left on the last page cannot hold the
seal (or the signer's seal) and the 成文日期, adjust the line or character
spacing to solve it.  §7.3.5 also wants the 署名 block on a page with body text
above it, and the 署名 never parted from its 日期.

Measured on the frame model (:mod:`docgen.pdf.frames`): :func:`find_trouble`
reads a layout and says whether the tail block — the paragraphs playing
署名/日期/签署人/附注 (:mod:`docgen.roles`) and the seal anchored in them —
stands on a page without body text above it ("alone") or spreads over two
pages ("split"), and how many points are missing on the page it should share
with the body.  :func:`squeeze` writes the fix into the .docx itself, so that
Word and WPS show the same page: the last body paragraphs of that page get an
exact line spacing a little below the grid pitch (and ``w:snapToGrid=0``, so
that the document grid does not round them back up).  Only paragraphs that
begin on that page are touched, so the pages before it do not change.
:func:`fit_tail` loops: measure, squeeze more if needed (at most a few
rounds), and returns the .docx, the layout of that .docx and the warnings.
"""

from __future__ import annotations

import functools
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from docgen.errors import DocgenWarning, Location
from docgen.pdf.frames import ImageFrame, Page, TextFrame
from docgen.roles import Role
from docgen.safety import parse_xml

if TYPE_CHECKING:
    from docgen.pdf import Typeset

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TAIL_ROLES = frozenset(str(r) for r in (
    Role.SIGNATURE, Role.SIGNATURE_NEXT, Role.SEAL_SIGNATURE, Role.JOINT_SEAL_SIGNATURE,
    Role.SIGNER_TITLE, Role.DATE, Role.SEAL_DATE, Role.NOTE))
# what may be squeezed: running text, never the title, 版头, tables or the tail itself
SQUEEZABLE = frozenset(str(r) for r in (
    Role.BODY, Role.HEADING1, Role.HEADING2, Role.HEADING3, Role.HEADING4, Role.RECIPIENT,
    Role.ATTACH_NOTE, Role.ATTACH_NOTE_FIRST, Role.ATTACH_NOTE_NEXT, Role.MINUTES_LIST))
MIN_PITCH_RATIO = 0.75  # a squeezed line keeps at least 3/4 of the grid pitch (21.7 pt for 16 pt text)
SLACK_PT = 1.0  # asked for beyond the measured shortfall (Word fits a page a little tighter)
ROUNDS = 3

Measure = Callable[[bytes], "Typeset"]


@dataclass(frozen=True)
class Trouble:
    """The 署名 block alone on its page or split over two, and the points missing to fix it."""

    kind: str  # "alone" (no body text above the block on its page) or "split"
    page: int  # 0-based index of the page the block must share with the body
    first_para: int  # the block's first paragraph
    shortfall: float  # points missing on ``page``


def _tail_frames(pages: list[Page]) -> Iterator[tuple[int, object]]:
    for i, page in enumerate(pages):
        for f in page.frames:
            if f.para > 0 and f.role in TAIL_ROLES and (
                    isinstance(f, ImageFrame) or (isinstance(f, TextFrame) and f.text.strip())):
                yield i, f


def find_trouble(pages: list[Page], before: Callable[[int], float]) -> Trouble | None:
    """Is the 署名 block alone on its page or split over two?  (None: all well.)

    The block runs from the paragraph after the last one with visible text
    before the 署名 (blank paragraphs that leave room for the seal belong to
    it) to the end of the tail.  ``before(n)``: the space before paragraph n
    (dropped at a page top, so the layout does not show it).
    """
    found = list(_tail_frames(pages))
    if not found:
        return None
    tail = min(f.para for _i, f in found)
    texts = [f.para for page in pages for f in page.body_text() if f.para < tail]
    first = (max(texts) + 1) if texts else tail
    on = sorted({i for i, _f in found})
    block_lines = {i: [ln for ln in page.lines if ln.para >= first]
                   for i, page in enumerate(pages) if i >= on[0] - 1}
    start = next(i for i in sorted(block_lines) if block_lines[i])
    body_above = any(f.para < first for f in pages[start].body_text())
    if not body_above and start > 0:
        lines = [ln for i in block_lines if i >= start for ln in block_lines[i]]
        height = sum(ln.bottom - ln.top for ln in lines) + before(first)
        return Trouble("alone", start - 1, first, _missing(pages[start - 1], height))
    if on[-1] > start:
        rest = [ln for i in block_lines if i > start for ln in block_lines[i]]
        height = sum(ln.bottom - ln.top for ln in rest)
        return Trouble("split", start, first, _missing(pages[start], height))
    return None


def _missing(page: Page, height: float) -> float:
    used = max((ln.bottom for ln in page.lines), default=page.text_top)
    return max(height - (page.text_bottom - used), 0.0) + SLACK_PT


@dataclass(frozen=True)
class Squeeze:
    """The fix for a :class:`Trouble`: paragraphs to set at a tighter exact line spacing."""

    paras: tuple[int, ...]  # paragraph indices to set
    line_pt: float  # their new exact line spacing


def plan_squeeze(pages: list[Page], trouble: Trouble, pitch: float) -> Squeeze | None:
    """The last body paragraphs of the trouble's page, and the exact line spacing that
    frees ``trouble.shortfall`` points on it (None: not possible within the limit)."""
    page = pages[trouble.page]
    earlier = {ln.para for ln in pages[trouble.page - 1].lines} if trouble.page > 0 else set()
    lines_of: dict[int, int] = {}
    roles: dict[int, str] = {}
    for ln in page.lines:
        lines_of[ln.para] = lines_of.get(ln.para, 0) + 1
        roles[ln.para] = ln.role
    limit = pitch * (1 - MIN_PITCH_RATIO)
    chosen: list[int] = []
    for para in sorted((n for n in lines_of if n < trouble.first_para), reverse=True):
        if roles[para] not in SQUEEZABLE or para in earlier:
            break  # only paragraphs that begin on this page: the pages before stay as they are
        chosen.append(para)
        if trouble.shortfall / sum(lines_of[n] for n in chosen) <= limit:
            break
    if not chosen:
        return None
    cut = trouble.shortfall / sum(lines_of[n] for n in chosen)
    if cut > limit:
        return None
    return Squeeze(tuple(sorted(chosen)), math.floor((pitch - cut) * 20) / 20)


# ---------------------------------------------------------------- editing the .docx

_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
              "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
              "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
              "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
              "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _child(ppr: etree._Element, tag: str) -> etree._Element:
    """``ppr``'s child ``w:tag``, created at its schema position if missing."""
    found = ppr.find(_w(tag))
    if found is not None:
        return found
    el = etree.SubElement(ppr, _w(tag))
    rank = _PPR_ORDER.index(tag)
    for other in ppr:
        name = etree.QName(other).localname
        if other is not el and name in _PPR_ORDER and _PPR_ORDER.index(name) > rank:
            other.addprevious(el)
            break
    return el


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    for el in parent:
        if el.tag == _w("sdt"):
            content = el.find(_w("sdtContent"))
            if content is not None:
                yield from _blocks(content)
        elif el.tag == _w("customXml"):
            yield from _blocks(el)
        elif el.tag in (_w("p"), _w("tbl"), _w("tr"), _w("tc")):
            yield el


def body_paragraphs(body: etree._Element) -> list[etree._Element]:
    """``w:p`` elements in the order the PDF engine numbers paragraphs (cells included)."""
    out: list[etree._Element] = []

    def walk(parent: etree._Element) -> None:
        for el in _blocks(parent):
            if el.tag == _w("p"):
                out.append(el)
            else:
                walk(el)

    walk(body)
    return out


def replace_part(docx: bytes, name: str, data: bytes) -> bytes:
    """``docx`` with the part ``name`` replaced by ``data``; the other parts copied as they are.

    Written stored, not deflated: an intermediate .docx, compressed once by build's
    ``stable_zip``.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zout:
        seen: set[str] = set()
        for info in zin.infolist():
            if info.filename in seen:  # a duplicated entry: read() gives the last one, once
                continue
            seen.add(info.filename)
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.external_attr = info.external_attr
            zout.writestr(entry, data if info.filename == name else zin.read(info.filename))
    return out.getvalue()


def _edited(raw: bytes, name: str, edit: Callable[[etree._Element], bool]) -> bytes | None:
    root = parse_xml(raw, where=name)
    if not edit(root):
        return None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def rewrite_part(docx: bytes, name: str, edit: Callable[[etree._Element], bool]) -> bytes:
    """``docx`` with the XML part ``name`` passed through ``edit`` (which changes the tree
    in place and says whether it changed anything)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as zin:
        try:
            raw = zin.read(name)
        except KeyError:
            return docx
    data = _edited(raw, name, edit)
    return docx if data is None else replace_part(docx, name, data)


def squeeze(docx: bytes, plan: Squeeze) -> bytes:
    """Give the planned paragraphs an exact line spacing, off the grid (in the .docx)."""
    def edit(root: etree._Element) -> bool:
        paras = body_paragraphs(root.find(_w("body")))
        for n in plan.paras:
            p = paras[n - 1]
            ppr = p.find(_w("pPr"))
            if ppr is None:
                ppr = etree.Element(_w("pPr"))
                p.insert(0, ppr)
            _child(ppr, "snapToGrid").set(_w("val"), "0")
            spacing = _child(ppr, "spacing")
            spacing.set(_w("line"), str(round(plan.line_pt * 20)))
            spacing.set(_w("lineRule"), "exact")
        return True

    return rewrite_part(docx, "word/document.xml", edit)


def _pin_widow_control(root: etree._Element) -> bool:
    defaults = root.find(_w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(_w("docDefaults"))
        root.insert(0, defaults)
    ppr_default = defaults.find(_w("pPrDefault"))
    if ppr_default is None:
        ppr_default = etree.SubElement(defaults, _w("pPrDefault"))
    ppr = ppr_default.find(_w("pPr"))
    if ppr is None:
        ppr = etree.SubElement(ppr_default, _w("pPr"))
    if ppr.find(_w("widowControl")) is not None:
        return False
    _child(ppr, "widowControl").set(_w("val"), "0")
    return True


def pin_widow_control(docx: bytes) -> bytes:
    """Write ``w:widowControl w:val="0"`` into the document defaults when no default is set.

    A paragraph whose styles never mention widow control has none (ECMA-376
    §17.3.1.44), and docgen lays it out so; LibreOffice 7.4 applies it anyway and
    then breaks pages elsewhere (a 署名 pulled back by :func:`squeeze` went to
    the next page again).  Saying it explicitly makes every editor break the
    pages docgen planned; styles that set widow control keep their own value.
    """
    return rewrite_part(docx, "word/styles.xml", _pin_widow_control)


# ---------------------------------------------------------------- the loop

def _before(laid_out: Typeset) -> Callable[[int], float]:
    from docgen.pdf.layout import paragraphs_in_order  # noqa: PLC0415 (keeps import light)

    paras = paragraphs_in_order(laid_out.doc)
    pitch = _pitch(laid_out)

    def before(n: int) -> float:
        props = paras[n - 1].props
        return props.before_lines * pitch if props.before_lines else props.before

    return before


def _pitch(laid_out: Typeset) -> float:
    return next((s.grid_pitch for s in laid_out.doc.sections if s.grid_pitch), None) or 28.95


def fit_tail(docx: bytes, measure: Measure, laid_out: Typeset | None = None
             ) -> tuple[bytes, Typeset, list[DocgenWarning]]:
    """Keep the 署名 block with the body (see module doc).

    Returns the .docx, the layout *of that .docx* (for drawing), and a warning
    when the block could not be pulled back within :data:`MIN_PITCH_RATIO`.
    """
    base = laid_out or measure(docx)
    first = _trouble(base)
    if first is None:
        return docx, base, []
    pitch = _pitch(base)
    shortfall = first.shortfall
    for _ in range(ROUNDS):
        plan = plan_squeeze(base.pages, replace(first, shortfall=shortfall), pitch)
        if plan is None:
            break
        candidate = squeeze(docx, plan)
        laid = measure(candidate)
        again = _trouble(laid)
        if again is None:
            return candidate, laid, []
        if (again.kind, again.page) != (first.kind, first.page):
            break
        shortfall += again.shortfall
    page_no = base.pages[first.page + (1 if first.kind == "alone" else 0)].number
    warning = DocgenWarning(
        f"第 {page_no} 页：发文机关署名、成文日期（或印章、附注）"
        + ("前没有正文" if first.kind == "alone" else "被分在两页")
        + "，调整最后几段的行距也无法让它们与正文同页（GB/T 9704 §7.3.5.4）",
        Location(file=Path(base.doc.source).name, path=f"正文第{first.first_para}段"),
        "删减或合并最后一页的正文，或增加正文内容，使署名、成文日期与正文在同一页。")
    return docx, base, [warning]


def _trouble(laid_out: Typeset) -> Trouble | None:
    return find_trouble(laid_out.pages, _before(laid_out))


# ---------------------------------------------------------------- styles spaced off the grid

_DOC_GRID = re.compile(rb"<w:docGrid\b[^>]*>")
_ATTR = re.compile(rb'w:(type|linePitch)="([^"]*)"')


def _grid_pitch_twips(docx: bytes) -> int | None:
    """The line pitch of the first section with a lines grid (twips), or None."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml")
    for tag in _DOC_GRID.finditer(xml):
        attrs = dict(_ATTR.findall(tag.group(0)))
        if attrs.get(b"type") in (b"lines", b"linesAndChars", b"snapToChars") and \
                attrs.get(b"linePitch", b"").isdigit():
            return int(attrs[b"linePitch"])
    return None


def _unsnap(root: etree._Element, pitch: int) -> bool:
    changed = False
    holders = [st.find(_w("pPr")) for st in root.iter(_w("style"))
               if st.get(_w("type")) == "paragraph"]
    holders.append(root.find(f"{_w('docDefaults')}/{_w('pPrDefault')}/{_w('pPr')}"))
    for ppr in holders:
        if ppr is None or ppr.find(_w("snapToGrid")) is not None:
            continue
        spacing = ppr.find(_w("spacing"))
        if spacing is None or not (spacing.get(_w("line")) or "").lstrip("-").isdigit():
            continue
        rule, line = spacing.get(_w("lineRule")) or "auto", abs(int(spacing.get(_w("line"))))
        if (rule == "exact" and line != pitch) or (rule == "atLeast" and line > pitch):
            _child(ppr, "snapToGrid").set(_w("val"), "0")
            changed = True
    return changed


def unsnap_spaced_styles(docx: bytes) -> bytes:
    """Styles whose exact or at-least line spacing is not the grid pitch get ``w:snapToGrid
    w:val="0"`` (unless they say otherwise), so that every editor gives them the spacing
    Word gives them.

    On a lines grid Word uses an exact spacing as it is and an at-least one above the
    pitch as it is (:mod:`docgen.pdf.grid`); LibreOffice ignores both on grid-snapped
    paragraphs.  Off the grid, both use the value — so the .docx says so, and Word's
    page does not change.  A style whose spacing equals the pitch keeps the grid.
    """
    pitch = _grid_pitch_twips(docx)
    if not pitch:
        return docx
    return rewrite_part(docx, "word/styles.xml", lambda root: _unsnap(root, pitch))


def normalise_styles(docx: bytes) -> bytes:
    """:func:`pin_widow_control` and :func:`unsnap_spaced_styles` in one rewrite.

    The result depends only on the template's styles and grid, so it is computed
    once per distinct styles part (a batch renders one template many times)."""
    pitch = _grid_pitch_twips(docx)
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        try:
            raw = z.read("word/styles.xml")
        except KeyError:
            return docx
    data = _normalised_styles(raw, pitch)
    return docx if data is None else replace_part(docx, "word/styles.xml", data)


@functools.lru_cache(maxsize=16)
def _normalised_styles(raw: bytes, pitch: int | None) -> bytes | None:
    def edit(root: etree._Element) -> bool:
        pinned = _pin_widow_control(root)
        return (_unsnap(root, pitch) or pinned) if pitch else pinned

    return _edited(raw, "word/styles.xml", edit)
