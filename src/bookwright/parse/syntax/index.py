"""Index marks: a bracketed span with the class `idx`.

    [trust]{.idx}                              the text is the term
    [repairs]{.idx term="trust!repair of"}     a sub-entry: levels split at "!"
    []{.idx term="Caesar, Julius"}             a comma belongs to the term (as in makeindex)
    []{.idx term="candour" see="feedback"}     a cross-reference instead of a locator
    [trust]{.idx seealso="psychological safety"}
    [Ølstad]{.idx sort="Olstad"}               where the term sorts, when not by its letters

The span stays in the text (it is invisible to a reader); this treeprocessor only moves
the attributes the author wrote into `data-idx-*` attributes that survive sanitising, so
the whole-book pass can collect them.
"""

from __future__ import annotations

from markdown.treeprocessors import Treeprocessor

INDEX_CLASS = "idx"
INDEX_ATTRIBUTES = ("term", "see", "seealso", "sort")
KEPT_ATTRIBUTES = ("id", "class", "lang", "dir", "title")


def is_index_mark(el) -> bool:
    return el.tag == "span" and INDEX_CLASS in (el.get("class") or "").split()


class IndexMarkTreeprocessor(Treeprocessor):
    def run(self, root):
        for el in root.iter("span"):
            if not is_index_mark(el):
                continue
            for name in INDEX_ATTRIBUTES:
                value = el.attrib.pop(name, None)
                if value is not None:
                    el.set(f"data-idx-{name}", value)
            # A misspelt attribute ("terms=") would vanish in sanitising; keep its name for a warning.
            unknown = [k for k in el.attrib if k not in KEPT_ATTRIBUTES and not k.startswith("data-")]
            if unknown:
                el.set("data-idx-unknown", " ".join(unknown))
                for name in unknown:
                    del el.attrib[name]
        return None
