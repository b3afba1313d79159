"""Tests for docgen.safety on real files: names, atomic writes, hostile archives, XML, images, YAML."""

from __future__ import annotations

import contextlib
import io
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen.errors import RenderError, UnsafeInputError
from docgen.safety import (
    DEFAULT_NAME,
    MAX_IMAGE_PIXELS,
    atomic_write_bytes,
    check_docx,
    check_docx_archive,
    check_image,
    check_yaml_limits,
    clean_text,
    illegal_characters,
    output_path,
    parse_xml,
    safe_output_name,
    write_all_or_nothing,
)

WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}


def leftovers(folder: Path) -> list[str]:
    """Temporary or backup files docgen may have left in *folder*."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".docgen-"))


def assert_chinese(error: BaseException) -> None:
    text = error.describe() if hasattr(error, "describe") else str(error)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert getattr(error, "fix", None), "every refusal must say how to fix it"


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2022年如东县法治政府建设情况报告", "2022年如东县法治政府建设情况报告.docx"),
        ("../../etc/passwd", "_._etc_passwd.docx"),
        ("a/b", "a_b.docx"),
        ("a\\b", "a_b.docx"),
        ('问<题>:"|?*', "问_题______.docx"),
        ("CON", "_CON.docx"),
        ("nul.txt", "_nul.txt.docx"),
        ("com1 ", "_com1.docx"),
        ("LPT9", "_LPT9.docx"),
        ("CONSOLE", "CONSOLE.docx"),
        ("..", "公文.docx"),
        ("", "公文.docx"),
        ("   ", "公文.docx"),
        ("\x00\x07\x1b", "公文.docx"),
        (".hidden", "hidden.docx"),
        ("报告...", "报告.docx"),
        ("a..b", "a.b.docx"),
        ("报告\n（草稿）\t", "报告 （草稿）.docx"),
        ("evil\u202egpj.docx", "evilgpj.docx.docx"),
    ],
)
def test_safe_output_name_examples(title: str, expected: str) -> None:
    assert safe_output_name(title, ".docx") == expected


def test_safe_output_name_trims_cjk_to_byte_limit_without_splitting() -> None:
    name = safe_output_name("中" * 300, ".docx")
    assert len(name.encode("utf-8")) <= 200
    assert name == "中" * 65 + ".docx"  # 65 × 3 bytes + 5 = 200
    assert safe_output_name("中" * 300, ".pdf", max_bytes=100) == "中" * 32 + ".pdf"


def test_default_name_used_for_empty_titles() -> None:
    assert safe_output_name("...", ".pdf") == DEFAULT_NAME + ".pdf"
    assert safe_output_name("\u202e\u200b", ".pdf") == DEFAULT_NAME + ".pdf"


def test_safe_output_name_rejects_bad_suffix() -> None:
    for suffix in ("docx", "./x", ".d/x", "", ".中文"):
        with pytest.raises(ValueError):
            safe_output_name("报告", suffix)


@settings(derandomize=True, max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(max_size=400))
def test_safe_output_name_is_always_a_plain_file_in_the_folder(tmp_path: Path, title: str) -> None:
    name = safe_output_name(title, ".docx")
    assert name.endswith(".docx") and len(name) > len(".docx")
    assert len(name.encode("utf-8")) <= 200
    assert "/" not in name and "\\" not in name and "\x00" not in name and ".." not in name
    assert not name.startswith((".", " "))
    assert not any(ch in name for ch in '<>:"|?*')
    assert not any(ord(ch) < 32 for ch in name)
    assert name.split(".", 1)[0].rstrip(" ").upper() not in WINDOWS_RESERVED
    target = tmp_path / name
    target.write_bytes(b"x")
    assert target.resolve().parent == tmp_path.resolve()
    target.unlink()


def test_output_path_is_inside_out_dir(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    path = output_path(out, "../../etc/passwd", ".docx")
    assert path.parent == out.resolve()
    assert path.name == "_._etc_passwd.docx"
    relative = output_path(Path(os.path.relpath(out)), "报告", ".pdf")
    assert relative == out.resolve() / "报告.pdf"


def test_output_path_refuses_symlink_leading_outside(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    outside = tmp_path / "secret.docx"
    outside.write_bytes(b"keep me")
    (out / "报告.docx").symlink_to(outside)
    with pytest.raises(UnsafeInputError) as info:
        output_path(out, "报告", ".docx")
    assert_chinese(info.value)
    assert outside.read_bytes() == b"keep me"


# ---------------------------------------------------------------- atomic writes


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "报告.docx"
    atomic_write_bytes(target, b"first")
    assert target.read_bytes() == b"first"
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    mode = target.stat().st_mode & 0o777
    assert mode & 0o044 == 0o044 or os.umask(os.umask(0)) & 0o044, "normal file permissions, not 0600"
    assert leftovers(tmp_path) == []


def test_atomic_write_failure_keeps_old_file_and_no_temp(tmp_path: Path) -> None:
    # A non-empty directory cannot be replaced by a file: a real OS refusal at rename time.
    target = tmp_path / "报告.docx"
    target.mkdir()
    (target / "inside").write_bytes(b"old")
    with pytest.raises(RenderError) as info:
        atomic_write_bytes(target, b"new")
    assert_chinese(info.value)
    assert (target / "inside").read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_atomic_write_into_missing_folder_is_render_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError):
        atomic_write_bytes(tmp_path / "missing" / "a.docx", b"x")
    assert list(tmp_path.iterdir()) == []


@contextlib.contextmanager
def interrupt_on_replace(after: int = 0):
    """Raise KeyboardInterrupt when os.replace is called for the (after+1)-th time, as Ctrl+C would."""
    calls = {"n": 0}

    def profiler(frame, event, arg):  # noqa: ARG001
        if event == "c_call" and getattr(arg, "__name__", "") == "replace" \
                and getattr(arg, "__module__", "") in ("posix", "nt"):
            calls["n"] += 1
            if calls["n"] > after:
                sys.setprofile(None)
                raise KeyboardInterrupt

    sys.setprofile(profiler)
    try:
        yield calls
    finally:
        sys.setprofile(None)


def test_atomic_write_interrupted_keeps_old_file(tmp_path: Path) -> None:
    target = tmp_path / "报告.docx"
    target.write_bytes(b"good old output")
    with pytest.raises(KeyboardInterrupt), interrupt_on_replace():
        atomic_write_bytes(target, b"half")
    assert target.read_bytes() == b"good old output"
    assert leftovers(tmp_path) == []


def test_write_all_or_nothing_writes_all(tmp_path: Path) -> None:
    docx, pdf = tmp_path / "a.docx", tmp_path / "a.pdf"
    docx.write_bytes(b"old docx")
    write_all_or_nothing({docx: b"new docx", pdf: b"new pdf"})
    assert docx.read_bytes() == b"new docx"
    assert pdf.read_bytes() == b"new pdf"
    assert leftovers(tmp_path) == []


def test_write_all_or_nothing_rename_failure_restores_first(tmp_path: Path) -> None:
    docx, pdf = tmp_path / "a.docx", tmp_path / "a.pdf"
    docx.write_bytes(b"old docx")
    pdf.mkdir()  # the second rename will fail for real
    (pdf / "x").write_bytes(b"")
    with pytest.raises(RenderError) as info:
        write_all_or_nothing({docx: b"new docx", pdf: b"new pdf"})
    assert_chinese(info.value)
    assert docx.read_bytes() == b"old docx"
    assert pdf.is_dir()
    assert leftovers(tmp_path) == []


def test_write_all_or_nothing_new_file_removed_when_second_fails(tmp_path: Path) -> None:
    docx, pdf = tmp_path / "a.docx", tmp_path / "a.pdf"
    pdf.mkdir()
    (pdf / "x").write_bytes(b"")
    with pytest.raises(RenderError):
        write_all_or_nothing({docx: b"new docx", pdf: b"new pdf"})
    assert not docx.exists()
    assert leftovers(tmp_path) == []


def test_write_all_or_nothing_first_phase_failure_changes_nothing(tmp_path: Path) -> None:
    docx = tmp_path / "a.docx"
    docx.write_bytes(b"old docx")
    with pytest.raises(RenderError):
        write_all_or_nothing({docx: b"new", tmp_path / "missing" / "a.pdf": b"new"})
    assert docx.read_bytes() == b"old docx"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("after", [0, 1])
def test_write_all_or_nothing_interrupted(tmp_path: Path, after: int) -> None:
    docx, pdf = tmp_path / "a.docx", tmp_path / "a.pdf"
    docx.write_bytes(b"old docx")
    pdf.write_bytes(b"old pdf")
    with pytest.raises(KeyboardInterrupt), interrupt_on_replace(after):
        write_all_or_nothing({docx: b"new docx", pdf: b"new pdf"})
    assert docx.read_bytes() == b"old docx"
    assert pdf.read_bytes() == b"old pdf"
    assert leftovers(tmp_path) == []


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 64 KB file system (tmpfs); skipped where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                            capture_output=True)
    if result.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_disk_full_keeps_old_outputs(tiny_disk: Path) -> None:
    docx, pdf = tiny_disk / "a.docx", tiny_disk / "a.pdf"
    docx.write_bytes(b"old docx")
    pdf.write_bytes(b"old pdf")
    big = os.urandom(200 * 1024)
    with pytest.raises(RenderError) as info:
        atomic_write_bytes(docx, big)
    assert_chinese(info.value)
    with pytest.raises(RenderError):
        write_all_or_nothing({docx: b"new docx", pdf: big})
    assert docx.read_bytes() == b"old docx"
    assert pdf.read_bytes() == b"old pdf"
    assert leftovers(tiny_disk) == []


# ---------------------------------------------------------------- clean_text


def test_clean_text_removes_only_illegal_characters() -> None:
    dirty = "甲\x00乙\x07丙\x0b\x0c\x1f\ufffe\uffff\ud800丁\t\n\r& < > \" ' 😀 שלום"
    assert clean_text(dirty) == "甲乙丙丁\t\n\r& < > \" ' 😀 שלום"
    assert illegal_characters(dirty) == ["U+0000", "U+0007", "U+000B", "U+000C", "U+001F",
                                         "U+FFFE", "U+FFFF", "U+D800"]
    assert illegal_characters("干净") == []


@settings(derandomize=True, max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec=None)))
def test_clean_text_output_is_always_valid_xml_text(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    element = etree.Element("t")
    element.text = cleaned  # lxml refuses XML-illegal text
    parsed = etree.fromstring(etree.tostring(element, encoding="utf-8"))
    assert (parsed.text or "") == cleaned
    kept = [ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20]
    kept = [ch for ch in kept if not (0xD800 <= ord(ch) <= 0xDFFF) and ch not in "\ufffe\uffff"]
    assert cleaned == "".join(kept)


# ---------------------------------------------------------------- .docx archives


def make_docx(path: Path, *, document_xml: bytes | None = None,
              extra: dict[str, bytes] | None = None) -> Path:
    """A real .docx written by python-docx, optionally with document.xml or other parts replaced."""
    import docx

    document = docx.Document()
    document.add_paragraph("正文")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return path


def test_real_docx_passes(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "ok.docx")
    check_docx_archive(path)
    check_docx(path)


@pytest.mark.parametrize("content", [b"", b"plain text, renamed", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
                                     b"PK\x03\x04truncated"])
def test_not_a_zip(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "模板.docx"
    path.write_bytes(content)
    with pytest.raises(UnsafeInputError) as info:
        check_docx_archive(path)
    assert "zip" in info.value.message
    assert info.value.location.file == str(path)
    assert_chinese(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnsafeInputError):
        check_docx_archive(tmp_path / "nope.docx")


def test_zip_without_word_parts(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("readme.txt", "hello")
    with pytest.raises(UnsafeInputError) as info:
        check_docx_archive(path)
    assert "word/document.xml" in info.value.message


def write_zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """Stream *size* zero bytes into *archive* (a highly compressible file)."""
    chunk = bytes(2**20)
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        left = size
        while left > 0:
            member.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)


def test_zip_bomb_total_size(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        write_zeros_member(archive, "word/media/zeros.bin", 256 * 2**20)
    assert path.stat().st_size < 2 * 2**20  # small on disk, 256 MB inside
    with pytest.raises(UnsafeInputError) as info:
        check_docx_archive(path)
    assert "压缩炸弹" in info.value.message
    assert_chinese(info.value)


def test_zip_bomb_ratio(tmp_path: Path) -> None:
    """Deflate cannot pass ~1030:1, so a repetitive document (docgen's own) is never refused by ratio;
    the ratio test catches a directory that claims more (here: a lower limit shows it works)."""
    path = make_docx(tmp_path / "bomb.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        write_zeros_member(archive, "word/media/zeros.bin", 20 * 2**20)
    check_docx_archive(path)  # 20 MB of zeros: the most repetitive deflate stream there is
    with pytest.raises(UnsafeInputError) as info:
        check_docx_archive(path, max_ratio=200)
    assert "压缩比" in info.value.message
    assert info.value.location.path == "word/media/zeros.bin"


def test_zip_other_compression_refused(tmp_path: Path) -> None:
    """bzip2/lzma members (Word never writes them) can expand far beyond deflate's ratio: refused."""
    path = make_docx(tmp_path / "bz.docx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(zipfile.ZipInfo("word/media/x.bin"), bytes(2**20), compress_type=zipfile.ZIP_BZIP2)
    with pytest.raises(UnsafeInputError) as info:
        check_docx_archive(path)
    assert "压缩方式" in info.value.message


def test_too_many_entries(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "many.docx", extra={f"word/x{i}.txt": b"" for i in range(5001)})
    with pytest.raises(UnsafeInputError) as info:
        check_docx_archive(path)
    assert "条目过多" in info.value.message


def test_lying_sizes_are_bounded(tmp_path: Path) -> None:
    """A member whose headers claim 1000 bytes but which inflates to 50 MB is refused, not inflated."""
    path = make_docx(tmp_path / "liar.docx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/liar.xml", bytes(50 * 2**20))
    data = bytearray(path.read_bytes())
    name = b"word/liar.xml"
    # Patch the uncompressed size in the local header (offset 22) and central directory (offset 24).
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while True:
            pos = data.find(signature, start)
            if pos < 0:
                break
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            name_len = struct.unpack_from("<H", data, pos + (26 if signature == b"PK\x03\x04" else 28))[0]
            if bytes(data[pos + name_offset: pos + name_offset + name_len]) == name:
                struct.pack_into("<I", data, pos + size_offset, 1000)
            start = pos + 4
    path.write_bytes(bytes(data))
    check_docx_archive(path)  # the central directory looks harmless
    with pytest.raises(UnsafeInputError) as info:
        check_docx(path)
    assert_chinese(info.value)


# ---------------------------------------------------------------- XML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""


def xxe(secret: Path) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE w [<!ENTITY xxe SYSTEM "file://{secret}">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>""".encode()


def test_parse_xml_accepts_plain_xml() -> None:
    root = parse_xml(b'<?xml version="1.0" encoding="UTF-8"?><a><b>\xe6\xad\xa3\xe6\x96\x87</b></a>',
                     where="x.xml")
    assert root.findtext("b") == "正文"


def test_parse_xml_refuses_billion_laughs() -> None:
    with pytest.raises(UnsafeInputError) as info:
        parse_xml(BILLION_LAUGHS, where="模板.docx:word/document.xml")
    assert "DOCTYPE" in info.value.message
    assert info.value.location.file == "模板.docx:word/document.xml"
    assert_chinese(info.value)


def test_parse_xml_refuses_external_entity(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    with pytest.raises(UnsafeInputError) as info:
        parse_xml(xxe(secret), where="x.xml")
    assert "TOP-SECRET" not in info.value.describe()


def test_parse_xml_refuses_utf16_doctype() -> None:
    doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(UnsafeInputError):
        parse_xml(doc.encode("utf-16"), where="x.xml")


def test_parser_itself_does_not_resolve_entities(tmp_path: Path) -> None:
    """Second line of defence: even if a DTD got past the pre-check, the parser resolves nothing."""
    from docgen.safety import safe_xml_parser

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    root = etree.fromstring(xxe(secret), parser=safe_xml_parser())
    assert b"TOP-SECRET" not in etree.tostring(root)


def test_parse_xml_malformed_has_line() -> None:
    with pytest.raises(UnsafeInputError) as info:
        parse_xml(b"<a>\n<b></a>", where="x.xml")
    assert info.value.location.line == 2


@pytest.mark.parametrize("kind", ["laughs", "xxe"])
def test_check_docx_refuses_hostile_document_xml(tmp_path: Path, kind: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = BILLION_LAUGHS if kind == "laughs" else xxe(secret)
    path = make_docx(tmp_path / "hostile.docx", document_xml=body)
    check_docx_archive(path)  # the archive itself is fine
    with pytest.raises(UnsafeInputError) as info:
        check_docx(path)
    assert info.value.location.file == f"{path}:word/document.xml"


# ---------------------------------------------------------------- images


def png_header(width: int, height: int) -> bytes:
    """A PNG signature, a valid IHDR chunk claiming width × height, and IEND: no pixel data at all."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def small_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_check_image_accepts_small_png() -> None:
    assert check_image(small_png(), "seal.png") == (30, 20)


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (9000, 9000)])
def test_check_image_refuses_huge_header(width: int, height: int) -> None:
    assert width * height > MAX_IMAGE_PIXELS
    with pytest.raises(UnsafeInputError) as info:
        check_image(png_header(width, height), "模板.docx:word/media/image1.png")
    assert "图片尺寸过大" in info.value.message
    assert_chinese(info.value)


def test_check_image_unknown_format_is_not_decoded() -> None:
    assert check_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg") is None


def test_check_docx_refuses_huge_image(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "img.docx", extra={"word/media/image1.png": png_header(100_000, 100_000)})
    with pytest.raises(UnsafeInputError) as info:
        check_docx(path)
    assert info.value.location.file == f"{path}:word/media/image1.png"


def test_check_docx_accepts_small_image(tmp_path: Path) -> None:
    check_docx(make_docx(tmp_path / "img.docx", extra={"word/media/image1.png": small_png()}))


# ---------------------------------------------------------------- YAML


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(["哈"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_refused_at_the_line() -> None:
    text = alias_bomb()
    with pytest.raises(UnsafeInputError) as info:
        check_yaml_limits(text, where="data/2022.yaml")
    error = info.value
    assert error.location.file == "data/2022.yaml"
    assert error.location.line == 6  # 10**5 × … crosses 200 000 on line a5
    assert error.location.column is not None
    assert "炸弹" in error.message
    assert_chinese(error)


def test_yaml_alias_small_reuse_is_fine() -> None:
    check_yaml_limits(alias_bomb(levels=3), where="x.yaml")  # 10**4 values
    assert yaml.safe_load(alias_bomb(levels=3))["a3"][0][0][0][0] == "哈"


@pytest.mark.parametrize("style", ["flow", "block"])
def test_yaml_deep_nesting_refused(style: str) -> None:
    if style == "flow":
        text = "body: " + "[" * 1000 + "x" + "]" * 1000 + "\n"
    else:
        text = "body:\n" + "".join("  " * (i + 1) + "- k:\n" for i in range(1000)) \
            + "  " * 1001 + "- end\n"
    with pytest.raises(UnsafeInputError) as info:
        check_yaml_limits(text, where="x.yaml")
    assert "嵌套过深" in info.value.message
    assert info.value.location.line is not None
    assert info.value.location.path.startswith(("body", "…"))


def test_yaml_cycle_refused() -> None:
    with pytest.raises(UnsafeInputError) as info:
        check_yaml_limits("a: &loop\n  - 1\n  - *loop\n", where="x.yaml")
    assert info.value.location.line == 3


def test_yaml_node_limit_counts_plain_size_too() -> None:
    text = "figures:\n" + "".join(f"  f{i}: {i}\n" for i in range(300))
    check_yaml_limits(text, where="x.yaml")
    with pytest.raises(UnsafeInputError):
        check_yaml_limits(text, where="x.yaml", max_nodes=500)


def test_yaml_sample_data_passes() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "data-format.md"
    sample = doc.read_text(encoding="utf-8").split("```yaml", 1)[1].split("```", 1)[0]
    check_yaml_limits(sample, where="sample.yaml")


def test_yaml_syntax_error_is_left_to_the_loader() -> None:
    check_yaml_limits("a: [1, 2\nb: }", where="x.yaml")  # no exception: load.py reports it


def test_yaml_limits_location_path() -> None:
    text = "body:\n  - heading: 甲\n    body:\n      - " + "[" * 70 + "]" * 70 + "\n"
    with pytest.raises(UnsafeInputError) as info:
        check_yaml_limits(text, where="x.yaml")
    assert info.value.location.path.startswith("body[0].body[0]")
    assert info.value.location.line == 4


# ---------------------------------------------------------------- Jinja sandbox


@pytest.mark.parametrize("tag", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ 'x' * 10000000 }}",
    "{{ [1] * 10000000 }}",
    "{{ 10 ** 100000 }}",
])
def test_bounded_sandbox_refuses(tag: str) -> None:
    from jinja2.exceptions import SecurityError, UndefinedError

    from docgen.safety import BoundedSandbox

    # lipsum is not offered at all any more (round two): undefined rather than refused
    with pytest.raises(UndefinedError if "lipsum" in tag else SecurityError):
        BoundedSandbox().from_string(tag).render()


