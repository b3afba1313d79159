"""What a template offers and what is wrong with it, as a structured result.

``check_template(path)`` reads a .docx template and returns a
:class:`TemplateReport`: the 公文 roles it has (by style name or marker, see
``docgen.roles``) and the ones it lacks with what that does to the output,
its placeholders (``{{ … }}`` / ``{% … %}``) and their problems (a tag split
across runs with different formatting inside it, an unknown variable, an
unclosed tag, a Jinja syntax error — each with its paragraph), and its page
setup, document grid and fonts per role measured against GB/T 9704-2012.
``report.describe()`` is the Chinese text ``docgen template check`` prints;
the web page shows the same fields.

``missing_role_warnings(document, path)`` is what ``docgen build`` warns
about: a role the data needs (a seal and no sealed 署名 block, 版记 data and
no 版记 rows …) that the template does not have.
"""

from __future__ import annotations

import functools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from docgen.errors import DocgenWarning, Location
from docgen.jinja_messages import syntax_zh
from docgen.roles import BY_ROLE, CHARACTER, Role, StyleInfo, StyleRoles, markers_in, style_roles

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OK, WARNING, ERROR = "ok", "warning", "error"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


@dataclass(frozen=True)
class Finding:
    """One line of the report: ``level`` is ok / warning / error."""

    level: str
    topic: str  # 角色 / 占位符 / 页面 / 字体
    message: str
    where: str = ""  # 第 N 段：… or a style name
    fix: str = ""


@dataclass(frozen=True)
class Placeholder:
    """A ``{{ … }}`` or ``{% … %}`` tag of a template and where it sits."""

    text: str  # the tag as the user sees it, e.g. {{ meta.title }}
    paragraph: int  # 1-based paragraph of word/document.xml (0: header or footer)
    part: str = "word/document.xml"


@dataclass
class TemplateReport:
    """What :func:`check_template` found in a template: roles, placeholders, findings."""

    path: Path
    roles: dict[Role, StyleInfo] = field(default_factory=dict)  # every role the styles have
    used: set[Role] = field(default_factory=set)  # roles the template's paragraphs carry
    missing: dict[Role, str] = field(default_factory=dict)  # role -> what its absence does
    placeholders: list[Placeholder] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        return describe(self)


# ---------------------------------------------------------------- reading the parts

def _parts(zf: zipfile.ZipFile) -> list[str]:
    names = zf.namelist()
    extra = sorted(n for n in names if re.fullmatch(r"word/(header|footer)\d*\.xml", n))
    return ["word/document.xml", *extra]


def _paragraph_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(_w("t")))


def _used_roles(root, roles: StyleRoles) -> set[Role]:
    used: set[Role] = set()
    for tag, attr in (("pStyle", "val"), ("rStyle", "val"), ("tblStyle", "val")):
        for el in root.iter(_w(tag)):
            role = roles.role_of_id(el.get(_w(attr)))
            if role:
                used.add(role)
    for p in root.iter(_w("p")):
        used.update(markers_in(p))
    return used


# ---------------------------------------------------------------- placeholders

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _run_format(r) -> bytes:
    rpr = r.find(_w("rPr"))
    if rpr is None:
        return b""
    clean = etree.fromstring(etree.tostring(rpr))
    for el in clean.iter():
        for key in list(el.attrib):
            if "rsid" in key:
                del el.attrib[key]
    for noise in clean.findall(_w("lang")) + clean.findall(_w("noProof")):
        clean.remove(noise)
    return etree.tostring(clean, method="c14n")


def _runs_with_text(p) -> list[tuple[object, str]]:
    out = []
    for r in p.iter(_w("r")):
        text = "".join(t.text or "" for t in r.findall(_w("t")))
        if text:
            out.append((r, text))
    return out


def _split_tags(p) -> list[tuple[str, bool]]:
    """Tags of one paragraph and whether each has differently formatted runs inside it."""
    runs = _runs_with_text(p)
    owner: list[int] = []
    text = ""
    for i, (_r, t) in enumerate(runs):
        text += t
        owner += [i] * len(t)
    found = []
    for m in _TAG.finditer(text):
        idx = sorted(set(owner[m.start():m.end()]))
        formats = {_run_format(runs[i][0]) for i in idx}
        found.append((m.group(0), len(formats) > 1))
    return found


