"""Batch builds: many files and folders, in parallel processes, past failures.

Every test runs the real command (``docgen.cli.main``) or the real
``docgen.batch`` functions on real files in a temporary folder and asserts
on the folder afterwards: which documents exist, that no temporary or
half-written file is left, what the user was told, and the exit code.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from docx import Document

from docgen.batch import (
    INTERNAL_ERROR,
    build_many,
    data_files,
    internal_error_text,
    run_tasks,
)
from docgen.cli import main
from docgen.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
SEED_TITLE = "2022年如东县法治政府建设情况报告"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def document_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def variant(folder: Path, name: str, title: str, *, replace: tuple[str, str] | None = None) -> Path:
    """A copy of the seed data with another title (and optionally one more edit)."""
    text = seed_text().replace(f"title: {SEED_TITLE}", f"title: {title}", 1)
    if replace:
        assert replace[0] in text
        text = text.replace(*replace, 1)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """A folder with three good data files and three bad ones."""
    data = tmp_path / "data"
    data.mkdir()
    for district in ("崇川区", "海门区", "通州区"):
        variant(data, f"good-{district}.yaml", f"2022年{district}法治政府建设情况报告")
    (data / "bad-syntax.yaml").write_text("meta: [\n  title: 坏\n", encoding="utf-8")
    variant(data, "bad-figure.yaml", "2022年启东市法治政府建设情况报告",
            replace=("{{ figures.网上办比例 }}", "{{ figures.网上办比列 }}"))
    variant(data, "bad-check.yaml", "2022年海安市法治政府建设情况报告",
            replace=("清理文件: 191", "清理文件: 190"))
    (data / "notes.txt").write_text("不是数据文件", encoding="utf-8")
    return data


def all_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*")) if folder.exists() else []


def test_folder_with_good_and_bad_files(mixed: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code = main(["build", str(mixed), "--out", str(out), "--no-pdf", "--jobs", "2"])
    captured = capsys.readouterr()

    assert code == 1
    # exactly the good documents, complete, and nothing else (no temporary files)
    assert all_files(out) == sorted(f"2022年{d}法治政府建设情况报告.docx"
                                    for d in ("崇川区", "海门区", "通州区"))
    for docx in out.iterdir():
        assert zipfile.ZipFile(docx).testzip() is None
        assert Document(str(docx)).paragraphs[0].text.startswith("2022年")
    # one progress line per data file (notes.txt is not a data file)
    progress = [line for line in captured.out.splitlines() if line.startswith("[")]
    assert len(progress) == 6
    assert sum("失败" in line for line in progress) == 3
    # the summary names every file with its result
    assert "共 6 个文件：成功 3 个，失败 3 个" in captured.out
    for name in ("good-崇川区", "good-海门区", "good-通州区"):
        assert any(name in line and "成功" in line for line in captured.out.splitlines())
    # failed rows of the table give the line and the problem, without repeating the file name
    row = next(line for line in captured.out.splitlines()
               if line.lstrip().startswith("失败") and "bad-figure.yaml" in line)
    assert re.search(r"bad-figure\.yaml  ：  第 \d+ 行第 \d+ 列（body\[.*网上办比列", row), row
    # each failure: the file, where, what, how to fix (Chinese)
    err = captured.err
    assert f"失败：{mixed / 'bad-syntax.yaml'}" in err
    assert "YAML 语法错误" in err
    assert "网上办比列" in err and "没有定义" in err and "bad-figure.yaml:" in err
    assert "一致性检查未通过" in err and "bad-check.yaml:" in err
    assert err.count("修改方法：") >= 3
    assert "Traceback" not in err + captured.out


def test_failures_leave_previous_outputs_untouched(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old = out / "2022年启东市法治政府建设情况报告.docx"  # what bad-figure.yaml would produce
    old.write_bytes(b"last year's good file")
    assert main(["build", str(mixed), "--out", str(out), "--no-pdf", "-j", "2"]) == 1
    assert old.read_bytes() == b"last year's good file"
    assert len(list(out.glob("*.docx"))) == 4


def test_all_good_exits_zero(tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    paths = [variant(data, f"{i}.yaml", f"报告{i}") for i in range(3)]
    out = tmp_path / "out"
    assert main(["build", *map(str, paths), "--out", str(out), "--no-pdf", "--jobs", "3"]) == 0
    assert all_files(out) == ["报告0.docx", "报告1.docx", "报告2.docx"]
    assert "成功 3 个，失败 0 个" in capsys.readouterr().out


def test_same_output_name_is_refused_not_overwritten(tmp_path: Path, capsys) -> None:
    """Documents commit as soon as they are built: the first of two same-named files is written,
    the second is refused naming the first (never a silent overwrite within one batch)."""
    data = tmp_path / "data"
    data.mkdir()
    first = variant(data, "a.yaml", "同名报告")
    second = variant(data, "b.yaml", "同名报告", replace=("网上办比例: 97.7", "网上办比例: 88.8"))
    variant(data, "c.yaml", "另一份报告")
    out = tmp_path / "out"
    out.mkdir()
    (out / "同名报告.docx").write_bytes(b"old")

    assert main(["build", str(data), "--out", str(out), "--no-pdf", "--jobs", "2"]) == 1
    err = capsys.readouterr().err
    written = document_text(out / "同名报告.docx")
    assert ("97.7" in written) != ("88.8" in written)  # exactly one of them, whole
    winner, loser = (first, second) if "97.7" in written else (second, first)
    assert (out / "另一份报告.docx").exists()
    line = next(i for i, text in enumerate(seed_text().splitlines(), 1) if "title:" in text)
    assert f"{loser}:{line}:" in err and str(winner) in err
    assert "同名报告.docx" in err and "meta.title" in err
    assert err.count("这个文件没有生成") == 1
    assert not [p for p in out.iterdir() if p.name.startswith(".docgen-")]


def test_output_folder_that_cannot_be_made(mixed: Path, tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    assert main(["build", str(mixed), "--out", str(blocker), "--no-pdf", "-j", "2"]) == 1
    captured = capsys.readouterr()
    assert "共 6 个文件：成功 0 个，失败 6 个" in captured.out
    assert captured.err.count("是一个文件，不是文件夹") == 3  # the three good files
    assert "内部错误" not in captured.err
    assert blocker.read_text(encoding="utf-8") == "a file where the output folder should be"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_same_file_twice_is_built_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = variant(data, "a.yaml", "只生成一次")
    assert data_files([data, path, str(path)]) == [data / "a.yaml"]
    out = tmp_path / "out"
    assert main(["build", str(data), str(path), "--out", str(out), "--no-pdf"]) == 0
    assert all_files(out) == ["只生成一次.docx"]


def test_single_file_keeps_todays_behaviour(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta: [\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(bad), "--out", str(out), "--no-pdf", "--jobs", "4"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(f"{bad}:")
    assert "YAML 语法错误" in captured.err and "修改方法" in captured.err
    assert "生成结果" not in captured.out  # no batch table for one file
    assert all_files(out) == []


def test_empty_folder_and_bad_jobs(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["build", str(empty), "--out", str(tmp_path / "out")]) == 1
    assert "目录中没有数据文件" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["build", str(SEED), "--jobs", "0"])
    assert exc.value.code == 2
    assert "--jobs 至少为 1" in capsys.readouterr().err


def test_missing_file_in_a_batch_is_one_failure(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    good = variant(data, "good.yaml", "好报告")
    items = build_many([good, data / "没有这个文件.yaml"], jobs=2, out_dir=tmp_path / "out",
                       pdf=False)
    assert [item.ok for item in items] == [True, False]
    assert "找不到数据文件" in items[1].error
    assert items[1].kind == "数据错误"
    assert items[0].docx == (tmp_path / "out" / "好报告.docx").resolve()
    assert items[0].docx.exists()


def test_force_warning_and_strict_in_a_batch(tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    variant(data, "a.yaml", "甲报告", replace=("清理文件: 191", "清理文件: 190"))
    variant(data, "b.yaml", "乙报告")
    out = tmp_path / "out"
    assert main(["build", str(data), "--out", str(out), "--no-pdf", "--force", "-j", "2"]) == 0
    err = capsys.readouterr().err
    assert "警告" in err and "一致性检查未通过" in err and "a.yaml" in err
    assert all_files(out) == ["乙报告.docx", "甲报告.docx"]

    strict_out = tmp_path / "strict"
    assert main(["build", str(data), "--out", str(strict_out), "--no-pdf", "--force",
                 "--strict", "-j", "2"]) == 1
    assert "--strict" in capsys.readouterr().err
    assert all_files(strict_out) == ["乙报告.docx"]


def test_one_process_and_many_processes_agree(mixed: Path, tmp_path: Path) -> None:
    serial = build_many([mixed], jobs=1, out_dir=tmp_path / "one", pdf=False)
    parallel = build_many([mixed], jobs=2, out_dir=tmp_path / "two", pdf=False)
    assert [(i.data, i.ok, i.kind) for i in serial] == [(i.data, i.ok, i.kind) for i in parallel]
    assert [i.error for i in serial] == [i.error for i in parallel]
    assert all_files(tmp_path / "one") == all_files(tmp_path / "two")


def test_on_done_reports_every_file_once(mixed: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, bool, int, int]] = []
    items = build_many([mixed], jobs=2, out_dir=tmp_path / "out", pdf=False,
                       on_done=lambda item, done, total: seen.append((item.data.name, item.ok,
                                                                       done, total)))
    assert sorted(name for name, *_ in seen) == sorted(i.data.name for i in items)
    assert [done for _, _, done, _ in seen] == list(range(1, 7))
    assert {total for *_, total in seen} == {6}


def test_interrupted_batch_keeps_whole_documents_and_stops_its_workers(mixed: Path, tmp_path: Path,
                                                                        monkeypatch) -> None:
    staging = tmp_path / "tmp"
    staging.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(staging))  # where build_many stages its work

    def interrupt(_item, done: int, _total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_many([mixed], jobs=2, out_dir=tmp_path / "out", pdf=False, on_done=interrupt)
    assert multiprocessing.active_children() == []  # workers ended, not left running
    written = sorted((tmp_path / "out").iterdir()) if (tmp_path / "out").exists() else []
    assert len(written) <= 2  # only documents finished before the interruption, each whole
    for path in written:
        assert path.suffix == ".docx" and zipfile.ZipFile(path).testzip() is None
    assert list(staging.iterdir()) == []


def test_bare_string_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        build_many(str(tmp_path / "a.yaml"), out_dir=tmp_path / "out")  # type: ignore[arg-type]
    assert "列表" in info.value.message and "build_many([" in (info.value.fix or "")


def test_a_hanging_file_does_not_block_the_others(tmp_path: Path, monkeypatch) -> None:
    """A per-document time budget: a file whose build hangs is stopped and reported, the rest commit."""
    import importlib  # noqa: PLC0415
    import time  # noqa: PLC0415

    data = tmp_path / "data"
    data.mkdir()
    variant(data, "a.yaml", "按时完成的报告")
    variant(data, "b.yaml", "很慢的报告")
    module = importlib.import_module("docgen.build")  # the module (docgen.build is the function)
    real_build = module.build

    def hanging(data_path, **options):
        if Path(data_path).name == "b.yaml":
            time.sleep(300)  # stands for a hang the input causes
        return real_build(data_path, **options)

    monkeypatch.setattr(module, "build", hanging)
    started = time.monotonic()
    items = build_many([data], jobs=1, out_dir=tmp_path / "out", pdf=False, timeout=20)
    assert time.monotonic() - started < 120
    good, bad = items
    assert good.ok and good.docx is not None and good.docx.exists()
    assert not bad.ok and "超过 20 秒" in (bad.error or "") and "修改方法" in (bad.error or "")
    assert bad.kind == "生成错误"


def test_terminal_progress_and_table_show_names_literally(tmp_path: Path) -> None:
    """The rich reporter (used when stdout is a terminal), on a recording terminal console."""
    from rich.console import Console  # noqa: PLC0415

    from docgen.commands.build import RichReporter  # noqa: PLC0415

    data = tmp_path / "[red]区"
    data.mkdir()
    variant(data, "[bold]好.yaml", "好报告")
    (data / "坏[1].yaml").write_text("meta: [\n", encoding="utf-8")
    console = Console(record=True, force_terminal=True, width=200)
    reporter = RichReporter(console)
    reporter.start(2, 2)
    try:
        items = build_many([data], jobs=2, out_dir=tmp_path / "out", pdf=False,
                           on_done=reporter.done)
    finally:
        reporter.stop()
    reporter.table(items, 1.0, 2)
    text = console.export_text()
    assert "[bold]好.yaml" in text and "坏[1].yaml" in text
    assert "2/2" in text
    assert "生成结果" in text and "成功" in text and "第 2 行第 1 列：YAML 语法错误" in text
    assert "共 2 个文件：成功 1 个，失败 1 个" in text


# -- worker processes that die -----------------------------------------------


def _square_or_die(n: int) -> int:
    """A task for run_tasks: kills its own process for 3, like a crash in a C library."""
    if n == 3:
        os._exit(7)
    return n * n


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_a_dying_worker_does_not_kill_the_batch(method: str) -> None:
    arrived: list[int] = []
    results = run_tasks(_square_or_die, list(range(8)), jobs=2,
                        on_result=lambda index, _value: arrived.append(index),
                        on_crash=lambda index: f"crashed {index}", start_method=method)
    assert results == [0, 1, 4, "crashed 3", 16, 25, 36, 49]
    assert sorted(arrived) == list(range(8))


def test_internal_error_text_is_chinese_and_names_the_exception() -> None:
    text = internal_error_text(ZeroDivisionError("division by zero"))
    assert text.startswith(INTERNAL_ERROR)
    assert "ZeroDivisionError" in text and "DOCGEN_DEBUG=1" in text and "修改方法" in text


# -- with the PDF engine ------------------------------------------------------


def _pdf_engine_available() -> bool:
    try:
        from docgen.pdf import docx_to_pdf  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _pdf_engine_available(), reason="PDF engine (docgen.pdf) not installed yet")
def test_batch_with_pdfs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    variant(data, "a.yaml", "甲报告")
    variant(data, "b.yaml", "乙报告")
    (data / "bad.yaml").write_text("meta: [\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(data), "--out", str(out), "--jobs", "2"]) == 1
    assert all_files(out) == ["乙报告.docx", "乙报告.pdf", "甲报告.docx", "甲报告.pdf"]
    for pdf in out.glob("*.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF-")


def odd_font_template(folder: Path) -> Path:
    """templates/report.docx with its body font renamed to one no machine here has."""
    source = ROOT / "templates" / "report.docx"
    target = folder / "odd.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/styles.xml":
                assert "仿宋_GB2312".encode() in data
                data = data.replace("仿宋_GB2312".encode(), "华文行楷".encode())
            dst.writestr(info, data)
    return target


@pytest.mark.skipif(not _pdf_engine_available(), reason="PDF engine (docgen.pdf) not installed yet")
def test_font_substitution_warning_for_every_file_in_a_batch(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("甲", "乙", "丙"):
        variant(data, f"{name}.yaml", f"{name}报告")
    items = build_many([data], jobs=1, template=odd_font_template(tmp_path),
                       out_dir=tmp_path / "out")
    assert all(item.ok for item in items)
    assert [any("华文行楷" in w.message for w in item.warnings) for item in items] == [True] * 3


HANG_IN_C = r'''
import re, sys, time
from docgen.batch import hard_deadline, run_tasks

def work(task):
    if task == "hang":
        with hard_deadline(1.0):
            re.match(r"(a+)+$", "a" * 64 + "b")  # catastrophic backtracking: C code, holds the GIL
        return "finished?!"
    return "ok"

if __name__ == "__main__":
    started = time.monotonic()
    got = {}
    results = run_tasks(work, ["hang", "ok"], jobs=2, on_result=got.__setitem__,
                        on_crash=lambda i: "crashed", start_method="fork")
    print(results, round(time.monotonic() - started, 1))
'''


def test_a_worker_stuck_in_c_code_is_ended_and_the_others_finish(tmp_path: Path) -> None:
    """SIGALRM cannot stop a worker inside C code; the hard deadline ends it, alone."""
    import subprocess
    import sys

    script = tmp_path / "hang.py"
    script.write_text(HANG_IN_C, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    results, seconds = proc.stdout.rsplit(" ", 1)
    assert results == "['crashed', 'ok']"
    assert float(seconds) < 60


SMALL = ("template: report\nmeta:\n  title: {title}\n  issuer: 测试县人民政府\n  year: 2022\n"
         "  date: 2023-03-13\nfigures:\n  甲: 12\nbody:\n  - '{text}'\n")
#: Data text that loops 10^12 times without passing a checked point of the sandbox (no output, no call).
ENDLESS = "{% set s = ''a'' * 1000000 %}{% for i in s %}{% for j in s %}{% endfor %}{% endfor %}正文。"


def test_a_real_hanging_input_does_not_block_the_others(tmp_path: Path) -> None:
    """No monkeypatch: a data file that really hangs, sorted first, in a two-worker batch.

    The good file is committed (its .docx on disk when on_done reports it)
    while the hanging one still runs; the hanging one is then stopped by its
    time budget and reported, and nothing of it is written.
    """
    import time  # noqa: PLC0415

    data = tmp_path / "data"
    data.mkdir()
    (data / "a-hangs.yaml").write_text(SMALL.format(title="卡住的报告", text=ENDLESS), encoding="utf-8")
    (data / "b-good.yaml").write_text(SMALL.format(title="正常的报告", text="正文共{{ figures.甲 }}件。"),
                                      encoding="utf-8")
    out = tmp_path / "out"
    seen: list[tuple[str, float, bool]] = []
    started = time.monotonic()

    def on_done(item, done, total) -> None:
        seen.append((item.data.name, time.monotonic() - started, (out / "正常的报告.docx").exists()))

    items = build_many([data], jobs=2, out_dir=out, pdf=False, timeout=8, on_done=on_done)
    hung, good = items
    assert good.ok and not hung.ok, (good.error, hung.error)
    assert [name for name, *_ in seen] == ["b-good.yaml", "a-hangs.yaml"]
    assert seen[0][2], "the good document is on disk before the hanging one ends"
    assert "修改方法" in (hung.error or "") and ("秒" in (hung.error or ""))
    assert seen[1][1] < 60
    assert sorted(p.name for p in out.iterdir()) == ["正常的报告.docx"]
