"""Numbers in the prose → named figures referenced from the text.

Takes the ``body:`` list; replaces, in place, every statistic in its text
(a number followed by a unit or %: 136件, 97.7%, 2000余名, 1.2亿元) by
``{{ figures.名称 }}`` and returns the figures in order of appearance, each
named from the words before it (or after it) and carrying its sentence for
the YAML comment.  Years (2022年), dates (5月底), ordinals (第3号), numbers
inside names (12345热线) stay text.  Every occurrence is its own figure: two
equal values are never merged, since next year they may differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

UNITS = ("平方公里", "平方米", "公里", "千米", "小时", "分钟", "场次", "人次", "户次", "个百分点",
         "%", "％", "‰", "万", "亿", "千", "件", "项", "个", "人", "名", "次", "场", "支", "条", "起",
         "元", "家", "户", "所", "处", "批", "类", "篇", "期", "天", "周", "米", "亩", "吨", "倍",
         "辆", "座", "套", "台", "本", "份", "部", "位", "岁", "村", "届", "栋", "间", "册", "张",
         "块", "宗", "笔", "轮", "组", "门", "种", "页", "所", "年", "班", "节", "课时", "例", "根",
         "棵", "株", "头", "只", "斤", "公斤", "克", "升", "度", "千瓦", "兆瓦", "分")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_.．%])(\d+(?:\.\d+)?)")
_AFTER = re.compile(r"^\s*(余|多|来|左右)?\s*(" + "|".join(sorted(map(re.escape, UNITS), key=len,
                                                               reverse=True)) + ")")
_CLAUSE_STOP = "，。；：、（）()“”‘’《》〈〉,;:!?！？—\u3000 "
_TRIM_END = ("共计", "共有", "累计", "总计", "合计", "超过", "达到", "不足", "约为", "分别为", "分别",
             "达", "为", "共", "约", "近", "了", "到", "是", "有", "计", "占", "在", "的", "已", "均",
             "逾", "超", "至")
_TRIM_START = ("其中", "全年", "全县", "全市", "全区", "全省", "我县", "我市", "我区", "目前", "截至目前",
               "今年", "去年", "同时", "并", "直接", "共", "已", "累计", "先后", "新", "还", "均", "对")


@dataclass
class Figure:
    name: str
    value: str  # as written: 97.7, 5.10, 21278
    sentence: str  # for the YAML comment


def _is_year(text: str, start: int, end: int, value: str) -> bool:
    if not (len(value) == 4 and value.isdigit() and 1900 <= int(value) <= 2100):
        return False
    after = text[end:end + 2]
    return after.startswith(("年", "-", "—", "–", "~", "～", "至", "〕", "]", "）", ")")) or \
        text[start - 1:start] in "〔[（(—-"


def _sentence(text: str, start: int, end: int) -> str:
    left = max((text.rfind(ch, 0, start) for ch in "。；！？"), default=-1) + 1
    rights = [i for i in (text.find(ch, end) for ch in "。；！？") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    sentence = text[left:right].strip()
    if len(sentence) > 80:
        a = max(0, start - left - 35)
        sentence = ("…" if a else "") + sentence[a:a + 75] + "…"
    return sentence


def _clean(name: str) -> str:
    return "".join(ch for ch in name if ch.isalnum() or ch == "_")


_PARTICLES = "的中了对在将已向从由和与及共"


def _name_before(text: str, start: int) -> str:
    while start > 0 and text[start - 1] == " ":
        start -= 1
    k = start
    if k > 0 and text[k - 1] in "）)":  # “政策解读（图解）78条”: the words before the brackets
        depth = 0
        while k > 0:
            k -= 1
            depth += {"）": 1, ")": 1, "（": -1, "(": -1}.get(text[k], 0)
            if depth == 0:
                break
        start = k
    while k > 0 and text[k - 1] not in _CLAUSE_STOP and not text[k - 1].isdigit() \
            and text[k - 1] not in "%％":
        k -= 1
    name = text[k:start]
    cuts = [i + 1 for i, ch in enumerate(name) if ch in _PARTICLES and len(name) - i - 1 >= 4]
    if cuts:
        name = name[cuts[-1]:]
    changed = True
    while changed and name:
        changed = False
        for w in _TRIM_END:
            if name.endswith(w) and len(name) > len(w) + 1:
                name, changed = name[:-len(w)], True
        for w in _TRIM_START:
            if name.startswith(w) and len(name) > len(w) + 1:
                name, changed = name[len(w):], True
    name = _clean(name)
    name = re.sub(r"^[\d年月日号]+(?:以来|来)?", "", name)  # what is left of “2022年”, “3年来”
    name = re.sub(r"^(?:我县|我市|我区|全县|全市|共有|共|有)", "", name) if len(name) > 4 else name
    return name[-12:]


def _name_after(text: str, end: int) -> str:
    k = end
    while k < len(text) and text[k] not in _CLAUSE_STOP:
        k += 1
    name = text[end:k]
    for w in ("以来", "来", "的", "之", "共"):
        if name.startswith(w):
            name = name[len(w):]
    name = _clean(re.sub(r"\{\{.*?\}\}", "", name))
    return re.sub(r"^\d+", "", name)[:10]


class Namer:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def unique(self, name: str) -> str:
        if not name or not name.isidentifier():
            name = "数字"
        candidate, n = name, 2
        while candidate in self.used:
            candidate = f"{name}{n}"
            n += 1
        self.used.add(candidate)
        return candidate


def extract_text(text: str, namer: Namer, figures: list[Figure]) -> str:
    """One text's statistics → references; figures appended in order."""
    if not re.search(r"\d", text):
        return _escape(text)
    found: list[tuple[int, int, str, str]] = []
    for m in _NUMBER.finditer(text):
        start, end, value = m.start(1), m.end(1), m[1]
        before = text[start - 1:start]
        if before in "第〔[" or (before.isascii() and before.isalpha()):
            continue
        after = _AFTER.match(text[end:])
        if not after or _is_year(text, start, end, value):
            continue
        unit = after[2]
        if unit == "年" and len(value) == 4:
            continue
        if unit == "分" and text[end + after.end():end + after.end() + 1] in "钟之":
            continue
        if len(value) > 1 and value.startswith("0") and "." not in value:
            continue  # 0513: a telephone prefix or a code
        if end < len(text) and text[end] in "-—/:：" and text[end + 1:end + 2].isdigit():
            continue  # 1-2, 3:1, 10/12 are ranges and codes
        base = _name_before(text, start)
        if len(base) < 2:
            base = _name_after(text, end + after.end())
        if unit in ("%", "％") and base and not base.endswith(("率", "比", "比例", "占比", "度")):
            base += "比例"
        elif unit in ("万", "亿"):
            base += unit
        found.append((start, end, namer.unique(base), value))
    out: list[str] = []
    last = 0
    for start, end, name, value in found:
        figures.append(Figure(name, value, _sentence(text, start, end)))
        out.append(_escape(text[last:start]))
        out.append(f"{{{{ figures.{name} }}}}")
        last = end
    out.append(_escape(text[last:]))
    return "".join(out)


