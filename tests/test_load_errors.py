"""Bad data and bad templates: a Chinese message with file, line, column and fix,
a non-zero exit code, no traceback, and the output folder untouched."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from docgen.cli import main
from docgen.errors import DataErrors
from docgen.load import load_document

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "report.docx"

GOOD = """\
template: report
meta:
  title: 测试报告
  issuer: 某县人民政府
  year: 2023
  date: 2024-03-01
figures:
  件数: 12
body:
  - 本年共办理{{ figures.件数 }}件。
  - heading: 工作成效
    body:
      - heading: 依法履职。
        text: 全面推进。
"""


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    out.mkdir()
    (out / "旧文件.docx").write_bytes(b"previous good output")
    return out


def assert_untouched(out: Path) -> None:
    assert sorted(p.name for p in out.iterdir()) == ["旧文件.docx"]
    assert (out / "旧文件.docx").read_bytes() == b"previous good output"


def write(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_builds(tmp_path: Path, out_dir: Path, capsys) -> None:
    code, _ = run_cli(["build", str(write(tmp_path, GOOD)), "--out", str(out_dir), "--no-pdf"], capsys)
    assert code == 0
    assert (out_dir / "测试报告.docx").exists()


# (name, data text, expected message fragment, expected line, expected column or None, fix fragment)
CASES = [
    ("yaml-syntax", GOOD.replace("  issuer: 某县人民政府", "  issuer: [某县人民政府"),
     "YAML 语法错误", 5, 7, "冒号"),
    ("leading-braces", GOOD.replace("  - 本年共办理{{ figures.件数 }}件。", "  - {{ figures.件数 }}件。"),
     "YAML 语法错误", 10, 21, "引号"),
    ("unknown-top-key", GOOD + "bdoy: []\n", "未知的键 “bdoy”", 15, 1, "body"),
    ("unknown-meta-key", GOOD.replace("  year: 2023", "  yaer: 2023"), "未知的键 “yaer”", 5, 3, "year"),
    ("missing-meta-key", GOOD.replace("  issuer: 某县人民政府\n", ""), "缺少发文机关署名（meta.issuer）", 3, 3,
     "issuer:"),
    ("missing-body", GOOD.split("body:")[0], "缺少 body", 1, 1, "body"),
    ("wrong-type-year", GOOD.replace("year: 2023", "year: 二〇二三"), "四位年份", 5, 9, "year: 2022"),
    ("wrong-type-date", GOOD.replace("date: 2024-03-01", "date: 2024年13月1日"), "不是有效日期", 6, 9,
     "2023-03-13"),
    ("impossible-date", GOOD.replace("date: 2024-03-01", "date: 2024-13-01"), "无法识别的值", 6, 9,
     "2023-03-13"),
    ("wrong-type-heading", GOOD.replace("heading: 工作成效", "heading: [工作, 成效]"), "应当是文字", 11, 14,
     "文字"),
    ("wrong-level", GOOD.replace("      - heading: 依法履职。", "      - heading: 依法履职。\n        level: 7"),
     "1 到 4", 14, 16, "一、为 1"),
    ("undefined-figure", GOOD.replace("{{ figures.件数 }}件。", "{{ figures.件树 }}件。"),
     "“件树” 没有定义", 10, 21, "件数"),
    ("figure-syntax", GOOD.replace("{{ figures.件数 }}件。", "{{ figures.件数 件。"),
     "引用写错了", 10, 5, "{{ figures.名称 }}"),
    ("duplicate-key", GOOD.replace("  year: 2023", "  year: 2023\n  year: 2024"), "重复", 6, 3, "只能写一次"),
    ("sandbox-in-data", GOOD.replace("{{ figures.件数 }}", "{{ ''.__class__.__mro__ }}"),
     "引用写错了", 10, 5, "内部属性"),
]


@pytest.mark.parametrize(("name", "text", "message", "line", "column", "fix"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_data(name: str, text: str, message: str, line: int, column: int | None, fix: str,
                  tmp_path: Path, out_dir: Path, capsys) -> None:
    data = write(tmp_path, text)
    code, err = run_cli(["build", str(data), "--out", str(out_dir), "--no-pdf"], capsys)
    assert code == 1
    assert message in err
    assert fix in err
    where = f"{data}:{line}" + (f":{column}" if column else "")
    assert where in err, err
    assert "修改方法" in err
    assert_untouched(out_dir)


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("  year: 2023", "  yaer: 2023").replace("{{ figures.件数 }}", "{{ figures.无 }}")
    with pytest.raises(DataErrors) as info:
        load_document(write(tmp_path, text))
    messages = [e.message for e in info.value.errors]
    assert any("yaer" in m for m in messages)
    assert any("缺少年度" in m for m in messages)
    assert any("“无” 没有定义" in m for m in messages)
    assert "共有 3 处问题" in info.value.describe()


def test_missing_file(tmp_path: Path, out_dir: Path, capsys) -> None:
    missing = tmp_path / "没有这个文件.yaml"
    code, err = run_cli(["build", str(missing), "--out", str(out_dir), "--no-pdf"], capsys)
    assert code == 1
    assert f"{missing}：找不到数据文件" in err and "修改方法" in err
    assert_untouched(out_dir)


def test_not_utf8(tmp_path: Path, out_dir: Path, capsys) -> None:
    data = tmp_path / "gbk.yaml"
    data.write_bytes(GOOD.encode("gbk"))
    code, err = run_cli(["build", str(data), "--out", str(out_dir), "--no-pdf"], capsys)
    assert code == 1 and "UTF-8" in err
    assert_untouched(out_dir)


def _template_with(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "bad.docx"
    with zipfile.ZipFile(TEMPLATE) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode(), 1)
            dst.writestr(item, data)
    return target


@pytest.mark.parametrize(
    ("old", "new", "message", "where"),
    [
        ("{{ title_text }}", "{{ meta.titel }}", "不存在的值 “titel”", "第 1 段"),
        ("{{ title_text }}", "{{ meta.title }", "没有闭合", "第 1 段"),
        ("{%p endfor %}", "{%p endfo %}", "语法错误", "{%p endfo %}"),
        ("{{ title_text }}", "{{ meta.__class__.__mro__ }}", "不允许的内部属性", None),
    ],
    ids=["undefined", "unclosed", "bad-block", "sandbox"],
)
def test_bad_template(old: str, new: str, message: str, where: str | None, tmp_path: Path,
                      out_dir: Path, capsys) -> None:
    template = _template_with(tmp_path, old, new)
    data = write(tmp_path, GOOD)
    code, err = run_cli(["build", str(data), "--template", str(template), "--out", str(out_dir),
                         "--no-pdf"], capsys)
    assert code == 1
    assert message in err and str(template) in err and "修改方法" in err
    if where:
        assert where in err
    assert_untouched(out_dir)


def test_unknown_template_name(tmp_path: Path, out_dir: Path, capsys) -> None:
    data = write(tmp_path, GOOD.replace("template: report", "template: 报告模版"))
    code, err = run_cli(["build", str(data), "--out", str(out_dir), "--no-pdf"], capsys)
    assert code == 1 and "没有名为 “报告模版” 的模板" in err and "report" in err
    assert_untouched(out_dir)


def test_template_not_a_docx(tmp_path: Path, out_dir: Path, capsys) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip")
    data = write(tmp_path, GOOD)
    code, err = run_cli(["build", str(data), "--template", str(fake), "--out", str(out_dir), "--no-pdf"],
                        capsys)
    assert code == 1 and str(fake) in err
    assert_untouched(out_dir)


def test_template_copy_keeps_working(tmp_path: Path) -> None:
    """Sanity for the helper above: an unmodified copy builds."""
    copy = tmp_path / "copy.docx"
    shutil.copy(TEMPLATE, copy)
    data = write(tmp_path, GOOD)
    assert main(["build", str(data), "--template", str(copy), "--out", str(tmp_path / "o"), "--no-pdf"]) == 0


def test_failed_figure_is_reported_once(tmp_path: Path) -> None:
    """A declared figure that fails (unfilled) is not reported again where the text uses it."""
    text = GOOD.replace("  件数: 12", "  件数: null")
    with pytest.raises(DataErrors) as info:
        load_document(write(tmp_path, text))
    assert len(info.value.errors) == 1
    assert info.value.errors[0].location.path == "figures.件数"


def test_previous_year_with_its_own_growth_figures(tmp_path: Path) -> None:
    """Last year's file may itself compare with the year before; that part is not needed."""
    write(tmp_path, GOOD.replace("  件数: 12", "  件数: 10\n  增长: {growth: 件数}")
          .replace("template: report", "template: report\nprevious: 2021.yaml"), "2022.yaml")
    this_year = GOOD.replace("template: report", "template: report\nprevious: 2022.yaml").replace(
        "  件数: 12", "  件数: 12\n  增幅: {growth_text: 件数}").replace(
        "本年共办理{{ figures.件数 }}件。", "本年共办理{{ figures.件数 }}件，比上年{{ figures.增幅 }}。")
    document = load_document(write(tmp_path, this_year, "2023.yaml")).document
    assert document.body[0].text == "本年共办理12件，比上年增长20.0%。"


@pytest.mark.parametrize("written", ['"2024-03-01"', "2024年3月1日", "'2024-3-1'"])
def test_date_forms_accepted(written: str, tmp_path: Path) -> None:
    """The fix text says “写成 2023-03-13”: quoted, it must work too."""
    document = load_document(write(tmp_path, GOOD.replace("date: 2024-03-01", f"date: {written}"))).document
    assert (document.meta.date.year, document.meta.date.month, document.meta.date.day) == (2024, 3, 1)
