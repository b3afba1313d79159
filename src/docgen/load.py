"""YAML data file → validated ``model.Document``.

Takes the path of a data file; returns a Document whose text has its figure
references filled in, or raises ``DataErrors`` listing *every* problem found
(file, line, column, YAML path, fix).  Consistency-check failures are errors
unless ``force`` is set, in which case they come back as warnings.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError

from docgen.errors import DataError, DataErrors, DocgenWarning
from docgen.model import (
    Document,
    Enumeration,
    Heading,
    Meta,
    Node,
    NumberingRules,
    Paragraph,
    Table,
)
from docgen.safety import BoundedSandbox, clean_text
from docgen.sandbox import shares_build_budget
from docgen.yaml_source import PathKey, SourceTree, read_source

TOP_KEYS = {
    "template": "使用的模板名，如 report",
    "meta": "元数据（标题、发文机关、成文日期等）",
    "previous": "上一年的数据文件",
    "numbering": "编号规则",
    "figures": "数字",
    "checks": "一致性检查",
    "body": "正文",
    "rows": "逐行生成用的表格（docgen build --rows，见 docs/import.md）",
}
REQUIRED_TOP = ("meta", "body")

# key -> (kind, required); kinds: str, int, date, strlist, bool, issuers, doc_number,
# order_number, copy_number, urgency, seal, attachments (see _META_READERS)
META_KEYS: dict[str, tuple[str, bool]] = {
    "title": ("title", True),
    "issuer": ("issuers", True),
    "year": ("int", True),
    "date": ("date", True),
    "recipients": ("recipients", False),
    "doc_number": ("doc_number", False),
    "signer": ("str", False),
    "copy_number": ("copy_number", False),
    "classification": ("str", False),
    "urgency": ("urgency", False),
    "attachments": ("attachments", False),
    "note": ("str", False),
    "copy_to": ("strlist", False),
    "printer": ("str", False),
    "print_date": ("date", False),
    "keywords": ("strlist", False),
    "issuer_mark": ("strlist", False),
    "with_wenjian": ("bool", False),
    "signer_title": ("str", False),
    "seal": ("seal", False),
    "order_number": ("order_number", False),
    "attendees": ("strlist", False),
    "absent": ("strlist", False),
    "observers": ("strlist", False),
    "extra": ("extra", False),
}
META_NAMES = {
    "title": "标题", "issuer": "发文机关署名", "year": "年度", "date": "成文日期",
    "recipients": "主送机关", "doc_number": "发文字号", "signer": "签发人", "copy_number": "份号",
    "classification": "密级和保密期限", "urgency": "紧急程度", "attachments": "附件",
    "note": "附注", "copy_to": "抄送机关", "printer": "印发机关", "print_date": "印发日期",
    "keywords": "关键词", "issuer_mark": "发文机关标志", "with_wenjian": "标志后加“文件”",
    "signer_title": "签署人职务", "seal": "印章图片", "order_number": "令号",
    "attendees": "出席人员", "absent": "请假人员", "observers": "列席人员",
    "extra": "自定义字段",
}
URGENCIES = ("特急", "加急")
ATTACHMENT_KEYS = {"name": "附件名称（标题）", "body": "附件正文（与 body 写法相同）",
                   "table": "附件末尾的表格（与正文 table 写法相同）",
                   "issued": "印发/转发的文件本身（true：不列入附件说明，不标“附件”）",
                   "numbering": "附件自己的编号规则（可选，默认同正文）"}
NUMBERING_KEYS = {"continue", "formats", "enumeration"}
HEADING_KEYS = {"heading", "level", "text", "body", "enumerate"}
ENUM_KEYS = {"enumerate", "inline", "text"}
TABLE_KEYS = {"caption": "表题（可选）", "header": "表头（单元格列表）",
              "rows": "数据行（行的列表）", "widths": "相对列宽（可选，数字列表）"}
TABLE_FIX = ("正文表格写成 table: {caption: 表题, header: [项目, 件数], rows: [[驳回, 3], …]}，"
             "每行的格数与表头相同，空格写 \"\"。")

_DATE_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")  # also when quoted
_UNDEFINED_NAME = re.compile(r"(?:attribute|key) '([^']+)'|'([^']+)' is undefined")


@dataclass
class LoadResult:
    """A loaded, validated and filled data file, with the warnings met."""

    document: Document
    warnings: list[DocgenWarning] = field(default_factory=list)


def text_environment() -> BoundedSandbox:
    """The sandboxed Jinja environment that fills figure references in data text."""
    return BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)


_TEXT_ENVIRONMENT = text_environment()


@functools.lru_cache(maxsize=8192)
def _compiled_text(text: str):
    """Data text compiled once per process: yearly files share most of their wording."""
    return _TEXT_ENVIRONMENT.from_string(text)


class _Collector:
    """Gathers every problem so the user sees them all at once."""

    def __init__(self, source: SourceTree):
        self.source = source
        self.errors: list[DataError] = []

    def error(self, path: PathKey, message: str, fix: str | None = None) -> None:
        self.errors.append(DataError(message, location=self.source.locate(path), fix=fix))

    def key_error(self, path: PathKey, message: str, fix: str | None = None) -> None:
        self.errors.append(DataError(message, location=self.source.locate_key(path), fix=fix))


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    return f"是否想写 “{close[0]}”？" if close else f"可用的键：{'、'.join(options)}。"


def _check_keys(c: _Collector, value: Mapping, allowed: set[str] | dict, path: PathKey,
                what: str) -> None:
    for key in value:
        if key not in allowed:
            c.key_error((*path, key), f"{what}中有未知的键 “{key}”。",
                    fix=_suggest(str(key), sorted(map(str, allowed))))


def _as_text(c: _Collector, value: Any, path: PathKey, what: str) -> str | None:
    if value is None:
        c.error(path, f"{what}还没有填写。", fix="在冒号后写上内容；不需要的项整行删去。")
        return None
    if isinstance(value, (bool, dict, list)):
        kind = "空值" if value is None else ("列表" if isinstance(value, list) else
                                            "映射" if isinstance(value, dict) else "是/否值")
        c.error(path, f"{what}应当是文字，这里是{kind}。",
                fix="在冒号后直接写文字；文字里含冒号加空格等特殊符号时用引号括起来。")
        return None
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return clean_text(str(value))  # XML-illegal control characters never reach the .docx


def _as_date(c: _Collector, value: Any, path: PathKey, what: str) -> _dt.date | None:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str) and (m := _DATE_CN.match(value) or _DATE_ISO.match(value)):
        try:
            return _dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    if value is None or (isinstance(value, str) and not value.strip()):
        c.error(path, f"{what}还没有填写。", fix="在冒号后写上日期，如 2023-03-13。")
        return None
    c.error(path, f"{what}不是有效日期：“{value}”。", fix="写成 2023-03-13 这样的形式。")
    return None


def _as_strlist(c: _Collector, value: Any, path: PathKey, what: str) -> tuple[str, ...]:
    if isinstance(value, list):
        out = [_as_text(c, item, (*path, i), what) for i, item in enumerate(value)]
        return tuple(x for x in out if x is not None)
    single = _as_text(c, value, path, what)
    return (single,) if single is not None else ()


class _TextFiller:
    """Fills ``{{ figures.x }}`` references in data text, with located errors."""

    def __init__(self, c: _Collector, context: dict[str, Any], failed: frozenset[str] = frozenset()):
        self.c = c
        self.context = context
        self.failed = failed  # declared figures whose own error is already reported

    def __call__(self, text: str, path: PathKey) -> str:
        text = clean_text(text)
        if "{" not in text:
            return text
        try:
            return _compiled_text(text).render(self.context)
        except UndefinedError as exc:
            m = _UNDEFINED_NAME.search(str(exc))
            name = (m[1] or m[2]) if m else ""
            if name in self.failed:
                return text
            offset = text.find(name) if name else -1
            loc = (self.c.source.locate_in_scalar(path, offset) if offset >= 0
                   else self.c.source.locate(path))
            figures = list(self.context.get("figures", {}))
            hint = _suggest(name, figures).replace("可用的键", "已定义的数字") if figures else ""
            self.c.errors.append(DataError(
                f"文字中引用的 “{name}” 没有定义。", location=loc,
                fix=f"在 figures 中定义 {name}，或改正引用的名称。{hint}"))
        except TemplateError as exc:
            self.c.errors.append(DataError(
                f"文字中的 {{{{ }}}} 引用写错了（{exc.message or exc}）。",
                location=self.c.source.locate(path),
                fix="引用数字写成 {{ figures.名称 }}，花括号成对出现；不能调用函数或访问内部属性。"))
        return text


def _build_body(c: _Collector, fill: _TextFiller, items: Any, path: PathKey,
                parent_level: int) -> tuple[Node, ...]:
    if not isinstance(items, list):
        c.error(path, "正文（body）应当是一个列表，每项以 “- ” 开头。",
                fix="参照 docs/data-format.md 的示例书写。")
        return ()
    nodes: list[Node] = []
    for i, item in enumerate(items):
        p = (*path, i)
        node = _build_node(c, fill, item, p, parent_level)
        if node is not None:
            nodes.append(node)
    return tuple(nodes)


def _build_node(c: _Collector, fill: _TextFiller, item: Any, p: PathKey,
                parent_level: int) -> Node | None:
    if isinstance(item, (str, int, float)) and not isinstance(item, bool):
        return Paragraph(fill(str(item), p), c.source.locate(p))
    if not isinstance(item, dict):
        c.error(p, "正文中的这一项无法识别。",
                fix="正文每项是一段文字，或 heading:（标题）、text:（段落）、enumerate:（列举）、table:（表格）。")
        return None
    if "heading" in item:
        _check_keys(c, item, HEADING_KEYS, p, "标题")
        title = _as_text(c, item["heading"], (*p, "heading"), "标题（heading）")
        level = parent_level + 1
        if "level" in item:
            raw = item["level"]
            if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= 4:
                c.error((*p, "level"), f"层级（level）应当是 1 到 4 的整数，这里是 {raw!r}。",
                        fix="一、为 1，（一）为 2，1. 为 3，（1）为 4。")
            elif raw <= parent_level:
                c.error((*p, "level"), f"层级 {raw} 不能高于或等于上级标题的层级 {parent_level}。",
                        fix=f"写 {parent_level + 1} 到 4 之间的层级，或调整缩进把它移到上一级。")
            else:
                level = raw
        if level > 4:
            c.error(p, "标题最多四层（一、（一）1.（1））。",
                    fix="减少嵌套，把更深的内容写成段落或列举（enumerate）。")
            level = 4
        text = None
        if "text" in item:
            raw_text = _as_text(c, item["text"], (*p, "text"), "段首标题后的正文（text）")
            text = fill(raw_text, (*p, "text")) if raw_text is not None else ""
        children = _build_body(c, fill, item["body"], (*p, "body"), level) if "body" in item else ()
        entries = _enumeration_entries(c, fill, item["enumerate"], (*p, "enumerate")) \
            if "enumerate" in item else ()
        if title is None or entries is None:
            return None
        return Heading(fill(title, (*p, "heading")), level, text, children, c.source.locate(p),
                       entries)
    if "enumerate" in item:
        _check_keys(c, item, ENUM_KEYS, p, "列举")
        texts = _enumeration_entries(c, fill, item["enumerate"], (*p, "enumerate"))
        if texts is None:
            return None
        lead = None
        if "text" in item:
            raw_lead = _as_text(c, item["text"], (*p, "text"), "列举前的引导语（text）")
            lead = fill(raw_lead, (*p, "text")) if raw_lead is not None else None
        # a lead-in sentence and its 一是……二是…… make one paragraph unless inline: false
        inline = item.get("inline", lead is not None)
        if not isinstance(inline, bool):
            c.error((*p, "inline"), "inline 只能写 true 或 false。", fix="写 inline: true 合为一段。")
            inline = False
        return Enumeration(texts, inline, lead, c.source.locate(p))
    if "table" in item:
        _check_keys(c, item, {"table"}, p, "正文表格")
        return _build_table(c, fill, item["table"], (*p, "table"))
    if "text" in item:
        _check_keys(c, item, {"text"}, p, "段落")
        t = _as_text(c, item["text"], (*p, "text"), "段落（text）")
        return Paragraph(fill(t, (*p, "text")), c.source.locate(p)) if t is not None else None
    keys = "、".join(map(str, item)) or "（空）"
    c.error(p, f"正文中的这一项（键：{keys}）无法识别。",
            fix="正文每项是一段文字，或含 heading:（标题）、text:（段落）、enumerate:（列举）、"
                "table:（表格）之一。")
    return None


def _enumeration_entries(c: _Collector, fill: _TextFiller, entries: Any,
                         path: PathKey) -> tuple[str, ...] | None:
    """The entries of an ``enumerate:`` list, figures filled in (None: reported error)."""
    if not isinstance(entries, list) or not entries:
        c.error(path, "列举（enumerate）应当是一个非空列表。", fix="每条列举内容一行，以 “- ” 开头。")
        return None
    texts = []
    for j, entry in enumerate(entries):
        t = _as_text(c, entry, (*path, j), "列举内容")
        if t is not None:
            texts.append(fill(t, (*path, j)))
    return tuple(texts)


def _table_cell(c: _Collector, fill: _TextFiller, value: Any, path: PathKey) -> str:
    """One cell: text or a number (figures filled in); an empty value is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = _as_text(c, value, path, "表格单元格")
    return fill(text, path) if text is not None else ""


