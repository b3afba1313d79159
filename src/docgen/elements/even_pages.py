"""版记 on the last page, an even page, its last line on the text block's lower edge.

GB/T 9704 §7.4 / §7.5: documents are printed on both sides, so the 版记 sits
on an even last page; when the body ends on an odd page the 版记 gets the next
(even) page; when it would spill onto an odd page a blank page is inserted
before it, and then neither the blank page nor the 版记 page is numbered.

The page count is known only after layout, so this works in rounds over the
rendered .docx: ``measure`` lays it out with docgen's engine
(:func:`docgen.pdf.typeset`, the frame model) and :func:`facts_from_pages`
reads where the 版记's rules landed from the frames tagged with the 版记 roles
— no PDF is drawn or read back; :func:`plan` (pure) decides the page break /
blank page; :func:`apply_plan` and :func:`push_down` edit the .docx (pure
functions on bytes).  The 版记 is recognised as the table whose first
paragraph plays 抄送机关 or 印发机关和印发日期 (:mod:`docgen.roles`: by the
style's visible name, so a template re-saved by an editor that renames style
IDs keeps its 版记).  Every round after the first lays out only a .docx that
changed, and the last layout is returned for drawing.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from docgen.pdf.frames import Page, RuleFrame
from docgen.roles import Role, paragraph_role, style_roles

if TYPE_CHECKING:
    from docgen.pdf import Typeset

MM = 72 / 25.4
RULE_MIN_WIDTH_PT = 150 * MM  # 版记 rules are 156 mm long
RULE_MIN_LINEWIDTH = 0.6  # 0.25 mm = 0.71 pt; attachment table borders are 0.5 pt
TAIL_PT = 2.5  # room for the 1-pt paragraph after the 版记 table and half the last rule
PUSH_TOLERANCE_PT = 0.6
# Left free under the 版记 when pushing it down: Word and LibreOffice fit a page a
# little more strictly than our engine, and without room they move the 版记 to a
# page of its own.  Measured on our layout, LibreOffice 7.4 sets the 版记 page's
# content about 1 pt higher than we do (notice, order samples), so 0.5 pt here
# leaves it about 1.5 pt.
LAYOUT_SLACK_PT = 0.5


@dataclass(frozen=True)
class PageFacts:
    """Where the 版记 landed in one layout (y from the page top, points)."""

    pages: int
    record_page: int | None  # 1-based page of the 版记; None if it has no rules
    record_top: float = 0.0  # its first rule
    record_bottom: float = 0.0  # its last rule
    content_above: bool = False  # text above the 版记 on its page
    text_bottom: float = 0.0  # the text block's lower edge


@dataclass(frozen=True)
class Plan:
    """What the 版记 needs: a page break before it, and maybe a blank page too."""

    page_break: bool = False  # start the 版记 on the next page
    blank_page: bool = False  # and put an unnumbered blank page before it


def plan(facts: PageFacts) -> Plan:
    """Decide the page break / blank page for a layout (pure)."""
    if facts.record_page is None:
        return Plan()
    if facts.record_page % 2 == 0:
        return Plan()
    if facts.content_above:
        return Plan(page_break=True)  # body ends on an odd page: 版记 on the next one
    return Plan(page_break=True, blank_page=True)  # 版记 alone on an odd page


RECORD_ROLES = (str(Role.RECORD_COPY), str(Role.RECORD_PRINT))


def facts_from_pages(pages: list[Page]) -> PageFacts:
    """Where the 版记's rules landed on the last laid-out page (frames tagged 版记)."""
    count = len(pages)
    if not pages:
        return PageFacts(0, None)
    last = pages[-1]
    rules = sorted({round((f.y1 + f.y2) / 2, 1) for f in last.with_role(*RECORD_ROLES)
                    if isinstance(f, RuleFrame) and abs(f.y1 - f.y2) < 0.01
                    and abs(f.x2 - f.x1) >= RULE_MIN_WIDTH_PT})
    if not rules:
        return PageFacts(count, None, text_bottom=last.text_bottom)
    top, bottom = rules[0], rules[-1]
    above = any(f.role not in RECORD_ROLES and f.y < top - 1 for f in last.body_text())
    return PageFacts(count, count, top, bottom, above, last.text_bottom)


# ---------------------------------------------------------------- editing the .docx

