"""Fenced code, highlighted with Pygments, with Quarto-style listing labels.

```{#lst-x .python lst-cap="Caption"}  →  <figure class="listing" id="lst-x">
Python-Markdown's own fences drop the id when highlighting, so the fences are ours.

A Quarto or R Markdown code chunk (```{r}, ```{python}, ```{r name, echo=FALSE}) is shown
as a listing of its code: bookwright does not run code. Its `#|` option lines are
Quarto's, not the reader's, and are left out; the chapter's first chunk carries a
warning that says so, and a chunk labelled to make a figure or table (`#| label: fig-x`)
one that names what the reader will not see.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

from markdown import util
from markdown.extensions.attr_list import get_attrs
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.lexers.special import TextLexer
from pygments.util import ClassNotFound

from bookwright.parse.findings import Findings

FENCE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})[ \t]*(?:\{(?P<attrs>[^\n}]*)\}|\.?(?P<lang>[\w#.+-]*))[ \t]*\n"
    r"(?P<code>.*?)(?<=\n)(?P=fence)[ \t]*$",
    re.M | re.S,
)
# The same fence inside a footnote: indented like the note's other blocks (four spaces or a
# tab), every code line carrying that indent. Python-Markdown reads a note's blocks apart
# from the document, after the preprocessors that see fences have run.
NOTE_FENCE = re.compile(
    r"^(?P<indent>[ ]{4}|\t)(?P<fence>`{3,}|~{3,})[ \t]*(?:\{(?P<attrs>[^\n}]*)\}|\.?(?P<lang>[\w#.+-]*))[ \t]*\n"
    r"(?P<code>(?:(?P=indent)[^\n]*\n|[ \t]*\n)*?)(?P=indent)(?P=fence)[ \t]*$",
    re.M,
)
NOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^[^\]]*\]:")
# ```{r}, ```{python}, ```{r setup, include=FALSE}: a language name first, no `.` or `#`.
CHUNK = re.compile(r"^\s*([A-Za-z][\w-]*)\s*(?:[ ,](.*))?$", re.S)
CHUNK_OPTION = re.compile(r"^[ \t]*#\|[ \t]*([\w.-]+)[ \t]*:[ \t]*(.*?)[ \t]*$", re.M)
FORMATTER = HtmlFormatter(nowrap=True)


def note_fences(text: str) -> list[re.Match]:
    """The fenced code blocks of `text` that sit inside a footnote definition."""
    return [m for m in NOTE_FENCE.finditer(text) if in_note_definition(text, m.start())]


def in_note_definition(text: str, offset: int) -> bool:
    """Whether the line at `offset` continues a footnote: the lines above it, back to a
    `[^x]:` line, are indented or blank, or unindented only within the note's first block."""
    blank_seen = False
    for line in reversed(text[:offset].split("\n")[:-1]):
        if NOTE_DEFINITION.match(line):
            return True
        if not line.strip():
            blank_seen = True
        elif not line.startswith(("    ", "\t")) and blank_seen:
            return False
    return False


def _chunk(match: re.Match, code: str, findings: Findings, first: bool, seen: dict[str, int]) -> str:
    """A code chunk, shown as a listing of its code without its `#|` options."""
    chunk = CHUNK.match(match.group("attrs"))
    lang = chunk.group(1)
    fence_line = match.group(0).split("\n", 1)[0]
    pattern = r"^" + re.escape(fence_line.strip()) + r"[ \t]*$"  # the fence line: code is not searched
    occurrence = seen.get(pattern, 0)
    seen[pattern] = occurrence + 1
    options = dict(CHUNK_OPTION.findall(code))
    knitr_label = (chunk.group(2) or "").split(",")[0].strip()
    label = options.get("label", "") or (knitr_label if "=" not in knitr_label else "")
    if first:
        findings.add("warning", f"code chunks such as ```{{{lang}}} are shown as code: bookwright does not run them",
                     pattern, "run the code beforehand and put its results in the text: a figure as "
                     "![Caption](file.png){#fig-x}, a table as a Markdown table", occurrence)
    kind = label.split("-", 1)[0] if "-" in label else ""
    if kind in ("fig", "tbl"):
        what = "figure" if kind == "fig" else "table"
        findings.add("warning", f"the chunk {label} would have made a {what}; bookwright does not run code, so "
                     f"@{label} names nothing", pattern,
                     f"save the {what} and include it: ![Caption](file.png){{#{label}}}" if kind == "fig"
                     else f"write the table in Markdown, captioned ': Caption {{#{label}}}'", occurrence)
    shown = CHUNK_OPTION.sub("", code).lstrip("\n")
    return render_listing(shown, lang, "", "", [])