def _table_row(c: _Collector, fill: _TextFiller, raw: Any, path: PathKey,
               what: str) -> tuple[str, ...] | None:
    if not isinstance(raw, list) or not raw:
        c.error(path, f"{what}应当是非空的单元格列表，如 [驳回, 3, 12%]。", fix=TABLE_FIX)
        return None
    return tuple(_table_cell(c, fill, cell, (*path, j)) for j, cell in enumerate(raw))


def _table_widths(c: _Collector, raw: Any, path: PathKey, columns: int) -> tuple[float, ...]:
    numbers = isinstance(raw, list) and all(
        isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 for x in raw)
    if not numbers:
        c.error(path, f"相对列宽（widths）应当是正数的列表，这里是 {raw!r}。",
                fix=f"每列写一个数字，如 widths: {[3] + [1] * max(columns - 1, 0)}；不写则各列等宽。")
        return ()
    if len(raw) != columns:
        c.error(path, f"相对列宽（widths）有 {len(raw)} 个，表头有 {columns} 列。",
                fix="每列写一个数字，个数与表头的格数相同；不写则各列等宽。")
        return ()
    return tuple(float(x) for x in raw)


def _build_table(c: _Collector, fill: _TextFiller, raw: Any, p: PathKey) -> Table | None:
    """A body ``table:``: validated, every cell's figure references filled in."""
    if not isinstance(raw, dict):
        c.error(p, "正文表格（table）应当是映射，包含 header（表头）和 rows（数据行）。", fix=TABLE_FIX)
        return None
    _check_keys(c, raw, TABLE_KEYS, p, "正文表格")
    errors = len(c.errors)
    for key in ("header", "rows"):
        if key not in raw:
            c.error(p, f"正文表格缺少 {key}（{TABLE_KEYS[key]}）。", fix=TABLE_FIX)
    header = _table_row(c, fill, raw["header"], (*p, "header"), "表头（header）") \
        if "header" in raw else None
    rows: list[tuple[str, ...]] = []
    raw_rows = raw.get("rows")
    if "rows" in raw and (not isinstance(raw_rows, list) or not raw_rows):
        c.error((*p, "rows"), "数据行（rows）应当是非空的行列表，每行以 “- ” 开头。", fix=TABLE_FIX)
    elif isinstance(raw_rows, list):
        for i, raw_row in enumerate(raw_rows):
            row = _table_row(c, fill, raw_row, (*p, "rows", i), f"表格第 {i + 1} 行")
            if row is None:
                continue
            if header is not None and len(row) != len(header):
                c.error((*p, "rows", i), f"表格第 {i + 1} 行有 {len(row)} 格，表头有 {len(header)} 格。",
                        fix="每行的格数与表头相同；空格写 \"\"。")
            rows.append(row)
    caption = None
    if raw.get("caption") is not None:
        text = _as_text(c, raw["caption"], (*p, "caption"), "表题（caption）")
        caption = fill(text.strip(), (*p, "caption")) if text is not None else None
    widths = _table_widths(c, raw["widths"], (*p, "widths"), len(header)) \
        if raw.get("widths") is not None and header is not None else ()
    if len(c.errors) > errors or header is None:
        return None
    return Table(header, tuple(rows), caption or None, widths, c.source.locate(p))


