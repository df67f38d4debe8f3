"""What bookwright wrote into an output folder, so that `clean` removes only that.

The output folder may hold other people's files (a `dist/` shared with other tools, or
a folder an author chose by mistake). Every output a build puts in place is recorded in
`.bookwright-outputs.json` inside the folder; `clean` removes exactly the recorded
outputs, the hidden temporary files a killed build may have left beside them, and the
record itself. The folder is checked before a build writes anything: it must be
writable, and must not hold the book's own sources.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

RECORD = ".bookwright-outputs.json"


class OutputFolderError(Exception):
    """The output folder cannot be used; the message says why, for the author."""


def check_output_folder(out: Path, book_root: Path, sources: list[Path]) -> None:
    """Raises OutputFolderError unless `out` can be created and written without touching
    the book: it may sit inside the book folder (dist/), but hold none of its `sources`."""
    real = out.resolve()
    root = book_root.resolve()
    if real == root or root.is_relative_to(real):
        raise OutputFolderError(f"the output folder '{out}' holds the book itself; choose another with --out "
                                "(for example dist/)")
    for source in sources:
        if source.resolve().is_relative_to(real):
            raise OutputFolderError(f"the output folder '{out}' holds the book's own file "
                                    f"'{source.resolve().relative_to(root).as_posix()}'; choose another with --out")
    for parent in [real, *real.parents]:
        if parent.exists() and not parent.is_dir():
            raise OutputFolderError(f"cannot use '{out}' as the output folder: '{parent}' is a file")
        if parent.exists():
            break
    created = not real.exists()
    try:
        real.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".bookwright-probe.", dir=real)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputFolderError(f"cannot write into the output folder '{out}': {exc.strerror or exc}") from None
    if created:
        _update(real, created=True)


def _read(out: Path) -> dict:
    try:
        data = json.loads((out / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"outputs": [], "created": False}
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), list):
        return {"outputs": [], "created": False}
    return data


def _update(out: Path, name: str | None = None, created: bool = False) -> None:
    data = _read(out)
    names = [n for n in data["outputs"] if isinstance(n, str)]
    if name is not None and name not in names:
        names.append(name)
    record = {"written-by": "bookwright", "outputs": sorted(names), "created": bool(data.get("created")) or created}
    # Replaced whole, like every output: two builds at once leave one valid record.
    fd, temporary = tempfile.mkstemp(prefix=f"{RECORD}.", suffix=".part", dir=out)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, out / RECORD)


def record_output(final: Path) -> None:
    """Notes that `final` (a file or folder directly in the output folder) is bookwright's."""
    _update(final.parent, final.name)


def _is_plain_name(name) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..", RECORD)
            and "/" not in name and "\\" not in name and "\0" not in name)


def clean(out: Path) -> list[Path]:
    """Removes what bookwright recorded in `out`; returns what was removed."""
    if not (out / RECORD).is_file():
        return []
    data = _read(out)
    removed: list[Path] = []
    names = [n for n in data["outputs"] if _is_plain_name(n)]
    for name in names:
        target = out / name
        if target.is_symlink() or target.is_file():
            target.unlink()
            removed.append(target)
        elif target.is_dir():
            shutil.rmtree(target)
            removed.append(target)
    # Hidden leftovers of builds that were killed: `.<name>.<random>.part` (and .old, .raw),
    # and of the record itself.
    leftovers = [re.compile(r"^\." + re.escape(n) + r"\.[^/]*\.(part|old|raw)$") for n in names]
    leftovers.append(re.compile(r"^" + re.escape(RECORD) + r"\.[^/]*\.part$"))
    for entry in sorted(out.iterdir()):
        if any(pattern.match(entry.name) for pattern in leftovers):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
    (out / RECORD).unlink()
    removed.append(out / RECORD)
    if data.get("created") is True and not any(out.iterdir()):
        out.rmdir()
        removed.append(out)
    return removed
