"""Templates re-saved by other editors build the same documents (issue 11).

Every shipped template is opened and saved again by real LibreOffice (style
IDs become StyleNN, w:end for w:right …); every sample in data/ is built with
it and its PDF is held against the build with the original template: same
page count, the seal where the data has one, the red lines, the 版记 on an
even last page with its last rule on the text block's lower edge, and the
署名 block as ../shared/tools/gbt9704_check.py measures it.  Templates changed
the way Chinese Word and WPS save them (IDs renamed, placeholders split across
runs with rsid/proofErr/bookmarks, fonts under their other official names) give
the same PDF text at the same places; a template without a role the data
needs gives the named warning, an error with --strict.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from formats_support import ROOT, TEXT_BOTTOM_MM, open_pdf, red, rules, text_lines
from template_edits import (
    libreoffice_resave,
    official_font_names,
    rename_style_ids,
    restyle,
    split_placeholders,
)

from docgen.build import build
from docgen.errors import DocgenError

SAMPLES = sorted((ROOT / "data").glob("*.yaml"))
TEMPLATES = sorted((ROOT / "templates").glob("*.docx"))
# beside the repository; GBT9704_CHECK names it for a checkout elsewhere (a git worktree)
CHECKER = Path(os.environ.get("GBT9704_CHECK")
               or ROOT.parent / "shared" / "tools" / "gbt9704_check.py")
CHAR_MM = 156 / 28
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装")


def _template_of(data: Path) -> str:
    return yaml.safe_load(data.read_text(encoding="utf-8"))["template"]


def _meta(data: Path) -> dict:
    return yaml.safe_load(data.read_text(encoding="utf-8"))["meta"]


@pytest.fixture(scope="module")
def resaved(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice 未安装")
    return libreoffice_resave(TEMPLATES, tmp_path_factory.mktemp("lo"))


@pytest.fixture(scope="module")
def originals(tmp_path_factory) -> dict[str, Path]:
    """Each sample built with its shipped template (the reference)."""
    out = tmp_path_factory.mktemp("orig")
    return {d.stem: build(d, out_dir=out / d.stem).pdf for d in SAMPLES}


def _facts(pdf: Path) -> dict:
    with open_pdf(pdf) as doc:
        pages = doc.pages
        last_rules = [r for r in rules(pages[-1]) if r.x1 - r.x0 > 150 and not red(r.color)]
        return {
            "pages": len(pages),
            "images": [len(p.images) for p in pages],
            "red": [(round(r.y, 1), round(r.x1 - r.x0)) for r in rules(pages[0]) if red(r.color)],
            "record_bottom": max((r.y for r in last_rules), default=None),
            # body-table and 版记 rules: the table styles (公文表格 …) were found and applied
            "black_rules": sum(1 for p in pages for r in rules(p) if not red(r.color)),
            "text": [[ln.text for ln in text_lines(p) if ln.top < TEXT_BOTTOM_MM + 1] for p in pages],
            "footers": [[ln.text for ln in text_lines(p) if ln.top >= TEXT_BOTTOM_MM + 1]
                        for p in pages],
        }


def _joined(facts: dict) -> str:
    return "".join("".join(page) for page in facts["text"]).replace(" ", "")


def signature_violations(pdf: Path) -> list[str]:
    """The checker's 署名/成文日期 violations of ``pdf`` that GB/T 9704-2012 §7.3.5.2 upholds.

    The checker asks a date longer than its 署名 by less than two characters to
    start two characters right of the 署名 and so to run past the text block;
    the standard has that date take the two-character indent (如成文日期长于发文机关
    署名，应当使成文日期右空二字编排). Such a case is measured here instead.
    """
    if not CHECKER.exists():
        pytest.skip("../shared/tools/gbt9704_check.py not present")
    run = subprocess.run([sys.executable, str(CHECKER), str(pdf)], capture_output=True, text=True,
                         timeout=120)
    result = json.loads(run.stdout)
    found = [v for v in result["violations"] if "署名" in v or "成文日期" in v]
    sig = result.get("signature")
    if sig and not sig["sealed"]:
        (s0, s1), (d0, d1) = sig["sig_mm"], sig["date_mm"]
        longer_date = d1 - d0 > s1 - s0
        upheld = (longer_date and abs(d1 - (184 - 2 * CHAR_MM)) <= 1.5
                  and abs(d0 - s0 - 2 * CHAR_MM) <= 1.5)
        if upheld:
            found = [v for v in found if not v.startswith(f"p{sig['page']}: unsealed 署名 ends")]
    return found


@needs_soffice
@pytest.mark.parametrize("data", SAMPLES, ids=lambda p: p.stem)
def test_libreoffice_resaved_template_builds_the_same(data: Path, resaved, originals, tmp_path):
    template = resaved[_template_of(data)]
    result = build(data, template=str(template), out_dir=tmp_path)
    assert not [w for w in result.warnings if "模板中没有" in w.message], result.warnings
    got, want = _facts(result.pdf), _facts(originals[data.stem])
    assert got["pages"] == want["pages"]
    assert got["images"] == want["images"]  # seals (and nothing else) where they were
    meta = _meta(data)
    if meta.get("seal") or meta.get("seals"):
        assert sum(got["images"]) >= 1
    assert got["red"] == want["red"]  # 红色分隔线 / 信函 double lines, same place and length
    assert got["black_rules"] == want["black_rules"]  # table borders and 版记 rules
    if _template_of(data) in ("notice", "request", "report-file", "minutes"):
        assert got["red"], "the red separator line is missing"
    assert (got["record_bottom"] is None) == (want["record_bottom"] is None)
    if _template_of(data) != "letter" and (meta.get("copy_to") or meta.get("printer")):
        assert got["pages"] % 2 == 0  # 版记 on an even last page
        # its last rule on the text block's lower edge (measured: 260.9 mm, 1.1 mm above)
        assert got["record_bottom"] == pytest.approx(TEXT_BOTTOM_MM, abs=1.5)
        assert got["record_bottom"] == pytest.approx(want["record_bottom"], abs=0.3)
    # nothing lost or added; lines may break elsewhere (LibreOffice drops w:overflowPunct=0
    # from the defaults and turns widow control on, as Word would then show too)
    assert _joined(got) == _joined(want)
    assert got["footers"] == want["footers"]  # the same page numbers on the same pages
    assert signature_violations(result.pdf) == []


@needs_soffice
def test_template_check_reports_every_role_of_resaved_templates(resaved):
    from docgen.template_check import check_template

    for name, path in resaved.items():
        original = check_template(ROOT / "templates" / f"{name}.docx")
        again = check_template(path)
        assert again.errors == [], (name, again.errors)
        assert again.used == original.used, name
        assert set(again.roles) >= set(original.roles), name
        text = again.describe()
        for role in original.used:
            assert again.roles[role].name in text


def _edited(template: Path, out: Path) -> Path:
    data = official_font_names(split_placeholders(rename_style_ids(template.read_bytes())))
    target = out / template.name
    target.write_bytes(data)
    return target


@pytest.mark.parametrize("name", ["notice-示例", "minutes-示例", "notice-联合-示例"])
def test_word_and_wps_style_edits_give_the_same_pdf(name, originals, tmp_path):
    data = ROOT / "data" / f"{name}.yaml"
    template = _edited(ROOT / "templates" / f"{_template_of(data)}.docx", tmp_path)
    # the edits really happened: no style ID of ours left, tags split, English font names
    import zipfile

    with zipfile.ZipFile(template) as zf:
        styles = zf.read("word/styles.xml").decode()
        body = zf.read("word/document.xml").decode()
    assert 'w:styleId="Gw' not in styles and "FangSong_GB2312" in styles
    assert "w:proofErr" in body and "title_text" not in body  # {{ title_text }} in pieces
    result = build(data, template=str(template), out_dir=tmp_path / "out")
    assert not [w for w in result.warnings if "模板" in w.message], result.warnings
    got, want = _facts(result.pdf), _facts(originals[name])
    assert got == want
    assert signature_violations(result.pdf) == []


@pytest.mark.parametrize(("style", "needle"), [
    ("抄送机关", "版记"), ("发文机关署名（加盖印章）", "印章"),
])
def test_template_without_a_needed_role_warns_and_strict_fails(style, needle, tmp_path):
    template = tmp_path / "通知改.docx"
    data = (ROOT / "templates" / "notice.docx").read_bytes()
    if style == "抄送机关":
        data = restyle(data, "印发机关和印发日期", "公文正文")
    template.write_bytes(restyle(data, style, "公文正文"))
    sample = ROOT / "data" / "notice-示例.yaml"
    result = build(sample, template=str(template), out_dir=tmp_path / "out", pdf=False)
    named = [w for w in result.warnings if needle in w.message and "模板" in w.message]
    assert named, [w.message for w in result.warnings]
    assert str(template) in named[0].location.describe()
    assert "docgen template check" in (named[0].fix or "")
    with pytest.raises(DocgenError) as err:
        build(sample, template=str(template), out_dir=tmp_path / "strict", pdf=False, strict=True)
    assert "--strict" in err.value.describe()
    assert not (tmp_path / "strict").exists() or not list((tmp_path / "strict").glob("*.docx"))

