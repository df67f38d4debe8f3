"""The tables that shape the text every edition generates around the author's: how deep
the contents ([toc]) and the numbers ([numbering]) go, which lists follow the contents
([lists]), and the words printed around numbers and on generated pages ([words])."""

from __future__ import annotations

from bookwright.diagnostics import Diagnostics
from bookwright.load.toml import KeyLocator
from bookwright.model import ListOptions, NumberingOptions, TocOptions
from bookwright.options import with_defaults


def read_toc(table: dict, at: KeyLocator, diags: Diagnostics) -> TocOptions:
    return with_defaults(TocOptions, depth=_depth("toc", table, at, diags))


def read_numbering(table: dict, at: KeyLocator, diags: Diagnostics) -> NumberingOptions:
    return with_defaults(NumberingOptions, depth=_depth("numbering", table, at, diags))


def read_lists(table: dict, at: KeyLocator, diags: Diagnostics) -> ListOptions:
    return with_defaults(ListOptions, figures=table.get("figures"), tables=table.get("tables"))


def read_words(table: dict, at: KeyLocator, diags: Diagnostics) -> dict[str, str]:
    """The author's words, over the book language's (words.words_for)."""
    words = {}
    for key, value in table.items():
        if value.strip():
            words[key] = value.strip()
        else:
            diags.error_at(at.key("words", key), f"[words] {key} is empty",
                           hint="leave the key out to use the book language's word")
    return words


def _depth(name: str, table: dict, at: KeyLocator, diags: Diagnostics) -> int | None:
    depth = table.get("depth")
    if depth is not None and not 1 <= depth <= 6:
        diags.error_at(at.key(name, "depth"), f"[{name}] depth must be between 1 and 6, not {depth}")
        return None
    return depth
