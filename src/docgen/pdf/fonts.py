"""Font resolution for the PDF engines: a .docx font name -> a TrueType file.

Takes the font names a .docx asks for (方正小标宋简体, 仿宋_GB2312, 黑体,
楷体_GB2312, 宋体, Times New Roman, …) and returns :class:`ResolvedFont`
values naming the file that serves each name, registered with reportlab so
the layout engine can draw with ``ResolvedFont.reportlab_name``.

Resolution order for a name (and its exact aliases, e.g. 黑体 = SimHei):

1. the user's configuration ``fonts.yaml`` (``./fonts.yaml``, then
   ``$XDG_CONFIG_HOME/docgen/fonts.yaml``) mapping a name to a file;
2. the user's font folder (``$DOCGEN_FONT_DIR`` or ``./fonts/``), matched by
   the family names inside each font file;
3. system fonts whose family is exactly the name (``fc-list``);
4. for an official name, the same three steps for its close cousins
   (a real 仿宋 serves 仿宋_GB2312 before any substitute does);
5. the openly licensed substitutes listed in GB/T 9704 notes (Fandol,
   WenQuanYi, AR PL, LXGW, Liberation/DejaVu).

An unknown name never raises: the body font serves it and a
:class:`~docgen.errors.DocgenWarning` is appended to
:attr:`FontRegistry.warnings` (once per process);
:meth:`FontRegistry.substitution_warnings` gives the same warning again for
every document that uses the name.  CFF-flavoured fonts (Fandol, Noto CJK, many
.otf files) are converted once to TrueType with fontTools and cached in
``$XDG_CACHE_HOME/docgen/fonts``, because reportlab embeds TrueType only.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import DataError, DocgenWarning, Location, RenderError

__all__ = [
    "BODY_FONT",
    "OFFICIAL_NAMES",
    "SOURCE_CONFIG",
    "SOURCE_FALLBACK",
    "SOURCE_SYSTEM",
    "SOURCE_USER_DIR",
    "FontFace",
    "FontRegistry",
    "ResolvedFont",
    "cache_dir",
    "convert_to_truetype",
    "font_table",
    "get_registry",
    "read_faces",
    "reset_registry",
]

log = logging.getLogger(__name__)

# Fandol's head table has an odd timestamp; fontTools warns about it on every read.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)

SOURCE_CONFIG = "用户配置"
SOURCE_USER_DIR = "用户字体目录"
SOURCE_SYSTEM = "系统字体"
SOURCE_FALLBACK = "开源替代字体"

BODY_FONT = "仿宋_GB2312"

#: The names the official templates use, in the order ``docgen fonts`` lists them.
OFFICIAL_NAMES: tuple[str, ...] = (
    "方正小标宋简体",
    "仿宋_GB2312",
    "仿宋",
    "黑体",
    "楷体_GB2312",
    "楷体",
    "宋体",
    "Times New Roman",
)

FONT_SUFFIXES = frozenset({".ttf", ".ttc", ".otf", ".otc"})

# Bump when the conversion changes, so stale cache files are not reused.
_CONVERSION_VERSION = "1"


# --------------------------------------------------------------------------
# Public values


@dataclass(frozen=True)
class ResolvedFont:
    """Which file serves a requested font name.

    ``path``/``subfont_index`` name the font file as the user knows it (a
    .ttc holds several fonts; the index selects one).  ``embedded_path`` is
    the TrueType file actually given to reportlab: the same file, or the
    cached conversion of a CFF font.  ``fake_bold`` is True when bold was
    asked for but only a regular face exists (draw it with a thin stroke,
    as Word does).
    """

    requested: str
    family: str
    path: Path
    subfont_index: int
    source: str
    reportlab_name: str
    fake_bold: bool = False
    embedded_path: Path | None = None
    postscript_name: str = ""
    style: str = "serif"  # serif, sans, kai, mono: picks the per-glyph fallback chain

    @property
    def needs_conversion(self) -> bool:
        """True if the file is CFF-flavoured and has to be converted for reportlab."""
        return self.embedded_path is None


@dataclass(frozen=True)
class FontFace:
    """One font inside a font file, as read from its name table."""

    path: Path
    index: int
    families: tuple[str, ...]
    family: str  # the preferred (English where there is one) family name
    postscript_name: str
    bold: bool
    cff: bool


@dataclass(frozen=True)
class _Candidate:
    """An open substitute: a font file (or a family fontconfig can find)."""

    family: str
    paths: tuple[str, ...]
    package: str
    bold_paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Role:
    """A group of names that share their substitutes.

    ``style`` (serif, sans, kai, mono) picks the per-glyph fallback chain;
    ``required`` roles (the official names) are an error when no substitute
    is installed, the others fall back to the body font with a warning;
    ``warn`` roles say so when a substitute (not a metric twin) serves them.
    """

    names: tuple[str, ...]
    fallbacks: tuple[_Candidate, ...]
    style: str = "serif"
    required: bool = True
    warn: bool = False


_TEXLIVE_FANDOL = (
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/",
    "/usr/share/texmf/fonts/opentype/public/fandol/",
)


def _fandol(name: str) -> tuple[str, ...]:
    return tuple(d + name for d in _TEXLIVE_FANDOL)


_FANDOL_PKG = "texlive-lang-chinese"
_TT = "/usr/share/fonts/truetype/"


def _liberation(style: str) -> _Candidate:
    def paths(weight: str) -> tuple[str, ...]:
        return tuple(f"{_TT}{d}/Liberation{style}-{weight}.ttf" for d in ("liberation2", "liberation"))

    return _Candidate(f"Liberation {style}", paths("Regular"), "fonts-liberation2", paths("Bold"))


def _crosextra(family: str) -> _Candidate:
    d = _TT + "crosextra/"
    return _Candidate(family, (f"{d}{family}-Regular.ttf",),
                      f"fonts-crosextra-{family.lower()}", (f"{d}{family}-Bold.ttf",))


_LIBERATION_SERIF = _liberation("Serif")
_LIBERATION_SANS = _liberation("Sans")
_LIBERATION_MONO = _liberation("Mono")
_DEJAVU_SERIF = _Candidate("DejaVu Serif", (_TT + "dejavu/DejaVuSerif.ttf",), "fonts-dejavu-core",
                           (_TT + "dejavu/DejaVuSerif-Bold.ttf",))
_DEJAVU_SANS = _Candidate("DejaVu Sans", (_TT + "dejavu/DejaVuSans.ttf",), "fonts-dejavu-core",
                          (_TT + "dejavu/DejaVuSans-Bold.ttf",))
_DEJAVU_MONO = _Candidate("DejaVu Sans Mono", (_TT + "dejavu/DejaVuSansMono.ttf",),
                          "fonts-dejavu-core", (_TT + "dejavu/DejaVuSansMono-Bold.ttf",))
_FANDOL_HEI = _Candidate("FandolHei", _fandol("FandolHei-Regular.otf"), _FANDOL_PKG,
                         _fandol("FandolHei-Bold.otf"))
_WQY = _Candidate("WenQuanYi Zen Hei", (_TT + "wqy/wqy-zenhei.ttc",), "fonts-wqy-zenhei")

# Names that are the same font under another language's name.
_EQUIVALENT: tuple[frozenset[str], ...] = (
    frozenset({"方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋简"}),
    frozenset({"仿宋_GB2312", "FangSong_GB2312"}),
    frozenset({"仿宋", "FangSong", "仿宋体"}),
    frozenset({"黑体", "SimHei"}),
    frozenset({"楷体_GB2312", "KaiTi_GB2312"}),
    frozenset({"楷体", "KaiTi"}),
    frozenset({"宋体", "SimSun"}),
    frozenset({"新宋体", "NSimSun"}),
    frozenset({"Times New Roman", "TimesNewRoman", "TimesNewRomanPSMT"}),
    frozenset({"Arial", "ArialMT"}),
    frozenset({"Courier New", "CourierNewPSMT"}),
    frozenset({"微软雅黑", "Microsoft YaHei"}),
    frozenset({"等线", "DengXian"}),
    frozenset({"幼圆", "YouYuan"}),
)

_ROLES: tuple[_Role, ...] = (
    _Role(
        names=("方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "方正小标宋", "小标宋"),
        fallbacks=(
            _Candidate("FandolSong", _fandol("FandolSong-Bold.otf"), _FANDOL_PKG),
            _Candidate("Noto Serif CJK SC",
                       ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",),
                       "fonts-noto-cjk"),
        ),
    ),
    _Role(
        names=("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "仿宋体"),
        fallbacks=(_Candidate("FandolFang", _fandol("FandolFang-Regular.otf"), _FANDOL_PKG),),
    ),
    # FandolHei first: its "，" and "。" sit in the lower left of the em square as in
    # GB fonts (SimHei); WenQuanYi Zen Hei centres them, a visible gap in headings.
    _Role(
        names=("黑体", "SimHei"),
        fallbacks=(_FANDOL_HEI, _WQY),
        style="sans",
    ),
    _Role(
        style="kai",
        names=("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi"),
        fallbacks=(
            _Candidate("AR PL KaitiM GB",
                       ("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",),
                       "fonts-arphic-gkai00mp"),
            _Candidate("AR PL UKai CN", ("/usr/share/fonts/truetype/arphic/ukai.ttc",),
                       "fonts-arphic-ukai"),
            _Candidate("LXGW WenKai",
                       ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",),
                       "fonts-lxgw-wenkai",
                       ("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Bold.ttf",)),
        ),
    ),
    _Role(
        names=("宋体", "SimSun", "新宋体", "NSimSun"),
        fallbacks=(
            _Candidate("AR PL SungtiL GB",
                       ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",),
                       "fonts-arphic-gbsn00lp"),
            _Candidate("AR PL UMing CN", ("/usr/share/fonts/truetype/arphic/uming.ttc",),
                       "fonts-arphic-uming"),
            _Candidate("FandolSong", _fandol("FandolSong-Regular.otf"), _FANDOL_PKG,
                       _fandol("FandolSong-Bold.otf")),
        ),
    ),
    _Role(
        names=("Times New Roman", "TimesNewRoman", "TimesNewRomanPSMT", "Times"),
        fallbacks=(_LIBERATION_SERIF, _DEJAVU_SERIF),
    ),
    _Role(
        names=("Arial", "ArialMT", "Helvetica"),
        fallbacks=(_LIBERATION_SANS, _DEJAVU_SANS),
        style="sans",
    ),
    # Metric twins of the Office fonts: same advance widths, so lines break as in Word.
    _Role(names=("Calibri", "Calibri Light"), style="sans", required=False,
          fallbacks=(_crosextra("Carlito"), _LIBERATION_SANS)),
    _Role(names=("Cambria", "Cambria Math"), required=False,
          fallbacks=(_crosextra("Caladea"), _LIBERATION_SERIF)),
    _Role(names=("Courier New", "CourierNewPSMT", "Courier"), style="mono", required=False,
          fallbacks=(_LIBERATION_MONO, _DEJAVU_MONO)),
    # CJK sans-serif names of Windows, macOS and Adobe: a 黑体 face, never 仿宋.
    _Role(names=("微软雅黑", "Microsoft YaHei", "等线", "DengXian", "等线 Light", "DengXian Light",
                 "微软正黑体", "Microsoft JhengHei", "幼圆", "YouYuan", "华文黑体", "STHeiti",
                 "华文细黑", "STXihei", "苹方", "PingFang SC", "思源黑体", "Source Han Sans SC",
                 "Source Han Sans CN", "Noto Sans CJK SC", "Noto Sans SC", "方正黑体简体",
                 "方正黑体_GBK", "FZHei-B01S"),
          style="sans", required=False, warn=True, fallbacks=(_FANDOL_HEI, _WQY)),
)


def _norm(name: str) -> str:
    """Comparison key of a font name: case, spaces and full-width forms ignored."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()  # \s, as str.split


