"""Break a long 公文标题 into lines at meaningful points (GB/T 9704 §7.3.1).

``title_lines(title, max_em)`` is pure: a title that fits on one line comes
back as one line; a longer one is broken only at meaningful points — after
“关于”, before the genre tail (的通知, 的报告, 的请示 …), before “《”, after
“、”, before “和/及/与” — never inside a word, a number or a book title, into
the fewest lines that fit, preferring a balanced trapezoid (lines growing or
shrinking) or, with three lines or more, a diamond (longest in the middle).
"""

from __future__ import annotations

import itertools

from docgen.text_width import text_width_em

# 2号 (22 pt) with −0.25 pt spacing in the 156 mm text block: 442.2 / 21.75 = 20.3 ems
DEFAULT_MAX_EM = 20.0

GENRE_TAILS = ("的通知", "的报告", "的请示", "的函", "的复函", "的批复", "的意见", "的决定",
               "的通报", "的纪要", "的公告", "的通告", "的议案", "的决议", "的命令", "的方案",
               "的规定", "的办法", "的实施意见", "的工作要点")
STRONG, MEDIUM, WEAK = 0.0, 1.0, 2.0
_OPENERS = "《“‘（〔【"
_CLOSERS = {"《": "》", "“": "”", "‘": "’", "（": "）", "〔": "〕", "【": "】"}
_NO_LINE_START = "》”’）〕】、，。；：！？"
MAX_LINES = 4


def em_width(text: str) -> float:
    """Width in ems, counting a quarter em (a little more than the engines' 0.22) between
    CJK and Latin letters or digits, so that a title line surely fits."""
    return text_width_em(text, auto_space=0.25)


def _inside_pairs(title: str) -> set[int]:
    """Break positions i (a break before title[i]) that fall inside 《》 “” （） and the like."""
    inside: set[int] = set()
    stack: list[str] = []
    for i, ch in enumerate(title):
        if stack and i > 0:
            inside.add(i)
        if ch in _CLOSERS:
            stack.append(_CLOSERS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
    return inside


def break_points(title: str) -> dict[int, float]:
    """Meaningful break positions (break before ``title[i]``) and their cost (0 best)."""
    points: dict[int, float] = {}
    inside = _inside_pairs(title)
    for i in range(1, len(title)):
        if i in inside or title[i] in _NO_LINE_START or title[i - 1] in _OPENERS:
            continue
        before, after = title[:i], title[i:]
        cost: float | None = None
        genre_tail = after in GENRE_TAILS
        issuer_about = before.endswith("关于") and len(before) > 2
        if genre_tail or issuer_about:
            cost = STRONG
        elif title[i] == "《" or title[i - 1] == "》" or before.endswith("关于"):
            cost = MEDIUM
        elif title[i - 1] == "、" or title[i] in "和及与":
            cost = WEAK
        if cost is not None:
            points[i] = min(cost, points.get(i, cost))
    return points


def _shape_cost(widths: list[float]) -> float:
    """0 for a trapezoid or diamond, large for a zigzag; plus raggedness."""
    rises = [b - a for a, b in itertools.pairwise(widths)]
    monotonic = all(r >= 0 for r in rises) or all(r <= 0 for r in rises)
    peak = widths.index(max(widths))
    diamond = (len(widths) >= 3 and all(r >= 0 for r in rises[:peak])
               and all(r <= 0 for r in rises[peak:]))
    ragged = max(widths) - min(widths)
    return ragged + (0 if monotonic or diamond else 100)


def title_lines(title: str, max_em: float = DEFAULT_MAX_EM) -> list[str]:
    """The title as lines (joined by line breaks in one paragraph)."""
    title = title.strip()
    total = em_width(title)
    if total <= max_em:
        return [title]
    if total > MAX_LINES * max_em:
        return _hard_wrap(title, max_em)  # no shape of MAX_LINES lines can hold it
    points = break_points(title)
    positions = sorted(points)
    widths_of: dict[tuple[int, int], float] = {}

    def width(a: int, b: int) -> float:  # each slice measured once: combinations repeat them
        if (a, b) not in widths_of:
            widths_of[a, b] = em_width(title[a:b])
        return widths_of[a, b]

    for count in range(2, MAX_LINES + 1):
        best: tuple[float, tuple[int, ...]] | None = None
        for cuts in itertools.combinations(positions, count - 1):
            bounds = (0, *cuts, len(title))
            widths = [width(a, b) for a, b in itertools.pairwise(bounds)]
            if max(widths) > max_em:
                continue
            cost = _shape_cost(widths) + 2.0 * sum(points[c] for c in cuts)
            if best is None or cost < best[0]:
                best = (cost, bounds)
        if best is not None:
            return [title[a:b] for a, b in itertools.pairwise(best[1])]
    return _hard_wrap(title, max_em)


def _hard_wrap(title: str, max_em: float) -> list[str]:
    """Last resort: fill lines to the width (only when no meaningful point works).

    Linear in the title's length: each character adds its own width and, against
    the previous one, the CJK/Latin space.
    """
    lines: list[str] = []
    current, used = "", 0.0
    for ch in title:
        step = em_width(current[-1:] + ch) - em_width(current[-1:])
        if used + step > max_em and current:
            # a mark that may not start a line takes the previous character down with it
            carry = current[-1] if ch in _NO_LINE_START and len(current) > 1 else ""
            lines.append(current[: len(current) - len(carry)])
            current = carry
            used = em_width(carry)
            step = em_width(carry + ch) - used
        current += ch
        used += step
    lines.append(current)
    return lines
