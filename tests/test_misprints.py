"""Mistakes that used to be built silently (exit 0) are now located Chinese errors or warnings.

Each case is built through the command line and must fail with its message
(or, for the harmless ones, warn and fail only under --strict); the produced
.docx of every sample is searched for template marks left in its text.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.load import load_document

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
template: report
meta:
  title: 2023年某县法治政府建设情况报告
  issuer: 某县人民政府
  year: 2023
  date: 2024-03-01
figures:
  网上办比例: 98.2
  件数: 12
body:
  - 本年共办理{{ figures.件数 }}件，网上办比例达到{{ figures.网上办比例 }}%。
  - heading: 工作成效
    body:
      - heading: 依法履职。
        text: 全面推进。
      - enumerate:
          - 制度更加健全。
          - 队伍更加专业。
"""


def build(tmp_path: Path, text: str, capsys, *extra: str) -> tuple[int, str, Path]:
    data = tmp_path / "data.yaml"
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["build", str(data), "--out", str(out), "--no-pdf", *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err, out


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_good_file_builds_clean(tmp_path, capsys):
    code, err, out = build(tmp_path, GOOD, capsys, "--strict")
    assert code == 0, err
    assert "98.2%" in docx_text(next(out.glob("*.docx")))


@pytest.mark.parametrize("old,new,message,fragment", [
    ("heading: 依法履职。", "heading: （一）依法履职。", "标题开头手工输入了编号“（一）”", "（一）依法履职"),
    ("heading: 工作成效", "heading: 一、工作成效", "标题开头手工输入了编号“一、”", "一、工作成效"),
    ("heading: 依法履职。", "heading: 1.依法履职。", "标题开头手工输入了编号“1.”", "1.依法履职"),
    ("- 制度更加健全。", "- 一是制度更加健全。", "列举（enumerate）的一项开头手工输入了“一是”", "一是制度"),
])
def test_hand_typed_number_is_an_error(tmp_path, capsys, old, new, message, fragment):
    text = GOOD.replace(old, new)
    code, err, out = build(tmp_path, text, capsys)
    assert code == 1
    assert message in err
    assert f"data.yaml:{line_of(text, fragment)}:" in err
    assert "修改方法：删去" in err
    assert not out.exists()


def test_paragraph_looking_like_a_heading_warns_and_strict_fails(tmp_path, capsys):
    text = GOOD.replace("        text: 全面推进。", "        text: 全面推进。\n      - （二）加强监督。")
    code, err, _ = build(tmp_path, text, capsys)
    assert code == 0
    assert "段落开头是手工输入的编号“（二）”" in err
    code, err, _ = build(tmp_path, text, capsys, "--strict")
    assert code == 1 and "（二）" in err


@pytest.mark.parametrize("value,after,shown", [
    ('"98.2%"', "%", "98.2%%"),
    ('"98.2%"', "％", "98.2%％"),
    ("12件", "件", "12件件"),
])
def test_mark_written_twice_is_an_error(tmp_path, capsys, value, after, shown):
    text = GOOD.replace("网上办比例: 98.2", f"网上办比例: {value}").replace(
        "{{ figures.网上办比例 }}%", "{{ figures.网上办比例 }}" + after)
    code, err, _ = build(tmp_path, text, capsys)
    assert code == 1
    assert f"生成后是“{shown}”" in err
    line = line_of(text, "网上办比例 }}")
    assert f"data.yaml:{line}:" in err


def test_full_width_digits_in_figures_are_normalised_with_a_note(tmp_path, capsys):
    text = GOOD.replace("网上办比例: 98.2", "网上办比例: ９８．２")
    code, err, out = build(tmp_path, text, capsys)
    assert code == 0, err
    assert "数字 “网上办比例” 中有全角数字" in err and "98.2" in err
    assert f"data.yaml:{line_of(text, '９８')}:" in err
    assert "98.2%" in docx_text(next(out.glob("*.docx")))
    code, err, _ = build(tmp_path, text, capsys, "--strict")
    assert code == 1


@pytest.mark.parametrize("old,new,typed", [
    ("title: 2023年某县法治政府建设情况报告", "title: 2023年××××情况报告", "××××"),
    ("  - 本年共办理", "  - 开头段落。\n  - 本年共办理", "开头段落。"),
])
def test_scaffold_placeholders_fail_unless_draft(tmp_path, capsys, old, new, typed):
    text = GOOD.replace(old, new)
    code, err, _ = build(tmp_path, text, capsys)
    assert code == 1
    assert f"草稿中的占位文字“{typed}”" in err and "--draft" in err
    code, err, out = build(tmp_path, text, capsys, "--draft")
    assert code == 0, err
    assert "草稿（--draft）：还有 1 处占位文字" in err


def test_attachment_name_placeholder(tmp_path, capsys):
    text = GOOD.replace("  date: 2024-03-01", "  date: 2024-03-01\n  attachments: [附件名称]")
    code, err, _ = build(tmp_path, text, capsys)
    assert code == 1 and "占位文字“附件名称”" in err


def test_anonymous_name_is_a_warning(tmp_path, capsys):
    text = GOOD.replace("全面推进。", "由张某某负责全面推进。")
    code, err, _ = build(tmp_path, text, capsys)
    assert code == 0 and "“张某某” 1 处像是草稿或示例中的占位姓名" in err
    assert f"data.yaml:{line_of(text, '张某某')}:" in err
    code, err, _ = build(tmp_path, text, capsys, "--strict")
    assert code == 1 and "张某某" in err and "--strict" in err


def test_scaffold_of_docgen_new_builds_only_as_draft(tmp_path, capsys):
    target = tmp_path / "草稿.yaml"
    assert main(["new", "--template", "notice", str(target)]) == 0
    capsys.readouterr()
    assert main(["build", str(target), "--out", str(tmp_path / "o"), "--no-pdf"]) == 1
    assert "占位文字" in capsys.readouterr().err
    assert load_document(target, draft=True).document.meta.title


@pytest.mark.parametrize("old,new", [
    ("  issuer: 某县人民政府", "  issuer: 某县人民政府\n  recipients: ['{{ figures.件数 }}个乡镇']"),
    ("  date: 2024-03-01", "  date: 2024-03-01\n  note: '{% if true %}此件公开发布'"),
    ("        text: 全面推进。", "        text: 全面推进。{{ '{{' }}"),
])
def test_template_marks_never_reach_the_output(tmp_path, capsys, old, new):
    code, err, out = build(tmp_path, GOOD.replace(old, new), capsys)
    assert code == 1, err
    assert "会原样印在公文上" in err
    assert not out.exists()


SAMPLES = sorted((ROOT / "data").glob("*.yaml")) + sorted((ROOT / "tests" / "documents").glob("*.yaml"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_no_template_mark_in_any_sample_output(sample, tmp_path):
    from docgen.build import build as build_one

    result = build_one(sample, out_dir=tmp_path, pdf=False)
    with zipfile.ZipFile(result.docx) as z:
        for name in z.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
                assert "{{" not in text and "{%" not in text, name
