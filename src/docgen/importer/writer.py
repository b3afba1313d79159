"""The recognised document → the text of a docgen data file (YAML, with comments).

Takes the assembled values; returns YAML text written with ruamel.yaml:
keys in docgen's order, each figure with its sentence as a comment, long
lines never folded, every value quoted where YAML would read it otherwise.
"""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from docgen.importer.figures import Figure

_PLAIN_NUMBER = re.compile(r"^(0|[1-9]\d*)(\.\d*[1-9])?$")


def figure_value(text: str) -> Any:
    """97.7 → 97.7, 21278 → 21278; 5.10 or 0513 stay quoted text (their zeros are kept)."""
    if _PLAIN_NUMBER.match(text):
        return float(text) if "." in text else int(text)
    return text


def _seq(items: list[Any], flow: bool = False) -> CommentedSeq:
    seq = CommentedSeq(items)
    if flow:
        seq.fa.set_flow_style()
    return seq


def _node(value: Any) -> Any:
    if isinstance(value, dict):
        m = CommentedMap()
        for k, v in value.items():
            if k == "continue" and isinstance(v, list):
                m[k] = _seq(list(v), flow=True)
            elif k == "header" or (k == "rows" and isinstance(v, list)):
                m[k] = _seq([_seq(list(r), flow=True) for r in v]) if k == "rows" else _seq(list(v), True)
            else:
                m[k] = _node(v)
        return m
    if isinstance(value, list):
        return _seq([_node(v) for v in value])
    return value


def dump(*, source: str, template: str, reason: str, meta: dict[str, Any],
         numbering: dict[str, Any] | None, figures: list[Figure], body: list[Any]) -> str:
    root = CommentedMap()
    root["template"] = template
    root.yaml_add_eol_comment(reason, "template")
    meta_map = CommentedMap()
    for key, value in meta.items():
        if key == "attachments":
            meta_map[key] = _node(value)
        elif key in ("recipients", "copy_to", "keywords", "attendees", "absent", "observers") or (
                key in ("issuer", "issuer_mark") and isinstance(value, list)):
            items = [_seq(list(v), flow=True) if isinstance(v, list) else v for v in value]
            meta_map[key] = _seq(items, flow=True) if len(value) > 1 or key != "issuer" else value[0]
        else:
            meta_map[key] = value
    root["meta"] = meta_map
    if numbering:
        cont = numbering["continue"]
        if isinstance(cont, dict):
            flow = CommentedMap(cont)
            flow.fa.set_flow_style()
        else:
            flow = _seq(cont, flow=True)
        root["numbering"] = CommentedMap({"continue": flow})
        root.yaml_add_eol_comment("这些层级的序号全文连续（按原文的编号判断）", "numbering")
    if figures:
        fig_map = CommentedMap()
        for fig in figures:
            fig_map[fig.name] = figure_value(fig.value)
            fig_map.yaml_add_eol_comment(fig.sentence.replace("\n", " "), fig.name)
        root["figures"] = fig_map
    root["body"] = _node(body)
    yaml = YAML()
    yaml.width = 100_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    out = io.StringIO()
    out.write(f"# 由 docgen import 从 {source} 导入。请核对后使用：\n"
              "#   编号（一、（一）1.（1）一是）由 docgen 计算，正文中不写编号；\n"
              "#   正文中的统计数字已移到 figures，用 {{ figures.名称 }} 引用，名称可以改得更好懂。\n")
    yaml.dump(root, out)
    return out.getvalue()
