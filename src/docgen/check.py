"""Proofread the text of a data file (``docgen check``) and apply safe fixes.

Takes a YAML data file; returns :class:`Finding` values, each naming the
place (file, line, column, YAML path), quoting the text, and saying what is
wrong and how to fix it, in Chinese.  The rules follow GB/T 15834 (标点),
GB/T 15835 (数字) and GB/T 9704 (编号、发文字号); ``docs/proofreading.md``
lists them for users.  ``{{ … }}`` figure references are ignored.

Two layers, both pure: :func:`proofread_text` applies the rules to one
string and returns :class:`Issue` values (offsets into that string);
:func:`check_file` walks the YAML with ruamel.yaml, runs the rules on each
prose scalar and turns offsets into file positions.  :func:`fix_file`
applies only the *safe* fixes (half-width punctuation beside Chinese →
full-width, ``2021-2025`` → ``2021—2025``) by editing exactly those
characters in the file's text, so comments, key order, quoting style and
indentation stay byte-for-byte; the result is re-parsed and compared before
it replaces the file atomically.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from docgen.errors import DataError, Location
from docgen.misprints import CN_DIGITS, CN_NUM, cn_to_int, leading_number
from docgen.misprints import NUMBERING as _NUMBERING
from docgen.yaml_source import read_data_text, syntax_error

__all__ = ["RULES", "Finding", "Issue", "check_file", "fix_file", "proofread_text", "read_round_trip"]

PathKey = tuple[str | int, ...]

#: Rule ids (stable, English) and their Chinese names.
RULES: dict[str, str] = {
    "halfwidth-punctuation": "半角标点",
    "suspect-character": "可疑字符",
    "stray-space": "多余空格",
    "repeated-word": "重复字词",
    "unbalanced-bracket": "括号引号不配对",
    "range-hyphen": "范围号",
    "ellipsis-dash": "省略号破折号",
    "date-format": "日期写法",
    "doc-number": "发文字号",
    "hand-numbering": "手工编号",
    "numbering-sequence": "编号不连续",
    "end-punctuation": "段末标点",
    "year-mention": "年份核对",
}

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’…—·"
_HAN = re.compile(f"[{HAN}]")
_CJK = re.compile(f"[{HAN}{FULL_PUNCT}]")
FIGURE_REF = re.compile(r"\{\{.*?\}\}", re.S)
MASK = "\x00"

HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）",
                ".": "。"}

#: Legitimate reduplications that the repeated-word rule must not report.
REDUPLICATION = frozenset([
    "看看", "常常", "人人", "天天", "年年", "月月", "日日", "个个", "处处", "时时", "事事", "家家", "户户", "层层", "步步",
    "条条", "项项", "件件", "样样", "渐渐", "刚刚", "仅仅", "往往", "纷纷", "默默", "稍稍", "多多", "好好", "慢慢", "轻轻",
    "明明", "统统", "代代", "世世", "岁岁", "村村", "镇镇", "级级", "一一", "种种", "重重", "声声", "句句", "字字", "点点",
    "片片", "面面", "节节", "连连", "频频", "屡屡", "切切", "久久", "微微", "暗暗", "匆匆", "恰恰", "偏偏", "白白", "早早",
    "足足", "整整", "悄悄", "牢牢", "紧紧", "深深", "稳稳", "研究研究", "讨论讨论", "学习学习", "商量商量", "考虑考虑", "了解了解",
    "检查检查", "整理整理", "休息休息", "真真", "实实",
])



@dataclass(frozen=True)
class Issue:
    """A rule's finding inside one string: ``start``/``end`` are offsets into it."""

    rule: str
    start: int
    end: int
    message: str
    suggestion: str | None = None
    replacement: str | None = None   # set when the fix is safe to apply automatically

    @property
    def fixable(self) -> bool:
        return self.replacement is not None


@dataclass(frozen=True)
class Finding:
    """One proofreading finding in a data file."""

    location: Location
    rule: str
    text: str                        # the quoted text around the problem
    message: str
    suggestion: str | None
    fixable: bool
    replacement: str | None = field(default=None, compare=False)

    def describe(self) -> str:
        where = self.location.describe()
        text = f"{where}：{self.message}" if where else self.message
        text += f"\n  原文：“{self.text}”"
        if self.suggestion:
            text += f"\n  建议：{self.suggestion}"
        if self.fixable:
            text += "（可用 --fix 自动改正）"
        return text


# ==========================================================================
# Rules on one string
# ==========================================================================


def mask_figures(text: str) -> str:
    """Replace ``{{ … }}`` references by neutral characters of the same length."""
    return FIGURE_REF.sub(lambda m: MASK * len(m.group(0)), text)


def int_to_cn(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK.match(ch))


