""".doc and .wps → .docx through LibreOffice (``soffice --headless --convert-to docx``).

Takes a file path; returns the .docx bytes, or raises a Chinese DataError
when LibreOffice is not installed or cannot convert the file.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docgen.errors import DataError, Location

TIMEOUT = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(path: Path) -> bytes:
    program = soffice()
    where = Location(file=str(path))
    if program is None:
        raise DataError(f"导入 {path.suffix} 文件需要 LibreOffice，本机没有安装。", location=where,
                        fix="安装 LibreOffice（sudo apt-get install libreoffice-writer），"
                            "或用 Word/WPS 把文件另存为 .docx 后再导入。")
    with tempfile.TemporaryDirectory(prefix="docgen-import-") as tmp:
        profile = Path(tmp) / "profile"
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "docx", "--outdir", tmp, str(path.resolve())],
                           check=False, capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise DataError(f"LibreOffice 转换超过 {TIMEOUT} 秒仍未完成。", location=where,
                            fix="用 Word/WPS 把文件另存为 .docx 后再导入。") from None
        out = Path(tmp) / (path.stem + ".docx")
        if not out.is_file():
            raise DataError("LibreOffice 无法转换这个文件（可能已损坏或加密）。", location=where,
                            fix="用 Word/WPS 打开它，另存为 .docx 后再导入。")
        return out.read_bytes()
