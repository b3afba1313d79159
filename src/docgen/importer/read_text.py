"""Plain text (a web page's copy, a .txt) → the source's paragraphs, one per non-empty line.

Takes the file's bytes; returns ``list[Para]``.  UTF-8 (with or without a
BOM), UTF-16 with a BOM, or GB18030 (what WPS and Windows Notepad save);
leading full-width or ASCII spaces (hand-typed indentation) are removed.
"""

from __future__ import annotations

from docgen.errors import DataError, Location
from docgen.importer.source import Para


def decode(data: bytes, name: str = "") -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError("无法识别这个文本文件的编码。", location=Location(file=name),
                    fix="用记事本或 WPS 另存为 UTF-8 编码的 .txt 后再导入。")


def read_text(data: bytes, name: str = "") -> list[Para]:
    paras: list[Para] = []
    for number, line in enumerate(decode(data, name).splitlines(), start=1):
        text = line.replace("\u00a0", " ").strip(" \t\u3000\r\ufeff")
        if text:
            paras.append(Para(text=text, index=number, lines=(text,),
                              tabs=tuple(x.strip() for x in text.split("\t") if x.strip())))
    return paras