def _halfwidth(text: str) -> list[Issue]:
    issues: list[Issue] = []
    pairs = _paren_pairs(text)
    flagged: set[int] = set()
    suspects: set[int] = set()
    for i, ch in enumerate(text):
        if ch not in HALF_TO_FULL:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        nxt_skip = text[i + 1:].lstrip(" ")[:1]
        if ch in ",:." and prev.isdigit() and nxt.isdigit():
            continue                      # 1,234  10:30  97.7
        if ch == "." and not (_HAN.match(prev or " ") or prev in "”’）》"):
            continue                      # "1." numbering, "Ltd." and the like
        if ch == "?" and _HAN.match(prev or " ") and _HAN.match(nxt or " "):
            suspects.add(i)
            continue
        if _is_cjk(prev) or _is_cjk(nxt_skip):
            flagged.add(i)
    flagged |= {pairs[i] for i in flagged if i in pairs}
    for i in sorted(flagged):
        ch = text[i]
        full = HALF_TO_FULL[ch]
        issues.append(Issue("halfwidth-punctuation", i, i + 1,
                            f"中文里用了半角标点“{ch}”。", f"改为全角“{full}”。", full))
    for i in sorted(suspects):
        issues.append(Issue("suspect-character", i, i + 1,
                            "两个汉字之间有一个“?”，多半是网页转码时丢失的字符。",
                            "核对原文：可能是间隔号“·”（如“万事好通·如来如愿”）或问号“？”。"))
    for m in re.finditer("\ufffd+", text):
        issues.append(Issue("suspect-character", m.start(), m.end(),
                            "文字中有乱码字符“\ufffd”，原字符已经丢失。", "对照原文补上丢失的字。"))
    for m in re.finditer('"', text):
        i = m.start()
        if _is_cjk(text[i - 1] if i else "") or _is_cjk(text[i + 1:i + 2]):
            issues.append(Issue("halfwidth-punctuation", i, i + 1, "中文里用了半角引号“\"”。",
                                "改为全角引号“”（前引号“，后引号”）。"))
    for m in re.finditer(r"[<>]", text):
        i = m.start()
        if _is_cjk(text[i - 1] if i else "") or _is_cjk(text[i + 1:i + 2]):
            full = "〈" if m.group(0) == "<" else "〉"
            issues.append(Issue("halfwidth-punctuation", i, i + 1, f"中文里用了半角符号“{m.group(0)}”。",
                                f"书名号内的书名用单书名号“{full}”；如果是“小于/大于”请写成文字。"))
    return issues


def _paren_pairs(text: str) -> dict[int, int]:
    """Matching half-width parentheses, both directions."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs


#: The last characters of an organ's name: a space after one separates joint issuers
#: (中共中央办公厅 国务院办公厅), as GB/T 9704 prints them.
ORGAN_ENDINGS = ("办公厅", "办公室", "委员会", "人民政府", "政府", "党委", "常委会", "人大", "政协",
                 "法院", "检察院", "部", "厅", "局", "委", "办", "院", "会", "署", "处", "所", "中心", "集团")
_SLOGAN = re.compile(f"^[{HAN}]{{4,8}}(?:[ \u3000]+[{HAN}]{{4,8}})+$")


def _deliberate_space(text: str, start: int, end: int) -> bool:
    """A space between joint issuers' names or between the phrases of a slogan."""
    before = text[:start]
    run = re.search(f"[{HAN}]+$", before)
    if run and len(run.group(0)) >= 3 and before.endswith(ORGAN_ENDINGS) \
            and re.match(f"[{HAN}]{{3,}}", text[end:]):
        return True
    left = max(text.rfind(p, 0, start) for p in "，。；：！？、“”‘’（）《》\n") + 1
    right_stops = [i for i in (text.find(p, end) for p in "，。；：！？、“”‘’（）《》\n") if i >= 0]
    segment = text[left:min(right_stops) if right_stops else len(text)].strip()
    return bool(_SLOGAN.match(segment))


def _stray_space(text: str) -> list[Issue]:
    pattern = re.compile(f"(?<=[{HAN}{FULL_PUNCT}\\d%{MASK}])[ \u3000]+(?=[{HAN}{FULL_PUNCT}])"
                         f"|(?<=[{HAN}{FULL_PUNCT},])[ \u3000]+(?=[\\d{MASK}])")
    return [Issue("stray-space", m.start(), m.end(), "中文中间有多余的空格。", "删去空格。")
            for m in pattern.finditer(text) if not _deliberate_space(text, m.start(), m.end())]


#: Single characters whose doubling is almost always a typing error (的的, 和和);
#: other doubled characters are usually a word boundary (学习习近平, 推进进程).
DOUBLED_TYPOS = frozenset("的和及与在将把被对为")


