"""Many documents from one spreadsheet: ``docgen build DATA.yaml --rows 名单.xlsx``.

Takes a data file (the shared wording) and a table (.xlsx or .csv) whose
first row names columns; returns one batch item per data row, built through
:func:`docgen.batch.build_many` (parallel, progress, summary, each document
written on its own).

A column is matched, by its header, to a figure of the data file
(``figures.名称``) or to a meta field (``title``/标题, ``recipients``/主送机关,
``date``/成文日期 …, see ``load.META_NAMES``); the ``name`` column (default:
the first) names each output file.  Every row becomes a data file of its
own in a private folder (relative paths in it made absolute), so a row's
mistake fails that row alone; every message names the table, the row and
the column.  The data file may also say ``rows: 名单.xlsx`` or
``rows: {file: 名单.xlsx, sheet: 表1, name: 单位名称}``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.errors import DataError, Location

LIST_FIELDS = ("recipients", "copy_to", "keywords", "attendees", "absent", "observers")
DATE_FIELDS = ("date", "print_date")
MAX_ROWS = 10_000


@dataclass
class Row:
    number: int  # the spreadsheet row (header = 1)
    values: dict[str, Any]  # header → cell value (None when empty)


@dataclass
class RowsSpec:
    file: Path
    sheet: str | None = None
    name: str | None = None  # the column naming each output


@dataclass
class Expanded:
    """One row as a data file, or the reason it could not become one."""

    row: Row
    name: str
    data: Path | None = None
    error: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # YAML path (meta.x / figures.y) → column


def _where(spec: RowsSpec, row: int | None = None, column: str | None = None) -> str:
    text = spec.file.name
    if row is not None:
        text += f" 第 {row} 行"
    if column is not None:
        text += f"“{column}”列"
    return text


def read_table(spec: RowsSpec) -> tuple[list[str], list[Row]]:
    """The header and the data rows of the table (blank rows skipped)."""
    from docgen.spreadsheet import SheetProblem, _check_workbook_archive, _read, decode_table_text  # noqa: PLC0415

    where = Location(file=str(spec.file))
    try:
        raw = _read(spec.file)
        if spec.file.suffix.lower() == ".csv":
            grid = [list(r) for r in csv.reader(io.StringIO(decode_table_text(raw, spec.file.name)))]
        else:
            import openpyxl  # noqa: PLC0415

            _check_workbook_archive(raw, spec.file.name)
            book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                names = book.sheetnames
                sheet = spec.sheet or names[0]
                if sheet not in names:
                    raise SheetProblem(f"表格中没有工作表“{sheet}”（现有：{'、'.join(names)}）。",
                                       "rows 的 sheet 写工作表标签上的名称。")
                grid = [list(r) for r in book[sheet].iter_rows(max_row=MAX_ROWS + 1, values_only=True)]
            finally:
                book.close()
    except SheetProblem as exc:
        raise DataError(exc.message, location=where, fix=exc.fix) from None
    except Exception as exc:  # noqa: BLE001 - openpyxl fails in many ways on damaged files
        raise DataError(f"无法读取表格（{type(exc).__name__}）。", location=where,
                        fix="用 Excel/WPS 打开后另存为 .xlsx 或 CSV UTF-8 再试。") from None
    if not grid or not any(c not in (None, "") for c in grid[0]):
        raise DataError("表格的第一行应当是列名（数字的名称或 meta 字段），这里是空的。", location=where,
                        fix="在第一行写列名，如 单位名称、罚款金额、成文日期。")
    header = ["" if c is None else str(c).strip() for c in grid[0]]
    while header and not header[-1]:
        header.pop()
    rows: list[Row] = []
    for number, cells in enumerate(grid[1:], start=2):
        values = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h}
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
            continue
        rows.append(Row(number, values))
    if not rows:
        raise DataError("表格中除列名外没有数据行。", location=where, fix="每个文件写一行。")
    return header, rows


def _meta_key(column: str) -> str | None:
    from docgen.load import META_KEYS, META_NAMES  # noqa: PLC0415

    if column in META_KEYS:
        return column
    for key, name in META_NAMES.items():
        if column == name or column == name.replace("机关", "") or column in _ALIASES.get(key, ()):
            return key
    return None


_ALIASES = {"recipients": ("主送", "主送单位"), "date": ("日期",), "title": ("文件标题",),
            "doc_number": ("文号",), "copy_to": ("抄送", "抄送单位")}


def _cell_text(value: Any) -> str:
    from docgen.spreadsheet import _from_python  # noqa: PLC0415

    got = _from_python(value)
    return "" if got is None else got.text


def _figure_value(value: Any, template: Any, where: str) -> tuple[Any, str | None]:
    """A cell for a figure: a number stays a number (its written zeros kept), text stays text."""
    from docgen.spreadsheet import _from_python  # noqa: PLC0415

    got = _from_python(value)
    if got is None:
        return None, f"{where}是空的。"
    numeric_template = isinstance(template, int | float) and not isinstance(template, bool)
    if got.number is None:
        if numeric_template:
            return None, f"{where}应当是数字（数据文件中这个数字是 {template}），这里是 “{got.text}”。"
        return got.text, None
    text = got.text
    if re.fullmatch(r"-?\d+", text):
        return int(text), None
    return (float(text) if repr(float(text)) == text else text), None  # 5.50 keeps its zero


def _meta_value(key: str, value: Any) -> Any:
    if key in DATE_FIELDS and isinstance(value, _dt.datetime | _dt.date):
        return (value.date() if isinstance(value, _dt.datetime) else value).isoformat()
    text = _cell_text(value) if not isinstance(value, str) else value.strip()
    if key == "recipients":
        from docgen.importer.meta import split_groups  # noqa: PLC0415

        return split_groups(text)
    if key in LIST_FIELDS:
        from docgen.importer.meta import split_list  # noqa: PLC0415

        return split_list(text)
    if key == "year" and text.isdigit():
        return int(text)
    return text


def _absolute(data: dict[str, Any], base: Path) -> None:
    """Relative paths of the data file (seals, previous, figures from:) → absolute, for a copy elsewhere."""
    meta = data.get("meta") or {}
    seal = meta.get("seal")
    if isinstance(seal, str):
        meta["seal"] = str((base / seal).resolve())
    elif isinstance(seal, list):
        meta["seal"] = [str((base / s).resolve()) if isinstance(s, str) else s for s in seal]
    if isinstance(data.get("previous"), str):
        data["previous"] = str((base / data["previous"]).resolve())
    for value in (data.get("figures") or {}).values():
        if isinstance(value, dict) and isinstance(value.get("from"), str):
            value["from"] = str((base / value["from"]).resolve())
    template = data.get("template")
    if isinstance(template, str) and template.endswith(".docx"):
        data["template"] = str((base / template).resolve())


def spec_from_data(data_path: Path, raw: dict[str, Any]) -> RowsSpec | None:
    """The ``rows:`` entry of a data file, if any."""
    entry = raw.get("rows")
    if entry is None:
        return None
    where = Location(file=str(data_path))
    if isinstance(entry, str):
        return RowsSpec(file=(data_path.parent / entry))
    if isinstance(entry, dict) and isinstance(entry.get("file"), str):
        unknown = set(entry) - {"file", "sheet", "name"}
        if unknown:
            raise DataError(f"rows 中有未知的键 {'、'.join(map(str, unknown))}。", location=where,
                            fix="rows 写成 名单.xlsx，或 {file: 名单.xlsx, sheet: 表1, name: 单位名称}。")
        return RowsSpec(file=data_path.parent / entry["file"], sheet=entry.get("sheet"),
                        name=entry.get("name"))
    raise DataError("rows 应当是表格文件名，或 {file: 名单.xlsx, sheet: 表1, name: 单位名称}。",
                    location=where, fix="例如 rows: 名单.xlsx")


def load_raw(data_path: Path) -> dict[str, Any]:
    from docgen.yaml_source import read_source  # noqa: PLC0415

    data = read_source(data_path).data
    if not isinstance(data, dict):
        raise DataError("数据文件的最外层应当是映射（meta:、body: 等）。", location=Location(file=str(data_path)))
    return data


def expand(data_path: Path, spec: RowsSpec, folder: Path) -> list[Expanded]:
    """Every row of the table as its own data file in ``folder`` (or the row's error)."""
    import copy  # noqa: PLC0415

    raw = load_raw(data_path)
    raw.pop("rows", None)
    _absolute(raw, data_path.parent.resolve())
    header, rows = read_table(spec)
    name_column = spec.name or header[0]
    if name_column not in header:
        raise DataError(f"表格中没有“{name_column}”列（用来给每个文件命名）。",
                        location=Location(file=str(spec.file)),
                        fix=f"--name-column 写表格第一行中的列名：{'、'.join(h for h in header if h)}。")
    figures = raw.get("figures") or {}
    targets: dict[str, tuple[str, str]] = {}  # column → ("figures"|"meta", key)
    unknown: list[str] = []
    for column in header:
        if not column:
            continue
        if column in figures:
            targets[column] = ("figures", column)
        elif (key := _meta_key(column)) is not None:
            targets[column] = ("meta", key)
        elif column != name_column:
            unknown.append(column)
    if unknown:
        import difflib  # noqa: PLC0415

        hints = [f"“{u}”是否想写“{m[0]}”？" for u in unknown
                 if (m := difflib.get_close_matches(u, list(figures), n=1, cutoff=0.5))]
        raise DataError(f"表格的列“{'”“'.join(unknown)}”既不是数据文件 figures 中的数字，也不是 meta 的字段。",
                        location=Location(file=f"{spec.file} 第 1 行"),
                        fix="列名写成 figures 中数字的名称（如 罚款金额）或 meta 字段（标题、主送机关、成文日期等）；"
                            "不需要的列请删去。" + "".join(hints))
    out: list[Expanded] = []
    used: dict[str, int] = {}
    for row in rows:
        name = _cell_text(row.values.get(name_column)).strip() or f"第{row.number}行"
        item = Expanded(row=row, name=name)
        if name in used:
            item.error = (f"{_where(spec, row.number, name_column)}：文件名“{name}”与第 {used[name]} 行相同，"
                          "为避免互相覆盖，这一行没有生成。\n  修改方法：让每行的这一列各不相同，"
                          "或用 --name-column 指定另一列。")
            out.append(item)
            continue
        used[name] = row.number
        data = copy.deepcopy(raw)
        problems: list[str] = []
        for column, (section, key) in targets.items():
            value = row.values.get(column)
            where = _where(spec, row.number, column)
            if section == "figures":
                figure, problem = _figure_value(value, figures.get(key), where)
                if problem:
                    problems.append(problem)
                else:
                    data.setdefault("figures", {})[key] = figure
                item.columns[f"figures.{key}"] = column
            else:
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue  # an empty cell keeps the data file's own value
                data.setdefault("meta", {})[key] = _meta_value(key, value)
                item.columns[f"meta.{key}"] = column
        if problems:
            item.error = "\n".join(f"{p}\n  修改方法：改正表格中这一格，再重新生成。" for p in problems)
        else:
            item.data = folder / f"{row.number:05d}.yaml"
            item.data.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6),
                                 encoding="utf-8")
        out.append(item)
    return out


