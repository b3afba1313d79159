"""Templates changed the way other editors save them (for the template tests).

Each function takes .docx bytes and returns new .docx bytes:

- ``rename_style_ids``: every style ID replaced, names kept (Chinese Word writes
  ``a``, ``a0``, ``1``…; WPS and LibreOffice their own), references updated;
- ``split_placeholders``: every run holding a ``{{ … }}`` split into runs of
  a few characters with ``w:rsidR`` attributes, ``w:proofErr`` marks and an
  empty bookmark between them, the formatting unchanged (as Word leaves a tag
  that was typed in several goes);
- ``official_font_names``: the font names replaced by the fonts' other official
  names (仿宋_GB2312 → FangSong_GB2312, 黑体 → SimHei …), as an English-locale
  Word or WPS writes them;
- ``rename_style``: one style's visible name changed;
- ``restyle``: the paragraphs of one style given another (the role is removed).
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_PARTS = re.compile(r"word/(document|styles|header\d*|footer\d*|numbering)\.xml$")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def rewrite(docx: bytes, edit) -> bytes:
    """Apply ``edit(name, root) -> None`` to every XML part of interest; keep the rest."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if XML_PARTS.match(item.filename):
                root = etree.fromstring(data)
                edit(item.filename, root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, data)
    return out.getvalue()


def rename_style_ids(docx: bytes) -> bytes:
    styles = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/styles.xml"))
    ids = [st.get(_w("styleId")) for st in styles.iter(_w("style"))]
    # Chinese Word: a, a0, a1 … for custom styles, digits for headings
    mapping = {sid: (str(i) if i < 10 else f"a{i}") for i, sid in enumerate(ids)}
    refs = ("pStyle", "rStyle", "tblStyle", "basedOn", "next", "link", "numStyleLink", "styleLink")

    def edit(_name, root):
        for st in root.iter(_w("style")):
            st.set(_w("styleId"), mapping[st.get(_w("styleId"))])
        for tag in refs:
            for el in root.iter(_w(tag)):
                if el.get(_w("val")) in mapping:
                    el.set(_w("val"), mapping[el.get(_w("val"))])

    return rewrite(docx, edit)


def split_placeholders(docx: bytes, piece: int = 3) -> bytes:
    counter = iter(range(9000, 99999))

    def edit(name, root):
        if not name.endswith("document.xml"):
            return
        for r in list(root.iter(_w("r"))):
            texts = r.findall(_w("t"))
            if len(texts) != 1 or "{{" not in (texts[0].text or ""):
                continue
            text = texts[0].text
            rpr = r.find(_w("rPr"))
            parent = r.getparent()
            at = parent.index(r)
            parent.remove(r)
            for k, start in enumerate(range(0, len(text), piece)):
                if k:
                    mark = etree.Element(_w("proofErr"))
                    mark.set(_w("type"), "spellStart" if k % 2 else "spellEnd")
                    parent.insert(at, mark)
                    at += 1
                    if k == 2:
                        bid = str(next(counter))
                        start_el = etree.Element(_w("bookmarkStart"))
                        start_el.set(_w("id"), bid)
                        start_el.set(_w("name"), "_GoBack")
                        end_el = etree.Element(_w("bookmarkEnd"))
                        end_el.set(_w("id"), bid)
                        parent.insert(at, start_el)
                        parent.insert(at + 1, end_el)
                        at += 2
                new = etree.Element(_w("r"))
                new.set(_w("rsidR"), f"00{k:06X}")
                new.set(_w("rsidRPr"), "00A1B2C3")
                if rpr is not None:
                    new.append(etree.fromstring(etree.tostring(rpr)))
                t = etree.SubElement(new, _w("t"))
                t.text = text[start:start + piece]
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                parent.insert(at, new)
                at += 1

    return rewrite(docx, edit)


OFFICIAL = {"仿宋_GB2312": "FangSong_GB2312", "黑体": "SimHei", "楷体_GB2312": "KaiTi_GB2312",
            "宋体": "SimSun"}


def official_font_names(docx: bytes) -> bytes:
    def edit(_name, root):
        for fonts in root.iter(_w("rFonts")):
            for key in list(fonts.attrib):
                if fonts.attrib[key] in OFFICIAL:
                    fonts.attrib[key] = OFFICIAL[fonts.attrib[key]]

    return rewrite(docx, edit)


def rename_style(docx: bytes, old: str, new: str) -> bytes:
    def edit(name, root):
        if not name.endswith("styles.xml"):
            return
        for el in root.iter(_w("name")):
            if el.get(_w("val")) == old:
                el.set(_w("val"), new)

    return rewrite(docx, edit)


def restyle(docx: bytes, old: str, new: str) -> bytes:
    """Paragraphs of the style named ``old`` given the style named ``new`` (as a user who
    applies 公文正文 to the 版记 rows does): the role of ``old`` is gone from the template."""
    styles = etree.fromstring(zipfile.ZipFile(io.BytesIO(docx)).read("word/styles.xml"))
    by_name = {st.find(_w("name")).get(_w("val")): st.get(_w("styleId"))
               for st in styles.iter(_w("style")) if st.find(_w("name")) is not None}
    old_id, new_id = by_name[old], by_name[new]

    def edit(name, root):
        if name.endswith("styles.xml"):
            return
        for el in root.iter(_w("pStyle")):
            if el.get(_w("val")) == old_id:
                el.set(_w("val"), new_id)

    return rewrite(docx, edit)


def libreoffice_resave(templates: list[Path], out: Path) -> dict[str, Path]:
    """Each template opened and saved again as .docx by LibreOffice (its own profile)."""
    out.mkdir(parents=True, exist_ok=True)
    profile = out / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "docx", "--outdir", str(out / "docx"),
                    *[str(t) for t in templates]],
                   check=True, capture_output=True, timeout=300)
    return {t.stem: out / "docx" / t.name for t in templates}
