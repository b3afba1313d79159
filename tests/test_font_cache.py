"""The on-disk cache of parsed font faces (docgen.pdf.font_cache).

Real fonts, real cold processes, real PDFs: a cold build with a cache entry
does not run reportlab's extractInfo, and the PDF is byte for byte the same
with no cache, a fresh cache and a damaged cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.pdf import font_cache
from docgen.pdf.fonts import cache_dir

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
KAI = Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf")

# Run in the child: count extractInfo calls, build the seed, print the count.
_CHILD = """
import json, sys
from reportlab.pdfbase import ttfonts
calls = []
original = ttfonts.TTFontFile.extractInfo
def counting(self, *a, **k):
    calls.append(self.filename)
    return original(self, *a, **k)
ttfonts.TTFontFile.extractInfo = counting
from docgen.build import build
build(sys.argv[1], out_dir=sys.argv[2], force=True)
print(json.dumps(calls))
"""


def _cache_home(tmp_path: Path) -> Path:
    """An XDG_CACHE_HOME holding only the CFF conversions (no face entries)."""
    home = tmp_path / "cache"
    fonts = home / "docgen" / "fonts"
    fonts.mkdir(parents=True)
    for ttf in cache_dir().glob("*.ttf"):  # converting Fandol again takes ~30 s
        os.symlink(ttf, fonts / ttf.name)
    return home


def _cold_build(home: Path, out: Path) -> tuple[list[str], bytes]:
    env = dict(os.environ, XDG_CACHE_HOME=str(home),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(SEED), str(out)], env=env,
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    calls = json.loads(proc.stdout.strip().splitlines()[-1])
    (pdf,) = out.glob("*.pdf")
    return calls, pdf.read_bytes()


def _entries(home: Path) -> list[Path]:
    return sorted((home / "docgen" / "fonts").glob("*.rlface"))


@pytest.mark.skipif(not list(cache_dir().glob("*.ttf")), reason="Fandol conversions not prepared")
def test_cold_build_uses_cache_and_pdf_is_identical(tmp_path: Path) -> None:
    home = _cache_home(tmp_path)
    parsed, first = _cold_build(home, tmp_path / "a")  # no entries: reportlab parses
    assert len(parsed) >= 3
    entries = _entries(home)
    assert len(entries) == len(parsed)

    cached, second = _cold_build(home, tmp_path / "b")  # entries: no parsing at all
    assert cached == []
    assert second == first

    # A damaged entry (one byte flipped in its arrays) is ignored and written again.
    victim = entries[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    again, third = _cold_build(home, tmp_path / "c")
    assert len(again) == 1
    assert third == first
    repaired, fourth = _cold_build(home, tmp_path / "d")
    assert repaired == []
    assert fourth == first

    # A truncated entry, and garbage: the same.
    victim.write_bytes(victim.read_bytes()[:100])
    entries[-1].write_bytes(b"not a cache entry")
    again, fifth = _cold_build(home, tmp_path / "e")
    assert len(again) == 2
    assert fifth == first


@pytest.mark.skipif(not KAI.is_file(), reason="fonts-arphic-gkai00mp not installed")
def test_changed_font_file_invalidates_its_entry(tmp_path: Path) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    font = tmp_path / "kai.ttf"
    shutil.copyfile(KAI, font)
    folder = tmp_path / "entries"
    parsed = TTFont("Kai", str(font))
    assert font_cache.store_face(parsed.face, font, 0, folder)
    loaded = font_cache.load_face(font, 0, folder)
    assert loaded is not None
    for name, value in vars(parsed.face).items():
        if name not in ("_ttf_data", "_pdfScale"):
            assert getattr(loaded, name) == value, name
    assert loaded.charWidths == parsed.face.charWidths
    assert loaded.makeSubset([0x4E00, 0x6587]) == parsed.face.makeSubset([0x4E00, 0x6587])

    st = font.stat()
    os.utime(font, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # same bytes, newer
    assert font_cache.load_face(font, 0, folder) is None
    with font.open("ab") as fh:  # different size
        fh.write(b"\0" * 4)
    os.utime(font, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert font_cache.load_face(font, 0, folder) is None
    assert font_cache.load_face(font, 1, folder) is None  # another face index


@pytest.mark.skipif(not KAI.is_file(), reason="fonts-arphic-gkai00mp not installed")
def test_font_changed_after_loading_is_an_error_not_wrong_glyphs(tmp_path: Path) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    from docgen.errors import RenderError

    font = tmp_path / "kai.ttf"
    shutil.copyfile(KAI, font)
    folder = tmp_path / "entries"
    assert font_cache.store_face(TTFont("Kai", str(font)).face, font, 0, folder)
    loaded = font_cache.load_face(font, 0, folder)
    assert loaded is not None
    font.write_bytes(font.read_bytes()[:-8])  # replaced before the subset is made
    with pytest.raises(RenderError, match="被修改"):
        loaded.makeSubset([0x4E00])


@pytest.mark.skipif(not KAI.is_file(), reason="fonts-arphic-gkai00mp not installed")
def test_unreadable_cache_folder_still_registers(tmp_path: Path) -> None:
    from reportlab.pdfbase.ttfonts import TTFont

    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    face = TTFont("Kai", str(KAI)).face
    assert not font_cache.store_face(face, KAI, 0, blocker / "fonts")
    assert font_cache.load_face(KAI, 0, blocker / "fonts") is None


@pytest.mark.skipif(not KAI.is_file(), reason="fonts-arphic-gkai00mp not installed")
def test_subsets_read_only_their_glyphs_and_equal_reportlabs(tmp_path: Path) -> None:
    """A cached face subsets from the glyphs it reads (pread), never the whole file,
    and gives makeSubset's bytes for any characters; a file changed between two
    subsets is an error."""
    from reportlab.pdfbase.ttfonts import TTFont

    from docgen.errors import RenderError

    font = tmp_path / "kai.ttf"
    shutil.copyfile(KAI, font)
    folder = tmp_path / "entries"
    parsed = TTFont("Kai", str(font)).face
    assert font_cache.store_face(parsed, font, 0, folder)
    loaded = font_cache.load_face(font, 0, folder)
    sets = [[0x4E00], [ord(c) for c in "法治政府建设情况报告（一）2022年，。"],
            sorted(parsed.charToGlyph)[:400], [0x41, 0x20, 0xA0, 0x10FFFF]]
    for chars in sets:
        assert loaded.makeSubset(chars) == parsed.makeSubset(chars)
    data = loaded.__dict__["_ttf_data"]
    assert isinstance(data, font_cache._FontBytes) and data._data is None  # never read whole
    assert bytes(data) == font.read_bytes()  # and whole when asked

    again = font_cache.load_face(font, 0, folder)
    assert again.makeSubset([0x4E00]) == parsed.makeSubset([0x4E00])
    st = font.stat()
    os.utime(font, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # touched meanwhile
    with pytest.raises(RenderError, match="被修改"):
        again.makeSubset([0x4E8C])
