"""Fill a docxtpl template with a numbered document.

Takes a ``model.Document``, its numbered ``Block`` list and a template path;
returns the rendered .docx as bytes (nothing is written here: the caller
writes outputs atomically).  Rendering runs in a sandboxed Jinja environment
with autoescaping, so data can never inject XML and a template can never reach
Python internals.  Failures become ``TemplateError`` naming the template
paragraph that failed.
"""

from __future__ import annotations

import functools
import io
import re
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from docgen import verdict_cache
from docgen.errors import DocgenError, Location, TemplateError
from docgen.jinja_messages import syntax_zh
from docgen.model import Document
from docgen.numbering import Block
from docgen.safety import BoundedSandbox, BudgetExceeded, check_docx, read_bounded
from docgen.text_width import text_width_em

BODY_CHAR_PT = 16.0  # one 3号 character: the unit of *Chars indents


def date_text(value) -> str:
    """成文日期 in the standard's form: 2023年3月13日 (no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日"


MARK_SIZES = ((12.2, "large"), (14.6, "medium"), (18.3, "small"))  # 36, 30, 24 pt in 156 mm


def mark_size(width_em: float) -> str:
    """Which 标志 size fits a mark ``width_em`` ems wide (at 36 pt) on one line."""
    return next((name for limit, name in MARK_SIZES if width_em <= limit), "tiny")


def template_context(document: Document, blocks: Sequence[Block]) -> dict[str, Any]:
    """The plain values a template sees (see docs/templates.md)."""
    from docxtpl import Listing  # noqa: PLC0415

    from docgen.elements.title_lines import title_lines  # noqa: PLC0415

    meta = document.meta
    meta_values = {name: getattr(meta, name) for name in meta.__dataclass_fields__}
    meta_values["extra"] = dict(meta.extra)
    meta_values["date"] = date_text(meta.date)
    if meta.print_date is not None:
        meta_values["print_date"] = date_text(meta.print_date)
    from docgen import attachments as attachments_mod  # noqa: PLC0415

    names = [a.name for a in meta.attachments]
    meta_values["attachments"] = names
    lines = list(meta.title_breaks) or title_lines(meta.title)
    attachment_pages = attachments_mod.pages(meta.attachments, document.numbering,
                                             attachments_mod.blocks_tables(blocks))
    marks = list(meta.issuer_mark or meta.issuers or (meta.issuer,))
    stacked = [t for t in (meta.copy_number, meta.classification, meta.urgency) if t]
    return {
        "meta": meta_values,
        "extra": dict(meta.extra),  # the data's meta.extra: {{ extra.联系人 }}
        "blocks": list(blocks),
        "figures": dict(document.figures),
        "date_text": date_text(meta.date),
        "recipients_text": "，".join("、".join(g) for g in meta.recipient_groups)
        or "、".join(meta.recipients),
        "copy_to_text": "、".join(meta.copy_to),
        "title_lines": lines,
        "title_text": Listing("\n".join(lines)),
        # 版头: 份号 / 密级 / 紧急程度 stacked from the first line, three lines always
        "header_lines": (stacked + ["", "", ""])[:3],
        "issuer_marks": marks,
        "joint_issuers": len(marks) > 1,
        "mark_size": mark_size(max(text_width_em(m) for m in marks)
                               + (2 if meta.with_wenjian and len(marks) == 1 else 0)),
        "issuer_mark_text": marks[0] + ("文件" if meta.with_wenjian else "") if len(marks) == 1
        else "",
        "issuers": list(meta.issuers or (meta.issuer,)),
        "has_seal": meta.seal is not None,
        "joint_seals": len(meta.seals) > 1,
        "attachment_notes": attachments_mod.notes(meta.attachments)
        if attachments_mod.listed(meta.attachments) else [],
        "attachment_pages": attachment_pages,
        "print_date_text": f"{date_text(meta.print_date)}印发" if meta.print_date else "",
        "attendees_text": "、".join(meta.attendees),
        "absent_text": "、".join(meta.absent),
        "observers_text": "、".join(meta.observers),
        "has_record": bool(meta.copy_to or meta.printer),
    }


def template_environment() -> BoundedSandbox:
    """Sandboxed, autoescaping, strict: the only environment templates run in."""
    return BoundedSandbox(autoescape=True, undefined=StrictUndefined)


def _template_paragraphs(path: Path) -> tuple[str, ...]:
    """Text of each paragraph of the template body (tag checks, locating a failing tag);
    read once per version of the file."""
    try:
        stat = path.stat()
    except OSError:
        return ()
    return _paragraph_texts(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _paragraph_texts(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    try:
        with zipfile.ZipFile(path) as zf:
            root = etree.fromstring(zf.read("word/document.xml"),
                                    etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:  # noqa: BLE001 - only used to improve an error message
        return ()
    return tuple("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in root.iter(qn("w:p")))


def _locate_tag(path: Path, needle: str | None) -> Location:
    if needle:
        for index, text in enumerate(_template_paragraphs(path), start=1):
            if needle in text:
                return Location(file=str(path), path=f"第 {index} 段：{text[:60]}")
    return Location(file=str(path))


_NAME = re.compile(r"'([^']+)' is undefined|has no attribute '([^']+)'")
_TAG = re.compile(r"\{[{%][^{}]*[}%]\}")


def _unbalanced(text: str) -> bool:
    return text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}")


def _syntax_needle(path: Path) -> str | None:
    """The tag text most likely at fault for a syntax error."""
    for text in _template_paragraphs(path):
        if _unbalanced(text):
            return text
        for tag in _TAG.findall(text):
            if not tag.startswith("{{"):
                continue  # block tags only parse together with their partners
            try:
                SandboxedEnvironment().parse(tag)
            except TemplateSyntaxError:
                return tag
    return None


_KEYWORD = re.compile(r"\{%-?\s*(?:(?:p|tr|tc|r)\s+)?(\w+)")
_PAIRED = frozenset({"if", "for", "with", "macro", "call", "filter", "block", "autoescape", "raw"})
_UNPAIRED = frozenset({"elif", "else", "set", "include", "import", "from", "extends", "break",
                       "continue", "do"})


def _unpaired_block(path: Path) -> int | None:
    """The paragraph (1-based) of the block tag a whole-template syntax error most likely
    comes from: an unknown tag, an end tag that closes nothing open (or the wrong kind),
    else the innermost ``{% if/for %}`` never closed."""
    open_tags: list[tuple[str, int]] = []
    for index, text in enumerate(_template_paragraphs(path), start=1):
        for tag in _TAG.findall(text):
            m = _KEYWORD.match(tag)
            if not m:
                continue
            word = m[1]
            if word in _PAIRED:
                open_tags.append((word, index))
            elif word.startswith("end") and word[3:] in _PAIRED:
                if not open_tags or open_tags[-1][0] != word[3:]:
                    return index
                open_tags.pop()
            elif word not in _UNPAIRED:
                return index
    return open_tags[-1][1] if open_tags else None


def _syntax_location(path: Path) -> Location:
    """Where a syntax error of the whole template most likely is: a broken tag's paragraph,
    else the paragraph of a block tag that has no partner."""
    needle = _syntax_needle(path)
    if needle:
        return _locate_tag(path, needle)
    index = _unpaired_block(path)
    if index is None:
        return Location(file=str(path))
    text = _template_paragraphs(path)[index - 1]
    return Location(file=str(path), path=f"第 {index} 段：{text[:60]}")


def check_tags_balanced(path: Path) -> None:
    """Each paragraph's tags must open and close in that paragraph.

    An unclosed ``{{`` would otherwise swallow the XML up to the next ``}}``
    and silently drop paragraphs from the output.
    """
    for index, text in enumerate(_template_paragraphs(path), start=1):
        if _unbalanced(text):
            raise TemplateError("模板中的标签没有闭合。",
                                location=Location(file=str(path), path=f"第 {index} 段：{text[:60]}"),
                                fix="每个 {{ 要有对应的 }}，每个 {% 要有对应的 %}，且在同一段内。")


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold


def stable_zip(data: bytes) -> bytes:
    """The same .docx with fixed entry dates and order-preserving, deterministic
    compression, so that the same data and template give the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


