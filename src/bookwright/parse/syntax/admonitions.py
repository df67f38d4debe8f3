"""`!!! note "Title"` admonitions (Python-Markdown's, as MkDocs authors write them) are
callouts: the same aside as Quarto's `::: {.callout-note}` (syntax/divs.py)."""

from __future__ import annotations

from markdown.treeprocessors import Treeprocessor

# Admonition types → the callout kinds; an unknown type is a note.
KINDS = {"note": "note", "info": "note", "abstract": "note", "summary": "note", "seealso": "note",
         "tip": "tip", "hint": "tip", "success": "tip", "example": "tip", "question": "tip",
         "important": "important", "attention": "important",
         "warning": "warning", "caution": "caution", "danger": "caution", "error": "caution", "failure": "caution",
         "bug": "caution"}


class AdmonitionCalloutTreeprocessor(Treeprocessor):
    def run(self, root) -> None:
        for div in root.iter("div"):
            classes = (div.get("class") or "").split()
            if "admonition" not in classes:
                continue
            kind = next((KINDS[c] for c in classes if c in KINDS), "note")
            div.tag = "aside"
            div.set("class", f"callout callout-{kind}")
            title = div.find("p")
            if title is not None and "admonition-title" in (title.get("class") or "").split():
                title.set("class", "callout-title")
