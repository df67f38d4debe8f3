"""The markup bookwright gives WeasyPrint for its line breaking's sake (writers/pdf/linebreaks.py)."""

from __future__ import annotations

from lxml import html

from bookwright.writers.pdf.linebreaks import spaces_into_inlines


def test_the_space_before_an_inline_element_moves_into_it_where_nothing_is_drawn_under_it():
    root = html.fragment_fromstring(
        '<p>Committing means <em>executing as if</em> it were, see <a class="xref" href="#s">Section 1</a> and '
        '<a href="https://example.org">the site</a>, <span class="footnote">a note</span> and '
        '<span class="underline">this</span> or <span class="highlight">that</span>.</p><pre>x = <span class="tok">1</span></pre>',
        create_parent="div")
    assert spaces_into_inlines(root)
    p, pre = root
    em, xref, site, note, underline, author = p
    assert (p.text, em.text) == ("Committing means", " executing as if")
    assert (em.tail, xref.text) == (" it were, see", " Section 1")
    # A web link is underlined, a note is set at the foot of the page, an underline is drawn,
    # an author's class may draw anything: the space stays outside each.
    assert (xref.tail, site.text) == (" and ", "the site")
    assert (site.tail, note.text) == (", ", "a note")
    assert (note.tail, underline.text) == (" and ", "this")
    assert (underline.tail, author.text) == (" or ", "that")
    assert (pre.text, pre[0].text) == ("x = ", "1")  # a code block's spaces are where they were
    assert p.text_content() == ("Committing means executing as if it were, see Section 1 and the site, a note and "
                                "this or that.")
