"""Data tests for the seed file ``data/2022-如东县法治政府建设情况报告.yaml``.

These read the YAML with PyYAML only (no docgen loader) and check that the
transcription is complete, correctly structured and free of the web copy's
typing errors.  The strongest test rebuilds the report's paragraphs from the
data and compares them with the web copy (``tests/fixtures/seed_webcopy.txt``)
after applying exactly the corrections the data file documents.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
WEBCOPY = Path(__file__).resolve().parent / "fixtures" / "seed_webcopy.txt"

CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》"
CN_NUM = "一二三四五六七八九十"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def _texts(node: Any, path: str = "body"):
    """Yield (yaml_path, string) for every piece of prose in the body."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _texts(child, f"{path}[{i}]")
    elif isinstance(node, dict):
        for key in ("heading", "text"):
            if key in node:
                yield f"{path}.{key}", node[key]
        for key in ("body", "enumerate"):
            if key in node:
                yield from _texts(node[key], f"{path}.{key}")


def _items(node: Any, depth: int = 0):
    """Yield (level, node) for every heading node, level = explicit or depth."""
    if isinstance(node, list):
        for child in node:
            yield from _items(child, depth + 1)
    elif isinstance(node, dict) and "heading" in node:
        yield node.get("level", depth), node
        yield from _items(node.get("body", []), depth)


def test_meta(data):
    meta = data["meta"]
    assert data["template"] == "report"
    assert meta["title"] == "2022年如东县法治政府建设情况报告"
    assert meta["issuer"] == "如东县人民政府"
    assert meta["year"] == 2022
    assert str(meta["date"]) == "2023-03-13"
    assert "recipients" not in meta
    assert meta["keywords"]
    assert data["numbering"] == {"continue": [3]}


def test_structure_counts(data):
    body = data["body"]
    top = [n for n in body if isinstance(n, dict)]
    assert [n["heading"] for n in top] == [
        "工作成效", "主要负责人履行第一责任人职责", "存在不足", "2023年工作打算"]
    assert len(top[0]["body"]) == 9
    levels = [lvl for lvl, _ in _items(body)]
    assert levels.count(1) == 4
    assert levels.count(3) == 22
    # 9 level-2 headings under 一, and 4 run-in level-2 headings under 四
    assert levels.count(2) == 13
    assert all(n.get("level", 2) == 2 and "body" in n for n in top[0]["body"])
    assert all("text" in n and "body" not in n for n in top[3]["body"])
    # items 20–22 sit directly under 二 and say so
    assert [n.get("level") for n in top[1]["body"]] == [3, 3, 3]
    enum = [n for n in top[2]["body"] if "enumerate" in n]
    assert len(enum) == 1 and len(enum[0]["enumerate"]) == 3


def test_no_halfwidth_punctuation_beside_cjk(data):
    bad = re.compile(rf"(?<=[{CJK}])\s*[,;:()?<>]|[,;:()?<>]\s*(?=[{CJK}])")
    offenders = [(p, t) for p, t in _texts(data["body"]) if bad.search(t)]
    offenders += [("meta.title", data["meta"]["title"])] if bad.search(data["meta"]["title"]) else []
    assert offenders == []


def test_no_stray_spaces_or_doubled_words_or_hyphen_ranges(data):
    for path, text in _texts(data["body"]):
        prose = re.sub(r"\{\{.*?\}\}", "", text)
        assert " " not in prose, path
        assert "优化优化" not in prose, path
        assert not re.search(r"\d{4}-\d{4}", prose), path
        assert "?" not in prose, path


def test_no_hand_typed_numbering(data):
    numbering = re.compile(
        rf"^\s*([{CN_NUM}]+[、是]|[（(][{CN_NUM}\d]+[)）]|\d+[.、．])")
    assert [(p, t) for p, t in _texts(data["body"]) if numbering.match(t)] == []


def test_paragraphs_end_with_full_stop(data):
    for path, text in _texts(data["body"]):
        if path.endswith(".heading") and "text" not in path:
            continue
        assert text.endswith("。"), path


