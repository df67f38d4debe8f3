"""The web edition's site: a folder of static pages that works from any host and from `file://`.

One page per chapter (`<key>.html`), an `index.html` with the cover, the contents, the
downloads, where to buy the book and its copyright page, the theme's stylesheet, script
and fonts, the book's images, a search index, and copies of the editions `[web] downloads`
offers. Every link is relative and nothing is fetched from elsewhere. Parts have no pages of
their own: they head their chapters in the contents and above each chapter's title, so
Previous and Next always lead from text to text.

What the author lets it give away: with `[web] chapters` the site is a sample, publishing
only those chapters (and searching only them); the others stay in the contents with their
links, and every link into them, leading to the home page's buy links instead.
"""

from __future__ import annotations

import copy
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from lxml import html

from bookwright.editions import EDITIONS
from bookwright.writers.cover import typographic_cover
from bookwright.model import Note, ResolvedBook, ResolvedChapter, TocEntry
from bookwright.paths import theme_dir
from bookwright.words import human_size, words_for
from bookwright.writers.common import (
    body_copy,
    escape_attr,
    escape_text,
    inner_html,
    point_images,
    point_links,
)
from bookwright.diagnostics import Diagnostics
from bookwright.writers.frontmatter import LISTS, copyright_blocks, imprint_lines, list_entry_label, toc_label
from bookwright.writers.ebook_fonts import EbookFonts
from bookwright.writers.theme import (author_css, author_resources, code_css, mark_opening, structure_css, theme_css,
                                      with_faces)
from bookwright.writers.web.callouts import fold_callouts
from bookwright.writers.web.search import SearchSection, chapter_sections, index_script, is_note_call, plain_text
from bookwright.writers.web.snippets import Snippet, read_snippet, script_name

# File names the site itself uses; a chapter with such a key gets a suffix instead.
RESERVED_PAGES = {"index", "sitemap", "404"}
# Where every link into a chapter the site does not publish leads: the home page's buy links.
BUY_PAGE = "index.html#buy"
# How a download is named on the page, by edition format; others show their suffix.
DOWNLOAD_NAMES = {"epub": "EPUB", "pdf": "PDF"}
DOWNLOAD_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf"}
DESCRIPTION_LENGTH = 160


@dataclass
class Download:
    format: str
    path: Path  # the built file, outside the site; copied in
    earlier: bool = False  # left in the output folder by an earlier build, not made by this one
    size: int | None = None  # its size in bytes, when it is not (yet) at `path`

    def byte_size(self) -> int:
        return self.size if self.size is not None else self.path.stat().st_size


@dataclass
class SiteReport:
    pages: int
    search_bytes: int


