"""Issue 16: what bookwright does not read in a manuscript is reported at its place, and
never printed as written. The fixture (tests/books/manuscript-problems) holds raw LaTeX,
Bookdown's references and (PART)/(APPENDIX) headings, a code chunk, an unknown div class
and shortcode, markup left over, an unused note, "Table @tbl-x" and a chapter file the
book leaves out; its golden file (expected/diagnostics.txt) holds the diagnostics."""

from __future__ import annotations

import contextlib
import io

import pytest
from lxml import html

from bookwright.cli import main
from support import BOOKS, build_book, epubcheck
from support.readback import Epub, pdf_page_texts
from support.reader_text import markup_in, outside_code

BOOK = BOOKS / "manuscript-problems"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("problems")
    result = build_book(BOOK, out, formats=("pdf", "epub", "web"))
    return result, {o.format: o.path for o in result.outputs}


def test_every_problem_is_a_warning_at_its_place(built):
    result, _ = built
    assert result.diagnostics.errors == []
    assert len(result.diagnostics.warnings) == 17


def test_nothing_reported_is_printed_as_written(built):
    _, outputs = built
    assert epubcheck(outputs["epub"]) == []
    for name, doc in Epub(outputs["epub"]).documents.items():
        assert markup_in(outside_code(doc)) == [], name
    for page in outputs["web"].glob("0*.html"):
        assert markup_in(outside_code(html.parse(str(page)).getroot().find(".//article"))) == [], page.name
    pdf = " ".join(pdf_page_texts(outputs["pdf"]))
    assert markup_in(pdf) == []
    # What was read is there: the table the \small line stood over, Bookdown's numbers.
    assert "Table 1.1: Leaves and their colours" in pdf
    assert "As Table 1.1 and Section 1 show." in pdf


def test_strict_makes_the_warnings_fail_the_build(tmp_path):
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        status = main(["check", str(BOOK), "--strict", "--no-gate"])
    assert status == 1
    assert "0 error(s), 17 warning(s)" in stderr.getvalue()
