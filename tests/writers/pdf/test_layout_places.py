"""A warning WeasyPrint gives while laying out the PDF is reported where the author can act
on it: a character no font has, at the chapter, line and column that wrote it."""

from __future__ import annotations

import pytest

from support import build_book, diagnostics_text

BOOK = "missing-glyph"
SIGN = "\U00012000"  # cuneiform: no font of the theme or of a usual system has it
WHAT = f'PDF layout: no font has the character "{SIGN}" (U+12000); the PDF shows an empty box for it'
WHY = ("the book's typefaces lack it: write it another way, or choose faces that have it "
       "([style] body-font, heading-font, code-font)")


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



def test_a_character_only_a_font_of_this_computer_has_is_reported_not_borrowed(tmp_path):
    # DejaVu Sans, on most Linux systems, has a snowman; Linux Libertine has not. The PDF is
    # set in the book's faces only: the snowman is a warning at its place, never DejaVu.
    from support import make_book

    book = make_book(tmp_path / "book", {"01-snow.md": "# Snow\n\nA snowman \u2603 on the step.\n"})
    result = build_book(book, tmp_path / "out", formats=("pdf",))
    assert [d.format().splitlines()[0] for d in result.diagnostics.warnings] == [
        '01-snow.md:3:11: warning: PDF layout: no font has the character "\u2603" (U+2603); the PDF shows an '
        "empty box for it"]
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(str(result.outputs[0].path)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts and all(name.startswith("Linux-Libertine") for name in fonts), fonts
