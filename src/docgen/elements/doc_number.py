"""发文字号 validation: 机关代字〔年份〕序号号 (GB/T 9704 §7.2.4).

``check_doc_number(text)`` is pure: it returns None when the number is in the
standard's form, else a ``Problem`` with a Chinese message and a fix that
shows the corrected number where it can be worked out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VALID = re.compile(r"^(?P<code>[\u3400-\u9fff]+)〔(?P<year>\d{4})〕(?P<serial>[1-9]\d*)号$")
# anything that looks like code, bracketed year, serial, 号 — with the usual mistakes
_LOOSE = re.compile(
    r"^\s*(?P<code>[\u3400-\u9fff]+)\s*"
    r"(?P<open>[〔\[［(（【〈<《{｛]?)\s*(?P<year>\d{2,4})\s*(?P<close>[〕\]］)）】〉>》}｝]?)\s*"
    r"(?P<di>第?)\s*(?P<serial>\d+)\s*(?P<hao>号?)\s*$")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a 发文字号 or 令号 (Chinese message) and how to fix it."""

    message: str
    fix: str


@dataclass(frozen=True)
class DocNumber:
    """The parts of a valid 发文字号: 机关代字, 年份 and 序号."""

    code: str  # 机关代字, e.g. 东政发
    year: int
    serial: int


def parse_doc_number(text: str) -> DocNumber | None:
    """The parts of a valid 发文字号, or None."""
    m = VALID.match(text)
    return DocNumber(m["code"], int(m["year"]), int(m["serial"])) if m else None


def check_doc_number(text: str) -> Problem | None:
    """None if ``text`` is 机关代字〔年份〕序号号; else what is wrong and how to fix it."""
    if VALID.match(text):
        return None
    form = "发文字号的格式是 机关代字〔年份〕序号号，如 东政发〔2023〕12号"
    m = _LOOSE.match(text)
    if not m:
        return Problem(f"发文字号 “{text}” 的格式不对。", f"{form}。")
    faults: list[str] = []
    if (m["open"], m["close"]) != ("〔", "〕"):
        faults.append("年份要用六角括号〔〕括起来（不是方括号、圆括号或【】）")
    if len(m["year"]) != 4:
        faults.append("年份要写全四位，如 2023，不能简写为 23")
    if m["di"]:
        faults.append("序号前不加“第”")
    if m["serial"].startswith("0"):
        faults.append("序号不编虚位（写 1，不写 01 或 001）")
    if not m["hao"]:
        faults.append("序号后要加“号”")
    if int(m["serial"]) == 0:
        return Problem(f"发文字号 “{text}” 的序号不能是 0。", f"{form}。")
    year = m["year"] if len(m["year"]) == 4 else None
    suggestion = f"{m['code']}〔{year}〕{int(m['serial'])}号" if year else None
    fix = "；".join(faults) or form
    if suggestion:
        fix += f"。应写作：{suggestion}"
    return Problem(f"发文字号 “{text}” 不符合 GB/T 9704 的写法。", fix + "。")


ORDER_NUMBER = re.compile(r"^第[1-9]\d*号$")


def check_order_number(text: str) -> Problem | None:
    """令号 of a 命令: ``第12号`` (no leading zeros)."""
    if ORDER_NUMBER.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    fix = "令号写成 第12号 这样的形式"
    if digits and int(digits) > 0:
        fix += f"，应写作：第{int(digits)}号"
    return Problem(f"令号 “{text}” 的格式不对。", fix + "。")
