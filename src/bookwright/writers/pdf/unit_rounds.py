"""What CSS cannot ask of a page, settled by laying a unit out again.

WeasyPrint breaks lines and pages first-fit, one at a time, and looks back at nothing. Some
of what a book designer checks on every page can therefore only be seen once the unit is
laid out: a word hyphenated across a page turn or in a paragraph's next-to-last line, a
chapter ending with a line or three on a page of its own, a footnote set a page after its
call, a page left short because the figure after it did not fit. So a unit is laid out,
read back here, and where one of these shows, the unit's markup is changed where it
happened, and laid out again, a few rounds at most:

- a paragraph that hyphenates across a page turn or in its next-to-last line is not
  hyphenated (`hyphens: manual`): its lines break again without that hyphen; so are the
  paragraphs with the most hyphens in a unit with more than 4 % of its lines hyphenated;
- the paragraph running onto a chapter's last page, when that page would hold three lines
  or fewer, leaves more of its lines to it (`widows`), so the last page has four;
- a footnote set on a later page than its call: when there are lines enough under the
  call, the page's last lines go over to the next page (`widows` on their paragraph) and
  leave the note its room; when the call is in the page's last lines, its line goes over
  with the note (`widows`, the lines from the call's to its paragraph's end);
- a figure, table or listing that did not fit at the foot of a page, leaving it short,
  moves after the paragraphs that follow it: that text fills the page and the figure
  opens the next one. It never passes another figure (their numbers stay in order) nor
  leaves its section, and moves past as many paragraphs as the short page has room for;
- a numbered table broken over a page turn carries on, on the next page, under "Table 4.1
  (continued)" and its header row (the rows there become a table of their own, in the
  whole table's columns); one that would leave a single row at the foot of a page goes over
  whole instead, and a split the page no longer turns at is undone and made anew.

The last four count lines where they fell, so they are made only on pages that the
round's earlier changes leave as they are (a change moves every page turn after it); the
rest wait for the next round. A layout is read as it goes (units.py): once a page shows a
flaw for certain (a page after it laid out; three for a page left short before a float,
whose text may fill up to a page), the change is made and the layout stops there, since
every page after would change; only a unit's share of hyphens and its last page wait for a
layout that reached its end. (Setting every paragraph's last characters without hyphens
before the first layout, the change the rounds made most often, was tried: the span it
takes in every paragraph made each layout a sixth slower, more than the rounds it saved.)

Every change is made to the unit's own element tree in the worker, and only from what the
unit's layout shows, so the result is a function of the task alone: the layout cache keyed
by the task (layout_cache.py) stays sound, and a cached build gives the bytes a cold one does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bookwright.writers.pdf import table_turns
from bookwright.writers.pdf.element_edits import declare

MAX_ROUNDS = 5  # rounds after a layout that reached the unit's end; a round changes only what the last one showed
# A layout still going on is changed for a page once this many pages after it are laid out; for
# a page left short before a float, once the blocks the float may pass are (they fill up to a page).
LOOKAHEAD = 1
FLOAT_LOOKAHEAD = 3
RUNT_LINES = 3  # a last page with this many lines or fewer is a runt
MIN_ROWS = 2  # a table broken over a page turn leaves at least this many rows at the foot of the page
SHORT_FILL = 0.85  # a page filled less than this is short
HYPHENATED_SHARE = 0.04  # of a unit's lines, at most this many end in a hyphen (a designer allows 5 %)
HYPHEN = "\u2010"  # what WeasyPrint ends a hyphenated line with (hyphenate-character)
FLOATS = ("figure", "table")  # what moves to the next page whole


@dataclass
class Line:
    page: int
    block: object  # the element of the block the line belongs to
    top: float
    bottom: float
    hyphenated: bool
    calls: list = field(default_factory=list)  # footnote elements called on the line


@dataclass
class TablePart:
    table: object  # the table element
    first_row: object  # the element of the first body row on this page
    width: float  # as laid out (CSS px), and each column's
    columns: list[float]
    first_row_height: float
    rows_bottom: float  # where its last body row here ends
    rows: int  # body rows here


@dataclass
class PageRead:
    lines: list[Line]
    notes: dict  # footnote elements set in the page's note area → the height each takes
    first_block: object | None  # the element of the first block the page's flow opens with
    bottom: float  # where the page's flow may reach (above its note area)
    top: float
    note_area: float = 0.0  # what the note area takes beside its notes (its rule, padding and margin)
    tables: list[TablePart] = field(default_factory=list)  # each table on the page, or the part of it here


def read_page(number: int, page_box) -> PageRead:
    """Page `number` of a unit read back from WeasyPrint's page box: its lines (main flow, in
    order), notes and geometry."""
    from weasyprint.formatting_structure import boxes  # the worker's: the build's process does without

    root = page_box.children[0]
    lines: list[Line] = []
    tables: list = []
    first_block = [None]

    def visit(box, block):
        if isinstance(box, boxes.LineBox):
            texts, calls = [], []
            stack = [box]
            while stack:
                inner = stack.pop()
                if isinstance(inner, boxes.TextBox):
                    texts.append((inner.position_x, inner.text))
                tag = inner.element_tag or ""
                if tag.endswith("::footnote-call") and inner.element is not None:
                    calls.append(inner.element)
                stack.extend(getattr(inner, "children", ()) or ())
            texts.sort(key=lambda t: t[0])
            last = texts[-1][1].rstrip() if texts else ""
            lines.append(Line(number, block, box.position_y, box.position_y + box.height, last.endswith(HYPHEN),
                              calls))
            return
        element = box.element
        tag = box.element_tag or ""
        if isinstance(box, boxes.TableBox) and element is not None:
            rows = [row for group in box.children if not (group.is_header or group.is_footer)
                    for row in group.children]
            if rows:
                tables.append(TablePart(element, rows[0].element, box.width, list(box.column_widths),
                                        rows[0].height, rows[-1].position_y + rows[-1].height, len(rows)))
        if isinstance(box, boxes.BlockBox) and element is not None and "::" not in tag:
            if tag not in ("html", "body", "section", "div", "article", "nav") and first_block[0] is None:
                first_block[0] = element
            block = element
        for child in getattr(box, "children", ()) or ():
            visit(child, block)

    visit(root, None)
    notes: dict = {}
    area = page_box.children[1] if len(page_box.children) > 1 else None
    bottom = page_box.content_box_y() + page_box.height
    around = 0.0
    if isinstance(area, boxes.FootnoteAreaBox) and area.children:
        bottom = area.position_y
        notes = {child.element: child.margin_height() for child in area.children if child.element is not None}
        around = area.margin_height() - sum(child.margin_height() for child in area.children)
    return PageRead(lines, notes, first_block[0], bottom, page_box.content_box_y(), around, tables)


class UnitTree:
    """The unit's element tree, and every change made to it in order, as plain data: the
    write of a unit whose rounds were made when it was measured replays them (`replay`)
    instead of making them again, with the same result."""

    def __init__(self, root):
        self.root = root
        # ["style", element, declaration, tag], ["move", element, after, tag], ["split", table,
        # [first row, width, column widths], tag] or ["join", continuation, None, tag]; an element
        # is its position in the tree's document order, checked against its tag when replayed.
        self.changes: list[list] = []
        self.touched: list = []  # the element each change was made to (a split: the first row it moved)

    def _position(self, element) -> int:
        return next(i for i, other in enumerate(self.root.iter()) if other is element)

    def _element(self, position: int):
        for i, element in enumerate(self.root.iter()):
            if i == position:
                return element
        return None

    def add_style(self, element, declaration: str) -> None:
        self.changes.append(["style", self._position(element), declaration, element.tag])
        self.touched.append(element)
        declare(element, declaration)

    def move_after(self, element, after) -> None:
        """Moves `element` to just after its sibling `after`, the text between staying put."""
        self.changes.append(["move", self._position(element), self._position(after), element.tag])
        self.touched.append(element)
        parent = self._parent(element)
        tail = element.tail
        parent.remove(element)
        element.tail = after.tail
        after.tail = tail
        parent.insert(list(parent).index(after) + 1, element)

    def split_table(self, table, row, width: float, columns: list[float]) -> None:
        """Moves `row` and the rows after it into a table of their own (`table_turns.split`)."""
        self.changes.append(["split", self._position(table), [self._position(row), width, columns], table.tag])
        self.touched.append(row)
        table_turns.split(self._parent(table), table, row, self._parent(row), width, columns)

    def join_table(self, rest) -> None:
        """Puts the rows of `rest`, a table split off the table before it, back into that one."""
        self.changes.append(["join", self._position(rest), None, rest.tag])
        parent = self._parent(rest)
        table = list(parent)[list(parent).index(rest) - 1]
        self.touched.append(table)
        table_turns.join(parent, table, rest)

    def _parent(self, element):
        return next((p for p in self.root.iter() if any(child is element for child in p)), None)

    def replay(self, changes: list[list]) -> None:
        """Makes `changes` (made to this unit's markup when it was laid out before, perhaps with
        other page numbers in it) again, each that still finds the element it was made to."""
        for kind, position, value, tag in changes:
            element = self._element(position)
            if element is None or element.tag != tag:
                continue
            if kind == "style":
                if value not in (element.get("style") or ""):
                    self.add_style(element, value)
            elif kind == "join":
                siblings = self._siblings(element)
                index = next((i for i, sibling in enumerate(siblings) if sibling is element), 0)
                if element.get(table_turns.CONTINUATION) is not None and index and siblings[index - 1].tag == "table":
                    self.join_table(element)
            elif kind == "split":
                row_position, width, columns = value
                row = self._element(row_position)
                if row is not None and row.tag == "tr" and _inside(row, element):
                    self.split_table(element, row, width, columns)
            else:
                after = self._element(value)
                if after is not None and any(after is sibling for sibling in self._siblings(element)):
                    self.move_after(element, after)

    def _siblings(self, element) -> list:
        parent = self._parent(element)
        return list(parent) if parent is not None else []


def _set_widows(tree: UnitTree, element, count: int) -> bool:
    """Asks for at least `count` lines of `element` after a page break; False if it asked for
    as many already (a later, smaller ask would undo a larger one: the last declaration wins)."""
    if any(int(asked) >= count for asked in re.findall(r"widows: (\d+)", element.get("style") or "")):
        return False
    tree.add_style(element, f"widows: {count}")
    return True


def adjust(pages: list[PageRead], tree: UnitTree, complete: bool = True) -> int | None:
    """Changes the unit's element tree where its pages show a flaw. Returns the page to lay
    out again from (the pages before it lay out as they did), or None when nothing changed.

    `complete` False: `pages` are the first pages of a layout still going on. Only what they
    show for certain is changed: a flaw on a page with LOOKAHEAD pages laid out after it, a
    hyphen in a paragraph seen to its end; the unit's share of hyphens and its last page wait
    for the whole layout."""
    if not complete and len(pages) <= LOOKAHEAD:
        return None
    parents = {child: parent for parent in tree.root.iter() for child in parent}
    changed = False
    made_before = len(tree.changes)
    blocks: dict[object, list[Line]] = {}
    for page in pages:
        for line in page.lines:
            if line.block is not None:
                blocks.setdefault(line.block, []).append(line)

    def no_hyphens(element) -> bool:
        if "hyphens: manual" in (element.get("style") or ""):
            return False
        tree.add_style(element, "hyphens: manual")
        return True

    # A hyphen across a page turn, or in the line before a paragraph's last.
    for page in pages[:-1]:
        if page.lines and page.lines[-1].hyphenated and page.lines[-1].block is not None:
            changed |= no_hyphens(page.lines[-1].block)
    going_on = set() if complete else {line.block for line in pages[-1].lines}  # may run on past these pages
    for element, lines in blocks.items():
        if len(lines) >= 2 and lines[-2].hyphenated and element not in going_on:
            changed |= no_hyphens(element)

    # Too many hyphens in the unit: the paragraphs with the most are set without, until it
    # has few enough (their lines break at spaces only, a little looser).
    hyphens = {element: sum(line.hyphenated for line in own) for element, own in blocks.items()
               if complete and "hyphens: manual" not in (element.get("style") or "")}
    excess = sum(hyphens.values()) - int(HYPHENATED_SHARE * sum(len(own) for own in blocks.values()))
    for element in sorted(hyphens, key=lambda e: -hyphens[e]):  # the most first, then in reading order
        if excess <= 0 or not hyphens[element]:
            break
        changed |= no_hyphens(element)
        excess -= hyphens[element]

    # What follows counts lines where they fell, page by page from the first: a change moves
    # every page turn after the page it is made on, so once one is made, the pages from there
    # wait for the next round.
    fixes = _PageFixes(pages, tree, blocks, parents, made_before, complete)
    for number in range(len(pages) if complete else len(pages) - LOOKAHEAD):
        if number > fixes.settled() or fixes.waiting:
            break
        changed |= fixes.table_turn(number)
        changed |= fixes.notes(number)
        changed |= fixes.short_before_float(number)
    if complete:
        changed |= fixes.runt()
    if not changed:
        return None
    # From the first page a changed element is on, or the page before: WeasyPrint ends a page
    # after trying the line that runs over it, which may be the changed element's first (unless
    # another block's line opens the page it starts on).
    changes, touched = tree.changes[made_before:], tree.touched[made_before:]
    starts = []
    for (page, before), change, element in zip(_pages_of_changes(changes, touched, blocks, pages), changes, touched):
        own = _lines_of(element, blocks)
        opening = pages[page].lines[:1]
        after_another = (change[0] == "style" and not before and own and opening
                         and not any(line is opening[0] for line in own))
        starts.append(page if after_another else page - 1)
    return max(0, min(starts))


class _PageFixes:
    """The fixes that count lines where they fell, each for one page."""

    def __init__(self, pages: list[PageRead], tree: UnitTree, blocks: dict, parents: dict, made_before: int,
                 complete: bool = True):
        self.pages, self.tree, self.blocks, self.parents = pages, tree, blocks, parents
        self.made_before = made_before
        self.complete = complete
        self.waiting = False  # a page's fix needs pages not laid out yet: the pages after it wait too
        self.tables: dict[object, list[tuple[int, TablePart]]] = {}  # each table's parts, page by page
        for number, page in enumerate(pages):
            for part in page.tables:
                self.tables.setdefault(part.table, []).append((number, part))

    def settled(self) -> int:
        """The first page the round's changes so far may lay out differently."""
        tree = self.tree
        return _first_page_changed(tree.changes[self.made_before:], tree.touched[self.made_before:], self.blocks,
                                   self.pages)

    def table_turn(self, number: int) -> bool:
        """A numbered table that runs onto page `number`: the rows there become a table of their
        own under "Table 6.1 (continued)" (the new caption takes a line there). A table that
        would leave one row alone at the foot of the page before goes over whole, when it fits
        on a page (the page it leaves short is filled as a float's is). A table split where the
        page no longer turns (laid out again with its page numbers, or lines moved above it)
        goes back together, to be split anew where the page turns now."""
        if number > self.settled():
            return False
        for part in self.pages[number].tables:
            placed = self.tables[part.table]
            if placed[0][0] == number:
                if part.table.get(table_turns.CONTINUATION) is not None and self._split_elsewhere(part, number):
                    self.tree.join_table(part.table)
                    return True
                continue
            first = placed[0][1]
            if first.rows < MIN_ROWS and part.table.get(table_turns.CONTINUATION) is None:
                tall = _height(part.table, self.blocks)
                if tall is not None and tall < self.pages[number].bottom - self.pages[number].top:
                    return _whole(self.tree, part.table)
            if part.table.get("data-continued") is not None:
                self.tree.split_table(part.table, part.first_row, part.width, part.columns)
                return True
        return False

    def _split_elsewhere(self, rest: TablePart, opening: int) -> bool:
        """The split was right if the table's first part ended the page before, whole, with no
        room for the row that opens this one."""
        placed = self.tables.get(table_turns.previous_table(rest.table, self.parents), [])
        if not placed:
            return False
        last_page, last = placed[-1]
        room = self.pages[last_page].bottom - last.rows_bottom
        return len(placed) > 1 or last_page != opening - 1 or room >= rest.first_row_height

    def notes(self, number: int) -> bool:
        """A footnote set after its call's page: the call's line goes over with it."""
        if number >= self.settled():
            return False
        pages, tree, blocks = self.pages, self.tree, self.blocks
        page = pages[number]
        changed = False
        for index, line in enumerate(page.lines):
            for call in line.calls:
                if call in page.notes or line.block is None:
                    continue
                later = next((p for p in pages[number + 1:] if call in p.notes), None)
                if later is None:
                    continue  # set nowhere (lost_notes.py reports it) or before: leave it
                # The note needs its height, and the note area's rule and space on a page with
                # no note yet: the lines that end below that go over.
                room = later.notes[call] + (0.0 if page.notes else later.note_area)
                needed = max(1, sum(1 for other in page.lines if other.bottom > page.bottom - room + 0.01))
                below = page.lines[index + 1:]
                last = page.lines[-1]
                if len(below) >= needed and last.block is not None:
                    # Room for the note under the call: the page's last lines go over instead.
                    own = blocks[last.block]
                    after = sum(1 for other in own if other.page > number)
                    changed |= _set_widows(tree, last.block, after + needed)
                else:
                    # The call is in the page's last lines: its line goes over with the note
                    # (all the paragraph's lines when it is in the first). The page must then
                    # break inside that paragraph: not before, nor inside, a block after it.
                    lines = blocks[line.block]
                    # (Never fewer than two: one line alone at the top of a page is a widow.)
                    moved = _set_widows(tree, line.block, max(2, len(lines) - lines.index(line)))
                    after = {below.block: "break-before: avoid; break-inside: avoid" for below in page.lines[index + 1:]
                             if below.block is not None and below.block is not line.block}
                    if lines[-1].page == number and number + 1 < len(pages) and pages[number + 1].lines:
                        # It ends the page: the block that opens the next page may still break
                        # inside, later on, but not before itself.
                        after.setdefault(pages[number + 1].lines[0].block, "break-before: avoid")
                    for other, declaration in after.items():
                        if other is not None and "break-before: avoid" not in (other.get("style") or ""):
                            tree.add_style(other, declaration)
                            moved = True
                    changed |= moved
        return changed

    def short_before_float(self, number: int) -> bool:
        """Page `number` left short by the figure that opens the next one: the figure moves
        after the text that fills the page (only where both pages have settled: a float moved
        on a page turn about to be elsewhere would move too far)."""
        pages = self.pages
        if number + 1 >= min(len(pages), self.settled()):
            return False
        page = pages[number]
        following = pages[number + 1].first_block
        if (following is None or following.tag not in FLOATS or not page.lines
                or table_turns.split_off(following, self.parents)):
            return False
        height = page.bottom - page.top
        if height <= 0 or (page.lines[-1].bottom - page.top) / height >= SHORT_FILL:
            return False
        if not self.complete and number + FLOAT_LOOKAHEAD >= len(pages):
            self.waiting = True
            return False
        room = page.bottom - page.lines[-1].bottom
        tall = _height(following, self.blocks)
        if tall is not None and tall >= height:
            return False  # a float taller than a page breaks wherever it goes: moving it fills nothing
        # Enough to fill the page to SHORT_FILL; less would leave it short for another round.
        enough = room - (1 - SHORT_FILL) * height
        spare = height - (tall or height)  # what the next page holds beside the float
        return _move_down(self.tree, following, self.parents, self.blocks, room, enough, spare)

    def runt(self) -> bool:
        """A chapter's last page with a few lines alone."""
        pages, tree, blocks = self.pages, self.tree, self.blocks
        if len(pages) < 2 or self.settled() < len(pages) - 1:
            return False
        lines = pages[-1].lines
        if not 0 < len(lines) <= RUNT_LINES or not pages[-2].lines:
            return False
        block = lines[0].block
        own = blocks.get(block, [])
        wanted = RUNT_LINES + 1 - len(lines)  # lines more the last page needs
        if block is not None and own and own[0].page < len(pages) - 1:  # it runs over onto the last page
            on_last = sum(1 for line in own if line.page == own[-1].page)
            return _set_widows(tree, block, on_last + wanted)
        if block is not None and pages[-2].lines[-1].block is not None:
            # It opens the page: the break moves into the paragraph before, which leaves
            # the last page the lines it needs.
            before = pages[-2].lines[-1].block
            if len(blocks.get(before, [])) > max(wanted, 2) + 1 and _set_widows(tree, before, max(wanted, 2)):
                tree.add_style(block, "break-before: avoid")
                return True
        return False


