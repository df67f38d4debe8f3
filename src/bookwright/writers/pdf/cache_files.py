"""Files the PDF editions keep for the next build (laid-out units, original fonts), written
whole or not at all: a build killed while writing one leaves no half-written file that a
later build could read as whole."""

from __future__ import annotations

import os
from pathlib import Path


def store(path: Path, data: bytes) -> None:
    """Writes `data` at `path` through a temporary file beside it, renamed over it.
    Raises OSError when it cannot (a full disk, a folder that cannot be written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
