"""Page counts of the real-document corpus: our engine against LibreOffice (issue 12).

For every .docx of ../shared/corpus/docx (or ``--corpus``), the page count of our
engine (``docx_to_pdf``, or read from a ``DOCGEN_CORPUS_REPORT`` file written by
tests/test_corpus.py: ``--ours report.json``) and of LibreOffice as our
``libreoffice`` engine runs it (``libreoffice.convert``: same fonts, the
overflowPunct-corrected copy), one file at a time.  Prints the agreement over the
files both render and the files that differ; ``--json`` keeps every count.

    python bench/corpus_pages.py --ours /tmp/corpus_report.json --json /tmp/pages.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))


def _pages(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def ours(path: Path) -> int | None:
    from docgen.errors import DocgenError
    from docgen.pdf import docx_to_pdf

    try:
        return docx_to_pdf(path).pages
    except DocgenError:
        return None


def libreoffice(path: Path) -> int | None:
    from docgen.errors import DocgenError
    from docgen.pdf import libreoffice as lo

    try:
        return _pages(lo.convert(path, timeout=300))
    except DocgenError:
        return None


def main() -> None:
    from corpus_path import corpus_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--ours", type=Path, help="DOCGEN_CORPUS_REPORT file of tests/test_corpus.py")
    ap.add_argument("--json", type=Path, help="write every file's two counts here")
    args = ap.parse_args()
    corpus = args.corpus or corpus_dir()
    if corpus is None:
        sys.exit("no corpus: pass --corpus or set DOCGEN_CORPUS")
    report = json.loads(args.ours.read_text(encoding="utf-8")) if args.ours else {}
    started = time.perf_counter()
    counts: dict[str, dict] = {}
    for path in sorted(corpus.glob("*.docx")):
        mine = report[path.name].get("pages") if path.name in report else ours(path)
        theirs = libreoffice(path)
        counts[path.name] = {"ours": mine, "libreoffice": theirs}
        print(f"{path.name}: {mine} / {theirs}", file=sys.stderr, flush=True)
    both = {n: c for n, c in counts.items() if c["ours"] and c["libreoffice"]}
    same = [n for n, c in both.items() if c["ours"] == c["libreoffice"]]
    print(f"load {os.getloadavg()[0]:.1f}; {time.perf_counter() - started:.0f} s")
    print(f"both render: {len(both)} of {len(counts)}; equal page count: {len(same)} "
          f"({100 * len(same) / max(len(both), 1):.1f} %)")
    print("| file | ours | LibreOffice |\n| --- | --- | --- |")
    for n, c in both.items():
        if c["ours"] != c["libreoffice"]:
            print(f"| {Path(n).stem} | {c['ours']} | {c['libreoffice']} |")
    only = [n for n, c in counts.items() if bool(c["ours"]) != bool(c["libreoffice"])]
    if only:
        print("rendered by one engine only: " + ", ".join(
            f"{Path(n).stem} (ours {counts[n]['ours']}, LibreOffice {counts[n]['libreoffice']})"
            for n in only))
    if args.json:
        args.json.write_text(json.dumps(counts, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
