"""Font faces and glyph advances for layout.

Takes docx font names (仿宋_GB2312, 黑体 …) and asks the font registry
(:mod:`docgen.pdf.fonts`) which TrueType file serves them; returns
:class:`Face` values (reportlab font name, ascent/descent per 1000 units,
whether bold must be faked) and cached per-character advances in points.
:class:`FontBook` is per process; :class:`DocumentFonts` wraps it for one
document and knows which font names that document used (for its warnings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.pdfbase import pdfmetrics

from docgen.errors import DocgenWarning


@dataclass
class Face:
    """A registered font face: its metrics, whether bold is faked, and cached advances."""

    name: str  # reportlab font name
    ascent: float  # per 1000 units of size, positive
    descent: float  # per 1000 units of size, positive
    fake_bold: bool
    family: str
    widths: dict[str, float] = field(default_factory=dict)
    font: object = None
    # Line metrics per 1000 units as LibreOffice uses them for line heights (hhea
    # ascender + line gap, -descender); 0 = same as ascent/descent.
    line_ascent: float = 0.0
    line_descent: float = 0.0

    def advance(self, ch: str) -> float:
        """Advance of ``ch`` in 1000ths of the font size."""
        w = self.widths.get(ch)
        if w is None:
            # the width table itself, not stringWidth: reportlab's C accelerator rounds
            # stringWidth differently from its Python fallback
            face = getattr(self.font, "face", None)
            char_widths = getattr(face, "charWidths", None)
            if char_widths is not None:
                w = char_widths.get(ord(ch), face.defaultWidth)
            else:
                w = self.font.stringWidth(ch, 1000)  # type: ignore[attr-defined]
            self.widths[ch] = w
        return w

    def cmap(self) -> dict[int, int] | None:
        """The font's code point -> glyph map (looked up once per face); None = has everything."""
        cmap = self.__dict__.get("_cmap", False)
        if cmap is False:
            cmap = self.__dict__["_cmap"] = getattr(getattr(self.font, "face", None),
                                                    "charToGlyph", None)
        return cmap

    def has(self, ch: str) -> bool:
        """True if the font has a glyph for ``ch``."""
        cmap = self.cmap()
        return cmap is None or ord(ch) in cmap


def _hhea_metrics(ff, asc: float, desc: float) -> tuple[float, float]:
    """(ascender + line gap, -descender) of the font's hhea table per 1000 units.

    LibreOffice sizes lines with these (measured on LibreOffice 7.4: a 16-pt
    FandolFang line — hhea 880/-120/200 — is 19.2 pt high, its baseline 17.28 pt
    below the line top); reportlab's ascent/descent are the OS/2 typographic values.
    """
    try:
        ff.seek_table("hhea")
        ff.skip(4)
        ascender, descender, gap = ff.read_short(), ff.read_short(), ff.read_short()
        upem = float(getattr(ff, "unitsPerEm", 1000) or 1000)
    except Exception:  # noqa: BLE001 - not a TrueType face reportlab parsed: keep OS/2 values
        return asc, desc
    if ascender <= 0:
        return asc, desc
    scale = 1000 / upem
    return (ascender + max(gap, 0)) * scale, abs(descender) * scale