def _record_table(doc):
    """The 版记: the table whose first paragraph plays 抄送机关 or 印发机关 (by style name)."""
    roles = style_roles(doc)
    for tbl in doc.element.body.iterchildren(qn("w:tbl")):
        first = tbl.find(f".//{qn('w:p')}")
        if first is not None and paragraph_role(first, roles) in (Role.RECORD_COPY,
                                                                  Role.RECORD_PRINT):
            return tbl
    return None


def _tail_style(doc) -> str:
    return style_roles(doc).id_of(Role.TAIL, "GwTail") or "GwTail"


def _tiny_paragraph(height_twips: int = 20, style_id: str = "GwTail"):
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), style_id)
    ppr.append(style)
    grid = OxmlElement("w:snapToGrid")
    grid.set(qn("w:val"), "0")
    ppr.append(grid)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(max(height_twips, 1)))
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)
    p.append(ppr)
    return p


def _page_break_paragraph(style_id: str = "GwTail"):
    p = _tiny_paragraph(style_id=style_id)
    run = OxmlElement("w:r")
    br = OxmlElement("w:br")
    br.set(qn("w:type"), "page")
    run.append(br)
    p.append(run)
    return p


def _save(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def apply_plan(docx: bytes, decision: Plan) -> bytes:
    """Insert the page break (and the unnumbered blank page) before the 版记."""
    if not decision.page_break:
        return docx
    doc = Document(io.BytesIO(docx))
    table = _record_table(doc)
    if table is None:
        return docx
    tail = _tail_style(doc)
    if decision.blank_page:
        body_sect = doc.sections[-1]._sectPr
        end_of_numbered = _tiny_paragraph(style_id=tail)
        end_of_numbered.find(qn("w:pPr")).append(copy.deepcopy(body_sect))
        table.addprevious(end_of_numbered)
        # the last section (blank page + 版记 page) gets empty footers
        for ref in body_sect.findall(qn("w:footerReference")):
            body_sect.remove(ref)
        section = doc.sections[-1]
        footers = [section.footer, section.even_page_footer]
        if section.different_first_page_header_footer:
            footers.append(section.first_page_footer)
        for footer in footers:
            footer.is_linked_to_previous = False
            for p in footer.paragraphs:
                for child in list(p._p):
                    if child.tag != qn("w:pPr"):
                        p._p.remove(child)
    table.addprevious(_page_break_paragraph(tail))
    return _save(doc)


def _is_spacer(p, tail: str) -> bool:
    """A 文末-style paragraph without text, page break or section break: our push spacer."""
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return (p.tag == qn("w:p") and style is not None and style.get(qn("w:val")) == tail
            and p.find(qn("w:r")) is None and p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None)


def push_down(docx: bytes, points: float) -> bytes:
    """Insert (or grow) an exact-height spacer right before the 版记 table."""
    if points <= PUSH_TOLERANCE_PT:
        return docx
    doc = Document(io.BytesIO(docx))
    table = _record_table(doc)
    if table is None:
        return docx
    tail = _tail_style(doc)
    prev = table.getprevious()
    if prev is not None and _is_spacer(prev, tail):
        spacing = prev.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        spacing.set(qn("w:line"), str(int(spacing.get(qn("w:line"))) + round(points * 20)))
    else:
        table.addprevious(_tiny_paragraph(round(points * 20), tail))
    return _save(doc)


Measure = Callable[[bytes], "Typeset"]  # .docx bytes -> its layout (docgen.pdf.typeset)


def settle_record(docx: bytes, measure: Measure, *, rounds: int = 3,
                  laid_out: Typeset | None = None) -> tuple[bytes, PageFacts | None, Typeset]:
    """Put the 版记 on an even last page and its last rule on the text block's bottom.

    ``laid_out``: the layout of ``docx`` if the caller has it already.  Returns
    the new .docx, the facts of its final layout (None if the document has no
    版记 with rules) and that final layout — the layout *of the returned
    .docx*, so that the caller can draw it without laying it out again.
    """
    current = laid_out or measure(docx)
    facts = facts_from_pages(current.pages)
    if facts.record_page is None:
        return docx, None, current
    decision = plan(facts)
    if decision.page_break:
        docx = apply_plan(docx, decision)
        current = measure(docx)
    for _ in range(rounds):
        facts = facts_from_pages(current.pages)
        if facts.record_page is None:
            return docx, None, current
        gap = facts.text_bottom - TAIL_PT - LAYOUT_SLACK_PT - facts.record_bottom
        if gap <= PUSH_TOLERANCE_PT:
            break
        pushed = push_down(docx, gap)
        if pushed == docx:
            break
        docx, current = pushed, measure(pushed)
    return docx, facts_from_pages(current.pages), current
