"""Where ../shared/corpus/docx is: DOCGEN_CORPUS, else beside this checkout, else beside the
main checkout of a git worktree (a worktree at /work/wt/x shares /work/main's ../shared).

Without this a test run from a worktree or a clone elsewhere skipped the corpus tests
silently; ``DOCGEN_CORPUS_REQUIRED=1`` (CI) makes their absence a failure instead.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]


def _candidates() -> list[Path]:
    out = []
    if os.environ.get("DOCGEN_CORPUS"):
        out.append(Path(os.environ["DOCGEN_CORPUS"]))
    out.append(_REPO.parent / "shared" / "corpus" / "docx")
    git = _REPO / ".git"
    if git.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        line = git.read_text(encoding="utf-8", errors="replace").strip()
        if line.startswith("gitdir:"):
            common = Path(line.split(":", 1)[1].strip()).resolve().parents[1]  # <main>/.git
            out.append(common.parent.parent / "shared" / "corpus" / "docx")
    return out


def corpus_dir() -> Path | None:
    for path in _candidates():
        if path.is_dir() and any(path.glob("*.docx")):
            return path
    if os.environ.get("DOCGEN_CORPUS_REQUIRED") == "1":
        raise RuntimeError(f"DOCGEN_CORPUS_REQUIRED=1 but no corpus at {_candidates()}")
    return None
