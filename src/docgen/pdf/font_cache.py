"""On-disk cache of what reportlab keeps of a TrueType face after parsing it.

reportlab's ``TTFont(...)`` reads the whole font file and walks its cmap,
hmtx and loca tables in Python (``TTFontFile.extractInfo``): 10-60 ms per CJK
face, paid by every new process.  This module saves the parsed face — every
attribute reportlab set on it: names, metrics, ``charToGlyph``,
``charWidths``, ``hmetrics``, ``glyphPos`` … — in docgen's cache folder, and
rebuilds an equal face from it without reading the font file.

* An entry is keyed by the font file's identity: resolved path, face index,
  size, ``st_mtime_ns``, reportlab's version and :data:`FORMAT_VERSION`.  Its
  file name depends on the path, index and versions only, so a changed font
  file overwrites its own entry.
* The big tables are typed arrays (native byte order, recorded), decoded only
  when an attribute is first used; a CRC-32 over the entry detects a damaged
  file.  Anything unexpected — unreadable, truncated, another identity,
  another format — makes :func:`load_face` return ``None``: the caller parses
  the font and :func:`store_face` writes the entry again.
* The font program itself is not read when the entry is loaded.  The small
  tables the PDF needs (head, hhea, maxp, post, OS/2, name, cvt, fpgm, prep)
  are kept in the entry; anything else (the glyphs of a subset) is read from
  the file as it is asked for, after checking that it is still the file the
  entry describes (again for every subset).
* Entries are written to a temporary file and renamed: concurrent processes
  see the old entry or the new one, never half of one.  Deleting the folder
  is always safe.
"""

from __future__ import annotations

import array
import hashlib
import json
import os
import re
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from docgen.user_cache import write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

__all__ = ["FORMAT_VERSION", "FaceKey", "entry_path", "load_face", "load_records", "make_ttfont",
           "store_face", "store_records"]

#: Bump when the entry layout or what is stored changes.
FORMAT_VERSION = 1

_MAGIC = b"DGRLFACE"
_RECORDS_MAGIC = b"DGFNTREC"
_PREFIX = struct.Struct("<8sII")  # magic, crc32 of the rest, header length
# Tables copied into the subset or read while registering (docgen.pdf.metrics reads hhea).
_SMALL_TABLES = ("head", "hhea", "maxp", "post", "OS/2", "name", "cvt ", "fpgm", "prep")
_SMALL_TABLE_LIMIT = 1 << 20
_ARRAY_MIN = 32  # shorter lists and dicts are stored as JSON
_SKIPPED = frozenset({"_ttf_data", "_pdfScale", "filename", "_lazy", "_cache_key"})


class _Unsupported(Exception):
    """A value this format cannot store: the face is not cached."""


def _reportlab_version() -> str:
    from reportlab import Version

    return str(Version)


@dataclass(frozen=True)
class FaceKey:
    """What identifies one face of one font file for the cache."""

    path: str
    index: int
    size: int
    mtime_ns: int
    reportlab: str = ""
    format: int = FORMAT_VERSION

    @classmethod
    def of(cls, path: Path, index: int, reportlab: str | None = None) -> FaceKey:
        """The key of *path* as it is now (raises OSError if it cannot be stat'ed)."""
        resolved = Path(path).resolve()
        st = resolved.stat()
        version = _reportlab_version() if reportlab is None else reportlab
        return cls(str(resolved), int(index), st.st_size, st.st_mtime_ns, version)


def entry_path(folder: Path, key: FaceKey, suffix: str = ".rlface") -> Path:
    """The entry file of *key* in *folder* (the same file for every version of the font)."""
    ident = f"{key.path}|{key.index}|{key.reportlab}|{key.format}|{suffix}"
    digest = hashlib.sha256(ident.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(key.path).stem) or "font"
    return Path(folder) / f"{stem}-{key.index}-{digest}{suffix}"




def _sealed(magic: bytes, body: bytes) -> bytes:
    return struct.pack("<8sI", magic, zlib.crc32(body)) + body


def _unsealed(magic: bytes, entry: bytes) -> memoryview:
    found, crc = struct.unpack_from("<8sI", entry)
    body = memoryview(entry)[12:]
    if found != magic or zlib.crc32(body) != crc:
        raise ValueError("damaged entry")
    return body