def _repeated(text: str) -> list[Issue]:
    issues: list[Issue] = []
    covered: set[int] = set()
    for size in (4, 3, 2, 1):
        pattern = re.compile(f"([{HAN}]{{{size}}})\\1")
        for m in pattern.finditer(text):
            word, start = m.group(1), m.start()
            if m.group(0) in REDUPLICATION or word in REDUPLICATION:
                continue
            if size == 1 and word not in DOUBLED_TYPOS:
                continue
            if covered & set(range(start, m.end())):
                continue
            covered |= set(range(start, m.end()))
            issues.append(Issue("repeated-word", start, m.end(), f"“{word}”重复了一次。",
                                f"删去一个“{word}”（确属叠用的可忽略）。"))
    return issues


BRACKETS = {"“": "”", "‘": "’", "（": "）", "(": ")", "《": "》", "〈": "〉", "【": "】",
            "〔": "〕", "［": "］", "｛": "｝"}
_CLOSERS = {v: k for k, v in BRACKETS.items()}
_SAME = {"(": "（", ")": "）"}   # half-width parentheses count as their full-width twins here


def _brackets(text: str) -> list[Issue]:
    issues: list[Issue] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        norm = _SAME.get(ch, ch)
        if norm in BRACKETS:
            stack.append((norm, i))
        elif norm in _CLOSERS:
            opener = _CLOSERS[norm]
            if stack and stack[-1][0] == opener:
                stack.pop()
            elif any(o == opener for o, _ in stack):
                inner, j = stack.pop()
                while inner != opener:
                    issues.append(Issue("unbalanced-bracket", j, j + 1,
                                        f"“{text[j]}”没有配对的“{BRACKETS[inner]}”，括号引号交叉或缺失。",
                                        f"在适当位置补上“{BRACKETS[inner]}”，成对的标点要完整嵌套。"))
                    inner, j = stack.pop()
            else:
                issues.append(Issue("unbalanced-bracket", i, i + 1,
                                    f"“{ch}”前面没有与它配对的“{opener}”。",
                                    f"补上“{opener}”或删去多余的“{ch}”。"))
    for opener, j in stack:
        issues.append(Issue("unbalanced-bracket", j, j + 1,
                            f"“{text[j]}”没有配对的“{BRACKETS[opener]}”。",
                            f"补上“{BRACKETS[opener]}”或删去多余的“{text[j]}”。"))
    return issues


_RANGE = re.compile(r"(?<![\d\-.])(\d{4})-(\d{4})(?![\d\-])|(?<![\d\-.])(\d{1,3})-(\d{1,3})(?=[年月日个项件次天%万亿倍])")


def _ranges(text: str) -> list[Issue]:
    issues = []
    for m in _RANGE.finditer(text):
        hyphen = m.start() + len(m.group(1) or m.group(3))
        fixed = m.group(0).replace("-", "—")
        issues.append(Issue("range-hyphen", hyphen, hyphen + 1,
                            f"数字范围“{m.group(0)}”用了半角连字符“-”。",
                            f"改用连接号：“{fixed}”（或“～”）。", "—"))
    return issues


def _ellipsis_dash(text: str) -> list[Issue]:
    issues = []
    for m in re.finditer(r"\.{3,}|。{3,}|(?<!…)…(?!…)|…{3,}", text):
        issues.append(Issue("ellipsis-dash", m.start(), m.end(), f"省略号写成了“{m.group(0)}”。",
                            "省略号用两个“…”：“……”。"))
    for m in re.finditer(r"(?<!-)--(?!-)|(?<=[" + HAN + r"])-{1}(?=[" + HAN + "])", text):
        issues.append(Issue("ellipsis-dash", m.start(), m.end(), f"破折号写成了“{m.group(0)}”。",
                            "破折号用两个“—”：“——”；表示范围用连接号“—”。"))
    return issues


_DATE_ZERO = re.compile(r"(\d{4})年(0?\d{1,2})月(0?\d{1,2})日")
_DATE_CN = re.compile(f"[{CN_DIGITS}○零]{{4}}年[{CN_DIGITS}十○零]{{1,2}}月(?:[{CN_DIGITS}十○零]{{1,3}}日)?")
_DATE_SHORT_YEAR = re.compile(r"(?<!\d)(\d{2})年(\d{1,2})月")
_DATE_DOTTED = re.compile(r"(?<![\d.])(\d{4})[./](\d{1,2})[./](\d{1,2})(?![\d.])")


