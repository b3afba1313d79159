"""Names the web page may use → paths inside the data folder, and nothing else.

Takes a name as it arrived in a URL or a form (already percent-decoded by the
server); returns the file's path inside the data folder or raises
``UnsafeInputError`` in Chinese.  A name is one plain file name: no folder
part (``/`` or ``\\``, so encoded slashes are refused too), no ``..``, no
leading dot, no control characters; the resolved path (symlinks followed)
must still be inside the data folder.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from docgen.data_files import DATA_SUFFIXES, is_data_file
from docgen.errors import Location, UnsafeInputError

UPLOAD_SUFFIXES = (".docx", ".xlsx", ".csv", ".png", ".jpg", ".jpeg")


def _refuse(name: str, why: str) -> UnsafeInputError:
    return UnsafeInputError(f"不能使用文件名 “{name[:80]}”：{why}",
                            location=Location(file=name[:80]),
                            fix="只能打开数据文件夹中的文件：在“文档”页面点击文件名。")


def plain_name(name: str) -> str:
    """``name`` if it is one plain file name, else UnsafeInputError."""
    if not name or len(name.encode("utf-8")) > 255:
        raise _refuse(name, "文件名为空或太长。")
    if "/" in name or "\\" in name:
        raise _refuse(name, "文件名中不能有 / 或 \\（不能指向其他文件夹）。")
    if name in (".", "..") or name.startswith("."):
        raise _refuse(name, "文件名不能以 . 开头。")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name) or ":" in name:
        raise _refuse(name, "文件名中有控制字符或冒号。")
    return name


def inside(folder: Path, name: str, *, suffixes: tuple[str, ...] = DATA_SUFFIXES,
           must_exist: bool = True) -> Path:
    """The path of ``name`` in ``folder``; refuses anything that would lead outside it."""
    plain_name(name)
    if not name.lower().endswith(suffixes):
        raise _refuse(name, f"只能使用 {'、'.join(suffixes)} 文件。")
    root = folder.resolve()
    path = root / name
    if path.is_symlink() or path.resolve().parent != root:
        raise _refuse(name, "它是指向数据文件夹以外的链接。")
    if must_exist and not path.is_file():
        raise UnsafeInputError(f"数据文件夹中没有文件 “{name}”。", location=Location(file=name),
                               fix="回到“文档”页面重新选择；文件可能已被改名或删除。")
    return path


def data_names(folder: Path) -> list[str]:
    """The data files of the folder (plain files, no links, no hidden files), by name."""
    root = folder.resolve()
    names = []
    for p in sorted(root.iterdir(), key=lambda p: p.name):
        if is_data_file(p) and not p.is_symlink() and p.is_file():
            names.append(p.name)
    return names
