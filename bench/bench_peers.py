"""Peer benchmark (issue #15): docgen against LibreOffice and Typst, in one interleaved run.

Documents: the seed report (11 pages) and a synthetic document of about 500
pages (bench_scaling.py's generator).  For each, in round-robin order (the
order rotates every round, so machine load hits every contestant alike):

* **docgen cold**: ``python -m docgen build DATA --out … --force`` in a fresh
  process (wall; CPU and peak memory of the process from ``wait4``);
* **docgen --help** (cold, once a round): the start-up of the command line;
* **docgen warm build**: ``docgen.build()`` (.docx + PDF/A) in a warm worker;
* **docgen warm PDF**: ``docgen.pdf.docx_to_pdf()`` of the finished .docx, warm;
* the same two **with no paragraph reused**: every memo of the engine
  (``docgen.pdf.memo.forget``: paragraphs read, composed and placed, pages
  drawn) emptied before each run, in a worker of its own — the
  fair partner of Typst restyled, as the plain warm runs are of Typst warm
  (each side reuses its earlier layout, or neither does);
* **soffice CLI**: ``soffice --headless --convert-to pdf`` (PDF/A-2 filter) of
  the same .docx, with a private profile kept between runs (its creation,
  the first run, is excluded) and the fonts docgen uses (fontconfig aliases);
* **unoserver warm**: the same conversion by a LibreOffice kept running
  (the ``unoserver`` package run by Debian's python3, which has ``uno``;
  XML-RPC from here);
* **Typst warm**: the ``typst`` package compiling a Typst translation of the
  same .docx (bench/typst_doc.py; PDF/A-2b, the same font files) again and
  again in one process — Typst memoises, so an unchanged source is mostly
  cached — and **Typst warm, restyled**: each compile with a different,
  invisible letter-spacing nudge, so no layout can come from the cache;
* **Typst cold**: one compile in a fresh Python process.

Each time is the median over ``--runs`` rounds after one warm-up round.
Prints a Markdown table of times, per-page times and ratios against the
issue's targets; ``--write`` puts them, with the machine, load average and
commit, into the "Peers" section of docs/performance.md.  Peers that are not
installed (typst, unoserver or python3-uno, LibreOffice) are reported as such.

    python bench/bench_peers.py              # seed + ~500 pages, 5 rounds
    python bench/bench_peers.py --quick      # seed only, 2 rounds (smoke run)
    python bench/bench_peers.py --write      # and update docs/performance.md

This is a benchmark, not a test: it asserts nothing and is not run by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata, util
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
SEED = ROOT / "data" / "2022-如东县法治政府建设情况报告.yaml"
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
SECTION = "## Peers (bench_peers.py)"
SYSTEM_PYTHON = "/usr/bin/python3"
#: LibreOffice's PDF export with PDF/A-2 selected, as docgen's libreoffice engine asks for it
SOFFICE_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
TYPST_OPTIONS = {"pdf_standards": ["a-2b"], "pdf_tags": False}  # PDF/A-2b like docgen's output

for extra in (ROOT / "src", BENCH):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def child_env() -> dict[str, str]:
    """The environment of docgen's child processes: this tree's src/ first."""
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=str(ROOT / "src") + (os.pathsep + path if path else ""))


# --------------------------------------------------------------------------
# Workers (warm processes), answering one JSON request per line
# --------------------------------------------------------------------------


def docgen_worker() -> None:
    """Warm docgen: {"op": "build", "data", "out"} or {"op": "pdf", "data", "docx"}."""
    from docgen import build  # noqa: PLC0415
    from docgen.build import archive_metadata  # noqa: PLC0415
    from docgen.load import load_document  # noqa: PLC0415
    from docgen.pdf import docx_to_pdf  # noqa: PLC0415
    from docgen.pdf.memo import forget  # noqa: PLC0415

    metas: dict[str, Any] = {}
    for line in sys.stdin:
        req = json.loads(line)
        if req.get("fresh"):  # nothing reused from an earlier build: every memo emptied
            forget()
        if req["op"] == "build":
            started, cpu = time.perf_counter(), time.process_time()
            result = build(req["data"], out_dir=req["out"], force=True)
            answer = {"docx": str(result.docx), "pages": result.pages}
        else:
            if req["data"] not in metas:
                metas[req["data"]] = archive_metadata(load_document(Path(req["data"])).document)
            started, cpu = time.perf_counter(), time.process_time()
            pdf = docx_to_pdf(Path(req["docx"]), metadata=metas[req["data"]])
            answer = {"pages": pdf.pages}
        answer.update(wall=time.perf_counter() - started, cpu=time.process_time() - cpu)
        print(json.dumps(answer), flush=True)


def typst_worker(fonts: str) -> None:
    """Warm Typst: {"typ", "nonce" (or null), "out" (or null)}; one Compiler per source."""
    import typst  # noqa: PLC0415

    compilers: dict[str, Any] = {}
    for line in sys.stdin:
        req = json.loads(line)
        compiler = compilers.get(req["typ"])
        if compiler is None:
            compiler = compilers[req["typ"]] = typst.Compiler(
                req["typ"], font_paths=[fonts], ignore_system_fonts=True)
        inputs = {"nonce": str(req["nonce"])} if req["nonce"] is not None else {}
        started, cpu = time.perf_counter(), time.process_time()
        data = compiler.compile(sys_inputs=inputs, **TYPST_OPTIONS)
        answer = {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "bytes": len(data)}
        if req.get("out"):
            Path(req["out"]).write_bytes(data)
        print(json.dumps(answer), flush=True)


TYPST_ONCE = ("import sys, typst; open(sys.argv[3], 'wb').write(typst.compile(sys.argv[1], "
              "font_paths=[sys.argv[2]], ignore_system_fonts=True, pdf_standards=['a-2b'], "
              "pdf_tags=False))")


class Worker:
    def __init__(self, command: list[str], env: dict[str, str] | None = None,
                 cwd: Path | None = None):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, env=env, cwd=cwd)

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.proc.args} died (exit {self.proc.wait()})")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


# --------------------------------------------------------------------------
# Fresh processes
# --------------------------------------------------------------------------


@dataclass
class Sample:
    wall: float
    cpu: float | None = None
    rss_mb: float | None = None


def run_fresh(command: list[str], env: dict[str, str] | None = None,
              cwd: Path | None = None) -> Sample:
    """Wall time, CPU time (user + system, waited-for descendants included) and max RSS."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=env, cwd=cwd)
    assert proc.stderr
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{command[0]} … failed ({proc.returncode}): "
                           f"{err.decode('utf-8', 'replace')[-600:]}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def pdf_pages(path: Path) -> int:
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


