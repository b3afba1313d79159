"""Font resolution, CFF conversion and reportlab registration, checked on real files and PDFs."""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from docgen.commands.fonts import format_table
from docgen.errors import DataError, RenderError
from docgen.pdf import fonts
from docgen.pdf.fonts import (
    OFFICIAL_NAMES,
    SOURCE_CONFIG,
    SOURCE_FALLBACK,
    SOURCE_USER_DIR,
    FontRegistry,
    cached_conversion,
    convert_to_truetype,
    font_table,
    read_faces,
)

KAI_TTF = Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf")
SMALL_CFF = Path("/usr/share/texmf/fonts/opentype/public/lm/lmroman10-regular.otf")


def bare_registry(tmp_path: Path, **kw) -> FontRegistry:
    """A registry that sees no user fonts and no fontconfig: only the open substitutes."""
    kw.setdefault("use_system_fonts", False)
    return FontRegistry(config_files=(), user_font_dirs=(), cache=fonts.cache_dir(), **kw)


def renamed_font(src: Path, dest: Path, family: str, english: str) -> Path:
    """Copy a TrueType font, renaming its family (as a real 仿宋_GB2312.ttf is named)."""
    font = TTFont(str(src))
    name = font["name"]
    name.names = [r for r in name.names if r.nameID not in (1, 4, 6, 16)]
    name.setName(english, 1, 3, 1, 0x409)
    name.setName(family, 1, 3, 1, 0x804)
    name.setName(english, 4, 3, 1, 0x409)
    name.setName(english.replace(" ", "").replace("_", ""), 6, 3, 1, 0x409)
    dest.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(dest))
    return dest


def embedded_fonts(pdf_bytes: bytes) -> list[tuple[str, bool]]:
    """(BaseFont, has FontFile2) of every font with a descriptor in the PDF."""
    out = []
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            for _key, font in page.Resources.get("/Font", {}).items():
                desc = font.get("/FontDescriptor")
                if desc is not None:
                    out.append((str(font.BaseFont), "/FontFile2" in desc))
    return out


# --- resolution -------------------------------------------------------------


def test_official_names_resolve_to_existing_truetype_capable_files(tmp_path):
    reg = bare_registry(tmp_path)
    table = font_table(registry=reg)
    assert [f.requested for f in table] == list(OFFICIAL_NAMES)
    for font in table:
        assert font.path.is_file(), font
        assert font.source == SOURCE_FALLBACK
    by_name = {f.requested: f for f in table}
    assert by_name["黑体"].family == "FandolHei"
    assert by_name["黑体"].subfont_index == 0
    assert by_name["楷体_GB2312"].family == "AR PL KaitiM GB"
    assert by_name["宋体"].family == "AR PL SungtiL GB"
    assert by_name["仿宋_GB2312"].family == "FandolFang"
    assert by_name["方正小标宋简体"].path.name == "FandolSong-Bold.otf"
    assert by_name["Times New Roman"].family in {"Liberation Serif", "DejaVu Serif"}
    # English aliases are the same font
    assert reg.resolve("SimHei").path == by_name["黑体"].path
    assert reg.resolve("FangSong").path == by_name["仿宋"].path
    assert reg.resolve("KaiTi").path == by_name["楷体"].path
    assert reg.resolve("SimSun").path == by_name["宋体"].path
    assert reg.resolve("FZXiaoBiaoSong-B05S").path == by_name["方正小标宋简体"].path


