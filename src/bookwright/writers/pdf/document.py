"""The PDF editions' HTML: the whole book (or one unit of it) as the document WeasyPrint lays out.

Ids are unique per chapter only, so every id is namespaced with its chapter key as the
chapters are joined (`05-trust--sec-repair`), and links are pointed at the new ids.
Notes become WeasyPrint footnotes at the call site; page numbers in the contents and in
page references come from `target-counter`, so they hold after any re-layout. The screen
PDF and every print interior lay out the same document; a print interior's only differs
where paper does (a web address printed after its link's words).
"""

from __future__ import annotations

import copy

from lxml import html

from bookwright.model import ResolvedBook, ResolvedChapter, TocEntry
from bookwright.words import words_for
from bookwright.writers.common import (
    body_copy,
    escape_attr,
    escape_text,
    front_matter_keys,
    inner_html,
    point_images,
    point_links,
    rename_ids,
)
from bookwright.writers.frontmatter import (AFTER_COPYRIGHT_ROLES, BEFORE_TITLE_ROLES, FRONT_BLOCK_ROLES, LISTS,
                                            before_lists, copyright_blocks, furniture, list_entry_label, title_page, toc_label)
from bookwright.writers.pdf.apparatus import draw_formulas, index_body, replace_index, tidy_footnotes
from bookwright.writers.pdf.author_css import author_css
from bookwright.writers.pdf.linebreaks import break_long_words, spaces_into_inlines
from bookwright.writers.pdf.typesetting import typesetting_css
from bookwright.writers.theme import code_css, mark_opening, structure_css, theme_css, with_faces

NOTE_BLOCKS = ("p", "ul", "ol", "li", "pre", "blockquote", "div", "dl", "dt", "dd", "figure", "table")


