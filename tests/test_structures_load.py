"""The loader for attachments, body structures, 主送 groups and forced title lines:
what each new piece of syntax becomes, and the located Chinese message for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.errors import DataErrors
from docgen.load import load_document
from docgen.model import Enumeration, Heading, Table

HEAD = """template: notice
meta:
  title: 测试县人民政府关于做好2023年防汛工作的通知
  issuer: 测试县人民政府
  year: 2023
  date: 2023-03-13
"""


def load(tmp_path: Path, meta: str = "", body: str = "body:\n  - 正文。\n", extra: str = ""):
    path = tmp_path / "data.yaml"
    path.write_text(HEAD + meta + extra + body, encoding="utf-8")
    return path, load_document(path).document


def test_recipient_groups(tmp_path: Path) -> None:
    _, doc = load(tmp_path, "  recipients:\n    - [各乡镇人民政府, 街道办事处]\n    - 区直属有关单位\n")
    assert doc.meta.recipient_groups == (("各乡镇人民政府", "街道办事处"), ("区直属有关单位",))
    assert doc.meta.recipients == ("各乡镇人民政府", "街道办事处", "区直属有关单位")
    _, flat = load(tmp_path, "  recipients: [甲, 乙]\n")
    assert flat.meta.recipient_groups == (("甲", "乙"),)


def test_forced_title_lines(tmp_path: Path) -> None:
    _, doc = load(tmp_path, extra="", meta="")
    assert doc.meta.title_breaks == ()
    path = tmp_path / "t.yaml"
    path.write_text(HEAD.replace("  title: 测试县人民政府关于做好2023年防汛工作的通知\n",
                                 "  title:\n    - 测试县人民政府\n    - 关于做好{{ figures.年 }}年防汛工作的通知\n")
                    + "figures:\n  年: 2023\nbody: [正文。]\n", encoding="utf-8")
    meta = load_document(path).document.meta
    assert meta.title == "测试县人民政府关于做好2023年防汛工作的通知"
    assert meta.title_breaks == ("测试县人民政府", "关于做好2023年防汛工作的通知")


def test_attachment_body_is_a_body_tree(tmp_path: Path) -> None:
    _, doc = load(tmp_path, "  attachments:\n    - name: 任务分解表\n      issued: false\n      body:\n"
                            "        - heading: 总体要求\n          body: [\"共{{ figures.件 }}项。\"]\n"
                            "      table: {header: [序号, 任务], rows: [[1, 修订预案]]}\n"
                            "    - 联系人名单\n", extra="figures:\n  件: 12\n")
    first, second = doc.meta.attachments
    assert isinstance(first.body[0], Heading) and first.body[0].children[0].text == "共12项。"
    assert isinstance(first.body[-1], Table) and first.body[-1].rows == (("1", "修订预案"),)
    assert first.bound and not second.bound and not first.issued


def test_enumeration_forms(tmp_path: Path) -> None:
    _, doc = load(tmp_path, body="body:\n  - heading: 压实责任。\n    text: 成立专班。\n    enumerate: [甲；, 乙。]\n"
                                 "  - text: 主要做法：\n    enumerate: [调解；, 复议。]\n"
                                 "  - text: 问题如下。\n    enumerate: [甲, 乙]\n    inline: false\n")
    run_in, lead, separate = doc.body
    assert run_in.run_in and run_in.enumeration == ("甲；", "乙。")
    assert isinstance(lead, Enumeration) and lead.inline and lead.lead == "主要做法："
    assert not separate.inline and separate.lead == "问题如下。"


def test_run_on_numbering(tmp_path: Path) -> None:
    _, doc = load(tmp_path, extra="numbering:\n  continue: {3: 1}\n")
    assert doc.numbering.run_on == ((3, 1),)


@pytest.mark.parametrize(("meta", "body", "extra", "message", "where"), [
    ("", "body: [正文。]\n", "numbering:\n  continue: {3: 3}\n", "continue 中的 3: 3 无效", "numbering.continue"),
    ("  attachments:\n    - name: 工作要点\n      issued: true\n", "body: [正文。]\n", "",
     "印发的文件（issued: true）要随文印出，但这里没有正文", "meta.attachments[0].issued"),
    ("  attachments:\n    - name: 工作要点\n      body:\n        - foo: 1\n", "body: [正文。]\n", "",
     "无法识别", "meta.attachments[0].body[0]"),
    ("  attachments:\n    - name: 统计表\n      table: [[项目], [甲]]\n", "body: [正文。]\n", "",
     "附件表格的写法与正文表格相同", "meta.attachments[0].table"),
    ("", "body:\n  - heading: 标题\n    enumerate: []\n", "", "列举（enumerate）应当是一个非空列表",
     "body[0].enumerate"),
    ("  attachments:\n    - name: 统计表\n      numbering: {continue: 5}\n      body: [正文。]\n",
     "body: [正文。]\n", "", "continue 应当是", "meta.attachments[0].numbering.continue"),
])
def test_mistakes_are_located(tmp_path: Path, meta: str, body: str, extra: str, message: str,
                              where: str) -> None:
    with pytest.raises(DataErrors) as caught:
        load(tmp_path, meta, body, extra)
    described = caught.value.describe() if hasattr(caught.value, "describe") else str(caught.value)
    assert message in described and where in described, described


def test_attachment_title_lines_forced_by_the_data(tmp_path: Path) -> None:
    _, doc = load(tmp_path, "  attachments:\n    - name: [2023年度防汛防旱, 重点工作任务分解表]\n"
                            "      body: [正文。]\n")
    (attachment,) = doc.meta.attachments
    assert attachment.name == "2023年度防汛防旱重点工作任务分解表"
    assert attachment.title_lines == ("2023年度防汛防旱", "重点工作任务分解表")
