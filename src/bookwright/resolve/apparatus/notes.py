"""Endnotes: `[notes] placement` moves each chapter's notes out of the footnote flow.

- "footnotes" (the default): nothing moves; every writer shows `chapter.notes` its own
  way (foot of the page in the PDFs, pop-ups in the EPUB, beside the text on the web).
- "endnotes-chapter": the notes close their chapter, under a "Notes" heading.
- "endnotes-book": a generated "Notes" chapter gathers them, one "Notes to Chapter 5"
  group per chapter.

Moved notes become ordinary content (`<section class="endnotes">` with an ordered list,
each note followed by a link back to its call), so the writers need nothing new; the note
calls keep their class `noteref` and now link to the endnote.
"""

from __future__ import annotations

import copy

from lxml import html

from bookwright.resolve.apparatus.generated import place_generated
from bookwright.model import Book, Note, ResolvedChapter


def place_notes(book: Book, chapters: list[ResolvedChapter], words: dict) -> None:
    placement = book.config.notes.placement
    with_notes = [c for c in chapters if c.notes]
    if placement == "footnotes" or not with_notes:
        return
    if placement == "endnotes-chapter":
        for chapter in with_notes:
            section = _section(words["notes"], "h2")
            section.append(_note_list(chapter, chapter.notes, chapter.key, lambda note: note.id, words))
            chapter.body.append(section)
            chapter.notes.clear()
        return
    target = place_generated(book, chapters, "notes", words["notes"])
    for chapter in with_notes:
        section = _section(_notes_to(chapter, words), "h2")
        section.append(_note_list(chapter, chapter.notes, target.key, lambda note, c=chapter: f"{c.key}-{note.id}", words))
        target.body.append(section)
        chapter.notes.clear()


def _notes_to(chapter: ResolvedChapter, words: dict) -> str:
    if chapter.number:
        word = words["appendix"] if chapter.role == "appendix" else words["chapter"]
        name = f"{word} {chapter.number}"
    else:
        name = chapter.title
    return words["notes_to"].format(name)


def _section(title: str, tag: str) -> html.HtmlElement:
    section = html.Element("section")
    section.set("class", "endnotes")
    section.set("data-epub-type", "endnotes")
    section.set("role", "doc-endnotes")
    heading = html.Element(tag)
    heading.set("class", "endnotes-title")
    heading.text = title
    section.append(heading)
    return section


def _note_list(chapter: ResolvedChapter, notes: list[Note], target_key: str, new_id, words: dict) -> html.HtmlElement:
    ol = html.Element("ol")
    ol.set("class", "endnotes-list")
    ids = {note.id: new_id(note) for note in notes}
    for call in chapter.body.xpath(".//a[contains(concat(' ', @class, ' '), ' noteref ')]"):
        if call.get("data-id") in ids:
            call.set("data-chapter", target_key)
            call.set("data-id", ids[call.get("data-id")])
    for note in notes:
        li = html.Element("li")
        li.set("id", ids[note.id])
        li.set("value", str(note.number))
        li.set("class", "endnote")
        li.set("data-epub-type", "endnote")
        body = copy.deepcopy(note.body)
        li.text = body.text
        for child in body:
            li.append(child)
        # The number is printed, not left to the list: WeasyPrint ignores `value`, and
        # per-chapter numbers or a book-wide count rarely start at 1 in every list.
        number = html.Element("span")
        number.set("class", "note-number")
        number.text = f"{note.number}."
        first = li[0] if len(li) and not (li.text or "").strip() else None
        holder = first if first is not None and first.tag == "p" else li
        number.tail = " " + (holder.text or "").lstrip()
        holder.text = None
        holder.insert(0, number)
        back = html.Element("a")
        back.set("class", "note-back")
        back.set("role", "doc-backlink")
        back.set("aria-label", f"{words['notes']} {note.number}")
        back.set("data-chapter", chapter.key)
        back.set("data-id", note.call_id)
        back.text = "\u21a9\ufe0e"
        # After the note's text: inside its last paragraph when it ends with one.
        last = li[-1] if len(li) else None
        holder = last if last is not None and last.tag == "p" else li
        if len(holder):
            holder[-1].tail = (holder[-1].tail or "").rstrip() + " "
        else:
            holder.text = (holder.text or "").rstrip() + " "
        holder.append(back)
        ol.append(li)
    return ol