def _build_numbering(c: _Collector, raw: Any, path: PathKey = ("numbering",)) -> NumberingRules:
    rules = NumberingRules()
    if raw is None:
        return rules
    if not isinstance(raw, dict):
        c.error(path, "numbering 应当是映射（键: 值）。", fix="例如 numbering: {continue: [3]}")
        return rules
    _check_keys(c, raw, NUMBERING_KEYS, path, "numbering ")
    cont = raw.get("continue", [])
    levels: set[int] = set()
    run_on: list[tuple[int, int]] = []
    cont_fix = ("continue: [3] 表示第三层 1. 2. … 全文连续编号；continue: {3: 1} 表示第三层跨过"
                "（一）（二）连续编号、在每个“一、”下重新从 1. 开始。")
    if isinstance(cont, dict):
        for level, until in cont.items():
            if not (isinstance(level, int) and isinstance(until, int) and 1 <= until < level <= 4):
                c.error((*path, "continue", level), f"continue 中的 {level!r}: {until!r} 无效。",
                        fix=cont_fix)
            else:
                run_on.append((level, until))
    elif not isinstance(cont, list) or not all(isinstance(x, int) and 1 <= x <= 4 for x in cont):
        c.error((*path, "continue"), "continue 应当是 1 到 4 的层级列表，或“层级: 重新编号的上级层级”。",
                fix=cont_fix)
    else:
        levels = set(cont)
    formats = list(rules.formats)
    raw_formats = raw.get("formats", {})
    if not isinstance(raw_formats, dict):
        c.error((*path, "formats"), "formats 应当是映射，如 {1: \"{cn}、\"}。")
    else:
        for key, pattern in raw_formats.items():
            if not (isinstance(key, int) and 1 <= key <= 4) or not isinstance(pattern, str) \
                    or ("{cn}" not in pattern and "{n}" not in pattern):
                c.error((*path, "formats", key), f"编号格式 {key}: {pattern!r} 无效。",
                        fix="键为层级 1—4，值中含 {cn}（中文数字）或 {n}（阿拉伯数字）。")
            elif not _format_works(pattern):
                c.error((*path, "formats", key), f"编号格式 {key}: {pattern!r} 中有无法识别的花括号。",
                        fix="只能用 {cn}（中文数字）和 {n}（阿拉伯数字）两个占位符，其他花括号删去。")
            else:
                formats[key - 1] = clean_text(pattern)  # no control characters in the numbers
    enumeration = raw.get("enumeration", rules.enumeration)
    if isinstance(enumeration, str) and not _format_works(enumeration):
        c.error((*path, "enumeration"), f"列举格式 {enumeration!r} 中有无法识别的花括号。",
                fix="只能用 {cn}（中文数字）和 {n}（阿拉伯数字）两个占位符，例如 \"{cn}是\"。")
        enumeration = rules.enumeration
    elif isinstance(enumeration, str):
        enumeration = clean_text(enumeration)
    if not isinstance(enumeration, str) or ("{cn}" not in enumeration and "{n}" not in enumeration):
        c.error((*path, "enumeration"), "列举格式 enumeration 无效。", fix="例如 \"{cn}是\"。")
        enumeration = rules.enumeration
    return NumberingRules(tuple(formats), frozenset(levels), enumeration,  # type: ignore[arg-type]
                          tuple(sorted(run_on)))


