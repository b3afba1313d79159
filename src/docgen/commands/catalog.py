"""What each shipped template is, and which data fields it uses (for ``templates`` and ``new``).

Pure data: template name -> Chinese description and the ``meta`` fields its
layout prints, each field with a Chinese comment and an example value.
"""

from __future__ import annotations

DESCRIPTIONS = {
    "report": "报告（无版头）：标题、主送机关、正文、署名和日期、附注",
    "notice": "通知（文件格式）：红色版头“××文件”、发文字号、红色分隔线、附件、印章、版记",
    "request": "请示（文件格式，上行文）：发文字号居左、签发人居右，其余同通知",
    "report-file": "报告（文件格式，上行文）：红色版头、签发人，其余同通知",
    "letter": "函（信函格式）：标志距页面上边缘30毫米、上下红色双线、首页不显示页码",
    "order": "命令（令）格式：“××令”、令号、签发人职务和姓名、签名章",
    "minutes": "纪要格式：“××纪要”标志、出席/请假/列席名单、分送",
}

# field -> (comment, example YAML value)
FIELDS: dict[str, tuple[str, str]] = {
    "title": ("标题（必填）；较长时自动在“关于”后、“的通知”前等处分行", "如东县人民政府关于××××的通知"),
    "issuer": ("发文机关署名（必填）；联合行文写成列表，主办机关在前", "如东县人民政府"),
    "issuer_mark": ("发文机关标志（红色大字）；默认与署名相同；联合行文写成列表", "如东县人民政府"),
    "with_wenjian": ("标志后是否加“文件”二字：true 加，false 不加", "true"),
    "doc_number": ("发文字号：机关代字〔年份〕序号号，用六角括号，序号不加“第”、不编虚位",
                   "东政发〔2023〕1号"),
    "signer": ("签发人姓名（上行文）；命令中为签署人姓名", "张某某"),
    "signer_title": ("签署人职务（命令）", "县长"),
    "order_number": ("令号，如 第3号", "第1号"),
    "copy_number": ("份号：不超过6位数字，不足6位自动补0；不需要时删去", "\"000001\""),
    "classification": ("密级和保密期限，如 秘密★1年；不涉密时删去", "秘密★1年"),
    "urgency": ("紧急程度：特急 或 加急；不紧急时删去", "加急"),
    "year": ("年度（必填，四位数字）", "2023"),
    "date": ("成文日期（必填），写成 2023-03-13，输出为“2023年3月13日”", "2023-03-13"),
    "recipients": ("主送机关，多个用逗号分隔", "[各镇（区、街道）人民政府, 县各委办局]"),
    "seal": ("印章图片（PNG，透明背景），路径相对于本文件；不盖章时删去", "印章.png"),
    "attachments": ("附件：只列名称的写一行；随文附上的写 name 和 body（写法与正文相同）；印发的文件再加 issued: true",
                    "\n    - name: 附件名称\n      body: [附件正文第一段。]\n    - 另一个附件名称"),
    "note": ("附注（不写括号），如 此件公开发布", "此件公开发布"),
    "attendees": ("出席人员", "[张某某, 王某某]"),
    "absent": ("请假人员", "[李某某（出差）]"),
    "observers": ("列席人员或单位", "[县政府办公室]"),
    "copy_to": ("抄送机关（纪要为分送），多个用逗号分隔", "[县委办公室, 县人大常委会办公室]"),
    "printer": ("印发机关", "如东县人民政府办公室"),
    "print_date": ("印发日期，写成 2023-03-13", "2023-03-13"),
    "keywords": ("归档关键词（写入 PDF 元数据），可省略", "[通知]"),
}

_HEADER = ("copy_number", "classification", "urgency")
_CLOSING = ("copy_to", "printer", "print_date", "keywords")
_FILE = ("title", "issuer", "issuer_mark", "with_wenjian", "doc_number", *_HEADER, "year", "date",
         "recipients", "seal", "attachments", "note", *_CLOSING)
TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {
    "report": ("title", "issuer", "year", "date", "recipients", "doc_number", "note", "keywords"),
    "notice": _FILE,
    "request": (*_FILE[:5], "signer", *_FILE[5:]),
    "report-file": (*_FILE[:5], "signer", *_FILE[5:]),
    "letter": ("title", "issuer", "issuer_mark", "doc_number", "year", "date", "recipients", "seal",
               "attachments", "note", "copy_to", "keywords"),
    "order": ("title", "issuer", "issuer_mark", "order_number", "signer_title", "signer", "seal",
              "year", "date", "copy_to", "printer", "print_date", "keywords"),
    "minutes": ("title", "issuer", "issuer_mark", "doc_number", *_HEADER, "year", "date",
                "attendees", "absent", "observers", "note", *_CLOSING),
}
EXAMPLE_OVERRIDES = {
    "order": {"issuer_mark": "如东县人民政府令", "title": "如东县人民政府令第1号"},
    "minutes": {"issuer_mark": "如东县人民政府常务会议纪要", "title": "县政府第1次常务会议纪要",
                "doc_number": "东政办纪〔2023〕1号"},
    "letter": {"doc_number": "东政办函〔2023〕1号", "title": "如东县人民政府办公室关于××××的函"},
    "request": {"title": "如东县人民政府关于××××的请示"},
    "report-file": {"title": "如东县人民政府关于××××的报告"},
    "report": {"title": "2023年××××情况报告"},
}