# --------------------------------------------------------------------------
# Small JSON records about a font file (the faces in it, read from its name tables)


def load_records(path: Path, kind: str, folder: Path) -> Any | None:
    """The records of *kind* stored for font file *path* as it is now, or None."""
    try:
        key = FaceKey.of(path, -1, reportlab="-")
        body = _unsealed(_RECORDS_MAGIC, entry_path(folder, key, f".{kind}").read_bytes())
        stored = json.loads(bytes(body).decode("utf-8"))
        if stored["key"] != asdict(key):
            return None
        return stored["records"]
    except Exception:  # noqa: BLE001 - any damage means: read the font again
        return None


def store_records(path: Path, kind: str, folder: Path, records: Any) -> bool:
    """Keep JSON-able *records* of *kind* for font file *path*; False if not written."""
    try:
        key = FaceKey.of(path, -1, reportlab="-")
        body = json.dumps({"key": asdict(key), "records": records}, ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
        write_atomic(entry_path(folder, key, f".{kind}"), _sealed(_RECORDS_MAGIC, body))
    except (OSError, ValueError, TypeError):
        return False
    return True


# --------------------------------------------------------------------------
# Encoding


class _Writer:
    """The typed arrays of one entry, appended to its payload."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, typecode: str, values: list[Any]) -> list[Any]:
        data = array.array(typecode, values).tobytes()
        ref = [typecode, self.size, len(data)]
        self.parts.append(data)
        self.size += len(data)
        return ref

    def add_raw(self, data: bytes) -> int:
        offset = self.size
        self.parts.append(data)
        self.size += len(data)
        return offset


def _number_code(values: list[Any]) -> str | None:
    """'q' if all values are ints, 'd' if all are floats, else None."""
    if all(type(v) is int for v in values):
        return "q"
    if all(type(v) is float for v in values):
        return "d"
    return None


def _encode(value: Any, out: _Writer) -> Any:
    """*value* as JSON data (tagged where JSON alone would lose its type)."""
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return {"$f": value.hex()}  # exact, and no NaN/inf trouble in JSON
    if kind is TTFNameBytes:
        text = value.ustr
        if bytes(value) != text.encode("utf8") or set(vars(value)) != {"ustr"}:
            raise _Unsupported("name bytes")
        return {"$n": text}
    if kind is bytes:
        return {"$b": value.hex()}
    if kind is tuple:
        return {"$t": [_encode(v, out) for v in value]}
    if kind is list:
        return _encode_list(value, out)
    if kind is dict:
        return _encode_dict(value, out)
    raise _Unsupported(kind.__name__)


def _encode_list(value: list[Any], out: _Writer) -> Any:
    if len(value) >= _ARRAY_MIN:
        code = _number_code(value)
        if code:
            return {"$a": out.add(code, value)}
        if all(type(v) is tuple and len(v) == 2 for v in value):  # hmetrics
            first, second = [v[0] for v in value], [v[1] for v in value]
            c1, c2 = _number_code(first), _number_code(second)
            if c1 and c2:
                return {"$pairs": [out.add(c1, first), out.add(c2, second)]}
    return {"$l": [_encode(v, out) for v in value]}


def _encode_dict(value: dict[Any, Any], out: _Writer) -> Any:
    keys = list(value)
    if len(keys) >= _ARRAY_MIN and _number_code(keys) == "q":
        values = list(value.values())
        code = _number_code(values)
        if code:  # charToGlyph, charWidths
            return {"$map": [out.add("q", keys), out.add(code, values)]}
        if all(type(v) is list and _number_code(v) == "q" for v in values):  # glyphToChar
            flat = [x for v in values for x in v]
            return {"$multimap": [out.add("q", keys), out.add("q", [len(v) for v in values]),
                                  out.add("q", flat)]}
    return {"$d": [[_encode(k, out), _encode(v, out)] for k, v in value.items()]}


def _rebuilt_scale(units_per_em: int) -> Callable[[Any], Any]:
    """reportlab's ``_pdfScale`` for a font of *units_per_em* (the same arithmetic)."""
    if units_per_em == 1000:
        return lambda x: x
    mult = 1000 / units_per_em
    return lambda x: x * mult


def _scale_matches(face: TTFontFace) -> bool:
    scale = getattr(face, "_pdfScale", None)
    upem = getattr(face, "unitsPerEm", None)
    if scale is None or type(upem) is not int or upem <= 0:
        return False
    ours = _rebuilt_scale(upem)
    for x in (0, 1, 7, 123, 1000, 2048, -75):
        a, b = scale(x), ours(x)
        if type(a) is not type(b) or a != b:
            return False
    return True


def _small_tables(face: TTFontFace) -> list[tuple[int, bytes]]:
    chunks = []
    for tag in _SMALL_TABLES:
        rec = face.table.get(tag)
        if rec and 0 < rec["length"] <= _SMALL_TABLE_LIMIT:
            chunks.append((rec["offset"], bytes(face._ttf_data[rec["offset"]:rec["offset"] + rec["length"]])))
    return chunks


def encode_face(face: TTFontFace, key: FaceKey) -> bytes:
    """The entry of a freshly parsed *face* (raises _Unsupported if it cannot be stored)."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    if type(face) is not TTFontFace or not _scale_matches(face):
        raise _Unsupported("face")
    out = _Writer()
    attrs = {name: _encode(value, out) for name, value in vars(face).items()
             if name not in _SKIPPED}
    chunks = [[offset, out.add_raw(data), len(data)] for offset, data in _small_tables(face)]
    header = {
        "key": asdict(key), "byteorder": sys.byteorder,
        "itemsize": {c: array.array(c).itemsize for c in "qd"},
        "file_size": len(face._ttf_data), "attrs": attrs, "chunks": chunks,
        "payload": out.size,
    }
    head = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _sealed(_MAGIC, struct.pack("<I", len(head)) + head + b"".join(out.parts))


# --------------------------------------------------------------------------
# Decoding


_FACE_CLASS: type | None = None


def _cached_face_class() -> type:
    """The TTFontFace subclass of rebuilt faces: big attributes are decoded on first use."""
    global _FACE_CLASS
    if _FACE_CLASS is None:
        from reportlab.pdfbase.ttfonts import TTFontFace

        class CachedTTFontFace(TTFontFace):
            def get_table(self, tag: str) -> Any:
                data = self.__dict__.get("_ttf_data")
                if tag == "glyf" and isinstance(data, _FontBytes):  # makeSubset slices glyphs
                    pos, length = self.get_table_pos(tag)
                    return data.window(pos, length)
                return super().get_table(tag)

            def __getattr__(self, name: str) -> Any:
                lazy = self.__dict__.get("_lazy")
                if lazy and name in lazy:
                    value = lazy.pop(name)()
                    self.__dict__[name] = value
                    return value
                raise AttributeError(name)

        _FACE_CLASS = CachedTTFontFace
    return _FACE_CLASS


class _FontBytes:
    """``face._ttf_data`` for a cached face: the small tables now, the rest read as asked.

    Supports what reportlab does with the font data (slices, single bytes,
    ``len``, ``bytes()``).  Reads outside the kept tables go to the file with
    ``os.pread``, so subsetting reads the glyphs a document uses instead of the
    whole file (a cold seed build read 20 MB of fonts for 800 glyphs).  The first
    such read checks that the file is the one the entry was made from; every
    :meth:`window` (one per subset) checks that it has not changed since.
    """

    def __init__(self, path: str, key: FaceKey, chunks: list[tuple[int, bytes]], size: int,
                 owner: dict[str, Any]):
        self._owner = owner  # the face's __dict__: gets the real bytes if all are read
        self._path = path
        self._key = key
        self._chunks = chunks
        self._size = size
        self._data: bytes | None = None
        self._fd: int | None = None

    def __len__(self) -> int:
        return self._size

    def __bytes__(self) -> bytes:
        return self._full()

    def __getitem__(self, item: int | slice) -> Any:
        if self._data is None:
            if isinstance(item, slice) and item.step is None:
                start = 0 if item.start is None else item.start
                stop = self._size if item.stop is None else item.stop
                if start >= 0 and stop >= 0:
                    return self.read(start, stop)
            elif isinstance(item, int) and 0 <= item < self._size:
                return self.read(item, item + 1)[0]
        return self._full()[item]

    def read(self, start: int, stop: int) -> bytes:
        """Bytes ``start:stop`` of the file (clamped to its size, as a slice is)."""
        stop = min(stop, self._size)
        if start >= stop:
            return b""
        if self._data is not None:
            return self._data[start:stop]
        for offset, data in self._chunks:
            if offset <= start and stop <= offset + len(data):
                return data[start - offset:stop - offset]
        data = os.pread(self._file(), stop - start, start)
        if len(data) != stop - start:
            self._changed()
        return data

    def window(self, pos: int, length: int) -> _Window:
        """Table ``pos:pos+length`` whose slices are read when taken (the glyf table)."""
        if not self._unchanged(os.fstat(self._file())):
            self._changed()
        return _Window(self, pos, length)

    def _unchanged(self, st: os.stat_result) -> bool:
        """The file still has the size and time of the one the entry was made from."""
        return st.st_size == self._key.size == self._size and st.st_mtime_ns == self._key.mtime_ns

    def _file(self) -> int:
        if self._fd is None:
            fd = os.open(self._path, os.O_RDONLY)
            try:
                same = (self._unchanged(os.fstat(fd))
                        and all(os.pread(fd, len(d), o) == d for o, d in self._chunks))
            except OSError:
                same = False
            if not same:
                os.close(fd)
                self._changed()
            self._fd = fd
        return self._fd

    def _changed(self) -> None:
        from ..errors import Location, RenderError

        raise RenderError(
            f"字体文件 {self._key.path} 在生成 PDF 的过程中被修改",
            location=Location(file=self._key.path),
            fix="字体文件更新完成后重新运行即可",
        )

    def _full(self) -> bytes:
        if self._data is None:
            data = os.pread(self._file(), self._size, 0)
            if len(data) != self._size:
                self._changed()
            self._data = data
            if self._owner.get("_ttf_data") is self:
                self._owner["_ttf_data"] = data  # later reads go straight to the bytes
        return self._data


class _Window:
    """A table of a :class:`_FontBytes`; ``window[a:b]`` reads bytes ``a:b`` of the table."""

    __slots__ = ("_data", "_pos", "_length")

    def __init__(self, data: _FontBytes, pos: int, length: int):
        self._data, self._pos, self._length = data, pos, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, item: slice) -> bytes:
        start, stop, step = item.indices(self._length)
        if step != 1:
            raise ValueError("a font table is read in plain slices")
        return self._data.read(self._pos + start, self._pos + stop)  # empty when stop <= start


def _decoder(payload: memoryview) -> Callable[[Any], Any]:
    from reportlab.pdfbase.ttfonts import TTFNameBytes

    def arr(ref: list[Any]) -> array.array:
        code, offset, size = ref
        if code not in ("q", "d") or offset < 0 or offset + size > len(payload):
            raise ValueError("bad array")
        a = array.array(code)
        a.frombytes(payload[offset:offset + size])
        return a

    def decode(v: Any) -> Any:
        if not isinstance(v, dict):
            return v
        (tag, x), = v.items()
        if tag == "$f":
            return float.fromhex(x)
        if tag == "$n":
            return TTFNameBytes(x.encode("utf8"), "utf8")
        if tag == "$b":
            return bytes.fromhex(x)
        if tag == "$t":
            return tuple(decode(i) for i in x)
        if tag == "$l":
            return [decode(i) for i in x]
        if tag == "$d":
            return {decode(k): decode(i) for k, i in x}
        if tag == "$a":
            return arr(x).tolist()
        if tag == "$pairs":
            first, second = arr(x[0]), arr(x[1])
            return list(zip(first.tolist(), second.tolist(), strict=True))
        if tag == "$map":
            keys, values = arr(x[0]), arr(x[1])
            return dict(zip(keys.tolist(), values.tolist(), strict=True))
        if tag == "$multimap":
            keys, counts, flat = (arr(r).tolist() for r in x)
            if len(keys) != len(counts) or sum(counts) != len(flat) or min(counts, default=0) < 0:
                raise ValueError("bad multimap")
            out, i = {}, 0
            for k, n in zip(keys, counts, strict=True):
                out[k] = flat[i:i + n]
                i += n
            return out
        raise ValueError(f"unknown tag {tag}")

    return decode


_LAZY_TAGS = frozenset({"$a", "$pairs", "$map", "$multimap"})


def decode_face(entry: bytes, key: FaceKey, filename: str) -> TTFontFace:
    """The face stored in *entry*; raises (anything) if it is damaged or for another key."""
    from reportlab.pdfbase.ttfonts import TTFontFace

    body = _unsealed(_MAGIC, entry)
    (head_len,) = struct.unpack_from("<I", body)
    header = json.loads(bytes(body[4:4 + head_len]).decode("utf-8"))
    payload = body[4 + head_len:]
    if (header["key"] != asdict(key) or header["byteorder"] != sys.byteorder
            or header["itemsize"] != {c: array.array(c).itemsize for c in "qd"}
            or header["payload"] != len(payload)):
        raise ValueError("entry of another font, format or machine")
    decode = _decoder(payload)
    face = _cached_face_class().__new__(_cached_face_class())
    assert isinstance(face, TTFontFace)
    lazy: dict[str, Callable[[], Any]] = {}
    state: dict[str, Any] = {}
    for name, value in header["attrs"].items():
        if isinstance(value, dict) and next(iter(value)) in _LAZY_TAGS:
            lazy[name] = lambda v=value: decode(v)
        else:
            state[name] = decode(value)
    chunks = []
    for offset, start, size in header["chunks"]:
        if start < 0 or start + size > len(payload):
            raise ValueError("bad table")
        chunks.append((int(offset), bytes(payload[start:start + size])))
    state["filename"] = filename
    state["_pdfScale"] = _rebuilt_scale(state["unitsPerEm"])
    state["_ttf_data"] = _FontBytes(filename, key, chunks, int(header["file_size"]), face.__dict__)
    state["_lazy"] = lazy
    face.__dict__.update(state)
    return face


# --------------------------------------------------------------------------
# Public API


def load_face(path: Path, index: int, folder: Path) -> TTFontFace | None:
    """The cached face of *path* (face *index*), or None when there is no usable entry."""
    try:
        key = FaceKey.of(path, index)
        entry = entry_path(folder, key).read_bytes()
        return decode_face(entry, key, str(path))
    except Exception:  # noqa: BLE001 - any damage means: parse the font again
        return None


def store_face(face: TTFontFace, path: Path, index: int, folder: Path) -> bool:
    """Write the entry of a freshly parsed *face*; False if it was not cached (never raises)."""
    try:
        key = FaceKey.of(path, index)
        data = encode_face(face, key)
        if len(face._ttf_data) != key.size:
            return False
        write_atomic(entry_path(folder, key), data)
    except (_Unsupported, OSError, ValueError, TypeError, KeyError):
        return False
    return True


def make_ttfont(name: str, face: TTFontFace) -> TTFont:
    """A reportlab TTFont named *name* around an already parsed *face*.

    What ``TTFont.__init__`` does after parsing the file; :func:`ttfont_matches`
    checks at caching time that the installed reportlab sets the same attributes.
    """
    from fnmatch import fnmatch
    from weakref import WeakKeyDictionary

    from reportlab import rl_config
    from reportlab.pdfbase import ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont.__new__(TTFont)
    font.fontName = name
    font.face = face
    font.encoding = ttfonts.TTEncoding()
    font.state = WeakKeyDictionary()
    font._asciiReadable = rl_config.ttfAsciiReadable
    font.shapable = not any(fnmatch(name, g) for g in rl_config.unShapedFontGlob)
    return font


def ttfont_matches(parsed: TTFont) -> bool:
    """True if :func:`make_ttfont` builds what this reportlab's TTFont(...) built."""
    ours = make_ttfont(parsed.fontName, parsed.face)
    mine, theirs = vars(ours), vars(parsed)
    if set(mine) != set(theirs):
        return False
    return all(mine[k] == theirs[k] for k in mine if k not in ("encoding", "state"))