def _format_works(pattern: str) -> bool:
    """A numbering pattern that str.format fills with cn and n alone (no other fields, balanced braces)."""
    try:
        pattern.format(cn="一", n=1)
    except (KeyError, IndexError, ValueError, AttributeError):
        return False
    return True


def _meta_bool(c: _Collector, value: Any, path: PathKey, what: str) -> bool | None:
    if isinstance(value, bool):
        return value
    c.error(path, f"{what}只能写 true（是）或 false（否），这里是 {value!r}。",
            fix="写 true 或 false，不加引号。")
    return None


def _meta_issuers(c: _Collector, value: Any, path: PathKey, what: str) -> dict[str, Any]:
    names = _as_strlist(c, value, path, what)
    if isinstance(value, list) and not names:
        c.error(path, f"{what}是空的。", fix="写发文机关名称；联合行文写成列表，主办机关在前。")
    return {"issuer": "、".join(names), "issuers": names} if names else {}


def _meta_checked(check: Callable[[str], Any]) -> Callable[..., str | None]:
    """A reader for text that a pure ``check`` (returning None or a Problem) validates."""
    def read(c: _Collector, value: Any, path: PathKey, what: str) -> str | None:
        text = _as_text(c, value, path, what)
        if text is None:
            return None
        problem = check(text.strip())
        if problem is not None:
            c.error(path, problem.message, fix=problem.fix)
            return None
        return text.strip()
    return read