def _whole(tree: UnitTree, table) -> bool:
    if "break-inside: avoid" in (table.get("style") or ""):
        return False
    tree.add_style(table, "break-inside: avoid")
    return True


def _first_page_changed(changes: list[list], touched: list, blocks: dict, pages: list[PageRead]) -> int:
    """The first page `changes` (made to the elements `touched`) may lay out differently: the
    page an element whose lines break or turn the page anew is on, the page before it for one
    that may no longer open a page or a float moved down; the page count when there are none."""
    return max(0, min((page - before for page, before in _pages_of_changes(changes, touched, blocks, pages)),
                      default=len(pages)))


def _pages_of_changes(changes: list[list], touched: list, blocks: dict, pages: list[PageRead]) -> list[tuple[int, bool]]:
    """For each change, the first page its element is on (a split: the page of the first row
    it moved; 0 when its element has no lines), and whether the page before may take lines
    from there (a float moved down, an element asked not to open a page)."""
    found = []
    for (kind, _, value, _), element in zip(changes, touched):
        if kind == "split":
            found.append((next((number for number, page in enumerate(pages)
                                if any(part.first_row is element for part in page.tables)), 0), False))
            continue
        lines = [line.page for line in _lines_of(element, blocks)]
        before = kind == "move" or (kind == "style" and "break-before" in value)
        found.append((min(lines), before) if lines else (0, False))
    return found


