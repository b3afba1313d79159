"""The engine's memos (reading, placing, drawing): a document built after another in one
process is byte for byte what a fresh process makes of it, edits included — and the memos
really are used (a test that never hit them would prove nothing)."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from corpus_path import corpus_dir
from lxml import etree

from docgen.build import build
from docgen.pdf import docx_reader, docx_to_pdf, frame_memo, memo, page_memo
from docgen.pdf.memo import Hashed, Memo

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# ------------------------------------------------------------------ the Memo itself

def test_memo_keeps_two_generations_and_promotes_what_is_used():
    m = Memo(2)
    m.put("a", 1)
    m.put("b", 2)
    m.put("c", 3)  # the first generation is full: it becomes the older one
    assert (m.get("a"), m.get("b"), m.get("c")) == (1, 2, 3)
    assert len(m) <= 4
    m.put("d", 4)
    m.put("e", 5)  # "a" was used (promoted), "b" too; the generation of "c" is dropped
    assert m.get("zz") is None
    for _ in range(10):
        m.put(object(), 0)
    assert len(m) <= 4 and m.get("a") is None  # bounded: unused entries go


def test_forget_empties_every_memo_and_the_composed_paragraphs(tmp_path):
    from docgen.pdf import layout

    docx = build(SEED, out_dir=tmp_path, force=True, pdf=False).docx
    for _ in range(3):
        docx_to_pdf(docx)
    assert len(page_memo._PAGES) and len(docx_reader._PARAGRAPHS) and len(frame_memo._PLACED)
    assert any(layout._SHARED.values())
    memo.forget()
    assert not len(page_memo._PAGES) and not len(docx_reader._PARAGRAPHS)
    assert not len(frame_memo._PLACED) and not any(layout._SHARED.values())
    assert not memo.recurring(docx.name)  # the names read are forgotten too


def test_hashed_is_its_value():
    value = ("法治", (1, 2.5), frozenset({"x"}))
    h = Hashed(value)
    assert h == value and value == h and Hashed(value) == h
    assert hash(h) == hash(value) == hash(Hashed(value))
    assert {value: 1}[h] == 1 and {h: 2}[value] == 2
    assert h != ("法治", (1, 2.5), frozenset({"y"})) and h != Hashed(("其他",))


# ------------------------------------------------------------------ edits after a build

def _rewrite(src: Path, dst: Path, edit: Callable[[etree._Element], None],
             part: str = "word/document.xml") -> Path:
    """``src`` with one XML part edited by ``edit`` (every other part byte for byte)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                      standalone=True)
            zout.writestr(info, data)
    return dst


def _body_paragraphs(root: etree._Element) -> list[etree._Element]:
    return [p for p in root.find(_w("body")) if p.tag == _w("p") and "".join(p.itertext()).strip()]


