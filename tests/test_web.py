"""``docgen serve``: every route and every refusal, through Starlette's TestClient.

The app runs on copies of the shipped data files in tmp_path; builds and
previews go through the real worker pool and docgen's own PDF engine, and
the tests read what comes back (HTML, PNG, PDF text, the YAML on disk).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from docgen.load import load_document
from docgen.numbering import number_blocks
from docgen.web.app import ROUTES, Config, create_app
from docgen.web.editor import field_name

ROOT = Path(__file__).resolve().parents[1]
SEED = "2022-如东县法治政府建设情况报告.yaml"
LETTER = "letter-示例.yaml"
BASE = "http://127.0.0.1:8765"


def _data_dir(tmp: Path, names: list[str]) -> Path:
    data = tmp / "data"
    data.mkdir(parents=True)
    for name in names:
        shutil.copy(ROOT / "data" / name, data / name)
    for picture in (ROOT / "data").glob("*.png"):
        shutil.copy(picture, data / picture.name)
    return data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One app (and one warm worker pool) for the module, on a copy of the seed and a letter."""
    tmp = tmp_path_factory.mktemp("web")
    data = _data_dir(tmp, [SEED, LETTER])
    app = create_app(Config(data_dir=data, out_dir=tmp / "output", workers=2,
                            allowed_hosts=["127.0.0.1"]))
    with TestClient(app, base_url=BASE) as client:
        yield client, data, tmp


def _csrf(client: TestClient) -> str:
    client.get("/")
    return client.cookies.get("docgen_csrf")


