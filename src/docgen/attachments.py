"""附件 as the template sees them, and the check that a template can print them.

Takes the document's ``model.Attachment`` values; returns plain values:
``notes`` (the 附件说明 lines), ``pages`` (each bound attachment with its label
附件 / 附件N, its title broken into lines like the main title, and its own
numbered blocks) and the body tables of all attachments in .docx order.
``require_support`` refuses data whose attachments a template has no place
for, so that nothing the data says is ever dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docgen.errors import Location, TemplateError
from docgen.model import Attachment, NumberingRules
from docgen.numbering import Block, number_attachments

NOTES_TAG = "attachment_notes"  # what a template's 附件说明 loop iterates
PAGES_TAG = "attachment_pages"  # what a template's 附件 pages loop iterates


def listed(attachments: Sequence[Attachment]) -> list[Attachment]:
    """The attachments the 附件说明 names: all but the document a 印发 notice issues."""
    return [a for a in attachments if not a.issued]


def notes(attachments: Sequence[Attachment]) -> list[dict[str, str]]:
    """附件说明 lines: 附件：名称, or 附件：1.名称 / 2.名称 … with the names aligned."""
    names = [a.name for a in listed(attachments)]
    if len(names) == 1:
        return [{"kind": "single", "text": f"附件：{names[0]}"}]
    return [{"kind": "first" if i == 1 else "next",
             "text": f"{'附件：' if i == 1 else ''}{i}.{name}"}
            for i, name in enumerate(names, start=1)]


def title_of(attachment: Attachment) -> list[str]:
    """The attachment's title as lines: the data's own breaks, else the title breaker's."""
    from docgen.elements.title_lines import title_lines  # noqa: PLC0415

    return list(attachment.title_lines) or title_lines(attachment.name)


def pages(attachments: Sequence[Attachment], rules: NumberingRules,
          tables_before: int) -> list[dict[str, Any]]:
    """Bound attachments, in order: label, title lines, numbered blocks, issued or not.

    The label counts the listed attachments (附件 when there is one, 附件1, 附件2 …
    when several), so it matches the 附件说明; an issued document has none.
    """
    from docxtpl import Listing  # noqa: PLC0415

    numbered = number_attachments(attachments, rules, tables_before)
    several = len(listed(attachments)) > 1
    out: list[dict[str, Any]] = []
    index = 0
    for attachment, blocks in zip(attachments, numbered, strict=True):
        if not attachment.issued:
            index += 1
        if not attachment.bound:
            continue
        lines = title_of(attachment)
        label = "" if attachment.issued else (f"附件{index}" if several else "附件")
        out.append({"label": label, "issued": attachment.issued, "title": attachment.name,
                    "title_lines": lines, "title_text": Listing("\n".join(lines)),
                    "blocks": blocks})
    return out


def tables(page_values: Sequence[dict[str, Any]]) -> list:
    """Every body table of the attachments' pages, in order."""
    return [b.table for page in page_values for b in page["blocks"]
            if b.kind == "table" and b.table is not None]


def require_support(attachments: Sequence[Attachment], template_texts: Sequence[str],
                    template: str) -> None:
    """Raise a located TemplateError if the template would drop some attachment."""
    text = "\n".join(template_texts)
    missing = None
    if listed(attachments) and NOTES_TAG not in text:
        missing, what = next(iter(listed(attachments))), "附件说明"
    elif any(a.bound for a in attachments) and PAGES_TAG not in text:
        missing, what = next(a for a in attachments if a.bound), "附件页"
    if missing is None:
        return
    where = missing.location
    raise TemplateError(
        f"模板 {template} 没有{what}的位置，印不出数据中的附件 “{missing.name}”（不会丢弃附件悄悄生成）。",
        location=Location(file=where.file, line=where.line, column=where.column,
                          path=where.path or "meta.attachments"),
        fix="换用能印附件的模板（report、notice、request、report-file、letter），或删去 meta.attachments；"
            f"自制模板要有 {{%p for a in {NOTES_TAG} %}} 和 {{%p for a in {PAGES_TAG} %}} 两段循环，"
            "见 docs/templates.md。")


def blocks_tables(blocks: Sequence[Block]) -> int:
    """How many body tables a block list holds."""
    return sum(b.kind == "table" for b in blocks)
