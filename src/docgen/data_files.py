"""Which data files a command names: folders expanded, repeats dropped; how many cores to use.

Kept apart from :mod:`docgen.batch` (processes, pools) so that building one
file does not import the batch machinery.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from docgen.errors import DataError, Location

DATA_SUFFIXES = (".yaml", ".yml")


def is_data_file(path: Path) -> bool:
    """A data file by its name: .yaml/.yml, not hidden, not an Office lock file (~$…)."""
    return path.suffix.lower() in DATA_SUFFIXES and not path.name.startswith((".", "~$"))


def data_files(items: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their data files (sorted by name) and drop repeated files.

    A path that is not a folder is kept as given, even if it does not exist:
    building it then reports the problem for that file.  A folder without
    data files, or no path at all, is a :class:`DataError`.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = sorted((p for p in path.iterdir() if p.is_file() and is_data_file(p)),
                           key=lambda p: p.name)
            if not found:
                raise DataError("目录中没有数据文件（.yaml）。", location=Location(file=str(item)),
                                fix="指定含有 .yaml 数据文件的目录，或直接指定数据文件。")
        else:
            found = [path]
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    if not files:
        raise DataError("没有指定数据文件。", fix="在命令后写出数据文件（.yaml）或含有数据文件的目录。")
    return files


def default_jobs() -> int:
    """The number of cores this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
