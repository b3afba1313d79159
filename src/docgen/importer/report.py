"""The import report: what was recognised, what is uncertain, what was corrected or dropped.

Collects entries while the recogniser works and renders them as Chinese
text.  Nothing the source contained leaves without an entry here: a
paragraph is either in the data file or listed under 未导入.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RECOGNISED = "识别"
UNCERTAIN = "不确定"
CORRECTED = "更正"
DROPPED = "未导入"


@dataclass(frozen=True)
class Entry:
    kind: str  # RECOGNISED, UNCERTAIN, CORRECTED or DROPPED
    place: str  # “第 12 段” / “第 3 行”
    message: str


@dataclass
class Report:
    source: str
    unit: str = "段"  # 段 for documents, 行 for text
    entries: list[Entry] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # what was recognised, counted
    roles: dict[str, str] = field(default_factory=dict)  # "12" (paragraph) / "表1" → what it became

    def place(self, index: int | None) -> str:
        return f"第 {index} {self.unit}" if index else ""

    def add(self, kind: str, index: int | None, message: str, role: str | None = None) -> None:
        self.entries.append(Entry(kind, self.place(index), message))
        if index and role:
            self.roles.setdefault(str(index), role)

    def role(self, index: int | str | None, role: str) -> None:
        if index:
            self.roles.setdefault(str(index), role)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def of(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def render(self, target: str = "") -> str:
        lines = [f"导入 {self.source}" + (f" → {target}" if target else "")]
        if self.counts:
            lines.append("识别：" + "，".join(f"{k} {v} 个" for k, v in self.counts.items()) + "。")
        for kind, title in ((RECOGNISED, "识别到的元素"), (UNCERTAIN, "不确定（请核对）"),
                            (CORRECTED, "已更正"), (DROPPED, "未导入")):
            entries = self.of(kind)
            if not entries:
                continue
            lines.append(f"{title}（{len(entries)} 项）：")
            lines.extend(_grouped(entries))
        if not self.of(UNCERTAIN) and not self.of(DROPPED):
            lines.append("没有不确定或未导入的内容。")
        return "\n".join(lines)


def _grouped(entries: list[Entry], at_least: int = 4) -> list[str]:
    """One line per entry; entries that differ only in a quoted “…” part, when many, as one line."""
    templates: dict[str, list[Entry]] = {}
    for e in entries:
        templates.setdefault(re.sub(r"“[^”]*”", "“…”", e.message), []).append(e)
    lines: list[str] = []
    shown: set[str] = set()
    for e in entries:
        template = re.sub(r"“[^”]*”", "“…”", e.message)
        group = templates[template]
        if len(group) < at_least or not e.place:
            lines.append(f"  {e.place + '：' if e.place else ''}{e.message}")
            continue
        if template in shown:
            continue
        shown.add(template)
        quoted = "".join(dict.fromkeys(q for g in group for q in re.findall(r"“[^”]*”", g.message)))
        places = "、".join(g.place.removeprefix("第 ").split(" ")[0] for g in group)
        unit = group[0].place.rsplit(" ", 1)[-1]
        lines.append(f"  第 {places} {unit}：{template.replace('“…”', quoted, 1)}")
    return lines