# Per-glyph fallback chains: when the font that serves a run lacks a character,
# the first of these that has it draws it (TrueType files only: no conversion).
_UMING = _Candidate("AR PL UMing CN", (_TT + "arphic/uming.ttc",), "fonts-arphic-uming")
_UKAI = _Candidate("AR PL UKai CN", (_TT + "arphic/ukai.ttc",), "fonts-arphic-ukai")
_WENKAI = _Candidate("LXGW WenKai", (_TT + "lxgw-wenkai/LXGWWenKai-Regular.ttf",),
                     "fonts-lxgw-wenkai")
# BabelStone Han: Chinese glyph forms, URO and parts of Ext A-H; HanaMin A/B: all of
# Ext A-F (Japanese glyph forms, used only for what BabelStone lacks).
_BABELSTONE = _Candidate("BabelStone Han", (_TT + "babelstone/BabelStoneHan.ttf",),
                         "fonts-babelstone-han")
_HANAMIN_A = _Candidate("HanaMinA", (_TT + "hanazono/HanaMinA.ttf",), "fonts-hanazono")
_HANAMIN_B = _Candidate("HanaMinB", (_TT + "hanazono/HanaMinB.ttf",), "fonts-hanazono")
_WIDE_HAN = (_BABELSTONE, _HANAMIN_A, _HANAMIN_B)
_SYMBOLS = (
    _DEJAVU_SANS,
    _Candidate("Symbola", (_TT + "ancient-scripts/Symbola_hint.ttf",), "fonts-symbola"),
    _Candidate("Noto Sans Symbols", (_TT + "noto/NotoSansSymbols-Regular.ttf",),
               "fonts-noto-core"),
    _Candidate("Noto Sans Symbols2", (_TT + "noto/NotoSansSymbols2-Regular.ttf",),
               "fonts-noto-core"),
    _Candidate("OpenSymbol", (_TT + "libreoffice/opens___.ttf",), "fonts-opensymbol"),
)
_CJK_CHAINS: dict[str, tuple[_Candidate, ...]] = {
    "serif": (_UMING, *_WIDE_HAN, _WENKAI, _WQY),
    "sans": (_WQY, *_WIDE_HAN, _UMING, _WENKAI),
    "kai": (_WENKAI, _UKAI, *_WIDE_HAN, _UMING, _WQY),
    "mono": (_WQY, *_WIDE_HAN, _UMING),
}
_LATIN_CHAINS: dict[str, tuple[_Candidate, ...]] = {
    "serif": (_LIBERATION_SERIF, _DEJAVU_SERIF),
    "sans": (_LIBERATION_SANS, _DEJAVU_SANS),
    "kai": (_LIBERATION_SERIF, _DEJAVU_SERIF),
    "mono": (_LIBERATION_MONO, _DEJAVU_MONO),
}
STYLES = ("serif", "sans", "kai", "mono")
_STYLE_OFFICIAL = {"serif": "宋体", "sans": "黑体", "kai": "楷体_GB2312", "mono": "黑体"}
STYLE_NAMES = {"serif": "宋体/仿宋类", "sans": "黑体类", "kai": "楷体类", "mono": "等宽"}


