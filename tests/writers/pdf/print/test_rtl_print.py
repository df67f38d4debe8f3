"""A right-to-left book's print interior (Hebrew): its rectos (odd pages) are left-hand pages,
bound on their right. Chapters open on rectos, the gutter sits at the spine of every page,
and the preflight looks for the spine on the side the file's pages turn on."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from support import build_book, diagnostics_text

from bookwright.writers.pdf.print.preflight import preflight
from bookwright.writers.pdf.print.profiles import OUTSIDE, PROFILES

BOOK = "rtl-print"
PT = 72.0
CHAPTERS = ("פרק ראשון", "פרק שני")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result = build_book(BOOK, tmp_path_factory.mktemp("rtl-print"), formats=("print-kdp",))
    assert not result.diagnostics.errors, diagnostics_text(result)
    return result, next(o.path for o in result.outputs if o.format == "print-kdp")


def trim_boxes(path: Path) -> list[list[float]]:
    with pikepdf.open(path) as pdf:
        return [[float(v) for v in page.obj.TrimBox] for page in pdf.pages]


def body_edges(path: Path) -> dict[int, tuple[float, float]]:
    """Each page's body text (running heads and folios left out): its distance, in points,
    to the left and the right trimmed edge."""
    edges = {}
    with pdfplumber.open(path) as plumber:
        for number, (page, trim) in enumerate(zip(plumber.pages, trim_boxes(path)), 1):
            words = [w for w in page.extract_words() if 0.9 * PT < w["top"] < page.height - 0.9 * PT]
            if words:
                edges[number] = (min(w["x0"] for w in words) - trim[0], trim[2] - max(w["x1"] for w in words))
    return edges


def opening_pages(path: Path) -> list[int]:
    with pdfplumber.open(path) as plumber:
        texts = [page.extract_text() or "" for page in plumber.pages]
    return [next(n for n, text in enumerate(texts, 1) if title in text or title[::-1] in text
                 if n > 5)  # after the contents, which name the chapters too
            for title in CHAPTERS]


def test_chapters_open_on_rectos(built):
    _, path = built
    assert [n % 2 for n in opening_pages(path)] == [1, 1]


def test_the_gutter_is_at_the_spine_of_a_recto_and_a_verso(built):
    _, path = built
    gutter = PROFILES["kdp"].inside_margin(len(trim_boxes(path))) * PT
    edges = body_edges(path)
    recto = opening_pages(path)[0]  # a left-hand page: the spine is on its right
    verso = recto + 1  # a right-hand page: the spine is on its left
    left, right = edges[recto]
    assert abs(right - gutter) < 1.5 and abs(left - OUTSIDE * PT) < 1.5, (left, right)
    left, right = edges[verso]
    assert abs(left - gutter) < 1.5 and abs(right - OUTSIDE * PT) < 1.5, (left, right)


def test_the_file_says_its_pages_turn_right_to_left_and_passes_preflight(built):
    result, path = built
    with pikepdf.open(path) as pdf:
        assert pdf.Root.ViewerPreferences.Direction == "/R2L"
    # The bleed is on the outside edge of each page, which the preflight now finds.
    assert not [d for d in result.diagnostics.items if "bleed" in d.message or "spine" in d.message], \
        diagnostics_text(result)


def test_preflight_finds_text_in_a_right_to_left_gutter(built, tmp_path):
    _, path = built
    recto = opening_pages(path)[0]
    moved = tmp_path / "moved.pdf"
    with pikepdf.open(path) as pdf:
        page = pdf.pages[recto - 1]  # a left-hand page: moved right, toward the spine
        page.contents_add(pdf.make_stream(b"q 1 0 0 1 20 0 cm"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q"))
        pdf.save(moved)
    texts = [f.text() for f in preflight(moved, "kdp", trim=(432, 648))]
    assert any(t.startswith(f"page {recto}: text comes within") and "of the spine" in t for t in texts), texts
