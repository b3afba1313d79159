"""roles: each 公文 role found by style name or marker, whatever the style IDs are."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from docgen.roles import (
    BY_ROLE,
    Role,
    paragraph_role,
    role_of_marker,
    role_of_style_name,
    style_roles,
)

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "templates").glob("*.docx"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize(("name", "role"), [
    ("公文正文", Role.BODY), ("一级标题", Role.HEADING1), ("heading 1", Role.HEADING1),
    ("Heading 2", Role.HEADING2), ("标题 3", Role.HEADING3), ("标题4", Role.HEADING4),
    ("发文机关署名（加盖印章）", Role.SEAL_SIGNATURE), ("发文机关署名(加盖印章)", Role.SEAL_SIGNATURE),
    ("抄送机关", Role.RECORD_COPY), ("红色分隔线", Role.RED_LINE), ("Title", Role.TITLE),
    ("我的样式", None), ("", None),
])
def test_role_of_style_name(name, role):
    assert role_of_style_name(name) == role


@pytest.mark.parametrize(("marker", "role"), [
    ("docgen_seal_signature", Role.SEAL_SIGNATURE), ("docgen:署名", Role.SIGNATURE),
    ("docgen_抄送机关", Role.RECORD_COPY), ("DOCGEN-body", Role.BODY), ("_GoBack", None),
    ("docgen_nothing", None),
])
def test_role_of_marker(marker, role):
    assert role_of_marker(marker) == role


def _rename_ids(docx: Path) -> bytes:
    """The template with every style ID replaced by a meaningless one (as editors do)."""
    src = zipfile.ZipFile(docx)
    styles = src.read("word/styles.xml").decode()
    ids = re.findall(r'w:styleId="([^"]+)"', styles)
    mapping = {sid: f"S{i}" for i, sid in enumerate(ids)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith(".xml"):
                text = data.decode()
                text = re.sub(r'(w:(?:styleId|val)=")([^"]+)(")',
                              lambda m: m[1] + mapping.get(m[2], m[2]) + m[3]
                              if m[2] in mapping else m[0], text)
                data = text.encode()
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_roles_survive_renamed_ids(template):
    original = style_roles(template)
    renamed = style_roles(_rename_ids(template))
    assert set(renamed.by_role) == set(original.by_role)
    for role, info in renamed.by_role.items():
        assert info.name == original.by_role[role].name
        assert info.style_id != original.by_role[role].style_id or info.style_id.startswith("S")
    assert Role.BODY in renamed.by_role and renamed.by_role[Role.BODY].name == "公文正文"


def test_every_role_named_in_some_shipped_template():
    found = set()
    for t in TEMPLATES:
        found |= set(style_roles(t).by_role)
    assert set(BY_ROLE) - found == set()


def test_paragraph_role_marker_beats_style():
    xml = (f'<w:body xmlns:w="{W}"><w:sdt><w:sdtPr><w:tag w:val="docgen:署名"/></w:sdtPr>'
           '<w:sdtContent><w:p><w:pPr><w:pStyle w:val="Other"/></w:pPr></w:p></w:sdtContent>'
           '</w:sdt><w:p><w:bookmarkStart w:id="0" w:name="docgen_seal_date"/></w:p>'
           '<w:p><w:pPr><w:pStyle w:val="S1"/></w:pPr></w:p></w:body>')
    body = etree.fromstring(xml)
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="S1">'
        '<w:name w:val="附注"/></w:style></w:styles>')
    roles = style_roles(styles)
    ps = list(body.iter(f"{{{W}}}p"))
    assert [paragraph_role(p, roles) for p in ps] == [Role.SIGNATURE, Role.SEAL_DATE, Role.NOTE]


def test_role_found_by_style_alias():
    styles = etree.fromstring(
        f'<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="a7">'
        '<w:name w:val="我的盖章署名"/><w:aliases w:val="落款,发文机关署名（加盖印章）"/></w:style>'
        '</w:styles>')
    assert style_roles(styles).role_of_id("a7") == Role.SEAL_SIGNATURE
