"""Errors and warnings that docgen reports to users.

Every error carries *where* (file, line, column, YAML path or template
paragraph) and *what to do* (``fix``), in Chinese, so the command line can
print one clear message instead of a traceback.  Warnings are plain values
returned by the stages; the CLI prints them and ``--strict`` turns them into
errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a user's file. ``line`` and ``column`` are 1-based; None = unknown."""

    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None  # YAML path such as ``body[0].items[2].title``

    def describe(self) -> str:
        parts: list[str] = []
        if self.file:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.path:
            parts.append(f"（{self.path}）")
        return " ".join(parts)


class DocgenError(Exception):
    """Base class of every error docgen reports to a user."""

    kind = "错误"

    def __init__(self, message: str, *, location: Location | None = None, fix: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location or Location()
        self.fix = fix

    def describe(self) -> str:
        """The full Chinese message: place, problem, fix."""
        where = self.location.describe()
        text = f"{where}：{self.message}" if where else self.message
        if self.fix:
            text += f"\n  修改方法：{self.fix}"
        return text

    def __str__(self) -> str:  # pragma: no cover - exercised via describe()
        return self.describe()


class DataError(DocgenError):
    """The YAML data (or a spreadsheet it names) is missing, malformed or inconsistent."""

    kind = "数据错误"


class DataErrors(DataError):
    """Several data problems found at once (validation reports all of them)."""

    def __init__(self, errors: list[DataError]):
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.message, location=first.location, fix=first.fix)

    def describe(self) -> str:
        head = f"数据文件共有 {len(self.errors)} 处问题：" if len(self.errors) > 1 else ""
        body = "\n".join(e.describe() for e in self.errors)
        return f"{head}\n{body}" if head else body


class TemplateError(DocgenError):
    """A .docx template is missing, unreadable, or one of its tags fails."""

    kind = "模板错误"


class RenderError(DocgenError):
    """Producing an output file (docx or PDF) failed."""

    kind = "生成错误"


class UnsafeInputError(DocgenError):
    """An input file is hostile or exceeds docgen's resource limits."""

    kind = "输入文件不安全"


class InternalError(DocgenError):
    """A docgen defect met while handling a file (not the input's fault); the API's last resort."""

    kind = "内部错误"

    @classmethod
    def wrap(cls, exc: BaseException, file: str | Path | None) -> InternalError:
        if isinstance(exc, MemoryError):
            return cls("处理该文件时内存不足，已停止，没有写入任何文件", location=Location(file=str(file)),
                       fix="检查数据、模板和它们引用的表格、图片是否异常庞大；必要时拆分后分别生成")
        return cls(f"处理该文件时出现程序内部错误（{type(exc).__name__}），没有写入任何文件",
                   location=Location(file=None if file is None else str(file)),
                   fix="这是 docgen 的问题，不是您的数据的问题：设置环境变量 DOCGEN_DEBUG=1 重新生成该文件，"
                       "并把输出发给维护人员")


@dataclass(frozen=True)
class DocgenWarning:
    """Something docgen did not do exactly as asked, reported instead of hidden."""

    message: str
    location: Location = field(default_factory=Location)
    fix: str | None = None

    def describe(self) -> str:
        where = self.location.describe()
        text = f"警告：{where}：{self.message}" if where else f"警告：{self.message}"
        if self.fix:
            text += f"（{self.fix}）"
        return text


def file_location(path: str | Path, line: int | None = None, column: int | None = None,
                  yaml_path: str | None = None) -> Location:
    """Shorthand used by the stages to build a Location."""
    return Location(file=str(path), line=line, column=column, path=yaml_path)