def locate_error(text: str, item: Expanded, spec: RowsSpec) -> str:
    """A build error of a row's data file, told as the table's row and column."""
    if item.data is None:
        return text
    column = next((c for path, c in item.columns.items() if path in text), None)
    place = _where(spec, item.row.number, column)
    text = re.sub(re.escape(str(item.data)) + r"(:\d+(:\d+)?)?", place, text)
    return text


def rows_spec(files: list[Path], rows: str | None, sheet: str | None,
              name: str | None) -> RowsSpec | None:
    """What ``docgen build`` was asked: --rows, or a single data file with a ``rows:`` entry."""
    if rows is not None:
        if len(files) != 1:
            raise DataError("--rows 只能配合一个数据文件使用。", fix="docgen build 数据文件.yaml --rows 名单.xlsx")
        return RowsSpec(Path(rows), sheet=sheet, name=name)
    if len(files) != 1:
        for path in files:
            if path.is_file() and re.search(r"(?m)^rows\s*:", path.read_text(encoding="utf-8-sig",
                                                                             errors="replace")):
                raise DataError("这个数据文件写了 rows:（按表格逐行生成），不能与其他文件一起生成。",
                                location=Location(file=str(path)),
                                fix=f"单独生成它：docgen build {path}")
        return None
    if not files[0].is_file():
        return None
    try:
        head = files[0].read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return None
    if not re.search(r"(?m)^rows\s*:", head):
        return None
    spec = spec_from_data(files[0], load_raw(files[0]))
    if spec is not None:
        spec.sheet = sheet or spec.sheet
        spec.name = name or spec.name
    return spec


