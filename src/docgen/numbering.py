"""Section numbering: a pure pass over the document tree.

Takes the body (``model.Node`` tree) and ``NumberingRules``; returns a flat
list of ``Block`` values, each paragraph of the body with its computed number
(一、 （一） 1. （1） 一是 …).  The .docx and the PDF both come from these
blocks, so they can never disagree about a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docgen.model import Enumeration, Heading, Node, NumberingRules, Paragraph, Table

_DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_numeral(n: int) -> str:
    """Chinese numeral for 1 ≤ n ≤ 99999 as used in headings: 十一, 二十二, 一百零一."""
    if n <= 0 or n >= 100_000:
        raise ValueError(f"chinese_numeral supports 1..99999, got {n}")
    if n >= 10_000:
        high, rest = divmod(n, 10_000)
        tail = "" if rest == 0 else ("零" if rest < 1000 else "") + chinese_numeral(rest)
        return _DIGITS[high] + "万" + tail
    out: list[str] = []
    pending_zero = False
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            if pending_zero:
                out.append("零")
                pending_zero = False
            out.append(_DIGITS[digit] + unit)
        elif out:
            pending_zero = True
    if n:
        if pending_zero:
            out.append("零")
        out.append(_DIGITS[n])
    text = "".join(out)
    # 一十 → 十 only at the very start (十一, not 一十一; but 一百一十).
    return text[1:] if text.startswith("一十") else text


def format_number(pattern: str, n: int) -> str:
    """Fill a numbering pattern: ``{cn}`` Chinese numeral, ``{n}`` Arabic."""
    return pattern.replace("{cn}", chinese_numeral(n)).replace("{n}", str(n))


@dataclass(frozen=True)
class Block:
    """One paragraph of the numbered body, as the template sees it.

    kind: "heading" (standalone), "run_in" (heading sentence + text in one
    paragraph), "paragraph", "enumeration" or "table".  ``number`` is the
    computed label ("" for plain paragraphs); ``heading`` the heading sentence;
    ``text`` the body text that follows it (or the paragraph's text).

    A "table" block carries the ``model.Table`` in ``table``, its caption in
    ``heading`` and in ``text`` the marker (``table_marker``) of the paragraph
    that ``elements.body_table`` replaces with the real Word table.
    """

    kind: str
    level: int  # 1–4 for headings, 0 otherwise
    number: str
    heading: str
    text: str
    table: Table | None = None

    @property
    def label(self) -> str:
        """Number and heading as printed: "一、工作成效"."""
        return f"{self.number}{self.heading}"


def table_marker(n: int) -> str:
    """Text of the placeholder paragraph of the ``n``-th body table (1-based)."""
    return f"〔docgen表格{n}〕"


class _Counters:
    def __init__(self, rules: NumberingRules):
        self.rules = rules
        self.counts = [0, 0, 0, 0]

    def next(self, level: int) -> str:
        index = level - 1
        self.counts[index] += 1
        for deeper in range(index + 1, 4):
            if deeper + 1 not in self.rules.continue_levels:
                self.counts[deeper] = 0
        return format_number(self.rules.formats[index], self.counts[index])


def number_blocks(body: Sequence[Node], rules: NumberingRules) -> list[Block]:
    """Flatten and number the body tree."""
    counters = _Counters(rules)
    blocks: list[Block] = []

    def walk(nodes: Sequence[Node]) -> None:
        for node in nodes:
            if isinstance(node, Paragraph):
                blocks.append(Block("paragraph", 0, "", "", node.text))
            elif isinstance(node, Enumeration):
                labels = [format_number(rules.enumeration, i)
                          for i in range(1, len(node.entries) + 1)]
                if node.inline:
                    text = "".join(f"{lab}{entry}" for lab, entry in zip(labels, node.entries, strict=True))
                    blocks.append(Block("paragraph", 0, "", "", text))
                else:
                    blocks.extend(Block("enumeration", 0, lab, "", entry)
                                  for lab, entry in zip(labels, node.entries, strict=True))
            elif isinstance(node, Heading):
                number = counters.next(node.level)
                kind = "run_in" if node.run_in else "heading"
                blocks.append(Block(kind, node.level, number, node.title, node.text or ""))
                walk(node.children)
            elif isinstance(node, Table):
                tables = sum(b.kind == "table" for b in blocks) + 1
                blocks.append(Block("table", 0, "", node.caption or "", table_marker(tables), node))
            else:  # pragma: no cover - the loader only builds these kinds
                raise TypeError(f"unknown node {node!r}")

    walk(body)
    return blocks
