"""What a subset must keep, found from an edition's documents and stylesheet: the characters
(the text, attribute values, CSS strings, both cases), the layout features the CSS turns
on, and the mathematical styles MathML shows its letters in."""

from __future__ import annotations

from lxml import etree

from bookwright.writers.font_subset import layout_features, math_characters, printed_strings, shown_characters

MATHML = "http://www.w3.org/1998/Math/MathML"


def page(body: str) -> etree._Element:
    return etree.fromstring(f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>'.encode())


def test_the_characters_of_text_attributes_css_strings_and_both_cases():
    shown = shown_characters([page('<p title="Ω">Ærø\u202f: café<br/>ß</p><img alt="ŋ" src="x.png"/>')],
                             'h1::before { content: "\\2042  §"; } q { quotes: "«" "»"; }')
    assert set("Ærøcafé\u202fΩŋ⁂§«»") <= shown
    assert {"æ", "R", "Ø", "É", "ω", "Ŋ", "S"} <= shown  # the other case of each letter (ß → SS)
    assert set("0123456789.-\u2010\u00a0…") <= shown  # list numbers, hyphenation, no-break spaces
    assert not {"\n", "\t", "\x00"} & shown
    assert "Ж" not in shown


def test_printed_strings_reads_content_and_quotes_inside_at_rules():
    css = '@media screen { .a::after { content: "\\2192" attr(x) "x"; } } .b { quotes: "‹" "›"; }'
    assert printed_strings(css) == "→x‹›"


def test_the_features_the_stylesheet_turns_on():
    css = ("body { font-variant-numeric: oldstyle-nums proportional-nums; }"
           "@media screen { h1 { font-variant-caps: all-small-caps; } }"
           'code { font-feature-settings: "ss01" 1, "zero"; }')
    features = layout_features(css)
    assert {"onum", "pnum", "smcp", "c2sc", "ss01", "zero", "kern", "liga"} <= set(features)
    assert "tnum" not in features and "dlig" not in features
    assert "smcp" not in layout_features("p { font-variant: normal; }")


def test_math_characters_are_the_formulas_in_the_styles_mathml_shows_them():
    formula = (f'<math xmlns="{MATHML}"><mi>x</mi><mo>+</mo><mi mathvariant="double-struck">R</mi>'
               f'<msqrt><mn>2</mn></msqrt></math>')
    shown = math_characters([page(f"<p>text <span>{formula}</span> after</p>")])
    assert {"x", "+", "R", "2", "\u221a"} <= shown
    assert "\U0001d465" in shown  # 𝑥: a one-letter <mi> is italic
    assert "\u211d" in shown  # ℝ: double-struck R, encoded outside the math block
    assert "a" not in shown and "t" not in shown  # the text around the formula is not set in the math face
    assert math_characters([page("<p>no formula</p>")]) == frozenset()
