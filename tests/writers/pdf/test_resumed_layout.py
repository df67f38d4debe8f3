"""A quality round lays a unit out again from the page before the first one its changes reach,
keeping the pages before it (writers/pdf/resumed_layout.py): the pages it gives are the pages
a whole layout of the changed tree gives, with their running heads, notes, bookmarks and
anchors, and a book built so is byte for byte the book built with whole layouts."""

from __future__ import annotations

import cssselect2
import pytest
from weasyprint import CSS, HTML

from bookwright.build.pipeline import build
from bookwright.writers.pdf import resumed_layout
from support import BOOKS, diagnostics_text

STYLE = """
@page { size: 300px 400px; margin: 40px 30px; @top-center { content: string(chapter); font-size: 8px; } }
body { font: 11px/15px serif; hyphens: auto; }
h2 { string-set: chapter content(); bookmark-level: 2; break-after: avoid; }
p { margin: 0 0 6px; orphans: 2; widows: 2; }
figure { margin: 8px 0; break-inside: avoid; }
figure div { height: 150px; background: #888; }
.note { float: footnote; font-size: 8px; }
"""

WORDS = ("the team kept a small table of every release and the time each one spent waiting "
         "for review before anyone looked at it again ").split()


def paragraph(n: int, note: bool = False) -> str:
    text = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(40 + 7 * (n % 5)))
    call = f'<span class="note">Note to paragraph {n}, which says a little more.</span>' if note else ""
    return f'<p id="p{n}">{text}{call} {text}</p>'


def document() -> HTML:
    parts = []
    for chapter in range(3):
        parts.append(f'<h2 id="c{chapter}">Chapter {chapter}</h2>')
        for n in range(chapter * 8, chapter * 8 + 8):
            parts.append(paragraph(n, note=n % 3 == 1))
            if n % 8 == 4:
                parts.append(f'<figure id="f{n}"><div></div><figcaption>Figure {n}</figcaption></figure>')
    return HTML(string=f"<html lang=en><body>{''.join(parts)}</body></html>")


def pages_read(layout: resumed_layout.Layout) -> list:
    """What each page shows: every box's kind, element, text and place (margin boxes and the
    note area included), and the page's anchors, links and bookmarks."""
    read = []
    for page in layout.document.pages:
        boxes = [(type(box).__name__, box.element_tag, getattr(box, "text", None),
                  round(box.position_x, 3), round(box.position_y, 3), round(box.width or 0, 3))
                 for box in page._page_box.descendants()]
        read.append((boxes, sorted(page.anchors.items()), page.bookmarks, [link[:3] for link in page.links]))
    return read


def rewrap(html: HTML) -> None:
    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(html.etree_element, content_language=None)


@pytest.mark.parametrize("change", ["style", "move"])
def test_a_resumed_layout_is_the_whole_layout(change):
    sheet = CSS(string=STYLE)
    html = document()
    first = resumed_layout.lay_out(html, sheet, None)
    assert len(first.document.pages) >= 8 and all(first.resumable[:2])
    body = html.etree_element.find("body")
    if change == "style":  # a paragraph in mid-chapter set without hyphens, asking for more lines after a break
        target = body.find(".//p[@id='p13']")
        target.set("style", "hyphens: manual; widows: 4")
    else:  # a figure moved down past two paragraphs
        figure = body.find(".//figure[@id='f12']")
        anchor = body.find(".//p[@id='p14']")
        body.remove(figure)
        body.insert(list(body).index(anchor) + 1, figure)
    on = next(number for number, page in enumerate(first.document.pages)
              if any(box.element is not None and box.element.get("id") in ("p13", "f12")
                     for box in page._page_box.descendants()))
    assert on >= 3
    rewrap(html)
    resumed = resumed_layout.lay_out(html, sheet, None, first, on - 1)
    kept = sum(1 for a, b in zip(first.document.pages, resumed.document.pages) if a is b)
    assert kept == on - 1  # the pages before were not laid out again
    rewrap(html)
    whole = resumed_layout.lay_out(html, sheet, None)
    assert pages_read(resumed) == pages_read(whole)
    assert pages_read(resumed) != pages_read(first)
    # The running head of the first page laid out again comes from a heading on a page kept.
    assert not any(box.element_tag == "h2" for page in resumed.document.pages[on - 1:on + 1]
                   for box in page._page_box.descendants())
    assert "Chapter 1" in [box.text for box in resumed.document.pages[on - 1]._page_box.descendants()
                           if type(box).__name__ == "TextBox"]