def _check_urgency(text: str):
    from docgen.elements.doc_number import Problem  # noqa: PLC0415

    if text in URGENCIES:
        return None
    return Problem(f"紧急程度 “{text}” 无法识别。", f"紧急公文写 {'或'.join(URGENCIES)}；不紧急时删去这一行。")


def _meta_copy_number(c: _Collector, value: Any, path: PathKey, what: str) -> str | None:
    text = _as_text(c, value, path, what)
    if text is None:
        return None
    text = text.strip()
    if not text.isdigit() or not text.isascii() or len(text) > 6 or int(text) == 0:
        c.error(path, f"{what}应当是不超过 6 位的阿拉伯数字，这里是 {text!r}。",
                fix="写成 000001 或 1（不足 6 位时自动在前面补 0）。")
        return None
    return text.zfill(6)


def _meta_seal(c: _Collector, value: Any, path: PathKey, what: str) -> dict[str, Any]:
    """``seal: 印章.png`` or, for several issuers, ``seal: [主办.png, 联合.png]``."""
    if isinstance(value, list):
        if not value:
            c.error(path, f"{what}是空的列表。", fix="写印章图片的文件名；联合行文每个机关一个，主办机关在前。")
            return {}
        found = [_seal_picture(c, item, (*path, i), what) for i, item in enumerate(value)]
        seals = tuple(x for x in found if x is not None)
        return {"seal": seals[0], "seals": seals} if len(seals) == len(value) else {}
    one = _seal_picture(c, value, path, what)
    return {"seal": one, "seals": (one,)} if one is not None else {}


def _seal_picture(c: _Collector, value: Any, path: PathKey, what: str) -> str | None:
    from docgen.errors import DocgenError  # noqa: PLC0415
    from docgen.inputs import read_picture  # noqa: PLC0415

    text = _as_text(c, value, path, what)
    if text is None:
        return None
    try:  # confined to the data folder, bounded, decodable (docgen.inputs)
        return str(read_picture(text, Path(c.source.file).parent, field="seal", label="印章图片",
                                location=c.source.locate(path)))
    except DocgenError as exc:
        c.errors.append(DataError(exc.message, location=c.source.locate(path), fix=exc.fix))
        return None


