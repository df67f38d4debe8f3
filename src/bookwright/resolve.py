"""The whole-book pass: numbers, targets, references, notes, images and the TOC.

Input: every chapter parsed. Output: a `ResolvedBook` in which every reference element
carries its final text and target (`data-chapter`, `data-id`), every note is numbered
through the book, and every image is known to exist inside the book folder. Writers
only decide where a target lives in their own format.
"""

from __future__ import annotations

import copy
import difflib
import string
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.model import (
    BACK_MATTER_ROLES,
    Book,
    Note,
    ParsedChapter,
    ResolvedBook,
    ResolvedChapter,
    SourceLocation,
    Target,
    TocEntry,
)
from bookwright.paths import is_inside
from bookwright.words import words_for

CAPTIONED = {"fig": ("figure", "figure"), "tbl": ("table", "table"), "lst": ("figure", "listing")}


def resolve_book(book: Book, parsed: list[ParsedChapter], diags: Diagnostics) -> ResolvedBook:
    words = words_for(book.metadata.language)
    chapters = [_number_chapter(p, book, words) for p in _chapter_numbers(parsed)]
    targets, defined_at = _collect_targets(chapters, parsed, words, diags)
    by_file = {p.source.path.resolve(): p for p in parsed}
    for chapter, source in zip(chapters, parsed):
        _resolve_references(chapter, source, targets, defined_at, words, diags)
        _resolve_links(chapter, source, by_file, diags)
    note_counter = [0]
    for chapter in chapters:
        chapter.notes.extend(_collect_notes(chapter, note_counter))
    images = _check_images(book, parsed, diags)
    if book.metadata.cover is not None:
        cover = book.metadata.cover
        where = book.config.toml_path
        if not is_inside(cover, book.root):
            diags.error(where, 1, 1, f"cover '{cover}' is outside the book folder")
        elif not cover.is_file():
            diags.error(where, 1, 1, f"cover image '{cover.relative_to(book.root)}' does not exist")
    toc = _build_toc(book, chapters, parsed)
    return ResolvedBook(book.root, book.config, book.parts, chapters, toc, targets, images)


# --- numbering -----------------------------------------------------------------------------


