"""parse_chapter, remembered on disk per chapter content, so that a rebuild after an edit
parses only the chapters that changed.

The key is everything parse_chapter reads: the chapter's text, path, key, role, part and
front matter, the book's language, the book folder (problems are shown relative to it) and
the tool's fingerprint (its version, its files, its dependencies' versions). An entry holds
the chapter's HTML and the facts collected from it; lxml trees do not pickle, so the tree
is parsed back from the HTML, the same way parse/__init__.py made it from the sanitised HTML.

Entries are written atomically and carry a hash of their payload; an entry that is
truncated, corrupt or of another shape is ignored (and rewritten), never trusted. The
unpickler accepts only the model's own classes, so an entry cannot run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
from pathlib import Path

from lxml import html

from bookwright.diagnostics import Diagnostic, Diagnostics
from bookwright.build.fingerprint import digest, tool_fingerprint
from bookwright.model import ChapterSource, ParsedChapter
from bookwright.build.atomic import atomic_path
from bookwright.parse import parse_chapter
from bookwright.paths import CACHE_FOLDER

FORMAT = b"bookwright-parse-1\n"
TRUSTED_MODULES = {"bookwright.model", "bookwright.diagnostics"}
TRUSTED_PATHS = {"Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath"}


class _ModelUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module in TRUSTED_MODULES or (module.startswith("pathlib") and name in TRUSTED_PATHS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a parsed chapter")


def parse_inputs(chapter: ChapterSource, language: str, diags: Diagnostics) -> dict:
    """Everything parse_chapter's result depends on besides the tool itself: what a cached
    parse is keyed by, on disk here and in the live preview's memory."""
    return {
        "text": chapter.text,
        "path": str(chapter.path),
        "rel": str(getattr(chapter, "rel", "")),
        "chapter": chapter.key,
        "role": chapter.role,
        "part": chapter.part,
        "front_matter": repr(sorted(chapter.front_matter.items(), key=lambda item: str(item[0]))),
        "language": language,
        "root": str(diags.root),
    }


class DiskParseCache:
    """A drop-in for parse_chapter (pipeline.build's `parse`) backed by `folder`."""

    def __init__(self, folder: Path, parse=parse_chapter):
        self.folder = folder
        self.parse = parse
        self.hits = 0
        self.misses = 0
        self.used: set[str] = set()
        self.pending: dict[Path, bytes] = {}  # written by save(), once the output folder is known to be safe

    def key(self, chapter: ChapterSource, language: str, diags: Diagnostics) -> str:
        return digest({"tool": tool_fingerprint(), **parse_inputs(chapter, language, diags)})

    def __call__(self, chapter: ChapterSource, language: str, diags: Diagnostics) -> ParsedChapter:
        path = self.folder / f"{self.key(chapter, language, diags)}.pickle"
        self.used.add(path.name)
        entry = self._read(path)
        if entry is None:
            self.misses += 1
            own = Diagnostics(root=diags.root)
            parsed = self.parse(chapter, language, own)
            self._remember(path, parsed, own.items)
            diags.items.extend(own.items)
            return parsed
        self.hits += 1
        parsed, problems = entry
        diags.items.extend(problems)
        return dataclasses.replace(parsed, source=chapter)

    def parse_all(self, chapters: list[ChapterSource], language: str, diags: Diagnostics) -> list[ParsedChapter]:
        """Every chapter, as __call__ gives it one at a time; the misses of a long book are
        parsed by this process and forked workers together (build/parse_pool.py)."""
        from bookwright.build.parse_pool import parse_chapters

        paths = [self.folder / f"{self.key(chapter, language, diags)}.pickle" for chapter in chapters]
        self.used.update(path.name for path in paths)
        entries = [self._read(path) for path in paths]
        misses = [index for index, entry in enumerate(entries) if entry is None]
        self.hits += len(chapters) - len(misses)
        self.misses += len(misses)
        fresh = parse_chapters([chapters[i] for i in misses], language, diags.root, self.parse, pack, unpack)
        for index, (parsed, problems, payload) in zip(misses, fresh):
            if payload is None:
                self._remember(paths[index], parsed, problems)
            else:
                self.pending[paths[index]] = _entry(payload)
            entries[index] = parsed, problems
        out = []
        for chapter, (parsed, problems) in zip(chapters, entries):
            diags.items.extend(problems)
            out.append(parsed if parsed.source is chapter else dataclasses.replace(parsed, source=chapter))
        return out

    def prune(self) -> None:
        """Removes the entries this build did not use, so that edits do not pile them up."""
        if not self.used or not self.folder.is_dir():
            return
        for entry in self.folder.glob("*.pickle"):
            if entry.name not in self.used:
                entry.unlink(missing_ok=True)

    def _read(self, path: Path) -> tuple[ParsedChapter, list[Diagnostic]] | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            if not data.startswith(FORMAT):
                return None
            checksum, payload = data[len(FORMAT):len(FORMAT) + 64], data[len(FORMAT) + 64:]
            if hashlib.sha256(payload).hexdigest().encode() != checksum:
                return None
            return unpack(payload)
        except Exception:  # any damage to an entry means: parse again
            return None

    def _remember(self, path: Path, parsed: ParsedChapter, problems: list[Diagnostic]) -> None:
        payload = pack(parsed, problems)
        if payload is not None:  # else a fact that does not pickle: this chapter is simply parsed every time
            self.pending[path] = _entry(payload)

    def save(self) -> None:
        """Writes the new entries and drops the unused ones. Called only after the output
        folder passed output_folder.check_output_folder, so the cache never lands in the book."""
        from bookwright.build.output_record import record_output

        try:
            for path, data in self.pending.items():
                with atomic_path(path) as temporary:
                    temporary.write_bytes(data)
            self.pending.clear()
            self.prune()
            record_output(self.folder.parent)  # `bookwright clean` removes the cache too
        except OSError:
            pass  # a cache that cannot be written only costs time


def pack(parsed: ParsedChapter, problems: list[Diagnostic]) -> bytes | None:
    """A parsed chapter (all but its source) and its problems as bytes, or None when one of
    its facts does not pickle. The tree travels as HTML: lxml trees do not pickle."""
    fields = {f.name: getattr(parsed, f.name) for f in dataclasses.fields(parsed) if f.name not in ("source", "body")}
    try:
        return pickle.dumps((fields, html.tostring(parsed.body, encoding="unicode"), list(problems)),
                            protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def unpack(payload: bytes) -> tuple[ParsedChapter, list[Diagnostic]] | None:
    """pack's result back (the chapter's source left None), or None when it is not one;
    may raise on damaged bytes."""
    fields, body, problems = _ModelUnpickler(io.BytesIO(payload)).load()
    tree = html.fragment_fromstring(body)
    parsed = ParsedChapter(source=None, body=tree, **fields)
    if not all(isinstance(p, Diagnostic) for p in problems):
        return None
    return parsed, list(problems)


def _entry(payload: bytes) -> bytes:
    return FORMAT + hashlib.sha256(payload).hexdigest().encode() + payload


def cached_parse(out: Path) -> DiskParseCache:
    return DiskParseCache(out / CACHE_FOLDER / "parse")
