"""Templates and data cannot run code or inject XML: the real pipeline on real files.

Hostile templates are made by copying ``templates/report.docx`` and replacing
the text of one tag in ``word/document.xml``; every build goes through
``docgen.build.build`` and the output folder is inspected afterwards.
"""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
import yaml
from lxml import etree

from docgen.build import build
from docgen.errors import DataError, DocgenError, TemplateError

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "templates" / "report.docx"
TITLE_TAG = "{{ title_text }}"

HOSTILE_TAGS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].system('touch PWNED') }}",
    "{{ self._TemplateReference__context }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ meta.__class__ }}",
    "{{ blocks.__class__.__base__.__subclasses__() }}",
    "{{ range.__self__ }}",
    "{{ config }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ 'x' * 100000000 }}",
]


def data_file(folder: Path, *, title: str = "安全测试报告", issuer: str = "测试县人民政府",
              body: list | None = None, figures: dict | None = None) -> Path:
    """A small valid data file written with yaml.safe_dump (any string round-trips)."""
    data = {
        "template": "report",
        "meta": {"title": title, "issuer": issuer, "year": 2022, "date": datetime.date(2023, 3, 13)},
        "figures": figures or {"件数": 12},
        "body": body if body is not None else ["正文第一段，共{{ figures.件数 }}件。",
                                               {"heading": "工作成效", "body": ["成效段落。"]}],
    }
    path = folder / "data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def template_with(folder: Path, replacement: str, *, tag: str = TITLE_TAG) -> Path:
    """A copy of the report template whose *tag* text is replaced by *replacement*."""
    target = folder / "hostile.docx"
    with zipfile.ZipFile(REPORT) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert escape(tag) in text, f"{tag} not found as one run in the template"
                data = text.replace(escape(tag), escape(replacement), 1).encode("utf-8")
            dst.writestr(info, data)
    return target


