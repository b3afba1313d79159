"""The one-pass PDF/A writer: every sample builds to valid, deterministic PDF/A-2b whose
metadata is in the XMP and whose characters sit where the frame model put them."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pdf_glyphs import count_notdef
from reportlab.pdfbase import pdfmetrics

import docgen.pdf as engine
from docgen.build import build
from docgen.pdf.frames import TextFrame
from docgen.pdf.pdfa_finish import validate_pdfa

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data").glob("*.yaml"))


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda p: p.stem)
def built(request, tmp_path_factory):
    """(pdf bytes of two builds, the exported Typeset, its metadata)."""
    seen = {}
    real = engine.export_pdf

    def spy(laid, **kw):
        seen["laid"], seen["meta"] = laid, kw.get("metadata")
        return real(laid, **kw)

    engine.export_pdf = spy
    try:
        outs = []
        for n in range(2):
            r = build(request.param, out_dir=tmp_path_factory.mktemp(f"b{n}"), force=True)
            outs.append(Path(r.pdf).read_bytes())
    finally:
        engine.export_pdf = real
    return outs, seen["laid"], seen["meta"]


def test_valid_pdfa_deterministic_no_notdef(built):
    (first, second), _laid, _meta = built
    assert first == second
    assert validate_pdfa(first) == []
    notdef, glyphs = count_notdef(first)
    assert glyphs > 0 and notdef == 0


def test_xmp_and_info_carry_the_metadata(built):
    (data, _), laid, meta = built
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = pdf.open_metadata()
        assert xmp["dc:title"] == meta.title
        assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        assert list(xmp["dc:language"]) == (list(laid.doc.languages) or ["zh-CN"])
        if meta.doc_number:
            assert xmp["dc:identifier"] == meta.doc_number
        if meta.keywords:
            assert xmp["pdf:Keywords"] == "；".join(meta.keywords)
        info = pdf.trailer.Info
        assert str(info.Title) == meta.title
        assert str(info.CreationDate) == str(info.ModDate)
        assert xmp["xmp:CreateDate"].startswith(
            f"{str(info.CreationDate)[2:6]}-{str(info.CreationDate)[6:8]}")
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        for page in pdf.pages:
            for _k, font in page.Resources.get("/Font", {}).items():
                assert "/ToUnicode" in font and "+" in str(font.BaseFont)


def test_characters_where_the_frame_model_puts_them(built):
    """Text and glyph origins (pdfplumber) equal the frames' (±0.01 pt)."""
    (data, _), laid, _meta = built
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == len(laid.pages)
        for page, model in zip(pdf.pages, laid.pages, strict=True):
            expected = []
            for f in model.frames:
                if type(f) is not TextFrame:
                    continue
                face = pdfmetrics.getFont(f.font).face
                x = f.x
                for ch in f.text:
                    expected.append((" " if ch == "\xa0" else ch, x, page.height - f.y))
                    x += face.getCharWidth(ord(ch)) * f.size / 1000 + f.char_space
            chars = page.chars
            assert [c["text"] for c in chars] == [e[0] for e in expected]
            for c, (_ch, x, y) in zip(chars, expected, strict=True):
                assert c["x0"] == pytest.approx(x, abs=0.01)
                assert c["matrix"][5] == pytest.approx(y, abs=0.01)


def test_font_programs_are_reused_only_for_the_same_characters():
    """The subset cache gives what makeSubset gives, and never another document's subset."""
    from docgen.pdf import embed
    from docgen.pdf.metrics import get_fontbook

    face = get_fontbook().face("仿宋_GB2312").font.face
    cmap = face.charToGlyph
    first = [ord(c) for c in "法治政府建设" if ord(c) in cmap]
    other = [ord(c) for c in "安全生产工作" if ord(c) in cmap]
    embed._SUBSETS.clear()
    made = embed.font_parts(face, first)
    assert embed.font_parts(face, first) is made  # from the cache
    assert embed.font_parts(face, other).program != made.program  # other characters
    flipped = embed.font_parts(face, list(reversed(first)))
    assert flipped.program != made.program and flipped.to_unicode != made.to_unicode  # CID order
    embed._SUBSETS.clear()
    assert embed.font_parts(face, first) == made  # made again: the same bytes
    import zlib
    program = zlib.decompress(made.program)
    assert made.length == len(program) and program == face.makeSubset(first)
    assert made.widths.split() == [embed._num(face.getCharWidth(cp)) for cp in first]
    cmap = zlib.decompress(made.to_unicode).decode("ascii")
    assert f"<0001> <{ord('法'):04X}>" in cmap


def test_a_rebuild_with_other_characters_embeds_them(tmp_path):
    """Two documents one after the other in a process: the second's new characters are drawn."""
    import yaml

    seed = Path(__file__).resolve().parents[1] / "data" / "notice-示例.yaml"
    data = yaml.safe_load(seed.read_text(encoding="utf-8"))
    first = build(seed, out_dir=tmp_path / "a", force=True)
    data["meta"]["title"] = data["meta"]["title"] + "鬯龘"
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for name in ("印章.png",):
        if (seed.parent / name).exists():
            (tmp_path / name).write_bytes((seed.parent / name).read_bytes())
    second = build(changed, out_dir=tmp_path / "b", force=True)
    with pdfplumber.open(second.pdf) as pdf:
        text = pdf.pages[0].extract_text()
    assert "鬯" in text and "龘" in text
    assert count_notdef(second.pdf.read_bytes())[0] == 0
    assert first.pdf.read_bytes() != second.pdf.read_bytes()
    # the same file as a fresh process makes it, with nothing cached from the first build
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "docgen", "build", str(changed), "--out",
                    str(tmp_path / "c"), "--force"], check=True, capture_output=True)
    assert (tmp_path / "c" / second.pdf.name).read_bytes() == second.pdf.read_bytes()