def _meta_attachments(c: _Collector, value: Any, path: PathKey, what: str) -> Any:
    """Kept raw here: attachment text takes figures, which are computed after meta
    (``_build_attachments`` reads it)."""
    return value


def _build_attachments(c: _Collector, fill: _TextFiller, value: Any, rules: NumberingRules):
    """``meta.attachments``: names only, or documents with their own body (same syntax as
    the main body), an optional closing ``table``, ``issued`` and ``numbering``."""
    from docgen.model import Attachment  # noqa: PLC0415

    path: PathKey = ("meta", "attachments")
    items = value if isinstance(value, list) else [value]
    out: list[Attachment] = []
    fix = ("每个附件写一行 “- 附件名称”；随文附上的附件写成 {name: 名称, body: [正文，写法与 body 相同]}，"
           "印发的文件本身再加 issued: true。")
    for i, item in enumerate(items):
        p = (*path, i) if isinstance(value, list) else path
        if not isinstance(item, dict):
            name = _as_text(c, item, p, "附件名称")
            if name is not None:
                out.append(Attachment(fill(name.strip(), p), location=c.source.locate(p)))
            continue
        _check_keys(c, item, ATTACHMENT_KEYS, p, "附件")
        if "name" not in item:
            c.error(p, "附件缺少名称（name）。", fix=fix)
            continue
        lines = _title_parts(c, item["name"], (*p, "name"), "附件名称", fill)
        body: tuple[Node, ...] = ()
        if item.get("body") is not None:
            body = _build_body(c, fill, item["body"], (*p, "body"), 0)
        if item.get("table") is not None:
            raw_table = item["table"]
            if isinstance(raw_table, list):
                c.error((*p, "table"), "附件表格的写法与正文表格相同，不再写成行的列表。",
                        fix="写成 table: {caption: 表题, header: [序号, 工作任务], rows: [[1, 修订预案], …]}，"
                            "或放进附件的 body：- table: {…}。")
            else:
                table = _build_table(c, fill, raw_table, (*p, "table"))
                if table is not None:
                    body = (*body, table)
        issued = False
        if "issued" in item:
            issued = bool(_meta_bool(c, item["issued"], (*p, "issued"), "issued"))
            if issued and not body:
                c.error((*p, "issued"), "印发的文件（issued: true）要随文印出，但这里没有正文（body）。",
                        fix="在这个附件下写 body:（印发文件的正文），或删去 issued。")
        numbering = _build_numbering(c, item["numbering"], (*p, "numbering")) \
            if item.get("numbering") is not None else None
        if lines is None:
            continue
        name = "".join(lines)
        if name.endswith(("。", ".")):
            c.error((*p, "name"), f"附件名称 “{name}” 后不加句号。", fix="删去名称末尾的句号。")
        out.append(Attachment(name, body, issued, numbering,
                              tuple(lines) if len(lines) > 1 else (), c.source.locate(p)))
    return tuple(out)


def _title_parts(c: _Collector, value: Any, path: PathKey, what: str,
                 fill: _TextFiller | None = None) -> list[str] | None:
    """A title as its lines: one text (docgen breaks it), or the lines the data forces,
    given as a list or separated by line breaks."""
    if isinstance(value, list):
        parts = [_as_text(c, item, (*path, i), what) for i, item in enumerate(value)]
        if any(x is None for x in parts) or not parts:
            if not parts:
                c.error(path, f"{what}是空的列表。", fix="写标题文字；要指定换行处时写成每行一项的列表。")
            return None
        keys = [(*path, i) for i in range(len(parts))]
    else:
        text = _as_text(c, value, path, what)
        if text is None:
            return None
        parts = text.split("\n")
        keys = [path] * len(parts)
    lines = [(fill(part, key) if fill else part).strip() for part, key in zip(parts, keys, strict=True)]
    lines = [line for line in lines if line]
    if not lines:
        c.error(path, f"{what}是空的。", fix="写标题文字。")
        return None
    return lines


def _meta_title(c: _Collector, value: Any, path: PathKey, what: str) -> dict[str, Any]:
    """``title: 一行文字`` or ``title: [第一行, 第二行]`` (lines forced by the data)."""
    lines = _title_parts(c, value, path, what)
    if lines is None:
        return {}
    return {"title": "".join(lines), "title_breaks": tuple(lines) if len(lines) > 1 else ()}


