"""Laid-out units remembered across builds, in the output folder's cache.

An entry is keyed by everything that can change the unit's pages (`key`): the task itself
(its markup with the page numbers it prints filled in, the whole stylesheet with the
edition's page geometry, what is written and how: units.UnitTask.digest) and the tools
(bookwright's own files and version, the installed packages' versions, the Pango,
HarfBuzz and fontconfig libraries, the fonts installed on the machine). The files a
layout read (pictures, the theme's fonts; units.py notes every address, those it could
not read too) are checked when an entry is used: the entry lists each one with the hash
of what the build serves for it, and one that no longer hashes the same makes the entry a
miss.

Entries are written atomically with a checksum of their payload; an entry that is missing,
truncated, corrupt, of another format or of another shape is a miss, and the unit is laid
out again: a damaged cache costs time, never a page. Nothing in an entry is executed (it
is JSON and the PDF's bytes). Each edition keeps its entries in a folder of its own, and a
build removes the entries of the editions it made that it did not use.

The book folder's location is part of the key (edition_layout.py): WeasyPrint names a
picture in the PDF after the hash of its address, so the same book in another folder makes
other bytes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path

from bookwright.writers.pdf import cache_files
from bookwright.writers.pdf.unit_tasks import UnitLaidOut, UnitTask

FORMAT = b"bookwright-layout-1\n"
SUFFIX = ".unit"
LAYOUT_FOLDER = "layout"  # in the build's cache folder: one folder per edition, and the original fonts
FONTS_FOLDER = "fonts"


def layout_folders(cache_folder: Path | None) -> tuple[Path | None, Path | None]:
    """Where laid-out units and the original fonts of their subsets are kept."""
    if cache_folder is None:
        return None, None
    return cache_folder / LAYOUT_FOLDER, cache_folder / LAYOUT_FOLDER / FONTS_FOLDER


class LayoutCache:
    def __init__(self, folder: Path | None, environment: str, fonts: Path | None = None):
        """`folder`: where the entries live (None: nothing is kept); `environment`: the
        tools' fingerprint (tool_environment); `fonts`: where the original fonts of the
        units' subsets are (font_union.py): an entry whose originals are gone is a miss."""
        self.folder = folder
        self.fonts = fonts
        self.environment = environment
        self.used: dict[str, set[str]] = {}  # edition → entry names this build used
        self.hits = 0
        self.misses = 0

    def key(self, task: UnitTask) -> str:
        return hashlib.sha256(f"{self.environment}\n{task.digest()}".encode()).hexdigest()

    def _path(self, edition: str, key: str) -> Path | None:
        if self.folder is None:
            return None
        self.used.setdefault(edition, set()).add(key + SUFFIX)
        return self.folder / edition / (key + SUFFIX)

    def get(self, edition: str, key: str, need_pdf: bool, digest_of) -> UnitLaidOut | None:
        """The entry, if it is whole, has a PDF when one is needed, and every file it read
        still hashes the same (`digest_of(address)`: the hash of what the build would serve)."""
        path = self._path(edition, key)
        if path is None:
            return None
        found = self._read(path, need_pdf, digest_of)
        if found is not None and not all((self.fonts / f"{font['original']}.font").is_file()
                                         for font in found.fonts if font["original"]):
            found = None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    @staticmethod
    def _read(path: Path, need_pdf: bool, digest_of) -> UnitLaidOut | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            entry = _unpack(data)
            if entry is None or (need_pdf and entry.laid.pdf is None):
                return None
            for address, digest in entry.fetched_digests:
                if digest_of(address) != digest:
                    return None
            return entry.laid
        except Exception:  # any damage to an entry means: lay the unit out again
            return None

    def put(self, edition: str, key: str, laid: UnitLaidOut, digest_of) -> None:
        """Keeps `laid`. A cache that cannot be written only costs time."""
        path = self._path(edition, key)
        if path is None or laid.originals:
            return  # its original fonts are not beside the cache: the next build lays it out again
        digests = [[address, digest_of(address)] for address in laid.fetched]
        payload = json.dumps({"laid": laid.to_data(), "digests": digests}, sort_keys=True).encode("utf-8")
        body = len(payload).to_bytes(8, "big") + payload + (laid.pdf or b"")
        entry = FORMAT + hashlib.sha256(body).hexdigest().encode() + (b"1" if laid.pdf is not None else b"0") + body
        try:
            cache_files.store(path, entry)
        except OSError:
            pass  # a full disk, a folder that cannot be written: the unit is laid out again next time

    def prune(self) -> None:
        """Removes the entries of the editions this build made that it did not use."""
        if self.folder is None:
            return
        for edition, used in self.used.items():
            try:
                for entry in (self.folder / edition).iterdir():
                    if entry.name not in used:
                        entry.unlink(missing_ok=True)
            except OSError:
                pass


