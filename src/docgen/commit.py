"""Replace several output files (a .docx and its .pdf) all together, even across a kill.

POSIX renames one file at a time, so the protocol keeps a small journal in
the output folder, named after one commit's random id:

1. ``.docgen-<id>.lock`` is created (under a temporary name, locked with
   ``flock``, then renamed into place) and stays locked while the commit runs;
2. every new file is written to ``.docgen-<id>.<n>.new`` and fsynced;
3. every existing target is hard-linked to ``.docgen-<id>.<n>.old``;
4. the manifest ``.docgen-<id>.commit`` (JSON: target, new, old names) is
   written to a temporary name, fsynced and renamed into place — from here
   on the commit is decided;
5. each ``.new`` is renamed over its target;
6. the manifest, the backups and the lock are removed.

SIGINT and SIGTERM are blocked from step 4 to the end of step 6 (a few
milliseconds), so Ctrl+C or a polite kill lands before the decision (old
pair kept) or after the end (new pair).  An error raised in this process
during step 5 (a refused rename) restores the old files from the backups.
SIGKILL or a power cut can stop anywhere: :func:`recover`, run by the next
build into that folder, finds every journal whose lock is free (its process
is gone) and finishes it — rolls forward when the manifest exists (every
``.new`` was complete before it was written), otherwise deletes that
commit's files — so the folder again holds one whole pair and no stray
file.  A commit that is still running (its lock is held) is left alone.

For tests, ``DOCGEN_COMMIT_FAULT=<step>:<SIGNAL>`` (steps ``lock``,
``new-<n>``, ``old-<n>``, ``manifest``, ``rename-<n>``, ``cleanup``) makes the
process send itself that signal at that step.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import signal
import threading
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from docgen.errors import Location, RenderError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, recovery skips nothing
    fcntl = None  # type: ignore[assignment]

__all__ = ["PREFIX", "commit_files", "recover"]

PREFIX = ".docgen-"
_JOURNAL = re.compile(r"^\.docgen-([0-9a-f]{16})\.")
FAULT_ENV = "DOCGEN_COMMIT_FAULT"


@lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fault(step: str) -> None:
    """The test hook: ``DOCGEN_COMMIT_FAULT=rename-1:KILL`` kills this process at that step."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    where, _, name = spec.partition(":")
    if where == step:
        os.kill(os.getpid(), getattr(signal, f"SIG{name or 'KILL'}"))


_REASONS = {errno.ENOTDIR: "路径中有一段是文件而不是文件夹", errno.EACCES: "没有写入权限",
            errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满", errno.EROFS: "磁盘是只读的",
            errno.ENOENT: "文件夹不存在", errno.EISDIR: "同名的是一个文件夹", errno.EDQUOT: "磁盘配额已用完",
            errno.ENAMETOOLONG: "文件名过长", errno.EBUSY: "文件正被占用"}


def os_reason(exc: OSError) -> str:
    """The operating system's refusal in Chinese (the English text when it is not a common one)."""
    return _REASONS.get(exc.errno or -1) or exc.strerror or type(exc).__name__


def write_error(path: Path, exc: OSError) -> RenderError:
    reason = os_reason(exc)
    return RenderError(
        f"无法写入文件（{reason}），原有文件未改动",
        location=Location(file=str(path)),
        fix="检查输出文件夹是否存在、是否有写入权限、磁盘是否已满，以及该文件是否正被 Word/WPS 打开",
    )


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
        os.fchmod(fd, 0o666 & ~_umask())
    except BaseException:
        os.close(fd)
        _remove(path)
        raise
    os.close(fd)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (they are delivered then)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover
        yield
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _lock(folder: Path, commit_id: str) -> int:
    """Create and lock ``.docgen-<id>.lock`` (locked before it can be seen under that name)."""
    temp = folder / f"{PREFIX}{commit_id}.locking"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(temp, folder / f"{PREFIX}{commit_id}.lock")
    except BaseException:
        os.close(fd)
        _remove(temp)
        raise
    return fd


