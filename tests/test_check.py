"""Tests for ``docgen check``: every rule, file positions, ``--fix`` and the command.

Rules are tested table-driven on single strings (``proofread_text``) and on
real YAML files written to ``tmp_path``; the seed's web copy
(``tests/fixtures/seed_webcopy.yaml``: the seed data with the web page's
original text restored) must yield each of its known errors at the right
line and column.
"""

from __future__ import annotations

import argparse
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from docgen.check import (
    check_doc_number,
    check_file,
    cn_to_int,
    fix_file,
    proofread_text,
)
from docgen.commands import check as check_command
from docgen.errors import DataError

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WEBCOPY = FIXTURES / "seed_webcopy.yaml"
SEED = Path(__file__).resolve().parent.parent / "data" / "2022-如东县法治政府建设情况报告.yaml"


# --------------------------------------------------------------------------
# Rules on strings: (text, rule, the characters the finding covers, replacement)
# --------------------------------------------------------------------------

FINDS = [
    ("comma after Chinese", "2022年以来,我县坚持", "halfwidth-punctuation", ",", "，"),
    ("semicolon", "马上办;开通平台", "halfwidth-punctuation", ";", "；"),
    ("colon", "主要做法:一是", "halfwidth-punctuation", ":", "："),
    ("exclamation", "好!", "halfwidth-punctuation", "!", "！"),
    ("question at end", "是否完成?", "halfwidth-punctuation", "?", "？"),
    ("period after Chinese", "加快转变.坚持", "halfwidth-punctuation", ".", "。"),
    ("comma before a figure", "平台,{{ figures.网上办比例 }}%", "halfwidth-punctuation", ",", "，"),
    ("parentheses", "镇(街道)综合", "halfwidth-punctuation", "(", "（"),
    ("straight quotes", '打造"品牌"', "halfwidth-punctuation", '"', None),
    ("angle bracket", "《贯彻<纲要>方案》", "halfwidth-punctuation", "<", None),
    ("question between Chinese", "万事好通?如来如愿", "suspect-character", "?", None),
    ("replacement character", "如东\ufffd县", "suspect-character", "\ufffd", None),
    ("space before unit", "办件400 件", "stray-space", " ", None),
    ("space between words", "办结率 达到", "stray-space", " ", None),
    ("space after figure", "{{ figures.x }} 件", "stray-space", " ", None),
    ("doubled word", "优化优化政务服务水平", "repeated-word", "优化优化", None),
    ("doubled longer word", "政务服务政务服务", "repeated-word", "政务服务政务服务", None),
    ("doubled 的", "我县的的工作", "repeated-word", "的的", None),
    ("unclosed quote", "打造“万事好通营商环境", "unbalanced-bracket", "“", None),
    ("stray closer", "营商环境”提升", "unbalanced-bracket", "”", None),
    ("misnested", "《办法（试行》）", "unbalanced-bracket", "（", None),
    ("unclosed paren", "镇（街道综合", "unbalanced-bracket", "（", None),
    ("year range", "规划（2021-2025年）", "range-hyphen", "-", "—"),
    ("number range", "每年3-5次", "range-hyphen", "-", "—"),
    ("ellipsis dots", "等等...", "ellipsis-dash", "...", None),
    ("single ellipsis", "资源…等", "ellipsis-dash", "…", None),
    ("double hyphen dash", "目标--建设", "ellipsis-dash", "--", None),
    ("leading zeros", "2023年03月05日印发", "date-format", "2023年03月05日", None),
    ("Chinese numeral date", "二〇二三年三月十三日", "date-format", "二〇二三年三月十三日", None),
    ("two-digit year", "23年3月完成", "date-format", "23年3月", None),
    ("dotted date", "于2023.3.13召开", "date-format", "2023.3.13", None),
    ("square-bracket doc number", "根据东政发[2023]12号文件", "doc-number", "[2023]12号", None),
    ("round-bracket doc number", "依据苏政办发（2022）5号", "doc-number", "（2022）5号", None),
    ("hand numbering 一、", "一、工作成效", "hand-numbering", "一、", None),
    ("hand numbering （一）", "（一）依法履行政府职能", "hand-numbering", "（一）", None),
    ("hand numbering (一)", "(一)依法履行政府职能", "hand-numbering", "(一)", None),
    ("hand numbering 1.", "1.深入推进改革。", "hand-numbering", "1.", None),
    ("hand numbering 1、", "12、统筹推进", "hand-numbering", "12、", None),
    ("hand numbering （1）", "（1）加强培训", "hand-numbering", "（1）", None),
    ("hand numbering 一是", "一是法治思维有待加强。", "hand-numbering", "一是", None),
    ("inline gap", "一是加强学习；二是完善制度；四是强化考核。", "numbering-sequence", "四是", None),
    ("inline repeat", "一是加强学习；二是完善制度；二是强化考核。", "numbering-sequence", "二是", None),
]


