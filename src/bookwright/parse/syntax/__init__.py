"""Python-Markdown extensions for bookwright's syntax.

Each extension only recognises its syntax and leaves a neutral element behind for the
whole-book pass to give meaning to: `<a class="xref" data-ref="sec-x">`, `<figure>`,
a table `<caption>`, a listing `<figure class="listing">`. Nothing here numbers or
resolves anything.

Priorities, in one table (higher runs first). Python-Markdown's own, for reference:
preprocessors fenced_code 25, normalize_whitespace 30, html_block 20;
block tables 75, def_list 25; inline backtick 190, escape 180, footnote 175,
reference 170, link 160, image 150; treeprocessors inline 20, footnote 50,
attr_list 8, toc 5.
"""

from __future__ import annotations

import markdown
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode

from bookwright.parse.syntax.apostrophes import register_apostrophes
from bookwright.parse.syntax.figures import FigureBlockProcessor, ImageAttributesTreeprocessor
from bookwright.parse.syntax.listings import ListingPreprocessor, NoteListingTreeprocessor
from bookwright.parse.syntax.references import BracketedReferencePattern, BareReferencePattern
from bookwright.parse.syntax.tables import TableCaptionProcessor
from bookwright.parse.syntax.unnumbered import UnnumberedShorthandTreeprocessor
# Scholarly apparatus (issue 7): spans, citations, index marks, math.
from bookwright.parse.syntax.citations import BracketedCitationPattern, NarrativeCitationPattern
from bookwright.parse.syntax.index import IndexMarkTreeprocessor
from bookwright.parse.syntax.math import DisplayMathPattern, EquationBlockProcessor, InlineMathPattern
from bookwright.parse.syntax.spans import BracketedSpanPattern
# Pandoc and Quarto manuscripts (issue 16).
from bookwright.parse.syntax.attributes import AttributeBlockProtector
from bookwright.parse.syntax.placeholders import LeakedPlaceholderTreeprocessor
from bookwright.parse.syntax.leftovers import LeftoverMarkupTreeprocessor
from bookwright.parse.syntax.notes import InlineNotePreprocessor
from bookwright.parse.findings import Findings

PRIORITIES = {
    # Before Python-Markdown's fences (25) would see the block, and after whitespace
    # normalisation (30) has run, so the listing fence is ours.
    "listing_pre": 27,
    # After footnote-duplicate (15) added the last back link to a note, before attr_list (8).
    "note_listing": 14,
    # After the table processor (75) has built the table it captions, before def_list
    # (25) would read ": Caption" as a definition.
    "table_caption": 76,
    # Before footnote (175), reference (170) and link (160): "[Fig. @fig-x]" is not a link.
    "xref_bracketed": 185,
    # Bare "@sec-x" after escapes (180) so "\@sec-x" stays literal text.
    "xref_bare": 178,
    # A paragraph that is one captioned image: before paragraphs (10), after footnote
    # definitions (17) and link references (15), so the caption is Markdown read inline.
    "figure_block": 12,
    # After attr_list (8) gave inline images their `{width=...}`, before toc (5).
    "image_attributes": 7,
    # After attr_list (8) read `# Preface {-}`, before toc (5) lists the heading.
    "unnumbered_shorthand": 7.5,
    # In smarty's own registry, above its quote patterns (30 and down): apostrophes first.
    "apostrophe": 32,
    # --- scholarly apparatus (issue 7) ---
    # Math after backticks (190), so `$x$` in code is code, and before everything else, so
    # TeX's `\{`, `_` and `*` are never escapes or emphasis. Display `$$` before inline `$`.
    "math_display": 189,
    "math_inline": 188,
    # A paragraph that is one `$$...$$` formula: after indented code (80) and headings (70).
    "equation_block": 65,
    # `[text]{attrs}` before the bracketed patterns that follow, which then see its text.
    "bracketed_span": 187,
    # Citations never fight references: both exclude the other's keys (label prefixes), and
    # each runs just after its reference twin: bracketed before escapes (180), bare after.
    "citation_bracketed": 183,
    "citation_narrative": 177,
    # After the inline patterns (20) made the spans, before attr_list (8).
    "index_marks": 15,
    # --- Pandoc and Quarto manuscripts (issue 16) ---
    # Inline notes become a call and a definition: after fenced code is stashed (27), so
    # `^[` in code stays code, and before the blocks are read.
    "inline_notes": 26,
    # Attribute blocks `]{...}` hidden before every inline pattern, backticks (190) first,
    # so that a backtick or a `$` in a quoted value stays in the value.
    "attribute_blocks": 200,
    # The guard after every treeprocessor but unescape (0): placeholders become text.
    "leaked_placeholders": 1,
    # Then what is still markup is reported, escapes not yet made characters (unescape, 0).
    "leftover_markup": 0.5,
}

