"""`--jobs N` (issue 9): a print interior laid out chapter by chapter in worker processes
reads exactly like the one-pass interior; the tagged screen PDF stays one pass and tagged."""

from __future__ import annotations

import re

import pikepdf
import pytest
from pypdf import PdfReader

from bookwright.build.pipeline import build
from bookwright.writers.common import roman
from bookwright.writers.pdf import jobs as pdf_jobs
from bookwright.writers.pdf.print import PrintEdition
from support import BOOKS, diagnostics_text

# parts-appendix: parts (blank pages after part openings), a preface in roman folios, lists;
# xref-book: page references ("on page N") into other chapters and into the front matter;
# scholarly-index: a footnote whose call opens a page, before the index in two columns.
CASES = ["parts-appendix", "xref-book", "scholarly-index"]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """(one-pass reader, parallel reader, parallel diagnostics) per fixture book."""
    calls = []
    original = PrintEdition._write_in_units

    def counted(self, *args, **kwargs):
        calls.append(self.edition.profile)
        return original(self, *args, **kwargs)

    PrintEdition._write_in_units = counted
    out = {}
    try:
        for case in CASES:
            one = build(BOOKS / case, tmp_path_factory.mktemp(case + "-one"), ("print-kdp",))
            two = build(BOOKS / case, tmp_path_factory.mktemp(case + "-two"), ("print-kdp",), jobs=2)
            assert not one.diagnostics.errors and not two.diagnostics.errors, diagnostics_text(two)
            out[case] = (PdfReader(one.outputs[0].path), PdfReader(two.outputs[0].path),
                         diagnostics_text(one), diagnostics_text(two))
    finally:
        PrintEdition._write_in_units = original
    assert calls == ["kdp"] * len(CASES)  # the parallel path ran; it did not fall back to one pass
    return out


def words(page) -> str:
    return " ".join(page.extract_text().split())


@pytest.mark.parametrize("case", CASES)
def test_same_pages_same_text(builds, case):
    one, two, _, _ = builds[case]
    assert len(two.pages) == len(one.pages) > 10
    for number, (a, b) in enumerate(zip(one.pages, two.pages), start=1):
        assert words(b) == words(a), f"page {number}"
        assert list(b.mediabox) == list(a.mediabox) and list(b.trimbox) == list(a.trimbox), f"page {number}"


@pytest.mark.parametrize("case", CASES)
def test_same_folios_contents_and_references(builds, case):
    one, two, _, _ = builds[case]
    texts = [words(p) for p in two.pages]
    # Roman folios in the front matter, arabic restarting at 1 at the first part or chapter.
    assert any(t.endswith(" v") or t.endswith(" vii") for t in texts[:8])
    contents = next(t for t in texts if t.startswith("Contents"))
    assert contents == next(words(p) for p in one.pages if words(p).startswith("Contents"))
    assert re.findall(r"\.\s(\d+|[ivx]+)(?=\s|$)", contents)
    refs_one = re.findall(r"on page (\d+|[ivx]+)", " ".join(words(p) for p in one.pages))
    refs_two = re.findall(r"on page (\d+|[ivx]+)", " ".join(texts))
    assert refs_two == refs_one
    if case == "xref-book":
        assert refs_one  # the book does print page references


@pytest.mark.parametrize("case", CASES)
def test_no_outline_links_or_tags_in_either(builds, case):
    # A print interior carries none (pdf_postprocess.finish_print_pdf); the join adds none.
    one, two, _, _ = builds[case]
    for reader in (one, two):
        assert reader.outline == []
        assert all("/Annots" not in page for page in reader.pages)
        assert "/StructTreeRoot" not in reader.trailer["/Root"]


@pytest.mark.parametrize("case", CASES)
def test_same_warnings(builds, case):
    _, _, first, second = builds[case]
    assert second == first


def test_screen_pdf_stays_tagged_with_jobs(tmp_path):
    result = build(BOOKS / "xref-book", tmp_path, ("pdf",), jobs=2)
    with pikepdf.open(result.outputs[0].path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert len(pdf.open_outline().root) > 0


def test_page_map_opens_every_unit_on_a_right_hand_page():
    # front block of 7 pages, a part page, a 3-page chapter, a 2-page chapter: each odd end asks for a blank
    pages = pdf_jobs.page_map([7, 1, 3, 2], [[[]] * 7, [["p1"]], [["c1"], [], []], [["c2"], []]], body_unit=1)
    assert pages.leads == [False, True, True, True]
    assert pages.anchors == {"p1": 8, "c1": 10, "c2": 14}
    assert pages.total == 16
    assert [pages.counter(i) for i in (6, 8, 10)] == [7, 1, 3]
    assert roman(7) == "vii" and roman(14) == "xiv"
