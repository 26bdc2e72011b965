"""Atomic edition folders: build in a staging folder inside reports/, swap into place when complete.

Staging and set-aside folders carry the month and the builder's process id in their
names, so a later run can tell a killed run's leftovers from a build still in progress.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

FAILED_FOLDER = ".failed"
_LEFTOVER = re.compile(r"^\.(tmp|old)-(\d{4}-\d{2})-(\d+)-[0-9a-f]+$")


def _unique_name(kind: str, month: str) -> str:
    return f".{kind}-{month}-{os.getpid()}-{secrets.token_hex(4)}"


def make_staging_folder(reports_root: Path, month: str) -> Path:
    reports_root.mkdir(parents=True, exist_ok=True)
    staging = reports_root / _unique_name("tmp", month)
    staging.mkdir()
    return staging


def move_into_place(staging: Path, final: Path) -> None:
    """Replace `final` by `staging`; if the second rename fails, the old edition is put back."""
    aside = None
    if final.exists():
        aside = final.with_name(_unique_name("old", final.name))
        final.rename(aside)
    try:
        staging.rename(final)
    except BaseException:
        if aside is not None and not final.exists():
            aside.rename(final)
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


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
