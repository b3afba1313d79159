"""Dates in the form GB/T 9704 asks for: 2023年3月13日 (year in full, no leading zeros).

Pure functions: a ``datetime.date`` in, text out.
"""

from __future__ import annotations

import datetime as _dt


def cn_date(value: _dt.date) -> str:
    """成文日期 / 印发日期 text: ``2023年3月13日``."""
    return f"{value.year}年{value.month}月{value.day}日"


def print_date_text(value: _dt.date) -> str:
    """The 印发日期 as printed in the 版记: ``2023年3月13日印发``."""
    return f"{cn_date(value)}印发"