def fallback_chain(style: str, cjk: bool) -> tuple[_Candidate, ...]:
    """Fonts to try, in order, for a character the run's own font lacks.

    A CJK character tries CJK faces of the run's style first, then the
    symbol and Latin faces; any other character the other way round.
    """
    style = style if style in _CJK_CHAINS else "serif"
    han, latin = _CJK_CHAINS[style], _LATIN_CHAINS[style]
    order = (*han, *_SYMBOLS, *latin) if cjk else (*latin, *_SYMBOLS, *han)
    out: list[_Candidate] = []
    for cand in order:
        if cand not in out:
            out.append(cand)
    return tuple(out)


_SANS_WORDS = ("sans", "gothic", "arial", "helvet", "verdana", "tahoma", "segoe", "calibri",
               "trebuchet", "lucida", "franklin", "century gothic", "黑", "圆", "hei", "yahei",
               # Japanese and Korean sans names: ヒラギノ角ゴ, ＭＳ ゴシック, メイリオ, 돋움, 굴림, 고딕
               "ゴシック", "角ゴ", "丸ゴ", "メイリオ", "meiryo", "고딕", "돋움", "굴림", "dotum", "gulim")
_MONO_WORDS = ("mono", "courier", "consol", "code", "typewriter", "fixed")
_KAI_WORDS = ("楷", "kai")


def guess_style(name: str) -> str:
    """serif / sans / kai / mono from a font name nobody described to us."""
    key = _norm(name)
    if any(wd.replace(" ", "") in key for wd in _MONO_WORDS):
        return "mono"
    if any(wd in key for wd in _KAI_WORDS):
        return "kai"
    if any(wd.replace(" ", "") in key for wd in _SANS_WORDS):
        return "sans"
    return "serif"


_EQUIV_BY_KEY: dict[str, frozenset[str]] = {
    _norm(n): group for group in _EQUIVALENT for n in group
}
_ROLE_BY_KEY: dict[str, _Role] = {_norm(n): role for role in _ROLES for n in role.names}


def equivalent_names(name: str) -> tuple[str, ...]:
    """The name and its exact aliases (other languages' names of the same font)."""
    group = _EQUIV_BY_KEY.get(_norm(name))
    if not group:
        return (name,)
    return (name, *sorted(n for n in group if _norm(n) != _norm(name)))


def official_aliases() -> dict[str, tuple[str, ...]]:
    """Every name docgen knows, mapped to its role's names (used for fontconfig aliases)."""
    return {n: role.names for role in _ROLES for n in role.names}


# --------------------------------------------------------------------------
# Reading font files


