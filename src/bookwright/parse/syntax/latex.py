"""Raw LaTeX in a Markdown manuscript: understood where it has a meaning in every edition,
reported and left out where it has none; never printed as written.

Pandoc passes raw LaTeX to its LaTeX output and drops it from every other, silently;
bookwright makes EPUB, PDF and web editions from one text, so it reads what it can and
says what it leaves out, at its line:

- lines of commands only (`\\clearpage`, `\\noindent`, `\\vspace{1em}`) go; a page break
  (`\\newpage`, `\\clearpage`, `\\pagebreak`) becomes one in the paged editions;
- `\\begin{equation}` (align, gather, ...) is a display equation (`\\label{eq:x}` its
  label `{#eq-x}`); `\\begin{center}` and other wrappers keep their content; any other
  environment (a `tabular`, a `figure`) is left out with a warning;
- in the text, `\\emph{}`, `\\textbf{}`, `\\texttt{}`, `\\textsc{}`, `\\url{}`, `\\href{}{}`,
  `\\footnote{}` (an inline note), `\\index{}` (an index mark), `\\cite{}` (a citation)
  and symbols such as `\\ldots` are what they say; `\\ref{fig:x}` is a reference to `fig-x`
  with a warning (write `@fig-x`); any other command is reported, and its argument's
  text kept.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from markdown import util

from bookwright.parse.findings import Findings
from bookwright.parse.syntax.attributes import attribute_text
from bookwright.parse.syntax.citations import citation_element, parse_locator
from bookwright.parse.syntax.references import reference_element

COMMAND_LINE = re.compile(r"^[ \t]{0,3}(?:\\[A-Za-z@]+\*?(?:\[[^\]\n]*\])*(?:\{[^{}\n]*\})*[ \t]*)+$")
BEGIN = re.compile(r"^[ \t]{0,3}\\begin\{([A-Za-z*]+)\}")
PAGE_BREAKS = {"newpage", "clearpage", "pagebreak", "cleardoublepage"}
MATH_ENVIRONMENTS = {"equation", "equation*", "align", "align*", "gather", "gather*", "multline", "multline*",
                     "eqnarray", "eqnarray*", "displaymath", "flalign", "flalign*", "alignat", "alignat*"}
# Environments whose content is text a reader should still see.
WRAPPERS = {"center", "flushleft", "flushright", "quote", "quotation", "small", "footnotesize", "scriptsize",
            "large", "Large", "samepage", "landscape", "minipage", "raggedright", "raggedleft", "singlespace",
            "doublespace", "spacing"}
MATH_LABEL = re.compile(r"\\label\{([^{}]*)\}|\(\\#(eq:[^)\s]*)\)")
FOOTNOTE = re.compile(r"\\footnote(?:\[[^\]\n]*\])?\{")
PAGE_BREAK_HTML = '<div class="pagebreak"></div>'
HINT = "raw LaTeX appears in no edition; write it in Markdown"


def brace_groups(text: str, position: int, protected=None) -> tuple[list[str], list[str], int]:
    """The `[optional]` and `{required}` arguments written at `position`, and where they end.
    `protected(text, position)` reads an argument the inline patterns hid behind a
    placeholder (syntax/attributes.py hides `{...}` after `]`): (its inside, its end) or None."""
    optional: list[str] = []
    required: list[str] = []
    while position < len(text):
        hidden = protected(text, position) if protected is not None else None
        if hidden is not None:
            required.append(hidden[0])
            position = hidden[1]
        elif text[position] == "[" and not required:
            end = text.find("]", position)
            if end == -1 or "\n\n" in text[position:end]:
                break
            optional.append(text[position + 1:end])
            position = end + 1
        elif text[position] == "{":
            depth, end = 0, position
            while end < len(text):
                if text[end] == "\\":
                    end += 2
                    continue
                if text[end] == "{":
                    depth += 1
                elif text[end] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                end += 1
            if end >= len(text):
                break
            required.append(text[position + 1:end])
            position = end + 1
        else:
            break
    return optional, required, position


def _line_pattern(line: str) -> str:
    return r"^[ \t]*" + re.escape(line.strip()) + r"[ \t]*$"


class RawLatexPreprocessor(Preprocessor):
    """Lines of LaTeX and LaTeX environments; `\\footnote{}` as an inline note."""

    def __init__(self, md, findings: Findings):
        super().__init__(md)
        self.findings = findings

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            begin = BEGIN.match(line)
            if begin is not None:
                index = self._environment(lines, index, begin.group(1), out)
                continue
            if COMMAND_LINE.match(line) and "\\index{" not in line:
                self._command_line(line, out)
            else:
                out.append(line)
            index += 1
        text = "\n".join(out)
        if "\\footnote" in text:
            text = self._footnotes(text)
        return text.split("\n")

    def _environment(self, lines: list[str], start: int, name: str, out: list[str]) -> int:
        end = next((n for n in range(start, len(lines)) if f"\\end{{{name}}}" in lines[n]), None)
        if end is None:
            self.findings.add("warning", f"\\begin{{{name}}} is never ended; the line is left out",
                              _line_pattern(lines[start]), HINT)
            return start + 1
        if name in MATH_ENVIRONMENTS:
            body = "\n".join(lines[start:end + 1]).strip()
            label = MATH_LABEL.search(body)
            body = MATH_LABEL.sub("", body)
            if name.rstrip("*") in ("equation", "displaymath"):
                body = re.sub(r"\\(?:begin|end)\{" + re.escape(name) + r"\}", "", body)
            else:  # align and its kin: the same alignment, inside a display formula
                body = body.replace(f"\\begin{{{name}}}", "\\begin{aligned}").replace(f"\\end{{{name}}}", "\\end{aligned}")
            attributes = ""
            if label is not None:
                written = (label.group(1) or label.group(2)).replace(":", "-")
                attributes = " {#" + (written if written.startswith("eq-") else "eq-" + written) + "}"
            out.extend(["", "$$" + " ".join(body.split()) + "$$" + attributes, ""])
        elif name in WRAPPERS:
            self.findings.add("warning", f"LaTeX's \\begin{{{name}}} is left out; its content is kept",
                              _line_pattern(lines[start]), HINT)
            out.append("")
            out.extend(lines[start + 1:end])
            out.append("")
        else:
            self.findings.add("warning", f"raw LaTeX \\begin{{{name}}} … \\end{{{name}}} is left out of every edition",
                              _line_pattern(lines[start]),
                              "write a table as a pipe or grid table, a figure as ![Caption](image){#fig-x}"
                              if name in ("table", "tabular", "longtable", "figure", "tabularx") else HINT)
            out.append("")
        return end + 1

    def _command_line(self, line: str, out: list[str]) -> None:
        names = re.findall(r"\\([A-Za-z@]+)", line)
        if names and all(name in PAGE_BREAKS for name in names):
            out.extend(["", self.md.htmlStash.store(PAGE_BREAK_HTML), ""])
            return
        hint = "label a heading with {#sec-x}, a figure or table with {#fig-x} or {#tbl-x}" if "label" in names else HINT
        self.findings.add("warning", f"raw LaTeX {line.strip()[:40]} is left out of every edition",
                          _line_pattern(line), hint)
        out.append("")

    def _footnotes(self, text: str) -> str:
        """`\\footnote{text}` → `^[text]`, which syntax/notes.py reads as an inline note."""
        pieces, position = [], 0
        for m in FOOTNOTE.finditer(text):
            if m.start() < position or text[m.start() - 1:m.start()] == "\\":
                continue
            _, required, end = brace_groups(text, m.end() - 1)
            if not required:
                continue
            pieces.append(text[position:m.start()] + "^[" + required[0] + "]")
            position = end
        return "".join(pieces) + text[position:]


# --- commands inside the text ------------------------------------------------------------------

TAGS = {"emph": ("em", ""), "textit": ("em", ""), "textsl": ("em", ""), "textbf": ("strong", ""),
        "texttt": ("code", ""), "textsc": ("span", "smallcaps"), "underline": ("span", "underline"),
        "textsuperscript": ("sup", ""), "textsubscript": ("sub", ""), "sout": ("del", "")}
KEEP_TEXT = {"mbox", "hbox", "text", "textrm", "textsf", "textnormal", "textup", "textmd", "makebox", "fbox",
             "nolinkurl", "ensuremath"}
SYMBOLS = {"LaTeX": "LaTeX", "TeX": "TeX", "ldots": "\u2026", "dots": "\u2026", "textendash": "\u2013",
           "textemdash": "\u2014", "S": "\u00a7", "P": "\u00b6", "copyright": "\u00a9", "textregistered": "\u00ae",
           "texttrademark": "\u2122", "dag": "\u2020", "ddag": "\u2021", "textbar": "|", "textasciitilde": "~",
           "textbackslash": "\\", "textless": "<", "textgreater": ">", "textquoteleft": "\u2018",
           "textquoteright": "\u2019", "textquotedblleft": "\u201c", "textquotedblright": "\u201d", "quad": "\u2003",
           "qquad": "\u2003\u2003", "textdegree": "\u00b0", "euro": "\u20ac", "pounds": "\u00a3", "slash": "/",
           "textellipsis": "\u2026", "today": ""}
REFERENCES = {"ref": "number", "eqref": "number", "pageref": "number", "autoref": "full", "cref": "full",
              "Cref": "full", "vref": "full", "nameref": "full"}
CITATIONS = {"cite": "normal", "citep": "normal", "parencite": "normal", "autocite": "normal",
             "citet": "narrative", "textcite": "narrative", "citeauthor": "narrative", "citeyear": "suppress-author",
             "citealt": "normal", "citealp": "normal"}
PLACEHOLDER = re.compile(util.INLINE_PLACEHOLDER % r"\d+")
# Shared with the source scanner (parse/facts.py), which finds the keys' places.
LATEX_CITATION = re.compile(r"\\(?:" + "|".join(CITATIONS) + r")\*?(?:\[[^\]\n]*\])*\{([^{}\n]*)\}")
INLINE_COMMAND = re.compile(r"\\(?<!\\\\)([A-Za-z]+)\*?")
LABEL_KINDS = {"fig": "fig", "tab": "tbl", "tbl": "tbl", "eq": "eq", "sec": "sec", "lst": "lst", "chap": "sec",
               "ch": "sec", "section": "sec", "figure": "fig", "table": "tbl"}


def bookwright_label(written: str) -> str:
    """A LaTeX or Bookdown label as bookwright writes it: `fig:loop` → `fig-loop`,
    `tab:costs` → `tbl-costs`; a label without a kind is taken for a section's."""
    kind, colon, rest = written.partition(":")
    if colon and kind in LABEL_KINDS:
        return f"{LABEL_KINDS[kind]}-{rest.replace(':', '-')}"
    return written.replace(":", "-") if written.startswith(("sec-", "fig-", "tbl-", "lst-", "eq-")) else "sec-" + written.replace(":", "-")


