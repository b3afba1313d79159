"""Jinja's compiled code for template parts and the data's texts, kept on disk between processes.

A cold ``docgen build`` compiled the template's XML with Jinja every time
(30-40 ms for the seed's 8,000-character body, most of the Jinja work of a
cold build), although the generated code depends only on the source and the
environment's fixed options.  This keeps that code as ``marshal`` data in
``$XDG_CACHE_HOME/docgen/jinja`` — what Jinja's own ``FileSystemBytecodeCache``
does for loader templates, which docxtpl's ``from_string`` never uses.

Every source is kept, the data's short texts too: an edit changes one or two of
them, and the others (24 in the seed, about 20 ms of compiling in a cold build)
load from their entries.  The folder keeps at most :data:`MAX_ENTRIES` entries;
storing into a fuller folder first deletes the older half.
The key covers the source, Jinja's and Python's versions and every option
that changes the generated code; an entry names its key in its header (and is
written atomically), and anything unreadable is ignored.  A cache that cannot be read or
written is not an error: the code is compiled as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from docgen import user_cache

MAX_ENTRIES = 4000  # about 10 MB: a year of edits of many documents
MAGIC = b"DGJINJA1"


def folder() -> Path:
    return user_cache.folder("jinja")


def key_of(env: Any, source: str) -> str | None:
    """The entry name for ``source`` compiled by ``env``; None when its options are not plain."""
    import jinja2  # noqa: PLC0415

    if not isinstance(env.autoescape, bool):
        return None  # a function decides per template name: not a fixed option
    options = (
        jinja2.__version__, sys.version, type(env).__module__, type(env).__qualname__,
        env.autoescape, getattr(env.undefined, "__qualname__", repr(env.undefined)),
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
        env.newline_sequence, env.keep_trailing_newline, env.optimized,
        getattr(env.finalize, "__qualname__", repr(env.finalize)),
        tuple(sorted(env.extensions)),
        tuple(sorted(getattr(env, "intercepted_binops", ()))),
        tuple(sorted(getattr(env, "intercepted_unops", ()))),
    )
    digest = hashlib.sha256(repr(options).encode("utf-8"))
    digest.update(source.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load(key: str) -> CodeType | None:
    """The code stored under ``key``, or None (absent, damaged, another format)."""
    try:
        data = (folder() / f"{key}.code").read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + 32
    if len(data) <= head or data[:len(MAGIC)] != MAGIC or data[len(MAGIC):head] != bytes.fromhex(key):
        return None
    try:
        code = marshal.loads(data[head:])
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def store(key: str, code: CodeType) -> None:
    """Keep ``code`` under ``key`` (failures are ignored: it is only a cache)."""
    with contextlib.suppress(OSError):
        prune(folder())
        user_cache.write_atomic(folder() / f"{key}.code", MAGIC + bytes.fromhex(key) + marshal.dumps(code))


def prune(where: Path, keep: int | None = None) -> None:
    """At most ``keep`` (default :data:`MAX_ENTRIES`) entries: beyond, the older half goes."""
    keep = MAX_ENTRIES if keep is None else keep
    try:
        entries = [e for e in os.scandir(where) if e.name.endswith(".code")]
    except OSError:
        return
    if len(entries) < keep:
        return
    dated = []
    for entry in entries:
        with contextlib.suppress(OSError):
            dated.append((entry.stat().st_mtime_ns, entry.path))
    dated.sort()
    for _, path in dated[:len(dated) - keep // 2]:
        with contextlib.suppress(OSError):
            os.unlink(path)
