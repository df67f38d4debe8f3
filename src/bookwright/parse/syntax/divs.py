"""Fenced divs, as in Pandoc and Quarto: `::: {.class #id key="value"}` ... `:::`.

A div holds blocks; divs nest (an inner fence opens before the outer one closes), and a
closing fence is a line of three or more colons alone. What a div becomes depends on its
classes, Quarto's meanings:

- `callout-note`, `-tip`, `-important`, `-warning`, `-caution`: a boxed aside,
  `<aside class="callout callout-tip">`, titled by `title="..."`, or by the heading it
  opens with (which is then no section of the chapter), or by the kind's word (the
  whole-book pass writes it in the book's language: `data-title="tip"`). `collapse`
  is kept for the web edition (`data-collapse`).
- `column-margin`: `<aside class="column-margin">`, in the margin where an edition has one.
- `content-visible` / `content-hidden`: conditional content (syntax/conditional.py).
- `#fig-x` (a figure's label, or `layout-ncol`): a figure made of what the div holds,
  its last paragraph the caption; several images in it are sub-figures (`#fig-x-1`),
  laid out in `layout-ncol` columns (syntax/panels.py).
- `#tbl-x`: the table it holds, captioned by its last paragraph.

Any other class is kept (a theme may style it) and reported, as is a fence that is never
closed (the div then ends with the chapter).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.blockprocessors import BlockProcessor

from bookwright.parse.findings import Findings
from bookwright.parse.syntax.panels import make_panel, make_table_div
from bookwright.parse.syntax.spans import span_attributes

OPENING = re.compile(r"^[ ]{0,3}(:{3,})[ \t]*(?:\{([^\n]*)\}|([\w-]+))[ \t]*:*[ \t]*$")
CLOSING = re.compile(r"^[ ]{0,3}:{3,}[ \t]*$")
CALLOUTS = ("note", "tip", "important", "warning", "caution")
CONDITIONAL = ("content-visible", "content-hidden")
# Quarto's page-layout classes: bookwright has a text column and (on the web) a margin.
LAYOUT = ("column-body", "column-body-outset", "column-page", "column-page-inset", "column-screen",
          "column-screen-inset", "column-page-left", "column-page-right", "column-body-outset-left",
          "column-body-outset-right", "column-screen-left", "column-screen-right", "column-screen-inset-shaded")
KNOWN_ATTRIBUTES = {"id", "class", "lang", "dir", "title", "collapse", "appearance", "icon",
                    "when-format", "unless-format", "layout-ncol", "layout-nrow", "layout", "layout-align",
                    "layout-valign", "fig-align", "fig-pos", "fig-env", "fig-scap", "tbl-colwidths"}
TRAILING_ATTRIBUTES = re.compile(r"\s*\{[^{}]*\}\s*$")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def fence_pattern(line: str) -> str:
    """Finds the fence line in the chapter's source, for a finding about its div."""
    return r"^[ ]{0,3}" + re.escape(line.strip()) + r"[ \t]*$"