@functools.lru_cache(maxsize=32)
def _checked_template(path: str, mtime_ns: int, size: int) -> bytes:
    """The template's bytes, checked once per process and version of the file.

    Reading the bytes once also keeps a batch consistent when someone saves the
    template while it runs.
    """
    data = read_bounded(Path(path), "template")  # a regular file, within the template limit
    if verdict_cache.passed("check_docx", data):  # these bytes passed before (docgen.verdict_cache)
        return with_standard_core_rel(data)
    with tempfile.TemporaryDirectory(prefix="docgen-tpl-") as tmp:
        staged = Path(tmp) / Path(path).name
        staged.write_bytes(data)
        try:
            check_docx(staged)
        except DocgenError as exc:  # name the user's file, not the staged copy
            raise type(exc)(exc.message, location=Location(file=path, path=exc.location.path),
                            fix=exc.fix) from exc
    verdict_cache.remember("check_docx", data)
    return with_standard_core_rel(data)


# LibreOffice (7.4) writes the core-properties relationship with the
# "officedocument" namespace; python-docx knows only the package one, so it
# added a second, default docProps/core.xml ("Word Document", lastModifiedBy
# python-docx, the current time): a duplicate zip entry and a .docx that
# differed from build to build.
_CORE_REL_VARIANT = b"http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
_CORE_REL = b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def with_standard_core_rel(data: bytes) -> bytes:
    """The .docx bytes with the package relationship to its core properties in the standard form."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        try:
            rels = zin.read("_rels/.rels")
        except KeyError:
            return data
        if _CORE_REL_VARIANT not in rels:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                body = zin.read(info)
                if info.filename == "_rels/.rels":
                    body = body.replace(_CORE_REL_VARIANT, _CORE_REL)
                zout.writestr(info, body)
    return out.getvalue()


def _checked_template_bytes(template: Path) -> bytes:
    stat = template.stat()
    return _checked_template(str(template), stat.st_mtime_ns, stat.st_size)


def render_docx(document: Document, blocks: Sequence[Block], template: Path) -> bytes:
    """Render ``template`` with the document; return the .docx bytes."""
    if not template.exists():
        raise TemplateError("找不到模板文件。", location=Location(file=str(template)),
                            fix="检查模板名称或 --template 路径；可用 docgen templates 查看已有模板。")
    source = _checked_template_bytes(template)
    check_tags_balanced(template)
    from docgen.elements.body_table import insert_body_tables  # noqa: PLC0415

    try:
        tpl = DocxTemplate(io.BytesIO(source))
        tpl.init_docx()
    except Exception as exc:  # noqa: BLE001 - any failure to open is the template's fault
        raise TemplateError(f"模板无法打开（{type(exc).__name__}）。",
                            location=Location(file=str(template)),
                            fix="用 Word 或 WPS 打开该模板并另存为 .docx 格式。") from exc
    from docgen import attachments as attachments_mod  # noqa: PLC0415

    attachments_mod.require_support(document.meta.attachments, _template_paragraphs(template),
                                    template.name)
    context = template_context(document, blocks)
    try:
        tpl.render(context, jinja_env=template_environment(), autoescape=True)
    except BudgetExceeded as exc:
        raise TemplateError(f"模板中的标签超出了计算限额：{exc.message}。",
                            location=_locate_tag(template, None),
                            fix="模板标签只用于填写 docgen 提供的值；删除或简化该标签（见 docs/security.md 的限额）。") from exc
    except SecurityError as exc:
        raise TemplateError("模板试图访问不允许的内部属性，已拒绝。",
                            location=_locate_tag(template, None),
                            fix="模板中只能使用 docgen 提供的值（meta、blocks、figures 等），删除该标签。") from exc
    except UndefinedError as exc:
        m = _NAME.search(str(exc))
        name = (m[1] or m[2]) if m else None
        raise TemplateError(f"模板标签引用了不存在的值 “{name or exc}”。",
                            location=_locate_tag(template, name),
                            fix="模板可用的值见 docs/templates.md（meta.title、blocks、figures.名称 等）；"
                                "改正标签中的名称。") from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(f"模板标签语法错误：{syntax_zh(exc.message)}。",
                            location=_syntax_location(template),
                            fix="检查 {{ }} 和 {% %} 是否成对、拼写是否正确；"
                                "{%p if %} 与 {%p endif %}、{%p for %} 与 {%p endfor %} 要配对。") from exc
    except JinjaTemplateError as exc:
        raise TemplateError(f"模板渲染失败（{exc}）。", location=Location(file=str(template)),
                            fix="检查模板中的标签。") from exc
    except etree.XMLSyntaxError as exc:
        raise TemplateError("模板标签改变了文档结构，生成的 XML 无效。",
                            location=Location(file=str(template)),
                            fix="{%p %} 标签必须单独占一段；不要把标签放在表格或文本框的一部分里。") from exc
    align_signature(tpl.docx)
    insert_body_tables(tpl.docx, [b.table for b in blocks if b.kind == "table" and b.table]
                       + attachments_mod.tables(context["attachment_pages"]))
    buffer = io.BytesIO()
    tpl.save(buffer)
    return buffer.getvalue()


CHAR_PT = 16.0 - 0.25  # a 3号 character as set (spacing −0.25 pt): one “字” of indent
_RIGHT_CHARS = ("rightChars", "endChars")
_RIGHT_TWIPS = ("right", "end")  # LibreOffice writes w:end


def set_width_pt(text: str) -> float:
    """Width of a 3号 仿宋 line as set (the resolved font's advances, −0.25 pt per
    character, ¼ em between CJK and digits); the em estimate if no font loads."""
    try:
        from docgen.pdf.metrics import get_fontbook  # noqa: PLC0415

        face = get_fontbook().face("仿宋_GB2312")
        width = sum(face.advance(ch) / 1000 * 16.0 - 0.25 for ch in text)
    except Exception:  # noqa: BLE001 - fonts are optional here; fall back to the estimate
        width = text_width_em(text) * CHAR_PT
    # Word and LibreOffice add a quarter em between CJK and Latin/digits (autoSpaceDN/DE)
    kinds = [ch.isascii() and ch.isalnum() for ch in text if not ch.isspace()]
    return width + 4.0 * sum(a != b for a, b in zip(kinds, kinds[1:], strict=False))


def _ind_right_pt(ind) -> float | None:
    """A ``w:ind``'s right indent in points (``*Chars`` win, as in Word), or None."""
    if ind is None:
        return None
    for key in _RIGHT_CHARS:
        if ind.get(qn(f"w:{key}")) is not None:
            return int(ind.get(qn(f"w:{key}"))) / 100 * BODY_CHAR_PT
    for key in _RIGHT_TWIPS:
        if ind.get(qn(f"w:{key}")) is not None:
            return int(ind.get(qn(f"w:{key}"))) / 20
    return None


