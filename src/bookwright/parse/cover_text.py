"""The back cover's words (`[cover] back`, `[cover] author-note`) → HTML trees, for the print
covers.

They are Markdown like a chapter's and go through the same converter and the same raw-HTML
rules, so quotation marks, emphasis and the sanitiser behave as in the book. What only has
a meaning inside the book is refused at its line: a cover has no pages for a
cross-reference or a citation to point at, no foot for a note, and its one picture is the
author's photograph, named in book.toml. A link prints as its words.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.load import read_chapter
from bookwright.model import Config, CoverText, SourceLocation
from bookwright.parse import markdown_tree

# What the cover cannot print, found in the tree (XPath) and in the source (where to report it).
NOT_ON_A_COVER = (
    (".//img", re.compile(r"!\[|<img\b"), "a picture",
     "the back cover's one picture is the author's photograph: name it in [cover] author-photo"),
    (".//a[contains(concat(' ', @class, ' '), ' xref ')]", re.compile(r"@(?:sec|fig|tbl|lst|eq)-"),
     "a cross-reference", "a cover has no pages to point at; write the words out"),
    (".//cite", re.compile(r"@[\w]"), "a citation", "a cover has no References; write the source out in words"),
    (".//*[contains(concat(' ', @class, ' '), ' footnote')]", re.compile(r"\[\^"), "a note",
     "a cover has no foot for notes; put the words in the text"),
    (".//*[contains(concat(' ', @class, ' '), ' math ')]", re.compile(r"\$"), "a formula",
     "write the formula in words, or leave it to the book"),
)


def parse_cover_text(config: Config, root: Path, diags: Diagnostics) -> CoverText:
    """The blurb (`[cover] back`, else `[book] description` as one paragraph) and the
    author's note, each a <div>; None where there is none or it could not be read."""
    language = config.metadata.language
    options = config.cover
    blurb = _parse(options.back, root, language, diags) if options.back else None
    if options.back is None and config.metadata.description:
        blurb = html.fragment_fromstring("", create_parent="div")
        paragraph = html.Element("p")
        paragraph.text = config.metadata.description
        blurb.append(paragraph)
    note = _parse(options.author_note, root, language, diags) if options.author_note else None
    if options.back:
        where = SourceLocation(options.back, 1, 1)
    else:
        where = config.location_of("book", "description") if blurb is not None else None
    return CoverText(blurb=blurb, author_note=note, where=where)


def _parse(path: Path, root: Path, language: str, diags: Diagnostics) -> html.HtmlElement | None:
    if not path.read_bytes().strip():
        diags.error(path, 1, 1, "the file is empty: the cover has nothing to print from it",
                    hint="write the text, or leave its key out of [cover]")
        return None
    source = read_chapter(path, root, diags)
    parsed = markdown_tree(source, language, diags) if source is not None else None
    if parsed is None:
        return None
    body, sources = parsed
    refused = False
    for xpath, written, what, hint in NOT_ON_A_COVER:
        if body.xpath(xpath):
            diags.error_at(sources.first(written), f"the back cover cannot print {what}", hint=hint)
            refused = True
    for link in body.xpath(".//a"):
        link.drop_tag()  # paper: a link is its words
    return None if refused else body
