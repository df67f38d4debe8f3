"""The changes a unit's quality rounds make travel as plain data and are made again exactly
(writers/pdf/unit_rounds.py): the write of a measured unit, and a unit laid out again with
its page numbers, start from them, so they must give the same tree, and leave alone an
element that is no longer what they were made to."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from bookwright.writers.pdf.unit_rounds import Line, PageRead, TablePart, UnitTree, adjust

UNIT = ("<html><body><section><p>One.</p><figure><img/></figure><p>Two.</p><p>Three.</p>"
        "</section></body></html>")


def tree_of(markup: str) -> UnitTree:
    return UnitTree(ET.fromstring(markup))


def test_replayed_changes_give_the_same_tree():
    first = tree_of(UNIT)
    section = first.root.find("body/section")
    one, figure, two, _ = list(section)
    first.add_style(one, "hyphens: manual")
    first.move_after(figure, two)
    first.add_style(figure, "break-before: avoid")
    assert [el.tag for el in section] == ["p", "p", "figure", "p"]

    again = tree_of(UNIT)
    again.replay(json.loads(json.dumps(first.changes)))  # as it crosses processes and the cache
    assert ET.tostring(again.root) == ET.tostring(first.root)
    assert again.changes == first.changes


def test_a_change_to_an_element_that_is_no_longer_there_is_skipped():
    first = tree_of(UNIT)
    first.add_style(first.root.find("body/section/figure"), "break-before: avoid")
    other = tree_of(UNIT.replace("<figure><img/></figure>", "<p>Instead.</p>"))
    other.replay(first.changes)
    assert b"style" not in ET.tostring(other.root)


# What a round decides, from pages as they were read back (unit_rounds.read_page).

def lines_of(block, page: int, bottoms: list[float], hyphenated: int = 0, calls=()) -> list[Line]:
    """`block`'s lines on `page`, each 20 units tall, ending at `bottoms`; the first
    `hyphenated` end in a hyphen; the first calls the notes `calls`."""
    return [Line(page, block, bottom - 20, bottom, i < hyphenated, list(calls) if i == 0 else [])
            for i, bottom in enumerate(bottoms)]


def rows(start: float, count: int) -> list[float]:
    return [start + 20 * i for i in range(count)]


def test_a_note_that_fits_once_the_pages_last_lines_go_over_keeps_its_call_on_the_page():
    # The call is on the page's third line from the foot; its note (40 high, and the note
    # area's rule and space, 15) fits under it once the last two lines go over. An estimate of
    # a whole line for the note area sent the call's line over instead, and every line under
    # it: the page was left short (the generated book's p. 57).
    tree = tree_of("<html><body><section><p>Before.</p><p>Call<span>Note.</span> here.</p><p>After.</p>"
                   "</section></body></html>")
    before, calling, after = list(tree.root.find("body/section"))
    note = calling.find("span")
    page = PageRead(lines_of(before, 0, rows(20, 31)) + lines_of(calling, 0, [640, 660], calls=[note])
                    + lines_of(after, 0, [680]), {}, before, 700, 0)
    following = PageRead(lines_of(after, 1, rows(20, 6)), {note: 40}, after, 645, 0, note_area=15)
    assert adjust([page, following], tree) is not None
    assert after.get("style") == "widows: 8"  # its 6 lines there and the 2 that go over
    assert calling.get("style") is None


def test_a_unit_with_too_many_hyphens_sets_its_most_hyphenated_paragraphs_without():
    tree = tree_of("<html><body><section><p>One.</p><p>Two.</p><p>Three.</p></section></body></html>")
    one, two, three = list(tree.root.find("body/section"))
    # 60 lines, 4 hyphenated (6.7 %): 2 may stay (4 % of 60, rounded down).
    page = PageRead(lines_of(one, 0, rows(20, 20), hyphenated=1) + lines_of(two, 0, rows(420, 20), hyphenated=2)
                    + lines_of(three, 0, rows(820, 20), hyphenated=1), {}, one, 1300, 0)
    assert adjust([page], tree) is not None
    assert two.get("style") == "hyphens: manual"
    assert one.get("style") is None and three.get("style") is None


def test_a_float_moves_in_the_round_that_changes_pages_after_it():
    # Page 0 is short because the figure opening page 1 did not fit; a paragraph on page 2
    # hyphenates its next-to-last line. Neither change moves the other's page turn, so both
    # are made in one round (one layout less).
    tree = tree_of("<html><body><section><p>First.</p><figure><img/></figure><p>Filler.</p><p>Later.</p>"
                   "</section></body></html>")
    first, figure, filler, later = list(tree.root.find("body/section"))
    short = PageRead(lines_of(first, 0, rows(20, 10)), {}, first, 700, 0)
    opening = PageRead(lines_of(filler, 1, rows(320, 5)), {}, figure, 700, 0)
    then = PageRead(lines_of(later, 2, rows(20, 30)), {}, later, 700, 0)
    then.lines[-2].hyphenated = True
    assert adjust([short, opening, then, PageRead([], {}, None, 700, 0)], tree) is not None
    assert later.get("style") == "hyphens: manual"
    assert [el.tag for el in tree.root.find("body/section")] == ["p", "p", "figure", "p"]


def three_paragraphs() -> tuple[UnitTree, list]:
    tree = tree_of("<html><body><section><p>One.</p><p>Two.</p><p>Three.</p></section></body></html>")
    return tree, list(tree.root.find("body/section"))


def test_a_layout_still_going_on_is_changed_only_where_its_pages_show_a_flaw_for_certain():
    # Laid out so far: page 0, and page 1 with a paragraph that may run on to page 2. Its
    # next-to-last line on page 1 is hyphenated, but its last line may be on a page not yet
    # made; page 0's note set on page 1 is judged, page 1 is the last laid out.
    tree, (one, two, three) = three_paragraphs()
    note = ET.SubElement(one, "span")
    first = PageRead(lines_of(one, 0, rows(20, 33), calls=[note]), {}, one, 700, 0)
    second = PageRead(lines_of(two, 1, rows(20, 10)) + lines_of(three, 1, rows(240, 22)), {note: 40}, two, 700, 0)
    second.lines[-2].hyphenated = True
    assert adjust([first, second], tree, complete=False) is not None
    assert one.get("style") and three.get("style") is None
    # The whole layout: the paragraph ended there.
    assert adjust([first, second], tree) is not None
    assert three.get("style") == "hyphens: manual"


def test_a_layout_still_going_on_waits_for_the_page_after_a_flaw_and_for_its_hyphen_share():
    tree, (one, two, three) = three_paragraphs()
    note = ET.SubElement(two, "span")
    # 40 lines, 3 hyphenated: more than 4 %, but the unit's other lines are not laid out yet;
    # the call's note is not on its page, and no page after it is laid out to say where it went.
    page = PageRead(lines_of(one, 0, rows(20, 20), hyphenated=3) + lines_of(two, 0, rows(420, 13), calls=[note]),
                    {}, one, 700, 0)
    assert adjust([page], tree, complete=False) is None
    assert adjust([page, PageRead(lines_of(two, 1, rows(20, 5)), {}, two, 700, 0)], tree, complete=False) is None
    assert tree.changes == []


def test_a_page_left_short_before_a_float_waits_for_the_text_the_float_may_pass():
    tree = tree_of("<html><body><section><p>First.</p><figure><img/></figure><p>Filler.</p><p>Later.</p>"
                   "</section></body></html>")
    first, figure, filler, later = list(tree.root.find("body/section"))
    pages = [PageRead(lines_of(first, 0, rows(20, 10)), {}, first, 700, 0),
             PageRead(lines_of(filler, 1, rows(320, 5)), {}, figure, 700, 0),
             PageRead(lines_of(later, 2, rows(20, 30)), {}, later, 700, 0),
             PageRead(lines_of(later, 3, rows(20, 30)), {}, later, 700, 0)]
    assert adjust(pages[:3], tree, complete=False) is None
    assert adjust(pages, tree, complete=False) == 0
    assert [el.tag for el in tree.root.find("body/section")] == ["p", "p", "figure", "p"]


def test_a_layout_starts_again_on_the_page_a_changed_paragraph_is_on_when_another_line_opens_it():
    def pages_of(tree: UnitTree) -> list[PageRead]:
        one, two, three = list(tree.root.find("body/section"))
        return [PageRead(lines_of(one, 0, rows(20, 34)), {}, one, 700, 0),
                PageRead(lines_of(one, 1, rows(20, 3)) + lines_of(two, 1, rows(80, 10)), {}, one, 700, 0),
                PageRead(lines_of(three, 2, rows(20, 30)), {}, three, 700, 0)]

    tree, (_, two, _) = three_paragraphs()
    pages = pages_of(tree)
    pages[1].lines[-2].hyphenated = True  # in "Two", which page 1 does not open
    assert adjust(pages, tree) == 1 and two.get("style") == "hyphens: manual"
    # "Three" opens page 2: page 1 ends after trying its first line, and may end otherwise.
    tree, (_, _, three) = three_paragraphs()
    pages = pages_of(tree)
    pages[2].lines[-2].hyphenated = True
    assert adjust(pages, tree) == 1 and three.get("style") == "hyphens: manual"


TABLE = ('<html><body><section><p>Before.</p><table{numbered}><caption><span class="caption-number">Table 4.1</span>: '
         'Meetings</caption><thead><tr><th id="head">Meeting</th><th>Verdict</th></tr></thead><tbody>'
         '<tr><td>One</td><td>Keep</td></tr><tr><td>Two</td><td>End</td></tr><tr><td>Three</td><td>Change</td></tr>'
         '</tbody></table><p>After.</p></section></body></html>')


def split_pages(tree: UnitTree) -> list[PageRead]:
    """The table's first two rows on page 0, its third opening page 1."""
    section = tree.root.find("body/section")
    before, table, after = list(section)
    one, _, three = table.find("tbody")
    return [PageRead(lines_of(before, 0, rows(20, 25)) + lines_of(table, 0, rows(540, 6)), {}, before, 700, 0,
                     tables=[TablePart(table, one, 300.0, [120.0, 180.0], 20.0, 680.0, 2)]),
            PageRead(lines_of(table, 1, rows(20, 3)) + lines_of(after, 1, rows(80, 10)), {}, table, 700, 0,
                     tables=[TablePart(table, three, 300.0, [120.0, 180.0], 20.0, 60.0, 1)])]


