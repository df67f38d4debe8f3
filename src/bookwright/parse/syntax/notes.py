"""Inline notes, as in Pandoc: `A claim.^[The note, with *markup* and @sec-x.]`.

Python-Markdown's footnotes extension knows only `[^label]` calls and `[^label]: text`
definitions, so each inline note is rewritten into both before the blocks are read: the
call where the note was, the definition after the chapter's last line. From there on an
inline note is a note like any other (numbered through the book, placed as `[notes]`
says), and its text is Markdown read where every note's is.

A note cannot hold a note (no edition could show one): an inline note inside another, or
inside a `[^label]:` definition, is printed in parentheses where it stands, with a
warning. An inline note without its closing bracket is left as text, and reported as
leftover markup (syntax/leftovers.py).
"""

from __future__ import annotations

import re

from markdown.preprocessors import Preprocessor

from bookwright.parse.findings import Findings
from bookwright.parse.syntax.attributes import code_spans
from bookwright.parse.syntax.listings import in_note_definition

OPENING = re.compile(r"\^\[")
BLANK_LINE = re.compile(r"[ \t]*(?:\n|$)")
DEFINITION_LABEL = re.compile(r"^[ ]{0,3}\[\^([^\]]+)\]:", re.M)
SOURCE_PATTERN = r"(?<!\\)\^\["
NESTED_HINT = "a note cannot hold a note; write the text in parentheses, or make it a note of its own"


def _escaped(text: str, offset: int) -> bool:
    backslashes = 0
    while offset - backslashes - 1 >= 0 and text[offset - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


class _Scanner:
    """The inline notes of one text: where each opens and closes, outside code."""

    def __init__(self, text: str):
        self.text = text
        self.code = code_spans(text)
        self.openings = [m.start() for m in OPENING.finditer(text)
                         if not _escaped(text, m.start()) and not self.in_code(m.start())]

    def in_code(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.code)

    def closing(self, opening: int) -> int | None:
        """Where the note opened at `opening` closes (the offset of its `]`), or None."""
        depth, position, text = 0, opening + 1, self.text
        while position < len(text):
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "`":
                end = next((e for s, e in self.code if s == position), None)
                if end is not None:
                    position = end
                    continue
            if char == "\n" and BLANK_LINE.match(text, position + 1):
                return None  # a blank line ends the paragraph, and the note with it
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    return position
            position += 1
        return None


class InlineNotePreprocessor(Preprocessor):
    def __init__(self, md, findings: Findings):
        super().__init__(md)
        self.findings = findings

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "^[" not in text:
            return lines
        scanner = _Scanner(text)
        used = set(DEFINITION_LABEL.findall(text))
        notes: list[tuple[int, int, str]] = []  # (start, end, call) of each outermost note
        definitions: list[str] = []
        position = -1
        for number, opening in enumerate(scanner.openings):
            if opening < position:
                continue  # inside a note already rewritten
            closing = scanner.closing(opening)
            if closing is None:
                continue
            content = self._flatten(scanner, opening, closing)
            line_start = text.rfind("\n", 0, opening) + 1
            if DEFINITION_LABEL.match(text, line_start) or in_note_definition(text, opening):
                self.findings.add("warning", "an inline note inside a note is printed in parentheses",
                                  SOURCE_PATTERN, NESTED_HINT, occurrence=number)
                notes.append((opening, closing + 1, f"({content})"))
            else:
                label = self._label(used)
                notes.append((opening, closing + 1, f"[^{label}]"))
                definitions.append(f"[^{label}]: {content}")
            position = closing + 1
        for start, end, replacement in reversed(notes):
            text = text[:start] + replacement + text[end:]
        if definitions:
            text += "\n\n" + "\n\n".join(definitions) + "\n"
        return text.split("\n")

    def _flatten(self, scanner: _Scanner, opening: int, closing: int) -> str:
        """The note's text on one line (it is one paragraph), each inline note inside it in
        parentheses, with a warning."""
        text = scanner.text
        pieces, position = [], opening + 2
        for number, inner in enumerate(scanner.openings):
            if not opening < inner < closing or inner < position:
                continue
            inner_closing = scanner.closing(inner)
            if inner_closing is None or inner_closing > closing:
                continue
            self.findings.add("warning", "an inline note inside a note is printed in parentheses",
                              SOURCE_PATTERN, NESTED_HINT, occurrence=number)
            pieces.append(text[position:inner])
            pieces.append("(" + self._flatten(scanner, inner, inner_closing) + ")")
            position = inner_closing + 1
        pieces.append(text[position:closing])
        return " ".join("".join(pieces).split())

    @staticmethod
    def _label(used: set[str]) -> str:
        number = len(used) + 1
        while f"inline-{number}" in used:
            number += 1
        label = f"inline-{number}"
        used.add(label)
        return label