# --------------------------------------------------------------------------
# LibreOffice
# --------------------------------------------------------------------------


def lo_environment(folder: Path) -> dict[str, str]:
    """Environment for LibreOffice: docgen's fontconfig (same fonts), a private HOME."""
    env = dict(os.environ, SAL_USE_VCLPLUGIN="svp", HOME=str(folder / "home"))
    (folder / "home").mkdir(exist_ok=True)
    try:  # the fontconfig file docgen's libreoffice engine writes (internal helpers)
        from docgen.pdf import libreoffice as lo  # noqa: PLC0415
        from docgen.pdf.fonts import cache_dir, get_registry  # noqa: PLC0415

        registry = get_registry()
        fc_cache = cache_dir().parent / "fontconfig"
        fc_cache.mkdir(parents=True, exist_ok=True)
        fc_file = folder / "fonts.conf"
        fc_file.write_text(lo.fontconfig_xml(lo._alias_targets(registry), lo._font_dirs(registry),
                                             fc_cache), encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(fc_file)
    except (ImportError, AttributeError) as exc:
        print(f"  (LibreOffice without docgen's font aliases: {exc})", file=sys.stderr)
    return env


def soffice_version(soffice: str) -> str:
    try:
        out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60)
        return " ".join(out.stdout.split()[:2]) or "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Unoserver:
    """unoserver (run by Debian's python3, which has uno) with LibreOffice kept running."""

    def __init__(self, folder: Path, env: dict[str, str]):
        spec = util.find_spec("unoserver")
        paths = [str(Path(spec.origin).parents[1])] if spec and spec.origin else []
        self.port, uno_port = free_port(), free_port()
        code = ("import sys; sys.path.extend(sys.argv[1:2] and sys.argv[1].split(':')); "
                "del sys.argv[1]; from unoserver.server import main; sys.exit(main())")
        self.log = (folder / "unoserver.log").open("wb")
        self.proc = subprocess.Popen(
            [SYSTEM_PYTHON, "-c", code, ":".join(paths), "--port", str(self.port),
             "--uno-port", str(uno_port), "--user-installation", str(folder / "uno-profile")],
            env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.proxy = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self.port}", allow_none=True)
        deadline = time.monotonic() + 90
        while True:
            try:
                self.proxy.info()
                break
            except (ConnectionError, OSError, xmlrpc.client.Error):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("unoserver did not start, see "
                                       f"{folder / 'unoserver.log'}") from None
                time.sleep(0.5)

    def convert(self, docx: Path, pdf: Path) -> Sample:
        started = time.perf_counter()
        # update_index=False: soffice --convert-to does not update indexes either
        self.proxy.convert(str(docx), None, str(pdf), None, None, ["SelectPdfVersion=2"],
                           False, None, None)
        return Sample(time.perf_counter() - started)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # unoserver passes the signal on to its LibreOffice
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait()
        self.log.close()


