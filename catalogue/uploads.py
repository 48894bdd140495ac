"""Uploaded extract files on disk: the size limit, one folder per upload, and cleaning leftovers.

The import page writes an upload to ``<upload dir>/<pid>-<random>/<file>`` and the import job
removes that folder when it ends. A crash (or a killed server) leaves the folder behind; every
start of the app and of the CLIs removes folders whose process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from base.errors import InvalidInput
from base.i18n import N_

MB = 1024 * 1024
# A folder older than this is stale even if its process id has been reused since.
STALE_AFTER_S = 24 * 3600
_FOLDER = re.compile(r"^(\d+)-[A-Za-z0-9_]+$")
# About when this process started (this module is imported at start-up): a folder named after
# our own pid but older than that was left by an earlier process that had the same pid.
_PROCESS_STARTED = time.time()


def check_upload_size(*, size_bytes: int, max_mb: int, name: str) -> None:
    """Refuse an upload larger than ``ATLAS_MAX_UPLOAD_MB`` before any of it is read or written."""
    if size_bytes > max_mb * MB:
        raise InvalidInput(
            N_("{name}: the file has {size_bytes:.1f} MB; the largest accepted upload is {max_mb} MB (ATLAS_MAX_UPLOAD_MB). Cut a smaller extract, or import it with python -m catalogue import."), name=name, size_bytes=size_bytes / MB, max_mb=max_mb,
        )


def new_upload_folder(upload_dir: Path) -> Path:
    """A fresh folder for one upload, named after this process so a later start knows it is stale."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=upload_dir))


def _in_use(pid: int, mtime: float) -> bool:
    if pid == os.getpid():
        return mtime >= _PROCESS_STARTED - 1
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def clean_stale_uploads(upload_dir: Path, *, now: float | None = None) -> list[str]:
    """Remove what crashed imports left in ``upload_dir``; returns the names removed.

    Kept: folders of a running process (an import in progress in the app while the CLI starts)
    that are younger than a day. Removed: everything else – folders of dead processes, old ones,
    and files or folders of an older layout.
    """
    if not upload_dir.is_dir():
        return []
    now = time.time() if now is None else now
    removed: list[str] = []
    for entry in sorted(upload_dir.iterdir()):
        match = _FOLDER.match(entry.name)
        try:
            age = now - entry.lstat().st_mtime
        except FileNotFoundError:
            continue
        if match and entry.is_dir() and age < STALE_AFTER_S and _in_use(int(match.group(1)), now - age):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry.name)
    return removed
