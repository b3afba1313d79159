"""One line per kind of warning: repeated warnings grouped, files named one way.

Takes the warnings of one document (reader, layout, fonts, missing glyphs)
and returns them with identical messages merged into one warning whose place
lists the first places and the count (``正文第3段、正文第7段 等 12 处``), and
every place in the document named by the same file string (the path the
document was given as), so a user sees each problem once, in one form.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from docgen.errors import DocgenWarning

SHOWN = 3  # places listed before "等 N 处"
_COUNTED = re.compile(r"^(.*) 等 (\d+) 处$")


def _places(path: str | None) -> tuple[list[str], int]:
    if not path:
        return [], 1
    m = _COUNTED.match(path)
    if m:
        return [m.group(1)], int(m.group(2))
    return [path], 1


def group_warnings(warnings: list[DocgenWarning], source: str = "") -> list[DocgenWarning]:
    """Merge warnings with the same message, fix and file; keep the order of first sight."""
    base = Path(source).name if source else ""
    groups: dict[tuple, tuple[DocgenWarning, list[str], int]] = {}
    for w in warnings:
        file = w.location.file
        if source and file in (None, "", base, source):
            file = source
        key = (w.message, w.fix, file)
        places, count = _places(w.location.path)
        if key in groups:
            first, seen, total = groups[key]
            seen.extend(p for p in places if p not in seen)
            groups[key] = (first, seen, total + count)
        else:
            groups[key] = (replace(w, location=replace(w.location, file=file)), places, count)
    out = []
    for first, seen, total in groups.values():
        path = "、".join(seen[:SHOWN]) or None
        if total > 1 and path:
            path += f" 等 {total} 处"
        out.append(replace(first, location=replace(first.location, path=path)))
    return out
