"""A PDF edition laid out unit by unit, the page numbers settled to a fixed point.

Every unit is laid out once with placeholder numbers; the page map built from their
pages fills in the numbers the contents, the lists, page references and the index print
(page_map.py), and the units whose markup changed with them are laid out again, until
nothing changes (usually after one more round, for the front block and the index). An
edition whose page geometry depends on the page count (a print interior's gutter) asks
for its stylesheet again with each round's count, and every unit follows a new one.
Each round starts from the same placeholders, whatever was built before, so a build that
finds its units in the cache settles exactly where a cold build does.

A unit's pages do not depend on where it falls (its folios are laid out apart), so a
chapter whose page count changes moves later folios without laying out any later
chapter again. Then each unit's folio document is laid out; the result is what join.py
joins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import html as lxml_html

from bookwright.writers.common import escape_attr
from bookwright.writers.pdf.document import PdfDocument
from bookwright.writers.pdf.folios import folio_markup, folio_text, printed_style
from bookwright.writers.pdf.page_map import PageMap, UnitMarkup, page_map
from bookwright.writers.pdf.unit_css import NumberedLinks, unit_stylesheets
from bookwright.writers.pdf.unit_runner import UnitRunner
from bookwright.writers.pdf.unit_tasks import NEXT_UNIT, UnitLaidOut, UnitTask

MAX_ROUNDS = 8


@dataclass
class EditionPlan:
    document: PdfDocument
    stylesheet: Callable[[int | None], str]  # the edition's CSS for a book of N pages (None: not known yet)
    tagged: bool
    variant: str | None
    identifier: bytes
    measure_first: bool = False  # the first round's stylesheet will likely change: do not write it


@dataclass
class BookLaidOut:
    keys: list[str]  # each unit's key ("#front", a part's or a chapter's)
    units: list[UnitLaidOut]
    folios: list[UnitLaidOut | None]  # each unit's folio document (None: no page shows a folio)
    pages: PageMap
    stylesheet: str  # the edition's stylesheet the units were laid out with
    styles: dict[int, str]  # folio style of the front matter (0) and of the body (1), where printed

    def folio(self, page: int) -> str:
        """The folio of global page `page`, as the book prints it (or would, on a page without one)."""
        run = 0 if page < self.pages.body_start else 1
        return folio_text(self.pages.counter(page), self.styles.get(run, "decimal"))


def lay_out_book(plan: EditionPlan, runner: UnitRunner) -> BookLaidOut:
    document = plan.document
    book = document.book
    sections = document.sections()
    keys = [key for key, _ in sections]
    part_keys = {part.key for part in book.parts}
    body_unit = next((k for k, key in enumerate(keys) if key in part_keys or (key != "#front" and key not in document.front)),
                     None)
    css = plan.stylesheet(None)
    sheets = unit_stylesheets(css, book.metadata.title)
    numbered = NumberedLinks(sheets.numbered)
    markups = _markups(sections, numbered)
    openings = [_opening(markup) for _, markup in sections[1:]] + [""]  # what follows each unit
    index_key = next((c.key for c in book.chapters if c.role == "index"), None) if book.index else None

    def task(k: int, html: str, write: bool, adjustments: str = "") -> UnitTask:
        return UnitTask("unit", html, sheets.unit, keys[k], write, plan.tagged, plan.variant, plan.identifier,
                        adjustments)

    results: list[UnitLaidOut | None] = [None] * len(keys)
    inputs: list[tuple | None] = [None] * len(keys)
    pages: PageMap | None = None
    for round_number in range(MAX_ROUNDS):
        if pages is not None:
            wanted = plan.stylesheet(pages.total)
            if wanted != css:
                css, sheets = wanted, unit_stylesheets(wanted, book.metadata.title)
            if index_key is not None and document.index_pages != pages.anchors:
                # Issue 7: index locators on one page or on following pages merge into ranges.
                document.index_pages = dict(pages.anchors)
                k = keys.index(index_key)
                markups[k] = UnitMarkup(index_key, dict(document.sections())[index_key], numbered)
                markups[k].point_links_elsewhere(set().union(*(m.ids for m in markups)))
        wanted_tasks = {}
        for k in range(len(keys)):
            html = document.wrap(markups[k].html(pages) + openings[k], words_broken=True)
            if inputs[k] != (html, sheets.unit):
                # Placeholder numbers will change, and so will a stylesheet that is still a guess.
                write = not (round_number == 0 and (markups[k].prints_numbers or plan.measure_first))
                # Its quality rounds start from where they ended the last time (unit_rounds.py).
                wanted_tasks[k] = task(k, html, write, results[k].adjustments if results[k] else "")
        if not wanted_tasks:
            break
        order = list(wanted_tasks)
        # While a few units are laid out again (the contents, the index), the folios of the
        # others for the page map as it stands: they are usually final, and kept in the cache
        # for the last round; if the map moves, they are laid out again there.
        ahead = [t for k, t in _folio_tasks(document, keys, results, pages, sheets, plan).items() if k not in wanted_tasks]
        laid = runner.run([wanted_tasks[k] for k in order] + ahead)
        for k, result in zip(order, laid):
            results[k], inputs[k] = result, (wanted_tasks[k].html, wanted_tasks[k].css)
        pages = page_map([len(r.pages) for r in results], [[p.anchors for p in r.pages] for r in results], body_unit)
    else:
        raise RuntimeError("the page numbers did not settle")

    # The settled units still only measured, and each unit's folios, in one round.
    final = [k for k, result in enumerate(results) if result.pdf is None]
    # Each is written from the changes its quality rounds made when it was measured
    # (writers/pdf/unit_rounds.py), made at once: the same pages, without laying out rounds again.
    extra = [task(k, inputs[k][0], write=True, adjustments=results[k].adjustments) for k in final]
    folio_tasks = _folio_tasks(document, keys, results, pages, sheets, plan)
    laid = runner.run(extra + list(folio_tasks.values()))
    for k, result in zip(final, laid):
        if [len(result.pages)] != [len(results[k].pages)]:
            raise RuntimeError(f"unit {keys[k]} laid out differently when written")
        results[k] = result
    laid = laid[len(final):]
    folios: list[UnitLaidOut | None] = [None] * len(keys)
    for k, result in zip(folio_tasks, laid):
        folios[k] = result
        _check_folio_pages(keys[k], results[k], result)
    return BookLaidOut(keys, results, folios, pages, css, _folio_styles(pages, folios))


def _folio_tasks(document: PdfDocument, keys: list[str], results: list, pages: PageMap | None, sheets,
                 plan: EditionPlan) -> dict[int, UnitTask]:
    """Each unit's folio document for the page map `pages` (none before there is one)."""
    tasks = {}
    if pages is None:
        return tasks
    for k, result in enumerate(results):
        described = [(p.side, p.blank, p.name) for p in result.pages]
        first = pages.starts[k]
        markup = folio_markup(described, [pages.counter(first + i) for i in range(len(described))])
        if markup:
            tasks[k] = UnitTask("folios", document.wrap(markup, words_broken=True), sheets.folios, keys[k],
                                identifier=plan.identifier)
    return tasks


