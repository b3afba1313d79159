"""The 印章: a sample seal picture, and the seal placed over 署名 and 成文日期.

``sample_seal_png(text, font)`` draws a fictional seal (red ring, star, text
on an arc) with Pillow — for samples and tests only, never a real seal.

``place_seal(docx, seal)`` takes rendered .docx bytes and returns new bytes:
the 署名 paragraph (role 发文机关署名（加盖印章）, found by ``docgen.roles``) is centred over the
成文日期 (4 characters from the right, GB/T 9704 §7.3.5.1) and a floating
picture of the seal (``wp:anchor``, in front of the text, no wrapping) is
anchored to it: horizontally centred on the date, its top edge half a line
below the body, so 署名 and date sit just below the seal's centre.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm

from docgen.render_docx import right_indent_pt, set_right_indent_pt, set_width_pt
from docgen.roles import Role, paragraph_role, style_roles

__all__ = ["place_seal", "sample_seal_png", "seal_pairs", "set_width_pt"]

SEAL_DIAMETER_MM = 42.0
TEXT_WIDTH_PT = 156 / 25.4 * 72  # 442.2 pt
CHAR_PT = 16.0 - 0.25  # a 3号 character as set (spacing −0.25 pt)
LINE_PT = 579 / 20
EMU_PER_PT = 12700


def sample_seal_png(text: str, font_path: str | Path, *, pixels: int = 500) -> bytes:
    """A fictional round seal: red ring, five-pointed star, ``text`` along the top arc."""
    from PIL import Image, ImageDraw, ImageFont  # noqa: PLC0415

    red = (230, 0, 18, 255)
    img = Image.new("RGBA", (pixels, pixels), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = pixels / 2
    ring = pixels * 0.035
    draw.ellipse((ring / 2, ring / 2, pixels - ring / 2, pixels - ring / 2), outline=red,
                 width=round(ring))
    star_r = pixels * 0.16
    points = []
    for i in range(10):
        r = star_r if i % 2 == 0 else star_r * 0.382
        a = -math.pi / 2 + i * math.pi / 5
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=red)
    size = round(pixels * 0.1)
    font = ImageFont.truetype(str(font_path), size)
    radius = pixels / 2 - ring - size * 0.75
    span = math.radians(240)
    step = span / max(len(text) - 1, 1)
    for i, ch in enumerate(text):
        angle = -math.pi / 2 - span / 2 + i * step  # from lower left over the top
        glyph = Image.new("RGBA", (size * 2, size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size, size), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = c + radius * math.cos(angle) - size
        y = c + radius * math.sin(angle) - size
        img.alpha_composite(glyph, (round(x), round(y)))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _right_indent_pt(paragraph) -> float:
    """The paragraph's right indent (direct or from its style); the styles' four characters
    when it has none."""
    return right_indent_pt(paragraph) or 4 * 16.0


def seal_pairs(doc) -> list[tuple]:
    """(署名, 成文日期) paragraph pairs of the sealed roles, found by style name or marker."""
    roles = style_roles(doc)
    paragraphs = doc.paragraphs
    kinds = [paragraph_role(p, roles) for p in paragraphs]
    return [(paragraphs[i], paragraphs[i + 1]) for i in range(len(paragraphs) - 1)
            if (kinds[i], kinds[i + 1]) == (Role.SEAL_SIGNATURE, Role.SEAL_DATE)]


def _anchor_xml(rid: str, cx: int, cy: int, x_emu: int, y_emu: int, pic_id: int) -> str:
    return (
        f'<wp:anchor {nsdecls("wp", "a", "pic", "r")} distT="0" distB="0" distL="0" distR="0" '
        f'simplePos="0" relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="1" '
        f'allowOverlap="1">'
        f'<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="margin"><wp:posOffset>{x_emu}</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{y_emu}</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{pic_id}" name="印章"/>'
        f'<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:pic><pic:nvPicPr><pic:cNvPr id="{pic_id}" name="印章.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
        f'</a:graphicData></a:graphic></wp:anchor>')


def place_seal(docx: bytes, seal: str | Path, *, diameter_mm: float = SEAL_DIAMETER_MM) -> bytes:
    """Centre the 署名 over the date and anchor the seal picture over both (see module doc).

    Returns ``docx`` unchanged when it has no 加盖印章 signature paragraph.
    """
    doc = Document(io.BytesIO(docx))
    pairs = seal_pairs(doc)
    if not pairs:
        return docx
    signature, date = pairs[0]
    date_w = set_width_pt(date.text)
    sig_w = set_width_pt(signature.text)
    date_right = _right_indent_pt(date)
    set_right_indent_pt(signature, max(date_right + (date_w - sig_w) / 2, 0.0))
    centre_x = TEXT_WIDTH_PT - date_right - date_w / 2
    diameter_pt = diameter_mm / 25.4 * 72
    # The 署名 is the third line below the body; the seal's top half a line below the body.
    top_pt = -1.5 * LINE_PT
    rid, _image = doc.part.get_or_add_image(str(seal))
    size = Mm(diameter_mm)
    anchor = parse_xml(_anchor_xml(rid, int(size), int(size),
                                   round((centre_x - diameter_pt / 2) * EMU_PER_PT),
                                   round(top_pt * EMU_PER_PT), 9001))
    run = signature.add_run()
    drawing = run._r.makeelement(qn("w:drawing"), {})
    drawing.append(anchor)
    run._r.append(drawing)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