class WebSite:
    def __init__(self, book: ResolvedBook, diags: Diagnostics | None = None, cache: Path | None = None):
        """`cache`: the build's cache folder (the font subsets are kept there)."""
        self.book = book
        self.moment = book.moment
        self.downloads: list[Download] = []
        m = book.metadata
        self.words = words_for(m.language, book.config.words)
        self.published = published_chapters(book)
        self.pages = {c.key: self.page_name(c.key) for c in self.published}
        self.order = [c.key for c in self.published]
        self.links = book.config.web.links
        self.cover_name = f"cover{m.cover.suffix.lower()}" if m.cover else "cover.png"
        self.base_url = book.config.web_base_url
        self.cover_size = (0, 0)  # set when the cover is written
        diags = diags or Diagnostics()
        self.header = read_snippet(book, book.config.web.header, diags)
        self.footer_snippet = read_snippet(book, book.config.web.footer, diags)
        # WOFF2: a subset of a few dozen kilobytes encodes in milliseconds, and is the smallest.
        self.fonts = EbookFonts(book, book.config.web.embed_fonts, "woff2", cache, self.published)

    @staticmethod
    def page_name(key: str) -> str:
        return f"{key}-chapter.html" if key in RESERVED_PAGES else f"{key}.html"

    # --- the site ---------------------------------------------------------------------

    def cut_fonts_ahead(self, offered: list[str]) -> None:
        """Cuts the fonts for the pages while the editions they offer (`offered`) are still
        being written. The pages `write` makes once they are show the same characters (a
        size is digits and letters every subset keeps): `write` finds these subsets made
        (font_subset.py keeps them), and writes what it would have without this."""
        slug = self.book.metadata.slug
        self.downloads = [Download(name, EDITIONS[name].output_path(Path(), slug), size=0) for name in offered]
        if self.fonts.fonts:
            pages, _ = self.all_pages()
            self.cut_fonts([page for _, page in pages], self.css(), self.script())

    def all_pages(self) -> tuple[list[tuple[str, str]], list[SearchSection]]:
        """Each page's file name and HTML (the chapters', then the home page), and the sections searched."""
        sections: list[SearchSection] = []
        pages: list[tuple[str, str]] = []
        for number, chapter in enumerate(self.published):
            page, chapter_sections_ = self.chapter_page(chapter, number)
            pages.append((self.pages[chapter.key], page))
            sections.extend(chapter_sections_)
        pages.append(("index.html", self.index_page()))
        return pages, sections

    @staticmethod
    def script() -> str:
        return (theme_dir() / "web.js").read_text(encoding="utf-8")

    def write(self, folder: Path, downloads: list[Download]) -> SiteReport:
        self.downloads = [d for d in downloads if d.path.is_file()]
        assets = folder / "assets"
        assets.mkdir(parents=True)
        css = self.css()
        (assets / "book.css").write_text(css, encoding="utf-8")
        shutil.copyfile(theme_dir() / "web.js", assets / "book.js")
        script = self.script()
        for path in author_resources(self.book, "web"):
            target = assets / "author" / path.relative_to(self.book.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        for snippet in (self.header, self.footer_snippet):
            for path in (snippet.scripts if snippet else []):
                target = folder / script_name(self.book, path)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        images = set(self.book.images) | {p for s in (self.header, self.footer_snippet) if s for p in s.images}
        for image in sorted(images):
            target = folder / "media" / image.relative_to(self.book.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.book.image_bytes(image))
        cover = self.cover_bytes()
        (folder / self.cover_name).write_bytes(cover)
        self.cover_size = image_size(cover)
        for download in self.downloads:
            shutil.copyfile(download.path, folder / download.path.name)

        pages, sections = self.all_pages()
        for name, page in pages:
            (folder / name).write_text(page, encoding="utf-8")
        self.write_fonts(folder / "fonts", [page for _, page in pages], css, script)
        # Only what the site publishes is searched: a sample's index holds no withheld text.
        labels = [[self.pages[c.key], self.chapter_label(c)] for c in self.published]
        search = index_script(labels, sections).encode("utf-8")
        (assets / "search-index.js").write_bytes(search)
        if self.base_url:
            (folder / "sitemap.xml").write_text(self.sitemap(), encoding="utf-8")
        return SiteReport(len(self.published) + 1, len(search))

    def write_fonts(self, fonts: Path, pages: list[str], css: str, script: str) -> None:
        """The faces as web fonts, cut to what the pages, the stylesheet and the script show,
        each with its licence; nothing where the author keeps to the reader's fonts."""
        if not self.fonts.fonts:
            return
        fonts.mkdir()
        for font, data in self.cut_fonts(pages, css, script):
            (fonts / font.name).write_bytes(data)
        for name, licence in self.fonts.licences().items():
            shutil.copyfile(licence, fonts / name)

    def cut_fonts(self, pages: list[str], css: str, script: str) -> list:
        """Each carried face cut to what the pages, the stylesheet and the script show."""
        return self.fonts.subsets([html.document_fromstring(page) for page in pages], css, also=script)

    def css(self) -> str:
        dark_code = code_css("github-dark")
        return with_faces("\n".join([
            structure_css("web"),
            "/* Code colours (Pygments): light, then dark for readers whose system is dark. */",
            "@media screen { " + code_css() + " }",
            "@media screen and (prefers-color-scheme: dark) { " + dark_code + " }",
            # From assets/book.css: the fonts in fonts/, the author's files in assets/author/.
            theme_css(self.book, "web", lambda path: "", self.fonts.font_rules(lambda name: f"../fonts/{name}")),
            author_css(self.book, "web", lambda path: "author/" + path.relative_to(self.book.root).as_posix()),
        ]), self.book.config.style, self.fonts.families)

    def cover_bytes(self) -> bytes:
        m = self.book.metadata
        if m.cover:
            return self.book.image_bytes(m.cover)
        return typographic_cover(self.book)

    def sitemap(self) -> str:
        day = self.moment.date().isoformat()
        urls = [self.base_url] + [self.base_url + quote(self.pages[key]) for key in self.order]
        entries = "".join(f"<url><loc>{escape_text(u)}</loc><lastmod>{day}</lastmod></url>\n" for u in urls)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + entries + "</urlset>\n")

    # --- links ------------------------------------------------------------------------

    def href_for(self, current: str):
        def href(chapter: str, element_id: str) -> str:
            if chapter not in self.pages:
                return BUY_PAGE  # a chapter the sample does not publish
            page = "" if chapter == current else self.pages[chapter]
            if element_id:
                return f"{page}#{element_id}"
            return page or "#"
        return href

    def chapter_label(self, chapter: ResolvedChapter) -> str:
        return f"{chapter.number}. {chapter.title}" if chapter.number else chapter.title

    # --- pages ------------------------------------------------------------------------

    def chapter_page(self, chapter: ResolvedChapter, number: int) -> tuple[str, list[SearchSection]]:
        body = body_copy(chapter, "web")
        fold_callouts(body)  # issue 16: Quarto's collapse="true"
        for call in body.xpath(".//a[contains(concat(' ', @class, ' '), ' noteref ')]"):
            call.set("role", "doc-noteref")
            call.set("aria-label", f"{self.words['note']} {call.get('data-note')}")
        point_links(body, self.href_for(chapter.key))
        point_images(body, lambda src: "media/" + src)  # resolve made every src book-relative
        mark_opening(body, chapter, self.book.config.style)
        for epigraph in body.xpath(".//blockquote[contains(concat(' ', @class, ' '), ' epigraph ')]"):
            epigraph.set("role", "doc-epigraph")
        notes = [self.note_html(note, chapter.key) for note in chapter.notes]
        note_text = {str(note.number): plain_text(note.body) for note in chapter.notes}
        sections = chapter_sections(number, self.chapter_label(chapter), body, note_text)

        part = self.book.part_of(chapter)
        eyebrow = f'<p class="part-label">{escape_text(part.title)}</p>\n' if part else ""
        notes_html = ""
        if notes:
            notes_html = (
                f'<aside class="notes" aria-labelledby="notes-title">\n'
                f'<h2 id="notes-title">{escape_text(self.words["notes"])}</h2>\n'
                f'<ol class="notes-list">\n{"".join(notes)}</ol>\n</aside>\n'
            )
        previous = self.order[number - 1] if number > 0 else None
        following = self.order[number + 1] if number + 1 < len(self.order) else None
        main = (
            f"{self.pager(previous, following, 'top')}"
            f'<article class="{escape_attr(" ".join(dict.fromkeys(["chapter", chapter.role])))}"'
            f'{" aria-labelledby=" + chr(34) + escape_attr(chapter.heading_id) + chr(34) if chapter.heading_id else ""}>\n'
            f"{eyebrow}{inner_html(body).strip()}\n</article>\n{notes_html}"
            f"{self.buy_html('buy-chapter')}"
            f"{self.pager(previous, following, 'bottom')}"
        )
        title = f"{self.chapter_label(chapter)} · {self.book.metadata.title}"
        first = body.find(".//p")
        description = _clip(plain_text(first, skip=is_note_call)) if first is not None else ""
        page = self.document(
            title=title,
            description=description or self.book.metadata.description,
            page=self.pages[chapter.key],
            body_class="chapter-page",
            main=main,
            sidebar=self.sidebar(chapter.key),
            previous=previous,
            following=following,
        )
        return page, sections

    def note_html(self, note: Note, chapter_key: str) -> str:
        body = copy.deepcopy(note.body)
        point_links(body, self.href_for(chapter_key))
        back = (
            f'<a href="#{escape_attr(note.call_id)}" class="note-back" role="doc-backlink"'
            f' aria-label="{escape_attr(self.words["back_to_text"])}, {self.words["note"].lower()} {note.number}">'
            "\u21a9\ufe0e</a>"
        )
        return (
            f'<li id="{escape_attr(note.id)}" value="{note.number}" class="note">'
            f'<div class="note-body">{inner_html(body).strip()}</div> {back}</li>\n'
        )

    def index_page(self) -> str:
        m = self.book.metadata
        w = self.words
        subtitle = f'<p class="subtitle">{escape_text(m.subtitle)}</p>\n' if m.subtitle else ""
        description = f'<p class="description">{escape_text(m.description)}</p>\n' if m.description else ""
        width, height = self.cover_size
        cover_alt = f"{w['cover']}: {m.title}" + (f", {', '.join(m.authors)}" if m.authors else "")
        start = self.pages[self.order[0]]
        contents = self.buy_html("buy-home", heading=True)
        intro = (
            '<section class="book-intro" aria-labelledby="book-title">\n'
            f'<img class="cover" src="{self.cover_name}" alt="{escape_attr(cover_alt)}" width="{width}" height="{height}">\n'
            '<div class="book-facts">\n'
            f'<h1 id="book-title">{escape_text(m.title)}</h1>\n{subtitle}'
            f'<p class="authors">{escape_text(", ".join(m.authors))}</p>\n{description}'
            f'<p class="start"><a class="start-link" href="{start}" rel="next">{escape_text(w["start_reading"])}</a></p>\n'
            f"{self.downloads_html('downloads')}"
            "</div>\n</section>\n"
        )
        contents += (
            '<nav class="toc" id="contents" aria-labelledby="contents-title">\n'
            f'<h2 id="contents-title">{escape_text(w["contents"])}</h2>\n'
            f"{self.toc_list(self.book.toc, current=None, full=True)}\n</nav>\n"
        )
        for name, targets in self.book.lists.items():
            # The lists of figures and tables book.toml asks for, as in the other editions.
            element_id, word = LISTS[name]
            items = "".join(
                f'<li><a href="{escape_attr(self.href_for("")(t.chapter, t.element_id))}">'
                f"{escape_text(list_entry_label(t))}</a></li>\n" for t in targets)
            contents += (
                f'<nav class="toc toc-list" id="{element_id}" aria-labelledby="{element_id}-title">\n'
                f'<h2 id="{element_id}-title">{escape_text(w[word])}</h2>\n<ol>\n{items}</ol>\n</nav>\n'
            )
        contents += self.copyright_html()
        return self.document(
            title=m.title + (f": {m.subtitle}" if m.subtitle else ""),
            description=m.description or m.subtitle or m.title,
            page="index.html",
            body_class="index-page",
            main=intro + contents,
            sidebar="",
            previous=None,
            following=self.order[0],
        )

    # --- page furniture ---------------------------------------------------------------

    def document(self, *, title: str, description: str, page: str, body_class: str, main: str,
                 sidebar: str, previous: str | None, following: str | None) -> str:
        m = self.book.metadata
        w = self.words
        head = [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape_text(title)}</title>",
            f'<meta name="description" content="{escape_attr(description)}">',
            f'<meta name="author" content="{escape_attr(", ".join(m.authors))}">',
            '<meta name="generator" content="bookwright">',
            '<meta name="color-scheme" content="light dark">',
            '<meta property="og:type" content="book">',
            f'<meta property="og:title" content="{escape_attr(title)}">',
            f'<meta property="og:description" content="{escape_attr(description)}">',
            # Open Graph wants an absolute address; without a base URL the relative one is
            # still right for hosts that resolve it, and the site stays relocatable.
            f'<meta property="og:image" content="{escape_attr(self.absolute(self.cover_name))}">',
            f'<meta property="og:image:alt" content="{escape_attr(w["cover"] + ": " + m.title)}">',
        ]
        if self.base_url:
            url = self.absolute("" if page == "index.html" else page)
            head.append(f'<meta property="og:url" content="{escape_attr(url)}">')
            head.append(f'<link rel="canonical" href="{escape_attr(url)}">')
        head += [
            '<link rel="icon" href="data:,">',
            '<link rel="stylesheet" href="assets/book.css">',
        ]
        if previous:
            head.append(f'<link rel="prev" href="{self.pages[previous]}">')
        elif page != "index.html":
            head.append('<link rel="prev" href="index.html">')
        if following:
            head.append(f'<link rel="next" href="{self.pages[following]}">')
        head.append('<script src="assets/book.js" defer></script>')
        for snippet in (self.header, self.footer_snippet):
            for path in (snippet.scripts if snippet else []):  # the scripts [web] allow-scripts names
                head.append(f'<script src="{escape_attr(quote(script_name(self.book, path)))}" defer></script>')
        masthead = (
            '<header class="masthead">\n'
            + (f'<a class="home" href="index.html">{escape_text(m.title)}</a>\n' if page != "index.html" else
               f'<span class="home">{escape_text(m.title)}</span>\n')
            + self.search_box()
            + "</header>\n"
        )
        skip = f'<a class="skip-link" href="#content">{escape_text(w["skip"])}</a>\n'
        footer = self.footer(page)
        lang = escape_attr(m.language)
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}" dir="{m.direction}">\n<head>\n' + "\n".join(head) + "\n</head>\n"
            f'<body class="{body_class}">\n{skip}{self.snippet_html(self.header, "author-header")}{masthead}'
            f'<div class="layout">\n<main id="content">\n{main}</main>\n{sidebar}</div>\n{footer}</body>\n</html>\n'
        )

    def absolute(self, relative: str) -> str:
        return self.base_url + quote(relative) if self.base_url else relative

    def search_box(self) -> str:
        w = self.words
        # Hidden until the script runs: without it there is nothing the box could do.
        return (
            f'<form class="search" role="search" hidden data-index="assets/search-index.js"'
            f' data-no-results="{escape_attr(w["no_results"])}" data-one-result="{escape_attr(w["one_result"])}"'
            f' data-results="{escape_attr(w["results"])}">\n'
            f'<label class="visually-hidden" for="search-input">{escape_text(w["search_label"])}</label>\n'
            f'<input id="search-input" type="search" name="q" placeholder="{escape_attr(w["search"])}"'
            ' autocomplete="off" spellcheck="false" aria-controls="search-results">\n'
            '<div id="search-results" class="search-results" hidden></div>\n'
            "</form>\n"
        )

    def pager(self, previous: str | None, following: str | None, where: str) -> str:
        w = self.words
        chapters = {c.key: c for c in self.book.chapters}
        items = [f'<a class="pager-contents" href="index.html#contents">{escape_text(w["contents"])}</a>']
        if previous:
            items.append(
                f'<a class="pager-prev" href="{self.pages[previous]}">'
                f'<span class="pager-dir">{escape_text(w["previous"])}</span> '
                f'<span class="pager-title">{escape_text(self.chapter_label(chapters[previous]))}</span></a>')
        if following:
            items.append(
                f'<a class="pager-next" href="{self.pages[following]}">'
                f'<span class="pager-dir">{escape_text(w["next"])}</span> '
                f'<span class="pager-title">{escape_text(self.chapter_label(chapters[following]))}</span></a>')
        label = w["book_navigation"] if where == "top" else w["book_navigation_end"]
        return f'<nav class="pager pager-{where}" aria-label="{escape_attr(label)}">\n' + "\n".join(items) + "\n</nav>\n"

    def sidebar(self, current: str) -> str:
        return (
            '<nav class="sidebar" aria-labelledby="sidebar-title">\n'
            f'<h2 id="sidebar-title">{escape_text(self.words["contents"])}</h2>\n'
            f"{self.toc_list(self.book.toc, current=current, full=False)}\n"
            f"{self.downloads_html('sidebar-downloads')}"
            "</nav>\n"
        )

    def toc_list(self, entries: list[TocEntry], current: str | None, full: bool) -> str:
        """The contents as nested lists. The index shows every level; a chapter's sidebar
        shows parts and chapters, and the sections of the chapter being read."""
        items = []
        for entry in entries:
            label = escape_text(toc_label(entry))
            if entry.level == 0:
                link = f'<span class="toc-part-title">{label}</span>'
                kind = "toc-part"
            elif entry.chapter not in self.pages:
                # Not in the sample: listed, and leading to where the book can be bought.
                kind = "toc-chapter withheld" if entry.level == 1 else "toc-section withheld"
                link = (f'<a href="{BUY_PAGE}">{label}</a>'
                        + (f' <span class="withheld-note">{escape_text(self.words["in_the_book"])}</span>'
                           if entry.level == 1 else ""))
            else:
                here = entry.chapter == current
                # Always the page's name, even on that page: "#" would say nothing to a reader.
                href = self.pages[entry.chapter] + (f"#{entry.element_id}" if entry.element_id else "")
                mark = ' aria-current="page"' if here and entry.level == 1 else ""
                link = f'<a href="{escape_attr(href)}"{mark}>{label}</a>'
                kind = "toc-chapter" if entry.level == 1 else "toc-section"
                if here and entry.level == 1:
                    kind += " current"
            children = ""
            if entry.children and entry.level > 0 and entry.chapter not in self.pages:
                children = ""  # a withheld chapter's sections stay in the book
            elif entry.children and (full or entry.level == 0 or entry.chapter == current):
                children = "\n" + self.toc_list(entry.children, current, full)
            items.append(f'<li class="{kind}">{link}{children}</li>')
        return "<ol>\n" + "\n".join(items) + "\n</ol>"

    def downloads_html(self, css_class: str) -> str:
        if not self.downloads:
            return ""
        w = self.words
        items = []
        for download in self.downloads:
            name, about = self.download_words(download.format, download.path)
            media_type = DOWNLOAD_TYPES.get(download.path.suffix.lstrip(".").lower())
            type_attr = f' type="{media_type}"' if media_type else ""
            items.append(
                f'<li><a href="{escape_attr(quote(download.path.name))}"{type_attr} download>'
                f"{escape_text(name)}, {human_size(download.byte_size())}</a>"
                + (f' <span class="download-about">{escape_text(about)}</span>' if about else "")
                + "</li>")
        heading_id = f"{css_class}-title"
        return (
            f'<section class="downloads {css_class}" aria-labelledby="{heading_id}">\n'
            f'<h2 id="{heading_id}">{escape_text(w["download"])}</h2>\n'
            f'<ul>\n{"".join(items)}\n</ul>\n</section>\n'
        )

    def download_words(self, fmt: str, path: Path) -> tuple[str, str]:
        """What a download is called and what it is for: ("EPUB", "for ebook readers")."""
        w = self.words
        if fmt.startswith("print-"):
            profile = fmt.removeprefix("print-")
            profile = profile.upper() if len(profile) <= 3 else profile.capitalize()
            return f"{w['print_pdf']} ({profile})", w["about_print"]
        return DOWNLOAD_NAMES.get(fmt, path.suffix.lstrip(".").upper()), w.get(f"about_{fmt}", "")

    def buy_html(self, css_class: str, heading: bool = False) -> str:
        """Where to buy the book: a section with its heading on the home page (the target of
        every link into a withheld chapter), a line after each chapter."""
        withheld = len(self.published) < len(self.book.chapters)
        if not self.links and not (heading and withheld):
            return ""
        w = self.words
        stores = "".join(f'<li><a href="{escape_attr(link.url)}" rel="external">{escape_text(link.name)}</a></li>'
                         for link in self.links)
        if heading:
            return (f'<section class="buy {css_class}" id="buy" aria-labelledby="buy-title">\n'
                    f'<h2 id="buy-title">{escape_text(w["buy"])}</h2>\n'
                    + (f"<ul>{stores}</ul>\n" if stores else "") + "</section>\n")
        return (f'<aside class="buy {css_class}" aria-label="{escape_attr(w["buy"])}">\n'
                f'<p class="buy-label">{escape_text(w["buy"])}</p>\n<ul>{stores}</ul>\n</aside>\n')

    def copyright_html(self) -> str:
        """The copyright page's words, as every edition prints them."""
        w = self.words
        blocks = "".join(f'<p class="copyright-{kind}">' + "<br>".join(escape_text(line) for line in lines) + "</p>\n"
                         for kind, lines in copyright_blocks(self.book))
        return (f'<section class="copyright" id="copyright" aria-labelledby="copyright-title">\n'
                f'<h2 id="copyright-title">{escape_text(w["copyright"])}</h2>\n{blocks}</section>\n')

    def snippet_html(self, snippet: Snippet | None, css_class: str) -> str:
        if snippet is None or not snippet.markup.strip():
            return ""
        return f'<div class="{css_class}">\n{snippet.markup}\n</div>\n'

    def footer(self, page: str) -> str:
        lines = "\n".join(f"<p>{escape_text(line)}</p>" for line in imprint_lines(self.book))
        return ('<footer class="colophon">\n' + self.snippet_html(self.footer_snippet, "author-footer") + lines
                + "\n</footer>\n")


def published_chapters(book: ResolvedBook) -> list[ResolvedChapter]:
    """The chapters the site publishes, in book order: those `[web] chapters` names, else all."""
    if not book.config.web.sample:
        return list(book.chapters)
    named = {(book.root / name).resolve() for name in book.config.web.chapters}
    return [c for c in book.chapters if c.source.path.resolve() in named and not c.generated]


def _clip(text: str) -> str:
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    cut = text[:DESCRIPTION_LENGTH].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "\u2026"


def image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size
