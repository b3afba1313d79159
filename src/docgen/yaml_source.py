"""Read a YAML file into plain Python values *and* where each value stands.

Takes a path; returns ``SourceTree``: the data (dicts, lists, scalars as
PyYAML's safe loader builds them) plus a map from each value's path
(``("body", 3, "text")``) to its line and column, so every later error can
point at the exact place in the user's file.  Syntax errors, duplicate keys
and files that are not UTF-8 become ``DataError`` with a Chinese fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from docgen.errors import DataError, Location
from docgen.safety import check_yaml_limits

PathKey = tuple[str | int, ...]
# libyaml composes ~15× faster and gives the same marks (line, column)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def format_path(path: PathKey) -> str:
    """("body", 3, "text") → "body[3].text"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass(frozen=True)
class SourceTree:
    file: Path
    data: Any
    marks: dict[PathKey, tuple[int, int, bool]]  # path -> (line, column, single_line) 1-based
    text: str
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)  # mapping keys

    def locate_key(self, path: PathKey) -> Location:
        """Location of the *key* of the mapping entry at ``path`` (for unknown keys)."""
        if tuple(path) in self.key_marks:
            line, column = self.key_marks[tuple(path)]
            return Location(file=str(self.file), line=line, column=column,
                            path=format_path(tuple(path)) or None)
        return self.locate(path)

    def locate(self, path: PathKey) -> Location:
        """Location of the value at ``path``, or of its nearest located parent."""
        probe = tuple(path)
        while probe and probe not in self.marks:
            probe = probe[:-1]
        line, column, _ = self.marks.get(probe, (None, None, False))
        return Location(file=str(self.file), line=line, column=column,
                        path=format_path(tuple(path)) or None)

    def locate_in_scalar(self, path: PathKey, offset: int) -> Location:
        """Location of character ``offset`` inside the scalar at ``path`` when it is one line."""
        loc = self.locate(path)
        mark = self.marks.get(tuple(path))
        if mark and mark[2] and loc.column is not None:
            line_text = self.text.splitlines()[mark[0] - 1] if mark[0] - 1 < len(self.text.splitlines()) else ""
            start = mark[1] - 1
            quoted = line_text[start:start + 1] in ("'", '"')
            return Location(file=loc.file, line=loc.line, column=loc.column + offset + int(quoted),
                            path=loc.path)
        return loc


_SYNTAX_FIX = (
    "检查该行及上一行：键和值之间用英文冒号加空格（如 title: 标题）；缩进只用空格、"
    "同级对齐；以 {{ 、[ 、{ 、* 、& 或 ! 开头的文字要用引号括起来。"
)


def read_data_text(path: Path) -> str:
    """The text of a data file, checked for size bombs; DataError for a missing,
    directory or non-UTF-8 file.  Every reader of data files starts here."""
    where = str(path)
    if not path.exists():
        raise DataError("找不到数据文件。", location=Location(file=where),
                        fix="检查文件名和路径是否正确（数据文件一般放在 data/ 目录下）。")
    if path.is_dir():
        raise DataError("这是一个目录，不是数据文件。", location=Location(file=where),
                        fix="请指定一个 .yaml 数据文件。")
    from docgen.inputs import read_bounded  # noqa: PLC0415

    raw = read_bounded(path, "data")  # a regular file (no FIFO, device), within the size limit
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError("文件不是 UTF-8 编码。", location=Location(file=where),
                        fix="用记事本或 WPS 将文件另存为 UTF-8 编码。") from exc
    check_yaml_limits(text, where=where)  # alias bombs and deep nesting, before expanding
    return text


def syntax_error(exc: Exception, where: str) -> DataError:
    """A YAML parser's error (PyYAML's or ruamel's, same shape) as a located DataError."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = (getattr(exc, "problem", None) or getattr(exc, "context", None) or "").strip()
    return DataError(f"YAML 语法错误（{problem or exc}）。",
                     location=Location(file=where, line=mark.line + 1 if mark else None,
                                       column=mark.column + 1 if mark else None),
                     fix=_SYNTAX_FIX)


def read_source(path: Path) -> SourceTree:
    """Read and compose ``path``; raise DataError with location on any problem."""
    where = str(path)
    text = read_data_text(path)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise syntax_error(exc, where) from exc
    finally:
        loader.dispose()
    if root is None:
        raise DataError("数据文件是空的。", location=Location(file=where),
                        fix="参照 docs/data-format.md 填写 meta 和 body。")
    marks: dict[PathKey, tuple[int, int, bool]] = {}
    key_marks: dict[PathKey, tuple[int, int]] = {}
    data = _convert(root, (), marks, key_marks, loader, where)
    return SourceTree(file=path, data=data, marks=marks, text=text, key_marks=key_marks)


def _construct_scalar(node: ScalarNode, loader: yaml.SafeLoader, where: str, path: PathKey) -> Any:
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError) as exc:  # e.g. 2024-13-01 looks like a date but is none
        raise DataError(f"无法识别的值 “{node.value}”。", location=Location(
            file=where, line=node.start_mark.line + 1, column=node.start_mark.column + 1,
            path=format_path(path) or None),
            fix="日期写成 2023-03-13；若本意是文字，请用引号括起来。") from exc


def _convert(node: Node, path: PathKey, marks: dict, key_marks: dict, loader: yaml.SafeLoader,
             where: str) -> Any:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1,
                   node.start_mark.line == node.end_mark.line)
    if isinstance(node, ScalarNode):
        return _construct_scalar(node, loader, where, path)
    if isinstance(node, SequenceNode):
        return [_convert(child, (*path, i), marks, key_marks, loader, where)
                for i, child in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise DataError("键必须是简单文字。", location=Location(
                    file=where, line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1),
                    fix="不要用列表或映射作为键。")
            key = _construct_scalar(key_node, loader, where, path)
            key = str(key) if not isinstance(key, int) else key
            if key in result:
                raise DataError(f"键 “{key}” 重复出现。", location=Location(
                    file=where, line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1, path=format_path((*path, key))),
                    fix="同一层中每个键只能写一次，请删除或合并重复的键。")
            key_marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _convert(value_node, (*path, key), marks, key_marks, loader, where)
        return result
    raise DataError("无法识别的 YAML 内容。", location=Location(file=where))  # pragma: no cover
