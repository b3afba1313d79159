"""Jinja's syntax messages in Chinese, for template errors a clerk reads.

Jinja words its ``TemplateSyntaxError`` messages in English; the common
ones are translated here (one place for ``render_docx`` and
``template_check``), the rest keep Jinja's text after a Chinese lead.
"""

from __future__ import annotations

import re

_TOKEN_NAMES = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "模板结尾",
    "name": "名称",
    "integer": "整数",
    "string": "字符串",
}

def _alternatives(text: str) -> str:
    """``'elif' or 'else' or 'endif'`` → ``elif、else 或 endif``."""
    names = re.findall(r"'([^']+)'", text)
    return "、".join(names[:-1]) + f" 或 {names[-1]}" if len(names) > 1 else (names[0] if names else text)


_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^expected token '(?P<a>[^']+)', got '(?P<b>[^']+)'$", re.I), "这里应为“{a}”，却是“{b}”"),
    (re.compile(r"^unexpected end of template.*looking for the following tags: (?P<alts>.+?)\. "
                r"The innermost block that needs to be closed is '(?P<b>[^']+)'", re.I | re.S),
     "模板在“{b}”标签配对之前就结束了（缺少 {alts}）"),
    (re.compile(r"^unexpected end of template", re.I),
     "模板在标签配对之前就结束了（缺少 endif、endfor 之类的结束标签）"),
    (re.compile(r"^encountered unknown tag '(?P<a>[^']+)'", re.I), "未知的标签“{a}”"),
    (re.compile(r"^unexpected char '(?P<a>.+)' at \d+$", re.I), "标签中有不能出现的字符“{a}”"),
    (re.compile(r"^unexpected '(?P<a>[^']+)'$", re.I), "出现了多余的“{a}”"),
    (re.compile(r"^expected an expression, got '(?P<a>[^']+)'$", re.I), "这里应写一个值，却是“{a}”"),
    (re.compile(r"^tag name expected$", re.I), "{{% 后面缺少标签名（如 if、for）"),
    (re.compile(r"^unexpected end of print statement$", re.I), "{{{{ }}}} 中没有写值"),
)


def _token(text: str) -> str:
    return _TOKEN_NAMES.get(text, text)


def syntax_zh(message: str | None) -> str:
    """Jinja's syntax-error ``message`` as a Chinese phrase (without a final 。)."""
    text = (message or "").strip()
    for pattern, template in _RULES:
        m = pattern.match(text)
        if m:
            parts = {k: _alternatives(v) if k == "alts" else _token(v) for k, v in m.groupdict().items()}
            return template.format(**parts)
    return f"Jinja 的说明：{text}" if text else "语法错误"