class FontBook:
    """Faces by (docx font name, bold), resolved once per process."""

    def __init__(self, registry=None):
        if registry is None:
            from docgen.pdf.fonts import get_registry

            registry = get_registry()
        self.registry = registry
        self._faces: dict[tuple[str, bool], Face] = {}
        self._by_rl: dict[str, Face] = {}
        self._styles: dict[str, str] = {}  # reportlab name -> serif/sans/kai/mono
        self._cover: dict[tuple[str, bool, str], Face | None] = {}

    def face(self, name: str, bold: bool = False) -> Face:
        key = (name, bold)
        face = self._faces.get(key)
        if face is None:
            resolved = self.registry.get(name, bold=bold)
            face = self._face_of(resolved, bool(resolved.fake_bold))
            self._styles[face.name] = getattr(resolved, "style", "serif")
            self._faces[key] = face
        return face

    def _face_of(self, resolved, fake_bold: bool) -> Face:
        base = self._by_rl.get(resolved.reportlab_name)
        font = pdfmetrics.getFont(resolved.reportlab_name)
        if base is None:
            ff = font.face
            asc = float(getattr(ff, "ascent", 880) or 880)
            desc = abs(float(getattr(ff, "descent", -120) or -120))
            base = Face(resolved.reportlab_name, asc, desc, False, resolved.family, font=font)
            base.line_ascent, base.line_descent = _hhea_metrics(ff, asc, desc)
            self._by_rl[resolved.reportlab_name] = base
        return Face(base.name, base.ascent, base.descent, fake_bold, base.family, base.widths,
                    font, base.line_ascent, base.line_descent)

    def cover(self, face: Face, ch: str, bold: bool, cjk: bool) -> Face | None:
        """The first font of ``face``'s fallback chain that has ``ch`` (None: none has).

        Cached per (face, character); a fallback face is simulated bold when
        bold was asked for (fallback fonts are used in their regular weight).
        """
        key = (face.name, bold, ch)
        if key in self._cover:
            return self._cover[key]
        found = None
        chain = getattr(self.registry, "fallback_fonts", None)
        for resolved in chain(self._styles.get(face.name, "serif"), cjk) if chain else ():
            if resolved.reportlab_name == face.name or not self.registry.covers(resolved, ch):
                continue
            resolved = self.registry.ensure(resolved)
            fb = self._faces.get(("\0" + resolved.reportlab_name, bold))
            if fb is None:
                fb = self._face_of(resolved, bold)
                self._faces[("\0" + resolved.reportlab_name, bold)] = fb
            if fb.has(ch):
                found = fb
                break
        self._cover[key] = found
        return found

    @property
    def warnings(self) -> list[DocgenWarning]:
        return list(getattr(self.registry, "warnings", []))


class DocumentFonts:
    """The font book as one document sees it: faces, plus the names the document used.

    Faces come from the process-wide :class:`FontBook` (resolved, converted
    and registered once per process); :attr:`warnings` are the font
    substitution warnings for the names *this* document used, so every
    document of a batch reports them, not only the first one a worker builds.
    """

    def __init__(self, book: FontBook):
        self.book = book
        self.registry = book.registry
        self._faces: dict[tuple[str, bool], Face] = {}
        self.used: dict[str, None] = {}  # names in order of first use
        # while not None, every name asked for is also appended here (layout records
        # what one paragraph's composition used, to replay it when it reuses the result)
        self.recording: list[str] | None = None

    def face(self, name: str, bold: bool = False) -> Face:
        if self.recording is not None:
            self.recording.append(name)
        key = (name, bold)
        face = self._faces.get(key)
        if face is None:
            face = self.book.face(name, bold)
            self._faces[key] = face
            self.used.setdefault(name)
        return face

    def replay(self, names: tuple[str, ...]) -> None:
        """Record ``names`` as used, as composing the paragraph that asked for them would."""
        if self.recording is not None:  # inside a recording (a header or footer being kept)
            self.recording.extend(names)
        for name in names:
            self.used.setdefault(name)

    def cover(self, face: Face, ch: str, bold: bool, cjk: bool) -> Face | None:
        """See :meth:`FontBook.cover`."""
        return self.book.cover(face, ch, bold, cjk)

    @property
    def warnings(self) -> list[DocgenWarning]:
        """Substitution warnings for the fonts this document used."""
        ask = getattr(self.registry, "substitution_warnings", None)
        return list(ask(self.used)) if ask is not None else []


_BOOK: FontBook | None = None


def get_fontbook() -> FontBook:
    """The process-wide font book over :func:`docgen.pdf.fonts.get_registry`."""
    from docgen.pdf.fonts import get_registry

    global _BOOK
    registry = get_registry()
    if _BOOK is None or _BOOK.registry is not registry:
        _BOOK = FontBook(registry)
    return _BOOK
