"""Read and write a data file for the web page: round trip, version token, backup.

Takes a data file's path and the form's edits (YAML path → text typed);
returns the new YAML text with comments, key order, quoting and layout kept
(ruamel.yaml round trip), and writes it atomically after keeping the previous
version as ``NAME.yaml.bak``.  A save carries the version token of the text it
was made from (mtime and SHA-256); if the file changed since, nothing is
written and ``StaleError`` says so in Chinese.
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import hashlib
import io
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.util import load_yaml_guess_indent

from docgen.errors import DataError, Location
from docgen.yaml_source import read_data_text

PathKey = tuple[str | int, ...]
BACKUP_SUFFIX = ".bak"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DATE_CN = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


class StaleError(DataError):
    """The file changed on disk since the page was opened."""


@dataclass(frozen=True)
class Opened:
    """A data file as the page shows it: its text and version token."""

    path: Path
    text: str
    version: str


def version_of(data: bytes, mtime_ns: int) -> str:
    return f"{mtime_ns}-{hashlib.sha256(data).hexdigest()[:20]}"


def current_version(path: Path) -> str:
    stat = path.stat()
    return version_of(path.read_bytes(), stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _indents(text: str) -> tuple[int | None, int | None]:
    """The file's sequence indent and offset (a full parse: done once per text)."""
    _, indent, block_seq_indent = load_yaml_guess_indent(text)
    return indent, block_seq_indent


def _yaml_for(text: str) -> YAML:
    indent, block_seq_indent = _indents(text)
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 10**6
    yaml.indent(mapping=2, sequence=indent or 2, offset=block_seq_indent or 0)
    return yaml


def parse(text: str, where: str) -> Any:
    """A fresh round-trip tree of ``text`` (a copy of the one parse kept per text)."""
    try:
        return copy.deepcopy(_parsed(text))
    except YAMLError as exc:
        from docgen.yaml_source import syntax_error  # noqa: PLC0415

        raise syntax_error(exc, where) from exc


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> Any:
    # ruamel parses at ~1 MB/s: as the clerk types, each draft starts from a copy of this
    return _yaml_for(text).load(text)


def open_file(path: Path) -> Opened:
    data = path.read_bytes()
    version = version_of(data, path.stat().st_mtime_ns)
    return Opened(path, read_data_text(path), version)


def dump(tree: Any, like: str) -> str:
    buffer = io.StringIO()
    _yaml_for(like).dump(tree, buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Applying the form's values to the tree
# --------------------------------------------------------------------------


def _scalar_from_text(text: str) -> Any:
    """A number typed in the form, as ruamel would have read it from the file (5.10 stays 5.10)."""
    return YAML(typ="rt").load(text.strip())


def _same_style(old: Any, new: str) -> str:
    if "\n" in new:
        return LiteralScalarString(new)
    for cls in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, cls):
            return cls(new)
    if isinstance(old, LiteralScalarString | FoldedScalarString):
        return LiteralScalarString(new)
    return new


def convert(old: Any, text: str, kind: str = "") -> Any:
    """The value to store for ``text`` typed where ``old`` was (same type where it fits)."""
    text = text.replace("\r\n", "\n")
    if kind == "lines" or isinstance(old, CommentedSeq):
        items = [line.strip() for line in text.split("\n") if line.strip()]
        if isinstance(old, CommentedSeq):
            old.clear()
            old.extend(items)
            return old
        return items
    if kind == "bool" or isinstance(old, bool):
        return text.strip().lower() in ("true", "1", "on", "是")
    stripped = text.strip()
    if isinstance(old, _dt.date) or kind == "date":
        m = _DATE_ISO.match(stripped) or _DATE_CN.match(stripped)
        if m:
            try:
                return _dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
        return stripped or None
    if kind == "number" or (isinstance(old, int | float) and not isinstance(old, bool)) or old is None:
        if not stripped:
            return None
        if _NUMBER.match(stripped):
            return _scalar_from_text(stripped)
        return stripped
    if isinstance(old, str):
        return _same_style(old, text)
    return text


