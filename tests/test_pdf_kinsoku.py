"""禁则 on produced PDFs: every token that must not be split is set at every position around a
line end, and the PDF's lines (read back with pdfplumber) never split it; no page begins with a
paragraph's one- or two-character last line."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml

from docgen.build import build

FILLER = "法治政府建设坚持依法行政深化改革推进治理现代化提升服务水平"  # no kinsoku characters
UNSPLIT = ["〔2019〕28号", "2021—2025年", "5.1％", "28号", "——", "……", "3～5"]
TOKENS = [*UNSPLIT, "万事好通·如来如愿"]   # the 间隔号 may end a line, never start one


def write_data(path: Path, body: list[str]) -> Path:
    data = {"template": "report",
            "meta": {"title": "禁则测试报告", "issuer": "某县人民政府", "year": 2023, "date": "2024-03-01"},
            "body": body}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def page_lines(pdf: Path) -> list[list[str]]:
    with pdfplumber.open(pdf) as doc:
        return [[re.sub(r"\s+", "", line) for line in (page.extract_text() or "").splitlines()
                 if line.strip() and not re.fullmatch(r"[—\-\s\d]+", line.strip())]
                for page in doc.pages]


@pytest.fixture(scope="module")
def token_pdf(tmp_path_factory) -> list[str]:
    tmp = tmp_path_factory.mktemp("kinsoku")
    body = [FILLER[:n] + token + "。" for token in TOKENS for n in range(20, 28)]
    result = build(write_data(tmp / "tokens.yaml", body), out_dir=tmp / "out")
    return [line for page in page_lines(result.pdf) for line in page]


def test_every_token_was_set(token_pdf):
    text = "".join(token_pdf)
    for token in TOKENS:
        assert text.count(token) >= 8, token


def test_no_token_is_split_across_lines(token_pdf):
    for line, nxt in zip(token_pdf, token_pdf[1:], strict=False):
        joint = line[-6:] + "|" + nxt[:6]
        for token in UNSPLIT:
            for cut in range(1, len(token)):
                assert token[:cut] + "|" + token[cut:] not in joint, (token, line, nxt)


def test_no_line_starts_with_a_connecting_dash_or_interpunct(token_pdf):
    for line in token_pdf:
        assert not re.match(r"^(—(?!—)|～|·)", line), line
        assert not re.match(r"^[号％%]", line), line


@pytest.fixture(scope="module")
def orphan_pdf(tmp_path_factory) -> list[list[str]]:
    tmp = tmp_path_factory.mktemp("orphans")
    body: list[str] = []
    for k in range(0, 22):
        body += [FILLER[:26]] * k          # one full first line each (26 characters after the indent)
        body.append(FILLER[:26] + "平。")   # a paragraph whose last line is “平。”
    result = build(write_data(tmp / "orphans.yaml", body), out_dir=tmp / "out")
    return page_lines(result.pdf)


def test_no_page_begins_with_a_two_character_last_line(orphan_pdf):
    assert len(orphan_pdf) >= 8
    for page in orphan_pdf[1:]:
        assert page[0] != "平。", page[:3]


def test_the_rule_was_needed(orphan_pdf):
    """Some page would have begun with 平。: it begins with the paragraph's first line instead."""
    moved = [page for page in orphan_pdf[1:] if page[0] == FILLER[:26] and page[1:2] == ["平。"]]
    assert moved, [page[:2] for page in orphan_pdf]
