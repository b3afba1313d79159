"""The LibreOffice engine never fetches what a hostile .docx links to (docgen.pdf.libreoffice).

A .docx whose picture is a link (``r:link`` → ``TargetMode="External"``) to a
web server on the loopback and to a local file, and whose settings attach a
remote template, is converted by the real LibreOffice: the server receives no
request, the PDF carries no picture, and the copy LibreOffice saw has no
external relationship left.  Fields that fetch content (INCLUDEPICTURE …)
are refused with a Chinese message.
"""

from __future__ import annotations

import http.server
import io
import threading
import zipfile
from pathlib import Path

import pytest

from docgen.errors import UnsafeInputError
from docgen.pdf import libreoffice

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "templates" / "report.docx"

needs_lo = pytest.mark.skipif(not libreoffice.available(), reason="LibreOffice not installed")

LINKED_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
    '<wp:extent cx="914400" cy="914400"/><wp:docPr id="901" name="linked"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="901" name="linked"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
    '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>'
)
IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
ATTACHED = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "PNG")
    return buffer.getvalue()


def hostile_docx(target: Path, urls: list[str], *, field: str | None = None) -> Path:
    with zipfile.ZipFile(REPORT) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                rels = "".join(f'<Relationship Id="rIdX{i}" Type="{IMAGE}" Target="{url}" TargetMode="External"/>'
                               for i, url in enumerate(urls))
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif info.filename == "word/document.xml":
                pictures = "".join(LINKED_PICTURE.format(rid=f"rIdX{i}") for i in range(len(urls)))
                if field:
                    pictures += (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>'
                                 f'{field}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
                data = data.replace(b"<w:sectPr", pictures.encode() + b"<w:sectPr", 1)
            elif info.filename == "word/_rels/settings.xml.rels":
                continue
            dst.writestr(info, data)
        dst.writestr("word/_rels/settings.xml.rels",
                     '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     f'<Relationship Id="rIdT" Type="{ATTACHED}" Target="{urls[0]}" TargetMode="External"/>'
                     '</Relationships>')
    return target


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []
    body = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(_Recorder.body)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def server():
    _Recorder.requests = []
    _Recorder.body = png_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_lo_copy_has_no_external_relationship(tmp_path: Path) -> None:
    source = hostile_docx(tmp_path / "in.docx", ["http://127.0.0.1:9/x.png", "file:///etc/hostname"])
    copy = tmp_path / "copy.docx"
    libreoffice.write_lo_copy(source, copy)
    with zipfile.ZipFile(copy) as archive:
        rels = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".rels"))
    assert b'TargetMode="External"' not in rels
    assert b"127.0.0.1:9" not in rels and b"/etc/hostname" not in rels


@needs_lo
def test_libreoffice_fetches_nothing(tmp_path: Path, server: str) -> None:
    local = tmp_path / "secret.png"
    local.write_bytes(png_bytes())
    source = hostile_docx(tmp_path / "in.docx", [f"{server}/seal.png", local.as_uri()])
    pdf = libreoffice.convert(source)
    assert pdf.startswith(b"%PDF")
    assert _Recorder.requests == [], "LibreOffice made an HTTP request"
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        images = [name for page in document.pages for name in page.get_images()]
    assert images == [], "a linked picture was embedded"


def test_fetching_field_is_refused(tmp_path: Path) -> None:
    source = hostile_docx(tmp_path / "in.docx", ["http://127.0.0.1:9/x.png"],
                          field=' INCLUDEPICTURE "http://127.0.0.1:9/y.png" \\d ')
    with pytest.raises(UnsafeInputError) as info:
        libreoffice.write_lo_copy(source, tmp_path / "copy.docx")
    assert "INCLUDEPICTURE" in info.value.message and info.value.fix


def test_network_isolation_is_used_where_available() -> None:
    prefix = libreoffice.network_isolation()
    if not prefix:
        pytest.skip("unshare -n is not allowed here; only the stripping protects (docs/security.md)")
    import subprocess

    done = subprocess.run([*prefix, "python3", "-c",
                           "import socket; s = socket.socket(); s.settimeout(2); s.connect(('127.0.0.1', 9))"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0  # no network at all inside, not even the loopback