class _Entry:
    def __init__(self, laid: UnitLaidOut, fetched_digests: list):
        self.laid = laid
        self.fetched_digests = fetched_digests


def _unpack(data: bytes) -> _Entry | None:
    if not data.startswith(FORMAT):
        return None
    checksum = data[len(FORMAT):len(FORMAT) + 64]
    has_pdf = data[len(FORMAT) + 64:len(FORMAT) + 65]
    body = data[len(FORMAT) + 65:]
    if hashlib.sha256(body).hexdigest().encode() != checksum or has_pdf not in (b"0", b"1"):
        return None
    size = int.from_bytes(body[:8], "big")
    meta = json.loads(body[8:8 + size].decode("utf-8"))
    pdf = body[8 + size:] if has_pdf == b"1" else None
    if pdf is not None and not pdf.startswith(b"%PDF-"):
        return None
    laid = UnitLaidOut.from_data(meta["laid"], pdf)
    return _Entry(laid, [tuple(pair) for pair in meta["digests"]])


# (library, its file names as WeasyPrint loads them, the function that says its version)
TEXT_LIBRARIES = (("pango", ("libpango-1.0.so.0", "libpango-1.0-0.dll", "libpango-1.0.dylib"), "pango_version_string"),
                  ("harfbuzz", ("libharfbuzz.so.0", "libharfbuzz-0.dll", "libharfbuzz.dylib"), "hb_version_string"),
                  ("fontconfig", ("libfontconfig.so.1", "libfontconfig-1.dll", "libfontconfig.dylib"), "FcGetVersion"))


@lru_cache(maxsize=1)
def text_libraries() -> str:
    """The versions of the libraries that shape and place text (those WeasyPrint loads)."""
    versions = []
    for name, files, function in TEXT_LIBRARIES:
        version = "unknown"
        # The usual names first: find_library runs the compiler and the linker to search.
        for candidate in (*files, None):
            try:
                call = getattr(ctypes.CDLL(candidate or ctypes.util.find_library(name)), function)
            except (OSError, AttributeError, TypeError):
                continue
            call.restype = ctypes.c_char_p if function.endswith("string") else ctypes.c_int
            version = call().decode() if function.endswith("string") else str(call())
            break
        versions.append(f"{name} {version}")
    return ", ".join(versions)


FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts", "/etc/fonts",
                "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")


@lru_cache(maxsize=1)
def installed_fonts() -> str:
    """A hash of the fonts fontconfig can fall back on and of its configuration: the name,
    size and time of every file in the usual font folders. A font installed, removed or
    updated changes it (a character the book's face lacks may then be drawn otherwise)."""
    hashed = hashlib.sha256()
    folders = [os.path.expanduser(f) for f in FONT_FOLDERS]
    folders += [v for v in (os.environ.get("FONTCONFIG_FILE"), os.environ.get("FONTCONFIG_PATH")) if v]
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                try:
                    stat = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                hashed.update(f"{root}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "replace"))
    return hashed.hexdigest()


def tool_environment(tool_fingerprint: str) -> str:
    """Everything besides a task and the files it reads that decides its bytes: bookwright
    and the installed packages (`tool_fingerprint`, from the build), the text libraries and
    the installed fonts."""
    return hashlib.sha256(f"{tool_fingerprint}\n{text_libraries()}\n{installed_fonts()}\n{sys.platform}".encode()).hexdigest()
