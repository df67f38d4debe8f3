"""The web edition's own words (navigation, search, downloads) follow book.toml's [words],
as the other editions' words do; a key [words] does not know is still an error at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from support import build_book, copy_book, diagnostics_text, epubcheck

BOOK = "web-words"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("web-words")
    result = build_book(BOOK, out, formats=("epub", "web"))
    assert not result.diagnostics.errors and not result.diagnostics.warnings, diagnostics_text(result)
    epub = next(o.path for o in result.outputs if o.format == "epub")
    assert epubcheck(epub) == []
    return next(o.path for o in result.outputs if o.format == "web")


def page(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def words(el) -> str:
    return " ".join(el.text_content().split())


def test_navigation_words_are_the_authors(site):
    first, second = page(site / "01-first.html"), page(site / "02-second.html")
    assert words(first.find_class("pager-next")[0].find_class("pager-dir")[0]) == "Onward"
    assert words(second.find_class("pager-prev")[0].find_class("pager-dir")[0]) == "Back"
    assert words(second.find_class("pager-contents")[0]) == "Table of Contents"
    assert words(first.find_class("skip-link")[0]) == "Jump to the text"
    # The language's own words are gone from the furniture.
    furniture = " ".join(words(nav) for nav in first.find_class("pager"))
    assert "Next" not in furniture and "Previous" not in furniture


def test_search_and_download_words_are_the_authors(site):
    index = page(site / "index.html")
    box = index.get_element_by_id("search-input")
    assert box.get("placeholder") == "Find a word"
    assert words(index.xpath('//label[@for="search-input"]')[0]) == "Find in this book"
    assert index.find_class("search")[0].get("data-no-results") == "Nothing found"
    downloads = index.find_class("downloads")[0]
    assert words(downloads.find("h2")) == "Take the book with you"
    assert "for your e-reader" in words(downloads)
    # Words the author did not replace keep the language's.
    assert index.find_class("search")[0].get("data-one-result") == "1 match"


def test_unknown_word_key_is_still_an_error_at_its_line(tmp_path):
    book = copy_book(BOOK, tmp_path)
    toml = book / "book.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + 'previos = "Back"\n', encoding="utf-8")
    line = len(toml.read_text(encoding="utf-8").splitlines())
    result = build_book(book, tmp_path / "dist", formats=("web",))
    assert f"book.toml:{line}:1: error: unknown key 'previos' in [words]" in diagnostics_text(result)
