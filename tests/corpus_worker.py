"""Worker process of tests/test_corpus.py: converts .docx files with our engine, one per request.

Reads JSON lines ``{"src": …, "out": …}`` on stdin and answers each with one
JSON line: ``status`` (``ok`` / ``error`` — a DocgenError — / ``crash``), the
error or warnings as printed, the page count, .notdef and glyph counts from the
PDF's content streams, PDF/A validator findings and the PDF's text
(``pdftotext``).  The parent kills a worker that does not answer in time (a
hang) and starts another, so one file can never stall the corpus test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def convert(src: Path, out: Path) -> dict:
    from pdf_glyphs import count_notdef

    from docgen.errors import DocgenError
    from docgen.pdf import docx_to_pdf
    from docgen.pdf.pdfa_finish import validate_pdfa

    started = time.perf_counter()
    try:
        result = docx_to_pdf(src)
    except DocgenError as err:
        return {"status": "error", "message": err.describe(), "seconds": time.perf_counter() - started}
    except Exception:  # noqa: BLE001 - anything else is the crash this test looks for
        return {"status": "crash", "message": traceback.format_exc(),
                "seconds": time.perf_counter() - started}
    seconds = time.perf_counter() - started
    out.write_bytes(result.data)
    notdef, glyphs = count_notdef(result.data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True,
                          timeout=120).stdout.decode("utf-8", "replace")
    return {"status": "ok", "pages": result.pages, "seconds": seconds,
            "warnings": [w.describe() for w in result.warnings],
            "notdef": notdef, "glyphs": glyphs, "pdfa": validate_pdfa(result.data), "text": text}


def main() -> None:
    for line in sys.stdin:
        job = json.loads(line)
        try:
            answer = convert(Path(job["src"]), Path(job["out"]))
        except Exception:  # noqa: BLE001 - the checks themselves failed: report, keep serving
            answer = {"status": "crash", "message": traceback.format_exc()}
        answer["src"] = job["src"]
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