def _dates(text: str) -> list[Issue]:
    issues = []
    for m in _DATE_ZERO.finditer(text):
        month, day = m.group(2), m.group(3)
        if month.startswith("0") or day.startswith("0"):
            good = f"{m.group(1)}年{int(month)}月{int(day)}日"
            issues.append(Issue("date-format", m.start(), m.end(), f"日期“{m.group(0)}”的月、日前多了“0”。",
                                f"写成“{good}”。"))
    for m in _DATE_CN.finditer(text):
        issues.append(Issue("date-format", m.start(), m.end(), f"日期“{m.group(0)}”用了汉字数字。",
                            "成文日期等日期用阿拉伯数字，如“2023年3月13日”。"))
    for m in _DATE_SHORT_YEAR.finditer(text):
        issues.append(Issue("date-format", m.start(), m.end(), f"“{m.group(0)}”的年份不完整。",
                            f"年份写全，如“20{m.group(1)}年{m.group(2)}月”。"))
    for m in _DATE_DOTTED.finditer(text):
        good = f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日"
        issues.append(Issue("date-format", m.start(), m.end(), f"日期“{m.group(0)}”不合公文写法。",
                            f"写成“{good}”。"))
    return issues


#: A document number cited in prose with the wrong brackets: 东政发[2023]12号.
_DOCNO_IN_TEXT = re.compile(r"(?<=[发函字办令告电复])([\[【(（［])(\d{4})([\]】)）］])(\d+)号")


def _doc_numbers(text: str) -> list[Issue]:
    issues = []
    for m in _DOCNO_IN_TEXT.finditer(text):
        good = f"〔{m.group(2)}〕{m.group(4)}号"
        issues.append(Issue("doc-number", m.start(), m.end(),
                            f"文号中的年份“{m.group(0)}”没有用六角括号〔〕。", f"写成“{good}”。"))
    return issues


_DOCNO = re.compile(f"^([{HAN}]+)〔(\\d{{4}})〕([1-9]\\d*)号$")


def check_doc_number(text: str) -> list[Issue]:
    """发文字号 must read 机关代字〔年份〕序号号 (东政发〔2023〕12号)."""
    value = text.strip()
    if _DOCNO.match(value):
        return []
    m = re.match(f"^([{HAN}]+)\\s*[\\[【(（［〔]?\\s*(\\d{{2,4}})\\s*[\\]】)）］〕]?\\s*第?0*(\\d+)\\s*号$", value)
    if m:
        year = m.group(2) if len(m.group(2)) == 4 else f"20{m.group(2)}"
        good = f"{m.group(1)}〔{year}〕{int(m.group(3))}号"
        hint = f"写成“{good}”：年份写全并用六角括号〔〕，序号不加“第”、不编虚位（不写 012）。"
    else:
        hint = "发文字号写成 机关代字〔年份〕序号号，如“东政发〔2023〕12号”。"
    return [Issue("doc-number", 0, len(text), f"发文字号“{value}”格式不规范。", hint)]


def _hand_numbering(text: str) -> list[Issue]:
    found = leading_number(text)
    if not found:
        return []
    style, _, length = found
    if style == "cn-shi" and _INLINE_SHI.search(text, length):
        # 一是……二是…… in one paragraph or run-in text is an inline enumeration printed as
        # typed: advising enumerate: would change the layout
        return []
    typed = text[:length].strip()
    form = next(f for _, s, f in _NUMBERING if s == style)
    bad_form = ""
    if style == "arabic" and not typed.endswith("."):
        bad_form = f"（格式也不规范，第三层应为“{form}”）"
    elif "(" in typed or ")" in typed:
        bad_form = f"（格式也不规范，括号应为全角，如“{form}”）"
    if style == "cn-shi":
        hint = f"删去“{typed}”，改用 enumerate: 列举，一是、二是……由 docgen 自动生成。"
    else:
        hint = f"删去“{typed}”，编号由 docgen 按层级自动生成（层级不对时写 level:）。"
    return [Issue("hand-numbering", 0, length, f"段首手工输入了编号“{typed}”{bad_form}。", hint)]


_INLINE_SHI = re.compile(f"(?:^|(?<=[。；，：！？\\s{MASK}]))({CN_NUM})是")


def _inline_sequence(text: str) -> list[Issue]:
    """一是……二是……四是 inside one paragraph must count up without gaps or repeats."""
    matches = [(m, cn_to_int(m.group(1))) for m in _INLINE_SHI.finditer(text)]
    matches = [(m, v) for m, v in matches if v]
    if len(matches) < 2 or matches[0][1] != 1:
        return []
    issues = []
    expected = 1
    for m, value in matches:
        if value != expected:
            issues.append(_sequence_issue(m.start(), m.end(), m.group(0), value, expected, "是"))
        expected = value + 1
    return issues