def right_indent_pt(paragraph) -> float:
    """The paragraph's right indent in points: direct, else from its style chain, else 0."""
    ppr = paragraph._p.pPr
    direct = _ind_right_pt(ppr.find(qn("w:ind")) if ppr is not None else None)
    if direct is not None:
        return direct
    style = paragraph.style
    seen = set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        sppr = style.element.pPr
        found = _ind_right_pt(sppr.find(qn("w:ind")) if sppr is not None else None)
        if found is not None:
            return found
        style = style.base_style
    return 0.0


def set_right_indent_pt(paragraph, points: float) -> None:
    """Direct right indent of ``points``, in twips and in 3号 characters (both, as Word writes)."""
    ppr = paragraph._p.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = ppr.makeelement(qn("w:ind"), {})
        jc = ppr.find(qn("w:jc"))
        if jc is not None:
            jc.addprevious(ind)
        else:
            ppr.append(ind)
    for key in ("end", "endChars"):  # LibreOffice's names for the same value
        ind.attrib.pop(qn(f"w:{key}"), None)
    ind.set(qn("w:rightChars"), str(round(points / BODY_CHAR_PT * 100)))
    ind.set(qn("w:right"), str(round(points * 20)))


def unsealed_indents(sig_w: float, date_w: float, base: float = 2 * BODY_CHAR_PT,
                     shift: float = 2 * CHAR_PT) -> tuple[float, float]:
    """Right indents (pt) of an unsealed 署名 and its 成文日期 (GB/T 9704-2012 §7.3.5.2).

    The 署名 is right-indented ``base`` (two characters) and the date's first
    character stands ``shift`` (two characters) right of the 署名's first; when the
    date is longer than the 署名, the date takes the ``base`` indent and the 署名
    moves left to keep that offset.  Pure; widths as set, in points.
    """
    if date_w <= sig_w:
        return base, max(base + sig_w - shift - date_w, 0.0)
    return base + date_w + shift - sig_w, base


