"""The composer's shortcuts give exactly what the plain rules give.

Random paragraphs of real 公文 pieces (figures, Latin words, doubled dashes,
punctuation, several runs), composed with the process fonts: the CJK-Latin gaps
found from the recorded edges of Latin text are the gaps found by looking at
every pair of atoms.
"""

from __future__ import annotations

import random

from docgen.pdf.compose import ComposeContext, _atom_of, _segments, apply_auto_space, build_atoms
from docgen.pdf.docx_reader import Paragraph, Text
from docgen.pdf.metrics import DocumentFonts, get_fontbook
from docgen.pdf.styles import ParaProps, RunProps

PIECES = ["法治政府", "建设", "2022", "年", "98.7%", "PDF/A", "“放管服”", "——", "……", " ", "，",
          "。", "GB/T 9704", "（一）", "x", "3", "Ⅱ", "①", "e-mail", "№5", "℃", "10:30"]


def _paragraph(rng: random.Random) -> Paragraph:
    runs = [RunProps(font_ascii="Times New Roman", font_east_asia="仿宋_GB2312", size=16),
            RunProps(font_ascii="Times New Roman", font_east_asia="黑体", size=16, bold=True),
            RunProps(font_ascii="Arial", font_east_asia="仿宋_GB2312", size=14, spacing=-0.25)]
    items = []
    for _ in range(rng.randint(1, 8)):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 10)))
        items.append(Text(text, rng.choice(runs)))
    return Paragraph(ParaProps(), items, "正文第1段")


def test_auto_space_from_edges_equals_looking_at_every_pair():
    rng = random.Random(15)
    ctx = ComposeContext(DocumentFonts(get_fontbook()))
    gaps = 0
    for _ in range(300):
        para = _paragraph(rng)
        edges: list[int] = []
        atoms, _ = build_atoms(para, ctx, edges)
        every = list(atoms)
        apply_auto_space(atoms, edges)
        apply_auto_space(every)
        assert [(a.text, a.width, a.extra) for a in atoms] == \
            [(a.text, a.width, a.extra) for a in every]
        gaps += sum(1 for a in atoms if a.extra)
    assert gaps > 100  # the texts do meet at CJK-Latin edges


def test_words_of_one_run_are_the_atoms_segments_makes():
    """build_atoms' one-segment shortcut for a cluster of one run gives _segments' atom."""
    rng = random.Random(16)
    ctx = ComposeContext(DocumentFonts(get_fontbook()))
    words = 0
    for _ in range(300):
        atoms, _ = build_atoms(_paragraph(rng), ctx)
        for a in atoms:
            if a.kind != "text" or len(a.text) < 2 or len({id(s.rp) for s in a.segs}) != 1:
                continue
            plain = _atom_of(a.text, _segments(a.text, [a.segs[0].rp] * len(a.text), ctx.book))
            assert (a.text, a.width) == (plain.text, plain.width)
            assert [(s.text, s.face, s.rp, s.size, s.width, s.rise, s.missing, s.line_face)
                    for s in a.segs] == \
                [(s.text, s.face, s.rp, s.size, s.width, s.rise, s.missing, s.line_face)
                 for s in plain.segs]
            words += 1
    assert words > 100
