"""Atomic edition folders: build in a staging folder inside reports/, swap into place when complete.

The swap is one system call where Linux offers it (renameat2 with RENAME_EXCHANGE), so a kill at
any moment leaves either the old or the new edition in place. Elsewhere it is two renames, and
a kill between them leaves the old edition set aside, which the next run puts back. Staging and
set-aside folders carry the month and the builder's process id in their names, so a later run
can tell a killed run's leftovers from a build still in progress.
"""
from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
from pathlib import Path

FAILED_FOLDER = ".failed"
_LEFTOVER = re.compile(r"^\.(tmp|old)-(\d{4}-\d{2})-(\d+)-[0-9a-f]+$")
_PARTIAL_INDEX = re.compile(r"^\.index\.html\.(\d+)\.partial$")
KEPT_LOGS = 20  # traceback logs kept under .failed/


def _unique_name(kind: str, month: str) -> str:
    return f".{kind}-{month}-{os.getpid()}-{secrets.token_hex(4)}"


def make_staging_folder(reports_root: Path, month: str) -> Path:
    reports_root.mkdir(parents=True, exist_ok=True)
    staging = reports_root / _unique_name("tmp", month)
    staging.mkdir()
    return staging


AT_FDCWD = -100
RENAME_EXCHANGE = 2
SWAP_ATTEMPTS = 5  # a concurrent build of the same month can win the race a few times, not forever


def exchange(a: Path, b: Path) -> None:
    """Swap two existing folders in one step (Linux renameat2); OSError where that is not offered."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        raise OSError(errno.ENOSYS, "renameat2 is not available") from None
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


def _swap_by_two_renames(staging: Path, final: Path) -> None:
    """Set the old edition aside, then move the new one in; if that fails, put the old one back."""
    aside = final.with_name(_unique_name("old", final.name))
    final.rename(aside)
    try:
        staging.rename(final)
    except BaseException:
        if not final.exists():
            aside.rename(final)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def move_into_place(staging: Path, final: Path) -> None:
    """Replace `final` by `staging`. A build of the same month that finishes at the same moment
    may put its edition there first; then this one replaces it (the last build wins)."""
    for _ in range(SWAP_ATTEMPTS):
        try:
            if not final.exists():
                staging.rename(final)  # atomic; fails if another build created `final` meanwhile
                return
            try:
                exchange(staging, final)
            except OSError as error:
                if error.errno not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
                    raise
                _swap_by_two_renames(staging, final)
                return
            shutil.rmtree(staging, ignore_errors=True)  # it holds the old edition now
            return
        except OSError as error:
            if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                raise
    raise OSError(errno.EBUSY, "other builds of this month kept replacing it", str(final))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers(reports_root: Path) -> list[Path]:
    """Remove staging folders of dead runs; restore an edition a killed run had set aside."""
    cleaned = []
    if not reports_root.is_dir():
        return cleaned
    for path in sorted(reports_root.iterdir()):
        partial = _PARTIAL_INDEX.match(path.name)
        if partial and not _process_alive(int(partial.group(1))):
            path.unlink(missing_ok=True)
            continue
        match = _LEFTOVER.match(path.name)
        if not match or not path.is_dir() or _process_alive(int(match.group(3))):
            continue
        kind, month = match.group(1), match.group(2)
        final = reports_root / month
        if kind == "old" and not final.exists():
            path.rename(final)
        else:
            shutil.rmtree(path, ignore_errors=True)
        cleaned.append(path)
    return cleaned


def trim_logs(reports_root: Path) -> None:
    """Keep the newest KEPT_LOGS traceback logs."""
    logs = sorted((reports_root / FAILED_FOLDER).glob("traceback-*.log"))
    for old in logs[:-KEPT_LOGS]:
        old.unlink(missing_ok=True)


def failed_notebook_path(reports_root: Path, month: str) -> Path:
    return reports_root / FAILED_FOLDER / month / "briefing.ipynb"


def keep_failed_notebook(notebook: Path, reports_root: Path, month: str) -> Path | None:
    if not notebook.exists():
        return None
    target = failed_notebook_path(reports_root, month)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(notebook), target)
    return target


def forget_failed_notebook(reports_root: Path, month: str) -> None:
    shutil.rmtree(reports_root / FAILED_FOLDER / month, ignore_errors=True)
    try:
        (reports_root / FAILED_FOLDER).rmdir()
    except OSError:
        pass
