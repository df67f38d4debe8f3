"""A costly inline pattern searched for only in the texts that can hold a match.

Python-Markdown runs every inline pattern over every text of a chapter. A pattern that
cannot open with a literal (magiclink's bare addresses) is slow to search for even where
it finds nothing; `OnlyWhere` wraps its compiled expression so that a text without any of
the pattern's tell-tale strings (`://`) is not searched at all.
"""

from __future__ import annotations

import re


class OnlyWhere:
    def __init__(self, compiled: re.Pattern, needles: tuple[str, ...]):
        self.compiled = compiled
        self.needles = needles

    def finditer(self, data: str, *args):
        if not any(needle in data for needle in self.needles):
            return iter(())
        return self.compiled.finditer(data, *args)

    def match(self, data: str, *args):
        return self.compiled.match(data, *args)

    def __getattr__(self, name):  # pattern, flags, ...: the expression's own
        return getattr(self.compiled, name)
