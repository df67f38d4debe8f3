"""The EPUB 3 package: one XHTML file per chapter, a nav document and an NCX, the book's
faces embedded (cut to the characters the book uses, with their licences), notes as EPUB 3
pop-up footnotes.

ebooklib writes the package (OPF, NCX, zip); every XHTML document is written here in
full, so ebooklib's HTML rewriting and its known pitfalls (non-linear cover page, shared
creator ids, local-time `dcterms:modified`, a page list of every `epub:type`, a package
without `xml:lang`) never reach the file.
"""

from __future__ import annotations

import copy
import datetime
import io
import mimetypes
import zipfile
from pathlib import Path

from ebooklib import epub
from lxml import etree

from bookwright.writers.cover import typographic_cover
from bookwright.resolve.apparatus.formulas import contains_math
from bookwright.model import Note, ResolvedBook, ResolvedChapter, TocEntry
from bookwright.words import words_for
from bookwright.writers.common import (
    EPUB_NS,
    body_copy,
    escape_attr,
    escape_text,
    inner_xml,
    point_images,
    point_links,
)
from bookwright.writers.frontmatter import (AFTER_COPYRIGHT_ROLES, BEFORE_TITLE_ROLES, FRONT_BLOCK_ROLES, LISTS,
                                            before_lists, copyright_blocks, furniture, list_entry_label, title_page, toc_label)
from bookwright.writers.epub.a11y import EpubAccessibility, page_list_label, reader_css
from bookwright.writers.pagelist import PageLayout, PageMarkers
from bookwright.writers.ebook_fonts import EbookFonts
from bookwright.writers.theme import (author_css, author_resources, code_css, mark_opening, structure_css, theme_css,
                                      with_faces)

# Chapter roles → (epub:type, DPUB-ARIA role) on the chapter's <section>.
SECTION_SEMANTICS = {
    "chapter": ("chapter", "doc-chapter"),
    "preface": ("preface", "doc-preface"),
    "foreword": ("foreword", "doc-foreword"),
    "introduction": ("introduction", "doc-introduction"),
    "prologue": ("prologue", "doc-prologue"),
    "acknowledgments": ("acknowledgments", "doc-acknowledgments"),
    "dedication": ("dedication", "doc-dedication"),
    "appendix": ("appendix", "doc-appendix"),
    "afterword": ("afterword", "doc-afterword"),
    "epilogue": ("epilogue", "doc-epilogue"),
    "glossary": ("glossary", "doc-glossary"),
    "colophon": ("colophon", "doc-colophon"),
    "epigraph": ("epigraph", "doc-epigraph"),
    # No vocabulary names these: a plain section, in the front or back matter.
    "also-by": ("", ""),
    "about-author": ("", ""),
    # Generated back matter (issue 7).
    "notes": ("endnotes", "doc-endnotes"),
    "bibliography": ("bibliography", "doc-bibliography"),
    "index": ("index", "doc-index"),
}
GENERATED_PAGES = {"cover", "title", "copyright", "nav", "lists"}
LISTS_FILE = "lists.xhtml"
# epub:type of each generated list (EPUB Structural Semantics: list of illustrations, of tables).
LIST_TYPES = {"figures": "loi", "tables": "lot"}
CSS_HREF = "styles/book.css"
# The author's stylesheets' files (images, fonts) are packaged under this folder, by their
# path in the book folder.
AUTHOR_FILES = "styles/author/"
# How the EPUB's manifest types each font format it may carry.
FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2"}
FONTS = "fonts/"


