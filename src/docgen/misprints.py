"""Mistakes that would otherwise be printed silently: found in the data, reported in Chinese.

Pure functions over the YAML data (``SourceTree``) and the loaded model, called
by ``load`` and ``build`` through small hooks:

* :func:`prepare_figures` — full-width digits in figures (``９８.２``) are
  normalised to ASCII, with a warning naming each figure;
* :func:`scan_source` — a heading or 一是 entry that starts with a number
  typed by hand, which docgen numbers again (（一）（一）); a plain paragraph
  starting like a heading (a warning); a figure reference followed by the mark
  the figure already ends with (``98.2%%``); placeholders left from
  ``docgen new`` (××××, 附件名称…) unless the build is a draft; 某某 names
  (a warning: published samples anonymise people that way);
* :func:`scan_document` — any ``{{`` or ``{%`` left in the final text;
* :func:`scan_docx` — the same over every text of the rendered .docx.

Errors come back as ``DataError`` values, warnings as ``DocgenWarning``;
the caller decides how to raise them (``load`` collects every problem).
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

from docgen.errors import DataError, DocgenWarning, Location, RenderError

__all__ = ["cn_to_int", "leading_number", "prepare_figures", "scan_document", "scan_docx",
           "scan_source"]

PathKey = tuple[str | int, ...]

CN_DIGITS = "〇一二三四五六七八九"
CN_NUM = "[一二三四五六七八九十]{1,3}"

#: Hand-typed numbering at the start of a text: (pattern, style, the standard form).
NUMBERING = [
    (re.compile(f"^({CN_NUM})、"), "cn-dun", "一、"),
    (re.compile(f"^[（(]({CN_NUM})[）)]"), "cn-paren", "（一）"),
    (re.compile(r"^(\d{1,3})(?:[.．、](?!\d))"), "arabic", "1."),
    (re.compile(r"^[（(](\d{1,3})[）)]"), "arabic-paren", "（1）"),
    (re.compile(f"^({CN_NUM})是"), "cn-shi", "一是"),
]
_FIGURE_REF = re.compile(r"\{\{\s*figures\.([^\s{}|.\[\]]+)\s*\}\}")
_ANY_REF = re.compile(r"\{\{.*?\}\}", re.S)

#: Text that ``docgen new`` writes as an example and a real document never contains.
PLACEHOLDERS = ("附件名称", "附件正文第一段", "开头段落。", "第一部分标题", "第一部分正文。",
                "段首标题后的正文。")
_CROSSES = re.compile(r"[×╳]{2,}")
_ANONYMOUS = re.compile(r"[\u4e00-\u9fff]某某")

_FULL_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_FULL_NUMBER = re.compile(r"^[\s0-9０-９.．,，%％+\-－]*[０-９][\s0-9０-９.．,，%％+\-－]*$")
#: Keys of a computed figure that name files, sheets or labels: never rewritten.
_NAMES_IN_FIGURE = frozenset({"from", "sheet", "row", "column", "unit"})


def cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20, 九十九 → 99; None if not a simple numeral."""
    if not text or any(ch not in CN_DIGITS + "十" for ch in text):
        return None
    if "十" not in text:
        return CN_DIGITS.index(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (CN_DIGITS.index(tens) if tens else 1) * 10 + (CN_DIGITS.index(ones) if ones else 0)


def leading_number(text: str) -> tuple[str, int, int] | None:
    """(style, value, length) of hand-typed numbering at the start of ``text``."""
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    for pattern, style, _ in NUMBERING:
        m = pattern.match(stripped)
        if m:
            raw = m.group(1)
            value = int(raw) if raw.isdigit() else cn_to_int(raw)
            if value is None or value == 0:
                return None
            return style, value, lead + m.end()
    return None


# --------------------------------------------------------------------------
# Figures as typed
# --------------------------------------------------------------------------


def _normalise(value: Any, key: str | None = None) -> Any:
    if isinstance(value, str) and key not in _NAMES_IN_FIGURE and _FULL_NUMBER.match(value):
        text = value.translate(_FULL_DIGITS).strip()
        text = re.sub(r"(?<=\d)．(?=\d)", ".", text).replace("％", "%").replace("－", "-")
        text = re.sub(r"(?<=\d)，(?=\d{3})", ",", text)
        return text
    if isinstance(value, dict):
        return {k: _normalise(v, k if isinstance(k, str) else None) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v, key) for v in value]
    return value