@pytest.mark.parametrize(
    ("name", "family", "warned"),
    [
        # metric twins of the Office fonts: same advances, no warning
        ("Calibri", "Carlito", False),
        ("Cambria", "Caladea", False),
        ("Courier New", "Liberation Mono", False),
        ("Arial", "Liberation Sans", False),
        ("Times New Roman", "Liberation Serif", False),
        # CJK sans names: a 黑体 face, never 仿宋, and a warning
        ("微软雅黑", "FandolHei", True),
        ("Microsoft YaHei", "FandolHei", True),
        ("等线", "FandolHei", True),
        # Japanese/Korean sans names (corpus 091 asks for ヒラギノ角ゴ Pro W3): 黑体, not 仿宋
        ("ヒラギノ角ゴ Pro W3", "FandolHei", True),
        ("ＭＳ Ｐゴシック", "FandolHei", True),
        ("맑은 고딕", "FandolHei", True),
        ("바탕", "AR PL SungtiL GB", True),
        # unknown names: a stand-in of the same kind, and a warning
        ("Segoe UI", "Liberation Sans", True),
        ("Consolas", "Liberation Mono", True),
        ("Garamond", "Liberation Serif", True),
        ("华文楷体", "AR PL KaitiM GB", True),
        ("方正仿宋_GBK", "FandolFang", True),
        ("某某字体", "FandolFang", True),
    ],
)
def test_missing_fonts_fall_back_by_kind(tmp_path, name, family, warned):
    reg = bare_registry(tmp_path)
    font = reg.resolve(name)
    reg.resolve(name)
    reg.resolve(name, bold=True)
    assert font.requested == name
    assert font.family == family
    assert len(reg.warnings) == int(warned)
    if warned:
        text = reg.warnings[0].describe()
        assert name in text and family in text and "DOCGEN_FONT_DIR" in text


def test_heiti_substitute_sets_the_comma_low_left_as_gb_fonts_do(tmp_path):
    """The 黑体 substitute's "，" and "。" sit in the lower left of the em square (issue 10.7)."""
    from fontTools.pens.boundsPen import BoundsPen

    font = bare_registry(tmp_path).get("黑体")
    tt = TTFont(str(font.embedded_path))
    upem = tt["head"].unitsPerEm
    glyphs = tt.getGlyphSet()
    for ch in "，。、":
        pen = BoundsPen(glyphs)
        glyphs[tt.getBestCmap()[ord(ch)]].draw(pen)
        x_min, y_min, x_max, y_max = pen.bounds
        assert x_max < 0.5 * upem and y_max < 0.35 * upem, (ch, pen.bounds)


def test_bold_uses_bold_file_when_substitute_has_one_else_fake_bold(tmp_path):
    reg = bare_registry(tmp_path)
    times_bold = reg.resolve("Times New Roman", bold=True)
    assert not times_bold.fake_bold
    assert "Bold" in times_bold.path.name
    kai_bold = reg.resolve("楷体_GB2312", bold=True)
    assert kai_bold.fake_bold
    assert kai_bold.path == reg.resolve("楷体_GB2312").path


def test_user_font_dir_serves_real_font_by_family_name(tmp_path):
    folder = tmp_path / "fonts"
    real = renamed_font(KAI_TTF, folder / "sub" / "FS_GB2312.ttf", "仿宋_GB2312", "FangSong_GB2312")
    reg = FontRegistry(user_font_dirs=(folder,), use_system_fonts=False, cache=tmp_path / "c")
    for name in ("仿宋_GB2312", "FangSong_GB2312", "仿宋"):  # exact, English alias, cousin
        font = reg.get(name)
        assert font.path == real, name
        assert font.source == SOURCE_USER_DIR
        assert font.family == "FangSong_GB2312"
    # a name the folder does not hold still gets its substitute
    assert reg.resolve("黑体").source == SOURCE_FALLBACK
    assert reg.warnings == []


