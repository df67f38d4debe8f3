"""No placeholder of Python-Markdown's ever reaches the reader.

Inline patterns hide what they have matched behind placeholders (`\\x02klzzwxh:0003\\x03`)
until the end of inline processing. A pattern that copies matched text into an attribute
copies placeholders with it, and nothing puts those back: they would reach the tree as
control characters (which lxml refuses, ending the build) or as "klzzwxh" in the text.
Every pattern of ours keeps matched text as element content; this last treeprocessor is
the guard for any way that is missed, by us or by an extension: a placeholder left in a
text or an attribute becomes the plain text of what it stood for.
"""

from __future__ import annotations

from markdown import util
from markdown.treeprocessors import Treeprocessor


class LeakedPlaceholderTreeprocessor(Treeprocessor):
    def run(self, root) -> None:
        stash = getattr(self.md.treeprocessors["inline"], "stashed_nodes", {})

        def plain(match) -> str:
            node = stash.get(match.group(1))
            if node is None:
                return ""
            return node if isinstance(node, str) else "".join(node.itertext())

        def restore(text: str) -> str:
            for _ in range(4):  # a stashed node's text may hold placeholders in turn
                if util.INLINE_PLACEHOLDER_PREFIX not in text:
                    break
                text = util.INLINE_PLACEHOLDER_RE.sub(plain, text)
            return text.replace(util.INLINE_PLACEHOLDER_PREFIX, "")

        for el in root.iter():
            if el.text and util.INLINE_PLACEHOLDER_PREFIX in el.text:
                el.text = restore(el.text)
            if el.tail and util.INLINE_PLACEHOLDER_PREFIX in el.tail:
                el.tail = restore(el.tail)
            for key, value in el.items():
                if value and util.INLINE_PLACEHOLDER_PREFIX in value:
                    el.set(key, restore(value))