def _meta_recipients(c: _Collector, value: Any, path: PathKey, what: str) -> dict[str, Any]:
    """主送机关: names joined by 、, or groups (lists) joined by ， with 、 inside."""
    items = value if isinstance(value, list) else [value]
    grouped = any(isinstance(item, list) for item in items)
    groups: list[tuple[str, ...]] = []
    names: list[str] = []
    for i, item in enumerate(items):
        p = (*path, i) if isinstance(value, list) else path
        if grouped:  # every item is a group; a plain name is a group of one
            group = tuple(n.strip() for n in _as_strlist(c, item, p, what) if n.strip())
            if group:
                groups.append(group)
        elif (name := _as_text(c, item, p, what)) is not None and name.strip():
            names.append(name.strip())
    if names:
        groups = [tuple(names)]
    flat = tuple(n for g in groups for n in g)
    return {"recipients": flat, "recipient_groups": tuple(groups)} if flat else {}


def _meta_int(c: _Collector, value: Any, path: PathKey, what: str) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2999:
        return value
    if value is None:
        c.error(path, f"{what}还没有填写。", fix="在冒号后写上四位年份，例如 year: 2022")
        return None
    c.error(path, f"{what}应当是四位年份，这里是 {value!r}。", fix="例如 year: 2022")
    return None


def _meta_extra(c: _Collector, value: Any, path: PathKey, what: str) -> tuple | None:
    """meta.extra: name -> text, for custom templates ({{ extra.联系人 }})."""
    if not isinstance(value, dict):
        c.error(path, f"{what}应当是“名称: 内容”的映射。",
                fix="例如\n  extra:\n    联系人: 张某某\n    联系电话: 0513-12345678")
        return None
    out = []
    for key, item in value.items():
        text = _as_text(c, item, (*path, key), f"自定义字段 {key}（meta.extra.{key}）")
        if text is not None:
            out.append((str(key), text))
    return tuple(out)


def _meta_readers() -> dict[str, Callable[..., Any]]:
    from docgen.elements.doc_number import check_doc_number, check_order_number  # noqa: PLC0415

    return {
        "str": _as_text, "int": _meta_int, "date": _as_date, "strlist": _as_strlist,
        "bool": _meta_bool, "issuers": _meta_issuers,
        "doc_number": _meta_checked(check_doc_number),
        "order_number": _meta_checked(check_order_number),
        "urgency": _meta_checked(_check_urgency),
        "copy_number": _meta_copy_number, "seal": _meta_seal, "attachments": _meta_attachments,
        "title": _meta_title, "recipients": _meta_recipients, "extra": _meta_extra,
    }


def _build_meta(c: _Collector, raw: Any) -> dict[str, Any] | None:
    path: PathKey = ("meta",)
    if not isinstance(raw, dict):
        c.error(path, "meta 应当是映射，包含 title、issuer、year、date 等。",
                fix="参照 docs/data-format.md 填写 meta。")
        return None
    _check_keys(c, raw, META_KEYS, path, "meta ")
    readers = _meta_readers()
    values: dict[str, Any] = {}
    for key, (kind, required) in META_KEYS.items():
        what = f"{META_NAMES[key]}（meta.{key}）"
        if key not in raw:
            if required:
                c.error(path, f"缺少{what}。", fix=f"在 meta 下增加一行 {key}: …")
            continue
        value = readers[kind](c, raw[key], (*path, key), what)
        if kind in ("issuers", "seal", "title", "recipients"):
            values.update(value)
        elif value is not None:
            values[key] = value
    if "issuer_mark" not in values and values.get("issuers"):
        values["issuer_mark"] = values["issuers"]
    seals, issuers = values.get("seals", ()), values.get("issuers", ())
    if len(seals) > 1 and issuers and len(seals) != len(issuers):
        c.error((*path, "seal"), f"印章图片有 {len(seals)} 个，发文机关有 {len(issuers)} 个。",
                fix="联合行文每个发文机关一个印章，按 issuer 的顺序排列（主办机关在前）；"
                    "只盖主办机关印章时写一个文件名。")
    return values


def _figure_context(figures: Mapping[str, Any]) -> dict[str, Any]:
    return dict(figures)


