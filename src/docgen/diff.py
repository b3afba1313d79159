"""Compare two years' data files (``docgen diff OLD.yaml NEW.yaml``).

Takes two data file paths; returns a :class:`Comparison`: every figure side by
side (last year, this year, change, growth) and the paragraphs added, removed
and changed, in document order.  :func:`format_text` renders it for the
terminal, :func:`write_xlsx` as a workbook a clerk can hand to a leader.

Figures are evaluated as ``build`` does (full-width digits normalised,
next-year's ``{unconfirmed: …}`` defaults read as their value and marked);
a figure that cannot be evaluated yet (not filled in) shows as empty rather
than stopping the comparison.  Paragraphs are the body's and attachments'
headings, texts and 一是 entries as typed, ``{{ figures.… }}`` included, so
a changed figure does not count as a changed paragraph.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from docgen.errors import DataError, Location

__all__ = ["Comparison", "FigureRow", "ParagraphChange", "compare", "format_text", "write_xlsx"]


@dataclass(frozen=True)
class FigureRow:
    name: str
    old: str            # last year's text ("" when absent or not filled in)
    new: str
    change: str         # this year − last year, when both are numbers
    growth: str         # (this − last) ÷ last × 100, one decimal, with %
    unconfirmed: bool = False   # this year's value is still next-year's default


@dataclass(frozen=True)
class ParagraphChange:
    kind: str           # 新增 / 删除 / 修改
    old: str
    new: str
    place: str          # YAML path in the new file (or the old one for a removal)


@dataclass(frozen=True)
class Comparison:
    old: Path
    new: Path
    old_year: int | None
    new_year: int | None
    figures: tuple[FigureRow, ...]
    paragraphs: tuple[ParagraphChange, ...] = field(default=())


def _format_path(path: tuple) -> str:
    from docgen.yaml_source import format_path  # noqa: PLC0415

    return format_path(path)


def _figures(source) -> tuple[dict[str, Any], set[str]]:
    """name → Figure for what can be evaluated; and the names still unconfirmed."""
    from docgen import figures as figures_mod  # noqa: PLC0415
    from docgen.misprints import prepare_figures  # noqa: PLC0415
    from docgen.next_year import carried_figures  # noqa: PLC0415

    data = source.data if isinstance(source.data, dict) else {}
    raw = data.get("figures") or {}
    if not isinstance(raw, dict):
        return {}, set()
    _, carried = carried_figures(raw)
    raw, _ = prepare_figures(raw, source.locate)  # reads {unconfirmed: v} as v, as build does
    values, _problems = figures_mod.evaluate(raw, [], locate=source.locate, previous=None,
                                             base_dir=Path(source.file).parent)
    return dict(values), set(carried)


def _number(figure: Any) -> Decimal | None:
    if figure is None or not getattr(figure, "is_number", False):
        return None
    try:
        return Decimal(str(figure.value))
    except InvalidOperation:  # pragma: no cover - is_number said it is one
        return None


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def figure_rows(old: dict[str, Any], new: dict[str, Any], unconfirmed: set[str]) -> list[FigureRow]:
    names = list(new) + [n for n in old if n not in new]
    rows = []
    for name in names:
        a, b = old.get(name), new.get(name)
        x, y = _number(a), _number(b)
        change = growth = ""
        if x is not None and y is not None:
            change = _plain(y - x)
            if not change.startswith("-") and change != "0":
                change = "+" + change
            if x != 0:
                g = ((y - x) / x * 100).quantize(Decimal("0.1"))
                growth = ("+" if g > 0 else "") + f"{g}%"
        rows.append(FigureRow(name, str(a) if a is not None else "", str(b) if b is not None else "",
                              change, growth, name in unconfirmed))
    return rows


def paragraphs(source) -> list[tuple[str, str]]:
    """(YAML path, text) of every heading, paragraph and entry, in document order."""
    from docgen.misprints import _bodies, _body_items  # noqa: PLC0415

    data = source.data if isinstance(source.data, dict) else {}
    out: list[tuple[str, str]] = []
    for base, body in _bodies(data):
        out.extend((_format_path(path), text.strip()) for _, path, text in _body_items(body, base))
    return out


def paragraph_changes(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[ParagraphChange]:
    a = [t for _, t in old]
    b = [t for _, t in new]
    out: list[ParagraphChange] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds = list(range(i1, i2))
        for j in range(j1, j2):
            best = max(olds, key=lambda i: difflib.SequenceMatcher(None, a[i], b[j]).ratio(),
                       default=None)
            if best is not None and difflib.SequenceMatcher(None, a[best], b[j]).ratio() >= 0.5:
                olds.remove(best)
                out.append(ParagraphChange("修改", a[best], b[j], new[j][0]))
            else:
                out.append(ParagraphChange("新增", "", b[j], new[j][0]))
        out.extend(ParagraphChange("删除", a[i], "", old[i][0]) for i in olds)
    return out


def compare(old_path: str | Path, new_path: str | Path) -> Comparison:
    """Figures side by side and the paragraphs that changed from ``old_path`` to ``new_path``."""
    from docgen.yaml_source import read_source  # noqa: PLC0415

    old_path, new_path = Path(old_path), Path(new_path)
    old_src, new_src = read_source(old_path), read_source(new_path)
    for src in (old_src, new_src):
        if not isinstance(src.data, dict):
            raise DataError("数据文件的最外层应当是映射（meta:、body: 等）。", location=Location(file=str(src.file)),
                            fix="参照 docs/data-format.md 的示例书写。")
    old_figs, _ = _figures(old_src)
    new_figs, unconfirmed = _figures(new_src)

    def year(src) -> int | None:
        meta = src.data.get("meta")
        value = meta.get("year") if isinstance(meta, dict) else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return Comparison(old_path, new_path, year(old_src), year(new_src),
                      tuple(figure_rows(old_figs, new_figs, unconfirmed)),
                      tuple(paragraph_changes(paragraphs(old_src), paragraphs(new_src))))


def _labels(c: Comparison) -> tuple[str, str]:
    old = f"{c.old_year}年" if c.old_year else "上年"
    new = f"{c.new_year}年" if c.new_year else "本年"
    return old, new


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def format_text(c: Comparison) -> str:
    """The comparison as aligned plain text for the terminal."""
    old, new = _labels(c)
    head = ("数字", old, new, "增减", "增长率")
    rows = [(r.name, r.old or "—", (r.new or "未填写") + ("（待确认）" if r.unconfirmed else ""),
             r.change or "—", r.growth or "—") for r in c.figures]
    widths = [max(_width(row[k]) for row in [head, *rows]) for k in range(5)]
    lines = [f"数字对比：{c.old} → {c.new}"]
    for row in [head, *rows]:
        lines.append("  " + "  ".join(_pad(cell, widths[k], right=k > 0) for k, cell in enumerate(row)))
    pending = sum(1 for r in c.figures if r.unconfirmed)
    if pending:
        lines.append(f"  其中 {pending} 项仍是上年的数值（待确认），请核对后改为今年的数字。")
    lines.append("")
    counts = {k: sum(1 for p in c.paragraphs if p.kind == k) for k in ("修改", "新增", "删除")}
    lines.append(f"段落变化：修改 {counts['修改']} 段，新增 {counts['新增']} 段，删除 {counts['删除']} 段")
    for p in c.paragraphs:
        lines.append(f"  [{p.kind}] {p.place}")
        if p.old:
            lines.append(f"    {old}：{p.old}")
        if p.new:
            lines.append(f"    {new}：{p.new}")
    return "\n".join(lines) + "\n"


def write_xlsx(c: Comparison, target: str | Path) -> Path:
    """Write the comparison as an .xlsx (two sheets: 数字对比, 段落变化), atomically."""
    import io  # noqa: PLC0415

    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415

    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    old, new = _labels(c)
    book = Workbook()
    sheet = book.active
    sheet.title = "数字对比"
    bold = Font(bold=True)
    pending_fill = PatternFill("solid", fgColor="FFF2CC")
    sheet.append(["数字", old, new, "增减", "增长率", "说明"])
    for row in c.figures:
        def cell(text: str):
            try:
                return float(text.rstrip("%")) if text else None
            except ValueError:
                return text
        sheet.append([row.name, cell(row.old), cell(row.new), cell(row.change),
                      cell(row.growth) / 100 if row.growth else None,
                      "仍是上年的数值，待确认" if row.unconfirmed else ("本年未填写" if not row.new else "")])
        sheet.cell(sheet.max_row, 5).number_format = "+0.0%;-0.0%;0.0%"
        if row.unconfirmed:
            for k in range(1, 7):
                sheet.cell(sheet.max_row, k).fill = pending_fill
    for k, width in enumerate((24, 14, 14, 12, 10, 24), 1):
        sheet.column_dimensions[chr(64 + k)].width = width
    text_sheet = book.create_sheet("段落变化")
    text_sheet.append(["变化", "位置", old, new])
    for p in c.paragraphs:
        text_sheet.append([p.kind, p.place, p.old, p.new])
    for k, width in enumerate((8, 28, 60, 60), 1):
        text_sheet.column_dimensions[chr(64 + k)].width = width
    for ws in (sheet, text_sheet):
        ws.freeze_panes = "A2"
        for cell_ in ws[1]:
            cell_.font = bold
        for row_cells in ws.iter_rows(min_row=2):
            for cell_ in row_cells:
                cell_.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    target = Path(target)
    atomic_write_bytes(target, buffer.getvalue())
    return target