def _name_records(font) -> Iterator[tuple[int, str]]:  # font: fontTools TTFont
    for rec in font["name"].names:
        if rec.nameID in (1, 4, 6, 16):
            try:
                text = rec.toUnicode()
            except UnicodeDecodeError:
                continue
            if text:
                yield rec.nameID, text.strip()


def _face_from_font(font, path: Path, index: int) -> FontFace:
    records = list(_name_records(font))
    families: list[str] = []
    for _nid, text in records:
        if text not in families:
            families.append(text)
    english_typo = [t for nid, t in records if nid == 16 and t.isascii()]
    english_family = [t for nid, t in records if nid == 1 and t.isascii()]
    any_family = [t for nid, t in records if nid in (16, 1)]
    family = (english_typo or english_family or any_family or [path.stem])[0]
    ps = next((t for nid, t in records if nid == 6), path.stem)
    bold = False
    if "OS/2" in font:
        bold = bool(font["OS/2"].fsSelection & 0x20) or font["OS/2"].usWeightClass >= 700
    if "head" in font:
        bold = bold or bool(font["head"].macStyle & 1)
    return FontFace(path=path, index=index, families=tuple(families), family=family,
                    postscript_name=ps, bold=bold, cff="CFF " in font or "CFF2" in font)


def read_faces(path: Path, cache: Path | None = None) -> list[FontFace]:
    """The fonts inside one font file (several for .ttc/.otc); [] if unreadable.

    Read from the name tables with fontTools once per version of the file and
    kept in the cache folder (``*.faces``, see :mod:`docgen.pdf.font_cache`).
    """
    from . import font_cache

    path = Path(path)
    folder = cache or cache_dir()
    stored = font_cache.load_records(path, "faces", folder)
    if stored is not None:
        with contextlib.suppress(TypeError, ValueError, KeyError):
            return [FontFace(path=path, index=int(r["index"]), families=tuple(r["families"]),
                             family=str(r["family"]), postscript_name=str(r["postscript_name"]),
                             bold=bool(r["bold"]), cff=bool(r["cff"])) for r in stored]
    faces = _read_faces_uncached(path)
    if faces is not None:
        font_cache.store_records(path, "faces", folder, [
            {"index": f.index, "families": list(f.families), "family": f.family,
             "postscript_name": f.postscript_name, "bold": f.bold, "cff": f.cff} for f in faces])
    return faces or []