def test_bounded_sandbox_allows_ordinary_templates() -> None:
    from docgen.safety import BoundedSandbox

    env = BoundedSandbox()
    text = env.from_string("{{ x }}|{{ '一' * 3 }}|{{ 2 ** 10 }}|{% for i in range(3) %}{{ i }}{% endfor %}")
    assert text.render(x="<w:p>&") == "&lt;w:p&gt;&amp;|一一一|1024|012"


# ---------------------------------------------------------------- round two: confined, bounded reads

from docgen import limits  # noqa: E402
from docgen.errors import DataError, DocgenError  # noqa: E402
from docgen.inputs import check_regular, confine, read_bounded  # noqa: E402


def test_confine_allows_the_data_tree_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "sub" / "表.csv").write_text("x", encoding="utf-8")
    (tmp_path / "outside.csv").write_text("secret", encoding="utf-8")
    assert confine("sub/表.csv", data, field="from") == (data / "sub" / "表.csv").resolve()
    assert confine("sub/../sub/表.csv", data, field="from") == (data / "sub" / "表.csv").resolve()
    for name in ("/etc/passwd", "../outside.csv", "sub/../../outside.csv", "~/x", "a" * 300):
        with pytest.raises(DocgenError) as info:
            confine(name, data, field="from")
        assert "from" in info.value.describe() and info.value.fix
        assert "secret" not in info.value.describe()
    os.symlink(tmp_path / "outside.csv", data / "link.csv")
    with pytest.raises(UnsafeInputError) as info:
        confine("link.csv", data, field="from")
    assert "符号链接" in info.value.message
    os.symlink(data / "sub" / "表.csv", data / "inner.csv")  # a link that stays inside is fine
    assert confine("inner.csv", data, field="from") == (data / "sub" / "表.csv").resolve()
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.docx").write_bytes(b"x")
    os.symlink(templates / "t.docx", data / "t.docx")
    assert confine("t.docx", data, field="template", roots=[templates]) == (templates / "t.docx").resolve()


