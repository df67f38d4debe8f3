"""The sample book builds into a clean EPUB and a PDF: the newcomer's first experience."""

from support import epubcheck


def test_sample_epub_passes_epubcheck(sample_outputs):
    assert epubcheck(sample_outputs["epub"]) == []


def test_sample_pdf_has_forty_pages_or_more(sample_outputs):
    from pypdf import PdfReader

    assert len(PdfReader(str(sample_outputs["pdf"])).pages) >= 40


def test_every_edition_of_the_sample_builds_without_a_single_warning(tmp_path):
    """What `python3 build.py` makes (print interiors and covers included), and nothing to fix."""
    from support import SAMPLE, build_book, diagnostics_text

    result = build_book(SAMPLE, tmp_path / "dist", formats=None)
    assert {"pdf", "epub", "web", "print-kdp", "print-ingram", "print-kdp-cover", "print-ingram-cover"} <= {
        o.format for o in result.outputs}
    assert result.diagnostics.items == [], diagnostics_text(result)