def test_a_table_run_over_a_page_turn_carries_on_under_its_number_and_header_row():
    tree = tree_of(TABLE.format(numbered=' data-continued="continued"'))
    assert adjust(split_pages(tree), tree) is not None
    first, rest = tree.root.find("body/section").findall("table")
    assert [row.find("td").text for row in first.find("tbody")] == ["One", "Two"]
    assert [row.find("td").text for row in rest.find("tbody")] == ["Three"]
    assert "".join(rest.find("caption").itertext()) == "Table 4.1 (continued)"
    assert [th.text for th in rest.iter("th")] == ["Meeting", "Verdict"]
    assert [th.get("id") for th in rest.iter("th")] == [None, None]  # each anchor once
    assert "break-before: page" in rest.get("style")
    # Both parts keep the whole table's columns: a part left to itself fits its own rows.
    for part in (first, rest):
        assert "width: 300.03px" in part.get("style")
        assert [col.get("style") for col in part.iter("col")] == ["width: 120.01px", "width: 180.01px"]

    again = tree_of(TABLE.format(numbered=' data-continued="continued"'))
    again.replay(json.loads(json.dumps(tree.changes)))
    assert ET.tostring(again.root) == ET.tostring(tree.root)


def test_an_unnumbered_table_is_left_to_repeat_its_header_row_alone():
    tree = tree_of(TABLE.format(numbered=""))
    adjust(split_pages(tree), tree)
    assert len(tree.root.find("body/section").findall("table")) == 1


