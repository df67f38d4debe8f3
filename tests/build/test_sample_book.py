"""The sample book builds into a clean EPUB and a PDF: the newcomer's first experience."""

from support import epubcheck


def test_sample_epub_passes_epubcheck(sample_outputs):
    assert epubcheck(sample_outputs["epub"]) == []


def test_sample_pdf_has_forty_pages_or_more(sample_outputs):
    from pypdf import PdfReader

    assert len(PdfReader(str(sample_outputs["pdf"])).pages) >= 40