def build_rows(data_path: Path, spec: RowsSpec, *,
               on_done: Callable[[Any, int, int], None] | None = None,
               on_start: Callable[[int], None] | None = None, **options: Any) -> list[Any]:
    """Build one document per row; one BatchItem per row, in table order, named after the row."""
    from docgen.batch import BatchItem, build_many  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="docgen-rows-") as tmp:
        folder = Path(tmp)
        expanded = expand(data_path, spec, folder)
        if on_start is not None:
            on_start(len(expanded))
        buildable = [e for e in expanded if e.data is not None]
        by_path = {e.data: e for e in buildable}
        done = 0
        total = len(expanded)

        def relabel(item: BatchItem) -> BatchItem:
            e = by_path.get(item.data)
            if e is None:
                return item
            item.data = Path(f"{spec.file.name} 第 {e.row.number} 行（{e.name}）")
            if item.error:
                item.error = locate_error(item.error, e, spec)
            return item

        def progress(item: BatchItem, _done: int, _total: int) -> None:
            nonlocal done
            done += 1
            if on_done is not None:
                on_done(relabel(item), done, total)

        failed = []
        for e in expanded:
            if e.data is None:
                item = BatchItem(data=Path(f"{spec.file.name} 第 {e.row.number} 行（{e.name}）"), ok=False,
                                 error=e.error, kind=DataError.kind)
                failed.append((e, item))
                done += 1
                if on_done is not None:
                    on_done(item, done, total)
        built = build_many([e.data for e in buildable], names=[e.name for e in buildable],
                           on_done=progress, **options) if buildable else []
        results = {id(e): item for e, item in failed}
        for e, item in zip(buildable, built, strict=True):
            results[id(e)] = relabel(item)
        return [results[id(e)] for e in expanded]