def test_a_table_that_would_leave_one_row_at_the_foot_of_a_page_goes_over_whole():
    tree = tree_of(TABLE.format(numbered=' data-continued="continued"'))
    pages = split_pages(tree)
    pages[0].tables[0].rows = 1
    assert adjust(pages, tree) is not None
    table, = tree.root.find("body/section").findall("table")
    assert table.get("style") == "break-inside: avoid"


def test_a_split_the_page_no_longer_turns_at_is_undone():
    # Laid out again (with its page numbers, or lines moved above it), the table's first part
    # no longer reaches the foot of its page: the row that opens the next page would fit.
    tree = tree_of(TABLE.format(numbered=' data-continued="continued"'))
    adjust(split_pages(tree), tree)
    before, first, rest, after = list(tree.root.find("body/section"))
    two, three = first.find("tbody")[1], rest.find("tbody")[0]
    pages = [PageRead(lines_of(before, 0, rows(20, 20)) + lines_of(first, 0, rows(440, 6)), {}, before, 700, 0,
                      tables=[TablePart(first, first.find("tbody")[0], 300.0, [120.0, 180.0], 20.0, 560.0, 2)]),
             PageRead(lines_of(rest, 1, rows(20, 3)) + lines_of(after, 1, rows(80, 10)), {}, rest, 700, 0,
                      tables=[TablePart(rest, three, 300.0, [120.0, 180.0], 20.0, 60.0, 1)])]
    assert adjust(pages, tree) is not None
    tables = tree.root.find("body/section").findall("table")
    assert len(tables) == 1 and [row.find("td").text for row in tables[0].find("tbody")] == ["One", "Two", "Three"]
    assert two in list(tables[0].find("tbody"))

    again = tree_of(TABLE.format(numbered=' data-continued="continued"'))
    again.replay(json.loads(json.dumps(tree.changes)))
    assert ET.tostring(again.root) == ET.tostring(tree.root)
