"""Links to content that some editions leave out.

Conditional content (`::: {.content-visible when-format="pdf"}`, parse/syntax/conditional.py)
is in the model once, marked with the editions that show it; each writer leaves out what
is not for it. A reference, index entry or link to something inside such content would
point nowhere in the other editions, so once every link has its target, each link to an
element inside conditional content is marked with that content's editions
(`data-target-editions`): where the target is left out, the writer keeps the link's words
and drops the link.
"""

from __future__ import annotations

from bookwright.model import ResolvedChapter


def mark_conditional_targets(chapters: list[ResolvedChapter]) -> None:
    shown: dict[tuple[str, str], set[str]] = {}
    for chapter in chapters:
        for holder in chapter.body.xpath(".//*[@data-editions]"):
            editions = set(holder.get("data-editions").split())
            for el in holder.iter():
                if isinstance(el.tag, str) and el.get("id"):
                    key = (chapter.key, el.get("id"))
                    shown[key] = shown.get(key, editions) & editions  # nested conditions: both hold
    if not shown:
        return
    for chapter in chapters:
        for tree in [chapter.body] + [note.body for note in chapter.notes]:
            for el in tree.iter():
                if not isinstance(el.tag, str) or el.get("data-chapter") is None:
                    continue
                editions = shown.get((el.get("data-chapter"), el.get("data-id", "")))
                if editions is not None:
                    el.set("data-target-editions", " ".join(sorted(editions)))