@pytest.mark.parametrize(("text", "rule", "covered", "replacement"),
                         [c[1:] for c in FINDS], ids=[c[0] for c in FINDS])
def test_rule_finds(text, rule, covered, replacement):
    issues = [i for i in proofread_text(text) if i.rule == rule]
    assert issues, proofread_text(text)
    issue = issues[0]
    assert text[issue.start:issue.end] == covered
    assert issue.replacement == replacement
    assert issue.message and issue.suggestion


CLEAN = [
    ("full-width text", "2022年以来，我县坚持以习近平法治思想为指导（试行）。"),
    ("decimals and percents", "97.7%的事项实现网上办，达到1,234件，时间10:30。"),
    ("figure references", "达到{{ figures.网上办比例 }}%；{{ figures.a }}，{{figures.b}}件。"),
    ("word boundaries, not doubles", "将学习习近平法治思想，县委中心组组织，推进进程，工作作为重点。"),
    ("legitimate reduplication", "研究研究再定，人人参与，常常检查，看看效果。"),
    ("proper range", "《法治如东建设规划（2021—2025年）》和3～5次"),
    ("proper date", "2023年3月13日"),
    ("proper doc number", "根据东政发〔2023〕12号文件。"),
    ("nested marks", "《如东县贯彻落实〈法治政府建设实施纲要（2021—2025年）〉实施方案》“‘三统一’”"),
    ("ellipsis and dash", "资源、队伍……等；目标——建设。"),
    ("numbers that are not numbering", "2022年全县办理122件，3年来演练7500余场。"),
    ("inline sequence in order", "主要做法：一是加强学习；二是完善制度；三是强化考核。"),
    ("Latin text", "Hello, world (test)."),
]


