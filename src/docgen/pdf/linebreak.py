"""Chinese line breaking and justification (pure functions, no fonts, no PDF).

Takes a paragraph's text cut into *atoms* (unbreakable units: one CJK
character, one Latin word or number such as ``96.5%``, one space, ``——``…)
with their advances, and returns where the lines break and how much extra
space each gap of a justified line gets.

Rules (GB/T 15834 and the usual 禁则):

* closing punctuation (，。、；：？！）》」”…) never starts a line;
* opening punctuation (（《“‘「…) never ends a line;
* a violation is repaired by pulling the previous atom(s) down to the next
  line, never by letting a glyph hang outside the text block;
* Latin words and numbers (``2022``, ``96.5%``, ``PDF/A``) stay together;
* a connecting dash (— ～ –) or 间隔号 (· ・) never starts a line; 破折号 ——
  and 省略号 …… are one unbreakable atom;
* a number stays with its unit sign, % or 号 (``28号``, ``5.1％``, ``36℃``);
  a range stays whole (``2021—2025``, ``3～5``), and so does a document
  number (``〔2019〕28号``: no break after ``〔`` or ``〕`` or before ``〕``);
* :func:`short_last_line` tells the page layout which last lines (one or two
  characters, ``平。``) must not begin a page alone;
* spaces at a line end take no room;
* justified lines get their slack spread evenly over the gaps between atoms
  (so CJK lines fill the block exactly, and a Latin word is never spread).
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Sequence
from itertools import accumulate, islice
from operator import attrgetter
from typing import NamedTuple, Protocol

# Characters that must not begin a line (closing punctuation, small kana, …).
NO_LINE_START = frozenset(
    "，。、；：？！）》」』】〕〗〉”’｝］"
    ",.;:?!)]}%‰℃°·・ー～"
    "〃々〆ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "\u00b7\u2027"
)
# Connecting dashes: one alone (not the doubled 破折号) must not start a line.
CONNECTING_DASHES = frozenset("—–～~")
# What follows a number as its unit sign: never separated from the number before it.
# Measure words (件、个、年 …) are not included: Word and LibreOffice break before them,
# and so does GB/T 9704 practice; only signs and 号 (文号、序号) are glued.
UNITS = frozenset("%％‰℃°号")
# Characters that must not end a line (opening punctuation, currency signs).
NO_LINE_END = frozenset("（《「『【〔〖〈“‘｛［([{$￥¥£")
# Marks written doubled that must never be split across two lines.
DOUBLED = frozenset("—…")

EPSILON = 0.01  # points; absorbs float noise when a line fits exactly


@functools.cache
def is_cjk(ch: str) -> bool:
    """True for characters set on the East Asian (full-width) font and width (cached)."""
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF  # radicals, punctuation, kana, CJK unified
        or 0xAC00 <= cp <= 0xD7AF
        or 0xF900 <= cp <= 0xFAFF
        or 0xFE30 <= cp <= 0xFE4F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x20000 <= cp <= 0x3FFFF
        or 0x2010 <= cp <= 0x2027  # dashes, quotes, ellipsis, middle dot in CJK text
        or 0x2030 <= cp <= 0x203B
        or cp in (0x00B7, 0x00D7, 0x00F7, 0x2103, 0x2116, 0x2236)
    )


# is_cjk's ranges as a character class (keep the two in step; a test compares them)
_CJK_CLASS = ("\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
              "\U00020000-\U0003ffff\u2010-\u2027\u2030-\u203b\u00b7\u00d7\u00f7"
              "\u2103\u2116\u2236")


# Runs of what is_cjk accepts (keep the two in step; a test compares them).  One class,
# compiled once: a big character class costs milliseconds to compile.
CJK_RUNS = re.compile(f"([{_CJK_CLASS}]+)")
_CJK_DOUBLED = re.compile("—+|…+|.", re.S)
_NLE_LATIN = "".join(re.escape(ch) for ch in sorted(NO_LINE_END) if not is_cjk(ch))
_LATIN_CLUSTERS = re.compile(f"\\s|[^\\s{_NLE_LATIN}]+|[{_NLE_LATIN}][^\\s{_NLE_LATIN}]*")


def runs_of(text: str) -> Iterator[tuple[bool, str]]:
    """``text`` as its runs of East Asian characters and of everything else, in order:
    (East Asian?, the run)."""
    for i, piece in enumerate(CJK_RUNS.split(text)):
        if piece:
            yield bool(i % 2), piece


def run_clusters(piece: str, cjk: bool) -> list[str] | None:
    """The clusters of one run of :func:`runs_of`; None for an East Asian run whose every
    character is a cluster of its own (no doubled dash or ellipsis in it)."""
    if cjk:
        return _CJK_DOUBLED.findall(piece) if ("—" in piece or "…" in piece) else None
    return _LATIN_CLUSTERS.findall(piece)


def clusters(text: str) -> list[str]:
    """Cut ``text`` into unbreakable clusters.

    One CJK character per cluster, except doubled dashes/ellipses (``——``,
    ``……``) which stay together; a run of Latin letters, digits and ASCII
    punctuation is one cluster (an opening mark such as ``(`` starts a new
    one); each whitespace character is its own cluster.
    """
    out: list[str] = []
    for cjk, piece in runs_of(text):
        found = run_clusters(piece, cjk)
        out.extend(piece if found is None else found)
    return out


class AtomLike(Protocol):
    width: float
    text: str


class Line(NamedTuple):
    """Atoms ``start:end`` form one line; ``width`` excludes trailing spaces (a named tuple:
    one is made for every line, at C speed)."""

    start: int
    end: int
    width: float
    forced: bool = False  # ended by an explicit break (or the paragraph end)


def no_start(text: str) -> bool:
    return bool(text) and text[0] in NO_LINE_START


def no_end(text: str) -> bool:
    return bool(text) and text[-1] in NO_LINE_END


def _is_space(text: str) -> bool:
    return text.isspace() and text not in ("\n",)


_TEXT = attrgetter("text")
_WIDTH = attrgetter("width")


def break_lines(
    atoms: Sequence[AtomLike],
    first_width: float,
    width: float,
    *,
    is_break: Callable[[int], bool] | None = None,
    tab_width: Callable[[int, float, bool], float] | None = None,
    breaks: Collection[int] | None = None,
    texts: list[str] | None = None,
) -> list[Line]:
    """Greedy first-fit line breaking with kinsoku repaired by pulling down.

    ``first_width`` is the room on the first line (after the first-line
    indent), ``width`` on the others.  ``is_break(i)`` marks atom ``i`` as a
    forced line break (it ends its line and takes no room).  ``tab_width(i,
    x, first)`` gives the advance of a tab atom starting at ``x`` on the first
    line (``first``) or a later one.  ``breaks``: the forced breaks' indices, instead
    of asking ``is_break`` about every atom.  ``texts``: the atoms' texts, if the caller
    has them.
    """
    lines: list[Line] = []
    n = len(atoms)
    # the atoms' texts, widths and kinds once, as lists (the loops below are the hot path)
    if texts is None:
        texts = list(map(_TEXT, atoms))
    widths = list(map(_WIDTH, atoms))
    space = list(map(str.isspace, texts))  # _is_space: a newline is not a space
    if "\n" in texts:
        space = [sp and t != "\n" for sp, t in zip(space, texts, strict=True)]
    if breaks is not None:
        breaks = sorted(j for j in breaks if 0 <= j < n)
    else:
        breaks = [j for j in range(n) if is_break(j)] if is_break is not None else []
    tabs = ([j for j, t in enumerate(texts) if t == "\t"]
            if tab_width is not None and "\t" in texts else [])
    plain = not breaks and not tabs
    # the common case: arithmetic over running sums (no Python step per atom); the sums
    # are the same left-to-right additions as the loop below, so the result is identical
    summed = plain and (not widths or min(widths) >= 0.0)
    room = 64  # atoms summed ahead of a line's start (the last line's and 8, at least 16)
    if not summed:
        brk = [False] * n
        for j in breaks:
            brk[j] = True
        tab = [False] * n
        for j in tabs:
            tab[j] = True
    start = 0
    while start < n or not lines:
        limit = (first_width if not lines else width) + EPSILON
        x = 0.0
        j = start
        forced = False
        sums: list[float] | None = None
        if summed:
            j, sums = _fit(widths, space, start, n, limit, room)
        else:  # tabs, forced breaks or a negative width: one step per atom
            while j < n:
                if brk[j]:
                    forced = True
                    break
                w = tab_width(j, x, not lines) if tab[j] else widths[j]  # type: ignore[misc]
                if x + w > limit and j > start and not space[j]:
                    break
                x += w
                j += 1
        end = j
        if not forced and start < end < n:
            # kinsoku: pull atoms down until the break is legal
            k = end
            while k > start + 1 and _illegal(texts, k):
                k -= 1
            if not _illegal(texts, k):
                end = k
        if sums is not None:
            k = end - 1
            while k >= start and space[k]:
                k -= 1
            content = sums[k - start + 1] if k >= start else 0.0
            room = max(16, end - start + 8)
        else:
            content = _content_width(texts, widths, space, start, end,
                                     tab_width if tabs else None, not lines)
        lines.append(Line(start, end, content, forced))
        start = end + 1 if forced else end
        if start >= n:
            if forced:  # a break as the last atom still opens an (empty) last line
                lines.append(Line(n, n, 0.0, True))
            break
    return lines


def _fit(widths: list[float], space: list[bool], start: int, n: int, limit: float,
         room: int) -> tuple[int, list[float]]:
    """Where a first-fit line from ``start`` ends (widths all >= 0, no tab or break), and
    ``sums[m]``, the width of its first ``m`` atoms added left to right.

    The first atom always goes on the line; after it, the first atom that reaches past
    ``limit`` and is not a space ends the line (spaces may hang past the margin).
    """
    stop = min(n, start + room)
    sums = list(accumulate(widths[start:stop], initial=0.0))
    first_over = bisect_right(sums, limit)  # the first m with sums[m] > limit
    while first_over == len(sums) and stop < n:  # everything so far fits: sum further
        more = min(n, stop + max(room, stop - start))
        sums.extend(islice(accumulate(widths[stop:more], initial=sums[-1]), 1, None))
        stop = more
        first_over = bisect_right(sums, limit)
    if first_over == len(sums):
        return n, sums
    j = max(start + first_over - 1, start + 1)
    while j < n and space[j]:
        j += 1
    return j, sums


def _ends_digit(text: str) -> bool:
    return bool(text) and text[-1].isdigit() and text[-1].isascii()


def _starts_digit(text: str) -> bool:
    return bool(text) and text[0].isdigit() and text[0].isascii()


def glued(before: str, after: str, before2: str = "") -> bool:
    """True if no line may break between the atoms ``before`` and ``after``.

    ``before2`` is the atom before ``before`` (for ranges: 2021 — 2025).
    """
    if not before or not after:
        return False
    if after[0] in NO_LINE_START or after[0] in "·・" or (after in CONNECTING_DASHES):
        return True                       # closing marks, 间隔号, a lone connecting dash
    if before[-1] in NO_LINE_END:
        return True                       # opening marks
    if _ends_digit(before) and after[0] in UNITS:
        return True                       # 28|号, 5.1|％
    if before in CONNECTING_DASHES and _starts_digit(after) and _ends_digit(before2):
        return True                       # 2021—|2025
    return before[-1] == "〕" and _starts_digit(after)   # 〔2019〕|28号


def _illegal(texts: Sequence[str], k: int) -> bool:
    """Breaking before atom ``k`` (of these texts) would break one of the rules above."""
    return glued(texts[k - 1], texts[k], texts[k - 2] if k >= 2 else "")


def short_last_line(text: str) -> bool:
    """A paragraph's last line so short (one or two characters) it must not open a page alone."""
    return 0 < len(text.strip()) <= 2


def _content_width(texts: Sequence[str], widths: Sequence[float], space: Sequence[bool],
                   start: int, end: int,
                   tab_width: Callable[[int, float, bool], float] | None, first: bool) -> float:
    x = 0.0
    last = 0.0
    for i in range(start, end):
        w = tab_width(i, x, first) if (tab_width and texts[i] == "\t") else widths[i]
        x += w
        if not space[i]:
            last = x
    return last


def trim_trailing(atoms: Sequence[AtomLike], start: int, end: int) -> int:
    """The end index of a line without its trailing spaces."""
    while end > start and _is_space(atoms[end - 1].text):
        end -= 1
    return end


def justify_gap(atoms: Sequence[AtomLike], line: Line, width: float,
                end: int | None = None) -> float:
    """Extra space per inter-atom gap that makes ``line`` exactly ``width`` wide (``end``:
    where the line ends without its trailing spaces, if the caller knows)."""
    if end is None:
        end = trim_trailing(atoms, line.start, line.end)
    gaps = end - line.start - 1
    slack = width - line.width
    if gaps <= 0 or slack <= 0:
        return 0.0
    return slack / gaps