def uno_status() -> str | None:
    """Why unoserver cannot run here, or None if it can."""
    if not Path(SYSTEM_PYTHON).exists():
        return "not installed (no /usr/bin/python3)"
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    if done.returncode != 0:
        return "not installed (python3-uno: apt-get install python3-uno)"
    if util.find_spec("unoserver") is None:
        done = subprocess.run([SYSTEM_PYTHON, "-c", "import unoserver"], capture_output=True)
        if done.returncode != 0:
            return "not installed (unoserver: pip install -e .[bench])"
    return None


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------


@dataclass
class Doc:
    name: str
    data: Path
    docx: Path            # a copy of the built .docx: what every converter gets
    pages: int            # docgen's
    typ: Path | None = None
    peer_pages: dict[str, int] = field(default_factory=dict)


@dataclass
class Contestant:
    key: str
    label: str
    run: Callable[[Doc, int], Sample]
    seed_only: bool = False
    samples: dict[str, list[Sample]] = field(default_factory=dict)


def machine() -> dict[str, str]:
    from bench_scaling import cpu_model  # noqa: PLC0415

    cpu = cpu_model()
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True).stdout.strip()
        commit += " (src/ modified)" if dirty else ""
    except OSError:
        commit = "?"
    return {"nproc": str(os.cpu_count()), "cpu": cpu, "os": platform.platform(),
            "python": platform.python_version(), "commit": commit or "?"}


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def version_of(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def make_docs(folder: Path, quick: bool, worker: Worker) -> list[Doc]:
    from bench_scaling import items_for, synthetic, write_data  # noqa: PLC0415

    sources = [("seed (11 p)", SEED)]
    if not quick:
        print("calibrating the ~500-page document …", file=sys.stderr)
        (folder / "calibrate").mkdir()
        items = items_for([500], folder / "calibrate")[500]
        sources.append(("synthetic ~500 p",
                        write_data(folder, "synthetic-500.yaml", synthetic(items, "合成文档500页"))))
    docs = []
    for n, (name, data) in enumerate(sources):
        answer = worker.ask(op="build", data=str(data), out=str(folder / f"setup-{n}"))
        docx = folder / f"doc{n}.docx"
        shutil.copyfile(answer["docx"], docx)
        docs.append(Doc(name, data, docx, answer["pages"]))
    return docs


def contestants(folder: Path, docs: list[Doc], worker: Worker,
                status: dict[str, str], cleanup: list[Callable[[], None]]) -> list[Contestant]:
    py = sys.executable
    env = child_env()
    index = {id(d): n for n, d in enumerate(docs)}

    def out(kind: str, doc: Doc) -> Path:
        path = folder / f"{kind}-{index[id(doc)]}"
        path.mkdir(exist_ok=True)
        return path

    def cold(doc: Doc, _: int) -> Sample:
        return run_fresh([py, "-m", "docgen", "build", str(doc.data), "--out",
                          str(out("cold", doc)), "--force"], env=env, cwd=folder)

    def help_(_doc: Doc, _: int) -> Sample:
        return run_fresh([py, "-m", "docgen", "--help"], env=env, cwd=folder)

    # the runs with nothing reused empty every memo: in a worker of their own, so that they
    # do not empty the memos of the plain warm runs (as Typst's two have a compiler each)
    fresh_worker = Worker([py, __file__, "--worker", "docgen"], env=env, cwd=folder)
    cleanup.append(fresh_worker.close)

    def warm(op: str, fresh: bool = False) -> Callable[[Doc, int], Sample]:
        def run(doc: Doc, _: int) -> Sample:
            w = fresh_worker if fresh else worker
            if op == "build":
                a = w.ask(op="build", data=str(doc.data), out=str(out("warm", doc)), fresh=fresh)
            else:
                a = w.ask(op="pdf", data=str(doc.data), docx=str(doc.docx), fresh=fresh)
            return Sample(a["wall"], a["cpu"])
        return run

    found: list[Contestant] = [
        Contestant("cold", "docgen cold: `python -m docgen build` (fresh process)", cold),
        Contestant("help", "docgen cold: `python -m docgen --help`", help_, seed_only=True),
        Contestant("build", "docgen warm: `docgen.build()` (.docx + PDF/A)", warm("build")),
        Contestant("pdf", "docgen warm: `docx_to_pdf()` of the .docx", warm("pdf")),
        Contestant("build_fresh", "docgen warm, no paragraph reused: `docgen.build()`", warm("build", True)),
        Contestant("pdf_fresh", "docgen warm, no paragraph reused: `docx_to_pdf()`", warm("pdf", True)),
    ]

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice:
        lo_env = lo_environment(folder)
        profile = (folder / "lo-profile").as_uri()
        status["libreoffice"] = soffice_version(soffice)

        def soffice_run(doc: Doc, _: int) -> Sample:
            target = out("soffice", doc)
            sample = run_fresh([soffice, f"-env:UserInstallation={profile}", "--headless",
                                "--norestore", "--nolockcheck", "--nodefault", "--convert-to",
                                SOFFICE_FILTER, "--outdir", str(target), str(doc.docx)],
                               env=lo_env, cwd=folder)
            doc.peer_pages.setdefault("soffice", pdf_pages(target / f"{doc.docx.stem}.pdf"))
            return sample

        found.append(Contestant("soffice", "LibreOffice CLI: `soffice --convert-to pdf`",
                                soffice_run))
        why = uno_status()
        if why is None:
            print("starting unoserver …", file=sys.stderr)
            try:
                server = Unoserver(folder, lo_env)
                cleanup.append(server.stop)

                def uno_run(doc: Doc, _: int) -> Sample:
                    target = out("uno", doc) / "out.pdf"
                    sample = server.convert(doc.docx, target)
                    doc.peer_pages.setdefault("unoserver", pdf_pages(target))
                    return sample

                found.append(Contestant("unoserver", "unoserver warm (LibreOffice kept running)",
                                        uno_run))
                status["unoserver"] = version_of("unoserver") or "(system python's)"
            except RuntimeError as exc:
                status["unoserver"] = f"failed to start: {exc}"
        else:
            status["unoserver"] = why
    else:
        status["libreoffice"] = status["unoserver"] = "not installed (apt-get install libreoffice-writer-nogui)"

    if version_of("typst"):
        import typst_doc  # noqa: PLC0415

        fonts = typst_doc.font_folder(typst_doc.font_files(), folder / "typst-fonts")
        families = typst_doc.typst_families(fonts)
        for n, doc in enumerate(docs):
            doc.typ = folder / f"doc{n}.typ"
            doc.typ.write_text(typst_doc.typst_source(doc.docx, families), encoding="utf-8")
        status["typst"] = f"typst {version_of('typst')} (Python package)"

        def typst_warm(restyle: bool) -> Callable[[Doc, int], Sample]:
            # one process each: Typst's memo cache is per process
            tw = Worker([py, __file__, "--worker", "typst", str(fonts)], cwd=folder)
            cleanup.append(tw.close)

            def run(doc: Doc, rnd: int) -> Sample:
                a = tw.ask(typ=str(doc.typ), nonce=(rnd + 1) % 1000 if restyle else None)
                return Sample(a["wall"], a["cpu"])
            return run

        def typst_cold(doc: Doc, _: int) -> Sample:
            target = out("typst", doc) / "out.pdf"
            sample = run_fresh([py, "-c", TYPST_ONCE, str(doc.typ), str(fonts), str(target)],
                               cwd=folder)
            doc.peer_pages.setdefault("typst", pdf_pages(target))
            return sample

        found += [
            Contestant("typst_warm", "Typst warm: same source, recompiled (memoised)",
                       typst_warm(False)),
            Contestant("typst_restyled", "Typst warm, restyled: no layout from the cache",
                       typst_warm(True)),
            Contestant("typst_cold", "Typst cold: `typst.compile()` in a fresh process",
                       typst_cold),
        ]
    else:
        status["typst"] = "not installed (pip install -e .[bench])"
    return found


def measure(contestant_list: list[Contestant], docs: list[Doc], runs: int) -> None:
    """One warm-up round, then ``runs`` rounds; each round every document, every contestant,
    in an order that rotates from round to round."""
    for rnd in range(-1, runs):
        print(f"round {rnd + 1}/{runs}{' (warm-up)' if rnd < 0 else ''}, "
              f"load {load_average()}", file=sys.stderr)
        for doc in docs:
            shift = max(rnd, 0) % len(contestant_list)
            for c in contestant_list[shift:] + contestant_list[:shift]:
                if c.seed_only and doc is not docs[0]:
                    continue
                sample = c.run(doc, rnd)
                if rnd >= 0:
                    c.samples.setdefault(doc.name, []).append(sample)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def median(samples: list[Sample], attr: str = "wall") -> float | None:
    values = [getattr(s, attr) for s in samples if getattr(s, attr) is not None]
    return statistics.median(values) if values else None


def ms(seconds: float | None, digits: int = 0) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.{digits}f} ms"


