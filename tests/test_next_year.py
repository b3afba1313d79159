"""Tests for ``docgen next-year``: the real seed file advanced one year.

Each test copies the seed data into ``tmp_path``, writes next year's file
and reads it back with PyYAML (values) and as text (comments).
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import pytest
import yaml

from docgen.commands import next_year as next_year_command
from docgen.errors import DataError, DocgenError, Location
from docgen.figures import evaluate
from docgen.next_year import advance_years, make_next_year, next_year_path, write_next_year

SEED = Path(__file__).resolve().parent.parent / "data" / "2022-如东县法治政府建设情况报告.yaml"


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    path = tmp_path / SEED.name
    shutil.copy(SEED, path)
    return path


def locate(path):
    return Location(file="x.yaml", path=".".join(str(p) for p in path))


def test_default_name_and_meta(seed):
    target, result = write_next_year(seed)
    assert target == seed.with_name("2023-如东县法治政府建设情况报告.yaml")
    old = yaml.safe_load(seed.read_text(encoding="utf-8"))
    new = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert new["meta"]["year"] == 2023
    assert new["meta"]["title"] == "2023年如东县法治政府建设情况报告"
    assert new["meta"]["date"] is None
    assert new["meta"]["issuer"] == old["meta"]["issuer"]
    assert new["previous"] == seed.name
    assert result.year == 2023
    assert list(new) == ["template", "meta", "previous", "numbering", "figures", "checks", "body"]


def test_structure_prose_and_checks_kept(seed):
    target, _ = write_next_year(seed)
    old = yaml.safe_load(seed.read_text(encoding="utf-8"))
    new = yaml.safe_load(target.read_text(encoding="utf-8"))
    advanced = yaml.safe_load(advance_years(yaml.safe_dump(old["body"], allow_unicode=True), 2022)[0])
    assert new["body"] == advanced != old["body"]      # only 2022年/2023年 moved on by one year
    assert new["checks"] == old["checks"]
    assert new["numbering"] == old["numbering"]
    assert list(new["figures"]) == list(old["figures"])


def test_figures_kept_as_unconfirmed_defaults(seed):
    target, result = write_next_year(seed)
    old = yaml.safe_load(seed.read_text(encoding="utf-8"))["figures"]
    new = yaml.safe_load(target.read_text(encoding="utf-8"))["figures"]
    computed = {k for k, v in old.items() if isinstance(v, dict)}
    assert computed == {"复议审结"}
    assert new["复议审结"] == old["复议审结"]
    assert all(new[k] == {"unconfirmed": old[k]} for k in old if k not in computed)
    assert set(result.carried) == set(old) - computed
    assert result.kept == ("复议审结",)


def test_comments_kept_and_marks_added(seed):
    target, _ = write_next_year(seed)
    text = target.read_text(encoding="utf-8")
    old_comments = [ln.strip() for ln in seed.read_text(encoding="utf-8").splitlines()
                    if ln.strip().startswith("#")]
    for comment in old_comments:
        assert comment in text
    lines = text.splitlines()
    line = next(ln for ln in lines if ln.strip().startswith("网上办比例:"))
    assert "{unconfirmed: 97.7}" in line and "# 上年数值，待确认" in line and "2022年为 97.7" in line
    line = next(ln for ln in lines if ln.strip().startswith("清理文件:"))
    assert "{unconfirmed: 191}" in line and "由 checks 核对" in line
    line = next(ln for ln in lines if ln.strip().startswith("date:"))
    assert "TODO 请填写成文日期" in line
    assert "以下正文沿用2022年的文字，请逐段修改" in text
    assert len([ln for ln in lines if "# 上年数值，待确认" in ln]) == 84
    assert lines[0].startswith("# 2023年数据文件：由 docgen next-year 根据")


def _filled(target: Path, date: str = "2024-03-12") -> str:
    text = target.read_text(encoding="utf-8")
    return re.sub(r"^  date: .*$", f"  date: {date}", text, count=1, flags=re.M)


def test_build_reminds_which_figures_are_unconfirmed(seed, tmp_path):
    from docgen.build import build
    from docgen.load import load_document

    target, _ = write_next_year(seed)
    target.write_text(_filled(target).replace("网上办比例: {unconfirmed: 97.7}", "网上办比例: 98.2"),
                      encoding="utf-8")
    loaded = load_document(target)
    reminders = [w for w in loaded.warnings if "仍是上年的数值，还没有确认" in w.message]
    assert len(reminders) == 1
    assert "共 83 项" in reminders[0].message or "等 83 项" in reminders[0].message
    assert "网上办比例" not in reminders[0].message          # confirmed: no longer listed
    assert reminders[0].location.path == "figures.马上办比例"
    assert reminders[0].location.line == next(
        i for i, ln in enumerate(target.read_text(encoding="utf-8").splitlines(), 1) if "马上办比例:" in ln)
    paragraph = loaded.document.body[1].children[0].children[0].text
    assert "98.2%的事项实现网上办" in paragraph and "96.5%的事项实现马上办" in paragraph
    with pytest.raises(DocgenError) as info:
        build(target, out_dir=tmp_path / "o", pdf=False, strict=True)
    assert "还没有确认" in info.value.message


def test_empty_date_says_not_filled_in(seed):
    from docgen.errors import DataErrors
    from docgen.load import load_document

    target, _ = write_next_year(seed)
    with pytest.raises(DataErrors) as info:
        load_document(target)
    assert [e.message for e in info.value.errors] == ["成文日期（meta.date）还没有填写。"]


def test_filled_next_year_compares_with_last_year(seed, tmp_path):
    """After filling, year-over-year figures work against the previous file."""
    target, _ = write_next_year(seed)
    text = target.read_text(encoding="utf-8")
    text = re.sub(r"县长信箱办件: \{unconfirmed: \d+\}", "县长信箱办件: 450", text, count=1)
    target.write_text(text, encoding="utf-8")
    last = yaml.safe_load(seed.read_text(encoding="utf-8"))
    previous, errors = evaluate(last["figures"], last["checks"], locate=locate)
    assert errors == []
    data = yaml.safe_load(text)
    assert data["previous"] == seed.name
    spec = {"县长信箱办件": data["figures"]["县长信箱办件"], "增幅": {"growth_text": "县长信箱办件"}}
    figures, errors = evaluate(spec, [], locate=locate, previous=previous)
    assert errors == [] and figures["增幅"].text == "增长12.5%"


def test_refuses_to_overwrite_without_force(seed):
    target = next_year_path(seed, 2022)
    target.write_text("已有内容\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        write_next_year(seed)
    assert "已经存在" in info.value.message and "--force" in info.value.fix
    assert target.read_text(encoding="utf-8") == "已有内容\n"
    write_next_year(seed, force=True)
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["meta"]["year"] == 2023


def test_refuses_to_replace_the_source(seed):
    with pytest.raises(DataError) as info:
        write_next_year(seed, seed, force=True)
    assert "原数据文件" in info.value.message


def test_out_in_another_folder_gets_relative_previous(seed, tmp_path):
    out = tmp_path / "2023" / "报告.yaml"
    out.parent.mkdir()
    write_next_year(seed, out)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["previous"] == f"../{seed.name}"
    assert (out.parent / data["previous"]).resolve() == seed.resolve()


def test_minimal_file_quotes_doc_number_and_tables(tmp_path):
    source = tmp_path / "报告.yaml"
    source.write_text("""meta:
  title: "2022年工作总结"   # 带引号的标题
  year: 2022
  date: 2023-01-05
  doc_number: 东政发〔2023〕1号
