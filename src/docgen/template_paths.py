"""Where templates are found: the user's folders first, then the ones shipped in the package.

Lookup order (first match of a name wins):

1. ``./templates`` (the current folder);
2. ``templates/`` next to the data file's folder (``data/x.yaml`` → ``templates/``);
3. the folders in ``DOCGEN_TEMPLATES`` (separated by ``os.pathsep``);
4. the folders under ``templates`` in a config file — ``./docgen.toml``, else
   ``$XDG_CONFIG_HOME/docgen/config.toml`` (``~/.config/docgen/config.toml``);
   relative folders are relative to the config file (TOML, so that a folder of
   .yaml data files never mistakes it for data);
5. the templates shipped inside the package (``importlib.resources``:
   ``docgen/templates``, which in a checkout is a link to the repository's
   ``templates/`` folder, so there is one copy).

A name is a file's stem and may be Chinese (``通报`` for ``通报.docx``).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from docgen.errors import DataError, Location

ENV_VAR = "DOCGEN_TEMPLATES"
CONFIG_NAME = "docgen.toml"


def shipped_dir() -> Path:
    """The folder of the templates that ship with docgen."""
    return Path(str(resources.files("docgen") / "templates"))


def config_files() -> list[Path]:
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return [Path.cwd() / CONFIG_NAME, Path(xdg) / "docgen" / "config.toml"]


def config_dirs() -> list[Path]:
    """Template folders named by the first config file that exists."""
    for file in config_files():
        if not file.is_file():
            continue
        import tomllib  # noqa: PLC0415 - only when there is a config file (most runs: none)

        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise DataError(f"配置文件无法读取（{exc}）。", location=Location(file=str(file)),
                            fix='配置文件是 TOML，例如一行 templates = "D:/公文模板"') from exc
        value = data.get("templates") if isinstance(data, dict) else None
        if value is None:
            return []
        folders = [value] if isinstance(value, str) else value
        if not isinstance(folders, list) or not all(isinstance(f, str) for f in folders):
            raise DataError("配置文件中的 templates 应是一个文件夹或文件夹列表。",
                            location=Location(file=str(file), path="templates"),
                            fix='写成 templates = "D:/公文模板" 或 templates = ["模板", "D:/公文模板"]')
        return [(file.parent / f).resolve() if not Path(f).is_absolute() else Path(f)
                for f in folders]
    return []


def env_dirs() -> list[Path]:
    value = os.environ.get(ENV_VAR, "")
    return [Path(p) for p in value.split(os.pathsep) if p]


def template_dirs(data_path: Path | None = None) -> list[Path]:
    """Where template names are looked up, first match wins (see the module doc)."""
    dirs = [Path.cwd() / "templates"]
    if data_path is not None:
        dirs.append(Path(data_path).resolve().parent.parent / "templates")
    dirs += env_dirs()
    dirs += config_dirs()
    dirs.append(shipped_dir())
    unique: list[Path] = []
    for d in dirs:
        key = d.resolve() if d.exists() else d
        if key not in [u.resolve() if u.exists() else u for u in unique]:
            unique.append(d)
    return unique


def available_templates(data_path: Path | None = None) -> dict[str, Path]:
    """Every template name found, in lookup order, with its file."""
    found: dict[str, Path] = {}
    for d in template_dirs(data_path):
        if d.is_dir():
            for f in sorted(d.glob("*.docx")):
                if not f.name.startswith(("~$", ".")):
                    found.setdefault(f.stem, f)
    return found


def is_shipped(path: Path) -> bool:
    try:
        return path.resolve().parent == shipped_dir().resolve()
    except OSError:
        return False
