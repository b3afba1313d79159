"""Issue 13's hostile inputs, one test per class, each through the CLI *and* the Python API.

Every case runs in a child process under a hard address-space limit
(``RLIMIT_AS``, :data:`MEMORY_CEILING`) and a wall-clock bound
(:data:`SECONDS`): a missed check fails the test instead of exhausting the
machine.  For each case and each way in:

* CLI: exit code 1, a Chinese message naming the place (file, and line or
  YAML path) with ``修改方法``, no traceback, no ``内部错误``;
* API: ``docgen.build`` raises the expected DocgenError subclass, whose
  ``location`` names the data file and the YAML path and whose ``fix`` is
  set; the child's peak memory (ru_maxrss) stays under :data:`PEAK_MB` and
  the ``build()`` call under :data:`BUILD_SECONDS`;
* both: the previous outputs in the output folder are byte-identical and no
  temporary file is left; no content of a file outside the data folder
  appears in any message.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MEMORY_CEILING = 2 * 2**30      # address space of each child (Python + docgen need ~0.6 GB of it)
PEAK_MB = 400                   # resident memory an API child may reach
BUILD_SECONDS = 10              # the build() call itself, in the API child (imports excluded)
SECONDS = 120                   # per child, start-up included: only a guard against hangs on a loaded CI
TITLE = "安全测试报告"
HEAD = (f"template: report\nmeta:\n  title: {TITLE}\n  issuer: 测试县人民政府\n  year: 2022\n"
        "  date: 2023-03-13\n")
GOOD_BODY = "figures:\n  甲: 12\nbody:\n  - 正文第一段，共{{ figures.甲 }}件。\n"

API_CHILD = """
import json, sys, time
from docgen import DocgenError, build
import docgen.build, docgen.render_docx  # imports outside the measured time
template = sys.argv[3] or None
started = time.monotonic()
try:
    build(sys.argv[1], out_dir=sys.argv[2], pdf=False, template=template)
    result = {"ok": True}
except DocgenError as exc:
    loc = exc.location
    result = {"ok": False, "classes": [c.__name__ for c in type(exc).__mro__], "file": loc.file,
              "line": loc.line, "path": loc.path, "fix": exc.fix, "text": exc.describe()}
