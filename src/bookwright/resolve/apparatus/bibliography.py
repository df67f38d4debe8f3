"""Citations and the References chapter: the whole-book pass for `<cite class="citation">`.

citeproc-py formats every citation and the bibliography in the book's CSL style (APA by
default); nothing here formats a reference by hand. Each citation becomes links to its
entries (`data-chapter`/`data-id`, pointed by every writer like a cross-reference), and
the References chapter lists exactly the works cited, in the style's order.

Every problem points at the source: an unknown key at each `@key` with the closest known
key, a malformed entry at its line in the bibliography file.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from pathlib import Path

from lxml import html

from bookwright.resolve.apparatus.bibsources import BibEntry, Bibliography, load_bibliography
from bookwright.resolve.apparatus.cslstyle import CitationStyle, StyleError
from bookwright.diagnostics import Diagnostics
from bookwright.resolve.apparatus.generated import place_generated
from bookwright.model import Book, ParsedChapter, ResolvedChapter

# Private-use characters bracket each item in citeproc's output, so each item becomes its
# own link even when the style joins several into one "(A 1999; B 2002)".
ITEM_START, ITEM_NUMBERED, ITEM_END = "\ue000", "\ue002", "\ue001"
# And each prefix or suffix, which is the author's Markdown (a formula, emphasis), so that
# the parsed affix goes where the style puts it: "\ue003prefix-0\ue004".
AFFIX_START, AFFIX_END = "\ue003", "\ue004"
AFFIX_MARK = re.compile(f"{AFFIX_START}((?:prefix|suffix)-\\d+){AFFIX_END}")


class CitationFormatter:
    """citeproc-py's formatter interface, with classes where its HTML formatter writes styles."""

    from citeproc.formatter.html import Bold, Italic, Oblique, Subscript, Superscript, TagWrapper, Underline, preformat

    preformat = staticmethod(preformat)

    class SmallCaps(TagWrapper):
        tag = "span"
        attributes = {"class": "small-caps"}

    class Light(TagWrapper):
        tag = "span"
        attributes = {"class": "light"}


def resolve_citations(book: Book, chapters: list[ResolvedChapter], parsed: list[ParsedChapter],
                      words: dict, diags: Diagnostics) -> None:
    """Formats every citation in place and, when any is resolved, adds the References chapter."""
    trees = [tree for chapter in chapters for tree in [chapter.body] + [note.body for note in chapter.notes]]
    cites = [el for tree in trees for el in tree.iter("cite") if "citation" in el.get("class", "").split()]
    path = book.config.bibliography
    if not cites:
        return
    if path is None:
        for source in parsed:
            for use in source.citations:
                for where in use.locations[:1]:
                    diags.error_at(where, f"citation @{use.key}, but book.toml names no bibliography",
                                   hint='add bibliography = "references.bib" to [book]; write \\@ for a literal at-sign')
        return
    entries = load_bibliography(path, diags)
    _check_keys(parsed, entries, path, diags)
    try:
        style = CitationStyle(book.config.csl, book.metadata.language)
    except StyleError as exc:
        where = book.config.location_of("book", "csl")
        diags.error_at(where, str(exc))
        return
    if style.note_style:
        where = book.config.location_of("book", "csl")
        diags.error_at(where, f"'{style.name}' is a note style; bookwright places citations in the text",
                       hint="choose an author-date or numeric style such as apa or chicago-author-date")
        return
    if diags.errors:
        return
    chapter = place_generated(book, chapters, "bibliography", words["references"])
    _Formatter(style, entries, chapter, path, diags).run(cites)


def _check_keys(parsed: list[ParsedChapter], entries: Bibliography, path: Path, diags: Diagnostics) -> None:
    known = list(entries)
    for source in parsed:
        for use in source.citations:
            if use.key in entries or use.key in entries.broken:
                continue
            close = difflib.get_close_matches(use.key, known, n=1, cutoff=0.6)
            if not close:
                lowered = {k.lower(): k for k in known}
                close = [lowered[use.key.lower()]] if use.key.lower() in lowered else []
            hint = ""
            if close:
                hint = f"did you mean @{close[0]} ({diags.display_path(path)}:{entries[close[0]].line})?"
            for where in use.locations:
                diags.error_at(where, f"unknown citation key @{use.key}" + (f"; {hint}" if hint else f" in {diags.display_path(path)}"))


