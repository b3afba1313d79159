"""Remembered template checks (docgen.verdict_cache): skipped only for bytes that passed.

A shipped template is checked once and then loaded without the check in a new
process; a template that differs by one part is checked again and refused if
hostile, and a refused template is never remembered; a changed limit checks again.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from test_safety import png_header

from docgen import limits, render_docx
from docgen.errors import DocgenError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """check_docx calls counted (the real check runs), a private cache folder, no process cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    calls: list[str] = []
    real = render_docx.check_docx

    def counting(path, **kw):
        calls.append(Path(path).name)
        return real(path, **kw)

    monkeypatch.setattr(render_docx, "check_docx", counting)
    render_docx._checked_template.cache_clear()
    yield calls
    render_docx._checked_template.cache_clear()


def _load(path: Path) -> bytes:
    render_docx._checked_template.cache_clear()  # as in a new process
    return render_docx._checked_template_bytes(path)


def test_a_template_that_passed_is_not_checked_again(counted, tmp_path):
    template = tmp_path / "report.docx"
    shutil.copyfile(ROOT / "templates" / "report.docx", template)
    first = _load(template)
    assert counted == ["report.docx"]
    assert _load(template) == first
    assert counted == ["report.docx"]  # remembered: the same bytes
    assert list((tmp_path / "cache" / "docgen" / "checked").iterdir())


def test_a_changed_hostile_template_is_refused_and_never_remembered(counted, tmp_path):
    template = tmp_path / "report.docx"
    shutil.copyfile(ROOT / "templates" / "report.docx", template)
    _load(template)
    with zipfile.ZipFile(template, "a") as z:  # the same template plus a picture bomb
        z.writestr("word/media/image9.png", png_header(100_000, 100_000))
    for _ in range(2):
        with pytest.raises(DocgenError) as err:
            _load(template)
        assert "图片尺寸过大" in err.value.message
    assert counted == ["report.docx"] * 3


def test_a_changed_limit_checks_again(counted, tmp_path, monkeypatch):
    template = tmp_path / "report.docx"
    shutil.copyfile(ROOT / "templates" / "report.docx", template)
    _load(template)
    monkeypatch.setattr(limits, "MAX_IMAGE_PIXELS", limits.MAX_IMAGE_PIXELS - 1)
    _load(template)
    assert counted == ["report.docx"] * 2


def test_unwritable_cache_checks_every_time(counted, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    data = (ROOT / "templates" / "report.docx").read_bytes()
    template = tmp_path / "report.docx"
    template.write_bytes(data)
    assert zipfile.ZipFile(io.BytesIO(_load(template))).namelist()
    _load(template)
    assert counted == ["report.docx"] * 2
