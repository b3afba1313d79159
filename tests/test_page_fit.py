"""署名/日期/印章 never alone on a page, never split (GB/T 9704 §7.3.5, §7.3.5.4).

The data files in tests/page_fit/ are documents whose 署名 block falls on a
page of its own (or is split from its date) when laid out as rendered; the
test first proves that on the unfixed .docx, then builds them and measures
the PDF: the 成文日期's page holds body text above the 署名, and
../shared/tools/gbt9704_check.py finds nothing wrong.  The fix is in the
.docx itself (exact line spacing off the grid on the last paragraphs), and
LibreOffice, reading that .docx, puts the 署名 on the same page as we do.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree

from docgen.build import build, find_template, render
from docgen.elements import page_fit
from docgen.elements.finish import even_table_grids
from docgen.elements.seal import place_seal
from docgen.load import load_document
from docgen.pdf import typeset

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "page_fit"
CHECKER = Path(os.environ.get("GBT9704_CHECK") or ROOT.parent / "shared" / "tools" / "gbt9704_check.py")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
MM = 72 / 25.4
# the horizontal placement of an unsealed 署名/日期 is issue 10's other part, measured elsewhere
POSITION = re.compile(r"unsealed (署名|成文日期)")

FILES = sorted(CASES.glob("*.yaml"))


def unfixed(data: Path) -> bytes:
    document = load_document(data, force=True).document
    docx = even_table_grids(render(document, find_template(document.template, data)))
    return place_seal(docx, document.meta.seal) if document.meta.seal else docx


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    # one folder each: the documents share a title, so their outputs share a name
    return {f.stem: build(f, out_dir=tmp_path_factory.mktemp(f.stem), force=True) for f in FILES}


def rows(page) -> list[tuple[float, str]]:
    lines: dict[float, list] = {}
    for c in page.chars:
        if c["text"].strip() and c["top"] < (37 + 225) * MM:
            lines.setdefault(round(c["bottom"]), []).append(c)
    return [(y, "".join(c["text"] for c in sorted(cs, key=lambda c: c["x0"])))
            for y, cs in sorted(lines.items())]


@pytest.mark.parametrize("data", FILES, ids=[f.stem for f in FILES])
def test_case_is_real(data: Path) -> None:
    """Without the fix the 署名 block is alone on its page or split from its date."""
    trouble = page_fit.find_trouble(*_pages_and_before(typeset(unfixed(data))))
    assert trouble is not None
    assert trouble.kind == ("split" if "split" in data.stem else "alone")


def _pages_and_before(laid):
    return laid.pages, page_fit._before(laid)


@pytest.mark.parametrize("data", FILES, ids=[f.stem for f in FILES])
def test_signature_page_holds_body_text(data: Path, built) -> None:
    result = built[data.stem]
    assert not result.warnings
    with pdfplumber.open(result.pdf) as pdf:
        found = [(i, k, r) for i, page in enumerate(pdf.pages) for k, r in enumerate(rows(page))
                 if DATE.match(r[1])]
        assert len(found) == 1
        i, k, _ = found[0]
        page_rows = rows(pdf.pages[i])
        sig = page_rows[k - 1][1]
        assert sig == "如东县人民政府"  # the 署名 right above its date, on the same page
        body = [t for _y, t in page_rows[:k - 1]]
        assert any(len(t) > 6 for t in body), body  # body text above the 署名
        if "sealed" in data.stem and "unsealed" not in data.stem:
            assert pdf.pages[i].images  # and the seal with them


@pytest.mark.parametrize("data", FILES, ids=[f.stem for f in FILES])
def test_gbt9704_check(data: Path, built) -> None:
    if not CHECKER.exists():
        pytest.skip("../shared/tools/gbt9704_check.py not available")
    run = subprocess.run([sys.executable, str(CHECKER), str(built[data.stem].pdf)],
                         capture_output=True, text=True, check=False)
    violations = [v for v in json.loads(run.stdout)["violations"] if not POSITION.search(v)]
    assert violations == []


def squeezed(docx: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(docx) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    ns = {"w": W}
    out = []
    for p in root.iterfind(".//w:p", ns):
        spacing = p.find("w:pPr/w:spacing", ns)
        grid = p.find("w:pPr/w:snapToGrid", ns)
        if spacing is not None and spacing.get(f"{{{W}}}lineRule") == "exact" and \
                grid is not None and grid.get(f"{{{W}}}val") == "0" and \
                "".join(p.itertext()).strip():
            out.append((spacing.get(f"{{{W}}}line"), "".join(p.itertext())))
    return out


@pytest.mark.parametrize("data", FILES, ids=[f.stem for f in FILES])
def test_fix_is_in_the_docx(data: Path, built) -> None:
    """The last body paragraphs got an exact line spacing below the 579-twip grid pitch."""
    assert squeezed(Path(unfixed_path := built[data.stem].docx)) != []
    for line, _text in squeezed(unfixed_path):
        assert 0.75 * 579 <= int(line) < 579
    assert squeezed_nothing_before(data)


def squeezed_nothing_before(data: Path) -> bool:
    """The rendered .docx had no such paragraphs: the fix made them."""
    with zipfile.ZipFile(io.BytesIO(unfixed(data))) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return not any(s.get(f"{{{W}}}lineRule") == "exact" and s.get(f"{{{W}}}line") not in (None, "579")
                   for s in root.iter(f"{{{W}}}spacing")
                   if "".join(s.getparent().getparent().itertext()).strip())


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
@pytest.mark.parametrize("name", [f.stem for f in FILES])
def test_libreoffice_keeps_the_signature_with_the_body(name: str, built, tmp_path: Path) -> None:
    """Another engine reading our .docx puts the 署名 on a page with body text too."""
    from docgen.pdf import libreoffice

    pdf = libreoffice.convert(built[name].docx)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            page_rows = rows(page)
            for k, (_y, text) in enumerate(page_rows):
                if DATE.match(text):
                    assert k >= 2 and any(len(t) > 6 for _y2, t in page_rows[:k - 1])
                    return
    pytest.fail("no 成文日期 found in the LibreOffice PDF")


def test_no_room_is_a_located_warning_and_strict_fails(tmp_path: Path) -> None:
    """A page of table rows cannot be squeezed: the build says so (and --strict refuses)."""
    import yaml

    from docgen.errors import DocgenError

    rows = [[str(i + 1), f"第{i + 1}个重点项目", "已完成"] for i in range(17)]
    data = tmp_path / "d.yaml"
    data.write_text(yaml.safe_dump({
        "template": "report",
        "meta": {"title": "如东县2023年度重点项目推进情况的报告", "issuer": "如东县人民政府",
                 "year": 2023, "date": "2023-12-20"},
        "body": ["2023年全县重点项目推进情况见下表。",
                 {"table": {"header": ["序号", "项目名称", "进度"], "rows": rows}}],
    }, allow_unicode=True), encoding="utf-8")
    result = build(data, out_dir=tmp_path / "out")
    messages = [w.message for w in result.warnings]
    assert any("GB/T 9704 §7.3.5.4" in m and "第 2 页" in m for m in messages), messages
    warning = next(w for w in result.warnings if "7.3.5.4" in w.message)
    assert warning.location.file == result.docx.name and "正文第" in warning.location.path
    with pytest.raises(DocgenError, match="7.3.5.4"):
        build(data, out_dir=tmp_path / "strict", strict=True)
    assert not (tmp_path / "strict").exists() or not any((tmp_path / "strict").iterdir())