KNOWN_NAMES = frozenset({
    "meta", "blocks", "figures", "extra", "date_text", "recipients_text", "copy_to_text",
    "title_lines", "title_text", "header_lines", "issuer_marks", "joint_issuers", "mark_size",
    "issuer_mark_text", "issuers", "has_seal", "joint_seals", "attachment_notes",
    "attachment_pages", "print_date_text", "attendees_text", "absent_text", "observers_text",
    "has_record",
    # Jinja's own
    "loop", "range", "true", "false", "none", "True", "False", "None",
})


def _meta_fields() -> frozenset[str]:
    from docgen.model import Meta  # noqa: PLC0415

    return frozenset(Meta.__dataclass_fields__) | {"date", "print_date", "attachments", "extra"}


def _loop_names(tags: list[str]) -> set[str]:
    names: set[str] = set()
    for tag in tags:
        m = re.match(r"\{%-?\s*(?:p|tr|tc|r)?\s*for\s+(.+?)\s+in\s", tag)
        if m:
            names.update(n.strip() for n in m.group(1).split(","))
        m = re.match(r"\{%-?\s*(?:p|tr|tc|r)?\s*set\s+(\w+)\s*=", tag)
        if m:
            names.add(m.group(1))
    return names


def _expression_names(tag: str):
    """(top-level names, meta.X attributes) of one ``{{ … }}`` tag, or a syntax message."""
    from jinja2 import nodes  # noqa: PLC0415
    from jinja2.exceptions import TemplateSyntaxError  # noqa: PLC0415

    from docgen.render_docx import template_environment  # noqa: PLC0415

    try:
        tree = template_environment().parse(tag)
    except TemplateSyntaxError as exc:
        return None, None, exc.message
    top = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load"}
    attrs = {g.attr for g in tree.find_all(nodes.Getattr)
             if isinstance(g.node, nodes.Name) and g.node.name == "meta"}
    return top, attrs, None


def _check_placeholders(path: Path, zf: zipfile.ZipFile, report: TemplateReport) -> None:
    tags_all: list[tuple[str, int, str]] = []
    unclosed: set[str] = set()  # paragraphs already reported: one message per mistake
    tag_syntax_error = False
    for part in _parts(zf):
        root = etree.fromstring(zf.read(part), _PARSER)
        for index, p in enumerate(root.iter(_w("p")), start=1):
            where_index = index if part == "word/document.xml" else 0
            text = _paragraph_text(p)
            where = (f"第 {index} 段：{text[:40]}" if part == "word/document.xml"
                     else f"{part.split('/')[-1]}：{text[:40]}")
            if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
                unclosed.add(where)
                report.findings.append(Finding(
                    ERROR, "占位符", "标签没有闭合（{{ 与 }}、{% 与 %} 要在同一段内成对出现）。",
                    where, "补全或删去不成对的 {{ }} / {% %}。"))
            for tag, mixed in _split_tags(p):
                report.placeholders.append(Placeholder(tag, where_index, part))
                tags_all.append((tag, where_index, where))
                if mixed:
                    report.findings.append(Finding(
                        WARNING, "占位符",
                        f"标签 {tag} 被拆成了格式不同的几段文字（标签中间改过字体、字号或颜色），"
                        "替换后的文字只用第一段的格式。", where,
                        "选中整个标签，清除格式后重新设置，或删去后重新输入整个标签。"))
    loops = _loop_names([t for t, _i, _w2 in tags_all])
    meta_fields = _meta_fields()
    for tag, _index, where in tags_all:
        if not tag.startswith("{{"):
            continue
        top, attrs, problem = _expression_names(tag)
        if problem:
            tag_syntax_error = True
            if where not in unclosed:
                report.findings.append(Finding(ERROR, "占位符", f"标签 {tag} 语法错误：{syntax_zh(problem)}。",
                                               where, "检查括号、引号和点号；写法见 docs/templates.md。"))
            continue
        for name in sorted(top - KNOWN_NAMES - loops):
            report.findings.append(Finding(
                ERROR, "占位符", f"标签 {tag} 引用了不存在的值 “{name}”。", where,
                "模板可用的值见 docs/templates.md（meta.title、blocks、figures.名称、extra.名称 等）。"))
        for attr in sorted(attrs - meta_fields):
            report.findings.append(Finding(
                ERROR, "占位符", f"标签 {tag} 引用了不存在的字段 “meta.{attr}”。", where,
                "meta 的字段见 docs/templates.md；自定义字段写在数据的 meta.extra 下，"
                "模板中用 {{ extra.名称 }}。"))
    if not unclosed and not tag_syntax_error:
        _check_whole_syntax(path, report)  # else Jinja would report the same mistake once more


