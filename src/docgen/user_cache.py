"""The user's cache folder for docgen: ``$XDG_CACHE_HOME/docgen/<kind>`` (default ``~/.cache``).

Converted fonts (``fonts``), Jinja's compiled template code (``jinja``) and remembered
safety checks (``checked``) live there; everything in it can be deleted at any time.
"""

from __future__ import annotations

import os
from pathlib import Path


def folder(kind: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docgen" / kind
