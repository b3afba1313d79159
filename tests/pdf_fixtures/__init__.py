"""Small hand-made .docx files for the PDF engine tests.

``gb_docx(path, body=..., styles=...)`` writes a complete WordprocessingML
package that follows the GB/T 9704 template recipe (A4, margins 37/26/35/28
mm, line grid 579 twips, exact 579-twip lines, −0.25 pt character spacing,
16 pt 仿宋_GB2312 body, odd/even "— N —" footers) so tests can exercise the
engine without the lead's template.  ``para(text, style=..., ppr=..., rpr=...)``
builds one ``w:p``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
      'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
      'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
      'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')

FONT = '<w:rFonts w:ascii="{f}" w:hAnsi="{f}" w:eastAsia="{f}"/>'


def style(sid: str, name: str, ppr: str = "", rpr: str = "", based: str | None = "Normal",
          kind: str = "paragraph", default: bool = False) -> str:
    b = f'<w:basedOn w:val="{based}"/>' if based else ""
    d = ' w:default="1"' if default else ""
    return (f'<w:style w:type="{kind}"{d} w:styleId="{sid}"><w:name w:val="{name}"/>{b}'
            f'<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


BASE_STYLES = [
    style("Normal", "Normal", '<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/>'
          '<w:jc w:val="both"/>', FONT.format(f="仿宋_GB2312") + '<w:spacing w:val="-5"/><w:sz w:val="32"/>',
          based=None, default=True),
    style("Body", "公文正文", '<w:ind w:firstLineChars="200" w:firstLine="640"/>'),
    style("Title", "公文标题", '<w:jc w:val="center"/><w:spacing w:after="579"/>',
          FONT.format(f="方正小标宋简体") + '<w:sz w:val="44"/>'),
    style("H1", "一级标题", '<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/>'
          '<w:outlineLvl w:val="0"/>', FONT.format(f="黑体"), based="Normal"),
    style("H2", "二级标题", '<w:keepNext/><w:outlineLvl w:val="1"/>', FONT.format(f="楷体_GB2312"),
          based="Body"),
    style("PageNum", "页码", '<w:spacing w:line="240" w:lineRule="auto"/>',
          FONT.format(f="宋体") + '<w:sz w:val="28"/><w:spacing w:val="0"/>'),
]


def para(text: str = "", *, style: str | None = "Body", ppr: str = "", rpr: str = "",
         runs: str | None = None) -> str:
    ps = f'<w:pStyle w:val="{style}"/>' if style else ""
    body = runs if runs is not None else (
        f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else "")
    return f"<w:p><w:pPr>{ps}{ppr}</w:pPr>{body}</w:p>"


def footer(align: str, ind: str) -> str:
    return (f'<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val="PageNum"/><w:ind {ind}/>'
            f'<w:jc w:val="{align}"/></w:pPr>'
            '<w:r><w:t xml:space="preserve">— </w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>9</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            '<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>')


# The footer distance that puts the page number's dash about 7 mm under the
# text block with a single-spaced 14 pt line (Word: distance to the footer's bottom).
FOOTER_TWIPS = 1304


def sect_pr(footer_twips: int = FOOTER_TWIPS) -> str:
    return ('<w:sectPr><w:footerReference w:type="default" r:id="rIdF1"/>'
            '<w:footerReference w:type="even" r:id="rIdF2"/>'
            '<w:pgSz w:w="11906" w:h="16838"/>'
            f'<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" '
            f'w:footer="{footer_twips}" w:gutter="0"/>'
            '<w:docGrid w:type="lines" w:linePitch="579"/></w:sectPr>')


def gb_docx(path: Path, body: list[str], *, styles: list[str] | None = None,
            media: dict[str, bytes] | None = None, settings_extra: str = "",
            sect: str | None = None) -> Path:
    """Write a GB/T 9704-style .docx with ``body`` paragraphs/tables (XML strings)."""
    media = media or {}
    all_styles = "".join(BASE_STYLES + (styles or []))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
        '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
        '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>')
    media_rels = "".join(
        f'<Relationship Id="rIdImg{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/{name}"/>'
        for i, name in enumerate(media))
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
                '<Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>'
                '<Relationship Id="rIdF2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>'
                f'{media_rels}</Relationships>')
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>'
                + "".join(body) + (sect or sect_pr()) + "</w:body></w:document>")
    styles_xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {NS}>'
                  '<w:docDefaults><w:rPrDefault><w:rPr>' + FONT.format(f="仿宋_GB2312")
                  + '<w:sz w:val="32"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr/></w:pPrDefault>'
                  f'</w:docDefaults>{all_styles}</w:styles>')
    settings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings {NS}>'
                f'<w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/>{settings_extra}</w:settings>')
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/_rels/document.xml.rels", doc_rels)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", styles_xml)
        z.writestr("word/settings.xml", settings)
        z.writestr("word/footer1.xml", footer("right", 'w:rightChars="100" w:right="280"'))
        z.writestr("word/footer2.xml", footer("left", 'w:leftChars="100" w:left="280"'))
        for name, data in media.items():
            z.writestr(f"word/media/{name}", data)
    return path


def image_run(rid: str, width_emu: int, height_emu: int, *, anchor: str | None = None) -> str:
    """A run holding a picture: inline, or anchored when ``anchor`` gives the wp:anchor inner XML."""
    graphic = ('<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
               f'<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="img"/><pic:cNvPicPr/></pic:nvPicPr>'
               f'<pic:blipFill><a:blip r:embed="{rid}"/></pic:blipFill><pic:spPr/></pic:pic>'
               '</a:graphicData></a:graphic>')
    extent = f'<wp:extent cx="{width_emu}" cy="{height_emu}"/>'
    if anchor is None:
        holder = f'<wp:inline>{extent}<wp:docPr id="1" name="img"/>{graphic}</wp:inline>'
    else:
        holder = (f'<wp:anchor behindDoc="0" simplePos="0" relativeHeight="1" locked="0" '
                  f'layoutInCell="1" allowOverlap="1">{anchor}{extent}<wp:wrapNone/>'
                  f'<wp:docPr id="2" name="seal"/>{graphic}</wp:anchor>')
    return f"<w:r><w:drawing>{holder}</w:drawing></w:r>"
