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
class Meta:
    """Document metadata (GB/T 9704 elements outside the body)."""

    title: str
    issuer: str
    date: _dt.date  # 成文日期
    year: int
    recipients: tuple[str, ...] = ()  # 主送机关
    doc_number: str | None = None  # 发文字号
    signer: str | None = None  # 签发人
    copy_number: str | None = None  # 份号
    classification: str | None = None  # 密级和保密期限
    urgency: str | None = None  # 紧急程度
    attachments: tuple[str, ...] = ()  # 附件说明
    note: str | None = None  # 附注
    copy_to: tuple[str, ...] = ()  # 抄送机关
    printer: str | None = None  # 印发机关
    print_date: _dt.date | None = None  # 印发日期
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph."""

    text: str
    location: Location = field(default_factory=Location)


@dataclass(frozen=True)
class Enumeration:
    """一是……二是…… : each entry its own paragraph, or all in one (``inline``)."""

    entries: tuple[str, ...]
    inline: bool = False
    location: Location = field(default_factory=Location)


@dataclass(frozen=True)
class Heading:
    """A numbered heading at ``level`` (1–4) with optional run-in text and children."""

    title: str
    level: int
    text: str | None = None  # run-in body text; None = standalone heading
    children: tuple[Node, ...] = ()
    location: Location = field(default_factory=Location)

    @property
    def run_in(self) -> bool:
        return self.text is not None


Node = Paragraph | Enumeration | Heading


@dataclass(frozen=True)
class NumberingRules:
    """How headings and enumerations are numbered (GB/T 9704 defaults)."""

    formats: tuple[str, str, str, str] = ("{cn}、", "（{cn}）", "{n}.", "（{n}）")
    continue_levels: frozenset[int] = frozenset()  # levels numbered through the document
    enumeration: str = "{cn}是"


@dataclass(frozen=True)
class Document:
    """A validated yearly document, ready to number and render."""

    meta: Meta
    body: tuple[Node, ...]
    numbering: NumberingRules = field(default_factory=NumberingRules)
    figures: dict = field(default_factory=dict)  # name -> figures.Figure
    template: str = "report"
    source: str | None = None
