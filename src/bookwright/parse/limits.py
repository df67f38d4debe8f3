"""How deep a chapter may nest, so that no tool in the chain recurses itself to death.

Python-Markdown, lxml (256 levels in XHTML) and WeasyPrint all walk the document
recursively; a list or quotation nested a few hundred levels deep, or a few thousand
emphasis markers in a row, would end in a RecursionError or a silently truncated tree.
No book needs more than a few levels, so anything past `MAX_NESTING` is an error at the
line where it happens, found before Markdown runs where the source shows it and after
parsing where only the tree does.
"""

from __future__ import annotations

import re

from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.model import ChapterSource
from bookwright.parse.sourcemap import SourceMap

# Elements inside a chapter's body (a list level is two: <ul><li>). WeasyPrint lays out
# 96 levels of lists with the print theme; 64 leaves room for notes and inline markup.
MAX_NESTING = 64
# Quotation markers, list markers and 4-column indents at the start of one line.
MAX_LINE_DEPTH = MAX_NESTING // 2
LIST_MARKER = re.compile(r"([-*+]|\d{1,9}[.)])(?=[ \t]|$)")
HINT = "flatten the structure; a book rarely needs more than a few levels of lists or quotations"


def line_depth(line: str) -> int:
    """Container levels a Markdown line opens: `>` markers, list markers, and the
    indentation before the first of them (four columns a level, as Markdown nests lists)."""
    depth, columns, i = 0, 0, 0
    while i < len(line):
        ch = line[i]
        if ch in " \t":
            if not depth:  # spaces after a marker separate it from its content
                columns += 1 if ch == " " else 4 - columns % 4
        elif ch == ">":
            depth += 1
        else:
            marker = LIST_MARKER.match(line, i)
            if not marker:
                break
            depth += 1
            i = marker.end()
            continue
        i += 1
    return depth + columns // 4


def check_source(source: ChapterSource, diags: Diagnostics) -> bool:
    """False (with an error) when a line nests too deeply for Markdown to be run on it."""
    for number, line in enumerate(source.text.split("\n"), 1):
        if line_depth(line) > MAX_LINE_DEPTH:
            diags.error(source.path, number, 1,
                        f"this line is nested {line_depth(line)} levels deep (lists, quotations, indentation); "
                        f"at most {MAX_LINE_DEPTH} are supported", hint=HINT)
            return False
    return True


def check_tree(body: html.HtmlElement, sources: SourceMap, diags: Diagnostics) -> bool:
    """False (with an error) when the parsed chapter nests more than MAX_NESTING elements."""
    stack = [(body, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > MAX_NESTING:
            where = _locate(el, sources)
            diags.error_at(where, f"content nested more than {MAX_NESTING} elements deep (lists, quotations or HTML); "
                           f"at most {MAX_NESTING} are supported", hint=HINT)
            return False
        # Children pushed in reverse so that the first offender in reading order is reported.
        stack.extend((child, depth + 1) for child in reversed(el) if isinstance(child.tag, str))
    return True


def _locate(el: html.HtmlElement, sources: SourceMap):
    text = " ".join(el.text_content().split())[:40]
    if text:
        found = sources.find_all(text)
        if found:
            return found[0]
    lines = sources.text.split("\n")
    busiest = max(range(len(lines)), key=lambda n: lines[n].count("<") + line_depth(lines[n]))
    return sources.location(sources.line_starts[busiest])


def too_deep_to_parse(source: ChapterSource, diags: Diagnostics) -> None:
    """Markdown ran out of recursion: point at the line most likely to blame."""
    lines = source.text.split("\n")

    def weight(n: int) -> int:
        runs = re.findall(r"[*_\[\]<>`]+", lines[n])
        return max([len(r) for r in runs] + [0]) + line_depth(lines[n]) * 8

    worst = max(range(len(lines)), key=weight)
    diags.error(source.path, worst + 1, 1, "this chapter nests too deeply to be read (emphasis, brackets, lists or HTML)",
                hint=HINT)
