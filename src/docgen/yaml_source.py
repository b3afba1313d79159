"""Read a YAML file into plain Python values *and* where each value stands.

Takes a path; returns ``SourceTree``: the data (dicts, lists, scalars as
PyYAML's safe loader builds them) plus a map from each value's path
(``("body", 3, "text")``) to its line and column, so every later error can
point at the exact place in the user's file.  Syntax errors, duplicate keys
and files that are not UTF-8 become ``DataError`` with a Chinese fix.
"""

from __future__ import annotations

import re
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


#: libyaml's / ruamel's problems in Chinese (the generic part of a syntax error).
_PROBLEMS_ZH = (
    ("could not find expected ':'", "这一行缺少键和值之间的“: ”（英文冒号加空格）"),
    ("mapping values are not allowed", "这里不能出现“: ”：文字中含冒号加空格时要用引号括起来，或是缩进不对"),
    ("did not find expected key", "缩进不对：同一层的键要对齐，列表项前要写“- ”"),
    ("did not find expected ',' or ']'", "方括号 [ ] 没有配对，或列表中的项之间缺少英文逗号"),
    ("did not find expected ',' or '}'", "花括号 { } 没有配对；以 {{ 开头的文字要用引号括起来"),
    ("expected <block end>", "缩进不对：同一层的各项要对齐"),
    ("did not find expected '-' indicator", "缩进不对：列表项“- ”要对齐"),
    ("found unexpected end of stream", "引号或括号没有配对，文件在配对之前就结束了"),
    ("found a tab character", "缩进中用了制表符（Tab）"),
    ("found character that cannot start any token", "有不能出现在这里的字符（如制表符 Tab、@ 或 `），文字中有这些字符时要用引号括起来"),
    ("found undefined alias", "引用了没有定义的锚点（*名称）"),
    ("found unknown escape character", "双引号中的反斜杠 \\ 后面的字符无法识别；文字中的反斜杠写成 \\\\ 或改用单引号"),
    ("found unexpected ':'", "这里不能出现冒号“:”，请把这段文字用引号括起来"),
    ("expected a comment or a line break", "引号结束后同一行还有多余的文字"),
    ("did not find URI escaped octet", "以 ! 开头的文字要用引号括起来"),
    ("expected alphabetic or numeric character", "以 & 或 * 开头的文字要用引号括起来"),
)
_KEY_FULLWIDTH = re.compile(r"^(\s*)(?!- )([^\s#:：\-\[{\"'][^:：#]*?)\s*：\s*(.*)$")
_KEY_NO_SPACE = re.compile(r"^(\s*)(?:- )?([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*):(?=[^\s/])(.*)$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _culprit(lines: list[str], line: int) -> tuple[int, int, str, str] | None:
    """(line, column, problem, fix) for the usual mistakes at or just before 0-based ``line``.

    Checked nearest first: a tab in the indentation, a full-width colon where
    a key ends, a key with no space after its colon, a line indented unlike
    its neighbours.
    """
    window = range(min(line, len(lines) - 1), max(-1, line - 3), -1)
    for n in window:
        text = lines[n]
        lead = text[:len(text) - len(text.lstrip(" \t"))]
        if "\t" in lead:
            return (n, lead.index("\t"), "这一行的缩进用了制表符（Tab），YAML 只能用空格缩进",
                    "把行首的 Tab 换成空格（同一层对齐，下一层多两个空格）；编辑器里可设置“Tab 转为空格”。")
    for n in window:
        text = lines[n]
        m = _KEY_FULLWIDTH.match(text)
        if m and ": " not in text and not text.rstrip().endswith(":"):
            key, value = m.group(2).strip(), m.group(3).strip()
            return (n, text.index("："), f"“{key}”后面用了全角冒号“：”（{key}：{value}），"
                    "键和值之间要用英文冒号加空格",
                    f"改为 {key}: {value}（英文冒号“:”，后面加一个空格）。")
    for n in window:
        text = lines[n]
        m = _KEY_NO_SPACE.match(text)
        if m and ": " not in text and not text.lstrip().startswith(("#", "'", '"')):
            key = m.group(2)
            return (n, text.index(":") + 1, f"“{key}:”的冒号后面没有空格，整行被当成了一段文字",
                    f"在冒号后加一个空格：{key}: {m.group(3).strip()}。")
    return None


def _bad_indent(lines: list[str], line: int) -> tuple[int, int, str, str] | None:
    """A line indented deeper or shallower than every line it could belong to."""
    if not 0 <= line < len(lines) or not lines[line].strip():
        return None
    here = _indent(lines[line])
    above = [_indent(t) for t in lines[:line] if t.strip() and not t.lstrip().startswith("#")]
    if not above or here in above:
        return None
    near = min(above, key=lambda x: (abs(x - here), -x))
    return (line, here, f"这一行缩进了 {here} 个空格，与上面任何一层都对不齐（最接近的是 {near} 个空格）",
            f"同一层的项要对齐：改为 {near} 个空格，或按上一级多缩进两个空格。")


def syntax_error(exc: Exception, where: str, text: str | None = None) -> DataError:
    """A YAML parser's error (PyYAML's or ruamel's, same shape) as a located Chinese DataError.

    With the file's ``text``, the usual mistakes are recognised and named at
    the line where they were made (which is often above the line the parser
    stopped at): a full-width colon, a missing space after a colon, a tab in
    the indentation, a line indented unlike its neighbours.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = (getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)).strip()
    line = mark.line if mark else None
    column = mark.column if mark else None
    lines = text.splitlines() if text is not None else []
    found = _culprit(lines, line) if lines and line is not None else None
    if found is None and lines and line is not None and any(
            key in problem for key in ("did not find expected key", "expected <block end>",
                                       "mapping values are not allowed", "did not find expected '-'")):
        found = _bad_indent(lines, line)
    if found is not None:
        line, column, message, fix = found
        return DataError(f"YAML 语法错误：{message}。",
                         location=Location(file=where, line=line + 1, column=column + 1), fix=fix)
    chinese = next((zh for en, zh in _PROBLEMS_ZH if en in problem), None)
    message = f"YAML 语法错误：{chinese}。" if chinese else f"YAML 语法错误（{problem}）。"
    return DataError(message,
                     location=Location(file=where, line=line + 1 if line is not None else None,
                                       column=column + 1 if column is not None else None),
                     fix=_SYNTAX_FIX)


def read_source(path: Path) -> SourceTree:
    """Read and compose ``path``; raise DataError with location on any problem."""
    where = str(path)
    text = read_data_text(path)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise syntax_error(exc, where, text) from exc
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
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise DataError("不支持 YAML 合并键 “<<”。", location=Location(
                    file=where, line=key_node.start_mark.line + 1, column=key_node.start_mark.column + 1,
                    path=format_path(path) or None),
                    fix="删去 “<<: *名称” 这一行，把要复用的内容直接写出来。")
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
