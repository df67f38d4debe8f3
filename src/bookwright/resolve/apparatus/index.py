"""The back-of-book index: marks collected from the whole book into sorted, nested entries.

Every `span.idx` gets an id and becomes a locator of its term. Terms sort in a
locale-free order close to a book's: accents and case are ignored (NFKD, combining marks
dropped, casefolded), so "Ølstad" files under O and "élan" beside "elan"; an author who
wants another place writes `sort="..."`. The result is kept twice: as data
(`ResolvedBook.index`, which the PDF writer prints with page numbers) and as the
generated Index chapter, whose locators are links named by section ("1.2"), as the
EPUB and web editions show them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.resolve.apparatus.generated import place_generated
from bookwright.model import Book, IndexEntry, IndexLocator, IndexMark, ParsedChapter, ResolvedChapter, SourceLocation
from bookwright.parse.syntax.index import is_index_mark
from bookwright.parse.syntax.math import INLINE_MATH
from bookwright.resolve.apparatus.formulas import formula_text

MARK_ATTRIBUTE = "data-idx-mark"  # "<chapter key>:<n>": which parsed mark a span is, wherever it moves


def tag_marks(chapters: list[ResolvedChapter]) -> None:
    """Remembers each mark's source before notes move (endnotes may leave their chapter)."""
    for chapter in chapters:
        for number, span in enumerate(el for el in chapter.body.iter("span") if is_index_mark(el)):
            span.set(MARK_ATTRIBUTE, f"{chapter.key}:{number}")


def sort_key(text: str) -> tuple:
    decomposed = unicodedata.normalize("NFKD", text)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    base = " ".join(base.replace("æ", "ae").replace("œ", "oe").replace("ø", "o").replace("ß", "ss").split())
    # Letters before digits and symbols would surprise no one; strip leading punctuation.
    stripped = base.lstrip("\"'“‘«(-–—.")
    return (stripped, text)


def split_term(term: str) -> list[str]:
    """"trust!repair of" → ["trust", "repair of"]. Only `!` splits, as in makeindex: a
    comma belongs to the term, the usual way to invert a name ("Caesar, Julius")."""
    return [" ".join(p.split()) for p in term.split("!")]


# Markdown's marks in an attribute value: code backticks, emphasis stars, underscores that
# open or close emphasis (not the ones inside a word, as in snake_case).
MARKS = re.compile(r"`+|\*+|(?<!\w)_+|_+(?!\w)")


def plain_term(term: str) -> str:
    """A term as the index prints it. An attribute value is plain text, but authors write
    Markdown in it: a formula (`Cohen's $d$`) becomes its text, code and emphasis their
    words, so that no mark reaches the reader."""
    if "$" in term:
        term = INLINE_MATH.sub(lambda m: formula_text(m.group(1)), term)
    return " ".join(MARKS.sub("", term).split())


def build_index(book: Book, chapters: list[ResolvedChapter], parsed: list[ParsedChapter], words: dict,
                diags: Diagnostics) -> list[IndexEntry]:
    marks = {p.source.key: p.index_marks for p in parsed}
    found = list(_occurrences(chapters))
    if not found:
        return []
    tree = _IndexTree()
    pending: list[tuple[IndexEntry, str, str, SourceLocation]] = []  # (entry, kind, target, where)
    for chapter, span, label in found:
        mark = _mark_of(span, marks, chapter)
        span.attrib.pop(MARK_ATTRIBUTE, None)  # its work is done; no edition needs it
        where = mark.location if mark else SourceLocation(chapter.source.path, 1, 1)
        if mark and mark.unknown:
            diags.warning_at(where, f"index mark: unknown attribute '{mark.unknown.split()[0]}'",
                             hint="an index mark knows term, see, seealso and sort")
        term = plain_term(span.get("data-idx-term") or "") or " ".join(span.text_content().split())
        levels = [level for level in split_term(term) if level]
        if not levels:
            diags.error_at(where, "index mark without a term",
                           hint='write [text]{.idx} or []{.idx term="the term"}')
            continue
        entry = tree.entry(levels, span.get("data-idx-sort", ""))
        see = plain_term(span.get("data-idx-see", ""))
        also = plain_term(span.get("data-idx-seealso", ""))
        if see:
            pending.append((entry, "see", see, where))
        if also:
            pending.append((entry, "see_also", also, where))
        if not see:
            entry.locators.append(IndexLocator(chapter.key, span.get("id"), label))
    _check_cross_references(tree, pending, diags)
    entries = tree.finish()
    if entries:
        chapter = place_generated(book, chapters, "index", words["index"])
        body = html.Element("div")
        body.set("class", "index-body")
        for group in render_index(entries, words, lambda e: section_locators(e)):
            body.append(group)
        chapter.body.append(body)
    return entries


