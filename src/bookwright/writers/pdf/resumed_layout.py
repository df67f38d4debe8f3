"""A unit laid out again from a page on, the pages before it kept from the last layout.

A quality round (`unit_rounds.py`) changes a unit's tree where a page shows a flaw, and the
pages before the first one its changes can reach lay out as they did. WeasyPrint lays a
document out page by page, each page starting from a plain description of where the one
before stopped (its page maker: a position in the box tree, the side, the page name and the
page counters), so a layout can start at any page whose start needs nothing else carried
over: no footnote pushed on from the page before, no float or positioned box broken across
it, no running element. The tree's elements before that page are the same objects and sit at
the same places in the new box tree, so the old position is valid in it.

`lay_out` does what `HTML.render` does (the cascade, the box tree, pages one by one, then
bookmarks, named strings, margin boxes and backgrounds), page by page under its own hand so
that it can note which pages a later layout may start at, and start there. Anything it
cannot resume exactly (page-based counters that ask for another pagination, fixed boxes,
running elements, margin boxes printing a page count that changed) is laid out whole by
WeasyPrint instead, and that layout is not resumed.
`tests/writers/pdf/test_resumed_layout.py` holds a resumed layout to a whole one.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field

from weasyprint import DEFAULT_OPTIONS
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document, DocumentMetadata, Page
from weasyprint.formatting_structure.build import build_formatting_structure
from weasyprint.html import get_html_metadata
from weasyprint.layout import initialize_page_maker
from weasyprint.layout.background import layout_backgrounds
from weasyprint.layout.page import make_margin_boxes, remake_page
from weasyprint.text.fonts import FontConfiguration


@dataclass
class Layout:
    document: Document
    context: object | None = None  # WeasyPrint's LayoutContext; None: laid out whole by WeasyPrint, not resumable
    # For each page, whether a layout may start there (nothing carried over from the page before).
    resumable: list[bool] = field(default_factory=list)
    # A layout cut short by `stop`: the page to lay out again from (the tree changed); None: whole.
    restart: int | None = None

    def start_at_or_before(self, page: int) -> int:
        """The last page at or before `page` a layout may start at (the first page always may)."""
        page = min(page, len(self.resumable) - 1)
        while page > 0 and not self.resumable[page]:
            page -= 1
        return max(page, 0)


class _Whole(Exception):
    """The layout needs what only WeasyPrint's whole layout does."""


def lay_out(html, stylesheet, font_config, resume: Layout | None = None, at: int = 0, stop=None) -> Layout:
    """`html` laid out with `stylesheet`; from page `at` on when `resume` (the layout of the
    same tree before a change that leaves its pages before `at` as they were) is given.

    `stop`, if given, is shown the page boxes laid out so far after each page but the last; when
    it changes the tree it returns the page to lay out again from, and the layout ends there
    (`Layout.restart`): the pages after would be thrown away."""
    if resume is None or resume.context is None:
        at = 0
    else:
        at = resume.start_at_or_before(at)
    if stop is not None and _prints_page_count(stylesheet):
        stop = None  # a layout cut short would print its own page count in the pages it keeps
    try:
        return _lay_out(html, stylesheet, font_config, resume if at else None, at, stop)
    except _Whole:
        return Layout(html.render(stylesheets=[stylesheet], font_config=font_config))


