"""The web edition under the author's control: exactly the downloads `[web] downloads`
offers (never a print interior unless named), the editions of an earlier build kept when
only the site is built, store links, a sample that publishes only some chapters, and the
author's header and footer, sanitized."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from support import build_book, diagnostics_text
from support import copy_book

STORES = '[web.links]\n"Lantern Shop" = "https://example.org/shop/lamps"\n"Wick & Co" = "https://example.org/wick"\n'


def page(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def download_links(site: Path) -> list[str]:
    return [a.get("href") for a in page(site / "index.html").xpath("//section[contains(@class,'downloads')]//a")]


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    book = copy_book("themed", tmp_path_factory.mktemp("sample"), STORES.replace(
        "[web.links]", '[web]\nchapters = ["01-lamps.md"]\nheader = "web/header.html"\nfooter = "web/footer.html"\n'
                       'allow-scripts = ["web/count.js"]\n\n[web.links]'))
    (book / "web").mkdir()
    (book / "web" / "header.html").write_text(
        '<p class="promo">Out now: <a href="https://example.org/audio">the audiobook</a></p>\n'
        '<script>document.title = "hijacked"</script>\n'
        '<script src="web/count.js"></script>\n'
        '<img src="images/chimney.svg" alt="The workshop\'s mark">\n', encoding="utf-8")
    (book / "web" / "footer.html").write_text('<p>Set in the workshop <b onclick="steal()">by hand</b>.</p>\n',
                                             encoding="utf-8")
    (book / "web" / "count.js").write_text("console.log('counted');\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("sample-out")
    result = build_book(book, out, ("epub", "pdf", "web"))
    assert not result.diagnostics.errors, diagnostics_text(result)
    return result, out / "site", book


def test_a_sample_publishes_only_the_named_chapters(sample_site):
    _, site, _ = sample_site
    assert sorted(p.name for p in site.glob("*.html")) == ["01-lamps.html", "index.html"]
    search = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    assert "wick" in search and "carriage" not in search  # the withheld chapter's words are not given away


def test_links_into_a_withheld_chapter_lead_to_the_buy_links(sample_site):
    _, site, _ = sample_site
    chapter = page(site / "01-lamps.html")
    (reference,) = [a for a in chapter.iter("a") if a.text_content().split() == ["Chapter", "2"]]
    assert reference.get("href") == "index.html#buy"
    home = page(site / "index.html")
    (listed,) = home.xpath("//nav[@id='contents']//li[contains(@class,'withheld')]")
    assert listed.xpath("a")[0].get("href") == "index.html#buy" and "Lanterns" in listed.text_content()
    assert "in the book" in listed.text_content()
    (buy,) = home.xpath("//section[@id='buy']")
    assert [(a.text, a.get("href")) for a in buy.iter("a")] == [
        ("Lantern Shop", "https://example.org/shop/lamps"), ("Wick & Co", "https://example.org/wick")]


def test_the_store_links_follow_every_chapter(sample_site):
    _, site, _ = sample_site
    aside = page(site / "01-lamps.html").xpath("//aside[contains(@class,'buy')]")
    assert [a.get("href") for a in aside[0].iter("a")] == ["https://example.org/shop/lamps", "https://example.org/wick"]


def test_a_sample_offers_no_download_unless_told(sample_site):
    _, site, _ = sample_site
    assert download_links(site) == []
    assert not list(site.glob("*.epub")) and not list(site.glob("*.pdf"))


def test_the_header_and_footer_are_sanitized_and_keep_only_allowed_scripts(sample_site):
    result, site, book = sample_site
    chapter = page(site / "01-lamps.html")
    (header,) = chapter.xpath("//div[@class='author-header']")
    assert header.xpath(".//a/@href") == ["https://example.org/audio"]
    assert header.xpath(".//img/@src") == ["media/images/chimney.svg"] and (site / "media/images/chimney.svg").is_file()
    scripts = chapter.xpath("//script/@src")
    assert "assets/scripts/web/count.js" in scripts and (site / "assets/scripts/web/count.js").is_file()
    assert "hijacked" not in (site / "01-lamps.html").read_text()
    (footer,) = chapter.xpath("//div[@class='author-footer']")
    assert footer.text_content().strip() == "Set in the workshop by hand." and "onclick" not in html.tostring(footer, encoding="unicode")
    warnings = [d.format().splitlines()[0] for d in result.diagnostics.warnings]
    # The inline script is reported at its line; the one [web] allow-scripts names is not.
    assert [w for w in warnings if "script" in w] == ["web/header.html:2:1: warning: <script> removed and its content"]
    assert any(re.match(r"web/footer\.html:1:\d+: warning: event handler onclick removed from <b>", w) for w in warnings)


def test_the_site_offers_exactly_what_downloads_names(tmp_path):
    book = copy_book("themed", tmp_path, '[web]\ndownloads = ["epub"]\n')
    result = build_book(book, tmp_path / "out", ("epub", "pdf", "web"))
    assert result.diagnostics.items == [], diagnostics_text(result)
    assert download_links(tmp_path / "out" / "site") == ["lamps-and-lanterns.epub"]
    assert not list((tmp_path / "out" / "site").glob("*.pdf"))


def test_building_only_the_site_keeps_the_earlier_editions_and_never_offers_print(tmp_path):
    book = copy_book("themed", tmp_path, "")
    out = tmp_path / "out"
    first = build_book(book, out, ("epub", "pdf", "print-kdp"))
    assert not first.diagnostics.errors, diagnostics_text(first)
    result = build_book(book, out, ("web",))
    assert not result.diagnostics.errors, diagnostics_text(result)
    site = out / "site"
    assert download_links(site) == ["lamps-and-lanterns.epub", "lamps-and-lanterns.pdf"]
    assert (site / "lamps-and-lanterns.epub").read_bytes() == (out / "lamps-and-lanterns.epub").read_bytes()
    assert "offers the epub, pdf of an earlier build" in result.outputs[0].note


def test_an_offered_edition_that_was_never_built_is_a_warning(tmp_path):
    book = copy_book("themed", tmp_path, '[web]\ndownloads = ["epub", "print-kdp"]\n')
    result = build_book(book, tmp_path / "out", ("epub", "web"))
    assert [d.format().splitlines()[0] for d in result.diagnostics.warnings] == [
        "book.toml:11:1: warning: the web edition offers no print-kdp: not built in this run, and not in the "
        "output folder"]
    assert download_links(tmp_path / "out" / "site") == ["lamps-and-lanterns.epub"]
