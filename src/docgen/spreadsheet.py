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
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from docgen import limits
from docgen.errors import DocgenError

MAX_ROWS = limits.MAX_SHEET_ROWS          # rows scanned when looking a label up
MAX_FILE_BYTES = limits.MAX_SHEET_BYTES

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
    """A Decimal as plain positional text: Decimal('1E+3') → '1000'; a negative zero has no sign."""
    if number.is_zero():
        number = number.copy_abs()
    return format(number, "f")


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


def _read(path: Path) -> bytes:
    """The table file's bytes: a regular file within the size limit (docgen.inputs)."""
    from docgen.inputs import read_bounded  # noqa: PLC0415

    if not path.exists():
        raise SheetProblem(f"找不到表格文件 {path.name}。",
                           "检查 from: 后的文件名；路径相对于数据文件所在的文件夹。")
    try:
        return read_bounded(path, "sheet")
    except DocgenError as exc:
        raise SheetProblem(exc.message, exc.fix or "") from exc


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
    if column not in headers and len(headers) >= limits.MAX_SHEET_COLUMNS:
        raise SheetProblem(f"{where}的前 {limits.MAX_SHEET_COLUMNS} 列中没有列“{column}”"
                           f"（docgen 最多读取 {limits.MAX_SHEET_COLUMNS} 列）。",
                           "把要引用的列移到表格前部，或改用 cell: 指定单元格。")
    if column not in headers:
        raise SheetProblem(f"{where}的第一行没有列“{column}”（现有：{'、'.join(h for h in headers if h) or '无'}）。",
                           "column: 写第一行中的列标题，或改用 cell: B3 指定单元格。")
    c = headers.index(column)
    label = str(address.row).strip()
    for row in rows[1:]:
        if row and _label(row[0]) == label:
            return row[c] if c < len(row) else None
    labels = [_label(row[0]) for row in rows[1:] if row]
    if len(rows) >= MAX_ROWS:  # never a silent truncation: say where the search stopped
        raise SheetProblem(f"{where}的前 {MAX_ROWS} 行中没有行“{label}”（docgen 最多查找 {MAX_ROWS} 行）。",
                           "把要引用的行移到表格前部，或改用 cell: 指定单元格。")
    raise SheetProblem(f"{where}的第一列没有行“{label}”（现有：{'、'.join(x for x in labels[:10] if x) or '无'}）。",
                       "row: 写第一列中的行名称，或改用 cell: B3 指定单元格。")


def _label(value: object) -> str:
    return "" if value is None else str(value).strip()


