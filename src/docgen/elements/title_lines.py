"""Break a long 公文标题 into lines at word boundaries (GB/T 9704 §7.3.1).

``title_lines(title, max_em)`` is pure: a title that fits on one line comes
back as one line; a longer one is broken only between words, as the jieba
segmenter finds them (with a few words of 公文 added), into the fewest lines
that fit, every line at least three characters, the lines forming a trapezoid
(growing or shrinking) or, with three lines or more, a diamond.  It never
breaks inside a word, a number with its unit (2023年), a pair of brackets
（…）〔…〕《…》“…”, or the genre tail (的通知, 的报告 …), and it never starts a
line with a closing mark.  Among the shapes that fit it prefers breaking before
关于 (after the issuer), before the tail, at 、 and before 和/及/与, then
anywhere between words, and balanced lines.

jieba's dictionary is loaded once per process, only when a title is too long
for one line, with its log silenced (it would write to stderr).  The data can
break a title by hand (``meta.title`` as a list of lines); callers use those
lines instead of calling this.
"""

from __future__ import annotations

import functools
import itertools
import logging
import warnings

from docgen.text_width import text_width_em

# 2号 (22 pt) with −0.25 pt spacing in the 156 mm text block: 442.2 / 21.75 = 20.3 ems
DEFAULT_MAX_EM = 20.0

GENRE_TAILS = ("的通知", "的报告", "的请示", "的函", "的复函", "的批复", "的意见", "的决定",
               "的通报", "的纪要", "的公告", "的通告", "的议案", "的决议", "的命令", "的方案",
               "的规定", "的办法", "的实施意见", "的指导意见", "的工作要点", "的实施方案",
               "的补充通知", "的紧急通知", "的报告（代拟稿）")
# words of 公文 titles jieba's general dictionary splits (or joins wrongly)
WORDS = ("法治政府", "放管服", "营商环境", "高质量发展", "实施意见", "实施方案", "工作要点",
         "安全生产", "防汛防旱", "防汛防台", "森林防火", "乡村振兴", "十四五", "数字政府",
         "行政审批", "规范性文件", "市场主体", "综合保税区", "非物质文化遗产", "人民政府",
         "办公室", "办公厅", "常务会议", "专项资金", "先进集体", "先进个人", "工作情况",
         "建设情况", "年度报告", "总体规划", "建设规划", "稳就业", "新发展格局", "先行区",
         "新污染物", "国土空间", "深入推进", "加快推进", "全面推进", "持续推进", "扎实推进",
         "请求审批", "请求批准", "请求拨付", "经济技术开发区", "城市轨道交通", "证照分离")
STRONG, GOOD, WORD, POOR = -3.0, 1.0, 2.0, 3.5  # STRONG outweighs some imbalance
_OPENERS = "《“‘（〔【"
_CLOSERS = {"《": "》", "“": "”", "‘": "’", "（": "）", "〔": "〕", "【": "】"}
_NO_LINE_START = "》”’）〕】、，。；：！？%"
_LIGHT = set("的和及与、")  # one-character words a line may end or start with
MIN_LINE_CHARS = 3
MAX_LINES = 4


def em_width(text: str) -> float:
    """Width in ems, counting a quarter em (a little more than the engines' 0.22) between
    CJK and Latin letters or digits, so that a title line surely fits."""
    return text_width_em(text, auto_space=0.25)


@functools.lru_cache(maxsize=1)
def _segmenter():
    """jieba's tokenizer, loaded on first use (about half a second from its cache)."""
    with warnings.catch_warnings():  # its old regexes warn when compiled on newer Pythons
        warnings.simplefilter("ignore")
        import jieba  # noqa: PLC0415 - lazy: most titles fit on one line

        jieba.setLogLevel(logging.CRITICAL)  # it logs its progress (and cache trouble) to stderr
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    for word in WORDS:
        tokenizer.add_word(word, freq=200_000)
    return tokenizer


def words(title: str) -> list[str]:
    """The title cut into words (jieba, with the Viterbi model for unknown words)."""
    return [w for w in _segmenter().cut(title, HMM=True) if w]


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


