"""Hand-typed heading numbers and 一是/二是 labels: recognise, value and strip them.

Pure functions.  ``heading_number(text)`` finds 一、 （一） 1. （1） at the
start of a paragraph, and their common wrong forms (1、 1． (一) 一. 一，
（1）、 …), and returns the level, the number's value, whether the form was
the standard one, and the text without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "〇零一二三四五六七八九"
_CN = "一二三四五六七八九十百零〇两"

_PATTERNS: tuple[tuple[int, re.Pattern[str], str], ...] = (
    (1, re.compile(rf"^(?P<n>[{_CN}]{{1,4}})\s*(?P<sep>[、.．:：\s])\s*"), "、"),
    (2, re.compile(rf"^(?P<open>[（(])\s*(?P<n>[{_CN}]{{1,4}})\s*(?P<close>[）)])\s*(?P<sep>[、.．]?)\s*"),
     ""),
    (3, re.compile(r"^(?P<n>\d{1,3})\s*(?P<sep>[.．、](?=\d{4}\s*年|\D))\s*"), "."),
    (4, re.compile(r"^(?P<open>[（(])\s*(?P<n>\d{1,3})\s*(?P<close>[）)])\s*(?P<sep>[、.．]?)\s*"), ""),
)
_ENUM = re.compile(rf"^(?P<n>[{_CN}]{{1,3}})是")


def cn_value(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零一 → 101; None if not a numeral."""
    text = text.replace("两", "二").replace("〇", "零")
    if not text or any(ch not in "零一二三四五六七八九十百" for ch in text):
        return None
    digits = {ch: i for i, ch in enumerate("零一二三四五六七八九")}
    total = 0
    current = 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
    total += current
    return total or None


@dataclass(frozen=True)
class Number:
    level: int
    value: int
    label: str  # the number as written, with its punctuation
    standard: bool  # written in the GB/T 9704 form (一、 （一） 1. （1）)
    rest: str  # the text after the number


def heading_number(text: str) -> Number | None:
    for level, pattern, _sep in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        raw = m["n"]
        value = int(raw) if raw.isdigit() else cn_value(raw)
        if not value:
            continue
        rest = text[m.end():]
        if not rest.strip():
            continue
        sep = m["sep"]
        if level == 1 and sep.isspace() and len(raw) == 1 and raw in "一两":
            continue  # “一 个” is prose, not a number
        if level == 1 and rest.startswith("是"):
            continue
        if re.match(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*(?:季度|月份|月|日|号)", rest):
            continue  # “一、二季度……” “1、2月份……” list numbers of months; not headings
        label = m.group(0).strip()
        standard = {1: label == f"{raw}、",
                    2: label == f"（{raw}）",
                    3: label == f"{raw}.",
                    4: label == f"（{raw}）"}[level]
        return Number(level, value, label, standard, rest.strip())
    return None


def enumeration_label(text: str) -> tuple[int, str] | None:
    """“三是……” → (3, “……”)."""
    m = _ENUM.match(text)
    if not m:
        return None
    value = cn_value(m["n"])
    if not value:
        return None
    return value, text[m.end():]


def split_inline_enumeration(text: str) -> list[str] | None:
    """“一是甲；二是乙。” → [甲；, 乙。] when the labels run 一是, 二是, … in order (at least two)."""
    if not text.startswith("一是"):
        return None
    from docgen.numbering import chinese_numeral  # noqa: PLC0415

    cuts = [0]
    n = 2
    pos = 2
    while True:
        label = f"{chinese_numeral(n)}是"
        found = text.find(label, pos)
        if found < 0:
            break
        # a label starts a clause: after punctuation
        if found > 0 and text[found - 1] not in "；;，,。：:！？ ":
            pos = found + 1
            continue
        cuts.append(found)
        pos = found + len(label)
        n += 1
    if len(cuts) < 2:
        return None
    entries = []
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        label_len = len(f"{chinese_numeral(i + 1)}是")
        entries.append(text[start + label_len:end])
    return entries


def auto_label_level(label: str) -> int | None:
    """The level a Word automatic-numbering label stands for: “一、” → 1, “（1）” → 4."""
    number = heading_number(f"{label}x")
    return number.level if number else None
