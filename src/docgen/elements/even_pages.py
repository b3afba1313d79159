"""版记 on the last page, an even page, its last line on the text block's lower edge.

GB/T 9704 §7.4 / §7.5: documents are printed on both sides, so the 版记 sits
on an even last page; when the body ends on an odd page the 版记 gets the next
(even) page; when it would spill onto an odd page a blank page is inserted
before it, and then neither the blank page nor the 版记 page is numbered.

The page count is known only after layout, so this works in rounds over the
rendered .docx: ``measure`` lays it out (LibreOffice, or any docx -> PDF
function) and :func:`facts_from_pdf` reads where the 版记's rules landed;
:func:`plan` (pure) decides the page break / blank page; :func:`apply_plan`
and :func:`push_down` edit the .docx (pure functions on bytes).  The 版记 is
recognised as the ruled table whose first paragraph has style 抄送机关
(GwRecordCopy) or 印发机关和印发日期 (GwRecordPrint).
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

RECORD_STYLES = ("GwRecordCopy", "GwRecordPrint")
MM = 72 / 25.4
RULE_MIN_WIDTH_PT = 150 * MM  # 版记 rules are 156 mm long
RULE_MIN_LINEWIDTH = 0.6  # 0.25 mm = 0.71 pt; attachment table borders are 0.5 pt
TAIL_PT = 2.5  # room for the 1-pt paragraph after the 版记 table and half the last rule
PUSH_TOLERANCE_PT = 0.6
# Left free under the 版记 when pushing it down: Word and LibreOffice fit a page a
# little more strictly than our engine (LibreOffice needed 20–40 twips more), and
# without this room they moved the 版记 to a page of its own.
LAYOUT_SLACK_PT = 1.0


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


def facts_from_pdf(pdf: bytes, text_bottom_mm: float = 297 - 35) -> PageFacts:
    """Find the 版记 rules on the last page of a laid-out PDF."""
    import pdfplumber  # noqa: PLC0415

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        pages = len(doc.pages)
        last = doc.pages[-1]
        rules = sorted({round(y, 1) for y in _rules(last)})
        if not rules:
            return PageFacts(pages, None, text_bottom=text_bottom_mm * MM)
        top, bottom = rules[0], rules[-1]
        above = any(ch["bottom"] < top - 1 and ch["text"].strip() for ch in last.chars)
        return PageFacts(pages, pages, top, bottom, above, text_bottom_mm * MM)


def _rules(page) -> list[float]:
    """y of black horizontal rules as wide as the text block and at least 0.6 pt thick."""
    found = []
    for obj in list(page.lines) + list(page.rects):
        wide = obj["x1"] - obj["x0"] >= RULE_MIN_WIDTH_PT
        flat = obj["bottom"] - obj["top"] <= 2
        thick = (obj.get("linewidth") or 0) >= RULE_MIN_LINEWIDTH or \
            (obj in page.rects and obj["bottom"] - obj["top"] >= RULE_MIN_LINEWIDTH * 0.9)
        colour = obj.get("stroking_color") if obj in page.lines else obj.get("non_stroking_color")
        black = colour in (None, 0, (0,), (0, 0, 0), [0], [0, 0, 0], (0.0, 0.0, 0.0))
        if wide and flat and thick and black:
            found.append((obj["top"] + obj["bottom"]) / 2)
    return found


# ---------------------------------------------------------------- editing the .docx

def _record_table(doc):
    for tbl in doc.element.body.iterchildren(qn("w:tbl")):
        first = tbl.find(f".//{qn('w:p')}")
        style = first.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if first is not None else None
        if style is not None and style.get(qn("w:val")) in RECORD_STYLES:
            return tbl
    return None


def _tiny_paragraph(height_twips: int = 20):
    p = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    style = OxmlElement("w:pStyle")
    style.set(qn("w:val"), "GwTail")
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


def _page_break_paragraph():
    p = _tiny_paragraph()
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
    if decision.blank_page:
        body_sect = doc.sections[-1]._sectPr
        end_of_numbered = _tiny_paragraph()
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
    table.addprevious(_page_break_paragraph())
    return _save(doc)


def _is_spacer(p) -> bool:
    """A 文末-style paragraph without text, page break or section break: our push spacer."""
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return (p.tag == qn("w:p") and style is not None and style.get(qn("w:val")) == "GwTail"
            and p.find(qn("w:r")) is None and p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is None)


def push_down(docx: bytes, points: float) -> bytes:
    """Insert (or grow) an exact-height spacer right before the 版记 table."""
    if points <= PUSH_TOLERANCE_PT:
        return docx
    doc = Document(io.BytesIO(docx))
    table = _record_table(doc)
    if table is None:
        return docx
    prev = table.getprevious()
    if prev is not None and _is_spacer(prev):
        spacing = prev.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        spacing.set(qn("w:line"), str(int(spacing.get(qn("w:line"))) + round(points * 20)))
    else:
        table.addprevious(_tiny_paragraph(round(points * 20)))
    return _save(doc)


Measure = Callable[[bytes], bytes]  # .docx bytes -> PDF bytes


def settle_record(docx: bytes, measure: Measure, *, rounds: int = 3) -> tuple[bytes, PageFacts | None]:
    """Put the 版记 on an even last page and its last rule on the text block's bottom.

    Returns the new .docx and the facts of its final layout (None if the
    document has no 版记 with rules).
    """
    facts = facts_from_pdf(measure(docx))
    if facts.record_page is None:
        return docx, None
    docx = apply_plan(docx, plan(facts))
    for _ in range(rounds):
        facts = facts_from_pdf(measure(docx))
        if facts.record_page is None:
            return docx, None
        gap = facts.text_bottom - TAIL_PT - LAYOUT_SLACK_PT - facts.record_bottom
        if gap <= PUSH_TOLERANCE_PT:
            break
        docx = push_down(docx, gap)
    return docx, facts