def _sequence_issue(start: int, end: int, typed: str, value: int, expected: int, suffix: str) -> Issue:
    what = "重复" if value < expected else f"跳过了“{int_to_cn(expected)}{suffix}”"
    return Issue("numbering-sequence", start, end,
                 f"编号“{typed.strip()}”{what}：前一个编号之后应是“{int_to_cn(expected)}{suffix}”。",
                 "改正编号；最好删去手工编号，让 docgen 自动编号。")


def proofread_text(text: str, *, body: bool = True) -> list[Issue]:
    """All rule findings in one string, sorted by position.

    ``body`` is True for prose in the document body, where hand-typed
    numbering is reported; figure references are ignored.
    """
    masked = mask_figures(text)
    issues = (_halfwidth(masked) + _stray_space(masked) + _repeated(masked) + _brackets(masked)
              + _ranges(masked) + _ellipsis_dash(masked) + _dates(masked) + _doc_numbers(masked))
    if body:
        issues += _hand_numbering(masked) + _inline_sequence(masked)
    return sorted(issues, key=lambda i: (i.start, i.rule))


def sibling_sequence(texts: list[tuple[int, str]]) -> list[tuple[int, Issue]]:
    """Gaps and repeats in hand-typed numbers at the start of sibling items.

    ``texts`` are (index in the list, first text of the item); returns
    (index, issue) for each item whose number does not follow the previous
    item of the same style.
    """
    last: dict[str, int] = {}
    out = []
    suffixes = {"cn-dun": "、", "cn-paren": "）", "arabic": ".", "arabic-paren": "）", "cn-shi": "是"}
    for index, text in texts:
        found = leading_number(mask_figures(text))
        if not found:
            continue
        style, value, length = found
        if style in last and value != last[style] + 1:
            expected = last[style] + 1
            typed = text[:length]
            what = "重复" if value <= last[style] else "不连续"
            shown = str(expected) if style.startswith("arabic") else int_to_cn(expected)
            out.append((index, Issue("numbering-sequence", 0, length,
                                     f"编号“{typed.strip()}”{what}：上一项之后应是“{shown}{suffixes[style]}”。",
                                     "改正编号；最好删去手工编号，让 docgen 自动编号。")))
        last[style] = value
    return out


# ==========================================================================
# The YAML file
# ==========================================================================

#: Top-level keys whose string values are not prose.
NOT_PROSE = frozenset({"template", "previous", "numbering", "checks"})
#: Keys inside a computed figure that hold file names or labels, not prose.
NOT_PROSE_IN_FIGURE = frozenset({"from", "sheet", "cell", "row", "column", "unit", "sum", "diff",
                                 "rate", "change", "change_text", "growth", "growth_text",
                                 "previous"})


@dataclass(frozen=True)
class Scalar:
    """A string value in the YAML file and where its characters stand."""

    path: PathKey
    value: str
    line: int                 # 0-based line of the scalar's first character (or quote)
    column: int               # 0-based column
    offsets: tuple[tuple[int, int], ...] | None   # per character (line, column), when known
    body: bool                # prose in the document body (numbering rules apply)