class InlineLatexPattern(InlineProcessor):
    def __init__(self, md, findings: Findings):
        super().__init__(INLINE_COMMAND.pattern, md)
        self.compiled_re = INLINE_COMMAND
        self.findings = findings

    def handleMatch(self, m, data):
        name = m.group(1)
        optional, required, end = brace_groups(data, m.end(), self._protected)
        written = data[m.start():end]
        if name in SYMBOLS:
            return SYMBOLS[name], m.start(), m.end() + (2 if data.startswith("{}", m.end()) else 0)
        if name in TAGS and required:
            tag, css = TAGS[name]
            el = etree.Element(tag)
            if css:
                el.set("class", css)
            el.text = required[0]
            return el, m.start(), end
        if name in KEEP_TEXT and required:
            el = etree.Element("span")
            el.text = required[-1]
            return el, m.start(), end
        if name in ("url", "href") and required:
            el = etree.Element("a")
            el.set("href", required[0])
            el.text = required[-1] if name == "href" and len(required) > 1 else required[0]
            return el, m.start(), end
        if name == "index" and required:
            el = etree.Element("span")
            el.set("class", "idx")
            el.set("term", required[0])
            return el, m.start(), end
        if name in REFERENCES and required:
            label = bookwright_label(required[0])
            self._report(written, f"LaTeX's \\{name}{{{required[0]}}} is read as a reference to #{label}",
                         f"write @{label} (or [-@{label}] for the number alone)")
            el = reference_element(label, REFERENCES[name])
            el.set("data-fallback", "true")  # unresolved, it prints "??" with this warning
            return el, m.start(), end
        if name in CITATIONS and required:
            keys = [k.strip() for k in required[0].split(",") if k.strip()]
            if not keys:
                return None, None, None
            items: list[dict] = [{"key": key} for key in keys]
            if len(optional) == 2 and optional[0].strip():
                items[0]["prefix"] = optional[0].strip().replace("~", " ")
            if optional and optional[-1].strip():
                items[-1].update(parse_locator(", " + optional[-1].strip().replace("~", " ")))
            mode = CITATIONS[name]
            if mode == "narrative":
                items = items[:1]
            return citation_element(items, mode), m.start(), end
        if name == "label":
            self._report(written, f"LaTeX's {written} is left out",
                         "label a heading with {#sec-x}, a figure or table with {#fig-x} or {#tbl-x}")
            return "", m.start(), end
        kept = bool(required and required[-1].strip())
        self._report(written, f"raw LaTeX \\{name} is left out" + ("; its text is kept" if kept else ""), HINT)
        if kept:
            el = etree.Element("span")
            el.text = required[-1]
            return el, m.start(), end
        return "", m.start(), end

    def _protected(self, text: str, position: int) -> tuple[str, int] | None:
        found = PLACEHOLDER.match(text, position)
        if found is None:
            return None
        inside = attribute_text(self.md, found.group(0))
        return (inside, found.end()) if inside is not None else None

    def _report(self, written: str, message: str, hint: str) -> None:
        self.findings.add("warning", message, r"(?<!\\)" + re.escape(written), hint)
