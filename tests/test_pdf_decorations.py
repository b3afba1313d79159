"""What the reader parses is drawn: italic (oblique), highlight and run shading, underline and
strike styles, tab leaders — checked on the PDF's characters, rectangles, lines and operators."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX, WD_TAB_LEADER, WD_UNDERLINE
from docx.shared import Pt

from docgen.pdf import docx_to_pdf


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    d = Document()
    p = d.add_paragraph()
    p.add_run("斜体文字").italic = True
    p.add_run("正体文字")
    p.add_run("突出显示").font.highlight_color = WD_COLOR_INDEX.YELLOW
    p = d.add_paragraph()
    p.add_run("双下划线").underline = WD_UNDERLINE.DOUBLE
    p.add_run("普通").underline = False
    p.add_run("虚下划线").underline = WD_UNDERLINE.DASH
    p.add_run("双删除线").font.double_strike = True
    p = d.add_paragraph()
    p.paragraph_format.tab_stops.add_tab_stop(Pt(300), leader=WD_TAB_LEADER.DOTS)
    p.add_run("第一章　总则\t1")
    path = tmp_path_factory.mktemp("deco") / "deco.docx"
    d.save(path)
    result = docx_to_pdf(path)
    return result


def _chars(data: bytes):
    with pdfplumber.open(io.BytesIO(data)) as doc:
        page = doc.pages[0]
        return page.chars, page.rects, page.lines, page.extract_text()


def test_italic_runs_are_slanted_and_named_in_a_warning(pdf):
    chars, *_ = _chars(pdf.data)
    slant = [(c["text"], c["matrix"][2] / c["matrix"][3]) for c in chars]
    assert "".join(t for t, _ in slant[:8]) == "斜体文字正体文字"
    assert all(k == pytest.approx(0.21, abs=0.01) for _, k in slant[:4])
    assert all(k == 0 for _, k in slant[4:8])
    assert any("斜体" in w.describe() and "正文第1段" in w.describe() for w in pdf.warnings)


def test_highlight_is_a_yellow_box_behind_its_characters(pdf):
    chars, rects, *_ = _chars(pdf.data)
    marked = [c for c in chars if c["text"] in "突出显示"]
    yellow = [r for r in rects if tuple(r["non_stroking_color"] or ()) == (1, 1, 0)]
    assert len(yellow) >= 1
    box = {"x0": min(r["x0"] for r in yellow), "x1": max(r["x1"] for r in yellow),
           "top": min(r["top"] for r in yellow), "bottom": max(r["bottom"] for r in yellow)}
    assert box["x1"] - box["x0"] == pytest.approx(sum(r["width"] for r in yellow), abs=0.5)
    for c in marked:
        assert box["x0"] - 0.5 <= c["x0"] and c["x1"] <= box["x1"] + 0.5
        assert box["top"] <= c["top"] + 1 and c["bottom"] <= box["bottom"] + 1
    assert not [c for c in chars if c["text"] == "正" and box["x0"] <= c["x0"] < box["x1"]]


def test_underline_and_strike_styles(pdf):
    chars, _rects, lines, _ = _chars(pdf.data)

    def rules_under(word: str) -> list:
        text = "".join(c["text"] for c in chars)
        start = text.index(word)
        cs = chars[start:start + len(word)]
        x0, x1 = min(c["x0"] for c in cs), max(c["x1"] for c in cs)
        return [ln for ln in lines if ln["x0"] >= x0 - 1 and ln["x1"] <= x1 + 1]

    assert len(rules_under("双下划线")) == 2
    assert len(rules_under("双删除线")) == 2
    assert len(rules_under("普通")) == 0
    with pikepdf.open(io.BytesIO(pdf.data)) as doc:
        ops = [str(op) for _o, op in pikepdf.parse_content_stream(doc.pages[0])]
    assert "d" in ops  # the dashed underline sets a dash array (and resets it)


def test_tab_leader_dots_fill_up_to_the_stop(pdf):
    chars, *_rest, text = _chars(pdf.data)
    line = next(ln for ln in text.splitlines() if "总则" in ln)
    assert "......" in line and line.rstrip().endswith("1")
    dots = [c for c in chars if c["text"] == "."]
    one = next(c for c in chars if c["text"] == "1")
    assert dots and max(c["x1"] for c in dots) <= one["x0"] + 0.5
    assert one["x0"] - max(c["x1"] for c in dots) < 6


def test_repeated_warnings_are_one_line_with_count_and_first_places(tmp_path):
    d = Document()
    for i in range(5):
        d.add_paragraph().add_run(f"第{i + 1}段斜体").italic = True
    path = tmp_path / "many.docx"
    d.save(path)
    warnings = [w for w in docx_to_pdf(path).warnings if "斜体" in w.message]
    assert len(warnings) == 1
    assert warnings[0].location.path == "正文第1段、正文第2段、正文第3段 等 5 处"
    assert all(w.location.file == str(path) for w in docx_to_pdf(path).warnings)


def test_caps_and_small_caps(tmp_path):
    d = Document()
    p = d.add_paragraph()
    p.add_run("all caps").font.all_caps = True
    p.add_run(" then ")
    p.add_run("Small Caps").font.small_caps = True
    path = tmp_path / "caps.docx"
    d.save(path)
    chars, *_rest, text = _chars(docx_to_pdf(path).data)
    assert "ALL CAPS then SMALL CAPS" in text
    last = [c for c in chars if c["text"].strip()][-9:]
    assert "".join(c["text"] for c in last) == "SMALLCAPS"
    big, small = 11, round(11 * 0.8, 1)
    assert [round(c["size"], 1) for c in last] == [big, small, small, small, small,
                                                   big, small, small, small]
