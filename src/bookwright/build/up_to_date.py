"""The no-op rebuild: when nothing a build depends on changed since the last successful
build into the same output folder, and its outputs are still the files it wrote, the
build is skipped before WeasyPrint or ebooklib is even imported.

What the last build depended on is one hash (`inputs_key`): every file in the book folder
(the output folder left out), the theme, the modification times the build stamp may come
from (load/moment.py), the environment variables the build reads, the tool's own fingerprint,
the requested editions and the options that change what is written. The manifest records it with a hash of each
output and the problems the build reported, which a skipped build reports again.

A manifest is trusted only when it is whole: valid JSON of the expected shape, every
output present with the recorded hash. Anything else means "build".
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from bookwright.diagnostics import Diagnostic
from bookwright.build.fingerprint import digest, file_hash, folder_hashes, tool_fingerprint
from bookwright.paths import CACHE_FOLDER, theme_dir

MANIFEST = "manifest.json"
SCHEMA = 1
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "BOOKWRIGHT_ACE", "PUPPETEER_EXECUTABLE_PATH", "PATH")


@dataclass
class RecordedOutput:
    format: str
    path: Path
    size: int
    note: str


@dataclass
class Unchanged:
    outputs: list[RecordedOutput]
    diagnostics: list[Diagnostic]


def cache_folder(out: Path) -> Path:
    return out / CACHE_FOLDER


def inputs_key(root: Path, out: Path, formats: tuple[str, ...] | None, options: dict) -> str:
    root, out = root.resolve(), out.resolve()
    theme = theme_dir().resolve()
    book = folder_hashes(root, skip=(out,))
    stamps = {name: int((root / name).stat().st_mtime) for name in book
              if name == "book.toml" or name.lower().endswith(".md")}
    return digest({
        "schema": SCHEMA,
        "tool": tool_fingerprint(),
        "root": str(root),
        "out": str(out),
        "book": book,
        # A theme inside the book folder is already in "book".
        "theme": {} if _inside(theme, root) else folder_hashes(theme, skip=(out,)),
        "stamps": stamps,
        # The build stamp, and which checkers the EPUB's gate finds (accessibility.gate.find_tools):
        # installing Ace changes what the EPUB claims.
        "environment": {name: os.environ.get(name, "") for name in ENVIRONMENT},
        "formats": list(formats) if formats is not None else None,
        "options": options,
    })


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def output_hash(path: Path) -> str:
    if path.is_dir():
        return digest(folder_hashes(path))
    return file_hash(path)


def unchanged(out: Path, key: str) -> Unchanged | None:
    """The last build's outputs and problems, when it had this key and its outputs are intact."""
    try:
        recorded = json.loads((cache_folder(out) / MANIFEST).read_text(encoding="utf-8"))
        if recorded.get("schema") != SCHEMA or recorded.get("key") != key:
            return None
        outputs = []
        for entry in recorded["outputs"]:
            path = out / entry["path"]
            if not _inside(path, out) or not path.exists() or output_hash(path) != entry["hash"]:
                return None
            outputs.append(RecordedOutput(str(entry["format"]), path, int(entry["size"]), str(entry["note"])))
        diagnostics = [Diagnostic(str(d[0]), int(d[1]), int(d[2]), str(d[3]), str(d[4]), str(d[5]))
                       for d in recorded["diagnostics"]]
        if not outputs or any(d.severity == "error" for d in diagnostics):
            return None
        return Unchanged(outputs, diagnostics)
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # missing, partial or corrupt: build


def forget(out: Path) -> None:
    try:
        (cache_folder(out) / MANIFEST).unlink()
    except OSError:
        pass  # none, or no output folder yet (the build itself reports a bad one)


def record(out: Path, key: str, outputs, diagnostics) -> None:
    """Remembers a successful build (`outputs` are pipeline.Output); never one with errors."""
    if not outputs or any(d.severity == "error" for d in diagnostics):
        return
    from bookwright.build.atomic import atomic_path

    manifest = {
        "schema": SCHEMA,
        "key": key,
        "outputs": [{"format": o.format, "path": o.path.resolve().relative_to(out.resolve()).as_posix(),
                     "hash": output_hash(o.path), "size": o.size, "note": o.note} for o in outputs],
        "diagnostics": [[d.path, d.line, d.col, d.severity, d.message, d.hint] for d in diagnostics],
    }
    final = cache_folder(out) / MANIFEST
    with atomic_path(final) as temporary:
        temporary.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