def _change_word(root):
    p = _body_paragraphs(root)[len(_body_paragraphs(root)) // 2]
    t = p.find(".//w:t", NS)
    t.text = "龘鬯" + (t.text or "")[2:]  # characters the document had not used: new CIDs


def _insert_at_top(root):
    body = root.find(_w("body"))
    first = _body_paragraphs(root)[0]
    body.insert(0, etree.fromstring(etree.tostring(first)))  # every paragraph renumbered


def _drop_last(root):
    last = _body_paragraphs(root)[-1]
    last.getparent().remove(last)


def _restyle(root):
    p = _body_paragraphs(root)[3]
    ppr = p.find(_w("pPr"))
    if ppr is not None and ppr.find(_w("pStyle")) is not None:
        ppr.remove(ppr.find(_w("pStyle")))  # the default paragraph style instead
    else:
        p.find(".//w:t", NS).text = "另起"


def _taller_bottom_margin(root):
    """Less room on every page: paragraphs placed whole at the same place before must be
    tested against the new bottom of the text block (the text above them is unchanged)."""
    for sect in root.iter(_w("sectPr")):
        grid, mar = sect.find(_w("docGrid")), sect.find(_w("pgMar"))
        if mar is None:
            continue
        # whole grid lines: the text block's top stays where it was (its slack is centred)
        pitch = int(grid.get(_w("linePitch"), "0")) if grid is not None else 0
        mar.set(_w("bottom"), str(int(mar.get(_w("bottom"), "1440")) + 5 * (pitch or 600)))


EDITS = {"change-word": _change_word, "insert-at-top": _insert_at_top,
         "drop-last": _drop_last, "restyle": _restyle, "bottom-margin": _taller_bottom_margin}


def _sources(tmp_path_factory) -> list[Path]:
    out = [build(SEED, out_dir=tmp_path_factory.mktemp("seed"), force=True, pdf=False).docx]
    corpus = corpus_dir()
    if corpus is not None:  # tables, headers and footers, notes, pictures of other projects
        for name in ("114_NumberingIndents.docx", "001_0_level_headers.docx"):
            if (corpus / name).exists():
                out.append(corpus / name)
    return out


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return _sources(tmp_path_factory)


def _convert(path: Path):
    r = docx_to_pdf(path)
    return r.data, [(w.message, str(w.location), w.fix) for w in r.warnings]


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_built_after_the_original_equals_a_fresh_build(sources, edit, tmp_path):
    for n, src in enumerate(sources):
        original = tmp_path / f"o{n}" / src.name
        original.parent.mkdir()
        shutil.copy(src, original)
        edited = _rewrite(src, tmp_path / f"e{n}" / src.name, EDITS[edit])  # same file name
        memo.forget()
        for _ in range(3):  # the third conversion goes through every memo
            _convert(original)
        paragraphs, pages = len(docx_reader._PARAGRAPHS), len(page_memo._PAGES)
        warm = _convert(edited)
        # the memos were used: only a few paragraphs were read again
        assert len(docx_reader._PARAGRAPHS) - paragraphs <= 3, src.name
        if edit == "bottom-margin" and n == 0:  # the seed: same paragraphs, other pages
            assert warm[0] != _convert(original)[0]
        if edit == "drop-last":
            assert len(page_memo._PAGES) - pages < 2, src.name  # the pages before it reused
        memo.forget()
        fresh = _convert(edited)
        assert warm[0] == fresh[0], f"{src.name}: {edit} drawn after the original differs"
        assert warm[1] == fresh[1], f"{src.name}: {edit} warnings differ"


def test_a_rebuild_reuses_every_page_and_changes_no_byte(tmp_path):
    docx = build(SEED, out_dir=tmp_path, force=True, pdf=False).docx
    memo.forget()
    first = docx_to_pdf(docx).data
    docx_to_pdf(docx)  # the second reading fills the memos
    pages = len(page_memo._PAGES)
    third = docx_to_pdf(docx)
    assert len(page_memo._PAGES) == pages  # every page drawn from the memo
    assert third.data == first


# ------------------------------------------------------------------ reading's side effects

def _styled_document(tmp_path: Path) -> tuple[Path, Path]:
    """Two documents of one template whose style "Gw1" has an unsupported property: one with
    two paragraphs of that style, one with only the second of them."""
    from docx import Document

    doc = Document()
    style = doc.styles.add_style("Gw1", 1)
    ppr = style.element.get_or_add_pPr()
    ppr.append(etree.fromstring(f'<w:framePr xmlns:w="{W}" w:w="2000"/>'))
    doc.add_paragraph("第一段", style="Gw1")
    doc.add_paragraph("第二段", style="Gw1")
    both = tmp_path / "a" / "styled.docx"
    both.parent.mkdir()
    doc.save(both)
    second = _rewrite(both, tmp_path / "b" / "styled.docx",
                      lambda root: _body_paragraphs(root)[0].getparent().remove(
                          _body_paragraphs(root)[0]))
    return both, second


def test_a_style_warning_follows_its_paragraph_out_of_the_memo(tmp_path):
    """The second paragraph did not warn (its style had warned already) and was memoised;
    read alone, it is the first of its style and must warn."""
    both, second = _styled_document(tmp_path)
    memo.forget()
    for _ in range(3):
        _convert(both)
    warm = _convert(second)
    assert any("Gw1" in m for m, _loc, _fix in warm[1]), warm[1]
    memo.forget()
    assert warm == _convert(second)


def test_language_counts_and_paragraph_numbers_survive_the_memo(tmp_path):
    docx = build(SEED, out_dir=tmp_path, force=True, pdf=False).docx
    memo.forget()
    cold = docx_reader.read_docx(docx)
    docx_reader.read_docx(docx)
    warm = docx_reader.read_docx(docx)
    assert warm.languages == cold.languages and cold.languages
    a = [p.where for s in cold.sections for p in s.blocks if hasattr(p, "where")]
    b = [p.where for s in warm.sections for p in s.blocks if hasattr(p, "where")]
    assert a == b and len(a) > 20
    assert any(p.content is not None for s in warm.sections for p in s.blocks
               if hasattr(p, "content"))


def test_large_paragraphs_and_pages_are_not_kept(tmp_path, monkeypatch):
    """What the memos keep is bounded per entry too: a paragraph over MEMO_MAX_XML of XML is
    read afresh, a page over page_memo.MAX_KEPT compressed is drawn afresh — the same bytes."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("短段落")
    doc.add_paragraph("长" * (docx_reader.MEMO_MAX_XML // 2))  # > the limit in UTF-8 XML
    path = tmp_path / "large.docx"
    doc.save(path)
    memo.forget()
    first = _convert(path)
    _convert(path)
    assert len(docx_reader._PARAGRAPHS) == 1  # the short one only
    monkeypatch.setattr(page_memo, "MAX_KEPT", 0)
    memo.forget()
    for _ in range(3):
        again = _convert(path)
    assert not len(page_memo._PAGES)
    assert again == first


def test_an_edited_footer_after_the_original_equals_a_fresh_build(tmp_path):
    """Headers and footers are memoised by their paragraphs' content and field values: a
    footer changed in its own part is laid out again, every page of it."""
    docx = build(SEED, out_dir=tmp_path / "o", force=True, pdf=False).docx
    with zipfile.ZipFile(docx) as z:
        footers = [n for n in z.namelist() if n.startswith("word/footer")]
    assert footers

    def edit(root):
        t = next(root.iter(_w("t")), None)
        if t is not None:
            t.text = "附" + (t.text or "")

    edited = docx
    for n, part in enumerate(footers):
        edited = _rewrite(edited, tmp_path / f"e{n}" / docx.name, edit, part)
    memo.forget()
    for _ in range(3):
        original = _convert(docx)
    warm = _convert(edited)
    assert warm[0] != original[0]
    memo.forget()
    assert warm == _convert(edited)


def test_pictures_are_kept_only_in_the_small_memos(tmp_path):
    """A picture's frame holds its bytes: rebuilding a document with a picture in
    ``docgen serve`` must not pile pictures up in the memos sized by entries."""
    import io

    from docx import Document
    from docx.shared import Cm
    from PIL import Image as PILImage

    from docgen.pdf import layout
    from docgen.pdf.frames import ImageFrame

    png = io.BytesIO()
    PILImage.new("RGB", (200, 120), (200, 30, 30)).save(png, "PNG")
    doc = Document()
    doc.add_paragraph("图片之前的一段文字。" * 20)
    doc.add_paragraph().add_run().add_picture(io.BytesIO(png.getvalue()), width=Cm(4))
    doc.add_paragraph("图片之后的一段文字。" * 20)
    path = tmp_path / "picture.docx"
    doc.save(path)
    memo.forget()
    outs = [_convert(path) for _ in range(4)]
    assert all(out == outs[0] for out in outs)

    def pictures(values) -> int:
        found = 0
        for value in values:
            stack = [value]
            while stack:
                v = stack.pop()
                if isinstance(v, (tuple, list)):
                    stack.extend(v)
                elif isinstance(v, ImageFrame):
                    found += 1
        return found

    for m in (frame_memo._PLACED, frame_memo._MOVED, frame_memo._WHOLE, layout._PARTS,
              page_memo._PAGES):
        assert pictures([*m.new.values(), *m.old.values()]) == 0
    assert len(page_memo._PICTURE_PAGES) <= 2 * page_memo._PICTURE_PAGES.size
    big = ImageFrame(0, 0, 1, 1, b"x" * (frame_memo.CANON_IMAGE_MAX + 1))
    assert frame_memo.canonical(big) is big and frame_memo._CANON_IMAGES.get(big) is None
