"""Templates by name: the user's folders first (./templates, DOCGEN_TEMPLATES, a config file),
then the shipped ones; Chinese names; user fields under meta.extra."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from template_edits import _w, rewrite

from docgen.template_paths import available_templates, shipped_dir

ROOT = Path(__file__).resolve().parents[1]
NOTICE = ROOT / "templates" / "notice.docx"


def _docgen(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "docgen", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=300)


def test_shipped_templates_come_from_the_package():
    shipped = shipped_dir()
    assert sorted(p.stem for p in shipped.glob("*.docx")) == \
        sorted(p.stem for p in (ROOT / "templates").glob("*.docx"))
    assert all(path.parent.resolve() == shipped.resolve() or path.parent.name == "templates"
               for path in available_templates().values())


def test_bad_config_is_a_located_error(tmp_path, monkeypatch):
    from docgen.errors import DataError

    (tmp_path / "docgen.toml").write_text("templates = [1, 2]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as err:
        available_templates()
    assert "docgen.toml" in err.value.describe() and "templates" in err.value.describe()


def test_user_folders_come_first(tmp_path, monkeypatch):
    env_dir, conf_dir, local = tmp_path / "env", tmp_path / "conf", tmp_path / "work" / "templates"
    for d in (env_dir, conf_dir, local):
        d.mkdir(parents=True)
    (local / "notice.docx").write_bytes(NOTICE.read_bytes())
    (env_dir / "意见.docx").write_bytes(NOTICE.read_bytes())
    (conf_dir / "批复.docx").write_bytes(NOTICE.read_bytes())
    (tmp_path / "work" / "docgen.toml").write_text(f'templates = "{conf_dir}"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.setenv("DOCGEN_TEMPLATES", str(env_dir))
    found = available_templates()
    assert found["notice"] == local / "notice.docx"  # ./templates beats the shipped one
    assert found["意见"] == env_dir / "意见.docx"
    assert found["批复"] == conf_dir / "批复.docx"
    assert found["report"].parent.resolve() == shipped_dir().resolve()


def _with_extra_paragraph(docx: bytes) -> bytes:
    """notice.docx with a paragraph “联系人：{{ extra.联系人 }}” after the 附注 block."""
    def edit(name, root):
        if not name.endswith("document.xml"):
            return
        body = root.find(_w("body"))
        p = next(p for p in body.iter(_w("p"))
                 if "{%p for a in attachment_pages %}" in "".join(t.text or "" for t in p.iter(_w("t"))))
        new = rewrite_paragraph(p, "联系人：{{ extra.联系人 }}（{{ extra['电话'] }}）")
        p.addprevious(new)

    return rewrite(docx, edit)


def rewrite_paragraph(template_p, text: str):
    from lxml import etree

    p = etree.Element(_w("p"))
    r = etree.SubElement(p, _w("r"))
    t = etree.SubElement(r, _w("t"))
    t.text = text
    return p


def test_chinese_named_template_templates_new_build(tmp_path):
    work = tmp_path / "work"
    (work / "templates").mkdir(parents=True)
    (work / "templates" / "通报.docx").write_bytes(_with_extra_paragraph(NOTICE.read_bytes()))
    listed = _docgen("templates", cwd=work)
    assert listed.returncode == 0 and "通报" in listed.stdout and "自定义模板" in listed.stdout
    made = _docgen("new", "-t", "通报", cwd=work)
    assert made.returncode == 0, made.stderr
    draft = work / "data" / "通报-草稿.yaml"
    text = draft.read_text(encoding="utf-8")
    assert "template: 通报" in text and "的通报" in text
    assert "extra:" in text and "联系人: ××××" in text and "电话: ××××" in text
    text = (text.replace("联系人: ××××", "联系人: 王明").replace("电话: ××××", "电话: 0513-84123456")
            .replace("××××", "做好防汛工作"))
    draft.write_text(text, encoding="utf-8")
    built = _docgen("build", str(draft), "--draft", "--no-pdf", "-o", str(work / "out"), cwd=work)
    assert built.returncode == 0, built.stdout + built.stderr
    (docx,) = (work / "out").glob("*.docx")
    body = zipfile.ZipFile(docx).read("word/document.xml").decode()
    assert "联系人：王明（0513-84123456）" in body
    assert "{{" not in body


def test_template_check_by_chinese_name(tmp_path):
    work = tmp_path / "work"
    (work / "templates").mkdir(parents=True)
    (work / "templates" / "意见.docx").write_bytes(NOTICE.read_bytes())
    result = _docgen("template", "check", "意见", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "意见.docx" in result.stdout and "发文机关署名（加盖印章）" in result.stdout


@pytest.mark.parametrize("value", ["[1, 2]", "王明"])
def test_extra_must_be_a_mapping(tmp_path, value):
    from docgen.errors import DataErrors
    from docgen.load import load_document

    data = tmp_path / "x.yaml"
    data.write_text("template: report\nmeta:\n  title: 测试\n  issuer: 如东县人民政府\n  year: 2023\n"
                    f"  date: 2023-03-13\n  extra: {value}\nbody:\n  - 正文。\n", encoding="utf-8")
    with pytest.raises(DataErrors) as err:
        load_document(data)
    assert "meta.extra" in err.value.describe() and "联系人" in err.value.describe()


def test_rewrite_helper_keeps_other_parts():
    out = _with_extra_paragraph(NOTICE.read_bytes())
    names = zipfile.ZipFile(io.BytesIO(out)).namelist()
    assert names == zipfile.ZipFile(NOTICE).namelist()