# Typographic quotes by language; other marks (dashes, ellipsis) are the same everywhere.
QUOTES = {
    "en": ("&lsquo;", "&rsquo;", "&ldquo;", "&rdquo;"),
    "fr": ("&lsaquo;", "&rsaquo;", "&laquo;&#8239;", "&#8239;&raquo;"),
    "de": ("&sbquo;", "&lsquo;", "&bdquo;", "&ldquo;"),
    "es": ("&lsquo;", "&rsquo;", "&laquo;", "&raquo;"),
}


class BookExtension(markdown.Extension):
    def __init__(self, findings: Findings, **kwargs):
        super().__init__(**kwargs)
        self.findings = findings  # what the extensions notice, for parse_chapter to report

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.ESCAPED_CHARS.append("@")
        md.preprocessors.register(ListingPreprocessor(md), "bookwright_listing", PRIORITIES["listing_pre"])
        md.treeprocessors.register(NoteListingTreeprocessor(md), "bookwright_note_listing", PRIORITIES["note_listing"])
        md.parser.blockprocessors.register(
            TableCaptionProcessor(md.parser), "bookwright_table_caption", PRIORITIES["table_caption"]
        )
        md.inlinePatterns.register(BracketedReferencePattern(md), "bookwright_xref_bracketed", PRIORITIES["xref_bracketed"])
        md.inlinePatterns.register(BareReferencePattern(md), "bookwright_xref_bare", PRIORITIES["xref_bare"])
        md.parser.blockprocessors.register(FigureBlockProcessor(md.parser), "bookwright_figure",
                                           PRIORITIES["figure_block"])
        md.treeprocessors.register(ImageAttributesTreeprocessor(md), "bookwright_image_attributes",
                                   PRIORITIES["image_attributes"])
        md.treeprocessors.register(UnnumberedShorthandTreeprocessor(md), "bookwright_unnumbered",
                                   PRIORITIES["unnumbered_shorthand"])
        register_apostrophes(md, PRIORITIES["apostrophe"])
        # Scholarly apparatus (issue 7).
        md.ESCAPED_CHARS.append("$")
        md.parser.blockprocessors.register(
            EquationBlockProcessor(md.parser), "bookwright_equation", PRIORITIES["equation_block"])
        md.inlinePatterns.register(DisplayMathPattern(md), "bookwright_math_display", PRIORITIES["math_display"])
        md.inlinePatterns.register(InlineMathPattern(md), "bookwright_math_inline", PRIORITIES["math_inline"])
        md.inlinePatterns.register(BracketedSpanPattern(md), "bookwright_span", PRIORITIES["bracketed_span"])
        md.inlinePatterns.register(BracketedCitationPattern(md), "bookwright_citation_bracketed",
                                   PRIORITIES["citation_bracketed"])
        md.inlinePatterns.register(NarrativeCitationPattern(md), "bookwright_citation_narrative",
                                   PRIORITIES["citation_narrative"])
        md.treeprocessors.register(IndexMarkTreeprocessor(md), "bookwright_index_marks", PRIORITIES["index_marks"])
        # Pandoc and Quarto manuscripts (issue 16).
        md.preprocessors.register(InlineNotePreprocessor(md, self.findings), "bookwright_inline_notes",
                                  PRIORITIES["inline_notes"])
        md.inlinePatterns.register(AttributeBlockProtector(md), "bookwright_attribute_blocks",
                                   PRIORITIES["attribute_blocks"])
        md.treeprocessors.register(LeakedPlaceholderTreeprocessor(md), "bookwright_leaked_placeholders",
                                   PRIORITIES["leaked_placeholders"])
        md.treeprocessors.register(LeftoverMarkupTreeprocessor(md, self.findings), "bookwright_leftover_markup",
                                   PRIORITIES["leftover_markup"])


def make_markdown(language: str, findings: Findings | None = None) -> markdown.Markdown:
    """A fresh Markdown instance for one chapter: extensions keep per-document state, and
    record what they notice for the author in `findings`.

    The extensions are given as instances, not by name: a name makes Python-Markdown look
    through every installed package's entry points, which cost more than parsing a chapter."""
    single_l, single_r, double_l, double_r = QUOTES.get(language.split("-")[0].lower(), QUOTES["en"])
    return markdown.Markdown(
        extensions=[
            AbbrExtension(),
            AttrListExtension(),
            DefListExtension(),
            FootnoteExtension(UNIQUE_IDS=False, BACKLINK_TEXT=""),
            MarkdownInHtmlExtension(),
            TableExtension(),
            SmartyExtension(
                smart_angled_quotes=False,
                substitutions={
                    "left-single-quote": single_l,
                    "right-single-quote": single_r,
                    "left-double-quote": double_l,
                    "right-double-quote": double_r,
                },
            ),
            TocExtension(slugify=slugify_unicode, permalink=False),
            BookExtension(findings if findings is not None else Findings()),
        ],
        output_format="html",
    )