def test_fonts_yaml_maps_name_to_file_relative_to_config(tmp_path):
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    shutil.copy(KAI_TTF, conf_dir / "my-hei.ttf")
    config = conf_dir / "fonts.yaml"
    config.write_text("黑体: my-hei.ttf\nTimes New Roman:\n  file: my-hei.ttf\n  index: 0\n",
                      encoding="utf-8")
    reg = FontRegistry(config_files=(config,), use_system_fonts=False, cache=tmp_path / "c")
    font = reg.get("SimHei")
    assert font.source == SOURCE_CONFIG
    assert font.path == conf_dir / "my-hei.ttf"
    assert reg.resolve("Times New Roman").source == SOURCE_CONFIG


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("宋体: song.ttf\n黑体: nowhere.ttf\n", 2, "nowhere.ttf"),
        ("宋体: [1, 2]\n", 1, "写法无法识别"),
        ("宋体: {file: song.ttf, index: 5}\n", 1, "序号为 5"),
        ("宋体: song.ttf\n  bad: : :\n", 2, "格式错误"),
    ],
)
def test_bad_fonts_yaml_is_a_located_chinese_error(tmp_path, text, line, needle):
    shutil.copy(KAI_TTF, tmp_path / "song.ttf")
    config = tmp_path / "fonts.yaml"
    config.write_text(text, encoding="utf-8")
    reg = FontRegistry(config_files=(config,), use_system_fonts=False, cache=tmp_path / "c")
    with pytest.raises(DataError) as info:
        reg.resolve("宋体")
    err = info.value
    assert err.location.file == str(config)
    assert err.location.line == line
    assert needle in err.describe()
    assert err.fix


def test_missing_substitute_names_the_apt_package(tmp_path, monkeypatch):
    role = fonts._ROLE_BY_KEY[fonts._norm("黑体")]
    gone = fonts._Role(names=role.names, fallbacks=tuple(
        fonts._Candidate(c.family, (str(tmp_path / "absent.ttf"),), c.package)
        for c in role.fallbacks))
    monkeypatch.setitem(fonts._ROLE_BY_KEY, fonts._norm("黑体"), gone)
    reg = bare_registry(tmp_path)
    with pytest.raises(RenderError) as info:
        reg.resolve("黑体")
    text = info.value.describe()
    assert "apt-get install texlive-lang-chinese" in text and "fonts-wqy-zenhei" in text
    assert "黑体" in text


# --- conversion and cache -----------------------------------------------------


def test_cff_conversion_is_truetype_with_same_glyphs_and_cached(tmp_path):
    src = tmp_path / "lm.otf"
    shutil.copy(SMALL_CFF, src)
    cache = tmp_path / "cache"
    assert cached_conversion(src, 0, cache) is None
    out = convert_to_truetype(src, 0, cache)
    assert out.parent == cache
    converted, original = TTFont(str(out)), TTFont(str(src))
    assert "glyf" in converted and "CFF " not in converted
    assert converted.sfntVersion == "\x00\x01\x00\x00"
    assert converted.getGlyphOrder() == original.getGlyphOrder()
    assert converted.getBestCmap() == original.getBestCmap()
    assert converted["hmtx"]["A"][0] == original["hmtx"]["A"][0]
    stamp = out.stat().st_mtime_ns
    assert convert_to_truetype(src, 0, cache) == out  # cache hit: same file, not rewritten
    assert out.stat().st_mtime_ns == stamp
    assert [p.name for p in cache.iterdir()] == [out.name]  # no temp files left
    # a changed source file gets a new cache entry
    os.utime(src, ns=(stamp, stamp + 10**9))
    assert cached_conversion(src, 0, cache) is None
    assert convert_to_truetype(src, 0, cache) != out


def _convert_in_child(args: tuple[str, str]) -> str:
    src, cache = args
    return str(convert_to_truetype(Path(src), 0, Path(cache)))


def test_concurrent_conversions_leave_one_valid_file(tmp_path):
    src = tmp_path / "lm.otf"
    shutil.copy(SMALL_CFF, src)
    cache = tmp_path / "cache"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(_convert_in_child, [(str(src), str(cache))] * 4)
    assert len(set(results)) == 1
    files = list(cache.iterdir())
    assert [p.name for p in files] == [Path(results[0]).name]
    assert "glyf" in TTFont(str(files[0]))


