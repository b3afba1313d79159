"""Hostile input files through the real command line (``python -m docgen``, a subprocess).

For each hostile file: the exit code is 1 (a reported error, not a crash),
stderr carries a Chinese message and no traceback, the previous good outputs
in the output folder are byte-identical afterwards, and no temporary file
is left behind.  The subprocess runs with a memory ceiling so that a missed
check fails the test instead of exhausting the machine.
"""

from __future__ import annotations

import datetime
import io
import os
import resource
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "templates" / "report.docx"
TITLE = "安全测试报告"
MEMORY_CEILING = 3 * 2**30


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def run_docgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DOCGEN_DEBUG", None)
    env.pop("DOCGEN_TRACEBACK", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    # The timeout only guards the test run against a hang; nothing asserts on time.
    return subprocess.run([sys.executable, "-m", "docgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, preexec_fn=_limit_memory)


def good_data(folder: Path) -> Path:
    data = {
        "template": "report",
        "meta": {"title": TITLE, "issuer": "测试县人民政府", "year": 2022,
                 "date": datetime.date(2023, 3, 13)},
        "figures": {"件数": 12},
        "body": ["正文第一段，共{{ figures.件数 }}件。", {"heading": "工作成效", "body": ["成效段落。"]}],
    }
    path = folder / "good.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def good_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Real previous outputs: a .docx built from good data, and a PDF stand-in."""
    folder = tmp_path_factory.mktemp("good")
    result = run_docgen("build", str(good_data(folder)), "--out", "out", "--no-pdf", cwd=folder)
    assert result.returncode == 0, result.stderr
    docx_bytes = (folder / "out" / f"{TITLE}.docx").read_bytes()
    return {f"{TITLE}.docx": docx_bytes, f"{TITLE}.pdf": b"%PDF-1.7\n% previous good archive copy\n"}


@pytest.fixture
def workspace(tmp_path: Path, good_outputs: dict[str, bytes]) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name, data in good_outputs.items():
        (out / name).write_bytes(data)
    good_data(tmp_path)
    return tmp_path


def assert_refused(result: subprocess.CompletedProcess[str], workspace: Path,
                   good_outputs: dict[str, bytes], *, expect: tuple[str, ...]) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    assert "内部错误" not in output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr)
    assert "修改方法" in result.stderr, "the message must say how to fix it"
    assert any(word in result.stderr for word in expect), result.stderr
    out = workspace / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(good_outputs), "no temp or partial file"
    for name, data in good_outputs.items():
        assert (out / name).read_bytes() == data, f"{name} changed"
    assert not list(workspace.glob(".docgen-*"))


def build_with_template(workspace: Path, template: Path) -> subprocess.CompletedProcess[str]:
    return run_docgen("build", "good.yaml", "--template", str(template), "--out", "out", "--no-pdf",
                      cwd=workspace)


def copy_report(target: Path, *, replace: dict[str, bytes] | None = None,
                add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(REPORT) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = (replace or {}).get(info.filename, src.read(info))
            dst.writestr(info.filename, data)
        for name, data in (add or {}).items():
            dst.writestr(name, data)
    return target


# ---------------------------------------------------------------- templates



@pytest.mark.parametrize("content", [b"this is not a word document\n",
                                     b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), b""])
def test_template_not_a_zip(workspace: Path, good_outputs: dict[str, bytes], content: bytes) -> None:
    template = workspace / "模板.docx"
    template.write_bytes(content)
    result = build_with_template(workspace, template)
    assert_refused(result, workspace, good_outputs, expect=("zip", ".docx"))
    assert "模板.docx" in result.stderr


def test_template_zip_bomb(workspace: Path, good_outputs: dict[str, bytes]) -> None:
    template = copy_report(workspace / "bomb.docx")
    with zipfile.ZipFile(template, "a") as archive:
        info = zipfile.ZipInfo("word/media/padding.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        chunk = bytes(2**20)
        with archive.open(info, "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(chunk)
    assert template.stat().st_size < 3 * 2**20
    result = build_with_template(workspace, template)
    assert_refused(result, workspace, good_outputs, expect=("压缩炸弹",))


BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE w:document [\n'
    ' <!ENTITY a "哈哈哈哈哈哈哈哈哈哈">\n'
    + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + "]>\n"
)


def hostile_document_xml(prolog: str, entity: str) -> bytes:
    with zipfile.ZipFile(REPORT) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    body_start = xml.index("<w:document")
    xml = prolog + xml[body_start:]
    xml = xml.replace("{{ title_text }}", f"&{entity};", 1)
    return xml.encode("utf-8")


def test_template_billion_laughs(workspace: Path, good_outputs: dict[str, bytes]) -> None:
    template = copy_report(workspace / "laughs.docx",
                           replace={"word/document.xml": hostile_document_xml(BILLION_LAUGHS, "j")})
    result = build_with_template(workspace, template)
    assert_refused(result, workspace, good_outputs, expect=("DOCTYPE", "实体"))


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_template_external_entity(workspace: Path, good_outputs: dict[str, bytes], scheme: str) -> None:
    secret = workspace / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    url = f"file://{secret}" if scheme == "file" else "http://127.0.0.1:9/x"
    prolog = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{url}">]>\n')
    template = copy_report(workspace / "xxe.docx",
                           replace={"word/document.xml": hostile_document_xml(prolog, "xxe")})
    result = build_with_template(workspace, template)
    assert_refused(result, workspace, good_outputs, expect=("DOCTYPE", "实体"))
    assert "TOP-SECRET-VALUE" not in result.stdout + result.stderr


def png(width: int, height: int, *, pixels: bool) -> bytes:
    """A PNG claiming width × height; with ``pixels`` a real small image, else header only."""
    if pixels:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (width, height), "red").save(buffer, "PNG")
        return buffer.getvalue()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def template_with_picture(target: Path, image: bytes) -> Path:
    """The report template with a real inline picture, whose bytes are then swapped for *image*."""
    import docx
    from docx.shared import Cm

    document = docx.Document(str(REPORT))
    document.add_paragraph().add_run().add_picture(io.BytesIO(png(40, 30, pixels=True)), width=Cm(2))
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        media = [n for n in src.namelist() if n.startswith("word/media/")]
        assert media, "python-docx stored the picture"
        for info in src.infolist():
            data = image if info.filename in media else src.read(info)
            dst.writestr(info.filename, data)
    return target


def test_template_with_small_picture_is_fine(workspace: Path) -> None:
    """Control for the next test: the same construction with a normal image builds."""
    template = template_with_picture(workspace / "pic.docx", png(40, 30, pixels=True))
    result = build_with_template(workspace, template)
    assert result.returncode == 0, result.stderr


def test_template_huge_image(workspace: Path, good_outputs: dict[str, bytes]) -> None:
    template = template_with_picture(workspace / "huge.docx", png(100_000, 100_000, pixels=False))
    result = build_with_template(workspace, template)
    assert_refused(result, workspace, good_outputs, expect=("图片",))


# ---------------------------------------------------------------- data


def write_data(workspace: Path, text: str) -> Path:
    path = workspace / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def alias_bomb() -> str:
    lines = ["template: report", "meta:", f"  title: {TITLE}", "  issuer: 测试县人民政府",
             "  year: 2022", "  date: 2023-03-13", "x0: &x0 [哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈, 哈]"]
    for i in range(1, 10):
        lines.append(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]")
    lines.append("body: [*x9]")
    return "\n".join(lines) + "\n"


def test_data_alias_bomb(workspace: Path, good_outputs: dict[str, bytes]) -> None:
    data = write_data(workspace, alias_bomb())
    result = run_docgen("build", str(data), "--out", "out", "--no-pdf", cwd=workspace)
    assert_refused(result, workspace, good_outputs, expect=("炸弹", "别名", "过大", "过多"))
    assert "hostile.yaml" in result.stderr


HEAD = (f"template: report\nmeta:\n  title: {TITLE}\n  issuer: 测试县人民政府\n"
        "  year: 2022\n  date: 2023-03-13\n")


@pytest.mark.parametrize("style", ["flow", "block"])
def test_data_deep_nesting(workspace: Path, good_outputs: dict[str, bytes], style: str) -> None:
    if style == "flow":
        body = "body:\n  - " + "[" * 1000 + "深" + "]" * 1000 + "\n"
    else:
        body = "body:\n" + "".join("  " * (i + 1) + "- heading: 标题\n" + "  " * (i + 2) + "body:\n"
                                   for i in range(1000)) + "  " * 1002 + "- 深\n"
    data = write_data(workspace, HEAD + body)
    result = run_docgen("build", str(data), "--out", "out", "--no-pdf", cwd=workspace)
    assert_refused(result, workspace, good_outputs, expect=("嵌套", "层"))
    assert "hostile.yaml" in result.stderr


# ---------------------------------------------------------------- docgen pdf


def _pdf_command_available() -> bool:
    try:
        from docgen.pdf import docx_to_pdf  # noqa: F401
    except ImportError:
        return False
    return (ROOT / "src" / "docgen" / "commands" / "pdf.py").exists()


needs_pdf = pytest.mark.skipif(not _pdf_command_available(),
                               reason="docgen.pdf.docx_to_pdf / docgen pdf command not available yet")


@needs_pdf
@pytest.mark.parametrize("kind", ["not-zip", "bomb", "laughs", "xxe", "huge-image"])
def test_pdf_command_refuses_hostile_docx(workspace: Path, good_outputs: dict[str, bytes],
                                          kind: str) -> None:
    hostile = workspace / f"{TITLE}.docx"  # same stem as the good outputs: their PDF must survive
    if kind == "not-zip":
        hostile.write_bytes(b"not a zip at all")
    elif kind == "bomb":
        copy_report(hostile)  # 256 MB of zeros inside: past the 200 MB the archive may expand to
        with zipfile.ZipFile(hostile, "a") as archive:
            info = zipfile.ZipInfo("word/media/zeros.bin")
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                for _ in range(256):
                    member.write(bytes(2**20))
    elif kind == "laughs":
        copy_report(hostile, replace={"word/document.xml": hostile_document_xml(BILLION_LAUGHS, "j")})
    elif kind == "xxe":
        prolog = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
        copy_report(hostile, replace={"word/document.xml": hostile_document_xml(prolog, "xxe")})
    else:
        template_with_picture(hostile, png(100_000, 100_000, pixels=False))
    result = run_docgen("pdf", str(hostile), "--out", "out", cwd=workspace)
    assert_refused(result, workspace, good_outputs,
                   expect=("zip", "压缩", "DOCTYPE", "实体", "图片", ".docx"))
    assert "root:" not in result.stdout + result.stderr