def test_a_layout_cut_short_where_the_tree_changed_and_resumed_is_the_whole_layout():
    sheet = CSS(string=STYLE)
    html = document()
    target = html.etree_element.find(".//p[@id='p13']")
    seen = []

    def stop(page_boxes: list) -> int | None:
        seen.append(len(page_boxes))
        on = [number for number, page in enumerate(page_boxes)
              if any(box.element is target for box in page.descendants())]
        if on and len(page_boxes) > on[0] + 1 and not target.get("style"):
            target.set("style", "hyphens: manual; widows: 4")  # what a round does on seeing p13's page
            return on[0] - 1
        return None

    cut = resumed_layout.lay_out(html, sheet, None, stop=stop)
    assert cut.restart is not None and cut.restart >= 2
    made = len(cut.document.pages)
    assert seen == list(range(1, made + 1))  # shown every page as it was made, none after
    rewrap(html)
    resumed = resumed_layout.lay_out(html, sheet, None, cut, cut.restart, stop=stop)
    assert resumed.restart is None and sum(1 for a, b in zip(cut.document.pages, resumed.document.pages)
                                           if a is b) == cut.restart
    rewrap(html)
    whole = resumed_layout.lay_out(html, sheet, None)
    assert made < len(whole.document.pages)
    assert pages_read(resumed) == pages_read(whole)


def test_pages_that_print_the_page_count_are_all_laid_out_again():
    sheet = CSS(string=STYLE + '@page { @bottom-center { content: counter(page) " of " counter(pages); } }')
    html = document()
    first = resumed_layout.lay_out(html, sheet, None)
    html.etree_element.find(".//p[@id='p13']").set("style", "line-height: 40px")  # the book grows by pages
    rewrap(html)
    resumed = resumed_layout.lay_out(html, sheet, None, first, 9)
    rewrap(html)
    whole = resumed_layout.lay_out(html, sheet, None)
    assert len(whole.document.pages) > len(first.document.pages)
    assert pages_read(resumed) == pages_read(whole)


def test_a_running_element_is_laid_out_whole():
    sheet = CSS(string=STYLE + "h2 { position: running(head); } @page { @top-left { content: element(head); } }")
    layout = resumed_layout.lay_out(document(), sheet, None)
    assert layout.context is None and len(layout.document.pages) > 3


def test_a_book_built_with_resumed_layouts_is_the_book_built_whole(tmp_path):
    """units-book's quality rounds lay some of its units out again from a later page (screen
    PDF and KDP interior); switched to whole layouts, the files are the same bytes."""
    resumed_at = []
    original = resumed_layout._lay_out

    def counted(html, stylesheet, font_config, resume, at, stop):
        resumed_at.append(at)
        return original(html, stylesheet, font_config, resume, at, stop)

    files = {}
    for mode in ("resumed", "whole"):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(resumed_layout, "_lay_out", counted)
            if mode == "whole":
                patch.setattr(resumed_layout.Layout, "start_at_or_before", lambda self, page: 0)
            result = build(BOOKS / "units-book", tmp_path / mode, ("pdf", "print-kdp"), jobs=1)
        assert not result.diagnostics.errors, diagnostics_text(result)
        files[mode] = {o.path.name: o.path.read_bytes() for o in result.outputs}
        if mode == "resumed":
            assert any(resumed_at)
            resumed_at.clear()
        else:
            assert not any(resumed_at)
    assert files["resumed"].keys() == files["whole"].keys() and len(files["whole"]) == 2
    for name, data in files["whole"].items():
        assert files["resumed"][name] == data, name
