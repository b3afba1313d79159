"""docgen template check: roles, placeholders, page setup and fonts of a template."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from template_edits import _w, rewrite

from docgen.roles import Role, role_of_style_name
from docgen.template_check import ERROR, WARNING, check_template

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted((ROOT / "templates").glob("*.docx"))
NOTICE = ROOT / "templates" / "notice.docx"


def _write(tmp_path: Path, data: bytes, name: str = "t.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _edit_paragraph(docx: bytes, needle: str, change) -> bytes:
    """Apply ``change(p)`` to the first body paragraph whose text contains ``needle``."""
    done = []

    def edit(name, root):
        if not name.endswith("document.xml"):
            return
        for p in root.iter(_w("p")):
            if needle in "".join(t.text or "" for t in p.iter(_w("t"))) and not done:
                change(p)
                done.append(p)

    out = rewrite(docx, edit)
    assert done, needle
    return out


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem)
def test_shipped_templates_have_no_problem_and_name_their_roles(template):
    report = check_template(template)
    assert report.errors == [] and report.warnings == [], report.describe()
    text = report.describe()
    assert {Role.BODY, Role.HEADING1, Role.HEADING4} <= set(report.roles)
    for role in report.used:
        assert report.roles[role].name in text  # every role found is named
    assert "结论：没有发现问题。" in text
    if template.stem != "report":
        assert Role.RECORD_COPY in report.used or template.stem == "letter"


def test_notice_roles_found_by_name():
    report = check_template(NOTICE)
    for role in (Role.SEAL_SIGNATURE, Role.SEAL_DATE, Role.RED_LINE, Role.RECORD_COPY,
                 Role.RECORD_PRINT, Role.ATTACH_NOTE, Role.ISSUER_MARK, Role.DOC_NUMBER):
        assert role in report.used
        assert report.roles[role].how == "name"


def test_tag_split_with_formatting_inside_is_named(tmp_path):
    def split(p):
        r = next(r for r in p.iter(_w("r")) if "{{" in "".join(t.text or "" for t in r.iter(_w("t"))))
        t = r.find(_w("t"))
        text = t.text
        t.text = text[:5]
        bold = etree.fromstring(etree.tostring(r))
        rpr = bold.find(_w("rPr"))
        if rpr is None:
            rpr = etree.SubElement(bold, _w("rPr"))
            bold.remove(rpr)
            bold.insert(0, rpr)
        etree.SubElement(rpr, _w("b"))
        bold.find(_w("t")).text = text[5:]
        r.addnext(bold)

    path = _write(tmp_path, _edit_paragraph(NOTICE.read_bytes(), "meta.doc_number", split))
    report = check_template(path)
    hits = [f for f in report.findings if f.level == WARNING and "格式不同" in f.message]
    assert len(hits) == 1 and "meta.doc_number" in hits[0].message
    assert hits[0].where.startswith("第 26 段")


def test_unknown_value_and_meta_field_are_errors_with_their_paragraph(tmp_path):
    def rename(p):
        for t in p.iter(_w("t")):
            t.text = (t.text or "").replace("meta.doc_number", "meta.doc_nubmer")

    data = _edit_paragraph(NOTICE.read_bytes(), "meta.doc_number", rename)

    def unknown(p):
        for t in p.iter(_w("t")):
            t.text = (t.text or "").replace("title_text", "titel_text")

    path = _write(tmp_path, _edit_paragraph(data, "title_text", unknown))
    report = check_template(path)
    messages = [(f.message, f.where) for f in report.errors]
    assert any("meta.doc_nubmer" in m and w.startswith("第 26 段") for m, w in messages), messages
    assert any("“titel_text”" in m and w.startswith("第 29 段") for m, w in messages), messages
    result = subprocess.run([sys.executable, "-m", "docgen", "template", "check", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "titel_text" in result.stdout and "修改方法" in result.stdout


def test_unpaired_block_tag_is_a_located_syntax_error(tmp_path):
    def drop(p):
        for t in p.iter(_w("t")):
            t.text = (t.text or "").replace("{%p endif %}", "")

    path = _write(tmp_path, _edit_paragraph(NOTICE.read_bytes(), "{%p endif %}", drop))
    report = check_template(path)
    errors = [f for f in report.errors if "语法错误" in f.message]
    assert len(errors) == 1, report.describe()
    assert "缺少 endif" in errors[0].message, errors[0].message  # Chinese, not Jinja's English
    assert not re.search(r"[A-Za-z]{4,}", errors[0].message.replace("endif", "").replace("endfor", ""))
    # the paragraph of the {%p if %} left open as Jinja pairs them (the 23rd paragraph's endif
    # is gone, so the 24th closes the 11th paragraph's if and the 4th's stays open)
    assert errors[0].where.startswith("第 4 段：{%p if joint_issuers %}"), errors[0].where


def test_stray_end_tag_names_its_paragraph(tmp_path):
    """An end tag that closes nothing: its own paragraph, in template check and in build."""
    from docgen.build import build
    from docgen.errors import TemplateError

    def stray(p):
        for t in p.iter(_w("t")):
            t.text = (t.text or "").replace("{%p if recipients_text %}", "{%p endfor %}")

    path = _write(tmp_path, _edit_paragraph(NOTICE.read_bytes(), "{%p if recipients_text %}", stray))
    errors = [f for f in check_template(path).errors if "语法错误" in f.message]
    assert len(errors) == 1 and errors[0].where.startswith("第 30 段：{%p endfor %}"), errors
    with pytest.raises(TemplateError) as err:
        build(ROOT / "data" / "notice-示例.yaml", template=str(path), out_dir=tmp_path / "out",
              pdf=False)
    assert "第 30 段" in err.value.describe() and "语法错误" in err.value.describe()


def test_unclosed_tag_names_its_paragraph(tmp_path):
    def cut(p):
        for t in p.iter(_w("t")):
            t.text = (t.text or "").replace("}}", "")

    path = _write(tmp_path, _edit_paragraph(NOTICE.read_bytes(), "recipients_text }}", cut))
    report = check_template(path)
    assert any("没有闭合" in f.message and f.where.startswith("第 31 段") for f in report.errors)


def test_one_mistake_is_one_message(tmp_path):
    """A doubled ``{{`` was reported three times (unclosed, tag syntax, whole-template syntax)."""
    def double(p):
        for t in p.iter(_w("t")):
            t.text = (t.text or "").replace("{{", "{{ {{", 1)

    path = _write(tmp_path, _edit_paragraph(NOTICE.read_bytes(), "recipients_text }}", double))
    report = check_template(path)
    placeholder_errors = [f for f in report.errors if f.topic == "占位符"]
    assert len(placeholder_errors) == 1, report.describe()
    assert "没有闭合" in placeholder_errors[0].message
    assert placeholder_errors[0].where.startswith("第 31 段")


@pytest.mark.parametrize("source", ["{{ meta.title | }}", "{% if %}", "{{ a b }}", "{% frobnicate %}",
                                    "{% if a %}x", "{{ a ) }}", "{{ }}", "{{ a ~~ }}"])
def test_jinja_syntax_messages_are_chinese(source):
    from jinja2 import Environment, TemplateSyntaxError

    from docgen.jinja_messages import syntax_zh

    with pytest.raises(TemplateSyntaxError) as caught:
        Environment().parse(source)
    text = syntax_zh(caught.value.message)
    assert not text.startswith("Jinja"), (caught.value.message, text)  # a rule matched
    assert re.search(r"[\u4e00-\u9fff]", text)


def test_fonts_and_page_against_gbt9704(tmp_path):
    def edit(name, root):
        if name.endswith("styles.xml"):
            for st in root.iter(_w("style")):
                if st.find(_w("name")).get(_w("val")) == "一级标题":
                    st.find(f"{_w('rPr')}/{_w('rFonts')}").set(_w("eastAsia"), "微软雅黑")
        if name.endswith("document.xml"):
            root.find(f".//{_w('pgMar')}").set(_w("top"), str(round(30 * 1440 / 25.4)))

    path = _write(tmp_path, rewrite(NOTICE.read_bytes(), edit))
    report = check_template(path)
    fonts = [f for f in report.warnings if f.topic == "字体"]
    assert len(fonts) == 1 and "微软雅黑" in fonts[0].message and "黑体" in fonts[0].message
    assert "eastAsia" in fonts[0].message and "一级标题" in fonts[0].where
    page = [f for f in report.warnings if f.topic == "页面"]
    assert len(page) == 1 and "30.0 毫米" in page[0].message and "37" in page[0].message


def test_missing_core_role_is_reported_with_its_effect(tmp_path):
    from template_edits import restyle

    path = _write(tmp_path, restyle(NOTICE.read_bytes(), "一级标题", "公文正文"))

    def drop_style(name, root):
        if name.endswith("styles.xml"):
            for st in list(root.iter(_w("style"))):
                if role_of_style_name(st.find(_w("name")).get(_w("val"))) == Role.HEADING1:
                    st.getparent().remove(st)

    path = _write(tmp_path, rewrite(path.read_bytes(), drop_style), "u.docx")
    report = check_template(path)
    assert Role.HEADING1 in report.missing
    assert "一级标题按正文样式排版" in report.describe()
    assert not [f for f in report.findings if f.level == ERROR]
