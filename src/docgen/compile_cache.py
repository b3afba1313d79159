"""What Python compiles while docgen starts, compiled once and kept on disk.

Two things are compiled from text every time a process starts, always to the same result:

* **Dataclass methods.**  ``dataclasses`` writes each class's ``__init__``, ``__repr__``,
  ``__eq__``, ``__hash__`` … as source text and compiles it with ``exec`` while the class
  statement runs (one ``exec`` per method up to 3.12, one per class from 3.13).  A cold
  ``docgen build`` defines about 80 dataclasses before it does any work: ~350 compiles,
  about 30 ms of a 340 ms build (measured on 2 cores).
* **Regular expressions.**  ``re.compile`` parses a pattern and turns it into the regex
  engine's code in Python (``re._compiler.compile``) — slow for big character classes
  (a range of CJK characters costs a millisecond); the modules a build imports compile
  ~180 patterns at import time, ~25 ms.

:func:`install` keeps both results between processes, in one ``marshal`` file per Python
version in ``$XDG_CACHE_HOME/docgen/code``:

* the ``dataclasses`` module gets an ``exec`` of its own (a module global, shadowing the
  builtin there and nowhere else): a source text seen before runs its stored code, a new
  one is compiled exactly as the builtin would (file name ``<string>``, no inherited
  ``__future__`` flags, as from ``dataclasses``' own frame) and kept;
* ``re._compiler.compile`` is wrapped: for a pattern string and flags seen before, the
  engine's code, flags and group tables are taken from the file and given to
  ``_sre.compile`` — the same call with the same arguments the compiler would have made —
  and a new pattern is compiled by the original function, its arguments kept.

Nothing else changes: the classes and patterns are the ones Python would have made.  A
pattern that fails to compile fails as before (nothing is stored); a pattern's warnings
(``DeprecationWarning`` for a bad escape) appear only when it is first compiled.
:func:`save` writes new entries (at the end of a command's start-up, and when it ends).
The key of the file is ``sys.version``, the bytecode magic and the regex engine's magic; an
unreadable, damaged or foreign file is ignored and replaced.  At most :data:`MAX_ENTRIES`
are kept (beyond, only those this process used).  Only the ``docgen`` command installs this
(:func:`docgen.cli.main`); importing docgen as a library leaves Python alone.  The trust is
that of Python's own ``__pycache__`` and of :mod:`docgen.jinja_code_cache`: whoever can
write the user's cache folder can already run code as the user.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import importlib.util
import marshal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

from docgen import user_cache

MAX_ENTRIES = 6000  # ~2 MB; a build uses ~550
MAGIC = b"DGCODE2\n"

# source text -> compiled code (dataclasses); (pattern, flags) -> _sre.compile's arguments (a str
# and a bytes pattern are never equal keys)
_codes: dict[str, CodeType] = {}
_patterns: dict[tuple[str | bytes, int], tuple[int, list[int], int, dict[str, int], tuple]] = {}
_used: set[Any] = set()  # the keys this process used
_new = 0  # entries made here and not yet saved
_hits = 0  # results taken from the file (or made earlier in this process)
_misses = 0  # results computed here
_installed = False
_compiling = threading.RLock()  # a new pattern's compile swaps re._compiler's _sre for a moment


def _file() -> Path:
    import _sre  # noqa: PLC0415

    tag = f"{sys.version}\0{importlib.util.MAGIC_NUMBER.hex()}\0{_sre.MAGIC}\0{_sre.CODESIZE}"
    digest = hashlib.sha256(tag.encode()).hexdigest()[:16]
    return user_cache.folder("code") / f"startup-{digest}.marshal"


def _load() -> None:
    try:
        data = _file().read_bytes()
    except OSError:
        return
    if not data.startswith(MAGIC):
        return
    try:
        codes, patterns = marshal.loads(data[len(MAGIC):])
    except (EOFError, ValueError, TypeError):
        return
    if isinstance(codes, dict):
        _codes.update((k, v) for k, v in codes.items() if type(k) is str and type(v) is CodeType)
    if isinstance(patterns, dict):
        _patterns.update((k, v) for k, v in patterns.items() if _valid_pattern(k, v))


def _valid_pattern(key: Any, value: Any) -> bool:
    return (type(key) is tuple and len(key) == 2 and type(key[0]) in (str, bytes)
            and type(key[1]) is int and type(value) is tuple and len(value) == 5
            and type(value[0]) is int and type(value[1]) is list and type(value[2]) is int
            and type(value[3]) is dict and type(value[4]) is tuple)


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


def _cached_regex_compiler(original: Callable[..., Any], sre_compile: Callable[..., Any]) -> Callable:
    """``re._compiler.compile`` whose work for a pattern string is kept (see the module doc)."""

    def compile_pattern(p: Any, flags: int = 0) -> Any:
        global _new, _hits, _misses
        if type(p) is not str and type(p) is not bytes:  # a parsed pattern: not ours to keep
            return original(p, flags)
        key = (p, flags)
        args = _patterns.get(key)
        if args is not None:
            _hits += 1
            _used.add(key)
            return sre_compile(p, *args)
        captured: list[tuple] = []

        def capture(pattern: Any, *rest: Any) -> Any:
            captured.append(rest)
            return sre_compile(pattern, *rest)

        module = sys.modules["re._compiler"]
        with _compiling:
            saved = module._sre
            module._sre = _SreProxy(saved, capture)
            try:
                compiled = original(p, flags)
            finally:
                module._sre = saved
        if len(captured) == 1:
            final_flags, code, groups, groupindex, indexgroup = captured[0]
            _patterns[key] = (int(final_flags), [int(c) for c in code], int(groups), dict(groupindex),
                              tuple(indexgroup))
            _used.add(key)
            _new += 1
        _misses += 1
        return compiled

    return compile_pattern


class _SreProxy:
    """``_sre`` as the regex compiler sees it while a new pattern is compiled: ``compile``
    records its arguments; everything else is the real module."""

    def __init__(self, sre: Any, compile_call: Callable[..., Any]):
        self._sre = sre
        self.compile = compile_call

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sre, name)


def install() -> None:
    """Keep dataclass methods and regular expressions between processes (once per process)."""
    global _installed
    if _installed:
        return
    import dataclasses  # noqa: PLC0415
    import re  # noqa: PLC0415, F401 - re._compiler is imported by re

    _load()
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    module = sys.modules.get("re._compiler")
    if module is not None and callable(getattr(module, "compile", None)):
        module.compile = _cached_regex_compiler(module.compile, module._sre.compile)
    _installed = True


def save() -> None:
    """Write the entries made in this process (never raises: it is a cache).

    Only when they are at least 1 % of the entries used: a pattern built anew by every
    process (reportlab joins a set's names, in the process's hash order) stays a miss
    rather than rewriting the file at every start.
    """
    global _new
    if not _new or _new * 100 < len(_used):
        return
    if len(_codes) + len(_patterns) <= MAX_ENTRIES:
        codes, patterns = _codes, _patterns
    else:
        codes = {k: v for k, v in _codes.items() if k in _used}
        patterns = {k: v for k, v in _patterns.items() if k in _used}
    with contextlib.suppress(OSError, ValueError):
        user_cache.write_atomic(_file(), MAGIC + marshal.dumps((codes, patterns)))
        _new = 0


def stats() -> tuple[int, int]:
    """(results taken from stored ones, results computed) in this process."""
    return _hits, _misses
