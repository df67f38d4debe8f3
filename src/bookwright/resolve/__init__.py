"""The whole-book pass: numbers, targets, references, notes, images and the TOC.

Input: every chapter parsed. Output: a frozen `ResolvedBook` in which every reference
element carries its final text and target (`data-chapter`, `data-id`), every note is
numbered through the book, every image is known to exist inside the book folder and is
prepared for embedding, and the build's moment is fixed. Writers only decide where a
target lives in their own format; nothing is decided after this pass returns.
"""

from __future__ import annotations

import copy
import difflib
import os
import string
from collections import defaultdict, deque
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.model import (
    LABEL_KINDS,
    Book,
    IndexEntry,
    Note,
    ParsedChapter,
    ResolvedBook,
    ResolvedChapter,
    SourceLocation,
    Target,
    TocEntry,
)
from bookwright.parse.cover_text import parse_cover_text
from bookwright.resolve.conditional import mark_conditional_targets
from bookwright.resolve.apparatus.passes import finish_apparatus, prepare_apparatus
from bookwright.resolve.assets.faces import check_body_face
from bookwright.resolve.furniture import mark_epigraphs, place_furniture
from bookwright.resolve.assets.prepare import cover_location, link_remote_images, prepare_images
from bookwright.resolve.labels import check_unprefixed_references, label_misplaced
from bookwright.paths import is_inside
from bookwright.words import words_for

CAPTIONED = {"fig": ("figure", "figure"), "tbl": ("table", "table"), "lst": ("figure", "listing")}


def resolve_book(book: Book, parsed: list[ParsedChapter], diags: Diagnostics) -> ResolvedBook:
    words = words_for(book.metadata.language, book.config.words)
    unnumbered_counts = {kind: 0 for kind in CAPTIONED}  # shared by every unnumbered chapter
    chapters = [_number_chapter(p, book, words, unnumbered_counts) for p in _chapter_numbers(parsed)]
    for chapter in chapters:
        mark_epigraphs(chapter)
    check_body_face(book, chapters, diags)
    prepare_apparatus(chapters, parsed, diags)  # issue 7: formulas, equation numbers, index marks
    targets, defined_at = _collect_targets(chapters, parsed, words, diags)
    by_file = {p.source.path.resolve(): p for p in parsed}
    for chapter, source in zip(chapters, parsed):
        _resolve_references(chapter, source, targets, defined_at, words, diags)
        _resolve_links(chapter, source, by_file, defined_at, diags)
    check_unprefixed_references(parsed, diags)
    note_counter = [0]
    for chapter in chapters:
        if book.config.notes.numbering == "chapter":
            note_counter = [0]  # [notes] numbering = "chapter" (issue 7)
        chapter.notes.extend(_collect_notes(chapter, note_counter))
    # Issue 7: endnotes, citations and the References chapter, the index and its chapter.
    index = finish_apparatus(book, chapters, parsed, words, diags)
    place_furniture(chapters)  # "Also by" first, "About the author" after the generated back matter
    images = _check_images(book, parsed, diags)
    for chapter in chapters:
        _image_sources_from_book_root(chapter, book.root)
        _describe_figures(chapter)
        _title_callouts(chapter, words)
    mark_conditional_targets(chapters)  # issue 16: links into content some editions leave out
    if book.metadata.cover is not None:
        cover = book.metadata.cover
        where = cover_location(book)
        written = os.path.relpath(cover, book.root)
        if not is_inside(cover, book.root):
            diags.error_at(where, f"cover '{written}' is outside the book folder",
                           hint="keep the cover image inside the folder that holds book.toml")
        elif not cover.is_file():
            diags.error_at(where, f"cover image '{written}' does not exist")
    toc = _build_toc(book, chapters, parsed)
    assets = prepare_images(book, images, parsed, diags)  # image problems join the others in one run
    cover_text = parse_cover_text(book.config, book.root, diags)  # the print covers' back (issue 18)
    for chapter in chapters:
        link_remote_images(chapter.body)
    return ResolvedBook(
        root=book.root, config=book.config, parts=tuple(book.parts),
        chapters=tuple(replace(c, notes=tuple(c.notes)) for c in chapters),
        toc=tuple(_frozen_toc(entry) for entry in toc), targets=MappingProxyType(targets), images=tuple(images),
        moment=book.moment, lists=MappingProxyType(_lists(targets, book.config.lists)),
        index=tuple(_frozen_index(entry) for entry in index), assets=MappingProxyType(assets), cover_text=cover_text)


