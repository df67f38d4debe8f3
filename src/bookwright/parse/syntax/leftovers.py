"""Markup that is still text after every extension ran: the reader would see it.

Whatever bookwright did not understand (a note call without a note, attributes that
attach to nothing, a fenced div line that opens nothing, Markdown's `**` without its
pair) would otherwise print as it is written. This treeprocessor runs last, before
Python-Markdown turns escapes back into characters (so `\\[^x]` written on purpose is
neither reported nor touched), records each leftover as a finding at its place in the
source, and leaves it out of the text.
"""

from __future__ import annotations

import difflib
import re

from markdown.treeprocessors import Treeprocessor

from bookwright.parse.findings import Findings

NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
# (what is left over, message, hint); the pattern's text is what is searched in the source.
LEFTOVERS = (
    (re.compile(r"\^\["), "an inline note that is never closed; its '^[' is left out",
     "close the note with ']': A sentence.^[The note.]"),
    (re.compile(r"\{[.#][^{}\n]*\}|\{[\w-]+=[^{}\n]*\}"), "attributes that attach to nothing are left out",
     "attributes follow a span, image or link directly, [text]{.smallcaps}, or end a heading: ## Title {#sec-x}"),
    (re.compile(r"(?:^|(?<=\n))[ ]{0,3}:{3,}[^\n]*"), "a fenced div line that opens or closes nothing is left out",
     "a div opens with '::: {.class}' on a line of its own and closes with ':::'"),
    (re.compile(r"\*\*"), "'**' without its pair is left out",
     "bold text is **between two pairs**; write \\*\\* for literal asterisks"),
)
SKIPPED = ("code", "pre")


def _skipped(el) -> bool:
    return el.tag in SKIPPED or (el.tag == "span" and "math" in (el.get("class") or "").split())


class LeftoverMarkupTreeprocessor(Treeprocessor):
    def __init__(self, md, findings: Findings):
        super().__init__(md)
        self.findings = findings

    def run(self, root) -> None:
        for holder, where in self._texts(root):
            text = getattr(holder, where)
            for m in NOTE_CALL.finditer(text):
                self._note_call(m.group(1))
            text = NOTE_CALL.sub("", text)
            for pattern, message, hint in LEFTOVERS:
                for m in pattern.finditer(text):
                    token = m.group(0).strip()
                    self.findings.add("warning", f"{message}: {token[:40]}", r"(?<!\\)" + re.escape(token), hint)
                text = pattern.sub("", text)
            setattr(holder, where, text)

    @staticmethod
    def _texts(root):
        """(element, "text" or "tail") of every text outside code and formulas, in reading order."""
        stack: list = [(root, False, None)]
        while stack:
            item, outer, where = stack.pop()
            if where is not None:
                yield item, where
                continue
            inside = outer or _skipped(item)
            if item.text and not inside:
                yield item, "text"
            for child in reversed(item):
                if child.tail and not inside:
                    stack.append((child, False, "tail"))  # a tail is the parent's text
                stack.append((child, inside, None))

    def _note_call(self, label: str) -> None:
        footnotes = getattr(self.md.treeprocessors["footnote"], "footnotes", None)
        defined = list(footnotes.footnotes) if footnotes is not None else []
        close = difflib.get_close_matches(label, defined, n=1)
        hint = (f"did you mean [^{close[0]}]?" if close
                else f"define the note on a line of its own: [^{label}]: The note's text.")
        self.findings.add("error", f"note [^{label}] has no definition", r"(?<!\\)\[\^" + re.escape(label) + r"\](?!:)",
                          hint)
