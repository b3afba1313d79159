"""The seed's declared checks guard the real build: mutate one figure, the build fails naming it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docgen.cli import main

SEED = Path(__file__).resolve().parents[1] / "data" / "2022-如东县法治政府建设情况报告.yaml"


def mutated(tmp_path: Path, old: str, new: str) -> Path:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / SEED.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "named", "numbers"),
    [
        ("  诉讼败诉: 7\n", "  诉讼败诉: 8\n", "败诉率", "8÷136"),          # the 5.1 % rate
        ("  清理失效: 18\n", "  清理失效: 19\n", "清理文件", "129+12+19+32=192"),  # the 191 documents
        ("  复议驳回: 28\n", "  复议驳回: 29\n", None, None),  # a computed total follows its parts
    ],
    ids=["rate", "sum", "computed-total"],
)
def test_mutated_seed_figure(old: str, new: str, named: str | None, numbers: str | None,
                             tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = mutated(tmp_path, old, new)
    out = tmp_path / "out"
    code = main(["build", str(data), "--out", str(out), "--no-pdf"])
    err = capsys.readouterr().err
    if named is None:
        # 复议审结 is computed from its parts: the text simply says 94 now
        assert code == 0
        from docx import Document

        text = "".join(p.text for p in Document(str(next(out.glob("*.docx")))).paragraphs)
        assert "在审结的94件案件中，驳回29件" in text
        return
    assert code == 1
    assert named in err and numbers in err
    assert re.search(rf"{re.escape(str(data))}:\d+:\d+", err)  # file:line:column of the check
    assert not out.exists() or not list(out.iterdir())
    # --force builds anyway, with the failed check as a warning
    assert main(["build", str(data), "--out", str(out), "--no-pdf", "--force"]) == 0
    assert "一致性检查未通过" in capsys.readouterr().err
    assert len(list(out.glob("*.docx"))) == 1