def _check_whole_syntax(path: Path, report: TemplateReport) -> None:
    """The whole body as docxtpl hands it to Jinja: block tags must pair up."""
    from docxtpl import DocxTemplate  # noqa: PLC0415
    from jinja2.exceptions import TemplateSyntaxError  # noqa: PLC0415

    from docgen.render_docx import _syntax_location, template_environment  # noqa: PLC0415

    try:
        tpl = DocxTemplate(str(path))
        tpl.init_docx()
        source = tpl.patch_xml(tpl.get_xml())
    except Exception as exc:  # noqa: BLE001 - any failure to open is the template's fault
        report.findings.append(Finding(ERROR, "占位符", f"模板无法打开（{type(exc).__name__}）。",
                                       str(path), "用 Word 或 WPS 打开该模板并另存为 .docx 格式。"))
        return
    try:
        template_environment().parse(source)
    except TemplateSyntaxError as exc:
        where = _syntax_location(path).path or ""
        report.findings.append(Finding(
            ERROR, "占位符", f"模板标签语法错误：{syntax_zh(exc.message)}。", where,
            "{%p if %} 与 {%p endif %}、{%p for %} 与 {%p endfor %} 要配对，且各自单独占一段。"))


# ---------------------------------------------------------------- page, grid, fonts

MM_TWIPS = 1440 / 25.4
PAGE_RULES = (  # (label, sectPr path, attribute, expected mm)
    ("纸张宽度", "pgSz", "w", 210.0), ("纸张高度", "pgSz", "h", 297.0),
    ("上边距（天头）", "pgMar", "top", 37.0), ("下边距", "pgMar", "bottom", 35.0),
    ("左边距（订口）", "pgMar", "left", 28.0), ("右边距", "pgMar", "right", 26.0),
)
LINE_PITCH_TWIPS = 579  # 225 mm / 22 lines


def _check_page(root, report: TemplateReport) -> None:
    sect = root.find(f".//{_w('body')}/{_w('sectPr')}")
    if sect is None:
        sects = list(root.iter(_w("sectPr")))
        sect = sects[-1] if sects else None
    if sect is None:
        report.findings.append(Finding(WARNING, "页面", "模板没有页面设置（w:sectPr），按 Word 默认页面排版。",
                                       "", "在 Word 中设置页面：A4，上 37、下 35、左 28、右 26 毫米。"))
        return
    for label, tag, attr, want in PAGE_RULES:
        el = sect.find(_w(tag))
        raw = el.get(_w(attr)) if el is not None else None
        if raw is None and tag == "pgMar":
            raw = el.get(_w({"left": "start", "right": "end"}.get(attr, attr))) if el is not None else None
        if raw is None:
            report.findings.append(Finding(WARNING, "页面", f"{label}没有设置（GB/T 9704：{want:g} 毫米）。",
                                           "页面设置", f"在“页面设置”中设为 {want:g} 毫米。"))
            continue
        got = abs(int(float(raw))) / MM_TWIPS
        level = OK if abs(got - want) <= 1.0 else WARNING
        report.findings.append(Finding(level, "页面", f"{label} {got:.1f} 毫米（GB/T 9704：{want:g} 毫米）",
                                       "页面设置", "" if level == OK else f"在“页面设置”中设为 {want:g} 毫米。"))
    grid = sect.find(_w("docGrid"))
    kind = grid.get(_w("type")) if grid is not None else None
    pitch = grid.get(_w("linePitch")) if grid is not None else None
    if kind in ("lines", "linesAndChars", "snapToChars") and pitch and abs(int(pitch) - LINE_PITCH_TWIPS) <= 3:
        report.findings.append(Finding(OK, "页面", f"文档网格：每页 22 行（行距 {int(pitch) / 20:.2f} 磅）",
                                       "文档网格"))
    else:
        got = f"类型 {kind or '无'}，行距 {int(pitch) / 20:.2f} 磅" if pitch else f"类型 {kind or '无'}"
        report.findings.append(Finding(
            WARNING, "页面", f"文档网格不是每页 22 行（{got}）。", "文档网格",
            "在“页面设置 → 文档网格”中选“只指定行网格”，每页 22 行（行距 28.95 磅）。"))


