"""What the 编辑 page shows for one data file: the view model, from the file's text.

Takes the YAML text of a data file (saved or a draft typed in the page) and
the folder it lives in; returns an ``Analysis``: meta fields with their
Chinese names, the figures table (this year, last year, computed figures
with their formula), the checks with their result, the body as an outline
whose headings carry the numbers ``docgen.numbering`` computes, and every
``load`` error and ``check`` finding at its YAML path, with the corrected
text where ``check --fix`` would correct it.  Nothing here writes the file.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import json
import os
import re
import secrets
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import DataErrors, DocgenError
from docgen.model import Enumeration, Heading, NumberingRules, Paragraph
from docgen.numbering import format_number, number_blocks
from docgen.yaml_source import PathKey, format_path

TEMPLATE_LABELS = {
    "report": "报告", "notice": "通知", "request": "请示", "report-file": "报告（文件格式）",
    "letter": "函", "order": "命令（令）", "minutes": "纪要",
}
META_HINTS = {
    "title": "公文标题，如“2023年××县法治政府建设情况报告”。",
    "issuer": "发文机关署名；联合行文每行一个机关，主办机关在前。",
    "year": "年度，四位数字。",
    "date": "成文日期，写 2023-03-13，打印为“2023年3月13日”。",
    "recipients": "主送机关，每行一个。",
    "doc_number": "发文字号，如 如政发〔2023〕5号。",
    "signer": "签发人（上行文）。",
    "copy_number": "份号，六位数字。",
    "classification": "密级和保密期限，如 秘密★1年。",
    "urgency": "紧急程度：特急 或 加急。",
    "note": "附注，不写括号。",
    "copy_to": "抄送机关，每行一个。",
    "printer": "印发机关。",
    "print_date": "印发日期，写 2023-03-13。",
    "keywords": "关键词（写入 PDF 的文档信息），每行一个。",
    "issuer_mark": "发文机关标志（红色版头），每行一个。",
    "with_wenjian": "发文机关标志后是否加“文件”二字。",
    "signer_title": "签署人职务（命令），如 县长。",
    "seal": "印章图片的文件名（放在数据文件夹中的 .png）。",
    "order_number": "令号，如 第12号。",
    "attendees": "出席人员，每行一个。",
    "absent": "请假人员，每行一个。",
    "observers": "列席人员，每行一个。",
}
#: Template values (render_docx.template_context) → the meta elements they print.
TEMPLATE_VALUES = {
    "date_text": ("date",), "recipients_text": ("recipients",), "copy_to_text": ("copy_to",),
    "title_lines": ("title",), "title_text": ("title",),
    "header_lines": ("copy_number", "classification", "urgency"),
    "issuer_marks": ("issuer_mark",), "issuer_mark_text": ("issuer_mark", "with_wenjian"),
    "issuers": ("issuer",), "has_seal": ("seal",), "joint_seals": ("seal",),
    "attachment_notes": ("attachments",), "attachment_pages": ("attachments",),
    "print_date_text": ("print_date",), "has_record": ("copy_to", "printer"),
    "attendees_text": ("attendees",), "absent_text": ("absent",), "observers_text": ("observers",),
}
LINE_LIST_KEYS = {"recipients", "copy_to", "keywords", "issuer_mark", "attendees", "absent",
                  "observers"}


def field_name(path: PathKey) -> str:
    """The form field that carries the value at ``path``: ``v`` + the path as JSON."""
    return "v" + json.dumps(list(path), ensure_ascii=False)


def parse_field_name(name: str) -> PathKey | None:
    if not name.startswith("v["):
        return None
    try:
        parts = json.loads(name[1:])
    except ValueError:
        return None
    if not isinstance(parts, list) or not parts or not all(
            isinstance(p, str) or (isinstance(p, int) and not isinstance(p, bool)) for p in parts):
        return None
    return tuple(parts)


@dataclass
class Note:
    """A message shown at a place: an error (``error``) or a proofreading finding."""

    message: str
    level: str                    # "error" or "finding"
    quote: str = ""
    suggestion: str = ""
    fixed: str | None = None      # the field's whole text with the safe fixes applied
    fixable: bool = False         # ``check --fix`` would fix this finding


@dataclass
class TextField:
    path: PathKey
    label: str
    value: str
    multiline: bool = False
    kind: str = ""
    hint: str = ""
    editable: bool = True
    notes: list[Note] = field(default_factory=list)

    @property
    def name(self) -> str:
        return field_name(self.path)

    @property
    def dom_id(self) -> str:
        return "f-" + format_path(self.path).replace(".", "-").replace("[", "-").replace("]", "")


@dataclass
class FigureRow:
    name: str
    field: TextField | None       # None: computed (read-only)
    value_text: str               # this year's value as printed ("" when not computable)
    previous_text: str            # last year's value as printed ("" when unknown)
    formula: str = ""
    notes: list[Note] = field(default_factory=list)


@dataclass
class CheckRow:
    index: int
    formula: str
    ok: bool
    message: str


@dataclass
class OutlineItem:
    depth: int
    kind: str                     # heading, run_in, paragraph, enumeration, table
    number: str
    fields: list[TextField]
    table: list[list[str]] | None = None
    caption: str = ""
    path: PathKey = ()            # the item's place in the body (for 添加 / 删除)


@dataclass
class Analysis:
    title: str
    template: str
    year: Any
    meta: list[TextField]
    figures: list[FigureRow]
    checks: list[CheckRow]
    outline: list[OutlineItem]
    errors: list[str]             # every load error, described (place, problem, fix)
    other_notes: list[tuple[str, Note]]   # findings/errors at places without a field
    ok: bool                      # loads without errors (can be built)
    numbering: NumberingRules | None = None


# --------------------------------------------------------------------------
# The draft file
# --------------------------------------------------------------------------


@contextlib.contextmanager
def draft_file(folder: Path, name: str, text: str) -> Iterator[Path]:
    """A hidden copy of ``text`` beside the real file (so ``previous:``, spreadsheets and
    seal pictures resolve the same), removed afterwards."""
    path = folder / f".docgen-draft-{secrets.token_hex(6)}-{name}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _display(text: str, draft: Path, name: str) -> str:
    return text.replace(str(draft), name).replace(draft.name, name)


# --------------------------------------------------------------------------
# Pieces of the view
# --------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    return str(value)


def _meta_fields(meta: Any, wanted: list[str]) -> list[TextField]:
    from docgen.load import META_KEYS, META_NAMES  # noqa: PLC0415

    out: list[TextField] = []
    keys = list(meta) if isinstance(meta, dict) else []
    keys += [k for k in wanted if k not in keys and k in META_KEYS]
    for key in keys:
        value = meta.get(key) if isinstance(meta, dict) else None
        label = META_NAMES.get(str(key), str(key))
        hint = META_HINTS.get(str(key), "")
        kind = ""
        editable = True
        if isinstance(value, str) or isinstance(value, int | float) and not isinstance(value, bool):
            pass  # one value written as text: edited as text, whatever the element allows
        elif key in LINE_LIST_KEYS or (key in ("issuer", "seal") and isinstance(value, list)):
            kind = "lines"
            editable = value is None or (isinstance(value, list)
                                         and all(isinstance(v, str) for v in value))
        elif key in ("date", "print_date"):
            kind = "date"
        elif key == "year":
            kind = "number"
        elif key == "with_wenjian":
            kind = "bool"
        if isinstance(value, dict) or (isinstance(value, list) and kind != "lines") \
                or key == "attachments":
            editable = False
        text = _text(value) if editable or value is None else json.dumps(_plainify(value),
                                                                           ensure_ascii=False)
        out.append(TextField(("meta", key), label, text, multiline=kind == "lines", kind=kind,
                             hint=hint if editable else "这一项结构较复杂，请在数据文件中修改。",
                             editable=editable))
    return out


def _plainify(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plainify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plainify(v) for v in value]
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value if isinstance(value, int | float | bool) or value is None else str(value)


def formula_text(raw: Any) -> str:
    """A computed figure's definition in words: 甲 + 乙, 甲 ÷ 乙 × 100 …"""
    if not isinstance(raw, dict):
        return ""

    def names(key: str, sep: str) -> str:
        arg = raw.get(key)
        return sep.join(map(str, arg)) if isinstance(arg, list) else str(arg)

    decimals = f"（保留 {raw['decimals']} 位小数）" if "decimals" in raw else ""
    if "sum" in raw:
        return names("sum", " + ") + decimals
    if "diff" in raw:
        return names("diff", " − ") + decimals
    if "rate" in raw:
        return names("rate", " ÷ ") + " × 100" + decimals
    if "previous" in raw:
        return f"上年的 {raw['previous']}"
    if "change" in raw:
        return f"{raw['change']} 比上年增减"
    if "change_text" in raw:
        return f"{raw['change_text']} 比上年增减（文字）"
    if "growth" in raw:
        return f"{raw['growth']} 比上年增长（%）"
    if "growth_text" in raw:
        return f"{raw['growth_text']} 比上年增长（文字）"
    if "from" in raw:
        where = raw.get("cell") or f"{raw.get('row', '')} / {raw.get('column', '')}"
        sheet = f" 表 {raw['sheet']}" if raw.get("sheet") else ""
        return f"来自 {raw['from']}{sheet} {where}"
    return json.dumps(_plainify(raw), ensure_ascii=False)


