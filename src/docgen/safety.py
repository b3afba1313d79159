"""Safety net for untrusted input and for the files docgen writes.

Templates are edited by many hands and data is pasted from everywhere, so
every stage that touches a user's file goes through the helpers here:

* output names and paths: :func:`safe_output_name`, :func:`output_path`;
* atomic writes: :func:`atomic_write_bytes`, :func:`write_all_or_nothing`
  (an error or an interruption never leaves a half-written file and never
  destroys the previous good output);
* text for XML: :func:`clean_text` (drops XML 1.0-illegal characters);
* hostile files: :func:`check_docx_archive` (not a zip, zip bombs),
  :func:`safe_xml_parser` / :func:`parse_xml` (no DTDs, no entities, no
  network), :func:`check_image` (huge pixel counts, read from the header
  only), :func:`check_docx` (all of the above for one .docx), and
  :func:`check_yaml_limits` (alias bombs and deep nesting, measured on the
  event stream without expanding anything).

Every refusal is an :class:`~docgen.errors.UnsafeInputError` with a Chinese
message, the file it concerns and a fix.  Only :func:`atomic_write_bytes` and
:func:`write_all_or_nothing` raise :class:`~docgen.errors.RenderError`, when
the operating system refuses a write.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import yaml
from lxml import etree

from docgen import limits
from docgen.commit import commit_files, recover, write_error
from docgen.errors import DocgenError, Location, RenderError, UnsafeInputError
from docgen.inputs import check_regular, confine, read_bounded
from docgen.sandbox import BoundedSandbox, BudgetExceeded, ExpressionError

__all__ = [
    "BudgetExceeded",
    "ExpressionError",
    "check_regular",
    "confine",
    "read_bounded",
    "recover",
    "write_error",
    "DEFAULT_NAME",
    "MAX_IMAGE_PIXELS",
    "MAX_TEMPLATE_SEQUENCE",
    "BoundedSandbox",
    "atomic_write_bytes",
    "check_docx",
    "check_docx_archive",
    "check_image",
    "check_yaml_limits",
    "clean_text",
    "illegal_characters",
    "output_path",
    "parse_xml",
    "safe_output_name",
    "safe_xml_parser",
    "write_all_or_nothing",
]

# --------------------------------------------------------------------------
# Text for XML
# --------------------------------------------------------------------------

#: Characters that XML 1.0 forbids: C0 controls except TAB/LF/CR, lone
#: surrogates, and the non-characters U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Return *text* without the characters XML 1.0 cannot contain.

    Removes C0 control characters other than ``\\t``, ``\\n`` and ``\\r``,
    lone surrogates (which cannot even be encoded as UTF-8) and U+FFFE/U+FFFF.
    Everything else, including CJK, emoji, right-to-left text and the markup
    characters ``& < > " '``, is kept unchanged: escaping is the renderer's job.
    """
    return _XML_ILLEGAL.sub("", text)


def illegal_characters(text: str) -> list[str]:
    """The distinct XML-illegal characters in *text*, as ``U+XXXX`` strings, in order of first use.

    For warnings such as "已删除不可见的控制字符 U+0007".
    """
    seen: dict[str, None] = {}
    for match in _XML_ILLEGAL.finditer(text):
        seen.setdefault(f"U+{ord(match.group()):04X}", None)
    return list(seen)


# --------------------------------------------------------------------------
# Output file names
# --------------------------------------------------------------------------

DEFAULT_NAME = "公文"

# Path separators, NUL, and the characters Windows forbids in file names.
_FORBIDDEN_IN_NAME = re.compile(r'[/\\<>:"|?*]')
# Unicode controls (Cc) and format characters that can disguise a name
# (bidirectional overrides and isolates, zero-width characters, BOM).
_INVISIBLE = re.compile("[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


def _is_windows_reserved(stem: str) -> bool:
    """True for CON, nul.txt, "com1 " …: Windows maps these to devices whatever follows the first dot."""
    base = stem.split(".", 1)[0].rstrip(" ")
    return base.upper() in _WINDOWS_RESERVED


def _truncate_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of *text* whose UTF-8 encoding fits in *max_bytes*."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", errors="ignore")