def _read_faces_uncached(path: Path) -> list[FontFace] | None:
    """read_faces with fontTools; None if the file could not be read."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
        if magic == b"ttcf":
            coll = TTCollection(str(path), lazy=True)
            try:
                return [_face_from_font(f, path, i) for i, f in enumerate(coll.fonts)]
            finally:
                coll.close()
        font = TTFont(str(path), lazy=True)
        try:
            return [_face_from_font(font, path, 0)]
        finally:
            font.close()
    except (OSError, TTLibError, KeyError, AssertionError, ValueError) as exc:
        log.debug("cannot read font %s: %s", path, exc)
        return None


class _FaceIndex:
    """Faces found in some folders (or by fontconfig), looked up by family name."""

    def __init__(self, faces: Iterable[FontFace]):
        self.by_key: dict[str, list[FontFace]] = {}
        for face in faces:
            for fam in face.families:
                bucket = self.by_key.setdefault(_norm(fam), [])
                if face not in bucket:
                    bucket.append(face)

    def find(self, name: str, bold: bool) -> tuple[FontFace, bool] | None:
        """The best face for *name*: (face, fake_bold), or None."""
        faces = self.by_key.get(_norm(name))
        if not faces:
            return None
        wanted = [f for f in faces if f.bold == bold]
        if wanted:
            return _plainest(wanted), False
        return _plainest(faces), bold


def _plainest(faces: list[FontFace]) -> FontFace:
    """Among faces of a family, prefer a plain (not italic/light) one, deterministically."""

    def rank(f: FontFace) -> tuple[int, str, int]:
        ps = f.postscript_name.lower()
        odd = any(w in ps for w in ("italic", "oblique", "light", "thin", "condensed", "mono"))
        return (int(odd), str(f.path), f.index)

    return sorted(faces, key=rank)[0]


def _scan_folder(folder: Path) -> list[FontFace]:
    faces: list[FontFace] = []
    if not folder.is_dir():
        return faces
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
            faces.extend(read_faces(path))
    return faces


_FC_FORMAT = "%{file}\t%{index}\t%{family}\t%{postscriptname}\t%{weight}\t%{fontformat}\n"
_fc_running: subprocess.Popen | None = None  # started by prefetch_system_fonts, not yet read
_fc_owner = 0  # the process that started it (a forked child lists the fonts itself)


def prefetch_system_fonts() -> None:
    """Start ``fc-list`` now, in the background, for the first lookup of a system font.

    A cold ``docgen build`` needs the list only when it lays the document out; started
    when the command starts, fontconfig's ~20 ms run on the other core while Python
    imports and renders the .docx.  Nothing is cached: the list is as fresh as before.
    """
    global _fc_running, _fc_owner
    if (_fc_running is not None and _fc_owner == os.getpid()) or _REGISTRY is not None:
        return
    exe = shutil.which("fc-list")
    if exe:
        _fc_owner = os.getpid()
        with contextlib.suppress(OSError, ValueError):
            _fc_running = subprocess.Popen([exe, "--format", _FC_FORMAT], stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def _fc_list_output() -> str | None:
    global _fc_running
    running, _fc_running = _fc_running, None
    if running is not None and _fc_owner == os.getpid():
        try:
            out, _ = running.communicate(timeout=60)
        except (OSError, subprocess.SubprocessError):
            running.kill()
            running.wait()
            return None
        return out.decode("utf-8", "replace") if running.returncode == 0 else None
    exe = shutil.which("fc-list")
    if not exe:
        return None
    try:
        return subprocess.run([exe, "--format", _FC_FORMAT], capture_output=True, check=True,
                              timeout=60).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return None


def _fc_list_faces() -> list[FontFace]:
    """System fonts as fontconfig lists them; [] where fontconfig is absent."""
    out = _fc_list_output()
    if out is None:
        return []
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 6 or not parts[0]:
            continue
        file, index, fams, ps, weight, fmt_name = parts
        if os.path.splitext(file)[1].lower() not in FONT_SUFFIXES:
            continue  # Type 1, bitmap: unusable by reportlab
        names = re.split(r"(?<!\\),", fams) if "\\," in fams else fams.split(",")
        families = tuple(f.replace("\\,", ",").strip() for f in names if f)
        if not families:
            continue
        try:
            idx = int(index or 0)
            w = float(weight or 80)
        except ValueError:
            continue
        path = Path(file)
        english = [f for f in families if f.isascii()]
        faces.append(FontFace(path=path, index=idx, families=families,
                              family=(english or list(families))[0], postscript_name=ps,
                              bold=w >= 200, cff=fmt_name.upper() == "CFF"))
    return faces


# --------------------------------------------------------------------------
# CFF -> TrueType conversion and its cache


def cache_dir() -> Path:
    """Where converted fonts are kept: ``$XDG_CACHE_HOME/docgen/fonts``."""
    from docgen import user_cache  # noqa: PLC0415

    return user_cache.folder("fonts")


def _cache_name(src: Path, index: int) -> str:
    st = src.stat()
    key = f"{src.resolve()}|{index}|{st.st_mtime_ns}|{st.st_size}|{_CONVERSION_VERSION}"
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", src.stem) or "font"
    return f"{stem}-{index}-{digest}.ttf"


def cached_conversion(src: Path, index: int = 0, cache: Path | None = None) -> Path | None:
    """The cached TrueType conversion of *src*, or None if not converted yet."""
    target = (cache or cache_dir()) / _cache_name(Path(src), index)
    return target if target.is_file() else None


def _otf_to_ttf_bytes(src: Path, index: int, max_err: float = 1.0) -> bytes:
    """Convert one CFF font to TrueType (quadratic) outlines, as fontTools' otf2ttf does."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src), fontNumber=index)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "CFF2", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        advance, _lsb = hmtx.metrics[name]
        hmtx.metrics[name] = (advance, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    buf = io.BytesIO()
    font.save(buf)
    font.close()
    return buf.getvalue()


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        from ..safety import atomic_write_bytes
    except ImportError:  # pragma: no cover - safety.py is part of the package
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return
    atomic_write_bytes(path, data)


def convert_to_truetype(src: Path, index: int = 0, cache: Path | None = None) -> Path:
    """The TrueType version of CFF font *src* (face *index*), converted once and cached.

    The cache file is keyed by the source path, face, mtime and size, and
    written atomically, so concurrent processes never see a partial file.
    Raises RenderError (in Chinese) if the font cannot be converted or cached.
    """
    src = Path(src)
    folder = cache or cache_dir()
    hit = cached_conversion(src, index, folder)
    if hit:
        return hit
    target = folder / _cache_name(src, index)
    started = time.perf_counter()
    log.info("正在把字体 %s 转换为 TrueType（仅首次，约 10—20 秒）", src.name)
    try:
        data = _otf_to_ttf_bytes(src, index)
    except Exception as exc:  # fontTools raises many kinds on broken fonts
        raise RenderError(
            f"字体文件 {src} 无法转换为 TrueType：{exc}",
            location=Location(file=str(src)),
            fix="换用 .ttf 格式的字体文件，或在 fonts.yaml 中为该字体指定其他文件",
        ) from exc
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(
            f"无法创建字体缓存目录 {folder}：{exc.strerror or exc}",
            location=Location(file=str(folder)),
            fix="检查该目录的写入权限，或设置环境变量 XDG_CACHE_HOME 指向可写的目录",
        ) from exc
    _write_atomically(target, data)
    log.info("字体 %s 转换完成，用时 %.1f 秒", src.name, time.perf_counter() - started)
    return target


def font_coverage(src: Path, index: int = 0, cache: Path | None = None) -> frozenset[int]:
    """The code points font *src* (face *index*) has glyphs for.

    Read with fontTools once and kept in the cache folder (a sorted array of
    32-bit code points, keyed like conversions), so walking a fallback chain
    does not parse every font in it; ``frozenset()`` if the font is unreadable.
    """
    import array

    src = Path(src)
    folder = cache or cache_dir()
    try:
        target = folder / (_cache_name(src, index)[:-4] + ".cmap")
    except OSError:
        return frozenset()
    if target.is_file():
        data = array.array("I")
        data.frombytes(target.read_bytes())
        return frozenset(data)
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(src), fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
        font.close()
    except Exception:  # noqa: BLE001 - fontTools raises many kinds on broken fonts
        return frozenset()
    cps = frozenset(cp for cp, glyph in cmap.items() if glyph != ".notdef")
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(target, array.array("I", sorted(cps)).tobytes())
    return cps


# --------------------------------------------------------------------------
# User configuration


def _config_files() -> list[Path]:
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path.cwd() / "fonts.yaml", Path(xdg) / "docgen" / "fonts.yaml"]


def _user_font_dirs() -> list[Path]:
    env = os.environ.get("DOCGEN_FONT_DIR")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [Path.cwd() / "fonts"]


def _config_error(file: Path, line: int | None, key: str | None, msg: str, fix: str) -> DataError:
    return DataError(msg, location=Location(file=str(file), line=line, path=key), fix=fix)


