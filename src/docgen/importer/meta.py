"""Recognise the parts of a 公文 outside the body: 版头, title, 主送, closing, attachments, 版记.

Takes the source's blocks and a Report; returns a :class:`Frame`: the meta
values found (docgen's ``meta:`` keys), where the body starts and ends, the
attachments, and why the template was guessed.  Pure pattern work on the
text (and, for a .docx, on the style names docgen's own templates and most
Word templates use).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from docgen.importer.numbers import cn_value
from docgen.importer.report import CORRECTED, DROPPED, RECOGNISED, UNCERTAIN, Report
from docgen.importer.source import Block, Para, TableBlock

_DOC_NUMBER = re.compile(
    r"^(?P<agency>[^\s〔\[【（(]{1,20}?)\s*[〔\[【（(](?P<year>\d{4})[〕\]】）)]\s*(?:第\s*)?"
    r"(?P<n>\d{1,5})\s*号(?:\s*(?:签发人|签 发 人)[:：]\s*(?P<signer>.+))?$")
_SIGNER = re.compile(r"^签\s*发\s*人[:：]\s*(?P<signer>.+)$")
_COPY_NUMBER = re.compile(r"^\d{6}$")
_CLASSIFICATION = re.compile(r"^(绝密|机密|秘密)(★.*)?$")
_URGENCY = re.compile(r"^(特急|加急)$")
_ORDER_NUMBER = re.compile(r"^第\s*(\d+)\s*号$")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DATE_CN = re.compile(r"^([〇零○一二三四五六七八九]{4})年([十一二三四五六七八九]{1,3})月([十一二三四五六七八九]{1,3})日$")
_WEB_DATE = re.compile(r"(?:发布时间|发布日期|日期|时间)[:：]\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
_WEB_SOURCE = re.compile(r"(?:来源|发布机构|发布单位)[:：]\s*([^\s:：]+)")
_WEB_JUNK = re.compile(r"(当前位置|您的位置|首页\s*[>＞]|字体[:：]|【打印】|【关闭】|浏览次数|分享到|"
                       r"打印本页|关闭窗口|责任编辑|索引号[:：]|^\[\s*\]$)")
_ATTACH_NOTE = re.compile(r"^附\s*件[:：]\s*(?P<rest>.*)$")
_ATTACH_MARK = re.compile(r"^附\s*件\s*(?P<n>\d*)\s*$")
_COPY_TO = re.compile(r"^(?P<kind>抄送|分送)[:：]\s*(?P<rest>.+?)。?$")
_PRINTED = re.compile(r"^(?P<printer>.+?)\s+(?P<date>\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*印\s*发$")
_NOTE = re.compile(r"^[（(](?P<note>[^（()）]{2,60})[）)]$")
_PEOPLE = re.compile(r"^(?P<kind>出席|请假|列席|缺席)[:：]\s*(?P<rest>.+?)。?$")
_KINDS = ("通知", "报告", "请示", "函", "意见", "决定", "通报", "批复", "纪要", "方案", "办法", "规定",
          "公告", "通告", "议案", "决议", "命令", "令", "总结", "计划", "要点", "细则", "规划")
_ORG = re.compile(r"(政府|委员会|办公室|办公厅|局|厅|部|委|院|会|处|科|中心|公司|集团|学校|大学|所|站|队|社|"
                  r"室|办|组|党委|党组|支部|协会|镇|乡|街道|村|区|县|市|省|团|馆|行|署)$")
_SENTENCE = re.compile(r"[。！？；]")


@dataclass
class Frame:
    meta: dict[str, Any] = field(default_factory=dict)
    body_start: int = 0
    body_end: int = 0
    attachments: list[Any] = field(default_factory=list)
    template: str = "report"
    reason: str = "没有版头，按报告格式"


def parse_date(text: str) -> _dt.date | None:
    text = text.strip().replace(" ", "")
    m = _DATE.match(text)
    try:
        if m:
            return _dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DATE_CN.match(text)
        if m:
            year = int("".join(str("〇一二三四五六七八九".index(ch) if ch in "〇一二三四五六七八九" else 0)
                               for ch in m[1].replace("零", "〇").replace("○", "〇")))
            month, day = cn_value(m[2]), cn_value(m[3])
            if month and day:
                return _dt.date(year, month, day)
    except ValueError:
        return None
    return None


def split_list(text: str) -> list[str]:
    """A、B（甲、乙）、C → [A, B（甲、乙）, C]: 、 and ， outside brackets separate."""
    out: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in "（(《“":
            depth += 1
        elif ch in "）)》”":
            depth = max(0, depth - 1)
        if ch in "、，,；;" and depth == 0:
            if current.strip():
                out.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        out.append(current.strip())
    return out


def split_groups(text: str) -> list[Any]:
    """主送 “A、B，C” → [[A, B], C]: ， separates groups, 、 names within one (docgen's recipients)."""
    groups = _split(text, "，,；;")
    parts = [_split(g, "、") for g in groups]
    if len(parts) <= 1:
        return parts[0] if parts else []
    return [p if len(p) > 1 else p[0] for p in parts if p]


def _split(text: str, separators: str) -> list[str]:
    out: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        if ch in "（(《“":
            depth += 1
        elif ch in "）)》”":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            if current.strip():
                out.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        out.append(current.strip())
    return out


def _is_para(b: Block) -> bool:
    return isinstance(b, Para)


def _empty(b: Block) -> bool:
    return isinstance(b, Para) and not b.text.strip()


def _short_name(text: str) -> bool:
    """A line that can be an issuer's name: short, without sentence punctuation."""
    t = text.strip()
    return 2 <= len(t) <= 40 and not re.search(r"[。，,；;：:！？?“”]", t)


def _doc_number(text: str, meta: dict, report: Report, index: int) -> bool:
    compact = text.replace("\t", " ").strip()
    m = _DOC_NUMBER.match(compact)
    if not m:
        return False
    value = f"{m['agency']}〔{m['year']}〕{int(m['n'])}号"
    if value != re.sub(r"\s*签\s*发\s*人.*$", "", compact).replace(" ", ""):
        report.add(CORRECTED, index, f"发文字号 “{compact.split('签')[0].strip()}” 写为 “{value}”"
                                     "（六角括号、不加“第”、不编虚位）")
    meta["doc_number"] = value
    if m["signer"]:
        meta["signer"] = m["signer"].strip()
    report.add(RECOGNISED, index, f"发文字号 {value}" + (f"，签发人 {meta['signer']}" if m["signer"] else ""),
               role="doc_number")
    return True


def _mark(text: str, meta: dict) -> None:
    text = text.strip()
    if text.endswith("文件"):
        meta["issuer_mark"] = [text[:-2]]
    else:
        meta["issuer_mark"] = [text]
        meta["with_wenjian"] = False


def _title_like(p: Para) -> bool:
    style = p.style
    if any(k in style for k in ("公文标题", "标题")) and "级" not in style and not re.search(r"\d", style):
        return True
    return style.lower() == "title"


def read_head(blocks: list[Block], report: Report) -> tuple[dict, int]:
    """版头, title and 主送 from the top; returns the meta found and where the body starts."""
    meta: dict[str, Any] = {}
    i = 0
    n = len(blocks)
    title_lines: list[str] = []
    while i < n:
        b = blocks[i]
        if isinstance(b, TableBlock):
            cells = [c for row in b.cell_paras for c in row]
            texts = [t for c in cells for t in c if t.strip()]
            if not title_lines and texts and texts[-1] == "文件" and len(texts) >= 2:
                meta["issuer_mark"] = [t for c in cells[:-1] for t in c if t.strip()]
                report.add(RECOGNISED, b.index, "发文机关标志（联合行文）：" + "、".join(meta["issuer_mark"]),
                           role="issuer_mark")
                i += 1
                continue
            break
        text = b.text.strip()
        if not text:
            i += 1
            continue
        if not title_lines and _WEB_JUNK.search(text):
            if (m := _WEB_SOURCE.search(text)):
                meta.setdefault("_web_issuer", m[1])
            if (m := _WEB_DATE.search(text)):
                meta.setdefault("_web_date", _dt.date(int(m[1]), int(m[2]), int(m[3])))
            report.add(DROPPED, b.index, f"网页的栏目、来源等信息 “{text[:40]}”", role="dropped")
            i += 1
            continue
        if not title_lines:
            if _COPY_NUMBER.match(text):
                meta["copy_number"] = text
                report.add(RECOGNISED, b.index, f"份号 {text}", role="copy_number")
                i += 1
                continue
            if _CLASSIFICATION.match(text):
                meta["classification"] = text
                report.add(RECOGNISED, b.index, f"密级 {text}", role="classification")
                i += 1
                continue
            if _URGENCY.match(text):
                meta["urgency"] = text
                report.add(RECOGNISED, b.index, f"紧急程度 {text}", role="urgency")
                i += 1
                continue
            if _doc_number(text, meta, report, b.index):
                i += 1
                continue
            if (m := _SIGNER.match(text)):
                meta["signer"] = m["signer"].strip()
                report.add(RECOGNISED, b.index, f"签发人 {meta['signer']}", role="signer")
                i += 1
                continue
            if (m := _ORDER_NUMBER.match(text)) and "issuer_mark" in meta:
                meta["order_number"] = f"第{int(m[1])}号"
                report.add(RECOGNISED, b.index, f"令号 {meta['order_number']}", role="order_number")
                i += 1
                continue
            if "issuer_mark" not in meta and "doc_number" not in meta and (
                    "标志" in b.style or (re.search(r"(文件|令|命令|纪要)$", text) and _short_name(text)
                                         and _next_is_head(blocks, i))):
                _mark(text, meta)
                report.add(RECOGNISED, b.index, f"发文机关标志 “{text}”", role="issuer_mark")
                i += 1
                continue
            if "doc_number" not in meta and ("issuer_mark" not in meta or meta.get("with_wenjian") is False) \
                    and _short_name(text) and _ORG.search(text) and _next_is_head(blocks, i):
                # a 标志 without 文件 (如东县人民政府, one organ a line) above the 发文字号
                if "issuer_mark" in meta:
                    meta["issuer_mark"].append(text)
                else:
                    _mark(text, meta)
                report.add(RECOGNISED, b.index, f"发文机关标志 “{text}”", role="issuer_mark")
                i += 1
                continue
            if b.style in ("版头空白", "红色分隔线", "版头标注"):
                report.add(DROPPED, b.index, f"版头中无法识别的文字 “{text[:30]}”", role="dropped")
                i += 1
                continue
            if _web_meta_line(text, meta):
                report.add(RECOGNISED, b.index, f"网页的来源和发布时间 “{text[:40]}”（用作发文机关和日期）",
                           role="web_meta")
                i += 1
                continue
            if "order_number" in meta:
                break  # an order has no title line: the body starts here
            if len(text) > 80 or (_SENTENCE.search(text[:-1]) and not _title_like(b)):
                break  # prose: there is no title
            title_lines.extend(b.lines or (text,))
            report.add(RECOGNISED, b.index, f"标题 “{text}”" + ("（由多行合成）" if len(b.lines) > 1 else ""),
                       role="title")
            i += 1
            while i < n and _is_para(blocks[i]) and blocks[i].text.strip() and _title_continues(
                    b, blocks[i], "".join(title_lines)):
                title_lines.extend(blocks[i].lines or (blocks[i].text.strip(),))
                report.add(RECOGNISED, blocks[i].index, "标题的续行", role="title")
                i += 1
            continue
        # after the title: a date line in brackets, the web's source line, 主送
        if _web_meta_line(text, meta):
            report.add(RECOGNISED, b.index, f"网页的来源和发布时间 “{text[:40]}”（用作发文机关和日期）",
                       role="web_meta")
            i += 1
            continue
        if _WEB_JUNK.search(text):
            report.add(DROPPED, b.index, f"网页的栏目、来源等信息 “{text[:40]}”", role="dropped")
            i += 1
            continue
        m = _NOTE.match(text)
        if m and parse_date(m["note"]) and "_title_date" not in meta:
            meta["_title_date"] = parse_date(m["note"])
            report.add(RECOGNISED, b.index, f"标题下的日期 “{text}”（用作成文日期）", role="date")
            i += 1
            continue
        if text.endswith(("：", ":")) and len(text) <= 120 and not _SENTENCE.search(text) \
                and "recipients" not in meta:
            meta["recipients"] = split_groups(text[:-1])
            report.add(RECOGNISED, b.index, "主送机关：" + text[:-1], role="recipients")
            i += 1
        break
    if title_lines:
        meta["title"] = "".join(title_lines)
    return meta, i


def _web_meta_line(text: str, meta: dict) -> bool:
    if not (_WEB_DATE.search(text) and _WEB_SOURCE.search(text)):
        return False
    meta.setdefault("_web_issuer", _WEB_SOURCE.search(text)[1])
    m = _WEB_DATE.search(text)
    meta.setdefault("_web_date", _dt.date(int(m[1]), int(m[2]), int(m[3])))
    return True


def _next_is_head(blocks: list[Block], i: int) -> bool:
    """The next non-empty paragraphs hold a 发文字号 or 令号 (the line is a 标志)."""
    seen = 0
    for b in blocks[i + 1:]:
        if isinstance(b, TableBlock):
            return False
        t = b.text.strip().replace("\t", " ")
        if not t:
            continue
        if _DOC_NUMBER.match(t) or _ORDER_NUMBER.match(t) or _SIGNER.match(t):
            return True
        seen += 1
        if seen >= 2:
            return False
    return False


def _title_continues(first: Para, nxt: Para, so_far: str) -> bool:
    text = nxt.text.strip()
    if text.endswith(("：", ":")) or _SENTENCE.search(text) or len(text) > 40:
        return False
    if first.style and nxt.style == first.style and _title_like(first):
        return True
    if first.align == "center" and nxt.align == "center" and not so_far.endswith(_KINDS):
        return True
    return not first.style and not so_far.endswith(_KINDS) and text.endswith(_KINDS) and len(text) <= 30


def read_tail(blocks: list[Block], start: int, report: Report,
              meta: dict) -> tuple[int, list[Any]]:
    """Closing, attachments and 版记 from the end; returns where the body ends and the attachments."""
    n = len(blocks)
    end = n
    # 版记 at the very end
    j = n - 1
    while j >= start:
        b = blocks[j]
        if _empty(b) or (isinstance(b, Para) and b.style == "文末"):
            j -= 1
            continue
        if isinstance(b, TableBlock):
            texts = [c for row in b.rows for c in row if c.strip()]
            if texts and all(_COPY_TO.match(t.strip()) or _PRINTED.match(t.replace("\t", " ").strip())
                             for t in texts):
                for t in texts:
                    _colophon_line(t, meta, report, b.index)
                end = j
                j -= 1
                continue
            break
        t = b.text.replace("\t", " ").strip()
        if _COPY_TO.match(t) or _PRINTED.match(t):
            _colophon_line(t, meta, report, b.index)
            end = j
            j -= 1
            continue
        break
    # the date line: the last one before the 版记, not inside an attachment
    date_at = None
    for k in range(end - 1, start - 1, -1):
        b = blocks[k]
        if isinstance(b, Para) and parse_date(b.text):
            date_at = k
            break
        if isinstance(b, Para) and _ATTACH_MARK.match(b.text.strip()) and k > start:
            continue
    attachments: list[Any] = []
    body_end = end
    if date_at is not None:
        meta["date"] = parse_date(blocks[date_at].text)
        report.add(RECOGNISED, blocks[date_at].index, f"成文日期 {blocks[date_at].text.strip()}",
                   role="date")
        after = date_at + 1
        while after < end and _empty(blocks[after]):
            after += 1
        if after < end and isinstance(blocks[after], Para) and (m := _NOTE.match(blocks[after].text.strip())):
            meta["note"] = m["note"]
            report.add(RECOGNISED, blocks[after].index, f"附注（{m['note']}）", role="note")
            after += 1
        attachments = _attachments(blocks, after, end, report)
        body_end = _signatures(blocks, start, date_at, meta, report)
    else:
        first_mark = next((k for k in range(start, end) if isinstance(blocks[k], Para)
                           and _ATTACH_MARK.match(blocks[k].text.strip())), None)
        if first_mark is not None:
            attachments = _attachments(blocks, first_mark, end, report)
            body_end = first_mark
        # 纪要: 出席/请假/列席 at the end of the body
        k = body_end - 1
        while k >= start and (_empty(blocks[k]) or (isinstance(blocks[k], Para)
                                                     and _PEOPLE.match(blocks[k].text.strip()))):
            if isinstance(blocks[k], Para) and (m := _PEOPLE.match(blocks[k].text.strip())):
                key = {"出席": "attendees", "请假": "absent", "缺席": "absent", "列席": "observers"}[m["kind"]]
                meta[key] = split_list(m["rest"])
                report.add(RECOGNISED, blocks[k].index, f"{m['kind']}名单", role="people")
            k -= 1
            body_end = k + 1
    body_end = _attachment_note(blocks, start, body_end, meta, report)
    return body_end, attachments


def _colophon_line(text: str, meta: dict, report: Report, index: int) -> None:
    t = text.replace("\t", " ").strip()
    if (m := _COPY_TO.match(t)):
        meta["copy_to"] = split_list(m["rest"])
        report.add(RECOGNISED, index, f"{m['kind']}：" + "、".join(meta["copy_to"]), role="copy_to")
    elif (m := _PRINTED.match(t)):
        meta["printer"] = m["printer"].strip()
        meta["print_date"] = parse_date(m["date"])
        report.add(RECOGNISED, index, f"印发机关 {meta['printer']}，印发日期 {m['date']}",
                   role="printer")


def _signatures(blocks: list[Block], start: int, date_at: int, meta: dict, report: Report) -> int:
    """署名 above the date: one or several issuers (one line each, or tab-separated)."""
    names: list[str] = []
    k = date_at - 1
    while k >= start:
        b = blocks[k]
        if _empty(b):
            k -= 1
            continue
        if not isinstance(b, Para):
            break
        parts = [p for p in b.tabs if p] if len(b.tabs) > 1 else [b.text.strip()]
        if len(parts) == 1:  # several issuers on one line, apart by spaces: 如东县人民政府　　如东县应急管理局
            pieces = [x for x in re.split(r"\s{2,}", parts[0]) if x]
            if len(pieces) > 1 and all(_short_name(x) and _ORG.search(x) for x in pieces):
                parts = pieces
        if not all(_short_name(p) for p in parts) or _ATTACH_NOTE.match(b.text.strip()) \
                or re.match(r"^\d+\s*[.．、]", b.text.strip()) or "附件" in b.style:
            break
        if "heading" in b.style.lower() or "标题" in b.style or b.auto_label or b.outline is not None:
            break
        if not ("署名" in b.style or b.align in ("right", "center", "end") or len(parts) > 1
                or re.search(r"[\s\u3000]", b.text.strip())
                or all(_ORG.search(x) for x in parts)):
            break
        names = parts + names
        report.role(b.index, "signature")
        k -= 1
        if len(names) >= 6:
            break
    if names:
        report.add(RECOGNISED, blocks[k + 1].index if k + 1 < len(blocks) else None,
                   "发文机关署名：" + "、".join(names))
        meta["_signatures"] = names
    images = [im for b in blocks[max(k, start):date_at + 1] if isinstance(b, Para) for im in b.images]
    if images:
        meta["_seal_images"] = images
    k += 1
    while k > start and _empty(blocks[k - 1]):
        k -= 1
    return k


def _attachment_note(blocks: list[Block], start: int, end: int, meta: dict, report: Report) -> int:
    """附件说明 at the end of the body: “附件：1.名称” and its continuation lines."""
    k = end - 1
    while k >= start and _empty(blocks[k]):
        k -= 1
    first = None
    for j in range(k, max(start - 1, k - 30), -1):
        b = blocks[j]
        if isinstance(b, Para) and _ATTACH_NOTE.match(b.text.strip()):
            first = j
            break
        if not isinstance(b, Para) or len(b.text) > 80:
            break
    if first is None:
        return end
    names: list[str] = []
    for j in range(first, k + 1):
        b = blocks[j]
        if not isinstance(b, Para) or not b.text.strip():
            continue
        text = b.text.strip()
        report.role(b.index, "attachment_note")
        if j == first:
            text = _ATTACH_NOTE.match(text)["rest"]
        text = re.sub(r"^\d+\s*[.．、]\s*", "", text).strip()
        if text:
            names.append(text.rstrip("。."))
    meta["_attachment_names"] = names
    report.add(RECOGNISED, blocks[first].index, "附件说明：" + "；".join(names), role="attachment_note")
    while first > start and _empty(blocks[first - 1]):
        first -= 1
    return first


def _attachments(blocks: list[Block], begin: int, end: int, report: Report) -> list[Any]:
    """Bound attachments: “附件1” marker, its title, then its own paragraphs and tables."""
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for k in range(begin, end):
        b = blocks[k]
        if isinstance(b, TableBlock):
            if current is None:
                report.add(DROPPED, b.index, "落款之后、“附件”标识之前的表格")
                continue
            current["_blocks"].append(b)
            continue
        text = b.text.strip()
        if not text or b.style == "文末":
            continue
        if _ATTACH_MARK.match(text):
            report.role(b.index, "attachment_mark")
            current = {"_mark": text, "_index": b.index, "_blocks": []}
            out.append(current)
            continue
        if current is None and not out and ("标题" in b.style or b.align == "center") \
                and len(text) <= 80 and not _SENTENCE.search(text):
            # a document issued with this one (印发的文件): printed after the date, no 附件 mark
            current = {"_mark": "", "_index": b.index, "_blocks": [], "issued": True,
                       "name": "".join(b.lines) if b.lines else text}
            report.role(b.index, "attachment_title")
            out.append(current)
            continue
        if current is None:
            report.add(DROPPED, b.index, f"落款之后的段落 “{text[:30]}”", role="dropped")
            continue
        if "name" not in current:
            current["name"] = "".join(b.lines) if b.lines else text
            report.role(b.index, "attachment_title")
            continue
        current["_blocks"].append(b)
    for att in out:
        if "name" not in att:
            att["name"] = att["_mark"]
            report.add(UNCERTAIN, att["_index"], "附件标识后没有附件标题，以标识作名称")
        what = "随文印发的文件" if att.get("issued") else "附件"
        report.add(RECOGNISED, att["_index"], f"{what} “{att['name']}”（{len(att['_blocks'])} 段或表格）")
    return out