# role -> (eastAsia font, size in points or None)
ROLE_FONTS: dict[Role, tuple[str, float | None]] = {
    Role.BODY: ("仿宋_GB2312", 16), Role.TITLE: ("方正小标宋简体", 22),
    Role.HEADING1: ("黑体", 16), Role.HEADING2: ("楷体_GB2312", 16),
    Role.HEADING3: ("仿宋_GB2312", 16), Role.HEADING4: ("仿宋_GB2312", 16),
    Role.HEADING1_CHAR: ("黑体", None), Role.HEADING2_CHAR: ("楷体_GB2312", None),
    Role.RECIPIENT: ("仿宋_GB2312", 16), Role.SIGNATURE: ("仿宋_GB2312", 16),
    Role.DATE: ("仿宋_GB2312", 16), Role.SEAL_SIGNATURE: ("仿宋_GB2312", 16),
    Role.SEAL_DATE: ("仿宋_GB2312", 16), Role.NOTE: ("仿宋_GB2312", 16),
    Role.ATTACH_NOTE: ("仿宋_GB2312", 16), Role.ATTACH_LABEL: ("黑体", 16),
    Role.ATTACH_TITLE: ("方正小标宋简体", 22), Role.HEADER_LINE: ("黑体", 16),
    Role.ISSUER_MARK: ("方正小标宋简体", None), Role.DOC_NUMBER: ("仿宋_GB2312", 16),
    Role.RECORD_COPY: ("仿宋_GB2312", 14), Role.RECORD_PRINT: ("仿宋_GB2312", 14),
    Role.PAGE_NUMBER: ("宋体", 14),
}
SIZE_NAMES = {22.0: "2号", 16.0: "3号", 14.0: "4号", 10.5: "5号"}


def _same_family(got: str, want: str) -> bool:
    from docgen.pdf.fonts import official_aliases  # noqa: PLC0415

    names = official_aliases().get(want, (want,))
    key = got.replace(" ", "").casefold()
    return any(key == n.replace(" ", "").casefold() for n in names)


def _check_fonts(zf: zipfile.ZipFile, roles: StyleRoles, report: TemplateReport) -> None:
    from docgen.pdf.styles import StyleSheet  # noqa: PLC0415

    def read(name: str) -> bytes | None:
        try:
            return zf.read(name)
        except KeyError:
            return None

    sheet = StyleSheet.from_xml(read("word/styles.xml"), read("word/theme/theme1.xml"),
                                lambda data: etree.fromstring(data, _PARSER))
    present = report.used | (set(roles.by_role) & STYLE_ONLY)
    for role, (font, size) in ROLE_FONTS.items():
        info = roles.by_role.get(role)
        if info is None or role not in present:  # a style the template does not use
            continue
        if BY_ROLE[role].kind == CHARACTER:
            props = sheet.run_props(None, info.style_id, {})
        else:
            props = sheet.run_props(info.style_id, None, {})
        label = BY_ROLE[role].label
        where = f"样式“{info.name}”"
        got_font = props.font_east_asia or "（未设置）"
        size_ok = size is None or abs(props.size - size) < 0.3
        font_ok = _same_family(got_font, font)
        size_text = f"{props.size:g} 磅" + (f"（{SIZE_NAMES[props.size]}）" if props.size in SIZE_NAMES else "")
        if font_ok and size_ok:
            report.findings.append(Finding(OK, "字体", f"{label}：中文字体（eastAsia）{got_font}，{size_text}",
                                           where))
            continue
        want = font + (f" {size:g} 磅（{SIZE_NAMES.get(float(size), '')}）" if size else "")
        report.findings.append(Finding(
            WARNING, "字体", f"{label}：中文字体（eastAsia）{got_font}，{size_text}；GB/T 9704 要求 {want}。",
            where, f"在 Word 中修改样式“{info.name}”：中文字体选 {font}"
                   + (f"，字号 {SIZE_NAMES.get(float(size), f'{size:g} 磅')}" if size else "") + "。"))


