"""Helpers shared by the import tests: read a built .docx with python-docx (not the importer's reader)."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import yaml
from docx.table import Table
from docx.text.paragraph import Paragraph

from docgen.load import load_document
from docgen.numbering import number_blocks


def docx_lines(path: Path) -> list[str]:
    """Every non-empty paragraph and table row of the main document, in order, as printed."""
    document = docx.Document(str(path))
    out: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                out.append(text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                out.append("｜".join(cell.text.strip() for cell in row.cells))
    return out


def shape(path: Path) -> list[tuple[str, int, str]]:
    """(kind, level, computed number) of every body block: the numbering docgen computes."""
    document = load_document(Path(path)).document
    return [(b.kind, b.level, b.number) for b in number_blocks(document.body, document.numbering)]


def figure_values(path: Path) -> list[str]:
    """The printed value of every figure reference in the body, in reading order."""
    document = load_document(Path(path)).document
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    text = yaml.safe_dump(data["body"], allow_unicode=True, width=10**6)
    return [document.figures[name].text for name in re.findall(r"figures\.(\w+)", text)]