@pytest.mark.parametrize("text", [c[1] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_rule_stays_quiet(text):
    assert proofread_text(text) == []


def test_hand_numbering_only_in_body():
    assert proofread_text("一、工作成效", body=False) == []


def test_bad_form_of_hand_numbering_is_named():
    (issue,) = [i for i in proofread_text("1、统筹推进") if i.rule == "hand-numbering"]
    assert "应为“1.”" in issue.message
    (issue,) = [i for i in proofread_text("(一)依法") if i.rule == "hand-numbering"]
    assert "全角" in issue.message


@pytest.mark.parametrize(("number", "ok", "hint"), [
    ("东政发〔2023〕12号", True, None),
    ("东政发[2023]12号", False, "东政发〔2023〕12号"),
    ("东政发【2023】12号", False, "东政发〔2023〕12号"),
    ("东政发(2023)12号", False, "东政发〔2023〕12号"),
    ("东政发〔23〕12号", False, "东政发〔2023〕12号"),
    ("东政发〔2023〕012号", False, "东政发〔2023〕12号"),
    ("东政发〔2023〕第12号", False, "东政发〔2023〕12号"),
    ("第十二号", False, "机关代字〔年份〕序号号"),
])
def test_doc_number(number, ok, hint):
    issues = check_doc_number(number)
    assert (issues == []) is ok
    if not ok:
        assert issues[0].rule == "doc-number" and hint in issues[0].suggestion


def test_chinese_numerals():
    assert [cn_to_int(x) for x in ["一", "九", "十", "十二", "二十", "九十九", "十十", "甲"]] == \
        [1, 9, 10, 12, 20, 99, None, None]


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "d.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def at(path: Path, finding) -> str:
    """The file's text from the finding's line and column on."""
    line = path.read_text(encoding="utf-8").splitlines()[finding.location.line - 1]
    return line[finding.location.column - 1:]


def test_seed_data_is_clean():
    assert check_file(SEED) == []


def test_positions_in_plain_quoted_and_block_scalars(tmp_path):
    path = write(tmp_path, """meta:
  title: 报告
body:
  - 第一段,后文。
  - '第二段,后文。'
  - "第三段,后文。"
  - heading: 工作成效
    text: |
      第一行。
      第二行,后文。
""")
    findings = check_file(path)
    assert [(f.location.line, f.location.column, f.location.path) for f in findings] == [
        (4, 8, "body[0]"), (5, 9, "body[1]"), (6, 9, "body[2]"), (10, 10, "body[3].text")]
    assert all(at(path, f).startswith(",") for f in findings)
    assert findings[0].text == "第一段,后文。"
    assert findings[0].location.file == str(path)


def test_folded_scalar_points_at_its_start_and_is_not_fixed(tmp_path):
    path = write(tmp_path, "body:\n  - >-\n    第一段,\n    后文。\n")
    (finding,) = check_file(path)
    assert (finding.location.line, finding.location.column) == (2, 5)
    assert not finding.fixable
    before = path.read_bytes()
    assert fix_file(path) == []
    assert path.read_bytes() == before


def test_not_prose_is_not_checked(tmp_path):
    path = write(tmp_path, """template: report
previous: 2021-x.yaml
numbering: {formats: {1: "{cn}、"}}
figures:
  表: {from: 数据,表.xlsx, cell: B3}
  名次: 全省第一,全市第二
checks:
  - sum: [a, b]
    equals: c
body:
  - 正文。
""")
    (finding,) = check_file(path)
    assert finding.location.path == "figures.名次"
    assert finding.rule == "halfwidth-punctuation"


def test_meta_doc_number_and_date(tmp_path):
    path = write(tmp_path, """meta:
  title: 报告
  doc_number: 东政发[2023]12号
  date: 2023年03月13日
body:
  - 正文。
""")
    findings = check_file(path)
    rules = {f.location.path: f.rule for f in findings}
    assert rules["meta.doc_number"] == "doc-number"
    assert "meta.date" not in rules      # build reads 2023年03月13日 as it reads 2023-03-13


def test_sibling_numbering_gaps_and_repeats(tmp_path):
    path = write(tmp_path, """body:
  - heading: 一、工作成效
    body:
      - 1.第一项。
      - 2.第二项。
      - 2.又一项。
  - heading: 二、存在不足
  - heading: 四、工作打算
  - enumerate:
      - 一是甲。
      - 三是乙。
""")
    seq = [f for f in check_file(path) if f.rule == "numbering-sequence"]
    assert [(f.location.path, f.location.line) for f in seq] == [
        ("body[0].body[2]", 6), ("body[2].heading", 8), ("body[3].enumerate[1]", 11)]
    assert "重复" in seq[0].message and "应是“3.”" in seq[0].message
    assert "不连续" in seq[1].message and "应是“三、”" in seq[1].message
    assert "应是“二是”" in seq[2].message


def test_end_punctuation_only_for_paragraphs(tmp_path):
    path = write(tmp_path, "body:\n  - heading: 工作成效\n    text: 没有句号\n  - 有句号。\n")
    (finding,) = check_file(path)
    assert finding.rule == "end-punctuation" and finding.location.path == "body[0].text"


def test_bad_yaml_is_a_located_data_error(tmp_path):
    path = write(tmp_path, "body:\n  - 正文。\n  - 甲: 乙: 丙\n")
    with pytest.raises(DataError) as info:
        check_file(path)
    assert info.value.location.line == 3 and "YAML" in info.value.message


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as info:
        check_file(tmp_path / "无.yaml")
    assert "找不到" in info.value.message


# --------------------------------------------------------------------------
# The seed's web copy
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def webcopy_findings():
    return check_file(WEBCOPY)


def _find(findings, rule, path):
    return [f for f in findings if f.rule == rule and f.location.path == path]


def test_webcopy_doubled_word(webcopy_findings):
    (f,) = [f for f in webcopy_findings if f.rule == "repeated-word"]
    assert f.location.path == "body[1].body[0].body[1].heading"
    assert at(WEBCOPY, f).startswith("优化优化政务服务水平")
    assert "优化" in f.message


def test_webcopy_lost_interpunct(webcopy_findings):
    (f,) = [f for f in webcopy_findings if f.rule == "suspect-character"]
    assert f.location.path == "body[1].body[0].body[2].text"
    assert at(WEBCOPY, f).startswith("?如来如愿")
    assert "·" in f.suggestion


def test_webcopy_year_ranges(webcopy_findings):
    ranges = [f for f in webcopy_findings if f.rule == "range-hyphen"]
    assert [f.location.path for f in ranges] == ["body[2].body[1].text"] * 3
    assert [at(WEBCOPY, f)[:6] for f in ranges] == ["-2025年", "-2025年", "-2025年"]
    assert all(f.fixable for f in ranges)


def test_webcopy_stray_spaces(webcopy_findings):
    spaces = [f for f in webcopy_findings if f.rule == "stray-space"]
    assert [f.location.path for f in spaces] == [
        "body[1].body[0].body[0].text", "body[1].body[6].body[1].text", "body[1].body[6].body[1].text"]
    assert [at(WEBCOPY, f)[:4] for f in spaces] == [" {{ ", " 件,办", " {{ "]


def test_webcopy_missing_full_stop_of_item_10(webcopy_findings):
    (f,) = [f for f in webcopy_findings if f.rule == "end-punctuation"]
    assert f.location.path == "body[1].body[4].body[0].text"
    assert at(WEBCOPY, f) == "人"


def test_webcopy_halfwidth_punctuation_every_one(webcopy_findings):
    half = [f for f in webcopy_findings if f.rule == "halfwidth-punctuation"]
    # every half-width mark of the web page's body text is reported, at its own position
    data = yaml.safe_load(WEBCOPY.read_text(encoding="utf-8"))
    expected = Counter(ch for ch in yaml.safe_dump(data["body"], allow_unicode=True, width=10**6)
                       if ch in ",;()<>") - Counter(ch for ch in "".join(
                           re.findall(r"\{\{.*?\}\}", str(data["body"]))) if ch in ",;()<>")
    assert Counter(at(WEBCOPY, f)[0] for f in half) == expected
    assert len(half) == 318
    assert len({(f.location.line, f.location.column) for f in half}) == 318


def test_webcopy_hand_typed_numbering(webcopy_findings):
    hand = [f for f in webcopy_findings if f.rule == "hand-numbering"]
    assert len(hand) == 4 + 13 + 22 + 3
    typed = [re.match(r"[^\u4e00-\u9fff]*[一二三四五六七八九十]*[、是)]?", at(WEBCOPY, f)).group(0)
             for f in hand]
    assert typed[:3] == ["一、", "(一)", "1."]
    assert "22." in typed and "三是" in typed and "(四)" in typed
    assert [f for f in webcopy_findings if f.rule == "numbering-sequence"] == []


def test_webcopy_total(webcopy_findings):
    assert Counter(f.rule for f in webcopy_findings) == Counter({
        "halfwidth-punctuation": 318, "hand-numbering": 42, "stray-space": 3, "range-hyphen": 3,
        "repeated-word": 1, "suspect-character": 1, "end-punctuation": 1})


# --------------------------------------------------------------------------
# --fix
# --------------------------------------------------------------------------


def test_fix_webcopy_keeps_comments_and_layout(tmp_path):
    path = tmp_path / "webcopy.yaml"
    shutil.copy(WEBCOPY, path)
    before = path.read_text(encoding="utf-8")
    fixed = fix_file(path)
    after = path.read_text(encoding="utf-8")
    assert Counter(f.rule for f in fixed) == Counter({"halfwidth-punctuation": 316, "range-hyphen": 3})
    # only the fixed characters changed: same lines, same comments, same length
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert len(old_lines) == len(new_lines)
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    assert changed == 316 + 3
    assert [ln for ln in old_lines if ln.lstrip().startswith("#")] == \
        [ln for ln in new_lines if ln.lstrip().startswith("#")]
    assert "规划（2021—2025年）" in after and "镇（街道）" in after
    remaining = Counter(f.rule for f in check_file(path))
    assert remaining == Counter({"hand-numbering": 42, "stray-space": 3, "repeated-word": 1,
                                 "suspect-character": 1, "end-punctuation": 1,
                                 "halfwidth-punctuation": 2})   # < > need a person's decision
    assert fix_file(path) == []


def test_fix_keeps_quoting_style_and_comments(tmp_path):
    path = write(tmp_path, """# 顶部注释
body:
  - '单引号,文字。'   # 行尾注释
  - "双引号,文字。"
  - 普通,文字（2021-2025年）。
  - |
    块,文字。
""")
    fixed = fix_file(path)
    assert len(fixed) == 5
    assert path.read_text(encoding="utf-8") == """# 顶部注释
body:
  - '单引号，文字。'   # 行尾注释
  - "双引号，文字。"
  - 普通，文字（2021—2025年）。
  - |
    块，文字。
"""


def test_fix_with_nothing_to_fix_does_not_write(tmp_path):
    path = write(tmp_path, "body:\n  - 正文。\n")
    stamp = path.stat().st_mtime_ns
    assert fix_file(path) == []
    assert path.stat().st_mtime_ns == stamp


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def run_command(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    check_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["check", *argv])
    return args.run(args)


def test_command_exit_codes(tmp_path, capsys):
    assert run_command(str(SEED)) == 0
    assert "未发现问题" in capsys.readouterr().out
    path = tmp_path / "webcopy.yaml"
    shutil.copy(WEBCOPY, path)
    assert run_command(str(path)) == 1
    out = capsys.readouterr().out
    assert "“优化”重复了一次" in out and "共发现 327 处问题，其中 319 处可用 --fix 自动改正" in out
    # the 42 hand-typed heading numbers are build errors, said once, in build's words
    assert "生成时会出错（docgen build 会在这些地方停止）：共 42 处" in out
    assert out.count("标题开头手工输入了编号") == 39 and out.count("列举（enumerate）的一项开头手工输入了") == 3
    assert "段首手工输入了编号“一、" not in out
    assert run_command(str(path), "--fix") == 1
    out = capsys.readouterr().out
    assert "已自动改正 319 处问题" in out and "共发现 8 处问题" in out
    meta = "meta: {title: 报告, issuer: 某县人民政府, year: 2023, date: 2024-01-05}\n"
    clean = write(tmp_path, meta + "body:\n  - 正文,后文。\n", "clean.yaml")
    assert run_command(str(clean), "--fix") == 0
    assert clean.read_text(encoding="utf-8") == meta + "body:\n  - 正文，后文。\n"


def test_command_reports_unreadable_file(tmp_path, capsys):
    assert run_command(str(tmp_path / "无.yaml")) == 2
    err = capsys.readouterr().err
    assert "找不到数据文件" in err and "修改方法" in err


def test_table_cells_are_not_paragraphs(tmp_path: Path) -> None:
    """Cells and captions of a body table need no closing 。; their punctuation is still checked."""
    data = tmp_path / "t.yaml"
    data.write_text(
        "body:\n"
        "  - table:\n"
        "      caption: 情况表\n"
        "      header: [项目, 件数]\n"
        "      rows:\n"
        "        - [驳回, 28]\n"
        "        - [\"维持,撤回\", 25]\n", encoding="utf-8")
    findings = check_file(data)
    assert not [f for f in findings if f.rule == "end-punctuation"]
    assert [(f.rule, f.location.path) for f in findings] == [
        ("halfwidth-punctuation", "body[0].table.rows[1][0]")]
