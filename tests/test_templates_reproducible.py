"""The committed templates are exactly what tools/make_templates.py makes from code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_committed_templates_match_the_generator(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_templates.py"), str(tmp_path)],
                   check=True, capture_output=True)
    made = sorted(p.name for p in tmp_path.glob("*.docx"))
    shipped = sorted(p.name for p in (ROOT / "templates").glob("*.docx"))
    assert made == shipped and len(made) >= 7
    for name in made:
        assert (tmp_path / name).read_bytes() == (ROOT / "templates" / name).read_bytes(), (
            f"templates/{name} differs from the generator: run `make templates` and commit")
