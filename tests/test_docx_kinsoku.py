"""Word's 禁则 switch in the produced .docx: the zh-CN first/last-character lists in settings.xml,
in the place the schema wants them, with the connecting dash added and Word's defaults kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from docgen.build import build
from docgen.elements.kinsoku import settings_with_kinsoku

ROOT = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_built_docx_has_the_lists(tmp_path):
    result = build(ROOT / "data" / "notice-示例.yaml", out_dir=tmp_path, pdf=False)
    with zipfile.ZipFile(result.docx) as z:
        root = etree.fromstring(z.read("word/settings.xml"))
    names = [etree.QName(c).localname for c in root]
    start = root.find(f"{W}noLineBreaksBefore")
    end = root.find(f"{W}noLineBreaksAfter")
    assert start.get(f"{W}lang") == end.get(f"{W}lang") == "zh-CN"
    for ch in "—–～·，。、）》”％":
        assert ch in start.get(f"{W}val"), ch
    for ch in "（《“〔":
        assert ch in end.get(f"{W}val"), ch
    # CT_Settings order: after characterSpacingControl, After before Before, before savePreviewPicture
    i = names.index("noLineBreaksAfter")
    assert names[i + 1] == "noLineBreaksBefore"
    assert names.index("characterSpacingControl") < i
    if "savePreviewPicture" in names:
        assert i < names.index("savePreviewPicture")


def test_a_templates_own_lists_are_kept():
    own = (b'<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b'<w:noLineBreaksBefore w:lang="zh-CN" w:val="X"/></w:settings>')
    assert settings_with_kinsoku(own) == own


def test_lists_go_before_the_first_later_element_when_no_earlier_one_exists():
    xml = (b'<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b'<w:zoom w:percent="100"/><w:compat/></w:settings>')
    root = etree.fromstring(settings_with_kinsoku(xml))
    assert [etree.QName(c).localname for c in root] == ["zoom", "noLineBreaksAfter", "noLineBreaksBefore",
                                                        "compat"]