# ---------------------------------------------------------------- roles

# Roles a template is expected to print whatever the data (missing: a warning in the report)
CORE_ROLES = (Role.BODY, Role.HEADING1, Role.HEADING2, Role.HEADING3, Role.HEADING4)
# Roles only some data needs: listed as "not found" with what their absence would do
OPTIONAL_ROLES = (Role.TITLE, Role.RECIPIENT, Role.SIGNATURE, Role.DATE, Role.SEAL_SIGNATURE, Role.SEAL_DATE,
                  Role.ATTACH_NOTE, Role.NOTE, Role.RECORD_COPY, Role.RECORD_PRINT, Role.TABLE,
                  Role.BODY_TABLE_HEAD, Role.BODY_TABLE_TEXT, Role.PAGE_NUMBER)
# Roles that exist only as styles (docgen inserts their paragraphs): a style is enough
STYLE_ONLY = {Role.TABLE, Role.TABLE_CAPTION, Role.BODY_TABLE_HEAD, Role.BODY_TABLE_TEXT,
              Role.TAIL, Role.HEADING1_CHAR, Role.HEADING2_CHAR, Role.HEADING3_CHAR,
              Role.HEADING4_CHAR, Role.BODY, Role.HEADING1, Role.HEADING2, Role.HEADING3,
              Role.HEADING4}


def _check_roles(report: TemplateReport) -> None:
    present = {r for r in report.roles if r in STYLE_ONLY} | report.used
    for role in CORE_ROLES + OPTIONAL_ROLES:
        if role in present:
            continue
        spec = BY_ROLE[role]
        report.missing[role] = spec.missing
        level = WARNING if role in CORE_ROLES else OK
        report.findings.append(Finding(
            level, "角色", f"没有找到“{spec.label}”（{spec.missing}）。", "",
            f"给相应段落使用名为“{spec.names[0]}”的样式，或插入名为 docgen_{role.value} 的书签。"))


def check_template(path: str | Path) -> TemplateReport:
    """Everything ``docgen template check`` reports about one template (see module doc)."""
    path = Path(path)
    report = TemplateReport(path)
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        report.findings.append(Finding(ERROR, "文件", f"不是有效的 .docx 文件（{type(exc).__name__}）。",
                                       str(path), "用 Word 或 WPS 打开后另存为 .docx（Word 文档）格式。"))
        return report
    with zf:
        try:
            document = etree.fromstring(zf.read("word/document.xml"), _PARSER)
        except (KeyError, etree.XMLSyntaxError):
            report.findings.append(Finding(ERROR, "文件", "缺少或无法读取 word/document.xml。", str(path),
                                           "用 Word 或 WPS 打开后另存为 .docx 格式。"))
            return report
        roles = style_roles(path)
        report.roles = dict(roles.by_role)
        for part in _parts(zf):
            root = document if part == "word/document.xml" else etree.fromstring(zf.read(part), _PARSER)
            report.used |= _used_roles(root, roles)
        _check_roles(report)
        _check_placeholders(path, zf, report)
        _check_page(document, report)
        _check_fonts(zf, roles, report)
    return report


# ---------------------------------------------------------------- the text

_VALUE = re.compile(r"(?<![\w.'\"])(meta|extra|figures)\.(\w+)|(?<![\w.'\"])([A-Za-z_]\w*)(?=\s*(?:\[|\}\}|\s|\)|$))")


def _values_of(tag: str) -> set[str]:
    """The docgen values a ``{{ … }}`` tag prints (meta.x, extra.x, top-level names)."""
    loop = re.match(r"\{%-?\s*(?:p|tr|tc|r)?\s*for\s+.+?\s+in\s+([A-Za-z_]\w*)", tag)
    if loop:
        return {loop[1]} & KNOWN_NAMES
    if not tag.startswith("{{"):
        return set()
    inner = tag[2:-2]
    out = set()
    for m in _VALUE.finditer(inner):
        if m[1]:
            out.add(f"{m[1]}.{m[2]}")
        elif m[3] in KNOWN_NAMES and m[3] not in ("loop", "true", "false", "none", "True", "False",
                                                   "None", "meta", "extra", "figures"):
            out.add(m[3])
    return out