def test_read_bounded_refuses_special_files_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    for path, word in ((fifo, "管道"), (Path("/dev/zero"), "设备"), (tmp_path, "文件夹")):
        with pytest.raises(DocgenError) as info:
            read_bounded(path, "data")
        assert word in info.value.message and info.value.fix
    with pytest.raises(DataError):
        read_bounded(tmp_path / "missing.yaml", "data")


def test_read_bounded_checks_the_size_before_reading(tmp_path: Path) -> None:
    sparse = tmp_path / "big.png"
    with open(sparse, "wb") as handle:
        handle.truncate(limits.MAX_IMAGE_BYTES + 1)
    with pytest.raises(UnsafeInputError) as info:
        check_regular(sparse, "image")
    assert "过大" in info.value.message
    small = tmp_path / "small.yaml"
    small.write_bytes(b"meta: {}\n")
    assert read_bounded(small, "data") == b"meta: {}\n"


def test_check_docx_judges_parts_by_content_type_not_name(tmp_path: Path) -> None:
    """An XML part hidden under a .bin name (declared as XML by [Content_Types].xml) is still parsed."""
    bad = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    path = make_docx(tmp_path / "hidden.docx", extra={"word/custom.bin": bad})
    with zipfile.ZipFile(path) as src:
        types = src.read("[Content_Types].xml").replace(
            b"</Types>", b'<Override PartName="/word/custom.bin" ContentType="application/xml"/></Types>')
        parts = {i.filename: src.read(i) for i in src.infolist()}
    parts["[Content_Types].xml"] = types
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    with pytest.raises(UnsafeInputError) as info:
        check_docx(path)
    assert "custom.bin" in str(info.value.location.file)
    # and a picture stored under an odd name is still measured
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    path2 = make_docx(tmp_path / "pic.docx", extra={"word/media/image1.dat": png})
    with pytest.raises(UnsafeInputError):
        check_docx(path2)


