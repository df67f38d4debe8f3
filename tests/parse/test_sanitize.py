"""Raw HTML the allow-list removes (`<embed>`, `<input>`, an inline `<form>`) leaves no empty
paragraph in the editions, and the author is still told what was removed, where. A paragraph
that is a link target, or holds a no-break space, stays; a bare `<p></p>` shows nothing and goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from support import build_book, diagnostics_text, epubcheck
from support.readback import XHTML, Epub

BOOK = "emptied-paragraphs"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("emptied")
    result = build_book(BOOK, out, formats=("epub", "web"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    files = {o.format: o.path for o in result.outputs}
    assert epubcheck(files["epub"]) == []
    return result, files


def paragraphs(section) -> list[tuple[str | None, str]]:
    """Each paragraph as (id, text) in reading order."""
    return [(p.get("id"), "".join(p.itertext())) for p in section.iter(f"{XHTML}p", "p")]


def epub_chapter(files, name: str):
    doc = Epub(files["epub"]).documents[f"EPUB/{name}"]
    return doc.find(f".//{XHTML}section")


def test_epub_has_no_paragraph_emptied_by_removed_html(built):
    _, files = built
    assert paragraphs(epub_chapter(files, "01-embeds.xhtml")) == [
        (None, "The first paragraph."), ("kept-anchor", ""), (None, "\xa0"), (None, "The last paragraph.")]
    form = epub_chapter(files, "02-form.xhtml")
    assert paragraphs(form) == [(None, "Search here: "), (None, "The closing paragraph.")]
    assert form.find(f".//{XHTML}blockquote") is None  # it held only the removed <embed>


def test_web_pages_have_no_paragraph_emptied_by_removed_html(built):
    _, files = built
    site: Path = files["web"]
    main = html.fromstring((site / "01-embeds.html").read_bytes()).get_element_by_id("content")
    assert paragraphs(main) == [
        (None, "The first paragraph."), ("kept-anchor", ""), (None, "\xa0"), (None, "The last paragraph.")]
    main = html.fromstring((site / "02-form.html").read_bytes()).get_element_by_id("content")
    assert [text for _, text in paragraphs(main)] == ["Search here: ", "The closing paragraph."]
    assert main.find(".//blockquote") is None


def test_author_is_still_told_what_was_removed(built):
    result, _ = built
    text = diagnostics_text(result)
    for line in ("01-embeds.md:5:1: warning: <embed> removed (its text is kept)",
                 "01-embeds.md:7:1: warning: <input> removed (its text is kept)",
                 "02-form.md:3:14: warning: <form> removed (its text is kept)",
                 "02-form.md:3:37: warning: <input> removed (its text is kept)",
                 "02-form.md:7:3: warning: <embed> removed (its text is kept)"):
        assert line in text