def _version(html: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', html)[1]


def _pdf_text(data: bytes, tmp: Path) -> str:
    pdf = tmp / "out.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _edit(client, name=SEED):
    page = client.get(f"/edit/{name}")
    assert page.status_code == 200, page.text
    return page.text


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


def test_index_lists_documents_by_year_with_status(site):
    client, data, tmp = site
    page = client.get("/")
    assert page.status_code == 200
    text = unescape(page.text)
    for name in (SEED, LETTER):
        title = load_document(data / name).document.meta.title
        assert title in text and name in text
    assert "<h2>2023年</h2>" in text and "<h2>2022年</h2>" in text
    assert text.index("2023年</h2>") < text.index("2022年</h2>")  # newest year first
    assert "报告" in text and "函" in text  # 文种 from the template


def test_build_writes_outputs_and_status_follows(site):
    client, data, tmp = site
    csrf = _csrf(client)
    response = client.post(f"/edit/{LETTER}/build", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 303
    title = load_document(data / LETTER).document.meta.title
    assert (tmp / "output" / f"{title}.docx").exists() and (tmp / "output" / f"{title}.pdf").exists()
    row = unescape(client.get("/").text).split(title)[1].split("</tr>")[0]
    assert "已生成" in row
    later = (tmp / "output" / f"{title}.pdf").stat().st_mtime_ns + 10**9
    os.utime(data / LETTER, ns=(later, later))
    row = unescape(client.get("/").text).split(title)[1].split("</tr>")[0]
    assert "需重新生成" in row


def test_index_shows_a_broken_file_as_having_errors(tmp_path):
    data = _data_dir(tmp_path, [LETTER])
    (data / "坏.yaml").write_text("meta:\n  title: 坏\nbody: [\n", encoding="utf-8")
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        text = unescape(client.get("/").text)
    row = text.split('<td class="muted">坏.yaml')[1].split("</tr>")[0]
    assert "有错误" in row


def test_edit_page_numbers_headings_as_docgen_numbering_does(site):
    client, data, _ = site
    html = _edit(client)
    document = load_document(data / SEED).document
    expected = [b.number for b in number_blocks(document.body, document.numbering)
                if b.kind in ("heading", "run_in")]
    shown = re.findall(r'<span class="num" id="num-[^"]+">([^<]*)</span>', html)
    assert shown == expected
    assert len(set(expected)) > 10


def test_edit_page_has_meta_figures_previous_formulas_and_checks(site):
    client, data, _ = site
    html = unescape(_edit(client))
    document = load_document(data / SEED).document
    assert f'value="{document.meta.title}"' in html
    assert "成文日期" in html and 'value="2023-03-13"' in html
    # a computed figure: read-only, with its formula and its value
    total = document.figures["复议审结"].text
    row = html.split(">复议审结</th>")[1].split("</tr>")[0]
    assert total in row and "复议驳回 + 复议维持" in row and "<input" not in row
    # a plain figure is an input holding the file's value
    assert f'name="{field_name(("figures", "网上办比例"))}" value="97.7"' in html
    assert "清理继续有效 + 清理拟修订 + 清理失效 + 清理废止 = 清理文件" in html
    assert "✓ 通过" in html


def test_previous_year_values_are_shown_beside_this_years(tmp_path):
    data = _data_dir(tmp_path, [SEED])
    subprocess.run([sys.executable, "-m", "docgen", "next-year", str(data / SEED)], check=True,
                   capture_output=True)
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        html = unescape(client.get("/edit/2023-如东县法治政府建设情况报告.yaml").text)
    row = html.split(">网上办比例</th>")[1].split("</tr>")[0]
    assert '<td class="prev">97.7</td>' in row


def test_live_recomputes_figures_and_checks_and_places_errors(site):
    client, data, _ = site
    html = _edit(client)
    form = {"csrf": _csrf(client), "version": _version(html),
            field_name(("figures", "复议驳回")): "30", field_name(("figures", "清理文件")): "192"}
    response = client.post(f"/edit/{SEED}/live", data=form)
    assert response.status_code == 200
    text = unescape(response.text)
    document = load_document(data / SEED).document
    expected = int(document.figures["复议审结"].text) + 2
    assert re.search(rf'<span class="value" id="fv-\d+" hx-swap-oob="true">{expected}</span>', text)
    assert "一致性检查未通过" in text and "192" in text
    assert "✗" in text
    # the file itself is untouched
    assert "清理文件: 191" in (data / SEED).read_text(encoding="utf-8")


def test_live_reports_an_undefined_reference_at_its_field(site):
    client, data, _ = site
    html = _edit(client, LETTER)
    form = {"csrf": _csrf(client), "version": _version(html),
            field_name(("body", 1)): "专此函商，{{ figures.不存在 }}。"}
    text = unescape(client.post(f"/edit/{LETTER}/live", data=form).text)
    notes = text.split('id="e-f-body-1"')[1].split("</div></div>")[0]
    assert "不存在" in notes and "没有定义" in notes
    assert "改正后才能生成" in text


def test_live_preview_pages_are_pngs_that_change_with_a_figure(site):
    client, data, _ = site
    html = _edit(client, LETTER)
    csrf, version = _csrf(client), _version(html)
    first = client.post(f"/edit/{LETTER}/live", data={"csrf": csrf, "version": version})
    images = re.findall(r'src="(/preview-image/[^"]+\.png)"', first.text)
    assert images, first.text
    png = client.get(images[0])
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    changed = client.post(f"/edit/{LETTER}/live", data={
        "csrf": csrf, "version": version,
        field_name(("meta", "title")): "如东县人民政府办公室关于商请支持举办2023年如东县项目推介会的函"})
    images2 = re.findall(r'src="(/preview-image/[^"]+\.png)"', changed.text)
    assert images2 and images2[0] != images[0]
    assert client.get(images2[0]).content != png.content
    assert float(changed.headers["x-preview-seconds"]) > 0
    assert client.get("/preview-image/0000/1.png").status_code == 404


def test_preview_page_shows_every_page_of_the_saved_file(site):
    client, data, _ = site
    page = client.get(f"/preview/{LETTER}")
    assert page.status_code == 200
    images = re.findall(r'src="(/preview-image/[^"]+\.png)"', page.text)
    built = client.get(f"/download/{LETTER}/pdf").content
    pages = subprocess.run(["pdfinfo", "-"], input=built, capture_output=True, check=True).stdout
    count = int(re.search(rb"Pages:\s+(\d+)", pages)[1])
    assert len(images) == count


def test_findings_are_placed_at_their_field_with_a_fix(site):
    client, data, _ = site
    html = _edit(client, LETTER)
    form = {"csrf": _csrf(client), "version": _version(html),
            field_name(("body", 1)): "专此函商,盼复。"}
    text = unescape(client.post(f"/edit/{LETTER}/findings", data=form).text)
    notes = text.split('id="n-f-body-1"')[1].split('id="n-')[0]
    assert "半角" in notes
    assert 'data-fixed="专此函商，盼复。"' in notes


# --------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------


def test_save_round_trips_comments_keeps_a_backup_and_changes_one_line(tmp_path):
    data = _data_dir(tmp_path, [SEED])
    before = (data / SEED).read_text(encoding="utf-8")
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        html = client.get(f"/edit/{SEED}").text
        form = {"csrf": client.cookies.get("docgen_csrf"), "version": _version(html),
                field_name(("figures", "网上办比例")): "98.1",
                field_name(("body", 1, "body", 0, "body", 1, "heading")): "优化政务服务水平：新举措。"}
        response = client.post(f"/edit/{SEED}/save", data=form, follow_redirects=False)
        assert response.status_code == 303
        assert "已保存" in unescape(client.get(response.headers["location"]).text)
    after = (data / SEED).read_text(encoding="utf-8")
    assert (data / f"{SEED}.bak").read_text(encoding="utf-8") == before
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert len(changed) == 2
    assert changed[0][1] == "  网上办比例: 98.1"
    assert "优化政务服务水平：新举措。" in changed[1][1]
    assert after.count("#") == before.count("#")  # every comment kept
    assert load_document(data / SEED).document.figures["网上办比例"].text == "98.1"


def test_saving_an_unchanged_form_writes_nothing(site):
    client, data, _ = site
    html = _edit(client, LETTER)
    before = (data / LETTER).read_bytes()
    mtime = (data / LETTER).stat().st_mtime_ns
    response = client.post(f"/edit/{LETTER}/save", follow_redirects=False,
                           data={"csrf": _csrf(client), "version": _version(html)})
    assert response.status_code == 303
    assert (data / LETTER).read_bytes() == before and (data / LETTER).stat().st_mtime_ns == mtime


def test_stale_save_is_refused_with_a_reload_link(tmp_path):
    data = _data_dir(tmp_path, [LETTER])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        html = client.get(f"/edit/{LETTER}").text
        by_hand = (data / LETTER).read_text(encoding="utf-8").replace("专此函商", "特此函商")
        (data / LETTER).write_text(by_hand, encoding="utf-8")  # a clerk edits the file meanwhile
        form = {"csrf": client.cookies.get("docgen_csrf"), "version": _version(html),
                field_name(("body", 0)): "改过的第一段。"}
        response = client.post(f"/edit/{LETTER}/save", data=form)
    assert response.status_code == 409
    text = unescape(response.text)
    assert "已被修改" in text and "没有保存" in text
    assert 'id="reload"' in response.text and "重新载入" in text
    assert (data / LETTER).read_text(encoding="utf-8") == by_hand
    assert not (data / f"{LETTER}.bak").exists()


def test_save_without_version_is_refused(site):
    client, data, _ = site
    response = client.post(f"/edit/{LETTER}/save", data={"csrf": _csrf(client)})
    assert response.status_code == 403
    assert "版本" in unescape(response.text)


# --------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------


def test_download_pdf_and_docx_after_saving_a_figure(tmp_path):
    data = _data_dir(tmp_path, [SEED])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", workers=1))
    with TestClient(app, base_url=BASE) as client:
        html = client.get(f"/edit/{SEED}").text
        form = {"csrf": client.cookies.get("docgen_csrf"), "version": _version(html),
                field_name(("figures", "告知承诺办件")): "31415"}
        assert client.post(f"/edit/{SEED}/save", data=form, follow_redirects=False).status_code == 303
        pdf = client.get(f"/download/{SEED}/pdf")
        docx = client.get(f"/download/{SEED}/docx")
        bad = client.get(f"/download/{SEED}/exe")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''2022" in pdf.headers["content-disposition"]
    assert "31415" in _pdf_text(pdf.content, tmp_path)
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert "31415" in archive.read("word/document.xml").decode("utf-8")
    assert bad.status_code == 400
    assert not (tmp_path / "out").exists()  # downloads never write the output folder


def test_download_of_a_broken_document_names_the_error(tmp_path):
    data = _data_dir(tmp_path, [LETTER])
    text = (data / LETTER).read_text(encoding="utf-8").replace("专此函商", "专此函商{{ figures.没有 }}")
    (data / LETTER).write_text(text, encoding="utf-8")
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", workers=1))
    with TestClient(app, base_url=BASE) as client:
        response = client.get(f"/download/{LETTER}/pdf")
    assert response.status_code == 422
    body = unescape(response.text)
    assert "没有" in body and LETTER in body and ".docgen-draft" not in body


def test_download_all_zips_every_document(site):
    client, data, tmp = site
    response = client.get("/download-all.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
    titles = [load_document(data / n).document.meta.title for n in (SEED, LETTER)]
    for title in titles:
        assert f"{title}.docx" in names and f"{title}.pdf" in names


# --------------------------------------------------------------------------
# 下一年 and templates
# --------------------------------------------------------------------------


def test_next_year_creates_the_file_and_opens_it(tmp_path):
    data = _data_dir(tmp_path, [SEED])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        csrf = _csrf(client)
        response = client.post(f"/edit/{SEED}/next-year", data={"csrf": csrf}, follow_redirects=False)
        assert response.status_code == 303
        target = data / "2023-如东县法治政府建设情况报告.yaml"
        assert target.exists() and "year: 2023" in target.read_text(encoding="utf-8")
        assert "edit/2023" in unescape(response.headers["location"]) or "/edit/" in response.headers["location"]
        again = client.post(f"/edit/{SEED}/next-year", data={"csrf": csrf})
    assert again.status_code == 422 and "已经存在" in unescape(again.text)


def test_templates_list_download_and_upload_with_report(tmp_path):
    data = _data_dir(tmp_path, [LETTER])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    report = (ROOT / "templates" / "report.docx").read_bytes()
    with TestClient(app, base_url=BASE) as client:
        page = client.get("/templates")
        assert page.status_code == 200 and "report" in page.text and "letter" in page.text
        assert client.get("/templates/report.docx").content == report
        assert client.get("/templates/无此模板.docx").status_code == 400
        csrf = _csrf(client)
        good = client.post("/templates/upload", data={"csrf": csrf},
                           files={"file": ("我的报告.docx", report)})
        assert good.status_code == 200, good.text
        assert "模板可以使用" in unescape(good.text)
        assert (tmp_path / "templates" / "我的报告.docx").read_bytes() == report
        same = client.post("/templates/upload", data={"csrf": csrf},
                           files={"file": ("report.docx", report)})
        assert same.status_code == 400 and "已有名为" in unescape(same.text)


def _broken_template(tmp_path: Path) -> bytes:
    """The shipped report template with one tag left open."""
    source = ROOT / "templates" / "report.docx"
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item)
            if item.filename == "word/document.xml":
                content = content.replace(b"{{ meta.title }}", b"{{ meta.title ", 1)
                if b"{{ meta.title " not in content:
                    content = content.replace(b"{{", b"{{ {{", 1)
            zout.writestr(item, content)
    return out.getvalue()


def test_broken_template_upload_gets_a_chinese_report_and_is_not_saved(tmp_path):
    data = _data_dir(tmp_path, [LETTER])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        csrf = _csrf(client)
        broken = client.post("/templates/upload", data={"csrf": csrf},
                             files={"file": ("坏模板.docx", _broken_template(tmp_path))})
        not_zip = client.post("/templates/upload", data={"csrf": csrf},
                              files={"file": ("假模板.docx", b"not a zip at all")})
    assert broken.status_code == 422
    text = unescape(broken.text)
    assert "模板未通过检查" in text and "修改" in text
    assert not (tmp_path / "templates" / "坏模板.docx").exists()
    assert not_zip.status_code == 400 and "不是有效的 .docx" in unescape(not_zip.text)


# --------------------------------------------------------------------------
# Uploads of tables and seals
# --------------------------------------------------------------------------


def _png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_upload_png_csv_xlsx_into_the_data_folder(tmp_path):
    import openpyxl

    data = _data_dir(tmp_path, [LETTER])
    book = openpyxl.Workbook()
    book.active["A1"] = 5
    xlsx = io.BytesIO()
    book.save(xlsx)
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        csrf = _csrf(client)
        for name, content in (("新印章.png", _png_bytes()), ("数字.csv", "名称,数值\n甲,5\n".encode()),
                              ("数字.xlsx", xlsx.getvalue())):
            response = client.post("/files/upload", data={"csrf": csrf},
                                   files={"file": (name, content)}, follow_redirects=False)
            assert response.status_code == 303, response.text
            assert (data / name).read_bytes() == content
        again = client.post("/files/upload", data={"csrf": csrf},
                            files={"file": ("新印章.png", _png_bytes())})
    assert again.status_code == 400 and "未覆盖" in unescape(again.text)


@pytest.mark.parametrize(("name", "content", "message"), [
    ("病毒.exe", b"MZ....", "不接受这种文件"),
    ("数据.yaml", b"meta: {}", "不接受这种文件"),
    ("假图片.png", b"this is text, not a PNG", "不是 PNG 图片"),
    ("假表格.xlsx", b"PK\x03\x04 broken", "不是有效的 .xlsx"),
    ("空.csv", b"", "文件是空的"),
    ("二进制.csv", b"a,b\x00\x01", "不是文本格式"),
    ("../逃出去.png", _png_bytes(), None),
])
def test_wrong_type_uploads_are_refused(tmp_path, name, content, message):
    data = _data_dir(tmp_path, [LETTER])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        response = client.post("/files/upload", data={"csrf": _csrf(client)},
                               files={"file": (name, content)}, follow_redirects=False)
    if message is None:  # a folder part in the name is dropped: the file lands inside the folder
        assert response.status_code == 303
        assert (data / "逃出去.png").exists() and not (tmp_path / "逃出去.png").exists()
        return
    assert response.status_code == 400
    assert message in unescape(response.text)
    assert sorted(p.name for p in data.iterdir()) == sorted([LETTER, "印章.png", "印章-应急管理局.png"])


def test_oversized_upload_is_refused(tmp_path):
    from docgen.web.uploads import MAX_UPLOAD_BYTES

    data = _data_dir(tmp_path, [LETTER])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    big = _png_bytes() + b"\0" * (MAX_UPLOAD_BYTES + 10)
    with TestClient(app, base_url=BASE) as client:
        response = client.post("/files/upload", data={"csrf": _csrf(client)},
                               files={"file": ("大.png", big)})
    assert response.status_code == 400
    assert "太大" in unescape(response.text)
    assert not (data / "大.png").exists()


# --------------------------------------------------------------------------
# Refusals: CSRF, token, paths
# --------------------------------------------------------------------------


def _post_routes() -> list[str]:
    paths = []
    for route in ROUTES:
        if isinstance(route, Route) and "POST" in (route.methods or ()):
            paths.append(route.path.replace("{name}", LETTER))
    return paths


def test_every_post_route_checks_csrf(site):
    client, data, _ = site
    before = sorted(p.name for p in data.iterdir())
    posts = _post_routes()
    assert len(posts) >= 9
    for path in posts:
        missing = client.post(path, data={"x": "1"})
        assert missing.status_code == 403, path
        assert "安全校验码" in unescape(missing.text), path
        forged = client.post(path, data={"csrf": "abc.def"})
        assert forged.status_code == 403, path
    # a real token from another site's page: refused by Origin
    cross = client.post(f"/edit/{LETTER}/save", data={"csrf": _csrf(client)},
                        headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "其他网站" in unescape(cross.text)
    assert sorted(p.name for p in data.iterdir()) == before


def test_token_is_required_off_loopback(tmp_path):
    data = _data_dir(tmp_path, [LETTER])
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", token="s3cret-9x", warm=False))
    with TestClient(app, base_url="http://192.0.2.10:8765") as client:
        assert client.get("/", headers={"accept": "text/html"},
                          follow_redirects=False).headers["location"] == "/login"
        assert client.get(f"/edit/{LETTER}").status_code == 401
        assert client.get("/static/htmx.min.js").status_code == 200
        csrf = client.get("/login").cookies.get("docgen_csrf") or client.cookies.get("docgen_csrf")
        wrong = client.post("/login", data={"csrf": csrf, "token": "guess"})
        assert wrong.status_code == 403 and "口令不正确" in unescape(wrong.text)
        assert client.get("/").status_code == 401
        right = client.post("/login", data={"csrf": csrf, "token": "s3cret-9x"}, follow_redirects=False)
        assert right.status_code == 303
        assert client.get("/").status_code == 200
    with TestClient(app, base_url="http://192.0.2.10:8765") as other:
        assert other.get("/", headers={"authorization": "Bearer s3cret-9x"}).status_code == 200
        assert other.get("/", headers={"authorization": "Bearer nope"}).status_code == 401


def test_serve_refuses_to_start_off_loopback_without_token(tmp_path, capsys, monkeypatch):
    from docgen.cli import main

    monkeypatch.delenv("DOCGEN_SERVE_TOKEN", raising=False)
    code = main(["serve", "--host", "0.0.0.0", "--data", str(ROOT / "data"), "--no-browser"])
    err = capsys.readouterr().err
    assert code == 1
    assert "没有设定访问口令" in err and "--token" in err
    code = main(["serve", "--data", str(tmp_path / "无此文件夹"), "--no-browser"])
    assert code == 1 and "数据文件夹不存在" in capsys.readouterr().err


def test_unknown_host_header_is_refused(site):
    client, _, _ = site
    response = client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", [
    "/edit/..%2F..%2Fetc%2Fpasswd",
    "/edit/%2e%2e%2fsecret.yaml",
    "/edit/..%5Csecret.yaml",
    "/edit/.hidden.yaml",
    "/edit/%2Fetc%2Fpasswd",
    "/edit/secret.txt",
    "/preview/..%2Fsecret.yaml",
    "/download/..%2Fsecret.yaml/pdf",
    "/download/%2E%2E%2Fsecret.yaml/docx",
    "/edit/link.yaml",
    "/edit/%00.yaml",
])
def test_no_path_outside_the_data_folder(site, url):
    client, data, tmp = site
    secret = tmp / "secret.yaml"
    secret.write_text("meta: {title: 机密}\n", encoding="utf-8")
    link = data / "link.yaml"
    if not link.exists():
        link.symlink_to(secret)
    response = client.get(url)
    assert response.status_code in (400, 404), url
    assert "机密" not in response.text
    assert "数据文件夹" in unescape(response.text) or "文件名" in unescape(response.text)


def test_symlink_is_not_listed(site):
    client, data, tmp = site
    link = data / "link.yaml"
    if not link.exists():
        (tmp / "secret.yaml").write_text("meta: {title: 机密}\n", encoding="utf-8")
        link.symlink_to(tmp / "secret.yaml")
    assert "link.yaml" not in client.get("/").text


def test_pages_use_no_outside_assets_and_send_security_headers(site):
    client, _, _ = site
    page = client.get(f"/edit/{LETTER}")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith(("/", "#")) for s in sources), sources
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    js = client.get("/static/htmx.min.js")
    assert js.status_code == 200 and b"htmx" in js.content[:2000]


