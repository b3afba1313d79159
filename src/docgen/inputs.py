"""Confined, bounded reads of the files docgen is given or a data file names.

Two questions for every file docgen reads:

* **Where may it be?** :func:`confine` resolves a name written in a data file
  (``from:``, ``seal:``, ``previous:``, ``template:``) against the data
  file's folder and refuses absolute paths, ``../`` escapes and symbolic
  links whose target lies outside the allowed roots (the data file's folder
  tree, plus the template folders for templates).  The message names the
  field and the path, never the file's content.
* **What is it, and how big?** :func:`read_bounded` opens the file with
  ``O_NONBLOCK`` (a FIFO cannot hang the open), checks with ``fstat`` that it
  is a regular file (not a device, FIFO, socket or folder) and that its size
  is within the limit for its kind (:data:`docgen.limits.KIND_LIMITS`), then
  reads at most that many bytes (a file that grows meanwhile is refused, not
  truncated).  :func:`check_regular` does the same checks without reading,
  for files handed to libraries that open them by name.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from docgen import limits
from docgen.errors import DataError, Location, UnsafeInputError

__all__ = ["check_regular", "confine", "read_bounded"]

_KIND_NAMES = {"data": "数据文件", "template": "模板", "docx": ".docx 文件", "sheet": "表格文件",
               "image": "图片"}


def _mb(n: int) -> str:
    return f"{n / limits.MB:.1f} MB" if n < 10 * limits.MB else f"{n / limits.MB:.0f} MB"


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def confine(name: str, base: Path, *, field: str, location: Location | None = None,
            roots: Iterable[Path] = ()) -> Path:
    """The real path of *name* (written in a data file) if it lies inside an allowed root.

    *base* is the data file's folder: relative names resolve against it and
    its tree is always allowed; *roots* adds folders (template folders).
    Symbolic links are followed and their targets judged.  Refusals are
    :class:`UnsafeInputError` naming *field* (``seal``, ``from`` …).
    """
    where = location or Location(file=str(base))
    text = str(name).strip()
    fix = (f"{field}: 写相对于数据文件所在文件夹的路径，文件放在该文件夹或其子文件夹中"
           f"（如 {field}: 附件/文件名）；不要写绝对路径、“../”或指向别处的链接")
    if not text or "\x00" in text:
        raise DataError(f"{field} 后面的文件名是空的或含有无效字符。", location=where, fix=fix)
    if any(len(part.encode("utf-8", "surrogatepass")) > 255 for part in Path(text).parts) or len(text) > 1024:
        raise DataError(f"{field} 后面的文件名过长。", location=where, fix=fix)
    candidate = Path(text).expanduser() if text.startswith("~") else Path(text)
    if candidate.is_absolute():
        raise UnsafeInputError(f"{field} 写的是绝对路径 “{text}”，数据文件只能引用其所在文件夹中的文件，已拒绝读取。",
                               location=where, fix=fix)
    base_real = Path(base).resolve()
    try:
        real = (base_real / candidate).resolve()
        real.exists()  # ENAMETOOLONG, ELOOP … show here, not in a later stat
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop
        raise UnsafeInputError(f"{field} 指向的 “{text}” 是循环链接，无法读取。", location=where,
                               fix=fix) from exc
    allowed = [base_real, *(Path(r).resolve() for r in roots)]
    if not any(_is_within(real, root) for root in allowed):
        how = "“../”" if ".." in candidate.parts else "符号链接"
        raise UnsafeInputError(
            f"{field} 指向的 “{text}” 位于数据文件所在文件夹之外（经由{how}），已拒绝读取。",
            location=where, fix=fix)
    return real


def _open_checked(path: Path, kind: str, location: Location | None) -> tuple[int, int]:
    """An open descriptor of *path* and its size, after the type and size checks."""
    where = location or Location(file=str(path))
    what = _KIND_NAMES.get(kind, "文件")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as exc:
        raise DataError(f"找不到{what} {Path(path).name}。", location=where,
                        fix="检查文件名和路径是否正确；路径相对于数据文件所在的文件夹。") from exc
    except IsADirectoryError as exc:
        raise DataError(f"{Path(path).name} 是文件夹，不是{what}。", location=where,
                        fix="写出文件夹中具体的文件名。") from exc
    except OSError as exc:  # ENXIO for a socket, EACCES, ELOOP …
        raise UnsafeInputError(f"无法打开{what} {Path(path).name}（{exc.strerror or type(exc).__name__}），"
                               "它可能不是普通文件或没有读取权限。", location=where,
                               fix="指定一个普通文件，并检查读取权限。") from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DataError(f"{Path(path).name} 是文件夹，不是{what}。", location=where,
                            fix="写出文件夹中具体的文件名。")
        if not stat.S_ISREG(info.st_mode):
            kind_text = ("管道（FIFO）" if stat.S_ISFIFO(info.st_mode) else
                         "设备文件" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                         "套接字" if stat.S_ISSOCK(info.st_mode) else "特殊文件")
            raise UnsafeInputError(f"{Path(path).name} 是{kind_text}，不是普通文件，已拒绝读取。",
                                   location=where, fix=f"指定一个普通的{what}。")
        limit = limits.KIND_LIMITS[kind]
        if info.st_size > limit:
            raise UnsafeInputError(f"{what} {Path(path).name} 过大（{_mb(info.st_size)}，上限 {_mb(limit)}）。",
                                   location=where, fix=_size_fix(kind))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def _size_fix(kind: str) -> str:
    return {
        "data": "把数据拆成几个文件；数据文件中不要粘贴图片或大段二进制内容。",
        "template": "压缩模板中的图片（Word：文件→压缩图片）后另存。",
        "docx": "压缩文档中的图片（Word：文件→压缩图片）后另存。",
        "sheet": "只保留需要引用的工作表，另存为较小的文件。",
        "image": "用图片软件把印章图片缩小（300 dpi、约 1000×1000 像素即可）后另存为 PNG。",
    }.get(kind, "换用较小的文件。")


def check_regular(path: Path, kind: str, location: Location | None = None) -> int:
    """Check that *path* is a regular file within the *kind*'s size limit; return its size."""
    fd, size = _open_checked(Path(path), kind, location)
    os.close(fd)
    return size