def prepare_figures(raw: Mapping[Any, Any], locate) -> tuple[dict[Any, Any], list[DocgenWarning]]:
    """``figures:`` as ``evaluate`` takes them, and the notes on what was read differently.

    Full-width digits are made ASCII (a warning for each figure changed);
    next-year's ``{unconfirmed: v}`` defaults are read as ``v`` (one warning
    listing every figure still unconfirmed).
    """
    from docgen.next_year import carried_figures, carried_warning  # noqa: PLC0415

    unwrapped, carried = carried_figures(raw)
    out: dict[Any, Any] = {}
    notes: list[DocgenWarning] = []
    if (note := carried_warning(carried, raw, locate)) is not None:
        notes.append(note)
    for name, value in unwrapped.items():
        fixed = _normalise(value)
        if fixed != value:
            shown = value if not isinstance(value, (dict, list)) else "计算式"
            notes.append(DocgenWarning(
                f"数字 “{name}” 中有全角数字（{shown}），已按半角数字处理"
                f"{'为 ' + str(fixed) if isinstance(fixed, str) else ''}。",
                locate(("figures", name)),
                "把全角数字（０—９）改为半角数字（0—9），如 98.2"))
        out[name] = fixed
    return out, notes


# --------------------------------------------------------------------------
# The data as typed
# --------------------------------------------------------------------------


def _strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))


def _body_items(node: Any, path: PathKey) -> Iterator[tuple[str, PathKey, str]]:
    """(kind, path, text) of every heading, run-in text, 一是 entry and paragraph of a body list."""
    if not isinstance(node, list):
        return
    for i, item in enumerate(node):
        p = (*path, i)
        if isinstance(item, str):
            yield "paragraph", p, item
        elif isinstance(item, dict):
            if isinstance(item.get("heading"), str):
                yield "heading", (*p, "heading"), item["heading"]
                if isinstance(item.get("text"), str):
                    yield "run-in", (*p, "text"), item["text"]
            elif isinstance(item.get("text"), str):
                yield "paragraph", (*p, "text"), item["text"]
            if isinstance(item.get("enumerate"), list):
                for j, entry in enumerate(item["enumerate"]):
                    if isinstance(entry, str):
                        yield "entry", (*p, "enumerate", j), entry
            if "body" in item:
                yield from _body_items(item["body"], (*p, "body"))


def _bodies(data: Mapping[str, Any]) -> Iterator[tuple[PathKey, Any]]:
    yield ("body",), data.get("body")
    meta = data.get("meta")
    attachments = meta.get("attachments") if isinstance(meta, dict) else None
    if isinstance(attachments, list):
        for i, att in enumerate(attachments):
            if isinstance(att, dict) and "body" in att:
                yield ("meta", "attachments", i, "body"), att["body"]


def _hand_numbers(source, data: Mapping[str, Any]) -> tuple[list[DataError], list[DocgenWarning]]:
    errors: list[DataError] = []
    warnings: list[DocgenWarning] = []
    for base, body in _bodies(data):
        for kind, path, text in _body_items(body, base):
            found = leading_number(_ANY_REF.sub(lambda m: "\x00" * len(m.group(0)), text))
            if not found:
                continue
            style, _, length = found
            typed = text[:length].strip()
            where = source.locate_in_scalar(path, len(text) - len(text.lstrip()))
            if kind == "heading":
                errors.append(DataError(
                    f"标题开头手工输入了编号“{typed}”，docgen 还会再编一次号（生成后成为“（一）{typed}…”这样的重复编号）。",
                    location=where,
                    fix=f"删去“{typed}”，编号由 docgen 按层级自动生成；层级不对时写 level:。"))
            elif kind == "entry":
                errors.append(DataError(
                    f"列举（enumerate）的一项开头手工输入了“{typed}”，docgen 还会再加“一是、二是”。",
                    location=where, fix=f"删去“{typed}”，一是、二是……由 docgen 自动生成。"))
            elif kind == "paragraph" and style != "cn-shi":
                warnings.append(DocgenWarning(
                    f"段落开头是手工输入的编号“{typed}”，看起来是一个标题，docgen 不会把它当作标题编号。",
                    where, f"改写成 heading: 并删去“{typed}”，编号由 docgen 自动生成"))
    return errors, warnings


def _doubled_marks(source, data: Mapping[str, Any],
                   figures: Mapping[str, Any]) -> list[DataError]:
    errors: list[DataError] = []
    for path, text in _strings(data, ()):
        if path[:1] in (("figures",), ("checks",), ("numbering",), ("template",), ("previous",)):
            continue
        for m in _FIGURE_REF.finditer(text):
            figure = figures.get(m.group(1))
            after = text[m.end():m.end() + 1]
            value = str(figure) if figure is not None else ""
            if not value or not after or after.isdigit() or after.isspace():
                continue
            same = {"%": "%％", "％": "%％"}.get(after, after)
            if value[-1] in same:
                errors.append(DataError(
                    f"数字 “{m.group(1)}” 的值 “{value}” 已经带有“{value[-1]}”，引用后又写了“{after}”，"
                    f"生成后是“{value}{after}”。",
                    location=source.locate_in_scalar(path, m.end()),
                    fix=f"删去引用后的“{after}”，或把 figures 中的值改为不带“{value[-1]}”的数字。"))
    return errors