def test_import_page_turns_a_docx_into_a_data_file(site, tmp_path):
    client, data, _ = site
    if "导入" not in client.get("/").text:
        pytest.skip("docgen.importer is not in this installation")
    built = client.get(f"/download/{LETTER}/docx").content
    response = client.post("/import", data={"csrf": _csrf(client)},
                           files={"file": ("导入的函.docx", built)})
    assert response.status_code == 200, response.text
    target = data / "导入的函.yaml"
    assert target.exists()
    assert "东政办函〔2023〕5号" in target.read_text(encoding="utf-8")
    assert "导入完成" in unescape(response.text)


def _headings(path: Path) -> list[tuple[str, str]]:
    document = load_document(path).document
    return [(b.number, b.heading) for b in number_blocks(document.body, document.numbering)
            if b.kind in ("heading", "run_in")]


def test_add_and_delete_items_renumber_the_outline(tmp_path):
    import json

    data = _data_dir(tmp_path, [SEED])
    before = _headings(data / SEED)
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    run_in = ["body", 1, "body", 0, "body", 0]  # 1. 深入推进“放管服”改革。
    with TestClient(app, base_url=BASE) as client:
        html = client.get(f"/edit/{SEED}").text
        assert f"value='add:{json.dumps(run_in)}'" in html
        form = {"csrf": client.cookies.get("docgen_csrf"), "version": _version(html),
                "op": "add:" + json.dumps(run_in)}
        added = client.post(f"/edit/{SEED}/save", data=form, follow_redirects=False)
        assert added.status_code == 303
        after = _headings(data / SEED)
        assert len(after) == len(before) + 1
        assert after[3] == ("2.", "请填写标题。")          # the new run-in item, after 1.
        assert after[4] == ("3.", before[3][1])            # the old 2. is now 3.
        page = client.get(added.headers["location"]).text
        assert "已添加一项并保存" in unescape(page)
        shown = re.findall(r'<span class="num" id="num-[^"]+">([^<]*)</span>', page)
        assert shown == [number for number, _ in after]
        form = {"csrf": client.cookies.get("docgen_csrf"), "version": _version(page),
                "op": "delete:" + json.dumps(["body", 1, "body", 0, "body", 1])}
        assert client.post(f"/edit/{SEED}/save", data=form, follow_redirects=False).status_code == 303
    assert _headings(data / SEED) == before
    assert (data / SEED).read_text(encoding="utf-8").count("#") == (ROOT / "data" / SEED).read_text(
        encoding="utf-8").count("#")


