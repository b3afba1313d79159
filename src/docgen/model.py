"""The document model between the YAML data and the renderers.

Takes nothing, does nothing: plain frozen dataclasses that ``load`` builds and
``numbering`` and ``render_docx`` read.  Text here is final text: figure
references have already been filled in by the loader.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from docgen.errors import Location


@dataclass(frozen=True)
class Attachment:
    """附件: its name in the 附件说明 and, when bound with the document, its own pages.

    ``body`` is a body tree like the document's own (headings numbered afresh
    inside each attachment by ``numbering``, or by the document's rules when
    ``None``).  An attachment without a body is listed in the 附件说明 only
    (sent separately).  ``issued`` marks the document that a 印发/转发 notice
    issues: printed after the signature under its own title, with neither a
    附件说明 line nor an “附件N” label.  ``title_lines`` are the lines of its
    title when the data breaks it by hand (empty: docgen breaks it).
    """

    name: str
    body: tuple[Node, ...] = ()
    issued: bool = False
    numbering: NumberingRules | None = None
    title_lines: tuple[str, ...] = ()
    location: Location = field(default_factory=Location)

    @property
    def bound(self) -> bool:
        """True if the attachment has pages of its own after the document."""
        return bool(self.body)


@dataclass(frozen=True)
class Meta:
    """Document metadata (GB/T 9704 elements outside the body).

    Text values are final text; ``None`` or an empty tuple means the element
    is not printed.  ``issuer`` is every issuer joined by 、 (for archive
    metadata); ``issuers`` the issuers one by one (host first).
    """

    title: str
    issuer: str
    date: _dt.date  # 成文日期
    year: int
    recipients: tuple[str, ...] = ()  # 主送机关, every name (groups flattened)
    recipient_groups: tuple[tuple[str, ...], ...] = ()  # 主送机关 groups: 、 inside, ， between
    title_breaks: tuple[str, ...] = ()  # the title's lines when the data breaks it by hand
    doc_number: str | None = None  # 发文字号 (validated: 机关代字〔年份〕序号号)
    signer: str | None = None  # 签发人 (上行文) / 命令的签署人姓名
    copy_number: str | None = None  # 份号 (six digits)
    classification: str | None = None  # 密级和保密期限, e.g. 秘密★1年
    urgency: str | None = None  # 紧急程度: 特急 / 加急
    attachments: tuple[Attachment, ...] = ()  # 附件说明 and bound attachments
    note: str | None = None  # 附注, without brackets
    copy_to: tuple[str, ...] = ()  # 抄送机关
    printer: str | None = None  # 印发机关
    print_date: _dt.date | None = None  # 印发日期
    keywords: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()  # 发文机关署名, one per issuer (host first)
    issuer_mark: tuple[str, ...] = ()  # 发文机关标志, one per issuer (host first)
    with_wenjian: bool = True  # 标志 followed by “文件”
    signer_title: str | None = None  # 命令: 签署人职务, e.g. 县长
    seal: str | None = None  # 印章 picture (absolute path of a PNG/JPEG); the first of ``seals``
    seals: tuple[str, ...] = ()  # one 印章 per issuer (host first) when several issuers seal
    order_number: str | None = None  # 令号: 第12号
    attendees: tuple[str, ...] = ()  # 纪要: 出席
    absent: tuple[str, ...] = ()  # 纪要: 请假
    observers: tuple[str, ...] = ()  # 纪要: 列席
    extra: tuple[tuple[str, str], ...] = ()  # meta.extra: user fields for custom templates


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph."""

    text: str
    location: Location = field(default_factory=Location)


@dataclass(frozen=True)
class Enumeration:
    """一是……二是…… : each entry its own paragraph, or all in one (``inline``).

    ``lead`` is the sentence that introduces an inline enumeration in the same
    paragraph (“围绕三个方面推进：一是……二是……”); with separate entries it is a
    paragraph of its own before them.
    """

    entries: tuple[str, ...]
    inline: bool = False
    lead: str | None = None
    location: Location = field(default_factory=Location)


@dataclass(frozen=True)
class Heading:
    """A numbered heading at ``level`` (1–4) with optional run-in text and children."""

    title: str
    level: int
    text: str | None = None  # run-in body text; None = standalone heading
    children: tuple[Node, ...] = ()
    location: Location = field(default_factory=Location)
    enumeration: tuple[str, ...] = ()  # 一是……二是…… run on after the heading sentence and text

    @property
    def run_in(self) -> bool:
        return self.text is not None or bool(self.enumeration)


@dataclass(frozen=True)
class Table:
    """A table in the body: optional caption, a header row, data rows, column widths.

    Every row has as many cells as ``header``; ``widths`` are relative column
    widths (empty: equal columns) that the renderer scales to the text block.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None
    widths: tuple[float, ...] = ()
    location: Location = field(default_factory=Location)


Node = Paragraph | Enumeration | Heading | Table


@dataclass(frozen=True)
class NumberingRules:
    """How headings and enumerations are numbered (GB/T 9704 defaults)."""

    formats: tuple[str, str, str, str] = ("{cn}、", "（{cn}）", "{n}.", "（{n}）")
    continue_levels: frozenset[int] = frozenset()  # levels numbered through the document
    enumeration: str = "{cn}是"
    # (level, restarting level): ``level`` runs on across its parents and restarts only
    # under a new heading of ``restarting level`` (e.g. (3, 1): 1. 2. | 3. 4. within each 一、)
    run_on: tuple[tuple[int, int], ...] = ()

    def restarts(self, level: int, new_heading_level: int) -> bool:
        """Whether a new heading of ``new_heading_level`` restarts the count of ``level``."""
        if level in self.continue_levels:
            return False
        until = dict(self.run_on).get(level)
        return until is None or new_heading_level <= until


@dataclass(frozen=True)
class Document:
    """A validated yearly document, ready to number and render."""

    meta: Meta
    body: tuple[Node, ...]
    numbering: NumberingRules = field(default_factory=NumberingRules)
    figures: dict = field(default_factory=dict)  # name -> figures.Figure
    template: str = "report"
    source: str | None = None
