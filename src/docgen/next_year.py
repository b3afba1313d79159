"""Write next year's data file from this year's (``docgen next-year``).

Takes a data file; returns the text of next year's file, made by a
ruamel.yaml round trip so comments, key order and quoting survive:

* ``meta.year`` + 1, the year in ``meta.title`` advanced, ``meta.date`` and
  ``meta.doc_number`` cleared and marked ``# TODO 请填写``;
* ``previous:`` set to this year's file (relative to the new file), so
  year-over-year figures (``change``, ``growth_text`` …) work;
* every given figure cleared to ``null`` with ``# TODO 请填写（上年：97.7）``;
  computed figures, year-over-year figures, spreadsheet figures and
  ``checks`` kept (spreadsheet figures marked for review);
* the body kept, with a comment asking to review every paragraph.

:func:`write_next_year` writes it atomically and never replaces an existing
file unless ``force`` is given.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.tokens import CommentToken
from ruamel.yaml.util import load_yaml_guess_indent

from docgen.check import read_round_trip
from docgen.errors import DataError, Location

__all__ = ["NextYear", "make_next_year", "next_year_path", "write_next_year"]

TODO = "TODO 请填写"
#: Computed kinds that stay as they are next year.
KEEP_KINDS = ("sum", "diff", "rate", "previous", "change", "change_text", "growth", "growth_text")


@dataclass(frozen=True)
class NextYear:
    """Next year's file: its text and what was done, for the command's report."""

    text: str
    year: int
    cleared: tuple[str, ...]        # figures cleared to be filled in
    kept: tuple[str, ...]           # computed / table figures kept
    review: tuple[str, ...]         # places marked for review (YAML paths)


def next_year_path(source: Path, year: int) -> Path:
    """Default output name: the source's name with its year advanced, in the same folder."""
    name = source.name
    if str(year) in name:
        return source.with_name(name.replace(str(year), str(year + 1), 1))
    return source.with_name(f"{source.stem}-{year + 1}{source.suffix}")


def _mark(mapping: CommentedMap, key: Any, note: str) -> None:
    """Put ``# note`` at the end of ``key``'s line, keeping any comment already there."""
    items = mapping.ca.items.get(key)
    token = items[2] if items and len(items) > 2 else None
    if isinstance(token, CommentToken):
        value = token.value
        if value.startswith("\n") or not value.strip():
            token.value = f"  # {note}{value}"
        else:
            token.value = f"  # {note}；{value.lstrip().lstrip('#').lstrip()}"
        return
    mapping.yaml_add_eol_comment(note, key)


def _relative(target: Path, start: Path) -> str:
    try:
        return Path(os.path.relpath(target.resolve(), start.resolve())).as_posix()
    except ValueError:  # pragma: no cover - different drives on Windows
        return str(target.resolve())


def _figure_text(value: Any) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _advance(tree: CommentedMap, source: Path, out: Path) -> NextYear:
    where = str(source)
    meta = tree.get("meta")
    if not isinstance(meta, CommentedMap) or isinstance(meta.get("year"), bool) \
            or not isinstance(meta.get("year"), int):
        line, col = (tree.lc.key("meta") if isinstance(meta, CommentedMap) else (0, 0))
        raise DataError("数据文件没有写年度（meta.year），无法生成下一年的文件。",
                        location=Location(file=where, line=line + 1, column=col + 1, path="meta.year"),
                        fix="在 meta 下写 year: 2022 这样的年度。")
    year = int(meta["year"])
    review: list[str] = []
    meta["year"] = year + 1
    title = meta.get("title")
    if isinstance(title, str) and str(year) in title:
        meta["title"] = type(title)(re.sub(rf"(?<!\d){year}(?!\d)", str(year + 1), title))
        _mark(meta, "title", "请核对标题")
        review.append("meta.title")
    for key, note in (("date", f"{TODO}成文日期，如 {year + 2}-03-13"), ("doc_number", f"{TODO}发文字号")):
        if key in meta:
            meta[key] = None
            _mark(meta, key, note)
            review.append(f"meta.{key}")

    previous = _relative(source, out.parent)
    if "previous" in tree:
        tree["previous"] = previous
    else:
        position = list(tree.keys()).index("meta") + 1 if "meta" in tree else 0
        tree.insert(position, "previous", previous)
    _mark(tree, "previous", f"上一年（{year}年）的数据文件，供上年对比")

    cleared: list[str] = []
    kept: list[str] = []
    figures = tree.get("figures")
    if isinstance(figures, CommentedMap):
        for name in list(figures.keys()):
            value = figures[name]
            if isinstance(value, dict) and any(k in value for k in KEEP_KINDS):
                kept.append(str(name))
                continue
            if isinstance(value, dict) and "from" in value:
                kept.append(str(name))
                _mark(figures, name, f"请确认表格已更新为{year + 1}年数据")
                review.append(f"figures.{name}")
                continue
            figures[name] = None
            last = f"（上年：{_figure_text(value)}）" if value is not None else ""
            _mark(figures, name, f"{TODO}{last}")
            cleared.append(str(name))

    if "body" in tree:
        tree.yaml_set_comment_before_after_key(
            "body", before=f"以下正文沿用{year}年的文字，请逐段修改：年份、数字、工作内容都要核对。\n"
                           "数字请写在上面的 figures 中，用 {{ figures.名称 }} 引用。", indent=0)
        review.append("body")
    return NextYear(text="", year=year + 1, cleared=tuple(cleared), kept=tuple(kept),
                    review=tuple(review))


def make_next_year(source: Path, out: Path | None = None) -> NextYear:
    """Next year's file for ``source``; ``out`` is where it will be written (for ``previous:``)."""
    source = Path(source)
    text, _ = read_round_trip(source)
    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 10**6
    yaml.indent(mapping=2, sequence=indent or 2, offset=block_seq_indent or 0)
    tree = yaml.load(text)
    if not isinstance(tree, CommentedMap):
        raise DataError("数据文件的最外层应当是映射（meta:、body: 等）。", location=Location(file=str(source)),
                        fix="参照 docs/data-format.md 的示例书写。")
    meta = tree.get("meta")
    year = meta.get("year") if isinstance(meta, CommentedMap) else None
    target = out if out is not None else next_year_path(source, year if isinstance(year, int) else 0)
    result = _advance(tree, source, target)
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    header = (f"# {result.year}年数据文件：由 docgen next-year 根据 {source.name} 生成。\n"
              f"# 标有“{TODO}”的地方请填写，标有“请核对”的地方请检查；填好后运行 docgen check 校对。\n")
    return NextYear(header + buffer.getvalue(), result.year, result.cleared, result.kept, result.review)


def write_next_year(source: Path, out: Path | None = None, *, force: bool = False) -> tuple[Path, NextYear]:
    """Write next year's file (default name: year advanced); refuse to overwrite unless ``force``."""
    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    source = Path(source)
    result = make_next_year(source, out)
    target = Path(out) if out is not None else next_year_path(source, result.year - 1)
    if target.resolve() == source.resolve():
        raise DataError("输出文件与原数据文件相同，不能覆盖原文件。", location=Location(file=str(target)),
                        fix="用 --out 指定另一个文件名。")
    if target.exists() and not force:
        raise DataError("输出文件已经存在，未覆盖。", location=Location(file=str(target)),
                        fix="用 --out 指定另一个文件名；确实要覆盖时加 --force。")
    atomic_write_bytes(target, result.text.encode("utf-8"))
    return target, result
