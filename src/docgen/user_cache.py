"""The user's cache folder for docgen: ``$XDG_CACHE_HOME/docgen/<kind>`` (default ``~/.cache``).

Converted fonts (``fonts``), Jinja's compiled template code (``jinja``), the dataclasses'
methods and regular expressions compiled at start-up (``code``) and remembered safety
checks (``checked``) live there; everything in it can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def folder(kind: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "docgen" / kind


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (a temporary file in the same folder, then rename).

    Raises OSError; no temporary file is left behind either way.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