PAGES_OF = {"soffice": "soffice", "unoserver": "unoserver", "typst_warm": "typst",
            "typst_restyled": "typst", "typst_cold": "typst"}


def pages_for(c: Contestant, doc: Doc) -> int | None:
    key = PAGES_OF.get(c.key)
    return doc.peer_pages.get(key) if key else doc.pages


def times_table(cs: list[Contestant], docs: list[Doc]) -> str:
    head = "| contestant | " + " | ".join(
        f"{d.name}: pages | median (CPU) | per page" for d in docs) + " |\n"
    head += "| --- |" + " ---: | ---: | ---: |" * len(docs) + "\n"
    rows = []
    for c in cs:
        cells = []
        for d in docs:
            s = c.samples.get(d.name)
            if not s:
                cells += ["", "—", "—"]
                continue
            wall, cpu = median(s), median(s, "cpu")
            pages = pages_for(c, d)
            cpu_txt = f" ({ms(cpu)})" if cpu is not None else ""
            per_page = ms(wall / pages, 1) if pages and c.key != "help" else "—"
            cells += [str(pages if c.key != "help" else "—"), ms(wall) + cpu_txt, per_page]
        rows.append(f"| {c.label} | " + " | ".join(cells) + " |")
    return head + "\n".join(rows)