def test_every_figure_reference_is_defined_and_every_figure_used(data):
    figures = data["figures"]
    used = set()
    for path, text in _texts(data["body"]):
        for name in re.findall(r"\{\{\s*figures\.(\S+?)\s*\}\}", text):
            assert name in figures, (path, name)
            used.add(name)
    computed_inputs = {n for spec in figures.values() if isinstance(spec, dict)
                       for v in spec.values() if isinstance(v, list) for n in v}
    checked = {n for c in data["checks"] for v in c.values()
               for n in (v if isinstance(v, list) else [v])}
    assert set(figures) - used - computed_inputs - checked == set()


def test_no_bare_statistics_in_text(data):
    """Digits left in prose are only years (2020—2023) and the 12345 hotline."""
    for path, text in _texts(data["body"]):
        prose = re.sub(r"\{\{.*?\}\}", "", text)
        for number in re.findall(r"\d+(?:\.\d+)?", prose):
            assert number in {"2020", "2021", "2022", "2023", "2025", "12345"}, (path, number)


def _figure_text(figures: dict[str, Any], name: str) -> str:
    spec = figures[name]
    if isinstance(spec, dict):
        return str(sum(figures[n] for n in spec["sum"]))
    return str(spec)


def _rebuild(data: dict[str, Any]) -> list[str]:
    """The report's paragraphs as the web copy prints them, numbering included."""
    figures = data["figures"]
    counters = {1: 0, 2: 0, 3: 0}
    out: list[str] = [data["meta"]["title"]]

    def fill(text: str) -> str:
        return re.sub(r"\{\{\s*figures\.(\S+?)\s*\}\}",
                      lambda m: _figure_text(figures, m.group(1)), text)

    def walk(nodes: list[Any], depth: int) -> None:
        for node in nodes:
            if isinstance(node, str):
                out.append(fill(node))
            elif "enumerate" in node:
                out.extend(f"{CN_NUM[i]}是{fill(t)}" for i, t in enumerate(node["enumerate"]))
            else:
                level = node.get("level", depth)
                counters[level] += 1
                if level == 1:
                    counters[2] = 0
                if level == 2:
                    number = f"({CN_NUM[counters[2] - 1]})"
                elif level == 1:
                    number = f"{CN_NUM[counters[1] - 1]}、"
                else:
                    number = f"{counters[3]}."
                out.append(number + fill(node["heading"]) + fill(node.get("text", "")))
                walk(node.get("body", []), depth + 1)

    walk(data["body"], 1)
    return out


def _corrected_webcopy() -> list[str]:
    """The web copy with exactly the corrections documented in the data file."""
    lines = [ln.strip() for ln in WEBCOPY.read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines[1:] if ln and not ln.startswith("来源:")]
    fixed = []
    for ln in lines:
        # numbering brackets stay half-width here because _rebuild prints them so
        head = re.match(r"^\([一二三四五六七八九]\)", ln)
        prefix, rest = (head.group(0), ln[head.end():]) if head else ("", ln)
        rest = rest.replace("优化优化", "优化").replace("万事好通?如来如愿", "万事好通·如来如愿")
        rest = re.sub(r"(\d{4})-(\d{4})", r"\1—\2", rest)
        rest = re.sub(r"(?<=[,\u4e00-\u9fff]) (?=\d)|(?<=\d) (?=[\u4e00-\u9fff])", "", rest)
        rest = rest.translate(str.maketrans({",": "，", ";": "；", ":": "：", "(": "（",
                                             ")": "）", "<": "〈", ">": "〉"}))
        if rest.endswith("万余人"):
            rest += "。"
        fixed.append(prefix + rest)
    return fixed


def test_transcription_is_complete_and_in_order(data):
    rebuilt = _rebuild(data)
    expected = _corrected_webcopy()
    assert len(rebuilt) == len(expected)
    for got, want in zip(rebuilt, expected, strict=True):
        assert got == want
