"""Preview latency as the clerk sees it: from a keystroke to the new first page shown (seed, warm).

Starts ``docgen serve`` on a copy of the seed and drives Debian's chromium
(Selenium): types one digit into a figure, then polls until the first page's
image has a new source and has loaded; 25 edits, the first 3 not counted
(warm-up).  The time includes htmx's 150 ms input delay (``edit.html``).

    python bench/bench_web_browser.py
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[1]
tmp = Path(tempfile.mkdtemp(prefix="docgen-bench-browser-"))
data = tmp / "data"
data.mkdir()
SEED = "2022-如东县法治政府建设情况报告.yaml"
shutil.copy(ROOT / "data" / SEED, data / SEED)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
srv = subprocess.Popen(
    [
        sys.executable,
        "-m",
        "docgen",
        "serve",
        "--data",
        str(data),
        "--out",
        str(tmp / "out"),
        "--port",
        str(port),
        "--no-browser",
    ],
    cwd=tmp,
    env={**os.environ, "DISPLAY": ""},
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
url = f"http://127.0.0.1:{port}"
for _ in range(100):
    try:
        urllib.request.urlopen(url + "/static/app.js")
        break
    except OSError:
        time.sleep(0.2)
o = Options()
o.binary_location = shutil.which("chromium")
for f in ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1600,1100"]:
    o.add_argument(f)
d = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=o)
js_src = "var i=document.querySelector('#preview img.page'); return i && i.complete && i.naturalWidth ? i.src : null;"
try:
    d.get(url + "/edit/" + urllib.parse.quote(SEED))
    while not d.execute_script(js_src):
        time.sleep(0.02)
    field = d.find_element(By.CSS_SELECTOR, 'input[name="v[\\"figures\\", \\"告知承诺办件\\"]"]')
    times = []
    for n in range(25):
        before = d.execute_script(js_src)
        field.send_keys(str(n % 10))
        t0 = time.perf_counter()
        while True:
            src = d.execute_script(js_src)
            if src and src != before:
                break
            time.sleep(0.005)
        times.append(time.perf_counter() - t0)
        time.sleep(0.3)
    warm = times[3:]
    q = sorted(warm)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"load average {load}; n={len(warm)} median {statistics.median(warm) * 1000:.0f} ms  p95 {q[round(0.95 * (len(q) - 1))] * 1000:.0f} ms  max {max(warm) * 1000:.0f} ms (incl. htmx 150 ms input delay)"
    )
finally:
    d.quit()
    srv.terminate()
    srv.wait(10)
    shutil.rmtree(tmp, ignore_errors=True)
