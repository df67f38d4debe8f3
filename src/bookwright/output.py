"""Writing outputs so that a failed or killed build never damages an earlier one."""

from __future__ import annotations

import contextlib
import os
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
