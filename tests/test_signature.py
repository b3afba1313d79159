"""Unsealed 署名 and 成文日期 (GB/T 9704-2012 §7.3.5.2), in the .docx and in the PDF.

署名 right-indented two characters; the date's first character two characters
right of the 署名's first; a date longer than the 署名 takes the two-character
indent and the 署名 moves left.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from formats_support import open_pdf, text_lines
from lxml import etree

from docgen.build import build
from docgen.render_docx import CHAR_PT, unsealed_indents

ROOT = Path(__file__).resolve().parents[1]
CHECKER = Path(os.environ.get("GBT9704_CHECK") or ROOT.parent / "shared" / "tools" / "gbt9704_check.py")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CHAR_MM = 156 / 28
RIGHT_MM = 184.0


@pytest.mark.parametrize(("sig", "date"), [
    (160.0, 120.0),  # a long 署名 keeps the two characters
    (120.0, 120.0),  # equal: the date ends half a point from the edge
    (110.0, 121.5),  # the seed: the date (digits, spaces around them) a little longer
    (32.0, 121.5),  # 某局
])
def test_unsealed_indents(sig, date):
    sig_r, date_r = unsealed_indents(sig, date)
    # the date's first character two characters right of the 署名's first (pt from the right)
    assert (sig_r + sig) - (date_r + date) == pytest.approx(2 * CHAR_PT)
    assert (date_r if date > sig else sig_r) == pytest.approx(32.0)  # the longer: 2 字
    assert date_r >= 0 and sig_r >= 32.0


def _data(tmp_path: Path, issuer: str) -> Path:
    body = "\n".join(f"  - 第{i}段正文，说明本年度依法行政工作的有关情况和下一步的工作打算。" for i in range(1, 4))
    path = tmp_path / f"{issuer}.yaml"
    path.write_text(f"template: report\nmeta:\n  title: 2023年度依法行政工作情况报告\n"
                    f"  issuer: {issuer}\n  year: 2023\n  date: 2023-03-13\nbody:\n{body}\n",
                    encoding="utf-8")
    return path


def _signature_xml(docx: Path) -> tuple[float, float]:
    root = etree.fromstring(zipfile.ZipFile(docx).read("word/document.xml"))
    paragraphs = list(root.iter(f"{W}p"))
    date = next(p for p in paragraphs if "".join(t.text or "" for t in p.iter(f"{W}t")) == "2023年3月13日")
    sig = date.getprevious()

    def right(p) -> float:
        ind = p.find(f"{W}pPr/{W}ind")
        return int(ind.get(f"{W}rightChars")) / 100 if ind is not None and ind.get(f"{W}rightChars") \
            else 2.0  # the style's two characters

    return right(sig), right(date)


def _checker(pdf: Path) -> dict:
    if not CHECKER.exists():
        pytest.skip("../shared/tools/gbt9704_check.py not present")
    run = subprocess.run([sys.executable, str(CHECKER), str(pdf)], capture_output=True, text=True,
                         timeout=120)
    return json.loads(run.stdout)


@pytest.mark.parametrize("issuer", ["如东县人民政府办公室", "如东县水务局", "某局"])
def test_unsealed_signature_in_docx_and_pdf(tmp_path, issuer):
    result = build(_data(tmp_path, issuer), out_dir=tmp_path / "out")
    sig_chars, date_chars = _signature_xml(result.docx)
    with open_pdf(result.pdf) as doc:
        lines = [ln for p in doc.pages for ln in text_lines(p)]
    date = next(ln for ln in lines if ln.text.replace(" ", "") == "2023年3月13日")
    sig = next(ln for ln in lines if ln.text.replace(" ", "") == issuer)
    # the date's first character two characters right of the 署名's first
    assert date.x0 - sig.x0 == pytest.approx(2 * CHAR_MM, abs=1.0)
    if date.x1 - date.x0 > sig.x1 - sig.x0:  # the longer date keeps the two-character indent
        assert date.x1 == pytest.approx(RIGHT_MM - 2 * CHAR_MM, abs=1.0)
        assert date_chars == 2.0 and sig_chars > 2.0
    else:
        assert sig.x1 == pytest.approx(RIGHT_MM - 2 * CHAR_MM, abs=1.0)
        assert sig_chars == 2.0
    assert date.x1 <= RIGHT_MM + 0.5  # never into the margin
    measured = _checker(result.pdf)
    assert measured["signature"]["sealed"] is False
    sig_w, date_w = (v[1] - v[0] for v in (measured["signature"]["sig_mm"],
                                           measured["signature"]["date_mm"]))
    bad = [v for v in measured["violations"] if "署名" in v or "成文日期" in v]
    if not 0 < date_w - sig_w <= 2 * CHAR_MM:
        assert bad == []  # the checker agrees wherever its rule and the standard's agree
