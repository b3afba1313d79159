"""The engine over every real .docx of ../shared/corpus/docx (other projects' test files).

Each file is converted in a worker process (tests/corpus_worker.py, two at a
time, a timeout per file) and held to: no crash (anything but a DocgenError
with a Chinese message), no hang, no .notdef glyph in the PDF's content streams,
no output that fails the PDF/A-2b validator, and the text of every paragraph of
word/document.xml present in the PDF's text unless a warning names that
paragraph.  The whole run takes a few minutes (time printed with ``-s``).
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from corpus_path import corpus_dir
from lxml import etree

CORPUS = corpus_dir() or Path("/nonexistent")
FILES = sorted(p.name for p in CORPUS.glob("*.docx")) if CORPUS.is_dir() else []
TIMEOUT = 300  # seconds per file: the largest (187 pages) takes ~30 s on a busy machine
WORKERS = 2
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

pytestmark = pytest.mark.skipif(not FILES, reason="../shared/corpus/docx is not here")


class _Worker:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("corpus_worker.py"))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.answers: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.answers.put(json.loads(line))

    def ask(self, src: Path, out: Path) -> dict | None:
        self.proc.stdin.write(json.dumps({"src": str(src), "out": str(out)}) + "\n")
        self.proc.stdin.flush()
        try:
            return self.answers.get(timeout=TIMEOUT)
        except queue.Empty:
            return None

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()


def _run_all(out_dir: Path) -> dict[str, dict]:
    jobs: queue.Queue = queue.Queue()
    for name in FILES:
        jobs.put(name)
    results: dict[str, dict] = {}

    def serve() -> None:
        worker = _Worker()
        while True:
            try:
                name = jobs.get_nowait()
            except queue.Empty:
                break
            answer = worker.ask(CORPUS / name, out_dir / (Path(name).stem + ".pdf"))
            if answer is None:
                worker.kill()
                worker = _Worker()
                answer = {"status": "hang"}
            results[name] = answer
        worker.proc.stdin.close()
        worker.proc.wait(timeout=60)

    threads = [threading.Thread(target=serve) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    started = time.perf_counter()
    results = _run_all(tmp_path_factory.mktemp("corpus"))
    total = time.perf_counter() - started
    pages = sum(r.get("pages", 0) for r in results.values())
    ok = sum(r["status"] == "ok" for r in results.values())
    print(f"\ncorpus: {len(results)} files ({ok} converted, {pages} pages) in {total:.0f} s")
    report = os.environ.get("DOCGEN_CORPUS_REPORT")  # page counts etc. for docs/pdf-engine.md
    if report:
        Path(report).write_text(json.dumps(
            {name: {k: r.get(k) for k in ("status", "pages", "seconds", "warnings", "message")}
             for name, r in sorted(results.items())}, ensure_ascii=False, indent=1),
            encoding="utf-8")
    return results


# ---------------------------------------------------------------- document text


def _paragraphs(body) -> list:
    """Body paragraphs in the order the reader numbers them (正文第 N 段)."""
    out = []
    for el in body:
        if not isinstance(el.tag, str):
            continue
        tag = etree.QName(el).localname
        if tag == "p":
            out.append(el)
        elif tag == "tbl":
            for tr in el.iterchildren(W + "tr"):
                for tc in tr.iterchildren(W + "tc"):
                    out.extend(_paragraphs(tc))
        elif tag == "sdt":
            content = el.find(W + "sdtContent")
            if content is not None:
                out.extend(_paragraphs(content))
        elif tag == "customXml":
            out.extend(_paragraphs(el))
    return out


_SKIPPED = {"del", "moveFrom", "txbxContent", "Fallback", "instrText", "delText"}


def _visible_text(p) -> str:
    """A paragraph's w:t text: not deleted, not hidden, not in text boxes."""
    parts = []
    for t in p.iter(W + "t"):
        up = t.getparent()
        hidden = False
        while up is not None and up is not p:
            name = etree.QName(up).localname
            if name in _SKIPPED or name == "p":
                hidden = True
                break
            if name == "r":
                rpr = up.find(W + "rPr")
                vanish = rpr.find(W + "vanish") if rpr is not None else None
                if vanish is not None and vanish.get(W + "val") not in ("0", "false"):
                    hidden = True
                    break
            up = up.getparent()
        if not hidden and t.text:
            parts.append(t.text)
    # private-use codes are symbol-font bytes (Wingdings, Symbol): drawn as what they show
    return re.sub(r"[\s\ue000-\uf8ff]+", "", "".join(parts))