def safe_output_name(title: str, suffix: str, *, max_bytes: int = 200) -> str:
    """A file name made from a document *title*, safe on Linux, macOS and Windows.

    The title is NFC-normalised; path separators, NUL, ``< > : " | ? *``
    become ``_``; control and invisible formatting characters are removed;
    whitespace runs become one space; runs of dots become one dot; leading
    and trailing dots and spaces are stripped; a Windows device name (``CON``,
    ``nul.txt``, ``COM1`` …) gets a ``_`` prefixed.  The result, *suffix*
    included, is at most *max_bytes* bytes of UTF-8 and never cuts a character
    in half.  An empty result becomes ``"公文"``.

    *suffix* must look like ``".docx"`` (a dot and 1–10 ASCII letters or digits);
    anything else is a programming error (``ValueError``).
    """
    if not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"invalid file suffix {suffix!r}")
    budget = max_bytes - len(suffix)
    if budget < len(DEFAULT_NAME.encode("utf-8")):
        raise ValueError(f"max_bytes={max_bytes} leaves no room for a name")

    name = unicodedata.normalize("NFC", clean_text(title))
    name = re.sub(r"\s+", " ", name)
    name = _FORBIDDEN_IN_NAME.sub("_", name)
    name = _INVISIBLE.sub("", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = name.strip(" .")
    while name.startswith("~$"):  # Word's owner-file prefix: such files are hidden and deleted
        name = name[2:].lstrip(" .")
    name = _truncate_utf8(name, budget).rstrip(" .")
    if _is_windows_reserved(name):
        name = "_" + _truncate_utf8(name, budget - 1).rstrip(" .")
    if not name:
        name = DEFAULT_NAME
    return name + suffix


#: Every output of one document gets the stem cut to this suffix's budget, so they share it.
_LONGEST_SUFFIX = ".docx"


def output_stem(title: str) -> str:
    """The file stem every output of the document named *title* shares."""
    return safe_output_name(title, _LONGEST_SUFFIX).removesuffix(_LONGEST_SUFFIX)


def output_path(out_dir: Path, title: str, suffix: str) -> Path:
    """The path for the output named after *title* in *out_dir*.

    The name is :func:`output_stem` plus *suffix* (so a document's .docx and
    .pdf always share a stem); the returned path is
    absolute, its parent is ``out_dir`` resolved, and if something already at
    that place (a symbolic link) would lead outside ``out_dir``,
    :class:`UnsafeInputError` is raised instead.
    """
    base = Path(out_dir).resolve()
    if len(suffix) > len(_LONGEST_SUFFIX):
        raise ValueError(f"suffix {suffix!r} longer than {_LONGEST_SUFFIX!r}")
    name = safe_output_name(output_stem(title), suffix)
    if base.exists() and not base.is_dir():
        raise RenderError(f"输出位置“{out_dir}”是一个文件，不是文件夹，没有写入任何文件",
                          location=Location(file=str(out_dir)),
                          fix="用 --out 指定一个文件夹（不存在时会自动创建），或删除/改名这个同名文件")
    candidate = base / name
    real = candidate.resolve()
    if candidate.parent != base or real.parent != base or real.name in ("", ".", ".."):
        raise UnsafeInputError(
            f"输出文件“{name}”会写到输出文件夹之外，已拒绝写入",
            location=Location(file=str(candidate)),
            fix=f"删除输出文件夹中指向别处的同名链接“{name}”，或用 --out 换一个输出文件夹",
        )
    return candidate


# --------------------------------------------------------------------------
# Atomic writes
# --------------------------------------------------------------------------

def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace *path* with *data* in one step (:func:`docgen.commit.commit_files` for one file).

    On any error or interruption *path* is left as it was and no temporary
    file remains.  Operating-system refusals become :class:`RenderError`.
    """
    commit_files({Path(path): data})


def write_all_or_nothing(files: Mapping[Path, bytes]) -> None:
    """Write several outputs (such as a .docx and its .pdf) so that either all change or none.

    The journal protocol of :mod:`docgen.commit`: survives errors, Ctrl+C and
    SIGTERM in this process, and — with :func:`docgen.commit.recover` run by
    the next build — SIGKILL.  Outputs in several folders are committed one
    folder at a time.  Operating-system refusals become :class:`RenderError`.
    """
    by_folder: dict[Path, dict[Path, bytes]] = {}
    for path, data in files.items():
        by_folder.setdefault(Path(path).parent, {})[Path(path)] = data
    for folder in by_folder:
        if not folder.is_dir():
            first = next(iter(by_folder[folder]))
            raise write_error(first, FileNotFoundError(2, "输出文件夹不存在"))
    for group in by_folder.values():
        commit_files(group)


# --------------------------------------------------------------------------
# .docx archives
# --------------------------------------------------------------------------

_REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
# The ratio test only applies to parts big enough to matter: a 50 KB
# run of identical XML compresses very well and is harmless.
_RATIO_MIN_SIZE = 1 * 2**20


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def _unsafe(message: str, where: str | Path, fix: str, *, line: int | None = None,
            column: int | None = None, path: str | None = None) -> UnsafeInputError:
    return UnsafeInputError(
        message, location=Location(file=str(where), line=line, column=column, path=path), fix=fix
    )


_FIX_RESAVE = "用 Word 或 WPS 打开原文件，另存为“Word 文档（*.docx）”后再试；若来源不明，请勿使用该文件"


def check_docx_archive(path: Path, *, max_total_uncompressed: int = limits.MAX_DOCX_UNCOMPRESSED,
                       max_entries: int = limits.MAX_DOCX_ENTRIES,
                       max_ratio: int = limits.MAX_DOCX_RATIO) -> None:
    """Refuse a .docx that is not a zip, lacks the Word parts, or looks like a zip bomb.

    Only the zip's central directory is read; nothing is decompressed.  The
    declared sizes can be trusted as upper bounds because Python's zipfile
    (used by python-docx and docxtpl) never returns more bytes than declared.
    Raises :class:`UnsafeInputError` naming the file.
    """
    path = Path(path)
    try:
        size = check_regular(path, "docx")  # a FIFO or device is refused before zipfile opens it
    except DocgenError as exc:
        raise _unsafe(exc.message, path, exc.fix or "检查文件名和路径是否正确、文件是否存在") from exc
    if size > max_total_uncompressed:
        raise _unsafe(f"文件过大（{_mib(size)}，上限 {_mib(max_total_uncompressed)}）", path,
                      "压缩文档中的图片（Word：文件→压缩图片）后再试")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError, UnicodeError) as exc:
        raise _unsafe("不是有效的 .docx 文件（文件不是 zip 格式，可能是旧版 .doc、改了扩展名或已损坏）",
                      path, _FIX_RESAVE) from exc
    if len(infos) > max_entries:
        raise _unsafe(f"文件内部条目过多（{len(infos)} 个，上限 {max_entries} 个），疑似恶意构造",
                      path, _FIX_RESAVE)
    names = {info.filename for info in infos}
    missing = [part for part in _REQUIRED_PARTS if part not in names]
    if missing:
        raise _unsafe(f"不是有效的 Word 文档：缺少 {'、'.join(missing)}", path, _FIX_RESAVE)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _unsafe(f"文件内部条目 {info.filename} 已加密，无法读取", path,
                          "去掉文档密码（Word：文件→信息→保护文档）后另存再试")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _unsafe(f"文件内部条目 {info.filename} 使用了 Word 不用的压缩方式，无法读取", path,
                          _FIX_RESAVE, path=info.filename)
        total += info.file_size
        if total > max_total_uncompressed:
            raise _unsafe(f"文件解压后过大（超过 {_mib(max_total_uncompressed)}），疑似“压缩炸弹”",
                          path, _FIX_RESAVE, path=info.filename)
        if info.file_size >= _RATIO_MIN_SIZE and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _unsafe(f"文件内部条目压缩比异常（约 {ratio} 倍，上限 {max_ratio} 倍），疑似“压缩炸弹”",
                          path, _FIX_RESAVE, path=info.filename)


# --------------------------------------------------------------------------
# XML
# --------------------------------------------------------------------------

_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def safe_xml_parser() -> etree.XMLParser:
    """A new lxml parser that resolves no entities, loads no DTD, uses no network, and keeps libxml2's size limits.

    A new parser per call: lxml parsers must not be shared between threads.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(data: bytes, *, where: str) -> etree._Element:
    """Parse one XML part of an untrusted file with :func:`safe_xml_parser`.

    Documents with a DOCTYPE or entity declarations are refused before
    parsing (Office never writes them; they are how "billion laughs" and
    external-entity attacks work).  Malformed XML is refused too.  *where*
    names the part for the message, e.g. ``"模板.docx:word/document.xml"``.
    """
    if any(marker in data for marker in _DTD_MARKERS):
        raise _unsafe("XML 中含有 DOCTYPE/实体声明（可能用于读取本机文件或耗尽内存），已拒绝处理", where,
                      "Word/WPS 保存的文档不会包含这些内容：请用 Word 或 WPS 重新另存该文件；若来源不明，请勿使用")
    try:
        root = etree.fromstring(data, parser=safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        line, column = (exc.position if exc.position else (None, None))
        raise _unsafe(f"XML 格式错误，文件可能已损坏（{exc.msg}）", where, _FIX_RESAVE,
                      line=line, column=column) from exc
    if root is None:
        raise _unsafe("XML 内容为空，文件可能已损坏", where, _FIX_RESAVE)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise _unsafe("XML 中含有 DOCTYPE 声明，已拒绝处理", where, _FIX_RESAVE)
    return root


# --------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------

#: The largest image docgen accepts, in pixels (64 megapixels: a 600 dpi A3 scan is 70 % of it).
MAX_IMAGE_PIXELS: int = limits.MAX_IMAGE_PIXELS


def check_image(data: bytes | BinaryIO, where: str) -> tuple[int, int] | None:
    """Refuse an image whose header declares more than :data:`MAX_IMAGE_PIXELS` pixels.

    Only the header is read (Pillow opens lazily); no pixel is decoded.
    Returns ``(width, height)``, or None for a format Pillow does not know
    (SVG, for example) — such an image is not decoded by docgen either.
    """
    from PIL import Image, UnidentifiedImageError

    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        with Image.open(stream) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise _unsafe(f"图片尺寸过大（{exc}），可能耗尽内存", where, _fix_image()) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None
    if width * height > MAX_IMAGE_PIXELS:
        raise _unsafe(
            f"图片尺寸过大（{width}×{height} 像素，上限 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素），可能耗尽内存",
            where, _fix_image(),
        )
    return width, height


def _fix_image() -> str:
    return "在 Word/WPS 中选中该图片，用“压缩图片”降低分辨率，或换用较小的图片后重新保存"


_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_XML_TYPES = ("application/xml", "text/xml")


def part_content_types(archive: zipfile.ZipFile, where: str) -> dict[str, str]:
    """Part name (as in the zip) → content type, from ``[Content_Types].xml`` (Override, then Default)."""
    root = parse_xml(archive.read("[Content_Types].xml"), where=f"{where}:[Content_Types].xml")
    defaults = {el.get("Extension", "").lower(): el.get("ContentType", "")
                for el in root.iter(f"{_CT}Default")}
    overrides = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
                 for el in root.iter(f"{_CT}Override")}
    types: dict[str, str] = {}
    for name in archive.namelist():
        extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        types[name] = overrides.get(name) or defaults.get(extension, "")
    return types


def _is_xml_part(name: str, content_type: str, head: bytes) -> bool:
    return (content_type.endswith("+xml") or content_type in _XML_TYPES
            or name.lower().endswith((".xml", ".rels"))
            or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"))


def check_docx(path: Path, **archive_limits: int) -> None:
    """Everything docgen checks before opening an untrusted .docx.

    :func:`check_docx_archive`; then each part is judged by its content type
    (``[Content_Types].xml``) and its first bytes, not by its file name:
    every XML part (``…+xml``, ``application/xml``, a ``.xml``/``.rels`` name,
    or content starting with ``<``) goes through :func:`parse_xml`, and every
    other part through :func:`check_image` (which reads only an image header
    and ignores what is not an image).  Reading parts is bounded by the sizes
    the archive check accepted.
    """
    path = Path(path)
    check_docx_archive(path, **archive_limits)
    try:
        with zipfile.ZipFile(path) as archive:
            types = part_content_types(archive, str(path))
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = info.filename
                where = f"{path}:{name}"
                with archive.open(info) as member:
                    head = member.read(64)
                if _is_xml_part(name, types.get(name, ""), head):
                    parse_xml(archive.read(info), where=where)
                else:
                    with archive.open(info) as member:
                        check_image(member, where)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
            UnicodeError) as exc:
        raise _unsafe("文件已损坏，无法读取其中的内容", path, _FIX_RESAVE) from exc


# --------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------


@dataclass
class _Frame:
    """One open collection while walking YAML events."""

    anchor: str | None
    segment: str
    is_mapping: bool
    size: int = 1
    index: int = 0            # items seen (sequence) or nodes seen (mapping: keys and values)
    last_key: str = field(default="")

    def child_segment(self) -> str:
        if self.is_mapping:
            return f".{self.last_key}" if self.index % 2 else ""
        return f"[{self.index}]"


def _yaml_events(text: str) -> Iterator[yaml.Event]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.parse(text, Loader=loader)


def check_yaml_limits(text: str, *, where: str, max_nodes: int = limits.MAX_YAML_NODES,
                      max_depth: int = limits.MAX_YAML_DEPTH) -> None:
    """Refuse YAML whose alias-expanded size or nesting depth is too large.

    Walks the parser's event stream (nothing is composed or constructed):
    every scalar counts 1, every collection 1 plus its contents, and an alias
    counts as the whole size of its anchor's subtree — so a "billion laughs"
    document is measured in arithmetic, never expanded.  An alias to a
    collection that is still open (a cycle) is refused too.  Raises
    :class:`UnsafeInputError` with the line and column where a limit was
    crossed.  YAML syntax errors are left for the loader to report.
    """
    stack: list[_Frame] = []
    anchors: dict[str, int] = {}
    open_anchors: set[str] = set()
    total = 0

    def path() -> str | None:
        full = "".join(frame.segment for frame in stack).lstrip(".")
        return (full if len(full) <= 80 else f"{full[:40]}…{full[-39:]}") or None

    def refuse(message: str, fix: str, event: yaml.Event) -> UnsafeInputError:
        mark = event.start_mark
        return _unsafe(message, where, fix, line=mark.line + 1, column=mark.column + 1, path=path())

    def add(size: int, event: yaml.Event) -> None:
        nonlocal total
        total += size
        if stack:
            stack[-1].size += size
        if total > max_nodes:
            raise refuse(
                f"数据展开后过大（超过 {max_nodes} 个值），可能是别名（*引用）嵌套构成的“YAML 炸弹”",
                "减少 & 锚点和 * 别名的嵌套使用，把重复内容直接写出来", event)

    def advance(event: yaml.Event, key: str | None = None) -> str:
        """Record one node in the enclosing collection and return its path segment."""
        if not stack:
            return ""
        frame = stack[-1]
        segment = frame.child_segment()
        if frame.is_mapping and frame.index % 2 == 0:
            frame.last_key = key if key is not None else "?"
        frame.index += 1
        return segment

    try:
        for event in _yaml_events(text):
            if isinstance(event, yaml.ScalarEvent):
                advance(event, event.value)
                add(1, event)
                if event.anchor:
                    anchors[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                advance(event)
                if event.anchor in open_anchors:
                    raise refuse(f"数据中有循环引用（别名 *{event.anchor} 指向包含它自身的内容）",
                                 f"删除别名 *{event.anchor}，把内容直接写出来", event)
                add(anchors.get(event.anchor, 1), event)
            elif isinstance(event, yaml.CollectionStartEvent):
                segment = advance(event)
                add(1, event)  # the collection itself, counted in its parent
                stack.append(_Frame(event.anchor, segment, isinstance(event, yaml.MappingStartEvent),
                                    size=0))
                if event.anchor:
                    open_anchors.add(event.anchor)
                if len(stack) > max_depth:
                    raise refuse(f"数据嵌套过深（超过 {max_depth} 层）",
                                 "检查缩进或方括号、花括号是否配对；正文标题最多嵌套四层", event)
            elif isinstance(event, yaml.CollectionEndEvent):
                frame = stack.pop()
                if frame.anchor:
                    open_anchors.discard(frame.anchor)
                    anchors[frame.anchor] = frame.size + 1
                if stack:
                    stack[-1].size += frame.size
    except yaml.YAMLError as exc:
        # PyYAML ≥ 6.0.4 stops very deep flow collections ([[[[…) itself, possibly
        # before the events reach our own depth count: that is the same refusal.
        if "nesting depth" in str(exc):
            mark = getattr(exc, "problem_mark", None)
            inside = path() or (stack[-1].last_key if stack and stack[-1].is_mapping else None)
            raise _unsafe(f"数据嵌套过深（超过 {max_depth} 层）", where,
                          "检查缩进或方括号、花括号是否配对；正文标题最多嵌套四层",
                          line=mark.line + 1 if mark else None,
                          column=mark.column + 1 if mark else None, path=inside) from exc
        return  # other syntax errors are the loader's to report, with its own fix


# --------------------------------------------------------------------------
# Jinja (the checked evaluation lives in docgen.sandbox)
# --------------------------------------------------------------------------

MAX_TEMPLATE_SEQUENCE = limits.MAX_TEMPLATE_SEQUENCE
