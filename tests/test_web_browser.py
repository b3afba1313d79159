"""``docgen serve`` end to end in a real browser: Debian's chromium driven by Selenium.

Starts the real server (``python -m docgen serve``) on a copy of the seed,
then, as a clerk would: changes a figure and waits for the preview image to
change, saves, downloads the PDF and finds the new figure in its text
(pdftotext), and uploads a broken template to see the Chinese message.
Skipped only when chromium or its driver is not installed (CI installs both:
``scripts/setup.sh --test``).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = "2022-如东县法治政府建设情况报告.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="chromium and chromium-driver are not installed")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1600,1000"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(ROOT / "data" / SEED, data / SEED)
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "docgen", "serve", "--data", str(data), "--out", str(tmp_path / "out"),
         "--port", str(port), "--no-browser"],
        cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "DISPLAY": "", "DOCGEN_SERVE_LOG": "info"})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/static/app.js", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError(_log(tmp_path)) from None
            time.sleep(0.2)
    try:
        yield url, data, tmp_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _log(tmp_path: Path) -> str:
    return (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")[-4000:]


def _until(wait, condition, driver, tmp_path: Path, what: str):
    """``wait.until(condition)``, failing with what the page and the server showed."""
    from selenium.common.exceptions import TimeoutException

    try:
        return wait.until(condition)
    except TimeoutException:
        preview = driver.execute_script(
            "var p = document.getElementById('preview'); return p ? p.outerHTML : '(no #preview)';")
        raise AssertionError(f"timed out waiting for {what}\n#preview: {preview[:2000]}\n"
                             f"server log:\n{_log(tmp_path)}") from None


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="docgen-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    with contextlib.suppress(Exception):
        driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                               {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver, downloads
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _broken_template() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(ROOT / "templates" / "report.docx") as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item)
            if item.filename == "word/document.xml":
                content = content.replace(b"{{", b"{{ {{", 1)
            zout.writestr(item, content)
    return out.getvalue()


def test_clerk_edits_previews_downloads_and_uploads_a_template(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    url, data, _ = server
    driver, downloads = browser
    wait = WebDriverWait(driver, 60, poll_frequency=0.1)

    driver.get(url + "/")
    assert "2022年如东县法治政府建设情况报告" in driver.find_element(By.TAG_NAME, "body").text
    driver.find_element(By.LINK_TEXT, "2022年如东县法治政府建设情况报告").click()

    def first_page(d):  # read in one script: the preview may be swapped between two calls
        return d.execute_script("var i = document.querySelector('#preview img.page');"
                                " return i ? i.src : null;")

    before = wait.until(first_page)
    field = driver.find_element(By.CSS_SELECTOR, 'input[name="v[\\"figures\\", \\"告知承诺办件\\"]"]')
    field.clear()
    # a clerk pauses after emptying the field, so the typing usually lands while the preview of
    # the empty field (an error) is still on its way; with hx-sync "replace" htmx then lost the
    # request for the typed value and the page kept showing the error
    time.sleep(0.2)
    field.send_keys("31416")
    after = _until(wait, lambda d: (src := first_page(d)) and src != before and src, driver, tmp_path,
                   "the preview to change after the edit")
    assert after != before
    # the new image really is a picture of a page
    png = urllib.request.urlopen(after).read() if after.startswith("http") else b""
    assert png.startswith(b"\x89PNG")

    # an error appears at its field, and goes away when the field is fixed (the page empties the
    # error boxes before each /live swaps in: the server sends only the fields that have errors)
    def notes(d):
        return d.execute_script("return document.getElementById(arguments[0]).textContent;",
                                "e-" + field.get_attribute("id"))

    field.clear()
    _until(wait, lambda d: "还没有填写" in notes(d), driver, tmp_path, "the error at the emptied figure")
    field.send_keys("31416")
    _until(wait, lambda d: notes(d).strip() == "", driver, tmp_path, "the error to go away")

    driver.find_element(By.ID, "save").click()
    wait.until(lambda d: "已保存" in d.find_element(By.TAG_NAME, "body").text)
    assert "告知承诺办件: 31416" in (data / SEED).read_text(encoding="utf-8")

    driver.find_element(By.ID, "download-pdf").click()
    pdf = wait.until(lambda d: next((p for p in downloads.glob("*.pdf")), None))
    wait.until(lambda d: not list(downloads.glob("*.crdownload")))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "31416" in text

    driver.get(url + "/templates")
    broken = tmp_path / "坏模板.docx"
    broken.write_bytes(_broken_template())
    driver.find_element(By.ID, "template-file").send_keys(str(broken))
    driver.find_element(By.ID, "template-submit").click()
    message = wait.until(lambda d: d.find_element(By.ID, "template-result")).text
    assert "模板未通过检查" in message
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "修改方法" in body
