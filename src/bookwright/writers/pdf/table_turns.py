"""A numbered table split where the page turns, and joined back: the changes to a unit's
element tree behind "Table 4.1 (continued)". The quality rounds (unit_rounds.py) decide
where and when from the laid-out pages; this is what the tree becomes."""

from __future__ import annotations

import copy
import math

from bookwright.writers.pdf.element_edits import declare

CONTINUATION = "data-continues"  # on the table that carries on a table split over a page turn


def split(parent, table, row, group, width: float, columns: list[float]) -> None:
    """Moves `row` (of the row group `group`) and the rows after it into a new table after
    `table`, opening the next page: under the caption "Table 6.1 (continued)" (its word is
    the table's `data-continued`, pdf/document.py) and a copy of the table's header rows. A
    reader sees what WeasyPrint shows of a table it breaks, the header row repeated, and
    which table it is; the new table can be split again the same way. Both keep the columns
    the whole table was laid out with (`width`, `columns`): left to themselves, each part's
    columns would fit its own rows, and change width at the page turn."""
    rest = table.makeelement("table", {key: value for key, value in table.attrib.items() if key not in ("id", "style")})
    rest.set(CONTINUATION, "")
    declare(rest, "break-before: page")
    for part in (table, rest):
        declare(part, f"width: {_at_least(width + 0.01 * len(columns))}px")
    caption = rest.makeelement("caption", {"class": "continued"})
    number = table.find("caption/span[@class='caption-number']")
    if number is not None:
        label = copy.deepcopy(number)
        label.tail = f" ({table.get('data-continued')})"
        caption.append(label)
    rest.append(caption)
    _set_columns(table, columns)
    for part in table:
        if part.tag in ("colgroup", "col", "thead"):
            rest.append(_bare_copy(part))
    rows = list(group)
    body = rest.makeelement(group.tag, dict(group.attrib))
    for moved in rows[rows.index(row):]:
        group.remove(moved)
        body.append(moved)
    rest.append(body)
    parts = list(table)
    for later in parts[parts.index(group) + 1:]:  # the row groups after it, and a footer
        table.remove(later)
        rest.append(later)
    rest.tail, table.tail = table.tail, None
    parent.insert(list(parent).index(table) + 1, rest)


def join(parent, table, rest) -> None:
    """Undoes `split`: the rows of `rest` go back to the end of `table`."""
    groups = [part for part in rest if part.tag in ("tbody", "tfoot")]
    last = next((part for part in reversed(table) if part.tag == "tbody"), None)
    if groups and last is not None and groups[0].tag == "tbody":
        last.extend(list(groups.pop(0)))  # the rows split off the group they were in
    table.extend(groups)
    table.tail = rest.tail
    parent.remove(rest)


def _set_columns(table, columns: list[float]) -> None:
    """Gives the table's columns the widths `columns`, on its own `col` elements if it has them."""
    cols = [col for col in table.iter("col")]
    if not cols:
        group = table.makeelement("colgroup", {})
        cols = [group.makeelement("col", {}) for _ in columns]
        group.extend(cols)
        parts = list(table)
        table.insert(next((i for i, part in enumerate(parts) if part.tag != "caption"), len(parts)), group)
    for col, width in zip(cols, columns):
        declare(col, f"width: {_at_least(width)}px")


def _at_least(width: float) -> str:
    # A column as wide as its longest word must not lose a hair of it to rounding: that
    # word would then break. A hundredth of a pixel more is invisible.
    return f"{math.ceil(width * 100) / 100 + 0.01:.2f}"


def _bare_copy(element):
    """A copy of `element` printed a second time: no ids (each anchor once), no notes (each note once)."""
    copied = copy.deepcopy(element)
    for inner in list(copied.iter()):
        inner.attrib.pop("id", None)
        for child in list(inner):
            if _is_note(child):
                _remove_keeping_tail(inner, child)
    return copied


def _remove_keeping_tail(parent, child) -> None:
    if child.tail:
        index = list(parent).index(child)
        if index:
            before = parent[index - 1]
            before.tail = (before.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def previous_table(element, parents: dict):
    siblings = list(parents.get(element, ()))
    index = next((i for i, sibling in enumerate(siblings) if sibling is element), 0)
    return siblings[index - 1] if index and siblings[index - 1].tag == "table" else None


def split_off(element, parents: dict) -> bool:
    """A table split over a page turn, or the table that carries it on: it stays where it is."""
    if element.get(CONTINUATION) is not None:
        return True
    siblings = list(parents.get(element, ()))
    index = next((i for i, sibling in enumerate(siblings) if sibling is element), None)
    return index is not None and index + 1 < len(siblings) and siblings[index + 1].get(CONTINUATION) is not None


def _is_note(element) -> bool:
    return "footnote" in (element.get("class") or "").split()
