"""docgen as a real package: the wheel, installed into a fresh venv, works outside the repo.

The wheel is built from a copy of the sources (nothing is written into the
repository), installed with ``--no-deps`` into a new venv whose only other
importable packages are the declared runtime dependencies (and theirs), linked
from the main venv: no pytest, pdfplumber or other test-only package.  From a
folder outside the repo: ``docgen templates`` lists the shipped templates,
``docgen new -t notice`` writes a draft that builds, and the 通知 sample builds
with its 版记 on an even last page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY = ("pytest", "pdfplumber", "hypothesis", "ruff", "selenium")


def _requirement_names(dist: metadata.Distribution, extras: tuple[str, ...] = ()) -> list[str]:
    names = []
    for req in dist.requires or []:
        name, _, marker = req.partition(";")
        if "extra ==" in marker and not any(f'"{e}"' in marker for e in extras):
            continue
        m = re.match(r"\s*([A-Za-z0-9_.\-]+)(\[([^\]]*)\])?", name)
        if m:
            names.append((m[1], tuple(x.strip() for x in (m[3] or "").split(",") if x.strip())))
    return names


def _runtime_closure() -> set[str]:
    """Distributions the declared runtime dependencies need, recursively (main venv)."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    todo = []
    for req in declared["project"]["dependencies"]:
        m = re.match(r"\s*([A-Za-z0-9_.\-]+)(\[([^\]]*)\])?", req)
        todo.append((m[1], tuple((m[3] or "").split(",")) if m[3] else ()))
    seen: set[str] = set()
    while todo:
        name, extras = todo.pop()
        key = name.lower().replace("_", "-")
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional platform dependency
        if key in seen and not extras:
            continue
        seen.add(key)
        todo.extend(_requirement_names(dist, extras))
    return seen


def _link_runtime_deps(target: Path) -> None:
    """Symlink the top-level files of each runtime distribution into ``target``."""
    target.mkdir(parents=True)
    for name in _runtime_closure():
        dist = metadata.distribution(name)
        base = Path(dist.locate_file(""))
        for top in {Path(str(f)).parts[0] for f in dist.files or []}:
            src = base / top
            if top.endswith(".pth") or top == ".." or not src.exists() or (target / top).exists():
                continue
            (target / top).symlink_to(src)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src-copy"
    src.mkdir()
    for item in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / item, src / item)
    shutil.copytree(ROOT / "templates", src / "templates")
    shutil.copytree(ROOT / "src", src / "src", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheels = tmp / "dist"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(wheels), str(src)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = wheels.glob("docgen-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    py = env_dir / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q",
                           "--no-deps", "--no-index", str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    deps = tmp / "runtime-deps"
    _link_runtime_deps(deps)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    (site / "runtime-deps.pth").write_text(str(deps) + "\n", encoding="utf-8")
    return env_dir


def _run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(env_dir / "bin" / "docgen"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_installed_package_has_no_test_only_packages_and_is_not_the_checkout(installed, tmp_path):
    py = installed / "bin" / "python"
    code = ("import importlib.util, docgen, sys; "
            f"print([m for m in {TEST_ONLY!r} if importlib.util.find_spec(m)]); "
            "print(docgen.__file__)")
    out = subprocess.run([str(py), "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert out.returncode == 0, out.stderr
    missing, where = out.stdout.splitlines()
    assert missing == "[]"
    assert str(ROOT) not in where and "site-packages" in where


def test_templates_new_and_build_outside_the_repo(installed, tmp_path):
    work = tmp_path / "某局"
    work.mkdir()
    listed = _run(installed, "templates", cwd=work)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    for name in ("notice", "report", "letter", "order", "minutes", "request", "report-file"):
        assert name in listed.stdout
    assert "site-packages" in listed.stdout and str(ROOT) not in listed.stdout

    made = _run(installed, "new", "-t", "notice", cwd=work)
    assert made.returncode == 0, made.stdout + made.stderr
    draft = _run(installed, "build", "data/notice-草稿.yaml", "--draft", "-o", "out-draft",
                 cwd=work)
    assert draft.returncode == 0, draft.stdout + draft.stderr

    for item in ("notice-示例.yaml", "印章.png"):
        shutil.copy2(ROOT / "data" / item, work / item)
    built = _run(installed, "build", "notice-示例.yaml", "-o", "out", cwd=work)
    assert built.returncode == 0, built.stdout + built.stderr
    (pdf,) = (work / "out").glob("*.pdf")
    (docx,) = (work / "out").glob("*.docx")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages % 2 == 0  # the 版记 on an even last page
    last = subprocess.run(["pdftotext", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
                          capture_output=True, text=True).stdout
    assert "抄送" in last and "印发" in last
    import zipfile

    assert "w:drawing" in zipfile.ZipFile(docx).read("word/document.xml").decode()  # the seal


OPTIONAL_IMPORTS = {"pypdfium2"}  # web/worker.py: tried, pdftoppm when absent


def test_every_runtime_import_is_a_declared_dependency():
    """Each third-party module imported under src/docgen comes from a distribution named in
    pyproject's dependencies (not merely from one of theirs), optional imports aside."""
    import ast
    import tomllib

    declared = {re.match(r"\s*([A-Za-z0-9_.\-]+)", r)[1].lower().replace("_", "-")
                for r in tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
                ["project"]["dependencies"]}
    providers = metadata.packages_distributions()
    undeclared = {}
    for file in (ROOT / "src" / "docgen").rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "docgen" or top in OPTIONAL_IMPORTS:
                    continue
                dists = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
                if not dists & declared:
                    undeclared.setdefault(top, file.relative_to(ROOT).as_posix())
    assert undeclared == {}
