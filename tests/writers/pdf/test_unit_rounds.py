"""The changes a unit's quality rounds make travel as plain data and are made again exactly
(writers/pdf/unit_rounds.py): the write of a measured unit, and a unit laid out again with
its page numbers, start from them, so they must give the same tree, and leave alone an
element that is no longer what they were made to."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from bookwright.writers.pdf.unit_rounds import UnitTree

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