def test_the_only_item_of_a_part_cannot_be_deleted(tmp_path):
    import json

    data = _data_dir(tmp_path, [])
    (data / "小.yaml").write_text(
        "meta:\n  title: 测试\n  issuer: 某县人民政府\n  year: 2023\n  date: 2023-01-05\n"
        "body:\n  - heading: 一项\n    body:\n      - 唯一的段落。\n", encoding="utf-8")
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        html = client.get("/edit/小.yaml").text
        form = {"csrf": client.cookies.get("docgen_csrf"), "version": _version(html),
                "op": "delete:" + json.dumps(["body", 0, "body", 0])}
        response = client.post("/edit/小.yaml/save", data=form)
        bad = client.post("/edit/小.yaml/save", data={**form, "op": "delete:[\"meta\", 0]"})
    assert response.status_code == 422 and "唯一的一项" in unescape(response.text)
    assert bad.status_code == 422 and "无法识别的操作" in unescape(bad.text)
    assert "唯一的段落" in (data / "小.yaml").read_text(encoding="utf-8")


class _Form(__import__("html.parser").parser.HTMLParser):
    """The fields a browser would submit for the page's #editor form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "editor":
            self._in_form = True
        if not self._in_form or "name" not in a and tag != "option":
            return
        if tag == "input":
            self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "data").glob("*.yaml")))
def test_saving_the_whole_unchanged_form_keeps_every_byte(tmp_path, name):
    data = _data_dir(tmp_path, [name])
    before = (data / name).read_bytes()
    app = create_app(Config(data_dir=data, out_dir=tmp_path / "out", warm=False))
    with TestClient(app, base_url=BASE) as client:
        html = client.get(f"/edit/{name}").text
        parser = _Form()
        parser.feed(html)
        form = dict(parser.fields)
        assert len(form) == len(parser.fields) > 5
        response = client.post(f"/edit/{name}/save", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert (data / name).read_bytes() == before


def test_meta_shows_the_elements_the_template_prints(site):
    client, data, _ = site
    html = unescape(_edit(client, LETTER))
    for label in ("发文字号", "主送机关", "抄送机关", "印章图片", "印发机关", "附件"):
        assert f">{label}</label>" in html, label
    # a list element written as one text (issuer_mark: 某机关) is edited as that text
    assert f'name="{field_name(("meta", "issuer_mark"))}" value="如东县人民政府办公室"' in html


def test_serve_refuses_a_taken_port_in_chinese(capsys):
    import socket

    from docgen.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["serve", "--data", str(ROOT / "data"), "--port", str(port), "--no-browser"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"端口 {port}" in err and "--port" in err