class _Formatter:
    def __init__(self, style: CitationStyle, entries: dict[str, BibEntry], chapter: ResolvedChapter, path: Path,
                 diags: Diagnostics):
        from citeproc import CitationStylesBibliography
        from citeproc.source.json import CiteProcJSON

        self.style = style
        self.entries = entries
        self.chapter = chapter
        self.path = path
        self.diags = diags
        # citeproc-py lower-cases keys; private ids keep "Smith99" and "smith99" apart.
        self.ids = {key: f"k{number}" for number, key in enumerate(entries)}
        self.keys = {v: k for k, v in self.ids.items()}
        source = CiteProcJSON([dict(e.item, id=self.ids[e.key]) for e in entries.values()])
        self.bibs = {
            mode: CitationStylesBibliography(s, source, CitationFormatter)
            for mode, s in (("normal", style.normal), ("suppress-author", style.suppress_author),
                            ("author-only", style.author_only))
        }
        self.anchors: dict[str, str] = {}

    def run(self, cites: list[html.HtmlElement]) -> None:
        from citeproc import Citation, CitationItem

        order = list(dict.fromkeys(k for el in cites for k in el.get("data-keys", "").split()))
        used: set[str] = set()
        for key in order:
            self.anchors[key] = _anchor(key, used)
            # The entry's bibliography rendering comes from the first registration; one
            # without a locator keeps a cited page out of the reference list.
            for bib in self.bibs.values():
                bib.register(Citation([CitationItem(self.ids[key])]))
        for el in cites:
            self.fill(el)
        bib = self.bibs["normal"]
        bib.sort()
        self.write_references(bib)

    def render(self, mode: str, items: list[dict], marked: bool = True, affixes: dict | None = None) -> str:
        from citeproc import Citation, CitationItem
        from citeproc.source import Locator

        cites = []
        for number, item in enumerate(items):
            extra = {}
            if item.get("locator"):
                extra["locator"] = Locator(item.get("label", "page"), item["locator"])
            prefix = suffix = ""
            written = affixes or {}
            if f"prefix-{number}" in written:
                prefix = f"{AFFIX_START}prefix-{number}{AFFIX_END} "
            if f"suffix-{number}" in written:
                text = written[f"suffix-{number}"].text_content()
                suffix = (" " if text[:1].isalnum() else "") + f"{AFFIX_START}suffix-{number}{AFFIX_END}"
            if marked:
                prefix += f"{ITEM_START}{len(cites)}{ITEM_NUMBERED}"
                suffix = ITEM_END + suffix
            cites.append(CitationItem(self.ids[item["key"]], prefix=prefix, suffix=suffix, **extra))
        citation = Citation(cites)
        bib = self.bibs[mode]
        bib.register(citation)
        return str(bib.cite(citation, lambda item: None) or "")

    def fill(self, el: html.HtmlElement) -> None:
        items = json.loads(el.get("data-items", "[]"))
        if not items or any(item["key"] not in self.entries for item in items):
            return
        mode = el.get("data-mode", "normal")
        affixes = {child.get("data-affix"): child for child in el
                   if "citation-affix" in child.get("class", "").split() and child.get("data-affix")}
        for affix in affixes.values():
            del affix.attrib["data-affix"]
        try:
            if mode == "narrative":
                item = items[0]
                author = self.render("author-only", [{"key": item["key"]}], marked=False)
                year = self.render("suppress-author", [item], marked=False, affixes=affixes)
                text = f"{author} {year}".strip() if author else self.render("normal", [item], marked=False,
                                                                              affixes=affixes)
                _set_content(el, [(text, item["key"])], self, affixes)
            else:
                rendered = self.render(mode if mode == "suppress-author" else "normal", items, affixes=affixes)
                _set_content(el, _split_items(rendered, items), self, affixes)
        except Exception as exc:  # citeproc-py fails on data it cannot model; name the entry
            keys = ", ".join(item["key"] for item in items)
            entry = self.entries[items[0]["key"]]
            self.diags.error(self.path, entry.line, 1, f"entry '{keys}' cannot be formatted in '{self.style.name}': {exc}")

    def write_references(self, bib) -> None:
        ol = html.Element("ol")
        ol.set("class", "references")
        for item, text in zip(bib.items, bib.bibliography()):
            key = self.keys[item.key]
            li = html.Element("li")
            li.set("id", self.anchors[key])
            li.set("class", "reference")
            li.set("data-epub-type", "biblioentry")
            li.set("data-key", key)
            _append_markup(li, str(text))
            ol.append(li)
        self.chapter.body.append(ol)


