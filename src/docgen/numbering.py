"""Section numbering: a pure pass over the document tree.

Takes the body (``model.Node`` tree) and ``NumberingRules``; returns a flat
list of ``Block`` values, each paragraph of the body with its computed number
(一、 （一） 1. （1） 一是 …).  The .docx and the PDF both come from these
blocks, so they can never disagree about a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docgen.model import Attachment, Enumeration, Heading, Node, NumberingRules, Paragraph, Table

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
            if self.rules.restarts(deeper + 1, level):
                self.counts[deeper] = 0
        return format_number(self.rules.formats[index], self.counts[index])


def inline_enumeration(entries: Sequence[str], rules: NumberingRules) -> str:
    """一是……二是…… run together in one paragraph."""
    return "".join(f"{format_number(rules.enumeration, i)}{entry}"
                   for i, entry in enumerate(entries, start=1))


def number_blocks(body: Sequence[Node], rules: NumberingRules, *, tables_before: int = 0) -> list[Block]:
    """Flatten and number the body tree.

    ``tables_before`` is how many body tables come earlier in the .docx (the main
    body's, for an attachment), so that every table marker is unique.
    """
    counters = _Counters(rules)
    blocks: list[Block] = []
    tables = tables_before

    def walk(nodes: Sequence[Node]) -> None:
        nonlocal tables
        for node in nodes:
            if isinstance(node, Paragraph):
                blocks.append(Block("paragraph", 0, "", "", node.text))
            elif isinstance(node, Enumeration):
                if node.inline:
                    text = (node.lead or "") + inline_enumeration(node.entries, rules)
                    blocks.append(Block("paragraph", 0, "", "", text))
                    continue
                if node.lead:
                    blocks.append(Block("paragraph", 0, "", "", node.lead))
                blocks.extend(Block("enumeration", 0, format_number(rules.enumeration, i), "", entry)
                              for i, entry in enumerate(node.entries, start=1))
            elif isinstance(node, Heading):
                number = counters.next(node.level)
                kind = "run_in" if node.run_in else "heading"
                text = (node.text or "") + inline_enumeration(node.enumeration, rules)
                blocks.append(Block(kind, node.level, number, node.title, text))
                walk(node.children)
            elif isinstance(node, Table):
                tables += 1
                blocks.append(Block("table", 0, "", node.caption or "", table_marker(tables), node))
            else:  # pragma: no cover - the loader only builds these kinds
                raise TypeError(f"unknown node {node!r}")

    walk(body)
    return blocks


def number_attachments(attachments: Sequence[Attachment], rules: NumberingRules,
                       tables_before: int) -> list[list[Block]]:
    """The numbered body of each attachment (empty for one sent separately).

    Numbering restarts inside each attachment (its own rules, else the
    document's); table markers go on from the ``tables_before`` of the main body.
    """
    out: list[list[Block]] = []
    for attachment in attachments:
        blocks = number_blocks(attachment.body, attachment.numbering or rules,
                               tables_before=tables_before)
        tables_before += sum(b.kind == "table" for b in blocks)
        out.append(blocks)
    return out