class FencedDivProcessor(BlockProcessor):
    def __init__(self, parser, findings: Findings):
        super().__init__(parser)
        self.findings = findings
        self.fences: dict[str, int] = {}  # how many fences with the same line were read

    def test(self, parent, block) -> bool:
        return any(OPENING.match(line) for line in block.split("\n"))

    def run(self, parent, blocks):
        block = blocks[0]
        lines = block.split("\n")
        first = next(index for index, line in enumerate(lines) if OPENING.match(line))
        if first:
            # A fence after the lines of a paragraph: the paragraph is a block of its own.
            blocks[0:1] = ["\n".join(lines[:first]), "\n".join(lines[first:])]
            return False
        text = "\n\n".join(blocks)
        del blocks[:]
        lines = text.split("\n")
        opening = OPENING.match(lines[0])
        written = opening.group(2) if opening.group(2) is not None else "." + opening.group(3)
        pattern = fence_pattern(lines[0])
        occurrence = self.fences.get(pattern, 0)
        self.fences[pattern] = occurrence + 1

        def report(message: str, hint: str) -> None:  # a warning at this div's opening fence
            self.findings.add("warning", message, pattern, hint, occurrence)

        depth, end = 0, None
        for index, line in enumerate(lines):
            if OPENING.match(line):
                depth += 1
            elif CLOSING.match(line):
                depth -= 1
                if depth == 0:
                    end = index
                    break
        if end is None:
            report("this div is never closed; it ends with the chapter", "close it with a line ':::'")
            end = len(lines)
        content = "\n".join(lines[1:end])
        rest = "\n".join(lines[end + 1:]).lstrip("\n")
        if rest:
            blocks.extend(rest.split("\n\n"))
        self.make(parent, written, content, report)

    def make(self, parent, written: str, content: str, report) -> None:
        attributes = dict(span_attributes(" ".join(written.split())))
        classes = attributes.get("class", "").split()
        label = attributes.get("id", "")
        div = etree.SubElement(parent, "div")
        self.parser.parseChunk(div, content)
        callout = next((c.removeprefix("callout-") for c in classes if c.removeprefix("callout-") in CALLOUTS
                        and c.startswith("callout-")), None)
        if label.startswith("fig-") or any(k.startswith("layout") for k in attributes):
            make_panel(div, attributes, report)
        elif label.startswith("tbl-"):
            make_table_div(div, attributes)
        elif callout is not None:
            self._callout(div, callout, attributes)
        elif "column-margin" in classes:
            div.tag = "aside"
            self._set(div, attributes)
        else:
            self._set(div, attributes)
        self._report(classes, attributes, callout, report)

    @staticmethod
    def _set(el, attributes: dict) -> None:
        for name, value in attributes.items():
            if name in ("id", "class", "lang", "dir") and value or name.startswith("data-"):
                el.set(name, value)
        for name in ("when-format", "unless-format"):  # read by syntax/conditional.py
            if name in attributes:
                el.set(f"data-{name}", attributes[name])

    def _callout(self, div, kind: str, attributes: dict) -> None:
        div.tag = "aside"
        self._set(div, attributes)
        classes = [c for c in attributes.get("class", "").split() if c != f"callout-{kind}" and c != "callout"]
        div.set("class", " ".join(["callout", f"callout-{kind}", *classes]))
        if attributes.get("collapse", "").lower() in ("true", "false"):
            div.set("data-collapse", attributes["collapse"].lower())
        title = etree.Element("p")
        title.set("class", "callout-title")
        first = div[0] if len(div) else None
        if attributes.get("title"):
            title.text = attributes["title"]  # Markdown, read by the inline patterns
        elif first is not None and first.tag in HEADINGS:
            # The heading a callout opens with is its title, not a section of the chapter.
            title.text = TRAILING_ATTRIBUTES.sub("", first.text or "")  # a heading's `{#id}` names no title
            for child in list(first):
                title.append(child)
            div.remove(first)
        else:
            title.set("data-callout", kind)  # the kind's word, in the book's language (resolve)
        div.insert(0, title)
        for heading in (el for el in div.iter() if el.tag in HEADINGS):
            heading.set("class", " ".join([*(heading.get("class") or "").split(), "unnumbered", "unlisted"]))

    @staticmethod
    def _report(classes: list[str], attributes: dict, callout: str | None, report) -> None:
        known = {"callout", "column-margin", *CONDITIONAL, *LAYOUT} | ({f"callout-{callout}"} if callout else set())
        for name in classes:
            if name in known:
                continue
            if name.startswith("callout-"):
                report(f"unknown callout '.{name}'; it is shown as an ordinary div",
                       "callouts are .callout-note, -tip, -important, -warning and -caution")
            else:
                report(f"bookwright does not know the div class '.{name}'; its content is shown as ordinary text",
                       "bookwright's divs: .callout-note (-tip, -important, -warning, -caution), .column-margin, "
                       ".content-visible/.content-hidden when-format=..., {#fig-x layout-ncol=2}; "
                       "the theme may style other classes")
        for name in attributes:
            if name not in KNOWN_ATTRIBUTES and not name.startswith("data-"):
                report(f"the div attribute '{name}' is not understood; it is left out",
                       "a div knows id, classes, title and collapse (callouts), when-format and unless-format, "
                       "layout-ncol and layout-nrow (figures), lang and dir")