previous: 2021.yaml
figures:
  名次: 全省第一
  网上办: {from: 数据.xlsx, cell: B3}
  增幅: {growth_text: 网上办}
body:
  - 正文。
""", encoding="utf-8")
    result = make_next_year(source, tmp_path / "out.yaml")
    data = yaml.safe_load(result.text)
    assert '"2023年工作总结"' in result.text            # quoting style kept
    assert data["meta"]["doc_number"] is None and data["meta"]["date"] is None
    assert data["previous"] == "报告.yaml"
    assert data["figures"] == {"名次": {"unconfirmed": "全省第一"},
                               "网上办": {"from": "数据.xlsx", "cell": "B3"},
                               "增幅": {"growth_text": "网上办"}}
    assert "请确认表格已更新为2023年数据" in result.text
    assert "2022年为 全省第一" in result.text
    assert next_year_path(source, 2022) == tmp_path / "报告-2023.yaml"


def test_missing_year_is_a_located_error(tmp_path):
    source = tmp_path / "x.yaml"
    source.write_text("meta:\n  title: 报告\nbody:\n  - 正文。\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        make_next_year(source)
    assert info.value.location.path == "meta.year" and info.value.location.line == 1


def run_command(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    next_year_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["next-year", *argv])
    return args.run(args)


def test_command(seed, capsys):
    assert run_command(str(seed)) == 0
    out = capsys.readouterr().out
    assert "已生成 2023 年的数据文件" in out and "待确认的数字：84 项" in out
    assert run_command(str(seed)) == 2
    assert "已经存在" in capsys.readouterr().err
    assert run_command(str(seed), "--force") == 0


YEARS = """\
meta:
  title: 某县2023年法治政府建设工作要点（2024年版）
  issuer: 某县人民政府
  year: 2023
  date: 2024-01-05
  attachments:
    - name: 2023年重点任务分解表
      body: [2023年完成的任务。]