def _escape(text: str) -> str:
    """Literal text that Jinja would read as markup ({{, {%, {#) is written as an expression."""
    if not re.search(r"\{[{%#]", text):
        return text
    return text.replace("{", "{{ '{' }}")


_CELL_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)\s*([%％]?)$")
_ORDINAL_HEADERS = ("序号", "编号", "序", "代码", "电话", "年份", "年度", "邮编")


def _table_cell(cell: str, row: list[str], j: int, header: list[str], namer: Namer,
                figures: list[Figure]) -> str:
    """A body-table cell that is one number (12, 97.7%) → a figure named by its row and column."""
    m = _CELL_NUMBER.match(cell.strip())
    column = header[j] if j < len(header) else ""
    if j == 0 or not m or any(w in column for w in _ORDINAL_HEADERS) or \
            (len(m[1]) > 1 and m[1].startswith("0") and "." not in m[1]):
        return _escape(cell)
    name = namer.unique(_clean(row[0])[:10] + _clean(column)[:8])
    figures.append(Figure(name, m[1], f"表格：{row[0]} / {column}"))
    return f"{{{{ figures.{name} }}}}{m[2]}"


def extract(body: list[Any], namer: Namer | None = None) -> list[Figure]:
    """Replace the statistics of every text in ``body`` in place; return the figures in order."""
    namer = namer or Namer()
    figures: list[Figure] = []

    def walk(nodes: list[Any]) -> None:
        for i, node in enumerate(nodes):
            if isinstance(node, str):
                nodes[i] = extract_text(node, namer, figures)
            elif "heading" in node:
                node["heading"] = _escape(node["heading"])
                if "text" in node:
                    node["text"] = extract_text(node["text"], namer, figures)
                walk(node.get("body", []))
            elif "enumerate" in node:
                node["enumerate"] = [extract_text(e, namer, figures) for e in node["enumerate"]]
            elif "table" in node:
                table = node["table"]
                table["header"] = [_escape(c) for c in table["header"]]
                table["rows"] = [[_table_cell(c, row, j, table["header"], namer, figures)
                                  for j, c in enumerate(row)] for row in table["rows"]]
                if "caption" in table:
                    table["caption"] = _escape(table["caption"])

    walk(body)
    return figures
