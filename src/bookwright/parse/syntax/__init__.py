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
from markdown.extensions.admonition import AdmonitionExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, slugify_unicode
from pymdownx.caret import InsertSupExtension
from pymdownx.magiclink import MagiclinkExtension
from pymdownx.tilde import DeleteSubExtension

from bookwright.parse.syntax.apostrophes import register_apostrophes
from bookwright.parse.syntax.figures import FigureBlockProcessor, ImageAttributesTreeprocessor
from bookwright.parse.syntax.listings import ListingPreprocessor, NoteListingTreeprocessor
from bookwright.parse.syntax.references import BracketedReferencePattern, BareReferencePattern
from bookwright.parse.syntax.tables import TableCaptionProcessor
from bookwright.parse.syntax.unnumbered import UnnumberedShorthandTreeprocessor
# Scholarly apparatus (issue 7): spans, citations, index marks, math.
from bookwright.parse.syntax.citations import BracketedCitationPattern, NarrativeCitationPattern
from bookwright.parse.syntax.index import IndexMarkTreeprocessor
from bookwright.parse.syntax.math import BracketMathPattern, DisplayMathPattern, EquationBlockProcessor, InlineMathPattern
from bookwright.parse.syntax.spans import BracketedSpanPattern
# Pandoc and Quarto manuscripts (issue 16).
from bookwright.parse.syntax.attributes import AttributeBlockProtector
from bookwright.parse.syntax.placeholders import LeakedPlaceholderTreeprocessor
from bookwright.parse.syntax.leftovers import LeftoverMarkupTreeprocessor
from bookwright.parse.syntax.notes import InlineNotePreprocessor
from bookwright.parse.syntax.divs import FencedDivProcessor
from bookwright.parse.syntax.admonitions import AdmonitionCalloutTreeprocessor
from bookwright.parse.syntax.conditional import ConditionalContentTreeprocessor
from bookwright.parse.syntax.gridtables import GridTableProcessor
from bookwright.parse.syntax.lineblocks import LineBlockProcessor
from bookwright.parse.syntax.lists import ListIndentPreprocessor
from bookwright.parse.syntax.deflists import TildeDefinitionPreprocessor
from bookwright.parse.syntax.latex import InlineLatexPattern, RawLatexPreprocessor
from bookwright.parse.syntax.shortcodes import PageBreakTreeprocessor, ShortcodePattern
from bookwright.parse.syntax.bookdown import BookdownLabelPattern, BookdownReferencePattern, BookdownTreeprocessor
from bookwright.parse.findings import Findings
from bookwright.parse.syntax.guard import OnlyWhere

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
    # `\[...\]` before `$$`, and before escapes (180) would make `\[` a bracket.
    "math_bracket": 189.5,
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
    # Fenced divs before every block processor but empty blocks (100): a `:::` line is
    # never a paragraph's, a list's or a quotation's.
    "fenced_div": 95,
    # Grid tables before pipe tables (75) and the caption line after a table (76).
    "grid_table": 77,
    # Line blocks (`| verse`) after the tables (75): a block with a delimiter row is one.
    "line_block": 74,
    # `!!! note` admonitions become callouts, after the inline patterns (20) read them.
    "admonition_callouts": 14.8,
    # Conditional content after the inline patterns made spans (20), before attr_list (8).
    "conditional_content": 14.5,
    # LaTeX lines and environments after fenced code is stashed (27) and lists are read
    # (26.5), before inline notes (26), which then read `\footnote{}`.
    "raw_latex": 26.3,
    # LaTeX commands in the text after math (188) took the formulas' own, before spans
    # (187) would read `\citep[p. 3]{key}` as a span; Bookdown's `\@ref()` too, before
    # `\@` is an escaped at-sign (180).
    "latex_inline": 187.5,
    "bookdown_reference": 187.6,
    "bookdown_label": 187.4,
    # Shortcodes after code (190) keeps its own, before math, links and spans.
    "shortcodes": 189.9,
    "page_breaks": 14.6,
    # (PART) headings and caption labels after the inline patterns (20).
    "bookdown": 14.7,
    # `~` definitions become `:` ones before the blocks are read.
    "tilde_definitions": 26.4,
    # Lists nested as CommonMark reads them (two spaces under `- `), rewritten four spaces
    # a level, after fenced code is stashed (27).
    "list_indent": 26.5,
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
        # Pandoc: any ASCII punctuation may be escaped (`\%`, `\#`, `\~` print the character).
        md.ESCAPED_CHARS.extend(c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" if c not in md.ESCAPED_CHARS)
        md.preprocessors.register(ListingPreprocessor(md, self.findings), "bookwright_listing", PRIORITIES["listing_pre"])
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
        md.inlinePatterns.register(BracketMathPattern(md), "bookwright_math_bracket", PRIORITIES["math_bracket"])
        md.inlinePatterns.register(BracketedSpanPattern(md), "bookwright_span", PRIORITIES["bracketed_span"])
        md.inlinePatterns.register(BracketedCitationPattern(md), "bookwright_citation_bracketed",
                                   PRIORITIES["citation_bracketed"])
        md.inlinePatterns.register(NarrativeCitationPattern(md), "bookwright_citation_narrative",
                                   PRIORITIES["citation_narrative"])
        md.treeprocessors.register(IndexMarkTreeprocessor(md), "bookwright_index_marks", PRIORITIES["index_marks"])
        # Pandoc and Quarto manuscripts (issue 16).
        md.preprocessors.register(ListIndentPreprocessor(md), "bookwright_list_indent", PRIORITIES["list_indent"])
        md.preprocessors.register(TildeDefinitionPreprocessor(md), "bookwright_tilde_definitions",
                                  PRIORITIES["tilde_definitions"])
        md.preprocessors.register(RawLatexPreprocessor(md, self.findings), "bookwright_raw_latex", PRIORITIES["raw_latex"])
        md.inlinePatterns.register(InlineLatexPattern(md, self.findings), "bookwright_latex", PRIORITIES["latex_inline"])
        md.inlinePatterns.register(BookdownReferencePattern(md, self.findings), "bookwright_bookdown_reference",
                                   PRIORITIES["bookdown_reference"])
        md.inlinePatterns.register(BookdownLabelPattern(md, self.findings), "bookwright_bookdown_label",
                                   PRIORITIES["bookdown_label"])
        md.treeprocessors.register(BookdownTreeprocessor(md, self.findings), "bookwright_bookdown",
                                   PRIORITIES["bookdown"])
        md.inlinePatterns.register(ShortcodePattern(md, self.findings), "bookwright_shortcodes", PRIORITIES["shortcodes"])
        md.treeprocessors.register(PageBreakTreeprocessor(md), "bookwright_page_breaks", PRIORITIES["page_breaks"])
        md.preprocessors.register(InlineNotePreprocessor(md, self.findings), "bookwright_inline_notes",
                                  PRIORITIES["inline_notes"])
        md.parser.blockprocessors.register(FencedDivProcessor(md.parser, self.findings), "bookwright_fenced_div",
                                           PRIORITIES["fenced_div"])
        md.parser.blockprocessors.register(GridTableProcessor(md.parser, self.findings), "bookwright_grid_table",
                                           PRIORITIES["grid_table"])
        md.parser.blockprocessors.register(LineBlockProcessor(md.parser), "bookwright_line_block",
                                           PRIORITIES["line_block"])
        md.treeprocessors.register(AdmonitionCalloutTreeprocessor(md), "bookwright_admonitions",
                                   PRIORITIES["admonition_callouts"])
        md.treeprocessors.register(ConditionalContentTreeprocessor(md, self.findings), "bookwright_conditional",
                                   PRIORITIES["conditional_content"])
        # Bare web addresses: magiclink's pattern is costly to search for, so it looks only
        # in texts that hold an address; bare mail addresses are not links (<a@b.org> is one).
        md.inlinePatterns.deregister("magic-mail")
        magic = md.inlinePatterns["magic-link"]
        magic.compiled_re = OnlyWhere(magic.compiled_re, ("://", "www."))
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
            AdmonitionExtension(),
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
            # Pandoc's `^sup^`, `~sub~` and `~~strike~~`, and bare web addresses as links.
            InsertSupExtension(insert=False, superscript=True),
            DeleteSubExtension(delete=True, subscript=True, smart_delete=True),
            MagiclinkExtension(hide_protocol=False, repo_url_shortener=False, social_url_shortener=False),
            BookExtension(findings if findings is not None else Findings()),
        ],
        output_format="html",
    )
