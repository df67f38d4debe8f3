"""The PDF edition: the whole book as one HTML document, laid out by WeasyPrint.

Ids are unique per chapter only, so every id is namespaced with its chapter key as the
chapters are joined (`05-trust--sec-repair`), and links are pointed at the new ids.
Notes become WeasyPrint footnotes at the call site; page numbers in the contents and in
page references come from `target-counter`, so they hold after any re-layout.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from lxml import html
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook, ResolvedChapter, TocEntry
from bookwright.paths import is_inside, theme_dir
from bookwright.words import words_for
from bookwright.writers.common import (
    LISTS,
    body_copy,
    escape_attr,
    escape_text,
    front_matter_keys,
    inner_html,
    list_entry_label,
    point_images,
    point_links,
    rename_ids,
    toc_label,
)
from bookwright.writers.pdf.apparatus import (
    anchor_pages, data_response, draw_formulas, index_body, replace_index, tidy_footnotes)
from bookwright.writers.pdf.tagged import finish_tagged_pdf
from bookwright.writers.pdf.linebreaks import break_long_words
from bookwright.writers.pdf.layout_places import LayoutPlaces
from bookwright.writers.pdf.lost_notes import LostNotes, report_lost_notes
from bookwright.writers.theme import code_css, stylesheet
from bookwright.writers.pdf.print.profiles import PROFILES, mark_printed_urls
from bookwright.writers.pdf.typesetting import mark_drop_cap, typesetting_css

NOTE_BLOCKS = ("p", "ul", "ol", "li", "pre", "blockquote", "div", "dl", "dt", "dd", "figure", "table")


class BookFetcher(URLFetcher):
    """Serves only files inside the book folder and the theme; never the network."""

    def __init__(self, roots: list[Path], prepared: dict[Path, bytes] | None = None):
        super().__init__(allowed_protocols={"file"})
        self.roots = roots
        self.prepared = prepared or {}  # images as assets/prepare.py made them: scaled, SVG made inert

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return data_response(url)  # formulas drawn as SVG (issue 7): inside the document
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"bookwright does not fetch '{url}' during a build")
        path = Path(url2pathname(unquote(parts.path)))
        if not is_inside(path, *self.roots) or not path.is_file():
            raise ValueError(f"'{path}' is outside the book folder and the theme, or missing")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = self.prepared.get(path.resolve())
        return URLFetcherResponse(url, data if data is not None else path.read_bytes(), {"Content-Type": media_type})


class WeasyPrintMessages(logging.Handler):
    """WeasyPrint logs rather than raises; its warnings become the author's warnings."""

    def __init__(self, diags: Diagnostics, book: ResolvedBook):
        super().__init__(logging.WARNING)
        self.diags = diags
        self.places = LayoutPlaces(book)  # the chapter and line a message is about, where it tells

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().splitlines()[0]
        if "HarfBuzz-Subset" in message:
            return  # about the machine's libraries, not the book; fontTools subsets correctly
        if "has no required alt description" in message:
            return  # reported with the chapter's file and line (parse/accessibility.py)
        for placed in self.places.place(message):
            self.diags.warning_at(placed, placed.message, hint=placed.hint)


