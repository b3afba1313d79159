"""``docgen check`` and ``docgen build`` agree: every mistake that stops the build is reported by
check with the very same message, and what the build accepts check never calls an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen.cli import main

GOOD = """\
template: report
meta:
  title: 2023年某县法治政府建设情况报告
  issuer: 某县人民政府
  year: 2023
  date: 2024-03-01
figures:
  件数: 12
  驳回: 5
  维持: 7
  网上办比例: 98.2
checks:
  - sum: [驳回, 维持]
    equals: 件数
body:
  - 本年共办理{{ figures.件数 }}件，网上办比例达到{{ figures.网上办比例 }}%。
  - heading: 工作成效
    body:
      - heading: 依法履职。
        text: 全面推进。
      - enumerate:
          - 制度更加健全。
          - 队伍更加专业。
      - table:
          header: [项目, 件数]
          rows:
            - [驳回, "{{ figures.驳回 }}"]
"""

# (name, old, new): the build must stop on each
MISTAKES = [
    ("full-width colon", "  件数: 12", "  件数：12"),
    ("no space after colon", "  year: 2023", "  year:2023"),
    ("tab indentation", "  issuer: 某县人民政府", "\tissuer: 某县人民政府"),
    ("wrong indentation", "  year: 2023", "   year: 2023"),
    ("unclosed bracket", "  issuer: 某县人民政府", "  issuer: [某县人民政府"),
    ("empty date", "  date: 2024-03-01", "  date:"),
    ("impossible date", "  date: 2024-03-01", "  date: 2024-13-01"),
    ("date in words", "  date: 2024-03-01", "  date: 二〇二四年三月一日"),
    ("year as words", "  year: 2023", "  year: 二〇二三"),
    ("unknown meta key", "  year: 2023", "  yaer: 2023"),
    ("missing issuer", "  issuer: 某县人民政府\n", ""),
    ("duplicate key", "  year: 2023", "  year: 2023\n  year: 2024"),
    ("undefined figure", "{{ figures.件数 }}件，", "{{ figures.件树 }}件，"),
    ("broken reference", "{{ figures.件数 }}件，", "{{ figures.件数 件，"),
    ("empty figure", "  驳回: 5", "  驳回:"),
    ("check fails", "  维持: 7", "  维持: 8"),
    ("hand-typed heading number", "heading: 依法履职。", "heading: （一）依法履职。"),
    ("hand-typed 一是", "- 制度更加健全。", "- 一是制度更加健全。"),
    ("mark written twice", "网上办比例: 98.2", "网上办比例: \"98.2%\""),
    ("scaffold placeholder", "title: 2023年某县法治政府建设情况报告", "title: 2023年××××情况报告"),
    ("bad document number", "  date: 2024-03-01", "  date: 2024-03-01\n  doc_number: 某政发[2024]1号"),
    ("level too deep", "        text: 全面推进。", "        text: 全面推进。\n        level: 7"),
    ("table row too short", "            - [驳回, \"{{ figures.驳回 }}\"]", "            - [驳回]"),
    ("unknown template", "template: report", "template: 报告模版"),
    ("empty body", GOOD[GOOD.index("body:"):], "body: []\n"),
]

# (name, old, new): the build accepts each, so check may only proofread it
ACCEPTED = [
    ("tab in text", "全面推进。", "全面\t推进。"),
    ("date written in Chinese", "  date: 2024-03-01", "  date: 2024年3月12日"),
    ("joint issuers in the title", "title: 2023年某县法治政府建设情况报告",
     "title: 中共某县委员会办公室 某县人民政府办公室关于2023年法治政府建设情况的报告"),
    ("slogan", "全面推进。", "坚持“不忘初心 牢记使命”，全面推进。"),
    ("slogan alone", "        text: 全面推进。", "        text: 不忘初心 牢记使命"),
    ("full-width digits in a figure", "  件数: 12", "  件数: １２"),
]


def run(command: str, data: Path, tmp_path: Path, capsys) -> tuple[int, str]:
    args = [command, str(data)]
    if command == "build":
        args += ["--out", str(tmp_path / "out"), "--no-pdf"]
    code = main(args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


def write(tmp_path: Path, old: str, new: str) -> Path:
    assert GOOD.count(old) == 1, old
    data = tmp_path / "data.yaml"
    data.write_text(GOOD.replace(old, new), encoding="utf-8")
    return data


def build_messages(output: str, data: Path) -> list[str]:
    """Each located problem build printed: 'file:line:col （path）：message' lines."""
    return [line.strip() for line in output.splitlines() if line.strip().startswith(str(data))]


def test_good_file_passes_both(tmp_path, capsys):
    data = write(tmp_path, "件数: 12", "件数: 12")
    assert run("build", data, tmp_path, capsys)[0] == 0
    code, out = run("check", data, tmp_path, capsys)
    assert code == 0, out


def test_the_table_has_enough_mistakes():
    assert len(MISTAKES) >= 20


@pytest.mark.parametrize(("name", "old", "new"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_check_reports_what_build_stops_on(name, old, new, tmp_path, capsys):
    data = write(tmp_path, old, new)
    code, built = run("build", data, tmp_path, capsys)
    assert code == 1, built
    messages = build_messages(built, data)
    assert messages, built
    code, checked = run("check", data, tmp_path, capsys)
    assert code in (1, 2)
    for message in messages:
        assert message in checked, (message, checked)
    fixes = [line.strip() for line in built.splitlines() if line.strip().startswith("修改方法")]
    for fix in fixes:
        assert fix in checked


@pytest.mark.parametrize(("name", "old", "new"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_check_never_calls_an_error_what_build_accepts(name, old, new, tmp_path, capsys):
    data = write(tmp_path, old, new)
    code, built = run("build", data, tmp_path, capsys)
    assert code == 0, built
    code, checked = run("check", data, tmp_path, capsys)
    assert "[生成错误]" not in checked and "语法错误" not in checked
    assert code in (0, 1)
    if name.startswith(("joint", "slogan")):
        assert "多余空格" not in checked, checked
    if name == "date written in Chinese":
        assert "meta.date" not in checked
    if name == "tab in text":
        assert not re.search(r"Tab|制表", checked)


def test_check_does_not_advise_a_layout_change(tmp_path, capsys):
    """A run-in heading with inline 一是 in its text is a structure build prints as typed."""
    data = write(tmp_path, "        text: 全面推进。",
                 "        text: 一是制度更加健全；二是队伍更加专业；三是保障更加有力。")
    assert run("build", data, tmp_path, capsys)[0] == 0
    code, checked = run("check", data, tmp_path, capsys)
    assert "enumerate" not in checked and "改用" not in checked, checked
