"""Title breaking: table-driven cases of real-style titles, and the rules every result keeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docgen.elements.title_lines import (
    DEFAULT_MAX_EM,
    GOOD,
    STRONG,
    break_points,
    em_width,
    title_lines,
)

CASES = [
    # short titles stay on one line
    ("2022年如东县法治政府建设情况报告", ["2022年如东县法治政府建设情况报告"]),
    ("关于召开全县安全生产工作会议的通知", ["关于召开全县安全生产工作会议的通知"]),
    # the issuer on its own line, 关于 opening the next
    ("如东县人民政府关于2022年法治政府建设情况的报告",
     ["如东县人民政府", "关于2022年法治政府建设情况的报告"]),
    # 20 ems plus the quarter ems around the digits do not fit after the issuer
    ("如东县人民政府关于请求拨付2023年农村公路建设专项资金的请示",
     ["如东县人民政府关于请求拨付", "2023年农村公路建设专项资金的请示"]),
    # a book title is never split: diamond around it
    ("关于印发《如东县2023年法治政府建设工作要点》的通知",
     ["关于印发", "《如东县2023年法治政府建设工作要点》", "的通知"]),
    # two lines where two fit, between words
    ("如东县人民政府办公室关于做好2023年度防汛防旱、安全生产和森林防火工作的通知",
     ["如东县人民政府办公室关于做好2023年度", "防汛防旱、安全生产和森林防火工作的通知"]),
    # after 转发, before what is forwarded
    ("如东县人民政府办公室关于转发县财政局2023年度预算管理意见的通知",
     ["如东县人民政府办公室关于转发", "县财政局2023年度预算管理意见的通知"]),
]


@pytest.mark.parametrize(("title", "expected"), CASES)
def test_title_lines(title: str, expected: list[str]) -> None:
    assert title_lines(title) == expected


@pytest.mark.parametrize(("title", "position", "kind"), [
    ("如东县人民政府关于2022年工作的报告", 7, STRONG),  # before 关于, after the issuer
    ("如东县人民政府关于2022年工作的报告", 16, GOOD),   # before 的报告
    ("关于做好防汛和抗旱工作的通知", 6, GOOD),          # before 和
])
def test_break_point_kinds(title: str, position: int, kind: float) -> None:
    assert break_points(title)[position] == kind


def test_never_breaks_inside_book_title_or_number() -> None:
    title = "关于印发《如东县2023年法治政府建设工作要点》的通知"
    points = break_points(title)
    start, end = title.index("《"), title.index("》")
    assert not [p for p in points if start < p <= end]
    assert not [p for p in points if title[p - 1].isdigit() and title[p].isdigit()]


@given(st.text(alphabet="如东县人民政府关于做好年度工作的通知、和《》2023", min_size=1, max_size=60))
def test_lines_rejoin_to_the_title_and_fit(title: str) -> None:
    lines = title_lines(title)
    assert "".join(lines) == title.strip()
    if len(lines) > 1:
        # a line may only overhang by punctuation that must not start a line (避头)
        assert all(em_width(line.rstrip("》”’）〕】、，。；：！？")) <= 20 for line in lines)


@pytest.mark.parametrize("title", ["、和" * 150, "关于" + "一" * 985 + "的通知", "国" * 5000],
                         ids=["many-break-points", "986-characters", "5000-characters"])
def test_very_long_titles_are_wrapped(title: str) -> None:
    """Found by the long property run: a long title with many break points made the
    search over line breaks combinatorial (build hung). Now it is wrapped line by line."""
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(em_width(line) <= DEFAULT_MAX_EM for line in lines)
    assert all(em_width(line) > DEFAULT_MAX_EM - 2 for line in lines[:-1])  # filled
