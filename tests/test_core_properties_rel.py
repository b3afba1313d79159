"""A template whose core-properties relationship is written the way LibreOffice writes it.

LibreOffice 7.4 saves ``_rels/.rels`` with the "officedocument" form of the
core-properties relationship type.  python-docx did not recognise it and added
a second docProps/core.xml of its own ("Word Document", python-docx, the current
time): a duplicate zip entry and a .docx that changed from build to build.
"""

from __future__ import annotations

import shutil
import warnings
import zipfile
from pathlib import Path

from docgen.build import build

ROOT = Path(__file__).resolve().parents[1]
VARIANT = "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
STANDARD = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def _as_libreoffice_writes_it(src: Path, dst: Path) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "_rels/.rels":
                assert STANDARD.encode() in body
                body = body.replace(STANDARD.encode(), VARIANT.encode())
            zout.writestr(info, body)


def test_libreoffice_core_relationship_gives_one_core_part_and_stable_bytes(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "templates").mkdir(parents=True)
    data = work / "通知.yaml"
    shutil.copy(ROOT / "data" / "notice-示例.yaml", data)
    for extra in (ROOT / "data").glob("*.png"):
        shutil.copy(extra, work / extra.name)
    template = work / "templates" / "通知改.docx"
    _as_libreoffice_writes_it(ROOT / "templates" / "notice.docx", template)

    outputs = []
    for n in range(2):
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # zipfile's "Duplicate name"
            result = build(data, template=template, out_dir=tmp_path / f"out{n}", pdf=False)
        outputs.append(result.docx.read_bytes())
        with zipfile.ZipFile(result.docx) as z:
            names = z.namelist()
            assert len(names) == len(set(names))
            core = z.read("docProps/core.xml").decode("utf-8")
        assert "python-docx" not in core and "Word Document" not in core, core
    assert outputs[0] == outputs[1]