def _listing(match: re.Match, code: str) -> str:
    lang, label, caption, classes = match.group("lang") or "", "", "", []
    for key, value in get_attrs(match.group("attrs") or ""):
        if key == "id":
            label = value
        elif key == ".":
            if lang:
                classes.append(value)
            else:
                lang = value
        elif key in ("lst-cap", "caption"):
            caption = value
    return render_listing(code, lang, label, caption, classes)


def render_listing(code: str, lang: str, label: str, caption: str, classes: list[str]) -> str:
    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    body = highlight(code, lexer, FORMATTER)
    lang_attr = f' data-lang="{html.escape(lang)}"' if lang else ""
    pre = f'<pre class="code"{lang_attr}><code>{body}</code></pre>'
    if not label and not caption:
        return pre
    figure_classes = " ".join(["listing", *classes])
    id_attr = f' id="{html.escape(label)}"' if label else ""
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else "<figcaption></figcaption>"
    return f'<figure class="{figure_classes}"{id_attr}>{cap}{pre}</figure>'


class ListingPreprocessor(Preprocessor):
    def __init__(self, md, findings: Findings):
        super().__init__(md)
        self.findings = findings

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        chunks = 0
        fences: dict[str, int] = {}
        while True:
            match = FENCE.search(text)
            if not match:
                break
            if match.group("attrs") is not None and CHUNK.match(match.group("attrs")):
                listing = _chunk(match, match.group("code"), self.findings, not chunks, fences)
                chunks += 1
            else:
                listing = _listing(match, match.group("code"))
            placeholder = self.md.htmlStash.store(listing)
            text = f"{text[:match.start()]}\n{placeholder}\n{text[match.end():]}"
        # Fences inside notes, last first so that earlier offsets hold. The placeholder keeps
        # the note's indent and stands in a block of its own, so it stays in the note.
        for match in reversed(note_fences(text)):
            indent = match.group("indent")
            code = "".join(line[len(indent):] if line.startswith(indent) else "\n"
                           for line in match.group("code").splitlines(keepends=True))
            placeholder = self.md.htmlStash.store(_listing(match, code))
            # One blank line either side: the note's blocks are split at blank lines, and a
            # block that opened with a second newline would not read as indented.
            text = f"{text[:match.start()].rstrip(chr(10))}\n\n{indent}{placeholder}\n\n{text[match.end():].lstrip(chr(10))}"
        return text.split("\n")


class NoteListingTreeprocessor(Treeprocessor):
    """A listing that ends a note keeps a paragraph of its own. The footnotes extension
    puts the note's back link into the note's last paragraph, which here holds only the
    listing's placeholder; sharing it, the placeholder would not be swapped for the listing
    as a block but set inside the paragraph, `<p><pre>`. The back link moves to a new
    paragraph after it, as the extension does for a note ending in indented code."""

    def run(self, root) -> None:
        for div in root.iter("div"):
            if div.get("class") != "footnote":
                continue
            for li in div.iter("li"):
                last = li[-1] if len(li) else None
                if last is None or last.tag != "p" or not len(last):
                    continue
                text = (last.text or "").replace(NBSP_PLACEHOLDER, "").strip()
                found = util.HTML_PLACEHOLDER_RE.search(text)
                if found is None or text != util.HTML_PLACEHOLDER % found.group(1):
                    continue
                if not self.md.htmlStash.rawHtmlBlocks[int(found.group(1))].startswith(("<pre", "<figure")):
                    continue
                if any(child.tag != "a" or "footnote-backref" not in (child.get("class") or "") for child in last):
                    continue
                back = etree.SubElement(li, "p")
                for child in list(last):
                    last.remove(child)
                    back.append(child)
                last.text = text