def _lay_out(html, stylesheet, font_config, resume: Layout | None, at: int, stop) -> Layout:
    options = dict(DEFAULT_OPTIONS, stylesheets=[stylesheet])
    font_config = font_config or FontConfiguration()
    color_profiles: dict = {}  # filled by the cascade, read when the document is written
    context = Document._build_layout_context(html, font_config, CounterStyle(), color_profiles, options)
    root_box = build_formatting_structure(html.etree_element, context.style_for, context.get_image_from_uri,
                                          html.base_url, context.target_collector, context.counter_style,
                                          context.footnotes)
    kept: list = []  # the pages before `at`, as they were
    resumable: list[bool] = []
    if resume is not None:
        before = resume.context
        if any(before.running_elements.values()):
            raise _Whole
        context.page_maker = copy.deepcopy(before.page_maker[:at + 1])
        context.style_for.initial_page_sizes.update(before.style_for.initial_page_sizes)
        context.dictionaries = before.dictionaries  # the hyphenation dictionaries already loaded
        for name, pages in before.string_set.items():
            for number, values in pages.items():
                if number <= at:
                    context.string_set[name][number] = list(values)
        kept = resume.document.pages[:at]
        resumable = resume.resumable[:at]
    else:
        initialize_page_maker(context, root_box)
    context.rendered_notes = []
    new, restart = _paginate(context, root_box, html, at, resumable, [page._page_box for page in kept], stop)
    if any(context.running_elements.values()) or any(page.fixed_boxes for page in new):
        raise _Whole  # boxes drawn on other pages than their own
    for number, entry in enumerate(context.page_maker):
        remake_state = entry[4]
        # (A layout cut short ends with the entry of the page it did not make: "to be made".)
        if (remake_state["content_changed"] or remake_state["pages_wanted"]) and number < len(kept) + len(new):
            raise _Whole  # page-based counters that want another pagination
        entry[3][1]["pages"] = [len(kept) + len(new)]
    if resume is not None and len(kept) + len(new) != len(resume.document.pages) and _prints_page_count(stylesheet):
        raise _Whole  # the kept pages' margin boxes print the old count
    _strings_and_bookmarks(context, kept, new, at)
    for number, page in enumerate(new, at):
        root, footnote_area, note_area = page.children
        context.current_page = number + 1
        children = [root]
        children += [footnote_area] if footnote_area.children else []
        children += [note_area] if note_area.children else []
        children += make_margin_boxes(context, page, context.page_maker[number + 1][3])
        page.children = tuple(children)
        layout_backgrounds(page, context.get_image_from_uri)
    document = Document(kept + [Page(page) for page in new], DocumentMetadata(**get_html_metadata(html)),
                        html.url_fetcher, font_config, color_profiles, options["output_intent"])
    document._html = html
    return Layout(document, context, resumable, restart)


def _paginate(context, root_box, html, at: int, resumable: list[bool], kept: list, stop) -> tuple[list, int | None]:
    """The pages from `at` to the end, or to where `stop` asks to start again (and that page),
    each noted in `resumable` as a page a layout may start at or not."""
    pages = []
    number = at
    while True:
        remake_state = context.page_maker[number][4]
        remake_state.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
        resumable.append(not context.reported_footnotes and not context.broken_out_of_flow)
        page, resume_at = remake_page(number, context, root_box, html)
        pages.append(page)
        number += 1
        if resume_at is None and not context.reported_footnotes:
            context.page_maker = context.page_maker[:number + 1]
            return pages, None
        if stop is not None and (restart := stop(kept + pages)) is not None:
            context.page_maker = context.page_maker[:number + 1]
            return pages, restart


def _strings_and_bookmarks(context, kept: list, new: list, at: int) -> None:
    """Named strings collected page by page, and one bookmark per element (the first box's), as
    WeasyPrint does once a document is paginated; the kept pages already had theirs."""
    marked = defaultdict(set)  # "" / "::before" / "::after" → elements with a bookmark already
    for page in kept:
        for child in page._page_box.descendants():
            if child.bookmark_label:
                marked[_pseudo(child)].add(child.element)
    for number, page in enumerate(new, at):
        for child in page.descendants():
            if child.missing_link:
                raise _Whole  # a target's counter filled in after pagination
            if child.bookmark_label:
                if child.element in marked[_pseudo(child)]:
                    child.bookmark_label = ""
                else:
                    marked[_pseudo(child)].add(child.element)
            if child.string_set and child.string_set != "none":
                for name, text in child.string_set:
                    context.string_set[name][number + 1].append(text)


def _prints_page_count(stylesheet) -> bool:
    """Whether a page's margin box prints the document's page count (`counter(pages)`)."""
    def mentions(value) -> bool:
        if isinstance(value, (tuple, list)):
            if len(value) == 2 and value[0] in ("counter()", "counters()") and value[1] and value[1][0] == "pages":
                return True
            return any(mentions(item) for item in value)
        return False

    return any(mentions(declarations) for *_, declarations in stylesheet.page_rules)


def _pseudo(box) -> str:
    tag = box.element_tag or ""
    return next((pseudo for pseudo in ("::before", "::after") if tag.endswith(pseudo)), "")
