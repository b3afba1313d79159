"""The body of a 公文: headings at four levels, run-in headings, enumerations, tables.

Takes the body's blocks and a Report; returns the ``body:`` list of a docgen
data file (plain str / dict values) and the ``numbering:`` rules the source
followed.  A heading's level comes, in this order, from its hand-typed number
(一、 （一） 1. （1） and their wrong forms), from Word automatic numbering
(the label Word shows, or the list level), or from its outline level or
heading style; the number itself is removed (docgen computes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docgen.importer.numbers import (
    auto_label_level,
    enumeration_label,
    heading_number,
    split_inline_enumeration,
)
from docgen.importer.report import CORRECTED, DROPPED, UNCERTAIN, Report
from docgen.importer.source import Block, Para, TableBlock

RUN_IN_MAX = 30  # a first sentence this long or shorter can be a run-in heading
CLAUSE_MAX = 20  # else its first clause, when this short
STANDALONE_MAX = 40
_SENTENCE_END = "。！？；!?"
_CLAUSE_END = "，,"
_HEADING_STYLES = {"一级标题": 1, "二级标题": 2, "三级标题": 3, "四级标题": 4}
KIND_NAMES = {"heading": "标题", "run_in": "段首标题", "paragraph": "段落", "enumeration": "列举",
              "table": "表格"}


@dataclass
class Item:
    """One recognised body paragraph (or table) before the tree is built."""

    kind: str  # heading, run_in, paragraph, enumeration, inline_enumeration, table
    index: int
    level: int = 0
    title: str = ""
    text: str = ""
    entries: list[str] = field(default_factory=list)
    table: dict[str, Any] | None = None
    written: int | None = None  # the number the source wrote (for the numbering rules)
    merged: list[int] = field(default_factory=list)  # further paragraphs of an enumeration


def _style_level(p: Para) -> tuple[int | None, bool]:
    """(level, certain) from a docgen heading style, a Word heading style or the outline level."""
    for name, level in _HEADING_STYLES.items():
        if p.style.startswith(name):
            return level, True
    if p.outline is not None and 0 <= p.outline <= 8:
        return min(p.outline + 1, 4), False
    return None, False


def split_run_in(text: str) -> tuple[str, str | None, bool]:
    """Heading text → (heading sentence, following text or None, certain)."""
    text = text.strip()
    ends = [i for i, ch in enumerate(text) if ch in _SENTENCE_END]
    first = ends[0] if ends else None
    if first is None:
        if len(text) <= STANDALONE_MAX:
            return text, None, True
        clause = next((i for i, ch in enumerate(text) if ch in _CLAUSE_END), None)
        if clause is not None and clause + 1 <= CLAUSE_MAX:
            return text[:clause + 1], text[clause + 1:], False
        return text, None, False
    if first == len(text) - 1:  # one sentence
        if first + 1 <= RUN_IN_MAX:
            return text, None, True
        clause = next((i for i, ch in enumerate(text) if ch in _CLAUSE_END), None)
        if clause is not None and clause + 1 <= CLAUSE_MAX:
            return text[:clause + 1], text[clause + 1:], True
        return text[:first + 1], None, False
    if first + 1 <= RUN_IN_MAX:
        return text[:first + 1], text[first + 1:], True
    clause = next((i for i, ch in enumerate(text[:first]) if ch in _CLAUSE_END), None)
    if clause is not None and clause + 1 <= CLAUSE_MAX:
        return text[:clause + 1], text[clause + 1:], True
    return text[:first + 1], text[first + 1:], False


def _classify(p: Para, report: Report) -> Item | None:
    text = p.text.strip()
    if not text:
        return None
    number = heading_number(text)
    style_level, style_certain = _style_level(p)
    level: int | None = None
    written = None
    lead = p.lead
    if number is not None:
        level, written, body = number.level, number.value, number.rest
        if not number.standard:
            report.add(CORRECTED, p.index, f"编号 “{number.label}” 不是标准写法，由 docgen 按层级重新编号")
        if lead.startswith(number.label):
            lead = lead[len(number.label):].strip()
        elif lead and text.startswith(lead) and len(lead) <= len(number.label):
            lead = ""
    elif p.auto_label:
        body = text
        level = auto_label_level(p.auto_label)
        if level is None:
            level = min((p.auto_level or 0) + 1, 4)
            report.add(UNCERTAIN, p.index, f"自动编号 “{p.auto_label}” 的层级按列表级别定为第 {level} 层")
        written = None
    elif style_level is not None and len(text) <= 60:
        level, body = style_level, text
        if not style_certain:
            report.add(UNCERTAIN, p.index, f"没有编号的标题，按大纲级别/标题样式定为第 {level} 层")
    else:
        return _prose(p, text, report)
    if style_level is not None and style_certain and style_level != level and number is not None:
        report.add(UNCERTAIN, p.index, f"编号 “{number.label}” 是第 {level} 层，样式却是第 {style_level} 层标题；按编号")
    if lead and body.startswith(lead) and len(body) > len(lead):
        return Item("run_in", p.index, level, title=lead, text=body[len(lead):], written=written)
    heading_style = style_level is not None and style_certain
    if heading_style and not lead:
        return Item("heading", p.index, level, title=body, written=written)
    title, rest, certain = split_run_in(body)
    if not certain:
        report.add(UNCERTAIN, p.index, f"段首标题的标题句按规则定为 “{title[:30]}”，请核对")
    if rest is None or not rest.strip():
        return Item("heading", p.index, level, title=title, written=written)
    return Item("run_in", p.index, level, title=title, text=rest, written=written)


def _prose(p: Para, text: str, report: Report) -> Item:
    inline = split_inline_enumeration(text)
    if inline is not None:
        return Item("inline_enumeration", p.index, entries=inline)
    label = enumeration_label(text)
    if label is not None:
        return Item("enumeration", p.index, entries=[label[1]], written=label[0])
    return Item("paragraph", p.index, text=text)


def _table_item(t: TableBlock, caption: str | None, report: Report) -> Item | None:
    rows = [[c.replace("\n", "") for c in row] for row in t.rows if row]
    width = max((len(r) for r in rows), default=0)
    if len(rows) < 2 or width == 0:
        report.add(DROPPED if not rows else UNCERTAIN, t.index,
                   "只有一行的表格，作为段落导入" if rows else "空表格")
        return Item("paragraph", t.index, text="　".join(rows[0])) if rows else None
    if any(len(r) != width for r in rows):
        report.add(UNCERTAIN, t.index, "表格有合并单元格，各行补足为相同的格数")
        rows = [r + [""] * (width - len(r)) for r in rows]
    table: dict[str, Any] = {}
    if caption:
        table["caption"] = caption
    table["header"] = rows[0]
    table["rows"] = rows[1:]
    return Item("table", t.index, table=table)


def classify(blocks: list[Block], report: Report) -> list[Item]:
    items: list[Item] = []
    for k, b in enumerate(blocks):
        if isinstance(b, TableBlock):
            caption = None
            if items and items[-1].kind == "paragraph" and k > 0 and isinstance(blocks[k - 1], Para) \
                    and (blocks[k - 1].style == "表格标题" or (blocks[k - 1].align == "center"
                                                             and len(items[-1].text) <= 40)):
                caption = items.pop().text
            item = _table_item(b, caption, report)
            if item:
                items.append(item)
            continue
        for note in b.notes:
            report.add(DROPPED if "未导入" in note else CORRECTED, b.index, note)
        if b.toc:
            report.add(DROPPED, b.index, f"目录（TOC 域）“{b.text[:20]}”：docgen 的公文不带目录",
                       role="dropped")
            continue
        if not b.text.strip():
            continue
        item = _classify(b, report)
        if item is not None:
            items.append(item)
    final = _group_enumerations(items, report)
    tables = 0
    for item in final:
        role = f"{item.kind} {item.level}" if item.level else item.kind
        if item.kind == "table":
            tables += 1
            report.role(f"表{tables}", "table")
            continue
        for index in (item.index, *item.merged):
            report.role(index, role)
    return final


def _group_enumerations(items: list[Item], report: Report) -> list[Item]:
    """Consecutive 一是… 二是… paragraphs → one enumeration; a lone one stays a paragraph."""
    out: list[Item] = []
    for item in items:
        if item.kind == "enumeration":
            prev = out[-1] if out else None
            if prev is not None and prev.kind == "enumeration" and item.written == len(prev.entries) + 1:
                prev.entries.extend(item.entries)
                prev.merged.append(item.index)
                continue
            if item.written != 1:
                report.add(UNCERTAIN, item.index, "列举不是从“一是”开始，作为普通段落导入")
                out.append(Item("paragraph", item.index, text=_enum_text(item)))
                continue
        out.append(item)
    final: list[Item] = []
    for item in out:
        if item.kind == "enumeration" and len(item.entries) == 1:
            report.add(UNCERTAIN, item.index, "只有“一是”没有“二是”，作为普通段落导入")
            final.append(Item("paragraph", item.index, text=_enum_text(item)))
        else:
            final.append(item)
    return final


def _enum_text(item: Item) -> str:
    from docgen.numbering import chinese_numeral  # noqa: PLC0415

    return f"{chinese_numeral(item.written or 1)}是{item.entries[0]}"


def _simulate(items: list[Item], reset: dict[int, int]) -> list[tuple[Item, int]]:
    """(heading, computed number) when level L restarts only under a heading of level ≤ reset[L]."""
    counts = [0] * 5
    out: list[tuple[Item, int]] = []
    for item in items:
        if item.kind not in ("heading", "run_in"):
            continue
        counts[item.level] += 1
        for deeper in range(item.level + 1, 5):
            if item.level <= reset.get(deeper, deeper - 1):
                counts[deeper] = 0
        out.append((item, counts[item.level]))
    return out


def numbering_rules(items: list[Item], report: Report) -> dict[str, Any] | None:
    """How the source numbers levels 2–4: restarting under each parent (the default), running on
    through the document (``continue: [3]``) or restarting only under a higher level
    (``continue: {3: 1}``) — whichever matches the numbers the source wrote best."""
    reset: dict[int, int] = {}
    for level in (2, 3, 4):
        best: tuple[int, int] | None = None  # (mismatches, reset level)
        for candidate in range(level - 1, -1, -1):  # the default first: it wins ties
            trial = {**reset, level: candidate}
            misses = sum(1 for item, n in _simulate(items, trial)
                         if item.level == level and item.written is not None and item.written != n)
            if best is None or misses < best[0]:
                best = (misses, candidate)
        if best is not None and best[1] != level - 1:
            reset[level] = best[1]
    for item, n in _simulate(items, reset):
        if item.written is not None and item.written != n:
            report.add(CORRECTED, item.index,
                       f"原文编号为 {item.written}，按顺序应为 {n}，已由 docgen 重新编号")
    if not reset:
        return None
    if all(v == 0 for v in reset.values()):
        return {"continue": sorted(reset)}
    through = [level for level, r in reset.items() if r == 0]
    if through:
        report.add(UNCERTAIN, None, f"第 {'、'.join(map(str, through))} 层全文连续编号，与其他层的规则无法同时写出，"
                                    "按在上级下重新编号处理")
    return {"continue": {level: r for level, r in sorted(reset.items()) if r}}


def build_tree(items: list[Item]) -> list[Any]:
    """Nest the items under their headings: docgen's ``body:`` list."""
    root: list[Any] = []
    stack: list[tuple[int, dict[str, Any]]] = []

    def container() -> list[Any]:
        if not stack:
            return root
        return stack[-1][1].setdefault("body", [])

    for item in items:
        if item.kind in ("heading", "run_in"):
            while stack and stack[-1][0] >= item.level:
                stack.pop()
            parent_level = stack[-1][0] if stack else 0
            node: dict[str, Any] = {"heading": item.title}
            if item.level != parent_level + 1:
                node["level"] = item.level
            if item.kind == "run_in":
                node["text"] = item.text
            container().append(node)
            stack.append((item.level, node))
        elif item.kind == "paragraph":
            container().append(item.text)
        elif item.kind == "enumeration":
            container().append({"enumerate": list(item.entries)})
        elif item.kind == "inline_enumeration":
            container().append({"enumerate": list(item.entries), "inline": True})
        elif item.kind == "table":
            container().append({"table": item.table})
    return root
