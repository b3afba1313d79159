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
