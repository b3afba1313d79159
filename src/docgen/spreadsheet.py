"""Read one value from a spreadsheet (.xlsx) or a .csv table for a figure.

Takes a file path plus an address — an A1-style ``cell`` (``B3``), or a
``row`` label (matched against the first column) and a ``column`` label
(matched against the first row) — and returns the cell's value as a
:class:`SheetValue` (a number as ``Decimal`` with the text to print, or
text).  Every problem raises :class:`SheetProblem` with a Chinese message
naming the file, sheet and cell, and a fix; the caller adds the YAML
location.  Workbooks are opened read-only with cached formula results
(``data_only``), never executed.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

MAX_ROWS = 100_000          # rows scanned when looking a label up
MAX_FILE_BYTES = 50 * 2**20

_CELL = re.compile(r"^([A-Za-z]{1,3})([1-9][0-9]{0,6})$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class SheetProblem(Exception):
    """A spreadsheet value cannot be read; ``message`` and ``fix`` are Chinese."""

    def __init__(self, message: str, fix: str):
        super().__init__(message)
        self.message = message
        self.fix = fix


@dataclass(frozen=True)
class SheetValue:
    """A cell's content: ``number`` is set for numeric cells, ``text`` always."""

    number: Decimal | None
    text: str


@dataclass(frozen=True)
class Address:
    """Where the value is: ``cell`` or (``row``, ``column``) labels; ``sheet`` for .xlsx."""

    sheet: str | None = None
    cell: str | None = None
    row: str | None = None
    column: str | None = None

    def describe(self) -> str:
        where = f"工作表“{self.sheet}”" if self.sheet else ""
        if self.cell:
            return f"{where}单元格 {self.cell.upper()}"
        return f"{where}行“{self.row}”、列“{self.column}”"


def parse_cell(cell: str) -> tuple[int, int]:
    """"B3" → (3, 2): 1-based row and column; raises SheetProblem if malformed."""
    m = _CELL.match(cell.strip())
    if not m:
        raise SheetProblem(f"单元格地址“{cell}”写法不对。",
                           "单元格写成列字母加行号，如 B3、AA12。")
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + (ord(ch) - ord("A") + 1)
    return int(m.group(2)), col


def number_text(number: Decimal) -> str:
    """A Decimal as plain positional text: Decimal('1E+3') → '1000'."""
    text = format(number, "f")
    return "0" if text in ("-0", "+0") else text


def _from_python(value: object, percent: bool = False) -> SheetValue | None:
    """A cell value (None, bool, int, float, str, date…) as a SheetValue; None if empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return SheetValue(None, "是" if value else "否")
    if isinstance(value, int | float):
        number = Decimal(value) if isinstance(value, int) else Decimal(format(value, ".15g"))
        if percent:
            number = (number * 100).normalize()
            if number == number.to_integral_value():
                number = number.quantize(Decimal(1))
        return SheetValue(number, number_text(number))
    text = str(value).strip()
    if _NUMBER.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex only admits decimals
            return SheetValue(None, text)
        return SheetValue(number, text)
    return SheetValue(None, text)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise SheetProblem(f"找不到表格文件 {path.name}。",
                           "检查 from: 后的文件名；路径相对于数据文件所在的文件夹。")
    if not path.is_file():
        raise SheetProblem(f"{path.name} 不是文件。", "from: 后应写表格文件名，如 数据.xlsx。")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise SheetProblem(f"表格文件 {path.name} 太大（超过 50 MB）。",
                           "只保留需要引用的工作表后另存为较小的文件。")


def _lookup(rows: list[list[object]], address: Address, where: str) -> object:
    """The value at ``address`` in a grid of rows (first row = headers, first column = labels)."""
    if address.cell:
        r, c = parse_cell(address.cell)
        if r > len(rows) or c > len(rows[r - 1]):
            return None
        return rows[r - 1][c - 1]
    if not rows:
        raise SheetProblem(f"{where}是空的。", "检查文件内容和工作表名称。")
    headers = [_label(v) for v in rows[0]]
    column = str(address.column).strip()
    if column not in headers:
        raise SheetProblem(f"{where}的第一行没有列“{column}”（现有：{'、'.join(h for h in headers if h) or '无'}）。",
                           "column: 写第一行中的列标题，或改用 cell: B3 指定单元格。")
    c = headers.index(column)
    label = str(address.row).strip()
    for row in rows[1:]:
        if row and _label(row[0]) == label:
            return row[c] if c < len(row) else None
    labels = [_label(row[0]) for row in rows[1:] if row]
    raise SheetProblem(f"{where}的第一列没有行“{label}”（现有：{'、'.join(x for x in labels[:10] if x) or '无'}）。",
                       "row: 写第一列中的行名称，或改用 cell: B3 指定单元格。")


def _label(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_csv_value(path: Path, address: Address) -> SheetValue:
    """Read one value from a UTF-8 (or GBK) .csv file."""
    _check_file(path)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SheetProblem(f"{path.name} 的编码无法识别。", "将表格另存为 UTF-8 编码的 CSV。")
    rows: list[list[object]] = []
    for i, row in enumerate(csv.reader(text.splitlines())):
        if i >= MAX_ROWS:
            break
        rows.append(list(row))
    where = f"表格 {path.name} "
    value = _lookup(rows, address, where)
    result = _from_python(value)
    if result is None:
        raise SheetProblem(f"表格 {path.name} 的{address.describe()}是空的。",
                           "在表格中填写该数字，或改正单元格地址。")
    return result


def read_xlsx_value(path: Path, address: Address) -> SheetValue:
    """Read one value from an .xlsx workbook (read-only, cached formula results)."""
    import openpyxl  # noqa: PLC0415 - only needed when a figure names a workbook

    _check_file(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetProblem(f"无法打开表格文件 {path.name}（{type(exc).__name__}）。",
                           "确认它是 Excel/WPS 保存的 .xlsx 文件（不是 .xls 或改了扩展名的文件）。") from exc
    try:
        names = workbook.sheetnames
        sheet_name = address.sheet if address.sheet is not None else names[0]
        if sheet_name not in names:
            raise SheetProblem(f"表格文件 {path.name} 中没有工作表“{sheet_name}”（现有：{'、'.join(names)}）。",
                               "sheet: 写工作表标签上的名称。")
        sheet = workbook[sheet_name]
        where = f"表格 {path.name} 的工作表“{sheet_name}”"
        percent = False
        if address.cell:
            r, c = parse_cell(address.cell)
            cell = sheet.cell(row=r, column=c)
            value = getattr(cell, "value", None)
            percent = "%" in str(getattr(cell, "number_format", "") or "")
        else:
            rows = [list(row) for _, row in zip(range(MAX_ROWS), sheet.iter_rows(values_only=True),
                                                strict=False)]
            value = _lookup(rows, address, where)
        result = _from_python(value, percent=percent)
    finally:
        workbook.close()
    if result is None:
        raise SheetProblem(
            f"{where}的{address.describe().removeprefix(f'工作表“{sheet_name}”')}是空的。",
            "在表格中填写该数字；如果它是公式，请用 Excel/WPS 打开并保存一次，使公式结果写入文件。")
    return result


def read_value(path: Path, address: Address) -> SheetValue:
    """Dispatch on the file's extension (.xlsx/.xlsm or .csv)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_value(path, address)
    if suffix == ".csv":
        return read_csv_value(path, address)
    raise SheetProblem(f"不支持的表格格式“{path.suffix or path.name}”。",
                       "请使用 .xlsx 或 .csv 文件（.xls 请在 Excel/WPS 中另存为 .xlsx）。")
