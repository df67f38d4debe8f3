"""The EPUB 3 edition read back: what a reading system and EPUBCheck see in the file.

Each fixture book is built once for the module; the sample book comes from the session build.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import urlsplit

import pytest
from lxml import etree
from PIL import Image

from bookwright.writers.epub.package import SECTION_SEMANTICS

from support.readback import EPUB_TYPE, NCX, OPF, XHTML, Epub, squash, text_of
from support import BOOKS, build_book, epubcheck

FIXTURES = ("minimal", "parts-appendix", "configured")
ALL = FIXTURES + ("sample",)
# Every chapter role's epub:type (generated back matter such as an index included).
CHAPTER_TYPES = {epub_type for epub_type, _ in SECTION_SEMANTICS.values() if epub_type}


@pytest.fixture(scope="module")
def builds(tmp_path_factory, sample_build):
    results = {"sample": sample_build}
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)  # the book's date stamps the build
        for name in FIXTURES:
            result = build_book(name, tmp_path_factory.mktemp(name), formats=("epub",))
            assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
            results[name] = result
    return results


@pytest.fixture(scope="module")
def epubs(builds):
    return {name: Epub(next(o.path for o in result.outputs if o.format == "epub"))
            for name, result in builds.items()}


def chapter_documents(epub: Epub) -> list[str]:
    """Spine documents whose section is a chapter of the book (any role), in reading order."""
    found = []
    for path in epub.spine_paths():
        section = epub.documents[path].find(f".//{XHTML}section")
        # A role no vocabulary names (also-by, about-author) is a plain section of its class.
        if section is not None and (section.get(EPUB_TYPE) in CHAPTER_TYPES or
                                    (section.get(EPUB_TYPE) is None and section.get("class") in SECTION_SEMANTICS)):
            found.append(path)
    return found


def part_documents(epub: Epub) -> list[str]:
    return [p for p in epub.spine_paths()
            if (s := epub.documents[p].find(f".//{XHTML}section")) is not None and s.get(EPUB_TYPE) == "part"]


# --- validity -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIXTURES)
def test_epubcheck_reports_nothing(epubs, name):
    assert epubcheck(epubs[name].path) == []


@pytest.mark.parametrize("name", ALL)
def test_every_internal_link_resolves(epubs, name):
    epub = epubs[name]
    broken = []
    for path, doc in epub.documents.items():
        for el in doc.iter():
            for attr in ("href", "src"):
                value = el.get(attr) if isinstance(el.tag, str) else None
                if not value or urlsplit(value).scheme:
                    continue
                target = epub.resolve_href(value, path)
                file, _, fragment = target.partition("#")
                if file not in epub.files:
                    broken.append(f"{path}: {value} (no file {file})")
                elif fragment:
                    ids = {e.get("id") for e in epub.documents[file].iter() if isinstance(e.tag, str)}
                    if fragment not in ids:
                        broken.append(f"{path}: {value} (no id {fragment} in {file})")
    assert broken == []


@pytest.mark.parametrize("name", ALL)
def test_manifest_files_exist_and_fonts_are_embedded(epubs, name):
    epub = epubs[name]
    for item in epub.manifest.values():
        assert epub.zip_path(item.get("href")) in epub.files, item.get("href")
    fonts = [i for i in epub.manifest.values() if i.get("media-type") in ("font/otf", "font/ttf", "font/woff2",
                                                                           "application/vnd.ms-opentype")]
    names = {i.get("href").rsplit("/", 1)[-1] for i in fonts}
    assert "LinLibertine_R.otf" in names  # the book face, regular
    # The stylesheet's @font-face rules point at the embedded files.
    css_items = [i for i in epub.manifest.values() if i.get("media-type") == "text/css"]
    urls = {epub.zip_path(url, epub.zip_path(css.get("href")))
            for css in css_items
            for url in re.findall(r"url\(['\"]?([^'\")]+)", epub.files[epub.zip_path(css.get("href"))].decode())}
    assert {epub.zip_path(i.get("href")) for i in fonts if i.get("href").endswith("LinLibertine_R.otf")} <= urls


# --- package metadata ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, language", [("minimal", "en"), ("configured", "en-GB"), ("sample", "en")])
def test_language_on_the_package_and_in_the_metadata(epubs, name, language):
    epub = epubs[name]
    assert epub.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    assert epub.metadata("language") == [language]
    for path in epub.spine_paths():
        assert epub.documents[path].get("{http://www.w3.org/XML/1998/namespace}lang") == language


@pytest.mark.parametrize("name", ALL)
def test_dcterms_modified_is_utc_to_the_second(epubs, name):
    values = [m.text for m in epubs[name].opf.iter(f"{OPF}meta") if m.get("property") == "dcterms:modified"]
    assert len(values) == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", values[0])


def test_dcterms_modified_is_the_books_date_not_the_clock(epubs):
    values = [m.text for m in epubs["parts-appendix"].opf.iter(f"{OPF}meta") if m.get("property") == "dcterms:modified"]
    assert values == ["2025-03-14T00:00:00Z"]


def test_full_metadata_with_two_authors(epubs):
    epub = epubs["parts-appendix"]
    assert epub.metadata("title") == ["Lanterns and Ledgers", "A Fixture Book"]
    creators = list(epub.opf.iter("{http://purl.org/dc/elements/1.1/}creator"))
    assert [c.text for c in creators] == ["Ada Quill", "Ben Marsh"]
    assert len({c.get("id") for c in creators}) == 2  # each author its own id
    assert epub.metadata("identifier") == ["urn:isbn:9780000000017"]
    assert epub.metadata("publisher") == ["Fixture House"]
    assert epub.metadata("date") == ["2025-03-14"]
    assert epub.metadata("rights") == ["Copyright © 2025 Ada Quill and Ben Marsh."]


# --- documents ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_one_document_per_chapter(epubs, builds, name):
    epub, book = epubs[name], builds[name].book
    documents = chapter_documents(epub)
    assert len(documents) == len(book.chapters)
    for path, chapter in zip(documents, book.chapters):
        headings = list(epub.documents[path].iter(f"{XHTML}h1"))
        assert len(headings) == 1, path
        assert text_of(headings[0]).endswith(chapter.title)


def test_parts_have_their_own_documents(epubs):
    epub = epubs["parts-appendix"]
    parts = part_documents(epub)
    assert [text_of(epub.documents[p].find(f".//{XHTML}h1")) for p in parts] == ["Part One: Lighting", "Part Two: Keeping"]


def section_of(epub: Epub, kind: str):
    found = [(path, s) for path in epub.spine_paths() for s in epub.documents[path].iter(f"{XHTML}section")
             if s.get(EPUB_TYPE) == kind]
    assert len(found) == 1, f"{len(found)} sections of epub:type {kind}"
    return found[0]


def test_title_page_and_copyright_page(epubs):
    epub = epubs["parts-appendix"]
    _, title = section_of(epub, "titlepage")
    assert [text_of(el) for el in title] == ["Lanterns and Ledgers", "A Fixture Book", "Ada Quill, Ben Marsh", "Fixture House"]
    _, copyright_page = section_of(epub, "copyright-page")
    text = text_of(copyright_page)
    assert "Copyright © 2025 Ada Quill and Ben Marsh." in text
    assert "ISBN 9780000000017" in text
    # Both come before the first chapter in reading order.
    order = epub.spine_paths()
    first_chapter = chapter_documents(epub)[0]
    assert order.index(section_of(epub, "titlepage")[0]) < order.index(first_chapter)
    assert order.index(section_of(epub, "copyright-page")[0]) < order.index(first_chapter)


def test_minimal_book_title_page_from_the_required_keys(epubs):
    _, title = section_of(epubs["minimal"], "titlepage")
    assert [text_of(el) for el in title] == ["A Minimal Book", "Mina Mal"]


# --- cover --------------------------------------------------------------------------------------


def cover(epub: Epub):
    item = epub.item_with_property("cover-image")
    first = epub.spine[0]
    page = epub.zip_path(epub.manifest[first.get("idref")].get("href"))
    return item, first, page


@pytest.mark.parametrize("name", ALL)
def test_cover_image_and_a_linear_cover_page_first_in_the_spine(epubs, name):
    epub = epubs[name]
    item, first, page = cover(epub)
    assert first.get("linear", "yes") == "yes"
    images = [epub.resolve_href(img.get("src"), page) for img in epub.documents[page].iter(f"{XHTML}img")]
    assert images == [epub.zip_path(item.get("href"))]
    assert epub.documents[page].find(f".//{XHTML}img").get("alt")


def test_the_authors_cover_is_used(epubs):
    epub = epubs["parts-appendix"]
    item, _, _ = cover(epub)
    assert item.get("media-type") == "image/png"
    assert epub.files[epub.zip_path(item.get("href"))] == (BOOKS / "parts-appendix/images/cover.png").read_bytes()


def test_a_typographic_cover_is_generated_when_the_book_has_none(epubs):
    epub = epubs["minimal"]
    item, _, _ = cover(epub)
    image = Image.open(io.BytesIO(epub.files[epub.zip_path(item.get("href"))]))
    assert image.format == "PNG" and image.size[1] > image.size[0] >= 1000  # portrait, store-sized


# --- navigation ---------------------------------------------------------------------------------


def heading_entry(epub: Epub, path: str, heading) -> tuple[str, str]:
    """How a heading should read in the contents: its printed number and its title."""
    number_span = heading.find(f"{XHTML}span")
    title = text_of(heading)
    label = title
    if number_span is not None and number_span.get("class") in ("chapter-number", "section-number"):
        printed = text_of(number_span)
        title = squash(title[len(printed):])
        number = printed.split()[-1]  # "Chapter 5" → 5, "Appendix A" → A, "5.2" → 5.2
        label = f"{number}. {title}" if heading.tag == f"{XHTML}h1" else f"{number} {title}"
    target = path if heading.tag == f"{XHTML}h1" else f"{path}#{heading.get('id')}"
    return label, target


def expected_contents(epub: Epub, book, depth: int) -> list:
    """The contents a reader expects from the headings of the chapter documents."""
    tree: list = []
    part_entries: dict[int, list] = {}
    part_paths = part_documents(epub)
    for path, chapter in zip(chapter_documents(epub), book.chapters):
        doc = epub.documents[path]
        headings = [h for h in doc.iter(*(f"{XHTML}h{n}" for n in range(1, depth + 1)))
                    if h.tag == f"{XHTML}h1" or h.get("id")]
        stack: list[tuple[int, list]] = []
        entry = None
        for h in headings:
            level = int(h.tag[-1])
            node = (*heading_entry(epub, path, h), [])
            if level == 1:
                entry = node
                stack = [(1, node[2])]
                continue
            while stack[-1][0] >= level:
                stack.pop()
            stack[-1][1].append(node)
            stack.append((level, node[2]))
        index = chapter.source.part
        if index is None:
            tree.append(entry)
        else:
            if index not in part_entries:
                part_path = part_paths[len(part_entries)]
                part_title = text_of(epub.documents[part_path].find(f".//{XHTML}h1"))
                part_entries[index] = []
                tree.append((part_title, part_path, part_entries[index]))
            part_entries[index].append(entry)
    return tree


@pytest.mark.parametrize("name, depth", [("minimal", 2), ("parts-appendix", 2), ("configured", 3), ("sample", 2)])
def test_nav_contents_match_the_headings(epubs, builds, name, depth):
    epub = epubs[name]
    book_documents = set(chapter_documents(epub)) | set(part_documents(epub))
    # Generated front matter (lists of figures and tables) may come first; the rest is the book.
    contents = [e for e in epub.toc_tree() if e[1].partition("#")[0] in book_documents]
    assert contents == expected_contents(epub, builds[name].book, depth)


def test_default_depth_leaves_subsections_out(epubs):
    labels = [label for label, _, _ in flatten(epubs["parts-appendix"].toc_tree())]
    assert "1.2 Wick materials" in labels
    assert not any("Scissors or knife" in label for label in labels)  # a ### heading


def test_configured_depth_takes_subsections_in(epubs):
    labels = [label for label, _, _ in flatten(epubs["configured"].toc_tree())]
    assert labels == ["1. Layers", "1.1 Outer layer", "1.1.1 Inner layer", "1.2 Second layer",
                      "Afterword", "A last word"]


def flatten(tree):
    for entry in tree:
        yield entry
        yield from flatten(entry[2])


@pytest.mark.parametrize("name", ALL)
def test_ncx_mirrors_the_nav(epubs, name):
    epub = epubs[name]
    spine = epub.opf.find(f"{OPF}spine")
    ncx_path = epub.zip_path(epub.manifest[spine.get("toc")].get("href"))
    ncx = etree.fromstring(epub.files[ncx_path])
    points = [(squash(p.find(f"{NCX}navLabel/{NCX}text").text), epub.resolve_href(p.find(f"{NCX}content").get("src"), ncx_path))
              for p in ncx.iter(f"{NCX}navPoint")]
    assert points == [(label, target) for label, target, _ in flatten(epub.toc_tree())]


@pytest.mark.parametrize("name", ALL)
def test_landmarks(epubs, builds, name):
    epub, book = epubs[name], builds[name].book
    landmarks = {a.get(EPUB_TYPE): epub.resolve_href(a.get("href"), epub.nav_path)
                 for a in epub.nav("landmarks").iter(f"{XHTML}a")}
    assert set(landmarks) >= {"cover", "titlepage", "toc", "bodymatter"}
    assert landmarks["cover"] == cover(epub)[2]
    assert landmarks["titlepage"] == section_of(epub, "titlepage")[0]
    assert landmarks["toc"] == f"{epub.nav_path}#{epub.nav('toc').get('id')}"
    # Body matter starts at the first part, or else at the first numbered chapter.
    first = next(c for c in book.chapters if c.role == "chapter" or c.source.part is not None)
    if first.source.part is not None:
        expected = part_documents(epub)[first.source.part]
    else:
        expected = chapter_documents(epub)[book.chapters.index(first)]
    assert landmarks["bodymatter"] == expected


# --- notes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
def test_footnotes_are_epub3_notes_numbered_through_the_book(epubs, builds, name):
    epub = epubs[name]
    numbers = []
    for path in chapter_documents(epub):
        doc = epub.documents[path]
        asides = {a.get("id"): a for a in doc.iter(f"{XHTML}aside")}
        for ref in doc.iter(f"{XHTML}a"):
            if ref.get(EPUB_TYPE) != "noteref":
                continue
            assert ref.get("href").startswith("#"), "a note lives in its chapter's document"
            aside = asides[ref.get("href")[1:]]
            assert aside.get(EPUB_TYPE) == "footnote"
            backlinks = [a.get("href") for a in aside.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
            assert backlinks == [f"#{ref.get('id')}"]
            numbers.append(int(ref.text))
            assert text_of(aside).startswith(f"{ref.text}.")
    expected = sum(len(c.notes) for c in builds[name].book.chapters)
    assert numbers == list(range(1, expected + 1))


def test_fixture_notes_start_in_the_front_matter(epubs):
    epub = epubs["parts-appendix"]
    preface = chapter_documents(epub)[0]
    refs = [a.text for a in epub.documents[preface].iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
    assert refs == ["1"]
    aside = next(epub.documents[preface].iter(f"{XHTML}aside"))
    assert "A note in the front matter" in text_of(aside)


# --- content ------------------------------------------------------------------------------------


def test_figure_table_and_listing_read_back(epubs):
    epub = epubs["parts-appendix"]
    docs = chapter_documents(epub)
    wicks, ledger = epub.documents[docs[1]], epub.documents[docs[3]]
    figure = wicks.find(f".//{XHTML}figure[@id='fig-lantern']")
    assert text_of(figure.find(f"{XHTML}figcaption")) == "Figure 1.1: A hanging lantern with a tall chimney"
    assert epub.resolve_href(figure.find(f"{XHTML}img").get("src"), docs[1]) in epub.files
    table = wicks.find(f".//{XHTML}table[@id='tbl-materials']")
    assert text_of(table.find(f"{XHTML}caption")) == "Table 1.1: How common wick materials behave"
    listing = ledger.find(f".//{XHTML}figure[@id='lst-ledger-line']")
    assert text_of(listing.find(f"{XHTML}figcaption")) == "Listing 3.1: One line of the ledger, as a record"
    assert listing.find(f".//{XHTML}pre") is not None
    # References read as their targets' numbers and point at them.
    ref = next(a for a in wicks.iter(f"{XHTML}a") if a.get("href") == "#fig-lantern")
    assert squash(text_of(ref).replace("\u00a0", " ")) == "Figure 1.1"


def test_the_validator_does_report_a_broken_book(epubs, tmp_path):
    """EPUBCheck runs in a long-lived process; make sure it still says no to a bad file."""
    source = epubs["minimal"]
    broken = tmp_path / "broken.epub"
    chapter = chapter_documents(source)[0]
    with zipfile.ZipFile(broken, "w") as z:
        for name, data in source.files.items():
            if name == chapter:
                data = data.replace(b"</section>", b"<p>unclosed</section>")
            z.writestr(zipfile.ZipInfo(name), data,
                       compress_type=zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
    messages = epubcheck(broken)
    assert messages and any("ERROR" in m or "FATAL" in m for m in messages)
