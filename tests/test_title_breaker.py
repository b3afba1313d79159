"""The title breaker on published titles of Chinese governments (通知, 报告, 意见, 请示 …).

Each row is a real title (some paraphrased) and the lines it must come out as, judged
by eye against GB/T 9704 §7.3.1; every result also keeps the rules the standard and
the issue ask for, checked independently of the expected lines.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from docgen.elements.title_lines import DEFAULT_MAX_EM, em_width, title_lines, words

TITLES = [
    ('国务院办公厅关于印发全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案的通知',
     ['国务院办公厅关于印发全国深化', '“放管服”改革着力培育和激发市场主体', '活力电视电话会议重点任务分工方案的通知']),
    ('国务院关于印发“十四五”数字经济发展规划的通知',
     ['国务院关于印发“十四五”', '数字经济发展规划的通知']),
    ('国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见',
     ['国务院办公厅关于进一步优化营商环境', '降低市场主体制度性交易成本的意见']),
    ('中共中央办公厅、国务院办公厅关于加强新时代法治人才培养的意见',
     ['中共中央办公厅、国务院办公厅', '关于加强新时代法治人才培养的意见']),
    ('北京市人民政府关于2022年法治政府建设情况的报告',
     ['北京市人民政府', '关于2022年法治政府建设情况的报告']),
    ('上海市人民政府关于2021年度法治政府建设情况的报告',
     ['上海市人民政府', '关于2021年度法治政府建设情况的报告']),
    ('广州市人民政府办公厅关于印发广州市推进法治政府建设实施方案（2021—2025年）的通知',
     ['广州市人民政府办公厅', '关于印发广州市推进法治政府建设', '实施方案（2021—2025年）的通知']),
    ('南京市人民政府关于2022年度法治政府建设工作情况的报告',
     ['南京市人民政府关于2022年度', '法治政府建设工作情况的报告']),
    ('苏州市人民政府关于进一步加强安全生产工作的通知',
     ['苏州市人民政府', '关于进一步加强安全生产工作的通知']),
    ('杭州市人民政府办公厅关于做好2023年度防汛防台工作的通知',
     ['杭州市人民政府办公厅', '关于做好2023年度防汛防台工作的通知']),
    ('如皋市人民政府关于请求批准如皋港区总体规划调整的请示',
     ['如皋市人民政府关于请求批准', '如皋港区总体规划调整的请示']),
    ('海安市人民政府关于申请设立海安经济技术开发区综合保税区的请示',
     ['海安市人民政府关于申请设立海安', '经济技术开发区综合保税区的请示']),
    ('江苏省人民政府关于深入推进数字政府建设的实施意见',
     ['江苏省人民政府', '关于深入推进数字政府建设的实施意见']),
    ('浙江省人民政府办公厅关于加快推进农村生活污水治理“强基增效双提标”行动的实施意见',
     ['浙江省人民政府办公厅关于加快推进农村生活', '污水治理“强基增效双提标”行动的实施意见']),
    ('成都市人民政府关于印发成都市“十四五”城市健康发展规划的通知',
     ['成都市人民政府关于印发成都市', '“十四五”城市健康发展规划的通知']),
    ('南通市人民政府办公室关于转发市司法局南通市行政规范性文件管理办法的通知',
     ['南通市人民政府办公室关于转发市司法局', '南通市行政规范性文件管理办法的通知']),
    ('国务院关于同意在天津、上海、海南、重庆开展营商环境创新试点工作的批复',
     ['国务院关于同意在天津、上海、海南、', '重庆开展营商环境创新试点工作的批复']),
    ('财政部、税务总局关于进一步实施小微企业所得税优惠政策的公告',
     ['财政部、税务总局关于进一步实施', '小微企业所得税优惠政策的公告']),
    ('启东市人民政府关于2022年度法治政府建设工作情况的报告',
     ['启东市人民政府关于2022年度', '法治政府建设工作情况的报告']),
    ('中共如东县委、如东县人民政府关于全面推进乡村振兴加快农业农村现代化的实施意见',
     ['中共如东县委、如东县人民政府关于全面推进', '乡村振兴加快农业农村现代化的实施意见']),
    ('国务院办公厅关于印发新污染物治理行动方案的通知',
     ['国务院办公厅', '关于印发新污染物治理行动方案的通知']),
    ('湖北省人民政府关于加快建设全国构建新发展格局先行区的实施意见',
     ['湖北省人民政府关于加快建设全国', '构建新发展格局先行区的实施意见']),
    ('宁波市人民政府关于印发宁波市国土空间总体规划（2021—2035年）的通知',
     ['宁波市人民政府关于印发宁波市国土空间', '总体规划（2021—2035年）的通知']),
    ('武汉市人民政府办公厅关于进一步做好稳就业工作的通知',
     ['武汉市人民政府办公厅', '关于进一步做好稳就业工作的通知']),
    ('长沙市人民政府关于请求审批长沙市城市轨道交通第三期建设规划（2022—2027年）的请示',
     ['长沙市人民政府', '关于请求审批长沙市城市轨道交通第三期', '建设规划（2022—2027年）的请示']),
    ('厦门市人民政府关于2022年度法治政府建设情况的报告',
     ['厦门市人民政府', '关于2022年度法治政府建设情况的报告']),
    ('国务院关于加强数字政府建设的指导意见',
     ['国务院关于加强数字政府建设的指导意见']),
    ('青岛市人民政府关于进一步深化行政审批制度改革的意见',
     ['青岛市人民政府', '关于进一步深化行政审批制度改革的意见']),
    ('重庆市人民政府办公厅关于印发重庆市深化“放管服”改革优化营商环境实施方案的通知',
     ['重庆市人民政府办公厅关于印发重庆市深化', '“放管服”改革优化营商环境实施方案的通知']),
    ('合肥市人民政府关于表彰2022年度全市安全生产工作先进集体和先进个人的通报',
     ['合肥市人民政府关于表彰2022年度全市', '安全生产工作先进集体和先进个人的通报']),
    ('无锡市人民政府关于公布第八批市级非物质文化遗产代表性项目名录的通知',
     ['无锡市人民政府关于公布第八批市级', '非物质文化遗产代表性项目名录的通知']),
    ('如东县人民政府关于2023年度法治政府建设情况的报告',
     ['如东县人民政府', '关于2023年度法治政府建设情况的报告']),
    ('如东县人民政府办公室关于做好2023年度防汛防旱、安全生产和森林防火工作的通知',
     ['如东县人民政府办公室关于做好2023年度', '防汛防旱、安全生产和森林防火工作的通知']),
    ('泰州市人民政府关于加快推进城市更新工作的实施意见',
     ['泰州市人民政府', '关于加快推进城市更新工作的实施意见']),
    ('如东县人民政府关于请求拨付2023年农村公路建设专项资金的请示',
     ['如东县人民政府关于请求拨付', '2023年农村公路建设专项资金的请示']),
    ('国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知',
     ['国务院关于深化“证照分离”改革', '进一步激发市场主体发展活力的通知']),
]
PAIRS = {"（": "）", "〔": "〕", "《": "》", "“": "”"}


@pytest.mark.parametrize(("title", "expected"), TITLES, ids=[t[:12] for t, _ in TITLES])
def test_published_titles(title: str, expected: list[str]) -> None:
    assert title_lines(title) == expected


@pytest.mark.parametrize(("title", "_expected"), TITLES, ids=[t[:12] for t, _ in TITLES])
def test_rules_every_result_keeps(title: str, _expected: list[str]) -> None:
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(em_width(line) <= DEFAULT_MAX_EM for line in lines)
    if len(lines) == 1:
        return
    assert all(len(line) >= 3 for line in lines), lines  # never “…情况报 / 告”
    cuts = {sum(map(len, lines[:k])) for k in range(1, len(lines))}
    word_starts = {0}
    for w in words(title):
        word_starts.add(max(word_starts) + len(w))
    assert cuts <= word_starts, "broken inside a word"
    for cut in cuts:
        head = title[:cut]
        for opening, closing in PAIRS.items():
            assert head.count(opening) == head.count(closing), f"broken inside {opening}{closing}"
        assert not head[-1].isdigit(), "a number left without its unit"
    widths = [em_width(line) for line in lines]
    rises = [b - a for a, b in zip(widths, widths[1:], strict=False)]
    peak = widths.index(max(widths))
    trapezoid = all(r >= 0 for r in rises) or all(r <= 0 for r in rises)
    diamond = all(r >= 0 for r in rises[:peak]) and all(r <= 0 for r in rises[peak:])
    assert trapezoid or diamond, lines


def test_the_cases_cover_two_and_three_lines_and_the_genres() -> None:
    counts = {len(lines) for _, lines in TITLES}
    assert {1, 2, 3} <= counts and len(TITLES) >= 30
    for tail in ("的通知", "的报告", "的意见", "的请示"):
        assert any(t.endswith(tail) for t, _ in TITLES)


def test_tails_and_issuer_breaks_are_preferred() -> None:
    """“…的通 / 知” and “…情况报 / 告” never happen; the issuer stands on its own line
    when the rest fits."""
    lines = title_lines("苏州市人民政府关于进一步加强安全生产工作的通知")
    assert lines == ["苏州市人民政府", "关于进一步加强安全生产工作的通知"]
    for _title, got in TITLES:
        assert not any(line in ("知", "告", "示", "见", "通知", "报告", "请示", "意见") for line in got)


def test_jieba_loads_lazily_and_silently() -> None:
    """Importing the breaker or breaking a short title loads no dictionary; a long title
    loads it without a word on stderr."""
    code = ("import sys\n"
            "from docgen.elements.title_lines import title_lines\n"
            "title_lines('2022年如东县法治政府建设情况报告')\n"
            "assert 'jieba' not in sys.modules, 'loaded for a one-line title'\n"
            "print('|'.join(title_lines('如东县人民政府关于2023年度法治政府建设情况的报告')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() == "如东县人民政府|关于2023年度法治政府建设情况的报告"


def test_a_book_title_longer_than_a_line_breaks_between_its_words() -> None:
    """《…》 that cannot fit on one line is broken between its words, never “的实 / 施意见”."""
    title = "如东县人民政府关于印发《如东县关于进一步加强和改进新时代全县法治政府建设工作的实施意见》的通知"
    lines = title_lines(title)
    assert lines == ["如东县人民政府关于印发《如东县", "关于进一步加强和改进新时代全县",
                     "法治政府建设工作的实施意见》的通知"]
    starts, pos = {0}, 0
    for w in words(title):
        pos += len(w)
        starts.add(pos)
    assert {sum(map(len, lines[:k])) for k in (1, 2)} <= starts