def check_formula(check: Any) -> str:
    if not isinstance(check, dict):
        return str(check)
    target = check.get("equals", "？")
    for kind, sep in (("sum", " + "), ("diff", " − "), ("rate", " ÷ ")):
        if kind in check and isinstance(check[kind], list):
            expr = sep.join(map(str, check[kind])) + (" × 100" if kind == "rate" else "")
            return f"{expr} = {target}"
    return json.dumps(_plainify(check), ensure_ascii=False)


def _evaluate_figures(folder: Path, draft: Path, data: dict) -> tuple[dict, list, dict]:
    """(this year's figures, their problems, last year's figures) — problems never raised."""
    from docgen import figures as figures_mod  # noqa: PLC0415
    from docgen.yaml_source import read_source  # noqa: PLC0415

    previous: dict = {}
    prev_name = data.get("previous")
    if isinstance(prev_name, str):
        with contextlib.suppress(DocgenError, OSError):
            prev_source = read_source(folder / prev_name)
            prev = prev_source.data if isinstance(prev_source.data, dict) else {}
            previous, _ = figures_mod.evaluate(prev.get("figures") or {}, prev.get("checks") or [],
                                               locate=prev_source.locate, previous=None,
                                               base_dir=(folder / prev_name).parent)
    try:
        source = read_source(draft)
    except DocgenError:
        return {}, [], previous
    raw = source.data if isinstance(source.data, dict) else {}
    figures, problems = figures_mod.evaluate(raw.get("figures") or {}, raw.get("checks") or [],
                                             locate=source.locate,
                                             previous=previous if isinstance(prev_name, str) else None,
                                             base_dir=folder)
    return figures, problems, previous