def _chapter_numbers(parsed: list[ParsedChapter]):
    number, appendix = 0, 0
    for p in parsed:
        if p.source.role == "chapter":
            number += 1
            yield p, str(number)
        elif p.source.role == "appendix":
            yield p, string.ascii_uppercase[appendix % 26] * (appendix // 26 + 1)
            appendix += 1
        else:
            yield p, ""


def _number_chapter(item, book: Book, words: dict) -> ResolvedChapter:
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
        counters[level] += 1
        for deeper in range(level + 1, 7):
            counters[deeper] = 0
        if number and level <= depth and "unnumbered" not in classes and "-" not in classes:
            section = ".".join([number] + [str(counters[i]) for i in range(2, level + 1)])
            _prepend_number(el, section, "section-number")
            el.set("data-number", section)
    counts = {kind: 0 for kind in CAPTIONED}
    for el in body.iter("figure", "table"):
        label = el.get("id", "")
        kind = label.split("-", 1)[0]
        if kind not in CAPTIONED or el.xpath("ancestor::div[contains(@class,'footnote')]"):
            continue
        counts[kind] += 1
        item_number = f"{number}.{counts[kind]}" if number else str(counts[kind])
        el.set("data-number", item_number)
        caption = el.find("figcaption" if el.tag == "figure" else "caption")
        if caption is not None:
            _prepend_number(caption, f"{words[CAPTIONED[kind][1]]} {item_number}", "caption-number", separator=": ")
    return ResolvedChapter(parsed.source.key, parsed.source, parsed.source.role, title, number, heading_id, body, [])


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
                diags.error(where.path, where.line, where.col,
                            f"label #{label.label} is defined twice; first at {_rel(first, diags)}:{first.line}",
                            hint="labels must be unique in the whole book")
                continue
            defined_at[label.label] = where
            el = elements.get(label.label)
            if el is None:
                continue
            targets[label.label] = _target(label.label, label.kind, chapter, el, words)
    return targets, defined_at


def _rel(location: SourceLocation, diags: Diagnostics) -> str:
    return diags._display(location.path)


def _target(label: str, kind: str, chapter: ResolvedChapter, el: html.HtmlElement, words: dict) -> Target:
    number = el.get("data-number", "")
    if el.tag == "h1":
        title = chapter.title
        if number:
            word = words["appendix"] if chapter.role == "appendix" else words["chapter"]
            text = f"{word} {number}"
        else:
            text = title
    elif el.tag in ("h2", "h3", "h4", "h5", "h6"):
        span = el.find("span")
        title = (span.tail if span is not None and span.get("class") == "section-number" else el.text_content()) or ""
        title = title.strip()
        text = f"{words['section']} {number}" if number else title
    else:
        word = words.get(CAPTIONED.get(kind, ("", kind))[1], kind)
        title = ""
        text = f"{word} {number}" if number else word
    return Target(label, kind, chapter.key, label, number, text, title)


def _resolve_references(chapter: ResolvedChapter, source: ParsedChapter, targets: dict[str, Target],
                        defined_at: dict[str, SourceLocation], words: dict, diags: Diagnostics) -> None:
    reported: set[str] = set()
    for el in chapter.body.iter("a"):
        if "xref" not in el.get("class", "").split():
            continue
        label = el.get("data-ref")
        target = targets.get(label)
        if target is None:
            if label not in reported:
                reported.add(label)
                _unknown_reference(label, source, defined_at, diags)
            el.text = f"@{label}"
            el.set("class", "xref unresolved")
            continue
        form = el.get("data-form", "full")
        prefix = el.get("data-prefix", "")
        if form == "number":
            text = target.number or target.text
        elif prefix:
            text = f"{prefix} {target.number}" if target.number else target.text
        else:
            text = target.text
        el.text = text
        el.set("data-chapter", target.chapter)
        el.set("data-id", target.element_id)
        if form == "page":
            el.set("data-page-words", words["on_page"])


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
        diags.error(where.path, where.line, where.col, message)


def _resolve_links(chapter: ResolvedChapter, source: ParsedChapter, by_file: dict[Path, ParsedChapter],
                   diags: Diagnostics) -> None:
    locations = {link.href: link.location for link in source.links}
    own_ids = {e.get("id") for e in source.body.iter() if isinstance(e.tag, str) and e.get("id")}
    for el in chapter.body.iter("a"):
        href = el.get("href")
        classes = el.get("class", "").split()
        if not href or "footnote-ref" in classes or "footnote-backref" in classes:
            continue
        if href.startswith("#"):
            fragment = unquote(href[1:])
            if fragment not in own_ids:
                where = source.source.path
                found = [l for l in source.links if l.href == href]
                loc = found[0].location if found else SourceLocation(where, 1, 1)
                close = difflib.get_close_matches(fragment, sorted(own_ids), n=1)
                diags.error(loc.path, loc.line, loc.col, f"this chapter has no '#{fragment}'",
                            hint=f"did you mean #{close[0]}?" if close else "")
                continue
            el.set("data-chapter", chapter.key)
            el.set("data-id", fragment)
            el.attrib.pop("href")
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            continue
        where = locations.get(href, SourceLocation(source.source.path, 1, 1))
        path = (source.source.path.parent / unquote(parts.path)).resolve()
        target = by_file.get(path)
        if target is None:
            if parts.path.endswith(".md"):
                diags.error(where.path, where.line, where.col, f"link to '{parts.path}', which is not a chapter of this book",
                            hint="link to a chapter file listed in book.toml")
            else:
                diags.error(where.path, where.line, where.col, f"link to the file '{parts.path}' inside the book",
                            hint="link to a chapter (.md) or to a web address")
            continue
        fragment = unquote(parts.fragment)
        if fragment and not target.body.xpath(f"//*[@id=$id]", id=fragment):
            close = difflib.get_close_matches(fragment, [e.get("id") for e in target.body.iter() if isinstance(e.tag, str) and e.get("id")], n=1)
            hint = f"did you mean #{close[0]}?" if close else ""
            diags.error(where.path, where.line, where.col, f"'{target.source.rel}' has no '#{fragment}'", hint=hint)
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
                _drop_keep_tail(back)
            note = Note(number, f"note-{number}", f"note-ref-{number}", body)
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
                diags.error(where.path, where.line, where.col, f"remote image '{image.src}' is not fetched",
                            hint="download the image into the book folder and link to the file")
                continue
            path = (chapter.source.path.parent / unquote(parts.path))
            if not is_inside(path, book.root) or image.src.startswith("/"):
                diags.error(where.path, where.line, where.col, f"image '{image.src}' is outside the book folder",
                            hint="keep images inside the folder that holds book.toml")
                continue
            if not path.is_file():
                diags.error(where.path, where.line, where.col, f"image '{image.src}' does not exist")
                continue
            path = path.resolve()
            if path not in images:
                images.append(path)
    return images


# --- table of contents ---------------------------------------------------------------------


def _build_toc(book: Book, chapters: list[ResolvedChapter], parsed: list[ParsedChapter]) -> list[TocEntry]:
    depth = book.config.toc_depth
    toc: list[TocEntry] = []
    current_part = None
    for chapter in chapters:
        entry = TocEntry(chapter.title, chapter.key, "", chapter.number, 1)
        stack = [entry]
        for el in chapter.body.iter("h2", "h3", "h4", "h5", "h6"):
            level = int(el.tag[1])
            if level > depth or not el.get("id"):
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