result["seconds"] = time.monotonic() - started
# VmHWM of this process image: ru_maxrss would include the forking parent (pytest) before exec
with open("/proc/self/status", encoding="ascii") as status:
    result["peak_mb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(json.dumps(result, ensure_ascii=False))
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return env


def run_child(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=_env(), capture_output=True, text=True,
                          timeout=SECONDS * 4, preexec_fn=_limit)
    return done, time.monotonic() - started


@dataclass
class Case:
    data: str                         # the data file's text
    error: str                        # the DocgenError subclass expected (DataError, UnsafeInputError …)
    place: str | None                 # the YAML path the message names (None: the file only)
    words: tuple[str, ...]            # one of them appears in the message
    setup: Callable[[Path], None] | None = None
    template: str | None = None       # --template, relative to the workspace
    forbidden: tuple[str, ...] = ()   # text that must appear nowhere (content of outside files)
    file: str = "data.yaml"           # the file the message names first


def good_outputs(folder: Path) -> dict[str, bytes]:
    out = folder / "out"
    out.mkdir()
    outputs = {f"{TITLE}.docx": b"PK previous good docx", f"{TITLE}.pdf": b"%PDF-1.7 previous good pdf"}
    for name, data in outputs.items():
        (out / name).write_bytes(data)
    return outputs


def check_outputs(folder: Path, outputs: dict[str, bytes]) -> None:
    out = folder / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(outputs), "no temporary or partial file"
    for name, data in outputs.items():
        assert (out / name).read_bytes() == data, f"{name} changed"


def run_case(tmp_path: Path, case: Case) -> None:
    for way in ("cli", "api"):
        folder = tmp_path / way
        folder.mkdir()
        outputs = good_outputs(folder)
        if case.setup:
            case.setup(folder)
        data = folder / "data.yaml"
        data.write_text(case.data, encoding="utf-8")
        if way == "cli":
            args = ["-m", "docgen", "build", "data.yaml", "--out", "out", "--no-pdf"]
            if case.template:
                args += ["--template", case.template]
            done, seconds = run_child(args, folder)
            text = done.stdout + done.stderr
            assert done.returncode == 1, text
            assert "Traceback" not in text and "内部错误" not in text, text
            assert "修改方法" in done.stderr, text
            assert done.stderr.lstrip().startswith(case.file), f"the message starts with the place: {text}"
            if case.place:
                assert f"（{case.place}" in done.stderr or f"{case.place}）" in done.stderr, text
        else:
            done, seconds = run_child(["-c", API_CHILD, str(data), "out", case.template or ""], folder)
            assert done.returncode == 0, done.stderr
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert result["ok"] is False
            assert "DocgenError" in result["classes"] and case.error in result["classes"], result
            assert result["file"] and Path(result["file"]).name == case.file, result
            if case.place:
                assert result["path"] and result["path"].startswith(case.place), result
            assert result["fix"], result
            assert result["peak_mb"] < PEAK_MB, f"peak memory {result['peak_mb']:.0f} MB"
            assert result["seconds"] < BUILD_SECONDS, f"build() took {result['seconds']:.1f} s"
            text = result["text"]
        assert seconds < SECONDS, f"{way} took {seconds:.1f} s"
        assert any(word in text for word in case.words), text
        for secret in case.forbidden:
            assert secret not in text
        check_outputs(folder, outputs)


# ---------------------------------------------------------------- confined, bounded reads


def test_template_dev_zero(tmp_path: Path) -> None:
    run_case(tmp_path, Case(HEAD.replace("template: report", "template: /dev/zero") + GOOD_BODY,
                            "UnsafeInputError", "template", ("绝对路径",)))


def test_template_symlink_to_dev_zero(tmp_path: Path) -> None:
    run_case(tmp_path, Case(HEAD.replace("template: report", "template: t.docx") + GOOD_BODY,
                            "UnsafeInputError", "template", ("之外",),
                            setup=lambda d: os.symlink("/dev/zero", d / "t.docx")))


def test_template_fifo_given_on_the_command_line(tmp_path: Path) -> None:
    """--template is the user's own path (not confined), but a FIFO still cannot hang the build."""
    run_case(tmp_path, Case(HEAD + GOOD_BODY, "UnsafeInputError", None, ("管道",),
                            setup=lambda d: os.mkfifo(d / "t.docx"), template="t.docx", file="t.docx"))


def test_previous_fifo(tmp_path: Path) -> None:
    run_case(tmp_path, Case(HEAD + GOOD_BODY + "previous: last.yaml\n", "DataError", "previous",
                            ("管道",), setup=lambda d: os.mkfifo(d / "last.yaml")))


def test_previous_dev_zero_through_a_link(tmp_path: Path) -> None:
    run_case(tmp_path, Case(HEAD + GOOD_BODY + "previous: last.yaml\n", "DataError", "previous",
                            ("之外",), setup=lambda d: os.symlink("/dev/zero", d / "last.yaml")))


def test_previous_outside_the_data_folder(tmp_path: Path) -> None:
    def setup(folder: Path) -> None:
        (folder.parent / "outside.yaml").write_text(HEAD + GOOD_BODY, encoding="utf-8")

    run_case(tmp_path, Case(HEAD + GOOD_BODY + "previous: ../outside.yaml\n", "DataError", "previous",
                            ("../",), setup=setup))


def test_csv_symlinked_to_etc_passwd_shows_nothing_of_it(tmp_path: Path) -> None:
    data = HEAD + GOOD_BODY.replace("  甲: 12\n", "  甲: 12\n  乙: {from: 名单.csv, row: root, column: x}\n")
    run_case(tmp_path, Case(data, "DataError", "figures.乙", ("之外",),
                            setup=lambda d: os.symlink("/etc/passwd", d / "名单.csv"),
                            forbidden=("root:", "/bin/", "nologin")))


def test_sparse_3gb_seal(tmp_path: Path) -> None:
    def setup(folder: Path) -> None:
        with open(folder / "印章.png", "wb") as handle:
            handle.write(b"\x89PNG\r\n\x1a\n")
            handle.truncate(3 * 2**30)

    data = HEAD + "  seal: 印章.png\n" + GOOD_BODY
    run_case(tmp_path, Case(data, "DataError", "meta.seal", ("过大",), setup=setup))


def png(size: tuple[int, int] = (200, 200)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 0, 0, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_damaged_png_seal(tmp_path: Path) -> None:
    def setup(folder: Path) -> None:
        from PIL import Image

        buffer = io.BytesIO()
        Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3)).save(buffer, "PNG")
        whole = buffer.getvalue()
        (folder / "印章.png").write_bytes(whole[: len(whole) // 2])  # cut in the middle of the pixels

    run_case(tmp_path, Case(HEAD + "  seal: 印章.png\n" + GOOD_BODY, "DataError", "meta.seal",
                            ("损坏",), setup=setup))


def test_seal_with_huge_pixel_count(tmp_path: Path) -> None:
    import struct
    import zlib

    def setup(folder: Path) -> None:
        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        ihdr = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 6, 0, 0, 0)
        (folder / "印章.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                                          + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))

    run_case(tmp_path, Case(HEAD + "  seal: 印章.png\n" + GOOD_BODY, "DataError", "meta.seal",
                            ("尺寸过大", "过大"), setup=setup))


def shared_strings_bomb(folder: Path) -> None:
    """An .xlsx of a few MB whose shared strings expand to 48 MB of XML (millions of strings)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = 1
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(folder / "表.xlsx", "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/sharedStrings.xml", '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org'
                     '/spreadsheetml/2006/main">' + "<si><t>甲</t></si>" * 3_000_000 + "</sst>")
    assert (folder / "表.xlsx").stat().st_size < 5 * 2**20


def test_xlsx_shared_strings_bomb(tmp_path: Path) -> None:
    data = HEAD + GOOD_BODY.replace("  甲: 12\n", "  甲: 12\n  乙: {from: 表.xlsx, cell: A1}\n")
    run_case(tmp_path, Case(data, "DataError", "figures.乙", ("文字表过大", "过大"), setup=shared_strings_bomb))


def test_truncated_xlsx(tmp_path: Path) -> None:
    import openpyxl

    def setup(folder: Path) -> None:
        book = openpyxl.Workbook()
        book.active["B3"] = 5
        book.save(folder / "表.xlsx")
        whole = (folder / "表.xlsx").read_bytes()
        (folder / "表.xlsx").write_bytes(whole[: len(whole) // 2])

    data = HEAD + GOOD_BODY.replace("  甲: 12\n", "  甲: 12\n  乙: {from: 表.xlsx, cell: B3}\n")
    run_case(tmp_path, Case(data, "DataError", "figures.乙", ("损坏", "不完整"), setup=setup))


def test_big5_csv_is_refused_not_misread(tmp_path: Path) -> None:
    def setup(folder: Path) -> None:
        (folder / "表.csv").write_bytes("名稱,數值\n結案件數,136\n".encode("big5"))

    data = HEAD + GOOD_BODY.replace("  甲: 12\n", "  甲: 12\n  乙: {from: 表.csv, row: 結案件數, column: 數值}\n")
    run_case(tmp_path, Case(data, "DataError", "figures.乙", ("Big5",), setup=setup))


def test_huge_data_file(tmp_path: Path) -> None:
    run_case(tmp_path, Case(HEAD + GOOD_BODY + "# " + "长" * 3_000_000 + "\n", "UnsafeInputError", None,
                            ("过大",)))


# ---------------------------------------------------------------- the Jinja budget


@pytest.mark.parametrize("expression", [
    "{{ '%0999999999d' % 1 }}",
    "{{ '{:999999999}'.format(1) }}",
    "{{ ('a' * 1000)|replace('a', 'a' * 1000)|replace('a', 'a' * 1000) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
    "{{ (9 ** 999) ** 999 }}",
    "{{ 'x'|center(999999999) }}",
])
def test_hostile_expression_in_data_text(tmp_path: Path, expression: str) -> None:
    data = HEAD + GOOD_BODY.replace("{{ figures.甲 }}", expression.replace("'", "''")).replace(
        "  - 正文", "  - '正文").replace("件。\n", "件。'\n")
    run_case(tmp_path, Case(data, "DataError", "body[0]", ("上限", "过多", "过长", "已停止")))


def test_hostile_expression_in_a_template(tmp_path: Path) -> None:
    def setup(folder: Path) -> None:
        with zipfile.ZipFile(ROOT / "templates" / "report.docx") as src, \
                zipfile.ZipFile(folder / "坏模板.docx", "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename == "word/document.xml":
                    data = data.replace(b"</w:body>", "<w:p><w:r><w:t>{{ '%0999999999d' % 1 }}</w:t></w:r></w:p>"
                                        .replace("'", "&apos;").encode() + b"</w:body>", 1)
                dst.writestr(info, data)

    case = Case(HEAD + GOOD_BODY, "TemplateError", None, ("上限",), setup=setup, template="坏模板.docx")
    for way in ("cli", "api"):  # the place is the template here, not data.yaml
        folder = tmp_path / way
        folder.mkdir()
        outputs = good_outputs(folder)
        setup(folder)
        (folder / "data.yaml").write_text(case.data, encoding="utf-8")
        if way == "cli":
            done, seconds = run_child(["-m", "docgen", "build", "data.yaml", "--out", "out", "--no-pdf",
                                       "--template", "坏模板.docx"], folder)
            assert done.returncode == 1 and "坏模板.docx" in done.stderr and "修改方法" in done.stderr
            assert "内部错误" not in done.stderr
        else:
            done, seconds = run_child(["-c", API_CHILD, str(folder / "data.yaml"), "out", "坏模板.docx"], folder)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert "TemplateError" in result["classes"] and result["fix"]
            assert result["file"].endswith("坏模板.docx") and result["peak_mb"] < PEAK_MB
        assert seconds < SECONDS
        check_outputs(folder, outputs)


# ---------------------------------------------------------------- no internal errors


def test_arithmetic_on_figures_in_text_says_how(tmp_path: Path) -> None:
    data = HEAD + GOOD_BODY.replace("{{ figures.甲 }}", "{{ figures.甲 * 2 }}")
    run_case(tmp_path, Case(data, "DataError", "body[0]", ("sum",)))


def test_division_by_zero_in_text(tmp_path: Path) -> None:
    run_case(tmp_path, Case(HEAD + GOOD_BODY.replace("{{ figures.甲 }}", "{{ 1/0 }}"), "DataError",
                            "body[0]", ("除数为 0",)))


def test_decimals_on_a_50_digit_figure(tmp_path: Path) -> None:
    data = HEAD + GOOD_BODY.replace("  甲: 12\n", "  甲: 12\n  乙: 1" + "2" * 49 + "\n"
                                    "  丙: {sum: [乙, 甲], decimals: 2}\n")
    run_case(tmp_path, Case(data, "DataError", "figures.乙", ("位",)))


def test_yaml_merge_key_under_checks(tmp_path: Path) -> None:
    data = HEAD + GOOD_BODY + "checks:\n  - &c {sum: [甲], equals: 甲}\n  - <<: *c\n    equals: 甲\n"
    run_case(tmp_path, Case(data, "DataError", "checks[1]", ("合并键",)))


def test_out_pointing_at_a_file(tmp_path: Path) -> None:
    for way in ("cli", "api"):
        folder = tmp_path / way
        folder.mkdir()
        (folder / "data.yaml").write_text(HEAD + GOOD_BODY, encoding="utf-8")
        (folder / "out").write_text("not a folder", encoding="utf-8")
        if way == "cli":
            done, _ = run_child(["-m", "docgen", "build", "data.yaml", "--out", "out", "--no-pdf"], folder)
            assert done.returncode == 1 and "修改方法" in done.stderr and "内部错误" not in done.stderr
            assert "是一个文件" in done.stderr
        else:
            done, _ = run_child(["-c", API_CHILD, "data.yaml", "out", ""], folder)
            result = json.loads(done.stdout.strip().splitlines()[-1])
            assert "RenderError" in result["classes"] and result["file"] == "out" and result["fix"]
        assert (folder / "out").read_text(encoding="utf-8") == "not a folder"
        assert sorted(p.name for p in folder.iterdir()) == ["data.yaml", "out"]