def _markups(sections: list[tuple[str, str]], numbered: NumberedLinks) -> list[UnitMarkup]:
    markups = [UnitMarkup(key, markup, numbered) for key, markup in sections]
    anywhere = set().union(*(m.ids for m in markups))
    for markup in markups:
        markup.point_links_elsewhere(anywhere)
    return markups


def _opening(markup: str) -> str:
    """The unit's first element, emptied, with the id units.py cuts the layout at."""
    element = lxml_html.fragment_fromstring(markup, create_parent="div")[0]
    classes = element.get("class")
    attribute = f' class="{escape_attr(classes)}"' if classes else ""
    return f'<{element.tag}{attribute} id="{NEXT_UNIT}"></{element.tag}>'


def _check_folio_pages(key: str, unit: UnitLaidOut, folios: UnitLaidOut) -> None:
    """A folio page must be the page it is drawn on: same side, same named page, both blank or not."""
    for i, page in enumerate(folios.pages):
        if i >= len(unit.pages) or (page.side, page.blank, page.name) != (unit.pages[i].side, unit.pages[i].blank,
                                                                            unit.pages[i].name):
            raise RuntimeError(f"the folios of unit {key} do not fall on its pages (page {i + 1})")


def _folio_styles(pages: PageMap, folios: list[UnitLaidOut | None]) -> dict[int, str]:
    """The counter style the front matter's and the body's folios are printed in: the first
    printed folio of each decides (a page without one is numbered as its neighbours are)."""
    styles: dict[int, str] = {}
    for k, result in enumerate(folios):
        if result is None:
            continue
        first = pages.starts[k]
        for i, page in enumerate(result.pages):
            run = 0 if first + i < pages.body_start else 1
            if run not in styles:
                style = printed_style(pages.counter(first + i), set(page.margins))
                if style is not None:
                    styles[run] = style
    return styles