class PdfDocument:
    def __init__(self, book: ResolvedBook, printed: bool = False, probe=None):
        """`printed`: for paper (web addresses print after their words); `probe`: a
        pagelist.LayoutProbe, which marks the blocks a page can begin with (the EPUB's
        page list follows them)."""
        self.book = book
        self.moment = book.moment
        self.printed = printed
        self.probe = probe
        self.words = words_for(book.metadata.language, book.config.words)
        self.front = front_matter_keys(book)
        self.lists = [(name, targets) for name, targets in book.lists.items() if targets]
        self.index_pages: dict[str, int] | None = None  # from a first layout; see pdf/apparatus.py
        self._made: dict[str, str] = {}  # chapter markup made once: only the index changes with the layout

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
        for back in body.xpath(".//a[contains(concat(' ', @class, ' '), ' note-back ')]"):
            back.text = None  # print.css draws the arrow: no face need have the character
        # Issue 7: formulas as SVG, the index with page numbers.
        draw_formulas(body)
        tidy_footnotes(body)
        if chapter.role == "index" and self.book.index:
            replace_index(chapter, body, index_body(self.book, self.words, self.front, self.index_pages, self.anchor))
        for table in body.xpath(".//table[@id][caption]"):
            # WeasyPrint anchors a table below its caption; a link should show the caption too.
            table.find("caption").set("id", table.attrib.pop("id"))
        for table in body.xpath(".//table[caption/span[@class='caption-number']]"):
            # A table split over pages is "Table 6.1 (continued)" on the next (pdf/unit_rounds.py).
            table.set("data-continued", self.words["continued"])
        for ref in body.xpath(".//a[@data-page-words]"):
            if ref.get("data-chapter") in self.front:
                ref.set("class", ref.get("class", "") + " front-target")
        rename_ids(body, lambda i: self.anchor(chapter.key, i))
        point_links(body, lambda c, i: self.href(c, i))
        mark_opening(body, chapter, self.book.config.style)
        if self.printed:
            mark_printed_urls(body)  # paper cannot be clicked: a web address prints after its text
        spaces_into_inlines(body)
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

        # The lists follow the contents in the front matter, and the contents names them after
        # the furniture that precedes the contents page.
        front, rest = before_lists(self.book)
        lists = "".join(
            f'<li class="chapter"><a href="#{LISTS[name][0]}" class="front">{escape_text(self.words[LISTS[name][1]])}</a></li>'
            for name, _ in self.lists
        )
        return (
            f'<nav class="toc" id="contents"><h1>{escape_text(self.words["contents"])}</h1>'
            f"<ol>{items(front)}{lists}{items(rest)}</ol></nav>\n"
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

    def stylesheet(self) -> str:
        """The structure, the theme and its faces, the book's own rules (page size, bookmarks,
        typesetting), then the author's CSS for this edition."""
        edition = "print" if self.printed else "pdf"
        return with_faces("\n".join([structure_css(edition), code_css(),
                                     theme_css(self.book, edition, lambda path: path.as_uri()), self.generated_css(),
                                     author_css(self.book, edition)]), self.book.config.style)

    def html_document(self) -> str:
        return self.wrap("".join(markup for _, markup in self.sections()))

    def wrap(self, body: str, words_broken: bool = False) -> str:
        """A whole HTML document around `body` (the book, or one unit of it: book_layout.py);
        `words_broken`: over-long words in `body` are breakable already (linebreaks.py)."""
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
        document = (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{m.direction}"><head>{"".join(head)}</head>\n'
                    f"<body>\n{body}</body></html>\n")
        return document if words_broken else break_long_words(document)

    def sections(self) -> list[tuple[str, str]]:
        """The book's markup in the order it is laid out, as (key, markup): the front block
        (half-title to the lists) under "#front", then each part and chapter under its key."""
        page = title_page(self.book)
        subtitle = f'<p class="subtitle">{escape_text(page.subtitle)}</p>' if page.subtitle else ""
        publisher = f'<p class="publisher">{escape_text(page.publisher)}</p>' if page.publisher else ""
        # The trade order: half-title, the author's other books facing the title page, title,
        # copyright, dedication and epigraph, then the contents (frontmatter.py says which roles).
        parts = [
            f'<section class="halftitle"><h1 class="title">{escape_text(page.title)}</h1></section>',
            *(self.chapter_html(c, False) for c in furniture(self.book, BEFORE_TITLE_ROLES)),
            self._probed("#title", f'<section class="titlepage"><h1 class="title">{escape_text(page.title)}</h1>{subtitle}'
                         f'<p class="authors">{escape_text(page.authors)}</p>{publisher}</section>'),
            self._probed("#copyright", '<section class="copyright">' + "".join(
                f'<p class="copyright-{kind}">' + "<br/>".join(escape_text(line) for line in lines) + "</p>"
                for kind, lines in copyright_blocks(self.book)) + "</section>"),
            *(self.chapter_html(c, False) for c in furniture(self.book, AFTER_COPYRIGHT_ROLES)),
            self._probed("#toc", self.toc_html()),
            self._probed("#lists", self.lists_html()),
        ]
        sections = [("#front", "".join(parts))]
        in_front = {c.key for c in furniture(self.book, FRONT_BLOCK_ROLES)}
        done_parts: set[int] = set()
        first_body = True
        for chapter in self.book.chapters:
            if chapter.key in in_front:
                continue
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
            if chapter.role == "index" or chapter.key not in self._made:
                self._made[chapter.key] = self.chapter_html(chapter, is_first)
            sections.append((chapter.key, self._made[chapter.key]))
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


def mark_printed_urls(body) -> None:
    """Marks each web link whose words are not its address, so that print shows both."""
    for link in body.iter("a"):
        href = link.get("href", "")
        if href.startswith(("http://", "https://")):
            words = " ".join("".join(link.itertext()).split())
            if words.rstrip("/") not in (href.rstrip("/"), href.split("://", 1)[1].rstrip("/")):
                link.set("class", (link.get("class", "") + " printed-url").strip())
