"""Load test of ``docgen serve``: N clients editing and previewing different documents.

Starts the real server (``python -m docgen serve``) on a temporary folder of
N data files (the shipped samples and copies of the seed), then runs N
client threads for ``--seconds``: each opens its own document, and in a loop
changes its title to a new marked value, asks for the live preview (the
request a browser sends as the clerk types) and, every ``--save-every``-th
edit, saves.  A further client keeps saving a stale version of document 0
and must be refused every time.

At the end every file is read back: it must parse, hold exactly the last
value its client saved, and no marker of any other client (no lost and no
mixed writes).  Prints the preview latency (median, 95th percentile, as the
client sees it, and the server's build time) as Markdown.

    python bench/bench_web.py                 # 10 clients, 60 s
    python bench/bench_web.py --clients 4 --seconds 20
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
SEED = "2022-如东县法治政府建设情况报告.yaml"


def field(path: list) -> str:
    import json

    return "v" + json.dumps(path, ensure_ascii=False)


def make_folder(folder: Path, count: int) -> list[str]:
    samples = sorted(p.name for p in (ROOT / "data").glob("*.yaml"))
    for picture in (ROOT / "data").glob("*.png"):
        shutil.copy(picture, folder / picture.name)
    names = []
    for i in range(count):
        if i < len(samples):
            name = samples[i]
            shutil.copy(ROOT / "data" / name, folder / name)
        else:
            name = f"副本{i}-{SEED}"
            text = (ROOT / "data" / SEED).read_text(encoding="utf-8")
            text = text.replace("title: 2022年如东县法治政府建设情况报告",
                                f"title: 2022年如东县法治政府建设情况报告（副本{i}）", 1)
            (folder / name).write_text(text, encoding="utf-8")
        names.append(name)
    return names


def title_of(path: Path) -> str:
    return str(YAML(typ="safe").load(path.read_text(encoding="utf-8"))["meta"]["title"])


class Client(threading.Thread):
    def __init__(self, index: int, url: str, name: str, folder: Path, until: float, save_every: int):
        super().__init__(daemon=True)
        self.index, self.url, self.name, self.folder = index, url, name, folder
        self.until, self.save_every = until, save_every
        self.latencies: list[float] = []
        self.server_seconds: list[float] = []
        self.build_seconds: list[float] = []
        self.saved: str | None = None
        self.saves = 0
        self.errors: list[str] = []
        self.base_title = title_of(folder / name)

    def open(self, http: httpx.Client) -> tuple[str, str]:
        page = http.get(f"/edit/{self.name}")
        page.raise_for_status()
        version = re.search(r'name="version" value="([^"]+)"', page.text)[1]
        return http.cookies.get("docgen_csrf"), version

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=300) as http:
            csrf, version = self.open(http)
            n = 0
            while time.monotonic() < self.until:
                n += 1
                title = f"{self.base_title}【客户{self.index}-第{n}次】"
                form = {"csrf": csrf, "version": version, field(["meta", "title"]): title}
                started = time.perf_counter()
                live = http.post(f"/edit/{self.name}/live", data=form)
                elapsed = time.perf_counter() - started
                if live.status_code != 200 or "/preview-image/" not in live.text:
                    self.errors.append(f"live {live.status_code}: {live.text[:200]}")
                    continue
                self.latencies.append(elapsed)
                self.server_seconds.append(float(live.headers.get("x-preview-seconds", "0")))
                self.build_seconds.append(float(live.headers.get("x-build-seconds", "0")))
                if n % self.save_every == 0:
                    saved = http.post(f"/edit/{self.name}/save", data=form, follow_redirects=False)
                    if saved.status_code != 303:
                        self.errors.append(f"save {saved.status_code}: {saved.text[:200]}")
                        continue
                    self.saved, self.saves = title, self.saves + 1
                    csrf, version = self.open(http)


class StaleClient(threading.Thread):
    """Saves with a version that is out of date: every save must be refused (409)."""

    def __init__(self, url: str, name: str, folder: Path, owner: threading.Thread):
        super().__init__(daemon=True)
        self.url, self.name, self.folder, self.owner = url, name, folder, owner
        self.refused = 0
        self.accepted = 0

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=300) as http:
            page = http.get(f"/edit/{self.name}")
            version = re.search(r'name="version" value="([^"]+)"', page.text)[1]
            csrf = http.cookies.get("docgen_csrf")
            opened = (self.folder / self.name).stat().st_mtime_ns
            while (self.folder / self.name).stat().st_mtime_ns == opened:  # its client saves
                if not self.owner.is_alive():
                    return
                time.sleep(0.2)
            last = False
            while not last:  # until the document's client is done, and once more after
                last = not self.owner.is_alive()
                form = {"csrf": csrf, "version": version, field(["meta", "title"]): "过期的修改"}
                response = http.post(f"/edit/{self.name}/save", data=form, follow_redirects=False)
                if response.status_code == 409:
                    self.refused += 1
                else:
                    self.accepted += 1
                time.sleep(1)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--save-every", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the server")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="docgen-bench-web-"))
    folder = tmp / "data"
    folder.mkdir()
    names = make_folder(folder, args.clients)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "docgen", "serve", "--data", str(folder),
                               "--out", str(tmp / "out"), "--port", str(port), "--no-browser",
                               "--jobs", str(args.jobs)], cwd=tmp, env={**os.environ, "DISPLAY": ""},
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(300):
            try:
                httpx.get(url + "/static/app.js", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        # warm: one preview per worker before the clock starts
        warm = Client(0, url, names[0], folder, time.monotonic() + 0.1, 10**9)
        warm.run()
        started = time.monotonic()
        until = started + args.seconds
        clients = [Client(i, url, name, folder, until, args.save_every) for i, name in enumerate(names)]
        stale = StaleClient(url, names[0], folder, clients[0])
        for c in [*clients, stale]:
            c.start()
        for c in [*clients, stale]:
            c.join()
        wall = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=20)

    problems = []
    for c in clients:
        problems += [f"{c.name}: {e}" for e in c.errors]
        title = title_of(folder / c.name)
        if c.saved is not None and title != c.saved:
            problems.append(f"{c.name}: 文件中的标题是 {title!r}，最后保存的是 {c.saved!r}（丢失的写入）")
        text = (folder / c.name).read_text(encoding="utf-8")
        others = {int(m) for m in re.findall(r"【客户(\d+)-", text)} - {c.index}
        if others:
            problems.append(f"{c.name}: 含有其他客户的修改 {sorted(others)}（混写）")
    if stale.accepted:
        problems.append(f"过期版本的保存被接受了 {stale.accepted} 次")
    latencies = [x for c in clients for x in c.latencies]
    server_side = [x for c in clients for x in c.server_seconds if x > 0]
    builds = [x for c in clients for x in c.build_seconds if x > 0]
    load = os.getloadavg()
    print(f"clients {args.clients}, {args.seconds:.0f} s, server workers {args.jobs}, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} cores\n")
    print("| previews | saves | stale saves refused | preview latency median | p95 "
          "| build in worker median | p95 | problems |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| {len(latencies)} | {sum(c.saves for c in clients)} | {stale.refused} "
          f"| {statistics.median(latencies) * 1000:,.0f} ms | {percentile(latencies, .95) * 1000:,.0f} ms "
          f"| {statistics.median(builds) * 1000:,.0f} ms | {percentile(builds, .95) * 1000:,.0f} ms "
          f"| {len(problems)} |")
    print(f"\n({len(latencies) / wall:.1f} previews/s; time in the server including the wait for "
          f"a worker: median {statistics.median(server_side) * 1000:,.0f} ms)")
    for p in problems:
        print("PROBLEM:", p)
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
