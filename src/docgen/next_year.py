"""Write next year's data file from this year's (``docgen next-year``).

Takes a data file; returns the text of next year's file, made by a
ruamel.yaml round trip so comments, key order and quoting survive:

* ``meta.year`` + 1; this year's and next year's mentions (``2023年`` and
  ``2024年``, also ``（2024年版）``) advanced by one in the title, headings,
  texts, 一是 entries, table cells and attachments alike — never inside a
  range (``2021—2025年``) or a figure reference; other years are left for
  ``docgen check`` to flag;
* ``meta.date`` and ``meta.doc_number`` cleared and marked ``# TODO 请填写``
  (the build then says 还没有填写);
* ``previous:`` set to this year's file (relative to the new file), so
  year-over-year figures (``change``, ``growth_text`` …) work;
* every given figure kept as a marked default, ``{unconfirmed: 97.7}``:
  the clerk types only the numbers that changed, and until each is confirmed
  (written as a plain value) ``build`` and ``check`` list it as 仍是上年的数值;
  computed, year-over-year and spreadsheet figures and ``checks`` kept
  (spreadsheet figures marked for review);
* the body kept, with a comment asking to review every paragraph.

Running it again on its own output does not stack comments or wrappers: the
marks it wrote are removed before new ones are written.

:func:`write_next_year` writes it atomically and never replaces an existing
file unless ``force`` is given.  :func:`carried_figures` is what ``load``
calls to read the marked defaults.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docgen.errors import DataError, DocgenWarning, Location

__all__ = ["NextYear", "UNCONFIRMED", "advance_years", "carried_figures", "carried_warning",
           "make_next_year", "next_year_path", "write_next_year"]

TODO = "TODO 请填写"
#: The key of a figure carried over from last year and not yet confirmed.
UNCONFIRMED = "unconfirmed"
CARRIED_NOTE = "上年数值，待确认：核对后改成今年的数字"
#: Computed kinds that stay as they are next year.
KEEP_KINDS = ("sum", "diff", "rate", "previous", "change", "change_text", "growth", "growth_text")
#: The beginnings of every comment this module writes (removed before writing them again).
OWN_MARKS = (TODO, "请核对", CARRIED_NOTE, "上年数值", "请确认表格已更新", "上一年（")
_OWN_LINES = (re.compile(r"^# \d{4}年数据文件：由 docgen next-year 根据 .* 生成。$"),
              re.compile(r"^# 标有“TODO 请填写”的地方请填写"),
              re.compile(r"^\s*# 以下正文沿用\d{4}年的文字，请逐段修改"),
              re.compile(r"^\s*# 数字请写在上面的 figures 中，用 \{\{ figures\.名称 \}\} 引用。$"))
_OWN_EOL = re.compile(r"\s+#\s*(?:" + "|".join(re.escape(m) for m in OWN_MARKS) + r")[^；\n]*(?:；\s*)?")


@dataclass(frozen=True)
class NextYear:
    """Next year's file: its text and what was done, for the command's report."""

    text: str
    year: int
    carried: tuple[str, ...]        # figures kept as last year's value, to be confirmed
    kept: tuple[str, ...]           # computed / table figures kept
    review: tuple[str, ...]         # places marked for review (YAML paths)
    advanced: int = 0               # year mentions advanced in the text


# --------------------------------------------------------------------------
# Reading the marked defaults (used by load and diff; no ruamel needed)
# --------------------------------------------------------------------------


def _is_carried(value: Any) -> bool:
    return isinstance(value, Mapping) and list(value) == [UNCONFIRMED]


def carried_figures(raw: Mapping[Any, Any]) -> tuple[dict[Any, Any], list[str]]:
    """``figures:`` with each ``{unconfirmed: v}`` read as ``v``; and those names."""
    out: dict[Any, Any] = {}
    names: list[str] = []
    for name, value in raw.items():
        if _is_carried(value):
            out[name] = value[UNCONFIRMED]
            names.append(str(name))
        else:
            out[name] = value
    return out, names


def carried_warning(names: list[str], raw: Mapping[Any, Any], locate) -> DocgenWarning | None:
    """One warning listing the figures that are still last year's values."""
    if not names:
        return None
    shown = "、".join(f"{n}（{raw[n][UNCONFIRMED]}）" for n in names[:8])
    more = f"等 {len(names)} 项" if len(names) > 8 else f"共 {len(names)} 项"
    first = names[0]
    return DocgenWarning(
        f"这些数字仍是上年的数值，还没有确认：{shown}{more}。",
        locate(("figures", first)),
        f"逐项核对：把 {first}: {{unconfirmed: {raw[first][UNCONFIRMED]}}} 改成今年的数字，"
        f"如 {first}: 今年的数值；数值确实没有变化时写 {first}: {raw[first][UNCONFIRMED]}")


# --------------------------------------------------------------------------
# Advancing the year in the text
# --------------------------------------------------------------------------

_RANGE_SIDE = "—–\\-～~至到"


