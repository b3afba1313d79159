"""The Python API: ``from docgen import build, build_many`` and docs/api.md's example.

Runs the real functions on real files in a temporary folder; the import
checks run in a fresh interpreter so that they see what ``import docgen``
alone loads.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import docgen
from docgen import BatchItem, BuildResult, DocgenError, build, build_many
from docgen.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
SEED_TITLE = "2022年如东县法治政府建设情况报告"


def python(code: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=cwd, check=False, timeout=300)


def test_import_docgen_is_light() -> None:
    done = python("import sys, docgen\n"
                  "heavy = [m for m in ('docxtpl', 'docx', 'reportlab', 'pikepdf', 'jinja2', 'lxml',"
                  " 'docgen.build', 'docgen.batch') if m in sys.modules]\n"
                  "print(heavy)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_build_is_the_function_even_after_the_module_is_imported() -> None:
    done = python("import docgen.build\nimport docgen\nfrom docgen import build\n"
                  "from docgen.build import build as inner, BuildResult\n"
                  "print(callable(build), build is inner, docgen.build is inner, "
                  "BuildResult.__name__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "BuildResult"]
    assert docgen.build is build and build.__module__ == "docgen.build"
    assert set(docgen.__all__) <= set(dir(docgen))
    with pytest.raises(AttributeError):
        _ = docgen.no_such_thing


def test_build_one_file(tmp_path: Path) -> None:
    result = build(SEED, out_dir=tmp_path, pdf=False)
    assert isinstance(result, BuildResult)
    assert result.docx == (tmp_path / f"{SEED_TITLE}.docx").resolve()
    assert result.docx.stat().st_size > 10_000 and result.pdf is None
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    with pytest.raises(DocgenError) as exc:
        build(bad, out_dir=tmp_path / "out", pdf=False)
    assert "YAML 语法错误" in exc.value.describe()
    assert not (tmp_path / "out").exists()


def test_build_many_returns_items_in_input_order(tmp_path: Path) -> None:
    good = tmp_path / "z-good.yaml"
    good.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "a-bad.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    items = build_many([good, bad], jobs=2, out_dir=tmp_path / "out", pdf=False)
    assert all(isinstance(i, BatchItem) for i in items)
    assert [(i.data, i.ok) for i in items] == [(good, True), (bad, False)]
    assert items[0].docx.exists() and items[0].error is None and items[0].kind is None
    assert items[1].docx is None and items[1].kind == "数据错误"
    assert items[1].reason.startswith(f"{bad}:") and "修改方法" in items[1].error
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{SEED_TITLE}.docx"]


def test_build_many_without_data_files(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        build_many([], out_dir=tmp_path)
    with pytest.raises(DataError):
        build_many([tmp_path], out_dir=tmp_path / "out")
    with pytest.raises(ValueError):
        build_many([SEED], jobs=0, out_dir=tmp_path)


def test_the_example_in_docs_api_md_runs(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", text, re.S)
    assert example, "docs/api.md has a python example"
    (tmp_path / "data").mkdir()
    shutil.copy(SEED, tmp_path / "data" / SEED.name)
    done = python(example[1], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"已生成： {tmp_path / 'output' / SEED_TITLE}.docx" in done.stdout
    assert "[1/1] 完成" in done.stdout
    assert (tmp_path / "output" / f"{SEED_TITLE}.docx").exists()


# -- issue 13: only DocgenError leaves the API ----------------------------------------------


@pytest.mark.parametrize("content", [
    "meta: 标题\n".encode("gbk"),                       # not UTF-8 (was UnicodeDecodeError)
    b"figures:\n  a: 1" + b"2" * 60 + b"\n  b: {sum: [a], decimals: 3}\nmeta: {}\nbody: [x]\n",
    b"meta: {title: t, issuer: i, year: 2022, date: 2023-03-13}\nbody: ['{{ 1/0 }}']\n",
    b"meta: {title: t, issuer: i, year: 2022, date: 2023-03-13}\nfigures: {a: 2}\n"
    b"body: ['{{ figures.a * 2 }}', '{{ figures|sum }}']\n",
    b"meta: {title: t, issuer: i, year: 2022, date: 2023-03-13}\nnumbering: {formats: {1: '{x}{cn}'}}\n"
    b"body: [{heading: h, body: [x]}]\n",
    b"\xff\xfe\x00\x00",
])
def test_input_problems_are_docgen_errors_with_a_fix(tmp_path: Path, content: bytes) -> None:
    from docgen.errors import InternalError

    data = tmp_path / "data.yaml"
    data.write_bytes(content)
    with pytest.raises(DocgenError) as info:
        build(data, out_dir=tmp_path / "out", pdf=False)
    assert not isinstance(info.value, InternalError), info.value.describe()
    assert info.value.fix and info.value.location.file
    assert not (tmp_path / "out").exists()


def test_a_defect_arrives_as_internal_error_not_a_bare_exception(tmp_path: Path, monkeypatch) -> None:
    from docgen.errors import InternalError

    def broken(*_args, **_kwargs):
        raise TypeError("a docgen defect")

    monkeypatch.setattr(sys.modules["docgen.build"], "render", broken)
    monkeypatch.delenv("DOCGEN_DEBUG", raising=False)
    with pytest.raises(InternalError) as info:
        build(SEED, out_dir=tmp_path / "out", pdf=False)
    assert info.value.kind == "内部错误" and "TypeError" in info.value.message
    assert info.value.location.file == str(SEED) and "DOCGEN_DEBUG" in (info.value.fix or "")


def test_out_dir_that_is_a_file(tmp_path: Path) -> None:
    from docgen.errors import RenderError

    blocker = tmp_path / "out"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(RenderError) as info:
        build(SEED, out_dir=blocker, pdf=False)
    assert "是一个文件" in info.value.message and info.value.fix
    assert blocker.read_text(encoding="utf-8") == "x"


def test_build_many_refuses_a_bare_string(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        build_many(str(SEED), out_dir=tmp_path / "out")  # type: ignore[arg-type]
    assert "build_many([" in (info.value.fix or "")
    assert not (tmp_path / "out").exists()