def describe(report: TemplateReport) -> str:
    mark = {OK: "✓", WARNING: "!", ERROR: "✗"}
    lines = [f"模板：{report.path}"]
    found = sorted(report.used | {r for r in report.roles if r in STYLE_ONLY and r in report.roles},
                   key=lambda r: list(Role).index(r))
    lines.append(f"找到的角色（{len(found)} 个，按样式名称或书签识别）：")
    for role in found:
        info = report.roles.get(role)
        how = {"name": "样式", "alias": "样式（别名）", "id": "样式（仅按样式 ID）"}.get(
            info.how if info else "", "书签/内容控件")
        lines.append(f"  ✓ {BY_ROLE[role].label}：{how}“{info.name if info else role.value}”")
    if report.missing:
        lines.append("没有找到的角色（用到时的影响）：")
        for role, what in report.missing.items():
            lines.append(f"  · {BY_ROLE[role].label}：{what}")
    values = sorted({v for ph in report.placeholders for v in _values_of(ph.text)})
    blocks = sum(1 for ph in report.placeholders if ph.text.startswith("{%"))
    lines.append(f"占位符：{len(report.placeholders) - blocks} 个值标签、{blocks} 个控制标签"
                 "（{% if/for %}），用到的值：")
    lines.append("  " + "、".join(values) if values else "  （无）")
    for topic in ("文件", "占位符", "页面", "字体"):
        items = [f for f in report.findings if f.topic == topic]
        if not items:
            continue
        lines.append(f"{topic}：" if topic != "占位符" else "占位符问题：")
        for f in items:
            where = f"（{f.where}）" if f.where and f.level != OK else ""
            lines.append(f"  {mark[f.level]} {f.message}{where}")
            if f.fix and f.level != OK:
                lines.append(f"    修改方法：{f.fix}")
    errors, warnings = len(report.errors), len(report.warnings)
    lines.append(f"结论：{errors} 个错误，{warnings} 个警告。" if errors or warnings else "结论：没有发现问题。")
    return "\n".join(lines)


# ---------------------------------------------------------------- at build time

def needed_roles(document) -> list[tuple[tuple[Role, ...], str]]:
    """Roles the data needs, each as (any of these roles, what in the data needs it)."""
    meta = document.meta
    needs: list[tuple[tuple[Role, ...], str]] = []
    if len(meta.seals) > 1:
        needs.append(((Role.JOINT_SEAL_SIGNATURE,), "数据中有多个印章（meta.seals）"))
    elif meta.seal:
        needs.append(((Role.SEAL_SIGNATURE,), "数据中有印章（meta.seal）"))
        needs.append(((Role.SEAL_DATE,), "数据中有印章（meta.seal）"))
    if meta.copy_to or meta.printer:
        needs.append(((Role.RECORD_COPY, Role.RECORD_PRINT), "数据中有版记（meta.copy_to / meta.printer）"))
    return needs


@functools.lru_cache(maxsize=32)
def _template_roles(path: str, mtime_ns: int, size: int) -> frozenset[Role] | None:
    """Roles the paragraphs of a template carry, once per version of the file."""
    try:
        roles = style_roles(Path(path))
        with zipfile.ZipFile(path) as zf:
            used: set[Role] = set()
            for part in _parts(zf):
                used |= _used_roles(etree.fromstring(zf.read(part), _PARSER), roles)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None  # rendering reports an unreadable template
    return frozenset(used)


def missing_role_warnings(document, template: str | Path) -> list[DocgenWarning]:
    """A warning for each role the data needs that ``template`` does not have."""
    path = Path(template)
    try:
        stat = path.stat()
    except OSError:
        return []
    used = _template_roles(str(path), stat.st_mtime_ns, stat.st_size)
    if used is None:
        return []
    out = []
    for wanted, why in needed_roles(document):
        if used & set(wanted):
            continue
        spec = BY_ROLE[wanted[0]]
        out.append(DocgenWarning(
            f"{why}，但模板中没有“{spec.label}”段落：{spec.missing}。",
            location=Location(file=str(path)),
            fix=f"在模板中给相应段落使用名为“{spec.names[0]}”的样式（可从 docgen 自带的模板复制），"
                f"或运行 docgen template check {path} 查看模板缺少什么。"))
    return out