class ObservedHTML(HTML):
    """Shows every layout of the book to its observers before it is written: the EPUB's
    page list reads where the pages begin (writers/pagelist.py), and lost_notes.py looks
    for footnotes the engine dropped. The last layout is the one written."""

    def __init__(self, observers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.observers = [observer for observer in observers if observer is not None]

    def render(self, *args, **kwargs):
        document = super().render(*args, **kwargs)
        for observer in self.observers:
            observer.observe(document)
        return document


class PdfEdition:
    def __init__(self, book: ResolvedBook, moment: datetime.datetime, profile: str = "screen", probe=None,
                 jobs: int = 1):
        self.book = book
        # Worker processes for a print interior (pdf/jobs.py); the tagged screen edition is one pass.
        self.jobs = jobs
        self.moment = moment
        self.profile = profile  # "screen", or a print profile of print_profiles.PROFILES
        # A pagelist.LayoutProbe, when the EPUB's page list is to follow this edition's pages.
        self.probe = probe
        self.lost_notes = LostNotes()
        self.words = words_for(book.metadata.language, book.config.words)
        self.front = front_matter_keys(book)
        self.lists = [(name, targets) for name, targets in book.lists.items() if targets]
        self.index_pages: dict[str, int] | None = None  # from a first layout; see pdf/apparatus.py

    @staticmethod
    def anchor(chapter: str, element_id: str) -> str:
        return f"{chapter}--{element_id}" if element_id else chapter

    def href(self, chapter: str, element_id: str) -> str:
        return "#" + self.anchor(chapter, element_id)

    # --- the document ------------------------------------------------------------------

    def chapter_html(self, chapter: ResolvedChapter, first_body: bool) -> str:
        body = body_copy(chapter, "pdf")
        if self.probe is not None:
            self.probe.mark_blocks(chapter.key, body, lambda i: self.anchor(chapter.key, i))
        self._place_notes(chapter, body)
        # Issue 7: formulas as SVG, the index with page numbers.
        draw_formulas(body)
        tidy_footnotes(body)
        if chapter.role == "index" and self.book.index:
            replace_index(chapter, body, index_body(self.book, self.words, self.front, self.index_pages, self.anchor))
        for table in body.xpath(".//table[@id][caption]"):
            # WeasyPrint anchors a table below its caption; a link should show the caption too.
            table.find("caption").set("id", table.attrib.pop("id"))
        for ref in body.xpath(".//a[@data-page-words]"):
            if ref.get("data-chapter") in self.front:
                ref.set("class", ref.get("class", "") + " front-target")
        rename_ids(body, lambda i: self.anchor(chapter.key, i))
        point_links(body, lambda c, i: self.href(c, i))
        if self.book.config.page.opening == "drop-cap":
            mark_drop_cap(body)
        if self.profile != "screen":
            mark_printed_urls(body)  # paper cannot be clicked: a web address prints after its text
        point_images(body, lambda src: src)
        h1 = body.find(".//h1")
        if h1 is not None:
            h1.set("class", (h1.get("class", "") + " chapter-title").strip())
            # The outline reads like the contents: "5. Trust", "Preface".
            h1.set("data-bookmark", f"{chapter.number}. {chapter.title}" if chapter.number else chapter.title)
            h1.set("data-title", chapter.title)  # the running head over right-hand pages
        classes = ["chapter", chapter.role]
        classes.append("front-matter" if chapter.key in self.front else "body-matter")
        if first_body:
            classes.append("body-start")
        if chapter.source.part is not None:
            classes.append("in-part")
        running = chapter.title
        return (
            f'<section class="{" ".join(classes)}" id="{escape_attr(chapter.key)}" data-title="{escape_attr(running)}">'
            f"{inner_html(body)}</section>\n"
        )

    def _place_notes(self, chapter: ResolvedChapter, body: html.HtmlElement) -> None:
        notes = {note.id: note for note in chapter.notes}
        placed: set[str] = set()
        for call in body.xpath(".//a[contains(concat(' ', @class, ' '), ' noteref ')]"):
            note = notes.get(call.get("data-id"))
            if note is None or note.id in placed:
                # A second call to the same note stays a numbered link, as in the EPUB and
                # on the web: to the note at the foot of the first call's page.
                continue
            placed.add(note.id)
            footnote = html.Element("span")
            footnote.set("class", "footnote")
            footnote.set("id", note.id)  # what a second call links to
            footnote.set("data-note", str(note.number))
            content = copy.deepcopy(note.body)
            for el in content.iter(*NOTE_BLOCKS):
                el.set("class", (el.get("class", "") + f" note-block note-{el.tag}").strip())
                el.tag = "span"
            footnote.text = content.text
            for child in content:
                footnote.append(child)
            footnote.tail = call.tail
            call.getparent().replace(call, footnote)

    def toc_html(self) -> str:
        def items(entries: list[TocEntry]) -> str:
            out = []
            for entry in entries:
                kind = {0: "part", 1: "chapter"}.get(entry.level, "section")
                front = " class=\"front\"" if entry.chapter in self.front else ""
                href = self.href(entry.chapter, entry.element_id)
                children = items(entry.children)
                out.append(f'<li class="{kind}"><a href="{escape_attr(href)}"{front}>{escape_text(toc_label(entry))}</a></li>{children}')
            return "".join(out)

        # The lists follow the contents in the front matter, and the contents names them first.
        lists = "".join(
            f'<li class="chapter"><a href="#{LISTS[name][0]}" class="front">{escape_text(self.words[LISTS[name][1]])}</a></li>'
            for name, _ in self.lists
        )
        return (
            f'<nav class="toc" id="contents"><h1>{escape_text(self.words["contents"])}</h1>'
            f"<ol>{lists}{items(self.book.toc)}</ol></nav>\n"
        )

    def lists_html(self) -> str:
        """The lists of figures and tables, with page numbers from `target-counter`."""
        out = []
        for name, targets in self.lists:
            element_id, word = LISTS[name]
            entries = []
            for t in targets:
                front = ' class="front"' if t.chapter in self.front else ""
                entries.append(f'<li><a href="{escape_attr(self.href(t.chapter, t.element_id))}"{front}>'
                               f"{escape_text(list_entry_label(t))}</a></li>")
            entries = "".join(entries)
            out.append(f'<nav class="list-of" id="{element_id}"><h1>{escape_text(self.words[word])}</h1><ol>{entries}</ol></nav>\n')
        return "".join(out)

    def _probed(self, owner: str, markup: str) -> str:
        """A generated page, shown to the layout probe (if any) as the start of `owner`."""
        if self.probe is None or not markup.strip():
            return markup
        elements = html.fragments_fromstring(markup)
        self.probe.mark_page(owner, elements[0])
        return "".join(html.tostring(el, encoding="unicode") if not isinstance(el, str) else el for el in elements)

    def html_document(self) -> str:
        return self.wrap("".join(markup for _, markup in self.sections()))

    def wrap(self, body: str) -> str:
        """A whole HTML document around `body` (the book, or one unit of it: pdf/jobs.py)."""
        m = self.book.metadata
        head = [
            '<meta charset="utf-8">',
            f"<title>{escape_text(m.title)}</title>",
            *(f'<meta name="author" content="{escape_attr(a)}">' for a in m.authors),
            '<meta name="generator" content="bookwright">',
            f'<meta name="dcterms.created" content="{self.moment.isoformat()}">',
            f'<meta name="dcterms.modified" content="{self.moment.isoformat()}">',
        ]
        if m.description:
            head.append(f'<meta name="description" content="{escape_attr(m.description)}">')
        lang = escape_attr(m.language)
        return break_long_words(
            f'<!DOCTYPE html>\n<html lang="{lang}" dir="{m.direction}"><head>{"".join(head)}</head>\n'
            f"<body>\n{body}</body></html>\n"
        )

    def sections(self) -> list[tuple[str, str]]:
        """The book's markup in the order it is laid out, as (key, markup): the front block
        (half-title to the lists) under "#front", then each part and chapter under its key."""
        m = self.book.metadata
        subtitle = f'<p class="subtitle">{escape_text(m.subtitle)}</p>' if m.subtitle else ""
        publisher = f'<p class="publisher">{escape_text(m.publisher)}</p>' if m.publisher else ""
        copyright_lines = [m.title + (f": {m.subtitle}" if m.subtitle else ""), ", ".join(m.authors)]
        copyright_lines += [line for line in (m.rights, m.publisher) if line]
        if m.identifier.startswith("urn:isbn:"):
            copyright_lines.append("ISBN " + m.identifier.removeprefix("urn:isbn:"))
        parts = [
            f'<section class="halftitle"><h1 class="title">{escape_text(m.title)}</h1></section>',
            self._probed("#title", f'<section class="titlepage"><h1 class="title">{escape_text(m.title)}</h1>{subtitle}'
                         f'<p class="authors">{escape_text(", ".join(m.authors))}</p>{publisher}</section>'),
            self._probed("#copyright", '<section class="copyright">'
                         + "".join(f"<p>{escape_text(l)}</p>" for l in copyright_lines) + "</section>"),
            self._probed("#toc", self.toc_html()),
            self._probed("#lists", self.lists_html()),
        ]
        sections = [("#front", "".join(parts))]
        done_parts: set[int] = set()
        first_body = True
        for chapter in self.book.chapters:
            index = chapter.source.part
            if index is not None and index not in done_parts:
                done_parts.add(index)
                part = self.book.parts[index]
                start = " body-start" if first_body else ""
                first_body = False
                sections.append((part.key, self._probed(part.key, f'<section class="part{start}" id="{part.key}"><h1>{escape_text(part.title)}</h1></section>')))
            is_first = first_body and chapter.key not in self.front
            if is_first:
                first_body = False
            sections.append((chapter.key, self.chapter_html(chapter, is_first)))
        return sections

    def generated_css(self) -> str:
        page = self.book.config.page
        depth = self.book.config.toc_depth
        rules = [f"@page {{ size: {page.width} {page.height}; }}"]
        # The outline mirrors the contents: parts, then chapters, then sections to the TOC depth.
        rules.append("section.part h1 { bookmark-level: 1; }")
        rules.append("section.chapter h1 { bookmark-level: 1; bookmark-label: attr(data-bookmark); }")
        rules.append("section.in-part h1 { bookmark-level: 2; }")
        for level in range(2, 7):
            if level <= depth:
                rules.append(f"section.chapter h{level} {{ bookmark-level: {level}; }}")
                rules.append(f"section.in-part h{level} {{ bookmark-level: {level + 1}; }}")
            else:
                rules.append(f"section.chapter h{level} {{ bookmark-level: none; }}")
        rules.append(typesetting_css(self.book.config.page))
        return "\n".join(rules)

    def write(self, path: Path, diags: Diagnostics) -> None:
        document = self.html_document()
        fetcher = BookFetcher([self.book.root, theme_dir()], self.book.assets)
        css = stylesheet("base.css", "print.css") + "\n" + code_css() + "\n" + self.generated_css()
        handler = WeasyPrintMessages(diags, self.book)
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            doc = ObservedHTML((self.probe, self.lost_notes), string=document, base_url=self.book.root.as_uri() + "/", url_fetcher=fetcher)
            fonts = FontConfiguration()  # without it @font-face rules are ignored
            stylesheets = [CSS(string=css, base_url=(theme_dir() / "print.css").as_uri(), url_fetcher=fetcher,
                               font_config=fonts)]
            identifier = hashlib.sha256(self.book.metadata.identifier.encode("utf-8")).hexdigest()[:32].encode()
            if self.profile != "screen" and self.jobs > 1 and self.probe is None and self.book.metadata.direction == "ltr":
                from bookwright.writers.pdf.jobs import write_print_pdf_jobs

                write_print_pdf_jobs(self, self.profile, css, identifier, path, diags, self.jobs)
                return
            if self.profile != "screen":
                from bookwright.writers.pdf.print import write_print_pdf

                def relaid(layout):
                    """The document again, with what the print layout tells (issue 7's index pages)."""
                    if not self.book.index:
                        return None
                    self.index_pages = anchor_pages(layout)
                    return ObservedHTML((self.probe, self.lost_notes), string=self.html_document(),
                                        base_url=self.book.root.as_uri() + "/", url_fetcher=fetcher)

                write_print_pdf(self.book, self.profile, doc, css, fetcher, identifier, path, diags, relaid)
                report_lost_notes(self.book, self.lost_notes.lost, PROFILES[self.profile].service + " file", diags)
                return
            if self.book.index:
                # Issue 7: a first layout tells which index locators share a page or follow one.
                self.index_pages = anchor_pages(doc.render(stylesheets=stylesheets, font_config=fonts))
                document = self.html_document()
                doc = ObservedHTML((self.probe, self.lost_notes), string=document, base_url=self.book.root.as_uri() + "/", url_fetcher=fetcher)
            # The screen edition is tagged for assistive technology (PDF/UA-1); its running
            # heads and folios are then marked as page furniture, which WeasyPrint leaves to us.
            doc.write_pdf(path, stylesheets=stylesheets, font_config=fonts, pdf_identifier=identifier,
                          pdf_variant="pdf/ua-1", finisher=finish_tagged_pdf)
            report_lost_notes(self.book, self.lost_notes.lost, "PDF", diags)
        finally:
            logger.removeHandler(handler)