# --------------------------------------------------------------------------
# The body outline
# --------------------------------------------------------------------------


def _outline(body: Any, rules: NumberingRules) -> list[OutlineItem]:
    """The body as editable items, numbered by ``number_blocks`` on the same structure."""
    items: list[OutlineItem] = []
    headings: list[OutlineItem] = []

    def walk(nodes: Any, path: PathKey, level: int, depth: int) -> list:
        model: list = []
        if not isinstance(nodes, list):
            return model
        for i, node in enumerate(nodes):
            p = (*path, i)
            start = len(items)
            if isinstance(node, str | int | float) and not isinstance(node, bool):
                items.append(OutlineItem(depth, "paragraph", "",
                                         [TextField(p, "段落", str(node), multiline=True)]))
                model.append(Paragraph(str(node)))
            elif isinstance(node, dict) and "heading" in node:
                lvl = node.get("level") if isinstance(node.get("level"), int) else level + 1
                lvl = max(1, min(4, lvl))
                fields = [TextField((*p, "heading"), "标题", _text(node.get("heading")))]
                run_in = "text" in node
                if run_in:
                    fields.append(TextField((*p, "text"), "段首标题后的正文", _text(node.get("text")),
                                            multiline=True))
                item = OutlineItem(depth, "run_in" if run_in else "heading", "", fields)
                items.append(item)
                headings.append(item)
                children = walk(node.get("body"), (*p, "body"), lvl, depth + 1) if "body" in node else []
                model.append(Heading(_text(node.get("heading")), lvl,
                                     _text(node.get("text")) if run_in else None, tuple(children)))
            elif isinstance(node, dict) and "enumerate" in node:
                entries = node.get("enumerate") if isinstance(node.get("enumerate"), list) else []
                fields = [TextField((*p, "enumerate", j), format_number(rules.enumeration, j + 1),
                                    _text(e), multiline=True) for j, e in enumerate(entries)]
                items.append(OutlineItem(depth, "enumeration", "", fields))
                model.append(Enumeration(tuple(_text(e) for e in entries), bool(node.get("inline"))))
            elif isinstance(node, dict) and "text" in node:
                items.append(OutlineItem(depth, "paragraph", "",
                                         [TextField((*p, "text"), "段落", _text(node["text"]),
                                                    multiline=True)]))
                model.append(Paragraph(_text(node["text"])))
            elif isinstance(node, dict) and isinstance(node.get("table"), dict):
                table = node["table"]
                rows = [list(map(_text, table.get("header") or []))]
                rows += [list(map(_text, r)) for r in (table.get("rows") or []) if isinstance(r, list)]
                items.append(OutlineItem(depth, "table", "", [], table=rows,
                                         caption=_text(table.get("caption"))))
            else:
                items.append(OutlineItem(depth, "paragraph", "", [
                    TextField(p, "无法识别的一项", json.dumps(_plainify(node), ensure_ascii=False),
                              editable=False)]))
            items[start].path = p
        return model

    model = walk(body, ("body",), 0, 0)
    numbered = [b for b in number_blocks(model, rules) if b.kind in ("heading", "run_in")]
    for item, block in zip(headings, numbered, strict=False):
        item.number = block.number
    return items