def test_a_long_repetitive_docgen_document_is_not_a_zip_bomb(tmp_path: Path) -> None:
    """docgen's own output is never refused: 5000 identical paragraphs compress about 190:1."""
    from docgen.build import build

    text = "正文段落，内容完全相同，重复很多次。" * 3
    data = tmp_path / "long.yaml"
    data.write_text(yaml.safe_dump({"template": "report", "meta": {"title": "很长的报告", "issuer": "测试县人民政府",
                                                                   "year": 2022, "date": "2023-03-13"},
                                    "body": [text] * 5000}, allow_unicode=True), encoding="utf-8")
    result = build(data, out_dir=tmp_path / "out", pdf=False)
    with zipfile.ZipFile(result.docx) as archive:
        info = archive.getinfo("word/document.xml")
    assert info.file_size > 150 * info.compress_size and info.file_size > 2**20
    with pytest.raises(UnsafeInputError):  # a ratio limit near the first round's 200:1 refused such files
        check_docx_archive(result.docx, max_ratio=150)
    check_docx(result.docx)  # today's limit sits above what deflate can reach


def test_output_names_never_start_with_owner_file_prefix_and_pairs_share_a_stem(tmp_path: Path) -> None:
    assert safe_output_name("~$报告", ".docx") == "报告.docx"
    assert safe_output_name("~$~$", ".docx") == "公文.docx"
    title = "关于" + "很长的标题" * 40
    docx, pdf = output_path(tmp_path, title, ".docx"), output_path(tmp_path, title, ".pdf")
    assert docx.stem == pdf.stem and len(docx.name.encode()) <= 200
    with pytest.raises(RenderError):
        (tmp_path / "file").write_text("x")
        output_path(tmp_path / "file", "标题", ".docx")