def document_text(path: Path) -> str:
    """All paragraph text of a .docx, as python-docx reads it."""
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "安全测试报告.docx").write_bytes(b"previous good output")
    return folder


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
def test_hostile_template_tag_is_refused(tmp_path: Path, out: Path, tag: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = snapshot(out)
    template = template_with(tmp_path, tag)
    with pytest.raises(TemplateError) as info:
        build(data_file(tmp_path), template=template, out_dir=out, pdf=False)
    message = info.value.describe()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert info.value.fix
    assert str(template) in message
    assert snapshot(out) == before
    assert not (tmp_path / "PWNED").exists()


def test_ordinary_template_tag_still_works(tmp_path: Path, out: Path) -> None:
    """Control: the copy-and-replace helper itself yields a working template."""
    template = template_with(tmp_path, "{{ meta.title }}（{{ meta.year }}）")
    result = build(data_file(tmp_path), template=template, out_dir=out, pdf=False)
    assert "安全测试报告（2022）" in document_text(result.docx)


@pytest.mark.parametrize("text", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ figures.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
    "{{ lipsum.__globals__ }}",
    "共{{ figures.件数.__class__ }}件",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ '长' * 100000000 }}",
])
def test_hostile_reference_in_data_is_refused(tmp_path: Path, out: Path, text: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = snapshot(out)
    data = data_file(tmp_path, body=["正常段落。", text])
    with pytest.raises(DataError) as info:
        build(data, out_dir=out, pdf=False)
    message = info.value.describe()
    assert str(data) in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert snapshot(out) == before
    assert not (tmp_path / "PWNED").exists()


MARKUP = [
    "<w:p><w:r><w:t>注入</w:t></w:r></w:p>",
    "A & B &amp; C &#x41; &lt;",
    "]]> <![CDATA[ x ]]>",
    "\"双引号\" 'single' “中文引号”",
    "</w:t></w:r></w:p><w:p><w:r><w:t>",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
]


def test_markup_in_data_appears_literally(tmp_path: Path, out: Path) -> None:
    body = [*MARKUP, {"heading": "标题<b>&</b>", "text": "段首标题后的正文 <w:br/> & 'x'"},
            {"enumerate": ["一项 <tag>", "二项 &nbsp;"]}]
    title = "报告 <标题> & \"引号\""
    issuer = "机关 </w:t> & 'x'"
    result = build(data_file(tmp_path, title=title, issuer=issuer, body=body), out_dir=out, pdf=False)
    text = document_text(result.docx)
    for expected in [*MARKUP, "标题<b>&</b>", "段首标题后的正文 <w:br/> & 'x'", "一项 <tag>", "二项 &nbsp;",
                     title, issuer]:
        assert expected in text
    with zipfile.ZipFile(result.docx) as archive:
        xml = archive.read("word/document.xml")
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.getroottree().docinfo.doctype == ""
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    # Markup in data never became elements: each injected string sits inside one w:t.
    assert not root.xpath("//w:t/*", namespaces=ns)
    assert b"/etc/passwd" in xml and b"root:" not in xml


CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def test_control_characters_never_reach_document_xml(tmp_path: Path, out: Path) -> None:
    dirty = f"前{CONTROLS}后"
    body = [dirty, {"heading": f"标{CONTROLS}题", "text": f"正{CONTROLS}文"},
            {"enumerate": [f"甲{CONTROLS}", f"乙{CONTROLS}"]}]
    result = build(data_file(tmp_path, title=f"报告{CONTROLS}", issuer=f"机关{CONTROLS}", body=body),
                   out_dir=out, pdf=False)
    with zipfile.ZipFile(result.docx) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                part = archive.read(name)
                etree.fromstring(part)  # well-formed
                for ch in CONTROLS:
                    assert ch.encode("utf-8") not in part, (name, hex(ord(ch)))
                    assert f"&#{ord(ch)};".encode() not in part
                    assert f"&#x{ord(ch):x};".encode().lower() not in part.lower()
    text = document_text(result.docx)
    for expected in ("前后", "标题", "正文", "甲", "乙", "报告", "机关"):
        assert expected in text
    assert result.docx.name == "报告.docx"


@pytest.mark.parametrize(("title", "name"), [
    ("../../escape", "_._escape.docx"),
    ("/etc/passwd", "_etc_passwd.docx"),
    ("CON", "_CON.docx"),
    ("中" * 300, "中" * 65 + ".docx"),
])
def test_output_name_from_title_stays_in_out_dir(tmp_path: Path, title: str, name: str) -> None:
    out = tmp_path / "deep" / "output"
    result = build(data_file(tmp_path, title=title), out_dir=out, pdf=False)
    assert result.docx == out.resolve() / name
    assert sorted(p.name for p in out.iterdir()) == [name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.yaml", "deep"]
    assert title in document_text(result.docx).replace("\n", "")  # long titles break into lines


def test_failed_build_leaves_previous_output(tmp_path: Path, out: Path) -> None:
    good = build(data_file(tmp_path), out_dir=out, pdf=False)
    before = snapshot(out)
    assert good.docx.name in before
    with pytest.raises(DocgenError):
        build(data_file(tmp_path, body=["{{ figures.不存在 }}"]), out_dir=out, pdf=False)
    assert snapshot(out) == before


# -- the budget (issue 13): every amplifier stops within seconds and a few hundred MB -------------

BUDGET_CASES = [
    "{{ '%0999999999d' % 1 }}", "{{ '%*d' % (999999999, 1) }}", "{{ '%(a)999999999s' % {'a': 1} }}",
    "{{ '{:999999999}'.format(1) }}", "{{ '{0:{1}}'.format(1, 999999999) }}",
    "{{ ('a' * 1000)|replace('a', 'a' * 1000)|replace('a', 'a' * 1000) }}",
    "{{ ('a' * 1000).replace('a', 'a' * 100000) }}", "{{ 'x'|center(999999999) }}",
    "{{ 'x'|indent(999999999) }}", "{{ 'x'.ljust(999999999) }}", "{{ '\\t'.expandtabs(999999999) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    "{{ (9 ** 999) ** 999 }}", "{{ 10 ** 100000 }}",
    "{% set ns = namespace(s='x') %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "{{ lipsum(999999999) }}",
]


@pytest.mark.parametrize("expression", BUDGET_CASES)
def test_budget_stops_hostile_expressions(expression: str) -> None:
    import resource
    import time

    from jinja2.exceptions import TemplateError as JinjaError

    from docgen.safety import BoundedSandbox

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(JinjaError) as info:
        BoundedSandbox(autoescape=False).from_string(expression).render()
    assert time.monotonic() - started < 15  # the budget is 10 s; most stop in milliseconds
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 300, f"{grown_mb:.0f} MB"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(info.value.message or "")) \
        or "undefined" in str(info.value)


@pytest.mark.parametrize(("expression", "expected"), [
    ("{{ 3 * 4 }}{{ '%5.2f' % 3.14159 }}{{ '{:>4}'.format('a') }}", "12 3.14   a"),
    ("{{ 'ab'|center(6) }}|{{ ', '.join(['a', 'b']) }}|{{ 2 ** 10 }}", "  ab  |a, b|1024"),
    ("{% for i in range(3) %}{{ i }}{% endfor %}", "012"),
])
def test_budget_leaves_ordinary_expressions_alone(expression: str, expected: str) -> None:
    from docgen.safety import BoundedSandbox

    assert BoundedSandbox(autoescape=False).from_string(expression).render() == expected


def test_compiled_code_is_reused_and_still_budgeted() -> None:
    """The second environment gets the first one's compiled code, and its budget still holds."""
    from jinja2.exceptions import TemplateError as JinjaError

    from docgen import sandbox
    from docgen.safety import BoundedSandbox

    hostile = "{{ '%0999999999d' % 1 }} reuse-check"
    for _ in range(2):
        with pytest.raises(JinjaError):
            BoundedSandbox(autoescape=False).from_string(hostile).render()
    assert (hostile, False, BoundedSandbox(autoescape=False).undefined) in sandbox._COMPILED
    text = "{{ a }}-{{ b|upper }} reuse-check"
    first = BoundedSandbox(autoescape=True).from_string(text).render(a="<1>", b="x")
    second = BoundedSandbox(autoescape=True).from_string(text).render(a="2", b="y")
    assert (first, second) == ("&lt;1&gt;-X reuse-check", "2-Y reuse-check")
    assert BoundedSandbox(autoescape=False).from_string(text).render(a="<1>", b="x") == "<1>-X reuse-check"


# ---------------------------------------------------------------- one allowance per build

# 200 million loop steps: well over 0.5 s on any machine (20 million took 0.45 s on a fast one)
_SLOW = ("{% set s = 'a' * 1000000 %}{% for i in s %}{% for j in '" + "a" * 200 + "' %}"
         "{% endfor %}{% endfor %}段。")


def test_many_slow_texts_share_one_allowance_per_build(tmp_path, monkeypatch):
    """Each text has TEMPLATE_SECONDS, but all texts of a build together BUILD_TEMPLATE_SECONDS."""
    import time

    from docgen import limits
    from docgen.build import build
    from docgen.errors import DataErrors

    monkeypatch.setattr(limits, "TEMPLATE_SECONDS", 0.5)
    monkeypatch.setattr(limits, "BUILD_TEMPLATE_SECONDS", 1.0)
    data = tmp_path / "慢.yaml"
    body = "\n".join(f"  - \"{_SLOW}\"" for _ in range(8))
    data.write_text("template: report\nmeta:\n  title: 慢\n  issuer: 测试县人民政府\n  year: 2022\n"
                    f"  date: 2023-03-13\nbody:\n{body}\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(DataErrors) as err:
        build(data, out_dir=tmp_path / "out", pdf=False)
    took = time.monotonic() - started
    # without the shared allowance: 8 texts × (0.5 s + the 2 s alarm slack) ≈ 20 s
    assert took < 8, took
    paths = [e.location.path for e in err.value.errors]
    assert paths[0] == "body[0]" and len(paths) == 8
    assert any("合计超过" in e.message for e in err.value.errors)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_render_inside_an_outer_timer_stops_with_its_own_message_and_keeps_the_timer():
    """A batch worker's per-document timer: the render's alarm nests and re-arms it after."""
    import signal

    class Outer(Exception):
        pass

    def outer(_s, _f):
        raise Outer()

    from jinja2 import TemplateError

    from docgen.sandbox import BoundedSandbox

    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 60)
    try:
        env = BoundedSandbox()
        from docgen import limits

        saved = limits.TEMPLATE_SECONDS
        limits.TEMPLATE_SECONDS = 0.3
        try:
            with pytest.raises(TemplateError) as err:  # the sandbox's, not Outer
                env.from_string("{% for i in range(10) %}" + _SLOW + "{% endfor %}").render()
        finally:
            limits.TEMPLATE_SECONDS = saved
        assert "已停止" in str(err.value)
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 50 < left <= 60  # the outer timer runs on with what it had left
        assert signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_THREAD_CHILD = """
import json, sys, threading, time
from docgen.sandbox import BoundedSandbox
results = []
def run(expression):
    started = time.monotonic()
    try:
        BoundedSandbox().from_string(expression).render()
        results.append([expression, "rendered", time.monotonic() - started])
    except Exception as exc:
        results.append([expression, type(exc).__name__ + ": " + str(exc), time.monotonic() - started])
for expression in json.loads(sys.argv[1]):
    worker = threading.Thread(target=run, args=(expression,))  # no address-space limit in a thread
    worker.start()
    worker.join(60)
# this process's own peak (VmHWM: reset by exec, unlike ru_maxrss, which keeps the forking parent's)
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"results": results, "maxrss_mb": peak / 1024}))
"""

PRINTED_BOMBS = [
    "{{ [[0] * 1000000] * 1000000 }}",
    "{{ 'a' ~ [[0] * 1000000] * 1000000 }}",
    "{{ ([[0] * 1000000] * 1000000)|string }}",
    "{{ ([[0] * 1000000] * 1000000)|pprint }}",
    "{{ ([[0] * 1000000] * 1000000)|tojson }}",
    "{{ '%s' % ([[0] * 1000000] * 1000000,) }}",
    "{{ '{}'.format([[0] * 1000000] * 1000000) }}",
    "{{ ('\\t' * 1000000).expandtabs(1000) }}",
]


def test_containers_printed_in_a_thread_are_judged_before_printing():
    """str() of a nested list runs in C, in any thread: refused in seconds and a few hundred MB."""
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _THREAD_CHILD, json.dumps(PRINTED_BOMBS)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert [r[0] for r in report["results"]] == PRINTED_BOMBS  # none still running
    for expression, outcome, seconds in report["results"]:
        assert outcome.startswith("BudgetExceeded") and "过长" in outcome, (expression, outcome)
        assert seconds < 10, (expression, seconds)
    assert report["maxrss_mb"] < 300, report["maxrss_mb"]


@pytest.mark.parametrize("expression, expected", [
    ("{{ [1, 2, 3] }}", "[1, 2, 3]"),
    ("{{ 'a' ~ 1 ~ [1] }}", "a1[1]"),
    ("{{ [1, 2]|join('、') }}", "1、2"),
    ("{{ '%d件' % 5 }}", "5件"),
    ("{{ '{}件'.format(5) }}", "5件"),
    ("{{ ('a\\tb').expandtabs(4) }}", "a   b"),
])
def test_ordinary_values_still_print(expression, expected):
    from docgen.sandbox import BoundedSandbox

    assert BoundedSandbox(autoescape=False).from_string(expression).render() == expected