def advance_years(text: str, year: int) -> tuple[str, int]:
    """``text`` with ``year年`` and ``year+1年`` advanced by one; (new text, count).

    Ranges (``2021—2025年``, ``2021年至2023年``) and ``{{ … }}`` references stay.
    """
    pattern = re.compile(rf"(?<![\d{_RANGE_SIDE}])({year}|{year + 1})(?=年)(?!年?[{_RANGE_SIDE}]\d)")
    count = 0
    out: list[str] = []
    pos = 0
    for ref in [*re.finditer(r"\{\{.*?\}\}|\{%.*?%\}", text, re.S), None]:
        end = ref.start() if ref else len(text)
        piece = text[pos:end]

        def bump(m: re.Match[str]) -> str:
            nonlocal count
            count += 1
            return str(int(m.group(1)) + 1)

        out.append(pattern.sub(bump, piece))
        if ref:
            out.append(ref.group(0))
            pos = ref.end()
    return "".join(out), count


def next_year_path(source: Path, year: int) -> Path:
    """Default output name: the source's name with its year advanced, in the same folder."""
    name = source.name
    if str(year) in name:
        return source.with_name(name.replace(str(year), str(year + 1), 1))
    return source.with_name(f"{source.stem}-{year + 1}{source.suffix}")


def strip_own_marks(text: str) -> str:
    """The data text without the comments an earlier next-year run wrote."""
    lines = []
    for line in text.splitlines(keepends=True):
        if any(p.match(line.rstrip("\n")) for p in _OWN_LINES):
            continue
        body, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        stripped = _OWN_EOL.sub(lambda m: "  # " if m.group(0).endswith(("；", "； ")) else "", body)
        stripped = re.sub(r"  # \s*$", "", stripped)
        lines.append(stripped + newline)
    return "".join(lines)


def _mark(mapping, key: Any, note: str) -> None:
    """Put ``# note`` at the end of ``key``'s line, keeping any comment already there."""
    from ruamel.yaml.tokens import CommentToken  # noqa: PLC0415

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


def _advance_strings(node: Any, year: int, skip_top: frozenset[str] = frozenset()) -> int:
    """Advance year mentions in every string of a ruamel tree, in place; the count."""
    count = 0
    if isinstance(node, dict):
        for key in list(node.keys()):
            if key in skip_top:
                continue
            value = node[key]
            if isinstance(value, str):
                new, n = advance_years(str(value), year)
                if n:
                    node[key] = type(value)(new) if type(value) is not str else new
                    count += n
            else:
                count += _advance_strings(value, year)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str):
                new, n = advance_years(str(value), year)
                if n:
                    node[i] = type(value)(new) if type(value) is not str else new
                    count += n
            else:
                count += _advance_strings(value, year)
    return count


def _carry(figures, name: Any, value: Any, year: int) -> None:
    """Replace a plain figure by ``{unconfirmed: value}`` (flow style, on its line)."""
    from ruamel.yaml.comments import CommentedMap  # noqa: PLC0415

    wrapped = CommentedMap([(UNCONFIRMED, value)])
    wrapped.fa.set_flow_style()
    figures[name] = wrapped
    _mark(figures, name, f"{CARRIED_NOTE}（{year}年为 {value}）")


def _advance(tree, source: Path, out: Path) -> NextYear:
    from ruamel.yaml.comments import CommentedMap  # noqa: PLC0415

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
    advanced = _advance_strings(meta, year, frozenset({"year", "date", "doc_number", "print_date",
                                                       "seal"}))
    if isinstance(meta.get("title"), str) and meta.get("title") != title:
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

    carried: list[str] = []
    kept: list[str] = []
    figures = tree.get("figures")
    if isinstance(figures, CommentedMap):
        for name in list(figures.keys()):
            value = figures[name]
            if _is_carried(value):
                value = value[UNCONFIRMED]  # never confirmed last year either: carry it on
            elif isinstance(value, dict) and any(k in value for k in KEEP_KINDS):
                kept.append(str(name))
                continue
            elif isinstance(value, dict) and "from" in value:
                kept.append(str(name))
                _mark(figures, name, f"请确认表格已更新为{year + 1}年数据")
                review.append(f"figures.{name}")
                continue
            if value is None:
                _mark(figures, name, TODO)
            else:
                _carry(figures, name, value, year)
            carried.append(str(name))

    if "body" in tree:
        advanced += _advance_strings(tree["body"], year)
        tree.yaml_set_comment_before_after_key(
            "body", before=f"以下正文沿用{year}年的文字，请逐段修改：年份、数字、工作内容都要核对。\n"
                           "数字请写在上面的 figures 中，用 {{ figures.名称 }} 引用。", indent=0)
        review.append("body")
    return NextYear(text="", year=year + 1, carried=tuple(carried), kept=tuple(kept),
                    review=tuple(review), advanced=advanced)


def make_next_year(source: Path, out: Path | None = None) -> NextYear:
    """Next year's file for ``source``; ``out`` is where it will be written (for ``previous:``)."""
    from ruamel.yaml import YAML  # noqa: PLC0415
    from ruamel.yaml.comments import CommentedMap  # noqa: PLC0415
    from ruamel.yaml.util import load_yaml_guess_indent  # noqa: PLC0415

    from docgen.check import read_round_trip  # noqa: PLC0415

    source = Path(source)
    text, _ = read_round_trip(source)
    text = strip_own_marks(text)
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
              f"# 标有“{TODO}”的地方请填写，标有“{CARRIED_NOTE}”的数字沿用了上年的数值，"
              "标有“请核对”的地方请检查；填好后运行 docgen check 校对。\n")
    return NextYear(header + buffer.getvalue(), result.year, result.carried, result.kept,
                    result.review, result.advanced)


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
