"""Jinja's compiled template code kept on disk (docgen.jinja_code_cache).

Real cold processes and real outputs: the second cold build of the seed
compiles nothing with Jinja (it loads the stored code), an edited text is the
only source compiled again, and the
.docx is byte for byte the same with no entry, with the entry and with a
damaged entry; a changed template gets an entry of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from docgen import jinja_code_cache
from docgen.pdf.fonts import cache_dir
from docgen.sandbox import BoundedSandbox

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"

# Run in the child: count the sources Jinja's compiler is asked for, build the .docx.
_CHILD = """
import json, sys
from jinja2.sandbox import SandboxedEnvironment
sizes = []
original = SandboxedEnvironment.compile
def counting(self, source, *a, **k):
    sizes.append(len(source))
    return original(self, source, *a, **k)
SandboxedEnvironment.compile = counting
from docgen.build import build
build(sys.argv[1], out_dir=sys.argv[2], force=True, pdf=False)
print(json.dumps(sizes))
"""


def _cache_home(tmp_path: Path) -> Path:
    """A fresh XDG_CACHE_HOME whose fonts are the converted ones (converting Fandol takes ~30 s)."""
    home = tmp_path / "cache"
    (home / "docgen").mkdir(parents=True)
    (home / "docgen" / "fonts").symlink_to(cache_dir(), target_is_directory=True)
    return home


def _cold_build(home: Path, out: Path) -> tuple[list[int], bytes]:
    env = dict(os.environ, XDG_CACHE_HOME=str(home), SOURCE_DATE_EPOCH="1700000000",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(SEED), str(out)], env=env,
                          capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    sizes = json.loads(proc.stdout.strip().splitlines()[-1])
    (docx,) = out.glob("*.docx")
    return sizes, docx.read_bytes()


def test_second_cold_build_loads_the_template_code_and_output_is_identical(tmp_path: Path) -> None:
    home = _cache_home(tmp_path)
    first, docx1 = _cold_build(home, tmp_path / "a")
    entries = sorted((home / "docgen" / "jinja").glob("*.code"))
    long_sources = [n for n in first if n >= 2000]
    assert long_sources and len(entries) == len(set(first))  # template parts and data texts

    second, docx2 = _cold_build(home, tmp_path / "b")
    assert second == []  # every source loaded, nothing compiled
    assert docx2 == docx1

    for entry in entries:  # damaged: ignored, compiled again, same output
        entry.write_bytes(entry.read_bytes()[:40] + b"\x00garbage")
    third, docx3 = _cold_build(home, tmp_path / "c")
    assert sorted(third) == sorted(first)
    assert docx3 == docx1


def test_an_edited_text_is_the_only_one_compiled_again(tmp_path: Path) -> None:
    home = _cache_home(tmp_path)
    first, _ = _cold_build(home, tmp_path / "a")
    text = SEED.read_text(encoding="utf-8")
    marker = next(line for line in text.splitlines() if "text:" in line and "{{ figures." in line)
    edited = tmp_path / "data" / SEED.name
    edited.parent.mkdir()
    for extra in SEED.parent.iterdir():  # the seal picture and anything else beside it
        if extra.is_file() and extra != SEED:
            (edited.parent / extra.name).write_bytes(extra.read_bytes())
    edited.write_text(text.replace(marker, marker.replace("{{", "另{{", 1), 1), encoding="utf-8")
    env = dict(os.environ, XDG_CACHE_HOME=str(home),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    (tmp_path / "b").mkdir()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(edited), str(tmp_path / "b")],
                          env=env, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    again = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(again) == 1 and again[0] < 2000  # the one edited text


def test_a_full_folder_loses_its_older_half(tmp_path: Path) -> None:
    for i in range(10):
        entry = tmp_path / f"{i:064x}.code"
        entry.write_bytes(b"x")
        os.utime(entry, ns=(i * 10**9, i * 10**9))
    (tmp_path / "other.txt").write_text("not an entry")
    jinja_code_cache.prune(tmp_path, keep=8)
    left = sorted(p.name for p in tmp_path.glob("*.code"))
    assert left == [f"{i:064x}.code" for i in range(6, 10)]  # the newest keep // 2
    assert (tmp_path / "other.txt").exists()
    jinja_code_cache.prune(tmp_path, keep=8)  # below the limit: nothing goes
    assert len(list(tmp_path.glob("*.code"))) == 4


def test_entry_depends_on_source_and_options(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    source = "<w:t>{{ meta.title }}</w:t>" * 200
    env = BoundedSandbox()
    key = jinja_code_cache.key_of(env, source)
    assert key == jinja_code_cache.key_of(BoundedSandbox(), source)
    assert key != jinja_code_cache.key_of(env, source + " ")
    assert key != jinja_code_cache.key_of(BoundedSandbox(autoescape=False), source)
    assert jinja_code_cache.key_of(BoundedSandbox(autoescape=lambda name: True), source) is None

    template = env.from_string(source)  # stored on the way
    assert jinja_code_cache.load(key) is not None
    assert template.render(meta={"title": "<甲>"}) == "<w:t>&lt;甲&gt;</w:t>" * 200


def test_unwritable_cache_folder_still_renders(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    source = "{{ x }}," * 400
    assert BoundedSandbox().from_string(source).render(x=1) == "1," * 400