def load_font_config(file: Path) -> dict[str, FontFace]:
    """Read one fonts.yaml: ``名称: 文件`` or ``名称: {file: 文件, index: 0, bold: 文件}``.

    Returns face entries keyed by normalized name; bold faces under the key
    ``name + "\\0bold"``.  Raises DataError (with line numbers) on bad entries.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    file = Path(file)
    fix_fmt = "每行写成“字体名: 字体文件路径”，例如“仿宋_GB2312: C:/Windows/Fonts/simfang.ttf”"
    try:
        data = YAML(typ="rt").load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _config_error(file, None, None, f"字体配置文件无法读取：{exc}", fix_fmt) from exc
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise _config_error(file, line, None, "字体配置文件格式错误", fix_fmt) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise _config_error(file, 1, None, "字体配置文件应为“字体名: 文件”的列表", fix_fmt)
    entries: dict[str, FontFace] = {}
    for key, value in data.items():
        line = None
        with contextlib.suppress(AttributeError, KeyError, TypeError):
            line = data.lc.key(key)[0] + 1
        name = str(key)
        index = 0
        bold_file = None
        if isinstance(value, str):
            regular_file = value
        elif isinstance(value, dict) and isinstance(value.get("file"), str):
            regular_file = value["file"]
            bold_file = value.get("bold")
            try:
                index = int(value.get("index", 0))
            except (TypeError, ValueError):
                raise _config_error(file, line, name, f"字体“{name}”的 index 应为整数",
                                    "index 是 .ttc 文件中的字体序号，从 0 开始") from None
        else:
            raise _config_error(file, line, name, f"字体“{name}”的写法无法识别", fix_fmt)
        for suffix, rel in (("", regular_file), ("\0bold", bold_file)):
            if rel is None:
                continue
            path = Path(os.path.expanduser(str(rel)))
            if not path.is_absolute():
                path = file.parent / path
            faces = read_faces(path) if path.is_file() else []
            if not faces:
                what = "不存在" if not path.is_file() else "不是可用的字体文件"
                raise _config_error(
                    file, line, name, f"字体“{name}”指定的文件 {path} {what}",
                    "检查文件路径（相对路径以 fonts.yaml 所在目录为准），文件应为 .ttf/.ttc/.otf")
            chosen = faces[index] if index < len(faces) else None
            if chosen is None:
                raise _config_error(file, line, name,
                                    f"字体文件 {path} 中没有序号为 {index} 的字体",
                                    f"该文件共有 {len(faces)} 个字体，index 应为 0—{len(faces) - 1}")
            entries[_norm(name) + suffix] = chosen
    return entries


# --------------------------------------------------------------------------
# The registry


def _reportlab_name(path: Path, index: int) -> str:
    digest = hashlib.sha1(f"{path}|{index}".encode()).hexdigest()[:8]
    stem = re.sub(r"[^A-Za-z0-9]+", "", path.stem)[:24] or "font"
    return f"dg-{stem}-{index}-{digest}"


@dataclass
class FontRegistry:
    """Resolves font names and registers the files with reportlab.

    Build one with :func:`get_registry` (environment: current folder,
    ``$DOCGEN_FONT_DIR``, ``$XDG_CONFIG_HOME``, ``$XDG_CACHE_HOME``); tests
    build their own with explicit folders.
    """

    config_files: tuple[Path, ...] = ()
    user_font_dirs: tuple[Path, ...] = ()
    cache: Path = field(default_factory=cache_dir)
    use_system_fonts: bool = True
    warnings: list[DocgenWarning] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._config: dict[str, FontFace] | None = None
        self._user: _FaceIndex | None = None
        self._system: _FaceIndex | None = None
        self._resolved: dict[tuple[str, bool], ResolvedFont] = {}
        self._registered: dict[tuple[str, bool], ResolvedFont] = {}
        self._warned: set[str] = set()
        self._substituted: dict[str, DocgenWarning] = {}
        self._chains: dict[tuple[str, bool], list[ResolvedFont]] = {}
        self._coverage: dict[tuple[Path, int], frozenset[int]] = {}

    # -- lazily built indexes ------------------------------------------------

    def _config_entries(self) -> dict[str, FontFace]:
        if self._config is None:
            merged: dict[str, FontFace] = {}
            for file in reversed(self.config_files):  # earlier files win
                if file.is_file():
                    merged.update(load_font_config(file))
            self._config = merged
        return self._config

    def _user_index(self) -> _FaceIndex:
        if self._user is None:
            faces: list[FontFace] = []
            for folder in self.user_font_dirs:
                faces.extend(_scan_folder(folder))
            self._user = _FaceIndex(faces)
        return self._user

    def _system_index(self) -> _FaceIndex:
        if self._system is None:
            self._system = _FaceIndex(_fc_list_faces() if self.use_system_fonts else [])
        return self._system

    # -- resolution ------------------------------------------------------------

    def _from_user_sources(self, requested: str, names: Iterable[str],
                           bold: bool) -> ResolvedFont | None:
        config = self._config_entries()
        for name in names:
            key = _norm(name)
            if bold and key + "\0bold" in config:
                return self._make(requested, config[key + "\0bold"], SOURCE_CONFIG, False)
            if key in config:
                face = config[key]
                return self._make(requested, face, SOURCE_CONFIG, bold and not face.bold)
        for index, source in ((self._user_index(), SOURCE_USER_DIR),
                              (self._system_index(), SOURCE_SYSTEM)):
            for name in names:
                hit = index.find(name, bold)
                if hit:
                    return self._make(requested, hit[0], source, hit[1])
        return None

    def _from_fallbacks(self, requested: str, role: _Role, bold: bool) -> ResolvedFont | None:
        for cand in role.fallbacks:
            face = _candidate_face(cand, cand.paths, self._system_index())
            if face is None:
                continue
            if bold:
                bold_face = _candidate_face(cand, cand.bold_paths, None) if cand.bold_paths else None
                if bold_face is not None:
                    return self._make(requested, bold_face, SOURCE_FALLBACK, False)
            return self._make(requested, face, SOURCE_FALLBACK, bold)
        return None

    def _make(self, requested: str, face: FontFace, source: str, fake_bold: bool) -> ResolvedFont:
        embedded = cached_conversion(face.path, face.index, self.cache) if face.cff else face.path
        return ResolvedFont(
            requested=requested, family=face.family, path=face.path,
            subfont_index=face.index, source=source,
            reportlab_name=_reportlab_name(face.path, face.index), fake_bold=fake_bold,
            embedded_path=embedded, postscript_name=face.postscript_name,
        )

    def resolve(self, name: str, *, bold: bool = False) -> ResolvedFont:
        """Which file serves *name*, without registering or converting it."""
        key = (_norm(name), bold)
        hit = self._resolved.get(key)
        if hit is not None:
            return hit
        result = self._resolve_uncached(name.strip(), bold)
        self._resolved[key] = result
        return result

    def _resolve_uncached(self, name: str, bold: bool) -> ResolvedFont:
        exact = equivalent_names(name)
        role = _ROLE_BY_KEY.get(_norm(name))
        style = role.style if role is not None else guess_style(name)
        found = self._from_user_sources(name, exact, bold)
        if found:
            return replace(found, style=style)
        if role is not None:
            cousins = [n for n in role.names if _norm(n) not in {_norm(e) for e in exact}]
            found = self._from_user_sources(name, cousins, bold)
            if found:
                return replace(found, style=style)
            found = self._from_fallbacks(name, role, bold)
            if found:
                if role.warn:
                    self._warn_substitute(name, found, style)
                return replace(found, style=style)
            if role.required:
                raise _missing_fallback_error(name, role)
        stand_in = self.resolve(_stand_in_name(name, style), bold=bold)
        from .symbols import is_symbol_font

        if not is_symbol_font(name):  # Symbol/Wingdings codes become Unicode: no font needed
            self._warn_substitute(name, stand_in, style)
        return replace(stand_in, requested=name, style=style)

    def _warn_substitute(self, name: str, sub: ResolvedFont, style: str) -> None:
        key = _norm(name)
        if key in self._warned:
            return
        self._warned.add(key)
        warning = DocgenWarning(
            f"本机没有字体“{name}”，PDF 中改用“{sub.family}”（{STYLE_NAMES.get(style, '')}替代字体）",
            fix=f"如需使用真实字体，把“{name}”的字体文件放入字体目录（环境变量 "
                "DOCGEN_FONT_DIR 或当前目录下的 fonts/），或在 fonts.yaml 中写明文件路径；"
                "也可在模板中改用公文标准字体",
        )
        self._substituted[key] = warning
        self.warnings.append(warning)

    def substitution_warnings(self, names: Iterable[str]) -> list[DocgenWarning]:
        """The warnings for those of *names* served by the body font instead.

        Resolution is cached per process, but every document that uses a
        substituted name must carry its warning (a batch builds many
        documents in one worker): the layout records the names a document
        uses and asks here.  Each warning appears once, in the order of
        *names*; names not yet resolved are resolved first.
        """
        out: list[DocgenWarning] = []
        for name in names:
            key = _norm(name)
            if key not in self._substituted and (key, False) not in self._resolved:
                self.resolve(name)
            warning = self._substituted.get(key)
            if warning is not None and warning not in out:
                out.append(warning)
        return out

    def get(self, name: str, *, bold: bool = False) -> ResolvedFont:
        """Resolve *name*, convert it if needed, and register it with reportlab (once)."""
        key = (_norm(name), bold)
        hit = self._registered.get(key)
        if hit is not None:
            return hit
        font = self.resolve(name, bold=bold)
        if font.embedded_path is None:
            font = self.ensure(font)
            self._resolved[key] = font
        else:
            _register_with_reportlab(font, self.cache)
        self._registered[key] = font
        return font

    def ensure(self, font: ResolvedFont) -> ResolvedFont:
        """*font* converted (if CFF) and registered with reportlab."""
        if font.embedded_path is None:
            converted = convert_to_truetype(font.path, font.subfont_index, self.cache)
            font = replace(font, embedded_path=converted)
        _register_with_reportlab(font, self.cache)
        return font

    def fallback_fonts(self, style: str, cjk: bool) -> list[ResolvedFont]:
        """The installed fonts of :func:`fallback_chain`, in order (resolved once).

        The chain starts with the official font of the style (宋体, 黑体,
        楷体_GB2312: a real one when installed), then the wide-coverage faces.
        """
        key = (style, cjk)
        hit = self._chains.get(key)
        if hit is not None:
            return hit
        out: list[ResolvedFont] = []
        if cjk:
            out.append(self.resolve(_STYLE_OFFICIAL.get(style, "宋体")))
        for cand, face in self.chain_faces(style, cjk):
            if face is not None:
                out.append(self._make(f"（缺字回退）{cand.family}", face, SOURCE_FALLBACK, False))
        self._chains[key] = out
        return out

    def covers(self, font: ResolvedFont, ch: str) -> bool:
        """True if *font* has a glyph for *ch* (its cmap read once, cached on disk)."""
        ident = (font.path, font.subfont_index)
        cps = self._coverage.get(ident)
        if cps is None:
            cps = self._coverage[ident] = font_coverage(font.path, font.subfont_index, self.cache)
        return ord(ch) in cps

    def chain_faces(self, style: str, cjk: bool) -> list[tuple[_Candidate, FontFace | None]]:
        """Each candidate of the style's chain with its installed face (None: not installed)."""
        return [(c, _candidate_face(c, c.paths, self._system_index()))
                for c in fallback_chain(style, cjk)]

    def prepare(self, names: Iterable[str] | None = None) -> list[tuple[ResolvedFont, float]]:
        """Convert (and cache) every CFF font the names need; returns (font, seconds) pairs."""
        done: list[tuple[ResolvedFont, float]] = []
        seen: set[tuple[Path, int]] = set()
        for name in names if names is not None else OFFICIAL_NAMES:
            for bold in (False, True):
                font = self.resolve(name, bold=bold)
                ident = (font.path, font.subfont_index)
                if ident in seen or not font.needs_conversion:
                    continue
                seen.add(ident)
                started = time.perf_counter()
                self.get(name, bold=bold)
                done.append((self.resolve(name, bold=bold), time.perf_counter() - started))
        return done