class EpubPackage:
    def __init__(self, book: ResolvedBook, pages: PageLayout | None = None, claim: bool = False,
                 cache: Path | None = None):
        """`pages`: where a PDF of the same run begins each page, for the page list; `claim`:
        write the conformance claim, because the gate will verify the file (epub/a11y.py);
        `cache`: the build's cache folder (the font subsets are kept there)."""
        self.book = book
        self.cache = cache
        self.moment = book.moment
        self.words = words_for(book.metadata.language, book.config.words)
        self.files = {c.key: self._file_name(c.key) for c in book.chapters}
        self.files.update({p.key: f"{p.key}.xhtml" for p in book.parts})
        self.lists = [(name, targets) for name, targets in book.lists.items() if targets]
        owners = {"#title": "title.xhtml", "#copyright": "copyright.xhtml", "#toc": "nav.xhtml", **self.files}
        if self.lists:
            owners["#lists"] = LISTS_FILE
        markers = PageMarkers(pages, owners) if pages is not None else None
        self.accessibility = EpubAccessibility(book, markers, claim)

    @staticmethod
    def _file_name(key: str) -> str:
        return f"{key}-chapter.xhtml" if key in GENERATED_PAGES or key.startswith("part-") else f"{key}.xhtml"

    # --- documents ---------------------------------------------------------------------

    def document(self, title: str, body: str, body_type: str = "") -> bytes:
        """A complete XHTML content document, checked well-formed by parsing it."""
        lang = escape_attr(self.book.metadata.language)
        direction = self.book.metadata.direction
        body_attr = f' data-epub-type="{body_type}"' if body_type else ""
        text = (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}" dir="{direction}">\n'
            f"<head>\n<meta charset=\"utf-8\"/>\n<title>{escape_text(title)}</title>\n"
            f'<link rel="stylesheet" type="text/css" href="{CSS_HREF}"/>\n</head>\n'
            f"<body{body_attr}>\n{body}\n</body>\n</html>\n"
        )
        root = etree.fromstring(text.encode("utf-8"))
        for el in root.iter():
            if isinstance(el.tag, str) and "data-epub-type" in el.attrib:
                el.set(f"{{{EPUB_NS}}}type", el.attrib.pop("data-epub-type"))
        return b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n' + etree.tostring(root, encoding="utf-8")

    def href_for(self, current: str):
        def href(chapter: str, element_id: str) -> str:
            base = "" if chapter == current else self.files[chapter]
            if element_id:
                return f"{base}#{element_id}"
            return self.files[chapter]  # the top of a chapter, even the current one
        return href

    def chapter_document(self, chapter: ResolvedChapter) -> bytes:
        body = body_copy(chapter, "epub")
        for ref in body.xpath(".//a[contains(concat(' ', @class, ' '), ' noteref ')]"):
            ref.set("data-epub-type", "noteref")
            ref.set("role", "doc-noteref")
        point_links(body, self.href_for(chapter.key))
        point_images(body, lambda src: "media/" + src)
        mark_opening(body, chapter, self.book.config.style)
        for quote in body.xpath(".//blockquote[contains(concat(' ', @class, ' '), ' epigraph ')]"):
            quote.set("data-epub-type", "epigraph")
            quote.set("role", "doc-epigraph")
        epub_type, role = SECTION_SEMANTICS.get(chapter.role, SECTION_SEMANTICS["chapter"])
        semantics = f'data-epub-type="{epub_type}" role="{role}" ' if epub_type else ""
        notes = "".join(self.note_xml(note, chapter.key) for note in chapter.notes)
        section = (
            f'<section {semantics}class="{chapter.role}"'
            f' aria-labelledby="{escape_attr(chapter.heading_id)}">\n{inner_xml(body)}\n{notes}</section>'
        )
        matter = "frontmatter" if chapter.is_front_matter else ("backmatter" if chapter.role != "chapter" else "bodymatter")
        return self.document(chapter.title, section, matter)

    def note_xml(self, note: Note, chapter_key: str) -> str:
        body = copy.deepcopy(note.body)
        point_links(body, self.href_for(chapter_key))
        back = (
            f' <a href="#{note.call_id}" role="doc-backlink" class="note-back"'
            f' aria-label="{escape_attr(self.words["notes"])} {note.number}">\u21a9\ufe0e</a>'
        )
        content = inner_xml(body).rstrip()
        # The back link goes after the note's text, inside its last paragraph when there is one.
        if content.endswith("</p>"):
            content = content[: -len("</p>")] + back + "</p>"
        else:
            content += back
        return (
            f'<aside data-epub-type="footnote" role="doc-footnote" id="{note.id}" class="note">'
            f'<span class="note-number">{note.number}.</span> {content}</aside>\n'
        )

    def part_document(self, index: int) -> bytes:
        part = self.book.parts[index]
        body = (
            f'<section data-epub-type="part" role="doc-part" class="part" aria-labelledby="{part.key}-title">'
            f'<h1 id="{part.key}-title">{escape_text(part.title)}</h1></section>'
        )
        return self.document(part.title, body, "bodymatter")

    def cover_document(self, alt: str) -> bytes:
        body = (
            f'<section data-epub-type="cover" class="cover">'
            f'<img role="doc-cover" src="media/cover.png" alt="{escape_attr(alt)}"/></section>'
        )
        return self.document(self.words["cover"], body, "cover")

    def title_document(self) -> bytes:
        page = title_page(self.book)
        subtitle = f'<p class="subtitle">{escape_text(page.subtitle)}</p>' if page.subtitle else ""
        publisher = f'<p class="publisher">{escape_text(page.publisher)}</p>' if page.publisher else ""
        body = (
            f'<section data-epub-type="titlepage" class="titlepage" aria-label="{escape_attr(self.words["title_page"])}">'
            f'<h1 class="title">{escape_text(page.title)}</h1>{subtitle}'
            f'<p class="authors">{escape_text(page.authors)}</p>{publisher}</section>'
        )
        return self.document(page.title, body, "frontmatter")

    def copyright_document(self) -> bytes:
        paragraphs = "".join(f'<p class="copyright-{kind}">' + "<br/>".join(escape_text(line) for line in lines)
                             + "</p>" for kind, lines in copyright_blocks(self.book))
        body = (
            f'<section data-epub-type="copyright-page" class="copyright" aria-label="{escape_attr(self.words["copyright"])}">'
            f"{paragraphs}</section>"
        )
        return self.document(self.words["copyright"], body, "frontmatter")

    def lists_document(self) -> bytes:
        """The lists of figures and tables, each entry a link to its target."""
        sections = []
        for name, targets in self.lists:
            element_id, word = LISTS[name]
            entries = "".join(
                f'<li><a href="{escape_attr(self.files[t.chapter])}#{escape_attr(t.element_id)}">'
                f"{escape_text(list_entry_label(t))}</a></li>"
                for t in targets
            )
            sections.append(
                f'<nav data-epub-type="{LIST_TYPES[name]}" id="{element_id}" class="list-of" aria-labelledby="{element_id}-title">'
                f'<h1 id="{element_id}-title">{escape_text(self.words[word])}</h1><ol>{entries}</ol></nav>'
            )
        return self.document(self.words[LISTS[self.lists[0][0]][1]], "\n".join(sections), "frontmatter")

    def list_toc_entries(self) -> list[tuple[str, str]]:
        """(href, title) of each generated list, for the contents before the chapters."""
        return [(f"{LISTS_FILE}#{LISTS[name][0]}", self.words[LISTS[name][1]]) for name, _ in self.lists]

    def nav_document(self) -> bytes:
        def items(entries: list[TocEntry]) -> str:
            out = []
            for entry in entries:
                href = self.files[entry.chapter] + (f"#{entry.element_id}" if entry.element_id else "")
                children = f"<ol>{items(entry.children)}</ol>" if entry.children else ""
                out.append(f'<li><a href="{escape_attr(href)}">{escape_text(toc_label(entry))}</a>{children}</li>')
            return "".join(out)

        front, rest = before_lists(self.book)  # in spine order: the furniture, the lists, the rest
        first_body = next(
            (self.files[c.key] if c.source.part is None else self.files[self.book.parts[c.source.part].key]
             for c in self.book.chapters if c.role == "chapter"),
            self.files[self.book.chapters[0].key],
        )
        landmarks = [
            ("cover", "cover.xhtml", self.words["cover"]),
            ("titlepage", "title.xhtml", self.words["title_page"]),
            ("toc", "nav.xhtml#toc", self.words["contents"]),
            ("bodymatter", first_body, self.words["start"]),
        ]
        lists = "".join(
            f'<li><a href="{escape_attr(href)}">{escape_text(title)}</a></li>' for href, title in self.list_toc_entries()
        )
        landmark_items = "".join(
            f'<li><a data-epub-type="{kind}" href="{href}">{escape_text(label)}</a></li>' for kind, href, label in landmarks
        )
        body = (
            f'<nav data-epub-type="toc" role="doc-toc" id="toc" aria-labelledby="toc-title">'
            f'<h1 id="toc-title">{escape_text(self.words["contents"])}</h1>'
            f'<ol>{items(front)}{lists}{items(rest)}</ol></nav>\n'
            f'<nav data-epub-type="landmarks" hidden="hidden" aria-label="{escape_attr(self.words["landmarks"])}">'
            f"<ol>{landmark_items}</ol></nav>"
        )
        return self.document(self.words["contents"], body, "frontmatter")

    # --- package -----------------------------------------------------------------------

    def write(self, path: Path) -> None:
        m = self.book.metadata
        book = epub.EpubBook()
        book.set_identifier(m.identifier)
        book.title = m.title  # read by the NCX writer
        book.add_metadata("DC", "title", m.title, {"id": "title"})
        book.set_language(m.language)
        book.set_direction(m.direction)
        if m.subtitle:
            book.add_metadata("DC", "title", m.subtitle, {"id": "subtitle"})
            book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
            book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
        for number, author in enumerate(m.authors, 1):
            book.add_metadata("DC", "creator", author, {"id": f"creator-{number}"})
            book.add_metadata(None, "meta", "aut", {"refines": f"#creator-{number}", "property": "role",
                                                    "scheme": "marc:relators"})
        for name, value in (("publisher", m.publisher), ("date", m.date), ("rights", m.rights),
                            ("description", m.description)):
            if value:
                book.add_metadata("DC", name, value)
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})

        documents: list[bytes] = []  # every XHTML document as packaged: what the fonts must show

        def add(uid: str, file_name: str, content: bytes, media_type: str, properties=()) -> epub.EpubItem:
            if media_type == "application/xhtml+xml":
                content, found = self.accessibility.finish(uid, content, page_list_label(m.language))
                properties = list(dict.fromkeys([*properties, *found]))
                documents.append(content)
            item = epub.EpubItem(uid=uid, file_name=file_name, media_type=media_type, content=content)
            item.properties = list(properties)
            book.add_item(item)
            return item

        style = self.book.config.style
        fonts = EbookFonts(self.book, self.book.config.epub.embed_fonts, cache=self.cache)
        resources = author_resources(self.book, "epub")
        # From styles/book.css: the fonts in fonts/, the author's files in styles/author/.
        css = reader_css(with_faces("\n".join([
            structure_css("epub"), code_css(),
            theme_css(self.book, "epub", lambda path: "", fonts.font_rules(lambda name: f"../{FONTS}{name}")),
            author_css(self.book, "epub", lambda path: self._author_file(path).removeprefix("styles/")),
        ]), style, fonts.families))
        add("css", CSS_HREF, css.encode("utf-8"), "text/css")
        for number, resource in enumerate(resources, 1):
            media_type = FONT_TYPES.get(resource.suffix.lower()) or mimetypes.guess_type(resource.name)[0]
            add(f"style-file-{number}", self._author_file(resource), resource.read_bytes(),
                media_type or "application/octet-stream")
        cover_bytes = self.book.image_bytes(m.cover) if m.cover else typographic_cover(self.book)
        cover_type = mimetypes.guess_type(m.cover.name)[0] if m.cover else "image/png"
        add("cover-image", "media/cover.png" if not m.cover else f"media/cover{m.cover.suffix.lower()}",
            cover_bytes, cover_type, ["cover-image"])
        for number, image in enumerate(self.book.images, 1):
            rel = image.relative_to(self.book.root).as_posix()
            media_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
            add(f"image-{number}", f"media/{rel}", self.book.image_bytes(image), media_type)

        cover_alt = f"{self.words['cover']}: {m.title}" + (f", {', '.join(m.authors)}" if m.authors else "")
        cover_page = self.cover_document(cover_alt)
        if m.cover:
            cover_page = cover_page.replace(b"media/cover.png", f"media/cover{m.cover.suffix.lower()}".encode())
        def chapter_item(chapter):
            return add(f"c-{chapter.key}", self.files[chapter.key], self.chapter_document(chapter),
                       "application/xhtml+xml", ["mathml"] if contains_math(chapter) else [])

        # The trade order, as the PDFs have it (frontmatter.py says which roles go where).
        spine = [
            add("cover", "cover.xhtml", cover_page, "application/xhtml+xml"),
            *(chapter_item(c) for c in furniture(self.book, BEFORE_TITLE_ROLES)),
            add("titlepage", "title.xhtml", self.title_document(), "application/xhtml+xml"),
            add("copyright", "copyright.xhtml", self.copyright_document(), "application/xhtml+xml"),
            *(chapter_item(c) for c in furniture(self.book, AFTER_COPYRIGHT_ROLES)),
            add("nav", "nav.xhtml", self.nav_document(), "application/xhtml+xml", ["nav"]),
        ]
        if self.lists:
            spine.append(add("lists", LISTS_FILE, self.lists_document(), "application/xhtml+xml"))
        in_front = {c.key for c in furniture(self.book, FRONT_BLOCK_ROLES)}
        done_parts: set[int] = set()
        for chapter in self.book.chapters:
            if chapter.key in in_front:
                continue
            part = chapter.source.part
            if part is not None and part not in done_parts:
                done_parts.add(part)
                key = self.book.parts[part].key
                spine.append(add(key, self.files[key], self.part_document(part), "application/xhtml+xml"))
            spine.append(chapter_item(chapter))
        book.spine = spine
        # The fonts last: cut to what every document above shows, and the licence each needs.
        roots = [etree.fromstring(document) for document in documents]
        for number, (font, data) in enumerate(fonts.subsets(roots, css), 1):
            add(f"font-{number}", FONTS + font.name, data, FONT_TYPES[Path(font.name).suffix.lower()])
        for number, (name, licence) in enumerate(fonts.licences().items(), 1):
            add(f"font-licence-{number}", FONTS + name, licence.read_bytes(), "text/plain")
        book.add_item(epub.EpubNcx())
        numbers = iter(range(1, 1_000_000))
        front, rest = before_lists(self.book)
        book.toc = self._ncx_toc(front, numbers)
        book.toc += [epub.Link(href, title, f"nav-{next(numbers)}") for href, title in self.list_toc_entries()]
        book.toc += self._ncx_toc(rest, numbers)
        self.accessibility.add_metadata(book)

        # ebooklib's zip is only an intermediate that normalise_zip rewrites (and compresses)
        # entry by entry, so it is kept in memory and not compressed: deflating it twice was
        # a tenth of the EPUB's build time on a long book.
        raw = io.BytesIO()
        writer = PackageWriter(raw, book, {
            "mtime": self.moment.astimezone(datetime.timezone.utc).replace(tzinfo=None),
            "epub3_pages": False, "epub3_landmark": False, "epub2_guide": False,
            "raise_exceptions": True, "language": m.language, "direction": m.direction,
            "compresslevel": 0,
        })
        writer.process()
        writer.write()
        normalise_zip(raw, path, self.moment)

    def _author_file(self, path: Path) -> str:
        """Where a file an author's stylesheet names is packaged."""
        return AUTHOR_FILES + path.relative_to(self.book.root).as_posix()

    def _ncx_toc(self, entries: list[TocEntry], numbers):
        out = []
        for entry in entries:
            href = self.files[entry.chapter] + (f"#{entry.element_id}" if entry.element_id else "")
            uid = f"nav-{next(numbers)}"  # NCX ids must be XML names: never derived from labels
            if entry.children:
                out.append((epub.Section(toc_label(entry), href), self._ncx_toc(entry.children, numbers)))
            else:
                out.append(epub.Link(href, toc_label(entry), uid))
        return out


class PackageWriter(epub.EpubWriter):
    """ebooklib's writer, with the package element given the book's language and direction."""

    def _write_opf_file(self, root):
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.options["language"])
        root.set("dir", self.options["direction"])
        super()._write_opf_file(root)


def normalise_zip(source: Path | io.BytesIO, target: Path, moment: datetime.datetime) -> None:
    """Rewrites the container reproducibly: `mimetype` first and stored, entries in a fixed
    order, every timestamp the build moment."""
    stamp = moment.astimezone(datetime.timezone.utc).timetuple()[:6]
    stamp = (max(stamp[0], 1980),) + stamp[1:]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        names = zin.namelist()
        order = ["mimetype"] + sorted(n for n in names if n != "mimetype")
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, zin.read(name), compresslevel=9 if name != "mimetype" else None)