def read_bounded(path: Path, kind: str, location: Location | None = None) -> bytes:
    """The bytes of *path* after :func:`check_regular`'s checks, read with the kind's bound."""
    fd, _ = _open_checked(Path(path), kind, location)
    limit = limits.KIND_LIMITS[kind]
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UnsafeInputError(
                    f"{_KIND_NAMES.get(kind, '文件')} {Path(path).name} 过大（超过 {_mb(limit)}，读取时仍在增长）。",
                    location=location or Location(file=str(path)), fix=_size_fix(kind))
    except OSError as exc:
        raise UnsafeInputError(f"读取 {Path(path).name} 时出错（{exc.strerror or type(exc).__name__}）。",
                               location=location or Location(file=str(path)),
                               fix="检查文件是否完整、是否有读取权限。") from exc
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
    return b"".join(chunks)


def read_picture(name: str, base: Path, *, field: str, label: str = "图片",
                 location: Location | None = None) -> Path:
    """A picture a data file names (``seal:``): confined, bounded, PNG or JPEG, and decodable.

    The whole image is decoded once (Pillow), after the header's pixel count
    was checked against :data:`docgen.limits.MAX_SEAL_PIXELS`, so a damaged or
    truncated file is refused here with a message instead of failing later in
    the .docx or PDF stage.  Returns the real path.
    """
    import io  # noqa: PLC0415

    from PIL import Image  # noqa: PLC0415

    path = confine(name, base, field=field, location=location)
    if not path.exists():
        raise DataError(f"找不到{label} “{name}”（查找位置：{path}）。", location=location,
                        fix=f"{field}: 写相对于数据文件所在文件夹的路径，如 {field}: 印章.png")
    data = read_bounded(path, "image", location)
    fix = (f"{field}: 写相对于数据文件所在文件夹的路径，如 {field}: 印章.png；图片用 PNG（透明背景）或 JPEG，"
           "可用画图或 WPS 图片重新另存一次")
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8")):
        raise DataError(f"{label} “{name}” 不是 PNG 或 JPEG 图片。", location=location, fix=fix)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > limits.MAX_SEAL_PIXELS:
                raise UnsafeInputError(
                    f"{label} “{name}” 尺寸过大（{width}×{height} 像素，上限 "
                    f"{limits.MAX_SEAL_PIXELS // 1_000_000} 百万像素）。", location=location,
                    fix="用图片软件把印章图片缩小（约 1000×1000 像素即可）后另存为 PNG")
            image.load()
    except (UnsafeInputError, DataError):
        raise
    except Image.DecompressionBombError as exc:
        raise UnsafeInputError(f"{label} “{name}” 尺寸过大（超过 {limits.MAX_SEAL_PIXELS // 1_000_000} 百万像素）。",
                               location=location,
                               fix="用图片软件把印章图片缩小（约 1000×1000 像素即可）后另存为 PNG") from exc
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for damaged files
        raise DataError(f"{label} “{name}” 已损坏或不完整，无法读取（{type(exc).__name__}）。",
                        location=location, fix=fix) from exc
    return path
