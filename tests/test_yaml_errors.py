"""Mistakes explained in Chinese: YAML syntax errors named and placed on the line where they were
made, empty values said to be empty, and the command line's own messages in Chinese."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.cli import main

GOOD = """\
template: report
meta:
  title: 测试报告
  issuer: 某县人民政府
  year: 2023
  date: 2024-03-01
figures:
  件数: 12
  网上办比例: 98.2
body:
  - 本年共办理{{ figures.件数 }}件。
  - heading: 工作成效
    body:
      - heading: 依法履职。
        text: 全面推进。
"""


def run(tmp_path: Path, text: str, capsys, command: str = "build") -> tuple[int, str]:
    data = tmp_path / "data.yaml"
    data.write_text(text, encoding="utf-8")
    args = [command, str(data)] + (["--out", str(tmp_path / "o"), "--no-pdf"] if command == "build" else [])
    code = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.replace(str(data), "data.yaml")


# (name, old, new, message, line, fix)
CASES = [
    ("full-width colon", "  网上办比例: 98.2", "  网上办比例：98.2",
     "“网上办比例”后面用了全角冒号“：”", 9, "改为 网上办比例: 98.2"),
    ("full-width colon, last figure before body", "  网上办比例: 98.2\nbody:", "  网上办比例：98.2\nbody:",
     "全角冒号", 9, "英文冒号"),
    ("no space after colon", "  title: 测试报告", "  title:测试报告",
     "“title:”的冒号后面没有空格", 3, "title: 测试报告"),
    ("no space after a figure's colon", "  件数: 12", "  件数:12", "“件数:”的冒号后面没有空格", 8, "件数: 12"),
    ("tab indentation", "  year: 2023", "\tyear: 2023", "缩进用了制表符（Tab）", 5, "空格"),
    ("tab after spaces", "      - heading: 依法履职。", "  \t    - heading: 依法履职。",
     "缩进用了制表符（Tab）", 14, "空格"),
    ("indented too far", "  year: 2023", "   year: 2023", "缩进了 3 个空格", 5, "改为 2 个空格"),
    ("indented too little", "  year: 2023", " year: 2023", "缩进了 1 个空格", 5, "改为 2 个空格"),
    ("list item out of line", "        text: 全面推进。", "        text: 全面推进。\n     - 多余的一项。",
     "缩进了 5 个空格", 16, "对齐"),
]


@pytest.mark.parametrize(("name", "old", "new", "message", "line", "fix"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("command", ["build", "check"])
def test_syntax_errors_named_at_their_line(name, old, new, message, line, fix, command, tmp_path, capsys):
    assert GOOD.count(old) == 1
    code, err = run(tmp_path, GOOD.replace(old, new), capsys, command)
    assert code in (1, 2)
    assert message in err, err
    assert f"data.yaml:{line}:" in err, err
    assert fix in err
    for english in ("could not", "mapping values", "while scanning", "expected"):
        assert english not in err


def test_tab_inside_text_is_not_a_syntax_error(tmp_path, capsys):
    code, err = run(tmp_path, GOOD.replace("全面推进。", "全面\t推进。"), capsys)
    assert code == 0, err


@pytest.mark.parametrize("old,new,message", [
    ("  date: 2024-03-01", "  date:", "成文日期（meta.date）还没有填写"),
    ("  date: 2024-03-01", "  date: ''", "成文日期（meta.date）还没有填写"),
    ("  year: 2023", "  year:", "年度（meta.year）还没有填写"),
    ("  title: 测试报告", "  title:", "标题（meta.title）还没有填写"),
])
def test_empty_value_says_not_filled_in(old, new, message, tmp_path, capsys):
    code, err = run(tmp_path, GOOD.replace(old, new), capsys)
    assert code == 1
    assert message in err and "None" not in err


def test_help_is_chinese_throughout(capsys):
    english = ("positional arguments", "options:", "optional arguments", "usage:",
               "show this help message and exit", "invalid choice")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "用法：" in out and "显示本帮助并退出" in out and "next-year" in out
    for command in ("build", "check", "next-year", "diff", "new"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert "用法：" in out, command
        assert not any(word in out for word in english), (command, out)
        assert not re.search(r"--\w[\w-]* [A-Z]{2,}", out), (command, out)   # no --out OUT


@pytest.mark.parametrize("argv,message", [
    (["biuld"], "无效的选择：'biuld'"),
    (["build"], "缺少以下参数：数据文件"),
    (["build", "x.yaml", "--jobs"], "后面要写一个值"),
    (["build", "x.yaml", "--pdf-engine", "word"], "无效的选择"),
    (["check", "a.yaml", "--bogus"], "无法识别的参数：--bogus"),
])
def test_argument_errors_are_chinese(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "参数错误" in err
    assert "error:" not in err and "invalid choice" not in err and "usage:" not in err


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("docgen ") and out.strip().split()[-1][0].isdigit()


def test_help_imports_no_subcommand():
    """``docgen --help`` lists every command without importing any of them."""
    code = ("import sys, contextlib, io\n"
            "from docgen.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try: main(['--help'])\n"
            "    except SystemExit: pass\n"
            "heavy = [m for m in sys.modules if m.startswith('docgen.commands.') or m in "
            "('docgen.load', 'docgen.build', 'docgen.check', 'yaml', 'ruamel', 'jinja2', 'reportlab')]\n"
            "print(heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_closed_pipe_is_not_an_internal_error():
    """`docgen templates | head -1`: the reader leaves early; no 内部错误, no traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "docgen", "templates"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before docgen writes
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.wait(timeout=60)
    assert "内部错误" not in err and "Traceback" not in err, err
    assert proc.returncode in (0, 141)
