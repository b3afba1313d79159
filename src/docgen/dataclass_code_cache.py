"""The code ``dataclasses`` generates when a class is defined, compiled once and kept on disk.

Python writes each dataclass's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` … as
source text and compiles it with ``exec`` while the class statement runs (one ``exec`` per
method up to 3.12, one per class from 3.13).  A cold ``docgen build`` defines about 80
dataclasses before it does any work: some 400 compiles, about 30 ms of a 330 ms build
(measured on 2 cores).  The source text is the same in every process, and so is its code.

:func:`install` gives the ``dataclasses`` module an ``exec`` of its own (a module global,
shadowing the builtin there and nowhere else): a source text seen before runs its compiled
code, loaded from ``$XDG_CACHE_HOME/docgen/code``; a new one is compiled exactly as the
builtin would — file name ``<string>``, no inherited ``__future__`` flags, as from
``dataclasses``' own frame — and kept.  Nothing else changes: the generated functions get
the same globals, closures and defaults, so the classes are the same.  :func:`save` writes
the new entries (at the end of a command's start-up).

The file holds one ``marshal`` dict, source text → code, per Python version (the key is
``sys.version`` and the bytecode magic); an unreadable, damaged or foreign file is ignored
and replaced.  At most :data:`MAX_ENTRIES` are kept (beyond, only those this process used).
Only the ``docgen`` command installs this (:func:`docgen.cli.main`); importing docgen as a
library leaves ``dataclasses`` alone.  The trust is that of Python's own ``__pycache__``
and of :mod:`docgen.jinja_code_cache`: whoever can write the user's cache folder can
already run code as the user.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib.util
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from docgen import user_cache

MAX_ENTRIES = 4000  # ~1 MB; a build uses ~400
MAGIC = b"DGCODE1\n"

_codes: dict[str, CodeType] = {}  # source text -> compiled code, loaded and new
_used: set[str] = set()  # the texts this process ran
_new = 0  # entries compiled here and not yet saved
_hits = 0  # texts run from their stored code
_misses = 0  # texts compiled here
_installed = False


def _file() -> Path:
    tag = hashlib.sha256(f"{sys.version}\0{importlib.util.MAGIC_NUMBER.hex()}".encode()).hexdigest()
    return user_cache.folder("code") / f"dataclasses-{tag[:16]}.marshal"


def _load() -> dict[str, CodeType]:
    try:
        data = _file().read_bytes()
    except OSError:
        return {}
    if not data.startswith(MAGIC):
        return {}
    try:
        table = marshal.loads(data[len(MAGIC):])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if type(k) is str and type(v) is CodeType}


def _exec(source: Any, globals: dict[str, Any] | None = None,
          locals: dict[str, Any] | None = None) -> None:
    """``exec`` for the dataclasses module: a text's code compiled once."""
    global _new, _hits, _misses
    if type(source) is not str:
        builtins.exec(source, globals, locals)
        return
    code = _codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)
        _codes[source] = code
        _new += 1
        _misses += 1
    else:
        _hits += 1
    _used.add(source)
    builtins.exec(code, globals, locals)


def install() -> None:
    """Route the dataclasses module's ``exec`` through the cache (once per process)."""
    global _installed
    if _installed:
        return
    import dataclasses  # noqa: PLC0415

    _codes.update(_load())
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    _installed = True


def save() -> None:
    """Write the entries compiled in this process, if any (never raises: it is a cache)."""
    global _new
    if not _new:
        return
    table = _codes if len(_codes) <= MAX_ENTRIES else {k: _codes[k] for k in _used}
    with contextlib.suppress(OSError, ValueError):
        user_cache.write_atomic(_file(), MAGIC + marshal.dumps(table))
        _new = 0


def stats() -> tuple[int, int]:
    """(texts run from stored code, texts compiled) in this process."""
    return _hits, _misses