def set_value(tree: Any, path: PathKey, text: str, kind: str = "") -> bool:
    """Set the value at ``path`` from the form; True if it changed.

    A missing last key of a mapping is added (a meta element the template
    uses but the file did not have yet), unless the text is empty.
    """
    node = tree
    for part in path[:-1]:
        node = node[part]
    last = path[-1]
    exists = (last in node) if isinstance(node, CommentedMap) else (
        isinstance(last, int) and 0 <= last < len(node))
    if not exists:
        if not text.strip() or not isinstance(node, CommentedMap):
            return False
        node[last] = convert(None if kind != "lines" else [], text, kind)
        return True
    old = node[last]
    before = _plain(old)
    new = convert(old, text, kind)
    if _plain(new) == before:
        return False
    if new is not old:
        node[last] = new
    return True


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


NEW_HEADING = "请填写标题"
NEW_TEXT = "请填写内容。"


def _new_like(node: Any) -> Any:
    """A new body item of the same kind as ``node``, with text to replace."""
    if isinstance(node, Mapping) and "heading" in node:
        if "text" in node:
            return CommentedMap([("heading", NEW_HEADING + "。"), ("text", NEW_TEXT)])
        return CommentedMap([("heading", NEW_HEADING), ("body", CommentedSeq([NEW_TEXT]))])
    if isinstance(node, Mapping) and "enumerate" in node:
        return CommentedMap([("enumerate", CommentedSeq([NEW_TEXT]))])
    return NEW_TEXT


def apply_op(tree: Any, op: str) -> PathKey | None:
    """A structural change of the body: ``add:PATH`` (a new item of the same kind after
    it) or ``delete:PATH``; returns the path of the new item (None for a deletion)."""
    import json  # noqa: PLC0415

    kind, _, raw = op.partition(":")
    try:
        path = tuple(json.loads(raw))
    except ValueError:
        path = ()
    if kind not in ("add", "delete") or len(path) < 2 or path[0] != "body" \
            or not isinstance(path[-1], int) or isinstance(path[-1], bool):
        raise DataError("无法识别的操作，未保存。", fix="请刷新页面后重试。")
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    index = path[-1]
    if not isinstance(parent, list) or not 0 <= index < len(parent):
        raise DataError("页面上的内容与文件的结构不一致，未保存。", fix="请重新打开本页面。")
    if kind == "delete":
        if len(parent) == 1:
            raise DataError("这是这一部分唯一的一项，不能删除。",
                            location=Location(path=_path_text(path)),
                            fix="先在后面添加一项，或删除它所在的上一级标题。")
        del parent[index]
        return None
    parent.insert(index + 1, _new_like(parent[index]))
    return (*path[:-1], index + 1)


def apply_edits(opened: Opened, edits: Mapping[PathKey, tuple[str, str]],
                op: str | None = None) -> str:
    """New YAML text: ``opened`` with each path set to its (text, kind), then ``op`` applied."""
    tree = parse(opened.text, str(opened.path))
    changed = False
    for path, (text, kind) in edits.items():
        try:
            changed |= set_value(tree, path, text, kind)
        except (KeyError, IndexError, TypeError):
            raise DataError("页面上的内容与文件的结构不一致，未保存。",
                            location=Location(file=opened.path.name, path=_path_text(path)),
                            fix="文件可能已在别处修改：请重新打开本页面。") from None
    if op:
        apply_op(tree, op)
        changed = True
    return dump(tree, opened.text) if changed else opened.text


def _path_text(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# --------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------


def _lock_for(path: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(path.resolve(), threading.Lock())


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def save(path: Path, text: str, expected_version: str) -> str:
    """Write ``text`` if the file is still at ``expected_version``; return the new version.

    The text must parse; the previous content is kept as NAME.yaml.bak; the
    write is atomic (a crash leaves the old or the new file, never half).
    """
    from docgen.safety import atomic_write_bytes  # noqa: PLC0415

    parse(text, path.name)  # never write a file that does not read back
    with _lock_for(path):
        old = path.read_bytes()
        now = version_of(old, path.stat().st_mtime_ns)
        if now != expected_version:
            raise StaleError("文件在您打开之后已被修改（可能在另一个窗口或用编辑器改过），本次修改没有保存。",
                             location=Location(file=path.name),
                             fix="点击“重新载入”查看文件现在的内容，再把您的修改重新填上。")
        bom = b"\xef\xbb\xbf" if old.startswith(b"\xef\xbb\xbf") else b""
        new = bom + text.encode("utf-8")
        if new == old:
            return now
        atomic_write_bytes(backup_path(path), old)
        atomic_write_bytes(path, new)
        return current_version(path)