# What a float may move past: running text, headings and displayed equations, never another float.
PASSABLE = ("p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "pre")
HEADINGS = PASSABLE[1:6]


def _passable(element) -> bool:
    return element.tag in PASSABLE or _is_equation(element)


def _is_equation(element) -> bool:
    return element.tag == "div" and "equation" in (element.get("class") or "").split()


def _height(element, blocks: dict) -> float | None:
    """How tall `element` is, from its lines and those of the blocks in it, on whichever
    pages they fell (so that a float can pass, in one round, every paragraph that fits)."""
    lines = _lines_of(element, blocks)
    if not lines:
        return None
    pages = {line.page for line in lines}
    return sum(max(line.bottom for line in lines if line.page == page)
               - min(line.top for line in lines if line.page == page) for page in pages)


def _gap(element, following, blocks: dict) -> float:
    """The space between `element`'s last line and `following`'s first, where both are on one page."""
    last, first = _lines_of(element, blocks), _lines_of(following, blocks)
    if not last or not first:
        return 0.0
    end = max(last, key=lambda line: (line.page, line.bottom))
    start = min(first, key=lambda line: (line.page, line.top))
    return max(0.0, start.top - end.bottom) if start.page == end.page else 0.0


def _lines_of(element, blocks: dict) -> list[Line]:
    """The lines of `element` and of the blocks inside it, as they fell."""
    return [line for block, own in blocks.items() if block is element or _inside(block, element) for line in own]


def _inside(block, element) -> bool:
    return any(block is descendant for descendant in element.iter())


def _move_down(tree: UnitTree, element, parents: dict, blocks: dict, room: float, enough: float,
               spare: float) -> bool:
    """Moves the float `element`, which opens a page, after the blocks that follow it
    and fit in `room`; and after the next one too while they fill less than `enough` of it,
    if the part of that one that runs over the page turn leaves `spare` room for the float
    under it on the next page. True if it moved."""
    parent = parents.get(element)
    if parent is None:
        return False
    siblings = list(parent)
    index = siblings.index(element)
    after = None
    used = 0.0
    for position, sibling in enumerate(siblings[index + 1:], index + 1):
        if not _passable(sibling):
            break
        height = _height(sibling, blocks)
        if height is not None and position + 1 < len(siblings):
            height += _gap(sibling, siblings[position + 1], blocks)  # its margin to the next block
        # A heading is passed with its first paragraph, whether that fits or runs over.
        if after is not None and after.tag not in HEADINGS and (height is None or used + height > room):
            if used < enough and height is not None and height - (room - used) <= spare:
                after = sibling  # it runs over the page turn and fills the page
            break
        after = sibling
        used += height or room
    if after is None:
        return False
    # A displayed equation stays with the sentence that leads into it.
    while (following := siblings.index(after) + 1) < len(siblings) and _is_equation(siblings[following]):
        after = siblings[following]
    # A heading never ends up right above the float it moved past.
    while after.tag in HEADINGS and after is not siblings[index + 1]:
        after = siblings[siblings.index(after) - 1]
    if after.tag in HEADINGS:
        return False
    tree.move_after(element, after)
    return True