def align_signature(docx) -> None:
    """Place an unsealed 发文机关署名 and its 成文日期 (GB/T 9704-2012 §7.3.5.2).

    Paragraphs are found by role (``docgen.roles``: style name or marker), so
    templates re-saved by Word, WPS or LibreOffice keep working.  The 署名 keeps
    its style's two-character right indent and the date starts two characters
    right of the 署名's first character; a date longer than the 署名 takes the
    two-character indent and the 署名 moves left (``unsealed_indents``).  Several
    issuers without seals stand stacked, host first: the rule holds between the
    last name and the date, and when the names must move they move together
    (right-aligned).
    """
    from docgen.roles import Role, paragraph_role, style_roles  # noqa: PLC0415

    roles = style_roles(docx)
    paragraphs = docx.paragraphs
    kinds = [paragraph_role(p, roles) for p in paragraphs]
    names = (Role.SIGNATURE, Role.SIGNATURE_NEXT)
    for index, date in enumerate(paragraphs):
        if kinds[index] != Role.DATE:
            continue
        stack = []
        above = index - 1
        while above >= 0 and kinds[above] in names:
            stack.insert(0, paragraphs[above])
            above -= 1
        if not stack:
            continue
        last = stack[-1]
        base = right_indent_pt(last)
        sig_r, date_r = unsealed_indents(set_width_pt(last.text), set_width_pt(date.text),
                                         base=base)
        set_right_indent_pt(date, date_r)
        if sig_r != base:
            for name in stack:
                set_right_indent_pt(name, sig_r)