def ratios(cs: list[Contestant], docs: list[Doc], status: dict[str, str]) -> tuple[str, list[str]]:
    by = {c.key: c for c in cs}

    def wall(key: str, doc: Doc, per_page: bool = False) -> float | None:
        c = by.get(key)
        if c is None or not c.samples.get(doc.name):
            return None
        value = median(c.samples[doc.name])
        pages = pages_for(c, doc)
        return value / pages if per_page and value is not None and pages else value

    def peer_missing(key: str) -> str:
        what = {"soffice": "libreoffice", "unoserver": "unoserver"}.get(key, "typst")
        return status.get(what, "not installed")

    rows: list[str] = []

    def ratio_row(target: str, num: float | None, den: float | None, limit: float | None,
                  den_key: str, note: str = "") -> None:
        if num is None or den is None:
            rows.append(f"| {target} | {peer_missing(den_key)} | — |")
            return
        r = num / den
        met = "—" if limit is None else ("**met**" if r <= limit else "**not met**")
        rows.append(f"| {target} | {r:.2f} ({note}) | {met} |")

    seed = docs[0]
    big = docs[1] if len(docs) > 1 else None
    ratio_row("cold `docgen build` of the seed ÷ `soffice --convert-to pdf` ≤ 0.33",
              wall("cold", seed), wall("soffice", seed), 0.33, "soffice",
              f"{ms(wall('cold', seed))} ÷ {ms(wall('soffice', seed))}")
    h = wall("help", seed)
    rows.append(f"| `docgen --help` ≤ 100 ms | {ms(h)} | "
                f"{'**met**' if h is not None and h <= 0.1 else '**not met**'} |")
    for doc in [d for d in (seed, big) if d]:
        # like with like: both reuse earlier layout, or neither does
        for ours, key, what in (("pdf", "typst_warm", "warm `docx_to_pdf` ÷ Typst warm"),
                                ("pdf_fresh", "typst_restyled",
                                 "warm `docx_to_pdf`, no paragraph reused ÷ Typst warm, restyled")):
            ratio_row(f"{doc.name}: {what}, per page ≤ 1",
                      wall(ours, doc, True), wall(key, doc, True), 1.0, key,
                      f"{ms(wall(ours, doc, True), 1)} ÷ {ms(wall(key, doc, True), 1)} a page")
    if big:
        rss = median(by["cold"].samples.get(big.name, []), "rss_mb")
        rows.append(f"| peak memory of `docgen build` at {big.pages} pages ≤ 300 MB | "
                    f"{'—' if rss is None else f'{rss:.0f} MB'} | "
                    f"{'**met**' if rss is not None and rss <= 300 else '**not met**'} |")
    for key, what in (("build", ""), ("build_fresh", ", no paragraph reused")):
        b = wall(key, seed)
        rows.append(f"| warm `build()` of the seed{what} ≤ 100 ms | {ms(b)} | "
                    f"{'**met**' if b is not None and b <= 0.1 else '**not met**'} |")
    targets = ("| target (issue #15) | measured | met? |\n| --- | --- | --- |\n" + "\n".join(rows))

    info: list[str] = []
    for doc in [d for d in (seed, big) if d]:
        pairs = [("pdf", "unoserver", "warm `docx_to_pdf` ÷ unoserver warm, per page"),
                 ("build", "unoserver", "warm `build()` ÷ unoserver warm, per page"),
                 ("cold", "typst_cold", "docgen cold ÷ Typst cold, per page"),
                 ("cold", "soffice", "docgen cold ÷ soffice CLI, per page"),
                 ("build", "typst_restyled", "warm `build()` ÷ Typst warm restyled, per page")]
        for num, den, text in pairs:
            n, d = wall(num, doc, True), wall(den, doc, True)
            if n is not None and d is not None:
                info.append(f"{doc.name}: {text}: {n / d:.2f}")
    return targets, info