def _anchor(key: str, used: set[str]) -> str:
    base = "ref-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-") or "entry")
    anchor, number = base, 1
    while anchor in used:
        number += 1
        anchor = f"{base}-{number}"
    used.add(anchor)
    return anchor


def _split_items(rendered: str, items: list[dict]) -> list[tuple[str, str | None]]:
    """citeproc's output, cut at the item markers: [(markup, key or None), ...]."""
    pieces: list[tuple[str, str | None]] = []
    rest = rendered
    while ITEM_START in rest:
        before, rest = rest.split(ITEM_START, 1)
        number, _, rest = rest.partition(ITEM_NUMBERED)
        inside, _, rest = rest.partition(ITEM_END)
        if before:
            pieces.append((before, None))
        pieces.append((inside, items[int(number)]["key"]))
    if rest:
        pieces.append((rest, None))
    return pieces


def _set_content(el: html.HtmlElement, pieces: list[tuple[str, str | None]], formatter: _Formatter,
                 affixes: dict[str, html.HtmlElement]) -> None:
    for child in list(el):
        el.remove(child)
    el.text = None
    holder = html.Element("span")
    for markup, key in pieces:
        if key is None:
            _append_with_affixes(holder, markup, affixes)
            continue
        link = html.Element("a")
        link.set("class", "citation-ref")
        link.set("data-chapter", formatter.chapter.key)
        link.set("data-id", formatter.anchors[key])
        link.set("role", "doc-biblioref")
        _append_with_affixes(link, markup, affixes)
        holder.append(link)
    el.text = holder.text
    for child in list(holder):
        el.append(child)


def _append_with_affixes(parent: html.HtmlElement, markup: str, affixes: dict[str, html.HtmlElement]) -> None:
    """citeproc's HTML, parsed, with each affix mark replaced by the parsed affix."""
    holder = html.Element("span")
    _append_markup(holder, markup)
    _place_affixes(holder, affixes)
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + (holder.text or "")
    else:
        parent.text = (parent.text or "") + (holder.text or "")
    for child in list(holder):
        parent.append(child)


def _place_affixes(el: html.HtmlElement, affixes: dict[str, html.HtmlElement]) -> None:
    for child in list(el):
        _place_affixes(child, affixes)
        _split_marks(child, "tail", affixes)
    _split_marks(el, "text", affixes)


def _split_marks(el: html.HtmlElement, where: str, affixes: dict[str, html.HtmlElement]) -> None:
    """Cuts el.text (or el.tail) at the affix marks and inserts the affixes there."""
    parts = AFFIX_MARK.split(getattr(el, where) or "")
    if len(parts) == 1:
        return
    setattr(el, where, parts[0] or None)
    parent, position = (el, 0) if where == "text" else (el.getparent(), el.getparent().index(el) + 1)
    for index in range(1, len(parts), 2):
        affix = copy.deepcopy(affixes[parts[index]]) if parts[index] in affixes else html.Element("span")
        affix.tail = parts[index + 1] or None
        parent.insert(position, affix)
        position += 1


def _append_markup(parent: html.HtmlElement, markup: str) -> None:
    """Appends citeproc's HTML (text with <i>, <b>, <span>) to an element, parsed as a tree."""
    fragment = html.fragment_fromstring(f"<span>{markup}</span>")
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + (fragment.text or "")
    else:
        parent.text = (parent.text or "") + (fragment.text or "")
    for child in list(fragment):
        parent.append(child)
