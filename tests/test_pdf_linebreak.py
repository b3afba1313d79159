"""Table-driven tests of Chinese line breaking (docgen.pdf.linebreak), no fonts involved."""

import random
from dataclasses import dataclass

import pytest

from docgen.pdf.linebreak import (
    CJK_RUNS,
    DOUBLED,
    NO_LINE_END,
    NO_LINE_START,
    break_lines,
    clusters,
    is_cjk,
    justify_gap,
)


@dataclass
class A:
    text: str
    width: float


def atoms(text: str, cjk: float = 10.0, latin: float = 5.0) -> list[A]:
    return [A(c, sum(cjk if ord(ch) > 0x2000 else latin for ch in c)) for c in clusters(text)]


def lines_of(text: str, width: float, first: float | None = None) -> list[str]:
    at = atoms(text)
    return ["".join(a.text for a in at[ln.start:ln.end])
            for ln in break_lines(at, width if first is None else first, width)]


@pytest.mark.parametrize("text,expected", [
    ("2022年以来", ["2022", "年", "以", "来"]),
    ("达到98.7%；", ["达", "到", "98.7%", "；"]),
    ("PDF/A 格式", ["PDF/A", " ", "格", "式"]),
    ("他说——好……", ["他", "说", "——", "好", "……"]),
    ("（试行）", ["（", "试", "行", "）"]),
    ("a(b)", ["a", "(b)"]),
])
def test_clusters(text, expected):
    assert clusters(text) == expected


@pytest.mark.parametrize("text,width,expected", [
    # fits exactly: 4 chars of 10 on a 40 line
    ("一二三四五六七八", 40, ["一二三四", "五六七八"]),
    # closing punctuation would start line 2: pull 四 down with it
    ("一二三四。五六七", 40, ["一二三", "四。五六", "七"]),
    # two closing marks in a row: both stay with the character before them
    ("一二三四”。五六", 40, ["一二三", "四”。五", "六"]),
    # opening mark would end line 1: it moves to line 2
    ("一二三《四五》", 40, ["一二三", "《四五》"]),
    # a number is never split
    ("一二三12345", 40, ["一二三", "12345"]),
    # doubled dash stays together
    ("一二三——四", 40, ["一二三", "——四"]),
    # trailing space takes no room
    ("ab cd ef", 25, ["ab cd ", "ef"]),
])
def test_break_lines(text, width, expected):
    assert lines_of(text, width) == expected


@pytest.mark.parametrize("text", [
    "坚持依法履职，加快政府职能转变。优化营商环境工作要求，96.5%的事项实现马上办、当场办；开通一体化政务服务平台，“不见面审批（服务）”改革。",
    "《如东县行政执法辅助人员管理办法（试行）》《如东县乡镇（街道）综合行政执法（辅助）人员管理办法》，“万事好通·如来如愿”。",
])
@pytest.mark.parametrize("width", [40, 50, 70, 90, 130, 280])
def test_no_forbidden_punctuation_at_line_edges(text, width):
    got = lines_of(text, width)
    assert "".join(got) == text
    for i, line in enumerate(got):
        assert sum(a.width for a in atoms(line)) <= width + 0.01 or len(clusters(line)) == 1
        if i > 0:
            assert line[0] not in NO_LINE_START, (line, got)
        if i < len(got) - 1:
            assert line[-1] not in NO_LINE_END, (line, got)


def test_first_line_width_is_separate():
    assert lines_of("一二三四五六", 40, first=20) == ["一二", "三四五六"]


def test_forced_break_and_empty_paragraph():
    at = [A("一", 10), A("\n", 0), A("二", 10)]
    got = break_lines(at, 100, 100, is_break=lambda i: at[i].text == "\n")
    assert [(ln.start, ln.end, ln.forced) for ln in got] == [(0, 1, True), (2, 3, False)]
    assert [(ln.start, ln.end) for ln in break_lines([], 100, 100)] == [(0, 0)]


def test_justify_gap_fills_the_line_exactly():
    at = atoms("一二三四。五六七")
    line = break_lines(at, 40, 40)[0]  # 一二三: 30 wide on a 40 line after the pull-down
    gap = justify_gap(at, line, 40)
    assert gap == pytest.approx(5.0)  # two gaps share the 10 points of slack
    assert line.width + gap * 2 == pytest.approx(40)