def test_user_cff_font_is_converted_and_embedded(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    shutil.copy(SMALL_CFF, folder / "lm.otf")
    reg = FontRegistry(user_font_dirs=(folder,), use_system_fonts=False, cache=tmp_path / "c")
    font = reg.resolve("Latin Modern Roman")
    assert font.source == SOURCE_USER_DIR and font.needs_conversion
    font = reg.get("Latin Modern Roman")
    assert font.embedded_path is not None and font.embedded_path.parent == tmp_path / "c"
    assert read_faces(font.embedded_path)[0].cff is False


# --- reportlab registration and embedding -------------------------------------


def test_get_registers_fonts_that_embed_as_truetype(tmp_path):
    reg = bare_registry(tmp_path)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    y = 800
    used = {}
    for name in ("仿宋_GB2312", "黑体", "楷体_GB2312", "宋体", "方正小标宋简体", "Times New Roman"):
        font = reg.get(name)
        assert reg.get(name) is font  # cached
        assert pdfmetrics.getFont(font.reportlab_name) is not None
        assert font.embedded_path is not None and not read_faces(font.embedded_path)[0].cff
        used[name] = font
        c.setFont(font.reportlab_name, 16)
        c.drawString(72, y, f"{name}：关于2022年法治政府建设情况的报告 ABC 123")
        y -= 30
    c.save()
    found = embedded_fonts(buf.getvalue())
    assert found and all(has_file for _name, has_file in found)
    base_names = {name.split("+", 1)[-1] for name, _ in found}
    for font in used.values():
        ps = read_faces(font.embedded_path)[0].postscript_name
        assert any(b.startswith(ps.replace(" ", "")) for b in base_names), (ps, base_names)


def test_format_table_lists_each_name_with_file_and_source(tmp_path):
    reg = bare_registry(tmp_path)
    text = format_table(font_table(registry=reg))
    lines = text.splitlines()
    assert lines[0].split() == ["字体名", "实际字体", "文件", "来源"]
    assert len(lines) == 1 + len(OFFICIAL_NAMES)
    assert "FandolHei-Regular.otf" in next(line for line in lines if line.startswith("黑体"))
    assert all(line.endswith(SOURCE_FALLBACK) for line in lines[1:])


def test_docgen_fonts_command_prints_the_table(tmp_path, monkeypatch, capsys):
    from docgen.cli import main

    folder = tmp_path / "fonts"
    renamed_font(KAI_TTF, folder / "hei.ttf", "黑体", "SimHei")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DOCGEN_FONT_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    fonts.reset_registry()
    try:
        assert main(["fonts", "黑体", "不存在的字体"]) == 0
    finally:
        fonts.reset_registry()
    out = capsys.readouterr().out
    hei = next(line for line in out.splitlines() if line.startswith("黑体"))
    assert str(folder / "hei.ttf") in hei and hei.endswith(SOURCE_USER_DIR)
    assert "警告" in out and "不存在的字体" in out


def test_docgen_fonts_prepare_converts_into_the_cache(tmp_path, monkeypatch, capsys):
    from docgen.cli import main

    folder = tmp_path / "myfonts"
    folder.mkdir()
    shutil.copy(SMALL_CFF, folder / "lm.otf")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCGEN_FONT_DIR", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    fonts.reset_registry()
    try:
        assert main(["fonts", "--prepare", "Latin Modern Roman"]) == 0
        first = capsys.readouterr().out
        fonts.reset_registry()
        assert main(["fonts", "--prepare", "Latin Modern Roman"]) == 0
        second = capsys.readouterr().out
    finally:
        fonts.reset_registry()
    converted = list((tmp_path / "cache" / "docgen" / "fonts").glob("*.ttf"))
    assert len(converted) == 1
    assert "已转换" in first and str(converted[0]) in first
    assert "无需转换" in second
    assert "首次使用时转换" not in second


def test_every_document_using_a_substituted_font_carries_its_warning(tmp_path):
    """Resolution is cached per process; the warning is per document (batch workers)."""
    from pdf_fixtures import FONT, gb_docx, para

    from docgen.pdf import docx_to_pdf

    odd = FONT.format(f="华文彩云")
    uses = [gb_docx(tmp_path / f"{n}.docx", [para(f"第{n}份", rpr=odd)]) for n in range(3)]
    plain = gb_docx(tmp_path / "plain.docx", [para("不用特殊字体")])
    only_ascii = gb_docx(tmp_path / "ascii.docx", [para(
        "全是中文", rpr='<w:rFonts w:ascii="华文彩云" w:hAnsi="华文彩云"/>')])

    def font_warnings(path):
        return [w.message for w in docx_to_pdf(path).warnings if "华文彩云" in w.message]

    for path in uses:
        assert len(font_warnings(path)) == 1, path.name
    assert font_warnings(plain) == []
    assert font_warnings(only_ascii) == []  # named for Latin text, but no Latin text: not used
    assert len([w for w in fonts.get_registry().warnings if "华文彩云" in w.message]) == 1


def test_docgen_fonts_names_the_fallback_chains_and_missing_packages(tmp_path, monkeypatch):
    from docgen.commands.fonts import fallback_report

    text = fallback_report(bare_registry(tmp_path))
    assert "BabelStone Han → HanaMinA → HanaMinB" in text and "回退字体均已安装" in text
    gone = fonts._Candidate("BabelStone Han", (str(tmp_path / "absent.ttf"),),
                            "fonts-babelstone-han")
    for style, chain in list(fonts._CJK_CHAINS.items()):
        monkeypatch.setitem(fonts._CJK_CHAINS, style, tuple(
            gone if c.family == gone.family else c for c in chain))
    text = fallback_report(bare_registry(tmp_path))
    assert "BabelStone Han（未安装）" in text
    assert "sudo apt-get install fonts-babelstone-han" in text


def test_advances_come_from_the_width_table_not_stringwidth():
    """Face.advance is the font's own width table, exactly.

    reportlab's C accelerator (rl_accel, a dependency) and its Python fallback round
    ``stringWidth`` differently (a corpus file's PDF moved by 0.001 pt), so widths
    read through it would make the PDF depend on whether the accelerator loaded.
    """
    from docgen.pdf.metrics import get_fontbook

    face = get_fontbook().face("仿宋_GB2312")
    table = face.font.face.charWidths
    for ch in "法治政府建设情况报告2022年,（）AaWw":
        assert face.advance(ch) == table.get(ord(ch), face.font.face.defaultWidth)
    odd = [cp for cp, w in table.items() if w != int(w)]
    if odd:  # a width that is not a whole number survives unrounded
        assert face.advance(chr(odd[0])) == table[odd[0]]


def test_prefetched_system_font_list_is_the_same_list(monkeypatch):
    """`docgen build` starts fc-list early; what it reads is what a late run lists."""
    import shutil

    import docgen.pdf.fonts as fonts

    if not shutil.which("fc-list"):
        pytest.skip("no fontconfig here")
    monkeypatch.setattr(fonts, "_REGISTRY", None)
    late = fonts._fc_list_faces()
    fonts.prefetch_system_fonts()
    assert fonts._fc_running is not None
    fonts.prefetch_system_fonts()  # a second call starts nothing more
    early = fonts._fc_list_faces()
    assert fonts._fc_running is None  # read, and not read again
    assert early == late and len(early) > 0


def test_a_failed_prefetch_lists_nothing_rather_than_hang(monkeypatch, tmp_path):
    import docgen.pdf.fonts as fonts

    fake = tmp_path / "fc-list"
    fake.write_text("#!/bin/sh\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(fonts, "_REGISTRY", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    fonts.prefetch_system_fonts()
    assert fonts._fc_list_faces() == []


def test_a_forked_child_lists_the_fonts_itself(monkeypatch):
    """A batch worker forked after a prefetch must not read its parent's fc-list pipe."""
    import os
    import shutil

    import docgen.pdf.fonts as fonts

    if not shutil.which("fc-list") or not hasattr(os, "fork"):
        pytest.skip("no fontconfig or no fork here")
    monkeypatch.setattr(fonts, "_REGISTRY", None)
    late = fonts._fc_list_faces()
    fonts.prefetch_system_fonts()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: lists the fonts with a run of its own
        try:
            os.write(write, b"1" if fonts._fc_list_faces() == late else b"0")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    os.close(read)
    assert fonts._fc_list_faces() == late  # the parent's prefetched list is whole