@shares_build_budget
def load_document(path: Path, *, force: bool = False, draft: bool = False,
                  locate_previous: Callable[[Path], Mapping[str, Any]] | None = None) -> LoadResult:
    """Load, validate and fill a data file. Raises DataErrors with every problem.

    ``draft`` lets placeholders left from ``docgen new`` through (as one warning).
    """
    from docgen import figures as figures_mod  # noqa: PLC0415
    from docgen import misprints  # noqa: PLC0415

    source = read_source(path)
    c = _Collector(source)
    data = source.data
    if not isinstance(data, dict):
        raise DataErrors([DataError("数据文件的最外层应当是映射（meta:、body: 等）。",
                                    location=source.locate(()),
                                    fix="参照 docs/data-format.md 的示例书写。")])
    _check_keys(c, data, TOP_KEYS, (), "数据文件")
    for key in REQUIRED_TOP:
        if key not in data:
            c.error((), f"缺少 {key}（{TOP_KEYS[key]}）。", fix=f"增加 {key}: 部分，参照 docs/data-format.md。")
    template = data.get("template", "report")
    if not isinstance(template, str) or not template.strip():
        c.error(("template",), "template 应当是模板名，如 report。")
        template = "report"

    meta_values = _build_meta(c, data.get("meta", {})) if "meta" in data else None
    rules = _build_numbering(c, data.get("numbering"))

    previous: Mapping[str, Any] | None = None
    if "previous" in data:
        prev_name = data["previous"]
        if not isinstance(prev_name, str):
            c.error(("previous",), "previous 应当是上一年数据文件的文件名。")
        else:
            from docgen.errors import DocgenError  # noqa: PLC0415
            from docgen.inputs import confine  # noqa: PLC0415

            try:  # inside the data file's folder tree (docgen.inputs.confine)
                prev_path = confine(prev_name, path.parent, field="previous",
                                    location=source.locate(("previous",)))
                previous = (locate_previous or _previous_figures)(prev_path)
            except DocgenError as exc:
                c.error(("previous",), f"上一年的数据文件无法使用：{exc.describe()}",
                        fix="检查 previous 指向的文件名，或先修正该文件。")

    raw_figures = data.get("figures", {}) or {}
    raw_checks = data.get("checks", []) or []
    figures: dict[str, Any] = {}
    warnings: list[DocgenWarning] = []
    if not isinstance(raw_figures, dict):
        c.error(("figures",), "figures 应当是映射（名称: 数字）。")
    elif not isinstance(raw_checks, list):
        c.error(("checks",), "checks 应当是列表，每项以 “- ” 开头。")
    else:
        raw_figures, notes = misprints.prepare_figures(raw_figures, source.locate)
        warnings.extend(notes)
        figures, problems = figures_mod.evaluate(raw_figures, raw_checks, locate=source.locate,
                                                 previous=previous, base_dir=path.parent)
        for problem in problems:
            if force and isinstance(problem, figures_mod.CheckFailed):
                warnings.append(DocgenWarning(f"一致性检查未通过（已按 --force 继续生成）：{problem.message}",
                                              problem.location))
            else:
                c.errors.append(problem)

    meta_context = {k: v for k, v in (meta_values or {}).items()}
    context = {"figures": _figure_context(figures), "meta": meta_context,
               "year": meta_context.get("year")}
    declared = frozenset(map(str, raw_figures)) if isinstance(raw_figures, dict) else frozenset()
    fill = _TextFiller(c, context, failed=declared - set(figures))
    body = _build_body(c, fill, data["body"], ("body",), 0) if "body" in data else ()
    if "body" in data and isinstance(data["body"], list) and not data["body"]:
        c.error(("body",), "正文（body）是空的。", fix="至少写一段正文。")

    if meta_values is not None and meta_values.get("title_breaks"):
        lines = [fill(line, ("meta", "title", i)) for i, line in enumerate(meta_values["title_breaks"])]
        meta_values.update(title="".join(lines), title_breaks=tuple(lines))
    elif meta_values is not None and meta_values.get("title"):
        meta_values["title"] = fill(meta_values["title"], ("meta", "title"))
    if meta_values is not None and "attachments" in meta_values:
        meta_values["attachments"] = _build_attachments(c, fill, meta_values["attachments"], rules)
    misprint_errors, misprint_warnings = misprints.scan_source(source, figures, draft=draft)
    c.errors.extend(misprint_errors)
    warnings.extend(misprint_warnings)
    if c.errors:
        raise DataErrors(c.errors)
    assert meta_values is not None
    meta = Meta(**meta_values)
    document = Document(meta=meta, body=body, numbering=rules, figures=figures,
                        template=template.strip(), source=str(path))
    if tags := misprints.scan_document(document, source):  # nothing unfilled reaches the output
        raise DataErrors(tags)
    return LoadResult(document, warnings)


def _previous_figures(path: Path) -> Mapping[str, Any]:
    """Figures of last year's data file (its own previous link is not followed)."""
    from docgen import figures as figures_mod  # noqa: PLC0415

    source = read_source(path)
    data = source.data if isinstance(source.data, dict) else {}
    from docgen.misprints import prepare_figures  # noqa: PLC0415

    raw = data.get("figures", {}) or {}
    raw = prepare_figures(raw, source.locate)[0] if isinstance(raw, dict) else raw
    figs, problems = figures_mod.evaluate(raw, data.get("checks", []) or [],
                                          locate=source.locate, previous=None, base_dir=path.parent)
    # last year's own year-over-year figures cannot be computed without *its* previous file
    hard = [p for p in problems
            if not isinstance(p, (figures_mod.CheckFailed, figures_mod.NoPrevious))]
    if hard:
        raise DataErrors(hard)
    return figs
