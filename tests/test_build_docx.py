"""The seed report built end to end: the produced .docx read back and checked.

Asserts on the file itself (python-docx and the raw XML): the same headings,
numbers and figures as the web copy of the seed, the GB/T 9704 page setup,
styles and fonts (eastAsia included), page-number footers, and that
LibreOffice converts it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from docgen.cli import main
from docgen.text_width import text_width_em

ROOT = Path(__file__).resolve().parents[1]
SEED_DATA = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
WEBCOPY = ROOT / "tests" / "fixtures" / "seed_webcopy.txt"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {"w": W[1:-1]}

HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})
LABEL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|[一二三四五六七八九十]+是)")


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["build", str(SEED_DATA), "--out", str(out), "--no-pdf"]) == 0
    files = list(out.glob("*.docx"))
    assert [f.name for f in files] == ["2022年如东县法治政府建设情况报告.docx"]
    return files[0]


def webcopy_body() -> list[str]:
    """The seed's body paragraphs (after its title line), punctuation made full-width."""
    lines = [ln.strip() for ln in WEBCOPY.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = lines.index("2022年如东县法治政府建设情况报告") + 2  # title, then the source line
    # the data corrects the web copy's doubled word (see the data file's comments)
    return [ln.translate(HALF_TO_FULL).replace("优化优化", "优化") for ln in lines[start:]]


def docx_body(path: Path) -> list[str]:
    """Body paragraphs of the produced docx: after the title, before the signature."""
    paragraphs = Document(str(path)).paragraphs
    styles = [p.style.style_id for p in paragraphs]
    end = styles.index("GwSignature")
    return [p.text for p in paragraphs[1:end]]


def labels(paragraphs: list[str]) -> list[str]:
    return [m.group(0) for p in paragraphs if (m := LABEL.match(p))]


def test_numbering_matches_the_seed(seed_docx: Path) -> None:
    produced = labels(docx_body(seed_docx))
    assert produced == labels(webcopy_body())
    assert produced[:3] == ["一、", "（一）", "1."]
    assert [x for x in produced if x.endswith("、")] == ["一、", "二、", "三、", "四、"]
    level3 = [x for x in produced if x.endswith(".")]
    assert level3 == [f"{n}." for n in range(1, 23)]  # 1–22 run on across 一 and 二
    assert [x for x in produced if x.endswith("是")] == ["一是", "二是", "三是"]
    level2 = [x for x in produced if x.startswith("（")]
    assert level2 == [f"（{c}）" for c in "一二三四五六七八九"] + [f"（{c}）" for c in "一二三四"]


def test_headings_and_every_figure_match_the_seed(seed_docx: Path) -> None:
    produced = docx_body(seed_docx)
    expected = webcopy_body()
    assert len(produced) == len(expected)
    number = re.compile(r"\d+(?:\.\d+)?")
    for got, want in zip(produced, expected, strict=True):
        # every number of the seed, in order, in the same paragraph
        assert number.findall(got) == number.findall(want.replace("400 件", "400件")), got[:30]
        # standalone headings are identical; other paragraphs start the same way
        assert got[:8] == want[:8]


def test_title_signature_and_date(seed_docx: Path) -> None:
    paragraphs = Document(str(seed_docx)).paragraphs
    assert paragraphs[0].text == "2022年如东县法治政府建设情况报告"
    assert paragraphs[0].style.name == "公文标题"
    sig = next(p for p in paragraphs if p.style.style_id == "GwSignature")
    date = next(p for p in paragraphs if p.style.style_id == "GwDate")
    assert sig.text == "如东县人民政府"
    assert date.text == "2023年3月13日"
    # GB/T 9704-2012 §7.3.5.2 (no seal): the 署名 two characters from the right, the
    # date's first character two characters right of the 署名's first
    def right_chars(paragraph) -> float:
        ind = paragraph._p.pPr.find(f"{W}ind")
        return int(ind.get(f"{W}rightChars")) / 100 if ind is not None else 2.0

    # widths as Word sets them: a quarter em between CJK and digits
    sig_w, date_w = (text_width_em(p.text, auto_space=0.25) for p in (sig, date))
    sig_start = right_chars(sig) + sig_w  # ems from the right edge of the text block
    date_start = right_chars(date) + date_w
    assert sig_start - date_start == pytest.approx(2.0, abs=0.3)
    # the longer of the two keeps the two-character indent (here the date: 7.75 ems)
    assert right_chars(date if date_w > sig_w else sig) == 2.0


def test_styles_use_real_word_styles_and_east_asian_fonts(seed_docx: Path) -> None:
    doc = Document(str(seed_docx))
    by_text = {p.text: p for p in doc.paragraphs}
    assert by_text["一、工作成效"].style.name == "一级标题"
    assert by_text["（一）依法履行政府职能"].style.name == "二级标题"
    run_in = next(p for p in doc.paragraphs if p.text.startswith("1.深入推进"))
    assert run_in.style.name == "公文正文"
    assert run_in.runs[0].style.name == "三级标题字符"
    assert run_in.runs[0].text == "1.深入推进“放管服”改革。"
    with zipfile.ZipFile(seed_docx) as zf:
        styles = etree.fromstring(zf.read("word/styles.xml"))
    expected = {"GwBody": "仿宋_GB2312", "GwTitle": "方正小标宋简体", "GwHeading1": "黑体",
                "GwHeading2": "楷体_GB2312", "GwHeading3": "仿宋_GB2312", "GwHeading4": "仿宋_GB2312",
                "GwHeading1Char": "黑体", "GwHeading2Char": "楷体_GB2312", "GwPageNumber": "宋体"}
    for style_id, font in expected.items():
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        fonts = style.find("w:rPr/w:rFonts", NS)
        assert fonts.get(f"{W}eastAsia") == font, style_id
        assert fonts.get(f"{W}ascii") == font, style_id
    body = styles.find("w:style[@w:styleId='GwBody']", NS)
    assert body.find("w:rPr/w:sz", NS).get(f"{W}val") == "32"  # 16 pt = 3号
    assert body.find("w:rPr/w:spacing", NS).get(f"{W}val") == "-5"
    spacing = body.find("w:pPr/w:spacing", NS)
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("579", "exact")
    ind = body.find("w:pPr/w:ind", NS)
    assert ind.get(f"{W}firstLineChars") == "200"
    assert body.find("w:pPr/w:jc", NS).get(f"{W}val") == "both"
    title = styles.find("w:style[@w:styleId='GwTitle']", NS)
    assert title.find("w:rPr/w:sz", NS).get(f"{W}val") == "44"  # 22 pt = 2号
    assert title.find("w:pPr/w:jc", NS).get(f"{W}val") == "center"
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(f"{W}eastAsia") == "仿宋_GB2312"
    assert not any("Theme" in attr for attr in defaults.attrib)


def test_page_setup_grid_and_footers(seed_docx: Path) -> None:
    with zipfile.ZipFile(seed_docx) as zf:
        document = etree.fromstring(zf.read("word/document.xml"))
        settings = etree.fromstring(zf.read("word/settings.xml"))
        footers = {name: etree.fromstring(zf.read(name)) for name in zf.namelist()
                   if name.startswith("word/footer")}
    sect = document.find("w:body/w:sectPr", NS)
    size = sect.find("w:pgSz", NS)
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4
    margins = sect.find("w:pgMar", NS)
    mm = {k: round(int(margins.get(f"{W}{k}")) / 1440 * 25.4) for k in ("top", "bottom", "left", "right")}
    assert mm == {"top": 37, "bottom": 35, "left": 28, "right": 26}
    grid = sect.find("w:docGrid", NS)
    assert (grid.get(f"{W}type"), grid.get(f"{W}linePitch")) == ("lines", "579")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    refs = {r.get(f"{W}type"): r for r in sect.findall("w:footerReference", NS)}
    assert set(refs) >= {"default", "even"}
    sides = set()
    for root in footers.values():
        if not root.findall(".//w:instrText", NS):
            continue
        assert "PAGE" in "".join(t.text for t in root.iterfind(".//w:instrText", NS))
        text = "".join(t.text for t in root.iterfind(".//w:t", NS))
        assert text == "— 1 —"
        sides.add(root.find(".//w:pPr/w:jc", NS).get(f"{W}val"))
    assert sides == {"left", "right"}


def test_no_template_tags_left_in_output(seed_docx: Path) -> None:
    text = "\n".join(p.text for p in Document(str(seed_docx)).paragraphs)
    assert "{{" not in text and "{%" not in text and "}}" not in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_converts_the_docx(seed_docx: Path, tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(seed_docx)],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / (seed_docx.stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 5


def test_same_input_same_bytes(tmp_path: Path) -> None:
    """Two builds of the same data give byte-identical .docx and PDF (archives compare them)."""
    first = tmp_path / "a"
    second = tmp_path / "b"
    assert main(["build", str(SEED_DATA), "--out", str(first)]) == 0
    assert main(["build", str(SEED_DATA), "--out", str(second)]) == 0
    names = sorted(p.name for p in first.iterdir())
    assert names == ["2022年如东县法治政府建设情况报告.docx", "2022年如东县法治政府建设情况报告.pdf"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
