"""Every page of the screen PDF dressed as a right-hand page.

A screen shows one page at a time: there are no spreads, so nothing is gained by a left-hand
page's design (the book's title over it, the folio at its other corner), and nothing waits
for a right-hand page, so a chapter opens on whichever page comes next (styles/screen.css).
A unit of the book is laid out alone, starting on a right-hand page, wherever it falls
(units.py): if left- and right-hand pages looked different, a chapter opening on the book's
left-hand page would wear the wrong side's design. So the screen edition's stylesheet keeps
the recto's page rules for every page and drops the verso's, whatever theme or author wrote
them: a page looks the same on either side, and a unit's pages do not depend on where it falls.
"""

from __future__ import annotations

import re

import tinycss2

SIDE = re.compile(r":(left|right)\b", re.IGNORECASE)


def recto_pages(css: str, direction: str) -> str:
    """`css` with every `@page` rule for versos dropped and every one for rectos made to
    hold for any page; `direction`: the book's ("rtl": rectos are left-hand pages)."""
    recto, verso = ("left", "right") if direction == "rtl" else ("right", "left")
    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.at_keyword.lower() == "page":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            kept = [SIDE.sub("", s).strip() for s in selectors
                    if not any(m.group(1).lower() == verso for m in SIDE.finditer(s))]
            if not kept:
                continue  # a verso's rule: no screen page is one
            prelude = "" if "" in kept else ", ".join(kept)
            out.append(f"@page {prelude} {{{tinycss2.serialize(rule.content or [])}}}".replace("@page  {", "@page {"))
        else:
            out.append(rule.serialize())
    return "\n".join(out)