def _frozen_toc(entry: TocEntry) -> TocEntry:
    return replace(entry, children=tuple(_frozen_toc(child) for child in entry.children))


def _frozen_index(entry: IndexEntry) -> IndexEntry:
    return replace(entry, locators=tuple(entry.locators), see=tuple(entry.see), see_also=tuple(entry.see_also),
                   children=tuple(_frozen_index(child) for child in entry.children))


# --- numbering -----------------------------------------------------------------------------


def _chapter_numbers(parsed: list[ParsedChapter]):
    number, appendix = 0, 0
    for p in parsed:
        # `# Preface {.unnumbered}` (or `{-}`): a chapter or appendix that takes no number
        # and leaves the count to the ones after it.
        if p.headings and p.headings[0].level == 1 and not p.headings[0].numbered:
            yield p, ""
        elif p.source.role == "chapter":
            number += 1
            yield p, str(number)
        elif p.source.role == "appendix":
            yield p, string.ascii_uppercase[appendix % 26] * (appendix // 26 + 1)
            appendix += 1
        else:
            yield p, ""


def _number_chapter(item, book: Book, words: dict, unnumbered_counts: dict[str, int]) -> ResolvedChapter:
    parsed, number = item
    body = copy.deepcopy(parsed.body)
    depth = book.config.numbering_depth
    h1 = body.find(".//h1")
    title = h1.text_content().strip() if h1 is not None else parsed.source.key
    heading_id = h1.get("id", "") if h1 is not None else ""
    counters = [0] * 7
    for el in body.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        level = int(el.tag[1])
        classes = el.get("class", "").split()
        if el.xpath("ancestor::div[contains(@class,'footnote')]"):
            continue
        if level == 1:
            if number:
                word = words["appendix"] if parsed.source.role == "appendix" else words["chapter"]
                _prepend_number(el, f"{word} {number}", "chapter-number")
                el.set("data-number", number)
            continue
        # `{-}` became this class in syntax/unnumbered.py; a heading shown in some editions
        # only (conditional content) would leave a gap in the others' numbers.
        unnumbered = "unnumbered" in classes or bool(el.xpath("ancestor::*[@data-editions]"))
        if not unnumbered:  # an unnumbered section takes no number from the ones after it
            counters[level] += 1
        for deeper in range(level + 1, 7):
            counters[deeper] = 0
        if number and level <= depth and not unnumbered:
            section = ".".join([number] + [str(counters[i]) for i in range(2, level + 1)])
            _prepend_number(el, section, "section-number")
            el.set("data-number", section)
    # A numbered chapter counts its own (5.1, 5.2). Unnumbered chapters (preface, afterword,
    # `{.unnumbered}`) have no number to prefix, so they share one count through the book:
    # a preface's figure is Figure 1 and an afterword's Figure 2, never a second Figure 1.
    counts = {kind: 0 for kind in CAPTIONED} if number else unnumbered_counts
    for el in body.iter("figure", "table"):
        label = el.get("id", "")
        kind = label.split("-", 1)[0]
        if kind not in CAPTIONED or el.xpath("ancestor::div[contains(@class,'footnote')]"):
            continue
        if _panel_of(el) is not None:
            continue  # a sub-figure is lettered within its panel, below
        counts[kind] += 1
        item_number = f"{number}.{counts[kind]}" if number else str(counts[kind])
        el.set("data-number", item_number)
        caption = el.find("figcaption" if el.tag == "figure" else "caption")
        if caption is not None:
            _prepend_number(caption, f"{words[CAPTIONED[kind][1]]} {item_number}", "caption-number", separator=": ")
    _letter_subfigures(body)
    return ResolvedChapter(parsed.source.key, parsed.source, parsed.source.role, title, number, heading_id, body, [])


def _panel_of(el: html.HtmlElement) -> html.HtmlElement | None:
    """The numbered panel a sub-figure belongs to (syntax/panels.py), if it is in one."""
    if el.tag != "figure" or "subfigure" not in el.get("class", "").split():
        return None
    return next((a for a in el.iterancestors("figure") if a.get("id", "").startswith("fig-")), None)


def _letter_subfigures(body: html.HtmlElement) -> None:
    """A panel's sub-figures are (a), (b), ...: "Figure 1.2(a)" when one is referenced."""
    for panel in body.xpath(".//figure[contains(concat(' ', @class, ' '), ' panel ')][@data-number]"):
        subfigures = [f for f in panel.iter("figure") if _panel_of(f) is panel]
        for index, figure in enumerate(subfigures):
            letter = string.ascii_lowercase[index % 26] * (index // 26 + 1)
            figure.set("data-number", f"{panel.get('data-number')}({letter})")
            caption = figure.find("figcaption")
            if caption is not None:
                _prepend_number(caption, f"({letter})", "caption-number")


def _prepend_number(el: html.HtmlElement, text: str, css_class: str, separator: str = " ") -> None:
    span = html.Element("span")
    span.set("class", css_class)
    span.text = text
    has_content = bool((el.text or "").strip()) or len(el)
    span.tail = (separator if has_content else "") + (el.text or "")
    el.text = None
    el.insert(0, span)


# --- targets and references ----------------------------------------------------------------


def _collect_targets(chapters: list[ResolvedChapter], parsed: list[ParsedChapter], words: dict,
                     diags: Diagnostics) -> tuple[dict[str, Target], dict[str, SourceLocation]]:
    targets: dict[str, Target] = {}
    defined_at: dict[str, SourceLocation] = {}
    for chapter, source in zip(chapters, parsed):
        elements = {el.get("id"): el for el in chapter.body.iter() if isinstance(el.tag, str) and el.get("id")}
        for label in source.labels:
            where = label.location
            if label.label in defined_at:
                first = defined_at[label.label]
                diags.error_at(where, f"label #{label.label} is defined twice; first at {_rel(first, diags)}:{first.line}",
                               hint="labels must be unique in the whole book")
                continue
            defined_at[label.label] = where
            el = elements.get(label.label)
            if el is None:
                continue
            misplaced = label_misplaced(label.label, label.kind, el)
            if misplaced:
                diags.error_at(where, misplaced[0], hint=misplaced[1])
                continue
            targets[label.label] = _target(label.label, label.kind, chapter, el, words)
    return targets, defined_at


def _rel(location: SourceLocation, diags: Diagnostics) -> str:
    return diags.display_path(location.path)


# A reference's word and number never part at a line end: "Figure\u00a05.1".
def _target(label: str, kind: str, chapter: ResolvedChapter, el: html.HtmlElement, words: dict) -> Target:
    number = el.get("data-number", "")
    if el.tag == "h1":
        title = chapter.title
        if number:
            word = words["appendix"] if chapter.role == "appendix" else words["chapter"]
            text = f"{word}\u00a0{number}"
        else:
            text = title
    elif el.tag in ("h2", "h3", "h4", "h5", "h6"):
        span = el.find("span")
        title = (span.tail if span is not None and span.get("class") == "section-number" else el.text_content()) or ""
        title = title.strip()
        text = f"{words['section']}\u00a0{number}" if number else title
    else:
        word = words.get(CAPTIONED.get(kind, ("", LABEL_KINDS.get(kind, kind)))[1], kind)  # eq → "equation"
        title = _caption_text(el)
        text = f"{word}\u00a0{number}" if number else word
    return Target(label, kind, chapter.key, label, number, text, title)


def _caption_text(el: html.HtmlElement) -> str:
    """The caption as written, without the "Figure 5.1: " the numbering put before it, and
    without the numbers of note calls in it."""
    caption = el.find("figcaption" if el.tag == "figure" else "caption")
    if caption is None:
        return ""
    caption = copy.deepcopy(caption)
    for call in caption.xpath(".//a[contains(concat(' ', @class, ' '), ' noteref ')] | .//sup[a[contains(@class, 'footnote-ref')]]"):
        call.drop_tree()
    text = caption.text_content()
    span = caption.find("span")
    if span is not None and span.get("class") == "caption-number":
        text = text[len(span.text_content()):].removeprefix(": ")
    return " ".join(text.split())


def _lists(targets: dict[str, Target], wanted: tuple[str, ...]) -> dict[str, list[Target]]:
    """The lists of figures and tables the book asked for, in reading order (the order
    `_collect_targets` met the labels: chapter by chapter, through each body)."""
    kinds = {"figures": "fig", "tables": "tbl"}
    # A sub-figure ("1.2(a)") is listed as its panel is.
    return {name: [t for t in targets.values() if t.kind == kinds[name] and "(" not in t.number] for name in wanted}


def _resolve_references(chapter: ResolvedChapter, source: ParsedChapter, targets: dict[str, Target],
                        defined_at: dict[str, SourceLocation], words: dict, diags: Diagnostics) -> None:
    reported: set[str] = set()
    seen: dict[str, int] = defaultdict(int)  # the n-th reference to a label is its n-th in the source
    for el in chapter.body.iter("a"):
        if "xref" not in el.get("class", "").split():
            continue
        label = el.get("data-ref")
        target = targets.get(label)
        seen[label] += 1
        if target is None and el.get("data-fallback"):
            # A LaTeX or Bookdown reference, already reported with its bookwright form: "??", as LaTeX prints.
            _set_text(el, "??")
            el.set("class", "xref unresolved")
            continue
        if target is None:
            # A label defined in the wrong place has had its own error; only unknown ones report here.
            if label not in reported and label not in defined_at:
                reported.add(label)
                _unknown_reference(label, source, defined_at, diags)
            _set_text(el, f"@{label}")
            el.set("class", "xref unresolved")
            continue
        form = el.get("data-form", "full")
        if el.get("data-prefixed"):
            # The author's own words (they may hold markup), then the number.
            _append_text(el, f"\u00a0{target.number}" if target.number else f" {target.text}")
        else:
            text = (target.number or target.text) if form == "number" else target.text
            if el.get("data-capital"):  # Quarto's `@Fig-x`, at the start of a sentence
                text = text[:1].upper() + text[1:]
            _set_text(el, text)
            if form != "number":
                _check_doubled_word(el, target, source, seen[label] - 1, diags)
        el.set("data-chapter", target.chapter)
        el.set("data-id", target.element_id)
        if form == "page":
            el.set("data-page-words", words["on_page"])


# Abbreviations an author writes before a reference, by the word the reference prints.
ABBREVIATIONS = {"figure": ("fig", "figs", "figure", "figures"), "table": ("tab", "tbl", "table", "tables"),
                 "section": ("sec", "sect", "section", "sections", "§"), "chapter": ("ch", "chap", "chapter"),
                 "equation": ("eq", "eqn", "equation"), "listing": ("lst", "listing")}
FULL_WORDS = {"figure", "figures", "table", "tables", "section", "sections", "chapter", "chapters", "equation",
              "equations", "listing", "listings"}


def _check_doubled_word(el: html.HtmlElement, target: Target, source: ParsedChapter, occurrence: int,
                        diags: Diagnostics) -> None:
    """"Table @tbl-x" prints "Table Table 2.1": a reference prints its kind's word itself."""
    previous = el.getprevious()
    before = (previous.tail if previous is not None else el.getparent().text) or ""
    words = before.rstrip().rsplit(None, 1)
    if not words or not before[-1:].isspace():
        return
    written = words[-1].rstrip(".").lower()
    if words[-1].endswith(".") and written in FULL_WORDS:
        return  # "numbered by chapter. @sec-next comes next": a sentence ends before the reference
    word = target.text.split("\u00a0")[0]
    known = ABBREVIATIONS.get(word.lower(), (word.lower(),)) + (word.lower(),)
    if written not in known or word == target.title:
        return
    locations = next((r.locations for r in source.references if r.label == target.label), [])
    where = locations[min(occurrence, len(locations) - 1)] if locations else SourceLocation(source.source.path, 1, 1)
    printed = target.text.replace("\u00a0", " ")
    diags.warning_at(where, f"'{words[-1]} @{target.label}' prints '{words[-1]} {printed}'",
                     hint=f"@{target.label} prints its word itself; write @{target.label}, or "
                     f"{words[-1]} [-@{target.label}] for the number alone")


def _set_text(el: html.HtmlElement, text: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = text


def _append_text(el: html.HtmlElement, text: str) -> None:
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def _unknown_reference(label: str, source: ParsedChapter, defined_at: dict[str, SourceLocation],
                       diags: Diagnostics) -> None:
    close = difflib.get_close_matches(label, list(defined_at), n=1, cutoff=0.6)
    hint = ""
    if close:
        target_loc = defined_at[close[0]]
        hint = f"did you mean @{close[0]} (defined at {_rel(target_loc, diags)}:{target_loc.line})?"
    locations = next((r.locations for r in source.references if r.label == label), [])
    for where in locations or [SourceLocation(source.source.path, 1, 1)]:
        message = f"unknown reference @{label}"
        if hint:
            message += f"; {hint}"
        diags.error_at(where, message)


def _resolve_links(chapter: ResolvedChapter, source: ParsedChapter, by_file: dict[Path, ParsedChapter],
                   defined_at: dict[str, SourceLocation], diags: Diagnostics) -> None:
    # The n-th link with an href in the tree is the n-th in the source (parse found them in this order).
    locations: dict[str, deque[SourceLocation]] = defaultdict(deque)
    for link in source.links:
        locations[link.href].append(link.location)

    def location(href: str) -> SourceLocation:
        found = locations[href]
        return found.popleft() if found else SourceLocation(source.source.path, 1, 1)

    own_ids = {e.get("id") for e in source.body.iter() if isinstance(e.tag, str) and e.get("id")}
    for el in chapter.body.iter("a"):
        href = el.get("href")
        classes = el.get("class", "").split()
        if not href or "footnote-ref" in classes or "footnote-backref" in classes:
            continue
        if href.startswith("#"):
            where = location(href)
            fragment = unquote(href[1:])
            if fragment not in own_ids:
                elsewhere = defined_at.get(fragment)
                if elsewhere is not None:
                    rel = _rel(elsewhere, diags)
                    hint = f"#{fragment} is in {rel}: link to {rel}#{fragment}, or write @{fragment}"
                else:
                    close = difflib.get_close_matches(fragment, sorted(own_ids), n=1)
                    hint = f"did you mean #{close[0]}?" if close else ""
                diags.error_at(where, f"this chapter has no '#{fragment}'", hint=hint)
                continue
            el.set("data-chapter", chapter.key)
            el.set("data-id", fragment)
            el.attrib.pop("href")
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue
        where = location(href)
        path = (source.source.path.parent / unquote(parts.path)).resolve()
        target = by_file.get(path)
        if target is None:
            book_root = source.source.path.parents[len(Path(source.source.rel).parts) - 1]
            if parts.path.startswith("/") or not is_inside(path, book_root):
                diags.error_at(where, f"link to '{parts.path}', which is outside the book folder",
                               hint="link to a chapter of the book or to a web address")
            elif parts.path.endswith(".md"):
                diags.error_at(where, f"link to '{parts.path}', which is not a chapter of this book",
                               hint="link to a chapter file listed in book.toml")
            else:
                diags.error_at(where, f"link to the file '{parts.path}' inside the book",
                               hint="link to a chapter (.md) or to a web address")
            continue
        fragment = unquote(parts.fragment)
        if fragment and not target.body.xpath("//*[@id=$id]", id=fragment):
            close = difflib.get_close_matches(fragment, [e.get("id") for e in target.body.iter() if isinstance(e.tag, str) and e.get("id")], n=1)
            hint = f"did you mean #{close[0]}?" if close else ""
            diags.error_at(where, f"'{target.source.rel}' has no '#{fragment}'", hint=hint)
            continue
        el.attrib.pop("href")
        el.set("data-chapter", target.source.key)
        el.set("data-id", fragment or "")


# --- notes ---------------------------------------------------------------------------------


def _collect_notes(chapter: ResolvedChapter, counter: list[int]) -> list[Note]:
    """Python-Markdown's footnotes become book-wide numbered `Note`s and neutral calls."""
    container = chapter.body.find(".//div[@class='footnote']")
    if container is None:
        return []
    items = {li.get("id"): li for li in container.iter("li") if li.get("id")}
    numbers: dict[str, Note] = {}
    notes: list[Note] = []
    for sup in list(chapter.body.iter("sup")):
        link = sup.find("a")
        if link is None or "footnote-ref" not in link.get("class", ""):
            continue
        note_key = link.get("data-id") or (link.get("href") or "").lstrip("#")
        li = items.get(note_key)
        if li is None:
            continue
        if note_key not in numbers:
            counter[0] += 1
            number = counter[0]
            body = html.Element("div")
            for child in li:
                body.append(copy.deepcopy(child))
            for back in body.xpath(".//a[contains(@class,'footnote-backref')]"):
                holder = back.getparent()
                _drop_keep_tail(back)
                # A note ending in code had its back link in a paragraph of its own.
                if holder.tag == "p" and not len(holder) and not (holder.text or "").strip():
                    _drop_keep_tail(holder)
            note = Note(number, f"note-{number}", f"note-ref-{number}", body, note_key.partition(":")[2] or note_key)
            numbers[note_key] = note
            notes.append(note)
            call_id = note.call_id
        else:
            call_id = f"{numbers[note_key].call_id}-{len(notes)}"
        note = numbers[note_key]
        call = html.Element("a")
        call.set("class", "noteref")
        call.set("id", call_id)
        call.set("data-note", str(note.number))
        call.set("data-chapter", chapter.key)
        call.set("data-id", note.id)
        call.text = str(note.number)
        call.tail = sup.tail
        sup.getparent().replace(sup, call)
    container.getparent().remove(container)
    return notes


def _drop_keep_tail(el: html.HtmlElement) -> None:
    parent = el.getparent()
    tail = (el.tail or "").rstrip()
    previous = el.getprevious()
    if previous is not None:
        previous.tail = ((previous.tail or "") + tail).rstrip() or None
    else:
        parent.text = ((parent.text or "") + tail).rstrip() or None
    parent.remove(el)


# --- images --------------------------------------------------------------------------------


def _check_images(book: Book, parsed: list[ParsedChapter], diags: Diagnostics) -> list[Path]:
    images: list[Path] = []
    for chapter in parsed:
        for image in chapter.images:
            where = image.location
            parts = urlsplit(image.src)
            if parts.scheme or parts.netloc:
                _addressed_image(image.src, parts.scheme.lower(), where, book.config.allow_remote_images, diags)
                continue
            path = (chapter.source.path.parent / unquote(parts.path))
            if not is_inside(path, book.root) or image.src.startswith("/"):
                diags.error_at(where, f"image '{image.src}' is outside the book folder",
                               hint="keep images inside the folder that holds book.toml")
                continue
            if not path.is_file():
                diags.error_at(where, f"image '{image.src}' does not exist")
                continue
            path = path.resolve()
            if path not in images:
                images.append(path)
    return images


def _image_sources_from_book_root(chapter: ResolvedChapter, root: Path) -> None:
    """A chapter in a subfolder links images relative to itself; writers place images by
    their path in the book, so every local `src` is rewritten relative to the book folder."""
    folder = chapter.source.path.parent
    for img in chapter.body.iter("img"):
        src = img.get("src", "")
        parts = urlsplit(src)
        if not src or parts.scheme or parts.netloc:
            continue
        path = (folder / unquote(parts.path)).resolve()
        if is_inside(path, root):
            img.set("src", path.relative_to(root.resolve()).as_posix())


def _describe_figures(chapter: ResolvedChapter) -> None:
    """A figure's image without `fig-alt` is described by its caption, as the reader sees it
    now that the references and citations in it have their text (syntax/figures.py)."""
    for img in chapter.body.xpath(".//img[@data-alt='caption']"):
        del img.attrib["data-alt"]
        figure = next((a for a in img.iterancestors("figure")), None)
        if figure is not None:
            img.set("alt", _caption_text(figure))


def _title_callouts(chapter: ResolvedChapter, words: dict) -> None:
    """A callout the author gave no title is titled by its kind, in the book's language.
    Callouts and margin content are notes to the text, not landmarks of the page (an
    `<aside>` alone would be one, and a page of them confuses navigation)."""
    for title in chapter.body.xpath(".//p[@class='callout-title'][@data-callout]"):
        title.text = words.get(f"callout_{title.attrib.pop('data-callout')}", "")
    for aside in chapter.body.iter("aside"):
        classes = aside.get("class", "").split()
        if "callout" in classes or "column-margin" in classes:
            aside.set("role", "doc-tip" if "callout-tip" in classes else "note")


def _addressed_image(src: str, scheme: str, where: SourceLocation, allow_remote: bool, diags: Diagnostics) -> None:
    """An image given by an address rather than a file of the book: never fetched."""
    shown = src if len(src) <= 80 else src[:77] + "..."
    if scheme in ("http", "https") and allow_remote:
        diags.warning_at(where, f"remote image '{shown}' is not fetched; the editions link to it",
                         hint="download it into the book folder to show it in the book")
    elif scheme in ("http", "https"):
        diags.error_at(where, f"remote image '{shown}' is not fetched",
                       hint="download the image into the book folder and link to the file, "
                       "or set allow-remote-images = true in [book] to link to it instead")
    elif scheme == "file":
        diags.error_at(where, f"image '{shown}' is outside the book folder",
                       hint="keep images inside the folder that holds book.toml and link to them by a relative path")
    elif scheme == "data":
        diags.error_at(where, "an image embedded as a data: address is not supported",
                       hint="save the image as a file in the book folder and link to the file")
    else:
        diags.error_at(where, f"image '{shown}' is not a file of the book",
                       hint="link to an image file inside the book folder by a relative path")


# --- table of contents ---------------------------------------------------------------------


def _unlisted(heading: html.HtmlElement) -> bool:
    """`{.unlisted}`, or a heading inside content some editions leave out."""
    return "unlisted" in heading.get("class", "").split() or bool(heading.xpath("ancestor::*[@data-editions]"))


def _build_toc(book: Book, chapters: list[ResolvedChapter], parsed: list[ParsedChapter]) -> list[TocEntry]:
    depth = book.config.toc_depth
    toc: list[TocEntry] = []
    current_part = None
    for chapter in chapters:
        entry = TocEntry(chapter.title, chapter.key, "", chapter.number, 1)
        stack = [entry]
        for el in chapter.body.iter("h2", "h3", "h4", "h5", "h6"):
            level = int(el.tag[1])
            if level > depth or not el.get("id") or _unlisted(el):
                continue
            span = el.find("span[@class='section-number']")
            title = (span.tail if span is not None else el.text_content()).strip()
            node = TocEntry(title, chapter.key, el.get("id"), el.get("data-number", ""), level)
            while stack and stack[-1].level >= level:
                stack.pop()
            (stack[-1].children if stack else entry.children).append(node)
            stack.append(node)
        part = book.parts[chapter.source.part] if chapter.source.part is not None else None
        if part is not None:
            if current_part is None or current_part.chapter != part.key:
                current_part = TocEntry(part.title, part.key, "", "", 0)
                toc.append(current_part)
            current_part.children.append(entry)
        else:
            current_part = None
            toc.append(entry)
    return toc
