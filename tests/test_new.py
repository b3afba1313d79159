"""docgen new / docgen templates: every template's scaffold loads, fields are commented; no overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.cli import main
from docgen.commands.catalog import DESCRIPTIONS, FIELDS, TEMPLATE_FIELDS
from docgen.load import load_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("template", sorted(TEMPLATE_FIELDS))
def test_scaffold_loads_and_lists_every_field(template: str, tmp_path: Path) -> None:
    target = tmp_path / f"{template}.yaml"
    assert main(["new", "--template", template, str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    for key in TEMPLATE_FIELDS[template]:
        assert f"{key}:" in text
        assert FIELDS[key][0] in text  # the Chinese comment
    document = load_document(target, draft=True).document  # a scaffold is a draft
    assert document.template == template
    assert (ROOT / "templates" / f"{template}.docx").exists()


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "a.yaml"
    target.write_text("keep", encoding="utf-8")
    assert main(["new", "-t", "notice", str(target)]) == 1
    assert target.read_text(encoding="utf-8") == "keep"
    assert "文件已存在" in capsys.readouterr().err


def test_new_unknown_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "-t", "notic", str(tmp_path / "a.yaml")]) == 1
    err = capsys.readouterr().err
    assert "没有名为 “notic” 的模板" in err and "notice" in err
    assert not (tmp_path / "a.yaml").exists()


def test_templates_lists_each_with_its_description(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    for name, description in DESCRIPTIONS.items():
        assert name in out and description in out


@pytest.mark.parametrize("name", sorted(set(TEMPLATE_FIELDS) - {"report"}))
def test_every_format_has_a_sample(name: str) -> None:
    assert load_document(ROOT / "data" / f"{name}-示例.yaml").document.template == name
