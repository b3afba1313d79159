"""The docgen command leaves without interpreter teardown, and loses nothing doing so.

Real processes: what a one-shot command printed (through pipes) and wrote is all
there, with the right exit code; ``serve`` keeps the normal exit.  Start-up runs with
the cyclic collector off and ends with the modules frozen (docgen.gc_pause.started).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from docgen.cli import QUICK_EXIT

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"


def _docgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"),
                                                      os.environ.get("PYTHONPATH", "")]))
    env.pop("DOCGEN_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "docgen", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_build_prints_and_writes_everything_before_it_exits(tmp_path: Path) -> None:
    done = _docgen("build", str(SEED), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已生成：") and done.stdout.rstrip().endswith("秒）")
    (docx,) = (tmp_path / "out").glob("*.docx")
    (pdf,) = (tmp_path / "out").glob("*.pdf")
    assert zipfile.ZipFile(docx).testzip() is None
    assert pdf.read_bytes().rstrip().endswith(b"%%EOF")


def test_an_error_is_printed_whole_with_its_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "坏.yaml"
    bad.write_text("meta:\n  title: [未闭合\n", encoding="utf-8")
    done = _docgen("build", str(bad), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 1
    assert "YAML" in done.stderr and "坏.yaml" in done.stderr and done.stderr.endswith("\n")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_many_lines_through_a_pipe_arrive(tmp_path: Path) -> None:
    done = _docgen("fonts", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) > 5 and done.stdout.endswith("\n")


def test_the_server_exits_normally() -> None:
    assert "serve" not in QUICK_EXIT and "build" in QUICK_EXIT


_PROBE = """
import gc, sys
from docgen import cli
gc.disable()  # as entry() does first
code = cli.main(sys.argv[1:], process_entry={entry})
print(code, gc.isenabled(), gc.get_freeze_count(), "docgen.pdf.layout" in sys.modules)
"""


def _probe(tmp_path: Path, *args: str, entry: bool) -> list[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"),
                                                      os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", _PROBE.format(entry=entry), *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1].split()


def test_start_up_ends_with_the_collector_on_and_the_modules_frozen(tmp_path: Path) -> None:
    code, enabled, frozen, engine = _probe(tmp_path, "build", str(SEED), "--out", str(tmp_path / "o"),
                                           entry=True)
    assert (code, enabled, engine) == ("0", "True", "True")
    assert int(frozen) > 50_000  # the objects of some 300 modules, the PDF engine's included
    assert len(list((tmp_path / "o").glob("*.pdf"))) == 1


def test_main_called_as_a_function_freezes_nothing(tmp_path: Path) -> None:
    # tests and programs call cli.main many times: their garbage must stay collectable
    code, enabled, frozen, _ = _probe(tmp_path, "templates", entry=False)
    assert (code, enabled, frozen) == ("0", "False", "0")


def test_every_command_s_start_up_modules_exist() -> None:
    import importlib.util

    from docgen.commands import COMMANDS

    named = 0
    for name in COMMANDS:
        module = importlib.import_module(f"docgen.commands.{name}")
        for startup in getattr(module, "STARTUP", ()):
            assert importlib.util.find_spec(startup) is not None, (name, startup)
            named += 1
    assert named >= 5