@pytest.mark.parametrize("text,width,expected", [
    # a number keeps its unit, % or 号
    ("一二三四28号", 55, ["一二三四", "28号"]),
    ("一二三四五5.1％", 60, ["一二三四五", "5.1％"]),
    ("一二三四36℃", 55, ["一二三四", "36℃"]),
    # a measure word is not a unit sign: Word, LibreOffice and GB practice break before it
    ("一二三四12件", 55, ["一二三四12", "件"]),
    # a range is not split, nor does its dash start a line
    ("一二三2021—2025年", 70, ["一二三", "2021—2025年"]),
    ("一二三四五—六", 50, ["一二三四", "五—六"]),
    ("一二三四五～六", 50, ["一二三四", "五～六"]),
    # a document number stays whole
    ("一二〔2019〕28号", 60, ["一二", "〔2019〕28号"]),
    ("一二三四〔2019〕28号", 80, ["一二三四", "〔2019〕28号"]),
    # 间隔号 never starts a line
    ("一二三四·五", 40, ["一二三", "四·五"]),
    # 破折号 and 省略号 are never split, and may start a line
    ("一二三四——五", 50, ["一二三四", "——五"]),
    ("一二三四……五", 50, ["一二三四", "……五"]),
])
def test_more_kinsoku(text, width, expected):
    assert lines_of(text, width) == expected


def test_short_last_line():
    from docgen.pdf.linebreak import short_last_line

    assert short_last_line("平。") and short_last_line("平")
    assert not short_last_line("平安。") and not short_last_line("")


def _clusters_by_hand(text: str) -> list[str]:
    """The clustering rules written out character by character (the reference for clusters)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in DOUBLED:
            j = i + 1
            while j < n and text[j] == ch:
                j += 1
            out.append(text[i:j])
            i = j
        elif ch.isspace() or is_cjk(ch):
            out.append(ch)
            i += 1
        else:
            j = i + 1
            while j < n and not (is_cjk(text[j]) or text[j].isspace()) \
                    and text[j] not in NO_LINE_END:
                j += 1
            out.append(text[i:j])
            i = j
    return out


def test_clusters_match_the_rules_on_every_code_point_and_mixed_text():
    """clusters() is regular expressions; the rules by hand must give the same cuts."""
    every = "".join(chr(c) for c in range(0x20, 0x40000) if not 0xD800 <= c <= 0xDFFF)
    assert clusters(every) == _clusters_by_hand(every)
    assert all((CJK_RUNS.fullmatch(ch) is not None) == is_cjk(ch) for ch in every)
    rng = random.Random(7)
    alphabet = ("中文，。（）《》——……—…2021—2025 ab(c)$5￥〔2019〕28号%％\t\n\u3000·・é𠀀😀"
                "\u2028£¥[{")
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert clusters(text) == _clusters_by_hand(text), text


def _reference_break(at, first_width, width):
    """The first-fit loop break_lines started as: one Python step per atom."""
    from docgen.pdf.linebreak import EPSILON, glued

    def space(t):
        return t.isspace() and t != "\n"

    def illegal(k):
        return glued(at[k - 1].text, at[k].text, at[k - 2].text if k >= 2 else "")

    out, n, start = [], len(at), 0
    while start < n or not out:
        avail = first_width if not out else width
        x, j = 0.0, start
        while j < n:
            w = at[j].width
            if x + w > avail + EPSILON and not space(at[j].text) and j > start:
                break
            x += w
            j += 1
        end = j
        if start < end < n:
            k = end
            while k > start + 1 and illegal(k):
                k -= 1
            if not illegal(k):
                end = k
        x = last = 0.0
        for i in range(start, end):
            x += at[i].width
            if not space(at[i].text):
                last = x
        out.append((start, end, last))
        start = end
        if start >= n:
            break
    return out


def test_summed_line_breaking_equals_the_loop_it_replaced():
    """Running sums and bisection give exactly the loop's lines and widths (floats included)."""
    rng = random.Random(9704)
    pieces = list("法治政府建设情况报告，。、；：“”（）《》——……") + [" ", "2022", "98.7%", "PDF/A", "\u3000"]
    for _ in range(400):
        at = []
        for _ in range(rng.randint(0, 160)):
            text = rng.choice(pieces)
            width = rng.choice([15.75, 16.0, 8.0, 0.0, 3.3333333, rng.uniform(0, 40)])
            at.append(A(text, width * len(text)))
        first, other = rng.uniform(-5, 450), rng.uniform(10, 450)
        got = [(ln.start, ln.end, ln.width) for ln in break_lines(at, first, other)]
        assert got == _reference_break(at, first, other)
