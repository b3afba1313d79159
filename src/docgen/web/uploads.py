"""Files uploaded through the page: size, type and the same safety checks as files on disk.

Takes the uploaded name and bytes; returns the plain file name to store, or
raises ``UnsafeInputError`` in Chinese.  Only .docx (templates), .xlsx and
.csv (figures from tables) and .png/.jpg (seals) are accepted, each checked by
its content: a .docx through ``safety.check_docx`` (zip bombs, DTDs, image
sizes), an .xlsx as a zip with the same limits and its XML parts through
``safety.parse_xml``, an image through ``safety.check_image``, a .csv as text.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from docgen.errors import Location, UnsafeInputError
from docgen.web.paths import UPLOAD_SUFFIXES, plain_name

MAX_UPLOAD_BYTES = 20 * 2**20
_MAX_ENTRIES = 5000
_MAX_UNZIPPED = 200 * 2**20
_MAX_RATIO = 200


def _refuse(name: str, message: str, fix: str) -> UnsafeInputError:
    return UnsafeInputError(message, location=Location(file=name), fix=fix)


def checked_name(name: str, allowed: tuple[str, ...] = UPLOAD_SUFFIXES) -> str:
    """The upload's plain file name if its type is allowed."""
    name = Path(name.replace("\\", "/")).name if name else ""
    plain_name(name)
    if not name.lower().endswith(allowed):
        raise _refuse(name, f"不接受这种文件：只能上传 {'、'.join(allowed)} 文件。",
                      "模板请上传 .docx，表格请上传 .xlsx 或 .csv，印章图片请上传 .png 或 .jpg。")
    return name


def _check_xlsx(name: str, data: bytes) -> None:
    from docgen.safety import parse_xml  # noqa: PLC0415

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _refuse(name, "不是有效的 .xlsx 文件（不是 zip 格式，可能是旧版 .xls 或改了扩展名）。",
                      "用 Excel 或 WPS 打开后另存为“Excel 工作簿（*.xlsx）”再上传。") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > _MAX_ENTRIES or "xl/workbook.xml" not in {i.filename for i in infos}:
            raise _refuse(name, "不是有效的 Excel 工作簿（缺少 xl/workbook.xml 或条目过多）。",
                          "用 Excel 或 WPS 另存为 .xlsx 后再上传。")
        total = 0
        for info in infos:
            total += info.file_size
            if total > _MAX_UNZIPPED or (info.file_size > 2**20
                                         and info.file_size > _MAX_RATIO * max(info.compress_size, 1)):
                raise _refuse(name, "文件解压后过大或压缩比异常，疑似“压缩炸弹”，已拒绝。",
                              "请使用 Excel 或 WPS 正常保存的文件。")
            if info.filename.lower().endswith((".xml", ".rels")):
                parse_xml(archive.read(info), where=f"{name}:{info.filename}")


def check_upload(name: str, data: bytes, allowed: tuple[str, ...] = UPLOAD_SUFFIXES) -> str:
    """Validate an upload; return the plain name to store it under."""
    from docgen.safety import check_docx, check_image  # noqa: PLC0415

    name = checked_name(name, allowed)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(name, f"文件太大（{len(data) / 2**20:.1f} MB，上限 {MAX_UPLOAD_BYTES // 2**20} MB）。",
                      "压缩其中的图片或删去不需要的内容后再上传。")
    if not data:
        raise _refuse(name, "文件是空的。", "重新选择要上传的文件。")
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        with tempfile.TemporaryDirectory(prefix="docgen-upload-") as tmp:
            staged = Path(tmp) / "upload.docx"
            staged.write_bytes(data)
            try:
                check_docx(staged)
            except UnsafeInputError as exc:
                raise _refuse(name, exc.message, exc.fix or "") from None
    elif suffix == ".xlsx":
        _check_xlsx(name, data)
    elif suffix in (".png", ".jpg", ".jpeg"):
        png = data.startswith(b"\x89PNG\r\n\x1a\n")
        jpg = data.startswith(b"\xff\xd8\xff")
        if not (png if suffix == ".png" else jpg) or check_image(data, name) is None:
            raise _refuse(name, f"文件内容不是 {suffix[1:].upper()} 图片（可能改了扩展名或已损坏）。",
                          "用画图或其他图片软件另存为 .png 或 .jpg 后再上传。")
    elif suffix == ".csv":
        if b"\x00" in data:
            raise _refuse(name, "这不是文本格式的 .csv 文件。", "用 Excel 或 WPS 另存为“CSV UTF-8”后再上传。")
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise _refuse(name, "无法识别 .csv 文件的文字编码。",
                              "用 Excel 或 WPS 另存为“CSV UTF-8（逗号分隔）”后再上传。") from exc
    return name