def _gb2312_share(text: str) -> float:
    """The share of non-ASCII characters that lie in GB2312 (common simplified Chinese)."""
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return 1.0
    common = sum(1 for ch in wide if _in_gb2312(ch))
    return common / len(wide)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def decode_table_text(raw: bytes, name: str) -> str:
    """CSV bytes as text: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030.

    Big5 (traditional Chinese) bytes also decode as GB18030, into wrong
    characters; such a file is recognised (most of its characters fall
    outside GB2312 while it is valid Big5) and refused rather than read as
    mojibake.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    fix = "用 Excel/WPS 打开该表格，另存为“CSV UTF-8（逗号分隔）”后再试。"
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _gb2312_share(text) >= 0.8:
        return text
    try:
        raw.decode("big5")
        big5 = True
    except UnicodeDecodeError:
        big5 = False
    if big5:
        raise SheetProblem(f"表格 {name} 看起来是 Big5（繁体中文）编码，docgen 无法可靠识别。", fix)
    if text is not None:
        return text
    raise SheetProblem(f"表格 {name} 的编码无法识别（不是 UTF-8，也不是 GBK）。", fix)


def read_csv_value(path: Path, address: Address) -> SheetValue:
    """Read one value from a UTF-8 (or GBK) .csv file."""
    text = decode_table_text(_read(path), path.name)
    rows: list[list[object]] = []
    cells = 0
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
            if i >= MAX_ROWS:
                break
            rows.append(list(row[:limits.MAX_SHEET_COLUMNS]))
            cells += len(rows[-1])
            if cells > limits.MAX_SHEET_CELLS:
                raise SheetProblem(f"表格 {path.name} 的单元格过多（超过 {limits.MAX_SHEET_CELLS} 个）。",
                                   "只保留需要引用的行和列，另存为较小的文件。")
    except csv.Error as exc:
        raise SheetProblem(f"表格 {path.name} 的 CSV 格式有误（{exc}）。",
                           "用 Excel/WPS 打开并重新另存为 CSV。") from exc
    where = f"表格 {path.name} "
    value = _lookup(rows, address, where)
    result = _from_python(value)
    if result is None:
        raise SheetProblem(f"表格 {path.name} 的{address.describe()}是空的。",
                           "在表格中填写该数字，或改正单元格地址。")
    return result


_FIX_XLSX = "确认它是 Excel/WPS 保存的 .xlsx 文件（不是 .xls 或改了扩展名的文件），可用 Excel/WPS 打开后重新保存。"


def _check_workbook_archive(data: bytes, name: str) -> None:
    """Bound what the workbook expands to, from the zip directory alone (nothing is inflated)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.MAX_DOCX_ENTRIES:
                raise SheetProblem(f"表格文件 {name} 内部条目过多（{len(infos)} 个），疑似恶意构造。", _FIX_XLSX)
            total = 0
            for info in infos:
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
                    raise SheetProblem(f"表格文件 {name} 已加密或使用了 Excel 不用的压缩方式。", _FIX_XLSX)
                total += info.file_size
                if info.filename.lower().endswith("sharedstrings.xml") \
                        and info.file_size > limits.MAX_XLSX_SHARED_STRINGS:
                    raise SheetProblem(
                        f"表格文件 {name} 中的文字表过大（解压后 {info.file_size // limits.MB} MB，上限 "
                        f"{limits.MAX_XLSX_SHARED_STRINGS // limits.MB} MB）。",
                        "只保留需要引用的工作表，另存为较小的文件。")
                if info.filename.lower().endswith((".xml", ".rels")):
                    with archive.open(info) as member:
                        head = member.read(2048)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise SheetProblem(f"表格文件 {name} 中含有 DOCTYPE/实体声明，已拒绝读取。", _FIX_XLSX)
            if total > limits.MAX_XLSX_UNCOMPRESSED:
                raise SheetProblem(
                    f"表格文件 {name} 解压后过大（{total // limits.MB} MB，上限 "
                    f"{limits.MAX_XLSX_UNCOMPRESSED // limits.MB} MB），疑似“压缩炸弹”。",
                    "只保留需要引用的工作表，另存为较小的文件。")
    except SheetProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - a truncated or damaged zip fails in many ways
        raise SheetProblem(f"无法打开表格文件 {name}（文件不完整或已损坏）。", _FIX_XLSX) from exc


def read_xlsx_value(path: Path, address: Address) -> SheetValue:
    """Read one value from an .xlsx workbook (read-only, cached formula results)."""
    import openpyxl  # noqa: PLC0415 - only needed when a figure names a workbook

    data = _read(path)
    _check_workbook_archive(data, path.name)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged files
        raise SheetProblem(f"无法打开表格文件 {path.name}（文件不完整或已损坏）。", _FIX_XLSX) from exc
    try:
        return _xlsx_value(workbook, path, address)
    except SheetProblem:
        raise
    except Exception as exc:  # noqa: BLE001
        raise SheetProblem(f"读取表格文件 {path.name} 时出错（文件不完整或已损坏）。", _FIX_XLSX) from exc
    finally:
        workbook.close()


def _xlsx_value(workbook, path: Path, address: Address) -> SheetValue:
    """The value at *address* in an open read-only workbook."""
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
        rows = [list(row) for row in sheet.iter_rows(max_row=MAX_ROWS, max_col=limits.MAX_SHEET_COLUMNS,
                                                     values_only=True)]
        value = _lookup(rows, address, where)
    result = _from_python(value, percent=percent)
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
