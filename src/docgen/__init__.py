"""docgen: yearly YAML data → GB/T 9704-2012 official documents (.docx and PDF/A).

The Python API (documented in docs/api.md)::

    from docgen import build, build_many

    result = build("data/2022-报告.yaml", out_dir="output")        # one file → BuildResult
    items = build_many(["data/"], jobs=4, out_dir="output")         # many → list[BatchItem]

Everything is imported lazily, on first use, so ``import docgen`` (done by the
command line for every subcommand) stays cheap.

``docgen.build`` is the *function*, although ``docgen/build.py`` is also a
module: the package's class below makes the attribute always resolve to the
function, even after the import system stores the submodule on the package
(the module stays importable as ``from docgen.build import ...``).
"""

from __future__ import annotations

import importlib
import sys
import types

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~20 ms of start-up

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from docgen.batch import BatchItem, build_many
    from docgen.build import BuildResult, build
    from docgen.errors import DocgenError, DocgenWarning, Location

__all__ = ["BatchItem", "BuildResult", "DocgenError", "DocgenWarning", "Location", "build",
           "build_many"]

_LAZY = {
    "build_many": "docgen.batch",
    "BatchItem": "docgen.batch",
    "BuildResult": "docgen.build",
    "DocgenError": "docgen.errors",
    "DocgenWarning": "docgen.errors",
    "Location": "docgen.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'docgen' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The docgen package: ``build`` is the function ``docgen.build.build``."""

    @property
    def build(self):  # noqa: D401 - a data descriptor wins over the submodule attribute
        return importlib.import_module("docgen.build").build

    @build.setter
    def build(self, _value) -> None:
        """The import system sets the submodule here after importing it; keep the function."""


sys.modules[__name__].__class__ = _Package
