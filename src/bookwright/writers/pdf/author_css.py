"""The author's stylesheets as the PDFs use them: what WeasyPrint would drop from each is a
warning at the file's own line, and is taken out before the book is laid out.

WeasyPrint logs a rule or declaration it cannot use ("Ignored `colr: red` at 3:5, unknown
property") with the line of the stylesheet it was compiling, and the PDFs compile the theme
and the author's CSS as one stylesheet. So each of the author's files is first compiled on
its own, where a line is the file's line; what it drops becomes the warning, and is blanked
out of the text laid out (space for character, so nothing is reported twice, or at the
wrong line of the joined stylesheet).
"""

from __future__ import annotations

import functools
import logging
import re
from urllib.parse import quote
from dataclasses import dataclass

from bookwright.diagnostics import Diagnostics
from bookwright.model import AuthorStylesheet, ResolvedBook, SourceLocation
from bookwright.writers.pdf.engine import BOOK_URL
from bookwright.writers.theme import pointed_css

AT = re.compile(r"\bat (\d+):(\d+)")
# Messages about one declaration; any other message with a place drops its whole rule.
DECLARATION = re.compile(r"^(Ignored `|Error: |Deprecated `|Invalid math function)")
SELECTOR = re.compile(r"^Invalid or unsupported selector, '(.*?)', ")


@dataclass(frozen=True)
class Dropped:
    line: int
    col: int
    message: str
    whole_rule: bool


class _Collected(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


def report_dropped(book: ResolvedBook, edition: str, diags: Diagnostics) -> None:
    """A warning at its place for each rule or declaration the PDFs drop from the author's CSS."""
    for sheet in book.config.style.stylesheets(edition):
        for dropped in dropped_rules(sheet.path, sheet.text):
            diags.warning_at(SourceLocation(sheet.path, dropped.line, dropped.col),
                             f"the PDF drops this CSS: {dropped.message}",
                             hint="WeasyPrint, which lays out the PDFs, does not support it; "
                                  "the EPUB and the web edition still get it")


def author_css(book: ResolvedBook, edition: str) -> str:
    """The author's stylesheets for a PDF edition, without what the PDFs would drop, their
    url()s pointing at the book's files as the layouts address the book folder (engine.BOOK_URL)."""
    return "\n".join(pointed_css(AuthorStylesheet(sheet.path, usable_text(sheet), sheet.resources),
                                 lambda path: BOOK_URL + quote(path.relative_to(book.root).as_posix()))
                     for sheet in book.config.style.stylesheets(edition))


def usable_text(sheet: AuthorStylesheet) -> str:
    chars = list(sheet.text)
    starts = [0] + [i + 1 for i, ch in enumerate(sheet.text) if ch == "\n"]
    for dropped in dropped_rules(sheet.path, sheet.text):
        start = starts[dropped.line - 1] + dropped.col - 1
        end = _rule_end(sheet.text, start) if dropped.whole_rule else _declaration_end(sheet.text, start)
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


@functools.lru_cache(maxsize=64)
def dropped_rules(path, text: str) -> tuple[Dropped, ...]:
    """What WeasyPrint drops from the stylesheet compiled alone, in file order."""
    from weasyprint import CSS  # only for a book with stylesheets of its own: WeasyPrint is the workers'

    collected = _Collected()
    logger = logging.getLogger("weasyprint")
    # Only this compile's messages, and only here: the book's own handler must not see them.
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers, logger.propagate = [collected], False
    try:
        CSS(string=text, base_url=path.as_uri(), url_fetcher=_refuse)
    finally:
        logger.handlers, logger.propagate = handlers, propagate
    found = []
    for message in collected.messages:
        place = AT.search(message)
        selector = SELECTOR.match(message)
        if place:
            line, col = int(place.group(1)), int(place.group(2))
            shown = AT.sub("", message).replace(" ,", ",").rstrip(". ")
            found.append(Dropped(line, col, shown, not DECLARATION.match(message)))
        elif selector and selector.group(1) in text:
            offset = text.index(selector.group(1))
            line = text.count("\n", 0, offset) + 1
            col = offset - (text.rfind("\n", 0, offset) + 1) + 1
            found.append(Dropped(line, col, message, True))
    return tuple(sorted(set(found), key=lambda d: (d.line, d.col)))


def _refuse(url, *args, **kwargs):
    raise ValueError("the author's stylesheets are checked without reading the files they name")


def _declaration_end(text: str, start: int) -> int:
    """Where the declaration at `start` ends: after its `;`, or before its block's `}`."""
    return _end(text, start, whole_rule=False)


def _rule_end(text: str, start: int) -> int:
    """Where the rule at `start` ends: after its block's `}`, or its `;` if it has no block."""
    return _end(text, start, whole_rule=True)


def _end(text: str, start: int, whole_rule: bool) -> int:
    """Scans from `start` past strings and brackets to the end of a rule or a declaration."""
    depth, index, quote = 0, start, ""
    while index < len(text):
        ch = text[index]
        if quote:
            quote = "" if ch == quote and text[index - 1] != "\\" else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}" and depth > 0:
            depth -= 1
            if whole_rule and ch == "}" and depth == 0:
                return index + 1
        elif ch == ";" and depth == 0:
            return index + 1
        elif ch == "}" and depth == 0:
            return index  # the end of the block the declaration is in
        index += 1
    return len(text)