# --------------------------------------------------------------------------
# The whole analysis
# --------------------------------------------------------------------------


def _fixed_value(value: str, body: bool) -> str | None:
    from docgen.check import proofread_text  # noqa: PLC0415

    issues = [i for i in proofread_text(value, body=body) if i.fixable]
    if not issues:
        return None
    out, last = [], len(value)
    for issue in sorted(issues, key=lambda i: i.start, reverse=True):
        if issue.end > last:
            continue
        out.append(value[issue.end:last])
        out.append(issue.replacement or "")
        last = issue.start
    out.append(value[:last])
    fixed = "".join(reversed(out))
    return fixed if fixed != value else None


def template_meta_keys(template_path: Path | None) -> list[str]:
    """The meta elements a template prints (``meta.xxx`` in its text), in order of appearance."""
    if template_path is None:
        return []
    try:
        stat = template_path.stat()
    except OSError:
        return []
    return list(_template_meta_keys(str(template_path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _template_meta_keys(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    try:
        with zipfile.ZipFile(path) as z:
            xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                          if n.startswith("word/") and n.endswith(".xml"))
    except (OSError, zipfile.BadZipFile, KeyError):
        return []
    text = re.sub(r"<[^>]+>", "", xml)
    seen: list[str] = []
    for m in re.finditer(r"meta\.([A-Za-z_]+)|\b([a-z_]+)\b", text):
        for key in ((m[1],) if m[1] else TEMPLATE_VALUES.get(m[2], ())):
            if key not in seen:
                seen.append(key)
    return tuple(seen)


def _notes_by_path(items: list[tuple[str, Note]]) -> dict[str, list[Note]]:
    out: dict[str, list[Note]] = {}
    for key, note in items:
        out.setdefault(key, []).append(note)
    return out


def proofread(folder: Path, name: str, text: str) -> list[tuple[str, Note]]:
    """``check`` findings of ``text`` as (YAML path, Note) — the slow part (a ruamel parse)."""
    from docgen.check import RULES, check_file  # noqa: PLC0415

    with draft_file(folder, name, text) as draft:
        try:
            findings = check_file(draft)
        except DocgenError as exc:
            return [("", Note(_display(exc.describe(), draft, name), "error"))]
    return [(f.location.path or "", Note(f"[{RULES.get(f.rule, f.rule)}] {f.message}", "finding",
                                         quote=f.text, suggestion=f.suggestion or "",
                                         fixable=f.fixable))
            for f in findings]


def analyze(folder: Path, name: str, text: str, *, findings: list[tuple[str, Note]] | None = None,
            rules_hint: NumberingRules | None = None) -> Analysis:
    """Everything the 编辑 page shows for ``text`` (the content of ``folder/name``).

    ``findings`` are the proofreading notes (see :func:`proofread`) to place
    at their fields; without them only load errors are placed.
    """
    from docgen.build import find_template  # noqa: PLC0415
    from docgen.load import load_document  # noqa: PLC0415
    from docgen.yaml_source import read_source  # noqa: PLC0415

    errors: list[str] = []
    located: list[tuple[str, Note]] = list(findings or [])
    rules = rules_hint
    ok = False
    with draft_file(folder, name, text) as draft:
        try:
            data = read_source(draft).data
        except DocgenError as exc:
            return Analysis(name, "", None, [], [], [], [], [_display(exc.describe(), draft, name)],
                            [], False)
        data = data if isinstance(data, dict) else {}
        try:
            loaded = load_document(draft)
            rules = loaded.document.numbering
            ok = True
        except DataErrors as exc:
            for err in exc.errors:
                errors.append(_display(err.describe(), draft, name))
                key = err.location.path if err.location else None
                located.append((key or "", Note(_display(err.message, draft, name), "error",
                                                suggestion=err.fix or "")))
        except DocgenError as exc:
            errors.append(_display(exc.describe(), draft, name))
        figures, problems, previous = _evaluate_figures(folder, draft, data)
    notes = _notes_by_path(located)
    template = str(data.get("template", "report"))
    try:
        template_path = find_template(template, folder / name)
    except DocgenError:
        template_path = None
    meta_fields = _meta_fields(data.get("meta"), template_meta_keys(template_path))
    outline = _outline(data.get("body"), rules or NumberingRules())

    used: set[str] = set()

    def attach(f: TextField, body: bool) -> None:
        key = format_path(f.path)
        f.notes = notes.get(key, [])
        if f.notes:
            used.add(key)
            fixed = _fixed_value(f.value, body) if f.editable else None
            for n in f.notes:
                if n.level == "finding" and n.fixable:
                    n.fixed = fixed

    for f in meta_fields:
        attach(f, body=False)
    for item in outline:
        for f in item.fields:
            attach(f, body=True)

    rows: list[FigureRow] = []
    raw_figures = data.get("figures") if isinstance(data.get("figures"), dict) else {}
    for fname, raw in raw_figures.items():
        fig = figures.get(str(fname))
        prev = previous.get(str(fname))
        path = ("figures", fname)
        if isinstance(raw, dict):
            row = FigureRow(str(fname), None, fig.text if fig else "", prev.text if prev else "",
                            formula_text(raw))
            row.notes = notes.get(format_path(path), [])
            used.add(format_path(path))
        else:
            f = TextField(path, str(fname), _text(raw), kind="number")
            attach(f, body=False)
            row = FigureRow(str(fname), f, fig.text if fig else "", prev.text if prev else "")
        rows.append(row)
    checks: list[CheckRow] = []
    raw_checks = data.get("checks") if isinstance(data.get("checks"), list) else []
    for i, check in enumerate(raw_checks):
        prefix = f"checks[{i}]"
        failed = [p for p in problems if p.location and p.location.path
                  and (p.location.path == prefix or p.location.path.startswith((prefix + ".", prefix + "[")))]
        for key in list(notes):
            if key == prefix or key.startswith((prefix + ".", prefix + "[")):
                used.add(key)
        checks.append(CheckRow(i, check_formula(check), not failed,
                               "；".join(p.message for p in failed) if failed else "通过"))
    other = [(k, n) for k, ns in notes.items() if k not in used for n in ns]
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    return Analysis(title=_text(meta.get("title")), template=template, year=meta.get("year"),
                    meta=meta_fields, figures=rows, checks=checks, outline=outline,
                    errors=errors, other_notes=other, ok=ok, numbering=rules)