def _occurrences(chapters: list[ResolvedChapter]):
    """(chapter, span, section label) for every mark, in reading order; gives each an id."""
    for chapter in chapters:
        used = {el.get("id") for el in chapter.body.iter() if isinstance(el.tag, str) and el.get("id")}
        for note in chapter.notes:
            used |= {el.get("id") for el in note.body.iter() if isinstance(el.tag, str) and el.get("id")}
        counter = 0
        label = chapter.number or chapter.title
        trees = [(chapter.body, None)] + [(note.body, note) for note in chapter.notes]
        for tree, note in trees:
            for el in tree.iter():
                if not isinstance(el.tag, str):
                    continue
                if note is None and el.tag in ("h2", "h3", "h4", "h5", "h6") and el.get("data-number"):
                    label = el.get("data-number")
                if not is_index_mark(el):
                    continue
                if not el.get("id"):
                    counter += 1
                    while f"idx-{counter}" in used:
                        counter += 1
                    el.set("id", f"idx-{counter}")
                    used.add(el.get("id"))
                yield chapter, el, (chapter.number or chapter.title) if note is not None else label


def _mark_of(span: html.HtmlElement, marks: dict[str, list[IndexMark]], chapter: ResolvedChapter) -> IndexMark | None:
    key, _, number = span.get(MARK_ATTRIBUTE, "").rpartition(":")
    found = marks.get(key or chapter.key, [])
    return found[int(number)] if number.isdigit() and int(number) < len(found) else None


class _IndexTree:
    """Entries by folded term, level by level, so "Trust" and "trust" are one entry."""

    def __init__(self):
        self.roots: dict[str, IndexEntry] = {}
        self.below: dict[int, dict[str, IndexEntry]] = {}

    def entry(self, levels: list[str], sort: str) -> IndexEntry:
        siblings = self.roots
        entry = None
        for depth, level in enumerate(levels):
            fold = sort_key(level)[0]
            entry = siblings.get(fold)
            if entry is None:
                entry = IndexEntry(level, sort_key(sort if sort and depth == len(levels) - 1 else level))
                siblings[fold] = entry
            siblings = self.below.setdefault(id(entry), {})
        return entry

    def children(self, entry: IndexEntry) -> list[IndexEntry]:
        return list(self.below.get(id(entry), {}).values())

    def finish(self) -> list[IndexEntry]:
        def done(entry: IndexEntry) -> IndexEntry:
            return replace(entry, children=sorted((done(c) for c in self.children(entry)), key=lambda e: e.sort_key))
        return sorted((done(e) for e in self.roots.values()), key=lambda e: e.sort_key)


def _check_cross_references(tree: _IndexTree, pending, diags: Diagnostics) -> None:
    names = {}
    for root in tree.roots.values():
        names[sort_key(root.term)[0]] = root.term
        for child in tree.children(root):
            names[sort_key(f"{root.term}, {child.term}")[0]] = f"{root.term}, {child.term}"
    for entry, kind, target, where in pending:
        levels = [level for level in split_term(target) if level]
        folded = sort_key(", ".join(levels))[0]
        if folded not in names:
            close = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.6)
            diags.error_at(where, f"index cross-reference '{target}' names no index term",
                           hint=f"did you mean '{names[close[0]]}'?" if close else "mark the term somewhere with {.idx}")
            continue
        values = entry.see if kind == "see" else entry.see_also
        if names[folded] not in values:
            values.append(names[folded])


