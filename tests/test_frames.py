"""The frame model: every frame tagged with its paragraph and 公文 role; planning and
drawing read it; one layout serves the page planning and the PDF."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.build import build
from docgen.elements.even_pages import facts_from_pages
from docgen.elements.page_fit import body_paragraphs
from docgen.pdf import export_pdf, typeset
from docgen.pdf.draw import draw_pages
from docgen.pdf.frames import ImageFrame, RuleFrame, TextFrame
from docgen.pdf.pdfa import ArchiveMetadata

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory):
    result = build(ROOT / "data" / "notice-示例.yaml", out_dir=tmp_path_factory.mktemp("n"))
    return result, typeset(result.docx)


def test_every_frame_names_its_paragraph_and_role(notice) -> None:
    _result, laid = notice
    roles: set[str] = set()
    for page in laid.pages:
        for f in page.frames:
            if isinstance(f, TextFrame) and f.text.strip():
                bottom_margin = f.y > page.text_bottom + 2
                # body text has a paragraph number; headers and footers (page numbers) none
                assert (f.para == 0) == bottom_margin, f
                assert f.role, f
            roles.add(f.role)
    for role in ("issuer_mark", "doc_number", "red_line", "title", "recipient", "body",
                 "heading1", "seal_signature", "seal_date", "note", "attach_note_first",
                 "attach_label", "attach_title", "record_copy", "record_print", "page_number"):
        assert role in roles, role


def test_paragraph_numbers_are_the_docx_paragraphs(notice) -> None:
    """Frame ``para`` N is the N-th paragraph of the .docx, table cells included."""
    result, laid = notice
    with zipfile.ZipFile(result.docx) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{{{W}}}body")
    xml = ["".join(t.text or "" for t in p.iter(f"{{{W}}}t")) for p in body_paragraphs(body)]
    drawn: dict[int, str] = {}
    for page in laid.pages:
        for f in page.frames:
            if isinstance(f, TextFrame) and f.para:
                drawn[f.para] = drawn.get(f.para, "") + f.text
    assert len(drawn) > 30
    for n, text in drawn.items():
        assert re.sub(r"\s", "", text) == re.sub(r"\s", "", xml[n - 1]), n


def test_seal_is_tagged_and_on_the_date_page(notice) -> None:
    _result, laid = notice
    seals = [(page.index, f) for page in laid.pages for f in page.frames
             if isinstance(f, ImageFrame) and f.role == "seal_signature"]
    assert len(seals) == 1
    index, seal = seals[0]
    dates = [page.index for page in laid.pages for f in page.with_role("seal_date")]
    assert set(dates) == {index}


def test_record_facts_from_the_frames(notice) -> None:
    """The 版记 is found by role on the last, even page, its last rule at the text block's edge."""
    _result, laid = notice
    facts = facts_from_pages(laid.pages)
    assert facts.pages % 2 == 0 and facts.record_page == facts.pages
    last = laid.pages[-1]
    assert last.text_bottom == pytest.approx((297 - 35) * MM, abs=0.05)  # margins in twips
    assert facts.record_bottom == pytest.approx(last.text_bottom, abs=1.5 * MM)
    rules = [f for f in last.with_role("record_copy", "record_print") if isinstance(f, RuleFrame)]
    assert {round(r.width, 2) for r in rules} >= {1.0, 0.75}


def test_build_draws_the_layout_it_planned_on(notice) -> None:
    """The build's PDF is the export of the final .docx's layout, byte for byte (one layout
    serves planning and drawing), and drawing is a pure function of the frames."""
    result, laid = notice
    from docgen.build import archive_metadata
    from docgen.load import load_document

    meta = archive_metadata(load_document(ROOT / "data" / "notice-示例.yaml").document)
    assert export_pdf(laid, metadata=meta).data == result.pdf.read_bytes()
    assert draw_pages(laid.pages, title="t") == draw_pages(laid.pages, title="t")
    assert export_pdf(laid, metadata=ArchiveMetadata(title="x")).pages == len(laid.pages)


def test_no_pdf_read_back_under_src() -> None:
    """Page planning reads the frames: nothing under src/ parses a PDF with pdfplumber."""
    offenders = [p for p in (ROOT / "src").rglob("*.py") if "pdfplumber" in p.read_text("utf-8")]
    assert offenders == []


def test_footers_are_composed_once_per_page_number(notice, monkeypatch) -> None:
    """A second layout of the same document composes no footer again, and draws the same."""
    import docgen.pdf.layout as layout_module

    docx = Path(notice[0].docx)
    first = typeset(docx)
    calls = []
    real = layout_module.compose_paragraph

    def counting(para, *args, **kwargs):
        calls.append(para)
        return real(para, *args, **kwargs)

    monkeypatch.setattr(layout_module, "compose_paragraph", counting)
    second = typeset(docx)
    from docgen.pdf.docx_reader import Image

    # body, footers and cells came from the composed paragraphs; only a paragraph with a
    # picture (the seal's) is composed again (pictures are not kept)
    assert calls and all(any(isinstance(it, Image) for it in p.items) for p in calls)
    assert [[(type(f), f.__dict__) for f in p.frames] for p in second.pages] == \
        [[(type(f), f.__dict__) for f in p.frames] for p in first.pages]
    footer_numbers = [f.text for p in second.pages for f in p.frames
                      if isinstance(f, TextFrame) and f.para == 0 and any(c.isdigit() for c in f.text)]
    assert len(set(footer_numbers)) == len(second.pages) > 1  # each page its own number
