"""A warning WeasyPrint gives while laying out the PDF is reported where the author can act
on it: a character no font has, at the chapter, line and column that wrote it."""

from __future__ import annotations

import pytest

from support import build_book, diagnostics_text

BOOK = "missing-glyph"
SIGN = "\U00012000"  # cuneiform: no font of the theme or of a usual system has it
WHAT = f'PDF layout: no font has the character "{SIGN}" (U+12000); the PDF shows an empty box for it'
WHY = "the book's typeface and the fonts on this computer lack it: write it another way, or leave it out"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result = build_book(BOOK, tmp_path_factory.mktemp("glyph"), formats=("pdf",))
    assert not result.diagnostics.errors, diagnostics_text(result)
    return result


def test_missing_character_is_reported_where_the_author_wrote_it(built):
    text = diagnostics_text(built)
    assert f"01-tablets.md:3:10: warning: {WHAT}\n  hint: also on line 7; {WHY}" in text
    # Written as a numeric character reference, it is found too.
    assert f"02-reference.md:3:44: warning: {WHAT}\n  hint: {WHY}" in text
    assert not [d for d in built.diagnostics.warnings if d.path == "book.toml"], text
    # Once per file, however often the engine drew the character.
    assert len([d for d in built.diagnostics.warnings if "U+12000" in d.message]) == 2

