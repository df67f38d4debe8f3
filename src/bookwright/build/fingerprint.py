"""Content hashes of everything a build's result depends on, computed with the standard
library only: the no-op check (up_to_date.py) runs before any heavy module is imported.

The tool's own identity is its version, the hash of every file of the installed package
(source, scripts, an installed theme) and the versions of the installed packages, so
that editing bookwright or upgrading WeasyPrint is a change like any other.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path

import bookwright

PACKAGE = Path(bookwright.__file__).resolve().parent
# Folders no build reads: version control, editor and tool caches. The output folder is
# left out separately, wherever it is.
SKIPPED_FOLDERS = {"__pycache__", "node_modules"}
CHUNK = 1 << 20


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def folder_hashes(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every file under `root` (relative POSIX path → sha256), leaving out hidden folders,
    caches and the folders in `skip`. Symlinked folders are not followed."""
    root = root.resolve()
    skipped = {p.resolve() for p in skip}
    hashes: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS
                         and (here / d).resolve() not in skipped)
        for name in sorted(files):
            path = here / name
            if name.endswith((".pyc", ".part")) or not path.is_file():
                continue
            hashes[path.relative_to(root).as_posix()] = file_hash(path)
    return hashes


def digest(value) -> str:
    """A stable hash of a JSON-like value (dicts, lists, strings, numbers)."""
    return hashlib.sha256(repr(_canonical(value)).encode("utf-8")).hexdigest()


def _canonical(value):
    if isinstance(value, dict):
        return tuple(sorted((str(k), _canonical(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(v) for v in value)
    return value


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """bookwright's version, its own files and the installed packages' versions, as one hash."""
    return digest({"version": bookwright.__version__, "files": folder_hashes(PACKAGE), "packages": installed()})


def installed() -> list[str]:
    """The name and version of every installed distribution, from the names of their
    metadata folders (`weasyprint-70.0.dist-info`): importlib.metadata would cost more
    than the whole no-op check. More than bookwright's dependencies, which is only safe."""
    names = []
    for entry in sys.path:
        try:
            names.extend(n for n in os.listdir(entry or ".") if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)