def _stand_in_name(name: str, style: str) -> str:
    """The known name whose font stands in for an unknown *name* of that style."""
    latin = name.isascii()
    if style == "mono":
        return "Courier New"
    if style == "sans":
        return "Arial" if latin else "黑体"
    if style == "kai":
        return "楷体_GB2312"
    if latin:
        return "Times New Roman"
    if "仿宋" in name:
        return BODY_FONT
    if any(w in name for w in ("宋", "明", "명조", "바탕")):  # 宋体, 明朝 (mincho), Korean serifs
        return "宋体"
    return BODY_FONT


def _candidate_face(cand: _Candidate, paths: tuple[str, ...],
                    system: _FaceIndex | None) -> FontFace | None:
    for p in paths:
        path = Path(p)
        if path.is_file():
            faces = read_faces(path)
            match = [f for f in faces if _norm(cand.family) in {_norm(x) for x in f.families}]
            if match or faces:
                return (match or faces)[0]
    if system is not None:
        hit = system.find(cand.family, False)
        if hit:
            return hit[0]
    return None


def _missing_fallback_error(name: str, role: _Role) -> RenderError:
    packages = []
    for cand in role.fallbacks:
        if cand.package not in packages:
            packages.append(cand.package)
    families = "、".join(c.family for c in role.fallbacks)
    return RenderError(
        f"找不到字体“{name}”，也找不到它的开源替代字体（{families}）",
        fix=f"安装替代字体：sudo apt-get install {packages[0]}"
            + (f"（或 {'、'.join(packages[1:])}）" if len(packages) > 1 else "")
            + f"；或把真实的“{name}”字体文件放入字体目录（DOCGEN_FONT_DIR 或 ./fonts/）",
    )


