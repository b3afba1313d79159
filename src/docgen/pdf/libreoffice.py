"""LibreOffice as a second PDF engine: a rendered .docx -> PDF/A-2 bytes.

Takes the path of a .docx; returns the PDF bytes LibreOffice exports
(``soffice --headless --convert-to pdf`` with PDF/A-2 selected).  Each call
uses a private LibreOffice profile in a temporary folder, so conversions may
run in parallel, and a generated fontconfig file that maps the official font
names (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体, 宋体 and their English
names) to the families :mod:`docgen.pdf.fonts` resolves, so both engines draw
with the same fonts.  LibreOffice converts a corrected copy of the .docx
(:func:`write_lo_copy`: it reads ``w:overflowPunct`` inverted).  Failures are :class:`~docgen.errors.RenderError` in
Chinese.

Hardening (see docs/security.md): the copy LibreOffice converts has every
external relationship removed except hyperlinks (linked pictures, attached
templates, linked OLE objects, frames, external data), and a document whose
fields would fetch content (``INCLUDEPICTURE``, ``INCLUDETEXT``, ``LINK``,
``DDE``, ``DDEAUTO``, ``IMPORT``) is refused.  LibreOffice then runs in a
new, empty network namespace (``unshare -n``: no interface but a down
loopback) when the system allows it; otherwise with proxy variables
removed, which does not stop a direct connection — the refusal and the
stripping above are then the only defence.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from ..errors import Location, RenderError, UnsafeInputError
from ..safety import check_docx_archive, parse_xml
from .fonts import FontRegistry, cache_dir, get_registry, official_aliases

__all__ = ["PDF_EXPORT_FILTER", "available", "convert", "find_soffice", "fontconfig_xml",
           "write_lo_copy"]

INSTALL_HINT = "sudo apt-get install libreoffice-writer-nogui"

#: writer_pdf_Export options: PDF/A-2 (LibreOffice >= 7.4 reads JSON filter options).
PDF_EXPORT_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {"SelectPdfVersion": {"type": "long", "value": "2"}}, separators=(",", ":"))

_CANDIDATES = (
    "soffice",
    "libreoffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
)


def find_soffice() -> Path | None:
    """The LibreOffice executable (``$DOCGEN_SOFFICE`` first), or None."""
    override = os.environ.get("DOCGEN_SOFFICE")
    for name in ((override,) if override else ()) + _CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def available() -> bool:
    """True if LibreOffice can be run here."""
    return find_soffice() is not None


def _alias_targets(registry: FontRegistry) -> dict[str, str]:
    """Official name -> family the registry resolves it to (converting fonts as needed)."""
    targets: dict[str, str] = {}
    for name in official_aliases():
        font = registry.get(name)  # get(): CFF substitutes are converted into the cache
        targets[name] = font.family
    return targets


def _font_dirs(registry: FontRegistry) -> list[Path]:
    """Folders fontconfig must scan: the conversion cache and folders of TrueType files used.

    Folders holding only CFF originals are left out, so LibreOffice sees the
    converted TrueType copy (the same face reportlab embeds), not the original.
    """
    dirs: list[Path] = [registry.cache]
    for name in official_aliases():
        font = registry.resolve(name)
        if font.embedded_path is not None and font.embedded_path.parent not in dirs:
            dirs.append(font.embedded_path.parent)
    return dirs


def fontconfig_xml(aliases: dict[str, str], font_dirs: Iterable[Path], cache: Path) -> str:
    """A fontconfig file: the system configuration plus *font_dirs* and strong aliases."""
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    ]
    lines += [f"  <dir>{escape(str(d))}</dir>" for d in font_dirs]
    lines.append(f"  <cachedir>{escape(str(cache))}</cachedir>")
    for name, family in sorted(aliases.items()):
        if name.casefold() == family.casefold():
            continue
        lines += [
            '  <match target="pattern">',
            f'    <test name="family" qual="any" ignore-blanks="true"><string>{escape(name)}</string></test>',
            f'    <edit name="family" mode="prepend" binding="strong"><string>{escape(family)}</string></edit>',
            "  </match>",
        ]
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_FETCHING_FIELDS = re.compile(rb"\b(INCLUDEPICTURE|INCLUDETEXT|LINK|DDEAUTO|DDE|IMPORT)\b")


def _strip_external(data: bytes, where: str) -> bytes:
    """A .rels part without its external relationships (hyperlinks kept: LibreOffice never fetches them)."""
    root = parse_xml(data, where=where)
    removed = False
    for rel in list(root.iter(_REL)):
        if (rel.get("TargetMode") or "").lower() == "external" and rel.get("Type") != _HYPERLINK:
            rel.getparent().remove(rel)
            removed = True
    if not removed:
        return data
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _refuse_fetching_fields(data: bytes, where: str, docx: Path) -> None:
    """Refuse a part whose field codes would make LibreOffice load content from elsewhere."""
    if b"instrText" not in data and b"fldSimple" not in data:
        return
    root = parse_xml(data, where=where)
    codes = [el.text or "" for el in root.iter(f"{{{_W}}}instrText")]
    codes += [el.get(f"{{{_W}}}instr") or "" for el in root.iter(f"{{{_W}}}fldSimple")]
    for code in codes:
        match = _FETCHING_FIELDS.search(code.upper().encode("utf-8", "replace"))
        if match:
            raise UnsafeInputError(
                f"文档中有 {match[1].decode()} 域，会让 LibreOffice 从别处读取内容，已拒绝转换",
                location=Location(file=str(docx), path=where.rsplit(":", 1)[-1]),
                fix="在 Word/WPS 中选中该域，按 Ctrl+Shift+F9 转为普通内容后另存；或改用内置排版（不加 --pdf-engine libreoffice）")
_FLIP = {"0": "1", "false": "1", "off": "1", "1": "0", "true": "0", "on": "0"}


def _flip_overflow_punct(data: bytes, where: str) -> bytes:
    """Invert every explicit ``w:overflowPunct`` in one XML part (see :func:`write_lo_copy`)."""
    root = parse_xml(data, where=where)
    changed = False
    for el in root.iter(f"{{{_W}}}overflowPunct"):
        val = (el.get(f"{{{_W}}}val") or "1").strip().lower()
        el.set(f"{{{_W}}}val", _FLIP.get(val, "0"))
        changed = True
    if not changed:
        return data
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_lo_copy(docx: Path, target: Path) -> None:
    """Copy *docx* for LibreOffice: external links removed, fetching fields refused, and
    what LibreOffice reads wrongly corrected.

    LibreOffice (7.4 and later, writerfilter ``DomainMapper``) imports
    ``w:overflowPunct`` inverted: ``ParaIsHangingPunctuation = (val == 0)``,
    so a template that forbids hanging punctuation for Word
    (``w:overflowPunct w:val="0"``) makes LibreOffice hang it, and the
    reverse.  The copy carries the inverted value so that LibreOffice lays
    the document out as Word does (absent = hanging allowed is read right
    and left alone).  ``tests/test_libreoffice.py`` checks the effect on a
    real conversion, so a LibreOffice that fixes the import is noticed.
    """
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            where = f"{docx}:{info.filename}"
            if info.filename.lower().endswith(".rels") and b"xternal" in data:
                data = _strip_external(data, where)
            elif info.filename.lower().endswith(".xml"):
                _refuse_fetching_fields(data, where, docx)
                if b"overflowPunct" in data:
                    data = _flip_overflow_punct(data, where)
            dst.writestr(info, data)


_PROXY_VARIABLES = ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy")


@functools.lru_cache(maxsize=1)
def network_isolation() -> tuple[str, ...]:
    """The command prefix that runs a program without network (``unshare -n``), or () if unavailable."""
    unshare = shutil.which("unshare")
    if unshare is None or os.environ.get("DOCGEN_LO_NETWORK") == "1":
        return ()
    for prefix in ((unshare, "-n"), (unshare, "-rn")):
        try:
            done = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return prefix
    return ()


def _scrubbed_env(tmp: Path, fc_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in _PROXY_VARIABLES and not k.upper().startswith(("DOCGEN_COMMIT",))}
    env.update(FONTCONFIG_FILE=str(fc_file), SAL_USE_VCLPLUGIN="svp", HOME=str(tmp))
    # no proxy: without a network namespace LibreOffice could still connect directly
    env.update(http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9", no_proxy="")
    return env


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.kill()
    proc.wait()


def convert(docx: Path, *, timeout: float = 120, registry: FontRegistry | None = None) -> bytes:
    """Export *docx* to PDF/A-2 with LibreOffice and return the PDF bytes.

    Raises RenderError when LibreOffice is not installed, the file is
    missing, the conversion fails, or it takes longer than *timeout* seconds;
    UnsafeInputError when the file is not a sound .docx (checked first,
    because LibreOffice would convert any file as plain text).
    """
    docx = Path(docx)
    soffice = find_soffice()
    if soffice is None:
        raise RenderError(
            "没有找到 LibreOffice，无法用 LibreOffice 生成 PDF",
            fix=f"安装 LibreOffice：{INSTALL_HINT}；或改用内置排版（不加 --pdf-engine libreoffice）",
        )
    if not docx.is_file():
        raise RenderError(f"找不到要转换的文件 {docx}", location=Location(file=str(docx)),
                          fix="先生成 .docx 文件，再转换为 PDF")
    check_docx_archive(docx)  # LibreOffice would happily "convert" a non-docx as plain text
    reg = registry or get_registry()
    aliases = _alias_targets(reg)
    fc_cache = cache_dir().parent / "fontconfig"
    with tempfile.TemporaryDirectory(prefix="docgen-lo-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "input.docx"  # ASCII name: no quoting problems, no clash with the user's
        write_lo_copy(docx, source)
        fc_cache.mkdir(parents=True, exist_ok=True)
        fc_file = tmp / "fonts.conf"
        fc_file.write_text(fontconfig_xml(aliases, _font_dirs(reg), fc_cache), encoding="utf-8")
        env = _scrubbed_env(tmp, fc_file)
        cmd = [
            *network_isolation(), str(soffice), f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", PDF_EXPORT_FILTER, "--outdir", str(tmp / "out"), str(source),
        ]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=env, cwd=tmp, start_new_session=True)
        except OSError as exc:
            raise RenderError(f"无法启动 LibreOffice（{soffice}）：{exc}",
                              fix=f"检查 LibreOffice 是否安装完整：{INSTALL_HINT}") from exc
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise RenderError(
                f"LibreOffice 转换 {docx.name} 超过 {timeout:g} 秒仍未完成，已停止",
                location=Location(file=str(docx)),
                fix="检查文件是否过大或含有异常内容；可稍后重试，或改用内置排版",
            ) from None
        except BaseException:
            _kill_group(proc)
            raise
        pdf = tmp / "out" / "input.pdf"
        data = pdf.read_bytes() if pdf.is_file() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            detail = (err or out).decode("utf-8", "replace").strip().splitlines()
            tail = "；".join(line for line in detail[-3:] if "javaldx" not in line)
            raise RenderError(
                f"LibreOffice 未能把 {docx.name} 转换为 PDF（退出码 {proc.returncode}）"
                + (f"：{tail}" if tail else ""),
                location=Location(file=str(docx)),
                fix="确认该 .docx 能用 Word 或 WPS 正常打开；可改用内置排版",
            )
    return data