def commit_files(files: Mapping[Path, bytes]) -> None:
    """Write *files* (all in one folder) so that all of them change, or none.

    Operating-system refusals become :class:`RenderError`; KeyboardInterrupt
    raised before the decision leaves every target as it was.
    """
    items = [(Path(p), data) for p, data in files.items()]
    if not items:
        return
    folders = {p.parent.resolve() for p, _ in items}
    if len(folders) != 1:
        raise ValueError("commit_files: all outputs of one commit must be in one folder")
    if len({p.resolve() for p, _ in items}) != len(items):
        raise ValueError("commit_files: two outputs have the same path")
    folder = items[0][0].parent
    commit_id = secrets.token_hex(8)
    base = f"{PREFIX}{commit_id}"
    news = [folder / f"{base}.{n}.new" for n in range(len(items))]
    olds = [folder / f"{base}.{n}.old" for n in range(len(items))]
    manifest = folder / f"{base}.commit"
    current = items[0][0]
    try:
        lock_fd = _lock(folder, commit_id)
    except OSError as exc:
        raise write_error(current, exc) from exc
    decided = finished = False
    replaced: list[int] = []
    try:
        _fault("lock")
        for n, (path, data) in enumerate(items):
            current = path
            _write_file(news[n], data)
            _fault(f"new-{n}")
        for n, (path, _) in enumerate(items):
            current = path
            if os.path.lexists(path):
                if not path.is_file() or path.is_symlink():
                    raise IsADirectoryError(21, "目标不是普通文件", str(path))
                try:
                    os.link(path, olds[n])
                except OSError:  # no hard links here (FAT, some network shares): a copy
                    _write_file(olds[n], path.read_bytes())
            _fault(f"old-{n}")
        record = {"targets": [[p.name, news[n].name, olds[n].name] for n, (p, _) in enumerate(items)]}
        with _signals_deferred():
            _write_file(folder / f"{base}.commit.tmp", json.dumps(record).encode("utf-8"))
            os.replace(folder / f"{base}.commit.tmp", manifest)
            fsync_dir(folder)
            decided = True
            _fault("manifest")
            for n, (path, _) in enumerate(items):
                current = path
                os.replace(news[n], path)
                replaced.append(n)
                _fault(f"rename-{n}")
            fsync_dir(folder)
            _fault("cleanup")
            _remove(manifest)
            for old in olds:
                _remove(old)
            _remove(folder / f"{base}.lock")
            fsync_dir(folder)
            finished = True
    except BaseException as exc:
        if finished:  # a signal held during the commit, delivered as the block ends: all done
            raise
        if decided:  # an error of this process mid-rename: put the old files back
            for n in reversed(replaced):
                path = items[n][0]
                with contextlib.suppress(OSError):
                    if olds[n].exists():
                        os.replace(olds[n], path)
                    else:
                        os.unlink(path)
        for path in [*news, *olds, folder / f"{base}.commit.tmp", manifest, folder / f"{base}.lock"]:
            _remove(path)
        if isinstance(exc, OSError):
            raise write_error(current, exc) from exc
        raise
    finally:
        os.close(lock_fd)


def _lock_is_free(path: Path) -> bool:
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)  # closing releases the probe's lock
    return True


_recover_lock = threading.Lock()


def recover(folder: Path) -> list[str]:
    """Finish or undo the commits a killed build left in *folder*; return the names removed or renamed.

    Journals whose lock is held by a running commit are left alone.  Stray
    temporary files of the first protocol (``.docgen-*.tmp``, ``.bak``) are
    removed too.
    """
    folder = Path(folder)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    touched: list[str] = []
    with _recover_lock:
        ids: dict[str, list[str]] = {}
        for name in names:
            match = _JOURNAL.match(name)
            if match:
                ids.setdefault(match[1], []).append(name)
            elif name.startswith(PREFIX) and name.endswith((".tmp", ".bak")):
                _remove(folder / name)
                touched.append(name)
        for commit_id, members in ids.items():
            base = f"{PREFIX}{commit_id}"
            lock = folder / f"{base}.lock"
            if f"{base}.locking" in members:
                if not _lock_is_free(folder / f"{base}.locking"):
                    continue
            elif lock.name in members and not _lock_is_free(lock):
                continue
            manifest = folder / f"{base}.commit"
            if manifest.name in members:
                try:
                    record = json.loads(manifest.read_text(encoding="utf-8"))
                    targets = record["targets"]
                except (OSError, ValueError, KeyError, TypeError):
                    targets = []
                for target, new, _old in targets:
                    if os.path.exists(folder / new) and "/" not in target and "/" not in new:
                        with contextlib.suppress(OSError):
                            os.replace(folder / new, folder / target)
                            touched.append(target)
            for name in sorted(members, key=lambda n: (n.endswith(".lock"), n)):
                _remove(folder / name)
                touched.append(name)
        if touched:
            fsync_dir(folder)
    return touched