_REPORTLAB_DONE: set[str] = set()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with characters beyond U+FFFF as UTF-16 surrogate pairs.

    reportlab 4/5 writes ``<%04X>`` of the code point, which a reader takes as
    four hex digits: 𡒄 (U+21484) would be extracted as ⅈ (U+2148).
    """
    def utf16(cp: int) -> str:
        return (chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()
                if cp > 0xFFFF else f"{cp:04X}")

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo", f"<< /Registry ({fontname})", f"/Ordering ({fontname})",
        "/Supplement 0", ">> def", f"/CMapName /{fontname} def", "/CMapType 2 def",
        "1 begincodespacerange", f"<00> <{len(subset) - 1:02X}>", "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *[f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)],
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ])


def _patch_reportlab_to_unicode() -> None:
    from reportlab.pdfbase import ttfonts

    if ttfonts.makeToUnicodeCMap is not _to_unicode_cmap:
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def _register_with_reportlab(font: ResolvedFont, cache: Path | None = None) -> None:
    """pdfmetrics.registerFont(TTFont(...)) once per process per file.

    The parsed face comes from :mod:`docgen.pdf.font_cache` when it has an
    entry for the file; otherwise reportlab parses the file and the entry is
    written for the next process.
    """
    if font.reportlab_name in _REPORTLAB_DONE:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    from . import font_cache

    assert font.embedded_path is not None
    _patch_reportlab_to_unicode()
    index = 0 if font.embedded_path != font.path else font.subfont_index
    folder = cache or cache_dir()
    face = font_cache.load_face(font.embedded_path, index, folder)
    if face is not None:
        pdfmetrics.registerFont(font_cache.make_ttfont(font.reportlab_name, face))
        _REPORTLAB_DONE.add(font.reportlab_name)
        return
    try:
        parsed = TTFont(font.reportlab_name, str(font.embedded_path), subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError, AssertionError) as exc:
        raise RenderError(
            f"字体文件 {font.path} 无法嵌入 PDF：{exc}",
            location=Location(file=str(font.path)),
            fix="该字体可能禁止嵌入或已损坏；请换用其他字体文件（在 fonts.yaml 中指定）",
        ) from exc
    _fix_trailing_advances(parsed.face)
    pdfmetrics.registerFont(parsed)
    if font_cache.ttfont_matches(parsed):
        font_cache.store_face(parsed.face, font.embedded_path, index, folder)
    _REPORTLAB_DONE.add(font.reportlab_name)


def _fix_trailing_advances(face) -> None:
    """Undo a reportlab 5 subsetting bug for fonts whose hmtx ends in a run of one advance.

    reportlab stores the advance of glyphs past ``numberOfHMetrics`` already scaled to
    1000 units per em, then writes it unscaled into the subset's hmtx: in a 1024-unit
    font (HanaMin) such a glyph is embedded 2.3 % too narrow and the PDF/A rule 6.2.11.5
    (widths agree with the font program) fails.  The raw advance is the last full entry's.
    """
    metrics = getattr(face, "hmetrics", None)
    if not metrics:
        return
    try:
        face.seek_table("hhea", 34)  # numberOfHMetrics
        count = face.read_ushort()
    except Exception:  # noqa: BLE001 - unreadable here means reportlab read it its own way
        return
    if 0 < count < len(metrics):
        raw = metrics[count - 1][0]
        for i in range(count, len(metrics)):
            metrics[i] = (raw, metrics[i][1])


_REGISTRY: FontRegistry | None = None


def get_registry() -> FontRegistry:
    """The process-wide registry built from the environment (created on first call)."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = FontRegistry(
            config_files=tuple(_config_files()),
            user_font_dirs=tuple(_user_font_dirs()),
            cache=cache_dir(),
        )
    return _REGISTRY


def reset_registry() -> None:
    """Forget the process-wide registry (after the environment changed)."""
    global _REGISTRY
    _REGISTRY = None


def font_table(names: Iterable[str] | None = None,
               registry: FontRegistry | None = None) -> list[ResolvedFont]:
    """Which file serves each name (default: the official names), for ``docgen fonts``."""
    reg = registry or get_registry()
    return [reg.resolve(n) for n in (names if names is not None else OFFICIAL_NAMES)]