def _tail_start(title: str) -> int | None:
    """Where the genre tail (的通知 …) starts, if the title ends with one."""
    tail = max((t for t in GENRE_TAILS if title.endswith(t)), key=len, default=None)
    return len(title) - len(tail) if tail else None


INSIDE_COST = 6.0  # a book title longer than a line must break somewhere: between its words


def break_points(title: str, *, inside: bool = False) -> dict[int, float]:
    """Allowed break positions (break before ``title[i]``) and their cost (lowest best).

    ``inside`` also allows word boundaries inside brackets (at a cost), for a
    《…》 or （…） too long for one line."""
    tokens = words(title)
    bounds: list[int] = list(itertools.accumulate(len(t) for t in tokens))[:-1]
    single = set()  # positions next to a one-character word that should stay with its neighbour
    pos = 0
    for token in tokens:
        if len(token) == 1 and token not in _LIGHT:
            single.update((pos, pos + 1))
        pos += len(token)
    enclosed = _inside_pairs(title)
    tail = _tail_start(title)
    points: dict[int, float] = {}
    for i in bounds:
        if (i in enclosed and not inside) or title[i] in _NO_LINE_START or title[i - 1] in _OPENERS:
            continue
        if title[i - 1].isdigit() or (title[i].isdigit() and title[i - 1] in "第"):
            continue  # a number stays with its unit and its 第
        if tail is not None and i > tail:
            continue  # 的 / 通知 never apart
        before, after = title[:i], title[i:]
        if after.startswith("关于") and len(before) > 2:
            cost = STRONG  # after the issuer
        elif (i == tail or before.endswith(("》", "”", "印发", "转发")) or after[0] in "和及与《“"):
            cost = GOOD
        elif after.startswith("的"):
            cost = POOR
        else:
            cost = WORD
        if i in single:
            cost += 1.5
        if i in enclosed:
            cost += INSIDE_COST
        points[i] = cost
    return points


def _shape_cost(widths: list[float]) -> float:
    """0 for a trapezoid or diamond, large for a zigzag; plus raggedness."""
    rises = [b - a for a, b in itertools.pairwise(widths)]
    monotonic = all(r >= 0 for r in rises) or all(r <= 0 for r in rises)
    peak = widths.index(max(widths))
    diamond = (len(widths) >= 3 and all(r >= 0 for r in rises[:peak])
               and all(r <= 0 for r in rises[peak:]))
    ragged = max(widths) - min(widths)
    return 0.5 * ragged + (0 if monotonic or diamond else 100)


def _best(title: str, points: dict[int, float], max_em: float, min_chars: int) -> list[str] | None:
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
            if any(b - a < min_chars for a, b in itertools.pairwise(bounds)):
                continue
            widths = [width(a, b) for a, b in itertools.pairwise(bounds)]
            if max(widths) > max_em:
                continue
            cost = _shape_cost(widths) + sum(points[c] for c in cuts)
            if best is None or cost < best[0]:
                best = (cost, bounds)
        if best is not None:
            return [title[a:b] for a, b in itertools.pairwise(best[1])]
    return None


def title_lines(title: str, max_em: float = DEFAULT_MAX_EM) -> list[str]:
    """The title as lines (joined by line breaks in one paragraph)."""
    title = title.strip()
    if em_width(title) <= max_em:
        return [title]
    if em_width(title) > MAX_LINES * max_em:
        return _hard_wrap(title, max_em)  # no shape of MAX_LINES lines can hold it
    points = break_points(title)
    found = _best(title, points, max_em, MIN_LINE_CHARS)
    if found is None and _inside_pairs(title):
        points = break_points(title, inside=True)
        found = _best(title, points, max_em, MIN_LINE_CHARS)
    return found or _best(title, points, max_em, 1) or _hard_wrap(title, max_em)


def _hard_wrap(title: str, max_em: float) -> list[str]:
    """Last resort: fill lines to the width (only when no word boundary works).

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
