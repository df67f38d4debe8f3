"""Writing outputs so that a failed or killed build never damages an earlier one."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(final: Path):
    """Yields a temporary path beside `final`; renames it into place only on success."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, final)
    finally:
        if temporary.exists():
            temporary.unlink()


@contextlib.contextmanager
def atomic_folder(final: Path):
    """Yields an empty temporary folder beside `final`; on success it takes `final`'s place.

    A folder cannot be renamed over a non-empty one, so the old folder is first renamed
    aside and removed only after the new one is in place: readers of `final` (a web
    server, a browser) see the old edition or the new one, never a half-written mix.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent))
    old = None
    try:
        yield temporary
        for folder, _, files in os.walk(temporary):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
        # Another build of the same book may put its folder in place between our two
        # renames; then that one is moved aside too, and ours goes in (the last one wins).
        for attempt in range(8):
            try:
                os.replace(final, old / str(attempt))
            except FileNotFoundError:
                pass
            try:
                os.replace(temporary, final)
                break
            except OSError as exc:
                if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or attempt == 7:
                    previous = old / "0"
                    if previous.exists() and not final.exists():
                        os.replace(previous, final)
                    raise
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
