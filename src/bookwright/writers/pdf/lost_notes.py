"""Footnotes the layout engine called but never set.

WeasyPrint moves a footnote that does not fit to a later page, and in corner cases (a
rounding error in its overflow test, a later page laid out in columns) never sets it: the
call's number is printed and the note is gone. A PDF must not lose content silently, so
every unit's layout is read back here (units.py), and each lost note is reported at the
line of the chapter that calls it.
"""

from __future__ import annotations

import re

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook
from bookwright.parse.sourcemap import SourceMap


def lost_notes(document) -> list[tuple[str, str]]:
    """(chapter key, note number) of each footnote whose call is on a page of `document`
    while its body is on none, in the order of the calls."""
    from weasyprint.formatting_structure import boxes  # the worker's (units.py): the build's process does without

    called: dict[object, tuple[str, str]] = {}
    set_notes: set[object] = set()
    for page in document.pages:
        stack = [(page._page_box, False, "")]
        while stack:
            box, in_area, chapter = stack.pop()
            element = box.element
            if isinstance(box, boxes.FootnoteAreaBox):
                in_area = True
            if element is not None and element.tag == "section" and "chapter" in (element.get("class") or "").split():
                chapter = element.get("id") or chapter
            tag = box.element_tag or ""
            if element is not None and "footnote" in (element.get("class") or "").split():
                if tag.endswith("::footnote-call"):
                    called.setdefault(element, (chapter, element.get("data-note") or "?"))
                elif in_area:
                    set_notes.add(element)
            stack.extend((child, in_area, chapter) for child in reversed(getattr(box, "children", ()) or ()))
    return [where for element, where in called.items() if element not in set_notes]


def report_lost_notes(book: ResolvedBook, lost: list[tuple[str, str]], edition: str, diags: Diagnostics) -> None:
    chapters = {chapter.key: chapter for chapter in book.chapters}
    for key, number in lost:
        chapter = chapters.get(key)
        path, line, col = book.root / "book.toml", 0, 0
        if chapter is not None:
            path = chapter.source.path
            note = next((n for n in chapter.notes if str(n.number) == number), None)
            if note is not None and note.label:
                call = re.compile(r"\[\^" + re.escape(note.label) + r"\](?!:)")
                found = SourceMap(chapter.source.path, chapter.source.text).first(call)
                line, col = found.line, found.col
        diags.warning(path, line, col,
                      f"{edition}: footnote {number} is called but the layout engine did not set it on any page",
                      hint="a page break next to the call loses it; rewording the paragraph or moving the call "
                           "by a few words moves the break")
