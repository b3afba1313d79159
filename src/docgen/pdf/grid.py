"""Line heights on a lines-only document grid, as Word computes them.

A section with ``<w:docGrid w:type="lines" w:linePitch="579"/>`` gives every
paragraph that snaps to the grid (``w:snapToGrid``, on by default) a line
pitch of 579 twips.  How the paragraph's own line spacing combines with it,
as measured on Word's output (sources in docs/templates.md, "行距与文档网格"):

- ``auto`` (single, 1.5 lines, multiple m): the multiple applies to the
  grid pitch, not to the font's height; a line whose glyphs are taller than
  one pitch takes as many whole pitches as it needs (rounded *up*), so
  single spacing is ``ceil(natural / pitch) × pitch`` and m lines are
  ``max(that, m × pitch)``;
- ``exact``: the exact value, never snapped to the grid;
- ``atLeast``: ``max(ceil(natural / pitch) × pitch, value)`` — a value above
  the grid cell is used as it is, not rounded up to whole pitches.

LibreOffice 7.4 differs: on a line grid it ignores the paragraph's spacing
altogether.  :func:`grid_line` returns None where Word and LibreOffice give
the same height (single spacing; an exact value equal to the whole pitches
the glyphs take; an at-least value below them), so those lines keep the placement measured on LibreOffice (centred
in their pitches); elsewhere it returns Word's height.
:func:`docgen.elements.page_fit.unsnap_spaced_styles` writes
``w:snapToGrid="0"`` into the styles whose exact/at-least spacing differs from
the grid, so that LibreOffice and WPS, reading the .docx, do what Word does.
"""

from __future__ import annotations

import math

EXACT_BASELINE = 0.8  # baseline of an exact-height line, as a fraction from its top
TWIP = 1 / 20


def cells(natural: float, pitch: float) -> int:
    """Whole grid pitches a line of glyph height ``natural`` takes (at least one)."""
    return max(1, math.ceil(natural / pitch - 1e-6))


def grid_line(rule: str, line: float | None, multiple: float, asc: float, desc: float,
              pitch: float) -> tuple[float, float] | None:
    """(height, baseline from top) of a grid-snapped line under Word's rule, or None where
    that is the plain whole number of pitches the glyphs need (LibreOffice's placement)."""
    natural = asc + desc
    whole = cells(natural, pitch) * pitch
    if rule == "exact" and line:
        if abs(line - whole) <= TWIP / 2:
            return None
        return line, EXACT_BASELINE * line
    if rule == "atLeast" and line:
        if line <= whole + TWIP / 2:
            return None
        return line, (line - natural) / 2 + asc
    if rule == "auto" and multiple * pitch > whole + TWIP / 2:
        h = multiple * pitch
        return h, (h - natural) / 2 + asc
    return None
