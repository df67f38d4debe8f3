"""What a chapter declares for the scholarly apparatus, each with its source location:
citation keys, index marks and formulas.

The parser leaves neutral elements in the tree; their source lines come from scanning the
chapter's Markdown with the patterns the extensions use (`SourceMap` skips code). Elements
and source tokens are paired by their content, not by position alone: footnote bodies move
to the end of the tree, so the tree's order is not always the source's.
"""

from __future__ import annotations

from lxml import html

from bookwright.model import CitationUse, FormulaUse, IndexMark, ParsedChapter, SourceLocation
from bookwright.parse.sourcemap import SourceMap
from bookwright.parse.syntax.citations import KEY_USE
from bookwright.parse.syntax.latex import LATEX_CITATION
from bookwright.parse.syntax.index import is_index_mark
from bookwright.parse.syntax.math import BRACKET_MATH, DISPLAY_MATH, INLINE_MATH
from bookwright.parse.syntax.spans import span_attributes, written_spans


def collect_facts(chapter: ParsedChapter, sources: SourceMap) -> None:
    chapter.citations = citation_uses(chapter.body, sources)
    chapter.index_marks = index_marks(chapter.body, sources)
    chapter.formulas = formulas(chapter.body, sources)


def citation_uses(body: html.HtmlElement, sources: SourceMap) -> list[CitationUse]:
    keys: list[str] = []
    for el in body.iter("cite"):
        if "citation" in el.get("class", "").split():
            keys.extend(k for k in el.get("data-keys", "").split() if k not in keys)
    if not keys:  # most chapters cite nothing: their source need not be scanned
        return []
    found: dict[str, list[SourceLocation]] = {}
    for m in KEY_USE.finditer(sources.text):
        if not sources.in_code(m.start()):
            found.setdefault(m.group(1), []).append(sources.location(m.start()))
    for m in LATEX_CITATION.finditer(sources.text):  # `\citep{a,b}` (syntax/latex.py)
        if not sources.in_code(m.start()):
            offset = m.start(1)
            for key in m.group(1).split(","):
                found.setdefault(key.strip(), []).append(sources.location(offset + len(key) - len(key.lstrip())))
                offset += len(key) + 1
    return [CitationUse(key, found.get(key) or [SourceLocation(sources.path, 1, 1)]) for key in keys]


def index_marks(body: html.HtmlElement, sources: SourceMap) -> list[IndexMark]:
    if not any(is_index_mark(el) for el in body.iter("span")):
        return []
    written: list[tuple[str, str, SourceLocation]] = []
    for start, inner, attribute_text in written_spans(sources.text):
        attributes = dict(span_attributes(" ".join(attribute_text.split("\n"))))
        if "idx" in attributes.get("class", "").split() and not sources.in_code(start):
            written.append((attributes.get("term", ""), inner, sources.location(start)))
    marks = []
    for el in body.iter("span"):
        if not is_index_mark(el):
            continue
        text = " ".join(el.text_content().split())
        term = el.get("data-idx-term", "")
        location = _take(written, lambda w: (w[0] == term and term) or (not term and not w[0] and _plain(w[1]) == text))
        marks.append(IndexMark(text, term, el.get("data-idx-see", ""), el.get("data-idx-seealso", ""),
                               el.get("data-idx-sort", ""), location or SourceLocation(sources.path, 1, 1),
                               el.get("data-idx-unknown", "")))
    return marks


def formulas(body: html.HtmlElement, sources: SourceMap) -> list[FormulaUse]:
    if not any("math" in el.get("class", "").split() for el in body.iter("span")):
        return []
    written: list[tuple[str, SourceLocation]] = []
    taken: list[tuple[int, int]] = []
    for m in [*DISPLAY_MATH.finditer(sources.text), *BRACKET_MATH.finditer(sources.text)]:
        if not sources.in_code(m.start()):
            written.append((_words(m.group(1)), sources.location(m.start())))
            taken.append((m.start(), m.end()))
    for m in INLINE_MATH.finditer(sources.text):
        if not sources.in_code(m.start()) and not any(a <= m.start() < b for a, b in taken):
            written.append((_words(m.group(1)), sources.location(m.start())))
    written.sort(key=lambda w: (w[1].line, w[1].col))
    uses = []
    for el in body.iter("span"):
        if "math" not in el.get("class", "").split():
            continue
        tex = el.text or ""
        # Compared word by word: a formula that breaks over lines in a note is indented in
        # the source and not in the tree (or joined on one line, in an inline note).
        words = _words(tex)
        location = _take(written, lambda w: w[0] == words)
        uses.append(FormulaUse(tex, el.get("data-display") == "block", location or SourceLocation(sources.path, 1, 1)))
    return uses


def _words(text: str) -> str:
    return " ".join(text.split())


def _take(written: list, matches) -> SourceLocation | None:
    """The first unused source token that matches, removed from the list; else the first one."""
    for index, item in enumerate(written):
        if matches(item):
            return written.pop(index)[-1]
    return written.pop(0)[-1] if written else None


def _plain(markdown_text: str) -> str:
    """The span's text roughly as the reader sees it, to pair a mark with its source."""
    return " ".join(markdown_text.replace("*", "").replace("_", "").replace("`", "").split())