def _format_path(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _char_positions(lines: list[str], line: int, column: int,
                    value: str) -> tuple[tuple[int, int], ...] | None:
    """Source (line, column) of each character of ``value``, or None if unsure.

    Handles single-line plain and quoted scalars without escapes and literal
    block scalars (``|``); anything else (folded or multi-line plain scalars,
    escapes) returns None and findings point at the scalar's start.
    """
    if line >= len(lines):
        return None
    src = lines[line]
    if src.startswith(value, column):
        return tuple((line, column + i) for i in range(len(value)))
    if src[column:column + 1] in ("'", '"') and src.startswith(value, column + 1) \
            and src[column + 1 + len(value):column + 2 + len(value)] == src[column]:
        return tuple((line, column + 1 + i) for i in range(len(value)))
    if src[column:column + 1] == "|":
        positions: list[tuple[int, int]] = []
        parts = value.split("\n")
        row = line + 1
        indent: int | None = None
        for k, part in enumerate(parts):
            if k == len(parts) - 1 and part == "":
                break
            while row < len(lines) and not lines[row].strip() and part:
                row += 1
            if row >= len(lines):
                return None
            if indent is None:
                indent = len(lines[row]) - len(lines[row].lstrip(" "))
            if lines[row][indent:] != part and not (part == "" and not lines[row].strip()):
                return None
            positions.extend((row, indent + i) for i in range(len(part)))
            if k < len(parts) - 1:
                positions.append((row, indent + len(part)))   # the newline
            row += 1
        return tuple(positions) if len(positions) == len(value) else None
    return None


def _walk(node: Any, path: PathKey, lines: list[str], body: bool) -> Iterator[Scalar]:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if not path and key in NOT_PROSE:
                continue
            if len(path) >= 2 and path[0] == "figures" and key in NOT_PROSE_IN_FIGURE:
                continue
            child = (*path, key)
            if isinstance(value, str):
                line, column = node.lc.value(key)
                yield Scalar(child, str(value), line, column,
                             _char_positions(lines, line, column, str(value)), body)
            else:
                yield from _walk(value, child, lines, body)
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            child = (*path, index)
            if isinstance(value, str):
                line, column = node.lc.item(index)
                yield Scalar(child, str(value), line, column,
                             _char_positions(lines, line, column, str(value)), body)
            else:
                yield from _walk(value, child, lines, body)


def read_round_trip(path: Path) -> tuple[str, Any]:
    """The file's text and its ruamel round-trip tree; DataError on any problem."""
    text = read_data_text(path)
    return text, _parse(text, str(path))


def _parse(text: str, where: str) -> Any:
    try:
        return YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise syntax_error(exc, where, text) from exc
    except ValueError as exc:  # e.g. 2024-13-01 looks like a date but is none (build says so too)
        raise DataError(f"无法识别的值（{exc}）。", location=Location(file=where),
                        fix="日期写成 2023-03-13；若本意是文字，请用引号括起来。") from exc


def _scalars(tree: Any, lines: list[str]) -> list[Scalar]:
    if not isinstance(tree, CommentedMap):
        return []
    out: list[Scalar] = []
    for key, value in tree.items():
        if key in NOT_PROSE:
            continue
        if isinstance(value, str):
            line, column = tree.lc.value(key)
            out.append(Scalar((key,), str(value), line, column,
                              _char_positions(lines, line, column, str(value)), False))
        else:
            out.extend(_walk(value, (key,), lines, body=key == "body"))
    return out


def _location(file: str, scalar: Scalar, offset: int) -> Location:
    if scalar.offsets and offset < len(scalar.offsets):
        line, column = scalar.offsets[offset]
    else:
        line, column = scalar.line, scalar.column
    return Location(file=file, line=line + 1, column=column + 1, path=_format_path(scalar.path))


def _excerpt(value: str, start: int, end: int, width: int = 8) -> str:
    left = max(0, start - width)
    right = min(len(value), end + width)
    return ("…" if left else "") + value[left:right] + ("…" if right < len(value) else "")


def _finding(file: str, scalar: Scalar, issue: Issue) -> Finding:
    return Finding(location=_location(file, scalar, issue.start), rule=issue.rule,
                   text=_excerpt(scalar.value, issue.start, issue.end), message=issue.message,
                   suggestion=issue.suggestion,
                   fixable=issue.fixable and scalar.offsets is not None,
                   replacement=issue.replacement if scalar.offsets is not None else None)


PARAGRAPH_ENDS = "。！？…”’）》；：—"


def end_punctuation(text: str) -> list[Issue]:
    """A paragraph of the body must end with a sentence-ending mark."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] in PARAGRAPH_ENDS:
        return []
    end = len(stripped)
    return [Issue("end-punctuation", end - 1, end, "段落末尾没有句号。", "在段末补上“。”。")]


def _scalar_issues(scalar: Scalar) -> list[Issue]:
    if scalar.path == ("meta", "doc_number"):
        return check_doc_number(scalar.value)
    if scalar.path == ("meta", "date"):
        return []                     # the loader reads it (2023-03-13 and 2023年3月13日 alike)
    if scalar.path[:2] == ("meta", "seal") or scalar.path[:1] == ("previous",):
        return []                     # file names, not prose
    issues = proofread_text(scalar.value, body=scalar.body)
    if scalar.body and scalar.path[-1] != "heading" and "table" not in scalar.path:
        issues += end_punctuation(scalar.value)  # table cells and captions are not sentences
    return issues


def _sequence_findings(tree: Any, file: str, by_path: dict[PathKey, Scalar]) -> list[Finding]:
    """Gaps and repeats in hand-typed numbers across sibling items of the body."""
    findings: list[Finding] = []

    def first_text(item: Any, path: PathKey) -> tuple[PathKey, str] | None:
        if isinstance(item, str):
            return path, str(item)
        if isinstance(item, CommentedMap):
            for key in ("heading", "text"):
                if isinstance(item.get(key), str):
                    return (*path, key), str(item[key])
        return None

    def visit(node: Any, path: PathKey) -> None:
        if isinstance(node, CommentedSeq):
            firsts = [(i, first_text(item, (*path, i))) for i, item in enumerate(node)]
            texts = [(i, ft[1]) for i, ft in firsts if ft]
            paths = {i: ft[0] for i, ft in firsts if ft}
            for index, issue in sibling_sequence(texts):
                scalar = by_path.get(paths[index])
                if scalar:
                    findings.append(_finding(file, scalar, issue))
            for i, item in enumerate(node):
                visit(item, (*path, i))
        elif isinstance(node, CommentedMap):
            for key in ("body", "enumerate"):
                if key in node:
                    visit(node[key], (*path, key))

    if isinstance(tree, CommentedMap) and "body" in tree:
        visit(tree["body"], ("body",))
    return findings


_YEAR = re.compile(r"(?<![\d—–\-～~至到])((?:19|20)\d\d)(?=年)(?!年?[—–\-～~至到]\d)")


def year_mentions(text: str, year: int) -> list[Issue]:
    """Years other than ``year`` and ``year + 1`` (ranges excepted) in a yearly follow-up's text."""
    issues = []
    for m in _YEAR.finditer(mask_figures(text)):
        mentioned = int(m.group(1))
        if mentioned in (year, year + 1):
            continue
        issues.append(Issue("year-mention", m.start(), m.end() + 1,
                            f"提到了{mentioned}年，不是本年度（{year}年）或下一年：这份文件是接着上一年写的"
                            "（有 previous:），请核对这个年份是否需要更新。",
                            f"确是指{mentioned}年的可忽略；若是沿用上年的文字，请改为今年的年份。"))
    return issues


def _yearly(tree: Any) -> int | None:
    """meta.year of a data file that continues last year's (has ``previous:``)."""
    if not isinstance(tree, CommentedMap) or "previous" not in tree:
        return None
    meta = tree.get("meta")
    year = meta.get("year") if isinstance(meta, CommentedMap) else None
    return year if isinstance(year, int) and not isinstance(year, bool) else None


def _check_text(text: str, tree: Any, file: str) -> tuple[list[Finding], list[Scalar]]:
    lines = text.splitlines()
    scalars = _scalars(tree, lines)
    findings: list[Finding] = []
    year = _yearly(tree)
    for scalar in scalars:
        findings.extend(_finding(file, scalar, issue) for issue in _scalar_issues(scalar))
        if year is not None and (scalar.path[0] == "body" or scalar.path[:2] in (
                ("meta", "title"), ("meta", "attachments"))):
            findings.extend(_finding(file, scalar, issue) for issue in year_mentions(scalar.value, year))
    findings += _sequence_findings(tree, file, {s.path: s for s in scalars})
    findings.sort(key=lambda f: (f.location.line or 0, f.location.column or 0, f.rule))
    return findings, scalars


def check_file(path: Path) -> list[Finding]:
    """Proofread every prose string of a data file; findings in file order."""
    path = Path(path)
    text, tree = read_round_trip(path)
    return _check_text(text, tree, str(path))[0]


def _apply(text: str, edits: dict[tuple[int, int], tuple[str, str]]) -> str:
    """Replace single characters at (line, column) → (expected old, new)."""
    lines = text.splitlines(keepends=True)
    for (line, column), (old, new) in sorted(edits.items(), reverse=True):
        src = lines[line]
        if src[column:column + len(old)] != old:   # pragma: no cover - positions are verified
            raise AssertionError("position mismatch")
        lines[line] = src[:column] + new + src[column + len(old):]
    return "".join(lines)


def _plain(tree: Any) -> Any:
    """Round-trip tree → plain Python values, for comparing two versions."""
    if isinstance(tree, dict):
        return {k: _plain(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_plain(v) for v in tree]
    if isinstance(tree, str):
        return str(tree)
    return tree


def _expected_after(tree: Any, changes: dict[PathKey, str]) -> Any:
    plain = _plain(tree)
    for path, value in changes.items():
        node = plain
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value
    return plain


def fix_file(path: Path) -> list[Finding]:
    """Apply the safe fixes in place; return the findings that were fixed.

    Only characters of single-line or literal-block scalars are edited, one
    at a time at their exact positions; the new text is parsed again and
    must equal the old data with just those characters changed, then it
    replaces the file atomically.  Nothing is written when nothing is fixable.
    """
    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    path = Path(path)
    text, tree = read_round_trip(path)
    findings, scalars = _check_text(text, tree, str(path))
    by_location = {}
    for scalar in scalars:
        if scalar.offsets is None:
            continue
        issues = [i for i in _scalar_issues(scalar) if i.fixable]
        if not issues:
            continue
        new_value = list(scalar.value)
        for issue in issues:
            for k in range(issue.start, issue.end):
                by_location[scalar.offsets[k]] = (scalar.value[k], issue.replacement or "")
            new_value[issue.start:issue.end] = [issue.replacement or ""] + [""] * (issue.end - issue.start - 1)
        by_location[("value", scalar.path)] = "".join(new_value)  # type: ignore[index]
    changes = {k[1]: v for k, v in by_location.items() if k[0] == "value"}
    edits = {k: v for k, v in by_location.items() if k[0] != "value"}
    fixed = [f for f in findings if f.fixable]
    if not edits:
        return []
    new_text = _apply(text, edits)  # type: ignore[arg-type]
    new_tree = _parse(new_text, str(path))
    if _plain(new_tree) != _expected_after(tree, changes):  # pragma: no cover - safety net
        raise DataError("自动改正后文件内容与预期不符，已放弃改正，原文件未改动。",
                        location=Location(file=str(path)), fix="请手工改正上面列出的问题。")
    encoding_bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
    data = new_text.encode("utf-8")
    atomic_write_bytes(path, (b"\xef\xbb\xbf" if encoding_bom else b"") + data)
    return fixed


def format_findings(findings: list[Finding]) -> str:
    """All findings as text for the terminal, with a one-line summary."""
    out = io.StringIO()
    for finding in findings:
        out.write(f"[{RULES.get(finding.rule, finding.rule)}] {finding.describe()}\n")
    fixable = sum(1 for f in findings if f.fixable)
    if findings:
        out.write(f"共发现 {len(findings)} 处问题")
        out.write(f"，其中 {fixable} 处可用 --fix 自动改正。\n" if fixable else "。\n")
    return out.getvalue()


# ==========================================================================
# What build would say: the same loader, the same messages
# ==========================================================================


@dataclass(frozen=True)
class Report:
    """``docgen check``'s whole answer for one file."""

    errors: tuple[Any, ...]           # DocgenError values: build would stop on each
    warnings: tuple[Any, ...]         # DocgenWarning values: build prints them (--strict stops)
    findings: tuple[Finding, ...]     # proofreading


def build_problems(path: Path, *, draft: bool = False,
                   template: str | None = None) -> tuple[list[Any], list[Any]]:
    """(errors, warnings) that ``docgen build`` would report for ``path`` before typesetting.

    Runs the build's own loader, template lookup and .docx rendering (not the
    PDF), so every message is the one build prints.
    """
    from docgen.errors import DataErrors, DocgenError  # noqa: PLC0415
    from docgen.load import load_document  # noqa: PLC0415

    try:
        loaded = load_document(Path(path), draft=draft)
    except DataErrors as exc:
        return list(exc.errors), []
    except DocgenError as exc:
        return [exc], []
    try:
        from docgen.build import find_template, render  # noqa: PLC0415
        from docgen.misprints import scan_docx  # noqa: PLC0415
        from docgen.template_check import missing_role_warnings  # noqa: PLC0415

        warnings = list(loaded.warnings)
        chosen = (find_template(template, Path(path)) if template
                  else find_template(loaded.document.template, Path(path), from_data=True))
        warnings.extend(missing_role_warnings(loaded.document, chosen))  # as build does
        scan_docx(render(loaded.document, chosen), str(path))
    except DocgenError as exc:
        return [exc], list(loaded.warnings)
    return [], warnings


def _same_place(finding: Finding, errors: list[Any]) -> bool:
    return any(getattr(e, "location", None) is not None and e.location.line == finding.location.line
               and e.location.file == finding.location.file for e in errors)


def check_all(path: Path, *, draft: bool = False, template: str | None = None) -> Report:
    """Build's errors and warnings, then the proofreading findings not already said by them.

    A file build cannot read (syntax error, not UTF-8) gives only that error:
    the proofreading parser is never the one that decides what is a syntax
    error, so check never rejects what build accepts.
    """
    path = Path(path)
    errors, warnings = build_problems(path, draft=draft, template=template)
    syntax = [e for e in errors if getattr(e, "message", "").startswith(("YAML 语法错误", "找不到数据文件",
                                                                         "文件不是 UTF-8", "这是一个目录"))]
    if syntax:
        return Report(tuple(syntax), (), ())
    try:
        findings = check_file(path)
    except DataError:
        findings = []   # the round-trip parser is stricter than build's here: no proofreading
    repeated = ("hand-numbering",)
    findings = [f for f in findings if not (f.rule in repeated and _same_place(f, errors))]
    return Report(tuple(errors), tuple(warnings), tuple(findings))


def format_report(report: Report) -> str:
    """The report as text: build's errors and warnings first, then the proofreading."""
    out = io.StringIO()
    if report.errors:
        out.write(f"生成时会出错（docgen build 会在这些地方停止）：共 {len(report.errors)} 处\n")
        for error in report.errors:
            out.write(f"[生成错误] {error.describe()}\n")
        out.write("\n")
    if report.warnings:
        out.write(f"生成时的警告（加 --strict 时视为错误）：共 {len(report.warnings)} 处\n")
        for warning in report.warnings:
            out.write(f"{warning.describe()}\n")
        out.write("\n")
    out.write(format_findings(list(report.findings)))
    return out.getvalue()