def _placeholders(source, data: Mapping[str, Any],
                  draft: bool) -> tuple[list[DataError], list[DocgenWarning]]:
    errors: list[DataError] = []
    warnings: list[DocgenWarning] = []
    left: list[str] = []
    names: list[tuple[str, Location]] = []
    for path, text in _strings(data, ()):
        if path[:1] in (("template",), ("previous",), ("numbering",)) or path[:2] == ("meta", "seal"):
            continue
        where = None
        found = next((p for p in PLACEHOLDERS if p in text), None)
        cross = _CROSSES.search(text)
        if found or cross:
            typed = found or cross.group(0)
            where = source.locate_in_scalar(path, text.find(typed))
            if draft:
                left.append(where.describe())
            else:
                errors.append(DataError(
                    f"这里还是 docgen new 草稿中的占位文字“{typed}”，没有改成实际内容。",
                    location=where,
                    fix="把占位文字改成实际内容；确实只想先看草稿效果时，生成时加 --draft。"))
        named = _ANONYMOUS.search(text)
        if named and where is None:
            names.append((named.group(0), source.locate_in_scalar(path, named.start())))
    if names:
        shown = "".join(dict.fromkeys(f"“{n}”" for n, _ in names[:6]))
        warnings.append(DocgenWarning(
            f"{shown}{'等' if len(names) > 6 else ''} {len(names)} 处像是草稿或示例中的占位姓名。",
            names[0][1], "写上实际姓名；公开发布时确需隐去姓名的，可以忽略这条提示"))
    if left:
        warnings.append(DocgenWarning(
            f"草稿（--draft）：还有 {len(left)} 处占位文字没有改，正式生成前请改完。",
            Location(file=str(source.file)), "；".join(left[:5])))
    return errors, warnings


def scan_source(source, figures: Mapping[str, Any], *,
                draft: bool = False) -> tuple[list[DataError], list[DocgenWarning]]:
    """Every silent misprint in the data as typed: (errors, warnings)."""
    data = source.data if isinstance(source.data, dict) else {}
    errors, warnings = _hand_numbers(source, data)
    errors += _doubled_marks(source, data, figures)
    more_errors, more_warnings = _placeholders(source, data, draft)
    return errors + more_errors, warnings + more_warnings


# --------------------------------------------------------------------------
# What reaches the output
# --------------------------------------------------------------------------

_TAG = re.compile(r"\{\{|\{%|\{#")


def _tag_message(text: str) -> str:
    m = _TAG.search(text)
    assert m is not None
    start = max(0, m.start() - 10)
    return f"“…{text[start:m.end() + 10]}…”中的“{m.group(0)}”会原样印在公文上。"


def scan_document(document, source) -> list[DataError]:
    """``{{``/``{%`` left in any final text of the loaded document (an unfilled reference)."""
    errors: list[DataError] = []
    fix = ("引用数字写成 {{ figures.名称 }}（这里的引用没有被替换）；确要印出花括号时，"
           "改用全角“｛｛”。")

    def visit(value: Any, where: Location, path: PathKey) -> None:
        if isinstance(value, str):
            if _TAG.search(value):
                errors.append(DataError(_tag_message(value), location=where, fix=fix))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            here = getattr(value, "location", None) or where
            for f in dataclasses.fields(value):
                if f.name != "location":
                    visit(getattr(value, f.name), here, path)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item, where, path)

    meta = document.meta
    for f in dataclasses.fields(meta):
        visit(getattr(meta, f.name), source.locate(("meta", f.name)), ("meta", f.name))
    for node in document.body:
        visit(node, getattr(node, "location", Location(file=str(source.file))), ("body",))
    return errors


_TEXT_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_PARAGRAPH = re.compile(rb"<w:p[ >].*?</w:p>", re.S)
_RUN_TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def scan_docx(docx: bytes, where: str) -> None:
    """Raise RenderError if any paragraph of the rendered .docx shows ``{{`` or ``{%``."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if not _TEXT_PARTS.match(name):
                continue
            xml = archive.read(name)
            if b"{" not in xml and b"}" not in xml:
                continue
            for paragraph in _PARAGRAPH.findall(xml):
                text = b"".join(_RUN_TEXT.findall(paragraph)).decode("utf-8", "replace")
                if _TAG.search(text):
                    raise RenderError(
                        f"生成的公文中有没有替换的模板标记：{_tag_message(text)}",
                        location=Location(file=where, path=name),
                        fix="检查数据文件中这段文字的 {{ }} 引用，或模板中对应段落的标签是否写完整。")
