"""The output commit survives SIGINT, SIGTERM and SIGKILL at every step (docgen.commit).

A child process commits a new .docx/.pdf pair over an old one with
``DOCGEN_COMMIT_FAULT=<step>:<signal>``, which makes it send itself the
signal exactly at that step (every write and rename of the protocol).  After
it dies the folder must hold the old pair or the new pair, never a mix —
except that after SIGKILL past the decision point a mix may stand *with its
journal*, which the next build completes.  After the next build's recovery
the folder holds exactly one whole pair and no stray file.  One end-to-end
run kills the real ``docgen build`` in the middle of its renames.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from docgen.commit import recover

ROOT = Path(__file__).resolve().parents[1]
OLD = {"报告.docx": b"old docx " * 100, "报告.pdf": b"%PDF old " * 100}
NEW = {"报告.docx": b"new docx " * 120, "报告.pdf": b"%PDF new " * 120}
STEPS = ["lock", "new-0", "new-1", "old-0", "old-1", "manifest", "rename-0", "rename-1", "cleanup"]
SIGNALS = ["INT", "TERM", "KILL"]

CHILD = """
import sys
from pathlib import Path
from docgen.commit import commit_files
folder = Path(sys.argv[1])
commit_files({folder / "报告.docx": b"new docx " * 120, folder / "报告.pdf": b"%PDF new " * 120})
"""


def env_with(fault: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("DOCGEN_COMMIT_FAULT", None)
    if fault:
        env["DOCGEN_COMMIT_FAULT"] = fault
    return env


def default_signals() -> None:
    """In the child before exec: SIGINT as a terminal delivers it.

    A shell's background job (nohup, ``cmd &`` in a script, some CI runners)
    starts with SIGINT ignored, and Python then installs no KeyboardInterrupt
    handler, so the INT cases would test nothing and fail with exit code 0.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".docgen-")}


def strays(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".docgen-"))


@pytest.mark.parametrize("sig", SIGNALS)
@pytest.mark.parametrize("step", STEPS)
def test_commit_killed_at_every_step(tmp_path: Path, step: str, sig: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    done = subprocess.run([sys.executable, "-c", CHILD, str(folder)], env=env_with(f"{step}:{sig}"),
                          capture_output=True, timeout=60, preexec_fn=default_signals)
    assert done.returncode == -getattr(signal, f"SIG{sig}") or (sig == "INT" and done.returncode == 1), \
        done.stderr.decode(errors="replace")
    if sig == "INT":
        assert b"KeyboardInterrupt" in done.stderr
    now = state(folder)
    journal = [n for n in strays(folder) if n.endswith(".commit")]
    if sig == "KILL" and journal:
        assert set(now) == set(OLD)  # a mix may stand only together with its journal
    else:
        assert now in (OLD, NEW), f"{step}:{sig} left a mix"
    if sig in ("INT", "TERM") and step in ("manifest", "rename-0", "rename-1", "cleanup"):
        assert now == NEW and strays(folder) == []  # held until the commit ended, then delivered
    if sig == "INT":
        assert strays(folder) == []  # KeyboardInterrupt cleans up after itself
    recover(folder)  # what the next build into this folder does first
    assert state(folder) in (OLD, NEW)
    assert strays(folder) == []
    if step in ("lock", "new-0", "new-1", "old-0", "old-1"):
        assert state(folder) == OLD  # before the decision: the old pair
    else:
        assert state(folder) == NEW  # after it: the new pair, completed by recovery if needed


def test_recovery_leaves_a_running_commit_alone(tmp_path: Path) -> None:
    """A journal whose lock is held (a build still committing) is neither completed nor removed."""
    import fcntl

    folder = tmp_path / "out"
    folder.mkdir()
    lock = folder / ".docgen-0123456789abcdef.lock"
    new = folder / ".docgen-0123456789abcdef.0.new"
    new.write_bytes(b"being written")
    with open(lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        recover(folder)
        assert new.exists() and lock.exists()
    recover(folder)  # its process is gone now
    assert strays(folder) == []


def good_data(folder: Path, title: str, count: int) -> Path:
    path = folder / "data.yaml"
    path.write_text(
        "template: report\nmeta:\n"
        f"  title: {title}\n  issuer: 测试县人民政府\n  year: 2022\n  date: 2023-03-13\n"
        f"figures:\n  件数: {count}\nbody:\n  - 正文第一段，共{{{{ figures.件数 }}}}件。\n",
        encoding="utf-8")
    return path


def test_real_build_killed_mid_rename_then_next_build_recovers(tmp_path: Path) -> None:
    data = good_data(tmp_path, "中断测试报告", 12)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "docgen", "build", str(data), "--out", str(out)]
    first = subprocess.run(command, env=env_with(None), capture_output=True, timeout=300, cwd=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    old = state(out)
    assert sorted(old) == ["中断测试报告.docx", "中断测试报告.pdf"]

    good_data(tmp_path, "中断测试报告", 34)
    killed = subprocess.run(command, env=env_with("rename-0:KILL"), capture_output=True, timeout=300,
                            cwd=tmp_path, preexec_fn=default_signals)
    assert killed.returncode == -signal.SIGKILL
    assert any(n.endswith(".commit") for n in strays(out))  # the journal of the interrupted commit
    assert state(out)["中断测试报告.pdf"] == old["中断测试报告.pdf"]  # not yet renamed

    # the next build, of another document into the same folder, completes the interrupted one first
    other = tmp_path / "other"
    other.mkdir()
    again = subprocess.run([sys.executable, "-m", "docgen", "build", str(good_data(other, "另一份报告", 5)),
                            "--out", str(out), "--no-pdf"], env=env_with(None), capture_output=True,
                           timeout=300, cwd=tmp_path)
    assert again.returncode == 0, again.stderr.decode()
    assert strays(out) == []
    now = state(out)
    assert sorted(now) == ["中断测试报告.docx", "中断测试报告.pdf", "另一份报告.docx"]
    assert now["中断测试报告.docx"] != old["中断测试报告.docx"]
    assert now["中断测试报告.pdf"] != old["中断测试报告.pdf"]  # the new pair, both from the second build
    import docx

    assert "共34件" in "".join(p.text for p in docx.Document(str(out / "中断测试报告.docx")).paragraphs)
