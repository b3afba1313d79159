"""Remembered safety verdicts: "these exact bytes passed this check", kept on disk.

A cold build checked the template's every XML part and picture again in each
new process (``safety.check_docx``: about 50-100 ms for a shipped template,
Pillow's import included), although the template had not changed since the
last build.  An entry here is an empty file named by the SHA-256 of the check's
name, the checking code (``safety.py``'s size and time), every limit in :mod:`docgen.limits` and the checked
bytes themselves — so a changed file, a changed limit or another release is
checked again.  It lives under ``$XDG_CACHE_HOME/docgen/checked``; a folder
that cannot be read or written only means the check runs every time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docgen import limits, user_cache

VERSION = "1"  # raise when a check changes what it accepts


def _folder() -> Path:
    return user_cache.folder("checked")


def _limits() -> str:
    return repr(sorted((k, v) for k, v in vars(limits).items()
                       if k.isupper() and isinstance(v, int | float)))


def _code() -> str:
    """The checking code's identity: safety.py's size and time (any edit or install changes it)."""
    from docgen import safety  # noqa: PLC0415

    st = Path(safety.__file__).stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _entry(check: str, data: bytes) -> Path:
    digest = hashlib.sha256(f"{check}|{VERSION}|{_code()}|{_limits()}|".encode())
    digest.update(data)
    return _folder() / digest.hexdigest()


def passed(check: str, data: bytes) -> bool:
    """True if ``data`` passed ``check`` before (with today's limits and docgen)."""
    return _entry(check, data).is_file()


def remember(check: str, data: bytes) -> None:
    """Record that ``data`` passed ``check`` (failures to write are ignored)."""
    entry = _entry(check, data)
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.touch()
    except OSError:
        pass
