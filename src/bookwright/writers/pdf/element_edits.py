"""The edit the quality rounds make to a unit's elements, shared by the rounds
(unit_rounds.py) and the tables they split (table_turns.py)."""

from __future__ import annotations


def declare(element, declaration: str) -> None:
    """Adds `declaration` to the element's own style, after what it has (so it wins)."""
    style = (element.get("style") or "").strip().rstrip(";")
    element.set("style", f"{style}; {declaration}" if style else declaration)