figures:
  件数: 12
body:
  - 2023年以来，我县完成{{ figures.件数 }}件，比2022年增加，2019年以来累计更多。
  - heading: 2024年工作安排
    body:
      - 落实《规划（2021—2025年）》，2023年至2024年分步实施，见{{ figures.件数 }}。
"""


def test_this_years_mentions_advanced_everywhere(tmp_path):
    source = tmp_path / "2023.yaml"
    source.write_text(YEARS, encoding="utf-8")
    result = make_next_year(source, tmp_path / "2024.yaml")
    data = yaml.safe_load(result.text)
    assert data["meta"]["title"] == "某县2024年法治政府建设工作要点（2025年版）"
    attachment = data["meta"]["attachments"][0]
    assert attachment["name"] == "2024年重点任务分解表" and attachment["body"] == ["2024年完成的任务。"]
    assert data["body"][0].startswith("2024年以来") and "比2022年增加，2019年以来" in data["body"][0]
    assert data["body"][1]["heading"] == "2025年工作安排"
    assert data["body"][1]["body"][0] == "落实《规划（2021—2025年）》，2023年至2024年分步实施，见{{ figures.件数 }}。"
    assert data["meta"]["date"] is None and data["meta"]["year"] == 2024
    assert result.advanced == 6


def test_running_twice_does_not_stack(seed, tmp_path):
    first, _ = write_next_year(seed)
    second, result = write_next_year(first)
    a, b = first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")
    for mark in ("上年数值，待确认", "TODO 请填写", "以下正文沿用", "由 docgen next-year", "请核对标题",
                 "上一年（"):
        assert b.count(mark) == a.count(mark), mark
    assert "{unconfirmed: {unconfirmed" not in b and "{unconfirmed: 97.7}" in b
    assert yaml.safe_load(b)["meta"]["title"] == "2024年如东县法治政府建设情况报告"
    assert result.year == 2024 and len(result.carried) == 84


def test_check_flags_the_years_left(tmp_path):
    from docgen.check import check_file

    source = tmp_path / "2023.yaml"
    source.write_text(YEARS, encoding="utf-8")
    target, _ = write_next_year(source)
    found = [f for f in check_file(target) if f.rule == "year-mention"]
    years = sorted(f.text for f in found)
    assert len(found) == 2, found
    assert any("2022年" in t for t in years) and any("2019年" in t for t in years)
    assert all("2024年" in f.message for f in found)