def report(cs: list[Contestant], docs: list[Doc], status: dict[str, str], runs: int,
           loads: tuple[str, str], info_machine: dict[str, str]) -> str:
    targets, info = ratios(cs, docs, status)
    pages = "; ".join(f"{d.name}: docgen {d.pages}, " + ", ".join(
        f"{k} {v}" for k, v in sorted(d.peer_pages.items())) for d in docs)
    lines = [
        f"Machine: {info_machine['nproc']} cores ({info_machine['cpu']}), {info_machine['os']}, "
        f"Python {info_machine['python']}; LibreOffice: {status.get('libreoffice')}; "
        f"unoserver: {status.get('unoserver')}; Typst: {status.get('typst')}. "
        f"Code at commit {info_machine['commit']}.",
        "",
        f"`bench_peers.py --runs {runs}`: medians of {runs} interleaved rounds after one warm-up "
        f"round; load average {loads[0]} at the start, {loads[1]} at the end "
        "(1 / 5 / 15 minutes).",
        "",
        f"Pages: {pages}.",
        "",
        times_table(cs, docs),
        "",
        targets,
        "",
        "Other ratios (medians, per page): " + ("; ".join(info) if info else "—") + ".",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    """Replace (or append) the "Peers" section of docs/performance.md."""
    doc = PERFORMANCE_MD.read_text(encoding="utf-8")
    intro = ("Issue #15's peer comparison, from one interleaved run of "
             "[bench/bench_peers.py](../bench/bench_peers.py) (see bench/README.md for what each "
             "contestant does; the Typst translation of the same .docx is bench/typst_doc.py).")
    section = f"{SECTION}\n\n{intro}\n\n{text}\n"
    start = doc.find(SECTION + "\n")
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + section
    else:
        end = doc.find("\n## ", start + len(SECTION))
        doc = doc[:start] + section + ("" if end < 0 else doc[end:])
    PERFORMANCE_MD.write_text(doc, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="timed rounds (default 5; 2 with --quick)")
    parser.add_argument("--quick", action="store_true", help="seed only, fewer rounds")
    parser.add_argument("--write", action="store_true",
                        help=f"replace the section “{SECTION}” of docs/performance.md")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.worker[0] == "docgen":
            docgen_worker()
        else:
            typst_worker(args.worker[1])
        return 0
    runs = args.runs or (2 if args.quick else 5)
    info_machine = machine()
    load_start = load_average()
    print(f"load average {load_start}", file=sys.stderr)
    status: dict[str, str] = {}
    cleanup: list[Callable[[], None]] = []
    with tempfile.TemporaryDirectory(prefix="docgen-peers-") as tmp:
        folder = Path(tmp)
        worker = Worker([sys.executable, __file__, "--worker", "docgen"], env=child_env(),
                        cwd=folder)
        cleanup.append(worker.close)
        try:
            docs = make_docs(folder, args.quick, worker)
            cs = contestants(folder, docs, worker, status, cleanup)
            measure(cs, docs, runs)
        finally:
            for stop in reversed(cleanup):
                stop()
    text = report(cs, docs, status, runs, (load_start, load_average()), info_machine)
    print(text)
    if args.write:
        write_section(text)
        print(f"\n(written to {PERFORMANCE_MD.relative_to(ROOT)})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
