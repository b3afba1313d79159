"""Word's own switch for 禁则: the characters that may not start or end a line.

Takes the .docx bytes; returns them with ``word/settings.xml`` carrying
Word's custom first/last-character lists for Simplified Chinese
(``w:noLineBreaksBefore`` / ``w:noLineBreaksAfter``, Word's 版式 → 首尾字符
设置 → 自定义): Word's default lists plus the connecting dash — and –, so that
in Word and WPS, as in the PDF engine (``docgen.pdf.linebreak``), a lone
connecting dash never starts a line and a 破折号 —— is never split (its second
half cannot start a line).  The 间隔号 · and ～ are in Word's default list
already.  What Word has no switch for (a number kept with its unit, a range
kept whole, the page-top rule) is done by the PDF engine only.

A template that already sets its own lists for zh-CN is left as it is.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LANG = "zh-CN"
#: Word's default 后置标点 for Simplified Chinese, plus the connecting dashes.
NO_LINE_START = ("!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞！＂％＇），．：；？］｀｜｝～￠"
                 "—–")
#: Word's default 前置标点 for Simplified Chinese.
NO_LINE_END = "$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥"

# CT_Settings order: the lists come after these …
_BEFORE_US = ("characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars")
# … and before these (the first one present).
_AFTER_US = ("savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent",
             "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml", "saveXmlDataOnly",
             "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags", "alwaysMergeEmptyNamespace",
             "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
             "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
             "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
             "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


def settings_with_kinsoku(xml: bytes) -> bytes:
    """``word/settings.xml`` with the zh-CN lists added (unchanged if it has its own)."""
    root = etree.fromstring(xml)
    if root.find(_q("noLineBreaksBefore")) is not None or root.find(_q("noLineBreaksAfter")) is not None:
        return xml
    after = etree.Element(_q("noLineBreaksAfter"))
    after.set(_q("lang"), LANG)
    after.set(_q("val"), NO_LINE_END)
    before = etree.Element(_q("noLineBreaksBefore"))
    before.set(_q("lang"), LANG)
    before.set(_q("val"), NO_LINE_START)
    anchor = None
    for child in root:
        if etree.QName(child).localname in _BEFORE_US:
            anchor = child
    if anchor is not None:
        anchor.addnext(after)
    else:
        following = next((child for child in root if etree.QName(child).localname in _AFTER_US), None)
        if following is not None:
            following.addprevious(after)
        else:
            root.append(after)
    after.addnext(before)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def apply(docx: bytes) -> bytes:
    """The .docx with Word's 禁则 lists set (see the module docstring)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    if "word/settings.xml" not in source.namelist():
        return docx
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/settings.xml":
                data = settings_with_kinsoku(data)
            target.writestr(item, data)
    return out.getvalue()
