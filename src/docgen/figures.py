"""Evaluate a data file's ``figures:`` and run its ``checks:``.

Takes the raw ``figures`` mapping and ``checks`` list exactly as PyYAML
built them, a ``locate`` callback that turns a YAML path into a
:class:`~docgen.errors.Location`, optionally last year's evaluated figures
(``previous``) and the data file's folder (``base_dir``, for spreadsheets).
Returns every figure that could be evaluated, as :class:`Figure` values whose
``text`` is what the document prints, and *all* problems found, as a list of
:class:`~docgen.errors.DataError` — nothing is raised for bad data.

Kinds of figure (see docs/data-format.md, 数字 / 上年对比 / 从表格读取):

* plain: ``97.7`` (printed as written), ``"5.10"`` (a quoted number keeps its
  zeros), text, a date (printed 2023年3月13日);
* computed: ``{sum: [...]}``, ``{diff: [a, b]}``, ``{rate: [a, b], decimals: 1}``;
* year over year (need ``previous:``): ``{previous: x}``, ``{change: x}``,
  ``{change_text: x, unit: 件}``, ``{growth: x}``, ``{growth_text: x}``;
* from a table: ``{from: 数据.xlsx, sheet: 表1, cell: B3}`` or
  ``{from: 数据.csv, row: 名称, column: 数值}``.

Arithmetic uses :class:`decimal.Decimal` and rounds half up.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from docgen import limits
from docgen.errors import DataError, DocgenError, Location
from docgen.safety import clean_text
from docgen.spreadsheet import Address, SheetProblem, number_text, read_value

__all__ = ["CheckFailed", "Figure", "NoPrevious", "evaluate"]

Locate = Callable[[tuple[str | int, ...]], Location]

COMPUTED = ("sum", "diff", "rate")
YEAR_OVER_YEAR = ("previous", "change", "change_text", "growth", "growth_text")
KINDS = (*COMPUTED, *YEAR_OVER_YEAR, "from")
OPTIONS: dict[str, tuple[str, ...]] = {
    "sum": ("decimals",), "diff": ("decimals",), "rate": ("decimals",),
    "previous": (), "change": ("decimals",), "change_text": ("decimals", "unit"),
    "growth": ("decimals",), "growth_text": ("decimals",),
    "from": ("sheet", "cell", "row", "column", "decimals"),
}
CHECK_KINDS = ("sum", "diff", "rate")
MAX_DECIMALS = 10
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")

FIX_FORCE = "核对这些数字，改正 figures 中写错的一项；确认原文无误、必须照原样生成时，可加 --force。"


@dataclass(frozen=True)
class Figure:
    """One named figure: ``value`` for arithmetic, ``text`` for the document."""

    name: str
    value: int | float | Decimal | str
    text: str

    def __post_init__(self) -> None:
        # figures from YAML and from tables reach the document: no XML-illegal characters
        if isinstance(self.value, str):
            object.__setattr__(self, "value", clean_text(self.value))
        object.__setattr__(self, "text", clean_text(self.text))

    def __str__(self) -> str:
        return self.text

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float | Decimal) and not isinstance(self.value, bool)


class CheckFailed(DataError):
    """A declared consistency check does not hold (the build fails unless --force)."""


class NoPrevious(DataError):
    """A year-over-year figure needs last year's data but the file names no ``previous:``.

    The loader may ignore this kind when it evaluates *last* year's file only
    to supply figures for this year.
    """


class _Quiet(Exception):
    """A dependency already failed and was reported; skip without a second message."""


class _Cycle(Exception):
    def __init__(self, names: list[str]):
        super().__init__(" → ".join(names))
        self.names = names


def _suggest(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.4)
    return f"是不是“{'”或“'.join(close)}”？" if close else ""


def _round(number: Decimal, decimals: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = limits.DECIMAL_PRECISION
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _number_figure(name: str, number: Decimal, decimals: int | None) -> Figure:
    if decimals is not None:
        number = _round(number, decimals)
    if number == number.to_integral_value() and number.as_tuple().exponent >= 0:  # type: ignore[operator]
        return Figure(name, int(number), str(int(number)))
    return Figure(name, number, number_text(number))


def _as_decimal(figure: Figure) -> Decimal:
    value = figure.value
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)  # type: ignore[arg-type]


def _decimals_of(figure: Figure) -> int:
    """How many decimals the printed text of a number shows ("5.1" → 1)."""
    text = figure.text
    return len(text.split(".", 1)[1]) if "." in text else 0


def _signed(number: Decimal, up: str, down: str, suffix: str) -> str:
    if number > 0:
        return f"{up}{number_text(number)}{suffix}"
    if number < 0:
        return f"{down}{number_text(-number)}{suffix}"
    return "持平"


class _Evaluator:
    """Evaluates figures on demand (dependencies first) and collects problems."""

    def __init__(self, spec: Mapping[Any, Any], locate: Locate,
                 previous: Mapping[str, Figure] | None, base_dir: Path | None):
        self.spec = spec
        self.locate = locate
        self.previous = previous
        self.base_dir = base_dir if base_dir is not None else Path(".")
        self.names = [k for k in spec if isinstance(k, str)]
        self.results: dict[str, Figure] = {}
        self.failed: set[str] = set()
        self.visiting: list[str] = []
        self.errors: list[DataError] = []

    # -- reporting ----------------------------------------------------------

    def error(self, path: tuple[str | int, ...], message: str, fix: str | None = None,
              cls: type[DataError] = DataError) -> _Quiet:
        self.errors.append(cls(message, location=self.locate(path), fix=fix))
        return _Quiet()

    # -- figures ------------------------------------------------------------

    def run(self) -> dict[str, Figure]:
        for key in self.spec:
            if not isinstance(key, str) or not key.strip():
                self.error(("figures", key if isinstance(key, str | int) else str(key)),
                           f"数字的名称“{key}”不是文字。",
                           "名称用中文或字母书写，如 网上办比例: 97.7；纯数字名称请加引号。")
                continue
            try:
                self.figure(key)
            except (_Quiet, _Cycle):
                continue
        return {name: self.results[name] for name in self.names if name in self.results}

    def figure(self, name: str) -> Figure:
        """The evaluated figure ``name``; raises _Quiet if it failed, _Cycle on a loop."""
        if name in self.results:
            return self.results[name]
        if name in self.failed:
            raise _Quiet()
        if name in self.visiting:
            raise _Cycle([*self.visiting[self.visiting.index(name):], name])
        self.visiting.append(name)
        try:
            result = self._evaluate(name, self.spec[name])
        except _Quiet:
            self.failed.add(name)
            raise
        except _Cycle as cycle:
            self.failed.add(name)
            if cycle.names[0] == name:
                self.error(("figures", name), f"数字之间循环引用：{' → '.join(cycle.names)}。",
                           "计算关系不能绕回自身：至少有一个数字要直接写出数值。")
                raise _Quiet() from None
            raise
        finally:
            self.visiting.pop()
        self.results[name] = result
        return result

    def _evaluate(self, name: str, raw: Any) -> Figure:
        path = ("figures", name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise self.error(path, f"数字“{name}”还没有填写。",
                             f"在 figures 中填写 {name} 的数值（如 {name}: 123），并删去“TODO 请填写”注释。")
        if isinstance(raw, bool):
            raise self.error(path, f"数字“{name}”的值 {str(raw).lower()} 被读成了“是/否”，不是数字。",
                             "填写数字；如果确实要写 yes、no、on、off 这样的文字，请加引号。")
        if isinstance(raw, int):
            self._digits(name, path, Decimal(raw))
            return Figure(name, raw, str(raw))
        if isinstance(raw, float):
            if math.isnan(raw) or math.isinf(raw):
                raise self.error(path, f"数字“{name}”的值 {raw} 不是有效数字。", "填写一个普通数字，如 97.7。")
            number = Decimal(repr(raw))
            self._digits(name, path, number)
            return Figure(name, number, number_text(number))
        if isinstance(raw, str):
            text = raw.strip()
            if _NUMBER.match(text):
                self._digits(name, path, Decimal(text))
                return Figure(name, Decimal(text), text)
            return Figure(name, text, text)
        if isinstance(raw, _dt.datetime):
            raise self.error(path, f"数字“{name}”写成了日期时间。", "日期写成 2023-03-13；时间请写成带引号的文字。")
        if isinstance(raw, _dt.date):
            return Figure(name, raw.isoformat(), f"{raw.year}年{raw.month}月{raw.day}日")
        if isinstance(raw, Mapping):
            return self._computed(name, raw)
        raise self.error(path, f"数字“{name}”的值是列表，无法识别。",
                         "直接写一个数字（如 97.7），或写计算式（如 {sum: [甲, 乙]}）。")

    def _digits(self, name: str, path: tuple[str | int, ...], number: Decimal) -> None:
        """Refuse a figure longer than :data:`docgen.limits.MAX_FIGURE_DIGITS` digits."""
        digits = len(number.as_tuple().digits)
        exponent = number.as_tuple().exponent
        width = max(digits, digits + exponent) if isinstance(exponent, int) else digits
        if width > limits.MAX_FIGURE_DIGITS or (isinstance(exponent, int) and -exponent > limits.MAX_FIGURE_DIGITS):
            raise self.error(path, f"数字“{name}”有 {width} 位，超过 docgen 能准确计算的 {limits.MAX_FIGURE_DIGITS} 位。",
                             "检查是否多写了数字；确实是这么长的编号或文字时，请加引号并在前面加一个汉字说明，"
                             "如 编号: 第12345…号。")

    def _computed(self, name: str, raw: Mapping[Any, Any]) -> Figure:
        path = ("figures", name)
        kinds = [k for k in raw if k in KINDS]
        known = [*KINDS, *{o for opts in OPTIONS.values() for o in opts}]
        if len(kinds) != 1:
            if kinds:
                raise self.error(path, f"数字“{name}”同时写了 {'、'.join(kinds)}，只能写一种计算。",
                                 "每个数字只写一种：sum、diff、rate、change、growth、from 等。")
            unknown = [str(k) for k in raw]
            hint = "".join(_suggest(k, known) for k in unknown)
            raise self.error(path, f"数字“{name}”的写法“{'、'.join(unknown)}”无法识别。{hint}",
                             "可用的写法：sum、diff、rate、previous、change、change_text、growth、"
                             "growth_text、from（见 docs/data-format.md）。")
        kind = kinds[0]
        for key in raw:
            if key != kind and key not in OPTIONS[kind]:
                allowed = "、".join(OPTIONS[kind]) or "无"
                raise self.error((*path, str(key)),
                                 f"数字“{name}”的 {kind} 计算不认识选项“{key}”。{_suggest(str(key), OPTIONS[kind])}",
                                 f"{kind} 可用的选项：{allowed}。")
        decimals = self._decimals(name, raw)
        arg = raw[kind]
        if kind == "from":
            return self._from_table(name, raw, decimals)
        if kind in COMPUTED:
            return self._arithmetic(name, kind, arg, decimals)
        return self._year_over_year(name, kind, arg, decimals, raw.get("unit"))

    def _decimals(self, name: str, raw: Mapping[Any, Any]) -> int | None:
        if "decimals" not in raw:
            return 1 if any(k in raw for k in ("rate", "growth", "growth_text")) else None
        value = raw["decimals"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DECIMALS:
            raise self.error(("figures", name, "decimals"),
                             f"数字“{name}”的 decimals 应是 0 到 {MAX_DECIMALS} 之间的整数，现在是“{value}”。",
                             "decimals 表示保留几位小数，如 decimals: 1。")
        return value

    def _operand(self, name: str, path: tuple[str | int, ...], item: Any) -> tuple[Decimal, str]:
        """A number used in a calculation, with the text it prints as."""
        if isinstance(item, bool) or item is None:
            raise self.error(path, f"数字“{name}”的计算中有一项是“{item}”，不是名称或数字。",
                             "计算式里写数字的名称，如 [复议驳回, 复议维持]。")
        if isinstance(item, int | float):
            number = Decimal(item) if isinstance(item, int) else Decimal(repr(item))
            return number, number_text(number)
        if not isinstance(item, str):
            raise self.error(path, f"数字“{name}”的计算中有一项不是名称或数字。",
                             "计算式里写数字的名称，如 [复议驳回, 复议维持]。")
        ref = item.strip()
        if ref not in self.spec:
            raise self.error(path, f"数字“{name}”引用了未定义的名称“{ref}”。{_suggest(ref, self.names)}",
                             f"在 figures 中定义“{ref}”，或改正名称。")
        figure = self.figure(ref)
        if not figure.is_number:
            raise self.error(path, f"数字“{name}”要用“{ref}”计算，但“{ref}”是文字“{figure.text}”，不是数字。",
                             f"把“{ref}”改为数字，或从计算式中去掉它。")
        return _as_decimal(figure), figure.text

    def _operands(self, name: str, kind: str, arg: Any,
                  path: tuple[str | int, ...]) -> list[tuple[Decimal, str]]:
        if not isinstance(arg, list) or not arg:
            raise self.error(path, f"数字“{name}”的 {kind} 后面应是名称列表。",
                             f"写成 {kind}: [甲, 乙] 这样的列表。")
        if kind in ("diff", "rate") and len(arg) != 2:
            example = "[被减数, 减数]" if kind == "diff" else "[分子, 分母]"
            raise self.error(path, f"数字“{name}”的 {kind} 需要正好两项，现在有 {len(arg)} 项。",
                             f"写成 {kind}: {example}。")
        values: list[tuple[Decimal, str]] = []
        quiet = False
        for i, item in enumerate(arg):
            try:
                values.append(self._operand(name, (*path, i), item))
            except _Quiet:
                quiet = True
        if quiet:
            raise _Quiet()
        return values

    def _arithmetic(self, name: str, kind: str, arg: Any, decimals: int | None) -> Figure:
        path = ("figures", name, kind)
        values = self._operands(name, kind, arg, path)
        numbers = [v for v, _ in values]
        if kind == "sum":
            return _number_figure(name, sum(numbers, Decimal(0)), decimals)
        if kind == "diff":
            return _number_figure(name, numbers[0] - numbers[1], decimals)
        if numbers[1] == 0:
            raise self.error((*path, 1), f"数字“{name}”的分母“{arg[1]}”为 0，无法计算百分率。",
                             "检查分母是否填错；分母为 0 时不能写百分率。")
        return _number_figure(name, _percent(numbers[0], numbers[1]), decimals)

    # -- year over year -------------------------------------------------------

    def _year_over_year(self, name: str, kind: str, arg: Any, decimals: int | None,
                        unit: Any) -> Figure:
        path = ("figures", name, kind)
        if not isinstance(arg, str) or not arg.strip():
            raise self.error(path, f"数字“{name}”的 {kind} 后面应写一个数字的名称。",
                             f"写成 {kind}: 名称，名称指本年和上年都有的数字。")
        ref = arg.strip()
        if self.previous is None:
            raise self.error(path, f"数字“{name}”要与上年比较，但本数据文件没有写 previous:（上一年的数据文件）。",
                             "在文件中写 previous: 上一年数据文件名.yaml，或删去这个数字。", cls=NoPrevious)
        if ref not in self.previous:
            raise self.error(path, f"上一年的数据中没有数字“{ref}”。{_suggest(ref, list(self.previous))}",
                             "检查名称是否与上一年的数据文件一致。")
        last = self.previous[ref]
        if kind == "previous":
            return Figure(name, last.value, last.text)
        if not last.is_number:
            raise self.error(path, f"上一年的“{ref}”是文字“{last.text}”，无法比较。", "与上年比较的只能是数字。")
        current, _ = self._operand(name, path, ref)
        before = _as_decimal(last)
        if kind in ("change", "change_text"):
            delta = current - before
            if kind == "change":
                return _number_figure(name, delta, decimals)
            if decimals is not None:
                delta = _round(delta, decimals)
            if unit is not None and not isinstance(unit, str):
                raise self.error(("figures", name, "unit"), f"数字“{name}”的 unit 应是文字，如 件。", "写成 unit: 件。")
            return Figure(name, delta, _signed(delta, "增加", "减少", unit or ""))
        if before == 0:
            raise self.error(path, f"数字“{name}”无法计算增长率：上一年的“{ref}”为 0。",
                             "上年为 0 时不能写增长百分比，改用 change（增减数量）。")
        growth = _round(_percent(current - before, before), decimals if decimals is not None else 1)
        if kind == "growth":
            return Figure(name, growth, number_text(growth))
        return Figure(name, growth, _signed(growth, "增长", "下降", "%"))

    # -- tables ---------------------------------------------------------------

    def _from_table(self, name: str, raw: Mapping[Any, Any], decimals: int | None) -> Figure:
        path = ("figures", name, "from")
        source = raw["from"]
        if not isinstance(source, str) or not source.strip():
            raise self.error(path, f"数字“{name}”的 from 后面应写表格文件名。", "写成 from: 数据.xlsx。")
        for key in ("sheet", "cell", "row", "column"):
            if key in raw and (raw[key] is None or isinstance(raw[key], bool | list | dict)):
                raise self.error(("figures", name, key), f"数字“{name}”的 {key} 没有写对。",
                                 "sheet 写工作表名，cell 写单元格（如 B3），row/column 写行名和列名。")
        has_cell = "cell" in raw
        has_label = "row" in raw or "column" in raw
        if has_cell == has_label or (has_label and not ("row" in raw and "column" in raw)):
            raise self.error(path, f"数字“{name}”要指明读取哪个单元格。",
                             "写 cell: B3，或同时写 row: 行名称 和 column: 列名称（二者选一）。")
        from docgen.inputs import confine  # noqa: PLC0415

        try:  # inside the data file's folder tree, never an absolute path, ../ or outward link
            file = confine(source, self.base_dir, field="from", location=self.locate(path))
        except DocgenError as exc:
            raise self.error(path, f"数字“{name}”：{exc.message}", exc.fix) from None
        if file.suffix.lower() == ".csv" and "sheet" in raw:
            raise self.error(("figures", name, "sheet"), f"CSV 文件 {file.name} 没有工作表，不能写 sheet。",
                             "删去 sheet:，或改用 .xlsx 文件。")
        address = Address(sheet=None if "sheet" not in raw else str(raw["sheet"]),
                          cell=str(raw["cell"]) if has_cell else None,
                          row=str(raw["row"]) if has_label else None,
                          column=str(raw["column"]) if has_label else None)
        try:
            value = read_value(file, address)
        except SheetProblem as problem:
            raise self.error(path, f"数字“{name}”：{problem.message}", problem.fix) from None
        if value.number is None:
            return Figure(name, value.text, value.text)
        self._digits(name, path, value.number)
        if decimals is None:
            return Figure(name, _normalize_int(value.number), value.text)
        return _number_figure(name, value.number, decimals)

    # -- checks -------------------------------------------------------------

    def run_checks(self, checks: Any) -> None:
        if checks is None:
            return
        if not isinstance(checks, list):
            self.error(("checks",), "checks 应当是列表，每项以“- ”开头。",
                       "写成：checks: 换行后 - sum: [甲, 乙] 换行 equals: 合计。")
            return
        for index, check in enumerate(checks):
            try:
                self._check(index, check)
            except (_Quiet, _Cycle):
                continue

    def _check(self, index: int, check: Any) -> None:
        path: tuple[str | int, ...] = ("checks", index)
        if not isinstance(check, Mapping):
            raise self.error(path, f"第 {index + 1} 项检查的写法无法识别。",
                             "每项检查写成 sum: [甲, 乙] 加 equals: 合计 两行。")
        kinds = [k for k in check if k in CHECK_KINDS]
        extra = [str(k) for k in check if k not in (*CHECK_KINDS, "equals", "decimals")]
        if len(kinds) != 1 or extra:
            hint = "".join(_suggest(k, [*CHECK_KINDS, "equals", "decimals"]) for k in extra)
            raise self.error(path, f"第 {index + 1} 项检查应写一种计算（sum、diff 或 rate）和 equals。{hint}",
                             "例如：- sum: [复议驳回, 复议维持] 换行 equals: 复议审结。")
        kind = kinds[0]
        if "equals" not in check:
            raise self.error(path, f"第 {index + 1} 项检查缺少 equals（应等于哪个数字）。",
                             "在这项检查下加一行 equals: 名称。")
        values = self._check_operands(index, kind, check[kind])
        target_number, target_text, target_label, target_decimals = self._check_target(index, check["equals"])
        numbers = [v for v, _ in values]
        names = check[kind]
        shown = [str(n).strip() if isinstance(n, str) else t for n, (_, t) in zip(names, values, strict=True)]
        texts = [t for _, t in values]
        if kind == "sum":
            got = sum(numbers, Decimal(0))
            expr, numbers_expr = "+".join(shown), "+".join(texts)
            got_text = number_text(got)
            ok = got == target_number
        elif kind == "diff":
            got = numbers[0] - numbers[1]
            expr, numbers_expr = "−".join(shown), "−".join(texts)
            got_text = number_text(got)
            ok = got == target_number
        else:
            if numbers[1] == 0:
                raise self.error((*path, "rate", 1), f"第 {index + 1} 项检查的分母为 0，无法计算百分率。",
                                 "检查分母是否填错。")
            decimals = check.get("decimals", target_decimals)
            if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= MAX_DECIMALS:
                raise self.error((*path, "decimals"), f"第 {index + 1} 项检查的 decimals 应是 0 到 {MAX_DECIMALS} 的整数。",
                                 "decimals 表示保留几位小数，如 decimals: 1。")
            got = _round(_percent(numbers[0], numbers[1]), decimals)
            expr = f"{shown[0]}÷{shown[1]}×100"
            numbers_expr = f"{texts[0]}÷{texts[1]}×100"
            got_text = f"{number_text(got)}（保留{decimals}位小数）"
            ok = got == _round(target_number, decimals) and target_number == _round(target_number, decimals)
        if not ok:
            same = expr == numbers_expr
            lhs = f"{numbers_expr}={got_text}" if same else f"{expr}，即 {numbers_expr}={got_text}"
            raise self.error((*path, "equals"), f"一致性检查未通过：{lhs}，但 {target_label} 写的是 {target_text}。",
                             FIX_FORCE, cls=CheckFailed)

    def _check_operands(self, index: int, kind: str, arg: Any) -> list[tuple[Decimal, str]]:
        path = ("checks", index, kind)
        if not isinstance(arg, list) or not arg:
            raise self.error(path, f"第 {index + 1} 项检查的 {kind} 后面应是名称列表。", f"写成 {kind}: [甲, 乙]。")
        if kind in ("diff", "rate") and len(arg) != 2:
            raise self.error(path, f"第 {index + 1} 项检查的 {kind} 需要正好两项，现在有 {len(arg)} 项。",
                             f"写成 {kind}: [甲, 乙]。")
        values, quiet = [], False
        for i, item in enumerate(arg):
            try:
                values.append(self._check_value(index, (*path, i), item))
            except _Quiet:
                quiet = True
        if quiet:
            raise _Quiet()
        return values

    def _check_value(self, index: int, path: tuple[str | int, ...], item: Any) -> tuple[Decimal, str]:
        if isinstance(item, int | float) and not isinstance(item, bool):
            number = Decimal(item) if isinstance(item, int) else Decimal(repr(item))
            return number, number_text(number)
        if not isinstance(item, str):
            raise self.error(path, f"第 {index + 1} 项检查中有一项不是数字的名称。", "写 figures 中定义的名称。")
        ref = item.strip()
        if ref not in self.spec:
            raise self.error(path, f"第 {index + 1} 项检查引用了未定义的名称“{ref}”。{_suggest(ref, self.names)}",
                             f"在 figures 中定义“{ref}”，或改正名称。")
        figure = self.figure(ref)
        if not figure.is_number:
            raise self.error(path, f"第 {index + 1} 项检查要用“{ref}”计算，但它是文字“{figure.text}”。",
                             "检查只能比较数字。")
        return _as_decimal(figure), figure.text

    def _check_target(self, index: int, target: Any) -> tuple[Decimal, str, str, int]:
        number, text = self._check_value(index, ("checks", index, "equals"), target)
        label = target.strip() if isinstance(target, str) else "检查值"
        decimals = len(text.split(".", 1)[1]) if "." in text else 0
        return number, text, label, decimals


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = limits.DECIMAL_PRECISION
        try:
            return numerator * 100 / denominator
        except InvalidOperation:  # pragma: no cover - denominators are checked first
            return Decimal(0)


def _normalize_int(number: Decimal) -> int | Decimal:
    if number == number.to_integral_value() and number.as_tuple().exponent >= 0:  # type: ignore[operator]
        return int(number)
    return number


def evaluate(spec: Mapping[str, Any], checks: Sequence[Any], *,
             locate: Locate,
             previous: Mapping[str, Figure] | None = None,
             base_dir: Path | None = None) -> tuple[dict[str, Figure], list[DataError]]:
    """Evaluate every figure and run every check; return (figures, all problems).

    Figures that cannot be evaluated (or depend on one that cannot) are left
    out of the result; each root cause is reported once.  Failed checks are
    :class:`CheckFailed`, year-over-year figures without ``previous`` are
    :class:`NoPrevious`; everything else is a plain :class:`DataError`.
    """
    if spec is None:
        spec = {}
    evaluator = _Evaluator(spec, locate, previous, base_dir)
    if not isinstance(spec, Mapping):
        evaluator.error(("figures",), "figures 应当是“名称: 数字”的映射。", "每行写一个数字，如 网上办比例: 97.7。")
        return {}, evaluator.errors
    with localcontext() as ctx:  # wide enough for any accepted figure: sums never round silently
        ctx.prec = limits.DECIMAL_PRECISION
        figures = evaluator.run()
        evaluator.run_checks(checks)
    return figures, evaluator.errors