def document_paragraphs(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"),
                                etree.XMLParser(resolve_entities=False, huge_tree=False))
    body = root.find(W + "body")
    return [_visible_text(p) for p in _paragraphs(body)] if body is not None else []


def _excused(n: int, warnings: list[str]) -> bool:
    """A warning names paragraph n, or a grouped warning starts at or before it."""
    for w in warnings:
        if f"第{n}段" in w:
            return True
        m = re.search(r"第(\d+)段[^）]* 等 \d+ 处", w)
        if m and int(m.group(1)) <= n:
            return True
    return False


def missing_text(name: str, result: dict) -> list[str]:
    """Paragraphs of the document whose text the PDF lacks, with no warning naming them."""
    text = re.sub(r"\s+", "", result["text"]).casefold()  # w:caps draws capitals
    pool: dict[str, int] = {}
    for ch in text:
        pool[ch] = pool.get(ch, 0) + 1
    lost = []
    for n, para in enumerate(document_paragraphs(CORPUS / name), start=1):
        para = para.casefold()
        if not para or para in text:
            continue
        need: dict[str, int] = {}
        for ch in para:
            need[ch] = need.get(ch, 0) + 1
        if all(pool.get(ch, 0) >= k for ch, k in need.items()):
            continue  # text present, in another reading order (table cells side by side)
        if not _excused(n, result["warnings"]):
            lost.append(f"正文第{n}段：{para[:60]}")
    return lost


# ---------------------------------------------------------------- the checks


_CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", FILES)
def test_corpus_file(corpus, name):
    result = corpus[name]
    status = result["status"]
    assert status != "hang", f"{name}: no answer in {TIMEOUT} s"
    assert status != "crash", f"{name}: crashed\n{result['message']}"
    if status == "error":
        assert _CHINESE.search(result["message"]), result["message"]
        return
    assert result["notdef"] == 0, f"{name}: {result['notdef']} .notdef glyphs"
    assert result["pdfa"] == [], f"{name}: labelled PDF/A-2b but {result['pdfa'][:3]}"
    assert missing_text(name, result) == []


@pytest.mark.parametrize("name", ["090_bug53475-password-is-pass.docx", "107_protected_agile.docx"])
def test_encrypted_files_are_named_as_password_protected(corpus, name):
    result = corpus[name]
    assert result["status"] == "error" and "文件有密码保护" in result["message"]


def test_iso_strict_file_is_read_and_named(corpus):
    result = corpus["068_strict-format.docx"]
    assert result["status"] == "ok" and result["text"].strip()
    assert any("Strict" in w for w in result["warnings"])


def test_footer_text_box_page_number_is_drawn(corpus):
    result = corpus["014_image_vml.docx"]
    assert result["text"].rstrip().endswith("1")


def test_footnotes_and_endnotes_are_drawn_after_the_text(corpus):
    result = corpus["023_notes.docx"]
    text = re.sub(r"\s+", " ", result["text"])
    assert "Test footnote.1 Test endnote.i" in text
    assert text.index("1 My note.") > text.index("Test endnote")
    assert "i This is an endnote at the end of the document." in text
    assert result["pages"] == 2 and any("脚注" in w for w in result["warnings"])


def test_every_body_of_a_several_body_file_is_drawn(corpus):
    result = corpus["085_MultipleBodyBug.docx"]
    assert result["pages"] == 3
    for n in (1, 2, 3):
        assert f"END BODY {n}." in result["text"]