# --- presentation shared by the editions -----------------------------------------------------


def group_letter(entry: IndexEntry) -> str:
    first = entry.sort_key[0][:1].upper()
    return first if first.isalpha() else "#"


def render_index(entries: list[IndexEntry], words: dict,
                 locators: Callable[[IndexEntry], list[html.HtmlElement | str]]) -> list[html.HtmlElement]:
    """The index as letter groups of nested lists; `locators` says how an edition shows places."""
    groups: list[html.HtmlElement] = []
    current = None
    for entry in entries:
        letter = group_letter(entry)
        if current is None or current.get("data-letter") != letter:
            current = html.Element("section")
            current.set("class", "index-group")
            current.set("data-letter", letter)
            current.set("data-epub-type", "index-group")
            heading = html.Element("h2")
            heading.set("class", "index-letter")
            heading.text = letter
            current.append(heading)
            ul = html.Element("ul")
            ul.set("class", "index-entries")
            ul.set("data-epub-type", "index-entry-list")
            current.append(ul)
            groups.append(current)
        current.find("ul").append(_entry_element(entry, words, locators))
    return groups


def _entry_element(entry: IndexEntry, words: dict, locators) -> html.HtmlElement:
    li = html.Element("li")
    li.set("class", "index-entry")
    li.set("data-epub-type", "index-entry")
    term = html.Element("span")
    term.set("class", "index-term")
    term.set("data-epub-type", "index-term")
    term.text = entry.term
    li.append(term)
    places = locators(entry)
    if places:
        term.tail = ", "
        holder = html.Element("span")
        holder.set("class", "index-locators")
        holder.set("data-epub-type", "index-locator-list")
        for place in places:
            if isinstance(place, str):
                _append_text(holder, place)
            else:
                holder.append(place)
        li.append(holder)
    # Cross-references follow a period, capitalised, as in Chicago: "candour. See candor",
    # "candor, 5. See also feedback".
    for kind, epub_type in (("see", "index-xref-preferred"), ("see_also", "index-xref-related")):
        targets = getattr(entry, kind)
        if targets:
            xref = html.Element("span")
            xref.set("class", f"index-{kind.replace('_', '-')}")
            xref.set("data-epub-type", epub_type)
            em = html.Element("em")
            em.text = words[kind][:1].upper() + words[kind][1:]
            xref.append(em)
            em.tail = " " + "; ".join(targets)
            last = li[-1]
            last.tail = ((last.tail or "").rstrip(", ") or "") + ". "
            li.append(xref)
    if entry.children:
        ul = html.Element("ul")
        ul.set("class", "index-entries")
        ul.set("data-epub-type", "index-entry-list")
        for child in entry.children:
            ul.append(_entry_element(child, words, locators))
        li.append(ul)
    return li


def _append_text(parent: html.HtmlElement, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def section_locators(entry: IndexEntry) -> list[html.HtmlElement | str]:
    """One link per section that mentions the term, named by the section: "1.2, 3.1"."""
    out: list[html.HtmlElement | str] = []
    seen: set[tuple[str, str]] = set()
    for locator in entry.locators:
        if (locator.chapter, locator.label) in seen:
            continue
        seen.add((locator.chapter, locator.label))
        if out:
            out.append(", ")
        link = html.Element("a")
        link.set("class", "index-locator")
        link.set("data-epub-type", "index-locator")
        link.set("data-chapter", locator.chapter)
        link.set("data-id", locator.element_id)
        link.text = locator.label
        out.append(link)
    return out
